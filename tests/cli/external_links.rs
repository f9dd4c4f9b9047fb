//! `kudos check --external` (issue 11): every outside link the site shows is asked, on
//! HTTP servers the tests start on 127.0.0.1 (never the internet), and every broken one
//! is reported at its file and line with the status or the failure, exit code 1.
//! `kudos check` alone makes no request at all.

use std::time::Duration;

use crate::common::Site;
use crate::common::http::{Answer, HttpServer};

/// A server with one path per behaviour a link check meets.
fn behaviours() -> HttpServer {
    HttpServer::start(|method, path, before| match path {
        "/ok" | "/also-ok" | "/public" => Answer::status(200),
        "/chain/1" => Answer::redirect("/chain/2"),
        "/chain/2" => Answer::status(301).header("Location", "/chain/3"),
        "/chain/3" => Answer::status(200),
        "/loop/a" => Answer::redirect("/loop/b"),
        "/loop/b" => Answer::redirect("/loop/a"),
        "/moved-away" => Answer::redirect("/missing"),
        "/to-ftp" => Answer::redirect("ftp://127.0.0.1:2121/file"),
        "/error" => Answer::status(500),
        "/slow" => Answer::status(200).after(Duration::from_secs(3)),
        "/busy" if before == 0 => Answer::status(429).header("Retry-After", "1"),
        "/busy" => Answer::status(200),
        "/no-head" if method == "HEAD" => Answer::status(405),
        "/no-head" => Answer::status(200),
        far if far.starts_with("/far/") => {
            let n: usize = far["/far/".len()..].parse().unwrap_or(0);
            Answer::redirect(&format!("/far/{}", n + 1))
        }
        _ => Answer::status(404),
    })
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    crate::common::free_port()
}

/// A site whose post, segment and shout-outs link to `server`; requests time out after
/// one second.
fn site_linking_to(server: &HttpServer, refused: &str) -> Site {
    let site = Site::blank();
    site.write(
        "kudos.toml",
        "title = \"Links\"\nbase_url = \"https://example.com\"\n\n[check]\ntimeout = 1\n",
    );
    let u = |path: &str| server.url(path);
    site.write(
        "content/posts/links.md",
        format!(
            "+++\ntitle = \"Links\"\ndate = 2025-01-01\n+++\n\n\
             - [fine]({})\n\
             - [gone]({})\n\
             - [failing]({})\n\
             - [moved]({})\n\
             - [round and round]({})\n\
             - [slow]({})\n\
             - [busy]({})\n\
             - [no head]({})\n\
             - [nobody home]({refused})\n\
             - [far away]({})\n\
             - [to ftp]({})\n\
             - [moved away]({})\n\
             - [mail](mailto:shop@example.com), [files](ftp://127.0.0.1:21/x), [again]({}#top)\n",
            u("/ok"),
            u("/missing"),
            u("/error"),
            u("/chain/1"),
            u("/loop/a"),
            u("/slow"),
            u("/busy"),
            u("/no-head"),
            u("/far/0"),
            u("/to-ftp"),
            u("/moved-away"),
            u("/ok"),
        ),
    );
    site.write(
        "content/segments/parents.md",
        format!(
            "+++\ntitle = \"Parents\"\ncta = {{ label = \"Shop\", url = \"{}\" }}\n+++\n\nFor parents.\n",
            u("/cta-gone")
        ),
    );
    site.write(
        "content/shoutouts/ada.md",
        format!(
            "+++\ncustomer = \"Ada\"\nsource_url = \"{}\"\nconsent = {{ date = 2025-01-01, scope = [\"quote\", \"name\"] }}\n+++\n\nLovely toys.\n",
            u("/review-gone")
        ),
    );
    site.write(
        "content/shoutouts/bea.md",
        format!(
            "+++\ncustomer = \"Bea\"\nsource_url = \"{}\"\nconsent = {{ date = 2025-01-01, scope = [\"quote\"] }}\n+++\n\nNice.\n",
            u("/hidden-review")
        ),
    );
    site
}

/// The lines of `stderr` that start with `error: `.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

#[test]
fn every_broken_link_is_reported_at_its_line_with_what_went_wrong() {
    let server = behaviours();
    let port = closed_port();
    let refused = format!("http://127.0.0.1:{port}/");
    let site = site_linking_to(&server, &refused);
    let run = site.run(&["check", "--external"]).code(1);
    let stderr = run.stderr();
    let u = |path: &str| server.url(path);
    let post = "content/posts/links.md";
    assert_eq!(
        error_lines(&stderr),
        [
            format!(
                "error: {post}:7:10: broken link {}: 404 Not Found",
                u("/missing")
            ),
            format!(
                "error: {post}:8:13: broken link {}: 500 Internal Server Error",
                u("/error")
            ),
            format!(
                "error: {post}:10:21: broken link {}: redirect loop: {} -> {} -> {}",
                u("/loop/a"),
                u("/loop/a"),
                u("/loop/b"),
                u("/loop/a")
            ),
            format!(
                "error: {post}:11:10: broken link {}: no answer within 1 s (timeout)",
                u("/slow")
            ),
            format!("error: {post}:14:17: broken link {refused}: connection refused"),
            format!(
                "error: {post}:15:14: broken link {}: too many redirects (more than 10)",
                u("/far/0")
            ),
            format!(
                "error: {post}:16:12: broken link {}: redirected to `ftp://127.0.0.1:2121/file`, which is not an http(s) URL (not followed)",
                u("/to-ftp")
            ),
            format!(
                "error: {post}:17:16: broken link {}: 404 Not Found (redirected to {})",
                u("/moved-away"),
                u("/missing")
            ),
            format!(
                "error: content/segments/parents.md:3:32: broken link {}: 404 Not Found",
                u("/cta-gone")
            ),
            format!(
                "error: content/shoutouts/ada.md:3:15: broken link {}: 404 Not Found",
                u("/review-gone")
            ),
            "error: 10 problems found in the site; nothing was written".to_string(),
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("Checked 14 outside links in ") && stderr.contains(": 10 broken\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: a slow server may need longer"),
        "{stderr}"
    );
    // What worked was asked as it should be: redirects followed, GET after a refused
    // HEAD, the 429 waited out as asked.
    for path in ["/ok", "/chain/1", "/chain/2", "/chain/3"] {
        assert_eq!(server.asked(path), 1, "{path} once, with HEAD");
    }
    let no_head: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/no-head")
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(no_head, ["HEAD", "GET"]);
    let busy: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/busy")
        .collect();
    assert_eq!(busy.len(), 2, "{busy:?}");
    assert!(
        busy[1].at - busy[0].at >= Duration::from_millis(950),
        "asked again after {:?}, not after the second Retry-After asked for",
        busy[1].at - busy[0].at
    );
    assert_eq!(
        server.asked("/slow"),
        1,
        "a timeout is not asked again with GET"
    );
    assert_eq!(
        server.asked("/missing"),
        4,
        "HEAD and GET, directly and redirected"
    );
    let far = server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/far/"))
        .count();
    assert_eq!(far, 11, "the link and 10 redirects");
    assert_eq!(
        server.asked("/hidden-review"),
        0,
        "a source the consent does not let the page show is not asked"
    );
}

#[test]
fn check_without_external_asks_nothing() {
    let server = behaviours();
    let site = site_linking_to(&server, "http://127.0.0.1:9/");
    site.run(&["check"])
        .success()
        .stderr_lacks("outside link")
        .absent(".kudos-cache/links");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // A site with errors is not link-checked either: its links are not all known.
    site.write(
        "content/posts/typo.md",
        "+++\ntitle = \"Typo\"\ndate = 2025-01-01\ntagz = []\n+++\n\n[x](http://127.0.0.1:9/)\n",
    );
    site.run(&["check", "--external"])
        .code(1)
        .stderr_has("content/posts/typo.md:4:1")
        .stderr_lacks("broken link");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn skipped_links_are_never_requested() {
    let server = behaviours();
    let site = Site::blank();
    site.write(
        "kudos.toml",
        format!(
            "title = \"Skip\"\n\n[check]\nskip = [\"/private/\", \"^http://127\\\\.0\\\\.0\\\\.1:{}/secret\"]\n",
            server.url("").rsplit(':').next().unwrap()
        ),
    );
    site.write(
        "content/about.md",
        format!(
            "+++\ntitle = \"About\"\n+++\n\n[a]({}) [b]({}) [c]({}) [d]({})\n",
            server.url("/private/a"),
            server.url("/private/b"),
            server.url("/secret"),
            server.url("/public"),
        ),
    );
    let run = site.run(&["check", "--external"]).success();
    assert!(
        run.stderr().contains(": none broken, 3 skipped\n"),
        "{}",
        run.stderr()
    );
    assert_eq!(server.asked("/public"), 1);
    for path in ["/private/a", "/private/b", "/secret"] {
        assert_eq!(server.asked(path), 0, "{path} is skipped");
    }
}

#[test]
fn working_links_are_not_asked_again_until_their_cache_entry_expires() {
    let server = behaviours();
    let site = Site::blank();
    site.write("kudos.toml", "title = \"Cache\"\n");
    site.write(
        "content/about.md",
        format!(
            "+++\ntitle = \"About\"\n+++\n\n[a]({}) [b]({}) [c]({})\n",
            server.url("/ok"),
            server.url("/also-ok"),
            server.url("/missing"),
        ),
    );
    let check = || site.run(&["check", "--external"]).code(1);
    check();
    assert_eq!(
        [
            server.asked("/ok"),
            server.asked("/also-ok"),
            server.asked("/missing")
        ],
        [1, 1, 2]
    );
    // The second run asks only about the broken link.
    let run = check();
    assert!(
        run.stderr().contains(": 1 broken, 2 cached as working\n"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        [
            server.asked("/ok"),
            server.asked("/also-ok"),
            server.asked("/missing")
        ],
        [1, 1, 4]
    );
    // An expired entry and a line that does not read are as good as none.
    let cache = ".kudos-cache/links/working.txt";
    let text = site.read(cache);
    let also_ok = server.url("/also-ok");
    let expired: String = text
        .lines()
        .map(|line| {
            if line.ends_with(&also_ok) {
                format!("1000 {also_ok}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    site.write(cache, expired + "garbage that is not an entry\n");
    check();
    assert_eq!([server.asked("/ok"), server.asked("/also-ok")], [1, 2]);
    // A file that is not a cache at all is ignored whole.
    site.write(cache, "\u{0}\u{1}not a cache\n");
    check();
    assert_eq!([server.asked("/ok"), server.asked("/also-ok")], [2, 3]);
    assert_eq!(site.read(".kudos-cache/.gitignore"), "*\n");
    assert!(site.path(".kudos-cache/CACHEDIR.TAG").is_file());
}

#[test]
fn no_host_gets_more_than_two_requests_at_once() {
    let server = HttpServer::start(|_, _, _| Answer::status(200).after(Duration::from_millis(150)));
    let site = Site::blank();
    site.write("kudos.toml", "title = \"Busy\"\n");
    let links: String = (0..10)
        .map(|n| format!("- [{n}]({})\n", server.url(&format!("/page/{n}"))))
        .collect();
    site.write(
        "content/about.md",
        format!("+++\ntitle = \"About\"\n+++\n\n{links}"),
    );
    site.run(&["check", "--external"])
        .success()
        .stderr_has("Checked 10 outside links in ");
    assert_eq!(server.requests().len(), 10);
    assert_eq!(server.most_at_once(), 2, "two at once, never more");
}

#[test]
fn thousands_of_links_are_asked_once_each_and_reported_within_bounds() {
    let server = HttpServer::start(|_, path, _| match path {
        "/ok" => Answer::status(200),
        _ => Answer::status(404),
    });
    let site = Site::blank();
    site.write("kudos.toml", "title = \"Many\"\n");
    let same = format!("[same]({}) ", server.url("/ok")).repeat(3_000);
    let gone: String = (0..150)
        .map(|n| format!("[{n}]({})\n", server.url(&format!("/gone/{n}"))))
        .collect();
    site.write(
        "content/many.md",
        format!("+++\ntitle = \"Many\"\n+++\n\n{same}\n\n{gone}"),
    );
    let run = site.run(&["check", "--external"]).code(1);
    let stderr = run.stderr();
    assert_eq!(
        server.asked("/ok"),
        1,
        "one URL written 3,000 times is asked once"
    );
    let listed = stderr.matches(": 404 Not Found\n").count();
    assert_eq!(listed, 100, "{stderr}");
    assert!(
        stderr.contains(
            "error: content/many.md: 50 more broken links in this file are not listed (fix the ones above first)"
        ),
        "{stderr}"
    );
    assert!(server.most_at_once() <= 2, "{}", server.most_at_once());
}
