//! Diagnostics: what went wrong, where (file, line, column) and what to do about it.
//! Every stage reports through these, so that `main` prints them all the same way.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: Option<PathBuf>,
    pub pos: Option<Pos>,
    pub message: String,
    pub help: Option<String>,
    /// The source line the position points into, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            pos: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    /// Points at `pos` and keeps the line of `source` it falls on.
    pub fn at(mut self, pos: Pos, source: Option<&str>) -> Self {
        if pos.line > 0 {
            self.pos = Some(pos);
            self.source_line =
                source.and_then(|s| s.lines().nth(pos.line as usize - 1)).map(|l| l.chars().take(200).collect());
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: ")?;
        match (&self.file, self.pos) {
            (Some(file), Some(p)) => write!(f, "{}:{}:{}: ", file.display(), p.line, p.col)?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, Some(p)) => write!(f, "{}:{}: ", p.line, p.col)?,
            (None, None) => {}
        }
        write!(f, "{}", self.message)?;
        if let (Some(line), Some(p)) = (&self.source_line, self.pos) {
            let number = p.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_col = line.chars().take(p.col.saturating_sub(1) as usize).count();
            write!(f, "\n {pad} |\n {number} | {line}\n {pad} | {}^", " ".repeat(caret_col))?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Errors and warnings gathered by a stage that keeps going after the first problem.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
}

/// The known name closest to `unknown`, when it is close enough to be a likely typo.
pub fn closest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(unknown.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diag + usize::from(ca != *cb));
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        let known = ["highlights", "details", "title", "summary"];
        assert_eq!(closest("highlight", &known), Some("highlights"));
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("zzzzzz", &known), None);
    }

    #[test]
    fn shows_file_line_column_and_caret() {
        let d = Diagnostic::error("unknown field `titel`")
            .in_file(Path::new("cv.yaml"))
            .at(Pos { line: 2, col: 3 }, Some("name: A\n  titel: x\n"))
            .help("did you mean `title`?");
        let text = d.to_string();
        assert!(text.starts_with("error: cv.yaml:2:3: unknown field `titel`"));
        assert!(text.contains(" 2 |   titel: x\n   |   ^"), "{text}");
        assert!(text.ends_with("= help: did you mean `title`?"));
    }
}
