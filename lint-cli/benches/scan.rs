//! Throughput of the check on a large body of real code: the crate sources cargo keeps under
//! `~/.cargo/registry/src/*/` (or the folder in `ERRGUARD_BENCH_CORPUS`).
//!
//! Run with `cargo bench -p errguard-lint --bench scan`. Prints MB/s, single-threaded, for:
//! tokenising only (`proc_macro2::TokenStream::from_str`), a full `syn::parse_file`, and our
//! check (phase 1 per file plus phase 2 over the whole corpus); then the end-to-end `check()`
//! (walk, read, parallel phase 1, phase 2) and its peak RSS (`VmHWM`), measured first so the
//! in-memory copy of the corpus does not count.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use errguard_lint::{Config, check, check_sources, index_source};

fn corpus_roots() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("ERRGUARD_BENCH_CORPUS") {
        return vec![PathBuf::from(p)];
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("HOME or CARGO_HOME");
    let src = home.join("registry").join("src");
    match std::fs::read_dir(&src) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    }
}

fn rs_files(root: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Best of `runs` timings.
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("at least one run")
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and wants it quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 1 } else { 3 };
    let roots = corpus_roots();
    if roots.is_empty() {
        eprintln!("no corpus: set ERRGUARD_BENCH_CORPUS or fetch some crates");
        return;
    }

    // End-to-end first, so the peak RSS is the check's own.
    let before = vm_hwm_kib();
    let t = Instant::now();
    let report = check(&roots, &Config::default()).expect("corpus exists");
    let e2e = t.elapsed();
    let hwm = vm_hwm_kib();
    println!(
        "corpus: {} files, {:.1} MB ({} not parsed by errguard)",
        report.summary.files,
        report.summary.bytes as f64 / 1e6,
        report.summary.parse_errors
    );
    println!(
        "check() end to end, all cores: {:>8.1} MB/s  ({:.0} ms, {} findings)",
        mbps(report.summary.bytes as usize, e2e),
        e2e.as_secs_f64() * 1e3,
        report.findings.len()
    );
    if let (Some(b), Some(h)) = (before, hwm) {
        println!(
            "peak RSS (VmHWM) after check(): {:.1} MB (before: {:.1} MB)",
            h as f64 / 1024.0,
            b as f64 / 1024.0
        );
    }
    if quick {
        return;
    }

    let mut files = Vec::new();
    for r in &roots {
        rs_files(r, &mut files);
    }
    files.sort();
    let sources: Vec<(String, String)> = files
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect();
    let bytes: usize = sources.iter().map(|(_, s)| s.len()).sum();
    println!(
        "single thread, in memory ({} files, {:.1} MB):",
        sources.len(),
        bytes as f64 / 1e6
    );

    let tok = best(runs, || {
        for (_, s) in &sources {
            let ts = proc_macro2::TokenStream::from_str(s);
            std::hint::black_box(&ts);
            drop(ts);
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    });
    println!("  tokenize only      {:>8.1} MB/s", mbps(bytes, tok));

    let mut syn_failed = 0;
    let full = best(runs, || {
        syn_failed = 0;
        for (_, s) in &sources {
            let f = syn::parse_file(s);
            syn_failed += usize::from(f.is_err());
            std::hint::black_box(&f);
            drop(f);
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    });
    println!(
        "  syn::parse_file    {:>8.1} MB/s  ({syn_failed} files rejected)",
        mbps(bytes, full)
    );

    let phase1 = best(runs, || {
        for (_, s) in &sources {
            std::hint::black_box(index_source(s).ok());
        }
    });
    println!("  our phase 1        {:>8.1} MB/s", mbps(bytes, phase1));

    let refs: Vec<(&str, &str)> = sources
        .iter()
        .map(|(p, s)| (p.as_str(), s.as_str()))
        .collect();
    let ours = best(runs, || {
        std::hint::black_box(check_sources(&refs, &Config::default()));
    });
    println!(
        "  our check (1 + 2)  {:>8.1} MB/s  ({:.0}% of tokenize time)",
        mbps(bytes, ours),
        ours.as_secs_f64() / tok.as_secs_f64() * 100.0
    );
}
