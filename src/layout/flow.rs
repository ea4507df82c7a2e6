//! Page makeup: rows of set material flow down a column, page after page, breaking
//! only where the rows allow it (headings stay with what follows, no lone first or
//! last line of a paragraph, short entries kept whole).

use crate::frame::Item;

/// A horizontal slice of set material: one line of text, a header, a row of ratings.
#[derive(Debug, Default)]
pub struct Row {
    pub height: f32,
    /// Space above the row, dropped at the top of a page.
    pub space_before: f32,
    /// Items relative to the row's top-left corner.
    pub items: Vec<Item>,
    /// No page break between this row and the next.
    pub keep_with_next: bool,
    /// An outline entry that points at this row.
    pub bookmark: Option<String>,
}

/// Where a row went: its page (0-based) and the y of its top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub page: usize,
    pub y: f32,
}

/// Places `rows` in a column from `top(page)` to `bottom`, returning one placement per row.
pub fn flow(rows: &[Row], top: &dyn Fn(usize) -> f32, bottom: f32) -> Vec<Placement> {
    let mut placed: Vec<Placement> = Vec::with_capacity(rows.len());
    let mut page = 0;
    let mut y = top(0);
    let mut page_first = 0; // index of the first row on the current page
    let mut i = 0;
    while i < rows.len() {
        let row = &rows[i];
        let gap = if i == page_first { 0.0 } else { row.space_before };
        if y + gap + row.height <= bottom + 0.01 || i == page_first {
            placed.push(Placement { page, y: y + gap });
            y += gap + row.height;
            i += 1;
            continue;
        }
        // Row i does not fit: break before the latest row j (after the page's first)
        // whose predecessor allows a break; failing that, before row i itself.
        let j = (page_first + 1..=i).rev().find(|&j| !rows[j - 1].keep_with_next).unwrap_or(i);
        placed.truncate(j);
        page += 1;
        y = top(page);
        page_first = j;
        i = j;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(spec: &[(f32, bool)]) -> Vec<Row> {
        spec.iter()
            .map(|&(height, keep)| Row { height, keep_with_next: keep, space_before: 2.0, ..Row::default() })
            .collect()
    }

    #[test]
    fn fills_pages_and_drops_space_at_the_top() {
        let r = rows(&[(10.0, false); 5]);
        let p = flow(&r, &|_| 0.0, 25.0);
        assert_eq!(p.iter().map(|p| p.page).collect::<Vec<_>>(), vec![0, 0, 1, 1, 2]);
        assert_eq!(p[2].y, 0.0);
        assert_eq!(p[1].y, 12.0);
    }

    #[test]
    fn kept_rows_move_together() {
        // A heading (kept with the next) at the foot of a page goes over with its text.
        let r = rows(&[(10.0, false), (10.0, true), (10.0, false)]);
        let p = flow(&r, &|_| 0.0, 25.0);
        assert_eq!(p.iter().map(|p| p.page).collect::<Vec<_>>(), vec![0, 1, 1]);
    }

    #[test]
    fn a_chain_longer_than_a_page_still_breaks() {
        let r = rows(&[(10.0, true); 6]);
        let p = flow(&r, &|_| 0.0, 25.0);
        assert_eq!(p.len(), 6);
        assert!(p.iter().all(|x| x.y + 10.0 <= 25.0));
    }
}
