//! The SOURCE side: find, classify, decode and stream an RSoft CRM export (and generate
//! realistic ones, `generator`).
//!
//! `Export::open(path)` lists a folder or a `.zip` and classifies each CSV file as a [`Module`];
//! `Export::rows(file)` streams its rows as `Result<Row, RowProblem>` with line numbers and
//! header-indexed access; [`profile::ColumnProfiler`] profiles columns on the stream.

pub mod decode;
pub mod export;
pub mod generator;
pub mod hashing;
pub mod modules;
pub mod profile;
pub mod rows;

pub use decode::{Delimiter, LineEnding, Sniff, TextEncoding};
pub use export::{Entry, Export, ExportFile, ExportKind};
pub use modules::{Classification, Module};
pub use profile::{
    ColumnEvidence, ColumnFlags, ColumnProfile, ColumnProfiler, DateEvidence, DateOrderVerdict,
    Example, Flagged, KindCount, ValueKind,
};
pub use rows::{Finding, Headers, Row, RowCounts, RowProblem, RowReader, RowRef, Severity};

/// Why an export or one of its files could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {file}: {source}. Check the path and that you may read it")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error(
        "{file} is not a readable zip ({message}): pass the export folder, or re-create the zip"
    )]
    Zip { file: String, message: String },
    #[error("{file}: {message}")]
    Unsupported { file: String, message: String },
    /// The header could not be read (the row reader turns later failures into bad rows).
    #[error(
        "{file}{}: the header could not be read ({message}). Check the file opens in a spreadsheet (or re-create the zip) and run again",
        line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    Csv {
        file: String,
        line: Option<u64>,
        message: String,
    },
}
