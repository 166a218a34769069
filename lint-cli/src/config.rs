//! Config files: `errguard.toml`, or `[workspace.metadata.errguard]` /
//! `[package.metadata.errguard]` in a `Cargo.toml`.
//!
//! Discovery ([`discover`]) walks up from each scanned path; in each folder it looks at
//! `errguard.toml` first, then the folder's `Cargo.toml` (`[package.metadata.errguard]`, then
//! `[workspace.metadata.errguard]`; a `Cargo.toml` without either table is passed over). The
//! first file found wins. `--config FILE` skips discovery ([`load`]): a file named `Cargo.toml`
//! is read for its metadata tables, any other file as an `errguard.toml`.
//!
//! ```toml
//! max-error-size = 256
//! buffer-types = ["my_crate::Blob"]
//! payload-fields = ["blob"]
//! ignore = [{ type = "legacy::DumpError", reason = "only built by the offline tool" }]
//!
//! [rules]
//! heap-buffer = "warn"
//! unbounded-collection = "deny"
//!
//! [type-sizes]
//! "foreign::Frame" = 48
//! ```
//!
//! Precedence: built-in defaults < config file < command line (`-A/-W/-D`, `--max-error-size`).
//! Every mistake is an error ([`ConfigError`]) naming the file, the key, and the line and column
//! when the TOML parser gives a position.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::known::Extra;
use crate::{Config, Level, Rule};

/// The keys of the config table, for "did you mean" suggestions.
pub const KEYS: &[&str] = &[
    "max-error-size",
    "rules",
    "buffer-types",
    "payload-fields",
    "type-sizes",
    "ignore",
];

/// A config file, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// `max-error-size`.
    pub max_error_size: Option<u64>,
    /// `[rules]`.
    pub levels: HashMap<Rule, Level>,
    /// `buffer-types`, `payload-fields`, `[type-sizes]`.
    pub known: Extra,
    /// `ignore`.
    pub ignore: Vec<Ignore>,
}

/// An `ignore` entry: every finding on the named type is suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The type's path as written (`crate::fetch::FetchError`, `FetchError`).
    pub path: String,
    /// Why.
    pub reason: String,
    /// 1-based line of the entry in the config file, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
}

/// A config file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// The key (`rules.heap-buffer`, `ignore[2].reason`), when known.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad config {}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(k) = &self.key {
            write!(f, ": key `{k}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Applies a config file over this configuration (command-line settings go on top after).
    pub fn apply_file(&mut self, file: &FileConfig) {
        if let Some(m) = file.max_error_size {
            self.max_error_size = m;
        }
        for (r, l) in &file.levels {
            self.levels.insert(*r, *l);
        }
        self.known
            .buffer_types
            .extend(file.known.buffer_types.iter().cloned());
        self.known
            .payload_fields
            .extend(file.known.payload_fields.iter().cloned());
        self.known
            .type_sizes
            .extend(file.known.type_sizes.iter().cloned());
        self.ignore.extend(file.ignore.iter().cloned());
        self.config_file = Some(file.path.clone());
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    max_error_size: Option<Spanned<i64>>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    buffer_types: Option<Vec<Spanned<String>>>,
    payload_fields: Option<Vec<Spanned<String>>>,
    type_sizes: Option<BTreeMap<Spanned<String>, Spanned<i64>>>,
    /// Checked entry by entry ([`Ctx::ignore_entry`]), so an error can name `ignore[2].reason`:
    /// serde would only say which field of which struct.
    ignore: Option<Vec<Spanned<toml::Value>>>,
}

/// The keys of an `ignore` entry.
const IGNORE_KEYS: &[&str] = &["type", "reason"];

#[derive(Deserialize)]
struct CargoToml {
    package: Option<MetaHolder>,
    workspace: Option<MetaHolder>,
}

#[derive(Deserialize)]
struct MetaHolder {
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    errguard: Option<Raw>,
}

/// For each byte of TOML text, whether it is outside every string (basic, literal, and their
/// multi-line forms) and comment.
fn bare_bytes(text: &str) -> Vec<bool> {
    let b = text.as_bytes();
    let mut bare = vec![true; b.len()];
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let rest = &b[i..];
        let end = if rest.starts_with(b"\"\"\"") || rest.starts_with(b"'''") {
            let close = &rest[..3];
            let mut j = i + 3;
            while j < b.len() && !b[j..].starts_with(close) {
                j += if b[j] == b'\\' && close[0] == b'"' {
                    2
                } else {
                    1
                };
            }
            j + 3
        } else if b[i] == b'"' || b[i] == b'\'' {
            let q = b[i];
            let mut j = i + 1;
            while j < b.len() && b[j] != q && b[j] != b'\n' {
                j += if b[j] == b'\\' && q == b'"' { 2 } else { 1 };
            }
            (j + 1).min(b.len())
        } else if b[i] == b'#' {
            let mut j = i;
            while j < b.len() && b[j] != b'\n' {
                j += 1;
            }
            j
        } else {
            i += 1;
            continue;
        };
        let end = end.min(b.len());
        bare[start..end].iter_mut().for_each(|x| *x = false);
        i = end.max(start + 1);
    }
    bare
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    (line, col)
}

/// Levenshtein distance, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest of `candidates` to `word`, if it is near enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = word.replace('_', "-").to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&norm, c), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn suggest(word: &str, candidates: &[&str]) -> String {
    match nearest(word, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => format!(" (known: {})", candidates.join(", ")),
    }
}

/// serde's words for types, in TOML's: `expected a map` → `expected a table`, and no names of
/// errguard's own structs (`expected struct Raw`).
fn plain_types(msg: &str) -> String {
    let mut out = msg
        .replace("expected i64", "expected an integer")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table");
    while let Some(at) = out.find("expected struct ") {
        let name_end = out[at + 16..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(out.len(), |i| at + 16 + i);
        out.replace_range(at..name_end, "expected a table");
    }
    out
}

/// The key being defined at a byte offset, in full: the last `[table]` header above it and the
/// `key =` before it on its line. Best effort, for errors the parser reports by position only.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut table = String::new();
    for l in text[..line_start].lines() {
        let t = l.trim();
        if t.starts_with('[') {
            table = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
        }
    }
    let head = &text[line_start..offset];
    let key = head
        .rfind('=')
        .map(|eq| {
            let before = head[..eq].trim_end();
            let start = before
                .rfind(|c: char| !(c.is_alphanumeric() || "-_\"'.:".contains(c)))
                .map_or(0, |i| i + 1);
            before[start..].to_string()
        })
        .or_else(|| {
            let t = text[line_start..].trim_start();
            let end = t.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))?;
            Some(t[..end].to_string())
        })
        .filter(|k| !k.is_empty());
    match (table.is_empty(), key) {
        (_, None) if table.is_empty() => None,
        (true, Some(k)) => Some(k),
        (false, Some(k)) => Some(format!("{table}.{k}")),
        (false, None) => Some(table),
        (true, None) => None,
    }
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    /// `package.metadata.errguard` or `workspace.metadata.errguard` in a `Cargo.toml`.
    prefix: &'a str,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Option<std::ops::Range<usize>>,
        key: Option<String>,
        msg: String,
    ) -> ConfigError {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = line_col(self.text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ConfigError {
            file: self.path.to_path_buf(),
            line,
            column,
            key,
            message: msg,
        }
    }

    /// The full key: in a `Cargo.toml`, behind the table's own path
    /// (`package.metadata.errguard.rules.x`).
    fn key(&self, k: &str) -> Option<String> {
        Some(if self.prefix.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.prefix)
        })
    }

    fn toml_error(&self, e: toml::de::Error) -> ConfigError {
        let span = e.span();
        let msg = e.message().trim().to_string();
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            // Only the errguard table itself denies unknown fields.
            let field = rest.split('`').next().unwrap_or("");
            let table = span
                .clone()
                .and_then(|s| key_at(self.text, s.start))
                .and_then(|k| k.rsplit_once('.').map(|(t, _)| t.to_string()))
                .filter(|t| t.ends_with("metadata.errguard"));
            let key = match table {
                Some(t) => format!("{t}.{field}"),
                None => field.to_string(),
            };
            return self.err(
                span,
                Some(key),
                format!("unknown key `{field}`{}", suggest(field, KEYS)),
            );
        }
        let key = span.clone().and_then(|s| key_at(self.text, s.start));
        let msg = if msg == "duplicate key" {
            "duplicate key: it is already set above".to_string()
        } else {
            plain_types(&msg)
        };
        self.err(span, key, msg)
    }

    /// The text from an `ignore` entry's start to its end: the inline table, or an
    /// `[[ignore]]` header's lines up to the next header.
    fn entry_text(&self, span: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        if self.text[span.clone()].starts_with('{') {
            return span.clone();
        }
        let end = self.text[span.end..]
            .match_indices('\n')
            .map(|(i, _)| span.end + i + 1)
            .find(|&i| self.text[i..].trim_start().starts_with('['))
            .unwrap_or(self.text.len());
        span.start..end
    }

    /// Where `key = value` of an `ignore` entry is: the key's offset and the value's.
    fn entry_key(&self, entry: &std::ops::Range<usize>, key: &str) -> Option<(usize, usize)> {
        let region = self.entry_text(entry);
        let text = &self.text[region.clone()];
        let ident = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        let bare = bare_bytes(text);
        text.match_indices(key).find_map(|(i, _)| {
            // A key is never inside a string value or a comment.
            if !bare[i] {
                return None;
            }
            let before_ok = text[..i].chars().next_back().is_none_or(|c| !ident(c));
            let after = &text[i + key.len()..];
            let eq = after.len() - after.trim_start_matches([' ', '\t']).len();
            let rest = after[eq..].strip_prefix('=')?;
            let value = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            before_ok.then(|| {
                let at = region.start + i;
                (at, at + key.len() + eq + 1 + value)
            })
        })
    }

    /// One `ignore` entry, checked: a table with a `type` path and a non-empty `reason`.
    fn ignore_entry(&self, i: usize, entry: Spanned<toml::Value>) -> Result<Ignore, ConfigError> {
        let span = entry.span();
        let key = format!("ignore[{i}]");
        let toml::Value::Table(t) = entry.into_inner() else {
            return Err(self.err(
                Some(span),
                self.key(&key),
                "expected a table like `{ type = \"my_crate::FetchError\", reason = \"…\" }`"
                    .into(),
            ));
        };
        let at = |k: &str| self.entry_key(&span, k);
        if let Some(k) = t.keys().find(|k| !IGNORE_KEYS.contains(&k.as_str())) {
            return Err(self.err(
                Some(at(k).map_or(span.clone(), |(k, _)| k..k)),
                self.key(&format!("{key}.{k}")),
                format!("unknown key `{k}`{}", suggest(k, IGNORE_KEYS)),
            ));
        }
        let value_span = |k: &str| at(k).map_or(span.clone(), |(_, v)| v..v);
        let string = |k: &str| match t.get(k) {
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.err(
                Some(value_span(k)),
                self.key(&format!("{key}.{k}")),
                format!("expected a string, found {}", other.type_str()),
            )),
            None => Ok(None),
        };
        let Some(ty) = string("type")? else {
            return Err(self.err(
                Some(span),
                self.key(&format!("{key}.type")),
                "the entry has no `type`: name the type to ignore, like `type = \"my_crate::FetchError\"`".into(),
            ));
        };
        let ty_span = value_span("type");
        self.type_path(&ty, ty_span.clone(), &format!("{key}.type"))?;
        let reason = match string("reason")? {
            Some(r) if !r.trim().is_empty() => r.trim().to_string(),
            Some(_) => {
                return Err(self.err(
                    Some(value_span("reason")),
                    self.key(&format!("{key}.reason")),
                    "`reason` must not be empty: say why the type is ignored".into(),
                ));
            }
            None => {
                return Err(self.err(
                    Some(span),
                    self.key(&format!("{key}.reason")),
                    format!("the entry for `{ty}` has no `reason`: every ignore says why"),
                ));
            }
        };
        let (line, column) = line_col(self.text, ty_span.start);
        Ok(Ignore {
            path: ty.trim().to_string(),
            reason,
            line: Some(line),
            column: Some(column),
        })
    }

    fn convert(&self, raw: Raw) -> Result<FileConfig, ConfigError> {
        let mut out = FileConfig {
            path: self.path.to_path_buf(),
            ..FileConfig::default()
        };
        if let Some(m) = raw.max_error_size {
            let v = *m.get_ref();
            if v < 0 {
                return Err(self.err(
                    Some(m.span()),
                    self.key("max-error-size"),
                    format!("must be a size in bytes (0 or more), not {v}"),
                ));
            }
            out.max_error_size = Some(v as u64);
        }
        for (rule, level) in raw.rules.unwrap_or_default() {
            let name = rule.get_ref();
            let key = self.key(&format!("rules.{name}"));
            if name == "warnings" {
                return Err(self.err(
                    Some(rule.span()),
                    key,
                    "`warnings` is not a rule; to make every warning fail the run, pass `-D warnings` on the command line".into(),
                ));
            }
            let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
            let r = Rule::ALL
                .into_iter()
                .find(|r| r.id() == name.as_str())
                .ok_or_else(|| {
                    self.err(
                        Some(rule.span()),
                        key.clone(),
                        format!("unknown rule id `{name}`{}", suggest(name, &ids)),
                    )
                })?;
            let l = match level.get_ref().as_str() {
                "allow" => Level::Allow,
                "warn" => Level::Warn,
                "deny" => Level::Deny,
                other => {
                    return Err(self.err(
                        Some(level.span()),
                        key,
                        format!(
                            "unknown level `{other}`{}",
                            suggest(other, &["allow", "warn", "deny"])
                        ),
                    ));
                }
            };
            out.levels.insert(r, l);
        }
        for (i, t) in raw.buffer_types.unwrap_or_default().into_iter().enumerate() {
            let p = self.type_path(t.get_ref(), t.span(), &format!("buffer-types[{i}]"))?;
            out.known.buffer_types.push(p);
        }
        for (i, f) in raw
            .payload_fields
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let name = f.get_ref().trim();
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(self.err(
                    Some(f.span()),
                    self.key(&format!("payload-fields[{i}]")),
                    format!("`{name}` is not a field name"),
                ));
            }
            out.known.payload_fields.push(name.to_ascii_lowercase());
        }
        for (t, size) in raw.type_sizes.unwrap_or_default() {
            let key = format!("type-sizes.\"{}\"", t.get_ref());
            let p = self.type_path(t.get_ref(), t.span(), &key)?;
            let v = *size.get_ref();
            if v < 0 {
                return Err(self.err(
                    Some(size.span()),
                    self.key(&key),
                    format!("must be a size in bytes (0 or more), not {v}"),
                ));
            }
            out.known.type_sizes.push((p, v as u64));
        }
        for (i, entry) in raw.ignore.unwrap_or_default().into_iter().enumerate() {
            out.ignore.push(self.ignore_entry(i, entry)?);
        }
        Ok(out)
    }

    fn type_path(
        &self,
        s: &str,
        span: std::ops::Range<usize>,
        key: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let s = s.trim();
        let segs: Vec<String> = s.split("::").map(|p| p.trim().to_string()).collect();
        let ok = !s.is_empty()
            && segs.iter().all(|p| {
                !p.is_empty()
                    && p.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !p.starts_with(|c: char| c.is_ascii_digit())
            });
        if !ok {
            return Err(self.err(
                Some(span),
                self.key(key),
                format!("`{s}` is not a type path (write it like `my_crate::module::Type`)"),
            ));
        }
        Ok(segs)
    }
}

/// Reads an `errguard.toml`.
pub fn parse_errguard_toml(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    let cx = Ctx {
        path,
        text,
        prefix: "",
    };
    let raw: Raw = toml::from_str(text).map_err(|e| cx.toml_error(e))?;
    cx.convert(raw)
}

/// Reads the errguard tables of a `Cargo.toml`: `None` when it has neither. With both,
/// `[package.metadata.errguard]` wins over `[workspace.metadata.errguard]` key by key
/// ([`FileConfig::over`]). Errors name the full key (`package.metadata.errguard.rules.x`).
pub fn parse_cargo_toml(path: &Path, text: &str) -> Result<Option<FileConfig>, ConfigError> {
    let cx = |prefix| Ctx { path, text, prefix };
    let doc: CargoToml = toml::from_str(text).map_err(|e| cx("").toml_error(e))?;
    let pkg = doc
        .package
        .and_then(|p| p.metadata)
        .and_then(|m| m.errguard);
    let ws = doc
        .workspace
        .and_then(|p| p.metadata)
        .and_then(|m| m.errguard);
    let ws = ws
        .map(|raw| cx("workspace.metadata.errguard").convert(raw))
        .transpose()?;
    let pkg = pkg
        .map(|raw| cx("package.metadata.errguard").convert(raw))
        .transpose()?;
    Ok(match (pkg, ws) {
        (Some(p), Some(w)) => Some(p.over(w)),
        (p, w) => p.or(w),
    })
}

impl FileConfig {
    /// `self` (a package's table) over `base` (its workspace's), key by key: `max-error-size`
    /// and each `[rules]` and `[type-sizes]` entry from `self` when it sets them, else from
    /// `base`; the lists (`buffer-types`, `payload-fields`, `ignore`) are both tables' entries.
    ///
    /// ```
    /// use errguard_lint::config::parse_cargo_toml;
    /// use errguard_lint::{Level, Rule};
    ///
    /// let text = "[package]\nname = \"x\"\n\
    ///     [package.metadata.errguard.rules]\nheap-buffer = \"warn\"\n\
    ///     [workspace.metadata.errguard]\nmax-error-size = 64\n\
    ///     [workspace.metadata.errguard.rules]\nheap-buffer = \"allow\"\nlarge-inline = \"deny\"\n";
    /// let c = parse_cargo_toml("Cargo.toml".as_ref(), text).unwrap().unwrap();
    /// assert_eq!(c.max_error_size, Some(64));
    /// assert_eq!(c.levels[&Rule::HeapBuffer], Level::Warn);
    /// assert_eq!(c.levels[&Rule::LargeInline], Level::Deny);
    /// ```
    pub fn over(self, base: FileConfig) -> FileConfig {
        let mut levels = base.levels;
        levels.extend(self.levels);
        let mut type_sizes = self.known.type_sizes;
        for (p, n) in base.known.type_sizes {
            if !type_sizes.iter().any(|(q, _)| *q == p) {
                type_sizes.push((p, n));
            }
        }
        let mut buffer_types = base.known.buffer_types;
        buffer_types.extend(self.known.buffer_types);
        let mut payload_fields = base.known.payload_fields;
        payload_fields.extend(self.known.payload_fields);
        let mut ignore = base.ignore;
        ignore.extend(self.ignore);
        FileConfig {
            path: self.path,
            max_error_size: self.max_error_size.or(base.max_error_size),
            levels,
            known: Extra {
                buffer_types,
                payload_fields,
                type_sizes,
            },
            ignore,
        }
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: None,
        column: None,
        key: None,
        message: format!("cannot read: {e}"),
    })
}

/// Reads the file given with `--config`: a `Cargo.toml` for its metadata tables (an error if it
/// has neither), anything else as an `errguard.toml`.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = read(path)?;
    if path.file_name().is_some_and(|n| n == "Cargo.toml") {
        parse_cargo_toml(path, &text)?.ok_or_else(|| ConfigError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            key: Some("package.metadata.errguard".into()),
            message:
                "has no `[package.metadata.errguard]` or `[workspace.metadata.errguard]` table"
                    .into(),
        })
    } else {
        parse_errguard_toml(path, &text)
    }
}

/// `p` relative to the current folder when it is inside it (for messages).
fn shown(p: PathBuf) -> PathBuf {
    match std::env::current_dir() {
        Ok(cwd) => p.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(p),
        Err(_) => p,
    }
}

/// The config file that applies to one folder or file: walking up from it, `errguard.toml`,
/// then a `Cargo.toml` with errguard metadata, in each folder.
pub fn find_for(path: &Path) -> Result<Option<FileConfig>, ConfigError> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    let mut dir = start;
    while let Some(d) = dir {
        let own = shown(d.join("errguard.toml"));
        if own.is_file() {
            return parse_errguard_toml(&own, &read(&own)?).map(Some);
        }
        let cargo = shown(d.join("Cargo.toml"));
        if cargo.is_file()
            && let Some(c) = parse_cargo_toml(&cargo, &read(&cargo)?)?
        {
            return Ok(Some(c));
        }
        dir = d.parent();
    }
    Ok(None)
}

/// The config file for a run: the first one found from the scanned paths, in order. Other
/// files found from later paths are returned too, so the caller can say they were not used.
pub fn discover(paths: &[PathBuf]) -> Result<(Option<FileConfig>, Vec<PathBuf>), ConfigError> {
    let mut chosen: Option<FileConfig> = None;
    let mut others: Vec<PathBuf> = Vec::new();
    for p in paths {
        if let Some(c) = find_for(p)? {
            match &chosen {
                None => chosen = Some(c),
                Some(first) if first.path != c.path && !others.contains(&c.path) => {
                    others.push(c.path)
                }
                Some(_) => {}
            }
        }
    }
    Ok((chosen, others))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        parse_errguard_toml(Path::new("errguard.toml"), text)
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            r#"
max-error-size = 256
buffer-types = ["my_crate::Blob"]
payload-fields = ["Blob"]
ignore = [{ type = "legacy::DumpError", reason = "offline tool only" }]

[rules]
heap-buffer = "warn"
unused-allow = "deny"

[type-sizes]
"foreign::Frame" = 48
"#,
        )
        .unwrap();
        assert_eq!(c.max_error_size, Some(256));
        assert_eq!(c.levels[&Rule::HeapBuffer], Level::Warn);
        assert_eq!(c.levels[&Rule::UnusedAllow], Level::Deny);
        assert_eq!(c.known.buffer_types, [vec!["my_crate", "Blob"]]);
        assert_eq!(c.known.payload_fields, ["blob"]);
        assert_eq!(
            c.known.type_sizes,
            [(vec!["foreign".into(), "Frame".into()], 48)]
        );
        assert_eq!(c.ignore[0].path, "legacy::DumpError");
        assert_eq!((c.ignore[0].line, c.ignore[0].column), (Some(5), Some(20)));
    }

    fn err(text: &str) -> ConfigError {
        parse(text).unwrap_err()
    }

    #[test]
    fn errors_name_key_and_position() {
        let e = err("max-eror-size = 3\n");
        assert_eq!(e.key.as_deref(), Some("max-eror-size"));
        assert!(e.message.contains("did you mean `max-error-size`"), "{e}");
        assert_eq!((e.line, e.column), (Some(1), Some(1)));

        let e = err("max-error-size = -1\n");
        assert_eq!(e.key.as_deref(), Some("max-error-size"));
        assert!(e.message.contains("not -1"), "{e}");

        let e = err("max-error-size = \"big\"\n");
        assert_eq!(e.key.as_deref(), Some("max-error-size"), "{e}");
        assert!(e.message.contains("invalid type"), "{e}");

        let e = err("[rules]\nheap-bufer = \"warn\"\n");
        assert_eq!(e.key.as_deref(), Some("rules.heap-bufer"));
        assert!(e.message.contains("did you mean `heap-buffer`"), "{e}");
        assert_eq!(e.line, Some(2));

        let e = err("[rules]\nheap-buffer = \"fatal\"\n");
        assert_eq!(e.key.as_deref(), Some("rules.heap-buffer"));
        assert!(e.message.contains("unknown level `fatal`"), "{e}");
        assert_eq!((e.line, e.column), (Some(2), Some(15)));

        let e = err("ignore = [{ type = \"A\" }]\n");
        assert_eq!(e.key.as_deref(), Some("ignore[0].reason"));
        assert!(e.message.contains("no `reason`"), "{e}");

        let e = err("ignore = [{ type = \"A\", reason = \"  \" }]\n");
        assert_eq!(e.key.as_deref(), Some("ignore[0].reason"));

        let e = err("ignore = [{ type = \"A\", why = \"x\" }]\n");
        assert_eq!(e.key.as_deref(), Some("ignore[0].why"), "{e}");
        assert_eq!((e.line, e.column), (Some(1), Some(25)));

        let e = err("[type-sizes]\n\"a::B\" = -4\n");
        assert_eq!(e.key.as_deref(), Some("type-sizes.\"a::B\""));

        let e = err("[type-sizes]\n\"a::B\" = \"big\"\n");
        assert_eq!(e.key.as_deref(), Some("type-sizes.\"a::B\""), "{e}");

        let e = err("buffer-types = [\"not a path\"]\n");
        assert_eq!(e.key.as_deref(), Some("buffer-types[0]"));

        let e = err("max-error-size = \n");
        assert_eq!(e.line, Some(1), "{e}");

        let e = err("[rules]\nwarnings = \"deny\"\n");
        assert!(e.message.contains("-D warnings"), "{e}");
    }

    #[test]
    fn cargo_metadata_tables() {
        let p = Path::new("Cargo.toml");
        assert_eq!(
            parse_cargo_toml(p, "[package]\nname = \"x\"\n").unwrap(),
            None
        );
        let c = parse_cargo_toml(
            p,
            "[workspace]\nmembers = []\n[workspace.metadata.errguard]\nmax-error-size = 64\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.max_error_size, Some(64));
        let e = parse_cargo_toml(p, "[package.metadata.errguard.rules]\nheap-buffer = 1\n")
            .unwrap_err();
        assert_eq!(
            e.key.as_deref(),
            Some("package.metadata.errguard.rules.heap-buffer"),
            "{e}"
        );
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn ignore_entries_are_checked_one_by_one() {
        // (config, key, line, column, message part)
        let cases = [
            (
                "ignore = [{ reason = \"r\" }]\n",
                "ignore[0].type",
                1,
                11,
                "has no `type`",
            ),
            (
                "ignore = [{ type = \"A\", reason = \"r\" }, { type = \"a b\", reason = \"r\" }]\n",
                "ignore[1].type",
                1,
                50,
                "`a b` is not a type path",
            ),
            (
                "ignore = [\"A\"]\n",
                "ignore[0]",
                1,
                11,
                "expected a table like",
            ),
            (
                "ignore = [{ type = 3, reason = \"r\" }]\n",
                "ignore[0].type",
                1,
                20,
                "expected a string, found integer",
            ),
            (
                "ignore = [{ type = \"A\", reason = \"r\", Type = 1 }]\n",
                "ignore[0].Type",
                1,
                39,
                "did you mean `type`?",
            ),
            (
                "[[ignore]]\ntype = \"A\"\nreason = \"r\"\n\n[[ignore]]\ntype = \"B\"\nwhy = \"x\"\n",
                "ignore[1].why",
                7,
                1,
                "unknown key `why`",
            ),
            (
                "[[ignore]]\ntype = \"A\"\nreason = \"  \"\n",
                "ignore[0].reason",
                3,
                10,
                "must not be empty",
            ),
        ];
        for (text, key, line, column, what) in cases {
            let e = err(text);
            assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
            assert_eq!(
                (e.line, e.column),
                (Some(line), Some(column)),
                "{text}: {e}"
            );
            assert!(e.message.contains(what), "{text}: {e}");
        }
        // An `[[ignore]]` entry is located at its `type` value, for `unused-allow`.
        let c = parse("[[ignore]]\ntype = \"A\"\nreason = \"r\"\n").unwrap();
        assert_eq!((c.ignore[0].line, c.ignore[0].column), (Some(2), Some(8)));
    }

    #[test]
    fn messages_use_toml_words_not_serde_internals() {
        assert_eq!(
            plain_types("invalid type: integer `1`, expected struct Raw"),
            "invalid type: integer `1`, expected a table"
        );
        assert_eq!(plain_types("expected a map"), "expected a table");
        let e = parse_cargo_toml(
            Path::new("Cargo.toml"),
            "[package]\nname = \"x\"\n[package.metadata]\nerrguard = 1\n",
        )
        .unwrap_err();
        assert!(
            !e.message.contains("Raw") && !e.message.contains("struct"),
            "{e}"
        );
        assert_eq!(e.key.as_deref(), Some("package.metadata.errguard"), "{e}");
        assert_eq!((e.line, e.column), (Some(4), Some(12)));
    }

    #[test]
    fn package_table_wins_over_workspace_table_key_by_key() {
        let c = parse_cargo_toml(
            Path::new("Cargo.toml"),
            "[package]\nname = \"x\"\n\
             [package.metadata.errguard]\nbuffer-types = [\"p::Blob\"]\n\
             [package.metadata.errguard.type-sizes]\n\"f::A\" = 1\n\
             [workspace.metadata.errguard]\nmax-error-size = 64\nbuffer-types = [\"w::Blob\"]\n\
             [workspace.metadata.errguard.type-sizes]\n\"f::A\" = 2\n\"f::B\" = 3\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.max_error_size, Some(64));
        assert_eq!(c.known.buffer_types.len(), 2);
        assert_eq!(
            c.known.type_sizes,
            [
                (vec!["f".to_string(), "A".to_string()], 1),
                (vec!["f".to_string(), "B".to_string()], 3)
            ]
        );
        // An error in either table names that table.
        let e = parse_cargo_toml(
            Path::new("Cargo.toml"),
            "[package]\nname = \"x\"\n[package.metadata.errguard]\nmax-error-size = 1\n\
             [workspace.metadata.errguard]\nmax-error-size = -1\n",
        )
        .unwrap_err();
        assert_eq!(
            e.key.as_deref(),
            Some("workspace.metadata.errguard.max-error-size")
        );
        assert_eq!((e.line, e.column), (Some(6), Some(18)));
    }

    #[test]
    fn ignore_keys_are_not_found_inside_strings_or_comments() {
        // `type =` stands first inside the reason string (or a comment): the position is the
        // real key's value.
        let e = err("ignore = [{ reason = \"wrong type = x\", type = 3 }]\n");
        assert_eq!(e.message, "expected a string, found integer", "{e}");
        assert_eq!((e.line, e.column), (Some(1), Some(47)), "{e}");
        let c = parse("ignore = [{ reason = \"wrong type = x\", type = \"a::E\" }]\n").unwrap();
        assert_eq!((c.ignore[0].line, c.ignore[0].column), (Some(1), Some(47)));
        let text = "[[ignore]]\nreason = \"wrong type = x\" # type = 'y'\ntype = 3\n";
        let e = err(text);
        assert_eq!(e.message, "expected a string, found integer", "{e}");
        assert_eq!((e.line, e.column), (Some(3), Some(8)), "{e}");
        let text = "[[ignore]]\nreason = '''wrong\ntype = x'''\ntype = 3\n";
        let e = err(text);
        assert_eq!((e.line, e.column), (Some(4), Some(8)), "{e}");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            nearest("heap_buffer", &["heap-buffer", "large-inline"]),
            Some("heap-buffer")
        );
        assert_eq!(nearest("zzz", &["heap-buffer"]), None);
    }
}
