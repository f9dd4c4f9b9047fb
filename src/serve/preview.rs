//! `kudos serve`'s preview bar: what the author needs beside the page while editing, and
//! nothing a visitor ever sees (the server adds it to responses; builds never have it).
//!
//! For the page on screen it shows: links to the same page as each segment sees it (the
//! variants are real URLs, so switching is a link), every shout-out that would have
//! matched the page but is not shown or is shown with less, with why and where in its
//! file, the warnings and advice of the last rebuild, and a banner on pages that exist
//! only because drafts are shown. It reads the session's resolved [`Site`]: the reasons
//! are the ones resolving decided ([`Unpublished`], [`crate::visibility::Visibility`]),
//! so the panel and `kudos check` cannot disagree. A page's part is worked out when that
//! page is requested: a rebuild only pays for the notes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use crate::content::{Date, Page, Relationship, Shoutout};
use crate::error::SourceError;
use crate::markdown::shortcodes;
use crate::site::{ItemRef, Route, Site, Unpublished, at_key};
use crate::visibility::Visibility;

/// The preview data of one rebuild.
pub struct Preview {
    site: Arc<Site>,
    root: PathBuf,
    now: Date,
    /// Warnings and advice, as "file:line:column: message".
    notes: Vec<String>,
    /// Output path -> route, made at the first request.
    routes: OnceLock<FxHashMap<String, Route>>,
}

/// A shout-out the panel lists for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The customer's name (the author's own data: the bar is never published).
    pub who: String,
    /// Why it is not shown, or what is held back, in the site's language.
    pub reason: String,
    /// `content/shoutouts/ada.md:7`: the file and the line of the key that decides it.
    pub place: String,
}

/// A link of the segment switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What it is called.
    pub label: String,
    /// Where it goes, with the base path.
    pub href: String,
}

/// A shout-out as resolving left it.
enum Candidate<'s> {
    Shown(&'s Shoutout, &'s Visibility),
    Hidden(&'s Shoutout, Unpublished),
}

/// The advice `kudos check` would give, as the bar lists it, kept by the session between
/// saves: each stale shout-out's note by the shout-out's revision (its path and text), the
/// doorway notes by the segments' revisions. At 10k, 3,800 stale shout-outs took 10 ms
/// a save to find and format; now a save formats only the notes of what it changed.
#[derive(Default)]
pub struct AdviceMemo {
    /// The staleness limit and the day the stale notes were made for.
    stale_for: Option<(u32, Date)>,
    /// Shout-out revision -> its note, if it is stale.
    stale: FxHashMap<u64, Option<String>>,
    /// The shout-outs the stale notes were last listed for, and that list: a save that
    /// changed none of them (a post's) reuses it without looking into any (1 ms at 10k).
    listed: (Vec<Arc<Shoutout>>, Vec<String>),
    /// The segments' revisions and their doorway notes.
    doorway: Option<(u64, Vec<String>)>,
}

impl AdviceMemo {
    /// The notes for `site` at `now`, in `kudos check`'s order (stale shout-outs in wall
    /// order, then doorway pairs); `root` is what locations are shown relative to.
    pub fn notes(&mut self, site: &Site, root: &Path, now: Date) -> Vec<String> {
        let limit = site.config.shoutouts.stale_after_months;
        if self.stale_for != Some((limit, now)) {
            self.stale.clear();
            self.listed = Default::default();
            self.stale_for = Some((limit, now));
        }
        let listed = &self.listed.0;
        let same = listed.len() == site.shoutouts.len()
            && listed
                .iter()
                .zip(&site.shoutouts)
                .all(|(a, b)| Arc::ptr_eq(a, b));
        if !same {
            let notes = self.stale_notes(site, root, limit, now);
            self.listed = (site.shoutouts.clone(), notes);
        }
        let mut notes = self.listed.1.clone();
        let segments: Vec<u64> = site.segments.iter().map(|s| s.source.revision).collect();
        let print = crate::fingerprint::fingerprint(&segments);
        if self.doorway.as_ref().is_none_or(|(p, _)| *p != print) {
            let pairs = crate::advice::doorway_pairs(site);
            let made = pairs.iter().map(|n| note(root, n)).collect();
            self.doorway = Some((print, made));
        }
        notes.extend(self.doorway.iter().flat_map(|(_, n)| n.iter().cloned()));
        notes
    }

    /// The stale notes of `site`'s shout-outs, in wall order, made only for revisions
    /// not seen before.
    fn stale_notes(&mut self, site: &Site, root: &Path, limit: u32, now: Date) -> Vec<String> {
        let mut stale = FxHashMap::default();
        let mut notes = Vec::new();
        for shoutout in &site.shoutouts {
            let revision = shoutout.source.revision;
            let made = self.stale.remove(&revision).unwrap_or_else(|| {
                crate::advice::stale_note(shoutout, limit, now).map(|n| note(root, &n))
            });
            notes.extend(made.clone());
            stale.insert(revision, made);
        }
        self.stale = stale;
        notes
    }
}

impl Preview {
    /// The preview of `site` as built at `now`, with the rebuild's `warnings` and the
    /// `advice` `kudos check` would give (as [`AdviceMemo::notes`] lists it).
    pub fn new(
        site: Arc<Site>,
        warnings: &[SourceError],
        advice: &[String],
        root: &Path,
        now: Date,
    ) -> Preview {
        let notes = warnings
            .iter()
            .map(|warning| note(root, warning))
            .chain(advice.iter().cloned())
            .collect();
        Preview {
            site,
            root: root.to_path_buf(),
            now,
            notes,
            routes: OnceLock::new(),
        }
    }

    /// The route that wrote `output` (`posts/x/index.html`).
    fn route(&self, output: &str) -> Option<&Route> {
        self.routes
            .get_or_init(|| {
                let site = &self.site;
                let paths = site.route_paths.iter().map(|path| path.output_file());
                paths.zip(site.routes.iter().cloned()).collect()
            })
            .get(output)
    }

    /// The bar for the page at output path `output`.
    pub fn bar(&self, output: &str) -> String {
        let route = self.route(output);
        let strings = &self.site.strings;
        let links = route.map(|r| self.switcher(r)).unwrap_or_default();
        let entries = route.map(|r| self.entries(r)).unwrap_or_default();
        let draft = route.is_some_and(|r| self.only_as_draft(r));
        html::bar(strings, draft, &links, &entries, &self.notes)
    }

    /// The path the site is served under: `""` or `/shop`.
    pub fn base(&self) -> &str {
        self.site.config.base_url.path()
    }

    /// The warnings and advice of the rebuild.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Segment links for `route`: a page with variants links itself and each variant;
    /// the home page and the wall link each segment's landing page and wall filter.
    pub fn switcher(&self, route: &Route) -> Vec<Link> {
        let site = &self.site;
        let strings = &site.strings;
        let link = |label: String, route: Route| {
            site.routes.contains(&route).then(|| Link {
                label,
                href: format!("{}{}", site.config.base_url.path(), route.url_path(site)),
            })
        };
        match route {
            Route::Post(_) | Route::Page(_) | Route::Variant(..) => {
                let Some((item, page)) = self.page_of(route) else {
                    return Vec::new();
                };
                if page.meta.variants.is_empty() {
                    return Vec::new();
                }
                let plain = match item {
                    ItemRef::Post(i) => Route::Post(i),
                    ItemRef::Page(i) => Route::Page(i),
                    _ => return Vec::new(),
                };
                std::iter::once(link(strings.say("preview_plain", &[]), plain))
                    .chain(site.variant_segments(page).map(|seg| {
                        link(
                            site.segments[seg].meta.title.clone(),
                            Route::Variant(item, seg),
                        )
                    }))
                    .flatten()
                    .collect()
            }
            Route::Home | Route::Wall(_) => (0..site.segments.len())
                .flat_map(|seg| {
                    let title = &site.segments[seg].meta.title;
                    [
                        link(
                            strings.say("preview_landing", &[("segment", title)]),
                            Route::Segment(seg),
                        ),
                        link(
                            strings.say("preview_wall_filter", &[("segment", title)]),
                            Route::WallSegment(seg, 1),
                        ),
                    ]
                })
                .flatten()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The post or page a route renders.
    fn page_of(&self, route: &Route) -> Option<(ItemRef, &Arc<Page>)> {
        let item = match route {
            Route::Post(i) => ItemRef::Post(*i),
            Route::Page(i) => ItemRef::Page(*i),
            Route::Variant(item, _) => *item,
            _ => return None,
        };
        let page = match item {
            ItemRef::Post(i) => self.site.posts.get(i)?,
            ItemRef::Page(i) => self.site.pages.get(i)?,
            _ => return None,
        };
        Some((item, page))
    }

    /// Whether the page is published only because drafts are shown: a draft, or dated
    /// in the future (a draft segment's landing page too).
    fn only_as_draft(&self, route: &Route) -> bool {
        if let Route::Segment(i) = route {
            return self.site.segments.get(*i).is_some_and(|s| s.meta.draft);
        }
        self.page_of(route).is_some_and(|(_, page)| {
            page.meta.draft || page.meta.date.is_some_and(|d| d > self.now)
        })
    }

    /// Every shout-out matching `route` that is not shown, or shown with less.
    pub fn entries(&self, route: &Route) -> Vec<Entry> {
        self.candidates(route)
            .into_iter()
            .flat_map(|c| self.reasons(c))
            .collect()
    }

    /// The shout-outs, published or not, that `route` would show.
    fn candidates(&self, route: &Route) -> Vec<Candidate<'_>> {
        let site = &self.site;
        let all = || {
            let shown = site
                .shoutouts
                .iter()
                .zip(&*site.shown)
                .map(|(s, v)| Candidate::Shown(s, v));
            let hidden = site
                .unpublished
                .iter()
                .map(|(s, why)| Candidate::Hidden(s, *why));
            shown.chain(hidden)
        };
        match route {
            Route::Wall(1) | Route::EmbedWall => all().collect(),
            Route::Home => all().filter(|c| self.shoutout(c).meta.featured).collect(),
            Route::Segment(i) | Route::EmbedSegment(i) | Route::WallSegment(i, 1) => {
                self.in_segment(*i)
            }
            Route::WallTag(slug, 1) => all()
                .filter(|c| {
                    let tags = &self.shoutout(c).meta.tags;
                    tags.iter().any(|t| site.slug(t) == *slug)
                })
                .collect(),
            Route::Shoutout(i) => vec![Candidate::Shown(&site.shoutouts[*i], &site.shown[*i])],
            _ => match self.page_of(route) {
                Some((_, page)) => self.named_in(page, all),
                None => Vec::new(),
            },
        }
    }

    fn shoutout<'c>(&self, candidate: &'c Candidate<'_>) -> &'c Shoutout {
        match candidate {
            Candidate::Shown(s, _) | Candidate::Hidden(s, _) => s,
        }
    }

    /// The members of segment `i`, by the rule the segment page itself follows
    /// (`segment_shoutout_lists`), over the published and the unpublished alike.
    fn in_segment(&self, i: usize) -> Vec<Candidate<'_>> {
        let site = &self.site;
        let shown = site.segment_shoutouts[i]
            .iter()
            .map(|&s| Candidate::Shown(&site.shoutouts[s], &site.shown[s]));
        let hidden: Vec<Arc<Shoutout>> = site
            .unpublished
            .iter()
            .map(|(s, _)| Arc::clone(s))
            .collect();
        let at: FxHashMap<&str, usize> = hidden
            .iter()
            .enumerate()
            .map(|(n, s)| (s.slug.as_str(), n))
            .collect();
        let lists =
            crate::site::segment_shoutout_lists(&site.segments, &hidden, &at, site.slug_style());
        let hidden = lists[i].iter().map(|&n| {
            let (s, why) = &site.unpublished[n];
            Candidate::Hidden(s, *why)
        });
        shown.chain(hidden).collect()
    }

    /// The shout-outs the shortcodes in `page` name: `shoutout(slug=)` by slug,
    /// `shoutouts(segment=, tag=)` by segment or tag.
    fn named_in<'s, I>(&'s self, page: &Page, all: impl Fn() -> I) -> Vec<Candidate<'s>>
    where
        I: Iterator<Item = Candidate<'s>>,
    {
        let (calls, _) = shortcodes::find_all(page.source.body());
        let mut found: Vec<Candidate<'s>> = Vec::new();
        let mut seen: Vec<*const Shoutout> = Vec::new();
        for call in calls {
            let text = |name: &str| match call.arg(name) {
                Some(shortcodes::ArgValue::Str(s)) => Some(s.clone()),
                _ => None,
            };
            let matched: Vec<Candidate<'s>> = match call.name.as_str() {
                "shoutout" => {
                    let slug = text("slug");
                    all()
                        .filter(|c| Some(&self.shoutout(c).slug) == slug.as_ref())
                        .collect()
                }
                "shoutouts" => match (text("segment"), text("tag")) {
                    (Some(seg), _) => match self.site.segments.iter().position(|s| s.slug == seg) {
                        Some(i) => self.in_segment(i),
                        None => Vec::new(),
                    },
                    (None, Some(tag)) => {
                        let slug = self.site.slug(&tag);
                        all()
                            .filter(|c| {
                                let tags = &self.shoutout(c).meta.tags;
                                tags.iter().any(|t| self.site.slug(t) == slug)
                            })
                            .collect()
                    }
                    (None, None) => all().collect(),
                },
                _ => Vec::new(),
            };
            for c in matched {
                let key: *const Shoutout = self.shoutout(&c);
                if !seen.contains(&key) {
                    seen.push(key);
                    found.push(c);
                }
            }
        }
        found
    }

    /// The panel's lines for one shout-out: why it is hidden, or what of it is held back.
    fn reasons(&self, candidate: Candidate<'_>) -> Vec<Entry> {
        let strings = &self.site.strings;
        let entry = |s: &Shoutout, key: &str, reason: String| Entry {
            who: s.meta.customer.clone(),
            reason,
            place: self.place(s, key),
        };
        match candidate {
            Candidate::Hidden(s, why) => {
                let (text, key) = why.key();
                let date = why
                    .date()
                    .and_then(|d| d.format("%Y-%m-%d").ok())
                    .unwrap_or_default();
                vec![entry(s, key, strings.say(text, &[("date", &date)]))]
            }
            Candidate::Shown(s, shown) => {
                let meta = &s.meta;
                let mut held = Vec::new();
                if shown.identity.is_none() {
                    held.push(entry(
                        s,
                        "consent",
                        strings.say("preview_name_held_back", &[]),
                    ));
                }
                if meta.avatar.is_some() && shown.photo.is_none() {
                    held.push(entry(
                        s,
                        "avatar",
                        strings.say("preview_photo_withheld", &[]),
                    ));
                }
                if shown.rating.is_some() && shown.counted_rating.is_none() {
                    let relationship = relationship_name(meta.relationship);
                    held.push(entry(
                        s,
                        "relationship",
                        strings.say(
                            "preview_rating_not_counted",
                            &[("relationship", relationship)],
                        ),
                    ));
                }
                held
            }
        }
    }

    /// `content/shoutouts/ada.md:7`: the line of `key` in the front matter (the first
    /// line when it is not written).
    fn place(&self, shoutout: &Shoutout, key: &str) -> String {
        let at = at_key(&shoutout.source, key, String::new());
        let line = at.position.map_or(1, |(line, _)| line);
        format!(
            "{}:{line}",
            relative(&self.root, &at.path.display().to_string())
        )
    }
}

/// The relationship as written in front matter.
fn relationship_name(relationship: Relationship) -> &'static str {
    match relationship {
        Relationship::Customer => "customer",
        Relationship::FreeProduct => "free_product",
        Relationship::Employee => "employee",
        Relationship::Family => "family",
        Relationship::Paid => "paid",
        Relationship::Affiliate => "affiliate",
    }
}

/// A warning or advice as the bar lists it: "file:line: message".
fn note(root: &Path, note: &SourceError) -> String {
    format!("{}: {}", relative(root, &note.location()), note.message)
}

/// `place` with the site root taken off, so the panel names files as the author sees
/// them in the project.
fn relative(root: &Path, place: &str) -> String {
    let root = format!("{}/", root.display());
    place.strip_prefix(&root).unwrap_or(place).to_string()
}

/// The bar's markup: a `<details>` fixed to the bottom of the window (collapsed, so the
/// page under it keeps its layout), with a button that hides it (`preview.js`).
mod html {
    use super::{Entry, Link};
    use crate::i18n::Strings;
    use crate::serve::server::escape_text as esc;

    pub(super) fn bar(
        strings: &Strings,
        draft: bool,
        links: &[Link],
        entries: &[Entry],
        notes: &[String],
    ) -> String {
        let count = |n: usize| n.to_string();
        let mut out = String::from(
            "<link rel=\"stylesheet\" href=\"/__kudos/preview.css\"><div id=\"kudos-preview\" data-kudos-preview>",
        );
        if draft {
            out += &format!(
                "<p class=\"kp-draft\" role=\"note\">{}</p>",
                esc(&strings.say("preview_draft_page", &[]))
            );
        }
        let counted = |key: &str, n: usize| {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            esc(&strings.plural(key, n, &[]).unwrap_or_default())
        };
        out += &format!(
            "<details><summary>{} · {} · {}</summary><div class=\"kp-body\">",
            esc(&strings.say("preview_bar", &[])),
            counted("preview_hidden_count", entries.len()),
            counted("preview_notes_count", notes.len())
        );
        if !links.is_empty() {
            let label = esc(&strings.say("preview_switch", &[]));
            out += &format!(
                "<nav aria-label=\"{label}\" class=\"kp-switch\"><p><strong>{label}</strong></p><ul>"
            );
            for link in links {
                out += &format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    esc(&link.href),
                    esc(&link.label)
                );
            }
            out += "</ul></nav>";
        }
        let hidden: Vec<String> = entries
            .iter()
            .map(|e| {
                format!(
                    "<strong>{}</strong>: <span class=\"kp-reason\">{}</span> <code>{}</code>",
                    esc(&e.who),
                    esc(&e.reason),
                    esc(&e.place)
                )
            })
            .collect();
        out += &section(
            "kp-hidden",
            &strings.say(
                "preview_hidden_heading",
                &[("count", &count(entries.len()))],
            ),
            &strings.say("preview_none_hidden", &[]),
            &hidden,
        );
        let notes: Vec<String> = notes
            .iter()
            .map(|note| format!("<code>{}</code>", esc(note)))
            .collect();
        out += &section(
            "kp-notes",
            &strings.say("preview_notes_heading", &[("count", &count(notes.len()))]),
            &strings.say("preview_no_notes", &[]),
            &notes,
        );
        out += &format!(
            "</div></details><button type=\"button\" class=\"kp-hide\" aria-label=\"{0}\" title=\"{0}\">×</button></div><button type=\"button\" id=\"kudos-preview-show\" hidden>{1}</button><script src=\"/__kudos/preview.js\"></script>",
            esc(&strings.say("preview_hide", &[])),
            esc(&strings.say("preview_show", &[]))
        );
        out
    }

    /// A panel section: its heading, then its items as a list, or `empty` when it has none
    /// (items are HTML, escaped by the caller).
    fn section(class: &str, heading: &str, empty: &str, items: &[String]) -> String {
        let mut out = format!(
            "<section class=\"{class}\"><p><strong>{}</strong></p>",
            esc(heading)
        );
        if items.is_empty() {
            out += &format!("<p>{}</p>", esc(empty));
        } else {
            out += "<ul>";
            for item in items {
                out += &format!("<li>{item}</li>");
            }
            out += "</ul>";
        }
        out + "</section>"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of two shout-outs (one given `date`) and two segments (one with `lede`).
    fn site(date: &str, lede: &str, now: &str) -> Site {
        let shoutout = |name: &str, date: &str| {
            format!(
                "+++\ncustomer = \"{name}\"\ndate = {date}\nconsent = {{ date = 2020-01-01, scope = [\"quote\"] }}\n+++\nGreat.\n"
            )
        };
        let segment = |title: &str, lede: &str| {
            format!(
                "+++\ntitle = \"{title}\"\nlede = \"{lede}\"\n+++\nHand-made wooden toys for the little ones, sanded smooth and oiled, made to be handed down.\n"
            )
        };
        let files = [
            ("content/shoutouts/a.md", shoutout("Ann", date)),
            ("content/shoutouts/b.md", shoutout("Bea", "2019-01-01")),
            ("content/segments/parents.md", segment("Parents", "For you")),
            (
                "content/segments/grandparents.md",
                segment("Grandparents", lede),
            ),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        crate::site::resolve_files("", &files, now).unwrap()
    }

    #[test]
    fn advice_kept_between_saves_is_the_advice_made_anew() {
        let mut memo = AdviceMemo::default();
        let steps = [
            ("2020-06-01", "For you", "2026-12-07"),
            ("2020-06-01", "For you", "2026-12-07"),
            ("2026-06-01", "For you", "2026-12-07"),
            ("2020-06-01", "For you", "2027-01-08"),
            (
                "2020-06-01",
                "Different words for a different reader entirely",
                "2027-01-08",
            ),
            ("2020-06-01", "For you", "2027-01-08"),
        ];
        let mut seen = Vec::new();
        for (date, lede, day) in steps {
            let site = site(date, lede, day);
            let now = Date::parse(day).unwrap();
            let root = site.shoutouts[0].source.path.ancestors().nth(3).unwrap();
            let fresh: Vec<String> = crate::advice::advise(&site, now)
                .iter()
                .map(|advice| note(root, advice))
                .collect();
            assert_eq!(memo.notes(&site, root, now), fresh, "{date} {lede} {day}");
            seen.push(fresh.len());
        }
        // Stale Ann and Bea and a doorway pair; Ann recent; a month older; no pair.
        assert_eq!(seen, [3, 3, 2, 3, 2, 3]);
    }
}
