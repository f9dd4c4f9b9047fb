//! Markdown rough edges of issue 15: footnote ids and links, code block backgrounds and
//! unknown languages, rendering block shortcode bodies, and every shortcode error of a file.

use crate::common::Site;

/// The class of the first `syntax.css` rule that sets a background colour: the theme's
/// code background.
fn background_class(css: &str) -> String {
    let rule = css
        .find("background-color")
        .map(|at| &css[..at])
        .expect("a background colour in syntax.css");
    let selector = rule[..rule.rfind('{').expect("a rule")].trim_end();
    let class = &selector[selector.rfind('.').expect("a class selector") + 1..];
    class.to_string()
}

#[test]
fn code_block_pre_carries_the_syntax_theme_background_class() {
    let site = Site::fixture("basic");
    site.build().success();
    let class = background_class(&site.read("public/syntax.css"));
    site.file("public/posts/hello/index.html")
        .contains(&format!("<pre class=\"code {class}\" data-lang=\"rust\">"))
        .contains(&format!(
            "<pre class=\"code {class}\" data-lang=\"woodgrain\">"
        ));
}

#[test]
fn unknown_code_block_language_warns_with_file_line_and_language() {
    let site = Site::fixture("basic");
    site.build()
        .success()
        .stderr_has("warning: content/posts/hello.md:24:1: unknown code block language `woodgrain`")
        .stderr_lacks("language `rust`");
}

#[test]
fn unknown_code_block_language_fails_the_build_with_strict() {
    let site = Site::fixture("basic");
    site.run(&["build", "--strict"])
        .code(1)
        .stderr_has("content/posts/hello.md:24:1: unknown code block language `woodgrain`");
}

#[test]
fn unknown_code_block_language_is_reported_by_check() {
    let site = Site::fixture("basic");
    site.run(&["check"])
        .success()
        .stderr_has("content/posts/hello.md:24:1: unknown code block language `woodgrain`");
}

#[test]
fn every_shortcode_error_in_a_file_is_reported_not_only_the_first() {
    let site = Site::fixture("segments");
    site.write(
        "content/posts/broken.md",
        "+++\ntitle = \"Broken\"\ndate = 2025-01-01\n+++\n\n{{ nope() }}\n\n{{ shoutout(slug=3) }}\n\n{{ shoutouts(limit=) }}\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/broken.md:6:1: unknown shortcode `nope`")
        .stderr_has("content/posts/broken.md:8:1: `slug` must be a string in quotes")
        .stderr_has("content/posts/broken.md:10:")
        .stderr_has("the value of `limit` must be");
}

#[test]
fn block_shortcode_body_can_be_rendered_as_markdown_with_body_html() {
    let site = Site::fixture("segments");
    site.write(
        "templates/shortcodes/callout.html",
        "<aside class=\"callout\">{{ body_html | safe }}</aside>",
    );
    site.write(
        "content/posts/callout.md",
        "+++\ntitle = \"Callout\"\ndate = 2025-01-01\n+++\n\n{% callout() %}Oil it **once** a year, see [about](@/about.md).{% end %}\n",
    );
    site.build().success();
    site.file("public/posts/callout/index.html")
        .contains("<aside class=\"callout\"><p>Oil it <strong>once</strong> a year, see <a href=\"/about/\">about</a>.</p></aside>")
        .lacks("**once**");
}

#[test]
fn footnote_links_in_summaries_were_dead_and_ids_were_bare_numbers() {
    let site = crate::common::Site::fixture("basic");
    site.edit(
        "content/posts/hello.md",
        "The first paragraph is the summary.",
        "The first paragraph is the summary.[^1]\n\n[^1]: Where it came from.",
    );
    site.build()
        .success()
        .file("public/posts/hello/index.html")
        .contains("<a href=\"#fn-1\">1</a>")
        .contains("id=\"fn-1\"")
        .lacks("id=\"1\"")
        // A listing shows the summary without the footnote it has no room for.
        .file("public/tags/news/index.html")
        .contains("<p>The first paragraph is the summary.</p>")
        .lacks("footnote-reference")
        .lacks("href=\"#fn-1\"");
}
