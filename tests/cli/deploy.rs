//! Deploy-ready output and site structure (issue 12): dotfiles in `static/` are published,
//! `[deploy] host` writes the host's own files, a default favicon, and a site without a blog.

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
        // Image variants and fingerprinted stylesheets are named by their content: cached
        // for a year, under the base path; no other rule, so the host's revalidating
        // default stays for pages.
        let immutable = "  Cache-Control: public, max-age=31536000, immutable\n";
        let [style, syntax] = ["style", "syntax"].map(|name| fingerprinted(&site, name));
        assert_eq!(
            site.read("public/_headers"),
            format!(
                "# Written by kudos for [deploy] host; put your own static/_headers to replace it.\n/shop/sized/*\n{immutable}/shop/cards/*\n{immutable}/shop/{style}\n{immutable}/shop/{syntax}\n{immutable}"
            ),
            "{host}"
        );
        // The HTML redirect pages stay, for links that reach the files directly.
        assert!(site.path("public/old-hello/index.html").is_file());
        assert!(!site.path("public/.nojekyll").exists());
    }
}

/// The one published `<name>.<10 hex digits>.css`.
fn fingerprinted(site: &Site, name: &str) -> String {
    let found: Vec<String> = site
        .files_ending("public", ".css")
        .into_iter()
        .filter(|f| {
            f.strip_prefix(&format!("{name}."))
                .and_then(|rest| rest.strip_suffix(".css"))
                .is_some_and(|hash| hash.len() == 10 && hash.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .collect();
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found[0].clone()
}

/// `sha384-<base64>` of `bytes`, as a browser checks `integrity`.
fn sri(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[test]
fn pages_linked_style_css_by_a_name_no_host_could_cache_for_long() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    for name in ["style", "syntax"] {
        let hashed = fingerprinted(&site, name);
        let bytes = site.bytes(&format!("public/{hashed}"));
        // The same bytes as the plain name, which stays for links written by hand.
        assert_eq!(bytes, site.bytes(&format!("public/{name}.css")), "{name}");
        let link = format!(
            "<link rel=\"stylesheet\" href=\"/shop/{hashed}\" integrity=\"{}\">",
            sri(&bytes)
        );
        let pages = site.files_ending("public", ".html");
        let without: Vec<&String> = pages
            .iter()
            .filter(|page| {
                let html = site.read(&format!("public/{page}"));
                // Alias pages only redirect: they load no stylesheet. Embedded walls show
                // no code, so they load the theme's stylesheet only.
                let embed_syntax = name == "syntax" && page.ends_with("embed/index.html");
                let needs = !html.contains("http-equiv=\"refresh\"") && !embed_syntax;
                needs && !html.contains(&link)
            })
            .collect();
        assert!(pages.len() > 10, "{pages:?}");
        assert!(without.is_empty(), "{name}: no {link} in {without:?}");
        assert!(
            site.files_containing("public", &format!("/shop/{name}.css"))
                .is_empty()
        );
    }

    // The site's own stylesheet replaces the theme's, and its hash follows its bytes.
    let theme_style = fingerprinted(&site, "style");
    site.write("static/style.css", "body { color: rebeccapurple; }\n");
    site.build().success();
    let own = fingerprinted(&site, "style");
    assert_ne!(own, theme_style);
    assert!(!site.path(&format!("public/{theme_style}")).exists());
    site.file("public/index.html").contains(&format!(
        "href=\"/{own}\" integrity=\"{}\"",
        sri(b"body { color: rebeccapurple; }\n")
    ));

    // A theme asking for a stylesheet the site does not publish: a located error.
    let before = site.tree("public");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{% set css = asset(path=\"/print.css\") %}{{ css.url }}{% endblock content %}",
    );
    site.build()
        .code(1)
        .stderr_has("templates/page.html")
        .stderr_has("asset(): `/print.css` is not a stylesheet or script the site publishes")
        .stderr_has("style.css, syntax.css")
        .unchanged(&before);
}

#[test]
fn github_pages_gets_nojekyll_and_a_site_of_its_own_keeps_its_files() {
    let site = Site::fixture("basic");
    with_host(&site, "github");
    site.build().success();
    assert_eq!(site.read("public/.nojekyll"), "");
    assert!(!site.path("public/_redirects").exists());
    assert!(!site.path("public/_headers").exists());
    // A site that ships its own host file keeps it, without a clash.
    let site = Site::fixture("basic");
    with_host(&site, "netlify");
    site.write("static/_redirects", "/from-the-site/ /about/ 302\n");
    site.write("static/_headers", "/*\n  X-Frame-Options: DENY\n");
    site.build().success();
    assert_eq!(
        site.read("public/_headers"),
        "/*\n  X-Frame-Options: DENY\n"
    );
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

#[test]
fn a_shop_without_a_blog_still_got_post_pages_headings_and_feeds() {
    let site = Site::fixture("basic");
    site.write(
        "kudos.toml",
        format!("{}\n[posts]\nenabled = false\n", site.read("kudos.toml")),
    );
    // A link to a post is a broken link now, like a link to any unpublished file.
    site.build()
        .code(1)
        .stderr_has("broken link `@/posts/hello.md`: there is no published content/posts/hello.md");
    site.edit("content/about.md", "@/posts/", "/posts/");
    site.build()
        .success()
        .stderr_has("kudos.toml:")
        .stderr_has("3 posts in content/posts/ not published: the blog is switched off");
    for gone in [
        "posts",
        "tags",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "old-hello",
    ] {
        assert!(
            !site.path(&format!("public/{gone}")).exists(),
            "{gone} was written"
        );
    }
    assert!(
        site.path("public/shoutouts/atom.xml").is_file(),
        "the shout-out feed stays"
    );
    for page in ["public/index.html", "public/shoutouts/index.html"] {
        site.file(page)
            .lacks("Latest posts")
            .lacks("href=\"/posts/\"")
            .lacks("href=\"/tags/\"")
            .lacks("application/rss+xml");
    }
    // (Its call to action still links to /posts/: that is the segment's own front matter.)
    site.file("public/for/regulars/index.html")
        .lacks("id=\"segment-posts\"")
        .lacks("href=\"/tags/\"")
        .lacks("application/rss+xml");
    site.file("public/sitemap.xml")
        .lacks("/posts/")
        .lacks("/tags/")
        .contains("/shoutouts/");
}

#[test]
fn a_site_without_posts_showed_an_empty_latest_posts_heading() {
    let site = Site::fixture("basic");
    for post in [
        "bundle/index.md",
        "unfinished.md",
        "from-the-future.md",
        "hello.md",
        "second.md",
    ] {
        site.remove(&format!("content/posts/{post}"));
    }
    site.edit("content/about.md", "@/posts/", "/posts/");
    site.build().success();
    site.file("public/index.html").lacks("Latest posts");
}

/// The header's links, in order: (text, href).
fn header_links(html: &str) -> Vec<(String, String)> {
    let nav = &html[html
        .find("<nav aria-label=\"Main\">")
        .expect("the header nav")..];
    let nav = &nav[..nav.find("</nav>").expect("the nav ends")];
    nav.split("<a href=\"")
        .skip(1)
        .map(|rest| {
            let (href, rest) = rest.split_once("\">").expect("a link");
            let text = rest.split("</a>").next().unwrap_or_default();
            (text.to_string(), href.to_string())
        })
        .collect()
}

#[test]
fn a_marketer_could_not_choose_the_header_links() {
    let site = Site::fixture("basic");
    site.build().success();
    let default = header_links(&site.read("public/index.html"));
    assert!(
        default.iter().any(|(name, _)| name == "Posts"),
        "{default:?}"
    );
    let toml = site.read("kudos.toml");
    site.write(
        "kudos.toml",
        format!(
            "{toml}\n[[menu.main]]\nname = \"Our shop\"\nurl = \"https://shop.example/\"\nweight = 30\n\n[[menu.main]]\nname = \"Love\"\nurl = \"/shoutouts/\"\nweight = 10\n\n[[menu.main]]\nname = \"About us\"\nurl = \"@/about.md\"\nweight = 20\n"
        ),
    );
    site.run(&["build", "--base-url", "https://example.com/shop"])
        .success();
    let links = header_links(&site.read("public/posts/hello/index.html"));
    assert_eq!(
        links,
        [
            ("Love".to_string(), "/shop/shoutouts/".to_string()),
            ("About us".into(), "/shop/about/".into()),
            ("Our shop".into(), "https://shop.example/".into()),
        ]
    );
    // Checked like links: a page that is not there and a draft are errors, in one run.
    let before = site.tree("public");
    site.edit(
        "kudos.toml",
        "url = \"/shoutouts/\"",
        "url = \"/shout-outs/\"",
    );
    site.edit("kudos.toml", "url = \"@/about.md\"", "url = \"@/abuot.md\"");
    site.build()
        .code(1)
        .stderr_has("menu link `/shout-outs/`: the site has no page or file there")
        .stderr_has("menu link `@/abuot.md`: there is no published content/abuot.md")
        .stderr_has("kudos.toml:")
        .unchanged(&before);
}

#[test]
fn serve_kept_the_old_menu_after_kudos_toml_changed() {
    use kudos::build::{self, Project};
    let site = Site::fixture("basic");
    let root = site.root();
    let options = kudos::site::BuildOptions::default();
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds");
    let toml = site.read("kudos.toml");
    site.write(
        "kudos.toml",
        format!("{toml}\n[[menu.main]]\nname = \"Love\"\nurl = \"/shoutouts/\"\n"),
    );
    session
        .rebuild(&["kudos.toml".into()])
        .expect("serve rebuilds");
    let project = Project::new(&root, None);
    let clean = build::render(&project, project.config().unwrap(), &options).unwrap();
    for file in clean.files.iter().filter(|f| f.path.ends_with(".html")) {
        let served = &session.output()[file.path.as_str()];
        assert_eq!(
            served.bytes().unwrap(),
            file.bytes().unwrap(),
            "{} differs from a clean build",
            file.path
        );
    }
    let home =
        String::from_utf8(session.output()["index.html"].bytes().unwrap().into_owned()).unwrap();
    assert_eq!(
        header_links(&home),
        [("Love".to_string(), "/shoutouts/".to_string())]
    );
}

const TEAM_TEMPLATE: &str = "{% extends \"base.html\" %}\n{% block content %}\n<h1>Lost?</h1>\n<p>Open {{ site.data.hours.monday }}.</p>\n<ul>{% for m in site.data.team %}<li>{{ m.name }}, {{ m.role }}</li>{% endfor %}</ul>\n<p>{% for row in site.data.shop.prices %}{{ row.item }} {{ row.price }};{% endfor %}</p>\n{% endblock content %}\n";

#[test]
fn data_files_could_not_feed_a_template() {
    let site = Site::fixture("basic");
    site.write("templates/404.html", TEAM_TEMPLATE);
    site.write("data/hours.toml", "monday = \"9 to 5\"\n");
    site.write(
        "data/team.json",
        "[{\"name\": \"Wren\", \"role\": \"maker\"}, {\"name\": \"Ola\", \"role\": \"post\"}]\n",
    );
    site.write("data/shop/prices.csv", "item,price\nhorse,120\nducks,40\n");
    site.build()
        .success()
        .file("public/404.html")
        .contains("<p>Open 9 to 5.</p>")
        .contains("<li>Wren, maker</li><li>Ola, post</li>")
        .contains("horse 120;ducks 40;");

    // A data file that does not parse is an error at its line, with the site's others.
    let before = site.tree("public");
    site.write("data/team.json", "[\n  {\"name\": \"Wren\",}\n]\n");
    site.edit(
        "content/posts/hello.md",
        "title = \"Hello, world\"",
        "title = ",
    );
    site.build()
        .code(1)
        .stderr_has("error: data/team.json:2:")
        .stderr_has("content/posts/hello.md:")
        .unchanged(&before);
}

#[test]
fn serve_missed_a_changed_data_file() {
    let site = Site::fixture("basic");
    site.write("templates/404.html", TEAM_TEMPLATE);
    site.write("data/hours.toml", "monday = \"9 to 5\"\n");
    site.write("data/team.json", "[]");
    site.write("data/shop/prices.csv", "item,price\n");
    let root = site.root();
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds");
    site.write("data/hours.toml", "monday = \"closed\"\n");
    let report = session
        .rebuild(&[root.join("data/hours.toml")])
        .expect("serve rebuilds");
    // Only the page whose template reads site.data is rendered again.
    let pages: Vec<&String> = report
        .changed
        .iter()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert_eq!(pages, ["404.html"], "{:?}", report.changed);
    let page =
        String::from_utf8(session.output()["404.html"].bytes().unwrap().into_owned()).unwrap();
    assert!(page.contains("<p>Open closed.</p>"), "{page}");
}
