//! The visibility decision and honest ratings, through the CLI (issue 16, points 3 to 5):
//! one test per thing found on the old main, each named after what went wrong there.
//!
//! Every check reads the built output the way a visitor or a search engine would: the
//! whole of `public/` is searched for the datum that must not be there.

use crate::common::Site;

const CONFIG: &str = "title = \"Honest Toys\"\nbase_url = \"https://example.com\"\n";

/// A site with `kudos.toml` and the given files.
fn site_with(files: &[(&str, &str)]) -> Site {
    let site = Site::blank();
    site.write("kudos.toml", CONFIG);
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

/// A shout-out file: `front` is extra front matter lines, `scope` the consent scope.
fn shoutout(customer: &str, front: &str, scope: &str, quote: &str) -> String {
    format!(
        "+++\ncustomer = \"{customer}\"\n{front}consent = {{ date = 2025-01-02, scope = [{scope}], proof = \"email\" }}\n+++\n\n{quote}\n"
    )
}

/// No output file contains `needle`; the assertion names those that do.
fn assert_nowhere(site: &Site, needle: &str) {
    let found = site.files_containing("public", needle);
    assert!(found.is_empty(), "{needle:?} is in {found:#?}");
}

/// Some output file contains `needle`.
fn assert_somewhere(site: &Site, needle: &str) {
    let found = site.files_containing("public", needle);
    assert!(!found.is_empty(), "{needle:?} is in no output file");
}

/// Two real photos without metadata, so a published copy is byte for byte the file.
const CONTENT_PHOTO: &[u8] = include_bytes!("../fixtures/photos/progressive.jpg");
const STATIC_PHOTO: &[u8] = include_bytes!("../fixtures/photos/plain.jpg");

/// No output file holds the bytes of `photo`, and no resized variant of any photo is
/// published either (the sites here have no other images).
fn photo_nowhere(site: &Site, photo: &[u8]) {
    let found = site.files_holding("public", photo);
    assert!(found.is_empty(), "the photo's bytes are in {found:#?}");
    let variants = site.files_ending("public", ".webp");
    assert!(variants.is_empty(), "variants published: {variants:#?}");
}

/// The `src` of the avatar on the page at `page`: a published JPEG variant.
fn avatar_src(site: &Site, page: &str) -> String {
    let html = site.read(page);
    let at = html
        .find("<img class=\"avatar\" src=\"")
        .unwrap_or_else(|| panic!("no avatar in {page}"));
    let src = html[at..].split('"').nth(3).unwrap_or_default().to_string();
    assert!(
        src.starts_with("/sized/") && src.ends_with(".jpg"),
        "avatar src {src}"
    );
    assert!(
        site.path(&format!("public{src}")).is_file(),
        "{src} is not published"
    );
    src
}

/// Ada's photo beside her shout-out in `content/shoutouts/`, Bea's in `static/img/`,
/// both with "photo" in scope.
fn site_with_photos() -> Site {
    let all = "\"quote\", \"name\", \"photo\"";
    let site = site_with(&[
        (
            "content/shoutouts/ada.md",
            &shoutout("Ada Quill", "avatar = \"ada.jpg\"\n", all, "Lovely horse."),
        ),
        (
            "content/shoutouts/bea.md",
            &shoutout(
                "Bea Bell",
                "avatar = \"/img/bea.jpg\"\n",
                all,
                "Lovely blocks.",
            ),
        ),
    ]);
    site.write("content/shoutouts/ada.jpg", CONTENT_PHOTO);
    site.write("static/img/bea.jpg", STATIC_PHOTO);
    site
}

#[test]
fn photo_files_were_published_after_consent_was_withdrawn() {
    let site = site_with_photos();
    site.build().success();
    avatar_src(&site, "public/shoutouts/ada/index.html");
    avatar_src(&site, "public/shoutouts/bea/index.html");
    assert_eq!(site.bytes("public/shoutouts/ada.jpg"), CONTENT_PHOTO);
    assert_eq!(site.bytes("public/img/bea.jpg"), STATIC_PHOTO);

    for file in ["content/shoutouts/ada.md", "content/shoutouts/bea.md"] {
        site.edit(file, "consent = ", "withdrawn = 2025-06-01\nconsent = ");
    }
    site.build()
        .success()
        .stderr_has("warning: content/shoutouts/ada.md:3:1: the photo /shoutouts/ada.jpg is left out of the output: consent was withdrawn on 2025-06-01")
        .stderr_has("warning: content/shoutouts/bea.md:3:1: the photo /img/bea.jpg is left out of the output: consent was withdrawn on 2025-06-01")
        .absent("public/shoutouts/ada.jpg")
        .absent("public/img/bea.jpg")
        .absent("public/sized");
    photo_nowhere(&site, CONTENT_PHOTO);
    photo_nowhere(&site, STATIC_PHOTO);
    for needle in ["ada.jpg", "bea.jpg", "Ada Quill"] {
        assert_nowhere(&site, needle);
    }
}

#[test]
fn photo_files_were_published_without_photo_in_the_scope() {
    let site = site_with_photos();
    for file in ["content/shoutouts/ada.md", "content/shoutouts/bea.md"] {
        site.edit(file, ", \"photo\"]", "]");
    }
    site.build()
        .success()
        .stderr_has("warning: content/shoutouts/ada.md:3:1: the photo /shoutouts/ada.jpg is left out of the output: its consent does not cover \"photo\"")
        .stderr_has("warning: content/shoutouts/bea.md:3:1: the photo /img/bea.jpg is left out of the output: its consent does not cover \"photo\"")
        .absent("public/shoutouts/ada.jpg")
        .absent("public/img/bea.jpg")
        .file("public/shoutouts/ada/index.html")
        .contains("<span class=\"avatar initials\" aria-hidden=\"true\">AQ</span>");
    site.build().success().absent("public/sized");
    photo_nowhere(&site, CONTENT_PHOTO);
    photo_nowhere(&site, STATIC_PHOTO);
    for needle in ["ada.jpg", "bea.jpg"] {
        assert_nowhere(&site, needle);
    }

    // One published shout-out whose consent covers the file is enough to publish it.
    site.write(
        "content/shoutouts/cat.md",
        shoutout(
            "Cat Cole",
            "avatar = \"/img/bea.jpg\"\n",
            "\"quote\", \"name\", \"photo\"",
            "Same photo, with consent.",
        ),
    );
    site.build().success().absent("public/shoutouts/ada.jpg");
    assert_eq!(site.bytes("public/img/bea.jpg"), STATIC_PHOTO);
    avatar_src(&site, "public/shoutouts/cat/index.html");
}

#[test]
fn source_url_and_source_name_were_shown_without_name_in_the_scope() {
    let site = site_with(&[
        (
            "content/shoutouts/ada-lovelace.md",
            &shoutout(
                "Ada Lovelace",
                "location = \"Leeds\"\nsource_url = \"https://reviews.example/u/ada-lovelace-42\"\nsource_name = \"AdaReviewsProfile\"\ncompany = \"EnginesCo\"\nrole = \"ChiefCounter\"\nsegments = [\"parents\"]\n",
                "\"quote\"",
                "The horse is a hit.",
            ),
        ),
        (
            "content/segments/parents.md",
            "+++\ntitle = \"Parents\"\n+++\n\nFor parents.\n",
        ),
        (
            "content/posts/embeds.md",
            "+++\ntitle = \"Embeds\"\ndate = 2025-01-01\n+++\n\n{{ shoutouts(limit=3) }}\n",
        ),
    ]);
    site.build()
        .success()
        .file("public/shoutouts/index.html")
        .contains("A customer in Leeds")
        .file("public/for/parents/index.html")
        .contains("A customer in Leeds")
        .file("public/posts/embeds/index.html")
        .contains("A customer in Leeds");
    for needle in [
        "reviews.example",
        "ada-lovelace-42",
        "AdaReviewsProfile",
        "EnginesCo",
        "ChiefCounter",
        "Ada",
        "Lovelace",
        "lovelace",
    ] {
        assert_nowhere(&site, needle);
    }

    // With the name in scope, the source link is shown, escaped, on every card.
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "[\"quote\"]",
        "[\"quote\", \"name\"]",
    );
    site.build().success();
    assert_somewhere(
        &site,
        "<a href=\"https://reviews.example/u/ada-lovelace-42\" rel=\"nofollow noopener\">AdaReviewsProfile</a>",
    );
}

/// The old neutral slug: FNV-1a (32 bits) of the path below `content/`.
fn old_neutral_slug(content_path: &str) -> String {
    let hash = content_path.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("customer-{hash:08x}")
}

/// The one `customer-...` slug the wall links to.
fn neutral_slug(site: &Site) -> String {
    let wall = site.read("public/shoutouts/index.html");
    let at = wall
        .find("data-shoutout=\"customer-")
        .expect("a neutral card")
        + 15;
    let end = at + wall[at..].find('"').expect("the attribute ends");
    wall[at..end].to_string()
}

#[test]
fn neutral_url_was_derivable_from_the_customers_file_name() {
    // `kudos new shoutout "Bartholomew Secretname"` names the file after the customer.
    let file = "content/shoutouts/bartholomew-secretname.md";
    let site = site_with(&[(
        file,
        &shoutout(
            "Bartholomew Secretname",
            "location = \"Leeds\"\n",
            "\"quote\"",
            "Our twins fight over whose turn it is on the horse.",
        ),
    )]);
    site.build().success();
    let slug = neutral_slug(&site);
    // Anyone could hash a guessed file name and look for that URL.
    assert_ne!(
        slug,
        old_neutral_slug("shoutouts/bartholomew-secretname.md")
    );
    for needle in ["Bartholomew", "bartholomew", "Secretname", "secretname"] {
        assert_nowhere(&site, needle);
    }
    site.file(&format!("public/shoutouts/{slug}/index.html"))
        .contains("A customer in Leeds");

    // Neither the file name nor the name goes into it: renaming the file and correcting
    // the name keep the URL, so a guess cannot be checked against it.
    site.rename(file, "content/shoutouts/someone-else.md");
    site.edit(
        "content/shoutouts/someone-else.md",
        "Bartholomew Secretname",
        "Barnaby Othername",
    );
    site.build().success();
    assert_eq!(neutral_slug(&site), slug);
    // Another quote is another URL: it comes from the quote alone.
    site.edit("content/shoutouts/someone-else.md", "twins", "triplets");
    site.build().success();
    assert_ne!(neutral_slug(&site), slug);
}

#[test]
fn two_anonymous_shoutouts_with_the_same_words_clashed_on_one_neutral_url() {
    let quote = "Great toys!";
    let site = site_with(&[
        (
            "content/shoutouts/a.md",
            &shoutout("Ann Onymous", "", "\"quote\"", quote),
        ),
        (
            "content/shoutouts/b.md",
            &shoutout("Bea Onymous", "", "\"quote\"", quote),
        ),
    ]);
    site.build().success();
    let mut slugs: Vec<String> = site
        .files_ending("public/shoutouts", "index.html")
        .into_iter()
        .filter_map(|p| {
            let dir = p
                .trim_end_matches("/index.html")
                .rsplit('/')
                .next()?
                .to_string();
            dir.starts_with("customer-").then_some(dir)
        })
        .collect();
    slugs.sort();
    assert_eq!(slugs.len(), 2, "{slugs:?}");
    assert_eq!(slugs[1], format!("{}-2", slugs[0]));
    assert_nowhere(&site, "Onymous");
}

#[test]
fn consent_dated_in_the_future_was_published_at_once() {
    let site = site_with(&[(
        "content/shoutouts/ada.md",
        &shoutout("Ada Quill", "", "\"quote\", \"name\"", "Lovely horse.")
            .replace("date = 2025-01-02", "date = 2099-01-02"),
    )]);
    let not_yet = "warning: content/shoutouts/ada.md: shout-out from Ada Quill is not published: its consent is dated 2099-01-02, in the future: it is not consent yet";
    site.build().success().stderr_has(not_yet);
    assert_nowhere(&site, "Ada Quill");
    assert_nowhere(&site, "Lovely horse");

    // `--drafts` publishes future posts, never consent that is not given yet.
    site.run(&["build", "--drafts"])
        .success()
        .stderr_has(not_yet);
    assert_nowhere(&site, "Lovely horse");

    // `--strict` makes it an error, and the previous output stays as it was.
    let before = site.tree("public");
    site.run(&["build", "--strict"])
        .code(1)
        .stderr_has("error: content/shoutouts/ada.md: shout-out from Ada Quill is not published: its consent is dated 2099-01-02, in the future")
        .unchanged(&before);

    // Consent given today or earlier publishes.
    site.edit("content/shoutouts/ada.md", "2099-01-02", "2025-01-02");
    site.build()
        .success()
        .stderr_lacks("not published")
        .file("public/shoutouts/ada/index.html")
        .contains("Lovely horse.");
}

/// A product rated 5 and 4 by customers and 1 and 1 by insiders.
fn site_with_insiders() -> Site {
    let scope = "\"quote\", \"name\"";
    let rated = |name: &str, rating: u8, relationship: &str| {
        shoutout(
            name,
            &format!(
                "rating = {rating}\nproduct = \"Oak Horse\"\nrelationship = \"{relationship}\"\n"
            ),
            scope,
            &format!("{name} says it is a fine horse."),
        )
    };
    site_with(&[
        (
            "content/shoutouts/cus-one.md",
            &rated("Cus One", 5, "customer"),
        ),
        (
            "content/shoutouts/cus-two.md",
            &rated("Cus Two", 4, "customer"),
        ),
        (
            "content/shoutouts/emp-loyee.md",
            &rated("Emp Loyee", 1, "employee"),
        ),
        (
            "content/shoutouts/fam-ily.md",
            &rated("Fam Ily", 1, "family"),
        ),
    ])
}

/// The JSON-LD object of a page.
fn json_ld(html: &str) -> serde_json::Value {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let from = html.find(OPEN).expect("JSON-LD") + OPEN.len();
    let len = html[from..].find("</script>").expect("the script ends");
    serde_json::from_str(&html[from..from + len]).expect("JSON-LD parses")
}

#[test]
fn insiders_were_counted_in_the_average() {
    let site = site_with_insiders();
    site.build()
        .success()
        .file("public/shoutouts/index.html")
        // Not "2.8 out of 5 ... from all 4".
        .contains("Rated 4.5 out of 5 on average, from all 2 customer ratings we have published. <span class=\"left-out\">2 left out: only customers' ratings count, not those of staff, family, paid or affiliate reviewers or people given the product for free.</span>")
        .contains("<li>Oak Horse: 4.5 out of 5 from 2 customer ratings <span class=\"left-out\">2 left out:")
        .contains("Works at Honest Toys")
        .contains("Family of the people behind Honest Toys")
        .file("public/index.html")
        .lacks("2.8")
        .file("public/shoutouts/emp-loyee/index.html")
        .contains("About Oak Horse: rated 4.5 out of 5 on average from 2 customer ratings. <span class=\"left-out\">2 left out:");
    assert_nowhere(&site, "2.8");

    // The markup: the product's aggregate over customers only, and only their reviews.
    let wall = json_ld(&site.read("public/shoutouts/index.html"));
    assert_eq!(wall["aggregateRating"]["ratingValue"], 4.5, "{wall}");
    assert_eq!(wall["aggregateRating"]["reviewCount"], 2, "{wall}");
    let authors: Vec<&str> = wall["review"]
        .as_array()
        .expect("reviews")
        .iter()
        .map(|r| r["author"]["name"].as_str().expect("an author"))
        .collect();
    assert_eq!(authors, ["Cus One", "Cus Two"]);
    // An insider's own page keeps its card and disclosure, with no review markup.
    site.file("public/shoutouts/emp-loyee/index.html")
        .contains("Emp Loyee says it is a fine horse.")
        .contains("Works at Honest Toys")
        .lacks("application/ld+json");
}

#[test]
fn javascript_source_url_became_a_clickable_link() {
    let site = site_with(&[(
        "content/shoutouts/mallory.md",
        &shoutout("Mallory", "", "\"quote\", \"name\"", "Fine."),
    )]);
    site.build().success();
    let before = site.tree("public");
    for (line, expected) in [
        (
            "source_url = \"javascript:alert(1)\"",
            "error: content/shoutouts/mallory.md:3:1: `source_url`: `javascript:alert(1)` is not a web link: expected an http:// or https:// URL",
        ),
        (
            "video_url = \"ftp://files.example/v.mp4\"",
            "error: content/shoutouts/mallory.md:3:1: `video_url`: `ftp://files.example/v.mp4` is not a web link: expected an http:// or https:// URL",
        ),
        (
            "video_url = \"javascript:alert(1)\"",
            "error: content/shoutouts/mallory.md:3:1: `video_url`: `javascript:alert(1)` is not a web link",
        ),
        (
            "source_url = \"//evil.example/x\"",
            "error: content/shoutouts/mallory.md:3:1: `source_url`: `//evil.example/x` is not a web link",
        ),
        (
            "avatar = \"data:text/html,<script>alert(1)</script>\"",
            "error: content/shoutouts/mallory.md:3:1: `avatar`: `data:text/html,<script>alert(1)</script>` is not a web link",
        ),
        (
            "avatar = \"javascript:alert(1)\"",
            "error: content/shoutouts/mallory.md:3:1: `avatar`: `javascript:alert(1)` is not a web link",
        ),
    ] {
        site.write(
            "content/shoutouts/mallory.md",
            shoutout(
                "Mallory",
                &format!("{line}\n"),
                "\"quote\", \"name\"",
                "Fine.",
            ),
        );
        site.build().code(1).stderr_has(expected).unchanged(&before);
    }
}

#[test]
fn javascript_source_url_came_in_through_kudos_import() {
    let site = site_with(&[(
        "export.csv",
        "Name,Quote,Source URL,Avatar\n\
         Ada,Lovely horse.,https://reviews.example/ada,\n\
         Mallory,Click my source.,javascript:alert(1),\n\
         Eve,Look at me.,,\"data:image/png;base64,AAAA\"\n",
    )]);
    // The link costs the field, not the row (the testimonial itself is good), and it
    // never reaches a file.
    site.run(&["import", "shoutouts", "site/export.csv"])
        .success()
        .stderr_has("row 3, column \"Source URL\": source_url `javascript:alert(1)` is not a web link: expected an http:// or https:// URL: imported without a source link")
        .stderr_has("row 4, column \"Avatar\": avatar `data:image/png;base64,AAAA` is not a web link: expected an http:// or https:// URL: imported without a photo")
        .file("content/shoutouts/ada.md")
        .contains("source_url = \"https://reviews.example/ada\"");
    assert_eq!(
        site.files_ending("content/shoutouts", ".md"),
        ["ada.md", "eve.md", "mallory.md"],
    );
    for file in ["eve.md", "mallory.md"] {
        site.file(&format!("content/shoutouts/{file}"))
            .lacks("javascript")
            .lacks("data:")
            .lacks("source_url")
            .lacks("avatar");
    }
}

#[test]
fn photo_file_named_after_the_customer_showed_the_withheld_name() {
    let site = site_with(&[(
        "content/shoutouts/one.md",
        &shoutout(
            "Ada Lovelace",
            "avatar = \"/img/ada-lovelace.jpg\"\n",
            "\"quote\", \"photo\"",
            "Lovely horse.",
        ),
    )]);
    site.write("static/img/ada-lovelace.jpg", CONTENT_PHOTO);
    site.build()
        .success()
        .stderr_has("warning: content/shoutouts/one.md:3:1: the photo's URL contains `ada` from the customer's name, which its consent does not cover")
        .stderr_has("help: rename the photo file to something neutral, like photo-1.jpg");
    site.rename("static/img/ada-lovelace.jpg", "static/img/photo-1.jpg");
    site.edit(
        "content/shoutouts/one.md",
        "ada-lovelace.jpg",
        "photo-1.jpg",
    );
    site.build().success().stderr_lacks("warning");
    for needle in ["Ada", "Lovelace", "lovelace", "ada-lovelace"] {
        assert_nowhere(&site, needle);
    }
    assert_eq!(site.bytes("public/img/photo-1.jpg"), CONTENT_PHOTO);
}

const PHONE_JPEG: &[u8] = include_bytes!("../fixtures/photos/phone.jpg");
const PHONE_PNG: &[u8] = include_bytes!("../fixtures/photos/phone.png");

fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The same photo without metadata, as Pillow decodes it: the first image's scans are
/// the same bytes (the picture is untouched), and the EXIF block holds only the turn.
#[test]
fn published_photos_kept_their_gps_position_and_camera_serial() {
    let all = "\"quote\", \"name\", \"photo\"";
    let site = site_with(&[
        (
            "content/shoutouts/ada.md",
            &shoutout("Ada Quill", "avatar = \"ada.jpg\"\n", all, "Lovely horse."),
        ),
        (
            "content/shoutouts/bea.md",
            &shoutout(
                "Bea Bell",
                "avatar = \"/img/bea.png\"\n",
                all,
                "Lovely blocks.",
            ),
        ),
        // A photo in static/ under a name that does not say it is one.
        (
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\n\n![Our shop](/img/shop)\n",
        ),
    ]);
    site.write("content/shoutouts/ada.jpg", PHONE_JPEG);
    site.write("static/img/bea.png", PHONE_PNG);
    site.write("static/img/shop", PHONE_JPEG);
    assert!(has(PHONE_JPEG, b"SECRET") && has(PHONE_PNG, b"SECRET"));
    site.build().success();
    for published in [
        "public/shoutouts/ada.jpg",
        "public/img/bea.png",
        "public/img/shop",
    ] {
        let bytes = site.bytes(published);
        assert!(!has(&bytes, b"SECRET"), "{published} keeps metadata");
        // GPS IFD tag 0x8825 and the serial's tag 0xA431, little-endian as Pillow writes.
        assert!(
            !has(&bytes, &[0x25, 0x88]) && !has(&bytes, &[0x31, 0xA4]),
            "{published}"
        );
        assert!(bytes.len() < PHONE_JPEG.len().max(PHONE_PNG.len()));
    }
    let jpeg = site.bytes("public/shoutouts/ada.jpg");
    let scans = |b: &[u8]| {
        let sos = b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        b[sos..].to_vec()
    };
    assert_eq!(scans(&jpeg), scans(PHONE_JPEG), "the picture is untouched");
    // The orientation (6: turned 90°) is the one tag kept, in a block of its own.
    assert!(has(
        &jpeg,
        b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0"
    ));
    // Files that are not photos are copied byte for byte.
    site.write("static/notes.txt", "SECRET is fine in a text file");
    site.build().success();
    assert_eq!(
        site.read("public/notes.txt"),
        "SECRET is fine in a text file"
    );
}

#[test]
fn a_damaged_photo_is_an_error_naming_it_and_nothing_is_published() {
    let site = site_with(&[("content/about.md", "+++\ntitle = \"About\"\n+++\n\nHi.\n")]);
    site.build().success();
    let before = site.tree("public");
    site.write(
        "static/img/broken.jpg",
        [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, b'E'],
    );
    site.build()
        .code(1)
        .stderr_has("static/img/broken.jpg")
        .stderr_has("damaged")
        .unchanged(&before);
}

#[test]
fn served_and_watched_photos_kept_their_gps_position_and_camera_serial() {
    let all = "\"quote\", \"name\", \"photo\"";
    let site = site_with(&[(
        "content/shoutouts/ada.md",
        &shoutout("Ada Quill", "avatar = \"ada.jpg\"\n", all, "Lovely horse."),
    )]);
    site.write("content/shoutouts/ada.jpg", PHONE_JPEG);
    site.write("static/img/bea.png", PHONE_PNG);
    let server = site.serve();
    for path in ["/shoutouts/ada.jpg", "/img/bea.png"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(
            !has(&reply.body, b"SECRET"),
            "serve sends {path} with its metadata"
        );
        assert!(
            !has(&reply.body, &[0x25, 0x88]),
            "{path} keeps its GPS block"
        );
    }
    drop(server);
    // `kudos watch` writes what a rebuild holds into public/, for publishing.
    let mut watcher = site.spawn(&["watch"]);
    watcher.wait_for_line("Watching ", crate::common::START);
    for published in ["public/shoutouts/ada.jpg", "public/img/bea.png"] {
        let bytes = site.bytes(published);
        assert!(
            !has(&bytes, b"SECRET"),
            "watch wrote {published} with its metadata"
        );
    }
}

#[test]
fn a_post_showed_a_customer_photo_their_consent_keeps_off_the_site() {
    let site = site_with_photos();
    site.edit("content/shoutouts/bea.md", ", \"photo\"]", "]");
    site.write(
        "content/posts/visit.md",
        "+++\ntitle = \"A visit\"\ndate = 2025-03-01\n+++\n\nBea came by.\n\n![Bea in the shop](/img/bea.jpg)\n",
    );
    let before = site.tree(".");
    site.build()
        .code(1)
        .stderr_has("error: content/posts/visit.md:8:1: the image /img/bea.jpg is a customer's photo that their consent keeps off the site")
        .unchanged(&before);
}
