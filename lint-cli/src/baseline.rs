//! Baselines: accept today's findings, fail only on new ones.
//!
//! `cargo errguard check --write-baseline errguard-baseline.json` writes every current finding's
//! [fingerprint](crate::fingerprint) to a file; `--baseline errguard-baseline.json` then drops the
//! findings whose fingerprint is in it, so only new error types can fail the run. Entries that
//! no longer match any finding (the type was fixed, renamed or removed) are reported as *stale*
//! so they can be deleted: the file only shrinks.
//!
//! The file is JSON, sorted for readable diffs; `rule`, `type` and `file` are for people, only
//! `fingerprint` is matched:
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     { "fingerprint": "8c1f0e6a2b9d4e77", "rule": "heap-buffer", "type": "FetchError", "file": "src/lib.rs" }
//!   ]
//! }
//! ```
//!
//! ```
//! use errguard_lint::{Config, baseline::Baseline, check_sources};
//!
//! let src = "pub enum FetchError { Status { body: Vec<u8> } }\n\
//!            impl std::error::Error for FetchError {}";
//! let mut report = check_sources(&[("src/lib.rs", src)], &Config::default());
//! let baseline = Baseline::from_report(&report);
//! let text = baseline.to_json();
//! let loaded = Baseline::parse(&text).unwrap();
//! loaded.apply(&mut report, "errguard-baseline.json".as_ref());
//! assert!(report.findings.is_empty());
//! assert_eq!(report.baseline.as_ref().unwrap().suppressed, 1);
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Report;

/// The baseline file format version.
pub const BASELINE_VERSION: u32 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint, the only part that is matched.
    pub fingerprint: String,
    /// The rule id, for people.
    pub rule: String,
    /// The error type, for people.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The file relative to the scan root, for people.
    pub file: String,
}

/// A set of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`BASELINE_VERSION`].
    pub version: u32,
    /// The entries, sorted by file, type, rule; one per accepted finding.
    pub findings: Vec<Entry>,
}

/// What applying a baseline did, kept in [`Report::baseline`] for the emitters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The baseline file.
    pub file: PathBuf,
    /// Findings removed because they are in the baseline.
    pub suppressed: usize,
    /// Entries that matched no finding: they can be removed from the file.
    pub stale: Vec<Entry>,
}

/// Why a baseline file could not be used.
#[derive(Debug)]
pub struct BaselineError {
    /// The file.
    pub file: PathBuf,
    /// What went wrong.
    pub problem: String,
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "baseline {}: {}", self.file.display(), self.problem)
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// Every finding of `report`, one entry per finding: two findings with one fingerprint (the
    /// same type under two `#[cfg]`s, one foreign type written in two signatures) give two
    /// entries, so a third one is new.
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.id().to_string(),
                type_name: f.type_name.clone(),
                file: f.relative_path.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.type_name, &a.rule, &a.fingerprint).cmp(&(
                &b.file,
                &b.type_name,
                &b.rule,
                &b.fingerprint,
            ))
        });
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    /// The file's text (pretty JSON, ending with a newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a baseline always serializes");
        s.push('\n');
        s
    }

    /// Parses and checks a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| format!("not valid: {e}"))?;
        if b.version != BASELINE_VERSION {
            return Err(format!(
                "unsupported version {} (this errguard reads version {BASELINE_VERSION})",
                b.version
            ));
        }
        if let Some(e) = b.findings.iter().find(|e| {
            e.fingerprint.len() != 16 || !e.fingerprint.bytes().all(|c| c.is_ascii_hexdigit())
        }) {
            return Err(format!(
                "fingerprint `{}` of `{}` is not 16 hex digits",
                e.fingerprint, e.type_name
            ));
        }
        Ok(b)
    }

    /// Reads and parses a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let err = |problem: String| BaselineError {
            file: path.to_path_buf(),
            problem,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        Baseline::parse(&text).map_err(err)
    }

    /// Writes the baseline file (created or truncated).
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        std::fs::write(path, self.to_json()).map_err(|e| BaselineError {
            file: path.to_path_buf(),
            problem: format!("cannot write: {e}"),
        })
    }

    /// Removes the report's findings that are in the baseline and records the [`Outcome`] (with
    /// `file` as the baseline's name) in [`Report::baseline`]. Each entry accepts one finding:
    /// a fingerprint listed `n` times accepts `n` findings, the rest are new.
    pub fn apply(&self, report: &mut Report, file: &Path) {
        let mut left: HashMap<&str, usize> = HashMap::new();
        for e in &self.findings {
            *left.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let before = report.findings.len();
        report
            .findings
            .retain(|f| match left.get_mut(f.fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
        let suppressed = before - report.findings.len();
        report.summary.findings = report.findings.len();
        // The entries not used up, each fingerprint's last ones.
        let mut stale: Vec<Entry> = Vec::new();
        for e in self.findings.iter().rev() {
            if let Some(n) = left.get_mut(e.fingerprint.as_str())
                && *n > 0
            {
                *n -= 1;
                stale.push(e.clone());
            }
        }
        stale.reverse();
        report.baseline = Some(Outcome {
            file: file.to_path_buf(),
            suppressed,
            stale,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, check_sources};

    const SRC: &str = "pub enum FetchError { Status { body: Vec<u8> } }\n\
                       impl std::error::Error for FetchError {}\n";
    const NEW: &str = "pub struct SendError<T>(pub T);\n\
                       impl<T> std::error::Error for SendError<T> {}\n";

    #[test]
    fn moved_types_stay_baselined_new_ones_are_reported_fixed_ones_are_stale() {
        let report = check_sources(&[("src/lib.rs", SRC)], &Config::default());
        let baseline = Baseline::parse(&Baseline::from_report(&report).to_json()).unwrap();
        assert_eq!(baseline.findings.len(), 1);
        assert_eq!(baseline.findings[0].file, "src/lib.rs");
        assert_eq!(baseline.findings[0].rule, "heap-buffer");

        let moved = format!("// a new line\n{SRC}{NEW}");
        let mut r = check_sources(&[("src/lib.rs", &moved)], &Config::default());
        assert_eq!(r.findings.len(), 2);
        baseline.apply(&mut r, Path::new("b.json"));
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].type_name, "SendError");
        assert_eq!(r.summary.findings, 1);
        let o = r.baseline.as_ref().unwrap();
        assert_eq!((o.suppressed, o.stale.len()), (1, 0));

        let mut r = check_sources(&[("src/lib.rs", NEW)], &Config::default());
        baseline.apply(&mut r, Path::new("b.json"));
        let o = r.baseline.as_ref().unwrap();
        assert_eq!(o.suppressed, 0);
        assert_eq!(o.stale, baseline.findings);
    }

    #[test]
    fn a_same_named_type_in_another_module_is_new() {
        let m = |name: &str| {
            format!(
                "mod {name} {{ pub struct Error {{ body: Vec<u8> }} impl std::error::Error for Error {{}} }}\n"
            )
        };
        let before = format!("{}{}", m("a"), m("b"));
        let report = check_sources(&[("src/lib.rs", &before)], &Config::default());
        let baseline = Baseline::from_report(&report);
        assert_eq!(baseline.findings.len(), 2);
        let after = format!("{before}{}", m("c"));
        let mut r = check_sources(&[("src/lib.rs", &after)], &Config::default());
        baseline.apply(&mut r, Path::new("b.json"));
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        assert_eq!(r.findings[0].line, 3, "c::Error is the new one");
        assert!(r.has_failures());
        assert_eq!(r.baseline.as_ref().unwrap().suppressed, 2);
    }

    #[test]
    fn each_entry_accepts_one_finding() {
        // One type under two `#[cfg]`s: the same fingerprint twice.
        let one = "#[cfg(unix)]\n#[derive(thiserror::Error)]\npub struct E { body: Vec<u8> }\n";
        let two = format!(
            "{one}#[cfg(windows)]\n#[derive(thiserror::Error)]\npub struct E {{ body: Vec<u8> }}\n"
        );
        let report = check_sources(&[("src/lib.rs", one)], &Config::default());
        let baseline = Baseline::from_report(&report);
        let mut r = check_sources(&[("src/lib.rs", &two)], &Config::default());
        assert_eq!(r.findings.len(), 2, "{:?}", r.findings);
        assert_eq!(r.findings[0].fingerprint, r.findings[1].fingerprint);
        baseline.apply(&mut r, Path::new("b.json"));
        assert_eq!(r.findings.len(), 1, "the second copy is new");

        // Both recorded: both accepted; one gone: one stale entry.
        let both =
            Baseline::from_report(&check_sources(&[("src/lib.rs", &two)], &Config::default()));
        assert_eq!(both.findings.len(), 2);
        let mut r = check_sources(&[("src/lib.rs", &two)], &Config::default());
        both.apply(&mut r, Path::new("b.json"));
        assert!(r.findings.is_empty());
        let mut r = check_sources(&[("src/lib.rs", one)], &Config::default());
        both.apply(&mut r, Path::new("b.json"));
        let o = r.baseline.as_ref().unwrap();
        assert_eq!((o.suppressed, o.stale.len()), (1, 1));
    }

    #[test]
    fn malformed_files_are_refused() {
        for (text, want) in [
            ("", "not valid"),
            ("[]", "not valid"),
            (r#"{"version": 2, "findings": []}"#, "unsupported version 2"),
            (r#"{"version": 1}"#, "missing field `findings`"),
            (
                r#"{"version": 1, "findings": [{"fingerprint": "xyz", "rule": "r", "type": "T", "file": "f"}]}"#,
                "not 16 hex digits",
            ),
        ] {
            let e = Baseline::parse(text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
        }
        let e = Baseline::load(Path::new("/nonexistent/errguard-baseline.json")).unwrap_err();
        assert!(
            e.to_string()
                .contains("/nonexistent/errguard-baseline.json"),
            "{e}"
        );
    }
}
