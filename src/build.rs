//! The pipeline in one place: config -> load -> resolve -> render -> write.
//!
//! [`prepare`] is the one driver of the stages: `build` streams its routes into the
//! output folder, `check` renders them in memory, `serve` and `watch` render only the
//! routes whose fingerprints changed. What a site is cannot depend on the command.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content;
use crate::content::LoadCache;
use crate::error::{Error, Result, SourceError, sort_by_place};
use crate::images::cache::DiskCache;
use crate::output::{self, OutputFile};
use crate::render::{Bodies, RenderCache, Renderer, extra_files, reject_collisions, variant_files};
use crate::search;
use crate::site::Route;
use crate::site::{BuildOptions, RelatedMemo, Site};
use crate::theme::Theme;
use crate::warm::fingerprints::SiteFingerprints;
use crate::warm::memory::BodyCache;
use crate::warm::{BodyStore, Inputs, Record, Unreadable, page_context};
use rustc_hash::FxHashMap;

/// Where a site is and which config file it uses.
#[derive(Debug, Clone)]
pub struct Project {
    /// The site root (holds `content/`).
    pub root: PathBuf,
    /// The config file.
    pub config_path: PathBuf,
}

impl Project {
    /// `root`, with `config` (default `kudos.toml` in the root).
    pub fn new(root: &Path, config: Option<&Path>) -> Project {
        Project {
            root: root.to_path_buf(),
            config_path: config.map_or_else(|| root.join("kudos.toml"), Path::to_path_buf),
        }
    }

    /// Reads the config; a missing file means this is not a site.
    pub fn config(&self) -> Result<Config> {
        if !self.config_path.is_file() {
            return Err(self.missing_config());
        }
        let shown = self
            .config_path
            .strip_prefix(&self.root)
            .unwrap_or(&self.config_path);
        let mut config = Config::load(&self.config_path, shown)?;
        config.load_card_fonts(&self.root)?;
        Ok(config)
    }
}

impl Project {
    /// Reads the config for a build. When it is wrong, the content files are parsed all
    /// the same (under the default config) and their problems reported after the
    /// config's, so that one run shows everything there is to fix; resolving needs a
    /// config it can trust, so its checks wait for the next run.
    pub fn config_for_build(&self) -> Result<Config> {
        match self.config() {
            Err(Error::Content(mut errors)) => {
                if let Ok(content) = content::load(&self.root, &Config::default()) {
                    errors.extend(content.broken.into_iter().map(|b| b.error));
                }
                Err(Error::Content(errors))
            }
            other => other,
        }
    }

    /// Why there is no config: no site in the root, or (with `--config`) no such file;
    /// the message names the file that was asked for.
    pub fn missing_config(&self) -> Error {
        if self.config_path == self.root.join("kudos.toml") {
            Error::NoConfig(self.root.clone())
        } else {
            Error::ConfigNotFound(self.config_path.clone())
        }
    }
}

/// What a build produced.
#[derive(Debug)]
pub struct Rendered {
    /// The resolved site.
    pub site: Arc<Site>,
    /// Its rendered markdown (what links and images each body holds).
    pub bodies: Bodies,
    /// Every output file.
    pub files: Vec<OutputFile>,
    /// Problems that did not stop the build.
    pub warnings: Vec<SourceError>,
    /// Time per stage.
    pub timings: Timings,
    /// The SVG text of every share card, by its output path: what a card shows, in
    /// words (tests read it; the PNG is in `files`).
    pub card_sources: std::collections::BTreeMap<String, String>,
}

impl Rendered {
    /// HTML pages among the files.
    pub fn page_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count()
    }
}

/// Loads, resolves and renders a site in memory (`kudos check`, and clean builds in tests).
pub fn render(project: &Project, config: Config, options: &BuildOptions) -> Result<Rendered> {
    let mut timings = Timings::default();
    let theme = Theme::load(&project.root, &config)?;
    let prepared = prepare(
        &project.root,
        config,
        &theme,
        options,
        Caches::none(&mut LoadCache::default()),
        &mut timings,
    )?;
    let routes: Vec<Route> = prepared
        .routes
        .into_iter()
        .map(|(route, _)| route)
        .collect();
    let mut files = prepared.renderer.render_jobs(&routes)?;
    timings.lap("templates");
    let asked = template_images(&prepared.renderer, &project.root, &prepared.extras)?;
    files.extend(asked);
    files.extend(search_index(prepared.renderer.site(), &files)?);
    timings.lap("search");
    files.extend(prepared.extras);
    let site = Arc::clone(prepared.renderer.site_shared());
    let warnings = prepared.renderer.warnings();
    let card_sources = prepared
        .renderer
        .cards()
        .all()
        .into_iter()
        .map(|card| (card.output.clone(), card.svg.clone()))
        .collect();
    Ok(Rendered {
        site,
        bodies: prepared.renderer.into_bodies(),
        files,
        warnings,
        timings,
        card_sources,
    })
}

/// The variant files of the images the rendered pages asked for with `image()`, but for
/// those among `extras` (a body shows the same sizes of the same file).
fn template_images(
    renderer: &Renderer,
    root: &Path,
    extras: &[OutputFile],
) -> Result<Vec<OutputFile>> {
    let published = extras.iter().map(|f| f.path.as_str()).collect();
    renderer.template_image_files(&DiskCache::of(root), &published)
}

/// The search index of the rendered `files` (in route order), when `[search]` is on.
pub fn search_index(site: &Site, files: &[OutputFile]) -> Result<Vec<OutputFile>> {
    if !site.config.search.enabled {
        return Ok(Vec::new());
    }
    search::index_files(&site.config.language, files)
}

/// What [`prepare`] hands to the caller that renders and writes.
pub struct Prepared {
    /// The engine, with every body rendered.
    pub renderer: Renderer,
    /// Every route of the site with the file it writes.
    pub routes: Vec<(Route, String)>,
    /// The files that are copied, not rendered: static files and content assets.
    pub extras: Vec<OutputFile>,
}

/// What a driver keeps between runs (`serve`, `watch`); a build starts with nothing.
pub struct Caches<'a> {
    /// Parsed files.
    pub load: &'a mut LoadCache,
    /// Rendered bodies.
    pub bodies: Option<Arc<dyn RenderCache>>,
    /// The files reported changed since the last run (empty: look at every file).
    pub changed: &'a HashSet<PathBuf>,
    /// The last run's output, for share cards it already holds.
    pub published: Option<crate::output::Published<'a>>,
    /// The last run's related posts.
    pub related: Option<&'a mut RelatedMemo>,
    /// The site as the last good run resolved it, when nothing it is made from (content,
    /// data, words, config) changed since, only the theme: loading and resolving would
    /// make the same site again (`serve`, after a template edit).
    pub site: Option<Arc<Site>>,
}

impl<'a> Caches<'a> {
    /// No caches: every file is read and every body rendered.
    pub fn none(load: &'a mut LoadCache) -> Caches<'a> {
        static NOTHING: std::sync::LazyLock<HashSet<PathBuf>> =
            std::sync::LazyLock::new(HashSet::new);
        Caches {
            load,
            bodies: None,
            changed: &NOTHING,
            published: None,
            related: None,
            site: None,
        }
    }
}

/// The one pipeline driver: load -> resolve -> bodies -> routes and extra files, with
/// every clash between outputs checked. `build`, `check`, `serve` and `watch` all come
/// through here and differ only in which routes they render and where files go, so what
/// a site is can never depend on the command that made it.
pub fn prepare(
    root: &Path,
    config: Config,
    theme: &Theme,
    options: &BuildOptions,
    caches: Caches<'_>,
    timings: &mut Timings,
) -> Result<Prepared> {
    let renderer = match caches.site {
        Some(site) => render_resolved(site, Vec::new(), options, theme, caches.bodies, timings)?,
        None => {
            let content = content::load_cached(root, &config, caches.load, caches.changed)?;
            timings.lap("load");
            let memos = (caches.bodies, caches.related);
            resolve_and_render(config, content, options, theme, memos, timings)?
        }
    };
    // Resolve already made its own warnings errors under --strict; these are the bodies'.
    let body_warnings = renderer.bodies().warnings(renderer.site());
    if options.strict && !body_warnings.is_empty() {
        return Err(Error::Content(body_warnings));
    }
    let site = renderer.site();
    let routes: Vec<(Route, String)> = site
        .routes
        .par_iter()
        .zip(site.route_paths.par_iter())
        .map(|(route, path)| (route.clone(), path.output_file()))
        .collect();
    let mut extras = extra_files(renderer.site(), theme, renderer.assets());
    let cache = DiskCache::of(root);
    let images = variant_files(&renderer, &cache)?;
    timings.lap("images");
    // After the variants: a card may show a customer's photo variant.
    let cards = renderer.card_files(&images, &cache, caches.published)?;
    extras.extend(images);
    extras.extend(cards);
    timings.lap("cards");
    // Every path is known before anything is rendered: check for clashes first.
    // The search index's fixed names are claimed too: a static file there would be lost.
    let index_names = search::FIXED_FILES
        .iter()
        .filter(|_| renderer.site().config.search.enabled)
        .map(|name| format!("{}/{name}", search::BUNDLE_DIR));
    let planned: Vec<OutputFile> = routes
        .iter()
        .map(|(_, path)| path.clone())
        .chain(index_names)
        .map(|path| OutputFile::rendered(path, String::new()))
        .chain(extras.iter().cloned())
        .collect();
    reject_collisions(&planned)?;
    output::check_layout(&planned)?;
    timings.lap("routes");
    Ok(Prepared {
        renderer,
        routes,
        extras,
    })
}

/// Resolves `content` and renders every body, reporting the problems of loading (which
/// `content` carries), resolving and rendering together: a file that does not parse
/// does not hide a rating error in another, nor a broken link in a third.
fn resolve_and_render(
    config: Config,
    content: content::Content,
    options: &BuildOptions,
    theme: &Theme,
    (cache, related): (Option<Arc<dyn RenderCache>>, Option<&mut RelatedMemo>),
    timings: &mut Timings,
) -> Result<Renderer> {
    let (site, errors) = Site::resolve_reporting(config, content, options, related);
    timings.lap("resolve");
    render_resolved(Arc::new(site), errors, options, theme, cache, timings)
}

/// Renders every body of the resolved `site`, reporting resolving's `errors` with the
/// renderer's own.
fn render_resolved(
    site: Arc<Site>,
    mut errors: Vec<SourceError>,
    options: &BuildOptions,
    theme: &Theme,
    cache: Option<Arc<dyn RenderCache>>,
    timings: &mut Timings,
) -> Result<Renderer> {
    // The renderer reports the theme's warnings beside the site's; --strict fails on them.
    if options.strict {
        errors.extend(theme.warnings.iter().cloned());
    }
    let rendered = Renderer::new(site, theme, cache);
    timings.lap("markdown");
    match rendered {
        Ok(renderer) if errors.is_empty() => return Ok(renderer),
        Ok(_) => {}
        Err(Error::Content(more)) => errors.extend(more),
        Err(other) if errors.is_empty() => return Err(other),
        Err(_) => {}
    }
    sort_by_place(&mut errors);
    errors.dedup_by(|a, b| a.location() == b.location() && a.message == b.message);
    Err(Error::Content(errors))
}

/// Wall time per pipeline stage, shown with `--verbose`.
#[derive(Debug)]
pub struct Timings {
    last: Instant,
    /// (stage, time) in order.
    pub stages: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }
}

impl Timings {
    /// Ends the stage `name`.
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }

    /// "load 12 ms, resolve 3 ms, ...".
    pub fn summary(&self) -> String {
        self.stages
            .iter()
            .map(|(name, d)| format!("{name} {:.0} ms", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What `kudos build` reports.
#[derive(Debug)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// All files written.
    pub files: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<SourceError>,
    /// Things the user may want to know that are no problem (an unreadable build record).
    pub notes: Vec<String>,
    /// Nothing was written: the output already held what this build would write (see
    /// [`crate::warm`]).
    pub up_to_date: bool,
    /// Wall time.
    pub elapsed: Duration,
    /// Time per stage.
    pub timings: Timings,
    /// Where the site went.
    pub output: PathBuf,
    /// What the build held in memory (see [`Leftovers`]).
    pub leftovers: Leftovers,
}

/// What a build held in memory to the end: the resolved site, its bodies, the parsed
/// files. Freeing it is hundreds of thousands of small frees on one thread (about a fifth
/// of a second at 10k posts), so `kudos build`, which exits right after, leaves that to
/// the operating system ([`Leftovers::leave_to_exit`]); dropped, it is freed as usual.
pub struct Leftovers(Option<Box<dyn std::any::Any>>);

impl Leftovers {
    /// Nothing held.
    fn none() -> Leftovers {
        Leftovers(None)
    }

    /// Never frees the memory: for a process that is about to exit.
    pub fn leave_to_exit(self) {
        std::mem::forget(self.0);
    }
}

impl std::fmt::Debug for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Leftovers")
    }
}

/// Renders and writes the site; the output folder changes only if everything succeeded,
/// and only where kudos wrote it (see [`output`]): the folder is checked first.
/// Pages are written into the staging folder as they are rendered, so memory does not
/// grow with the size of the output.
pub fn build(project: &Project, config: Config, options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let output = project.root.join(&config.build.output_dir);
    let target = output::Target::check(&project.root, &project.config_path, &output)?;
    let inputs = Inputs::stamp(&project.root, &project.config_path, &config, options);
    let mut notes = Vec::new();
    let previous = Record::load(&project.root).unwrap_or_else(|Unreadable(why)| {
        notes.push(why);
        None
    });
    let holds = |record: &Record| {
        let inputs = inputs.as_ref();
        inputs.is_some_and(|inputs| record.still_holds(inputs, target.real(), options.now))
    };
    if let Some(record) = previous.as_ref().filter(|record| holds(record)) {
        timings.lap("up to date");
        return Ok(BuildReport {
            pages: record.pages,
            files: record.files,
            warnings: record.warnings.clone(),
            notes,
            elapsed: started.elapsed(),
            output,
            timings,
            up_to_date: true,
            leftovers: Leftovers::none(),
        });
    }
    // From here on the output may change: a build that fails or dies leaves no record.
    Record::forget(&project.root);
    let theme = Theme::load(&project.root, &config)?;
    let (store, note) = BodyStore::load(&project.root);
    notes.extend(note);
    let store = Arc::new(store);
    let mut load = LoadCache::default();
    let caches = Caches {
        bodies: Some(Arc::clone(&store) as Arc<dyn RenderCache>),
        ..Caches::none(&mut load)
    };
    let mut prepared = prepare(&project.root, config, &theme, options, caches, &mut timings)?;
    // Every card is drawn (into `extras`): pages only name them.
    prepared.renderer.forget_card_svgs();
    // Every body is rendered: the store is written while the pages are.
    let saver = Arc::clone(&store);
    let saving = InBackground::run(move || saver.save());
    let renderer = &prepared.renderer;
    let pages = prepared
        .routes
        .iter()
        .filter(|(_, path)| path.ends_with(".html"))
        .count();
    let staging = output::Staging::new(&target)?;
    let context = page_context(options.drafts, renderer.site().preview);
    let previous = previous.filter(|record| record.describes_pages_in(target.real(), context));
    let (jobs, page_prints) = keep_unchanged_pages(
        renderer,
        &theme,
        &prepared.routes,
        previous.as_ref(),
        &staging,
    );
    timings.lap("fingerprints");
    let files = write_site(
        &project.root,
        &prepared,
        &jobs,
        (staging, &store),
        &mut timings,
    )?;
    let warnings = renderer.warnings();
    if let Some(inputs) = inputs {
        let changes_at = renderer.site().changes_at;
        let record = Record::of(
            inputs,
            target.real(),
            changes_at,
            (pages, files),
            warnings.clone(),
            (page_prints, context),
        );
        if let Some(record) = record {
            record.save(&project.root);
        }
    }
    // The bodies are in the store before the build counts as done.
    drop(saving);
    Ok(BuildReport {
        pages,
        files,
        warnings,
        notes,
        elapsed: started.elapsed(),
        output,
        timings,
        up_to_date: false,
        leftovers: Leftovers(Some(Box::new((prepared, store, load, theme)))),
    })
}

/// Renders `jobs` into `staging` as they come (with the search index, when it is on),
/// then the files pages asked for and the extras, and moves it all into the output
/// unless HTML read from `store` was not what it stored. Returns how many files the
/// output has.
fn write_site(
    root: &Path,
    prepared: &Prepared,
    jobs: &[Route],
    (staging, store): (output::Staging, &BodyStore),
    timings: &mut Timings,
) -> Result<usize> {
    let Prepared {
        renderer,
        routes,
        extras,
    } = prepared;
    let config = &renderer.site().config;
    let indexer = config
        .search
        .enabled
        .then(|| search::Indexer::start(&config.language));
    renderer.render_in_batches(jobs, |files| {
        files.par_iter().try_for_each(|file| staging.write(file))?;
        if let Some(indexer) = &indexer {
            files.iter().for_each(|file| indexer.offer(file));
        }
        Ok(())
    })?;
    let asked = template_images(renderer, root, extras)?;
    asked.par_iter().try_for_each(|file| staging.write(file))?;
    timings.lap("templates+write");
    let index_files = indexer.map(search::Indexer::finish).transpose()?;
    let index_count = index_files.as_ref().map_or(0, Vec::len);
    for file in index_files.unwrap_or_default() {
        staging.write(&file)?;
    }
    timings.lap("search");
    extras.par_iter().try_for_each(|file| staging.write(file))?;
    if let Some(damage) = store.damage() {
        return Err(damage);
    }
    // The image cache is pruned beside the move into place: every entry this build uses
    // was marked used when it was taken.
    let (committed, ()) = rayon::join(|| staging.commit(), || DiskCache::of(root).prune());
    committed?;
    timings.lap("write");
    Ok(routes.len() + extras.len() + asked.len() + index_count)
}

/// Splits `routes` into those to render and those whose output the previous build
/// (`previous`) already wrote: same fingerprint, file untouched since; those are kept in
/// `staging` as they are. Returns the routes to render and every route's fingerprint,
/// for the next build's record. Every route is rendered when the previous build is
/// unknown, when search is on (the index reads every page) or when a template calls
/// `image()` (the pages that call it publish its variants as they render).
fn keep_unchanged_pages(
    renderer: &Renderer,
    theme: &Theme,
    routes: &[(Route, String)],
    previous: Option<&Record>,
    staging: &output::Staging,
) -> (Vec<Route>, FxHashMap<String, u64>) {
    let prints = SiteFingerprints::new(renderer, theme, &BodyCache::default());
    let reusable = previous
        .filter(|_| !renderer.site().config.search.enabled && !prints.any_template_calls("image"));
    let printed: Vec<(&Route, &String, u64)> = routes
        .par_iter()
        .map(|(job, path)| (job, path, prints.of(renderer, job, path)))
        .collect();
    let jobs = printed
        .par_iter()
        .filter(|(_, path, print)| {
            let unchanged = reusable.is_some_and(|r| r.page_print(path) == Some(*print));
            !(unchanged && staging.keep(path))
        })
        .map(|(job, _, _)| (*job).clone())
        .collect();
    let page_prints = printed
        .into_iter()
        .map(|(_, path, print)| (path.clone(), print))
        .collect();
    (jobs, page_prints)
}

/// Work on a thread of its own that the function which started it waits for, however it
/// returns (a `?` included).
struct InBackground(Option<std::thread::JoinHandle<()>>);

impl InBackground {
    fn run(work: impl FnOnce() + Send + 'static) -> InBackground {
        InBackground(Some(std::thread::spawn(work)))
    }
}

impl Drop for InBackground {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}
