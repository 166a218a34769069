//! The rules' documentation, compiled in from `lint-cli/docs/rules/<id>.md`: shown by
//! `cargo errguard explain RULE` and embedded in SARIF output.
//!
//! The pages people read (and edit) are the repository's `docs/rules/*.md`. The package keeps a
//! byte-identical copy in its own folder because `cargo publish` only packs files inside the
//! package, so `include_str!` cannot reach `../docs`; a test fails on any drift between the two
//! (edit `docs/rules/`, then `cp docs/rules/*.md lint-cli/docs/rules/`).
//!
//! ```
//! use errguard_lint::{Rule, rule_docs};
//!
//! assert!(rule_docs::markdown(Rule::HeapBuffer).starts_with("# `heap-buffer`"));
//! assert_eq!(
//!     rule_docs::summary(Rule::HeapBuffer),
//!     "The error type owns a byte buffer or a payload"
//! );
//! assert!(rule_docs::help_uri(Rule::HeapBuffer).ends_with("/docs/rules/heap-buffer.md"));
//! ```

use crate::Rule;

/// The whole Markdown page of a rule.
pub fn markdown(rule: Rule) -> &'static str {
    match rule {
        Rule::HeapBuffer => include_str!("../docs/rules/heap-buffer.md"),
        Rule::GenericPayload => include_str!("../docs/rules/generic-payload.md"),
        Rule::LargeInline => include_str!("../docs/rules/large-inline.md"),
        Rule::UnboundedCollection => include_str!("../docs/rules/unbounded-collection.md"),
        Rule::UnusedAllow => include_str!("../docs/rules/unused-allow.md"),
    }
}

/// The first paragraph after the title, joined into one line.
pub fn description(rule: Rule) -> String {
    markdown(rule)
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one-line summary: the bold sentence that opens the description, without its final `.`
/// or `:`.
pub fn summary(rule: Rule) -> String {
    let d = description(rule);
    let bold = d
        .strip_prefix("**")
        .and_then(|rest| rest.split_once("**"))
        .map(|(b, _)| b.to_string())
        .unwrap_or(d);
    bold.trim_end_matches(['.', ':']).to_string()
}

/// The rule's page on the project's repository.
pub fn help_uri(rule: Rule) -> String {
    format!(
        "{}/blob/main/{}",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
        rule.doc_path()
    )
}

/// The rule id in PascalCase (`heap-buffer` → `HeapBuffer`), SARIF's `name`.
pub fn pascal_name(rule: Rule) -> String {
    rule.id()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packaged_pages_are_the_repositorys_pages() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
        // Outside the repository (a `cargo publish`ed crate) there is nothing to compare with.
        let Ok(entries) = std::fs::read_dir(&repo) else {
            return;
        };
        let mut pages: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        pages.sort();
        let mut ids: Vec<String> = Rule::ALL.iter().map(|r| format!("{}.md", r.id())).collect();
        ids.sort();
        assert_eq!(pages, ids, "one page per rule in docs/rules");
        for r in Rule::ALL {
            let page = std::fs::read_to_string(repo.join(format!("{}.md", r.id()))).unwrap();
            assert!(
                page == markdown(r),
                "docs/rules/{0}.md and lint-cli/docs/rules/{0}.md differ: \
                 run `cp docs/rules/*.md lint-cli/docs/rules/`",
                r.id()
            );
        }
    }

    #[test]
    fn every_rule_has_a_page_a_summary_and_a_name() {
        for r in Rule::ALL {
            assert!(markdown(r).starts_with(&format!("# `{}`", r.id())), "{r}");
            let s = summary(r);
            assert!(
                !s.is_empty() && !s.contains("**") && s.len() < 120,
                "{r}: {s}"
            );
            assert!(!description(r).is_empty());
        }
        assert_eq!(
            pascal_name(Rule::UnboundedCollection),
            "UnboundedCollection"
        );
        assert_eq!(
            summary(Rule::LargeInline),
            "The error's estimated inline size is over the limit"
        );
    }
}
