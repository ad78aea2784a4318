//! `rollback` against the sandbox over loopback HTTP: a full run rolled back leaves the sandbox's
//! records as they were before it; a sample rolls back as a unit; a record a person edited is
//! left and reported; the real binary killed mid-rollback and run again finishes exactly; without
//! `--yes` nothing is deleted (exit 2).

mod migrate_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crm_migrate::config::Config;
use crm_migrate::engine::load::MigrateOptions;
use crm_migrate::engine::rollback::{RollbackError, Scope, plan};
use crm_migrate::journal::{Journal, Phase, RecordState, Resolution, StepState};
use crm_migrate::nutshell::EntityType;
use crm_migrate::nutshell::{Params, methods};
use crm_migrate::sandbox::{Knobs, RunningSandbox};
use migrate_support::{KEY_ENV, RECORDS, finished_run, key, prepare, run_rollback, sandbox};
use serde_json::{Value, json};

/// Every live record of every record type, as a full response renders it. A link list that
/// only named deleted records renders empty (`"contacts": []` on an account that existed before
/// and was linked to by the run): the same as no list.
fn snapshot(sb: &RunningSandbox) -> BTreeMap<&'static str, Vec<Value>> {
    RECORDS
        .iter()
        .map(|e| {
            let mut records = sb.records(*e);
            for r in &mut records {
                if let Some(o) = r.as_object_mut() {
                    o.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
                }
            }
            (e.entity_type(), records)
        })
        .collect()
}

fn live_total(sb: &RunningSandbox) -> usize {
    RECORDS.iter().map(|e| sb.live_count(*e)).sum()
}

async fn run_migrate(config: &Config, path: &Path, sb: &RunningSandbox, sample: Option<u64>) {
    let options = MigrateOptions {
        sample,
        ..MigrateOptions::default()
    };
    let summary = finished_run(config, path, sb, &options).await;
    assert_eq!(summary.failed, 0);
}

#[tokio::test]
async fn a_full_run_rolled_back_leaves_the_records_as_before_and_can_run_again() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let before = snapshot(&sb);
    run_migrate(&config, &path, &sb, None).await;
    let created = live_total(&sb) - before.values().map(Vec::len).sum::<usize>();
    assert!(created > 200, "the run created {created} records");

    let journal = Journal::open(&config.state_dir()).unwrap();
    let would = plan(&journal, Scope::All).unwrap();
    assert_eq!(would.total() as usize, created, "{would:?}");
    // Sharma Textiles existed before: linked, so left alone.
    assert!(
        would
            .left_alone
            .iter()
            .any(|l| l.rsoft_id == "COMP-1001" && l.how == "linked"),
        "{:?}",
        would.left_alone
    );
    drop(journal);

    let summary = run_rollback(&config, &sb, Scope::All).await.unwrap();
    assert_eq!(summary.count(StepState::Deleted) as usize, created);
    // COMP-1016 was merged into the account COMP-1005 created: that account is deleted, and
    // the summary says so (not "left alone"); the linked COMP-1001's account is untouched.
    let left = |id: &str| {
        summary
            .left_alone
            .iter()
            .find(|l| l.rsoft_id == id)
            .unwrap_or_else(|| panic!("{id}: {:?}", summary.left_alone))
    };
    let merged = left("COMP-1016");
    assert_eq!(
        (merged.created_by.as_deref(), merged.fate),
        (Some("COMP-1005"), Some(StepState::Deleted))
    );
    let linked = left("COMP-1001");
    assert_eq!((linked.created_by.as_deref(), linked.fate), (None, None));
    assert_eq!(summary.count(StepState::Gone), 0);
    assert!(summary.kept.is_empty(), "{:?}", summary.kept);
    assert_eq!(
        snapshot(&sb),
        before,
        "the records are exactly as before the run"
    );

    // The journal is back to "nothing loaded": a new run loads everything again, once.
    let journal = Journal::open(&config.state_dir()).unwrap();
    assert!(
        journal
            .counts()
            .unwrap()
            .iter()
            .all(|c| !matches!(c.state, RecordState::Created | RecordState::Merged)),
        "{:?}",
        journal.counts().unwrap()
    );
    drop(journal);
    run_migrate(&config, &path, &sb, None).await;
    assert_eq!(
        live_total(&sb) - before.values().map(Vec::len).sum::<usize>(),
        created,
        "the second load makes the same records, no duplicate"
    );
}

#[tokio::test]
async fn a_sample_rolls_back_as_a_unit_and_nothing_else() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let before = snapshot(&sb);
    run_migrate(&config, &path, &sb, Some(3)).await;
    let journal = Journal::open(&config.state_dir()).unwrap();
    let run = *journal.live_runs().unwrap().last().unwrap();
    let sample_made = live_total(&sb) - before.values().map(Vec::len).sum::<usize>();
    assert!(sample_made > 0 && sample_made < 60, "{sample_made}");
    assert_eq!(
        plan(&journal, Scope::Run(run)).unwrap().total() as usize,
        sample_made
    );
    drop(journal);

    let summary = run_rollback(&config, &sb, Scope::Run(run)).await.unwrap();
    assert_eq!(summary.count(StepState::Deleted) as usize, sample_made);
    assert_eq!(snapshot(&sb), before, "only the sample was removed");
    assert!(matches!(
        run_rollback(&config, &sb, Scope::Run(run)).await,
        Err(RollbackError::AlreadyRolledBack(r)) if r == run
    ));
}

#[tokio::test]
async fn a_record_edited_by_a_person_is_left_and_reported() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    run_migrate(&config, &path, &sb, Some(2)).await;
    let journal = Journal::open(&config.state_dir()).unwrap();
    let run = *journal.live_runs().unwrap().last().unwrap();
    let finished = journal
        .runs()
        .unwrap()
        .last()
        .unwrap()
        .finished_at
        .clone()
        .unwrap();
    let Resolution::Id(account) = journal
        .resolve(Phase::Accounts, "COMP-1002", EntityType::Accounts)
        .unwrap()
    else {
        panic!("COMP-1002 was not created by the sample");
    };
    drop(journal);
    // Nutshell stamps whole seconds: wait for the clock to pass the run's last second, as a
    // person's later edit would.
    let finished = chrono::DateTime::parse_from_rfc3339(&finished).unwrap();
    while chrono::Utc::now().timestamp() <= finished.timestamp() {
        tokio::task::yield_now().await;
    }
    let m = &methods::ACCOUNTS;
    let current: Value = client
        .call(Params::new(m.get).set(m.id_param, account).unwrap())
        .await
        .unwrap();
    let _: Value = client
        .call(
            Params::new(m.edit.unwrap())
                .set(m.id_param, account)
                .unwrap()
                .set(methods::REV, current["rev"].as_str().unwrap())
                .unwrap()
                .set("account", json!({"description": "called them today"}))
                .unwrap(),
        )
        .await
        .unwrap();

    let summary = run_rollback(&config, &sb, Scope::Run(run)).await.unwrap();
    assert_eq!(summary.count(StepState::Kept), 1, "{:?}", summary.kept);
    let kept = &summary.kept[0];
    assert_eq!(
        (kept.rsoft_id.as_str(), kept.nutshell_id),
        ("COMP-1002", Some(account))
    );
    assert!(
        kept.reason
            .as_deref()
            .unwrap()
            .contains("edited in Nutshell"),
        "{kept:?}"
    );
    let still: Value = client
        .call(Params::new(m.get).set(m.id_param, account).unwrap())
        .await
        .unwrap();
    assert_eq!(still["description"], "called them today");
    // Its record stays created in the journal: it is still in Nutshell.
    let journal = Journal::open(&config.state_dir()).unwrap();
    assert_eq!(
        journal
            .record(Phase::Accounts, "COMP-1002")
            .unwrap()
            .unwrap()
            .state,
        RecordState::Created
    );
}

fn rollback_bin(config: &Path, sb: &RunningSandbox, yes: bool) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crm-migrate"));
    c.arg("rollback")
        .arg("--config")
        .arg(config)
        .arg("--all")
        .env(KEY_ENV, key(sb))
        .stdin(Stdio::null());
    if yes {
        c.arg("--yes");
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_killed_mid_rollback_then_run_again_finishes_exactly() {
    let (sb, _) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let before = snapshot(&sb);
    run_migrate(&config, &path, &sb, None).await;
    let created = live_total(&sb) - before.values().map(Vec::len).sum::<usize>();

    // Without --yes: nothing deleted, exit 2, the plan printed.
    let out = rollback_bin(&path, &sb, false).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("would delete {created} record")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("merged accounts COMP-1016 → Accounts ")
                && l.ends_with(": deleted with COMP-1005's record, which this rollback deletes")),
        "{text}"
    );
    assert_eq!(
        live_total(&sb) - before.values().map(Vec::len).sum::<usize>(),
        created
    );

    // Slow the sandbox so the kill lands among the deletes, then kill after some of them.
    sb.set_knobs(Knobs {
        latency: std::time::Duration::from_millis(5),
        ..sb.knobs()
    })
    .unwrap();
    let deleted = |sb: &RunningSandbox| RECORDS.iter().map(|e| sb.deleted_count(*e)).sum::<usize>();
    let at_start = deleted(&sb);
    let mut child = rollback_bin(&path, &sb, true)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let killed = loop {
        if child.try_wait().unwrap().is_some() {
            break false;
        }
        if deleted(&sb) >= at_start + created / 3 {
            child.kill().unwrap();
            child.wait().unwrap();
            break true;
        }
        // Poll: the sandbox serves the binary from this runtime's other worker meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    };
    assert!(killed, "the rollback ended before the kill");
    let partly = deleted(&sb) - at_start;
    assert!(partly > 0 && partly < created, "{partly} of {created}");

    sb.set_knobs(Knobs {
        latency: std::time::Duration::ZERO,
        ..sb.knobs()
    })
    .unwrap();
    let out = rollback_bin(&path, &sb, true).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each linked or merged row says what happened to the record it points at.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.contains("merged accounts COMP-1016 → Accounts ")
                && l.ends_with(": deleted with COMP-1005's record")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("linked accounts COMP-1001 → Accounts ")
                && l.ends_with(": existed before the migration: left in Nutshell")),
        "{text}"
    );
    assert!(!text.contains("left alone:"), "{text}");
    assert_eq!(snapshot(&sb), before, "nothing left behind");
    assert_eq!(deleted(&sb) - at_start, created, "each record deleted once");
    // Every planned delete has exactly one outcome, and none was lost track of.
    let journal = Journal::open(&config.state_dir()).unwrap();
    let steps = journal.rollback_steps(1).unwrap();
    assert_eq!(steps.len(), created);
    assert!(
        steps.iter().all(|s| s.state == StepState::Deleted),
        "{:?}",
        steps
            .iter()
            .filter(|s| s.state != StepState::Deleted)
            .collect::<Vec<_>>()
    );
}
