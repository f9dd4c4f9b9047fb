//! A site kept in memory between rebuilds, for `serve` and `watch`.
//!
//! Each rebuild goes through the same pipeline as `kudos build` (so the result is the
//! same by construction) but reuses what did not change: parsed files
//! ([`LoadCache`]), rendered markdown ([`BodyCache`]) and output files whose
//! dependency fingerprint ([`crate::warm::fingerprints`]) is unchanged.
//!
//! The common cases while writing, a save that changes a post's or page's text or title
//! or a customer's quote, take a shortcut: the last good build's resolved site and
//! renderer are kept, the new item is swapped in, and only the pages whose fingerprint
//! changed are rendered (`src/render/patch.rs` says why that is exact). A save the
//! shortcut cannot prove harmless goes through the full pipeline.
//!
//! Files copied as they are (`static/`, assets beside content) are read when the rebuild
//! happens and kept as bytes: what is served is the last build's output, never whatever
//! sits at that path when a request comes (a file swapped for a symlink to a secret after
//! the build is not followed). An unchanged file's bytes are reused, not read again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::build::{Caches, Prepared, Project, Timings, prepare};
use crate::config::Config;
use crate::content::LoadCache;
use crate::error::{Error, Result, SourceError};
use crate::output::{Contents, OutputFile};
use crate::render::{Cards, Renderer, TemplatePictures};

use crate::site::Route;
use crate::site::{BuildOptions, RelatedMemo, Site};
use crate::theme::Theme;
use crate::warm::fingerprints::SiteFingerprints;
use crate::warm::memory::BodyCache;

/// What one rebuild did.
#[derive(Debug)]
pub struct RebuildReport {
    /// The output paths of the pages and feeds this rebuild rendered, in route order.
    pub rendered: Vec<Arc<str>>,
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
    /// Whether the body-only shortcut handled it (the site was patched, not re-resolved).
    pub patched: bool,
}

/// The in-memory site.
pub struct Session {
    project: Project,
    options: BuildOptions,
    /// Applied to every config read (serve sets the local base URL).
    config_override: Box<dyn Fn(&mut Config) + Send>,
    load_cache: LoadCache,
    bodies: Arc<BodyCache>,
    /// Output path -> fingerprint of what it was rendered from (looked up for every
    /// page on every rebuild, hence the fast hasher).
    fingerprints: FxHashMap<Arc<str>, u64>,
    /// What each page of the last good output asked for with `image()`: pages not
    /// rendered again still show it.
    template_pictures: TemplatePictures,
    output: Arc<OutputMap>,
    /// What the last successful full rebuild prepared, for body-only edits to patch.
    /// Dropped whenever a rebuild fails, so a patch never builds on a broken site.
    retained: Option<Retained>,
    /// Copied files as read by the last rebuild, by source path.
    copies: FxHashMap<PathBuf, Snapshot>,
    /// Counts rebuilds, so a search index made in the background for an older one is
    /// dropped instead of installed.
    generation: u64,
    /// `serve` indexes in the background ([`Session::take_search_job`]); otherwise every
    /// rebuild indexes before it returns, so its output equals a clean build's.
    search_in_background: bool,
    /// The index the last rebuild still needs, when it is made in the background.
    pending_search: Option<SearchJob>,
    /// Whether `output` holds search index files, so a site without search does not
    /// look through every output path for them on every save.
    has_search_files: bool,
    /// The preview bar's advice, kept between saves.
    advice: crate::serve::preview::AdviceMemo,
    /// Related posts as the last full rebuild found them.
    related: RelatedMemo,
}

/// The search index of one rebuild's pages, to make on any thread ([`SearchJob::run`])
/// and hand back to [`Session::install_search`].
pub struct SearchJob {
    generation: u64,
    language: String,
    /// The HTML pages, in route order (the index numbers pages as they come).
    pages: Vec<Arc<OutputFile>>,
}

impl SearchJob {
    /// Builds the index: (the rebuild it belongs to, its files).
    pub fn run(self) -> Result<(u64, Vec<OutputFile>)> {
        let files = crate::search::index_files(&self.language, self.pages.iter().map(|p| &**p))?;
        Ok((self.generation, files))
    }
}

/// A copied file's bytes as read at a rebuild, with what its metadata said then.
struct Snapshot {
    stamp: (u64, Option<SystemTime>),
    bytes: Arc<[u8]>,
}

/// What a patch or a full rebuild did (see [`RebuildReport`]).
struct Outcome {
    rendered: Vec<Arc<str>>,
    jobs: usize,
    changed: Vec<String>,
}

/// The prepared renderer of the last good build and what it was prepared from.
struct Retained {
    renderer: Renderer,
    prints: SiteFingerprints,
    config: u64,
    theme: u64,
    /// Every job, in route order.
    jobs: Vec<KeptJob>,
}

/// A job of the last good build. A patch compares each job's new fingerprint with the one
/// kept here, in order: looking each up in `Session::fingerprints` by path cost more than
/// making the fingerprint (a cache miss per page).
struct KeptJob {
    route: Route,
    path: Arc<str>,
    print: u64,
}

/// The in-memory site: output path -> file. Shared with the server (cheap to clone: the
/// keys and files are reference-counted). The fast hasher: a structural rebuild looks up
/// every one of a 10k site's 30k paths, and no request inserts a key.
pub type OutputMap = FxHashMap<Arc<str>, Arc<OutputFile>>;

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
            bodies: Arc::default(),
            fingerprints: FxHashMap::default(),
            template_pictures: TemplatePictures::default(),
            output: Arc::default(),
            retained: None,
            copies: FxHashMap::default(),
            generation: 0,
            search_in_background: false,
            pending_search: None,
            has_search_files: false,
            advice: Default::default(),
            related: RelatedMemo::default(),
        }
    }

    /// Leaves the search index of each rebuild to the caller ([`Session::take_search_job`]),
    /// so a save reaches the browser before the index is made again (`serve`).
    pub fn index_search_in_background(&mut self) {
        self.search_in_background = true;
    }

    /// The index the last rebuild needs, to run elsewhere; `None` when search is off or
    /// nothing is pending.
    pub fn take_search_job(&mut self) -> Option<SearchJob> {
        self.pending_search.take()
    }

    /// Puts a finished index in place of the old one, unless a rebuild came after the
    /// one it was made for. Returns whether it was installed.
    pub fn install_search(&mut self, (generation, files): (u64, Vec<OutputFile>)) -> bool {
        if generation != self.generation {
            return false;
        }
        let output = Arc::make_mut(&mut self.output);
        output.retain(|path, _| !is_search_file(path));
        self.has_search_files = !files.is_empty();
        for file in files {
            output.insert(Arc::from(file.path.as_str()), Arc::new(file));
        }
        true
    }

    /// The index job for the output just built, when `[search]` is on.
    fn search_job(&self, config: &Config) -> Option<SearchJob> {
        if !config.search.enabled {
            return None;
        }
        let retained = self.retained.as_ref()?;
        let pages = retained
            .jobs
            .iter()
            .filter(|job| job.path.ends_with(".html"))
            .filter_map(|job| self.output.get(&job.path).cloned())
            .collect();
        Some(SearchJob {
            generation: self.generation,
            language: config.language.clone(),
            pages,
        })
    }

    /// After a successful rebuild: the index made now, or left for the caller.
    fn index_search(&mut self, config: &Config) -> Result<()> {
        let job = self.search_job(config);
        if job.is_none() && self.has_search_files {
            Arc::make_mut(&mut self.output).retain(|path, _| !is_search_file(path));
            self.has_search_files = false;
        }
        match job {
            Some(job) if self.search_in_background => self.pending_search = Some(job),
            Some(job) => {
                let built = job.run()?;
                self.install_search(built);
            }
            None => {}
        }
        Ok(())
    }

    /// The site root.
    pub fn root(&self) -> &std::path::Path {
        &self.project.root
    }

    /// The current output, by path below the output folder (a cheap shared snapshot).
    pub fn output(&self) -> Arc<OutputMap> {
        Arc::clone(&self.output)
    }

    /// Forgets everything kept between rebuilds except the last good output, so the next
    /// rebuild starts from the files alone. After a rebuild panicked (a bug), the caches
    /// may be half-updated; this is what makes the next save rebuild correctly anyway.
    pub fn reset(&mut self) {
        self.load_cache = LoadCache::default();
        self.bodies = Arc::default();
        self.fingerprints = FxHashMap::default();
        self.template_pictures = TemplatePictures::default();
        self.retained = None;
        self.copies = FxHashMap::default();
        self.related = RelatedMemo::default();
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
        self.generation += 1;
        self.pending_search = None;
        let mut config = self.project.config_for_build()?;
        (self.config_override)(&mut config);
        let theme = Theme::load(&self.project.root, &config)?;
        timings.lap("config");
        let search_config = config.clone();
        let patched = self.patch(&config, &theme, &changed, &mut timings);
        let was_patched = patched.is_some();
        let outcome = match patched {
            Some(outcome) => outcome,
            None => {
                let site = self.unchanged_site(&config, &changed);
                drop_elsewhere(self.retained.take());
                self.rebuild_fully(config, &theme, (&changed, site), &mut timings)
            }
        };
        if outcome.is_err() {
            // A patch never builds on a broken site.
            self.retained = None;
        }
        let Outcome {
            rendered,
            jobs,
            changed,
        } = outcome?;
        self.index_search(&search_config)?;
        timings.lap("search");
        Ok(RebuildReport {
            rendered,
            jobs,
            changed,
            warnings: self.warnings(),
            elapsed: started.elapsed(),
            timings,
            patched: was_patched,
        })
    }

    /// The preview bar's data of the last good build (`serve` only), with its `warnings`
    /// (the rebuild's report has them: gathering them again took a millisecond a save).
    pub fn preview(&mut self, warnings: &[SourceError]) -> Option<crate::serve::preview::Preview> {
        use crate::serve::preview::Preview;
        let retained = self.retained.as_ref()?;
        let site = Arc::clone(retained.renderer.site_shared());
        let root = &self.project.root;
        let now = self.options.now;
        let advice = self.advice.notes(&site, root, now);
        Some(Preview::new(site, warnings, &advice, root, now))
    }

    fn warnings(&self) -> Vec<SourceError> {
        self.retained
            .as_ref()
            .map(|r| r.renderer.warnings())
            .unwrap_or_default()
    }

    /// The shortcut for edits that leave items in place ([`super::patch`]); `None`
    /// when it does not apply.
    fn patch(
        &mut self,
        config: &Config,
        theme: &Theme,
        changed: &HashSet<PathBuf>,
        timings: &mut Timings,
    ) -> Option<Result<Outcome>> {
        let retained = self.retained.as_mut()?;
        if retained.config != config.fingerprint() || retained.theme != theme.fingerprint() {
            return None;
        }
        // A patched page may ask `image()` for other files: the whole pipeline knows
        // which variant files that adds and drops.
        if retained.prints.any_template_calls("image") {
            return None;
        }
        let edits = self
            .load_cache
            .reread_edits(&self.project.root, config, changed)?;
        timings.lap("load");
        let calls_posts = retained.prints.any_template_calls("posts");
        let cards_before = Arc::clone(retained.renderer.cards());
        let patched =
            match crate::serve::patch::apply_edits(&mut retained.renderer, &edits, calls_posts) {
                Ok(Some(patched)) => patched,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
        retained
            .prints
            .refresh_items(&retained.renderer, &patched.items, &self.bodies);
        let mut relisted = Relisted::default();
        if patched.routes_moved {
            relisted = relist_jobs(&retained.renderer, &retained.jobs, &self.output)?;
            retained.jobs = std::mem::take(&mut relisted.jobs);
        }
        timings.lap("markdown");
        let (renderer, prints) = (&retained.renderer, &retained.prints);
        let stale: Vec<(usize, u64)> = retained
            .jobs
            .par_iter()
            .enumerate()
            .filter_map(|(at, job)| {
                let print = prints.of(renderer, &job.route, &job.path);
                let new = relisted.added.contains(&at);
                (new || job.print != print).then_some((at, print))
            })
            .collect();
        timings.lap("fingerprints");
        let to_render: Vec<Route> = stale
            .iter()
            .map(|(at, _)| retained.jobs[*at].route.clone())
            .collect();
        let rendered_paths = stale
            .iter()
            .map(|(at, _)| Arc::clone(&retained.jobs[*at].path))
            .collect();
        let rendered = match renderer.render_jobs(&to_render) {
            Ok(files) => files,
            Err(e) => return Some(Err(e)),
        };
        timings.lap("templates");
        let output = Arc::make_mut(&mut self.output);
        let mut changed_paths = Vec::new();
        for path in relisted.removed {
            output.remove(&path);
            self.fingerprints.remove(&path);
            changed_paths.push(path.to_string());
        }
        for ((at, print), file) in stale.into_iter().zip(rendered) {
            retained.jobs[at].print = print;
            let path = &retained.jobs[at].path;
            if output
                .get(&**path)
                .is_none_or(|old| !same_contents(old, &file))
            {
                changed_paths.push(file.path.clone());
            }
            output.insert(Arc::clone(path), Arc::new(file));
            self.fingerprints.insert(Arc::clone(path), print);
        }
        if patched.cards_changed {
            match publish_cards(renderer, output, &cards_before, &self.project.root) {
                Ok(cards) => changed_paths.extend(cards),
                Err(e) => return Some(Err(e)),
            }
        }
        changed_paths.sort();
        Some(Ok(Outcome {
            rendered: rendered_paths,
            jobs: retained.jobs.len(),
            changed: changed_paths,
        }))
    }

    /// The last good build's resolved site, when only theme files changed since: every
    /// path in `changed` lies in the site's or its theme's `templates/` or `static/`, and
    /// the config is the same. Nothing a site is resolved from (content, data, words,
    /// config) is there, so resolving again would make the same site.
    fn unchanged_site(&self, config: &Config, changed: &HashSet<PathBuf>) -> Option<Arc<Site>> {
        let retained = self.retained.as_ref()?;
        if changed.is_empty() || retained.config != config.fingerprint() {
            return None;
        }
        let folders = Theme::folders(&self.project.root, config);
        let in_theme = |path: &PathBuf| {
            let mut dirs = folders
                .iter()
                .flat_map(|(templates, statics)| [templates, statics]);
            dirs.any(|dir| path.starts_with(dir))
        };
        changed
            .iter()
            .all(in_theme)
            .then(|| Arc::clone(retained.renderer.site_shared()))
    }

    /// The whole pipeline, reusing caches; with `site`, from that resolved site
    /// ([`Session::unchanged_site`]).
    fn rebuild_fully(
        &mut self,
        config: Config,
        theme: &Theme,
        (changed, site): (&HashSet<PathBuf>, Option<Arc<Site>>),
        timings: &mut Timings,
    ) -> Result<Outcome> {
        let config_print = config.fingerprint();
        let output = Arc::clone(&self.output);
        let published = |path: &str| match &output.get(path)?.contents {
            Contents::Bytes(bytes) => Some(Arc::clone(bytes)),
            _ => None,
        };
        let caches = Caches {
            load: &mut self.load_cache,
            bodies: Some(Arc::clone(&self.bodies) as Arc<dyn crate::render::RenderCache>),
            changed,
            published: Some(&published),
            related: Some(&mut self.related),
            site,
        };
        let Prepared {
            renderer,
            routes,
            mut extras,
        } = prepare(
            &self.project.root,
            config,
            theme,
            &self.options,
            caches,
            timings,
        )?;
        let prints = SiteFingerprints::new(&renderer, theme, &self.bodies);

        let mut next_prints: FxHashMap<Arc<str>, u64> = FxHashMap::default();
        next_prints.reserve(routes.len());
        let mut to_render = Vec::new();
        let mut rendered_paths = Vec::new();
        let mut job_paths = Vec::with_capacity(routes.len());
        let route_prints: Vec<u64> = routes
            .par_iter()
            .map(|(job, path)| prints.of(&renderer, job, path))
            .collect();
        for ((job, path), print) in routes.into_iter().zip(route_prints) {
            let previous = self.fingerprints.get_key_value(path.as_str());
            let key = match previous {
                Some((key, old)) if *old == print && self.output.contains_key(path.as_str()) => {
                    Arc::clone(key)
                }
                _ => {
                    to_render.push(job.clone());
                    let key: Arc<str> = Arc::from(path);
                    rendered_paths.push(Arc::clone(&key));
                    key
                }
            };
            next_prints.insert(Arc::clone(&key), print);
            job_paths.push(KeptJob {
                route: job,
                path: key,
                print,
            });
        }
        timings.lap("fingerprints");
        renderer.adopt_template_pictures(&self.template_pictures, |page| {
            next_prints.contains_key(page)
        });
        let rendered = renderer.render_jobs(&to_render)?;
        let published = extras.iter().map(|f| f.path.as_str()).collect();
        let cache = crate::images::cache::DiskCache::of(&self.project.root);
        let asked = renderer.template_image_files(&cache, &published)?;
        extras.extend(asked);
        self.read_copies(&mut extras, changed)?;
        timings.lap("templates");

        // Start from the previous output: pages not re-rendered are unchanged by
        // construction, so only re-rendered pages, extras and removals need comparing.
        let mut next: OutputMap = (*self.output).clone();
        let extra_paths: FxHashSet<&str> = extras.iter().map(|e| e.path.as_str()).collect();
        let mut changed_paths: Vec<String> = Vec::new();
        next.retain(|path, _| {
            // The search index is replaced once the new one is made.
            let keep = next_prints.contains_key(path)
                || extra_paths.contains(path.as_ref())
                || is_search_file(path);
            if !keep {
                changed_paths.push(path.to_string());
            }
            keep
        });
        for file in rendered.into_iter().chain(extras) {
            let differs = self
                .output
                .get(file.path.as_str())
                .is_none_or(|old| !same_contents(old, &file));
            if !differs {
                // `next` still holds the old file, with these bytes (10k share cards).
                continue;
            }
            changed_paths.push(file.path.clone());
            let key: Arc<str> = next
                .get_key_value(file.path.as_str())
                .map_or_else(|| Arc::from(file.path.as_str()), |(k, _)| Arc::clone(k));
            next.insert(key, Arc::new(file));
        }
        changed_paths.sort();
        self.output = Arc::new(next);
        self.fingerprints = next_prints;
        self.template_pictures = renderer.template_pictures().clone();
        let jobs = job_paths.len();
        self.retained = Some(Retained {
            renderer,
            prints,
            config: config_print,
            theme: theme.fingerprint(),
            jobs: job_paths,
        });
        Ok(Outcome {
            rendered: rendered_paths,
            jobs,
            changed: changed_paths,
        })
    }
}

impl Session {
    /// Turns every copied file of `files` into its bytes, read now: from the last rebuild's
    /// snapshot when the file is not among `changed` and its size and time are the same.
    fn read_copies(&mut self, files: &mut [OutputFile], changed: &HashSet<PathBuf>) -> Result<()> {
        let mut next = FxHashMap::default();
        for file in files {
            let (Contents::Copy(from) | Contents::Made(from)) = &file.contents else {
                continue;
            };
            let from = from.clone();
            let stamp = stamp_of(&from)?;
            let bytes = match self.copies.remove(&from) {
                Some(old) if old.stamp == stamp && !changed.contains(&from) => old.bytes,
                // Photos lose their metadata here as in a build: `watch` writes these bytes.
                _ => crate::output::published_copy(&from)
                    .map_err(|e| Error::io(&from, e))?
                    .into(),
            };
            file.contents = Contents::Bytes(Arc::clone(&bytes));
            next.insert(from, Snapshot { stamp, bytes });
        }
        self.copies = next;
        Ok(())
    }
}

/// The jobs of a route table a patch changed (tag pages came or went), with what changed.
#[derive(Default)]
struct Relisted {
    /// In route order; a path that had a job keeps its last print.
    jobs: Vec<KeptJob>,
    /// Indices of the jobs whose path had none.
    added: FxHashSet<usize>,
    /// Paths no job has any more.
    removed: Vec<Arc<str>>,
}

/// The jobs of `renderer`'s route table after a patch changed it, from the `old` ones;
/// `None` when a new path may not join `output` beside its other files
/// ([`crate::output::paths::fit_beside`]): the whole pipeline reports why.
fn relist_jobs(renderer: &Renderer, old: &[KeptJob], output: &OutputMap) -> Option<Relisted> {
    let site = renderer.site();
    let by_path: FxHashMap<&str, &KeptJob> = old.iter().map(|job| (&*job.path, job)).collect();
    let mut relisted = Relisted::default();
    let mut new_paths = Vec::new();
    for (route, url) in site.routes.iter().zip(site.route_paths.iter()) {
        let path = url.output_file();
        let job = match by_path.get(path.as_str()) {
            Some(kept) => KeptJob {
                route: route.clone(),
                path: Arc::clone(&kept.path),
                print: kept.print,
            },
            None => {
                relisted.added.insert(relisted.jobs.len());
                new_paths.push(path.clone());
                KeptJob {
                    route: route.clone(),
                    path: Arc::from(path),
                    print: 0,
                }
            }
        };
        relisted.jobs.push(job);
    }
    let new_paths: Vec<&str> = new_paths.iter().map(String::as_str).collect();
    if !crate::output::paths::fit_beside(&new_paths, output) {
        return None;
    }
    let listed: FxHashSet<&str> = relisted.jobs.iter().map(|job| &*job.path).collect();
    relisted.removed = old
        .iter()
        .filter(|job| !listed.contains(&*job.path))
        .map(|job| Arc::clone(&job.path))
        .collect();
    Some(relisted)
}

/// Drops what the last good build kept on a thread of its own: freeing a 10k site's
/// renderer (bodies, cards, lists) took a twentieth of a structural rebuild's time.
fn drop_elsewhere(retained: Option<Retained>) {
    if let Some(retained) = retained {
        // Should the thread not start, the closure (and `retained`) is dropped here.
        let _ = std::thread::Builder::new()
            .name("kudos-drop".into())
            .spawn(move || drop(retained));
    }
}

/// A file of the search index (replaced whole by [`Session::install_search`]).
fn is_search_file(path: &str) -> bool {
    path.starts_with(crate::search::BUNDLE_DIR)
        && path[crate::search::BUNDLE_DIR.len()..].starts_with('/')
}

/// Brings the share card files in `output` in step with `renderer`'s cards after a patch
/// changed some: a card no page names any more (`before` were the cards before it) is
/// removed, a new one drawn (or taken from the image cache) and added. Returns the paths
/// added and removed.
fn publish_cards(
    renderer: &Renderer,
    output: &mut OutputMap,
    before: &Cards,
    root: &Path,
) -> Result<Vec<String>> {
    let cards = renderer.cards().all();
    let wanted: rustc_hash::FxHashSet<&str> = cards.iter().map(|c| c.output.as_str()).collect();
    let mut changed: Vec<String> = before
        .all()
        .into_iter()
        .map(|old| &old.output)
        .filter(|old| !wanted.contains(old.as_str()))
        .filter(|old| output.remove(old.as_str()).is_some())
        .cloned()
        .collect();
    let missing: Vec<_> = cards
        .into_iter()
        .filter(|card| !output.contains_key(card.output.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(changed);
    }
    // A card may show a customer's photo: its variant is among the published files.
    let images: Vec<OutputFile> = output
        .iter()
        .filter(|(path, _)| path.starts_with("sized/"))
        .map(|(_, file)| (**file).clone())
        .collect();
    let cache = crate::images::cache::DiskCache::of(root);
    for file in renderer.draw_cards(missing, &images, &cache)? {
        let bytes = file
            .bytes()
            .map_err(|e| Error::io(Path::new(&file.path), e))?
            .into_owned();
        changed.push(file.path.clone());
        let file = OutputFile {
            contents: Contents::Bytes(bytes.into()),
            ..file
        };
        output.insert(Arc::from(file.path.as_str()), Arc::new(file));
    }
    Ok(changed)
}

/// Size and modification time of `path` (through symlinks, as a copy reads it).
fn stamp_of(path: &Path) -> Result<(u64, Option<SystemTime>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    Ok((meta.len(), meta.modified().ok()))
}

fn same_contents(a: &OutputFile, b: &OutputFile) -> bool {
    match (&a.contents, &b.contents) {
        // Files that were not re-rendered share their buffer: no need to compare bytes.
        (Contents::Bytes(x), Contents::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
        (Contents::Static(x), Contents::Static(y)) => std::ptr::eq(*x, *y) || x == y,
        // The same source file, not among the changed paths (checked by the caller).
        (Contents::Copy(x), Contents::Copy(y)) => x == y,
        (Contents::Made(x), Contents::Made(y)) => x == y,
        _ => matches!((a.bytes(), b.bytes()), (Ok(x), Ok(y)) if x == y),
    }
}
