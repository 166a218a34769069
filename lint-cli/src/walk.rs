//! Finding the files: the `ignore` crate's walker (respects `.gitignore`, skips hidden files),
//! plus skipping cargo `target/` folders. Symlinks are followed; loops and unreadable folders are
//! reported and the walk goes on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::FileError;

pub(crate) struct Walked {
    pub files: Vec<PathBuf>,
    pub errors: Vec<FileError>,
}

/// A cargo build folder: named `target` with cargo's markers, or next to a `Cargo.toml`.
fn is_cargo_target(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == "target")
        && (dir.join("CACHEDIR.TAG").exists()
            || dir.join(".rustc_info.json").exists()
            || dir.parent().is_some_and(|p| p.join("Cargo.toml").exists()))
}

pub(crate) fn walk(paths: &[PathBuf], excludes: &[String]) -> Result<Walked, String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for root in paths {
        let mut builder = ignore::WalkBuilder::new(root);
        if !excludes.is_empty() {
            let mut ob = ignore::overrides::OverrideBuilder::new(root);
            for x in excludes {
                ob.add(&format!("!{x}"))
                    .map_err(|e| format!("bad --exclude pattern `{x}`: {e}"))?;
            }
            builder.overrides(ob.build().map_err(|e| e.to_string())?);
        }
        builder.follow_links(true).filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir()) && is_cargo_target(e.path()))
        });
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    let explicit = e.depth() == 0;
                    let rs = e.path().extension().is_some_and(|x| x == "rs");
                    if is_file && (rs || explicit) {
                        let key = std::fs::canonicalize(e.path())
                            .unwrap_or_else(|_| e.path().to_path_buf());
                        if seen.insert(key) {
                            files.push(e.into_path());
                        }
                    }
                }
                Err(err) => errors.push(FileError {
                    file: error_path(&err).unwrap_or_else(|| root.clone()),
                    line: None,
                    column: None,
                    message: error_message(&err),
                }),
            }
        }
    }
    files.sort();
    Ok(Walked { files, errors })
}

fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

fn error_message(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symlink loop (back to {}); not followed",
                ancestor.display()
            )
        }
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_message(err)
        }
        ignore::Error::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    }
}
