//! One output CSV, written a row at a time in the file's own encoding, delimiter and line ending.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use encoding_rs::WINDOWS_1252;

use super::GeneratorError;

/// Byte encoding of an output file, as spreadsheet tools write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileEncoding {
    Utf8,
    Utf8Bom,
    Windows1252,
    /// Spreadsheet "Unicode text": UTF-16 little endian with a byte-order mark.
    Utf16LeBom,
}

/// How one file is laid out on disk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub encoding: FileEncoding,
    pub delimiter: u8,
    pub crlf: bool,
}

impl Layout {
    pub const PLAIN: Layout = Layout {
        encoding: FileEncoding::Utf8,
        delimiter: b',',
        crlf: false,
    };
}

/// A CSV file being written. The csv writer is flushed after every row, so memory holds at most one
/// row whatever the file's length.
pub(super) struct TableFile {
    path: PathBuf,
    csv: csv::Writer<Transcoder>,
    rows: u64,
}

impl TableFile {
    pub fn create(path: &Path, layout: Layout, header: &[&str]) -> Result<Self, GeneratorError> {
        let write_error = |source| GeneratorError::Write {
            path: path.to_path_buf(),
            source,
        };
        let file = File::create(path).map_err(write_error)?;
        let mut out = BufWriter::with_capacity(64 * 1024, file);
        let bom: &[u8] = match layout.encoding {
            FileEncoding::Utf8Bom => b"\xEF\xBB\xBF",
            FileEncoding::Utf16LeBom => b"\xFF\xFE",
            FileEncoding::Utf8 | FileEncoding::Windows1252 => b"",
        };
        out.write_all(bom).map_err(write_error)?;
        let terminator = if layout.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let csv = csv::WriterBuilder::new()
            .delimiter(layout.delimiter)
            .terminator(terminator)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(Transcoder {
                encoding: layout.encoding,
                pending: Vec::new(),
                encoded: Vec::new(),
                unencodable: false,
                out,
            });
        let mut table = TableFile {
            path: path.to_path_buf(),
            csv,
            rows: 0,
        };
        table.record(header)?;
        Ok(table)
    }

    /// Append one data row.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<(), GeneratorError> {
        self.rows += 1;
        self.record(fields)
    }

    /// Flush to disk and return the number of data rows written.
    pub fn finish(self) -> Result<u64, GeneratorError> {
        let path = self.path;
        let mut transcoder = self.csv.into_inner().map_err(|e| GeneratorError::Write {
            path: path.clone(),
            source: io::Error::other(e.to_string()),
        })?;
        transcoder
            .out
            .flush()
            .map_err(|source| GeneratorError::Write { path, source })?;
        Ok(self.rows)
    }

    fn record<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<(), GeneratorError> {
        let written = self
            .csv
            .write_record(fields.iter().map(|f| f.as_ref()))
            .and_then(|()| Ok(self.csv.flush()?));
        match written {
            Ok(()) => Ok(()),
            Err(_) if self.csv.get_ref().unencodable => Err(GeneratorError::Unencodable {
                path: self.path.clone(),
                row: self.rows,
                encoding: "Windows-1252",
            }),
            Err(e) => Err(GeneratorError::Write {
                path: self.path.clone(),
                source: io::Error::other(e),
            }),
        }
    }
}

/// Receives UTF-8 from the csv writer and, on each flush (one per row, so never a split
/// character), writes it to the file in the file's encoding.
struct Transcoder {
    encoding: FileEncoding,
    pending: Vec<u8>,
    encoded: Vec<u8>,
    unencodable: bool,
    out: BufWriter<File>,
}

impl Write for Transcoder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let text = String::from_utf8_lossy(&self.pending);
        match self.encoding {
            FileEncoding::Utf8 | FileEncoding::Utf8Bom => self.out.write_all(&self.pending)?,
            FileEncoding::Windows1252 => {
                let (bytes, _, unmappable) = WINDOWS_1252.encode(&text);
                if unmappable {
                    self.unencodable = true;
                    return Err(io::Error::other("character not in Windows-1252"));
                }
                self.out.write_all(&bytes)?;
            }
            FileEncoding::Utf16LeBom => {
                self.encoded.clear();
                self.encoded
                    .extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                self.out.write_all(&self.encoded)?;
            }
        }
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(encoding: FileEncoding) -> Layout {
        Layout {
            encoding,
            ..Layout::PLAIN
        }
    }

    #[test]
    fn a_character_windows_1252_lacks_is_refused_with_file_and_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        let mut table =
            TableFile::create(&path, layout(FileEncoding::Windows1252), &["A"]).unwrap();
        table.row(&["Café"]).unwrap();
        let err = table.row(&["₹ 500"]).unwrap_err();
        assert!(
            matches!(err, GeneratorError::Unencodable { row: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("c.csv"), "{err}");
    }

    #[test]
    fn utf16_rows_are_little_endian_after_one_bom() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut table = TableFile::create(&path, layout(FileEncoding::Utf16LeBom), &["A"]).unwrap();
        table.row(&["₹"]).unwrap();
        assert_eq!(table.finish().unwrap(), 1);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"\xFF\xFEA\0\n\0\xB9\x20\n\0"
        );
    }
}
