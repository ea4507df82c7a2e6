//! The columns' blocks set on two cores: this thread takes them from the first on,
//! another thread with a font book of its own from the last back, until they meet.
//! Setting is most of layout, and a single render has a second core to spare. The
//! blocks are claimed one at a time rather than split beforehand: the other core
//! starts late by an amount that varies (0.1-2 ms on a virtual machine), and sets more
//! slowly at first (it reads its faces as it first uses them, and shapes again words
//! this thread has shaped), so that any fixed share left one waiting for the other.
//!
//! A font book cannot move between threads (allsorts keeps its caches in `Rc`), so
//! the other thread sets with its own, kept from its last document or made. Its rows
//! name faces by their place in that book: they are taken only when its faces are
//! this book's, in the same places. Otherwise, or when no other thread took the
//! work, this thread sets those blocks itself, as it did all of them before.

use std::ops::Range;
use std::sync::Mutex;

use super::flow::Row;
use super::fonts::FontBook;
use super::hyphenate::Hyphenator;
use super::paragraph::Setter;
use super::{Column, block_rows};
use crate::claim::Claim;
use crate::compose::Block;
use crate::frame::Face;
use crate::theme::Family;

/// What setting needs besides the blocks, the same on either thread.
#[derive(Clone, Copy)]
pub struct Settings<'a> {
    pub families: [Family; 3],
    pub lang: &'a str,
    pub rtl: bool,
    pub photo: Option<f32>,
}

/// The blocks no thread has claimed yet, by their places in the work.
struct Unclaimed(Mutex<Range<usize>>);

impl Unclaimed {
    fn range(&self) -> std::sync::MutexGuard<'_, Range<usize>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    fn first(&self) -> Option<usize> {
        self.range().next()
    }
    fn last(&self) -> Option<usize> {
        self.range().next_back()
    }
    /// Where the blocks claimed from the back begin.
    fn back(&self) -> usize {
        self.range().end
    }
}

/// Sets `work` (each block with its column) into the columns' rows, in order.
pub fn set_columns(setter: &mut Setter, work: &[(usize, &Block)], columns: &mut [Column], settings: Settings) {
    let widths: Vec<f32> = columns.iter().map(|c| c.width).collect();
    let unclaimed = Unclaimed(Mutex::new(0..work.len()));
    // None from this thread: it sets them itself, below.
    let theirs_set = Claim::default();
    let set_there = rayon::in_place_scope(|scope| {
        let this_thread = std::thread::current().id();
        let (widths, unclaimed, theirs_set) = (&widths, &unclaimed, &theirs_set);
        scope.spawn(move |_| {
            // Left to this thread if it takes the job back: it sets them with its own book.
            if std::thread::current().id() != this_thread {
                theirs_set.run(|| set_elsewhere(work, unclaimed, widths, settings));
            }
        });
        while let Some(i) = unclaimed.first() {
            let (col, block) = work[i];
            block_rows(setter, block, widths[col], settings.photo, &mut columns[col].rows);
        }
        theirs_set.get(|| None)
    });
    // The blocks from here on were claimed by the other thread.
    let theirs = unclaimed.back();
    match set_there {
        Some(there) if same_places(&there.faces, &setter.fonts.faces()) => {
            for (col, rows) in there.rows {
                columns[col].rows.extend(rows);
            }
            setter.missing.extend(there.missing);
        }
        _ => {
            for (col, block) in &work[theirs..] {
                block_rows(setter, block, widths[*col], settings.photo, &mut columns[*col].rows);
            }
        }
    }
}

/// Blocks set on another thread: their rows by column, in order, the characters no
/// face had, and the faces of the book they were set with.
struct SetElsewhere {
    rows: Vec<(usize, Vec<Row>)>,
    missing: Vec<(char, String)>,
    faces: Vec<Face>,
}

/// Sets the blocks of `work` it claims, from the last back, until none is left.
fn set_elsewhere(
    work: &[(usize, &Block)],
    unclaimed: &Unclaimed,
    widths: &[f32],
    settings: Settings,
) -> Option<SetElsewhere> {
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
    let mut rows = Vec::new();
    while let Some(i) = unclaimed.last() {
        let (col, block) = work[i];
        let mut block_set = Vec::new();
        block_rows(&mut setter, block, widths[col], settings.photo, &mut block_set);
        rows.push((col, block_set));
    }
    rows.reverse();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{Align, Paragraph, TextStyle};
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
        let unclaimed = Unclaimed(Mutex::new(0..work.len()));
        let there =
            std::thread::scope(|s| s.spawn(|| set_elsewhere(&work, &unclaimed, &[300.0], SETTINGS)).join().unwrap())
                .expect("a book for the bundled families");
        assert_eq!((unclaimed.first(), unclaimed.back()), (None, 0), "every block claimed");
        assert!(same_places(&there.faces, &FontBook::with_files(&FAMILIES).unwrap().faces()));
        let rows: Vec<&Row> = there.rows.iter().flat_map(|(_, rows)| rows).collect();
        assert!(rows.len() > 12, "several lines a block");
        assert_eq!(format!("{rows:?}"), set_here(&work, 300.0));
    }

    #[test]
    fn the_other_thread_sets_only_the_blocks_left_after_this_ones() {
        let blocks = blocks();
        let work: Vec<(usize, &Block)> = blocks.iter().map(|b| (0, b)).collect();
        let unclaimed = Unclaimed(Mutex::new(0..work.len()));
        for _ in 0..8 {
            unclaimed.first();
        }
        let there = set_elsewhere(&work, &unclaimed, &[300.0], SETTINGS).expect("a book for the bundled families");
        assert_eq!(there.rows.len(), 4, "one entry a block");
        assert_eq!(unclaimed.back(), 8);
        let rows: Vec<&Row> = there.rows.iter().flat_map(|(_, rows)| rows).collect();
        assert_eq!(format!("{rows:?}"), set_here(&work[8..], 300.0), "in reading order");
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
}
