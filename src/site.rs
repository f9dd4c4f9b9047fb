//! Resolving loaded content into a publishable site.
//!
//! Everything that depends on more than one file is decided here, once: which items are
//! published (drafts, future dates, consent), the URL each one claims (and clashes
//! between them), tags, which posts and shout-outs belong to which segment, whether
//! every segment a file names exists, and what of each shout-out may be shown
//! ([`crate::visibility`]), and which output files the site has ([`routes`]). Rendering
//! then only reads this structure, which is what lets it run in parallel and lets `serve`
//! re-render only the pages an edit changed.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Asset, Content, Date, Page, PageKind, Section, Segment, Shoutout};
use crate::content::{ConsentScope, Source};
use crate::error::{Error, Result, SourceError, sort_by_place};
use crate::i18n::Strings;
use crate::slug::SlugStyle;
use crate::url::UrlPath;
use crate::visibility::{AssetPaths, Photos, Visibility};

pub mod related;
pub mod routes;

pub use related::RelatedMemo;
pub use routes::Route;

/// Choices that change what a build publishes.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Publish drafts and future-dated items.
    pub drafts: bool,
    /// Treat warnings (missing consent) as errors.
    pub strict: bool,
    /// "Now", for the future-date rule; fixed in tests.
    pub now: Date,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            drafts: false,
            strict: false,
            now: Date::now(),
        }
    }
}

/// A tag and the posts that carry it.
#[derive(Debug, Clone)]
pub struct Tag {
    /// As first written.
    pub name: String,
    /// In URLs.
    pub slug: String,
    /// `/tags/<slug>/`.
    pub path: String,
    /// Indices into [`Site::posts`], newest first.
    pub posts: Vec<usize>,
}

/// A tag of published shout-outs (the wall's filters) and the shout-outs that carry it.
#[derive(Debug, Clone)]
pub struct ShoutoutTag {
    /// In URLs; one tag per slug ("Gift Ideas" and "gift-ideas" are one).
    pub slug: String,
    /// As first written.
    pub name: String,
    /// Indices into [`Site::shoutouts`], in wall order, each once.
    pub members: Vec<usize>,
}

/// Which item a content path (`posts/hello.md`) refers to, for `@/` links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemRef {
    /// Index into [`Site::posts`].
    Post(usize),
    /// Index into [`Site::pages`].
    Page(usize),
    /// Index into [`Site::shoutouts`].
    Shoutout(usize),
    /// Index into [`Site::segments`].
    Segment(usize),
}

/// The resolved site: only what is published, with every cross-reference settled. What
/// `serve`'s patches never change (the route table, the indexes, derived lists) is behind
/// `Arc`: a patch copies the site while the preview bar still holds it, and that copy
/// should not be a deep one.
#[derive(Debug, Clone)]
pub struct Site {
    /// Settings.
    pub config: Config,
    /// Published posts, newest first.
    pub posts: Vec<Arc<Page>>,
    /// Published plain pages, by path.
    pub pages: Vec<Arc<Page>>,
    /// Published shout-outs: featured first, then newest. What of each may be shown is
    /// in [`Site::shown`], not in its front matter.
    pub shoutouts: Vec<Arc<Shoutout>>,
    /// The visibility decision for each published shout-out (same order as
    /// `shoutouts`): every output reads this, never the consent itself.
    pub shown: Arc<Vec<Visibility>>,
    /// Photo files that must not be copied into the output.
    pub photos: Photos,
    /// Segments by weight, then title.
    pub segments: Vec<Arc<Segment>>,
    /// `_index.md` copy by folder ("" is the home page).
    pub sections: HashMap<String, Arc<Section>>,
    /// Tags by slug.
    pub tags: Arc<Vec<Tag>>,
    /// For each segment (same order as `segments`), its posts, newest first.
    pub segment_posts: Arc<Vec<Vec<usize>>>,
    /// For each post, the posts it suggests next (see [`related_posts`]).
    pub related: Arc<Vec<Vec<usize>>>,
    /// For each segment, its shout-outs: the page's featured ones first, then the rest.
    pub segment_shoutouts: Arc<Vec<Vec<usize>>>,
    /// Files under `content/` copied as they are.
    pub assets: Vec<Asset>,
    /// `data/` files by name, for templates as `site.data`.
    pub data: Arc<serde_json::Map<String, serde_json::Value>>,
    /// The words pages are written in, by `language` (see [`crate::i18n`]).
    pub strings: Arc<Strings>,
    /// Content path -> item, for internal links.
    pub by_content_path: Arc<FxHashMap<String, ItemRef>>,
    /// Tags of published shout-outs with the shout-outs carrying each, see
    /// [`Site::shoutout_tags`].
    pub shoutout_tag_list: Arc<Vec<ShoutoutTag>>,
    /// Slugs of shout-outs that exist but are not published (no consent, draft): a
    /// shortcode naming one renders nothing instead of failing the build.
    pub hidden_shoutouts: Vec<String>,
    /// Every loaded shout-out that is not published, with why: `serve`'s preview panel
    /// lists them from here, as `kudos check` warns from the same decision.
    pub unpublished: Vec<(Arc<Shoutout>, Unpublished)>,
    /// Problems that do not stop the build (e.g. a shout-out without consent).
    pub warnings: Arc<Vec<SourceError>>,
    /// Content paths of files that could not be loaded (always empty in a site that
    /// resolved without errors): a link to one is not reported as broken a second time.
    pub unloaded: Arc<FxHashSet<String>>,
    /// Every output file ([`routes`]), listed once: URL clashes are checked over it and
    /// every command renders from it. Edits that `serve` patches in leave it as it is.
    pub routes: Arc<Vec<Route>>,
    /// The URL path of each of `routes` ([`Route::url_path`]), made once: the clash check,
    /// output paths and the preview all need them, and making 19k of them took a tenth of
    /// a structural `serve` rebuild when each made its own.
    pub route_paths: Arc<Vec<UrlPath>>,
    /// Drafts and future-dated items are published (`--drafts`), as of `now`.
    pub preview: Option<Date>,
    /// The first moment after `now` at which the same sources publish something else (a
    /// future-dated post comes out, a consent's date arrives); `now` itself under
    /// `--drafts`, whose pages say when they were previewed. A build record
    /// ([`crate::warm`]) holds until then.
    pub changes_at: Option<Date>,
}

impl Site {
    /// An item published only because of `--drafts` (a draft, or dated after today): on
    /// its pages, but in no feed and not in the sitemap unless `[build] drafts_in_feeds`,
    /// so a preview build published by mistake does not announce it.
    pub fn preview_only(&self, draft: bool, date: Option<Date>) -> bool {
        self.preview
            .is_some_and(|now| draft || date.is_some_and(|d| d > now))
            && !self.config.build.drafts_in_feeds
    }

    /// Resolves `content` under `config`; all problems are reported together, the files
    /// that could not be loaded first among them.
    pub fn resolve(config: Config, content: Content, options: &BuildOptions) -> Result<Site> {
        let (site, errors) = Site::resolve_reporting(config, content, options, None);
        if errors.is_empty() {
            Ok(site)
        } else {
            Err(Error::Content(errors))
        }
    }

    /// Like [`Site::resolve`], but the site comes back even when there are errors, so
    /// that later stages can add theirs to the same report. Such a site must never be
    /// written: it may lack files, or hold two items at one URL.
    ///
    /// `related_memo`: what the last resolve found of related posts (`serve`).
    pub fn resolve_reporting(
        config: Config,
        content: Content,
        options: &BuildOptions,
        related_memo: Option<&mut RelatedMemo>,
    ) -> (Site, Vec<SourceError>) {
        let mut errors: Vec<SourceError> = content.broken.iter().map(|b| b.error.clone()).collect();
        errors.extend(content.data_errors.iter().cloned());
        let mut warnings = Vec::new();
        if options.strict {
            errors.extend(content.warnings);
        } else {
            warnings.extend(content.warnings);
        }
        let broken_in = |folder: &str| -> Vec<String> {
            content
                .broken
                .iter()
                .filter(|b| {
                    b.content_path
                        .strip_prefix(folder)
                        .is_some_and(|rest| rest.starts_with('/'))
                })
                .map(|b| b.slug.clone())
                .collect()
        };
        let broken_segments = broken_in("segments");
        // A shout-out that could not be loaded counts as hidden: naming it is no second error.
        let mut hidden_shoutouts = broken_in("shoutouts");
        let unloaded: FxHashSet<String> = content
            .broken
            .iter()
            .map(|b| b.content_path.clone())
            .collect();
        let changes_at = next_change(&content.pages, &content.shoutouts, options);
        let published = |draft: bool, date: Option<Date>| {
            options.drafts || (!draft && date.is_none_or(|d| d <= options.now))
        };

        let (mut segments, drafts): (Vec<Arc<Segment>>, Vec<Arc<Segment>>) = content
            .segments
            .into_iter()
            .partition(|s| options.drafts || !s.meta.draft);
        segments.sort_by(|a, b| {
            (a.meta.weight, &a.meta.title, &a.slug).cmp(&(b.meta.weight, &b.meta.title, &b.slug))
        });
        let known = KnownSegments::new(&segments, &drafts, &broken_segments);

        let (mut posts, mut pages): (Vec<Arc<Page>>, Vec<Arc<Page>>) = content
            .pages
            .into_iter()
            .filter(|p| published(p.meta.draft, p.meta.date))
            .partition(|p| p.kind == PageKind::Post);
        if !config.posts.enabled && !posts.is_empty() {
            let count = posts.len();
            warnings.push(
                config
                    .error_at_key(
                        Some("posts"),
                        "enabled",
                        format!(
                            "{} in content/posts/ not published: the blog is switched off",
                            crate::words::counted(count, "post")
                        ),
                    )
                    .with_help("set `[posts] enabled = true` to publish them"),
            );
            posts.clear();
        }
        posts.sort_by(|a, b| b.meta.date.cmp(&a.meta.date).then(a.slug.cmp(&b.slug)));
        pages.sort_by(|a, b| a.path.cmp(&b.path));

        for page in posts.iter().chain(&pages) {
            check_aliases(page, &mut errors);
            check_segments(
                &page.source,
                "segments",
                &page.meta.segments,
                &known,
                &mut errors,
            );
            check_segments(
                &page.source,
                "variants",
                &page.meta.variants,
                &known,
                &mut errors,
            );
        }

        let mut shoutouts = Vec::new();
        // Every shout-out not published, with why: their photo files stay out too.
        let mut hidden: Vec<(Arc<Shoutout>, Unpublished)> = Vec::new();
        // Which shout-outs got a neutral URL (their name may not be shown).
        let mut neutral = Vec::new();
        for shoutout in content.shoutouts {
            if !published(shoutout.meta.draft, None) {
                hidden_shoutouts.push(shoutout.slug.clone());
                hidden.push((shoutout, Unpublished::Draft));
                continue;
            }
            check_shoutout(&shoutout, options, &known, &mut errors, &mut warnings);
            if shoutout.source.body().trim().is_empty() {
                continue;
            }
            if let Some(why) = unpublishable(&shoutout, &config, options.now) {
                let problem = SourceError::new(
                    &shoutout.source.path,
                    format!(
                        "shout-out from {} is not published: {}",
                        shoutout.meta.customer,
                        why.why()
                    ),
                )
                .with_help(why.help());
                if options.strict {
                    errors.push(problem);
                } else {
                    warnings.push(problem);
                }
                hidden_shoutouts.push(shoutout.slug.clone());
                hidden.push((shoutout, why));
                continue;
            }
            let public = with_public_path(Arc::clone(&shoutout), &config);
            neutral.push(!Arc::ptr_eq(&public, &shoutout));
            shoutouts.push(public);
        }
        separate_equal_neutral_paths(&mut shoutouts, &neutral);
        shoutouts.sort_by(|a, b| {
            b.meta
                .featured
                .cmp(&a.meta.featured)
                .then(b.meta.date.cmp(&a.meta.date))
                .then(a.slug.cmp(&b.slug))
        });

        // The first shout-out with each slug (two with one slug are a URL clash anyway).
        let mut shoutout_at: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, s) in shoutouts.iter().enumerate() {
            shoutout_at.entry(s.slug.as_str()).or_insert(i);
        }
        for segment in &segments {
            for slug in &segment.meta.featured_shoutouts {
                // A hidden one (no consent, withdrawn, draft) is simply left out: its file
                // was warned about, and failing would keep the old output showing it.
                if !shoutout_at.contains_key(slug.as_str()) && !hidden_shoutouts.contains(slug) {
                    errors.push(at_key(
                        &segment.source,
                        "featured_shoutouts",
                        format!("featured shout-out `{slug}` does not exist or is not published"),
                    ));
                }
            }
        }

        let mut assets = content.assets;
        let mut data = content.data;
        if !config.posts.enabled {
            // A post's bundle files go with it.
            assets.retain(|a| !a.to.starts_with("posts/"));
        }
        let asset_paths = AssetPaths::new(&assets);
        let shown: Vec<Visibility> = shoutouts
            .iter()
            .map(|s| Visibility::decide(s, &config, &content.strings, &asset_paths))
            .collect();
        let (photos, photo_warnings) = decide_photos(&shoutouts, &shown, &hidden, &asset_paths);
        // In file order: content loads in parallel, and the preview panel lists these.
        hidden.sort_by(|a, b| a.0.source.path.cmp(&b.0.source.path));
        warnings.extend(photo_warnings);

        let slugs = config.build.slug_style();
        let tags = collect_tags(&posts, slugs);
        errors.extend(tag_clashes(&posts, &shoutouts, &segments, slugs));
        let segment_posts = segment_post_lists(&segments, &posts);
        let related = related::related_posts(
            &posts,
            &tags,
            &segment_posts,
            config.related.limit,
            related_memo,
        );
        let segment_shoutouts = segment_shoutout_lists(&segments, &shoutouts, &shoutout_at, slugs);

        let mut by_content_path = FxHashMap::default();
        by_content_path.reserve(posts.len() + pages.len() + shoutouts.len() + segments.len());
        for (i, p) in posts.iter().enumerate() {
            by_content_path.insert(p.source.content_path.clone(), ItemRef::Post(i));
        }
        for (i, p) in pages.iter().enumerate() {
            by_content_path.insert(p.source.content_path.clone(), ItemRef::Page(i));
        }
        for (i, s) in shoutouts.iter().enumerate() {
            by_content_path.insert(s.source.content_path.clone(), ItemRef::Shoutout(i));
        }
        for (i, s) in segments.iter().enumerate() {
            by_content_path.insert(s.source.content_path.clone(), ItemRef::Segment(i));
        }

        let mut site = Site {
            sections: content
                .sections
                .into_iter()
                .map(|s| (s.dir.clone(), s))
                .collect(),
            config,
            posts,
            pages,
            shoutouts,
            shown: Arc::new(shown),
            photos,
            segments,
            tags: Arc::new(tags),
            segment_posts: Arc::new(segment_posts),
            related: Arc::new(related),
            segment_shoutouts: Arc::new(segment_shoutouts),
            assets,
            data: Arc::new(std::mem::take(&mut data)),
            strings: Arc::clone(&content.strings),
            by_content_path: Arc::new(by_content_path),
            shoutout_tag_list: Arc::default(),
            hidden_shoutouts,
            unpublished: hidden,
            warnings: Arc::new(warnings),
            unloaded: Arc::new(unloaded),
            routes: Arc::default(),
            route_paths: Arc::default(),
            preview: options.drafts.then_some(options.now),
            changes_at,
        };
        site.shoutout_tag_list = Arc::new(collect_shoutout_tags(&site.shoutouts, slugs));
        errors.extend(site.settle_routes());
        if site.config.base_url.origin().is_empty() {
            let message = format!(
                "base_url `{}` has no scheme and host: feeds, the sitemap and canonical links will not be absolute URLs",
                site.config.base_url
            );
            // At the key's line when it is set; a config without one is named as a file.
            Arc::make_mut(&mut site.warnings).push(
                site.config
                    .error_at_key(None, "base_url", message)
                    .with_help("set base_url = \"https://your-domain.example\" (a sub-path like /shop works too)"),
            );
        }
        sort_by_place(Arc::make_mut(&mut site.warnings).as_mut_slice());
        sort_by_place(&mut errors);
        (site, errors)
    }

    /// After posts changed nothing but their tags (`serve` swapped the new files in at
    /// the same places): the tag lists, the tag problems and related posts again, as
    /// resolving makes them from the same posts. The route table depends on the tags
    /// only through each tag's slug and page count: when those moved, it is made and
    /// checked for clashes again. Returns whether it changed, or resolving's problems
    /// (a tag spelled two ways, a URL claimed twice), which a caller reports by resolving
    /// the whole site so they come with every other problem.
    pub fn refresh_tags(&mut self) -> std::result::Result<bool, Vec<SourceError>> {
        let slugs = self.config.build.slug_style();
        let mut errors = tag_clashes(&self.posts, &self.shoutouts, &self.segments, slugs);
        let tags = collect_tags(&self.posts, slugs);
        let paginate = self.config.build.paginate;
        let placed = |tags: &[Tag]| -> Vec<(String, usize)> {
            let pages = |t: &Tag| page_count(t.posts.len(), paginate);
            tags.iter().map(|t| (t.slug.clone(), pages(t))).collect()
        };
        let routes_move = placed(&tags) != placed(&self.tags);
        self.related = Arc::new(related::after_retag(
            &self.related,
            (&self.tags, &tags),
            &self.segment_posts,
            self.config.related.limit,
        ));
        self.tags = Arc::new(tags);
        if routes_move {
            errors.extend(self.settle_routes());
        }
        if errors.is_empty() {
            Ok(routes_move)
        } else {
            Err(errors)
        }
    }

    /// Lists the route table and its URL paths from the rest of the site, and returns
    /// the URLs claimed twice.
    fn settle_routes(&mut self) -> Vec<SourceError> {
        self.routes = Arc::new(self.list_routes());
        self.route_paths = Arc::new(self.routes.par_iter().map(|r| r.url_path(self)).collect());
        self.url_clashes()
    }

    /// Each published shout-out with its visibility decision, in wall order: what any
    /// output that shows shout-outs should iterate.
    pub fn published_shoutouts(&self) -> impl Iterator<Item = (&Arc<Shoutout>, &Visibility)> {
        self.shoutouts.iter().zip(&*self.shown)
    }

    /// Every post, then every page, with the reference that names it.
    pub fn posts_and_pages(&self) -> impl Iterator<Item = (ItemRef, &Arc<Page>)> {
        let posts = self
            .posts
            .iter()
            .enumerate()
            .map(|(i, p)| (ItemRef::Post(i), p));
        let pages = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (ItemRef::Page(i), p));
        posts.chain(pages)
    }

    /// Indices into [`Site::segments`] of the published segments `page` asks variants of.
    pub fn variant_segments<'s>(&'s self, page: &'s Page) -> impl Iterator<Item = usize> + 's {
        page.meta
            .variants
            .iter()
            .filter_map(|name| self.segments.iter().position(|s| &s.slug == name))
    }

    /// How many listing pages the posts need.
    pub fn post_pages(&self) -> usize {
        page_count(self.posts.len(), self.config.build.paginate)
    }

    /// How many pages tag `tag`'s listing needs (posts per page as on `/posts/`).
    pub fn tag_pages(&self, tag: usize) -> usize {
        page_count(self.tags[tag].posts.len(), self.config.build.paginate)
    }

    /// How many pages the wall filtered to `members` needs.
    pub fn wall_filter_pages(&self, members: usize) -> usize {
        page_count(members, self.config.shoutouts.per_page)
    }

    /// URL path of the wall filtered to segment `segment`: `/shoutouts/for/<slug>/`.
    pub fn wall_segment_path(&self, segment: usize) -> UrlPath {
        self.wall_path()
            .join_page(&format!("for/{}", self.segments[segment].slug))
    }

    /// URL path of the page saying how shout-outs are collected: `/shoutouts/how-we-collect/`.
    pub fn policy_path(&self) -> UrlPath {
        self.wall_path().join_page("how-we-collect")
    }

    /// URL path of the wall made to be embedded: `/shoutouts/embed/`.
    pub fn embed_wall_path(&self) -> UrlPath {
        self.wall_path().join_page("embed")
    }

    /// URL path of a segment's shout-outs made to be embedded: `/for/<segment>/embed/`.
    pub fn embed_segment_path(&self, segment: usize) -> UrlPath {
        UrlPath::page(&self.segments[segment].path).join_page("embed")
    }

    /// URL path of the wall filtered to the shout-out tag `slug`: `/shoutouts/tagged/<slug>/`.
    pub fn wall_tag_path(&self, slug: &str) -> UrlPath {
        self.wall_path().join_page(&format!("tagged/{slug}"))
    }

    /// URL path of the wall, with slashes: `/shoutouts/`.
    pub fn wall_path(&self) -> UrlPath {
        UrlPath::page(&self.config.shoutouts.wall_path)
    }

    /// How many pages the wall needs.
    pub fn wall_pages(&self) -> usize {
        self.wall_filter_pages(self.shoutouts.len())
    }

    /// Tags used by published shout-outs, sorted by slug, for the wall's filters and its
    /// tag pages; found once, when the site is resolved.
    pub fn shoutout_tags(&self) -> &[ShoutoutTag] {
        &self.shoutout_tag_list
    }

    /// How this site turns names into slugs (`[build] transliterate_slugs`).
    pub fn slug_style(&self) -> SlugStyle {
        self.config.build.slug_style()
    }

    /// The slug of a name (a tag, a file name) under this site's rule.
    pub fn slug(&self, name: &str) -> String {
        self.slug_style().slugify(name)
    }

    /// The shout-out tag with slug `slug`.
    pub fn shoutout_tag(&self, slug: &str) -> Option<&ShoutoutTag> {
        let list = &self.shoutout_tag_list;
        let at = list.binary_search_by(|tag| tag.slug.as_str().cmp(slug));
        at.ok().map(|i| &list[i])
    }

    /// Indices of the published shout-outs carrying the tag with slug `slug`.
    pub fn shoutouts_tagged(&self, slug: &str) -> &[usize] {
        self.shoutout_tag(slug).map_or(&[], |tag| &tag.members)
    }

    /// URL path of the `n`th (1-based) posts listing page.
    pub fn posts_page_path(n: usize) -> UrlPath {
        UrlPath::page("posts").listing_page(n)
    }

    /// URL path of the redirect page for `alias`: `/old-post` -> `/old-post/`, but an old
    /// URL that names a file (`/blog/2019/hello.html`, the usual shape of old blogs' URLs)
    /// stays that file, so the old link keeps working on any static host.
    pub fn alias_path(alias: &str) -> UrlPath {
        let trimmed = alias.trim_matches('/');
        if names_html_file(trimmed) {
            UrlPath::file(trimmed)
        } else {
            UrlPath::page(trimmed)
        }
    }

    /// Two routes at one URL path: a file claiming what the site generates (listings,
    /// feeds), or two files claiming one path. Reported at the later claim.
    fn url_clashes(&self) -> Vec<SourceError> {
        let listing = Path::new("(generated listing)");
        let routes = self.routes.iter().zip(self.route_paths.iter());
        let (generated, mut claimed): (Vec<_>, Vec<_>) =
            routes.partition(|(r, _)| r.owner(self).is_none());
        // Claims are weighed page by page (its URL, its aliases, its variants), then
        // shout-outs, then segments, so the same file is named first in every run.
        let item_order = |item: &ItemRef| match item {
            ItemRef::Post(i) => *i,
            ItemRef::Page(i) => self.posts.len() + i,
            _ => 0,
        };
        claimed.sort_by_key(|(route, _)| match route {
            Route::Post(i) => (0, item_order(&ItemRef::Post(*i)), 0),
            Route::Page(i) => (0, item_order(&ItemRef::Page(*i)), 0),
            Route::Alias(item, _) => (0, item_order(item), 1),
            Route::Variant(item, _) => (0, item_order(item), 2),
            Route::Shoutout(i) => (1, *i, 0),
            Route::Segment(i) => (2, *i, 0),
            _ => (3, 0, 0),
        });
        let mut owners: FxHashMap<&UrlPath, &Path> = FxHashMap::default();
        owners.reserve(generated.len() + claimed.len());
        for (_, path) in generated {
            owners.insert(path, listing);
        }
        let mut errors = Vec::new();
        for (route, path) in claimed {
            let file = route.owner(self).unwrap_or(listing);
            match owners.get(&path) {
                Some(owner) if *owner != file => errors.push(
                    SourceError::new(
                        file,
                        format!(
                            "the URL {path} is claimed twice: by {} and by {}",
                            owner.display(),
                            file.display()
                        ),
                    )
                    .with_help("give one of them another `slug`, or remove the duplicate"),
                ),
                Some(_) => {}
                None => {
                    owners.insert(path, file);
                }
            }
        }
        errors
    }
}

/// Why a shout-out is not published: decided once in [`Site::resolve`], then worded for
/// `kudos check` ([`Unpublished::why`]) and keyed for pages ([`Unpublished::key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// `draft = true` (and no `--drafts`).
    Draft,
    /// `withdrawn = DATE`.
    Withdrawn(Date),
    /// No `consent` while `require_consent` is on.
    NoConsent,
    /// Consent dated after today.
    FutureConsent(Date),
    /// The consent's scope lacks "quote".
    NoQuote,
}

impl Unpublished {
    /// The reason as `kudos check` words it.
    pub fn why(&self) -> String {
        match self {
            Unpublished::Draft => "it is a draft".into(),
            Unpublished::Withdrawn(date) => {
                format!("consent was withdrawn on {}", ymd(*date))
            }
            Unpublished::NoConsent => "it has no `consent`".into(),
            Unpublished::FutureConsent(date) => format!(
                "its consent is dated {}, in the future: it is not consent yet",
                ymd(*date)
            ),
            Unpublished::NoQuote => "its consent scope does not include \"quote\"".into(),
        }
    }

    /// What to do about it.
    fn help(&self) -> &'static str {
        match self {
            Unpublished::Draft => "remove `draft = true` to publish it",
            Unpublished::Withdrawn(_) => "it stays off every page; you may delete the file",
            Unpublished::NoConsent => {
                "add `consent = { date = 2026-03-01, scope = [\"quote\", \"name\"], proof = \"email\" }` once the customer agreed"
            }
            Unpublished::FutureConsent(_) => {
                "it is published by the first build on or after that date; fix the date if the customer already agreed"
            }
            Unpublished::NoQuote => {
                "add \"quote\" to the scope if the customer agreed to be quoted"
            }
        }
    }

    /// The translation key of the reason on a page, and its front matter key.
    pub fn key(&self) -> (&'static str, &'static str) {
        match self {
            Unpublished::Draft => ("preview_draft_shoutout", "draft"),
            Unpublished::Withdrawn(_) => ("preview_withdrawn", "withdrawn"),
            Unpublished::NoConsent => ("preview_no_consent", "customer"),
            Unpublished::FutureConsent(_) => ("preview_future_consent", "consent"),
            Unpublished::NoQuote => ("preview_no_quote", "consent"),
        }
    }

    /// The date the reason names, if any.
    pub fn date(&self) -> Option<Date> {
        match self {
            Unpublished::Withdrawn(date) | Unpublished::FutureConsent(date) => Some(*date),
            _ => None,
        }
    }
}

/// `2026-03-01`.
fn ymd(date: Date) -> String {
    date.format("%Y-%m-%d").unwrap_or_default()
}

/// See [`Site::changes_at`]: the dates that decide against `now` whether something is
/// published, after `now`.
fn next_change(
    pages: &[Arc<Page>],
    shoutouts: &[Arc<Shoutout>],
    options: &BuildOptions,
) -> Option<Date> {
    if options.drafts {
        return Some(options.now);
    }
    let post_dates = pages
        .iter()
        .filter(|p| !p.meta.draft)
        .filter_map(|p| p.meta.date);
    let consent_dates = shoutouts
        .iter()
        .filter_map(|s| s.meta.consent.as_ref().map(|c| c.date));
    post_dates
        .chain(consent_dates)
        .filter(|date| *date > options.now)
        .min()
}

/// Why `shoutout` may not be published; `None` if it may. A withdrawal always wins,
/// whatever `require_consent` says.
fn unpublishable(shoutout: &Shoutout, config: &Config, today: Date) -> Option<Unpublished> {
    let meta = &shoutout.meta;
    if let Some(date) = meta.withdrawn {
        return Some(Unpublished::Withdrawn(date));
    }
    if !config.shoutouts.require_consent {
        return None;
    }
    let Some(consent) = &meta.consent else {
        return Some(Unpublished::NoConsent);
    };
    if consent.date > today {
        return Some(Unpublished::FutureConsent(consent.date));
    }
    if !meta.allows(ConsentScope::Quote) {
        return Some(Unpublished::NoQuote);
    }
    None
}

/// Checks what resolving checks of a published-to-be shout-out: its segments, rating,
/// customer links, quote, and `@/` links in it.
fn check_shoutout(
    shoutout: &Shoutout,
    options: &BuildOptions,
    known: &KnownSegments,
    errors: &mut Vec<SourceError>,
    warnings: &mut Vec<SourceError>,
) {
    check_segments(
        &shoutout.source,
        "segments",
        &shoutout.meta.segments,
        known,
        errors,
    );
    if let Some(rating) = shoutout.meta.rating
        && !(1..=5).contains(&rating)
    {
        errors.push(at_key(
            &shoutout.source,
            "rating",
            format!("rating {rating} is out of range: expected a whole number from 1 to 5"),
        ));
    }
    check_customer_urls(shoutout, errors);
    if shoutout.source.body().trim().is_empty() {
        errors.push(
            SourceError::new(
                &shoutout.source.path,
                "the quote is empty: a shout-out's body is the customer's words",
            )
            .with_help("write the quote after the closing `+++`"),
        );
        return;
    }
    if let Some(start) = shoutout.internal_link() {
        let problems = if options.strict { errors } else { warnings };
        problems.push(
            SourceError::at(
                &shoutout.source.path,
                &shoutout.source.text,
                start..start + 2,
                "an `@/` link in a quote is not resolved: quotes are shown as the customer wrote them, so it would link nowhere",
            )
            .with_help("write the page's full URL instead"),
        );
    }
}

/// `source_url` and `video_url` must be http(s) links and `avatar` a link or a file of
/// the site: customer data never becomes a `javascript:` or `data:` URL on a page.
fn check_customer_urls(shoutout: &Shoutout, errors: &mut Vec<SourceError>) {
    let meta = &shoutout.meta;
    let checks = [
        (
            "source_url",
            meta.source_url.as_deref().map(crate::content::check_link),
        ),
        (
            "video_url",
            meta.video_url.as_deref().map(crate::content::check_link),
        ),
        (
            "avatar",
            meta.avatar.as_deref().map(crate::content::check_avatar),
        ),
    ];
    for (key, result) in checks {
        if let Some(Err(message)) = result {
            errors.push(at_key(&shoutout.source, key, format!("`{key}`: {message}")));
        }
    }
}

/// `shoutout` with the URL it may be published under (see
/// [`crate::visibility::public_path`]); the same `Arc` when that is the one it has.
fn with_public_path(shoutout: Arc<Shoutout>, config: &Config) -> Arc<Shoutout> {
    let path = crate::visibility::public_path(&shoutout, config);
    if path == shoutout.path {
        return shoutout;
    }
    let mut public = (*shoutout).clone();
    public.path = path;
    Arc::new(public)
}

/// Two anonymous shout-outs with the same words (a short "Great toys!") get the same
/// neutral URL. The first, in file order, keeps it; the others get `-2`, `-3`, ... in
/// file order, which says nothing about who they are and stays put across builds.
fn separate_equal_neutral_paths(shoutouts: &mut [Arc<Shoutout>], neutral: &[bool]) {
    let mut by_path: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, shoutout) in shoutouts.iter().enumerate() {
        if neutral[i] {
            by_path.entry(shoutout.path.clone()).or_default().push(i);
        }
    }
    for (path, mut sharing) in by_path {
        if sharing.len() < 2 {
            continue;
        }
        sharing.sort_by(|&a, &b| shoutouts[a].source.path.cmp(&shoutouts[b].source.path));
        for (n, &i) in sharing.iter().enumerate().skip(1) {
            let mut apart = (*shoutouts[i]).clone();
            apart.path = format!("{}-{}/", path.trim_end_matches('/'), n + 1);
            shoutouts[i] = Arc::new(apart);
        }
    }
}

/// The photo decision over every shout-out, published or not.
fn decide_photos(
    shoutouts: &[Arc<Shoutout>],
    shown: &[Visibility],
    hidden: &[(Arc<Shoutout>, Unpublished)],
    assets: &AssetPaths,
) -> (Photos, Vec<SourceError>) {
    let published: Vec<(&Shoutout, &Visibility)> =
        shoutouts.iter().map(|s| &**s).zip(shown).collect();
    let reasons: Vec<String> = hidden.iter().map(|(_, why)| why.why()).collect();
    let hidden: Vec<(&Shoutout, &str)> = hidden
        .iter()
        .zip(&reasons)
        .map(|((s, _), why)| (&**s, why.as_str()))
        .collect();
    Photos::decide(&published, &hidden, assets)
}

/// Every alias of `page` must be a plain path on this site: one that climbs out
/// (`/../../x/`), names another page by a detour (`/posts/../` is the home page) or is an
/// absolute URL would write a redirect page outside the output or over another page.
fn check_aliases(page: &Page, errors: &mut Vec<SourceError>) {
    for alias in &page.meta.aliases {
        let Some(why) = crate::config::url_path_problem(alias) else {
            continue;
        };
        let why = if why.starts_with("it is empty") {
            "it is the home page's URL"
        } else {
            why
        };
        errors.push(
            at_value(&page.source, "aliases", alias, format!("alias \"{alias}\" cannot be used: {why}"))
                .with_help("an alias is an old URL path of this page on this site, like \"/old-post/\"; it becomes a redirect page there"),
        );
    }
}

/// An error pointing at `value` where it is written in the front matter (after `key`),
/// or at `key` if it cannot be found as written (escaped, for example).
fn at_value(source: &Source, key: &str, value: &str, message: String) -> SourceError {
    let front = source.front();
    let after_key = front
        .match_indices(key)
        .find(|(i, _)| *i == 0 || front.as_bytes()[i - 1] == b'\n')
        .map_or(0, |(i, _)| i);
    match front[after_key..].find(value) {
        Some(at) if !value.is_empty() => {
            let start = after_key + at;
            SourceError::at(
                &source.path,
                &source.text,
                start..start + value.len(),
                message,
            )
        }
        _ => at_key(source, key, message),
    }
}

/// How many pages `count` items fill at `per` a page: at least one, since an empty
/// listing still has its page.
fn page_count(count: usize, per: usize) -> usize {
    count.div_ceil(per.max(1)).max(1)
}

/// Which of `count` items page `page` (1-based) of a listing holds at `per` a page;
/// empty past the end. Every paginated listing, and its fingerprint, slices with this.
pub fn page_range(count: usize, page: usize, per: usize) -> std::ops::Range<usize> {
    let end = page.saturating_mul(per).min(count);
    (page.saturating_sub(1) * per).min(end)..end
}

/// Whether a URL path's last segment is an HTML file name (`hello.html`, `old.htm`).
fn names_html_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    last.len() > ".html".len() && (last.ends_with(".html") || last.ends_with(".htm"))
}

/// The longest folder name (in bytes) common file systems allow.
const MAX_FOLDER_NAME: usize = 255;

/// Two tags spelled differently (beyond case, spaces, `-` and `_`) whose slugs are the same
/// would silently share one page ("C++" and "c" are both `/tags/c/`): an error at the
/// second spelling, naming the first and where it is. A tag whose slug is too long to be a
/// folder name is an error at its line too, not a failed write after rendering.
fn tag_clashes(
    posts: &[Arc<Page>],
    shoutouts: &[Arc<Shoutout>],
    segments: &[Arc<Segment>],
    slugs: SlugStyle,
) -> Vec<SourceError> {
    let loose = |name: &str| -> String {
        name.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let tagged = posts
        .iter()
        .map(|p| (&p.source, &p.meta.tags))
        .chain(shoutouts.iter().map(|s| (&s.source, &s.meta.tags)))
        .chain(segments.iter().map(|s| (&s.source, &s.meta.tags)));
    let mut first: FxHashMap<String, (String, &str, &Source)> = FxHashMap::default();
    let mut reported: FxHashSet<(String, String)> = FxHashSet::default();
    let mut errors = Vec::new();
    let mut too_long: FxHashSet<String> = FxHashSet::default();
    // A spelling met again changes nothing below (it is the first of its slug, or its
    // clash was reported), so each is looked at once: slugging every tag of 10k posts
    // took 15 ms.
    let mut settled: FxHashSet<&str> = FxHashSet::default();
    let at_tag = |source: &Source, name: &str, message: String, help: &str| {
        at_value(source, "tags", name, message).with_help(help)
    };
    for (source, tags) in tagged {
        for name in tags {
            if settled.contains(name.as_str()) {
                continue;
            }
            let slug = slugs.slugify(name);
            // The slug is a folder name (`tags/<slug>/`), and file systems take 255 bytes.
            if slug.len() > MAX_FOLDER_NAME && too_long.insert(slug.clone()) {
                let shown: String = name.chars().take(20).collect();
                let message = format!(
                    "tag \"{shown}…\" makes a folder name of {} bytes, and file systems allow {MAX_FOLDER_NAME}",
                    slug.len()
                );
                errors.push(at_tag(source, name, message, "shorten the tag"));
                continue;
            }
            settled.insert(name);
            let key = loose(name);
            let (first_key, first_name, first_source) = first
                .entry(slug.clone())
                .or_insert_with(|| (key.clone(), name.as_str(), source));
            if *first_key == key || !reported.insert((slug.clone(), key)) {
                continue;
            }
            let message = format!(
                "tag \"{name}\" and tag \"{first_name}\" (in {}) both become the slug `{slug}`, so they would share one page",
                first_source.path.display()
            );
            let help =
                "spell them the same way if they are one tag, or rename one so their slugs differ";
            errors.push(at_tag(source, name, message, help));
        }
    }
    errors
}

/// One entry per slug, sorted by slug, named as first written.
fn collect_shoutout_tags(shoutouts: &[Arc<Shoutout>], slugs: SlugStyle) -> Vec<ShoutoutTag> {
    let mut tags: BTreeMap<String, ShoutoutTag> = BTreeMap::new();
    for (i, shoutout) in shoutouts.iter().enumerate() {
        for name in &shoutout.meta.tags {
            let slug = slugs.slugify(name);
            let tag = tags.entry(slug).or_insert_with_key(|slug| ShoutoutTag {
                slug: slug.clone(),
                name: name.clone(),
                members: Vec::new(),
            });
            // A shout-out listing one tag twice (`Toys`, `toys`) is one member.
            if tag.members.last() != Some(&i) {
                tag.members.push(i);
            }
        }
    }
    tags.into_values().collect()
}

fn collect_tags(posts: &[Arc<Page>], slugs: SlugStyle) -> Vec<Tag> {
    let mut tags: Vec<Tag> = Vec::new();
    let mut by_slug: FxHashMap<String, usize> = FxHashMap::default();
    // Most posts spell a tag the same way: slugify each spelling once.
    let mut by_name: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, post) in posts.iter().enumerate() {
        for name in &post.meta.tags {
            let at = match by_name.get(name.as_str()) {
                Some(&at) => at,
                None => {
                    let slug = slugs.slugify(name);
                    let at = *by_slug.entry(slug.clone()).or_insert_with(|| {
                        tags.push(Tag {
                            name: name.clone(),
                            path: UrlPath::page("tags").join_page(&slug).into(),
                            slug,
                            posts: Vec::new(),
                        });
                        tags.len() - 1
                    });
                    by_name.insert(name, at);
                    at
                }
            };
            if tags[at].posts.last() != Some(&i) {
                tags[at].posts.push(i);
            }
        }
    }
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    tags
}

/// For each segment, its shout-outs: the page's own featured list first, then the rest
/// (named the segment, or carry one of its tags) in wall order; one pass over them.
/// `position` maps a shout-out's slug to its index.
pub(crate) fn segment_shoutout_lists(
    segments: &[Arc<Segment>],
    shoutouts: &[Arc<Shoutout>],
    position: &FxHashMap<&str, usize>,
    slugs: SlugStyle,
) -> Vec<Vec<usize>> {
    let index: FxHashMap<&str, usize> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    // Tags match by slug everywhere ("Gift Ideas" is the tag `gift-ideas`).
    let mut by_tag: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, segment) in segments.iter().enumerate() {
        for tag in &segment.meta.tags {
            by_tag.entry(slugs.slugify(tag)).or_default().push(i);
        }
    }
    let mut lists: Vec<Vec<usize>> = segments
        .iter()
        .map(|segment| {
            segment
                .meta
                .featured_shoutouts
                .iter()
                .filter_map(|slug| position.get(slug.as_str()).copied())
                .collect()
        })
        .collect();
    let featured_counts: Vec<usize> = lists.iter().map(Vec::len).collect();
    let mut member_of: Vec<usize> = Vec::new();
    for (i, shoutout) in shoutouts.iter().enumerate() {
        member_of.clear();
        member_of.extend(
            shoutout
                .meta
                .segments
                .iter()
                .filter_map(|name| index.get(name.as_str()).copied()),
        );
        if !by_tag.is_empty() {
            for tag in &shoutout.meta.tags {
                if let Some(tagged) = by_tag.get(&slugs.slugify(tag)) {
                    member_of.extend(tagged);
                }
            }
        }
        member_of.sort_unstable();
        member_of.dedup();
        for &seg in &member_of {
            if !lists[seg][..featured_counts[seg]].contains(&i) {
                lists[seg].push(i);
            }
        }
    }
    lists
}

/// For each segment, its posts (newest first), in one pass over the posts.
fn segment_post_lists(segments: &[Arc<Segment>], posts: &[Arc<Page>]) -> Vec<Vec<usize>> {
    let index: FxHashMap<&str, usize> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    let mut lists = vec![Vec::new(); segments.len()];
    for (i, post) in posts.iter().enumerate() {
        for name in &post.meta.segments {
            if let Some(&seg) = index.get(name.as_str())
                && lists[seg].last() != Some(&i)
            {
                lists[seg].push(i);
            }
        }
    }
    lists
}

/// Segment slugs in site order (for messages) and as a set (for checking every file).
/// Draft segments are known too: naming one before it is published is not a mistake, the
/// post just is not listed anywhere for it yet.
struct KnownSegments<'s> {
    ordered: Vec<&'s str>,
    set: FxHashSet<&'s str>,
}

impl<'s> KnownSegments<'s> {
    /// `unloaded`: slugs of segment files that could not be loaded; naming one is no error.
    fn new(
        segments: &'s [Arc<Segment>],
        drafts: &'s [Arc<Segment>],
        unloaded: &'s [String],
    ) -> Self {
        let ordered: Vec<&str> = segments.iter().map(|s| s.slug.as_str()).collect();
        let set = ordered
            .iter()
            .copied()
            .chain(drafts.iter().map(|s| s.slug.as_str()))
            .chain(unloaded.iter().map(String::as_str))
            .collect();
        KnownSegments { ordered, set }
    }
}

fn check_segments(
    source: &Source,
    key: &str,
    named: &[String],
    known: &KnownSegments,
    errors: &mut Vec<SourceError>,
) {
    for name in named {
        if known.set.contains(name.as_str()) {
            continue;
        }
        let known = &known.ordered;
        let help = match crate::suggest::nearest(name, known.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? known segments: {}",
                known.join(", ")
            ),
            None if known.is_empty() => {
                "there are no segments yet: add one under content/segments/".into()
            }
            None => format!("known segments: {}", known.join(", ")),
        };
        errors.push(
            at_key(source, key, format!("unknown segment `{name}` in `{key}`")).with_help(help),
        );
    }
}

/// An error pointing at the line where `key` is set in a file's front matter.
pub fn at_key(source: &Source, key: &str, message: String) -> SourceError {
    let front = source.front();
    let offset = front
        .match_indices(key)
        .find(|(i, _)| *i == 0 || front.as_bytes()[i - 1] == b'\n')
        .map_or(0, |(i, _)| i);
    SourceError::at(
        &source.path,
        &source.text,
        offset..offset + key.len(),
        message,
    )
}

/// Resolves a site written into a temporary folder, for unit tests of resolving and of
/// what is built on it: (config text, [(path below the root, text)]), at `now`.
#[cfg(test)]
pub(crate) fn resolve_files(config: &str, files: &[(&str, &str)], now: &str) -> Result<Site> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(dir.path()))
            .map_err(|e| Error::io(&path, e))?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    let config = Config::parse(config, Path::new("kudos.toml"))?;
    let content = crate::content::load(dir.path(), &config)?;
    let options = BuildOptions {
        now: Date::parse(now).expect("a test date"),
        ..BuildOptions::default()
    };
    Site::resolve(config, content, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(title: &str, front: &str) -> String {
        format!("+++\ntitle = \"{title}\"\n{front}+++\nBody of {title}.\n")
    }

    fn errors(result: Result<Site>) -> Vec<String> {
        match result {
            Err(Error::Content(errors)) => errors
                .iter()
                .map(|e| format!("{e} (help: {})", e.help.as_deref().unwrap_or("")))
                .collect(),
            Err(other) => vec![other.to_string()],
            Ok(_) => Vec::new(),
        }
    }

    #[test]
    fn drafts_and_future_posts_are_not_published_and_posts_are_newest_first() {
        let site = resolve_files(
            "",
            &[
                ("content/posts/old.md", &post("Old", "date = 2025-01-01\n")),
                ("content/posts/new.md", &post("New", "date = 2025-06-01\n")),
                (
                    "content/posts/draft.md",
                    &post("Draft", "date = 2025-02-01\ndraft = true\n"),
                ),
                (
                    "content/posts/later.md",
                    &post("Later", "date = 2026-01-01\n"),
                ),
            ],
            "2025-12-01",
        )
        .unwrap();
        let titles: Vec<&str> = site.posts.iter().map(|p| p.meta.title.as_str()).collect();
        assert_eq!(titles, ["New", "Old"]);
    }

    /// Post `b.md` of `files` given `tags` the way `serve` does it (the new file swapped
    /// into the resolved site, then [`Site::refresh_tags`]): its outcome, that site, and
    /// the site resolved from the edited files (the first again when they do not resolve).
    fn retagged(
        config: &str,
        files: &[(&str, &str)],
        tags: &str,
    ) -> (std::result::Result<bool, Vec<SourceError>>, Site, Site) {
        let edited: Vec<(&str, String)> = files
            .iter()
            .map(|&(path, text)| {
                let text = if path.ends_with("/b.md") {
                    let old = text.lines().find(|l| l.starts_with("tags = ")).unwrap();
                    text.replace(old, &format!("tags = {tags}"))
                } else {
                    text.to_string()
                };
                (path, text)
            })
            .collect();
        let edited: Vec<(&str, &str)> = edited.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let mut site = resolve_files(config, files, "2026-01-01").unwrap();
        let resolved = resolve_files(config, &edited, "2026-01-01");
        // b's new file as loading makes it; every edit below leaves it at its index.
        let dir = tempfile::tempdir().unwrap();
        let (path, text) = edited.iter().find(|(p, _)| p.ends_with("/b.md")).unwrap();
        std::fs::create_dir_all(dir.path().join("content/posts")).unwrap();
        std::fs::write(dir.path().join(path), text).unwrap();
        let parsed = Config::parse(config, Path::new("kudos.toml")).unwrap();
        let new_b = crate::content::load(dir.path(), &parsed)
            .unwrap()
            .pages
            .remove(0);
        let at = site.posts.iter().position(|p| p.slug == "b").unwrap();
        site.posts[at] = new_b;
        let outcome = site.refresh_tags();
        let resolved = resolved.unwrap_or_else(|_| site.clone());
        (outcome, site, resolved)
    }

    /// What a tags refresh must leave as resolving makes it.
    fn tag_parts(site: &Site) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}",
            site.tags, site.related, site.routes, site.route_paths
        )
    }

    #[test]
    fn refreshing_tags_makes_what_resolving_the_edited_files_makes() {
        let files = [
            (
                "content/posts/a.md",
                post("A", "date = 2025-01-03\ntags = [\"news\", \"Fresh\"]\n"),
            ),
            (
                "content/posts/b.md",
                post("B", "date = 2025-01-02\ntags = [\"news\"]\n"),
            ),
            (
                "content/posts/c.md",
                post("C", "date = 2025-01-01\ntags = [\"fresh\", \"old\"]\n"),
            ),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        // Between tags the site has, no tag's page count moving: the routes stay.
        let (outcome, refreshed, resolved) = retagged("", &files, "[\"old\", \"fresh\"]");
        assert!(matches!(outcome, Ok(false)), "{outcome:?}");
        assert_eq!(tag_parts(&refreshed), tag_parts(&resolved));
        assert_eq!(refreshed.tags[0].posts, [0, 1, 2], "fresh: a, b, c");
        assert_eq!(
            refreshed.related[1],
            [2, 0],
            "b shares two tags with c, one with a"
        );
        // A new tag (and `news` without b): new routes.
        let (outcome, refreshed, resolved) = retagged("", &files, "[\"brand new\"]");
        assert!(matches!(outcome, Ok(true)), "{outcome:?}");
        assert_eq!(tag_parts(&refreshed), tag_parts(&resolved));
        // One post a page: `fresh` gains a page, `news` loses one.
        let paged = "[build]\npaginate = 1\n";
        let (outcome, refreshed, resolved) = retagged(paged, &files, "[\"fresh\"]");
        assert!(matches!(outcome, Ok(true)), "{outcome:?}");
        assert_eq!(tag_parts(&refreshed), tag_parts(&resolved));
        // A spelling whose slug another tag has: resolving's error, at b.md's line.
        let (outcome, _, _) = retagged("", &files, "[\"Ne-ws\", \"NEWS!\"]");
        let errors = outcome.unwrap_err();
        assert!(
            errors[0].message.contains("both become the slug `news`"),
            "{errors:?}"
        );
        assert!(errors[0].path.ends_with("b.md"), "{errors:?}");
    }

    #[test]
    fn an_unknown_segment_is_an_error_that_suggests_the_nearest() {
        let found = errors(resolve_files(
            "",
            &[
                (
                    "content/segments/parents.md",
                    "+++\ntitle = \"Parents\"\n+++\nHi.\n",
                ),
                (
                    "content/posts/a.md",
                    &post("A", "date = 2025-01-01\nsegments = [\"parent\"]\n"),
                ),
            ],
            "2025-12-01",
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("content/posts/a.md:4:1: unknown segment `parent` in `segments`"),
            "{}",
            found[0]
        );
        assert!(found[0].contains("did you mean `parents`?"), "{}", found[0]);
    }

    /// `serve` keeps related posts between resolves (`RelatedMemo`): a post whose date
    /// moves it past another, while every tag's list keeps its order, still changes
    /// which of two equals is newer.
    #[test]
    fn related_posts_kept_between_resolves_follow_a_post_that_moves_past_another() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, date: &str, tags: &str| {
            let path = dir.path().join(format!("content/posts/{name}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let front = format!("date = {date}\ntags = [{tags}]\n");
            std::fs::write(path, post(name, &front)).unwrap();
        };
        write("y", "2024-01-01", r#""a", "b""#);
        write("b", "2025-02-01", r#""b""#);
        write("c", "2025-01-01", r#""a""#);
        let config = Config::parse("[related]\nlimit = 1\n", Path::new("kudos.toml")).unwrap();
        let mut memo = RelatedMemo::default();
        let mut related_to_y = |a_date: &str| {
            write("a", a_date, r#""a""#);
            let content = crate::content::load(dir.path(), &config).unwrap();
            let options = BuildOptions::default();
            let (site, errors) =
                Site::resolve_reporting(config.clone(), content, &options, Some(&mut memo));
            assert!(errors.is_empty(), "{errors:?}");
            let y = site.posts.iter().position(|p| p.slug == "y").unwrap();
            let related = &site.related[y];
            related
                .iter()
                .map(|&i| site.posts[i].slug.clone())
                .collect::<Vec<_>>()
        };
        // A, B and C each share one tag with Y: the newest wins.
        assert_eq!(related_to_y("2025-03-01"), ["a"]);
        // A moves behind B but stays ahead of C: tag a still lists A, C, Y in that order.
        assert_eq!(related_to_y("2025-01-15"), ["b"]);
        assert_eq!(related_to_y("2025-03-01"), ["a"]);
    }

    #[test]
    fn shoutout_tags_list_each_shoutout_once_by_slug() {
        let shoutout = |name: &str, tags: &str| {
            format!(
                "+++\ncustomer = \"{name}\"\ntags = [{tags}]\nconsent = {{ date = 2025-01-01, scope = [\"quote\"] }}\n+++\nGreat.\n"
            )
        };
        let site = resolve_files(
            "",
            &[
                (
                    "content/shoutouts/a.md",
                    &shoutout("Ann", "\"Toys\", \"toys\""),
                ),
                (
                    "content/shoutouts/b.md",
                    &shoutout("Bob", "\"Toys\", \"Gift wrap\""),
                ),
                ("content/shoutouts/c.md", &shoutout("Cat", "")),
            ],
            "2025-12-01",
        )
        .unwrap();
        let tags: Vec<(&str, &str, &[usize])> = site
            .shoutout_tags()
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.members.as_slice()))
            .collect();
        assert_eq!(
            tags,
            [
                ("gift-wrap", "Gift wrap", &[1][..]),
                ("toys", "Toys", &[0, 1][..])
            ]
        );
        assert_eq!(site.shoutouts_tagged("toys"), [0, 1]);
        assert_eq!(site.shoutouts_tagged("gift-wrap"), [1]);
        assert!(site.shoutouts_tagged("cats").is_empty());
    }

    #[test]
    fn a_shoutout_without_consent_is_held_back_with_a_warning_naming_it() {
        let shoutout = |name: &str, extra: &str| {
            format!("+++\ncustomer = \"{name}\"\nrating = 5\n{extra}+++\nGreat.\n")
        };
        let consent = "consent = { date = 2025-01-01, scope = [\"quote\"] }\n";
        let site = resolve_files(
            "",
            &[
                ("content/shoutouts/a.md", &shoutout("Ann", consent)),
                ("content/shoutouts/b.md", &shoutout("Bob", "")),
                (
                    "content/shoutouts/c.md",
                    &shoutout("Cat", &format!("{consent}relationship = \"employee\"\n")),
                ),
            ],
            "2025-12-01",
        )
        .unwrap();
        let published: Vec<&str> = site
            .shoutouts
            .iter()
            .map(|s| s.meta.customer.as_str())
            .collect();
        assert_eq!(published.len(), 2, "{published:?}");
        assert!(!published.contains(&"Bob"), "no consent: not published");
        assert!(site.hidden_shoutouts.contains(&"b".to_string()));
        assert!(site.warnings.iter().any(|w| {
            w.to_string()
                .contains("shout-out from Bob is not published")
        }));
    }

    #[test]
    fn listing_pages_slice_their_items_and_stay_in_bounds() {
        assert_eq!(page_range(5, 1, 2), 0..2);
        assert_eq!(page_range(5, 3, 2), 4..5);
        assert_eq!(page_range(5, 4, 2), 5..5);
        assert_eq!(page_range(0, 1, 10), 0..0);
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(5, 2), 3);
    }

    #[test]
    fn aliases_naming_an_html_file_stay_that_file() {
        assert_eq!(Site::alias_path("/old-post"), "/old-post/");
        assert_eq!(
            Site::alias_path("blog/2019/hello.html"),
            "/blog/2019/hello.html"
        );
        assert_eq!(Site::alias_path("/a/OLD.HTM"), "/a/OLD.HTM");
        assert_eq!(Site::alias_path("/.html/"), "/.html/");
    }
}
