//! `--format github`: GitHub Actions [workflow commands], one line per finding, so findings show
//! up as annotations on the pull request's diff without uploading anything.
//!
//! ```text
//! ::error file=src/lib.rs,line=3,col=10,title=errguard heap-buffer::`FetchError` holds …
//! ::warning file=src/lib.rs,line=9,col=12,title=errguard large-inline::…
//! ::error file=src/broken.rs,line=4,col=1,title=errguard parse-error::could not check …
//! ```
//!
//! `deny` findings are `::error`, `warn` findings `::warning`; with `--workspace` the message
//! names the finding's package. With `--baseline`, each stale entry is a `::notice` on the
//! baseline file (`title=errguard stale-baseline`). Messages are escaped (`%` → `%25`,
//! CR → `%0D`, LF → `%0A`), and property values additionally (`:` → `%3A`, `,` → `%2C`), so a
//! hostile file name or message cannot end the command early or inject another one.
//!
//! [workflow commands]: https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
//!
//! ```
//! use errguard_lint::output::github::{escape_data, escape_property};
//!
//! assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
//! assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
//! ```

use std::io::{self, Write};
use std::path::Path;

use super::Emitter;
use crate::baseline::Entry;
use crate::fingerprint::root_relative;
use crate::{FileError, Finding, Level, Report};

/// The GitHub workflow-command emitter.
pub struct Github;

/// Escapes a command's message (the part after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(
    kind: &str,
    file: &str,
    line: Option<u32>,
    col: Option<u32>,
    title: &str,
    message: &str,
) -> String {
    let mut props = vec![format!("file={}", escape_property(file))];
    if let Some(l) = line {
        props.push(format!("line={l}"));
        if let Some(c) = col {
            props.push(format!("col={c}"));
        }
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::{kind} {}::{}", props.join(","), escape_data(message))
}

fn finding(f: &Finding) -> String {
    let kind = match f.level {
        Level::Deny => "error",
        _ => "warning",
    };
    let mut message = f.message.clone();
    if !f.chain.is_empty() {
        message.push_str(&format!("\nchain: {}", f.chain.join(" → ")));
    }
    if let Some(p) = &f.package {
        message.push_str(&format!("\npackage: {p}"));
    }
    message.push_str(&format!(
        "\nhelp: {} (see {})",
        f.rule.help(),
        f.rule.doc_path()
    ));
    command(
        kind,
        &f.relative_path,
        Some(f.line),
        Some(f.column),
        &format!("errguard {}", f.rule.id()),
        &message,
    )
}

/// A baseline entry that matched nothing, as a `::notice` on the baseline file: a pull request
/// that fixes a type shows which entry to delete.
fn stale(e: &Entry, baseline: &Path, root: Option<&Path>) -> String {
    command(
        "notice",
        &root_relative(baseline, root),
        None,
        None,
        "errguard stale-baseline",
        &format!(
            "stale baseline entry {} `{}` in {} ({}) matches nothing; remove it",
            e.rule, e.type_name, e.file, e.fingerprint
        ),
    )
}

fn file_error(e: &FileError, root: Option<&Path>) -> String {
    command(
        "error",
        &root_relative(&e.file, root),
        e.line,
        e.column,
        "errguard parse-error",
        &format!("could not check {}: {}", e.file.display(), e.message),
    )
}

impl Emitter for Github {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let root = report.root.as_deref();
        for f in &report.findings {
            writeln!(out, "{}", finding(f))?;
        }
        for e in &report.errors {
            writeln!(out, "{}", file_error(e, root))?;
        }
        if let Some(b) = &report.baseline {
            for e in &b.stale {
                writeln!(out, "{}", stale(e, &b.file, root))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("plain text: a, b"), "plain text: a, b");
        assert_eq!(
            escape_data("%0A is not a newline"),
            "%250A is not a newline"
        );
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        assert_eq!(
            escape_data("x\n::error file=evil.rs::injected"),
            "x%0A::error file=evil.rs::injected"
        );
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("src/a.rs"), "src/a.rs");
        assert_eq!(
            escape_property("a,line=1,title=x::y%\n"),
            "a%2Cline=1%2Ctitle=x%3A%3Ay%25%0A"
        );
    }

    #[test]
    fn hostile_file_names_and_messages_stay_on_one_line_and_in_their_field() {
        let e = FileError {
            file: PathBuf::from("src/we,ird:na%me\n::error::x.rs"),
            line: Some(3),
            column: None,
            message: "expected `;`\n::warning::forged".into(),
        };
        let line = file_error(&e, None);
        assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
        assert_eq!(
            line,
            "::error file=src/we%2Cird%3Ana%25me%0A%3A%3Aerror%3A%3Ax.rs,line=3,\
             title=errguard parse-error::could not check src/we,ird:na%25me%0A::error::x.rs: \
             expected `;`%0A::warning::forged"
        );
        // Exactly one unescaped `::` separates the properties from the message.
        let props = line.strip_prefix("::error ").unwrap();
        let (props, _) = props.split_once("::").unwrap();
        assert_eq!(props.split(',').count(), 3, "{props}");
    }

    #[test]
    fn no_line_means_no_line_or_col() {
        let e = FileError {
            file: PathBuf::from("big.rs"),
            line: None,
            column: Some(4),
            message: "too big".into(),
        };
        assert_eq!(
            file_error(&e, None),
            "::error file=big.rs,title=errguard parse-error::could not check big.rs: too big"
        );
    }
}
