//! Inline markup in profile text: `**bold**`, `*italic*`, `[label](url)`, `<url>`,
//! bare URLs and e-mail addresses. Nothing else is markup; a blank line starts a
//! new paragraph and a single line break is a space.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inline {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub link: Option<String>,
}

/// Splits `text` into paragraphs of styled runs.
pub fn paragraphs(text: &str) -> Vec<Vec<Inline>> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(inlines(&current.join(" ")));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    out
}

/// Parses one paragraph's markup.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    parse(text, Style::default(), &mut out);
    merge(out)
}

/// Plain text as one unstyled run (for names, dates: text that is never markup).
pub fn plain(text: &str) -> Vec<Inline> {
    vec![Inline { text: text.to_string(), ..Inline::default() }]
}

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
}

fn push(out: &mut Vec<Inline>, text: &str, style: Style, link: Option<String>) {
    if !text.is_empty() {
        out.push(Inline { text: text.to_string(), bold: style.bold, italic: style.italic, link });
    }
}

fn parse(text: &str, style: Style, out: &mut Vec<Inline>) {
    // Without `*`, `[`, `<`, `@` or `http`, nothing below can match: most of a
    // résumé's text is plain, and looking at each of its characters for markup was
    // 0.3M instructions for the sample, on the path every render waits for.
    if !text.bytes().any(|b| matches!(b, b'*' | b'[' | b'<' | b'@')) && !text.contains("http") {
        push(out, text, style, None);
        return;
    }
    let mut plain_start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let rest = &text[i..];
        let at_word_start = i == 0 || text[..i].ends_with(|c: char| c.is_whitespace() || "([\"'«“".contains(c));
        let mut consumed = None;
        if let Some(inner) = rest.strip_prefix("**") {
            if let Some(end) = inner.find("**").filter(|&e| e > 0) {
                push(out, &text[plain_start..i], style, None);
                parse(&inner[..end], Style { bold: true, ..style }, out);
                consumed = Some(2 + end + 2);
            }
        } else if bytes[i] == b'*' {
            let inner = &rest[1..];
            if let Some(end) = inner.find('*').filter(|&e| e > 0 && !inner.starts_with(' ')) {
                push(out, &text[plain_start..i], style, None);
                parse(&inner[..end], Style { italic: true, ..style }, out);
                consumed = Some(1 + end + 1);
            }
        } else if bytes[i] == b'[' {
            if let Some(close) = rest.find("](")
                && let Some(end) = rest[close + 2..].find(')')
            {
                let url = rest[close + 2..close + 2 + end].trim();
                if !url.is_empty() && !url.contains(char::is_whitespace) {
                    push(out, &text[plain_start..i], style, None);
                    let mut label = Vec::new();
                    parse(&rest[1..close], style, &mut label);
                    for mut run in label {
                        run.link = Some(link_target(url));
                        out.push(run);
                    }
                    consumed = Some(close + 2 + end + 1);
                }
            }
        } else if bytes[i] == b'<' && (rest.starts_with("<http://") || rest.starts_with("<https://")) {
            if let Some(end) = rest.find('>') {
                let url = &rest[1..end];
                push(out, &text[plain_start..i], style, None);
                push(out, url, style, Some(url.to_string()));
                consumed = Some(end + 1);
            }
        } else if at_word_start {
            let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = rest[..word_len].trim_end_matches(|c: char| ".,;:!?)»”\"'".contains(c));
            let target = if word.starts_with("http://") || word.starts_with("https://") {
                Some(word.to_string())
            } else if is_email(word) {
                Some(format!("mailto:{word}"))
            } else {
                None
            };
            if let Some(target) = target.filter(|_| !word.contains("**")) {
                push(out, &text[plain_start..i], style, None);
                push(out, word, style, Some(target));
                consumed = Some(word.len());
            }
        }
        match consumed {
            Some(n) => {
                i += n;
                plain_start = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    push(out, &text[plain_start..], style, None);
}

/// What a link points to: e-mail addresses become `mailto:` links.
fn link_target(url: &str) -> String {
    if is_email(url) { format!("mailto:{url}") } else { url.to_string() }
}

fn is_email(word: &str) -> bool {
    let Some((user, domain)) = word.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && word.chars().all(|c| c.is_alphanumeric() || "@._+-".contains(c))
}

fn merge(runs: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(runs.len());
    for r in runs {
        match out.last_mut() {
            Some(last) if last.bold == r.bold && last.italic == r.italic && last.link == r.link => {
                last.text.push_str(&r.text)
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(runs: &[Inline]) -> String {
        runs.iter()
            .map(|r| {
                let mut s = r.text.clone();
                if r.bold {
                    s = format!("B({s})")
                }
                if r.italic {
                    s = format!("I({s})")
                }
                if let Some(l) = &r.link {
                    s = format!("L({s}->{l})")
                }
                s
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn bold_italic_and_nesting() {
        assert_eq!(show(&inlines("a **strong *and* bold** b")), "a |B(strong )|I(B(and))|B( bold)| b");
        assert_eq!(show(&inlines("2 * 3 = 6 and a*b")), "2 * 3 = 6 and a*b");
        assert_eq!(show(&inlines("unclosed **bold")), "unclosed **bold");
    }

    #[test]
    fn links_of_every_kind() {
        assert_eq!(show(&inlines("see [the site](https://x.org).")), "see |L(the site->https://x.org)|.");
        assert_eq!(show(&inlines("at <https://x.org/a>")), "at |L(https://x.org/a->https://x.org/a)");
        assert_eq!(show(&inlines("visit https://x.org/b, or")), "visit |L(https://x.org/b->https://x.org/b)|, or");
        assert_eq!(show(&inlines("mail ada@x.org.")), "mail |L(ada@x.org->mailto:ada@x.org)|.");
    }

    #[test]
    fn blank_lines_split_paragraphs() {
        let p = paragraphs("one\ntwo\n\n  three\n");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0][0].text, "one two");
        assert_eq!(p[1][0].text, "three");
    }
}
