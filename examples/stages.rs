//! Times each stage of the pipeline on a profile: `cargo run --release --example stages -- profiles/camille-durand.yaml`
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "profiles/camille-durand.yaml".into());
    let t = Instant::now();
    let (profile, _) = cvpdf::model::load(path.as_ref()).expect("valid profile");
    let load = t.elapsed();
    let theme = cvpdf::theme::Theme::load("classic").unwrap();
    let t = Instant::now();
    let (resume, _) = cvpdf::localize::localize(&profile, &profile.lang);
    let localize = t.elapsed();
    let t = Instant::now();
    let composed = cvpdf::compose::compose(&resume, &theme);
    let compose = t.elapsed();
    let t = Instant::now();
    let options =
        cvpdf::layout::Options { lang: &profile.lang, photo: None, footer: &|p, n| format!("{p} / {n}"), debug: false };
    let mut fonts = cvpdf::layout::fonts::FontBook::default();
    let laid = cvpdf::layout::layout(&composed, &theme, &mut fonts, &options);
    let layout = t.elapsed();
    let doc = cvpdf::frame::Document {
        pages: laid.pages,
        faces: fonts.faces(),
        images: vec![],
        outline: laid.outline,
        meta: Default::default(),
    };
    let t = Instant::now();
    let pdf = cvpdf::pdf::write(&doc, None).unwrap();
    let write = t.elapsed();
    println!(
        "load {load:?} localize {localize:?} compose {compose:?} layout {layout:?} pdf {write:?} ({} bytes)",
        pdf.len()
    );
}
