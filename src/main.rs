//! The `cvpdf` binary: runs the command, prints diagnostics, owns the exit status
//! (0 success, 1 invalid input or failed render, 2 usage error).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use cvpdf::diag::Diagnostic;
use cvpdf::theme::{BUILT_IN, Theme};

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        cli::Command::Themes => {
            for (name, source) in BUILT_IN {
                let description = Theme::parse(source, Path::new(name)).map(|t| t.description).unwrap_or_default();
                let text = format!("{name:<10} {description}");
                let options = textwrap::Options::new(100).subsequent_indent("           ");
                println!("{}", textwrap::fill(&text, options));
            }
            ExitCode::SUCCESS
        }
        cli::Command::Render { profiles, output, theme, lang, paper, fit_pages, debug } => {
            let settings = cvpdf::Settings {
                epoch: std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()),
                debug,
                fit_pages: fit_pages.map(usize::from),
            };
            let mut theme = match Theme::load(&theme) {
                Ok(t) => t,
                Err(d) => {
                    report(&[d]);
                    return ExitCode::from(1);
                }
            };
            if let Some(paper) = paper {
                theme.paper = paper.into();
            }
            let several = profiles.len() > 1;
            if let Some(dir) = output.as_deref().filter(|o| several && !o.is_dir()) {
                eprintln!("error: -o {} must be an existing directory when rendering several profiles", dir.display());
                return ExitCode::from(2);
            }
            let mut failed = false;
            for profile in &profiles {
                let out = cli::output_path(profile, output.as_deref(), several);
                match render_one(profile, &out, &theme, lang.as_deref(), &settings) {
                    Ok(pages) => {
                        eprintln!("wrote {} ({pages} page{})", out.display(), if pages == 1 { "" } else { "s" })
                    }
                    Err(ds) => {
                        report(&ds);
                        failed = true;
                    }
                }
            }
            if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
    }
}

fn render_one(
    profile: &Path,
    out: &Path,
    theme: &Theme,
    lang: Option<&str>,
    settings: &cvpdf::Settings,
) -> Result<usize, Vec<Diagnostic>> {
    let (p, warnings) = cvpdf::model::load(profile)?;
    report(&warnings);
    let lang = lang.map(str::to_string).unwrap_or_else(|| p.lang.clone());
    let rendered = cvpdf::render(&p, &lang, theme, settings)?;
    report(&rendered.warnings);
    write_atomically(out, &rendered.pdf, profile).map_err(|d| vec![d])?;
    Ok(rendered.pages)
}

/// Writes to a temporary file beside `out`, then renames it over `out`, so that a
/// failure never leaves a half-written PDF or clobbers the previous one.
fn write_atomically(out: &Path, bytes: &[u8], input: &Path) -> Result<(), Diagnostic> {
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if same(out, input) {
        return Err(Diagnostic::error(format!("the output {} is the profile itself", out.display()))
            .help("choose another output with -o"));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |what: &str, e: std::io::Error| {
        Diagnostic::error(format!("cannot {what} {}: {}", out.display(), cvpdf::io_reason(&e)))
            .help("check that the output directory exists and is writable")
    };
    let tmp =
        dir.join(format!(".{}.{}.tmp", out.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .map_err(|e| fail("write", e))
        .and_then(|_| std::fs::rename(&tmp, out).map_err(|e| fail("replace", e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn report(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}
