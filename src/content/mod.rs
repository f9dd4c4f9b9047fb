//! The content model and its loading: everything under `content/`, parsed but not yet
//! resolved against the rest of the site.
//!
//! Loading is per file and independent, so it runs in parallel and collects every bad
//! file's error instead of stopping at the first one.

pub mod data;
mod date;
pub mod front_matter;
mod load;
mod page;
mod segment;
mod shoutout;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::SourceError;

pub use date::Date;
pub use load::{ContentEdit, LoadCache, load, load_cached, slash_path};
pub use page::{Page, PageKind, PageMeta};
pub use segment::{Cta, Segment, SegmentMeta};
pub use shoutout::{
    Consent, ConsentScope, Relationship, Shoutout, ShoutoutMeta, check_avatar, check_link,
};

/// The file something was loaded from, kept for error messages and re-rendering.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, as shown to the user: `content/posts/hello.md`.
    pub path: PathBuf,
    /// Path relative to `content/` with forward slashes, as `@/` links name it.
    pub content_path: String,
    /// The whole file.
    pub text: Arc<str>,
    /// Byte offset where the markdown body starts.
    pub body_offset: usize,
    /// A hash of the content path and the whole text, the same in every process: caches
    /// key on it instead of hashing the text again, `serve`'s in memory and the build's
    /// rendered bodies on disk ([`crate::warm`]).
    pub revision: u64,
    /// Whether the body may contain shortcodes (checked once, at load).
    pub has_shortcodes: bool,
}

impl Source {
    /// The markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// Everything before the body: the front matter with its fences.
    pub fn front(&self) -> &str {
        &self.text[..self.body_offset]
    }
}

/// Reads an optional text field where an empty (or all-blank) value means "not set".
///
/// `description = ""` is what a half-filled template leaves behind; taken literally it
/// would give `<meta name="description" content="">` and hide the fallback (the site's
/// description), which is never what the author meant.
pub fn non_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(deserializer)?;
    Ok(value.filter(|text| !text.trim().is_empty()))
}

/// Front matter of an `_index.md`: copy for the home page or a section's listing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    /// Heading of the listing.
    #[serde(default)]
    pub title: Option<String>,
    /// Meta description of the listing (empty counts as none).
    #[serde(default, deserialize_with = "non_empty")]
    pub description: Option<String>,
    /// Anything, for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An `_index.md`: `content/_index.md` is the home page copy, `content/posts/_index.md`
/// the posts listing's, and so on.
#[derive(Debug, Clone)]
pub struct Section {
    /// Where it came from.
    pub source: Source,
    /// Its front matter.
    pub meta: SectionMeta,
    /// Folder below `content/` ("" for the home page).
    pub dir: String,
}

/// A non-markdown file under `content/`, copied into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Absolute path to read.
    pub from: PathBuf,
    /// Path relative to `content/` with forward slashes, as images in bodies name it.
    pub content_path: String,
    /// URL path below the base URL (no leading slash).
    pub to: String,
}

/// Everything under `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Posts and plain pages (shared: a rebuild reuses unchanged ones without copying).
    pub pages: Vec<Arc<Page>>,
    /// Customer shout-outs.
    pub shoutouts: Vec<Arc<Shoutout>>,
    /// Segment landing pages.
    pub segments: Vec<Arc<Segment>>,
    /// `_index.md` files.
    pub sections: Vec<Arc<Section>>,
    /// Files copied as they are (page bundle images and the like).
    pub assets: Vec<Asset>,
    /// Files that could not be read or parsed. Loading goes on without them, so that
    /// resolving can report its own problems in the same run; resolving fails with these.
    pub broken: Vec<BrokenFile>,
    /// Problems that do not stop the build: symbolic links that were not followed.
    pub warnings: Vec<SourceError>,
    /// `data/` files by name (see [`data`]).
    pub data: serde_json::Map<String, serde_json::Value>,
    /// Data and translation files that could not be read: reported with resolving's
    /// errors.
    pub data_errors: Vec<SourceError>,
    /// The words pages are written in: `language`'s table and the site's `i18n/` file.
    pub strings: Arc<crate::i18n::Strings>,
}

/// A markdown file of `content/` that could not be read or parsed.
#[derive(Debug, Clone)]
pub struct BrokenFile {
    /// Its path below `content/`, with slashes (what `@/` links name).
    pub content_path: String,
    /// The slug its file name gives (a `slug` key in its front matter cannot be known),
    /// so that a reference to it is not reported as missing too.
    pub slug: String,
    /// Why it could not be loaded.
    pub error: SourceError,
}
