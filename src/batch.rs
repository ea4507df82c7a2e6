//! Batches: profiles × languages × themes × tag sets, rendered in parallel, each
//! variant on its own (a failing one does not stop the others).

use std::path::{Path, PathBuf};
use std::time::Instant;

use cvpdf::Settings;
use cvpdf::diag::Diagnostic;
use cvpdf::model::Profile;
use cvpdf::theme::Theme;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

/// One PDF to make.
pub struct Variant<'a> {
    pub profile: &'a Profile,
    pub lang: String,
    pub theme: &'a Theme,
    pub tags: Option<&'a [String]>,
    pub out: PathBuf,
}

/// What a variant gave: its page count and warnings, or why it failed.
pub type Outcome = Result<(usize, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Plans every variant. `langs`: none for the profile's own, `all` for every language
/// it offers, or a list. Output names carry the dimensions that vary:
/// `<stem>[.<lang>][.<theme>][.<tags>].pdf`.
pub fn plan<'a>(
    profiles: &'a [Profile],
    langs: Option<&str>,
    themes: &'a [(String, Theme)],
    tag_sets: &'a [Vec<String>],
    output: Option<&Path>,
) -> Vec<Variant<'a>> {
    let mut variants = Vec::new();
    let tag_sets: Vec<Option<&[String]>> =
        if tag_sets.is_empty() { vec![None] } else { tag_sets.iter().map(|t| Some(t.as_slice())).collect() };
    for profile in profiles {
        let langs: Vec<String> = match langs {
            None => vec![profile.lang.clone()],
            Some("all") => profile.languages(),
            Some(list) => list.split(',').map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
        };
        for lang in &langs {
            for (theme_name, theme) in themes {
                for tags in &tag_sets {
                    let mut name = profile.source.file_stem().unwrap_or_default().to_string_lossy().into_owned();
                    if langs.len() > 1 {
                        name.push_str(&format!(".{lang}"));
                    }
                    if themes.len() > 1 {
                        name.push_str(&format!(".{}", file_safe(theme_name)));
                    }
                    if let Some(tags) = tags {
                        name.push_str(&format!(".{}", tags.join("+")));
                    }
                    name.push_str(".pdf");
                    let single = profiles.len() == 1 && langs.len() == 1 && themes.len() == 1 && tag_sets.len() == 1;
                    let out = match output {
                        Some(o) if single && !o.is_dir() && !o.to_string_lossy().ends_with('/') => o.to_path_buf(),
                        Some(dir) => dir.join(&name),
                        None => profile.source.with_file_name(&name),
                    };
                    variants.push(Variant { profile, lang: lang.clone(), theme, tags: *tags, out });
                }
            }
        }
    }
    variants
}

/// A theme given as a path names its output by the file's stem.
fn file_safe(theme: &str) -> String {
    Path::new(theme).file_stem().map_or_else(|| theme.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Renders every variant on all cores, with a progress bar on a terminal.
pub fn run(variants: &[Variant], settings: &Settings) -> Vec<Outcome> {
    // A lone variant is rendered on this thread, which `cvpdf::warm` may have readied.
    if let [variant] = variants {
        return vec![render(variant, settings)];
    }
    prepare_photos(variants);
    let bar = ProgressBar::with_draw_target(Some(variants.len() as u64), ProgressDrawTarget::stderr());
    if variants.len() < 2 || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let outcomes = variants
        .par_iter()
        .map(|v| {
            let outcome = render(v, settings);
            bar.inc(1);
            outcome
        })
        .collect();
    bar.finish_and_clear();
    outcomes
}

/// Starts preparing each photo for every frame the batch prints it in: decoded once,
/// then cropped and encoded for each, rather than decoded again by each theme's first
/// variant.
fn prepare_photos(variants: &[Variant]) {
    let mut photos: Vec<(PathBuf, Vec<cvpdf::photo::Frame>)> = Vec::new();
    for (path, frame) in variants.iter().filter_map(|v| cvpdf::photo_request(v.profile, v.theme)) {
        match photos.iter_mut().find(|(p, _)| *p == path) {
            Some((_, frames)) => frames.push(frame),
            None => photos.push((path, vec![frame])),
        }
    }
    for (path, frames) in photos {
        cvpdf::photo::prepare_ahead(&path, &frames);
    }
}

/// Renders one variant and writes its PDF safely.
pub fn render(v: &Variant, settings: &Settings) -> Outcome {
    let tailored;
    let profile = match v.tags {
        Some(tags) => {
            tailored = v.profile.with_tags(tags);
            &tailored
        }
        None => v.profile,
    };
    let r = cvpdf::render(profile, &v.lang, v.theme, settings)?;
    let mut inputs = vec![("the profile", v.profile.source.as_path())];
    inputs.extend(v.profile.photo.as_ref().map(|(photo, _)| ("the photo", photo.as_path())));
    crate::output::write_atomically(&v.out, &r.pdf, &inputs).map_err(|d| vec![d])?;
    Ok((r.pages, r.warnings))
}

/// The closing line of a batch: how many, how fast, which failed.
pub fn summary(variants: &[Variant], outcomes: &[Outcome], started: Instant) -> String {
    let failed: Vec<String> =
        variants.iter().zip(outcomes).filter(|(_, o)| o.is_err()).map(|(v, _)| v.out.display().to_string()).collect();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let made = variants.len() - failed.len();
    let mut line = format!("rendered {made} PDF{} in {ms:.0} ms", if made == 1 { "" } else { "s" });
    if !failed.is_empty() {
        line.push_str(&format!("; {} failed: {}", failed.len(), failed.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(path: &str) -> Profile {
        let yaml = "name: Ada\nlang: en\nheadline: { en: Hi, fr: Salut }\n";
        cvpdf::model::load_str(yaml, Path::new(path)).unwrap().0
    }

    fn names(variants: &[Variant]) -> Vec<String> {
        variants.iter().map(|v| v.out.display().to_string()).collect()
    }

    #[test]
    fn output_names_carry_what_varies() {
        let profiles = [profile("p/ada.yaml")];
        let one = [("classic".to_string(), Theme::default())];
        assert_eq!(names(&plan(&profiles, None, &one, &[], None)), ["p/ada.pdf"]);
        assert_eq!(names(&plan(&profiles, None, &one, &[], Some(Path::new("cv.pdf")))), ["cv.pdf"]);
        assert_eq!(names(&plan(&profiles, None, &one, &[], Some(Path::new("out/")))), ["out/ada.pdf"]);
        assert_eq!(
            names(&plan(&profiles, Some("all"), &one, &[], Some(Path::new("out")))),
            ["out/ada.en.pdf", "out/ada.fr.pdf"]
        );
        let two = [("classic".to_string(), Theme::default()), ("my/studio.yaml".to_string(), Theme::default())];
        let tags = [vec!["backend".to_string(), "lead".to_string()]];
        assert_eq!(
            names(&plan(&profiles, Some("fr"), &two, &tags, None)),
            ["p/ada.classic.backend+lead.pdf", "p/ada.studio.backend+lead.pdf"]
        );
    }
}
