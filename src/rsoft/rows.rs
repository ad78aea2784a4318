//! Streaming rows of one CSV file: header checks, then records one at a time, each ending as a
//! read row or a bad row with a reason. Memory does not grow with the file.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::Arc;

use csv::StringRecord;
use serde::{Deserialize, Serialize};

use super::ReadError;
use super::decode::{
    self, DecodeNotes, Delimiter, LineEndCounts, SNIFF_BYTES, Sniff, TextEncoding, TextStream,
};

/// A cell above this size gets a warning: no CRM field holds that much.
pub const BIG_CELL_BYTES: usize = 1024 * 1024;

/// A row longer than this is cut off and set aside: it can only be a quote that never closes,
/// and holding it whole would make memory grow with the file.
pub const MAX_ROW_BYTES: u64 = 64 * 1024 * 1024;

/// Ends a row that has grown past the limit, by feeding the CSV parser a closing quote and a line
/// end; the parser then resumes on the text that follows.
struct RowGuard<R> {
    inner: R,
    /// Bytes handed to the parser so far.
    delivered: u64,
    /// Where the row being parsed starts.
    row_start: u64,
    limit: u64,
    /// The current row was cut.
    cut: bool,
    /// The last byte read from the file (not the cuts'): a file ending in no line end has one
    /// record end fewer than records.
    last: Option<u8>,
    /// The bytes handed to the parser from `window_start` on: the current row as written,
    /// which the parsed cells no longer show (see [`text_after_closing_quote`]).
    window: Vec<u8>,
    window_start: u64,
}

impl<R> RowGuard<R> {
    /// The row that starts at `row_start` and ends before `next_start`, as written.
    fn row_text(&self, next_start: u64) -> &[u8] {
        let at = |offset: u64| {
            usize::try_from(offset.saturating_sub(self.window_start)).unwrap_or(usize::MAX)
        };
        self.window
            .get(at(self.row_start)..at(next_start))
            .unwrap_or_default()
    }

    /// The next row starts at `next_start`: the bytes before it are no longer needed. They are
    /// dropped in large steps, so the copy of what follows them is rare.
    fn advance(&mut self, next_start: u64) {
        self.row_start = next_start;
        let done = usize::try_from(next_start.saturating_sub(self.window_start)).unwrap_or(0);
        if done >= WINDOW_KEEP {
            self.window.drain(..done.min(self.window.len()));
            self.window_start = next_start;
        }
    }
}

/// Bytes of rows already read that the window keeps before dropping them (a few of the parser's
/// reads).
const WINDOW_KEEP: usize = 4 << 20;

impl<R: Read> Read for RowGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        const CUT: &[u8] = b"\"\n";
        if !self.cut && self.delivered - self.row_start > self.limit && buf.len() >= CUT.len() {
            buf[..CUT.len()].copy_from_slice(CUT);
            self.cut = true;
            self.delivered += CUT.len() as u64;
            self.window.extend_from_slice(CUT);
            return Ok(CUT.len());
        }
        let n = self.inner.read(buf)?;
        self.delivered += n as u64;
        self.window.extend_from_slice(&buf[..n]);
        if let Some(last) = buf[..n].last() {
            self.last = Some(*last);
        }
        Ok(n)
    }
}

/// How serious a finding is: a warning leaves the data usable, an error lost something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The data is usable as read; the operator should know (a replaced character, a cut row).
    Warning,
    /// Something was lost (a row could not be read, the file ended early).
    Error,
}

/// A finding about a file, with where it is and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Warning or error.
    pub severity: Severity,
    /// The file's name inside the export.
    pub file: String,
    /// Physical line (1-based), when the finding is about one place.
    pub line: Option<u64>,
    /// The column the finding is about, by its header as the file's [`Headers`] name it (blank
    /// and duplicate headers made unique: `Column 4`, `Email (2)`); `None` for a finding about
    /// the file, its rows or several columns. Absent from reports written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What happened and what to do, in the operator's words. A finding about a column names
    /// it here too, as the Markdown report and the CLI print the message alone.
    pub message: String,
}

impl Finding {
    /// A finding about column `header` of `file`: its message is `detail` after the opening
    /// `column "Phone": `, which [`Finding::detail`] leaves out again.
    pub fn about_column(
        severity: Severity,
        file: &str,
        line: Option<u64>,
        header: &str,
        detail: &str,
    ) -> Finding {
        Finding {
            severity,
            file: file.to_string(),
            line,
            column: Some(header.to_string()),
            message: format!("{}{detail}", column_opening(header)),
        }
    }

    /// The message for a view that already shows the column: without its `column "Phone": `
    /// opening when the finding is about a column and its message has that opening (a blank or
    /// a duplicate header's has none); the whole message otherwise.
    pub fn detail(&self) -> &str {
        self.column
            .as_deref()
            .and_then(|header| self.message.strip_prefix(column_opening(header).as_str()))
            .unwrap_or(&self.message)
    }
}

/// How the message of a finding about column `header` opens: `column "Phone": `.
fn column_opening(header: &str) -> String {
    format!("column {header:?}: ")
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A row that could not be read as a record, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RowProblem {
    /// The file's name inside the export.
    pub file: String,
    /// Physical line where the row starts.
    pub line: u64,
    /// Why the row was refused (wrong field count, too long, unreadable bytes), and what to fix.
    pub reason: String,
}

/// A file's header: the names as read (blank and duplicate names made unique), by position.
#[derive(Debug, Clone, PartialEq)]
pub struct Headers {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Headers {
    /// The header names by position, blank and duplicate names made unique (`Column 4`, `Email (2)`).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True for a file with no header row.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Position of a header, matched exactly as it appears in [`Headers::names`].
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// A row borrowed from the reader: cheap, valid until the next row is read.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    /// Physical line (1-based) where the row starts.
    pub line: u64,
    record: &'a StringRecord,
    headers: &'a Arc<Headers>,
}

impl<'a> RowRef<'a> {
    /// The value under `header` (matched exactly as in [`Headers::names`]); `None` when the header is
    /// unknown or the row is short.
    pub fn get(&self, header: &str) -> Option<&'a str> {
        self.headers
            .position(header)
            .and_then(|i| self.record.get(i))
    }

    /// The value at position `i` (0-based); `None` past the row's end.
    pub fn field(&self, i: usize) -> Option<&'a str> {
        self.record.get(i)
    }

    /// Every value in column order.
    pub fn fields(&self) -> impl Iterator<Item = &'a str> {
        self.record.iter()
    }

    /// An owned copy that outlives the reader's buffer (for rows kept past the next read).
    pub fn to_owned(&self) -> Row {
        Row {
            line: self.line,
            record: self.record.clone(),
            headers: Arc::clone(self.headers),
        }
    }
}

/// An owned row with header-indexed access.
#[derive(Debug, Clone)]
pub struct Row {
    /// Physical line (1-based) where the row starts.
    pub line: u64,
    record: StringRecord,
    headers: Arc<Headers>,
}

impl Row {
    /// The value under `header`; `None` when the header is unknown or the row is short.
    pub fn get(&self, header: &str) -> Option<&str> {
        self.headers
            .position(header)
            .and_then(|i| self.record.get(i))
    }

    /// The value at position `i` (0-based); `None` past the row's end.
    pub fn field(&self, i: usize) -> Option<&str> {
        self.record.get(i)
    }

    /// Every value in column order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.record.iter()
    }

    /// The file's header the row is read against.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }
}

/// Counts that account for every row: `rows == read + bad`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Rows read as records.
    pub read: u64,
    /// Rows refused, each reported once as a [`RowProblem`].
    pub bad: u64,
}

/// Streams the rows of one CSV file.
pub struct RowReader {
    file: String,
    sniff: Sniff,
    csv: csv::Reader<RowGuard<TextStream<Box<dyn Read + Send>>>>,
    /// Replacements in UTF-8 files, found record by record.
    utf8_notes: DecodeNotes,
    headers: Arc<Headers>,
    record: StringRecord,
    /// The other of the two buffers rows are read into.
    spare: Option<csv::ByteRecord>,
    /// Reused when a record's last field loses its CR.
    scratch: String,
    counts: RowCounts,
    findings: Vec<Finding>,
    done: bool,
    /// The last row was refused for its cell count: its cells are still in `record`.
    refused_cells: bool,
    /// Line ends fed to the parser by row cuts, to subtract from its line numbers.
    line_shift: u64,
    /// How each record read so far ended (a line break inside a quoted cell ends none).
    line_ends: LineEndCounts,
    /// Rows of only empty cells (`,,,,`, a spreadsheet's formatted blank rows) skipped, and the
    /// first lines of them, warned about once at the end.
    empty_rows: (u64, Vec<u64>),
    /// Per column (by index), cells with text after their closing quote: how many, the first
    /// lines, and the first cell as written; warned about once per column at the end.
    quote_tails: BTreeMap<usize, (u64, Vec<u64>, String)>,
    /// The header line's cells as written, each without invisible characters or surrounding
    /// space ([`crate::cells::id_text`]), blank and repeated names kept as they are: a row
    /// equal to it (case aside) is the header again.
    header_line: Vec<String>,
}

impl RowReader {
    /// Sniffs the file, reads and checks its header. `file` names it in every finding.
    pub fn new(file: &str, mut input: Box<dyn Read + Send>) -> Result<Self, ReadError> {
        let io_err = |source| ReadError::Io {
            file: file.to_string(),
            source,
        };
        let mut sample = Vec::with_capacity(SNIFF_BYTES);
        (&mut input)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(io_err)?;
        let sniff = decode::sniff(&sample);
        if let Some(why) = decode::not_text(&sample, sniff.encoding) {
            return Err(ReadError::NotText {
                file: file.to_string(),
                why,
            });
        }
        if sniff.encoding == TextEncoding::Utf8 && sniff.bom {
            sample.drain(..3);
        }
        let chained: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(sample).chain(input));
        let text = RowGuard {
            inner: TextStream::new(chained, sniff.encoding),
            delivered: 0,
            row_start: 0,
            limit: MAX_ROW_BYTES,
            cut: false,
            last: None,
            window: Vec::new(),
            window_start: 0,
        };
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sniff.delimiter.byte())
            // Only LF ends a record, so csv's line numbers stay true in CRLF files (with CR as a
            // terminator it counts the LF one record late); the CR is stripped in `read_record`.
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(256 * 1024)
            .from_reader(text);
        let mut reader = RowReader {
            file: file.to_string(),
            sniff,
            csv,
            utf8_notes: DecodeNotes::default(),
            headers: Arc::new(Headers {
                names: Vec::new(),
                index: HashMap::new(),
            }),
            record: StringRecord::new(),
            spare: None,
            scratch: String::new(),
            counts: RowCounts::default(),
            findings: Vec::new(),
            done: false,
            refused_cells: false,
            line_shift: 0,
            line_ends: LineEndCounts::default(),
            empty_rows: (0, Vec::new()),
            quote_tails: BTreeMap::new(),
            header_line: Vec::new(),
        };
        reader.read_header()?;
        Ok(reader)
    }

    fn read_header(&mut self) -> Result<(), ReadError> {
        let mut raw = StringRecord::new();
        let read = |reader: &mut Self, raw: &mut StringRecord| {
            let got = read_record(
                &mut reader.csv,
                raw,
                &mut None,
                &mut String::new(),
                &mut reader.utf8_notes,
                &mut reader.line_ends,
            )
            .map_err(|e| reader.csv_error(e));
            // The first row starts after the header (and a `sep=` line).
            let next_start = reader.csv.position().byte();
            reader.csv.get_mut().advance(next_start);
            got
        };
        let mut got = read(self, &mut raw)?;
        if got && self.sniff.separator_line {
            // `sep=;` only declared the separator (the sniff read it); the header follows.
            got = read(self, &mut raw)?;
        }
        if !got {
            self.done = true;
            self.warn(None, "the file is empty: no header and no rows. Re-export the module from RSoft if it should hold records".to_string());
            return Ok(());
        }
        let line = Some(raw.position().map_or(1, |p| p.line()));
        self.header_line = raw
            .iter()
            .map(|h| crate::cells::id_text(h).into_owned())
            .collect();
        let mut names: Vec<String> = Vec::with_capacity(raw.len());
        let mut index = HashMap::new();
        // A header ending `,,,` (a spreadsheet's empty trailing columns): those are no columns.
        let cells: Vec<&str> = raw.iter().collect();
        let named = cells
            .iter()
            .rposition(|h| !h.trim().is_empty())
            .map_or(0, |i| i + 1);
        if named < raw.len() && named > 0 {
            self.warn(line, format!(
                "the header ends in {} empty cells (a spreadsheet's trailing columns): they are not columns; empty trailing cells of rows are dropped",
                raw.len() - named
            ));
        }
        for (i, h) in raw.iter().enumerate().take(named.max(1)) {
            let h = h.trim();
            let mut name = if h.is_empty() {
                let name = format!("Column {}", i + 1);
                self.warn_about(line, Some(&name), format!("column {} has a blank header; it is called {name:?}. Name it in the file, or map it by that name", i + 1));
                name
            } else {
                h.to_string()
            };
            if index.contains_key(&name) {
                let mut n = 2;
                while index.contains_key(&format!("{name} ({n})")) {
                    n += 1;
                }
                let renamed = format!("{name} ({n})");
                self.warn_about(line, Some(&renamed), format!("header {name:?} appears more than once; column {} is called {renamed:?}. Check which one holds the data and map it by that name", i + 1));
                name = renamed;
            }
            index.insert(name.clone(), i);
            names.push(name);
        }
        self.headers = Arc::new(Headers { names, index });
        Ok(())
    }

    /// A row long only by empty trailing cells loses them; a row short by trailing cells gets
    /// empty ones, as long as it has more than half the columns (a row with fewer was cut, not
    /// saved without its empty tail). Returns the warning for the row, or `None` when its extra
    /// cells hold data or it is too short (then the row stays as it is and is set aside).
    fn even_up(&mut self, want: usize) -> Option<String> {
        let got = self.record.len();
        if got > want {
            if self.record.iter().skip(want).any(|f| !f.trim().is_empty()) {
                return None;
            }
            self.record.truncate(want);
            return Some(format!(
                "row has {got} cells, header has {want}: the {} extra trailing cells are empty and were dropped",
                got - want
            ));
        }
        if got * 2 <= want {
            return None;
        }
        let missing: Vec<&str> = self.headers.names[got..]
            .iter()
            .map(String::as_str)
            .collect();
        let note = format!(
            "row has {got} cells, header has {want}: read with {} empty ({}). If a value moved into the wrong column, fix the row in the file",
            missing.join(", "),
            if missing.len() == 1 {
                "its last cell is missing"
            } else {
                "its last cells are missing"
            },
        );
        for _ in got..want {
            self.record.push_field("");
        }
        Some(note)
    }

    fn warn(&mut self, line: Option<u64>, message: String) {
        self.warn_about(line, None, message);
    }

    /// A warning about `column` whose message names it its own way (`column 4 has a blank
    /// header`), not by the opening of [`Finding::about_column`].
    fn warn_about(&mut self, line: Option<u64>, column: Option<&str>, message: String) {
        self.findings.push(Finding {
            severity: Severity::Warning,
            file: self.file.clone(),
            line,
            column: column.map(str::to_string),
            message,
        });
    }

    fn csv_error(&self, e: csv::Error) -> ReadError {
        let line = e.position().map(|p| p.line());
        ReadError::Csv {
            file: self.file.clone(),
            line,
            message: e.to_string(),
        }
    }

    /// The file's name inside the export, as findings give it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Lowers (or raises) the row-length limit, [`MAX_ROW_BYTES`] by default.
    pub fn set_max_row_bytes(&mut self, limit: u64) {
        self.csv.get_mut().limit = limit;
    }

    /// The encoding, separator and line ends found at the start of the file; once the last row
    /// is read, the line ends are counted over the whole file.
    pub fn sniff(&self) -> &Sniff {
        &self.sniff
    }

    /// The file's header row.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// Rows read and refused so far.
    pub fn counts(&self) -> RowCounts {
        self.counts
    }

    /// Warnings and errors so far: header problems, big cells, decoding notes (at the end).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// What transcoding replaced or guessed so far.
    pub fn decode_notes(&self) -> &DecodeNotes {
        self.csv.get_ref().inner.notes().unwrap_or(&self.utf8_notes)
    }

    /// The next row, borrowed; `None` at the end of the file. A row that cannot be read is an
    /// `Err` with its line and reason, counted as bad, and reading goes on; only an I/O error
    /// ends the stream (as one last bad row naming the error).
    pub fn next_row(&mut self) -> Option<Result<RowRef<'_>, RowProblem>> {
        self.refused_cells = false;
        // Lines that are no record (a repeated header, only empty cells) are skipped here, in a
        // loop: a sheet can hold a million formatted blank rows.
        // The cell with text after its closing quote in the row about to be returned.
        let mut tail: Option<(usize, String)>;
        let line = loop {
            if self.done {
                return None;
            }
            match read_record(
                &mut self.csv,
                &mut self.record,
                &mut self.spare,
                &mut self.scratch,
                &mut self.utf8_notes,
                &mut self.line_ends,
            ) {
                Ok(true) => {}
                Ok(false) => {
                    self.finish();
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    self.counts.bad += 1;
                    let line = e.position().map_or(0, |p| p.line());
                    self.finish();
                    return Some(Err(RowProblem {
                        file: self.file.clone(),
                        line,
                        reason: format!(
                            "reading stopped: {e}. The rest of the file could not be read; copy the file locally and run again"
                        ),
                    }));
                }
            }
            let line = self
                .record
                .position()
                .map_or(0, |p| p.line())
                .saturating_sub(self.line_shift);
            let next_start = self.csv.position().byte();
            let delimiter = self.sniff.delimiter.byte();
            let guard = self.csv.get_mut();
            tail = text_after_closing_quote(guard.row_text(next_start), delimiter)
                .map(|(column, cell)| (column, String::from_utf8_lossy(cell).into_owned()));
            guard.advance(next_start);
            if std::mem::take(&mut guard.cut) {
                self.counts.bad += 1;
                // The line end fed to the parser is not in the file.
                self.line_shift += 1;
                let end_line = self.end_line(line);
                let limit_mb = self.csv.get_ref().limit as f64 / 1_000_000.0;
                return Some(Err(RowProblem {
                    file: self.file.clone(),
                    line,
                    reason: format!(
                        "the row starting on line {line} ran past {limit_mb:.1} MB, to line {end_line}: a quote opened there is probably never closed. The row was cut there and set aside, and reading resumed after it (the next row may start mid-line); fix the quote and re-export"
                    ),
                }));
            }
            if self.record.len() > 1 && self.record.iter().all(str::is_empty) {
                // No value at all: nothing to load and nothing lost; counted, not a record.
                self.empty_rows.0 += 1;
                if self.empty_rows.1.len() < 10 {
                    self.empty_rows.1.push(line);
                }
                continue;
            }
            if self.repeats_header() {
                // Not a record: files joined after export, or a paged export, repeat the header.
                self.warn(
                    Some(line),
                    format!(
                        "line {line} repeats the header row (files or pages of an export joined into one?): skipped, not read as a record"
                    ),
                );
                continue;
            }
            break line;
        };
        let want = self.headers.len();
        let got = self.record.len();
        if got != want && !self.record.iter().any(|f| f.contains('\n')) {
            if let Some(note) = self.even_up(want) {
                self.warn(Some(line), note);
            }
        }
        let got_now = self.record.len();
        if got_now != want {
            self.counts.bad += 1;
            let end_line = self.end_line(line);
            let spans_lines = end_line > line;
            let reason = if spans_lines && self.record.iter().any(|f| f.contains('\n')) {
                let inner = swallowed_ids(&self.record, self.sniff.delimiter.byte());
                let records = if inner.is_empty() {
                    String::new()
                } else {
                    format!(
                        " The lines inside start with the IDs {}: those records are in this bad row too.",
                        inner.join(", ")
                    )
                };
                format!(
                    "a quote opened on line {line} is not closed where the row should end: lines {line}–{end_line} were read as one row of {got} cells (header has {want}). Fix the quote in line {line} and re-export; these lines are set aside as one bad row.{records}"
                )
            } else if got < want {
                format!(
                    "row has {got} cells, header has {want}: more than half its cells are missing, so it was cut (or a cell holds an unquoted line break). The row is set aside; fix it in the file and run again"
                )
            } else {
                extra_cells_reason(&self.record, want, self.sniff.delimiter)
            };
            self.refused_cells = true;
            return Some(Err(RowProblem {
                file: self.file.clone(),
                line,
                reason,
            }));
        }
        if let Some((inner, cells)) = swallowed_row(&self.record, self.sniff.delimiter.byte()) {
            self.counts.bad += 1;
            let end_line = self.end_line(line);
            self.refused_cells = true;
            return Some(Err(RowProblem {
                file: self.file.clone(),
                line,
                reason: format!(
                    "a quote opened on line {line} runs to line {end_line}, and a line inside it ({:?}) has {cells} cells and an ID like this row's, as a row of its own would: a stray quote mark (an inch sign, 12\") probably closed it, so the rows between were read as one cell. Lines {line}–{end_line} are set aside as one bad row; fix the quotes and re-export",
                    inner.chars().take(40).collect::<String>()
                ),
            }));
        }
        if self.record.as_slice().len() > BIG_CELL_BYTES {
            self.note_big_cells(line);
        }
        if let Some((column, cell)) = tail {
            let (count, lines, _) = self
                .quote_tails
                .entry(column)
                .or_insert_with(|| (0, Vec::new(), cell));
            *count += 1;
            if lines.len() < 10 {
                lines.push(line);
            }
        }
        self.counts.read += 1;
        Some(Ok(RowRef {
            line,
            record: &self.record,
            headers: &self.headers,
        }))
    }

    /// Cell `i` (0-based) of the row [`Self::next_row`] just refused for its cell count (too
    /// many or too few cells), as read; `None` after any other row or refusal (a cut row, a
    /// read error), whose cells are not there. Lets discovery name a set-aside row by its id.
    pub fn refused_cell(&self, i: usize) -> Option<&str> {
        self.refused_cells.then(|| self.record.get(i)).flatten()
    }

    /// Whether the record just read is the header line again: every cell as the header's
    /// (case, surrounding space and invisible characters aside: a second file joined on keeps
    /// its byte-order mark at the start of its header line, `cat a.csv b.csv`). Compared with
    /// the line as written, so a blank or repeated header name and empty trailing header cells
    /// repeat too.
    fn repeats_header(&self) -> bool {
        self.record.len() == self.header_line.len()
            && self
                .record
                .iter()
                .zip(&self.header_line)
                .all(|(cell, name)| crate::cells::id_text(cell).eq_ignore_ascii_case(name))
    }

    /// The last line of the row just read, which started on `line`.
    fn end_line(&self, line: u64) -> u64 {
        (self.csv.position().line().saturating_sub(self.line_shift))
            .saturating_sub(1)
            .max(line)
    }

    fn note_big_cells(&mut self, line: u64) {
        let big: Vec<(usize, usize)> = self
            .record
            .iter()
            .enumerate()
            .filter(|(_, f)| f.len() > BIG_CELL_BYTES)
            .map(|(i, f)| (i, f.len()))
            .collect();
        for (i, len) in big {
            let header = self.headers.names.get(i).cloned().unwrap_or_default();
            self.findings.push(Finding::about_column(Severity::Warning, &self.file, Some(line), &header, &format!("holds a cell of {:.1} MB; it is read whole, but no Nutshell field holds that much: map it to a note or trim it", len as f64 / 1_000_000.0)));
        }
    }

    /// End-of-file findings: header-only file, decoding notes.
    fn finish(&mut self) {
        self.done = true;
        for (column, (count, lines, cell)) in std::mem::take(&mut self.quote_tails) {
            let header = self.headers.names.get(column).cloned().unwrap_or_default();
            let shown: String = cell.chars().take(60).collect();
            self.findings.push(Finding::about_column(
                Severity::Warning,
                &self.file,
                lines.first().copied(),
                &header,
                &format!(
                    "{count} cell(s) have text after their closing quote (line(s) {}; the first written {shown}): CSV readers drop such a quote mark, so the cell is read without it. If the quote is part of the value (an inch sign, 24\"), write it doubled inside a quoted cell (\"24\"\" screen\") and re-export, or check the value after the load",
                    list_lines(&lines, count)
                ),
            ));
        }
        if self.empty_rows.0 > 0 {
            let (count, lines) = std::mem::take(&mut self.empty_rows);
            self.warn(
                lines.first().copied(),
                format!(
                    "{count} row(s) hold only empty cells (line(s) {}): skipped, not records",
                    list_lines(&lines, count)
                ),
            );
        }
        // The sniff saw the first 64 KiB; the file's own line ends are now all counted. Each
        // record was counted as ending in a line end: a last one without, and the ends row cuts
        // fed the parser, are none.
        let mut whole = self.line_ends;
        let unterminated = u64::from(self.csv.get_ref().last.is_some_and(|b| b != b'\n'));
        whole.lf = whole.lf.saturating_sub(unterminated + self.line_shift);
        if whole.ending() != self.sniff.line_ending {
            self.sniff.how.push_str(&format!(
                "; the whole file has {} CRLF and {} LF line ends",
                whole.crlf, whole.lf
            ));
        }
        self.sniff.line_ends = whole;
        self.sniff.line_ending = whole.ending();
        if self.counts.read + self.counts.bad == 0 && !self.headers.is_empty() {
            self.warn(Some(1), "the file has a header but no rows".to_string());
        }
        let notes = self.decode_notes().clone();
        if notes.replaced > 0 {
            let mut message = format!(
                "{} undecodable byte sequence(s) replaced by \u{FFFD} ({}) on line(s) {}",
                notes.replaced,
                self.sniff.encoding.label(),
                list_lines(&notes.replaced_lines, notes.replaced_lines.len() as u64)
            );
            message.push_str(": re-export the file as UTF-8, or check those values by hand");
            self.findings.push(Finding {
                severity: Severity::Error,
                file: self.file.clone(),
                line: notes.replaced_lines.first().copied(),
                column: None,
                message,
            });
        }
        if notes.stray > 0 {
            let message = format!(
                "{} byte sequence(s) that are not UTF-8 in this UTF-8 file, read as Windows-1252 (a best guess: a value pasted from another program) on line(s) {}: check those values, or re-export the file as UTF-8",
                notes.stray,
                list_lines(&notes.stray_lines, notes.stray_lines.len() as u64)
            );
            self.warn(notes.stray_lines.first().copied(), message);
        }
        if notes.utf8_lines > 0 {
            let message = format!(
                "the file is Windows-1252, but {} line(s) ({}) hold UTF-8 characters (a value pasted from another program), read as UTF-8: read as Windows-1252, each would be two or three wrong characters (é as Ã©). Check those values, or re-export the file as UTF-8",
                notes.utf8_lines,
                list_lines(&notes.utf8_first_lines, notes.utf8_lines)
            );
            self.warn(notes.utf8_first_lines.first().copied(), message);
        }
        if notes.non_ascii_lines > 0 {
            let message = format!(
                "the file is not UTF-8; it was read as Windows-1252, so the accented or special characters on {} line(s) ({}) are a best guess: check them, or re-export as UTF-8",
                notes.non_ascii_lines,
                list_lines(&notes.non_ascii_first_lines, notes.non_ascii_lines)
            );
            self.warn(notes.non_ascii_first_lines.first().copied(), message);
        }
    }

    /// Reads to the end, for callers that only need the counts and findings.
    pub fn drain(&mut self) -> RowCounts {
        while self.next_row().is_some() {}
        self.counts
    }
}

impl Iterator for RowReader {
    type Item = Result<Row, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().map(|r| r.map(|row| row.to_owned()))
    }
}

/// Cells past the header listed in a reason; the rest are counted.
const LISTED_EXTRA_CELLS: usize = 3;

/// Why a row with more cells than the header, some of them past it holding data, is set aside:
/// what is known (the counts, the cells past the header with their values) and a cause only
/// where the cells show it: a number split at its grouping commas (`1` `25` `000` read together
/// are `1,25,000`) when joining such runs gives the header's count exactly.
fn extra_cells_reason(record: &StringRecord, want: usize, delimiter: Delimiter) -> String {
    let got = record.len();
    let past: Vec<String> = record
        .iter()
        .enumerate()
        .skip(want)
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(i, v)| {
            format!(
                "cell {} {:?}",
                i + 1,
                v.chars().take(40).collect::<String>()
            )
        })
        .collect();
    let mut listed = past[..past.len().min(LISTED_EXTRA_CELLS)].join(", ");
    if past.len() > LISTED_EXTRA_CELLS {
        listed.push_str(&format!(" and {} more", past.len() - LISTED_EXTRA_CELLS));
    }
    let known = format!(
        "row has {got} cells, header has {want}; past the header {} data ({listed})",
        if past.len() == 1 {
            "one cell holds"
        } else {
            "cells hold"
        }
    );
    let splits = if delimiter == Delimiter::Comma {
        grouped_number_splits(record)
    } else {
        Vec::new()
    };
    let merged: usize = splits.iter().map(|(from, to)| to - from).sum();
    if !splits.is_empty() && got - merged == want {
        let shown: Vec<String> = splits
            .iter()
            .map(|(from, to)| {
                let cells: Vec<&str> = (*from..=*to).filter_map(|i| record.get(i)).collect();
                format!(
                    "cells {}–{} ({}) read together as the number {}",
                    from + 1,
                    to + 1,
                    cells
                        .iter()
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    cells.join(",")
                )
            })
            .collect();
        return format!(
            "{known}. {}, which leaves exactly {want} cells: a number written with grouping commas and no quotes splits this way in a comma-separated file. The row is set aside; quote that number in the file (or re-export it without grouping) and run again",
            shown.join("; ")
        );
    }
    format!(
        "{known}. The row is set aside: check it in the file; quote any value that holds a {}, or remove the cells that belong to no column, and run again",
        delimiter.label()
    )
}

/// Runs of cells that read together as one number grouped by commas (`1` `250` `000.50`:
/// 1,250,000.50; `1` `25` `000`: 1,25,000), as (first, last) cell positions, in order.
fn grouped_number_splits(record: &StringRecord) -> Vec<(usize, usize)> {
    let digits = |c: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit())
    };
    // The last group may carry the fraction: `000.50`.
    let last_group = |c: &str| match c.split_once('.') {
        Some((g, f)) => digits(g, 3..=3) && digits(f, 1..=usize::MAX),
        None => digits(c, 3..=3),
    };
    let cells: Vec<&str> = record.iter().map(str::trim).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let lead = cells[i].strip_prefix(['-', '+']).unwrap_or(cells[i]);
        // The longest run `lead, (2- or 3-digit groups)*, last group` starting here.
        let mut end = None;
        if digits(lead, 1..=3) {
            let mut j = i + 1;
            while j < cells.len() {
                if last_group(cells[j]) {
                    end = Some(j);
                }
                if !(digits(cells[j], 2..=3)) {
                    break;
                }
                j += 1;
            }
        }
        match end {
            Some(j) => {
                out.push((i, j));
                i = j + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Reads the next record, dropping the CR of a CRLF line end and skipping lines that were blank.
/// A record that is not valid UTF-8 has its bad bytes replaced by U+FFFD, noted with its line.
fn read_record<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut StringRecord,
    spare: &mut Option<csv::ByteRecord>,
    scratch: &mut String,
    notes: &mut DecodeNotes,
    line_ends: &mut LineEndCounts,
) -> csv::Result<bool> {
    loop {
        // Read bytes and check them once; the two buffers alternate, so no row allocates.
        let mut bytes = spare.take().unwrap_or_default();
        let got = csv.read_byte_record(&mut bytes);
        let fresh = match StringRecord::from_byte_record(bytes) {
            Ok(r) => r,
            Err(e) => lossy(e.into_byte_record(), notes),
        };
        *spare = Some(std::mem::replace(record, fresh).into_byte_record());
        if !got? {
            return Ok(false);
        }
        let last = record.len().saturating_sub(1);
        let crlf = record.get(last).and_then(|f| f.strip_suffix('\r'));
        line_ends.end(crlf.is_some());
        if let Some(stripped) = crlf {
            scratch.clear();
            scratch.push_str(stripped);
            record.truncate(last);
            record.push_field(scratch);
        }
        if !(record.len() == 1 && record.get(0) == Some("")) {
            return Ok(true);
        }
    }
}

/// A record of a UTF-8 file holding bytes that are not UTF-8: each such byte is read as the
/// Windows-1252 character it is there (a value pasted from a Windows program: `D\xE9sai` →
/// `Désai`), and its line noted as a guess for the operator to check.
fn lossy(bytes: csv::ByteRecord, notes: &mut DecodeNotes) -> StringRecord {
    let line = bytes.position().map_or(0, |p| p.line());
    let mut out = StringRecord::with_capacity(bytes.as_slice().len() + 16, bytes.len());
    let mut field_text = String::new();
    for field in &bytes {
        field_text.clear();
        for chunk in field.utf8_chunks() {
            field_text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                notes.note_stray(line);
                let (guess, _) =
                    encoding_rs::WINDOWS_1252.decode_without_bom_handling(chunk.invalid());
                field_text.push_str(&guess);
            }
        }
        out.push_field(&field_text);
    }
    out.set_position(bytes.position().cloned());
    out
}

/// A line inside a multi-line cell of `record` that looks like a row of its own: as many cells
/// as the header (split on `delimiter`) and a first cell with the same ID shape as the record's
/// (`COMP-3` beside `COMP-2`). Then a quote swallowed whole rows, and the cell count alone
/// cannot tell (the swallowed rows' cells sit inside one cell). The line and its cell count.
fn swallowed_row(record: &StringRecord, delimiter: u8) -> Option<(&str, usize)> {
    if !record.as_slice().contains('\n') {
        return None;
    }
    let own = id_prefix(record.get(0)?)?;
    let want = record.len();
    record
        .iter()
        .filter(|f| f.contains('\n'))
        .flat_map(|f| f.lines().skip(1))
        .find_map(|inner| {
            let cells = inner.bytes().filter(|b| *b == delimiter).count() + 1;
            let first = inner.split(char::from(delimiter)).next()?;
            let same = id_prefix(first) == Some(own);
            (cells >= want && same).then_some((inner, cells))
        })
}

/// The first cell of a row, as written, with text after its closing quote (`"Gamma 24" screen`)
/// and its column (0-based): CSV readers (the csv crate among them) append such text to the
/// cell and drop the quote mark, so the value read is not the one written. `None` for a row
/// without one, or whose quote never closes (reported as a bad row). `row` is the row's text
/// as the parser saw it.
fn text_after_closing_quote(row: &[u8], delimiter: u8) -> Option<(usize, &[u8])> {
    let ends_cell = |b: &u8| *b == delimiter || *b == b'\n' || *b == b'\r';
    // Quote to quote (most rows have none, or only quoted cells that end well), counting the
    // delimiters of the text outside quoted cells for the column.
    let mut quotes = memchr::memchr_iter(b'"', row);
    let (mut outside, mut column) = (0, 0);
    while let Some(open) = quotes.next() {
        // A quote inside an unquoted cell is a character of it.
        if open > 0 && row[open - 1] != delimiter {
            continue;
        }
        column += memchr::memchr_iter(delimiter, &row[outside..open]).count();
        // To the closing quote: a doubled quote is one quote mark inside the cell.
        let close = loop {
            let close = quotes.next()?;
            if row.get(close + 1) != Some(&b'"') {
                break close;
            }
            quotes.next();
        };
        outside = close + 1;
        if row.get(outside).is_some_and(|b| !ends_cell(b)) {
            let end = row[outside..]
                .iter()
                .position(ends_cell)
                .map_or(row.len(), |n| outside + n);
            return Some((column, &row[open..end]));
        }
    }
    None
}

/// The first cells of the lines inside a row's cells that have the same ID shape as the row's own
/// first cell (`DEAL-5` inside the row of `DEAL-4`): records an unclosed quote swallowed, so the
/// operator learns they are missing too. At most [`SWALLOWED_IDS`].
fn swallowed_ids(record: &StringRecord, delimiter: u8) -> Vec<&str> {
    let Some(own) = record.get(0).and_then(id_prefix) else {
        return Vec::new();
    };
    record
        .iter()
        .filter(|f| f.contains('\n'))
        .flat_map(|f| f.lines().skip(1))
        .filter_map(|inner| inner.split(char::from(delimiter)).next())
        .map(|first| first.trim().trim_matches('"'))
        .filter(|first| id_prefix(first) == Some(own))
        .take(SWALLOWED_IDS)
        .collect()
}

/// IDs of swallowed records named in one message.
const SWALLOWED_IDS: usize = 5;

/// The part of an ID-shaped cell before its closing digits (`COMP-` of `COMP-3`, `` of `1042`);
/// `None` for a cell that does not end in digits after its first digit.
fn id_prefix(cell: &str) -> Option<&str> {
    let s = cell.trim().trim_matches('"');
    let digits = s.find(|c: char| c.is_ascii_digit())?;
    s[digits..]
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| &s[..digits])
}

/// `3, 17, 42` or `3, 17, 42 … and 97 more`: the first lines of `total`.
pub(crate) fn list_lines(lines: &[u64], total: u64) -> String {
    let shown: Vec<String> = lines.iter().map(u64::to_string).collect();
    let more = total.saturating_sub(lines.len() as u64);
    if more > 0 {
        format!("{} … and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
