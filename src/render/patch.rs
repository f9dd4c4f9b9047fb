//! Patching a retained renderer after edits that leave items in place, so `serve` can
//! skip resolving and preparing the whole site again when someone is writing.
//!
//! Resolving reads only an item's placement: for a post or page whether it is published,
//! its URL, date, tags, segments, variants and aliases; for a shout-out its front matter
//! and whether the quote is empty. A [`ContentEdit`] keeps those by definition, so the
//! resolved site stays right with the new item swapped in. What the rest of the site
//! shows of an item is rebuilt here: a post's listing entry, a shout-out's card, and
//! every body whose shortcodes embed cards. Anchors must stay the same (other pages'
//! links were checked against them). Which outputs changed is then decided by the same
//! fingerprints as in a full rebuild. `tests/cli/incremental.rs` checks the result against
//! clean builds.

use std::sync::Arc;

use crate::content::{ContentEdit, Page};
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::site::ItemRef;

use super::bodies::{item_source, render_body, render_quote};
use super::lists::{card_value, shortcode_inputs, site_value, summary_value, view_context};
use super::{Renderer, templates};

impl Renderer {
    /// Swaps the edited items in, re-renders what shows them, and returns every item
    /// whose body changed. `Ok(None)` when an edit needs a full rebuild. After `Ok(None)`
    /// or `Err` (a broken link in a new body) the renderer may be half-patched and must
    /// be discarded.
    pub fn apply_edits(&mut self, edits: &[ContentEdit]) -> Result<Option<Vec<ItemRef>>> {
        let mut items = Vec::new();
        let mut pages: Vec<(ItemRef, Arc<Page>)> = Vec::new();
        for edit in edits {
            let (content_path, old_ptr) = match edit {
                ContentEdit::Page { old, .. } => {
                    (&old.source.content_path, Arc::as_ptr(old) as usize)
                }
                ContentEdit::Shoutout { old, .. } => {
                    (&old.source.content_path, Arc::as_ptr(old) as usize)
                }
            };
            // Not published (a draft, no consent): it is on no page.
            let Some(&item) = self.site.by_content_path.get(content_path) else {
                continue;
            };
            let current = match item {
                ItemRef::Post(i) => Arc::as_ptr(&self.site.posts[i]) as usize,
                ItemRef::Page(i) => Arc::as_ptr(&self.site.pages[i]) as usize,
                ItemRef::Shoutout(i) => Arc::as_ptr(&self.site.shoutouts[i]) as usize,
                ItemRef::Segment(_) => return Ok(None),
            };
            if current != old_ptr {
                return Ok(None);
            }
            match edit {
                ContentEdit::Page { new, .. } => pages.push((item, Arc::clone(new))),
                ContentEdit::Shoutout { new, .. } => {
                    let ItemRef::Shoutout(i) = item else {
                        return Ok(None);
                    };
                    Arc::make_mut(&mut self.site).shoutouts[i] = Arc::clone(new);
                    items.push(item);
                }
            }
        }
        if !items.is_empty() && !self.refresh_quotes(&items, &mut pages) {
            return Ok(None);
        }

        let mut patches = Vec::with_capacity(pages.len());
        for (item, page) in pages {
            let Some(patch) = self.render_patch(item, page)? else {
                return Ok(None);
            };
            patches.push(patch);
        }
        for patch in patches {
            let site = Arc::make_mut(&mut self.site);
            match patch.item {
                ItemRef::Post(i) => {
                    site.posts[i] = patch.page;
                    self.bodies.posts[i] = patch.body;
                }
                ItemRef::Page(i) => {
                    site.pages[i] = patch.page;
                    self.bodies.pages[i] = patch.body;
                }
                ItemRef::Shoutout(_) | ItemRef::Segment(_) => {}
            }
            for (seg, body) in patch.variants {
                self.bodies.variants.insert((patch.item, seg), body);
            }
            items.push(patch.item);
        }
        self.check_links_of(&items)?;
        if !items.is_empty() {
            self.refresh_listings(&items);
        }
        Ok(Some(items))
    }

    /// New quotes and cards for the edited shout-outs, then the bodies whose shortcodes
    /// may embed them join `pages` to be rendered again. `false` when such a body is one
    /// a patch does not handle (a segment's or a section's).
    fn refresh_quotes(
        &mut self,
        shoutouts: &[ItemRef],
        pages: &mut Vec<(ItemRef, Arc<Page>)>,
    ) -> bool {
        let site = Arc::clone(&self.site);
        let site = &*site;
        let context = view_context(site);
        let mut lists = (*self.lists).clone();
        for item in shoutouts {
            if let ItemRef::Shoutout(i) = *item {
                let shoutout = &site.shoutouts[i];
                let quote = render_quote(site, shoutout, self.cache.as_deref());
                lists.shoutouts[i] = card_value(
                    site,
                    &self.urls,
                    self.cache.as_deref(),
                    context,
                    (shoutout, &site.shown[i], self.avatars[i].as_ref()),
                    &quote,
                );
                self.bodies.shoutouts[i] = quote;
            }
        }
        self.replace_lists(lists);
        self.shortcode_inputs = shortcode_inputs(site, self.shortcode_templates);
        let others = site.segments.iter().map(|s| &s.source);
        let sections = site.sections.values().map(|s| &s.source);
        if others.chain(sections).any(|s| s.has_shortcodes) {
            return false;
        }
        let with_shortcodes = site
            .posts_and_pages()
            .filter(|(_, p)| p.source.has_shortcodes);
        for (item, page) in with_shortcodes {
            if !pages.iter().any(|(edited, _)| *edited == item) {
                pages.push((item, Arc::clone(page)));
            }
        }
        true
    }

    /// The new body (and variant bodies) of one post or page, if other pages' links
    /// cannot notice the difference.
    fn render_patch(&self, item: ItemRef, page: Arc<Page>) -> Result<Option<Patch>> {
        let source = &page.source;
        if source.has_shortcodes && self.calls_posts {
            // A shortcode calling posts() fails in a full build; leave it to one.
            return Ok(None);
        }
        let env = self.shortcode_env();
        let body = render_body(&self.site, &env, source, None).map_err(Error::Content)?;
        if body.anchor_ids() != self.bodies.of(item).anchor_ids() {
            return Ok(None);
        }
        let mut variants = Vec::new();
        for seg in self.site.variant_segments(&page) {
            let rendered =
                render_body(&self.site, &env, source, Some(seg)).map_err(Error::Content)?;
            variants.push((seg, rendered));
        }
        Ok(Some(Patch {
            item,
            page,
            body,
            variants,
        }))
    }

    /// Broken `@/` links in the edited items' bodies and variants.
    fn check_links_of(&self, items: &[ItemRef]) -> Result<()> {
        let site = &*self.site;
        // Quotes are never checked for links (they are the customer's words).
        let pages = items
            .iter()
            .filter(|item| matches!(item, ItemRef::Post(_) | ItemRef::Page(_)));
        let bodies = pages.flat_map(|&item| {
            let variants = self
                .bodies
                .variants
                .iter()
                .filter(move |((of, _), _)| *of == item)
                .map(|(_, body)| body);
            std::iter::once(self.bodies.of(item))
                .chain(variants)
                .map(move |body| (item_source(site, item), body))
        });
        let errors = self
            .bodies
            .link_errors_in(site, bodies, &Default::default());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Content(errors))
        }
    }

    /// New listing entries for edited posts, and a new `site` value (it lists pages and
    /// shout-out cards too).
    fn refresh_listings(&mut self, items: &[ItemRef]) {
        let site = Arc::clone(&self.site);
        let site = &*site;
        let mut lists = (*self.lists).clone();
        let mut posts = lists
            .posts
            .take()
            .expect("post lists are set once bodies are rendered");
        let context = view_context(site);
        for item in items {
            if let ItemRef::Post(i) = *item {
                posts.values[i] = summary_value(
                    site,
                    &self.urls,
                    self.cache.as_deref(),
                    context,
                    &site.posts[i],
                    &self.bodies.posts[i],
                );
            }
        }
        let _ = lists.posts.set(posts);
        self.replace_lists(lists);
        self.base.insert_value(
            "site",
            site_value(site, &self.urls, &self.lists, &self.bodies.pages),
        );
    }

    /// Templates still rendering keep the old lists: they are replaced, not changed.
    fn replace_lists(&mut self, lists: templates::Lists) {
        self.lists = Arc::new(lists);
        templates::register(&mut self.tera, &self.urls, Arc::clone(&self.lists));
    }
}

/// One edited item, rendered and checked, not yet swapped in.
struct Patch {
    item: ItemRef,
    page: Arc<Page>,
    body: Arc<Rendered>,
    variants: Vec<(usize, Arc<Rendered>)>,
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

    #[test]
    fn an_edit_in_place_patches_the_body_and_one_that_moves_the_post_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("content/posts/hello.md");
        std::fs::create_dir_all(post.parent().unwrap()).unwrap();
        std::fs::write(&post, POST).unwrap();
        let config = Config::default();
        let theme = Theme::load(dir.path(), &config).unwrap();
        let mut cache = LoadCache::default();
        let content = load_cached(dir.path(), &config, &mut cache, &HashSet::new()).unwrap();
        let site = Site::resolve(config.clone(), content, &BuildOptions::default()).unwrap();
        let mut renderer = Renderer::new(Arc::new(site), &theme, None).unwrap();
        let changed: HashSet<PathBuf> = [post.clone()].into();

        std::fs::write(&post, POST.replace("First words.", "Second words.")).unwrap();
        let edits = cache
            .reread_edits(dir.path(), &config, &changed)
            .expect("a body edit leaves the post in place");
        let items = renderer.apply_edits(&edits).unwrap().expect("patched");
        assert_eq!(items, [ItemRef::Post(0)]);
        assert!(renderer.bodies().posts[0].html.contains("Second words."));
        assert!(
            renderer.site().posts[0]
                .source
                .text
                .contains("Second words.")
        );

        std::fs::write(&post, POST.replace("[\"news\"]", "[\"other\"]")).unwrap();
        assert!(
            cache.reread_edits(dir.path(), &config, &changed).is_none(),
            "new tags move the post to other listings: resolve again"
        );
    }
}
