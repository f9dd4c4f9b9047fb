//! Two sources for one output path are an error naming both, never a silent race.

use crate::common::Site;

#[test]
fn a_static_file_named_like_a_generated_page_is_an_error() {
    let site = Site::fixture("basic");
    site.build().success();
    let before = site.tree("public");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build()
        .code(1)
        .stderr_has("two files claim the output robots.txt")
        .stderr_has("static/robots.txt")
        .unchanged(&before);
}

#[test]
fn withdrawn_consent_hides_a_shoutout_even_without_require_consent() {
    let site = Site::fixture("basic");
    site.edit(
        "kudos.toml",
        "[build]",
        "[shoutouts]\nrequire_consent = false\n\n[build]",
    );
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "featured = true",
        "featured = true\nwithdrawn = 2025-06-01",
    );
    site.build()
        .success()
        .stderr_has("consent was withdrawn on 2025-06-01")
        .file("public/shoutouts/index.html")
        .lacks("Ada Lovelace");
    assert!(site.files_containing("public", "Ada Lovelace").is_empty());
}

#[test]
fn an_empty_quote_is_an_error() {
    let site = Site::fixture("basic");
    site.write(
        "content/shoutouts/silent.md",
        "+++\ncustomer = \"Sid Silent\"\nconsent = { date = 2025-01-01, scope = [\"quote\", \"name\"] }\n+++\n\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/shoutouts/silent.md")
        .stderr_has("the quote is empty");
}

#[test]
fn a_base_url_flag_without_a_scheme_is_a_usage_error() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "example.org/shop"])
        .code(2)
        .stderr_has("must start with https://");
}
