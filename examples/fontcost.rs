use cvpdf::layout::fonts::FontBook;
use cvpdf::theme::Family;
use std::time::Instant;
fn main() {
    let mut book = FontBook::default();
    for (f, b, i) in [(Family::Serif, false, false), (Family::Serif, true, false), (Family::Sans, false, false)] {
        let id = book.face_id(f, b, i);
        let t = Instant::now();
        book.shape(id, "first");
        let first = t.elapsed();
        let t = Instant::now();
        for k in 0..1000 {
            book.shape(id, &format!("word{k}"));
        }
        println!("{f:?} {b}: first shape {first:?}, 1000 words {:?}", t.elapsed());
    }
    let mut h = cvpdf::layout::hyphenate::Hyphenator::default();
    let t = Instant::now();
    h.breaks("en", "hyphenation");
    println!("hyphenation dictionary {:?}", t.elapsed());
}
