//! The portrait: decoded with the image crate within limits, turned upright (EXIF),
//! cropped to the theme's box and stored at print resolution, not camera resolution.

use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::frame::Image;

/// Pixels per inch the photo is stored at, at its printed size.
const PRINT_PPI: f32 = 300.0;
/// Larger images are refused before they are decoded (a decompression bomb).
const MAX_SIDE: u32 = 16_000;
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Loads `path` for a box `width` × `height` points; the error says what is wrong.
pub fn load(path: &Path, width: f32, height: f32) -> Result<Image, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the photo {}: {}", path.display(), crate::io_reason(&e)))?;
    // The contents decide the format, not the file name: a text file named .jpg is not a photo.
    let format = image::guess_format(&bytes)
        .ok()
        .filter(|f| matches!(f, image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP))
        .ok_or_else(|| format!("{} is not a JPEG, PNG or WebP image", path.display()))?;
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| describe(path, e))?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| describe(path, e))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(fit(img, width, height))
}

fn describe(path: &Path, e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => format!(
            "the photo {} is too large to decode safely (over {MAX_SIDE} pixels a side or {} MB of pixels)",
            path.display(),
            MAX_BYTES / 1024 / 1024
        ),
        other => format!("the photo {} cannot be decoded: {other}", path.display()),
    }
}

/// Crops the centre to the box's aspect and scales down to `PRINT_PPI`.
fn fit(img: DynamicImage, width: f32, height: f32) -> Image {
    let (w, h) = (img.width().max(1), img.height().max(1));
    let box_aspect = height / width;
    let (cw, ch) = if (h as f32 / w as f32) > box_aspect {
        (w, ((w as f32 * box_aspect).round() as u32).clamp(1, h))
    } else {
        (((h as f32 / box_aspect).round() as u32).clamp(1, w), h)
    };
    let mut img = img.crop_imm((w - cw) / 2, (h - ch) / 3, cw, ch);
    let target_w = (width / 72.0 * PRINT_PPI).round() as u32;
    if img.width() > target_w {
        let target_h = (target_w as f32 * ch as f32 / cw as f32).round().max(1.0) as u32;
        img = img.resize_exact(target_w, target_h, image::imageops::FilterType::Triangle);
    }
    // Transparent areas are flattened on white paper.
    let rgba = img.to_rgba8();
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for p in rgba.pixels() {
        let a = u16::from(p[3]);
        for c in &p.0[..3] {
            rgb.push(((u16::from(*c) * a + 255 * (255 - a)) / 255) as u8);
        }
    }
    Image { width: rgba.width(), height: rgba.height(), rgb }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_to_the_box_and_downsamples_to_print_resolution() {
        let big = DynamicImage::new_rgb8(3000, 2000);
        let img = fit(big, 85.0, 106.25); // 30 mm × 37.5 mm
        assert_eq!(img.width, (85.0_f32 / 72.0 * 300.0).round() as u32);
        let aspect = img.height as f32 / img.width as f32;
        assert!((aspect - 1.25).abs() < 0.01, "{aspect}");
        assert_eq!(img.rgb.len(), (img.width * img.height * 3) as usize);
    }
}
