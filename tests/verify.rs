//! `verify` against the sandbox over loopback HTTP: a clean migration of the sample verifies
//! (exit 0); after a field is changed, a record deleted and one duplicated by hand in the
//! sandbox, it finds each, naming the record, and the binary exits 4.

mod migrate_support;

use std::process::{Command, Stdio};

use crm_migrate::engine::load::MigrateOptions;
use crm_migrate::engine::verify::{Finding, VerifyOptions, verify};
use crm_migrate::journal::{Journal, Phase, Resolution};
use crm_migrate::nutshell::{EntityType, Params, methods};
use migrate_support::{KEY_ENV, finished_run, key, prepare, sandbox};
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
    assert!(
        report.ok(),
        "{}",
        report
            .findings
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
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
    let current: Value = client
        .call(Params::new(c.get).set(c.id_param, contact).unwrap())
        .await
        .unwrap();
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
    let a = &methods::ACCOUNTS;
    let current: Value = client
        .call(Params::new(a.get).set(a.id_param, account).unwrap())
        .await
        .unwrap();
    let _: Value = client
        .call(
            Params::new(a.delete)
                .set(a.id_param, account)
                .unwrap()
                .set(methods::REV, current["rev"].as_str().unwrap())
                .unwrap(),
        )
        .await
        .unwrap();
    let lead = id_of(Phase::Deals, "DEAL-4001", EntityType::Leads);
    let l = &methods::LEADS;
    let original: Value = client
        .call(Params::new(l.get).set(l.id_param, lead).unwrap())
        .await
        .unwrap();
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
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["verify", "--config"])
        .arg(&path)
        .args(["--spot-check", "5", "--seed", "11"])
        .env(KEY_ENV, key(&sb))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("seed 11"), "{text}");
    assert!(text.contains("COMP-1004"), "{text}");
    assert!(
        text.contains(&format!("Leads {copy_id} carries RSoft ID \"DEAL-4001\"")),
        "{text}"
    );
}
