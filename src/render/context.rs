//! The template context: plain serde views of the resolved site.
//!
//! Templates see views, not the model: URLs already joined with the base URL, the
//! visibility decision already applied (a shout-out's name is simply absent when it may
//! not be shown, see [`crate::visibility`]), the quote already sanitised. So a theme cannot leak what the honesty rules hide, and a
//! theme author can dump any view as JSON to see what is there.

use std::borrow::Cow;

use serde::Serialize;

use crate::content::{Page, Relationship, Segment, Shoutout};
use crate::markdown::{Rendered, TocEntry};
use crate::site::{Site, Tag};
use crate::url::BaseUrl;
use crate::visibility::Visibility;

use super::images::{Avatar, ImageView};

/// What a site path may not carry into a URL as it is (non-ASCII is always encoded).
/// `%`, `?` and `#` stay: a path given with a query or fragment keeps them.
const URL_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// Joins site paths with the base URL.
#[derive(Debug, Clone)]
pub struct Urls {
    base: BaseUrl,
}

impl Urls {
    /// For `site`'s config.
    pub fn new(site: &Site) -> Urls {
        Urls::at(site.config.base_url.clone())
    }

    /// Below `base`.
    pub fn at(base: BaseUrl) -> Urls {
        Urls { base }
    }

    /// `/posts/x/` -> `/shop/posts/x/`; external URLs are returned as they are. Letters
    /// outside ASCII (slugs keep them, see [`crate::slug`]) are percent-encoded, as URLs in
    /// sitemaps and feeds must be: `/tags/日本語/` -> `/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/`.
    pub fn url(&self, path: &str) -> String {
        if path.contains("://") || path.starts_with("mailto:") || path.starts_with('#') {
            return path.to_string();
        }
        let path = path.trim_start_matches('/');
        let path = percent_encoding::utf8_percent_encode(path, URL_UNSAFE);
        format!("{}/{path}", self.base.path())
    }

    /// `/posts/x/` -> `https://example.com/shop/posts/x/`.
    pub fn permalink(&self, path: &str) -> String {
        self.absolute(&self.url(path))
    }

    /// A URL made by [`Urls::url`] (`/shop/x.jpg`) with the origin in front; an outside
    /// URL as it is.
    pub fn absolute(&self, url: &str) -> String {
        if url.contains("://") {
            url.to_string()
        } else {
            format!("{}{url}", self.base.origin())
        }
    }
}

/// A name with a URL: a tag or segment on a post.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Shown text.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Site URL.
    pub url: String,
}

/// A post or page. In listings (`with_content` false) the body-only fields (`content`
/// empty, `toc` and `word_count` absent) are left out, so a listing changes only when
/// what it shows changes: front matter, URL, summary or reading time.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    /// "post" or "page".
    pub kind: &'static str,
    /// Title.
    pub title: &'a str,
    /// Meta description.
    pub description: Option<&'a str>,
    /// RFC 3339.
    pub date: Option<String>,
    /// RFC 3339.
    pub updated: Option<String>,
    /// Site URL (with base path).
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Path below the base URL.
    pub path: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Tags with their pages.
    pub tags: Vec<LinkView>,
    /// Segments with their pages.
    pub segments: Vec<LinkView>,
    /// Author names.
    pub authors: &'a [String],
    /// Social card image, absolute.
    pub image: Option<String>,
    /// HTML before `<!-- more -->`, if marked.
    pub summary: Option<&'a str>,
    /// The whole body as HTML (empty in listings).
    pub content: Cow<'a, str>,
    /// Headings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<&'a [TocEntry]>,
    /// Words of prose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word_count: Option<usize>,
    /// Minutes, at 200 words a minute, at least 1.
    pub reading_time: usize,
    /// Front matter `[extra]`.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// Source file below `content/`.
    pub source: &'a str,
}

impl<'a> PageView<'a> {
    /// A view of `page`; `with_content` is false for listings.
    pub fn new(
        site: &Site,
        urls: &Urls,
        page: &'a Page,
        body: &'a Rendered,
        with_content: bool,
    ) -> Self {
        let segment_links = page
            .meta
            .segments
            .iter()
            .filter_map(|slug| site.segments.iter().find(|s| &s.slug == slug))
            .map(|s| LinkView {
                name: s.meta.title.clone(),
                slug: s.slug.clone(),
                url: urls.url(&s.path),
            })
            .collect();
        PageView {
            kind: match page.kind {
                crate::content::PageKind::Post => "post",
                crate::content::PageKind::Page => "page",
            },
            title: &page.meta.title,
            description: page.meta.description.as_deref(),
            date: page.meta.date.map(|d| d.rfc3339()),
            updated: page.meta.updated.map(|d| d.rfc3339()),
            url: urls.url(&page.path),
            permalink: urls.permalink(&page.path),
            path: &page.path,
            slug: &page.slug,
            tags: page
                .meta
                .tags
                .iter()
                .map(|t| tag_link(site, urls, t))
                .collect(),
            segments: segment_links,
            authors: &page.meta.authors,
            image: page
                .meta
                .image
                .as_deref()
                .map(|i| image_url(urls, &page.path, i)),
            summary: body.summary.as_deref(),
            content: if with_content {
                body.html.read()
            } else {
                Cow::Borrowed("")
            },
            toc: with_content.then_some(body.toc.as_slice()),
            word_count: with_content.then_some(body.words),
            reading_time: reading_minutes(body.words),
            extra: &page.meta.extra,
            source: &page.source.content_path,
        }
    }
}

fn tag_link(site: &Site, urls: &Urls, name: &str) -> LinkView {
    let slug = site.slug(name);
    let path = site
        .tags
        .iter()
        .find(|t| t.slug == slug)
        .map_or_else(|| format!("/tags/{slug}/"), |t| t.path.clone());
    LinkView {
        name: name.to_string(),
        slug,
        url: urls.url(&path),
    }
}

/// An image given relative to a page (bundle) or the site, as an absolute URL.
fn image_url(urls: &Urls, page_path: &str, image: &str) -> String {
    if image.contains("://") || image.starts_with('/') {
        urls.permalink(image)
    } else {
        urls.permalink(&format!("{page_path}{image}"))
    }
}

/// Minutes to read `words`, never zero.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// A shout-out as a card: everything consent governs comes from its [`Visibility`].
#[derive(Debug, Clone, Serialize)]
pub struct ShoutoutView<'a> {
    /// Slug; the card's anchor is `shoutout-<slug>`.
    pub slug: &'a str,
    /// Anchor id on the wall.
    pub anchor: String,
    /// Site URL of its own page.
    pub url: String,
    /// Absolute URL of its own page.
    pub permalink: String,
    /// Who said it, as it may be shown: the name, or "A customer in Leeds".
    pub display_name: &'a str,
    /// The name, only if the consent covers it.
    pub customer: Option<&'a str>,
    /// Only with the name in scope.
    pub company: Option<&'a str>,
    /// Only with the name in scope.
    pub role: Option<&'a str>,
    /// Location.
    pub location: Option<&'a str>,
    /// Initials (or "?" without a name), for the avatar placeholder.
    pub initials: &'a str,
    /// Photo URL, only with "photo" in scope: a variant twice the card's size when the
    /// photo is a site file.
    pub avatar: Option<String>,
    /// The same as WebP, when there is one.
    pub avatar_webp: Option<String>,
    /// 1-5, shown on the card whoever gave it.
    pub rating: Option<u8>,
    /// Whether the rating counts in averages (a customer's).
    pub rating_counts: bool,
    /// Whether it is `Review` markup: a rated customer shout-out about a product.
    pub review: bool,
    /// RFC 3339.
    pub date: Option<String>,
    /// For feeds: the date given, else the consent date (RFC 3339).
    pub updated: String,
    /// The quote as sanitised HTML.
    pub quote: String,
    /// The quote as plain text (for meta tags and JSON-LD).
    pub quote_text: String,
    /// Product it is about.
    pub product: Option<&'a str>,
    /// Original source name, only with the name in scope.
    pub source_name: Option<&'a str>,
    /// Original source URL (http or https), only with the name in scope.
    pub source_url: Option<&'a str>,
    /// A video of the customer (http or https), only with name and photo in scope.
    pub video_url: Option<&'a str>,
    /// Featured.
    pub featured: bool,
    /// Relationship, snake_case.
    pub relationship: Relationship,
    /// Disclosure line, for anything but a plain customer.
    pub disclosure: Option<String>,
    /// Segments with their pages.
    pub segments: Vec<LinkView>,
    /// Tags.
    pub tags: &'a [String],
    /// Front matter `[extra]`.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> ShoutoutView<'a> {
    /// A card for `shoutout`, shown as `shown` decides, whose body rendered to `body`.
    pub fn new(
        site: &Site,
        urls: &Urls,
        shoutout: &'a Shoutout,
        shown: &'a Visibility,
        body: &Rendered,
        avatar: Option<&Avatar>,
    ) -> Self {
        let meta = &shoutout.meta;
        let identity = shown.identity.as_ref();
        let quote = sanitize_quote(&body.html);
        ShoutoutView {
            slug: shoutout.public_slug(),
            anchor: format!("shoutout-{}", shoutout.public_slug()),
            url: urls.url(&shoutout.path),
            permalink: urls.permalink(&shoutout.path),
            display_name: &shown.display_name,
            initials: &shown.initials,
            customer: identity.map(|i| i.customer.as_str()),
            company: identity.and_then(|i| i.company.as_deref()),
            role: identity.and_then(|i| i.role.as_deref()),
            location: meta.location.as_deref(),
            avatar: avatar.map(|a| a.src.clone()),
            avatar_webp: avatar.and_then(|a| a.webp.clone()),
            rating: shown.rating,
            rating_counts: shown.counted_rating.is_some(),
            review: shown.review,
            date: meta.date.map(|d| d.rfc3339()),
            updated: meta
                .date
                .or(meta.consent.as_ref().map(|c| c.date))
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339()),
            quote_text: plain_text(&quote),
            quote,
            product: meta.product.as_deref(),
            source_name: identity.and_then(|i| i.source_name.as_deref()),
            source_url: identity.and_then(|i| i.source_url.as_deref()),
            video_url: shown.video_url.as_deref(),
            featured: meta.featured,
            relationship: meta.relationship,
            disclosure: disclosure(site, shoutout),
            segments: meta
                .segments
                .iter()
                .filter_map(|slug| site.segments.iter().find(|s| &s.slug == slug))
                .map(|s| LinkView {
                    name: s.meta.title.clone(),
                    slug: s.slug.clone(),
                    url: urls.url(&s.path),
                })
                .collect(),
            tags: &meta.tags,
            extra: &meta.extra,
        }
    }
}

pub(super) fn disclosure(site: &Site, shoutout: &Shoutout) -> Option<String> {
    if let Some(text) = &shoutout.meta.disclosure {
        return Some(text.clone());
    }
    let key = match shoutout.meta.relationship {
        Relationship::Customer => return None,
        Relationship::FreeProduct => "disclosure_free_product",
        Relationship::Employee => "disclosure_employee",
        Relationship::Family => "disclosure_family",
        Relationship::Paid => "disclosure_paid",
        Relationship::Affiliate => "disclosure_affiliate",
    };
    Some(site.strings.say(key, &[("business", &site.config.title)]))
}

/// Customer words are untrusted: keep formatting, drop scripts, handlers, frames and
/// `javascript:` URLs, and make links safe to follow. Linear in the quote's size: elements
/// nested deeper than [`MAX_HTML_DEPTH`] are unwrapped first.
pub fn sanitize_quote(html: &str) -> String {
    use crate::markdown::nesting::MAX_HTML_DEPTH;
    // Building the sanitiser's tables once, not per quote.
    static SANITISER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let sanitiser = SANITISER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder.rm_tags(&["img"]).link_rel(None);
        builder
    });
    // The sanitiser's parser is quadratic in nesting depth: bound it first (a no-op for
    // any quote that nests less than 64 levels).
    let html = crate::markdown::nesting::limit_html_nesting(html, MAX_HTML_DEPTH);
    // `rel` is added only to links that kept an `href` (a bare `<a rel>` is invalid HTML).
    sanitiser.clean(&html).to_string().replace(
        "<a href=\"",
        "<a rel=\"nofollow noopener noreferrer\" href=\"",
    )
}

/// Text content of a small HTML fragment, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A segment landing page.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentView<'a> {
    /// Slug.
    pub slug: &'a str,
    /// Name.
    pub title: &'a str,
    /// Meta description.
    pub description: Option<&'a str>,
    /// Big line.
    pub headline: Option<&'a str>,
    /// Paragraph under it.
    pub lede: Option<&'a str>,
    /// Call to action, URL joined with the base path.
    pub cta: Option<LinkView>,
    /// Hero image URL (its largest variant, when it is a site file).
    pub hero: Option<String>,
    /// Everything a responsive hero `<img>` needs.
    pub hero_image: Option<&'a ImageView>,
    /// Site URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Ask search engines not to index it.
    pub noindex: bool,
    /// The copy as HTML (empty in listings).
    pub content: Cow<'a, str>,
    /// Front matter `[extra]`.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> SegmentView<'a> {
    /// A view of `segment`.
    pub fn new(
        urls: &Urls,
        segment: &'a Segment,
        body: &'a Rendered,
        with_content: bool,
        hero: Option<&'a ImageView>,
    ) -> Self {
        SegmentView {
            slug: &segment.slug,
            title: &segment.meta.title,
            description: segment.meta.description.as_deref(),
            headline: segment.meta.headline.as_deref(),
            lede: segment.meta.lede.as_deref(),
            cta: segment.meta.cta.as_ref().map(|c| LinkView {
                name: c.label.clone(),
                slug: String::new(),
                url: urls.url(&c.url),
            }),
            hero: hero.map(|h| h.src.clone()),
            hero_image: hero,
            url: urls.url(&segment.path),
            permalink: urls.permalink(&segment.path),
            noindex: segment.meta.noindex,
            content: if with_content {
                body.html.read()
            } else {
                Cow::Borrowed("")
            },
            extra: &segment.meta.extra,
        }
    }
}

/// A tag with its post count.
#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    /// As written.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Site URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Posts with it.
    pub count: usize,
}

impl TagView {
    /// A view of `tag`.
    pub fn new(urls: &Urls, tag: &Tag) -> Self {
        TagView {
            name: tag.name.clone(),
            slug: tag.slug.clone(),
            url: urls.url(&tag.path),
            permalink: urls.permalink(&tag.path),
            count: tag.posts.len(),
        }
    }
}

/// Ratings for honest aggregates: only customers' ratings count (FTC 16 CFR 465,
/// Google's review-snippet rules); the others are counted apart so a page can say how
/// many were left out and why.
#[derive(Debug, Clone, Serialize)]
pub struct RatingStats {
    /// Published shout-outs.
    pub count: usize,
    /// Of which rated by a customer: the ratings the average is over.
    pub rated: usize,
    /// Mean of the customers' ratings, rounded to one decimal (0 without any).
    pub average: f64,
    /// Rated, but not counted: insiders' and free-product ratings.
    pub left_out: usize,
}

impl RatingStats {
    /// Over all of `site`'s published shout-outs.
    pub fn new(site: &Site) -> Self {
        RatingStats::over(&*site.shown)
    }

    fn over<'v>(shown: impl IntoIterator<Item = &'v Visibility>) -> Self {
        let mut count = 0;
        let mut left_out = 0;
        let mut counted = Vec::new();
        for v in shown {
            count += 1;
            match (v.counted_rating, v.rating) {
                (Some(r), _) => counted.push(f64::from(r)),
                (None, Some(_)) => left_out += 1,
                (None, None) => {}
            }
        }
        RatingStats {
            count,
            rated: counted.len(),
            average: mean(counted.into_iter()),
            left_out,
        }
    }
}

/// Ratings of one product, over every published shout-out about it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductStats {
    /// The product's name, as written in `product`.
    pub name: String,
    /// Published shout-outs about it.
    pub count: usize,
    /// Of which rated by a customer.
    pub rated: usize,
    /// Mean of the customers' ratings, one decimal (0 without any).
    pub average: f64,
    /// Rated, but not counted: insiders' and free-product ratings.
    pub left_out: usize,
}

impl ProductStats {
    /// One entry per product, in order of first appearance on the wall.
    pub fn all(site: &Site) -> Vec<ProductStats> {
        let mut products: Vec<(&str, Vec<&Visibility>)> = Vec::new();
        for (shoutout, shown) in site.published_shoutouts() {
            let Some(name) = &shoutout.meta.product else {
                continue;
            };
            match products.iter_mut().find(|(n, _)| n == name) {
                Some((_, of)) => of.push(shown),
                None => products.push((name, vec![shown])),
            }
        }
        products
            .into_iter()
            .map(|(name, of)| {
                let stats = RatingStats::over(of);
                ProductStats {
                    name: name.to_string(),
                    count: stats.count,
                    rated: stats.rated,
                    average: stats.average,
                    left_out: stats.left_out,
                }
            })
            .collect()
    }
}

/// Mean rounded to one decimal; 0 for no values.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        (sum / n as f64 * 10.0).round() / 10.0
    }
}

/// `og:locale` wants `ll_CC` (`en_GB`), `language` is a BCP 47 tag (`en-GB`, `de`): the
/// region given, or the one a bare language is most often meant with.
pub fn og_locale(language: &str) -> String {
    let mut parts = language.split(['-', '_']).filter(|p| !p.is_empty());
    let lang = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    let region = region.unwrap_or_else(|| {
        let usual = match lang.as_str() {
            "en" => "US",
            "ja" => "JP",
            "sv" => "SE",
            "da" => "DK",
            "nb" | "nn" | "no" => "NO",
            "cs" => "CZ",
            "el" => "GR",
            "ko" => "KR",
            "zh" => "CN",
            "uk" => "UA",
            "he" => "IL",
            "hi" => "IN",
            "vi" => "VN",
            "ar" => "SA",
            "ga" => "IE",
            "cy" => "GB",
            _ => "",
        };
        if usual.is_empty() {
            lang.to_ascii_uppercase()
        } else {
            usual.to_string()
        }
    });
    format!("{lang}_{region}")
}

/// What every page's `<head>` needs, computed per page so `base.html` stays simple.
#[derive(Debug, Clone, Serialize)]
pub struct HeadView {
    /// `<title>` text.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Canonical absolute URL.
    pub canonical: String,
    /// `og:type`: "website" or "article".
    pub og_type: &'static str,
    /// The share image (`og:image`): the page's own image, else its card.
    pub image: Option<CardImage>,
    /// Ask search engines not to index.
    pub noindex: bool,
    /// A post's `article:published_time` (RFC 3339).
    pub published: Option<String>,
    /// A post's `article:modified_time`: `updated`, else its date.
    pub modified: Option<String>,
}

/// A page's share image, as `og:image` and its `width`, `height` and `alt` name it.
#[derive(Debug, Clone, Serialize)]
pub struct CardImage {
    /// Absolute URL.
    pub url: String,
    /// Pixels, when known (always for cards).
    pub width: Option<u32>,
    /// Pixels, when known.
    pub height: Option<u32>,
    /// What it shows.
    pub alt: String,
}

impl CardImage {
    /// An image the page names itself (a post's `image`, a segment's `hero`), of a size
    /// kudos does not measure: described by the page's title.
    pub fn own(url: &str, title: &str) -> CardImage {
        CardImage {
            url: url.to_string(),
            width: None,
            height: None,
            alt: title.to_string(),
        }
    }
}

/// One listing page of posts.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorView<'a> {
    /// 1-based.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Posts on this page.
    pub items: Vec<PageView<'a>>,
    /// URL of the previous page.
    pub previous: Option<String>,
    /// URL of the next page.
    pub next: Option<String>,
    /// A window of page links: see [`page_window`].
    pub pages: Vec<PageLink>,
}

/// A page number and its URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageLink {
    /// 1-based.
    pub number: usize,
    /// Site URL.
    pub url: String,
    /// Pages between the previous link and this one are left out (show an ellipsis).
    pub gap_before: bool,
}

/// How many pages on each side of the current one get a link.
const PAGE_WINDOW: usize = 2;

/// Links to the first and last page and to the pages around `current`: linking every
/// page from every page would grow with the square of the post count (1,000 listing
/// pages of 1,000 links each at 10k posts) and help no reader.
pub fn page_window(current: usize, total: usize, url: impl Fn(usize) -> String) -> Vec<PageLink> {
    let near = current.saturating_sub(PAGE_WINDOW).max(1)..=(current + PAGE_WINDOW).min(total);
    let mut numbers: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(total))
        .filter(|n| (1..=total).contains(n))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut previous = 0;
    numbers
        .into_iter()
        .map(|number| {
            let link = PageLink {
                number,
                url: url(number),
                gap_before: number > previous + 1,
            };
            previous = number;
            link
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_window_links_the_ends_and_the_neighbourhood() {
        let shown = |current, total| -> Vec<(usize, bool)> {
            page_window(current, total, |n| format!("/p/{n}/"))
                .into_iter()
                .map(|l| (l.number, l.gap_before))
                .collect()
        };
        assert_eq!(shown(1, 1), [(1, false)]);
        assert_eq!(
            shown(1, 4),
            [(1, false), (2, false), (3, false), (4, false)]
        );
        assert_eq!(
            shown(50, 1000),
            [
                (1, false),
                (48, true),
                (49, false),
                (50, false),
                (51, false),
                (52, false),
                (1000, true)
            ]
        );
        assert_eq!(
            shown(1000, 1000),
            [(1, false), (998, true), (999, false), (1000, false)]
        );
        assert_eq!(page_window(2, 3, |n| n.to_string())[1].url, "2");
    }

    #[test]
    fn og_locales_are_language_underscore_region() {
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("de"), "de_DE");
        assert_eq!(og_locale("pt-br"), "pt_BR");
        assert_eq!(og_locale("zh-Hant-TW"), "zh_TW");
        assert_eq!(og_locale("sv"), "sv_SE");
    }

    #[test]
    fn urls_honour_the_base_path() {
        let urls = Urls::at(BaseUrl::parse("https://example.com/shop").unwrap());
        assert_eq!(urls.url("/posts/a/"), "/shop/posts/a/");
        assert_eq!(urls.url("atom.xml"), "/shop/atom.xml");
        assert_eq!(urls.permalink("/"), "https://example.com/shop/");
        assert_eq!(urls.url("https://other.org/x"), "https://other.org/x");
    }

    #[test]
    fn quotes_lose_scripts_handlers_frames_and_js_links() {
        let dirty = "<p>Hi<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a><iframe src=\"https://e.vil\"></iframe></p>";
        let clean = sanitize_quote(dirty);
        for bad in ["<script", "onerror", "javascript:", "<iframe", "<img"] {
            assert!(!clean.contains(bad), "{bad} in {clean}");
        }
        assert!(clean.contains("Hi"));
    }

    #[test]
    fn a_deeply_nested_quote_is_flattened_past_the_depth_limit() {
        let options = crate::markdown::MarkdownOptions {
            smart_punctuation: true,
            heading_anchors: true,
            slugs: crate::slug::SlugStyle::KeepLetters,
        };
        let body = format!("{} deep", ">".repeat(20_000));
        let html = crate::markdown::render(&body, options, &|_: &str| None).html;
        let clean = sanitize_quote(&html);
        assert_eq!(clean.matches("<blockquote>").count(), 64);
        assert_eq!(clean.matches("</blockquote>").count(), 64);
        assert!(clean.contains("deep"), "{clean}");
    }

    #[test]
    fn plain_text_drops_tags_and_entities() {
        assert_eq!(plain_text("<p>Good &amp; <em>kind</em></p>"), "Good & kind");
    }
}
