//! Hostile input (issue 16, "Hostile input" and points 6 and 7): each case the issue found,
//! named after it. Inputs that would crash, hang or blow up kudos are generated here (no big
//! files in the repository) and must give a located error with exit code 1 and leave
//! `public/` as it was, or build quickly; `serve` and `watch` must report a failing rebuild,
//! keep going and rebuild the next good save.

use std::time::{Duration, Instant};

use crate::common::{REBUILD, START, Site};

const FAILED: &str = "Rebuild failed; still serving the last good version.";
/// What `kudos watch` says instead: it serves nothing, its output folder is kept.
const WATCH_FAILED: &str = "Rebuild failed; the output folder keeps the last good version.";

/// A post whose body is `body` (the body starts on line 5 of the file).
fn post(body: &str) -> String {
    format!("+++\ntitle = \"Hostile\"\ndate = 2025-03-01\n+++\n{body}\n")
}

/// A consented shout-out whose quote is `quote` (the quote starts on line 5).
fn shoutout(quote: &str) -> String {
    format!(
        "+++\ncustomer = \"Hana Hostile\"\nconsent = {{ date = 2025-01-21, scope = [\"quote\", \"name\"] }}\n+++\n{quote}\n"
    )
}

/// `depth` nested segment blocks around "inner text", on one line.
fn nested_segments(depth: usize) -> String {
    let open = "{% segment(except=\"regulars\") %}";
    format!(
        "{}inner text{}",
        open.repeat(depth),
        "{% end %}".repeat(depth)
    )
}

/// A line that is wrong past column 65,535: 70,000 letters, then an unknown shortcode.
fn wide_line_error() -> String {
    format!("{} {{{{ nope() }}}}", "a".repeat(70_000))
}

/// The basic fixture, built once, with a snapshot of its `public/`.
fn built_site() -> (Site, crate::common::Tree) {
    let site = Site::fixture("basic");
    site.build().success();
    let public = site.tree("public");
    (site, public)
}

#[test]
fn five_thousand_nested_segment_blocks_are_a_located_error_not_a_stack_overflow() {
    let (site, public) = built_site();
    site.write("content/posts/deep.md", post(&nested_segments(5_000)));
    // The 33rd block is the first too deep: 32 blocks of 32 characters before it.
    site.build()
        .code(1)
        .stderr_has("error: content/posts/deep.md:5:1025: shortcodes nested more than 32 deep: expected at most 32 levels of `{% ... %}` blocks inside each other")
        .stderr_lacks("overflow")
        .unchanged(&public);
}

#[test]
fn thirty_two_nested_segment_blocks_still_build() {
    let site = Site::fixture("basic");
    site.write("content/posts/deep.md", post(&nested_segments(32)));
    site.build()
        .success()
        .file("public/posts/deep/index.html")
        .contains("inner text");
}

#[test]
fn an_error_past_column_65535_is_reported_not_a_panic() {
    let (site, public) = built_site();
    site.write("content/posts/wide.md", post(&wide_line_error()));
    let run = site
        .build()
        .code(1)
        .stderr_has("error: content/posts/wide.md:5:70002: unknown shortcode `nope`")
        .stderr_lacks("panicked")
        .unchanged(&public);
    // The excerpt is a window around the column, not the 70,000-character line.
    let stderr = run.stderr();
    assert!(
        stderr.contains(&format!("5 │ …{} {{{{ nope() }}}}\n", "a".repeat(59))),
        "{stderr}"
    );
    assert!(
        stderr.len() < 4_000,
        "{} bytes of stderr:\n{stderr}",
        stderr.len()
    );
}

#[test]
fn a_long_line_with_1331_broken_links_prints_a_bounded_excerpt_per_error() {
    let (site, public) = built_site();
    let line: Vec<String> = (0..1331)
        .map(|i| format!("[link {i}](@/posts/missing-{i}.md)"))
        .collect();
    site.write("content/posts/links.md", post(&line.join(" ")));
    let run = site.build().code(1).unchanged(&public);
    let stderr = run.stderr();
    let errors = stderr
        .lines()
        .filter(|l| l.starts_with("error: content/posts/links.md:5:"))
        .count();
    // The first 100 are listed, then how many more there are.
    assert_eq!(errors, 100, "{}", &stderr[..stderr.len().min(3_000)]);
    assert!(
        stderr.contains("error: content/posts/links.md:5:1: broken link `@/posts/missing-0.md`")
    );
    assert!(stderr.contains("error: content/posts/links.md: 1231 more broken links in this file are not listed (fix the ones above first)\n"));
    // Each error shows at most ~130 characters of the 45,000-character line (three lines
    // of excerpt), where the whole line was printed before.
    assert!(
        stderr.len() < 100 * 1_200,
        "{} bytes of stderr for 100 errors",
        stderr.len()
    );
}

#[test]
fn a_hundred_thousand_broken_links_are_reported_in_bounded_time() {
    let (site, public) = built_site();
    let links = "[x](@/posts/missing.md)\n".repeat(100_000);
    site.write("content/posts/links.md", post(&links));
    let started = Instant::now();
    site.build()
        .code(1)
        .stderr_has("error: content/posts/links.md:104:1: broken link `@/posts/missing.md`")
        .stderr_lacks("error: content/posts/links.md:105:1:")
        .stderr_has(
            "error: content/posts/links.md: 99900 more broken links in this file are not listed",
        )
        .unchanged(&public);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "the build took {took:?}");
}

#[test]
fn quotes_with_deep_nesting_build_in_linear_time() {
    let site = Site::fixture("basic");
    // A 20,000-level nested list (6.8 s as a quote) and 100,000 `>` (105 s).
    site.write(
        "content/shoutouts/lists.md",
        shoutout(&format!("{}deepest list item", "- ".repeat(20_000))),
    );
    site.write(
        "content/shoutouts/quotes.md",
        shoutout(&format!("{} deepest quote", ">".repeat(100_000))),
    );
    let started = Instant::now();
    site.build()
        .success()
        .file("public/shoutouts/index.html")
        .contains("deepest list item")
        .contains("deepest quote");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "the build took {took:?}");
}

#[test]
fn a_normal_quote_renders_exactly_as_before() {
    let site = Site::fixture("basic");
    site.write(
        "content/shoutouts/nested.md",
        shoutout("> Fast **delivery**\n>\n> - one\n> - two <em>three</em>\n\n1. a\n   1. b\n"),
    );
    site.build().success().file("public/shoutouts/index.html").contains(
        "<blockquote>\n<p>Fast <strong>delivery</strong></p>\n<ul>\n<li>one</li>\n<li>two <em>three</em></li>\n</ul>\n</blockquote>\n<ol>\n<li>a\n<ol>\n<li>b</li>\n</ol>\n</li>\n</ol>",
    );
}

#[test]
fn a_million_identical_tags_are_one_tag() {
    let site = Site::fixture("basic");
    let tags = vec!["\"news\""; 1_000_000].join(", ");
    site.write(
        "content/posts/tags.md",
        format!("+++\ntitle = \"Tagged\"\ndate = 2025-03-01\ntags = [\"first\", {tags}, \"last\"]\n+++\nx\n"),
    );
    let many = vec!["\"regulars\""; 10_000].join(", ");
    let shout_tags = vec!["\"toys\""; 10_000].join(", ");
    site.write(
        "content/shoutouts/tagged.md",
        format!("+++\ncustomer = \"Tim Tagger\"\nsegments = [{many}]\ntags = [{shout_tags}]\nconsent = {{ date = 2025-01-21, scope = [\"quote\", \"name\"] }}\n+++\nMany tags.\n"),
    );
    let started = Instant::now();
    let run = site.build().success();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "the build took {took:?}");
    let page = run.file("public/posts/tags/index.html");
    assert_eq!(
        page.text().matches("/tags/news/").count(),
        1,
        "{}",
        page.text()
    );
    let html = page.text();
    let (first, news, last) = (
        html.find("/tags/first/").unwrap(),
        html.find("/tags/news/").unwrap(),
        html.find("/tags/last/").unwrap(),
    );
    assert!(
        first < news && news < last,
        "tags keep their first-seen order"
    );
    let segment = site.file("public/for/regulars/index.html");
    assert_eq!(segment.text().matches("Many tags.").count(), 1);
}

#[test]
fn serve_survives_failing_rebuilds_and_rebuilds_the_next_good_save() {
    let site = Site::fixture("basic");
    let mut server = site.serve();
    let mut events = server.events();
    // Once the panic in the error printer, which killed the rebuild thread for good.
    site.write("content/posts/hello.md", post(&wide_line_error()));
    events.expect("build-error", REBUILD);
    server.wait_for_lines(FAILED, 1, REBUILD);
    assert!(
        server.lines_with("panicked").is_empty(),
        "{:?}",
        server.log()
    );
    let reported = "error: content/posts/hello.md:5:70002: unknown shortcode `nope`";
    assert_eq!(server.lines_with(reported).len(), 1, "{:?}", server.log());
    // Once a stack overflow that killed the server.
    site.write("content/posts/hello.md", post(&nested_segments(5_000)));
    events.expect("build-error", REBUILD);
    server.wait_for_lines(FAILED, 2, REBUILD);
    site.write("content/posts/hello.md", post("Good again."));
    events.expect("reload", REBUILD);
    let page = server.get("/posts/hello/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Good again."), "{}", page.text());
}

#[test]
fn watch_survives_failing_rebuilds_and_rebuilds_the_next_good_save() {
    let site = Site::fixture("basic");
    let mut watcher = site.spawn(&["watch"]);
    watcher.wait_for_line("Watching ", START);
    let public = site.tree("public");
    site.write("content/posts/hello.md", post(&wide_line_error()));
    watcher.wait_for_lines(WATCH_FAILED, 1, REBUILD);
    site.write("content/posts/hello.md", post(&nested_segments(5_000)));
    watcher.wait_for_lines(WATCH_FAILED, 2, REBUILD);
    assert_eq!(
        site.tree("public"),
        public,
        "a failed rebuild left public/ alone"
    );
    site.write("content/posts/hello.md", post("Good again."));
    watcher.wait_for_line(" changed: ", REBUILD);
    // The log line comes just before the swap into public/.
    let deadline = Instant::now() + REBUILD;
    while !site
        .read("public/posts/hello/index.html")
        .contains("Good again.")
    {
        assert!(Instant::now() < deadline, "{:?}", watcher.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_answers_from_the_last_build_not_from_a_file_swapped_after_it() {
    let site = Site::fixture("basic");
    let secret = site.root().with_file_name("secret.txt");
    std::fs::write(&secret, "the secret outside the site").unwrap();
    let original = site.bytes("static/images/ada.svg");
    let mut server = site.serve();
    assert_eq!(server.get("/images/ada.svg").body, original);
    // The next rebuilds fail, so the last good build is what must be served...
    site.write("content/posts/hello.md", post("{{ nope() }}"));
    server.wait_for_lines(FAILED, 1, REBUILD);
    // ...even after the file it copied is swapped for a symlink out of the site.
    site.remove("static/images/ada.svg");
    std::os::unix::fs::symlink(&secret, site.path("static/images/ada.svg")).unwrap();
    server.wait_for_lines(FAILED, 2, REBUILD);
    let reply = server.get("/images/ada.svg");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, original, "{}", reply.text());
}

#[test]
fn serve_prints_warnings_after_every_rebuild_that_changes_them() {
    let site = Site::fixture("basic");
    let unconsented = "+++\ncustomer = \"Nora Noconsent\"\n+++\nNice.\n";
    site.write("content/shoutouts/nora.md", unconsented);
    // Only the consent warnings of this test: the fixture's unknown code language is plain.
    site.edit("content/posts/hello.md", "```woodgrain", "```text");
    let mut server = site.serve();
    let nora = "warning: content/shoutouts/nora.md: shout-out from Nora Noconsent is not published";
    assert_eq!(server.lines_with(nora).len(), 1);
    // A save that leaves the warnings as they were does not repeat them.
    site.edit("content/posts/hello.md", "+++\n", "+++\n\n");
    server.wait_for_lines(" changed: ", 1, REBUILD);
    // A save that adds one prints the new set.
    site.write(
        "content/shoutouts/otto.md",
        unconsented.replace("Nora Noconsent", "Otto Other"),
    );
    server.wait_for_lines(" changed: ", 2, REBUILD);
    server.wait_for_line(
        "warning: content/shoutouts/otto.md: shout-out from Otto Other",
        REBUILD,
    );
    assert_eq!(server.lines_with(nora).len(), 2, "{:?}", server.log());
    // Consent given to both: the terminal says the warnings are gone.
    for file in ["nora", "otto"] {
        site.edit(
            &format!("content/shoutouts/{file}.md"),
            "+++\nNice.",
            "consent = { date = 2025-01-21, scope = [\"quote\"] }\n+++\nNice.",
        );
    }
    server.wait_for_line("No warnings left.", REBUILD);
}

#[test]
fn watch_prints_warnings_after_every_rebuild_that_changes_them() {
    let site = Site::fixture("basic");
    let mut watcher = site.spawn(&["watch"]);
    watcher.wait_for_line("Watching ", START);
    site.write(
        "content/shoutouts/nora.md",
        "+++\ncustomer = \"Nora Noconsent\"\n+++\nNice.\n",
    );
    watcher.wait_for_line(
        "warning: content/shoutouts/nora.md: shout-out from Nora Noconsent is not published",
        REBUILD,
    );
}
