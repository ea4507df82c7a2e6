//! Knuth and Plass's total-fit line breaking ("Breaking Paragraphs into Lines",
//! 1981) over boxes, glue and penalties measured in points.
//!
//! textwrap's optimal fit minimises raggedness but has no stretchable or
//! shrinkable glue, so it cannot justify; this is the full model: badness from the
//! adjustment ratio, fitness classes, flagged (hyphen) demerits, and a hard limit
//! on consecutive hyphenated lines.

/// A penalty of this cost or more forbids a break; minus this forces one.
pub const INFINITY: f32 = 10_000.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Item {
    Box {
        width: f32,
    },
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
    },
    /// `hyphen`: a discretionary break made by hyphenation (pass 1 does not use it).
    Penalty {
        width: f32,
        cost: f32,
        flagged: bool,
        hyphen: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Largest badness (100·|r|³) accepted for a line.
    pub tolerance: f32,
    pub allow_hyphens: bool,
    pub line_penalty: f32,
    pub flagged_demerits: f32,
    pub fitness_demerits: f32,
    /// Most consecutive lines that may end with a hyphen.
    pub max_hyphen_run: u8,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 200.0,
            allow_hyphens: true,
            line_penalty: 10.0,
            flagged_demerits: 3000.0,
            fitness_demerits: 100.0,
            max_hyphen_run: 2,
        }
    }
}

/// A chosen break: the line ends at `position`, set with adjustment ratio `ratio`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Break {
    pub position: usize,
    pub ratio: f32,
}

#[derive(Clone, Copy)]
struct Node {
    position: usize,
    line: usize,
    fitness: u8,
    hyphen_run: u8,
    flagged: bool,
    demerits: f64,
    prev: Option<usize>,
    /// Index of the first item of the next line.
    start: usize,
}

/// Breaks `items` (ending with a forced break) into lines of `width(line)`.
/// Returns `None` when no set of breaks keeps every line within `tolerance`.
pub fn break_lines(items: &[Item], width: &dyn Fn(usize) -> f32, p: &Params) -> Option<Vec<Break>> {
    let n = items.len();
    let (mut sw, mut sy, mut sz) = (vec![0f32; n + 1], vec![0f32; n + 1], vec![0f32; n + 1]);
    for (i, it) in items.iter().enumerate() {
        let (w, y, z) = match *it {
            Item::Box { width } => (width, 0.0, 0.0),
            Item::Glue { width, stretch, shrink } => (width, stretch, shrink),
            Item::Penalty { .. } => (0.0, 0.0, 0.0),
        };
        sw[i + 1] = sw[i] + w;
        sy[i + 1] = sy[i] + y;
        sz[i + 1] = sz[i] + z;
    }
    let next_start = |b: usize| {
        let mut i = b + 1;
        while i < n && !matches!(items[i], Item::Box { .. }) {
            if matches!(items[i], Item::Penalty { cost, .. } if cost <= -INFINITY) {
                break;
            }
            i += 1;
        }
        i
    };
    let mut nodes = vec![Node {
        position: 0,
        line: 0,
        fitness: 1,
        hyphen_run: 0,
        flagged: false,
        demerits: 0.0,
        prev: None,
        start: 0,
    }];
    let mut active: Vec<usize> = vec![0];

    for b in 0..n {
        let (penalty_width, cost, flagged) = match items[b] {
            Item::Penalty { width, cost, flagged, hyphen } => {
                if cost >= INFINITY || (hyphen && !p.allow_hyphens) {
                    continue;
                }
                (width, cost, flagged)
            }
            Item::Glue { .. } if b > 0 && matches!(items[b - 1], Item::Box { .. }) => (0.0, 0.0, false),
            _ => continue,
        };
        let forced = cost <= -INFINITY;
        // The best new node per (fitness class, hyphen run).
        let mut best: Vec<((u8, u8), f64, usize, f32)> = Vec::new();
        let mut still_active = Vec::with_capacity(active.len());
        for &a in &active {
            let node = nodes[a];
            let natural = sw[b] - sw[node.start] + penalty_width;
            let target = width(node.line);
            let ratio = if natural < target {
                let stretch = sy[b] - sy[node.start];
                if stretch > 0.0 { (target - natural) / stretch } else { INFINITY }
            } else if natural > target {
                let shrink = sz[b] - sz[node.start];
                if shrink > 0.0 { (target - natural) / shrink } else { -INFINITY }
            } else {
                0.0
            };
            if ratio >= -1.0 && !forced {
                still_active.push(a);
            }
            let badness = if ratio < -1.0 { f32::INFINITY } else { 100.0 * ratio.abs().powi(3) };
            if ratio < -1.0 || badness > p.tolerance {
                continue;
            }
            let hyphen_run = if flagged { node.hyphen_run + 1 } else { 0 };
            if hyphen_run > p.max_hyphen_run {
                continue;
            }
            let mut d = f64::from(p.line_penalty + badness).powi(2);
            if cost >= 0.0 {
                d += f64::from(cost).powi(2);
            } else if !forced {
                d -= f64::from(cost).powi(2);
            }
            if flagged && node.flagged {
                d += f64::from(p.flagged_demerits);
            }
            let fitness: u8 = match ratio {
                r if r < -0.5 => 0,
                r if r <= 0.5 => 1,
                r if r <= 1.0 => 2,
                _ => 3,
            };
            if fitness.abs_diff(node.fitness) > 1 {
                d += f64::from(p.fitness_demerits);
            }
            let total = node.demerits + d;
            let class = (fitness, hyphen_run);
            match best.iter_mut().find(|c| c.0 == class) {
                Some(c) if c.1 <= total => {}
                Some(c) => *c = (class, total, a, ratio),
                None => best.push((class, total, a, ratio)),
            }
        }
        active = still_active;
        let start = next_start(b);
        for ((fitness, hyphen_run), demerits, from, _ratio) in best {
            nodes.push(Node {
                position: b,
                line: nodes[from].line + 1,
                fitness,
                hyphen_run,
                flagged,
                demerits,
                prev: Some(from),
                start,
            });
            active.push(nodes.len() - 1);
        }
        if active.is_empty() {
            return None;
        }
    }

    let last = *active
        .iter()
        .filter(|&&a| nodes[a].position == n - 1)
        .min_by(|&&a, &&b| nodes[a].demerits.total_cmp(&nodes[b].demerits))?;
    let mut breaks = Vec::new();
    let mut at = Some(last);
    while let Some(i) = at {
        let node = nodes[i];
        if let Some(prev) = node.prev {
            let from = nodes[prev];
            let natural = sw[node.position] - sw[from.start]
                + match items[node.position] {
                    Item::Penalty { width, .. } => width,
                    _ => 0.0,
                };
            let target = width(from.line);
            let ratio = if natural < target {
                let s = sy[node.position] - sy[from.start];
                if s > 0.0 { (target - natural) / s } else { 0.0 }
            } else {
                let s = sz[node.position] - sz[from.start];
                if s > 0.0 { (target - natural) / s } else { 0.0 }
            };
            breaks.push(Break { position: node.position, ratio });
        }
        at = node.prev;
    }
    breaks.reverse();
    Some(breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of the given widths separated by glue 1 ± (1, 0.5), ending the paragraph.
    fn words(widths: &[f32]) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                items.push(Item::Glue { width: 1.0, stretch: 1.0, shrink: 0.5 });
            }
            items.push(Item::Box { width: *w });
        }
        items.push(Item::Penalty { width: 0.0, cost: INFINITY, flagged: false, hyphen: false });
        items.push(Item::Glue { width: 0.0, stretch: 1e6, shrink: 0.0 });
        items.push(Item::Penalty { width: 0.0, cost: -INFINITY, flagged: false, hyphen: false });
        items
    }

    fn line_words(items: &[Item], breaks: &[Break]) -> Vec<usize> {
        let mut counts = Vec::new();
        let mut from = 0;
        for b in breaks {
            counts.push(items[from..b.position].iter().filter(|i| matches!(i, Item::Box { .. })).count());
            from = b.position;
        }
        counts
    }

    #[test]
    fn prefers_even_lines_to_a_greedy_fill() {
        // Three words fill the first line exactly; the last line is free to be short.
        let items = words(&[3.0, 3.0, 3.0, 6.0]);
        let breaks = break_lines(&items, &|_| 11.0, &Params { tolerance: f32::INFINITY, ..Params::default() }).unwrap();
        assert_eq!(line_words(&items, &breaks), vec![3, 1]);
        let items = words(&[4.0, 4.0, 4.0, 4.0, 4.0, 4.0]);
        let breaks = break_lines(&items, &|_| 13.0, &Params::default()).unwrap();
        assert_eq!(line_words(&items, &breaks), vec![3, 3]);
        // 4+1+4+1+4 = 14 on a measure of 13: both spaces shrink fully (ratio -1), which
        // beats two words a line stretched to ratio 4.
        assert!((breaks[0].ratio + 1.0).abs() < 1e-5, "{breaks:?}");
    }

    #[test]
    fn no_line_is_wider_than_its_measure() {
        let items = words(&[5.0, 2.0, 7.0, 3.0, 3.0, 4.0, 1.0, 6.0, 2.0, 2.0, 5.0]);
        let breaks = break_lines(&items, &|_| 14.0, &Params { tolerance: f32::INFINITY, ..Params::default() }).unwrap();
        for b in &breaks {
            assert!(b.ratio >= -1.0, "{breaks:?}");
        }
        let total: usize = line_words(&items, &breaks).iter().sum();
        assert_eq!(total, 11, "every word kept, in order");
    }

    #[test]
    fn fails_rather_than_overfilling() {
        let items = words(&[20.0]);
        assert!(break_lines(&items, &|_| 10.0, &Params::default()).is_none());
    }

    #[test]
    fn never_three_hyphens_in_a_row() {
        // Each word can be hyphenated in the middle; the measure invites a hyphen on every line.
        let mut items = Vec::new();
        for i in 0..8 {
            if i > 0 {
                items.push(Item::Glue { width: 1.0, stretch: 0.5, shrink: 0.3 });
            }
            items.push(Item::Box { width: 3.0 });
            items.push(Item::Penalty { width: 0.5, cost: 50.0, flagged: true, hyphen: true });
            items.push(Item::Box { width: 3.0 });
        }
        items.extend(words(&[]));
        let p = Params { tolerance: f32::INFINITY, ..Params::default() };
        let breaks = break_lines(&items, &|_| 9.5, &p).unwrap();
        let mut run = 0;
        for b in &breaks {
            run = if matches!(items[b.position], Item::Penalty { flagged: true, .. }) { run + 1 } else { 0 };
            assert!(run <= 2, "{breaks:?}");
        }
    }
}
