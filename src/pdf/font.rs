//! The objects that embed a subset font: a Type0 font over one CIDFont, its
//! descriptor, its program and its ToUnicode map, with the advances readers follow.
//!
//! They are written as printpdf writes them (`add_subset_font_to_pdf`), from the
//! subset's own tables. Handed the subset as a font, printpdf parsed it again and
//! copied its bytes five times over (230 KB of fresh memory for the sample's five
//! fonts) on the thread the pages wait for, for widths and a ToUnicode map that were
//! then replaced.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use crate::otf::{table, u16_at};

/// The glyph advances of an embedded font, as PDF readers will use them.
pub struct EmbeddedFont {
    /// By glyph id in the subset, for a font size of 1.
    advances: Vec<f32>,
}

impl EmbeddedFont {
    /// The advances of a subset whose glyphs have `widths` in font units, by glyph id.
    fn new(units_per_em: u16, widths: &[u16]) -> EmbeddedFont {
        // In tenths of a thousandth of an em, as the `/W` array gives it to readers
        // (`width_runs`).
        let advances = widths
            .iter()
            .map(|&width| (f32::from(width) * 10_000.0 / f32::from(units_per_em)).round() / 10_000.0)
            .collect();
        EmbeddedFont { advances }
    }

    /// Advance of glyph `gid` for a font size of 1 (looked up for every glyph shown).
    pub fn advance(&self, gid: u16) -> f32 {
        self.advances.get(usize::from(gid)).copied().unwrap_or(0.0)
    }
}

/// What the font objects say of a subset, read from its tables.
pub struct Metrics {
    units_per_em: u16,
    /// `head`'s bounding box: x and y minimum, x and y maximum.
    bbox: [i16; 4],
    ascender: i16,
    descender: i16,
    caret_slope: (i16, i16),
    /// `OS/2`'s weight class, 0 without one (subsets have none).
    weight: u16,
}

fn i16_at(data: &[u8], at: usize) -> Option<i16> {
    u16_at(data, at).map(|v| v as i16)
}

impl Metrics {
    /// The metrics of the font `sfnt`, and its glyphs' advances; `None` when a table
    /// they come from is missing.
    pub fn read(sfnt: &[u8]) -> Option<(Metrics, EmbeddedFont)> {
        let (head, hhea, maxp, hmtx) =
            (table(sfnt, b"head")?, table(sfnt, b"hhea")?, table(sfnt, b"maxp")?, table(sfnt, b"hmtx")?);
        let units_per_em = u16_at(head, 18)?;
        let bbox = [i16_at(head, 36)?, i16_at(head, 38)?, i16_at(head, 40)?, i16_at(head, 42)?];
        let long_metrics = usize::from(u16_at(hhea, 34)?);
        // A glyph past the last long metric has its advance (allsorts's `HmtxTable`,
        // which printpdf read them with); a table too short for its glyphs gives none.
        let glyphs = usize::from(u16_at(maxp, 4)?);
        let last = long_metrics.checked_sub(1)?;
        let widths: Vec<u16> = (0..glyphs).map(|g| u16_at(hmtx, 4 * g.min(last))).collect::<Option<_>>()?;
        let weight = table(sfnt, b"OS/2").and_then(|os2| u16_at(os2, 4)).unwrap_or(0);
        let metrics = Metrics {
            units_per_em,
            bbox,
            ascender: i16_at(hhea, 4)?,
            descender: i16_at(hhea, 6)?,
            caret_slope: (i16_at(hhea, 18)?, i16_at(hhea, 20)?),
            weight,
        };
        Some((metrics, EmbeddedFont::new(units_per_em, &widths)))
    }
}

/// One subset to embed.
pub struct Embedding {
    /// `ABCDEF+Name`.
    pub name: String,
    pub metrics: Metrics,
    /// The ascent and descent of the subset's ink, when it has glyphs with ink.
    pub ink: Option<(i16, i16)>,
    /// The font program as it is embedded (`program`), and the same deflated.
    pub program: Vec<u8>,
    pub packed: Option<Vec<u8>>,
    /// `program` is a bare CFF table (a CID-keyed font) or an OpenType font with CFF
    /// outlines, rather than a TrueType font.
    pub outlines: Outlines,
    /// The ToUnicode map, and the same deflated (when that makes it smaller).
    pub to_unicode: (Vec<u8>, Option<Vec<u8>>),
}

#[derive(Clone, Copy, PartialEq)]
pub enum Outlines {
    TrueType,
    BareCff,
    OpenTypeCff,
}

/// The font program to embed for the subset `sfnt`: a CID-keyed CFF font's bare
/// `CFF ` table (the only wrapper under which every viewer finds glyphs by the CIDs
/// the codes name, printpdf found), or the font itself.
pub fn program(sfnt: Vec<u8>) -> (Vec<u8>, Outlines) {
    match printpdf::extract_cid_keyed_cff(&sfnt, 0) {
        Some(cff) => (cff, Outlines::BareCff),
        None if sfnt.starts_with(b"OTTO") => (sfnt, Outlines::OpenTypeCff),
        None => (sfnt, Outlines::TrueType),
    }
}

/// Adds the font objects of `font` to `lo`, with the advances of the glyphs `shown`
/// (codes ascending, each with its glyph); gives the Type0 font's id.
pub fn add(lo: &mut lopdf::Document, font: Embedding, widths: &EmbeddedFont, shown: &[(u16, u16)]) -> ObjectId {
    let Embedding { name, metrics: m, ink, program, packed, outlines, to_unicode: (map, map_packed) } = font;
    let kind = match outlines {
        Outlines::TrueType => ("Length1", Object::Integer(program.len() as i64)),
        Outlines::BareCff => ("Subtype", Object::from("CIDFontType0C")),
        Outlines::OpenTypeCff => ("Subtype", Object::from("OpenType")),
    };
    let program = lo.add_object(super::stream(Dictionary::from_iter([kind]), program, packed));

    // In thousandths of an em, as printpdf scales them.
    let per_unit = if m.units_per_em == 0 { 1.0 } else { 1000.0 / f32::from(m.units_per_em) };
    let scale = |v: i16| (f32::from(v) * per_unit).round() as i64;
    let (ascent, descent) = match ink {
        Some((ascent, descent)) => (ascent.max(0), descent.min(0)),
        None => (m.ascender, m.descender),
    };
    let (ascent, descent) = (scale(ascent), scale(descent));
    let (rise, run) = m.caret_slope;
    // Counter-clockwise from vertical: an italic's is negative.
    let italic_angle = if rise == 0 { 0 } else { (-f32::from(run).atan2(f32::from(rise)).to_degrees()).round() as i64 };
    // Non-symbolic, and italic when slanted (PDF 32000-1, table 123).
    let flags = 32 | if italic_angle != 0 { 64 } else { 0 };
    // The stem thickness PDF producers estimate from the weight class.
    let stem_v = if m.weight == 0 { 80 } else { 50 + (f32::from(m.weight) / 65.0).powi(2).round() as i64 };
    let font_file = if outlines == Outlines::TrueType { "FontFile2" } else { "FontFile3" };
    let descriptor = lo.add_object(Dictionary::from_iter([
        ("Type", Object::from("FontDescriptor")),
        ("FontName", Object::Name(name.as_bytes().to_vec())),
        ("Ascent", Object::Integer(ascent)),
        ("Descent", Object::Integer(descent)),
        ("CapHeight", Object::Integer(ascent)),
        ("ItalicAngle", Object::Integer(italic_angle)),
        ("Flags", Object::Integer(flags)),
        ("StemV", Object::Integer(stem_v)),
        ("FontBBox", Object::Array(m.bbox.iter().map(|&v| Object::Integer(scale(v))).collect())),
        (font_file, Object::Reference(program)),
    ]));

    let mut cid_font = Dictionary::from_iter([
        ("Type", Object::from("Font")),
        ("BaseFont", Object::Name(name.as_bytes().to_vec())),
        ("Subtype", Object::from(if outlines == Outlines::TrueType { "CIDFontType2" } else { "CIDFontType0" })),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter([
                ("Registry", Object::String(b"Adobe".to_vec(), StringFormat::Literal)),
                ("Ordering", Object::String(b"Identity".to_vec(), StringFormat::Literal)),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("W", Object::Array(width_runs(shown, widths))),
        ("DW", Object::Integer(1000)),
        ("FontDescriptor", Object::Reference(descriptor)),
    ]);
    // Only a TrueType CIDFont may say how CIDs map to glyphs; a CFF one maps them
    // through its charset.
    if outlines == Outlines::TrueType {
        cid_font.set("CIDToGIDMap", "Identity");
    }
    let to_unicode = lo.add_object(super::stream(Dictionary::new(), map, map_packed));
    lo.add_object(Dictionary::from_iter([
        ("Type", Object::from("Font")),
        ("Subtype", Object::from("Type0")),
        ("BaseFont", Object::Name(name.as_bytes().to_vec())),
        ("Encoding", Object::from("Identity-H")),
        ("ToUnicode", Object::Reference(to_unicode)),
        ("DescendantFonts", Object::Array(vec![Object::Dictionary(cid_font)])),
    ]))
}

/// `/W` entries for `shown` (codes ascending, each with its glyph): the first code of
/// each run of consecutive codes, then the run's advances in thousandths of an em.
/// To a tenth of a thousandth, rounded: printpdf wrote whole thousandths, truncated,
/// and the pen then fell behind the layout by a fraction of a thousandth at every
/// glyph, which the page contents put back every second glyph or so (three `TJ`
/// numbers in five, 15% of the contents' bytes). At a tenth, the slip stays far
/// below what a `TJ` number moves within a word, and between words the spacing takes
/// it up.
fn width_runs(shown: &[(u16, u16)], widths: &EmbeddedFont) -> Vec<Object> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=shown.len() {
        if i == shown.len() || shown[i].0 != shown[i - 1].0.wrapping_add(1) {
            // As the nearest number to the tenth (the advance times a thousand came a
            // few units of the last place off it, which took all of f32's digits to write).
            let tenths = |gid: u16| (widths.advance(gid) * 10_000.0).round() / 10.0;
            let advances = shown[start..i].iter().map(|&(_, gid)| Object::Real(tenths(gid))).collect();
            runs.extend([Object::Integer(i64::from(shown[start].0)), Object::Array(advances)]);
            start = i;
        }
    }
    runs
}

/// For a subset with CID-keyed CFF outlines, each glyph's CID, by glyph id: readers of
/// its bare CFF program find a glyph by the CID its code names, through the font's
/// charset, and a subset keeps the original font's CIDs (Noto Sans JP's `C` is CID 36
/// whatever its place in the subset), so glyph ids shown as codes drew other glyphs.
/// `None` for every other font: codes are glyph ids.
pub fn cid_keyed(subset: &[u8]) -> Option<Vec<u16>> {
    if !subset.starts_with(b"OTTO") {
        return None;
    }
    let by_glyph = printpdf::cff_charset_gid_to_cid_map(subset, 0)?;
    let mut cids = vec![0; by_glyph.last_key_value().map_or(0, |(gid, _)| usize::from(*gid) + 1)];
    for (gid, cid) in by_glyph {
        cids[usize::from(gid)] = cid;
    }
    Some(cids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_in_runs_of_consecutive_glyphs() {
        let mut widths = vec![0; 21];
        for (gid, width) in [(3, 500), (4, 250), (5, 1000), (9, 333), (10, 0), (20, 600)] {
            widths[gid] = width;
        }
        let widths = EmbeddedFont::new(1000, &widths);
        let text = |objects: Vec<Object>| format!("{objects:?}");
        assert_eq!(
            text(width_runs(&[(3, 3), (4, 4), (5, 5), (9, 9), (10, 10), (20, 20)], &widths)),
            text(vec![
                Object::Integer(3),
                Object::Array(vec![500.0.into(), 250.0.into(), 1000.0.into()]),
                Object::Integer(9),
                Object::Array(vec![333.0.into(), 0.0.into()]),
                Object::Integer(20),
                Object::Array(vec![600.0.into()]),
            ])
        );
        assert!(width_runs(&[], &widths).is_empty());
    }

    #[test]
    fn an_italic_subset_is_embedded_as_a_slanted_truetype_cid_font() {
        let bytes = include_bytes!("../../fonts/gentium/GentiumBookPlus-Italic.ttf");
        let glyphs = std::collections::BTreeSet::from([(36, "A"), (68, "a")]);
        let sub = super::super::subset::subset_font(bytes, "GentiumBookPlus-Italic", &glyphs).unwrap();
        let (metrics, widths) = Metrics::read(&sub.bytes).expect("the subset's metrics");
        let (program, outlines) = program(sub.bytes);
        let length = program.len() as i64;
        let mut lo = lopdf::Document::with_version("1.7");
        let shown = [(1, 1), (2, 2)];
        let to_unicode = (b"cmap".to_vec(), None);
        let embedding =
            Embedding { name: sub.name.clone(), metrics, ink: sub.ink, program, packed: None, outlines, to_unicode };
        let font = add(&mut lo, embedding, &widths, &shown);
        let font = lo.get_dictionary(font).unwrap();
        assert_eq!(font.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
        assert_eq!(font.get(b"Encoding").unwrap().as_name().unwrap(), b"Identity-H");
        let Ok(Object::Array(descendants)) = font.get(b"DescendantFonts") else { panic!("a descendant") };
        let cid_font = descendants[0].as_dict().unwrap();
        assert_eq!(cid_font.get(b"Subtype").unwrap().as_name().unwrap(), b"CIDFontType2");
        assert_eq!(cid_font.get(b"CIDToGIDMap").unwrap().as_name().unwrap(), b"Identity");
        let w = cid_font.get(b"W").unwrap().as_array().unwrap();
        assert_eq!(w.len(), 2, "one run of two glyphs: {w:?}");
        let descriptor = lo.get_dictionary(cid_font.get(b"FontDescriptor").unwrap().as_reference().unwrap()).unwrap();
        assert_eq!(descriptor.get(b"FontName").unwrap().as_name().unwrap(), sub.name.as_bytes());
        assert_eq!(descriptor.get(b"ItalicAngle").unwrap().as_i64().unwrap(), -8, "Gentium's italic slant");
        assert_eq!(descriptor.get(b"Flags").unwrap().as_i64().unwrap(), 32 | 64, "non-symbolic, italic");
        let ascent = descriptor.get(b"Ascent").unwrap().as_i64().unwrap();
        assert!((500..1000).contains(&ascent), "the ink's height, in thousandths: {ascent}");
        let file = lo.get_object(descriptor.get(b"FontFile2").unwrap().as_reference().unwrap()).unwrap();
        let file = file.as_stream().unwrap();
        assert_eq!(file.dict.get(b"Length1").unwrap().as_i64().unwrap(), length);
        assert!(file.content.starts_with(&[0, 1, 0, 0]), "a TrueType program");
    }
}
