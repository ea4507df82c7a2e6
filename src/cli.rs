//! Command-line arguments, turned into what to render and where. The only module
//! that knows clap.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "cvpdf", version, about = "Typesets a résumé profile (YAML) into a PDF", max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render profiles to PDF (by default `<profile>.pdf` beside each profile).
    Render {
        /// Profile files (.yaml or .yml).
        #[arg(required = true)]
        profiles: Vec<PathBuf>,
        /// Output file (one profile) or directory.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// A built-in theme name (see `cvpdf themes`) or the path of a theme file.
        #[arg(short, long, default_value = "classic")]
        theme: String,
        /// Language to render (default: the profile's `lang`).
        #[arg(short, long)]
        lang: Option<String>,
        /// Fit on this many pages, tightening type and spacing within the theme's bounds.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        fit_pages: Option<u16>,
        /// Paper size, instead of the theme's.
        #[arg(long, value_enum)]
        paper: Option<PaperArg>,
        /// Draw row tops and baselines over the page, for theme authors.
        #[arg(long)]
        debug: bool,
    },
    /// List the built-in themes.
    Themes,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

impl From<PaperArg> for cvpdf::theme::Paper {
    fn from(p: PaperArg) -> Self {
        match p {
            PaperArg::A4 => cvpdf::theme::Paper::A4,
            PaperArg::Letter => cvpdf::theme::Paper::Letter,
        }
    }
}

/// Where the PDF for `profile` goes: beside it by default; into `output` when that
/// is a directory (existing, or written with a trailing `/`, or several profiles);
/// otherwise `output` is the file.
pub fn output_path(profile: &Path, output: Option<&Path>, several: bool) -> PathBuf {
    let file_name = PathBuf::from(profile.file_stem().unwrap_or_default()).with_extension("pdf");
    match output {
        None => profile.with_file_name(file_name),
        Some(o) if several || o.is_dir() || o.as_os_str().to_string_lossy().ends_with('/') => o.join(file_name),
        Some(o) => o.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names() {
        assert_eq!(output_path(Path::new("p/ada.yaml"), None, false), PathBuf::from("p/ada.pdf"));
        assert_eq!(output_path(Path::new("p/ada.yaml"), Some(Path::new("out.pdf")), false), PathBuf::from("out.pdf"));
        assert_eq!(output_path(Path::new("p/ada.yaml"), Some(Path::new("out/")), false), PathBuf::from("out/ada.pdf"));
        assert_eq!(output_path(Path::new("p/ada.yaml"), Some(Path::new("cv")), false), PathBuf::from("cv"));
        assert_eq!(output_path(Path::new("ada.yml"), Some(Path::new("x.pdf")), true), PathBuf::from("x.pdf/ada.pdf"));
    }
}
