//! Share cards: what each page's 1200 × 630 card shows, laid out and rendered through
//! the theme's `card.svg` template (site-overridable like any template; its text is
//! escaped as XML), and which card each page names as its `og:image`.
//!
//! A card is made for each post (unless it names its own `image`), segment page (a hero
//! is a banner, not a card: the card carries the headline) and shout-out page that
//! `[cards]` switches on, plus the site's card, which every other page shows. A shout-out
//! gets a card of its own only when the visibility decision allows a share image
//! (consent scope "social") and its quote fits whole, or its `share_excerpt` does: a card
//! may shorten the customer's words, never reword them (`share_excerpt` must be a piece
//! of the quote's text). The name and photo on it are the ones the decision shows, as on
//! the page.
//!
//! Text is fitted here, with the metrics of the fonts cards are drawn with
//! (`images::fonts`: the embedded ones and the site's `[cards] fonts`), so the template
//! only places lines: a title that does not fit is shortened with an ellipsis; a card
//! whose text needs a character no font has is not made (the page shows the site's card,
//! and the build warns, pointing at `[cards] fonts`) rather than drawn with empty boxes.
//!
//! Cards are rendered to SVG text while the renderer is built, because every page names
//! its card by that text's hash; [`card_files`] draws them (in parallel, through the
//! image cache) once the variants they may show (a customer's photo) are made. A card
//! rendered by an earlier build or rebuild from the same view, template and config is
//! named without rendering it ([`CardNames`]); its SVG is rendered only if it must be drawn.

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::config::{CardsConfig, Config};
use crate::content::{Page, Shoutout};
use crate::error::{Error, Result, SourceError};
use crate::fingerprint::{fingerprint, stable_hash};
use crate::i18n::Strings;
use crate::images::cache::{DiskCache, Made};
use crate::images::card::{self, HEIGHT, WIDTH};
use crate::images::fonts::{self, CardFonts, Weight};
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile};
use crate::site::{ItemRef, Route, Site};
use crate::visibility::Visibility;

use super::RenderCache;
use super::context::{plain_text, sanitize_quote};
use super::images::Avatar;
use super::template_deps::TemplateDeps;
use super::templates::{self, TemplateFiles};

/// The template every card is rendered from.
pub const TEMPLATE: &str = "card.svg";

/// The margin around a card's text, in pixels.
const MARGIN: f32 = 80.0;
/// The width of a card's text.
const TEXT_WIDTH: f32 = WIDTH as f32 - 2.0 * MARGIN;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.25;
/// Title sizes tried in turn with their most lines; the last one shortens.
const TITLE_SIZES: [(f32, usize); 2] = [(72.0, 2), (58.0, 3)];
/// Quote sizes tried in turn with their most lines; a quote that fits none is not shown.
const QUOTE_SIZES: [(f32, usize); 4] = [(48.0, 4), (40.0, 5), (34.0, 6), (29.0, 7)];
/// Descriptions and ledes.
const TEXT_SIZE: (f32, usize) = (30.0, 2);
/// The site's name above a title, and the name under a quote.
const LABEL_SIZE: f32 = 28.0;

/// One card, rendered to SVG (or named without it), not yet drawn.
#[derive(Debug, Clone)]
pub struct Card {
    /// The rendered `card.svg`; empty when the card was named without rendering it (then
    /// `view` is kept to render it if it must be drawn) or when it is no longer needed.
    pub svg: String,
    /// What it shows, when `svg` was not rendered.
    pub view: Option<Arc<CardView>>,
    /// Output path, no leading slash: `cards/<hash>.png`.
    pub output: String,
    /// Its hash, which names it and its cache entry.
    pub hash: u64,
    /// `og:image:alt`: what it shows, in words.
    pub alt: String,
    /// A site image it shows (a customer's photo variant), by output path.
    pub photo: Option<String>,
}

impl Card {
    /// The card as pages name it, without its SVG text (see
    /// [`super::Renderer::forget_card_svgs`]).
    pub fn without_svg(&self) -> Card {
        Card {
            svg: String::new(),
            view: None,
            output: self.output.clone(),
            hash: self.hash,
            alt: self.alt.clone(),
            photo: self.photo.clone(),
        }
    }
}

/// Every card of a site.
#[derive(Debug, Default, Clone)]
pub struct Cards {
    /// Per post.
    pub posts: Vec<Option<Arc<Card>>>,
    /// Per segment.
    pub segments: Vec<Option<Arc<Card>>>,
    /// Per shout-out.
    pub shoutouts: Vec<Option<Arc<Card>>>,
    /// The site's card.
    pub site: Option<Arc<Card>>,
    /// Cards not made for want of a font, by the file whose text needed it.
    pub warnings: Vec<SourceError>,
    /// Per post: whether it names an image of its own, so its pages name no card. Kept
    /// here so that naming a page's card reads no post: fingerprinting the pages of a
    /// 10k site after a save spent a third of its time fetching each post from memory.
    post_has_image: Vec<bool>,
}

/// A block of fitted lines, as the template places it.
#[derive(Debug, Clone, Serialize)]
pub struct TextBlock {
    /// One string per line.
    pub lines: Vec<String>,
    /// Font size, pixels.
    pub size: f32,
    /// Baseline to baseline, pixels.
    pub line_height: f32,
    /// Whether it ends with an ellipsis that is not in the text.
    pub shortened: bool,
}

/// What `card.svg` gets as `card`.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    /// "post", "segment", "shoutout" or "site".
    pub kind: &'static str,
    /// 1200.
    pub width: u32,
    /// 630.
    pub height: u32,
    /// The margin the text was fitted inside.
    pub margin: f32,
    /// The font family to name.
    pub font: &'static str,
    /// `[cards]` colours.
    pub colours: Colours,
    /// The site's title, one line (absent on the site's own card).
    pub site_title: Option<TextBlock>,
    /// A post's or segment's title, or the site's.
    pub title: Option<TextBlock>,
    /// A description, lede or the site's description.
    pub text: Option<TextBlock>,
    /// A shout-out's quote (or excerpt), verbatim.
    pub quote: Option<TextBlock>,
    /// Who said it, as the visibility decision shows them.
    pub name: Option<TextBlock>,
    /// The disclosure line of a shout-out from anyone but a customer.
    pub disclosure: Option<TextBlock>,
    /// Stars, 1-5.
    pub rating: Option<u8>,
    /// `href` of the customer's photo, when the consent covers it.
    pub photo: Option<String>,
}

/// `[cards]` colours, as `#rrggbb` or `#rgb`.
#[derive(Debug, Clone, Serialize)]
pub struct Colours {
    background: String,
    text: String,
    accent: String,
    muted: String,
}

impl From<&CardsConfig> for Colours {
    fn from(c: &CardsConfig) -> Self {
        Colours {
            background: c.background.clone(),
            text: c.text.clone(),
            accent: c.accent.clone(),
            muted: c.muted.clone(),
        }
    }
}

impl CardView {
    fn new(kind: &'static str, cards: &CardsConfig) -> CardView {
        CardView {
            kind,
            width: WIDTH,
            height: HEIGHT,
            margin: MARGIN,
            font: fonts::FAMILY,
            colours: cards.into(),
            site_title: None,
            title: None,
            text: None,
            quote: None,
            name: None,
            disclosure: None,
            rating: None,
            photo: None,
        }
    }

    /// Every string drawn, for the font check.
    fn strings(&self) -> impl Iterator<Item = &str> {
        [
            &self.site_title,
            &self.title,
            &self.text,
            &self.quote,
            &self.name,
            &self.disclosure,
        ]
        .into_iter()
        .flatten()
        .flat_map(|block| block.lines.iter().map(String::as_str))
    }
}

/// `text` in as many lines as fit, shortened with an ellipsis after `max`.
fn block(
    fonts: &CardFonts,
    text: &str,
    (size, max): (f32, usize),
    weight: Weight,
) -> Option<TextBlock> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let measure = fonts.measure(weight);
    let (lines, shortened) = card::shorten(&measure, text, size, TEXT_WIDTH, max);
    Some(TextBlock {
        lines,
        size,
        line_height: size * LEADING,
        shortened,
    })
}

/// A title at the largest size it fits whole, else shortened at the smallest.
fn title(fonts: &CardFonts, text: &str) -> Option<TextBlock> {
    let text = text.trim();
    let measure = fonts.measure(Weight::Bold);
    for (size, max) in TITLE_SIZES {
        if let Some(lines) = card::fit(&measure, text, size, TEXT_WIDTH, max) {
            return Some(TextBlock {
                lines,
                size,
                line_height: size * LEADING,
                shortened: false,
            })
            .filter(|b| !b.lines.is_empty());
        }
    }
    block(
        fonts,
        text,
        TITLE_SIZES[TITLE_SIZES.len() - 1],
        Weight::Bold,
    )
}

/// A quote at the largest size it fits whole; `None` when it fits at none.
fn quote(fonts: &CardFonts, text: &str) -> Option<TextBlock> {
    let measure = fonts.measure(Weight::Regular);
    QUOTE_SIZES.into_iter().find_map(|(size, max)| {
        let lines = card::fit(&measure, text, size, TEXT_WIDTH, max)?;
        Some(TextBlock {
            lines,
            size,
            line_height: size * LEADING,
            shortened: false,
        })
    })
}

/// One line of a label (the site's name, a customer's name).
fn label(fonts: &CardFonts, text: &str) -> Option<TextBlock> {
    block(fonts, text, (LABEL_SIZE, 1), Weight::Bold)
}

/// What a shout-out's card may show of its quote: the whole quote when it fits, else its
/// `share_excerpt` (marked with an ellipsis where it leaves words out) when that fits.
fn quote_shown(fonts: &CardFonts, quote_text: &str, excerpt: Option<&str>) -> Option<TextBlock> {
    if let Some(whole) = quote(fonts, quote_text) {
        return Some(whole);
    }
    let excerpt = normalise(excerpt?);
    let quote_text = normalise(quote_text);
    let start = if quote_text.starts_with(&excerpt) {
        ""
    } else {
        "…"
    };
    let end = if quote_text.ends_with(&excerpt) {
        ""
    } else {
        "…"
    };
    quote(fonts, &format!("{start}{excerpt}{end}"))
}

/// Words separated by single spaces: how a quote's text is compared and fitted.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The plain text of a shout-out's quote as its page shows it.
pub fn quote_text(body: &Rendered) -> String {
    plain_text(&sanitize_quote(&body.html))
}

/// An error at `share_excerpt` when it is not a piece of the quote's text.
pub fn check_excerpt(shoutout: &Shoutout, quote_text: &str) -> Option<SourceError> {
    let excerpt = shoutout.meta.share_excerpt.as_deref()?;
    let (wanted, whole) = (normalise(excerpt), normalise(quote_text));
    if !wanted.is_empty() && whole.contains(&wanted) {
        return None;
    }
    let shown: String = whole.chars().take(120).collect();
    let more = if whole.chars().count() > 120 {
        "…"
    } else {
        ""
    };
    Some(
        crate::site::at_key(
            &shoutout.source,
            "share_excerpt",
            "`share_excerpt` is not a piece of the quote: a share card may shorten the customer's words, never change them".into(),
        )
        .with_help(format!(
            "copy an exact part of the quote as its page shows it: \"{shown}{more}\""
        )),
    )
}

/// Names of cards made earlier, by what each was rendered from: its view and a print of
/// everything else the template reads (its text and the templates it includes, the
/// config, the translated strings; the binary is in the store's file). Only for a
/// `card.svg` that reads nothing of `site`, calls no listing or file function and
/// includes only templates named in quotes (and none of the theme's templates defines
/// a component: see `Renderer::card_engine`), whose output is then a function of those
/// alone.
pub struct CardNames<'a> {
    cache: &'a dyn RenderCache,
    print: u64,
}

impl<'a> CardNames<'a> {
    /// Names kept in `cache` for the card template `deps` describes; `None` when that
    /// template reads more than the card and the config.
    pub fn new(
        cache: &'a dyn RenderCache,
        deps: &TemplateDeps,
        config: &Config,
        strings: &Strings,
    ) -> Option<CardNames<'a>> {
        let reads_only_its_card = !deps.all_site
            && deps.site_keys.is_empty()
            && deps.functions.is_empty()
            && !deps.unnamed_refs;
        let print = stable_hash(&[
            &deps.text.to_le_bytes(),
            &config.fingerprint().to_le_bytes(),
            &fingerprint(strings).to_le_bytes(),
        ]);
        reads_only_its_card.then_some(CardNames { cache, print })
    }

    /// What a post's card is made from besides what `print` covers (the store keeps
    /// cards per print): the file (named by its warnings), the title and the description.
    fn post_key(&self, post: &Page) -> u64 {
        let description = post.meta.description.as_deref();
        stable_hash(&[
            post.source.path.as_os_str().as_encoded_bytes(),
            post.meta.title.as_bytes(),
            &[u8::from(description.is_some())],
            description.unwrap_or_default().as_bytes(),
        ])
    }

    /// The key of the card `view` renders into; `None` if it cannot be encoded.
    fn key(&self, view: &CardView) -> Option<u64> {
        let bytes = postcard::to_allocvec(view).ok()?;
        Some(stable_hash(&[&self.print.to_le_bytes(), &bytes]))
    }
}

/// What renders cards: the engine, the template files for errors, and the config.
pub struct CardRenderer<'a> {
    /// The engine with `card.svg` loaded.
    pub tera: &'a Tera,
    /// For errors.
    pub files: &'a TemplateFiles,
    /// Serialised once: templates may read `config`.
    pub config: &'a Value,
    /// What cards are drawn and measured with.
    pub fonts: &'a CardFonts,
    /// Names of cards rendered before, when they can be trusted.
    pub names: Option<CardNames<'a>>,
}

impl CardRenderer<'_> {
    /// Renders `view` into a card with `alt`; `Ok(None)` when a character in it has no
    /// font (with a warning against `source`).
    fn render(
        &self,
        view: CardView,
        alt: String,
        source: &std::path::Path,
        warnings: &mut Vec<SourceError>,
    ) -> std::result::Result<Option<Card>, SourceError> {
        if let Some(c) = view.strings().find_map(|s| self.fonts.missing(s)) {
            warnings.push(
                SourceError::new(
                    source,
                    format!(
                        "no share card for it: `{c}` (U+{:04X}) is in no font kudos draws cards with",
                        u32::from(c)
                    ),
                )
                .with_help(missing_font_help(self.fonts)),
            );
            return Ok(None);
        }
        let named = self
            .names
            .as_ref()
            .and_then(|names| Some((names, names.key(&view)?)));
        if let Some(hash) = named.and_then(|(names, key)| names.cache.card_name(key)) {
            return Ok(Some(Card {
                output: card::output_path(hash),
                hash,
                alt,
                photo: view.photo.clone(),
                svg: String::new(),
                view: Some(Arc::new(view)),
            }));
        }
        let svg = self.svg(&view)?;
        let hash = card::card_hash(&svg, self.fonts);
        if let Some((names, key)) = named {
            names.cache.keep_card_name(key, hash);
        }
        Ok(Some(Card {
            output: card::output_path(hash),
            hash,
            alt,
            photo: view.photo,
            svg,
            view: None,
        }))
    }

    /// `card.svg` rendered for `view`.
    fn svg(&self, view: &CardView) -> std::result::Result<String, SourceError> {
        let mut ctx = Context::new();
        ctx.insert("card", view);
        ctx.insert_value("config", self.config.clone());
        self.tera
            .render(TEMPLATE, &ctx)
            .map_err(|e| templates::template_error(&e, self.files, Some(TEMPLATE)))
    }

    /// The SVG `card` is drawn from: its own, or rendered from its view.
    fn svg_of<'c>(&self, card: &'c Card) -> std::result::Result<Cow<'c, str>, SourceError> {
        match &card.view {
            Some(view) if card.svg.is_empty() => self.svg(view).map(Cow::Owned),
            _ => Ok(Cow::Borrowed(&card.svg)),
        }
    }
}

/// What the warning about a character no font has advises.
fn missing_font_help(fonts: &CardFonts) -> String {
    let added = match fonts.files() {
        [] => String::new(),
        files => format!(" (the ones there now, {}, lack it)", files.join(", ")),
    };
    format!(
        "its pages show the site's card. The built-in fonts draw Latin, Greek, Cyrillic and Arabic; for other scripts, add a font file that has them to `[cards] fonts` in kudos.toml{added}, e.g. fonts = [\"fonts/NotoSansJP-Regular.otf\"]"
    )
}

/// What the cards are made from, per shout-out: its quote as text, its photo.
pub struct ShoutoutInputs<'a> {
    /// Plain text of each quote.
    pub quotes: &'a [String],
    /// Each photo as cards show it.
    pub avatars: &'a [Option<Avatar>],
}

/// A card made (or not) for one item, with the warnings it raised.
type Attempt = (
    std::result::Result<Option<Arc<Card>>, SourceError>,
    Vec<SourceError>,
);

/// A post's card as made before, with the warnings it raised (a character no font has):
/// kept in a [`RenderCache`] by [`CardNames::post_key`], since fitting the text of 10k
/// posts' cards was an eighth of a structural `serve` rebuild at 10k.
pub struct KeptCard {
    card: Option<Arc<Card>>,
    warnings: Vec<SourceError>,
}

/// The card of post, segment or shout-out `item` (none for a page), per `[cards]`;
/// `quote` is a shout-out's quote as text.
pub fn make_one(
    site: &Site,
    engine: &CardRenderer<'_>,
    item: ItemRef,
    (quote, avatar): (&str, Option<&Avatar>),
) -> Attempt {
    let config = &site.config.cards;
    let mut warned = Vec::new();
    let view = match item {
        ItemRef::Post(i) => {
            let post = &site.posts[i];
            if !config.posts || post.meta.image.is_some() {
                return (Ok(None), warned);
            }
            return post_card_kept(site, engine, post);
        }
        ItemRef::Segment(i) => {
            let segment = &site.segments[i];
            let meta = &segment.meta;
            // A hero is a banner for the page, seldom 1200 × 630 and without the headline:
            // a shared landing page shows its card either way.
            config.segments.then(|| {
                let heading = meta.headline.as_deref().unwrap_or(&meta.title);
                let text = meta.lede.as_deref().or(meta.description.as_deref());
                let (mut view, alt) = post_card(site, heading, text);
                view.kind = "segment";
                ((view, alt), &segment.source.path)
            })
        }
        ItemRef::Shoutout(i) => {
            let shoutout = &site.shoutouts[i];
            let view = shoutout_card(site, shoutout, &site.shown[i], quote, avatar);
            view.filter(|_| config.shoutouts)
                .map(|view| (view, &shoutout.source.path))
        }
        ItemRef::Page(_) => None,
    };
    let card = match view {
        Some(((view, alt), source)) => engine.render(view, alt, source, &mut warned),
        None => Ok(None),
    };
    (card.map(|c| c.map(Arc::new)), warned)
}

/// `post`'s card, taken from the cache when it was made before from the same title and
/// description (and the same template, config and fonts: [`CardNames`]).
fn post_card_kept(site: &Site, engine: &CardRenderer<'_>, post: &Page) -> Attempt {
    let kept = engine
        .names
        .as_ref()
        .map(|names| (names, names.post_key(post)));
    if let Some(card) = kept.and_then(|(names, key)| names.cache.card(names.print, key)) {
        return (Ok(card.card.clone()), card.warnings.clone());
    }
    let mut warned = Vec::new();
    let (view, alt) = post_card(site, &post.meta.title, post.meta.description.as_deref());
    let card = match engine.render(view, alt, &post.source.path, &mut warned) {
        Ok(card) => card.map(Arc::new),
        Err(error) => return (Err(error), warned),
    };
    if let Some((names, key)) = kept {
        let card = KeptCard {
            card: card.clone(),
            warnings: warned.clone(),
        };
        names.cache.keep_card(names.print, key, card);
    }
    (Ok(card), warned)
}

/// The cards of `made`, moving their errors and warnings out.
fn settle(
    made: Vec<Attempt>,
    errors: &mut Vec<SourceError>,
    warnings: &mut Vec<SourceError>,
) -> Vec<Option<Arc<Card>>> {
    made.into_iter()
        .map(|(card, warned)| {
            warnings.extend(warned);
            card.map_err(|e| errors.push(e)).ok().flatten()
        })
        .collect()
}

/// The cards of `site` (per `[cards]`), made in parallel: a template error stops the
/// build, a missing font only warns.
pub fn make_cards(
    site: &Site,
    engine: &CardRenderer<'_>,
    shoutouts: &ShoutoutInputs<'_>,
) -> std::result::Result<Cards, Vec<SourceError>> {
    let each = |items: Vec<ItemRef>| -> Vec<Attempt> {
        items
            .into_par_iter()
            .map(|item| {
                let inputs = match item {
                    ItemRef::Shoutout(i) => {
                        (shoutouts.quotes[i].as_str(), shoutouts.avatars[i].as_ref())
                    }
                    _ => ("", None),
                };
                make_one(site, engine, item, inputs)
            })
            .collect()
    };
    let posts = each((0..site.posts.len()).map(ItemRef::Post).collect());
    let segments = each((0..site.segments.len()).map(ItemRef::Segment).collect());
    let quotes = each((0..site.shoutouts.len()).map(ItemRef::Shoutout).collect());
    let mut warnings = Vec::new();
    let site_card = match site.config.cards.site.then(|| site_card(site)).flatten() {
        Some((view, alt)) => engine.render(view, alt, &site.config.file.shown, &mut warnings),
        None => Ok(None),
    };
    let mut errors = Vec::new();
    let site_card = site_card
        .map_err(|e| errors.push(e))
        .ok()
        .flatten()
        .map(Arc::new);
    let cards = Cards {
        posts: settle(posts, &mut errors, &mut warnings),
        segments: settle(segments, &mut errors, &mut warnings),
        shoutouts: settle(quotes, &mut errors, &mut warnings),
        site: site_card,
        warnings,
        post_has_image: site.posts.iter().map(|p| p.meta.image.is_some()).collect(),
    };
    if errors.is_empty() {
        return Ok(cards);
    }
    // A broken template breaks every card the same way: report it once.
    errors.dedup_by(|a, b| a.location() == b.location() && a.message == b.message);
    Err(errors)
}

/// The site's card: its title and description; none for a site without a title.
fn site_card(site: &Site) -> Option<(CardView, String)> {
    let config = &site.config;
    let fonts = &config.card_fonts;
    let mut view = CardView::new("site", &config.cards);
    view.title = Some(title(fonts, &config.title)?);
    view.text = block(
        fonts,
        &config.description,
        (TEXT_SIZE.0, 3),
        Weight::Regular,
    );
    Some((view, config.title.clone()))
}

/// A post's or segment's card: the site's name, the title, the description.
fn post_card(site: &Site, heading: &str, text: Option<&str>) -> (CardView, String) {
    let config = &site.config;
    let fonts = &config.card_fonts;
    let mut view = CardView::new("post", &config.cards);
    view.site_title = label(fonts, &config.title);
    view.title = title(fonts, heading);
    view.text = text.and_then(|t| block(fonts, t, TEXT_SIZE, Weight::Regular));
    (view, heading.trim().to_string())
}

/// A shout-out's quote card, when its consent covers "social" and its quote (or
/// excerpt) fits: only what `shown` shows of the person.
fn shoutout_card(
    site: &Site,
    shoutout: &Shoutout,
    shown: &Visibility,
    quote_text: &str,
    avatar: Option<&Avatar>,
) -> Option<(CardView, String)> {
    if !shown.share_image {
        return None;
    }
    let config = &site.config;
    let fonts = &config.card_fonts;
    let quote = quote_shown(fonts, quote_text, shoutout.meta.share_excerpt.as_deref())?;
    let mut view = CardView::new("shoutout", &config.cards);
    view.site_title = label(fonts, &config.title);
    view.name = label(fonts, &shown.display_name);
    view.disclosure = super::context::disclosure(site, shoutout)
        .and_then(|d| block(fonts, &d, (LABEL_SIZE * 0.8, 1), Weight::Regular));
    view.rating = shown.rating;
    view.photo = shown
        .photo
        .as_ref()
        .and(avatar)
        .and_then(|a| a.picture.as_ref())
        .and_then(|p| p.largest())
        .map(|v| v.output.clone());
    let alt = format!("“{}” — {}", quote.lines.join(" "), shown.display_name);
    view.quote = Some(quote);
    Some((view, alt))
}

impl Cards {
    /// The card the page of `route` names as its `og:image`: its own, else the site's;
    /// none for a page with an image of its own and for what is not a page.
    pub fn for_route(&self, site: &Site, route: &Route) -> Option<&Arc<Card>> {
        let own = match route {
            Route::Post(i) | Route::Variant(ItemRef::Post(i), _) => {
                (!self.post_has_image[*i]).then_some(self.posts[*i].as_ref())?
            }
            Route::Page(i) | Route::Variant(ItemRef::Page(i), _) => {
                (site.pages[*i].meta.image.is_none()).then_some(None)?
            }
            Route::Segment(i) => self.segments[*i].as_ref(),
            Route::Shoutout(i) => self.shoutouts[*i].as_ref(),
            Route::Alias(..)
            | Route::Atom
            | Route::ShoutoutsAtom
            | Route::Rss
            | Route::JsonFeed
            | Route::TagAtom(_)
            | Route::SegmentAtom(_)
            | Route::Sitemap
            | Route::Robots => return None,
            _ => None,
        };
        own.or(self.site.as_ref())
    }

    /// Every card once (two items with the same card share a file).
    pub fn all(&self) -> Vec<&Arc<Card>> {
        let mut seen = rustc_hash::FxHashSet::default();
        self.site
            .iter()
            .chain(self.posts.iter().flatten())
            .chain(self.segments.iter().flatten())
            .chain(self.shoutouts.iter().flatten())
            .filter(|c| seen.insert(c.hash))
            .collect()
    }

    /// Puts `card` (with the warnings made with it) in place of `item`'s; returns
    /// whether it differs from the one it replaces.
    pub fn replace(
        &mut self,
        site: &Site,
        item: ItemRef,
        card: Option<Arc<Card>>,
        warned: Vec<SourceError>,
    ) -> bool {
        if let ItemRef::Post(i) = item {
            self.post_has_image[i] = site.posts[i].meta.image.is_some();
        }
        let (slot, source) = match item {
            ItemRef::Post(i) => (&mut self.posts[i], &site.posts[i].source),
            ItemRef::Segment(i) => (&mut self.segments[i], &site.segments[i].source),
            ItemRef::Shoutout(i) => (&mut self.shoutouts[i], &site.shoutouts[i].source),
            ItemRef::Page(_) => return false,
        };
        let changed = slot.as_ref().map(|c| c.hash) != card.as_ref().map(|c| c.hash);
        *slot = card;
        self.warnings.retain(|w| w.path != source.path);
        self.warnings.extend(warned);
        changed
    }
}

/// The PNG of each of `cards`, drawn with `engine`'s fonts in parallel or taken from
/// `cache`. `variants` are the image files of this build, where a card finds the photo
/// it shows. A card the template cannot draw is an error at the template.
pub fn card_files(
    cards: Vec<&Arc<Card>>,
    engine: &CardRenderer<'_>,
    variants: &[OutputFile],
    cache: &DiskCache,
) -> Result<Vec<OutputFile>> {
    let fonts = engine.fonts;
    let shown = engine
        .files
        .get(TEMPLATE)
        .cloned()
        .unwrap_or_else(|| TEMPLATE.into());
    let by_path: rustc_hash::FxHashMap<&str, &OutputFile> =
        variants.iter().map(|f| (f.path.as_str(), f)).collect();
    let photo = |href: &str| {
        let file = by_path.get(href)?;
        Some(Arc::new(file.bytes().ok()?.into_owned()))
    };
    let made: Vec<std::result::Result<OutputFile, SourceError>> = cards
        .into_par_iter()
        .map(|card| {
            let entry = format!("{:016x}-{WIDTH}.png", card.hash);
            let made = cache.file(&entry, || {
                let svg = engine.svg_of(card)?;
                card::rasterise(&svg, fonts, &photo)
                    .map_err(|e| SourceError::new(&shown, e.to_string()))
            })?;
            Ok(OutputFile {
                path: card.output.clone(),
                contents: match made {
                    Made::Cached(path) => Contents::Made(path),
                    Made::Bytes(bytes) => Contents::Bytes(bytes.into()),
                },
            })
        })
        .collect();
    made.into_iter()
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Content(vec![e]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "We bought the bath ducks the year our eldest was born, and after everything the ducks outlasted three children and a dog, two house moves, one flood in the bathroom and a holiday in a caravan where they were left on the roof for a week in August. They still float, they still look like ducks, and the paint has not come off, which is more than I can say for the caravan. I would buy them again tomorrow, and I have told everyone at the nursery gate, several times, whether they asked or not. The green one went through the washing machine twice and came out smiling both times, and the little boat is still in the bath every night.";

    #[test]
    fn a_quote_is_shown_whole_at_the_largest_size_that_fits() {
        let short = quote_shown(&CardFonts::embedded(), "Lovely shop.", None).unwrap();
        assert_eq!(
            (short.lines.clone(), short.size),
            (vec!["Lovely shop.".to_string()], 48.0)
        );
        let medium = quote_shown(&CardFonts::embedded(), &LONG[..300], None).unwrap();
        assert!(medium.size < 48.0);
        assert_eq!(medium.lines.join(" "), LONG[..300].trim());
    }

    #[test]
    fn a_quote_too_long_needs_an_excerpt_and_shows_it_between_ellipses() {
        assert!(quote_shown(&CardFonts::embedded(), LONG, None).is_none());
        let excerpt = quote_shown(
            &CardFonts::embedded(),
            LONG,
            Some("the ducks outlasted three\n children and a dog"),
        )
        .unwrap();
        assert_eq!(
            excerpt.lines.join(" "),
            "…the ducks outlasted three children and a dog…"
        );
        let opening = quote_shown(
            &CardFonts::embedded(),
            LONG,
            Some("We bought the bath ducks"),
        )
        .unwrap();
        assert_eq!(opening.lines.join(" "), "We bought the bath ducks…");
        // An excerpt that is itself too long gives no card either.
        assert!(quote_shown(&CardFonts::embedded(), LONG, Some(LONG)).is_none());
    }

    #[test]
    fn titles_shrink_then_shorten_and_never_exceed_the_box() {
        let short = title(&CardFonts::embedded(), "Hello").unwrap();
        assert_eq!((short.size, short.shortened), (72.0, false));
        let long = title(&CardFonts::embedded(), &"walnut horse ".repeat(30)).unwrap();
        assert!(long.shortened);
        assert_eq!(long.lines.len(), TITLE_SIZES[1].1);
        assert!(long.lines.last().unwrap().ends_with(card::ELLIPSIS));
        for line in &long.lines {
            assert!(CardFonts::embedded().width(line, long.size, Weight::Bold) <= TEXT_WIDTH);
        }
        assert!(title(&CardFonts::embedded(), "   ").is_none());
    }
}
