//! Blocks to pages: fonts and shaping, hyphenation, line breaking, then page makeup.

pub mod flow;
pub mod fonts;
pub mod hyphenate;
pub mod linebreak;
pub mod paragraph;
mod ratings;

use crate::compose::{Align, Block, Paragraph, TextStyle};
use crate::frame::{Bookmark, Image, Item, Page};
use crate::theme::Theme;
use flow::Row;
use fonts::FontBook;
use hyphenate::Hyphenator;
use paragraph::Setter;

/// Pages, bookmarks and what could not be shown.
pub struct Laid {
    pub pages: Vec<Page>,
    pub outline: Vec<Bookmark>,
    /// Characters no bundled font has, in order of first appearance.
    pub missing: Vec<char>,
}

/// Lays `blocks` out on the theme's pages; `photo` goes in the header;
/// `footer(page, pages)` labels each page when there are several.
pub fn layout(
    blocks: &[Block],
    theme: &Theme,
    lang: &str,
    photo: Option<&Image>,
    footer: &dyn Fn(usize, usize) -> String,
) -> Laid {
    let mut fonts = FontBook::default();
    let mut hyphenator = Hyphenator::default();
    let mut missing = Vec::new();
    let mut setter = Setter {
        fonts: &mut fonts,
        hyphenator: &mut hyphenator,
        lang,
        missing: &mut missing,
    };
    let (page_w, page_h) = theme.paper.size();
    let m = &theme.margins;
    let width = page_w - m.left.0 - m.right.0;

    let mut rows = Vec::new();
    for block in blocks {
        block_rows(&mut setter, block, width, photo, &mut rows);
    }
    let top = m.top.0;
    let bottom = page_h - m.bottom.0;
    let placements = flow::flow(&rows, top, bottom);
    let page_count = placements.last().map_or(1, |p| p.page + 1);
    let mut pages: Vec<Page> = (0..page_count)
        .map(|_| Page {
            width: page_w,
            height: page_h,
            items: Vec::new(),
        })
        .collect();
    let mut outline = Vec::new();
    for (row, at) in rows.into_iter().zip(placements) {
        if let Some(title) = row.bookmark {
            outline.push(Bookmark {
                title,
                page: at.page,
            });
        }
        for mut item in row.items {
            item.shift(m.left.0, at.y);
            pages[at.page].items.push(item);
        }
    }
    if page_count > 1 {
        let style = TextStyle {
            family: theme.fonts.heading,
            size: theme.sizes.small,
            color: theme.colors.muted,
            bold: false,
            italic: false,
        };
        for (i, page) in pages.iter_mut().enumerate() {
            let para = Paragraph {
                runs: crate::markup::plain(&footer(i + 1, page_count)),
                style,
                align: Align::Center,
                leading: style.size * 1.2,
                indent: 0.0,
                bullet: None,
                hyphenate: false,
                space_before: 0.0,
            };
            let y = page_h - m.bottom.0 / 2.0 - para.leading / 2.0;
            for line in setter.set(&para, width) {
                for mut item in line.items {
                    item.shift(m.left.0, y);
                    page.items.push(item);
                }
            }
        }
    }
    missing.dedup();
    let mut seen = Vec::new();
    missing.retain(|c| {
        let new = !seen.contains(c);
        seen.push(*c);
        new
    });
    Laid {
        pages,
        outline,
        missing,
    }
}

/// Rows of a paragraph, with the widow and orphan rules as keeps.
fn paragraph_rows(setter: &mut Setter, para: &Paragraph, width: f32) -> Vec<Row> {
    let lines = setter.set(para, width);
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| Row {
            height: line.height,
            space_before: if i == 0 { para.space_before } else { 0.0 },
            items: line.items,
            // At least two lines at the foot of a page and two at the head of the next.
            keep_with_next: n > 1 && (i == 0 || i + 2 == n) || line.hyphenated,
            bookmark: None,
        })
        .collect()
}

fn block_rows(
    setter: &mut Setter,
    block: &Block,
    width: f32,
    photo: Option<&Image>,
    rows: &mut Vec<Row>,
) {
    match block {
        Block::Paragraph(p) => rows.extend(paragraph_rows(setter, p, width)),
        Block::Heading {
            para,
            rule,
            outline,
        } => {
            let mut heading = paragraph_rows(setter, para, width);
            if let (Some(color), Some(last)) = (rule, heading.last_mut()) {
                last.items.push(Item::Rect {
                    x: 0.0,
                    y: last.height + 1.0,
                    w: width,
                    h: 0.6,
                    color: *color,
                });
                last.height += 2.0;
            }
            for r in &mut heading {
                r.keep_with_next = true;
            }
            if let Some(first) = heading.first_mut() {
                first.bookmark = Some(outline.clone());
            }
            rows.extend(heading);
        }
        Block::Row { left, right } => {
            let mut aside = right.as_ref().map(|r| {
                let text: String = r.runs.iter().map(|x| x.text.as_str()).collect();
                let face = FontBook::face_id(r.style.family, r.style.bold, r.style.italic);
                let w = setter
                    .fonts
                    .width(face, r.style.size, &text)
                    .min(width * 0.45);
                (setter.set(r, width).into_iter().next(), w)
            });
            let gap = aside.as_ref().map_or(0.0, |(_, w)| w + 12.0);
            let mut main = paragraph_rows(setter, left, width - gap);
            if let (Some(first), Some((Some(line), _))) = (main.first_mut(), aside.take()) {
                // Align the aside's baseline with the first line's.
                let dy = first.height - line.height;
                for mut item in line.items {
                    item.shift(0.0, dy.max(0.0) * 0.5);
                    first.items.push(item);
                }
            }
            for r in &mut main {
                r.keep_with_next = true;
            }
            rows.extend(main);
        }
        Block::Header {
            lines,
            photo_width,
            photo_height,
            ..
        } => {
            let text_width = if photo.is_some() {
                width - photo_width - 14.0
            } else {
                width
            };
            let mut items = Vec::new();
            let mut y = 0.0;
            for (i, para) in lines.iter().enumerate() {
                if i > 0 {
                    y += para.space_before;
                }
                for line in setter.set(para, text_width) {
                    for mut item in line.items {
                        item.shift(0.0, y);
                        items.push(item);
                    }
                    y += line.height;
                }
            }
            let mut height = y;
            if let Some(img) = photo {
                // Fit the photo's aspect inside the theme's box, flush right.
                let aspect = img.height as f32 / img.width.max(1) as f32;
                let (w, h) = if aspect > photo_height / photo_width {
                    (photo_height / aspect, *photo_height)
                } else {
                    (*photo_width, photo_width * aspect)
                };
                items.push(Item::Image {
                    image: 0,
                    x: width - w,
                    y: 0.0,
                    w,
                    h,
                });
                height = height.max(h);
            }
            rows.push(Row {
                height,
                items,
                ..Row::default()
            });
        }
        Block::Ratings { .. } => rows.extend(ratings::rows(setter, block, width)),
        Block::Keep(blocks) => {
            let first = rows.len();
            for b in blocks {
                block_rows(setter, b, width, photo, rows);
            }
            let kept = &mut rows[first..];
            if kept.len() <= 6 {
                let n = kept.len();
                for r in &mut kept[..n.saturating_sub(1)] {
                    r.keep_with_next = true;
                }
            }
            if let Some(last) = kept.last_mut() {
                last.keep_with_next = false;
            }
        }
    }
}
