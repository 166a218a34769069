//! The errguard scanner as a library: finds error types that hold large buffers.
//!
//! [`check`] walks the given paths (respecting `.gitignore`, skipping cargo `target/` folders),
//! parses every `.rs` file in parallel into a compact [`index::FileIndex`] (items only: function
//! bodies stay token streams), resolves names across the whole scan, and runs the [`Rule`]s on
//! every error type. It returns a [`Report`]; the [`output`] module renders it (human, JSON,
//! SARIF 2.1.0 for code scanning, GitHub workflow commands). The library never prints.
//!
//! Every [`Finding`] has a [`fingerprint`](mod@fingerprint) that survives line moves and
//! unrelated edits; [`baseline`] uses it to accept today's findings and fail only on new ones.
//! [`rule_docs`] holds each rule's documentation (`cargo errguard explain RULE`).
//!
//! [`config`] reads `errguard.toml` / `Cargo.toml` metadata into a [`Config`]; suppressions
//! (`#[errguard::allow]` on types, variants and fields, `// errguard: allow(rule) -- reason`
//! comments, config `ignore` entries) are applied by the rules, and the ones that suppress nothing
//! are reported as [`Rule::UnusedAllow`]. [`workspace`] finds a cargo workspace's packages.
//!
//! ```
//! use errguard_lint::{Config, Rule, check_sources};
//!
//! let report = check_sources(
//!     &[("src/lib.rs", "pub enum FetchError { Status { code: u16, body: Vec<u8> } }\n\
//!                       impl std::error::Error for FetchError {}")],
//!     &Config::default(),
//! );
//! assert_eq!(report.findings.len(), 1);
//! assert_eq!(report.findings[0].rule, Rule::HeapBuffer);
//! assert_eq!(report.findings[0].chain, ["FetchError::Status.body: Vec<u8>"]);
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub mod baseline;
pub mod config;
pub mod fingerprint;
pub mod index;
pub mod known;
pub mod output;
pub mod parse;
pub mod resolve;
pub mod rule_docs;
pub mod rules;
pub mod ty;
mod walk;
pub mod workspace;

pub use rules::{Level, Rule};

use resolve::{Program, SourceFile};

/// How to run the check.
#[derive(Debug, Clone)]
pub struct Config {
    /// Inline size limit in bytes (over means `size > limit`); default 128, the same number as
    /// the runtime's `max_error_size`.
    pub max_error_size: u64,
    /// Level overrides; rules not listed keep [`Rule::default_level`].
    pub levels: HashMap<Rule, Level>,
    /// Files larger than this are reported and skipped.
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// Paths to leave out, as gitignore-style patterns relative to each scanned folder
    /// (`benches`, `examples/**`, `*_generated.rs`).
    pub excludes: Vec<String>,
    /// Configured additions to the table of foreign types (`buffer-types`, `payload-fields`,
    /// `type-sizes`).
    pub known: known::Extra,
    /// Types whose findings are suppressed (`ignore` in the config file).
    pub ignore: Vec<config::Ignore>,
    /// `-D warnings`: every rule at `warn` is raised to `deny`.
    pub deny_warnings: bool,
    /// The config file in use, if any (where unused `ignore` entries are reported).
    pub config_file: Option<PathBuf>,
    /// The folder that paths in fingerprints and reports are relative to
    /// ([`fingerprint::stable_root`]); `None`: the current directory.
    pub root: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_error_size: 128,
            levels: HashMap::new(),
            max_file_size: 16 * 1024 * 1024,
            jobs: 0,
            excludes: Vec::new(),
            known: known::Extra::default(),
            ignore: Vec::new(),
            deny_warnings: false,
            config_file: None,
            root: None,
        }
    }
}

impl Config {
    /// The level of a rule under this configuration.
    pub fn level(&self, rule: Rule) -> Level {
        let level = self
            .levels
            .get(&rule)
            .copied()
            .unwrap_or(rule.default_level());
        if self.deny_warnings && level == Level::Warn {
            Level::Deny
        } else {
            level
        }
    }
}

/// A finding: an error type that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Its level (never `Allow`).
    pub level: Level,
    /// The error type's name, or the type as written for an error position with no type of its
    /// own.
    pub type_name: String,
    /// The file.
    pub file: PathBuf,
    /// `file` relative to the run's root ([`Report::root`], see
    /// [`fingerprint::root_relative`]): the path fingerprints, the sort order, baselines and the
    /// JSON, GitHub and SARIF output use.
    pub relative_path: String,
    /// 1-based line of the type's name.
    pub line: u32,
    /// 1-based column (characters) of the type's name.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// From the error type to what the rule found, one field per step.
    pub chain: Vec<String>,
    /// How many signatures, closures and associated types return the error.
    pub returned_by: usize,
    /// The source line, for rendering.
    pub source_line: Option<String>,
    /// Stable identity across line moves and unrelated edits, for baselines and SARIF (see
    /// [`fingerprint`](mod@fingerprint)): 16 hex digits.
    pub fingerprint: String,
    /// The cargo package the file belongs to (set with `--workspace` / `--manifest-path`).
    pub package: Option<String>,
}

/// A file that could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file (or folder).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// Why.
    pub message: String,
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Findings reported.
    pub findings: usize,
    /// Files that could not be read or parsed.
    pub parse_errors: usize,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings, ordered by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed.
    pub errors: Vec<FileError>,
    /// Totals.
    pub summary: Summary,
    /// What `--baseline` removed and which of its entries are stale, when one was applied
    /// ([`baseline::Baseline::apply`]).
    pub baseline: Option<baseline::Outcome>,
    /// [`Config::root`] of the run: what the emitters make paths relative to.
    pub root: Option<PathBuf>,
}

impl Report {
    /// `true` when a finding is at a failing level (`deny`).
    pub fn has_failures(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Deny)
    }
}

/// Why a run could not happen at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// A path given on the command line does not exist.
    NoSuchPath(PathBuf),
    /// The worker pool could not start.
    Threads(String),
    /// A bad option (such as an invalid exclude pattern).
    Usage(String),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::NoSuchPath(p) => write!(f, "no such file or directory: {}", p.display()),
            CheckError::Threads(e) => write!(f, "cannot start worker threads: {e}"),
            CheckError::Usage(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for CheckError {}

/// Stack size of the parsing threads (and of the stack [`index_source`] grows): `syn` recurses,
/// and nesting is only bounded by [`parse::MAX_DEPTH`].
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// The outcome of phase 1 for one file.
struct Scanned {
    path: PathBuf,
    bytes: u64,
    index: Option<index::FileIndex>,
    error: Option<FileError>,
}

/// Checks the `.rs` files under `paths`.
pub fn check(paths: &[PathBuf], config: &Config) -> Result<Report, CheckError> {
    let start = Instant::now();
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(CheckError::NoSuchPath(p.clone()));
        }
    }
    let walked = walk::walk(paths, &config.excludes).map_err(CheckError::Usage)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("errguard-scan-{i}"))
        .build()
        .map_err(|e| CheckError::Threads(e.to_string()))?;
    let max = config.max_file_size;
    let scanned: Vec<Scanned> = pool.install(|| {
        use rayon::prelude::*;
        walked.files.par_iter().map(|p| scan_file(p, max)).collect()
    });
    let mut errors = walked.errors;
    let mut sources = Vec::new();
    let mut bytes = 0;
    let files = scanned.len();
    for s in scanned {
        bytes += s.bytes;
        if let Some(e) = s.error {
            errors.push(e);
        }
        if let Some(index) = s.index {
            sources.push(SourceFile {
                path: s.path,
                index,
            });
        }
    }
    let mut report = finish(sources, config);
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    report.summary.files = files;
    report.summary.bytes = bytes;
    report.summary.parse_errors = errors.len();
    report.errors = errors;
    report.summary.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(report)
}

/// Checks in-memory sources (path, text), as if they were files of one scan. Useful for tests
/// and editors.
pub fn check_sources(sources: &[(&str, &str)], config: &Config) -> Report {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for (path, text) in sources {
        match index_source(text) {
            Ok(index) => files.push(SourceFile {
                path: PathBuf::from(path),
                index,
            }),
            Err(e) => errors.push(FileError {
                file: PathBuf::from(path),
                line: e.pos.map(|p| p.line),
                column: e.pos.map(|p| p.column),
                message: e.message,
            }),
        }
    }
    let mut report = finish(files, config);
    // In-memory sources have no files to read the lines from.
    for f in &mut report.findings {
        if let Some((_, text)) = sources.iter().find(|(p, _)| Path::new(p) == f.file) {
            f.source_line = text.lines().nth(f.line as usize - 1).map(str::to_string);
        }
    }
    report.summary.files = sources.len();
    report.summary.bytes = sources.iter().map(|(_, t)| t.len() as u64).sum();
    report.summary.parse_errors = errors.len();
    report.errors = errors;
    report
}

/// Phase 1 for one source text: parse items and build the index. Never panics, and safe to call
/// from a thread with a small stack: `syn` recurses once per nesting level (up to
/// [`parse::MAX_DEPTH`], some 30 KiB a level in a debug build), so when less than
/// [`STACK_RED_ZONE`] is left the parse runs on a freshly allocated [`STACK_SIZE`] stack.
///
/// ```
/// let deep = format!("pub struct E {{ f: {}u8{} }}", "(".repeat(200), ")".repeat(200));
/// // On a default 2 MiB thread, where syn alone would overflow in a debug build.
/// let index = std::thread::spawn(move || errguard_lint::index_source(&deep).is_ok())
///     .join()
///     .unwrap();
/// assert!(index);
/// ```
pub fn index_source(text: &str) -> Result<index::FileIndex, parse::ParseFailure> {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SIZE, || {
        index_source_on_this_stack(text)
    })
}

/// Below this much free stack, [`index_source`] moves to a new stack.
pub const STACK_RED_ZONE: usize = 16 * 1024 * 1024;

fn index_source_on_this_stack(text: &str) -> Result<index::FileIndex, parse::ParseFailure> {
    let result = std::panic::catch_unwind(|| {
        let comments = if text.contains("errguard:") {
            index::scan_comments(text)
        } else {
            Vec::new()
        };
        parse::parse_items(text).map(|p| index::index_with_comments(p, comments))
    });
    // Spans are only needed while indexing; free this thread's source map.
    proc_macro2::extra::invalidate_current_thread_spans();
    match result {
        Ok(r) => r,
        Err(_) => Err(parse::ParseFailure {
            pos: None,
            message: "internal error while parsing this file (please report it)".into(),
        }),
    }
}

fn scan_file(path: &Path, max: u64) -> Scanned {
    let err = |message: String, bytes| Scanned {
        path: path.to_path_buf(),
        bytes,
        index: None,
        error: Some(FileError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message,
        }),
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > max => {
            return err(
                format!(
                    "file is {} bytes, over the {max}-byte limit; skipped",
                    m.len()
                ),
                0,
            );
        }
        Ok(_) => {}
        Err(e) => return err(format!("cannot read: {e}"), 0),
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return err(format!("cannot read: {e}"), 0),
    };
    let n = bytes.len() as u64;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let col = std::str::from_utf8(&bytes[..at])
                .map(|s| s.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1)
                .unwrap_or(1);
            return Scanned {
                path: path.to_path_buf(),
                bytes: n,
                index: None,
                error: Some(FileError {
                    file: path.to_path_buf(),
                    line: Some(line),
                    column: Some(col),
                    message: format!("not valid UTF-8 (byte {at})"),
                }),
            };
        }
    };
    match index_source(&text) {
        Ok(index) => Scanned {
            path: path.to_path_buf(),
            bytes: n,
            index: Some(index),
            error: None,
        },
        Err(e) => Scanned {
            path: path.to_path_buf(),
            bytes: n,
            index: None,
            error: Some(FileError {
                file: path.to_path_buf(),
                line: e.pos.map(|p| p.line),
                column: e.pos.map(|p| p.column),
                message: e.message,
            }),
        },
    }
}

/// Phase 2: resolve and run the rules.
fn finish(sources: Vec<SourceFile>, config: &Config) -> Report {
    let prog = Program::with_known(sources, config.known.clone());
    let enabled: HashSet<Rule> = Rule::ALL
        .into_iter()
        .filter(|r| config.level(*r) != Level::Allow)
        .collect();
    let limits = rules::Limits {
        max_error_size: config.max_error_size,
    };
    let ignores: Vec<Vec<String>> = config
        .ignore
        .iter()
        .map(|i| i.path.split("::").map(|s| s.trim().to_string()).collect())
        .collect();
    let analysis = rules::analyse(&prog, &enabled, &limits, &ignores);
    let raw = analysis.findings;
    let mut lines: HashMap<usize, Option<Vec<String>>> = HashMap::new();
    let mut relative: HashMap<usize, String> = HashMap::new();
    let root = config.root.as_deref();
    let findings: Vec<Finding> = raw
        .into_iter()
        .map(|r| {
            let path = &prog.files[r.file].path;
            let file_lines = lines.entry(r.file).or_insert_with(|| {
                std::fs::read_to_string(path)
                    .ok()
                    .map(|t| t.lines().map(str::to_string).collect())
            });
            let source_line = file_lines
                .as_ref()
                .and_then(|l| l.get(r.pos.line as usize - 1).cloned());
            // Two `Error`s in `mod a` and `mod b` of one file are different findings.
            let module = inline_module(&prog.files[r.file].index, r.pos);
            let qualified = if module.is_empty() {
                r.type_name.clone()
            } else {
                format!("{}::{}", module.join("::"), r.type_name)
            };
            let relative_path = relative
                .entry(r.file)
                .or_insert_with(|| fingerprint::root_relative(path, root))
                .clone();
            let fingerprint =
                fingerprint::fingerprint(r.rule, &relative_path, &qualified, &r.bare_chain);
            Finding {
                fingerprint,
                rule: r.rule,
                level: config.level(r.rule),
                type_name: r.type_name,
                file: path.clone(),
                relative_path,
                line: r.pos.line,
                column: r.pos.column,
                message: r.message,
                chain: r.chain,
                returned_by: r.returned_by,
                source_line,
                package: None,
            }
        })
        .collect();
    let mut findings = findings;
    if enabled.contains(&Rule::UnusedAllow) {
        findings.extend(unused_ignores(config, &analysis.used_ignores));
    }
    // By the paths the reports show, so the order does not depend on the current folder.
    findings.sort_by(|a, b| {
        (&a.relative_path, a.line, a.column, a.rule).cmp(&(
            &b.relative_path,
            b.line,
            b.column,
            b.rule,
        ))
    });
    Report {
        summary: Summary {
            findings: findings.len(),
            ..Summary::default()
        },
        findings,
        errors: Vec::new(),
        baseline: None,
        root: config.root.clone(),
    }
}

/// The inline `mod` path (within its file) of the finding at `pos`: the module of the type
/// defined there, or, for a type written in a signature, of the last site starting at or before
/// it.
fn inline_module(index: &index::FileIndex, pos: ty::Pos) -> &[String] {
    if let Some(d) = index.defs.iter().find(|d| d.pos == pos) {
        return &d.module;
    }
    index
        .sites
        .iter()
        .filter(|s| s.ty.pos <= pos)
        .max_by_key(|s| s.ty.pos)
        .map_or(&[], |s| &s.module)
}

/// `unused-allow` findings for the config's `ignore` entries that suppressed nothing, located at
/// the entry in the config file.
fn unused_ignores(config: &Config, used: &HashSet<usize>) -> Vec<Finding> {
    let file = config
        .config_file
        .clone()
        .unwrap_or_else(|| PathBuf::from("errguard.toml"));
    let relative_path = fingerprint::root_relative(&file, config.root.as_deref());
    let text = std::fs::read_to_string(&file).ok();
    config
        .ignore
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, e)| {
            let line = e.line.unwrap_or(1);
            let chain = Vec::new();
            Finding {
                fingerprint: fingerprint::fingerprint(
                    Rule::UnusedAllow,
                    &relative_path,
                    &e.path,
                    &chain,
                ),
                rule: Rule::UnusedAllow,
                level: config.level(Rule::UnusedAllow),
                type_name: e.path.clone(),
                file: file.clone(),
                relative_path: relative_path.clone(),
                line,
                column: e.column.unwrap_or(1),
                message: format!(
                    "config `ignore` entry for `{}` suppresses nothing: no finding is on a type of that path",
                    e.path
                ),
                chain,
                returned_by: 0,
                source_line: text
                    .as_ref()
                    .and_then(|t| t.lines().nth(line as usize - 1).map(str::to_string)),
                package: None,
            }
        })
        .collect()
}
