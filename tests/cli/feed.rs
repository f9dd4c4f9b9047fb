//! The Atom feed, read back by a real feed parser (feed-rs), the way a feed reader would.

use crate::common::Site;
use feed_rs::model::{Feed, FeedType};

fn parse(site: &Site) -> Feed {
    crate::common::parse_feed(site, "public/atom.xml")
}

fn title(text: &Option<feed_rs::model::Text>) -> &str {
    text.as_ref().map_or("", |t| t.content.as_str())
}

#[test]
fn feed_is_atom_with_every_published_post_newest_first() {
    let site = Site::fixture("basic");
    site.build().success();
    let feed = parse(&site);
    assert_eq!(feed.feed_type, FeedType::Atom);
    assert_eq!(title(&feed.title), "Fixture Shop");
    assert_eq!(feed.id, "https://example.com/atom.xml");
    assert!(feed.updated.is_some(), "the feed has an <updated>");
    let titles: Vec<&str> = feed.entries.iter().map(|e| title(&e.title)).collect();
    assert_eq!(
        titles,
        ["A post with a picture", "Second thoughts", "Hello, world"]
    );
    for entry in &feed.entries {
        assert!(entry.updated.is_some(), "{} has an <updated>", entry.id);
        assert!(entry.published.is_some(), "{} has a <published>", entry.id);
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .unwrap_or("");
        assert!(
            body.contains("<p>"),
            "{} carries its HTML body: {body}",
            entry.id
        );
    }
}

#[test]
fn feed_links_and_ids_are_absolute() {
    let site = Site::fixture("basic");
    site.build().success();
    let feed = parse(&site);
    assert!(!feed.links.is_empty());
    for link in &feed.links {
        assert!(
            link.href.starts_with("https://example.com/"),
            "feed link {}",
            link.href
        );
    }
    assert_eq!(feed.entries.len(), 3);
    for entry in &feed.entries {
        assert!(
            entry.id.starts_with("https://example.com/posts/"),
            "entry id {}",
            entry.id
        );
        assert!(!entry.links.is_empty(), "{} has a link", entry.id);
        for link in &entry.links {
            assert!(
                link.href.starts_with("https://example.com/posts/"),
                "entry link {}",
                link.href
            );
        }
    }
    // feed-rs resolves relative links against xml:base; make sure none needed resolving.
    let xml = site.read("public/atom.xml");
    for (i, _) in xml.match_indices("<link ") {
        let tag = &xml[i..i + xml[i..].find('>').expect("a closed <link>")];
        assert!(
            tag.contains("href=\"https://"),
            "relative link in the feed: {tag}"
        );
    }
}

#[test]
fn feed_links_honour_a_sub_path() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    let feed = parse(&site);
    assert_eq!(feed.id, "https://example.com/shop/atom.xml");
    let links: Vec<&str> = feed
        .entries
        .iter()
        .flat_map(|e| &e.links)
        .map(|l| l.href.as_str())
        .collect();
    assert_eq!(
        links,
        [
            "https://example.com/shop/posts/bundle/",
            "https://example.com/shop/posts/second/",
            "https://example.com/shop/posts/hello/",
        ]
    );
}

#[test]
fn feed_leaves_out_drafts_and_future_posts_but_drafts_flag_brings_them() {
    let site = Site::fixture("basic");
    site.build().success();
    assert_eq!(parse(&site).entries.len(), 3);
    site.run(&["build", "--drafts"]).success();
    let titles: Vec<String> = parse(&site)
        .entries
        .iter()
        .map(|e| title(&e.title).to_string())
        .collect();
    assert!(
        titles.iter().any(|t| t == "A post from the future"),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t == "An unfinished draft"),
        "{titles:?}"
    );
}

#[test]
fn build_without_an_absolute_base_url_says_so() {
    // Atom ids and links, sitemap <loc>s and robots.txt's Sitemap line must be absolute
    // URLs. A site whose kudos.toml has no base_url (or a path-only one, "/shop") cannot
    // produce them, so the build should say so instead of writing `<id>/posts/hello/</id>`.
    let site = Site::fixture("basic");
    site.edit("kudos.toml", "base_url = \"https://example.com\"\n", "");
    site.build().stderr_has("base_url");
}
