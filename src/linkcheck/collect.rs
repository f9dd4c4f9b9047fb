//! Every outside link the published site shows, with the place it is written.
//!
//! Nothing is parsed here a second time: body links come from what markdown rendering
//! recorded ([`crate::markdown::OutsideLink`], beside the `@/` links it records for the
//! same reason), body images from the image records, and front-matter links from the
//! resolved site, through the visibility decision, so a shout-out's source link is
//! checked only where its consent lets it be shown. What is collected is what a reader
//! of the built site can click or load: drafts and unpublished shout-outs are not asked
//! about.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::config::Config;
use crate::content::Source;
use crate::error::SourceError;
use crate::markdown::{Rendered, is_web_url};
use crate::render::Bodies;
use crate::site::Site;
use crate::visibility::Photo;

/// An outside URL and where it is written.
#[derive(Debug, Clone)]
pub struct Found {
    /// The URL as written.
    pub url: String,
    /// Where.
    pub place: Place,
}

impl Found {
    /// `url`, written at `range` of `source`'s file.
    fn at(source: &Source, url: &str, range: std::ops::Range<usize>) -> Found {
        Found {
            url: url.to_string(),
            place: Place {
                path: source.path.clone(),
                text: Arc::clone(&source.text),
                range,
            },
        }
    }
}

/// A place in a file, kept as an offset: lines are counted only for the links that are
/// reported, so a file of a hundred thousand links costs no hundred thousand scans.
#[derive(Debug, Clone)]
pub struct Place {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// Its whole text.
    pub text: Arc<str>,
    /// The bytes to point at.
    pub range: Range<usize>,
}

impl Place {
    /// An error at this place.
    pub fn error(&self, message: String) -> SourceError {
        SourceError::at(&self.path, &self.text, self.range.clone(), message)
    }
}

/// How far past a link's start its URL is looked for (a `[text](url)` link's text comes
/// first); a URL not found there is pointed at by the link's start.
const URL_SEARCH_WINDOW: usize = 2048;

/// Every outside link of the site, in no particular order; a variant's copies of its
/// page's links are listed once.
pub fn outside_links(site: &Site, bodies: &Bodies) -> Vec<Found> {
    let quotes = site
        .shoutouts
        .iter()
        .map(|s| &s.source)
        .zip(&bodies.shoutouts);
    let mut found = Vec::new();
    let mut seen = FxHashSet::default();
    for (source, body) in bodies.with_sources(site).chain(quotes) {
        for (url, offset) in body_links(body) {
            if seen.insert((source.path.as_path(), offset)) {
                found.push(in_body(source, url, offset));
            }
        }
    }
    found.extend(front_matter_links(site));
    found.extend(menu_links(&site.config));
    found
}

/// A body's `http(s)` links and images: (URL, offset in the body).
fn body_links(body: &Rendered) -> impl Iterator<Item = (&str, usize)> {
    let links = body
        .outside_links
        .iter()
        .map(|l| (l.url.as_str(), l.offset));
    let images = body
        .images
        .iter()
        .filter(|i| is_web_url(&i.src))
        .map(|i| (i.src.as_str(), i.offset));
    links.chain(images)
}

/// A body link, pointed at where its URL is written when it can be found near the link.
fn in_body(source: &Source, url: &str, offset: usize) -> Found {
    let at = source.body_offset + offset;
    let range = find_near(&source.text, at, url).unwrap_or(at..at + 1);
    Found::at(source, url, range)
}

/// Where `url` is written in `text` within [`URL_SEARCH_WINDOW`] bytes after `at`.
fn find_near(text: &str, at: usize, url: &str) -> Option<Range<usize>> {
    let mut end = (at + URL_SEARCH_WINDOW + url.len()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let start = text.get(at..end)?.find(url)? + at;
    Some(start..start + url.len())
}

/// Links set in front matter and shown on pages: a segment's call to action and hero,
/// a post's or page's social image, a shout-out's source and photo (when shown).
fn front_matter_links(site: &Site) -> Vec<Found> {
    let mut found = Vec::new();
    let mut add = |source: &Source, key: &str, url: Option<&str>| {
        if let Some(url) = url.filter(|u| is_web_url(u)) {
            found.push(in_front_matter(source, key, url));
        }
    };
    for segment in &site.segments {
        let cta = segment.meta.cta.as_ref().map(|c| c.url.as_str());
        add(&segment.source, "cta", cta);
        add(&segment.source, "hero", segment.meta.hero.as_deref());
    }
    for page in site.posts.iter().chain(&site.pages) {
        add(&page.source, "image", page.meta.image.as_deref());
    }
    for (shoutout, shown) in site.shoutouts.iter().zip(&*site.shown) {
        let source_url = shown
            .identity
            .as_ref()
            .and_then(|i| i.source_url.as_deref());
        add(&shoutout.source, "source_url", source_url);
        if let Some(Photo::External(url)) = &shown.photo {
            add(&shoutout.source, "avatar", Some(url));
        }
    }
    found
}

/// A front-matter link, pointed at its value (or, if that is written differently, at
/// the line that sets `key`).
fn in_front_matter(source: &Source, key: &str, url: &str) -> Found {
    let range = match source.front().find(url) {
        Some(at) => at..at + url.len(),
        None => crate::site::at_key(source, key, String::new())
            .snippet
            .map_or(0..0, |(_, range)| range),
    };
    Found::at(source, url, range)
}

/// `[[menu.main]]` entries with an `http(s)` URL, in `kudos.toml`.
fn menu_links(config: &Config) -> Vec<Found> {
    let file = &config.file;
    config
        .menu
        .main
        .iter()
        .filter(|item| is_web_url(&item.url))
        .map(|item| {
            let at = file.text.find(&item.url).unwrap_or(0);
            Found {
                url: item.url.clone(),
                place: Place {
                    path: file.shown.clone(),
                    text: Arc::clone(&file.text),
                    range: at..at + item.url.len(),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_found_after_its_link_text_and_not_past_the_window() {
        let text = "intro [some text](https://a.example/x) and more";
        let at = text.find('[').unwrap();
        let range = find_near(text, at, "https://a.example/x").unwrap();
        assert_eq!(&text[range], "https://a.example/x");
        let far = format!(
            "[{}](https://b.example/)",
            "x".repeat(URL_SEARCH_WINDOW * 2)
        );
        assert_eq!(find_near(&far, 0, "https://b.example/"), None);
        assert_eq!(
            find_near("é", 0, "https://c.example/"),
            None,
            "a short tail"
        );
    }

    #[test]
    fn every_published_outside_link_is_collected_once_at_its_place() {
        let site = crate::site::resolve_files(
            "title = \"T\"\n[[menu.main]]\nname = \"Shop\"\nurl = \"https://shop.example/\"\n",
            &[
                (
                    "content/posts/a.md",
                    "+++\ntitle = \"A\"\ndate = 2025-01-01\nimage = \"https://img.example/card.png\"\nvariants = [\"dads\"]\n+++\n\nSee [the docs](https://docs.example/a) and <http://auto.example>, [mail](mailto:x@y.example), [here](/x/).\n\n![A cat](https://img.example/cat.jpg)\n",
                ),
                (
                    "content/segments/dads.md",
                    "+++\ntitle = \"Dads\"\ncta = { label = \"Buy\", url = \"https://shop.example/dads\" }\n+++\n\nCopy.\n",
                ),
                (
                    "content/shoutouts/ada.md",
                    "+++\ncustomer = \"Ada\"\nsource_url = \"https://reviews.example/ada\"\nconsent = { date = 2025-01-01, scope = [\"quote\", \"name\"] }\n+++\n\nLovely, see [my blog](https://ada.example/).\n",
                ),
                (
                    "content/shoutouts/bea.md",
                    "+++\ncustomer = \"Bea\"\nsource_url = \"https://reviews.example/bea\"\nconsent = { date = 2025-01-01, scope = [\"quote\"] }\n+++\n\nNice.\n",
                ),
            ],
            "2026-01-01",
        )
        .expect("the site resolves");
        let empty = tempfile::tempdir().unwrap();
        let theme = crate::theme::Theme::load(empty.path(), &site.config).expect("the theme");
        let renderer =
            crate::render::Renderer::new(Arc::new(site), &theme, None).expect("it renders");
        let mut found: Vec<String> = outside_links(renderer.site(), renderer.bodies())
            .into_iter()
            .map(|f| {
                let place = f.place.error(String::new()).location();
                assert_eq!(&f.place.text[f.place.range.clone()], f.url, "{place}");
                format!("{place} {}", f.url)
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                "content/posts/a.md:10:10 https://img.example/cat.jpg",
                "content/posts/a.md:4:10 https://img.example/card.png",
                "content/posts/a.md:8:16 https://docs.example/a",
                "content/posts/a.md:8:45 http://auto.example",
                "content/segments/dads.md:3:31 https://shop.example/dads",
                "content/shoutouts/ada.md:3:15 https://reviews.example/ada",
                "content/shoutouts/ada.md:7:23 https://ada.example/",
                "kudos.toml:4:8 https://shop.example/",
            ]
        );
    }
}
