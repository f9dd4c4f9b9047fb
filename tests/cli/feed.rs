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
fn a_drafts_build_announced_its_drafts_in_the_feeds_and_the_sitemap() {
    let site = Site::fixture("basic");
    site.build().success();
    assert_eq!(parse(&site).entries.len(), 3);
    let titles = |site: &Site| -> Vec<String> {
        parse(site)
            .entries
            .iter()
            .map(|e| title(&e.title).to_string())
            .collect()
    };
    // --drafts publishes their pages, for a preview, but announces them nowhere.
    site.run(&["build", "--drafts"]).success();
    assert!(site.path("public/posts/unfinished/index.html").is_file());
    assert!(
        site.path("public/posts/from-the-future/index.html")
            .is_file()
    );
    assert_eq!(titles(&site).len(), 3, "{:?}", titles(&site));
    for feed in [
        "public/rss.xml",
        "public/feed.json",
        "public/tags/news/atom.xml",
    ] {
        site.file(feed)
            .lacks("An unfinished draft")
            .lacks("A post from the future");
    }
    site.file("public/sitemap.xml")
        .lacks("/posts/unfinished/")
        .lacks("/posts/from-the-future/")
        .contains("/posts/hello/");
    // Unless the author asks.
    site.edit(
        "kudos.toml",
        "[build]\n",
        "[build]\ndrafts_in_feeds = true\n",
    );
    site.run(&["build", "--drafts"]).success();
    let all = titles(&site);
    assert!(all.iter().any(|t| t == "A post from the future"), "{all:?}");
    assert!(all.iter().any(|t| t == "An unfinished draft"), "{all:?}");
    site.file("public/sitemap.xml")
        .contains("/posts/unfinished/");
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

fn entry_titles(feed: &Feed) -> Vec<&str> {
    feed.entries.iter().map(|e| title(&e.title)).collect()
}

const POSTS_NEWEST_FIRST: [&str; 3] = ["A post with a picture", "Second thoughts", "Hello, world"];

#[test]
fn rss_feed_is_rss_2_with_the_posts_of_the_atom_feed() {
    let site = Site::fixture("basic");
    site.build().success();
    let rss = crate::common::parse_feed(&site, "public/rss.xml");
    assert_eq!(rss.feed_type, FeedType::RSS2);
    assert_eq!(title(&rss.title), "Fixture Shop");
    assert_eq!(entry_titles(&rss), POSTS_NEWEST_FIRST);
    let xml = site.read("public/rss.xml");
    // RSS 2.0's required channel elements, and a self link for validators.
    for needle in [
        "<link>https://example.com/</link>",
        "<description>A small shop that the kudos tests build.</description>",
        "<atom:link href=\"https://example.com/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
        "<guid isPermaLink=\"true\">https://example.com/posts/hello/</guid>",
        // RFC 822 dates, as RSS requires.
        "<pubDate>Fri, 14 Feb 2025 09:30:00 +0000</pubDate>",
        "<lastBuildDate>Sat, 01 Mar 2025 00:00:00 +0000</lastBuildDate>",
    ] {
        assert!(xml.contains(needle), "no {needle} in\n{xml}");
    }
    for entry in &rss.entries {
        assert!(entry.published.is_some(), "{} has a pubDate", entry.id);
        let body = entry.summary.as_ref().map_or("", |s| s.content.as_str());
        assert!(
            body.contains("<p>"),
            "{} carries its HTML: {body}",
            entry.id
        );
        assert!(
            entry.id.starts_with("https://example.com/posts/"),
            "{}",
            entry.id
        );
    }
}

#[test]
fn json_feed_is_json_feed_1_1_with_the_posts_of_the_atom_feed() {
    let site = Site::fixture("basic");
    site.write(
        "content/posts/quotes.md",
        "+++\ntitle = 'He said \"hi\" \\ left'\ndate = 2024-01-01\ndescription = \"Tabs\\tand\\nlines\"\n+++\n\nA <em>body</em> with \"quotes\".\n",
    );
    site.build().success();
    let feed = crate::common::parse_feed(&site, "public/feed.json");
    assert_eq!(feed.feed_type, FeedType::JSON);
    let mut titles = POSTS_NEWEST_FIRST.to_vec();
    titles.push("He said \"hi\" \\ left");
    assert_eq!(entry_titles(&feed), titles);
    // The required members of JSON Feed 1.1, checked on the document itself.
    let text = site.read("public/feed.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("feed.json is JSON");
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["title"], "Fixture Shop");
    assert_eq!(json["home_page_url"], "https://example.com/");
    assert_eq!(json["feed_url"], "https://example.com/feed.json");
    assert_eq!(json["language"], "en-GB");
    let items = json["items"].as_array().expect("items is an array");
    for item in items {
        let id = item["id"].as_str().expect("every item has a string id");
        assert_eq!(item["url"], id);
        assert!(
            item["content_html"]
                .as_str()
                .is_some_and(|h| h.contains("<p>")),
            "{id}"
        );
        assert!(
            item["date_published"]
                .as_str()
                .is_some_and(|d| d.ends_with('Z')),
            "{id}"
        );
        assert!(item["authors"][0]["name"].is_string(), "{id}");
    }
    assert_eq!(items[3]["summary"], "Tabs\tand\nlines");
    assert_eq!(
        items[3]["content_html"],
        "<p>A <em>body</em> with “quotes”.</p>\n"
    );
    assert_eq!(
        items[2]["tags"],
        serde_json::json!(["news", "Workshop Life"])
    );
}

#[test]
fn tag_and_segment_feeds_hold_their_own_posts_and_their_pages_advertise_them() {
    let site = Site::fixture("basic");
    site.build().success();
    let news = crate::common::parse_feed(&site, "public/tags/news/atom.xml");
    assert_eq!(title(&news.title), "Fixture Shop: posts tagged “news”");
    assert_eq!(news.id, "https://example.com/tags/news/atom.xml");
    assert_eq!(entry_titles(&news), ["Second thoughts", "Hello, world"]);
    assert!(
        news.links
            .iter()
            .any(|l| l.href == "https://example.com/tags/news/")
    );
    let regulars = crate::common::parse_feed(&site, "public/for/regulars/atom.xml");
    assert_eq!(title(&regulars.title), "Fixture Shop: Regulars");
    assert_eq!(entry_titles(&regulars), ["Hello, world"]);

    let advertised = |page: &str, href: &str| {
        site.file(page).contains(&format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{href}"
        ));
    };
    advertised(
        "public/tags/news/index.html",
        "Fixture Shop: posts tagged “news”\" href=\"/tags/news/atom.xml\">",
    );
    advertised(
        "public/for/regulars/index.html",
        "Fixture Shop: Regulars\" href=\"/for/regulars/atom.xml\">",
    );
    advertised(
        "public/shoutouts/index.html",
        "Fixture Shop: shout-outs\" href=\"/shoutouts/atom.xml\">",
    );
    for page in [
        "public/index.html",
        "public/posts/hello/index.html",
        "public/404.html",
    ] {
        site.file(page)
            .contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Fixture Shop (RSS)\" href=\"/rss.xml\">")
            .contains("<link rel=\"alternate\" type=\"application/feed+json\" title=\"Fixture Shop (JSON Feed)\" href=\"/feed.json\">")
            .lacks("/tags/news/atom.xml")
            .lacks("/shoutouts/atom.xml");
    }
}

#[test]
fn each_feed_can_be_switched_off() {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!(
            "{}\n[feeds]\nrss = false\njson = false\ntags = false\nsegments = false\n",
            site.read("kudos.toml")
        ),
    );
    site.build().success();
    assert!(site.path("public/atom.xml").is_file());
    for gone in [
        "rss.xml",
        "feed.json",
        "tags/news/atom.xml",
        "for/regulars/atom.xml",
    ] {
        assert!(
            !site.path(&format!("public/{gone}")).exists(),
            "{gone} was written"
        );
    }
    for page in [
        "public/index.html",
        "public/tags/news/index.html",
        "public/for/regulars/index.html",
    ] {
        site.file(page)
            .lacks("rss.xml")
            .lacks("feed.json")
            .lacks("/tags/news/atom.xml")
            .lacks("/for/regulars/atom.xml");
    }
    site.edit("kudos.toml", "rss = false", "rss = false\natom = false");
    site.build().success();
    assert!(!site.path("public/atom.xml").exists());
    assert!(!site.path("public/shoutouts/atom.xml").exists());
    site.file("public/shoutouts/index.html")
        .lacks("application/atom+xml");
}

#[test]
fn feeds_honour_a_sub_path() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    let rss = crate::common::parse_feed(&site, "public/rss.xml");
    assert_eq!(rss.entries[0].id, "https://example.com/shop/posts/bundle/");
    let json = crate::common::parse_feed(&site, "public/feed.json");
    assert_eq!(json.entries[0].id, "https://example.com/shop/posts/bundle/");
    let tag = crate::common::parse_feed(&site, "public/tags/news/atom.xml");
    assert_eq!(tag.id, "https://example.com/shop/tags/news/atom.xml");
    site.file("public/tags/news/index.html")
        .contains("href=\"/shop/tags/news/atom.xml\"")
        .contains("href=\"/shop/rss.xml\"");
}
