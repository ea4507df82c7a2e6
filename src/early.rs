//! The profile a render's command line names first, read on the pool's other core while
//! clap reads the command line (0.3-0.4 ms), rather than after it: the profile's reading
//! is the longest part of getting ready, and began only once its path was known.
//!
//! The path is taken from the arguments as they come, before clap has seen them: the
//! argument after `render`, when it is not an option. When clap then names the same
//! file, its reading is taken as it is, finished, or waited for, or done then if the
//! other core had not begun it; any other file is read as usual. The reading is the
//! same `model::load` either way, so a wrong guess costs the other core's time and no
//! more.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::Loaded;

/// The path guessed, and its reading once begun.
static PATH: OnceLock<PathBuf> = OnceLock::new();
static LOADED: OnceLock<Mutex<Option<Loaded>>> = OnceLock::new();

/// Hands the reading of the profile `args` name first (`cvpdf render PROFILE ...`) to
/// the pool, if they name one there.
pub fn start(mut args: impl Iterator<Item = std::ffi::OsString>) {
    let Some(path) = args.nth(2).filter(|a| !a.as_encoded_bytes().starts_with(b"-")) else { return };
    let path = PATH.get_or_init(|| PathBuf::from(path));
    rayon::spawn(move || {
        LOADED.get_or_init(|| Mutex::new(Some(cvpdf::model::load(path))));
    });
}

/// `path` read, by the other core if it was the path guessed.
pub fn load(path: &Path) -> Loaded {
    if PATH.get().is_some_and(|p| p == path) {
        // Waits for the other core if it is reading it; reads it here if it has not begun.
        let early = LOADED.get_or_init(|| Mutex::new(Some(cvpdf::model::load(path))));
        if let Some(loaded) = early.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return loaded;
        }
    }
    cvpdf::model::load(path)
}
