//! Repeat builds (issue 14, warm builds): a build leaves every file whose bytes did not
//! change exactly where it is, inode and mtime included (deploy tools such as rsync go by
//! them), rewrites the rest, and still equals a clean build byte for byte. Without
//! sleeping: files are aged an hour into the past first, so a rewritten file shows a new
//! mtime and a kept one keeps the old.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime};

use crate::common::Site;

/// Inode and modification time of every file below `public/`, manifest included.
fn seen(site: &Site) -> BTreeMap<String, (u64, SystemTime)> {
    site.tree("public")
        .files
        .into_keys()
        .map(|path| {
            let m = std::fs::metadata(site.path(&format!("public/{path}"))).unwrap();
            (path, (m.ino(), m.modified().unwrap()))
        })
        .collect()
}

fn an_hour_ago() -> SystemTime {
    SystemTime::now() - Duration::from_secs(3600)
}

/// Sets the mtime of every file below `public/` an hour back.
fn age(site: &Site) {
    let past = an_hour_ago();
    for path in site.tree("public").files.into_keys() {
        std::fs::File::options()
            .write(true)
            .open(site.path(&format!("public/{path}")))
            .unwrap()
            .set_modified(past)
            .unwrap();
    }
}

/// The paths whose inode or mtime differ between two snapshots (or that came or went).
fn touched(
    before: &BTreeMap<String, (u64, SystemTime)>,
    after: &BTreeMap<String, (u64, SystemTime)>,
) -> Vec<String> {
    let mut paths: Vec<String> = before
        .iter()
        .filter(|(path, was)| after.get(*path) != Some(was))
        .map(|(path, _)| path.clone())
        .collect();
    paths.extend(after.keys().filter(|p| !before.contains_key(*p)).cloned());
    paths.sort();
    paths
}

/// The built `basic` fixture, its files aged, and a build that re-stamped them (aging
/// changes a file's ctime, so the build after it compares bytes and records new stamps).
fn built_and_aged() -> Site {
    let site = Site::fixture("basic");
    site.build().success();
    age(&site);
    site.build().success();
    site
}

#[test]
fn a_repeat_build_rewrites_nothing_and_equals_a_clean_build() {
    let site = Site::fixture("basic");
    site.build().success();
    let first = seen(&site);
    site.build().success();
    assert_eq!(
        touched(&first, &seen(&site)),
        Vec::<String>::new(),
        "an unchanged rebuild wrote these"
    );
    // Aged files (a new ctime, so compared byte for byte): every file stays, only the
    // manifest is rewritten with the new stamps; the build after that touches nothing.
    age(&site);
    let aged = seen(&site);
    site.build().success();
    assert_eq!(touched(&aged, &seen(&site)), [".kudos-manifest"]);
    let restamped = seen(&site);
    site.build().success();
    assert_eq!(touched(&restamped, &seen(&site)), Vec::<String>::new());
    assert!(
        seen(&site)["index.html"].1 < an_hour_ago() + Duration::from_secs(60),
        "index.html keeps its mtime in the past"
    );
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}

#[test]
fn editing_one_post_rewrites_its_page_and_the_pages_that_show_it_only() {
    let site = built_and_aged();
    let before = seen(&site);
    let old = site.output_files("public");
    site.edit(
        "content/posts/second.md",
        "## The details",
        "A sentence added by hand.\n\n## The details",
    );
    site.build()
        .success()
        .file("public/posts/second/index.html")
        .contains("A sentence added by hand.");
    let now = site.output_files("public");
    let changed: Vec<&String> = old.keys().filter(|p| old[*p] != now[*p]).collect();
    let touched = touched(&before, &seen(&site));
    eprintln!("rewritten: {touched:?}");
    assert!(touched.contains(&"posts/second/index.html".to_string()));
    assert!(
        touched.contains(&"atom.xml".to_string()),
        "the feed shows posts"
    );
    // Exactly the files whose bytes changed were rewritten (and the manifest).
    let mut expected: Vec<String> = changed.iter().map(|p| p.to_string()).collect();
    expected.push(".kudos-manifest".into());
    expected.sort();
    assert_eq!(touched, expected);
    for unrelated in [
        "posts/hello/index.html",
        "about/index.html",
        "images/hero.svg",
        "posts/bundle/leaf.svg",
    ] {
        assert!(
            !touched.contains(&unrelated.to_string()),
            "{unrelated} was rewritten"
        );
    }
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}

#[test]
fn a_kudos_file_edited_by_hand_in_public_is_rewritten() {
    let site = built_and_aged();
    let right = site.bytes("public/about/index.html");
    let svg = site.bytes("public/images/hero.svg");
    site.write("public/about/index.html", "edited by hand");
    // The same size as the right bytes, and its mtime set back as it was: only its change
    // time (ctime), which no program can set back, tells.
    let mtime = std::fs::metadata(site.path("public/images/hero.svg"))
        .unwrap()
        .modified()
        .unwrap();
    let mut wrong = svg.clone();
    wrong[0] ^= 1;
    site.write("public/images/hero.svg", &wrong);
    std::fs::File::options()
        .write(true)
        .open(site.path("public/images/hero.svg"))
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let before = seen(&site);
    site.build().success();
    assert_eq!(site.bytes("public/about/index.html"), right);
    assert_eq!(site.bytes("public/images/hero.svg"), svg);
    assert_eq!(
        touched(&before, &seen(&site)),
        [".kudos-manifest", "about/index.html", "images/hero.svg"]
    );
}

#[test]
fn a_failed_build_changes_no_file_nor_its_mtime() {
    let site = built_and_aged();
    let before = seen(&site);
    let tree = site.tree("public");
    site.edit(
        "content/posts/second.md",
        "title: Second thoughts",
        "title: [unclosed",
    );
    site.build().code(1).unchanged(&tree);
    assert_eq!(touched(&before, &seen(&site)), Vec::<String>::new());
}

#[test]
fn a_manifest_from_before_stamps_is_adopted_without_rewriting_equal_files() {
    let site = built_and_aged();
    // What kudos wrote before manifests had stamps: version 1, paths only.
    let manifest = site.read("public/.kudos-manifest");
    let old: String = manifest
        .lines()
        .map(|line| line.split('\t').next().unwrap().to_string() + "\n")
        .collect::<String>()
        .replacen("kudos-manifest 2", "kudos-manifest 1", 1);
    site.write("public/.kudos-manifest", &old);
    age(&site);
    let before = seen(&site);
    site.build().success();
    assert_eq!(touched(&before, &seen(&site)), [".kudos-manifest"]);
    let paths = |text: &str| -> Vec<String> {
        text.lines()
            .skip(1)
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    };
    let now = site.read("public/.kudos-manifest");
    assert!(now.starts_with("kudos-manifest 2\n"), "{now}");
    assert_eq!(paths(&now), paths(&manifest));
    assert!(
        now.lines()
            .skip(1)
            .all(|l| l.ends_with('/') || l.contains('\t')),
        "every file has a stamp again:\n{now}"
    );
}

/// The line a build that stops early ends with.
const UP_TO_DATE: &str = "Up to date: 5 pages in site/public, nothing changed since the last build";

#[test]
fn a_build_with_nothing_changed_writes_nothing_and_shows_the_same_warnings() {
    let site = Site::fixture("basic");
    site.edit(
        "content/shoutouts/sam-sample.md",
        "consent = { date = 2025-02-03, scope = [\"quote\"], proof = \"form\" }\n",
        "",
    );
    let warning = "shout-out from Sam Sample is not published: it has no `consent`";
    let first = site.build().success().stderr_has(warning).stderr();
    assert!(first.contains("Built "), "{first}");
    let written = seen(&site);
    let pages = site.files_ending("public", ".html").len();
    let again = site
        .build()
        .success()
        .stderr_has(warning)
        .stderr_has(&UP_TO_DATE.replace("5 pages", &format!("{pages} pages")))
        .stderr();
    assert!(!again.contains("Built "), "{again}");
    assert_eq!(
        seen(&site),
        written,
        "not one file was written, manifest included"
    );
    let beside: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".kudos-staging"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn every_kind_of_change_builds_again_and_equals_a_clean_build() {
    let site = Site::fixture("basic");
    site.build().success();
    let up_to_date = |site: &Site| site.build().success().stderr().contains("Up to date:");
    assert!(up_to_date(&site));
    // Each change, then: a full build that equals a clean one, then up to date again.
    type Change = (&'static str, fn(&Site));
    let changes: [Change; 9] = [
        ("a post edited at once, same size", |s| {
            s.edit("content/posts/hello.md", "Hello", "Howdy");
        }),
        ("a static file added", |s| {
            s.write("static/notes.txt", "hello\n");
        }),
        ("a template added", |s| {
            s.write("templates/partials/footer_extra.html", "<p>extra</p>");
        }),
        ("the config", |s| {
            s.edit("kudos.toml", "paginate = 2", "paginate = 3");
        }),
        ("a data file", |s| {
            s.write("data/shop.toml", "name = \"x\"\n");
        }),
        ("a translation file", |s| {
            s.write("i18n/de.toml", "read_more = \"Weiterlesen\"\n");
        }),
        ("a page of public/ edited by hand", |s| {
            s.write("public/about/index.html", "defaced");
        }),
        ("a page of public/ deleted", |s| {
            s.remove("public/about/index.html");
        }),
        ("a draft removed", |s| {
            s.remove("content/posts/unfinished.md");
        }),
    ];
    for (what, change) in changes {
        change(&site);
        let run = site.build().success();
        assert!(run.stderr().contains("Built "), "{what}: {}", run.stderr());
        site.run(&["build", "--output", "clean"]).success();
        assert_eq!(
            site.output_files("public"),
            site.output_files("clean"),
            "{what}: the output equals a clean build"
        );
        site.build().success();
        assert!(up_to_date(&site), "{what}: up to date afterwards");
    }
    for flag in [["--drafts"], ["--base-url=https://elsewhere.example/"]] {
        let args = [&["build"][..], &flag[..]].concat();
        let run = site.run(&args).success();
        assert!(run.stderr().contains("Built "), "{flag:?}");
        site.build().success();
    }
}

#[test]
fn a_post_dated_later_today_comes_out_when_its_time_arrives() {
    let site = Site::fixture("basic");
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(4);
    site.write(
        "content/posts/soon.md",
        format!("+++\ntitle = \"Coming soon\"\ndate = {soon}\n+++\n\nHere now.\n"),
    );
    site.build().success();
    assert!(!site.path("public/posts/soon/index.html").exists());
    while jiff::Timestamp::now() <= soon {
        std::thread::sleep(Duration::from_millis(200));
    }
    let run = site.build().success();
    assert!(run.stderr().contains("Built "), "{}", run.stderr());
    assert!(
        site.read("public/posts/soon/index.html")
            .contains("Here now.")
    );
}

#[test]
fn a_damaged_build_record_is_a_note_and_everything_is_built() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write(
        ".kudos-cache/build/record",
        "kudos-build-record 1\nnot a digest\n",
    );
    site.build()
        .success()
        .stderr_has("note: .kudos-cache/build/record was not written by this version of kudos (or is damaged): it is ignored, and every page is built")
        .stderr_has("Built ");
    site.build().success().stderr_has("Up to date:");
    // The rendered bodies kept beside the record: one file damaged after its first line.
    let shard = site
        .files_ending(".kudos-cache/build", "")
        .into_iter()
        .find(|name| name.starts_with("bodies-"))
        .expect("bodies are kept");
    let path = format!(".kudos-cache/build/{shard}");
    let bodies = site.bytes(&path);
    let header = bodies.iter().position(|b| *b == b'\n').unwrap() + 1;
    let damaged = [&bodies[..header], &b"\xff\xff\xff"[..]].concat();
    site.write(&path, damaged);
    site.edit("content/posts/hello.md", "Hello", "Howdy");
    site.build()
        .success()
        .stderr_has(&format!(
            "note: {path} is damaged: ignored, and the bodies kept there are rendered again"
        ))
        .stderr_has("Built ");
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}

/// The kept bodies of the `basic` site, as paths below the site.
fn body_files(site: &Site) -> Vec<String> {
    site.files_ending(".kudos-cache/build", "")
        .into_iter()
        .filter(|name| name.starts_with("bodies-"))
        .map(|name| format!(".kudos-cache/build/{name}"))
        .collect()
}

#[test]
fn kept_html_that_is_not_what_was_stored_fails_the_build_and_is_dropped() {
    let site = Site::fixture("basic");
    site.build().success();
    let before = site.output_files("public");
    // Each shard's HTML follows its first line: change its first byte (still UTF-8).
    let shards = body_files(&site);
    assert!(!shards.is_empty(), "bodies are kept");
    for path in &shards {
        let mut bytes = site.bytes(path);
        let header = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        let first = &mut bytes[header];
        *first = if *first == b' ' { b'\n' } else { b' ' };
        site.write(path, bytes);
    }
    // A new site title: every page is rendered again, from the kept bodies.
    site.edit("kudos.toml", "Fixture Shop", "Fixture Shop Two");
    site.build()
        .code(1)
        .stderr_has("a rendered body kept there is not what was stored; it was removed and nothing was written: build again");
    assert_eq!(
        site.output_files("public"),
        before,
        "the output is untouched"
    );
    let left = body_files(&site);
    assert!(
        left.len() < shards.len(),
        "the damaged shard is gone: {left:?}"
    );
    site.build().success().stderr_has("Built ");
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}

#[test]
fn a_new_slug_moves_the_target_of_a_kept_alias_page() {
    // `hello` has the alias `/old-hello/`, a redirect page naming the post's URL: a
    // warm build must not keep it when only the post's slug changed.
    let site = Site::fixture("basic");
    site.build().success();
    site.edit(
        "content/posts/hello.md",
        "+++\n",
        "+++\nslug = \"hello-there\"\n",
    );
    site.build().success().stderr_has("Built ");
    let alias = site.read("public/old-hello/index.html");
    assert!(alias.contains("/posts/hello-there/"), "{alias}");
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}

#[test]
fn a_failed_build_leaves_no_record_to_trust() {
    let site = Site::fixture("basic");
    site.build().success();
    site.edit("content/posts/hello.md", "+++", "+++\nbroken = [");
    site.build().code(1);
    assert!(!site.path(".kudos-cache/build/record").exists());
}

#[test]
fn with_search_on_a_warm_build_indexes_every_page_again() {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!("{}\n[search]\nenabled = true\n", site.read("kudos.toml")),
    );
    site.build().success();
    site.edit(
        "content/posts/second.md",
        "A short second post.",
        "A short post about walnut.",
    );
    site.build().success().stderr_has("Built ");
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
    assert!(
        !site
            .files_ending("public/pagefind", ".pf_fragment")
            .is_empty()
    );
}

#[test]
fn a_build_that_fails_after_rendering_bodies_leaves_no_unfinished_store_files() {
    let site = Site::fixture("basic");
    site.build().success();
    let before = site.output_files("public");
    // A body long enough to go to the store as soon as it is rendered, and a broken link
    // found only once every body is rendered.
    let long = "Care shows in the details a customer never asked about. ".repeat(40);
    site.write(
        "content/posts/long.md",
        format!(
            "+++\ntitle = \"Long\"\ndate = 2025-02-01\n+++\n{long}\n\nSee [this](@/posts/missing.md).\n"
        ),
    );
    site.build()
        .code(1)
        .stderr_has("broken link `@/posts/missing.md`");
    assert_eq!(
        site.output_files("public"),
        before,
        "the output is untouched"
    );
    let unfinished: Vec<String> = site
        .files_ending(".kudos-cache/build", "")
        .into_iter()
        .filter(|name| name.starts_with("bodies-partial-"))
        .collect();
    assert!(unfinished.is_empty(), "{unfinished:?}");
    site.edit(
        "content/posts/long.md",
        "@/posts/missing.md",
        "@/posts/hello.md",
    );
    site.build().success().stderr_has("Built ");
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}
