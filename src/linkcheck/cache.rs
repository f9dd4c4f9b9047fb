//! Links found working, remembered for `[check] cache_hours`, so checking again soon
//! after asks only about the links that were broken or are new.
//!
//! One file, `.kudos-cache/links/working.txt`: a header line, then one line per URL,
//! `<seconds since 1970> <url>` (a URL as the URL parser writes it has no spaces).
//! Only working links are kept: a broken one is asked again on every run, so fixing it
//! shows at once. The file is rewritten whole after each check ([`CacheDir`]); a line
//! that does not read, or is older than `cache_hours` (or dated in the future), counts
//! as not there, and a file with another header is ignored whole. Two checks at once
//! may each keep only their own results; the cost is asking again.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustc_hash::FxHashMap;

use crate::cache_dir::CacheDir;

/// The cache's folder name in `.kudos-cache/`.
pub const CACHE_NAME: &str = "links";
/// The file in it.
pub const FILE_NAME: &str = "working.txt";
/// The first line; another means another format, to be ignored.
const HEADER: &str = "kudos working links 1";
/// More than this is not read: a cache is never worth a huge read.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The working links remembered, by URL, with when each was last found working.
#[derive(Debug)]
pub struct WorkingLinks {
    dir: CacheDir,
    keep_for: Duration,
    checked_at: FxHashMap<String, u64>,
}

impl WorkingLinks {
    /// The entries of the site at `root` that are younger than `keep_for` at `now`.
    pub fn load(root: &std::path::Path, keep_for: Duration, now: SystemTime) -> WorkingLinks {
        let dir = CacheDir::of(root, CACHE_NAME);
        let text = read_bounded(&dir.entry(FILE_NAME)).unwrap_or_default();
        let now = seconds(now);
        let mut lines = text.lines();
        let checked_at = if lines.next() == Some(HEADER) {
            lines
                .filter_map(entry)
                .filter(|(_, at)| fresh(*at, now, keep_for))
                .map(|(url, at)| (url.to_string(), at))
                .collect()
        } else {
            FxHashMap::default()
        };
        WorkingLinks {
            dir,
            keep_for,
            checked_at,
        }
    }

    /// Whether `url` was found working recently enough not to ask again.
    pub fn has(&self, url: &str) -> bool {
        !self.keep_for.is_zero() && self.checked_at.contains_key(url)
    }

    /// `url` works, as of `now`.
    pub fn record(&mut self, url: &str, now: SystemTime) {
        self.checked_at.insert(url.to_string(), seconds(now));
    }

    /// `url` is broken: ask again next time.
    pub fn forget(&mut self, url: &str) {
        self.checked_at.remove(url);
    }

    /// Writes the entries (best effort: without a cache, the next check asks again).
    pub fn save(&self) -> std::io::Result<()> {
        if self.keep_for.is_zero() {
            return Ok(());
        }
        let mut entries: Vec<(&String, &u64)> = self.checked_at.iter().collect();
        entries.sort();
        let mut text = format!("{HEADER}\n");
        for (url, at) in entries {
            text.push_str(&format!("{at} {url}\n"));
        }
        self.dir
            .write_whole(&self.dir.entry(FILE_NAME), text.as_bytes())
    }
}

fn read_bounded(path: &std::path::Path) -> Option<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// `<seconds> <url>`, or nothing for a line that does not read as one.
fn entry(line: &str) -> Option<(&str, u64)> {
    let (at, url) = line.split_once(' ')?;
    let at = at.parse().ok()?;
    (!url.is_empty() && !url.contains(char::is_whitespace)).then_some((url, at))
}

/// Younger than `keep_for`, and not from the future (a clock set back, or a file
/// written by hand).
fn fresh(at: u64, now: u64, keep_for: Duration) -> bool {
    at <= now && now - at < keep_for.as_secs()
}

fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn working_links_are_kept_until_they_expire() {
        let site = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let mut links = WorkingLinks::load(site.path(), DAY, now);
        links.record("https://a.example/", now - DAY / 2);
        links.record("https://old.example/", now - DAY * 2);
        links.record("https://b.example/", now);
        links.forget("https://b.example/");
        links.save().unwrap();
        let again = WorkingLinks::load(site.path(), DAY, now);
        assert!(again.has("https://a.example/"));
        assert!(!again.has("https://old.example/"), "expired");
        assert!(!again.has("https://b.example/"), "forgotten");
        let later = WorkingLinks::load(site.path(), DAY, now + DAY);
        assert!(!later.has("https://a.example/"));
    }

    #[test]
    fn bad_lines_and_other_formats_are_ignored() {
        let site = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let at = seconds(now);
        let file = CacheDir::of(site.path(), CACHE_NAME).entry(FILE_NAME);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let future = at + 3600;
        std::fs::write(
            &file,
            format!("{HEADER}\n{at} https://ok.example/\nnonsense\n{at}\n{future} https://future.example/\nx https://x.example/\n"),
        )
        .unwrap();
        let links = WorkingLinks::load(site.path(), DAY, now);
        assert!(links.has("https://ok.example/"));
        assert_eq!(links.checked_at.len(), 1, "{:?}", links.checked_at);
        std::fs::write(&file, format!("something else\n{at} https://ok.example/\n")).unwrap();
        assert!(!WorkingLinks::load(site.path(), DAY, now).has("https://ok.example/"));
    }

    #[test]
    fn cache_hours_0_neither_reads_nor_writes() {
        let site = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let mut links = WorkingLinks::load(site.path(), Duration::ZERO, now);
        links.record("https://a.example/", now);
        assert!(!links.has("https://a.example/"));
        links.save().unwrap();
        assert!(!site.path().join(".kudos-cache").exists());
    }
}
