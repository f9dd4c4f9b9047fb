//! Rendering a resolved site into output files.
//!
//! First every markdown body is rendered ([`bodies`]): shout-out quotes plainly, the rest
//! with shortcodes, which also collects headings so `@/` links and anchors are checked
//! against the whole site. Then every output file is an independent [`Route`] rendered
//! through Tera from a context of shared, pre-built values ([`lists`]). Keeping routes
//! independent is what lets them run in parallel, and lets `serve` re-render just some.
//!
//! By output kind: `pages` (posts, pages, variants, segment pages, the wall and its
//! filters), `feeds` (feeds and the sitemap), `extras` (copied files and output clashes).
//! For `serve`: `patch` updates a kept renderer in place after an edit that leaves items
//! where they are; which routes to render again is `warm::fingerprints`' business.

mod assets;
pub mod bodies;
pub mod cards;
pub mod context;
mod extras;
mod feeds;
pub mod images;
mod jsonld;
mod lists;
mod menu;
mod minify;
mod pages;
mod patch;
pub mod template_deps;
pub mod templates;

use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::error::{Error, Result, SourceError};
use crate::output::OutputFile;
use crate::site::{ItemRef, Route, Site, page_range};
use crate::theme::Theme;
use crate::url::UrlPath;

pub use assets::{Asset, Assets};
pub use bodies::Bodies;
pub use bodies::{CachedBody, CachedView, RenderCache};
use bodies::{ShortcodeEnv, item_path, render_quotes};
use context::{CardImage, HeadView, ProductStats, ShoutoutView, TagView, Urls};
use templates::{Lists, TemplateFiles};

pub use cards::{Card, Cards, KeptCard};
pub use extras::{extra_files, reject_collisions};
pub use images::TemplatePictures;
pub use images::variant_files;
use images::{Avatar, ImageFinder, ImageView};
use lists::{build_lists, post_lists, shortcode_inputs, shortcode_templates, site_value};
use pages::{WallFilters, build_wall_filters, paged_title, posts_title, section_title};
pub use patch::ItemBodies;

/// Everything a job needs, built once per build.
pub struct Renderer {
    site: Arc<Site>,
    bodies: Bodies,
    urls: Urls,
    tera: Tera,
    files: TemplateFiles,
    lists: Arc<Lists>,
    products: Vec<ProductStats>,
    filters: WallFilters,
    images: Arc<ImageFinder>,
    /// What each page's templates asked for with `image()`.
    template_pictures: TemplatePictures,
    /// Per shout-out: its photo as cards show it, when one is shown.
    avatars: Arc<Vec<Option<Avatar>>>,
    /// Per segment: its hero image, when it has one.
    heroes: Arc<Vec<Option<ImageView>>>,
    /// `site.menu`: the `[[menu.main]]` links, checked.
    menu: Value,
    /// Fingerprinted stylesheets and scripts, for the `asset()` function.
    assets: Arc<Assets>,
    /// Share cards, rendered to SVG (drawn by [`card_files`]).
    cards: Arc<Cards>,
    /// What `card.svg` reads, which tells whether cards may be named from the cache;
    /// `None` when a template defines a component (which `card.svg` may use unseen).
    card_template: Option<template_deps::TemplateDeps>,
    cache: Option<Arc<dyn RenderCache>>,
    /// What shortcodes read, hashed (see [`ShortcodeEnv`]).
    shortcode_inputs: u64,
    /// The part of it that is templates, kept for patches.
    shortcode_templates: u64,
    config_value: Value,
    base: Context,
    /// The theme's own problems (links not followed). Kept here, not in the site's
    /// warnings, so that a resolved site outlives a theme edit (see [`crate::build::Caches::site`]).
    theme_warnings: Vec<SourceError>,
}

/// What the theme's `card.svg` reads (with the templates it includes), unless some
/// template defines a component: components are global, so the card template may use
/// one without naming its file.
fn card_template(theme: &Theme) -> Option<template_deps::TemplateDeps> {
    let components = theme
        .templates
        .values()
        .any(|t| template_deps::defines_component(&t.text));
    if components {
        return None;
    }
    template_deps::template_deps(theme).remove(cards::TEMPLATE)
}

impl Renderer {
    /// Renders every body and prepares the engine and the shared context for `site`.
    pub fn new(
        site: Arc<Site>,
        theme: &Theme,
        cache: Option<Arc<dyn RenderCache>>,
    ) -> Result<Renderer> {
        let urls = Urls::new(&site);
        let assets = Arc::new(Assets::collect(&site, theme)?);
        let filters = build_wall_filters(&site, &urls);
        let catalog = cache.as_ref().map_or_else(Default::default, |c| c.images());
        let images = Arc::new(ImageFinder::new(&site, theme, catalog));
        let (avatars, mut photo_errors) = images::avatars(&site, &images);
        let avatars = Arc::new(avatars);
        let (heroes, hero_errors) = images::heroes(&site, &images);
        let heroes = Arc::new(heroes);
        photo_errors.extend(hero_errors);
        let (menu, menu_errors) = menu::main_menu(&site, &images, &urls);
        photo_errors.extend(menu_errors);
        let quotes = render_quotes(&site, cache.as_deref());
        let lists = Arc::new(build_lists(
            &site,
            &quotes,
            &urls,
            (&avatars, &heroes),
            cache.as_deref(),
        ));
        let (tera, files) = templates::engine(
            theme,
            &urls,
            Arc::clone(&lists),
            Arc::clone(&assets),
            Arc::clone(&site.strings),
            Some(Arc::clone(&images)),
        )
        .map_err(Error::Content)?;
        let config_value = Value::from_serializable(&site.config);
        let shortcode_templates = shortcode_templates(theme);
        let shortcode_inputs = shortcode_inputs(&site, shortcode_templates);
        let mut renderer = Renderer {
            products: ProductStats::all(&site),
            site,
            bodies: Bodies::default(),
            urls,
            tera,
            files,
            lists,
            filters,
            images,
            template_pictures: TemplatePictures::default(),
            avatars,
            heroes,
            menu: Value::from_serializable(&menu),
            assets,
            cards: Arc::default(),
            card_template: card_template(theme),
            cache,
            shortcode_inputs,
            shortcode_templates,
            config_value,
            base: Context::new(),
            theme_warnings: theme.warnings.clone(),
        };
        renderer.bodies = match Bodies::render(&renderer.site, quotes, &renderer.shortcode_env()) {
            Ok(bodies) if photo_errors.is_empty() => bodies,
            Ok(_) => return Err(Error::Content(photo_errors)),
            Err(Error::Content(more)) => {
                let mut errors = photo_errors;
                errors.extend(more);
                crate::error::sort_by_place(&mut errors);
                return Err(Error::Content(errors));
            }
            Err(other) => return Err(other),
        };
        renderer.cards = Arc::new(renderer.make_cards()?);
        let site = &*renderer.site;
        let post_lists = post_lists(
            site,
            &renderer.bodies,
            &renderer.urls,
            renderer.cache.as_deref(),
        );
        let _ = renderer.lists.posts.set(post_lists);
        renderer
            .base
            .insert_value("config", renderer.config_value.clone());
        renderer.base.insert_value(
            "site",
            site_value(
                site,
                &renderer.urls,
                (&renderer.lists, &renderer.menu),
                &renderer.bodies.pages,
            ),
        );
        renderer.base.insert_value("segment", Value::none());
        renderer.base.insert_value("jsonld", Value::none());
        Ok(renderer)
    }

    /// The variant files of the images templates asked for with `image()` in the pages
    /// rendered so far, but for those among `published` (files the build writes anyway).
    pub fn template_image_files(
        &self,
        cache: &crate::images::cache::DiskCache,
        published: &rustc_hash::FxHashSet<&str>,
    ) -> Result<Vec<OutputFile>> {
        let quality = self.site.config.images.quality;
        self.template_pictures.files(quality, cache, published)
    }

    /// Takes over what `earlier` pages asked for with `image()`, for the pages `keep`
    /// accepts (`serve` renders only some pages again).
    pub fn adopt_template_pictures(&self, earlier: &TemplatePictures, keep: impl Fn(&str) -> bool) {
        self.template_pictures.adopt(earlier, keep);
    }

    /// What each page rendered so far asked for with `image()`.
    pub fn template_pictures(&self) -> &TemplatePictures {
        &self.template_pictures
    }

    /// A fingerprint of the image files `image()` may name (see [`ImageFinder::print`]).
    pub fn images_print(&self) -> u64 {
        self.images.print()
    }

    /// What renders share cards, naming those made before from the cache.
    fn card_engine(&self) -> cards::CardRenderer<'_> {
        let config = &self.site.config;
        cards::CardRenderer {
            tera: &self.tera,
            files: &self.files,
            config: &self.config_value,
            fonts: &config.card_fonts,
            names: self
                .cache
                .as_deref()
                .zip(self.card_template.as_ref())
                .and_then(|(cache, deps)| {
                    cards::CardNames::new(cache, deps, config, &self.site.strings)
                }),
        }
    }

    /// The share cards of the site, rendered from `card.svg`; also checks every
    /// `share_excerpt` against its quote.
    fn make_cards(&self) -> Result<Cards> {
        let site = &*self.site;
        // Kept between rebuilds by the quote's revision: sanitising 5,000 quotes again
        // was a tenth of a structural `serve` rebuild's time at 10k.
        let quotes: Vec<String> = site
            .shoutouts
            .par_iter()
            .zip(&self.bodies.shoutouts)
            .map(|(shoutout, body)| {
                let id = &shoutout.source.content_path;
                let make = || Value::from(cards::quote_text(body));
                let text = bodies::cached_view(
                    self.cache.as_deref(),
                    "quote text",
                    id,
                    body.revision,
                    make,
                );
                text.as_str().unwrap_or_default().to_string()
            })
            .collect();
        let mut errors: Vec<SourceError> = site
            .shoutouts
            .iter()
            .zip(&quotes)
            .filter_map(|(shoutout, quote)| cards::check_excerpt(shoutout, quote))
            .collect();
        let engine = self.card_engine();
        let inputs = cards::ShoutoutInputs {
            quotes: &quotes,
            avatars: &self.avatars,
        };
        match cards::make_cards(site, &engine, &inputs) {
            Ok(cards) if errors.is_empty() => Ok(cards),
            Ok(_) => Err(Error::Content(errors)),
            Err(more) => {
                errors.extend(more);
                crate::error::sort_by_place(&mut errors);
                Err(Error::Content(errors))
            }
        }
    }

    /// The PNG of every share card, drawn in parallel or found in `cache`; `images` are
    /// the build's image variants, where a card finds the photo it shows.
    /// A card `published` already holds is taken from there.
    pub fn card_files(
        &self,
        images: &[OutputFile],
        cache: &crate::images::cache::DiskCache,
        published: Option<crate::output::Published<'_>>,
    ) -> Result<Vec<OutputFile>> {
        let mut files = Vec::new();
        let mut to_draw = Vec::new();
        for card in self.cards.all() {
            match published.and_then(|bytes_at| bytes_at(&card.output)) {
                Some(bytes) => files.push(OutputFile {
                    path: card.output.clone(),
                    contents: crate::output::Contents::Bytes(bytes),
                }),
                None => to_draw.push(card),
            }
        }
        files.extend(self.draw_cards(to_draw, images, cache)?);
        Ok(files)
    }

    /// The PNG of each of `cards` (some of [`Renderer::cards`]), as [`Renderer::card_files`]
    /// makes them: for `serve`, which publishes only the cards an edit changed.
    pub fn draw_cards(
        &self,
        cards: Vec<&Arc<Card>>,
        images: &[OutputFile],
        cache: &crate::images::cache::DiskCache,
    ) -> Result<Vec<OutputFile>> {
        cards::card_files(cards, &self.card_engine(), images, cache)
    }

    /// Forgets the SVG text of every card. `build` draws each card once, before any page
    /// is rendered, and pages only name a card (its path and alt text), so the text is
    /// dead weight from then on: 8 KB a card, 83 MiB at 10k posts. `serve` keeps it to
    /// redraw what an edit changes.
    pub fn forget_card_svgs(&mut self) {
        let cards = Arc::make_mut(&mut self.cards);
        let slots = cards.posts.iter_mut();
        let slots = slots.chain(cards.segments.iter_mut());
        let slots = slots.chain(cards.shoutouts.iter_mut());
        for card in slots.chain(std::iter::once(&mut cards.site)).flatten() {
            *card = Arc::new(card.without_svg());
        }
    }

    /// The share cards (shared: a kept copy tells what an edit changed).
    pub fn cards(&self) -> &Arc<Cards> {
        &self.cards
    }

    /// The card `route`'s page names as its `og:image`, if it names one of kudos's.
    pub fn card_for(&self, route: &Route) -> Option<&Arc<Card>> {
        self.cards.for_route(&self.site, route)
    }

    /// What shortcodes in bodies render with.
    fn shortcode_env(&self) -> ShortcodeEnv<'_> {
        ShortcodeEnv {
            tera: &self.tera,
            files: &self.files,
            lists: &self.lists,
            urls: &self.urls,
            images: &self.images,
            config: self.config_value.clone(),
            shortcode_inputs: self.shortcode_inputs,
            cache: self.cache.as_deref(),
        }
    }

    /// The site being rendered.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The site being rendered, shared.
    pub fn site_shared(&self) -> &Arc<Site> {
        &self.site
    }

    /// The fingerprinted stylesheets and scripts pages link.
    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// The rendered bodies.
    pub fn bodies(&self) -> &Bodies {
        &self.bodies
    }

    /// The rendered bodies, the renderer done with.
    pub fn into_bodies(self) -> Bodies {
        self.bodies
    }

    /// What shows shout-out `i`'s photo: its URLs change with the photo file's content.
    pub fn avatar(&self, i: usize) -> Option<&Avatar> {
        self.avatars[i].as_ref()
    }

    /// What shows segment `i`'s hero image.
    pub fn hero(&self, i: usize) -> Option<&ImageView> {
        self.heroes[i].as_ref()
    }

    /// The lists every template function reads.
    pub fn lists(&self) -> &Lists {
        &self.lists
    }

    /// A hash of the wall's filter links with their counts, which every wall page shows.
    pub fn wall_filters_print(&self) -> u64 {
        crate::fingerprint::fingerprint(&serde_json::to_string(&self.filters).unwrap_or_default())
    }

    /// Every problem that did not stop the build: the resolved site's and the theme's in
    /// the order of their places, then the bodies' (see [`Bodies::warnings`]).
    pub fn warnings(&self) -> Vec<SourceError> {
        let mut warnings = self.site.warnings.to_vec();
        if !self.theme_warnings.is_empty() {
            warnings.extend(self.theme_warnings.iter().cloned());
            crate::error::sort_by_place(&mut warnings);
        }
        warnings.extend(self.bodies.warnings(&self.site));
        warnings.extend(self.cards.warnings.iter().cloned());
        warnings
    }

    /// The file below the output folder that `route` writes.
    pub fn output_path(&self, route: &Route) -> String {
        route.output_file(&self.site)
    }

    /// Renders `jobs` in parallel, reporting every failing template once.
    pub fn render_jobs(&self, jobs: &[Route]) -> Result<Vec<OutputFile>> {
        let results: Vec<std::result::Result<OutputFile, SourceError>> =
            jobs.par_iter().map(|job| self.render(job)).collect();
        let mut files = Vec::with_capacity(results.len());
        let mut failures = Failures::default();
        for (job, result) in jobs.iter().zip(results) {
            match result {
                Ok(file) => files.push(file),
                Err(e) => failures.add(e, self.output_path(job)),
            }
        }
        if failures.0.is_empty() {
            Ok(files)
        } else {
            Err(Error::Content(failures.into_errors()))
        }
    }

    /// Renders `jobs` in parallel, a batch at a time, and hands each batch to `sink` in
    /// job order: a build need not hold the whole site in memory, and what needs a fixed
    /// order (the search index numbers its pages as they come) gets the same one every
    /// time. Template errors are reported as by [`Renderer::render_jobs`], after every
    /// batch rendered; the first error of `sink` stops early.
    pub fn render_in_batches(
        &self,
        jobs: &[Route],
        mut sink: impl FnMut(Vec<OutputFile>) -> Result<()>,
    ) -> Result<()> {
        /// Enough pages to keep both cores busy, few enough to hold in memory.
        const BATCH: usize = 256;
        let mut failures = Failures::default();
        for batch in jobs.chunks(BATCH) {
            let results: Vec<std::result::Result<OutputFile, SourceError>> =
                batch.par_iter().map(|job| self.render(job)).collect();
            let mut files = Vec::with_capacity(results.len());
            for (job, result) in batch.iter().zip(results) {
                match result {
                    Ok(file) => files.push(file),
                    Err(e) => failures.add(e, self.output_path(job)),
                }
            }
            if failures.0.is_empty() {
                sink(files)?;
            }
        }
        if failures.0.is_empty() {
            return Ok(());
        }
        Err(Error::Content(failures.into_errors()))
    }

    /// Renders one route, at the path and with the template the route table gives.
    pub fn render(&self, job: &Route) -> std::result::Result<OutputFile, SourceError> {
        let site = &*self.site;
        let path = job.url_path(site);
        let template = job.template(site);
        let mut ctx = self.base.clone();
        ctx.insert("feeds", &self.advertised_feeds(job));
        match job {
            Route::Home => {
                let title = section_title(site, "")
                    .unwrap_or(&site.config.title)
                    .to_string();
                let head = HeadView {
                    title,
                    ..self.head(job, &site.config.title, None, "/", "website")
                };
                ctx.insert("head", &head);
                ctx.insert_value("section", self.section_value(""));
            }
            Route::PostsPage(n) => {
                let shown = paged_title(site, posts_title(site), *n);
                ctx.insert("head", &self.head(job, &shown, None, &path, "website"));
                ctx.insert_value("section", self.section_value("posts"));
                ctx.insert("paginator", &self.posts_paginator(*n));
            }
            Route::Post(_) | Route::Page(_) | Route::Variant(..) => {
                self.page_context(job, &mut ctx);
            }
            Route::TagsIndex => {
                let title = site.strings.say("tags", &[]);
                ctx.insert("head", &self.head(job, &title, None, &path, "website"));
            }
            Route::Policy => self.policy_context(job, &path, &mut ctx),
            Route::EmbedWall => self.embed_context(job, None, &path, &mut ctx),
            Route::EmbedSegment(i) => self.embed_context(job, Some(*i), &path, &mut ctx),
            Route::Search => {
                // A search box is no answer to any query: search engines leave it out.
                ctx.insert("head", &self.noindex_head(job, "search", &path));
            }
            Route::Tag(i, n) => {
                let tag = &site.tags[*i];
                let tagged = site.strings.say("posts_tagged", &[("tag", &tag.name)]);
                let title = paged_title(site, tagged, *n);
                ctx.insert("head", &self.head(job, &title, None, &path, "website"));
                ctx.insert("tag", &TagView::new(&self.urls, tag));
                let shown = page_range(tag.posts.len(), *n, site.config.build.paginate);
                ctx.insert_value("posts", self.post_values(&tag.posts[shown]));
                ctx.insert(
                    "paginator",
                    &self.listing_paginator(&UrlPath::page(&tag.path), *n, site.tag_pages(*i)),
                );
            }
            Route::Wall(_) | Route::WallSegment(..) | Route::WallTag(..) => {
                self.wall_context(job, &path, &mut ctx);
            }
            Route::Shoutout(i) => {
                let shoutout = &site.shoutouts[*i];
                let view = ShoutoutView::new(
                    site,
                    &self.urls,
                    shoutout,
                    &site.shown[*i],
                    &self.bodies.shoutouts[*i],
                    self.avatars[*i].as_ref(),
                );
                let title = site.shown[*i].page_title(&site.strings);
                ctx.insert(
                    "head",
                    &self.head(
                        job,
                        &title,
                        Some(&view.quote_text),
                        &shoutout.path,
                        "article",
                    ),
                );
                if let Some(product) = self
                    .products
                    .iter()
                    .find(|p| Some(p.name.as_str()) == view.product)
                {
                    ctx.insert("product", product);
                }
                ctx.insert("jsonld", &jsonld::for_cards(&[&view], &self.products));
                ctx.insert("shoutout", &view);
            }
            Route::Segment(i) => self.segment_context(*i, &mut ctx),
            Route::Alias(item, _) => {
                let source = match item {
                    ItemRef::Post(i) => &site.posts[*i].source.content_path,
                    ItemRef::Page(i) => &site.pages[*i].source.content_path,
                    _ => "",
                };
                let target = item_path(site, source).unwrap_or_default();
                ctx.insert("target", &self.urls.permalink(&target));
            }
            Route::NotFound => {
                ctx.insert("head", &self.noindex_head(job, "not_found", &path));
                // Served at any URL: it has no URL of its own to name.
                return self.render_template(template, &ctx, &path.output_file());
            }
            Route::Atom | Route::Rss | Route::JsonFeed => {
                let posts = 0..site.posts.len();
                self.post_feed_context(job, (&path, "/"), posts, &mut ctx);
            }
            Route::TagAtom(i) => {
                let tag = &site.tags[*i];
                let posts = tag.posts.iter().copied();
                self.post_feed_context(job, (&path, &tag.path), posts, &mut ctx);
            }
            Route::SegmentAtom(i) => {
                let posts = site.segment_posts[*i].iter().copied();
                let alternate = &site.segments[*i].path;
                self.post_feed_context(job, (&path, alternate), posts, &mut ctx);
            }
            Route::ShoutoutsAtom => {
                ctx.insert("feed_url", &self.urls.permalink(&path));
                ctx.insert("wall_permalink", &self.urls.permalink(&site.wall_path()));
                // A feed is newest first (the wall puts featured ones first); undated ones
                // count by their consent date, as their `updated` does.
                let when = |i: usize| {
                    let meta = &site.shoutouts[i].meta;
                    meta.date.or(meta.consent.as_ref().map(|c| c.date))
                };
                let mut order: Vec<usize> = (0..site.shoutouts.len())
                    .filter(|&i| !site.preview_only(site.shoutouts[i].meta.draft, None))
                    .collect();
                order.sort_by(|&a, &b| when(b).cmp(&when(a)).then(a.cmp(&b)));
                let cards: Vec<Value> = order
                    .into_iter()
                    .take(site.config.feeds.limit)
                    .map(|i| self.lists.shoutouts[i].clone())
                    .collect();
                ctx.insert_value("entries", Value::from(cards));
            }
            Route::Sitemap => {
                ctx.insert("entries", &self.sitemap_entries());
            }
            Route::Robots => {
                ctx.insert("sitemap_url", &self.urls.permalink("/sitemap.xml"));
            }
        }
        if path.ends_with('/') || path.ends_with(".html") {
            // A page knows its own URL (feeds and the sitemap name theirs themselves).
            ctx.insert("current_path", &path);
            ctx.insert("current_url", &self.urls.permalink(&path));
        }
        self.render_template(template, &ctx, &path.output_file())
    }

    fn render_template(
        &self,
        template: &str,
        ctx: &Context,
        out: &str,
    ) -> std::result::Result<OutputFile, SourceError> {
        let (html, pictures) = images::collecting(|| self.tera.render(template, ctx));
        let html = html.map_err(|e| templates::template_error(&e, &self.files, Some(template)))?;
        self.template_pictures.record(out, pictures);
        let html = if self.site.config.build.minify && out.ends_with(".html") {
            minify::minify_html(&html)
        } else {
            html
        };
        Ok(OutputFile::rendered(out, html))
    }

    /// The head of a page search engines should leave out, titled with the words of `key`.
    fn noindex_head(&self, job: &Route, key: &str, path: &str) -> HeadView {
        let title = self.site.strings.say(key, &[]);
        HeadView {
            noindex: true,
            ..self.head(job, &title, None, path, "website")
        }
    }

    /// A feed of `posts`: its own URL at `feed` and the page it stands for at `alternate`.
    fn post_feed_context(
        &self,
        job: &Route,
        (feed, alternate): (&str, &str),
        posts: impl Iterator<Item = usize>,
        ctx: &mut Context,
    ) {
        ctx.insert("feed_url", &self.urls.permalink(feed));
        ctx.insert("feed_title", &self.feed_title(job));
        ctx.insert("feed_alternate", &self.urls.permalink(alternate));
        ctx.insert("entries", &self.feed_entries(posts));
    }

    fn head(
        &self,
        job: &Route,
        title: &str,
        description: Option<&str>,
        path: &str,
        og_type: &'static str,
    ) -> HeadView {
        let site_title = &self.site.config.title;
        let title = if title == site_title || site_title.is_empty() {
            title.to_string()
        } else {
            format!("{title} · {site_title}")
        };
        HeadView {
            title,
            description: description
                .unwrap_or(&self.site.config.description)
                .to_string(),
            canonical: self.urls.permalink(path),
            og_type,
            image: self.card_for(job).map(|card| CardImage {
                url: self.urls.permalink(&card.output),
                width: Some(crate::images::card::WIDTH),
                height: Some(crate::images::card::HEIGHT),
                alt: card.alt.clone(),
            }),
            noindex: false,
            published: None,
            modified: None,
        }
    }
}

/// Errors of many pages, each reported once: the same problem at the same place, or any
/// template error at the same template line (its wording may quote each page's values),
/// is one error that names the pages it broke.
#[derive(Default)]
struct Failures(Vec<Failure>);

/// One reported error: as the first page (by output path) met it, and every page that did.
struct Failure {
    error: SourceError,
    pages: Vec<String>,
}

impl Failures {
    fn add(&mut self, error: SourceError, page: String) {
        let template = templates::is_template_error(&error);
        let same = |x: &SourceError| {
            x.location() == error.location()
                && (x.message == error.message || template && templates::is_template_error(x))
        };
        match self.0.iter_mut().find(|f| same(&f.error)) {
            Some(failure) => {
                // Keep the wording of the first page, whatever order pages finished in.
                if failure.pages.iter().all(|p| page < *p) {
                    failure.error = error;
                }
                failure.pages.push(page);
            }
            None => self.0.push(Failure {
                error,
                pages: vec![page],
            }),
        }
    }

    /// In reading order; a template error says which pages it was rendering.
    fn into_errors(self) -> Vec<SourceError> {
        let mut errors: Vec<SourceError> = self
            .0
            .into_iter()
            .map(|mut failure| {
                if templates::is_template_error(&failure.error) && failure.error.help.is_none() {
                    failure.pages.sort();
                    failure.error.help = Some(rendering(&failure.pages));
                }
                failure.error
            })
            .collect();
        crate::error::sort_by_place(&mut errors);
        errors
    }
}

/// "while rendering /a/", "while rendering /a/, /b/ and 4 more pages".
fn rendering(pages: &[String]) -> String {
    const SHOWN: usize = 3;
    let urls: Vec<String> = pages
        .iter()
        .take(SHOWN)
        .map(|p| format!("/{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    match pages.len().saturating_sub(SHOWN) {
        0 => match urls.split_last() {
            Some((last, [])) => format!("while rendering {last}"),
            Some((last, rest)) => format!("while rendering {} and {last}", rest.join(", ")),
            None => String::new(),
        },
        1 => format!("while rendering {} and 1 more page", urls.join(", ")),
        more => format!("while rendering {} and {more} more pages", urls.join(", ")),
    }
}
