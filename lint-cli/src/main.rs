//! `cargo errguard check [PATHS]`: finds error types that hold large buffers.
//! `cargo errguard explain [RULE]`: prints a rule's documentation, or lists the rules.
//!
//! Works as `cargo errguard check` (cargo passes `errguard` first), as `cargo-errguard check`, and
//! through `cargo run -p errguard-lint -- check`. Exit codes: 0 nothing at a failing level (or
//! `--write-baseline` done), 1 findings at a failing level (after `--baseline`), 2 could not run
//! (usage, a missing or malformed baseline, a report or baseline that cannot be written).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use errguard_lint::baseline::Baseline;
use errguard_lint::output::{self, Format};
use errguard_lint::{Config, Level, Rule, rule_docs};

#[derive(Parser)]
#[command(
    name = "cargo-errguard",
    bin_name = "cargo errguard",
    version,
    about = "Finds error types that hold large buffers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the `.rs` files under PATHS (default: the current directory).
    Check(CheckArgs),
    /// Print a rule's documentation; with no RULE (or `--list`), list the rules.
    Explain(ExplainArgs),
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The rule id (`heap-buffer`).
    rule: Option<String>,
    /// List the rules with their default level and a one-line summary.
    #[arg(long, conflicts_with = "rule")]
    list: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// Inline size limit in bytes for `large-inline` (over means size > limit).
    #[arg(long, default_value_t = 128, value_name = "BYTES")]
    max_error_size: u64,
    /// Set a rule to `deny` (fails the run). Repeatable.
    #[arg(short = 'D', long = "deny", value_name = "RULE", value_parser = parse_rule)]
    deny: Vec<Rule>,
    /// Set a rule to `warn`. Repeatable.
    #[arg(short = 'W', long = "warn", value_name = "RULE", value_parser = parse_rule)]
    warn: Vec<Rule>,
    /// Turn a rule off. Repeatable.
    #[arg(short = 'A', long = "allow", value_name = "RULE", value_parser = parse_rule)]
    allow: Vec<Rule>,
    /// Files larger than this are reported and skipped.
    #[arg(long, default_value_t = 16 * 1024 * 1024, value_name = "BYTES")]
    max_file_size: u64,
    /// Leave out paths matching this gitignore-style pattern (relative to each PATH).
    /// Repeatable.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(short, long, default_value_t = 0)]
    jobs: usize,
    /// Colours in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// Write the report to FILE (created or truncated) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Leave out the findings recorded in this baseline file; report its stale entries.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in FILE as the baseline, then exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
}

fn parse_rule(s: &str) -> Result<Rule, String> {
    s.parse()
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cargo errguard …` runs `cargo-errguard errguard …`.
    if args.get(1).is_some_and(|a| a == "errguard") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let a = match cli.command {
        Command::Check(a) => a,
        Command::Explain(e) => return explain(e),
    };
    let mut config = Config {
        max_error_size: a.max_error_size,
        max_file_size: a.max_file_size,
        jobs: a.jobs,
        excludes: a.exclude,
        ..Config::default()
    };
    for (rules, level) in [
        (&a.allow, Level::Allow),
        (&a.warn, Level::Warn),
        (&a.deny, Level::Deny),
    ] {
        for r in rules {
            config.levels.insert(*r, level);
        }
    }
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths
    };
    // Read the baseline first: a bad one is a usage error, not worth a scan.
    let baseline = match a.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = match errguard_lint::check(&paths, &config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &a.write_baseline {
        let b = Baseline::from_report(&report);
        if let Err(e) = b.write(path) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        let n = b.findings.len();
        eprintln!(
            "errguard: wrote {n} baseline {} to {} ({} not checked)",
            if n == 1 { "entry" } else { "entries" },
            path.display(),
            match report.errors.len() {
                1 => "1 file".to_string(),
                e => format!("{e} files"),
            }
        );
        return ExitCode::SUCCESS;
    }
    if let (Some(b), Some(path)) = (&baseline, &a.baseline) {
        b.apply(&mut report, path);
    }
    let format = match a.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    // Human and JSON output carry the stale baseline entries; other formats get them here.
    if let Some(b) = report
        .baseline
        .as_ref()
        .filter(|_| matches!(format, Format::Sarif | Format::Github))
    {
        for e in &b.stale {
            eprintln!(
                "note: baseline {}: stale entry {} `{}` in {} ({}) matches nothing; remove it",
                b.file.display(),
                e.rule,
                e.type_name,
                e.file,
                e.fingerprint
            );
        }
    }
    let color = match a.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            a.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let emitter = output::emitter(format, output::Options { color });
    if let Some(path) = &a.output {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut out = std::io::BufWriter::new(f);
            emitter.emit(&report, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()
        });
        if let Err(e) = written {
            eprintln!("error: cannot write the report to {}: {e}", path.display());
            return ExitCode::from(2);
        }
    } else {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        if let Err(e) = emitter.emit(&report, &mut out).and_then(|()| out.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            eprintln!("error: cannot write the report: {e}");
            return ExitCode::from(2);
        }
    }
    if report.has_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `cargo errguard explain [RULE | --list]`.
fn explain(e: ExplainArgs) -> ExitCode {
    let Some(name) = e.rule.filter(|_| !e.list) else {
        let mut out = String::from("rules (explain one with `cargo errguard explain RULE`):\n");
        for r in Rule::ALL {
            out.push_str(&format!(
                "  {:<22} {:<6} {}\n",
                r.id(),
                r.default_level().as_str(),
                rule_docs::summary(r)
            ));
        }
        return print_or_fail(&out);
    };
    match name.parse::<Rule>() {
        Ok(r) => print_or_fail(rule_docs::markdown(r)),
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn print_or_fail(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write: {e}");
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}
