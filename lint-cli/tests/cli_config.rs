//! End-to-end tests of configuration and suppressions: config files (discovery, precedence,
//! every error), `#[errguard::allow]` on types, variants and fields, `// errguard:` comments,
//! config `ignore` entries, `unused-allow`, `-D warnings`, and `--workspace` /
//! `--manifest-path` on a temporary two-member workspace.

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
            "errguard-cfg-{}-{}-{name}",
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

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)))
}

/// (rule, line) of every finding, in order.
fn rules(o: &Output) -> Vec<(String, u64)> {
    json(o)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// One heap-buffer error (deny) and one large error (warn, 160 bytes).
const SRC: &str = "\
pub struct FetchError { pub body: Vec<u8> }
impl std::error::Error for FetchError {}
pub struct TooSlow { pub buckets: [u64; 20] }
impl std::error::Error for TooSlow {}
";

fn project(config: &str) -> TempDir {
    let t = TempDir::new("proj");
    t.write("src/lib.rs", SRC);
    if !config.is_empty() {
        t.write("errguard.toml", config);
    }
    t
}

/// Runs with a bad `errguard.toml` and checks exit 2 and a message naming the file with the
/// position (`errguard.toml:LINE:COL`), the key and what is wrong.
fn bad_config(config: &str, at: &str, key: &str, what: &str) -> String {
    let t = project(config);
    let o = run(t.path(), &["check", "src"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{config}: {err}");
    assert!(
        err.contains(&format!("bad config errguard.toml:{at}: key `{key}`: ")),
        "{config:?}: names errguard.toml:{at} and `{key}`: {err}"
    );
    assert!(err.contains(what), "{config:?}: says `{what}`: {err}");
    assert!(!err.contains("struct"), "no serde internals: {err}");
    assert!(stdout(&o).is_empty(), "no report on a bad config");
    err
}

#[test]
fn config_errors_exit_2_naming_file_position_and_key() {
    // (config, line:column, key, what is wrong)
    let cases = [
        ("max-error-size = \n", "1:18", "max-error-size", "string"),
        (
            "max-eror-size = 3\n",
            "1:1",
            "max-eror-size",
            "did you mean `max-error-size`?",
        ),
        (
            "[rules]\nheap-buffer = \"warn\"\n[rule]\n",
            "3:2",
            "rule",
            "did you mean `rules`?",
        ),
        (
            "max-error-size = \"big\"\n",
            "1:18",
            "max-error-size",
            "invalid type",
        ),
        ("max-error-size = -1\n", "1:18", "max-error-size", "not -1"),
        (
            "max-error-size = 1\nmax-error-size = 2\n",
            "2:1",
            "max-error-size",
            "duplicate key",
        ),
        (
            "buffer-types = \"Blob\"\n",
            "1:16",
            "buffer-types",
            "expected an array",
        ),
        (
            "buffer-types = [\"not a path\"]\n",
            "1:17",
            "buffer-types[0]",
            "is not a type path",
        ),
        (
            "payload-fields = [\"ok\", \"a.b\"]\n",
            "1:25",
            "payload-fields[1]",
            "`a.b` is not a field name",
        ),
        ("rules = \"deny\"\n", "1:9", "rules", "expected a table"),
        (
            "[rules]\nheap-bufer = \"warn\"\n",
            "2:1",
            "rules.heap-bufer",
            "did you mean `heap-buffer`?",
        ),
        (
            "[rules]\nheap-buffer = \"fatal\"\n",
            "2:15",
            "rules.heap-buffer",
            "unknown level `fatal`",
        ),
        (
            "[rules]\nheap-buffer = \"dney\"\n",
            "2:15",
            "rules.heap-buffer",
            "did you mean `deny`?",
        ),
        (
            "[rules]\nheap-buffer = 2\n",
            "2:15",
            "rules.heap-buffer",
            "expected a string",
        ),
        (
            "[rules]\nwarnings = \"deny\"\n",
            "2:1",
            "rules.warnings",
            "-D warnings",
        ),
        (
            "type-sizes = [1]\n",
            "1:14",
            "type-sizes",
            "expected a table",
        ),
        (
            "[type-sizes]\n\"ext::Frame\" = -8\n",
            "2:16",
            "type-sizes.\"ext::Frame\"",
            "not -8",
        ),
        (
            "[type-sizes]\n\"ext Frame\" = 8\n",
            "2:1",
            "type-sizes.\"ext Frame\"",
            "is not a type path",
        ),
        (
            "ignore = [{ reason = \"r\" }]\n",
            "1:11",
            "ignore[0].type",
            "has no `type`",
        ),
        (
            "ignore = [{ type = \"a-b\", reason = \"r\" }]\n",
            "1:20",
            "ignore[0].type",
            "is not a type path",
        ),
        (
            "ignore = [{ type = \"FetchError\" }]\n",
            "1:11",
            "ignore[0].reason",
            "no `reason`",
        ),
        (
            "ignore = [{ type = \"FetchError\", reason = \"\" }]\n",
            "1:43",
            "ignore[0].reason",
            "must not be empty",
        ),
        (
            "ignore = [{ type = \"A\", reason = \"r\" }, { type = \"B\", why = \"x\" }]\n",
            "1:55",
            "ignore[1].why",
            "unknown key `why`",
        ),
        (
            "ignore = { type = \"A\" }\n",
            "1:10",
            "ignore",
            "expected an array",
        ),
    ];
    for (config, at, key, what) in cases {
        bad_config(config, at, key, what);
    }
}

#[test]
fn cargo_toml_metadata_errors_name_the_manifest_and_the_full_key() {
    let t = project("");
    let manifest = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[package.metadata.errguard]\nmax-error-size = 64\n";
    // (the errguard part, line:column, full key, what is wrong)
    let cases = [
        (
            "bufer-types = []\n",
            "7:1",
            "package.metadata.errguard.bufer-types",
            "did you mean `buffer-types`?",
        ),
        (
            "[package.metadata.errguard.rules]\nx = \"deny\"\n",
            "8:1",
            "package.metadata.errguard.rules.x",
            "unknown rule id `x`",
        ),
        (
            "ignore = [{ type = \"A\" }]\n",
            "7:11",
            "package.metadata.errguard.ignore[0].reason",
            "no `reason`",
        ),
        (
            "max-error-size = 65\n",
            "7:1",
            "package.metadata.errguard.max-error-size",
            "duplicate key",
        ),
        (
            "[workspace]\n[workspace.metadata.errguard]\npayload-fields = [\"\"]\n",
            "9:19",
            "workspace.metadata.errguard.payload-fields[0]",
            "is not a field name",
        ),
    ];
    for (extra, at, key, what) in cases {
        t.write("Cargo.toml", format!("{manifest}{extra}"));
        let o = run(t.path(), &["check", "src"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("bad config Cargo.toml:{at}: key `{key}`: ")),
            "{extra:?}: {err}"
        );
        assert!(err.contains(what), "{extra:?}: {err}");
    }
}

#[test]
fn package_metadata_wins_over_workspace_metadata_key_by_key() {
    let t = project("");
    t.write(
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\
         [package.metadata.errguard.rules]\nheap-buffer = \"warn\"\n\
         [workspace]\n\
         [workspace.metadata.errguard]\nmax-error-size = 512\n\
         [workspace.metadata.errguard.rules]\nheap-buffer = \"deny\"\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    // The workspace's size limit (TooSlow is 160 bytes: not reported), the package's level.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(rules(&o), [("heap-buffer".into(), 1)]);
    assert_eq!(json(&o)["findings"][0]["level"], "warn");
}

#[test]
fn config_file_given_with_config_must_exist_and_be_valid() {
    let t = project("");
    let o = run(t.path(), &["check", "--config", "missing.toml", "src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
    t.write("Cargo.toml", "[package]\nname = \"x\"\n");
    let o = run(t.path(), &["check", "--config", "Cargo.toml", "src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("[package.metadata.errguard]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn precedence_defaults_then_config_then_command_line() {
    // Defaults: heap-buffer denies, large-inline warns.
    let t = project("");
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        rules(&o),
        [("heap-buffer".into(), 1), ("large-inline".into(), 3)]
    );

    // The config lowers heap-buffer and raises the size limit.
    let t = project("max-error-size = 512\n[rules]\nheap-buffer = \"warn\"\n");
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(rules(&o), [("heap-buffer".into(), 1)]);
    assert_eq!(json(&o)["findings"][0]["level"], "warn");

    // The command line wins over the config.
    let o = run(
        t.path(),
        &[
            "check",
            "--format",
            "json",
            "-D",
            "heap-buffer",
            "--max-error-size",
            "128",
            "src",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        rules(&o),
        [("heap-buffer".into(), 1), ("large-inline".into(), 3)]
    );
    assert_eq!(json(&o)["findings"][0]["level"], "deny");

    // A rule the config denies can be allowed on the command line.
    let t = project("[rules]\nlarge-inline = \"deny\"\n");
    assert_eq!(run(t.path(), &["check", "src"]).status.code(), Some(1));
    let o = run(
        t.path(),
        &["check", "-A", "large-inline", "-A", "heap-buffer", "src"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn discovery_order_and_config_override() {
    let t = TempDir::new("discover");
    t.write("ws/crate/src/lib.rs", SRC);
    // A Cargo.toml without errguard metadata is passed over.
    t.write("ws/crate/Cargo.toml", "[package]\nname = \"c\"\n");
    t.write(
        "ws/Cargo.toml",
        "[workspace]\nmembers = [\"crate\"]\n[workspace.metadata.errguard.rules]\nheap-buffer = \"allow\"\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "ws/crate/src"]);
    assert_eq!(rules(&o), [("large-inline".into(), 3)]);

    // errguard.toml beats the Cargo.toml of the same folder.
    t.write("ws/errguard.toml", "[rules]\nlarge-inline = \"allow\"\n");
    let o = run(t.path(), &["check", "--format", "json", "ws/crate/src"]);
    assert_eq!(rules(&o), [("heap-buffer".into(), 1)]);

    // A nearer package table beats both.
    t.write(
        "ws/crate/Cargo.toml",
        "[package]\nname = \"c\"\n[package.metadata.errguard]\nmax-error-size = 1024\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "ws/crate/src"]);
    assert_eq!(rules(&o), [("heap-buffer".into(), 1)]);
    let o = run(
        t.path(),
        &[
            "check",
            "--format",
            "json",
            "--max-error-size",
            "100",
            "ws/crate/src",
        ],
    );
    assert_eq!(
        rules(&o),
        [("heap-buffer".into(), 1), ("large-inline".into(), 3)]
    );

    // --config skips discovery.
    t.write(
        "other.toml",
        "[rules]\nheap-buffer = \"allow\"\nlarge-inline = \"allow\"\n",
    );
    let o = run(
        t.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "other.toml",
            "ws/crate/src",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(rules(&o).is_empty());
}

#[test]
fn buffer_types_payload_fields_and_type_sizes() {
    let t = TempDir::new("known");
    t.write(
        "src/lib.rs",
        "use store::Blob;\n\
         pub struct SaveError { pub blob: Blob }\n\
         impl std::error::Error for SaveError {}\n\
         pub struct LoadError { pub last_snapshot: String }\n\
         impl std::error::Error for LoadError {}\n\
         pub struct FrameError { pub frames: [ext::Frame; 4] }\n\
         impl std::error::Error for FrameError {}\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert!(rules(&o).is_empty(), "{:?}", rules(&o));
    t.write(
        "errguard.toml",
        "buffer-types = [\"store::Blob\"]\npayload-fields = [\"snapshot\"]\n[type-sizes]\n\"ext::Frame\" = 48\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(
        rules(&o),
        [
            ("heap-buffer".into(), 2),
            ("heap-buffer".into(), 4),
            ("large-inline".into(), 6)
        ]
    );
    let v = json(&o);
    assert!(
        v["findings"][2]["message"]
            .as_str()
            .unwrap()
            .contains("about 192 bytes"),
        "{v}"
    );
}

const SUPPRESSED: &str = r#"#[derive(Debug, thiserror::Error)]
#[errguard::allow(heap-buffer, reason = "test double")]
pub struct WholeType { body: Vec<u8> }

#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub enum OneVariant {
    #[errguard::allow(heap-buffer, reason = "bodies are capped at 4 KiB upstream")]
    Status { body: Vec<u8> },
    Timeout,
}

#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub struct OneField {
    #[errguard::allow(heap-buffer, reason = "a 16-byte nonce")]
    nonce: Vec<u8>,
    rest: Vec<u8>,
}

// errguard: allow(heap-buffer) -- parsed once at start-up
#[derive(Debug, thiserror::Error)]
pub struct ByComment { raw: bytes::Bytes }

#[derive(Debug, thiserror::Error)]
pub struct FieldComment {
    // errguard: allow(heap-buffer) -- the request id, 32 bytes
    id: Vec<u8>,
}

// errguard: allow(heap-buffer)
#[derive(Debug, thiserror::Error)]
pub struct NoReason { data: Vec<u8> }

pub struct Ignored { data: Vec<u8> }
impl std::error::Error for Ignored {}
"#;

#[test]
fn each_suppression_kind() {
    let t = TempDir::new("suppress");
    t.write("src/lib.rs", SUPPRESSED);
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(
        rules(&o),
        [
            // OneField: the other field still holds a buffer.
            ("heap-buffer".into(), 15),
            // NoReason: the comment does not suppress and is reported.
            ("unused-allow".into(), 31),
            ("heap-buffer".into(), 33),
            // No config yet: Ignored is reported.
            ("heap-buffer".into(), 35),
        ],
        "{}",
        stdout(&o)
    );
    let v = json(&o);
    assert_eq!(v["findings"][0]["chain"][0], "OneField.rest: Vec<u8>");
    assert!(
        v["findings"][1]["message"]
            .as_str()
            .unwrap()
            .contains("has no reason"),
        "{v}"
    );

    t.write(
        "errguard.toml",
        "ignore = [{ type = \"Ignored\", reason = \"a test double\" }]\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(
        rules(&o),
        [
            ("heap-buffer".into(), 15),
            ("unused-allow".into(), 31),
            ("heap-buffer".into(), 33),
        ]
    );
}

#[test]
fn unused_suppressions_are_reported_where_they_are_written() {
    let t = TempDir::new("unused");
    t.write(
        "src/lib.rs",
        r#"#[derive(Debug, thiserror::Error)]
#[errguard::allow(large-inline, reason = "wrong rule")]
pub struct WrongRule { body: Vec<u8> }

#[errguard::allow(heap-buffer, reason = "not an error at all")]
pub struct NotAnError { body: Vec<u8> }

#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub enum Stale {
    #[errguard::allow(heap-buffer, reason = "the buffer is gone")]
    Status { code: u16 },
    // errguard: allow(no-such-rule) -- typo
    Other,
}
"#,
    );
    t.write(
        "errguard.toml",
        "# suppressions\nignore = [\n  { type = \"Gone\", reason = \"removed last year\" },\n]\n",
    );
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(1), "WrongRule still fails");
    let v = json(&o);
    let got: Vec<(String, String, u64, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["file"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let e = |r: &str, f: &str, l: u64, c: u64| (r.to_string(), f.to_string(), l, c);
    assert_eq!(
        got,
        [
            e("unused-allow", "errguard.toml", 3, 12),
            e("unused-allow", "src/lib.rs", 2, 1),
            e("heap-buffer", "src/lib.rs", 3, 12),
            e("unused-allow", "src/lib.rs", 5, 1),
            e("unused-allow", "src/lib.rs", 11, 5),
            e("unused-allow", "src/lib.rs", 13, 5),
        ],
        "{v}"
    );
    assert_eq!(v["findings"][0]["level"], "warn");
    assert!(
        v["findings"][5]["message"]
            .as_str()
            .unwrap()
            .contains("unknown rule `no-such-rule`"),
        "{v}"
    );

    // Human output points at the suppression.
    let o = run(t.path(), &["check", "src"]);
    let out = stdout(&o);
    assert!(out.contains("warning[unused-allow]"), "{out}");
    assert!(out.contains("--> errguard.toml:3:12"), "{out}");
    assert!(out.contains("suppression on `NotAnError`"), "{out}");
    assert!(out.contains("docs/rules/unused-allow.md"), "{out}");

    // Like any rule, it can be turned off.
    let o = run(
        t.path(),
        &["check", "--format", "json", "-A", "unused-allow", "src"],
    );
    assert_eq!(rules(&o), [("heap-buffer".into(), 3)]);
}

#[test]
fn deny_warnings() {
    let t = project("[rules]\nheap-buffer = \"allow\"\n");
    let o = run(t.path(), &["check", "--format", "json", "src"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(rules(&o), [("large-inline".into(), 3)]);
    let o = run(
        t.path(),
        &["check", "--format", "json", "-D", "warnings", "src"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["findings"][0]["level"], "deny");
    // Allowed rules stay allowed.
    assert_eq!(rules(&o), [("large-inline".into(), 3)]);
    // -D warnings and a rule allowed on the command line.
    let o = run(
        t.path(),
        &["check", "-D", "warnings", "-A", "large-inline", "src"],
    );
    assert_eq!(o.status.code(), Some(0));

    for flag in ["-W", "-A"] {
        let o = run(t.path(), &["check", flag, "warnings", "src"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("only accepted as `-D warnings`"),
            "{}",
            stderr(&o)
        );
    }
}

fn workspace() -> TempDir {
    let t = TempDir::new("ws");
    t.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"alpha\", \"beta\"]\nresolver = \"2\"\n\n[workspace.metadata.errguard]\nmax-error-size = 64\n",
    );
    t.write(
        "alpha/Cargo.toml",
        "[package]\nname = \"alpha\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    t.write(
        "alpha/src/lib.rs",
        "mod inner;\npub struct AlphaError { pub body: Vec<u8> }\nimpl std::error::Error for AlphaError {}\n",
    );
    t.write(
        "alpha/src/inner.rs",
        "pub struct InnerError { pub a: [u64; 10] }\nimpl std::error::Error for InnerError {}\n",
    );
    t.write(
        "alpha/tests/it.rs",
        "pub struct TestError { pub data: Vec<u8> }\nimpl std::error::Error for TestError {}\n",
    );
    t.write(
        "beta/Cargo.toml",
        "[package]\nname = \"beta\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    t.write(
        "beta/src/main.rs",
        "pub struct BetaError { pub raw: Vec<u8> }\nimpl std::error::Error for BetaError {}\nfn main() {}\n",
    );
    // Not a target folder of any member: not scanned.
    t.write(
        "beta/scratch/old.rs",
        "pub struct Old { pub data: Vec<u8> }\nimpl std::error::Error for Old {}\n",
    );
    t
}

/// The string `keys` of every finding, in order (`-` for a missing one).
fn finding_strings(o: &Output, keys: &[&str]) -> Vec<Vec<String>> {
    json(o)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            keys.iter()
                .map(|k| f[*k].as_str().unwrap_or("-").to_string())
                .collect()
        })
        .collect()
}

fn by_package(o: &Output) -> Vec<(String, String, String)> {
    finding_strings(o, &["package", "type", "rule"])
        .into_iter()
        .map(|v| (v[0].clone(), v[1].clone(), v[2].clone()))
        .collect()
}

#[test]
fn workspace_members_are_scanned_and_findings_name_their_package() {
    let t = workspace();
    let o = run(t.path(), &["check", "--workspace", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let p = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        by_package(&o),
        [
            p("alpha", "InnerError", "large-inline"),
            p("alpha", "AlphaError", "heap-buffer"),
            p("alpha", "TestError", "heap-buffer"),
            p("beta", "BetaError", "heap-buffer"),
        ],
        "{}",
        stdout(&o)
    );
    assert_eq!(json(&o)["version"], 1);
    assert_eq!(json(&o)["findings"][0]["file"], "alpha/src/inner.rs");

    let o = run(t.path(), &["check", "--workspace"]);
    assert!(
        stdout(&o).contains("= note: package: beta"),
        "{}",
        stdout(&o)
    );
    // SARIF and GitHub name it too.
    let o = run(t.path(), &["check", "--workspace", "--format", "sarif"]);
    let packages: Vec<String> = json(&o)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["package"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(packages, ["alpha", "alpha", "alpha", "beta"]);
    let o = run(t.path(), &["check", "--workspace", "--format", "github"]);
    let out = stdout(&o);
    let beta = out.lines().find(|l| l.contains("BetaError")).unwrap();
    assert!(beta.contains("%0Apackage: beta%0Ahelp: "), "{beta}");

    // From elsewhere, with --manifest-path: one package, or every member of a virtual manifest.
    let o = run(
        t.path().parent().unwrap(),
        &[
            "check",
            "--format",
            "json",
            "--manifest-path",
            t.path().join("beta/Cargo.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(by_package(&o), [p("beta", "BetaError", "heap-buffer")]);
    let o = run(
        t.path(),
        &["check", "--format", "json", "--manifest-path", "Cargo.toml"],
    );
    assert_eq!(by_package(&o).len(), 4);

    // Without the flags, nothing changes: no package.
    let o = run(t.path(), &["check", "--format", "json", "beta/src"]);
    assert_eq!(by_package(&o), [p("-", "BetaError", "heap-buffer")]);
    assert!(json(&o)["findings"][0].get("package").is_none());
}

#[test]
fn cargo_metadata_failure_exits_2_with_its_stderr() {
    let t = TempDir::new("nows");
    let o = run(t.path(), &["check", "--manifest-path", "nope/Cargo.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("`cargo metadata` failed"), "{err}");
    assert!(
        err.contains("nope/Cargo.toml"),
        "cargo's own message: {err}"
    );
    t.write("Cargo.toml", "[package\n");
    let o = run(t.path(), &["check", "--workspace"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Cargo.toml"), "{}", stderr(&o));
    let o = run(t.path(), &["check", "--workspace", "src"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_last_level_flag_for_a_rule_wins() {
    let t = project("[rules]\nheap-buffer = \"allow\"\n");
    let level = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("src");
        let o = run(t.path(), &all);
        let v = json(&o);
        let level = v["findings"]
            .as_array()
            .unwrap()
            .first()
            .map(|f| f["level"].as_str().unwrap().to_string());
        (o.status.code(), level)
    };
    // As in rustc: `-D x -A x` allows `x`, `-A x -D x` denies it.
    assert_eq!(
        level(&["-D", "large-inline", "-A", "large-inline"]),
        (Some(0), None)
    );
    assert_eq!(
        level(&["-A", "large-inline", "-D", "large-inline"]),
        (Some(1), Some("deny".into()))
    );
    assert_eq!(
        level(&[
            "-W",
            "large-inline",
            "-D",
            "large-inline",
            "-W",
            "large-inline"
        ]),
        (Some(0), Some("warn".into()))
    );
    // Long forms count in the same order, and `-D warnings` still raises what ends at `warn`.
    assert_eq!(
        level(&[
            "--deny",
            "large-inline",
            "--warn",
            "large-inline",
            "-D",
            "warnings"
        ]),
        (Some(1), Some("deny".into()))
    );
}

/// (file, fingerprint) of every finding, in order.
fn identities(o: &Output) -> Vec<Vec<String>> {
    finding_strings(o, &["file", "fingerprint"])
}

#[test]
fn paths_are_relative_to_the_workspace_root_from_any_member_folder() {
    let t = workspace();
    let args = ["check", "--workspace", "--format", "json"];
    let top = identities(&run(t.path(), &args));
    assert_eq!(top.len(), 4);
    assert_eq!(top[0][0], "alpha/src/inner.rs");
    for sub in ["alpha", "beta/src"] {
        assert_eq!(
            identities(&run(&t.path().join(sub), &args)),
            top,
            "from {sub}"
        );
    }
    // GitHub and SARIF name the same relative paths; SARIF's root is the workspace.
    let o = run(
        &t.path().join("beta"),
        &["check", "--workspace", "--format", "github"],
    );
    let out = stdout(&o);
    assert!(out.contains("::error file=beta/src/main.rs,"), "{out}");
    assert!(
        !out.contains(t.path().to_str().unwrap()),
        "no absolute paths: {out}"
    );
    let o = run(
        &t.path().join("beta"),
        &["check", "--workspace", "--format", "sarif"],
    );
    let run0 = &json(&o)["runs"][0];
    let loc = &run0["results"][3]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "beta/src/main.rs");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let name = t.path().file_name().unwrap().to_str().unwrap();
    assert!(base.ends_with(&format!("/{name}/")), "{base}");

    // A baseline written from the root matches from a member folder.
    let w = run(
        t.path(),
        &["check", "--workspace", "--write-baseline", "b.json"],
    );
    assert_eq!(w.status.code(), Some(0), "{}", stderr(&w));
    let b = t.path().join("b.json");
    let o = run(
        &t.path().join("alpha"),
        &["check", "--workspace", "--baseline", b.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn without_a_workspace_paths_are_relative_to_the_git_root() {
    let t = TempDir::new("git");
    t.write(".git/HEAD", "ref: refs/heads/main\n");
    t.write("crates/foo/src/lib.rs", SRC);
    let top = identities(&run(
        t.path(),
        &["check", "--format", "json", "crates/foo/src"],
    ));
    assert_eq!(top.len(), 2);
    assert_eq!(top[0][0], "crates/foo/src/lib.rs");
    let sub = identities(&run(
        &t.path().join("crates/foo"),
        &["check", "--format", "json", "src"],
    ));
    assert_eq!(sub, top);
    let o = run(
        &t.path().join("crates/foo"),
        &["check", "--format", "github", "src"],
    );
    assert!(
        stdout(&o).starts_with("::error file=crates/foo/src/lib.rs,"),
        "{}",
        stdout(&o)
    );
    // The human format keeps paths as typed, relative to where it runs.
    let o = run(&t.path().join("crates/foo"), &["check", "src"]);
    assert!(stdout(&o).contains("--> src/lib.rs:1:12"), "{}", stdout(&o));
}
