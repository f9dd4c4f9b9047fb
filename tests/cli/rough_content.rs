//! Rough edges of content a new user hits (issue 15): empty metadata, what `kudos new`
//! pre-fills, tags whose slugs clash, non-Latin slugs, symlinks, and the base URL.

use crate::common::Site;

const SITE_DESCRIPTION: &str =
    "<meta name=\"description\" content=\"A small shop that the kudos tests build.\">";

#[test]
fn empty_description_falls_back_to_the_site_description() {
    let site = Site::fixture("basic");
    site.write(
        "content/posts/blank.md",
        "+++\ntitle = \"Blank\"\ndate = 2025-01-05\ndescription = \"\"\n+++\n\nText.\n",
    );
    site.write(
        "content/segments/quiet.md",
        "+++\ntitle = \"Quiet\"\ndescription = \" \"\nlede = \"\"\n+++\n\nCopy.\n",
    );
    site.build()
        .success()
        .file("public/posts/blank/index.html")
        .contains(SITE_DESCRIPTION)
        .contains("<meta property=\"og:description\" content=\"A small shop")
        .lacks("content=\"\"")
        .file("public/for/quiet/index.html")
        .contains(SITE_DESCRIPTION)
        .lacks("content=\"\"");
}

#[test]
fn no_empty_meta_description_when_the_site_has_none_either() {
    let site = Site::fixture("basic");
    site.edit(
        "kudos.toml",
        "description = \"A small shop that the kudos tests build.\"",
        "description = \"\"",
    );
    site.write("content/plain.md", "+++\ntitle = \"Plain\"\n+++\n\nText.\n");
    site.build()
        .success()
        .file("public/plain/index.html")
        .lacks("name=\"description\"")
        .lacks("og:description")
        .lacks("content=\"\"");
}

#[test]
fn new_post_does_not_write_an_empty_description() {
    let site = Site::fixture("basic");
    site.run(&["new", "post", "Fresh news"]).success();
    site.file("content/posts/fresh-news.md")
        .lacks("description = \"\"");
    site.run(&["new", "page", "legal/terms"]).success();
    site.file("content/legal/terms.md")
        .lacks("description = \"\"");
    site.run(&["build", "--drafts"])
        .success()
        .file("public/posts/fresh-news/index.html")
        .contains(SITE_DESCRIPTION)
        .file("public/legal/terms/index.html")
        .contains(SITE_DESCRIPTION);
}

#[test]
fn new_shoutout_leaves_the_rating_to_the_author() {
    let site = Site::fixture("basic");
    site.run(&["new", "shoutout", "Rae Rater"]).success();
    let text = site.read("content/shoutouts/rae-rater.md");
    assert!(
        !text.contains("\nrating ="),
        "a rating is pre-filled:\n{text}"
    );
    assert!(!text.contains("\ncompany = \"\""), "{text}");
    assert!(
        text.contains("# rating ="),
        "no hint for the rating:\n{text}"
    );
    site.run(&["check"]).success();
}
