//! The bundled font families, parsed once per render, and text shaping through
//! allsorts: ligatures and kerning from the font's GSUB/GPOS tables.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use allsorts::binary::read::ReadScope;
use allsorts::font::MatchingPresentation;
use allsorts::font_data::{DynamicFontTableProvider, FontData};
use allsorts::gdef::gdef_is_mark;
use allsorts::glyph_position::{GlyphLayout, TextDirection};
use allsorts::gpos::Info;
use allsorts::gsub::{self, Feature, FeatureMask, FeatureMaskExt, RawGlyph};
use allsorts::layout::{GDEFTable, GSUB, LayoutCache};
use allsorts::tag;
use rustc_hash::FxHashMap;

use super::kern::PairKerning;
use super::triggers::{LookupTriggers, StartMasks, next_candidate};
use crate::frame::{Face, FaceId};
use crate::theme::Family;

/// (family, bold, italic, PostScript name, bytes)
const BUNDLED: &[(Family, bool, bool, &str, &[u8])] = &[
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
const ARABIC: &[(bool, bool, &str, &[u8])] = &[
    (true, false, "NotoNaskhArabic-Regular", include_bytes!("../../fonts/noto-arabic/NotoNaskhArabic-Regular.ttf")),
    (true, true, "NotoNaskhArabic-Bold", include_bytes!("../../fonts/noto-arabic/NotoNaskhArabic-Bold.ttf")),
    (false, false, "NotoSansArabic-Regular", include_bytes!("../../fonts/noto-arabic/NotoSansArabic-Regular.ttf")),
    (false, true, "NotoSansArabic-Bold", include_bytes!("../../fonts/noto-arabic/NotoSansArabic-Bold.ttf")),
];

/// Letters, digits and marks of the Arabic script, which are set in the Arabic
/// companion face and shaped with Arabic joining.
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// One glyph of shaped text, in font units.
#[derive(Clone, Debug)]
pub struct ShapedGlyph {
    pub id: u16,
    pub advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
    /// Byte offset in the shaped text where this glyph's characters start.
    pub byte: usize,
    pub text: crate::frame::GlyphText,
}

#[derive(Debug)]
pub struct Shaped {
    pub glyphs: Vec<ShapedGlyph>,
    /// Characters the face has no glyph for.
    pub missing: Vec<char>,
}

impl Shaped {
    /// Advance of glyphs `range`, in font units.
    pub fn advance(&self, range: std::ops::Range<usize>) -> i32 {
        self.glyphs[range].iter().map(|g| g.advance).sum()
    }
}

struct LoadedFace {
    font: allsorts::Font<DynamicFontTableProvider<'static>>,
    units_per_em: f32,
    /// What shapes its plain text without allsorts's slow paths: for the bundled
    /// Latin faces, whose mark positioning is known to do nothing to plain text (see
    /// `shape_plain`), when their kerning and substitutions can be read in place.
    plain: Option<PlainShaper>,
}

/// A bundled face's kerning and substitution lookups, read in place.
struct PlainShaper {
    kerning: PairKerning,
    triggers: LookupTriggers,
    /// The substitution lookups allsorts applies to Latin text, in order, with their
    /// feature, and which of them can start on each glyph.
    lookups: Option<(Vec<(usize, u32)>, StartMasks)>,
    /// The glyph of each character seen: allsorts's own cache costs several times
    /// more per lookup.
    glyphs: FxHashMap<char, u16>,
}

impl PlainShaper {
    fn read(bytes: &'static [u8]) -> Option<PlainShaper> {
        Some(PlainShaper {
            kerning: PairKerning::read(bytes)?,
            triggers: LookupTriggers::read(bytes)?,
            lookups: None,
            glyphs: FxHashMap::default(),
        })
    }
}

/// Shapes `text` with the whole of allsorts.
fn shape_with_allsorts(
    font: &mut allsorts::Font<DynamicFontTableProvider<'static>>,
    glyphs: Vec<RawGlyph<()>>,
    script: u32,
) -> Vec<Info> {
    match font.shape(glyphs, script, None, FeatureMask::default_mask(), &[], None, true) {
        Ok(infos) => infos,
        Err((_, infos)) => infos,
    }
}

impl LoadedFace {
    fn parse(bytes: &'static [u8]) -> Option<LoadedFace> {
        let data = ReadScope::new(bytes).read::<FontData<'static>>().ok()?;
        let provider = data.table_provider(0).ok()?;
        let font = allsorts::Font::new(provider).ok()?;
        let units_per_em = f32::from(font.head_table.units_per_em);
        Some(LoadedFace { font, units_per_em, plain: None })
    }
}

/// A face the book can use: bundled, or read from a theme's font file.
struct Entry {
    family: Family,
    bold: bool,
    italic: bool,
    /// An Arabic companion face rather than a face of `family`.
    arabic: bool,
    postscript_name: String,
    bytes: &'static [u8],
}

/// Characters of plain Latin text: ASCII, Latin-1, Latin Extended-A, general
/// punctuation (without its invisible controls) and geometric shapes (bullets), none
/// of them a combining mark.
fn is_plain(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{17F}' | '\u{2010}'..='\u{2027}' | '\u{202F}'..='\u{205E}' | '\u{20AC}' | '\u{25A0}'..='\u{25FF}')
}

/// Shapes plain text as `Font::shape` does, without the `mark` and `mkmk` lookups.
/// Reading those lookups cost more than shaping all the words of a résumé (Gentium's
/// attach hundreds of marks to hundreds of bases), and on text without marks they do
/// nothing: they attach marks, and Gentium's cursive lookup joins only four
/// combining characters. `plain_text_shapes_as_allsorts_does` checks this on every
/// bundled face for every plain character beside others. Should a substitution bring a
/// mark in, the whole of `Font::shape` runs.
fn shape_plain(
    font: &mut allsorts::Font<DynamicFontTableProvider<'static>>,
    plain: &mut PlainShaper,
    text: &str,
) -> Vec<Info> {
    let mut glyphs = font.map_glyphs(text, tag::LATN, MatchingPresentation::NotRequired);
    let (Ok(Some(gsub)), Ok(gdef)) = (font.gsub_cache(), font.gdef_table()) else {
        return shape_with_allsorts(font, glyphs, tag::LATN);
    };
    let original = glyphs.clone();
    let gdef = gdef.as_deref();
    let num_glyphs = font.num_glyphs();
    let PlainShaper { kerning, triggers, lookups, .. } = plain;
    if substitute(&gsub, gdef, triggers, lookups, num_glyphs, &mut glyphs).is_err()
        || glyphs.iter().any(|g| gdef_is_mark(gdef, g.glyph_index))
    {
        return shape_with_allsorts(font, original, tag::LATN);
    }
    let mut infos = Info::init_from_glyphs(gdef, glyphs);
    let ids: Vec<u16> = infos.iter().map(|i| i.glyph.glyph_index).collect();
    let mut adjust = vec![0i16; ids.len()];
    if kerning.apply(&ids, &mut adjust).is_none() {
        return shape_with_allsorts(font, original, tag::LATN);
    }
    for (info, k) in infos.iter_mut().zip(adjust) {
        info.kerning = k;
    }
    infos
}

/// `gsub::apply` for plain Latin text, skipping the lookups that cannot act on it
/// (see `LookupTriggers`); the rest are applied by allsorts, in allsorts's order.
fn substitute(
    gsub: &LayoutCache<GSUB>,
    gdef: Option<&GDEFTable>,
    triggers: &mut LookupTriggers,
    lookups: &mut Option<(Vec<(usize, u32)>, StartMasks)>,
    num_glyphs: u16,
    glyphs: &mut Vec<RawGlyph<()>>,
) -> Result<(), allsorts::error::ParseError> {
    let table = &gsub.layout_table;
    if lookups.is_none() {
        // As `gsub::apply` chooses them for the default script type.
        let mut supported = FeatureMask::empty();
        if let Some(script) = table.find_script_or_default(tag::LATN)?
            && let Some(langsys) = script.find_langsys_or_default(None)?
        {
            for index in langsys.feature_indices_iter() {
                supported |= FeatureMask::from_tag(table.feature_by_index(*index)?.feature_tag);
            }
        }
        let mask = (FeatureMask::default_mask() | Feature::CCMP | Feature::RLIG | Feature::LOCL) & supported;
        let index = gsub::get_lookups_cache_index(gsub, tag::LATN, None, None, mask)?;
        let order: Option<Vec<(usize, u32)>> =
            gsub.cached_lookups.lock().ok().and_then(|cached| cached.get(index).cloned());
        *lookups = order.map(|order| {
            let masks = triggers.start_masks(&order.iter().map(|(lookup, _)| *lookup).collect::<Vec<_>>());
            (order, masks)
        });
    }
    let Some((lookups, masks)) = lookups.as_ref() else { return Err(allsorts::error::ParseError::BadIndex) };
    // allsorts's bound on the glyphs substitutions may make of a text.
    let max_glyphs = glyphs.len().saturating_mul(256);
    let mut length = glyphs.len();
    let mut ids: Vec<u16> = glyphs.iter().map(|g| g.glyph_index).collect();
    let mut candidates = masks.candidates(&ids);
    let mut from = 0;
    while let Some(position) = next_candidate(&candidates, from) {
        let (lookup, feature) = lookups[position];
        if triggers.may_act(lookup, &ids) {
            length = gsub::gsub_apply_lookup(
                gsub,
                table,
                gdef,
                lookup,
                feature,
                None,
                glyphs,
                max_glyphs,
                0,
                length,
                |_| true,
            )?;
            // Later lookups see the glyphs this one made.
            ids.clear();
            ids.extend(glyphs.iter().map(|g| g.glyph_index));
            candidates = masks.candidates(&ids);
        }
        from = position + 1;
    }
    gsub::replace_missing_glyphs(glyphs, num_glyphs);
    Ok(())
}

/// Shaped words kept per face.
const MAX_CACHED_WORDS: usize = 50_000;

/// The faces a render uses, parsed on first use, with a cache of shaped words.
pub struct FontBook {
    entries: Vec<Entry>,
    faces: Vec<Option<LoadedFace>>,
    /// Shaped words by face, looked up by `&str` so that a hit allocates nothing.
    /// FxHash rather than SipHash: hashing each word with SipHash was a tenth of
    /// shaping; the words are the user's own and the map is bounded, so flooding it
    /// with colliding keys gains an attacker nothing.
    cache: FxHashMap<FaceId, FxHashMap<String, Rc<Shaped>>>,
    /// The installed fonts, listed on the first character no bundled face has.
    system: Option<Vec<std::path::PathBuf>>,
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
            })
            .chain(ARABIC.iter().map(|(serif, bold, name, bytes)| Entry {
                family: if *serif { Family::Serif } else { Family::Sans },
                bold: *bold,
                italic: false,
                arabic: true,
                postscript_name: (*name).to_string(),
                bytes,
            }))
            .collect::<Vec<_>>();
        FontBook {
            faces: entries.iter().map(|_| None).collect(),
            entries,
            cache: FxHashMap::default(),
            system: None,
            fallbacks: HashMap::new(),
        }
    }
}

/// Font files installed on this machine, regular faces first.
fn system_fonts() -> Vec<std::path::PathBuf> {
    let mut dirs =
        vec![std::path::PathBuf::from("/usr/share/fonts"), std::path::PathBuf::from("/usr/local/share/fonts")];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
        dirs.push(Path::new(&home).join(".fonts"));
    }
    let mut found = Vec::new();
    let mut stack: Vec<(std::path::PathBuf, usize)> = dirs.into_iter().map(|d| (d, 0)).collect();
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

/// Style names tried beside a font file's own (`Name-Regular.ttf` → `Name-Bold.ttf`).
const STYLE_NAMES: [(bool, bool, &[&str]); 3] =
    [(true, false, &["Bold"]), (false, true, &["Italic", "Oblique"]), (true, true, &["BoldItalic", "BoldOblique"])];

// Parsed faces and shaped words are kept per thread and per set of font files, for the
// next document: parsing a face costs about a millisecond.
thread_local! {
    static BOOKS: std::cell::RefCell<Vec<([Family; 3], FontBook)>> = const { std::cell::RefCell::new(Vec::new()) };
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
            let path = std::path::Path::new(path);
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

    fn add_file(&mut self, family: Family, bold: bool, italic: bool, path: &std::path::Path) -> Result<(), String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read the font {}: {}", path.display(), crate::io_reason(&e)))?;
        // Fonts live for the whole process; a batch shares them.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let face =
            LoadedFace::parse(bytes).ok_or_else(|| format!("{} is not a TrueType or OpenType font", path.display()))?;
        let postscript_name: String = path
            .file_stem()
            .map(|s| s.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect())
            .unwrap_or_else(|| "Font".into());
        self.entries.push(Entry { family, bold, italic, arabic: false, postscript_name, bytes });
        self.faces.push(Some(face));
        Ok(())
    }

    /// An installed font that has `c`, for text the bundled fonts cannot show
    /// (emoji, CJK, Devanagari...). Regular faces are preferred; the answer is cached.
    pub fn fallback_for(&mut self, c: char) -> Option<FaceId> {
        if let Some(found) = self.fallbacks.get(&c) {
            return *found;
        }
        let system = self.system.get_or_insert_with(system_fonts).clone();
        let found = system.iter().find_map(|path| {
            if let Some(id) =
                self.entries.iter().position(|e| matches!(e.family, Family::File(p) if Path::new(p) == path))
            {
                return self.has(id, c).then_some(id);
            }
            let bytes = std::fs::read(path).ok()?;
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            let mut face = LoadedFace::parse(bytes)?;
            let (glyph, _) = face.font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None);
            let name: &'static str = Box::leak(path.to_string_lossy().into_owned().into_boxed_str());
            let postscript_name = path
                .file_stem()
                .map(|s| s.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect())
                .unwrap_or_else(|| "Fallback".into());
            self.entries.push(Entry {
                family: Family::File(name),
                bold: false,
                italic: false,
                arabic: false,
                postscript_name,
                bytes,
            });
            self.faces.push(Some(face));
            (glyph != 0).then_some(self.entries.len() - 1)
        });
        self.fallbacks.insert(c, found);
        found
    }

    /// The glyph of `c` in face `id` (0 when it has none).
    pub fn glyph_index(&mut self, id: FaceId, c: char) -> u16 {
        self.face(id).font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None).0
    }

    fn has(&mut self, id: FaceId, c: char) -> bool {
        self.face(id).font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None).0 != 0
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

    /// Readies the faces a résumé in `families` (body first) nearly always uses, as the
    /// first word set in each would: parsed, with their character map, kerning and
    /// substitution lookups read. Doing it while the profile is still being read takes
    /// it off the render's path. Regular and bold of each family, italic of the body;
    /// a face readied and not used costs what a short profile takes to read.
    pub fn warm(&mut self, families: &[Family]) {
        for id in 0..self.entries.len() {
            let e = &self.entries[id];
            let body = families.first() == Some(&e.family);
            if !e.arabic && families.contains(&e.family) && !(e.bold && e.italic) && (body || !e.italic) {
                self.shape(id, "Wo");
            }
        }
    }

    /// Every face, for the PDF writer (unused ones are left out there).
    pub fn faces(&self) -> Vec<Face> {
        self.entries.iter().map(|e| Face { postscript_name: e.postscript_name.clone(), bytes: e.bytes }).collect()
    }

    fn face(&mut self, id: FaceId) -> &mut LoadedFace {
        let bytes = self.entries[id].bytes;
        // Bundled fonts are known good and theme fonts were parsed when added, so
        // this cannot fail; it is checked by a test of every bundled face.
        let bundled_latin = id < BUNDLED.len();
        self.faces[id].get_or_insert_with(|| {
            let mut face = LoadedFace::parse(bytes).expect("a checked font parses");
            face.plain = if bundled_latin { PlainShaper::read(bytes) } else { None };
            face
        })
    }

    pub fn units_per_em(&mut self, id: FaceId) -> f32 {
        self.face(id).units_per_em
    }

    /// Shapes `text` (one word, no spaces) in face `id`, once per process for each word.
    pub fn shape(&mut self, id: FaceId, text: &str) -> Rc<Shaped> {
        if let Some(s) = self.cache.get(&id).and_then(|words| words.get(text)) {
            return s.clone();
        }
        let face = self.face(id);
        let shaped = match &mut face.plain {
            Some(plain) if text.chars().all(is_plain) => {
                plain_unsubstituted(&mut face.font, plain, text).unwrap_or_else(|| face.shape(text))
            }
            _ => face.shape(text),
        };
        let shaped = Rc::new(shaped);
        let words = self.cache.entry(id).or_default();
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

impl LoadedFace {
    /// Shapes `text` (one word) through allsorts, or `shape_plain` for plain text.
    fn shape(&mut self, text: &str) -> Shaped {
        let face = self;
        // Glyphs come out in logical order either way; the line setter reverses
        // right-to-left runs.
        let (script, direction) = if text.chars().any(is_arabic) {
            (tag::ARAB, TextDirection::RightToLeft)
        } else {
            (tag::LATN, TextDirection::LeftToRight)
        };
        let infos = match &mut face.plain {
            Some(plain) if text.chars().all(is_plain) => shape_plain(&mut face.font, plain, text),
            _ => {
                let glyphs = face.font.map_glyphs(text, script, MatchingPresentation::NotRequired);
                shape_with_allsorts(&mut face.font, glyphs, script)
            }
        };
        let positions =
            GlyphLayout::new(&mut face.font, &infos, direction, false).glyph_positions().unwrap_or_default();
        // Each glyph gets the characters it shows, matched against the text in order:
        // allsorts may repeat a character on a glyph (Arabic compositions do), and
        // byte offsets must stay true for hyphenation and bidi levels.
        let chars: Vec<char> = text.chars().collect();
        let mut next = 0;
        let mut byte = 0;
        let mut missing = Vec::new();
        let mut glyphs: Vec<ShapedGlyph> = infos
            .iter()
            .zip(positions.iter().chain(std::iter::repeat(&Default::default())))
            .map(|(info, pos)| {
                let mut shown = String::new();
                for u in info.glyph.unicodes.iter() {
                    if chars.get(next) == Some(u) {
                        shown.push(*u);
                        next += 1;
                    }
                }
                if info.glyph.glyph_index == 0 {
                    missing.extend(shown.chars());
                }
                let g = ShapedGlyph {
                    id: info.glyph.glyph_index,
                    advance: pos.hori_advance,
                    x_offset: pos.x_offset,
                    y_offset: pos.y_offset,
                    byte,
                    text: shown.as_str().into(),
                };
                byte += g.text.len();
                g
            })
            .collect();
        if let Some(last) = glyphs.last_mut()
            && next < chars.len()
        {
            let mut text = last.text.to_string();
            text.extend(&chars[next..]);
            last.text = text.as_str().into();
        }
        Shaped { glyphs, missing }
    }
}

/// Plain text that no substitution acts on, as `shape_plain` and allsorts's
/// positioning shape it, without building allsorts's glyph records: a glyph per
/// character, advanced by its width and its pairs' kerning. Most words of a résumé
/// are such; this took shaping from ~22,000 instructions a word to a few thousand.
/// `None` when a substitution may act, a glyph is a mark or out of range, or the face
/// lacks a width: the word then goes through `shape_plain`, which also reads the
/// face's substitution lookups on its first word.
fn plain_unsubstituted(
    font: &mut allsorts::Font<DynamicFontTableProvider<'static>>,
    plain: &mut PlainShaper,
    text: &str,
) -> Option<Shaped> {
    let PlainShaper { kerning, triggers, lookups, glyphs } = plain;
    let (order, masks) = lookups.as_ref()?;
    let num_glyphs = font.num_glyphs();
    let ids: Vec<u16> = text
        .chars()
        .map(|c| {
            *glyphs.entry(c).or_insert_with(|| font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None).0)
        })
        .collect();
    let gdef = font.gdef_table().ok()?;
    if ids.iter().any(|&g| g >= num_glyphs || gdef_is_mark(gdef.as_deref(), g)) {
        return None;
    }
    let candidates = masks.candidates(&ids);
    // No lookup acts on the glyphs as they are, so none comes to see others.
    let mut from = 0;
    while let Some(position) = next_candidate(&candidates, from) {
        if triggers.may_act(order[position].0, &ids) {
            return None;
        }
        from = position + 1;
    }
    let mut adjust = vec![0i16; ids.len()];
    kerning.apply(&ids, &mut adjust)?;
    let mut shaped = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for (((byte, c), &id), k) in text.char_indices().zip(&ids).zip(adjust) {
        if id == 0 {
            missing.push(c);
        }
        let advance = i32::from(font.horizontal_advance(id)?) + i32::from(k);
        shaped.push(ShapedGlyph { id, advance, x_offset: 0, y_offset: 0, byte, text: c.into() });
    }
    Some(Shaped { glyphs: shaped, missing })
}

#[cfg(test)]
mod tests {
    use super::*;
    use allsorts::gpos;
    use allsorts::gsub::FeatureInfo;

    #[test]
    fn every_bundled_face_parses() {
        for (_, _, _, name, bytes) in BUNDLED {
            assert!(LoadedFace::parse(bytes).is_some(), "{name}");
        }
        for (_, _, name, bytes) in ARABIC {
            assert!(LoadedFace::parse(bytes).is_some(), "{name}");
        }
    }

    /// Every plain character beside others and in ligature contexts, and the plain
    /// words of the sample profiles.
    fn plain_texts() -> Vec<String> {
        let mut texts: Vec<String> = Vec::new();
        let plain: Vec<char> = (' '..='\u{20AC}').filter(|&c| is_plain(c)).collect();
        for &c in &plain {
            texts.extend([format!("a{c}"), format!("{c}a"), format!("{c}{c}"), format!("f{c}i"), format!("T{c}V")]);
        }
        for sample in ["profiles/camille-durand.yaml", "profiles/jonas-weber.yaml"] {
            let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(sample)).unwrap();
            texts.extend(text.split_whitespace().filter(|w| w.chars().all(is_plain)).map(str::to_string));
        }
        texts
    }

    #[test]
    fn plain_text_shapes_as_allsorts_does() {
        let texts = plain_texts();
        let plain: Vec<char> = (' '..='\u{20AC}').filter(|&c| is_plain(c)).collect();
        let summary = |font: &mut allsorts::Font<_>, infos: &[Info]| {
            let positions = GlyphLayout::new(font, infos, TextDirection::LeftToRight, false).glyph_positions().unwrap();
            infos
                .iter()
                .zip(positions)
                .map(|(i, p)| (i.glyph.glyph_index, i.glyph.unicodes.to_vec(), format!("{p:?}")))
                .collect::<Vec<_>>()
        };
        for (_, _, _, name, bytes) in BUNDLED {
            let mut face = LoadedFace::parse(bytes).unwrap();
            let plain_shaper = PlainShaper::read(bytes);
            assert!(plain_shaper.is_some(), "{name}: read in place");
            let mut plain_shaper = plain_shaper.unwrap();
            let font = &mut face.font;
            // Every pair of plain characters, kerned by allsorts and by `PairKerning`.
            let ids: Vec<u16> = plain
                .iter()
                .map(|&c| font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None).0)
                .filter(|&g| g != 0)
                .collect();
            let gpos = font.gpos_cache().unwrap().unwrap();
            let gdef = font.gdef_table().unwrap();
            let table = &gpos.layout_table;
            let langsys = table.find_script_or_default(tag::LATN).unwrap().unwrap();
            let langsys = langsys.find_langsys_or_default(None).unwrap().unwrap();
            let features = [tag::DIST, tag::KERN].map(|feature_tag| FeatureInfo { feature_tag, alternate: None });
            let mut kerned = 0;
            for &left in &ids {
                for &right in &ids {
                    let glyphs = [left, right].map(|g| {
                        let mut raw = font.map_glyphs("a", tag::LATN, MatchingPresentation::NotRequired).remove(0);
                        raw.glyph_index = g;
                        raw
                    });
                    let mut infos = Info::init_from_glyphs(gdef.as_deref(), glyphs.to_vec());
                    gpos::apply_features(
                        &gpos,
                        table,
                        gdef.as_deref(),
                        None,
                        langsys,
                        features.into_iter(),
                        None,
                        tag::LATN,
                        &mut infos,
                    )
                    .unwrap();
                    let mut own = [0i16; 2];
                    plain_shaper.kerning.apply(&[left, right], &mut own).unwrap();
                    assert_eq!(own, [infos[0].kerning, infos[1].kerning], "{name}: glyphs {left} {right}");
                    kerned += usize::from(own != [0, 0]);
                }
            }
            assert!(kerned > 100, "{name}: only {kerned} pairs kerned");
            for text in &texts {
                let glyphs = font.map_glyphs(text, tag::LATN, MatchingPresentation::NotRequired);
                let full = font.shape(glyphs, tag::LATN, None, FeatureMask::default_mask(), &[], None, true).unwrap();
                let expected = summary(font, &full);
                let fast = shape_plain(font, &mut plain_shaper, text);
                assert_eq!(summary(font, &fast), expected, "{name}: {text:?}, read in place");
            }
        }
    }

    #[test]
    fn unsubstituted_words_shape_as_the_longer_way() {
        let texts = plain_texts();
        let summary = |s: &Shaped| {
            let glyphs: Vec<_> =
                s.glyphs.iter().map(|g| (g.id, g.advance, g.x_offset, g.y_offset, g.byte, g.text.clone())).collect();
            (glyphs, s.missing.clone())
        };
        for (id, (_, _, _, name, _)) in BUNDLED.iter().enumerate() {
            let mut book = FontBook::default();
            let face = book.face(id);
            // The first word reads the substitution lookups, the longer way.
            assert!(plain_unsubstituted(&mut face.font, face.plain.as_mut().unwrap(), "Wo").is_none());
            face.shape("Wo");
            let mut fast = 0;
            for text in &texts {
                let expected = summary(&face.shape(text));
                if let Some(shaped) = plain_unsubstituted(&mut face.font, face.plain.as_mut().unwrap(), text) {
                    assert_eq!(summary(&shaped), expected, "{name}: {text:?}");
                    fast += 1;
                }
            }
            // Ligatures and the like take the longer way; ordinary words do not.
            assert!(fast * 10 > texts.len() * 9, "{name}: only {fast} of {} words", texts.len());
            let fi = plain_unsubstituted(&mut face.font, face.plain.as_mut().unwrap(), "office");
            assert!(fi.is_none() || summary(&fi.unwrap()) == summary(&face.shape("office")), "{name}");
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
