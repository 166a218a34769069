//! The rule ids `#[errguard::allow]` accepts (errguard-macros) and the ids `cargo errguard
//! check` knows (`Rule::id` in lint-cli/src/rules.rs) are two lists in two crates: this test
//! keeps them equal, so a suppression that compiles is one the lint can use.

use std::collections::BTreeSet;

/// The lint's rules, read as text (the test does not depend on the lint crate).
const RULES_RS: &str = include_str!("../../lint-cli/src/rules.rs");

/// The ids in the `Rule::Variant => "id"` arms of the lint's rules.rs (only `Rule::id` maps
/// a variant straight to a string literal).
fn lint_ids() -> BTreeSet<&'static str> {
    RULES_RS
        .lines()
        .filter_map(|line| {
            let (variant, id) = line.trim().split_once(" => \"")?;
            let id = id.strip_suffix("\",")?;
            variant.starts_with("Rule::").then_some(id)
        })
        .collect()
}

#[test]
fn every_macro_rule_id_is_a_lint_rule_id() {
    let ids = errguard::__private::ALLOW_RULE_IDS;
    assert!(!ids.is_empty());
    for id in ids {
        assert!(
            RULES_RS.contains(&format!("=> \"{id}\"")),
            "`#[errguard::allow]` accepts `{id}`, which lint-cli/src/rules.rs does not list as \
             `=> \"{id}\"`: the lint would report the suppression as `unused-allow`"
        );
    }
}

#[test]
fn every_lint_rule_id_is_a_macro_rule_id() {
    let lint = lint_ids();
    assert!(
        lint.contains("heap-buffer"),
        "no `Rule::… => \"id\"` arms found: {lint:?}"
    );
    let macros: BTreeSet<&str> = errguard::__private::ALLOW_RULE_IDS
        .iter()
        .copied()
        .collect();
    assert_eq!(
        macros, lint,
        "the ids `#[errguard::allow]` accepts (guard-macros/src/allow.rs `RULE_IDS`) differ from \
         the lint's (lint-cli/src/rules.rs `Rule::id`)"
    );
    assert_eq!(
        errguard::__private::ALLOW_RULE_IDS.len(),
        macros.len(),
        "duplicate ids in guard-macros/src/allow.rs `RULE_IDS`"
    );
}
