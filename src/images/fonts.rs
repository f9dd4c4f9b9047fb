//! The fonts share cards are drawn with, and the measuring that wraps a card's text.
//!
//! Cards are drawn with fonts kudos carries (`themes/kudos/fonts/`, embedded with the rest
//! of the built-in theme) and the ones the site names in `[cards] fonts`, never the
//! machine's: a card must look the same on a laptop and in CI. Noto Sans (regular and
//! bold) covers Latin, Greek and Cyrillic; Noto Sans Arabic is the fallback for Arabic.
//! A site's own fonts come after those, so they draw what the embedded fonts lack (CJK,
//! Devanagari, ...), character by character. A card whose text needs a character no font
//! has is not made ([`CardFonts::missing`] finds such text first), because a card of
//! empty boxes is worse than the site's card.
//!
//! [`CardFonts`] is loaded once per build (with the config, see
//! `Config::load_card_fonts`) and shared by every card: the font database usvg lays text
//! out with and the faces measured here are the same list, in the same order. Its
//! [`fingerprint`](CardFonts::fingerprint) is part of every card's hash, so a card drawn
//! with other fonts gets another name (and cache entry).
//!
//! Measuring ([`Measure`]) sums each character's advance width, without shaping, from the
//! face usvg will draw it with. usvg shapes a line with the regular or bold Noto Sans and
//! fills the characters it lacks from a fallback face ([`CardFonts::fallback`], which
//! usvg is given too); when that face has every character of the line, usvg draws the
//! whole line with it, Latin letters and spaces included, and so does the measuring. That
//! is exact for text without kerning pairs and a little wide for Arabic, whose joined forms
//! are narrower than the isolated ones measured: text wraps a little early, never
//! overflows.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use std::time::SystemTime;

use resvg::usvg::fontdb;
use rustc_hash::FxHashMap;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The family card templates name in `font-family`.
pub const FAMILY: &str = "Noto Sans";

/// The embedded font files, by path in the built-in theme. Order matters: usvg's
/// fallback and the measuring take the first face that has a character.
const FILES: [&str; 3] = [
    "fonts/NotoSans-Regular.ttf",
    "fonts/NotoSans-Bold.ttf",
    "fonts/NotoSansArabic-Regular.ttf",
];

/// Regular or bold: the two weights card text comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// 400.
    Regular,
    /// 700.
    Bold,
}

/// A font file's bytes, as fontdb keeps them.
type Bytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// One face of the database, measured with skrifa.
struct Face {
    /// Its id in the database.
    id: fontdb::ID,
    data: Bytes,
    /// In a collection (TTC).
    index: u32,
    bold: bool,
    units_per_em: f32,
}

impl Face {
    fn font(&self) -> Option<FontRef<'_>> {
        FontRef::from_index((*self.data).as_ref(), self.index).ok()
    }

    /// The advance of `c`, in ems; `None` when the face lacks it.
    fn advance(&self, c: char) -> Option<f32> {
        let font = self.font()?;
        let glyph = font.charmap().map(c)?;
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        Some(metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em)
    }
}

/// The fonts cards are drawn with: the embedded ones, then the site's `[cards] fonts`.
/// Cheap to clone.
#[derive(Clone)]
pub struct CardFonts {
    database: Arc<fontdb::Database>,
    /// In database order.
    faces: Arc<[Face]>,
    /// The site's own font files, as named in `[cards] fonts`.
    files: Arc<[String]>,
    /// Of the site's font files; `None` without any.
    fingerprint: Option<u64>,
    /// Every character measured so far: its advance in each face. Shared by every card
    /// of a build (and its threads): a lookup through the font's tables costs far more
    /// than the hash map, and a site's cards use a few hundred characters.
    advances: Arc<RwLock<FxHashMap<char, Advances>>>,
    /// The same for the characters below [`DENSE`], as `f32` bits per (character, face),
    /// read without a lock: two threads laying out 10k cards through the shared map spent
    /// a sixth of a `serve` rebuild passing its lock and counts between the cores.
    dense: Arc<[AtomicU32]>,
}

/// Characters below this (Latin, Greek, Cyrillic, Arabic, general punctuation) are
/// looked up in [`CardFonts::dense`].
const DENSE: usize = 0x2070;
/// In [`CardFonts::dense`]: not measured yet.
const UNKNOWN: u32 = u32::MAX;
/// In [`CardFonts::dense`]: the face lacks the character.
const LACKING: u32 = u32::MAX - 1;

/// A character's advance in ems in each face, in database order (`None`: the face lacks it).
type Advances = Arc<[Option<f32>]>;

impl std::fmt::Debug for CardFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardFonts")
            .field("faces", &self.faces.len())
            .field("files", &self.files)
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

static EMBEDDED: LazyLock<CardFonts> = LazyLock::new(|| {
    let bytes = FILES
        .iter()
        .filter_map(|path| crate::theme::builtin_file(path))
        .map(|bytes| Arc::new(bytes) as Bytes);
    CardFonts::from_bytes(bytes.collect(), Vec::new(), None)
});

impl Default for CardFonts {
    fn default() -> Self {
        CardFonts::embedded()
    }
}

/// Why a site's font file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFileError {
    /// The file, as named in `[cards] fonts`.
    pub file: String,
    /// Why.
    pub why: String,
    /// What to do.
    pub help: &'static str,
}

impl CardFonts {
    /// The embedded fonts only.
    pub fn embedded() -> CardFonts {
        EMBEDDED.clone()
    }

    /// The embedded fonts and, after them, `files` (as named in `[cards] fonts`, with
    /// their bytes): TrueType, OpenType or collections of them. The first file that is
    /// none of those is an error.
    pub fn with_files(files: Vec<(String, Vec<u8>)>) -> Result<CardFonts, FontFileError> {
        if files.is_empty() {
            return Ok(CardFonts::embedded());
        }
        for (name, bytes) in &files {
            font_problem(bytes).map_err(|why| FontFileError {
                file: name.clone(),
                why,
                help: if bytes.starts_with(b"wOF") {
                    "cards need the font as TTF, OTF or TTC: convert a WOFF or WOFF2 file, for example with fontTools (`fonttools ttLib.woff2 decompress FILE`)"
                } else {
                    "name a TrueType (.ttf), OpenType (.otf) or collection (.ttc) font file"
                },
            })?;
        }
        let parts: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
        let fingerprint = crate::fingerprint::stable_hash(&parts);
        let names = files.iter().map(|(name, _)| name.clone()).collect();
        let mut bytes: Vec<Bytes> = EMBEDDED.faces_data();
        bytes.extend(files.into_iter().map(|(_, b)| Arc::new(b) as Bytes));
        Ok(CardFonts::from_bytes(bytes, names, Some(fingerprint)))
    }

    /// The distinct font files of the embedded set, in order.
    fn faces_data(&self) -> Vec<Bytes> {
        let mut out: Vec<Bytes> = Vec::new();
        for face in self.faces.iter() {
            if !out.iter().any(|b| Arc::ptr_eq(b, &face.data)) {
                out.push(Arc::clone(&face.data));
            }
        }
        out
    }

    fn from_bytes(files: Vec<Bytes>, names: Vec<String>, fingerprint: Option<u64>) -> CardFonts {
        let mut database = fontdb::Database::new();
        for bytes in files {
            database.load_font_source(fontdb::Source::Binary(bytes));
        }
        database.set_sans_serif_family(FAMILY);
        database.set_serif_family(FAMILY);
        let faces = database
            .faces()
            .filter_map(|info| {
                // Every source is bytes here; fontdb's `fs` feature would add file paths.
                #[allow(irrefutable_let_patterns)]
                let fontdb::Source::Binary(data) = &info.source else {
                    return None;
                };
                let font = FontRef::from_index((**data).as_ref(), info.index).ok()?;
                let units_per_em = f32::from(
                    font.metrics(Size::unscaled(), LocationRef::default())
                        .units_per_em,
                );
                Some(Face {
                    id: info.id,
                    data: Arc::clone(data),
                    index: info.index,
                    bold: info.weight.0 >= 600,
                    units_per_em: units_per_em.max(1.0),
                })
            })
            .collect::<Arc<[Face]>>();
        let dense = std::iter::repeat_with(|| AtomicU32::new(UNKNOWN))
            .take(DENSE * faces.len())
            .collect();
        CardFonts {
            database: Arc::new(database),
            dense,
            faces,
            files: names.into(),
            fingerprint,
            advances: Arc::default(),
        }
    }

    /// The font database usvg lays card text out with.
    pub fn database(&self) -> Arc<fontdb::Database> {
        Arc::clone(&self.database)
    }

    /// A hash of the site's font files (`None` without any): cards drawn with other
    /// fonts must have other names.
    pub fn fingerprint(&self) -> Option<u64> {
        self.fingerprint
    }

    /// The site's font files, as `[cards] fonts` names them.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The face a line in `weight` is shaped with first: the embedded Noto Sans of that
    /// weight (what `font-family="Noto Sans"` finds).
    fn primary(&self, weight: Weight) -> usize {
        let bold = weight == Weight::Bold;
        self.faces
            .iter()
            .take(2)
            .position(|f| f.bold == bold)
            .unwrap_or(0)
    }

    /// The face that fills in a character of a line shaped with `used[0]` whose faces
    /// so far (`used`) lack it: of the faces that have it (`has`), the first of the same
    /// weight, else the first. usvg is given the same choice (see `images::card`), and
    /// its default would take a regular face for bold text when that comes first.
    pub fn fallback(&self, has: impl Fn(usize) -> bool, used: &[usize]) -> Option<usize> {
        let bold = self.faces.get(*used.first()?)?.bold;
        let candidates = || (0..self.faces.len()).filter(|i| !used.contains(i) && has(*i));
        candidates()
            .find(|&i| self.faces[i].bold == bold)
            .or_else(|| candidates().next())
    }

    /// The database id of face `i`.
    pub(crate) fn face_id(&self, i: usize) -> Option<fontdb::ID> {
        self.faces.get(i).map(|f| f.id)
    }

    /// The index of the face with database id `id`.
    pub(crate) fn face_index(&self, id: fontdb::ID) -> Option<usize> {
        self.faces.iter().position(|f| f.id == id)
    }

    /// Whether face `i` has `c`.
    pub(crate) fn has(&self, i: usize, c: char) -> bool {
        self.advance(c, i).is_some()
    }

    /// The advance of `c` in face `face`, in ems; `None` when the face lacks it.
    fn advance(&self, c: char, face: usize) -> Option<f32> {
        match self.dense_advance(c, face) {
            Some(advance) => advance,
            None => self.advances(c).get(face).copied().flatten(),
        }
    }

    /// Whether no face has `c`.
    fn in_no_face(&self, c: char) -> bool {
        let faces = 0..self.faces.len();
        match self.dense_advance(c, 0) {
            Some(_) => faces
                .into_iter()
                .all(|face| self.advance(c, face).is_none()),
            None => self.advances(c).iter().all(Option::is_none),
        }
    }

    /// [`CardFonts::advance`] from the dense table; `None` for a character outside it.
    fn dense_advance(&self, c: char, face: usize) -> Option<Option<f32>> {
        let faces = self.faces.len();
        let slot = (c as usize)
            .checked_mul(faces)
            .filter(|_| (c as usize) < DENSE && face < faces)?;
        let decode = |bits: u32| (bits != LACKING).then(|| f32::from_bits(bits));
        match self.dense[slot + face].load(Ordering::Relaxed) {
            UNKNOWN => {
                let measured = self.advances(c);
                for (i, advance) in measured.iter().enumerate() {
                    let bits = advance.map_or(LACKING, f32::to_bits);
                    self.dense[slot + i].store(bits, Ordering::Relaxed);
                }
                Some(measured.get(face).copied().flatten())
            }
            bits => Some(decode(bits)),
        }
    }

    /// The advance of `c` in every face, looked up in the fonts once per [`CardFonts`].
    fn advances(&self, c: char) -> Advances {
        let known = self
            .advances
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&c)
            .cloned();
        known.unwrap_or_else(|| {
            let measured: Advances = self.faces.iter().map(|face| face.advance(c)).collect();
            self.advances
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(c, Arc::clone(&measured));
            measured
        })
    }

    /// The first character of `text` that no font has (spaces and controls are never
    /// drawn, so never missing).
    pub fn missing(&self, text: &str) -> Option<char> {
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .find(|&c| self.in_no_face(c))
    }

    /// Measures text in `weight`: one per block of text, which it may measure many
    /// times (per line, per size), each character looked up in the fonts once.
    pub fn measure(&self, weight: Weight) -> Measure<'_> {
        Measure {
            fonts: self,
            primary: self.primary(weight),
            chars: RefCell::default(),
        }
    }

    /// The width of `text` set on one line at `size` pixels in `weight`.
    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.measure(weight).width(text, size)
    }
}

/// Why `bytes` is not a font both usvg and the measuring can read.
fn font_problem(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"wOF2") || bytes.starts_with(b"wOFF") {
        return Err("it is a WOFF web font".into());
    }
    let file = skrifa::raw::FileRef::new(bytes)
        .map_err(|_| "it is not a TrueType, OpenType or collection font file".to_string())?;
    let faces: Vec<_> = file.fonts().collect();
    if faces.is_empty() || faces.iter().any(Result::is_err) {
        return Err("its font tables cannot be read".into());
    }
    if faces
        .iter()
        .flatten()
        .all(|font| font.charmap().mappings().next().is_none())
    {
        return Err("it maps no character to a glyph".into());
    }
    Ok(())
}

/// Measures text in one weight (see [`CardFonts::measure`]).
pub struct Measure<'f> {
    fonts: &'f CardFonts,
    primary: usize,
    /// Per character met so far outside the dense table: its advance in ems in each face
    /// that has it (from [`CardFonts::advances`], kept here to spare the shared lock).
    chars: RefCell<FxHashMap<char, Advances>>,
}

impl Measure<'_> {
    /// The advance of `c` in face `face`, in ems.
    fn advance(&self, c: char, face: usize) -> Option<f32> {
        if let Some(advance) = self.fonts.dense_advance(c, face) {
            return advance;
        }
        let mut known = self.chars.borrow_mut();
        let advances = known.entry(c).or_insert_with(|| self.fonts.advances(c));
        advances.get(face).copied().flatten()
    }

    /// The width of `text` set on one line at `size` pixels.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.line(text).0 * size
    }

    /// The width of `text` on one line in ems, and whether the first face draws all of
    /// it (then its width is the sum of its words' widths and spaces).
    pub fn line(&self, text: &str) -> (f32, bool) {
        let advance = |c: char, face: usize| self.advance(c, face);
        let primary = self.primary;
        // The usual case: the first face has every character.
        if let Some(sum) = text
            .chars()
            .map(|c| advance(c, primary))
            .sum::<Option<f32>>()
        {
            return (sum, true);
        }
        // As usvg shapes: fill in from fallback faces, one at a time; a fallback face that
        // has every character draws the whole line.
        let chars: Vec<char> = text.chars().collect();
        let mut drawn: Vec<Option<usize>> = chars
            .iter()
            .map(|&c| advance(c, primary).map(|_| primary))
            .collect();
        let mut used = vec![primary];
        while let Some(at) = drawn.iter().position(Option::is_none) {
            let c = chars[at];
            let Some(face) = self.fonts.fallback(|i| advance(c, i).is_some(), &used) else {
                break;
            };
            if chars.iter().all(|&c| advance(c, face).is_some()) {
                drawn.fill(Some(face));
                break;
            }
            for (slot, &c) in drawn.iter_mut().zip(&chars) {
                if slot.is_none() && advance(c, face).is_some() {
                    *slot = Some(face);
                }
            }
            used.push(face);
        }
        let sum = chars
            .iter()
            .zip(&drawn)
            .filter_map(|(&c, face)| advance(c, (*face)?))
            .sum();
        (sum, false)
    }
}

/// The last fonts read from disk, by their files' paths, sizes and modification times:
/// `serve` reads the config on every rebuild, and a font of several megabytes need not
/// be read and parsed again when it did not change.
static LAST_READ: Mutex<Option<(Vec<FileStamp>, CardFonts)>> = Mutex::new(None);

/// A file's path, size and modification time.
type FileStamp = (PathBuf, u64, Option<SystemTime>);

/// The fonts of `[cards] fonts` (`names`, as written; `paths`, where they are), read
/// now, or the same fonts as last time when no file changed.
pub fn read_files(names: &[String], paths: &[PathBuf]) -> Result<CardFonts, FontFileError> {
    if names.is_empty() {
        return Ok(CardFonts::embedded());
    }
    let unreadable = |name: &String, why: String| FontFileError {
        file: name.clone(),
        why,
        help: "a path in `[cards] fonts` is relative to the site root (the folder with content/ in it)",
    };
    let mut stamps = Vec::with_capacity(paths.len());
    for (name, path) in names.iter().zip(paths) {
        let meta = std::fs::metadata(path).map_err(|e| unreadable(name, e.to_string()))?;
        if !meta.is_file() {
            return Err(unreadable(name, "it is not a file".into()));
        }
        stamps.push((path.clone(), meta.len(), meta.modified().ok()));
    }
    let mut last = LAST_READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((seen, fonts)) = last.as_ref()
        && *seen == stamps
        && *fonts.files == *names
    {
        return Ok(fonts.clone());
    }
    let mut files = Vec::with_capacity(paths.len());
    for (name, path) in names.iter().zip(paths) {
        let bytes = std::fs::read(path).map_err(|e| unreadable(name, e.to_string()))?;
        files.push((name.clone(), bytes));
    }
    let fonts = CardFonts::with_files(files)?;
    *last = Some((stamps, fonts.clone()));
    Ok(fonts)
}

/// Fonts for the tests of this module and of `card`.
#[cfg(test)]
pub(super) mod test_fonts {
    use super::CardFonts;

    /// The embedded fonts and the test subset of Noto Sans JP:
    /// `ありがとうございます日本語A` and the space.
    pub fn japanese() -> CardFonts {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fonts/NotoSansJP-Subset.ttf"
        );
        let bytes = std::fs::read(path).expect("the test font");
        CardFonts::with_files(vec![("jp.ttf".into(), bytes)]).expect("a font")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_fonts::japanese;

    #[test]
    fn every_embedded_font_loads() {
        let fonts = CardFonts::embedded();
        assert_eq!(fonts.faces.len(), FILES.len());
        assert_eq!(fonts.database.len(), FILES.len());
        assert_eq!(fonts.fingerprint(), None);
        assert_eq!(fonts.primary(Weight::Regular), 0);
        assert_eq!(fonts.primary(Weight::Bold), 1);
    }

    #[test]
    fn advances_read_from_the_tables_and_from_memory_are_the_fonts_own() {
        // Inside the dense table (Latin, Greek, Cyrillic, Arabic, quotes), outside it
        // (Japanese, from the site's font), and in no face at all.
        let fonts = japanese();
        let chars = ['A', 'é', ' ', 'α', 'ж', 'ب', '“', '…', 'あ', '日', '😀'];
        for pass in ["first", "remembered"] {
            for c in chars {
                for (i, face) in fonts.faces.iter().enumerate() {
                    assert_eq!(fonts.advance(c, i), face.advance(c), "{pass}: {c} in {i}");
                    let measure = fonts.measure(Weight::Regular);
                    assert_eq!(measure.advance(c, i), face.advance(c), "{pass}: {c} in {i}");
                }
            }
        }
        assert_eq!(fonts.missing("Aα日"), None);
        assert_eq!(fonts.missing("A😀"), Some('😀'));
        assert!(fonts.advance('日', 0).is_none() && fonts.advance('A', 0).is_some());
    }

    #[test]
    fn bold_is_wider_and_width_grows_with_size() {
        let fonts = CardFonts::embedded();
        let regular = fonts.width("Wooden toys", 40.0, Weight::Regular);
        assert!(regular > 150.0 && regular < 300.0, "{regular}");
        assert!(fonts.width("Wooden toys", 40.0, Weight::Bold) > regular);
        assert!((fonts.width("Wooden toys", 80.0, Weight::Regular) - 2.0 * regular).abs() < 0.01);
    }

    #[test]
    fn latin_greek_cyrillic_and_arabic_are_covered_and_cjk_is_not() {
        let fonts = CardFonts::embedded();
        assert_eq!(fonts.missing("Crème brûlée, Ελληνικά, Кириллица"), None);
        assert_eq!(fonts.missing("شكرا جزيلا"), None);
        assert!(fonts.width("شكرا", 40.0, Weight::Regular) > 0.0);
        assert_eq!(fonts.missing("ありがとう"), Some('あ'));
        // Nothing is measured for a character no font has.
        assert_eq!(fonts.width("あ", 40.0, Weight::Regular), 0.0);
    }

    #[test]
    fn a_site_font_covers_what_the_embedded_ones_lack_and_is_measured() {
        let fonts = japanese();
        assert_eq!(fonts.faces.len(), FILES.len() + 1);
        assert_eq!(fonts.missing("ありがとう 日本語"), None);
        assert_eq!(fonts.missing("漢"), Some('漢'), "not in the subset");
        // Japanese is set on a 1-em square: ten characters at 40 px are 400 px.
        let wide = fonts.width("ありがとうございます", 40.0, Weight::Bold);
        assert!((wide - 400.0).abs() < 1.0, "{wide}");
        // Latin text is still Noto Sans's, to the pixel.
        let embedded = CardFonts::embedded();
        for weight in [Weight::Regular, Weight::Bold] {
            assert_eq!(
                fonts.width("Wooden toys", 40.0, weight),
                embedded.width("Wooden toys", 40.0, weight)
            );
        }
    }

    #[test]
    fn a_line_the_fallback_font_has_whole_is_measured_in_it_whole() {
        let fonts = japanese();
        let jp = FILES.len();
        // "A 日本" is all in the Japanese font (which has "A" and the space): usvg draws
        // the whole line with it, so its "A" is measured there, not in Noto Sans.
        let a_jp = fonts.faces[jp].advance('A').unwrap();
        let a_noto = fonts.faces[0].advance('A').unwrap();
        assert!((a_jp - a_noto).abs() > 0.005, "{a_jp} {a_noto}");
        let space_jp = fonts.faces[jp].advance(' ').unwrap();
        let line = fonts.width("A 日本", 100.0, Weight::Regular);
        assert!(
            (line - 100.0 * (a_jp + space_jp + 2.0)).abs() < 0.01,
            "{line}"
        );
        // "B" is not in the subset: Noto Sans draws "B" and the space, the Japanese font
        // only what Noto Sans lacks.
        let b = fonts.faces[0].advance('B').unwrap();
        let space = fonts.faces[0].advance(' ').unwrap();
        let line = fonts.width("B 日本", 100.0, Weight::Regular);
        assert!((line - 100.0 * (b + space + 2.0)).abs() < 0.01, "{line}");
        // Without a Japanese character the line is Noto Sans's.
        assert_eq!(fonts.width("A", 100.0, Weight::Regular), 100.0 * a_noto);
    }

    #[test]
    fn the_fallback_prefers_a_face_of_the_same_weight() {
        let fonts = japanese();
        let jp = FILES.len();
        // Bold text: no bold face has 'あ', so the regular Japanese face draws it.
        let has = |i: usize| fonts.has(i, 'あ');
        assert_eq!(fonts.fallback(has, &[1]), Some(jp));
        // Arabic in bold text: only Noto Sans Arabic (regular) has it.
        assert_eq!(fonts.fallback(|i| fonts.has(i, 'ش'), &[1]), Some(2));
        // A bold face that has the character is preferred to an earlier regular one.
        assert_eq!(fonts.fallback(|i| i == 0 || i == 1, &[2, 3]), Some(0));
        // No bold face has it: the first that has it, whatever its weight.
        assert_eq!(fonts.fallback(|_| true, &[1]), Some(0));
    }

    #[test]
    fn a_file_that_is_no_font_is_refused_with_its_name() {
        let error =
            CardFonts::with_files(vec![("fonts/a.otf".into(), b"hello".to_vec())]).unwrap_err();
        assert_eq!(error.file, "fonts/a.otf");
        assert!(error.why.contains("not a TrueType"), "{}", error.why);
        let woff2 =
            CardFonts::with_files(vec![("b.woff2".into(), b"wOF2\0\x01".to_vec())]).unwrap_err();
        assert!(woff2.why.contains("WOFF"), "{}", woff2.why);
        assert!(woff2.help.contains("convert"), "{}", woff2.help);
    }

    #[test]
    fn the_fingerprint_follows_the_bytes() {
        let one = japanese();
        let mut bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fonts/NotoSansJP-Subset.ttf"
        ))
        .unwrap();
        assert_eq!(japanese().fingerprint(), one.fingerprint());
        assert!(one.fingerprint().is_some());
        // A byte more at the end: still the same font, but other bytes.
        bytes.push(0);
        let other = CardFonts::with_files(vec![("jp.ttf".into(), bytes)]).unwrap();
        assert_ne!(other.fingerprint(), one.fingerprint());
    }
}
