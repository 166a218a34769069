//! `--format sarif`: one [SARIF 2.1.0](https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html)
//! log, for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF viewers.
//!
//! - `runs[0].tool.driver` lists every [`Rule`] with its summary, its first paragraph, its whole
//!   page from `docs/rules/<id>.md` as `help.markdown`, a `helpUri` and its default level
//!   (`deny` → `error`, `warn` → `warning`; an off-by-default rule has `enabled: false` and level
//!   `note`).
//! - Each finding is a result with `ruleId`, `ruleIndex`, `level`, the message, one location
//!   (`uri` relative to `%SRCROOT%`, the run's stable root
//!   ([`stable_root`](crate::fingerprint::stable_root)), with `/` separators and
//!   percent-encoding; `startLine`, `startColumn` in Unicode code points), the type as a logical
//!   location, `partialFingerprints["errguardFingerprint/v1"]` (see
//!   [`fingerprint`](crate::fingerprint)) and `properties` with `chain`, `typeName`,
//!   `returnedBy` and, with `--workspace` / `--manifest-path`, `package`. With `--baseline`, results carry `baselineState: "new"`.
//! - Files that could not be checked are `invocations[0].toolExecutionNotifications` (level
//!   `error`, descriptor id `parse-error`) with their location; `executionSuccessful` is `false`
//!   when there is any, since the analysis is then incomplete.
//!
//! ```
//! use errguard_lint::output::{Emitter, Sarif};
//! use errguard_lint::{Config, check_sources};
//!
//! let src = "pub enum FetchError { Status { body: Vec<u8> } }\n\
//!            impl std::error::Error for FetchError {}";
//! let report = check_sources(&[("src/lib.rs", src)], &Config::default());
//! let mut out = Vec::new();
//! Sarif.emit(&report, &mut out).unwrap();
//! let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! let result = &log["runs"][0]["results"][0];
//! assert_eq!(result["ruleId"], "heap-buffer");
//! assert_eq!(result["level"], "error");
//! assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/lib.rs");
//! ```

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::Emitter;
use crate::fingerprint::{relative_to, root_relative};
use crate::{FileError, Finding, Level, Report, Rule, rule_docs};

/// The SARIF emitter.
pub struct Sarif;

/// The `$schema` of the log.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of errguard's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "errguardFingerprint/v1";

/// The base id that relative artifact URIs are relative to.
pub const SRCROOT: &str = "%SRCROOT%";

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    }
}

/// Percent-encodes a path for a URI: everything but unreserved characters and `/`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file://` URI for an absolute path (`/a/b` → `file:///a/b`, `C:/a` → `file:///C:/a`).
fn file_uri(abs: &str) -> String {
    let p = if abs.starts_with('/') {
        abs.to_string()
    } else {
        format!("/{abs}")
    };
    // Keep a drive letter's `:` readable.
    format!("file://{}", encode_path(&p).replacen("%3A", ":", 1))
}

/// The `artifactLocation` of a file.
fn artifact(file: &Path, root: Option<&Path>) -> Value {
    artifact_at(&root_relative(file, root))
}

/// The `artifactLocation` of a path already made relative to the root ([`root_relative`]).
fn artifact_at(rel: &str) -> Value {
    if Path::new(&rel).is_absolute() || rel.starts_with('/') {
        json!({ "uri": file_uri(rel) })
    } else {
        json!({ "uri": encode_path(rel), "uriBaseId": SRCROOT })
    }
}

fn region(line: Option<u32>, column: Option<u32>) -> Option<Value> {
    let line = line.filter(|l| *l > 0)?;
    let mut r = Map::new();
    r.insert("startLine".into(), line.into());
    if let Some(c) = column.filter(|c| *c > 0) {
        r.insert("startColumn".into(), c.into());
    }
    Some(Value::Object(r))
}

fn physical(artifact: Value, line: Option<u32>, column: Option<u32>) -> Value {
    let mut p = Map::new();
    p.insert("artifactLocation".into(), artifact);
    if let Some(r) = region(line, column) {
        p.insert("region".into(), r);
    }
    json!({ "physicalLocation": p })
}

fn rule_descriptor(rule: Rule) -> Value {
    let level = rule.default_level();
    let mut config = Map::new();
    if level == Level::Allow {
        config.insert("enabled".into(), false.into());
    }
    config.insert("level".into(), sarif_level(level).into());
    json!({
        "id": rule.id(),
        "name": rule_docs::pascal_name(rule),
        "shortDescription": { "text": rule_docs::summary(rule) },
        "fullDescription": { "text": rule_docs::description(rule).replace("**", "") },
        "help": {
            "text": format!("{} (see {})", rule.help(), rule_docs::help_uri(rule)),
            "markdown": rule_docs::markdown(rule),
        },
        "helpUri": rule_docs::help_uri(rule),
        "defaultConfiguration": config,
    })
}

fn result(f: &Finding, baselined: bool) -> Value {
    let rule_index = Rule::ALL
        .iter()
        .position(|r| *r == f.rule)
        .expect("every rule is in Rule::ALL");
    let mut text = f.message.clone();
    if !f.chain.is_empty() {
        text.push_str(&format!(" (chain: {})", f.chain.join(" → ")));
    }
    let mut location = physical(artifact_at(&f.relative_path), Some(f.line), Some(f.column));
    location["logicalLocations"] = json!([{ "name": f.type_name, "kind": "type" }]);
    let mut r = json!({
        "ruleId": f.rule.id(),
        "ruleIndex": rule_index,
        "level": sarif_level(f.level),
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": {
            "typeName": f.type_name,
            "chain": f.chain,
            "returnedBy": f.returned_by,
        },
    });
    if let Some(p) = &f.package {
        r["properties"]["package"] = p.as_str().into();
    }
    if baselined {
        r["baselineState"] = "new".into();
    }
    r
}

fn notification(e: &FileError, root: Option<&Path>) -> Value {
    json!({
        "level": "error",
        "descriptor": { "id": "parse-error" },
        "message": { "text": format!("could not check {}: {}", e.file.display(), e.message) },
        "locations": [physical(artifact(&e.file, root), e.line, e.column)],
    })
}

/// The SARIF log of a report as a JSON value, with URIs relative to `root` (the stable root;
/// relative file paths are relative to the current directory).
pub fn to_value(report: &Report, root: Option<&Path>) -> Value {
    let baselined = report.baseline.is_some();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "errguard",
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": Rule::ALL.into_iter().map(rule_descriptor).collect::<Vec<_>>(),
            }
        },
        "invocations": [{
            "executionSuccessful": report.errors.is_empty(),
            "toolExecutionNotifications":
                report.errors.iter().map(|e| notification(e, root)).collect::<Vec<_>>(),
        }],
        "columnKind": "unicodeCodePoints",
        "results": report.findings.iter().map(|f| result(f, baselined)).collect::<Vec<_>>(),
    });
    if let Some(root) = root.and_then(|r| r.to_str()) {
        let mut uri = file_uri(&relative_to(Path::new(root), None));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": uri } });
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

impl Emitter for Sarif {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let root = report.root.clone().or_else(|| std::env::current_dir().ok());
        serde_json::to_writer_pretty(&mut *out, &to_value(report, root.as_deref()))?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_encoded_and_slashed() {
        let root = Path::new("/work/my proj");
        assert_eq!(
            artifact(Path::new("/work/my proj/src/a b#%.rs"), Some(root)),
            json!({ "uri": "src/a%20b%23%25.rs", "uriBaseId": SRCROOT })
        );
        assert_eq!(
            artifact(Path::new("/work/my proj/./src/é.rs"), Some(root)),
            json!({ "uri": "src/%C3%A9.rs", "uriBaseId": SRCROOT })
        );
        assert_eq!(
            artifact(Path::new("/other/x.rs"), Some(root)),
            json!({ "uri": "file:///other/x.rs" })
        );
        let report = Report::default();
        let v = to_value(&report, Some(root));
        assert_eq!(
            v["runs"][0]["originalUriBaseIds"][SRCROOT]["uri"],
            "file:///work/my%20proj/"
        );
        assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn regions_leave_out_unknown_positions() {
        assert_eq!(region(None, Some(3)), None);
        assert_eq!(region(Some(2), None), Some(json!({ "startLine": 2 })));
        assert_eq!(
            region(Some(2), Some(5)),
            Some(json!({ "startLine": 2, "startColumn": 5 }))
        );
    }
}
