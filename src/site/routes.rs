//! The route table: every output file the site renders, one [`Route`] each.
//!
//! A route alone knows its URL path, its output file, its template and which source file
//! claims its URL. Resolving checks URL clashes over [`Site::routes`], rendering renders
//! each route, and `serve` and warm builds fingerprint each one (`warm::fingerprints`): adding a kind of output
//! means a variant here and its renderer.

use std::path::Path;

use super::{ItemRef, Site};
use crate::config::Config;
use crate::url::UrlPath;

/// One output file to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    /// `/`
    Home,
    /// `/posts/` and `/posts/page/N/` (1-based).
    PostsPage(usize),
    /// A post.
    Post(usize),
    /// A plain page.
    Page(usize),
    /// A post or page rendered for a segment: `/for/<segment>/<path>/`.
    Variant(ItemRef, usize),
    /// `/tags/`
    TagsIndex,
    /// `/tags/<slug>/`, page N (1-based): by index into `site.tags`, page.
    Tag(usize, usize),
    /// The wall, page N (1-based): `/shoutouts/`, `/shoutouts/page/N/`.
    Wall(usize),
    /// The wall filtered to one segment, page N: `/shoutouts/for/<segment>/page/N/`.
    WallSegment(usize, usize),
    /// The wall filtered to one shout-out tag (by slug), page N:
    /// `/shoutouts/tagged/<slug>/page/N/`.
    WallTag(String, usize),
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
    /// `/shoutouts/atom.xml`
    ShoutoutsAtom,
    /// `/rss.xml`: the posts as RSS 2.0.
    Rss,
    /// `/feed.json`: the posts as JSON Feed 1.1.
    JsonFeed,
    /// `/tags/<slug>/atom.xml`: by index into `site.tags`.
    TagAtom(usize),
    /// `/for/<segment>/atom.xml`: the segment's posts, by index into `site.segments`.
    SegmentAtom(usize),
    /// `/sitemap.xml`
    Sitemap,
    /// `/robots.txt`
    Robots,
    /// `/search/`: the search box over the site's index (`[search]`).
    Search,
    /// `/shoutouts/how-we-collect/`: how shout-outs are collected, checked and withdrawn.
    Policy,
    /// `/shoutouts/embed/`: the wall, to sit in an `<iframe>` on another site.
    EmbedWall,
    /// `/for/<segment>/embed/`: a segment's shout-outs, to embed.
    EmbedSegment(usize),
}

impl Route {
    /// The URL path of its output, below the base URL: `/posts/x/`, `/atom.xml`.
    pub fn url_path(&self, site: &Site) -> UrlPath {
        let page = |item: &ItemRef| match item {
            ItemRef::Post(i) => UrlPath::page(&site.posts[*i].path),
            ItemRef::Page(i) => UrlPath::page(&site.pages[*i].path),
            _ => unreachable!("only posts and pages have variants and aliases"),
        };
        let tag = |i: usize| UrlPath::page(&site.tags[i].path);
        let segment = |i: usize| UrlPath::page(&site.segments[i].path);
        match self {
            Route::Home => UrlPath::page("/"),
            Route::PostsPage(n) => Site::posts_page_path(*n),
            Route::Post(i) => page(&ItemRef::Post(*i)),
            Route::Page(i) => page(&ItemRef::Page(*i)),
            Route::Variant(item, seg) => segment(*seg).join_page(&page(item)),
            Route::TagsIndex => UrlPath::page("tags"),
            Route::Tag(i, n) => tag(*i).listing_page(*n),
            Route::Wall(n) => site.wall_path().listing_page(*n),
            Route::WallSegment(i, n) => site.wall_segment_path(*i).listing_page(*n),
            Route::WallTag(slug, n) => site.wall_tag_path(slug).listing_page(*n),
            Route::Shoutout(i) => UrlPath::page(&site.shoutouts[*i].path),
            Route::Segment(i) => segment(*i),
            Route::Alias(_, alias) => Site::alias_path(alias),
            Route::NotFound => UrlPath::file("404.html"),
            Route::Atom => UrlPath::file("atom.xml"),
            Route::ShoutoutsAtom => site.wall_path().join_file("atom.xml"),
            Route::Rss => UrlPath::file("rss.xml"),
            Route::JsonFeed => UrlPath::file("feed.json"),
            Route::TagAtom(i) => tag(*i).join_file("atom.xml"),
            Route::SegmentAtom(i) => segment(*i).join_file("atom.xml"),
            Route::Sitemap => UrlPath::file("sitemap.xml"),
            Route::Robots => UrlPath::file("robots.txt"),
            Route::Search => UrlPath::page("search"),
            Route::Policy => site.policy_path(),
            Route::EmbedWall => site.embed_wall_path(),
            Route::EmbedSegment(i) => site.embed_segment_path(*i),
        }
    }

    /// Whether `[feeds]` and `[posts]` let the site have this route: the site lists a
    /// switchable route only when this holds, and pages advertise a feed only then.
    pub fn switched_on(&self, config: &Config) -> bool {
        let (feeds, blog) = (&config.feeds, config.posts.enabled);
        match self {
            Route::TagsIndex | Route::PostsPage(_) => blog,
            Route::Atom => feeds.atom && blog,
            Route::Rss => feeds.rss && blog,
            Route::JsonFeed => feeds.json && blog,
            Route::ShoutoutsAtom => feeds.atom,
            Route::TagAtom(_) => feeds.tags,
            Route::SegmentAtom(_) => feeds.segments,
            Route::Search => config.search.enabled,
            Route::Policy => config.shoutouts.policy,
            Route::EmbedWall | Route::EmbedSegment(_) => config.shoutouts.embed,
            _ => true,
        }
    }

    /// The file below the output folder that it writes.
    pub fn output_file(&self, site: &Site) -> String {
        self.url_path(site).output_file()
    }

    /// The template it renders (a post's, page's or segment's own `template` if set).
    pub fn template<'s>(&self, site: &'s Site) -> &'s str {
        let own = |template: &'s Option<String>, default: &'static str| {
            template.as_deref().unwrap_or(default)
        };
        let page_template = |item: &ItemRef| match item {
            ItemRef::Post(i) => own(&site.posts[*i].meta.template, "post.html"),
            ItemRef::Page(i) => own(&site.pages[*i].meta.template, "page.html"),
            _ => unreachable!("only posts and pages"),
        };
        match self {
            Route::Home => "index.html",
            Route::PostsPage(_) => "posts.html",
            Route::Post(i) => page_template(&ItemRef::Post(*i)),
            Route::Page(i) => page_template(&ItemRef::Page(*i)),
            Route::Variant(item, _) => page_template(item),
            Route::TagsIndex => "tags.html",
            Route::Tag(..) => "tag.html",
            Route::Wall(_) | Route::WallSegment(..) | Route::WallTag(..) => "shoutouts.html",
            Route::Shoutout(_) => "shoutout.html",
            Route::Segment(i) => own(&site.segments[*i].meta.template, "segment.html"),
            Route::Alias(..) => "alias.html",
            Route::NotFound => "404.html",
            Route::Atom | Route::TagAtom(_) | Route::SegmentAtom(_) => "atom.xml",
            Route::Rss => "rss.xml",
            Route::JsonFeed => "feed.json",
            Route::ShoutoutsAtom => "shoutouts_atom.xml",
            Route::Sitemap => "sitemap.xml",
            Route::Robots => "robots.txt",
            Route::Search => "search.html",
            Route::Policy => "policy.html",
            Route::EmbedWall | Route::EmbedSegment(_) => "embed.html",
        }
    }

    /// The source file that claims its URL; `None` for what the site generates itself
    /// (listings, feeds, the sitemap), which no file may claim.
    pub fn owner<'s>(&self, site: &'s Site) -> Option<&'s Path> {
        let item = |item: &ItemRef| match item {
            ItemRef::Post(i) => &site.posts[*i].source.path,
            ItemRef::Page(i) => &site.pages[*i].source.path,
            ItemRef::Shoutout(i) => &site.shoutouts[*i].source.path,
            ItemRef::Segment(i) => &site.segments[*i].source.path,
        };
        let path = match self {
            Route::Post(i) => item(&ItemRef::Post(*i)),
            Route::Page(i) => item(&ItemRef::Page(*i)),
            Route::Variant(of, _) | Route::Alias(of, _) => item(of),
            Route::Shoutout(i) => item(&ItemRef::Shoutout(*i)),
            Route::Segment(i) => item(&ItemRef::Segment(*i)),
            _ => return None,
        };
        Some(path.as_path())
    }
}

/// Every (post or page, segment) pair that gets a variant, in route order.
pub fn variants(site: &Site) -> Vec<(ItemRef, usize)> {
    site.posts_and_pages()
        .flat_map(|(item, page)| site.variant_segments(page).map(move |seg| (item, seg)))
        .collect()
}

impl Site {
    /// Every route of the site, in a fixed order: what resolving stores in
    /// [`Site::routes`] once the rest of the site is settled.
    pub(super) fn list_routes(&self) -> Vec<Route> {
        let on = |route: &Route| route.switched_on(&self.config);
        let mut routes = vec![Route::Home, Route::NotFound, Route::Sitemap, Route::Robots];
        let switchable = [
            Route::TagsIndex,
            Route::Atom,
            Route::ShoutoutsAtom,
            Route::Rss,
            Route::JsonFeed,
            Route::Search,
            Route::Policy,
            Route::EmbedWall,
        ];
        routes.extend(switchable.into_iter().filter(on));
        routes.extend((0..self.tags.len()).map(Route::TagAtom).filter(on));
        routes.extend((0..self.segments.len()).map(Route::SegmentAtom).filter(on));
        routes.extend((0..self.segments.len()).map(Route::EmbedSegment).filter(on));
        routes.extend((1..=self.post_pages()).map(Route::PostsPage).filter(on));
        routes.extend((1..=self.wall_pages()).map(Route::Wall));
        for (i, members) in self.segment_shoutouts.iter().enumerate() {
            let pages = self.wall_filter_pages(members.len());
            routes.extend((1..=pages).map(|n| Route::WallSegment(i, n)));
        }
        for tag in self.shoutout_tag_list.iter() {
            let pages = self.wall_filter_pages(tag.members.len());
            routes.extend((1..=pages).map(|n| Route::WallTag(tag.slug.clone(), n)));
        }
        routes.extend((0..self.posts.len()).map(Route::Post));
        routes.extend((0..self.pages.len()).map(Route::Page));
        routes.extend(
            variants(self)
                .into_iter()
                .map(|(item, seg)| Route::Variant(item, seg)),
        );
        for i in 0..self.tags.len() {
            routes.extend((1..=self.tag_pages(i)).map(|n| Route::Tag(i, n)));
        }
        routes.extend((0..self.shoutouts.len()).map(Route::Shoutout));
        routes.extend((0..self.segments.len()).map(Route::Segment));
        for (item, page) in self.posts_and_pages() {
            let aliases = page.meta.aliases.iter();
            routes.extend(aliases.map(|a| Route::Alias(item, a.clone())));
        }
        routes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(config: &str, files: &[(&str, &str)]) -> Site {
        crate::site::resolve_files(config, files, "2026-01-01").unwrap()
    }

    const POST: &str = "+++\ntitle = \"Hello\"\ndate = 2025-01-01\ntags = [\"News\"]\nsegments = [\"parents\"]\nvariants = [\"parents\"]\naliases = [\"/old/hello.html\"]\n+++\nHi.\n";
    const SEGMENT: &str = "+++\ntitle = \"Parents\"\n+++\nFor parents.\n";
    const SHOUTOUT: &str = "+++\ncustomer = \"Ada\"\ntags = [\"toys\"]\nsegments = [\"parents\"]\nconsent = { date = 2025-01-01, scope = [\"quote\", \"name\"] }\n+++\nLovely.\n";

    fn table(site: &Site) -> Vec<(String, String, String, Option<String>)> {
        site.routes
            .iter()
            .map(|r| {
                (
                    r.url_path(site).into(),
                    r.output_file(site),
                    r.template(site).to_string(),
                    r.owner(site).map(|p| p.display().to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn every_route_knows_its_path_file_template_and_owner() {
        let site = site(
            "[shoutouts]\nwall_path = \"love\"\n",
            &[
                ("content/posts/hello.md", POST),
                ("content/segments/parents.md", SEGMENT),
                ("content/shoutouts/ada.md", SHOUTOUT),
            ],
        );
        let rows = table(&site);
        let row = |path: &str| {
            rows.iter()
                .find(|r| r.0 == path)
                .unwrap_or_else(|| panic!("no route at {path}: {rows:#?}"))
        };
        let post = Some("content/posts/hello.md".to_string());
        assert_eq!(row("/posts/hello/").1, "posts/hello/index.html");
        assert_eq!(row("/posts/hello/").2, "post.html");
        assert_eq!(row("/posts/hello/").3, post);
        assert_eq!(row("/for/parents/posts/hello/").3, post, "a variant");
        assert_eq!(row("/old/hello.html").1, "old/hello.html", "an alias");
        assert_eq!(row("/old/hello.html").2, "alias.html");
        assert_eq!(row("/love/ada/").2, "shoutout.html");
        assert_eq!(row("/love/for/parents/").2, "shoutouts.html");
        assert_eq!(row("/love/tagged/toys/").3, None, "a listing is generated");
        assert_eq!(row("/love/atom.xml").2, "shoutouts_atom.xml");
        assert_eq!(row("/tags/news/atom.xml").2, "atom.xml");
        assert_eq!(row("/for/parents/atom.xml").1, "for/parents/atom.xml");
        assert_eq!(row("/feed.json").2, "feed.json");
        assert_eq!(row("/rss.xml").2, "rss.xml");
        let mut paths: Vec<&String> = rows.iter().map(|r| &r.1).collect();
        paths.sort();
        let before = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), before, "two routes write one file");
    }

    #[test]
    fn feeds_that_are_switched_off_have_no_route() {
        let site = site(
            "[feeds]\natom = false\nrss = false\njson = false\ntags = false\nsegments = false\n",
            &[
                ("content/posts/hello.md", POST),
                ("content/segments/parents.md", SEGMENT),
            ],
        );
        let feeds: Vec<String> = table(&site)
            .into_iter()
            .map(|r| r.1)
            .filter(|f| f.ends_with(".xml") && f != "sitemap.xml" || f.ends_with(".json"))
            .collect();
        assert!(feeds.is_empty(), "{feeds:?}");
    }

    #[test]
    fn a_file_claiming_a_generated_url_is_a_clash_naming_it() {
        let dir_site = |alias: &str| {
            let post = POST.replace("/old/hello.html", alias);
            crate::site::resolve_files(
                "",
                &[
                    ("content/posts/hello.md", &post),
                    ("content/segments/parents.md", SEGMENT),
                ],
                "2026-01-01",
            )
        };
        let Err(crate::error::Error::Content(errors)) = dir_site("/tags/news/") else {
            panic!("an alias at a tag page was accepted");
        };
        assert!(
            errors[0]
                .message
                .contains("the URL /tags/news/ is claimed twice: by (generated listing) and by content/posts/hello.md"),
            "{}",
            errors[0]
        );
        assert!(dir_site("/old/").is_ok());
    }
}
