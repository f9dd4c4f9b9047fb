//! Shout-outs, done honestly, on the `honesty` fixture: consent decides whether a person
//! appears at all and what of them is shown, relationships are disclosed, customer words
//! are sanitised, and the JSON-LD and averages are computed over exactly what is
//! published (issue 3, acceptance 1 to 5).
//!
//! Every check reads the built output the way a visitor, a feed reader or a search engine
//! would: the whole of `public/` is searched, not just the pages we expect a name on.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::Site;
use serde_json::Value;

/// One shout-out of the `honesty` fixture, as its file says.
struct Fixture {
    slug: &'static str,
    /// The name a visitor may see (after the consent scope is applied).
    shown_as: &'static str,
    product: Option<&'static str>,
    rating: Option<u8>,
    /// Consent given and not withdrawn.
    published: bool,
    /// `relationship = "customer"` (the default): only these ratings count.
    customer: bool,
}

const SHOUTOUTS: &[Fixture] = &[
    Fixture {
        slug: "byron-keats",
        shown_as: "Byron Keats",
        product: Some("Oak Rocking Horse"),
        rating: Some(5),
        published: true,
        customer: true,
    },
    Fixture {
        slug: "ada-quill",
        shown_as: "Ada Quill",
        product: Some("Oak Rocking Horse"),
        rating: Some(4),
        published: true,
        customer: true,
    },
    Fixture {
        slug: "anon-leeds",
        shown_as: "A customer in Leeds",
        product: Some("Oak Rocking Horse"),
        rating: Some(4),
        published: true,
        customer: true,
    },
    Fixture {
        slug: "xss",
        shown_as: "Mallory Payload",
        product: Some("Maple Stacking Blocks"),
        rating: Some(4),
        published: true,
        customer: true,
    },
    Fixture {
        slug: "nia-blocks",
        shown_as: "Nia Blocks",
        product: Some("Maple Stacking Blocks"),
        rating: Some(5),
        published: true,
        customer: true,
    },
    Fixture {
        slug: "omar-unrated",
        shown_as: "Omar Unrated",
        product: Some("Maple Stacking Blocks"),
        rating: None,
        published: true,
        customer: true,
    },
    Fixture {
        slug: "no-consent",
        shown_as: "Zebulon Quimby",
        product: Some("Oak Rocking Horse"),
        rating: Some(1),
        published: false,
        customer: true,
    },
    Fixture {
        slug: "withdrawn",
        shown_as: "Winifred Oddly",
        product: Some("Maple Stacking Blocks"),
        rating: Some(1),
        published: false,
        customer: true,
    },
    Fixture {
        slug: "fiona-free",
        shown_as: "Fiona Free",
        product: None,
        rating: Some(3),
        published: true,
        customer: false,
    },
    Fixture {
        slug: "eddie-staff",
        shown_as: "Eddie Staff",
        product: None,
        rating: Some(5),
        published: true,
        customer: false,
    },
    Fixture {
        slug: "fran-kin",
        shown_as: "Fran Kin",
        product: None,
        rating: Some(5),
        published: true,
        customer: false,
    },
    Fixture {
        slug: "pat-payee",
        shown_as: "Pat Payee",
        product: None,
        rating: Some(2),
        published: true,
        customer: false,
    },
    Fixture {
        slug: "alf-filiate",
        shown_as: "Alf Filiate",
        product: None,
        rating: None,
        published: true,
        customer: false,
    },
    Fixture {
        slug: "olive-override",
        shown_as: "Olive Override",
        product: None,
        rating: Some(4),
        published: true,
        customer: false,
    },
];

fn published() -> impl Iterator<Item = &'static Fixture> {
    SHOUTOUTS.iter().filter(|s| s.published)
}

/// Published shout-outs whose rating counts: a customer's.
fn counted() -> impl Iterator<Item = &'static Fixture> {
    published().filter(|s| s.customer)
}

/// Published shout-outs that are `Review` markup: rated, by a customer, about a product.
fn reviews() -> impl Iterator<Item = &'static Fixture> {
    counted().filter(|s| s.rating.is_some() && s.product.is_some())
}

fn fixture(slug: &str) -> &'static Fixture {
    SHOUTOUTS
        .iter()
        .find(|s| s.slug == slug)
        .unwrap_or_else(|| panic!("no shout-out {slug} in the fixture table"))
}

/// Mean of `ratings` rounded to one decimal, and how many there were.
fn mean(ratings: impl Iterator<Item = u8>) -> (f64, usize) {
    let ratings: Vec<f64> = ratings.map(f64::from).collect();
    let sum: f64 = ratings.iter().sum();
    let mean = sum / ratings.len() as f64;
    ((mean * 10.0).round() / 10.0, ratings.len())
}

/// The fixture, built.
fn built() -> Site {
    let site = Site::fixture("honesty");
    site.build().success();
    site
}

/// Every output file that contains `needle`; the assertion names them.
fn assert_nowhere(site: &Site, needle: &str) {
    let found = site.files_containing("public", needle);
    assert!(found.is_empty(), "{needle:?} is in {found:#?}");
}

/// The HTML of the card with anchor `shoutout-<slug>` on a page.
fn card<'t>(html: &'t str, slug: &str) -> &'t str {
    let anchor = format!("id=\"shoutout-{slug}\"");
    let at = html
        .find(&anchor)
        .unwrap_or_else(|| panic!("no card {slug} in:\n{html}"));
    let end = html[at..].find("</article>").expect("the card ends") + at;
    &html[at..end]
}

/// Every JSON-LD document of a page, parsed; a block that is not JSON fails the test.
fn json_ld(path: &str, html: &str) -> Vec<Value> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    html.match_indices(OPEN)
        .map(|(at, _)| {
            let from = at + OPEN.len();
            let len = html[from..].find("</script>").expect("the script ends");
            let text = &html[from..from + len];
            serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse ({e}):\n{text}"))
        })
        .collect()
}

/// Every object below `value` whose `@type` is `kind`.
fn of_type<'v>(value: &'v Value, kind: &str, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            if map.get("@type").and_then(Value::as_str) == Some(kind) {
                out.push(value);
            }
            for child in map.values() {
                of_type(child, kind, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                of_type(child, kind, out);
            }
        }
        _ => {}
    }
}

fn all_of_type<'v>(documents: &'v [Value], kind: &str) -> Vec<&'v Value> {
    let mut out = Vec::new();
    for document in documents {
        of_type(document, kind, &mut out);
    }
    out
}

fn author(review: &Value) -> &str {
    review["author"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("a Review without an author name: {review}"))
}

#[test]
fn shoutout_without_consent_appears_in_no_output_file() {
    let site = Site::fixture("honesty");
    site.build()
        .success()
        .stderr_has("content/shoutouts/no-consent.md")
        .stderr_has("shout-out from Zebulon Quimby is not published: it has no `consent`")
        // Its segment page, its shortcode and the post embedding it still build.
        .file("public/for/new-parents/index.html")
        .lacks("data-shoutout=\"no-consent\"")
        .contains("data-shoutout=\"byron-keats\"")
        .file("public/posts/embedded/index.html")
        .contains("A word from a customer")
        .contains("data-shoutout=\"byron-keats\"")
        .contains("The end of the post.")
        .lacks("data-shoutout=\"no-consent\"")
        .lacks("kudosshortcode")
        .absent("public/shoutouts/no-consent/index.html");
    // Tags and segment counts come from published shout-outs only: "gifts" is only on
    // the two unpublished ones.
    site.file("public/shoutouts/index.html")
        .contains("New parents (1)</a>")
        .lacks("#gifts")
        .absent("public/shoutouts/tagged/gifts/index.html");
    let outputs = site.tree("public").files.len();
    assert!(outputs > 20, "the whole site was built: {outputs} files");
    for needle in [
        "Zebulon",
        "Quimby",
        "marmalade-coloured crate",
        "smelled of cedar",
        "no-consent",
    ] {
        assert_nowhere(&site, needle);
    }
}

#[test]
fn an_internal_link_in_a_quote_is_warned_about_with_its_line() {
    let site = Site::fixture("honesty");
    let quote = site.read("content/shoutouts/ada-quill.md");
    let line = quote.lines().count() + 2;
    site.write(
        "content/shoutouts/ada-quill.md",
        format!("{quote}\nSee [their shop](@/about.md).\n"),
    );
    site.build()
        .success()
        .stderr_has(&format!("content/shoutouts/ada-quill.md:{line}:"))
        .stderr_has("an `@/` link in a quote is not resolved")
        .stderr_has("write the page's full URL instead");
}

#[test]
fn drafts_flag_does_not_publish_a_shoutout_without_consent() {
    let site = Site::fixture("honesty");
    site.run(&["build", "--drafts"])
        .success()
        .stderr_has("content/shoutouts/no-consent.md")
        .absent("public/shoutouts/no-consent/index.html");
    assert_nowhere(&site, "Zebulon");
}

#[test]
fn consent_that_does_not_cover_the_quote_publishes_nothing() {
    let site = Site::fixture("honesty");
    site.edit(
        "content/shoutouts/nia-blocks.md",
        "scope = [\"quote\", \"name\"]",
        "scope = [\"name\"]",
    );
    site.build()
        .success()
        .stderr_has("content/shoutouts/nia-blocks.md")
        .stderr_has("does not include \"quote\"")
        .absent("public/shoutouts/nia-blocks/index.html");
    for needle in ["Nia Blocks", "nobody cries", "shoutout-nia-blocks"] {
        assert_nowhere(&site, needle);
    }
}

#[test]
fn withdrawing_consent_of_a_featured_shoutout_removes_it_from_its_segment_page() {
    let site = Site::fixture("honesty");
    site.edit(
        "content/shoutouts/withdrawn.md",
        "withdrawn = 2026-01-01\n",
        "",
    );
    site.edit(
        "content/segments/new-parents.md",
        "+++\n\n",
        "featured_shoutouts = [\"withdrawn\", \"byron-keats\"]\n+++\n\n",
    );
    site.build()
        .success()
        .file("public/for/new-parents/index.html")
        .cards_are(&["withdrawn", "byron-keats"]);
    // The customer withdraws consent; nothing else changes.
    site.edit(
        "content/shoutouts/withdrawn.md",
        "consent = {",
        "withdrawn = 2026-01-01\nconsent = {",
    );
    site.build()
        .success()
        .stderr_has("content/shoutouts/withdrawn.md")
        .file("public/for/new-parents/index.html")
        .cards_are(&["byron-keats"]);
    assert_nowhere(&site, "Winifred");
}

#[test]
fn withdrawn_consent_removes_the_person_from_every_output_on_the_next_build() {
    let site = Site::fixture("honesty");
    // With consent in force, Winifred is on the wall, her page and in the feed ...
    site.edit(
        "content/shoutouts/withdrawn.md",
        "withdrawn = 2026-01-01\n",
        "",
    );
    site.build()
        .success()
        .stderr_lacks("withdrawn.md")
        .file("public/shoutouts/index.html")
        .contains("Winifred Oddly")
        .contains("Periwinkle ribbons tied around every single block.")
        .file("public/shoutouts/withdrawn/index.html")
        .contains("Winifred Oddly")
        .file("public/shoutouts/atom.xml")
        .contains("Winifred Oddly");
    // ... and once she withdraws it, the next build has her nowhere.
    site.edit(
        "content/shoutouts/withdrawn.md",
        "consent = {",
        "withdrawn = 2026-01-01\nconsent = {",
    );
    site.build()
        .success()
        .stderr_has("content/shoutouts/withdrawn.md")
        .stderr_has("consent was withdrawn")
        .absent("public/shoutouts/withdrawn/index.html")
        .file("public/posts/embedded/index.html")
        .lacks("shoutout-withdrawn")
        .contains("The end of the post.");
    for needle in [
        "Winifred",
        "Oddly",
        "Periwinkle",
        "every single block",
        "shoutout-withdrawn",
    ] {
        assert_nowhere(&site, needle);
    }
}

#[test]
fn strict_build_fails_on_a_shoutout_without_consent_and_keeps_public() {
    let site = built();
    let before = site.tree("public");
    site.run(&["build", "--strict"])
        .code(1)
        .stderr_has("content/shoutouts/no-consent.md")
        .stderr_has("content/shoutouts/withdrawn.md")
        .stderr_has("not published")
        .unchanged(&before);

    // Without a previous build, nothing is written at all.
    let fresh = Site::fixture("honesty");
    fresh
        .run(&["build", "--strict"])
        .code(1)
        .stderr_has("content/shoutouts/no-consent.md")
        .absent("public");
}

#[test]
fn hostile_quote_is_sanitised_in_every_output_file() {
    let site = built();
    // The customer's own words still reach the wall, its page and the feed.
    site.file("public/shoutouts/index.html")
        .contains("Lovely sturdy blocks, our toddler adores them.")
        .contains("ten high without wobbling")
        .contains("Would buy again.")
        .file("public/shoutouts/xss/index.html")
        .contains("Lovely sturdy blocks")
        .file("public/shoutouts/atom.xml")
        .contains("Lovely sturdy blocks");
    for needle in [
        "alert(1)",
        "onerror",
        "javascript:",
        "<iframe",
        // Escaped, the quote's frame would show as text (the wall's own embed snippet
        // shows one on purpose, pointing at the site itself).
        "&lt;iframe src=\"https://evil",
        "evil.example",
        "<img src=\"x\"",
        "<img src=x",
    ] {
        assert_nowhere(&site, needle);
    }
    // The only scripts anywhere are JSON-LD data blocks, and on the search page the
    // search UI and the lines that start it.
    let search_ui = [
        "<script src=\"/pagefind/pagefind-ui.js\"></script>",
        "<script>\nwindow.addEventListener(\"DOMContentLoaded\", function () {\n  new PagefindUI(",
    ];
    for page in site.files_ending("public", ".html") {
        let html = site.read(&format!("public/{page}"));
        for (at, _) in html.match_indices("<script") {
            let search =
                page == "search/index.html" && search_ui.iter().any(|s| html[at..].starts_with(s));
            assert!(
                search || html[at..].starts_with("<script type=\"application/ld+json\">"),
                "{page} has a script that is not JSON-LD: {}",
                &html[at..(at + 80).min(html.len())]
            );
        }
    }
}

#[test]
fn consent_without_name_shows_no_name_company_or_role_anywhere() {
    let site = built();
    site.file("public/shoutouts/index.html")
        .contains("A customer in Leeds")
        .contains("Our twins fight over whose turn it is on the horse.")
        .file("public/shoutouts/anon-leeds/index.html")
        .contains("A customer in Leeds")
        .file("public/shoutouts/atom.xml")
        .contains("<name>A customer in Leeds</name>");
    let wall = site.read("public/shoutouts/index.html");
    let reviews: Vec<String> = json_ld("shoutouts/index.html", &wall)
        .iter()
        .flat_map(|d| {
            let mut out = Vec::new();
            of_type(d, "Review", &mut out);
            out.into_iter()
                .map(|r| author(r).to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        reviews.iter().any(|a| a == "A customer in Leeds"),
        "the review is credited as the page shows it: {reviews:?}"
    );
    // Name, company, role and photo: in no page, feed, sitemap or JSON-LD.
    for needle in [
        "Bartholomew",
        "Secretname",
        "Hidden Widgets",
        "Chief Whisperer",
        "bartholomew.jpg",
    ] {
        assert_nowhere(&site, needle);
    }
}

#[test]
fn consent_without_name_keeps_the_name_out_of_urls_too() {
    let site = Site::fixture("honesty");
    // `kudos new shoutout "Bartholomew Secretname"` and `kudos import shoutouts` name
    // the file after the customer.
    // Without an explicit `slug`, the URL must not be made from the file name.
    site.write(
        "content/shoutouts/bartholomew-secretname.md",
        site.read("content/shoutouts/anon-leeds.md")
            .replace("slug = \"anon-leeds\"\n", ""),
    );
    site.remove("content/shoutouts/anon-leeds.md");
    site.build()
        .success()
        .file("public/shoutouts/index.html")
        .contains("A customer in Leeds");
    for needle in ["Bartholomew", "bartholomew", "Secretname", "secretname"] {
        assert_nowhere(&site, needle);
    }
}

#[test]
fn consent_without_photo_shows_initials_instead_of_the_avatar() {
    let site = built();
    let wall = site.file("public/shoutouts/index.html");
    let ada = card(wall.text(), "ada-quill");
    assert!(ada.contains("Ada Quill"), "{ada}");
    assert!(
        ada.contains("<span class=\"avatar initials\" aria-hidden=\"true\">AQ</span>"),
        "{ada}"
    );
    assert!(!ada.contains("<img"), "{ada}");
    // With "photo" in scope the avatar is shown.
    let byron = card(wall.text(), "byron-keats");
    // A resized copy of the photo, named by its content, not by the customer.
    let src = byron
        .split("<img class=\"avatar\" src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no avatar: {byron}"));
    assert!(
        src.starts_with("/sized/") && src.ends_with("-96.jpg"),
        "{src}"
    );
    assert!(site.path(&format!("public{src}")).is_file(), "{src}");
    assert!(
        byron.contains("<source type=\"image/webp\" srcset=\"/sized/"),
        "{byron}"
    );
    assert_nowhere(&site, "ada.jpg");
}

#[test]
fn every_relationship_but_customer_is_disclosed_beside_the_quote() {
    let site = built();
    let disclosures = [
        ("fiona-free", "Received a free product"),
        ("eddie-staff", "Works at Honest Toys"),
        ("fran-kin", "Family of the people behind Honest Toys"),
        ("pat-payee", "Paid by Honest Toys for this review"),
        ("alf-filiate", "Earns a commission from Honest Toys"),
        (
            "olive-override",
            "Sent a sample in exchange for honest feedback",
        ),
    ];
    let wall = site.read("public/shoutouts/index.html");
    for (slug, line) in disclosures {
        let expected = format!("<p class=\"disclosure\">{line}</p>");
        let own = site.read(&format!("public/shoutouts/{slug}/index.html"));
        for (page, html) in [("the wall", &wall), ("its own page", &own)] {
            let card = card(html, slug);
            assert!(
                card.contains(&expected),
                "{slug} on {page} lacks {expected:?}:\n{card}"
            );
        }
    }
    // The override replaces the wording rather than adding to it.
    let olive = card(&wall, "olive-override");
    assert!(!olive.contains("Received a free product"), "{olive}");
    // Plain customers get no disclosure line.
    for slug in ["byron-keats", "ada-quill", "nia-blocks"] {
        let card = card(&wall, slug);
        assert!(!card.contains("class=\"disclosure\""), "{card}");
    }
    // Feed readers see the disclosure too.
    site.file("public/shoutouts/atom.xml")
        .contains("Works at Honest Toys")
        .contains("Sent a sample in exchange for honest feedback");
}

#[test]
fn json_ld_parses_and_reviews_exactly_the_product_shoutouts() {
    let site = built();
    let mut pages_with_reviews = 0;
    for page in site.files_ending("public", ".html") {
        let html = site.read(&format!("public/{page}"));
        let documents = json_ld(&page, &html);
        let on_page: BTreeSet<String> = site
            .file(&format!("public/{page}"))
            .cards()
            .into_iter()
            .collect();
        for document in &documents {
            assert_eq!(
                document["@context"], "https://schema.org",
                "{page}: {document}"
            );
        }
        let reviews = all_of_type(&documents, "Review");
        if !reviews.is_empty() {
            pages_with_reviews += 1;
        }
        // A review is only ever of a rated customer's product shout-out shown on the page.
        for review in &reviews {
            let name = author(review);
            let shoutout = published()
                .find(|s| s.shown_as == name)
                .unwrap_or_else(|| panic!("{page}: review by {name:?}, who is not published"));
            assert!(
                shoutout.product.is_some() && shoutout.rating.is_some() && shoutout.customer,
                "{page}: review markup for {}, which is not a rated customer review of a product",
                shoutout.slug
            );
            assert!(
                on_page.contains(shoutout.slug),
                "{page}: review for {}, whose card is not on the page",
                shoutout.slug
            );
            assert!(
                html.contains(&format!("<span class=\"name\">{name}</span>")),
                "{page}: the review's author is not visible on the page"
            );
        }
        // Every review sits inside the Product it is about.
        for product in all_of_type(&documents, "Product") {
            let name = product["name"].as_str().expect("a product name");
            for review in product["review"].as_array().into_iter().flatten() {
                let shoutout = published()
                    .find(|s| s.shown_as == author(review))
                    .expect("a published reviewer");
                assert_eq!(shoutout.product, Some(name), "{page}: {review}");
            }
        }
    }
    assert!(pages_with_reviews >= 6, "wall and five own pages");

    // Each shout-out's own page: one Review of its Product, or no markup at all.
    for shoutout in published() {
        let path = format!("public/shoutouts/{}/index.html", shoutout.slug);
        let html = site.read(&path);
        let documents = json_ld(&path, &html);
        let (Some(product), Some(rating), true) =
            (shoutout.product, shoutout.rating, shoutout.customer)
        else {
            assert!(
                documents.is_empty(),
                "{path} is not a rated customer review of a product: {documents:?}"
            );
            continue;
        };
        let reviews = all_of_type(&documents, "Review");
        assert_eq!(reviews.len(), 1, "{path}: {documents:?}");
        let review = reviews[0];
        assert_eq!(author(review), shoutout.shown_as, "{path}");
        assert_eq!(all_of_type(&documents, "Product")[0]["name"], product);
        assert!(
            review["reviewBody"].as_str().is_some_and(|b| !b.is_empty()),
            "{path}: {review}"
        );
        assert!(
            review["datePublished"]
                .as_str()
                .is_some_and(|d| d.len() == 10),
            "{path}: {review}"
        );
        assert_eq!(review["reviewRating"]["ratingValue"], rating, "{path}");
    }

    // The wall reviews every product shout-out on it and no other.
    let wall = site.read("public/shoutouts/index.html");
    let documents = json_ld("shoutouts/index.html", &wall);
    let reviewed: BTreeSet<&str> = all_of_type(&documents, "Review")
        .into_iter()
        .map(author)
        .collect();
    let expected: BTreeSet<&str> = reviews().map(|s| s.shown_as).collect();
    assert_eq!(reviewed, expected);
}

#[test]
fn json_ld_cannot_swallow_the_page() {
    let site = Site::fixture("honesty");
    // The customer's words, shown as code; the quote's plain text (for JSON-LD) has the
    // raw characters back.
    site.write(
        "content/shoutouts/nia-blocks.md",
        site.read("content/shoutouts/nia-blocks.md")
            + "\nI typed `<!--<script>` into the order form and it still arrived.\n",
    );
    site.build().success();
    for page in ["shoutouts/index.html", "shoutouts/nia-blocks/index.html"] {
        let html = site.read(&format!("public/{page}"));
        assert_eq!(json_ld(page, &html).len(), 1, "{page}");
        const OPEN: &str = "<script type=\"application/ld+json\">";
        let from = html.find(OPEN).expect("JSON-LD") + OPEN.len();
        let block = &html[from..from + html[from..].find("</script>").expect("the end")];
        for markup in ["<!--", "<script"] {
            assert!(
                !block.contains(markup),
                "{page}: {markup:?} inside the JSON-LD changes where the script element ends:\n{block}"
            );
        }
    }
}

#[test]
fn aggregates_are_the_mean_of_every_published_customer_rating() {
    let site = built();
    // Per product, over its published, rated customer shout-outs (the unpublished 1-star
    // ones are left out).
    let mut products: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    for s in counted() {
        if let (Some(product), Some(rating)) = (s.product, s.rating) {
            products.entry(product).or_default().push(rating);
        }
    }
    let mut aggregates_seen = 0;
    for page in site.files_ending("public", ".html") {
        let html = site.read(&format!("public/{page}"));
        let documents = json_ld(&page, &html);
        for product in all_of_type(&documents, "Product") {
            let name = product["name"].as_str().expect("a product name");
            let (average, count) = mean(products[name].iter().copied());
            let aggregate = &product["aggregateRating"];
            assert_eq!(aggregate["@type"], "AggregateRating", "{page}: {product}");
            let value = aggregate["ratingValue"].as_f64().expect("a ratingValue");
            assert!(
                (value - average).abs() < 1e-9,
                "{page}: {name} rated {value}, but its published ratings average {average}"
            );
            assert_eq!(aggregate["reviewCount"], count, "{page}: {name}");
            aggregates_seen += 1;
        }
    }
    assert!(aggregates_seen >= 8, "the wall's two and one per own page");
    assert_eq!(mean([5, 4, 4].into_iter()), (4.3, 3), "the fixture's horse");

    // What the visitor reads matches the markup.
    let (horse, horses) = mean(products["Oak Rocking Horse"].iter().copied());
    let (blocks, blockses) = mean(products["Maple Stacking Blocks"].iter().copied());
    site.file("public/shoutouts/index.html")
        .contains(&format!(
            "Oak Rocking Horse: {horse} out of 5 from {horses} customer ratings"
        ))
        .contains(&format!(
            "Maple Stacking Blocks: {blocks} out of 5 from {blockses} customer ratings"
        ))
        .file("public/shoutouts/ada-quill/index.html")
        .contains(&format!(
            "About Oak Rocking Horse: rated {horse} out of 5 on average from {horses} customer ratings."
        ));

    // Site-wide: every published customer rating, whatever it is about.
    let (average, rated) = mean(counted().filter_map(|s| s.rating));
    assert_eq!(
        (average, rated),
        (4.4, 5),
        "the fixture's published customer ratings"
    );
    let left_out = published()
        .filter(|s| !s.customer && s.rating.is_some())
        .count();
    assert_eq!(left_out, 5, "the fixture's rated insiders");
    let with_unpublished = mean(SHOUTOUTS.iter().filter_map(|s| s.rating));
    assert_ne!(
        with_unpublished.0, average,
        "the fixture tells the two apart"
    );
    site.file("public/shoutouts/index.html")
        .contains(&format!(
            "Rated {average} out of 5 on average, from all {rated} customer ratings we have published. <span class=\"left-out\">{left_out} left out: only customers' ratings count"
        ))
        .file("public/index.html")
        .contains(&format!(
            "Rated {average} out of 5 on average across all {rated} customer ratings. <span class=\"left-out\">{left_out} left out:"
        ));
}

#[test]
fn shoutouts_feed_holds_only_published_shoutouts() {
    let site = built();
    let feed = crate::common::parse_feed(&site, "public/shoutouts/atom.xml");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    let ids: BTreeSet<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
    let expected: BTreeSet<String> = published()
        .map(|s| format!("https://example.com/shoutouts/{}/", s.slug))
        .collect();
    assert_eq!(ids, expected);
    for entry in &feed.entries {
        let slug = entry
            .id
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .expect("a slug");
        let authors: Vec<&str> = entry
            .authors
            .iter()
            .map(|a| a.name.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(authors, [fixture(slug).shown_as], "{}", entry.id);
    }
}
