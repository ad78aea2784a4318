//! Every row ends in one true, precisely reported state: the load's failures.csv points at each
//! failed row's file and line, and a dry run writes the per-row outcome report a real run would
//! have, with nothing sent.

mod migrate_support;

use std::path::Path;

use crm_migrate::engine::load::MigrateOptions;
use migrate_support::{SAMPLE, config_for, copy_dir, finished_run, prepare, sandbox};

/// Rows appended to the sample's Companies.csv (lines 27 and 28): one without a Company ID, one
/// with an 18th cell holding data.
const BAD_COMPANIES: &str = ",Nameless Traders,Retail,,,,,,,India,,sneha.iyer@acme.in,,01-01-2024,01/01/2024 10:00 AM,,\r\n\
COMP-1999,Extra Cell Traders,Retail,,,,,,,India,,sneha.iyer@acme.in,,01-01-2024,01/01/2024 10:00 AM,,,stray\r\n";

/// A copy of the sample export in `to` with [`BAD_COMPANIES`] appended.
fn export_with_bad_companies(to: &Path) {
    copy_dir(Path::new(SAMPLE), to);
    let file = to.join("Companies.csv");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(BAD_COMPANIES.as_bytes());
    std::fs::write(&file, bytes).unwrap();
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The cell of `row` under `column`.
fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    &row[i]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_csv_names_each_failed_rows_file_and_line() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, sample_path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let export = dir.path().join("export");
    export_with_bad_companies(&export);
    let (config, path) = config_for(&sample_path, &export);
    let summary = finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    assert_eq!(summary.failed, 2, "{summary:?}");
    let (header, rows) = read_csv(summary.failures_file.as_ref().unwrap());
    assert_eq!(
        header,
        [
            "phase", "module", "rsoft_id", "file", "line", "attempts", "field", "message"
        ]
    );
    let places: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (cell(&header, r, "file"), cell(&header, r, "line")))
        .collect();
    assert_eq!(
        places,
        [("Companies.csv", "27"), ("Companies.csv", "28")],
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| cell(&header, r, "message").contains("no RSoft ID")),
        "{rows:?}"
    );
}
