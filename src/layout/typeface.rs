//! A parsed face, shared by every thread of the process, and how it shapes a word:
//! ligatures and kerning from the font's GSUB/GPOS tables, through allsorts or, for
//! plain Latin text, from tables read in place.
//!
//! Parsing a face and reading what its substitution lookups need costs more than
//! setting a page of text (2.9M instructions for the five faces of the sample), so a
//! face is parsed once per process and read by every thread. What a thread works out
//! as it shapes (the glyph of each character, the kerning of each pair) it keeps in
//! its own `Seen`, so that most words take no lock.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use allsorts::binary::read::ReadScope;
use allsorts::font::{Encoding, MatchingPresentation, read_cmap_subtable};
use allsorts::font_data::{DynamicFontTableProvider, FontData};
use allsorts::gdef::gdef_is_mark;
use allsorts::glyph_position::{GlyphLayout, TextDirection};
use allsorts::gpos::{self, Info};
use allsorts::gsub::{self, Feature, FeatureMask, FeatureMaskExt, GlyphOrigin, RawGlyph, RawGlyphFlags};
use allsorts::layout::{GDEFTable, GPOS, GSUB, LayoutCache, LayoutTable, new_layout_cache};
use allsorts::tables::cmap::{Cmap, CmapSubtable};
use allsorts::tables::kern;
use allsorts::tag;
use allsorts::unicode::VariationSelector;
use rustc_hash::FxHashMap;

use super::kern::{KernMemo, PairKerning};
use super::triggers::{LookupTriggers, StartMasks, next_candidate};
use crate::frame::GlyphText;
use crate::otf::{self, u16_at};

type Font = allsorts::Font<DynamicFontTableProvider<'static>>;

/// Letters, digits and marks of the Arabic script, which are set in the Arabic
/// companion face and shaped with Arabic joining.
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Characters of plain Latin text: ASCII, Latin-1, Latin Extended-A, general
/// punctuation (without its invisible controls) and geometric shapes (bullets), none
/// of them a combining mark.
pub fn is_plain(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{17F}' | '\u{2010}'..='\u{2027}' | '\u{202F}'..='\u{205E}' | '\u{20AC}' | '\u{25A0}'..='\u{25FF}')
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
    pub text: GlyphText,
}

#[derive(Clone, Debug)]
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

/// Shaped words kept per face, by each cache of them: a résumé has a few thousand
/// distinct words, so the bound is for long-lived processes (watch mode, a fuzzer).
pub const MAX_CACHED_WORDS: usize = 50_000;

pub struct Typeface {
    bytes: &'static [u8],
    /// allsorts, for the words the plain tables leave to it. Its font loads its
    /// tables as they are first asked for, so one thread at a time uses it. For a face
    /// that shapes plain text in place it is made when a word first needs it: making
    /// it copies the character map and the metrics (200 KB for the sample's five
    /// faces, fresh memory to fault in), and no word of a Latin résumé may need it.
    allsorts: OnceLock<Mutex<Allsorts>>,
    /// The character map allsorts reads (a Unicode one), read in place.
    chars: Option<CmapSubtable<'static>>,
    layout: OnceLock<Option<Layout>>,
    pub units_per_em: f32,
    /// What shapes plain text without allsorts's slow paths: for the bundled Latin
    /// faces, whose mark positioning is known to do nothing to plain text (see
    /// `substituted`), when their kerning and substitutions can be read in place.
    plain: Option<PlainTables>,
}

struct Allsorts {
    font: Font,
    /// The words it has shaped. Each costs tens of microseconds (most are Arabic), as
    /// much as looking up a hundred in a map: in a batch they are shaped once for
    /// the process, not once per thread. Bounded as a thread's `Kept` words are.
    words: FxHashMap<String, Shaped>,
}

impl Allsorts {
    fn new(bytes: &'static [u8]) -> Option<Allsorts> {
        let data = ReadScope::new(bytes).read::<FontData<'static>>().ok()?;
        let font = Font::new(data.table_provider(0).ok()?).ok()?;
        Some(Allsorts { font, words: FxHashMap::default() })
    }

    /// The glyphs of `infos` positioned, as the shape of `text`, kept for the process.
    fn position(&mut self, text: &str, infos: &[Info], direction: TextDirection) -> Shaped {
        let positions = GlyphLayout::new(&mut self.font, infos, direction, false).glyph_positions().unwrap_or_default();
        let positions = positions.iter().map(|p| (p.hori_advance, p.x_offset, p.y_offset));
        let shaped = shaped(text, infos, positions);
        if self.words.len() >= MAX_CACHED_WORDS {
            self.words.clear();
        }
        self.words.insert(text.to_string(), shaped.clone());
        shaped
    }
}

/// What `Font::shape` reads from a font: its tables share what they have read
/// between threads, behind locks of their own held briefly.
struct Layout {
    gsub: Option<LayoutCache<GSUB>>,
    gpos: Option<LayoutCache<GPOS>>,
    gdef: Option<Arc<GDEFTable>>,
    kern: Option<Arc<kern::owned::KernTable>>,
    dotted_circle: u16,
    num_glyphs: u16,
}

impl Layout {
    /// The tables as `Font::shape` loads them: a table that does not read is left
    /// out. `None` when the font has no GSUB table but a `morx` one.
    fn load(font: &mut Font) -> Option<Layout> {
        let gsub = font.gsub_cache().ok().flatten();
        if gsub.is_none() && font.morx_table().ok().flatten().is_some() {
            return None;
        }
        Some(Layout {
            gsub,
            gpos: font.gpos_cache().ok().flatten(),
            gdef: font.gdef_table().ok().flatten(),
            kern: font.kern_table().ok().flatten(),
            dotted_circle: font.lookup_glyph_index('\u{25CC}', MatchingPresentation::NotRequired, None).0,
            num_glyphs: font.num_glyphs(),
        })
    }

    /// `Font::shape` with the default features, kerning on: substitution, then
    /// positioning, or the `kern` table and fallback mark positioning without GPOS.
    /// Errors leave the glyphs as far as they got, as there.
    fn shape(&self, glyphs: &mut Vec<RawGlyph<()>>, script: u32) -> Vec<Info> {
        let gdef = self.gdef.as_deref();
        let features = FeatureMask::default_mask();
        if let Some(gsub) = &self.gsub {
            let _ =
                gsub::apply(self.dotted_circle, gsub, gdef, script, None, features, &[], None, self.num_glyphs, glyphs);
        }
        let mut infos = Info::init_from_glyphs(gdef, std::mem::take(glyphs));
        let kern = self.kern.as_deref().map(kern::KernTable::from);
        match &self.gpos {
            Some(gpos) => {
                let _ = gpos::apply(gpos, gdef, kern, true, features, &[], None, script, None, &mut infos);
            }
            None => {
                let cross_stream = kern.is_some_and(|k| kern::apply(&k, script, &mut infos).unwrap_or(false));
                if !cross_stream {
                    gpos::apply_fallback_mark_positioning(&mut infos);
                }
            }
        }
        infos
    }
}

/// A bundled face's kerning and substitution lookups, read in place, and what of
/// allsorts's tables substituting needs.
struct PlainTables {
    kerning: PairKerning,
    triggers: LookupTriggers,
    /// The substitution lookups allsorts applies to Latin text, in order, with their
    /// feature, and which of them can start on each glyph.
    order: Vec<(usize, u32)>,
    masks: StartMasks,
    gsub: LayoutCache<GSUB>,
    gdef: Option<Arc<GDEFTable>>,
    num_glyphs: u16,
    /// The `hmtx` table, and how many of its metrics have their own advance.
    hmtx: &'static [u8],
    long_metrics: u16,
}

/// What one thread has looked up in a face.
#[derive(Default)]
pub struct Seen {
    /// The glyph of each character: allsorts's own cache costs several times more
    /// per lookup, and takes the font's lock.
    glyphs: FxHashMap<char, (u16, VariationSelector)>,
    kerning: KernMemo,
}

impl Typeface {
    /// Parses `bytes`; `plain`: read the tables that shape plain Latin text in place,
    /// for a face known to need no mark positioning on it.
    pub fn parse(bytes: &'static [u8], plain: bool) -> Option<Typeface> {
        let plain = if plain { PlainTables::read(bytes) } else { None };
        let allsorts = OnceLock::new();
        let units_per_em = match plain {
            Some(_) => u16_at(otf::table(bytes, b"head")?, 18)?,
            None => {
                let made = Allsorts::new(bytes)?;
                let units_per_em = made.font.head_table.units_per_em;
                let _ = allsorts.set(Mutex::new(made));
                units_per_em
            }
        };
        let chars = unicode_map(bytes);
        Some(Typeface { bytes, allsorts, chars, layout: OnceLock::new(), units_per_em: f32::from(units_per_em), plain })
    }

    /// Whether plain text is shaped from the tables read in place.
    #[cfg(test)]
    pub fn reads_plain_text_in_place(&self) -> bool {
        self.plain.is_some()
    }

    fn allsorts(&self) -> std::sync::MutexGuard<'_, Allsorts> {
        // Made at once unless the face reads plain text in place: a bundled face,
        // which every test parses and shapes with allsorts too.
        let allsorts =
            self.allsorts.get_or_init(|| Mutex::new(Allsorts::new(self.bytes).expect("a bundled face parses")));
        // A thread that panicked while shaping left the font as it was: its caches
        // hold only what was fully read.
        allsorts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The glyph of `c` (0 when the face has none).
    pub fn glyph(&self, seen: &mut Seen, c: char) -> u16 {
        self.glyph_variation(seen, c).0
    }

    /// The glyph of `c`, and the variation allsorts records for it.
    fn glyph_variation(&self, seen: &mut Seen, c: char) -> (u16, VariationSelector) {
        *seen.glyphs.entry(c).or_insert_with(|| match &self.chars {
            // As allsorts maps a character with no variation selector after it.
            Some(chars) => (chars.map_glyph(u32::from(c)).ok().flatten().unwrap_or(0), default_presentation(c)),
            None => self.allsorts().font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None),
        })
    }

    /// Shapes `text` (one word): from the tables read in place where it is plain text
    /// (`unsubstituted`, then `substituted`), and otherwise through allsorts.
    pub fn shape(&self, seen: &mut Seen, text: &str) -> Shaped {
        if let Some(plain) = self.plain.as_ref().filter(|_| text.chars().all(is_plain)) {
            if let Some(shaped) = self.unsubstituted(plain, seen, text) {
                return shaped;
            }
            if let Some(shaped) = self.substituted(plain, seen, text) {
                return shaped;
            }
        }
        self.shape_with_allsorts(seen, text)
    }

    /// Shapes `text` with the whole of allsorts, once per process. The font's lock
    /// is held to map the characters and to position the glyphs, not while the
    /// substitution and positioning lookups run: two threads setting Arabic text
    /// (the two halves of one document, or two documents) then wait for each other
    /// only briefly.
    fn shape_with_allsorts(&self, seen: &mut Seen, text: &str) -> Shaped {
        // Glyphs come out in logical order either way; the line setter reverses
        // right-to-left runs.
        let (script, direction) = if text.chars().any(is_arabic) {
            (tag::ARAB, TextDirection::RightToLeft)
        } else {
            (tag::LATN, TextDirection::LeftToRight)
        };
        if let Some(shaped) = self.allsorts().words.get(text) {
            return shaped.clone();
        }
        let Some(layout) = self.layout() else { return self.shape_locked(text, script, direction) };
        let mut glyphs = self.map_glyphs(seen, text, script);
        let infos = layout.shape(&mut glyphs, script);
        self.allsorts().position(text, &infos, direction)
    }

    /// Shapes `text` with `Font::shape`, holding the font's lock throughout.
    fn shape_locked(&self, text: &str, script: u32, direction: TextDirection) -> Shaped {
        let allsorts = &mut *self.allsorts();
        let font = &mut allsorts.font;
        let glyphs = font.map_glyphs(text, script, MatchingPresentation::NotRequired);
        let infos = match font.shape(glyphs, script, None, FeatureMask::default_mask(), &[], None, true) {
            Ok(infos) => infos,
            Err((_, infos)) => infos,
        };
        allsorts.position(text, &infos, direction)
    }

    /// The glyphs of `text`, as `Font::map_glyphs` maps them (marks reordered as the
    /// script needs, variation selectors taken with the character before them), from
    /// this thread's memo: allsorts reads the character map afresh for each character,
    /// 10,000 instructions for an Arabic word, under the font's lock.
    fn map_glyphs(&self, seen: &mut Seen, text: &str, script: u32) -> Vec<RawGlyph<()>> {
        let mut chars: Vec<char> = text.chars().collect();
        allsorts::scripts::preprocess_text(&mut chars, script);
        let mut glyphs = Vec::with_capacity(chars.len());
        let mut chars = chars.into_iter().peekable();
        while let Some(c) = chars.next() {
            if VariationSelector::try_from(c).is_ok() {
                continue;
            }
            let (glyph_index, variation) = match chars.peek().and_then(|&next| VariationSelector::try_from(next).ok()) {
                None => self.glyph_variation(seen, c),
                selector => self.allsorts().font.lookup_glyph_index(c, MatchingPresentation::NotRequired, selector),
            };
            glyphs.push(RawGlyph {
                unicodes: [c].into(),
                glyph_index,
                liga_component_pos: 0,
                glyph_origin: GlyphOrigin::Char(c),
                flags: RawGlyphFlags::empty(),
                variation: Some(variation),
                extra_data: (),
            });
        }
        glyphs
    }

    /// The tables `Font::shape` reads, loaded with the first word it shapes; `None`
    /// for a font shaped by its `morx` table, which `shape_locked` leaves to allsorts.
    fn layout(&self) -> Option<&Layout> {
        self.layout.get_or_init(|| Layout::load(&mut self.allsorts().font)).as_ref()
    }

    /// Plain text as `Font::shape` shapes it, without the `mark` and `mkmk` lookups,
    /// and without the font's lock: substituted by allsorts from the shared GSUB
    /// tables, kerned by `PairKerning`, advanced as allsorts's positioning advances
    /// glyphs with no placement. Reading the mark lookups cost more than shaping all
    /// the words of a résumé (Gentium's attach hundreds of marks to hundreds of
    /// bases), and on text without marks they do nothing: they attach marks, and
    /// Gentium's cursive lookup joins only four combining characters.
    /// `plain_text_shapes_as_allsorts_does` checks this on every bundled face for
    /// every plain character beside others. `None` when a substitution brings a mark
    /// in, or a table is malformed: allsorts then shapes the word.
    fn substituted(&self, plain: &PlainTables, seen: &mut Seen, text: &str) -> Option<Shaped> {
        let mut glyphs = self.map_glyphs(seen, text, tag::LATN);
        let gdef = plain.gdef.as_deref();
        substitute(plain, &mut glyphs).ok()?;
        if glyphs.iter().any(|g| gdef_is_mark(gdef, g.glyph_index)) {
            return None;
        }
        let infos = Info::init_from_glyphs(gdef, glyphs);
        let ids: Vec<u16> = infos.iter().map(|i| i.glyph.glyph_index).collect();
        let mut adjust = vec![0i16; ids.len()];
        plain.kerning.apply(&mut seen.kerning, &ids, &mut adjust)?;
        let positions = ids
            .iter()
            .zip(adjust)
            .map(|(&id, k)| Some((i32::from(plain.advance(id)?) + i32::from(k), 0, 0)))
            .collect::<Option<Vec<_>>>()?;
        Some(shaped(text, &infos, positions.into_iter()))
    }

    /// Plain text that no substitution acts on, as `substituted` and allsorts's
    /// positioning shape it, without building allsorts's glyph records: a glyph per
    /// character, advanced by its width and its pairs' kerning. Most words of a résumé
    /// are such; this took shaping from ~22,000 instructions a word to a few thousand.
    /// `None` when a substitution may act, or a glyph is a mark or out of range: the
    /// word then goes through `substituted`.
    fn unsubstituted(&self, plain: &PlainTables, seen: &mut Seen, text: &str) -> Option<Shaped> {
        let ids: Vec<u16> = text.chars().map(|c| self.glyph(seen, c)).collect();
        let PlainTables { kerning, triggers, order, masks, gdef, num_glyphs, .. } = plain;
        if ids.iter().any(|&g| g >= *num_glyphs || gdef_is_mark(gdef.as_deref(), g)) {
            return None;
        }
        let candidates = masks.candidates(&ids);
        // No lookup acts on the glyphs as they are, so none comes to see others.
        let mut from = 0;
        while let Some(position) = next_candidate(candidates, from) {
            if triggers.may_act(order[position].0, &ids) {
                return None;
            }
            from = position + 1;
        }
        let mut adjust = vec![0i16; ids.len()];
        kerning.apply(&mut seen.kerning, &ids, &mut adjust)?;
        let mut shaped = Vec::with_capacity(ids.len());
        let mut missing = Vec::new();
        for (((byte, c), &id), k) in text.char_indices().zip(&ids).zip(adjust) {
            if id == 0 {
                missing.push(c);
            }
            let advance = i32::from(plain.advance(id)?) + i32::from(k);
            shaped.push(ShapedGlyph { id, advance, x_offset: 0, y_offset: 0, byte, text: c.into() });
        }
        Some(Shaped { glyphs: shaped, missing })
    }
}

impl PlainTables {
    /// The tables, read as allsorts's `Font` reads them (`gsub_cache`, `gdef_table`).
    fn read(bytes: &'static [u8]) -> Option<PlainTables> {
        let gsub = new_layout_cache(ReadScope::new(otf::table(bytes, b"GSUB")?).read::<LayoutTable<GSUB>>().ok()?);
        let gdef = match otf::table(bytes, b"GDEF") {
            Some(gdef) => Some(Arc::new(ReadScope::new(gdef).read::<GDEFTable>().ok()?)),
            None => None,
        };
        let table = &gsub.layout_table;
        // The lookups as `gsub::apply` chooses them for the default script type.
        let mut supported = FeatureMask::empty();
        if let Some(script) = table.find_script_or_default(tag::LATN).ok()?
            && let Some(langsys) = script.find_langsys_or_default(None).ok()?
        {
            for index in langsys.feature_indices_iter() {
                supported |= FeatureMask::from_tag(table.feature_by_index(*index).ok()?.feature_tag);
            }
        }
        let mask = (FeatureMask::default_mask() | Feature::CCMP | Feature::RLIG | Feature::LOCL) & supported;
        let index = gsub::get_lookups_cache_index(&gsub, tag::LATN, None, None, mask).ok()?;
        let order: Vec<(usize, u32)> = gsub.cached_lookups.lock().ok()?.get(index)?.clone();
        let (triggers, masks) =
            LookupTriggers::read(bytes, &order.iter().map(|(lookup, _)| *lookup).collect::<Vec<_>>())?;
        let hhea = otf::table(bytes, b"hhea")?;
        Some(PlainTables {
            kerning: PairKerning::read(bytes)?,
            triggers,
            order,
            masks,
            gdef,
            num_glyphs: u16_at(otf::table(bytes, b"maxp")?, 4)?,
            hmtx: otf::table(bytes, b"hmtx")?,
            long_metrics: u16_at(hhea, 34)?,
            gsub,
        })
    }

    /// The advance width of `glyph`, as allsorts reads it: glyphs past the last long
    /// metric take its advance.
    fn advance(&self, glyph: u16) -> Option<u16> {
        if glyph >= self.num_glyphs {
            return None;
        }
        let metric = glyph.min(self.long_metrics.checked_sub(1)?);
        u16_at(self.hmtx, 4 * usize::from(metric))
    }
}

/// `gsub::apply` for plain Latin text, skipping the lookups that cannot act on it
/// (see `LookupTriggers`); the rest are applied by allsorts, in allsorts's order.
fn substitute(plain: &PlainTables, glyphs: &mut Vec<RawGlyph<()>>) -> Result<(), allsorts::error::ParseError> {
    let PlainTables { triggers, order, masks, gsub, gdef, num_glyphs, .. } = plain;
    // allsorts's bound on the glyphs substitutions may make of a text.
    let max_glyphs = glyphs.len().saturating_mul(256);
    let mut length = glyphs.len();
    let mut ids: Vec<u16> = glyphs.iter().map(|g| g.glyph_index).collect();
    let mut candidates = masks.candidates(&ids);
    let mut from = 0;
    while let Some(position) = next_candidate(candidates, from) {
        let (lookup, feature) = order[position];
        if triggers.may_act(lookup, &ids) {
            length = gsub::gsub_apply_lookup(
                gsub,
                &gsub.layout_table,
                gdef.as_deref(),
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
    gsub::replace_missing_glyphs(glyphs, *num_glyphs);
    Ok(())
}

/// The character map allsorts's `Font` maps characters with, read in place, when it
/// is a Unicode one (allsorts maps through others with conversions of its own).
fn unicode_map(bytes: &'static [u8]) -> Option<CmapSubtable<'static>> {
    let cmap = ReadScope::new(otf::table(bytes, b"cmap")?).read::<Cmap<'static>>().ok()?;
    match read_cmap_subtable(&cmap).ok()?? {
        (Encoding::Unicode, chars) => Some(chars),
        _ => None,
    }
}

/// The presentation allsorts records for a character with no variation selector.
fn default_presentation(c: char) -> VariationSelector {
    if allsorts::unicode::bool_prop_emoji_presentation(c) { VariationSelector::VS16 } else { VariationSelector::VS15 }
}

/// The glyphs of `infos`, at `positions` (advance, x and y offsets), each with the
/// characters it shows, matched against the text in order: allsorts may repeat a
/// character on a glyph (Arabic compositions do), and byte offsets must stay true for
/// hyphenation and bidi levels.
fn shaped(text: &str, infos: &[Info], positions: impl Iterator<Item = (i32, i32, i32)>) -> Shaped {
    let chars: Vec<char> = text.chars().collect();
    let mut next = 0;
    let mut byte = 0;
    let mut missing = Vec::new();
    let mut glyphs: Vec<ShapedGlyph> = infos
        .iter()
        .zip(positions.chain(std::iter::repeat((0, 0, 0))))
        .map(|(info, (advance, x_offset, y_offset))| {
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
                advance,
                x_offset,
                y_offset,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::fonts::{ARABIC, BUNDLED};
    use allsorts::gpos;
    use allsorts::gsub::FeatureInfo;
    use std::path::Path;

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

    /// What a shaped word shows, comparable.
    fn summary(s: &Shaped) -> String {
        format!("{:?} {:?}", s.glyphs, s.missing)
    }

    #[test]
    fn pairs_kern_as_allsorts_kerns_them() {
        let plain: Vec<char> = (' '..='\u{20AC}').filter(|&c| is_plain(c)).collect();
        for (_, _, _, name, bytes) in BUNDLED {
            let face = Typeface::parse(bytes, true).unwrap();
            let plain_tables = face.plain.as_ref();
            assert!(plain_tables.is_some(), "{name}: read in place");
            let plain_tables = plain_tables.unwrap();
            let mut memo = KernMemo::default();
            let font = &mut face.allsorts().font;
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
                    plain_tables.kerning.apply(&mut memo, &[left, right], &mut own).unwrap();
                    assert_eq!(own, [infos[0].kerning, infos[1].kerning], "{name}: glyphs {left} {right}");
                    kerned += usize::from(own != [0, 0]);
                }
            }
            assert!(kerned > 100, "{name}: only {kerned} pairs kerned");
        }
    }

    #[test]
    fn characters_map_to_the_glyphs_allsorts_maps_them_to() {
        let chars = ('\0'..'\u{3000}').chain('\u{FB00}'..='\u{FFFF}').chain(['😀', '🎓', '\u{1F4DE}']);
        for (name, bytes, plain) in
            BUNDLED.iter().map(|b| (b.3, b.4, true)).chain(ARABIC.iter().map(|a| (a.2, a.3, false)))
        {
            let face = Typeface::parse(bytes, plain).unwrap();
            assert!(face.chars.is_some(), "{name}: a Unicode character map");
            let mut mapped = 0;
            for c in chars.clone() {
                let own = face.glyph_variation(&mut Seen::default(), c);
                let allsorts = face.allsorts().font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None);
                assert_eq!(own, allsorts, "{name}: {c:?}");
                mapped += usize::from(own.0 != 0);
            }
            assert!(mapped > 200, "{name}: only {mapped} characters mapped");
        }
    }

    #[test]
    fn each_glyph_starts_the_lookups_its_coverage_says() {
        for (_, _, _, name, bytes) in BUNDLED {
            let face = Typeface::parse(bytes, true).unwrap();
            let PlainTables { triggers, order, masks, num_glyphs, .. } = face.plain.as_ref().unwrap();
            for glyph in 0..*num_glyphs {
                let candidates = masks.candidates(&[glyph]);
                for (position, &(lookup, _)) in order.iter().enumerate() {
                    let marked = candidates & (1 << position) != 0;
                    assert_eq!(marked, triggers.may_start(lookup, glyph), "{name}: glyph {glyph}, lookup {lookup}");
                }
            }
            assert!(masks.distinct() < usize::from(*num_glyphs) / 10, "{name}: {} masks", masks.distinct());
        }
    }

    #[test]
    fn plain_text_shapes_as_allsorts_does() {
        let texts = plain_texts();
        for (_, _, _, name, bytes) in BUNDLED {
            let face = Typeface::parse(bytes, true).unwrap();
            let plain = face.plain.as_ref().unwrap();
            let mut seen = Seen::default();
            let (mut substituted, mut unsubstituted) = (0, 0);
            for text in &texts {
                let expected = summary(&face.shape_with_allsorts(&mut Seen::default(), text));
                if let Some(shaped) = face.substituted(plain, &mut seen, text) {
                    assert_eq!(summary(&shaped), expected, "{name}: {text:?}, substituted in place");
                    substituted += 1;
                }
                if let Some(shaped) = face.unsubstituted(plain, &mut seen, text) {
                    assert_eq!(summary(&shaped), expected, "{name}: {text:?}, unsubstituted");
                    unsubstituted += 1;
                }
            }
            // Only a word a substitution brings a mark into goes to allsorts; only
            // ligatures and the like are substituted.
            assert!(substituted * 100 > texts.len() * 99, "{name}: only {substituted} of {} words", texts.len());
            assert!(unsubstituted * 10 > texts.len() * 9, "{name}: only {unsubstituted} of {} words", texts.len());
            assert!(
                face.unsubstituted(plain, &mut seen, "office").is_none(),
                "{name}: office has a ligature to look for"
            );
        }
    }

    #[test]
    fn shaping_without_the_lock_is_font_shape() {
        let sample =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/camille-durand.yaml"));
        let sample = sample.unwrap();
        let arabic: Vec<String> =
            sample.split_whitespace().filter(|w| w.chars().any(is_arabic)).map(str::to_string).collect();
        assert!(arabic.len() > 300, "the sample has an Arabic translation");
        // Marks that allsorts reorders (a shadda and its vowel), and a variation selector.
        let mut arabic = arabic;
        arabic.extend(["مُحَمَّدٌ", "شَدَّة", "سلام\u{FE00}", "\u{FE0F}من"].map(str::to_string));
        let latin = plain_texts();
        let faces =
            BUNDLED.iter().map(|b| (b.3, b.4, &latin[..])).chain(ARABIC.iter().map(|a| (a.2, a.3, &arabic[..])));
        for (name, bytes, texts) in faces {
            let face = Typeface::parse(bytes, false).unwrap();
            for text in texts {
                let (script, direction) = if text.chars().any(is_arabic) {
                    (tag::ARAB, TextDirection::RightToLeft)
                } else {
                    (tag::LATN, TextDirection::LeftToRight)
                };
                let locked = summary(&face.shape_locked(text, script, direction));
                face.allsorts().words.clear();
                assert_eq!(summary(&face.shape_with_allsorts(&mut Seen::default(), text)), locked, "{name}: {text:?}");
                face.allsorts().words.clear();
            }
        }
    }
}
