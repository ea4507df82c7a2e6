//! A plain YAML document read straight from the parser's events into a positioned
//! tree, without serde.
//!
//! Reading the sample profile through serde-saphyr's deserializer took 8.4M
//! instructions, the parser's own share 3M; the profile is read on a render's
//! critical path. Only documents that keep to what profiles use are read this way:
//! mappings, sequences and scalars, without anchors, aliases, tags, merge keys or
//! repeated keys, in one document. For anything else, a scalar that may be a number
//! this does not resolve itself, or a syntax error, `read` gives up and the caller
//! reads the document through serde-saphyr, whose values, positions and messages
//! these are (`node::tests::plain_documents_read_as_serde_saphyr_reads_them`).

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

use super::node::{Node, Value};
use crate::diag::Pos;

/// Bounds past which serde-saphyr (and its budget) decides: nesting, entries of one
/// mapping (keys are compared with each other), events in all.
const MAX_DEPTH: usize = 64;
const MAX_ENTRIES: usize = 256;
const MAX_EVENTS: usize = 200_000;

/// A collection being read, with where it starts.
enum Open {
    Seq(Vec<Node>, Pos),
    /// Entries so far, and the key waiting for its value.
    Map(Vec<(Node, Node)>, Option<Node>, Pos),
}

/// The document, or `None` when it is not one this reads (see the module's comment).
pub fn read(source: &str) -> Option<Node> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for (count, item) in Parser::new_from_str(source).enumerate() {
        let (event, span) = item.ok()?;
        if count > MAX_EVENTS {
            return None;
        }
        let pos = Pos { line: span.start.line() as u32, col: span.start.col() as u32 + 1 };
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                Node { value: scalar(&text, style == ScalarStyle::Plain)?, pos }
            }
            Event::SequenceStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Open::Seq(Vec::new(), pos));
                continue;
            }
            Event::MappingStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Open::Map(Vec::new(), None, pos));
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(items, pos) => Node { value: Value::Seq(items), pos },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(entries, None, pos) => Node { value: Value::Map(entries), pos },
                _ => return None,
            },
            _ => return None,
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(node),
            None => return None,
            Some(Open::Seq(items, _)) => items.push(node),
            Some(Open::Map(entries, key @ None, _)) => {
                let merge = matches!(&node.value, Value::Str(s) if s == "<<");
                let scalar = !matches!(node.value, Value::Seq(_) | Value::Map(_));
                if merge
                    || !scalar
                    || entries.len() >= MAX_ENTRIES
                    || entries.iter().any(|(k, _)| k.value == node.value)
                {
                    return None;
                }
                *key = Some(node);
            }
            Some(Open::Map(entries, key, _)) => entries.push((key.take()?, node)),
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// An untagged scalar's value, as serde-saphyr resolves it with `node::options()`
/// (YAML 1.2: `true`/`false` only, numbers with a leading zero stay text), or `None`
/// for a number-like scalar left to serde-saphyr. A number starts with a digit, a
/// sign or a point, and has none of the characters no number has (a space, a slash,
/// most letters: `13mm` is text).
pub(super) fn scalar(text: &str, plain: bool) -> Option<Value> {
    if !plain {
        return Some(Value::Str(text.to_string()));
    }
    let value = match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            let first = text.as_bytes()[0];
            let numeral = first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.');
            // Digits, signs, points, underscores, exponents, radix prefixes, hexadecimal digits.
            let number_chars = text.bytes().all(|b| b.is_ascii_hexdigit() || b"+-._xXoObBeEiInN".contains(&b));
            if !numeral || !number_chars {
                return Some(Value::Str(text.to_string()));
            }
            let digits = text.bytes().all(|b| b.is_ascii_digit());
            if digits && text.len() > 1 && first == b'0' {
                return Some(Value::Str(text.to_string()));
            }
            if digits {
                return text.parse::<u64>().ok().and_then(|n| i64::try_from(n).ok()).map(Value::Int);
            }
            // A decimal (a rating of 4.5): digits, a point, digits, no leading zero.
            if let Some((whole, fraction)) = text.split_once('.')
                && !whole.is_empty()
                && !fraction.is_empty()
                && (whole == "0" || !whole.starts_with('0'))
                && (whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit())
            {
                return text.parse::<f64>().ok().map(Value::Float);
            }
            // A date (2019-03, 2021-09-15): digits and inner dashes, which no number has.
            let date = first.is_ascii_digit()
                && text.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
            if !date {
                return None;
            }
            Value::Str(text.to_string())
        }
    };
    Some(value)
}
