//! Advice from `kudos check`: things that are not errors but that a careful site owner
//! wants to know. Shout-outs old enough to be stale, and segment pages so alike that
//! search engines would treat them as doorway pages (the same page under many names).

use std::collections::HashSet;

use crate::content::{Date, Segment};
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
    let limit = i64::from(site.config.shoutouts.stale_after_months);
    site.shoutouts
        .iter()
        .filter_map(|s| {
            let date = s.meta.date?;
            let age = date.months_until(now);
            (age > limit).then(|| {
                at_key(
                    &s.source,
                    "date",
                    format!(
                        "shout-out from {} is {age} months old (older than stale_after_months = {limit})",
                        s.meta.customer
                    ),
                )
                .with_help("ask the customer whether it still holds, or retire it")
            })
        })
        .collect()
}

/// Pairs of segment pages whose text is nearly the same.
pub fn doorway_pairs(site: &Site) -> Vec<SourceError> {
    let shingles: Vec<HashSet<String>> = site
        .segments
        .iter()
        .map(|s| shingles(&segment_text(s)))
        .collect();
    let mut advice = Vec::new();
    for a in 0..site.segments.len() {
        for b in a + 1..site.segments.len() {
            let similarity = jaccard(&shingles[a], &shingles[b]);
            if similarity > DOORWAY_SIMILARITY {
                let (first, second) = (&site.segments[a], &site.segments[b]);
                advice.push(
                    SourceError::new(
                        &second.source.path,
                        format!(
                            "segment pages {} and {} are {:.0}% alike: search engines may treat them as doorway pages",
                            first.source.path.display(),
                            second.source.path.display(),
                            similarity * 100.0
                        ),
                    )
                    .with_help("write each segment's page for its own readers, or merge the two"),
                );
            }
        }
    }
    advice
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

fn shingles(text: &str) -> HashSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < SHINGLE_WORDS {
        return std::iter::once(words.join(" ")).collect();
    }
    words.windows(SHINGLE_WORDS).map(|w| w.join(" ")).collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
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
    }
}
