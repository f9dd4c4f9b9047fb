//! Feeds and the sitemap: their entries, and which feeds each page advertises.

use std::borrow::Cow;

use serde::Serialize;

use crate::content::Date;
use crate::site::{Route, Site};
use crate::url::UrlPath;

use super::Renderer;
use super::context::PageView;

impl Renderer {
    /// The feeds a page links to with `<link rel="alternate">`: the site's posts feeds
    /// everywhere, and the feed of what the page lists (a tag, a segment, the wall).
    pub(super) fn advertised_feeds(&self, route: &Route) -> Vec<FeedLink> {
        let site = &*self.site;
        const ATOM: &str = "application/atom+xml";
        let link = |feed: Route, kind: &'static str, suffix: &str| {
            feed.switched_on(&site.config).then(|| FeedLink {
                kind,
                title: format!("{}{suffix}", self.feed_title(&feed)),
                url: self.urls.url(&feed.url_path(site)),
            })
        };
        let own = match route {
            Route::Wall(_) | Route::WallSegment(..) | Route::WallTag(..) => {
                link(Route::ShoutoutsAtom, ATOM, "")
            }
            Route::Tag(i, _) => link(Route::TagAtom(*i), ATOM, ""),
            Route::Segment(i) => link(Route::SegmentAtom(*i), ATOM, ""),
            _ => None,
        };
        [
            link(Route::Atom, ATOM, ""),
            link(Route::Rss, "application/rss+xml", " (RSS)"),
            link(Route::JsonFeed, "application/feed+json", " (JSON Feed)"),
            own,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The title of the feed at `route`, as the feed itself and every page advertising
    /// it say it.
    pub(super) fn feed_title(&self, route: &Route) -> String {
        let site = &*self.site;
        let title = &site.config.title;
        match route {
            Route::TagAtom(i) => site.strings.say(
                "feed_tagged",
                &[("site", title), ("tag", &site.tags[*i].name)],
            ),
            Route::SegmentAtom(i) => format!("{title}: {}", site.segments[*i].meta.title),
            Route::ShoutoutsAtom => site.strings.say("feed_shoutouts", &[("site", title)]),
            _ => title.clone(),
        }
    }

    /// Which of the posts at `indices` (newest first) a feed lists: up to the feed limit,
    /// none that only `--drafts` publishes ([`Site::preview_only`]). `serve` fingerprints
    /// a feed by exactly these.
    pub fn feed_posts(&self, indices: impl Iterator<Item = usize>) -> Vec<usize> {
        let site = &*self.site;
        indices
            .filter(|&i| {
                let meta = &site.posts[i].meta;
                !site.preview_only(meta.draft, meta.date)
            })
            .take(site.config.feeds.limit)
            .collect()
    }

    /// The posts at `indices` (newest first), whole, as [`Renderer::feed_posts`] picks them.
    pub(super) fn feed_entries(&self, indices: impl Iterator<Item = usize>) -> Vec<PageView<'_>> {
        let site = &*self.site;
        self.feed_posts(indices)
            .into_iter()
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

    /// The sitemap's `<url>`s.
    pub(super) fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        self.sitemap_urls()
            .into_iter()
            .map(|(path, lastmod)| SitemapEntry {
                permalink: self.urls.permalink(&path),
                lastmod: lastmod.map(|d| d.rfc3339()),
            })
            .collect()
    }

    /// The fingerprint of what the sitemap lists. `serve` fingerprints the sitemap by
    /// this rather than by every post's summary: at 10k posts it is one 19k-entry page that
    /// took 56 ms to render, and a save that moves no URL and no date leaves it alone.
    pub fn sitemap_print(&self) -> u64 {
        crate::fingerprint::fingerprint(&self.sitemap_urls())
    }

    /// What the sitemap lists, in order: each URL path with the date it shows.
    fn sitemap_urls(&self) -> Vec<(Cow<'_, str>, Option<Date>)> {
        let site = &*self.site;
        let newest = site.posts.first().and_then(|p| p.meta.date);
        let mut urls = vec![(Cow::Borrowed("/"), newest)];
        let blog = site.config.posts.enabled;
        if blog {
            let pages = 1..=site.post_pages();
            urls.extend(pages.map(|n| (Cow::Owned(Site::posts_page_path(n).into()), None)));
        }
        let listed = |draft: bool, date: Option<Date>| !site.preview_only(draft, date);
        for p in site
            .posts
            .iter()
            .chain(&site.pages)
            .filter(|p| listed(p.meta.draft, p.meta.date))
        {
            urls.push((Cow::Borrowed(&p.path), p.meta.updated.or(p.meta.date)));
        }
        if blog {
            urls.push((Cow::Borrowed("/tags/"), None));
        }
        for (i, tag) in site.tags.iter().enumerate() {
            let tag_page = UrlPath::page(&tag.path);
            urls.extend(
                (1..=site.tag_pages(i))
                    .map(|n| (Cow::Owned(tag_page.listing_page(n).into()), None)),
            );
        }
        urls.push((Cow::Owned(site.wall_path().into()), None));
        urls.extend(
            site.shoutouts
                .iter()
                .filter(|s| listed(s.meta.draft, None))
                .map(|s| (Cow::Borrowed(s.path.as_str()), s.meta.date)),
        );
        urls.extend(
            site.segments
                .iter()
                .filter(|s| !s.meta.noindex && listed(s.meta.draft, None))
                .map(|s| (Cow::Borrowed(s.path.as_str()), None)),
        );
        urls
    }
}

/// A feed a page advertises in its `<head>`.
#[derive(Debug, Serialize)]
pub(super) struct FeedLink {
    /// Its media type.
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    /// Its URL, with the base path.
    url: String,
}

/// A sitemap `<url>`.
#[derive(Debug, Serialize)]
pub(super) struct SitemapEntry {
    permalink: String,
    lastmod: Option<String>,
}
