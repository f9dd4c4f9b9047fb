//! Markdown bodies to HTML: pulldown-cmark with kudos's additions.
//!
//! On top of CommonMark (plus tables, footnotes, strikethrough, task lists and smart
//! punctuation) this adds: heading ids with anchor links and a table of contents,
//! build-time highlighting of fenced code, `@/path.md#anchor` links resolved to URLs (and
//! recorded so the caller can check the anchor once every page's headings are known),
//! `http(s)` links recorded for `kudos check --external`, the `<!-- more -->` summary cut,
//! and a word count for reading time.

pub mod highlight;
pub mod html;
pub mod images;
pub mod nesting;
pub mod shortcodes;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::slug::SlugStyle;

pub use html::{Html, HtmlSource};
pub use images::{ImageLookup, ImageRef, ImageUse};

/// What a body refers to, answered by the caller: `@/` links and images. A closure from
/// content path to URL answers links and leaves images as written.
pub trait Lookups {
    /// The URL of the item at `content_path` (`posts/hello.md`), if there is one.
    fn page_url(&self, content_path: &str) -> Option<String>;

    /// What to write for an image.
    fn image(&self, _image: &ImageRef) -> ImageLookup {
        ImageLookup::AsWritten
    }
}

impl<F: Fn(&str) -> Option<String>> Lookups for F {
    fn page_url(&self, content_path: &str) -> Option<String> {
        self(content_path)
    }
}

/// Markdown switches from `[markdown]` in `kudos.toml`.
#[derive(Debug, Clone, Copy, Hash)]
pub struct MarkdownOptions {
    /// Curly quotes and dashes.
    pub smart_punctuation: bool,
    /// A `#` link beside each heading.
    pub heading_anchors: bool,
    /// How a heading's text becomes its id, as names become slugs everywhere.
    pub slugs: SlugStyle,
}

/// One heading, for a table of contents.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading's id (its anchor).
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// An `@/` link found in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InternalLink {
    /// Content path it names: `posts/hello.md`.
    pub target: String,
    /// The `#anchor`, if any.
    pub anchor: Option<String>,
    /// Byte offset of the link in the body.
    pub offset: usize,
    /// Whether `target` was found.
    pub resolved: bool,
}

/// An `http://` or `https://` link found in a body (an autolink or `[text](url)`), for
/// `kudos check --external`. Outside images are in [`Rendered::images`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OutsideLink {
    /// The URL as written.
    pub url: String,
    /// Byte offset of the link in the body.
    pub offset: usize,
}

/// Whether `url` is an `http:` or `https:` URL (the scheme in any case): the only links
/// `kudos check --external` requests.
pub fn is_web_url(url: &str) -> bool {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// A fenced code block whose language kudos does not know (it is shown as plain text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct UnknownLanguage {
    /// The language as written after the fence.
    pub lang: String,
    /// Byte offset of the block's opening fence in the body.
    pub offset: usize,
}

/// A rendered body. Its serde form (the build's body store, [`crate::warm`]) leaves out
/// the images, whose lookups hold measured pictures: only bodies without images are
/// stored.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Rendered {
    /// The whole body. Not in the serde form: the body store keeps it beside the rest,
    /// read only when shown ([`html`]).
    #[serde(skip)]
    pub html: Html,
    /// The part before `<!-- more -->`, if the marker is there.
    pub summary: Option<String>,
    /// Headings in order.
    pub toc: Vec<TocEntry>,
    /// Words of prose (code excluded).
    pub words: usize,
    /// `@/` links, for checking.
    pub links: Vec<InternalLink>,
    /// `http(s)` links, for `kudos check --external`.
    pub outside_links: Vec<OutsideLink>,
    /// Images, for checking and for making their variants.
    #[serde(skip)]
    pub images: Vec<ImageUse>,
    /// Code blocks in a language with no grammar, for warnings: they are rendered as
    /// plain text, which a writer who misspelt `rust` would not notice otherwise.
    pub unknown_languages: Vec<UnknownLanguage>,
    /// A hash of everything a page shows of the body ([`Rendered::seal`]), the same in
    /// every process: pages built from an unchanged body need not be rendered again
    /// (`serve`, and a build after a build: [`crate::warm`]).
    pub revision: u64,
    /// [`Rendered::anchor_ids`], owned, built on the first anchor check (once `html` is
    /// final): checking many `#anchor` links against a long page stays fast.
    #[serde(skip)]
    anchors: std::sync::OnceLock<Vec<String>>,
}

impl Rendered {
    /// Sets [`Rendered::revision`] from what the body now is; called whenever a body is
    /// finished or changed.
    pub fn seal(&mut self) {
        let mut hasher = crate::fingerprint::StableHasher::default();
        hasher.part(self.html.as_bytes());
        hasher.part(self.summary.as_deref().unwrap_or("\0none").as_bytes());
        for entry in &self.toc {
            hasher.part(&[entry.level]);
            hasher.part(entry.id.as_bytes());
            hasher.part(entry.title.as_bytes());
        }
        hasher.part(&(self.words as u64).to_le_bytes());
        self.revision = hasher.digest();
    }

    /// Whether `id` is an anchor in this body (a heading or footnote). The first check
    /// reads the HTML once, without keeping it (a body the store holds stays there).
    pub fn has_anchor(&self, id: &str) -> bool {
        self.anchors
            .get_or_init(|| {
                let html = self.html.read();
                anchor_ids(&self.toc, &html)
                    .into_iter()
                    .map(String::from)
                    .collect()
            })
            .binary_search_by(|anchor| anchor.as_str().cmp(id))
            .is_ok()
    }

    /// Every id [`Rendered::has_anchor`] accepts, sorted: two bodies with the same list
    /// answer every anchor check alike.
    pub fn anchor_ids(&self) -> Vec<&str> {
        anchor_ids(&self.toc, &self.html)
    }
}

/// The ids of `toc`'s headings and every `id` in `html`, sorted, once each.
fn anchor_ids<'a>(toc: &'a [TocEntry], html: &'a str) -> Vec<&'a str> {
    let in_html = html.match_indices("id=\"").filter_map(|(at, _)| {
        let value = &html[at + 4..];
        value.find('"').map(|end| &value[..end])
    });
    let mut ids: Vec<&str> = toc.iter().map(|h| h.id.as_str()).chain(in_html).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A heading being collected: level, explicit id, classes, inner events.
type OpenHeading<'a> = (
    HeadingLevel,
    Option<CowStr<'a>>,
    Vec<CowStr<'a>>,
    Vec<Event<'a>>,
);

const MORE_MARKER: &str = "<!--kudos-more-->";

/// Renders `body`, asking `lookups` for the URL of each `@/` link and for each image.
pub fn render(body: &str, options: MarkdownOptions, lookups: &dyn Lookups) -> Rendered {
    let mut parser_options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if options.smart_punctuation {
        parser_options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let mut rendered = Rendered::default();
    let parsed = images::replace_images(
        Parser::new_ext(body, parser_options).into_offset_iter(),
        &|image| lookups.image(image),
        &mut rendered.images,
    );
    let events = transform(
        parsed.into_iter(),
        options,
        &|path| lookups.page_url(path),
        &mut rendered,
    );
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if let Some(cut) = html.find(MORE_MARKER) {
        let summary = without_footnote_references(html[..cut].trim_end());
        rendered.summary = Some(summary.replacen(images::FIRST_IMAGE, " loading=\"lazy\"", 1));
        html.replace_range(cut..cut + MORE_MARKER.len(), "");
    }
    rendered.html = exact(html).into();
    rendered.seal();
    rendered
}

/// `text` in a buffer of its own length. A body is kept for the whole build, and
/// `push_html` grows its buffer by doubling, leaving up to half of it unused (95 of
/// 300 MiB at 10k posts). `shrink_to_fit` would not give it back: mimalloc leaves a
/// block in place when it shrinks by less than half.
fn exact(text: String) -> String {
    if text.capacity() - text.len() <= text.len() / 16 {
        return text;
    }
    text.as_str().to_owned()
}

/// Rewrites the event stream: headings, code, links, the summary marker.
fn transform<'a>(
    parser: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
    options: MarkdownOptions,
    resolve: &dyn Fn(&str) -> Option<String>,
    rendered: &mut Rendered,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut used_ids = HeadingIds::default();
    let mut heading: Option<OpenHeading<'a>> = None;
    let mut code: Option<(Option<String>, String)> = None;
    let mut footnotes = Footnotes::default();

    for (event, range) in parser {
        if let Some((_, ref mut text)) = code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    let html = highlight::code_block(&text, lang.as_deref());
                    out.push(Event::Html(html.into()));
                }
                _ => {}
            }
            continue;
        }
        if let Some((level, ref id, ref classes, ref mut inner)) = heading {
            if let Event::End(TagEnd::Heading(_)) = event {
                let id = id.clone();
                let classes = classes.clone();
                let inner = std::mem::take(inner);
                heading = None;
                emit_heading(
                    level,
                    id,
                    classes,
                    inner,
                    options,
                    &mut used_ids,
                    rendered,
                    &mut out,
                );
            } else {
                count_words(&event, rendered);
                let event = rewrite_link(event, range.start, resolve, rendered);
                inner.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some((level, id, classes, Vec::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                if let Some(lang) = lang.as_ref().filter(|l| !highlight::is_known_language(l)) {
                    rendered.unknown_languages.push(UnknownLanguage {
                        lang: lang.clone(),
                        offset: range.start,
                    });
                }
                code = Some((lang, String::new()));
            }
            Event::TaskListMarker(done) => out.push(Event::InlineHtml(task_box(done).into())),
            Event::FootnoteReference(label) => {
                out.push(Event::InlineHtml(footnotes.reference(&label).into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out.push(Event::Html(footnotes.definition(&label).into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => out.push(Event::Html("</div>\n".into())),
            Event::Html(ref html) | Event::InlineHtml(ref html)
                if html.trim() == "<!-- more -->" =>
            {
                out.push(Event::Html(MORE_MARKER.into()));
            }
            event => {
                count_words(&event, rendered);
                out.push(rewrite_link(event, range.start, resolve, rendered));
            }
        }
    }
    out
}

/// Footnote numbers by label, in the order first seen, as pulldown-cmark numbers them.
/// Ids are `fn-<label>` and `fnref-<label>`, not the bare `1` pulldown-cmark writes, which
/// clashes with any other element whose id is a number.
#[derive(Default)]
struct Footnotes {
    labels: Vec<String>,
}

/// Marks a footnote reference in the HTML, so that a summary can drop it: a listing has
/// no footnotes for it to point to.
const FOOTNOTE_REFERENCE: &str = "<sup class=\"footnote-reference\"";

impl Footnotes {
    fn number(&mut self, label: &str) -> usize {
        match self.labels.iter().position(|l| l == label) {
            Some(at) => at + 1,
            None => {
                self.labels.push(label.to_string());
                self.labels.len()
            }
        }
    }

    fn reference(&mut self, label: &str) -> String {
        let n = self.number(label);
        let id = footnote_id(label);
        format!("{FOOTNOTE_REFERENCE} id=\"fnref-{id}\"><a href=\"#fn-{id}\">{n}</a></sup>")
    }

    fn definition(&mut self, label: &str) -> String {
        let n = self.number(label);
        let id = footnote_id(label);
        format!(
            "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
        )
    }
}

/// A footnote label as an id: letters, digits, `-` and `_` kept, anything else `-`.
fn footnote_id(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `html` without its footnote references, for a summary shown away from the footnotes.
fn without_footnote_references(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(FOOTNOTE_REFERENCE) {
        out.push_str(&rest[..at]);
        match rest[at..].find("</sup>") {
            Some(end) => rest = &rest[at + end + "</sup>".len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A task list's checkbox with a name of its own: pulldown-cmark's bare `<input>` is a
/// form control without a label, which screen readers announce as just "checkbox" (axe's
/// `label` rule).
fn task_box(done: bool) -> &'static str {
    if done {
        "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"done\"/>\n"
    } else {
        "<input disabled=\"\" type=\"checkbox\" aria-label=\"to do\"/>\n"
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_heading<'a>(
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    inner: Vec<Event<'a>>,
    options: MarkdownOptions,
    used_ids: &mut HeadingIds,
    rendered: &mut Rendered,
    out: &mut Vec<Event<'a>>,
) {
    let title: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let base = id.map_or_else(|| heading_id(&title, options.slugs), |i| i.to_string());
    let id = used_ids.unique(base);
    let level_num = level as u8;
    let mut open = format!("<h{level_num} id=\"");
    pulldown_cmark_escape::escape_html(&mut open, &id).ok();
    open.push('"');
    if !classes.is_empty() {
        open.push_str(" class=\"");
        pulldown_cmark_escape::escape_html(&mut open, &classes.join(" ")).ok();
        open.push('"');
    }
    open.push('>');
    out.push(Event::Html(open.into()));
    out.extend(inner);
    let mut close = String::new();
    if options.heading_anchors {
        close.push_str(" <a class=\"heading-anchor\" href=\"#");
        pulldown_cmark_escape::escape_href(&mut close, &id).ok();
        close.push_str("\" aria-label=\"Link to this section\">#</a>");
    }
    close.push_str(&format!("</h{level_num}>\n"));
    out.push(Event::Html(close.into()));
    rendered.toc.push(TocEntry {
        level: level_num,
        id,
        title,
    });
}

/// The ids given to a body's headings so far.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// For each base id, the suffix to try next: a thousand headings with one title cost
    /// a thousand tries in all, not half a million.
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// `base`, or the first of `base-1`, `base-2`, ... not used yet.
    fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The id a heading gets: its text, slugified.
pub fn heading_id(title: &str, slugs: SlugStyle) -> String {
    let id = slugs.words(title);
    if id.is_empty() { "section".into() } else { id }
}

fn count_words(event: &Event<'_>, rendered: &mut Rendered) {
    if let Event::Text(t) = event {
        rendered.words += t.split_whitespace().count();
    }
}

fn rewrite_link<'a>(
    event: Event<'a>,
    offset: usize,
    resolve: &dyn Fn(&str) -> Option<String>,
    rendered: &mut Rendered,
) -> Event<'a> {
    let Event::Start(Tag::Link {
        link_type,
        dest_url,
        title,
        id,
    }) = event
    else {
        return event;
    };
    let Some(internal) = dest_url.strip_prefix("@/") else {
        if is_web_url(&dest_url) {
            rendered.outside_links.push(OutsideLink {
                url: dest_url.to_string(),
                offset,
            });
        }
        return Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        });
    };
    let (target, anchor) = match internal.split_once('#') {
        Some((t, a)) => (t.to_string(), Some(a.to_string())),
        None => (internal.to_string(), None),
    };
    let url = resolve(&target);
    rendered.links.push(InternalLink {
        target,
        anchor: anchor.clone(),
        offset,
        resolved: url.is_some(),
    });
    let mut href = url.unwrap_or_else(|| "#".into());
    if let Some(anchor) = anchor {
        href.push('#');
        href.push_str(&anchor);
    }
    Event::Start(Tag::Link {
        link_type,
        dest_url: href.into(),
        title,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: MarkdownOptions = MarkdownOptions {
        smart_punctuation: true,
        heading_anchors: true,
        slugs: SlugStyle::KeepLetters,
    };

    fn md(body: &str) -> Rendered {
        render(body, OPTIONS, &|path: &str| {
            (path == "posts/a.md").then(|| "/posts/a/".to_string())
        })
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = md("## Why it matters\n\n## Why it matters\n");
        assert!(r.html.contains("<h2 id=\"why-it-matters\">Why it matters <a class=\"heading-anchor\" href=\"#why-it-matters\""), "{}", r.html);
        assert!(r.html.contains("id=\"why-it-matters-1\""));
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn many_headings_with_one_title_get_numbered_ids_quickly() {
        let body = "## Same\n\n## Same-1\n\n".to_string() + &"## Same\n\n".repeat(20_000);
        let started = std::time::Instant::now();
        let r = md(&body);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).take(5).collect();
        assert_eq!(ids, ["same", "same-1", "same-2", "same-3", "same-4"]);
        assert_eq!(r.toc.last().unwrap().id, "same-20001");
    }

    #[test]
    fn anchors_are_headings_and_ids_in_the_html() {
        let r = md("## Title\n\nA note[^n].\n\n[^n]: Foot.\n\n<span id=\"raw\"></span>\n");
        for id in ["title", "fn-n", "raw"] {
            assert!(r.has_anchor(id), "{id} in {}", r.html);
        }
        assert!(!r.has_anchor("missing"));
    }

    #[test]
    fn footnote_ids_are_not_bare_numbers_and_summaries_drop_their_links() {
        let r = md("Claim.[^1] Again.[^note]\n\n<!-- more -->\n\n[^1]: Source.\n[^note]: Other.\n");
        assert!(r.html.contains("<a href=\"#fn-1\">1</a>"), "{}", r.html);
        assert!(r.html.contains("id=\"fn-1\""), "{}", r.html);
        assert!(r.html.contains("<a href=\"#fn-note\">2</a>"), "{}", r.html);
        assert!(!r.html.contains("id=\"1\""), "{}", r.html);
        assert_eq!(r.summary.as_deref(), Some("<p>Claim. Again.</p>"));
    }

    #[test]
    fn summary_stops_at_more() {
        let r = md("First.\n\n<!-- more -->\n\nSecond.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>First.</p>"));
        assert!(r.html.contains("Second"));
        assert!(!r.html.contains("kudos-more"));
    }

    #[test]
    fn internal_links_resolve_and_record() {
        let r = md("[a](@/posts/a.md#x) and [b](@/posts/missing.md)");
        assert!(r.html.contains("href=\"/posts/a/#x\""), "{}", r.html);
        assert_eq!(r.links.len(), 2);
        assert!(r.links[0].resolved && !r.links[1].resolved);
        assert_eq!(r.links[0].anchor.as_deref(), Some("x"));
    }

    #[test]
    fn outside_links_are_recorded_with_their_offset() {
        let body = "See [the shop](https://shop.example/a) or <HTTP://Other.example>.\n\n[ref]: https://ref.example/\n\nUse [it][ref], [mail](mailto:a@b.example), [ftp](ftp://x.example/), [here](/x/).\n";
        let r = md(body);
        let found: Vec<(&str, usize)> = r
            .outside_links
            .iter()
            .map(|l| (l.url.as_str(), l.offset))
            .collect();
        assert_eq!(
            found,
            [
                ("https://shop.example/a", body.find("[the shop]").unwrap()),
                ("HTTP://Other.example", body.find("<HTTP").unwrap()),
                ("https://ref.example/", body.find("[it]").unwrap()),
            ]
        );
        assert!(r.links.is_empty());
    }

    #[test]
    fn code_is_highlighted_and_not_counted() {
        let r = md("One two three.\n\n```rust\nlet a = 1;\n```\n");
        assert!(r.html.contains("data-lang=\"rust\""));
        assert_eq!(r.words, 3);
    }

    #[test]
    fn unknown_code_languages_are_recorded_with_their_offset() {
        let body = "Intro.\n\n```rust\nlet a = 1;\n```\n\n```woodgrain\nknots\n```\n\n```text\nplain\n```\n";
        let r = md(body);
        assert_eq!(
            r.unknown_languages,
            [UnknownLanguage {
                lang: "woodgrain".into(),
                offset: body.find("```woodgrain").unwrap(),
            }]
        );
    }

    #[test]
    fn task_list_checkboxes_have_a_name() {
        let r = md("- [x] sanded\n- [ ] oiled\n");
        assert!(
            r.html.contains("checked=\"\" aria-label=\"done\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("aria-label=\"to do\""), "{}", r.html);
    }

    #[test]
    fn extensions_are_on() {
        let r =
            md("| a |\n|---|\n| b |\n\n~~x~~ \"q\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: Foot.\n");
        for needle in [
            "<table>",
            "<del>x</del>",
            "“q”",
            "type=\"checkbox\"",
            "footnote",
        ] {
            assert!(r.html.contains(needle), "{needle} in {}", r.html);
        }
    }
}
