//! A YAML document as a tree in which every value knows its line and column.
//!
//! The profile is decoded from this tree rather than straight into typed structs so
//! that decoding can report every problem at once (serde stops at the first), each
//! at the exact place it concerns.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::Pos;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// What the value is, in the words an error message uses.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(d)?;
        let at = spanned.referenced;
        Ok(Node { value: spanned.value, pos: Pos { line: at.line() as u32, col: at.column() as u32 } })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// A syntax error, with the position the parser gives.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Option<Pos>,
}

/// Parses YAML (or JSON, which YAML includes) into a positioned tree.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    serde_saphyr::from_str::<Node>(source).map_err(|e| {
        let pos = e.location().map(|l| Pos { line: l.line() as u32, col: l.column() as u32 });
        // The library's message repeats the position and a snippet; keep its first line.
        let text = e.to_string();
        let first = text.lines().next().unwrap_or("invalid YAML").trim().to_string();
        SyntaxError { message: strip_position_suffix(&first), pos }
    })
}

/// The parser's message without what the diagnostic already shows (the position)
/// or what concerns our code rather than the user (its options).
fn strip_position_suffix(message: &str) -> String {
    let mut m = message.trim_start_matches("error: ");
    if let Some(rest) = m.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
    {
        m = &rest[i + 2..];
    }
    let m = match m.rfind(" at line ") {
        Some(i) => &m[..i],
        None => m,
    };
    let m = match m.find(", set DuplicateKeyPolicy") {
        Some(i) => &m[..i],
        None => m,
    };
    m.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_its_position() {
        let doc = parse("name: Ada\nsections:\n  - title: Work\n    scale: 5\n").unwrap();
        let Value::Map(top) = &doc.value else { panic!() };
        assert_eq!(top[0].1.pos, Pos { line: 1, col: 7 });
        let Value::Seq(sections) = &top[1].1.value else { panic!() };
        let Value::Map(section) = &sections[0].value else { panic!() };
        assert_eq!(section[1].0.pos, Pos { line: 4, col: 5 });
        assert_eq!(section[1].1.value, Value::Int(5));
    }

    #[test]
    fn duplicate_keys_are_syntax_errors_without_parser_jargon() {
        let err = parse("name: { en: Lyon, France, fr: Lyon, France }\n").unwrap_err();
        assert_eq!(err.message, "duplicate mapping key: France");
        assert_eq!(err.pos, Some(Pos { line: 1, col: 37 }));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse("name: Ada\n  bad: [1, 2\n").unwrap_err();
        assert!(err.pos.is_some(), "{err:?}");
    }
}
