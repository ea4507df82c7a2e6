//! The end of a render (`src/quick_exit.rs`): on Linux the process that takes its
//! memory down after it ends holds none of its output open, and ends on its own.
//! A test binary of its own: it adopts the orphans of the processes it starts.

#![cfg(target_os = "linux")]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The processes whose parent is this one and whose name is `cvpdf`.
fn cvpdf_children() -> Vec<i32> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid ...
        let Some((head, rest)) = stat.rsplit_once(") ") else { continue };
        let fields: Vec<&str> = rest.split(' ').collect();
        if head.ends_with("(cvpdf") && fields.get(1) == Some(&me.as_str()) {
            found.extend(entry.file_name().to_str().and_then(|p| p.parse::<i32>().ok()));
        }
    }
    found
}

#[test]
fn a_render_leaves_nothing_behind() {
    // SAFETY: a flag of this process: orphans of its children become its own.
    assert_eq!(unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }, 0);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("cv.pdf");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cvpdf"))
        .args(["render", root.join("profiles/jonas-weber.yaml").to_str().unwrap(), "-o", pdf.to_str().unwrap()])
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let rendered = child.id() as i32;
    assert!(child.wait().unwrap().success());

    // Its output ends when it does.
    let (done, read) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = stdout.read_to_string(&mut text);
        let _ = done.send(text);
    });
    let text =
        read.recv_timeout(Duration::from_secs(10)).expect("cvpdf's output is still open ten seconds after it ended");
    assert!(text.contains("wrote"), "{text}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // The one process it left, adopted here, ends on its own.
    let left: Vec<i32> = cvpdf_children().into_iter().filter(|&pid| pid != rendered).collect();
    assert_eq!(left.len(), 1, "cvpdf left {left:?}: one process, to take its memory down, was expected");
    let started = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: waits for a child of this process, by its id.
        let ended = unsafe { libc::waitpid(left[0], &mut status, libc::WNOHANG) };
        if ended == left[0] {
            assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "it ended with status {status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the process cvpdf left still runs ten seconds later");
        std::thread::sleep(Duration::from_millis(5));
    }
}
