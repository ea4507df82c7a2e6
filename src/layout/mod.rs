//! Blocks to pages: fonts and shaping, hyphenation, line breaking, then page makeup.

mod dictionary;
pub mod flow;
pub mod fonts;
pub mod hyphenate;
mod kern;
pub mod linebreak;
pub mod paragraph;
mod ratings;
mod split;
mod triggers;
pub mod typeface;

use crate::compose::{Align, Block, Composed, Paragraph, TextStyle};
use crate::frame::{Bookmark, Item, Page};
use crate::theme::{Color, Side, Theme};
use flow::Row;
use fonts::FontBook;
use hyphenate::Hyphenator;
use paragraph::Setter;

/// Pages, bookmarks and what could not be shown.
pub struct Laid {
    pub pages: Vec<Page>,
    pub outline: Vec<Bookmark>,
    /// Characters no font has, each with the start of the first paragraph it is in.
    pub missing: Vec<(char, String)>,
}

/// What layout needs besides the blocks and the theme.
pub struct Options<'a> {
    pub lang: &'a str,
    /// The portrait's aspect (height / width) as printed, when there is one: layout
    /// needs no more of it, so the image can be prepared while the text is set.
    pub photo: Option<f32>,
    /// Labels each page ("2 / 3") when there are several.
    pub footer: &'a dyn Fn(usize, usize) -> String,
    /// Draws row tops and baselines, for theme authors.
    pub debug: bool,
}

/// A column: its left edge and width, and the rows that flow down it.
struct Column {
    x: f32,
    width: f32,
    rows: Vec<Row>,
}

/// Lays the composed résumé out on the theme's pages: the header across the top of
/// the first page, then the main column and the sidebar, each flowing on from page
/// to page on its own.
pub fn layout(composed: &Composed, theme: &Theme, fonts: &mut FontBook, opts: &Options) -> Laid {
    let mut hyphenator = Hyphenator::default();
    let mut missing = Vec::new();
    let rtl = composed.rtl;
    let mut setter = Setter { fonts, hyphenator: &mut hyphenator, lang: opts.lang, rtl, missing: &mut missing };
    let (page_w, page_h) = theme.paper.size();
    let m = &theme.margins;
    let content = page_w - m.left.0 - m.right.0;
    let top = m.top.0;
    let bottom = page_h - m.bottom.0;

    let mut header = Vec::new();
    block_rows(&mut setter, &composed.header, content, opts.photo, &mut header);
    let header_height: f32 = header.iter().map(|r| r.height).sum();
    let band = match &composed.header {
        Block::Header { band: Some(color), .. } => Some((*color, top + header_height + m.top.0 * 0.6)),
        _ => None,
    };
    let columns_top = band.map_or(top + header_height, |(_, bottom)| bottom) + theme.spacing.before_heading * 0.5;

    let c = &theme.columns;
    let sidebar_width = c.width.0.min(content * 0.5);
    let with_sidebar = c.sidebar != Side::None && !composed.sidebar.is_empty();
    let main_width = if with_sidebar { content - sidebar_width - c.gap.0 } else { content };
    let (main_x, side_x) = match c.sidebar {
        Side::Left => (m.left.0 + sidebar_width + c.gap.0, m.left.0),
        _ => (m.left.0, m.left.0 + main_width + c.gap.0),
    };
    let mut columns = vec![Column { x: main_x, width: main_width, rows: Vec::new() }];
    if with_sidebar {
        columns.push(Column { x: side_x, width: sidebar_width, rows: Vec::new() });
    }
    // The columns' blocks in reading order, each with its column.
    let work: Vec<(usize, &Block)> = [&composed.main, &composed.sidebar]
        .into_iter()
        .take(columns.len())
        .enumerate()
        .flat_map(|(col, blocks)| blocks.iter().map(move |block| (col, block)))
        .collect();
    let settings = split::Settings { families: theme.families(), lang: opts.lang, rtl, photo: opts.photo };
    split::set_columns(&mut setter, &work, &mut columns, settings);

    let column_top = |page: usize| if page == 0 { columns_top } else { top };
    let placements: Vec<Vec<flow::Placement>> =
        columns.iter().map(|col| flow::flow(&col.rows, &column_top, bottom)).collect();
    let page_count = placements.iter().filter_map(|p| p.last()).map(|p| p.page + 1).max().unwrap_or(1);
    let mut pages: Vec<Page> =
        (0..page_count).map(|_| Page { width: page_w, height: page_h, items: Vec::new() }).collect();
    if let (true, Some(tint)) = (with_sidebar, c.tint) {
        let pad = c.gap.0 * 0.4;
        for (i, page) in pages.iter_mut().enumerate() {
            let y = column_top(i) - pad;
            page.items.push(Item::Rect {
                x: side_x - pad,
                y,
                w: sidebar_width + 2.0 * pad,
                h: bottom - y + pad,
                color: tint,
            });
        }
    }
    if let Some((color, bottom)) = band {
        pages[0].items.insert(0, Item::Rect { x: 0.0, y: 0.0, w: page_w, h: bottom, color });
    }
    let mut outline = Vec::new();
    let mut y = top;
    for row in header {
        let height = row.height;
        place(&mut pages[0], row, m.left.0, y, content, opts.debug, &mut outline, 0);
        y += height;
    }
    for (col, at) in columns.into_iter().zip(placements) {
        for (row, at) in col.rows.into_iter().zip(at) {
            place(&mut pages[at.page], row, col.x, at.y, col.width, opts.debug, &mut outline, at.page);
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
                runs: crate::markup::plain(&(opts.footer)(i + 1, page_count)),
                style,
                align: Align::Center,
                leading: style.size * 1.2,
                indent: 0.0,
                bullet: None,
                hyphenate: false,
                space_before: 0.0,
            };
            let y = page_h - m.bottom.0 / 2.0 - para.leading / 2.0;
            for line in setter.set(&para, content) {
                for mut item in line.items {
                    item.shift(m.left.0, y);
                    page.items.push(item);
                }
            }
        }
    }
    if rtl {
        pages.iter_mut().for_each(mirror);
    }
    let mut seen = Vec::new();
    missing.retain(|(c, _)| {
        let new = !seen.contains(c);
        seen.push(*c);
        new
    });
    Laid { pages, outline, missing }
}

/// Mirrors a page left to right for a right-to-left language: columns, date
/// columns, photo and marks change sides. Text runs move as wholes: the setter has
/// already put their glyphs in visual order.
fn mirror(page: &mut Page) {
    let w = page.width;
    for item in &mut page.items {
        match item {
            Item::Text { x, glyphs, .. } => *x = w - *x - glyphs.last().map_or(0.0, |g| g.x + g.advance),
            Item::Rect { x, w: width, .. } | Item::Image { x, w: width, .. } | Item::Link { x, w: width, .. } => {
                *x = w - *x - *width
            }
            Item::Polygon { points, .. } => points.iter_mut().for_each(|p| p.0 = w - p.0),
        }
    }
}

const DEBUG_ROW: Color = Color([0.2, 0.5, 0.95]);
const DEBUG_BASELINE: Color = Color([0.9, 0.1, 0.5]);

/// Puts a row's items on `page` with its top-left corner at (`x`, `y`).
#[allow(clippy::too_many_arguments)]
fn place(
    page: &mut Page,
    row: Row,
    x: f32,
    y: f32,
    width: f32,
    debug: bool,
    outline: &mut Vec<Bookmark>,
    page_index: usize,
) {
    if let Some(title) = row.bookmark {
        outline.push(Bookmark { title, page: page_index, y });
    }
    if debug {
        page.items.push(Item::Rect { x, y, w: width, h: 0.3, color: DEBUG_ROW });
        page.items.push(Item::Rect { x, y: y + row.height - 0.3, w: width, h: 0.3, color: DEBUG_ROW });
    }
    for mut item in row.items {
        item.shift(x, y);
        if let (true, Item::Text { x, y, glyphs, size, .. }) = (debug, &item) {
            let w = glyphs.last().map_or(0.0, |g| g.x + size * 0.5);
            page.items.push(Item::Rect { x: *x, y: *y, w, h: 0.2, color: DEBUG_BASELINE });
        }
        page.items.push(item);
    }
}

/// The size of `img` fitted inside a box, keeping its proportions.
fn fit(aspect: f32, box_w: f32, box_h: f32) -> (f32, f32) {
    if aspect > box_h / box_w { (box_h / aspect, box_h) } else { (box_w, box_w * aspect) }
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

fn block_rows(setter: &mut Setter, block: &Block, width: f32, photo: Option<f32>, rows: &mut Vec<Row>) {
    match block {
        Block::Paragraph(p) => rows.extend(paragraph_rows(setter, p, width)),
        Block::Heading { para, rule, outline } => {
            let mut heading = paragraph_rows(setter, para, width);
            if let (Some(color), Some(last)) = (rule, heading.last_mut()) {
                last.items.push(Item::Rect { x: 0.0, y: last.height + 1.0, w: width, h: 0.6, color: *color });
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
        Block::Row { main, aside, aside_column } => {
            // The aside (dates) is set first: its width decides the main text's.
            let aside_width = match (aside, aside_column) {
                (_, Some(column)) => *column,
                (Some(a), None) => {
                    let text: String = a.runs.iter().map(|x| x.text.as_str()).collect();
                    let face = setter.fonts.face_id(a.style.family, a.style.bold, a.style.italic);
                    setter.fonts.width(face, a.style.size, &text).min(width * 0.45) + 0.5
                }
                (None, None) => 0.0,
            };
            let aside_lines = aside.as_ref().map(|a| setter.set(a, aside_width)).unwrap_or_default();
            let main_width = if aside_column.is_some() || aside.is_none() { width } else { width - aside_width - 12.0 };
            let mut main_rows = paragraph_rows(setter, main, main_width);
            if main_rows.is_empty() && !aside_lines.is_empty() {
                // A date with no title beside it (found by the fuzzer): the date still
                // needs a row to hang on.
                main_rows.push(Row {
                    height: 0.0,
                    space_before: main.space_before,
                    items: Vec::new(),
                    keep_with_next: false,
                    bookmark: None,
                });
            }
            let x = if aside_column.is_some() { 0.0 } else { width - aside_width };
            let mut y = 0.0;
            for (i, line) in aside_lines.into_iter().enumerate() {
                // Centre the aside's line on the main line's box (their baselines meet
                // when the leadings match); lines beyond the main text's hang below
                // its last row, in the date column the entry's text keeps clear of.
                let (row, dy) = match main_rows.len() {
                    n if i < n => (i, ((main_rows[i].height - line.height) * 0.5).max(0.0)),
                    n => (n - 1, y - main_rows[..n - 1].iter().map(|r| r.height).sum::<f32>()),
                };
                let height = line.height;
                for mut item in line.items {
                    item.shift(x, dy);
                    main_rows[row].items.push(item);
                }
                y += height;
            }
            for r in &mut main_rows {
                r.keep_with_next = true;
            }
            rows.extend(main_rows);
        }
        Block::Photo(photo_box) => {
            if let Some(img) = photo {
                let (w, h) = fit(img, photo_box.width, photo_box.height);
                let items =
                    vec![Item::Image { image: 0, x: (width - w) / 2.0, y: 0.0, w, h, corner: photo_box.corner }];
                rows.push(Row { height: h + 6.0, items, keep_with_next: true, ..Row::default() });
            }
        }
        Block::Header { lines, photo: photo_box, .. } => {
            let photo = photo.zip(*photo_box);
            let text_width = photo.map_or(width, |(_, b)| width - b.width - 14.0);
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
            if let Some((img, photo_box)) = photo {
                let (w, h) = fit(img, photo_box.width, photo_box.height);
                items.push(Item::Image { image: 0, x: width - w, y: 0.0, w, h, corner: photo_box.corner });
                height = height.max(h);
            }
            rows.push(Row { height, items, ..Row::default() });
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
