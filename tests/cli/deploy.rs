//! Deploy-ready output (issue 12): dotfiles in `static/` are published, and `[deploy] host`
//! writes the host's own files.

use crate::common::Site;

fn with_host(site: &Site, host: &str) {
    site.write(
        "kudos.toml",
        format!("{}\n[deploy]\nhost = \"{host}\"\n", site.read("kudos.toml")),
    );
}

/// The (from, to, status) lines of a `_redirects` file, checked for its shape.
fn redirects(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.len(), 3, "not `FROM TO STATUS`: {line:?}");
            assert!(
                fields[0].starts_with('/') && fields[1].starts_with('/'),
                "{line:?}"
            );
            (fields[0].into(), fields[1].into(), fields[2].into())
        })
        .collect()
}

#[test]
fn dotfiles_in_static_were_dropped_silently() {
    let site = Site::fixture("basic");
    site.write("static/.nojekyll", "");
    site.write(
        "static/.well-known/security.txt",
        "Contact: mailto:shop@example.com\n",
    );
    site.write("static/.git/config", "[core]\n");
    site.write("static/.DS_Store", "junk");
    site.write("static/style.css.swp", "swap");
    site.build().success();
    assert!(site.path("public/.nojekyll").is_file());
    site.file("public/.well-known/security.txt")
        .contains("Contact: mailto:shop@example.com");
    for left_out in [".git", ".DS_Store", "style.css.swp"] {
        assert!(
            !site.path(&format!("public/{left_out}")).exists(),
            "{left_out} was published"
        );
    }
    // Hidden files in content/ are still no content.
    site.write(
        "content/posts/.draft-notes.md",
        "+++\ntitle = \"Notes\"\n+++\nx\n",
    );
    site.build().success();
    assert!(!site.path("public/posts/.draft-notes").exists());
    assert!(site.files_containing("public", "Notes").is_empty());
}

#[test]
fn netlify_and_cloudflare_get_a_301_for_every_alias() {
    for host in ["netlify", "cloudflare"] {
        let site = Site::fixture("basic");
        with_host(&site, host);
        site.edit(
            "content/posts/second.md",
            "tags: [news]",
            "tags: [news]\naliases: [/blog/2019/second.html, /old-second]",
        );
        site.run(&["build", "--base-url", "https://example.com/shop"])
            .success();
        let lines = redirects(&site.read("public/_redirects"));
        let expected = [
            ("/shop/blog/2019/second.html", "/shop/posts/second/"),
            ("/shop/old-second/", "/shop/posts/second/"),
            ("/shop/old-hello/", "/shop/posts/hello/"),
        ];
        for (from, to) in expected {
            assert!(
                lines.contains(&(from.into(), to.into(), "301".into())),
                "{host}: no 301 from {from} to {to} in {lines:?}"
            );
        }
        assert_eq!(lines.len(), expected.len(), "{host}: {lines:?}");
        // The HTML redirect pages stay, for links that reach the files directly.
        assert!(site.path("public/old-hello/index.html").is_file());
        assert!(!site.path("public/.nojekyll").exists());
    }
}

#[test]
fn github_pages_gets_nojekyll_and_a_site_of_its_own_keeps_its_files() {
    let site = Site::fixture("basic");
    with_host(&site, "github");
    site.build().success();
    assert_eq!(site.read("public/.nojekyll"), "");
    assert!(!site.path("public/_redirects").exists());
    // A site that ships its own host file keeps it, without a clash.
    let site = Site::fixture("basic");
    with_host(&site, "netlify");
    site.write("static/_redirects", "/from-the-site/ /about/ 302\n");
    site.build().success();
    assert_eq!(
        site.read("public/_redirects"),
        "/from-the-site/ /about/ 302\n"
    );
}

#[test]
fn no_host_writes_no_host_files_and_an_unknown_host_names_the_known_ones() {
    let site = Site::fixture("basic");
    site.build().success();
    assert!(!site.path("public/_redirects").exists());
    assert!(!site.path("public/.nojekyll").exists());
    with_host(&site, "vercel");
    site.build()
        .code(1)
        .stderr_has("unknown variant `vercel`")
        .stderr_has("netlify")
        .stderr_has("github");
}

#[test]
fn there_was_no_favicon_so_every_browser_asked_for_a_missing_file() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    let ico = site.bytes("public/favicon.ico");
    assert_eq!(&ico[..4], &[0, 0, 1, 0], "an ICO file");
    assert!(
        site.read("public/favicon.svg")
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    for page in [
        "public/index.html",
        "public/posts/hello/index.html",
        "public/404.html",
    ] {
        site.file(page)
            .contains("<link rel=\"icon\" href=\"/shop/favicon.ico\" sizes=\"32x32\">")
            .contains("<link rel=\"icon\" href=\"/shop/favicon.svg\" type=\"image/svg+xml\">");
    }
    // The site's own icon replaces the theme's.
    site.write(
        "static/favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- ours --></svg>",
    );
    site.build().success();
    site.file("public/favicon.svg").contains("<!-- ours -->");
}
