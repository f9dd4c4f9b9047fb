//! Whole-page snapshots of the default theme over the `basic` fixture, so any change to
//! what a reader gets shows up in review as a diff.
//!
//! The fixture's dates are fixed and in the past (the build's clock only decides which
//! posts are "in the future"), so these pages are the same on every run. After an
//! intended change: `INSTA_UPDATE=always cargo test --test cli theme_snapshots`, then review
//! the `.snap` diffs under `tests/cli/snapshots/`.

use crate::common::Site;

/// Builds the fixture once per test and returns the text of `public/<path>`.
fn page(path: &str) -> String {
    let site = Site::fixture("basic");
    site.build().success();
    site.read(&format!("public/{path}"))
}

#[test]
fn home() {
    insta::assert_snapshot!(page("index.html"));
}

#[test]
fn post() {
    insta::assert_snapshot!(page("posts/hello/index.html"));
}

#[test]
fn posts_list() {
    insta::assert_snapshot!(page("posts/index.html"));
}

#[test]
fn wall() {
    insta::assert_snapshot!(page("shoutouts/index.html"));
}

#[test]
fn segment() {
    insta::assert_snapshot!(page("for/regulars/index.html"));
}

#[test]
fn atom_feed() {
    insta::assert_snapshot!(page("atom.xml"));
}
