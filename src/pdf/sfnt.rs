//! TrueType tables read and rewritten in place: subsets made, hinting taken out, ink
//! extents read off the glyph headers.
//!
//! Hinting (the `fpgm`, `prep` and `cvt ` tables and each glyph's instructions)
//! snaps outlines to the pixel grid of a screen at small sizes. PDF viewers render
//! embedded fonts unhinted or auto-hinted (poppler, pdf.js, MuPDF, Acrobat) and
//! printers far above the sizes it is for, so it only costs bytes: 40% of each
//! compressed subset, a quarter of a text-only résumé (as `pyftsubset --no-hinting`).

use rustc_hash::FxHashMap;

use crate::otf::{self, u16_at, u32_at};

/// A table of a font: its tag and bytes.
struct Table {
    tag: [u8; 4],
    data: Vec<u8>,
}

fn read_tables(font: &[u8]) -> Option<Vec<Table>> {
    Some(otf::tables(font)?.into_iter().map(|(tag, data)| Table { tag, data: data.to_vec() }).collect())
}

/// The outlines of a TrueType font: each glyph's bytes in `glyf`, found by `loca`.
struct Outlines<'a> {
    loca: &'a [u8],
    glyf: &'a [u8],
    long: bool,
    count: usize,
}

impl<'a> Outlines<'a> {
    fn of(tables: &[([u8; 4], &'a [u8])]) -> Option<Outlines<'a>> {
        let find = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, data)| *data);
        let (head, loca, glyf) = (find(b"head")?, find(b"loca")?, find(b"glyf")?);
        let long = u16_at(head, 50)? == 1;
        let count = (loca.len() / if long { 4 } else { 2 }).saturating_sub(1);
        Some(Outlines { loca, glyf, long, count })
    }

    /// The bytes of glyph `id`.
    fn glyph(&self, id: u16) -> Option<&'a [u8]> {
        let i = usize::from(id);
        if i >= self.count {
            return None;
        }
        let (start, end) = if self.long {
            (u32_at(self.loca, 4 * i)? as usize, u32_at(self.loca, 4 * i + 4)? as usize)
        } else {
            (usize::from(u16_at(self.loca, 2 * i)?) * 2, usize::from(u16_at(self.loca, 2 * i + 2)?) * 2)
        };
        self.glyf.get(start..end)
    }

    fn all(&self) -> Option<Vec<&'a [u8]>> {
        (0..self.count).map(|i| self.glyph(u16::try_from(i).ok()?)).collect()
    }
}

/// A glyph without its instructions.
fn unhinted(glyph: &[u8]) -> Option<Vec<u8>> {
    if glyph.is_empty() {
        return Some(Vec::new());
    }
    let contours = i16::from_be_bytes([glyph[0], glyph[1]]);
    if contours >= 0 {
        // Header (10 bytes), end points of contours, instruction length, instructions, outline.
        let at = 10 + 2 * contours as usize;
        let length = usize::from(u16_at(glyph, at)?);
        let outline = at + 2 + length;
        let mut out = glyph.get(..at)?.to_vec();
        out.extend([0, 0]);
        out.extend(glyph.get(outline..outline + outline_length(glyph, contours as usize, outline)?)?);
        return Some(out);
    }
    // A composite: its component records, the last of which may be followed by
    // instructions.
    let (records, end) = component_records(glyph)?;
    let mut out = glyph.get(..end)?.to_vec();
    // WE_HAVE_INSTRUCTIONS off in the last component's flags.
    out[*records.last()?] &= !0x01;
    Some(out)
}

/// Bytes of a simple glyph's flags and coordinates starting at `at`: what precedes
/// the padding the subsetter left after it.
fn outline_length(glyph: &[u8], contours: usize, at: usize) -> Option<usize> {
    if contours == 0 {
        return Some(0);
    }
    let points = usize::from(u16_at(glyph, 10 + 2 * (contours - 1))?) + 1;
    let (mut i, mut seen, mut coords) = (at, 0, 0);
    while seen < points {
        let flag = *glyph.get(i)?;
        i += 1;
        let repeat = if flag & 0x08 != 0 {
            i += 1;
            usize::from(*glyph.get(i - 1)?) + 1
        } else {
            1
        };
        // x: one byte when short, none when the same as before, else two; y alike.
        let x = if flag & 0x02 != 0 {
            1
        } else if flag & 0x10 != 0 {
            0
        } else {
            2
        };
        let y = if flag & 0x04 != 0 {
            1
        } else if flag & 0x20 != 0 {
            0
        } else {
            2
        };
        coords += (x + y) * repeat;
        seen += repeat;
    }
    Some(i - at + coords)
}

/// `font` without hinting; `None` when it is not a TrueType font this can read
/// (it is then embedded as it is).
pub fn strip_hinting(font: &[u8]) -> Option<Vec<u8>> {
    let mut glyf = Vec::new();
    let mut loca = Vec::new();
    for glyph in Outlines::of(&otf::tables(font)?)?.all()? {
        loca.extend((glyf.len() as u32).to_be_bytes());
        glyf.extend(unhinted(glyph)?);
        glyf.resize(glyf.len().next_multiple_of(4), 0);
    }
    loca.extend((glyf.len() as u32).to_be_bytes());
    let mut kept: Vec<Table> =
        read_tables(font)?.into_iter().filter(|t| !matches!(&t.tag, b"fpgm" | b"prep" | b"cvt ")).collect();
    for table in &mut kept {
        match &table.tag {
            b"glyf" => table.data = std::mem::take(&mut glyf),
            b"loca" => table.data = std::mem::take(&mut loca),
            // Long offsets in loca; checksum adjustment recomputed below.
            b"head" if table.data.len() >= 54 => {
                table.data[50..52].copy_from_slice(&1u16.to_be_bytes());
                table.data[8..12].fill(0);
            }
            // maxSizeOfInstructions
            b"maxp" if table.data.len() >= 28 => table.data[26..28].fill(0),
            _ => {}
        }
    }
    Some(assemble(kept))
}

/// The subset of a TrueType `font` with glyphs `ids` (numbered 0, 1, ... in that
/// order; an id may repeat), the components of its composite glyphs after them,
/// unhinted. Its tables: glyf, loca, hmtx, hhea, maxp, head, post without glyph
/// names, and an empty cmap: a PDF addresses glyphs by number. `None` for a font
/// this cannot read, such as one with CFF outlines.
///
/// allsorts's subsetter read every glyph of the font into memory first: half the
/// time of subsetting, when a résumé uses a hundred of Gentium's 4,300 glyphs.
pub fn subset(font: &[u8], ids: &[u16]) -> Option<Vec<u8>> {
    let tables = otf::tables(font)?;
    let find = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, data)| *data);
    let (head, hhea, hmtx, maxp, post) =
        (find(b"head")?, find(b"hhea")?, find(b"hmtx")?, find(b"maxp")?, find(b"post")?);
    let outlines = Outlines::of(&tables)?;
    let glyph = |id: u16| outlines.glyph(id);
    // The glyphs kept, old ids in new order; each old id's first new id (FxHash:
    // SipHash, with the map grown from empty, was a fifth of this function's work).
    let mut kept: Vec<u16> = ids.to_vec();
    let mut new_id: FxHashMap<u16, u16> = FxHashMap::with_capacity_and_hasher(2 * ids.len(), Default::default());
    for (i, &id) in kept.iter().enumerate() {
        new_id.entry(id).or_insert(i as u16);
    }
    let mut i = 0;
    while i < kept.len() {
        for component in components(glyph(kept[i])?)? {
            if let std::collections::hash_map::Entry::Vacant(slot) = new_id.entry(component) {
                slot.insert(kept.len() as u16);
                kept.push(component);
            }
        }
        i += 1;
    }
    let count = u16::try_from(kept.len()).ok()?;
    let mut glyf_out = Vec::new();
    let mut loca_out = Vec::with_capacity(4 * kept.len() + 4);
    let mut hmtx_out = Vec::with_capacity(4 * kept.len());
    let metrics = usize::from(u16_at(hhea, 34)?).max(1);
    for &id in &kept {
        loca_out.extend((glyf_out.len() as u32).to_be_bytes());
        let mut data = unhinted(glyph(id)?)?;
        renumber_components(&mut data, &new_id)?;
        glyf_out.extend(data);
        glyf_out.resize(glyf_out.len().next_multiple_of(4), 0);
        let i = usize::from(id);
        let advance = u16_at(hmtx, 4 * i.min(metrics - 1))?;
        let lsb = if i < metrics { u16_at(hmtx, 4 * i + 2)? } else { u16_at(hmtx, 4 * metrics + 2 * (i - metrics))? };
        hmtx_out.extend(advance.to_be_bytes());
        hmtx_out.extend(lsb.to_be_bytes());
    }
    loca_out.extend((glyf_out.len() as u32).to_be_bytes());
    let mut head_out = head.to_vec();
    head_out.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes());
    head_out.get_mut(8..12)?.fill(0);
    let mut hhea_out = hhea.to_vec();
    hhea_out.get_mut(34..36)?.copy_from_slice(&count.to_be_bytes());
    let mut maxp_out = maxp.to_vec();
    maxp_out.get_mut(4..6)?.copy_from_slice(&count.to_be_bytes());
    if maxp_out.len() >= 28 {
        maxp_out[26..28].fill(0); // maxSizeOfInstructions
    }
    let mut post_out = post.get(..32)?.to_vec();
    post_out[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    // cmap: a format 4 subtable (Windows, Unicode BMP) whose one segment maps nothing.
    let mut cmap = Vec::new();
    for v in [0u16, 1, 3, 1] {
        cmap.extend(v.to_be_bytes());
    }
    cmap.extend(12u32.to_be_bytes());
    for v in [4u16, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0] {
        cmap.extend(v.to_be_bytes());
    }
    let table = |tag: &[u8; 4], data: Vec<u8>| Table { tag: *tag, data };
    Some(assemble(vec![
        table(b"cmap", cmap),
        table(b"glyf", glyf_out),
        table(b"head", head_out),
        table(b"hhea", hhea_out),
        table(b"hmtx", hmtx_out),
        table(b"loca", loca_out),
        table(b"maxp", maxp_out),
        table(b"post", post_out),
    ]))
}

/// Where each component record of a composite glyph starts (its flags; the
/// component's glyph index follows them), and where the last one ends.
fn component_records(glyph: &[u8]) -> Option<(Vec<usize>, usize)> {
    let mut at = 10;
    let mut records = Vec::new();
    loop {
        let flags = u16_at(glyph, at)?;
        records.push(at);
        let args = if flags & 0x0001 != 0 { 4 } else { 2 };
        let transform = if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        at += 4 + args + transform;
        // MORE_COMPONENTS
        if flags & 0x0020 == 0 {
            return Some((records, at));
        }
    }
}

/// Where a glyph names its components' glyph indices; none for a simple glyph.
fn component_indices(glyph: &[u8]) -> Option<Vec<usize>> {
    if glyph.len() < 10 || i16::from_be_bytes([glyph[0], glyph[1]]) >= 0 {
        return Some(Vec::new());
    }
    Some(component_records(glyph)?.0.into_iter().map(|at| at + 2).collect())
}

/// The glyphs a composite glyph is made of.
fn components(glyph: &[u8]) -> Option<Vec<u16>> {
    component_indices(glyph)?.into_iter().map(|at| u16_at(glyph, at)).collect()
}

/// Points a composite glyph's components at their ids in the subset.
fn renumber_components(glyph: &mut [u8], new_id: &FxHashMap<u16, u16>) -> Option<()> {
    for at in component_indices(glyph)? {
        let id = new_id.get(&u16_at(glyph, at)?)?;
        glyph.get_mut(at..at + 2)?.copy_from_slice(&id.to_be_bytes());
    }
    Some(())
}

/// The sum of `data` read as big-endian 32-bit words, the last one padded with zeros.
/// Whole words are read as they are: padding every word through a copy of its
/// length was a call to `memcpy` each, 17,000 for the sample's five subsets and a
/// fortieth of a render's instructions.
fn checksum(data: &[u8]) -> u32 {
    let words = data.chunks_exact(4);
    let mut last = [0u8; 4];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    let sum = words.fold(0u32, |sum, w| sum.wrapping_add(u32::from_be_bytes([w[0], w[1], w[2], w[3]])));
    sum.wrapping_add(u32::from_be_bytes(last))
}

/// Writes the font file: directory sorted by tag, tables 4-byte aligned.
fn assemble(mut tables: Vec<Table>) -> Vec<u8> {
    tables.sort_by_key(|t| t.tag);
    let count = tables.len() as u16;
    let power = if count == 0 { 0 } else { 15 - count.leading_zeros() as u16 };
    let mut out = Vec::new();
    out.extend(0x0001_0000u32.to_be_bytes());
    out.extend(count.to_be_bytes());
    out.extend((16u16 << power).to_be_bytes());
    out.extend(power.to_be_bytes());
    out.extend((count * 16).saturating_sub(16 << power).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    for t in &tables {
        out.extend(t.tag);
        out.extend(checksum(&t.data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((t.data.len() as u32).to_be_bytes());
        offset += t.data.len().next_multiple_of(4);
    }
    let mut head_at = None;
    for t in &tables {
        if &t.tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend(&t.data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// Highest and lowest ink of the font's glyphs, from their headers, in font units.
pub fn ink(font: &[u8]) -> Option<(i16, i16)> {
    let boxes: Vec<(i16, i16)> = Outlines::of(&otf::tables(font)?)?
        .all()?
        .into_iter()
        .filter(|g| g.len() >= 10)
        .map(|g| (i16::from_be_bytes([g[8], g[9]]), i16::from_be_bytes([g[4], g[5]])))
        .collect();
    Some((boxes.iter().map(|b| b.0).max()?, boxes.iter().map(|b| b.1).min()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENTIUM: &[u8] = include_bytes!("../../fonts/gentium/GentiumBookPlus-Regular.ttf");

    #[test]
    fn a_checksum_adds_big_endian_words_the_last_padded_with_zeros() {
        assert_eq!(checksum(&[]), 0);
        assert_eq!(checksum(&[0, 0, 1, 2]), 0x0102);
        assert_eq!(checksum(&[0, 0, 1, 2, 3]), 0x0102 + 0x0300_0000);
        assert_eq!(checksum(&[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2, 0, 5]), 1 + 0x0005_0000);
    }

    #[test]
    fn hinting_goes_and_the_outlines_stay() {
        let stripped = strip_hinting(GENTIUM).expect("a TrueType font");
        assert!(stripped.len() < GENTIUM.len());
        let tables = read_tables(&stripped).unwrap();
        assert!(!tables.iter().any(|t| matches!(&t.tag, b"fpgm" | b"prep" | b"cvt ")));
        assert_eq!(glyphs_of(GENTIUM).len(), glyphs_of(&stripped).len());
        assert_eq!(ink(GENTIUM), ink(&stripped), "the same boxes");
        // allsorts reads the result, with the same outlines' boxes.
        let data =
            allsorts::binary::read::ReadScope::new(&stripped).read::<allsorts::font_data::FontData<'_>>().unwrap();
        let mut font = allsorts::Font::new(data.table_provider(0).unwrap()).unwrap();
        let original =
            allsorts::binary::read::ReadScope::new(GENTIUM).read::<allsorts::font_data::FontData<'_>>().unwrap();
        let mut original = allsorts::Font::new(original.table_provider(0).unwrap()).unwrap();
        for g in [0u16, 3, 36, 68, 200, 900] {
            assert_eq!(font.bounding_box(g).unwrap(), original.bounding_box(g).unwrap(), "glyph {g}");
        }
        assert_eq!(checksum(&stripped), 0xB1B0_AFBA, "whole-font checksum");
    }

    fn glyphs_of(font: &[u8]) -> Vec<&[u8]> {
        Outlines::of(&otf::tables(font).unwrap()).unwrap().all().unwrap()
    }

    #[test]
    fn a_subset_keeps_its_glyphs_outlines_advances_and_components() {
        let fonts: [&[u8]; 3] = [
            GENTIUM,
            include_bytes!("../../fonts/lato/Lato-Regular.ttf"),
            include_bytes!("../../fonts/noto-arabic/NotoNaskhArabic-Regular.ttf"),
        ];
        for font in fonts {
            let data =
                allsorts::binary::read::ReadScope::new(font).read::<allsorts::font_data::FontData<'_>>().unwrap();
            let mut original = allsorts::Font::new(data.table_provider(0).unwrap()).unwrap();
            let glyph = |f: &mut allsorts::Font<_>, c: char| {
                f.lookup_glyph_index(c, allsorts::font::MatchingPresentation::NotRequired, None).0
            };
            // .notdef, composites (accented letters, a colon), a repeat, Arabic.
            let ids: Vec<u16> = std::iter::once(0).chain("AéÄ:;éxح".chars().map(|c| glyph(&mut original, c))).collect();
            let bytes = subset(font, &ids).expect("a TrueType font");
            assert_eq!(checksum(&bytes), 0xB1B0_AFBA, "whole-font checksum");
            let data =
                allsorts::binary::read::ReadScope::new(&bytes).read::<allsorts::font_data::FontData<'_>>().unwrap();
            let mut sub = allsorts::Font::new(data.table_provider(0).unwrap()).unwrap();
            for (new, &old) in ids.iter().enumerate() {
                let new = new as u16;
                assert_eq!(sub.bounding_box(new).ok(), original.bounding_box(old).ok(), "glyph {old} -> {new}");
                assert_eq!(sub.horizontal_advance(new), original.horizontal_advance(old), "glyph {old}");
            }
            // Each composite's components came along, renumbered, with their outlines.
            let glyphs = glyphs_of(&bytes);
            let original_glyphs = glyphs_of(font);
            let mut composites = 0;
            for (new, &old) in ids.iter().enumerate() {
                let (now, before) =
                    (components(glyphs[new]).unwrap(), components(original_glyphs[usize::from(old)]).unwrap());
                assert_eq!(now.len(), before.len());
                for (n, b) in now.iter().zip(&before) {
                    assert!(usize::from(*n) < glyphs.len());
                    assert_eq!(sub.bounding_box(*n).ok(), original.bounding_box(*b).ok());
                }
                composites += usize::from(!now.is_empty());
            }
            if font == GENTIUM {
                assert!(composites >= 3, "Gentium builds accented letters from parts");
            }
        }
    }
}
