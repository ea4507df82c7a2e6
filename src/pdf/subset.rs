//! Font subsetting: each embedded font keeps only the glyphs the document uses.
//! printpdf embeds whole fonts unless its heavy `text_layout` feature is on, so the
//! subset is made here with allsorts and handed to printpdf as the font itself.

use std::collections::BTreeMap;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};

pub struct Subset {
    pub bytes: Vec<u8>,
    /// Original glyph id → glyph id in the subset.
    pub new_ids: BTreeMap<u16, u16>,
    /// `ABCDEF+Name`: the tag marks a subset for viewers and checkers. It is derived
    /// from the glyph set, so the same document always gets the same name.
    pub name: String,
}

pub fn subset_font(bytes: &[u8], postscript_name: &str, used: &BTreeMap<u16, String>) -> Result<Subset, String> {
    let data = ReadScope::new(bytes).read::<FontData<'_>>().map_err(|e| e.to_string())?;
    let provider = data.table_provider(0).map_err(|e| e.to_string())?;
    // .notdef first; allsorts numbers the subset's glyphs in the order given.
    let ids: Vec<u16> = std::iter::once(0).chain(used.keys().copied().filter(|g| *g != 0)).collect();
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| e.to_string())?;
    let new_ids = ids.iter().enumerate().map(|(new, old)| (*old, new as u16)).collect();
    Ok(Subset { bytes, new_ids, name: format!("{}+{postscript_name}", tag(&ids)) })
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
