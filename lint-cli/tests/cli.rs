//! End-to-end tests: run the real `cargo-errguard` binary on small projects written to a
//! temporary folder, and check its output and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-errguard");

/// A fresh temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "errguard-cli-{}-{}-{name}",
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

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The elapsed time is the only thing that changes between runs.
fn redact(s: &str) -> String {
    s.lines()
        .map(|l| match (l.find(" in "), l.find(" ms:")) {
            (Some(a), Some(b)) if l.starts_with("errguard: checked") && a < b => {
                format!("{} in [elapsed] ms:{}", &l[..a], &l[b + 4..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const FETCH: &str = r#"//! An HTTP client's error.
use std::error::Error;

/// A header line kept raw.
pub struct HeaderLine(pub Vec<u8>);

pub struct Header {
    pub name: String,
    pub line: HeaderLine,
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<Header>,
}

#[derive(Debug)]
pub enum FetchError {
    Timeout,
    Status(u16, Response),
}

impl Error for FetchError {}

pub fn fetch(url: &str) -> Result<Vec<u8>, FetchError> {
    todo!()
}

pub async fn fetch_again(url: &str) -> Result<Vec<u8>, FetchError> {
    todo!()
}

pub struct Stats {
    pub buckets: [u64; 20],
}

#[derive(Debug, thiserror::Error)]
#[error("too slow")]
pub struct TooSlow {
    pub stats: Stats,
}
"#;

const CLEAN: &str = r#"
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("missing key {key}")]
    Missing { key: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub fn load(path: &std::path::Path) -> Result<String, ConfigError> {
    todo!()
}
"#;

fn project() -> TempDir {
    let t = TempDir::new("proj");
    t.write("src/lib.rs", FETCH);
    t.write("src/config.rs", CLEAN);
    t
}

#[test]
fn human_output_is_rustc_style() {
    let t = project();
    let o = run(t.path(), &["check", "src"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = redact(&stdout(&o));
    assert!(out.contains("error[heap-buffer]"));
    assert!(out.contains("--> src/lib.rs:18:10"), "{out}");
    assert!(out.contains("^^^^^^^^^^"), "a caret under the name: {out}");
    insta::assert_snapshot!("human_output", out);
}

#[test]
fn human_snapshot_on_the_fixtures() {
    // From the workspace root, like the other formats' fixture snapshots.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let o = run(root, &["check", "fixtures"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = redact(&stdout(&o));
    assert!(!out.contains('\x1b'), "NO_COLOR: no escapes");
    assert!(out.contains("--> fixtures/heap_buffer_vec_u8.rs:"), "{out}");
    assert!(
        out.contains("error[parse-error]: could not check fixtures/bad/"),
        "{out}"
    );
    let last = out.lines().last().unwrap();
    assert!(last.contains(" in [elapsed] ms: "), "{last}");
    insta::assert_snapshot!("human_fixtures", out);
}

#[test]
fn json_output_follows_schema_version_1() {
    let t = project();
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{v:#}");
    let f = &findings[0];
    assert_eq!(f["rule"], "heap-buffer");
    assert_eq!(f["level"], "deny");
    assert_eq!(f["type"], "FetchError");
    assert_eq!(f["file"], "src/lib.rs");
    assert_eq!(f["line"], 18);
    assert_eq!(f["column"], 10);
    assert_eq!(f["returned_by"], 2);
    let chain: Vec<&str> = f["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        chain,
        [
            "FetchError::Status.1: Response",
            "Response.headers: Vec<Header>",
            "Header.line: HeaderLine",
            "HeaderLine.0: Vec<u8>",
        ]
    );
    assert!(f["message"].as_str().unwrap().contains("FetchError"));
    let g = &findings[1];
    assert_eq!(g["rule"], "large-inline");
    assert_eq!(g["level"], "warn");
    assert_eq!(g["type"], "TooSlow");
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    let s = &v["summary"];
    assert_eq!(s["files"], 2);
    assert_eq!(s["findings"], 2);
    assert_eq!(s["parse_errors"], 0);
    assert_eq!(s["bytes"], (FETCH.len() + CLEAN.len()) as u64);
    assert!(s["elapsed_ms"].is_u64());
}

#[test]
fn exit_0_when_nothing_fails() {
    let t = TempDir::new("clean");
    t.write("src/lib.rs", CLEAN);
    let o = run(t.path(), &["check", "src"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 errors, 0 warnings"));

    // Warnings alone do not fail the run.
    let t = project();
    let o = run(
        t.path(),
        &["check", "-A", "heap-buffer", "--format", "json", "src"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["level"], "warn");
}

#[test]
fn levels_can_be_raised() {
    let t = TempDir::new("levels");
    t.write(
        "a.rs",
        "pub struct Big { a: [u64; 40] }\nimpl std::error::Error for Big {}\n",
    );
    assert_eq!(run(t.path(), &["check", "a.rs"]).status.code(), Some(0));
    assert_eq!(
        run(t.path(), &["check", "-D", "large-inline", "a.rs"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(
            t.path(),
            &[
                "check",
                "--max-error-size",
                "512",
                "-D",
                "large-inline",
                "a.rs"
            ]
        )
        .status
        .code(),
        Some(0)
    );
    // Off-by-default rule, switched on.
    t.write(
        "b.rs",
        "pub struct Many { items: Vec<String> }\nimpl std::error::Error for Many {}\n",
    );
    let o = run(
        t.path(),
        &[
            "check",
            "--format",
            "json",
            "-W",
            "unbounded-collection",
            "b.rs",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "unbounded-collection");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn exit_2_on_a_nonexistent_path() {
    let t = TempDir::new("missing");
    let o = run(t.path(), &["check", "does/not/exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such file or directory: does/not/exist"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn exit_2_on_usage_errors() {
    let t = TempDir::new("usage");
    for args in [
        &["check", "--no-such-flag"][..],
        &["check", "-D", "no-such-rule"],
        &["frobnicate"],
        &["check", "--format", "xml"],
        &[],
    ] {
        let o = run(t.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let o = run(t.path(), &["check", "-D", "no-such-rule"]);
    assert!(
        stderr(&o).contains("heap-buffer"),
        "lists the rules: {}",
        stderr(&o)
    );
}

#[test]
fn works_as_a_cargo_subcommand_and_defaults_to_the_current_folder() {
    let t = project();
    // `cargo errguard check` runs `cargo-errguard errguard check`.
    let o = run(t.path(), &["errguard", "check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 2);
    // Relative to the run's root, without the walker's `./`.
    assert_eq!(v["findings"][0]["file"], "src/lib.rs");
}

#[test]
fn parse_errors_are_reported_and_the_scan_goes_on() {
    let t = project();
    t.write(
        "src/broken.rs",
        "pub struct Ok1;\n\npub enum Broken {\n    A(u8\n}\n",
    );
    t.write("src/syntax.rs", "pub struct S { x: u8 u8 }\n");
    t.write("src/latin1.rs", b"// caf\xe9\npub struct L;\n");
    t.write("src/empty.rs", "");
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(1), "findings still fail the run");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        2,
        "the scan went on"
    );
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let by_file = |name: &str| {
        errors
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no error for {name}: {errors:#?}"))
    };
    let latin1 = by_file("latin1.rs");
    assert!(latin1["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(latin1["line"], 1);
    assert_eq!(latin1["column"], 7);
    let syntax = by_file("syntax.rs");
    assert_eq!(syntax["line"], 1);
    assert_eq!(syntax["column"], 22);
    let broken = by_file("broken.rs");
    assert!(broken["line"].is_u64());
    assert_eq!(v["summary"]["parse_errors"], 3);
    assert_eq!(v["summary"]["files"], 6);

    // The human format reports them with file:line:column.
    let o = run(t.path(), &["check", "src"]);
    let out = stdout(&o);
    assert!(out.contains("could not check src/syntax.rs:1:22"), "{out}");
    assert!(
        out.contains("could not check src/latin1.rs:1:7: not valid UTF-8"),
        "{out}"
    );
    assert!(out.contains("3 files not checked"), "{out}");
}

#[test]
fn empty_folders_huge_files_and_deep_nesting() {
    let t = TempDir::new("edge");
    std::fs::create_dir_all(t.path().join("empty")).unwrap();
    let o = run(t.path(), &["check", "--format", "json", "empty"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 0);

    t.write("big/a.rs", "pub struct A;\n".repeat(100));
    let o = run(
        t.path(),
        &["check", "--format", "json", "--max-file-size", "100", "big"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("over the 100-byte limit")
    );

    let deep_type = format!(
        "pub struct D {{ x: {}u8{} }}\n",
        "Vec<".repeat(20_000),
        ">".repeat(20_000)
    );
    let deep_expr = format!(
        "pub fn f() -> u8 {{ {}1{} }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    t.write("deep/type.rs", deep_type);
    t.write("deep/expr.rs", deep_expr);
    t.write(
        "deep/ok.rs",
        "pub struct E { body: Vec<u8> }\nimpl std::error::Error for E {}\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "deep"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v:#}");
    assert!(
        v["errors"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("type.rs")
    );
    assert_eq!(v["findings"][0]["type"], "E");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let t = TempDir::new("loop");
    t.write(
        "src/lib.rs",
        "pub struct E { data: bytes::Bytes }\nimpl std::error::Error for E {}\n",
    );
    std::os::unix::fs::symlink(t.path().join("src"), t.path().join("src/again")).unwrap();
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        1,
        "the file is checked once"
    );
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("symlink loop")),
        "{errors:#?}"
    );
}

#[test]
fn gitignored_files_and_target_folders_are_skipped() {
    let t = TempDir::new("ignore");
    std::fs::create_dir_all(t.path().join(".git")).unwrap();
    t.write(".gitignore", "generated/\n");
    t.write("Cargo.toml", "[package]\nname = \"x\"\n");
    let bad = "pub struct E { data: Vec<u8> }\nimpl std::error::Error for E {}\n";
    t.write("generated/a.rs", bad);
    t.write("target/debug/build/b.rs", bad);
    t.write("src/lib.rs", "pub struct Fine;\n");
    let o = run(t.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    // An explicit exclude.
    t.write("src/benches_like/x.rs", bad);
    assert_eq!(run(t.path(), &["check"]).status.code(), Some(1));
    assert_eq!(
        run(t.path(), &["check", "--exclude", "benches_like"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn suppressions_with_the_allow_marker() {
    let t = TempDir::new("allow");
    t.write(
        "a.rs",
        "#[derive(Debug, thiserror::Error)]\n#[errguard::allow(heap-buffer, reason = \"test double\")]\npub struct E { data: Vec<u8> }\n",
    );
    assert_eq!(run(t.path(), &["check", "a.rs"]).status.code(), Some(0));
    t.write(
        "a.rs",
        "#[derive(Debug, thiserror::Error)]\n#[errguard::allow(large-inline, reason = \"other rule\")]\npub struct E { data: Vec<u8> }\n",
    );
    assert_eq!(run(t.path(), &["check", "a.rs"]).status.code(), Some(1));
}
