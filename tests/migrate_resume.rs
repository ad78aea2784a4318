//! The real binary killed (SIGKILL) at seeded random points of a load, then resumed: zero
//! duplicates and zero missing against a reference run — also with the sandbox dropping
//! connections after commits, failing requests and throttling. And `--dry-run` writes nothing.
//! (bench/load.sh runs the 20-kill version.)

mod migrate_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crm_migrate::config::Config;
use crm_migrate::journal::{Journal, RecordState};
use crm_migrate::nutshell::{Client, EntityType, Params, methods};
use crm_migrate::sandbox::{Knobs, RunningSandbox, Sandbox, SandboxOptions};
use migrate_support::{KEY_ENV, key, prepare};
use rand::{Rng, SeedableRng, rngs::SmallRng};
use serde_json::Value;

fn migrate(config: &Path, sb: &RunningSandbox, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crm-migrate"));
    c.arg("migrate")
        .arg("--config")
        .arg(config)
        .arg("--yes")
        .args(extra)
        .env(KEY_ENV, key(sb))
        .stdin(Stdio::null());
    c
}

/// Run to the end; the exit code.
fn finish(config: &Path, sb: &RunningSandbox) -> i32 {
    let out = migrate(config, sb, &[]).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        matches!(code, 0 | 4),
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    code
}

/// Records settled (created, linked, merged) in the journal so far; 0 before it exists.
fn settled(state_dir: &Path) -> u64 {
    if !state_dir.join("journal.sqlite").exists() {
        return 0;
    }
    let Ok(j) = Journal::open(state_dir) else {
        return 0;
    };
    j.counts()
        .map(|c| {
            c.iter()
                .filter(|c| c.state.is_settled())
                .map(|c| c.count)
                .sum()
        })
        .unwrap_or(0)
}

/// Start the binary and SIGKILL it once `more` further records have settled (or let it end);
/// `true` when it was killed.
async fn kill_after(config: &Path, state_dir: &Path, sb: &RunningSandbox, more: u64) -> bool {
    let start = settled(state_dir);
    let mut child: Child = migrate(config, sb, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if settled(state_dir) >= start + more {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// What Nutshell holds, by (entity type, RSoft ID): from the legacy-id field on accounts,
/// contacts and leads, from the `… ID:` line on activities and tasks.
async fn census(client: &Client) -> BTreeMap<(String, String), u32> {
    let mut out = BTreeMap::new();
    for t in [
        EntityType::Accounts,
        EntityType::Contacts,
        EntityType::Leads,
        EntityType::Activities,
        EntityType::Tasks,
    ] {
        let find = t.methods().unwrap().find.unwrap();
        for page in 1.. {
            let params = Params::new(find)
                .set(methods::QUERY, serde_json::Map::new())
                .unwrap()
                .set(methods::STUB_RESPONSES, false)
                .unwrap()
                .set(methods::LIMIT, 100)
                .unwrap()
                .set(methods::PAGE, page)
                .unwrap();
            let records: Vec<Value> = client.call(params).await.unwrap();
            if records.is_empty() {
                break;
            }
            for r in records {
                let legacy = r["customFields"]["RSoft ID"].as_str().map(str::to_string);
                let line = ["description", "title", "name"].iter().find_map(|k| {
                    r[*k].as_str().and_then(|text| {
                        text.lines()
                            .find_map(|l| l.split_once("ID: ").map(|(_, id)| id.trim().to_string()))
                    })
                });
                if let Some(id) = legacy.or(line) {
                    *out.entry((t.as_str().to_string(), id)).or_default() += 1;
                }
            }
        }
    }
    out
}

async fn started(knobs: Knobs, seed: u64) -> RunningSandbox {
    Sandbox::start(SandboxOptions {
        knobs,
        seed: Some(seed),
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

async fn kill_and_resume(knobs: Knobs, seed: u64, kills: usize) {
    // The reference: one clean run.
    let reference = started(Knobs::default(), seed).await;
    let ref_dir = tempfile::tempdir().unwrap();
    let (ref_cfg, ref_config) = prepare(ref_dir.path(), &reference, Some("ravi@acme.in")).await;
    assert_eq!(finish(&ref_config, &reference), 0);
    let ref_client =
        crm_migrate::connect::sandbox_client(&reference, &Config::default().load).unwrap();
    let want = census(&ref_client).await;
    let want_creates = reference.stats().creates_committed;
    assert!(
        want.len() > 100,
        "the reference loaded the sample: {}",
        want.len()
    );

    let sb = started(knobs, seed).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let state_dir = config.state_dir();
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut killed = 0;
    for _ in 0..kills {
        killed += usize::from(kill_after(&path, &state_dir, &sb, rng.random_range(1..=60)).await);
    }
    assert!(killed > 0, "no run was killed mid-load");
    // Resume until nothing is left failed (an unknown outcome is retried by lookup).
    let mut code = finish(&path, &sb);
    for _ in 0..3 {
        if code == 0 {
            break;
        }
        code = finish(&path, &sb);
    }
    assert_eq!(code, 0);

    let client = crm_migrate::connect::sandbox_client(&sb, &Config::default().load).unwrap();
    let got = census(&client).await;
    let duplicates: Vec<_> = got.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "duplicates: {duplicates:?}");
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert_eq!(got.len(), want.len());

    // Notes cannot be looked up: an ambiguous one is held for the operator, never re-sent.
    let journal = Journal::open(&state_dir).unwrap();
    let ambiguous_notes = journal
        .holds()
        .unwrap()
        .iter()
        .filter(|h| h.reason.contains("no API call can look notes up"))
        .count() as u64;
    let creates = sb.stats().creates_committed;
    assert!(
        creates <= want_creates,
        "{creates} creates, reference {want_creates}: a duplicate"
    );
    assert!(
        creates + ambiguous_notes >= want_creates,
        "{creates} creates + {ambiguous_notes} held notes < reference {want_creates}: a record is missing"
    );
    let unsettled: u64 = journal
        .counts()
        .unwrap()
        .iter()
        .filter(|c| matches!(c.state, RecordState::Pending | RecordState::Sending))
        .map(|c| c.count)
        .sum();
    assert_eq!(unsettled, 0, "every row ends in a final state");

    // Every create Nutshell committed is owned by the journal as created (so rollback can
    // delete it), none is left unresolved, and the records taken as there before the load are
    // the clean run's: none this migration made (its answer lost to a kill) among them.
    let count = |state_dir: &Path, sql: &str| {
        let db = rusqlite::Connection::open(state_dir.join("journal.sqlite")).unwrap();
        db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64
    };
    assert_eq!(
        count(
            &state_dir,
            "SELECT COUNT(*) FROM entities WHERE state = 'sending'"
        ),
        0,
        "a create left unresolved"
    );
    let existing = "SELECT COUNT(*) FROM dedupe_keys WHERE origin = 'existing'";
    assert_eq!(
        count(&state_dir, existing),
        count(&ref_cfg.state_dir(), existing),
        "a record this migration made was taken as one that existed before"
    );
    let created = "SELECT COUNT(*) FROM entities WHERE state = 'created'";
    let (journaled, reference) = (
        count(&state_dir, created),
        count(&ref_cfg.state_dir(), created),
    );
    assert!(
        journaled <= reference && journaled + ambiguous_notes >= reference,
        "{journaled} creates journaled, the clean run {reference}, {ambiguous_notes} held notes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_and_resumed_loads_match_a_clean_run() {
    kill_and_resume(Knobs::default(), 7, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_and_resumed_under_faults_match_a_clean_run() {
    let knobs = Knobs {
        drop_after_commit_rate: 0.05,
        fault_rate: 0.05,
        throttle_rate: 0.05,
        ..Knobs::default()
    };
    kill_and_resume(knobs, 11, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_writes_nothing_and_lists_every_blocker() {
    let sb = started(Knobs::default(), 3).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = prepare(dir.path(), &sb, None).await;
    let out = migrate(&path, &sb, &["--dry-run"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("Deepak Rao"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("dry run (nothing was written)"), "{stdout}");
    assert!(
        stdout.contains("DEAL-4014"),
        "the orphan deal is reported held: {stdout}"
    );
    assert_eq!(sb.stats().creates_committed, 0, "a dry run creates nothing");
    assert!(!dir.path().join("state").join("journal.sqlite").exists());
}

/// An ambiguous create is first looked up through the REST filter on the legacy-id field: a
/// contact whose create answer was lost is found though its body gives no name or email to
/// search by and 50 newer contacts hide it from the newest-first scan.
#[tokio::test]
async fn an_ambiguous_create_is_found_by_the_legacy_id_filter() {
    use crm_migrate::engine::load_send::Sender;
    use serde_json::json;
    let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = crm_migrate::connect::sandbox_client(&sb, &Config::default().load).unwrap();
    client
        .create_custom_field(EntityType::Contacts, "RSoft ID", "Text")
        .await
        .unwrap();
    let c = &methods::CONTACTS;
    let new_contact = |name: String, legacy: &str| {
        Params::new(c.new)
            .set(
                "contact",
                json!({"name": name, "customFields": {"RSoft ID": legacy}}),
            )
            .unwrap()
    };
    let made: Value = client
        .call(new_contact("Lost Answer".into(), "CONT-7001"))
        .await
        .unwrap();
    for n in 0..50 {
        let _: Value = client
            .call(new_contact(format!("Newer {n}"), &format!("CONT-8{n:03}")))
            .await
            .unwrap();
    }
    let sender = Sender::Live(client);
    let sent = json!({"contact": {"customFields": {"RSoft ID": "CONT-7001"}}});
    // The intent's time a day ahead: the newest-first scan stops at its first page.
    let since = chrono::Utc::now() + chrono::Duration::days(1);
    let found = sender
        .find_made(EntityType::Contacts, &sent, "RSoft ID", "CONT-7001", since)
        .await
        .unwrap()
        .expect("found by the REST filter");
    assert_eq!(Some(found.id), made["id"].as_i64());
    let missing = sender
        .find_made(EntityType::Contacts, &sent, "RSoft ID", "CONT-7002", since)
        .await
        .unwrap();
    assert_eq!(missing, None);
}
