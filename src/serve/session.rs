//! A site kept in memory between rebuilds, for `serve` and `watch`.
//!
//! Each rebuild goes through the same pipeline as `kudos build` (so the result is the
//! same by construction) but reuses what did not change: parsed files
//! ([`LoadCache`]), rendered markdown ([`BodyCache`]) and output files whose
//! dependency fingerprint ([`crate::render::deps`]) is unchanged. Correctness over speed:
//! the site is always fully resolved again, which keeps every cross-reference right.

use std::collections::{BTreeMap, HashMap, HashSet};
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
    fingerprints: HashMap<String, u64>,
    output: Arc<BTreeMap<String, OutputFile>>,
}

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
    pub fn output(&self) -> Arc<BTreeMap<String, OutputFile>> {
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
        let mut next_prints = HashMap::with_capacity(jobs.len());
        let mut to_render = Vec::new();
        for job in &jobs {
            let path = renderer.output_path(job);
            let print = renderer.job_fingerprint(job, &fingerprints);
            if self.fingerprints.get(&path) != Some(&print) || !self.output.contains_key(&path) {
                to_render.push(job.clone());
            }
            next_prints.insert(path, print);
        }
        timings.lap("fingerprints");
        let rendered = renderer.render_jobs(&to_render)?;
        let extras = extra_files(&site, &theme)?;
        let pages: Vec<OutputFile> = next_prints
            .keys()
            .filter(|path| extras.iter().any(|e| &e.path == *path))
            .map(|path| OutputFile::rendered(path.clone(), String::new()))
            .collect();
        reject_collisions(
            &pages
                .into_iter()
                .chain(extras.iter().cloned())
                .collect::<Vec<_>>(),
        )?;
        timings.lap("templates");

        let mut next: BTreeMap<String, OutputFile> = BTreeMap::new();
        for path in next_prints.keys() {
            if let Some(file) = self.output.get(path) {
                next.insert(path.clone(), file.clone());
            }
        }
        for file in rendered.into_iter().chain(extras) {
            next.insert(file.path.clone(), file);
        }
        let changed_paths = diff(&self.output, &next, &changed);
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

/// Output paths that differ between two outputs. A copy of a source file that `sources`
/// names counts as changed: its old bytes are gone from disk, so comparing cannot tell.
fn diff(
    before: &BTreeMap<String, OutputFile>,
    after: &BTreeMap<String, OutputFile>,
    sources: &HashSet<PathBuf>,
) -> Vec<String> {
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(path, file)| {
            matches!(&file.contents, Contents::Copy(from) if sources.contains(from))
                || before
                    .get(*path)
                    .is_none_or(|old| !same_contents(old, file))
        })
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    changed.sort();
    changed
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
