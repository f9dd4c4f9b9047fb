//! What each route depends on, as a fingerprint, so a `serve` rebuild, or a build after a
//! build, re-renders exactly the files whose inputs changed. It drives the renderer
//! through its public API.
//!
//! A job's fingerprint combines: the config; its template and everything that template
//! extends or includes; the parts of `site` the template reads (found by scanning the
//! template text: `site.posts` depends on every post's summary, a bare `site` on all of
//! it, and `posts()`/`shoutouts()`/`get_segment()` on what they list); and the items the
//! job itself shows (its post, the posts on a listing page, a segment's members...).
//! Items are fingerprinted by their source text, URL and rendered body revision, so an
//! edit that changes nothing a page shows leaves the page alone. The property test in
//! `tests/cli/incremental.rs` checks that this always equals a clean build.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::content::Page;
use crate::fingerprint::{Fingerprint, fingerprint};
use crate::markdown::Rendered;
use crate::render::Renderer;
use crate::render::context::{ProductStats, RatingStats};
use crate::render::template_deps::{TemplateDeps, defines_component, template_deps};
use crate::site::{ItemRef, Route, page_range};
use crate::theme::Theme;

use crate::warm::memory::BodyCache;

/// Fingerprints of the site's items and collections, computed once per build.
pub struct SiteFingerprints {
    config: u64,
    /// The site's words (`i18n`): every page shows some.
    strings: u64,
    posts: Vec<u64>,
    /// What a post's listing entry shows: front matter, URL, summary, reading time.
    post_summaries: Vec<u64>,
    /// The template each post renders with ([`Route::template`]), read from here for
    /// each of its pages: reading it from the post was a cache miss per post, a tenth of
    /// a body save's time at 10k.
    post_templates: Vec<Arc<str>>,
    pages: Vec<u64>,
    /// What a page's entry in `site.pages` shows (as for posts).
    page_summaries: Vec<u64>,
    shoutouts: Vec<u64>,
    segments: Vec<u64>,
    sections: HashMap<String, u64>,
    all_posts: u64,
    all_pages: u64,
    all_shoutouts: u64,
    /// The featured shout-outs, which segments without their own show instead.
    featured_shoutouts: u64,
    /// Per shout-out tag slug, its shout-outs (a tag filter page of the wall).
    tagged_shoutouts: HashMap<String, u64>,
    /// Per tag: its name and its posts' summaries. Every page of a tag covers the whole
    /// list (a post added anywhere moves the others along), so it is hashed once here
    /// rather than once per page, which grew with the square of a tag's size.
    tag_lists: Vec<u64>,
    /// Per segment: its shout-outs, which each page of its wall covers (as for tags).
    segment_shoutouts: Vec<u64>,
    /// The wall's filter links with their counts.
    wall_filters: u64,
    all_segments: u64,
    ratings: u64,
    /// `site.data`: every data file.
    data: u64,
    /// The fingerprinted stylesheets and scripts `asset()` links.
    assets: u64,
    /// The image files `image()` may name (0 when no template calls it).
    images: u64,
    templates: HashMap<String, TemplateDeps>,
    /// Tera 2 components are global: any template may use one defined in a file it
    /// neither extends nor includes, so every template print covers every component file.
    components: Vec<u64>,
    /// Per template: everything it reads (text, `site` parts, partials), hashed once.
    template_prints: HashMap<String, u64>,
}

/// What a post's or page's listing entry shows: front matter, URL, summary, reading time.
fn summary_print(memo: &BodyCache, post: &Page, body: &Rendered) -> u64 {
    let compute = || {
        let minutes = crate::render::context::reading_minutes(body.words);
        fingerprint(&(post.source.front(), &post.path, &body.summary, minutes))
    };
    memo.summary_print((post.source.revision, body.revision), compute)
}

/// Each post's template name, one shared string per name.
fn post_templates(site: &crate::site::Site) -> Vec<Arc<str>> {
    let mut names: rustc_hash::FxHashMap<&str, Arc<str>> = Default::default();
    (0..site.posts.len())
        .map(|i| {
            let name = Route::Post(i).template(site);
            Arc::clone(names.entry(name).or_insert_with(|| name.into()))
        })
        .collect()
}

/// An item's source revision, URL and rendered body revision.
fn item_print(source: &crate::content::Source, path: &str, body_revision: u64) -> u64 {
    fingerprint(&(source.revision, path, body_revision))
}

/// A shout-out's [`item_print`] and its visibility decision, which can change without
/// its file changing (a photo file appearing beside it changes where its avatar is).
fn shoutout_print(renderer: &Renderer, i: usize) -> u64 {
    let (site, bodies) = (renderer.site(), renderer.bodies());
    let s = &site.shoutouts[i];
    let item = item_print(&s.source, &s.path, bodies.shoutouts[i].revision);
    let photo = renderer.avatar(i).map(|a| (&a.src, &a.webp));
    fingerprint(&(item, &site.shown[i], photo))
}

impl SiteFingerprints {
    /// For `renderer`'s site and bodies.
    pub fn new(renderer: &Renderer, theme: &Theme, memo: &BodyCache) -> SiteFingerprints {
        let site = renderer.site();
        let bodies = renderer.bodies();
        let posts: Vec<u64> = site
            .posts
            .iter()
            .zip(&bodies.posts)
            .map(|(p, b)| item_print(&p.source, &p.path, b.revision))
            .collect();
        let post_summaries: Vec<u64> = site
            .posts
            .iter()
            .zip(&bodies.posts)
            .map(|(p, b)| summary_print(memo, p, b))
            .collect();
        let pages: Vec<u64> = site
            .pages
            .iter()
            .zip(&bodies.pages)
            .map(|(p, b)| item_print(&p.source, &p.path, b.revision))
            .collect();
        let shoutouts: Vec<u64> = (0..site.shoutouts.len())
            .map(|i| shoutout_print(renderer, i))
            .collect();
        let segments: Vec<u64> = site
            .segments
            .iter()
            .zip(&bodies.segments)
            .enumerate()
            .map(|(i, (s, b))| {
                let hero = renderer
                    .hero(i)
                    .map(|h| (&h.src, &h.srcset, h.width, h.height));
                fingerprint(&(item_print(&s.source, &s.path, b.revision), hero))
            })
            .collect();
        let sections = site
            .sections
            .iter()
            .map(|(dir, s)| {
                (
                    dir.clone(),
                    item_print(&s.source, dir, bodies.sections[dir].revision),
                )
            })
            .collect();
        let ratings = serde_json::to_string(&(RatingStats::new(site), ProductStats::all(site)))
            .unwrap_or_default();
        let all_segments = fingerprint(&segments);
        let templates = template_deps(theme);
        let components = theme
            .templates
            .iter()
            .filter(|(_, t)| defines_component(&t.text))
            .map(|(name, t)| fingerprint(&(name, &t.text)))
            .collect();
        let mut prints = SiteFingerprints {
            config: site.config.fingerprint(),
            strings: fingerprint(&*site.strings),
            all_posts: fingerprint(&(&post_summaries, all_segments)),
            all_pages: 0,
            page_summaries: site
                .pages
                .iter()
                .zip(&bodies.pages)
                .map(|(p, b)| summary_print(memo, p, b))
                .collect(),
            all_shoutouts: 0,
            featured_shoutouts: 0,
            tagged_shoutouts: HashMap::new(),
            tag_lists: Vec::new(),
            segment_shoutouts: Vec::new(),
            wall_filters: fingerprint(&renderer.wall_filters_print()),
            all_segments,
            ratings: fingerprint(&ratings),
            data: fingerprint(&serde_json::to_string(&*site.data).unwrap_or_default()),
            assets: renderer.assets().print(),
            images: if calls(&templates, "image") {
                renderer.images_print()
            } else {
                0
            },
            posts,
            post_summaries,
            post_templates: post_templates(site),
            pages,
            shoutouts,
            segments,
            sections,
            templates,
            components,
            template_prints: HashMap::new(),
        };
        prints.all_pages = fingerprint(&prints.page_summaries);
        prints.update_shoutout_lists(renderer);
        prints.update_tag_lists(renderer);
        prints.update_template_prints();
        prints
    }

    /// The prints of each tag's posts.
    fn update_tag_lists(&mut self, renderer: &Renderer) {
        self.tag_lists = renderer
            .site()
            .tags
            .iter()
            .map(|tag| {
                let mut hasher = Fingerprint::new();
                tag.name.hash(&mut hasher);
                tag.posts.len().hash(&mut hasher);
                for &i in &tag.posts {
                    hasher.write_u64(self.post_summaries[i]);
                }
                hasher.finish()
            })
            .collect();
    }

    /// The prints of lists of shout-outs: all, featured, per tag, per segment.
    fn update_shoutout_lists(&mut self, renderer: &Renderer) {
        let site = renderer.site();
        self.segment_shoutouts = site
            .segment_shoutouts
            .iter()
            .map(|members| {
                let mut hasher = Fingerprint::new();
                members.len().hash(&mut hasher);
                for &s in members {
                    self.shoutouts[s].hash(&mut hasher);
                }
                hasher.finish()
            })
            .collect();
        self.all_shoutouts = fingerprint(&(&self.shoutouts, &site.hidden_shoutouts));
        let featured: Vec<u64> = site
            .shoutouts
            .iter()
            .zip(&self.shoutouts)
            .filter(|(s, _)| s.meta.featured)
            .map(|(_, print)| *print)
            .collect();
        self.featured_shoutouts = fingerprint(&featured);
        // The members the site lists per tag (each shout-out once, in wall order).
        self.tagged_shoutouts = site
            .shoutout_tags()
            .iter()
            .map(|tag| {
                let prints: Vec<u64> = tag.members.iter().map(|&i| self.shoutouts[i]).collect();
                (tag.slug.clone(), fingerprint(&prints))
            })
            .collect();
    }

    /// Whether any template of the theme these prints were made for calls `function`
    /// (`posts`, `image`...).
    pub fn any_template_calls(&self, function: &str) -> bool {
        calls(&self.templates, function)
    }

    /// Brings the prints of edited items up to date after [`crate::serve::patch::apply_edits`].
    pub fn refresh_items(&mut self, renderer: &Renderer, items: &[ItemRef], memo: &BodyCache) {
        let site = renderer.site();
        let bodies = renderer.bodies();
        for item in items {
            match *item {
                ItemRef::Post(i) => {
                    let (p, b) = (&site.posts[i], &bodies.posts[i]);
                    self.posts[i] = item_print(&p.source, &p.path, b.revision);
                    self.post_summaries[i] = summary_print(memo, p, b);
                    self.post_templates[i] = Route::Post(i).template(site).into();
                }
                ItemRef::Page(i) => {
                    let p = &site.pages[i];
                    self.pages[i] = item_print(&p.source, &p.path, bodies.pages[i].revision);
                    self.page_summaries[i] = summary_print(memo, p, &bodies.pages[i]);
                }
                ItemRef::Shoutout(i) => self.shoutouts[i] = shoutout_print(renderer, i),
                ItemRef::Segment(_) => {}
            }
        }
        self.update_shoutout_lists(renderer);
        self.update_tag_lists(renderer);
        self.all_posts = fingerprint(&(&self.post_summaries, self.all_segments));
        self.all_pages = fingerprint(&self.page_summaries);
        self.update_template_prints();
    }

    fn update_template_prints(&mut self) {
        let prints = self
            .templates
            .keys()
            .map(|name| {
                let mut hasher = Fingerprint::new();
                self.components.hash(&mut hasher);
                self.template_inputs(name, &mut hasher);
                // Every page template reads partials for cards and post items.
                for partial in ["partials/shoutout_card.html", "partials/post_item.html"] {
                    self.templates
                        .get(partial)
                        .map(|d| d.text)
                        .hash(&mut hasher);
                }
                (name.clone(), hasher.finish())
            })
            .collect();
        self.template_prints = prints;
    }

    /// The fingerprint of what `template` reads from `site` and the listing functions.
    fn template_inputs(&self, template: &str, hasher: &mut impl Hasher) {
        let Some(deps) = self.templates.get(template) else {
            template.hash(hasher);
            return;
        };
        deps.text.hash(hasher);
        let all = deps.all_site;
        let key = |k: &str| all || deps.site_keys.contains(k);
        if key("posts") || key("tags") || deps.functions.contains("posts") {
            self.all_posts.hash(hasher);
        }
        if key("pages") {
            self.all_pages.hash(hasher);
        }
        if key("shoutouts") || deps.functions.contains("shoutouts") {
            self.all_shoutouts.hash(hasher);
        }
        if key("segments")
            || deps.functions.contains("get_segment")
            || deps.functions.contains("shoutouts")
        {
            self.all_segments.hash(hasher);
        }
        if key("ratings") || key("products") {
            self.ratings.hash(hasher);
        }
        if key("data") {
            self.data.hash(hasher);
        }
        if deps.functions.contains("asset") {
            self.assets.hash(hasher);
        }
        if deps.functions.contains("image") {
            self.images.hash(hasher);
        }
    }
}

impl SiteFingerprints {
    /// The fingerprint of everything `job`'s output depends on.
    pub fn of(&self, renderer: &Renderer, job: &Route, output_path: &str) -> u64 {
        let fp = self;
        let site = renderer.site();
        let mut hasher = Fingerprint::new();
        fp.config.hash(&mut hasher);
        fp.strings.hash(&mut hasher);
        // The kind of route, not the route: its indices into the site's lists move
        // whenever an item is added before it (a new newest post moves every post's
        // index), and each arm below hashes what the page shows by value.
        std::mem::discriminant(job).hash(&mut hasher);
        output_path.hash(&mut hasher);
        // The share card it names (`og:image`): named by the card's own text, so this
        // covers the card template and everything the card shows.
        renderer.card_for(job).map(|c| c.hash).hash(&mut hasher);
        let template = match job {
            Route::Post(i) | Route::Variant(ItemRef::Post(i), _) => &fp.post_templates[*i],
            _ => job.template(site),
        };
        match fp.template_prints.get(template) {
            Some(print) => print.hash(&mut hasher),
            None => template.hash(&mut hasher),
        }
        // Listings show summaries; only the feed shows whole posts.
        let posts = |indices: &mut dyn Iterator<Item = usize>, h: &mut dyn Hasher| {
            for i in indices {
                h.write_u64(fp.post_summaries[i]);
            }
        };
        match job {
            Route::Home => fp.sections.get("").hash(&mut hasher),
            Route::PostsPage(n) => {
                let shown = page_range(site.posts.len(), *n, site.config.build.paginate);
                posts(&mut shown.into_iter(), &mut hasher);
                site.post_pages().hash(&mut hasher);
                fp.sections.get("posts").hash(&mut hasher);
            }
            Route::Post(i) => {
                fp.posts[*i].hash(&mut hasher);
                fp.all_segments.hash(&mut hasher);
                posts(&mut site.related[*i].iter().copied(), &mut hasher);
            }
            Route::Page(i) => {
                fp.pages[*i].hash(&mut hasher);
                fp.all_segments.hash(&mut hasher);
            }
            Route::Variant(item, seg) => {
                match item {
                    ItemRef::Post(i) => {
                        fp.posts[*i].hash(&mut hasher);
                        posts(&mut site.related[*i].iter().copied(), &mut hasher);
                    }
                    ItemRef::Page(i) => fp.pages[*i].hash(&mut hasher),
                    _ => {}
                }
                renderer.bodies().variants[&(*item, *seg)]
                    .revision
                    .hash(&mut hasher);
                fp.all_segments.hash(&mut hasher);
            }
            Route::Sitemap => renderer.sitemap_print().hash(&mut hasher),
            Route::TagsIndex => {
                fp.all_posts.hash(&mut hasher);
                fp.all_pages.hash(&mut hasher);
                fp.all_shoutouts.hash(&mut hasher);
                fp.all_segments.hash(&mut hasher);
            }
            Route::Tag(i, _) => fp.tag_lists[*i].hash(&mut hasher),
            Route::Wall(_) | Route::WallSegment(..) | Route::WallTag(..) => {
                // Its cards, plus what every wall page shows: filters with their counts,
                // page links, product ratings, the section's copy.
                match job {
                    Route::Wall(n) => {
                        let shown =
                            page_range(site.shoutouts.len(), *n, site.config.shoutouts.per_page);
                        fp.shoutouts[shown].hash(&mut hasher);
                    }
                    Route::WallSegment(i, _) => fp.segment_shoutouts[*i].hash(&mut hasher),
                    Route::WallTag(slug, _) => fp.tagged_shoutouts.get(slug).hash(&mut hasher),
                    _ => {}
                }
                site.wall_pages().hash(&mut hasher);
                fp.wall_filters.hash(&mut hasher);
                fp.ratings.hash(&mut hasher);
                fp.all_segments.hash(&mut hasher);
                fp.sections.get("shoutouts").hash(&mut hasher);
            }
            Route::Shoutout(i) => {
                fp.shoutouts[*i].hash(&mut hasher);
                fp.all_segments.hash(&mut hasher);
                fp.ratings.hash(&mut hasher);
            }
            Route::Segment(i) => {
                fp.segments[*i].hash(&mut hasher);
                fp.segment_shoutouts[*i].hash(&mut hasher);
                if site.segment_shoutouts[*i].is_empty() {
                    fp.featured_shoutouts.hash(&mut hasher);
                }
                posts(&mut site.segment_posts[*i].iter().copied(), &mut hasher);
                fp.ratings.hash(&mut hasher);
            }
            // A redirect names its target's URL, which the target's print covers.
            Route::Alias(ItemRef::Post(i), _) => fp.posts[*i].hash(&mut hasher),
            Route::Alias(ItemRef::Page(i), _) => fp.pages[*i].hash(&mut hasher),
            Route::Alias(..) | Route::NotFound | Route::Robots | Route::Search => {}
            Route::Policy => site.shoutouts.len().hash(&mut hasher),
            Route::EmbedWall => {
                fp.all_shoutouts.hash(&mut hasher);
                fp.ratings.hash(&mut hasher);
            }
            Route::EmbedSegment(i) => {
                fp.segments[*i].hash(&mut hasher);
                fp.segment_shoutouts[*i].hash(&mut hasher);
                fp.ratings.hash(&mut hasher);
            }
            Route::Atom | Route::Rss | Route::JsonFeed => {
                for i in renderer.feed_posts(0..site.posts.len()) {
                    fp.posts[i].hash(&mut hasher);
                }
            }
            Route::TagAtom(i) => {
                site.tags[*i].name.hash(&mut hasher);
                for p in renderer.feed_posts(site.tags[*i].posts.iter().copied()) {
                    fp.posts[p].hash(&mut hasher);
                }
            }
            Route::SegmentAtom(i) => {
                fp.segments[*i].hash(&mut hasher);
                for p in renderer.feed_posts(site.segment_posts[*i].iter().copied()) {
                    fp.posts[p].hash(&mut hasher);
                }
            }
            Route::ShoutoutsAtom => fp.all_shoutouts.hash(&mut hasher),
        }
        hasher.finish()
    }
}

/// Whether any of `templates` calls `function`.
fn calls(templates: &HashMap<String, TemplateDeps>, function: &str) -> bool {
    templates
        .values()
        .any(|deps| deps.functions.contains(function))
}
