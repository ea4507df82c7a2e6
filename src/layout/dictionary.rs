//! A hyphenation dictionary, read from the hyphenation crate's embedded bincode: its
//! patterns by the crate, its exceptions in place.
//!
//! The crate reads a dictionary whole, and the exceptions (1,439 words for US
//! English: each a `String` and a `Vec`, put in a `HashMap` hashed with SipHash) were
//! nine tenths of reading it, 1.4M instructions, often on the render's path: the
//! first paragraph that needs breaking waits for them. Its patterns are read by the
//! crate from the same bytes with no exceptions in them, and a word's exception is
//! looked up here, where the file has it, and applied as the crate applies it.

use std::io::Read;

use hyphenation::{Hyphenator as _, Language, Load, Standard};
use rustc_hash::FxHashMap;

pub struct Dictionary {
    /// The crate's dictionary, without exceptions unless they could not be read here.
    patterns: Standard,
    /// Each exception's word, and its breaks as the file has them (a count, then the
    /// byte offsets, each a little-endian `u64`).
    exceptions: FxHashMap<&'static str, &'static [u8]>,
}

impl Dictionary {
    /// The dictionary in `bytes`, a `Standard` as bincode writes it: the language
    /// (`u32`), the patterns (tallies, then the automaton's bytes), the exceptions,
    /// then the minima (two `u64`s); every length a `u64`.
    pub fn read(language: Language, bytes: &'static [u8]) -> Option<Dictionary> {
        match split(bytes) {
            Some((before, exceptions, minima)) => {
                let none = 0u64.to_le_bytes();
                let mut without = before.chain(&none[..]).chain(minima);
                let patterns = Standard::from_reader(language, &mut without).ok()?;
                Some(Dictionary { patterns, exceptions })
            }
            // Not laid out as expected: the crate reads it all.
            None => {
                let patterns = Standard::from_reader(language, &mut &bytes[..]).ok()?;
                Some(Dictionary { patterns, exceptions: FxHashMap::default() })
            }
        }
    }

    /// Byte offsets where `word` (lowercase) may be broken, as the crate's `hyphenate`
    /// gives them: a word with an exception gets its breaks within the minima, any
    /// other its patterns'. A lowercase word is looked up as it is (the crate folds
    /// only words with capitals) and has no soft hyphen (it is all letters).
    pub fn hyphenate(&self, word: &str) -> Vec<usize> {
        let Some(known) = self.exceptions.get(word) else { return self.patterns.hyphenate(word).breaks };
        let Some((first, last)) = self.patterns.boundaries(word) else { return Vec::new() };
        known
            .chunks_exact(8)
            .skip(1)
            .map(|b| u64_at(b, 0).unwrap_or(0) as usize)
            .filter(|&i| i >= first && i <= last)
            .collect()
    }
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

/// A length at `at`, and where what it counts begins.
fn length_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    Some((usize::try_from(u64_at(bytes, at)?).ok()?, at + 8))
}

/// The bytes before the exceptions, the exceptions, and the minima after them.
type Parts = (&'static [u8], FxHashMap<&'static str, &'static [u8]>, &'static [u8]);

fn split(bytes: &'static [u8]) -> Option<Parts> {
    let (tallies, mut at) = length_at(bytes, 4)?;
    for _ in 0..tallies {
        let (loci, after) = length_at(bytes, at)?;
        at = after.checked_add(loci.checked_mul(2)?)?;
    }
    let (automaton, after) = length_at(bytes, at)?;
    let start = after.checked_add(automaton)?;
    let (count, mut at) = length_at(bytes, start)?;
    let mut exceptions = FxHashMap::default();
    exceptions.reserve(count.min(bytes.len() / 16));
    for _ in 0..count {
        let (length, after) = length_at(bytes, at)?;
        let word = std::str::from_utf8(bytes.get(after..after.checked_add(length)?)?).ok()?;
        let breaks_at = after + length;
        let (breaks, _) = length_at(bytes, breaks_at)?;
        at = breaks_at.checked_add(8)?.checked_add(breaks.checked_mul(8)?)?;
        exceptions.insert(word, bytes.get(breaks_at..at)?);
    }
    let minima = bytes.get(at..)?;
    (minima.len() == 16).then_some((&bytes[..start], exceptions, minima))
}
