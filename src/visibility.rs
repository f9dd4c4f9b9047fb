//! The visibility decision: what of each shout-out may appear in any output.
//!
//! Part of resolving ([`crate::site`]): one [`Visibility`] per published shout-out is
//! made from its consent, its relationship and the config, and every output reads it
//! instead of the front matter for anything consent or honesty governs: pages, cards
//! (with their photo and video link), the wall, segment pages, embedded cards, feeds,
//! JSON-LD, the sitemap (through the neutral URL) and the photo files copied into the
//! output ([`Photos`]). A new output (a search index, share images) takes its data from
//! here too, so it cannot show more than the customer agreed to or count a rating that
//! must not count.

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

use crate::config::Config;
use crate::content::{Asset, ConsentScope, Relationship, Shoutout};
use crate::error::SourceError;
use crate::i18n::Strings;
use crate::url::UrlPath;

/// What may be shown of one published shout-out. The quote itself is always shown: a
/// shout-out whose consent does not cover it is not published at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Visibility {
    /// Who said it, as it may be shown: the name, "A customer in Leeds" or "A customer".
    pub display_name: String,
    /// For the avatar placeholder: the name's initials, "?" without the name.
    pub initials: String,
    /// Name, company, role and source: only with "name" in scope.
    pub identity: Option<Identity>,
    /// The photo: only with "photo" in scope.
    pub photo: Option<Photo>,
    /// The video link: only with "name" and "photo" in scope, since a video shows the
    /// customer's face and usually says their name.
    pub video_url: Option<String>,
    /// The stars on the card (insiders' too: their card carries the disclosure).
    pub rating: Option<u8>,
    /// The rating as it counts in averages: only a customer's.
    pub counted_rating: Option<u8>,
    /// Whether it becomes `Review` markup: a rated customer shout-out about a product.
    pub review: bool,
    /// Whether a share image of the quote may be made: the consent covers "social".
    pub share_image: bool,
}

/// The person behind a shout-out, shown only when the consent covers "name": a source
/// link (a review-site profile) names them as surely as their name does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    /// Their name.
    pub customer: String,
    /// Their company.
    pub company: Option<String>,
    /// Their role.
    pub role: Option<String>,
    /// Where it was first posted.
    pub source_url: Option<String>,
    /// What that place is called.
    pub source_name: Option<String>,
}

/// Where a shout-out's photo is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Photo {
    /// An http(s) URL, shown as it is.
    External(String),
    /// A file of the site, by output path (no leading slash): `img/ada.jpg`.
    Site(String),
}

impl Visibility {
    /// The decision for a published `shoutout`. With `require_consent` off, everything
    /// is shown and every customer rating counts.
    pub fn decide(
        shoutout: &Shoutout,
        config: &Config,
        strings: &Strings,
        assets: &AssetPaths,
    ) -> Visibility {
        let meta = &shoutout.meta;
        let named = may_show(shoutout, config, ConsentScope::Name);
        let identity = named.then(|| Identity {
            customer: meta.customer.clone(),
            company: meta.company.clone(),
            role: meta.role.clone(),
            source_url: meta.source_url.clone(),
            source_name: meta.source_name.clone(),
        });
        let pictured = may_show(shoutout, config, ConsentScope::Photo);
        let photo = pictured.then(|| photo_of(shoutout, assets)).flatten();
        let video_url = meta.video_url.clone().filter(|_| named && pictured);
        let counted_rating = meta
            .rating
            .filter(|_| meta.relationship == Relationship::Customer);
        Visibility {
            display_name: display_name(shoutout, named, strings),
            initials: if named {
                initials(&meta.customer)
            } else {
                "?".into()
            },
            identity,
            photo,
            video_url,
            rating: meta.rating,
            review: counted_rating.is_some() && meta.product.is_some(),
            counted_rating,
            share_image: may_show(shoutout, config, ConsentScope::Social),
        }
    }

    /// The page title of the shout-out: "What Ada Lovelace said", and with the neutral
    /// name mid-sentence "What a customer in Leeds said", not "What A customer ...".
    pub fn page_title(&self, strings: &Strings) -> String {
        let who = if self.identity.is_some() {
            self.display_name.clone()
        } else {
            lowercase_first(&self.display_name)
        };
        strings.say("shoutout_title", &[("name", &who)])
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Whether the consent (or `require_consent = false`) lets `scope` be shown.
fn may_show(shoutout: &Shoutout, config: &Config, scope: ConsentScope) -> bool {
    !config.shoutouts.require_consent || shoutout.meta.allows(scope)
}

fn display_name(shoutout: &Shoutout, named: bool, strings: &Strings) -> String {
    let meta = &shoutout.meta;
    if named {
        return meta.customer.clone();
    }
    match &meta.location {
        Some(place) => strings.say("a_customer_in", &[("place", place)]),
        None => strings.say("a_customer", &[]),
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The URL path a published shout-out gets: its own slug when the name may be shown (or
/// the owner chose a `slug`), else `/<wall>/customer-<hash of the quote>/`. The quote is
/// public anyway, so the neutral URL says nothing a visitor cannot read on the page, and
/// it stays the same when the file is renamed; the file name (usually the customer's
/// name) and the name itself play no part, so a guessed name cannot be confirmed.
pub fn public_path(shoutout: &Shoutout, config: &Config) -> String {
    if shoutout.meta.slug.is_some() || may_show(shoutout, config, ConsentScope::Name) {
        return shoutout.path.clone();
    }
    UrlPath::page(&config.shoutouts.wall_path)
        .join_page(&format!("customer-{}", quote_hash(shoutout.source.body())))
        .into()
}

/// A stable id (the same in every build and Rust version) of the quote's words, so
/// re-wrapping lines or trailing spaces do not move the URL; 12 hex digits.
fn quote_hash(quote: &str) -> String {
    let words = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{:012x}",
        crate::fingerprint::stable_id(words.as_bytes()) >> 16
    )
}

/// The output paths of the files under `content/`, to find a photo beside its shout-out
/// without a scan per shout-out.
#[derive(Debug, Default)]
pub struct AssetPaths<'a>(FxHashSet<&'a str>);

impl<'a> AssetPaths<'a> {
    /// Of `assets`.
    pub fn new(assets: &'a [Asset]) -> Self {
        AssetPaths(assets.iter().map(|a| a.to.as_str()).collect())
    }
}

/// The photo `shoutout.meta.avatar` names, whether or not it may be shown. A relative
/// name is a file beside the shout-out when there is one (`content/shoutouts/ada.jpg`),
/// else a site path (as `/ada.jpg`).
pub fn photo_of(shoutout: &Shoutout, assets: &AssetPaths) -> Option<Photo> {
    let avatar = shoutout.meta.avatar.as_deref()?;
    if avatar.contains("://") {
        return Some(Photo::External(avatar.to_string()));
    }
    let clean: Vec<&str> = avatar
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    let clean = clean.join("/");
    if avatar.starts_with('/') {
        return Some(Photo::Site(clean));
    }
    let dir = shoutout
        .source
        .content_path
        .rsplit_once('/')
        .map_or("", |(dir, _)| dir);
    let beside = format!("{dir}/{clean}");
    if assets.0.contains(beside.as_str()) {
        Some(Photo::Site(beside))
    } else {
        Some(Photo::Site(clean))
    }
}

/// The site files used as a photo by some shout-out whose consent does not cover
/// "photo" for it (or that is not published), and which no published shout-out may
/// show: they are left out of the output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Photos {
    /// Output paths (no leading slash) that must not be copied.
    pub withheld: BTreeSet<String>,
}

impl Photos {
    /// From the published shout-outs with their decisions and every other one (with why
    /// it is not published); also returns one warning per shout-out whose photo file is
    /// left out, naming its file.
    pub fn decide(
        published: &[(&Shoutout, &Visibility)],
        hidden: &[(&Shoutout, &str)],
        assets: &AssetPaths,
    ) -> (Photos, Vec<SourceError>) {
        let allowed: BTreeSet<&str> = published
            .iter()
            .filter_map(|(_, v)| match &v.photo {
                Some(Photo::Site(path)) => Some(path.as_str()),
                _ => None,
            })
            .collect();
        let not_shown = published
            .iter()
            .filter(|(_, v)| v.photo.is_none())
            .map(|(s, _)| (*s, "its consent does not cover \"photo\""));
        let mut withheld = BTreeSet::new();
        let mut warnings = Vec::new();
        for (shoutout, why) in not_shown.chain(hidden.iter().copied()) {
            let Some(Photo::Site(path)) = photo_of(shoutout, assets) else {
                continue;
            };
            if allowed.contains(path.as_str()) {
                continue;
            }
            warnings.push(
                crate::site::at_key(
                    &shoutout.source,
                    "avatar",
                    format!("the photo /{path} is left out of the output: {why}"),
                )
                .with_help(
                    "it is published again once a published shout-out's consent covers \"photo\"",
                ),
            );
            withheld.insert(path);
        }
        warnings.extend(published.iter().filter_map(|(s, v)| name_in_photo(s, v)));
        (Photos { withheld }, warnings)
    }

    /// Whether the output file at `path` (no leading slash) may be written.
    pub fn may_copy(&self, path: &str) -> bool {
        !self.withheld.contains(path)
    }
}

/// A warning when a shout-out shown without its name shows a photo whose URL carries a
/// word of the name (`/img/ada-lovelace.jpg`): files are often named after the person.
fn name_in_photo(shoutout: &Shoutout, shown: &Visibility) -> Option<SourceError> {
    if shown.identity.is_some() {
        return None;
    }
    let url = match shown.photo.as_ref()? {
        Photo::External(url) | Photo::Site(url) => url.to_lowercase(),
    };
    let name = shoutout.meta.customer.to_lowercase();
    let word = name
        .split(|c: char| !c.is_alphanumeric())
        .find(|word| word.chars().count() >= 3 && url.contains(word))?;
    Some(
        crate::site::at_key(
            &shoutout.source,
            "avatar",
            format!(
                "the photo's URL contains `{word}` from the customer's name, which its consent does not cover"
            ),
        )
        .with_help("rename the photo file to something neutral, like photo-1.jpg"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Consent, ShoutoutMeta, Source};
    use std::path::PathBuf;
    use std::sync::Arc;

    /// `content/shoutouts/ada.md` with `meta`, quoting "Great toys.".
    fn shoutout(meta: ShoutoutMeta) -> Shoutout {
        let text: Arc<str> = Arc::from("+++\n+++\nGreat toys.\n");
        Shoutout {
            source: Source {
                path: PathBuf::from("content/shoutouts/ada.md"),
                content_path: "shoutouts/ada.md".into(),
                text,
                body_offset: 8,
                revision: 1,
                has_shortcodes: false,
            },
            meta,
            slug: "ada".into(),
            path: "/shoutouts/ada/".into(),
        }
    }

    fn meta(scope: &[ConsentScope], relationship: Relationship) -> ShoutoutMeta {
        ShoutoutMeta {
            customer: "Ada Quill".into(),
            company: Some("Quills".into()),
            source_url: Some("https://reviews.example/ada".into()),
            location: Some("Leeds".into()),
            rating: Some(4),
            product: Some("Horse".into()),
            avatar: Some("ada.jpg".into()),
            video_url: Some("https://video.example/ada".into()),
            relationship,
            consent: Some(Consent {
                date: crate::content::Date::parse("2025-01-01").unwrap(),
                scope: scope.to_vec(),
                proof: None,
            }),
            ..ShoutoutMeta::default()
        }
    }

    fn asset(to: &str) -> Vec<Asset> {
        vec![Asset {
            from: PathBuf::from(format!("/site/content/{to}")),
            content_path: to.into(),
            to: to.into(),
        }]
    }

    fn none() -> AssetPaths<'static> {
        AssetPaths::default()
    }

    #[test]
    fn without_name_nothing_that_identifies_is_shown() {
        let ada = shoutout(meta(&[ConsentScope::Quote], Relationship::Customer));
        let shown = Visibility::decide(&ada, &Config::default(), &Strings::default(), &none());
        assert_eq!(shown.display_name, "A customer in Leeds");
        assert_eq!(
            shown.page_title(&Strings::default()),
            "What a customer in Leeds said"
        );
        assert_eq!(shown.initials, "?");
        assert_eq!(shown.identity, None);
        assert_eq!(shown.photo, None);
        assert_eq!(shown.video_url, None);
        assert_eq!(
            public_path(&ada, &Config::default()),
            "/shoutouts/customer-9fa93de89218/"
        );
    }

    #[test]
    fn with_name_and_photo_everything_is_shown() {
        use ConsentScope::{Name, Photo as P, Quote};
        let ada = shoutout(meta(&[Quote, Name, P], Relationship::Customer));
        let shown = Visibility::decide(
            &ada,
            &Config::default(),
            &Strings::default(),
            &AssetPaths::new(&asset("shoutouts/ada.jpg")),
        );
        let identity = shown.identity.expect("the name is in scope");
        assert_eq!(
            identity.source_url.as_deref(),
            Some("https://reviews.example/ada")
        );
        assert_eq!(shown.photo, Some(Photo::Site("shoutouts/ada.jpg".into())));
        assert_eq!(
            shown.video_url.as_deref(),
            Some("https://video.example/ada")
        );
        assert_eq!(public_path(&ada, &Config::default()), "/shoutouts/ada/");
        // Without a file beside the shout-out, a relative avatar is a site path.
        let shown = Visibility::decide(&ada, &Config::default(), &Strings::default(), &none());
        assert_eq!(shown.photo, Some(Photo::Site("ada.jpg".into())));
    }

    #[test]
    fn a_video_needs_name_and_photo_in_scope() {
        use ConsentScope::{Name, Photo as P, Quote};
        for scope in [&[Quote, Name][..], &[Quote, P]] {
            let ada = shoutout(meta(scope, Relationship::Customer));
            let shown = Visibility::decide(&ada, &Config::default(), &Strings::default(), &none());
            assert_eq!(shown.video_url, None, "{scope:?}");
        }
    }

    #[test]
    fn only_rated_customers_count_and_become_reviews() {
        let scope = [ConsentScope::Quote];
        let customer = Visibility::decide(
            &shoutout(meta(&scope, Relationship::Customer)),
            &Config::default(),
            &Strings::default(),
            &none(),
        );
        assert_eq!((customer.counted_rating, customer.review), (Some(4), true));
        for insider in [
            Relationship::Employee,
            Relationship::Family,
            Relationship::Paid,
            Relationship::Affiliate,
            Relationship::FreeProduct,
        ] {
            let shown = Visibility::decide(
                &shoutout(meta(&scope, insider)),
                &Config::default(),
                &Strings::default(),
                &none(),
            );
            assert_eq!(shown.rating, Some(4), "{insider:?} keeps its stars");
            assert_eq!(
                (shown.counted_rating, shown.review),
                (None, false),
                "{insider:?}"
            );
        }
        let mut about_us = meta(&scope, Relationship::Customer);
        about_us.product = None;
        let shown = Visibility::decide(
            &shoutout(about_us),
            &Config::default(),
            &Strings::default(),
            &none(),
        );
        assert_eq!((shown.counted_rating, shown.review), (Some(4), false));
    }

    #[test]
    fn the_quote_hash_ignores_spacing_and_is_stable() {
        assert_eq!(
            quote_hash("Great  toys,\nreally."),
            quote_hash("Great toys, really.\n")
        );
        assert_ne!(quote_hash("Great toys."), quote_hash("Great toys!"));
        // Pinned: a neutral URL must not move between versions of kudos.
        assert_eq!(quote_hash("Great toys."), "9fa93de89218");
        assert_eq!(quote_hash("").len(), 12);
    }

    #[test]
    fn initials_take_two_letters() {
        assert_eq!(initials("ada lovelace king"), "AL");
        assert_eq!(initials("  "), "");
    }
}
