//! `imagegen OUT WIDTH HEIGHT SEED [QUALITY]`: writes a photo-like image to OUT (`.jpg` or
//! `.png` by its name; JPEG quality 88 unless given), the same bytes for the same arguments. With `--exif`, a JPEG gets an
//! EXIF block with a GPS position and a camera serial, as a phone would write.

use image::{ImageEncoder, Rgb, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exif = args.iter().any(|a| a == "--exif");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--exif").collect();
    let (out, width, height, seed, quality) = match args[..] {
        [out, width, height, seed] => (out, width, height, seed, 88),
        [out, width, height, seed, quality] => {
            (out, width, height, seed, quality.parse().expect("quality"))
        }
        _ => {
            eprintln!("usage: imagegen OUT WIDTH HEIGHT SEED [QUALITY] [--exif]");
            std::process::exit(2);
        }
    };
    let (width, height, seed): (u32, u32, u64) = (
        width.parse().expect("width"),
        height.parse().expect("height"),
        seed.parse().expect("seed"),
    );
    let image = photo(width, height, seed);
    let mut bytes = Vec::new();
    if out.ends_with(".png") {
        image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(&image, width, height, image::ExtendedColorType::Rgb8)
            .expect("png");
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
            .write_image(&image, width, height, image::ExtendedColorType::Rgb8)
            .expect("jpeg");
        if exif {
            bytes = with_exif(&bytes);
        }
    }
    std::fs::write(out, bytes).expect("write");
}

/// A little xorshift: the same picture for the same seed everywhere.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() % 10_000) as f32 / 10_000.0
    }
}

fn photo(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut noise = Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let top = [noise.unit() * 255.0, noise.unit() * 255.0, noise.unit() * 255.0];
    let bottom = [noise.unit() * 255.0, noise.unit() * 255.0, noise.unit() * 255.0];
    let blobs: Vec<(f32, f32, f32, [f32; 3])> = (0..6)
        .map(|_| {
            (
                noise.unit() * width as f32,
                noise.unit() * height as f32,
                (0.1 + noise.unit() * 0.3) * width.min(height) as f32,
                [noise.unit() * 255.0, noise.unit() * 255.0, noise.unit() * 255.0],
            )
        })
        .collect();
    RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height.max(1) as f32;
        let mut c = [0f32; 3];
        for i in 0..3 {
            c[i] = top[i] * (1.0 - t) + bottom[i] * t;
        }
        for (bx, by, r, colour) in &blobs {
            let d = ((x as f32 - bx).powi(2) + (y as f32 - by).powi(2)).sqrt();
            let w = (1.0 - d / r).clamp(0.0, 1.0).powi(2) * 0.8;
            for i in 0..3 {
                c[i] = c[i] * (1.0 - w) + colour[i] * w;
            }
        }
        let grain = (noise.unit() - 0.5) * 18.0;
        Rgb(c.map(|v| (v + grain).clamp(0.0, 255.0) as u8))
    })
}

/// `jpeg` with an APP1 EXIF block (GPS latitude and a body serial number) after SOI.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let serial = b"SERIAL-0042\0";
    let mut tiff: Vec<u8> = Vec::new();
    tiff.extend_from_slice(b"MM\0*\0\0\0\x08");
    // IFD0: GPS IFD pointer, ExifIFD pointer.
    let ifd0_entries = 2u16;
    let ifd0_len = 2 + 12 * ifd0_entries as u32 + 4;
    let gps_at = 8 + ifd0_len;
    let gps_len = 2 + 12 * 2 + 4;
    let exif_at = gps_at + gps_len;
    let exif_len = 2 + 12 + 4;
    let data_at = exif_at + exif_len;
    tiff.extend_from_slice(&ifd0_entries.to_be_bytes());
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend_from_slice(&gps_at.to_be_bytes());
    tiff.extend_from_slice(&[0x87, 0x69, 0, 4, 0, 0, 0, 1]);
    tiff.extend_from_slice(&exif_at.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD: LatitudeRef "N", Latitude (3 rationals).
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend_from_slice(&data_at.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // Exif IFD: BodySerialNumber.
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0xA4, 0x31, 0, 2]);
    tiff.extend_from_slice(&(serial.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&(data_at + 24).to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(51u32, 1u32), (30, 1), (1234, 100)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    tiff.extend_from_slice(serial);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}
