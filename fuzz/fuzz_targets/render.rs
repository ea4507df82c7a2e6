//! Profile bytes in, PDF bytes out: whatever the bytes, cvpdf either renders a PDF
//! or refuses with an error; it never panics, hangs or runs out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

const THEMES: [&str; 4] = ["classic", "studio", "compact", "homepage"];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the theme, so every layout path is reached.
    let Some((&pick, bytes)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    static THEMES_LOADED: OnceLock<Vec<cvpdf::theme::Theme>> = OnceLock::new();
    let themes = THEMES_LOADED.get_or_init(|| THEMES.iter().map(|t| cvpdf::theme::Theme::load(t).unwrap()).collect());
    let theme = &themes[usize::from(pick) % themes.len()];
    // Relative photo paths resolve beside the sample profiles, so the real portrait is reachable.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles/fuzz.yaml");
    let Ok((profile, _)) = cvpdf::model::load_str(text, &path) else { return };
    for lang in profile.languages() {
        if let Ok(out) = cvpdf::render(&profile, &lang, theme, &cvpdf::Settings::default()) {
            assert!(out.pdf.starts_with(b"%PDF-1.7") && out.pdf.ends_with(b"%%EOF"));
            assert!(out.pages >= 1);
        }
    }
});
