//! cvpdf: a résumé profile in, a typeset PDF out.
//!
//! The pipeline runs one way: [`model`] (the profile, all languages) → [`localize`]
//! (one language's [`localize::Resume`]) → [`compose`] (styled blocks) → [`layout`]
//! (lines and pages of [`frame`]s) → [`pdf`] (bytes).
//!
//! Load a profile (every problem comes back as a [`diag::Diagnostic`] with its file,
//! line and column), pick a theme, render one language to PDF bytes:
//!
//! ```
//! use std::path::Path;
//!
//! let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/jonas-weber.yaml");
//! let (profile, warnings) = cvpdf::model::load(&path).expect("a valid profile");
//! assert!(warnings.is_empty());
//! let theme = cvpdf::theme::Theme::load("classic").expect("a built-in theme");
//! let out = cvpdf::render(&profile, &profile.lang, &theme, &cvpdf::Settings::default())
//!     .expect("a rendered PDF");
//! assert!(out.pdf.starts_with(b"%PDF-1.7"));
//! assert_eq!(out.pages, 1);
//!
//! // Text can be checked without a file: the same validation as the command line.
//! let errors = cvpdf::model::load_str("name: Ada\nheadlin: x\n", Path::new("cv.yaml")).unwrap_err();
//! assert_eq!(errors[0].to_string().lines().next(), Some("error: cv.yaml:2:1: unknown field `headlin` at the top level"));
//! ```

pub mod claim;
pub mod compose;
pub mod cores;
pub mod deflate;
pub mod diag;
pub mod frame;
pub mod heap;
pub mod layout;
pub mod locale;
pub mod localize;
pub mod markup;
pub mod model;
mod otf;
pub mod pdf;
pub mod photo;
mod photo_cache;
pub mod theme;

use diag::Diagnostic;
use model::Profile;
use theme::Theme;

/// The most pages a PDF gets: several times the longest real CV (a full publication
/// list runs to tens of pages), and a bound on the output whatever the input.
pub const MAX_PAGES: usize = 2000;

/// How to render, beyond the profile, the language and the theme.
#[derive(Clone, Copy, Debug, Default)]
pub struct Settings {
    /// Seconds since 1970 (`SOURCE_DATE_EPOCH`) that date the PDF; without it no
    /// clock is read and the output depends on the inputs alone.
    pub epoch: Option<i64>,
    /// Draws row tops and baselines, for theme authors.
    pub debug: bool,
    /// Fit on this many pages (overrides the theme's `fit.pages`).
    pub fit_pages: Option<usize>,
}

/// A rendered PDF and what the user should know about it.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Gets ready to render with `theme` in `lang` (when it is known) as a first render
/// would, while this thread does `meanwhile` (reads the profile): the theme's faces
/// parsed with their shaping tables, for the whole process, by another core of the
/// pool once it is free and by this thread after `meanwhile`. It takes that work off
/// the render's path. A theme whose fonts cannot be read is left for `render` to
/// report.
pub fn warm(theme: &Theme, lang: Option<&str>, meanwhile: impl FnOnce()) {
    let families = theme.families();
    let arabic = lang.is_some_and(|l| locale::Locale::table(l).direction == locale::Direction::Rtl);
    match layout::fonts::FontBook::for_thread(families) {
        Ok(fonts) => {
            fonts.warm(&families, arabic, meanwhile);
            fonts.keep(families);
        }
        Err(_) => meanwhile(),
    }
}

/// The photo `profile` prints with `theme`, and the frame it is prepared for: what
/// `render` asks `photo::load` for, so that a caller with a core to spare can ask first.
pub fn photo_request(profile: &Profile, theme: &Theme) -> Option<(std::path::PathBuf, photo::Frame)> {
    let t = &theme.photo;
    let (width, height) = t.size();
    let frame = photo::Frame { width, height, shape: t.shape, greyscale: t.greyscale };
    profile.photo.as_ref().filter(|_| t.show).map(|(path, _)| (path.clone(), frame))
}

/// Renders `profile` in `lang` with `theme`.
pub fn render(profile: &Profile, lang: &str, theme: &Theme, settings: &Settings) -> Result<Rendered, Vec<Diagnostic>> {
    // The language's hyphenation patterns are read on an idle core while the text
    // is prepared; a paragraph that needs them before then waits for them.
    // Then the compressors for the PDF's streams, one for each core.
    let patterns = lang.to_string();
    rayon::spawn(move || {
        layout::hyphenate::warm(&patterns);
        deflate::warm(2);
    });
    let (resume, mut warnings) = localize::localize(profile, lang);
    let composed = compose::compose(&resume, theme);
    // The portrait is prepared on another thread while the text is set: decoding,
    // cropping and encoding it costs about as much as the layout.
    let request = photo_request(profile, theme);
    let mut pending = request.clone().map(|(path, frame)| photo::load_apart(path, frame));
    let wait = |handle: std::thread::JoinHandle<Result<frame::Image, String>>| {
        let message = match handle.join() {
            Ok(Ok(image)) => return Ok(image),
            Ok(Err(message)) => message,
            Err(_) => "the photo could not be prepared (an internal error; please report it)".to_string(),
        };
        let pos = profile.photo.as_ref().map(|(_, p)| *p).unwrap_or_default();
        let source = std::fs::read_to_string(&profile.source).ok();
        Err(vec![
            Diagnostic::error(message)
                .in_file(&profile.source)
                .at(pos, source.as_deref())
                .help("`photo:` is a path relative to the profile, to a JPEG, PNG or WebP file"),
        ])
    };
    // In the theme's box the photo takes the box's proportions; printed in its own,
    // they are known once it is read.
    let mut ready = None;
    let aspect = match &request {
        None => None,
        Some((_, frame)) if frame.shape == theme::PhotoShape::Original => {
            let image = pending.take().map(wait).transpose()?;
            let aspect = image.as_ref().map(|i| i.height as f32 / i.width.max(1) as f32);
            ready = image;
            aspect
        }
        Some((_, frame)) => Some(frame.height / frame.width),
    };
    let options = layout::Options {
        lang,
        photo: aspect,
        footer: &|page, pages| resume.locale.page(page, pages),
        debug: settings.debug,
    };
    let families = theme.families();
    let mut fonts = layout::fonts::FontBook::for_thread(families).map_err(|e| {
        vec![Diagnostic::error(e).help("a theme's fonts are serif, sans, or .ttf/.otf files beside it")]
    })?;
    let target = settings.fit_pages.or(theme.fit.pages);
    let laid = match target {
        None => layout::layout(&composed, theme, &mut fonts, &options),
        Some(pages) => {
            let (laid, fits) = fit(&resume, theme, &mut fonts, &options, pages);
            if !fits {
                warnings.push(
                    Diagnostic::warning(format!(
                        "cannot fit on {pages} page{}: at the tightest settings the theme allows it takes {}",
                        if pages == 1 { "" } else { "s" },
                        laid.pages.len()
                    ))
                    .help("shorten the profile, or use a theme that allows tighter settings (`fit:` in the theme)"),
                );
            }
            laid
        }
    };
    if laid.pages.len() > MAX_PAGES {
        return Err(vec![
            Diagnostic::error(format!(
                "the résumé runs to {} pages, more than the {MAX_PAGES} cvpdf writes",
                laid.pages.len()
            ))
            .in_file(&profile.source)
            .help("split the profile, or leave sections out with --tags"),
        ]);
    }
    for (c, context) in &laid.missing {
        warnings.push(
            Diagnostic::warning(format!(
                "no font has a glyph for {c} (U+{:04X}), in “{context}”; it prints as an empty box",
                u32::from(*c)
            ))
            .help("install a font that has it (cvpdf looks in the system's font folders), or replace the character"),
        );
    }
    let document = frame::Document {
        pages: laid.pages,
        faces: fonts.faces(),
        images: Vec::new(),
        outline: laid.outline,
        meta: frame::Metadata {
            title: format!("{} – CV", resume.name),
            author: resume.name.clone(),
            subject: resume.headline.clone().unwrap_or_default(),
            keywords: resume.keywords.clone(),
            lang: lang.to_string(),
        },
    };
    fonts.keep(families);
    let pages = document.pages.len();
    // The text's part of the PDF is written while the photo may still be in the works.
    let without_images = pdf::prepare(&document, settings.epoch).map_err(|e| vec![Diagnostic::error(e)])?;
    let photo = match ready {
        Some(image) => Some(image),
        None => pending.map(wait).transpose()?,
    };
    let images: Vec<frame::Image> = photo.into_iter().collect();
    let pdf = without_images.finish(&document, &images).map_err(|e| vec![Diagnostic::error(e)])?;
    let warnings = warnings.into_iter().map(|w| w.in_file(&profile.source)).collect();
    Ok(Rendered { pdf, pages, warnings })
}

/// Lays the résumé out on at most `pages` pages, tightening type size, leading and
/// spacing as little as needed within the theme's bounds (a bisection over how far
/// towards them). Returns the layout and whether it fits.
fn fit(
    resume: &localize::Resume,
    theme: &Theme,
    fonts: &mut layout::fonts::FontBook,
    options: &layout::Options,
    pages: usize,
) -> (layout::Laid, bool) {
    let mut attempt = |t: f32| {
        let tight = theme.tightened(t);
        layout::layout(&compose::compose(resume, &tight), &tight, fonts, options)
    };
    let natural = attempt(0.0);
    if natural.pages.len() <= pages {
        return (natural, true);
    }
    let tightest = attempt(1.0);
    if tightest.pages.len() > pages {
        return (tightest, false);
    }
    let (mut loose, mut tight, mut best) = (0.0, 1.0, tightest);
    for _ in 0..6 {
        let t = (loose + tight) / 2.0;
        let laid = attempt(t);
        if laid.pages.len() <= pages {
            tight = t;
            best = laid;
        } else {
            loose = t;
        }
    }
    (best, true)
}

/// An I/O error in the words a user needs, without Rust's error codes.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a directory".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}
