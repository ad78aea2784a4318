//! `migrate --delta` against the sandbox over loopback HTTP: the sample is loaded, then a copy
//! of its export changes (one contact's email changed, one contact added, one deleted) while a
//! person adds a phone to that contact in Nutshell. The delta creates the new contact, edits the
//! changed one through two stale revs (merging the person's phone, not replacing it), counts
//! every other row unchanged, reports the deleted one without deleting it, and a second delta
//! changes nothing. Verify then accounts the unchanged rows in their own bucket.

mod migrate_support;
#[path = "nutshell_support/mod.rs"]
mod nutshell_support;

use std::path::Path;

use crm_migrate::config::Config;
use crm_migrate::engine::event::Tally;
use crm_migrate::engine::load::{MigrateOptions, RunSummary};
use crm_migrate::engine::load_edit::edit_record;
use crm_migrate::engine::verify::{VerifyOptions, verify};
use crm_migrate::journal::{Journal, Phase, RecordState, Resolution};
use crm_migrate::nutshell::{EntityType, FailureClass, NutshellError, Params, loose, methods};
use crm_migrate::sandbox::{RecordKind, RunningSandbox};
use migrate_support::{SAMPLE, config_for, copy_dir, everything, finished_run, prepare, sandbox};
use serde_json::{Value, json};

const CONTACTS_FILE: &str = "contacts_export_2026-11-20.csv";
const CHANGED: &str = "CONT-2003";
const OLD_EMAIL: &str = "deepa.naidu@indussteel.in";
const NEW_EMAIL: &str = "deepa.n@indussteel.co.in";
const DELETED: &str = "CONT-2005";
const ADDED: &str = "CONT-2999";
const HAND_PHONE: &str = "+919812345678";

async fn run(config: &Config, path: &Path, sb: &RunningSandbox, delta: bool) -> RunSummary {
    let options = MigrateOptions {
        delta,
        ..MigrateOptions::default()
    };
    finished_run(config, path, sb, &options).await
}

/// Copy the sample export to `to`, then: change CHANGED's email, drop DELETED's row, and add
/// ADDED (a copy of CHANGED's row under a new ID, name and email). Lines are edited as text so
/// every other row stays byte for byte as it was.
fn changed_copy(to: &Path) {
    copy_dir(Path::new(SAMPLE), to);
    let file = to.join(CONTACTS_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.split(eol).map(str::to_string).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&format!("{CHANGED},")))
        .unwrap();
    assert!(lines[at].contains(OLD_EMAIL), "{}", lines[at]);
    lines[at] = lines[at].replace(OLD_EMAIL, NEW_EMAIL);
    let added = lines[at]
        .replacen(CHANGED, ADDED, 1)
        .replace(NEW_EMAIL, "kiran.rao@indussteel.in")
        .replacen(",Deepa,Naidu,", ",Kiran,Rao,", 1);
    assert!(added.contains(",Kiran,Rao,"), "{added}");
    lines.retain(|l| !l.starts_with(&format!("{DELETED},")));
    let last_data = lines.iter().rposition(|l| !l.is_empty()).unwrap();
    lines.insert(last_data + 1, added);
    std::fs::write(&file, lines.join(eol)).unwrap();
}

fn contact(client_records: &[Value], id: i64) -> Value {
    client_records
        .iter()
        .find(|r| r["id"].as_i64() == Some(id))
        .cloned()
        .unwrap_or_else(|| panic!("contact {id} is not in the sandbox"))
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(loose::phone_text).collect(),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| !k.starts_with("--"))
            .filter_map(|(_, v)| loose::phone_text(v))
            .collect(),
        _ => Vec::new(),
    }
}

fn rows_of(export: &Path, phase: Phase) -> u64 {
    let export = crm_migrate::rsoft::Export::open(export).unwrap();
    export
        .files_of(phase.module())
        .map(|f| {
            let c = export.rows(f).unwrap().drain();
            c.read + c.bad
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_creates_edits_counts_and_reports_exactly() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let first = run(&config, &path, &sb, false).await;
    assert_eq!(first.failed, 0, "{first:?}");

    let journal = Journal::open(&config.state_dir()).unwrap();
    for id in [CHANGED, DELETED] {
        let r = journal.record(Phase::Contacts, id).unwrap().unwrap();
        assert_eq!(r.state, RecordState::Created, "{id}");
    }
    let id_of = |rsoft: &str| match journal
        .resolve(Phase::Contacts, rsoft, EntityType::Contacts)
        .unwrap()
    {
        Resolution::Id(id) => id,
        other => panic!("{rsoft}: {other:?}"),
    };
    let (changed_id, deleted_id) = (id_of(CHANGED), id_of(DELETED));
    drop(journal);

    // A person adds a phone to the contact in Nutshell after the first run.
    let c = &methods::CONTACTS;
    let current: Value = client
        .call(Params::new(c.get).set(c.id_param, changed_id).unwrap())
        .await
        .unwrap();
    let mut phones = strings(&current["phone"]);
    assert!(!phones.is_empty(), "{current:#}");
    let rsoft_phones = phones.clone();
    phones.push(HAND_PHONE.into());
    let _: Value = client
        .call(
            Params::new(c.edit.unwrap())
                .set(c.id_param, changed_id)
                .unwrap()
                .set(methods::REV, current["rev"].as_str().unwrap())
                .unwrap()
                .set("contact", json!({ "phone": phones }))
                .unwrap(),
        )
        .await
        .unwrap();
    let contacts_before = sb.live_count(RecordKind::Contacts);

    // The fresh export, and the delta. Someone saves the contact twice just before the
    // delta's edits arrive: each is refused as stale, read again and retried.
    let export = dir.path().join("fresh-export");
    changed_copy(&export);
    let (config, path) = config_for(&path, &export);
    sb.save_before_next_edits(2);
    let delta = run(&config, &path, &sb, true).await;

    let contacts = delta.phases[&Phase::Contacts];
    assert_eq!(
        contacts,
        Tally {
            created: 1,
            edited: 1,
            unchanged: 38,
            gone: 1,
            ..Tally::default()
        },
        "{delta:#?}"
    );
    assert_eq!(contacts.total(), rows_of(&export, Phase::Contacts));
    for (phase, t) in &delta.phases {
        if *phase == Phase::Contacts {
            continue;
        }
        assert_eq!(
            (t.created, t.edited, t.failed, t.gone, t.kept),
            (0, 0, 0, 0, 0),
            "{phase:?}: {t:?}"
        );
        assert_eq!(t.unchanged + t.held, rows_of(&export, *phase), "{phase:?}");
    }
    assert_eq!(
        delta.phases[&Phase::Deals].held,
        1,
        "the orphan deal is tried and held again"
    );
    assert_eq!(delta.failed, 0);
    assert_eq!(delta.gone.len(), 1);
    assert_eq!(delta.gone[0].rsoft_id, DELETED);
    assert_eq!(
        delta.gone[0].nutshell,
        [("Contacts".to_string(), deleted_id)]
    );
    let gone_csv = std::fs::read_to_string(delta.gone_file.as_ref().unwrap()).unwrap();
    assert!(
        gone_csv.contains(&format!(
            "contacts,contacts,{DELETED},created,Contacts {deleted_id}"
        )),
        "{gone_csv}"
    );

    // In Nutshell: one contact more, the deleted one still there, the edit merged.
    assert_eq!(sb.live_count(RecordKind::Contacts), contacts_before + 1);
    let records = sb.records(RecordKind::Contacts);
    contact(&records, deleted_id);
    let edited = contact(&records, changed_id);
    assert_eq!(edited["email"]["--primary"], NEW_EMAIL, "{edited:#}");
    let phones = strings(&edited["phone"]);
    assert!(phones.iter().any(|p| p == HAND_PHONE), "{edited:#}");
    for p in &rsoft_phones {
        assert!(phones.contains(p), "{edited:#}");
    }
    // Created (1), edited by hand (2), saved twice by someone else (4), edited by the delta.
    assert_eq!(edited["rev"], "5", "{edited:#}");
    let added: Vec<&Value> = records
        .iter()
        .filter(|r| r["customFields"]["RSoft ID"] == ADDED)
        .collect();
    assert_eq!(added.len(), 1);
    assert!(
        added[0]["name"].to_string().contains("Kiran"),
        "{:#}",
        added[0]
    );

    // Verify counts the unchanged rows in their own bucket.
    let journal = Journal::open(&config.state_dir()).unwrap();
    let report = verify(
        &config,
        &client,
        &journal,
        VerifyOptions {
            spot_check: 5,
            seed: Some(3),
        },
    )
    .await
    .unwrap();
    let findings: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
    assert!(report.ok(), "{}", findings.join("\n"));
    let b = &report.phases[&Phase::Contacts];
    assert_eq!(
        (b.unchanged, b.created, b.edited, b.deleted_in_rsoft),
        (38, 2, 1, 1)
    );
    for (phase, b) in &report.phases {
        assert_eq!(b.accounted(), b.source_rows, "{phase:?}: {b:?}");
    }
    drop(journal);

    // A second delta over the same export changes nothing in Nutshell.
    let before = everything(&sb);
    let committed = sb.stats().creates_committed;
    let again = run(&config, &path, &sb, true).await;
    assert_eq!(sb.stats().creates_committed, committed);
    assert_eq!(everything(&sb), before);
    let contacts = again.phases[&Phase::Contacts];
    assert_eq!((contacts.unchanged, contacts.gone), (40, 1), "{contacts:?}");
    for (phase, t) in &again.phases {
        assert_eq!(
            (t.created, t.edited, t.failed),
            (0, 0, 0),
            "{phase:?}: {t:?}"
        );
    }
}

/// A `get` answer without `rev` fails the edit at once, naming the record and the field: no
/// edit is sent (not even with an empty rev), and it is not retried as if it were stale.
#[tokio::test]
async fn a_get_answer_without_rev_fails_the_edit_naming_the_record_and_field() {
    let server = nutshell_support::mock(|hit, _| match hit.method.as_str() {
        "getContact" => nutshell_support::result(json!({
            "id": 41, "entityType": "Contacts", "name": "Deepa Naidu",
            "email": {"--primary": "deepa.naidu@indussteel.in"},
        })),
        _ => nutshell_support::result(json!({"id": 41, "rev": "2"})),
    })
    .await;
    let client = nutshell_support::client(&server.url);
    let body = json!({"name": "Deepa Naidu"}).as_object().cloned().unwrap();

    let err = edit_record(&client, EntityType::Contacts, 41, &body)
        .await
        .unwrap_err();

    assert!(matches!(err, NutshellError::Shape { .. }), "{err:?}");
    assert_eq!(err.class(), FailureClass::Permanent);
    let text = err.to_string();
    for part in ["getContact", "Contacts 41", "`rev`"] {
        assert!(text.contains(part), "{part:?} missing from: {text}");
    }
    let sent: Vec<String> = server.hits().into_iter().map(|h| h.method).collect();
    assert_eq!(sent, ["getContact"]);
}

/// The note of an edited record is its new row's: a contact whose first row carried a caveat
/// (a Country this tool does not know, so its phone was read as India's) and whose changed
/// row names India has no caveat left after the delta (the owners helper found the first
/// run's caveat kept).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_edit_replaces_the_records_caveats() {
    let (sb, _client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, sample_config) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let first_export = dir.path().join("first-export");
    copy_dir(Path::new(SAMPLE), &first_export);
    let file = first_export.join(CONTACTS_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{CHANGED},")))
        .unwrap();
    let unknown = line.replacen(",Maharashtra,India,", ",Maharashtra,Atlantis,", 1);
    assert_ne!(unknown, line);
    std::fs::write(&file, text.replacen(line, &unknown, 1)).unwrap();
    let note = |config: &Config| {
        let journal = Journal::open(&config.state_dir()).unwrap();
        let mut found = None;
        journal
            .each_outcome(|o| {
                if o.phase == Phase::Contacts && o.rsoft_id == CHANGED {
                    found = Some(o.note);
                }
                Ok(())
            })
            .unwrap();
        found.expect("an outcome for the changed contact")
    };

    let (config, path) = config_for(&sample_config, &first_export);
    let first = run(&config, &path, &sb, false).await;
    assert_eq!(first.failed, 0, "{first:?}");
    let before = note(&config).unwrap_or_default();
    assert!(before.contains("\"Atlantis\" is no country"), "{before}");
    // The run report lists it among the records created with caveats.
    let caveated = Journal::open(&config.state_dir())
        .unwrap()
        .caveated()
        .unwrap();
    assert!(
        caveated.iter().any(|c| c.rsoft_id == CHANGED
            && c.record
                .as_ref()
                .is_some_and(|(t, id)| t == "Contacts" && *id > 0)),
        "{caveated:?}"
    );

    // The fresh export is the sample itself: the contact's Country is India again.
    let (config, path) = config_for(&sample_config, Path::new(SAMPLE));
    let delta = run(&config, &path, &sb, true).await;
    assert_eq!(delta.phases[&Phase::Contacts].edited, 1, "{delta:#?}");
    assert_eq!(note(&config), None);
    let caveated = Journal::open(&config.state_dir())
        .unwrap()
        .caveated()
        .unwrap();
    assert!(
        !caveated.iter().any(|c| c.rsoft_id == CHANGED),
        "{caveated:?}"
    );
}
