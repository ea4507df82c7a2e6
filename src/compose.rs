//! `Resume × Theme → Blocks`: what goes on the page, in reading order, with the
//! theme's styles applied. No font metrics here: the layout measures and places.

use std::path::PathBuf;

use crate::locale::Direction;
use crate::localize::{Entry, Resume, Section};
use crate::markup::{self, Inline};
use crate::theme::{Color, DatePlace, Family, PhotoPlace, RatingShape, Side, Theme};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    pub family: Family,
    pub size: f32,
    pub color: Color,
    pub bold: bool,
    pub italic: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    Justify,
    Left,
    Right,
    Center,
}

#[derive(Clone, Debug)]
pub struct Paragraph {
    pub runs: Vec<Inline>,
    pub style: TextStyle,
    pub align: Align,
    /// Baseline to baseline, in points.
    pub leading: f32,
    /// Left indent in points; a bullet hangs in it.
    pub indent: f32,
    pub bullet: Option<char>,
    pub hyphenate: bool,
    /// Space above, in points.
    pub space_before: f32,
}

#[derive(Clone, Debug)]
pub struct RatingCell {
    pub name: String,
    pub value: f64,
    pub scale: f64,
    /// Extractable text of the value: "4.5/5".
    pub text: String,
}

/// Where the photo is printed: a box in points, and the radius of its corners, a
/// circle's being half the box's side (0 for square corners, or the photo's own
/// proportions). The corners are a clipping path in the PDF.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhotoBox {
    pub width: f32,
    pub height: f32,
    pub corner: f32,
}

#[derive(Clone, Debug)]
pub enum Block {
    /// Name, headline and contact line on the left; the photo on the right.
    Header {
        lines: Vec<Paragraph>,
        /// The photo's box when the photo is in the header.
        photo: Option<PhotoBox>,
        /// A band of colour behind the header, across the page.
        band: Option<Color>,
    },
    /// The photo, centred in its column, in its box.
    Photo(PhotoBox),
    /// A section title; `outline` is its bookmark text.
    Heading {
        para: Paragraph,
        rule: Option<Color>,
        outline: String,
    },
    Paragraph(Paragraph),
    /// A line of text with an aside (dates): flush right, or, when `aside_column` is
    /// set, in a column that wide at the left edge (the main text is indented past it).
    Row {
        main: Paragraph,
        aside: Option<Paragraph>,
        aside_column: Option<f32>,
    },
    Ratings {
        cells: Vec<RatingCell>,
        style: TextStyle,
        leading: f32,
        columns: usize,
        shape: RatingShape,
        star: f32,
        full: Color,
        empty: Color,
        space_before: f32,
    },
    /// Kept on one page when it is short (an entry of six lines or fewer).
    Keep(Vec<Block>),
}

struct Composer<'a> {
    theme: &'a Theme,
    resume: &'a Resume,
}

/// Composes the résumé into blocks for a single column.
/// What goes on the pages: a header across the top of the first page, then a main
/// column and, when the theme has one, a sidebar.
pub struct Composed {
    pub header: Block,
    pub main: Vec<Block>,
    pub sidebar: Vec<Block>,
    /// The photo to load, and the box it is printed in.
    pub photo: Option<PhotoRequest>,
    /// The language is written right to left: lines are set right to left and the
    /// whole page is mirrored (the theme's left and right become start and end).
    pub rtl: bool,
}

#[derive(Clone, Debug)]
pub struct PhotoRequest {
    pub path: PathBuf,
    pub width: f32,
    pub height: f32,
}

/// Composes the résumé: sections the theme places in its sidebar go there, in the
/// theme's order; everything else stays in the main column, in the profile's order.
pub fn compose(resume: &Resume, theme: &Theme) -> Composed {
    let c = Composer { theme, resume };
    let mut blocks = Vec::new();
    if let Some(note) = &resume.note {
        let mut p = c.para(markup::inlines(note), c.small().italic().muted(c.theme), Align::Left);
        p.space_before = 6.0;
        blocks.push(Block::Paragraph(p));
    }
    if let Some(summary) = &resume.summary {
        for (i, runs) in markup::paragraphs(summary).into_iter().enumerate() {
            let mut p = c.body_para(runs);
            p.space_before = if i == 0 { 10.0 } else { theme.spacing.paragraph };
            blocks.push(Block::Paragraph(p));
        }
    }
    let in_sidebar = |s: &&Section| theme.columns.sidebar != Side::None && theme.columns.sections.contains(&s.id);
    for s in resume.sections.iter().filter(|s| !in_sidebar(s)) {
        c.section(s, &mut blocks, theme.ratings.columns);
    }
    let mut sidebar = Vec::new();
    for id in &theme.columns.sections {
        for s in resume.sections.iter().filter(in_sidebar).filter(|s| &s.id == id) {
            c.section(s, &mut sidebar, 1);
        }
    }
    let t = &theme.photo;
    let (width, height) = t.size();
    let photo = resume.photo.clone().filter(|_| t.show).map(|path| PhotoRequest { path, width, height });
    let in_sidebar = t.place == PhotoPlace::Sidebar && theme.columns.sidebar != Side::None && !sidebar.is_empty();
    if let (true, Some(p)) = (in_sidebar, &photo) {
        sidebar.insert(0, Block::Photo(photo_box(p, t.shape)));
    }
    // A column starts at its top: no space above its first heading.
    if let Some(Block::Heading { para, .. }) = sidebar.first_mut() {
        para.space_before = 0.0;
    }
    let header_photo = photo.as_ref().filter(|_| !in_sidebar).map(|p| photo_box(p, t.shape));
    let rtl = resume.locale.direction == Direction::Rtl;
    Composed { header: c.header(header_photo), main: blocks, sidebar, photo, rtl }
}

/// The box `photo` is printed in, with the corners its shape gives it.
fn photo_box(photo: &PhotoRequest, shape: crate::theme::PhotoShape) -> PhotoBox {
    use crate::theme::PhotoShape::*;
    let side = photo.width.min(photo.height);
    let corner = match shape {
        Circle => side / 2.0,
        Rounded => side * 0.08,
        Square | Original => 0.0,
    };
    PhotoBox { width: photo.width, height: photo.height, corner }
}

impl TextStyle {
    fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    fn italic(mut self) -> Self {
        self.italic = true;
        self
    }
    fn muted(mut self, theme: &Theme) -> Self {
        self.color = theme.colors.muted;
        self
    }
    fn colored(mut self, color: Color) -> Self {
        self.color = color;
        self
    }
}

impl Composer<'_> {
    fn body(&self) -> TextStyle {
        let t = self.theme;
        TextStyle { family: t.fonts.body, size: t.sizes.body, color: t.colors.text, bold: false, italic: false }
    }

    /// "Label: " with the language's punctuation spacing ("En bref : " in French).
    fn label(&self, label: &str) -> String {
        self.resume.locale.punctuate(&format!("{label}: "))
    }

    fn small(&self) -> TextStyle {
        TextStyle { size: self.theme.sizes.small, ..self.body() }
    }

    fn para(&self, runs: Vec<Inline>, style: TextStyle, align: Align) -> Paragraph {
        Paragraph {
            runs,
            style,
            align,
            leading: style.size * self.theme.leading,
            indent: 0.0,
            bullet: None,
            hyphenate: self.theme.hyphenate,
            space_before: 0.0,
        }
    }

    fn body_para(&self, runs: Vec<Inline>) -> Paragraph {
        let align = if self.theme.justify { Align::Justify } else { Align::Left };
        let mut p = self.para(runs, self.body(), align);
        p.space_before = self.theme.spacing.paragraph;
        p
    }

    /// Name, headline and contact line; `photo` is the photo's box when it goes here.
    fn header(&self, photo: Option<PhotoBox>) -> Block {
        let t = self.theme;
        let r = self.resume;
        let name_style =
            TextStyle { family: t.fonts.name, size: t.sizes.name, color: t.colors.accent, bold: true, italic: false };
        let mut lines = vec![self.para(markup::plain(&r.name), name_style, Align::Left)];
        if let Some(h) = &r.headline {
            let style = TextStyle { family: t.fonts.heading, size: t.sizes.headline, ..self.body() }.muted(t);
            let mut p = self.para(markup::inlines(h), style, Align::Left);
            p.space_before = 4.0;
            p.hyphenate = false;
            lines.push(p);
        }
        let mut contact: Vec<Inline> = Vec::new();
        let mut add = |runs: Vec<Inline>| {
            if !contact.is_empty() {
                contact.push(Inline { text: "  ·  ".into(), ..Inline::default() });
            }
            contact.extend(runs);
        };
        if let Some(l) = &r.location {
            add(markup::plain(l));
        }
        if let Some(e) = &r.email {
            add(vec![Inline { text: e.clone(), link: Some(format!("mailto:{e}")), ..Inline::default() }]);
        }
        if let Some(p) = &r.phone {
            let digits: String = p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
            add(vec![Inline { text: p.clone(), link: Some(format!("tel:{digits}")), ..Inline::default() }]);
        }
        if let Some(w) = &r.website {
            let shown = w.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
            add(vec![Inline { text: shown.to_string(), link: Some(w.clone()), ..Inline::default() }]);
        }
        for (label, url) in &r.links {
            let link = Some(url.clone()).filter(|u| !u.is_empty());
            add(vec![Inline { text: label.clone(), link, ..Inline::default() }]);
        }
        if !contact.is_empty() {
            let style = TextStyle { family: t.fonts.heading, size: t.sizes.small + 0.5, ..self.body() };
            let mut p = self.para(contact, style, Align::Left);
            p.space_before = 8.0;
            p.hyphenate = false;
            lines.push(p);
        }
        if let Some(color) = t.header.text {
            lines.iter_mut().for_each(|p| p.style.color = color);
        }
        Block::Header { lines, photo, band: t.header.band }
    }

    fn heading(&self, title: &str) -> Block {
        let t = self.theme;
        let text = if t.heading.uppercase { title.to_uppercase() } else { title.to_string() };
        let style = TextStyle {
            family: t.fonts.heading,
            size: t.sizes.heading,
            color: t.colors.accent,
            bold: true,
            italic: false,
        };
        let mut para = self.para(markup::plain(&text), style, Align::Left);
        para.hyphenate = false;
        para.space_before = t.spacing.before_heading;
        Block::Heading { para, rule: t.heading.rule.then_some(t.colors.rule), outline: title.to_string() }
    }

    fn section(&self, s: &Section, out: &mut Vec<Block>, rating_columns: usize) {
        let t = self.theme;
        if let Some(title) = &s.title {
            out.push(self.heading(title));
        }
        let mut first = true;
        let mut gap = |normal: f32| -> f32 {
            let g = if first { t.spacing.after_heading } else { normal };
            first = false;
            g
        };
        if let Some(text) = &s.text {
            for runs in markup::paragraphs(text) {
                let mut p = self.body_para(runs);
                p.space_before = gap(t.spacing.paragraph);
                out.push(Block::Paragraph(p));
            }
        }
        for e in &s.entries {
            let mut blocks = Vec::new();
            self.entry(e, gap(t.spacing.between_entries), &mut blocks);
            if t.entries.dates == DatePlace::Left {
                // The entry's text starts after the date column.
                blocks.iter_mut().for_each(|b| indent(b, t.entries.date_width.0));
            }
            out.push(Block::Keep(blocks));
        }
        for g in &s.ratings {
            let space = gap(t.spacing.paragraph + 2.0);
            let mut keep = Vec::new();
            if let Some(title) = &g.group {
                let mut p = self.para(markup::plain(title), self.body().bold(), Align::Left);
                p.space_before = space;
                p.hyphenate = false;
                keep.push(Block::Paragraph(p));
            }
            keep.push(Block::Ratings {
                cells: g
                    .items
                    .iter()
                    .map(|i| RatingCell { name: i.name.clone(), value: i.value, scale: i.scale, text: i.text.clone() })
                    .collect(),
                style: self.body(),
                leading: t.sizes.body * t.leading * 1.35,
                columns: rating_columns.max(1),
                shape: t.ratings.style,
                star: t.ratings.size,
                full: t.colors.accent,
                empty: t.colors.rating_empty,
                space_before: if g.group.is_some() { 2.0 } else { space },
            });
            out.push(Block::Keep(keep));
        }
        // Facts and list items are short lines: a list of six or fewer stays on one page.
        let mut facts = Vec::new();
        for (label, value) in &s.facts {
            let mut runs = vec![Inline { text: self.label(label), bold: true, ..Inline::default() }];
            runs.extend(markup::inlines(value));
            let mut p = self.para(runs, self.body(), Align::Left);
            p.space_before = gap(4.0);
            facts.push(Block::Paragraph(p));
        }
        if !facts.is_empty() {
            out.push(Block::Keep(facts));
        }
        let mut items = Vec::new();
        for item in &s.items {
            let mut p = self.bullet(markup::inlines(item));
            p.space_before = gap(1.0);
            // List items are short phrases: justifying them only opens holes.
            p.align = Align::Left;
            items.push(Block::Paragraph(p));
        }
        if !items.is_empty() {
            out.push(Block::Keep(items));
        }
        if let Some(note) = &s.note {
            for runs in markup::paragraphs(note) {
                let mut p = self.para(
                    runs,
                    self.small().italic().muted(t),
                    if t.justify { Align::Justify } else { Align::Left },
                );
                p.space_before = gap(4.0);
                out.push(Block::Paragraph(p));
            }
        }
    }

    fn bullet(&self, runs: Vec<Inline>) -> Paragraph {
        let mut p = self.body_para(runs);
        p.indent = self.theme.sizes.body * 1.2;
        p.bullet = Some('•');
        p.space_before = 1.0;
        p
    }

    /// An entry; its roles are set under it, indented.
    fn entry(&self, e: &Entry, space_before: f32, out: &mut Vec<Block>) {
        let t = self.theme;
        let title_style = TextStyle { family: t.fonts.heading, size: t.sizes.entry_title, ..self.body() }.bold();
        let (main, sub) = match (&e.title, &e.organization) {
            (Some(title), org) => (title.clone(), org.clone()),
            (None, Some(org)) => (org.clone(), None),
            (None, None) => (String::new(), None),
        };
        let sub = match (sub, &e.location) {
            (Some(o), Some(l)) => Some(format!("{o}, {l}")),
            (Some(o), None) => Some(o),
            (None, Some(l)) if e.title.is_none() => Some(l.clone()),
            _ => None,
        };
        let title_runs = vec![Inline { text: main, link: e.url.clone(), ..Inline::default() }];
        let mut main = self.para(title_runs, title_style, Align::Left);
        main.space_before = space_before;
        main.hyphenate = false;
        let dates_left = t.entries.dates == DatePlace::Left;
        let aside = e.dates.as_ref().map(|d| {
            let style = TextStyle { family: t.fonts.heading, size: t.sizes.small + 0.5, ..self.body() }.muted(t);
            let mut p = self.para(markup::plain(d), style, if dates_left { Align::Left } else { Align::Right });
            p.hyphenate = false;
            p
        });
        let aside_column = dates_left.then_some(t.entries.date_width.0 - 8.0);
        out.push(Block::Row { main, aside, aside_column });
        if let Some(sub) = sub {
            let mut p = self.para(markup::plain(&sub), self.body().italic().colored(t.colors.accent), Align::Left);
            p.hyphenate = false;
            out.push(Block::Paragraph(p));
        }
        if let Some(summary) = &e.summary {
            for runs in markup::paragraphs(summary) {
                out.push(Block::Paragraph(self.body_para(runs)));
            }
        }
        for (label, text) in &e.details {
            for (i, mut runs) in markup::paragraphs(text).into_iter().enumerate() {
                if let (0, Some(label)) = (i, label) {
                    runs.insert(0, Inline { text: self.label(label), bold: true, ..Inline::default() });
                }
                out.push(Block::Paragraph(self.body_para(runs)));
            }
        }
        for h in &e.highlights {
            out.push(Block::Paragraph(self.bullet(markup::inlines(h))));
        }
        if !e.keywords.is_empty() {
            let label = self.resume.locale.label("keywords");
            let mut runs = vec![Inline { text: self.label(label), italic: true, ..Inline::default() }];
            runs.push(Inline { text: e.keywords.join(&self.resume.locale.list), ..Inline::default() });
            let mut p = self.para(runs, self.small().muted(t), Align::Left);
            p.space_before = 2.0;
            out.push(Block::Paragraph(p));
        }
        for role in &e.roles {
            let mut role_blocks = Vec::new();
            self.entry(role, t.spacing.between_entries * 0.75, &mut role_blocks);
            for b in &mut role_blocks {
                indent(b, t.sizes.body);
            }
            out.push(Block::Keep(role_blocks));
        }
    }
}

/// Moves a role's blocks right, so that roles read as part of their organization.
fn indent(block: &mut Block, by: f32) {
    match block {
        Block::Paragraph(p) => p.indent += by,
        Block::Row { main, .. } => main.indent += by,
        Block::Keep(bs) => bs.iter_mut().for_each(|b| indent(b, by)),
        _ => {}
    }
}
