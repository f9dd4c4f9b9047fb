//! Updating a kept renderer in place, for edits that leave every item where it was:
//! the operations `serve::patch` drives (which edits qualify, and when to give up and
//! rebuild, is decided there). Each operation keeps what the rest of the site shows of an
//! item in step with it: a post's listing entry, a shout-out's card, the `site` value.

use std::sync::Arc;

use crate::content::{Page, Shoutout};
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::site::ItemRef;

use super::bodies::{item_source, render_body, render_quote};
use super::lists::{
    card_value, post_tag_slugs, shortcode_inputs, site_value, summary_value, view_context,
};
use super::{Renderer, templates};

/// The new body of a post or page and of each of its variants, rendered, not yet in place.
pub struct ItemBodies {
    /// The plain body.
    pub body: Arc<Rendered>,
    /// (segment index, body) per variant.
    pub variants: Vec<(usize, Arc<Rendered>)>,
}

impl Renderer {
    /// Puts the new files of shout-outs in place (by index), with their quotes and cards
    /// rendered again; shortcodes embedding cards see the new ones from now on.
    pub fn replace_shoutouts(&mut self, shoutouts: Vec<(usize, Arc<Shoutout>)>) {
        for (i, shoutout) in &shoutouts {
            Arc::make_mut(&mut self.site).shoutouts[*i] = Arc::clone(shoutout);
        }
        let site = Arc::clone(&self.site);
        let site = &*site;
        let context = view_context(site);
        let mut lists = (*self.lists).clone();
        for (i, _) in shoutouts {
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
        self.replace_lists(lists);
        self.shortcode_inputs = shortcode_inputs(site, self.shortcode_templates);
    }

    /// The bodies `page` (the new file of post or page `item`) renders to, variants too.
    pub fn render_bodies_of(&self, page: &Page) -> Result<ItemBodies> {
        let env = self.shortcode_env();
        let source = &page.source;
        let body = render_body(&self.site, &env, source, None).map_err(Error::Content)?;
        let mut variants = Vec::new();
        for seg in self.site.variant_segments(page) {
            let rendered =
                render_body(&self.site, &env, source, Some(seg)).map_err(Error::Content)?;
            variants.push((seg, rendered));
        }
        Ok(ItemBodies { body, variants })
    }

    /// Puts `page` and its `bodies` in place of post or page `item`.
    pub fn swap_in(&mut self, item: ItemRef, page: Arc<Page>, bodies: ItemBodies) {
        let site = Arc::make_mut(&mut self.site);
        match item {
            ItemRef::Post(i) => {
                site.posts[i] = page;
                self.bodies.posts[i] = bodies.body;
            }
            ItemRef::Page(i) => {
                site.pages[i] = page;
                self.bodies.pages[i] = bodies.body;
            }
            ItemRef::Shoutout(_) | ItemRef::Segment(_) => {}
        }
        for (seg, body) in bodies.variants {
            self.bodies.variants.insert((item, seg), body);
        }
    }

    /// Broken `@/` links in the bodies and variants of `items`.
    pub fn check_links_of(&self, items: &[ItemRef]) -> Result<()> {
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

    /// After posts swapped in changed their tags: the site's tag lists, related posts
    /// and route table ([`crate::site::Site::refresh_tags`], which says what is returned).
    /// [`Renderer::refresh_listings`] with `retagged` then brings the posts' tag slugs
    /// that `posts(tag=...)` matches in step.
    pub fn refresh_tags(&mut self) -> std::result::Result<bool, Vec<crate::error::SourceError>> {
        Arc::make_mut(&mut self.site).refresh_tags()
    }

    /// New listing entries for edited posts, and a new `site` value (it lists pages and
    /// shout-out cards too); with `retagged`, every post's tag slugs from the site's tag
    /// lists too.
    pub fn refresh_listings(&mut self, items: &[ItemRef], retagged: bool) {
        let site = Arc::clone(&self.site);
        let site = &*site;
        let mut lists = (*self.lists).clone();
        let mut posts = lists
            .posts
            .take()
            .expect("post lists are set once bodies are rendered");
        if retagged {
            posts.tags = post_tag_slugs(site);
        }
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
            site_value(
                site,
                &self.urls,
                (&self.lists, &self.menu),
                &self.bodies.pages,
            ),
        );
    }

    /// Makes the share cards of `items` (edited in place) again; returns whether any
    /// changed, so the caller publishes the new files (see [`Renderer::card_files`]). A
    /// `share_excerpt` that no longer matches its quote is an error, as in a full build.
    pub fn refresh_cards(&mut self, items: &[ItemRef]) -> Result<bool> {
        let site = Arc::clone(&self.site);
        let engine = self.card_engine();
        let mut cards = (*self.cards).clone();
        let mut changed = false;
        for &item in items {
            let (quote, avatar) = match item {
                ItemRef::Shoutout(i) => {
                    let quote = super::cards::quote_text(&self.bodies.shoutouts[i]);
                    if let Some(error) = super::cards::check_excerpt(&site.shoutouts[i], &quote) {
                        return Err(Error::Content(vec![error]));
                    }
                    (quote, self.avatars[i].as_ref())
                }
                _ => (String::new(), None),
            };
            let (card, warned) = super::cards::make_one(&site, &engine, item, (&quote, avatar));
            let card = card.map_err(|e| Error::Content(vec![e]))?;
            changed |= cards.replace(&site, item, card, warned);
        }
        self.cards = Arc::new(cards);
        Ok(changed)
    }

    /// Templates still rendering keep the old lists: they are replaced, not changed.
    fn replace_lists(&mut self, lists: templates::Lists) {
        self.lists = Arc::new(lists);
        templates::register(
            &mut self.tera,
            &self.urls,
            Arc::clone(&self.lists),
            Arc::clone(&self.assets),
            Arc::clone(&self.site.strings),
        );
    }
}
