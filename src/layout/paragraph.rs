//! Sets one paragraph: styled runs to shaped words, words to boxes, glue and
//! penalties (with hyphenation and emergency breaks), then total-fit breaking and
//! justified (or ragged) lines of positioned glyphs and link areas.

use std::ops::Range;
use std::rc::Rc;

use super::fonts::{FontBook, Shaped};
use super::hyphenate::Hyphenator;
use super::linebreak::{INFINITY, Item, Params, break_lines};
use crate::compose::{Align, Paragraph};
use crate::frame::{self, FaceId, Glyph};

/// One set line: items relative to the line's top-left corner.
#[derive(Debug)]
pub struct Line {
    pub height: f32,
    pub items: Vec<frame::Item>,
    /// The line ends with a hyphen: the page must not break after it.
    pub hyphenated: bool,
}

/// What setting needs besides the paragraph.
pub struct Setter<'a> {
    pub fonts: &'a mut FontBook,
    pub hyphenator: &'a mut Hyphenator,
    pub lang: &'a str,
    /// Characters no face could show, with the start of their paragraph, for warnings.
    pub missing: &'a mut Vec<(char, String)>,
}

struct Piece {
    face: FaceId,
    shaped: Rc<Shaped>,
    link: Option<String>,
    scale: f32,
}

#[derive(Clone)]
struct Fragment {
    piece: usize,
    glyphs: Range<usize>,
}

/// Characters after which a too-long word (a URL) may break without a hyphen.
const URL_BREAKS: &str = "/.-_?&=#";

impl Setter<'_> {
    /// Sets `para` in a column `width` points wide.
    pub fn set(&mut self, para: &Paragraph, width: f32) -> Vec<Line> {
        let size = para.style.size;
        let measure = (width - para.indent).max(size);
        let mut pieces: Vec<Piece> = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        let mut refs: Vec<Option<Fragment>> = Vec::new();
        let push = |items: &mut Vec<Item>, refs: &mut Vec<Option<Fragment>>, item: Item, r: Option<Fragment>| {
            items.push(item);
            refs.push(r);
        };

        // Words are runs of non-space text; a word may span several styled runs.
        let mut word_start = true;
        for run in &para.runs {
            let face =
                self.fonts.face_id(para.style.family, para.style.bold || run.bold, para.style.italic || run.italic);
            let scale = size / self.fonts.units_per_em(face);
            for (k, chunk) in run.text.split(' ').enumerate() {
                if k > 0 {
                    if !word_start {
                        let space = self.fonts.width(face, size, " ");
                        self.glue(para.align, space, &mut |i| push(&mut items, &mut refs, i, None));
                    }
                    word_start = true;
                }
                if chunk.is_empty() {
                    continue;
                }
                word_start = false;
                let mut shaped = self.fonts.shape(face, chunk);
                let (mut face, mut scale) = (face, scale);
                // A word the theme's fonts cannot show is set in an installed font that can.
                if let Some(&c) = shaped.missing.first()
                    && let Some(fallback) = self.fonts.fallback_for(c)
                {
                    let other = self.fonts.shape(fallback, chunk);
                    if other.missing.len() < shaped.missing.len() {
                        (face, scale, shaped) = (fallback, size / self.fonts.units_per_em(fallback), other);
                    }
                }
                let context = || {
                    let text: String = para.runs.iter().map(|r| r.text.as_str()).collect();
                    let mut start: String = text.chars().take(40).collect();
                    if text.chars().count() > 40 {
                        start.push('…');
                    }
                    start
                };
                self.missing.extend(shaped.missing.iter().map(|c| (*c, context())));
                pieces.push(Piece { face, shaped: shaped.clone(), link: run.link.clone(), scale });
                let piece = pieces.len() - 1;
                let word_width = shaped.advance(0..shaped.glyphs.len()) as f32 * scale;
                let mut cuts: Vec<(usize, Item)> = Vec::new(); // (glyph index, penalty)
                if word_width > measure {
                    for gi in 1..shaped.glyphs.len() {
                        let after_url_char = shaped.glyphs[gi - 1].text.chars().all(|c| URL_BREAKS.contains(c));
                        let cost = if after_url_char { 50.0 } else { 900.0 };
                        cuts.push((gi, Item::Penalty { width: 0.0, cost, flagged: false, hyphen: false }));
                    }
                } else {
                    let hyphen_width = self.fonts.width(face, size, "-");
                    let core_end = chunk.trim_end_matches(|c: char| !c.is_alphabetic()).len();
                    let core_start = chunk.len() - chunk.trim_start_matches(|c: char| !c.is_alphabetic()).len();
                    // Explicit hyphens ("cutting-edge") break without adding one.
                    for (gi, g) in shaped.glyphs.iter().enumerate().skip(1) {
                        if shaped.glyphs[gi - 1].text == "-" && g.byte < core_end && gi >= 3 {
                            cuts.push((gi, Item::Penalty { width: 0.0, cost: 50.0, flagged: true, hyphen: false }));
                        }
                    }
                    let is_link = run.link.is_some() || chunk.contains('@') || chunk.contains("://");
                    if para.hyphenate && !is_link && core_start < core_end {
                        let core = &chunk[core_start..core_end];
                        for b in self.hyphenator.breaks(self.lang, core) {
                            let byte = core_start + b;
                            // Only at a glyph boundary: never inside a ligature.
                            if let Some(gi) = shaped.glyphs.iter().position(|g| g.byte == byte) {
                                cuts.push((
                                    gi,
                                    Item::Penalty { width: hyphen_width, cost: 50.0, flagged: true, hyphen: true },
                                ));
                            }
                        }
                    }
                    cuts.sort_by_key(|c| c.0);
                    cuts.dedup_by_key(|c| c.0);
                }
                let mut from = 0;
                for (gi, penalty) in cuts {
                    let w = shaped.advance(from..gi) as f32 * scale;
                    push(&mut items, &mut refs, Item::Box { width: w }, Some(Fragment { piece, glyphs: from..gi }));
                    push(&mut items, &mut refs, penalty, Some(Fragment { piece, glyphs: gi..gi }));
                    from = gi;
                }
                let w = shaped.advance(from..shaped.glyphs.len()) as f32 * scale;
                push(
                    &mut items,
                    &mut refs,
                    Item::Box { width: w },
                    Some(Fragment { piece, glyphs: from..shaped.glyphs.len() }),
                );
            }
        }
        // Trailing spaces never make a line.
        while matches!(items.last(), Some(Item::Glue { .. } | Item::Penalty { .. })) {
            items.pop();
            refs.pop();
        }
        if items.is_empty() {
            return Vec::new();
        }
        // The last word of a paragraph is never hyphenated.
        let last_space = items.iter().rposition(|i| matches!(i, Item::Glue { .. })).unwrap_or(0);
        for item in &mut items[last_space..] {
            if let Item::Penalty { cost, hyphen: true, .. } = item {
                *cost = INFINITY;
            }
        }
        push(&mut items, &mut refs, Item::Penalty { width: 0.0, cost: INFINITY, flagged: false, hyphen: false }, None);
        push(&mut items, &mut refs, Item::Glue { width: 0.0, stretch: 1e6, shrink: 0.0 }, None);
        push(&mut items, &mut refs, Item::Penalty { width: 0.0, cost: -INFINITY, flagged: false, hyphen: false }, None);

        let width_of = |_: usize| measure;
        let passes = [
            Params { tolerance: 100.0, allow_hyphens: false, ..Params::default() },
            Params { tolerance: 200.0, ..Params::default() },
            Params { tolerance: 2000.0, ..Params::default() },
            Params { tolerance: f32::INFINITY, ..Params::default() },
            Params { tolerance: f32::INFINITY, max_hyphen_run: u8::MAX, ..Params::default() },
        ];
        let breaks = passes.iter().find_map(|p| break_lines(&items, &width_of, p)).unwrap_or_default();

        let mut lines = Vec::new();
        let mut start = 0;
        let baseline = (para.leading - size) / 2.0 + size * 0.8;
        let last = breaks.len().saturating_sub(1);
        for (li, b) in breaks.iter().enumerate() {
            while start < b.position && !matches!(items[start], Item::Box { .. }) {
                start += 1;
            }
            let justified = para.align == Align::Justify && li != last;
            // A last or ragged line keeps its natural spacing, but may shrink like any other.
            let ratio = if justified { b.ratio.clamp(-1.0, 1e3) } else { b.ratio.clamp(-1.0, 0.0) };
            let mut placed: Vec<(f32, Fragment)> = Vec::new();
            let mut x = 0.0;
            for i in start..b.position {
                match items[i] {
                    Item::Box { width } => {
                        placed.push((x, refs[i].clone().unwrap_or(Fragment { piece: 0, glyphs: 0..0 })));
                        x += width;
                    }
                    Item::Glue { width, stretch, shrink } => {
                        x += width + if ratio >= 0.0 { ratio * stretch } else { ratio * shrink };
                    }
                    Item::Penalty { .. } => {}
                }
            }
            let mut hyphen: Option<(f32, usize)> = None;
            if let (Item::Penalty { width, .. }, Some(f)) = (items[b.position], &refs[b.position])
                && width > 0.0
            {
                hyphen = Some((x, f.piece));
                x += width;
            }
            let offset = para.indent
                + match para.align {
                    Align::Right => (measure - x).max(0.0),
                    Align::Center => ((measure - x) / 2.0).max(0.0),
                    _ => 0.0,
                };
            let mut out = Vec::new();
            if li == 0
                && let Some(bullet) = para.bullet
            {
                let face = self.fonts.face_id(para.style.family, false, false);
                let shaped = self.fonts.shape(face, &bullet.to_string());
                let bw = self.fonts.width(face, size, &bullet.to_string());
                out.push(text_item(
                    &shaped,
                    0..shaped.glyphs.len(),
                    face,
                    size / self.fonts.units_per_em(face),
                    para,
                    (para.indent - bw - size * 0.45).max(0.0),
                    baseline,
                ));
            }
            let mut link_areas: Vec<(f32, f32, String)> = Vec::new();
            for (px, f) in &placed {
                let piece = &pieces[f.piece];
                if f.glyphs.is_empty() {
                    continue;
                }
                out.push(text_item(
                    &piece.shaped,
                    f.glyphs.clone(),
                    piece.face,
                    piece.scale,
                    para,
                    offset + px,
                    baseline,
                ));
                if let Some(uri) = &piece.link {
                    let w = piece.shaped.advance(f.glyphs.clone()) as f32 * piece.scale;
                    match link_areas.last_mut() {
                        Some((x0, x1, u)) if u == uri && offset + px - *x1 < size * 1.5 => *x1 = offset + px + w,
                        _ => link_areas.push((offset + px, offset + px + w, uri.clone())),
                    }
                }
            }
            if let Some((hx, piece)) = hyphen {
                let p = &pieces[piece];
                let shaped = self.fonts.shape(p.face, "-");
                out.push(text_item(&shaped, 0..shaped.glyphs.len(), p.face, p.scale, para, offset + hx, baseline));
                if let (Some(uri), Some(area)) = (&p.link, link_areas.last_mut())
                    && &area.2 == uri
                {
                    area.1 = offset + x;
                }
            }
            for (x0, x1, uri) in link_areas {
                out.push(frame::Item::Link { x: x0, y: baseline - size * 0.85, w: x1 - x0, h: size * 1.1, uri });
            }
            lines.push(Line { height: para.leading, items: out, hyphenated: hyphen.is_some() });
            start = b.position + 1;
        }
        lines
    }

    /// An interword space: stretchable and shrinkable when justified; for ragged text,
    /// TeX's construction that puts the raggedness at line ends only.
    fn glue(&self, align: Align, space: f32, push: &mut dyn FnMut(Item)) {
        if align == Align::Justify {
            push(Item::Glue { width: space, stretch: space * 0.6, shrink: space * 0.35 });
        } else {
            let rag = space * 6.0;
            push(Item::Glue { width: 0.0, stretch: rag, shrink: 0.0 });
            push(Item::Penalty { width: 0.0, cost: 0.0, flagged: false, hyphen: false });
            push(Item::Glue { width: space, stretch: -rag, shrink: 0.0 });
        }
    }
}

fn text_item(
    shaped: &Shaped,
    range: Range<usize>,
    face: FaceId,
    scale: f32,
    para: &Paragraph,
    x: f32,
    y: f32,
) -> frame::Item {
    let mut pen = 0.0;
    let glyphs = shaped.glyphs[range]
        .iter()
        .map(|g| {
            let advance = g.advance as f32 * scale;
            let glyph = Glyph { id: g.id, x: pen + g.x_offset as f32 * scale, advance, text: g.text.clone() };
            pen += advance;
            glyph
        })
        .collect();
    frame::Item::Text { face, size: para.style.size, color: para.style.color, x, y, glyphs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::TextStyle;
    use crate::markup;
    use crate::theme::{Color, Family};

    fn para(text: &str, align: Align) -> Paragraph {
        let style = TextStyle { family: Family::Serif, size: 10.0, color: Color([0.0; 3]), bold: false, italic: false };
        Paragraph {
            runs: markup::inlines(text),
            style,
            align,
            leading: 12.8,
            indent: 0.0,
            bullet: None,
            hyphenate: true,
            space_before: 0.0,
        }
    }

    /// The lines as text: words joined by one space, a line-end hyphen kept.
    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                let mut out = String::new();
                let mut end: Option<f32> = None;
                for item in &line.items {
                    if let frame::Item::Text { x, glyphs, .. } = item {
                        if end.is_some_and(|e| x - e > 0.5) {
                            out.push(' ');
                        }
                        out.extend(glyphs.iter().map(|g| g.text.as_str()));
                        end = glyphs.last().map(|g| x + g.x + g.advance);
                    }
                }
                out
            })
            .collect()
    }

    fn set(text: &str, width: f32, align: Align, lang: &str) -> Vec<Line> {
        let (mut fonts, mut hyphenator, mut missing) = (FontBook::default(), Hyphenator::default(), Vec::new());
        let mut setter = Setter { fonts: &mut fonts, hyphenator: &mut hyphenator, lang, missing: &mut missing };
        setter.set(&para(text, align), width)
    }

    /// The right edge of the line's last glyph.
    fn right_edge(line: &Line) -> f32 {
        line.items
            .iter()
            .filter_map(|i| match i {
                frame::Item::Text { x, glyphs, .. } => glyphs.last().map(|g| x + g.x + g.advance),
                _ => None,
            })
            .fold(0.0, f32::max)
    }

    const EN: &str = "Typography is the craft of endowing human language with a durable visual form. \
        A well-set paragraph has even spacing from line to line, with hyphenation where it helps \
        and never three hyphens in a row; the reader should not notice the typesetter at all.";
    const FR: &str = "La typographie est l’art de donner au langage une forme visible et durable. \
        Un paragraphe bien composé garde des espaces réguliers d’une ligne à l’autre, coupe les mots \
        quand cela aide et ne laisse jamais trois tirets de suite : le lecteur ne doit rien remarquer.";

    #[test]
    fn golden_justified_paragraph_in_english() {
        let lines = set(EN, 250.0, Align::Justify, "en");
        assert_eq!(texts(&lines), GOLDEN_EN, "{:#?}", texts(&lines));
        for line in &lines[..lines.len() - 1] {
            assert!((right_edge(line) - 250.0).abs() < 0.05, "flush right: {}", right_edge(line));
        }
    }

    #[test]
    fn golden_justified_paragraph_in_french() {
        let text = crate::locale::Locale::for_language("fr").punctuate(FR);
        let lines = set(&text, 250.0, Align::Justify, "fr");
        assert_eq!(texts(&lines), GOLDEN_FR, "{:#?}", texts(&lines));
    }

    // Reviewed by eye: even spacing, "spac-ing" and "vi-sible" at the patterns' points.
    const GOLDEN_EN: &[&str] = &[
        "Typography is the craft of endowing human language with",
        "a durable visual form. A well-set paragraph has even spac-",
        "ing from line to line, with hyphenation where it helps and",
        "never three hyphens in a row; the reader should not notice",
        "the typesetter at all.",
    ];
    const GOLDEN_FR: &[&str] = &[
        "La typographie est l’art de donner au langage une forme vi-",
        "sible et durable. Un paragraphe bien composé garde des es-",
        "paces réguliers d’une ligne à l’autre, coupe les mots quand",
        "cela aide et ne laisse jamais trois tirets de suite\u{202f}: le lecteur ne",
        "doit rien remarquer.",
    ];

    /// A small deterministic generator, so that failures reproduce.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    #[test]
    fn property_every_word_kept_in_order_and_no_line_past_the_measure() {
        let words = [
            "a",
            "of",
            "the",
            "reliability",
            "infrastructure",
            "observability",
            "hyphenation",
            "cutting-edge",
            "https://example.org/a/very/long/path/that/will/not/fit/anywhere?query=1&x=2",
            "ada@example.org",
            "**bold**",
            "*italic*",
            "naïve",
            "Überraschung",
            "supercalifragilisticexpialidocious",
            "CI/CD",
            "2019–2024",
            "e.g.",
            "(parenthesised)",
            "x",
        ];
        let mut rng = Lcg(7);
        for case in 0..150 {
            let n = 1 + rng.next(40);
            let text: Vec<&str> = (0..n).map(|_| words[rng.next(words.len())]).collect();
            let text = text.join(" ");
            let width = 40.0 + rng.next(360) as f32;
            let align = if case % 3 == 0 { Align::Left } else { Align::Justify };
            let lines = set(&text, width, align, "en");
            for line in &lines {
                assert!(right_edge(line) <= width + 0.01, "case {case}: {} > {width}: {text}", right_edge(line));
            }
            let mut got: String = texts(&lines)
                .iter()
                .zip(&lines)
                .map(|(t, l)| if l.hyphenated { t.strip_suffix('-').unwrap_or(t).to_string() } else { t.clone() })
                .collect::<Vec<_>>()
                .concat();
            got.retain(|c| c != ' ');
            let mut want = markup::inlines(&text).iter().map(|r| r.text.clone()).collect::<String>();
            want.retain(|c| c != ' ');
            assert_eq!(got, want, "case {case}, width {width}");
        }
    }
}
