//! Segment landing pages and segment variants of posts and pages, on the `segments`
//! fixture (issue 3, acceptance 6 and 7).
//!
//! What the fixture says (see `tests/wall.rs` for its shout-outs):
//!
//! - `new-parents`: named by amy-ash, bea-bell, cara-cole and the post `welcome`; matches
//!   the tag `baby` (dan-dune); `featured_shoutouts = ["cara-cole", "bea-bell"]`.
//! - `wholesale`: named by amy-ash, eve-east and the post `bulk`; `shoutout_limit = 1`.
//! - `grandparents`: named by nothing; `noindex = true`.
//! - `posts/welcome.md` has `variants = ["new-parents", "wholesale"]`, `about.md` has
//!   `variants = ["wholesale"]`.

use crate::common::{Site, Tree};

fn built() -> (Site, Tree) {
    let site = Site::fixture("segments");
    site.build().success();
    let before = site.tree("public");
    (site, before)
}

/// The post links in a segment page's "Posts: ..." section (none without one).
fn segment_posts(html: &str) -> Vec<String> {
    crate::common::section_links(html, "segment-posts")
}

#[test]
fn segment_pages_list_exactly_their_shoutouts_and_posts_featured_first() {
    let (site, _) = built();
    let page = site
        .file("public/for/new-parents/index.html")
        // Its featured shout-outs in the given order, then the rest in wall order, cut
        // at `per_page` (2) without a `shoutout_limit` (the wall filter has them all).
        .cards_are(&["cara-cole", "bea-bell"])
        .contains("<h1>Toys for the very first year</h1>")
        .contains("<p class=\"lede\">Smooth, safe and quiet.</p>")
        .contains("<a class=\"button\" href=\"/posts/welcome/\">Browse baby toys</a>")
        .contains("Sleepless nights are hard enough")
        .contains("<h2 id=\"segment-love\">Shout-outs: New parents</h2>")
        .contains(
            "<a href=\"/shoutouts/for/new-parents/\">Read all 4 shout-outs in “New parents”</a>",
        );
    assert_eq!(segment_posts(page.text()), ["/posts/welcome/"]);

    let page = site.file("public/for/wholesale/index.html");
    assert_eq!(segment_posts(page.text()), ["/posts/bulk/"]);
}

#[test]
fn shoutout_limit_caps_a_segment_page() {
    let (site, _) = built();
    // Two shout-outs name `wholesale` (eve-east, amy-ash); the page shows one, says it
    // is a selection and links to the segment's wall filter, which has both.
    site.file("public/for/wholesale/index.html")
        .cards_are(&["eve-east"])
        .contains("Shout-outs: Wholesale boutiques")
        .contains("<a href=\"/shoutouts/for/wholesale/\">Read all 2 shout-outs in “Wholesale boutiques”</a>");
}

#[test]
fn segment_without_shoutouts_shows_featured_general_ones() {
    let (site, _) = built();
    let page = site
        .file("public/for/grandparents/index.html")
        .cards_are(&["eve-east", "bea-bell"])
        .contains("No shout-outs here yet")
        .contains("<a href=\"/shoutouts/\">Read every shout-out</a>");
    assert!(segment_posts(page.text()).is_empty());
}

#[test]
fn noindex_segment_is_marked_and_left_out_of_the_sitemap() {
    let (site, _) = built();
    site.file("public/for/grandparents/index.html")
        .contains("<meta name=\"robots\" content=\"noindex\">")
        .file("public/for/new-parents/index.html")
        .lacks("<meta name=\"robots\"")
        .file("public/sitemap.xml")
        .lacks("/for/grandparents/")
        .contains("<loc>https://example.com/for/new-parents/</loc>")
        .contains("<loc>https://example.com/for/wholesale/</loc>")
        // Variants point search engines at the plain page instead.
        .lacks("/for/wholesale/posts/welcome/")
        // Segment pages are listed on the home page.
        .file("public/index.html")
        .contains("<a href=\"/for/new-parents/\">")
        .contains("<a href=\"/for/wholesale/\">")
        .contains("<a href=\"/for/grandparents/\">");
}

#[test]
fn unknown_segment_in_a_post_is_an_error_listing_the_known_ones() {
    let (site, before) = built();
    site.edit(
        "content/posts/general.md",
        "date = 2025-04-01\n",
        "date = 2025-04-01\nsegments = [\"astronauts\"]\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/general.md:4:")
        .stderr_has("unknown segment `astronauts` in `segments`")
        .stderr_has("known segments: new-parents, wholesale, grandparents")
        .unchanged(&before);
}

#[test]
fn naming_a_draft_segment_builds_and_lists_the_post_once_it_is_published() {
    let site = Site::fixture("segments");
    site.edit(
        "content/segments/grandparents.md",
        "weight = 3",
        "weight = 3\ndraft = true",
    );
    site.edit(
        "content/posts/general.md",
        "date = 2025-04-01\n",
        "date = 2025-04-01\nsegments = [\"grandparents\"]\nvariants = [\"grandparents\"]\n",
    );
    site.build().success();
    assert!(!site.path("public/for/grandparents/index.html").exists());
    assert!(
        !site
            .path("public/for/grandparents/posts/general/index.html")
            .exists()
    );
    site.file("public/posts/general/index.html")
        .lacks("/for/grandparents/");

    site.run(&["build", "--drafts"]).success();
    let page = site.read("public/for/grandparents/index.html");
    assert_eq!(segment_posts(&page), ["/posts/general/"]);
    assert!(
        site.path("public/for/grandparents/posts/general/index.html")
            .exists()
    );
}

#[test]
fn unknown_segment_in_a_shoutout_is_an_error_listing_the_known_ones() {
    let (site, before) = built();
    site.edit(
        "content/shoutouts/dan-dune.md",
        "tags = [\"baby\"]",
        "tags = [\"baby\"]\nsegments = [\"astronauts\"]",
    );
    site.build()
        .code(1)
        .stderr_has("content/shoutouts/dan-dune.md:6:")
        .stderr_has("unknown segment `astronauts` in `segments`")
        .stderr_has("known segments: new-parents, wholesale, grandparents")
        .unchanged(&before);
}

#[test]
fn unknown_segment_in_variants_is_an_error() {
    let (site, before) = built();
    site.edit(
        "content/about.md",
        "variants = [\"wholesale\"]",
        "variants = [\"wholesale\", \"astronauts\"]",
    );
    site.build()
        .code(1)
        .stderr_has("content/about.md:3:")
        .stderr_has("unknown segment `astronauts` in `variants`")
        .stderr_has("known segments: new-parents, wholesale, grandparents")
        .unchanged(&before);
}

#[test]
fn variants_exist_per_declared_segment_with_a_canonical_link_to_the_plain_page() {
    let (site, _) = built();
    for segment in ["new-parents", "wholesale"] {
        site.file(&format!("public/for/{segment}/posts/welcome/index.html"))
            .contains("<link rel=\"canonical\" href=\"https://example.com/posts/welcome/\">")
            .contains("<h1>Welcome to the shop</h1>")
            .contains("<a href=\"/posts/welcome/\">Read the general version</a>");
    }
    site.file("public/for/wholesale/about/index.html")
        .contains("<link rel=\"canonical\" href=\"https://example.com/about/\">")
        .absent("public/for/grandparents/posts/welcome/index.html")
        .absent("public/for/new-parents/about/index.html")
        .absent("public/for/wholesale/posts/bulk/index.html");
}

#[test]
fn variants_show_only_their_segments_blocks_and_name() {
    let (site, _) = built();
    // (file, greeting, blocks shown, blocks hidden)
    let cases = [
        (
            "public/posts/welcome/index.html",
            "<p>Hello, friend!</p>",
            vec!["Free shipping on your first order."],
            vec![
                "food-safe oil",
                "Bulk pricing",
                "Thanks for being one of ours.",
            ],
        ),
        (
            "public/for/new-parents/posts/welcome/index.html",
            "<p>Hello, New parents!</p>",
            vec![
                "Every toy is finished with food-safe oil.",
                "Free shipping on your first order.",
                "Thanks for being one of ours.",
            ],
            vec!["Bulk pricing"],
        ),
        (
            "public/for/wholesale/posts/welcome/index.html",
            "<p>Hello, Wholesale boutiques!</p>",
            vec![
                "Bulk pricing starts at twenty units.",
                "Thanks for being one of ours.",
            ],
            vec!["food-safe oil", "Free shipping"],
        ),
    ];
    for (path, greeting, shown, hidden) in cases {
        let mut page = site
            .file(path)
            .contains(greeting)
            .lacks("segment_name")
            .lacks("{%")
            .lacks("{{")
            // The embedded card is in every version.
            .cards_are(&["amy-ash"]);
        for text in shown {
            page = page.contains(text);
        }
        for text in hidden {
            page = page.lacks(text);
        }
    }
    site.file("public/about/index.html")
        .lacks("Trade accounts are welcome.")
        .contains("We are a small workshop.")
        .file("public/for/wholesale/about/index.html")
        .contains("We are a small workshop. Trade accounts are welcome.");
}

#[test]
fn segment_titles_were_lowercased_into_sentences_that_do_not_read() {
    let (site, _) = built();
    site.edit(
        "content/segments/new-parents.md",
        "title = \"New parents\"",
        "title = \"For new parents\"",
    );
    site.build().success();
    let landing = site.read("public/for/new-parents/index.html");
    let variant = site.read("public/for/new-parents/posts/welcome/index.html");
    for (page, text) in [("landing page", &landing), ("variant", &variant)] {
        for broken in [
            "from for new parents",
            "for for new parents",
            "with for new parents",
        ] {
            assert!(!text.contains(broken), "{page} says {broken:?}");
        }
        assert!(
            !text.to_lowercase().contains("new parents in mind"),
            "{page}"
        );
    }
    assert!(landing.contains("<h2 id=\"segment-love\">Shout-outs: For new parents</h2>"));
    assert!(landing.contains("<h2 id=\"segment-posts\">Posts: For new parents</h2>"));
    assert!(landing.contains("Read all 4 shout-outs in “For new parents”"));
    assert!(variant.contains("This version is tailored to “For new parents”."));
}
