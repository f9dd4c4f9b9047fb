//! Issue 15, "Messages": what kudos prints should be true, said once, and name the place
//! to fix. Each test is named after the misleading message it replaces.

use crate::common::{START, Site, free_port};

const SCRIPT_TAG: &str = "<script src=\"/__kudos/live.js\"></script>";

#[test]
fn an_unknown_consent_scope_lists_the_known_values_not_known_keys() {
    let site = Site::fixture("basic");
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "\"photo\"]",
        "\"foto\"]",
    );
    site.build()
        .code(1)
        .stderr_has("unknown variant `foto`")
        .stderr_has("help: known values: quote, name, photo, social")
        .stderr_lacks("known keys");
}

#[test]
fn an_unknown_highlight_theme_names_its_line() {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!(
            "{}\n[markdown]\nhighlight_theme = \"Nope\"\n",
            site.read("kudos.toml")
        ),
    );
    site.build()
        .code(1)
        .stderr_has("error: kudos.toml:10:1: unknown highlight theme `Nope`");
}

#[test]
fn a_key_added_after_a_table_is_reported_with_its_table() {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!(
            "{}\n[shoutouts]\nrequire_consent = true\noops = 1\ndescription = \"x\"\n",
            site.read("kudos.toml")
        ),
    );
    site.build()
        .code(1)
        .stderr_has("kudos.toml:12:1: in `[shoutouts]`: unknown field `description`")
        .stderr_has("`description` is a top-level key");
    site.edit("kudos.toml", "description = \"x\"\n", "");
    site.build()
        .code(1)
        .stderr_has("kudos.toml:11:1: in `[shoutouts]`: unknown field `oops`");
}

#[test]
fn a_missing_config_file_names_the_file_asked_for_not_kudos_toml() {
    let site = Site::fixture("basic");
    site.run(&["--config", "nope.toml", "build"])
        .code(1)
        .stderr_has("error: config file nope.toml not found (given with --config)")
        .stderr_lacks("no kudos.toml");
}

#[test]
fn check_help_does_not_offer_output_which_check_never_writes() {
    let site = Site::fixture("basic");
    site.run(&["check", "--help"])
        .success()
        .stderr_lacks("--output");
    let help = assert_cmd::cargo::cargo_bin_cmd!("kudos")
        .args(["check", "--help"])
        .output()
        .expect("run kudos");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("--strict"), "{text}");
    assert!(!text.contains("--output"), "{text}");
    site.run(&["check", "--output", "x"]).code(2);
    let help = assert_cmd::cargo::cargo_bin_cmd!("kudos")
        .args(["build", "--help"])
        .output()
        .expect("run kudos");
    assert!(String::from_utf8_lossy(&help.stdout).contains("--output"));
}

#[test]
fn init_force_on_an_existing_site_says_what_it_added_not_created() {
    let site = Site::blank();
    site.run(&["init"])
        .success()
        .stderr_has("Created a kudos site");
    site.run(&["init", "--force"])
        .success()
        .stderr_has("Added nothing to site: it already has every file `kudos init` writes.")
        .stderr_lacks("Created");
    site.remove("content/about.md");
    site.run(&["init", "--force"])
        .success()
        .stderr_has("Added 1 file to site (content/about.md); kept 7 existing files.")
        .stderr_lacks("Created");
}

#[test]
fn warnings_come_in_the_same_order_on_every_run() {
    let site = Site::fixture("basic");
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    for name in names {
        site.write(
            &format!("content/shoutouts/{name}.md"),
            format!("+++\ncustomer = \"Customer {name}\"\n+++\nLovely.\n"),
        );
    }
    for _ in 0..2 {
        let run = site.build().success();
        let stderr = run.stderr();
        let order: Vec<usize> = names
            .iter()
            .map(|n| {
                stderr
                    .find(&format!("warning: content/shoutouts/{n}.md"))
                    .unwrap_or_else(|| panic!("no warning for {n}.md:\n{stderr}"))
            })
            .collect();
        assert!(order.is_sorted(), "warnings out of file order:\n{stderr}");
    }
}

#[test]
fn serve_on_every_interface_prints_where_it_listens_and_warns_about_drafts_only_with_drafts() {
    let site = Site::fixture("basic");
    let port = free_port().to_string();
    let mut server = site.spawn(&["serve", "--interface", "0.0.0.0", "--port", &port]);
    server.wait_until_serving();
    let line = server.wait_for_line("Serving ", START);
    assert!(
        line.contains(&format!("http://127.0.0.1:{port}/"))
            && line.contains("(listening on every interface, 0.0.0.0)"),
        "{line}"
    );
    assert!(server.lines_with("drafts").is_empty(), "{:?}", server.log());
    drop(server);
    let port = free_port().to_string();
    let mut server = site.spawn(&[
        "serve",
        "--interface",
        "0.0.0.0",
        "--port",
        &port,
        "--drafts",
    ]);
    server.wait_until_serving();
    server.wait_for_line(
        "warning: serving drafts on 0.0.0.0 makes them visible",
        START,
    );
}

#[test]
fn serve_whose_first_build_fails_says_there_is_no_last_good_version_and_shows_the_error() {
    let site = Site::fixture("basic");
    site.edit("content/posts/hello.md", "title = ", "titel = ");
    let port = free_port().to_string();
    let mut server = site.spawn(&["serve", "--port", &port]);
    server.wait_for_address();
    server.wait_for_line("Build failed; there is no earlier version to serve", START);
    assert!(
        server
            .lines_with("still serving the last good version")
            .is_empty(),
        "{:?}",
        server.log()
    );
    for path in ["/", "/posts/hello/", "/no/such/page/"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 503, "{path}");
        let text = reply.text();
        assert!(text.contains("id=\"kudos-error-overlay\""), "{text}");
        assert!(
            text.contains("there is no earlier version to show"),
            "{text}"
        );
        assert!(text.contains("content/posts/hello.md"), "{text}");
        assert!(text.contains("titel"), "{text}");
        assert!(text.contains(SCRIPT_TAG), "{text}");
    }
    site.edit("content/posts/hello.md", "titel = ", "title = ");
    server.wait_for_line("changed: ", START);
    assert_eq!(server.get("/").status, 200);
}

/// The default theme's `name`, with `from` replaced by `to`, as a site override.
fn override_template(site: &Site, name: &str, from: &str, to: &str) {
    let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/kudos/templates");
    let text = std::fs::read_to_string(theme.join(name)).expect("read a theme template");
    assert!(text.contains(from), "{name} has no {from:?}");
    site.write(&format!("templates/{name}"), text.replacen(from, to, 1));
}

#[test]
fn a_template_error_on_many_pages_is_printed_once_naming_the_template_and_the_pages() {
    let site = Site::fixture("basic");
    override_template(
        &site,
        "post.html",
        "{{ page.title }}",
        "{{ page.title | date }}",
    );
    let run = site.build().code(1);
    let stderr = run.stderr();
    assert_eq!(stderr.matches("template error").count(), 1, "{stderr}");
    assert!(stderr.contains("error: templates/post.html:6:"), "{stderr}");
    assert!(
        stderr.contains("help: while rendering /posts/bundle/, /posts/hello/ and /posts/second/"),
        "{stderr}"
    );
    assert!(stderr.contains("1 problem found"), "{stderr}");
}

#[test]
fn an_unknown_filter_names_its_template_without_a_doubled_error() {
    let site = Site::fixture("basic");
    override_template(
        &site,
        "page.html",
        "{{ page.title }}",
        "{{ page.title | nope }}",
    );
    site.build()
        .code(1)
        .stderr_has("error: templates/page.html:")
        .stderr_has(": template error: Unknown filter `nope`")
        .stderr_lacks("error: error")
        .stderr_lacks("template error: error:")
        .stderr_lacks("templates/:");
}

#[test]
fn a_wrong_block_name_or_a_circular_include_names_the_template_file() {
    let site = Site::fixture("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block nosuch %}x{% endblock %}",
    );
    site.build()
        .code(1)
        .stderr_has("error: templates/page.html:1:")
        .stderr_has("template error: Block `nosuch` is not defined in any parent template")
        .stderr_lacks("templates/:");
    site.write(
        "templates/page.html",
        "{% include \"partials/loop.html\" %}",
    );
    site.write(
        "templates/partials/loop.html",
        "{% include \"page.html\" %}",
    );
    site.build()
        .code(1)
        .stderr_has("error: templates/page.html: template error: Circular include")
        .stderr_lacks("templates/:");
}

#[test]
fn a_parse_error_hid_rating_segment_and_link_errors() {
    let site = Site::fixture("basic");
    site.write("content/posts/broken.md", "+++\ntitle = \n+++\nBody.\n");
    site.write(
        "content/segments/wrong.md",
        "+++\nheadline = [\n+++\nBody.\n",
    );
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "rating = 5",
        "rating = 9",
    );
    site.write(
        "content/posts/elsewhere.md",
        "+++\ntitle = \"Elsewhere\"\ndate = 2025-03-01\nsegments = [\"nosuch\", \"wrong\"]\n+++\n\
         See [gone](@/posts/missing.md) and [broken](@/posts/broken.md).\n",
    );
    site.build()
        .code(1)
        .stderr_has("5 problems found")
        .stderr_has("error: content/posts/broken.md:2:")
        .stderr_has("error: content/segments/wrong.md:2:")
        .stderr_has("rating 9 is out of range")
        .stderr_has("unknown segment `nosuch` in `segments`")
        .stderr_has("broken link `@/posts/missing.md`")
        // What only follows from a file that did not load is not reported a second time.
        .stderr_lacks("unknown segment `wrong`")
        .stderr_lacks("`@/posts/broken.md`");
    assert!(!site.path("public").exists(), "a failed build wrote output");
}

#[test]
fn a_config_error_hid_content_errors() {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!("titel = \"Typo\"\n{}", site.read("kudos.toml")),
    );
    site.write("content/posts/broken.md", "+++\ntitle = \n+++\nBody.\n");
    site.build()
        .code(1)
        .stderr_has("2 problems found")
        .stderr_has("error: kudos.toml:1:1: unknown field `titel`")
        .stderr_has("error: content/posts/broken.md:2:");
    site.run(&["check"])
        .code(1)
        .stderr_has("unknown field `titel`")
        .stderr_has("error: content/posts/broken.md:2:");
}

#[test]
fn the_base_url_without_a_host_warning_named_no_line() {
    let site = crate::common::Site::blank();
    site.write("kudos.toml", "title = \"Shop\"\nbase_url = \"/shop/\"\n");
    site.write(
        "content/posts/hello.md",
        "+++\ntitle = \"Hello\"\ndate = 2025-01-01\n+++\n\nHi.\n",
    );
    site.build()
        .success()
        .stderr_has("warning: kudos.toml:2:1: base_url `")
        .stderr_has("has no scheme and host");
}
