//! Shortcodes in markdown bodies, on the `segments` fixture (issue 3, acceptance 7): the
//! built-in ones, a site's own from `templates/shortcodes/`, shortcode syntax shown in
//! code, and errors that name the file and line.

use crate::common::{Site, Tree};

fn built() -> (Site, Tree) {
    let site = Site::fixture("segments");
    site.build().success();
    let before = site.tree("public");
    (site, before)
}

/// A post whose body has `line` on the file's eighth line.
fn post_with(line: &str) -> String {
    format!("+++\ntitle = \"Broken\"\ndate = 2025-01-01\n+++\n\nFirst paragraph.\n\n{line}\n")
}

#[test]
fn shortcode_syntax_in_code_is_left_alone_and_escaped() {
    let (site, _) = built();
    site.file("public/posts/shortcodes/index.html")
        .contains("<code>{{ shoutout(slug=\"amy-ash\") }}</code>")
        .contains("{% segment(only=\"wholesale\") %}Only for shops.{% end %}")
        .contains("{{ segment_name(default=\"friend\") }}")
        .contains("{{ note(kind=\"&lt;b&gt;loud&lt;/b&gt;\") }}")
        .lacks("<b>loud</b>")
        .lacks("note-<b>")
        // Only the `shoutouts` call outside code made cards; the one in code did not.
        .cards_are(&["cara-cole", "bea-bell"]);
}

#[test]
fn user_shortcode_renders_with_its_argument_and_body() {
    let (site, _) = built();
    site.file("public/posts/shortcodes/index.html")
        .contains(
            "<aside class=\"note note-tip\"><strong>TIP:</strong> Oil the toys once a year.</aside>",
        )
        .contains("<aside class=\"note note-warning\"><strong>WARNING:</strong> </aside>")
        .lacks("<p><aside");
}

#[test]
fn shoutout_and_shoutouts_shortcodes_embed_cards() {
    let (site, _) = built();
    site.file("public/posts/welcome/index.html")
        .cards_are(&["amy-ash"])
        .contains("Amy says the teether saved her sanity.")
        .file("public/posts/shortcodes/index.html")
        // `shoutouts(segment="new-parents", limit=2)`: that segment's first two, and a
        // note that this is a selection, with a link to the full wall.
        .contains("Selected shout-outs")
        .contains("<a href=\"/shoutouts/\">Read all 5</a>");
}

#[test]
fn unknown_shortcode_is_an_error_with_file_and_line() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        post_with("Look: {{ sparkle(size=3) }}"),
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:8:7")
        .stderr_has("unknown shortcode `sparkle`")
        .stderr_has("templates/shortcodes/sparkle.html")
        .unchanged(&before);
}

#[test]
fn bad_shortcode_argument_is_an_error_with_file_and_line() {
    let cases = [
        (
            "{{ shoutouts(limit=\"x\") }}",
            "`limit` must be a whole number above 0",
        ),
        (
            "{{ shoutouts(colour=\"red\") }}",
            "`shoutouts` has no argument `colour`",
        ),
        (
            "{{ shoutout(slug=\"nobody\") }}",
            "no shout-out with slug `nobody`",
        ),
        (
            "{% segment(only=\"astronauts\") %}Hi{% end %}",
            "unknown segment `astronauts` in `segment(...)`; known segments: new-parents, wholesale, grandparents",
        ),
        (
            "{% segment(only=\"wholesale\") %}never closed",
            "is never closed",
        ),
    ];
    for (line, message) in cases {
        let (site, before) = built();
        site.write("content/posts/bad.md", post_with(line));
        site.build()
            .code(1)
            .stderr_has("content/posts/bad.md:8:1")
            .stderr_has(message)
            .unchanged(&before);
    }
}
