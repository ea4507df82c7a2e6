//! cvpdf: a résumé profile in, a typeset PDF out.
//!
//! The pipeline runs one way: [`model`] (the profile, all languages) → [`localize`]
//! (one language's [`localize::Resume`]) → [`compose`] (styled blocks) → [`layout`]
//! (lines and pages of [`frame`]s) → [`pdf`] (bytes).

pub mod diag;
pub mod model;

/// An I/O error in the words a user needs, without Rust's error codes.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a directory".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}
