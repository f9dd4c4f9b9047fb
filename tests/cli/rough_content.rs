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

#[test]
fn non_latin_tag_was_transliterated_into_another_word() {
    let site = Site::fixture("basic");
    site.write(
        "content/posts/tokyo.md",
        "+++\ntitle = \"Tokyo\"\ndate = 2025-01-06\ntags = [\"日本語\", \"Crème brûlée\"]\n+++\n\n## 東京の店\n\nText.\n",
    );
    site.build()
        .success()
        .file("public/tags/日本語/index.html")
        .contains("日本語")
        .file("public/posts/tokyo/index.html")
        .contains("href=\"/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/\"")
        .contains("href=\"/tags/creme-brulee/\"")
        .contains("id=\"東京の店\"")
        .lacks("ri-ben-yu")
        .file("public/sitemap.xml")
        .contains("/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/</loc>")
        .lacks("日本語");
    assert!(!site.path("public/tags/ri-ben-yu").exists());
}

#[test]
fn transliterate_slugs_turns_non_latin_tags_into_ascii() {
    let site = Site::fixture("basic");
    site.edit(
        "kudos.toml",
        "[build]",
        "[build]\ntransliterate_slugs = true",
    );
    site.write(
        "content/posts/tokyo.md",
        "+++\ntitle = \"Tokyo\"\ndate = 2025-01-06\ntags = [\"日本語\"]\n+++\n\nText.\n",
    );
    site.build()
        .success()
        .file("public/posts/tokyo/index.html")
        .contains("href=\"/tags/ri-ben-yu/\"");
    assert!(site.path("public/tags/ri-ben-yu/index.html").exists());
}

#[test]
fn tags_whose_slugs_clash_merged_silently() {
    let site = Site::fixture("basic");
    site.write(
        "content/posts/cpp.md",
        "+++\ntitle = \"C++\"\ndate = 2025-01-06\ntags = [\"C++\"]\n+++\n\nText.\n",
    );
    site.write(
        "content/posts/c.md",
        "+++\ntitle = \"C\"\ndate = 2025-01-07\ntags = [\"c\", \"Customer Success\", \"customer-success\"]\n+++\n\nText.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/cpp.md:4")
        .stderr_has("tag \"C++\" and tag \"c\" (in content/posts/c.md) both become the slug `c`")
        // Spellings that differ only by case, spaces or dashes are one tag.
        .stderr_lacks("Customer Success\" and");
    assert!(!site.path("public/tags/c").exists());
}

/// `link` (below the site root) pointing at `target` (absolute).
fn symlink(site: &Site, target: &std::path::Path, link: &str) {
    std::os::unix::fs::symlink(target, site.path(link)).unwrap();
}

#[test]
fn symlinks_in_content_and_static_were_skipped_silently() {
    let site = Site::fixture("basic");
    let outside = site.root().with_file_name("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "the secret outside the site").unwrap();
    site.write(
        "shared/posts/linked.md",
        "+++\ntitle = \"Linked in\"\ndate = 2025-03-01\n+++\n\nShared between two sites.\n",
    );
    site.write("shared/look/extra.css", "p { color: teal; }");
    // Links that stay inside the site are followed, files and folders alike...
    symlink(
        &site,
        &site.path("shared/posts/linked.md"),
        "content/posts/linked.md",
    );
    symlink(&site, &site.path("shared/look"), "static/look");
    // ...links out of it, dangling or looping are not, and each is named.
    symlink(&site, &outside.join("secret.txt"), "static/secret.txt");
    symlink(
        &site,
        &outside.join("secret.txt"),
        "content/posts/secret.md",
    );
    symlink(&site, &site.path("nowhere"), "content/gone.md");
    symlink(&site, &site.path("content"), "content/posts/again");
    site.build()
        .success()
        .stderr_has("warning: static/secret.txt: symbolic link not followed: it points outside the site")
        .stderr_has("warning: content/posts/secret.md: symbolic link not followed: it points outside the site")
        .stderr_has("warning: content/gone.md: symbolic link not followed: what it points to does not exist")
        .stderr_has("warning: content/posts/again: symbolic link not followed: it points back to content, a folder it is in")
        .stderr_has("help: kudos follows links only to files and folders inside the site");
    site.file("public/posts/linked/index.html")
        .contains("Shared between two sites.");
    site.file("public/look/extra.css").contains("color: teal");
    assert!(!site.path("public/secret.txt").exists());
    assert!(
        site.files_containing("public", "the secret outside the site")
            .is_empty()
    );
    assert!(!site.path("public/posts/again").exists());
    site.run(&["build", "--strict"])
        .code(1)
        .stderr_has("error: static/secret.txt: symbolic link not followed")
        .stderr_has("error: content/gone.md: symbolic link not followed");
}

#[test]
fn a_static_folder_that_is_a_symlink_out_of_the_site_was_followed() {
    let site = Site::fixture("basic");
    let outside = site.root().with_file_name("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("private.txt"), "not for the web").unwrap();
    std::fs::remove_dir_all(site.path("static")).unwrap();
    symlink(&site, &outside, "static");
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "avatar = \"/images/ada.svg\"\n",
        "",
    );
    site.edit(
        "content/segments/regulars.md",
        "hero = \"/images/hero.svg\"\n",
        "",
    );
    site.build()
        .success()
        .stderr_has("warning: static: symbolic link not followed: it points outside the site");
    assert!(!site.path("public/private.txt").exists());
    // The same link to a folder inside the site is followed.
    site.write("assets/private.txt", "fine to publish");
    site.remove("static");
    symlink(&site, &site.path("assets"), "static");
    site.build().success().stderr_lacks("symbolic link");
    site.file("public/private.txt").contains("fine to publish");
}

#[test]
fn a_very_long_non_latin_tag_failed_with_an_io_error_naming_no_line() {
    let site = Site::fixture("basic");
    let long = "日本語".repeat(30); // 90 letters, 270 bytes as a folder name
    site.write(
        "content/posts/long.md",
        format!("+++\ntitle = \"Long\"\ndate = 2025-01-05\ntags = [\"{long}\"]\n+++\n\nText.\n"),
    );
    site.build()
        .code(1)
        .stderr_has("error: content/posts/long.md:4:")
        .stderr_has("makes a folder name of 270 bytes, and file systems allow 255")
        .stderr_has("help: shorten the tag");
    assert!(!site.path("public").exists());
}
