//! What one build keeps for the next: in memory between `serve`'s rebuilds, on disk in
//! `.kudos-cache/build/` between `kudos build`s (issue 14, warm builds).
//!
//! - [`fingerprints`]: what each output file depends on, as one hash, so only the files
//!   whose inputs changed are rendered again. Every part is a hash of content, the same
//!   in every process.
//! - [`memory`]: `serve`'s store of rendered bodies and template views.
//! - [`BodyStore`]: the build's store of rendered markdown (and of share cards' names,
//!   `card_names`), on disk.
//! - [`Record`]: everything a build read and wrote, so that a build that would change
//!   nothing stops early, and the fingerprint of every page it wrote.
//!
//! All of it is cache: anything unsure is a miss, never a wrong page.

mod bodies;
mod card_names;
pub mod fingerprints;
pub mod memory;
mod record;

pub use bodies::BodyStore;
pub use record::{Inputs, RACY, Record, Unreadable, page_context};

/// The value behind `mutex`, even if a thread panicked holding it: every store here is a
/// cache, which a half-finished insert cannot make wrong, only incomplete.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
