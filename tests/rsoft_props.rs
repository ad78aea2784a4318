//! Arbitrary bytes through the row reader, the profiler and discovery: whatever the file holds,
//! reading ends without a panic and accounts for every row.

mod common;

use crm_migrate::discovery::discover_path;
use crm_migrate::discovery::owners::parse_owner;
use crm_migrate::rsoft::{ColumnProfiler, Module, ReadError, RowReader};
use crm_migrate::vocabulary::Vocabulary;
use proptest::prelude::*;

/// Bytes that look like CSV often enough to reach the parser's corners: delimiters, quotes, line
/// ends, BOMs, multi-byte and invalid UTF-8, mixed with anything.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"\xFE\xFF".to_vec()),
        Just("₹ 1,25,000.00".as_bytes().to_vec()),
        Just("25/04/2026 10:30 AM".as_bytes().to_vec()),
        Just("Ravi Kumar <ravi@acme.in>".as_bytes().to_vec()),
        Just(b"\xE2\x82".to_vec()),
        Just(b"\x80\x81\xC3".to_vec()),
        "[a-zA-Z0-9 @.:/+-]{0,12}".prop_map(String::into_bytes),
        // No NUL: a text file has none, and the reader refuses a file with one as binary.
        proptest::collection::vec(1u8..=255, 0..8),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// A reader over `bytes`, or `None` when they are refused as no text (the only error a reader
/// over bytes in memory may give; any other fails the test).
fn text_reader(bytes: &[u8]) -> Option<RowReader> {
    match RowReader::new("any.csv", Box::new(std::io::Cursor::new(bytes.to_vec()))) {
        Ok(reader) => Some(reader),
        Err(ReadError::NotText { .. }) => None,
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rows_of_any_bytes_are_counted_and_profiled(bytes in csvish()) {
        // Bytes that are no text (NUL outside UTF-16, mostly control bytes) are refused whole.
        let Some(mut reader) = text_reader(&bytes) else { return Ok(()) };
        let width = reader.headers().len();
        let mut profilers = vec![ColumnProfiler::default(); width];
        let mut seen = 0u64;
        while let Some(row) = reader.next_row() {
            seen += 1;
            if let Ok(row) = row {
                prop_assert_eq!(row.fields().count(), width);
                for (p, value) in profilers.iter_mut().zip(row.fields()) {
                    p.observe(value);
                }
            }
        }
        let counts = reader.counts();
        prop_assert_eq!(counts.read + counts.bad, seen);
        let names = reader.headers().names().to_vec();
        for (p, header) in profilers.into_iter().zip(&names) {
            let profile = p.finish(header, Some(Module::Deals), None, Some("Deal ID"));
            prop_assert!(profile.filled <= profile.rows);
        }
    }

    #[test]
    fn a_small_row_limit_still_accounts_for_every_row(bytes in csvish(), limit in 1u64..64) {
        let Some(mut reader) = text_reader(&bytes) else { return Ok(()) };
        reader.set_max_row_bytes(limit);
        let seen = reader.by_ref().count() as u64;
        let counts = reader.counts();
        prop_assert_eq!(counts.read + counts.bad, seen);
    }

    #[test]
    fn values_of_any_text_profile_without_panic(values in proptest::collection::vec(any::<String>(), 0..30)) {
        let mut p = ColumnProfiler::default();
        for v in &values {
            p.observe(v);
        }
        let profile = p.finish("Created On", Some(Module::Leads), None, Some("Lead ID"));
        prop_assert_eq!(profile.rows, values.len() as u64);
    }

    #[test]
    fn any_owner_text_splits_into_trimmed_parts(raw in "[ <>\"@.a-zé₹]{0,24}") {
        let (name, email) = parse_owner(&raw);
        for part in name.iter().chain(&email) {
            prop_assert!(!part.is_empty() && part.trim() == part);
            // A name's spaces are collapsed: each of its words is in the cell.
            for word in part.split_whitespace() {
                prop_assert!(raw.contains(word));
            }
        }
    }

    #[test]
    fn any_file_name_and_headers_classify(name in any::<String>(), headers in proptest::collection::vec(any::<String>(), 0..8)) {
        let c = Vocabulary::builtin().classify(&name, &headers);
        prop_assert!((0.0..=1.0).contains(&c.confidence), "{}", c.confidence);
    }
}

/// A table the test writes itself: headers `A`, `B`, … and rows of plain or quoted cells.
fn table() -> impl Strategy<Value = (Vec<Vec<String>>, &'static str)> {
    let cell = prop_oneof![
        "[a-zA-Z0-9 .@₹]{1,10}",
        // Cells that must be quoted: commas, quotes and line breaks inside.
        "[a-z]{0,3}(,|\"|\n)[a-z ]{0,3}",
    ];
    (1usize..5).prop_flat_map(move |width| {
        (
            proptest::collection::vec(proptest::collection::vec(cell.clone(), width), 0..20),
            prop_oneof![Just("\n"), Just("\r\n")],
        )
    })
}

/// CSV text of `rows` under headers `A`, `B`, …, written here by hand (RFC 4180 quoting), so the
/// count to expect does not come from the reader under test.
fn to_csv(rows: &[Vec<String>], width: usize, line_end: &str) -> String {
    let quote = |c: &String| {
        if c.contains([',', '"', '\n']) {
            format!("\"{}\"", c.replace('"', "\"\""))
        } else {
            c.clone()
        }
    };
    let header: Vec<String> = (0..width)
        .map(|i| ((b'A' + i as u8) as char).to_string())
        .collect();
    let mut text = header.join(",") + line_end;
    for row in rows {
        text.push_str(&row.iter().map(quote).collect::<Vec<_>>().join(","));
        text.push_str(line_end);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_well_formed_table_reads_back_row_for_row((rows, line_end) in table()) {
        let width = rows.first().map_or(1, Vec::len);
        // A row repeating the header (`A,B`) is a repeated header line, skipped by design, not
        // a row of a well-formed table.
        prop_assume!(!rows.iter().any(|r| r
            .iter()
            .enumerate()
            .all(|(i, c)| c.trim().eq_ignore_ascii_case(&((b'A' + i as u8) as char).to_string()))));
        let text = to_csv(&rows, width, line_end);
        let mut reader = common::reader("t.csv", text.as_bytes());
        let mut read = Vec::new();
        while let Some(row) = reader.next_row() {
            let row = row.map_err(|e| TestCaseError::fail(format!("{e:?} in {text:?}")))?;
            read.push(row.fields().map(str::to_owned).collect::<Vec<_>>());
        }
        prop_assert_eq!(&read, &rows, "{:?}", text);
        let counts = reader.counts();
        prop_assert_eq!((counts.read, counts.bad), (rows.len() as u64, 0));
    }
}

proptest! {
    // Discovery writes a folder per case: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn discovery_of_any_bytes_reports_without_panic(deals in csvish(), contacts in csvish()) {
        let dir = tempfile::tempdir().unwrap();
        common::write(dir.path(), "Deals.csv", &deals);
        common::write(dir.path(), "contacts.csv", &contacts);
        let report = discover_path(dir.path()).unwrap();
        // Each file is profiled, or reported as no text (mostly control bytes) and not read.
        let refused = report
            .warnings
            .iter()
            .filter(|w| w.message.contains("is not a CSV file"))
            .count();
        prop_assert_eq!(report.objects.len() + refused, 2);
    }
}
