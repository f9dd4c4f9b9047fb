//! Making a picture's variants: decode once, turn by the EXIF orientation, resize to each
//! width (Lanczos3, alpha premultiplied), encode. Nothing of the source's metadata is
//! carried over: the encoders write pixels only.

use fast_image_resize::images::Image as ResizeImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

use super::{ImageError, OutFormat, Picture, Variant};

/// Decoding never allocates more than this (the header check of [`super::MAX_PIXELS`]
/// comes first; this also bounds what a lying header can make the decoder allocate).
const MAX_DECODE_BYTES: u64 = 4 * super::MAX_PIXELS + (64 << 20);

/// Every variant of `picture`, encoded at `quality` (1-100). `shown` names the file in
/// errors.
pub fn make_variants(
    picture: &Picture,
    quality: u8,
    shown: &str,
) -> Result<Vec<(Variant, Vec<u8>)>, ImageError> {
    let damaged = |reason: String| ImageError::Damaged {
        path: shown.to_string(),
        format: picture.format,
        reason,
    };
    if picture.variants.is_empty() {
        return Ok(Vec::new());
    }
    let bytes = picture.source.read().map_err(|e| ImageError::Unreadable {
        path: shown.to_string(),
        reason: e.to_string(),
    })?;
    let image = decode(&bytes, picture).map_err(damaged)?;
    let image = if picture.alpha {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    let mut resizer = Resizer::new();
    let mut out = Vec::with_capacity(picture.variants.len());
    let mut resized: Option<(u32, ResizeImage<'static>)> = None;
    for variant in &picture.variants {
        if resized.as_ref().is_none_or(|(w, _)| *w != variant.width) {
            resized = Some((
                variant.width,
                resize(&mut resizer, &image, variant).map_err(damaged)?,
            ));
        }
        let Some((_, pixels)) = &resized else {
            unreachable!("resized just above")
        };
        let encoded = encode(pixels, variant, picture.alpha, quality).map_err(damaged)?;
        out.push((variant.clone(), encoded));
    }
    Ok(out)
}

fn decode(bytes: &[u8], picture: &Picture) -> Result<DynamicImage, String> {
    let format = picture.format.image_format().ok_or("not a raster image")?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut image = reader.decode().map_err(|e| e.to_string())?;
    if let Some(turn) = picture.orientation.and_then(|o| u8::try_from(o).ok())
        && let Some(orientation) = image::metadata::Orientation::from_exif(turn)
    {
        image.apply_orientation(orientation);
    }
    if (image.width(), image.height()) != (picture.width, picture.height) {
        return Err(format!(
            "its header says {} × {} but it decodes to {} × {}",
            picture.width,
            picture.height,
            image.width(),
            image.height()
        ));
    }
    Ok(image)
}

fn resize(
    resizer: &mut Resizer,
    image: &DynamicImage,
    variant: &Variant,
) -> Result<ResizeImage<'static>, String> {
    let pixel_type = if image.color().has_alpha() {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let mut target = ResizeImage::new(variant.width, variant.height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer
        .resize(image, &mut target, &options)
        .map_err(|e| e.to_string())?;
    Ok(target)
}

fn encode(
    pixels: &ResizeImage<'_>,
    variant: &Variant,
    alpha: bool,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let (w, h) = (variant.width, variant.height);
    let buffer = pixels.buffer();
    let color = if alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match variant.format {
        OutFormat::WebP => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(buffer, w, h)
            } else {
                webp::Encoder::from_rgb(buffer, w, h)
            };
            let encoded = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            out.extend_from_slice(&encoded);
        }
        OutFormat::Jpeg => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(buffer, w, h, color)
                .map_err(|e| e.to_string())?;
        }
        OutFormat::Png => {
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(buffer, w, h, color)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}
