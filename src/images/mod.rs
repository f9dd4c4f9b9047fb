//! Responsive images: every local image a page shows is found, measured and published in
//! the configured widths, as WebP and in a fallback format, without metadata.
//!
//! Rendering asks a [`Catalog`] for each image it meets (markdown images, avatars, heroes);
//! the catalog finds the file, reads its header only ([`probe`]: format, size, orientation,
//! alpha) and plans the [`Variant`]s, so that pages can be written with `srcset`, `width`
//! and `height` before a pixel is decoded. The variants are made afterwards, in parallel,
//! one source decoded at a time per core, and kept in the disk cache ([`cache`]) so the
//! next build, `serve` or `watch` makes each only once.
//!
//! Variant files are named by the source's content and the settings
//! (`sized/<hash>-<width>.<ext>`), never by the file's name: a customer photo named after
//! its subject does not carry the name into a URL, and a changed photo gets a new URL, so
//! a host may cache every variant forever.
//!
//! Share cards ([`card`]) are images too: the SVG `render::cards` writes for a page is
//! drawn here with the embedded [`fonts`], named by its text and kept in the same cache.

pub mod cache;
pub mod card;
mod card_png;
mod encode;
pub mod fonts;
mod glyphs;
pub mod metadata;
mod svg;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::config::ImagesConfig;
use crate::fingerprint::stable_hash;

pub use encode::make_variants;

/// Images larger than this many pixels are refused before decoding: decoded as RGBA one
/// takes 4 bytes a pixel, so 50 MP is 200 MB, and a build holds at most one per core.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Bumped whenever the encoders' output for the same input and settings changes, so
/// cached variants made by an older kudos are not reused.
const ENCODER_VERSION: &[u8] = b"kudos-images-1";

/// Where an image's bytes are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImageSource {
    /// A file of the site.
    Disk(PathBuf),
    /// A file of the built-in theme.
    Embedded(&'static [u8]),
}

impl ImageSource {
    /// The bytes.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            ImageSource::Disk(path) => std::fs::read(path).map(Into::into),
            ImageSource::Embedded(bytes) => Ok((*bytes).into()),
        }
    }
}

/// An image format kudos reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
    /// GIF (its first frame).
    Gif,
    /// SVG, published as it is.
    Svg,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
            Format::Svg => "SVG",
        })
    }
}

impl Format {
    /// By signature, not by name.
    pub fn of(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::WebP)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if svg::looks_like_svg(bytes) {
            Some(Format::Svg)
        } else {
            None
        }
    }

    fn image_format(self) -> Option<image::ImageFormat> {
        Some(match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::WebP => image::ImageFormat::WebP,
            Format::Gif => image::ImageFormat::Gif,
            Format::Svg => return None,
        })
    }
}

/// A format variants are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutFormat {
    /// Lossy WebP, offered first.
    WebP,
    /// The fallback for photos.
    Jpeg,
    /// The fallback for images with transparency, and for PNG and GIF sources.
    Png,
}

impl OutFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutFormat::WebP => "webp",
            OutFormat::Jpeg => "jpg",
            OutFormat::Png => "png",
        }
    }

    /// The MIME type, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            OutFormat::WebP => "image/webp",
            OutFormat::Jpeg => "image/jpeg",
            OutFormat::Png => "image/png",
        }
    }
}

/// One published size of an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// Pixels.
    pub width: u32,
    /// Pixels, in the source's proportions.
    pub height: u32,
    /// Encoding.
    pub format: OutFormat,
    /// Output path, no leading slash: `sized/3f2a…-480.webp`.
    pub output: String,
}

/// An image file, measured, with the variants it is published in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Picture {
    /// Its bytes.
    pub source: ImageSource,
    /// The output path of the file itself (no leading slash), as copied.
    pub output: String,
    /// Format by signature.
    pub format: Format,
    /// Width as shown, EXIF orientation applied.
    pub width: u32,
    /// Height as shown.
    pub height: u32,
    /// The EXIF orientation (2 to 8) when the photo is turned by it.
    pub orientation: Option<u16>,
    /// Whether the pixels have an alpha channel.
    pub alpha: bool,
    /// Of the bytes, the settings and the encoders: names the variants.
    pub hash: u64,
    /// Smallest first, the fallback format's after the WebP ones. Empty for SVG.
    pub variants: Vec<Variant>,
    /// The settings it was planned under.
    settings: u64,
}

/// What of `[images]` changes the files made (not `sizes`, which is only markup).
fn settings_print(settings: &ImagesConfig) -> u64 {
    crate::fingerprint::fingerprint(&(settings.quality, settings.webp))
}

impl Picture {
    /// Whether it was planned under `settings` (a kept catalog outlives a config edit).
    fn planned_under(&self, settings: &ImagesConfig) -> bool {
        self.settings == settings_print(settings)
    }

    /// The variants in `format`, smallest first.
    pub fn variants_in(&self, format: OutFormat) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.format == format)
    }

    /// The fallback format: the one every browser shows.
    pub fn fallback(&self) -> Option<OutFormat> {
        self.variants
            .iter()
            .map(|v| v.format)
            .find(|f| *f != OutFormat::WebP)
    }

    /// The largest fallback variant: the `src` of an `<img>`.
    pub fn largest(&self) -> Option<&Variant> {
        self.fallback()
            .and_then(|format| self.variants_in(format).last())
    }
}

/// Why an image cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// No file at the path.
    #[error("no such file: {0}")]
    Missing(String),
    /// The file cannot be read.
    #[error("cannot read {path}: {reason}")]
    Unreadable {
        /// As shown.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// Not a JPEG, PNG, WebP, GIF or SVG.
    #[error("{0} is not an image kudos can read (JPEG, PNG, WebP, GIF or SVG)")]
    NotAnImage(String),
    /// The header or the pixels do not decode.
    #[error("{path} is a damaged {format} image ({reason})")]
    Damaged {
        /// As shown.
        path: String,
        /// What its signature says.
        format: Format,
        /// The decoder's reason.
        reason: String,
    },
    /// Over [`MAX_PIXELS`].
    #[error(
        "{path} is {width} × {height} pixels, more than the {} million kudos decodes",
        MAX_PIXELS / 1_000_000
    )]
    TooLarge {
        /// As shown.
        path: String,
        /// Pixels.
        width: u32,
        /// Pixels.
        height: u32,
    },
}

/// Measures the image in `bytes` from its header, without decoding the pixels, and plans
/// its variants in `widths` under `settings`. `shown` names the file in errors.
pub fn probe(
    bytes: &[u8],
    (source, output): (ImageSource, String),
    settings: &ImagesConfig,
    widths: &[u32],
    shown: &str,
) -> Result<Picture, ImageError> {
    let format = Format::of(bytes).ok_or_else(|| ImageError::NotAnImage(shown.to_string()))?;
    let hash = stable_hash(&[
        bytes,
        ENCODER_VERSION,
        &[settings.quality],
        settings.webp.to_string().as_bytes(),
    ]);
    if format == Format::Svg {
        let (width, height) = svg::size(bytes).unwrap_or((0, 0));
        return Ok(Picture {
            source,
            output,
            format,
            width,
            height,
            orientation: None,
            alpha: true,
            hash,
            variants: Vec::new(),
            settings: settings_print(settings),
        });
    }
    let damaged = |reason: String| ImageError::Damaged {
        path: shown.to_string(),
        format,
        reason,
    };
    let (stored_width, stored_height, alpha) = header(bytes, format).map_err(damaged)?;
    if u64::from(stored_width) * u64::from(stored_height) > MAX_PIXELS {
        return Err(ImageError::TooLarge {
            path: shown.to_string(),
            width: stored_width,
            height: stored_height,
        });
    }
    if stored_width == 0 || stored_height == 0 {
        return Err(damaged("it has no pixels".into()));
    }
    // Decoders fill a cut-off file with grey; the container check that publishing the
    // file itself needs (see [`metadata`]) refuses it here, where it can be located.
    if matches!(format, Format::Jpeg | Format::Png | Format::WebP) {
        crate::images::metadata::strip_metadata(bytes.to_vec()).map_err(|e| damaged(e.reason))?;
    }
    let orientation = if format == Format::Jpeg || format == Format::WebP || format == Format::Png {
        crate::images::metadata::orientation(bytes)
    } else {
        None
    };
    let (width, height) = match orientation {
        Some(5..=8) => (stored_height, stored_width),
        _ => (stored_width, stored_height),
    };
    let fallback = match format {
        Format::Jpeg => OutFormat::Jpeg,
        Format::WebP if !alpha => OutFormat::Jpeg,
        _ => OutFormat::Png,
    };
    let mut variants = Vec::new();
    let formats: &[OutFormat] = if settings.webp {
        &[OutFormat::WebP, fallback]
    } else {
        &[fallback]
    };
    for &out in formats {
        for w in planned_widths(width, widths) {
            let h = scaled_height(width, height, w);
            variants.push(Variant {
                width: w,
                height: h,
                format: out,
                output: format!("sized/{hash:016x}-{w}.{}", out.extension()),
            });
        }
    }
    Ok(Picture {
        source,
        output,
        format,
        width,
        height,
        orientation,
        alpha,
        hash,
        variants,
        settings: settings_print(settings),
    })
}

/// Width, height and alpha from the decoder's header.
fn header(bytes: &[u8], format: Format) -> Result<(u32, u32, bool), String> {
    use image::ImageDecoder;
    let reader = image::ImageReader::with_format(
        std::io::Cursor::new(bytes),
        format.image_format().ok_or("not a raster image")?,
    );
    let decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    Ok((w, h, decoder.color_type().has_alpha()))
}

/// The configured widths narrower than the image, and the image's own width when it is
/// narrower than the widest configured one: never upscaled, never more than asked.
fn planned_widths(width: u32, configured: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = configured.iter().copied().filter(|w| *w < width).collect();
    let widest = configured.iter().copied().max().unwrap_or(width);
    if width <= widest {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    let h = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

/// Every image a render measured, by output path and widths: each file is read and
/// probed once per build, and again by `serve` only when its size or modification time
/// changed.
#[derive(Default)]
pub struct Catalog {
    probed: Mutex<Probed>,
}

type Probed = FxHashMap<(String, Vec<u32>), (Stamp, Result<Arc<Picture>, ImageError>)>;

/// What tells a file changed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Catalog {
    /// The picture for the file `source` published at `output`, in `widths`; `shown`
    /// names it in errors.
    pub fn picture(
        &self,
        (source, output): (&ImageSource, &str),
        settings: &ImagesConfig,
        widths: &[u32],
        shown: &str,
    ) -> Result<Arc<Picture>, ImageError> {
        let stamp = match source {
            ImageSource::Disk(path) => match std::fs::metadata(path) {
                Ok(meta) => Stamp {
                    len: meta.len(),
                    modified: meta.modified().ok(),
                },
                Err(_) => return Err(ImageError::Missing(shown.to_string())),
            },
            ImageSource::Embedded(bytes) => Stamp {
                len: bytes.len() as u64,
                modified: None,
            },
        };
        let key = (output.to_string(), widths.to_vec());
        let known = self.probed.lock().ok().and_then(|p| p.get(&key).cloned());
        if let Some((seen, picture)) = known
            && seen == stamp
            && picture
                .as_ref()
                .is_ok_and(|p| p.source == *source && p.planned_under(settings))
        {
            return picture;
        }
        let picture = match source.read() {
            Ok(bytes) => {
                let file = (source.clone(), output.to_string());
                probe(&bytes, file, settings, widths, shown).map(Arc::new)
            }
            Err(e) => Err(ImageError::Unreadable {
                path: shown.to_string(),
                reason: e.to_string(),
            }),
        };
        if let Ok(mut probed) = self.probed.lock() {
            probed.insert(key, (stamp, picture.clone()));
        }
        picture
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_keep_a_narrow_image_whole() {
        let widths = |w| planned_widths(w, &[480, 960, 1600]);
        assert_eq!(widths(4000), vec![480, 960, 1600]);
        assert_eq!(widths(1200), vec![480, 960, 1200]);
        assert_eq!(widths(300), vec![300]);
        assert_eq!(widths(1600), vec![480, 960, 1600]);
    }

    #[test]
    fn heights_keep_the_proportions() {
        assert_eq!(scaled_height(4000, 3000, 480), 360);
        assert_eq!(scaled_height(3, 1000, 1), 333);
        assert_eq!(scaled_height(1000, 1, 10), 1);
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::RgbImage::new(width, height)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        bytes
    }

    fn probed(bytes: &[u8]) -> Result<Picture, ImageError> {
        let source = ImageSource::Embedded(Box::leak(bytes.to_vec().into_boxed_slice()));
        let settings = ImagesConfig::default();
        probe(
            bytes,
            (source, "a.png".into()),
            &settings,
            &settings.widths,
            "a.png",
        )
    }

    #[test]
    fn a_probe_plans_webp_and_fallback_variants() {
        let picture = probed(&png(1000, 500)).unwrap();
        assert_eq!((picture.width, picture.height), (1000, 500));
        let planned: Vec<(u32, u32, OutFormat)> = picture
            .variants
            .iter()
            .map(|v| (v.width, v.height, v.format))
            .collect();
        assert_eq!(
            planned,
            vec![
                (480, 240, OutFormat::WebP),
                (960, 480, OutFormat::WebP),
                (1000, 500, OutFormat::WebP),
                (480, 240, OutFormat::Png),
                (960, 480, OutFormat::Png),
                (1000, 500, OutFormat::Png),
            ]
        );
        assert_eq!(picture.largest().unwrap().width, 1000);
        assert!(picture.variants[0].output.starts_with("sized/"));
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        // A valid PNG header claiming 30,000 × 30,000 pixels (3.6 GB as RGBA).
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        match probed(&bytes) {
            Err(ImageError::TooLarge { width, height, .. }) => {
                assert_eq!((width, height), (30_000, 30_000));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_named_like_an_image_is_not_one() {
        assert!(matches!(
            probed(b"hello"),
            Err(ImageError::NotAnImage(path)) if path == "a.png"
        ));
    }
}
