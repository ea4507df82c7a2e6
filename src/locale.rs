//! Locale tables: month names, "present", labels and default section titles per
//! language. They are data (`locales/*.yaml`), embedded in the binary.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{Date, DateEnd};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locale {
    #[serde(skip)]
    pub code: String,
    pub months: Vec<String>,
    pub months_short: Vec<String>,
    pub month_year: String,
    pub day_month_year: String,
    pub present: String,
    pub range: String,
    pub spaced_punctuation: String,
    pub spaced_guillemets: bool,
    pub decimal: String,
    /// Between the items of a list ("Go, Rust"; Arabic has its own comma).
    #[serde(default = "comma")]
    pub list: String,
    /// Writing direction: `rtl` mirrors the page and sets lines right to left.
    #[serde(default)]
    pub direction: Direction,
    pub page: String,
    pub labels: BTreeMap<String, String>,
    pub titles: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

fn comma() -> String {
    ", ".into()
}

const TABLES: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en.yaml")),
    ("fr", include_str!("../locales/fr.yaml")),
    ("es", include_str!("../locales/es.yaml")),
    ("de", include_str!("../locales/de.yaml")),
    ("it", include_str!("../locales/it.yaml")),
    ("pt", include_str!("../locales/pt.yaml")),
    ("nl", include_str!("../locales/nl.yaml")),
    ("ar", include_str!("../locales/ar.yaml")),
];

impl Locale {
    /// The table for `lang` (`fr-CA` uses `fr`); English where there is none.
    pub fn for_language(lang: &str) -> Locale {
        Locale::table(lang).clone()
    }

    /// The table for `lang`, read once per process: every variant of a batch in the
    /// language, and `cvpdf::warm` before it, would otherwise read it again.
    pub fn table(lang: &str) -> &'static Locale {
        static READ: [std::sync::OnceLock<Locale>; TABLES.len()] = [const { std::sync::OnceLock::new() }; _];
        let base = lang.split('-').next().unwrap_or(lang);
        let index = TABLES.iter().position(|(c, _)| *c == base).unwrap_or(0);
        READ[index].get_or_init(|| {
            let (code, text) = TABLES[index];
            let mut locale: Locale =
                crate::model::node::typed(text).unwrap_or_else(|e| panic!("built-in locale {code} is invalid: {e}"));
            locale.code = code.to_string();
            locale
        })
    }

    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn date(&self, d: &Date) -> String {
        let Some(m) = d.month else {
            return d.year.to_string();
        };
        let month = &self.months_short[usize::from(m - 1)];
        let pattern = if d.day.is_some() { &self.day_month_year } else { &self.month_year };
        pattern
            .replace("{month}", month)
            .replace("{year}", &d.year.to_string())
            .replace("{day}", &d.day.map(|x| x.to_string()).unwrap_or_default())
    }

    pub fn range(&self, start: Option<&Date>, end: Option<&DateEnd>) -> String {
        let end = end.map(|e| match e {
            DateEnd::On(d) => self.date(d),
            DateEnd::Present => self.present.clone(),
        });
        match (start.map(|d| self.date(d)), end) {
            (Some(s), Some(e)) if s == e => s,
            (Some(s), Some(e)) => format!("{s}{}{e}", self.range),
            (Some(s), None) => s,
            (None, Some(e)) => e,
            (None, None) => String::new(),
        }
    }

    /// A number as this language writes it: `4.5` or `4,5`.
    pub fn number(&self, x: f64) -> String {
        let text = if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x}") };
        text.replace('.', &self.decimal)
    }

    /// Applies the language's spacing around punctuation: in French, a narrow no-break
    /// space (U+202F) before `: ; ! ?` and inside « », whether the author typed an
    /// ordinary space, none, or already the right one. URLs (`https://`) are left alone:
    /// only punctuation followed by a space or the end of the text is spaced.
    pub fn punctuate(&self, text: &str) -> String {
        const NNBSP: char = '\u{202F}';
        if self.spaced_punctuation.is_empty() && !self.spaced_guillemets {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + 8);
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            let ends_clause = next.is_none_or(|n| n.is_whitespace() || ")]»\"'”*".contains(n));
            let spaced = (self.spaced_punctuation.contains(c) && ends_clause) || (self.spaced_guillemets && c == '»');
            if spaced && i > 0 {
                let prev_len = out.trim_end_matches([' ', '\u{00A0}', NNBSP]).len();
                let had_word =
                    out[..prev_len].chars().next_back().is_some_and(|p| !p.is_whitespace() && !"(«".contains(p));
                if had_word {
                    out.truncate(prev_len);
                    out.push(NNBSP);
                }
            }
            if self.spaced_guillemets && c == ' ' && out.ends_with("«\u{202F}") {
                continue;
            }
            out.push(c);
            if self.spaced_guillemets && c == '«' {
                out.push(NNBSP);
            }
        }
        out
    }

    pub fn page(&self, page: usize, pages: usize) -> String {
        self.page.replace("{pages}", &pages.to_string()).replace("{page}", &page.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_loads_with_twelve_months() {
        for (code, _) in TABLES {
            let l = Locale::for_language(code);
            assert_eq!(l.months.len(), 12, "{code}");
            assert_eq!(l.months_short.len(), 12, "{code}");
        }
    }

    #[test]
    fn every_table_is_read_through_the_scanner_as_serde_saphyr_reads_it() {
        for (code, text) in TABLES {
            let scanned: Locale =
                crate::model::node::from_scanned(text).unwrap_or_else(|| panic!("{code} is read by the scanner"));
            let direct: Locale = serde_saphyr::from_str(text).unwrap();
            assert_eq!(format!("{scanned:?}"), format!("{direct:?}"), "{code}");
        }
    }

    #[test]
    fn dates_per_language() {
        let start = Date::parse("2017-12").unwrap();
        let en = Locale::for_language("en-GB");
        assert_eq!(en.range(Some(&start), Some(&DateEnd::Present)), "Dec. 2017 – present");
        let fr = Locale::for_language("fr");
        assert_eq!(fr.range(Some(&start), Some(&DateEnd::Present)), "déc. 2017 – aujourd’hui");
        assert_eq!(fr.date(&Date::parse("2019-03-04").unwrap()), "4 mars 2019");
        assert_eq!(fr.number(4.5), "4,5");
        assert_eq!(Locale::for_language("xx").code, "en");
    }

    #[test]
    fn french_punctuation_gets_narrow_no_break_spaces() {
        let fr = Locale::for_language("fr");
        assert_eq!(
            fr.punctuate("En bref : oui; non ! « Bonjour »"),
            "En bref\u{202F}: oui\u{202F}; non\u{202F}! «\u{202F}Bonjour\u{202F}»"
        );
        assert_eq!(fr.punctuate("voir https://x.org/a:b et 10:30"), "voir https://x.org/a:b et 10:30");
        assert_eq!(fr.punctuate("«Oui»"), "«\u{202F}Oui\u{202F}»");
        let en = Locale::for_language("en");
        assert_eq!(en.punctuate("In short: yes!"), "In short: yes!");
    }
}
