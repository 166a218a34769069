//! `--format json`: one document, `{"version":1,"findings":[…],"errors":[…],"summary":{…}}`.
//!
//! Each finding has `rule`, `level`, `type`, `file` (relative to the run's
//! [stable root](crate::fingerprint::stable_root)), `line`, `column`, `message`, `chain`,
//! `returned_by` and `fingerprint` (see [`fingerprint`](crate::fingerprint)). With `--baseline`
//! the document also has `"baseline": {"file", "suppressed", "stale": [{"fingerprint", "rule",
//! "type", "file"}]}`.

use std::io::{self, Write};

use serde::Serialize;

use super::Emitter;
use crate::Report;
use crate::fingerprint::root_relative;

/// The JSON schema version. Fields are only ever added within a version.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The JSON emitter.
pub struct Json;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    findings: Vec<JFinding<'a>>,
    errors: Vec<JError<'a>>,
    summary: JSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JBaseline<'a>>,
}

#[derive(Serialize)]
struct JBaseline<'a> {
    file: String,
    suppressed: usize,
    stale: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
struct JFinding<'a> {
    rule: &'static str,
    level: &'static str,
    #[serde(rename = "type")]
    type_name: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
    chain: &'a [String],
    returned_by: usize,
    fingerprint: &'a str,
    /// Only with `--workspace` / `--manifest-path` (added within version 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<&'a str>,
}

#[derive(Serialize)]
struct JError<'a> {
    file: String,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct JSummary {
    files: usize,
    bytes: u64,
    findings: usize,
    parse_errors: usize,
    elapsed_ms: u64,
}

impl Emitter for Json {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let doc = Doc {
            version: JSON_SCHEMA_VERSION,
            findings: report
                .findings
                .iter()
                .map(|f| JFinding {
                    rule: f.rule.id(),
                    level: f.level.as_str(),
                    type_name: &f.type_name,
                    file: &f.relative_path,
                    line: f.line,
                    column: f.column,
                    message: &f.message,
                    chain: &f.chain,
                    returned_by: f.returned_by,
                    fingerprint: &f.fingerprint,
                    package: f.package.as_deref(),
                })
                .collect(),
            errors: report
                .errors
                .iter()
                .map(|e| JError {
                    file: root_relative(&e.file, report.root.as_deref()),
                    line: e.line,
                    column: e.column,
                    message: &e.message,
                })
                .collect(),
            summary: JSummary {
                files: report.summary.files,
                bytes: report.summary.bytes,
                findings: report.summary.findings,
                parse_errors: report.summary.parse_errors,
                elapsed_ms: report.summary.elapsed_ms,
            },
            baseline: report.baseline.as_ref().map(|b| JBaseline {
                file: b.file.display().to_string(),
                suppressed: b.suppressed,
                stale: &b.stale,
            }),
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
