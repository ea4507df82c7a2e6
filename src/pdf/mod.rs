//! Writes laid-out pages as PDF: printpdf makes the document (pages, links,
//! metadata), this module the fonts (subsets with their widths and ToUnicode maps,
//! `font`), the page contents (glyphs at their exact positions, vector shapes,
//! images) and the outline. It knows nothing about résumés; swapping the writer
//! touches only this.

mod content;
mod font;
mod serialize;
mod sfnt;
mod subset;
mod to_unicode;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use printpdf::{Actions, BorderArray, LinkAnnotation, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, Pt, Rect};

use self::content::PageFont;
use crate::frame::{Document, Item};

/// The PDF bytes of `doc`. `epoch` (seconds) dates the document; none reads no clock.
pub fn write(doc: &Document, epoch: Option<i64>) -> Result<Vec<u8>, String> {
    prepare(doc, epoch)?.finish(doc, &doc.images)
}

/// A PDF written but for its images: the text's part of the work (subsetting,
/// page contents, compression) can run while a photo is still being prepared.
pub struct WithoutImages(lopdf::Document);

impl WithoutImages {
    /// The PDF bytes, with `images` (what `Item::Image` numbers) in their places.
    pub fn finish(mut self, doc: &Document, images: &[crate::frame::Image]) -> Result<Vec<u8>, String> {
        let lo = &mut self.0;
        self::images(lo, doc, images);
        compress(lo);
        // The identifier is written as a placeholder, then set from the file's bytes.
        let part = || lopdf::Object::String(UNIDENTIFIED.to_vec(), lopdf::StringFormat::Hexadecimal);
        lo.trailer.set("ID", lopdf::Object::Array(vec![part(), part()]));
        let mut bytes = serialize::to_bytes(lo).map_err(|e| format!("cannot write the PDF: {e}"))?;
        identify(&mut bytes);
        Ok(bytes)
    }
}

/// All of `doc`'s PDF but its images (`doc.images` is not read).
pub fn prepare(doc: &Document, epoch: Option<i64>) -> Result<WithoutImages, String> {
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
    // The texts are borrowed: a String per glyph shown was a tenth of this stage. A
    // glyph goes into its set when it is seen with a text it was not first seen with:
    // a set's insertion for each of three pages' 15,000 glyphs took 0.2 ms.
    let mut used: BTreeMap<usize, BTreeSet<(u16, &str)>> = BTreeMap::new();
    let mut first_seen: rustc_hash::FxHashMap<(usize, u16), &str> = rustc_hash::FxHashMap::default();
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Text { face, glyphs, .. } = item {
                for g in glyphs {
                    let text = extracted(g);
                    match first_seen.entry((*face, g.id)) {
                        Entry::Occupied(first) if *first.get() == text => continue,
                        Entry::Occupied(_) => {}
                        Entry::Vacant(first) => {
                            first.insert(text);
                        }
                    }
                    used.entry(*face).or_default().insert((g.id, text));
                }
            }
        }
    }
    // Subsetting is a fifth of the work of a render, one face at a time: the faces
    // are subset, and their programs and ToUnicode maps made and deflated, on this
    // core and another when it is free, the faces with the most glyphs first. (The
    // maps had been made after the subsets, on this core alone, and deflated while
    // the other core wrote the pages: this core then reached the pages 0.1 ms later.)
    let faces: Vec<(&usize, &BTreeSet<(u16, &str)>)> = used.iter().collect();
    let subset_one = |&(face, glyphs): &(&usize, &BTreeSet<(u16, &str)>)| {
        let source = &doc.faces[*face];
        let made = subset::subset_font(source.bytes, &source.postscript_name, glyphs).and_then(|sub| {
            let (metrics, widths) = font::Metrics::read(&sub.bytes).ok_or("its subset has no metrics")?;
            let cids = font::cid_keyed(&sub.bytes);
            let (program, outlines) = font::program(sub.bytes);
            let packed = deflated(&program);
            let mut page_font =
                PageFont { name: format!("F{face}"), new_ids: sub.new_ids, widths, cids, shown: Vec::new() };
            // Each glyph shown, by code: its code, its id in the subset and its text,
            // for the ToUnicode map and the widths.
            let mut shown: Vec<(u16, u16, &str)> = glyphs
                .iter()
                .map(|(id, text)| {
                    let gid = page_font.new_ids.glyph(*id, text);
                    (page_font.code(gid), gid, *text)
                })
                .collect();
            shown.sort_unstable();
            let texts: Vec<(u16, &str)> = shown.iter().map(|(code, _, text)| (*code, *text)).collect();
            let map = to_unicode::cmap(&page_font.name, &texts);
            let packed_map = deflated(&map);
            let to_unicode = (map, packed_map);
            page_font.shown = shown.iter().map(|(code, gid, _)| (*code, *gid)).collect();
            let (name, ink) = (sub.name, sub.ink);
            Ok((page_font, font::Embedding { name, metrics, ink, program, packed, outlines, to_unicode }))
        });
        (*face, made)
    };
    let ((), subsets) = crate::claim::map_largest_first(&faces, |(_, glyphs)| glyphs.len(), subset_one, || ());
    // Each font as its pages show it, and the objects that embed it.
    let mut fonts: BTreeMap<usize, PageFont> = BTreeMap::new();
    let mut embeddings = Vec::new();
    for (face, made) in subsets {
        let source = &doc.faces[face];
        let (font, embedding) = made.map_err(|e| format!("cannot subset font {}: {e}", source.postscript_name))?;
        embeddings.push((face, embedding));
        fonts.insert(face, font);
    }

    // The pages' contents are written, and deflated, on the other core while printpdf
    // makes the document (pages, links, metadata) and the fonts are added on this one;
    // this thread then writes those left, the pages with the most glyphs first.
    let fonts_ref = &fonts;
    let (mut lo, streams) = crate::claim::map_largest_first(
        &doc.pages,
        glyph_count,
        |page| page_content(page, fonts_ref),
        || {
            let mut pages = Vec::new();
            for page in &doc.pages {
                let h = page.height;
                let mut ops = Vec::new();
                for item in &page.items {
                    if let Item::Link { x, y, w, h: lh, uri } = item {
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
                let mm = |pt: f32| Mm(pt * 25.4 / 72.0);
                pages.push(PdfPage::new(mm(page.width), mm(page.height), ops));
            }
            pdf.with_pages(pages);
            let options = PdfSaveOptions { subset_fonts: false, image_optimization: None, ..PdfSaveOptions::default() };
            let mut warnings = Vec::new();
            let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
            // What needs no page contents is done while they are written.
            let mut resources = lopdf::Dictionary::new();
            for (face, embedding) in embeddings {
                let page_font = &fonts_ref[&face];
                let id = font::add(&mut lo, embedding, &page_font.widths, &page_font.shown);
                resources.set(page_font.name.as_bytes(), id);
            }
            page_fonts(&mut lo, resources);
            drop_contents(&mut lo);
            compress(&mut lo);
            lo
        },
    );
    contents(&mut lo, streams);
    finish(&mut lo, doc);
    Ok(WithoutImages(lo))
}

/// Deflates every stream that allows it and is not deflated yet.
fn compress(lo: &mut lopdf::Document) {
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else { continue };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let packed = deflated(&stream.content);
        hold(stream, packed);
    }
}

/// Gives every page the fonts of `fonts` (by the names its contents use), as one
/// dictionary the pages share.
fn page_fonts(lo: &mut lopdf::Document, fonts: lopdf::Dictionary) {
    use lopdf::Object;
    let fonts = lo.add_object(fonts);
    for page_id in lo.get_pages().into_values() {
        let resources = match lo.get_dictionary(page_id).and_then(|page| page.get(b"Resources")) {
            Ok(Object::Reference(id)) => *id,
            _ => {
                let id = lo.add_object(lopdf::Dictionary::new());
                if let Ok(page) = lo.get_dictionary_mut(page_id) {
                    page.set("Resources", id);
                }
                id
            }
        };
        if let Ok(resources) = lo.get_dictionary_mut(resources) {
            resources.set("Font", fonts);
        }
    }
}

/// A stream of `raw` bytes with `dict`, holding them deflated when `packed` has them
/// so (from `deflated`), and as they are otherwise: deflating them again would not
/// make them smaller.
fn stream(dict: lopdf::Dictionary, raw: Vec<u8>, packed: Option<Vec<u8>>) -> lopdf::Stream {
    let mut stream = lopdf::Stream::new(dict, raw);
    hold(&mut stream, packed);
    stream
}

/// Makes `stream` hold `packed`, its content deflated, or keep its content as it is
/// and be marked as not to be deflated (`compress` then passes it by).
fn hold(stream: &mut lopdf::Stream, packed: Option<Vec<u8>>) {
    match packed {
        Some(packed) => {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
        None => stream.allows_compression = false,
    }
}

/// `content` deflated (zlib), when that makes the stream smaller: `/Filter/FlateDecode`
/// takes 19 bytes of the dictionary.
fn deflated(content: &[u8]) -> Option<Vec<u8>> {
    crate::deflate::zlib_within(content, content.len().saturating_sub(19))
}

/// The file identifier's two parts as the file is written, before `identify`.
const UNIDENTIFIED: [u8; 8] = [0; 8];

/// Sets the file identifier (`/ID`) from the bytes of the file, written with
/// `UNIDENTIFIED` in its place. printpdf draws it from a process-wide counter, so a PDF
/// made in a batch differed from the same one made alone, and from one batch run to
/// the next. Both parts are the same, as for a file just made (PDF 1.7, 14.4); 64 bits
/// tell files apart, and PDF sets no length. FxHash over the whole file takes a tenth
/// of what hashing the objects did (their streams, and the metadata and links through
/// `Debug`, 0.2M instructions), and every byte of the file counts.
fn identify(bytes: &mut [u8]) {
    use std::hash::{Hash, Hasher};
    const PLACEHOLDER: &[u8] = b"/ID[<0000000000000000><0000000000000000>]";
    let mut hasher = rustc_hash::FxHasher::default();
    bytes.hash(&mut hasher);
    let id: Vec<u8> = hasher.finish().to_be_bytes().into_iter().flat_map(serialize::hex).collect();
    // The trailer, and so the placeholder, comes last: in the file's last kilobyte.
    let find =
        |from: usize| bytes[from..].windows(PLACEHOLDER.len()).rposition(|w| w == PLACEHOLDER).map(|at| from + at);
    if let Some(at) = find(bytes.len().saturating_sub(1024)).or_else(|| find(0)) {
        bytes[at + 5..at + 21].copy_from_slice(&id);
        bytes[at + 23..at + 39].copy_from_slice(&id);
    }
}

/// How many glyphs `page` shows, which its content stream's making and deflating
/// take time in proportion to.
fn glyph_count(page: &crate::frame::Page) -> usize {
    let glyphs = |item: &Item| if let Item::Text { glyphs, .. } = item { glyphs.len() } else { 1 };
    page.items.iter().map(glyphs).sum()
}

/// A page's content stream, and the same deflated when that is smaller.
fn page_content(page: &crate::frame::Page, fonts: &BTreeMap<usize, PageFont>) -> (Vec<u8>, Option<Vec<u8>>) {
    let bytes = content::page(&page.items, page.height, fonts);
    let packed = deflated(&bytes);
    (bytes, packed)
}

/// Removes printpdf's page contents (`contents` puts this module's in their place).
fn drop_contents(lo: &mut lopdf::Document) {
    use lopdf::Object;
    for page_id in lo.get_pages().into_values() {
        let old = match lo.get_dictionary(page_id).and_then(|page| page.get(b"Contents")) {
            Ok(Object::Reference(id)) => vec![*id],
            Ok(Object::Array(ids)) => ids.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => Vec::new(),
        };
        for id in old {
            lo.objects.remove(&id);
        }
    }
}

/// Gives each page its content stream (from `page_content`), in place of printpdf's.
fn contents(lo: &mut lopdf::Document, streams: Vec<(Vec<u8>, Option<Vec<u8>>)>) {
    let pages = lo.get_pages();
    for (index, (bytes, packed)) in streams.into_iter().enumerate() {
        let Some(&page_id) = pages.get(&(index as u32 + 1)) else { continue };
        let stream = lo.add_object(stream(lopdf::Dictionary::new(), bytes, packed));
        if let Ok(page) = lo.get_dictionary_mut(page_id) {
            page.set("Contents", stream);
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
}

/// Embeds each image (JPEG data untouched, `DCTDecode`, with a soft mask when it has
/// one) and draws it where the layout put it.
fn images(lo: &mut lopdf::Document, doc: &Document, images: &[crate::frame::Image]) {
    use lopdf::{Stream, dictionary};
    let ids: Vec<_> = images
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
                // Deflated where the photo was prepared.
                let mut mask = Stream::new(mask, alpha.clone());
                mask.dict.set("Filter", "FlateDecode");
                dict.set("SMask", lo.add_object(mask));
            }
            lo.add_object(Stream::new(dict, img.jpeg.clone()).with_compression(false))
        })
        .collect();
    let pages = lo.get_pages();
    for (index, page) in doc.pages.iter().enumerate() {
        let Some(&page_id) = pages.get(&(index as u32 + 1)) else { continue };
        let mut content = String::new();
        for item in &page.items {
            if let Item::Image { image, x, y, w, h, corner } = item {
                let name = format!("Photo{image}");
                let Some(&id) = ids.get(*image) else { continue };
                let _ = lo.add_xobject(page_id, name.as_bytes(), id);
                let bottom = page.height - y - h;
                if *corner > 0.0 {
                    content.push_str("q\n");
                    content.push_str(&rounded_clip(*x, bottom, *w, *h, *corner));
                } else {
                    content.push_str("q ");
                }
                content.push_str(&format!("{w:.3} 0 0 {h:.3} {x:.3} {bottom:.3} cm /{name} Do Q\n"));
            }
        }
        if !content.is_empty() {
            let _ = lo.add_page_contents(page_id, content.into_bytes());
        }
    }
}

/// A clipping path: the rectangle at (`x`, `y`) (its lower left corner), `w` by `h`,
/// its corners rounded to radius `r` (a circle, or an ellipse, at half its sides).
/// Vector corners are sharp at any zoom and cost the PDF nothing, where a soft mask
/// as large as the photo took 0.5 ms to deflate, on the photo's path.
fn rounded_clip(x: f32, y: f32, w: f32, h: f32, r: f32) -> String {
    let (rx, ry) = (r.min(w / 2.0), r.min(h / 2.0));
    // The control points of a quarter circle drawn as a cubic Bézier curve.
    const K: f32 = 0.552_284_8;
    let (kx, ky) = (rx * K, ry * K);
    let (right, top) = (x + w, y + h);
    let point = |px: f32, py: f32| format!("{px:.3} {py:.3}");
    let corner = |a: (f32, f32), b: (f32, f32), c: (f32, f32)| {
        format!("{} {} {} c\n", point(a.0, a.1), point(b.0, b.1), point(c.0, c.1))
    };
    [
        format!("{} m\n", point(x + rx, y)),
        format!("{} l\n", point(right - rx, y)),
        corner((right - rx + kx, y), (right, y + ry - ky), (right, y + ry)),
        format!("{} l\n", point(right, top - ry)),
        corner((right, top - ry + ky), (right - rx + kx, top), (right - rx, top)),
        format!("{} l\n", point(x + rx, top)),
        corner((x + rx - kx, top), (x, top - ry + ky), (x, top - ry)),
        format!("{} l\n", point(x, y + ry)),
        corner((x, y + ry - ky), (x + rx - kx, y), (x + rx, y)),
        "h W n\n".to_string(),
    ]
    .concat()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(body: &str) -> Vec<u8> {
        format!("%PDF-1.7\n{body}\ntrailer\n<</Root 1 0 R/ID[<0000000000000000><0000000000000000>]/Size 2>>\n%%EOF")
            .into_bytes()
    }

    /// The identifier's two parts, as the trailer gives them.
    fn id(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let at = text.rfind("/ID[<").expect("an identifier") + 5;
        let (first, second) = (&text[at..at + 16], &text[at + 18..at + 34]);
        assert_eq!(first, second, "both parts are the same");
        first.to_string()
    }

    #[test]
    fn the_identifier_comes_from_every_byte_of_the_file() {
        let (mut a, mut again, mut other) =
            (file("1 0 obj (a) endobj"), file("1 0 obj (a) endobj"), file("1 0 obj (b) endobj"));
        let length = a.len();
        for bytes in [&mut a, &mut again, &mut other] {
            identify(bytes);
        }
        assert_eq!(a.len(), length);
        assert_ne!(id(&a), "0000000000000000");
        assert!(id(&a).bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id(&a), id(&again), "the same file, the same identifier");
        assert_ne!(id(&a), id(&other), "a byte apart, another identifier");
        // A trailer further than a kilobyte from the end is found too.
        let mut long = file("1 0 obj (a) endobj");
        long.extend(std::iter::repeat_n(b'%', 2000));
        identify(&mut long);
        assert_ne!(id(&long), "0000000000000000");
    }
}
