//! The output folder is kudos's alone, and only as far as kudos wrote it (issue 16, "Files
//! and output"). Each case that once destroyed or escaped something has a test named after
//! it, asserting the exit code, the message and that nothing anywhere changed; then the
//! swap: a reader never misses a file, and a killed build leaves the previous output whole.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{Site, Tree};

/// The fixture, built once, and a snapshot of everything in its temporary folder (the
/// site, its `public/`, and any folder beside the site).
fn built() -> (Site, Tree) {
    let site = Site::fixture("basic");
    site.build().success();
    let before = site.tree("..");
    (site, before)
}

#[test]
fn output_content_is_refused_and_no_md_file_is_lost() {
    let (site, before) = built();
    site.run(&["build", "--output", "content"])
        .code(2)
        .stderr_has(
            "error: refusing to build into site/content: it is inside the site's content/ folder",
        )
        .stderr_has("(it was given with --output)")
        .unchanged(&before);
}

#[test]
fn output_kudos_toml_is_refused_and_the_config_stays_a_file() {
    let (site, before) = built();
    site.run(&["build", "--output", "kudos.toml"])
        .code(2)
        .stderr_has("refusing to build into site/kudos.toml: it is a file, not a folder")
        .unchanged(&before);
}

#[test]
fn output_the_site_root_is_refused() {
    let (site, before) = built();
    site.run(&["build", "--output", "."])
        .code(2)
        .stderr_has("it is the site's own folder")
        .unchanged(&before);
    let absolute = site.root().to_string_lossy().into_owned();
    site.run(&["build", "--output", &absolute])
        .code(2)
        .stderr_has("it is the site's own folder")
        .unchanged(&before);
}

#[test]
fn output_pwd_which_holds_the_site_is_refused() {
    // `--output "$(pwd)"` from the folder that holds the site.
    let (site, before) = built();
    let pwd = site.path("..").canonicalize().unwrap();
    site.run(&["build", "--output", pwd.to_str().unwrap()])
        .code(2)
        .stderr_has("it contains the site")
        .unchanged(&before);
}

#[test]
fn output_an_unrelated_non_empty_folder_is_refused() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write("../other/notes.txt", "not kudos's");
    let before = site.tree("..");
    site.run(&["build", "--output", "../other"])
        .code(2)
        .stderr_has(
            "refusing to build into site/../other: it is not empty and was not written by kudos",
        )
        .stderr_has("kudos never overwrites or deletes files it did not write")
        .unchanged(&before);
}

#[test]
fn output_the_site_by_a_relative_path_is_refused() {
    let (site, before) = built();
    site.run(&["build", "--output", "../site"])
        .code(2)
        .stderr_has("refusing to build into site/../site: it is the site's own folder")
        .unchanged(&before);
}

#[test]
fn output_through_a_symlink_to_static_is_refused() {
    let (site, _) = built();
    std::os::unix::fs::symlink(site.path("static"), site.path("out")).unwrap();
    let before = site.tree("..");
    site.run(&["build", "--output", "out"])
        .code(2)
        .stderr_has("it is inside the site's static/ folder")
        .unchanged(&before);
}

#[test]
fn output_dir_in_kudos_toml_is_checked_too() {
    let (site, _) = built();
    site.edit(
        "kudos.toml",
        "[build]\n",
        "[build]\noutput_dir = \"templates\"\n",
    );
    let before = site.tree("..");
    site.build()
        .code(2)
        .stderr_has("refusing to build into site/templates")
        .stderr_has("(it is set by `[build] output_dir` in kudos.toml)")
        .unchanged(&before);
}

#[test]
fn watch_refuses_an_unsafe_output_folder() {
    let (site, _) = built();
    site.edit(
        "kudos.toml",
        "[build]\n",
        "[build]\noutput_dir = \"content\"\n",
    );
    let before = site.tree("..");
    site.run(&["watch"])
        .code(2)
        .stderr_has("refusing to build into")
        .stderr_has("inside the site's content/ folder")
        .unchanged(&before);
}

#[test]
fn earlier_kudos_output_without_a_manifest_gets_a_message_saying_what_to_do() {
    let (site, _) = built();
    site.remove("public/.kudos-manifest");
    let before = site.tree("..");
    site.build()
        .code(2)
        .stderr_has("it looks like the output of an earlier kudos")
        .stderr_has("delete the folder once and build again")
        .unchanged(&before);
}

#[test]
fn alias_that_climbs_out_is_a_located_error() {
    let (site, _) = built();
    site.edit(
        "content/posts/hello.md",
        "aliases = [\"/old-hello/\"]",
        "aliases = [\"/../../x/\"]",
    );
    let before = site.tree("..");
    site.build()
        .code(1)
        .stderr_has("error: content/posts/hello.md:7:13: ")
        .stderr_has("alias \"/../../x/\" cannot be used: it has a `.` or `..` segment")
        .unchanged(&before);
    assert!(!site.path("../x").exists() && !site.path("../../x").exists());
}

#[test]
fn alias_onto_the_home_page_is_a_located_error() {
    let (site, _) = built();
    site.edit(
        "content/posts/hello.md",
        "aliases = [\"/old-hello/\"]",
        "aliases = [\"/posts/../\"]",
    );
    let before = site.tree("..");
    site.build()
        .code(1)
        .stderr_has("content/posts/hello.md:7:13: ")
        .stderr_has("alias \"/posts/../\" cannot be used")
        .unchanged(&before);
}

#[test]
fn absolute_url_aliases_are_located_errors() {
    for alias in ["https://evil.example/x", "//host/y"] {
        let (site, _) = built();
        site.edit(
            "content/posts/hello.md",
            "aliases = [\"/old-hello/\"]",
            &format!("aliases = [\"{alias}\"]"),
        );
        let before = site.tree("..");
        site.build()
            .code(1)
            .stderr_has("content/posts/hello.md:7:13: ")
            .stderr_has(&format!(
                "alias \"{alias}\" cannot be used: it is an absolute URL, not a path on this site"
            ))
            .unchanged(&before);
    }
}

#[test]
fn wall_path_that_climbs_out_is_a_config_error() {
    let (site, _) = built();
    site.edit(
        "kudos.toml",
        "[build]\n",
        "[shoutouts]\nwall_path = \"../../x\"\n\n[build]\n",
    );
    let before = site.tree("..");
    site.build()
        .code(1)
        .stderr_has("error: kudos.toml:7:1: `[shoutouts] wall_path` = \"../../x\" is not a URL path below the site")
        .unchanged(&before);
}

#[test]
fn segments_path_that_is_an_absolute_url_is_a_config_error() {
    let (site, _) = built();
    site.edit(
        "kudos.toml",
        "[build]\n",
        "[segments]\npath = \"https://evil.example\"\n\n[build]\n",
    );
    let before = site.tree("..");
    site.build()
        .code(1)
        .stderr_has("kudos.toml:7:1: `[segments] path`")
        .stderr_has("it is an absolute URL")
        .unchanged(&before);
}

#[test]
fn new_page_that_climbs_out_of_content_is_refused() {
    let (site, before) = built();
    site.run(&["new", "page", "../escape"])
        .code(2)
        .stderr_has("cannot create the page \"../escape\": it has a `..` segment, which would leave content/")
        .unchanged(&before);
    assert!(!site.path("escape.md").exists());
}

#[test]
fn new_outside_a_site_is_refused() {
    let site = Site::blank();
    std::fs::create_dir_all(site.root()).unwrap();
    site.run(&["new", "post", "Hello"])
        .code(1)
        .stderr_has("no kudos.toml in site: is this a kudos site?");
    assert!(site.tree(".").files.is_empty(), "nothing was created");
    assert!(!site.path("content").exists());
}

#[test]
fn a_static_folder_named_like_the_feed_names_its_source_not_a_staging_path() {
    let (site, _) = built();
    site.write("static/atom.xml/x.txt", "x");
    let before = site.tree("..");
    site.build()
        .code(1)
        .stderr_has("error: site/static/atom.xml/x.txt: the output atom.xml would be both a file (from a page kudos generates) and a folder")
        .stderr_lacks(".kudos-staging")
        .unchanged(&before);
}

#[test]
fn a_static_file_where_pages_need_a_folder_names_its_source_not_a_staging_path() {
    let (site, _) = built();
    site.write("static/posts", "x");
    let before = site.tree("..");
    site.build()
        .code(1)
        .stderr_has("the output posts would be both a file (from site/static/posts) and a folder")
        .stderr_lacks(".kudos-staging")
        .unchanged(&before);
}

#[test]
fn a_foreign_file_inside_public_survives_a_rebuild() {
    let (site, _) = built();
    site.write("public/CNAME", "shop.example.com\n");
    site.write("public/downloads/catalogue.pdf", "%PDF");
    site.build().success();
    assert_eq!(site.read("public/CNAME"), "shop.example.com\n");
    assert_eq!(site.read("public/downloads/catalogue.pdf"), "%PDF");
    assert!(!site.read("public/.kudos-manifest").contains("CNAME"));
}

#[test]
fn a_foreign_file_where_a_new_page_goes_is_an_error_naming_it() {
    let (site, _) = built();
    site.write("public/posts/fresh/index.html", "my own page");
    site.write(
        "content/posts/fresh.md",
        "+++\ntitle = \"Fresh\"\ndate = 2025-02-01\n+++\n\nNew.\n",
    );
    let before = site.tree("..");
    site.build()
        .code(2)
        .stderr_has("site/public/posts/fresh/index.html: this build would overwrite it with a page kudos generates, and kudos did not write it")
        .stderr_has("nothing was changed")
        .unchanged(&before);
}

#[test]
fn a_stale_kudos_written_file_is_removed() {
    let (site, _) = built();
    assert!(site.path("public/posts/second/index.html").is_file());
    site.remove("content/posts/second.md");
    site.edit(
        "content/posts/hello.md",
        "See [the details](@/posts/second.md#the-details) and ",
        "",
    );
    site.build()
        .success()
        .absent("public/posts/second/index.html")
        .absent("public/posts/second");
    assert!(
        !site
            .read("public/.kudos-manifest")
            .contains("posts/second/")
    );
}

#[test]
fn leftovers_that_kudos_cannot_prove_are_its_own_are_left_alone() {
    let (site, _) = built();
    site.write(".kudos-old-x1/previous/index.html", "someone's");
    site.build().success();
    assert_eq!(site.read(".kudos-old-x1/previous/index.html"), "someone's");
}

/// Flips every page between two versions (the site description is on every page).
fn set_version(site: &Site, version: usize) {
    let text = site.read("kudos.toml");
    let line = text
        .lines()
        .find(|l| l.starts_with("description = "))
        .expect("a description line")
        .to_string();
    site.write(
        "kudos.toml",
        text.replace(&line, &format!("description = \"Version {version}\"")),
    );
}

#[test]
fn index_html_is_never_missing_or_partial_during_rebuilds() {
    let site = Site::fixture("basic");
    site.build().success();
    let index = site.path("public/index.html");
    let stop = Arc::new(AtomicBool::new(false));
    let (reads, misses, partial) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let reader = {
        let (stop, reads, misses, partial) = (
            Arc::clone(&stop),
            Arc::clone(&reads),
            Arc::clone(&misses),
            Arc::clone(&partial),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match std::fs::read_to_string(&index) {
                    Ok(text) if text.trim_end().ends_with("</html>") => {}
                    Ok(_) => _ = partial.fetch_add(1, Ordering::Relaxed),
                    Err(_) => _ = misses.fetch_add(1, Ordering::Relaxed),
                }
                reads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    for build in 0..25 {
        set_version(&site, build % 2);
        site.build().success();
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    let reads = reads.load(Ordering::Relaxed);
    assert!(reads > 100, "the reader ran ({reads} reads)");
    assert_eq!(
        misses.load(Ordering::Relaxed),
        0,
        "index.html was missing ({reads} reads)"
    );
    assert_eq!(
        partial.load(Ordering::Relaxed),
        0,
        "index.html was partial ({reads} reads)"
    );
    assert!(site.read("public/index.html").contains("Version 0"));
}

/// A site big enough that a build takes a while, so kills land in every phase.
fn big_site() -> Site {
    let site = Site::fixture("basic");
    // The versions differ in the site's description, which its share card shows: without
    // cards both versions write the same file names, as this test needs.
    let config = site.read("kudos.toml");
    site.write(
        "kudos.toml",
        format!(
            "{config}\n[cards]\nposts = false\nsegments = false\nshoutouts = false\nsite = false\n"
        ),
    );
    for n in 0..300 {
        site.write(
            &format!("content/posts/bulk-{n}.md"),
            format!(
                "+++\ntitle = \"Bulk post {n}\"\ndate = 2024-01-01\ntags = [\"bulk\"]\n+++\n\nPost {n}.\n\n```rust\nfn f() -> u32 {{ {n} }}\n```\n"
            ),
        );
    }
    site
}

/// A small xorshift generator: the delays differ from run to run, and the seed is
/// printed so a failure can be replayed.
struct Random(u64);

impl Random {
    fn new() -> Random {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        eprintln!("kill-test seed {seed}");
        Random(seed)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

/// Names in the site root (where staging folders go) that start with `.kudos`.
fn kudos_leftovers(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.kudos-cache/` is kudos's cache folder, kept on purpose.
        .filter(|n| n.starts_with(".kudos") && n != ".kudos-cache")
        .collect()
}

#[test]
fn killed_builds_leave_the_previous_output_whole_and_the_next_build_cleans_up() {
    let site = big_site();
    let mut versions = Vec::new();
    let mut slowest = Duration::ZERO;
    for version in 0..2 {
        set_version(&site, version);
        let started = Instant::now();
        site.run(&["build", "-q", "--output", &format!("expect-{version}")])
            .success();
        slowest = slowest.max(started.elapsed());
        versions.push(site.output_files(&format!("expect-{version}")));
    }
    assert_eq!(
        versions[0].keys().collect::<Vec<_>>(),
        versions[1].keys().collect::<Vec<_>>(),
        "both versions write the same files"
    );
    site.build().success();
    let mut random = Random::new();
    let (mut mixed, mut left_staging) = (0, 0);
    for round in 0..12 {
        set_version(&site, (round + 1) % 2);
        let delay = random.below(slowest.as_millis() as u64 * 6 / 5);
        let running = site.spawn(&["build", "-q"]);
        std::thread::sleep(Duration::from_millis(delay));
        drop(running); // SIGKILL, then wait
        let public = site.output_files("public");
        let manifest = site.read("public/.kudos-manifest");
        for (path, old) in &versions[0] {
            let now = public.get(path).unwrap_or_else(|| {
                panic!("round {round} (killed after {delay} ms): public/{path} is missing")
            });
            assert!(
                now == old || now == &versions[1][path],
                "round {round} (killed after {delay} ms): public/{path} is neither version, so it is partial"
            );
            assert!(
                manifest.lines().any(|l| l.split('\t').next() == Some(path)),
                "round {round}: the manifest does not list {path}"
            );
        }
        let kinds: std::collections::BTreeSet<bool> = versions[0]
            .iter()
            .filter(|(path, old)| *old != &versions[1][*path])
            .map(|(path, old)| &public[path] == old)
            .collect();
        mixed += usize::from(kinds.len() == 2);
        left_staging += usize::from(!kudos_leftovers(&site).is_empty());
    }
    eprintln!(
        "12 kills: {mixed} mid-swap (old and new files mixed), {left_staging} left a staging folder"
    );
    set_version(&site, 0);
    site.build().success();
    assert_eq!(
        site.output_files("public"),
        versions[0],
        "a clean build after the kills"
    );
    // A kill that lands while a build makes (or removes) its folder, between two system
    // calls, leaves it empty or with an empty marker: such a folder may be a running
    // build's, so it is removed only once it is a minute old (docs/content.md). Anything
    // else left would be a killed build's files the next build should have removed.
    let unfinished = |name: &String| {
        std::fs::read_dir(site.path(name)).unwrap().all(|entry| {
            let entry = entry.unwrap();
            entry.file_name() == ".kudos-staging" && entry.metadata().unwrap().len() == 0
        })
    };
    let left: Vec<String> = kudos_leftovers(&site)
        .into_iter()
        .filter(|name| !unfinished(name))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "leftovers beside public/");
    let manifest = site.read("public/.kudos-manifest");
    let listed: Vec<&str> = manifest
        .lines()
        .skip(1)
        .filter(|l| !l.ends_with('/'))
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let expected: Vec<&str> = versions[0].keys().map(String::as_str).collect();
    assert_eq!(
        listed, expected,
        "the manifest lists exactly the files of the build"
    );
}

#[test]
fn an_output_that_is_a_symlink_to_a_web_root_is_built_through_it() {
    let site = Site::fixture("basic");
    std::fs::create_dir_all(site.path("../www/shop")).unwrap();
    std::os::unix::fs::symlink(site.path("../www/shop"), site.path("public")).unwrap();
    site.build().success();
    site.build().success();
    assert!(site.path("public").is_symlink(), "the link stays a link");
    assert!(site.read("../www/shop/index.html").contains("Fixture Shop"));
    let beside: Vec<_> = std::fs::read_dir(site.path("../www"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        ["shop"],
        "no staging folder left beside the real folder"
    );
}
