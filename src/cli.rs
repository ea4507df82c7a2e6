//! Command-line arguments, turned into what to render and where. The only module
//! that knows clap.

use std::path::PathBuf;

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
        /// Output file (one PDF) or directory (several).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Built-in theme names (see `cvpdf themes`) or theme file paths, comma-separated.
        #[arg(short, long, default_value = "classic")]
        theme: String,
        /// Languages to render, comma-separated, or `all` for every language the
        /// profile offers (default: the profile's `lang`).
        #[arg(short, long)]
        lang: Option<String>,
        /// Keep untagged content and content with one of these tags (comma-separated);
        /// repeat the option for several tailored variants.
        #[arg(long, value_name = "TAGS")]
        tags: Vec<String>,
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
    /// Render a profile, then again each time it (or its theme or photo) is saved;
    /// a profile with an error keeps the last good PDF.
    Watch {
        profile: PathBuf,
        /// Output file (default: beside the profile).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// A built-in theme name or a theme file path (watched too).
        #[arg(short, long, default_value = "classic")]
        theme: String,
        /// Language to render (default: the profile's `lang`).
        #[arg(short, long)]
        lang: Option<String>,
    },
    /// Validate profiles without rendering: every error, and every text missing
    /// in each language the profile offers.
    Check {
        #[arg(required = true)]
        profiles: Vec<PathBuf>,
    },
    /// Write a commented starter profile that renders as it is.
    Init {
        /// Where to write it.
        #[arg(default_value = "cv.yaml")]
        file: PathBuf,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the JSON Schema of profiles (or of theme files, with --theme), for editors.
    Schema {
        #[arg(long)]
        theme: bool,
    },
    /// Print the manual page (roff), e.g. `cvpdf man > cvpdf.1`.
    Man,
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
