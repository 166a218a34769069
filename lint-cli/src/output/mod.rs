//! Rendering a [`Report`]. Each format is an [`Emitter`]; the binary picks one and hands it a
//! writer. Human and JSON output live here; SARIF and GitHub annotations slot in as more
//! emitters over the same report.

use std::io::{self, Write};

use crate::Report;

mod human;
mod json;

pub use human::Human;
pub use json::{JSON_SCHEMA_VERSION, Json};

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
    }
}
