//! `kudos serve` over HTTP (issue 4, acceptance 4): a real server process on a free
//! loopback port, asked with raw HTTP/1.1 so that nothing between the test and the server
//! tidies up a path: status codes, redirects, content types, the site's 404 page, HEAD,
//! and path-traversal attempts that must never return a byte from outside the site.

use std::time::Duration;

use crate::common::{Site, free_port};

const SCRIPT_TAG: &str = "<script src=\"/__kudos/live.js\"></script>";

#[test]
fn serves_on_loopback_by_default_with_the_live_reload_script() {
    let site = Site::fixture("basic");
    let port = free_port();
    let mut server = site.spawn(&["serve", "--port", &port.to_string()]);
    let url = server.wait_until_serving();
    assert_eq!(url, format!("http://127.0.0.1:{port}/"));
    let line = server.wait_for_line("Serving ", Duration::from_secs(1));
    assert!(
        line.contains(&format!("at http://127.0.0.1:{port}/")),
        "{line}"
    );

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = home.text();
    assert!(text.contains("<title>"), "{text}");
    assert!(
        text.contains(&format!("{SCRIPT_TAG}</body>")),
        "the live-reload script goes just before </body>:\n{text}"
    );
    assert_eq!(
        text.matches(SCRIPT_TAG).count(),
        1,
        "one script tag:\n{text}"
    );
    // The dev site's absolute links point at the dev server, not at the configured base_url.
    assert!(
        text.contains(&format!(
            "<link rel=\"canonical\" href=\"http://127.0.0.1:{port}/\">"
        )),
        "{text}"
    );
    assert!(!text.contains("https://example.com"), "{text}");

    let script = server.get("/__kudos/live.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/javascript")),
        "{:?}",
        script.headers
    );
    assert!(script.text().contains("EventSource(\"/__kudos/events\")"));

    assert!(
        !site.path("public").exists(),
        "kudos serve must not touch public/"
    );
}

#[test]
fn a_folder_without_its_slash_redirects_to_it() {
    let site = Site::fixture("basic");
    let server = site.serve();
    for (from, to) in [
        ("/posts", "/posts/"),
        ("/posts/hello", "/posts/hello/"),
        ("/tags/news", "/tags/news/"),
        ("/posts?from=feed", "/posts/?from=feed"),
    ] {
        let reply = server.get(from);
        assert_eq!(reply.status, 301, "{from}: {:?}", reply.headers);
        assert_eq!(reply.header("location"), Some(to), "{from}");
    }
    // The folder itself is its index page.
    let listing = server.get("/posts/");
    assert_eq!(listing.status, 200);
    assert!(
        listing.text().contains("Second thoughts"),
        "{}",
        listing.text()
    );
    let post = server.get("/posts/hello/index.html");
    assert_eq!(post.status, 200);
    assert!(post.text().contains("The first paragraph is the summary."));
}

#[test]
fn a_missing_page_is_the_sites_404_page_with_status_404() {
    let site = Site::fixture("basic");
    let server = site.serve();
    let page = server.get("/404.html");
    assert_eq!(page.status, 200);
    assert!(page.text().contains(SCRIPT_TAG));
    for missing in [
        "/no-such-page/",
        "/no-such-page",
        "/posts/nope/",
        "/nope.css",
    ] {
        let reply = server.get(missing);
        assert_eq!(reply.status, 404, "{missing}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{missing}"
        );
        assert_eq!(
            reply.text(),
            page.text(),
            "{missing} should answer with the site's 404 page"
        );
    }
}

#[test]
fn files_have_their_content_types() {
    let site = Site::fixture("basic");
    let server = site.serve();
    for (path, expected) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/syntax.css", "text/css; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/images/ada.svg", "image/svg+xml"),
        ("/posts/bundle/leaf.svg", "image/svg+xml"),
        ("/posts/hello/", "text/html; charset=utf-8"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(expected), "{path}");
        assert!(!reply.body.is_empty(), "{path} is empty");
    }
    for feed in ["/atom.xml", "/sitemap.xml"] {
        let reply = server.get(feed);
        assert_eq!(reply.status, 200, "{feed}");
        let kind = reply.header("content-type").unwrap_or_default();
        assert!(
            ["text/xml", "application/xml", "application/atom+xml"]
                .iter()
                .any(|xml| kind.starts_with(xml)),
            "{feed} is served as {kind:?}"
        );
        assert!(reply.text().starts_with("<?xml"), "{feed}");
        assert!(!reply.text().contains(SCRIPT_TAG), "{feed} got the script");
    }
    // Only pages get the script.
    assert!(!server.get("/style.css").text().contains(SCRIPT_TAG));
}

#[test]
fn head_sends_the_headers_without_a_body() {
    let site = Site::fixture("basic");
    let server = site.serve();
    for (path, status) in [
        ("/", 200),
        ("/style.css", 200),
        ("/atom.xml", 200),
        ("/no-such-page/", 404),
    ] {
        let get = server.get(path);
        let head = server.request("HEAD", path);
        assert_eq!(head.status, status, "HEAD {path}");
        assert_eq!(get.status, status, "GET {path}");
        assert!(
            head.body.is_empty(),
            "HEAD {path} sent a body: {}",
            head.text()
        );
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "HEAD {path} announces the length GET sends"
        );
    }
    assert_eq!(server.request("POST", "/").status, 405);
}

#[test]
fn traversal_urls_never_reach_a_file_outside_the_site() {
    const SECRET: &str = "SECRET-1234";
    let site = Site::fixture("basic");
    // Beside the output, in the site root, and above the site root; a comment in the
    // config (never rendered), and a private file in content/ that no page publishes.
    let config = site.read("kudos.toml");
    site.write("kudos.toml", format!("# {SECRET}-config\n{config}"));
    site.write("secret.txt", format!("{SECRET}-root\n"));
    site.write("../secret.txt", format!("{SECRET}-above\n"));
    let above = site.root().parent().unwrap().join("secret.txt");
    let above = above.to_string_lossy();
    let server = site.serve();

    let attempts = [
        "/../kudos.toml".to_string(),
        "/../../secret.txt".to_string(),
        "/posts/../../kudos.toml".to_string(),
        "/%2e%2e/kudos.toml".to_string(),
        "/%2E%2E%2Fkudos.toml".to_string(),
        "/%2e%2e%2f%2e%2e%2fsecret.txt".to_string(),
        "/..%2fkudos.toml".to_string(),
        "/.%2e/secret.txt".to_string(),
        "/posts/%2e%2e/%2e%2e/secret.txt".to_string(),
        "/..%5ckudos.toml".to_string(),
        "/%5c..%5c..%5csecret.txt".to_string(),
        "/..\\kudos.toml".to_string(),
        "//etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        format!("/{above}"),
        format!("/{}", site.path("kudos.toml").display()),
        format!("{above}"),
        "/C:/Windows/win.ini".to_string(),
        "/kudos.toml%00.html".to_string(),
        "/%00/../kudos.toml".to_string(),
        "/%252e%252e/kudos.toml".to_string(),
        "/%252e%252e%252fsecret.txt".to_string(),
        "/kudos.toml".to_string(),
        "/secret.txt".to_string(),
        "../kudos.toml".to_string(),
        "*".to_string(),
    ];
    assert!(attempts.len() >= 8);
    for target in &attempts {
        for method in ["GET", "HEAD"] {
            let reply = server.request(method, target);
            assert!(
                reply.status == 400 || reply.status == 404,
                "{method} {target:?} answered {}:\n{}",
                reply.status,
                reply.text()
            );
            let text = reply.text();
            assert!(
                !text.contains(SECRET),
                "{method} {target:?} leaked a file outside the site:\n{text}"
            );
            assert!(
                !text.contains("root:x:0:0"),
                "{method} {target:?} leaked /etc/passwd"
            );
        }
    }
    // The server is still fine afterwards.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_busy_port_is_reported_and_the_next_free_one_taken() {
    let site = Site::fixture("basic");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = busy.local_addr().unwrap().port();
    let mut server = site.spawn(&["serve", "--port", &port.to_string()]);
    let url = server.wait_until_serving();
    assert_ne!(url, format!("http://127.0.0.1:{port}/"));
    let taken = server.address().port();
    server.wait_for_line(
        &format!("Port {port} is in use; using {taken} instead."),
        Duration::from_secs(1),
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn editing_a_static_stylesheet_swaps_css_every_time() {
    let site = Site::fixture("basic");
    site.write("static/style.css", ":root { --probe: one; }\n");
    let mut server = site.serve();
    assert!(server.get("/style.css").text().contains("--probe: one"));
    let mut events = server.events();
    // The same file twice: the second edit used to go unnoticed, because the copy's old
    // bytes were compared with its new bytes read from the same file on disk.
    for value in ["two", "three"] {
        site.write(
            "static/style.css",
            format!(":root {{ --probe: {value}; }}\n"),
        );
        events.expect("css", Duration::from_secs(10));
        let css = server.get("/style.css").text();
        assert!(css.contains(&format!("--probe: {value}")), "{css}");
    }
    server.wait_for_lines("static/style.css changed:", 2, Duration::from_secs(5));
    assert!(
        !events
            .names_within(Duration::from_millis(300))
            .contains(&"reload".to_string()),
        "a CSS-only change must not reload pages"
    );
}
