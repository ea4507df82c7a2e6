//! Which of a face's substitution lookups can act on a word, read from its GSUB table.
//!
//! allsorts tries every lookup of every feature at every glyph of every word: for
//! Gentium, twenty contextual subtables looking for an `i` before a combining accent,
//! in words that have no accent. A subtable acts only at a glyph of its coverage, and
//! a contextual one of format 3 only where each glyph it names is present; a lookup
//! none of whose subtables can start on the word's glyphs changes nothing, and is
//! skipped. The test is on the glyphs before each lookup, so substitutions made by
//! earlier lookups count.
//!
//! Read once per process for the lookups a face applies to Latin text, and then only
//! read from, so that every thread shares it.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::otf::{self, class, coverage, coverage_bits, table, u16_at};

/// A set of glyph ids.
struct GlyphSet(Vec<u64>);

impl GlyphSet {
    fn contains(&self, glyph: u16) -> bool {
        self.0.get(usize::from(glyph) / 64).is_some_and(|w| w & (1 << (glyph % 64)) != 0)
    }

    fn meets(&self, glyphs: &[u16]) -> bool {
        glyphs.iter().any(|&g| self.contains(g))
    }

    fn union(sets: &[&Arc<GlyphSet>]) -> GlyphSet {
        let mut words = vec![0u64; sets.iter().map(|s| s.0.len()).max().unwrap_or(0)];
        for set in sets {
            for (w, s) in words.iter_mut().zip(&set.0) {
                *w |= s;
            }
        }
        GlyphSet(words)
    }
}

/// What a subtable needs present to act: a glyph from each of these sets. `None`: a
/// subtable this reader does not know, which may always act.
type Needs = Option<Vec<Arc<GlyphSet>>>;

/// The sequences a subtable acts on, for the kinds whose rules are cheap to match in
/// place: ligatures (a ligature set names its components) and class-based contexts.
/// A glyph in a ligature's coverage is common (`f`, capitals in Gentium, `t` in Lato),
/// a ligature of its letters rare. Matched only in lookups that skip nothing but
/// marks, which plain text lacks, so that a sequence is consecutive glyphs.
#[derive(Clone, Copy)]
enum Rules {
    Ligatures(usize),
    ClassContext(usize),
}

impl Rules {
    /// Whether a rule matches somewhere in `glyphs` (a malformed table: yes).
    /// `covered`: the subtable's coverage, as a set.
    fn match_in(self, t: &[u8], covered: &GlyphSet, glyphs: &[u16]) -> bool {
        let matched = match self {
            Rules::Ligatures(at) => ligature_in(t, at, covered, glyphs),
            Rules::ClassContext(at) => class_context_in(t, at, covered, glyphs),
        };
        matched.unwrap_or(true)
    }
}

/// Ligature substitution, format 1: a ligature whose components follow a covered glyph.
fn ligature_in(t: &[u8], at: usize, covered: &GlyphSet, glyphs: &[u16]) -> Option<bool> {
    let coverage_at = at + usize::from(u16_at(t, at + 2)?);
    let sets = usize::from(u16_at(t, at + 4)?);
    for (i, &glyph) in glyphs.iter().enumerate() {
        if !covered.contains(glyph) {
            continue;
        }
        let Some(index) = coverage(t, coverage_at, glyph)? else { continue };
        if index >= sets {
            return None;
        }
        let set = at + usize::from(u16_at(t, at + 6 + 2 * index)?);
        for l in 0..usize::from(u16_at(t, set)?) {
            let ligature = set + usize::from(u16_at(t, set + 2 + 2 * l)?);
            let rest = usize::from(u16_at(t, ligature + 2)?).checked_sub(1)?;
            let following = &glyphs[i + 1..];
            if following.len() >= rest && (0..rest).all(|k| u16_at(t, ligature + 4 + 2 * k) == Some(following[k])) {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Context substitution, format 2: a covered glyph whose class has a rule the classes
/// of the glyphs after it match.
fn class_context_in(t: &[u8], at: usize, covered: &GlyphSet, glyphs: &[u16]) -> Option<bool> {
    let classes = at + usize::from(u16_at(t, at + 4)?);
    let sets = usize::from(u16_at(t, at + 6)?);
    for (i, &glyph) in glyphs.iter().enumerate() {
        if !covered.contains(glyph) {
            continue;
        }
        let first = usize::from(class(t, classes, glyph)?);
        let offset = if first < sets { usize::from(u16_at(t, at + 8 + 2 * first)?) } else { 0 };
        if offset == 0 {
            continue;
        }
        let set = at + offset;
        for r in 0..usize::from(u16_at(t, set)?) {
            let rule = set + usize::from(u16_at(t, set + 2 + 2 * r)?);
            let rest = usize::from(u16_at(t, rule)?).checked_sub(1)?;
            let following = &glyphs[i + 1..];
            if following.len() >= rest
                && (0..rest).all(|k| class(t, classes, following[k]) == u16_at(t, rule + 4 + 2 * k))
            {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Per glyph, which of a face's lookups (by their place in the order they are applied)
/// can start on it: a word then visits only the lookups one of its glyphs can start,
/// rather than testing every lookup of the face against every word. For faces that
/// apply at most 64 lookups to plain text (the bundled ones, 6 to 9), a bit each.
///
/// Glyphs share few masks (Gentium's 4,307 glyphs 8, Lato's 3,026 glyphs 11): each
/// glyph names its mask in a table of the distinct ones, in a byte. A mask per glyph
/// was 150 KB for the sample's five faces, fresh memory for every render; this is
/// 19 KB.
pub struct StartMasks {
    /// Lookups with a subtable this reader does not know, which may start anywhere.
    always: u64,
    /// Each glyph's mask, by its place in `masks`; the first mask is empty.
    by_glyph: Vec<u8>,
    masks: Vec<u64>,
}

impl StartMasks {
    /// The lookups that may start on one of `glyphs`.
    pub fn candidates(&self, glyphs: &[u16]) -> u64 {
        let mut mask = self.always;
        for &glyph in glyphs {
            if let Some(&at) = self.by_glyph.get(usize::from(glyph)) {
                mask |= self.masks[usize::from(at)];
            }
        }
        mask
    }

    /// How many distinct masks the glyphs share.
    #[cfg(test)]
    pub fn distinct(&self) -> usize {
        self.masks.len()
    }
}

/// The first place at or after `from` set in `mask`.
pub fn next_candidate(mask: u64, from: usize) -> Option<usize> {
    let rest = mask.checked_shr(from as u32)?.checked_shl(from as u32)?;
    (rest != 0).then(|| rest.trailing_zeros() as usize)
}

/// What a lookup's subtables need.
struct Lookup {
    /// What each subtable needs, and the rules it matches.
    subtables: Vec<(Needs, Option<Rules>)>,
    /// The glyphs any subtable can start on (`None`: any glyph), which rejects most
    /// words at one look each.
    starts: Option<GlyphSet>,
    /// The glyphs of every subtable's second set, when each has one: a word with none
    /// of them is rejected at one look rather than one per subtable (Gentium's twenty
    /// subtables for an `i` before an accent, on every word with an `i`).
    seconds: Option<GlyphSet>,
}

pub struct LookupTriggers {
    table: &'static [u8],
    /// Per lookup of the order it was read for (others: `None`).
    lookups: Vec<Option<Lookup>>,
}

impl LookupTriggers {
    /// What the lookups applied in `order` need, and which of them can start on each
    /// glyph; `None` when the face has no GSUB table, or lookups `StartMasks` cannot
    /// hold (allsorts then shapes the face's words).
    pub fn read(font: &'static [u8], order: &[usize]) -> Option<(LookupTriggers, StartMasks)> {
        let table = table(font, b"GSUB")?;
        let mut reader = Reader { table, lookup_list: usize::from(u16_at(table, 8)?), sets: FxHashMap::default() };
        let mut lookups: Vec<Option<Lookup>> = Vec::new();
        for &index in order {
            if lookups.len() <= index {
                lookups.resize_with(index + 1, || None);
            }
            if lookups[index].is_none() {
                lookups[index] = Some(reader.lookup(index));
            }
        }
        let triggers = LookupTriggers { table, lookups };
        let masks = triggers.start_masks(order)?;
        Some((triggers, masks))
    }

    /// Whether lookup `index` may change `glyphs`. Whether it can start on one of
    /// them at all is asked first, of `StartMasks`. A lookup not read: it may.
    pub fn may_act(&self, index: usize, glyphs: &[u16]) -> bool {
        let t = self.table;
        let Some(Some(lookup)) = self.lookups.get(index) else { return true };
        if lookup.seconds.as_ref().is_some_and(|seconds| !seconds.meets(glyphs)) {
            return false;
        }
        lookup.subtables.iter().any(|(needs, rules)| match needs {
            None => true,
            Some(sets) => {
                sets.iter().all(|set| set.meets(glyphs))
                    && rules.is_none_or(|r| sets.first().is_none_or(|covered| r.match_in(t, covered, glyphs)))
            }
        })
    }

    /// Whether lookup `index` can start on `glyph`, as its coverage says.
    #[cfg(test)]
    pub fn may_start(&self, index: usize, glyph: u16) -> bool {
        match self.lookups.get(index) {
            Some(Some(Lookup { starts: Some(starts), .. })) => starts.contains(glyph),
            _ => true,
        }
    }

    /// For lookups applied in `order`, which of them can start on each glyph; `None`
    /// for more than 64 lookups, or more than 256 distinct masks.
    fn start_masks(&self, order: &[usize]) -> Option<StartMasks> {
        if order.len() > 64 {
            return None;
        }
        let starts = |lookup: usize| match self.lookups.get(lookup) {
            Some(Some(Lookup { starts: Some(starts), .. })) => Some(starts),
            _ => None,
        };
        // Sized once, for the largest glyph.
        let words = order.iter().filter_map(|&lookup| starts(lookup)).map(|s| s.0.len()).max().unwrap_or(0);
        let mut always = 0;
        let mut by_glyph = vec![0u64; words * 64];
        for (position, &lookup) in order.iter().enumerate() {
            let bit = 1u64 << position;
            let Some(starts) = starts(lookup) else {
                always |= bit;
                continue;
            };
            for (w, &glyphs) in starts.0.iter().enumerate() {
                let mut rest = glyphs;
                while rest != 0 {
                    by_glyph[w * 64 + rest.trailing_zeros() as usize] |= bit;
                    rest &= rest - 1;
                }
            }
        }
        // Each mask kept once, found by comparing: consecutive glyphs mostly share one.
        let mut masks = vec![0];
        let (mut last, mut last_mask) = (0u8, 0u64);
        let mut shared = Vec::with_capacity(by_glyph.len());
        for mask in by_glyph {
            if mask != last_mask {
                let at = masks.iter().position(|&m| m == mask).unwrap_or_else(|| {
                    masks.push(mask);
                    masks.len() - 1
                });
                (last, last_mask) = (u8::try_from(at).ok()?, mask);
            }
            shared.push(last);
        }
        Some(StartMasks { always, by_glyph: shared, masks })
    }
}

/// Reads lookups from a GSUB table, sharing the coverage tables subtables have in common.
struct Reader {
    table: &'static [u8],
    lookup_list: usize,
    /// Coverage tables by offset.
    sets: FxHashMap<usize, Arc<GlyphSet>>,
}

impl Reader {
    /// What each subtable of lookup `index` needs, and the glyphs it can start on.
    fn lookup(&mut self, index: usize) -> Lookup {
        let subtables = self.lookup_needs(index).unwrap_or_else(|| vec![(None, None)]);
        let union = |nth: usize| {
            let sets = subtables.iter().map(|(n, _)| n.as_ref().and_then(|sets| sets.get(nth)));
            sets.collect::<Option<Vec<_>>>().map(|sets| GlyphSet::union(&sets))
        };
        let (starts, seconds) = (union(0), union(1));
        Lookup { subtables, starts, seconds }
    }

    fn lookup_needs(&mut self, index: usize) -> Option<Vec<(Needs, Option<Rules>)>> {
        let t = self.table;
        let lookup = self.lookup_list + usize::from(u16_at(t, self.lookup_list + 2 + 2 * index)?);
        // Skipping base glyphs or ligatures would make a sequence of glyphs apart.
        let consecutive = u16_at(t, lookup + 2)? & 0x0006 == 0;
        let needs = otf::subtables(t, lookup, 7)?;
        let needs = needs
            .into_iter()
            .map(|(kind, subtable)| {
                let rules = match (kind, u16_at(t, subtable)) {
                    (4, Some(1)) if consecutive => Some(Rules::Ligatures(subtable)),
                    (5, Some(2)) if consecutive => Some(Rules::ClassContext(subtable)),
                    _ => None,
                };
                (self.subtable_needs(kind, subtable), rules)
            })
            .collect();
        Some(needs)
    }

    fn subtable_needs(&mut self, kind: u16, at: usize) -> Needs {
        let t = self.table;
        let offsets: Vec<usize> = match (kind, u16_at(t, at)?) {
            // Single, multiple, alternate, ligature, context and chained context of
            // formats 1 and 2, reverse chained: the coverage of the first glyph.
            (1..=4 | 8, _) | (5 | 6, 1 | 2) => vec![at + usize::from(u16_at(t, at + 2)?)],
            // Context format 3: a coverage per input glyph.
            (5, 3) => {
                let count = usize::from(u16_at(t, at + 2)?);
                (0..count).map(|i| Some(at + usize::from(u16_at(t, at + 6 + 2 * i)?))).collect::<Option<_>>()?
            }
            // Chained context format 3: backtrack, input and lookahead coverages.
            (6, 3) => {
                let mut offsets = Vec::new();
                let mut cursor = at + 2;
                for _ in 0..3 {
                    let count = usize::from(u16_at(t, cursor)?);
                    for i in 0..count {
                        offsets.push(at + usize::from(u16_at(t, cursor + 2 + 2 * i)?));
                    }
                    cursor += 2 + 2 * count;
                }
                offsets
            }
            _ => return None,
        };
        offsets.into_iter().map(|offset| self.set(offset)).collect()
    }

    fn set(&mut self, offset: usize) -> Option<Arc<GlyphSet>> {
        if let Some(set) = self.sets.get(&offset) {
            return Some(set.clone());
        }
        let set = Arc::new(GlyphSet(coverage_bits(self.table, offset)?));
        self.sets.insert(offset, set.clone());
        Some(set)
    }
}
