//! Lighthouse scores 100 in best practices on every kind of page of the demo site (issue 12).
//!
//! The demo site (the repository root) is built into a temporary folder, and
//! `tests/e2e/lighthouse.mjs` serves that folder on loopback as a static host would and runs
//! npm's Lighthouse in Debian's Chromium over one page of each main kind. It prints the
//! best-practices, accessibility and SEO scores of each page and every audit that lost
//! points; only best practices must be 100. Missing tools fail the test with what to
//! install: it never skips silently.

use std::ffi::OsStr;
use std::time::Duration;

use crate::common::browser::{require_tools, run_node_script};
use crate::demo_site::build_demo;

/// The whole browser run; the script has its own 120 s watchdog.
const NODE_LIMIT: Duration = Duration::from_secs(180);

/// One page of each kind a visitor lands on, by URL path. Lighthouse takes seconds a page,
/// so this is fewer pages than the accessibility test opens.
const PAGE_KINDS: &[(&str, &str)] = &[
    ("home", "/"),
    ("post", "/posts/what-wholesale-partners-taught-us/"),
    ("wall", "/shoutouts/"),
    ("segment landing page", "/for/new-parents/"),
    ("search page", "/search/"),
    ("shout-out", "/shoutouts/esther-nakamura-bell/"),
];

#[test]
fn the_demo_site_scores_100_in_lighthouse_best_practices() {
    require_tools(&["lighthouse", "chrome-launcher"]);
    let tmp = tempfile::tempdir().expect("create a temporary folder");
    let out = tmp.path().join("public");
    build_demo(&out);
    for (kind, path) in PAGE_KINDS {
        let file = out.join(path.trim_start_matches('/')).join("index.html");
        assert!(file.is_file(), "the demo site has no {kind} at {path}");
    }

    let mut args: Vec<&OsStr> = vec![out.as_os_str()];
    args.extend(PAGE_KINDS.iter().map(|(_, path)| OsStr::new(path)));
    let output = run_node_script("lighthouse.mjs", &args, NODE_LIMIT);
    println!("{output}");
    assert!(
        output.contains(&format!(
            ": {} pages, 0 below 100 in best practices or with problems",
            PAGE_KINDS.len()
        )),
        "every page was audited:\n{output}"
    );
}
