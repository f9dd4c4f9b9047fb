//! Share cards (issue 10): every page names a published 1200 × 630 PNG as its `og:image`,
//! a shout-out gets a quote card only with "social" consent and a quote (or an exact
//! excerpt) that fits, a name the consent withholds is never on a card, text is fitted
//! and every script kudos has a font for is drawn, with the embedded fonts or the site's
//! own (`[cards] fonts`, here `tests/fixtures/fonts/NotoSansJP-Subset.ttf`). Over
//! `tests/fixtures/cards`: three posts with hard titles (long, Arabic, Japanese), a
//! segment, and shout-outs with and without "social", with and without the name, with a
//! quote too long for a card (one with a `share_excerpt`).

use std::collections::BTreeMap;

use crate::common::Site;
use kudos::build::{self, Project};
use kudos::content::Date;
use kudos::site::BuildOptions;

const BASE: &str = "https://example.com/shop/";

/// The `<meta>` tags of a page, by `property` or `name`.
fn meta(html: &str) -> BTreeMap<String, String> {
    html.match_indices("<meta ")
        .filter_map(|(at, _)| {
            let tag = &html[at..at + html[at..].find('>')?];
            let value = |attr: &str| {
                let start = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
                Some(tag[start..start + tag[start..].find('"')?].to_string())
            };
            let key = value("property").or_else(|| value("name"))?;
            Some((key, value("content")?))
        })
        .collect()
}

/// The page at `path` (below `public/`): its `og:image` as an output path, if any.
fn card_of(site: &Site, page: &str) -> Option<String> {
    let tags = meta(&site.read(&format!("public/{page}")));
    let url = tags.get("og:image")?;
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{page}: {url} is not under {BASE}"));
    Some(path.to_string())
}

/// The SVG text of every card of the site, by output path, rendered in-process.
fn card_sources(site: &Site) -> BTreeMap<String, String> {
    let project = Project::new(&site.root(), None);
    let config = project.config().expect("the fixture's config");
    let options = BuildOptions {
        drafts: false,
        strict: false,
        now: Date::parse("2026-06-01").unwrap(),
    };
    build::render(&project, config, &options)
        .expect("the fixture renders")
        .card_sources
}

/// The test subset of Noto Sans JP (`ありがとうございます日本語A` and the space).
fn japanese_font() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fonts/NotoSansJP-Subset.ttf"
    ))
    .expect("the test font")
}

/// The fixture with `fonts/jp.ttf` (the Japanese subset) named in `[cards] fonts`.
fn site_with_japanese_font() -> Site {
    let site = Site::fixture("cards");
    site.write("fonts/jp.ttf", japanese_font());
    let config = site.read("kudos.toml");
    site.write(
        "kudos.toml",
        format!(
            "{config}
[cards]
fonts = [\"fonts/jp.ttf\"]\n"
        ),
    );
    site
}

/// The fonts the site's cards are drawn with, as its config loads them.
fn card_fonts(site: &Site) -> kudos::images::fonts::CardFonts {
    let project = Project::new(&site.root(), None);
    project.config().expect("the config").card_fonts
}

fn decoded_size(site: &Site, output: &str) -> (u32, u32) {
    let bytes = site.bytes(&format!("public/{output}"));
    let image = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{output}: {e}"));
    (image.width(), image.height())
}

#[test]
fn every_page_names_a_published_1200_by_630_card_under_the_base_path() {
    let site = Site::fixture("cards");
    site.build().success();
    let pages = site.files_ending("public", ".html");
    assert!(pages.len() > 10);
    // Embedded walls are frames on other sites (noindex): nobody shares them.
    let shared = |p: &&String| !p.ends_with("404.html") && !p.ends_with("embed/index.html");
    for page in pages.iter().filter(shared) {
        let html = site.read(&format!("public/{page}"));
        let tags = meta(&html);
        let card = card_of(&site, page).unwrap_or_else(|| panic!("{page} has no og:image"));
        assert!(
            card.starts_with("cards/") && card.ends_with(".png"),
            "{page}: {card}"
        );
        assert_eq!(decoded_size(&site, &card), (1200, 630), "{page}: {card}");
        assert_eq!(tags["og:image:width"], "1200", "{page}");
        assert_eq!(tags["og:image:height"], "630", "{page}");
        assert!(!tags["og:image:alt"].is_empty(), "{page}");
        assert_eq!(tags["twitter:card"], "summary_large_image", "{page}");
        assert_eq!(tags["twitter:image"], tags["og:image"], "{page}");
    }
    // Posts, the segment and the shout-outs that consent have their own cards.
    let home = card_of(&site, "index.html");
    for own in [
        "posts/hello/index.html",
        "posts/long-title/index.html",
        "for/parents/index.html",
        "shoutouts/ada/index.html",
        "shoutouts/long/index.html",
    ] {
        assert_ne!(card_of(&site, own), home, "{own} shows the site's card");
    }
    let alt = meta(&site.read("public/shoutouts/ada/index.html"))["og:image:alt"].clone();
    assert_eq!(
        alt,
        "“The rocking horse arrived beautifully wrapped.” — Ada Quill"
    );
}

#[test]
fn a_shoutout_without_social_consent_or_a_quote_that_fits_shows_the_site_card() {
    let site = Site::fixture("cards");
    site.build().success();
    let home = card_of(&site, "index.html");
    assert!(home.is_some());
    assert_eq!(
        card_of(&site, "shoutouts/cy/index.html"),
        home,
        "no \"social\""
    );
    assert_eq!(
        card_of(&site, "shoutouts/toolong/index.html"),
        home,
        "a quote too long and no share_excerpt"
    );
    // The excerpt is shown as it is written, marked where it leaves words out.
    let sources = card_sources(&site);
    let long = card_of(&site, "shoutouts/long/index.html").unwrap();
    let svg = &sources[&long];
    let shown: Vec<&str> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|(_, text)| text))
        .collect();
    assert!(
        shown
            .join(" ")
            .contains("…the ducks outlasted three children and a dog…"),
        "{svg}"
    );
    assert!(!svg.contains("caravan"), "{svg}");
}

#[test]
fn a_share_excerpt_that_rewords_the_quote_is_an_error_at_its_line() {
    let site = Site::fixture("cards");
    site.build().success();
    let before = site.tree("public");
    site.edit(
        "content/shoutouts/long.md",
        "the ducks outlasted three children and a dog",
        "the ducks outlasted three children, a dog and a flood",
    );
    site.build()
        .code(1)
        .stderr_has("content/shoutouts/long.md:4:1")
        .stderr_has("`share_excerpt` is not a piece of the quote")
        .unchanged(&before);
}

#[test]
fn a_name_the_consent_withholds_is_never_in_a_card() {
    let site = Site::fixture("cards");
    site.build().success();
    let sources = card_sources(&site);
    let bea = card_of(&site, "shoutouts/leeds-toddler/index.html").expect("Bea's page has a card");
    let svg = &sources[&bea];
    assert!(svg.contains("A customer in Leeds"), "{svg}");
    for withheld in ["Bea", "Secretname", "Hiddenworks"] {
        assert!(!svg.contains(withheld), "{withheld} is on the card:\n{svg}");
        let png = site.bytes(&format!("public/{bea}"));
        assert!(
            !png.windows(withheld.len())
                .any(|w| w == withheld.as_bytes()),
            "{withheld} is in the PNG's bytes"
        );
    }
    assert!(
        !svg.contains("<image"),
        "a photo without \"photo\" in scope:\n{svg}"
    );
    let ada = &sources[&card_of(&site, "shoutouts/ada/index.html").unwrap()];
    assert!(ada.contains("Ada Quill"), "{ada}");
    // With "photo" in scope the card shows the published variant of the photo.
    let photo = ada
        .split("<image href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no photo on Ada's card:\n{ada}"))
        .replace("&#x2F;", "/");
    assert!(photo.starts_with("sized/"), "{photo}");
    assert!(site.path(&format!("public/{photo}")).is_file(), "{photo}");
    // Withdrawing consent takes the card with the shout-out.
    let ada = card_of(&site, "shoutouts/ada/index.html").unwrap();
    site.edit(
        "content/shoutouts/ada.md",
        "+++\n\n",
        "withdrawn = 2026-01-01\n+++\n\n",
    );
    site.build().success().absent(&format!("public/{ada}"));
}

#[test]
fn a_long_title_is_shortened_with_an_ellipsis() {
    let site = Site::fixture("cards");
    site.build().success();
    let sources = card_sources(&site);
    let svg = &sources[&card_of(&site, "posts/long-title/index.html").unwrap()];
    assert!(svg.contains("…</text>"), "{svg}");
    assert!(!svg.contains("patient sanding"), "{svg}");
    let hello = &sources[&card_of(&site, "posts/hello/index.html").unwrap()];
    assert!(
        hello.contains(">Hello cards</text>") && !hello.contains('…'),
        "{hello}"
    );
}

#[test]
fn arabic_is_drawn_and_a_script_without_a_font_falls_back_to_the_site_card() {
    let site = Site::fixture("cards");
    let run = site.build().success();
    let sources = card_sources(&site);
    let arabic = card_of(&site, "posts/arabic/index.html").unwrap();
    assert_ne!(Some(arabic.clone()), card_of(&site, "index.html"));
    let svg = &sources[&arabic];
    assert!(svg.contains("شكرا"), "{svg}");
    assert_eq!(
        kudos::images::card::notdef_glyphs(svg, &Default::default()),
        Ok(0)
    );
    // No font for Japanese: no boxes, the site's card, and a warning naming the file.
    assert_eq!(
        card_of(&site, "posts/japanese/index.html"),
        card_of(&site, "index.html")
    );
    run.stderr_has("content/posts/japanese.md")
        .stderr_has("no share card for it: `あ`")
        .stderr_has("add a font file that has them to `[cards] fonts` in kudos.toml");
    for svg in sources.values() {
        assert_eq!(
            kudos::images::card::notdef_glyphs(svg, &Default::default()),
            Ok(0),
            "{svg}"
        );
    }
}

#[test]
fn cards_switch_off_by_kind() {
    let site = Site::fixture("cards");
    let config = site.read("kudos.toml");
    let with = |table: &str| {
        site.write("kudos.toml", format!("{config}\n[cards]\n{table}\n"));
        site.build().success();
    };
    with("posts = false");
    let home = card_of(&site, "index.html");
    assert_eq!(card_of(&site, "posts/hello/index.html"), home);
    assert_ne!(card_of(&site, "for/parents/index.html"), home);
    with("segments = false");
    assert_eq!(card_of(&site, "for/parents/index.html"), home);
    assert_ne!(card_of(&site, "posts/hello/index.html"), home);
    with("shoutouts = false");
    assert_eq!(card_of(&site, "shoutouts/ada/index.html"), home);
    with("site = false");
    assert_eq!(card_of(&site, "index.html"), None);
    assert_eq!(card_of(&site, "shoutouts/cy/index.html"), None);
    assert!(card_of(&site, "posts/hello/index.html").is_some());
    with("posts = false\nsegments = false\nshoutouts = false\nsite = false");
    assert!(site.files_ending("public/cards", ".png").is_empty());
    assert!(meta(&site.read("public/index.html"))["twitter:card"] == "summary");
    site.write("kudos.toml", format!("{config}\n[cards]\npostz = false\n"));
    site.build()
        .code(1)
        .stderr_has("unknown field `postz`")
        .stderr_has("posts");
    site.write(
        "kudos.toml",
        format!("{config}\n[cards]\naccent = 'red\"/>'\n"),
    );
    site.build().code(1).stderr_has("`[cards] accent`");
}

#[test]
fn a_second_build_reuses_every_cached_card() {
    let site = Site::fixture("cards");
    site.build().success();
    let cards = site.files_ending("public/cards", ".png");
    assert!(cards.len() >= 6, "{cards:?}");
    // Doctor one cached card: a build that drew it again would publish the real one.
    let first = &cards[0];
    let hash = first.trim_end_matches(".png");
    let entry = format!(".kudos-cache/images/{hash}-1200.png");
    let marker = site.bytes(&format!("public/cards/{}", cards[1]));
    site.write(&entry, &marker);
    let before: Vec<Vec<u8>> = cards[1..]
        .iter()
        .map(|c| site.bytes(&format!("public/cards/{c}")))
        .collect();
    // In `public/` the card is kept as it is, without even reading the cache entry
    // (which would replace it with the doctored bytes): it is named by its content.
    let real = site.bytes(&format!("public/cards/{first}"));
    assert_ne!(real, marker);
    site.write(
        "content/about.md",
        "+++\ntitle = \"About us\"\n+++\n\nNew words.\n",
    );
    site.build().success().stderr_has("Built ");
    assert_eq!(site.bytes(&format!("public/cards/{first}")), real);
    // Into a new folder, the cache entry is copied: no card is drawn again.
    site.run(&["build", "--output", "again"]).success();
    assert_eq!(site.bytes(&format!("again/cards/{first}")), marker);
    let after: Vec<Vec<u8>> = cards[1..]
        .iter()
        .map(|c| site.bytes(&format!("again/cards/{c}")))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn serve_remakes_a_card_exactly_when_what_it_shows_changes() {
    use kudos::serve::session::Session;
    let site = Site::fixture("cards");
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds");
    let served_cards = |session: &Session| -> Vec<String> {
        let mut cards: Vec<String> = session
            .output()
            .keys()
            .filter(|p| p.starts_with("cards/"))
            .map(|p| p.to_string())
            .collect();
        cards.sort();
        cards
    };
    let card_in = |session: &Session| {
        let page = &session.output()["posts/hello/index.html"];
        let html = String::from_utf8(page.bytes().unwrap().into_owned()).unwrap();
        meta(&html)["og:image"].trim_start_matches(BASE).to_string()
    };
    let before = card_in(&session);
    // The body is not on the card: the card stays, and so does its file.
    let post = "content/posts/hello.md";
    site.edit(post, "Hello.", "Hello, and welcome.");
    let report = session.rebuild(&[post.into()]).unwrap();
    assert!(report.patched);
    assert_eq!(card_in(&session), before);
    assert!(
        !report.changed.iter().any(|c| c.starts_with("cards/")),
        "{:?}",
        report.changed
    );
    // The title is: a new card, the old file gone, as in a clean build.
    site.edit(post, "Hello cards", "Hello again, cards");
    let report = session.rebuild(&[post.into()]).unwrap();
    assert!(report.patched, "a title edit is still patched");
    let after = card_in(&session);
    assert_ne!(after, before);
    assert!(report.changed.contains(&after) && report.changed.contains(&before));
    assert!(session.output().contains_key(after.as_str()));
    assert!(!session.output().contains_key(before.as_str()));
    let clean = card_sources(&site);
    assert_eq!(
        served_cards(&session),
        clean.keys().cloned().collect::<Vec<_>>()
    );
}

#[test]
fn serve_draws_a_shoutout_card_from_its_new_quote_when_the_whole_site_is_built_again() {
    let site = Site::fixture("cards");
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds");
    // The card a clean build draws with `words` on it.
    let card_with = |words: &str| -> String {
        let sources = card_sources(&site);
        let (path, _) = sources
            .iter()
            .find(|(_, svg)| svg.contains(words))
            .expect("a card with the words");
        path.clone()
    };
    let before = card_with("beautifully");
    assert!(session.output().contains_key(before.as_str()));
    // A new quote and a new config in one save: not a patch, the whole site is built again
    // (the quotes' text is kept between such rebuilds by each quote's revision).
    let quote = "content/shoutouts/ada.md";
    site.edit(quote, "beautifully wrapped", "wrapped like a present");
    site.edit("kudos.toml", "A small shop", "A little shop");
    let report = session
        .rebuild(&[quote.into(), "kudos.toml".into()])
        .unwrap();
    assert!(!report.patched);
    let after = card_with("present");
    assert!(session.output().contains_key(after.as_str()));
    assert!(!session.output().contains_key(before.as_str()));
}

#[test]
fn a_site_font_gives_a_japanese_title_a_card_of_its_own_drawn_with_it() {
    let site = site_with_japanese_font();
    site.build()
        .success()
        .stderr_lacks("content/posts/japanese.md")
        .stderr_lacks("no share card");
    let home = card_of(&site, "index.html");
    let japanese = card_of(&site, "posts/japanese/index.html").expect("a card");
    assert_ne!(Some(japanese.clone()), home, "the site's card");
    assert_eq!(decoded_size(&site, &japanese), (1200, 630));
    let sources = card_sources(&site);
    let svg = &sources[&japanese];
    assert!(svg.contains(">ありがとうございます</text>"), "{svg}");
    let fonts = card_fonts(&site);
    assert_eq!(kudos::images::card::notdef_glyphs(svg, &fonts), Ok(0));
    // The published pixels are the card drawn with the font, not with boxes.
    let published = image::load_from_memory(&site.bytes(&format!("public/{japanese}")))
        .unwrap()
        .to_rgb8();
    let draw = |fonts: &kudos::images::fonts::CardFonts| {
        let png = kudos::images::card::rasterise(svg, fonts, &|_| None).unwrap();
        image::load_from_memory(&png).unwrap().to_rgb8()
    };
    assert_eq!(published, draw(&fonts));
    let tofu = draw(&kudos::images::fonts::CardFonts::embedded());
    assert_ne!(published, tofu, "drawn as .notdef boxes");
    // And the title is there: dark text where its line stands, not a blank card.
    let ink = |image: &image::RgbImage| {
        (80..1120)
            .flat_map(|x| (150..260).map(move |y| (x, y)))
            .filter(|&(x, y)| image.get_pixel(x, y).0.iter().all(|&v| v < 100))
            .count()
    };
    assert!(ink(&published) > 3000, "{}", ink(&published));
}

#[test]
fn a_changed_font_file_makes_new_cards_and_an_unchanged_one_reuses_them() {
    let site = site_with_japanese_font();
    site.build().success();
    let before = card_of(&site, "posts/japanese/index.html").unwrap();
    let hello = card_of(&site, "posts/hello/index.html").unwrap();
    site.build().success();
    assert_eq!(card_of(&site, "posts/japanese/index.html").unwrap(), before);
    // The same file name, other bytes: other pixels may come out, so other names.
    let mut font = japanese_font();
    font.push(0);
    site.write("fonts/jp.ttf", font);
    site.build().success().absent(&format!("public/{before}"));
    let after = card_of(&site, "posts/japanese/index.html").unwrap();
    assert_ne!(after, before);
    assert_ne!(card_of(&site, "posts/hello/index.html").unwrap(), hello);
    // Without fonts of its own the site's Latin cards have the names they had before.
    let plain = Site::fixture("cards");
    plain.build().success();
    let site_without = card_of(&plain, "posts/hello/index.html").unwrap();
    let config = site.read("kudos.toml");
    site.write(
        "kudos.toml",
        config.replace("fonts = [\"fonts/jp.ttf\"]", ""),
    );
    site.build().success();
    assert_eq!(
        card_of(&site, "posts/hello/index.html").unwrap(),
        site_without
    );
}

#[test]
fn a_font_file_that_is_missing_or_no_font_is_an_error_at_the_key() {
    let site = Site::fixture("cards");
    site.build().success();
    let before = site.tree("public");
    let config = site.read("kudos.toml");
    let lines = config.lines().count();
    let with_fonts = |fonts: &str| {
        site.write(
            "kudos.toml",
            format!("{config}[cards]\nfonts = [{fonts}]\n"),
        );
    };
    with_fonts("\"fonts/NotoSansJP-Regular.otf\"");
    site.build()
        .code(1)
        .stderr_has(&format!("kudos.toml:{}:1", lines + 2))
        .stderr_has("`[cards] fonts`: cannot use `fonts/NotoSansJP-Regular.otf`")
        .stderr_has("relative to the site root")
        .unchanged(&before);
    // Not a font: a text file, a WOFF2 web font.
    site.write("fonts/notes.ttf", "not a font");
    with_fonts("\"fonts/notes.ttf\"");
    site.build()
        .code(1)
        .stderr_has(
            "cannot use `fonts/notes.ttf`: it is not a TrueType, OpenType or collection font file",
        )
        .unchanged(&before);
    site.write("fonts/jp.woff2", b"wOF2\0\x01\0\0");
    site.write("fonts/jp.ttf", japanese_font());
    with_fonts("\"fonts/jp.ttf\", \"fonts/jp.woff2\"");
    site.build()
        .code(1)
        .stderr_has("cannot use `fonts/jp.woff2`: it is a WOFF web font")
        .stderr_has("convert")
        .unchanged(&before);
    // A folder is not a font file either.
    with_fonts("\"fonts\"");
    site.build()
        .code(1)
        .stderr_has("cannot use `fonts`: it is not a file")
        .unchanged(&before);
}

#[test]
fn serve_draws_the_cards_again_when_the_font_file_changes() {
    use kudos::serve::session::Session;
    let site = site_with_japanese_font();
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds");
    let card_in = |session: &Session| {
        let page = &session.output()["posts/japanese/index.html"];
        let html = String::from_utf8(page.bytes().unwrap().into_owned()).unwrap();
        meta(&html)["og:image"].trim_start_matches(BASE).to_string()
    };
    let before = card_in(&session);
    assert!(session.output().contains_key(before.as_str()));
    // An edit elsewhere keeps the fonts (and the card) as they were.
    site.edit("content/posts/hello.md", "Hello.", "Hello, and welcome.");
    let report = session.rebuild(&["content/posts/hello.md".into()]).unwrap();
    assert!(report.patched);
    assert_eq!(card_in(&session), before);
    // The font file changes: the next rebuild reads it again, whatever set it off (the
    // watcher does not watch font files): here another edit of the post.
    let mut font = japanese_font();
    font.push(0);
    site.write("fonts/jp.ttf", font);
    site.edit("content/posts/hello.md", "welcome", "welcome back");
    let report = session.rebuild(&["content/posts/hello.md".into()]).unwrap();
    assert!(!report.patched, "new fonts are a full rebuild");
    let after = card_in(&session);
    assert_ne!(after, before);
    assert!(session.output().contains_key(after.as_str()));
    assert!(!session.output().contains_key(before.as_str()));
    assert!(report.changed.contains(&after), "{:?}", report.changed);
    // A font that goes away is an error, and the last good output stays.
    site.remove("fonts/jp.ttf");
    let Err(kudos::error::Error::Content(errors)) = session.rebuild(&["kudos.toml".into()]) else {
        panic!("a missing font is an error");
    };
    let error = errors[0].to_string();
    assert!(
        error.starts_with("kudos.toml:") && error.contains("cannot use `fonts/jp.ttf`"),
        "{error}"
    );
    assert!(session.output().contains_key(after.as_str()));
}

#[test]
fn cards_named_by_the_last_build_are_the_cards_a_clean_build_makes() {
    // A warm build names a card it made before without rendering it, by what the card
    // shows and everything else its template reads. Each change below must give the
    // cards a clean build (no cache at all) gives.
    let site = Site::fixture("cards");
    let clean = Site::fixture("cards");
    site.build().success();
    assert!(site.path(".kudos-cache/build/card-names").is_file());
    // `change` made to both copies, then the warm build must equal the clean one.
    let after = |what: &str, change: &dyn Fn(&Site)| {
        change(&site);
        change(&clean);
        site.build().success().stderr_has("Built ");
        let _ = std::fs::remove_dir_all(clean.path(".kudos-cache"));
        clean.build().success();
        let (warm, fresh) = (site.output_files("public"), clean.output_files("public"));
        let cards = |files: &BTreeMap<String, Vec<u8>>| {
            files.keys().filter(|p| p.starts_with("cards/")).count()
        };
        assert!(cards(&fresh) >= 6, "{what}: {:?}", fresh.keys());
        assert!(warm == fresh, "{what}: the output equals a clean build");
    };
    // The template (the accent bar taller, and the site's address printed on it).
    let template = include_str!("../../themes/kudos/templates/card.svg")
        .replace("height=\"18\"", "height=\"40\"")
        .replace(
            "</svg>",
            "<text x=\"80\" y=\"600\">{{ config.base_url }}</text>\n</svg>",
        );
    after("a new card template", &|s| {
        s.write("templates/card.svg", &template);
    });
    // A setting only the template reads.
    after("a new base URL", &|s| {
        s.edit("kudos.toml", "example.com/shop", "example.org/shop");
    });
    // A translated string the template prints, then changed by the site.
    let with_string = template.replace(
        "</svg>",
        "<text x=\"80\" y=\"560\">{{ t(key=\"skip_to_content\") }}</text>\n</svg>",
    );
    after("a translated string on the card", &|s| {
        s.write("templates/card.svg", &with_string);
    });
    after("the string changed", &|s| {
        s.write("i18n/en.toml", "skip_to_content = \"Jump to the words\"\n");
    });
    // A component the template uses, defined in another file (components are global).
    let component = |colour: &str| {
        format!(
            "{{% component stripe(y=0) %}}<rect y=\"{{{{ y }}}}\" width=\"1200\" height=\"10\" fill=\"{colour}\"/>{{% endcomponent stripe %}}\n"
        )
    };
    let with_stripe = template.replace("</svg>", "{{ <stripe y={5}/> }}\n</svg>");
    after("a component on the card", &|s| {
        s.write("templates/partials/stripe.html", component("#ff0000"));
        s.write("templates/card.svg", &with_stripe);
    });
    after("the component changed", &|s| {
        s.write("templates/partials/stripe.html", component("#0000ff"));
    });
    after("the component gone", &|s| {
        s.remove("templates/partials/stripe.html");
        s.write("templates/card.svg", &template);
    });
    // A card whose PNG left the image cache is drawn again from what it shows.
    std::fs::remove_dir_all(site.path(".kudos-cache/images")).unwrap();
    after("no cached card", &|s| {
        s.edit("content/posts/hello.md", "Hello.", "Hello, and welcome.");
    });
}
