//! zlib compression for what the PDF holds deflated: its streams, and a photo's
//! transparency mask. libdeflate at level 1: on the text-only sample's streams its
//! level 3 takes 2.5 times as long (0.54 against 0.21 ms) for a PDF 2% smaller, and its
//! compressor is three times the memory to fault in; zlib (zlib-rs or C) at level 3
//! takes three times libdeflate's level 3.

use std::sync::{Mutex, PoisonError};

/// `content` zlib-compressed, if that takes fewer than `limit` bytes.
pub fn zlib_within(content: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut deflater = take();
    let packed = deflater.zlib_within(content, limit);
    SPARE.lock().unwrap_or_else(PoisonError::into_inner).push(deflater);
    packed
}

/// A compressor, and the buffer it compresses into before each stream is copied out
/// at its size: a buffer per stream, as large as its input, was fresh memory to fault
/// in for a third of the bytes.
struct Deflater {
    compressor: libdeflater::Compressor,
    scratch: Vec<u8>,
}

/// Compressors not in use, for whichever thread compresses next. Each thread had one
/// of its own, made on the thread that was to use it: the render's thread then made
/// its own between reading the fonts and setting the text (0.06-0.1 ms, the memory
/// faulted in), where the other core, idle then, can make it.
static SPARE: Mutex<Vec<Deflater>> = Mutex::new(Vec::new());

impl Deflater {
    fn new() -> Deflater {
        let level = libdeflater::CompressionLvl::new(1).unwrap_or_default();
        Deflater { compressor: libdeflater::Compressor::new(level), scratch: Vec::new() }
    }

    /// `content` zlib-compressed by this compressor (`zlib_within`).
    fn zlib_within(&mut self, content: &[u8], limit: usize) -> Option<Vec<u8>> {
        let bound = self.compressor.zlib_compress_bound(content.len());
        if self.scratch.len() < bound {
            self.scratch.resize(bound, 0);
        }
        let length = self.compressor.zlib_compress(content, &mut self.scratch[..bound]).ok()?;
        (length < limit).then(|| self.scratch[..length].to_vec())
    }
}

/// A spare compressor, or a new one.
fn take() -> Deflater {
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner).pop();
    spare.unwrap_or_else(Deflater::new)
}

/// Makes compressors until `count` are spare, and has each clear its tables once, so
/// that the first document they compress does not wait for the memory (200 KB, of
/// which the table cleared at each call is 128 KB: 32 page faults). The input is
/// longer than what libdeflate stores as it is without looking at it (51 bytes at
/// level 1); four bytes had made the compressor but left its tables to the first
/// stream.
pub fn warm(count: usize) {
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner).len();
    let fresh: Vec<Deflater> = (spare..count)
        .map(|_| {
            let mut deflater = Deflater::new();
            let _ = deflater.zlib_within(&[0; 64], usize::MAX);
            deflater
        })
        .collect();
    SPARE.lock().unwrap_or_else(PoisonError::into_inner).extend(fresh);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_bytes_inflate_back_and_respect_the_limit() {
        let text = b"Knuth and Plass, Knuth and Plass, Knuth and Plass".repeat(20);
        let packed = zlib_within(&text, text.len()).expect("repetitive text compresses");
        assert!(packed.len() < text.len());
        let mut unpacked = vec![0; text.len()];
        let n = libdeflater::Decompressor::new().zlib_decompress(&packed, &mut unpacked).unwrap();
        assert_eq!(&unpacked[..n], &text[..]);
        assert_eq!(zlib_within(&text, packed.len()), None, "not within its own length");
    }
}
