//! The portrait: decoded with the image crate within limits, turned upright (EXIF),
//! cropped to the theme's box and shape, and stored at print resolution as JPEG.
//! A JPEG that needs none of this is embedded byte for byte.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use image::{DynamicImage, GenericImageView, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};

use crate::frame::Image;
use crate::theme::PhotoShape;

mod slot;
use slot::{Claim, Slot};

/// Pixels per inch the photo is stored at, at its printed size.
const PRINT_PPI: f32 = 300.0;
/// A JPEG reduced while it is decoded may land this little under `PRINT_PPI`: a
/// 34 mm frame wants 402 pixels and a 1600-pixel photo gives 400 at a quarter, else
/// it is decoded at half (four times the pixels) and resampled, thrice the time.
const MIN_REDUCED_PPI: f32 = 285.0;
/// A JPEG is embedded untouched up to this resolution at its printed size.
const MAX_PASSTHROUGH_PPI: f32 = 400.0;
/// Larger images are refused before they are decoded (a decompression bomb).
const MAX_SIDE: u32 = 16_000;
const MAX_BYTES: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 88;

/// The box a photo is printed in, in points, and how.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub width: f32,
    pub height: f32,
    pub shape: PhotoShape,
    pub greyscale: bool,
}

/// The file (path, modification time, length) and the frame, exactly.
type Key = (PathBuf, Option<SystemTime>, u64, [u32; 2], PhotoShape, bool);

static PREPARED: Mutex<Option<HashMap<Key, Arc<Slot>>>> = Mutex::new(None);

/// The process's slot for `path` in each of `frames`, from one look at the file;
/// none when it cannot be looked at.
fn slots(path: &Path, frames: &[Frame]) -> Vec<(Frame, Arc<Slot>)> {
    let Ok(meta) = std::fs::metadata(path) else { return Vec::new() };
    let mut cache = PREPARED.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    frames
        .iter()
        .map(|frame| {
            let key: Key = (
                path.to_path_buf(),
                meta.modified().ok(),
                meta.len(),
                [frame.width.to_bits(), frame.height.to_bits()],
                frame.shape,
                frame.greyscale,
            );
            (*frame, cache.entry(key).or_default().clone())
        })
        .collect()
}

/// Runs `work` on a thread of its own, which keeps off the allocator's region: a
/// photo's buffers are many megabytes, freed soon (`heap::elsewhere`).
fn apart<R: Send + 'static>(work: impl FnOnce() -> R + Send + 'static) -> std::thread::JoinHandle<R> {
    std::thread::spawn(move || {
        crate::heap::elsewhere();
        work()
    })
}

/// `load`, on a thread of its own.
pub fn load_apart(path: std::path::PathBuf, frame: Frame) -> std::thread::JoinHandle<Result<Image, String>> {
    apart(move || load(&path, frame))
}

/// Loads `path` for `frame`, once per process for each file and frame; the error
/// says what is wrong.
pub fn load(path: &Path, frame: Frame) -> Result<Image, String> {
    let Some((_, slot)) = slots(path, &[frame]).pop() else { return read(path, frame) };
    if let Some(claim) = slot.claim() {
        fill(path, vec![(frame, claim)]);
    }
    slot.wait()
}

/// Starts preparing `path` for each of `frames` on a thread of its own, and returns:
/// `load` then finds each prepared, or waits for it. The file is read and decoded once
/// for all the frames (a batch's themes print it in three or four), which are then
/// cropped and encoded side by side.
pub fn prepare_ahead(path: &Path, frames: &[Frame]) {
    // Claimed here, before any render can ask for one and prepare it again.
    let claims: Vec<(Frame, Claim)> =
        slots(path, frames).into_iter().filter_map(|(frame, slot)| Some((frame, slot.claim()?))).collect();
    if !claims.is_empty() {
        let path = path.to_path_buf();
        apart(move || fill(&path, claims));
    }
}

/// Fills each claim with `path` prepared for its frame: from the disk cache
/// (`photo_cache`) where an earlier run prepared it, else decoded once for all.
fn fill(path: &Path, claims: Vec<(Frame, Claim)>) {
    let bytes = match read_bytes(path) {
        Ok(bytes) => bytes,
        Err(message) => return claims.into_iter().for_each(|(_, claim)| claim.fill(Err(message.clone()))),
    };
    let mut missed = Vec::new();
    for (frame, claim) in claims {
        let entry = crate::photo_cache::entry(&bytes, frame);
        match entry.as_ref().and_then(crate::photo_cache::get) {
            Some(image) => claim.fill(Ok(image)),
            None => missed.push((frame, claim, entry)),
        }
    }
    if missed.is_empty() {
        return;
    }
    let source = match Source::open(path, &bytes) {
        Ok(source) => source,
        Err(message) => return missed.into_iter().for_each(|(_, claim, _)| claim.fill(Err(message.clone()))),
    };
    let finish = |(_, claim, entry): (Frame, Claim, Option<PathBuf>), prepared: Result<(Image, bool), String>| {
        // A JPEG embedded byte for byte costs nothing to prepare: it is not stored.
        if let (Ok((image, true)), Some(entry)) = (&prepared, &entry) {
            crate::photo_cache::put(entry, image);
        }
        claim.fill(prepared.map(|(image, _)| image));
    };
    // A lone frame owns its pixels: cropped to all of them, they are not copied.
    if let [(frame, ..)] = missed.as_slice() {
        let prepared = source.for_frame(*frame, |factor| source.decode(factor).map(Cow::Owned));
        return finish(missed.remove(0), prepared);
    }
    // Decoded once for each reduction the frames need (one, for the bundled themes) by
    // the first frame to want it: a frame gets the pixels it would get alone, and a
    // batch's PDF is the one rendered by itself.
    let mut decoded: Vec<(u32, OnceLock<Result<DynamicImage, String>>)> = Vec::new();
    for (frame, ..) in &missed {
        let factor = source.reduction(*frame);
        if !decoded.iter().any(|(f, _)| *f == factor) {
            decoded.push((factor, OnceLock::new()));
        }
    }
    let one = |claim: (Frame, Claim, Option<PathBuf>)| {
        let prepared = source.for_frame(claim.0, |factor| {
            let (_, pixels) = decoded.iter().find(|(f, _)| *f == factor).expect("a reduction for every frame");
            pixels.get_or_init(|| source.decode(factor)).as_ref().map(Cow::Borrowed).map_err(Clone::clone)
        });
        finish(claim, prepared);
    };
    std::thread::scope(|scope| {
        let mut claims = missed.into_iter();
        let here = claims.next();
        for claim in claims {
            scope.spawn(|| one(claim));
        }
        if let Some(claim) = here {
            one(claim);
        }
    });
}

/// Loads `path` for `frame`, without the process's slots or the disk cache.
pub fn read(path: &Path, frame: Frame) -> Result<Image, String> {
    let bytes = read_bytes(path)?;
    let source = Source::open(path, &bytes)?;
    source.for_frame(frame, |factor| source.decode(factor).map(Cow::Owned)).map(|(image, _)| image)
}

/// The format `bytes` are in: the contents decide, not the file name (a text file
/// named .jpg is not a photo).
fn format(path: &Path, bytes: &[u8]) -> Result<ImageFormat, String> {
    image::guess_format(bytes)
        .ok()
        .filter(|f| matches!(f, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP))
        .ok_or_else(|| format!("{} is not a JPEG, PNG or WebP image", path.display()))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read the photo {}: {}", path.display(), crate::io_reason(&e)))
}

/// A photo file whose header has been read and checked.
struct Source<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    format: ImageFormat,
    width: u32,
    height: u32,
    orientation: Orientation,
    gray: bool,
}

impl<'a> Source<'a> {
    /// The header of `bytes` (read from `path`, which messages name): the image is
    /// refused here if it is too large to decode, truncated or not a photo.
    fn open(path: &'a Path, bytes: &'a [u8]) -> Result<Self, String> {
        let format = format(path, bytes)?;
        let mut decoder = Self::decoder(path, bytes, format)?;
        if truncated(bytes, format) {
            return Err(format!(
                "the photo {} is truncated: its end is missing (an interrupted download or copy?)",
                path.display()
            ));
        }
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        let (width, height) = decoder.dimensions();
        let gray = matches!(decoder.color_type(), image::ColorType::L8);
        Ok(Source { path, bytes, format, width, height, orientation, gray })
    }

    /// A decoder within limits: an image too large to decode is refused by its header.
    fn decoder(path: &Path, bytes: &'a [u8], format: ImageFormat) -> Result<impl ImageDecoder + 'a, String> {
        let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_BYTES);
        reader.limits(limits);
        reader.into_decoder().map_err(|e| describe(path, e))
    }

    /// By how much a JPEG may be reduced while decoded for `frame` (1 for other formats).
    fn reduction(&self, frame: Frame) -> u32 {
        if self.format == ImageFormat::Jpeg { reduction(self.width, self.height, self.orientation, frame) } else { 1 }
    }

    /// The pixels, upright, reduced by `factor` where the format allows.
    fn decode(&self, factor: u32) -> Result<DynamicImage, String> {
        #[cfg(test)]
        tests::DECODED.lock().unwrap().push(self.path.to_path_buf());
        let reduced = match factor {
            1 => None,
            _ if self.format == ImageFormat::Jpeg => decode_jpeg_reduced(self.bytes, self.width, self.height, factor),
            _ => None,
        };
        let mut img = match reduced {
            Some(img) => img,
            None => DynamicImage::from_decoder(Self::decoder(self.path, self.bytes, self.format)?)
                .map_err(|e| describe(self.path, e))?,
        };
        img.apply_orientation(self.orientation);
        Ok(img)
    }

    /// The photo for `frame`, from the pixels `decode` gives for a reduction factor, and
    /// whether it was prepared (false: the JPEG is embedded as it is, not decoded).
    fn for_frame<'p>(
        &self,
        frame: Frame,
        decode: impl FnOnce(u32) -> Result<Cow<'p, DynamicImage>, String>,
    ) -> Result<(Image, bool), String> {
        let Source { bytes, width, height, orientation, gray, .. } = *self;
        if self.format == ImageFormat::Jpeg && passes_through(width, height, orientation, frame) {
            return Ok((Image { width, height, jpeg: bytes.to_vec(), gray, alpha: None }, false));
        }
        Ok((fit(decode(self.reduction(frame))?, frame), true))
    }
}

/// By how much (1, 2, 4 or 8) a JPEG can be reduced while it is decoded and still
/// cover the frame at print resolution (`MIN_REDUCED_PPI`) once cropped.
fn reduction(w: u32, h: u32, orientation: Orientation, frame: Frame) -> u32 {
    use Orientation::*;
    let upright =
        if matches!(orientation, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH) { (h, w) } else { (w, h) };
    let (crop_w, _) = crop_size(upright.0, upright.1, frame);
    let target = target_width(frame) as f32 * MIN_REDUCED_PPI / PRINT_PPI;
    let mut factor = 1;
    while factor < 8 && crop_w as f32 / (2 * factor) as f32 >= target {
        factor *= 2;
    }
    factor
}

/// Decodes a JPEG at 1/`factor` of its size: the inverse DCT of each 8×8 block is
/// computed at 4×4, 2×2 or 1×1, which skips most of the work for a phone photo.
/// `None` (decode it whole) for what this decoder does not handle (CMYK, 16-bit).
fn decode_jpeg_reduced(bytes: &[u8], w: u32, h: u32, factor: u32) -> Option<DynamicImage> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(MAX_BYTES as usize);
    let want = |side: u32| u16::try_from(side.div_ceil(factor)).ok();
    let (sw, sh) = decoder.scale(want(w)?, want(h)?).ok()?;
    // jpeg-decoder hands the rows it decodes to rayon (a thread per colour component
    // without its rayon feature). This thread is made the one worker of a pool of its
    // own, so the rows are decoded here: the process's pool may be busy setting text,
    // or blocked waiting for this very photo, which would never come. (rayon keeps such
    // a pool's few kilobytes for the thread's life; a thread already in a pool, its own
    // from an earlier photo or one of the process's, decodes in that one.)
    let pixels = match rayon::ThreadPoolBuilder::new().num_threads(1).use_current_thread().build() {
        Ok(pool) => pool.install(|| decoder.decode()),
        Err(_) => decoder.decode(),
    }
    .ok()?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    match decoder.info()?.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => image::RgbImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageRgb8),
        jpeg_decoder::PixelFormat::L8 => image::GrayImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageLuma8),
        _ => None,
    }
}

/// The part of a `w`×`h` image of the frame's shape, in pixels.
fn crop_size(w: u32, h: u32, frame: Frame) -> (u32, u32) {
    let (w, h) = (w.max(1), h.max(1));
    let box_aspect = if frame.shape == PhotoShape::Original { h as f32 / w as f32 } else { frame.height / frame.width };
    if (h as f32 / w as f32) > box_aspect {
        (w, ((w as f32 * box_aspect).round() as u32).clamp(1, h))
    } else {
        (((h as f32 / box_aspect).round() as u32).clamp(1, w), h)
    }
}

/// Width in pixels of the frame at print resolution.
fn target_width(frame: Frame) -> u32 {
    (frame.width / 72.0 * PRINT_PPI).round().max(1.0) as u32
}

/// Whether the file stops before its format's end marker. Decoders fill a cut image
/// with grey rather than fail, and a half-grey face is not a photo anyone wants.
fn truncated(bytes: &[u8], format: ImageFormat) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    match format {
        ImageFormat::Jpeg => !tail.windows(2).any(|w| w == [0xFF, 0xD9]),
        ImageFormat::Png => !tail.windows(4).any(|w| w == b"IEND"),
        ImageFormat::WebP => {
            let declared = bytes.get(4..8).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize + 8);
            declared.is_none_or(|n| n > bytes.len())
        }
        _ => false,
    }
}

/// Whether the file can go into the PDF as it is: upright, of the box's proportions (or
/// printed in its own), colour as wanted, not far above print resolution. (Round
/// corners and circles are clipped where it is drawn.)
fn passes_through(w: u32, h: u32, orientation: Orientation, frame: Frame) -> bool {
    let aspect_ok =
        frame.shape == PhotoShape::Original || ((h as f32 / w as f32) - frame.height / frame.width).abs() < 0.01;
    let ppi = w as f32 / (frame.width / 72.0);
    orientation == Orientation::NoTransforms && aspect_ok && !frame.greyscale && ppi <= MAX_PASSTHROUGH_PPI
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

/// Crops the centre to the box's aspect, scales down to `PRINT_PPI`, applies the
/// shape as an alpha mask (with the file's own transparency) and encodes as JPEG.
fn fit(img: Cow<DynamicImage>, frame: Frame) -> Image {
    let (w, h) = img.dimensions();
    let (cw, ch) = crop_size(w, h, frame);
    // Faces sit in the upper part of a portrait: crop more from the bottom than the top.
    let mut img = crop(img, (w.max(1) - cw) / 2, (h.max(1) - ch) / 3, cw, ch);
    let target_w = target_width(frame);
    // Up to half again the print resolution is kept as it is: resampling it would
    // cost more time than its bytes. Beyond, area averaging (fast, and as good as a
    // filter for a reduction).
    if 2 * img.width() > 3 * target_w {
        let target_h = (target_w as f32 * ch as f32 / cw as f32).round().max(1.0) as u32;
        img = reduce(&img, target_w, target_h).unwrap_or_else(|| img.thumbnail_exact(target_w, target_h));
    }
    let (w, h) = img.dimensions();
    // The photo's own transparency (a PNG's); round corners and circles are clipped
    // where the photo is drawn (`pdf`), not masked.
    let mut alpha: Option<Vec<u8>> = img.color().has_alpha().then(|| img.to_rgba8().pixels().map(|p| p[3]).collect());
    if alpha.as_ref().is_some_and(|a| a.iter().all(|x| *x == 255)) {
        alpha = None;
    }
    let alpha = alpha.map(|a| crate::deflate::zlib_within(&a, usize::MAX).unwrap_or_default());
    let gray = frame.greyscale;
    let (pixels, color) = if gray {
        (img.into_luma8().into_raw(), jpeg_encoder::ColorType::Luma)
    } else {
        (img.into_rgb8().into_raw(), jpeg_encoder::ColorType::Rgb)
    };
    let mut jpeg = Vec::new();
    // jpeg-encoder, not the image crate's encoder: five times faster, at the same
    // size and quality. Encoding into a Vec fails only beyond 65535 pixels a side,
    // and the frame is far smaller at print resolution.
    let _ = jpeg_encoder::Encoder::new(&mut jpeg, JPEG_QUALITY).encode(&pixels, w as u16, h as u16, color);
    Image { width: w, height: h, jpeg, gray, alpha }
}

/// `img` reduced to `tw`×`th` by area averaging, one axis after the other with the
/// weights worked out once per axis: the image crate's `thumbnail` works them out for
/// every pixel, 4.2 ms from 400×500 to 260×325 (the compact theme) where this takes 1.0.
/// `None` for what a photo does not decode to (16-bit or float pixels) or an enlargement.
fn reduce(img: &DynamicImage, tw: u32, th: u32) -> Option<DynamicImage> {
    let (sw, sh) = img.dimensions();
    if tw == 0 || th == 0 || tw > sw || th > sh {
        return None;
    }
    fn with<P: image::Pixel<Subpixel = u8>>(
        buf: &image::ImageBuffer<P, Vec<u8>>,
        tw: u32,
        th: u32,
        reduce: fn(&[u8], usize, usize, usize, usize) -> Vec<u8>,
    ) -> Option<image::ImageBuffer<P, Vec<u8>>> {
        let pixels = reduce(buf.as_raw(), buf.width() as usize, buf.height() as usize, tw as usize, th as usize);
        image::ImageBuffer::from_raw(tw, th, pixels)
    }
    match img {
        DynamicImage::ImageLuma8(buf) => with(buf, tw, th, reduce_with::<1>).map(DynamicImage::ImageLuma8),
        DynamicImage::ImageLumaA8(buf) => with(buf, tw, th, reduce_with::<2>).map(DynamicImage::ImageLumaA8),
        DynamicImage::ImageRgb8(buf) => with(buf, tw, th, reduce_with::<3>).map(DynamicImage::ImageRgb8),
        DynamicImage::ImageRgba8(buf) => with(buf, tw, th, reduce_with::<4>).map(DynamicImage::ImageRgba8),
        _ => None,
    }
}

/// `reduce` for pixels of `C` channels: down the columns first, in whole rows (which
/// the compiler vectorizes), then across.
fn reduce_with<const C: usize>(src: &[u8], sw: usize, sh: usize, tw: usize, th: usize) -> Vec<u8> {
    let mut down = vec![0f32; sw * C];
    let mut pixels = vec![0u8; th * tw * C];
    let columns = area_weights(sw, tw);
    for ((first, weights), out) in area_weights(sh, th).iter().zip(pixels.chunks_exact_mut(tw * C)) {
        down.fill(0.0);
        for (k, w) in weights.iter().enumerate() {
            let row = &src[(first + k) * sw * C..][..sw * C];
            for (d, p) in down.iter_mut().zip(row) {
                *d += w * f32::from(*p);
            }
        }
        for ((first, weights), out) in columns.iter().zip(out.chunks_exact_mut(C)) {
            let mut sum = [0f32; C];
            for (pixel, w) in down[first * C..].chunks_exact(C).zip(weights) {
                for c in 0..C {
                    sum[c] += w * pixel[c];
                }
            }
            for (o, v) in out.iter_mut().zip(sum) {
                // Never below zero: adding a half rounds (`round` is a call to libm).
                *o = (v + 0.5).min(255.0) as u8;
            }
        }
    }
    pixels
}

/// For each of `to` pixels along an axis of `from`, the first source pixel it covers
/// and the share of it each covered pixel takes (summing to one).
fn area_weights(from: usize, to: usize) -> Vec<(usize, Vec<f32>)> {
    let scale = from as f64 / to as f64;
    (0..to)
        .map(|d| {
            let (lo, hi) = (d as f64 * scale, ((d + 1) as f64 * scale).min(from as f64));
            let first = lo.floor() as usize;
            let last = (hi.ceil() as usize).clamp(first + 1, from);
            let weights = (first..last).map(|s| ((hi.min(s as f64 + 1.0) - lo.max(s as f64)) / scale) as f32).collect();
            (first, weights)
        })
        .collect()
}

/// The `cw`×`ch` part of `img` at (`x`, `y`): all of it, if it is all and this
/// photo's own. What a JPEG decodes to is copied a row at a time: the image crate
/// copies a pixel at a time, a tenth of a photo's time.
fn crop(img: Cow<DynamicImage>, x: u32, y: u32, cw: u32, ch: u32) -> DynamicImage {
    if (x, y, cw, ch) == (0, 0, img.width(), img.height())
        && let Cow::Owned(img) = img
    {
        return img;
    }
    fn rows<P: image::Pixel<Subpixel = u8>>(
        buf: &image::ImageBuffer<P, Vec<u8>>,
        x: u32,
        y: u32,
        cw: u32,
        ch: u32,
    ) -> Option<image::ImageBuffer<P, Vec<u8>>> {
        let channels = usize::from(P::CHANNEL_COUNT);
        let stride = buf.width() as usize * channels;
        let (x, y, cw, ch) = (x as usize, y as usize, cw as usize, ch as usize);
        let raw = buf.as_raw();
        let mut out = Vec::with_capacity(cw * ch * channels);
        for row in y..y + ch {
            let start = row * stride + x * channels;
            out.extend_from_slice(raw.get(start..start + cw * channels)?);
        }
        image::ImageBuffer::from_raw(cw as u32, ch as u32, out)
    }
    let copied = match img.as_ref() {
        DynamicImage::ImageRgb8(buf) => rows(buf, x, y, cw, ch).map(DynamicImage::ImageRgb8),
        DynamicImage::ImageLuma8(buf) => rows(buf, x, y, cw, ch).map(DynamicImage::ImageLuma8),
        _ => None,
    };
    copied.unwrap_or_else(|| img.crop_imm(x, y, cw, ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: Frame = Frame { width: 85.0, height: 106.25, shape: PhotoShape::Square, greyscale: false };

    #[test]
    fn crops_to_the_box_and_downsamples_to_print_resolution() {
        let img = fit(Cow::Owned(DynamicImage::new_rgb8(3000, 2000)), BOX);
        assert_eq!(img.width, (85.0_f32 / 72.0 * 300.0).round() as u32);
        let aspect = img.height as f32 / img.width as f32;
        assert!((aspect - 1.25).abs() < 0.01, "{aspect}");
        assert!(img.jpeg.starts_with(&[0xFF, 0xD8]), "stored as JPEG");
        assert!(img.alpha.is_none());
    }

    /// The files decoded, in order, by every test of this process.
    pub(super) static DECODED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    #[test]
    fn a_photo_is_decoded_once_for_all_the_frames_it_is_printed_in() {
        // Pixels no earlier run has seen: the disk cache has nothing for them.
        let mut photo = image::RgbImage::new(800, 1000);
        let stamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos().to_le_bytes();
        photo.as_mut()[..16].copy_from_slice(&stamp);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portrait.jpg");
        DynamicImage::ImageRgb8(photo).save(&path).unwrap();
        // 800 pixels: decoded at half for the first three frames, whole for the 169 mm one
        // (in grey: in colour it would go in as it is).
        let frames = [
            BOX,
            Frame { height: 85.0, shape: PhotoShape::Circle, ..BOX },
            Frame { width: 62.0, height: 77.5, shape: PhotoShape::Rounded, greyscale: true },
            Frame { width: 480.0, height: 600.0, shape: PhotoShape::Rounded, greyscale: true },
        ];
        prepare_ahead(&path, &frames);
        prepare_ahead(&path, &frames[1..]);
        for frame in frames {
            let image = load(&path, frame).unwrap();
            let alone = read(&path, frame).unwrap();
            assert_eq!((image.width, image.height, image.gray), (alone.width, alone.height, alone.gray));
            assert!(image.jpeg == alone.jpeg && image.alpha == alone.alpha, "as prepared alone");
            assert!(image.alpha.is_none(), "round corners are clipped in the PDF, not masked");
        }
        // Once for each of the two reductions, then once by each `read`.
        let decoded = DECODED.lock().unwrap().iter().filter(|p| **p == path).count();
        assert_eq!(decoded, 2 + frames.len());
    }

    #[test]
    fn a_photo_that_cannot_be_read_is_an_error_for_every_frame() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.jpg");
        std::fs::write(&path, "not a photo").unwrap();
        prepare_ahead(&path, &[BOX, Frame { shape: PhotoShape::Circle, ..BOX }]);
        for frame in [BOX, Frame { shape: PhotoShape::Circle, ..BOX }] {
            let err = load(&path, frame).unwrap_err();
            assert!(err.contains("is not a JPEG, PNG or WebP image"), "{err}");
        }
    }

    #[test]
    fn a_jpeg_is_reduced_as_far_as_print_resolution_allows() {
        let mm = |mm: f32| Frame {
            width: mm / 25.4 * 72.0,
            height: mm / 25.4 * 72.0,
            shape: PhotoShape::Circle,
            greyscale: false,
        };
        // 1600 pixels at a quarter: 400, for 354 (30 mm) and 402 (34 mm) at 300 ppi.
        assert_eq!(reduction(1600, 2000, Orientation::NoTransforms, mm(30.0)), 4);
        assert_eq!(reduction(1600, 2000, Orientation::NoTransforms, mm(34.0)), 4);
        // 42 mm wants 496: a quarter would print at 242 ppi.
        assert_eq!(reduction(1600, 2000, Orientation::NoTransforms, mm(42.0)), 2);
        assert_eq!(reduction(4000, 5000, Orientation::NoTransforms, mm(30.0)), 8);
        // Turned upright, the 1600-pixel side is the height: the crop is 1600 wide still.
        assert_eq!(reduction(2000, 1600, Orientation::Rotate90, mm(34.0)), 4);
    }

    #[test]
    fn a_reduction_averages_the_area_each_pixel_covers() {
        let gradient =
            image::RgbImage::from_fn(400, 500, |x, y| image::Rgb([(x * 255 / 399) as u8, (y / 2) as u8, 128]));
        let img = DynamicImage::ImageRgb8(gradient);
        let ours = reduce(&img, 260, 325).unwrap().to_rgb8();
        let theirs = img.thumbnail_exact(260, 325).to_rgb8();
        let worst = ours.as_raw().iter().zip(theirs.as_raw()).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 2, "differs from the image crate's area averaging by {worst}");
        // Two by two pixels become their mean; an enlargement is not a reduction.
        let checks = image::GrayImage::from_fn(4, 2, |x, y| image::Luma([if (x + y) % 2 == 0 { 200 } else { 100 }]));
        let half = reduce(&DynamicImage::ImageLuma8(checks), 2, 1).unwrap().to_luma8();
        assert_eq!(half.as_raw(), &[150, 150]);
        assert!(reduce(&img, 500, 500).is_none());
    }

    /// The mask of `img`, inflated: a byte a pixel.
    fn mask(img: &Image) -> Option<Vec<u8>> {
        let mut pixels = vec![0; (img.width * img.height) as usize];
        let length = libdeflater::Decompressor::new().zlib_decompress(img.alpha.as_ref()?, &mut pixels).ok()?;
        assert_eq!(length, pixels.len(), "a byte a pixel");
        Some(pixels)
    }

    #[test]
    fn a_circle_is_not_masked() {
        // The PDF clips it to its circle; only a photo's own transparency is a mask.
        let img = fit(Cow::Owned(DynamicImage::new_rgb8(400, 400)), Frame { shape: PhotoShape::Circle, ..BOX });
        assert_eq!((img.width, img.height), (320, 400), "cropped to the box's proportions");
        assert!(img.alpha.is_none());
    }

    #[test]
    fn png_transparency_is_kept_and_greyscale_on_request() {
        let mut rgba = image::RgbaImage::new(100, 125);
        rgba.put_pixel(50, 60, image::Rgba([255, 0, 0, 255]));
        let img = fit(Cow::Owned(DynamicImage::ImageRgba8(rgba)), Frame { greyscale: true, ..BOX });
        assert!(img.gray);
        let a = mask(&img).expect("the file's transparency");
        assert!(a.contains(&0) && a.contains(&255));
    }

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
    }

    #[test]
    fn exif_orientation_is_applied() {
        // Stored 200×100 with orientation 6: upright it is 100×200, red on top.
        let img = load(&fixture("rotated-exif6.jpg"), Frame { shape: PhotoShape::Original, ..BOX }).unwrap();
        assert!(img.height > img.width, "{}×{}", img.width, img.height);
        let decoded = image::load_from_memory(&img.jpeg).unwrap().to_rgb8();
        let top = decoded.get_pixel(img.width / 2, 2);
        assert!(top[0] > 200 && top[2] < 80, "red on top: {top:?}");
    }

    #[test]
    fn png_and_webp_load() {
        let png = load(&fixture("transparent.png"), BOX).unwrap();
        assert!(png.alpha.is_some(), "PNG transparency becomes a soft mask");
        let webp = load(&fixture("plain.webp"), Frame { shape: PhotoShape::Original, ..BOX }).unwrap();
        assert_eq!((webp.width, webp.height), (200, 100));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A PNG header that claims 60000×60000 pixels (10.8 GB decoded).
        let path = fixture("bomb-60000x60000.png");
        let err = load(&path, BOX).unwrap_err();
        assert!(err.contains("too large to decode safely"), "{err}");
    }

    #[test]
    fn a_jpeg_that_needs_nothing_is_embedded_byte_for_byte() {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80)
            .encode_image(&DynamicImage::new_rgb8(354, 443))
            .unwrap();
        let dir = std::env::temp_dir().join(format!("cvpdf-pass-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ok.jpg");
        std::fs::write(&path, &bytes).unwrap();
        let img = load(&path, BOX).unwrap();
        assert_eq!(img.jpeg, bytes);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn only_an_upright_jpeg_of_the_right_shape_and_size_passes_through() {
        assert!(passes_through(354, 443, Orientation::NoTransforms, BOX));
        assert!(!passes_through(354, 443, Orientation::Rotate90, BOX), "needs turning upright");
        assert!(!passes_through(1600, 2000, Orientation::NoTransforms, BOX), "far above print resolution");
        assert!(!passes_through(400, 400, Orientation::NoTransforms, BOX), "needs cropping");
        assert!(passes_through(400, 400, Orientation::NoTransforms, Frame { shape: PhotoShape::Original, ..BOX }));
        // Round corners are clipped where the photo is drawn: the file needs no mask.
        assert!(passes_through(354, 443, Orientation::NoTransforms, Frame { shape: PhotoShape::Rounded, ..BOX }));
        let disc = Frame { height: 85.0, shape: PhotoShape::Circle, ..BOX };
        assert!(passes_through(354, 354, Orientation::NoTransforms, disc));
        assert!(!passes_through(354, 443, Orientation::NoTransforms, disc), "needs cropping to a square");
    }
}
