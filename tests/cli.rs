//! End-to-end tests: the built `cvpdf` binary on the sample profiles and on bad
//! inputs, checked the way a reader, a printer and an applicant-tracking system
//! would check the PDF (qpdf, poppler's pdftotext and pdffonts, pdfcheck.py).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cvpdf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cvpdf"))
        .args(args)
        .env("XDG_CACHE_HOME", test_cache())
        .output()
        .expect("cvpdf runs")
}

/// The tests' cache of prepared photos, apart from the user's.
fn test_cache() -> PathBuf {
    std::env::temp_dir().join(format!("cvpdf-test-cache-{}", std::process::id()))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tool(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed by the tests (apt-get install poppler-utils qpdf): {e}"))
}

fn pdftotext(pdf: &Path) -> String {
    let o = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn pages(pdf: &Path) -> usize {
    let o = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count")
}

/// Renders `profile` in `lang` into `dir` and checks the PDF as a whole.
fn render_and_check(profile: &Path, lang: &str, dir: &Path) -> PathBuf {
    render_with(profile, lang, dir, &[])
}

/// The same, with more arguments (`--theme`, `--paper`).
fn render_with(profile: &Path, lang: &str, dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join(format!("{}.{lang}{}.pdf", profile.file_stem().unwrap().to_string_lossy(), extra.join("")));
    let mut args = vec!["render", profile.to_str().unwrap(), "--lang", lang, "-o", out.to_str().unwrap()];
    args.extend(extra);
    let o = cvpdf(&args);
    assert!(o.status.success(), "render {} {lang} {extra:?}: {}", profile.display(), stderr(&o));
    let q = tool("qpdf", &["--check", out.to_str().unwrap()]);
    assert!(q.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&q.stdout));
    let fonts = String::from_utf8_lossy(&tool("pdffonts", &[out.to_str().unwrap()]).stdout).into_owned();
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "font embedded, subset, with ToUnicode: {line}");
        assert!(cols[0].chars().nth(6) == Some('+'), "subset tag: {line}");
    }
    let (passed, report) = pdfcheck(&out, Some((profile, lang)));
    assert!(passed, "pdfcheck {} {lang}:\n{report}", profile.display());
    // The typographic figures of the quality bar.
    let lines = figure(&report, "lines ");
    assert!(figure(&report, "loose ") * 50 <= lines, "loose lines at most 2%:\n{report}");
    assert_eq!(figure(&report, "hyphen ladders "), 0, "{report}");
    // Right-to-left lines start at the right edge; the checker's measure is for left to right.
    if lang != "ar" {
        let inner = figure(&report, "inner paragraph lines ");
        assert!(figure(&report, "of them flush right ") * 100 >= inner * 95, "95% flush right:\n{report}");
    }
    out
}

/// Runs pdfcheck.py on `pdf` (against `profile` in a language, when given): whether
/// it passed, and its report.
fn pdfcheck(pdf: &Path, profile: Option<(&Path, &str)>) -> (bool, String) {
    let script = root().join("tests/tools/pdfcheck.py");
    let mut args = vec![script.to_str().unwrap(), pdf.to_str().unwrap()];
    if let Some((profile, lang)) = profile {
        args.extend(["--profile", profile.to_str().unwrap(), "--lang", lang]);
    }
    let check = tool("python3", &args);
    let report = String::from_utf8_lossy(&check.stdout).into_owned() + &String::from_utf8_lossy(&check.stderr);
    (check.status.success(), report)
}

/// The number after `label` in pdfcheck's report.
fn figure(report: &str, label: &str) -> usize {
    let at = report.find(label).unwrap_or_else(|| panic!("{label:?} in {report}")) + label.len();
    report[at..].split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).expect("a number")
}

#[test]
fn every_sample_profile_renders_in_every_language_it_offers() {
    let dir = tempfile::tempdir().unwrap();
    let big = root().join("profiles/camille-durand.yaml");
    for lang in ["en", "fr", "ar"] {
        let pdf = render_and_check(&big, lang, dir.path());
        assert!(pages(&pdf) >= 3, "the rich sample runs to three pages or more");
    }
    let fr = pdftotext(&dir.path().join("camille-durand.fr.pdf"));
    assert!(fr.contains("Expérience professionnelle"), "French titles");
    assert!(fr.contains("sept. 2020 – aujourd’hui"), "French dates: {fr}");
    assert!(fr.contains("« ") || fr.contains("l’ingénierie"), "typographic apostrophes come back");
    let small = render_and_check(&root().join("profiles/jonas-weber.yaml"), "en", dir.path());
    assert_eq!(pages(&small), 1);
}

/// Every built-in theme, on every sample in every language it offers, on A4 and US
/// Letter: all text back, whole paragraphs in reading order (two-column themes too),
/// nothing off the page, no collisions, and the typographic figures.
#[test]
fn every_theme_renders_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    let themes = String::from_utf8_lossy(&cvpdf(&["themes"]).stdout).into_owned();
    // One line per theme, its name first; a long description wraps onto indented lines.
    let names: Vec<&str> =
        themes.lines().filter(|l| !l.starts_with(' ')).filter_map(|l| l.split_whitespace().next()).collect();
    assert!(names.len() >= 4, "{themes}");
    for theme in names.iter().filter(|n| **n != "classic") {
        for (profile, langs) in [("camille-durand", &["en", "fr", "ar"][..]), ("jonas-weber", &["en"][..])] {
            for lang in langs {
                let profile = root().join(format!("profiles/{profile}.yaml"));
                render_with(&profile, lang, dir.path(), &["--theme", theme]);
            }
        }
        let letter = render_with(
            &root().join("profiles/camille-durand.yaml"),
            "en",
            dir.path(),
            &["--theme", theme, "--paper", "letter"],
        );
        let info = String::from_utf8_lossy(&tool("pdfinfo", &[letter.to_str().unwrap()]).stdout).into_owned();
        assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    }
}

/// Word boxes of page 1 as pdftotext gives them: (x_min, y_min, text).
fn words(pdf: &Path) -> Vec<(f32, f32, String)> {
    let out = String::from_utf8_lossy(
        &tool("pdftotext", &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"]).stdout,
    )
    .into_owned();
    out.lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("<word ")?;
            let attr = |name: &str| -> f32 {
                let at = l.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
                l[at..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
            };
            let text = l.split('>').nth(1)?.split('<').next()?.to_string();
            Some((attr("xMin"), attr("yMin"), text))
        })
        .collect()
}

#[test]
fn arabic_is_shaped_set_right_to_left_and_mirrored() {
    let dir = tempfile::tempdir().unwrap();
    let profile = root().join("profiles/camille-durand.yaml");
    let ar = render_and_check(&profile, "ar", dir.path());
    // pdftotext marks direction changes with embedding controls, and moves the space
    // next to them: read them as spaces.
    let text: String = pdftotext(&ar).replace(|c| matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'), " ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Logical order on extraction, Latin names and numbers inside Arabic lines.
    for expected in
        ["الخبرة المهنية", "سبتمبر", "حتى الآن", "تشغّل Nimbus Logistics برمجيات", "لنحو أربعمئة", "C++", "من 60 إلى 210"]
    {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let catalog = String::from_utf8_lossy(
        &tool("qpdf", &["--qdf", "--object-streams=disable", ar.to_str().unwrap(), "-"]).stdout,
    )
    .into_owned();
    assert!(catalog.contains("/Lang (ar)"), "the PDF says its language");
    // Mirrored: the entry's title starts at the right margin, its dates sit at the
    // left, and every line of the summary ends at the right edge.
    let en = render_and_check(&profile, "en", dir.path());
    let (ar_words, en_words) = (words(&ar), words(&en));
    let x_of = |words: &[(f32, f32, String)], w: &str| {
        words.iter().find(|(_, _, t)| t.contains(w)).map(|(x, _, _)| *x).unwrap_or_else(|| panic!("{w}"))
    };
    assert!(x_of(&ar_words, "2020") < 150.0 && x_of(&en_words, "2020") > 400.0, "the date column changes sides");
    let title = "ةريدم"; // the first word of the entry's title, as the box lists its glyphs
    assert!(x_of(&ar_words, title) > 450.0, "titles start at the right");
    assert!(
        x_of(&ar_words, "Camille") > x_of(&en_words, "Camille") + 200.0,
        "the name goes to the right, the photo to the left"
    );
}

/// The advances in each font's `/W` are the ones the page contents follow the pen
/// with, to a tenth of a thousandth of an em: the `TJ` numbers are kerning and word
/// spacing, not corrections for advances rounded down (three numbers in five were;
/// one in ten is now).
#[test]
fn the_pen_needs_no_correcting_within_words() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_and_check(&root().join("profiles/camille-durand.yaml"), "en", dir.path());
    let qdf = tool("qpdf", &["--qdf", "--object-streams=disable", pdf.to_str().unwrap(), "-"]).stdout;
    let qdf = String::from_utf8_lossy(&qdf);
    let widths: Vec<&str> = qdf
        .split("/W [")
        .skip(1)
        .flat_map(|w| w.split(']').next().unwrap_or("").split_whitespace())
        .filter(|n| *n != "[")
        .collect();
    assert!(widths.len() > 100 && widths.iter().any(|w| w.contains('.')), "{widths:?}");
    let numbers: Vec<i32> = qdf
        .lines()
        .filter(|l| l.ends_with("] TJ"))
        .flat_map(|l| l.split(['<', '>']).skip(2).step_by(2).filter_map(|n| n.trim().parse().ok()))
        .collect();
    let tiny = numbers.iter().filter(|n| n.abs() <= 2).count();
    assert!(numbers.len() > 500, "{} TJ numbers", numbers.len());
    assert!(tiny * 5 < numbers.len(), "{tiny} of {} TJ numbers only correct the pen", numbers.len());
}

#[test]
fn the_text_comes_back_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_and_check(&root().join("profiles/camille-durand.yaml"), "en", dir.path());
    let text = pdftotext(&pdf);
    let order = [
        "Camille Durand",
        "What I am looking for",
        "Work Experience",
        "Nimbus Logistics",
        "Observability Lead",
        "Education",
        "Skills",
        "Languages",
        "Personal Information",
    ];
    let mut at = 0;
    for heading in order {
        let found = text[at..].find(heading).unwrap_or_else(|| panic!("{heading} after byte {at}"));
        at += found;
    }
    assert!(text.contains("4.5/5"), "ratings are extractable text");
    assert!(text.contains("first thing every"), "the fi ligature extracts as its letters");
    assert!(text.contains("Page") || text.contains("1 / 3"), "page numbers in the footer");
}

#[test]
fn the_default_output_goes_beside_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("ada.yaml");
    std::fs::write(&profile, "name: Ada Example\nsummary: Writes compilers.\n").unwrap();
    let o = cvpdf(&["render", profile.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.path().join("ada.pdf");
    assert!(pdftotext(&pdf).contains("Writes compilers."));
    assert!(stderr(&o).contains("wrote"), "{}", stderr(&o));
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let profile = root().join("profiles/jonas-weber.yaml");
    let a = dir.path().join("a.pdf");
    let b = dir.path().join("b.pdf");
    for out in [&a, &b] {
        assert!(cvpdf(&["render", profile.to_str().unwrap(), "-o", out.to_str().unwrap()]).status.success());
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// A PDF made in a batch is the file the same variant makes alone: nothing in it
/// depends on what else the process made, or in which order its threads ran.
#[test]
fn a_batch_makes_the_same_files_as_single_renders() {
    let dir = tempfile::tempdir().unwrap();
    let profile = root().join("profiles/camille-durand.yaml");
    let batch = dir.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    let args = ["render", profile.to_str().unwrap(), "--lang", "all", "--theme", "classic,studio", "-o"];
    let o = cvpdf(&[&args[..], &[batch.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    // The French text's warning (names written once) is told once, not per theme.
    let told = stderr(&o).matches("print as written in the fr variant").count();
    assert_eq!(told, 1, "{}", stderr(&o));
    for lang in ["en", "fr", "ar"] {
        for theme in ["classic", "studio"] {
            let alone = dir.path().join(format!("{lang}.{theme}.pdf"));
            let args = ["render", profile.to_str().unwrap(), "--lang", lang, "--theme", theme, "-o"];
            assert!(cvpdf(&[&args[..], &[alone.to_str().unwrap()]].concat()).status.success());
            let in_batch = batch.join(format!("camille-durand.{lang}.{theme}.pdf"));
            assert!(
                std::fs::read(&in_batch).unwrap() == std::fs::read(&alone).unwrap(),
                "{} differs from the same variant rendered alone",
                in_batch.display()
            );
        }
    }
}

/// A batch whose photo is not in the cache prepares it while every core renders; the
/// photo's decoder must not wait on the cores that wait for the photo. (One did: a
/// batch hung, while single renders and cached photos went through.)
#[test]
fn a_batch_with_a_photo_to_prepare_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let no_cache = dir.path().join("no-cache");
    std::fs::write(&no_cache, b"a file where the cache's folder would be").unwrap();
    let profile = root().join("profiles/camille-durand.yaml");
    for _ in 0..3 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cvpdf"))
            .args(["render", profile.to_str().unwrap(), "--lang", "all", "--theme", "classic,studio,compact,homepage"])
            .arg("-o")
            .arg(dir.path())
            .env("XDG_CACHE_HOME", &no_cache)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("a batch of 12 PDFs with a photo to prepare still runs after a minute");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(status.success());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 13, "12 PDFs and the stand-in file");
    }
}

/// Bad profiles: each gets exit status 1, a message naming file:line:column, and no PDF.
#[test]
fn invalid_profiles_are_reported_where_they_are_wrong() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("unknown-field", b"name: Ada\nheadlin: x\n", ":2:1: unknown field `headlin` at the top level"),
        ("did-you-mean", b"name: Ada\nheadlin: x\n", "did you mean `headline`?"),
        ("wrong-type", b"name: Ada\nsections: 3\n", ":2:11: `sections` should be a list"),
        (
            "rating-range",
            b"name: Ada\nsections:\n  - ratings: [{ name: Go, rating: 9 }]\n",
            ":3:35: rating 9 in `sections[0].ratings[0].rating` is outside 0 to 5",
        ),
        (
            "end-before-start",
            b"name: Ada\nsections:\n  - entries:\n      - { organization: Acme, start: 2020-01, end: 2019-05 }\n",
            "entry \"Acme\" at `sections[0].entries[0]` ends before it starts",
        ),
        (
            "invalid-date",
            b"name: Ada\nsections:\n  - entries: [{ title: X, start: 2020-14 }]\n",
            ":3:34: invalid date in `sections[0].entries[0].start`",
        ),
        ("missing-name", b"headline: x\n", ":1:1: the profile has no `name`"),
        ("empty", b"\n\n", "the profile is empty"),
        ("syntax", b"name: Ada\nsections: [\n", "invalid YAML"),
        ("not-utf8", b"name: \xff\xfe\n", "the profile is not UTF-8 text"),
        ("missing-photo", b"name: Ada\nphoto: nowhere.jpg\n", ":2:8: cannot read the photo"),
        ("fake-photo", b"name: Ada\nphoto: fake.jpg\n", "fake.jpg is not a JPEG, PNG or WebP image"),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fake.jpg"), "this is text, not an image").unwrap();
    for (name, content, expected) in cases {
        let profile = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&profile, content).unwrap();
        let o = cvpdf(&["render", profile.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(expected), "{name}: expected {expected:?} in:\n{err}");
        assert!(err.contains(&format!("{name}.yaml")), "{name}: the message names the file:\n{err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(!dir.path().join(format!("{name}.pdf")).exists(), "{name}: no PDF is written");
    }
}

#[test]
fn every_error_of_a_profile_is_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("many.yaml");
    std::fs::write(
        &profile,
        "name: Ada\nheadlin: x\nsections:\n  - titel: Work\n    ratings: [{ name: Go, rating: 7 }]\n",
    )
    .unwrap();
    let err = stderr(&cvpdf(&["render", profile.to_str().unwrap()]));
    assert_eq!(err.matches("error:").count(), 3, "{err}");
}

#[test]
fn a_failed_render_keeps_the_previous_pdf_and_never_overwrites_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("cv.yaml");
    let pdf = dir.path().join("cv.pdf");
    std::fs::write(&profile, "name: Ada\n").unwrap();
    assert!(cvpdf(&["render", profile.to_str().unwrap()]).status.success());
    let before = std::fs::read(&pdf).unwrap();
    std::fs::write(&profile, "name: Ada\nsections: [\n").unwrap();
    assert_eq!(cvpdf(&["render", profile.to_str().unwrap()]).status.code(), Some(1));
    assert_eq!(std::fs::read(&pdf).unwrap(), before, "the previous PDF is untouched");
    std::fs::write(&profile, "name: Ada\n").unwrap();
    let o = cvpdf(&["render", profile.to_str().unwrap(), "-o", profile.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is the profile itself"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), "name: Ada\n");
    let o =
        cvpdf(&["render", profile.to_str().unwrap(), "-o", dir.path().join("missing/dir/cv.pdf").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
}

#[test]
fn a_render_replaces_the_previous_pdf_and_leaves_nothing_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("cv.yaml");
    let pdf = dir.path().join("cv.pdf");
    std::fs::write(&profile, "name: Ada Lovelace\n").unwrap();
    assert!(cvpdf(&["render", profile.to_str().unwrap()]).status.success());
    let first = std::fs::read(&pdf).unwrap();
    std::fs::write(&profile, "name: Grace Hopper\n").unwrap();
    assert!(cvpdf(&["render", profile.to_str().unwrap()]).status.success());
    assert_ne!(std::fs::read(&pdf).unwrap(), first);
    let text = Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("Grace Hopper"));
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "the profile and its PDF, nothing else: {names:?}");
}

#[test]
fn a_prepared_photo_is_kept_for_the_next_run_and_a_bad_entry_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let render = |out: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_cvpdf"))
            .args(["render", root().join("profiles/camille-durand.yaml").to_str().unwrap(), "-o"])
            .arg(dir.path().join(out))
            .env("XDG_CACHE_HOME", &cache)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(dir.path().join(out)).unwrap()
    };
    let first = render("first.pdf");
    let entries: Vec<PathBuf> =
        std::fs::read_dir(cache.join("cvpdf/photos")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(render("second.pdf"), first, "from the cache, the same PDF");
    // A damaged entry is prepared again, and replaced.
    std::fs::write(&entries[0], b"cvpdf prepared photo 1\ngarbage").unwrap();
    assert_eq!(render("third.pdf"), first);
    assert!(std::fs::read(&entries[0]).unwrap().len() > 1000);
}

#[test]
fn usage_errors_exit_with_status_2_and_themes_are_listed() {
    assert_eq!(cvpdf(&[]).status.code(), Some(2));
    assert_eq!(cvpdf(&["render"]).status.code(), Some(2));
    assert_eq!(cvpdf(&["render", "x.yaml", "--bogus"]).status.code(), Some(2));
    let o = cvpdf(&["render", "profiles/jonas-weber.yaml", "--theme", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no theme named `nope`"), "{}", stderr(&o));
    let themes = String::from_utf8_lossy(&cvpdf(&["themes"]).stdout).into_owned();
    assert!(themes.starts_with("classic "), "{themes}");
}

#[test]
fn outline_metadata_and_language_are_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cv.pdf");
    let profile = root().join("profiles/camille-durand.yaml");
    let o = Command::new(env!("CARGO_BIN_EXE_cvpdf"))
        .args(["render", profile.to_str().unwrap(), "--lang", "fr", "-o", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let json = String::from_utf8_lossy(&tool("qpdf", &["--json", "--json-key=outlines", out.to_str().unwrap()]).stdout)
        .into_owned();
    let titles: Vec<&str> = json.split("\"title\": \"").skip(1).filter_map(|t| t.split('"').next()).collect();
    assert_eq!(
        titles,
        [
            "Ce que je recherche",
            "Expérience professionnelle",
            "Formation",
            "Compétences",
            "Langues",
            "Informations personnelles"
        ],
        "one bookmark per section, in reading order"
    );
    let info = String::from_utf8_lossy(&tool("pdfinfo", &[out.to_str().unwrap()]).stdout).into_owned();
    assert!(info.contains("Title:           Camille Durand – CV"), "{info}");
    assert!(info.contains("Author:          Camille Durand"), "{info}");
    assert!(info.contains("Subject:         Responsable de l’ingénierie plateforme"), "{info}");
    assert!(info.contains("Creator:         cvpdf "), "{info}");
    assert!(info.contains("CreationDate:    Tue Nov 14 22:13:20 2023 UTC"), "SOURCE_DATE_EPOCH dates the PDF: {info}");
    let qdf = tool("qpdf", &["--qdf", "--object-streams=disable", out.to_str().unwrap(), "-"]);
    assert!(String::from_utf8_lossy(&qdf.stdout).contains("/Lang (fr)"), "the document language is the one rendered");
}

#[test]
fn every_contact_is_a_link_and_the_photo_is_stored_at_print_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_and_check(&root().join("profiles/camille-durand.yaml"), "en", dir.path());
    let qdf = tool("qpdf", &["--qdf", "--object-streams=disable", pdf.to_str().unwrap(), "-"]);
    let qdf = String::from_utf8_lossy(&qdf.stdout).into_owned();
    for uri in [
        "/URI (mailto:camille.durand@example.org)",
        "/URI (tel:+33400000000)",
        "/URI (https://camille-durand.example.org)",
        "/URI (https://github.com/camille-durand-example)",
        "/URI (https://nimbus-logistics.example.com)",
    ] {
        assert!(qdf.contains(uri), "{uri}");
    }
    assert!(pdftotext(&pdf).contains("camille-durand.example.org"), "the website is shown without its scheme");
    let images = String::from_utf8_lossy(&tool("pdfimages", &["-list", pdf.to_str().unwrap()]).stdout).into_owned();
    let photo: Vec<&str> = images.lines().nth(2).expect("the photo").split_whitespace().collect();
    assert_eq!(photo[8], "jpeg", "{images}");
    let ppi: u32 = photo[12].parse().unwrap();
    assert!((150..=400).contains(&ppi), "{images}");
    // Rounded corners are a clipping path around the photo's drawing, not a mask.
    assert!(!images.contains("smask"), "{images}");
    let drawn = qdf.find("/Photo0 Do").expect("the photo is drawn");
    let clip = qdf[..drawn].rfind(" W n").expect("inside a clipping path");
    assert_eq!(qdf[clip..drawn].matches(" c\n").count(), 0, "the clip ends the path: {}", &qdf[clip..drawn]);
    assert_eq!(qdf[qdf[..clip].rfind("q\n").unwrap()..clip].matches(" c\n").count(), 4, "four round corners");
    assert!(std::fs::metadata(&pdf).unwrap().len() < 150_000, "a 1600×2000 portrait does not weigh down the PDF");
}

#[test]
fn profile_keywords_become_pdf_keywords() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("kw.yaml");
    std::fs::write(&profile, "name: Ada Example\nkeywords: [SRE, Rust, CI/CD]\n").unwrap();
    assert!(cvpdf(&["render", profile.to_str().unwrap()]).status.success());
    let info =
        String::from_utf8_lossy(&tool("pdfinfo", &[dir.path().join("kw.pdf").to_str().unwrap()]).stdout).into_owned();
    assert!(info.contains("Keywords:        SRE,Rust,CI/CD"), "{info}");
}

#[test]
fn a_theme_can_use_font_files_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [("Lato-Regular.ttf", "Mine-Regular.ttf"), ("Lato-Bold.ttf", "Mine-Bold.ttf")] {
        std::fs::copy(root().join("fonts/lato").join(from), dir.path().join(to)).unwrap();
    }
    let theme = dir.path().join("mine.yaml");
    std::fs::write(&theme, "name: mine\nextends: classic\nfonts: { body: Mine-Regular.ttf }\n").unwrap();
    let out = dir.path().join("cv.pdf");
    let profile = root().join("profiles/camille-durand.yaml");
    let o =
        cvpdf(&["render", profile.to_str().unwrap(), "--theme", theme.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fonts = String::from_utf8_lossy(&tool("pdffonts", &[out.to_str().unwrap()]).stdout).into_owned();
    assert!(fonts.contains("+Mine-Regular") && fonts.contains("+Mine-Bold"), "{fonts}");
    std::fs::write(&theme, "name: mine\nfonts: { body: Missing-Regular.ttf }\n").unwrap();
    let o =
        cvpdf(&["render", profile.to_str().unwrap(), "--theme", theme.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read the font") && stderr(&o).contains("Missing-Regular.ttf"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&theme, "name: mine\nfonts: { body: comic }\n").unwrap();
    let o = cvpdf(&["render", profile.to_str().unwrap(), "--theme", theme.to_str().unwrap()]);
    assert!(stderr(&o).contains("mine.yaml:2:") && stderr(&o).contains("`comic` is not a font"), "{}", stderr(&o));
}

#[test]
fn a_cid_keyed_cff_font_shows_its_glyphs_by_their_cids() {
    // Readers find a glyph of a CID-keyed CFF font by the CID its code names, through
    // the font's charset; a subset keeps the original CIDs, so a code must be the
    // CID, not the glyph's place in the subset (which drew other letters).
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("tests/fixtures/cid-keyed.otf"), dir.path().join("cid-keyed.otf")).unwrap();
    let theme = dir.path().join("cid.yaml");
    std::fs::write(&theme, "name: cid\nextends: classic\nfonts: { name: cid-keyed.otf }\n").unwrap();
    let profile = dir.path().join("cv.yaml");
    std::fs::write(&profile, "lang: en\nname: Camille 日本\nsections: []\n").unwrap();
    let out = dir.path().join("cv.pdf");
    let o =
        cvpdf(&["render", profile.to_str().unwrap(), "--theme", theme.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(pdftotext(&out).contains("Camille 日本"), "{}", pdftotext(&out));
    let doc = lopdf::Document::load(&out).unwrap();
    let font = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| d.get(b"BaseFont").and_then(lopdf::Object::as_name).is_ok_and(|n| n.ends_with(b"+cid-keyed")))
        .expect("the font is embedded");
    let map = doc.get_object(font.get(b"ToUnicode").unwrap().as_reference().unwrap()).unwrap().as_stream().unwrap();
    let map = String::from_utf8(map.decompressed_content().unwrap_or_else(|_| map.content.clone())).unwrap();
    let code = |c: char| {
        let text = format!("<{:04X}>", c as u32);
        let line = map.lines().find(|l| l.ends_with(&text)).unwrap_or_else(|| panic!("{c} in\n{map}"));
        u16::from_str_radix(line.trim_start_matches('<').split('>').next().unwrap(), 16).unwrap()
    };
    assert_eq!([code('C'), code('a'), code('日')], [36, 66, 20616], "codes are the charset's CIDs");
    let Ok(lopdf::Object::Array(descendants)) = font.get(b"DescendantFonts") else { panic!("a Type0 font") };
    let cid_font = descendants[0].as_dict().unwrap();
    let widths = cid_font.get(b"W").unwrap().as_array().unwrap();
    let firsts: Vec<i64> = widths.iter().filter_map(|w| w.as_i64().ok()).collect();
    assert!([36, 66, 20616].iter().all(|cid| firsts.contains(cid)), "the widths are by CID too: {widths:?}");
}

#[test]
fn fit_pages_tightens_within_the_theme_or_says_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let profile = root().join("profiles/camille-durand.yaml");
    let two = dir.path().join("two.pdf");
    assert!(
        cvpdf(&["render", profile.to_str().unwrap(), "--fit-pages", "2", "-o", two.to_str().unwrap()]).status.success()
    );
    assert_eq!(pages(&two), 2, "three pages brought down to two");
    let (passed, report) = pdfcheck(&two, Some((&profile, "en")));
    assert!(passed, "{report}");
    let out = dir.path().join("one.pdf");
    let o = cvpdf(&["render", profile.to_str().unwrap(), "--fit-pages", "1", "-o", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("cannot fit on 1 page: at the tightest settings the theme allows it takes 2"),
        "{}",
        stderr(&o)
    );
    assert_eq!(cvpdf(&["render", profile.to_str().unwrap(), "--fit-pages", "0"]).status.code(), Some(2));
}

#[test]
fn batches_of_languages_themes_and_tags_run_in_parallel_and_survive_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let good = root().join("profiles/camille-durand.yaml");
    let bad = dir.path().join("broken.yaml");
    std::fs::write(&bad, "name: Broken\nphoto: missing.jpg\n").unwrap();
    let o = cvpdf(&[
        "render",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--lang",
        "all",
        "--theme",
        "classic,studio",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "a failed variant makes the batch fail");
    let err = stderr(&o);
    assert!(err.contains("rendered 6 PDFs in") && err.contains("2 failed"), "{err}");
    assert!(err.contains("broken.classic.pdf") && err.contains("cannot read the photo"), "{err}");
    let mut made: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    made.sort();
    assert_eq!(
        made,
        [
            "camille-durand.ar.classic.pdf",
            "camille-durand.ar.studio.pdf",
            "camille-durand.en.classic.pdf",
            "camille-durand.en.studio.pdf",
            "camille-durand.fr.classic.pdf",
            "camille-durand.fr.studio.pdf"
        ]
    );
    assert!(pdftotext(&out.join("camille-durand.fr.studio.pdf")).contains("EXPÉRIENCE PROFESSIONNELLE"));

    let profile = dir.path().join("tagged.yaml");
    std::fs::write(
        &profile,
        "name: Ada\nsections:\n  - title: Work\n    entries:\n      - { title: Backend lead, tags: [backend] }\n      - { title: Frontend work, tags: [frontend] }\n      - { title: Always here }\n",
    )
    .unwrap();
    let o = cvpdf(&[
        "render",
        profile.to_str().unwrap(),
        "--tags",
        "backend",
        "--tags",
        "frontend",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let backend = pdftotext(&out.join("tagged.backend.pdf"));
    assert!(backend.contains("Backend lead") && backend.contains("Always here") && !backend.contains("Frontend work"));
    let frontend = pdftotext(&out.join("tagged.frontend.pdf"));
    assert!(frontend.contains("Frontend work") && !frontend.contains("Backend lead"));
}

/// Hostile or extreme inputs: each ends in bounded time with a clear message, or
/// renders; none panics.
#[test]
fn hostile_and_extreme_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let deep = write("deep.yaml", format!("name: Ada\nsummary: {}{}\n", "[".repeat(20_000), "]".repeat(20_000)));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..8u8 {
        let (prev, cur) = ((b'a' + i) as char, (b'b' + i) as char);
        bomb.push_str(&format!("{cur}: &{cur} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    bomb.push_str("name: Ada\n");
    let bomb = write("bomb.yaml", bomb);
    for (profile, expected) in [(&deep, "nests too deeply"), (&bomb, "too many values")] {
        let o = cvpdf(&["render", profile.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{}", stderr(&o));
    }
    // A truncated JPEG: the real portrait cut in half.
    let jpeg = std::fs::read(root().join("profiles/camille-durand.jpg")).unwrap();
    std::fs::write(dir.path().join("cut.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    let cut = write("cut.yaml", "name: Ada\nphoto: cut.jpg\n".into());
    let o = cvpdf(&["render", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cut.yaml:2:8") && stderr(&o).contains("is truncated"), "{}", stderr(&o));
    // Extreme but valid: a 20,000-character word, a 1,000-character URL, 400 entries.
    let word = "a".repeat(20_000);
    let url = format!("https://example.org/{}", "x/".repeat(490));
    let extreme = write(
        "extreme.yaml",
        format!("name: Ada\nsummary: \"start {word} end\"\nsections:\n  - text: \"see {url} now\"\n"),
    );
    let mut many = String::from("name: Ada\nsections:\n  - title: Work\n    entries:\n");
    for i in 0..400 {
        many.push_str(&format!(
            "      - {{ organization: Org {i}, title: Engineer {i}, start: 2001-01, summary: Did things {i}. }}\n"
        ));
    }
    let many = write("many.yaml", many);
    for profile in [&extreme, &many] {
        let out = profile.with_extension("pdf");
        let o = cvpdf(&["render", profile.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let (passed, report) = pdfcheck(&out, None);
        assert!(passed, "nothing off the page, no collisions: {report}");
        assert!(report.contains("past the mirrored left margin 0"), "nothing runs past its column: {report}");
    }
    assert!(pages(&many.with_extension("pdf")) >= 20);
}

#[test]
fn init_check_completions_and_man() {
    let dir = tempfile::tempdir().unwrap();
    let cv = dir.path().join("cv.yaml");
    assert!(cvpdf(&["init", cv.to_str().unwrap()]).status.success());
    let o = cvpdf(&["init", cv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "never overwrites");
    assert!(stderr(&o).contains("exists already"));
    let pdf = render_and_check(&cv, "en", dir.path());
    assert!(pdftotext(&pdf).contains("Your Name"), "the starter renders as it is");

    let o = cvpdf(&["check", root().join("profiles/camille-durand.yaml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("valid (en, fr, ar)") && stderr(&o).contains("print as written in the fr variant"),
        "{}",
        stderr(&o)
    );
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: Ada\nsections:\n  - titel: x\n").unwrap();
    let o = cvpdf(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.yaml:3:5: unknown field `titel`"), "{}", stderr(&o));
    assert!(!dir.path().join("bad.pdf").exists(), "check renders nothing");

    let bash = String::from_utf8_lossy(&cvpdf(&["completions", "bash"]).stdout).into_owned();
    assert!(bash.contains("_cvpdf()") && bash.contains("--fit-pages"));
    let man = String::from_utf8_lossy(&cvpdf(&["man"]).stdout).into_owned();
    assert!(man.contains(".TH cvpdf 1"));
}

#[test]
fn json_resume_files_render_with_warnings_never_failures() {
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["messy.resume.json", "yaml.resume.yaml"] {
        let profile = root().join("tests/fixtures").join(fixture);
        let out = dir.path().join(format!("{fixture}.pdf"));
        let o = cvpdf(&["render", profile.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert!(o.status.success(), "{fixture}: {}", stderr(&o));
        let (passed, report) = pdfcheck(&out, Some((&profile, "en")));
        assert!(passed, "{fixture}: every field a reader expects is printed:\n{report}");
        if fixture.ends_with(".json") {
            assert!(stderr(&o).contains("is on the web; cvpdf does no network access"), "{}", stderr(&o));
            let text = pdftotext(&out);
            assert!(text.contains("Aug. 2016 – 2018") && text.contains("Mar. 1, 2019 – present"), "{text}");
            assert!(text.contains("Spring 2015") && text.contains("Likes and maintains"), "{text}");
        }
    }
}

#[test]
fn watch_re_renders_on_save_and_keeps_the_last_good_pdf() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("cv.yaml");
    let pdf = dir.path().join("cv.pdf");
    std::fs::write(&profile, "name: First Name\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cvpdf"))
        .args(["watch", profile.to_str().unwrap()])
        .stderr(std::fs::File::create(dir.path().join("watch.log")).unwrap())
        .spawn()
        .unwrap();
    let wait_for = |text: &str| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if pdf.exists() && pdftotext(&pdf).contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    let first = wait_for("First Name");
    std::fs::write(&profile, "name: Second Name\n").unwrap();
    let second = wait_for("Second Name");
    std::fs::write(&profile, "name: [broken\n").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let kept = pdftotext(&pdf).contains("Second Name");
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(dir.path().join("watch.log")).unwrap_or_default();
    assert!(first && second, "renders at start ({first}) and on save ({second}):\n{log}");
    assert!(kept, "an error keeps the last good PDF");
}

#[test]
fn the_schemas_are_generated_committed_and_validate_the_samples() {
    for (args, file) in
        [(&["schema"][..], "docs/profile.schema.json"), (&["schema", "--theme"][..], "docs/theme.schema.json")]
    {
        let generated = String::from_utf8(cvpdf(args).stdout).unwrap();
        let committed = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(generated == committed, "{file} is stale: regenerate it with `cvpdf {}`", args.join(" "));
    }
    // The schemas as an editor uses them (Python's jsonschema): samples and themes pass,
    // a misspelt field does not.
    let script = r#"
import glob, json, sys, yaml, jsonschema
root = sys.argv[1]
profile = json.load(open(root + "/docs/profile.schema.json"))
theme = json.load(open(root + "/docs/theme.schema.json"))
for f in glob.glob(root + "/profiles/*.yaml"):
    jsonschema.validate(yaml.safe_load(open(f)), profile)
for f in glob.glob(root + "/layouts/*.yaml"):
    jsonschema.validate(yaml.safe_load(open(f)), theme)
try:
    jsonschema.validate({"name": "A", "sections": [{"entries": [{"titel": "x"}]}]}, profile)
    sys.exit("a misspelt field was accepted")
except jsonschema.ValidationError:
    print("ok")
"#;
    let o = tool("python3", &["-c", script, root().to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let first = std::fs::read_to_string(root().join("profiles/camille-durand.yaml")).unwrap();
    assert!(first.starts_with("# yaml-language-server: $schema=../docs/profile.schema.json"));
}

#[test]
fn characters_the_bundled_fonts_lack_use_an_installed_font_or_are_reported_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("symbols.yaml");
    std::fs::write(&profile, "name: Ada\nsummary: \"Rain or shine ☂ always, and a crab 🦀 too.\"\n").unwrap();
    let o = cvpdf(&["render", profile.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.path().join("symbols.pdf");
    let fonts = String::from_utf8_lossy(&tool("pdffonts", &[pdf.to_str().unwrap()]).stdout).into_owned();
    assert!(fonts.contains("+DejaVuSans"), "☂ drawn with an installed font (fonts-dejavu-core): {fonts}");
    assert!(pdftotext(&pdf).contains("☂"), "and extracted");
    let err = stderr(&o);
    assert!(
        err.contains("no font has a glyph for 🦀 (U+1F980), in “Rain or shine ☂ always, and a crab 🦀 too…”"),
        "the missing character is named with where it is: {err}"
    );
    assert!(pdftotext(&pdf).contains('\u{FFFD}'), "a missing glyph extracts as the replacement character");
}

#[test]
fn a_text_only_three_page_resume_is_at_most_60_kb() {
    // Issue 9's bound, below RenderCV's 62 KB for the same content: subsets carry
    // no name table and no hinting, and every glyph still comes back as text.
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(root().join("profiles/camille-durand.yaml")).unwrap();
    let text_only: String = source.lines().filter(|l| !l.starts_with("photo:")).map(|l| format!("{l}\n")).collect();
    let profile = dir.path().join("text-only.yaml");
    std::fs::write(&profile, text_only).unwrap();
    let pdf = dir.path().join("text-only.pdf");
    let out = cvpdf(&["render", profile.to_str().unwrap(), "-o", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(pages(&pdf), 3);
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size <= 60 * 1024, "{size} bytes");
    assert!(pdftotext(&pdf).contains("postmortems"), "the text comes back");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&fonts.stdout).lines().skip(2).all(|l| l.contains(" yes yes yes ")),
        "embedded subsets with Unicode maps"
    );
}

/// `cvpdf` as a user without privileges: permissions mean nothing to root, and CI
/// runs as root. `None` (with the reason printed) where that cannot be done.
fn cvpdf_unprivileged(args: &[&str]) -> Option<Output> {
    let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let command = || {
        let mut c = Command::new(if root_user { "setpriv" } else { env!("CARGO_BIN_EXE_cvpdf") });
        if root_user {
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", env!("CARGO_BIN_EXE_cvpdf")]);
        }
        c
    };
    if !command().arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: cannot run cvpdf as an unprivileged user here (no setpriv, or the binary is not reachable)"
        );
        return None;
    }
    Some(command().args(args).output().expect("cvpdf runs"))
}

#[test]
fn unreadable_inputs_and_unwritable_outputs_fail_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let open = |p: &Path, mode: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    open(dir.path(), 0o777);
    let at = |name: &str| dir.path().join(name);
    std::fs::write(at("secret.yaml"), "name: Ada\n").unwrap();
    open(&at("secret.yaml"), 0o000);
    std::fs::copy(root().join("profiles/camille-durand.jpg"), at("locked.jpg")).unwrap();
    open(&at("locked.jpg"), 0o000);
    std::fs::write(at("photo.yaml"), "name: Ada\nphoto: locked.jpg\n").unwrap();
    std::fs::write(at("ok.yaml"), "name: Ada\n").unwrap();
    std::fs::create_dir(at("readonly")).unwrap();
    std::fs::write(at("readonly/ok.pdf"), "the previous PDF").unwrap();
    open(&at("readonly"), 0o555);
    let s = |p: PathBuf| p.to_str().unwrap().to_string();
    let cases: [(Vec<String>, &str); 3] = [
        (
            vec![s(at("secret.yaml")), "-o".into(), s(at("secret.pdf"))],
            "secret.yaml: cannot read the profile: permission denied",
        ),
        (vec![s(at("photo.yaml")), "-o".into(), s(at("photo.pdf"))], "photo.yaml:2:8: cannot read the photo"),
        (vec![s(at("ok.yaml")), "-o".into(), s(at("readonly/ok.pdf"))], "cannot write"),
    ];
    for (args, expected) in &cases {
        let mut all = vec!["render"];
        all.extend(args.iter().map(String::as_str));
        let Some(o) = cvpdf_unprivileged(&all) else { return };
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(expected) && err.contains("permission denied"),
            "{args:?}: expected {expected:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!at("secret.pdf").exists() && !at("photo.pdf").exists(), "no PDF for a failed render");
    assert_eq!(std::fs::read_to_string(at("readonly/ok.pdf")).unwrap(), "the previous PDF", "untouched");
    assert_eq!(std::fs::read_dir(at("readonly")).unwrap().count(), 1, "no temporary file left");
}

#[test]
fn garbage_empty_oversized_and_bomb_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    // A PNG header that claims 60000×60000 pixels (10.8 GB decoded).
    std::fs::copy(root().join("tests/fixtures/bomb-60000x60000.png"), at("bomb.png")).unwrap();
    std::fs::copy(root().join("profiles/camille-durand.jpg"), at("me.jpg")).unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        ("garbage", b"\x00\x01\x02\x03PK\x03\x04\x00\x7fELF", ":1:1: invalid YAML"),
        ("zero-bytes", b"", "the profile is empty"),
        ("broken-json", b"{\"basics\": {\"name\": \"Ada\",\n  \"email\": }\n", "invalid JSON"),
        ("png-bomb", b"name: Ada\nphoto: bomb.png\n", ":2:8: the photo"),
        ("over-photo", b"name: Ada\nphoto: me.jpg\n", "is the photo itself"),
    ];
    for (name, content, expected) in cases {
        let profile = at(&format!("{name}.{}", if name.ends_with("json") { "json" } else { "yaml" }));
        std::fs::write(&profile, content).unwrap();
        let out = if *name == "over-photo" { at("me.jpg") } else { profile.with_extension("pdf") };
        let o = cvpdf(&["render", profile.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(expected), "{name}: expected {expected:?} in:\n{err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    assert!(stderr(&cvpdf(&["render", at("png-bomb.yaml").to_str().unwrap()])).contains("too large to decode safely"));
    assert!(image::open(at("me.jpg")).is_ok(), "the photo is untouched");
    // Not a profile at all: an endless device is refused after 32 MB, not read forever.
    let o = cvpdf(&["render", "/dev/zero", "-o", at("zero.pdf").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the profile is larger than 32 MB"), "{}", stderr(&o));
}

#[test]
fn a_profile_renders_the_same_wherever_the_command_line_names_it() {
    // Named first, after an option, twice, or after a file that is missing: each is read.
    let dir = tempfile::tempdir().unwrap();
    let profile = root().join("profiles/jonas-weber.yaml");
    let profile = profile.to_str().unwrap();
    let render = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cvpdf"))
            .args(args)
            .env("XDG_CACHE_HOME", test_cache())
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap()
    };
    let first = dir.path().join("first.pdf");
    let after = dir.path().join("after.pdf");
    for args in [["render", profile, "-o", first.to_str().unwrap()], ["render", "-o", after.to_str().unwrap(), profile]]
    {
        let o = render(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&after).unwrap());
    let o = render(&["render", "missing.yaml", profile, "-o", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.yaml") && stderr(&o).contains("cannot read the profile"), "{}", stderr(&o));
    let twice = dir.path().join("twice");
    std::fs::create_dir(&twice).unwrap();
    let o = render(&["render", profile, profile, "-o", twice.to_str().unwrap()]);
    assert!(o.status.success() && stderr(&o).contains("rendered 2 PDFs"), "{}", stderr(&o));
    assert_eq!(std::fs::read(twice.join("jonas-weber.pdf")).unwrap(), std::fs::read(&first).unwrap());
}

/// The binary needs no dynamic loader (tools/rustc-static-bin): no `PT_INTERP` among
/// its program headers, and a `PT_DYNAMIC` one, which makes it a static PIE whose
/// address is still randomised.
#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
#[test]
fn the_binary_is_a_static_pie() {
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    let elf = std::fs::read(env!("CARGO_BIN_EXE_cvpdf")).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    let u16_at = |at: usize| u16::from_le_bytes([elf[at], elf[at + 1]]) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let (size, count) = (u16_at(0x36), u16_at(0x38));
    let kinds: Vec<u32> = (0..count)
        .map(|i| {
            let at = phoff + i * size;
            u32::from_le_bytes(elf[at..at + 4].try_into().unwrap())
        })
        .collect();
    assert!(!kinds.contains(&PT_INTERP), "the binary asks for a dynamic loader");
    assert!(kinds.contains(&PT_DYNAMIC), "the binary is not position-independent");
    assert_eq!(u16_at(0x10), 3, "ET_DYN: loaded at a random address");
}
