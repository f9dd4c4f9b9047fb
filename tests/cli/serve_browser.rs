//! Live reload in headless Chromium (issue 4, acceptance 3).
//!
//! This test starts `kudos serve` on a copy of the basic fixture, on a free loopback port,
//! and hands the URL and the site folder to `tests/e2e/serve_reload.mjs`, which drives
//! Debian's Chromium through npm's `playwright-core`: edit a post, see the page change
//! within 2 s; break the front matter, see the overlay name the file; fix it, see the
//! overlay go; edit a stylesheet, see it swapped without a reload. The script's exit code
//! decides. Missing tools fail the test with what to install: it never skips silently.

use std::path::PathBuf;
use std::time::Duration;

use crate::common::browser::{require_tools, run_node_script};
use crate::common::{Site, free_port};

/// The whole browser run, launch included; the script has its own 90 s watchdog.
const NODE_LIMIT: Duration = Duration::from_secs(150);

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_served_page_follows_edits_errors_and_stylesheets() {
    require_tools(&["playwright-core"]);
    let site = Site::fixture("basic");
    // A stylesheet of the site's own that overrides the theme's, with a probe the script
    // reads through getComputedStyle.
    let theme_css = std::fs::read_to_string(repository().join("themes/kudos/static/style.css"))
        .expect("read the default theme's style.css");
    site.write(
        "static/style.css",
        format!("{theme_css}\n:root {{ --kudos-e2e: one; }}\n"),
    );
    let port = free_port().to_string();
    let mut server = site.spawn(&["serve", "--port", &port]);
    let url = server.wait_until_serving();

    let root = site.root();
    let output = run_node_script(
        "serve_reload.mjs",
        &[url.as_ref(), root.as_os_str()],
        NODE_LIMIT,
    );
    println!("{output}");
    // The terminal showed the broken save too, not only the page.
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("Rebuild failed; still serving the last good version.")),
        "{}",
        server.log().join("\n")
    );
}
