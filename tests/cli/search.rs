//! The site's own search (issue 11): `kudos build` writes a Pagefind index of the pages the
//! theme marks, a `/search/` page links it, consent holds in the index as on the pages, and
//! `serve` keeps the index current. The browser half is `tests/e2e/search.mjs`.

use std::time::{Duration, Instant};

use crate::common::Site;
use crate::common::browser::{require_tools, run_node_script};

/// Every file of the index as readers' words (decompressed), by path below `public/`.
fn index_text(site: &Site) -> Vec<(String, String)> {
    site.tree("public/pagefind")
        .files
        .into_iter()
        .map(|(path, bytes)| {
            let path = format!("pagefind/{path}");
            let text =
                String::from_utf8_lossy(&crate::common::readable(&path, &bytes)).into_owned();
            (path, text)
        })
        .collect()
}

/// Waits until `done` holds, failing with `what` after 20 s (the index is made in the
/// background).
fn wait_for(what: &str, done: &dyn Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no {what} within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A site with words only one page has: a post in a segment, one outside it sharing
/// another word, a shout-out whose consent was withdrawn and one whose name is withheld.
fn searchable_site() -> Site {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!("{}\n[search]\nenabled = true\n", site.read("kudos.toml")),
    );
    site.write(
        "content/posts/quokka.md",
        "+++\ntitle = \"A quokka visits\"\ndate = 2025-03-01\ntags = [\"news\"]\nsegments = [\"regulars\"]\n+++\n\nThe quokka smiled at the lantern by the workbench.\n",
    );
    site.write(
        "content/posts/lantern.md",
        "+++\ntitle = \"Lantern oil\"\ndate = 2025-03-02\nvariants = [\"regulars\"]\n+++\n\nWhich oil keeps a lantern burning longest.\n",
    );
    site.write(
        "content/shoutouts/withdrawn.md",
        "+++\ncustomer = \"Wanda Withdrawn\"\nrating = 5\ndate = 2025-02-02\n+++\n\nThe zeppelin kit was perfect.\n",
    );
    site
}

#[test]
fn readers_could_not_search_the_site() {
    let site = searchable_site();
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    for file in [
        "pagefind.js",
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-entry.json",
    ] {
        assert!(
            site.path(&format!("public/pagefind/{file}")).is_file(),
            "{file}"
        );
    }
    let index = index_text(&site);
    let holding = |word: &str| -> Vec<&str> {
        index
            .iter()
            .filter(|(_, text)| text.contains(word))
            .map(|(path, _)| path.as_str())
            .collect()
    };
    assert!(
        !holding("quokka").is_empty(),
        "the post's words are indexed"
    );
    // URLs without the base path: the UI adds the path it was loaded from.
    assert!(
        !holding("\"/posts/quokka/\"").is_empty(),
        "{:?}",
        holding("/posts/quokka/")
    );
    assert!(holding("\"url\":\"/shop/").is_empty());
    // Consent holds in the index as on the pages: a withdrawn shout-out and a withheld
    // name are in no index file.
    assert!(holding("zeppelin").is_empty(), "{:?}", holding("zeppelin"));
    assert!(holding("Wanda").is_empty());
    assert!(
        holding("Sam Sample").is_empty(),
        "{:?}",
        holding("Sam Sample")
    );
    assert!(
        !holding("handwritten").is_empty(),
        "the quote itself is in scope"
    );

    site.file("public/search/index.html")
        .contains("<meta name=\"robots\" content=\"noindex\">")
        .contains("<script src=\"/shop/pagefind/pagefind-ui.js\"></script>")
        .contains("<link rel=\"stylesheet\" href=\"/shop/pagefind/pagefind-ui.css\">")
        .contains("<noscript>")
        .contains("<a href=\"/shop/tags/\">Tags</a>");
    site.file("public/index.html")
        .contains("<li><a href=\"/shop/search/\">Search</a></li>");
    // Posts, pages, shout-out and segment pages are marked; listings and variants are not.
    for page in [
        "posts/quokka/index.html",
        "about/index.html",
        "shoutouts/ada-lovelace/index.html",
        "for/regulars/index.html",
    ] {
        site.file(&format!("public/{page}"))
            .contains("data-pagefind-body");
    }
    for page in [
        "index.html",
        "posts/index.html",
        "tags/index.html",
        "shoutouts/index.html",
        "for/regulars/posts/lantern/index.html",
    ] {
        site.file(&format!("public/{page}"))
            .lacks("data-pagefind-body");
    }
    site.file("public/posts/quokka/index.html")
        .contains("data-pagefind-filter=\"Kind:Post\"")
        .contains("data-pagefind-filter=\"Tag\">news</a>")
        .contains("data-pagefind-filter=\"For\">Regulars</a>");
}

#[test]
fn search_can_be_switched_off_whole_or_per_kind() {
    let site = searchable_site();
    site.edit(
        "kudos.toml",
        "enabled = true\n",
        "enabled = true\nshoutouts = false\n",
    );
    site.build().success();
    site.file("public/shoutouts/ada-lovelace/index.html")
        .lacks("data-pagefind-body");
    site.file("public/posts/quokka/index.html")
        .contains("data-pagefind-body");
    assert!(
        index_text(&site)
            .iter()
            .all(|(_, t)| !t.contains("rocking horse"))
    );

    site.edit(
        "kudos.toml",
        "enabled = true\nshoutouts = false\n",
        "enabled = false\n",
    );
    site.build().success();
    assert!(!site.path("public/pagefind").exists());
    assert!(!site.path("public/search").exists());
    site.file("public/index.html").lacks("/search/");
    site.file("public/posts/quokka/index.html")
        .lacks("data-pagefind");
}

#[test]
fn the_index_is_the_same_bytes_every_build() {
    let site = searchable_site();
    site.build().success();
    let first = site.tree("public/pagefind");
    site.build().success();
    assert!(
        first == site.tree("public/pagefind"),
        "the index changed between builds"
    );
}

#[test]
fn serve_kept_searching_the_old_text_after_a_save() {
    let site = searchable_site();
    let server = site.serve();
    let entry = |server: &crate::common::Running| {
        let reply = server.get("/pagefind/pagefind-entry.json");
        (reply.status == 200).then(|| reply.text())
    };
    wait_for("index after the first build", &|| entry(&server).is_some());
    assert_eq!(server.get("/search/").status, 200);
    let before = entry(&server).unwrap();
    site.edit(
        "content/posts/lantern.md",
        "burning longest.",
        "burning longest, says the albatross.",
    );
    wait_for("new index after a save", &|| {
        entry(&server).is_some_and(|now| now != before)
    });
}

#[test]
fn serve_drops_the_index_when_search_is_switched_off_and_makes_it_again_when_on() {
    let site = searchable_site();
    let server = site.serve();
    let status =
        |server: &crate::common::Running| server.get("/pagefind/pagefind-entry.json").status;
    wait_for("index after the first build", &|| status(&server) == 200);
    site.edit("kudos.toml", "enabled = true", "enabled = false");
    wait_for("index removed once search is off", &|| {
        status(&server) == 404
    });
    // A body save with search off leaves it off.
    site.edit(
        "content/posts/lantern.md",
        "burning longest.",
        "burning long.",
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(status(&server), 404);
    site.edit("kudos.toml", "enabled = false", "enabled = true");
    wait_for("index made again once search is on", &|| {
        status(&server) == 200
    });
}

#[test]
fn a_reader_finds_a_post_by_a_word_filters_by_segment_and_never_finds_withdrawn_words() {
    require_tools(&["playwright-core"]);
    let site = searchable_site();
    let host = tempfile::tempdir().expect("a temporary folder");
    let out = host.path().join("shop");
    site.run(&[
        "build",
        "--base-url",
        "http://127.0.0.1/shop",
        "--output",
        out.to_str().unwrap(),
    ])
    .success();
    let output = run_node_script(
        "search.mjs",
        &[
            host.path().as_os_str(),
            std::ffi::OsStr::new("/shop/search/"),
        ],
        Duration::from_secs(120),
    );
    assert!(output.contains("PASS"), "{output}");
}

#[test]
fn a_static_file_in_the_index_folder_would_have_been_lost() {
    let site = searchable_site();
    site.write("static/pagefind/pagefind-ui.js", "/* my own */");
    site.build()
        .code(1)
        .stderr_has("two files claim the output pagefind/pagefind-ui.js")
        .stderr_has("static/pagefind/pagefind-ui.js");
}

#[test]
fn search_is_off_unless_the_site_asks_for_it() {
    // At 10k pages the index costs several times the rest of the build: opt-in.
    let site = Site::fixture("basic");
    site.build().success();
    assert!(!site.path("public/pagefind").exists());
    assert!(!site.path("public/search").exists());
    site.file("public/index.html").lacks("/search/");
    site.file("public/posts/hello/index.html")
        .lacks("data-pagefind");
}
