//! Font subsetting: each embedded font keeps only the glyphs the document uses.
//! printpdf embeds whole fonts unless its heavy `text_layout` feature is on, so the
//! subset is made here (by `sfnt`, or allsorts for fonts with CFF outlines) and
//! embedded by `font`.

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tag;

/// Original glyph id → glyph id in the subset, for the text it shows. Looked up for
/// each of a document's glyphs (15,000 on three pages): a glyph shown with one text,
/// as nearly all are, is found by its number in a table, where a map of each glyph's
/// texts cost a tenth of a render's page contents.
pub struct GlyphIds {
    /// By original glyph id: the subset's id, 0 for a glyph not shown, `SEVERAL` for
    /// one shown with several texts (then in `several`).
    single: Vec<u16>,
    several: BTreeMap<u16, Vec<(String, u16)>>,
}

const SEVERAL: u16 = u16::MAX;

impl GlyphIds {
    /// The ids of `used`, sorted by glyph and then text, numbered from 1 in order.
    fn numbered(used: &[&(u16, &str)]) -> GlyphIds {
        let single = vec![0; used.last().map_or(0, |(g, _)| usize::from(*g) + 1)];
        let mut ids = GlyphIds { single, several: BTreeMap::new() };
        for (i, &&(gid, text)) in used.iter().enumerate() {
            let new = i as u16 + 1;
            let shared = |j: usize| used.get(j).is_some_and(|(g, _)| *g == gid);
            if shared(i + 1) || (i > 0 && shared(i - 1)) {
                ids.single[usize::from(gid)] = SEVERAL;
                ids.several.entry(gid).or_default().push((text.to_string(), new));
            } else {
                ids.single[usize::from(gid)] = new;
            }
        }
        ids
    }

    /// The subset's glyph for `gid` showing `text` (.notdef when it has none).
    pub fn glyph(&self, gid: u16, text: &str) -> u16 {
        match self.single.get(usize::from(gid)).copied() {
            None => 0,
            Some(SEVERAL) => {
                self.several.get(&gid).and_then(|v| v.iter().find(|(t, _)| t == text)).map_or(0, |(_, id)| *id)
            }
            Some(id) => id,
        }
    }
}

pub struct Subset {
    pub bytes: Vec<u8>,
    pub new_ids: GlyphIds,
    /// Highest and lowest ink of the subset's glyphs, in font units: what the font
    /// descriptor's Ascent and Descent give readers for the height of a line of it.
    pub ink: Option<(i16, i16)>,
    /// `ABCDEF+Name`: the tag marks a subset for viewers and checkers. It is derived
    /// from the glyph set, so the same document always gets the same name.
    pub name: String,
}

pub fn subset_font(bytes: &[u8], postscript_name: &str, used: &BTreeSet<(u16, &str)>) -> Result<Subset, String> {
    // .notdef first; the subset's glyphs are numbered in the order given. A glyph
    // used with several texts is listed once for each: each copy gets its own id.
    let used: Vec<&(u16, &str)> = used.iter().filter(|(g, _)| *g != 0).collect();
    let ids: Vec<u16> = std::iter::once(0).chain(used.iter().map(|(g, _)| *g)).collect();
    // TrueType fonts (all the bundled ones) are subset in place by `sfnt`; others by
    // allsorts, with its PDF profile without `name` (the font descriptor names the
    // font, and Gentium's name table, its licence text, was half of each subset) and
    // without hinting (see `sfnt`).
    let bytes = match super::sfnt::subset(bytes, &ids) {
        Some(bytes) => bytes,
        None => {
            let data = ReadScope::new(bytes).read::<FontData<'_>>().map_err(|e| e.to_string())?;
            let provider = data.table_provider(0).map_err(|e| e.to_string())?;
            let tables = vec![tag::CMAP, tag::HEAD, tag::HHEA, tag::HMTX, tag::MAXP, tag::POST];
            let bytes = subset(&provider, &ids, &SubsetProfile::Custom(tables), CmapTarget::Unicode)
                .map_err(|e| e.to_string())?;
            super::sfnt::strip_hinting(&bytes).unwrap_or(bytes)
        }
    };
    let new_ids = GlyphIds::numbered(&used);
    // A font's own ascent and descent cover its tallest marks: Noto Sans Arabic's
    // span 2.1 em, so a reader would see each line of it overlap the next.
    let ink = super::sfnt::ink(&bytes);
    Ok(Subset { bytes, new_ids, ink, name: format!("{}+{postscript_name}", tag(&ids)) })
}

/// Six capital letters from a hash of the glyph set (FNV-1a).
fn tag(ids: &[u16]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for id in ids {
        for b in id.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    (0..6).map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_of_a_glyph_has_its_own_id() {
        // Glyph 7 shows "(" and ")" (mirrored in Arabic), 9 and 300 one text each.
        let used = [(7, "("), (7, ")"), (9, "a"), (300, "fi")];
        let ids = GlyphIds::numbered(&used.iter().collect::<Vec<_>>());
        assert_eq!([ids.glyph(7, "("), ids.glyph(7, ")"), ids.glyph(9, "a"), ids.glyph(300, "fi")], [1, 2, 3, 4]);
        // Not shown, or beyond the table, or with a text it was not shown with: .notdef.
        assert_eq!([ids.glyph(8, "b"), ids.glyph(301, "x"), ids.glyph(7, "x"), ids.glyph(0, "\u{FFFD}")], [0; 4]);
    }
}
