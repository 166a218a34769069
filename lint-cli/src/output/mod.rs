//! Rendering a [`Report`]. Each format is an [`Emitter`]; the binary picks one with
//! `--format` and hands it a writer (stdout, or the file given with `--output`).
//!
//! | format | emitter | for |
//! |---|---|---|
//! | `human` | [`Human`] | people: rustc-style diagnostics with the source line |
//! | `json` | [`Json`] | scripts: one document, schema version [`JSON_SCHEMA_VERSION`] |
//! | `sarif` | [`Sarif`] | code scanning: a SARIF 2.1.0 log ([`sarif`]) |
//! | `github` | [`Github`] | GitHub Actions annotations: workflow commands ([`github`]) |
//!
//! ```
//! use errguard_lint::output::{self, Format, Options};
//! use errguard_lint::{Config, check_sources};
//!
//! let report = check_sources(
//!     &[("src/lib.rs", "pub struct SendError<T>(pub T);\n\
//!                       impl<T> std::error::Error for SendError<T> {}")],
//!     &Config::default(),
//! );
//! let mut out = Vec::new();
//! output::emitter(Format::Github, Options::default()).emit(&report, &mut out).unwrap();
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.starts_with("::error file=src/lib.rs,line=1,col=12,title=errguard generic-payload::"));
//! ```

use std::io::{self, Write};

use crate::Report;

pub mod github;
mod human;
mod json;
pub mod sarif;

pub use github::Github;
pub use human::Human;
pub use json::{JSON_SCHEMA_VERSION, Json};
pub use sarif::Sarif;

/// Renders a report to a writer.
pub trait Emitter {
    /// Writes the whole report.
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style diagnostics with the source line and a caret.
    Human,
    /// One JSON document, schema version [`JSON_SCHEMA_VERSION`].
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`).
    Github,
}

/// Options shared by the emitters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// ANSI colours in human output.
    pub color: bool,
}

/// The emitter for a format.
pub fn emitter(format: Format, options: Options) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(Human { options }),
        Format::Json => Box::new(Json),
        Format::Sarif => Box::new(Sarif),
        Format::Github => Box::new(Github),
    }
}
