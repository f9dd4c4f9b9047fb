//! Bad input: each case builds the good fixture, breaks one thing, and builds again.
//! The second build must exit 1, name the file (and line, where there is one), say what
//! was expected, and leave the previous `public/` byte-for-byte as it was.

use crate::common::{Site, Tree};

/// The `basic` fixture, built once, with a snapshot of its `public/`.
fn built() -> (Site, Tree) {
    let site = Site::fixture("basic");
    site.build().success();
    let before = site.tree("public");
    assert!(before.files.contains_key("index.html"));
    (site, before)
}

#[test]
fn broken_toml_front_matter() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "+++\ntitle = \"Broken\"\ndate = 2025-01-01\ntags = [\"a\"\n+++\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:4:")
        .stderr_has("expected `]`")
        .unchanged(&before);
}

#[test]
fn broken_yaml_front_matter() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "---\ntitle: Broken\ndate: 2025-01-01\ntags: [a, b\n---\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:4:")
        .stderr_has("unclosed bracket")
        // Regression: the parser's own position, counted from the front matter, used to
        // follow the file's ("bad.md:4:7: error: line 3 column 7: ...").
        .stderr_lacks("line 3")
        .unchanged(&before);
}

#[test]
fn missing_title() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "+++\ndate = 2025-01-01\n+++\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:2:")
        .stderr_has("missing field `title`")
        .unchanged(&before);
}

#[test]
fn unparsable_date() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "+++\ntitle = \"When?\"\ndate = \"last tuesday\"\n+++\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:3:")
        .stderr_has("invalid date `last tuesday`")
        .stderr_has("expected a date like 2026-03-14")
        .unchanged(&before);
}

#[test]
fn impossible_toml_date() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "+++\ntitle = \"When?\"\ndate = 2025-13-45\n+++\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:3:")
        .stderr_has("month")
        .unchanged(&before);
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "+++\ntitle = \"Typo\"\ndate = 2025-01-01\ntagz = [\"a\"]\n+++\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:4:1")
        .stderr_has("unknown field `tagz`")
        .stderr_has("did you mean `tags`?")
        .unchanged(&before);
}

#[test]
fn unknown_config_key_suggests_the_nearest() {
    let (site, before) = built();
    site.edit("kudos.toml", "description =", "descripton =");
    site.build()
        .code(1)
        .stderr_has("kudos.toml:3:1")
        .stderr_has("unknown field `descripton`")
        .stderr_has("did you mean `description`?")
        .unchanged(&before);
}

#[test]
fn unknown_config_key_in_a_table_suggests_the_nearest() {
    let (site, before) = built();
    site.edit("kudos.toml", "paginate = 2", "paginte = 2");
    site.build()
        .code(1)
        .stderr_has("kudos.toml:7:1")
        .stderr_has("unknown field `paginte`")
        .stderr_has("did you mean `paginate`?")
        .unchanged(&before);
}

#[test]
fn file_without_front_matter() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "Just some words, no front matter.\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:1:1")
        .stderr_has("no front matter: expected `+++` (TOML) or `---` (YAML)")
        .unchanged(&before);
}

#[test]
fn file_that_is_not_utf8() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        b"+++\ntitle = \"caf\xe9\"\ndate = 2025-01-01\n+++\n",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:2:")
        .stderr_has("not valid UTF-8")
        .unchanged(&before);
}

#[test]
fn empty_file() {
    let (site, before) = built();
    site.write("content/posts/bad.md", "");
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md")
        .stderr_has("the file is empty: expected front matter")
        .unchanged(&before);
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    let (site, before) = built();
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock content %}\n",
    );
    site.build()
        .code(1)
        .stderr_has("templates/post.html:3:")
        .stderr_has("expected }}")
        .unchanged(&before);
}

#[test]
fn template_with_an_undefined_variable() {
    let (site, before) = built();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.subtitle }}</p>\n{% endblock content %}\n",
    );
    site.build()
        .code(1)
        .stderr_has("templates/page.html:4:")
        .stderr_has("`subtitle` is not defined")
        .unchanged(&before);
}

#[test]
fn broken_internal_link() {
    let (site, before) = built();
    site.edit(
        "content/posts/hello.md",
        "@/about.md#who-we-are",
        "@/posts/nope.md",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/hello.md:16:")
        .stderr_has("broken link `@/posts/nope.md`")
        .unchanged(&before);
}

#[test]
fn internal_link_to_a_missing_anchor() {
    let (site, before) = built();
    site.edit(
        "content/posts/hello.md",
        "@/about.md#who-we-are",
        "@/about.md#nobody",
    );
    site.build()
        .code(1)
        .stderr_has("content/posts/hello.md:16:")
        .stderr_has("`@/about.md#nobody`")
        .stderr_has("no heading with id `nobody`")
        .unchanged(&before);
}

#[test]
fn two_files_claiming_one_url_are_both_named() {
    let (site, before) = built();
    site.write(
        "content/posts/copy.md",
        "+++\ntitle = \"Copy\"\ndate = 2025-01-01\nslug = \"hello\"\n+++\nBody.\n",
    );
    site.build()
        .code(1)
        .stderr_has("/posts/hello/")
        .stderr_has("content/posts/hello.md")
        .stderr_has("content/posts/copy.md")
        .unchanged(&before);
}

#[test]
fn root_without_a_config_file() {
    let (site, before) = built();
    site.remove("kudos.toml");
    site.build()
        .code(1)
        .stderr_has("no kudos.toml in site")
        .stderr_has("kudos init")
        .unchanged(&before);
}

#[test]
fn every_bad_file_is_reported_not_only_the_first() {
    let (site, before) = built();
    site.write(
        "content/posts/bad.md",
        "+++\ntitle = \"Typo\"\ndate = 2025-01-01\ntagz = [\"a\"]\n+++\nBody.\n",
    );
    site.write("content/shoutouts/worse.md", "---\ncustomer: [\n---\n");
    site.write("content/zzz.md", b"\xff\xfe");
    site.build()
        .code(1)
        .stderr_has("content/posts/bad.md:4:1")
        .stderr_has("content/shoutouts/worse.md:2:")
        .stderr_has("content/zzz.md")
        .stderr_has("3 problems")
        .unchanged(&before);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let (site, before) = built();
    site.run(&["build", "--no-such-flag"])
        .code(2)
        .stderr_has("--no-such-flag")
        .unchanged(&before);
}

#[test]
fn unknown_command_is_a_usage_error() {
    Site::fixture("basic")
        .run(&["publish"])
        .code(2)
        .stderr_has("publish");
}
