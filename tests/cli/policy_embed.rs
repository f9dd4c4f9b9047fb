//! What a marketer publishes beside the wall (issue 13): a page saying how shout-outs are
//! collected, checked and withdrawn, with the facts from `[shoutouts]`; and the wall as a
//! page to put in an `<iframe>` on another site, with no script and the same consent.

use crate::common::{Site, nu_html_errors};

fn with_shoutouts_config(site: &Site, lines: &str) {
    site.write(
        "kudos.toml",
        format!("{}\n[shoutouts]\n{lines}\n", site.read("kudos.toml")),
    );
}

/// The `data-shoutout` slugs of the cards on a page, in order.
fn cards(html: &str) -> Vec<String> {
    html.match_indices("data-shoutout=\"")
        .map(|(at, open)| {
            let rest = &html[at + open.len()..];
            rest[..rest.find('"').expect("the slug ends")].to_string()
        })
        .collect()
}

#[test]
fn the_wall_did_not_say_how_shout_outs_are_collected_or_how_to_withdraw() {
    let site = Site::fixture("honesty");
    with_shoutouts_config(
        &site,
        "contact = \"thanks@example.com\"\ncollection = \"We ask at the market stall, on a paper card.\"",
    );
    site.build().success();
    let published = cards(&site.read("public/shoutouts/index.html")).len();
    site.file("public/shoutouts/how-we-collect/index.html")
        .contains("<h1>How we collect shout-outs</h1>")
        .contains("<p>We ask at the market stall, on a paper card.</p>")
        .contains("We publish a shout-out only with the customer's recorded consent")
        .contains(&format!(
            "every shout-out we have published ({published} so far)"
        ))
        .contains("their ratings count in no average")
        .contains("<a href=\"mailto:thanks@example.com\">thanks@example.com</a>");
    site.file("public/shoutouts/index.html").contains(
        "<a href=\"/shoutouts/how-we-collect/\">How we collect and check these shout-outs</a>",
    );

    // Without recorded consent the page says so, and without a contact it says to tell us.
    site.edit(
        "kudos.toml",
        "contact = \"thanks@example.com\"\n",
        "require_consent = false\n",
    );
    site.build().success();
    site.file("public/shoutouts/how-we-collect/index.html")
        .contains("without a recorded consent for each one")
        .lacks("mailto:")
        .contains("tell us, and it comes down");

    // A contact that is no address is an error at its line; the output is kept.
    let before = site.tree("public");
    site.edit(
        "kudos.toml",
        "require_consent = false\n",
        "contact = \"call us\"\n",
    );
    site.build()
        .code(1)
        .stderr_has("kudos.toml:")
        .stderr_has(
            "`[shoutouts] contact` must be an email address, a mailto: link or an http(s) URL",
        )
        .unchanged(&before);

    site.edit("kudos.toml", "contact = \"call us\"\n", "policy = false\n");
    site.build().success();
    assert!(!site.path("public/shoutouts/how-we-collect").exists());
    site.file("public/shoutouts/index.html")
        .lacks("how-we-collect");
}

#[test]
fn there_was_no_way_to_show_the_wall_on_another_site_without_a_script() {
    let site = Site::fixture("honesty");
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    let wall = site.read("public/shoutouts/index.html");
    let embed = site.read("public/shoutouts/embed/index.html");
    // The same cards as the wall's first page, with their disclosures and consent.
    assert_eq!(cards(&embed), cards(&wall));
    assert!(embed.contains("Works at Honest Toys"));
    for withheld in ["Bartholomew", "Secretname", "Hidden Widgets", "Zebulon"] {
        assert!(!embed.contains(withheld), "{withheld} is on the embed page");
    }
    // Made for a frame: no script, no header or footer, links open the whole window.
    assert!(!embed.contains("<script"));
    assert!(!embed.contains("<header") && !embed.contains("<footer"));
    assert!(embed.contains("<base target=\"_top\">"));
    assert!(embed.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(embed.contains("<a href=\"https://example.com/shop/shoutouts/\">See all"));
    // A segment's own.
    let segment = site.read("public/for/new-parents/embed/index.html");
    let landing = site.read("public/for/new-parents/index.html");
    assert_eq!(cards(&segment), cards(&landing));
    assert!(!cards(&segment).is_empty());
    // The snippet on the wall names the page by its whole address.
    assert!(
        wall.contains("&lt;iframe src=\"https://example.com/shop/shoutouts/embed/\" title=\"Shout-outs from Honest Toys\""),
        "{wall}"
    );
    let errors = nu_html_errors(&[
        site.path("public/shoutouts/embed/index.html"),
        site.path("public/for/new-parents/embed/index.html"),
        site.path("public/shoutouts/how-we-collect/index.html"),
        site.path("public/shoutouts/index.html"),
    ]);
    assert!(errors.is_empty(), "{errors}");

    with_shoutouts_config(&site, "embed = false");
    site.build().success();
    assert!(!site.path("public/shoutouts/embed").exists());
    assert!(!site.path("public/for/new-parents/embed").exists());
    site.file("public/shoutouts/index.html").lacks("iframe");
}
