//! Writes laid-out pages as PDF through printpdf: subset fonts with ToUnicode maps,
//! glyphs at their exact positions, vector shapes, images, links, outline and
//! metadata. It knows nothing about résumés; swapping the writer touches only this.

mod sfnt;
mod subset;

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Actions, BorderArray, Codepoint, Color, FontId, LinePoint, LinkAnnotation, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem,
    TextMatrix, WindingOrder,
};

use rayon::prelude::*;

use crate::frame::{Document, Item};
use crate::theme;

/// The PDF bytes of `doc`. `epoch` (seconds) dates the document; none reads no clock.
pub fn write(doc: &Document, epoch: Option<i64>) -> Result<Vec<u8>, String> {
    let mut pdf = PdfDocument::new(&doc.meta.title);
    let info = &mut pdf.metadata.info;
    info.document_title = doc.meta.title.clone();
    info.author = doc.meta.author.clone();
    info.subject = doc.meta.subject.clone();
    info.keywords = doc.meta.keywords.clone();
    info.creator = format!("cvpdf {}", env!("CARGO_PKG_VERSION"));
    info.producer = info.creator.clone();
    if let Some(when) = epoch.and_then(|s| printpdf::OffsetDateTime::from_unix_timestamp(s).ok()) {
        info.creation_date = when;
        info.modification_date = when;
        info.metadata_date = when;
    }

    // Glyphs used per face, with the text each stands for. A glyph that stands for
    // different texts (a mirrored parenthesis in Arabic, a mark from a decomposed
    // letter) is embedded once per text: a ToUnicode map has one entry per glyph.
    let mut used: BTreeMap<usize, BTreeSet<(u16, String)>> = BTreeMap::new();
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Text { face, glyphs, .. } = item {
                let set = used.entry(*face).or_default();
                for g in glyphs {
                    set.insert((g.id, extracted(g).to_string()));
                }
            }
        }
    }
    // Subsetting is a fifth of the work of a render, one face at a time: the faces
    // are subset on every core.
    let subsets: Vec<(usize, Result<subset::Subset, String>)> = used
        .par_iter()
        .map(|(face, glyphs)| {
            let source = &doc.faces[*face];
            (*face, subset::subset_font(source.bytes, &source.postscript_name, glyphs))
        })
        .collect();
    let mut fonts: BTreeMap<usize, (FontId, subset::GlyphIds, EmbeddedFont)> = BTreeMap::new();
    for (face, sub) in subsets {
        let source = &doc.faces[face];
        let sub = sub.map_err(|e| format!("cannot subset font {}: {e}", source.postscript_name))?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&sub.bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot read the subset of {}", source.postscript_name))?;
        parsed.font_name = Some(sub.name);
        if let Some((ascent, descent)) = sub.ink {
            parsed.font_metrics.ascent = ascent.max(0);
            parsed.font_metrics.descent = descent.min(0);
        }
        let id = FontId(format!("F{face}"));
        let widths =
            EmbeddedFont { units_per_em: f32::from(parsed.units_per_em), advances: parsed.glyph_widths.clone() };
        pdf.resources.fonts.map.insert(id.clone(), printpdf::PdfFont::new(parsed));
        fonts.insert(face, (id, sub.new_ids, widths));
    }

    let mut pages = Vec::new();
    for page in &doc.pages {
        let h = page.height;
        let mut ops = Vec::new();
        // Text state carried from one word to the next, so that a line of words in
        // one font becomes one text object (printpdf joins them into one TJ).
        let mut text: Option<(usize, f32)> = None;
        let mut fill: Option<theme::Color> = None;
        for item in &page.items {
            if !matches!(item, Item::Text { .. }) && text.take().is_some() {
                ops.push(Op::EndTextSection);
            }
            let mut set_fill = |ops: &mut Vec<Op>, color: theme::Color| {
                if fill != Some(color) {
                    ops.push(Op::SetFillColor { col: rgb(color) });
                    fill = Some(color);
                }
            };
            match item {
                Item::Text { face, size, color, x, y, glyphs } => {
                    let Some((font, new_ids, widths)) = fonts.get(face) else {
                        continue;
                    };
                    if text.is_none() {
                        ops.push(Op::StartTextSection);
                    }
                    if text != Some((*face, *size)) {
                        ops.push(Op::SetFont { font: PdfFontHandle::External(font.clone()), size: Pt(*size) });
                        text = Some((*face, *size));
                    }
                    set_fill(&mut ops, *color);
                    let Some(first) = glyphs.first() else { continue };
                    ops.push(Op::SetTextMatrix {
                        matrix: TextMatrix::Translate(Pt(hundredths(x + first.x)), Pt(hundredths(h - y))),
                    });
                    // Each glyph moves the pen by its advance in the font; the TJ number
                    // after it makes up the difference to where the layout put the next
                    // one (kerning), in thousandths of an em, negative to the right.
                    let mut start = 0;
                    let mut carry = 0.0;
                    for run in glyphs.chunk_by(|a, b| a.rise == b.rise) {
                        // Raised glyphs (Arabic vowel marks) are set with a text rise, so
                        // that the pen, and the word readers see, runs on unbroken.
                        if run[0].rise != 0.0 || start > 0 {
                            ops.push(Op::SetLineOffset { multiplier: run[0].rise });
                        }
                        let codepoints = run
                            .iter()
                            .enumerate()
                            .map(|(i, g)| {
                                let gid = subset::Subset::glyph(new_ids, g.id, extracted(g));
                                // Whole thousandths keep the stream short; the rounding
                                // error is carried to the next glyph, so none accumulates.
                                let adjust = glyphs.get(start + i + 1).map_or(0.0, |next| {
                                    let natural = widths.advance(gid) * size;
                                    let placed = next.x - g.x;
                                    let exact = (natural - placed) / size * 1000.0 + carry;
                                    let rounded = exact.round();
                                    carry = exact - rounded;
                                    rounded
                                });
                                Codepoint::with_cid(
                                    gid,
                                    if adjust.abs() < 0.01 { 0.0 } else { adjust },
                                    extracted(g).to_string(),
                                )
                            })
                            .collect();
                        ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(codepoints)] });
                        start += run.len();
                    }
                    if glyphs.last().is_some_and(|g| g.rise != 0.0) {
                        ops.push(Op::SetLineOffset { multiplier: 0.0 });
                    }
                }
                Item::Rect { x, y, w, h: rh, color } => {
                    let points = [(*x, *y), (x + w, *y), (x + w, y + rh), (*x, y + rh)];
                    set_fill(&mut ops, *color);
                    ops.push(Op::DrawPolygon { polygon: polygon(&points, h) });
                }
                Item::Polygon { points, color } => {
                    set_fill(&mut ops, *color);
                    ops.push(Op::DrawPolygon { polygon: polygon(points, h) });
                }
                // Images are written in the lopdf pass, which can embed JPEG data as it is.
                Item::Image { .. } => {}
                Item::Link { x, y, w, h: lh, uri } => {
                    ops.push(Op::LinkAnnotation {
                        link: LinkAnnotation::new(
                            Rect::from_xywh(Pt(*x), Pt(h - y - lh), Pt(*w), Pt(*lh)),
                            Actions::Uri(uri.clone()),
                            Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                            None,
                            None,
                        ),
                    });
                }
            }
        }
        if text.is_some() {
            ops.push(Op::EndTextSection);
        }
        let mm = |pt: f32| Mm(pt * 25.4 / 72.0);
        pages.push(PdfPage::new(mm(page.width), mm(page.height), ops));
    }
    pdf.with_pages(pages);
    let options = PdfSaveOptions { subset_fonts: false, image_optimization: None, ..PdfSaveOptions::default() };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    finish(&mut lo, doc);
    compress(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| format!("cannot write the PDF: {e}"))?;
    Ok(bytes)
}

/// Deflates every stream that allows it, at level 3. lopdf's own pass uses the
/// slowest level, which doubled the time of a whole render for a file 2% smaller;
/// level 6 made the text-only sample 4% smaller than level 3 for 3% more instructions
/// in all. The streams are shared between two compressors, run side by side; each
/// serves many streams, as setting one up clears 300 KB of tables, which cost more
/// than compressing most of the streams.
fn compress(lo: &mut lopdf::Document) {
    let mut streams: Vec<&mut lopdf::Stream> = lo
        .objects
        .values_mut()
        .filter_map(|object| match object {
            lopdf::Object::Stream(stream) if stream.allows_compression && stream.dict.get(b"Filter").is_err() => {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    // Largest first, each to the lighter side.
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let (mut left_bytes, mut right_bytes) = (0, 0);
    for stream in streams {
        if left_bytes <= right_bytes {
            left_bytes += stream.content.len();
            left.push(stream);
        } else {
            right_bytes += stream.content.len();
            right.push(stream);
        }
    }
    // A second compressor costs more than it saves on a small document.
    if left_bytes + right_bytes < 64 * 1024 {
        left.extend(right);
        compress_all(left);
    } else {
        rayon::join(|| compress_all(left), || compress_all(right));
    }
}

fn compress_all(streams: Vec<&mut lopdf::Stream>) {
    let mut deflate = flate2::Compress::new(flate2::Compression::new(3), true);
    for stream in streams {
        deflate.reset();
        if let Some(compressed) = deflated(&mut deflate, &stream.content)
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

/// `data` as a zlib stream.
fn deflated(deflate: &mut flate2::Compress, data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let read = usize::try_from(deflate.total_in()).ok()?;
        match deflate.compress_vec(&data[read..], &mut out, flate2::FlushCompress::Finish).ok()? {
            flate2::Status::StreamEnd => return Some(out),
            _ => out.reserve(out.capacity().max(64)),
        }
    }
}

/// What printpdf does not write: the document language, outline shown on opening,
/// a modern version header; and an Info dictionary without its PDF/X leftovers
/// (an empty `GTS_PDFXVersion` makes readers announce the file as PDF/X).
fn finish(lo: &mut lopdf::Document, doc: &Document) {
    use lopdf::Object;
    lo.version = "1.7".into();
    if let Ok(Object::Reference(info)) = lo.trailer.get(b"Info").cloned()
        && let Ok(dict) = lo.get_dictionary_mut(info)
    {
        dict.remove(b"GTS_PDFXVersion");
        dict.remove(b"Identifier");
    }
    if let Ok(Object::Reference(root)) = lo.trailer.get(b"Root").cloned()
        && let Ok(catalog) = lo.get_dictionary_mut(root)
    {
        catalog.set("Lang", Object::string_literal(doc.meta.lang.clone()));
    }
    outline(lo, doc);
    images(lo, doc);
}

/// Embeds each image (JPEG data untouched, `DCTDecode`, with a soft mask when it has
/// one) and draws it where the layout put it.
fn images(lo: &mut lopdf::Document, doc: &Document) {
    use lopdf::{Stream, dictionary};
    let ids: Vec<_> = doc
        .images
        .iter()
        .map(|img| {
            let mut dict = dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(img.width),
                "Height" => i64::from(img.height),
                "ColorSpace" => if img.gray { "DeviceGray" } else { "DeviceRGB" },
                "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            };
            if let Some(alpha) = &img.alpha {
                let mask = dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => i64::from(img.width),
                    "Height" => i64::from(img.height),
                    "ColorSpace" => "DeviceGray",
                    "BitsPerComponent" => 8,
                };
                dict.set("SMask", lo.add_object(Stream::new(mask, alpha.clone())));
            }
            lo.add_object(Stream::new(dict, img.jpeg.clone()).with_compression(false))
        })
        .collect();
    let pages = lo.get_pages();
    for (index, page) in doc.pages.iter().enumerate() {
        let Some(&page_id) = pages.get(&(index as u32 + 1)) else { continue };
        let mut content = String::new();
        for item in &page.items {
            if let Item::Image { image, x, y, w, h } = item {
                let name = format!("Photo{image}");
                let _ = lo.add_xobject(page_id, name.as_bytes(), ids[*image]);
                let bottom = page.height - y - h;
                content.push_str(&format!("q {w:.3} 0 0 {h:.3} {x:.3} {bottom:.3} cm /{name} Do Q\n"));
            }
        }
        if !content.is_empty() {
            let _ = lo.add_page_contents(page_id, content.into_bytes());
        }
    }
}

/// The document outline, one entry per section in reading order, each opening its
/// page at the section's heading. (printpdf sorts bookmarks by page and then by
/// name, which loses the reading order, so the outline is written here.)
fn outline(lo: &mut lopdf::Document, doc: &Document) {
    use lopdf::{Dictionary, Object};
    let pages = lo.get_pages();
    let entries: Vec<_> = doc
        .outline
        .iter()
        .filter_map(|b| {
            let page = *pages.get(&(b.page as u32 + 1))?;
            let height = doc.pages.get(b.page).map_or(0.0, |p| p.height);
            Some((b, page, height))
        })
        .collect();
    let Ok(Object::Reference(root)) = lo.trailer.get(b"Root").cloned() else { return };
    if entries.is_empty() {
        return;
    }
    let outlines = lo.new_object_id();
    let ids: Vec<_> = entries.iter().map(|_| lo.new_object_id()).collect();
    for (i, (b, page, height)) in entries.iter().enumerate() {
        let mut item = Dictionary::new();
        item.set("Title", Object::string_literal(utf16be(&b.title)));
        item.set("Parent", outlines);
        let top = (height - b.y + 2.0).max(0.0);
        item.set("Dest", vec![Object::Reference(*page), "XYZ".into(), Object::Null, Object::Real(top), Object::Null]);
        if i > 0 {
            item.set("Prev", ids[i - 1]);
        }
        if i + 1 < ids.len() {
            item.set("Next", ids[i + 1]);
        }
        lo.objects.insert(ids[i], Object::Dictionary(item));
    }
    let mut dict = Dictionary::new();
    dict.set("Type", "Outlines");
    dict.set("First", ids[0]);
    dict.set("Last", ids[ids.len() - 1]);
    dict.set("Count", ids.len() as i64);
    lo.objects.insert(outlines, Object::Dictionary(dict));
    if let Ok(catalog) = lo.get_dictionary_mut(root) {
        catalog.set("Outlines", outlines);
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}

/// A PDF text string in UTF-16BE with its byte-order mark, for titles outside ASCII.
fn utf16be(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        out.extend(unit.to_be_bytes());
    }
    out
}

/// What a glyph gives back to text extraction. Every missing character is glyph 0,
/// which can stand for one text only: the replacement character says honestly that
/// one is missing.
fn extracted(g: &crate::frame::Glyph) -> &str {
    if g.id == 0 { "\u{FFFD}" } else { &g.text }
}

/// The glyph advances of an embedded font, as PDF readers will use them.
struct EmbeddedFont {
    units_per_em: f32,
    advances: BTreeMap<u16, u16>,
}

impl EmbeddedFont {
    /// Advance of glyph `gid` for a font size of 1.
    fn advance(&self, gid: u16) -> f32 {
        f32::from(self.advances.get(&gid).copied().unwrap_or(0)) / self.units_per_em
    }
}

/// Three decimals are finer than a colour's 1/255 steps, and shorter to write.
fn rgb(c: theme::Color) -> Color {
    let d = |v: f32| (v * 1000.0).round() / 1000.0;
    Color::Rgb(Rgb { r: d(c.0[0]), g: d(c.0[1]), b: d(c.0[2]), icc_profile: None })
}

/// A position to a hundredth of a point (3.5 µm), which prints in fewer digits.
fn hundredths(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// A filled polygon; `page_h` flips y to PDF's upward axis.
fn polygon(points: &[(f32, f32)], page_h: f32) -> Polygon {
    Polygon {
        rings: vec![PolygonRing {
            points: points
                .iter()
                .map(|(x, y)| LinePoint { p: Point { x: Pt(*x), y: Pt(page_h - y) }, bezier: false })
                .collect(),
        }],
        mode: PaintMode::Fill,
        winding_order: WindingOrder::NonZero,
    }
}
