//! Patching a retained renderer after edits that leave pages in place, so `serve` can
//! skip resolving and preparing the whole site again when someone is writing.
//!
//! Resolving reads only a page's placement: whether it is published, its URL, date,
//! tags, segments, variants and aliases. A [`PageEdit`] keeps all of those by definition,
//! so the resolved site stays right with the new page swapped in. What the rest of the
//! site shows of a page is its listing entry (rebuilt here), its anchors (which other
//! pages' links are checked against: a patch requires them unchanged) and, for recent
//! posts, its full text in the feed. Which outputs changed is then decided by the same
//! fingerprints as a full rebuild. `tests/incremental.rs` checks the result against clean
//! builds.

use std::sync::Arc;

use crate::content::{Page, PageEdit};
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::site::ItemRef;

use super::bodies::{item_source, render_body};
use super::{Renderer, site_value, summary_value, templates, view_context};

impl Renderer {
    /// Swaps the edited pages and their bodies in and returns the edited items;
    /// `Ok(None)` (renderer untouched) when an edit is visible in a way only a full
    /// rebuild handles. On `Err` (a broken link in a new body) the renderer is left
    /// half-patched and must be discarded.
    pub fn apply_page_edits(&mut self, edits: &[PageEdit]) -> Result<Option<Vec<ItemRef>>> {
        let mut patches = Vec::with_capacity(edits.len());
        for edit in edits {
            let item = self
                .site
                .by_content_path
                .get(&edit.old.source.content_path)
                .copied();
            let Some(item) = item else {
                // Not published (a draft, a future post): it is on no page.
                continue;
            };
            let current = match item {
                ItemRef::Post(i) => &self.site.posts[i],
                ItemRef::Page(i) => &self.site.pages[i],
                ItemRef::Shoutout(_) | ItemRef::Segment(_) => return Ok(None),
            };
            if !Arc::ptr_eq(current, &edit.old) {
                return Ok(None);
            }
            let Some(patch) = self.render_patch(item, edit)? else {
                return Ok(None);
            };
            patches.push(patch);
        }

        let items: Vec<ItemRef> = patches.iter().map(|p| p.item).collect();
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
        }
        self.check_links_of(&items)?;
        if !items.is_empty() {
            self.refresh_listings(&items);
        }
        Ok(Some(items))
    }

    /// The new body (and variant bodies) of one edit, if other pages' links cannot
    /// notice the difference.
    fn render_patch(&self, item: ItemRef, edit: &PageEdit) -> Result<Option<Patch>> {
        let source = &edit.new.source;
        if source.has_shortcodes && self.calls_posts {
            // A shortcode calling posts() fails in a full build; leave it to one.
            return Ok(None);
        }
        let env = self.shortcode_env();
        let body =
            render_body(&self.site, &env, source, None).map_err(|e| Error::Content(vec![e]))?;
        if body.anchor_ids() != self.bodies.of(item).anchor_ids() {
            return Ok(None);
        }
        let mut variants = Vec::new();
        for name in &edit.new.meta.variants {
            if let Some(seg) = self.site.segments.iter().position(|s| &s.slug == name) {
                let rendered = render_body(&self.site, &env, source, Some(seg))
                    .map_err(|e| Error::Content(vec![e]))?;
                variants.push((seg, rendered));
            }
        }
        Ok(Some(Patch {
            item,
            page: Arc::clone(&edit.new),
            body,
            variants,
        }))
    }

    /// Broken `@/` links in the edited items' bodies and variants.
    fn check_links_of(&self, items: &[ItemRef]) -> Result<()> {
        let site = &*self.site;
        let bodies = items.iter().flat_map(|&item| {
            let main = match item {
                ItemRef::Post(i) => &self.bodies.posts[i],
                ItemRef::Page(i) => &self.bodies.pages[i],
                ItemRef::Shoutout(i) => &self.bodies.shoutouts[i],
                ItemRef::Segment(i) => &self.bodies.segments[i],
            };
            let variants = self
                .bodies
                .variants
                .iter()
                .filter(move |((of, _), _)| *of == item)
                .map(|(_, body)| body);
            std::iter::once(main)
                .chain(variants)
                .map(move |body| (item_source(site, item), body))
        });
        let errors = self.bodies.link_errors_in(site, bodies);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Content(errors))
        }
    }

    /// New listing entries for edited posts, and a new `site` value (it lists pages
    /// too). Templates still rendering from the old lists keep them: the lists are
    /// replaced, not changed in place.
    fn refresh_listings(&mut self, items: &[ItemRef]) {
        let site = &*self.site;
        let mut posts = self
            .lists
            .posts
            .get()
            .cloned()
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
        self.lists = Arc::new(self.lists.with_posts(posts));
        templates::register(&mut self.tera, &self.urls, Arc::clone(&self.lists));
        self.base
            .insert_value("site", site_value(site, &self.urls, &self.lists));
    }
}

/// One edited item, rendered and checked, not yet swapped in.
struct Patch {
    item: ItemRef,
    page: Arc<Page>,
    body: Arc<Rendered>,
    variants: Vec<(usize, Arc<Rendered>)>,
}
