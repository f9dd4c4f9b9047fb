//! Editor saves while `kudos watch` and `kudos serve` run (issue 4, acceptance 5).
//!
//! Each save is done the way a real editor does it, file operation by file operation, and
//! each must give exactly one rebuild (one "... changed: N pages in M ms" line) whose
//! result is right: for `watch`, `public/` then equals a clean `kudos build` of the same
//! files; for `serve`, the new text is what the server answers.

use std::time::Duration;

use crate::common::{REBUILD, Running, START, Site};

/// Time to let stray events turn into (unwanted) extra rebuilds before counting.
const SETTLE: Duration = Duration::from_millis(1500);
const CHANGED: &str = " changed: ";

/// `kudos watch` on `site`, after its first build is in `public/`.
fn watch(site: &Site) -> Running {
    let mut watcher = site.spawn(&["watch"]);
    watcher.wait_for_line("Watching ", START);
    assert!(site.path("public/index.html").is_file());
    watcher
}

/// Waits for a rebuild, lets the burst settle, and returns the rebuild lines logged since
/// `before` lines had been.
fn rebuilds_after(running: &mut Running, before: usize) -> Vec<String> {
    running.wait_for_lines(CHANGED, before + 1, REBUILD);
    std::thread::sleep(SETTLE);
    running.lines_with(CHANGED).split_off(before)
}

/// `public/` is byte for byte what a clean build of the same files writes; the manifests
/// list the same paths (their stamps, with inodes and times, differ between folders).
fn assert_public_is_a_clean_build(site: &Site) {
    site.run(&["build", "--output", "clean"]).success();
    let mut public = site.tree("public");
    let mut clean = site.tree("clean");
    let paths = |manifest: Vec<u8>| -> Vec<String> {
        String::from_utf8(manifest)
            .unwrap()
            .lines()
            .map(|line| line.split('\t').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        paths(public.files.remove(".kudos-manifest").unwrap()),
        paths(clean.files.remove(".kudos-manifest").unwrap()),
        "the manifests list other files"
    );
    let differ: Vec<&String> = public
        .files
        .keys()
        .chain(clean.files.keys())
        .filter(|p| public.files.get(*p) != clean.files.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "public/ is not what a clean build writes: {differ:?}"
    );
}

#[test]
fn a_vim_save_is_one_rebuild() {
    let site = Site::fixture("basic");
    let mut watcher = watch(&site);
    let post = "content/posts/hello.md";
    let new_text = site
        .read(post)
        .replace("The first paragraph is the summary.", "Saved from vim.");

    // vim makes its swap file when the file is opened, long before the save.
    site.write("content/posts/.hello.md.swp", "b0VIM 9.0 swap");
    std::thread::sleep(Duration::from_millis(300));
    // :w with the default 'backupcopy' and 'writebackup': probe the folder with 4913,
    // move the original to the backup name, write the new file, drop the backup.
    site.write("content/posts/4913", "");
    site.remove("content/posts/4913");
    site.rename(post, "content/posts/hello.md~");
    site.write(post, &new_text);
    site.remove("content/posts/hello.md~");
    // ... and :q removes the swap file later.
    std::thread::sleep(Duration::from_millis(300));
    site.remove("content/posts/.hello.md.swp");

    let rebuilds = rebuilds_after(&mut watcher, 0);
    assert_eq!(
        rebuilds.len(),
        1,
        "one save, one rebuild: {rebuilds:#?}\nlog:\n{}",
        watcher.log().join("\n")
    );
    assert!(
        rebuilds[0].starts_with("content/posts/hello.md changed: "),
        "the rebuild names the post, and nothing else: {}",
        rebuilds[0]
    );
    site.file("public/posts/hello/index.html")
        .contains("Saved from vim.")
        .lacks("The first paragraph is the summary.");
    site.file("public/posts/page/2/index.html")
        .contains("Saved from vim.");
    assert!(
        site.files_ending("public", "4913").is_empty()
            && site.files_ending("public", "~").is_empty()
            && site.files_ending("public", ".swp").is_empty(),
        "editor leftovers reached public/"
    );
    assert_public_is_a_clean_build(&site);
}

#[test]
fn a_templates_folder_created_while_watching_is_followed() {
    let site = Site::fixture("basic");
    assert!(!site.path("templates").exists());
    let mut watcher = watch(&site);
    let item = "templates/partials/post_item.html";
    let before = watcher.lines_with(CHANGED).len();
    site.write(
        item,
        "<article class=\"post-item\">First override: {{ post.title }}</article>\n",
    );
    rebuilds_after(&mut watcher, before);
    site.file("public/posts/index.html")
        .contains("First override: Second thoughts");

    // Edits inside the new folder are seen too.
    let before = watcher.lines_with(CHANGED).len();
    site.write(
        item,
        "<article class=\"post-item\">Second override: {{ post.title }}</article>\n",
    );
    rebuilds_after(&mut watcher, before);
    site.file("public/posts/index.html")
        .contains("Second override: Second thoughts");
    assert_public_is_a_clean_build(&site);
}

#[test]
fn a_config_file_outside_the_root_is_watched() {
    let site = Site::fixture("basic");
    let config = site.read("kudos.toml");
    site.write("../settings.toml", &config);
    site.remove("kudos.toml");
    let mut watcher = site.spawn(&["--config", "settings.toml", "watch"]);
    watcher.wait_for_line("Watching ", START);
    site.file("public/posts/index.html")
        .contains("· Fixture Shop</title>");

    let before = watcher.lines_with(CHANGED).len();
    site.write(
        "../settings.toml",
        config.replace("title = \"Fixture Shop\"", "title = \"Renamed Shop\""),
    );
    rebuilds_after(&mut watcher, before);
    site.file("public/posts/index.html")
        .contains("· Renamed Shop</title>");
}

#[test]
fn deleting_a_post_is_one_rebuild_that_removes_it_everywhere() {
    let site = Site::fixture("basic");
    site.write(
        "content/posts/short-lived.md",
        "+++\ntitle = \"A short-lived post\"\ndate = 2025-04-01\ntags = [\"news\"]\n+++\n\nHere today.\n",
    );
    let mut watcher = watch(&site);
    site.file("public/posts/short-lived/index.html")
        .contains("Here today.");
    site.file("public/posts/index.html")
        .contains("/posts/short-lived/");
    site.file("public/tags/news/index.html")
        .contains("/posts/short-lived/");

    site.remove("content/posts/short-lived.md");

    let rebuilds = rebuilds_after(&mut watcher, 0);
    assert_eq!(
        rebuilds.len(),
        1,
        "one deletion, one rebuild: {rebuilds:#?}"
    );
    assert!(
        rebuilds[0].starts_with("content/posts/short-lived.md changed: "),
        "{}",
        rebuilds[0]
    );
    assert!(
        !site.path("public/posts/short-lived").exists(),
        "the deleted post's page is still in public/"
    );
    assert_eq!(
        site.files_containing("public", "short-lived"),
        Vec::<String>::new(),
        "pages still link the deleted post"
    );
    site.file("public/posts/index.html")
        .contains("/posts/bundle/");
    assert_public_is_a_clean_build(&site);
}

#[test]
fn watch_keeps_the_last_good_output_when_a_save_breaks_the_site() {
    let site = Site::fixture("basic");
    let mut watcher = watch(&site);
    let before = site.tree("public");
    site.edit(
        "content/posts/hello.md",
        "title = \"Hello, world\"",
        "title = ",
    );
    // watch serves nothing: what a failure leaves is the output folder as it was.
    watcher.wait_for_line(
        "Rebuild failed; the output folder keeps the last good version.",
        REBUILD,
    );
    assert!(
        watcher
            .log()
            .iter()
            .any(|l| l.contains("content/posts/hello.md")),
        "the error names the file:\n{}",
        watcher.log().join("\n")
    );
    assert_eq!(
        site.tree("public"),
        before,
        "a failed rebuild changed public/"
    );

    site.edit("content/posts/hello.md", "title = ", "title = \"Fixed\"");
    let rebuilds = rebuilds_after(&mut watcher, 0);
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    site.file("public/posts/hello/index.html").contains("Fixed");
    assert_public_is_a_clean_build(&site);
}

#[test]
fn serve_follows_an_atomic_rename_over() {
    let site = Site::fixture("basic");
    let mut server = site.serve();
    assert!(
        server
            .get("/posts/hello/")
            .text()
            .contains("The first paragraph is the summary.")
    );
    let mut events = server.events();

    // Write the whole new file beside the old one, then rename it over (atomic save).
    let post = "content/posts/hello.md";
    let new_text = site
        .read(post)
        .replace("The first paragraph is the summary.", "Renamed into place.");
    site.write("content/posts/.hello.md.kate-swp", "");
    site.write("content/posts/.hello.md.new", &new_text);
    site.rename("content/posts/.hello.md.new", post);
    site.remove("content/posts/.hello.md.kate-swp");

    events.expect("reload", REBUILD);
    let page = server.get("/posts/hello/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Renamed into place."),
        "{}",
        page.text()
    );
    assert!(!page.text().contains("The first paragraph is the summary."));

    let rebuilds = rebuilds_after(&mut server, 0);
    assert_eq!(rebuilds.len(), 1, "one save, one rebuild: {rebuilds:#?}");
    assert!(
        rebuilds[0].starts_with("content/posts/hello.md changed: "),
        "{}",
        rebuilds[0]
    );
    assert!(
        !events
            .names_within(Duration::from_millis(200))
            .contains(&"reload".to_string()),
        "one save, one reload"
    );
}

#[test]
fn serve_reports_a_broken_save_and_keeps_serving_the_last_good_page() {
    let site = Site::fixture("basic");
    let mut server = site.serve();
    let good = server.get("/posts/hello/").text();
    let mut events = server.events();

    site.edit(
        "content/posts/hello.md",
        "title = \"Hello, world\"",
        "title = ",
    );
    events.expect("build-error", REBUILD);
    server.wait_for_line(
        "Rebuild failed; still serving the last good version.",
        REBUILD,
    );
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("content/posts/hello.md")),
        "the terminal names the file:\n{}",
        server.log().join("\n")
    );
    let page = server.get("/posts/hello/");
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), good, "the last good page is still served");
    // A browser that opens a page now is told about the error straight away.
    let mut late = server.events();
    late.expect("build-error", Duration::from_secs(5));

    site.edit("content/posts/hello.md", "title = ", "title = \"Fixed\"");
    events.expect("reload", REBUILD);
    late.expect("reload", Duration::from_secs(5));
    assert!(server.get("/posts/hello/").text().contains("Fixed"));
}
