//! The visibility decision holds in every output byte, on many generated sites.
//!
//! Each seed makes a site of shout-outs with random consent scopes, withdrawals, future
//! consent dates, drafts, relationships, ratings, products, source links and photos (a
//! file beside the shout-out, a file in `static/`, one file shared by several, an
//! external URL), plus a post that embeds every shout-out and a segment page. After a
//! clean build, and after `serve`-style rebuilds of random edits (through
//! `serve::session` in-process, as `tests/incremental.rs` does), every output file
//! (pages, every feed, JSON-LD, sitemap, copied files) is read whole and checked against a
//! model of the rules written here, independently of kudos's own code:
//!
//! - a datum the consent withholds (name, company, role, source link and name, photo
//!   file bytes or URL, the video link unless both name and photo are covered, and for
//!   unpublished shout-outs the quote) appears in no byte, and a video link that may be
//!   shown is on the wall;
//! - a share card's SVG text (the rendered `card.svg`) shows no such datum either, its
//!   PNG has no chunk but pixels, a shout-out has a card exactly when it is published
//!   with "social" in its scope, and serve publishes exactly a clean build's cards;
//! - a photo file is copied exactly when a published shout-out's consent covers it;
//! - every average shown (site-wide, per product, in the JSON-LD) is the mean of the
//!   published customers' ratings, with the count, and the left-out note appears exactly
//!   when insiders' ratings were left out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::Site;
use kudos::build::{self, Project};
use kudos::content::Date;
use kudos::serve::session::Session;
use kudos::site::BuildOptions;

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        strict: false,
        now: Date::parse("2026-06-01").unwrap(),
    }
}

/// A tiny deterministic PRNG (xorshift), so failures replay from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// How a shout-out's consent stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Consent {
    None,
    Withdrawn,
    /// Dated after the build's today.
    Future,
    /// Given, with these scopes.
    Given {
        quote: bool,
        name: bool,
        photo: bool,
        social: bool,
    },
}

/// Where a shout-out's photo is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Photo {
    None,
    /// `content/shoutouts/<pic>.jpg`, named as `avatar = "<pic>.jpg"`.
    Beside,
    /// `static/img/<pic>.jpg`.
    Static,
    /// `static/img/shared.jpg`, which other shout-outs may use too.
    Shared,
    /// An http(s) URL.
    External,
}

const RELATIONSHIPS: [&str; 6] = [
    "customer",
    "free_product",
    "employee",
    "family",
    "paid",
    "affiliate",
];

/// One generated shout-out; every datum carries a marker unique to it.
#[derive(Debug, Clone)]
struct Customer {
    /// `zq<seed>n<i>`: in every marker, so one customer's data never matches another's.
    tag: String,
    consent: Consent,
    draft: bool,
    relationship: &'static str,
    rating: Option<u8>,
    product: Option<&'static str>,
    photo: Photo,
    source: bool,
    in_segment: bool,
    quote_version: usize,
    /// Whether the photo file (beside the shout-out or in `static/`) exists.
    photo_file: bool,
}

impl Customer {
    fn random(rng: &mut Rng, tag: String) -> Customer {
        let consent = match rng.below(10) {
            0 => Consent::None,
            1 => Consent::Withdrawn,
            2 => Consent::Future,
            3 => Consent::Given {
                quote: false,
                name: true,
                photo: true,
                social: true,
            },
            _ => Consent::Given {
                quote: true,
                name: rng.chance(2),
                photo: rng.chance(2),
                social: rng.chance(2),
            },
        };
        Customer {
            tag,
            consent,
            draft: rng.chance(12),
            relationship: if rng.chance(2) {
                "customer"
            } else {
                RELATIONSHIPS[rng.below(RELATIONSHIPS.len())]
            },
            rating: (!rng.chance(4)).then(|| 1 + rng.below(5) as u8),
            product: [None, Some("Oak Horse"), Some("Maple Blocks")][rng.below(3)],
            photo: [
                Photo::None,
                Photo::Beside,
                Photo::Static,
                Photo::Shared,
                Photo::External,
            ][rng.below(5)],
            source: rng.chance(2),
            in_segment: rng.chance(2),
            quote_version: 0,
            photo_file: !rng.chance(10),
        }
    }

    fn file_slug(&self) -> String {
        self.name().to_lowercase()
    }
    fn file(&self) -> String {
        format!("content/shoutouts/{}.md", self.file_slug())
    }
    fn name(&self) -> String {
        format!("Name{}Q", self.tag)
    }
    fn company(&self) -> String {
        format!("Comp{}Q", self.tag)
    }
    fn role(&self) -> String {
        format!("Role{}Q", self.tag)
    }
    fn source_url(&self) -> String {
        format!("https://reviews.example/url{}q", self.tag)
    }
    fn source_name(&self) -> String {
        format!("Src{}Q", self.tag)
    }
    fn quote(&self) -> String {
        format!(
            "Quote{}Q said it, version {}.",
            self.tag, self.quote_version
        )
    }
    /// The photo's file name: not the customer's (see the report on photo file names).
    fn pic(&self) -> String {
        format!("pic{}q", self.tag)
    }
    /// A real JPEG whose comment names the customer: the comment is metadata, so it must
    /// never be published, while the file's own copy and variants are.
    fn photo_bytes(&self) -> Vec<u8> {
        jpeg_with_comment(&self.photo_marker())
    }
    fn photo_marker(&self) -> String {
        format!("PHOTOBYTES{}Q", self.tag)
    }
    /// Its photo's output path, when it is a file of the site.
    fn photo_output(&self) -> Option<String> {
        match self.photo {
            Photo::Beside if self.photo_file => Some(format!("shoutouts/{}.jpg", self.pic())),
            Photo::Beside => Some(format!("{}.jpg", self.pic())),
            Photo::Static => Some(format!("img/{}.jpg", self.pic())),
            Photo::Shared => Some("img/shared.jpg".into()),
            Photo::External | Photo::None => None,
        }
    }
    /// Shows a photo file that is not there: the build must fail, naming it.
    fn misses_its_photo(&self) -> bool {
        self.photo_shown()
            && matches!(self.photo, Photo::Beside | Photo::Static)
            && !self.photo_file
    }
    fn external_photo(&self) -> String {
        format!("https://img.example/ext{}q.jpg", self.tag)
    }
    /// Every customer has a video; it shows their face, so it needs "name" and "photo".
    fn video(&self) -> String {
        format!("https://video.example/vid{}q", self.tag)
    }
    fn video_shown(&self) -> bool {
        self.name_shown() && self.photo_shown()
    }

    fn published(&self) -> bool {
        !self.draft && matches!(self.consent, Consent::Given { quote: true, .. })
    }
    fn name_shown(&self) -> bool {
        self.published() && matches!(self.consent, Consent::Given { name: true, .. })
    }
    fn photo_shown(&self) -> bool {
        self.published() && matches!(self.consent, Consent::Given { photo: true, .. })
    }
    /// Whether it has a share card of its own (its quote always fits one).
    fn has_card(&self) -> bool {
        self.published() && matches!(self.consent, Consent::Given { social: true, .. })
    }
    fn counted_rating(&self) -> Option<u8> {
        self.rating
            .filter(|_| self.published() && self.relationship == "customer")
    }

    fn text(&self) -> String {
        let mut front = format!("customer = \"{}\"\n", self.name());
        front += &format!(
            "company = \"{}\"\nrole = \"{}\"\n",
            self.company(),
            self.role()
        );
        front += "location = \"Leeds\"\ndate = 2025-03-01\n";
        front += &format!("video_url = \"{}\"\n", self.video());
        front += &format!("relationship = \"{}\"\n", self.relationship);
        if let Some(rating) = self.rating {
            front += &format!("rating = {rating}\n");
        }
        if let Some(product) = self.product {
            front += &format!("product = \"{product}\"\n");
        }
        if self.source {
            front += &format!(
                "source_url = \"{}\"\nsource_name = \"{}\"\n",
                self.source_url(),
                self.source_name()
            );
        }
        match self.photo {
            Photo::None => {}
            Photo::Beside => front += &format!("avatar = \"{}.jpg\"\n", self.pic()),
            Photo::Static => front += &format!("avatar = \"/img/{}.jpg\"\n", self.pic()),
            Photo::Shared => front += "avatar = \"/img/shared.jpg\"\n",
            Photo::External => front += &format!("avatar = \"{}\"\n", self.external_photo()),
        }
        if self.in_segment {
            front += "segments = [\"fans\"]\n";
        }
        if self.draft {
            front += "draft = true\n";
        }
        let scope = |quote: bool, name: bool, photo: bool, social: bool| {
            let names = [
                (quote, "\"quote\""),
                (name, "\"name\""),
                (photo, "\"photo\""),
                (social, "\"social\""),
            ];
            let chosen: Vec<&str> = names
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, n)| *n)
                .collect();
            chosen.join(", ")
        };
        front += &match self.consent {
            Consent::None => String::new(),
            Consent::Withdrawn => "withdrawn = 2026-01-01\nconsent = { date = 2025-03-02, scope = [\"quote\", \"name\", \"photo\", \"social\"] }\n".into(),
            Consent::Future => "consent = { date = 2027-01-01, scope = [\"quote\", \"name\", \"photo\", \"social\"] }\n".into(),
            Consent::Given { quote, name, photo, social } => format!(
                "consent = {{ date = 2025-03-02, scope = [{}], proof = \"form\" }}\n",
                scope(quote, name, photo, social)
            ),
        };
        format!("+++\n{front}+++\n\n{}\n", self.quote())
    }
}

/// A generated site on disk and the model it was written from.
struct World {
    site: Site,
    customers: Vec<Customer>,
}

impl World {
    fn new(seed: u64, rng: &mut Rng) -> World {
        let site = Site::blank();
        site.write(
            "kudos.toml",
            "title = \"Honest Toys\"\nbase_url = \"https://example.com\"\n\n[search]\nenabled = true\n",
        );
        site.write(
            "content/segments/fans.md",
            "+++\ntitle = \"Fans\"\n+++\n\nFor fans.\n",
        );
        site.write(
            "static/img/shared.jpg",
            jpeg_with_comment(&format!("SHAREDPHOTO{seed}Q")),
        );
        let count = 3 + rng.below(6);
        let customers: Vec<Customer> = (0..count)
            .map(|i| Customer::random(rng, format!("zq{seed}n{i}")))
            .collect();
        let world = World { site, customers };
        for i in 0..count {
            world.write_customer(i);
        }
        let embeds: String = world
            .customers
            .iter()
            .map(|c| format!("{{{{ shoutout(slug=\"{}\") }}}}\n\n", c.file_slug()))
            .collect();
        world.site.write(
            "content/posts/embeds.md",
            format!(
                "+++\ntitle = \"Embeds\"\ndate = 2025-01-01\ntags = [\"embeds\"]\nsegments = [\"fans\"]\n+++\n\n{embeds}{{{{ shoutouts(limit=20) }}}}\n"
            ),
        );
        world
    }

    /// Writes customer `i`'s shout-out and photo file; returns the paths touched.
    fn write_customer(&self, i: usize) -> Vec<PathBuf> {
        let c = &self.customers[i];
        self.site.write(&c.file(), c.text());
        let mut touched = vec![PathBuf::from(c.file())];
        touched.extend(self.write_photo(i));
        touched
    }

    /// Writes (or removes) customer `i`'s photo file, as the model says.
    fn write_photo(&self, i: usize) -> Option<PathBuf> {
        let c = &self.customers[i];
        let path = match c.photo {
            Photo::Beside => format!("content/shoutouts/{}.jpg", c.pic()),
            Photo::Static => format!("static/img/{}.jpg", c.pic()),
            _ => return None,
        };
        if c.photo_file {
            self.site.write(&path, c.photo_bytes());
        } else if self.site.path(&path).exists() {
            self.site.remove(&path);
        }
        Some(path.into())
    }

    /// One random edit of the kind a site owner makes while `serve` runs.
    fn random_edit(&mut self, rng: &mut Rng) -> Vec<PathBuf> {
        let i = rng.below(self.customers.len());
        let c = &mut self.customers[i];
        if rng.chance(6) {
            // Only the photo file comes or goes: the shout-out's own file is unchanged.
            c.photo_file = !c.photo_file;
            return self.write_photo(i).into_iter().collect();
        }
        match rng.below(6) {
            // Only the quote: the front matter stays, so serve may patch.
            0 | 1 => c.quote_version += 1,
            2 => c.consent = Consent::Withdrawn,
            3 => {
                c.consent = Consent::Given {
                    quote: true,
                    name: rng.chance(2),
                    photo: rng.chance(2),
                    social: rng.chance(2),
                }
            }
            4 => c.relationship = RELATIONSHIPS[rng.below(RELATIONSHIPS.len())],
            _ => c.rating = Some(1 + rng.below(5) as u8),
        }
        self.write_customer(i)
    }

    /// Checks every rule on `files` (output path -> bytes).
    /// Some published shout-out shows a photo file that is not there.
    fn misses_a_photo(&self) -> bool {
        self.customers.iter().any(Customer::misses_its_photo)
    }

    fn check(&self, files: &BTreeMap<String, Vec<u8>>, at: &str) {
        // Every feed that carries the embedding post whole is among the files checked.
        for feed in [
            "atom.xml",
            "rss.xml",
            "feed.json",
            "tags/embeds/atom.xml",
            "for/fans/atom.xml",
        ] {
            assert!(files.contains_key(feed), "{at}: no {feed}");
        }
        // The search index is searched too, decompressed: its words are what readers find.
        assert!(
            files.keys().any(|p| p.starts_with("pagefind/fragment/")),
            "{at}: no search index"
        );
        let text: BTreeMap<&str, String> = files
            .iter()
            .map(|(p, b)| {
                (
                    p.as_str(),
                    String::from_utf8_lossy(&crate::common::readable(p, b)).to_lowercase(),
                )
            })
            .collect();
        let nowhere = |needle: &str, why: &str| {
            let needle = needle.to_lowercase();
            let found: Vec<&&str> = text
                .iter()
                .filter(|(_, t)| t.contains(&needle))
                .map(|(p, _)| p)
                .collect();
            assert!(found.is_empty(), "{at}: {needle:?} ({why}) is in {found:?}");
        };
        for c in &self.customers {
            let why = format!("{c:?}");
            if !c.name_shown() {
                for datum in [
                    c.name(),
                    c.company(),
                    c.role(),
                    c.source_url(),
                    c.source_name(),
                ] {
                    nowhere(&datum, &why);
                }
            }
            if !c.published() {
                nowhere(&c.quote(), &why);
            }
            if !c.photo_shown() {
                nowhere(&c.external_photo(), &why);
                nowhere(&c.pic(), &why);
            }
            if c.video_shown() {
                assert!(
                    text["shoutouts/index.html"].contains(&c.video().to_lowercase()),
                    "{at}: the video of {why} is not on the wall"
                );
            } else {
                nowhere(&c.video(), &why);
            }
            // A photo's metadata (here its comment) is never published.
            nowhere(&c.photo_marker(), &why);
            if matches!(c.photo, Photo::Beside | Photo::Static) {
                let copied = c.photo_output().is_some_and(|p| files.contains_key(&p));
                let expected = c.photo_shown() && c.photo_file;
                assert_eq!(copied, expected, "{at}: photo file of {why}");
            }
        }
        // Resized variants exist for exactly the photo files shown (each is one width
        // as WebP and as JPEG: the photos are 2 pixels wide).
        let shown: std::collections::BTreeSet<String> = self
            .customers
            .iter()
            .filter(|c| c.photo_shown())
            .filter_map(Customer::photo_output)
            .collect();
        for ext in [".webp", ".jpg"] {
            let variants = files
                .keys()
                .filter(|p| p.starts_with("sized/") && p.ends_with(ext))
                .count();
            assert_eq!(variants, shown.len(), "{at}: {ext} variants for {shown:?}");
        }
        let shared_allowed = self
            .customers
            .iter()
            .any(|c| c.photo == Photo::Shared && c.photo_shown());
        assert_eq!(
            files.contains_key("img/shared.jpg"),
            shared_allowed || self.customers.iter().all(|c| c.photo != Photo::Shared),
            "{at}: the shared photo file"
        );
        self.check_averages(&text, at);
    }

    /// Share cards: a customer has one exactly when published with "social"; no card's
    /// SVG text shows what the consent withholds; every card is published, as a PNG of
    /// pixels only (no text chunk that could carry a name).
    fn check_cards(&self, (files, cards): &Build, at: &str) {
        let published: Vec<&String> = files.keys().filter(|p| p.starts_with("cards/")).collect();
        let made: Vec<&String> = cards.keys().collect();
        assert_eq!(published, made, "{at}: the card files");
        for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("cards/")) {
            let chunks = png_chunks(bytes);
            assert!(
                chunks
                    .iter()
                    .all(|c| ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"].contains(&c.as_str())),
                "{at}: {path} has chunks {chunks:?}"
            );
        }
        let svgs: Vec<String> = cards.values().map(|svg| svg.to_lowercase()).collect();
        let on_a_card = |needle: &str| svgs.iter().any(|svg| svg.contains(&needle.to_lowercase()));
        for c in &self.customers {
            let why = format!("{at}: {c:?}");
            assert_eq!(on_a_card(&c.quote()), c.has_card(), "{why}: its quote card");
            if !c.name_shown() {
                for datum in [c.name(), c.company(), c.role(), c.source_name()] {
                    assert!(!on_a_card(&datum), "{why}: {datum} is on a card");
                }
            }
            // Its own card shows a photo only when the consent covers it (and it is a
            // file of the site: an outside URL is never fetched).
            let own = svgs
                .iter()
                .find(|svg| svg.contains(&c.quote().to_lowercase()));
            if let Some(svg) = own {
                let site_photo = matches!(c.photo, Photo::Beside | Photo::Static | Photo::Shared);
                assert_eq!(
                    svg.contains("<image"),
                    c.photo_shown() && site_photo,
                    "{why}: the photo on its card"
                );
            }
        }
    }

    fn check_averages(&self, text: &BTreeMap<&str, String>, at: &str) {
        let site = Stats::over(self.customers.iter());
        for (path, page) in text {
            for prefix in ["rated ", "we average "] {
                for (value, rest) in numbers_after(page, prefix) {
                    let site_wide = rest.starts_with(" out of 5 on average, from all")
                        || rest.starts_with(" out of 5 on average across all")
                        || (prefix == "we average " && rest.starts_with(" out of 5"));
                    if !site_wide {
                        continue;
                    }
                    assert_eq!(Some(value), site.mean(), "{at}: {path}: site average");
                }
            }
        }
        let wall = &text["shoutouts/index.html"];
        assert_eq!(
            wall.contains("<p class=\"aggregate\">rated "),
            site.rated > 0,
            "{at}: a site-wide average only over customers' ratings"
        );
        if site.rated > 0 {
            let left_out = format!("<span class=\"left-out\">{} left out:", site.left_out);
            assert_eq!(
                wall.contains(&left_out),
                site.left_out > 0,
                "{at}: left-out note {left_out}"
            );
        }
        for product in ["Oak Horse", "Maple Blocks"] {
            let of = Stats::over(self.customers.iter().filter(|c| c.product == Some(product)));
            let lower = product.to_lowercase();
            for (value, _) in numbers_after(wall, &format!("<li>{lower}: ")) {
                assert_eq!(Some(value), of.mean(), "{at}: {product} on the wall");
            }
            for (path, page) in text {
                for (value, rest) in numbers_after(page, &format!("about {lower}: rated ")) {
                    assert_eq!(Some(value), of.mean(), "{at}: {path}: {product}");
                    assert!(
                        rest.starts_with(&format!(
                            " out of 5 on average from {} customer",
                            of.rated
                        )),
                        "{at}: {path}: {product} count"
                    );
                }
                for document in json_ld(page) {
                    check_product(&document, &lower, &of, &format!("{at}: {path}"));
                }
            }
            // The wall shows every card: its reviews are exactly the rated customers'.
            let reviews: usize = json_ld(wall)
                .iter()
                .flat_map(|d| match d.get("@graph") {
                    Some(graph) => graph.as_array().expect("a graph").clone(),
                    None => vec![d.clone()],
                })
                .filter(|p| p["name"] == lower.as_str())
                .map(|p| p["review"].as_array().map_or(0, Vec::len))
                .sum();
            assert_eq!(reviews, of.rated, "{at}: reviews of {product} on the wall");
        }
    }
}

/// Checks the `Product` named `product` (lowercased) in a JSON-LD document, if any.
fn check_product(document: &serde_json::Value, product: &str, of: &Stats, at: &str) {
    let products: Vec<&serde_json::Value> = match document.get("@graph") {
        Some(graph) => graph.as_array().expect("a graph").iter().collect(),
        None => vec![document],
    };
    for p in products.into_iter().filter(|p| p["name"] == product) {
        let aggregate = &p["aggregaterating"];
        assert_eq!(aggregate["ratingvalue"].as_f64(), of.mean(), "{at}: {p}");
        assert_eq!(aggregate["reviewcount"], of.rated, "{at}: {p}");
        for review in p["review"].as_array().expect("reviews") {
            assert!(
                review["reviewrating"].is_object(),
                "{at}: an unrated review {review}"
            );
        }
    }
}

/// Published customers' ratings, and how many rated ones were left out.
struct Stats {
    sum: u32,
    rated: usize,
    left_out: usize,
}

impl Stats {
    fn over<'c>(customers: impl Iterator<Item = &'c Customer>) -> Stats {
        let mut stats = Stats {
            sum: 0,
            rated: 0,
            left_out: 0,
        };
        for c in customers {
            match (c.counted_rating(), c.published() && c.rating.is_some()) {
                (Some(r), _) => {
                    stats.sum += u32::from(r);
                    stats.rated += 1;
                }
                (None, true) => stats.left_out += 1,
                (None, false) => {}
            }
        }
        stats
    }

    /// The mean to one decimal, as pages show it.
    fn mean(&self) -> Option<f64> {
        (self.rated > 0).then(|| (f64::from(self.sum) / self.rated as f64 * 10.0).round() / 10.0)
    }
}

/// Each number right after `prefix` in `text`, with the text after it.
fn numbers_after<'t>(text: &'t str, prefix: &str) -> Vec<(f64, &'t str)> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let from = at + prefix.len();
            let len = text[from..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(text.len() - from);
            let number = text[from..from + len].trim_end_matches('.');
            number
                .parse()
                .ok()
                .map(|n| (n, &text[from + number.len()..]))
        })
        .collect()
}

/// Every JSON-LD document of a (lowercased) page.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    html.match_indices(OPEN)
        .map(|(at, _)| {
            let from = at + OPEN.len();
            let len = html[from..].find("</script>").expect("the script ends");
            serde_json::from_str(&html[from..from + len]).expect("JSON-LD parses")
        })
        .collect()
}

/// A clean build's files (output path -> bytes) and its share cards' SVG text.
type Build = (BTreeMap<String, Vec<u8>>, BTreeMap<String, String>);

fn clean_build(root: &Path) -> Result<Build, String> {
    let project = Project::new(root, None);
    let config = project.config().expect("the config");
    let rendered = build::render(&project, config, &options()).map_err(|e| format!("{e:?}"))?;
    let files = rendered
        .files
        .iter()
        .map(|f| (f.path.clone(), f.bytes().unwrap().into_owned()))
        .collect();
    Ok((files, rendered.card_sources))
}

/// The chunk types of a PNG, in order.
fn png_chunks(bytes: &[u8]) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        chunks.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
        at += 12 + len;
    }
    chunks
}

/// `tests/fixtures/photos/plain.jpg` with a comment segment holding `comment`.
fn jpeg_with_comment(comment: &str) -> Vec<u8> {
    let plain: &[u8] = include_bytes!("../fixtures/photos/plain.jpg");
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&u16::try_from(comment.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&plain[2..]);
    out
}

fn served(session: &Session) -> BTreeMap<String, Vec<u8>> {
    session
        .output()
        .iter()
        .map(|(p, f)| (p.to_string(), f.bytes().unwrap().into_owned()))
        .collect()
}

#[test]
fn withheld_data_is_in_no_output_byte_and_averages_count_only_customers() {
    let mut patched = 0;
    let mut published_names = 0;
    let mut copied_photos = 0;
    let mut shown_videos = 0;
    let mut missing_photos = 0;
    let mut cards = 0;
    for seed in 1..=30u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut world = World::new(seed, &mut rng);
        let root = world.site.root();
        let must_fail = world.misses_a_photo();
        match clean_build(&root) {
            Ok(build) => {
                assert!(
                    !must_fail,
                    "seed {seed}: a shown photo file is missing, yet it built"
                );
                let at = format!("seed {seed}, clean build");
                world.check(&build.0, &at);
                world.check_cards(&build, &at);
                cards += build.1.len();
            }
            Err(e) => {
                assert!(must_fail && e.contains("is not there"), "seed {seed}: {e}");
                missing_photos += 1;
            }
        }
        published_names += world.customers.iter().filter(|c| c.name_shown()).count();
        copied_photos += world.customers.iter().filter(|c| c.photo_shown()).count();
        shown_videos += world.customers.iter().filter(|c| c.video_shown()).count();

        let mut session = Session::new(Project::new(&root, None), options(), Box::new(|_| {}));
        match session.rebuild(&[]) {
            Ok(_) if !must_fail => world.check(&served(&session), &format!("seed {seed}, serve")),
            Ok(_) => panic!("seed {seed}: serve built a site that misses a shown photo"),
            Err(e) => assert!(must_fail, "seed {seed}: serve: {e}"),
        }
        for step in 0..5 {
            let touched = world.random_edit(&mut rng);
            let must_fail = world.misses_a_photo();
            let at = format!("seed {seed}, serve rebuild {step} after {touched:?}");
            match session.rebuild(&touched) {
                Ok(report) => {
                    assert!(
                        !must_fail,
                        "{at}: a shown photo file is missing, yet it built"
                    );
                    patched += usize::from(report.patched);
                    let served = served(&session);
                    world.check(&served, &at);
                    // Serve's cards are a clean build's, and those show only what
                    // consent allows (withdrawn consent takes the card with it).
                    let (_, sources) = clean_build(&root).expect("a clean build too");
                    world.check_cards(&(served, sources), &at);
                }
                Err(e) => {
                    let e = format!("{e:?}");
                    assert!(must_fail && e.contains("is not there"), "{at}: {e}");
                    missing_photos += 1;
                }
            }
        }
    }
    // The generator reached the cases that matter.
    assert!(published_names >= 20, "{published_names} published names");
    assert!(copied_photos >= 10, "{copied_photos} shown photos");
    assert!(shown_videos >= 5, "{shown_videos} shown videos");
    assert!(patched >= 5, "{patched} patched rebuilds");
    assert!(cards >= 40, "{cards} share cards");
    assert!(
        missing_photos >= 3,
        "{missing_photos} builds missing a shown photo"
    );
}
