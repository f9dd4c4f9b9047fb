//! `kudos check` on the `advice` fixture (issue 3, acceptance 9): it validates what a
//! build would, writes nothing, and gives advice that is not an error: segment pages so
//! alike that search engines would call them doorway pages, shout-outs older than
//! `stale_after_months`, and shout-outs without consent.
//!
//! The fixture: `dads.md` and `mums.md` differ only in their titles, `boutiques.md` is
//! its own page; `old-timer.md` is dated 2020-01-01 (always more than 24 months ago),
//! `recent.md` has no date, and `unsigned.md` has no consent.

use crate::common::Site;

#[test]
fn check_flags_doorway_pages_and_stale_shoutouts_without_writing() {
    let site = Site::fixture("advice");
    let run = site
        .run(&["check"])
        .success()
        .stderr_has("content/segments/dads.md")
        .stderr_has("content/segments/mums.md")
        .stderr_has("doorway")
        .stderr_has("content/shoutouts/old-timer.md:4:1")
        .stderr_has("months old")
        .stderr_has("content/shoutouts/unsigned.md")
        .stderr_has("no errors, 3 warnings")
        .stderr_lacks("boutiques.md")
        .stderr_lacks("recent.md")
        .absent("public");
    // One doorway pair, named once.
    assert_eq!(
        run.stderr().matches("doorway").count(),
        1,
        "{}",
        run.stderr()
    );
}

#[test]
fn a_recent_shoutout_is_not_stale() {
    let site = Site::fixture("advice");
    let month_ago = jiff::Zoned::now()
        .date()
        .checked_sub(jiff::Span::new().months(1))
        .expect("a month ago");
    site.write(
        "content/shoutouts/fresh.md",
        format!(
            "+++\ncustomer = \"Fay Fresh\"\ndate = {month_ago}\nconsent = {{ date = {month_ago}, scope = [\"quote\", \"name\"] }}\n+++\n\nJust arrived, and lovely.\n"
        ),
    );
    site.run(&["check"])
        .success()
        .stderr_has("old-timer.md")
        .stderr_lacks("fresh.md")
        .stderr_lacks("Fay Fresh");
}

#[test]
fn stale_after_months_is_honoured() {
    let site = Site::fixture("advice");
    site.write(
        "kudos.toml",
        site.read("kudos.toml") + "\n[shoutouts]\nstale_after_months = 1200\n",
    );
    site.run(&["check"])
        .success()
        .stderr_lacks("months old")
        .stderr_has("doorway");
}

#[test]
fn advice_is_for_check_only_and_build_still_succeeds() {
    let site = Site::fixture("advice");
    site.build()
        .success()
        .stderr_lacks("doorway")
        .stderr_lacks("months old")
        .file("public/for/dads/index.html")
        .contains("Toys for dads");
}

#[test]
fn check_exits_1_on_a_real_error() {
    let site = Site::fixture("advice");
    site.write(
        "content/posts/typo.md",
        "+++\ntitle = \"A typo\"\ndate = 2025-01-01\ntagz = [\"news\"]\n+++\n\nBody.\n",
    );
    site.run(&["check"])
        .code(1)
        .stderr_has("content/posts/typo.md:4:")
        .stderr_has("tagz")
        .stderr_has("tags")
        .absent("public");
}
