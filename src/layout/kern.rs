//! Pair kerning read straight from a face's GPOS table, for plain Latin text.
//!
//! allsorts parses every value of a kerning lookup into memory before it kerns a
//! pair: for Lato, thirteen class-based subtables, more instructions than setting all
//! the paragraphs of a résumé. Kerning a pair needs two coverage lookups and two
//! class lookups, which read the table as it is.
//! The lookups are taken as allsorts takes them (`gpos::apply` for Latin: the `dist`
//! and `kern` features of the default language, the first subtable that covers a pair
//! wins), and a face whose positioning does anything else is left to allsorts.
//! `plain_text_shapes_as_allsorts_does` compares the two on every bundled face.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::otf::{self, class, coverage, coverage_bounds, table, u16_at};

/// `kern` and `dist` pair-positioning subtables of one face, in lookup order. Read
/// once per process and shared; what a thread has worked out from it is its `KernMemo`.
pub struct PairKerning {
    table: &'static [u8],
    /// Per lookup, the offsets of its pair-positioning subtables in `table`, each with
    /// the first and last glyph of its coverage: a left glyph new to a thread was
    /// looked up in every subtable's coverage table (Lato has thirteen, most of which
    /// do not have it), 0.36M instructions for the sample; outside its bounds, it is not.
    lookups: Vec<Vec<(usize, (u16, u16))>>,
}

/// The pairs one thread has kerned with a face, and where their left glyphs are found.
#[derive(Default)]
pub struct KernMemo {
    /// What all the lookups together give each pair seen so far. Lookups add up,
    /// and a pair's adjustment depends only on its two glyphs (plain text has no marks
    /// to skip), so a word's kerning is the sum of its pairs'.
    /// Keyed by FxHash: std's SipHash cost as much as reading the table for a new pair.
    pairs: FxHashMap<(u16, u16), (i16, i16)>,
    /// Per left glyph seen, per lookup, the subtables whose coverage has it, with its
    /// index there: a new pair then looks up only its classes or its pair set, not
    /// every subtable's coverage (Lato has thirteen).
    lefts: FxHashMap<u16, Vec<Vec<(usize, usize)>>>,
}

/// Value-record flags: XAdvance, and the device-table offsets, which count only in
/// variable fonts. A record with placements or a vertical advance is left to allsorts.
const X_ADVANCE: u16 = 0x0004;
const DEVICES: u16 = 0x00F0;

/// The GSUB-time features allsorts also looks up in GPOS; a face with any of them in
/// its positioning is left to allsorts.
const OTHER_FEATURES: [&[u8; 4]; 6] = [b"ccmp", b"rlig", b"clig", b"liga", b"locl", b"calt"];

impl PairKerning {
    /// The pair kerning of `font` for Latin text, or `None` when its positioning is
    /// not plain pair kerning.
    pub fn read(font: &'static [u8]) -> Option<PairKerning> {
        let gpos = table(font, b"GPOS")?;
        let script_list = usize::from(u16_at(gpos, 4)?);
        let feature_list = usize::from(u16_at(gpos, 6)?);
        let lookup_list = usize::from(u16_at(gpos, 8)?);
        let scripts = usize::from(u16_at(gpos, script_list)?);
        let find_script = |tag: &[u8; 4]| {
            (0..scripts).find_map(|i| {
                let record = script_list + 2 + 6 * i;
                (gpos.get(record..record + 4)? == tag).then_some(())?;
                Some(script_list + usize::from(u16_at(gpos, record + 4)?))
            })
        };
        let script = find_script(b"latn").or_else(|| find_script(b"DFLT"))?;
        let langsys = usize::from(u16_at(gpos, script)?);
        if langsys == 0 {
            return Some(PairKerning::new(gpos, Vec::new()));
        }
        let langsys = script + langsys;
        let mut lookup_indices = Vec::new();
        for i in 0..usize::from(u16_at(gpos, langsys + 4)?) {
            let feature_index = usize::from(u16_at(gpos, langsys + 6 + 2 * i)?);
            let record = feature_list + 2 + 6 * feature_index;
            let tag: &[u8; 4] = gpos.get(record..record + 4)?.try_into().ok()?;
            let feature = feature_list + usize::from(u16_at(gpos, record + 4)?);
            match tag {
                b"kern" | b"dist" => {
                    for j in 0..usize::from(u16_at(gpos, feature + 2)?) {
                        lookup_indices.push(u16_at(gpos, feature + 4 + 2 * j)?);
                    }
                }
                _ if OTHER_FEATURES.contains(&tag) => return None,
                _ => {}
            }
        }
        lookup_indices.sort_unstable();
        lookup_indices.dedup();
        let mut lookups = Vec::new();
        for index in lookup_indices {
            let lookup = lookup_list + usize::from(u16_at(gpos, lookup_list + 2 + 2 * usize::from(index))?);
            // Only ignoring marks (and which marks) is allowed: plain text has none.
            // Ignoring bases or ligatures would change which glyphs make a pair.
            if u16_at(gpos, lookup + 2)? & 0x0006 != 0 {
                return None;
            }
            let mut subtables = Vec::new();
            for (subtable_kind, subtable) in otf::subtables(gpos, lookup, 9)? {
                let format = u16_at(gpos, subtable)?;
                let (first, second) = (u16_at(gpos, subtable + 4)?, u16_at(gpos, subtable + 6)?);
                if subtable_kind != 2 || !(1..=2).contains(&format) || first & !(X_ADVANCE | DEVICES) != 0 {
                    return None;
                }
                if second & !(X_ADVANCE | DEVICES) != 0 {
                    return None;
                }
                subtables.push((subtable, coverage_bounds(gpos, subtable + usize::from(u16_at(gpos, subtable + 2)?))?));
            }
            lookups.push(subtables);
        }
        Some(PairKerning::new(gpos, lookups))
    }

    fn new(table: &'static [u8], lookups: Vec<Vec<(usize, (u16, u16))>>) -> PairKerning {
        PairKerning { table, lookups }
    }

    /// Adds each lookup's adjustment of `glyphs` to `kerning` (one per glyph, in font
    /// units, as allsorts's `Info::kerning`), remembering in `memo` what it looked up.
    /// `None` on a malformed table.
    pub fn apply(&self, memo: &mut KernMemo, glyphs: &[u16], kerning: &mut [i16]) -> Option<()> {
        let KernMemo { pairs, lefts } = memo;
        for i in 1..glyphs.len() {
            let pair = (glyphs[i - 1], glyphs[i]);
            let (first, second) = match pairs.get(&pair) {
                Some(&adjust) => adjust,
                None => {
                    let covering = match lefts.entry(pair.0) {
                        Entry::Occupied(seen) => seen.into_mut(),
                        Entry::Vacant(new) => new.insert(self.covering(pair.0)?),
                    };
                    let mut adjust = (0i16, 0i16);
                    for covering in covering.iter() {
                        if let Some((first, second)) = self.pair(covering, pair.0, pair.1)? {
                            adjust = (adjust.0.wrapping_add(first), adjust.1.wrapping_add(second));
                        }
                    }
                    pairs.insert(pair, adjust);
                    adjust
                }
            };
            kerning[i - 1] = kerning[i - 1].wrapping_add(first);
            kerning[i] = kerning[i].wrapping_add(second);
        }
        Some(())
    }

    /// Per lookup, the subtables whose coverage has `left`, with its index there.
    fn covering(&self, left: u16) -> Option<Vec<Vec<(usize, usize)>>> {
        let t = self.table;
        let mut lookups = Vec::with_capacity(self.lookups.len());
        for subtables in &self.lookups {
            let mut covering = Vec::new();
            for &(subtable, (first, last)) in subtables {
                if left < first || left > last {
                    continue;
                }
                if let Some(index) = coverage(t, subtable + usize::from(u16_at(t, subtable + 2)?), left)? {
                    covering.push((subtable, index));
                }
            }
            lookups.push(covering);
        }
        Some(lookups)
    }

    /// The advances the first subtable covering the pair gives it, of those whose
    /// coverage has its left glyph (`covering`).
    fn pair(&self, covering: &[(usize, usize)], left: u16, right: u16) -> Option<Option<(i16, i16)>> {
        let t = self.table;
        for &(subtable, index) in covering {
            let (format1, format2) = (u16_at(t, subtable + 4)?, u16_at(t, subtable + 6)?);
            let size1 = 2 * format1.count_ones() as usize;
            let record_size = size1 + 2 * format2.count_ones() as usize;
            if u16_at(t, subtable)? == 1 {
                let set = subtable + usize::from(u16_at(t, subtable + 10 + 2 * index)?);
                let count = usize::from(u16_at(t, set)?);
                let found = (0..count).find_map(|k| {
                    let record = set + 2 + k * (2 + record_size);
                    (u16_at(t, record) == Some(right)).then_some(record + 2)
                });
                if let Some(values) = found {
                    return Some(Some((advance(t, values, format1)?, advance(t, values + size1, format2)?)));
                }
            } else {
                let class1 = usize::from(class(t, subtable + usize::from(u16_at(t, subtable + 8)?), left)?);
                let class2 = usize::from(class(t, subtable + usize::from(u16_at(t, subtable + 10)?), right)?);
                let (count1, count2) = (usize::from(u16_at(t, subtable + 12)?), usize::from(u16_at(t, subtable + 14)?));
                if class1 >= count1 || class2 >= count2 {
                    return None;
                }
                let values = subtable + 16 + (class1 * count2 + class2) * record_size;
                return Some(Some((advance(t, values, format1)?, advance(t, values + size1, format2)?)));
            }
        }
        Some(None)
    }
}

/// The XAdvance of the value record at `at` (0 when the format has none).
fn advance(t: &[u8], at: usize, format: u16) -> Option<i16> {
    if format & X_ADVANCE == 0 {
        return Some(0);
    }
    Some(u16_at(t, at)? as i16)
}
