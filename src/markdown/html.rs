//! A rendered body's HTML: made by this process, or kept on disk by an earlier build and
//! read only when something shows it.
//!
//! A warm build (`crate::warm`) takes most bodies from the last build's store, and most
//! of their pages are kept as they are: of 200 MB of HTML at 10k posts, a build after one
//! edit shows a few pages' worth. Listings, fingerprints and cards read a body's summary,
//! word count and revision, never its HTML, so the HTML stays on disk until a page, a
//! quote or an anchor check asks for it.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// Where stored HTML is read from. The store checks what it reads (its length, its hash,
/// UTF-8); when that fails it returns `None` and remembers why, and the build that read
/// it fails before it changes the output (the caller of this module's reader sees an
/// empty string meanwhile).
pub trait HtmlSource: Send + Sync {
    /// The `len` bytes at `at`, whose hash is `hash`.
    fn read(&self, at: u64, len: usize, hash: u64) -> Option<String>;
}

/// A body's HTML.
#[derive(Clone)]
pub struct Html(Repr);

#[derive(Clone)]
enum Repr {
    Made(String),
    Stored(Arc<Stored>),
}

/// HTML in a store, read on first use.
struct Stored {
    source: Arc<dyn HtmlSource>,
    at: u64,
    len: usize,
    hash: u64,
    /// `None` when the store could not give it.
    text: OnceLock<Option<String>>,
}

impl Html {
    /// HTML `len` bytes long at `at` in `source`, with `hash` ([`Html::hash`]).
    pub fn stored(source: Arc<dyn HtmlSource>, at: u64, len: usize, hash: u64) -> Html {
        Html(Repr::Stored(Arc::new(Stored {
            source,
            at,
            len,
            hash,
            text: OnceLock::new(),
        })))
    }

    /// The text, read from its store on first use (empty if the store failed, which
    /// fails the build that read it: see [`HtmlSource`]).
    pub fn as_str(&self) -> &str {
        self.try_str().unwrap_or_default()
    }

    /// The text, or `None` when its store could not give it.
    pub fn try_str(&self) -> Option<&str> {
        match &self.0 {
            Repr::Made(text) => Some(text),
            Repr::Stored(stored) => stored
                .text
                .get_or_init(|| stored.source.read(stored.at, stored.len, stored.hash))
                .as_deref(),
        }
    }

    /// The text, for a caller that uses it once (a page, the store's own copy): stored
    /// HTML not read before is read again on every call and not kept, so showing 10k
    /// bodies does not bring them all back into memory. Empty if the store failed.
    pub fn read(&self) -> Cow<'_, str> {
        self.try_read().unwrap_or_default()
    }

    /// [`Html::read`], or `None` when its store could not give it.
    pub fn try_read(&self) -> Option<Cow<'_, str>> {
        match &self.0 {
            Repr::Made(text) => Some(Cow::Borrowed(text)),
            Repr::Stored(stored) => match stored.text.get() {
                Some(text) => text.as_deref().map(Cow::Borrowed),
                None => stored
                    .source
                    .read(stored.at, stored.len, stored.hash)
                    .map(Cow::Owned),
            },
        }
    }

    /// The text, when it was made in memory (not read from a store).
    pub fn made(&self) -> Option<&str> {
        match &self.0 {
            Repr::Made(text) => Some(text),
            Repr::Stored(_) => None,
        }
    }

    /// Where the HTML is in `source` (at, length, hash), when it is stored there.
    pub fn stored_in(&self, source: &Arc<dyn HtmlSource>) -> Option<(u64, usize, u64)> {
        match &self.0 {
            Repr::Stored(stored)
                if std::ptr::addr_eq(Arc::as_ptr(&stored.source), Arc::as_ptr(source)) =>
            {
                Some((stored.at, stored.len, stored.hash))
            }
            _ => None,
        }
    }

    /// The text to change: stored HTML is read first.
    pub fn make_mut(&mut self) -> &mut String {
        if let Repr::Stored(_) = &self.0 {
            self.0 = Repr::Made(self.as_str().to_string());
        }
        match &mut self.0 {
            Repr::Made(text) => text,
            Repr::Stored(_) => unreachable!("made above"),
        }
    }

    /// The hash a store files `text` under.
    pub fn hash(text: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }
}

impl Default for Html {
    fn default() -> Self {
        Html(Repr::Made(String::new()))
    }
}

impl From<String> for Html {
    fn from(text: String) -> Self {
        Html(Repr::Made(text))
    }
}

impl Deref for Html {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A source that counts its reads and fails on a hash it does not know.
    struct Counted {
        text: &'static str,
        reads: Mutex<usize>,
    }

    impl HtmlSource for Counted {
        fn read(&self, at: u64, len: usize, hash: u64) -> Option<String> {
            *self.reads.lock().unwrap() += 1;
            let text = self.text.get(at as usize..at as usize + len)?;
            (Html::hash(text) == hash).then(|| text.to_string())
        }
    }

    #[test]
    fn stored_html_is_read_once_and_only_when_asked() {
        let source = Arc::new(Counted {
            text: "xx<p>Hi</p>yy",
            reads: Mutex::new(0),
        });
        let html = Html::stored(source.clone(), 2, 9, Html::hash("<p>Hi</p>"));
        let copy = html.clone();
        assert_eq!(*source.reads.lock().unwrap(), 0);
        assert_eq!(&*html, "<p>Hi</p>");
        assert_eq!(copy.as_str(), "<p>Hi</p>", "clones share the text read");
        assert_eq!(*source.reads.lock().unwrap(), 1);
        let mut changed = copy;
        changed.make_mut().push('!');
        assert_eq!(&*changed, "<p>Hi</p>!");
        assert_eq!(&*html, "<p>Hi</p>", "changing a copy leaves the original");
    }

    #[test]
    fn a_failed_read_is_empty_text() {
        let source = Arc::new(Counted {
            text: "<p>Hi</p>",
            reads: Mutex::new(0),
        });
        let html = Html::stored(source, 0, 9, 42);
        assert_eq!(html.try_str(), None);
        assert_eq!(&*html, "");
    }

    #[test]
    fn html_read_for_one_use_is_not_kept() {
        let source = Arc::new(Counted {
            text: "xx<p>Hi</p>yy",
            reads: Mutex::new(0),
        });
        let html = Html::stored(source.clone(), 2, 9, Html::hash("<p>Hi</p>"));
        assert_eq!(html.read(), "<p>Hi</p>");
        assert_eq!(html.read(), "<p>Hi</p>");
        assert_eq!(
            *source.reads.lock().unwrap(),
            2,
            "read each time, never kept"
        );
        assert_eq!(html.as_str(), "<p>Hi</p>");
        assert_eq!(html.read(), "<p>Hi</p>");
        assert_eq!(
            *source.reads.lock().unwrap(),
            3,
            "once kept, the kept text is used"
        );
        let dyn_source: Arc<dyn HtmlSource> = source;
        assert_eq!(
            html.stored_in(&dyn_source),
            Some((2, 9, Html::hash("<p>Hi</p>")))
        );
        let other: Arc<dyn HtmlSource> = Arc::new(Counted {
            text: "",
            reads: Mutex::new(0),
        });
        assert_eq!(html.stored_in(&other), None);
        assert_eq!(
            Html::from("<p>Hi</p>".to_string()).stored_in(&dyn_source),
            None
        );
    }
}
