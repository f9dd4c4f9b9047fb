//! Share cards: the 1200 × 630 PNG social sites show for a shared page.
//!
//! What a card shows is decided and laid out in `render::cards`, which fits its text
//! with [`fit`] and [`shorten`] and renders the theme's `card.svg` template; this module
//! turns that SVG text into pixels ([`rasterise`]: usvg parses and shapes it with the
//! [`fonts`](super::fonts) (the embedded ones and the site's `[cards] fonts`), resvg
//! draws it) and names the result by the SVG text, the site's fonts and the renderer
//! ([`card_hash`], [`output_path`]). So two cards with the same text are one file, a card
//! whose text or fonts change gets a new URL (hosts may cache every card forever), and
//! the disk cache (`images::cache`) keeps each under the same name between builds.

use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg;

use super::fonts::{CardFonts, Measure};

/// Pixels: the size Open Graph and X (Twitter) large cards are shown at.
pub const WIDTH: u32 = 1200;
/// Pixels.
pub const HEIGHT: u32 = 630;

/// Bumped whenever the same SVG text would give other pixels (a new resvg, other fonts,
/// another encoder), so cached cards made by an older kudos are not reused.
const RENDERER_VERSION: &[u8] = b"kudos-cards-3 resvg-0.49 noto-sans-2020 glyph-masks card-png";

/// The ellipsis a shortened title ends with.
pub const ELLIPSIS: char = '…';

/// Why a card cannot be drawn: always the template's doing, never the content's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// usvg could not parse the rendered template.
    #[error("the card template did not make valid SVG: {0}")]
    Svg(String),
    /// The root `<svg>` is not 1200 × 630.
    #[error("the card template made a {width} × {height} image: a card is {WIDTH} × {HEIGHT}")]
    Size {
        /// As parsed.
        width: u32,
        /// As parsed.
        height: u32,
    },
    /// The PNG encoder failed.
    #[error("cannot encode the card as PNG: {0}")]
    Encode(String),
}

/// The content hash of a card: of its SVG text, the renderer and the site's own fonts
/// (a site without any keeps the names cards had before sites could add fonts).
pub fn card_hash(svg: &str, fonts: &CardFonts) -> u64 {
    match fonts.fingerprint() {
        None => crate::fingerprint::stable_hash(&[svg.as_bytes(), RENDERER_VERSION]),
        Some(print) => crate::fingerprint::stable_hash(&[
            svg.as_bytes(),
            RENDERER_VERSION,
            &print.to_le_bytes(),
        ]),
    }
}

/// The output path (no leading slash) of the card with `hash`: `cards/<hash>.png`.
pub fn output_path(hash: u64) -> String {
    format!("cards/{hash:016x}.png")
}

/// The lines `text` takes at `size` (measured by `measure`, of one weight) in a box
/// `width` wide, when they are no more than `max_lines`; `None` when it does not fit.
/// Lines break between words, and inside a word only when the word alone is too wide (as
/// CJK text, which has no spaces).
pub fn fit(
    measure: &Measure<'_>,
    text: &str,
    size: f32,
    width: f32,
    max_lines: usize,
) -> Option<Vec<String>> {
    let lines = wrap(measure, text, size, width);
    (lines.len() <= max_lines).then_some(lines)
}

/// At most `max_lines` lines of `text`; when it takes more, the last one ends with
/// [`ELLIPSIS`] after as many words as fit. `.1` says whether it was shortened.
pub fn shorten(
    measure: &Measure<'_>,
    text: &str,
    size: f32,
    width: f32,
    max_lines: usize,
) -> (Vec<String>, bool) {
    let mut lines = wrap(measure, text, size, width);
    if lines.len() <= max_lines {
        return (lines, false);
    }
    lines.truncate(max_lines.max(1));
    let last = lines.pop().unwrap_or_default();
    let fits = |line: &str| measure.width(&format!("{line}{ELLIPSIS}"), size) <= width;
    let mut words: Vec<&str> = last.split(' ').collect();
    while words.len() > 1 && !fits(&words.join(" ")) {
        words.pop();
    }
    let mut kept = words.join(" ");
    while !kept.is_empty() && !fits(&kept) {
        kept.pop();
    }
    let kept = kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    lines.push(format!("{kept}{ELLIPSIS}"));
    (lines, true)
}

/// Greedy line breaking by measured width. A line the first font draws whole is as wide
/// as its words and spaces, so each word is measured once; a line that needs a fallback
/// font is measured whole, as usvg may draw it all with that font (see `images::fonts`).
fn wrap(measure: &Measure<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let measure = |s: &str| {
        let (ems, plain) = measure.line(s);
        (ems * size, plain)
    };
    let (space, _) = measure(" ");
    let mut lines = Vec::new();
    // The line so far, its width, and whether the first font draws all of it.
    let (mut line, mut used, mut plain) = (String::new(), 0.0, true);
    for word in text.split_whitespace() {
        let (wide, word_plain) = measure(word);
        if !line.is_empty() {
            let longer = if plain && word_plain {
                used + space + wide
            } else {
                measure(&format!("{line} {word}")).0
            };
            if longer <= width {
                line.push(' ');
                line.push_str(word);
                (used, plain) = (longer, plain && word_plain);
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        if wide <= width {
            (line, used, plain) = (word.to_string(), wide, word_plain);
            continue;
        }
        // A word wider than the box on its own is broken between characters.
        (used, plain) = (0.0, true);
        for c in word.chars() {
            let mut buf = [0; 4];
            let (wide, c_plain) = measure(c.encode_utf8(&mut buf));
            let longer = if plain && c_plain {
                used + wide
            } else {
                measure(&format!("{line}{c}")).0
            };
            if longer > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                (used, plain) = (wide, c_plain);
            } else {
                (used, plain) = (longer, plain && c_plain);
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws `svg` into a 1200 × 630 PNG with `fonts`. `photo` gives the bytes of an
/// `<image href>` (a published image variant, by output path); nothing is read from
/// disk or the network, whatever the template says.
pub fn rasterise(
    svg: &str,
    fonts: &CardFonts,
    photo: &PhotoBytes<'_>,
) -> Result<Vec<u8>, CardError> {
    let tree = parse(svg, fonts, photo)?;
    CANVAS.with(|canvas| {
        let mut canvas = canvas.borrow_mut();
        let pixmap = match &mut *canvas {
            Some(pixmap) => pixmap,
            empty => empty.insert(
                tiny_skia::Pixmap::new(WIDTH, HEIGHT)
                    .ok_or_else(|| CardError::Encode("no memory for the pixels".into()))?,
            ),
        };
        pixmap.fill(tiny_skia::Color::TRANSPARENT);
        super::glyphs::render(&tree, &mut pixmap.as_mut());
        encode(pixmap)
    })
}

thread_local! {
    /// Each drawing thread's pixels, kept between cards: a fresh 3 MB pixmap per card
    /// cost about as much in page faults and zeroing as drawing the card.
    static CANVAS: std::cell::RefCell<Option<tiny_skia::Pixmap>> =
        const { std::cell::RefCell::new(None) };
}

/// Where a card finds the bytes of an image it shows, by `href`.
pub type PhotoBytes<'a> = dyn Fn(&str) -> Option<Arc<Vec<u8>>> + Sync + 'a;

/// How many glyphs of `svg`'s text none of `fonts` had (drawn as `.notdef`, an empty
/// box): what tests check a script renders by.
pub fn notdef_glyphs(svg: &str, fonts: &CardFonts) -> Result<usize, CardError> {
    fn count(group: &usvg::Group) -> usize {
        group
            .children()
            .iter()
            .map(|node| match node {
                usvg::Node::Group(g) => count(g),
                usvg::Node::Text(text) => text
                    .layouted()
                    .iter()
                    .flat_map(|span| &span.positioned_glyphs)
                    .filter(|glyph| glyph.id.0 == 0)
                    .count(),
                _ => 0,
            })
            .sum()
    }
    Ok(count(parse(svg, fonts, &|_| None)?.root()))
}

/// `svg` parsed and laid out with `fonts`, checked to be 1200 × 630.
fn parse(svg: &str, fonts: &CardFonts, photo: &PhotoBytes<'_>) -> Result<usvg::Tree, CardError> {
    let mut options = usvg::Options {
        font_family: super::fonts::FAMILY.to_string(),
        fontdb: fonts.database(),
        ..usvg::Options::default()
    };
    // The fallback the measuring assumes (`CardFonts::fallback`): usvg's own would draw
    // bold text with a regular face listed before the bold one.
    options.font_resolver.select_fallback = Box::new(|c, used, _| {
        let used: Vec<usize> = used.iter().filter_map(|id| fonts.face_index(*id)).collect();
        let face = fonts.fallback(|i| fonts.has(i, c), &used)?;
        fonts.face_id(face)
    });
    options.image_href_resolver.resolve_string = Box::new(|href, _| {
        let bytes = photo(href)?;
        match super::Format::of(&bytes)? {
            super::Format::Jpeg => Some(usvg::ImageKind::JPEG(bytes)),
            super::Format::Png => Some(usvg::ImageKind::PNG(bytes)),
            super::Format::WebP => Some(usvg::ImageKind::WEBP(bytes)),
            _ => None,
        }
    });
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| CardError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    if (size.width(), size.height()) != (WIDTH, HEIGHT) {
        return Err(CardError::Size {
            width: size.width(),
            height: size.height(),
        });
    }
    Ok(tree)
}

/// A PNG of nothing but the pixels (no text, time or colour-profile chunks): RGB when
/// the card is opaque, as cards are (`card_png`, several times faster than the `png`
/// crate on a card), else RGBA.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, CardError> {
    let fail = |e: std::io::Error| CardError::Encode(e.to_string());
    if let Some(png) = super::card_png::opaque_rgb(pixmap.data(), WIDTH as usize).map_err(fail)? {
        return Ok(png);
    }
    let rgba: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    encode_rgba(&rgba)
}

/// A translucent card as RGBA PNG, with the `png` crate.
fn encode_rgba(rgba: &[u8]) -> Result<Vec<u8>, CardError> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(rgba, WIDTH, HEIGHT, image::ExtendedColorType::Rgba8)
        .map_err(|e| CardError::Encode(e.to_string()))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::fonts::Weight;

    fn embedded() -> CardFonts {
        CardFonts::embedded()
    }

    use crate::images::fonts::test_fonts::japanese;

    fn no_photo(_: &str) -> Option<Arc<Vec<u8>>> {
        None
    }

    fn card(body: &str) -> String {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#fdfcf9"/>{body}</svg>"##
        )
    }

    #[test]
    fn a_card_is_a_1200_by_630_png_without_metadata() {
        let png = rasterise(
            &card(r#"<text x="80" y="200" font-size="64">Hello</text>"#),
            &embedded(),
            &no_photo,
        )
        .unwrap();
        let image = image::load_from_memory(&png).unwrap();
        assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
        assert!(
            !png.windows(4)
                .any(|w| w == b"tEXt" || w == b"iTXt" || w == b"zTXt")
        );
    }

    #[test]
    fn a_card_decodes_to_exactly_the_pixels_drawn_and_the_next_starts_clean() {
        let svg = card(concat!(
            r##"<text x="80" y="200" font-size="64" font-weight="700" fill="#222">Walnut &amp; Pine</text>"##,
            r##"<text x="80" y="300" font-size="30" fill="#6b6b6b">Twelve years of wooden toys.</text>"##,
            r##"<rect y="612" width="1200" height="18" fill="#2f6b4f"/>"##,
        ));
        let png = rasterise(&svg, &embedded(), &no_photo).unwrap();
        let tree = parse(&svg, &embedded(), &no_photo).unwrap();
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
        super::super::glyphs::render(&tree, &mut pixmap.as_mut());
        let drawn: Vec<u8> = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!(decoded.color(), image::ColorType::Rgb8);
        assert_eq!(decoded.to_rgb8().into_raw(), drawn);
        // The same thread draws the next card on the same pixels: none of this one's.
        let empty = r#"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"/>"#;
        let png = rasterise(empty, &embedded(), &no_photo).unwrap();
        let decoded = image::load_from_memory(&png).unwrap().to_rgba8();
        assert!(decoded.pixels().all(|p| p.0 == [0, 0, 0, 0]));
    }

    /// The pixels of `svg` as resvg draws it and as kudos does (glyph masks).
    fn both_ways(svg: &str) -> (tiny_skia::Pixmap, tiny_skia::Pixmap) {
        let tree = parse(svg, &embedded(), &no_photo).unwrap();
        let mut by_resvg = tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
        resvg::render(
            &tree,
            tiny_skia::Transform::default(),
            &mut by_resvg.as_mut(),
        );
        let mut by_masks = tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
        super::super::glyphs::render(&tree, &mut by_masks.as_mut());
        (by_resvg, by_masks)
    }

    /// (mean, largest) difference of two pixmaps' bytes, and how many bytes differ.
    fn difference(a: &tiny_skia::Pixmap, b: &tiny_skia::Pixmap) -> (f64, u8, usize) {
        let diffs: Vec<u8> = a
            .data()
            .iter()
            .zip(b.data())
            .map(|(x, y)| x.abs_diff(*y))
            .collect();
        let total: u64 = diffs.iter().map(|&d| u64::from(d)).sum();
        let changed = diffs.iter().filter(|&&d| d > 0).count();
        (
            total as f64 / diffs.len() as f64,
            diffs.iter().copied().max().unwrap_or(0),
            changed,
        )
    }

    #[test]
    fn text_from_glyph_masks_looks_as_resvg_draws_it() {
        let svg = card(concat!(
            r##"<text x="80" y="120" font-size="36" font-weight="700" fill="#b4472a">Walnut &amp; Pine</text>"##,
            r##"<text x="80.3" y="200.6" font-size="52" font-weight="700" fill="#222">Why we love our work first, 42×!</text>"##,
            r##"<text x="80" y="260" font-size="28" fill="#555" fill-opacity="0.8">Customers feel it — connection is not a tactic.</text>"##,
            r##"<g transform="translate(3.7 0)"><text x="80" y="330" font-size="40">في العمل</text></g>"##,
            r##"<text x="1120" y="400" text-anchor="end" font-size="30" fill="#2a6">Right-aligned text</text>"##,
        ));
        let (by_resvg, by_masks) = both_ways(&svg);
        let (mean, largest, changed) = difference(&by_resvg, &by_masks);
        // Glyphs sit on a quarter-pixel grid and are filled one by one rather than a
        // line at a time: edge pixels may differ a little, nothing else.
        assert!(mean < 0.25, "mean difference {mean}");
        assert!(largest < 110, "largest difference {largest}");
        let inked = by_resvg
            .data()
            .chunks_exact(4)
            .filter(|p| p[0] < 200)
            .count();
        assert!(inked > 5_000, "{inked} dark pixels: the text was drawn");
        assert!(changed < inked * 4, "{changed} bytes differ");
    }

    #[test]
    fn text_resvg_must_draw_is_left_to_it() {
        // A stroke, a gradient, an underline, rotation and a group with opacity.
        let svg = card(concat!(
            r##"<defs><linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></linearGradient></defs>"##,
            r##"<text x="80" y="100" font-size="40" stroke="#000" fill="none">Stroked</text>"##,
            r##"<text x="80" y="170" font-size="40" fill="url(#g)">Gradient</text>"##,
            r##"<text x="80" y="240" font-size="40" text-decoration="underline">Underlined</text>"##,
            r##"<text x="600" y="300" font-size="40" transform="rotate(12 600 300)">Rotated</text>"##,
            r##"<g opacity="0.5"><text x="80" y="380" font-size="40">Half</text></g>"##,
        ));
        let (by_resvg, by_masks) = both_ways(&svg);
        assert_eq!(difference(&by_resvg, &by_masks), (0.0, 0, 0));
    }

    #[test]
    fn a_template_of_the_wrong_size_or_not_svg_is_an_error() {
        let small = r#"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="315"></svg>"#;
        assert_eq!(
            rasterise(small, &embedded(), &no_photo),
            Err(CardError::Size {
                width: 600,
                height: 315
            })
        );
        assert!(matches!(
            rasterise("<p>hi", &embedded(), &no_photo),
            Err(CardError::Svg(_))
        ));
    }

    #[test]
    fn long_text_wraps_between_words_and_shortens_with_an_ellipsis() {
        let text = "Why we love our work first, and what twelve years of wooden toys taught us about patience";
        let fonts = embedded();
        let bold = fonts.measure(Weight::Bold);
        let lines = fit(&bold, text, 40.0, 600.0, 10).unwrap();
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text, "wrapping keeps every word");
        assert!(
            lines
                .iter()
                .all(|l| fonts.width(l, 40.0, Weight::Bold) <= 600.0)
        );
        assert_eq!(fit(&bold, text, 40.0, 600.0, 1), None);
        let (short, shortened) = shorten(&bold, text, 40.0, 600.0, 2);
        assert!(shortened);
        assert_eq!(short.len(), 2);
        assert!(short[1].ends_with(ELLIPSIS), "{short:?}");
        assert!(fonts.width(&short[1], 40.0, Weight::Bold) <= 600.0);
        assert_eq!(
            shorten(&bold, "Short", 40.0, 600.0, 2),
            (vec!["Short".into()], false)
        );
    }

    #[test]
    fn a_word_wider_than_the_box_breaks_between_characters() {
        let word = "Supercalifragilisticexpialidocious".repeat(2);
        let fonts = embedded();
        let lines = fit(&fonts.measure(Weight::Regular), &word, 40.0, 200.0, 20).unwrap();
        assert_eq!(lines.concat(), word);
        assert!(lines.len() > 1, "{lines:?}");
    }

    #[test]
    fn arabic_is_drawn_with_glyphs_and_a_script_without_a_font_is_not() {
        let text = |t: &str| {
            card(&format!(
                r#"<text x="80" y="200" font-size="64">{t}</text>"#
            ))
        };
        let fonts = embedded();
        assert_eq!(notdef_glyphs(&text("Crème brûlée"), &fonts), Ok(0));
        assert_eq!(
            notdef_glyphs(&text("شكرا لكم على ثقتكم بنا"), &fonts),
            Ok(0)
        );
        assert!(notdef_glyphs(&text("ありがとう"), &fonts).unwrap() > 0);
    }

    #[test]
    fn a_site_font_draws_what_the_embedded_ones_lack_in_bold_too() {
        let fonts = japanese();
        for weight in ["400", "700"] {
            let svg = card(&format!(
                r#"<text x="80" y="200" font-size="64" font-weight="{weight}">Tokyo ありがとう</text>"#
            ));
            assert_eq!(notdef_glyphs(&svg, &fonts), Ok(0), "{weight}");
            assert!(notdef_glyphs(&svg, &embedded()).unwrap() > 0);
            // Drawn, not blank: the Japanese card differs from the one of boxes.
            let png = rasterise(&svg, &fonts, &no_photo).unwrap();
            assert_ne!(png, rasterise(&svg, &embedded(), &no_photo).unwrap());
        }
    }

    #[test]
    fn japanese_wraps_between_characters_within_the_box() {
        let fonts = japanese();
        let bold = fonts.measure(Weight::Bold);
        let text = "ありがとうございます".repeat(4);
        let lines = fit(&bold, &text, 72.0, 1040.0, 4).unwrap();
        assert_eq!(lines.concat(), text);
        // 72 px characters: fourteen to a 1040 px line.
        assert_eq!(lines[0].chars().count(), 14, "{lines:?}");
        assert!(lines.iter().all(|l| bold.width(l, 72.0) <= 1040.0));
        // A mixed line is measured as drawn, in the Japanese font when it has it all.
        let mixed = fit(&bold, "A 日本語 A 日本語 A 日本語 A 日本語", 72.0, 600.0, 9).unwrap();
        assert!(
            mixed.iter().all(|l| bold.width(l, 72.0) <= 600.0),
            "{mixed:?}"
        );
    }

    #[test]
    fn the_name_changes_with_the_text() {
        let fonts = embedded();
        assert_ne!(
            card_hash("<svg>a</svg>", &fonts),
            card_hash("<svg>b</svg>", &fonts)
        );
        assert!(output_path(card_hash("x", &fonts)).starts_with("cards/"));
        // A site without fonts of its own keeps the names cards had before.
        assert_eq!(
            card_hash("x", &fonts),
            crate::fingerprint::stable_hash(&[b"x", RENDERER_VERSION])
        );
        // Other fonts, other pixels: another name.
        assert_ne!(card_hash("x", &japanese()), card_hash("x", &fonts));
        assert_eq!(output_path(0xab).len(), "cards/".len() + 16 + ".png".len());
    }
}
