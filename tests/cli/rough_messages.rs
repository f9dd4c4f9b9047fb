//! Issue 15, "Messages": what kudos prints should be true, said once, and name the place
//! to fix. Each test is named after the misleading message it replaces.

use crate::common::Site;

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
        .stderr_has("Added 1 file to site (content/about.md); kept 6 existing files.")
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
