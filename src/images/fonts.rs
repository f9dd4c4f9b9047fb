//! The fonts share cards are drawn with, and the measuring that wraps a card's text.
//!
//! Cards are drawn with fonts kudos carries (`themes/kudos/fonts/`, embedded with the rest
//! of the built-in theme), never the machine's: a card must look the same on a laptop
//! and in CI, and its cache entry is named by its SVG text alone. Noto Sans (regular and
//! bold) covers Latin, Greek and Cyrillic; Noto Sans Arabic is the fallback usvg picks
//! per character for Arabic. Other scripts (CJK among them) have no font here: a card
//! whose text needs one is not made ([`missing`] finds such text first), because a card
//! of empty boxes is worse than the site's card.
//!
//! Measuring sums each character's advance width from the font that will draw it (the
//! same choice usvg's fallback makes), without shaping. That is exact for Latin text
//! without kerning pairs and a little wide for Arabic, whose joined forms are narrower
//! than the isolated ones measured: text wraps a little early, never overflows.

use std::sync::{Arc, LazyLock};

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The family card templates name in `font-family`.
pub const FAMILY: &str = "Noto Sans";

/// The embedded font files, by path in the built-in theme, and whether each is bold.
/// Order matters: the first face with a character draws it.
const FILES: [(&str, bool); 3] = [
    ("fonts/NotoSans-Regular.ttf", false),
    ("fonts/NotoSans-Bold.ttf", true),
    ("fonts/NotoSansArabic-Regular.ttf", false),
];

/// Regular or bold: the two weights card text comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// 400.
    Regular,
    /// 700.
    Bold,
}

/// One embedded face, parsed once.
struct Face {
    font: FontRef<'static>,
    bold: bool,
    units_per_em: f32,
}

static FACES: LazyLock<Vec<Face>> = LazyLock::new(|| {
    FILES
        .iter()
        .filter_map(|(path, bold)| {
            let font = FontRef::new(crate::theme::builtin_file(path)?).ok()?;
            let units_per_em = f32::from(
                font.metrics(Size::unscaled(), LocationRef::default())
                    .units_per_em,
            );
            Some(Face {
                font,
                bold: *bold,
                units_per_em,
            })
        })
        .collect()
});

static DATABASE: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    for (path, _) in FILES {
        if let Some(bytes) = crate::theme::builtin_file(path) {
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
    }
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    Arc::new(db)
});

/// The font database usvg lays card text out with: the embedded fonts only.
pub fn database() -> Arc<fontdb::Database> {
    Arc::clone(&DATABASE)
}

/// The face that draws `c` in `weight`: the face of that weight when it has the
/// character, else the first face that has it (as usvg's fallback chooses).
fn face_for(c: char, weight: Weight) -> Option<&'static Face> {
    let wanted = weight == Weight::Bold;
    let has = |face: &&Face| face.font.charmap().map(c).is_some();
    FACES
        .iter()
        .filter(|f| f.bold == wanted)
        .find(has)
        .or_else(|| FACES.iter().find(has))
}

/// The width of `text` set at `size` pixels in `weight`.
pub fn width(text: &str, size: f32, weight: Weight) -> f32 {
    text.chars()
        .filter_map(|c| {
            let face = face_for(c, weight)?;
            let glyph = face.font.charmap().map(c)?;
            let metrics = face
                .font
                .glyph_metrics(Size::unscaled(), LocationRef::default());
            Some(metrics.advance_width(glyph)? * size / face.units_per_em)
        })
        .sum()
}

/// The first character of `text` that no embedded font has (spaces and controls are
/// never drawn, so never missing).
pub fn missing(text: &str) -> Option<char> {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .find(|&c| face_for(c, Weight::Regular).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_font_loads() {
        assert_eq!(FACES.len(), FILES.len());
        assert_eq!(DATABASE.len(), FILES.len());
    }

    #[test]
    fn bold_is_wider_and_width_grows_with_size() {
        let regular = width("Wooden toys", 40.0, Weight::Regular);
        assert!(regular > 150.0 && regular < 300.0, "{regular}");
        assert!(width("Wooden toys", 40.0, Weight::Bold) > regular);
        assert!((width("Wooden toys", 80.0, Weight::Regular) - 2.0 * regular).abs() < 0.01);
    }

    #[test]
    fn latin_greek_cyrillic_and_arabic_are_covered_and_cjk_is_not() {
        assert_eq!(missing("Crème brûlée, Ελληνικά, Кириллица"), None);
        assert_eq!(missing("شكرا جزيلا"), None);
        assert!(width("شكرا", 40.0, Weight::Regular) > 0.0);
        assert_eq!(missing("ありがとう"), Some('あ'));
    }
}
