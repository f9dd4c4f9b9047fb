//! Drawing a card's text from cached glyph masks.
//!
//! resvg fills every line of a card's text as outlines, anew for every card: about 10 µs
//! a glyph, most of a card's time. The cards of a site share a few hundred distinct
//! glyphs at a handful of sizes, so each glyph is filled once per size and quarter-pixel
//! position (as tiny-skia fills it for resvg, anti-aliased) and then blended into place.
//! Text this cannot draw the way resvg would (strokes, gradients, decorations, skew or
//! rotation, colour or variable fonts, groups with opacity, clips, masks or filters) is
//! left to resvg, node by node, in document order.

use std::cell::RefCell;
use std::sync::Arc;

use resvg::tiny_skia::{self, FillRule, Mask, PathBuilder, PixmapMut, Transform};
use resvg::usvg::{self, Group, Node, Text, fontdb};
use rustc_hash::FxHashMap;
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, MetadataProvider, Tag};

/// The steps a pixel is divided into for a glyph's position, across and down.
const STEPS: f32 = 4.0;
/// Masks kept per thread; past it the cache starts over (a site with many languages).
const MOST_MASKS: usize = 16_384;

/// One glyph at one size and sub-pixel position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    font: fontdb::ID,
    glyph: u32,
    scale_x: u32,
    scale_y: u32,
    step_x: u8,
    step_y: u8,
    even_odd: bool,
}

/// A glyph's coverage, placed relative to the whole pixel its origin falls in.
struct GlyphMask {
    left: i32,
    top: i32,
    width: u32,
    coverage: Vec<u8>,
}

/// How a glyph is drawn.
#[derive(Clone)]
enum Drawn {
    /// From this mask.
    Mask(Arc<GlyphMask>),
    /// Not at all: it has nothing to fill (a space).
    Empty,
    /// By resvg: it has no plain outline (a colour or bitmap glyph).
    Resvg,
}

/// What one thread has drawn, for the font database it was drawn from.
#[derive(Default)]
struct Cache {
    fonts: Option<Arc<fontdb::Database>>,
    masks: FxHashMap<Key, Drawn>,
    /// Per face: whether its glyphs are plain outlines (no colour tables, no axes).
    plain_faces: FxHashMap<fontdb::ID, bool>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// Draws `tree` onto `pixmap` as `resvg::render` with no transform would.
pub fn render(tree: &usvg::Tree, pixmap: &mut PixmapMut<'_>) {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.use_fonts(tree.fontdb());
        render_group(tree.root(), Transform::identity(), &mut cache, pixmap);
    });
}

fn render_group(group: &Group, transform: Transform, cache: &mut Cache, pixmap: &mut PixmapMut) {
    let transform = transform.pre_concat(group.transform());
    for node in group.children() {
        match node {
            Node::Text(text) if draw_text(text, transform, cache, pixmap) => {}
            Node::Group(inner) if !inner.should_isolate() => {
                render_group(inner, transform, cache, pixmap);
            }
            other => {
                // resvg moves a node to its own corner first: undo that.
                if let Some(bbox) = other.abs_layer_bounding_box() {
                    let at = transform.pre_translate(bbox.x(), bbox.y());
                    resvg::render_node(other, at, pixmap);
                }
            }
        }
    }
}

/// One glyph ready to blend: its mask, the whole pixel of its origin, its colour.
struct Placed {
    mask: Arc<GlyphMask>,
    x: i32,
    y: i32,
    colour: [u8; 4],
}

/// Draws `text` from cached masks; `false` (having drawn nothing) when resvg must.
fn draw_text(text: &Text, transform: Transform, cache: &mut Cache, pixmap: &mut PixmapMut) -> bool {
    if text.rendering_mode() != usvg::TextRendering::OptimizeLegibility
        && text.rendering_mode() != usvg::TextRendering::GeometricPrecision
    {
        return false;
    }
    let mut placed = Vec::new();
    for span in text.layouted() {
        let decorated =
            span.underline.is_some() || span.overline.is_some() || span.line_through.is_some();
        // Variations (usvg sets `wght` from `font-weight`) change nothing in a face
        // without axes, the only kind drawn here (see `is_plain_face`).
        if span.stroke.is_some() || decorated {
            return false;
        }
        let Some(fill) = span.fill.as_ref().filter(|_| span.visible) else {
            continue;
        };
        let usvg::Paint::Color(colour) = fill.paint() else {
            return false;
        };
        let colour = premultiplied(*colour, fill.opacity().get());
        let even_odd = fill.rule() == usvg::FillRule::EvenOdd;
        for glyph in &span.positioned_glyphs {
            let at = transform.pre_concat(glyph.outline_transform());
            if at.kx != 0.0 || at.ky != 0.0 {
                return false;
            }
            let (x, y) = (at.tx.floor(), at.ty.floor());
            let key = Key {
                font: glyph.font,
                glyph: glyph.id.0,
                scale_x: at.sx.to_bits(),
                scale_y: at.sy.to_bits(),
                step_x: step(at.tx - x),
                step_y: step(at.ty - y),
                even_odd,
            };
            match cache.mask(key, at) {
                Drawn::Mask(mask) => placed.push(Placed {
                    mask,
                    x: x as i32,
                    y: y as i32,
                    colour,
                }),
                Drawn::Empty => {}
                Drawn::Resvg => return false,
            }
        }
    }
    for glyph in &placed {
        blend(pixmap, glyph);
    }
    true
}

/// Which of the [`STEPS`] a fraction of a pixel falls in (the last wraps to the next
/// pixel's first, which `floor` already chose: rounding, not truncating).
fn step(fraction: f32) -> u8 {
    ((fraction * STEPS).round() as u8).min(STEPS as u8 - 1)
}

impl Cache {
    /// Starts over when the fonts are not the ones the masks were drawn from.
    fn use_fonts(&mut self, fonts: &Arc<fontdb::Database>) {
        if !self.fonts.as_ref().is_some_and(|f| Arc::ptr_eq(f, fonts)) {
            *self = Cache {
                fonts: Some(Arc::clone(fonts)),
                ..Cache::default()
            };
        }
    }

    /// How the glyph of `key` is drawn, its mask filled with `at` (a scale and a
    /// translation) the first time.
    fn mask(&mut self, key: Key, at: Transform) -> Drawn {
        if let Some(known) = self.masks.get(&key) {
            return known.clone();
        }
        if self.masks.len() >= MOST_MASKS {
            self.masks.clear();
        }
        let Some(fonts) = self.fonts.clone() else {
            return Drawn::Resvg;
        };
        let plain = *self
            .plain_faces
            .entry(key.font)
            .or_insert_with(|| is_plain_face(&fonts, key.font));
        let offset = (f32::from(key.step_x) / STEPS, f32::from(key.step_y) / STEPS);
        let drawn = match plain
            .then(|| outline(&fonts, key.font, key.glyph))
            .flatten()
        {
            None => Drawn::Resvg,
            Some(None) => Drawn::Empty,
            Some(Some(path)) => match fill_mask(&path, (at.sx, at.sy), offset, key.even_odd) {
                Some(mask) => Drawn::Mask(Arc::new(mask)),
                None => Drawn::Empty,
            },
        };
        self.masks.insert(key, drawn.clone());
        drawn
    }
}

/// Whether `font`'s glyphs are outlines drawn the same at every setting: no colour
/// tables (COLR, SVG, bitmaps) and no variation axes.
fn is_plain_face(fonts: &fontdb::Database, font: fontdb::ID) -> bool {
    fonts
        .with_face_data(font, |data, index| {
            let face = FontRef::from_index(data, index).ok()?;
            let coloured = [b"COLR", b"SVG ", b"CBDT", b"sbix", b"EBDT"]
                .iter()
                .any(|tag| face.table_data(Tag::new(tag)).is_some());
            Some(!coloured && face.axes().is_empty())
        })
        .flatten()
        .unwrap_or(false)
}

/// The outline of `glyph` in font units, y up: `None` when the font has none for it,
/// `Some(None)` when it is empty.
fn outline(
    fonts: &fontdb::Database,
    font: fontdb::ID,
    glyph: u32,
) -> Option<Option<tiny_skia::Path>> {
    fonts
        .with_face_data(font, |data, index| {
            let face = FontRef::from_index(data, index).ok()?;
            let outline = face.outline_glyphs().get(skrifa::GlyphId::new(glyph))?;
            let mut pen = Pen(PathBuilder::new());
            let settings = DrawSettings::unhinted(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            );
            outline.draw(settings, &mut pen).ok()?;
            Some(pen.0.finish())
        })
        .flatten()
}

/// The coverage of `path` scaled (y flipped by the glyph's transform's negative scale) and moved by `offset` within its pixel, anti-aliased.
fn fill_mask(
    path: &tiny_skia::Path,
    (scale_x, scale_y): (f32, f32),
    offset: (f32, f32),
    even_odd: bool,
) -> Option<GlyphMask> {
    let placed = Transform::from_row(scale_x, 0.0, 0.0, scale_y, offset.0, offset.1);
    let bounds = path.clone().transform(placed)?.bounds();
    // One pixel of margin: anti-aliasing reaches into the pixel past an edge.
    let left = bounds.left().floor() as i32 - 1;
    let top = bounds.top().floor() as i32 - 1;
    let width = (bounds.right().ceil() as i32 + 1 - left).max(1) as u32;
    let height = (bounds.bottom().ceil() as i32 + 1 - top).max(1) as u32;
    let mut mask = Mask::new(width, height)?;
    let rule = if even_odd {
        FillRule::EvenOdd
    } else {
        FillRule::Winding
    };
    let into_mask = placed.post_translate(-left as f32, -top as f32);
    mask.fill_path(path, rule, true, into_mask);
    Some(GlyphMask {
        left,
        top,
        width,
        coverage: mask.data().to_vec(),
    })
}

/// `colour` at `opacity`, premultiplied, as tiny-skia keeps pixels.
fn premultiplied(colour: usvg::Color, opacity: f32) -> [u8; 4] {
    let alpha = (opacity.clamp(0.0, 1.0) * 255.0).round() as u32;
    let times = |c: u8| ((u32::from(c) * alpha + 127) / 255) as u8;
    [
        times(colour.red),
        times(colour.green),
        times(colour.blue),
        alpha as u8,
    ]
}

/// Blends one glyph's colour through its coverage over the pixels (source over).
fn blend(pixmap: &mut PixmapMut, glyph: &Placed) {
    let (canvas_w, canvas_h) = (pixmap.width() as i32, pixmap.height() as i32);
    let mask = &glyph.mask;
    let (x0, y0) = (glyph.x + mask.left, glyph.y + mask.top);
    let pixels = pixmap.data_mut();
    for (row, coverage) in mask.coverage.chunks_exact(mask.width as usize).enumerate() {
        let y = y0 + row as i32;
        if !(0..canvas_h).contains(&y) {
            continue;
        }
        for (column, &cover) in coverage.iter().enumerate() {
            let x = x0 + column as i32;
            if cover == 0 || !(0..canvas_w).contains(&x) {
                continue;
            }
            let at = ((y * canvas_w + x) * 4) as usize;
            let pixel = &mut pixels[at..at + 4];
            let src = glyph.colour.map(|c| mul(c, cover));
            let keep = 255 - src[3];
            for (d, s) in pixel.iter_mut().zip(src) {
                *d = s + mul(*d, keep);
            }
        }
    }
}

/// `a × b / 255`, rounded.
fn mul(a: u8, b: u8) -> u8 {
    let product = u32::from(a) * u32::from(b) + 128;
    ((product + (product >> 8)) >> 8) as u8
}

/// Collects a skrifa outline as a tiny-skia path.
struct Pen(PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}
