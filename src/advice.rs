//! Advice from `kudos check`: things that are not errors but that a careful site owner
//! wants to know. Shout-outs old enough to be stale, and segment pages so alike that
//! search engines would treat them as doorway pages (the same page under many names).

use rayon::prelude::*;

use crate::content::{Date, Segment, Shoutout};
use crate::error::SourceError;
use crate::site::{Site, at_key};

/// Segment pages sharing more than this fraction of their word shingles are flagged.
pub const DOORWAY_SIMILARITY: f64 = 0.8;

/// Words per shingle when comparing segment pages.
const SHINGLE_WORDS: usize = 3;

/// All advice for `site`, as of `now`.
pub fn advise(site: &Site, now: Date) -> Vec<SourceError> {
    let mut advice = stale_shoutouts(site, now);
    advice.extend(doorway_pairs(site));
    advice
}

/// Published shout-outs older than `stale_after_months`.
pub fn stale_shoutouts(site: &Site, now: Date) -> Vec<SourceError> {
    let limit = site.config.shoutouts.stale_after_months;
    site.shoutouts
        .iter()
        .filter_map(|s| stale_note(s, limit, now))
        .collect()
}

/// The advice on `shoutout` if it is more than `limit` months old at `now`: it reads
/// only the shout-out's own file.
pub fn stale_note(shoutout: &Shoutout, limit: u32, now: Date) -> Option<SourceError> {
    let limit = i64::from(limit);
    let age = shoutout.meta.date?.months_until(now);
    (age > limit).then(|| {
        at_key(
            &shoutout.source,
            "date",
            format!(
                "shout-out from {} is {age} months old (older than stale_after_months = {limit})",
                shoutout.meta.customer
            ),
        )
        .with_help("ask the customer whether it still holds, or retire it")
    })
}

/// Pairs of segment pages whose text is nearly the same. `serve` asks after every
/// rebuild: 50 segments are 1,225 pairs, compared as sorted hashes on every core.
pub fn doorway_pairs(site: &Site) -> Vec<SourceError> {
    let shingles: Vec<Vec<u64>> = site
        .segments
        .par_iter()
        .map(|s| shingles(&segment_text(s)))
        .collect();
    let count = site.segments.len();
    let alike: Vec<(usize, usize, f64)> = (0..count)
        .into_par_iter()
        .flat_map_iter(|a| {
            let shingles = &shingles;
            (a + 1..count).filter_map(move |b| {
                let similarity = jaccard(&shingles[a], &shingles[b]);
                (similarity > DOORWAY_SIMILARITY).then_some((a, b, similarity))
            })
        })
        .collect();
    alike
        .into_iter()
        .map(|(a, b, similarity)| {
            let (first, second) = (&site.segments[a], &site.segments[b]);
            SourceError::new(
                &second.source.path,
                format!(
                    "segment pages {} and {} are {:.0}% alike: search engines may treat them as doorway pages",
                    first.source.path.display(),
                    second.source.path.display(),
                    similarity * 100.0
                ),
            )
            .with_help("write each segment's page for its own readers, or merge the two")
        })
        .collect()
}

/// The words a visitor reads on a segment page, apart from the shared listings.
fn segment_text(segment: &Segment) -> String {
    let meta = &segment.meta;
    [
        Some(meta.title.as_str()),
        meta.headline.as_deref(),
        meta.lede.as_deref(),
        Some(segment.source.body()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

/// The text's runs of [`SHINGLE_WORDS`] lowercased words, each as a hash, sorted and
/// without repeats (two different shingles with one 64-bit hash would only make two
/// pages look a little more alike).
fn shingles(text: &str) -> Vec<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut hashes: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![crate::fingerprint::fingerprint(&words)]
    } else {
        words
            .windows(SHINGLE_WORDS)
            .map(|shingle| crate::fingerprint::fingerprint(&shingle))
            .collect()
    };
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// Shared shingles over all shingles of the two pages; 0 for two empty pages.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, shared) = (i + 1, j + 1, shared + 1),
        }
    }
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_copies_are_similar_and_different_pages_are_not() {
        let a = shingles("Our toys are made by hand in Wales for new parents who care about wood.");
        let b = shingles("Our toys are made by hand in Wales for new parents who care about wood!");
        let c = shingles(
            "Wholesale terms: twenty units minimum, net thirty, free delivery over two boxes.",
        );
        assert!(jaccard(&a, &b) > DOORWAY_SIMILARITY);
        assert!(jaccard(&a, &c) < 0.1);
        // 13 and 11 shingles, 9 shared: "made by hand in Wales" became "made in Wales".
        let d = shingles("Our toys are made in Wales for new parents who care about wood.");
        assert_eq!((a.len(), d.len()), (13, 11));
        assert!(
            (jaccard(&a, &d) - 9.0 / 15.0).abs() < 1e-9,
            "{}",
            jaccard(&a, &d)
        );
        assert_eq!(jaccard(&shingles(""), &shingles("  ")), 1.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }
}
