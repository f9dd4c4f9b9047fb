//! Related posts: for each post, the others that share the most tags and segments with
//! it, and what `serve` keeps of them between rebuilds.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Tag;
use crate::content::Page;
use crate::fingerprint::stable_hash;

/// The related posts of the last resolve, by post, for the next one (`serve`). Counting
/// shared lists for 10k posts was a seventh of a structural rebuild's CPU time; after a
/// save that moves one post, most posts' lists hold the same posts as before.
#[derive(Default)]
pub struct RelatedMemo {
    /// By post ([`member_print`]): the print of its lists and its related posts' prints.
    kept: FxHashMap<u64, (u64, Vec<u64>)>,
}

/// For each of `posts`, up to `limit` others that share the most tags and segments with
/// it, the newest first among equals; posts that share nothing are never related.
/// Counted through the tags' and segments' own post lists, so the work grows with those
/// lists, not with the square of the site. With `memo`, a post whose lists are the same
/// as at the last call takes its answer from there, and `memo` is updated.
pub(super) fn related_posts(
    posts: &[Arc<Page>],
    tags: &[Tag],
    segment_posts: &[Vec<usize>],
    limit: usize,
    memo: Option<&mut RelatedMemo>,
) -> Vec<Vec<usize>> {
    let lists = shared_lists(tags, segment_posts);
    let prints: Vec<u64>;
    let memo = match memo {
        Some(memo) => {
            prints = posts.par_iter().map(|p| member_print(p)).collect();
            Some((prints.as_slice(), memo))
        }
        None => None,
    };
    related_in(posts.len(), &lists, limit, memo)
}

/// [`related_posts`] of `count` posts over `lists` (each a list of posts, newest first);
/// `memo` with each post's [`member_print`].
fn related_in(
    count: usize,
    lists: &[&[usize]],
    limit: usize,
    memo: Option<(&[u64], &mut RelatedMemo)>,
) -> Vec<Vec<usize>> {
    if limit == 0 {
        return vec![Vec::new(); count];
    }
    let groups = memberships(count, lists, |_| true);
    let Some((prints, memo)) = memo else {
        return count_all(count, lists, &groups, limit, |_| None);
    };
    // What a post's answer is made from: which posts (as prints) each of its lists holds,
    // in order, and the limit.
    let mut bytes = Vec::new();
    let list_prints: Vec<u64> = lists
        .iter()
        .map(|list| hash_all(list.iter().map(|&p| prints[p]), &mut bytes))
        .collect();
    let keys: Vec<u64> = groups
        .par_iter()
        .map_init(Vec::new, |bytes, group| {
            let of_lists = group.iter().map(|&at| list_prints[at]);
            hash_all(std::iter::once(limit as u64).chain(of_lists), bytes)
        })
        .collect();
    let index_of: FxHashMap<u64, usize> = prints.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let kept = |post: usize| -> Option<Vec<usize>> {
        let (key, related) = memo.kept.get(&prints[post])?;
        if *key != keys[post] {
            return None;
        }
        related.iter().map(|p| index_of.get(p).copied()).collect()
    };
    let related = count_all(count, lists, &groups, limit, kept);
    memo.kept = related
        .iter()
        .enumerate()
        .map(|(post, found)| {
            let found = found.iter().map(|&p| prints[p]).collect();
            (prints[post], (keys[post], found))
        })
        .collect();
    related
}

/// Related posts after some posts changed nothing but their tags (`serve`'s patch):
/// `before` was the answer over the tags `old`. A post's count for another changes only
/// through a tag list whose members changed, and only for that list's members, so only
/// they are counted again; the rest keep their answer. (Counting with [`RelatedMemo`]
/// hashed every post and list first: most of a tags save's time at 10k.)
pub(super) fn after_retag(
    before: &[Vec<usize>],
    (old, tags): (&[Tag], &[Tag]),
    segment_posts: &[Vec<usize>],
    limit: usize,
) -> Vec<Vec<usize>> {
    let count = before.len();
    if limit == 0 {
        return vec![Vec::new(); count];
    }
    let lists = shared_lists(tags, segment_posts);
    let affected = members_of_changed_lists(old, tags, count);
    // Only the posts counted again need theirs.
    let groups = memberships(count, &lists, |post| affected[post]);
    count_all(count, &lists, &groups, limit, |post| {
        (!affected[post]).then(|| before[post].clone())
    })
}

/// The lists posts are related through: every tag's, then every segment's.
fn shared_lists<'a>(tags: &'a [Tag], segment_posts: &'a [Vec<usize>]) -> Vec<&'a [usize]> {
    tags.iter()
        .map(|t| t.posts.as_slice())
        .chain(segment_posts.iter().map(Vec::as_slice))
        .collect()
}

/// For each of `count` posts, the indices into `lists` of the lists holding it; empty
/// for a post not `wanted`.
fn memberships(
    count: usize,
    lists: &[&[usize]],
    wanted: impl Fn(usize) -> bool,
) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (at, list) in lists.iter().enumerate() {
        for &post in list.iter().filter(|&&post| wanted(post)) {
            groups[post].push(at);
        }
    }
    groups
}

/// Which of `count` posts are in a tag list (by slug) whose members differ between
/// `old` and `tags`, before or after.
fn members_of_changed_lists(old: &[Tag], tags: &[Tag], count: usize) -> Vec<bool> {
    fn by_slug(tags: &[Tag]) -> FxHashMap<&str, &[usize]> {
        tags.iter()
            .map(|t| (t.slug.as_str(), t.posts.as_slice()))
            .collect()
    }
    let (was, now) = (by_slug(old), by_slug(tags));
    let mut affected = vec![false; count];
    for (from, to) in [(&was, &now), (&now, &was)] {
        let changed = from
            .iter()
            .filter(|(slug, members)| to.get(*slug) != Some(members));
        for post in changed.flat_map(|(_, members)| members.iter()) {
            affected[*post] = true;
        }
    }
    affected
}

/// Who a post is in the lists: its file, and what orders it among the posts (its date,
/// then its slug), so a post that moves changes every list it is in. XXH3 (like every
/// hash here): SipHash over 10k posts and their 50k list places cost milliseconds a save.
fn member_print(post: &Page) -> u64 {
    let date = post.meta.date.map_or(0, |d| d.0.as_nanosecond());
    stable_hash(&[
        post.source.content_path.as_bytes(),
        &date.to_le_bytes(),
        &[u8::from(post.meta.date.is_some())],
        post.slug.as_bytes(),
    ])
}

/// The hash of `values` in order, made in `bytes` (scratch space).
fn hash_all(values: impl Iterator<Item = u64>, bytes: &mut Vec<u8>) -> u64 {
    bytes.clear();
    for value in values {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    stable_hash(&[bytes])
}

/// Every post's related posts: `kept(post)` when it answers, counted otherwise.
/// `groups[post]` are the indices into `lists` of the lists holding `post`.
fn count_all(
    count: usize,
    lists: &[&[usize]],
    groups: &[Vec<usize>],
    limit: usize,
    kept: impl Fn(usize) -> Option<Vec<usize>> + Sync,
) -> Vec<Vec<usize>> {
    // Each split of the work gets its own counters: few splits, so few allocations.
    groups
        .par_iter()
        .with_min_len(512)
        .enumerate()
        .map_init(
            || (vec![0u32; count], Vec::new()),
            |(shared, touched), (post, group)| {
                kept(post).unwrap_or_else(|| {
                    let lists = group.iter().map(|&at| lists[at]);
                    count_one(post, lists, limit, shared, touched)
                })
            },
        )
        .collect()
}

/// The best `limit` posts sharing `post`'s lists. `shared` (zero for every post) and
/// `touched` (empty) are scratch space, left as they were found.
fn count_one<'l>(
    post: usize,
    lists: impl Iterator<Item = &'l [usize]>,
    limit: usize,
    shared: &mut [u32],
    touched: &mut Vec<usize>,
) -> Vec<usize> {
    for list in lists {
        for &other in list {
            if other != post {
                if shared[other] == 0 {
                    touched.push(other);
                }
                shared[other] += 1;
            }
        }
    }
    // The best `limit`, kept in a heap whose top is the worst of them: more shared is
    // better; posts are newest first, so a lower index is newer. One pass, which also
    // clears the counters; most posts are worse than the top and cost one comparison.
    let mut best: BinaryHeap<(Reverse<u32>, usize)> =
        BinaryHeap::with_capacity(limit.min(touched.len()) + 1);
    for &other in touched.iter() {
        let entry = (Reverse(shared[other]), other);
        shared[other] = 0;
        if best.len() < limit {
            best.push(entry);
        } else if best.peek().is_some_and(|worst| entry < *worst) {
            best.pop();
            best.push(entry);
        }
    }
    touched.clear();
    best.into_sorted_vec()
        .into_iter()
        .map(|(_, other)| other)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator (fixed seed): `next(n)` is below `n`.
    fn numbers() -> impl FnMut(usize) -> usize {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    /// Counting every pair: the answer `related_in` must give.
    fn expected(count: usize, lists: &[Vec<usize>], limit: usize) -> Vec<Vec<usize>> {
        (0..count)
            .map(|post| {
                let mut scored: Vec<(usize, usize)> = (0..count)
                    .filter(|&other| other != post)
                    .map(|other| {
                        let shared = lists
                            .iter()
                            .filter(|l| l.contains(&post) && l.contains(&other))
                            .count();
                        (shared, other)
                    })
                    .filter(|&(shared, _)| shared > 0)
                    .collect();
                scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.iter().take(limit).map(|&(_, other)| other).collect()
            })
            .collect()
    }

    fn slices(lists: &[Vec<usize>]) -> Vec<&[usize]> {
        lists.iter().map(Vec::as_slice).collect()
    }

    #[test]
    fn related_posts_share_the_most_lists_newest_first() {
        let mut next = numbers();
        for round in 0..200 {
            let count = 1 + next(40);
            let lists: Vec<Vec<usize>> = (0..next(8))
                .map(|_| (0..count).filter(|_| next(3) == 0).collect())
                .collect();
            // Every tenth round, the largest limit kudos.toml can hold (it must size nothing).
            let limit = if round % 10 == 0 {
                i64::MAX as usize
            } else {
                next(5)
            };
            let found = related_in(count, &slices(&lists), limit, None);
            assert_eq!(
                found,
                expected(count, &lists, limit),
                "round {round}: {lists:?}"
            );
        }
    }

    fn tag(slug: &str, posts: Vec<usize>) -> Tag {
        Tag {
            name: slug.to_string(),
            slug: slug.to_string(),
            path: format!("/tags/{slug}/"),
            posts,
        }
    }

    #[test]
    fn after_a_retag_only_the_changed_lists_members_are_counted_and_the_answer_is_exact() {
        let mut next = numbers();
        for round in 0..200 {
            let count = 1 + next(30);
            // Each post's tags (by number) and one segment list, both random.
            let mut tagged: Vec<Vec<usize>> = (0..count)
                .map(|_| (0..6).filter(|_| next(3) == 0).collect())
                .collect();
            let segments = vec![(0..count).filter(|_| next(2) == 0).collect::<Vec<_>>()];
            let tags_of = |tagged: &[Vec<usize>]| -> Vec<Tag> {
                (0..6)
                    .map(|t| {
                        tag(
                            &format!("t{t}"),
                            (0..count).filter(|&p| tagged[p].contains(&t)).collect(),
                        )
                    })
                    .filter(|t| !t.posts.is_empty())
                    .collect()
            };
            let lists_of = |tags: &[Tag]| -> Vec<Vec<usize>> {
                tags.iter()
                    .map(|t| t.posts.clone())
                    .chain(segments.clone())
                    .collect()
            };
            let limit = next(5);
            let old = tags_of(&tagged);
            let before = related_in(count, &slices(&lists_of(&old)), limit, None);
            // One to three posts take new tags.
            for _ in 0..1 + next(3) {
                tagged[next(count)] = (0..6).filter(|_| next(3) == 0).collect();
            }
            let tags = tags_of(&tagged);
            let found = after_retag(&before, (&old, &tags), &segments, limit);
            assert_eq!(
                found,
                expected(count, &lists_of(&tags), limit),
                "round {round}"
            );
        }
    }

    /// Posts as `serve` sees them between saves: each has an identity (its print), the
    /// site is re-sorted when one moves, and the memo must answer as counting afresh does.
    #[test]
    fn the_memo_answers_as_counting_afresh_after_posts_move_join_and_leave_lists() {
        let mut next = numbers();
        for round in 0..100 {
            // Posts by identity, newest first; each in some of the lists (by name).
            let mut posts: Vec<(u64, Vec<usize>)> = (0..1 + next(30) as u64)
                .map(|id| (id, (0..6).filter(|_| next(3) == 0).collect()))
                .collect();
            let mut memo = RelatedMemo::default();
            let mut fresh_id = 1000;
            for save in 0..8 {
                let count = posts.len();
                let lists: Vec<Vec<usize>> = (0..6)
                    .map(|list| (0..count).filter(|&p| posts[p].1.contains(&list)).collect())
                    .collect();
                let prints: Vec<u64> = posts.iter().map(|p| p.0).collect();
                let limit = 1 + round % 4;
                let found = related_in(count, &slices(&lists), limit, Some((&prints, &mut memo)));
                let want = expected(count, &lists, limit);
                assert_eq!(found, want, "round {round}, save {save}: {lists:?}");
                // One save: a post changes its lists, moves (a new date: a new print), is
                // added, or is removed.
                let at = next(count);
                match next(4) {
                    0 => posts[at].1 = (0..6).filter(|_| next(2) == 0).collect(),
                    1 => {
                        let (_, lists) = posts.remove(at);
                        fresh_id += 1;
                        posts.insert(next(count), (fresh_id, lists));
                    }
                    2 => {
                        fresh_id += 1;
                        posts.insert(at, (fresh_id, vec![next(6)]));
                    }
                    _ if count > 1 => {
                        posts.remove(at);
                    }
                    _ => {}
                }
            }
        }
    }
}
