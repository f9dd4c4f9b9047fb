//! Pages and listings: the context each HTML route's template gets (posts, pages and
//! their variants, segment landing pages, the wall and its filters, paginators).

use serde::Serialize;
use tera::{Context, Value};

use crate::site::{ItemRef, Route, Site, page_range};
use crate::url::UrlPath;

use super::context::{
    CardImage, HeadView, PageLink, PageView, PaginatorView, SegmentView, ShoutoutView, Urls,
    page_window,
};
use super::{Renderer, jsonld};

impl Renderer {
    /// A post or page, or one of its segment variants.
    pub(super) fn page_context(&self, job: &Route, ctx: &mut Context) {
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
            job,
            &page.meta.title,
            page.meta.description.as_deref(),
            &page.path,
            og,
        );
        if let Some(own) = &view.image {
            head.image = Some(CardImage::own(own, &page.meta.title));
        }
        if let ItemRef::Post(i) = item {
            ctx.insert_value("related", self.post_values(&site.related[i]));
        }
        if is_post {
            head.published = view.date.clone();
            head.modified = view.updated.clone().or_else(|| view.date.clone());
            if variant.is_none() {
                let home = self.urls.permalink("/");
                let posts = self.urls.permalink("/posts/");
                let posts_title = posts_title(site);
                ctx.insert(
                    "jsonld",
                    &jsonld::for_post(&view, &site.config.title, (&home, &posts), &posts_title),
                );
            }
        }
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
    pub(super) fn segment_context(&self, i: usize, ctx: &mut Context) {
        let site = &*self.site;
        let segment = &site.segments[i];
        let hero = self.heroes[i].as_ref();
        let view = SegmentView::new(&self.urls, segment, &self.bodies.segments[i], true, hero);
        let description = segment
            .meta
            .description
            .as_deref()
            .or(segment.meta.lede.as_deref());
        let mut head = self.head(
            &Route::Segment(i),
            &segment.meta.title,
            description,
            &segment.path,
            "website",
        );
        head.noindex = segment.meta.noindex;
        let own_card = self.cards.segments.get(i).is_some_and(Option::is_some);
        if !own_card && let Some(hero) = &view.hero {
            // No card of its own (`[cards] segments = false`): the hero beats the site's.
            head.image = Some(CardImage::own(
                &self.urls.absolute(hero),
                &segment.meta.title,
            ));
        }
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

    /// `/shoutouts/how-we-collect/`: the facts the sentences need, from the config (the
    /// words are the theme's, in the site's language).
    pub(super) fn policy_context(&self, job: &Route, path: &str, ctx: &mut Context) {
        let site = &*self.site;
        let config = &site.config.shoutouts;
        let title = site.strings.say("policy_title", &[]);
        ctx.insert("head", &self.head(job, &title, None, path, "website"));
        let contact = config.contact.trim();
        let contact_url = if contact.contains('@') && !contact.contains(':') {
            Some(format!("mailto:{contact}"))
        } else {
            (!contact.is_empty()).then(|| contact.to_string())
        };
        let contact_text = contact.strip_prefix("mailto:").unwrap_or(contact);
        let policy = PolicyView {
            consent_required: config.require_consent,
            contact: contact_text.to_string(),
            contact_url,
            collection: Some(config.collection.trim()).filter(|t| !t.is_empty()),
            verification: Some(config.verification.trim()).filter(|t| !t.is_empty()),
            published: site.shoutouts.len(),
        };
        ctx.insert("policy", &policy);
    }

    /// An embeddable page of cards (the wall's, or a segment's), made to sit in an
    /// `<iframe>` on another site: the same cards and disclosures as the wall.
    pub(super) fn embed_context(
        &self,
        job: &Route,
        segment: Option<usize>,
        path: &str,
        ctx: &mut Context,
    ) {
        let site = &*self.site;
        let (members, limit, more) = match segment {
            Some(i) => (
                &site.segment_shoutouts[i],
                site.segments[i]
                    .meta
                    .shoutout_limit
                    .unwrap_or(site.config.shoutouts.per_page),
                UrlPath::page(&site.segments[i].path),
            ),
            None => (
                &(0..site.shoutouts.len()).collect::<Vec<_>>(),
                site.config.shoutouts.per_page,
                site.wall_path(),
            ),
        };
        let title = match segment {
            Some(i) => site.segments[i].meta.title.clone(),
            None => site.strings.say("wall_title", &[]),
        };
        let head = HeadView {
            noindex: true,
            ..self.head(job, &title, None, path, "website")
        };
        ctx.insert("head", &head);
        let cards: Vec<Value> = members
            .iter()
            .take(limit)
            .map(|&s| self.lists.shoutouts[s].clone())
            .collect();
        ctx.insert_value("cards", Value::from(cards));
        ctx.insert("total", &members.len());
        ctx.insert("more_url", &self.urls.permalink(&more));
        if let Some(i) = segment {
            let view = SegmentView::new(
                &self.urls,
                &site.segments[i],
                &self.bodies.segments[i],
                false,
                self.heroes[i].as_ref(),
            );
            ctx.insert_value("segment", Value::from_serializable(&view));
        }
    }

    /// The wall (paginated) and its filter pages, which work without JavaScript.
    pub(super) fn wall_context(&self, job: &Route, path: &str, ctx: &mut Context) {
        let site = &*self.site;
        let everyone: Vec<usize>;
        let (members, first, filter, page): (&[usize], _, _, _) = match job {
            Route::Wall(n) => {
                everyone = (0..site.shoutouts.len()).collect();
                (&everyone, site.wall_path(), None, *n)
            }
            Route::WallSegment(i, n) => (
                &site.segment_shoutouts[*i],
                site.wall_segment_path(*i),
                Some(site.segments[*i].meta.title.clone()),
                *n,
            ),
            Route::WallTag(slug, n) => {
                let tag = site.shoutout_tag(slug);
                let name = tag.map_or(slug.as_str(), |tag| tag.name.as_str());
                (
                    tag.map_or(&[][..], |tag| &tag.members),
                    site.wall_tag_path(slug),
                    Some(format!("#{name}")),
                    *n,
                )
            }
            _ => unreachable!("render_wall is only called for wall pages"),
        };
        let pages = site.wall_filter_pages(members.len());
        let members = &members[page_range(members.len(), page, site.config.shoutouts.per_page)];
        let title = section_title(site, "shoutouts")
            .map_or_else(|| site.strings.say("wall_title", &[]), str::to_string);
        let shown = match &filter {
            Some(f) => paged_title(site, format!("{title}: {f}"), page),
            None => paged_title(site, title, page),
        };
        ctx.insert("head", &self.head(job, &shown, None, path, "website"));
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
                    self.avatars[s].as_ref(),
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
    pub(super) fn listing_paginator(
        &self,
        first: &UrlPath,
        current: usize,
        total: usize,
    ) -> ListingPaginator {
        let link = |n: usize| self.urls.url(&first.listing_page(n));
        ListingPaginator {
            current,
            total,
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < total).then(|| link(current + 1)),
            pages: page_window(current, total, link),
        }
    }

    /// The wall's filter links, with the one for `current` marked.
    pub(super) fn wall_filters(&self, current: &str) -> WallFilters {
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

    pub(super) fn post_values(&self, indices: &[usize]) -> Value {
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

    pub(super) fn section_value(&self, dir: &str) -> Value {
        #[derive(Serialize)]
        struct SectionView<'s> {
            title: Option<&'s str>,
            description: Option<&'s str>,
            content: std::borrow::Cow<'s, str>,
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
                .map_or(std::borrow::Cow::Borrowed(""), |b| b.html.read()),
            extra: section.map(|s| &s.meta.extra),
        })
    }

    pub(super) fn posts_paginator(&self, current: usize) -> PaginatorView<'_> {
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
}

/// A listing's title, with the page number from page 2 on.
pub(super) fn paged_title(site: &Site, title: String, page: usize) -> String {
    if page > 1 {
        let page = page.to_string();
        site.strings
            .say("page_numbered", &[("title", &title), ("page", &page)])
    } else {
        title
    }
}

/// The posts listing's title: its `_index.md` title, or "Posts" in the site's language.
pub(super) fn posts_title(site: &Site) -> String {
    section_title(site, "posts").map_or_else(|| site.strings.say("posts", &[]), str::to_string)
}

/// What the policy page states, from `[shoutouts]`.
#[derive(Debug, Serialize)]
struct PolicyView<'a> {
    /// Without consent nothing is published (`require_consent`).
    consent_required: bool,
    /// Where to ask for a shout-out to be withdrawn, as shown; empty when not given.
    contact: String,
    /// The same as a link (`mailto:` for an address).
    contact_url: Option<String>,
    /// The site's own words on how shout-outs are collected.
    collection: Option<&'a str>,
    /// The site's own words on how they are checked.
    verification: Option<&'a str>,
    /// How many shout-outs are published.
    published: usize,
}

/// One filter link on the wall.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FilterLink {
    name: String,
    url: String,
    count: usize,
    active: bool,
}

/// The wall's filters: by segment and by tag, each a real page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct WallFilters {
    all: FilterLink,
    segments: Vec<FilterLink>,
    tags: Vec<FilterLink>,
}

/// Page links of a listing (the wall, its filter pages, a tag's posts): what
/// [`PaginatorView`] is without the items, which these templates get on their own.
#[derive(Debug, Serialize)]
pub(super) struct ListingPaginator {
    current: usize,
    total: usize,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

/// The wall's filter links (none active), computed once per build: counting every tag's
/// shout-outs on every wall page would be quadratic.
pub(super) fn build_wall_filters(site: &Site, urls: &Urls) -> WallFilters {
    let filter = |name: String, path: UrlPath, count: usize| FilterLink {
        active: false,
        url: urls.url(&path),
        name,
        count,
    };
    WallFilters {
        all: filter(
            site.strings.say("all_filter", &[]),
            site.wall_path(),
            site.shoutouts.len(),
        ),
        segments: site
            .segments
            .iter()
            .zip(&*site.segment_shoutouts)
            .enumerate()
            .map(|(i, (s, members))| {
                filter(
                    s.meta.title.clone(),
                    site.wall_segment_path(i),
                    members.len(),
                )
            })
            .collect(),
        tags: site
            .shoutout_tags()
            .iter()
            .map(|tag| {
                let path = site.wall_tag_path(&tag.slug);
                filter(tag.name.clone(), path, tag.members.len())
            })
            .collect(),
    }
}

pub(super) fn section_title<'s>(site: &'s Site, dir: &str) -> Option<&'s str> {
    site.sections.get(dir).and_then(|s| s.meta.title.as_deref())
}
