//! The `cvpdf` binary: runs the command, prints diagnostics, owns the exit status
//! (0 success, 1 invalid input or failed render, 2 usage error).

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use cvpdf::diag::Diagnostic;
use cvpdf::theme::{BUILT_IN, Theme};

mod batch;
mod cli;
mod output;

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
        cli::Command::Render { profiles, output, theme, lang, tags, paper, fit_pages, debug } => {
            let started = std::time::Instant::now();
            let settings = cvpdf::Settings {
                epoch: std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()),
                debug,
                fit_pages: fit_pages.map(usize::from),
            };
            let mut themes = Vec::new();
            for name in theme.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                match Theme::load(name) {
                    Ok(mut t) => {
                        if let Some(paper) = paper {
                            t.paper = paper.into();
                        }
                        themes.push((name.to_string(), t));
                    }
                    Err(d) => {
                        report(&[d]);
                        return ExitCode::from(1);
                    }
                }
            }
            let tag_sets: Vec<Vec<String>> = tags
                .iter()
                .map(|set| set.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect())
                .collect();
            let mut loaded = Vec::new();
            let mut failed = 0;
            for path in &profiles {
                match cvpdf::model::load(path) {
                    Ok((p, warnings)) => {
                        report(&warnings);
                        loaded.push(p);
                    }
                    Err(ds) => {
                        report(&ds);
                        failed += 1;
                    }
                }
            }
            let variants = batch::plan(&loaded, lang.as_deref(), &themes, &tag_sets, output.as_deref());
            let several = variants.len() + failed > 1;
            if let Some(dir) = output.as_deref().filter(|o| several && !o.is_dir()) {
                eprintln!("error: -o {} must be an existing directory when rendering several PDFs", dir.display());
                return ExitCode::from(2);
            }
            let outcomes = batch::run(&variants, &settings);
            for (v, outcome) in variants.iter().zip(&outcomes) {
                match outcome {
                    Ok((pages, warnings)) => {
                        report(warnings);
                        if !several {
                            eprintln!("wrote {} ({pages} page{})", v.out.display(), if *pages == 1 { "" } else { "s" });
                        }
                    }
                    Err(ds) => report(ds),
                }
            }
            if several {
                eprintln!("{}", batch::summary(&variants, &outcomes, started));
            }
            let failed = failed + outcomes.iter().filter(|o| o.is_err()).count();
            if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
    }
}

fn report(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}
