//! Writing a PDF safely: never half-written, never over the input.

use std::io::Write;
use std::path::Path;

use cvpdf::diag::Diagnostic;

/// Writes to a temporary file beside `out`, then renames it over `out`, so that a
/// failure never leaves a half-written PDF or clobbers the previous one. `inputs`
/// (what each is, and its path) are never written over.
pub fn write_atomically(out: &Path, bytes: &[u8], inputs: &[(&str, &Path)]) -> Result<(), Diagnostic> {
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if let Some((what, _)) = inputs.iter().find(|(_, input)| same(out, input)) {
        return Err(Diagnostic::error(format!("the output {} is {what} itself", out.display()))
            .help("choose another output with -o"));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |what: &str, e: std::io::Error| {
        Diagnostic::error(format!("cannot {what} {}: {}", out.display(), cvpdf::io_reason(&e)))
            .help("check that the output directory exists and is writable")
    };
    let tmp =
        dir.join(format!(".{}.{}.tmp", out.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .map_err(|e| fail("write", e))
        .and_then(|_| std::fs::rename(&tmp, out).map_err(|e| fail("replace", e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
