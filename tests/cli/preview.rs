//! `kudos serve`'s preview bar (issue 13, "Preview in serve"), over the `preview` fixture:
//! one shout-out of each kind a page leaves out or shows with less, a page with segment
//! variants, a draft post. The bar is served, never built; the panel names each hidden
//! shout-out with its reason and file:line, and agrees with `kudos check`.

use std::time::Duration;

use crate::common::{REBUILD, Running, Site, free_port};

/// Each shout-out the wall leaves out or shows with less: (name, reason, file:line).
const ON_THE_WALL: [(&str, &str, &str); 8] = [
    (
        "Erin Employee",
        "rating not counted in averages: relationship &quot;employee&quot;",
        "content/shoutouts/insider.md:3",
    ),
    (
        "Nadia Nameless",
        "name held back: consent does not cover the name",
        "content/shoutouts/nameless.md:5",
    ),
    (
        "Pat Photoless",
        "photo withheld: consent does not cover the photo",
        "content/shoutouts/photoless.md:3",
    ),
    ("Dora Draft", "draft", "content/shoutouts/draft.md:4"),
    (
        "Felix Future",
        "consent dated 2099-01-01, in the future",
        "content/shoutouts/future.md:4",
    ),
    (
        "Nora Noconsent",
        "no consent",
        "content/shoutouts/no-consent.md:2",
    ),
    (
        "Quinn Quoteless",
        "consent does not cover the quote",
        "content/shoutouts/no-quote.md:4",
    ),
    (
        "Wanda Withdrawn",
        "consent withdrawn on 2026-01-05",
        "content/shoutouts/withdrawn.md:5",
    ),
];

/// The fixture's base URL has the sub-path `/shop`, and `serve` keeps it.
fn shop(path: &str) -> String {
    format!("/shop{path}")
}

/// `kudos serve` of the fixture on a free port, with `extra` flags, answering.
pub fn serve(site: &Site, extra: &[&str]) -> (Running, String) {
    let port = free_port().to_string();
    let mut args = vec!["serve", "--port", &port];
    args.extend(extra);
    let mut server = site.spawn(&args);
    let url = server.wait_until_serving();
    (server, url)
}

/// The panel's entries of a served page, as "name: reason file:line".
fn entries(page: &str) -> Vec<String> {
    let panel = page
        .split("class=\"kp-hidden\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_default();
    panel
        .split("<li><strong>")
        .skip(1)
        .map(|li| {
            let li = li.split("</li>").next().unwrap_or_default();
            li.replace("</strong>: <span class=\"kp-reason\">", ": ")
                .replace("</span> <code>", " ")
                .replace("</code>", "")
        })
        .collect()
}

#[test]
fn built_output_never_has_the_preview_bar() {
    let site = Site::fixture("preview");
    for flags in [&["build"][..], &["build", "--drafts"]] {
        site.run(flags).success();
        for needle in ["kudos-preview", "__kudos", "preview.js"] {
            assert_eq!(
                site.files_containing("public", needle),
                Vec::<String>::new(),
                "{flags:?}: {needle}"
            );
        }
    }
}

#[test]
fn the_panel_lists_every_hidden_shoutout_with_its_reason_and_place() {
    let site = Site::fixture("preview");
    let (server, _) = serve(&site, &[]);
    let wall = server.get(&shop("/shoutouts/")).text();
    let expected: Vec<String> = ON_THE_WALL
        .iter()
        .map(|(who, why, place)| format!("{who}: {why} {place}"))
        .collect();
    let listed = entries(&wall);
    assert_eq!(listed, expected, "{wall}");

    // The landing page of the segment they all name lists the same; the other none.
    assert_eq!(
        entries(&server.get(&shop("/for/wholesale/")).text()),
        expected
    );
    let parents = server.get(&shop("/for/new-parents/")).text();
    assert!(entries(&parents).is_empty(), "{parents}");
    assert!(parents.contains("Every shout-out that matches this page is shown in full."));

    // A shortcode naming a hidden shout-out puts it in that page's panel.
    assert_eq!(
        entries(&server.get(&shop("/about/")).text()),
        ["Nora Noconsent: no consent content/shoutouts/no-consent.md:2"]
    );
}

#[test]
fn the_bar_is_only_served_to_this_machine() {
    let site = Site::fixture("preview");
    let (server, _) = serve(&site, &["--interface", "0.0.0.0"]);
    let network = network_address(&server);
    for path in ["/shoutouts/", "/about/", "/no/such/page/"] {
        let here = server.get(&shop(path)).text();
        assert!(here.contains("id=\"kudos-preview\""), "{path}: {here}");
        let there = server.get_at(network, &shop(path)).text();
        assert!(there.contains("__kudos/live.js"), "{path}: {there}");
        for needle in ["kudos-preview", "Nora Noconsent", "Nadia Nameless"] {
            assert!(
                !there.contains(needle),
                "{path} from {network}: {needle}\n{there}"
            );
        }
    }
    let wall = server.get(&shop("/shoutouts/")).text();
    assert!(wall.contains("Nadia Nameless"), "{wall}");
}

/// The address other machines reach `server` at (serve with `--interface 0.0.0.0`).
fn network_address(server: &Running) -> std::net::SocketAddr {
    // "Serving <root> at http://127.0.0.1:P/shop/ and http://<this machine>:P/shop/ (...)"
    let line = server.lines_with("Serving ").join("\n");
    line.split_whitespace()
        .filter_map(|word| word.strip_prefix("http://"))
        .filter_map(|rest| rest.split('/').next()?.parse().ok())
        .find(|address: &std::net::SocketAddr| !address.ip().is_loopback())
        .unwrap_or_else(|| {
            panic!("this test needs an address other than loopback; serve said:\n{line}")
        })
}

/// A save that breaks Nora's front matter: the error quotes her line.
const BREAK_NORA: [&str; 3] = [
    "content/shoutouts/no-consent.md",
    "customer = \"Nora Noconsent\"",
    "customer = \"Nora Noconsent",
];

#[test]
fn a_build_error_is_only_shown_to_this_machine() {
    let site = Site::fixture("preview");
    let (mut server, _) = serve(&site, &["--interface", "0.0.0.0"]);
    let network = network_address(&server);
    let mut here = server.events();
    let mut there = server.events_at(network);
    let [file, from, to] = BREAK_NORA;
    site.edit(file, from, to);
    server.wait_for_line("Rebuild failed", REBUILD);
    let error = here.expect("build-error", Duration::from_secs(5));
    assert!(error.contains("customer = \"Nora Noconsent"), "{error}");
    let told = there.expect("build-error", Duration::from_secs(5));
    assert_eq!(
        told,
        "kudos: the last change to this site did not build. The error is shown only \
         on the machine running kudos serve; this is the last version that built."
    );
    // A browser that connects now is told at once, the same way.
    let mut late = server.events_at(network);
    let late_told = late.expect("build-error", Duration::from_secs(5));
    assert_eq!(late_told, told);
}

#[test]
fn a_first_build_error_is_only_shown_to_this_machine() {
    let site = Site::fixture("preview");
    let [file, from, to] = BREAK_NORA;
    site.edit(file, from, to);
    let port = free_port().to_string();
    let mut server = site.spawn(&["serve", "--port", &port, "--interface", "0.0.0.0"]);
    server.wait_for_address();
    server.wait_for_line(
        "Build failed; there is no earlier version to serve",
        Duration::from_secs(20),
    );
    let network = network_address(&server);
    let here = server.get(&shop("/shoutouts/"));
    assert_eq!(here.status, 503);
    assert!(here.text().contains("Nora Noconsent"), "{}", here.text());
    for path in ["/", "/shop/shoutouts/"] {
        let there = server.get_at(network, path);
        assert_eq!(there.status, 503, "{path}");
        let text = there.text();
        assert!(
            text.contains("there is no earlier version to show"),
            "{text}"
        );
        assert!(
            text.contains("The error is shown only on the machine"),
            "{text}"
        );
        assert!(!text.contains("Nora"), "{path}: {text}");
        assert!(!text.contains("no-consent.md"), "{path}: {text}");
    }
}

#[test]
fn the_panel_agrees_with_kudos_check() {
    let site = Site::fixture("preview");
    let check = site.run(&["check"]).success();
    let warned = check.stderr().matches("is not published").count();
    let (server, _) = serve(&site, &[]);
    let wall = server.get(&shop("/shoutouts/")).text();
    // Every hidden shout-out `check` warns about is in the panel (drafts are not warned
    // about: they are hidden on purpose), and every warning is listed under it.
    let hidden = entries(&wall)
        .iter()
        .filter(|e| {
            [
                "no consent",
                "withdrawn",
                "in the future",
                "cover the quote",
            ]
            .iter()
            .any(|why| e.contains(why))
        })
        .count();
    assert_eq!((warned, hidden), (4, 4));
    assert!(
        wall.contains("Warnings and advice from the last rebuild (4)"),
        "{wall}"
    );
    // The bar's summary says what its numbers count.
    assert!(
        wall.contains("<summary>kudos preview · 8 shout-outs held back · 4 notes</summary>"),
        "{wall}"
    );
}

#[test]
fn the_advice_follows_the_shoutouts_and_stays_through_other_saves() {
    let site = Site::fixture("preview");
    let (mut server, _) = serve(&site, &[]);
    let page = server.get(&shop("/shoutouts/")).text();
    assert!(page.contains("· 4 notes</summary>"), "{page}");
    // Saves `file` with `from` replaced by `to`, waits for the rebuild, reads the wall.
    let mut saves = 0;
    let mut save = |file: &str, from: &str, to: &str| {
        site.edit(file, from, to);
        saves += 1;
        server.wait_for_lines(" changed: ", saves, REBUILD);
        server.get(&shop("/shoutouts/")).text()
    };
    // A shout-out's date makes it stale: the advice is made again.
    let olive = "content/shoutouts/olive.md";
    let page = save(olive, "rating = 5\n", "rating = 5\ndate = 2015-03-01\n");
    assert!(page.contains("· 5 notes</summary>"), "{page}");
    assert!(
        page.contains("content/shoutouts/olive.md:4:1: shout-out from Olive Okay is"),
        "{page}"
    );
    // A post's save reads no shout-out: the same advice.
    let page = save(
        "content/posts/hello.md",
        "Hello there.",
        "Hello there, again.",
    );
    assert!(page.contains("· 5 notes</summary>"), "{page}");
    // Dated recently again: the advice is gone.
    let page = save(olive, "date = 2015-03-01", "date = 2026-01-01");
    assert!(page.contains("· 4 notes</summary>"), "{page}");
    assert!(!page.contains("shout-out from Olive Okay is"), "{page}");
}

#[test]
fn the_switcher_links_the_plain_page_and_each_variant() {
    let site = Site::fixture("preview");
    let (server, _) = serve(&site, &[]);
    let about = server.get(&shop("/about/")).text();
    for link in [
        "<a href=\"/shop/about/\">Everyone (the plain page)</a>",
        "<a href=\"/shop/for/wholesale/about/\">Wholesale</a>",
        "<a href=\"/shop/for/new-parents/about/\">New parents</a>",
    ] {
        assert!(about.contains(link), "{link}\n{about}");
    }
    let home = server.get(&shop("/")).text();
    for link in [
        "<a href=\"/shop/for/wholesale/\">Landing page: Wholesale</a>",
        "<a href=\"/shop/shoutouts/for/wholesale/\">Wall, Wholesale only</a>",
    ] {
        assert!(home.contains(link), "{link}\n{home}");
    }
    // A post without variants has no switcher.
    assert!(
        !server
            .get(&shop("/posts/hello/"))
            .text()
            .contains("kp-switch")
    );
}

#[test]
fn a_page_shown_only_because_of_drafts_carries_the_banner() {
    let site = Site::fixture("preview");
    let (server, _) = serve(&site, &["--drafts"]);
    let banner = "Draft: this page is here only because drafts are shown";
    let draft = server.get(&shop("/posts/secret/"));
    assert_eq!(draft.status, 200);
    assert!(draft.text().contains(banner), "{}", draft.text());
    assert!(!server.get(&shop("/posts/hello/")).text().contains(banner));
}

#[test]
fn serve_keeps_the_base_path() {
    let site = Site::fixture("preview");
    let (server, url) = serve(&site, &[]);
    assert!(url.ends_with("/shop/"), "{url}");
    let root = server.get("/");
    assert_eq!(root.status, 301);
    assert_eq!(root.header("location"), Some("/shop/"));
    assert_eq!(server.get("/shop").header("location"), Some("/shop/"));
    // Outside the base path there is no site, as on the real host.
    assert_eq!(server.get("/posts/hello/").status, 404);
    assert_eq!(server.get("/shopping/").status, 404);
    let home = server.get(&shop("/"));
    assert_eq!(home.status, 200);
    let text = home.text();
    assert!(
        text.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")),
        "{text}"
    );
    assert_eq!(
        server.get(&shop("/posts/hello")).header("location"),
        Some("/shop/posts/hello/")
    );
}

#[test]
fn in_chromium_the_switcher_panel_hiding_and_sub_path_work() {
    crate::common::browser::require_tools(&["playwright-core"]);
    let site = Site::fixture("preview");
    let (_server, url) = serve(&site, &[]);
    let output = crate::common::browser::run_node_script(
        "preview.mjs",
        &[url.as_ref()],
        Duration::from_secs(120),
    );
    println!("{output}");
}
