//! `cargo errguard check [PATHS]`: finds error types that hold large buffers.
//!
//! Works as `cargo errguard check` (cargo passes `errguard` first), as `cargo-errguard check`, and
//! through `cargo run -p errguard-lint -- check`. Exit codes: 0 nothing at a failing level, 1
//! findings at a failing level, 2 could not run.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use errguard_lint::output::{self, Format};
use errguard_lint::{Config, Level, Rule};

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
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
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
    let Command::Check(a) = cli.command;
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
    let deny: Vec<Rule> = a
        .deny
        .iter()
        .filter_map(|d| match d {
            DenyArg::Rule(r) => Some(*r),
            DenyArg::Warnings => None,
        })
        .collect();
    config.deny_warnings = a.deny.iter().any(|d| matches!(d, DenyArg::Warnings));
    for (rules, level) in [
        (&a.allow, Level::Allow),
        (&a.warn, Level::Warn),
        (&deny, Level::Deny),
    ] {
        for r in rules {
            config.levels.insert(*r, level);
        }
    }
    let report = match errguard_lint::check(&paths, &config) {
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
    let format = match a.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
    };
    let color = match a.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let emitter = output::emitter(format, output::Options { color });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(e) = emitter.emit(&report, &mut out).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    if report.has_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
