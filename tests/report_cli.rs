//! `crm-migrate report`, the real binary, on the bundled sample export with a temp state dir:
//! where the files go, what they say before any run, `--out`, a config without an export, and
//! after a load of the sample into the sandbox, run sections read from the journal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export");

fn setup(source: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("crm-migrate.toml");
    std::fs::write(
        &config,
        format!("{source}\n[migration]\nstate_dir = \"state\"\n"),
    )
    .unwrap();
    (dir, config)
}

fn report(config: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .arg("report")
        .arg("--config")
        .arg(config)
        .args(extra)
        .output()
        .unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn writes_the_reports_into_the_state_dir() {
    let (dir, config) = setup(&format!("[source]\nexport = {SAMPLE:?}"));
    let out = report(&config, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = dir.path().join("state/reports");
    assert!(
        stdout.contains(&format!("wrote 8 files to {}", reports.display())),
        "{stdout}"
    );
    assert!(stdout.contains("no run recorded yet"));

    let md = read(&reports.join("report.md"));
    assert!(md.contains("210 records in 11 files."), "{md}");
    assert_eq!(md.matches("_No run recorded yet_").count(), 5);
    assert!(md.contains("| contacts | Region | Dropdown (North; South; East; West; Central) | 100% | Decision on Contacts |"));
    assert!(md.contains("  - [ ] On Hold — 1 deals; not in the pipelines file"));
    assert!(md.contains("### Missed IVR call → create lead (Leads, Inactive)"));

    let gaps = read(&reports.join("gaps.csv"));
    assert!(gaps.contains(
        "IVR call recording,recordings/918109359063_2024-06-13.mp3,39,phone 918109359063,contacts,CONT-2001,Lakshmi D'Souza,Mobile +918109359063,,,,no run recorded yet"
    ), "{gaps}");
    assert!(
        gaps.contains(
            "attachment,attachments/DEAL-4008_quote.pdf,37,record DEAL-4008,deals,DEAL-4008,"
        ),
        "{gaps}"
    );
    assert_eq!(
        gaps.lines().count(),
        7,
        "a header and one row per gap file: {gaps}"
    );

    let workflows = read(&reports.join("workflows.csv"));
    assert!(
        workflows.contains(",assign,round-robin,Nutshell's lead distribution settings"),
        "{workflows}"
    );

    let html = read(&reports.join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Lakshmi D&#x27;Souza"));
    assert!(!reports.join("failures.csv").exists());
}

#[test]
fn out_puts_them_where_asked() {
    let (dir, config) = setup(&format!("[source]\nexport = {SAMPLE:?}"));
    let target = dir.path().join("for-customer");
    let out = report(&config, &["--out", target.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(target.join("report.html").exists());
    assert!(target.join("checklist_pipelines.csv").exists());
    assert!(!dir.path().join("state/reports").exists());
}

#[test]
fn a_config_without_an_export_says_what_to_set() {
    let (_dir, config) = setup("");
    let out = report(&config, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no [source] export"), "{stderr}");
}

mod migrate_support;

/// After a load of the sample, `report` reads the journal: every reconciliation number, hold,
/// owner decision and merge or link is the journal's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_load_the_run_sections_are_the_journals() {
    use crm_migrate::engine::load::MigrateOptions;
    use crm_migrate::journal::{Journal, Phase, RecordState};
    use crm_migrate::report::journal_source::phase_name;

    let (sb, _client) = migrate_support::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = migrate_support::prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    migrate_support::finished_run(&config, &path, &sb, &MigrateOptions::default()).await;

    let out = report(&path, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains("no run recorded yet"), "{stdout}");
    let reports = config.state_dir().join("reports");

    let journal = Journal::open(&config.state_dir()).unwrap();
    let counts = journal.counts().unwrap();
    let count = |phase: Phase, state: RecordState| {
        counts
            .iter()
            .find(|c| c.phase == phase && c.state == state)
            .map_or(0, |c| c.count)
    };
    let reconciliation = read(&reports.join("reconciliation.csv"));
    for phase in Phase::ALL {
        let states = [
            RecordState::Created,
            RecordState::Linked,
            RecordState::Merged,
            RecordState::Held,
            RecordState::Failed,
        ];
        let total: u64 = states.iter().map(|s| count(phase, *s)).sum();
        assert!(total > 0, "{phase:?}");
        let numbers: Vec<String> = states
            .iter()
            .map(|s| count(phase, *s).to_string())
            .collect();
        let line = format!(
            "{},{total},{},0,{total},0,yes",
            phase_name(phase),
            numbers.join(",")
        );
        assert!(
            reconciliation.lines().any(|l| l == line),
            "{line} not in\n{reconciliation}"
        );
    }

    let holds = read(&reports.join("holds.csv"));
    for h in journal.holds().unwrap() {
        assert!(holds.contains(&h.rsoft_id), "{} not in {holds}", h.rsoft_id);
    }
    assert!(holds.contains("DEAL-4014"), "{holds}");
    let owners = read(&reports.join("owner_decisions.csv"));
    let decisions = journal.owner_decisions().unwrap();
    assert!(!decisions.is_empty());
    for d in &decisions {
        assert!(owners.contains(&d.owner), "{} not in {owners}", d.owner);
    }
    assert!(
        owners.contains("chosen by the operator in owners.toml"),
        "{owners}"
    );
    let merges = read(&reports.join("merges_and_links.csv"));
    let linked = count(Phase::Accounts, RecordState::Linked);
    assert!(linked > 0);
    assert_eq!(
        merges.lines().filter(|l| l.contains(",linked,")).count() as u64,
        linked
            + count(Phase::Contacts, RecordState::Linked)
            + count(Phase::Leads, RecordState::Linked),
        "{merges}"
    );
    let runs = read(&reports.join("runs.csv"));
    assert!(runs.lines().any(|l| l.starts_with("1,full,")), "{runs}");
    let gaps = read(&reports.join("gaps.csv"));
    assert!(!gaps.contains("no run recorded yet"), "{gaps}");
}
