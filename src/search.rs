//! The site's search index: Pagefind's, built from the rendered pages as they are written,
//! so it holds exactly what the pages show (a withdrawn shout-out, or a name its consent
//! keeps back, cannot be found because no page shows it).
//!
//! Which pages it holds is the theme's decision: Pagefind indexes only pages that mark a
//! part of themselves `data-pagefind-body`, and the default theme marks posts, pages,
//! shout-out pages and segment pages as `[search]` switches them. Listings, tags and the
//! wall repeat what those pages say, so they stay out.
//!
//! Indexing runs on its own thread while pages render, fed through a bounded channel, so
//! it neither holds every page in memory nor waits for the last page to be written.
//!
//! A leaf beside the stages, like `images`: it sees output files, nothing of the site.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use crate::error::{Error, Result, SourceError};
use crate::output::{Contents, OutputFile};

/// The folder of the index and the search UI, below the output folder.
pub const BUNDLE_DIR: &str = "pagefind";

/// The index files whose names do not change with the content: what a theme links.
pub const FIXED_FILES: [&str; 4] = [
    "pagefind.js",
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-entry.json",
];

/// What marks a page for the index (Pagefind's own attribute).
const BODY_MARK: &[u8] = b"data-pagefind-body";

/// Pages waiting for the indexer; rendering blocks beyond this, so memory stays bounded.
const QUEUE: usize = 64;

/// A page to index: its URL (with the base path) and its HTML.
type Page = (String, String);

/// The URL path of a page's output file: `posts/x/index.html` -> `/posts/x/`. The index
/// holds URLs without the base path: Pagefind's UI puts in front of them the path it was
/// loaded from (`/shop/` for `/shop/pagefind/`), as the API's `baseUrl` option does.
fn page_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

/// An index being built on its own thread.
pub struct Indexer {
    pages: Option<SyncSender<Page>>,
    worker: Option<JoinHandle<Result<Vec<OutputFile>>>>,
}

impl Indexer {
    /// Starts an index of pages in `language` (its primary code, as Pagefind's stemmers
    /// and word splitting know them: `de` for `de-AT`).
    pub fn start(language: &str) -> Indexer {
        let language = language
            .split(['-', '_'])
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase();
        let (pages, queue) = sync_channel(QUEUE);
        let worker = std::thread::Builder::new()
            .name("kudos-search".into())
            .spawn(move || index_all(&language, queue))
            .map_err(|e| index_failure(&e.to_string()));
        Indexer {
            pages: Some(pages),
            worker: worker.ok(),
        }
    }

    /// Offers a written file: an HTML page that marks a part of itself for the index is
    /// indexed; anything else is passed over.
    pub fn offer(&self, file: &OutputFile) {
        let Contents::Bytes(bytes) = &file.contents else {
            return;
        };
        if !file.path.ends_with(".html") || !contains(bytes, BODY_MARK) {
            return;
        }
        if let (Some(pages), Ok(html)) = (&self.pages, std::str::from_utf8(bytes)) {
            // A closed queue means the indexer failed; `finish` reports why.
            let _ = pages.send((page_path(&file.path), html.to_string()));
        }
    }

    /// Waits for the last page and returns the index and UI files, under [`BUNDLE_DIR`].
    pub fn finish(mut self) -> Result<Vec<OutputFile>> {
        drop(self.pages.take());
        let worker = self
            .worker
            .take()
            .ok_or_else(|| index_failure("the indexing thread could not be started"))?;
        worker
            .join()
            .map_err(|_| index_failure("the indexing thread stopped unexpectedly"))?
    }
}

/// The index of `files` (in their order), for what renders the whole site at once
/// (`kudos check`, `serve`, `watch`).
pub fn index_files<'a>(
    language: &str,
    files: impl IntoIterator<Item = &'a OutputFile>,
) -> Result<Vec<OutputFile>> {
    let indexer = Indexer::start(language);
    files.into_iter().for_each(|file| indexer.offer(file));
    indexer.finish()
}

/// Indexes every page from `queue`, then builds the index.
fn index_all(language: &str, queue: Receiver<Page>) -> Result<Vec<OutputFile>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| index_failure(&e.to_string()))?;
    let options = pagefind::options::PagefindServiceConfig::builder()
        .force_language(language.to_string())
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options))
        .map_err(|e| index_failure(&e.to_string()))?;
    runtime.block_on(async {
        for (url, html) in queue {
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| index_failure(&format!("{url}: {e}")))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| index_failure(&e.to_string()))?;
        Ok(files.into_iter().filter_map(bundle_file).collect())
    })
}

/// A file Pagefind made (named relative to its bundle folder), as an output file below
/// [`BUNDLE_DIR`].
fn bundle_file(file: pagefind::api::SyntheticFile) -> Option<OutputFile> {
    let parts: Vec<String> = file
        .filename
        .components()
        .map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(OutputFile {
        path: format!("{BUNDLE_DIR}/{}", parts.join("/")),
        contents: Contents::Bytes(file.contents.into()),
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A failure of the indexer itself (not of a page): it names the search index, since no
/// file of the site is to blame.
fn index_failure(message: &str) -> Error {
    Error::Content(vec![SourceError::new(
        BUNDLE_DIR,
        format!("building the search index failed: {message}"),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutputFile {
        OutputFile::rendered(path, html.to_string())
    }

    #[test]
    fn only_marked_pages_are_indexed_and_the_bundle_is_below_its_folder() {
        let indexer = Indexer::start("en-GB");
        indexer.offer(&page(
            "posts/a/index.html",
            "<html lang=\"en\"><body><main data-pagefind-body><h1>Walnut</h1><p>A walnut duck.</p></main></body></html>",
        ));
        indexer.offer(&page(
            "tags/index.html",
            "<html lang=\"en\"><body><p>walnut listing</p></body></html>",
        ));
        let files = indexer.finish().unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"pagefind/pagefind.js"), "{paths:?}");
        assert!(paths.contains(&"pagefind/pagefind-ui.js"), "{paths:?}");
        assert!(paths.contains(&"pagefind/pagefind-ui.css"), "{paths:?}");
        assert!(
            paths.iter().all(|p| p.starts_with("pagefind/")),
            "{paths:?}"
        );
        assert!(
            paths.iter().any(|p| p.starts_with("pagefind/fragment/")),
            "one page, one fragment: {paths:?}"
        );
        assert_eq!(
            paths
                .iter()
                .filter(|p| p.starts_with("pagefind/fragment/"))
                .count(),
            1,
            "{paths:?}"
        );
    }
}
