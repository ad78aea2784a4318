//! Spreadsheet-safe CSV: every cell a customer may open in Excel, LibreOffice or Google Sheets
//! goes through [`neutralise`], so a value from the export such as `=HYPERLINK(…)` is shown as
//! text instead of run as a formula (CSV injection; the trigger characters are OWASP's list:
//! `=`, `+`, `-`, `@`, tab, carriage return). The load's `failures.csv` and every report CSV use
//! this one function.

use std::borrow::Cow;
use std::path::Path;

/// Characters that make a spreadsheet read a cell as a formula when they start it.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as a spreadsheet will show it as text: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return — also after leading spaces, which some importers trim — gets a leading `'`
/// (which spreadsheets hide and treat as "this is text"). A plain negative number (`-12`,
/// `-0.5`) is left as it is, so amounts stay numbers; it cannot run anything. Borrowed when
/// nothing changes.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let start = cell.trim_start_matches(' ');
    match start.chars().next() {
        Some(first) if FORMULA_TRIGGERS.contains(&first) && !is_plain_negative_number(start) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// `-` then digits with at most one `.` between digits: `-12`, `-0.5`; not `-1+2`, `-`, `-.5`.
fn is_plain_negative_number(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('-') else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && parts.next().is_none_or(digits)
}

/// Writes one CSV file (RFC 4180 quoting, UTF-8, LF line ends): the header row, then each row,
/// every cell through [`neutralise`]. Errors name the file.
pub fn write_csv<I, R, C>(path: &Path, header: &[&str], rows: I) -> Result<(), CsvWriteError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let fail = |source: csv::Error| CsvWriteError {
        path: path.display().to_string(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(fail)?;
    w.write_record(header.iter().map(|h| neutralise(h).into_owned()))
        .map_err(fail)?;
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        w.write_record(&cells).map_err(fail)?;
    }
    w.flush().map_err(|e| fail(e.into()))
}

/// A CSV file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}. Check the folder exists, is writable and has space")]
pub struct CsvWriteError {
    pub path: String,
    pub source: csv::Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote() {
        for (raw, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+919876543210", "'+919876543210"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            (" =1", "' =1"),
            ("-1.2.3", "'-1.2.3"),
        ] {
            assert_eq!(neutralise(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn plain_cells_pass_unchanged() {
        for raw in [
            "Sharma Textiles",
            "",
            "12",
            "-12",
            "-0.5",
            "a=b",
            " 1",
            "'quoted",
        ] {
            assert!(
                matches!(neutralise(raw), Cow::Borrowed(s) if s == raw),
                "{raw:?}"
            );
        }
    }
}
