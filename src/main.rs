//! The `cvpdf` binary: runs the command, prints diagnostics, owns the exit status
//! (0 success, 1 invalid input or failed render, 2 usage error).

// The C runtime calls `main` below directly (see there why).
#![cfg_attr(not(test), no_main)]

use std::path::Path;

use clap::Parser;
use cvpdf::diag::Diagnostic;
use cvpdf::theme::{BUILT_IN, Theme};
use rayon::prelude::*;

mod batch;
mod cli;
mod output;
mod watch;

// A render's first megabytes handed out in order from one region (`cvpdf::heap`);
// then mimalloc, which serves shaping's and PDF assembly's small allocations in about
// half the time of the system allocator.
#[global_allocator]
static ALLOCATOR: cvpdf::heap::Heap = cvpdf::heap::Heap;

/// The process's entry, called by the C runtime: std's own start-up is left out. It
/// reads `/proc/self/maps` to find the main thread's stack, sets up a signal stack for
/// overflows and checks the standard descriptors, 0.05 ms before the first line of a
/// render runs, a fortieth of the text-only sample's time. What of it a command needs
/// is done here: SIGPIPE ignored (a closed pipe is then an error to report, as with
/// std), a panic reported by the panic hook and ended with std's status, 101, and
/// stdout flushed before the status is returned. The arguments are read by std as
/// before (glibc hands them to its initialiser).
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: setting a signal's disposition to ignore it, before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let code = std::panic::catch_unwind(run).unwrap_or(101);
    let _ = std::io::Write::flush(&mut std::io::stdout());
    libc::c_int::from(code)
}

// The test harness has a `main` of its own.
#[cfg_attr(test, allow(dead_code))]
fn run() -> u8 {
    // A render's pool is made before its command line is read: the other core's thread
    // takes 0.4-0.6 ms to start on a virtual machine, as long as reading the command
    // line takes, and is then ready for the profile as soon as its path is known. The
    // command line has no options before its subcommand, so a render's is always first.
    if std::env::args_os().nth(1).is_some_and(|a| a == "render") {
        start_pool();
        // A compressor, made by the other core while this one reads the command line.
        rayon::spawn(|| cvpdf::deflate::warm(1));
    }
    let args = cli::Cli::parse();
    match args.command {
        cli::Command::Themes => {
            for (name, source) in BUILT_IN {
                let description = Theme::parse(source, Path::new(name)).map(|t| t.description).unwrap_or_default();
                let text = format!("{name:<10} {description}");
                let options = textwrap::Options::new(100).subsequent_indent("           ");
                println!("{}", textwrap::fill(&text, options));
            }
            0
        }
        cli::Command::Check { profiles } => check(&profiles),
        cli::Command::Watch { profile, output, theme, lang } => {
            cvpdf::heap::close();
            watch::watch(&profile, output, &theme, lang.as_deref())
        }
        cli::Command::Init { file } => init(&file),
        cli::Command::Completions { shell } => {
            let mut command = <cli::Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "cvpdf", &mut std::io::stdout());
            0
        }
        cli::Command::Schema { theme } => {
            print!("{}", if theme { Theme::schema() } else { cvpdf::model::schema::profile_schema() });
            0
        }
        cli::Command::Man => {
            let command = <cli::Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(command).render(&mut std::io::stdout()) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    1
                }
            }
        }
        cli::Command::Render { profiles, output, theme, lang, tags, paper, fit_pages, debug } => {
            let started = std::time::Instant::now();
            let settings = cvpdf::Settings {
                epoch: std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()),
                debug,
                fit_pages: fit_pages.map(usize::from),
            };
            let tag_sets: Vec<Vec<String>> = tags
                .iter()
                .map(|set| set.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect())
                .collect();
            let names: Vec<&str> = theme.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
            // One PDF is rendered on this thread: it gets ready for it (fonts, compressor)
            // while the profile is read on another core.
            let one_pdf = profiles.len() == 1
                && names.len() == 1
                && tag_sets.len() <= 1
                && lang.as_deref().is_none_or(|l| l != "all" && !l.contains(','));
            let themes: std::sync::OnceLock<Result<Vec<(String, Theme)>, Diagnostic>> = std::sync::OnceLock::new();
            // The photo, the longest part of a first render, is prepared on a thread of
            // its own as soon as the profile and the theme are read, rather than once the
            // text is composed. The render then finds it prepared, or being prepared
            // (`photo::load` does it once). False when the theme is not read yet.
            let prepare_photo = |results: &[Loaded]| {
                let Some(Ok(loaded)) = themes.get() else { return false };
                if let [Ok((profile, _))] = results
                    && let [(_, theme)] = loaded.as_slice()
                    && let Some((path, frame)) = cvpdf::photo_request(profile, theme)
                {
                    cvpdf::photo::prepare_ahead(&path, &[frame]);
                }
                true
            };
            let read = || {
                let results = load_profiles(&profiles);
                // Once the theme is read too, the photo starts now, while the fonts are
                // parsed.
                let early = one_pdf && prepare_photo(&results);
                (results, early)
            };
            // The profile is read by the other core if it is free before this one has read
            // the theme, and by this one otherwise; then the fonts are parsed, by both
            // cores once the other is free. This core then waits awake (`claim`).
            let profile_read = cvpdf::claim::Claim::default();
            let (results, photo_started) = rayon::in_place_scope(|scope| {
                scope.spawn(|_| {
                    profile_read.run(read);
                });
                let themes = themes.get_or_init(|| load_themes(&names, paper));
                if let (true, Ok([(_, theme)])) = (one_pdf, themes.as_deref()) {
                    // The photo, the longest path when there is one, starts once the
                    // profile is read: this core reads it, unless the other has begun to,
                    // before its share of the fonts.
                    cvpdf::warm(theme, lang.as_deref(), || _ = profile_read.run(read));
                }
                profile_read.get(read)
            });
            if one_pdf && !photo_started {
                prepare_photo(&results);
            }
            let themes = match themes.into_inner().expect("the themes were read above") {
                Ok(themes) => themes,
                Err(d) => {
                    report(&[d]);
                    return 1;
                }
            };
            let mut loaded = Vec::new();
            let mut failed = 0;
            for result in results {
                match result {
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
                return 2;
            }
            if variants.len() > 1 {
                // A batch uses the region up with its first PDFs (`cvpdf::heap`).
                cvpdf::heap::close();
            }
            let outcomes = batch::run(&variants, &settings);
            // A language's warnings come from its text, the same in every theme: each
            // is told once, not once per theme.
            let mut told = std::collections::HashSet::new();
            for (v, outcome) in variants.iter().zip(&outcomes) {
                match outcome {
                    Ok((pages, warnings)) => {
                        report(warnings.iter().filter(|w| told.insert(w.to_string())));
                        if !several {
                            say(format_args!(
                                "wrote {} ({pages} page{})",
                                v.out.display(),
                                if *pages == 1 { "" } else { "s" }
                            ));
                        }
                    }
                    Err(ds) => report(ds),
                }
            }
            if several {
                say(batch::summary(&variants, &outcomes, started));
            }
            let failed = failed + outcomes.iter().filter(|o| o.is_err()).count();
            exit_now(if failed > 0 { 1 } else { 0 })
        }
    }
}

type Loaded = Result<(cvpdf::model::Profile, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads each profile, several on every core.
fn load_profiles(paths: &[std::path::PathBuf]) -> Vec<Loaded> {
    match paths {
        [path] => vec![cvpdf::model::load(path)],
        _ => paths.par_iter().map(|path| cvpdf::model::load(path)).collect(),
    }
}

/// Makes the render's thread pool.
///
/// This thread is one of rayon's: work it shares (the profile's reading, subsetting and
/// page contents later) is taken by the other core when that core is free, and done
/// here otherwise.
///
/// The pool is made as a pool of this thread's rather than rayon's global one:
/// `build_global` waits for every thread to have started (0.5 ms here, the other core
/// waking), where this thread has the command line and the theme to read meanwhile.
/// The work handed out from this thread and the pool's go to this pool; a thread
/// outside it that asked rayon would start the global one (none does: the photo's
/// decoding makes a pool of its own, `photo::decode_jpeg_reduced`). Its other threads
/// keep off the processor this one starts on (`cvpdf::cores` says why).
fn start_pool() {
    let pool =
        rayon::ThreadPoolBuilder::new().use_current_thread().spawn_handler(cvpdf::cores::spawn_off_this_processor());
    if let Ok(pool) = pool.build() {
        // Kept for the process's life, as the global pool would be.
        std::mem::forget(pool);
    }
}

/// Reads each theme named, with the paper size given on the command line.
fn load_themes(names: &[&str], paper: Option<cli::PaperArg>) -> Result<Vec<(String, Theme)>, Diagnostic> {
    names
        .iter()
        .map(|name| {
            let mut theme = Theme::load(name)?;
            if let Some(paper) = paper {
                theme.paper = paper.into();
            }
            Ok((name.to_string(), theme))
        })
        .collect()
}

/// Validates each profile and localizes it in every language it offers.
fn check(profiles: &[std::path::PathBuf]) -> u8 {
    let mut failed = false;
    for path in profiles {
        match cvpdf::model::load(path) {
            Ok((profile, warnings)) => {
                report(&warnings);
                let languages = profile.languages();
                for lang in &languages {
                    let (_, warnings) = cvpdf::localize::localize(&profile, lang);
                    let located: Vec<Diagnostic> = warnings.into_iter().map(|w| w.in_file(path)).collect();
                    report(&located);
                }
                eprintln!("{}: valid ({})", path.display(), languages.join(", "));
            }
            Err(ds) => {
                report(&ds);
                failed = true;
            }
        }
    }
    if failed { 1 } else { 0 }
}

const STARTER: &str = include_str!("starter.yaml");

/// Writes the starter profile, never over an existing file.
fn init(file: &Path) -> u8 {
    let written = std::fs::OpenOptions::new().write(true).create_new(true).open(file).and_then(|mut f| {
        use std::io::Write;
        f.write_all(STARTER.as_bytes())
    });
    match written {
        Ok(()) => {
            eprintln!("wrote {}; render it with: cvpdf render {}", file.display(), file.display());
            0
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("error: {} exists already; cvpdf init never overwrites a file", file.display());
            1
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {}", file.display(), cvpdf::io_reason(&e));
            1
        }
    }
}

/// Ends the process at once with `code`, once every PDF is in place and every message
/// printed. What is left is memory the system takes back anyway; freeing it first (the
/// font books and word caches, then the allocator handing its pages back) cost about a
/// twentieth of a render.
fn exit_now(code: u8) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process without running destructors or exit handlers;
    // all this process wrote is flushed and renamed into place already, and a
    // thread still at work (a speculative load of hyphenation patterns) writes nothing.
    unsafe { libc::_exit(i32::from(code)) }
}

/// Prints `text` and a newline on stderr in one write: `eprintln!` wrote a line's
/// pieces one by one (7 writes for "wrote cv.pdf (3 pages)", more for a diagnostic).
fn say(text: impl std::fmt::Display) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(format!("{text}\n").as_bytes());
}

pub(crate) fn report<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diagnostics {
        say(d);
    }
}
