//! The SOURCE side: find, classify, decode and stream an RSoft CRM export (and generate
//! realistic ones, `generator`).
//!
//! `Export::open(path)` lists a folder or a `.zip` and classifies each CSV file as a [`Module`];
//! `Export::rows(file)` streams its rows as `Result<Row, RowProblem>` with line numbers and
//! header-indexed access; [`profile::ColumnProfiler`] profiles columns on the stream.

pub mod company;
pub mod decode;
pub mod export;
pub mod generator;
pub mod hashing;
pub mod modules;
pub mod profile;
pub mod rows;

pub use decode::{Delimiter, LineEndCounts, LineEnding, Sniff, TextEncoding};
pub use export::{Entry, Export, ExportFile, ExportKind};
pub use modules::{Classification, Module};
pub use profile::{
    ColumnEvidence, ColumnFlags, ColumnKind, ColumnProfile, ColumnProfiler, DateEvidence,
    DateOrderVerdict, Example, Flagged, KindCount,
};
pub use rows::{Finding, Headers, Row, RowCounts, RowProblem, RowReader, RowRef, Severity};

/// Why an export or one of its files could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file or folder could not be opened or read.
    #[error("cannot read {file}: {source}. Check the path and that you may read it")]
    Io {
        /// The path, as given or inside the export.
        file: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The path is one data file, not an export (a folder or a .zip of the export's files).
    #[error(
        "{file} is one file, not an export: put the export's CSV files in a folder (or a .zip) and pass that"
    )]
    SingleFile {
        /// The path as given.
        file: String,
    },
    /// The .zip's directory or an entry could not be read.
    #[error(
        "{file} is not a readable zip ({message}): pass the export folder, or re-create the zip"
    )]
    Zip {
        /// The .zip file.
        file: String,
        /// The zip reader's message.
        message: String,
    },
    /// A zip entry the tool will not read (password-protected, or an unsupported compression);
    /// `message` says what to do instead.
    #[error("{file}: {message}")]
    Unsupported {
        /// The entry's name inside the .zip.
        file: String,
        /// Why, and what to do (for example unzip it yourself).
        message: String,
    },
    /// A file named `.csv` whose start is no text (a workbook or archive renamed, a damaged
    /// file): it is not read ([`decode::not_text`] says why).
    #[error(
        "{file} is not a CSV file: {why}. It is not read: export the module from RSoft as CSV (or save the workbook as CSV UTF-8) and put that file in its place, or remove this one from the export"
    )]
    NotText {
        /// The file inside the export.
        file: String,
        /// What its first bytes are.
        why: String,
    },
    /// A file named `.csv` that is no regular file (a named pipe, socket or device): reading it
    /// could wait forever, so it is not opened.
    #[error(
        "{file} is not a regular file ({kind}): it is not read, since reading it could wait forever. Copy the data into a regular file and run again"
    )]
    NotRegular {
        /// The file inside the export.
        file: String,
        /// What it is instead (`a named pipe (FIFO)`).
        kind: String,
    },
    /// The header could not be read (the row reader turns later failures into bad rows).
    #[error(
        "{file}{}: the header could not be read ({message}). Check the file opens in a spreadsheet (or re-create the zip) and run again",
        line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    Csv {
        /// The CSV file inside the export.
        file: String,
        /// The physical line (1-based) where the reader stopped, when it knows.
        line: Option<u64>,
        /// The CSV reader's message.
        message: String,
    },
}
