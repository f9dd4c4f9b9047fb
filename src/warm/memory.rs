//! What `serve` and `watch` keep in memory between rebuilds for rendering: rendered bodies, template
//! views, share cards' names and image measurements (the store behind [`RenderCache`]; the rules of reuse are
//! the renderer's), and the fingerprints of post listing entries.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::images::Catalog;
use crate::markdown::Rendered;
use crate::render::{CachedBody, CachedView, KeptCard, RenderCache};

/// One session's store, shared by every rebuild.
#[derive(Default)]
pub struct BodyCache {
    bodies: Mutex<FxHashMap<u64, Arc<CachedBody>>>,
    /// Template views (shout-out cards, post summaries): building them (sanitising
    /// quotes, serialising) is most of a rebuild otherwise.
    views: Mutex<FxHashMap<u64, Arc<CachedView>>>,
    /// Fingerprints of what a post's listing entry shows, by (source, body) revision.
    summaries: Mutex<FxHashMap<(u64, u64), u64>>,
    /// Share cards' names by what they are rendered from: a full rebuild names 10k cards.
    /// Like the bodies and views, it only grows during a session (a template or config
    /// edit adds a name per card: 16 bytes each).
    card_names: Mutex<FxHashMap<u64, u64>>,
    /// Posts' cards, by what they are made from, for the print they were made under
    /// (cards of an older template or config are dropped when the print changes: 10k
    /// cards a change otherwise).
    cards: Mutex<(u64, FxHashMap<u64, Arc<KeptCard>>)>,
    images: Arc<Catalog>,
}

impl RenderCache for BodyCache {
    fn body(&self, slot: u64) -> Option<Arc<CachedBody>> {
        self.bodies.lock().ok()?.get(&slot).cloned()
    }

    fn keep_body(&self, slot: u64, body: CachedBody) -> Arc<Rendered> {
        let rendered = body.rendered();
        if let Ok(mut bodies) = self.bodies.lock() {
            bodies.insert(slot, Arc::new(body));
        }
        rendered
    }

    fn view(&self, slot: u64) -> Option<Arc<CachedView>> {
        self.views.lock().ok()?.get(&slot).cloned()
    }

    fn keep_view(&self, slot: u64, view: CachedView) {
        if let Ok(mut views) = self.views.lock() {
            views.insert(slot, Arc::new(view));
        }
    }

    fn images(&self) -> Arc<Catalog> {
        Arc::clone(&self.images)
    }

    fn card_name(&self, key: u64) -> Option<u64> {
        self.card_names.lock().ok()?.get(&key).copied()
    }

    fn keep_card_name(&self, key: u64, name: u64) {
        if let Ok(mut names) = self.card_names.lock() {
            names.insert(key, name);
        }
    }

    fn card(&self, print: u64, key: u64) -> Option<Arc<KeptCard>> {
        let cards = self.cards.lock().ok()?;
        (cards.0 == print).then(|| cards.1.get(&key).cloned())?
    }

    fn keep_card(&self, print: u64, key: u64, card: KeptCard) {
        if let Ok(mut cards) = self.cards.lock() {
            if cards.0 != print {
                *cards = (print, FxHashMap::default());
            }
            cards.1.insert(key, Arc::new(card));
        }
    }
}

impl BodyCache {
    /// `compute()` for the (source, body) revision pair, remembered.
    pub fn summary_print(&self, revisions: (u64, u64), compute: impl FnOnce() -> u64) -> u64 {
        if let Some(print) = self
            .summaries
            .lock()
            .ok()
            .and_then(|m| m.get(&revisions).copied())
        {
            return print;
        }
        let print = compute();
        if let Ok(mut summaries) = self.summaries.lock() {
            summaries.insert(revisions, print);
        }
        print
    }
}
