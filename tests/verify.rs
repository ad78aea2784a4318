//! `verify` against the sandbox over loopback HTTP: a clean migration of the sample verifies
//! (exit 0); after a field is changed, a record deleted and one duplicated by hand in the
//! sandbox, it finds each, naming the record, and the binary exits 4.

mod migrate_support;

use std::path::Path;
use std::process::{Command, Stdio};

use crm_migrate::engine::load::MigrateOptions;
use crm_migrate::engine::rollback::Scope;
use crm_migrate::engine::verify::{Finding, VerifyOptions, verify};
use crm_migrate::journal::{Journal, Phase, Resolution, RunKind};
use crm_migrate::nutshell::{EntityType, Params, methods};
use crm_migrate::report::source::ReportSource;
use migrate_support::{KEY_ENV, finished_run, key, prepare, run_rollback, sandbox};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_run_verifies_and_hand_changes_are_each_found() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    finished_run(&config, &path, &sb, &MigrateOptions::default()).await;

    let journal = Journal::open(&config.state_dir()).unwrap();
    let options = VerifyOptions {
        spot_check: 1000,
        seed: Some(7),
    };
    let report = verify(&config, &client, &journal, options).await.unwrap();
    assert!(report.ok(), "{}", findings_text(&report));
    for (phase, b) in &report.phases {
        assert_eq!(b.accounted(), b.source_rows, "{phase:?}: {b:?}");
        assert!(b.source_rows > 0);
    }
    assert!(
        report.phases[&Phase::Deals].held > 0,
        "the orphan deal is held"
    );
    // Every created record was spot-checked (N above the phase sizes).
    for phase in Phase::ALL {
        let created = report.phases[&phase].created;
        assert_eq!(
            report.spot_checked.get(&phase).copied().unwrap_or(0),
            created
        );
    }
    for (t, c) in &report.counts {
        assert_eq!(c.journal, c.nutshell, "{t}");
    }
    assert!(report.counts["Contacts"].journal > 30);

    // By hand in the sandbox: a contact's name changed, an account deleted, a lead duplicated.
    let id_of = |phase, rsoft: &str, t: EntityType| match journal.resolve(phase, rsoft, t).unwrap()
    {
        Resolution::Id(id) => id,
        other => panic!("{rsoft}: {other:?}"),
    };
    let contact = id_of(Phase::Contacts, "CONT-2027", EntityType::Contacts);
    let c = &methods::CONTACTS;
    let current = get(&client, c, contact).await;
    let _: Value = client
        .call(
            Params::new(c.edit.unwrap())
                .set(c.id_param, contact)
                .unwrap()
                .set(methods::REV, current["rev"].as_str().unwrap())
                .unwrap()
                .set("contact", json!({"name": "Someone Else"}))
                .unwrap(),
        )
        .await
        .unwrap();
    let account = id_of(Phase::Accounts, "COMP-1004", EntityType::Accounts);
    delete(&client, &methods::ACCOUNTS, account).await;
    let lead = id_of(Phase::Deals, "DEAL-4001", EntityType::Leads);
    let l = &methods::LEADS;
    let original = get(&client, l, lead).await;
    let copy: Value = client
        .call(
            Params::new(l.new)
                .set(
                    "lead",
                    json!({"description": original["description"], "customFields": original["customFields"]}),
                )
                .unwrap(),
        )
        .await
        .unwrap();
    let copy_id = copy["id"].as_i64().unwrap();

    let report = verify(&config, &client, &journal, options).await.unwrap();
    assert!(!report.ok());
    let f = &report.findings;
    assert!(
        f.iter().any(|x| matches!(x, Finding::Differs { rsoft_id, nutshell_id, field, found, .. }
            if rsoft_id == "CONT-2027" && *nutshell_id == contact && field == "name" && found.contains("Someone Else"))),
        "{f:#?}"
    );
    assert!(
        f.iter().any(
            |x| matches!(x, Finding::Missing { rsoft_id, nutshell_id, .. }
            if rsoft_id == "COMP-1004" && *nutshell_id == account)
        ),
        "{f:#?}"
    );
    assert!(
        f.iter().any(
            |x| matches!(x, Finding::Unexpected { nutshell_id, legacy_id, .. }
            if *nutshell_id == copy_id && legacy_id == "DEAL-4001")
        ),
        "{f:#?}"
    );
    drop(journal);

    // The binary says the same, with exit 4, and prints the seed.
    let (code, text) = verify_bin(&path, &sb, &["--spot-check", "5", "--seed", "11"]);
    assert_eq!(code, Some(4), "{text}");
    assert!(text.contains("seed 11"), "{text}");
    assert!(text.contains("COMP-1004"), "{text}");
    assert!(
        text.contains(&format!("Leads {copy_id} carries RSoft ID \"DEAL-4001\"")),
        "{text}"
    );
}

/// `verify`'s report, with the findings spelled out when it does not reconcile.
async fn verified(
    config: &crm_migrate::config::Config,
    client: &crm_migrate::nutshell::Client,
) -> crm_migrate::engine::verify::VerifyReport {
    let journal = Journal::open(&config.state_dir()).unwrap();
    let options = VerifyOptions {
        spot_check: 1000,
        seed: Some(3),
    };
    verify(config, client, &journal, options).await.unwrap()
}

/// The binary's `verify` of the config at `path` with `flags`: its exit code, and its stdout
/// followed by its stderr.
fn verify_bin(
    path: &Path,
    sb: &crm_migrate::sandbox::RunningSandbox,
    flags: &[&str],
) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["verify", "--config"])
        .arg(path)
        .args(flags)
        .env(KEY_ENV, key(sb))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// The report's findings, one a line.
fn findings_text(report: &crm_migrate::engine::verify::VerifyReport) -> String {
    report
        .findings
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// New-user trial: a full run rolled back, then `--sample 2`. The rows the rollback put back and
/// the sample did not send again are counted as in a journal that only ever ran the sample
/// (unsampled), never as pending findings; the binary exits 0. The report's reconciliation is the
/// sample's alone too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_run_then_a_sample_verifies_and_reports_as_the_sample_alone() {
    let sample = MigrateOptions {
        sample: Some(2),
        ..MigrateOptions::default()
    };
    // A journal that only ever ran the sample: what verify should say.
    let (fresh_sb, fresh_client) = sandbox().await;
    let fresh_dir = tempfile::tempdir().unwrap();
    let (fresh, fresh_path) = prepare(fresh_dir.path(), &fresh_sb, Some("ravi@acme.in")).await;
    finished_run(&fresh, &fresh_path, &fresh_sb, &sample).await;
    let want = verified(&fresh, &fresh_client).await;
    assert!(want.ok(), "{}", findings_text(&want));

    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    let full = Journal::open(&config.state_dir()).unwrap().runs().unwrap()[0].id;
    run_rollback(&config, &sb, Scope::Run(full)).await.unwrap();
    finished_run(&config, &path, &sb, &sample).await;
    let got = verified(&config, &client).await;
    assert!(got.ok(), "{}", findings_text(&got));
    for phase in Phase::ALL {
        let (g, w) = (&got.phases[&phase], &want.phases[&phase]);
        assert_eq!(g.accounted(), g.source_rows, "{phase:?}: {g:?}");
        // The full run's hold of the orphan deal went with it: the sample does not hold.
        assert_eq!(g, w, "{phase:?}");
    }
    assert!(got.phases.values().any(|b| b.outside_sample > 0));
    // The report's reconciliation, read from the journal, is the sample's too.
    let tallies = |c: &crm_migrate::config::Config| {
        ReportSource::reconciliation(&Journal::open(&c.state_dir()).unwrap()).unwrap()
    };
    assert_eq!(tallies(&config), tallies(&fresh));
    assert_eq!(got.counts, want.counts);
    let (code, text) = verify_bin(&path, &sb, &["--seed", "3"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("pending"), "{text}");
    assert!(text.contains("verified:"), "{text}");

    // A record the sample created, deleted by hand, is still a finding: exit 4.
    let journal = Journal::open(&config.state_dir()).unwrap();
    let sample_run = journal.live_runs().unwrap()[0];
    let mut created = Vec::new();
    journal
        .for_each_created_newest_first(sample_run, |e| {
            created.push(e);
            Ok(())
        })
        .unwrap();
    drop(journal);
    let account = created
        .iter()
        .find(|e| e.entity_type == "Accounts")
        .expect("the sample created an account");
    delete(&client, &methods::ACCOUNTS, account.nutshell_id.unwrap()).await;
    let (code, text) = verify_bin(&path, &sb, &["--seed", "3"]);
    assert_eq!(code, Some(4), "{text}");
    assert!(text.contains(&account.rsoft_id), "{text}");
}

/// Nutshell record `id`, as `get<Entity>` returns it.
async fn get(client: &crm_migrate::nutshell::Client, m: &methods::EntityMethods, id: i64) -> Value {
    client
        .call(Params::new(m.get).set(m.id_param, id).unwrap())
        .await
        .unwrap()
}

/// Delete Nutshell record `id` by hand, with its current rev.
async fn delete(client: &crm_migrate::nutshell::Client, m: &methods::EntityMethods, id: i64) {
    let current = get(client, m, id).await;
    let _: Value = client
        .call(
            Params::new(m.delete)
                .set(m.id_param, id)
                .unwrap()
                .set(methods::REV, current["rev"].as_str().unwrap())
                .unwrap(),
        )
        .await
        .unwrap();
}

/// A full run rolled back, then a full run again: every row is in a live run's bucket, as
/// after the first full run, and nothing is unsampled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_run_then_a_full_run_verifies_as_the_first_did() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    let first = verified(&config, &client).await;
    assert!(first.ok(), "{}", findings_text(&first));
    let full = Journal::open(&config.state_dir()).unwrap().runs().unwrap()[0].id;
    run_rollback(&config, &sb, Scope::Run(full)).await.unwrap();
    finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    let again = verified(&config, &client).await;
    assert!(again.ok(), "{}", findings_text(&again));
    assert_eq!(again.phases, first.phases);
    assert!(again.phases.values().all(|b| b.outside_sample == 0));
    let (code, text) = verify_bin(&path, &sb, &["--seed", "3"]);
    assert_eq!(code, Some(0), "{text}");
}

/// Every run rolled back and nothing run since: no row is a finding (nothing of the migration
/// stands, and Nutshell holds none of its records); verify says so rather than "verified" and
/// exits 0. A full run started after it and stopped before sending anything leaves the rows
/// pending again: each is a finding naming the rollback, exit 4.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_alone_verifies_as_nothing_loaded_until_a_full_run_leaves_rows_behind() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    finished_run(&config, &path, &sb, &MigrateOptions::default()).await;
    run_rollback(&config, &sb, Scope::All).await.unwrap();
    let report = verified(&config, &client).await;
    assert!(report.ok(), "{}", findings_text(&report));
    for (phase, b) in &report.phases {
        assert_eq!(b.outside_sample, b.source_rows, "{phase:?}: {b:?}");
    }
    for (t, c) in &report.counts {
        assert_eq!((c.journal, c.nutshell), (0, 0), "{t}");
    }
    let (code, text) = verify_bin(&path, &sb, &["--seed", "3"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("nothing to verify"), "{text}");
    assert!(!text.contains("verified:"), "{text}");

    let mut journal = Journal::open(&config.state_dir()).unwrap();
    let full = journal.runs().unwrap()[0].id;
    journal.start_run(RunKind::Full, "config", "map").unwrap();
    drop(journal);
    let report = verified(&config, &client).await;
    let why = format!("rolled back with run {full} and not loaded by a live run since");
    assert!(
        report.findings.iter().any(
            |f| matches!(f, Finding::Unaccounted { rsoft_id, why: w, .. } if rsoft_id == "COMP-1001" && w.contains(&why))
        ),
        "{}",
        findings_text(&report)
    );
    let (code, text) = verify_bin(&path, &sb, &["--seed", "3"]);
    assert_eq!(code, Some(4), "{text}");
}
