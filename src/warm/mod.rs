//! What a build leaves in `.kudos-cache/build/` for the next one (issue 14, warm builds):
//! a [`Record`] of everything it read and wrote, so that a build that would change
//! nothing stops early, and a [`BodyStore`] of its rendered markdown, so that the next
//! build renders only the bodies whose text or surroundings changed. Both are caches:
//! anything unsure is a miss, never a wrong page.

mod bodies;
mod record;

pub use bodies::BodyStore;
pub use record::{Inputs, RACY, Record, Unreadable};
