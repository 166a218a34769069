//! Fuzzing the per-file step (`index_source`, what every file goes through in phase 1) with
//! proptest: arbitrary text, token soup built from Rust's own vocabulary, and the fixtures with
//! random edits. The properties: it returns (never panics, never overflows the stack), and a
//! reported position lies inside the text.
//!
//! `PROPTEST_CASES=100000 cargo test -p errguard-lint --test fuzz_index --release` runs a longer
//! campaign; the default keeps `cargo test` quick.

use std::path::Path;

use errguard_lint::{Config, check_sources, index_source};
use proptest::prelude::*;

/// Words and punctuation that steer the parser into its item, type and generics paths.
const VOCABULARY: &[&str] = &[
    "pub",
    "struct",
    "enum",
    "union",
    "type",
    "impl",
    "for",
    "trait",
    "fn",
    "async",
    "const",
    "static",
    "mod",
    "use",
    "where",
    "dyn",
    "Self",
    "self",
    "crate",
    "super",
    "as",
    "mut",
    "ref",
    "unsafe",
    "extern",
    "\"C\"",
    "macro_rules!",
    "Error",
    "Result",
    "Vec",
    "u8",
    "Box",
    "Option",
    "String",
    "std",
    "::",
    ":",
    ";",
    ",",
    "=",
    "->",
    "=>",
    "<",
    ">",
    ">>",
    "<<",
    "&",
    "'a",
    "'_",
    "#",
    "!",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "?",
    "*",
    "+",
    "_",
    "0",
    "128",
    "1.5",
    "'c'",
    "b\"x\"",
    "r#\"raw\"#",
    "//~ heap-buffer",
    "/* c */",
    "/// doc",
    "#[derive(Debug, thiserror::Error)]",
    "#[errguard::allow(heap-buffer, reason = \"r\")]",
    "\n",
    " ",
    "\u{feff}",
    "é",
    "#!/bin/sh\n",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..200).prop_map(|w| w.join(" "))
}

fn fixtures() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "rs").then(|| std::fs::read_to_string(&p).ok())?
        })
        .collect();
    texts.sort();
    assert!(texts.len() >= 40, "fixtures not found in {}", dir.display());
    texts
}

/// A fixture with one random edit: a cut, a duplicated range, or inserted vocabulary.
fn edited_fixture() -> impl Strategy<Value = String> {
    let texts = fixtures();
    (
        prop::sample::select(texts),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        0..3u8,
        token_soup(),
    )
        .prop_map(|(text, a, b, op, soup)| {
            let chars: Vec<char> = text.chars().collect();
            let (mut i, mut j) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
            if i > j {
                std::mem::swap(&mut i, &mut j);
            }
            let head: String = chars[..i].iter().collect();
            let mid: String = chars[i..j].iter().collect();
            let tail: String = chars[j..].iter().collect();
            match op {
                0 => head + &tail,
                1 => head.clone() + &mid + &mid + &tail,
                _ => head + &soup + &tail,
            }
        })
}

/// Checks one text: returns, and any position it reports is inside the text.
fn assert_indexes_or_reports(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = index_source(text) {
        prop_assert!(!e.message.is_empty());
        if let Some(pos) = e.pos {
            let lines = text.split('\n').count() as u32;
            prop_assert!(
                pos.line >= 1 && pos.line <= lines,
                "line {} of {lines}",
                pos.line
            );
            prop_assert!(pos.column >= 1, "column {}", pos.column);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        assert_indexes_or_reports(&text)?;
    }

    #[test]
    fn token_soup_from_rust_vocabulary(text in token_soup()) {
        assert_indexes_or_reports(&text)?;
    }

    #[test]
    fn fixtures_with_a_random_edit(text in edited_fixture()) {
        assert_indexes_or_reports(&text)?;
        // Phase 2 over what phase 1 kept must not panic either.
        let report = check_sources(&[("f.rs", &text)], &Config::default());
        prop_assert_eq!(report.summary.files, 1);
        // One file gives at most one file error, and a file that was not indexed gives no
        // findings.
        prop_assert!(report.errors.len() <= 1);
        prop_assert!(report.errors.is_empty() || report.findings.is_empty());
    }

    /// Nesting far beyond `parse::MAX_DEPTH`, in item position, in a type, and in a body.
    #[test]
    fn deep_nesting(depth in 1usize..5000, open in prop::sample::select(vec!["(", "[", "{", "<"]),
                    place in 0..3u8) {
        let close = match open { "(" => ")", "[" => "]", "{" => "}", _ => ">" };
        let nest = open.repeat(depth) + &close.repeat(depth);
        let text = match place {
            0 => format!("const X: u8 = {nest};"),
            1 => format!("pub struct E {{ f: Vec<{nest}> }}"),
            _ => format!("fn f() -> Result<(), E> {{ {nest} }}"),
        };
        assert_indexes_or_reports(&text)?;
    }
}

#[test]
fn a_well_formed_fixture_still_indexes_after_the_campaign_setup() {
    // Guards the generator: if every fixture failed to parse, the edit property would only ever
    // see errors and test nothing of the indexer.
    let parsed = fixtures()
        .iter()
        .filter(|t| index_source(t).is_ok())
        .count();
    assert!(parsed >= 40, "only {parsed} fixtures parse");
}

/// A type expression over the generated definitions `A0`..`A3`, the parameter `T` and a few
/// std types, at most `depth` levels deep.
fn nest_expr(depth: u32) -> BoxedStrategy<String> {
    let leaf =
        prop::sample::select(vec!["T", "u8", "u64", "String", "Vec<u8>"]).prop_map(String::from);
    leaf.prop_recursive(depth, 32, 2, |inner| {
        prop_oneof![
            (0..4usize, inner.clone()).prop_map(|(i, e)| format!("A{i}<{e}>")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("Result<{a}, {b}>")),
            inner.clone().prop_map(|e| format!("Option<{e}>")),
            inner.clone().prop_map(|e| format!("Vec<{e}>")),
            inner.prop_map(|e| format!("[{e}; 4]")),
        ]
    })
    .boxed()
}

/// Four mutually referring generic aliases and structs (cycles and arguments that grow at
/// every level included), used as errors from a signature and an `impl Error`.
fn alias_nest() -> impl Strategy<Value = String> {
    prop::collection::vec((any::<bool>(), nest_expr(4), nest_expr(3)), 4).prop_map(|defs| {
        let mut src = String::new();
        for (i, (alias, a, b)) in defs.iter().enumerate() {
            if *alias {
                src.push_str(&format!("pub type A{i}<T> = {a};\n"));
            } else {
                src.push_str(&format!(
                    "pub struct A{i}<T> {{ pub x: {a}, pub y: {b} }}\n"
                ));
            }
        }
        src.push_str("pub fn g() -> Result<(), A0<u8>> { todo!() }\n");
        src.push_str("pub fn h() -> A1<A2<u8>> { todo!() }\n");
        src.push_str("impl<T> std::error::Error for A3<T> {}\n");
        src
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Phase 2 over generated alias and generic nests ends, and within its step budgets (a
    /// count of visited types, not wall-clock time).
    #[test]
    fn phase_two_is_bounded_on_alias_and_generic_nests(src in alias_nest()) {
        use errguard_lint::resolve::{Program, SourceFile, SIZE_STEPS};
        use errguard_lint::rules::{Limits, MAX_STEPS, Rule, analyse};
        let index = index_source(&src).map_err(|e| TestCaseError::fail(e.message))?;
        let prog = Program::new(vec![SourceFile { path: "n.rs".into(), index }]);
        let enabled = Rule::ALL.into_iter().collect();
        let a = analyse(&prog, &enabled, &Limits { max_error_size: 128 }, &[]);
        // Each root (an error type or a written error position) has its own budgets; the slack
        // is for calls already under way when a budget runs out.
        prop_assert!(a.roots >= 1, "no error type found in:\n{}", src);
        let bound = a.roots as u64 * (MAX_STEPS + SIZE_STEPS + 64) as u64;
        prop_assert!(
            a.steps <= bound,
            "{} steps for {} roots:\n{}", a.steps, a.roots, src
        );
    }
}
