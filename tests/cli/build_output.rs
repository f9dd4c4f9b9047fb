//! `kudos build` on the `basic` fixture: every file the design promises, and what a
//! reader sees in them.

use crate::common::Site;

#[test]
fn build_writes_every_kind_of_page() {
    let site = Site::fixture("basic");
    site.build()
        .success()
        .file("public/index.html")
        .contains("Welcome to Fixture Shop")
        .file("public/posts/hello/index.html")
        .contains("<h1>Hello, world</h1>")
        .file("public/posts/second/index.html")
        .contains("<h1>Second thoughts</h1>")
        .file("public/posts/bundle/index.html")
        .contains("<h1>A post with a picture</h1>")
        .file("public/about/index.html")
        .contains("<h1>About us</h1>")
        .file("public/tags/index.html")
        .contains("href=\"/tags/news/\"")
        .contains("href=\"/tags/workshop-life/\"")
        .file("public/tags/news/index.html")
        .contains("Hello, world")
        .contains("Second thoughts")
        .lacks("A post with a picture")
        .file("public/tags/workshop-life/index.html")
        .contains("Hello, world")
        .contains("A post with a picture")
        .file("public/shoutouts/index.html")
        .contains("The rocking horse arrived <strong>beautifully</strong> wrapped.")
        .contains("A customer in Leeds")
        .file("public/shoutouts/ada-lovelace/index.html")
        .contains("Ada Lovelace")
        .file("public/for/regulars/index.html")
        .contains("For the people who keep coming back")
        .contains("Read the latest")
        .file("public/atom.xml")
        .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
        .file("public/sitemap.xml")
        .contains("<loc>https://example.com/posts/hello/</loc>")
        .file("public/robots.txt")
        .contains("Sitemap: https://example.com/sitemap.xml")
        .file("public/404.html")
        .contains("Page not found")
        .file("public/syntax.css")
        .contains(".z-")
        .contains("prefers-color-scheme: dark");
}

#[test]
fn posts_are_paginated_newest_first() {
    // paginate = 2 and three published posts: two on the first page, one on the second.
    let site = Site::fixture("basic");
    let first = site.build().success().file("public/posts/index.html");
    let text = first.text();
    let newest = text
        .find("A post with a picture")
        .expect("newest post on page 1");
    let next = text.find("Second thoughts").expect("second post on page 1");
    assert!(newest < next, "newest first");
    first
        .lacks("Hello, world</a>")
        .contains("href=\"/posts/page/2/\"")
        .file("public/posts/page/2/index.html")
        .contains("Hello, world")
        .lacks("Second thoughts</a>")
        .contains("href=\"/posts/\"");
}

#[test]
fn long_listings_link_the_first_last_and_nearby_pages() {
    // Twelve posts one per page: page 6 links 1, 4-8 and 12, with ellipses between.
    let site = Site::blank();
    site.write(
        "kudos.toml",
        "title = \"Long\"\nbase_url = \"https://example.com\"\n\n[build]\npaginate = 1\n",
    );
    for n in 1..=12 {
        site.write(
            &format!("content/posts/p{n:02}.md"),
            format!("+++\ntitle = \"Post {n}\"\ndate = 2025-01-{n:02}\n+++\n\nText {n}.\n"),
        );
    }
    let page = site
        .build()
        .success()
        .file("public/posts/page/6/index.html");
    let text = page.text();
    let linked: Vec<usize> = (1..=12)
        .filter(|n| {
            let url = if *n == 1 {
                "href=\"/posts/\"".to_string()
            } else {
                format!("href=\"/posts/page/{n}/\"")
            };
            text.contains(&format!("{url}>{n}</a>"))
        })
        .collect();
    assert_eq!(
        linked,
        [1, 4, 5, 7, 8, 12],
        "6 is the current page, not a link"
    );
    assert_eq!(
        text.matches("<li class=\"gap\" aria-hidden=\"true\">…</li>")
            .count(),
        2
    );
    page.contains("<span aria-current=\"page\">6</span>");
}

#[test]
fn site_pages_carry_each_pages_summary_and_reading_time() {
    let site = Site::fixture("basic");
    site.write(
        "templates/404.html",
        "{% for p in site.pages %}[{{ p.title }}|{{ p.reading_time }}|{{ p.summary | safe }}]{% endfor %}",
    );
    site.edit(
        "content/about.md",
        "## Who we are",
        "We sand things.\n\n<!-- more -->\n\n## Who we are",
    );
    site.build()
        .success()
        .file("public/404.html")
        .contains("[About us|1|<p>We sand things.</p>");
}

#[test]
fn page_bundle_image_is_copied_beside_its_page() {
    let site = Site::fixture("basic");
    site.build()
        .success()
        .file("public/posts/bundle/index.html")
        .contains("<img src=\"/posts/bundle/leaf.svg\" width=\"10\" height=\"10\" alt=\"An oak leaf\" fetchpriority=\"high\" decoding=\"async\">");
    assert_eq!(
        site.bytes("public/posts/bundle/leaf.svg"),
        site.bytes("content/posts/bundle/leaf.svg")
    );
}

#[test]
fn static_folder_is_copied_as_is() {
    let site = Site::fixture("basic");
    site.build().success();
    assert_eq!(
        site.bytes("public/images/hero.svg"),
        site.bytes("static/images/hero.svg")
    );
    assert_eq!(
        site.bytes("public/images/ada.svg"),
        site.bytes("static/images/ada.svg")
    );
}

#[test]
fn alias_writes_a_redirect_page() {
    let site = Site::fixture("basic");
    site.build()
        .success()
        .file("public/old-hello/index.html")
        .contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/posts/hello/\">",
        )
        .contains("<link rel=\"canonical\" href=\"https://example.com/posts/hello/\">")
        .contains("<a href=\"https://example.com/posts/hello/\">");
}

#[test]
fn drafts_and_future_posts_wait_for_the_drafts_flag() {
    let site = Site::fixture("basic");
    site.build()
        .success()
        .absent("public/posts/unfinished/index.html")
        .absent("public/posts/from-the-future/index.html")
        .file("public/posts/index.html")
        .lacks("An unfinished draft")
        .lacks("A post from the future")
        .file("public/atom.xml")
        .lacks("An unfinished draft")
        .lacks("A post from the future")
        .file("public/sitemap.xml")
        .lacks("unfinished")
        .lacks("from-the-future");

    site.run(&["build", "--drafts"])
        .success()
        .file("public/posts/unfinished/index.html")
        .contains("<h1>An unfinished draft</h1>")
        .file("public/posts/from-the-future/index.html")
        .contains("<h1>A post from the future</h1>")
        .file("public/posts/index.html")
        .contains("A post from the future");
}

#[test]
fn internal_links_resolve_to_the_target_url_and_anchor() {
    let site = Site::fixture("basic");
    site.build()
        .success()
        .file("public/posts/hello/index.html")
        .contains("<a href=\"/posts/second/#the-details\">the details</a>")
        .contains("<a href=\"/about/#who-we-are\">who we are</a>")
        .lacks("@/")
        .file("public/about/index.html")
        .contains("<a href=\"/posts/hello/\">our first post</a>")
        .file("public/index.html")
        .contains("<a href=\"/for/regulars/\">our regulars</a>");
}

#[test]
fn known_languages_are_highlighted_and_unknown_ones_escaped() {
    let site = Site::fixture("basic");
    let post = site.build().success().file("public/posts/hello/index.html");
    let text = post.text();
    let rust = &text[text.find("data-lang=\"rust\"").expect("the rust block")..];
    let rust = &rust[..rust.find("</pre>").expect("end of the rust block")];
    assert!(rust.contains("class=\"z-"), "rust is highlighted:\n{rust}");
    assert!(rust.contains("println!"), "{rust}");
    let plain = &text[text
        .find("data-lang=\"woodgrain\"")
        .expect("the woodgrain block")..];
    let plain = &plain[..plain.find("</pre>").expect("end of the woodgrain block")];
    assert!(
        plain.contains("&lt;b&gt;grain&lt;/b&gt; &amp; knots"),
        "escaped as text:\n{plain}"
    );
    assert!(!plain.contains("z-"), "not highlighted:\n{plain}");
    post.lacks("<b>grain</b>");
}

#[test]
fn every_page_has_the_head_a_search_engine_and_a_share_card_need() {
    let site = Site::fixture("basic");
    site.build().success();
    let pages = site.files_ending("public", ".html");
    assert!(pages.len() >= 15, "{pages:?}");
    for page in pages {
        let path = format!("public/{page}");
        let file = site
            .file(&path)
            .contains("<html lang=\"en-GB\"")
            .contains("<link rel=\"canonical\" href=\"https://example.com/");
        let title = between(file.text(), "<title>", "</title>")
            .unwrap_or_else(|| panic!("{path} has no <title>"));
        assert!(!title.trim().is_empty(), "{path} has an empty <title>");
        if page == "old-hello/index.html" || page.ends_with("embed/index.html") {
            // A redirect page, or cards made for another site's frame (noindex): a title
            // and a canonical link are all they need.
            continue;
        }
        let description = between(file.text(), "<meta name=\"description\" content=\"", "\"")
            .unwrap_or_else(|| panic!("{path} has no meta description"));
        assert!(
            !description.trim().is_empty(),
            "{path} has an empty meta description"
        );
        file.contains("<meta property=\"og:title\" content=\"")
            .contains("<meta name=\"twitter:card\" content=\"");
    }
}

#[test]
fn summary_line_counts_the_pages_written() {
    let site = Site::fixture("basic");
    let run = site
        .build()
        .success()
        .stderr_has("Built ")
        .stderr_has(" pages in ");
    let pages = site.files_ending("public", ".html").len();
    let stderr = run.stderr();
    assert!(
        stderr.contains(&format!("Built {pages} pages in ")),
        "{pages} HTML files, but stderr says:\n{stderr}"
    );
}

/// The text between the first `start` and the next `end` after it.
fn between<'t>(text: &'t str, start: &str, end: &str) -> Option<&'t str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

#[test]
fn quiet_build_prints_nothing() {
    let site = Site::fixture("basic");
    let run = site.run(&["build", "--quiet"]).success();
    assert_eq!(run.stderr(), "");
    run.file("public/index.html").contains("<title>");
}

#[test]
fn minify_strips_indentation_but_never_inside_code() {
    let site = Site::fixture("basic");
    site.edit("kudos.toml", "paginate = 2", "paginate = 2\nminify = true");
    site.build().success();
    let html = site.read("public/posts/hello/index.html");
    assert!(
        html.contains("\n<div class=\"wrap\">"),
        "indentation before tags is gone:\n{html}"
    );
    assert!(!html.contains("\n\n"), "blank lines are gone");
    assert!(
        html.contains("\n    <span class=\"z-"),
        "code keeps its indentation:\n{html}"
    );
}
