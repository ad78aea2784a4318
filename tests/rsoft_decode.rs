//! Encodings, delimiters and line endings, each from a file made here.

mod common;

use common::{reader, rows, utf16};
use crm_migrate::rsoft::{Delimiter, LineEnding, TextEncoding};

const TEXT: &str =
    "Company ID,Company Name,City\r\nC1,Café Müller,Pune\r\nC2,₹ Traders,Chennai\r\n";

fn names(r: &crm_migrate::rsoft::RowReader) -> Vec<String> {
    r.headers().names().to_vec()
}

fn values(rows: &[Result<crm_migrate::rsoft::Row, crm_migrate::rsoft::RowProblem>]) -> Vec<String> {
    rows.iter()
        .map(|r| r.as_ref().unwrap().get("Company Name").unwrap().to_string())
        .collect()
}

#[test]
fn utf8_without_bom() {
    let (r, rows) = rows("c.csv", TEXT.as_bytes());
    assert_eq!(r.sniff().encoding, TextEncoding::Utf8);
    assert!(r.sniff().how.contains("valid UTF-8"), "{}", r.sniff().how);
    assert_eq!(values(&rows), ["Café Müller", "₹ Traders"]);
    assert!(r.findings().is_empty(), "{:?}", r.findings());
}

#[test]
fn utf8_bom_is_removed_from_the_first_header() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(TEXT.as_bytes());
    let (r, rows) = rows("c.csv", &bytes);
    assert_eq!(r.sniff().encoding, TextEncoding::Utf8);
    assert!(r.sniff().bom);
    assert_eq!(r.sniff().encoding.label(), "UTF-8");
    assert_eq!(names(&r)[0], "Company ID");
    assert_eq!(values(&rows), ["Café Müller", "₹ Traders"]);
}

#[test]
fn utf16_le_and_be_with_bom() {
    for (be, enc) in [
        (false, TextEncoding::Utf16Le),
        (true, TextEncoding::Utf16Be),
    ] {
        let (r, rows) = rows("c.csv", &utf16(TEXT, be));
        assert_eq!(r.sniff().encoding, enc);
        assert_eq!(names(&r), ["Company ID", "Company Name", "City"]);
        assert_eq!(values(&rows), ["Café Müller", "₹ Traders"]);
        assert_eq!(r.counts().read, 2);
    }
}

#[test]
fn utf16_le_tab_separated_like_a_spreadsheet_unicode_text() {
    let text = "Lead ID\tLead Name\nL1\tAsha\n";
    let (r, rows) = rows("leads.txt.csv", &utf16(text, false));
    assert_eq!(r.sniff().delimiter, Delimiter::Tab);
    assert_eq!(rows[0].as_ref().unwrap().get("Lead Name"), Some("Asha"));
}

#[test]
fn windows_1252_fallback_says_so_and_lists_lines() {
    let bytes = b"Company ID,Company Name\nC1,Caf\xE9\nC2,Plain\nC3,\x80 Shop\n";
    let (r, rows) = rows("c.csv", bytes);
    assert_eq!(r.sniff().encoding, TextEncoding::Windows1252);
    assert!(r.sniff().how.contains("not UTF-8"), "{}", r.sniff().how);
    assert_eq!(values(&rows), ["Café", "Plain", "€ Shop"]);
    let w: Vec<_> = r
        .findings()
        .iter()
        .filter(|f| f.message.contains("Windows-1252"))
        .collect();
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("not UTF-8"));
    assert!(
        w[0].message.contains("2 line(s) (2, 4)"),
        "{}",
        w[0].message
    );
    assert_eq!(w[0].line, Some(2));
}

#[test]
fn windows_1252_with_many_lines_is_summarised() {
    let mut bytes = b"Company ID,Company Name\n".to_vec();
    for i in 0..30 {
        bytes.extend_from_slice(format!("C{i},Caf").as_bytes());
        bytes.extend_from_slice(b"\xE9\n");
    }
    let (r, _) = rows("c.csv", &bytes);
    let w = r
        .findings()
        .iter()
        .find(|f| f.message.contains("Windows-1252"))
        .unwrap();
    assert!(w.message.contains("30 line(s)"), "{}", w.message);
    assert!(w.message.contains("… and 10 more"), "{}", w.message);
}

/// A byte that is not UTF-8 in a UTF-8 file is read as the Windows-1252 character it is there
/// (a value pasted from another program) and its line is named as a guess to check.
#[test]
fn bad_utf8_after_the_sniffed_start_is_read_as_windows_1252_and_reported_with_its_line() {
    let mut bytes = b"Company ID,Company Name\n".to_vec();
    let mut line = 1;
    while bytes.len() < 70 * 1024 {
        bytes.extend_from_slice(b"C1,Plain name padded to fill the sniffed part\n");
        line += 1;
    }
    bytes.extend_from_slice(b"C2,Bad \xFF byte\n");
    let bad_line = line + 1;
    let (r, rows) = rows("c.csv", &bytes);
    assert_eq!(r.sniff().encoding, TextEncoding::Utf8);
    let last = rows.last().unwrap().as_ref().unwrap();
    assert_eq!(last.get("Company Name"), Some("Bad \u{FF} byte"));
    assert_eq!(last.line, bad_line);
    let e = r
        .findings()
        .iter()
        .find(|f| f.message.contains("not UTF-8 in this UTF-8 file"))
        .unwrap_or_else(|| panic!("{:?}", r.findings()));
    assert_eq!(e.line, Some(bad_line));
    assert!(
        e.message.starts_with("1 byte sequence(s)")
            && e.message.contains(&format!("line(s) {bad_line}:")),
        "{}",
        e.message
    );
}

#[test]
fn each_delimiter_is_detected() {
    for (sep, d) in [
        (",", Delimiter::Comma),
        (";", Delimiter::Semicolon),
        ("\t", Delimiter::Tab),
    ] {
        let text = format!("Deal ID{sep}Amount{sep}Stage\nD1{sep}\"1,25,000\"{sep}Won\n");
        let (r, rows) = rows("deals.csv", text.as_bytes());
        assert_eq!(r.sniff().delimiter, d, "{sep:?}");
        let row = rows[0].as_ref().unwrap();
        assert_eq!(row.get("Amount"), Some("1,25,000"));
        assert_eq!(row.get("Stage"), Some("Won"));
    }
}

#[test]
fn semicolon_file_with_decimal_commas_in_values() {
    let (r, rows) = rows("d.csv", b"Deal ID;Amount\nD1;1250,50\nD2;99,00\n");
    assert_eq!(r.sniff().delimiter, Delimiter::Semicolon);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].as_ref().unwrap().get("Amount"), Some("99,00"));
}

#[test]
fn line_endings_crlf_lf_and_mixed() {
    for (text, ending, label, counts) in [
        ("A,B\r\n1,2\r\n3,4\r\n", LineEnding::Crlf, "CRLF", (3, 0)),
        ("A,B\n1,2\n3,4\n", LineEnding::Lf, "LF", (0, 3)),
        ("A,B\r\n1,2\n3,4\r\n", LineEnding::Mixed, "mixed", (2, 1)),
    ] {
        let (r, rows) = rows("x.csv", text.as_bytes());
        assert_eq!(r.sniff().line_ending, ending);
        assert_eq!(ending.label(), label);
        assert_eq!(
            serde_json::to_value(ending).unwrap(),
            serde_json::json!(label)
        );
        let n = r.sniff().line_ends;
        assert_eq!((n.crlf, n.lf), counts);
        assert_eq!(rows.len(), 2);
        let last = rows[1].as_ref().unwrap();
        assert_eq!(last.get("B"), Some("4"), "no stray CR in {ending:?}");
        assert_eq!(last.line, 3);
    }
}

#[test]
fn embedded_newlines_in_quoted_cells_keep_line_numbers_true() {
    let text =
        "Activity ID,Description\r\nA1,\"first line\r\nsecond line\r\nthird\"\r\nA2,plain\r\n";
    let (r, rows) = rows("activities.csv", text.as_bytes());
    let first = rows[0].as_ref().unwrap();
    assert_eq!(
        first.get("Description"),
        Some("first line\r\nsecond line\r\nthird")
    );
    assert_eq!(first.line, 2);
    let second = rows[1].as_ref().unwrap();
    assert_eq!(second.line, 5);
    assert_eq!(r.counts().read, 2);
    assert_eq!(r.counts().bad, 0);
}

#[test]
fn sniff_explains_itself() {
    let r = reader("x.csv", b"A;B;C\r\n1;2;3\r\n");
    let how = &r.sniff().how;
    assert!(
        how.contains("0 commas, 2 semicolons, 0 tabs: semicolon"),
        "{how}"
    );
    assert!(how.contains("2 CRLF and 0 LF"), "{how}");
}

#[test]
fn each_bad_sequence_in_a_utf8_file_is_counted_on_its_line() {
    let mut bytes = "Contact ID,Name\nP1,Asha\n".as_bytes().to_vec();
    for _ in 0..2000 {
        bytes.extend_from_slice(
            "P2,Ravi Kumar, pädded to pass the sniffed start\n"
                .replace(", p", " p")
                .as_bytes(),
        );
    }
    bytes.extend_from_slice(b"P3,Bad \xFF\xFE twice\n");
    let total_lines = 2 + 2000 + 1;
    let (r, rows) = rows("contacts.csv", &bytes);
    assert_eq!(r.sniff().encoding, TextEncoding::Utf8);
    let last = rows.last().unwrap().as_ref().unwrap();
    assert_eq!(last.get("Name"), Some("Bad \u{FF}\u{FE} twice"));
    let notes = r.decode_notes();
    assert_eq!(notes.stray, 2);
    assert_eq!(notes.stray_lines, vec![total_lines as u64]);
    assert_eq!(r.counts().read, 2002);
}

#[test]
fn utf16_without_bom_is_recognised_by_its_nul_bytes() {
    let le: Vec<u8> = utf16(TEXT, false).split_off(2);
    let (r, le_rows) = rows("c.csv", &le);
    assert_eq!(r.sniff().encoding, TextEncoding::Utf16Le);
    assert!(
        r.sniff()
            .how
            .contains("no BOM, but every second byte is NUL")
    );
    assert_eq!(values(&le_rows), ["Café Müller", "₹ Traders"]);
    let be: Vec<u8> = utf16(TEXT, true).split_off(2);
    let (r, be_rows) = rows("c.csv", &be);
    assert_eq!(r.sniff().encoding, TextEncoding::Utf16Be);
    assert_eq!(values(&be_rows), ["Café Müller", "₹ Traders"]);
}

/// A CRLF file whose quoted cell holds a bare LF (a spreadsheet's line break in a cell) is
/// CRLF: line ends are judged on record ends only (trial finding).
#[test]
fn a_line_break_inside_a_quoted_cell_is_no_line_end() {
    let text = "Activity ID,Description\r\nA1,\"first\nsecond\"\r\nA2,plain\r\nA3,\"x\r\ny\"\r\n";
    let mut r = reader("activities.csv", text.as_bytes());
    assert_eq!(r.sniff().line_ending, LineEnding::Crlf, "{}", r.sniff().how);
    assert_eq!(r.drain().read, 3);
    let n = r.sniff().line_ends;
    assert_eq!((n.crlf, n.lf), (4, 0));
    assert_eq!(r.sniff().line_ending, LineEnding::Crlf);
    // Without a final line end the last record ends none.
    let mut r = reader("x.csv", b"A,B\n1,\"2\n3\"\n4,5");
    assert_eq!(r.drain().read, 2);
    let n = r.sniff().line_ends;
    assert_eq!((n.crlf, n.lf), (0, 2));
}

/// Excel's `sep=;` directive after a BOM: the header is the next line, line numbers stay true.
#[test]
fn a_sep_directive_is_no_header() {
    let text = b"\xEF\xBB\xBFsep=;\r\nDeal ID;Amount;Amount\r\nD1;1,5;2\r\n";
    let (r, rows) = rows("d.csv", text);
    assert_eq!(r.headers().names(), ["Deal ID", "Amount", "Amount (2)"]);
    // The header's own findings name its line.
    assert!(
        r.findings().iter().any(|f| f.line == Some(2)),
        "{:?}",
        r.findings()
    );
    let row = rows[0].as_ref().unwrap();
    assert_eq!((row.line, row.get("Amount")), (3, Some("1,5")));
    assert_eq!(r.counts().bad, 0);
}

/// A UTF-8 file with one byte pasted in from Windows-1252 (`D\xE9sai`, from a new-user trial) is
/// read as UTF-8: its other accented names stay right, and the stray byte is read as
/// Windows-1252 and named with its line. (Read as Windows-1252 whole, `Café` became `CafÃ©`.) A
/// file of only Windows-1252 bytes is still read as Windows-1252.
#[test]
fn utf8_with_a_stray_windows_1252_byte_stays_utf8() {
    let bytes = b"Company ID,Company Name,City\nC1,Caf\xC3\xA9 Madras,Chennai\nC2,D\xE2\x80\x99Souza,Mumbai\nC3,D\xE9sai Traders,Pune\n";
    let (r, read) = rows("c.csv", bytes);
    assert_eq!(r.sniff().encoding, TextEncoding::Utf8, "{}", r.sniff().how);
    assert!(r.sniff().how.contains("stray"), "{}", r.sniff().how);
    assert_eq!(
        values(&read),
        ["Café Madras", "D\u{2019}Souza", "Désai Traders"]
    );
    let f = r
        .findings()
        .iter()
        .find(|f| f.message.contains("read as Windows-1252"))
        .unwrap_or_else(|| panic!("{:?}", r.findings()));
    assert_eq!(f.line, Some(4));

    let (r, _) = rows(
        "c.csv",
        b"Company ID,Company Name\nC1,Caf\xE9\nC2,D\x92Souza\n",
    );
    assert_eq!(r.sniff().encoding, TextEncoding::Windows1252);
}
