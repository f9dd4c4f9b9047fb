//! The shout-outs already in the folder, so an import can be repeated without duplicates.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::SHOUTOUTS;
use crate::content::front_matter;
use crate::error::Result;
use crate::slug::SlugStyle;
use crate::walk::{Dotfiles, SiteBounds, walk};

/// What makes two shout-outs the same: the customer (case aside) and the quote, both with
/// whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Key(String, String);

impl Key {
    pub(super) fn new(customer: &str, quote: &str) -> Key {
        Key(collapse(customer).to_lowercase(), collapse(quote))
    }
}

/// Whitespace runs folded to one space, ends trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The shout-outs already in the folder.
#[derive(Debug, Default)]
pub(super) struct Existing {
    /// Who said what, and in which file.
    pub(super) keys: HashMap<Key, Found>,
    /// Slugs in use, by file name or `slug` key.
    pub(super) slugs: HashSet<String>,
}

/// A shout-out already in the folder, as far as the import needs to know it.
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// As shown to the user: `content/shoutouts/ada.md`.
    pub(super) shown: String,
    /// Where it is.
    pub(super) path: PathBuf,
    /// The scope of its consent as written, if it has consent.
    pub(super) consent: Option<Vec<String>>,
    /// Whether its consent was withdrawn.
    pub(super) withdrawn: bool,
}

/// Just the keys of an existing shout-out the import needs, read leniently (consent as
/// any value): a file `kudos build` would refuse still counts as imported, and a file
/// this cannot read at all still claims its slug.
#[derive(Deserialize)]
pub(super) struct Who {
    #[serde(default)]
    pub(super) customer: Option<String>,
    #[serde(default)]
    pub(super) slug: Option<String>,
    #[serde(default)]
    consent: Option<serde_json::Value>,
    #[serde(default)]
    withdrawn: Option<serde_json::Value>,
}

impl Who {
    /// The consent's scope words (`["quote", "name"]` when it names none, as when
    /// loading).
    fn scope(&self) -> Option<Vec<String>> {
        let consent = self.consent.as_ref()?;
        let words = match consent.get("scope").and_then(|s| s.as_array()) {
            Some(scope) => scope
                .iter()
                .map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_string))
                .collect(),
            None => ["quote", "name"].map(String::from).to_vec(),
        };
        Some(words)
    }
}

/// Reads every shout-out file in `dir` (none if it does not exist yet) for its key and slug.
pub(super) fn scan_existing(dir: &Path, bounds: &SiteBounds, slugs: SlugStyle) -> Result<Existing> {
    let mut existing = Existing::default();
    for path in walk(dir, bounds, Dotfiles::Skip)?.files {
        let path = path.as_path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let stem = if path.file_name().is_some_and(|n| n == "index.md") {
            path.parent().and_then(Path::file_name)
        } else {
            path.file_stem()
        };
        if let Some(stem) = stem {
            existing
                .slugs
                .insert(slugs.slugify(&stem.to_string_lossy()));
        }
        let relative = path.strip_prefix(dir).unwrap_or(path);
        let shown = Path::new(SHOUTOUTS).join(relative);
        let shown = crate::content::slash_path(&shown);
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text: Arc<str> = Arc::from(text);
        let Ok(split) = front_matter::split(Path::new(&shown), &text) else {
            continue;
        };
        let Ok(who) = front_matter::parse::<Who>(Path::new(&shown), &text, &split) else {
            continue;
        };
        if let Some(slug) = &who.slug {
            existing.slugs.insert(slugs.slugify(slug));
        }
        if let Some(customer) = &who.customer {
            existing
                .keys
                .entry(Key::new(customer, split.body))
                .or_insert_with(|| Found {
                    shown,
                    path: path.to_path_buf(),
                    consent: who.scope(),
                    withdrawn: who.withdrawn.is_some(),
                });
        }
    }
    Ok(existing)
}
