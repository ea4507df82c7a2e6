//! From the positioned YAML tree to a `Profile`, reporting every problem found,
//! each at its line and column, with the fix.

use std::path::Path;

use super::node::{self, Node, Value};
use super::*;
use crate::diag::{Diagnostic, Pos, Report, closest};

pub(super) const PROFILE_FIELDS: &[&str] =
    &["lang", "name", "headline", "photo", "contact", "note", "summary", "keywords", "sections"];
pub(super) const CONTACT_FIELDS: &[&str] = &["email", "phone", "website", "location", "links"];
pub(super) const LINK_FIELDS: &[&str] = &["label", "url"];
pub(super) const SECTION_FIELDS: &[&str] =
    &["id", "title", "text", "entries", "ratings", "scale", "facts", "items", "note"];
pub(super) const ENTRY_FIELDS: &[&str] = &[
    "organization",
    "location",
    "title",
    "url",
    "start",
    "end",
    "date",
    "summary",
    "details",
    "highlights",
    "keywords",
    "roles",
    "tags",
];
pub(super) const DETAIL_FIELDS: &[&str] = &["label", "text"];
pub(super) const RATING_FIELDS: &[&str] = &["name", "rating", "tags"];
pub(super) const GROUP_FIELDS: &[&str] = &["group", "items"];
pub(super) const FACT_FIELDS: &[&str] = &["label", "value"];
pub(super) const ITEM_FIELDS: &[&str] = &["text", "tags"];

pub(super) fn decode(source: &str, path: &Path, report: &mut Report) -> Option<Profile> {
    if source.trim().is_empty() {
        report.push(
            Diagnostic::error("the profile is empty")
                .help("a profile needs at least `name: Your Name`; `cvpdf init` writes a starter"),
        );
        return None;
    }
    let root = match node::parse(source) {
        Ok(root) => root,
        Err(e) => {
            let help = if e.message.starts_with("duplicate mapping key") {
                "a key appears twice in one mapping; inside `{ ... }` a comma separates entries, so quote text that contains a comma"
            } else if e.message.starts_with("budget breached") || e.message.contains("recursion limit") {
                "the document expands to too many values or nests too deeply (YAML aliases?); a profile needs neither"
            } else {
                "fix the syntax at this place: check indentation, quotes and `:` after keys"
            };
            // JSON is read as YAML (which includes it), but its author thinks in JSON.
            let json = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("json"));
            let (syntax, help) = if json && !help.starts_with("the document") {
                ("JSON", "fix the syntax at this place: check commas, quotes, colons and closing brackets")
            } else {
                ("YAML", help)
            };
            let mut d = Diagnostic::error(format!("invalid {syntax}: {}", e.message)).help(help);
            if let Some(pos) = e.pos {
                d = d.at(pos, Some(source));
            }
            report.push(d);
            return None;
        }
    };
    let profile = if root.get("basics").is_some() {
        Some(super::jsonresume::convert(&root, source, path, report))
    } else {
        Decoder { source, report, lang: "en".into() }.profile(&root, path)
    };
    // Freeing the tree's strings and vectors was a fifth of reading the profile (0.45M
    // instructions for the sample), on a render's critical path: in a thread pool, the
    // tree is freed by whichever thread is idle first.
    if rayon::current_thread_index().is_some() {
        rayon::spawn(move || drop(root));
    }
    profile
}

struct Decoder<'a> {
    source: &'a str,
    report: &'a mut Report,
    /// The profile's main language: plain strings are in it.
    lang: String,
}

/// The fields of a mapping, once unknown ones have been reported.
struct Fields<'n> {
    entries: &'n [(Node, Node)],
    pos: Pos,
}

impl<'n> Fields<'n> {
    /// The value of `key`; an explicit `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(_, v)| v)
            .filter(|v| v.value != Value::Null)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() { field.to_string() } else { format!("{path}.{field}") }
}

fn is_lang_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A mapping whose keys are all language codes: translatable text, not fields.
fn is_text_map(node: &Node) -> bool {
    matches!(&node.value, Value::Map(m) if !m.is_empty() && m.iter().all(|(k, _)| matches!(&k.value, Value::Str(s) if is_lang_code(s))))
}

impl Decoder<'_> {
    fn error(&mut self, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(message).at(pos, Some(self.source)).help(help);
        self.report.push(d);
    }

    fn warn(&mut self, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::warning(message).at(pos, Some(self.source)).help(help);
        self.report.push(d);
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        self.error(
            node.pos,
            format!("`{path}` should be {expected}, but it is {}", node.value.kind()),
            format!("write `{}` as {expected}", path.rsplit('.').next().unwrap_or(path)),
        );
    }

    /// Opens a mapping, reporting every key that is not in `known`.
    fn fields<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            let what = if path.is_empty() { "the profile" } else { path };
            self.error(
                node.pos,
                format!("`{what}` should be a mapping of fields, but it is {}", node.value.kind()),
                format!(
                    "expected fields such as {}",
                    known.iter().take(4).map(|k| format!("`{k}:`")).collect::<Vec<_>>().join(", ")
                ),
            );
            return None;
        };
        for (key, _) in entries {
            let Value::Str(name) = &key.value else {
                self.error(
                    key.pos,
                    format!("a field name must be text, not {}", key.value.kind()),
                    "quote the key or fix the indentation",
                );
                continue;
            };
            if !known.contains(&name.as_str()) {
                let where_ = if path.is_empty() { "at the top level".to_string() } else { format!("in `{path}`") };
                let help = match closest(name, known) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("known fields here: {}", known.join(", ")),
                };
                self.error(key.pos, format!("unknown field `{name}` {where_}"), help);
            }
        }
        Some(Fields { entries, pos: node.pos })
    }

    /// A scalar as text: numbers and booleans are accepted as what they spell.
    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        let text = scalar_text(node);
        if text.is_none() {
            self.wrong_type(node, path, "text");
        }
        text
    }

    fn opt_string(&mut self, f: &Fields, key: &str, path: &str) -> Option<String> {
        f.get(key).and_then(|n| self.string(n, &join(path, key)))
    }

    /// Translatable text: a string, or a map from language code to string.
    fn text(&mut self, node: &Node, path: &str) -> Option<Text> {
        let translated = matches!(node.value, Value::Map(_));
        let variants = match &node.value {
            Value::Map(entries) => {
                let mut variants = Vec::new();
                for (k, v) in entries {
                    let code = match &k.value {
                        Value::Str(s) if is_lang_code(s) => s.clone(),
                        other => {
                            let shown = match other {
                                Value::Str(s) => s.clone(),
                                o => o.kind().to_string(),
                            };
                            self.error(
                                k.pos,
                                format!("`{shown}` in `{path}` is not a language code"),
                                "translatable text is either text, or a map from language code to text: `{ en: Hello, fr: Bonjour }`",
                            );
                            continue;
                        }
                    };
                    // The variant's path is made only for an error: one `format!` per
                    // translated text was a tenth of reading the sample.
                    match scalar_text(v) {
                        Some(s) => variants.push((code, s)),
                        None => self.wrong_type(v, &format!("{path}.{code}"), "text"),
                    }
                }
                variants
            }
            _ => vec![(self.lang.clone(), self.string(node, path)?)],
        };
        Some(Text { variants, path: path.to_string(), pos: node.pos, translated })
    }

    fn opt_text(&mut self, f: &Fields, key: &str, path: &str) -> Option<Text> {
        f.get(key).and_then(|n| self.text(n, &join(path, key)))
    }

    /// The items of a list field, each decoded by `item` with its indexed path.
    fn list<T>(
        &mut self,
        f: &Fields,
        key: &str,
        path: &str,
        mut item: impl FnMut(&mut Self, &Node, &str) -> Option<T>,
    ) -> Vec<T> {
        let path = join(path, key);
        let Some(node) = f.get(key) else {
            return Vec::new();
        };
        let Value::Seq(nodes) = &node.value else {
            self.wrong_type(node, &path, "a list (lines starting with `- `)");
            return Vec::new();
        };
        nodes.iter().enumerate().filter_map(|(i, n)| item(self, n, &format!("{path}[{i}]"))).collect()
    }

    fn strings(&mut self, f: &Fields, key: &str, path: &str) -> Vec<String> {
        self.list(f, key, path, |d, n, p| d.string(n, p))
    }

    fn number(&mut self, node: &Node, path: &str) -> Option<f64> {
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(x) if x.is_finite() => Some(x),
            _ => {
                self.wrong_type(node, path, "a number");
                None
            }
        }
    }

    fn date(&mut self, node: &Node, path: &str) -> Option<Date> {
        let text = match &node.value {
            Value::Int(i) => i.to_string(),
            Value::Str(s) => s.clone(),
            _ => {
                self.wrong_type(node, path, "a date (YYYY, YYYY-MM or YYYY-MM-DD)");
                return None;
            }
        };
        match Date::parse(&text) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.error(
                    node.pos,
                    format!("invalid date in `{path}`: {msg}"),
                    "write dates as YYYY, YYYY-MM or YYYY-MM-DD, for example 2019-03",
                );
                None
            }
        }
    }

    fn profile(&mut self, root: &Node, path: &Path) -> Option<Profile> {
        let f = self.fields(root, "", PROFILE_FIELDS)?;
        if let Some(n) = f.get("lang")
            && let Some(code) = self.string(n, "lang")
        {
            if is_lang_code(&code) {
                self.lang = code;
            } else {
                self.error(
                    n.pos,
                    format!("`{code}` is not a language code"),
                    "use a BCP 47 code such as en, fr, es, de or pt-BR",
                );
            }
        }
        let name = self.opt_text(&f, "name", "");
        if name.is_none() && !f.has("name") {
            self.error(Pos { line: 1, col: 1 }, "the profile has no `name`", "add `name: Your Name` at the top level");
        }
        let photo = f.get("photo").and_then(|n| {
            let file = self.string(n, "photo")?;
            let base = path.parent().unwrap_or(Path::new(""));
            Some((base.join(file), n.pos))
        });
        let contact = match f.get("contact") {
            Some(n) => self.contact(n).unwrap_or_default(),
            None => Contact::default(),
        };
        let sections = self.list(&f, "sections", "", |d, n, p| d.section(n, p));
        let mut seen: Vec<&str> = Vec::new();
        for s in &sections {
            if seen.contains(&s.id.as_str()) {
                let pos = s.title.as_ref().map(|t| t.pos).unwrap_or(f.pos);
                self.warn(
                    pos,
                    format!("two sections have the id `{}`", s.id),
                    "give each section its own `id:` so that themes can place it",
                );
            }
            seen.push(&s.id);
        }
        Some(Profile {
            source: path.to_path_buf(),
            lang: self.lang.clone(),
            name,
            headline: self.opt_text(&f, "headline", ""),
            photo,
            contact,
            note: self.opt_text(&f, "note", ""),
            summary: self.opt_text(&f, "summary", ""),
            keywords: self.strings(&f, "keywords", ""),
            sections,
        })
    }

    fn contact(&mut self, node: &Node) -> Option<Contact> {
        let f = self.fields(node, "contact", CONTACT_FIELDS)?;
        Some(Contact {
            email: self.opt_string(&f, "email", "contact"),
            phone: self.opt_string(&f, "phone", "contact"),
            website: self.opt_string(&f, "website", "contact"),
            location: self.opt_text(&f, "location", "contact"),
            links: self.list(&f, "links", "contact", |d, n, p| {
                let f = d.fields(n, p, LINK_FIELDS)?;
                let url = d.required(&f, "url", p, |d, n, p| d.string(n, p))?;
                let label = d.opt_text(&f, "label", p).unwrap_or_else(|| Text {
                    variants: vec![(d.lang.clone(), url.clone())],
                    path: join(p, "label"),
                    pos: f.pos,
                    translated: false,
                });
                Some(Link { label, url })
            }),
        })
    }

    fn required<T>(
        &mut self,
        f: &Fields,
        key: &str,
        path: &str,
        decode: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        match f.get(key) {
            Some(n) => decode(self, n, &join(path, key)),
            None => {
                self.error(f.pos, format!("`{path}` has no `{key}`"), format!("add `{key}:` to it"));
                None
            }
        }
    }

    fn section(&mut self, node: &Node, path: &str) -> Option<Section> {
        let f = self.fields(node, path, SECTION_FIELDS)?;
        let title = self.opt_text(&f, "title", path);
        let id = match f.get("id") {
            Some(n) => self.string(n, &join(path, "id")).unwrap_or_default(),
            None => title
                .as_ref()
                .and_then(|t| t.get(&self.lang).or(t.variants.first().map(|v| v.1.as_str())))
                .map(slug)
                .unwrap_or_default(),
        };
        let scale = match f.get("scale") {
            Some(n) => match self.number(n, &join(path, "scale")) {
                Some(s) if s > 0.0 && s <= 20.0 && s.fract() == 0.0 => s,
                Some(s) => {
                    self.error(
                        n.pos,
                        format!("`{path}.scale` is {s}; it must be a whole number from 1 to 20"),
                        "use the top of your rating scale, for example `scale: 5`",
                    );
                    5.0
                }
                None => 5.0,
            },
            None => 5.0,
        };
        let ratings = self.ratings(&f, path, scale);
        Some(Section {
            id,
            text: self.opt_text(&f, "text", path),
            entries: self.list(&f, "entries", path, |d, n, p| d.entry(n, p)),
            ratings,
            scale,
            facts: self.list(&f, "facts", path, |d, n, p| {
                let f = d.fields(n, p, FACT_FIELDS)?;
                let label = d.required(&f, "label", p, |d, n, p| d.text(n, p));
                let value = d.required(&f, "value", p, |d, n, p| d.text(n, p));
                Some(Fact { label: label?, value: value? })
            }),
            items: self.list(&f, "items", path, |d, n, p| d.item(n, p)),
            note: self.opt_text(&f, "note", path),
            title,
        })
    }

    fn item(&mut self, node: &Node, path: &str) -> Option<Item> {
        if matches!(node.value, Value::Map(_)) && !is_text_map(node) {
            let f = self.fields(node, path, ITEM_FIELDS)?;
            let text = self.required(&f, "text", path, |d, n, p| d.text(n, p))?;
            return Some(Item { text, tags: self.strings(&f, "tags", path) });
        }
        Some(Item { text: self.text(node, path)?, tags: Vec::new() })
    }

    /// Ratings: groups (`group`, `items`) and single items; consecutive single items
    /// form one untitled group.
    fn ratings(&mut self, f: &Fields, path: &str, scale: f64) -> Vec<RatingGroup> {
        let mut groups: Vec<RatingGroup> = Vec::new();
        let entries = self.list(f, "ratings", path, |d, n, p| {
            let is_group = matches!(&n.value, Value::Map(m) if m.iter().any(|(k, _)| matches!(&k.value, Value::Str(s) if s == "group" || s == "items")));
            if is_group {
                let f = d.fields(n, p, GROUP_FIELDS)?;
                let items = d.list(&f, "items", p, |d, n, p| d.rating(n, p, scale));
                Some(RatingGroup { group: d.opt_text(&f, "group", p), items })
            } else {
                let item = d.rating(n, p, scale)?;
                Some(RatingGroup { group: None, items: vec![item] })
            }
        });
        for g in entries {
            match groups.last_mut() {
                Some(last) if g.group.is_none() && last.group.is_none() => last.items.extend(g.items),
                _ => groups.push(g),
            }
        }
        groups
    }

    fn rating(&mut self, node: &Node, path: &str, scale: f64) -> Option<Rating> {
        let f = self.fields(node, path, RATING_FIELDS)?;
        let name = self.required(&f, "name", path, |d, n, p| d.text(n, p));
        let rating = self.required(&f, "rating", path, |d, n, p| {
            let r = d.number(n, p)?;
            if !(0.0..=scale).contains(&r) {
                d.error(
                    n.pos,
                    format!("rating {r} in `{p}` is outside 0 to {scale}"),
                    format!("use a number from 0 to {scale}, or change the section's `scale:`"),
                );
                return None;
            }
            if (r * 2.0).fract() != 0.0 {
                d.error(
                    n.pos,
                    format!("rating {r} in `{p}` is not a whole or half step"),
                    format!("ratings step by 0.5: use {} or {}", (r * 2.0).floor() / 2.0, (r * 2.0).ceil() / 2.0),
                );
                return None;
            }
            Some(r)
        });
        Some(Rating { name: name?, rating: rating?, tags: self.strings(&f, "tags", path) })
    }

    fn entry(&mut self, node: &Node, path: &str) -> Option<Entry> {
        let f = self.fields(node, path, ENTRY_FIELDS)?;
        let organization = self.opt_text(&f, "organization", path);
        let title = self.opt_text(&f, "title", path);
        let when = self.when(&f, path, organization.as_ref().or(title.as_ref()));
        Some(Entry {
            location: self.opt_text(&f, "location", path),
            url: self.opt_string(&f, "url", path),
            when,
            summary: self.opt_text(&f, "summary", path),
            details: self.list(&f, "details", path, |d, n, p| {
                if !matches!(n.value, Value::Map(_)) || is_text_map(n) {
                    return Some(Detail { label: None, text: d.text(n, p)? });
                }
                let f = d.fields(n, p, DETAIL_FIELDS)?;
                let text = d.required(&f, "text", p, |d, n, p| d.text(n, p))?;
                Some(Detail { label: d.opt_text(&f, "label", p), text })
            }),
            highlights: self.list(&f, "highlights", path, |d, n, p| d.item(n, p)),
            keywords: self.list(&f, "keywords", path, |d, n, p| d.text(n, p)),
            roles: self.list(&f, "roles", path, |d, n, p| d.entry(n, p)),
            tags: self.strings(&f, "tags", path),
            organization,
            title,
        })
    }

    fn when(&mut self, f: &Fields, path: &str, named: Option<&Text>) -> When {
        let name = named.and_then(|t| t.variants.first()).map(|v| format!(" \"{}\"", v.1)).unwrap_or_default();
        if let Some(n) = f.get("date") {
            if f.has("start") || f.has("end") {
                self.error(
                    n.pos,
                    format!("entry{name} at `{path}` has both `date` and `start`/`end`"),
                    "keep `date:` for a single date or free text, or `start:`/`end:` for a period",
                );
            }
            let is_date = match &n.value {
                Value::Int(_) => true,
                Value::Str(s) => {
                    s.bytes().next().is_some_and(|b| b.is_ascii_digit())
                        && s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                }
                _ => false,
            };
            return if is_date {
                self.date(n, &join(path, "date")).map(When::On).unwrap_or_default()
            } else {
                self.text(n, &join(path, "date")).map(When::Free).unwrap_or_default()
            };
        }
        let start = f.get("start").and_then(|n| {
            if matches!(&n.value, Value::Str(s) if s.eq_ignore_ascii_case("present")) {
                self.error(
                    n.pos,
                    format!("`start` of entry{name} cannot be `present`"),
                    "give the date it started, for example 2019-03",
                );
                return None;
            }
            self.date(n, &join(path, "start"))
        });
        let end = f.get("end").and_then(|n| match &n.value {
            Value::Str(s) if s.eq_ignore_ascii_case("present") => Some(DateEnd::Present),
            _ => self.date(n, &join(path, "end")).map(DateEnd::On),
        });
        if let (Some(s), Some(DateEnd::On(e)), Some(n)) = (start, end, f.get("end"))
            && e.compare_loosely(&s) == std::cmp::Ordering::Less
        {
            self.error(
                n.pos,
                format!("entry{name} at `{path}` ends before it starts"),
                "check `start:` and `end:`; they may be swapped",
            );
        }
        if start.is_none() && end.is_none() { When::Undated } else { When::Range { start, end } }
    }
}

/// A section id from its title: lower case ASCII letters and digits joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'á' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'û' | 'ü' | 'ú' | 'ù' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A scalar as text (numbers and booleans as written), or None for a list or a map.
fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_str;

    fn errors(yaml: &str) -> Vec<String> {
        match load_str(yaml, Path::new("p.yaml")) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .iter()
                .filter(|d| d.is_error())
                .map(|d| {
                    let p = d.pos.unwrap_or_default();
                    format!("{}:{} {} | {}", p.line, p.col, d.message, d.help.clone().unwrap_or_default())
                })
                .collect(),
        }
    }

    #[test]
    fn a_minimal_profile_loads() {
        let (p, warnings) = load_str("name: Ada Example\n", Path::new("p.yaml")).unwrap();
        assert_eq!(p.name.unwrap().get("en"), Some("Ada Example"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn translatable_text_and_languages() {
        let yaml = "lang: en\nname: Ada\nsections:\n  - title: { en: Work, fr: Travail }\n    items: [a, { text: { en: b, es: c } }]\n";
        let (p, _) = load_str(yaml, Path::new("p.yaml")).unwrap();
        assert_eq!(p.languages(), vec!["en", "fr", "es"]);
        let title = p.sections[0].title.as_ref().unwrap();
        assert_eq!(title.get("fr"), Some("Travail"));
        assert_eq!(title.path, "sections[0].title");
        assert_eq!(p.sections[0].id, "work");
    }

    #[test]
    fn every_error_is_reported_at_once_with_its_place() {
        let yaml = "name: Ada\nheadlin: x\nsections:\n  - title: Work\n    entries:\n      - organization: A\n        start: 2019-05\n        end: 2018-01\n        highlight: [x]\n  - title: Skills\n    ratings:\n      - { name: Rust, rating: 7 }\n      - { name: Go, rating: 3.3 }\n";
        let errs = errors(yaml);
        assert_eq!(errs.len(), 5, "{errs:#?}");
        assert!(
            errs[0].starts_with("2:1 unknown field `headlin` at the top level | did you mean `headline`?"),
            "{}",
            errs[0]
        );
        assert!(
            errs.iter().any(|e| e.starts_with("8:14 entry \"A\" at `sections[0].entries[0]` ends before it starts")),
            "{errs:#?}"
        );
        assert!(
            errs.iter().any(|e| e
                .starts_with("9:9 unknown field `highlight` in `sections[0].entries[0]` | did you mean `highlights`?")),
            "{errs:#?}"
        );
        assert!(
            errs.iter().any(|e| e.starts_with("12:31 rating 7 in `sections[1].ratings[0].rating` is outside 0 to 5")),
            "{errs:#?}"
        );
        assert!(
            errs.iter().any(|e| e.contains("not a whole or half step | ratings step by 0.5: use 3 or 3.5")),
            "{errs:#?}"
        );
    }

    #[test]
    fn wrong_types_are_named() {
        let errs = errors("name: Ada\nsections:\n  - title: Work\n    entries: nope\n");
        assert_eq!(
            errs,
            vec![
                "4:14 `sections[0].entries` should be a list (lines starting with `- `), but it is text | write `entries` as a list (lines starting with `- `)"
            ]
        );
        let errs = errors("name: [Ada]\n");
        assert!(errs[0].starts_with("1:7 `name` should be text, but it is a list"), "{errs:?}");
        // A translation by its language, the others kept.
        let errs = errors("name: Ada\nheadline:\n  fr: Bonjour\n  en: [1, 2]\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("4:7 `headline.en` should be text, but it is a list"), "{errs:?}");
    }

    #[test]
    fn invalid_dates_are_reported() {
        let errs = errors("name: Ada\nsections:\n  - entries:\n      - { title: X, start: 2019-13 }\n");
        assert!(
            errs[0]
                .starts_with("4:28 invalid date in `sections[0].entries[0].start`: `2019-13` is not a date: month 13"),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_name_empty_file_and_syntax_errors() {
        assert_eq!(
            errors("headline: x\n"),
            vec!["1:1 the profile has no `name` | add `name: Your Name` at the top level"]
        );
        assert!(errors("  \n")[0].contains("the profile is empty"));
        let errs = errors("name: Ada\nsections: [\n");
        assert!(errs[0].starts_with("3:1 invalid YAML") || errs[0].starts_with("2:"), "{errs:?}");
        assert!(errors("- a\n- b\n")[0].contains("`the profile` should be a mapping of fields"));
    }

    #[test]
    fn bad_language_codes_in_text_maps() {
        let errs = errors("name: { english: Ada }\n");
        assert!(errs[0].starts_with("1:9 `english` in `name` is not a language code"), "{errs:?}");
    }

    #[test]
    fn translated_items_and_details_are_text_maps() {
        let yaml = "name: Ada\nsections:\n  - items: [{ en: One, fr: Un }, { text: Two, tags: [x] }]\n    entries:\n      - details: [{ en: Did, fr: Fait }]\n        highlights:\n          - en: Led\n            fr: Dirigé\n";
        let (p, _) = load_str(yaml, Path::new("p.yaml")).unwrap();
        assert_eq!(p.sections[0].items[0].text.get("fr"), Some("Un"));
        assert_eq!(p.sections[0].items[1].tags, vec!["x"]);
        assert_eq!(p.sections[0].entries[0].details[0].text.get("fr"), Some("Fait"));
        assert_eq!(p.sections[0].entries[0].highlights[0].text.get("fr"), Some("Dirigé"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Work Experience"), "work-experience");
        assert_eq!(slug("Expérience professionnelle"), "experience-professionnelle");
    }
}

#[cfg(test)]
mod tag_tests {
    use crate::model::load_str;
    use std::path::Path;

    #[test]
    fn tags_keep_untagged_content_and_what_matches() {
        let yaml = "name: Ada\nsections:\n  - entries:\n      - { title: A, tags: [backend] }\n      - { title: B, tags: [frontend] }\n      - title: C\n        highlights: [plain, { text: ops, tags: [ops] }]\n    items: [x, { text: y, tags: [lead] }]\n    ratings: [{ name: Go, rating: 4, tags: [backend] }]\n";
        let (p, _) = load_str(yaml, Path::new("p.yaml")).unwrap();
        let t = p.with_tags(&["backend".to_string()]);
        let titles: Vec<_> =
            t.sections[0].entries.iter().map(|e| e.title.as_ref().unwrap().variants[0].1.clone()).collect();
        assert_eq!(titles, ["A", "C"]);
        assert_eq!(t.sections[0].entries[1].highlights.len(), 1);
        assert_eq!(t.sections[0].items.len(), 1);
        assert_eq!(t.sections[0].ratings.len(), 1);
        let none = p.with_tags(&["lead".to_string()]);
        assert!(none.sections[0].ratings.is_empty());
        assert_eq!(none.sections[0].items.len(), 2);
    }
}
