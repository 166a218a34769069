//! Every fixture in `fixtures/`, checked both ways: every `//~ rule-id` marker is found (nothing
//! missing) and nothing unmarked is reported (nothing extra), comparing (file, line, rule).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use errguard_lint::{Config, Level, Report, check};

type Key = (String, u32, String);

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn rel(p: &Path) -> String {
    let base = fixtures_dir();
    p.strip_prefix(&base).unwrap_or(p).display().to_string()
}

fn fixture_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `//~ id id` at the end of a line.
fn expected() -> BTreeSet<Key> {
    let mut out = BTreeSet::new();
    for f in fixture_files() {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(idx) = line.find("//~") {
                for id in line[idx + 3..].split_whitespace() {
                    out.insert((rel(&f), i as u32 + 1, id.to_string()));
                }
            }
        }
    }
    out
}

fn found(report: &Report) -> BTreeSet<Key> {
    report
        .findings
        .iter()
        .filter(|f| f.level != Level::Allow)
        .map(|f| (rel(&f.file), f.line, f.rule.id().to_string()))
        .collect()
}

fn diff(expected: &BTreeSet<Key>, found: &BTreeSet<Key>) -> String {
    let missing: Vec<_> = expected.difference(found).collect();
    let extra: Vec<_> = found.difference(expected).collect();
    let mut s = String::new();
    for m in &missing {
        s += &format!("missing: {}:{} {}\n", m.0, m.1, m.2);
    }
    for e in &extra {
        s += &format!("extra:   {}:{} {}\n", e.0, e.1, e.2);
    }
    s
}

#[test]
fn every_fixture_both_ways() {
    let report = check(&[fixtures_dir()], &Config::default()).unwrap();
    let exp = expected();
    assert!(
        exp.len() >= 40,
        "the corpus should have markers (found {})",
        exp.len()
    );
    let got = found(&report);
    let d = diff(&exp, &got);
    assert!(d.is_empty(), "fixture expectations differ:\n{d}");
}

#[test]
fn each_file_alone_gives_the_same_findings() {
    let whole = found(&check(&[fixtures_dir()], &Config::default()).unwrap());
    let mut alone = BTreeSet::new();
    for f in fixture_files() {
        let r = check(std::slice::from_ref(&f), &Config::default()).unwrap();
        alone.extend(found(&r));
    }
    let d = diff(&whole, &alone);
    assert!(d.is_empty(), "scanning files alone differs:\n{d}");
}

#[test]
fn bad_inputs_are_errors_not_findings() {
    let report = check(&[fixtures_dir().join("bad")], &Config::default()).unwrap();
    assert!(report.findings.is_empty());
    let files: BTreeSet<String> = report
        .errors
        .iter()
        .map(|e| e.file.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(files.contains("not_utf8.rs"), "{:?}", report.errors);
    assert!(files.contains("syntax_error.rs"), "{:?}", report.errors);
    assert!(!files.contains("empty.rs"), "{:?}", report.errors);
    for e in &report.errors {
        assert!(e.line.is_some(), "errors carry a line: {e:?}");
    }
}
