//! Every row ends in one true, precisely reported state: the load's failures.csv points at each
//! failed row's file and line, and a dry run writes the per-row outcome report a real run would
//! have, with nothing sent.

mod migrate_support;

use std::path::{Path, PathBuf};

use std::process::{Command, Stdio};

use crm_migrate::config::Config;
use crm_migrate::engine::load::{DRY_RUN_OUTCOMES_FILE, MigrateOptions};
use crm_migrate::sandbox::RunningSandbox;
use migrate_support::{
    KEY_ENV, SAMPLE, config_for, copy_dir, everything, finished_run, key, prepare, sandbox,
};

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

/// A migration of [`export_with_bad_companies`] in `dir` against `sb`, owners decided: its
/// config and the config's path.
async fn bad_companies_config(dir: &Path, sb: &RunningSandbox) -> (Config, PathBuf) {
    let (_, sample_path) = prepare(dir, sb, Some("ravi@acme.in")).await;
    let export = dir.join("export");
    export_with_bad_companies(&export);
    config_for(&sample_path, &export)
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
    let (config, path) = bad_companies_config(dir.path(), &sb).await;
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

/// `migrate --dry-run` of the real binary writes a preview of the per-row outcome report: one
/// row per source row with its file, line, would-be state and reason, named on stdout; the
/// sandbox sees no write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_writes_each_rows_would_be_outcome_and_sends_nothing() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = bad_companies_config(dir.path(), &sb).await;
    let before = everything(&sb);
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["migrate", "--dry-run", "--yes", "--config"])
        .arg(&path)
        .env(KEY_ENV, key(&sb))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 4)),
        "{stdout}\n{stderr}"
    );
    assert_eq!(sb.stats().creates_committed, 0, "a dry run creates nothing");
    assert_eq!(everything(&sb), before, "a dry run edits nothing");
    assert!(!config.state_dir().join("journal.sqlite").exists());

    let file = config.state_dir().join(DRY_RUN_OUTCOMES_FILE);
    assert!(
        stdout.contains(&format!(
            "what would happen to every row (state, Nutshell record, reason): {}",
            file.display()
        )),
        "{stdout}"
    );
    let (header, rows) = read_csv(&file);
    assert_eq!(
        header,
        [
            "phase",
            "module",
            "rsoft_id",
            "file",
            "line",
            "state",
            "delta",
            "nutshell_entity",
            "nutshell_id",
            "reason"
        ]
    );
    // One row per source row of every loaded module: the 25 companies plus the 2 appended.
    let companies: Vec<_> = rows
        .iter()
        .filter(|r| cell(&header, r, "module") == "companies")
        .collect();
    assert_eq!(companies.len(), 27, "{companies:?}");
    let of = |id: &str| {
        rows.iter()
            .find(|r| cell(&header, r, "rsoft_id") == id)
            .unwrap_or_else(|| panic!("no row for {id}: {rows:?}"))
    };
    let first = of("COMP-1002");
    assert_eq!(
        (
            cell(&header, first, "file"),
            cell(&header, first, "line"),
            cell(&header, first, "state")
        ),
        ("Companies.csv", "3", "created")
    );
    assert_eq!(cell(&header, first, "nutshell_entity"), "Accounts");
    assert_eq!(
        cell(&header, first, "nutshell_id"),
        "",
        "a made-up id is not shown"
    );
    let linked = of("COMP-1001");
    assert_eq!(cell(&header, linked, "state"), "linked");
    assert_ne!(cell(&header, linked, "nutshell_id"), "", "{linked:?}");
    let merged = of("COMP-1016");
    assert_eq!(cell(&header, merged, "state"), "merged");
    assert!(
        cell(&header, merged, "reason").contains("COMP-1005"),
        "{merged:?}"
    );
    let orphan = of("DEAL-4014");
    assert_eq!(cell(&header, orphan, "state"), "held");
    assert!(!cell(&header, orphan, "reason").is_empty(), "{orphan:?}");
    let failed: Vec<_> = rows
        .iter()
        .filter(|r| cell(&header, r, "state") == "failed")
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed
            .iter()
            .all(|r| !cell(&header, r, "reason").is_empty()),
        "{failed:?}"
    );
}

/// A row repeating an earlier row's RSoft ID is never a second Nutshell record (trial 9: four
/// rows of two Deal IDs made four Leads, and the journal kept two): an exact repeat fails as a
/// repeat of the first row's line, a repeat with other values fails naming it too, the first
/// row alone is loaded, and verify counts both repeats as failed rows, not unaccounted ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_rsoft_id_is_loaded_once_and_each_repeat_fails_by_its_place() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, sample_path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let export = dir.path().join("export");
    copy_dir(Path::new(SAMPLE), &export);
    let file = export.join("Companies.csv");
    // The file is windows-1252: its first row (ASCII) is repeated as bytes.
    let mut bytes = std::fs::read(&file).unwrap();
    let first = bytes.split(|b| *b == b'\n').nth(1).unwrap().to_vec();
    let first = String::from_utf8(first).unwrap();
    let changed = first.replacen("Sharma Textiles Pvt. Ltd.", "Sharma Textiles (Surat)", 1);
    assert_ne!(first, changed);
    bytes.extend_from_slice(format!("{first}\n{changed}\n").as_bytes());
    std::fs::write(&file, bytes).unwrap();
    let (config, path) = config_for(&sample_path, &export);
    let summary = finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    assert_eq!(summary.failed, 2, "{summary:?}");
    let (header, rows) = read_csv(summary.failures_file.as_ref().unwrap());
    let failed: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (cell(&header, r, "line"), cell(&header, r, "message")))
        .collect();
    assert_eq!(failed.len(), 2, "{rows:?}");
    assert_eq!(failed[0].0, "27");
    assert!(
        failed[0].1.starts_with(
            "repeats Companies.csv line 2 (the same RSoft ID COMP-1001 with the same values)"
        ),
        "{}",
        failed[0].1
    );
    assert_eq!(failed[1].0, "28");
    assert!(
        failed[1]
            .1
            .starts_with("has the RSoft ID COMP-1001 of Companies.csv line 2 with other values"),
        "{}",
        failed[1].1
    );
    let sharma = sb
        .records(crm_migrate::sandbox::RecordKind::Accounts)
        .into_iter()
        .filter(|a| {
            a["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("Sharma Textiles"))
        })
        .count();
    assert_eq!(sharma, 1);
    // Each created row names its own record, whatever its entity (a contact's plan step is not
    // 0): outcomes.csv showed contacts with no Nutshell record.
    let (header, rows) = read_csv(summary.outcomes_file.as_ref().unwrap());
    for module in ["contacts", "deals", "activities"] {
        let created = rows
            .iter()
            .find(|r| {
                cell(&header, r, "module") == module && cell(&header, r, "state") == "created"
            })
            .unwrap_or_else(|| panic!("no created {module}: {rows:?}"));
        assert_ne!(cell(&header, created, "nutshell_entity"), "", "{created:?}");
        assert_ne!(cell(&header, created, "nutshell_id"), "", "{created:?}");
    }

    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["verify", "--config", path.to_str().unwrap()])
        .env(KEY_ENV, key(&sb))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("one journal entry stands for both rows"),
        "{stdout}"
    );
    assert!(
        stdout.contains("accounts Companies.csv line 27: failed: repeats"),
        "{stdout}"
    );
}

/// An export paged into two files of one module (trial 10: `Contacts.csv` and
/// `Contacts_2.csv`) has one column map for the module: `map` writes each header once (a header
/// only the second file has is one more key), a second `map` reads the file back, and a dry run
/// gives every row of both files its outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_paged_into_two_files_has_one_column_map_and_loads_both() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (sample_path, export) = sample_copy(dir.path(), &sb).await;
    // The sample's 40 contacts: the first 20 stay, the other 20 go to a second page with one
    // more column, "Nickname".
    let first = export.join("contacts_export_2026-11-20.csv");
    let text = std::fs::read_to_string(&first).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 41);
    std::fs::write(&first, format!("{}\n", lines[..21].join("\n"))).unwrap();
    let mut second = format!("{},Nickname\n", lines[0].trim_start_matches('\u{feff}'));
    for (i, row) in lines[21..].iter().enumerate() {
        second.push_str(&format!("{row},Nick {i}\n"));
    }
    std::fs::write(export.join("Contacts_2.csv"), second).unwrap();
    let (config, path) = config_for(&sample_path, &export);

    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
            .args(args)
            .arg("--config")
            .arg(&path)
            .env(KEY_ENV, key(&sb))
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for _ in 0..2 {
        let out = run(&["map"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let written = crm_migrate::mapping::file::load(&config.migration.mapping).unwrap();
    let contacts = &written.modules[&crm_migrate::rsoft::Module::Contacts];
    let headers: Vec<&str> = contacts.columns.iter().map(|c| c.header.as_str()).collect();
    assert_eq!(
        headers.len(),
        24,
        "23 shared headers and Nickname: {headers:?}"
    );
    assert_eq!(headers.iter().filter(|h| **h == "Email").count(), 1);
    assert!(headers.contains(&"Nickname"), "{headers:?}");

    let out = run(&["migrate", "--dry-run", "--accept-proposed", "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        matches!(out.status.code(), Some(0 | 4)),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (header, rows) = read_csv(&config.state_dir().join(DRY_RUN_OUTCOMES_FILE));
    let contacts: Vec<_> = rows
        .iter()
        .filter(|r| cell(&header, r, "module") == "contacts")
        .collect();
    assert_eq!(contacts.len(), 40, "{contacts:?}");
    let from_second = contacts
        .iter()
        .filter(|r| cell(&header, r, "file") == "Contacts_2.csv")
        .count();
    assert_eq!(from_second, 20, "{contacts:?}");
}

/// A "no date" placeholder in a date column is a blank: a dry run of the sample with an
/// activity ending `31/12/9999` creates it, its outcome naming the cell read as blank, and an
/// activity starting `00/00/0000` fails, its outcome naming the cell (trial 10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placeholder_date_is_a_blank_with_its_note_or_fails_a_required_start() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (sample_path, export) = sample_copy(dir.path(), &sb).await;
    let file = export.join("Activities.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replacen(
            "COMP-1009,13/01/2026 07:43 PM,,",
            "COMP-1009,13/01/2026 07:43 PM,31/12/9999,",
            1,
        )
        .replacen(
            "COMP-1001,03/08/2025 02:20 PM,,",
            "COMP-1001,00/00/0000,,",
            1,
        );
    std::fs::write(&file, text).unwrap();
    let (header, rows) = dry_run_outcomes(&sample_path, &export, &sb).await;
    let of = |id: &str| outcome_of(&header, &rows, id);
    let ends = of("ACT-5001");
    assert_eq!(cell(&header, ends, "state"), "created", "{ends:?}");
    assert!(
        cell(&header, ends, "reason").contains(
            "End Time: \"31/12/9999\" is a \"no date\" placeholder; Activities.endTime was left blank"
        ),
        "{ends:?}"
    );
    let starts = of("ACT-5002");
    assert_eq!(cell(&header, starts, "state"), "failed", "{starts:?}");
    assert!(
        cell(&header, starts, "reason").contains("placeholder, not a start time"),
        "{starts:?}"
    );
}

/// Cells operators and spreadsheets damage, through a dry run of the sample: a deal's amount
/// `N/A` is left blank and the row says so; a deal's own id and its Company ID with a
/// zero-width space or a byte order mark are the ids without them (the deal is created and
/// linked, not held); a formula amount fails naming it; `=HYPERLINK(...)` in a company's
/// Website gives its link; an activity whose start is `N/A` fails with a true reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholders_invisible_id_characters_and_formulas_end_as_the_map_said() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (sample_path, export) = sample_copy(dir.path(), &sb).await;
    // Byte by byte: the sample's companies are in Windows-1252 (changed only in ASCII there).
    let edit = |file: &str, changes: &[(&str, &str)]| {
        let path = export.join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        for (from, to) in changes {
            let at = bytes
                .windows(from.len())
                .position(|w| w == from.as_bytes())
                .unwrap_or_else(|| panic!("{file}: {from}"));
            bytes.splice(at..at + from.len(), to.bytes());
        }
        std::fs::write(&path, bytes).unwrap();
    };
    edit(
        "RSoft-Deals (1).csv",
        &[
            ("Qualification;₹ 13,74,500.00;", "Qualification;N/A;"),
            (
                "DEAL-4002;D’Souza Interiors - Solar rooftop 25 kW;COMP-1011;",
                "\u{feff}DEAL-4002\u{200b};D’Souza Interiors - Solar rooftop 25 kW;COMP-1011\u{200b};",
            ),
            ("Lost;Rs. 2,78,500;", "Lost;=G3*1.18;"),
        ],
    );
    edit(
        "Companies.csv",
        &[(
            "www.tridentpharma.in,",
            "\"=HYPERLINK(\"\"https://www.tridentpharma.in\"\",\"\"Trident\"\")\",",
        )],
    );
    edit(
        "Activities.csv",
        &[("LEAD-3006,16/08/2024 11:09 AM,", "LEAD-3006,N/A,")],
    );
    let (header, rows) = dry_run_outcomes(&sample_path, &export, &sb).await;
    let of = |id: &str| outcome_of(&header, &rows, id);
    let outcome = |id: &str, state: &str, reason: &str| {
        let row = of(id);
        assert_eq!(cell(&header, row, "state"), state, "{row:?}");
        assert!(cell(&header, row, "reason").contains(reason), "{row:?}");
    };
    outcome(
        "DEAL-4001",
        "created",
        "Amount: \"N/A\" is a placeholder for an unknown value; Leads.value was left blank",
    );
    outcome("DEAL-4002", "created", "");
    outcome(
        "DEAL-4003",
        "failed",
        "a spreadsheet formula, not its value",
    );
    outcome(
        "COMP-1003",
        "created",
        "its link \"https://www.tridentpharma.in\" was read",
    );
    outcome(
        "ACT-5003",
        "failed",
        "is a placeholder for an unknown value, not a start time",
    );
}

/// The outcomes (header, rows) of a dry run of `export` with the sample's config at
/// `sample_path`, against `sb`.
async fn dry_run_outcomes(
    sample_path: &Path,
    export: &Path,
    sb: &RunningSandbox,
) -> (Vec<String>, Vec<Vec<String>>) {
    let (config, path) = config_for(sample_path, export);
    let options = MigrateOptions {
        dry_run: true,
        ..MigrateOptions::default()
    };
    let summary = finished_run(&config, &path, sb, &options).await;
    read_csv(summary.outcomes_file.as_ref().unwrap())
}

/// The outcome row of RSoft ID `id`.
fn outcome_of<'r>(header: &[String], rows: &'r [Vec<String>], id: &str) -> &'r [String] {
    rows.iter()
        .find(|r| cell(header, r, "rsoft_id") == id)
        .unwrap_or_else(|| panic!("no row for {id}: {rows:?}"))
}

/// The sample prepared in `dir` against `sb` with its owner decided, and a copy of its export
/// in `dir/export` to change: the sample config's path and the copy's.
async fn sample_copy(dir: &Path, sb: &RunningSandbox) -> (PathBuf, PathBuf) {
    let (_, sample_path) = prepare(dir, sb, Some("ravi@acme.in")).await;
    let export = dir.join("export");
    copy_dir(Path::new(SAMPLE), &export);
    (sample_path, export)
}
