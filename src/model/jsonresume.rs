//! JSON Resume (schema 1.0.0, and the older names many published files still use)
//! mapped onto the profile. Published files are messy, so nothing here fails: what
//! cannot be shown becomes a warning.

use std::path::Path;

use super::node::{Node, Value};
use super::*;
use crate::diag::{Diagnostic, Report};

struct Reader<'a> {
    source: &'a str,
    report: &'a mut Report,
}

/// The profile a JSON Resume document describes.
pub(super) fn convert(root: &Node, source: &str, path: &Path, report: &mut Report) -> Profile {
    let mut r = Reader { source, report };
    let basics = root.get("basics");
    let name = r.text(field(basics, "name"), "basics.name").or_else(|| {
        r.warn(basics.map_or(root.pos, |b| b.pos), "the résumé has no `basics.name`", "add `\"name\"` to `basics`");
        Some(plain("", "basics.name", root.pos))
    });
    let mut photo = None;
    for key in ["image", "picture"] {
        if let Some(n) = field(basics, key)
            && let Some(image) = r.string(Some(n))
        {
            if image.starts_with("http://") || image.starts_with("https://") {
                r.warn(
                    n.pos,
                    format!("the photo {image} is on the web; cvpdf does no network access, so it is left out"),
                    "download it beside the résumé and give its file name",
                );
            } else {
                photo = Some((path.parent().unwrap_or(Path::new("")).join(image), n.pos));
            }
            break;
        }
    }
    let location = field(basics, "location").and_then(|loc| {
        let parts: Vec<String> =
            ["city", "region", "countryCode"].iter().filter_map(|k| r.string(loc.get(k))).collect();
        (!parts.is_empty()).then(|| plain(&parts.join(", "), "basics.location", loc.pos))
    });
    let links = r
        .list(field(basics, "profiles"))
        .iter()
        .filter_map(|p| {
            // A profile without an address is still shown, as text.
            let url = r.string(p.get("url")).unwrap_or_default();
            let label =
                r.string(p.get("network")).or_else(|| r.string(p.get("username"))).or_else(|| Some(url.clone()))?;
            Some(Link { label: plain(&label, "basics.profiles", p.pos), url })
        })
        .collect();
    let contact = Contact {
        email: r.string(field(basics, "email")),
        phone: r.string(field(basics, "phone")),
        website: r.string(field(basics, "url")).or_else(|| r.string(field(basics, "website"))),
        location,
        links,
    };
    let mut sections = Vec::new();
    let mut add = |id: &str, mut s: Section| {
        if !(s.entries.is_empty() && s.items.is_empty() && s.ratings.is_empty()) {
            s.id = id.to_string();
            s.scale = 5.0;
            sections.push(s);
        }
    };
    let entries = |r: &mut Reader, key: &str, map: &dyn Fn(&mut Reader, &Node, &str) -> Entry| -> Vec<Entry> {
        r.list(root.get(key)).iter().enumerate().map(|(i, n)| map(r, n, &format!("{key}[{i}]"))).collect()
    };
    add(
        "experience",
        Section {
            entries: entries(&mut r, "work", &|r, n, p| r.job(n, p, &["name", "company"], "position")),
            ..Section::default()
        },
    );
    add(
        "volunteer",
        Section {
            entries: entries(&mut r, "volunteer", &|r, n, p| r.job(n, p, &["organization"], "position")),
            ..Section::default()
        },
    );
    add("education", Section { entries: entries(&mut r, "education", &|r, n, p| r.study(n, p)), ..Section::default() });
    add("projects", Section { entries: entries(&mut r, "projects", &|r, n, p| r.project(n, p)), ..Section::default() });
    add(
        "awards",
        Section {
            entries: entries(&mut r, "awards", &|r, n, p| r.dated(n, p, "title", "awarder", "date")),
            ..Section::default()
        },
    );
    add(
        "certificates",
        Section {
            entries: entries(&mut r, "certificates", &|r, n, p| r.dated(n, p, "name", "issuer", "date")),
            ..Section::default()
        },
    );
    add(
        "publications",
        Section {
            entries: entries(&mut r, "publications", &|r, n, p| r.dated(n, p, "name", "publisher", "releaseDate")),
            ..Section::default()
        },
    );
    let skills = r.skills(root.get("skills"));
    add("skills", skills);
    let languages = r.items(root.get("languages"), "languages", |r, n| {
        let language = r.string(n.get("language"))?;
        Some(match r.string(n.get("fluency")) {
            Some(f) => format!("{language} ({f})"),
            None => language,
        })
    });
    add("languages", Section { items: languages, ..Section::default() });
    let interests = r.items(root.get("interests"), "interests", |r, n| {
        let name = r.string(n.get("name"))?;
        let keywords = r.strings(n.get("keywords"));
        Some(if keywords.is_empty() { name } else { format!("{name}: {}", keywords.join(", ")) })
    });
    add("interests", Section { items: interests, ..Section::default() });
    let references = r.items(root.get("references"), "references", |r, n| {
        let reference = r.string(n.get("reference"))?;
        Some(match r.string(n.get("name")) {
            Some(who) => format!("“{reference}” — {who}"),
            None => reference,
        })
    });
    add("references", Section { items: references, ..Section::default() });
    Profile {
        source: path.to_path_buf(),
        lang: "en".into(),
        name,
        headline: r.text(field(basics, "label"), "basics.label"),
        photo,
        contact,
        note: None,
        summary: r.text(field(basics, "summary"), "basics.summary"),
        keywords: Vec::new(),
        sections,
    }
}

fn plain(text: &str, path: &str, pos: crate::diag::Pos) -> Text {
    Text { variants: vec![("en".into(), text.to_string())], path: path.to_string(), pos, translated: false }
}

fn field<'n>(node: Option<&'n Node>, key: &str) -> Option<&'n Node> {
    node.and_then(|n| n.get(key))
}

/// Text from HTML: tags dropped (line breaks and paragraphs kept), entities decoded.
fn unhtml(text: &str) -> String {
    if !text.contains('<') && !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let tag = rest[i + 1..i + end].trim_start_matches('/').to_ascii_lowercase();
        if tag.starts_with("p") || tag.starts_with("br") || tag.starts_with("li") || tag.starts_with("div") {
            out.push('\n');
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "’")
        .replace("&amp;", "&")
}

impl Reader<'_> {
    fn warn(&mut self, pos: crate::diag::Pos, message: impl Into<String>, help: &str) {
        let d = Diagnostic::warning(message).at(pos, Some(self.source)).help(help);
        self.report.push(d);
    }

    /// A non-empty string (numbers are taken as text); anything else is absent.
    fn string(&mut self, node: Option<&Node>) -> Option<String> {
        let node = node?;
        let s = match &node.value {
            Value::Str(s) => unhtml(s).trim().to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Null => return None,
            other => {
                self.warn(
                    node.pos,
                    format!("expected text, found {}; left out", other.kind()),
                    "JSON Resume fields are text",
                );
                return None;
            }
        };
        (!s.is_empty()).then_some(s)
    }

    fn text(&mut self, node: Option<&Node>, path: &str) -> Option<Text> {
        let pos = node.map(|n| n.pos).unwrap_or_default();
        self.string(node).map(|s| plain(&s, path, pos))
    }

    fn list<'n>(&mut self, node: Option<&'n Node>) -> Vec<&'n Node> {
        match node.map(|n| &n.value) {
            Some(Value::Seq(items)) => items.iter().collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                let pos = node.map(|n| n.pos).unwrap_or_default();
                self.warn(
                    pos,
                    format!("expected a list, found {}; left out", other.kind()),
                    "JSON Resume sections are lists",
                );
                Vec::new()
            }
        }
    }

    fn strings(&mut self, node: Option<&Node>) -> Vec<String> {
        self.list(node).into_iter().filter_map(|n| self.string(Some(n))).collect()
    }

    fn items(&mut self, node: Option<&Node>, path: &str, f: impl Fn(&mut Self, &Node) -> Option<String>) -> Vec<Item> {
        let nodes = self.list(node);
        nodes
            .into_iter()
            .filter_map(|n| f(self, n).map(|s| Item { text: plain(&s, path, n.pos), tags: Vec::new() }))
            .collect()
    }

    /// Dates as published files write them: `2019`, `2019-03`, `2019-03-14`,
    /// `2019-03-14T00:00:00Z`, `08/2019`, `2019/08`, `Present`; anything else is shown as written.
    fn date(&mut self, node: Option<&Node>) -> Option<Result<DateEnd, String>> {
        let text = self.string(node)?;
        if ["present", "current", "now", "today", "ongoing"].contains(&text.to_lowercase().as_str()) {
            return Some(Ok(DateEnd::Present));
        }
        let iso = text.split('T').next().unwrap_or(&text);
        if let Ok(d) = Date::parse(iso) {
            return Some(Ok(DateEnd::On(d)));
        }
        if let Some((a, b)) = text.split_once('/') {
            let (month, year) = if a.len() == 4 { (b, a) } else { (a, b) };
            if let Ok(d) = Date::parse(&format!("{year}-{month:0>2}")) {
                return Some(Ok(DateEnd::On(d)));
            }
        }
        Some(Err(text))
    }

    fn when(&mut self, n: &Node, start_key: &str, end_key: Option<&str>, path: &str) -> When {
        let start = self.date(n.get(start_key));
        let end = end_key.and_then(|k| self.date(n.get(k)));
        match (start, end) {
            (Some(Ok(DateEnd::On(s))), Some(Ok(e))) => When::Range { start: Some(s), end: Some(e) },
            (Some(Ok(DateEnd::On(s))), None) if end_key.is_none() => When::On(s),
            (Some(Ok(DateEnd::On(s))), None) => When::Range { start: Some(s), end: None },
            (None, None) => When::Undated,
            (s, e) => {
                let shown = |d: Option<Result<DateEnd, String>>| match d {
                    Some(Ok(DateEnd::On(d))) => format!("{}", d.year),
                    Some(Ok(DateEnd::Present)) => "present".into(),
                    Some(Err(t)) => t,
                    None => String::new(),
                };
                let text = [shown(s), shown(e)].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" – ");
                When::Free(plain(&text, path, n.pos))
            }
        }
    }

    fn job(&mut self, n: &Node, path: &str, org_keys: &[&str], title_key: &str) -> Entry {
        let organization = org_keys.iter().find_map(|k| self.text(n.get(k), path));
        // `description` says what the organization is; `summary` what the person did there.
        let summary = self.text(n.get("description"), path);
        let details = self.text(n.get("summary"), path).map(|text| Detail { label: None, text }).into_iter().collect();
        Entry {
            details,
            organization,
            location: self.text(n.get("location"), path),
            title: self.text(n.get(title_key), path),
            url: self.string(n.get("url")).or_else(|| self.string(n.get("website"))),
            when: self.when(n, "startDate", Some("endDate"), path),
            summary,
            highlights: self
                .strings(n.get("highlights"))
                .iter()
                .map(|h| Item { text: plain(h, path, n.pos), tags: Vec::new() })
                .collect(),
            ..Entry::default()
        }
    }

    fn study(&mut self, n: &Node, path: &str) -> Entry {
        let title = match (self.string(n.get("studyType")), self.string(n.get("area"))) {
            (Some(t), Some(a)) => Some(format!("{t}, {a}")),
            (t, a) => t.or(a),
        };
        let mut details = Vec::new();
        if let Some(score) = self.text(n.get("score"), path) {
            details.push(Detail { label: Some(plain("Score", path, n.pos)), text: score });
        }
        let courses = self.strings(n.get("courses"));
        Entry {
            organization: self.text(n.get("institution"), path),
            title: title.map(|t| plain(&t, path, n.pos)),
            url: self.string(n.get("url")),
            when: self.when(n, "startDate", Some("endDate"), path),
            details,
            highlights: courses.iter().map(|c| Item { text: plain(c, path, n.pos), tags: Vec::new() }).collect(),
            ..Entry::default()
        }
    }

    fn project(&mut self, n: &Node, path: &str) -> Entry {
        let roles = self.strings(n.get("roles"));
        let mut details = Vec::new();
        if !roles.is_empty() {
            details.push(Detail { label: None, text: plain(&roles.join(", "), path, n.pos) });
        }
        Entry {
            organization: self.text(n.get("entity"), path),
            title: self.text(n.get("name"), path),
            url: self.string(n.get("url")),
            when: self.when(n, "startDate", Some("endDate"), path),
            summary: self.text(n.get("description"), path),
            details,
            highlights: self
                .strings(n.get("highlights"))
                .iter()
                .map(|h| Item { text: plain(h, path, n.pos), tags: Vec::new() })
                .collect(),
            keywords: self.strings(n.get("keywords")).iter().map(|k| plain(k, path, n.pos)).collect(),
            ..Entry::default()
        }
    }

    fn dated(&mut self, n: &Node, path: &str, title: &str, by: &str, date: &str) -> Entry {
        Entry {
            title: self.text(n.get(title), path),
            organization: self.text(n.get(by), path),
            url: self.string(n.get("url")),
            when: self.when(n, date, None, path),
            summary: self.text(n.get("summary"), path),
            ..Entry::default()
        }
    }

    /// Skills: a level that is a known word or a number becomes a rating (the word
    /// stays in the name, so that it is read too); any other level is printed.
    fn skills(&mut self, node: Option<&Node>) -> Section {
        let mut rated = Vec::new();
        let mut items = Vec::new();
        for (i, n) in self.list(node).into_iter().enumerate() {
            let path = format!("skills[{i}]");
            let Some(name) = self.string(n.get("name")) else { continue };
            let keywords = self.strings(n.get("keywords"));
            let level = self.string(n.get("level"));
            let rating = level.as_deref().and_then(|l| match l.to_lowercase().as_str() {
                "beginner" | "novice" => Some(1.0),
                "intermediate" => Some(3.0),
                "advanced" => Some(4.0),
                "expert" | "master" => Some(5.0),
                other => other.parse::<f64>().ok().filter(|x| (0.0..=5.0).contains(x)).map(|x| (x * 2.0).round() / 2.0),
            });
            let mut label = name;
            if let Some(l) = level.as_deref().filter(|l| l.parse::<f64>().is_err()) {
                label = format!("{label} ({l})");
            }
            if !keywords.is_empty() {
                label = format!("{label}: {}", keywords.join(", "));
            }
            match rating {
                Some(r) => rated.push(Rating { name: plain(&label, &path, n.pos), rating: r, tags: Vec::new() }),
                None => items.push(Item { text: plain(&label, &path, n.pos), tags: Vec::new() }),
            }
        }
        let ratings = if rated.is_empty() { Vec::new() } else { vec![RatingGroup { group: None, items: rated }] };
        Section { ratings, items, ..Section::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_str;

    const MESSY: &str = r#"{
      "basics": { "name": "Pat Doe", "label": "Data <b>Engineer</b>", "picture": "https://cdn.example.com/me.png",
        "website": "https://pat.example.com", "email": "", "phone": null,
        "location": { "city": "Lisbon", "countryCode": "PT", "address": "" },
        "profiles": [ { "network": "GitHub", "username": "patdoe", "url": "https://github.com/patdoe" } ],
        "summary": "<p>Builds pipelines.</p><p>Likes &amp; maintains them.</p>" },
      "work": [
        { "company": "Old Corp", "position": "Analyst", "website": "https://old.example.com", "startDate": "08/2016", "endDate": "2018", "highlights": ["Cut costs"] },
        { "name": "New Co", "position": "Engineer", "startDate": "2019-03-01T00:00:00Z", "endDate": "Present", "summary": null },
        { "name": "Odd Ltd", "position": "Helper", "startDate": "Spring 2015" }
      ],
      "education": [ { "institution": "Uni", "area": "Maths", "studyType": "BSc", "startDate": "2012", "endDate": "2015", "score": "3.8", "courses": ["Statistics"] } ],
      "skills": [ { "name": "SQL", "level": "Advanced", "keywords": ["Postgres"] }, { "name": "Go", "level": "4" }, { "name": "Dancing", "level": "Keen" } ],
      "languages": [ { "language": "Portuguese", "fluency": "Native speaker" } ],
      "interests": [ { "name": "Chess", "keywords": ["openings"] } ],
      "references": [ { "name": "Sam", "reference": "Great colleague." } ],
      "projects": [ { "name": "Pipes", "description": "A tool.", "roles": ["Author"], "entity": "Self", "keywords": ["Rust"] } ],
      "volunteer": [], "awards": null, "meta": { "version": "v1.0.0" }
    }"#;

    #[test]
    fn a_messy_json_resume_renders_with_warnings_not_errors() {
        let (p, warnings) = load_str(MESSY, Path::new("resume.json")).unwrap();
        assert_eq!(p.name.unwrap().variants[0].1, "Pat Doe");
        assert_eq!(p.headline.unwrap().variants[0].1, "Data Engineer");
        assert!(p.photo.is_none());
        assert!(warnings.iter().any(|w| w.message.contains("on the web")));
        assert_eq!(p.contact.website.as_deref(), Some("https://pat.example.com"));
        assert_eq!(p.contact.email, None);
        assert_eq!(p.summary.unwrap().variants[0].1, "Builds pipelines.\n\nLikes & maintains them.");
        let work = &p.sections[0];
        assert_eq!(work.id, "experience");
        assert_eq!(
            work.entries[0].when,
            When::Range {
                start: Some(Date { year: 2016, month: Some(8), day: None }),
                end: Some(DateEnd::On(Date { year: 2018, month: None, day: None }))
            }
        );
        assert_eq!(
            work.entries[1].when,
            When::Range { start: Some(Date { year: 2019, month: Some(3), day: Some(1) }), end: Some(DateEnd::Present) }
        );
        assert!(matches!(&work.entries[2].when, When::Free(t) if t.variants[0].1 == "Spring 2015"));
        let skills = p.sections.iter().find(|s| s.id == "skills").unwrap();
        assert_eq!(skills.ratings[0].items.len(), 2);
        assert_eq!(skills.ratings[0].items[0].name.variants[0].1, "SQL (Advanced): Postgres");
        assert_eq!(skills.items[0].text.variants[0].1, "Dancing (Keen)");
    }
}
