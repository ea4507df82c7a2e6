//! The profile as the user wrote it: every language at once, every value with the
//! place it came from. `load` reads a file and reports every problem it finds.

mod date;
mod decode;
mod events;
mod jsonresume;
pub mod node;
mod scan;
pub mod schema;

use std::path::{Path, PathBuf};

pub use date::{Date, DateEnd};

use crate::diag::{Diagnostic, Pos, Report};

/// Translatable text: one string in the profile's language, or one per language.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// (language code, text); a plain string is stored under the profile's `lang`.
    pub variants: Vec<(String, String)>,
    /// Where the field sits in the profile, for fallback warnings: `sections[1].title`.
    pub path: String,
    /// Written as a map by language (rather than one plain string for every language).
    pub translated: bool,
    pub pos: Pos,
}

impl Text {
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.variants.iter().find(|(l, _)| l == lang).map(|(_, t)| t.as_str())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// The file the profile came from; relative paths (the photo) are resolved from it.
    pub source: PathBuf,
    pub lang: String,
    pub name: Option<Text>,
    pub headline: Option<Text>,
    pub photo: Option<(PathBuf, Pos)>,
    pub contact: Contact,
    pub note: Option<Text>,
    pub summary: Option<Text>,
    pub keywords: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub location: Option<Text>,
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub label: Text,
    pub url: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: Option<Text>,
    pub text: Option<Text>,
    pub entries: Vec<Entry>,
    pub ratings: Vec<RatingGroup>,
    pub scale: f64,
    pub facts: Vec<Fact>,
    pub items: Vec<Item>,
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    pub organization: Option<Text>,
    pub location: Option<Text>,
    pub title: Option<Text>,
    pub url: Option<String>,
    pub when: When,
    pub summary: Option<Text>,
    pub details: Vec<Detail>,
    pub highlights: Vec<Item>,
    pub keywords: Vec<Text>,
    pub roles: Vec<Entry>,
    pub tags: Vec<String>,
}

/// When an entry happened.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum When {
    #[default]
    Undated,
    Range {
        start: Option<Date>,
        end: Option<DateEnd>,
    },
    /// `date:` as one date.
    On(Date),
    /// `date:` as free text ("Spring 2019").
    Free(Text),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub label: Option<Text>,
    pub text: Text,
}

/// Rated items under an optional group title; ungrouped items form groups without one.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingGroup {
    pub group: Option<Text>,
    pub items: Vec<Rating>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rating {
    pub name: Text,
    pub rating: f64,
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub label: Text,
    pub value: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub text: Text,
    pub tags: Vec<String>,
}

impl Profile {
    /// The profile tailored to `wanted` tags: everything untagged, and what carries at
    /// least one of them. Entries, roles, highlights, items and rated items have tags.
    pub fn with_tags(&self, wanted: &[String]) -> Profile {
        let keep = |tags: &[String]| tags.is_empty() || tags.iter().any(|t| wanted.contains(t));
        fn entry(e: &Entry, keep: &dyn Fn(&[String]) -> bool) -> Entry {
            Entry {
                highlights: e.highlights.iter().filter(|h| keep(&h.tags)).cloned().collect(),
                roles: e.roles.iter().filter(|r| keep(&r.tags)).map(|r| entry(r, keep)).collect(),
                ..e.clone()
            }
        }
        let mut out = self.clone();
        for s in &mut out.sections {
            s.entries = s.entries.iter().filter(|e| keep(&e.tags)).map(|e| entry(e, &keep)).collect();
            s.items.retain(|i| keep(&i.tags));
            for g in &mut s.ratings {
                g.items.retain(|r| keep(&r.tags));
            }
            s.ratings.retain(|g| !g.items.is_empty());
        }
        out
    }

    /// Every language the profile offers: its `lang`, then every code its text maps use.
    pub fn languages(&self) -> Vec<String> {
        let mut langs = vec![self.lang.clone()];
        self.visit_texts(&mut |t: &Text| {
            for (l, _) in &t.variants {
                if !langs.contains(l) {
                    langs.push(l.clone());
                }
            }
        });
        langs
    }

    /// Calls `f` on every translatable text of the profile.
    pub fn visit_texts(&self, f: &mut dyn FnMut(&Text)) {
        let opt = |t: &Option<Text>, f: &mut dyn FnMut(&Text)| {
            if let Some(t) = t {
                f(t)
            }
        };
        opt(&self.name, f);
        opt(&self.headline, f);
        opt(&self.note, f);
        opt(&self.summary, f);
        opt(&self.contact.location, f);
        self.contact.links.iter().for_each(|l| f(&l.label));
        for s in &self.sections {
            opt(&s.title, f);
            opt(&s.text, f);
            opt(&s.note, f);
            s.items.iter().for_each(|i| f(&i.text));
            s.facts.iter().for_each(|x| {
                f(&x.label);
                f(&x.value)
            });
            for g in &s.ratings {
                opt(&g.group, f);
                g.items.iter().for_each(|r| f(&r.name));
            }
            fn entry(e: &Entry, f: &mut dyn FnMut(&Text)) {
                for t in [&e.organization, &e.location, &e.title, &e.summary].into_iter().flatten() {
                    f(t);
                }
                if let When::Free(t) = &e.when {
                    f(t);
                }
                for d in &e.details {
                    if let Some(l) = &d.label {
                        f(l);
                    }
                    f(&d.text);
                }
                e.highlights.iter().for_each(|h| f(&h.text));
                e.keywords.iter().for_each(&mut *f);
                e.roles.iter().for_each(|r| entry(r, f));
            }
            s.entries.iter().for_each(|e| entry(e, f));
        }
    }
}

/// The largest profile file read: a thousand times the three-page sample.
pub const MAX_PROFILE_BYTES: u64 = 32 << 20;

/// Reads and validates a profile file. On failure, every error found is returned.
pub fn load(path: &Path) -> Result<(Profile, Vec<Diagnostic>), Vec<Diagnostic>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    // At most one byte past the limit is read, so `/dev/zero` or a wrong multi-gigabyte
    // file is refused at once rather than read into memory. Room for the whole file is
    // made first: grown as it is read, the buffer moved to fresh memory seven times.
    let read = |f: std::fs::File| {
        let size = f.metadata().map_or(0, |m| m.len()).min(MAX_PROFILE_BYTES + 1);
        bytes.reserve_exact(size as usize + 1);
        f.take(MAX_PROFILE_BYTES + 1).read_to_end(&mut bytes)
    };
    std::fs::File::open(path).and_then(read).map_err(|e| {
        vec![
            Diagnostic::error(format!("cannot read the profile: {}", crate::io_reason(&e)))
                .in_file(path)
                .help("check the path and that the file is readable"),
        ]
    })?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        return Err(vec![
            Diagnostic::error(format!("the profile is larger than {} MB", MAX_PROFILE_BYTES >> 20))
                .in_file(path)
                .help("a résumé profile is a few kilobytes; is it the right file?"),
        ]);
    }
    let source = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|b| **b == b'\n').count();
        vec![
            Diagnostic::error("the profile is not UTF-8 text")
                .in_file(path)
                .at(Pos { line: line as u32, col: 1 }, None)
                .help("save the file as UTF-8; is it the right file?"),
        ]
    })?;
    load_str(&source, path)
}

/// Validates a profile given as text; `path` names it in messages and anchors the photo.
pub fn load_str(source: &str, path: &Path) -> Result<(Profile, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut report = Report::default();
    let profile = decode::decode(source, path, &mut report);
    let diagnostics: Vec<Diagnostic> = report.diagnostics.into_iter().map(|d| d.in_file(path)).collect();
    match profile {
        Some(p) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((p, diagnostics)),
        _ => Err(diagnostics),
    }
}
