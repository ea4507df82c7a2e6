//! Hyphenation points from TeX's patterns (the hyphenation crate), for the language
//! being rendered. Dictionaries are embedded and deserialized once per process, when a
//! language is first used (or warmed, on an idle core, before layout needs it).

use std::collections::HashMap;
use std::sync::OnceLock;

use hyphenation::Language;

use super::dictionary::Dictionary;

const DICTIONARIES: &[(&str, Language, &[u8])] = &[
    ("en", Language::EnglishUS, include_bytes!("../../hyphenation/en-us.standard.bincode")),
    ("en-us", Language::EnglishUS, include_bytes!("../../hyphenation/en-us.standard.bincode")),
    ("en-gb", Language::EnglishGB, include_bytes!("../../hyphenation/en-gb.standard.bincode")),
    ("fr", Language::French, include_bytes!("../../hyphenation/fr.standard.bincode")),
    ("es", Language::Spanish, include_bytes!("../../hyphenation/es.standard.bincode")),
    ("de", Language::German1996, include_bytes!("../../hyphenation/de-1996.standard.bincode")),
    ("it", Language::Italian, include_bytes!("../../hyphenation/it.standard.bincode")),
    ("pt", Language::Portuguese, include_bytes!("../../hyphenation/pt.standard.bincode")),
    ("nl", Language::Dutch, include_bytes!("../../hyphenation/nl.standard.bincode")),
];

/// Letters kept before and after a break, whatever the patterns allow.
const MIN_BEFORE: usize = 2;
const MIN_AFTER: usize = 3;

/// Each dictionary, once deserialized: shared by every thread and variant of a batch.
static PATTERNS: [OnceLock<Option<Dictionary>>; DICTIONARIES.len()] = [const { OnceLock::new() }; DICTIONARIES.len()];

/// The patterns for `lang` (`fr`, `en-GB`; a region falls back to its language).
fn patterns(lang: &str) -> Option<&'static Dictionary> {
    let key = lang.to_ascii_lowercase();
    let base = key.split('-').next().unwrap_or(&key);
    let index = DICTIONARIES
        .iter()
        .position(|(code, _, _)| *code == key)
        .or_else(|| DICTIONARIES.iter().position(|(code, _, _)| *code == base))?;
    let (_, language, bytes) = DICTIONARIES[index];
    PATTERNS[index].get_or_init(|| Dictionary::read(language, bytes)).as_ref()
}

/// Deserializes the patterns for `lang` now, so that a paragraph needing them later
/// does not wait (a thread asking meanwhile waits for this one).
pub fn warm(lang: &str) {
    patterns(lang);
}

#[derive(Default)]
pub struct Hyphenator {
    /// The languages this hyphenator has broken words in.
    languages: HashMap<String, Broken>,
}

/// A language's patterns, and the breaks of each word broken in it. The patterns take
/// 10,000 instructions a word, and a long profile breaks the same words again: ten
/// times the sample broke 51 words 540 times.
struct Broken {
    patterns: Option<&'static Dictionary>,
    words: rustc_hash::FxHashMap<String, Vec<usize>>,
}

impl Hyphenator {
    /// Byte offsets inside `word` where it may be broken with a hyphen. Words in
    /// capitals, with digits, or that are not all letters are never broken.
    pub fn breaks(&mut self, lang: &str, word: &str) -> Vec<usize> {
        let letters = word.chars().count();
        if letters < MIN_BEFORE + MIN_AFTER
            || !word.chars().all(char::is_alphabetic)
            || word.chars().skip(1).any(char::is_uppercase)
        {
            return Vec::new();
        }
        let Some(Broken { patterns: Some(dict), words }) = self.language(lang) else {
            return Vec::new();
        };
        if let Some(breaks) = words.get(word) {
            return breaks.clone();
        }
        let lower = word.to_lowercase();
        if lower.len() != word.len() {
            return Vec::new(); // case folding changed byte offsets: do not guess
        }
        let char_index = |byte: usize| word[..byte].chars().count();
        let breaks: Vec<usize> = dict
            .hyphenate(&lower)
            .into_iter()
            .filter(|&b| char_index(b) >= MIN_BEFORE && letters - char_index(b) >= MIN_AFTER)
            .collect();
        words.insert(word.to_string(), breaks.clone());
        breaks
    }

    /// How many languages this hyphenator has needed patterns for.
    #[cfg(test)]
    pub fn dictionaries_loaded(&self) -> usize {
        self.languages.len()
    }

    fn language(&mut self, lang: &str) -> Option<&mut Broken> {
        if !self.languages.contains_key(lang) {
            let broken = Broken { patterns: patterns(lang), words: Default::default() };
            self.languages.insert(lang.to_string(), broken);
        }
        self.languages.get_mut(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(h: &mut Hyphenator, lang: &str, w: &str) -> String {
        let mut out = String::new();
        let mut last = 0;
        for b in h.breaks(lang, w) {
            out.push_str(&w[last..b]);
            out.push('-');
            last = b;
        }
        out + &w[last..]
    }

    #[test]
    fn patterns_per_language() {
        let mut h = Hyphenator::default();
        assert_eq!(split(&mut h, "en", "hyphenation"), "hy-phen-a-tion");
        assert_eq!(split(&mut h, "fr", "développement"), "dé-ve-lop-pe-ment");
        assert_eq!(split(&mut h, "de", "Silbentrennung"), "Sil-ben-tren-nung");
        assert!(h.breaks("es", "infraestructura").len() >= 3);
    }

    #[test]
    fn a_word_broken_again_is_broken_the_same_in_its_language() {
        let mut h = Hyphenator::default();
        let first = split(&mut h, "en", "Information");
        assert_eq!(first, "In-for-ma-tion");
        assert_eq!(split(&mut h, "en", "Information"), first, "from the words broken before");
        assert_eq!(split(&mut h, "en", "information"), "in-for-ma-tion");
        // Another language, its own breaks: as a hyphenator that has broken nothing.
        for (lang, word) in [("fr", "développement"), ("de", "Silbentrennung"), ("es", "Information")] {
            let fresh = split(&mut Hyphenator::default(), lang, word);
            assert_eq!(split(&mut h, lang, word), fresh, "{lang}: {word}");
            assert_eq!(split(&mut h, lang, word), fresh, "{lang}: {word}, again");
        }
        assert_eq!(split(&mut h, "fr", "développement"), "dé-ve-lop-pe-ment");
    }

    #[test]
    fn never_breaks_capitals_digits_or_short_words() {
        let mut h = Hyphenator::default();
        assert!(h.breaks("en", "KUBERNETES").is_empty());
        assert!(h.breaks("en", "IPv6networking").is_empty());
        assert!(h.breaks("en", "into").is_empty());
        assert!(h.breaks("xx", "hyphenation").is_empty(), "no patterns, no breaks");
        for b in h.breaks("en", "responsibilities") {
            assert!(b >= 2 && "responsibilities".len() - b >= 3);
        }
    }

    #[test]
    fn every_dictionary_breaks_words_as_the_crate_reads_it_whole() {
        use hyphenation::{Hyphenator as _, Load, Standard};
        let sample = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/camille-durand.yaml"));
        let sample = sample.unwrap().to_lowercase();
        let mut words: Vec<String> =
            sample.split(|c: char| !c.is_alphabetic()).filter(|w| w.len() > 4).map(str::to_string).collect();
        for (code, language, bytes) in DICTIONARIES {
            let whole = Standard::from_reader(*language, &mut &bytes[..]).unwrap();
            let read = Dictionary::read(*language, bytes).unwrap();
            // Every exception, and then some, beside the sample's words, in lowercase as
            // `breaks` asks for them.
            let exceptions: Vec<String> = whole.exceptions.0.keys().map(|w| w.to_lowercase()).collect();
            words.extend(exceptions.iter().map(|w| format!("{w}s")));
            for word in exceptions.iter().chain(&words) {
                assert_eq!(read.hyphenate(word), whole.hyphenate(word).breaks, "{code}: {word}");
            }
            assert!(*code != "en" || exceptions.len() > 1000, "US English has its exceptions");
        }
    }
}
