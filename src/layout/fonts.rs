//! The faces a render can use: the bundled families, theme font files and installed
//! fonts for characters none of them has, each parsed once per process
//! (`Typeface`), and what this thread keeps of each between documents (`Kept`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use super::typeface::{MAX_CACHED_WORDS, Seen, Shaped, Typeface, is_arabic};
use crate::frame::{Face, FaceId};
use crate::theme::Family;

/// (family, bold, italic, PostScript name, bytes)
pub(super) static BUNDLED: &[(Family, bool, bool, &str, &[u8])] = &[
    (Family::Serif, false, false, "GentiumBookPlus", include_bytes!("../../fonts/gentium/GentiumBookPlus-Regular.ttf")),
    (
        Family::Serif,
        true,
        false,
        "GentiumBookPlus-Bold",
        include_bytes!("../../fonts/gentium/GentiumBookPlus-Bold.ttf"),
    ),
    (
        Family::Serif,
        false,
        true,
        "GentiumBookPlus-Italic",
        include_bytes!("../../fonts/gentium/GentiumBookPlus-Italic.ttf"),
    ),
    (
        Family::Serif,
        true,
        true,
        "GentiumBookPlus-BoldItalic",
        include_bytes!("../../fonts/gentium/GentiumBookPlus-BoldItalic.ttf"),
    ),
    (Family::Sans, false, false, "Lato-Regular", include_bytes!("../../fonts/lato/Lato-Regular.ttf")),
    (Family::Sans, true, false, "Lato-Bold", include_bytes!("../../fonts/lato/Lato-Bold.ttf")),
    (Family::Sans, false, true, "Lato-Italic", include_bytes!("../../fonts/lato/Lato-Italic.ttf")),
    (Family::Sans, true, true, "Lato-BoldItalic", include_bytes!("../../fonts/lato/Lato-BoldItalic.ttf")),
];

/// The Arabic companions of the bundled families (Arabic has no italic): Naskh
/// beside the serif, the sans beside the sans and any theme font. (serif, bold, name, bytes)
pub(super) static ARABIC: &[(bool, bool, &str, &[u8])] = &[
    (true, false, "NotoNaskhArabic-Regular", include_bytes!("../../fonts/noto-arabic/NotoNaskhArabic-Regular.ttf")),
    (true, true, "NotoNaskhArabic-Bold", include_bytes!("../../fonts/noto-arabic/NotoNaskhArabic-Bold.ttf")),
    (false, false, "NotoSansArabic-Regular", include_bytes!("../../fonts/noto-arabic/NotoSansArabic-Regular.ttf")),
    (false, true, "NotoSansArabic-Bold", include_bytes!("../../fonts/noto-arabic/NotoSansArabic-Bold.ttf")),
];

/// A face the book can use: bundled, or read from a theme's font file.
struct Entry {
    family: Family,
    bold: bool,
    italic: bool,
    /// An Arabic companion face rather than a face of `family`.
    arabic: bool,
    postscript_name: String,
    bytes: &'static [u8],
    /// The parsed face; for a bundled one, parsed on first use (`bundled`).
    parsed: Option<&'static Typeface>,
}

/// The bundled faces (Latin, then Arabic), each parsed by the first thread to use it.
fn bundled(id: FaceId) -> &'static Typeface {
    static PARSED: [OnceLock<Typeface>; BUNDLED.len() + ARABIC.len()] = [const { OnceLock::new() }; _];
    PARSED[id].get_or_init(|| {
        let bytes = BUNDLED.get(id).map_or_else(|| ARABIC[id - BUNDLED.len()].3, |b| b.4);
        // Bundled fonts are known good, and this is checked by a test of every one;
        // the Latin faces shape plain text from tables read in place.
        Typeface::parse(bytes, id < BUNDLED.len()).expect("a bundled font parses")
    })
}

/// A font file's bytes and its parsed face: read once per process, by path. Fonts live
/// for the whole process, as their faces' words do in the books that use them. A file
/// that cannot be read is tried again next time (watch mode: the user may add it).
fn font_file(path: &Path) -> Result<(&'static [u8], &'static Typeface), String> {
    type Read = (&'static [u8], &'static Typeface);
    static FILES: Mutex<Vec<(PathBuf, Read)>> = Mutex::new(Vec::new());
    let mut files = FILES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, read)) = files.iter().find(|(p, _)| p == path) {
        return Ok(*read);
    }
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the font {}: {}", path.display(), crate::io_reason(&e)))?;
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let face = Typeface::parse(bytes, false)
        .ok_or_else(|| format!("{} is not a TrueType or OpenType font", path.display()))?;
    let read = (bytes, &*Box::leak(Box::new(face)));
    files.push((path.to_path_buf(), read));
    Ok(read)
}

/// What a thread keeps of a face from one document to the next, whichever book uses
/// it (a batch's themes share faces): the words shaped in it and what shaping looked
/// up. Kept per book, the 12 variants of the sample shaped 5,667 words.
#[derive(Default)]
struct Kept {
    /// Looked up by `&str`, so that a hit allocates nothing. FxHash rather than
    /// SipHash: hashing each word with SipHash was a tenth of shaping; the words are
    /// the user's own and the map is bounded, so flooding it with colliding keys gains
    /// an attacker nothing.
    words: FxHashMap<String, Rc<Shaped>>,
    seen: Seen,
}

thread_local! {
    /// This thread's `Kept` of each face it has used, by the face's address.
    static KEPT: RefCell<Vec<(usize, Rc<RefCell<Kept>>)>> = const { RefCell::new(Vec::new()) };
}

/// The faces a render uses, each with what this thread keeps of it (`Kept`).
pub struct FontBook {
    entries: Vec<Entry>,
    /// Per entry, once it is used.
    kept: Vec<Option<Rc<RefCell<Kept>>>>,
    /// The installed face found for each such character (none found: `None`).
    fallbacks: HashMap<char, Option<FaceId>>,
}

impl Default for FontBook {
    fn default() -> Self {
        let entries = BUNDLED
            .iter()
            .map(|(family, bold, italic, name, bytes)| Entry {
                family: *family,
                bold: *bold,
                italic: *italic,
                arabic: false,
                postscript_name: (*name).to_string(),
                bytes,
                parsed: None,
            })
            .chain(ARABIC.iter().map(|(serif, bold, name, bytes)| Entry {
                family: if *serif { Family::Serif } else { Family::Sans },
                bold: *bold,
                italic: false,
                arabic: true,
                postscript_name: (*name).to_string(),
                bytes,
                parsed: None,
            }))
            .collect::<Vec<_>>();
        FontBook { kept: entries.iter().map(|_| None).collect(), entries, fallbacks: HashMap::new() }
    }
}

/// Font files installed on this machine, regular faces first: listed once per process,
/// on the first character no bundled face has.
fn system_fonts() -> &'static [PathBuf] {
    static LISTED: OnceLock<Vec<PathBuf>> = OnceLock::new();
    LISTED.get_or_init(list_system_fonts)
}

fn list_system_fonts() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("/usr/share/fonts"), PathBuf::from("/usr/local/share/fonts")];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
        dirs.push(Path::new(&home).join(".fonts"));
    }
    let mut found = Vec::new();
    let mut stack: Vec<(PathBuf, usize)> = dirs.into_iter().map(|d| (d, 0)).collect();
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && depth < 4 {
                stack.push((path, depth + 1));
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ttf") || e.eq_ignore_ascii_case("otf")) {
                found.push(path);
            }
        }
    }
    let styled = |p: &Path| {
        let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        ["bold", "italic", "oblique", "light", "thin", "black", "condensed"].iter().any(|s| name.contains(s))
    };
    found.sort_by_key(|p| (styled(p), p.clone()));
    found
}

/// A PostScript name from a font file's name, or `otherwise`.
fn file_postscript_name(path: &Path, otherwise: &str) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect())
        .unwrap_or_else(|| otherwise.into())
}

/// Style names tried beside a font file's own (`Name-Regular.ttf` → `Name-Bold.ttf`).
const STYLE_NAMES: [(bool, bool, &[&str]); 3] =
    [(true, false, &["Bold"]), (false, true, &["Italic", "Oblique"]), (true, true, &["BoldItalic", "BoldOblique"])];

// Books are kept per thread and per set of font files, for the next document.
thread_local! {
    static BOOKS: RefCell<Vec<([Family; 3], FontBook)>> = const { RefCell::new(Vec::new()) };
}

impl FontBook {
    /// This thread's book for `families`, as the last document set with them on this
    /// thread left it (`keep`), or a new one.
    pub fn for_thread(families: [Family; 3]) -> Result<FontBook, String> {
        BOOKS
            .with_borrow_mut(|books| books.iter().position(|(f, _)| *f == families).map(|i| books.swap_remove(i).1))
            .map_or_else(|| FontBook::with_files(&families), Ok)
    }

    /// Keeps this book as this thread's for `families`, for its next document.
    pub fn keep(self, families: [Family; 3]) {
        BOOKS.with_borrow_mut(|books| books.push((families, self)));
    }

    /// The bundled faces and those of `families` read from files. A family given as
    /// `Name-Regular.ttf` finds its bold and italic beside it (`Name-Bold.ttf`,
    /// `Name-Italic.ttf`, `Name-BoldItalic.ttf`); a missing style uses the regular face.
    pub fn with_files(families: &[Family]) -> Result<FontBook, String> {
        let mut book = FontBook::default();
        for family in families {
            let Family::File(path) = *family else { continue };
            if book.entries.iter().any(|e| e.family == *family) {
                continue;
            }
            let path = Path::new(path);
            book.add_file(*family, false, false, path)?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            for (bold, italic, styles) in STYLE_NAMES {
                let sibling = styles
                    .iter()
                    .map(|style| path.with_file_name(name.replacen("Regular", style, 1)))
                    .find(|p| p.exists() && p != path);
                if let Some(p) = sibling {
                    book.add_file(*family, bold, italic, &p)?;
                }
            }
        }
        Ok(book)
    }

    fn add_file(&mut self, family: Family, bold: bool, italic: bool, path: &Path) -> Result<(), String> {
        let (bytes, face) = font_file(path)?;
        self.push(family, bold, italic, file_postscript_name(path, "Font"), bytes, face);
        Ok(())
    }

    fn push(
        &mut self,
        family: Family,
        bold: bool,
        italic: bool,
        postscript_name: String,
        bytes: &'static [u8],
        face: &'static Typeface,
    ) {
        self.entries.push(Entry { family, bold, italic, arabic: false, postscript_name, bytes, parsed: Some(face) });
        self.kept.push(None);
    }

    /// An installed font that has `c`, for text the bundled fonts cannot show
    /// (emoji, CJK, Devanagari...). Regular faces are preferred; the answer is cached.
    pub fn fallback_for(&mut self, c: char) -> Option<FaceId> {
        if let Some(found) = self.fallbacks.get(&c) {
            return *found;
        }
        let system = system_fonts();
        let found = system.iter().find_map(|path| {
            let id = match self.entries.iter().position(|e| matches!(e.family, Family::File(p) if Path::new(p) == path))
            {
                Some(id) => id,
                None => {
                    let (bytes, face) = font_file(path).ok()?;
                    let name: &'static str = Box::leak(path.to_string_lossy().into_owned().into_boxed_str());
                    self.push(Family::File(name), false, false, file_postscript_name(path, "Fallback"), bytes, face);
                    self.entries.len() - 1
                }
            };
            (self.glyph_index(id, c) != 0).then_some(id)
        });
        self.fallbacks.insert(c, found);
        found
    }

    /// The glyph of `c` in face `id` (0 when it has none).
    pub fn glyph_index(&mut self, id: FaceId, c: char) -> u16 {
        let face = self.face(id);
        face.glyph(&mut self.kept(id, face).borrow_mut().seen, c)
    }

    /// The face of `family` in the given style (its regular face when it has none).
    pub fn face_id(&self, family: Family, bold: bool, italic: bool) -> FaceId {
        let find = |b: bool, i: bool| {
            self.entries.iter().position(|e| e.family == family && e.bold == b && e.italic == i && !e.arabic)
        };
        find(bold, italic).or_else(|| find(false, false)).unwrap_or(0)
    }

    /// The Arabic face that goes with face `id`: same weight, Naskh beside the serif.
    fn arabic_for(&self, id: FaceId) -> FaceId {
        let e = &self.entries[id];
        if e.arabic {
            return id;
        }
        let family = if e.family == Family::Serif { Family::Serif } else { Family::Sans };
        let bold = e.bold;
        self.entries.iter().position(|e| e.arabic && e.family == family && e.bold == bold).unwrap_or(id)
    }

    /// Splits `text` (one word) into runs of one face each: Arabic letters in the
    /// Arabic companion of `face`, everything else in `face`, or, when `face` cannot
    /// show a run, in an installed font that can.
    pub fn runs(&mut self, face: FaceId, text: &str) -> Vec<(FaceId, Rc<Shaped>, usize)> {
        // Nearly every word has no Arabic letter: one run, without working out spans.
        if !text.chars().any(is_arabic) {
            return vec![self.run(face, text, 0)];
        }
        let mut spans: Vec<(bool, usize, usize)> = Vec::new(); // (arabic, start, end)
        for (i, c) in text.char_indices() {
            // Marks and joiners stay with the letter before them.
            let arabic = is_arabic(c)
                || (matches!(c, '\u{200C}' | '\u{200D}' | '\u{0300}'..='\u{036F}')
                    && spans.last().is_some_and(|s| s.0));
            match spans.last_mut() {
                Some(last) if last.0 == arabic => last.2 = i + c.len_utf8(),
                _ => spans.push((arabic, i, i + c.len_utf8())),
            }
        }
        spans
            .into_iter()
            .map(|(arabic, start, end)| {
                let face = if arabic { self.arabic_for(face) } else { face };
                self.run(face, &text[start..end], start)
            })
            .collect()
    }

    /// `part` of a word, from byte `start`, shaped in `face`, or, when `face` cannot
    /// show it, in an installed font that can.
    fn run(&mut self, face: FaceId, part: &str, start: usize) -> (FaceId, Rc<Shaped>, usize) {
        let shaped = self.shape(face, part);
        if let Some(&c) = shaped.missing.first()
            && let Some(fallback) = self.fallback_for(c)
        {
            let other = self.shape(fallback, part);
            if other.missing.len() < shaped.missing.len() {
                return (fallback, other, start);
            }
        }
        (face, shaped, start)
    }

    /// Parses the faces a résumé in `families` (body first) nearly always uses, with
    /// their character map, kerning and substitution lookups, for every thread of the
    /// process: another core of the pool, once free, from the first face on, and this
    /// thread, once it has done `meanwhile`, from the last back. Doing it while the
    /// profile is read takes it off the render's path. Regular and bold of each family,
    /// italic of the body; in `arabic` (a right-to-left language), the regular and bold
    /// of their Arabic companions too, with a word shaped in each, which loads what
    /// allsorts reads first (both cores otherwise wait for the one loading it at their
    /// first Arabic word). A face parsed and not used costs what a short profile takes
    /// to read.
    pub fn warm(&self, families: &[Family], arabic: bool, meanwhile: impl FnOnce()) {
        let companion = |e: &Entry| families.iter().any(|f| (*f == Family::Serif) == (e.family == Family::Serif));
        let to_parse: Vec<FaceId> = (self.entries.iter().enumerate())
            .filter(|(_, e)| {
                let body = families.first() == Some(&e.family);
                let latin = !e.arabic && families.contains(&e.family) && !(e.bold && e.italic) && (body || !e.italic);
                e.parsed.is_none() && (latin || (arabic && e.arabic && companion(e)))
            })
            .map(|(id, _)| id)
            .collect();
        let parse = |&id: &FaceId| {
            let face = bundled(id);
            if id >= BUNDLED.len() {
                face.shape(&mut Seen::default(), "من");
            }
        };
        crate::claim::map_from_both_ends(&to_parse, parse, meanwhile);
    }

    /// Every face, for the PDF writer (unused ones are left out there).
    pub fn faces(&self) -> Vec<Face> {
        self.entries.iter().map(|e| Face { postscript_name: e.postscript_name.clone(), bytes: e.bytes }).collect()
    }

    fn face(&self, id: FaceId) -> &'static Typeface {
        self.entries[id].parsed.unwrap_or_else(|| bundled(id))
    }

    /// What this thread keeps of entry `id`, whose face is `face`.
    fn kept(&mut self, id: FaceId, face: &'static Typeface) -> &RefCell<Kept> {
        self.kept[id].get_or_insert_with(|| {
            let key = face as *const Typeface as usize;
            KEPT.with_borrow_mut(|all| match all.iter().find(|(k, _)| *k == key) {
                Some((_, kept)) => Rc::clone(kept),
                None => {
                    let kept = Rc::default();
                    all.push((key, Rc::clone(&kept)));
                    kept
                }
            })
        })
    }

    pub fn units_per_em(&self, id: FaceId) -> f32 {
        self.face(id).units_per_em
    }

    /// Shapes `text` (one word, no spaces) in face `id`, once per process for each word.
    pub fn shape(&mut self, id: FaceId, text: &str) -> Rc<Shaped> {
        let face = self.face(id);
        let kept = &mut *self.kept(id, face).borrow_mut();
        if let Some(s) = kept.words.get(text) {
            return s.clone();
        }
        let Kept { words, seen } = kept;
        let shaped = Rc::new(face.shape(seen, text));
        // Bounded, for long-lived processes (watch mode, a fuzzer): a résumé has a few
        // thousand distinct words, so the limit is only reached by unrelated inputs.
        if words.len() >= MAX_CACHED_WORDS {
            words.clear();
        }
        words.insert(text.to_string(), shaped.clone());
        shaped
    }

    /// Width of `text` at `size` points, Arabic and fallback runs included.
    pub fn width(&mut self, id: FaceId, size: f32, text: &str) -> f32 {
        let runs = self.runs(id, text);
        runs.into_iter()
            .map(|(face, shaped, _)| shaped.advance(0..shaped.glyphs.len()) as f32 * size / self.units_per_em(face))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_face_parses_once_for_every_thread() {
        for id in 0..BUNDLED.len() + ARABIC.len() {
            let face = bundled(id);
            // Latin faces shape plain text from their tables read in place.
            assert_eq!(
                face.reads_plain_text_in_place(),
                id < BUNDLED.len(),
                "{}",
                FontBook::default().entries[id].postscript_name
            );
            let elsewhere = std::thread::spawn(move || bundled(id) as *const Typeface as usize).join().unwrap();
            assert_eq!(elsewhere, face as *const Typeface as usize, "one face for the process");
        }
    }

    #[test]
    fn a_theme_font_file_brings_its_styles() {
        let dir = std::env::temp_dir().join(format!("cvpdf-fontfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Mine-Regular.ttf"), BUNDLED[4].4).unwrap();
        std::fs::write(dir.join("Mine-Bold.ttf"), BUNDLED[5].4).unwrap();
        let path: &'static str =
            Box::leak(dir.join("Mine-Regular.ttf").to_string_lossy().into_owned().into_boxed_str());
        let book = FontBook::with_files(&[Family::File(path)]).unwrap();
        let regular = book.face_id(Family::File(path), false, false);
        let bold = book.face_id(Family::File(path), true, false);
        assert_ne!(regular, bold);
        assert_eq!(book.face_id(Family::File(path), false, true), regular, "no italic file: the regular face");
        let elsewhere = std::thread::spawn(move || FontBook::with_files(&[Family::File(path)]).unwrap().face(regular));
        assert!(std::ptr::eq(elsewhere.join().unwrap(), book.face(regular)), "a file is parsed once for the process");
        std::fs::write(dir.join("Bad-Regular.ttf"), b"not a font").unwrap();
        let bad: &'static str = Box::leak(dir.join("Bad-Regular.ttf").to_string_lossy().into_owned().into_boxed_str());
        assert!(
            FontBook::with_files(&[Family::File(bad)]).err().unwrap().contains("is not a TrueType or OpenType font")
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn arabic_letters_join_in_the_arabic_face() {
        let mut book = FontBook::default();
        let serif = book.face_id(Family::Serif, false, false);
        let runs = book.runs(serif, "(سلام)");
        assert_eq!(runs.len(), 3, "brackets in the text face, letters in the Arabic one");
        let (arabic, joined, start) = &runs[1];
        assert_eq!((*start, book.entries[*arabic].postscript_name.as_str()), (1, "NotoNaskhArabic-Regular"));
        assert!(joined.missing.is_empty());
        // Each letter alone takes its isolated form; in the word, its joined forms.
        let alone: Vec<u16> = "سلام".chars().map(|c| book.shape(*arabic, &c.to_string()).glyphs[0].id).collect();
        let ids: Vec<u16> = joined.glyphs.iter().map(|g| g.id).collect();
        assert_eq!(ids.len(), 4);
        assert_ne!(ids[0], alone[0], "initial seen");
        assert_ne!(ids[1], alone[1], "medial lam");
        let text: String = joined.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "سلام", "every letter once, in logical order");
        // A composed letter comes back once (allsorts repeats it on the glyph).
        let hamza = book.shape(*arabic, "أقود");
        assert_eq!(hamza.glyphs.iter().map(|g| g.text.as_str()).collect::<String>(), "أقود");
        assert_eq!(hamza.glyphs[1].byte, "أ".len());
    }

    #[test]
    fn kerning_and_ligatures_come_from_the_font() {
        let mut book = FontBook::default();
        let serif = book.face_id(Family::Serif, false, false);
        for family in [Family::Sans, Family::Serif] {
            let face = book.face_id(family, false, false);
            let av = book.width(face, 10.0, "AV");
            let a = book.width(face, 10.0, "A");
            let v = book.width(face, 10.0, "V");
            assert!(av < a + v - 0.05, "{family:?}: AV is kerned: {av} vs {a} + {v}");
        }
        let fi = book.shape(serif, "fi");
        assert_eq!(fi.glyphs.len(), 1, "fi is a ligature");
        assert_eq!(fi.glyphs[0].text, "fi", "and extracts as its letters");
        assert!(book.shape(serif, "naïve « x »").missing.is_empty());
    }
}
