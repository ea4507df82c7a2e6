//! Golden tests: each built-in theme on the rich sample must give exactly the
//! reference text (pdftotext) and, within a small tolerance, the reference picture of
//! every page at low resolution. After a reviewed change of the output, rewrite the
//! references with `UPDATE_GOLDEN=1 cargo test --release --test golden` and commit
//! them with the change.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &str, args: &[&str]) -> Vec<u8> {
    let o = Command::new(cmd)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "0")
        // Prepared photos are kept apart from the user's cache.
        .env("XDG_CACHE_HOME", std::env::temp_dir().join(format!("cvpdf-golden-cache-{}", std::process::id())))
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed by the tests: {e}"));
    assert!(o.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// The share of pixels whose grey level differs by more than a tenth: rendering
/// noise (antialiasing of another poppler) stays far below the tolerance, a moved
/// line, a changed colour or a missing word does not.
fn difference(a: &image::GrayImage, b: &image::GrayImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions(), "page size changed");
    let changed = a.pixels().zip(b.pixels()).filter(|(p, q)| p[0].abs_diff(q[0]) > 24).count();
    changed as f64 / f64::from(a.width() * a.height())
}

fn check(theme: &str, dir: &Path, update: bool) {
    let pdf = dir.join(format!("{theme}.pdf"));
    let profile = root().join("profiles/camille-durand.yaml");
    run(
        env!("CARGO_BIN_EXE_cvpdf"),
        &["render", profile.to_str().unwrap(), "--theme", theme, "-o", pdf.to_str().unwrap()],
    );
    let golden = root().join("tests/golden");
    let text = String::from_utf8(run("pdftotext", &[pdf.to_str().unwrap(), "-"])).unwrap();
    let text_ref = golden.join(format!("{theme}.txt"));
    let prefix = dir.join(theme);
    run("pdftoppm", &["-r", "20", "-gray", "-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&format!("{theme}-")))
        .collect();
    pages.sort();
    if update {
        std::fs::write(&text_ref, &text).unwrap();
        for (i, page) in pages.iter().enumerate() {
            std::fs::copy(page, golden.join(format!("{theme}-{}.png", i + 1))).unwrap();
        }
        return;
    }
    let expected = std::fs::read_to_string(&text_ref)
        .unwrap_or_else(|_| panic!("{} (UPDATE_GOLDEN=1 makes it)", text_ref.display()));
    assert!(text == expected, "{theme}: the text differs from {}; review, then UPDATE_GOLDEN=1", text_ref.display());
    for (i, page) in pages.iter().enumerate() {
        let reference = golden.join(format!("{theme}-{}.png", i + 1));
        let want = image::open(&reference).unwrap_or_else(|_| panic!("{}", reference.display())).to_luma8();
        let got = image::open(page).unwrap().to_luma8();
        let d = difference(&got, &want);
        assert!(d < 0.002, "{theme} page {}: {:.2}% of pixels differ from {}", i + 1, d * 100.0, reference.display());
    }
    assert!(
        !golden.join(format!("{theme}-{}.png", pages.len() + 1)).exists(),
        "{theme}: fewer pages than the reference"
    );
}

#[test]
fn every_theme_matches_its_reference() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = tempfile::tempdir().unwrap();
    for theme in ["classic", "studio", "compact", "homepage"] {
        check(theme, dir.path(), update);
    }
}
