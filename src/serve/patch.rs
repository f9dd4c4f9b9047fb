//! The shortcut for edits that leave every item in place, so `serve` can skip resolving
//! and preparing the whole site again while someone is writing.
//!
//! Resolving reads only an item's placement: for a post or page whether it is published,
//! its URL, date, tags, segments, variants and aliases; for a shout-out its front matter
//! and whether the quote is empty. A [`ContentEdit`] keeps those by definition, tags
//! apart, so the resolved site stays right with the new item swapped in, through the
//! renderer's own update operations (`render/patch.rs`). New tags move a post only
//! between tag lists: those, related posts and the posts' tag slugs are made again from
//! the kept site ([`crate::site::Site::refresh_tags`]), unless a tag problem needs
//! reporting; the session adds and drops the files of tag pages that come or go. This
//! module decides when that is enough and when to give up: anchors must stay the same
//! (other pages' links were checked against them), the images a body shows must stay the
//! same (their variant files are made with the full build), and a shortcode may not call
//! `posts()`. Share cards of edited items
//! are made again here (the session publishes their files). Which outputs changed is then
//! decided by the same fingerprints as in a full rebuild. `tests/cli/incremental.rs`
//! checks the result against clean builds.

use std::sync::Arc;

use crate::content::{ContentEdit, Page};
use crate::error::Result;
use crate::markdown::{ImageLookup, Rendered};
use crate::render::Renderer;
use crate::site::ItemRef;

/// What [`apply_edits`] changed.
#[derive(Debug)]
pub struct Patched {
    /// Every item whose body changed.
    pub items: Vec<ItemRef>,
    /// Whether a share card changed: then card files are drawn and dropped. Most saves
    /// change no card, and comparing every card of a 10k site took 3 ms.
    pub cards_changed: bool,
    /// Whether the route table changed (a tags edit made or emptied tag pages).
    pub routes_moved: bool,
}

/// Applies `edits` to `renderer` and returns what changed; `Ok(None)` when an edit needs
/// a full rebuild. `calls_posts`: some template calls `posts()`. After
/// `Ok(None)` or `Err` (a broken link in a new body) the renderer may be half-patched and
/// must be discarded.
pub fn apply_edits(
    renderer: &mut Renderer,
    edits: &[ContentEdit],
    calls_posts: bool,
) -> Result<Option<Patched>> {
    let Some((shoutouts, mut pages, retagged)) = placed(renderer, edits) else {
        return Ok(None);
    };
    let changed_shoutouts: Vec<ItemRef> = shoutouts
        .iter()
        .map(|(i, _)| ItemRef::Shoutout(*i))
        .collect();
    if !shoutouts.is_empty() {
        renderer.replace_shoutouts(shoutouts);
        // Bodies whose shortcodes may embed the new cards are rendered again.
        let site = renderer.site();
        let others = site.segments.iter().map(|s| &s.source);
        let sections = site.sections.values().map(|s| &s.source);
        if others.chain(sections).any(|s| s.has_shortcodes) {
            return Ok(None);
        }
        for (item, page) in site
            .posts_and_pages()
            .filter(|(_, p)| p.source.has_shortcodes)
        {
            if !pages.iter().any(|(edited, _)| *edited == item) {
                pages.push((item, Arc::clone(page)));
            }
        }
    }
    let mut patches = Vec::with_capacity(pages.len());
    for (item, page) in pages {
        if page.source.has_shortcodes && calls_posts {
            // A shortcode calling posts() fails in a full build; leave it to one.
            return Ok(None);
        }
        let bodies = renderer.render_bodies_of(&page)?;
        let old = renderer.bodies().of(item);
        if bodies.body.anchor_ids() != old.anchor_ids() || !same_pictures(old, &bodies.body) {
            return Ok(None);
        }
        patches.push((item, page, bodies));
    }
    let mut items = changed_shoutouts;
    for (item, page, bodies) in patches {
        renderer.swap_in(item, page, bodies);
        items.push(item);
    }
    let mut routes_moved = false;
    if retagged {
        match renderer.refresh_tags() {
            Ok(moved) => routes_moved = moved,
            // Reported by the whole pipeline, with every other problem of the site.
            Err(_) => return Ok(None),
        }
    }
    renderer.check_links_of(&items)?;
    let cards_changed = renderer.refresh_cards(&items)?;
    if !items.is_empty() {
        renderer.refresh_listings(&items, retagged);
    }
    Ok(Some(Patched {
        items,
        cards_changed,
        routes_moved,
    }))
}

/// Edited shout-outs (by index) and posts or pages, each still the published item it was,
/// and whether a post or page changed its tags; `None` when one is not (a segment, or an
/// item the site no longer holds as it was).
type Placed = (
    Vec<(usize, Arc<crate::content::Shoutout>)>,
    Vec<(ItemRef, Arc<Page>)>,
    bool,
);

fn placed(renderer: &Renderer, edits: &[ContentEdit]) -> Option<Placed> {
    let site = renderer.site();
    let mut shoutouts = Vec::new();
    let mut pages = Vec::new();
    let mut retagged = false;
    for edit in edits {
        let (content_path, old_ptr) = match edit {
            ContentEdit::Page { old, .. } => (&old.source.content_path, Arc::as_ptr(old) as usize),
            ContentEdit::Shoutout { old, .. } => {
                (&old.source.content_path, Arc::as_ptr(old) as usize)
            }
        };
        // Not published (a draft, no consent): it is on no page.
        let Some(&item) = site.by_content_path.get(content_path) else {
            continue;
        };
        let current = match item {
            ItemRef::Post(i) => Arc::as_ptr(&site.posts[i]) as usize,
            ItemRef::Page(i) => Arc::as_ptr(&site.pages[i]) as usize,
            ItemRef::Shoutout(i) => Arc::as_ptr(&site.shoutouts[i]) as usize,
            ItemRef::Segment(_) => return None,
        };
        if current != old_ptr {
            return None;
        }
        match (edit, item) {
            (
                ContentEdit::Page {
                    new, retagged: r, ..
                },
                _,
            ) => {
                retagged |= r;
                pages.push((item, Arc::clone(new)));
            }
            (ContentEdit::Shoutout { new, .. }, ItemRef::Shoutout(i)) => {
                shoutouts.push((i, Arc::clone(new)));
            }
            (ContentEdit::Shoutout { .. }, _) => return None,
        }
    }
    Some((shoutouts, pages, retagged))
}

/// Whether two bodies show the same pictures: the variant files are listed by the full
/// build, so a body that adds, drops or changes an image is left to one.
fn same_pictures(old: &Rendered, new: &Rendered) -> bool {
    let pictures = |body: &Rendered| -> Vec<u64> {
        let mut hashes: Vec<u64> = body
            .images
            .iter()
            .filter_map(|image| match &image.lookup {
                ImageLookup::Found {
                    picture: Some(p), ..
                } => Some(p.hash),
                _ => None,
            })
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    };
    pictures(old) == pictures(new)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::PathBuf;

    use crate::config::Config;
    use crate::content::{LoadCache, load_cached};
    use crate::site::{BuildOptions, ItemRef, Site};
    use crate::theme::Theme;

    use super::*;

    const POST: &str =
        "+++\ntitle = \"Hello\"\ndate = 2025-01-01\ntags = [\"news\"]\n+++\nFirst words.\n";

    /// A site with `hello.md` and `extra` files, its load cache and its renderer.
    fn site_with(extra: &[(&str, &str)]) -> (tempfile::TempDir, LoadCache, Renderer) {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("content/posts/hello.md");
        std::fs::create_dir_all(post.parent().unwrap()).unwrap();
        std::fs::write(&post, POST).unwrap();
        for (path, text) in extra {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        let config = Config::default();
        let theme = Theme::load(dir.path(), &config).unwrap();
        let mut cache = LoadCache::default();
        let content = load_cached(dir.path(), &config, &mut cache, &HashSet::new()).unwrap();
        let site = Site::resolve(config, content, &BuildOptions::default()).unwrap();
        let renderer = Renderer::new(Arc::new(site), &theme, None).unwrap();
        (dir, cache, renderer)
    }

    /// Writes `text` as `hello.md` and reads it back as edits (`None`: not in place).
    fn edit_hello(
        dir: &tempfile::TempDir,
        cache: &mut LoadCache,
        text: &str,
    ) -> Option<Vec<ContentEdit>> {
        let post = dir.path().join("content/posts/hello.md");
        std::fs::write(&post, text).unwrap();
        let changed: HashSet<PathBuf> = [post].into();
        cache.reread_edits(dir.path(), &Config::default(), &changed)
    }

    #[test]
    fn an_edit_in_place_patches_the_body_and_one_that_moves_the_post_does_not() {
        let (dir, mut cache, mut renderer) = site_with(&[]);
        let edits = edit_hello(
            &dir,
            &mut cache,
            &POST.replace("First words.", "Second words."),
        )
        .expect("a body edit leaves the post in place");
        let patched = apply_edits(&mut renderer, &edits, false)
            .unwrap()
            .expect("patched");
        assert_eq!(patched.items, [ItemRef::Post(0)]);
        assert!(renderer.bodies().posts[0].html.contains("Second words."));
        assert!(
            renderer.site().posts[0]
                .source
                .text
                .contains("Second words.")
        );
        assert!(
            edit_hello(&dir, &mut cache, &POST.replace("2025-01-01", "2025-02-01")).is_none(),
            "a new date moves the post among the others: resolve again"
        );
    }

    const OTHER: &str =
        "+++\ntitle = \"Other\"\ndate = 2025-01-02\ntags = [\"news\", \"fresh\"]\n+++\nMore.\n";

    #[test]
    fn a_tags_edit_patches_the_tag_lists_and_routes_unless_a_tag_problem_needs_reporting() {
        let (dir, mut cache, mut renderer) = site_with(&[("content/posts/other.md", OTHER)]);
        let retag = |cache: &mut LoadCache, tags: &str| {
            let edits = edit_hello(&dir, cache, &POST.replace("[\"news\"]", tags))
                .expect("a tags edit leaves the post in place");
            assert!(matches!(
                edits[..],
                [ContentEdit::Page { retagged: true, .. }]
            ));
            edits
        };
        // `hello` (index 1, the older) joins `fresh`: no tag page comes or goes.
        let edits = retag(&mut cache, "[\"fresh\", \"news\"]");
        let patched = apply_edits(&mut renderer, &edits, false)
            .unwrap()
            .expect("patched");
        assert_eq!(patched.items, [ItemRef::Post(1)]);
        let site = renderer.site();
        let fresh = site.tags.iter().find(|t| t.slug == "fresh").unwrap();
        assert_eq!(fresh.posts, [0, 1]);
        assert_eq!(site.related[1], [0]);
        assert!(!patched.routes_moved);
        // A tag of its own makes a tag page and a feed.
        let edits = retag(&mut cache, "[\"mine\"]");
        let patched = apply_edits(&mut renderer, &edits, false)
            .unwrap()
            .expect("patched");
        assert!(patched.routes_moved);
        let site = renderer.site();
        let mine = site.tags.iter().position(|t| t.slug == "mine").unwrap();
        assert!(site.routes.contains(&crate::site::Route::Tag(mine, 1)));
        // Two spellings of one slug: resolving reports it with the site's other problems.
        let edits = retag(&mut cache, "[\"Mine\", \"mine!\"]");
        let outcome = apply_edits(&mut renderer, &edits, false).unwrap();
        assert!(outcome.is_none(), "{outcome:?}");
    }

    #[test]
    fn only_an_edit_to_what_the_card_shows_reports_a_changed_card() {
        let (dir, mut cache, mut renderer) = site_with(&[]);
        let card = |renderer: &Renderer| renderer.cards().posts[0].as_ref().unwrap().output.clone();
        let first = card(&renderer);
        let mut patch = |renderer: &mut Renderer, text: &str| {
            let edits = edit_hello(&dir, &mut cache, text).expect("in place");
            apply_edits(renderer, &edits, false)
                .unwrap()
                .expect("patched")
        };
        // A paragraph after the first: the summary, and so the card, stay.
        let later = POST.replace("First words.\n", "First words.\n\nLater words.\n");
        let patched = patch(&mut renderer, &later);
        assert!(!patched.cards_changed);
        assert_eq!(card(&renderer), first);
        let retitled = later.replace("Hello", "Hello again");
        let patched = patch(&mut renderer, &retitled);
        assert!(patched.cards_changed);
        assert_ne!(card(&renderer), first);
    }

    #[test]
    fn a_body_that_gains_an_image_is_left_to_a_full_rebuild() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\"></svg>";
        let (dir, mut cache, mut renderer) = site_with(&[("content/posts/a.svg", svg)]);
        let edits = edit_hello(
            &dir,
            &mut cache,
            &POST.replace("First words.", "![A](a.svg)"),
        )
        .unwrap();
        // SVGs have no variants, but the rule is one: any picture added or dropped.
        let outcome = apply_edits(&mut renderer, &edits, false).unwrap();
        assert!(outcome.is_none(), "{outcome:?}");
    }
}
