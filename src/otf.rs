//! Reading OpenType tables in place: the few structures the layout and the PDF writer
//! need often enough that parsing whole tables (as allsorts does) would cost more than
//! the use.

pub fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

pub fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The tables of a TrueType/OpenType file, as (tag, bytes).
pub fn tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count)
        .map(|i| {
            let record = 12 + 16 * i;
            let tag = font.get(record..record + 4)?.try_into().ok()?;
            let offset = u32_at(font, record + 8)? as usize;
            let length = u32_at(font, record + 12)? as usize;
            Some((tag, font.get(offset..offset.checked_add(length)?)?))
        })
        .collect()
}

/// The bytes of table `tag` in a TrueType/OpenType file.
pub fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    tables(font)?.into_iter().find(|(t, _)| t == tag).map(|(_, data)| data)
}

/// The subtables of the lookup at `lookup`, as (lookup type, offset), with extension
/// subtables (lookup type `extension`: 7 in GSUB, 9 in GPOS) resolved.
pub fn subtables(t: &[u8], lookup: usize, extension: u16) -> Option<Vec<(u16, usize)>> {
    let kind = u16_at(t, lookup)?;
    (0..usize::from(u16_at(t, lookup + 4)?))
        .map(|k| {
            let subtable = lookup + usize::from(u16_at(t, lookup + 6 + 2 * k)?);
            if kind == extension {
                Some((u16_at(t, subtable + 2)?, subtable + u32_at(t, subtable + 4)? as usize))
            } else {
                Some((kind, subtable))
            }
        })
        .collect()
}

/// The coverage index of `glyph` in the coverage table at `at`.
pub fn coverage(t: &[u8], at: usize, glyph: u16) -> Option<Option<usize>> {
    let count = usize::from(u16_at(t, at + 2)?);
    match u16_at(t, at)? {
        1 => {
            let (mut lo, mut hi) = (0, count);
            while lo < hi {
                let mid = (lo + hi) / 2;
                let g = u16_at(t, at + 4 + 2 * mid)?;
                match g.cmp(&glyph) {
                    std::cmp::Ordering::Equal => return Some(Some(mid)),
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                }
            }
            Some(None)
        }
        2 => {
            let found = range(t, at + 4, count, glyph)?;
            Some(found.map(|(start, record)| usize::from(glyph - start) + usize::from(record)))
        }
        _ => None,
    }
}

/// The first and last glyph of the coverage table at `at` (glyphs ascend in both
/// formats); an empty one gives bounds no glyph is within.
pub fn coverage_bounds(t: &[u8], at: usize) -> Option<(u16, u16)> {
    let count = usize::from(u16_at(t, at + 2)?);
    if count == 0 {
        return Some((1, 0));
    }
    match u16_at(t, at)? {
        1 => Some((u16_at(t, at + 4)?, u16_at(t, at + 4 + 2 * (count - 1))?)),
        2 => Some((u16_at(t, at + 4)?, u16_at(t, at + 4 + 6 * (count - 1) + 2)?)),
        _ => None,
    }
}

/// The class of `glyph` in the class definition at `at` (0 when it has none).
pub fn class(t: &[u8], at: usize, glyph: u16) -> Option<u16> {
    match u16_at(t, at)? {
        1 => {
            let start = u16_at(t, at + 2)?;
            let count = u16_at(t, at + 4)?;
            if glyph < start || glyph - start >= count {
                return Some(0);
            }
            u16_at(t, at + 6 + 2 * usize::from(glyph - start))
        }
        2 => Some(range(t, at + 4, usize::from(u16_at(t, at + 2)?), glyph)?.map_or(0, |(_, value)| value)),
        _ => None,
    }
}

/// In `count` sorted range records (start, end, value) from `at`, the one holding
/// `glyph`, as (start, value).
fn range(t: &[u8], at: usize, count: usize, glyph: u16) -> Option<Option<(u16, u16)>> {
    let (mut lo, mut hi) = (0, count);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let record = at + 6 * mid;
        let (start, end) = (u16_at(t, record)?, u16_at(t, record + 2)?);
        if glyph < start {
            hi = mid;
        } else if glyph > end {
            lo = mid + 1;
        } else {
            return Some(Some((start, u16_at(t, record + 4)?)));
        }
    }
    Some(None)
}

/// The glyphs of the coverage table at `at`, as a set: bit `g % 64` of word `g / 64`
/// for glyph `g`. Sized once, from the largest glyph (set glyph by glyph into a growing
/// set, and through a list of glyphs first, this was a third of reading a face); a
/// range of glyphs is set a word at a time.
pub fn coverage_bits(t: &[u8], at: usize) -> Option<Vec<u64>> {
    let count = usize::from(u16_at(t, at + 2)?);
    let format = u16_at(t, at)?;
    let size = match format {
        1 => 2,
        2 => 6,
        _ => return None,
    };
    let records = t.get(at + 4..at + 4 + size * count)?;
    let be = |b: &[u8]| u16::from_be_bytes([b[0], b[1]]);
    // Inclusive (first, last) ranges: one per glyph in format 1.
    let ranges = || {
        records
            .chunks_exact(size)
            .map(move |r| if format == 1 { (be(r), be(r)) } else { (be(&r[..2]), be(&r[2..4])) })
            .filter(|(first, end)| first <= end)
    };
    let last = ranges().map(|(_, end)| end).max();
    let mut words = vec![0u64; last.map_or(0, |g| usize::from(g) / 64 + 1)];
    for (first, end) in ranges() {
        let (first, end) = (usize::from(first), usize::from(end));
        let (head, tail) = (u64::MAX << (first % 64), u64::MAX >> (63 - end % 64));
        let (from, to) = (first / 64, end / 64);
        if from == to {
            words[from] |= head & tail;
        } else {
            words[from] |= head;
            words[from + 1..to].fill(u64::MAX);
            words[to] |= tail;
        }
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(values: &[u16]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_be_bytes()).collect()
    }

    #[test]
    fn a_coverage_reads_as_the_set_of_its_glyphs() {
        // Format 1: a list of glyphs.
        let list = words(&[1, 3, 5, 64, 130]);
        let set = coverage_bits(&list, 0).unwrap();
        assert_eq!(set, vec![1 << 5, 1, 1 << 2]);
        // Format 2: ranges (first, last, index); a reversed range holds nothing.
        let ranges = words(&[2, 3, 62, 65, 0, 100, 99, 4, 200, 200, 5]);
        let set = coverage_bits(&ranges, 0).unwrap();
        assert_eq!(set, vec![3 << 62, 3, 0, 1 << 8]);
        // Each glyph of the set is covered, and no other.
        for glyph in 0..256u16 {
            let covered = coverage(&ranges, 0, glyph).unwrap().is_some();
            let in_set = set.get(usize::from(glyph) / 64).is_some_and(|w| w & (1 << (glyph % 64)) != 0);
            assert_eq!(covered, in_set, "glyph {glyph}");
        }
        // A long range, set a word at a time.
        let long = words(&[2, 2, 10, 20, 0, 70, 400, 11]);
        let set = coverage_bits(&long, 0).unwrap();
        assert_eq!(set.len(), 7);
        for glyph in 0..500u16 {
            let in_set = set.get(usize::from(glyph) / 64).is_some_and(|w| w & (1 << (glyph % 64)) != 0);
            assert_eq!(in_set, (10..=20).contains(&glyph) || (70..=400).contains(&glyph), "glyph {glyph}");
        }
        // Cut short: unreadable.
        assert!(coverage_bits(&list[..8], 0).is_none());
    }
}
