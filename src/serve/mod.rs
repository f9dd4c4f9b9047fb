//! `kudos serve` and `kudos watch`: a site kept in memory, rebuilt on every save.
//!
//! [`session`] owns the incremental rebuild; [`watcher`] turns editor saves into one
//! rebuild per burst; [`server`] serves the in-memory output with live reload and an
//! error overlay and, on each page, the preview bar of [`preview`].

pub mod patch;
pub mod preview;
pub mod server;
pub mod session;
pub mod watcher;
