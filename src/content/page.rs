//! Posts and plain pages: one type, because they share front matter and rendering; the
//! folder they live in (`content/posts/` or anywhere else) decides their kind.

use serde::{Deserialize, Serialize};

use super::{Date, Source};

/// Whether a page is a dated blog post or a plain page like `about.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// Under `content/posts/`: dated, listed, in feeds and tags.
    Post,
    /// Anywhere else: stands alone.
    Page,
}

/// Front matter of a post or page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Required.
    pub title: String,
    /// Required for posts; posts dated in the future wait unless `--drafts`.
    #[serde(default)]
    pub date: Option<Date>,
    /// Last meaningful change.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Meta description and listing blurb (empty counts as none).
    #[serde(default, deserialize_with = "super::non_empty")]
    pub description: Option<String>,
    /// Tag names.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Segment slugs whose landing pages list this post.
    #[serde(default)]
    pub segments: Vec<String>,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug taken from the file name.
    #[serde(default)]
    pub slug: Option<String>,
    /// Old URL paths that should redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Social card image, relative to the page or the site.
    #[serde(default)]
    pub image: Option<String>,
    /// Author names.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Template file name overriding the default for this kind.
    #[serde(default)]
    pub template: Option<String>,
    /// Segments to render extra tailored copies for, at `/for/<segment>/<path>/`.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Anything, for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl PageMeta {
    /// Whether `other` puts the page in the same place in the site, tags apart: published
    /// or not, the same URL, order, segments, variants and redirects. These and the tags
    /// are the fields resolving a site reads; the others (title, description, image...)
    /// only change how the page and its listing entries look. Tags are left out because
    /// they move a post only between tag lists, which `serve` updates in place
    /// ([`crate::site::Site::refresh_tags`]).
    pub fn same_placement_apart_from_tags(&self, other: &PageMeta) -> bool {
        self.date == other.date
            && self.draft == other.draft
            && self.slug == other.slug
            && self.segments == other.segments
            && self.variants == other.variants
            && self.aliases == other.aliases
    }
}

/// A post or page as loaded from disk.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it came from.
    pub source: Source,
    /// Post or page.
    pub kind: PageKind,
    /// Its front matter.
    pub meta: PageMeta,
    /// Last URL segment.
    pub slug: String,
    /// URL path below the base URL, with slashes: `/posts/hello/`.
    pub path: String,
}
