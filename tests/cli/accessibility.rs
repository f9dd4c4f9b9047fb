//! axe-core finds no violation on any kind of page of the demo site (issue 15).
//!
//! The demo site (the repository root) is built into a temporary folder, and
//! `tests/e2e/accessibility.mjs` serves that folder on loopback as a static host would and
//! runs every default rule of npm's axe-core in Debian's Chromium over one page of each
//! kind, in the light and the dark colour scheme. A failure prints each violation with its
//! rule, impact, element selectors and page. Missing tools fail the test with what to
//! install: it never skips silently.

use std::ffi::OsStr;
use std::time::Duration;

use crate::common::browser::{require_tools, run_node_script};
use crate::demo_site::build_demo;

/// The whole browser run; the script has its own 120 s watchdog.
const NODE_LIMIT: Duration = Duration::from_secs(180);

/// One page of every kind the default theme renders, by URL path. The last one is missing,
/// so the host answers with `/404.html`.
const PAGE_KINDS: &[(&str, &str)] = &[
    ("home", "/"),
    ("posts list", "/posts/"),
    ("posts list, page 2", "/posts/page/2/"),
    (
        "post with code",
        "/posts/what-wholesale-partners-taught-us/",
    ),
    (
        "post with a task list",
        "/posts/give-away-a-little-of-the-awesome-first/",
    ),
    ("tag page", "/tags/craft/"),
    ("tags index", "/tags/"),
    ("wall", "/shoutouts/"),
    ("wall filtered by segment", "/shoutouts/for/new-parents/"),
    ("wall filtered by tag", "/shoutouts/tagged/craft/"),
    (
        "shout-out with a source link",
        "/shoutouts/esther-nakamura-bell/",
    ),
    ("anonymous shout-out", "/shoutouts/customer-dd063f349f7c/"),
    ("segment landing page", "/for/new-parents/"),
    (
        "segment variant of a post",
        "/for/wholesale-boutiques/posts/give-away-a-little-of-the-awesome-first/",
    ),
    ("plain page", "/about/"),
    ("search page", "/search/"),
    ("policy page", "/shoutouts/how-we-collect/"),
    ("embeddable wall", "/shoutouts/embed/"),
    ("404 page", "/no-such-page/"),
];

#[test]
fn every_page_kind_of_the_demo_site_has_no_axe_violations() {
    require_tools(&["playwright-core", "axe-core"]);
    let tmp = tempfile::tempdir().expect("create a temporary folder");
    let out = tmp.path().join("public");
    build_demo(&out);
    for (kind, path) in &PAGE_KINDS[..PAGE_KINDS.len() - 1] {
        let file = out.join(path.trim_start_matches('/')).join("index.html");
        assert!(file.is_file(), "the demo site has no {kind} at {path}");
    }
    assert!(
        out.join("404.html").is_file(),
        "the demo site has no 404.html"
    );

    let mut args: Vec<&OsStr> = vec![out.as_os_str()];
    args.extend(PAGE_KINDS.iter().map(|(_, path)| OsStr::new(path)));
    let output = run_node_script("accessibility.mjs", &args, NODE_LIMIT);
    println!("{output}");
    let views = PAGE_KINDS.len() * 2;
    assert!(
        output.contains(&format!(": {views} page views, 0 with problems")),
        "every page was checked in both colour schemes:\n{output}"
    );
}
