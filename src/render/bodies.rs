//! Markdown bodies of the whole site, with shortcodes expanded and links checked.
//!
//! Shout-out quotes are rendered first and without shortcodes: they are the customer's
//! words, untrusted, and never interpreted. Every other body may use shortcodes, and a
//! post or page with `variants` is rendered once more per segment, with that segment's
//! `{% segment(...) %}` blocks and name.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::content::{Shoutout, Source};
use crate::error::{Error, Result, SourceError};
use crate::fingerprint::fingerprint;
use crate::markdown::shortcodes::{self, ArgValue, Call, Expansion, ShortcodeError};
use crate::markdown::{self, Html, Lookups, MarkdownOptions, Rendered};
use crate::site::routes::variants;
use crate::site::{ItemRef, Site};
use crate::url::UrlPath;

use super::context::Urls;
use super::images::ImageFinder;
use super::templates::{self, Lists, ShoutoutQuery, TemplateFiles};
use crate::images::Catalog;

/// Rendered markdown of every item, index-aligned with the site's vectors.
#[derive(Debug, Default)]
pub struct Bodies {
    /// Per post.
    pub posts: Vec<Arc<Rendered>>,
    /// Per page.
    pub pages: Vec<Arc<Rendered>>,
    /// Per shout-out (the quote).
    pub shoutouts: Vec<Arc<Rendered>>,
    /// Per segment.
    pub segments: Vec<Arc<Rendered>>,
    /// Per section folder.
    pub sections: HashMap<String, Arc<Rendered>>,
    /// Per (post or page, segment index): the variant rendering.
    pub variants: HashMap<(ItemRef, usize), Arc<Rendered>>,
}

/// What rendering may keep between rebuilds when a driver hands a store in (`serve`,
/// `watch`: `serve::BodyCache`), so an edit re-renders only the markdown that changed.
/// The store only holds entries by slot; the rules of reuse are here: a body is reused
/// only when its text, its segment, the markdown options and (for bodies with shortcodes)
/// everything shortcodes read are unchanged, and every `@/` link and image it holds still
/// resolves alike; a view (a card, a listing entry) only while its inputs' fingerprint is
/// the same.
pub trait RenderCache: Send + Sync {
    /// The body kept at `slot`.
    fn body(&self, slot: u64) -> Option<Arc<CachedBody>>;
    /// Keeps `body` at `slot`, and gives back the body to use from now on: a store may
    /// have moved its HTML to disk (see `warm::BodyStore`).
    fn keep_body(&self, slot: u64, body: CachedBody) -> Arc<Rendered>;
    /// The view kept at `slot`.
    fn view(&self, slot: u64) -> Option<Arc<CachedView>>;
    /// Keeps `view` at `slot`.
    fn keep_view(&self, slot: u64, view: CachedView);
    /// Image measurements, so a rebuild reads only the image files that changed.
    fn images(&self) -> Arc<Catalog>;
    /// The name (hash) of the share card rendered earlier from `key` (see
    /// [`super::cards::CardNames`]): naming a card otherwise means rendering its SVG.
    fn card_name(&self, key: u64) -> Option<u64>;
    /// Keeps the name of the card rendered from `key`.
    fn keep_card_name(&self, key: u64, name: u64);
    /// A post's card made earlier from `key` with the card template, config and fonts
    /// whose print is `print` (see [`super::cards::KeptCard`]).
    fn card(&self, print: u64, key: u64) -> Option<Arc<super::cards::KeptCard>>;
    /// Keeps a post's card made from `key` under `print`; a store may forget the cards
    /// of other prints, which no rebuild asks for again until they come back.
    fn keep_card(&self, print: u64, key: u64, card: super::cards::KeptCard);
}

/// A kept template view; `id` guards against two ids with one slot.
pub struct CachedView {
    id: String,
    key: u64,
    value: Value,
}

/// A kept body with what it was rendered against.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct CachedBody {
    /// Content path and variant, checked on every hit.
    id: (String, Option<String>),
    key: u64,
    link_urls: Vec<Option<String>>,
    rendered: Arc<Rendered>,
}

impl CachedBody {
    /// `rendered` for `id` (content path, variant) under `key`, with what its links
    /// resolved to.
    pub fn new(
        id: (String, Option<String>),
        key: u64,
        link_urls: Vec<Option<String>>,
        rendered: Rendered,
    ) -> CachedBody {
        CachedBody {
            id,
            key,
            link_urls,
            rendered: Arc::new(rendered),
        }
    }

    /// Whether the body can be kept on disk: one that shows images cannot (see
    /// [`Rendered`]'s serde form).
    pub fn storable(&self) -> bool {
        self.rendered.images.is_empty()
    }

    /// Its HTML, which the store keeps apart from the rest (see [`Html`]).
    pub fn html(&self) -> &Html {
        &self.rendered.html
    }

    /// This body with its HTML, as the store read it back.
    pub fn with_html(mut self, html: Html) -> CachedBody {
        Arc::make_mut(&mut self.rendered).html = html;
        self
    }

    /// The rendered body, shared.
    pub fn rendered(&self) -> Arc<Rendered> {
        Arc::clone(&self.rendered)
    }
}

/// The body kept for `id` if it is still right: same `key`, and `lookups` answer its
/// links and images as they did.
fn reusable_body(
    cache: &dyn RenderCache,
    id: (&str, Option<&str>),
    key: u64,
    lookups: &dyn Lookups,
) -> Option<Arc<Rendered>> {
    let cached = cache
        .body(slot(&id))
        .filter(|c| c.key == key && c.id.0 == id.0 && c.id.1.as_deref() == id.1)?;
    let same_links = cached
        .rendered
        .links
        .iter()
        .zip(&cached.link_urls)
        .all(|(link, url)| lookups.page_url(&link.target) == *url);
    let same_images = || {
        cached
            .rendered
            .images
            .iter()
            .all(|image| lookups.image(&image.image_ref()) == image.lookup)
    };
    (same_links && same_images()).then(|| Arc::clone(&cached.rendered))
}

/// Keeps `rendered` for `id` with what its links resolved to; returns the body to use
/// (see [`RenderCache::keep_body`]).
fn keep_body(
    cache: &dyn RenderCache,
    id: (&str, Option<&str>),
    key: u64,
    rendered: Rendered,
    lookups: &dyn Lookups,
) -> Arc<Rendered> {
    let link_urls = rendered
        .links
        .iter()
        .map(|l| lookups.page_url(&l.target))
        .collect();
    let id_owned = (id.0.to_string(), id.1.map(str::to_string));
    let entry = CachedBody::new(id_owned, key, link_urls, rendered);
    cache.keep_body(slot(&id), entry)
}

/// The view `kind` of `id`: kept in `cache` while its inputs' fingerprint is `key`,
/// else `make()` (kept for next time).
pub fn cached_view(
    cache: Option<&dyn RenderCache>,
    kind: &'static str,
    id: &str,
    key: u64,
    make: impl FnOnce() -> Value,
) -> Value {
    let Some(cache) = cache else {
        return make();
    };
    let slot = slot(&(kind, id));
    if let Some(kept) = cache.view(slot).filter(|v| v.key == key && v.id == id) {
        return kept.value.clone();
    }
    let value = make();
    let view = CachedView {
        id: id.to_string(),
        key,
        value: value.clone(),
    };
    cache.keep_view(slot, view);
    value
}

/// Where a cache keeps an entry (every entry also stores its id and is checked against
/// it, so a shared slot costs a render, never a wrong page).
fn slot(id: &impl Hash) -> u64 {
    fingerprint(id)
}

/// What shortcodes need to render: the engine and the shared lists.
pub struct ShortcodeEnv<'a> {
    /// The build's engine (with `shortcodes/*.html`).
    pub tera: &'a Tera,
    /// Template name -> file, for errors.
    pub files: &'a TemplateFiles,
    /// Shout-out cards and segment views.
    pub lists: &'a Lists,
    /// URL helper.
    pub urls: &'a Urls,
    /// Image files.
    pub images: &'a ImageFinder,
    /// `config` for shortcode templates.
    pub config: Value,
    /// Everything shortcodes read (cards, segments, their templates), hashed.
    pub shortcode_inputs: u64,
    /// Bodies from the previous build, if any.
    pub cache: Option<&'a dyn RenderCache>,
}

/// The shout-out quotes: plain markdown, no shortcodes.
pub fn render_quotes(site: &Site, cache: Option<&dyn RenderCache>) -> Vec<Arc<Rendered>> {
    site.shoutouts
        .par_iter()
        .map(|s| render_quote(site, s, cache))
        .collect()
}

/// One shout-out's quote, from `cache` when its text is unchanged.
pub(super) fn render_quote(
    site: &Site,
    shoutout: &Shoutout,
    cache: Option<&dyn RenderCache>,
) -> Arc<Rendered> {
    let options = markdown_options(site);
    let none = |_: &str| None;
    let source = &shoutout.source;
    let id = (source.content_path.as_str(), Some("(quote)"));
    let key = fingerprint(&(source.revision, options));
    if let Some(hit) = cache.and_then(|c| reusable_body(c, id, key, &none)) {
        return hit;
    }
    let rendered = markdown::render(source.body(), options, &none);
    match cache {
        Some(cache) => keep_body(cache, id, key, rendered, &none),
        None => Arc::new(rendered),
    }
}

fn markdown_options(site: &Site) -> MarkdownOptions {
    MarkdownOptions {
        smart_punctuation: site.config.markdown.smart_punctuation,
        heading_anchors: site.config.markdown.heading_anchors,
        slugs: site.slug_style(),
    }
}

impl Bodies {
    /// Renders every body in parallel, then checks every `@/` link and anchor.
    pub fn render(site: &Site, quotes: Vec<Arc<Rendered>>, env: &ShortcodeEnv) -> Result<Bodies> {
        let one = |source: &Source, segment: Option<usize>| render_body(site, env, source, segment);
        let posts = site
            .posts
            .par_iter()
            .map(|p| one(&p.source, None))
            .collect::<Vec<_>>();
        let pages = site
            .pages
            .par_iter()
            .map(|p| one(&p.source, None))
            .collect::<Vec<_>>();
        let segments = site
            .segments
            .par_iter()
            .enumerate()
            .map(|(i, s)| one(&s.source, Some(i)))
            .collect::<Vec<_>>();
        let sections = site
            .sections
            .par_iter()
            .map(|(dir, s)| (dir.clone(), one(&s.source, None)))
            .collect::<Vec<_>>();
        let variants = variants(site)
            .into_par_iter()
            .map(|(item, seg)| ((item, seg), one(item_source(site, item), Some(seg))))
            .collect::<Vec<_>>();

        let mut errors = Vec::new();
        let mut take = |r: std::result::Result<Arc<Rendered>, Vec<SourceError>>| match r {
            Ok(body) => body,
            Err(e) => {
                errors.extend(e);
                Arc::default()
            }
        };
        let bodies = Bodies {
            posts: posts.into_iter().map(&mut take).collect(),
            pages: pages.into_iter().map(&mut take).collect(),
            shoutouts: quotes,
            segments: segments.into_iter().map(&mut take).collect(),
            sections: sections.into_iter().map(|(d, r)| (d, take(r))).collect(),
            variants: variants.into_iter().map(|(k, r)| (k, take(r))).collect(),
        };
        // A body that failed has no links and no headings: links from it are not checked,
        // and anchors into it are not reported.
        let failed: FxHashSet<&Path> = errors.iter().map(|e| e.path.as_path()).collect();
        let link_errors = bodies.link_errors_in(site, bodies.with_sources(site), &failed);
        errors.extend(link_errors);
        errors.extend(image_errors(bodies.with_sources(site)));
        if errors.is_empty() {
            Ok(bodies)
        } else {
            errors.sort_by(|a, b| a.path.cmp(&b.path).then(a.position.cmp(&b.position)));
            errors.dedup_by(|a, b| a.location() == b.location() && a.message == b.message);
            Err(Error::Content(errors))
        }
    }

    /// The body of `item`.
    pub fn of(&self, item: ItemRef) -> &Arc<Rendered> {
        match item {
            ItemRef::Post(i) => &self.posts[i],
            ItemRef::Page(i) => &self.pages[i],
            ItemRef::Shoutout(i) => &self.shoutouts[i],
            ItemRef::Segment(i) => &self.segments[i],
        }
    }

    /// Every body with its source: posts, pages, segments, sections, then variants (not
    /// the shout-out quotes).
    pub fn with_sources<'s>(
        &'s self,
        site: &'s Site,
    ) -> impl Iterator<Item = (&'s Source, &'s Arc<Rendered>)> {
        let variant_bodies = self
            .variants
            .iter()
            .map(|((item, _), body)| (item_source(site, *item), body));
        site.posts
            .iter()
            .map(|p| &p.source)
            .zip(&self.posts)
            .chain(site.pages.iter().map(|p| &p.source).zip(&self.pages))
            .chain(site.segments.iter().map(|s| &s.source).zip(&self.segments))
            .chain(
                site.sections
                    .iter()
                    .map(|(d, s)| (&s.source, &self.sections[d])),
            )
            .chain(variant_bodies)
    }

    /// Problems in the bodies that do not stop the build: code blocks in a language kudos
    /// does not know, one warning per block (a variant repeats its page's blocks), in file
    /// order. Derived from the bodies, so a rebuild that re-renders one body is current.
    pub fn warnings(&self, site: &Site) -> Vec<SourceError> {
        let quotes = site
            .shoutouts
            .iter()
            .map(|s| &s.source)
            .zip(&self.shoutouts);
        let mut blocks: Vec<(&Source, &markdown::UnknownLanguage)> = self
            .with_sources(site)
            .chain(quotes)
            .flat_map(|(source, body)| body.unknown_languages.iter().map(move |b| (source, b)))
            .collect();
        blocks.sort_by(|a, b| a.0.path.cmp(&b.0.path).then(a.1.offset.cmp(&b.1.offset)));
        blocks.dedup_by(|a, b| a.0.path == b.0.path && a.1.offset == b.1.offset);
        let mut warnings: Vec<SourceError> = blocks
            .into_iter()
            .map(|(source, block)| unknown_language_warning(source, block))
            .collect();
        warnings.extend(alt_text_warnings(self.with_sources(site)));
        crate::error::sort_by_place(&mut warnings);
        warnings
    }

    /// Broken `@/` links (no such published item, no such anchor) in `sources`' bodies.
    /// Links to files that could not be loaded, and anchors into bodies of files in
    /// `failed`, are left to those files' own errors.
    pub(super) fn link_errors_in<'s>(
        &self,
        site: &Site,
        sources: impl Iterator<Item = (&'s Source, &'s Arc<Rendered>)>,
        failed: &FxHashSet<&Path>,
    ) -> Vec<SourceError> {
        let mut errors = Vec::new();
        for (source, body) in sources {
            let mut in_file = 0;
            for link in &body.links {
                let at = source.body_offset + link.offset;
                let problem = match site.by_content_path.get(&link.target) {
                    None if site.unloaded.contains(&link.target) => None,
                    Some(target) if failed.contains(item_source(site, *target).path.as_path()) => {
                        None
                    }
                    None => Some(format!(
                        "broken link `@/{}`: there is no published content/{}",
                        link.target, link.target
                    )),
                    Some(target) => link
                        .anchor
                        .as_ref()
                        .filter(|a| !self.of(*target).has_anchor(a))
                        .map(|a| {
                            format!(
                                "broken link `@/{}#{a}`: that page has no heading with id `{a}`",
                                link.target
                            )
                        }),
                };
                if let Some(message) = problem {
                    in_file += 1;
                    if in_file <= MAX_LINK_ERRORS_PER_FILE {
                        errors.push(SourceError::at(
                            &source.path,
                            &source.text,
                            at..at + 2,
                            message,
                        ));
                    }
                }
            }
            if let Some(more) = in_file
                .checked_sub(MAX_LINK_ERRORS_PER_FILE)
                .filter(|n| *n > 0)
            {
                errors.push(SourceError::new(
                    &source.path,
                    format!("{more} more broken links in this file are not listed (fix the ones above first)"),
                ));
            }
        }
        errors
    }
}

/// Images in bodies that cannot be shown (missing, damaged, too large), each at the image;
/// a variant repeats its page's images, so each place is reported once.
fn image_errors<'s>(
    sources: impl Iterator<Item = (&'s Source, &'s Arc<Rendered>)>,
) -> Vec<SourceError> {
    let mut seen = FxHashSet::default();
    let mut errors = Vec::new();
    for (source, body) in sources {
        for image in &body.images {
            let markdown::ImageLookup::Problem(why) = &image.lookup else {
                continue;
            };
            if seen.insert((source.path.as_path(), image.offset)) {
                let at = source.body_offset + image.offset;
                errors.push(
                    SourceError::at(&source.path, &source.text, at..at + 2, why.clone())
                        .with_help("put the file there, or fix the path: `cat.jpg` is beside this file, `/img/cat.jpg` in static/, `@/posts/a/cat.jpg` in content/"),
                );
            }
        }
    }
    errors
}

/// One warning per image without alt text (not marked decorative), at the image.
fn alt_text_warnings<'s>(
    sources: impl Iterator<Item = (&'s Source, &'s Arc<Rendered>)>,
) -> Vec<SourceError> {
    let mut seen = FxHashSet::default();
    let mut warnings = Vec::new();
    for (source, body) in sources {
        for image in body.images.iter().filter(|i| i.missing_alt()) {
            if seen.insert((source.path.as_path(), image.offset)) {
                let at = source.body_offset + image.offset;
                warnings.push(
                    SourceError::at(
                        &source.path,
                        &source.text,
                        at..at + 2,
                        format!("the image `{}` has no alt text", image.src),
                    )
                    .with_help("say what it shows for people who cannot see it: ![A walnut rocking horse](horse.jpg); an image that only decorates can say so: ![](line.svg \"decorative\")"),
                );
            }
        }
    }
    warnings
}

/// "unknown language `woodgrain`" at the block's opening fence, with the nearest name
/// kudos knows, if one is close.
fn unknown_language_warning(source: &Source, block: &markdown::UnknownLanguage) -> SourceError {
    let at = source.body_offset + block.offset;
    let lang = &block.lang;
    let warning = SourceError::at(
        &source.path,
        &source.text,
        at..at + 3,
        format!(
            "unknown code block language `{lang}`: the block is shown as plain text, not highlighted"
        ),
    );
    let plain = "write ```text for a block that is plain text on purpose";
    match crate::suggest::nearest(lang, markdown::highlight::language_tokens()) {
        Some(near) => warning.with_help(format!("did you mean ```{near}? Or {plain}")),
        None => warning.with_help(format!("check the name after ```, or {plain}")),
    }
}

/// Broken links listed per file: each costs a scan of the file for its line and column,
/// so a file of 100,000 broken links is reported in bounded time (and a readable length).
pub const MAX_LINK_ERRORS_PER_FILE: usize = 100;

pub(super) fn item_source(site: &Site, item: ItemRef) -> &Source {
    match item {
        ItemRef::Post(i) => &site.posts[i].source,
        ItemRef::Page(i) => &site.pages[i].source,
        ItemRef::Shoutout(i) => &site.shoutouts[i].source,
        ItemRef::Segment(i) => &site.segments[i].source,
    }
}

/// What the body of `source` refers to: items for `@/` links, files for images.
struct BodyLookups<'a> {
    site: &'a Site,
    env: &'a ShortcodeEnv<'a>,
    source: &'a Source,
}

impl Lookups for BodyLookups<'_> {
    fn page_url(&self, content_path: &str) -> Option<String> {
        item_path(self.site, content_path).map(|p| self.env.urls.url(&p))
    }

    fn image(&self, image: &markdown::ImageRef) -> markdown::ImageLookup {
        self.env.images.element(image, self.source)
    }
}

/// The URL path of the item at content path `path`, for `@/` links.
pub fn item_path(site: &Site, path: &str) -> Option<String> {
    Some(match *site.by_content_path.get(path)? {
        ItemRef::Post(i) => site.posts[i].path.clone(),
        ItemRef::Page(i) => site.pages[i].path.clone(),
        ItemRef::Shoutout(i) => site.shoutouts[i].path.clone(),
        ItemRef::Segment(i) => site.segments[i].path.clone(),
    })
}

/// One body: shortcodes expanded for `segment` (an index into `site.segments`), then
/// markdown; reused from the cache when nothing it depends on changed.
pub(super) fn render_body(
    site: &Site,
    env: &ShortcodeEnv,
    source: &Source,
    segment: Option<usize>,
) -> std::result::Result<Arc<Rendered>, Vec<SourceError>> {
    let lookups = BodyLookups { site, env, source };
    let options = markdown_options(site);
    let has_shortcodes = source.has_shortcodes;
    let id = (
        source.content_path.as_str(),
        segment.map(|i| site.segments[i].slug.as_str()),
    );
    let key = fingerprint(&(
        source.revision,
        &id.1,
        options,
        has_shortcodes.then_some(env.shortcode_inputs),
    ));
    if let Some(hit) = env.cache.and_then(|c| reusable_body(c, id, key, &lookups)) {
        return Ok(hit);
    }
    let rendered = render_fresh(site, env, source, segment)?;
    Ok(match env.cache {
        Some(cache) => keep_body(cache, id, key, rendered, &lookups),
        None => Arc::new(rendered),
    })
}

fn render_fresh(
    site: &Site,
    env: &ShortcodeEnv,
    source: &Source,
    segment: Option<usize>,
) -> std::result::Result<Rendered, Vec<SourceError>> {
    let body = source.body();
    let lookups = BodyLookups { site, env, source };
    let options = markdown_options(site);
    if !shortcodes::may_contain(body) {
        return Ok(markdown::render(body, options, &lookups));
    }
    let expanded = shortcodes::expand(body, &|call| expand_call(site, env, call, segment))
        .map_err(|errors| shortcode_errors(source, errors))?;
    let mut rendered = markdown::render(&expanded.markdown, options, &lookups);
    for link in &mut rendered.links {
        link.offset = expanded.original_offset(link.offset);
    }
    for link in &mut rendered.outside_links {
        link.offset = expanded.original_offset(link.offset);
    }
    for image in &mut rendered.images {
        image.offset = expanded.original_offset(image.offset);
    }
    for block in &mut rendered.unknown_languages {
        block.offset = expanded.original_offset(block.offset);
    }
    expanded.insert_html(rendered.html.make_mut());
    if let Some(summary) = &mut rendered.summary {
        expanded.insert_html(summary);
    }
    rendered.seal();
    Ok(rendered)
}

/// Every shortcode problem of `source`, located; past [`MAX_LINK_ERRORS_PER_FILE`] (each
/// costs a scan of the file for its line) the rest are counted, not listed.
fn shortcode_errors(source: &Source, errors: Vec<ShortcodeError>) -> Vec<SourceError> {
    let more = errors.len().saturating_sub(MAX_LINK_ERRORS_PER_FILE);
    let mut located: Vec<SourceError> = errors
        .into_iter()
        .take(MAX_LINK_ERRORS_PER_FILE)
        .map(|e| {
            let start = source.body_offset + e.offset;
            SourceError::at(&source.path, &source.text, start..start + 2, e.message)
        })
        .collect();
    if more > 0 {
        located.push(SourceError::new(
            &source.path,
            format!("{more} more shortcode problems in this file are not listed (fix the ones above first)"),
        ));
    }
    located
}

type Expanded = std::result::Result<Expansion, ShortcodeError>;

fn fail(message: String) -> ShortcodeError {
    ShortcodeError { offset: 0, message }
}

/// The built-in shortcodes, then `shortcodes/<name>.html` templates.
fn expand_call(site: &Site, env: &ShortcodeEnv, call: &Call, segment: Option<usize>) -> Expanded {
    match call.name.as_str() {
        "segment" => segment_block(site, call, segment),
        "segment_name" => {
            allow_args(call, &["default"])?;
            let default = str_arg(call, "default")?.unwrap_or_default();
            let name = segment.map_or(default.as_str(), |i| site.segments[i].meta.title.as_str());
            Ok(Expansion::Markdown(name.to_string()))
        }
        "shoutout" => {
            allow_args(call, &["slug"])?;
            let slug = str_arg(call, "slug")?
                .ok_or_else(|| fail("`shoutout` needs `slug=\"...\"`".into()))?;
            match site.shoutouts.iter().position(|s| s.slug == slug) {
                Some(i) => {
                    let mut ctx = Context::new();
                    ctx.insert_value("card", env.lists.shoutouts[i].clone());
                    render_shortcode(env, "shoutout", ctx).map(Expansion::Html)
                }
                None if site.hidden_shoutouts.contains(&slug) => Ok(Expansion::Html(String::new())),
                None => Err(fail(format!(
                    "`shoutout`: no shout-out with slug `{slug}` (files in content/shoutouts/)"
                ))),
            }
        }
        "shoutouts" => shoutout_list(site, env, call),
        name => {
            let template = format!("shortcodes/{name}.html");
            if !env.tera.get_template_names().any(|t| t == template) {
                return Err(fail(format!(
                    "unknown shortcode `{name}`: the built-in ones are segment, segment_name, shoutout and shoutouts; others need templates/shortcodes/{name}.html"
                )));
            }
            let mut ctx = Context::new();
            for (key, value) in &call.args {
                match value {
                    ArgValue::Str(s) => ctx.insert(key.clone(), s),
                    ArgValue::Int(n) => ctx.insert(key.clone(), n),
                    ArgValue::Bool(b) => ctx.insert(key.clone(), b),
                }
            }
            let body = call.body.as_deref().unwrap_or("");
            ctx.insert("body", body);
            ctx.insert("body_html", &body_html(site, env, body));
            if let Some(i) = segment {
                ctx.insert_value(
                    "segment",
                    env.lists.segments[&site.segments[i].slug].clone(),
                );
            }
            render_shortcode(env, name, ctx).map(Expansion::Html)
        }
    }
}

/// A block shortcode's body as HTML, for templates that want it rendered: markdown with
/// the site's options and `@/` links resolved. Shortcodes inside it are not expanded (the
/// raw `body` is there for a template that handles them itself).
fn body_html(site: &Site, env: &ShortcodeEnv, body: &str) -> String {
    if body.is_empty() {
        return String::new();
    }
    let resolve = |path: &str| item_path(site, path).map(|p| env.urls.url(&p));
    let html = markdown::render(body, markdown_options(site), &resolve).html;
    html.trim_end().to_string()
}

/// `{% segment(only="a, b") %}...{% end %}` / `except=`.
fn segment_block(site: &Site, call: &Call, segment: Option<usize>) -> Expanded {
    allow_args(call, &["only", "except"])?;
    let body = call.body.clone().ok_or_else(|| {
        fail("`segment` is a block: write {% segment(only=\"...\") %}text{% end %}".into())
    })?;
    let (list, only) = match (str_arg(call, "only")?, str_arg(call, "except")?) {
        (Some(list), None) => (list, true),
        (None, Some(list)) => (list, false),
        _ => {
            return Err(fail(
                "`segment` takes exactly one of `only=\"...\"` or `except=\"...\"`".into(),
            ));
        }
    };
    let names: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    for name in &names {
        if !site.segments.iter().any(|s| s.slug == *name) {
            let known: Vec<&str> = site.segments.iter().map(|s| s.slug.as_str()).collect();
            return Err(fail(format!(
                "unknown segment `{name}` in `segment(...)`; known segments: {}",
                known.join(", ")
            )));
        }
    }
    let current = segment.map(|i| site.segments[i].slug.as_str());
    let listed = current.is_some_and(|c| names.contains(&c));
    let shown = if only { listed } else { !listed };
    Ok(Expansion::Markdown(if shown {
        body
    } else {
        String::new()
    }))
}

/// `{{ shoutouts(segment=, tag=, featured=, limit=) }}`
fn shoutout_list(site: &Site, env: &ShortcodeEnv, call: &Call) -> Expanded {
    allow_args(call, &["segment", "tag", "featured", "limit"])?;
    let segment = str_arg(call, "segment")?;
    let tag = str_arg(call, "tag")?;
    let featured = match call.arg("featured") {
        None => None,
        Some(ArgValue::Bool(b)) => Some(*b),
        Some(_) => return Err(fail("`featured` must be true or false".into())),
    };
    let limit = match call.arg("limit") {
        None => usize::MAX,
        Some(ArgValue::Int(n)) if *n > 0 => *n as usize,
        Some(_) => return Err(fail("`limit` must be a whole number above 0".into())),
    };
    let query = ShoutoutQuery {
        segment: segment.as_deref(),
        tag: tag.as_deref(),
        featured,
    };
    let Some(matching) = query.select(env.lists) else {
        let known: Vec<&str> = site.segments.iter().map(|s| s.slug.as_str()).collect();
        return Err(fail(format!(
            "unknown segment `{}` in `shoutouts(...)`; known segments: {}",
            segment.unwrap_or_default(),
            known.join(", ")
        )));
    };
    let cards: Vec<Value> = matching
        .iter()
        .take(limit)
        .map(|&i| env.lists.shoutouts[i].clone())
        .collect();
    let mut ctx = Context::new();
    ctx.insert("shown", &cards.len());
    ctx.insert("total", &site.shoutouts.len());
    ctx.insert_value("cards", Value::from(cards));
    render_shortcode(env, "shoutouts", ctx).map(Expansion::Html)
}

fn render_shortcode(
    env: &ShortcodeEnv,
    name: &str,
    mut ctx: Context,
) -> std::result::Result<String, ShortcodeError> {
    let template = format!("shortcodes/{name}.html");
    ctx.insert_value("config", env.config.clone());
    ctx.insert(
        "wall_url",
        &env.urls.url(&UrlPath::page(&env.lists.wall_path)),
    );
    ctx.insert_value("ratings", env.lists.ratings.clone());
    env.tera
        .render(&template, &ctx)
        .map(|html| html.trim().to_string())
        .map_err(|e| fail(templates::template_error(&e, env.files, Some(&template)).to_string()))
}

fn allow_args(call: &Call, allowed: &[&str]) -> std::result::Result<(), ShortcodeError> {
    for (name, _) in &call.args {
        if !allowed.contains(&name.as_str()) {
            return Err(fail(format!(
                "`{}` has no argument `{name}`; it takes: {}",
                call.name,
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

fn str_arg(call: &Call, name: &str) -> std::result::Result<Option<String>, ShortcodeError> {
    match call.arg(name) {
        None => Ok(None),
        Some(ArgValue::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(fail(format!("`{name}` must be a string in quotes"))),
    }
}
