//! Patching a retained renderer after body-only edits, so `serve` can skip resolving and
//! preparing the whole site again when someone is just writing.
//!
//! A post's body is seen from outside its own page in exactly three ways: its summary and
//! reading time (every listing), the anchors other pages link to, and its full text in
//! the Atom feed. Front matter decides everything else (URL, date, tags, segments,
//! variants), and a [`BodyEdit`] has the same front matter by definition. So when the new
//! body's summary, reading time and anchors equal the old one's, only the page, its
//! segment variants and (for recent posts) the feed can differ, and the rest of the site
//! is provably unchanged. Anything else is left to a full rebuild; `tests/incremental.rs`
//! checks both against clean builds.

use std::sync::Arc;

use crate::content::BodyEdit;
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::site::ItemRef;

use super::bodies::render_body;
use super::context::reading_minutes;
use super::{Job, Renderer};

impl Renderer {
    /// Swaps the edited pages and their bodies in and returns the jobs whose output may
    /// have changed; `Ok(None)` (renderer untouched) when the edit is visible beyond
    /// those jobs and the site needs a full rebuild. On `Err` (a broken link in a new
    /// body) the renderer is left half-patched and must be discarded.
    pub fn apply_body_edits(&mut self, edits: &[BodyEdit]) -> Result<Option<Vec<Job>>> {
        let mut patches = Vec::with_capacity(edits.len());
        for edit in edits {
            let item = self
                .site
                .by_content_path
                .get(&edit.old.source.content_path)
                .copied();
            let Some(item) = item else {
                // Not published (a draft, a future post): its body is on no page.
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

        let mut jobs = Vec::new();
        for patch in &patches {
            jobs.extend(self.jobs_showing_body(patch.item, &patch.variants));
        }
        for patch in patches {
            let site = Arc::make_mut(&mut self.site);
            match patch.item {
                ItemRef::Post(i) => {
                    site.posts[i] = Arc::clone(&patch.page);
                    self.bodies.posts[i] = patch.body;
                }
                ItemRef::Page(i) => {
                    site.pages[i] = Arc::clone(&patch.page);
                    self.bodies.pages[i] = patch.body;
                }
                ItemRef::Shoutout(_) | ItemRef::Segment(_) => {}
            }
            for (seg, body) in patch.variants {
                self.bodies.variants.insert((patch.item, seg), body);
            }
        }
        self.check_links_of(&jobs)?;
        jobs.sort_by_key(|job| matches!(job, Job::Atom));
        jobs.dedup();
        Ok(Some(jobs))
    }

    /// The new body (and variant bodies) of one edit, if the rest of the site cannot see
    /// the difference.
    fn render_patch(&self, item: ItemRef, edit: &BodyEdit) -> Result<Option<Patch>> {
        let env = self.shortcode_env();
        let source = &edit.new.source;
        let body =
            render_body(&self.site, &env, source, None).map_err(|e| Error::Content(vec![e]))?;
        if !OutwardView::of(&body).eq(&OutwardView::of(self.bodies.of(item))) {
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

    /// The outputs that show `item`'s whole body: its page, its variants, and the feed
    /// when it is among the newest posts (the counterpart of what
    /// [`Renderer::job_fingerprint`] hashes a body into).
    fn jobs_showing_body(&self, item: ItemRef, variants: &[(usize, Arc<Rendered>)]) -> Vec<Job> {
        let mut jobs = match item {
            ItemRef::Post(i) => vec![Job::Post(i)],
            ItemRef::Page(i) => vec![Job::Page(i)],
            ItemRef::Shoutout(_) | ItemRef::Segment(_) => Vec::new(),
        };
        jobs.extend(variants.iter().map(|(seg, _)| Job::Variant(item, *seg)));
        let feeds = &self.site.config.feeds;
        if let ItemRef::Post(i) = item
            && feeds.atom
            && i < feeds.limit
        {
            jobs.push(Job::Atom);
        }
        jobs
    }

    /// Broken `@/` links in the bodies `jobs` show.
    fn check_links_of(&self, jobs: &[Job]) -> Result<()> {
        let site = &*self.site;
        let bodies = jobs.iter().filter_map(|job| {
            let (item, body) = match job {
                Job::Post(i) => (ItemRef::Post(*i), &self.bodies.posts[*i]),
                Job::Page(i) => (ItemRef::Page(*i), &self.bodies.pages[*i]),
                Job::Variant(item, seg) => (*item, &self.bodies.variants[&(*item, *seg)]),
                _ => return None,
            };
            Some((super::bodies::item_source(site, item), body))
        });
        let errors = self.bodies.link_errors_in(site, bodies);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Content(errors))
        }
    }
}

/// One edited item, rendered and checked, not yet swapped in.
struct Patch {
    item: ItemRef,
    page: Arc<crate::content::Page>,
    body: Arc<Rendered>,
    variants: Vec<(usize, Arc<Rendered>)>,
}

/// What other pages see of a body: listings show its summary and reading time, links
/// elsewhere may point at its anchors.
#[derive(PartialEq)]
struct OutwardView<'a> {
    summary: Option<&'a str>,
    reading_minutes: usize,
    anchors: Vec<&'a str>,
}

impl<'a> OutwardView<'a> {
    fn of(body: &'a Rendered) -> Self {
        OutwardView {
            summary: body.summary.as_deref(),
            reading_minutes: reading_minutes(body.words),
            anchors: body.anchor_ids(),
        }
    }
}
