//! The wall of shout-outs on the `segments` fixture: order, anchors, pagination, a page
//! per shout-out, the Atom feed, and filters that are real pages, so they work with
//! JavaScript disabled (issue 3, acceptance 10).
//!
//! The fixture's five shout-outs, all with consent (`[shoutouts] per_page = 2`):
//!
//! | slug      | date       | featured | segments              | tags        |
//! | --------- | ---------- | -------- | --------------------- | ----------- |
//! | amy-ash   | 2025-01-10 |          | new-parents,wholesale | toys        |
//! | bea-bell  | 2025-02-10 | yes      | new-parents           | gifts       |
//! | cara-cole | 2025-03-10 |          | new-parents           | toys, gifts |
//! | dan-dune  | 2025-04-10 |          |                       | baby        |
//! | eve-east  | 2025-05-10 | yes      | wholesale             | toys        |
//!
//! The `new-parents` segment also matches the tag `baby`, and features cara-cole then
//! bea-bell.

use std::collections::BTreeMap;

use crate::common::Site;

/// Featured first (newest first among them), then the rest, newest first.
const WALL_ORDER: [&str; 5] = ["eve-east", "bea-bell", "dan-dune", "cara-cole", "amy-ash"];

fn built() -> Site {
    let site = Site::fixture("segments");
    site.build().success();
    site
}

/// The `href`s of the links inside the wall's filter navigation.
fn filter_links(html: &str) -> Vec<String> {
    let start = html
        .find("<nav class=\"filters\"")
        .unwrap_or_else(|| panic!("no filter navigation in:\n{html}"));
    let nav = &html[start..start + html[start..].find("</nav>").expect("the nav ends")];
    nav.match_indices("<a href=\"")
        .map(|(at, open)| {
            let rest = &nav[at + open.len()..];
            rest[..rest.find('"').expect("the href ends")].to_string()
        })
        .collect()
}

/// No script on the page but JSON-LD data, so everything on it works without JavaScript.
fn assert_no_javascript(path: &str, html: &str) {
    for (at, _) in html.match_indices("<script") {
        assert!(
            html[at..].starts_with("<script type=\"application/ld+json\">"),
            "{path} needs JavaScript: {}",
            &html[at..(at + 80).min(html.len())]
        );
    }
    for handler in [" onclick=", " onchange=", " oninput=", "javascript:"] {
        assert!(!html.contains(handler), "{path} has {handler}");
    }
}

#[test]
fn wall_is_featured_first_then_newest_and_paginated() {
    let site = built();
    site.file("public/shoutouts/index.html")
        .cards_are(&WALL_ORDER[0..2])
        .contains("<a rel=\"next\" href=\"/shoutouts/page/2/\">")
        .lacks("rel=\"prev\"")
        .file("public/shoutouts/page/2/index.html")
        .cards_are(&WALL_ORDER[2..4])
        .contains("<a rel=\"prev\" href=\"/shoutouts/\">")
        .contains("<a rel=\"next\" href=\"/shoutouts/page/3/\">")
        .contains("<link rel=\"canonical\" href=\"https://example.com/shoutouts/page/2/\">")
        .file("public/shoutouts/page/3/index.html")
        .cards_are(&WALL_ORDER[4..])
        .contains("<a rel=\"prev\" href=\"/shoutouts/page/2/\">")
        .lacks("rel=\"next\"")
        .absent("public/shoutouts/page/4/index.html")
        .absent("public/shoutouts/page/1/index.html");
}

#[test]
fn every_shoutout_has_an_anchored_card_and_its_own_page() {
    let site = built();
    for (i, slug) in WALL_ORDER.into_iter().enumerate() {
        site.file(&format!("public/shoutouts/{slug}/index.html"))
            .cards_are(&[slug])
            .contains(&format!(
                "<link rel=\"canonical\" href=\"https://example.com/shoutouts/{slug}/\">"
            ));
        // Its card on the wall page it falls on links to that page.
        let wall_page = match i / 2 + 1 {
            1 => "public/shoutouts/index.html".to_string(),
            n => format!("public/shoutouts/page/{n}/index.html"),
        };
        let wall = site.file(&wall_page);
        assert!(
            wall.cards().contains(&slug.to_string()),
            "{slug} on {wall_page}"
        );
        wall.contains(&format!("<a href=\"/shoutouts/{slug}/\">Share</a>"));
    }
}

#[test]
fn wall_filters_are_plain_links_to_pages_with_exactly_the_matching_cards() {
    let site = built();
    let expected: BTreeMap<&str, Vec<&str>> = [
        ("/shoutouts/", WALL_ORDER.to_vec()),
        // A segment's own order: its featured ones first, then the rest in wall order;
        // dan-dune belongs through the segment's `tags = ["baby"]`.
        (
            "/shoutouts/for/new-parents/",
            vec!["cara-cole", "bea-bell", "dan-dune", "amy-ash"],
        ),
        // `shoutout_limit` caps the landing page, not the full filtered wall.
        ("/shoutouts/for/wholesale/", vec!["eve-east", "amy-ash"]),
        ("/shoutouts/for/grandparents/", vec![]),
        ("/shoutouts/tagged/baby/", vec!["dan-dune"]),
        ("/shoutouts/tagged/gifts/", vec!["bea-bell", "cara-cole"]),
        (
            "/shoutouts/tagged/toys/",
            vec!["eve-east", "cara-cole", "amy-ash"],
        ),
    ]
    .into_iter()
    .collect();
    let wall = site.read("public/shoutouts/index.html");
    let mut links = filter_links(&wall);
    links.sort();
    let mut wanted: Vec<String> = expected.keys().map(|k| k.to_string()).collect();
    wanted.sort();
    assert_eq!(
        links, wanted,
        "the wall links to one page per segment and tag"
    );

    for (url, cards) in &expected {
        let path = format!("public{url}index.html");
        // A filter page holds `per_page` (2) cards; the rest follow on its later pages.
        let mut shown = Vec::new();
        for n in 2.. {
            let later = format!("public{url}page/{n}/index.html");
            if !site.path(&later).is_file() {
                break;
            }
            shown.extend(site.file(&later).cards());
        }
        let page = site.file(&path);
        shown.splice(0..0, page.cards());
        assert_eq!(
            &shown, cards,
            "the shout-out cards of {url} and its later pages"
        );
        assert_no_javascript(&path, page.text());
        assert_eq!(
            filter_links(page.text()).len(),
            expected.len(),
            "{path} offers every filter"
        );
        assert!(
            page.text()
                .contains(&format!("<a href=\"{url}\" aria-current=\"page\">")),
            "{path} marks its own filter as current"
        );
        if *url != "/shoutouts/" {
            // A selection says so, and links to the full wall.
            page.contains(
                "This page shows a selection: <a href=\"/shoutouts/\">see every shout-out</a>",
            )
            .contains(&format!(
                "<link rel=\"canonical\" href=\"https://example.com{url}\">"
            ));
        }
    }
    for page in [
        "public/shoutouts/page/2/index.html",
        "public/shoutouts/page/3/index.html",
    ] {
        assert_no_javascript(page, &site.read(page));
    }
}

#[test]
fn shoutouts_feed_is_atom_with_every_published_shoutout() {
    let site = built();
    let feed = crate::common::parse_feed(&site, "public/shoutouts/atom.xml");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.id, "https://example.com/shoutouts/atom.xml");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    // A feed is newest first, whatever the wall features: dates are May .. January.
    let newest_first = ["eve-east", "dan-dune", "cara-cole", "bea-bell", "amy-ash"];
    let expected: Vec<String> = newest_first
        .iter()
        .map(|slug| format!("https://example.com/shoutouts/{slug}/"))
        .collect();
    assert_eq!(ids, expected, "every shout-out, newest first");
    for entry in &feed.entries {
        assert!(entry.updated.is_some(), "{} has an <updated>", entry.id);
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .unwrap_or("");
        assert!(
            body.contains(" says "),
            "{} carries the quote: {body}",
            entry.id
        );
    }
    site.file("public/shoutouts/index.html")
        .contains("<a href=\"/shoutouts/atom.xml\">");
}

#[test]
fn shoutout_tags_that_share_a_slug_share_one_filter_page() {
    let site = Site::fixture("segments");
    site.edit(
        "content/shoutouts/dan-dune.md",
        "[\"baby\"]",
        "[\"Gift Ideas\"]",
    );
    site.edit(
        "content/shoutouts/bea-bell.md",
        "[\"gifts\"]",
        "[\"gift-ideas\"]",
    );
    site.build().success();
    let wall = site.read("public/shoutouts/index.html");
    let links = filter_links(&wall);
    let to_page = links
        .iter()
        .filter(|l| *l == "/shoutouts/tagged/gift-ideas/")
        .count();
    assert_eq!(to_page, 1, "one filter per page: {links:?}");
    let page = site.file("public/shoutouts/tagged/gift-ideas/index.html");
    let mut cards = page.cards();
    cards.sort();
    assert_eq!(
        cards,
        ["bea-bell", "dan-dune"],
        "every card its filter link promises"
    );
}

#[test]
fn pages_showing_a_selection_dropped_the_note_when_nothing_was_rated() {
    let site = Site::fixture("basic");
    site.edit("content/shoutouts/ada-lovelace.md", "rating = 5\n", "");
    for file in site.files_ending("content/shoutouts", ".md") {
        let path = format!("content/shoutouts/{file}");
        let text = site.read(&path);
        let unrated: String = text
            .lines()
            .filter(|l| !l.starts_with("rating"))
            .map(|l| format!("{l}\n"))
            .collect();
        site.write(&path, unrated);
    }
    site.build().success();
    site.file("public/index.html")
        .lacks("Rated ")
        .contains("These are a selection: <a href=\"/shoutouts/\">read all");
    site.file("public/shoutouts/for/regulars/index.html")
        .lacks("Rated ")
        .contains("This page shows a selection: <a href=\"/shoutouts/\">see every shout-out</a>.");
}
