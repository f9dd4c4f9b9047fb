//! Segment landing pages: one per kind of customer, with its own headline, call to
//! action and the shout-outs of customers like the visitor.

use serde::{Deserialize, Serialize};

use super::Source;

/// A call-to-action button.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    /// Button text.
    pub label: String,
    /// Where it goes; a path starting with `/` is inside the site.
    pub url: String,
}

/// Front matter of a segment page; the body is its copy.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentMeta {
    /// Required: the segment's name ("New parents").
    pub title: String,
    /// Meta description. Empty counts as none.
    #[serde(default, deserialize_with = "super::non_empty")]
    pub description: Option<String>,
    /// The big line at the top. Empty counts as none.
    #[serde(default, deserialize_with = "super::non_empty")]
    pub headline: Option<String>,
    /// The paragraph under it. Empty counts as none.
    #[serde(default, deserialize_with = "super::non_empty")]
    pub lede: Option<String>,
    /// The call to action.
    #[serde(default)]
    pub cta: Option<Cta>,
    /// Hero image URL.
    #[serde(default)]
    pub hero: Option<String>,
    /// Extra matching: shout-outs with these tags also belong here.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How many shout-outs the page shows (default: `[shoutouts] per_page`).
    #[serde(default)]
    pub shoutout_limit: Option<usize>,
    /// How many of its newest posts the page shows (default: `[build] paginate`).
    #[serde(default)]
    pub post_limit: Option<usize>,
    /// Shout-out slugs shown first.
    #[serde(default)]
    pub featured_shoutouts: Vec<String>,
    /// Ask search engines not to index it.
    #[serde(default)]
    pub noindex: bool,
    /// Order among segments (lower first), then by title.
    #[serde(default)]
    pub weight: i64,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Template file name overriding `segment.html`.
    #[serde(default)]
    pub template: Option<String>,
    /// Anything, for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A segment as loaded from disk.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Where it came from.
    pub source: Source,
    /// Its front matter.
    pub meta: SegmentMeta,
    /// The slug used in URLs and in `segments = [...]`.
    pub slug: String,
    /// URL path below the base URL.
    pub path: String,
}
