//! `cargo errguard check [PATHS]`: finds error types that hold large buffers.
//! `cargo errguard explain [RULE]`: prints a rule's documentation, or lists the rules.
//!
//! Works as `cargo errguard check` (cargo passes `errguard` first), as `cargo-errguard check`, and
//! through `cargo run -p errguard-lint -- check`. Exit codes: 0 nothing at a failing level (or
//! `--write-baseline` done), 1 findings at a failing level (after `--baseline`), or stale baseline
//! entries with `--strict-baseline`, 2 could not run
//! (usage, a missing or malformed baseline, a report or baseline that cannot be written).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
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
    Check(Box<CheckArgs>),
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
    /// Inline size limit in bytes for `large-inline` (over means size > limit) [default: 128,
    /// or the config file's `max-error-size`].
    #[arg(long, value_name = "BYTES")]
    max_error_size: Option<u64>,
    /// Set a rule to `deny` (fails the run). Repeatable. `-D warnings`: every rule at `warn`
    /// fails the run too.
    #[arg(short = 'D', long = "deny", value_name = "RULE", value_parser = parse_deny)]
    deny: Vec<DenyArg>,
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
    /// With `--baseline`: exit 1 when the baseline has stale entries (types fixed or gone), so
    /// the file is kept trimmed.
    #[arg(long, requires = "baseline")]
    strict_baseline: bool,
    /// Record every current finding in FILE as the baseline, then exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Read this config file (`errguard.toml`, or a `Cargo.toml` with
    /// `[package.metadata.errguard]` / `[workspace.metadata.errguard]`) instead of looking for
    /// one above each PATH.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Check the package of this `Cargo.toml` (every member, for a virtual workspace manifest),
    /// through `cargo metadata`; findings name their package.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Check every member of the workspace (of `--manifest-path`, or of the current folder).
    #[arg(long)]
    workspace: bool,
}

#[derive(Clone, Copy)]
enum DenyArg {
    Rule(Rule),
    Warnings,
}

fn parse_rule(s: &str) -> Result<Rule, String> {
    if s == "warnings" {
        return Err("`warnings` is only accepted as `-D warnings` (every rule at `warn` fails the run); -A and -W take rule ids".into());
    }
    s.parse()
}

fn parse_deny(s: &str) -> Result<DenyArg, String> {
    if s == "warnings" {
        Ok(DenyArg::Warnings)
    } else {
        s.parse().map(DenyArg::Rule)
    }
}

/// The `-A/-W/-D RULE` flags of `check` in command-line order (`-D warnings` left out: it is
/// not a rule): the parsed values of `a`, placed by their indices in `m`.
fn level_flags_in_order(m: &ArgMatches, a: &CheckArgs) -> Vec<(Rule, Level)> {
    let deny: Vec<Option<Rule>> = a
        .deny
        .iter()
        .map(|d| match d {
            DenyArg::Rule(r) => Some(*r),
            DenyArg::Warnings => None,
        })
        .collect();
    let allow: Vec<Option<Rule>> = a.allow.iter().copied().map(Some).collect();
    let warn: Vec<Option<Rule>> = a.warn.iter().copied().map(Some).collect();
    let mut flags: Vec<(usize, Rule, Level)> = Vec::new();
    for (id, rules, level) in [
        ("allow", allow, Level::Allow),
        ("warn", warn, Level::Warn),
        ("deny", deny, Level::Deny),
    ] {
        flags.extend(
            m.indices_of(id)
                .into_iter()
                .flatten()
                .zip(rules)
                .filter_map(|(i, r)| r.map(|r| (i, r, level))),
        );
    }
    flags.sort_by_key(|(i, ..)| *i);
    flags.into_iter().map(|(_, r, l)| (r, l)).collect()
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cargo errguard …` runs `cargo-errguard errguard …`.
    if args.get(1).is_some_and(|a| a == "errguard") {
        args.remove(1);
    }
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let a = match cli.command {
        Command::Check(a) => *a,
        Command::Explain(e) => return explain(e),
    };
    let order = matches
        .subcommand_matches("check")
        .map(|m| level_flags_in_order(m, &a))
        .unwrap_or_default();
    let mut config = Config {
        max_file_size: a.max_file_size,
        jobs: a.jobs,
        excludes: a.exclude,
        ..Config::default()
    };
    let packages = if a.workspace || a.manifest_path.is_some() {
        if !a.paths.is_empty() {
            eprintln!("error: PATHS cannot be given with --workspace or --manifest-path");
            return ExitCode::from(2);
        }
        match errguard_lint::workspace::packages(a.manifest_path.as_deref(), a.workspace) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    config.root =
        errguard_lint::fingerprint::stable_root(packages.as_ref().map(|w| w.root.as_path()));
    let packages = packages.map(|w| w.packages);
    let paths = match &packages {
        Some(p) => errguard_lint::workspace::scan_paths(p),
        None if a.paths.is_empty() => vec![PathBuf::from(".")],
        None => a.paths,
    };
    // Precedence: defaults < config file < command line.
    let file = match &a.config {
        Some(f) => errguard_lint::config::load(f).map(Some),
        None => errguard_lint::config::discover(&paths).map(|(chosen, others)| {
            if let Some(c) = &chosen {
                for o in others {
                    eprintln!(
                        "warning: config {} not used: {} applies to the whole run",
                        o.display(),
                        c.path.display()
                    );
                }
            }
            chosen
        }),
    };
    match file {
        Ok(Some(f)) => config.apply_file(&f),
        Ok(None) => {}
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(m) = a.max_error_size {
        config.max_error_size = m;
    }
    config.deny_warnings = a.deny.iter().any(|d| matches!(d, DenyArg::Warnings));
    // As in rustc, the last of `-A/-W/-D` naming a rule wins: `-D x -A x` allows `x`.
    for (r, level) in order {
        config.levels.insert(r, level);
    }
    // Read the baseline first: a bad one is a usage error, not worth a scan.
    let baseline = match a.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = match errguard_lint::check(&paths, &config) {
        Ok(mut r) => {
            if let Some(p) = &packages {
                errguard_lint::workspace::attribute(&mut r, p);
            }
            r
        }
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
    let stale = report.baseline.as_ref().map_or(0, |b| b.stale.len());
    if a.strict_baseline && stale > 0 {
        eprintln!(
            "error: --strict-baseline: {stale} stale {} in {}; remove {} (or write the baseline again)",
            if stale == 1 { "entry" } else { "entries" },
            a.baseline
                .as_deref()
                .unwrap_or(std::path::Path::new(""))
                .display(),
            if stale == 1 { "it" } else { "them" },
        );
        return ExitCode::from(1);
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
