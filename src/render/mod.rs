//! Rendering a resolved site into output files.
//!
//! First every markdown body is rendered ([`bodies`]): shout-out quotes plainly, the rest
//! with shortcodes, which also collects headings so `@/` links and anchors are checked
//! against the whole site. Then every output file is an independent [`Route`] rendered
//! through Tera from a context of shared, pre-built values. Keeping jobs independent is
//! what lets them run in parallel, and lets `serve` re-render just some of them.

pub mod bodies;
pub mod context;
pub mod deps;
mod jsonld;
mod minify;
mod patch;
pub mod templates;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::error::{Error, Result, SourceError};
use crate::markdown::{self, Rendered};
use crate::output::{Contents, OutputFile};
use crate::site::routes::index_file;
use crate::site::{ItemRef, Route, Site, page_range};
use crate::theme::{StaticSource, Theme};

use crate::fingerprint::fingerprint;
pub use bodies::Bodies;
pub use bodies::BodyCache;
use bodies::{ShortcodeEnv, cached_view, item_path, render_quotes};
use context::{
    HeadView, PageLink, PageView, PaginatorView, ProductStats, RatingStats, SegmentView,
    ShoutoutView, TagView, Urls, page_window,
};
use templates::{Lists, PostLists, TemplateFiles};

/// A feed a page advertises in its `<head>`.
#[derive(Debug, Serialize)]
struct FeedLink {
    /// Its media type.
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    /// Its URL, with the base path.
    url: String,
}

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
    cache: Option<Arc<BodyCache>>,
    /// What shortcodes read, hashed (see [`ShortcodeEnv`]).
    shortcode_inputs: u64,
    /// The part of it that is templates, kept for patches.
    shortcode_templates: u64,
    /// Some template calls `posts()`, which shortcodes may not (bodies are rendered
    /// before the post lists exist); a patch must not let a shortcode get away with it.
    calls_posts: bool,
    config_value: Value,
    base: Context,
}

impl Renderer {
    /// Renders every body and prepares the engine and the shared context for `site`.
    pub fn new(site: Arc<Site>, theme: &Theme, cache: Option<Arc<BodyCache>>) -> Result<Renderer> {
        let urls = Urls::new(&site);
        let filters = build_wall_filters(&site, &urls);
        let quotes = render_quotes(&site, cache.as_deref());
        let lists = Arc::new(build_lists(&site, &quotes, &urls, cache.as_deref()));
        let (tera, files) =
            templates::engine(theme, &urls, Arc::clone(&lists)).map_err(Error::Content)?;
        let config_value = Value::from_serializable(&site.config);
        let shortcode_templates = shortcode_templates(theme);
        let shortcode_inputs = shortcode_inputs(&site, shortcode_templates);
        let calls_posts = deps::any_template_calls(theme, "posts");
        let mut renderer = Renderer {
            products: ProductStats::all(&site),
            site,
            bodies: Bodies::default(),
            urls,
            tera,
            files,
            lists,
            filters,
            cache,
            shortcode_inputs,
            shortcode_templates,
            calls_posts,
            config_value,
            base: Context::new(),
        };
        renderer.bodies = Bodies::render(&renderer.site, quotes, &renderer.shortcode_env())?;
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
                &renderer.lists,
                &renderer.bodies.pages,
            ),
        );
        renderer.base.insert_value("segment", Value::none());
        renderer.base.insert_value("jsonld", Value::none());
        Ok(renderer)
    }

    /// What shortcodes in bodies render with.
    fn shortcode_env(&self) -> ShortcodeEnv<'_> {
        ShortcodeEnv {
            tera: &self.tera,
            files: &self.files,
            lists: &self.lists,
            urls: &self.urls,
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

    /// The rendered bodies.
    pub fn bodies(&self) -> &Bodies {
        &self.bodies
    }

    /// Every problem that did not stop the build: the resolved site's, then the bodies'
    /// (see [`Bodies::warnings`]).
    pub fn warnings(&self) -> Vec<SourceError> {
        let mut warnings = self.site.warnings.clone();
        warnings.extend(self.bodies.warnings(&self.site));
        warnings
    }

    /// Every route of the site (see [`Site::routes`]).
    pub fn jobs(&self) -> Vec<Route> {
        self.site.routes()
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

    /// Renders `jobs` in parallel and hands each file to `sink` as soon as it is ready,
    /// so a build need not hold the whole site in memory. Template errors are reported as
    /// by [`Renderer::render_jobs`]; the first error of `sink` stops early.
    pub fn render_into(
        &self,
        jobs: &[Route],
        sink: impl Fn(OutputFile) -> Result<()> + Sync,
    ) -> Result<()> {
        let failures = std::sync::Mutex::new(Failures::default());
        jobs.par_iter().try_for_each(|job| match self.render(job) {
            Ok(file) => sink(file),
            Err(e) => {
                if let Ok(mut failures) = failures.lock() {
                    failures.add(e, self.output_path(job));
                }
                Ok(())
            }
        })?;
        let failures = failures.into_inner().unwrap_or_default();
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
                    ..self.head(&site.config.title, None, "/", "website")
                };
                ctx.insert("head", &head);
                ctx.insert_value("section", self.section_value(""));
            }
            Route::PostsPage(n) => {
                let title = section_title(site, "posts").unwrap_or("Posts");
                let shown = paged_title(title.to_string(), *n);
                ctx.insert("head", &self.head(&shown, None, &path, "website"));
                ctx.insert_value("section", self.section_value("posts"));
                ctx.insert("paginator", &self.posts_paginator(*n));
            }
            Route::Post(_) | Route::Page(_) | Route::Variant(..) => {
                self.page_context(job, &mut ctx);
            }
            Route::TagsIndex => {
                ctx.insert("head", &self.head("Tags", None, &path, "website"));
            }
            Route::Tag(i, n) => {
                let tag = &site.tags[*i];
                let title = paged_title(format!("Posts tagged “{}”", tag.name), *n);
                ctx.insert("head", &self.head(&title, None, &path, "website"));
                ctx.insert("tag", &TagView::new(&self.urls, tag));
                let shown = page_range(tag.posts.len(), *n, site.config.build.paginate);
                ctx.insert_value("posts", self.post_values(&tag.posts[shown]));
                ctx.insert(
                    "paginator",
                    &self.listing_paginator(&tag.path, *n, site.tag_pages(*i)),
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
                );
                let title = site.shown[*i].page_title();
                ctx.insert(
                    "head",
                    &self.head(&title, Some(&view.quote_text), &shoutout.path, "article"),
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
                let head = HeadView {
                    noindex: true,
                    ..self.head("Page not found", None, &path, "website")
                };
                ctx.insert("head", &head);
                // Served at any URL: it has no URL of its own to name.
                return self.render_template(&template, &ctx, &index_file(&path));
            }
            Route::Atom | Route::Rss | Route::JsonFeed => {
                ctx.insert("feed_url", &self.urls.permalink(&path));
                ctx.insert("feed_title", &site.config.title);
                ctx.insert("feed_alternate", &self.urls.permalink("/"));
                ctx.insert("entries", &self.feed_entries(0..site.posts.len()));
            }
            Route::TagAtom(i) => {
                let tag = &site.tags[*i];
                let title = format!("{}: posts tagged “{}”", site.config.title, tag.name);
                ctx.insert("feed_url", &self.urls.permalink(&path));
                ctx.insert("feed_title", &title);
                ctx.insert("feed_alternate", &self.urls.permalink(&tag.path));
                ctx.insert("entries", &self.feed_entries(tag.posts.iter().copied()));
            }
            Route::SegmentAtom(i) => {
                let segment = &site.segments[*i];
                let title = format!("{}: {}", site.config.title, segment.meta.title);
                ctx.insert("feed_url", &self.urls.permalink(&path));
                ctx.insert("feed_title", &title);
                ctx.insert("feed_alternate", &self.urls.permalink(&segment.path));
                let posts = site.segment_posts[*i].iter().copied();
                ctx.insert("entries", &self.feed_entries(posts));
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
                let mut order: Vec<usize> = (0..site.shoutouts.len()).collect();
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
        self.render_template(&template, &ctx, &index_file(&path))
    }

    /// A post or page, or one of its segment variants.
    fn page_context(&self, job: &Route, ctx: &mut Context) {
        let site = &*self.site;
        let (item, variant) = match job {
            Route::Post(i) => (ItemRef::Post(*i), None),
            Route::Page(i) => (ItemRef::Page(*i), None),
            Route::Variant(item, seg) => (*item, Some(*seg)),
            _ => unreachable!("render_page is only called for pages"),
        };
        let (page, body) = match item {
            ItemRef::Post(i) => (&site.posts[i], &self.bodies.posts[i]),
            ItemRef::Page(i) => (&site.pages[i], &self.bodies.pages[i]),
            _ => unreachable!("variants are only made of posts and pages"),
        };
        let body = variant.map_or(body, |seg| &self.bodies.variants[&(item, seg)]);
        let view = PageView::new(site, &self.urls, page, body, true);
        let is_post = matches!(item, ItemRef::Post(_));
        let og = if is_post { "article" } else { "website" };
        let mut head = self.head(
            &page.meta.title,
            page.meta.description.as_deref(),
            &page.path,
            og,
        );
        head.image = view.image.clone();
        if let Some(seg) = variant {
            let segment = &site.segments[seg];
            // A hidden segment's audience must not find it through its variants either.
            head.noindex = segment.meta.noindex;
            ctx.insert_value("segment", self.lists.segments[&segment.slug].clone());
        }
        ctx.insert("head", &head);
        ctx.insert("page", &view);
    }

    /// A segment landing page: its featured shout-outs first, then the rest of its own;
    /// featured general ones when it has none of its own yet.
    fn segment_context(&self, i: usize, ctx: &mut Context) {
        let site = &*self.site;
        let segment = &site.segments[i];
        let view = SegmentView::new(&self.urls, segment, &self.bodies.segments[i], true);
        let description = segment
            .meta
            .description
            .as_deref()
            .or(segment.meta.lede.as_deref());
        let mut head = self.head(&segment.meta.title, description, &segment.path, "website");
        head.noindex = segment.meta.noindex;
        head.image = view.hero.as_deref().map(|h| self.urls.permalink(h));
        let own = &site.segment_shoutouts[i];
        let fallback = own.is_empty();
        let members: Vec<usize> = if fallback {
            (0..site.shoutouts.len())
                .filter(|&s| site.shoutouts[s].meta.featured)
                .collect()
        } else {
            own.clone()
        };
        // A landing page is a page, not an archive: its cards stop at a limit and link
        // to the segment's (paginated) wall filter, its posts at the newest few.
        let limit = segment
            .meta
            .shoutout_limit
            .unwrap_or(site.config.shoutouts.per_page);
        let cards: Vec<Value> = members
            .iter()
            .take(limit)
            .map(|&s| self.lists.shoutouts[s].clone())
            .collect();
        ctx.insert("head", &head);
        ctx.insert("shoutouts_are_fallback", &fallback);
        ctx.insert("shoutouts_total", &own.len());
        ctx.insert_value("shoutouts", Value::from(cards));
        ctx.insert(
            "shoutouts_url",
            &self.urls.url(&if fallback {
                site.wall_path()
            } else {
                site.wall_segment_path(i)
            }),
        );
        let posts = &site.segment_posts[i];
        let post_limit = segment
            .meta
            .post_limit
            .unwrap_or(site.config.build.paginate);
        ctx.insert("posts_total", &posts.len());
        ctx.insert_value(
            "posts",
            self.post_values(&posts[..posts.len().min(post_limit)]),
        );
        ctx.insert_value("segment", Value::from_serializable(&view));
    }

    /// The wall (paginated) and its filter pages, which work without JavaScript.
    fn wall_context(&self, job: &Route, path: &str, ctx: &mut Context) {
        let site = &*self.site;
        let (members, first, filter, page) = match job {
            Route::Wall(n) => (
                (0..site.shoutouts.len()).collect(),
                site.wall_path(),
                None,
                *n,
            ),
            Route::WallSegment(i, n) => (
                site.segment_shoutouts[*i].clone(),
                site.wall_segment_path(*i),
                Some(site.segments[*i].meta.title.clone()),
                *n,
            ),
            Route::WallTag(slug, n) => {
                let name = site
                    .shoutout_tags()
                    .into_iter()
                    .find(|(s, _)| s == slug)
                    .map_or_else(|| slug.clone(), |(_, name)| name);
                (
                    site.shoutouts_tagged(slug),
                    site.wall_tag_path(slug),
                    Some(format!("#{name}")),
                    *n,
                )
            }
            _ => unreachable!("render_wall is only called for wall pages"),
        };
        let pages = site.wall_filter_pages(members.len());
        let members = &members[page_range(members.len(), page, site.config.shoutouts.per_page)];
        let title = section_title(site, "shoutouts").unwrap_or("What our customers say");
        let shown = match &filter {
            Some(f) => paged_title(format!("{title}: {f}"), page),
            None => paged_title(title.to_string(), page),
        };
        ctx.insert("head", &self.head(&shown, None, path, "website"));
        ctx.insert_value("section", self.section_value("shoutouts"));
        let views: Vec<ShoutoutView> = members
            .iter()
            .map(|&s| {
                ShoutoutView::new(
                    site,
                    &self.urls,
                    &site.shoutouts[s],
                    &site.shown[s],
                    &self.bodies.shoutouts[s],
                )
            })
            .collect();
        let refs: Vec<&ShoutoutView> = views.iter().collect();
        ctx.insert("jsonld", &jsonld::for_cards(&refs, &self.products));
        ctx.insert_value(
            "cards",
            Value::from(
                members
                    .iter()
                    .map(|&s| self.lists.shoutouts[s].clone())
                    .collect::<Vec<_>>(),
            ),
        );
        ctx.insert("filter", &filter);
        ctx.insert("filters", &self.wall_filters(&first));
        ctx.insert("products", &self.products);
        ctx.insert("paginator", &self.listing_paginator(&first, page, pages));
    }

    /// Page links of a listing whose first page is `first`, for page `current` of `total`.
    fn listing_paginator(&self, first: &str, current: usize, total: usize) -> ListingPaginator {
        let link = |n: usize| self.urls.url(&Site::listing_page_path(first, n));
        ListingPaginator {
            current,
            total,
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < total).then(|| link(current + 1)),
            pages: page_window(current, total, link),
        }
    }

    /// The wall's filter links, with the one for `current` marked.
    fn wall_filters(&self, current: &str) -> WallFilters {
        let current = self.urls.url(current);
        let mut filters = self.filters.clone();
        for link in std::iter::once(&mut filters.all)
            .chain(&mut filters.segments)
            .chain(&mut filters.tags)
        {
            link.active = link.url == current;
        }
        filters
    }

    fn render_template(
        &self,
        template: &str,
        ctx: &Context,
        out: &str,
    ) -> std::result::Result<OutputFile, SourceError> {
        let html = self
            .tera
            .render(template, ctx)
            .map_err(|e| templates::template_error(&e, &self.files, Some(template)))?;
        let html = if self.site.config.build.minify && out.ends_with(".html") {
            minify::minify_html(&html)
        } else {
            html
        };
        Ok(OutputFile::rendered(out, html))
    }

    fn head(
        &self,
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
            image: None,
            noindex: false,
        }
    }

    fn post_values(&self, indices: &[usize]) -> Value {
        let posts = &self
            .lists
            .posts
            .get()
            .expect("post lists are set before rendering")
            .values;
        Value::from(
            indices
                .iter()
                .map(|&p| posts[p].clone())
                .collect::<Vec<_>>(),
        )
    }

    fn section_value(&self, dir: &str) -> Value {
        #[derive(Serialize)]
        struct SectionView<'s> {
            title: Option<&'s str>,
            description: Option<&'s str>,
            content: &'s str,
            extra: Option<&'s serde_json::Map<String, serde_json::Value>>,
        }
        let section = self.site.sections.get(dir);
        Value::from_serializable(&SectionView {
            title: section.and_then(|s| s.meta.title.as_deref()),
            description: section.and_then(|s| s.meta.description.as_deref()),
            content: self
                .bodies
                .sections
                .get(dir)
                .map_or("", |b| b.html.as_str()),
            extra: section.map(|s| &s.meta.extra),
        })
    }

    fn posts_paginator(&self, current: usize) -> PaginatorView<'_> {
        let site = &*self.site;
        let total = site.post_pages();
        let shown = page_range(site.posts.len(), current, site.config.build.paginate);
        let items = site.posts[shown.clone()]
            .iter()
            .zip(&self.bodies.posts[shown])
            .map(|(p, b)| PageView::new(site, &self.urls, p, b, false))
            .collect();
        let link = |n: usize| self.urls.url(&Site::posts_page_path(n));
        PaginatorView {
            current,
            total,
            items,
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < total).then(|| link(current + 1)),
            pages: page_window(current, total, link),
        }
    }

    /// The feeds a page links to with `<link rel="alternate">`: the site's posts feeds
    /// everywhere, and the feed of what the page lists (a tag, a segment, the wall).
    fn advertised_feeds(&self, route: &Route) -> Vec<FeedLink> {
        let site = &*self.site;
        let feeds = &site.config.feeds;
        let title = &site.config.title;
        let link = |on: bool, route: Route, kind: &'static str, title: String| {
            on.then(|| FeedLink {
                kind,
                title,
                url: self.urls.url(&route.url_path(site)),
            })
        };
        const ATOM: &str = "application/atom+xml";
        let own = match route {
            Route::Wall(_) | Route::WallSegment(..) | Route::WallTag(..) => link(
                feeds.atom,
                Route::ShoutoutsAtom,
                ATOM,
                format!("{title}: shout-outs"),
            ),
            Route::Tag(i, _) => link(
                feeds.tags,
                Route::TagAtom(*i),
                ATOM,
                format!("{title}: posts tagged “{}”", site.tags[*i].name),
            ),
            Route::Segment(i) => link(
                feeds.segments,
                Route::SegmentAtom(*i),
                ATOM,
                format!("{title}: {}", site.segments[*i].meta.title),
            ),
            _ => None,
        };
        [
            link(feeds.atom, Route::Atom, ATOM, title.clone()),
            link(
                feeds.rss,
                Route::Rss,
                "application/rss+xml",
                format!("{title} (RSS)"),
            ),
            link(
                feeds.json,
                Route::JsonFeed,
                "application/feed+json",
                format!("{title} (JSON Feed)"),
            ),
            own,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The posts at `indices` (newest first), whole, up to the feed limit.
    fn feed_entries(&self, indices: impl Iterator<Item = usize>) -> Vec<PageView<'_>> {
        let site = &*self.site;
        indices
            .take(site.config.feeds.limit)
            .map(|i| {
                PageView::new(
                    site,
                    &self.urls,
                    &site.posts[i],
                    &self.bodies.posts[i],
                    true,
                )
            })
            .collect()
    }

    fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        let site = &*self.site;
        let urls = &self.urls;
        let entry = |path: &str, lastmod: Option<String>| SitemapEntry {
            permalink: urls.permalink(path),
            lastmod,
        };
        let mut entries = vec![entry(
            "/",
            site.posts
                .first()
                .and_then(|p| p.meta.date)
                .map(|d| d.rfc3339()),
        )];
        entries.extend((1..=site.post_pages()).map(|n| entry(&Site::posts_page_path(n), None)));
        for p in site.posts.iter().chain(&site.pages) {
            entries.push(entry(
                &p.path,
                p.meta.updated.or(p.meta.date).map(|d| d.rfc3339()),
            ));
        }
        entries.push(entry("/tags/", None));
        for (i, tag) in site.tags.iter().enumerate() {
            entries.extend(
                (1..=site.tag_pages(i))
                    .map(|n| entry(&Site::listing_page_path(&tag.path, n), None)),
            );
        }
        entries.push(entry(&site.wall_path(), None));
        entries.extend(
            site.shoutouts
                .iter()
                .map(|s| entry(&s.path, s.meta.date.map(|d| d.rfc3339()))),
        );
        entries.extend(
            site.segments
                .iter()
                .filter(|s| !s.meta.noindex)
                .map(|s| entry(&s.path, None)),
        );
        entries
    }
}

/// A listing's title, with the page number from page 2 on.
fn paged_title(title: String, page: usize) -> String {
    if page > 1 {
        format!("{title}, page {page}")
    } else {
        title
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

/// A sitemap `<url>`.
#[derive(Debug, Serialize)]
struct SitemapEntry {
    permalink: String,
    lastmod: Option<String>,
}

/// One filter link on the wall.
#[derive(Debug, Clone, Serialize)]
struct FilterLink {
    name: String,
    url: String,
    count: usize,
    active: bool,
}

/// The wall's filters: by segment and by tag, each a real page.
#[derive(Debug, Clone, Serialize)]
struct WallFilters {
    all: FilterLink,
    segments: Vec<FilterLink>,
    tags: Vec<FilterLink>,
}

/// Page links of a listing (the wall, its filter pages, a tag's posts): what
/// [`PaginatorView`] is without the items, which these templates get on their own.
#[derive(Debug, Serialize)]
struct ListingPaginator {
    current: usize,
    total: usize,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

/// The wall's filter links (none active), computed once per build: counting every tag's
/// shout-outs on every wall page would be quadratic.
fn build_wall_filters(site: &Site, urls: &Urls) -> WallFilters {
    let filter = |name: String, path: String, count: usize| FilterLink {
        active: false,
        url: urls.url(&path),
        name,
        count,
    };
    WallFilters {
        all: filter("All".into(), site.wall_path(), site.shoutouts.len()),
        segments: site
            .segments
            .iter()
            .zip(&site.segment_shoutouts)
            .enumerate()
            .map(|(i, (s, members))| {
                filter(
                    s.meta.title.clone(),
                    site.wall_segment_path(i),
                    members.len(),
                )
            })
            .collect(),
        tags: {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for shoutout in &site.shoutouts {
                let mut slugs: Vec<String> =
                    shoutout.meta.tags.iter().map(|t| site.slug(t)).collect();
                slugs.sort();
                slugs.dedup();
                for slug in slugs {
                    *counts.entry(slug).or_default() += 1;
                }
            }
            site.shoutout_tags()
                .into_iter()
                .map(|(slug, name)| {
                    let count = counts.get(&slug).copied().unwrap_or(0);
                    filter(name, site.wall_tag_path(&slug), count)
                })
                .collect()
        },
    }
}

fn section_title<'s>(site: &'s Site, dir: &str) -> Option<&'s str> {
    site.sections.get(dir).and_then(|s| s.meta.title.as_deref())
}

/// Everything a shortcode can read: the shout-outs (with their visibility decisions) and
/// segments (and whether each is published), the shortcode templates (see [`shortcode_templates`]) and the config.
fn shortcode_inputs(site: &Site, templates: u64) -> u64 {
    let shoutouts: Vec<u64> = site.shoutouts.iter().map(|s| s.source.revision).collect();
    let segments: Vec<u64> = site.segments.iter().map(|s| s.source.revision).collect();
    fingerprint(&(
        shoutouts,
        &site.shown,
        segments,
        &site.hidden_shoutouts,
        templates,
        site.config.fingerprint(),
    ))
}

/// The templates shortcodes render with, hashed.
fn shortcode_templates(theme: &Theme) -> u64 {
    let templates: Vec<(&String, &str)> = theme
        .templates
        .iter()
        .filter(|(name, _)| name.starts_with("shortcodes/") || name.starts_with("partials/"))
        .map(|(name, t)| (name, t.text.as_str()))
        .collect();
    fingerprint(&templates)
}

/// What every card and summary view also depends on besides its own item: the config
/// (title in disclosures, consent rules, URLs) and the segments' names and paths.
fn view_context(site: &Site) -> u64 {
    let segments: Vec<(&str, &str, &str)> = site
        .segments
        .iter()
        .map(|s| (s.slug.as_str(), s.meta.title.as_str(), s.path.as_str()))
        .collect();
    fingerprint(&(site.config.fingerprint(), segments))
}

fn build_lists(
    site: &Site,
    quotes: &[Arc<Rendered>],
    urls: &Urls,
    cache: Option<&BodyCache>,
) -> Lists {
    let context = view_context(site);
    let shoutouts: Vec<Value> = site
        .shoutouts
        .par_iter()
        .zip(&site.shown)
        .zip(quotes)
        .map(|((s, v), b)| card_value(site, urls, cache, context, (s, v), b))
        .collect();
    let empty = Rendered::default();
    Lists {
        slugs: site.slug_style(),
        posts: Default::default(),
        shoutouts,
        shoutout_tags: site
            .shoutouts
            .iter()
            .map(|s| s.meta.tags.iter().map(|t| site.slug(t)).collect())
            .collect(),
        shoutout_featured: site.shoutouts.iter().map(|s| s.meta.featured).collect(),
        segment_shoutouts: site
            .segments
            .iter()
            .zip(&site.segment_shoutouts)
            .map(|(s, members)| (s.slug.clone(), members.clone()))
            .collect(),
        segments: site
            .segments
            .iter()
            .map(|s| {
                (
                    s.slug.clone(),
                    Value::from_serializable(&SegmentView::new(urls, s, &empty, false)),
                )
            })
            .collect(),
        wall_path: site.config.shoutouts.wall_path.clone(),
        ratings: Value::from_serializable(&RatingStats::new(site)),
    }
}

fn post_lists(site: &Site, bodies: &Bodies, urls: &Urls, cache: Option<&BodyCache>) -> PostLists {
    let context = view_context(site);
    PostLists {
        values: site
            .posts
            .par_iter()
            .zip(&bodies.posts)
            .map(|(p, b)| summary_value(site, urls, cache, context, p, b))
            .collect(),
        tags: site
            .posts
            .iter()
            .map(|p| p.meta.tags.iter().map(|t| site.slug(t)).collect())
            .collect::<Vec<_>>()
            .into(),
        segments: site
            .posts
            .iter()
            .map(|p| p.meta.segments.clone())
            .collect::<Vec<_>>()
            .into(),
    }
}

/// A shout-out's card as a template value; `context` is [`view_context`].
fn card_value(
    site: &Site,
    urls: &Urls,
    cache: Option<&BodyCache>,
    context: u64,
    (shoutout, shown): (&crate::content::Shoutout, &crate::visibility::Visibility),
    quote: &Rendered,
) -> Value {
    let view = || Value::from_serializable(&ShoutoutView::new(site, urls, shoutout, shown, quote));
    // The decision can change while the file does not (a photo file appearing beside it).
    let context = fingerprint(&(context, shown));
    item_view(
        cache,
        "card",
        &shoutout.source,
        &shoutout.path,
        quote,
        context,
        view,
    )
}

/// A post's listing entry as a template value; `context` is [`view_context`].
fn summary_value(
    site: &Site,
    urls: &Urls,
    cache: Option<&BodyCache>,
    context: u64,
    post: &crate::content::Page,
    body: &Rendered,
) -> Value {
    let view = || Value::from_serializable(&PageView::new(site, urls, post, body, false));
    item_view(
        cache,
        "summary",
        &post.source,
        &post.path,
        body,
        context,
        view,
    )
}

/// A view of one item, from `cache` while the item's file, URL, rendered body and the
/// shared view context are the same.
fn item_view(
    cache: Option<&BodyCache>,
    kind: &'static str,
    source: &crate::content::Source,
    path: &str,
    body: &Rendered,
    context: u64,
    make: impl FnOnce() -> Value,
) -> Value {
    let key = fingerprint(&(source.revision, body.revision, path, context));
    cached_view(cache, kind, &source.content_path, key, make)
}

/// `site` in every template: listings as shared values, plus tags and rating stats.
fn site_value(site: &Site, urls: &Urls, lists: &Lists, bodies: &[Arc<Rendered>]) -> Value {
    let mut map = tera::Map::new();
    let posts = lists
        .posts
        .get()
        .map(|p| p.values.clone())
        .unwrap_or_default();
    map.insert("posts".into(), Value::from(posts));
    let pages: Vec<Value> = site
        .pages
        .iter()
        .zip(bodies)
        .map(|(p, b)| Value::from_serializable(&PageView::new(site, urls, p, b, false)))
        .collect();
    map.insert("pages".into(), Value::from(pages));
    map.insert("shoutouts".into(), Value::from(lists.shoutouts.clone()));
    let segments: Vec<Value> = site
        .segments
        .iter()
        .map(|s| lists.segments[&s.slug].clone())
        .collect();
    map.insert("segments".into(), Value::from(segments));
    let tags: Vec<TagView> = site.tags.iter().map(|t| TagView::new(urls, t)).collect();
    map.insert("tags".into(), Value::from_serializable(&tags));
    map.insert("ratings".into(), lists.ratings.clone());
    map.insert(
        "products".into(),
        Value::from_serializable(&ProductStats::all(site)),
    );
    map.insert("wall_url".into(), Value::from(urls.url(&site.wall_path())));
    map.insert(
        "shoutouts_feed_url".into(),
        Value::from(urls.url(&format!("{}atom.xml", site.wall_path()))),
    );
    Value::from(map)
}

/// Two outputs at one path (a file in `static/` named like a generated page, a content
/// asset named like a static file) would race when written: an error naming both.
pub fn reject_collisions(files: &[OutputFile]) -> Result<()> {
    let describe = |file: &OutputFile| match &file.contents {
        Contents::Copy(from) => from.display().to_string(),
        Contents::Static(_) => format!("the built-in theme's static/{}", file.path),
        Contents::Bytes(_) => "a page kudos generates".to_string(),
    };
    let mut seen: HashMap<&str, &OutputFile> = HashMap::with_capacity(files.len());
    let mut errors = Vec::new();
    for file in files {
        if let Some(first) = seen.insert(&file.path, file) {
            errors.push(
                SourceError::new(
                    describe(file),
                    format!(
                        "two files claim the output {}: {} and {}",
                        file.path,
                        describe(first),
                        describe(file)
                    ),
                )
                .with_help("rename or remove one of them"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(errors))
    }
}

/// The files that are not rendered from templates: `syntax.css`, the theme's and the
/// site's static files, and content assets, less the photo files the visibility decision
/// withholds ([`crate::visibility::Photos`]).
pub fn extra_files(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>> {
    let markdown = &site.config.markdown;
    let css =
        markdown::highlight::syntax_css(&markdown.highlight_theme, &markdown.highlight_theme_dark)
            .map_err(|name| {
                let key = if name == markdown.highlight_theme {
                    "highlight_theme"
                } else {
                    "highlight_theme_dark"
                };
                let message = format!("unknown highlight theme `{name}`");
                Error::from(
                    site.config
                        .error_at_key(Some("markdown"), key, message)
                        .with_help(format!(
                            "available: {}",
                            markdown::highlight::theme_names().join(", ")
                        )),
                )
            })?;
    let mut files = vec![OutputFile::rendered("syntax.css", css)];
    for (path, source) in &theme.static_files {
        let contents = match source {
            StaticSource::Embedded(bytes) => Contents::Static(bytes),
            StaticSource::Disk(p) => Contents::Copy(p.clone()),
        };
        files.push(OutputFile {
            path: path.clone(),
            contents,
        });
    }
    // Photo files stay out unless a published shout-out's consent covers them.
    files.retain(|file| site.photos.may_copy(&file.path));
    for asset in site.assets.iter().filter(|a| site.photos.may_copy(&a.to)) {
        files.push(OutputFile {
            path: asset.to.clone(),
            contents: Contents::Copy(asset.from.clone()),
        });
    }
    Ok(files)
}
