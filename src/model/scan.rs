//! A YAML document in the shapes profiles, themes and locales are written in, read
//! by a scanner of its own into a positioned tree.
//!
//! Read from serde-saphyr's parser events (`events`), the text-only sample profile
//! (26 KB) took 3.9M instructions, on the critical path of every render: a general
//! YAML scanner queues tokens and events of a hundred bytes each and moves them
//! several times. This reads it in 1.4M, line by line: block mappings and sequences
//! indented with spaces, flow mappings and sequences on one line, plain and quoted
//! scalars (over several lines too, as PyYAML wraps them), literal and folded block
//! scalars (`|`, `|-`, `>`, `>-`), comments, Windows line breaks. For anything else
//! (anchors, tags, complex keys, tabs, several documents, a flow collection over
//! several lines, a scalar that may be a number `events::scalar` does not resolve, or
//! any error) `read` gives up, and the caller reads the document from the events or
//! through serde-saphyr, whose values, positions and messages these are
//! (`node::tests::scanned_documents_read_as_serde_saphyr_reads_them`).

use super::events::scalar;
use super::node::{Node, Value};
use crate::diag::Pos;

/// Bounds past which serde-saphyr (and its budget) decides: nesting, and entries of
/// one mapping (keys are compared with each other).
const MAX_DEPTH: usize = 64;
const MAX_ENTRIES: usize = 256;
/// The longest implicit key YAML allows, in characters.
const MAX_KEY: usize = 1024;

/// The document, or `None` when it is not one this reads (see the module's comment).
pub fn read(source: &str) -> Option<Node> {
    if !printable(source) {
        return None;
    }
    let lines: Vec<Line> = source.split('\n').enumerate().map(|(i, text)| Line::new(text, i)).collect();
    // A carriage return only in a Windows line break (`Line::new` takes those off),
    // and no directive or document marker.
    let marked = |t: &str| t.contains('\r') || t.starts_with('%') || t.starts_with("---") || t.starts_with("...");
    if lines.iter().any(|line| marked(line.text)) {
        return None;
    }
    let reader = Reader { lines: &lines };
    let first = reader.next_content(0)?;
    if reader.lines[first].indent != 0 {
        return None;
    }
    let (root, next) = reader.block(first, 0, 0, true, 0)?;
    // One node, and nothing after it.
    reader.next_content(next).is_none().then_some(root)
}

/// No tab, byte order mark, control or other character YAML does not print (nor NEL
/// and the Unicode line separators, which YAML 1.1 breaks lines at); carriage returns
/// are left to `read`.
fn printable(source: &str) -> bool {
    let ascii_ok = |b: u8| b >= 0x20 && b != 0x7f || b == b'\n' || b == b'\r';
    if source.is_ascii() {
        source.bytes().all(ascii_ok)
    } else {
        source.chars().all(|c| match c as u32 {
            0..=0x7f => ascii_ok(c as u8),
            0x80..=0x9f | 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff => false,
            _ => true,
        })
    }
}

struct Line<'a> {
    text: &'a str,
    /// Leading spaces.
    indent: usize,
    /// Spaces only, or nothing.
    blank: bool,
    /// A comment alone on its line.
    comment: bool,
    /// Bytes are columns.
    ascii: bool,
    number: u32,
}

impl<'a> Line<'a> {
    fn new(text: &'a str, index: usize) -> Line<'a> {
        let text = text.strip_suffix('\r').unwrap_or(text);
        let indent = text.bytes().take_while(|&b| b == b' ').count();
        let blank = indent == text.len();
        let comment = !blank && text.as_bytes()[indent] == b'#';
        Line { text, indent, blank, comment, ascii: text.is_ascii(), number: index as u32 + 1 }
    }

    /// The position of byte `at` (a 1-based column, in characters).
    fn pos(&self, at: usize) -> Pos {
        let col = if self.ascii { at } else { self.text[..at].chars().count() };
        Pos { line: self.number, col: col as u32 + 1 }
    }

    /// The position just past the line's last character.
    fn end(&self) -> Pos {
        self.pos(self.text.len())
    }

    /// Nothing but spaces and a comment (after a space) from byte `at` on.
    fn rest_is_empty(&self, at: usize) -> bool {
        let rest = &self.text[at..];
        let trimmed = rest.trim_start_matches(' ');
        trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
    }

    /// A block sequence's entry indicator at byte `at`: `-` then a space or the end.
    fn dash_at(&self, at: usize) -> bool {
        let b = self.text.as_bytes();
        b.get(at) == Some(&b'-') && matches!(b.get(at + 1), None | Some(b' '))
    }
}

/// Where a value comes after its indicator, which decides where an empty value is.
#[derive(Clone, Copy, PartialEq)]
enum After {
    /// `key:`, with the colon at this byte.
    Colon(usize),
    /// `-`.
    Dash,
}

struct Reader<'a> {
    lines: &'a [Line<'a>],
}

impl Reader<'_> {
    /// The first line from `from` on that holds more than spaces or a comment.
    fn next_content(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| !self.lines[i].blank && !self.lines[i].comment)
    }

    /// The first line from `from` on that is not blank (a comment counts).
    fn next_nonblank(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| !self.lines[i].blank)
    }

    /// The block node that starts at byte `at` of line `li`, inside a collection
    /// indented `parent`. `compound`: a mapping or sequence may start here (at the start
    /// of a line or after `- `, not after `key: `). Gives the node and the next line.
    fn block(&self, li: usize, at: usize, parent: usize, compound: bool, depth: usize) -> Option<(Node, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = &self.lines[li];
        let bytes = line.text.as_bytes();
        match bytes[at] {
            b'-' if line.dash_at(at) => {
                if !compound {
                    return None;
                }
                self.sequence(li, at, false, depth + 1)
            }
            b'|' | b'>' => self.block_scalar(li, at, parent),
            b'{' | b'[' => {
                let (node, end) = Flow { line, depth }.node(at)?;
                self.scalar_ends(li, end, parent).then_some((node, li + 1))
            }
            b'"' | b'\'' => {
                let pos = line.pos(at);
                let Some((text, end)) = quoted(line.text, at) else {
                    let (text, last, end) = self.quoted_lines(li, at, parent)?;
                    let node = Node { value: Value::Str(text), pos };
                    return self.scalar_ends(last, end, parent).then_some((node, last + 1));
                };
                let node = Node { value: Value::Str(text), pos };
                match colon_after(line.text, end) {
                    Some(colon) if compound => self.mapping(li, at, Some((node, colon)), depth + 1),
                    Some(_) => None,
                    None => self.scalar_ends(li, end, parent).then_some((node, li + 1)),
                }
            }
            b => {
                if !plain_start(bytes, at) || b == b'?' || b == b':' {
                    return None;
                }
                let (end, colon) = plain_in_block(line.text, at);
                if colon.is_some() {
                    return if compound { self.mapping(li, at, None, depth + 1) } else { None };
                }
                let first = &line.text[at..end];
                let pos = line.pos(at);
                let commented = !line.text[end..].trim_start_matches(' ').is_empty();
                let continued = self.next_nonblank(li + 1).is_some_and(|next| self.lines[next].indent > parent);
                if commented || !continued {
                    let node = Node { value: scalar(first, true)?, pos };
                    return self.scalar_ends(li, end, parent).then_some((node, li + 1));
                }
                let (text, last) = self.plain_lines(li, first, parent)?;
                Some((Node { value: scalar(&text, true)?, pos }, last + 1))
            }
        }
    }

    /// A plain scalar that goes on past line `li` (where it is `first`) on lines
    /// indented deeper than `parent`: its text, folded (a line break is a space, and
    /// each empty line a line break), and its last line.
    fn plain_lines(&self, li: usize, first: &str, parent: usize) -> Option<(String, usize)> {
        let mut text = first.to_string();
        let mut last = li;
        let mut breaks = 0;
        for (j, line) in self.lines.iter().enumerate().skip(li + 1) {
            if line.blank {
                breaks += 1;
                continue;
            }
            if line.indent <= parent {
                break;
            }
            // A line that would start something else (a comment, a dash, a quote...).
            let bytes = line.text.as_bytes();
            if !plain_start(bytes, line.indent) || matches!(bytes[line.indent], b'-' | b'?' | b':') {
                return None;
            }
            let (end, colon) = plain_in_block(line.text, line.indent);
            if colon.is_some() || end < line.text.trim_end_matches(' ').len() {
                // A key, or a comment: leave what follows to serde-saphyr.
                return None;
            }
            if breaks == 0 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', breaks));
            }
            text.push_str(&line.text[line.indent..end]);
            breaks = 0;
            last = j;
        }
        Some((text, last))
    }

    /// A quoted scalar that opens at byte `at` of line `li` and closes on a later line,
    /// each indented deeper than `parent`: its text, folded as YAML folds a quoted
    /// scalar's lines, the line it closes on and the byte after its closing quote.
    fn quoted_lines(&self, li: usize, at: usize, parent: usize) -> Option<(String, usize, usize)> {
        let quote = self.lines[li].text.as_bytes()[at];
        let mut out = String::new();
        let mut j = li;
        let mut from = at + 1;
        loop {
            let text = self.lines[j].text;
            match segment(text, from, quote, &mut out)? {
                Segment::Closed(end) => return Some((out, j, end)),
                Segment::Open { escaped_break, floor } => {
                    if !escaped_break {
                        let kept = out[floor..].trim_end_matches(' ').len();
                        out.truncate(floor + kept);
                    }
                    let mut breaks = 0;
                    j += 1;
                    while self.lines.get(j)?.blank {
                        breaks += 1;
                        j += 1;
                    }
                    let line = &self.lines[j];
                    if line.indent <= parent || (escaped_break && breaks > 0) {
                        return None;
                    }
                    if breaks > 0 {
                        out.extend(std::iter::repeat_n('\n', breaks));
                    } else if !escaped_break {
                        out.push(' ');
                    }
                    from = line.indent;
                }
            }
        }
    }

    /// After a scalar or flow collection that ends at byte `end` of line `li`: nothing
    /// else on the line, and no line indented deeper than `parent` next (which would
    /// continue a plain scalar, or be an error).
    fn scalar_ends(&self, li: usize, end: usize, parent: usize) -> bool {
        self.lines[li].rest_is_empty(end)
            && self.next_nonblank(li + 1).is_none_or(|next| self.lines[next].indent <= parent)
    }

    /// A block mapping whose first key starts at byte `at` of line `li` (its indent);
    /// `first`: that key already read when quoted, with its colon.
    fn mapping(
        &self,
        mut li: usize,
        at: usize,
        mut first: Option<(Node, usize)>,
        depth: usize,
    ) -> Option<(Node, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let indent = at;
        let pos = self.lines[li].pos(at);
        let mut entries: Vec<(Node, Node)> = Vec::new();
        loop {
            let (key, colon) = match first.take() {
                Some(read) => read,
                None => self.key(li, indent)?,
            };
            let merge = matches!(&key.value, Value::Str(s) if s == "<<");
            if merge || entries.len() >= MAX_ENTRIES || entries.iter().any(|(k, _)| k.value == key.value) {
                return None;
            }
            let (value, next) = self.value(li, colon + 1, indent, After::Colon(colon), depth)?;
            entries.push((key, value));
            match self.next_content(next) {
                Some(n) if self.lines[n].indent == indent => {
                    if self.lines[n].dash_at(indent) {
                        return None;
                    }
                    li = n;
                }
                Some(n) if self.lines[n].indent > indent => return None,
                _ => return Some((Node { value: Value::Map(entries), pos }, next)),
            }
        }
    }

    /// The key at byte `at` of line `li`, and its colon's byte.
    fn key(&self, li: usize, at: usize) -> Option<(Node, usize)> {
        let line = &self.lines[li];
        let bytes = line.text.as_bytes();
        match bytes[at] {
            b'"' | b'\'' => {
                let (text, end) = quoted(line.text, at)?;
                let colon = colon_after(line.text, end)?;
                Some((Node { value: Value::Str(text), pos: line.pos(at) }, colon))
            }
            b'?' | b':' => None,
            _ if !plain_start(bytes, at) => None,
            _ => {
                let (end, colon) = plain_in_block(line.text, at);
                let text = &line.text[at..end];
                if text.chars().count() > MAX_KEY {
                    return None;
                }
                Some((Node { value: scalar(text, true)?, pos: line.pos(at) }, colon?))
            }
        }
    }

    /// The value after an indicator (a key's colon, or a sequence's dash) that ends
    /// before byte `at` of line `li`, in a collection indented `indent`.
    fn value(&self, li: usize, at: usize, indent: usize, after: After, depth: usize) -> Option<(Node, usize)> {
        let line = &self.lines[li];
        if !line.rest_is_empty(at) {
            let start = at + line.text[at..].bytes().take_while(|&b| b == b' ').count();
            return self.block(li, start, indent, after == After::Dash, depth);
        }
        let empty = |next| {
            let pos = match after {
                After::Colon(colon) => line.pos(colon),
                After::Dash => line.end(),
            };
            Some((Node { value: Value::Null, pos }, next))
        };
        let Some(next) = self.next_content(li + 1) else { return empty(li + 1) };
        let below = &self.lines[next];
        if below.indent > indent {
            return self.block(next, below.indent, indent, true, depth);
        }
        if below.indent == indent && matches!(after, After::Colon(_)) && below.dash_at(indent) {
            return self.sequence(next, indent, true, depth + 1);
        }
        empty(li + 1)
    }

    /// A block sequence whose first dash is at byte `indent` of line `li`.
    /// `indentless`: the value of a key at the same indent (`key:` then `- item`).
    fn sequence(&self, mut li: usize, indent: usize, indentless: bool, depth: usize) -> Option<(Node, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut pos = self.lines[li].pos(indent);
        let mut items = Vec::new();
        loop {
            let (item, next) = self.value(li, indent + 1, indent, After::Dash, depth)?;
            if indentless && items.is_empty() {
                // Where the token after the first dash is: the item on the dash's line,
                // or else the end of that line.
                let dash_line = &self.lines[li];
                pos = if item.pos.line == dash_line.number { item.pos } else { dash_line.end() };
            }
            items.push(item);
            match self.next_content(next) {
                Some(n) if self.lines[n].indent == indent && self.lines[n].dash_at(indent) => li = n,
                Some(n) if self.lines[n].indent > indent => return None,
                Some(n) if self.lines[n].indent == indent && !indentless => return None,
                _ => return Some((Node { value: Value::Seq(items), pos }, next)),
            }
        }
    }

    /// A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose indicator is at
    /// byte `at` of line `li`, inside a collection indented `parent`.
    fn block_scalar(&self, li: usize, at: usize, parent: usize) -> Option<(Node, usize)> {
        let header = &self.lines[li].text.as_bytes()[at..];
        let literal = header[0] == b'|';
        let strip = header.get(1) == Some(&b'-');
        let after = at + 1 + usize::from(strip);
        if !self.lines[li].rest_is_empty(after) {
            return None;
        }
        let first = self.next_nonblank(li + 1)?;
        let indent = self.lines[first].indent;
        if indent <= parent {
            return None;
        }
        // Blank lines before the first line of text, as line breaks (literal only).
        let mut text = String::new();
        for line in &self.lines[li + 1..first] {
            if line.text.len() > indent || !literal {
                return None;
            }
            text.push('\n');
        }
        let mut end = first;
        let mut breaks = 0;
        for (i, line) in self.lines.iter().enumerate().skip(first) {
            if line.blank {
                if line.text.len() > indent {
                    return None;
                }
                breaks += 1;
                continue;
            }
            if line.indent < indent {
                break;
            }
            let content = &line.text[indent..];
            if i > first {
                if literal {
                    text.extend(std::iter::repeat_n('\n', breaks + 1));
                } else if content.starts_with(' ') {
                    return None;
                } else if breaks == 0 {
                    text.push(' ');
                } else {
                    text.extend(std::iter::repeat_n('\n', breaks));
                }
            } else if !literal && content.starts_with(' ') {
                return None;
            }
            text.push_str(content);
            breaks = 0;
            end = i + 1;
        }
        if !strip {
            text.push('\n');
        }
        Some((Node { value: Value::Str(text), pos: self.lines[first].pos(indent) }, end))
    }
}

/// A flow collection (`{...}`, `[...]`) on one line.
struct Flow<'a> {
    line: &'a Line<'a>,
    depth: usize,
}

impl Flow<'_> {
    fn skip_spaces(&self, mut at: usize) -> usize {
        let bytes = self.line.text.as_bytes();
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        at
    }

    /// The node at byte `at`, and the byte after it.
    fn node(&self, at: usize) -> Option<(Node, usize)> {
        let text = self.line.text;
        let pos = self.line.pos(at);
        match text.as_bytes()[at] {
            b'{' | b'[' => {
                let inner = Flow { line: self.line, depth: self.depth + 1 };
                if inner.depth > MAX_DEPTH {
                    return None;
                }
                if text.as_bytes()[at] == b'{' { inner.mapping(at) } else { inner.sequence(at) }
            }
            b'"' | b'\'' => {
                let (value, end) = quoted(text, at)?;
                Some((Node { value: Value::Str(value), pos }, end))
            }
            _ => {
                let end = plain_in_flow(text, at)?;
                Some((Node { value: scalar(&text[at..end], true)?, pos }, end))
            }
        }
    }

    fn mapping(&self, open: usize) -> Option<(Node, usize)> {
        let text = self.line.text.as_bytes();
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let mut at = self.skip_spaces(open + 1);
        loop {
            if text.get(at) == Some(&b'}') {
                return Some((Node { value: Value::Map(entries), pos: self.line.pos(open) }, at + 1));
            }
            if matches!(text.get(at), None | Some(b'{' | b'[' | b',' | b']')) {
                return None;
            }
            let quoted_key = matches!(text[at], b'"' | b'\'');
            let (key, end) = self.node(at)?;
            at = self.skip_spaces(end);
            // A plain key's colon is followed by a space; a quoted key's may not be.
            if text.get(at) != Some(&b':') || (!quoted_key && text.get(at + 1) != Some(&b' ')) {
                return None;
            }
            if matches!(&key.value, Value::Str(s) if s == "<<")
                || entries.len() >= MAX_ENTRIES
                || entries.iter().any(|(k, _)| k.value == key.value)
            {
                return None;
            }
            at = self.skip_spaces(at + 1);
            if matches!(text.get(at), None | Some(b',' | b'}' | b']')) {
                return None;
            }
            let (value, end) = self.node(at)?;
            entries.push((key, value));
            at = self.skip_spaces(end);
            match text.get(at) {
                Some(b',') => at = self.skip_spaces(at + 1),
                Some(b'}') => {}
                _ => return None,
            }
        }
    }

    fn sequence(&self, open: usize) -> Option<(Node, usize)> {
        let text = self.line.text.as_bytes();
        let mut items = Vec::new();
        let mut at = self.skip_spaces(open + 1);
        loop {
            if text.get(at) == Some(&b']') {
                return Some((Node { value: Value::Seq(items), pos: self.line.pos(open) }, at + 1));
            }
            if matches!(text.get(at), None | Some(b',' | b'}')) {
                return None;
            }
            let (item, end) = self.node(at)?;
            items.push(item);
            at = self.skip_spaces(end);
            match text.get(at) {
                Some(b',') => at = self.skip_spaces(at + 1),
                Some(b']') => {}
                _ => return None,
            }
        }
    }
}

/// Whether a plain scalar may start at byte `at`: not with an indicator, and `-`
/// only before something else than a space.
fn plain_start(bytes: &[u8], at: usize) -> bool {
    match bytes[at] {
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@'
        | b'`' | b' ' => false,
        b'-' | b'?' | b':' => matches!(bytes.get(at + 1), Some(b) if *b != b' '),
        _ => true,
    }
}

/// A plain scalar in block context from byte `at`: where it ends (trailing spaces
/// left out), and the byte of the colon that makes it a key, if one does.
fn plain_in_block(text: &str, at: usize) -> (usize, Option<usize>) {
    let bytes = text.as_bytes();
    let mut end = text.len();
    let mut colon = None;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => {
                end = i;
                colon = Some(i);
                break;
            }
            b'#' if bytes[i - 1] == b' ' => {
                end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    (text[..end].trim_end_matches(' ').len().max(at), colon)
}

/// Where a plain scalar in a flow collection from byte `at` ends, trailing spaces
/// left out; `None` if it cannot start there or the line ends first.
fn plain_in_flow(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !plain_start(bytes, at) || matches!(bytes[at], b'?' | b':') {
        return None;
    }
    if bytes[at] == b'-' && matches!(bytes.get(at + 1), Some(b',' | b'[' | b']' | b'{' | b'}')) {
        return None;
    }
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b',' | b'[' | b']' | b'{' | b'}' => break,
            b':' if matches!(bytes.get(i + 1), None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')) => break,
            b'#' if bytes[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    if i == bytes.len() {
        return None;
    }
    Some(text[..i].trim_end_matches(' ').len())
}

/// The colon after a quoted key that ends before byte `end`: spaces, `:`, then a
/// space or the end of the line.
fn colon_after(text: &str, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let colon = end + text[end..].bytes().take_while(|&b| b == b' ').count();
    (bytes.get(colon) == Some(&b':') && matches!(bytes.get(colon + 1), None | Some(b' '))).then_some(colon)
}

/// A single- or double-quoted scalar that opens at byte `at` and closes on the same
/// line: its text, and the byte after the closing quote.
fn quoted(text: &str, at: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    match segment(text, at + 1, text.as_bytes()[at], &mut out)? {
        Segment::Closed(end) => Some((out, end)),
        Segment::Open { .. } => None,
    }
}

/// How a quoted scalar's line ends.
enum Segment {
    /// With the closing quote, before this byte.
    Closed(usize),
    /// Open. `escaped_break`: with a backslash (no space where the line breaks).
    /// `floor`: the output's length after its last escape, which trailing spaces
    /// (left out at a line break) do not reach below.
    Open { escaped_break: bool, floor: usize },
}

/// The text of a `quote`-quoted scalar from byte `from` of a line, added to `out`.
fn segment(text: &str, from: usize, quote: u8, out: &mut String) -> Option<Segment> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut from = from;
    let mut floor = out.len();
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if quote == b'\'' => {
                out.push_str(&text[from..i]);
                if bytes.get(i + 1) == Some(&b'\'') {
                    out.push('\'');
                    i += 2;
                    from = i;
                    continue;
                }
                return Some(Segment::Closed(i + 1));
            }
            b'"' if quote == b'"' => {
                out.push_str(&text[from..i]);
                return Some(Segment::Closed(i + 1));
            }
            b'\\' if quote == b'"' => {
                out.push_str(&text[from..i]);
                if i + 1 == bytes.len() {
                    return Some(Segment::Open { escaped_break: true, floor });
                }
                let (c, len) = escape(&text[i + 1..])?;
                out.push(c);
                floor = out.len();
                i += 1 + len;
                from = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[from..]);
    Some(Segment::Open { escaped_break: false, floor })
}

/// The character a double-quoted scalar's escape stands for (what follows the
/// backslash), and how many bytes the escape takes after it.
fn escape(after: &str) -> Option<(char, usize)> {
    let c = match after.as_bytes().first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match after.as_bytes()[0] {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = after.get(1..1 + digits)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            return Some((char::from_u32(u32::from_str_radix(hex, 16).ok()?)?, 1 + digits));
        }
        _ => return None,
    };
    Some((c, 1))
}
