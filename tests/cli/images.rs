//! Images (issue 10): every `<img>` sized and responsive, every URL under the base path and
//! published, no metadata in any published image, bad images located errors, the cache
//! reused. Over `tests/fixtures/images`: a bundle photo with EXIF GPS, a static PNG under
//! a sub-path, an SVG, a customer photo beside its shout-out and a segment hero.

use std::collections::BTreeMap;

use crate::common::Site;

/// The base path of the fixture's `base_url`.
const BASE: &str = "/shop/";

/// Every `<tag ...>` in `html` as its attributes (entities in values decoded).
fn tags(html: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{tag} ");
    html.match_indices(&open)
        .map(|(at, _)| {
            let inside = &html[at + open.len()..];
            let inside = &inside[..inside.find('>').expect("the tag ends")];
            attributes(inside)
        })
        .collect()
}

fn attributes(mut inside: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    while let Some(eq) = inside.find("=\"") {
        let name = inside[..eq].trim().to_string();
        let rest = &inside[eq + 2..];
        let end = rest.find('"').expect("the value ends");
        out.insert(name, rest[..end].replace("&amp;", "&"));
        inside = &rest[end + 1..];
    }
    out
}

/// Every (URL, width) of a `srcset` (an avatar's has one URL and no width).
fn srcset(value: &str) -> Vec<(String, Option<u32>)> {
    value
        .split(", ")
        .map(|entry| match entry.rsplit_once(' ') {
            Some((url, width)) => {
                let width = width.trim_end_matches('w').parse().expect("a width");
                (url.to_string(), Some(width))
            }
            None => (entry.to_string(), None),
        })
        .collect()
}

/// The output file a site URL names.
fn published(site: &Site, url: &str) -> String {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} lacks the base path {BASE}"));
    let path = format!("public/{path}");
    assert!(site.path(&path).is_file(), "{url} is not published");
    path
}

fn html_pages(site: &Site) -> Vec<(String, String)> {
    site.files_ending("public", ".html")
        .into_iter()
        .map(|p| {
            let text = site.read(&format!("public/{p}"));
            (p, text)
        })
        .collect()
}

#[test]
fn images_had_no_size_no_srcset_and_broke_in_listings_under_a_sub_path() {
    let site = Site::fixture("images");
    site.build().success();
    let mut checked_variants = 0;
    let mut images = 0;
    for (page, html) in html_pages(&site) {
        for img in tags(&html, "img") {
            images += 1;
            let src = &img["src"];
            for key in ["width", "height"] {
                let value: u32 = img.get(key).map_or(0, |v| v.parse().unwrap_or(0));
                assert!(value > 0, "{page}: <img src={src}> has no {key}");
            }
            published(&site, src);
            let sets = img.get("srcset").into_iter();
            for set in sets.chain(tags(&html, "source").iter().filter_map(|s| s.get("srcset"))) {
                for (url, width) in srcset(set) {
                    let file = published(&site, &url);
                    let decoded = image::open(site.path(&file))
                        .unwrap_or_else(|e| panic!("{url} does not decode: {e}"));
                    let stated = width.unwrap_or(96);
                    assert_eq!(decoded.width(), stated, "{url} in {page}");
                    checked_variants += 1;
                }
            }
        }
    }
    assert!(images >= 8, "{images} images");
    assert!(
        checked_variants >= 20,
        "{checked_variants} variants checked"
    );

    // The bundle's photo: resized, never wider than it is, WebP first.
    let post = site.read("public/posts/walnut-horse/index.html");
    let horse = &tags(&post, "img")[0];
    assert_eq!(horse["alt"], "A walnut rocking horse on the bench");
    assert_eq!(
        (horse["width"].as_str(), horse["height"].as_str()),
        ("1200", "900")
    );
    let widths: Vec<Option<u32>> = srcset(&horse["srcset"]).iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, vec![Some(480), Some(960), Some(1200)]);
    let webp = &tags(&post, "source")[0];
    assert_eq!(webp["type"], "image/webp");
    assert!(webp["srcset"].contains(".webp 1200w"), "{webp:?}");
    // The same photo in the home page's listing and in another post: the same URLs.
    let home = site.read("public/index.html");
    assert!(
        home.contains(&horse["srcset"]),
        "the listing's photo differs"
    );
    let bench = site.read("public/posts/bench/index.html");
    assert!(bench.contains(&horse["src"]), "the @/ photo differs");
    // The SVG is copied, sized from its viewBox, and decorative.
    assert!(
        post.contains("<img src=\"/shop/posts/walnut-horse/leaf.svg\" width=\"10\" height=\"10\" alt=\"\" loading=\"lazy\" decoding=\"async\">"),
        "{post}"
    );
    // The hero: responsive, with its size; the page's share image is its card (a hero is
    // a banner: see tests/cli/cards.rs).
    let segment = site.read("public/for/makers/index.html");
    let hero = &tags(&segment, "img")[0];
    assert_eq!(
        (hero["width"].as_str(), hero["height"].as_str()),
        ("1600", "800")
    );
    assert!(
        segment.contains("<meta property=\"og:image\" content=\"https://example.com/shop/cards/"),
        "{segment}"
    );
}

#[test]
fn the_first_image_of_a_page_was_lazy_like_the_rest() {
    let site = Site::fixture("images");
    site.build().success();
    let post = site.read("public/posts/walnut-horse/index.html");
    let images = tags(&post, "img");
    assert_eq!(images[0].get("loading"), None, "{:?}", images[0]);
    assert_eq!(images[0]["fetchpriority"], "high");
    assert_eq!(images[1].get("loading").map(String::as_str), Some("lazy"));
    // In a listing of many summaries, no image is the page's largest paint.
    let home = site.read("public/index.html");
    for image in tags(&home, "img") {
        assert_eq!(
            image.get("loading").map(String::as_str),
            Some("lazy"),
            "{image:?}"
        );
        assert_eq!(image.get("fetchpriority"), None);
    }
    assert_eq!(images[1]["title"], "The shop");
}

#[test]
fn published_images_carried_their_exif_gps_and_camera_serial() {
    let site = Site::fixture("images");
    let original = site.bytes("content/posts/walnut-horse/horse.jpg");
    assert!(
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&original))
            .is_ok_and(|e| e
                .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_some()),
        "the fixture photo has a GPS position"
    );
    site.build().success();
    let mut checked = 0;
    for ext in [".jpg", ".png", ".webp"] {
        for file in site.files_ending("public", ext) {
            let bytes = site.bytes(&format!("public/{file}"));
            let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes));
            assert!(
                exif.is_err(),
                "{file} carries EXIF: {:?}",
                exif.map(|e| e.fields().count())
            );
            assert!(
                !bytes.windows(11).any(|w| w == b"SERIAL-0042"),
                "{file} carries the camera serial"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} images checked");
}

/// A real 1 × 1 PNG whose header (CRC made right) claims 30,000 × 30,000 pixels: 3.6 GB
/// decoded.
fn png_bomb() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::new(1, 1)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("a PNG");
    bytes[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32fast::hash(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn bad_images_were_published_broken_instead_of_stopping_the_build() {
    let site = Site::fixture("images");
    site.build().success();
    let before = site.tree("public");
    let horse = site.bytes("content/posts/walnut-horse/horse.jpg");
    let cases: [(&str, Option<Vec<u8>>, &str); 4] = [
        (
            "nope.jpg",
            None,
            "the image `nope.jpg` is not there: no file content/posts/walnut-horse/nope.jpg",
        ),
        (
            "cut.jpg",
            Some(horse[..horse.len() / 3].to_vec()),
            "cut.jpg is a damaged JPEG image",
        ),
        (
            "notes.jpg",
            Some(b"just some notes".to_vec()),
            "notes.jpg is not an image kudos can read (JPEG, PNG, WebP, GIF or SVG)",
        ),
        (
            "bomb.png",
            Some(png_bomb()),
            "bomb.png is 30000 × 30000 pixels, more than the 50 million kudos decodes",
        ),
    ];
    for (name, bytes, message) in cases {
        if let Some(bytes) = &bytes {
            site.write(&format!("content/posts/walnut-horse/{name}"), bytes);
        }
        site.edit(
            "content/posts/walnut-horse/index.md",
            "(horse.jpg)",
            &format!("({name})"),
        );
        site.build()
            .code(1)
            .stderr_has("error: content/posts/walnut-horse/index.md:8:1: ")
            .stderr_has(message)
            .stderr_has(&format!(
                " 8 │ ![A walnut rocking horse on the bench]({name})"
            ))
            .unchanged(&before);
        site.edit(
            "content/posts/walnut-horse/index.md",
            &format!("({name})"),
            "(horse.jpg)",
        );
        if bytes.is_some() {
            site.remove(&format!("content/posts/walnut-horse/{name}"));
        }
    }
    // A missing photo and a missing hero are errors at their keys, in the same run.
    site.remove("content/shoutouts/ada.jpg");
    site.remove("static/img/hero.jpg");
    site.build()
        .code(1)
        .stderr_has("error: content/shoutouts/ada.md:4:1: the photo /ada.jpg is not there")
        .stderr_has("error: content/segments/makers.md:5:1: the image `/img/hero.jpg` is not there: no file static/img/hero.jpg or content/img/hero.jpg")
        .unchanged(&before);
}

#[test]
fn an_image_without_alt_text_went_unnoticed() {
    let site = Site::fixture("images");
    site.write(
        "content/posts/bare.md",
        "+++\ntitle = \"Bare\"\ndate = 2026-01-01\n+++\n\nText first.\n\n![](/img/shop.png)\n\n![](/img/shop.png \"decorative\")\n",
    );
    site.build()
        .success()
        .stderr_has("warning: content/posts/bare.md:8:1: the image `/img/shop.png` has no alt text")
        .stderr_lacks("bare.md:10:");
    let bare = site.read("public/posts/bare/index.html");
    let images = tags(&bare, "img");
    assert_eq!(images[1]["alt"], "");
    assert_eq!(
        images[1].get("title"),
        None,
        "the decorative mark is not a tooltip"
    );
    let before = site.tree("public");
    site.run(&["build", "--strict"])
        .code(1)
        .stderr_has("error: content/posts/bare.md:8:1: the image `/img/shop.png` has no alt text")
        .unchanged(&before);
}

#[test]
fn every_build_resized_every_photo_again() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::fixture("images");
    site.build().success();
    let first = site.tree("public");
    let cache = site.files_ending(".kudos-cache/images", "");
    assert!(cache.len() >= 18, "{cache:?}");
    assert_eq!(site.read(".kudos-cache/.gitignore"), "*\n");
    let inode = |name: &str| {
        std::fs::metadata(site.path(&format!(".kudos-cache/images/{name}")))
            .expect("a cache entry")
            .ino()
    };
    let inodes: Vec<u64> = cache.iter().map(|name| inode(name)).collect();
    site.build().success();
    assert_eq!(
        site.tree("public"),
        first,
        "a cached build publishes the same bytes"
    );
    let again: Vec<u64> = cache.iter().map(|name| inode(name)).collect();
    assert_eq!(inodes, again, "cache entries were made again");

    // Other settings make other variants, under other names; the first ones stay cached
    // (another branch or config may want them back) until unused for a day.
    let toml = site.read("kudos.toml");
    site.write("kudos.toml", format!("{toml}\n[images]\nquality = 70\n"));
    site.build().success();
    let renamed = site.files_ending("public/sized", "");
    assert_eq!(
        renamed.len(),
        first
            .files
            .keys()
            .filter(|p| p.starts_with("sized/"))
            .count()
    );
    for name in &renamed {
        assert!(
            !first.files.contains_key(&format!("sized/{name}")),
            "{name} kept its name"
        );
    }
    // Share cards show no photo here: their entries (`<card hash>-1200.png`) are reused.
    let cards = site.files_ending("public/cards", ".png").len();
    assert!(cards > 0);
    assert_eq!(
        site.files_ending(".kudos-cache/images", "").len(),
        2 * cache.len() - cards
    );
}

#[test]
fn serve_missed_an_edited_image_or_rerendered_every_page() {
    use crate::common::served;
    let site = Site::fixture("images");
    let clean = || site.rendered();
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds the site");
    let before = served(&session);

    // A new shop photo, another size: only the post that shows it (and the feeds that
    // carry that post whole) is rendered again; the listing shows only its summary.
    let mut png = Vec::new();
    image::RgbImage::from_fn(400, 200, |x, y| image::Rgb([x as u8, y as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG");
    site.write("static/img/shop.png", &png);
    let report = session
        .rebuild(&["static/img/shop.png".into()])
        .expect("serve rebuilds");
    let mut pages: Vec<&str> = report
        .changed
        .iter()
        .map(String::as_str)
        .filter(|p| p.ends_with(".html"))
        .collect();
    pages.sort_unstable();
    assert_eq!(
        pages,
        ["posts/walnut-horse/index.html"],
        "{:?}",
        report.changed
    );
    let after = served(&session);
    assert_eq!(after, clean(), "serve's output is a clean build's");
    let post = String::from_utf8_lossy(&after["posts/walnut-horse/index.html"]).into_owned();
    let shop = &tags(&post, "img")[1];
    assert_eq!(
        (shop["width"].as_str(), shop["height"].as_str()),
        ("400", "200")
    );
    assert!(!before.contains_key(&shop["src"]["/shop/".len()..]));

    // A body-only edit that adds a photo (serve's shortcut for edits in place) still
    // publishes its variants; one that drops it no longer publishes them.
    let mut fresh = Vec::new();
    image::RgbImage::from_fn(300, 100, |x, _| image::Rgb([90, x as u8, 30]))
        .write_to(
            &mut std::io::Cursor::new(&mut fresh),
            image::ImageFormat::Png,
        )
        .expect("a PNG");
    site.write("static/img/new.png", &fresh);
    session
        .rebuild(&["static/img/new.png".into()])
        .expect("serve rebuilds");
    let bench = "content/posts/bench.md";
    let text = site.read(bench);
    site.write(bench, format!("{text}\n![A new photo](/img/new.png)\n"));
    let report = session.rebuild(&[bench.into()]).expect("serve rebuilds");
    assert!(!report.patched, "a new image needs its variants made");
    assert_eq!(served(&session), clean(), "after adding an image");
    site.write(bench, &text);
    session.rebuild(&[bench.into()]).expect("serve rebuilds");
    assert_eq!(served(&session), clean(), "after dropping it");
}

#[test]
fn a_photo_shown_as_an_avatar_and_in_a_post_lost_one_of_its_sizes() {
    let site = Site::fixture("images");
    site.write(
        "content/posts/ada.md",
        "+++\ntitle = \"Ada visits\"\ndate = 2026-03-03\n+++\n\n![Ada in the workshop](@/shoutouts/ada.jpg)\n",
    );
    site.build().success();
    // The same file in two sizes: 96 px for the card, its own 300 px in the post.
    let post = site.read("public/posts/ada/index.html");
    for (url, _) in srcset(&tags(&post, "img")[0]["srcset"]) {
        published(&site, &url);
    }
    let wall = site.read("public/shoutouts/index.html");
    let avatar = tags(&wall, "img")
        .into_iter()
        .find(|img| img.get("class").is_some_and(|c| c == "avatar"))
        .expect("Ada's avatar");
    assert!(avatar["src"].ends_with("-96.jpg"), "{avatar:?}");
    published(&site, &avatar["src"]);

    // Sizes that overlap (96 px for the card, and 96 and 300 in posts) make the shared
    // one once: two outputs claiming one path would fail the build.
    let toml = site.read("kudos.toml");
    site.write(
        "kudos.toml",
        format!("{toml}\n[images]\nwidths = [96, 480]\n"),
    );
    site.build().success();
    let post = site.read("public/posts/ada/index.html");
    let widths: Vec<Option<u32>> = srcset(&tags(&post, "img")[0]["srcset"])
        .into_iter()
        .map(|(url, width)| {
            published(&site, &url);
            width
        })
        .collect();
    assert_eq!(widths, [Some(96), Some(300)]);
    let wall = site.read("public/shoutouts/index.html");
    let card_src = srcset(&tags(&post, "img")[0]["srcset"])[0].0.clone();
    assert!(
        wall.contains(&card_src),
        "the card shows the post's 96-pixel file"
    );
}

/// The tags page of the fixture, overridden to show site images through `image()`.
const TAGS_WITH_IMAGES: &str = r#"{% extends "base.html" %}
{% block content %}
{% set hero = image(path="/img/hero.jpg", widths=[320, 640]) %}
<img class="hero" src="{{ hero.src }}" srcset="{{ hero.srcset }}" sizes="{{ hero.sizes }}" width="{{ hero.width }}" height="{{ hero.height }}" alt="The workshop">
{% set horse = image(path="@/posts/walnut-horse/horse.jpg", width=200) %}
<picture><source type="image/webp" srcset="{{ horse.webp_srcset }}"><img class="horse" src="{{ horse.src }}" width="{{ horse.width }}" height="{{ horse.height }}" alt="The horse"></picture>
{% set leaf = image(path="@/posts/walnut-horse/leaf.svg") %}
<img class="leaf" src="{{ leaf.src }}" width="{{ leaf.width }}" height="{{ leaf.height }}" alt="">
{% endblock content %}
"#;

#[test]
fn a_theme_could_not_show_a_site_image_in_sizes_of_its_own() {
    let site = Site::fixture("images");
    site.write("templates/tags.html", TAGS_WITH_IMAGES);
    site.build().success();
    let page = site.read("public/tags/index.html");
    let shown = tags(&page, "img");
    let class = |name: &str| {
        shown
            .iter()
            .find(|img| img.get("class").is_some_and(|c| c == name))
            .unwrap_or_else(|| panic!("no <img class={name}> in {page}"))
            .clone()
    };

    // The hero (1600 × 800) in the theme's own widths, under the base path.
    let hero = class("hero");
    let set = srcset(&hero["srcset"]);
    assert_eq!(
        set.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        [Some(320), Some(640)]
    );
    for (url, width) in &set {
        let file = published(&site, url);
        let decoded = image::open(site.path(&file)).expect("the variant decodes");
        assert_eq!(Some(decoded.width()), *width, "{url}");
        assert_eq!(decoded.height() * 2, decoded.width(), "{url} keeps 2:1");
    }
    assert_eq!(
        (hero["width"].as_str(), hero["height"].as_str()),
        ("640", "320")
    );
    assert_eq!(hero["src"], set[1].0, "src is the largest size");
    assert_eq!(
        hero["sizes"],
        "(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)"
    );

    // A bundle photo at one width, WebP and JPEG, with no EXIF left.
    let horse = class("horse");
    assert_eq!(
        (horse["width"].as_str(), horse["height"].as_str()),
        ("200", "150")
    );
    let webp = &tags(&page, "source")[0]["srcset"];
    for url in [horse["src"].as_str(), &srcset(webp)[0].0] {
        let file = published(&site, url);
        let bytes = site.bytes(&file);
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 200);
        assert!(
            exif::Reader::new()
                .read_from_container(&mut std::io::Cursor::new(&bytes))
                .is_err(),
            "{url} carries EXIF"
        );
    }
    assert!(webp.ends_with(".webp 200w"), "{webp}");

    // An SVG is published as it is, with its size.
    let leaf = class("leaf");
    assert_eq!(leaf["src"], "/shop/posts/walnut-horse/leaf.svg");
    assert_eq!(
        (leaf["width"].as_str(), leaf["height"].as_str()),
        ("10", "10")
    );

    // `kudos check` and tests render in memory: the same variants are among the files.
    let in_memory = site.rendered();
    for (url, _) in set {
        assert!(
            in_memory.contains_key(&url[BASE.len()..]),
            "{url} not rendered in memory"
        );
    }
}

#[test]
fn a_bad_image_call_in_a_template_was_not_a_located_error() {
    let site = Site::fixture("images");
    site.write("templates/tags.html", TAGS_WITH_IMAGES);
    site.build().success();
    let before = site.tree("public");
    let cases = [
        (
            r#"image(path="/img/hero.jpg", widths=[320, 640])"#,
            r#"image(path="/img/gone.jpg")"#,
            "the image `/img/gone.jpg` is not there: no file static/img/gone.jpg or content/img/gone.jpg",
        ),
        (
            r#"image(path="/img/hero.jpg", widths=[320, 640])"#,
            r#"image(path="img/hero.jpg")"#,
            "image(): `img/hero.jpg` is not a site path",
        ),
        (
            r#"image(path="/img/hero.jpg", widths=[320, 640])"#,
            r#"image(path="/img/hero.jpg", widths=[5])"#,
            "`widths` must list 1 to 8 widths of 16 to 8192 pixels, not [5]",
        ),
        (
            r#"image(path="/img/hero.jpg", widths=[320, 640])"#,
            r#"image(path="/shoutouts/ada.jpg")"#,
            // Ada allows her photo on her cards: a theme may show it too.
            "",
        ),
    ];
    for (from, to, message) in cases {
        site.edit("templates/tags.html", from, to);
        if message.is_empty() {
            site.build().success();
            let shown = site.tree("public");
            // Without "photo" in her consent, no template can publish it.
            site.edit(
                "content/shoutouts/ada.md",
                "\"name\", \"photo\"]",
                "\"name\"]",
            );
            site.build()
                .code(1)
                .stderr_has("error: templates/tags.html:3")
                .stderr_has("the image /shoutouts/ada.jpg is a customer's photo that their consent keeps off the site")
                .unchanged(&shown);
            site.edit(
                "content/shoutouts/ada.md",
                "\"name\"]",
                "\"name\", \"photo\"]",
            );
        } else {
            site.build()
                .code(1)
                .stderr_has("error: templates/tags.html:3")
                .stderr_has(message)
                .unchanged(&before);
        }
        site.edit("templates/tags.html", to, from);
    }
    site.build().success();
}

#[test]
fn serve_kept_the_old_sizes_of_an_image_a_template_shows() {
    use crate::common::served;
    let site = Site::fixture("images");
    site.write("templates/tags.html", TAGS_WITH_IMAGES);
    let clean = || site.rendered();
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds the site");
    same_files(&served(&session), &clean(), "serve's first build");

    // A new hero photo: the page that shows it through image() is rendered again with
    // the new sizes, and the old sizes leave the output.
    let mut jpeg = Vec::new();
    image::RgbImage::from_fn(1000, 400, |x, y| image::Rgb([x as u8, y as u8, 60]))
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("a JPEG");
    site.write("static/img/hero.jpg", &jpeg);
    let report = session
        .rebuild(&["static/img/hero.jpg".into()])
        .expect("serve rebuilds");
    assert!(
        report.changed.iter().any(|p| p == "tags/index.html"),
        "{:?}",
        report.changed
    );
    assert!(
        !report.changed.iter().any(|p| p == "posts/bench/index.html"),
        "a page that does not show it was rendered again: {:?}",
        report.changed
    );
    let after = served(&session);
    same_files(&after, &clean(), "after the photo changed");
    let tags_page = String::from_utf8_lossy(&after["tags/index.html"]).into_owned();
    assert!(
        tags_page.contains("width=\"640\" height=\"256\""),
        "{tags_page}"
    );

    // An edit of a post's body: the pages the template shows are still published.
    let bench = "content/posts/bench.md";
    site.edit(bench, "+++\n\n", "+++\n\nA new first line.\n\n");
    session.rebuild(&[bench.into()]).expect("serve rebuilds");
    same_files(&served(&session), &clean(), "after a body edit");
}

/// Two outputs are the same files with the same bytes; names what differs.
fn same_files(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>, when: &str) {
    let differ = crate::common::differing(got, want);
    assert!(
        differ.is_empty(),
        "{when}: serve's output differs from a clean build's in {differ:?}"
    );
}

#[test]
fn a_warm_build_keeps_the_sizes_a_template_asked_for() {
    let site = Site::fixture("images");
    site.write("templates/tags.html", TAGS_WITH_IMAGES);
    site.build().success();
    let post = site
        .files_ending("content/posts", ".md")
        .into_iter()
        .next()
        .expect("a post");
    let path = format!("content/posts/{post}");
    site.write(&path, format!("{}\nOne more line.\n", site.read(&path)));
    site.build().success().stderr_has("Built ");
    site.run(&["build", "--output", "clean"]).success();
    assert_eq!(site.output_files("public"), site.output_files("clean"));
}
