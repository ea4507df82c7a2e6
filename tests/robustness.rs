//! A mutation fuzzer as a property test: the sample profiles, damaged at random
//! (bytes deleted, duplicated, replaced, lines swapped), must load and render or be
//! refused with diagnostics, and never panic. Deterministic, so failures reproduce.

use std::path::Path;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

const NOISE: &[&str] = &[
    "\t",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "*",
    "&a ",
    "*a",
    "\"",
    "'",
    "\n",
    "  ",
    "#",
    "—",
    "ß",
    "\u{0}",
    "2019-13",
    "present",
    "rating: 9",
];

fn mutate(text: &str, rng: &mut Lcg) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.next(4) {
        let i = rng.next(lines.len());
        match rng.next(5) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let j = rng.next(lines.len());
                lines.swap(i, j);
            }
            2 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            _ => {
                let mut chars: Vec<char> = lines[i].chars().collect();
                let at = rng.next(chars.len() + 1);
                let noise = NOISE[rng.next(NOISE.len())];
                if rng.next(2) == 0 && at < chars.len() {
                    chars.remove(at);
                }
                let mut s: String = chars.iter().collect();
                let at = s.char_indices().nth(at).map_or(s.len(), |(b, _)| b);
                s.insert_str(at, noise);
                lines[i] = s;
            }
        }
        if lines.is_empty() {
            break;
        }
    }
    lines.join("\n")
}

#[test]
fn damaged_profiles_never_panic() {
    let theme = cvpdf::theme::Theme::load("compact").unwrap();
    let settings = cvpdf::Settings::default();
    let mut rng = Lcg(2026);
    let (mut rendered, mut refused) = (0, 0);
    for sample in ["profiles/camille-durand.yaml", "profiles/jonas-weber.yaml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(sample);
        let text = std::fs::read_to_string(&path).unwrap();
        for _ in 0..150 {
            let damaged = mutate(&text, &mut rng);
            match cvpdf::model::load_str(&damaged, &path) {
                Ok((profile, _)) => match cvpdf::render(&profile, &profile.lang, &theme, &settings) {
                    Ok(out) => {
                        assert!(out.pdf.starts_with(b"%PDF-"));
                        rendered += 1;
                    }
                    Err(ds) => {
                        assert!(!ds.is_empty());
                        refused += 1;
                    }
                },
                Err(ds) => {
                    assert!(ds.iter().any(|d| d.is_error()), "a refusal says why");
                    refused += 1;
                }
            }
        }
    }
    assert!(rendered > 20 && refused > 20, "both paths exercised: {rendered} rendered, {refused} refused");
}

/// Inputs the fuzzer (`fuzz/`) found crashing, replayed the way its target reads
/// them: the first byte picks the theme, the rest is the profile.
#[test]
fn fuzzer_findings_render_or_refuse() {
    let themes: Vec<_> =
        ["classic", "studio", "compact", "homepage"].iter().map(|t| cvpdf::theme::Theme::load(t).unwrap()).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut replayed = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let (pick, bytes) = data.split_first().unwrap();
        let text = std::str::from_utf8(bytes).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/fuzz.yaml");
        if let Ok((profile, _)) = cvpdf::model::load_str(text, &path) {
            for lang in profile.languages() {
                let theme = &themes[usize::from(*pick) % themes.len()];
                if let Ok(out) = cvpdf::render(&profile, &lang, theme, &cvpdf::Settings::default()) {
                    assert!(out.pdf.starts_with(b"%PDF-1.7") && out.pages >= 1);
                }
            }
        }
        replayed += 1;
    }
    assert!(replayed >= 1);
}
