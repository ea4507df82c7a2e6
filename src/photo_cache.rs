//! Prepared photos kept on disk between runs, as an image tool's derivatives are
//! (Hugo's resources cache): decoding, cropping and encoding a portrait took 43M
//! instructions, four times the rest of a text-only render, and a résumé is
//! rendered again and again with the same photo (every save in an editor).
//!
//! An entry is named by a digest of the photo's bytes, the frame and cvpdf's
//! version, so a changed photo, theme or release misses; it lives in
//! `$XDG_CACHE_HOME/cvpdf/photos` (or `~/.cache/...`). A cache that cannot be read
//! or written costs the preparation only: every failure here is silent.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use crate::frame::Image;
use crate::photo::Frame;

/// Version 3: a mask is the photo's own transparency only (version 2's held the
/// shape's, now a clipping path; it would be drawn twice). Version 2: the mask is
/// stored compressed.
const MAGIC: &[u8] = b"cvpdf prepared photo 3\n";
/// Entries kept; older ones are removed when a new one is written.
const MAX_ENTRIES: usize = 64;

/// The entry's file for a photo's `bytes` prepared for `frame`.
pub fn entry(bytes: &[u8], frame: Frame) -> Option<PathBuf> {
    let dir = match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".cache"),
    };
    // SipHash with fixed keys: the same digest in every process.
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new_with_keys(0x6376_7064_6670_686f, 0x746f_2d63_6163_6865);
    bytes.hash(&mut hasher);
    (frame.width.to_bits(), frame.height.to_bits(), frame.shape, frame.greyscale).hash(&mut hasher);
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    Some(dir.join("cvpdf").join("photos").join(format!("{:016x}-{}", hasher.finish(), bytes.len())))
}

/// The prepared photo stored at `path`, if it is there and whole.
pub fn get(path: &PathBuf) -> Option<Image> {
    let data = std::fs::read(path).ok()?;
    let rest = data.strip_prefix(MAGIC)?;
    let mut at = 0;
    let mut take = |n: usize| {
        let part = rest.get(at..at + n)?;
        at += n;
        Some(part)
    };
    let mut number = || Some(u32::from_le_bytes(take(4)?.try_into().ok()?));
    let (width, height, gray, alpha_len, jpeg_len) = (number()?, number()?, number()?, number()?, number()?);
    let alpha = take(alpha_len as usize)?.to_vec();
    let jpeg = take(jpeg_len as usize)?.to_vec();
    if at != rest.len() {
        return None;
    }
    Some(Image { width, height, jpeg, gray: gray == 1, alpha: (alpha_len != 0).then_some(alpha) })
}

/// Stores `image` at `path`, whole or not at all, and trims the cache.
pub fn put(path: &PathBuf, image: &Image) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let alpha = image.alpha.as_deref().unwrap_or_default();
    let mut data = MAGIC.to_vec();
    for n in [image.width, image.height, u32::from(image.gray), alpha.len() as u32, image.jpeg.len() as u32] {
        data.extend(n.to_le_bytes());
    }
    data.extend(alpha);
    data.extend(&image.jpeg);
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    if std::fs::write(&tmp, &data).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    trim(dir);
}

/// Removes the entries least recently written beyond `MAX_ENTRIES`.
fn trim(dir: &std::path::Path) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> =
        read.flatten().filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path()))).collect();
    if entries.len() <= MAX_ENTRIES {
        return;
    }
    entries.sort();
    for (_, path) in &entries[..entries.len() - MAX_ENTRIES] {
        let _ = std::fs::remove_file(path);
    }
}
