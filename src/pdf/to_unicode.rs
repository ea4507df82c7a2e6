//! A font's ToUnicode map: the text each glyph of the subset stands for, which is what
//! copying, search and applicant-tracking systems read.
//!
//! printpdf writes it with a `format!` per glyph and per UTF-16 unit: half a million
//! instructions for the text-only sample's five faces, on the core that makes the
//! document while the other writes the pages. This writes the same bytes by hand.

/// The ToUnicode CMap of the font named `name` (its resource name), for `glyphs`: each
/// glyph id in the subset with its text, by rising id. Glyphs without text are left
/// out. The layout is printpdf's: entries grouped by the id's high byte, in `bfchar`
/// blocks of at most 100, ids and UTF-16BE text in upper-case hexadecimal.
pub fn cmap(name: &str, glyphs: &[(u16, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(600 + glyphs.len() * 16);
    out.extend_from_slice(
        b"/CIDInit /ProcSet findresource begin\n\n12 dict begin\n\nbegincmap\n\n%!PS-Adobe-3.0 \
          Resource-CMap\n%%DocumentNeededResources: procset CIDInit\n%%IncludeResource: \
          procset CIDInit\n\n/CIDSystemInfo 3 dict dup begin\n/Registry (FontSpecific) \
          def\n/Ordering (",
    );
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b") def\n/Supplement 0 def\nend def\n\n/CMapName /FontSpecific-");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(
        b" def\n/CMapVersion 1 def\n/CMapType 2 def\n/WMode 0 def\n\n1 \
          begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let shown: Vec<(u16, &str)> = glyphs.iter().copied().filter(|(_, text)| !text.is_empty()).collect();
    for group in shown.chunk_by(|a, b| a.0 >> 8 == b.0 >> 8) {
        for block in group.chunks(100) {
            out.extend_from_slice(block.len().to_string().as_bytes());
            out.extend_from_slice(b" beginbfchar\n");
            for &(id, text) in block {
                out.push(b'<');
                hex(&mut out, id);
                out.extend_from_slice(b"> <");
                for unit in text.encode_utf16() {
                    hex(&mut out, unit);
                }
                out.extend_from_slice(b">\n");
            }
            out.extend_from_slice(b"endbfchar\n");
        }
    }
    out.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

/// `unit` as four upper-case hexadecimal digits.
fn hex(out: &mut Vec<u8>, unit: u16) {
    for byte in unit.to_be_bytes() {
        out.extend_from_slice(&super::serialize::hex(byte));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// printpdf's own writer, on the same glyphs: the bytes are the same.
    fn printpdf_cmap(name: &str, glyphs: &[(u16, &str)]) -> Vec<u8> {
        let mappings =
            glyphs.iter().map(|(id, text)| (u32::from(*id), text.chars().map(u32::from).collect())).collect();
        printpdf::cmap::ToUnicodeCMap { mappings }.to_cmap_string(name).into_bytes()
    }

    #[test]
    fn the_map_is_the_one_printpdf_writes() {
        let many: Vec<(u16, String)> =
            (0..260u16).map(|i| (i * 3, char::from_u32(0x41 + u32::from(i)).unwrap().to_string())).collect();
        let many: Vec<(u16, &str)> = many.iter().map(|(id, text)| (*id, text.as_str())).collect();
        let cases: [&[(u16, &str)]; 4] = [
            &[],
            &[(1, "a"), (2, ""), (3, "fi"), (0x0100, "é"), (0x1234, "😀"), (0xFFFF, "ﻻ")],
            &[(7, "\u{0644}\u{0627}")],
            &many,
        ];
        for glyphs in cases {
            assert_eq!(
                String::from_utf8(cmap("F3", glyphs)).unwrap(),
                String::from_utf8(printpdf_cmap("F3", glyphs)).unwrap()
            );
        }
    }
}
