//! Each stage of the pipeline on the sample profiles, in process:
//! `cargo bench --bench stages` (criterion; `-- --test` runs each once, as CI does).
//! Layout is measured twice: with fonts parsed for the occasion, as a single render
//! pays, and with the faces and shaped words a batch's later variants reuse.
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use cvpdf::{compose, frame, layout, localize, model, photo, theme::Theme};

const SAMPLES: [&str; 2] = ["camille-durand", "jonas-weber"];

fn stages(c: &mut Criterion) {
    let theme = Theme::load("classic").unwrap();
    for name in SAMPLES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("profiles/{name}.yaml"));
        let source = std::fs::read_to_string(&path).unwrap();
        let (profile, _) = model::load_str(&source, &path).unwrap();
        let lang = profile.lang.clone();
        let (resume, _) = localize::localize(&profile, &lang);
        let composed = compose::compose(&resume, &theme);
        let footer = |page: usize, pages: usize| resume.locale.page(page, pages);
        let options = layout::Options { lang: &lang, photo: None, footer: &footer, debug: false };

        c.bench_function(&format!("{name}/load"), |b| b.iter(|| model::load_str(black_box(&source), &path)));
        c.bench_function(&format!("{name}/localize"), |b| b.iter(|| localize::localize(&profile, black_box(&lang))));
        c.bench_function(&format!("{name}/compose"), |b| b.iter(|| compose::compose(black_box(&resume), &theme)));
        c.bench_function(&format!("{name}/layout (fonts parsed)"), |b| {
            b.iter(|| layout::layout(&composed, &theme, &mut layout::fonts::FontBook::default(), &options))
        });
        let mut fonts = layout::fonts::FontBook::default();
        c.bench_function(&format!("{name}/layout (fonts reused)"), |b| {
            b.iter(|| layout::layout(black_box(&composed), &theme, &mut fonts, &options))
        });
        let laid = layout::layout(&composed, &theme, &mut fonts, &options);
        let document = frame::Document {
            pages: laid.pages,
            faces: fonts.faces(),
            images: vec![],
            outline: laid.outline,
            meta: frame::Metadata::default(),
        };
        c.bench_function(&format!("{name}/pdf"), |b| b.iter(|| cvpdf::pdf::write(black_box(&document), None)));
        if let Some(request) = &composed.photo {
            let frame = photo::Frame {
                width: request.width,
                height: request.height,
                shape: theme.photo.shape,
                greyscale: theme.photo.greyscale,
            };
            // `photo::load` keeps what it prepared for the rest of the process; this
            // measures the work a single render does.
            c.bench_function(&format!("{name}/photo"), |b| b.iter(|| photo::read(&request.path, frame)));
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
