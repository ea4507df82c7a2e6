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

impl Node {
    /// `over` laid on `self`: mappings merge key by key, anything else is replaced.
    pub fn merge(self, over: Node) -> Node {
        match (self.value, over.value) {
            (Value::Map(mut base), Value::Map(top)) => {
                for (k, v) in top {
                    match base.iter().position(|(bk, _)| bk.value == k.value) {
                        Some(i) => {
                            let (bk, bv) = base.remove(i);
                            base.insert(i, (bk, bv.merge(v)));
                        }
                        None => base.push((k, v)),
                    }
                }
                Node { value: Value::Map(base), pos: over.pos }
            }
            (_, value) => Node { value, pos: over.pos },
        }
    }

    /// The value as JSON, which YAML parsers read as the same document.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(&self.value, &mut out);
        out
    }

    /// The value of key `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key)).map(|(_, v)| v),
            _ => None,
        }
    }
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_finite() => out.push_str(&format!("{f:?}")),
        Value::Float(_) => out.push_str("null"),
        Value::Str(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        Value::Seq(items) => {
            out.push('[');
            for (i, n) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&n.value, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match &k.value {
                    Value::Str(_) => write_json(&k.value, out),
                    other => write_json(&Value::Str(Node { value: other.clone(), pos: k.pos }.to_json()), out),
                }
                out.push(':');
                write_json(&v.value, out);
            }
            out.push('}');
        }
    }
}

/// `T` read from `source` through the scanner (`scan`) and this tree, for the typed
/// settings (themes, locales): a built-in theme took serde-saphyr 0.74M instructions,
/// on the render thread's path. `None` when the scanner does not read the document, or
/// when `T` does not take the tree as it is: the caller then reads it with serde-saphyr,
/// which gives the same value and every error's message and position.
pub fn from_scanned<T: de::DeserializeOwned>(source: &str) -> Option<T> {
    let node = super::scan::read(source)?;
    T::deserialize(&node).ok()
}

/// `T` read from `source`: through the scanner's tree when it can (`from_scanned`),
/// else by serde-saphyr with `options`, whose error says what is wrong, and where.
pub fn typed<T: de::DeserializeOwned>(source: &str) -> Result<T, serde_saphyr::Error> {
    match from_scanned(source) {
        Some(value) => Ok(value),
        None => serde_saphyr::from_str_with_options(source, options()),
    }
}

/// Why a tree is not the type asked for; never shown (see `from_scanned`).
#[derive(Debug)]
pub struct TreeError;

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not the type asked for")
    }
}

impl std::error::Error for TreeError {}

impl de::Error for TreeError {
    fn custom<T: fmt::Display>(_: T) -> Self {
        TreeError
    }
}

impl<'de> de::IntoDeserializer<'de, TreeError> for &'de Node {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// The tree as serde's data model: each value as what it is. A scalar's type is the
/// scanner's (YAML 1.2, `options`), where serde-saphyr types it by the field that
/// takes it; where the two differ (a number where text is wanted), the field refuses
/// the value and `from_scanned` leaves the document to serde-saphyr.
impl<'de> Deserializer<'de> for &'de Node {
    type Error = TreeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match &self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(x) => visitor.visit_f64(*x),
            Value::Str(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => visitor.visit_seq(de::value::SeqDeserializer::new(items.iter())),
            Value::Map(entries) => {
                visitor.visit_map(de::value::MapDeserializer::new(entries.iter().map(|(k, v)| (k, v))))
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TreeError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, TreeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TreeError> {
        match &self.value {
            // A unit variant, as settings name them (`left`, `rtl`).
            Value::Str(s) => visitor.visit_enum(de::value::BorrowedStrDeserializer::new(s)),
            _ => Err(TreeError),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq
        tuple tuple_struct map struct identifier ignored_any
    }
}

/// A syntax error, with the position the parser gives.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Option<Pos>,
}

/// Parses YAML (or JSON, which YAML includes) into a positioned tree.
/// YAML 1.2 scalars, as a résumé needs them: only `true`/`false` are booleans (YAML
/// 1.1 read `no`, `y` and `on` as booleans: "Norway: no" became false), and numbers
/// with a leading zero stay text (phone numbers).
pub fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options
}

/// The positioned tree of `source`, read by the first of these that can: the scanner
/// for the common shapes (`scan`), the parser's events for other plain documents
/// (`events`), serde-saphyr for the rest (and for every error's message).
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    match super::scan::read(source).or_else(|| super::events::read(source)) {
        Some(node) => Ok(node),
        None => parse_with_serde(source),
    }
}

/// `parse` through serde-saphyr's deserializer, which reads every document.
fn parse_with_serde(source: &str) -> Result<Node, SyntaxError> {
    serde_saphyr::from_str_with_options::<Node>(source, options()).map_err(|e| {
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
    fn merging_overlays_mappings_and_round_trips_through_json() {
        let base = parse("a: 1\nb: { c: 2, d: [x, y] }\ne: \"q\\\"uote\"\n").unwrap();
        let over = parse("b: { c: 3 }\nf: true\n").unwrap();
        let merged = base.merge(over);
        let again = parse(&merged.to_json()).unwrap();
        assert_eq!(again.get("b").unwrap().get("c").unwrap().value, Value::Int(3));
        assert_eq!(again.get("b").unwrap().get("d").unwrap().to_json(), "[\"x\",\"y\"]");
        assert_eq!(again.get("e").unwrap().value, Value::Str("q\"uote".into()));
        assert_eq!(again.get("f").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn yaml_1_1_booleans_and_leading_zeros_stay_text() {
        let doc = parse("a: [y, no, on, true]\nphone: 0612345678\n").unwrap();
        assert_eq!(doc.get("a").unwrap().to_json(), "[\"y\",\"no\",\"on\",true]");
        assert_eq!(doc.get("phone").unwrap().value, Value::Str("0612345678".into()));
    }

    #[test]
    fn plain_documents_read_as_serde_saphyr_reads_them() {
        let mut sources: Vec<String> = corpus().into_iter().map(|(_, source)| source).collect();
        let read = sources.iter().filter(|s| super::super::events::read(s).is_some()).count();
        assert!(read * 10 >= sources.len() * 9, "only {read} of {} files read from the events", sources.len());
        let snippets = [
            "a: 1\nb: -1\nc: 0\nd: 007\ne: 1.5\ne2: 0.25\ne3: 00.5\ne4: 1.\ne5: 4.50\nf: 1e3\ng: .5\nh: .inf\ni: -.inf\nj: .nan\nk: 0x1F\nl: 0o17\n",
            "a: 1_000\nb: +1\nc: 9223372036854775807\nd: 9223372036854775808\ne: 99999999999999999999\n",
            "a: 2019-03\nb: 2021-09-15\nc: 03/2020\nd: 12-34\ne: 2019-\nf: -\ng: 1-\nh: +33 6 12 34 56 78\n",
            "a: true\nb: True\nc: TRUE\nd: yes\ne: no\nf: on\ng: false\nh: FALSE\ni: y\n",
            "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ''\ng: \"null\"\nh: inf\ni: nan\nj: NaN\n",
            "name: { en: Lyon, fr: \"Lyon\" }\nlist: [a, 'b', \"c\", 1, [x, {y: z}]]\nempty: []\nnone: {}\n",
            "text: |\n  two\n  lines\nfolded: >\n  one\n  line\nplain: multi\n  line words\n",
            "- a\n- b: 1\n  c: 2\n-\n  - deep\n- é ü 中文 🙂: ok\n",
            "key: value # comment\n# whole line\nother:   spaced   \n\"quoted key\": 1\n? complex\n: value\n",
            "{\"basics\": {\"name\": \"Ada\", \"n\": 3}, \"x\": [true, null, 1.5, \"\\u00e9\\n\"]}",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\nb: 2\n",
            "a: 1\na: 2\n",
            "--- 1\n--- 2\n",
            "",
            "just a string",
            "a: [1, 2\n",
            "a: 'unterminated\n",
            "\tbad: tab\n",
        ];
        sources.extend(snippets.iter().map(|s| s.to_string()));
        let mut fast = 0;
        for source in &sources {
            let Some(node) = super::super::events::read(source) else { continue };
            fast += 1;
            let expected = parse_with_serde(source);
            assert_eq!(Some(&node), expected.as_ref().ok(), "{source:?}");
        }
        assert!(fast > snippets.len() / 3, "{fast}");
    }

    /// The YAML files of the project: profiles, locales, themes, the starter profile,
    /// RenderCV's copy of the sample, YAML fixtures; with their paths.
    fn corpus() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for dir in ["profiles", "locales", "layouts", "src", "bench/rendercv", "tests/fixtures"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                if path.extension().is_some_and(|e| e == "yaml") {
                    let source = std::fs::read_to_string(&path).unwrap();
                    sources.push((path, source));
                }
            }
        }
        sources
    }

    /// Every document the scanner reads, it reads as serde-saphyr does: the project's
    /// files, and thousands of pieces of them changed at random (a character taken
    /// out, put in or doubled, a line indented or not, two lines swapped), most of
    /// which it must leave to serde-saphyr.
    #[test]
    fn scanned_documents_read_as_serde_saphyr_reads_them() {
        let corpus = corpus();
        for (path, source) in &corpus {
            // RenderCV's phone number, +33-4-..., is a scalar `scalar` leaves to serde-saphyr.
            let Some(node) = super::super::scan::read(source) else {
                assert!(path.ends_with("bench/rendercv/camille-durand.yaml"), "not scanned: {}", path.display());
                continue;
            };
            assert_eq!(Ok(&node), parse_with_serde(source).as_ref().map_err(|e| &e.message), "{}", path.display());
            // The same with Windows line breaks.
            let windows = source.replace('\n', "\r\n");
            let node = super::super::scan::read(&windows).unwrap_or_else(|| panic!("not scanned: {}", path.display()));
            assert_eq!(Ok(&node), parse_with_serde(&windows).as_ref().map_err(|e| &e.message), "{}", path.display());
        }
        // Each shape the scanner reads, read as serde-saphyr reads it.
        let shapes = [
            "a: 1\nb:\n  c: x # note\n  d: [p, {q: r}, 'it''s', \"\\u00e9\\t\\\"\"]\ne:\n- s\n-\n- t: u\n  v: w\nf:\n",
            "# head\n\nname: Zoé Ürkmez\nvilles: { fr: Genève, de: Genf }  # two\nnote: «C# and F#», no\n",
            "\"quoted key\": 1\n'single': {\"k\":v, \"l\": [ ], m: {}, }\nk: a:b\nu: https://x.org/a?b=c#d\n",
            "g: |\n  lit\n\n   eral\n\nh: >-\n  fol\n  ded\n\n\n  para\ni: |-\n  # not a comment\n  x\n",
            "- - x\n  - y\n- k: v\n  l:\n    - deep\n    -   # empty\n-\n  m: n\n",
            "work:\n  # a comment\n- x\n# between\n- y\nnext: [1, 2, 3.5, 007, true, ~, null, '']\n",
            "a: one\n  two  \n\n   three\nb:\n- x\n  y\nc: 'it''s\n  wrapped  \n\n  here'\nd: \"esc\\t\\\n  aped \\  \n  line\"\n",
        ];
        for source in shapes {
            let node = super::super::scan::read(source).unwrap_or_else(|| panic!("not scanned: {source}"));
            assert_eq!(Ok(&node), parse_with_serde(source).as_ref().map_err(|e| &e.message), "{source}");
        }
        // A fixed sequence of pseudo-random numbers (xorshift), the same every run.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut random = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let (mut scanned, mut cases) = (0, 0);
        for (_, source) in &corpus {
            let lines: Vec<&str> = source.lines().collect();
            for _ in 0..1500 {
                let text = mutated_piece(&lines, &mut random);
                cases += 1;
                if let Some(node) = super::super::scan::read(&text) {
                    scanned += 1;
                    assert_eq!(Ok(&node), parse_with_serde(&text).as_ref().map_err(|e| &e.message), "{text}");
                }
            }
        }
        assert!(scanned * 8 > cases, "only {scanned} of {cases} pieces scanned");
    }

    /// A few lines of `lines` from a random place, dedented, changed one to three times
    /// at random: a character taken out, something YAML gives a meaning to put in, a
    /// line indented, dedented, swapped with the next, wrapped, joined or doubled.
    fn mutated_piece(lines: &[&str], random: &mut impl FnMut(usize) -> usize) -> String {
        const PIECES: [&str; 40] = [
            ": ", " #", "#", "- ", "-", "'", "\"", "''", "{", "}", "[", "]", ", ", ",", "  ", "\n", "|", ">", "\\",
            "&a ", "*a", "!", "? ", ":", "|-", ">-", "|+", "\\u00e9", "\\x4", "é", "1", "0", ".5", "- - ", "a: ",
            "\"k\":", "{}", "[]", "~", "\\n",
        ];
        let from = random(lines.len());
        let to = (from + 2 + random(12)).min(lines.len());
        let indent = lines[from].len() - lines[from].trim_start().len();
        let mut piece: Vec<String> = lines[from..to]
            .iter()
            .map(|line| line[(line.len() - line.trim_start().len()).min(indent)..].to_string())
            .collect();
        for _ in 0..1 + random(3) {
            let i = random(piece.len());
            let count = piece.len();
            let line = &mut piece[i];
            let mut at = random(line.len() + 1);
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            match random(8) {
                0 if at < line.len() => {
                    let c = line[at..].chars().next().unwrap();
                    line.replace_range(at..at + c.len_utf8(), "");
                }
                1 => line.insert_str(at, PIECES[random(PIECES.len())]),
                2 => line.insert(0, ' '),
                3 if line.starts_with(' ') => {
                    line.remove(0);
                }
                4 if i + 1 < count => piece.swap(i, i + 1),
                5 if at > 0 => {
                    // The line wrapped, as PyYAML wraps long lines.
                    let indent = " ".repeat(random(6));
                    line.insert_str(at, &format!("\n{indent}"));
                }
                6 if i + 1 < count => {
                    let next = piece.remove(i + 1);
                    piece[i].push_str(&next);
                }
                _ => {
                    let copy = line.clone();
                    piece.insert(i, copy);
                }
            }
        }
        let line_break = if random(4) == 0 { "\r\n" } else { "\n" };
        piece.join(line_break) + line_break
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse("name: Ada\n  bad: [1, 2\n").unwrap_err();
        assert!(err.pos.is_some(), "{err:?}");
    }
}
