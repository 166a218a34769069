//! End-to-end tests of the output half: `--format sarif|github|json` on the fixtures (snapshots,
//! and the SARIF log checked against the official SARIF 2.1.0 schema), `--output`, baselines
//! and `explain`, by running the real `cargo-errguard` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-errguard");

/// A fresh temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "errguard-formats-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap()
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The workspace root, so the fixtures are scanned as `fixtures/…`.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn fixtures(format: &str) -> Output {
    let o = run(&workspace(), &["check", "--format", format, "fixtures"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    o
}

fn sarif_schema() -> jsonschema::Validator {
    // The vendored file is the official schema, byte for byte (as shipped by the `serde-sarif`
    // crate, from oasis-tcs/sarif-spec). Its `language` pattern has an unescaped `]`, legal only
    // in JavaScript's lenient (Annex B) regex syntax, and `jsonschema` checks patterns against
    // strict ECMA-262 when it validates the schema itself; escaping it (`\]`) means the same
    // and lets the schema compile. `language` is a property errguard never writes.
    const QUIRK: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    const FIXED: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;
    let text = include_str!("data/sarif-schema-2.1.0.json");
    assert_eq!(
        text.matches(QUIRK).count(),
        2,
        "the vendored schema changed"
    );
    let schema: Value = serde_json::from_str(&text.replace(QUIRK, FIXED)).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_snapshot_on_the_fixtures() {
    let mut v = json(&fixtures("sarif"));
    let run = &mut v["runs"][0];
    // The only absolute path and the only version-dependent values.
    let base = &mut run["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    // An absolute `file://` URI of the scan root (percent-encoded, so not compared verbatim).
    let root = base.as_str().unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    *base = "[root]".into();
    let driver = &mut run["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    insta::assert_snapshot!("sarif_fixtures", serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn sarif_follows_the_official_schema() {
    let validator = sarif_schema();
    let log = json(&fixtures("sarif"));
    assert_eq!(schema_errors(&validator, &log), Vec::<String>::new());

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "heap-buffer",
            "generic-payload",
            "large-inline",
            "unbounded-collection",
            "unused-allow"
        ]
    );
    for r in rules {
        let md = r["help"]["markdown"].as_str().unwrap();
        assert!(md.starts_with(&format!("# `{}`", r["id"].as_str().unwrap())));
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 50, "{}", results.len());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/") && !uri.contains('\\'), "{uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let fp = r["partialFingerprints"]["errguardFingerprint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 16);
    }
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    let uris: Vec<&str> = notes
        .iter()
        .map(|n| {
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"fixtures/bad/syntax_error.rs"), "{uris:?}");
    assert!(uris.contains(&"fixtures/bad/not_utf8.rs"), "{uris:?}");

    // The check has teeth: broken copies are refused.
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 4] = [
        ("no version", |v| {
            v.as_object_mut().unwrap().remove("version");
        }),
        ("unknown level", |v| {
            v["runs"][0]["results"][0]["level"] = "fatal".into();
        }),
        ("line 0", |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into();
        }),
        ("message without text", |v| {
            v["runs"][0]["results"][0]["message"] = serde_json::json!({});
        }),
    ];
    for (what, breaks) in breakages {
        let mut broken = log.clone();
        breaks(&mut broken);
        assert!(
            !schema_errors(&validator, &broken).is_empty(),
            "a log with {what} passed validation"
        );
    }
}

#[test]
fn github_snapshot_on_the_fixtures() {
    let out = stdout(&fixtures("github"));
    for line in out.lines() {
        assert!(
            line.starts_with("::error file=fixtures/")
                || line.starts_with("::warning file=fixtures/"),
            "{line}"
        );
    }
    assert!(out.contains("title=errguard parse-error::"));
    insta::assert_snapshot!("github_fixtures", out);
}

#[test]
fn json_snapshot_on_the_fixtures() {
    let mut v = json(&fixtures("json"));
    assert!(v["summary"]["elapsed_ms"].is_u64());
    v["summary"]["elapsed_ms"] = "[elapsed]".into();
    assert!(v.get("baseline").is_none());
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
    }
    insta::assert_snapshot!("json_fixtures", serde_json::to_string_pretty(&v).unwrap());
}

const ERRORS: &str = r#"use std::error::Error;

#[derive(Debug)]
pub enum FetchError {
    Timeout,
    Status { code: u16, body: Vec<u8> },
}

impl Error for FetchError {}

pub fn fetch() -> Result<(), FetchError> {
    todo!()
}
"#;

const NEW_ERROR: &str = r#"
#[derive(Debug)]
pub struct SendError<T>(pub T);

impl<T: std::fmt::Debug> Error for SendError<T> {}
"#;

const CLEAN: &str = "pub fn add(a: u32, b: u32) -> u32 { a + b }\n";

#[test]
fn output_writes_the_report_to_a_file() {
    let t = TempDir::new("output");
    t.write("src/lib.rs", ERRORS);
    // An existing, longer file is truncated.
    t.write("report.sarif", "x".repeat(100_000));
    let o = run(
        t.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
            "src",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let log: Value = serde_json::from_str(&t.read("report.sarif")).unwrap();
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "heap-buffer");
    assert_eq!(schema_errors(&sarif_schema(), &log), Vec::<String>::new());

    // Clean: exit 0, and human output (no colours) goes to the file too.
    let c = TempDir::new("output-clean");
    c.write("src/lib.rs", CLEAN);
    let o = run(
        c.path(),
        &["check", "-o", "out.txt", "--color", "auto", "src"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let text = c.read("out.txt");
    assert!(text.starts_with("errguard: checked 1 file"), "{text}");
    assert!(!text.contains('\x1b'));

    // A folder that does not exist: exit 2, naming the path.
    let o = run(
        t.path(),
        &["check", "--output", "no/such/dir/report.json", "src"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write the report to no/such/dir/report.json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn github_and_sarif_exit_codes() {
    let t = TempDir::new("github");
    t.write("src/lib.rs", ERRORS);
    let o = run(t.path(), &["check", "--format", "github", "src"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with("::error file=src/lib.rs,line=4,col=10,title=errguard heap-buffer::"),
        "{out}"
    );
    // Warn level is a warning and does not fail the run.
    let o = run(
        t.path(),
        &["check", "--format", "github", "-W", "heap-buffer", "src"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("::warning file=src/lib.rs,line=4,col=10,"));
    let c = TempDir::new("github-clean");
    c.write("src/lib.rs", CLEAN);
    let o = run(c.path(), &["check", "--format", "github", "src"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let o = run(c.path(), &["check", "--format", "sarif", "src"]);
    assert_eq!(o.status.code(), Some(0));
    let log = json(&o);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert_eq!(schema_errors(&sarif_schema(), &log), Vec::<String>::new());
    let o = run(c.path(), &["check", "--format", "yaml", "src"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn baselines_accept_todays_findings_and_fail_on_new_ones() {
    let t = TempDir::new("baseline");
    t.write("src/lib.rs", ERRORS);
    let o = run(
        t.path(),
        &["check", "--write-baseline", "errguard-baseline.json", "src"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("wrote 1 baseline entry to errguard-baseline.json (0 files not checked)")
    );
    let b: Value = serde_json::from_str(&t.read("errguard-baseline.json")).unwrap();
    assert_eq!(b["version"], 1);
    let entries = b["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["rule"], "heap-buffer");
    assert_eq!(entries[0]["type"], "FetchError");
    assert_eq!(entries[0]["file"], "src/lib.rs");
    let fp = entries[0]["fingerprint"].as_str().unwrap().to_string();

    let check = |format: &str| {
        run(
            t.path(),
            &[
                "check",
                "--baseline",
                "errguard-baseline.json",
                "--format",
                format,
                "src",
            ],
        )
    };

    // Unchanged, then a line added above the error type: still baselined.
    let o = check("human");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    t.write("src/lib.rs", format!("//! A new doc line.\n\n{ERRORS}"));
    let o = check("json");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["baseline"]["suppressed"], 1);
    assert_eq!(v["baseline"]["stale"].as_array().unwrap().len(), 0);

    // A new error type: exit 1 with only the new finding.
    t.write(
        "src/lib.rs",
        format!("//! A new doc line.\n\n{ERRORS}{NEW_ERROR}"),
    );
    let o = check("json");
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v:#}");
    assert_eq!(findings[0]["type"], "SendError");
    assert_eq!(findings[0]["rule"], "generic-payload");
    let o = check("sarif");
    assert_eq!(o.status.code(), Some(1));
    let log = json(&o);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert_eq!(log["runs"][0]["results"][0]["baselineState"], "new");
    assert_eq!(schema_errors(&sarif_schema(), &log), Vec::<String>::new());

    // The baselined type is fixed: its entry is stale, in every format.
    t.write("src/lib.rs", format!("use std::error::Error;\n{NEW_ERROR}"));
    let o = check("human");
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "baseline errguard-baseline.json: 0 findings accepted, 1 entry no longer matches"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "stale: heap-buffer `FetchError` in src/lib.rs ({fp}): remove it from the baseline"
        )),
        "{out}"
    );
    let v = json(&check("json"));
    assert_eq!(v["baseline"]["file"], "errguard-baseline.json");
    assert_eq!(v["baseline"]["stale"][0]["fingerprint"], fp.as_str());
    assert_eq!(v["baseline"]["stale"][0]["type"], "FetchError");
    for format in ["sarif", "github"] {
        let o = check(format);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains(&format!(
                "stale entry heap-buffer `FetchError` in src/lib.rs ({fp})"
            )),
            "{format}: {}",
            stderr(&o)
        );
    }
    // GitHub output also carries them, as notices on the baseline file.
    let out = stdout(&check("github"));
    let notice = format!(
        "::notice file=errguard-baseline.json,title=errguard stale-baseline::stale baseline entry \
         heap-buffer `FetchError` in src/lib.rs ({fp}) matches nothing; remove it"
    );
    assert!(out.lines().any(|l| l == notice), "{out}");
}

#[test]
fn strict_baseline_fails_on_stale_entries() {
    let t = TempDir::new("strict");
    t.write("src/lib.rs", format!("{ERRORS}{NEW_ERROR}"));
    let write = run(t.path(), &["check", "--write-baseline", "b.json", "src"]);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--baseline", "b.json"];
        args.extend_from_slice(extra);
        args.push("src");
        run(t.path(), &args)
    };
    assert_eq!(check(&["--strict-baseline"]).status.code(), Some(0));
    // SendError is fixed: its entry is stale; only --strict-baseline fails on it.
    t.write("src/lib.rs", ERRORS);
    assert_eq!(check(&[]).status.code(), Some(0));
    let o = check(&["--strict-baseline", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--strict-baseline: 1 stale entry in b.json; remove it"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).starts_with("::notice file=b.json,"),
        "{}",
        stdout(&o)
    );
    // It needs a baseline.
    let o = run(t.path(), &["check", "--strict-baseline", "src"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_baselines_exit_2_naming_the_file() {
    let t = TempDir::new("bad-baseline");
    t.write("src/lib.rs", ERRORS);
    t.write("garbage.json", "{ not json");
    t.write("future.json", r#"{"version": 9, "findings": []}"#);
    for (file, problem) in [
        ("missing.json", "cannot read"),
        ("garbage.json", "not valid"),
        ("future.json", "unsupported version 9"),
    ] {
        let o = run(t.path(), &["check", "--baseline", file, "src"]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("baseline {file}: {problem}")),
            "{file}: {err}"
        );
        assert_eq!(stdout(&o), "");
    }
    // Writing and reading a baseline at once is a usage error.
    let o = run(
        t.path(),
        &[
            "check",
            "--baseline",
            "a.json",
            "--write-baseline",
            "b.json",
            "src",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    // A baseline that cannot be written.
    let o = run(
        t.path(),
        &["check", "--write-baseline", "no/such/dir/b.json", "src"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("baseline no/such/dir/b.json: cannot write"));
}

#[test]
fn explain_prints_a_rule_or_lists_them() {
    let dir = std::env::temp_dir();
    let o = run(&dir, &["explain", "heap-buffer"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), include_str!("../../docs/rules/heap-buffer.md"));
    // As a cargo subcommand, and with the `_` spelling.
    let o = run(&dir, &["errguard", "explain", "large_inline"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# `large-inline`"));

    let o = run(&dir, &["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unknown rule `no-such-rule`")
            && err.contains("heap-buffer, generic-payload, large-inline, unbounded-collection"),
        "{err}"
    );

    let list = run(&dir, &["explain", "--list"]);
    assert_eq!(list.status.code(), Some(0));
    let bare = run(&dir, &["explain"]);
    assert_eq!(bare.status.code(), Some(0));
    assert_eq!(stdout(&list), stdout(&bare));
    insta::assert_snapshot!("explain_list", stdout(&list));
}

#[test]
fn ci_always_runs_the_self_lint_and_the_readme_installs_from_git() {
    let root = workspace();
    let run_script = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    // Not behind `[ -x … ]`: a lost executable bit must not skip the self-lint silently.
    assert!(
        run_script.lines().any(|l| l.trim() == "bash .ci/self-lint"),
        "{run_script}"
    );
    assert!(!run_script.contains("-x .ci/self-lint"), "{run_script}");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let ci = readme
        .split("### In CI")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap();
    // The Actions example works for any project, not only inside this repository.
    let install = ci
        .lines()
        .find(|l| l.contains("- run: cargo install"))
        .unwrap();
    assert!(
        install.contains(&format!(
            "--git {} errguard-lint",
            env!("CARGO_PKG_REPOSITORY")
        )),
        "{install}"
    );
    assert!(!install.contains("--path"), "{install}");
}
