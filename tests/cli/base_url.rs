//! A site published under a sub-path (`https://example.com/shop`, as on GitHub Pages):
//! every link, image, feed and sitemap URL in the output must stay under `/shop/`.

use crate::common::Site;

/// The `basic` fixture's config, published under `/shop`.
const SHOP_CONFIG: &str = r#"title = "Fixture Shop"
base_url = "https://example.com/shop"
description = "A small shop that the kudos tests build."
language = "en-GB"

[build]
paginate = 2
"#;

/// Hosts the fixture links to on purpose (a shout-out's source).
const EXTERNAL_HOSTS: &[&str] = &["www.google.com"];

#[test]
fn every_url_in_the_output_stays_under_the_sub_path() {
    let site = Site::fixture("basic");
    site.write("kudos.toml", SHOP_CONFIG);
    site.build().success();
    assert_all_urls_under_shop(&site);
}

#[test]
fn base_url_flag_overrides_the_config_with_or_without_a_trailing_slash() {
    for base_url in ["https://example.com/shop", "https://example.com/shop/"] {
        let site = Site::fixture("basic");
        site.run(&["build", "--base-url", base_url])
            .success()
            .file("public/index.html")
            .contains("<link rel=\"canonical\" href=\"https://example.com/shop/\">")
            .contains("href=\"/shop/posts/\"");
        assert_all_urls_under_shop(&site);
    }
}

#[test]
fn sub_path_reaches_internal_links_assets_and_redirects() {
    let site = Site::fixture("basic");
    site.write("kudos.toml", SHOP_CONFIG);
    site.build()
        .success()
        .file("public/posts/hello/index.html")
        .contains("<a href=\"/shop/posts/second/#the-details\">")
        .contains("<link rel=\"stylesheet\" href=\"/shop/syntax.")
        .file("public/for/regulars/index.html")
        .contains("src=\"/shop/images/hero.svg\"")
        .contains("src=\"/shop/images/ada.svg\"")
        .contains("href=\"/shop/posts/\"")
        .file("public/old-hello/index.html")
        .contains("url=https://example.com/shop/posts/hello/")
        .file("public/sitemap.xml")
        .contains("<loc>https://example.com/shop/</loc>")
        .file("public/robots.txt")
        .contains("Sitemap: https://example.com/shop/sitemap.xml");
}

/// Scans every HTML, XML and text file of `public/`.
fn assert_all_urls_under_shop(site: &Site) {
    let mut problems = Vec::new();
    let mut checked = 0;
    for name in site.tree("public").files.into_keys() {
        if ![".html", ".xml", ".txt"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            continue;
        }
        // Feeds carry HTML escaped inside XML: look at its links too.
        let text = site.read(&format!("public/{name}")).replace("&quot;", "\"");
        for url in urls_in(&text) {
            checked += 1;
            if let Some(why) = outside_shop(&url) {
                problems.push(format!("{name}: {url} ({why})"));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} URLs found: is the scanner broken?"
    );
    assert!(
        problems.is_empty(),
        "URLs outside /shop/:\n{}",
        problems.join("\n")
    );
}

/// Every URL-like value: `href`, `src`, `content` and `srcset` attributes, `<loc>`,
/// `<id>`, `url=` of a meta refresh, and any absolute URL on the site's host.
fn urls_in(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in [
        "href=\"",
        "src=\"",
        "content=\"",
        "srcset=\"",
        "action=\"",
        "poster=\"",
    ] {
        for value in values_after(text, attr, "\"") {
            if attr == "srcset=\"" {
                urls.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                );
            } else if let Some((_, url)) = value.split_once("url=") {
                urls.push(url.to_string());
            } else if value.starts_with('/') || value.contains("://") || value.starts_with('#') {
                urls.push(value.to_string());
            }
        }
    }
    for (open, close) in [("<loc>", "</loc>"), ("<id>", "</id>"), ("Sitemap: ", "\n")] {
        urls.extend(
            values_after(text, open, close)
                .into_iter()
                .map(|v| v.trim().to_string()),
        );
    }
    // Anything on the site's own host, wherever it appears.
    for (i, _) in text.match_indices("://example.com") {
        let start = text[..i]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |s| s + 1);
        let end = text[i..]
            .find(|c: char| c.is_whitespace() || "\"'<>)".contains(c))
            .map_or(text.len(), |e| i + e);
        urls.push(text[start..end].to_string());
    }
    urls
}

/// Why `url` escapes the sub-path, or `None` if it is fine.
fn outside_shop(url: &str) -> Option<&'static str> {
    if url.starts_with('#') {
        return None;
    }
    if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        let host = rest.split('/').next().unwrap_or(rest);
        if host == "example.com" {
            return (!rest.starts_with("example.com/shop/"))
                .then_some("on the site's host but not under /shop/");
        }
        return (!EXTERNAL_HOSTS.contains(&host)).then_some("an external host nobody linked to");
    }
    if url.starts_with("//") {
        return Some("protocol-relative: an external host");
    }
    if url.starts_with('/') && !url.starts_with("/shop/") {
        return Some("root-relative but not under /shop/");
    }
    None
}

/// The values between each `open` and the next `close`.
fn values_after<'t>(text: &'t str, open: &str, close: &str) -> Vec<&'t str> {
    text.match_indices(open)
        .filter_map(|(i, _)| {
            let from = i + open.len();
            text[from..].find(close).map(|len| &text[from..from + len])
        })
        .collect()
}

#[test]
fn the_scanner_catches_what_it_should() {
    let sample = r##"<a href="/posts/">x</a><img src="https://example.com/images/a.svg">
<meta http-equiv="refresh" content="0; url=https://example.com/old/"><a href="https://evil.example.org/">e</a>
<loc>https://example.com/tags/</loc><a href="/shop/ok/">ok</a><a href="#top">top</a>"##;
    let bad: Vec<String> = urls_in(sample)
        .into_iter()
        .filter(|u| outside_shop(u).is_some())
        .collect();
    for expected in [
        "/posts/",
        "https://example.com/images/a.svg",
        "https://example.com/old/",
        "https://evil.example.org/",
        "https://example.com/tags/",
    ] {
        assert!(
            bad.iter().any(|b| b == expected),
            "{expected} not caught in {bad:?}"
        );
    }
    assert!(
        !bad.iter().any(|b| b == "/shop/ok/" || b == "#top"),
        "{bad:?}"
    );
}
