//! A site kept in memory between rebuilds, for `serve` and `watch`.
//!
//! Each rebuild goes through the same pipeline as `kudos build` (so the result is the
//! same by construction) but reuses what did not change: parsed files
//! ([`LoadCache`]), rendered markdown ([`BodyCache`]) and output files whose
//! dependency fingerprint ([`crate::render::deps`]) is unchanged. Correctness over speed:
//! the site is always fully resolved again, which keeps every cross-reference right.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{Project, Timings};
use crate::config::Config;
use crate::content::{LoadCache, load_cached};
use crate::error::{Result, SourceError};
use crate::output::{Contents, OutputFile};
use crate::render::deps::SiteFingerprints;
use crate::render::{BodyCache, Renderer, extra_files, reject_collisions};
use crate::site::{BuildOptions, Site};
use crate::theme::Theme;

/// What one rebuild did.
#[derive(Debug)]
pub struct RebuildReport {
    /// Pages and feeds rendered by this rebuild.
    pub rendered: usize,
    /// Pages and feeds the site has.
    pub jobs: usize,
    /// Output paths whose bytes changed, were added or removed.
    pub changed: Vec<String>,
    /// Problems that did not stop the build.
    pub warnings: Vec<SourceError>,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
    /// Time per stage.
    pub timings: Timings,
}

/// The in-memory site.
pub struct Session {
    project: Project,
    options: BuildOptions,
    /// Applied to every config read (serve sets the local base URL).
    config_override: Box<dyn Fn(&mut Config) + Send>,
    load_cache: LoadCache,
    bodies: BodyCache,
    fingerprints: HashMap<Arc<str>, u64>,
    output: Arc<OutputMap>,
}

/// The in-memory site: output path -> file. Shared with the server (cheap to clone: the
/// keys and files are reference-counted).
pub type OutputMap = HashMap<Arc<str>, Arc<OutputFile>>;

impl Session {
    /// A session over `project`; nothing is built until [`Session::rebuild`].
    pub fn new(
        project: Project,
        options: BuildOptions,
        config_override: Box<dyn Fn(&mut Config) + Send>,
    ) -> Session {
        Session {
            project,
            options,
            config_override,
            load_cache: LoadCache::default(),
            bodies: BodyCache::default(),
            fingerprints: HashMap::new(),
            output: Arc::default(),
        }
    }

    /// The site root.
    pub fn root(&self) -> &std::path::Path {
        &self.project.root
    }

    /// The current output, by path below the output folder (a cheap shared snapshot).
    pub fn output(&self) -> Arc<OutputMap> {
        Arc::clone(&self.output)
    }

    /// Rebuilds after `changed` paths (absolute or relative to the root) changed. On error
    /// the previous output stays as it was.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildReport> {
        let started = Instant::now();
        let changed: HashSet<PathBuf> = changed
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    self.project.root.join(p)
                }
            })
            .collect();
        let mut timings = Timings::default();
        let mut config = self.project.config()?;
        (self.config_override)(&mut config);
        let theme = Theme::load(&self.project.root, &config)?;
        let content = load_cached(&self.project.root, &config, &mut self.load_cache, &changed)?;
        timings.lap("load");
        let site = Site::resolve(config, content, &self.options)?;
        timings.lap("resolve");
        let renderer = Renderer::new(&site, &theme, Some(&self.bodies))?;
        timings.lap("markdown");
        let fingerprints = SiteFingerprints::new(&renderer, &theme);

        let jobs = renderer.jobs();
        let mut next_prints: HashMap<Arc<str>, u64> = HashMap::with_capacity(jobs.len());
        let mut to_render = Vec::new();
        for job in &jobs {
            let path = renderer.output_path(job);
            let print = renderer.job_fingerprint(job, &path, &fingerprints);
            let previous = self.fingerprints.get_key_value(path.as_str());
            let key = match previous {
                Some((key, old)) if *old == print && self.output.contains_key(path.as_str()) => {
                    Arc::clone(key)
                }
                _ => {
                    to_render.push(job.clone());
                    Arc::from(path)
                }
            };
            next_prints.insert(key, print);
        }
        timings.lap("fingerprints");
        let rendered = renderer.render_jobs(&to_render)?;
        let extras = extra_files(&site, &theme)?;
        let clashing: Vec<OutputFile> = extras
            .iter()
            .filter(|e| next_prints.contains_key(e.path.as_str()))
            .map(|e| OutputFile::rendered(e.path.clone(), String::new()))
            .collect();
        reject_collisions(
            &clashing
                .into_iter()
                .chain(extras.iter().cloned())
                .collect::<Vec<_>>(),
        )?;
        timings.lap("templates");

        // Start from the previous output: pages not re-rendered are unchanged by
        // construction, so only re-rendered pages, extras and removals need comparing.
        let mut next: OutputMap = (*self.output).clone();
        let extra_paths: HashSet<&str> = extras.iter().map(|e| e.path.as_str()).collect();
        let mut changed_paths: Vec<String> = Vec::new();
        next.retain(|path, _| {
            let keep = next_prints.contains_key(path) || extra_paths.contains(path.as_ref());
            if !keep {
                changed_paths.push(path.to_string());
            }
            keep
        });
        for file in rendered.into_iter().chain(extras) {
            let differs = match self.output.get(file.path.as_str()) {
                None => true,
                Some(old) => {
                    matches!(&file.contents, Contents::Copy(from) if changed.contains(from))
                        || !same_contents(old, &file)
                }
            };
            if differs {
                changed_paths.push(file.path.clone());
            }
            let key: Arc<str> = next
                .get_key_value(file.path.as_str())
                .map_or_else(|| Arc::from(file.path.as_str()), |(k, _)| Arc::clone(k));
            next.insert(key, Arc::new(file));
        }
        changed_paths.sort();
        self.output = Arc::new(next);
        self.fingerprints = next_prints;
        Ok(RebuildReport {
            rendered: to_render.len(),
            jobs: jobs.len(),
            changed: changed_paths,
            warnings: site.warnings,
            elapsed: started.elapsed(),
            timings,
        })
    }
}

fn same_contents(a: &OutputFile, b: &OutputFile) -> bool {
    match (&a.contents, &b.contents) {
        // Files that were not re-rendered share their buffer: no need to compare bytes.
        (Contents::Bytes(x), Contents::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
        (Contents::Static(x), Contents::Static(y)) => std::ptr::eq(*x, *y) || x == y,
        // The same source file, not among the changed paths (checked by the caller).
        (Contents::Copy(x), Contents::Copy(y)) => x == y,
        _ => matches!((a.bytes(), b.bytes()), (Ok(x), Ok(y)) if x == y),
    }
}
