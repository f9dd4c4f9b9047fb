//! A drawn card as PNG, at a fraction of a general encoder's cost.
//!
//! A card is opaque, and most of its rows are flat background, each the same as the row
//! above. A general encoder converts every pixel to RGB, tries five filters on every row
//! and compresses the lot: that took longer than drawing the card. Here a row the same as
//! the one above is written as what it filters to ("up", all zeros) without being
//! converted or filtered; every other row is converted and filtered with whichever of
//! "sub", "up" and "paeth" leaves the smallest bytes (the usual heuristic), and
//! everything is compressed with `fdeflate`, the fast deflate the `png` crate uses for
//! `Compression::Fast`. The file holds the header, the pixels and the end, no metadata.

use std::io;

/// The filter types PNG puts before each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Filter {
    Sub = 1,
    Up = 2,
    Paeth = 4,
}

/// Bytes per RGB pixel.
const BPP: usize = 3;

/// The PNG (8-bit RGB) of premultiplied RGBA `rgba`, `width` pixels a row; `None` when
/// a pixel is not opaque (then premultiplied RGB is not the colour, and the caller
/// encodes RGBA). Writing to memory fails only when memory does.
pub fn opaque_rgb(rgba: &[u8], width: usize) -> io::Result<Option<Vec<u8>>> {
    let row_bytes = width * BPP;
    let height = rgba.len() / (width * 4);
    let mut compressor = fdeflate::Compressor::new(Vec::with_capacity(64 << 10))?;
    // The row above as RGB (zeros above the first: PNG's rule), this row, and this row
    // filtered (with its filter byte). Two bytes of slack: see `to_rgb`.
    let mut above = vec![0; row_bytes + 2];
    let mut row = vec![0; row_bytes + 2];
    let mut filtered = vec![0; row_bytes + 1];
    let mut same = vec![0; row_bytes + 1];
    same[0] = Filter::Up as u8;
    let mut rows = rgba.chunks_exact(width * 4);
    let mut previous: Option<&[u8]> = None;
    for pixels in &mut rows {
        if previous == Some(pixels) {
            compressor.write_data(&same)?;
            continue;
        }
        if !to_rgb(pixels, &mut row) {
            return Ok(None);
        }
        filter(&above[..row_bytes], &row[..row_bytes], &mut filtered);
        compressor.write_data(&filtered)?;
        std::mem::swap(&mut above, &mut row);
        previous = Some(pixels);
    }
    let idat = compressor.finish()?;
    Ok(Some(png_file(width, height, &idat)?))
}

/// `rgba` (premultiplied) as RGB into `rgb` (two bytes longer than the RGB row: each
/// pair of pixels is written as eight bytes, the last two overwritten by the next pair),
/// and whether every pixel is opaque. Two pixels a step in one 64-bit word: a byte by
/// byte copy cost as much as filtering and compressing the row.
fn to_rgb(rgba: &[u8], rgb: &mut [u8]) -> bool {
    let mut alpha = u64::MAX;
    let mut pairs = rgba.chunks_exact(8);
    for (i, pair) in (&mut pairs).enumerate() {
        let word = u64::from_le_bytes(pair.try_into().unwrap_or_default());
        alpha &= word;
        let packed = (word & 0xff_ffff) | ((word >> 8) & 0xffff_ff00_0000);
        rgb[i * 6..i * 6 + 8].copy_from_slice(&packed.to_le_bytes());
    }
    let done = rgba.len() / 8 * 6;
    let mut opaque = (alpha >> 24) & 0xff == 0xff && alpha >> 56 == 0xff;
    if let [r, g, b, a] = *pairs.remainder() {
        rgb[done..done + 3].copy_from_slice(&[r, g, b]);
        opaque &= a == 0xff;
    }
    opaque
}

/// `row` filtered against `above` into `out` (its first byte the filter type), with the
/// filter whose bytes, read as signed, sum to the least.
fn filter(above: &[u8], row: &[u8], out: &mut [u8]) {
    let mut best = (u32::MAX, Filter::Up);
    for kind in [Filter::Up, Filter::Sub, Filter::Paeth] {
        apply(kind, above, row, &mut out[1..]);
        let cost = cost(&out[1..]);
        if cost < best.0 {
            best = (cost, kind);
        }
    }
    // Paeth was the last one tried: only another winner is filtered again.
    if best.1 != Filter::Paeth {
        apply(best.1, above, row, &mut out[1..]);
    }
    out[0] = best.1 as u8;
}

/// The sum of `filtered`'s bytes read as signed, without their signs: how far from all
/// zeros it is. Summed in 16 bits a block at a time (a block's sum is at most 128 × 256),
/// which the compiler vectorises twice as wide as 32-bit sums.
fn cost(filtered: &[u8]) -> u32 {
    filtered
        .chunks(256)
        .map(|block| {
            let sum: u16 = block
                .iter()
                .map(|&b| u16::from((b as i8).unsigned_abs()))
                .sum();
            u32::from(sum)
        })
        .sum()
}

/// One PNG filter over one row.
fn apply(kind: Filter, above: &[u8], row: &[u8], out: &mut [u8]) {
    match kind {
        Filter::Up => {
            for ((o, &x), &b) in out.iter_mut().zip(row).zip(above) {
                *o = x.wrapping_sub(b);
            }
        }
        Filter::Sub => {
            out[..BPP].copy_from_slice(&row[..BPP]);
            for ((o, &x), &a) in out[BPP..].iter_mut().zip(&row[BPP..]).zip(row) {
                *o = x.wrapping_sub(a);
            }
        }
        Filter::Paeth => {
            for ((o, &x), &b) in out[..BPP].iter_mut().zip(row).zip(above) {
                *o = x.wrapping_sub(b);
            }
            // Left, above and upper left of each byte, as zips: no bounds checks, so
            // the loop is vectorised.
            let neighbours = row.iter().zip(&above[BPP..]).zip(above);
            for ((o, &x), ((&a, &b), &c)) in out[BPP..].iter_mut().zip(&row[BPP..]).zip(neighbours)
            {
                *o = x.wrapping_sub(paeth(a, b, c));
            }
        }
    }
}

/// PNG's Paeth predictor: of left, above and upper left, the one nearest
/// left + above - upper left.
fn paeth(left: u8, above: u8, corner: u8) -> u8 {
    let (a, b, c) = (i16::from(left), i16::from(above), i16::from(corner));
    let (pa, pb, pc) = ((b - c).abs(), (a - c).abs(), (a + b - 2 * c).abs());
    let nearer = if pb <= pc { above } else { corner };
    if pa <= pb && pa <= pc { left } else { nearer }
}

/// The file: signature, header (8-bit RGB, no interlacing), the compressed rows, end.
fn png_file(width: usize, height: usize, idat: &[u8]) -> io::Result<Vec<u8>> {
    let too_big = |_| io::Error::new(io::ErrorKind::InvalidInput, "too large for a PNG");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&u32::try_from(width).map_err(too_big)?.to_be_bytes());
    header.extend_from_slice(&u32::try_from(height).map_err(too_big)?.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlacing.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = Vec::with_capacity(idat.len() + 64);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    chunk(&mut png, b"IHDR", &header)?;
    chunk(&mut png, b"IDAT", idat)?;
    chunk(&mut png, b"IEND", &[])?;
    Ok(png)
}

/// Appends one chunk: length, type, data, CRC of type and data.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> io::Result<()> {
    let length = u32::try_from(data.len())
        .ok()
        .filter(|&n| n < 1 << 31)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "chunk too large"))?;
    png.extend_from_slice(&length.to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(&crc.finalize().to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `png` with the `image` crate: its RGB bytes and its chunk types.
    fn decoded(png: &[u8]) -> (Vec<u8>, Vec<String>) {
        let mut chunks = Vec::new();
        let mut at = 8;
        while at + 8 <= png.len() {
            let length = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            chunks.push(String::from_utf8_lossy(&png[at + 4..at + 8]).into_owned());
            at += 12 + length;
        }
        let rgb = image::load_from_memory(png).unwrap().to_rgb8().into_raw();
        (rgb, chunks)
    }

    /// An opaque RGBA image `width` wide, in bands of 8 rows where one filter wins:
    /// flat colour (every row the same), a horizontal ramp on rows that alternate
    /// ("sub"), a ramp with one bright pixel that moves a pixel a row ("up"), uneven
    /// horizontal steps plus even vertical ones ("paeth", which takes the smaller), and
    /// noise. With its RGB bytes.
    fn image(width: usize) -> (Vec<u8>, Vec<u8>) {
        let mut rgba = Vec::new();
        let mut seed = 7u32;
        for y in 0..40usize {
            for x in 0..width {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let level = match y / 8 {
                    0 => 250,
                    1 => x * 3 + (y % 2) * 100,
                    2 => x + if x == y { 100 } else { 0 },
                    3 => (x % 8 / 2) * 11 + x % 2 + 5 * y,
                    _ => (seed >> 16) as usize,
                } as u8;
                rgba.extend_from_slice(&[level, level / 2, 255 - level, 255]);
            }
        }
        let rgb = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        (rgba, rgb)
    }

    #[test]
    fn an_opaque_image_decodes_to_its_pixels_with_no_chunk_but_the_pixels() {
        // Even and odd widths: pixels are converted two at a time.
        for width in [64, 63, 1] {
            let (rgba, rgb) = image(width);
            let png = opaque_rgb(&rgba, width).unwrap().unwrap();
            let (pixels, chunks) = decoded(&png);
            assert_eq!(pixels, rgb, "width {width}");
            assert_eq!(chunks, ["IHDR", "IDAT", "IEND"]);
        }
    }

    #[test]
    fn each_filter_is_chosen_where_it_leaves_the_least() {
        let (rgba, _) = image(64);
        let png = opaque_rgb(&rgba, 64).unwrap().unwrap();
        let rows = raw_rows(&png, 64);
        // Filter sums (from a model of the filters): sub 473, up 16,336, paeth 992 on
        // row 10; up 500, sub 652, paeth 749 on row 17; paeth 480, up 800, sub 1,588 on
        // row 25.
        assert_eq!(rows[10][0], Filter::Sub as u8, "a horizontal ramp");
        assert_eq!(rows[17][0], Filter::Up as u8, "a pixel that moves");
        assert_eq!(rows[25][0], Filter::Paeth as u8, "steps both ways");
        // A row the same as the one above is all zeros after its filter byte.
        assert_eq!(rows[1], [&[Filter::Up as u8][..], &[0; 64 * 3]].concat());
    }

    /// The filtered rows of `png` (one IDAT), inflated.
    fn raw_rows(png: &[u8], width: usize) -> Vec<Vec<u8>> {
        let length = u32::from_be_bytes(png[33..37].try_into().unwrap()) as usize;
        let idat = &png[41..41 + length];
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(idat), &mut raw).unwrap();
        raw.chunks(width * 3 + 1).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn a_translucent_pixel_is_left_to_the_rgba_encoder() {
        let (mut rgba, _) = image(8);
        rgba[8 * 4 * 20 + 3] = 128;
        assert_eq!(opaque_rgb(&rgba, 8).unwrap(), None);
    }
}
