//! Output a new user found rough (issue 15): listings that grew without bound, old `.html`
//! URLs turned into folders, indexable variants of hidden segments, feeds that merged
//! authors, and titles that read oddly with a neutral name.

use crate::common::Site;

#[test]
fn alias_ending_in_html_became_a_folder_instead_of_the_file() {
    let site = Site::fixture("basic");
    site.edit(
        "content/posts/hello.md",
        "aliases = [\"/old-hello/\"]",
        "aliases = [\"/blog/2019/hello.html\", \"/old-hello/\"]",
    );
    site.build()
        .success()
        .absent("public/blog/2019/hello.html/index.html")
        .file("public/blog/2019/hello.html")
        .contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/posts/hello/\">",
        );
    site.file("public/old-hello/index.html")
        .contains("url=https://example.com/posts/hello/");
}

#[test]
fn variant_of_a_noindex_segment_was_indexable() {
    let site = Site::fixture("segments");
    site.edit(
        "content/about.md",
        "variants = [\"wholesale\"]",
        "variants = [\"wholesale\", \"grandparents\"]",
    );
    site.build()
        .success()
        .file("public/for/grandparents/about/index.html")
        .contains("<meta name=\"robots\" content=\"noindex\">")
        .file("public/for/wholesale/about/index.html")
        .lacks("<meta name=\"robots\"")
        .file("public/sitemap.xml")
        .lacks("/for/grandparents/");
}

#[test]
fn posts_feed_put_several_authors_in_one_name() {
    let site = Site::fixture("basic");
    site.edit(
        "content/posts/hello.md",
        "tags = [",
        "authors = [\"Ada Oak\", \"Ben Juniper\"]\ntags = [",
    );
    site.build().success();
    let feed = crate::common::parse_feed(&site, "public/atom.xml");
    let hello = feed
        .entries
        .iter()
        .find(|e| {
            e.title
                .as_ref()
                .is_some_and(|t| t.content == "Hello, world")
        })
        .expect("the post is in the feed");
    let names: Vec<&str> = hello
        .authors
        .iter()
        .map(|a| a.name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Ada Oak", "Ben Juniper"]);
    // A post without authors is the site's.
    let second = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/posts/second/"))
        .expect("the second post is in the feed");
    let names: Vec<&str> = second
        .authors
        .iter()
        .map(|a| a.name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Fixture Shop"]);
}

#[test]
fn neutral_name_was_capitalised_mid_sentence_in_the_title() {
    let site = Site::fixture("basic");
    let built = site.build().success();
    let neutral = site
        .files_containing("public/shoutouts", "A customer in Leeds")
        .into_iter()
        .find(|f| f.ends_with("/index.html") && f.contains("customer-"))
        .expect("the neutral shout-out page");
    built
        .file(&format!("public/shoutouts/{neutral}"))
        .contains("<title>What a customer in Leeds said · Fixture Shop</title>")
        .lacks("What A customer")
        .file("public/shoutouts/ada-lovelace/index.html")
        .contains("<title>What Ada Lovelace said · Fixture Shop</title>");
}

/// The post titles linked from the listing at `relative`, in order.
fn post_items(site: &Site, relative: &str) -> Vec<String> {
    let html = site.read(relative);
    html.split("<article class=\"post-item\">")
        .skip(1)
        .map(|item| {
            let title = &item[item.find("\">").expect("a link") + 2..];
            title[..title.find("</a>").expect("link ends")].to_string()
        })
        .collect()
}

#[test]
fn tag_pages_were_never_paginated() {
    let site = Site::fixture("basic");
    for n in 1..=4 {
        site.write(
            &format!("content/posts/more-{n}.md"),
            format!("+++\ntitle = \"More news {n}\"\ndate = 2025-03-0{n}\ntags = [\"news\"]\n+++\n\nNews {n}.\n"),
        );
    }
    // paginate = 2 in the fixture: six posts tagged "news" make three pages.
    let built = site.build().success();
    built
        .file("public/tags/news/index.html")
        .contains("<a rel=\"next\" href=\"/tags/news/page/2/\">")
        .lacks("rel=\"prev\"")
        .contains("<a href=\"/tags/news/page/3/\">3</a>")
        .file("public/tags/news/page/2/index.html")
        .contains("<title>Posts tagged “news”, page 2 · Fixture Shop</title>")
        .contains("<link rel=\"canonical\" href=\"https://example.com/tags/news/page/2/\">")
        .contains("<a rel=\"prev\" href=\"/tags/news/\">")
        .contains("<a rel=\"next\" href=\"/tags/news/page/3/\">")
        .contains("<span aria-current=\"page\">2</span>")
        .file("public/tags/news/page/3/index.html")
        .lacks("rel=\"next\"")
        .absent("public/tags/news/page/4/index.html")
        // A tag with one page has no page links.
        .file("public/tags/workshop-life/index.html")
        .lacks("class=\"pagination\"")
        .file("public/sitemap.xml")
        .contains("<loc>https://example.com/tags/news/page/3/</loc>");
    let mut shown: Vec<String> = (1..=3)
        .flat_map(|n| {
            let path = if n == 1 {
                "public/tags/news/index.html".to_string()
            } else {
                format!("public/tags/news/page/{n}/index.html")
            };
            let items = post_items(&site, &path);
            assert!(items.len() <= 2, "{path} holds {items:?}");
            items
        })
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            "Hello, world",
            "More news 1",
            "More news 2",
            "More news 3",
            "More news 4",
            "Second thoughts"
        ]
    );
}

#[test]
fn wall_filter_pages_were_never_paginated() {
    // per_page = 2 in the fixture; "new-parents" has four shout-outs, "toys" three.
    let site = Site::fixture("segments");
    let built = site.build().success();
    built
        .file("public/shoutouts/for/new-parents/index.html")
        .contains("<a rel=\"next\" href=\"/shoutouts/for/new-parents/page/2/\">")
        .file("public/shoutouts/for/new-parents/page/2/index.html")
        .contains("<a rel=\"prev\" href=\"/shoutouts/for/new-parents/\">")
        .contains("New parents, page 2")
        .absent("public/shoutouts/for/new-parents/page/3/index.html")
        .file("public/shoutouts/tagged/toys/page/2/index.html")
        .contains("<a rel=\"prev\" href=\"/shoutouts/tagged/toys/\">")
        // The filter stays marked on its later pages.
        .contains("<a href=\"/shoutouts/tagged/toys/\" aria-current=\"page\">");
    let first = site
        .file("public/shoutouts/for/new-parents/index.html")
        .cards();
    let second = site
        .file("public/shoutouts/for/new-parents/page/2/index.html")
        .cards();
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(first.iter().all(|c| !second.contains(c)));
}

#[test]
fn segment_landing_page_listed_every_post_and_shoutout() {
    // per_page = 2: "new-parents" has four shout-outs, so its page shows two and links to
    // its wall filter; with paginate = 1 it shows its newest post of two.
    let site = Site::fixture("segments");
    site.write(
        "content/posts/later.md",
        "+++\ntitle = \"Later for parents\"\ndate = 2025-07-01\nsegments = [\"new-parents\"]\n+++\n\nLater.\n",
    )
    .edit("kudos.toml", "[shoutouts]", "[build]\npaginate = 1\n\n[shoutouts]");
    site.build().success();
    let page = site.file("public/for/new-parents/index.html");
    assert_eq!(page.cards().len(), 2, "{:?}", page.cards());
    page.contains(
        "<a href=\"/shoutouts/for/new-parents/\">Read all 4 shout-outs in “New parents”</a>",
    )
    .contains("Later for parents")
    .lacks("Welcome to the shop")
    .contains("(1 of 2 shown here)");
    // A segment whose cards all fit links to the whole wall, as before.
    site.file("public/for/grandparents/index.html")
        .contains("Read every shout-out");
}

#[test]
fn og_locale_was_a_language_tag_instead_of_ll_cc() {
    let site = Site::fixture("basic");
    site.build().success();
    site.file("public/index.html")
        .contains("<meta property=\"og:locale\" content=\"en_GB\">")
        .contains("<html lang=\"en-GB\"");
    site.edit("kudos.toml", "language = \"en-GB\"", "language = \"de\"");
    site.build().success();
    site.file("public/index.html")
        .contains("<meta property=\"og:locale\" content=\"de_DE\">");
}

/// The JSON-LD document of a page (the first `application/ld+json` script).
fn json_ld(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("the page has JSON-LD") + open.len();
    let end = start + html[start..].find("</script>").expect("the script ends");
    serde_json::from_str(&html[start..end]).expect("the JSON-LD parses")
}

#[test]
fn posts_had_no_blogposting_markup_or_article_times() {
    let site = Site::fixture("basic");
    site.edit(
        "content/posts/hello.md",
        "description = ",
        "authors = [\"Ada Quill\", \"Bo Rivers\"]\nupdated = 2025-02-01\ndescription = ",
    );
    site.build().success();
    let page = site.read("public/posts/hello/index.html");
    assert!(
        page.contains(
            "<meta property=\"article:published_time\" content=\"2025-01-10T00:00:00Z\">"
        )
    );
    assert!(
        page.contains("<meta property=\"article:modified_time\" content=\"2025-02-01T00:00:00Z\">")
    );
    let doc = json_ld(&page);
    // Google's BlogPosting properties: @type, headline, dates (ISO 8601), author with
    // @type and name, and here publisher and mainEntityOfPage.
    assert_eq!(doc["@context"], "https://schema.org");
    assert_eq!(doc["@type"], "BlogPosting");
    assert_eq!(doc["headline"], "Hello, world");
    assert!(doc["headline"].as_str().unwrap().chars().count() <= 110);
    assert_eq!(doc["datePublished"], "2025-01-10T00:00:00Z");
    assert_eq!(doc["dateModified"], "2025-02-01T00:00:00Z");
    assert_eq!(
        doc["author"],
        serde_json::json!([
            {"@type": "Person", "name": "Ada Quill"},
            {"@type": "Person", "name": "Bo Rivers"}
        ])
    );
    assert_eq!(doc["publisher"]["@type"], "Organization");
    assert_eq!(doc["publisher"]["name"], "Fixture Shop");
    assert_eq!(
        doc["mainEntityOfPage"]["@id"],
        "https://example.com/posts/hello/"
    );
    assert_eq!(doc["description"], "The first post of the fixture shop.");
    // Google's BreadcrumbList: ListItems with position, name and item, from the top.
    let trail = &doc["mainEntityOfPage"]["breadcrumb"];
    assert_eq!(trail["@type"], "BreadcrumbList");
    assert_eq!(
        trail["itemListElement"],
        serde_json::json!([
            {"@type": "ListItem", "position": 1, "name": "Fixture Shop", "item": "https://example.com/"},
            {"@type": "ListItem", "position": 2, "name": "Posts", "item": "https://example.com/posts/"},
            {"@type": "ListItem", "position": 3, "name": "Hello, world", "item": "https://example.com/posts/hello/"}
        ])
    );
    // A post without authors is by the site; pages get no BlogPosting.
    let second = json_ld(&site.read("public/posts/second/index.html"));
    assert_eq!(second["author"][0]["@type"], "Organization");
    assert_eq!(second["author"][0]["name"], "Fixture Shop");
    let about = site.read("public/about/index.html");
    assert!(!about.contains("BlogPosting"));
    assert!(!about.contains("article:published_time"));
}

/// The links of a post page's "Related posts" list.
fn related(site: &Site, page: &str) -> Vec<String> {
    crate::common::section_links(&site.read(page), "related-heading")
}

#[test]
fn posts_suggested_no_related_posts() {
    let site = Site::fixture("basic");
    let post = |slug: &str, date: &str, tags: &str, segments: &str| {
        site.write(
            &format!("content/posts/{slug}.md"),
            format!(
                "+++\ntitle = \"{slug}\"\ndate = {date}\ntags = [{tags}]\nsegments = [{segments}]\n+++\nText.\n"
            ),
        );
    };
    // hello: tags news, Workshop Life; segment regulars.
    post("both", "2025-04-01", "\"news\", \"workshop-life\"", "");
    post("news-only", "2025-05-01", "\"news\"", "");
    post("regular", "2025-06-01", "", "\"regulars\"");
    post("alone", "2025-07-01", "\"elsewhere\"", "");
    site.build().success();
    // Most shared (tags and segments) first, then the newest; never itself, never one
    // that shares nothing; three at most by default.
    assert_eq!(
        related(&site, "public/posts/hello/index.html"),
        // `second` shares `news` too, but is older than both of those.
        ["/posts/both/", "/posts/regular/", "/posts/news-only/"]
    );
    assert!(related(&site, "public/posts/alone/index.html").is_empty());
    site.file("public/posts/alone/index.html")
        .lacks("Related posts");
    site.write(
        "kudos.toml",
        format!("{}\n[related]\nlimit = 1\n", site.read("kudos.toml")),
    );
    site.build().success();
    assert_eq!(
        related(&site, "public/posts/hello/index.html"),
        ["/posts/both/"]
    );
}
