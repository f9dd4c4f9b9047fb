//! Published photos carry no metadata.
//!
//! A phone photo of a happy customer carries where it was taken (EXIF GPS), the camera's
//! serial number, the owner's name, editing history (XMP) and often a thumbnail of the
//! uncropped original. None of that may reach a public site, least of all for customers.
//! So every raster image kudos copies into the output goes through [`strip_metadata`],
//! which rewrites the container without touching the compressed pixels: the image looks
//! exactly the same, byte for byte in its picture data, and is a little smaller.
//!
//! What is kept is only what changes how the picture looks: the JPEG frame, tables and
//! scan, JFIF and Adobe colour markers and the ICC colour profile; PNG's image and colour
//! chunks; WebP's image, alpha, animation and ICC chunks. The EXIF orientation is the one
//! datum that changes how a photo is shown, so when a photo is rotated by it, a new EXIF
//! block holding that tag alone replaces the original. Turning the pixels instead (and
//! resizing, re-encoding) is the image pipeline's job.
//!
//! Formats are recognised by their signature, not their file name; anything else (SVG,
//! GIF, PDF, fonts) is returned as it is.

use std::io::Cursor;

use img_parts::{Bytes, ImageEXIF, png::Png, webp::WebP};

use super::Format;

/// A photo that claims to be a JPEG, PNG or WebP but cannot be read as one.
#[derive(Debug, thiserror::Error)]
#[error("it looks like a {format} image but is damaged ({reason})")]
pub struct DamagedImage {
    /// "JPEG", "PNG" or "WebP".
    pub format: &'static str,
    /// What did not parse.
    pub reason: String,
}

/// `bytes` without any metadata block, or unchanged when it is not a JPEG, PNG or WebP.
pub fn strip_metadata(bytes: Vec<u8>) -> Result<Vec<u8>, DamagedImage> {
    match strippable(&bytes) {
        Some(Format::Jpeg) => {
            let orientation = orientation(&bytes);
            let mut stripped = strip_jpeg(&bytes)?;
            if let Some(turn) = orientation {
                stripped = with_orientation_jpeg(stripped, turn);
            }
            Ok(stripped)
        }
        Some(Format::Png) => strip_png(bytes),
        Some(Format::WebP) => {
            let orientation = orientation(&bytes);
            strip_webp(bytes, orientation)
        }
        Some(Format::Gif | Format::Svg) | None => Ok(bytes),
    }
}

/// Whether the file at `path` starts like a JPEG, PNG or WebP, whatever its name:
/// reads only its first bytes, so other files can be copied without being read.
pub fn starts_like_photo(path: &std::path::Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut head = Vec::with_capacity(12);
    std::fs::File::open(path)?.take(12).read_to_end(&mut head)?;
    Ok(strippable(&head).is_some())
}

/// Whether `bytes` are an image format [`strip_metadata`] rewrites.
pub fn is_strippable(bytes: &[u8]) -> bool {
    strippable(bytes).is_some()
}

/// The formats [`strip_metadata`] rewrites (GIF and SVG are published as they are).
fn strippable(bytes: &[u8]) -> Option<Format> {
    Format::of(bytes).filter(|f| matches!(f, Format::Jpeg | Format::Png | Format::WebP))
}

/// The EXIF orientation (2 to 8) when it turns or mirrors the picture.
pub(crate) fn orientation(bytes: &[u8]) -> Option<u16> {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    let value = field.value.get_uint(0)?;
    u16::try_from(value).ok().filter(|v| (2..=8).contains(v))
}

/// A little-endian TIFF block with one IFD entry: Orientation (0x0112, SHORT) = `turn`.
fn orientation_only_exif(turn: u16) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes()); // first IFD right after the header
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes()); // one value
    tiff.extend_from_slice(&turn.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]); // value padding
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff
}

// JPEG markers.
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;

fn damaged_jpeg(reason: &str) -> DamagedImage {
    DamagedImage {
        format: "JPEG",
        reason: reason.into(),
    }
}

/// Walks the JPEG's segments and copies the ones that draw the picture, up to the end of
/// the primary image: what follows its EOI (MPF thumbnails and depth maps, each with
/// EXIF of its own, or appended data) is dropped too.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, DamagedImage> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut at = 2;
    loop {
        let (marker, start) = next_marker(bytes, at).ok_or_else(|| damaged_jpeg("no end"))?;
        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                return Ok(out);
            }
            // Restart markers and fill carry no length.
            0xD0..=0xD7 | 0x01 => {
                out.extend_from_slice(&[0xFF, marker]);
                at = start;
            }
            _ => {
                let end = segment_end(bytes, start)?;
                if keeps(marker, &bytes[start + 2..end]) {
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(&bytes[start..end]);
                }
                at = end;
                if marker == SOS {
                    let scan_end = entropy_end(bytes, at);
                    out.extend_from_slice(&bytes[at..scan_end]);
                    at = scan_end;
                }
            }
        }
    }
}

/// The marker at or after `at` (skipping fill bytes) and where its payload starts.
fn next_marker(bytes: &[u8], mut at: usize) -> Option<(u8, usize)> {
    while *bytes.get(at)? != 0xFF {
        at += 1;
    }
    while *bytes.get(at)? == 0xFF {
        at += 1;
    }
    Some((*bytes.get(at)?, at + 1))
}

/// The end of the segment whose two length bytes start at `start`.
fn segment_end(bytes: &[u8], start: usize) -> Result<usize, DamagedImage> {
    let length = bytes
        .get(start..start + 2)
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        .filter(|&length| length >= 2)
        .ok_or_else(|| damaged_jpeg("a segment has no length"))?;
    let end = start + length;
    if end > bytes.len() {
        return Err(damaged_jpeg("a segment runs past the end of the file"));
    }
    Ok(end)
}

/// Where the entropy-coded data after a scan header ends: at the first marker that is
/// neither a stuffed zero nor a restart marker.
fn entropy_end(bytes: &[u8], mut at: usize) -> usize {
    while at + 1 < bytes.len() {
        if bytes[at] == 0xFF && !matches!(bytes[at + 1], 0x00 | 0xD0..=0xD7 | 0xFF) {
            return at;
        }
        at += 1;
    }
    bytes.len()
}

/// Whether a segment is needed to draw the picture.
fn keeps(marker: u8, payload: &[u8]) -> bool {
    match marker {
        APP0 => payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0"),
        APP2 => payload.starts_with(b"ICC_PROFILE\0"),
        APP14 => payload.starts_with(b"Adobe"),
        0xE1..=0xEF | COM => false,
        _ => true,
    }
}

/// Puts an orientation-only EXIF segment right after SOI and any JFIF segment.
fn with_orientation_jpeg(stripped: Vec<u8>, turn: u16) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&orientation_only_exif(turn));
    let length = u16::try_from(payload.len() + 2).expect("a few bytes");
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(&payload);
    let insert_at = jfif_end(&stripped);
    let mut out = Vec::with_capacity(stripped.len() + segment.len());
    out.extend_from_slice(&stripped[..insert_at]);
    out.extend_from_slice(&segment);
    out.extend_from_slice(&stripped[insert_at..]);
    out
}

/// After SOI and a JFIF APP0 segment, if there is one (EXIF must not come before JFIF).
fn jfif_end(jpeg: &[u8]) -> usize {
    if jpeg.get(2..4) == Some(&[0xFF, APP0])
        && let Ok(end) = segment_end(jpeg, 4)
    {
        return end;
    }
    2
}

/// PNG chunks that change how the picture looks; everything else (tEXt, zTXt, iTXt,
/// eXIf, tIME and unknown chunks) is dropped.
const PNG_KEPT: [&[u8; 4]; 16] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

fn strip_png(bytes: Vec<u8>) -> Result<Vec<u8>, DamagedImage> {
    let mut png = Png::from_bytes(Bytes::from(bytes)).map_err(|e| DamagedImage {
        format: "PNG",
        reason: e.to_string(),
    })?;
    png.chunks_mut()
        .retain(|chunk| PNG_KEPT.contains(&&chunk.kind()));
    Ok(png.encoder().bytes().to_vec())
}

/// WebP chunks that carry metadata.
const WEBP_METADATA: [[u8; 4]; 2] = [*b"EXIF", *b"XMP "];

fn strip_webp(bytes: Vec<u8>, orientation: Option<u16>) -> Result<Vec<u8>, DamagedImage> {
    let mut webp = WebP::from_bytes(Bytes::from(bytes)).map_err(|e| DamagedImage {
        format: "WebP",
        reason: e.to_string(),
    })?;
    for id in WEBP_METADATA {
        webp.remove_chunks_by_id(id);
    }
    // Setting (or clearing) EXIF through the crate also fixes the VP8X header's flags.
    webp.set_exif(orientation.map(|turn| Bytes::from(orientation_only_exif(turn))));
    Ok(webp.encoder().bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Photos as an ordinary encoder (Pillow) writes them, without metadata.
    const PLAIN_JPEG: &[u8] = include_bytes!("../../tests/fixtures/photos/plain.jpg");
    const PROGRESSIVE_JPEG: &[u8] = include_bytes!("../../tests/fixtures/photos/progressive.jpg");
    const PLAIN_PNG: &[u8] = include_bytes!("../../tests/fixtures/photos/plain.png");
    const PLAIN_WEBP: &[u8] = include_bytes!("../../tests/fixtures/photos/plain.webp");

    /// A TIFF block with an Artist string, a camera serial and a GPS IFD, plus `turn`.
    fn revealing_exif(turn: u16) -> Vec<u8> {
        let artist = b"Ada Lovelace SECRET\0";
        let mut t = Vec::new();
        t.extend_from_slice(b"II*\0");
        t.extend_from_slice(&8u32.to_le_bytes());
        let entries = 3u16;
        let ifd_len = 2 + 12 * usize::from(entries) + 4;
        let artist_at = 8 + ifd_len as u32;
        let gps_at = artist_at + artist.len() as u32;
        t.extend_from_slice(&entries.to_le_bytes());
        // Orientation
        t.extend_from_slice(&0x0112u16.to_le_bytes());
        t.extend_from_slice(&3u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&turn.to_le_bytes());
        t.extend_from_slice(&[0, 0]);
        // Artist
        t.extend_from_slice(&0x013Bu16.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&(artist.len() as u32).to_le_bytes());
        t.extend_from_slice(&artist_at.to_le_bytes());
        // GPS IFD pointer
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&gps_at.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(artist);
        // GPS IFD: GPSLatitudeRef = "N"
        t.extend_from_slice(&1u16.to_le_bytes());
        t.extend_from_slice(&0x0001u16.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&2u32.to_le_bytes());
        t.extend_from_slice(b"N\0\0\0");
        t.extend_from_slice(&0u32.to_le_bytes());
        t
    }

    fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut segment = vec![0xFF, marker];
        segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(payload);
        segment
    }

    /// `plain` with EXIF (GPS, artist), XMP and a comment after its JFIF segment, and a
    /// second image with EXIF of its own after its end, as phones write them.
    fn with_metadata(plain: &[u8], turn: u16) -> Vec<u8> {
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(&revealing_exif(turn));
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Ada XMP SECRET</x:xmpmeta>";
        let mut out = plain[..20].to_vec(); // SOI + JFIF
        out.extend(jpeg_segment(0xE1, &exif));
        out.extend(jpeg_segment(0xE1, xmp));
        out.extend(jpeg_segment(COM, b"shot by SECRET serial 12345"));
        out.extend_from_slice(&plain[20..]);
        out.extend_from_slice(&[0xFF, 0xD8]);
        out.extend(jpeg_segment(0xE1, b"Exif\0\0SECRET"));
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_jpeg_loses_exif_gps_xmp_comments_and_trailing_images() {
        for plain in [PLAIN_JPEG, PROGRESSIVE_JPEG] {
            let photo = with_metadata(plain, 1);
            assert!(contains(&photo, b"SECRET"));
            let clean = strip_metadata(photo).unwrap();
            assert!(!contains(&clean, b"SECRET"));
            assert!(!contains(&clean, b"Exif"));
            // The picture itself is untouched: exactly the plain encoder's bytes.
            assert_eq!(clean, plain);
        }
    }

    #[test]
    fn a_comment_between_progressive_scans_is_dropped_and_the_scans_kept() {
        let first_scan = PROGRESSIVE_JPEG
            .windows(2)
            .position(|w| w == [0xFF, SOS])
            .unwrap();
        let second_table = first_scan
            + 2
            + PROGRESSIVE_JPEG[first_scan + 2..]
                .windows(2)
                .position(|w| w[0] == 0xFF && matches!(w[1], 0xC4 | SOS))
                .unwrap();
        let mut photo = PROGRESSIVE_JPEG[..second_table].to_vec();
        photo.extend(jpeg_segment(COM, b"SECRET between scans"));
        photo.extend_from_slice(&PROGRESSIVE_JPEG[second_table..]);
        assert_eq!(strip_metadata(photo).unwrap(), PROGRESSIVE_JPEG);
    }

    #[test]
    fn a_turned_jpeg_keeps_only_its_orientation() {
        let clean = strip_metadata(with_metadata(PLAIN_JPEG, 6)).unwrap();
        assert!(!contains(&clean, b"SECRET"));
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&clean))
            .unwrap();
        let tags: Vec<_> = exif.fields().map(|f| f.tag).collect();
        assert_eq!(tags, [exif::Tag::Orientation]);
        assert_eq!(orientation(&clean), Some(6));
        // JFIF stays first, so decoders that want it find it.
        assert_eq!(&clean[6..10], b"JFIF");
    }

    #[test]
    fn a_jpeg_that_ends_early_is_damaged_not_a_panic() {
        for cut in [3, 10, 30, 120, 400] {
            let result = strip_metadata(PLAIN_JPEG[..cut].to_vec());
            assert!(result.is_err(), "cut at {cut}: {result:?}");
        }
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(kind);
        chunk.extend_from_slice(data);
        let crc = crc32fast::hash(&chunk[4..]);
        chunk.extend_from_slice(&crc.to_be_bytes());
        chunk
    }

    #[test]
    fn a_png_keeps_its_picture_and_loses_its_text() {
        let after_ihdr = 8 + 25;
        let mut photo = PLAIN_PNG[..after_ihdr].to_vec();
        photo.extend(png_chunk(b"tEXt", b"Author\0Ada SECRET"));
        photo.extend(png_chunk(b"eXIf", &revealing_exif(1)));
        photo.extend(png_chunk(b"tIME", &[7, 234, 3, 14, 12, 0, 0]));
        photo.extend_from_slice(&PLAIN_PNG[after_ihdr..]);
        assert_eq!(strip_metadata(photo).unwrap(), PLAIN_PNG);
    }

    #[test]
    fn a_webp_loses_exif_and_xmp_and_its_header_says_so() {
        let riff = |chunks: &[(&[u8; 4], &[u8])]| {
            let mut body = b"WEBP".to_vec();
            for (id, data) in chunks {
                body.extend_from_slice(*id);
                body.extend_from_slice(&(data.len() as u32).to_le_bytes());
                body.extend_from_slice(data);
                if data.len() % 2 == 1 {
                    body.push(0);
                }
            }
            let mut file = b"RIFF".to_vec();
            file.extend_from_slice(&(body.len() as u32).to_le_bytes());
            file.extend_from_slice(&body);
            file
        };
        let vp8l = &PLAIN_WEBP[20..PLAIN_WEBP.len() - 1]; // the 17-byte VP8L payload
        assert_eq!(riff(&[(b"VP8L", vp8l)]), PLAIN_WEBP);
        // VP8X with the EXIF and XMP flags set, canvas 1x1.
        let photo = riff(&[
            (b"VP8X", &[0b0000_1100, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (b"VP8L", vp8l),
            (b"EXIF", &revealing_exif(1)),
            (b"XMP ", b"<x:xmpmeta>SECRET</x:xmpmeta>"),
        ]);
        assert_eq!(strip_metadata(photo).unwrap(), PLAIN_WEBP);
    }

    #[test]
    fn other_files_pass_through_unchanged() {
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><!-- Ada --></svg>".to_vec();
        assert_eq!(strip_metadata(svg.clone()).unwrap(), svg);
        assert!(!is_strippable(&svg));
        assert!(is_strippable(PLAIN_JPEG) && is_strippable(PLAIN_PNG) && is_strippable(PLAIN_WEBP));
    }
}
