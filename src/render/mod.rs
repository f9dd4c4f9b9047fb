//! Rendering a resolved site into output files.
//!
//! Two parallel passes. First every markdown body (posts, pages, shout-out quotes,
//! segment copy, section copy) is rendered, which also collects headings, so `@/` links
//! and their anchors can then be checked against the whole site. Then every output file
//! is an independent [`Job`] rendered through Tera from a context of shared, pre-built
//! values. Keeping jobs independent is what lets `serve` re-render just some of them.

pub mod context;
pub mod templates;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::error::{Error, Result, SourceError};
use crate::markdown::{self, MarkdownOptions, Rendered};
use crate::output::{Contents, OutputFile, index_file};
use crate::site::{ItemRef, Site};
use crate::theme::{StaticSource, Theme};

use context::{
    HeadView, PageLink, PageView, PaginatorView, RatingStats, SegmentView, ShoutoutView, TagView,
    Urls,
};
use templates::{Lists, TemplateFiles};

/// Rendered markdown of every item, index-aligned with the site's vectors.
#[derive(Debug, Default)]
pub struct Bodies {
    /// Per post.
    pub posts: Vec<Rendered>,
    /// Per page.
    pub pages: Vec<Rendered>,
    /// Per shout-out (the quote).
    pub shoutouts: Vec<Rendered>,
    /// Per segment.
    pub segments: Vec<Rendered>,
    /// Per section folder.
    pub sections: HashMap<String, Rendered>,
}

impl Bodies {
    /// Renders all bodies in parallel, then checks every `@/` link and anchor.
    pub fn render(site: &Site) -> Result<Bodies> {
        let urls = Urls::new(site);
        let options = MarkdownOptions {
            smart_punctuation: site.config.markdown.smart_punctuation,
            heading_anchors: site.config.markdown.heading_anchors,
        };
        let resolve = |path: &str| item_path(site, path).map(|p| urls.url(&p));
        let render = |body: &str| markdown::render(body, options, &resolve);
        let bodies = Bodies {
            posts: site
                .posts
                .par_iter()
                .map(|p| render(p.source.body()))
                .collect(),
            pages: site
                .pages
                .par_iter()
                .map(|p| render(p.source.body()))
                .collect(),
            shoutouts: site
                .shoutouts
                .par_iter()
                .map(|s| render(s.source.body()))
                .collect(),
            segments: site
                .segments
                .par_iter()
                .map(|s| render(s.source.body()))
                .collect(),
            sections: site
                .sections
                .par_iter()
                .map(|(dir, s)| (dir.clone(), render(s.source.body())))
                .collect(),
        };
        let errors = bodies.link_errors(site);
        if errors.is_empty() {
            Ok(bodies)
        } else {
            Err(Error::Content(errors))
        }
    }

    fn of(&self, item: ItemRef) -> &Rendered {
        match item {
            ItemRef::Post(i) => &self.posts[i],
            ItemRef::Page(i) => &self.pages[i],
            ItemRef::Shoutout(i) => &self.shoutouts[i],
            ItemRef::Segment(i) => &self.segments[i],
        }
    }

    fn link_errors(&self, site: &Site) -> Vec<SourceError> {
        let sources = site
            .posts
            .iter()
            .map(|p| &p.source)
            .zip(&self.posts)
            .chain(site.pages.iter().map(|p| &p.source).zip(&self.pages))
            .chain(
                site.shoutouts
                    .iter()
                    .map(|s| &s.source)
                    .zip(&self.shoutouts),
            )
            .chain(site.segments.iter().map(|s| &s.source).zip(&self.segments))
            .chain(
                site.sections
                    .iter()
                    .map(|(d, s)| (&s.source, &self.sections[d])),
            );
        let mut errors = Vec::new();
        for (source, body) in sources {
            for link in &body.links {
                let at = source.body_offset + link.offset;
                let problem = match site.by_content_path.get(&link.target) {
                    None => Some(format!(
                        "broken link `@/{}`: no published content file content/{}",
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
                    errors.push(SourceError::at(
                        &source.path,
                        &source.text,
                        at..at + 2,
                        message,
                    ));
                }
            }
        }
        errors
    }
}

/// The URL path of the item at content path `path`, for `@/` links.
fn item_path(site: &Site, path: &str) -> Option<String> {
    Some(match *site.by_content_path.get(path)? {
        ItemRef::Post(i) => site.posts[i].path.clone(),
        ItemRef::Page(i) => site.pages[i].path.clone(),
        ItemRef::Shoutout(i) => site.shoutouts[i].path.clone(),
        ItemRef::Segment(i) => site.segments[i].path.clone(),
    })
}

/// One output file to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    /// `/`
    Home,
    /// `/posts/` and `/posts/page/N/` (1-based).
    PostsPage(usize),
    /// A post.
    Post(usize),
    /// A plain page.
    Page(usize),
    /// `/tags/`
    TagsIndex,
    /// `/tags/<slug>/`, by index into `site.tags`.
    Tag(usize),
    /// The wall.
    Wall,
    /// A shout-out's own page.
    Shoutout(usize),
    /// A segment landing page.
    Segment(usize),
    /// A redirect page for an alias: (post or page, alias path).
    Alias(ItemRef, String),
    /// `/404.html`
    NotFound,
    /// `/atom.xml`
    Atom,
    /// `/sitemap.xml`
    Sitemap,
    /// `/robots.txt`
    Robots,
}

/// Everything a job needs, built once per build.
pub struct Renderer<'a> {
    site: &'a Site,
    bodies: &'a Bodies,
    urls: Urls,
    tera: Tera,
    files: TemplateFiles,
    lists: Arc<Lists>,
    base: Context,
}

impl<'a> Renderer<'a> {
    /// Prepares the engine and the shared context for `site`.
    pub fn new(site: &'a Site, bodies: &'a Bodies, theme: &Theme) -> Result<Renderer<'a>> {
        let urls = Urls::new(site);
        let lists = Arc::new(build_lists(site, bodies, &urls));
        let (tera, files) =
            templates::engine(theme, &urls, Arc::clone(&lists)).map_err(Error::Content)?;
        let mut base = Context::new();
        base.insert("config", &site.config);
        base.insert_value("site", site_value(site, &urls, &lists));
        Ok(Renderer {
            site,
            bodies,
            urls,
            tera,
            files,
            lists,
            base,
        })
    }

    /// Every job of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs = vec![
            Job::Home,
            Job::TagsIndex,
            Job::Wall,
            Job::NotFound,
            Job::Sitemap,
            Job::Robots,
        ];
        if site.config.feeds.atom {
            jobs.push(Job::Atom);
        }
        jobs.extend((1..=site.post_pages()).map(Job::PostsPage));
        jobs.extend((0..site.posts.len()).map(Job::Post));
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend((0..site.tags.len()).map(Job::Tag));
        jobs.extend((0..site.shoutouts.len()).map(Job::Shoutout));
        jobs.extend((0..site.segments.len()).map(Job::Segment));
        for (i, p) in site.posts.iter().enumerate() {
            jobs.extend(
                p.meta
                    .aliases
                    .iter()
                    .map(|a| Job::Alias(ItemRef::Post(i), a.clone())),
            );
        }
        for (i, p) in site.pages.iter().enumerate() {
            jobs.extend(
                p.meta
                    .aliases
                    .iter()
                    .map(|a| Job::Alias(ItemRef::Page(i), a.clone())),
            );
        }
        jobs
    }

    /// Renders `jobs` in parallel, reporting every failing template.
    pub fn render_jobs(&self, jobs: &[Job]) -> Result<Vec<OutputFile>> {
        let results: Vec<std::result::Result<OutputFile, SourceError>> =
            jobs.par_iter().map(|job| self.render(job)).collect();
        let mut files = Vec::with_capacity(results.len());
        let mut errors: Vec<SourceError> = Vec::new();
        for result in results {
            match result {
                Ok(file) => files.push(file),
                Err(e) => {
                    if !errors
                        .iter()
                        .any(|x| x.location() == e.location() && x.message == e.message)
                    {
                        errors.push(e);
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            Err(Error::Content(errors))
        }
    }

    /// Renders one job.
    pub fn render(&self, job: &Job) -> std::result::Result<OutputFile, SourceError> {
        let site = self.site;
        let urls = &self.urls;
        let mut ctx = self.base.clone();
        let (template, path) = match job {
            Job::Home => {
                let section = self.section_value("");
                let title = section_title(site, "")
                    .unwrap_or(&site.config.title)
                    .to_string();
                ctx.insert("head", &self.head(&title, None, "/", "website"));
                ctx.insert_value("section", section);
                ("index.html".to_string(), "/".to_string())
            }
            Job::PostsPage(n) => {
                let title = section_title(site, "posts").unwrap_or("Posts");
                let shown = if *n > 1 {
                    format!("{title}, page {n}")
                } else {
                    title.to_string()
                };
                let path = Site::posts_page_path(*n);
                ctx.insert("head", &self.head(&shown, None, &path, "website"));
                ctx.insert_value("section", self.section_value("posts"));
                ctx.insert("paginator", &self.paginator(*n));
                ("posts.html".to_string(), path)
            }
            Job::Post(i) | Job::Page(i) => {
                let (page, body) = match job {
                    Job::Post(_) => (&site.posts[*i], &self.bodies.posts[*i]),
                    _ => (&site.pages[*i], &self.bodies.pages[*i]),
                };
                let view = PageView::new(site, urls, page, body, true);
                let og = if matches!(job, Job::Post(_)) {
                    "article"
                } else {
                    "website"
                };
                let mut head = self.head(
                    &page.meta.title,
                    page.meta.description.as_deref().or(body_text(body)),
                    &page.path,
                    og,
                );
                head.image = view.image.clone();
                ctx.insert("head", &head);
                ctx.insert("page", &view);
                let default = if matches!(job, Job::Post(_)) {
                    "post.html"
                } else {
                    "page.html"
                };
                (
                    page.meta.template.clone().unwrap_or_else(|| default.into()),
                    page.path.clone(),
                )
            }
            Job::TagsIndex => {
                ctx.insert("head", &self.head("Tags", None, "/tags/", "website"));
                ("tags.html".to_string(), "/tags/".to_string())
            }
            Job::Tag(i) => {
                let tag = &site.tags[*i];
                let title = format!("Posts tagged “{}”", tag.name);
                ctx.insert("head", &self.head(&title, None, &tag.path, "website"));
                ctx.insert("tag", &TagView::new(urls, tag));
                let posts: Vec<Value> = tag
                    .posts
                    .iter()
                    .map(|&p| self.lists.posts[p].clone())
                    .collect();
                ctx.insert_value("posts", Value::from(posts));
                ("tag.html".to_string(), tag.path.clone())
            }
            Job::Wall => {
                let path = format!("/{}/", site.config.shoutouts.wall_path);
                let title = section_title(site, "shoutouts").unwrap_or("What our customers say");
                ctx.insert("head", &self.head(title, None, &path, "website"));
                ctx.insert_value("section", self.section_value("shoutouts"));
                ("shoutouts.html".to_string(), path)
            }
            Job::Shoutout(i) => {
                let shoutout = &site.shoutouts[*i];
                let view = ShoutoutView::new(site, urls, shoutout, &self.bodies.shoutouts[*i]);
                let title = format!("{} on {}", view.display_name, site.config.title);
                ctx.insert(
                    "head",
                    &self.head(&title, Some(&view.quote_text), &shoutout.path, "article"),
                );
                ctx.insert("shoutout", &view);
                ("shoutout.html".to_string(), shoutout.path.clone())
            }
            Job::Segment(i) => {
                let segment = &site.segments[*i];
                let view = SegmentView::new(urls, segment, &self.bodies.segments[*i], true);
                let mut head = self.head(
                    &segment.meta.title,
                    segment
                        .meta
                        .description
                        .as_deref()
                        .or(segment.meta.lede.as_deref()),
                    &segment.path,
                    "website",
                );
                head.noindex = segment.meta.noindex;
                head.image = view.hero.as_deref().map(|h| urls.permalink(h));
                ctx.insert("head", &head);
                ctx.insert("segment", &view);
                let limit = segment.meta.shoutout_limit.unwrap_or(usize::MAX);
                let cards: Vec<Value> = site.segment_shoutouts[*i]
                    .iter()
                    .take(limit)
                    .map(|&s| self.lists.shoutouts[s].clone())
                    .collect();
                ctx.insert("shoutouts_total", &site.segment_shoutouts[*i].len());
                ctx.insert_value("shoutouts", Value::from(cards));
                let posts: Vec<Value> = site.segment_posts[*i]
                    .iter()
                    .map(|&p| self.lists.posts[p].clone())
                    .collect();
                ctx.insert_value("posts", Value::from(posts));
                (
                    segment
                        .meta
                        .template
                        .clone()
                        .unwrap_or_else(|| "segment.html".into()),
                    segment.path.clone(),
                )
            }
            Job::Alias(item, alias) => {
                let target = item_path(
                    site,
                    match item {
                        ItemRef::Post(i) => &site.posts[*i].source.content_path,
                        ItemRef::Page(i) => &site.pages[*i].source.content_path,
                        _ => "",
                    },
                )
                .unwrap_or_default();
                ctx.insert("target", &urls.permalink(&target));
                let alias = format!("/{}/", alias.trim_matches('/'));
                ("alias.html".to_string(), alias)
            }
            Job::NotFound => {
                ctx.insert(
                    "head",
                    &HeadView {
                        noindex: true,
                        ..self.head("Page not found", None, "/404.html", "website")
                    },
                );
                return self.render_template("404.html", &ctx, "404.html");
            }
            Job::Atom => {
                ctx.insert("feed_url", &urls.permalink("/atom.xml"));
                ctx.insert("entries", &self.feed_entries());
                return self.render_template("atom.xml", &ctx, "atom.xml");
            }
            Job::Sitemap => {
                ctx.insert("entries", &self.sitemap_entries());
                return self.render_template("sitemap.xml", &ctx, "sitemap.xml");
            }
            Job::Robots => {
                ctx.insert("sitemap_url", &urls.permalink("/sitemap.xml"));
                return self.render_template("robots.txt", &ctx, "robots.txt");
            }
        };
        ctx.insert("current_path", &path);
        ctx.insert("current_url", &urls.permalink(&path));
        self.render_template(&template, &ctx, &index_file(&path))
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

    fn paginator(&self, current: usize) -> PaginatorView<'_> {
        let site = self.site;
        let per = site.config.build.paginate;
        let total = site.post_pages();
        let start = (current - 1) * per;
        let items = site
            .posts
            .iter()
            .zip(&self.bodies.posts)
            .skip(start)
            .take(per)
            .map(|(p, b)| PageView::new(site, &self.urls, p, b, false))
            .collect();
        let link = |n: usize| self.urls.url(&Site::posts_page_path(n));
        PaginatorView {
            current,
            total,
            items,
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < total).then(|| link(current + 1)),
            pages: (1..=total)
                .map(|number| PageLink {
                    number,
                    url: link(number),
                })
                .collect(),
        }
    }

    fn feed_entries(&self) -> Vec<PageView<'_>> {
        let site = self.site;
        site.posts
            .iter()
            .zip(&self.bodies.posts)
            .take(site.config.feeds.limit)
            .map(|(p, b)| PageView::new(site, &self.urls, p, b, true))
            .collect()
    }

    fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        let site = self.site;
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
        entries.extend(site.tags.iter().map(|t| entry(&t.path, None)));
        entries.push(entry(
            &format!("/{}/", site.config.shoutouts.wall_path),
            None,
        ));
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

/// A sitemap `<url>`.
#[derive(Debug, Serialize)]
struct SitemapEntry {
    permalink: String,
    lastmod: Option<String>,
}

fn section_title<'s>(site: &'s Site, dir: &str) -> Option<&'s str> {
    site.sections.get(dir).and_then(|s| s.meta.title.as_deref())
}

/// No description written: none (the site's is used). Kept as a hook for excerpts.
fn body_text(_body: &Rendered) -> Option<&str> {
    None
}

fn build_lists(site: &Site, bodies: &Bodies, urls: &Urls) -> Lists {
    let posts = site
        .posts
        .par_iter()
        .zip(&bodies.posts)
        .map(|(p, b)| Value::from_serializable(&PageView::new(site, urls, p, b, false)))
        .collect();
    let shoutouts: Vec<Value> = site
        .shoutouts
        .par_iter()
        .zip(&bodies.shoutouts)
        .map(|(s, b)| Value::from_serializable(&ShoutoutView::new(site, urls, s, b)))
        .collect();
    Lists {
        posts,
        post_tags: site
            .posts
            .iter()
            .map(|p| {
                p.meta
                    .tags
                    .iter()
                    .map(|t| crate::content::load_slug(t))
                    .collect()
            })
            .collect(),
        post_segments: site.posts.iter().map(|p| p.meta.segments.clone()).collect(),
        shoutouts,
        shoutout_tags: site.shoutouts.iter().map(|s| s.meta.tags.clone()).collect(),
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
            .zip(&bodies.segments)
            .map(|(s, b)| {
                (
                    s.slug.clone(),
                    Value::from_serializable(&SegmentView::new(urls, s, b, false)),
                )
            })
            .collect(),
    }
}

/// `site` in every template: listings as shared values, plus tags and rating stats.
fn site_value(site: &Site, urls: &Urls, lists: &Lists) -> Value {
    let mut map = tera::Map::new();
    map.insert("posts".into(), Value::from(lists.posts.clone()));
    let pages: Vec<Value> = site
        .pages
        .iter()
        .map(|p| {
            let empty = Rendered::default();
            Value::from_serializable(&PageView::new(site, urls, p, &empty, false))
        })
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
    map.insert(
        "ratings".into(),
        Value::from_serializable(&RatingStats::new(site)),
    );
    map.insert(
        "wall_url".into(),
        Value::from(urls.url(&format!("/{}/", site.config.shoutouts.wall_path))),
    );
    Value::from(map)
}

/// Renders the whole site: bodies, pages, feeds, `syntax.css`, theme static files and
/// content assets.
pub fn render_site(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>> {
    let bodies = Bodies::render(site)?;
    let renderer = Renderer::new(site, &bodies, theme)?;
    let mut files = renderer.render_jobs(&renderer.jobs())?;
    let markdown = &site.config.markdown;
    let css =
        markdown::highlight::syntax_css(&markdown.highlight_theme, &markdown.highlight_theme_dark)
            .map_err(|name| {
                Error::from(
                    SourceError::new("kudos.toml", format!("unknown highlight theme `{name}`"))
                        .with_help(format!(
                            "available: {}",
                            markdown::highlight::theme_names().join(", ")
                        )),
                )
            })?;
    files.push(OutputFile::rendered("syntax.css", css));
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
    for asset in &site.assets {
        files.push(OutputFile {
            path: asset.to.clone(),
            contents: Contents::Copy(asset.from.clone()),
        });
    }
    Ok(files)
}
