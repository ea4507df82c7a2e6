//! The columns' blocks set on two cores: the last of them, about two fifths of the
//! text, by another thread with a font book of its own, while this thread sets the
//! rest. Setting is most of layout, and a single render has a second core to spare.
//!
//! A font book cannot move between threads (allsorts keeps its caches in `Rc`), so
//! the other thread sets with its own, kept from its last document or made. Its rows
//! name faces by their place in that book: they are taken only when its faces are
//! this book's, in the same places. Otherwise, or when no other thread took the
//! work, this thread sets those blocks itself, as it did all of them before.

use super::flow::Row;
use super::fonts::FontBook;
use super::hyphenate::Hyphenator;
use super::paragraph::Setter;
use super::{Column, block_rows};
use crate::compose::{Block, Paragraph};
use crate::frame::Face;
use crate::theme::Family;

/// The share of the text the other thread sets: a third, for it starts later (it
/// takes the work from this thread's queue once it has read the profile and the
/// hyphenation patterns), reads its faces as it first uses them, and shapes again
/// words this thread has shaped. Against two fifths (fresh copies of both binaries,
/// runs interleaved): the samples the same, ten times the text 24.4 -> 23.2 ms and
/// 3.6 ms less CPU; the last block alone was 2.4 ms slower for the long one.
const THEIR_SHARE: f32 = 1.0 / 3.0;

/// What setting needs besides the blocks, the same on either thread.
#[derive(Clone, Copy)]
pub struct Settings<'a> {
    pub families: [Family; 3],
    pub lang: &'a str,
    pub rtl: bool,
    pub photo: Option<f32>,
}

/// Sets `work` (each block with its column) into the columns' rows, in order.
pub fn set_columns(setter: &mut Setter, work: &[(usize, &Block)], columns: &mut [Column], settings: Settings) {
    let widths: Vec<f32> = columns.iter().map(|c| c.width).collect();
    let (ours, theirs) = work.split_at(split_point(work));
    let mut set_there = None;
    rayon::in_place_scope(|scope| {
        let this_thread = std::thread::current().id();
        let (widths, set_there) = (&widths, &mut set_there);
        scope.spawn(move |_| {
            // Taken back by this thread once it is done with its own: it sets them
            // below, with its own book.
            if std::thread::current().id() != this_thread {
                *set_there = set_elsewhere(theirs, widths, settings);
            }
        });
        for (col, block) in ours {
            block_rows(setter, block, widths[*col], settings.photo, &mut columns[*col].rows);
        }
    });
    match set_there {
        Some(there) if same_places(&there.faces, &setter.fonts.faces()) => {
            for (col, rows) in there.rows {
                columns[col].rows.extend(rows);
            }
            setter.missing.extend(there.missing);
        }
        _ => {
            for (col, block) in theirs {
                block_rows(setter, block, widths[*col], settings.photo, &mut columns[*col].rows);
            }
        }
    }
}

/// Blocks set on another thread: their rows by column, the characters no face had,
/// and the faces of the book they were set with.
struct SetElsewhere {
    rows: Vec<(usize, Vec<Row>)>,
    missing: Vec<(char, String)>,
    faces: Vec<Face>,
}

fn set_elsewhere(work: &[(usize, &Block)], widths: &[f32], settings: Settings) -> Option<SetElsewhere> {
    let mut fonts = FontBook::for_thread(settings.families).ok()?;
    let mut hyphenator = Hyphenator::default();
    let mut missing = Vec::new();
    let mut setter = Setter {
        fonts: &mut fonts,
        hyphenator: &mut hyphenator,
        lang: settings.lang,
        rtl: settings.rtl,
        missing: &mut missing,
    };
    let rows = work
        .iter()
        .map(|(col, block)| {
            let mut rows = Vec::new();
            block_rows(&mut setter, block, widths[*col], settings.photo, &mut rows);
            (*col, rows)
        })
        .collect();
    let faces = fonts.faces();
    fonts.keep(settings.families);
    Some(SetElsewhere { rows, missing, faces })
}

/// Whether each of `theirs` is the face in the same place in `ours`.
fn same_places(theirs: &[Face], ours: &[Face]) -> bool {
    theirs.len() <= ours.len()
        && theirs.iter().zip(ours).all(|(a, b)| {
            a.postscript_name == b.postscript_name && (std::ptr::eq(a.bytes, b.bytes) || a.bytes == b.bytes)
        })
}

/// Where the other thread's share of `work` begins: the last blocks holding about
/// `THEIR_SHARE` of the text.
fn split_point(work: &[(usize, &Block)]) -> usize {
    let total: usize = work.iter().map(|(_, b)| weight(b)).sum();
    let mut theirs = 0;
    for (i, (_, block)) in work.iter().enumerate().rev() {
        theirs += weight(block);
        if theirs as f32 >= total as f32 * THEIR_SHARE {
            return i;
        }
    }
    0
}

/// How much setting a block takes, roughly: its characters.
fn weight(block: &Block) -> usize {
    let text = |p: &Paragraph| p.runs.iter().map(|r| r.text.len()).sum::<usize>();
    match block {
        Block::Header { lines, .. } => lines.iter().map(text).sum(),
        Block::Photo { .. } => 0,
        Block::Heading { para, .. } | Block::Paragraph(para) => text(para),
        Block::Row { main, aside, .. } => text(main) + aside.as_ref().map_or(0, text),
        Block::Ratings { cells, .. } => cells.iter().map(|c| c.name.len() + c.text.len()).sum(),
        Block::Keep(blocks) => blocks.iter().map(weight).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{Align, TextStyle};
    use crate::theme::Color;

    const FAMILIES: [Family; 3] = [Family::Serif, Family::Sans, Family::Sans];
    const SETTINGS: Settings<'static> = Settings { families: FAMILIES, lang: "en", rtl: false, photo: None };

    fn blocks() -> Vec<Block> {
        let style = TextStyle { family: Family::Serif, size: 10.0, color: Color([0.0; 3]), bold: false, italic: false };
        (0..12)
            .map(|i| {
                let text = format!(
                    "Entry {i}: responsible for the typesetting of multilingual documentation, \
                     hyphenated and justified, in *{}* columns.",
                    i % 3 + 1
                );
                Block::Paragraph(Paragraph {
                    runs: crate::markup::inlines(&text),
                    style,
                    align: Align::Justify,
                    leading: 12.8,
                    indent: 0.0,
                    bullet: None,
                    hyphenate: true,
                    space_before: 0.0,
                })
            })
            .collect()
    }

    /// The rows of `work` set on this thread, one block after another, as text.
    fn set_here(work: &[(usize, &Block)], width: f32) -> String {
        let (mut fonts, mut hyphenator, mut missing) =
            (FontBook::with_files(&FAMILIES).unwrap(), Hyphenator::default(), Vec::new());
        let mut setter =
            Setter { fonts: &mut fonts, hyphenator: &mut hyphenator, lang: "en", rtl: false, missing: &mut missing };
        let mut rows = Vec::new();
        for (_, block) in work {
            block_rows(&mut setter, block, width, None, &mut rows);
        }
        format!("{rows:?}")
    }

    #[test]
    fn blocks_set_on_another_thread_are_the_blocks_set_here() {
        let blocks = blocks();
        let work: Vec<(usize, &Block)> = blocks.iter().map(|b| (0, b)).collect();
        let there = std::thread::scope(|s| s.spawn(|| set_elsewhere(&work, &[300.0], SETTINGS)).join().unwrap())
            .expect("a book for the bundled families");
        assert!(same_places(&there.faces, &FontBook::with_files(&FAMILIES).unwrap().faces()));
        let rows: Vec<&Row> = there.rows.iter().flat_map(|(_, rows)| rows).collect();
        assert!(rows.len() > 12, "several lines a block");
        assert_eq!(format!("{rows:?}"), set_here(&work, 300.0));
    }

    #[test]
    fn columns_set_on_two_cores_are_the_columns_set_on_one() {
        let blocks = blocks();
        let work: Vec<(usize, &Block)> = blocks.iter().enumerate().map(|(i, b)| (i % 2, b)).collect();
        let alone: Vec<String> = (0..2)
            .map(|col| {
                let mine: Vec<_> = work.iter().filter(|(c, _)| *c == col).copied().collect();
                set_here(&mine, [300.0, 150.0][col])
            })
            .collect();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let columns = pool.install(|| {
                let (mut fonts, mut hyphenator, mut missing) =
                    (FontBook::with_files(&FAMILIES).unwrap(), Hyphenator::default(), Vec::new());
                let mut setter = Setter {
                    fonts: &mut fonts,
                    hyphenator: &mut hyphenator,
                    lang: "en",
                    rtl: false,
                    missing: &mut missing,
                };
                let mut columns: Vec<Column> =
                    [300.0, 150.0].into_iter().map(|width| Column { x: 0.0, width, rows: Vec::new() }).collect();
                set_columns(&mut setter, &work, &mut columns, SETTINGS);
                columns
            });
            let rows: Vec<String> = columns.iter().map(|c| format!("{:?}", c.rows)).collect();
            assert_eq!(rows, alone, "{threads} threads");
        }
    }

    #[test]
    fn rows_from_a_book_with_other_faces_are_not_taken() {
        let face = |name: &str, bytes: &'static [u8]| Face { postscript_name: name.into(), bytes };
        let ours = [face("A", b"a"), face("B", b"b")];
        assert!(same_places(&[face("A", b"a")], &ours));
        assert!(same_places(&ours, &ours));
        assert!(!same_places(&[face("A", b"a"), face("C", b"c")], &ours), "a face this book lacks");
        assert!(!same_places(&[face("B", b"b")], &ours), "a face in another place");
        assert!(!same_places(&[face("A", b"a"), face("B", b"b"), face("C", b"c")], &ours));
    }

    #[test]
    fn the_other_thread_gets_the_last_two_fifths_of_the_text() {
        let blocks = blocks();
        let work: Vec<(usize, &Block)> = blocks.iter().map(|b| (0, b)).collect();
        let at = split_point(&work);
        assert!((6..=8).contains(&at), "{at} of 12 equal blocks");
    }
}
