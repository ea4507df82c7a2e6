//! Rated items in a grid: the name, vector stars (full, half, empty) and the value
//! as small text ("4.5/5"), so that text extraction keeps the rating.

use super::flow::Row;
use super::paragraph::Setter;
use crate::compose::{Align, Block, Paragraph, TextStyle};
use crate::frame::Item;
use crate::markup;
use crate::theme::{Color, RatingShape};

pub fn rows(setter: &mut Setter, block: &Block, width: f32) -> Vec<Row> {
    let Block::Ratings { cells, style, leading, columns, shape, star, full, empty, space_before } = block else {
        return Vec::new();
    };
    let gutter = 18.0;
    let cell_w = (width - gutter * (*columns as f32 - 1.0)) / *columns as f32;
    let small = TextStyle { size: style.size * 0.8, color: *empty, ..*style };
    let value_style = TextStyle { color: muted(style.color), ..small };
    let value_face = setter.fonts.face_id(value_style.family, false, false);
    let value_w = cells.iter().map(|c| setter.fonts.width(value_face, value_style.size, &c.text)).fold(0.0, f32::max);
    let pitch = star * 1.25;
    let mut out = Vec::new();
    // Balanced columns, filled top to bottom, so that reading down a column follows
    // the profile's order.
    let rows = cells.len().div_ceil(*columns);
    for r in 0..rows {
        let mut row =
            Row { space_before: if r == 0 { *space_before } else { 0.0 }, keep_with_next: true, ..Row::default() };
        let mut height: f32 = *leading;
        for (c, cell) in (0..*columns).filter_map(|c| cells.get(c * rows + r).map(|cell| (c, cell))) {
            let x0 = c as f32 * (cell_w + gutter);
            let stars = cell.scale.round() as usize;
            let stars_w = pitch * stars as f32;
            let name_w = (cell_w - stars_w - value_w - 10.0).max(cell_w * 0.3);
            let name = Paragraph {
                runs: markup::plain(&cell.name),
                style: *style,
                align: Align::Left,
                leading: *leading,
                indent: 0.0,
                bullet: None,
                hyphenate: false,
                space_before: 0.0,
            };
            // A name too long for the space beside the stars gets the cell's width, and
            // the stars go on the line under it: a name is never broken around them.
            let face = setter.fonts.face_id(style.family, style.bold, style.italic);
            let fits = setter.fonts.width(face, style.size, &cell.name) <= name_w;
            let lines = setter.set(&name, if fits { name_w } else { cell_w });
            let name_lines = lines.len().max(1);
            let star_line = if fits { 0 } else { name_lines };
            height = height.max((star_line.max(name_lines - 1) + 1) as f32 * leading);
            for (i, line) in lines.into_iter().enumerate() {
                for mut item in line.items {
                    item.shift(x0, i as f32 * leading);
                    row.items.push(item);
                }
            }
            let line_y = star_line as f32 * leading;
            let sx = x0 + cell_w - value_w - 6.0 - stars_w;
            let cy = line_y + leading / 2.0 + style.size * 0.02;
            let m = Marks { shape: *shape, count: stars, pitch, size: *star, full: *full, empty: *empty };
            marks(&mut row.items, m, cell.value / cell.scale, (sx, cy));
            let value = Paragraph {
                runs: markup::plain(&cell.text),
                style: value_style,
                align: Align::Right,
                leading: *leading,
                indent: 0.0,
                bullet: None,
                hyphenate: false,
                space_before: 0.0,
            };
            for line in setter.set(&value, value_w + 1.0) {
                for mut item in line.items {
                    item.shift(x0 + cell_w - value_w - 1.0, line_y);
                    row.items.push(item);
                }
            }
        }
        row.height = height;
        out.push(row);
    }
    if let Some(last) = out.last_mut() {
        last.keep_with_next = false;
    }
    out
}

/// How rating marks look: `count` marks `pitch` apart, each `size` wide.
#[derive(Clone, Copy)]
struct Marks {
    shape: RatingShape,
    count: usize,
    pitch: f32,
    size: f32,
    full: Color,
    empty: Color,
}

/// Draws a rating of `fraction` (0 to 1) from `start` (left end, vertical centre):
/// one mark per point of the scale, or one bar as long as the marks would be.
fn marks(items: &mut Vec<Item>, m: Marks, fraction: f64, start: (f32, f32)) {
    let Marks { shape, count, pitch, size, full, empty } = m;
    let (sx, cy) = start;
    if shape == RatingShape::Bars {
        let (w, h) = (pitch * count as f32 - (pitch - size), size * 0.5);
        let (x, y) = (sx + (pitch - size) / 2.0, cy - h / 2.0);
        items.push(Item::Rect { x, y, w, h, color: empty });
        items.push(Item::Rect { x, y, w: w * fraction.clamp(0.0, 1.0) as f32, h, color: full });
        return;
    }
    let value = fraction * count as f64;
    for s in 0..count {
        let cx = sx + pitch * (s as f32 + 0.5);
        let mark = match shape {
            RatingShape::Dots => circle_points(cx, cy, size * 0.4),
            _ => star_points(cx, cy, size / 2.0),
        };
        let fill = (value - s as f64).clamp(0.0, 1.0);
        if fill >= 1.0 {
            items.push(Item::Polygon { points: mark, color: full });
        } else {
            items.push(Item::Polygon { points: mark.clone(), color: empty });
            if fill > 0.0 {
                items.push(Item::Polygon { points: left_half(&mark, cx), color: full });
            }
        }
    }
}

/// A circle as a 32-sided polygon: smooth at any print size.
fn circle_points(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..32)
        .map(|i| {
            let a = std::f32::consts::TAU * i as f32 / 32.0;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

fn muted(c: Color) -> Color {
    Color(c.0.map(|x| x + (1.0 - x) * 0.35))
}

/// A five-pointed star centred on (cx, cy), point up (y grows downwards).
fn star_points(cx: f32, cy: f32, outer: f32) -> Vec<(f32, f32)> {
    let inner = outer * 0.45;
    (0..10)
        .map(|i| {
            let r = if i % 2 == 0 { outer } else { inner };
            let a = std::f32::consts::PI * (i as f32 / 5.0 - 0.5);
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// The part of a polygon left of `x` (Sutherland–Hodgman against one edge).
fn left_half(points: &[(f32, f32)], x: f32) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for i in 0..points.len() {
        let a = points[i];
        let b = points[(i + 1) % points.len()];
        let (a_in, b_in) = (a.0 <= x, b.0 <= x);
        if a_in {
            out.push(a);
        }
        if a_in != b_in {
            let t = (x - a.0) / (b.0 - a.0);
            out.push((x, a.1 + t * (b.1 - a.1)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_draws_its_marks() {
        let m = Marks {
            shape: RatingShape::Stars,
            count: 5,
            pitch: 10.0,
            size: 8.0,
            full: Color([0.0; 3]),
            empty: Color([1.0; 3]),
        };
        let mut items = Vec::new();
        marks(&mut items, m, 0.7, (0.0, 0.0));
        // 3 full, 1 half (empty + half), 1 empty.
        assert_eq!(items.len(), 6);
        items.clear();
        marks(&mut items, Marks { shape: RatingShape::Dots, ..m }, 1.0, (0.0, 0.0));
        assert_eq!(items.len(), 5);
        items.clear();
        marks(&mut items, Marks { shape: RatingShape::Bars, ..m }, 0.5, (0.0, 0.0));
        let [Item::Rect { w: track, .. }, Item::Rect { w: filled, .. }] = items.as_slice() else { panic!() };
        assert!((filled * 2.0 - track).abs() < 1e-4);
    }

    #[test]
    fn half_star_is_the_left_half() {
        let star = star_points(0.0, 0.0, 10.0);
        let half = left_half(&star, 0.0);
        assert!(half.iter().all(|p| p.0 <= 1e-4));
        assert!(half.iter().any(|p| p.1 < -9.9), "keeps the top point");
    }
}
