//! A theme: every typographic and layout choice of a design, as data.
//! `Theme::default()` holds every default; a theme file (`layouts/*.yaml`) overrides
//! only what it changes.

use std::path::{Path, PathBuf};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

use crate::diag::{Diagnostic, Pos};
use crate::model::node::{self, Node};

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Theme {
    pub name: String,
    pub description: String,
    /// A built-in theme name or a theme file (relative to this one) whose settings
    /// this theme starts from.
    pub extends: Option<String>,
    pub paper: Paper,
    pub margins: Margins,
    pub fonts: Fonts,
    pub sizes: Sizes,
    /// Baseline distance as a multiple of the font size.
    pub leading: f32,
    pub colors: Colors,
    pub justify: bool,
    pub hyphenate: bool,
    pub heading: HeadingStyle,
    pub photo: PhotoStyle,
    pub ratings: RatingStyle,
    /// Vertical space, in points.
    pub spacing: Spacing,
    pub columns: Columns,
    pub entries: EntryStyle,
    pub header: HeaderStyle,
    pub fit: Fit,
}

/// How far a profile may be tightened to fit on a number of pages: each value is
/// where type size, leading and vertical spacing may go at the tightest.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Fit {
    /// Fit on this many pages (`--fit-pages` overrides it).
    pub pages: Option<usize>,
    /// Smallest type, as a share of the theme's sizes.
    pub min_scale: f32,
    /// Smallest leading (baseline distance as a multiple of the type size).
    pub min_leading: f32,
    /// Smallest vertical spacing, as a share of the theme's.
    pub min_spacing: f32,
}

impl Default for Fit {
    fn default() -> Self {
        Fit { pages: None, min_scale: 0.9, min_leading: 1.16, min_spacing: 0.5 }
    }
}

/// Where an entry's dates go: flush right on its title line, or in a column of
/// their own on the left (the entry's text then starts after it).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EntryStyle {
    pub dates: DatePlace,
    /// Width of the date column when dates are on the left.
    pub date_width: Length,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatePlace {
    Right,
    Left,
}

impl Default for EntryStyle {
    fn default() -> Self {
        EntryStyle { dates: DatePlace::Right, date_width: Length(28.0 * 72.0 / 25.4) }
    }
}

/// The header: optionally on a band of colour across the top of the first page.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HeaderStyle {
    /// The band's colour; none draws no band.
    pub band: Option<Color>,
    /// Colour of the name, headline and contact line on the band.
    pub text: Option<Color>,
}

/// Where a sidebar goes, if any.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    None,
    Left,
    Right,
}

/// A main column and an optional sidebar; each flows on from page to page.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Columns {
    pub sidebar: Side,
    pub width: Length,
    pub gap: Length,
    /// Section ids set in the sidebar, in this order.
    pub sections: Vec<String>,
    /// A tint behind the sidebar, from the top of the columns to the foot of the page.
    pub tint: Option<Color>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            sidebar: Side::None,
            width: Length(62.0 * 72.0 / 25.4),
            gap: Length(8.0 * 72.0 / 25.4),
            sections: Vec::new(),
            tint: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.276, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Margins {
    pub top: Length,
    pub bottom: Length,
    pub left: Length,
    pub right: Length,
}

/// A length in points, written in a theme as `20mm`, `1in`, `12pt` or a bare number of points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Length(pub f32);

impl JsonSchema for Length {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Length".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "points, or a string such as 20mm, 0.75in, 12pt", "anyOf": [{ "type": "number", "minimum": 0 }, { "type": "string", "pattern": "^[0-9.]+ *(mm|cm|in|pt)?$" }] })
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f32),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(x) => Ok(Length(x)),
            Raw::Text(s) => parse_length(&s).map(Length).ok_or_else(|| {
                serde::de::Error::custom(format!("`{s}` is not a length: write it as 20mm, 0.75in or 12pt"))
            }),
        }
    }
}

fn parse_length(s: &str) -> Option<f32> {
    let s = s.trim();
    let (number, factor) = if let Some(n) = s.strip_suffix("mm") {
        (n, 72.0 / 25.4)
    } else if let Some(n) = s.strip_suffix("cm") {
        (n, 72.0 / 2.54)
    } else if let Some(n) = s.strip_suffix("in") {
        (n, 72.0)
    } else if let Some(n) = s.strip_suffix("pt") {
        (n, 1.0)
    } else {
        (s, 1.0)
    };
    number.trim().parse::<f32>().ok().filter(|x| x.is_finite() && *x >= 0.0).map(|x| x * factor)
}

/// A font family: one of the bundled ones, or a font file of the user's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Gentium Book Plus: a book face with kerning and wide Latin, Greek and Cyrillic coverage.
    Serif,
    /// Lato: a humanist sans.
    Sans,
    /// A TrueType or OpenType file (`Name-Regular.ttf`; its bold and italic are found
    /// beside it), relative to the theme file. Fonts live as long as the process.
    File(&'static str),
}

impl JsonSchema for Family {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Family".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "serif, sans, or a .ttf/.otf file beside the theme", "anyOf": [{ "enum": ["serif", "sans"] }, { "type": "string", "pattern": "\\.(ttf|otf)$" }] })
    }
}

impl<'de> Deserialize<'de> for Family {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "serif" => Family::Serif,
            "sans" => Family::Sans,
            path if path.ends_with(".ttf") || path.ends_with(".otf") => Family::File(Box::leak(s.into_boxed_str())),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "`{other}` is not a font: write serif, sans, or the path of a .ttf or .otf file"
                )));
            }
        })
    }
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Fonts {
    pub body: Family,
    pub heading: Family,
    pub name: Family,
}

/// Font sizes in points.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Sizes {
    pub body: f32,
    pub small: f32,
    pub name: f32,
    pub headline: f32,
    pub heading: f32,
    pub entry_title: f32,
}

/// A colour as `#rrggbb`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Color(pub [f32; 3]);

impl JsonSchema for Color {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Color".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "^#[0-9a-fA-F]{6}$" })
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.trim_start_matches('#');
        let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (hex.len(), byte(0), byte(2), byte(4)) {
            (6, Some(r), Some(g), Some(b)) => Ok(Color([r, g, b].map(|c| f32::from(c) / 255.0))),
            _ => Err(serde::de::Error::custom(format!("`{s}` is not a colour: write it as #rrggbb"))),
        }
    }
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Colors {
    pub text: Color,
    pub accent: Color,
    pub muted: Color,
    pub rule: Color,
    pub rating_empty: Color,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HeadingStyle {
    pub uppercase: bool,
    /// A thin rule under each section heading.
    pub rule: bool,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PhotoStyle {
    pub show: bool,
    pub width: Length,
    /// Height as a multiple of the width.
    pub aspect: f32,
    pub shape: PhotoShape,
    pub greyscale: bool,
    /// In the header, or at the top of the sidebar (when the theme has one).
    pub place: PhotoPlace,
}

impl PhotoStyle {
    /// The box the photo is printed in (width, height), in points.
    pub fn size(&self) -> (f32, f32) {
        let width = self.width.0;
        (width, if self.shape == PhotoShape::Circle { width } else { width * self.aspect })
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PhotoPlace {
    Header,
    Sidebar,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PhotoShape {
    /// The theme's box, corners square.
    Square,
    /// The theme's box, corners rounded.
    Rounded,
    /// A circle as wide as the box.
    Circle,
    /// The photo's own proportions, fitted in the box.
    Original,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RatingStyle {
    pub style: RatingShape,
    /// A star's or dot's diameter, a bar's height times two, in points.
    pub size: f32,
    /// Rated items per row.
    pub columns: usize,
}

/// How a rating is drawn: one mark per point of the scale (half marks for halves),
/// or a bar filled in proportion.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RatingShape {
    Stars,
    Dots,
    Bars,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Spacing {
    pub before_heading: f32,
    pub after_heading: f32,
    pub between_entries: f32,
    pub paragraph: f32,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            name: "custom".into(),
            description: String::new(),
            extends: None,
            paper: Paper::A4,
            margins: Margins::default(),
            fonts: Fonts::default(),
            sizes: Sizes::default(),
            leading: 1.28,
            colors: Colors::default(),
            justify: true,
            hyphenate: true,
            heading: HeadingStyle::default(),
            photo: PhotoStyle::default(),
            ratings: RatingStyle::default(),
            spacing: Spacing::default(),
            columns: Columns::default(),
            entries: EntryStyle::default(),
            header: HeaderStyle::default(),
            fit: Fit::default(),
        }
    }
}

impl Default for Margins {
    fn default() -> Self {
        let mm = |x: f32| Length(x * 72.0 / 25.4);
        Margins { top: mm(18.0), bottom: mm(20.0), left: mm(20.0), right: mm(20.0) }
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts { body: Family::Serif, heading: Family::Sans, name: Family::Sans }
    }
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes { body: 10.0, small: 8.5, name: 24.0, headline: 11.0, heading: 12.5, entry_title: 10.5 }
    }
}

impl Default for Colors {
    fn default() -> Self {
        let c = |r: u8, g: u8, b: u8| Color([r, g, b].map(|x| f32::from(x) / 255.0));
        Colors {
            text: c(0x22, 0x22, 0x22),
            accent: c(0x1f, 0x4e, 0x79),
            muted: c(0x5f, 0x63, 0x68),
            rule: c(0xb8, 0xc4, 0xd0),
            rating_empty: c(0xd5, 0xdb, 0xe1),
        }
    }
}

impl Default for HeadingStyle {
    fn default() -> Self {
        HeadingStyle { uppercase: false, rule: true }
    }
}

impl Default for PhotoStyle {
    fn default() -> Self {
        PhotoStyle {
            show: true,
            width: Length(30.0 * 72.0 / 25.4),
            aspect: 1.25,
            shape: PhotoShape::Rounded,
            greyscale: false,
            place: PhotoPlace::Header,
        }
    }
}

impl Default for RatingStyle {
    fn default() -> Self {
        RatingStyle { style: RatingShape::Stars, size: 8.0, columns: 2 }
    }
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing { before_heading: 14.0, after_heading: 5.0, between_entries: 8.0, paragraph: 3.0 }
    }
}

/// The built-in themes: (name, source). Their files in `layouts/` are the sources.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("classic", include_str!("../layouts/classic.yaml")),
    ("studio", include_str!("../layouts/studio.yaml")),
    ("compact", include_str!("../layouts/compact.yaml")),
    ("homepage", include_str!("../layouts/homepage.yaml")),
];

impl Theme {
    /// A built-in theme by name, or a theme file by path, with what it `extends`.
    pub fn load(name_or_path: &str) -> Result<Theme, Diagnostic> {
        let (text, path) = Theme::source(name_or_path, None)?;
        let own = Theme::parse(&text, &path)?;
        // A theme that extends none (every built-in one) is parsed once.
        let mut theme = if own.extends.is_none() { own } else { Theme::extended(name_or_path, &own, &text, &path)? };
        // Font files are relative to the theme file that names them.
        let dir = Path::new(name_or_path).parent().filter(|_| !BUILT_IN.iter().any(|(n, _)| *n == name_or_path));
        for family in [&mut theme.fonts.body, &mut theme.fonts.heading, &mut theme.fonts.name] {
            if let (Family::File(path), Some(dir)) = (*family, dir)
                && Path::new(path).is_relative()
            {
                *family = Family::File(Box::leak(dir.join(path).to_string_lossy().into_owned().into_boxed_str()));
            }
        }
        Ok(theme)
    }

    /// The theme `name_or_path` (`own`, read from `text` at `path`) laid over the
    /// themes it extends.
    fn extended(name_or_path: &str, own: &Theme, text: &str, path: &Path) -> Result<Theme, Diagnostic> {
        let tree = Theme::tree_of(own, text, path, 0)?;
        if let Ok(theme) = Theme::deserialize(&tree) {
            return Ok(theme);
        }
        // serde-saphyr says what is wrong: from the tree as JSON, which it reads alike.
        serde_saphyr::from_str_with_options::<Theme>(&tree.to_json(), node::options())
            .map_err(|e| Diagnostic::error(format!("invalid theme `{name_or_path}` once extended: {e}")))
    }

    /// The theme tightened `t` of the way (0 to 1) towards its `fit` bounds.
    pub fn tightened(&self, t: f32) -> Theme {
        let t = t.clamp(0.0, 1.0);
        let lerp = |from: f32, to: f32| from + (to - from) * t;
        let mut out = self.clone();
        let scale = lerp(1.0, self.fit.min_scale.clamp(0.5, 1.0));
        let s = &mut out.sizes;
        for size in [&mut s.body, &mut s.small, &mut s.name, &mut s.headline, &mut s.heading, &mut s.entry_title] {
            *size *= scale;
        }
        out.leading = lerp(self.leading, self.fit.min_leading.clamp(1.0, self.leading));
        let spacing = lerp(1.0, self.fit.min_spacing.clamp(0.0, 1.0));
        // The space between paragraphs is all that tells them apart: it stays.
        let sp = &mut out.spacing;
        for space in [&mut sp.before_heading, &mut sp.after_heading, &mut sp.between_entries] {
            *space *= spacing;
        }
        out
    }

    /// The JSON Schema of theme files, generated from these types.
    pub fn schema() -> String {
        let schema = schemars::schema_for!(Theme);
        serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
    }

    /// The font families the theme uses.
    pub fn families(&self) -> [Family; 3] {
        [self.fonts.body, self.fonts.heading, self.fonts.name]
    }

    /// The settings of a theme file laid over those of the theme it extends. Each
    /// file is checked on its own first, so that errors point into the right file.
    fn tree(name_or_path: &str, relative_to: Option<&Path>, depth: usize) -> Result<Node, Diagnostic> {
        let (text, path) = Theme::source(name_or_path, relative_to)?;
        Theme::tree_of(&Theme::parse(&text, &path)?, &text, &path, depth)
    }

    /// The tree of the theme `own`, read from `text` at `path`, over its base's.
    fn tree_of(own: &Theme, text: &str, path: &Path, depth: usize) -> Result<Node, Diagnostic> {
        let tree = node::parse(text).map_err(|e| Diagnostic::error(e.message).in_file(path))?;
        let Some(base) = &own.extends else { return Ok(tree) };
        if depth >= 8 {
            return Err(Diagnostic::error(format!("`extends: {base}` goes eight themes deep"))
                .in_file(path)
                .help("themes may not extend each other in a loop"));
        }
        let base = Theme::tree(base, path.parent(), depth + 1)?;
        Ok(base.merge(tree))
    }

    /// The text of a built-in theme, or of a theme file (resolved from `relative_to`).
    fn source(name_or_path: &str, relative_to: Option<&Path>) -> Result<(String, PathBuf), Diagnostic> {
        if let Some((name, text)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
            return Ok(((*text).to_string(), PathBuf::from(format!("layouts/{name}.yaml"))));
        }
        let path = relative_to.map_or_else(|| PathBuf::from(name_or_path), |dir| dir.join(name_or_path));
        if !name_or_path.ends_with(".yaml") && !name_or_path.ends_with(".yml") && !path.exists() {
            let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            return Err(Diagnostic::error(format!("no theme named `{name_or_path}`"))
                .help(format!("built-in themes: {}; or give the path of a theme file", names.join(", "))));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(format!("cannot read the theme: {}", crate::io_reason(&e))).in_file(&path)
        })?;
        Ok((text, path))
    }

    pub fn parse(text: &str, path: &Path) -> Result<Theme, Diagnostic> {
        node::typed::<Theme>(text).map_err(|e| {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("invalid theme").to_string();
            let first = first.split(" at line ").next().unwrap_or(&first).to_string();
            let mut d = Diagnostic::error(format!("invalid theme: {first}"))
                .in_file(path)
                .help("see layouts/classic.yaml for every setting a theme can change");
            if let Some(l) = e.location() {
                d = d.at(Pos { line: l.line() as u32, col: l.column() as u32 }, Some(text));
            }
            d
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_loads() {
        for (name, _) in BUILT_IN {
            let t = Theme::load(name).unwrap();
            assert_eq!(&t.name, name);
            // Read once, as a theme extending none is, or through the tree of extensions.
            let (text, path) = Theme::source(name, None).unwrap();
            let extended = Theme::extended(name, &t, &text, &path).unwrap();
            assert_eq!(format!("{t:?}"), format!("{extended:?}"), "{name}");
        }
    }

    #[test]
    fn a_theme_read_through_the_scanner_is_the_one_serde_saphyr_reads() {
        let direct = |text: &str| serde_saphyr::from_str_with_options::<Theme>(text, node::options()).ok();
        for (name, text) in BUILT_IN {
            let scanned: Theme = node::from_scanned(text).unwrap_or_else(|| panic!("{name} is read by the scanner"));
            assert_eq!(format!("{scanned:?}"), format!("{:?}", direct(text).unwrap()), "{name}");
        }
        // Every kind of value a theme file may hold, and ones a field refuses: each read
        // as serde-saphyr reads it, or left to it.
        for (i, text) in [
            "margins: { left: 20mm, right: 12pt, top: 36, bottom: 12.5 }\ncolors: { accent: '#aa0000' }\n",
            "name: x\nextends: studio\ncolumns: { sidebar: right }\nphoto: { show: false }\n",
            "fonts: { body: sans, heading: My-Regular.ttf }\nleading: 1.3\nfit: { pages: 2 }\n",
            "name: 123\n",
            "leading: '1.3'\n",
            "photo: { show: yes }\n",
            "fit: { pages: ~ }\n",
            "fit: { pages: 2.5 }\n",
            "sizes: { bodi: 3 }\n",
            "margins: { left: 1in }\n",
            "columns: { sidebar: up }\n",
            "colors: { accent: red }\n",
            "margins: { left: -3 }\n",
        ]
        .iter()
        .enumerate()
        {
            let scanned: Option<Theme> = node::from_scanned(text);
            // The first three are what theme files hold: read through the tree.
            assert!(scanned.is_some() || i >= 3, "{text:?}");
            if let Some(scanned) = scanned {
                let direct =
                    direct(text).unwrap_or_else(|| panic!("serde-saphyr refuses what the tree gave: {text:?}"));
                assert_eq!(format!("{scanned:?}"), format!("{direct:?}"), "{text:?}");
            }
        }
    }

    #[test]
    fn lengths_and_colours() {
        assert!((parse_length("25.4mm").unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(parse_length("1in"), Some(72.0));
        assert_eq!(parse_length("abc"), None);
        let t = Theme::parse("colors: { accent: '#ff0000' }\nmargins: { left: 1in }\n", Path::new("t.yaml")).unwrap();
        assert_eq!(t.colors.accent, Color([1.0, 0.0, 0.0]));
        assert_eq!(t.margins.left, Length(72.0));
    }

    #[test]
    fn a_theme_file_extends_a_built_in_one() {
        let dir = std::env::temp_dir().join(format!("cvpdf-extends-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mine = dir.join("mine.yaml");
        std::fs::write(&mine, "name: mine\nextends: studio\ncolors: { accent: '#aa0000' }\n").unwrap();
        let t = Theme::load(mine.to_str().unwrap()).unwrap();
        assert_eq!(t.name, "mine");
        assert_eq!(t.colors.accent, Color([170.0 / 255.0, 0.0, 0.0]));
        assert_eq!(t.columns.sidebar, Side::Left, "the rest comes from studio");
        assert_eq!(t.colors.muted, Theme::load("studio").unwrap().colors.muted);
        std::fs::write(dir.join("loop.yaml"), "extends: loop.yaml\n").unwrap();
        let e = Theme::load(dir.join("loop.yaml").to_str().unwrap()).unwrap_err();
        assert!(e.help.unwrap().contains("loop"));
        std::fs::write(&mine, "extends: studio\nsizes: { bodi: 3 }\n").unwrap();
        let e = Theme::load(mine.to_str().unwrap()).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(mine.as_path()), "errors point into the file that has them");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn theme_errors_are_located() {
        let e = Theme::parse("name: x\nsizes:\n  bodi: 10\n", Path::new("t.yaml")).unwrap_err();
        assert_eq!(e.pos, Some(Pos { line: 3, col: 3 }), "{e}");
        assert!(e.message.contains("bodi"), "{e}");
        assert!(Theme::load("nope").unwrap_err().help.unwrap().contains("classic"));
    }
}
