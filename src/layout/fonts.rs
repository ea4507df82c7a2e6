//! The bundled font families, parsed once per render, and text shaping through
//! allsorts: ligatures and kerning from the font's GSUB/GPOS tables.

use std::collections::HashMap;
use std::rc::Rc;

use allsorts::binary::read::ReadScope;
use allsorts::font::MatchingPresentation;
use allsorts::font_data::{DynamicFontTableProvider, FontData};
use allsorts::glyph_position::{GlyphLayout, TextDirection};
use allsorts::gsub::{FeatureMask, FeatureMaskExt};
use allsorts::tag;

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

/// One glyph of shaped text, in font units.
#[derive(Clone, Debug)]
pub struct ShapedGlyph {
    pub id: u16,
    pub advance: i32,
    pub x_offset: i32,
    /// Byte offset in the shaped text where this glyph's characters start.
    pub byte: usize,
    pub text: String,
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
}

/// The faces a render uses, loaded on first use, with a cache of shaped words.
pub struct FontBook {
    faces: Vec<Option<LoadedFace>>,
    cache: HashMap<(FaceId, String), Rc<Shaped>>,
}

impl Default for FontBook {
    fn default() -> Self {
        FontBook { faces: BUNDLED.iter().map(|_| None).collect(), cache: HashMap::new() }
    }
}

impl FontBook {
    pub fn face_id(family: Family, bold: bool, italic: bool) -> FaceId {
        BUNDLED.iter().position(|(f, b, i, _, _)| *f == family && *b == bold && *i == italic).unwrap_or(0)
    }

    /// Every face, for the PDF writer (unused ones are left out there).
    pub fn faces() -> Vec<Face> {
        BUNDLED.iter().map(|(_, _, _, name, bytes)| Face { postscript_name: (*name).to_string(), bytes }).collect()
    }

    fn face(&mut self, id: FaceId) -> &mut LoadedFace {
        self.faces[id].get_or_insert_with(|| {
            let bytes: &'static [u8] = BUNDLED[id].4;
            // The bundled fonts are known good; a failure here is a build defect.
            let data = ReadScope::new(bytes).read::<FontData<'static>>().expect("bundled font parses");
            let provider = data.table_provider(0).expect("bundled font has a face");
            let font = allsorts::Font::new(provider).expect("bundled font loads");
            let units_per_em = f32::from(font.head_table.units_per_em);
            LoadedFace { font, units_per_em }
        })
    }

    pub fn units_per_em(&mut self, id: FaceId) -> f32 {
        self.face(id).units_per_em
    }

    /// Shapes `text` (one word, no spaces) in face `id`, once per process for each word.
    pub fn shape(&mut self, id: FaceId, text: &str) -> Rc<Shaped> {
        if let Some(s) = self.cache.get(&(id, text.to_string())) {
            return s.clone();
        }
        let face = self.face(id);
        let glyphs = face.font.map_glyphs(text, tag::LATN, MatchingPresentation::NotRequired);
        let infos = match face.font.shape(glyphs, tag::LATN, None, FeatureMask::default_mask(), &[], None, true) {
            Ok(infos) => infos,
            Err((_, infos)) => infos,
        };
        let positions = GlyphLayout::new(&mut face.font, &infos, TextDirection::LeftToRight, false)
            .glyph_positions()
            .unwrap_or_default();
        let mut byte = 0;
        let mut missing = Vec::new();
        let glyphs = infos
            .iter()
            .zip(positions.iter().chain(std::iter::repeat(&Default::default())))
            .map(|(info, pos)| {
                let chars: String = info.glyph.unicodes.iter().collect();
                if info.glyph.glyph_index == 0 {
                    missing.extend(chars.chars());
                }
                let g = ShapedGlyph {
                    id: info.glyph.glyph_index,
                    advance: pos.hori_advance,
                    x_offset: pos.x_offset,
                    byte,
                    text: chars,
                };
                byte += g.text.len();
                g
            })
            .collect();
        let shaped = Rc::new(Shaped { glyphs, missing });
        self.cache.insert((id, text.to_string()), shaped.clone());
        shaped
    }

    /// Width of `text` at `size` points.
    pub fn width(&mut self, id: FaceId, size: f32, text: &str) -> f32 {
        let shaped = self.shape(id, text);
        shaped.advance(0..shaped.glyphs.len()) as f32 * size / self.units_per_em(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kerning_and_ligatures_come_from_the_font() {
        let mut book = FontBook::default();
        let serif = FontBook::face_id(Family::Serif, false, false);
        for family in [Family::Sans, Family::Serif] {
            let face = FontBook::face_id(family, false, false);
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
