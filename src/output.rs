//! Writing a PDF safely: never half-written, never over the input.

use std::io::Write;
use std::path::Path;

use cvpdf::diag::Diagnostic;

/// Writes to a temporary file beside `out`, then renames it over `out`, so that a
/// failure never leaves a half-written PDF or clobbers the previous one. `inputs`
/// (what each is, and its path) are never written over. The file is not synced to
/// the disk: that took longer than rendering it (1.5-2.5 ms), and guards only
/// against the machine itself crashing in the next seconds, when rendering again
/// is the remedy.
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
    // A name of its own for each write: the same profile named twice renders twice,
    // on two threads, to the same PDF; with one temporary name per process, one
    // thread's rename took the file from under the other's (a third of such runs).
    static WRITES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.{write}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| fail("write", e))
        .and_then(|_| replace(&tmp, out).map_err(|e| fail("replace", e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Puts the file `tmp` in the place of `out`, as a rename does. Over an existing file,
/// the two are exchanged and the old one removed: renamed over, ext4 (the usual Linux
/// file system) writes the new file's data out before returning (`auto_da_alloc`),
/// which took 0.3-1 ms, longer than writing it; exchanged, it writes back in its time.
fn replace(tmp: &Path, out: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.is_file()) {
        use std::os::unix::ffi::OsStrExt;
        let from = std::ffi::CString::new(tmp.as_os_str().as_bytes())?;
        let to = std::ffi::CString::new(out.as_os_str().as_bytes())?;
        // SAFETY: two NUL-terminated paths, relative to the working directory.
        let exchanged = unsafe {
            libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_EXCHANGE)
        };
        if exchanged == 0 {
            // The new PDF is in place; should the old one stay, it is a hidden file.
            let _ = std::fs::remove_file(tmp);
            return Ok(());
        }
    }
    std::fs::rename(tmp, out)
}
