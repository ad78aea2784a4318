//! Holds against the sandbox over loopback HTTP: a row held for its parent is built again by
//! the next run and loads in it once the parent has (trial 8), and a parent someone deleted in
//! Nutshell after it was loaded holds the rows that link to it, naming the cause, instead of
//! sending them with an id Nutshell refuses (trial 6).

mod migrate_support;

use std::path::Path;
use std::process::{Command, Stdio};

use crm_migrate::config::Config;
use crm_migrate::engine::load::{MigrateOptions, RunSummary};
use crm_migrate::journal::{Journal, Phase, RecordState, Resolution};
use crm_migrate::nutshell::{EntityType, Params, methods};
use crm_migrate::sandbox::{RecordKind, RunningSandbox};
use migrate_support::{KEY_ENV, SAMPLE, config_for, copy_dir, finished_run, key, prepare, sandbox};
use serde_json::Value;

const COMPANIES_FILE: &str = "Companies.csv";
const CONTACTS_FILE: &str = "contacts_export_2026-11-20.csv";
/// The company whose email is broken, then fixed (trial 8), or deleted in Nutshell (trial 6).
const COMPANY: &str = "COMP-1003";
const GOOD_EMAIL: &str = "sales@tridentpharma.in";
const BAD_EMAIL: &str = "sales@tridentpharma..in";
/// The sample's contacts and deal that link to COMPANY by its RSoft ID.
const CONTACTS: [&str; 2] = ["CONT-2005", "CONT-2031"];
const DEAL: &str = "DEAL-4011";
/// A contact a delta adds for COMPANY.
const ADDED: &str = "CONT-2998";

/// Replace `from` by `to` once in `file`, as bytes (the sample's files are not all UTF-8).
fn edit_file(file: &Path, from: &str, to: &str) {
    let bytes = std::fs::read(file).unwrap();
    let at = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from:?} is not in {}", file.display()));
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(to.as_bytes());
    out.extend_from_slice(&bytes[at + from.len()..]);
    std::fs::write(file, out).unwrap();
}

fn state(config: &Config, phase: Phase, id: &str) -> RecordState {
    Journal::open(&config.state_dir())
        .unwrap()
        .record(phase, id)
        .unwrap()
        .unwrap_or_else(|| panic!("{id} is not in the journal"))
        .state
}

fn nutshell_id(config: &Config, phase: Phase, id: &str, entity_type: EntityType) -> i64 {
    match Journal::open(&config.state_dir())
        .unwrap()
        .resolve(phase, id, entity_type)
        .unwrap()
    {
        Resolution::Id(n) => n,
        other => panic!("{id}: {other:?}"),
    }
}

fn hold_of(summary: &RunSummary, phase: Phase, id: &str) -> Option<String> {
    summary
        .holds
        .iter()
        .find(|h| h.phase == phase && h.rsoft_id == id)
        .map(|h| h.reason.clone())
}

/// The Nutshell record the sandbox holds with `id`, deleted ones too.
fn record(sb: &RunningSandbox, kind: RecordKind, id: i64) -> Value {
    sb.records(kind)
        .into_iter()
        .find(|r| r["id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("{kind:?} {id} is not in the sandbox"))
}

/// The account ids a contact's `accounts` links name.
fn account_links(contact: &Value) -> Vec<i64> {
    contact["accounts"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["id"].as_i64()).collect())
        .unwrap_or_default()
}

fn verify_stdout(path: &Path, sb: &RunningSandbox) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["verify", "--config"])
        .arg(path)
        .env(KEY_ENV, key(sb))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Trial 8: a company fails (a bad email), so its contacts and deal are held. The operator
/// fixes the email and runs migrate again, without `--release-holds`: the company is created,
/// and its contacts and deal load in that same run, linked to it. No reason ever says the
/// company failed once the journal has it loaded, a hold whose cause remains (the sample's
/// orphan deal) stays held with a true reason, and verify does not call a migration with held
/// rows verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_loads_the_rows_held_for_a_parent_that_loaded() {
    let (sb, _client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, sample_config) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let broken = dir.path().join("broken-export");
    copy_dir(Path::new(SAMPLE), &broken);
    edit_file(&broken.join(COMPANIES_FILE), GOOD_EMAIL, BAD_EMAIL);

    let (config, path) = config_for(&sample_config, &broken);
    let first = finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    assert_eq!(
        state(&config, Phase::Accounts, COMPANY),
        RecordState::Failed
    );
    for id in CONTACTS {
        assert_eq!(
            state(&config, Phase::Contacts, id),
            RecordState::Held,
            "{id}"
        );
        let reason = hold_of(&first, Phase::Contacts, id).unwrap();
        assert!(
            reason.contains(&format!(
                "its company is not loaded: companies {COMPANY} failed to load"
            )),
            "{reason}"
        );
        assert!(!reason.contains("is held: companies"), "{reason}");
    }
    assert_eq!(state(&config, Phase::Deals, DEAL), RecordState::Held);

    // The operator fixes the email (the sample as it is) and runs migrate again.
    let (config, path) = config_for(&sample_config, Path::new(SAMPLE));
    let second = finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    assert_eq!(second.failed, 0, "{second:#?}");
    // Created, or merged into the sample's other row of the same firm, which loaded first.
    assert!(state(&config, Phase::Accounts, COMPANY).is_settled());
    let account = nutshell_id(&config, Phase::Accounts, COMPANY, EntityType::Accounts);
    for id in CONTACTS {
        assert_eq!(
            state(&config, Phase::Contacts, id),
            RecordState::Created,
            "{id}"
        );
        let contact = nutshell_id(&config, Phase::Contacts, id, EntityType::Contacts);
        let links = account_links(&record(&sb, RecordKind::Contacts, contact));
        assert_eq!(
            links,
            [account],
            "{id} links to the company created before it"
        );
    }
    assert_eq!(state(&config, Phase::Deals, DEAL), RecordState::Created);
    assert_eq!(second.phases[&Phase::Contacts].created, 2, "{second:#?}");
    assert_eq!(second.phases[&Phase::Deals].created, 1, "{second:#?}");
    for h in &second.holds {
        assert!(!h.reason.contains(COMPANY), "{h:?}");
        assert!(!h.reason.contains("failed to load"), "{h:?}");
    }
    // The orphan deal's cause is still there: held again, for what it waits for.
    assert!(
        second.holds.iter().any(|h| h.phase == Phase::Deals
            && h.reason
                .contains("no company with this RSoft ID has been loaded")),
        "{:#?}",
        second.holds
    );
    let outcomes = std::fs::read_to_string(second.outcomes_file.as_ref().unwrap()).unwrap();
    assert!(!outcomes.contains("failed to load"), "{outcomes}");
    let stdout = verify_stdout(&path, &sb);
    assert!(!stdout.contains("verified:"), "{stdout}");
    assert!(stdout.contains("row(s) are held"), "{stdout}");
}

/// Trial 6: after a full load someone deletes an account in Nutshell, and the export gains a
/// contact of that company. The delta does not count the account unchanged nor send the
/// contact with the deleted account's id: the account is held for the operator, saying it
/// is gone from Nutshell, and the contact is held naming that cause. `--release-holds` then
/// creates the account again and the contact loads, linked to it, in the same run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_deleted_in_nutshell_holds_its_children_with_the_cause() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let first = finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    assert_eq!(first.failed, 0, "{first:#?}");
    let deleted = nutshell_id(&config, Phase::Accounts, COMPANY, EntityType::Accounts);

    // Someone deletes the account in Nutshell.
    let a = &methods::ACCOUNTS;
    let current: Value = client
        .call(Params::new(a.get).set(a.id_param, deleted).unwrap())
        .await
        .unwrap();
    let rev = current["rev"].as_str().unwrap().to_string();
    let _: Value = client
        .call(
            Params::new(a.delete)
                .set(a.id_param, deleted)
                .unwrap()
                .set(methods::REV, rev)
                .unwrap(),
        )
        .await
        .unwrap();

    // The export gains a contact of that company.
    let export = dir.path().join("fresh-export");
    copy_dir(Path::new(SAMPLE), &export);
    let file = export.join(CONTACTS_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{},", CONTACTS[1])))
        .unwrap()
        .to_string();
    let added = line
        .replacen(CONTACTS[1], ADDED, 1)
        .replace("karthik.dsouza@", "meera.dsouza@")
        .replacen(",Karthik,", ",Meera,", 1);
    assert_ne!(added, line);
    edit_file(&file, &line, &format!("{line}\n{added}"));
    let (config, path) = config_for(&path, &export);
    let contacts_before = sb.live_count(RecordKind::Contacts);

    let delta = finished_run(
        &config,
        &path,
        &sb,
        &MigrateOptions {
            delta: true,
            ..MigrateOptions::default()
        },
    )
    .await;
    assert_eq!(delta.failed, 0, "{delta:#?}");
    let accounts = delta.phases[&Phase::Accounts];
    assert_eq!((accounts.held, accounts.unchanged), (1, 24), "{accounts:?}");
    let reason = hold_of(&delta, Phase::Accounts, COMPANY).unwrap();
    for part in [
        format!("Accounts {deleted}"),
        "no longer exists in Nutshell".to_string(),
        "--release-holds".to_string(),
    ] {
        assert!(reason.contains(&part), "{part:?} missing from: {reason}");
    }
    assert_eq!(state(&config, Phase::Contacts, ADDED), RecordState::Held);
    let reason = hold_of(&delta, Phase::Contacts, ADDED).unwrap();
    for part in [
        format!("companies {COMPANY} is held"),
        format!("Accounts {deleted}"),
        "no longer exists in Nutshell".to_string(),
        "--release-holds".to_string(),
    ] {
        assert!(reason.contains(&part), "{part:?} missing from: {reason}");
    }
    assert_eq!(sb.live_count(RecordKind::Contacts), contacts_before);

    // The operator wants the account back.
    let again = finished_run(
        &config,
        &path,
        &sb,
        &MigrateOptions {
            release_holds: true,
            ..MigrateOptions::default()
        },
    )
    .await;
    assert_eq!(again.failed, 0, "{again:#?}");
    assert_eq!(
        state(&config, Phase::Accounts, COMPANY),
        RecordState::Created
    );
    let account = nutshell_id(&config, Phase::Accounts, COMPANY, EntityType::Accounts);
    assert_ne!(account, deleted);
    assert_eq!(state(&config, Phase::Contacts, ADDED), RecordState::Created);
    let contact = nutshell_id(&config, Phase::Contacts, ADDED, EntityType::Contacts);
    assert_eq!(
        account_links(&record(&sb, RecordKind::Contacts, contact)),
        [account]
    );
}
