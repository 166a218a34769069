//! Stable finding fingerprints, for baselines and for SARIF `partialFingerprints`.
//!
//! A fingerprint identifies a finding across runs, line moves and unrelated edits. It is the
//! 64-bit FNV-1a hash (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) of
//!
//! ```text
//! rule id \0 path \0 type name \0 chain[0] \0 chain[1] \0 …
//! ```
//!
//! as UTF-8 bytes, written as 16 lowercase hex digits. `path` is the file's path relative to the
//! run's stable root ([`stable_root`]: the git work tree, else the cargo workspace, else the
//! current directory) with `/` separators ([`root_relative`]). The type
//! name carries its inline module path within the file (`a::Error` for `mod a { struct Error }`,
//! plain `Error` at the file's top level), so same-named types of one file differ. The chain's
//! size estimates (`(160 bytes)`) are left out (the rules keep the chain without them for the
//! fingerprint, [`crate::rules::RawFinding::bare_chain`]), and so are line and column:
//! moving a type, or a size estimate changing, keeps its fingerprint; renaming the type, moving
//! it to another file or module, or changing the field chain to the buffer gives a new one. The
//! algorithm is fixed here (not `std`'s `DefaultHasher`, which may change between Rust
//! releases): a fingerprint written by one version of errguard is read by every later version of
//! the same fingerprint format (`v1`).
//!
//! ```
//! use errguard_lint::fingerprint::{fingerprint, fnv1a64};
//! use errguard_lint::Rule;
//!
//! assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
//! assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
//! let chain = vec!["FetchError::Status.body: Vec<u8>".to_string()];
//! let fp = fingerprint(Rule::HeapBuffer, "src/lib.rs", "FetchError", &chain);
//! assert_eq!(fp.len(), 16);
//! assert_ne!(fp, fingerprint(Rule::LargeInline, "src/lib.rs", "FetchError", &chain));
//! ```

use std::path::{Component, Path, PathBuf};

use crate::Rule;

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The fingerprint of a finding (see the [module docs](self)); `path` should come from
/// [`root_relative`] (the file relative to the run's [`stable_root`], as the baseline and the
/// reports compute it), `type_name` is qualified by its inline module path (`a::Error`), `chain`
/// is the chain without size estimates.
///
/// ```
/// use std::path::Path;
/// use errguard_lint::Rule;
/// use errguard_lint::fingerprint::{fingerprint, root_relative};
///
/// let cwd = std::env::current_dir().unwrap();
/// let here = cwd.file_name().unwrap().to_str().unwrap();
/// let path = root_relative(Path::new("./src/lib.rs"), cwd.parent());
/// let chain = ["E.body: Vec<u8>".to_string()];
/// assert_eq!(
///     fingerprint(Rule::HeapBuffer, &path, "E", &chain),
///     fingerprint(Rule::HeapBuffer, &format!("{here}/src/lib.rs"), "E", &chain),
/// );
/// ```
pub fn fingerprint(rule: Rule, path: &str, type_name: &str, chain: &[String]) -> String {
    let mut input = Vec::new();
    for part in [rule.id(), path, type_name]
        .into_iter()
        .chain(chain.iter().map(String::as_str))
    {
        input.extend_from_slice(part.as_bytes());
        input.push(0);
    }
    format!("{:016x}", fnv1a64(&input))
}

/// `file` relative to `root` (the run's stable root, [`stable_root`]; the current directory
/// when `None`), with `/` separators. A relative `file` is relative to the current directory,
/// as the walker gives it. A file outside the root is kept absolute.
///
/// ```
/// use std::path::Path;
/// use errguard_lint::fingerprint::root_relative;
///
/// let cwd = std::env::current_dir().unwrap();
/// let parent = cwd.parent().unwrap();
/// let here = cwd.file_name().unwrap().to_str().unwrap();
/// assert_eq!(root_relative(Path::new("src/lib.rs"), Some(parent)), format!("{here}/src/lib.rs"));
/// assert_eq!(root_relative(Path::new("./src/lib.rs"), None), "src/lib.rs");
/// ```
pub fn root_relative(file: &Path, root: Option<&Path>) -> String {
    let Some(root) = root else {
        return relative_path(file);
    };
    let cwd = std::env::current_dir().ok();
    let abs = match &cwd {
        _ if file.is_absolute() => normalize(file),
        Some(c) => normalize(&c.join(file)),
        None => return relative_to(file, None),
    };
    let root = normalize(root);
    if abs.starts_with(&root) {
        return relative_to(&abs, Some(&root));
    }
    // A root reached through a symlink (macOS's `/tmp`): compare the real paths.
    if let (Ok(a), Ok(r)) = (abs.canonicalize(), root.canonicalize())
        && a.starts_with(&r)
    {
        return relative_to(&a, Some(&r));
    }
    relative_to(&abs, None)
}

/// `.` and `..` resolved without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The root that paths in fingerprints, baselines, SARIF (`%SRCROOT%`), GitHub and JSON output
/// are relative to, so a baseline made on a laptop matches in CI whatever folder the run starts
/// in: the git work tree holding the current folder (the nearest folder above it with a
/// `.git`), else the cargo workspace root when `--workspace` / `--manifest-path` gave one, else
/// the current folder. The git root comes first because code scanning resolves SARIF URIs
/// against the repository root, also for a workspace in a subfolder.
pub fn stable_root(workspace_root: Option<&Path>) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let git = cwd
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf);
    Some(
        git.or_else(|| workspace_root.map(|w| normalize(&cwd.join(w))))
            .unwrap_or(cwd),
    )
}

/// `file` relative to the scan root (the current directory), with `/` separators and no `./`:
/// `./src/lib.rs` and `src\lib.rs` both give `src/lib.rs`. An absolute path inside the current
/// directory is made relative; one outside it is kept absolute.
///
/// ```
/// use std::path::Path;
/// use errguard_lint::fingerprint::relative_path;
///
/// assert_eq!(relative_path(Path::new("./src/lib.rs")), "src/lib.rs");
/// assert_eq!(relative_path(Path::new("fixtures/a.rs")), "fixtures/a.rs");
/// ```
pub fn relative_path(file: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    relative_to(file, cwd.as_deref())
}

/// [`relative_path`] with an explicit root.
pub fn relative_to(file: &Path, root: Option<&Path>) -> String {
    let file = match root {
        Some(root) if file.is_absolute() => file.strip_prefix(root).unwrap_or(file),
        _ => file,
    };
    let mut out = String::new();
    for c in file.components() {
        let part = match c {
            Component::CurDir => continue,
            Component::Prefix(p) => p.as_os_str().to_string_lossy(),
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::ParentDir => "..".into(),
            Component::Normal(n) => n.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    // A `\` inside a component only happens on Unix with a file literally named so; on Windows
    // the components are already split.
    if cfg!(windows) {
        out = out.replace('\\', "/");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, check_sources};

    const SRC: &str = "pub enum FetchError { Status { code: u16, body: Vec<u8> } }\n\
                       impl std::error::Error for FetchError {}\n";

    fn only_fingerprint(path: &str, text: &str) -> String {
        let r = check_sources(&[(path, text)], &Config::default());
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        r.findings[0].fingerprint.clone()
    }

    #[test]
    fn fnv_reference_values() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn moving_a_type_keeps_its_fingerprint() {
        let before = only_fingerprint("src/lib.rs", SRC);
        let moved = format!("{}{SRC}", "// unrelated\n".repeat(10));
        let after = only_fingerprint("src/lib.rs", &moved);
        assert_eq!(before, after);
        // Same path written another way.
        assert_eq!(before, only_fingerprint("./src/lib.rs", SRC));
    }

    #[test]
    fn another_type_rule_or_file_changes_it() {
        let base = only_fingerprint("src/lib.rs", SRC);
        let renamed = SRC.replace("FetchError", "GetError");
        assert_ne!(base, only_fingerprint("src/lib.rs", &renamed));
        let other_field = SRC.replace("body", "payload");
        assert_ne!(base, only_fingerprint("src/lib.rs", &other_field));
        assert_ne!(base, only_fingerprint("src/other.rs", SRC));
        let chain = vec!["FetchError::Status.body: Vec<u8>".to_string()];
        assert_eq!(
            base,
            fingerprint(Rule::HeapBuffer, "src/lib.rs", "FetchError", &chain)
        );
        assert_ne!(
            base,
            fingerprint(Rule::GenericPayload, "src/lib.rs", "FetchError", &chain)
        );
    }

    #[test]
    fn same_named_types_in_two_modules_of_one_file_differ() {
        let src = "mod a { pub struct Error { body: Vec<u8> } impl std::error::Error for Error {} }\n\
                   mod b { pub struct Error { body: Vec<u8> } impl std::error::Error for Error {} }\n";
        let r = check_sources(&[("src/lib.rs", src)], &Config::default());
        assert_eq!(r.findings.len(), 2, "{:?}", r.findings);
        assert_eq!(r.findings[0].type_name, r.findings[1].type_name);
        assert_ne!(r.findings[0].fingerprint, r.findings[1].fingerprint);
        // A type at the top level keeps the fingerprint it had before modules counted.
        let chain = vec!["FetchError::Status.body: Vec<u8>".to_string()];
        assert_eq!(
            only_fingerprint("src/lib.rs", SRC),
            fingerprint(Rule::HeapBuffer, "src/lib.rs", "FetchError", &chain)
        );
        let nested = format!("mod m {{ {SRC} }}");
        assert_ne!(
            only_fingerprint("src/lib.rs", SRC),
            only_fingerprint("src/lib.rs", &nested)
        );
    }

    #[test]
    fn size_estimates_are_not_part_of_it() {
        let large = |n: u32| {
            format!(
                "pub struct Stats {{ b: [u64; 20], c: [u8; {n}] }}\n\
                 pub struct E {{ s: Stats }}\nimpl std::error::Error for E {{}}\n"
            )
        };
        let a = check_sources(&[("src/lib.rs", &large(1))], &Config::default());
        let b = check_sources(&[("src/lib.rs", &large(9))], &Config::default());
        assert_eq!(a.findings[0].rule, Rule::LargeInline);
        // The chain shows a different size, the fingerprint does not change.
        assert_ne!(a.findings[0].chain, b.findings[0].chain);
        assert!(
            a.findings[0].chain[0].contains("bytes)"),
            "{:?}",
            a.findings[0].chain
        );
        assert_eq!(a.findings[0].fingerprint, b.findings[0].fingerprint);
    }

    #[test]
    fn parts_cannot_run_together() {
        let a = fingerprint(Rule::HeapBuffer, "ab", "c", &[]);
        let b = fingerprint(Rule::HeapBuffer, "a", "bc", &[]);
        assert_ne!(a, b);
    }

    #[test]
    fn paths_are_relative_with_forward_slashes() {
        let root = Path::new("/work/proj");
        assert_eq!(
            relative_to(Path::new("/work/proj/src/a.rs"), Some(root)),
            "src/a.rs"
        );
        assert_eq!(
            relative_to(Path::new("/elsewhere/a.rs"), Some(root)),
            "/elsewhere/a.rs"
        );
        assert_eq!(relative_to(Path::new("./x/./y.rs"), None), "x/y.rs");
        assert_eq!(relative_to(Path::new("../x.rs"), None), "../x.rs");
    }
}
