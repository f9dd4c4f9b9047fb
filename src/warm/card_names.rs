//! `.kudos-cache/build/card-names`: the name of every share card the last build made, by
//! what the card was rendered from ([`crate::render::cards::CardNames`]), so the next
//! build names an unchanged card without rendering its SVG (10k cards are a fifth of a
//! build after one edit otherwise).
//!
//! The file names the binary that wrote it and ends with a hash of its entries: one
//! written by another kudos is not read, and one that is damaged is ignored with a note.
//! A name taken from it is only a name: a card whose PNG is not in the image cache is
//! rendered from its view when it is drawn.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::FxHashMap;

use super::lock;
use super::record::binary_identity;
use crate::cache_dir::CacheDir;

/// The file in `.kudos-cache/build/`.
const FILE: &str = "card-names";

/// The first line of the file: the format, its version, and the binary that wrote it.
fn header() -> String {
    format!("kudos-card-names 1 {}\n", binary_identity())
}

/// The names of the last build's cards, and those of this build as they are asked for.
/// A name read is marked without a lock (10k cards ask from every core at once).
pub struct CardNameStore {
    cache: CacheDir,
    /// As read: (key, name), sorted by key.
    loaded: Vec<(u64, u64)>,
    /// Per loaded name: whether this build asked for it.
    asked: Vec<AtomicBool>,
    /// Names this build made.
    made: Mutex<FxHashMap<u64, u64>>,
}

impl CardNameStore {
    /// The store in `cache`, and a note when its file is there but damaged.
    pub fn load(cache: &CacheDir) -> (CardNameStore, Option<String>) {
        let (loaded, note) = match std::fs::read(cache.entry(FILE)) {
            Ok(bytes) => match parse(&bytes) {
                Parsed::Names(names) => (names, None),
                Parsed::Foreign => (Vec::new(), None),
                Parsed::Damaged => (
                    Vec::new(),
                    Some(format!(
                        ".kudos-cache/build/{FILE} is damaged: ignored, and every share card is named by rendering it"
                    )),
                ),
            },
            Err(_) => (Vec::new(), None),
        };
        let store = CardNameStore {
            cache: cache.clone(),
            asked: loaded.iter().map(|_| AtomicBool::new(false)).collect(),
            loaded,
            made: Mutex::default(),
        };
        (store, note)
    }

    /// The name kept for `key`.
    pub fn get(&self, key: u64) -> Option<u64> {
        let at = self.loaded.binary_search_by_key(&key, |(k, _)| *k).ok()?;
        self.asked[at].store(true, Ordering::Relaxed);
        Some(self.loaded[at].1)
    }

    /// Keeps `name` for `key`.
    pub fn keep(&self, key: u64, name: u64) {
        lock(&self.made).insert(key, name);
    }

    /// Writes the names this build used, unless they are the ones read. A file that cannot
    /// be written only costs the next build the renders.
    pub fn save(&self) {
        let made = lock(&self.made);
        let asked = |at: usize| self.asked[at].load(Ordering::Relaxed);
        if made.is_empty() && (0..self.loaded.len()).all(asked) {
            return;
        }
        let mut names: Vec<(u64, u64)> = (0..self.loaded.len())
            .filter(|&at| asked(at))
            .map(|at| self.loaded[at])
            .chain(made.iter().map(|(k, v)| (*k, *v)))
            .collect();
        names.sort_unstable();
        let _ = self
            .cache
            .write_whole(&self.cache.entry(FILE), &encode(&names));
    }
}

/// The header, the names as little-endian pairs, then a hash of those pairs.
fn encode(names: &[(u64, u64)]) -> Vec<u8> {
    let mut bytes = header().into_bytes();
    let start = bytes.len();
    for (key, name) in names {
        bytes.extend_from_slice(&key.to_le_bytes());
        bytes.extend_from_slice(&name.to_le_bytes());
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes[start..]);
    bytes.extend_from_slice(&hash.to_le_bytes());
    bytes
}

/// What a file held.
#[derive(Debug, PartialEq)]
enum Parsed {
    /// Sorted by key.
    Names(Vec<(u64, u64)>),
    /// Another kudos (or no kudos) wrote it.
    Foreign,
    /// Ours, but not whole.
    Damaged,
}

fn parse(bytes: &[u8]) -> Parsed {
    let Some(body) = bytes.strip_prefix(header().as_bytes()) else {
        return Parsed::Foreign;
    };
    let Some(split) = body.len().checked_sub(8).filter(|n| n % 16 == 0) else {
        return Parsed::Damaged;
    };
    let (pairs, hash) = body.split_at(split);
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
    if xxhash_rust::xxh3::xxh3_64(pairs) != word(hash) {
        return Parsed::Damaged;
    }
    let mut names: Vec<(u64, u64)> = pairs
        .chunks_exact(16)
        .map(|pair| (word(&pair[..8]), word(&pair[8..])))
        .collect();
    // Written sorted; sorted again so that a file from elsewhere cannot mislead the search.
    names.sort_unstable();
    Parsed::Names(names)
}

/// The store of the site at `root` (tests).
#[cfg(test)]
fn at(root: &std::path::Path) -> (CardNameStore, Option<String>) {
    CardNameStore::load(&CacheDir::of(root, "build"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_used_are_kept_for_the_next_build_and_unused_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (first, note) = at(dir.path());
        assert_eq!((first.get(1), note), (None, None));
        first.keep(1, 10);
        first.keep(2, 20);
        first.save();
        let (second, note) = at(dir.path());
        assert_eq!(note, None);
        assert_eq!((second.get(1), second.get(2)), (Some(10), Some(20)));
        second.save();
        let (third, _) = at(dir.path());
        assert_eq!(third.get(2), Some(20));
        third.keep(3, 30);
        third.save();
        let (fourth, _) = at(dir.path());
        assert_eq!(
            (fourth.get(1), fourth.get(2), fourth.get(3)),
            (None, Some(20), Some(30))
        );
    }

    #[test]
    fn a_damaged_file_is_ignored_with_a_note_and_a_foreign_one_quietly() {
        let names = [(1, 10), (2, 20)];
        let good = encode(&names);
        assert_eq!(parse(&good), Parsed::Names(names.to_vec()));
        for cut in [1, 8, 16, 17] {
            assert_eq!(parse(&good[..good.len() - cut]), Parsed::Damaged, "{cut}");
        }
        let mut flipped = good.clone();
        let at = header().len() + 9;
        flipped[at] ^= 1;
        assert_eq!(parse(&flipped), Parsed::Damaged);
        assert_eq!(
            parse(b"kudos-card-names 1 another-kudos\n"),
            Parsed::Foreign
        );

        let dir = tempfile::tempdir().unwrap();
        let cache = CacheDir::of(dir.path(), "build");
        cache.write_whole(&cache.entry(FILE), &flipped).unwrap();
        let (store, note) = CardNameStore::load(&cache);
        assert_eq!(store.get(1), None);
        assert!(
            note.unwrap()
                .contains(".kudos-cache/build/card-names is damaged")
        );
    }
}
