//! Bad input: each case gets a precise finding with file and line, and the rest still reads.

mod common;

use common::{reader, rows};
use crm_migrate::rsoft::decode::LineEnding;
use crm_migrate::rsoft::{Finding, Severity};

#[test]
fn short_rows_are_padded_long_rows_with_data_are_bad_with_a_true_reason() {
    let text = "Lead ID,Lead Name,Email\nL1,Asha,a@x.in\nL2,Ravi\nL3,Meena,m@x.in,extra\nL4,Kiran,k@x.in,,\n";
    let (r, rows) = rows("leads.csv", text.as_bytes());
    assert_eq!(rows.len(), 4);
    let short = rows[1].as_ref().unwrap();
    assert_eq!(short.get("Lead Name"), Some("Ravi"));
    assert_eq!(short.get("Email"), Some(""));
    let long = rows[2].as_ref().unwrap_err();
    assert_eq!(long.line, 4);
    assert!(
        long.reason.contains("row has 4 cells, header has 3") && long.reason.contains("holds data"),
        "{}",
        long.reason
    );
    assert!(
        long.reason.contains("(cell 4 \"extra\")"),
        "{}",
        long.reason
    );
    assert_eq!(rows[3].as_ref().unwrap().get("Email"), Some("k@x.in"));
    assert_eq!(r.counts().read, 3);
    assert_eq!(r.counts().bad, 1);
    assert_eq!(long.to_string(), format!("leads.csv:4: {}", long.reason));
    let per_row: Vec<(Option<u64>, &str)> = r
        .findings()
        .iter()
        .map(|f| (f.line, f.message.as_str()))
        .collect();
    assert!(
        per_row
            .iter()
            .any(|(l, m)| *l == Some(3) && m.contains("Email empty")),
        "{per_row:?}"
    );
    assert!(
        per_row
            .iter()
            .any(|(l, m)| *l == Some(5) && m.contains("2 extra trailing cells are empty")),
        "{per_row:?}"
    );
    assert_eq!(per_row.len(), 2, "{per_row:?}");
}

#[test]
fn unbalanced_quote_is_one_bad_row_naming_its_lines() {
    let text = "Activity ID,Description,Status\nA1,ok,Done\nA2,\"never closed,Open\nA3,x,Done\nA4,y,Done\n";
    let (r, rows) = rows("activities.csv", text.as_bytes());
    assert_eq!(rows[0].as_ref().unwrap().get("Status"), Some("Done"));
    let bad = rows[1].as_ref().unwrap_err();
    assert_eq!(bad.line, 3);
    assert!(
        bad.reason.contains("quote opened on line 3 is not closed"),
        "{}",
        bad.reason
    );
    assert!(bad.reason.contains("lines 3–5"), "{}", bad.reason);
    // The records swallowed with it are named, so the operator knows they are missing too.
    assert!(
        bad.reason.ends_with(
            "The lines inside start with the IDs A3, A4: those records are in this bad row too."
        ),
        "{}",
        bad.reason
    );
    assert_eq!(r.counts().read, 1);
    assert_eq!(r.counts().bad, 1);
}

#[test]
fn unbalanced_quote_closed_later_lets_later_rows_read() {
    // The stray quote swallows up to the next quote; rows after that read normally again.
    let text = "ID,Note,Status\n1,\"oops,Open\n2,fine\",Done,zz\n3,after,Done\n4,\"ok\",Done\n";
    let (r, rows) = rows("x.csv", text.as_bytes());
    let bad = rows[0].as_ref().unwrap_err();
    assert_eq!(bad.line, 2);
    assert!(
        bad.reason.contains("quote opened on line 2"),
        "{}",
        bad.reason
    );
    assert_eq!(rows[1].as_ref().unwrap().get("Note"), Some("after"));
    assert_eq!(rows[1].as_ref().unwrap().line, 4);
    assert_eq!(rows[2].as_ref().unwrap().get("Note"), Some("ok"));
    assert_eq!(rows.len(), 3);
    assert_eq!((r.counts().read, r.counts().bad), (2, 1));
}

/// A stray quote that a later inch sign closes swallows whole rows yet leaves the header's cell
/// count: the rows inside are seen by their own cells and ID shape, and the lines are set aside
/// as one bad row, never loaded as one company's name (trial 9 r36). A multi-line note whose
/// lines hold commas but no ID is a cell like any other.
#[test]
fn a_quote_swallowing_whole_rows_is_one_bad_row_even_when_the_cells_fit() {
    let text = "Company ID,Company Name,Website,Owner\n\
                COMP-1,Alpha,alpha.in,ravi@acme.in\n\
                COMP-2,\"Beta Ltd,beta.in,ravi@acme.in\n\
                COMP-3,Gamma Ltd,gamma.in,ravi@acme.in\n\
                COMP-5,Eps 12\" Pipes,eps.in,ravi@acme.in\n\
                COMP-6,Zeta,\"line one\nsecond, third, fourth, fifth\",ravi@acme.in\n";
    let (r, rows) = rows("Companies.csv", text.as_bytes());
    let bad = rows[1].as_ref().unwrap_err();
    assert_eq!(bad.line, 3);
    assert!(
        bad.reason
            .contains("a quote opened on line 3 runs to line 5")
            && bad
                .reason
                .contains("(\"COMP-3,Gamma Ltd,gamma.in,ravi@acme.in\") has 4 cells"),
        "{}",
        bad.reason
    );
    let zeta = rows[2].as_ref().unwrap();
    assert_eq!(zeta.get("Company ID"), Some("COMP-6"));
    assert_eq!((r.counts().read, r.counts().bad), (2, 1));
}

/// Reads `text` as Companies.csv, expecting the rows C1 and C2 read and none bad, and a
/// finding on `line` whose message `fits`.
fn skips_to_c1_and_c2(text: &str, line: u64, fits: impl Fn(&str) -> bool) {
    let (r, rows) = rows("Companies.csv", text.as_bytes());
    let ids: Vec<&str> = rows
        .iter()
        .map(|row| row.as_ref().unwrap().get("Company ID").unwrap())
        .collect();
    assert_eq!(ids, ["C1", "C2"]);
    assert_eq!((r.counts().read, r.counts().bad), (2, 0));
    assert!(
        r.findings()
            .iter()
            .any(|f| f.line == Some(line) && fits(&f.message)),
        "{:?}",
        r.findings()
    );
}

/// Two exports joined into one file repeat the header: that line is no record (trial 9 r38 made
/// an account named "Company Name"), it is skipped with a warning naming it, and the rows
/// after it read as usual.
#[test]
fn a_repeated_header_line_is_skipped_with_a_warning() {
    skips_to_c1_and_c2(
        "Company ID,Company Name\nC1,Alpha\ncompany id , Company Name\nC2,Beta\n",
        3,
        |m| m.starts_with("line 3 repeats the header row"),
    );
}

/// Two UTF-8 files with byte-order marks joined by `cat`: the second header line starts with a
/// BOM inside its first cell, and is still the header repeated, never a record (a new-user trial
/// loaded an account named "Company Name" from it).
#[test]
fn a_repeated_header_after_a_byte_order_mark_is_skipped() {
    skips_to_c1_and_c2(
        "\u{feff}Company ID,Company Name\r\nC1,Alpha\r\n\u{feff}Company ID,Company Name\r\nC2,Beta\r\n",
        3,
        |m| m.starts_with("line 3 repeats the header row"),
    );
}

/// A header with a blank name, a name written twice and empty trailing cells is renamed
/// (`Column 3`, `Company Name (2)`) and trimmed for the rows, but its line repeated is still the
/// header again, not an account named "Company Name".
#[test]
fn a_repeated_header_with_blank_and_twice_written_names_is_skipped() {
    skips_to_c1_and_c2(
        "Company ID,Company Name,,Company Name,,\nC1,Alpha,,,,\nCompany ID,Company Name,,Company Name,,\nC2,Beta,,,,\n",
        3,
        |m| m.starts_with("line 3 repeats the header row"),
    );
}

/// A row of only empty cells (a spreadsheet's formatted blank rows) holds nothing to load: it
/// is skipped and counted in one warning with its lines, never a failed record (trial 9 r22
/// counted `,,,,` as a failed account).
#[test]
fn rows_of_only_empty_cells_are_skipped_and_counted() {
    skips_to_c1_and_c2(
        "Company ID,Company Name,City\nC1,Alpha,Pune\n,,\n,,\nC2,Beta,\n,\n",
        3,
        |m| m == "3 row(s) hold only empty cells (line(s) 3, 4, 6): skipped, not records",
    );
}

/// A sheet saved with a million formatted blank rows: skipping them never nests (a test
/// thread's stack is 2 MiB), and the row after them still reads.
#[test]
fn many_rows_of_only_empty_cells_are_skipped_without_nesting() {
    let text = format!("A,B\n1,2\n{}3,4\n", ",\n".repeat(300_000));
    let (r, rows) = rows("x.csv", text.as_bytes());
    assert_eq!(rows.len(), 2);
    assert_eq!((r.counts().read, r.counts().bad), (2, 0));
}

#[test]
fn empty_file_is_a_warning_with_no_rows() {
    for bytes in [&b""[..], &b"\xEF\xBB\xBF"[..]] {
        let (r, rows) = rows("tickets.csv", bytes);
        assert!(rows.is_empty());
        assert!(r.headers().is_empty());
        let f = &r.findings()[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.file, "tickets.csv");
        assert!(f.message.contains("the file is empty"), "{}", f.message);
    }
}

#[test]
fn header_only_file_is_a_warning() {
    let (r, rows) = rows("users.csv", b"User ID,Name,Email\r\n");
    assert!(rows.is_empty());
    assert_eq!(r.headers().names(), ["User ID", "Name", "Email"]);
    let f = &r.findings()[0];
    assert_eq!(f.line, Some(1));
    assert!(f.message.contains("header but no rows"), "{}", f.message);
}

#[test]
fn duplicated_and_blank_headers_are_renamed_and_reported() {
    let text = "Contact ID,Email,,Email,Email\nP1,a@x.in,blank,b@x.in,c@x.in\n";
    let (r, rows) = rows("contacts.csv", text.as_bytes());
    assert_eq!(
        r.headers().names(),
        ["Contact ID", "Email", "Column 3", "Email (2)", "Email (3)"]
    );
    let row = rows[0].as_ref().unwrap();
    assert_eq!(row.get("Email"), Some("a@x.in"));
    assert_eq!(row.get("Email (2)"), Some("b@x.in"));
    assert_eq!(row.get("Column 3"), Some("blank"));
    let messages: Vec<&str> = r.findings().iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("column 3 has a blank header"));
    assert!(
        messages[1].contains("\"Email\" appears more than once; column 4 is called \"Email (2)\"")
    );
    assert!(messages[2].contains("column 5 is called \"Email (3)\""));
    let columns: Vec<Option<&str>> = r.findings().iter().map(|f| f.column.as_deref()).collect();
    assert_eq!(
        columns,
        [Some("Column 3"), Some("Email (2)"), Some("Email (3)")]
    );
}

/// A finding shown under its column loses the opening that names its own column, found by its
/// `column`: a message about no column, or opening with another column's name, stays whole.
#[test]
fn a_finding_leaves_out_only_its_own_columns_opening() {
    let about = Finding::about_column(
        Severity::Warning,
        "c.csv",
        None,
        "Ref: \"old\"",
        "2 formulas",
    );
    assert_eq!(about.message, r#"column "Ref: \"old\"": 2 formulas"#);
    assert_eq!(about.detail(), "2 formulas");
    let no_column = Finding {
        column: None,
        ..about.clone()
    };
    assert_eq!(no_column.detail(), about.message);
    let other_column = Finding {
        column: Some("Ref".to_string()),
        ..about.clone()
    };
    assert_eq!(other_column.detail(), about.message);
}

#[test]
fn ten_megabyte_cell_is_read_whole_with_a_warning() {
    let big = "x".repeat(10 * 1024 * 1024);
    let text = format!("Ticket ID,Body\nT1,\"{big}\"\nT2,small\n");
    let (r, rows) = rows("ticket_messages.csv", text.as_bytes());
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].as_ref().unwrap().get("Body").map(str::len),
        Some(big.len())
    );
    assert_eq!(rows[1].as_ref().unwrap().get("Body"), Some("small"));
    let f = &r.findings()[0];
    assert_eq!(f.line, Some(2));
    assert!(
        f.message.contains("\"Body\": holds a cell of 10.5 MB"),
        "{}",
        f.message
    );
    assert_eq!(r.counts().read, 2);
}

#[test]
fn every_row_ends_in_exactly_one_state() {
    let mut text = String::from("Deal ID,Deal Name,Amount\n");
    let mut bad = 0;
    for i in 0..1000 {
        if i % 7 == 0 {
            text.push_str(&format!("D{i},x,{i},extra\n"));
            bad += 1;
        } else {
            text.push_str(&format!("D{i},Deal {i},{i}\n"));
        }
    }
    let mut r = reader("deals.csv", text.as_bytes());
    let counts = r.drain();
    assert_eq!(counts.bad, bad);
    assert_eq!(counts.read + counts.bad, 1000);
}

#[test]
fn blank_lines_are_not_rows() {
    let (r, rows) = rows("x.csv", b"A,B\r\n1,2\r\n\r\n3,4\r\n\r\n");
    assert_eq!(rows.len(), 2);
    assert_eq!(r.counts().bad, 0);
}

#[test]
fn a_quote_that_never_closes_is_cut_at_the_row_limit_and_reading_resumes() {
    let mut text = String::from("ID,Note,Status\n1,ok,Open\n2,\"never closed,Open\n");
    // Well past the parser's 256 KiB buffer, so the limit is checked while the row grows.
    for i in 3..20_000 {
        text.push_str(&format!("{i},plain note number {i},Open\n"));
    }
    let mut r = reader("notes.csv", text.as_bytes());
    r.set_max_row_bytes(1000);
    let rows: Vec<_> = r.by_ref().collect();
    assert_eq!(rows[0].as_ref().unwrap().get("Note"), Some("ok"));
    let bad = rows[1].as_ref().unwrap_err();
    assert_eq!(bad.line, 3);
    assert!(bad.reason.contains("ran past 0.0 MB"), "{}", bad.reason);
    assert!(
        bad.reason
            .contains("quote opened there is probably never closed"),
        "{}",
        bad.reason
    );
    // Reading went on after the cut: the last rows are read whole.
    let last = rows.last().unwrap().as_ref().unwrap();
    assert_eq!(last.get("ID"), Some("19999"));
    assert_eq!(last.line, 20_000);
    assert!(r.counts().read > 10_000, "{:?}", r.counts());
    assert_eq!(r.counts().read + r.counts().bad, rows.len() as u64);
}

#[test]
fn a_header_that_fails_to_read_names_the_file_and_what_to_do() {
    /// A long header line, then a read error (a disk or network share giving out).
    struct FailsAfterHeaderStart(usize);
    impl std::io::Read for FailsAfterHeaderStart {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("share went away"));
            }
            let n = buf.len().min(self.0);
            buf[..n].fill(b'H');
            self.0 -= n;
            Ok(n)
        }
    }
    let input = FailsAfterHeaderStart(crm_migrate::rsoft::decode::SNIFF_BYTES + 10);
    let err = crm_migrate::rsoft::RowReader::new("deals.csv", Box::new(input))
        .err()
        .unwrap()
        .to_string();
    assert!(err.starts_with("deals.csv"), "{err}");
    assert!(err.contains("share went away"), "{err}");
    assert!(err.contains("run again"), "{err}");
}

/// Line ends are counted over the whole file, not only the 64 KiB the sniff reads: a file that
/// is CRLF at its start and LF further on is reported mixed, with both counts.
#[test]
fn line_ends_past_the_sniffed_start_are_counted() {
    let mut text = String::from("Lead ID,Lead Name\r\n");
    for i in 0..20_000 {
        text.push_str(&format!("L{i},Asha\r\n"));
    }
    text.push_str("M1,Ravi\nM2,Meena\nM3,Kiran\n");
    assert!(text.len() > 2 * 64 * 1024);
    let mut r = reader("leads.csv", text.as_bytes());
    assert_eq!(r.sniff().line_ending, LineEnding::Crlf, "the start alone");
    assert_eq!(r.drain().read, 20_003);
    let sniff = r.sniff();
    assert_eq!(sniff.line_ending, LineEnding::Mixed);
    assert_eq!(sniff.line_ends.crlf, 20_001);
    assert_eq!(sniff.line_ends.lf, 3);
    assert!(
        sniff
            .how
            .ends_with("the whole file has 20001 CRLF and 3 LF line ends"),
        "{}",
        sniff.how
    );
}

/// A number written with grouping commas and no quotes splits into cells; when joining such
/// runs gives the header's count exactly, the reason names them, and only then.
#[test]
fn a_number_split_at_its_grouping_commas_is_named_as_the_cause() {
    let text = "Deal ID,Deal Name,Amount,Stage\nD1,Big,1,25,000,Won\nD2,Small,500,Won,later\n";
    let (_, rows) = rows("deals.csv", text.as_bytes());
    let split = rows[0].as_ref().unwrap_err();
    assert!(
        split.reason.contains("row has 6 cells, header has 4")
            && split.reason.contains(
                "cells 3–5 (\"1\", \"25\", \"000\") read together as the number 1,25,000"
            ),
        "{}",
        split.reason
    );
    let stray = rows[1].as_ref().unwrap_err();
    assert!(
        stray
            .reason
            .contains("one cell holds data (cell 5 \"later\")")
            && !stray.reason.contains("read together"),
        "{}",
        stray.reason
    );
}

/// A cell with text after its closing quote (`"Gamma 24" screen`, an inch sign written bare) is
/// read as CSV readers read it, without the quote mark, but never silently: one warning per
/// column names the lines and shows the cell as written. Quotes that close where the cell ends
/// (doubled quotes, a CRLF end, a line break inside, an empty quoted cell) and a quote mark
/// inside an unquoted cell raise nothing.
#[test]
fn text_after_a_closing_quote_is_warned_per_column() {
    let text = "Deal ID,Deal Name,Note\r\n\
                D1,\"Gamma 24\" screen,ok\r\n\
                D2,\"Plain, quoted\",\"a \"\"b\"\" c\"\r\n\
                D3,\"Delta 12\" rack,\"two\nlines\"\r\n\
                D4,fine,\"x\"\r\n\
                D5,Rack 5\" wide,\"\"\r\n\
                D6,\"Plain, quoted\",\"7\" rack\r\n";
    let (r, rows) = rows("Deals.csv", text.as_bytes());
    let names: Vec<&str> = rows
        .iter()
        .map(|row| row.as_ref().unwrap().get("Deal Name").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Gamma 24 screen",
            "Plain, quoted",
            "Delta 12 rack",
            "fine",
            "Rack 5\" wide",
            "Plain, quoted"
        ]
    );
    let tails: Vec<_> = r
        .findings()
        .iter()
        .filter(|f| f.message.contains("closing quote"))
        .collect();
    // The comma inside a quoted cell is no column boundary: the Note's own warning.
    assert!(
        r.findings()
            .iter()
            .any(|f| f.column.as_deref() == Some("Note")
                && f.message
                    .contains("(line(s) 8; the first written \"7\" rack)")),
        "{:?}",
        r.findings()
    );
    let tails: Vec<_> = tails
        .into_iter()
        .filter(|f| f.column.as_deref() == Some("Deal Name"))
        .collect();
    assert_eq!(tails.len(), 1, "{:?}", r.findings());
    assert_eq!(tails[0].column.as_deref(), Some("Deal Name"));
    assert_eq!(tails[0].line, Some(2));
    assert!(
        tails[0].message.starts_with(
            "column \"Deal Name\": 2 cell(s) have text after their closing quote (line(s) 2, 4; the first written \"Gamma 24\" screen)"
        ),
        "{}",
        tails[0].message
    );
}
