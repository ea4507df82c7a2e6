//! `Profile × language → Resume`: one language's document, every translatable text
//! resolved (a missing translation falls back to the profile's language, with a
//! warning naming the field), dates formatted and default titles filled in.

use std::path::PathBuf;

use crate::diag::Diagnostic;
use crate::locale::Locale;
use crate::model::{self, Profile, Text, When};

#[derive(Debug)]
pub struct Resume {
    pub lang: String,
    pub locale: Locale,
    pub name: String,
    pub headline: Option<String>,
    pub photo: Option<PathBuf>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub location: Option<String>,
    /// (label, url)
    pub links: Vec<(String, String)>,
    pub note: Option<String>,
    pub summary: Option<String>,
    pub keywords: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug)]
pub struct Section {
    pub id: String,
    pub title: Option<String>,
    pub text: Option<String>,
    pub entries: Vec<Entry>,
    pub ratings: Vec<RatingGroup>,
    pub facts: Vec<(String, String)>,
    pub items: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct Entry {
    pub organization: Option<String>,
    pub location: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub dates: Option<String>,
    pub summary: Option<String>,
    /// (label, paragraph)
    pub details: Vec<(Option<String>, String)>,
    pub highlights: Vec<String>,
    pub keywords: Vec<String>,
    pub roles: Vec<Entry>,
}

#[derive(Debug)]
pub struct RatingGroup {
    pub group: Option<String>,
    pub items: Vec<Rating>,
}

#[derive(Debug)]
pub struct Rating {
    pub name: String,
    pub value: f64,
    pub scale: f64,
    /// The rating as words a text extractor keeps: "4.5/5".
    pub text: String,
}

struct Resolver<'a> {
    lang: &'a str,
    main: &'a str,
    locale: &'a Locale,
    warnings: Vec<Diagnostic>,
    /// Plain (untranslated) texts used in a language other than the profile's.
    plain: Vec<String>,
}

impl Resolver<'_> {
    /// The text in the language rendered, with that language's punctuation spacing.
    fn text(&mut self, t: &Text) -> String {
        let raw = self.raw(t);
        self.locale.punctuate(&raw)
    }

    fn raw(&mut self, t: &Text) -> String {
        if let Some(s) = t.get(self.lang) {
            return s.to_string();
        }
        if !t.translated {
            // One plain string serves every language: names, places, keywords.
            self.plain.push(t.path.clone());
            return t.variants.first().map(|(_, s)| s.clone()).unwrap_or_default();
        }
        let (from, s) = t
            .get(self.main)
            .map(|s| (self.main, s))
            .or_else(|| t.variants.first().map(|(l, s)| (l.as_str(), s.as_str())))
            .unwrap_or(("", ""));
        self.warnings.push(
            Diagnostic::warning(format!("{}: no {} text, using {from}", t.path, self.lang))
                .help(format!("add `{}: ...` to this field to translate it", self.lang)),
        );
        s.to_string()
    }

    fn opt(&mut self, t: &Option<Text>) -> Option<String> {
        t.as_ref().map(|t| self.text(t)).filter(|s| !s.trim().is_empty())
    }
}

/// The profile in `lang`, with the warnings for every text that had to fall back.
pub fn localize(profile: &Profile, lang: &str) -> (Resume, Vec<Diagnostic>) {
    let locale = Locale::for_language(lang);
    let mut r = Resolver { lang, main: &profile.lang, locale: &locale, warnings: Vec::new(), plain: Vec::new() };
    let sections = profile
        .sections
        .iter()
        .map(|s| Section {
            title: r.opt(&s.title).or_else(|| locale.titles.get(&s.id).cloned()),
            id: s.id.clone(),
            text: r.opt(&s.text),
            entries: s.entries.iter().map(|e| entry(&mut r, &locale, e)).collect(),
            ratings: s
                .ratings
                .iter()
                .map(|g| RatingGroup {
                    group: r.opt(&g.group),
                    items: g
                        .items
                        .iter()
                        .map(|i| Rating {
                            name: r.text(&i.name),
                            value: i.rating,
                            scale: s.scale,
                            text: format!("{}/{}", locale.number(i.rating), locale.number(s.scale)),
                        })
                        .collect(),
                })
                .collect(),
            facts: s.facts.iter().map(|f| (r.text(&f.label), r.text(&f.value))).collect(),
            items: s.items.iter().map(|i| r.text(&i.text)).collect(),
            note: r.opt(&s.note),
        })
        .collect();
    let resume = Resume {
        lang: lang.to_string(),
        name: profile.name.as_ref().map(|t| r.text(t)).unwrap_or_default(),
        headline: r.opt(&profile.headline),
        photo: profile.photo.as_ref().map(|(p, _)| p.clone()),
        email: profile.contact.email.clone(),
        phone: profile.contact.phone.clone(),
        website: profile.contact.website.clone(),
        location: r.opt(&profile.contact.location),
        links: profile.contact.links.iter().map(|l| (r.text(&l.label), l.url.clone())).collect(),
        note: r.opt(&profile.note),
        summary: r.opt(&profile.summary),
        keywords: profile.keywords.clone(),
        sections,
        locale: locale.clone(),
    };
    if !r.plain.is_empty() {
        let shown: Vec<&str> = r.plain.iter().take(3).map(String::as_str).collect();
        let more = if r.plain.len() > 3 { format!(" and {} more", r.plain.len() - 3) } else { String::new() };
        r.warnings.push(
            Diagnostic::warning(format!(
                "{} texts are written once, not per language, and print as written in the {lang} variant: {}{more}",
                r.plain.len(),
                shown.join(", ")
            ))
            .help(format!(
                "names, places and keywords usually need no translation; to translate a text, write it as {{ {}: ..., {lang}: ... }}",
                profile.lang
            )),
        );
    }
    (resume, r.warnings)
}

fn entry(r: &mut Resolver, locale: &Locale, e: &model::Entry) -> Entry {
    let dates = match &e.when {
        When::Undated => None,
        When::Range { start, end } => Some(locale.range(start.as_ref(), end.as_ref())),
        When::On(d) => Some(locale.date(d)),
        When::Free(t) => Some(r.text(t)),
    };
    Entry {
        organization: r.opt(&e.organization),
        location: r.opt(&e.location),
        title: r.opt(&e.title),
        url: e.url.clone(),
        dates,
        summary: r.opt(&e.summary),
        details: e.details.iter().map(|d| (r.opt(&d.label), r.text(&d.text))).collect(),
        highlights: e.highlights.iter().map(|h| r.text(&h.text)).collect(),
        keywords: e.keywords.iter().map(|k| r.text(k)).collect(),
        roles: e.roles.iter().map(|x| entry(r, locale, x)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn falls_back_with_a_warning_naming_the_field() {
        let yaml = "name: Ada\nsections:\n  - title: { en: Work, fr: Travail }\n    entries:\n      - title: Engineer\n        start: 2019-03\n        end: present\n        details:\n          - { label: In short, text: { en: Built things. } }\n";
        let (p, _) = model::load_str(yaml, Path::new("p.yaml")).unwrap();
        let (fr, warnings) = localize(&p, "fr");
        assert_eq!(fr.sections[0].title.as_deref(), Some("Travail"));
        assert_eq!(fr.sections[0].entries[0].dates.as_deref(), Some("mars 2019 – aujourd’hui"));
        let w: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
        // A map without the language falls back with its own warning; plain strings
        // (written once for every language) are summed up in one.
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[0], "sections[0].entries[0].details[0].text: no fr text, using en");
        assert!(w[1].starts_with("3 texts are written once, not per language"), "{w:?}");
        assert!(w[1].contains("sections[0].entries[0].title"), "{w:?}");
        let (en, warnings) = localize(&p, "en");
        assert!(warnings.is_empty());
        assert_eq!(en.sections[0].entries[0].dates.as_deref(), Some("Mar. 2019 – present"));
    }

    #[test]
    fn default_titles_and_rating_text() {
        let yaml = "name: Ada\nsections:\n  - id: skills\n    scale: 5\n    ratings: [{ name: Rust, rating: 4.5 }]\n";
        let (p, _) = model::load_str(yaml, Path::new("p.yaml")).unwrap();
        let (fr, _) = localize(&p, "fr");
        assert_eq!(fr.sections[0].title.as_deref(), Some("Compétences"));
        assert_eq!(fr.sections[0].ratings[0].items[0].text, "4,5/5");
    }
}
