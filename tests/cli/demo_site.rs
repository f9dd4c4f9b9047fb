//! The demo site at the repository root builds, and the Nu Html Checker finds no error in
//! any of its pages (acceptance: valid HTML5 on the demo site, checked in CI).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the demo site (the repository root) into `out`; the accessibility and Lighthouse
/// tests use it too.
pub(crate) fn build_demo(out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_kudos"))
        .args([
            "--root",
            repo().to_str().unwrap(),
            "build",
            "--quiet",
            "--output",
        ])
        .arg(out)
        .status()
        .expect("kudos runs");
    assert!(status.success(), "the demo site builds");
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn demo_site_has_every_listing_and_feed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_demo(&out);
    for file in [
        "index.html",
        "posts/index.html",
        "posts/page/2/index.html",
        "tags/index.html",
        "tags/craft/index.html",
        "shoutouts/index.html",
        "for/new-parents/index.html",
        "for/wholesale-boutiques/index.html",
        "for/grandparents/index.html",
        "about/index.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "syntax.css",
        "style.css",
        "posts/fromm-at-the-workbench/oak-leaf.svg",
        "search/index.html",
        "pagefind/pagefind-ui.js",
    ] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }
    let draft = out.join("posts/winter-workshop-diary/index.html");
    assert!(!draft.exists(), "the draft post is not published");
}

#[test]
fn demo_site_is_valid_html5() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_demo(&out);
    let files = html_files(&out);
    assert!(
        files.len() > 20,
        "expected the whole demo site, found {} pages",
        files.len()
    );
    let errors = crate::common::nu_html_errors(&files);
    assert!(errors.is_empty(), "HTML errors:\n{errors}");
}
