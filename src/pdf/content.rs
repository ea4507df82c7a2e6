//! Page content streams, written directly as bytes.
//!
//! printpdf turns every glyph into its own string object and every kern into a
//! float, which lopdf then formats one by one: a third of the instructions of a
//! whole render went there. Here a line of words in one font and colour is one `TJ`
//! whose numbers move the pen exactly where the layout put each glyph and word, in
//! whole thousandths of an em (the pen is followed as a reader follows it, so the
//! rounding never adds up), and glyphs that need no adjustment share one string.

use std::collections::BTreeMap;

use super::font::EmbeddedFont;
use super::serialize::digits;
use super::{extracted, subset};
use crate::frame::Item;
use crate::theme::Color;

/// A font as the page uses it: its resource name, its glyph ids in the subset, the
/// advances readers will use.
pub struct PageFont {
    pub name: String,
    pub new_ids: subset::GlyphIds,
    pub widths: EmbeddedFont,
    /// The code each glyph of the subset is shown with, by glyph id, when that is not
    /// the glyph id: a CID-keyed CFF font's readers find glyphs by their CIDs.
    pub cids: Option<Vec<u16>>,
    /// The codes shown with it, ascending, each with its glyph id.
    pub shown: Vec<(u16, u16)>,
}

impl PageFont {
    /// The code that shows glyph `gid` of the subset.
    pub fn code(&self, gid: u16) -> u16 {
        self.cids.as_ref().map_or(gid, |cids| cids.get(usize::from(gid)).copied().unwrap_or(0))
    }
}

/// The content stream of a page of height `height` showing `items` (images and links
/// are written elsewhere).
pub fn page(items: &[Item], height: f32, fonts: &BTreeMap<usize, PageFont>) -> Vec<u8> {
    let mut w = Writer::default();
    for item in items {
        match item {
            Item::Text { face, size, color, x, y, glyphs } => {
                if let Some(font) = fonts.get(face) {
                    w.text(*face, font, *size, *color, *x, height - y, glyphs);
                }
            }
            Item::Rect { x, y, w: rw, h, color } => {
                w.fill(*color);
                for v in [*x, height - y - h, *rw, *h] {
                    w.number(v, 2);
                    w.out.push(b' ');
                }
                w.out.extend_from_slice(b"re f\n");
            }
            Item::Polygon { points, color } => {
                w.fill(*color);
                for (i, (x, y)) in points.iter().enumerate() {
                    w.number(*x, 2);
                    w.out.push(b' ');
                    w.number(height - y, 2);
                    w.out.extend_from_slice(if i == 0 { b" m\n" } else { b" l\n" });
                }
                w.out.extend_from_slice(b"h f\n");
            }
            Item::Image { .. } | Item::Link { .. } => {}
        }
    }
    w.end_text();
    w.out
}

/// An open `TJ` array: its baseline, font and size, and where the pen is.
struct Line {
    baseline: f32,
    face: usize,
    size: f32,
    pen: f32,
}

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
    in_text: bool,
    /// Graphics state, which lasts across text objects.
    font: Option<(usize, f32)>,
    color: Option<Color>,
    rise: f32,
    line: Option<Line>,
    array_open: bool,
    /// A string of glyph ids is open in the `TJ` array.
    in_string: bool,
}

impl Writer {
    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        face: usize,
        font: &PageFont,
        size: f32,
        color: Color,
        x: f32,
        baseline: f32,
        glyphs: &[crate::frame::Glyph],
    ) {
        let continues = self.color == Some(color)
            && self.line.as_ref().is_some_and(|l| l.baseline == baseline && l.face == face && l.size == size);
        if !continues {
            self.close_array();
            if !self.in_text {
                self.out.extend_from_slice(b"BT\n");
                self.in_text = true;
            }
            if self.font != Some((face, size)) {
                self.out.push(b'/');
                self.out.extend_from_slice(font.name.as_bytes());
                self.out.push(b' ');
                self.number(size, 2);
                self.out.extend_from_slice(b" Tf\n");
                self.font = Some((face, size));
            }
            self.set_color(color);
        }
        for g in glyphs {
            if g.rise != self.rise {
                self.close_array_keeping_line();
                self.number(g.rise, 2);
                self.out.extend_from_slice(b" Ts\n");
                self.rise = g.rise;
            }
            let target = x + g.x;
            match &mut self.line {
                Some(line) => {
                    // Thousandths of an em to the left, as TJ counts them.
                    let shift = ((line.pen - target) / size * 1000.0).round();
                    line.pen -= shift * size / 1000.0;
                    if !self.array_open {
                        self.out.push(b'[');
                        self.array_open = true;
                    } else if shift != 0.0 {
                        self.close_string();
                        self.out.push(b' ');
                    }
                    if shift != 0.0 {
                        self.number(shift, 0);
                    }
                }
                None => {
                    let (px, py) = (hundredths(target), hundredths(baseline));
                    self.out.extend_from_slice(b"1 0 0 1 ");
                    self.number(px, 2);
                    self.out.push(b' ');
                    self.number(py, 2);
                    self.out.extend_from_slice(b" Tm\n[");
                    self.array_open = true;
                    self.line = Some(Line { baseline, face, size, pen: px });
                }
            }
            let gid = font.new_ids.glyph(g.id, extracted(g));
            if !self.in_string {
                self.out.push(b'(');
                self.in_string = true;
            }
            glyph_id(&mut self.out, font.code(gid));
            if let Some(line) = &mut self.line {
                line.pen += font.widths.advance(gid) * size;
            }
        }
    }

    fn close_string(&mut self) {
        if self.in_string {
            self.out.push(b')');
            self.in_string = false;
        }
    }

    /// Ends the `TJ` array (the pen stays where it is, for the next one).
    fn close_array_keeping_line(&mut self) {
        if self.array_open {
            self.close_string();
            self.out.extend_from_slice(b"] TJ\n");
            self.array_open = false;
        }
    }

    fn close_array(&mut self) {
        self.close_array_keeping_line();
        self.line = None;
    }

    fn end_text(&mut self) {
        self.close_array();
        if self.in_text {
            self.out.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
    }

    fn fill(&mut self, color: Color) {
        self.end_text();
        self.set_color(color);
    }

    /// The fill colour, for text and shapes alike.
    fn set_color(&mut self, color: Color) {
        if self.color != Some(color) {
            for c in color.0 {
                self.number(c, 3);
                self.out.push(b' ');
            }
            self.out.extend_from_slice(b"rg\n");
            self.color = Some(color);
        }
    }

    /// `v` to `places` decimals, without trailing zeros. (By hand: `write!` made
    /// this a tenth of the time of writing a page.)
    fn number(&mut self, v: f32, places: u32) {
        let scale = 10u64.pow(places);
        let n = (f64::from(v) * scale as f64).round() as i64;
        if n < 0 {
            self.out.push(b'-');
        }
        let (whole, mut fraction) = (n.unsigned_abs() / scale, n.unsigned_abs() % scale);
        digits(&mut self.out, whole, 1);
        if fraction != 0 {
            let mut width = places as usize;
            while fraction % 10 == 0 {
                fraction /= 10;
                width -= 1;
            }
            self.out.push(b'.');
            digits(&mut self.out, fraction, width);
        }
    }
}

/// Glyph `gid` in a literal string: its two bytes, escaped where a string must be (and
/// line ends, which readers would read as a newline). Half the bytes of a hexadecimal
/// string, and a tenth less deflating for the whole PDF.
fn glyph_id(out: &mut Vec<u8>, gid: u16) {
    for byte in gid.to_be_bytes() {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(byte),
        }
    }
}

/// A position to a hundredth of a point (3.5 µm), which prints in fewer digits.
fn hundredths(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_ids_are_two_bytes_escaped_as_a_string_needs() {
        let mut out = Vec::new();
        for gid in [0x0041, 0x2829, 0x5C0D, 0x0A00, 0x0102] {
            glyph_id(&mut out, gid);
        }
        assert_eq!(out, b"\0A\\(\\)\\\\\\r\\n\0\x01\x02");
    }

    #[test]
    fn numbers_are_short_and_exact() {
        let mut w = Writer::default();
        for (v, places) in
            [(0.0, 2), (12.0, 2), (-0.25, 2), (0.05, 2), (56.694, 2), (-0.0001, 2), (0.306, 3), (-245.0, 0)]
        {
            w.number(v, places);
            w.out.push(b' ');
        }
        assert_eq!(String::from_utf8(w.out).unwrap(), "0 12 -0.25 0.05 56.69 0 0.306 -245 ");
    }
}
