//! Tags match by slug everywhere: "Gift Ideas" and "gift-ideas" are one tag, on segment
//! pages (`tags` of a segment), in `shoutouts(tag=)` and on the wall's filters.

use crate::common::Site;

#[test]
fn segment_tags_and_the_shoutouts_shortcode_match_tags_by_slug() {
    let site = Site::fixture("basic");
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "featured = true",
        "featured = true\ntags = [\"Gift Ideas\"]",
    );
    site.write(
        "content/segments/gifts.md",
        "+++\ntitle = \"Gift givers\"\ntags = [\"gift-ideas\"]\n+++\n\nFor people buying for someone else.\n",
    );
    site.write(
        "content/posts/gifts.md",
        "+++\ntitle = \"Gifts\"\ndate = 2025-02-01\n+++\n\nWhat gift givers said:\n\n{{ shoutouts(tag=\"gift ideas\") }}\n",
    );
    site.build()
        .success()
        .file("public/for/gifts/index.html")
        .contains("data-shoutout=\"ada-lovelace\"")
        .file("public/posts/gifts/index.html")
        .contains("data-shoutout=\"ada-lovelace\"")
        .file("public/shoutouts/tagged/gift-ideas/index.html")
        .contains("data-shoutout=\"ada-lovelace\"");
}

#[test]
fn the_posts_function_matches_a_tag_by_slug_whatever_its_spelling() {
    // `hello` is tagged "Workshop Life" and `bundle` "workshop-life": one tag, newest first.
    let site = Site::fixture("basic");
    site.write(
        "templates/tags.html",
        "{% for p in posts(tag=\"WORKSHOP life\") %}[{{ p.title }}]{% endfor %}|{% for p in posts(tag=\"news\", limit=1) %}[{{ p.title }}]{% endfor %}\n",
    );
    site.build()
        .success()
        .file("public/tags/index.html")
        .contains("[Second thoughts]");
    let page = std::fs::read_to_string(site.path("public/tags/index.html")).unwrap();
    assert_eq!(
        page.trim(),
        "[A post with a picture][Hello, world]|[Second thoughts]",
        "{page}"
    );
}
