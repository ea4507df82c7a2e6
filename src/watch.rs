//! `cvpdf watch`: re-render on save, for an editor's save loop.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use cvpdf::theme::Theme;
use notify::{RecursiveMode, Watcher};

/// Renders once, then after every change to the profile, its photo or its theme file,
/// until interrupted. Errors are printed and the last good PDF stays.
pub fn watch(profile: &Path, output: Option<PathBuf>, theme: &str, lang: Option<&str>) -> u8 {
    let out = output.unwrap_or_else(|| profile.with_extension("pdf"));
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return 1;
        }
    };
    // Editors often save by writing a new file and renaming it over the old one, so
    // the directories are watched, not the files.
    let mut watched: Vec<PathBuf> = Vec::new();
    let mut watch_dir_of = |file: &Path, watcher: &mut notify::RecommendedWatcher| {
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        if !watched.contains(&dir) && watcher.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
            watched.push(dir);
        }
    };
    watch_dir_of(profile, &mut watcher);
    if Path::new(theme).exists() {
        watch_dir_of(Path::new(theme), &mut watcher);
    }
    let mut inputs = render(profile, &out, theme, lang);
    for input in &inputs {
        watch_dir_of(input, &mut watcher);
    }
    eprintln!("watching {} (Ctrl-C to stop)", profile.display());
    // Only writes to the files a render reads count: reading them (the render itself,
    // a PDF viewer reloading) must not trigger a render.
    let theme_name = Path::new(theme).file_name().map(|n| n.to_os_string());
    let relevant = |event: &notify::Result<notify::Event>, inputs: &[PathBuf]| {
        let Ok(e) = event else { return false };
        matches!(e.kind, notify::EventKind::Create(_) | notify::EventKind::Modify(_) | notify::EventKind::Remove(_))
            && e.paths.iter().any(|p| {
                let name = p.file_name();
                name == profile.file_name()
                    || inputs.iter().any(|i| i.file_name() == name)
                    || (name.is_some() && name.map(|n| n.to_os_string()) == theme_name)
            })
    };
    while let Ok(first) = rx.recv() {
        if !relevant(&first, &inputs) {
            continue;
        }
        // One save makes a burst of events: wait for it to end (at most half a second).
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline && rx.recv_timeout(Duration::from_millis(60)).is_ok() {}
        inputs = render(profile, &out, theme, lang);
        for input in &inputs {
            watch_dir_of(input, &mut watcher);
        }
    }
    0
}

/// One render; returns the files it read besides the profile (the photo).
fn render(profile: &Path, out: &Path, theme: &str, lang: Option<&str>) -> Vec<PathBuf> {
    let started = Instant::now();
    let result = Theme::load(theme).map_err(|d| vec![d]).and_then(|theme| {
        let (p, warnings) = cvpdf::model::load(profile)?;
        crate::report(&warnings);
        let photo = p.photo.as_ref().map(|(path, _)| path.clone());
        let lang = lang.map_or_else(|| p.lang.clone(), str::to_string);
        let variant = crate::batch::Variant { profile: &p, lang, theme: &theme, tags: None, out: out.to_path_buf() };
        let (pages, warnings) = crate::batch::render(&variant, &cvpdf::Settings::default())?;
        crate::report(&warnings);
        Ok((pages, photo))
    });
    let at = clock();
    match result {
        Ok((pages, photo)) => {
            eprintln!(
                "{at} wrote {} ({pages} page{}) in {} ms",
                out.display(),
                if pages == 1 { "" } else { "s" },
                started.elapsed().as_millis()
            );
            photo.into_iter().collect()
        }
        Err(ds) => {
            crate::report(&ds);
            eprintln!("{at} kept the last good {}", out.display());
            Vec::new()
        }
    }
}

/// The time of day (UTC), for the log of renders.
fn clock() -> String {
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("{:02}:{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60, secs % 60)
}
