//! A merged row's values reach Nutshell ("nothing lost"): a company row that is the same company
//! as an earlier row, or a contact row sharing an email with an earlier one, adds its emails,
//! phones, urls, addresses and tags to the record the earlier row created, by an additive edit;
//! its differing single-value fields are named, not sent. The journal records that write, so
//! rollback still deletes the record and a killed load carries the row once on resume; verify
//! checks the carried values are on the record.

mod migrate_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crm_migrate::config::Config;
use crm_migrate::engine::event::{Event, Events, RecordOutcome};
use crm_migrate::engine::load::{MigrateOptions, MigrateOutcome, RunSummary, migrate};
use crm_migrate::engine::rollback::{Scope, rollback};
use crm_migrate::engine::verify::{Finding, VerifyOptions, verify};
use crm_migrate::journal::{EntityState, Journal, Phase, RecordState, StepState};
use crm_migrate::nutshell::{Client, EntityType, NutshellError, Params, loose, methods};
use crm_migrate::sandbox::{Knobs, RecordKind, RunningSandbox, Sandbox, SandboxOptions};
use migrate_support::{KEY_ENV, SAMPLE, config_for, copy_dir, key, prepare, sandbox};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// One library `migrate` that must finish: its summary and every record outcome, by RSoft ID.
async fn run(
    config: &Config,
    path: &Path,
    sb: &RunningSandbox,
) -> (RunSummary, Vec<(String, RecordOutcome)>) {
    run_with(config, path, sb, &MigrateOptions::default()).await
}

/// [`run`] with `options`.
async fn run_with(
    config: &Config,
    path: &Path,
    sb: &RunningSandbox,
    options: &MigrateOptions,
) -> (RunSummary, Vec<(String, RecordOutcome)>) {
    let client = crm_migrate::connect::sandbox_client(sb, &config.load).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let out = migrate(
        config,
        path,
        client,
        options,
        Events::new(tx),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let MigrateOutcome::Finished(summary) = out else {
        panic!("{out:?}");
    };
    let mut outcomes = Vec::new();
    while let Ok(event) = rx.try_recv() {
        if let Event::Record {
            rsoft_id, outcome, ..
        } = event
        {
            outcomes.push((rsoft_id, outcome));
        }
    }
    (summary, outcomes)
}

fn outcome_of<'a>(outcomes: &'a [(String, RecordOutcome)], id: &str) -> &'a RecordOutcome {
    &outcomes
        .iter()
        .find(|(r, _)| r == id)
        .unwrap_or_else(|| panic!("no outcome for {id}"))
        .1
}

/// The Nutshell id of the entity `rsoft_id` of `phase` owns, and how it owns it.
fn entity(journal: &Journal, phase: Phase, rsoft_id: &str) -> (EntityState, i64) {
    let e = journal.entities(phase, rsoft_id).unwrap();
    (e[0].state, e[0].nutshell_id.unwrap())
}

async fn get(client: &Client, entity_type: EntityType, id: i64) -> Result<Value, NutshellError> {
    let m = entity_type.methods().unwrap();
    client
        .call(Params::new(m.get).set(m.id_param, id).unwrap())
        .await
}

/// Digits of every phone of a record (each rendered as an object, as live Nutshell does), and
/// its emails lower-cased.
fn phones_and_emails(record: &Value) -> (Vec<String>, Vec<String>) {
    let values = |key: &str| -> Vec<String> {
        match &record[key] {
            Value::Array(a) => a.iter().filter_map(loose::phone_text).collect(),
            Value::Object(o) => o
                .iter()
                .filter(|(k, _)| !k.starts_with("--"))
                .filter_map(|(_, v)| loose::phone_text(v))
                .collect(),
            _ => Vec::new(),
        }
    };
    let phones = values("phone")
        .iter()
        .map(|p| p.chars().filter(char::is_ascii_digit).collect())
        .collect();
    let emails = values("email").iter().map(|e| e.to_lowercase()).collect();
    (phones, emails)
}

/// The account COMP-1005 created, as Nutshell has it: COMP-1016 is merged into it, and its
/// phone 011-2648 4451 and email contact@guptasons.com are on it.
async fn gupta_account(journal: &Journal, client: &Client) -> (i64, Value) {
    let (first_state, account) = entity(journal, Phase::Accounts, "COMP-1005");
    assert_eq!(first_state, EntityState::Created);
    assert_eq!(
        entity(journal, Phase::Accounts, "COMP-1016"),
        (EntityState::Merged, account)
    );
    let record = get(client, EntityType::Accounts, account).await.unwrap();
    let (phones, emails) = phones_and_emails(&record);
    assert!(
        phones.iter().any(|p| p.ends_with("1126484451")),
        "{record:#}"
    );
    assert!(
        emails.contains(&"contact@guptasons.com".to_string()),
        "{record:#}"
    );
    (account, record)
}

/// Roll back every run of the migration `config` names; nothing may be kept as edited by a
/// person. The summary.
async fn rollback_all(
    config: &Config,
    sb: &RunningSandbox,
) -> crm_migrate::engine::rollback::RollbackSummary {
    let mut journal = Journal::open(&config.state_dir()).unwrap();
    let client = crm_migrate::connect::sandbox_client(sb, &config.load).unwrap();
    let summary = rollback(
        &mut journal,
        client,
        &config.migration.legacy_id_field,
        Scope::All,
        Events::none(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(summary.kept.is_empty(), "{:?}", summary.kept);
    summary
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_companys_values_reach_its_account_and_rollback_still_deletes_it() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let before = sb.records(RecordKind::Accounts);
    let (summary, outcomes) = run(&config, &path, &sb).await;
    assert_eq!(summary.failed, 0);
    let accounts = summary.phases[&Phase::Accounts];
    assert_eq!(
        (accounts.created, accounts.linked, accounts.merged),
        (22, 2, 1),
        "{accounts:?}"
    );

    let journal = Journal::open(&config.state_dir()).unwrap();
    let (account, record) = gupta_account(&journal, &client).await;
    let (phones, emails) = phones_and_emails(&record);
    // Beside COMP-1005's own.
    assert!(
        phones.iter().any(|p| p.ends_with("1163736011")),
        "{record:#}"
    );
    assert!(
        emails.contains(&"sales@guptasons.com".to_string()),
        "{record:#}"
    );
    let text = record.to_string();
    assert!(
        text.contains("Brigade Road") && text.contains("Nehru Nagar"),
        "{record:#}"
    );
    assert!(text.contains("key account"), "{record:#}");
    // Single values stay the first row's: its GST number, not COMP-1016's.
    assert!(
        text.contains("07WSWCM7281T1ZW") && !text.contains("07AWZCZ9573G1Z7"),
        "{record:#}"
    );

    // The outcome says what was added, and names what was not sent.
    let RecordOutcome::Merged {
        into,
        added,
        not_sent,
    } = outcome_of(&outcomes, "COMP-1016")
    else {
        panic!("{:?}", outcome_of(&outcomes, "COMP-1016"));
    };
    assert!(into.starts_with(&format!("Accounts {account} ")), "{into}");
    assert!(
        added.iter().any(|a| a == "email contact@guptasons.com"),
        "{added:?}"
    );
    assert!(
        added
            .iter()
            .any(|a| a.starts_with("phone ") && a.ends_with("26484451")),
        "{added:?}"
    );
    assert!(
        !added.iter().any(|a| a.contains("sales@guptasons.com")),
        "a value the record has is not added again: {added:?}"
    );
    let gst = not_sent
        .iter()
        .find(|n| n.contains("GST Number"))
        .unwrap_or_else(|| panic!("{not_sent:?}"));
    assert!(
        gst.starts_with("kept COMP-1005's customFields.GST Number \"07WSWCM7281T1ZW\"")
            && gst.ends_with("COMP-1016's \"07AWZCZ9573G1Z7\" not sent"),
        "{gst}"
    );
    assert!(not_sent.iter().any(|n| n.contains("owner")), "{not_sent:?}");
    assert!(
        !not_sent.iter().any(|n| n.contains("RSoft ID")),
        "the legacy id always differs and is not named: {not_sent:?}"
    );
    // A linked row: the pre-existing account is not edited; what it lacks is listed.
    let RecordOutcome::Linked { to, not_sent } = outcome_of(&outcomes, "COMP-1008") else {
        panic!("{:?}", outcome_of(&outcomes, "COMP-1008"));
    };
    // Linked by its name only (design §2): the outcome says nothing else backs it.
    assert!(
        to.contains("(same company name") && to.contains("by name alone"),
        "{to}"
    );
    assert!(
        !not_sent.is_empty(),
        "COMP-1008's values the record lacks are listed"
    );
    let (linked_state, sharma) = entity(&journal, Phase::Accounts, "COMP-1008");
    assert_eq!(linked_state, EntityState::Linked);
    let was = before.iter().find(|r| r["id"] == sharma).unwrap();
    let sharma = get(&client, EntityType::Accounts, sharma).await.unwrap();
    assert_eq!(
        sharma["rev"], was["rev"],
        "the record that was there before is not edited: {sharma:#}"
    );

    // The report's merges name it too (the journal keeps the note).
    let left = journal.left_alone(&[summary.run.unwrap()]).unwrap();
    let note = left
        .iter()
        .find(|l| l.rsoft_id == "COMP-1016")
        .and_then(|l| l.note.clone())
        .unwrap();
    assert!(
        note.contains("added to it: ") && note.contains("contact@guptasons.com"),
        "{note}"
    );

    // A re-run carries nothing again.
    let rev = record["rev"].clone();
    let (again, _) = run(&config, &path, &sb).await;
    assert_eq!(again.phases[&Phase::Accounts].already_done, 25);
    let record = get(&client, EntityType::Accounts, account).await.unwrap();
    assert_eq!(record["rev"], rev);

    // verify: no drift, and the merged row's values checked on the account.
    let options = VerifyOptions {
        spot_check: 1000,
        seed: Some(3),
    };
    let report = verify(&config, &client, &journal, options).await.unwrap();
    let findings: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
    assert!(report.ok(), "{}", findings.join("\n"));
    assert_eq!(report.merged_checked.get(&Phase::Accounts), Some(&1));

    // rollback: the account the migration created and edited is deleted, not "edited by a
    // person"; nothing is kept.
    drop(journal);
    let summary = rollback_all(&config, &sb).await;
    assert_eq!(summary.count(StepState::Gone), 0);
    assert!(matches!(
        get(&client, EntityType::Accounts, account).await,
        Err(NutshellError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_a_carried_value_taken_off_the_record() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    run(&config, &path, &sb).await;
    let journal = Journal::open(&config.state_dir()).unwrap();
    let (_, account) = entity(&journal, Phase::Accounts, "COMP-1005");
    let record = get(&client, EntityType::Accounts, account).await.unwrap();
    // By hand: the account's phones put back to COMP-1005's only.
    let edit = Params::new(methods::ACCOUNTS.edit.unwrap())
        .set("accountId", account)
        .unwrap()
        .set(methods::REV, record["rev"].clone())
        .unwrap()
        .set("account", json!({"phone": ["+911163736011"]}))
        .unwrap();
    let _: Value = client.call(edit).await.unwrap();
    let options = VerifyOptions {
        spot_check: 1000,
        seed: Some(3),
    };
    let report = verify(&config, &client, &journal, options).await.unwrap();
    let merged: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f, Finding::Differs { rsoft_id, field, .. } if rsoft_id == "COMP-1016" && field == "phone"))
        .collect();
    assert_eq!(merged.len(), 1, "{:?}", report.findings);
}

/// A copy of the sample export with `extra` appended to its contacts file.
fn sample_with_contact(dir: &Path, extra: &str) -> PathBuf {
    let to = dir.join("export");
    std::fs::create_dir(&to).unwrap();
    for f in std::fs::read_dir(migrate_support::SAMPLE).unwrap() {
        let f = f.unwrap().path();
        if f.is_dir() {
            continue;
        }
        let name = f.file_name().unwrap().to_owned();
        let mut bytes = std::fs::read(&f).unwrap();
        if name.to_string_lossy().starts_with("contacts_export") {
            if !bytes.ends_with(b"\n") {
                bytes.extend(b"\r\n");
            }
            bytes.extend(extra.as_bytes());
        }
        std::fs::write(to.join(name), bytes).unwrap();
    }
    to
}

/// CONT-2001's email (in other case), another phone, job title and tag.
const SAME_EMAIL: &str = "CONT-2999,Lakshmi,D'Souza,Lakshmi.DSouza47@gmail.com,9820012345,,Director,\
                          COMP-1011,D’Souza Interiors,Customer,ravi@acme.in,vip,Mumbai,Maharashtra,India,\
                          18/05/2024 06:03 PM,06/08/2024 08:03 PM,,ECBPK8819T,West,OEM,REF-8104,Marathi\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_sharing_an_email_adds_its_phone_to_the_first_contact() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    config.source.export = Some(sample_with_contact(dir.path(), SAME_EMAIL));
    let (summary, outcomes) = run(&config, &path, &sb).await;
    assert_eq!(summary.failed, 0);
    assert_eq!(summary.phases[&Phase::Contacts].merged, 1);
    let journal = Journal::open(&config.state_dir()).unwrap();
    let (_, contact) = entity(&journal, Phase::Contacts, "CONT-2001");
    assert_eq!(
        entity(&journal, Phase::Contacts, "CONT-2999"),
        (EntityState::Merged, contact)
    );
    let record = get(&client, EntityType::Contacts, contact).await.unwrap();
    let (phones, emails) = phones_and_emails(&record);
    assert!(
        phones.iter().any(|p| p.ends_with("9820012345")),
        "{record:#}"
    );
    assert!(
        phones.iter().any(|p| p.ends_with("8109359063")),
        "{record:#}"
    );
    assert_eq!(
        emails,
        ["lakshmi.dsouza47@gmail.com"],
        "one email, not two: {record:#}"
    );
    assert_eq!(record["jobTitle"], "Operations Manager", "{record:#}");
    let RecordOutcome::Merged { not_sent, .. } = outcome_of(&outcomes, "CONT-2999") else {
        panic!("{:?}", outcome_of(&outcomes, "CONT-2999"));
    };
    assert!(
        not_sent.iter().any(|n| n
            == "kept CONT-2001's jobTitle \"Operations Manager\"; CONT-2999's \"Director\" not sent"),
        "{not_sent:?}"
    );
}

/// Two people whose only email is their firm's shared inbox (trial 9: `info@` made them one).
const SHARED_INBOX: &str = "CONT-2997,Meera,Iyer,info@iyerdesigns.in,9820011111,,Partner,\
                            COMP-1011,D’Souza Interiors,Customer,ravi@acme.in,,Mumbai,Maharashtra,India,\
                            18/05/2024 06:03 PM,06/08/2024 08:03 PM,,,West,OEM,,Tamil\r\n\
                            CONT-2998,Arjun,Iyer,INFO@iyerdesigns.in,9820022222,,Partner,\
                            COMP-1011,D’Souza Interiors,Customer,ravi@acme.in,,Mumbai,Maharashtra,India,\
                            18/05/2024 06:03 PM,06/08/2024 08:03 PM,,,West,OEM,,Tamil\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sharing_a_role_mailbox_stay_two_contacts() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    config.source.export = Some(sample_with_contact(dir.path(), SHARED_INBOX));
    let (summary, outcomes) = run(&config, &path, &sb).await;
    assert_eq!(summary.failed, 0);
    assert_eq!(summary.phases[&Phase::Contacts].merged, 0);
    let journal = Journal::open(&config.state_dir()).unwrap();
    let (meera_state, meera) = entity(&journal, Phase::Contacts, "CONT-2997");
    let (arjun_state, arjun) = entity(&journal, Phase::Contacts, "CONT-2998");
    assert_eq!(
        (meera_state, arjun_state),
        (EntityState::Created, EntityState::Created)
    );
    assert_ne!(meera, arjun);
    for id in ["CONT-2997", "CONT-2998"] {
        assert!(
            matches!(outcome_of(&outcomes, id), RecordOutcome::Created { .. }),
            "{id}: {:?}",
            outcome_of(&outcomes, id)
        );
    }
    let record = get(&client, EntityType::Contacts, arjun).await.unwrap();
    assert_eq!(
        phones_and_emails(&record).1,
        ["info@iyerdesigns.in"],
        "{record:#}"
    );
}

fn migrate_binary(config: &Path, sb: &RunningSandbox) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crm-migrate"));
    c.arg("migrate")
        .arg("--config")
        .arg(config)
        .arg("--yes")
        .env(KEY_ENV, key(sb))
        .stdin(Stdio::null());
    c
}

/// COMP-1016's ledger state, when its merge is journaled (its merged entity written).
fn merge_journaled(state_dir: &Path) -> Option<String> {
    let db = rusqlite::Connection::open(state_dir.join("journal.sqlite")).ok()?;
    db.query_row(
        "SELECT l.state FROM ledger l JOIN entities e ON e.ledger_id = l.id
         WHERE l.phase = 'accounts' AND l.rsoft_id = 'COMP-1016' AND e.state = 'merged'",
        [],
        |r| r.get(0),
    )
    .ok()
}

/// The account's rev as the journal has it (COMP-1005's created entity).
fn journaled_rev(state_dir: &Path) -> String {
    let db = rusqlite::Connection::open(state_dir.join("journal.sqlite")).unwrap();
    db.query_row(
        "SELECT e.rev FROM ledger l JOIN entities e ON e.ledger_id = l.id
         WHERE l.phase = 'accounts' AND l.rsoft_id = 'COMP-1005' AND e.state = 'created'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The real binary killed (SIGKILL) once COMP-1016's merge is journaled and before its carry's
/// outcome is: the next run adds its values with one edit (the account's rev moves by one from
/// its create), settles it merged, and rollback deletes the account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_killed_between_the_merge_and_its_edit_carries_once_on_resume() {
    let sb = Sandbox::start(SandboxOptions {
        knobs: Knobs {
            latency: Duration::from_millis(150),
            ..Knobs::default()
        },
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let state_dir = config.state_dir();
    let mut child = migrate_binary(&path, &sb)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut killed_pending = false;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if merge_journaled(&state_dir).as_deref() == Some(RecordState::Pending.as_str()) {
            child.kill().unwrap();
            child.wait().unwrap();
            killed_pending = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(
        killed_pending,
        "the load was not caught between the merge and its edit"
    );
    let created_rev: u64 = journaled_rev(&state_dir).parse().unwrap();

    sb.set_knobs(Knobs::default()).unwrap();
    let out = migrate_binary(&path, &sb).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let journal = Journal::open(&state_dir).unwrap();
    assert_eq!(
        journal
            .record(Phase::Accounts, "COMP-1016")
            .unwrap()
            .unwrap()
            .state,
        RecordState::Merged
    );
    let client = crm_migrate::connect::sandbox_client(&sb, &config.load).unwrap();
    let (account, record) = gupta_account(&journal, &client).await;
    assert_eq!(
        record["rev"].as_str().unwrap().parse::<u64>().unwrap(),
        created_rev + 1,
        "one edit of the account since its create: {record:#}"
    );

    drop(journal);
    rollback_all(&config, &sb).await;
    assert!(matches!(
        get(&client, EntityType::Accounts, account).await,
        Err(NutshellError::NotFound { .. })
    ));
}

/// A run killed after the carry's edit landed in Nutshell but before its outcome was journaled
/// (the journal put back to that point: COMP-1016 pending, the account's write time that of its
/// create): the next run finds nothing lacking, sends no second edit, settles the row merged and
/// records the migration's write, so rollback deletes the account instead of keeping it as
/// "edited by a person".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_that_landed_before_a_kill_is_not_sent_again_and_stays_the_migrations() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    run(&config, &path, &sb).await;
    let state_dir = config.state_dir();
    let journal = Journal::open(&state_dir).unwrap();
    let (_, account) = entity(&journal, Phase::Accounts, "COMP-1005");
    drop(journal);
    {
        let db = rusqlite::Connection::open(state_dir.join("journal.sqlite")).unwrap();
        db.execute_batch(
            "UPDATE ledger SET state = 'pending', note = NULL
               WHERE phase = 'accounts' AND rsoft_id = 'COMP-1016';
             UPDATE entities SET at = '2000-01-01T00:00:00.000Z'
               WHERE state = 'created' AND ledger_id =
                 (SELECT id FROM ledger WHERE phase = 'accounts' AND rsoft_id = 'COMP-1005');
             UPDATE runs SET finished_at = NULL, outcome = NULL;",
        )
        .unwrap();
    }
    let rev = get(&client, EntityType::Accounts, account).await.unwrap()["rev"].clone();
    let (summary, outcomes) = run(&config, &path, &sb).await;
    assert_eq!(summary.phases[&Phase::Accounts].merged, 1);
    let RecordOutcome::Merged { added, .. } = outcome_of(&outcomes, "COMP-1016") else {
        panic!("{:?}", outcome_of(&outcomes, "COMP-1016"));
    };
    assert!(added.is_empty(), "nothing lacking: {added:?}");
    assert_eq!(
        get(&client, EntityType::Accounts, account).await.unwrap()["rev"],
        rev,
        "no second edit"
    );
    rollback_all(&config, &sb).await;
    assert!(matches!(
        get(&client, EntityType::Accounts, account).await,
        Err(NutshellError::NotFound { .. })
    ));
}

/// A delta where COMP-1016 (merged into COMP-1005's account by the first run) changed its phone:
/// the new phone is added to that account, as the first run's carry added its values, the old
/// ones stay, and the row is reported merged with what was added, not "kept". A second delta
/// finds it unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_carries_a_changed_merged_rows_new_values() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, sample_path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    run(&config, &sample_path, &sb).await;

    let export = dir.path().join("export");
    copy_dir(Path::new(SAMPLE), &export);
    let file = export.join("Companies.csv");
    let bytes = std::fs::read(&file).unwrap();
    let old = b"COMP-1016,Gupta & Sons,Metals,www.guptasons.com,011-2648 4451,";
    let new = b"COMP-1016,Gupta & Sons,Metals,www.guptasons.com,011-2648 9999,";
    let at = bytes.windows(old.len()).position(|w| w == old).unwrap();
    let mut changed = bytes[..at].to_vec();
    changed.extend_from_slice(new);
    changed.extend_from_slice(&bytes[at + old.len()..]);
    std::fs::write(&file, changed).unwrap();
    let (config, path) = config_for(&sample_path, &export);

    let delta = MigrateOptions {
        delta: true,
        ..MigrateOptions::default()
    };
    let (summary, outcomes) = run_with(&config, &path, &sb, &delta).await;
    assert_eq!(summary.phases[&Phase::Accounts].kept, 0, "{summary:?}");
    let RecordOutcome::Merged { added, .. } = outcome_of(&outcomes, "COMP-1016") else {
        panic!("{:?}", outcome_of(&outcomes, "COMP-1016"));
    };
    assert!(added.iter().any(|a| a.contains("1126489999")), "{added:?}");
    let journal = Journal::open(&config.state_dir()).unwrap();
    let (_, record) = gupta_account(&journal, &client).await;
    let (phones, _) = phones_and_emails(&record);
    assert!(
        phones.iter().any(|p| p.ends_with("1126489999")),
        "the new phone is on the account: {record:#}"
    );
    drop(journal);

    let (_, again) = run_with(&config, &path, &sb, &delta).await;
    assert!(
        matches!(outcome_of(&again, "COMP-1016"), RecordOutcome::Unchanged),
        "{:?}",
        outcome_of(&again, "COMP-1016")
    );
}

/// `rollback --run 2` of a run that only merged COMP-1016's values into the account run 1 made
/// for COMP-1005 is refused, naming the row, the record and the values it added (rolling back
/// run 2 alone would delete nothing and leave them); nothing is deleted. `--all` then removes
/// the account with them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_back_a_run_that_added_values_to_an_earlier_runs_record_is_refused() {
    use crm_migrate::engine::rollback::{RollbackError, plan};
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, sample_path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    // Run 1 without COMP-1016's row.
    let export = dir.path().join("export");
    copy_dir(Path::new(SAMPLE), &export);
    let file = export.join("Companies.csv");
    let sample_bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8_lossy(&sample_bytes).into_owned();
    assert!(text.contains("\nCOMP-1016,"));
    let without: Vec<u8> = sample_bytes
        .split_inclusive(|b| *b == b'\n')
        .filter(|line| !line.starts_with(b"COMP-1016,"))
        .flatten()
        .copied()
        .collect();
    std::fs::write(&file, without).unwrap();
    let (config1, path1) = config_for(&sample_path, &export);
    let (first, _) = run(&config1, &path1, &sb).await;
    assert_eq!(first.run, Some(1));
    // Run 2 with it: it merges into COMP-1005's account and adds its values.
    std::fs::write(&file, &sample_bytes).unwrap();
    let (second, outcomes) = run(&config1, &path1, &sb).await;
    assert_eq!(second.run, Some(2));
    assert!(
        matches!(outcome_of(&outcomes, "COMP-1016"), RecordOutcome::Merged { added, .. } if !added.is_empty()),
        "{:?}",
        outcome_of(&outcomes, "COMP-1016")
    );
    let journal = Journal::open(&config.state_dir()).unwrap();
    let (_, account) = entity(&journal, Phase::Accounts, "COMP-1005");
    let err = plan(&journal, Scope::Run(2)).unwrap_err();
    let RollbackError::AddedToOthers { run, count, listed } = &err else {
        panic!("{err}");
    };
    assert_eq!((*run, *count), (2, 1));
    assert!(
        listed.starts_with(&format!("COMP-1016 → Accounts {account} (added to it: "))
            && listed.contains("contact@guptasons.com"),
        "{listed}"
    );
    drop(journal);
    // The binary refuses too, with that message, and deletes nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["rollback", "--run", "2", "--yes", "--config"])
        .arg(&path1)
        .env(KEY_ENV, key(&sb))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("run 2 added values to 1 record(s)"),
        "{stderr}"
    );
    assert!(get(&client, EntityType::Accounts, account).await.is_ok());

    let summary = rollback_all(&config1, &sb).await;
    assert!(summary.count(StepState::Deleted) > 0);
    assert!(get(&client, EntityType::Accounts, account).await.is_err());
}
