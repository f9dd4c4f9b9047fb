//! kudos's command-line tests: one binary over small fixture sites (`tests/fixtures/`),
//! each module a subject, every test through the helpers in [`common`]. One binary links
//! the library once, instead of once per file.

mod common;

mod accessibility;
mod bad_input;
mod base_url;
mod build_output;
mod cards;
mod check;
mod collisions;
mod consent_property;
mod demo_site;
mod deploy;
mod external_links;
mod feed;
mod hostile_input;
mod images;
mod import;
mod incremental;
mod init_new;
mod languages;
mod lighthouse;
mod output_safety;
mod policy_embed;
mod preview;
mod repeat_builds;
mod rough_content;
mod rough_markdown;
mod rough_messages;
mod rough_output;
mod search;
mod segments;
mod serve_browser;
mod serve_http;
mod shortcodes;
mod shoutouts;
mod tags;
mod theme_snapshots;
mod valid_html;
mod visibility;
mod wall;
mod watch;
