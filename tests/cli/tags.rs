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
