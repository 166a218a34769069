//! Human output: rustc-style diagnostics rendered by `annotate-snippets`.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level as ALevel, Renderer, Snippet};

use super::{Emitter, Options};
use crate::{Finding, Level, Report};

/// The human emitter.
pub struct Human {
    /// Colours and such.
    pub options: Options,
}

/// The byte range of the name at `column` (1-based, characters) in `line`.
fn name_span(line: &str, column: u32) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let len = line[start..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map(|(i, _)| i)
        .unwrap_or(line.len() - start);
    let len = if len == 0 {
        line[start..].chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    start..start + len
}

fn human_bytes(n: u64) -> String {
    if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Human {
    fn renderer(&self) -> Renderer {
        if self.options.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
    }

    fn finding(&self, f: &Finding) -> String {
        let level = match f.level {
            Level::Deny => ALevel::ERROR,
            _ => ALevel::WARNING,
        };
        let path = f.file.display().to_string();
        let mut notes = Vec::new();
        if !f.chain.is_empty() {
            notes.push(format!("chain: {}", f.chain.join(" → ")));
        }
        if let Some(p) = &f.package {
            notes.push(format!("package: {p}"));
        }
        if f.rule != crate::Rule::UnusedAllow {
            notes.push(format!(
                "returned by {}",
                plural(f.returned_by, "place", "places")
            ));
        }
        let help = format!("{} (see {})", f.rule.help(), f.rule.doc_path());
        let title = level
            .clone()
            .primary_title(f.message.as_str())
            .id(f.rule.id());
        let mut groups = Vec::new();
        let main = match &f.source_line {
            Some(line) => {
                let span = name_span(line, f.column);
                title.element(
                    Snippet::source(line.as_str())
                        .line_start(f.line as usize)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(span).label(
                            if f.rule == crate::Rule::UnusedAllow {
                                format!("suppression on `{}`", f.type_name)
                            } else {
                                format!("{} `{}` {}", "error type", f.type_name, f.level_word())
                            },
                        )),
                )
            }
            None => {
                title.element(annotate_snippets::Origin::path(path.as_str()).line(f.line as usize))
            }
        };
        let main = notes
            .iter()
            .fold(main, |g, n| g.element(ALevel::NOTE.message(n.as_str())));
        groups.push(main.element(ALevel::HELP.message(help.as_str())));
        let groups: Vec<Group<'_>> = groups;
        self.renderer().render(&groups)
    }
}

impl Finding {
    fn level_word(&self) -> &'static str {
        match self.rule {
            crate::Rule::HeapBuffer => "holds a buffer",
            crate::Rule::GenericPayload => "keeps a payload",
            crate::Rule::LargeInline => "is large",
            crate::Rule::UnboundedCollection => "holds a collection",
            crate::Rule::UnusedAllow => "suppresses nothing",
        }
    }
}

impl Emitter for Human {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            writeln!(out, "{}\n", self.finding(f))?;
        }
        for e in &report.errors {
            let at = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", e.file.display()),
                (Some(l), None) => format!("{}:{l}", e.file.display()),
                _ => e.file.display().to_string(),
            };
            let title = format!("could not check {at}: {}", e.message);
            let g = ALevel::ERROR
                .primary_title(title.as_str())
                .id("parse-error");
            let groups = [Group::with_title(g)];
            writeln!(out, "{}\n", self.renderer().render(&groups))?;
        }
        if let Some(b) = &report.baseline {
            let title = format!(
                "baseline {}: {} accepted, {} no longer {}",
                b.file.display(),
                plural(b.suppressed, "finding", "findings"),
                plural(b.stale.len(), "entry", "entries"),
                if b.stale.len() == 1 {
                    "matches"
                } else {
                    "match"
                },
            );
            let lines: Vec<String> = b
                .stale
                .iter()
                .map(|e| {
                    format!(
                        "stale: {} `{}` in {} ({}): remove it from the baseline",
                        e.rule, e.type_name, e.file, e.fingerprint
                    )
                })
                .collect();
            let g = lines.iter().fold(
                Group::with_title(ALevel::NOTE.primary_title(title.as_str())),
                |g, l| g.element(ALevel::NOTE.message(l.as_str())),
            );
            writeln!(out, "{}\n", self.renderer().render(&[g]))?;
        }
        let s = &report.summary;
        let deny = report
            .findings
            .iter()
            .filter(|f| f.level == Level::Deny)
            .count();
        let warn = report.findings.len() - deny;
        writeln!(
            out,
            "errguard: checked {} ({}) in {} ms: {}, {}, {} not checked",
            plural(s.files, "file", "files"),
            human_bytes(s.bytes),
            s.elapsed_ms,
            plural(deny, "error", "errors"),
            plural(warn, "warning", "warnings"),
            plural(s.parse_errors, "file", "files"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_name() {
        let line = "pub enum FetchError {";
        assert_eq!(&line[name_span(line, 10)], "FetchError");
        let tuple = "  (Vec<u8>, X)";
        assert_eq!(&tuple[name_span(tuple, 4)], "Vec");
        assert_eq!(&tuple[name_span(tuple, 3)], "(");
        assert_eq!(name_span("ab", 9), 2..2);
    }
}
