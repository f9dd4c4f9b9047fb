//! kudos: a static-site generator for customer-appreciation content.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`config`] reads `kudos.toml` (its [`url::BaseUrl`] is checked and split once);
//! 2. [`content`] loads `content/` (in parallel) into posts, pages, shout-outs,
//!    segments and section copy, with front matter parsed and checked, and gives each item
//!    the URL its file's place and [`slug`] make ([`walk`] is how it, [`theme`] and the
//!    importer read folders: one rule for hidden files and links);
//! 3. [`site`] resolves the loaded content into a publishable [`site::Site`]: drafts,
//!    consent (a shout-out whose name may not be shown gets a neutral URL here), tags,
//!    segment membership and every cross-reference are settled here, [`visibility`]
//!    decides, once per shout-out, what of it every output may show, and
//!    [`site::routes`] lists every output file with its URL and template, over which URL
//!    clashes are checked;
//! 4. [`markdown`] and [`render`] turn the site into files (in parallel): markdown with
//!    highlighting and checked internal links, then one Tera render per route: pages,
//!    listings, feeds, the sitemap;
//! 5. [`output`] writes the files into a staging folder and moves them into place only when
//!    everything succeeded.
//!
//! [`build::prepare`] is the one driver of stages 2-4 for every command; the binary in
//! `main.rs` only parses arguments, calls into [`cmd`] and prints errors. [`serve`] keeps
//! the last good build in memory (`serve::session`): a save that leaves every item in
//! place patches it (`serve::patch`, through the renderer's update operations), anything
//! else goes through the driver again with what `warm::memory` kept, and fingerprints
//! (`warm::fingerprints`) decide which routes to render either way. [`warm`] is also what
//! `kudos build` keeps for the next build in `.kudos-cache/build/`: a record that lets a
//! build with nothing changed stop early, every rendered body, every page's fingerprint.
//! [`images`] beside the stages measures the images pages show (while rendering), makes
//! their variants (before writing) and strips every published photo's metadata
//! (`images::metadata`); it also draws share cards (`images::card`, with the embedded
//! `images::fonts`), whose content `render::cards` decides from the visibility decision
//! and renders through the theme's `card.svg`. [`search`] indexes the written pages for
//! the site's own search. [`i18n`] holds the words pages are written in (the theme's
//! and kudos's own: headings, disclosures, month names), by `language`.
//! [`linkcheck`] is `kudos check --external`: it asks the outside links the rendered
//! site shows whether they still lead somewhere (the only part of kudos that goes on the
//! network). [`cache_dir`] is `.kudos-cache/`, where images and link checks keep
//! what outlives a run. [`fingerprint`] is the one home of hashing; [`error`] the typed
//! errors every stage returns and `cmd` renders with their context.

// Errors are the cold path and carry a whole diagnostic (file, position, snippet, help);
// boxing them would only add noise to every signature.
#![allow(clippy::result_large_err)]

pub mod advice;
pub mod build;
pub mod cache_dir;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod error;
pub mod fingerprint;
pub mod i18n;
pub mod images;
pub mod linkcheck;
pub mod markdown;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
mod suggest;
pub mod theme;
pub mod url;
pub mod visibility;
pub mod walk;
pub mod warm;
pub mod words;

pub use error::{Error, Result, SourceError};
