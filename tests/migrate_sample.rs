//! `migrate` end to end on the bundled sample against the sandbox over loopback HTTP.

mod migrate_support;

use crm_migrate::config::Config;
use crm_migrate::engine::event::Events;
use crm_migrate::engine::load::{MigrateOptions, MigrateOutcome, migrate};
use crm_migrate::engine::schema::Destination;
use crm_migrate::journal::{EntityState, Journal, Phase, Resolution};
use crm_migrate::mapping::file;
use crm_migrate::nutshell::{EntityType, Params, methods};
use migrate_support::{SAMPLE, decided, sample, sandbox};
use serde_json::Value;
use std::path::Path;

use crm_migrate::sandbox::RunningSandbox;
use tokio_util::sync::CancellationToken;

/// One `migrate` with default options, as the wizard or the CLI would call it.
async fn run(config: &Config, config_path: &Path, sb: &RunningSandbox) -> MigrateOutcome {
    let client = crm_migrate::connect::sandbox_client(sb, &config.load).unwrap();
    migrate(
        config,
        config_path,
        client,
        &MigrateOptions::default(),
        Events::none(),
        CancellationToken::new(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_sample_blocks_on_deepak_rao_then_loads() {
    let (sb, client) = sandbox().await;
    let destination = Destination::read(&client).await.unwrap();
    let s = sample(&destination);
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.source.export = Some(SAMPLE.into());
    config.migration.state_dir = Some(dir.path().join("state"));
    config.migration.mapping = dir.path().join("mapping.toml");
    config.migration.owners = dir.path().join("owners.toml");
    let map = decided(&s.map);
    file::save(&config.migration.mapping, &map).unwrap();
    let config_path = dir.path().join("crm-migrate.toml");

    drop(client);
    let first = run(&config, &config_path, &sb).await;
    let MigrateOutcome::Blocked(blockers) = first else {
        panic!("expected a block on Deepak Rao: {first:?}");
    };
    assert_eq!(blockers.len(), 1, "only the owner blocks: {blockers:?}");
    let owners = std::fs::read_to_string(&config.migration.owners).unwrap();
    assert!(owners.contains("\"Deepak Rao\" = \"\""), "{owners}");
    std::fs::write(
        &config.migration.owners,
        owners.replace("\"Deepak Rao\" = \"\"", "\"Deepak Rao\" = \"ravi@acme.in\""),
    )
    .unwrap();

    let second = run(&config, &config_path, &sb).await;
    let MigrateOutcome::Finished(summary) = second else {
        panic!("expected a finished run: {second:?}");
    };
    let journal = Journal::open(&config.state_dir()).unwrap();
    assert_eq!(journal.failures().unwrap(), vec![], "no record failed");
    assert_eq!(summary.failed, 0);

    // Counts per phase reconcile with the export: every row ends in exactly one state.
    // (rows as discovery counts them, read + bad, for each module's files)
    for phase in Phase::ALL {
        let rows: u64 = s
            .report
            .objects
            .iter()
            .filter(|o| o.module == Some(phase.module()))
            .map(|o| o.rows)
            .sum();
        assert!(rows > 0, "{phase:?} has rows in the sample");
        let t = summary.phases[&phase];
        assert_eq!(t.total(), rows, "{phase:?}: {t:?}");
        let in_journal: u64 = journal
            .counts()
            .unwrap()
            .iter()
            .filter(|c| c.phase == phase)
            .map(|c| c.count)
            .sum();
        assert_eq!(in_journal, rows, "{phase:?} in the journal");
    }

    // The pre-existing account is linked, not duplicated.
    let sharma = journal.entities(Phase::Accounts, "COMP-1001").unwrap();
    assert_eq!(sharma.len(), 1);
    assert_eq!(sharma[0].state, EntityState::Linked, "{sharma:?}");
    let client = crm_migrate::connect::sandbox_client(&sb, &config.load).unwrap();
    let found: Vec<Value> = client
        .call(
            Params::new(methods::ACCOUNTS.search.unwrap())
                .set(methods::SEARCH_STRING, "Sharma Textiles")
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");

    // The orphan deal is held with its reason.
    let holds: Vec<_> = summary
        .holds
        .iter()
        .filter(|h| h.rsoft_id == "DEAL-4014")
        .collect();
    assert!(!holds.is_empty(), "DEAL-4014 is held");
    assert!(
        holds.iter().any(|h| h.reason.contains("COMP-1026")),
        "{holds:?}"
    );

    // A deal: its account, contact, assignee, pipeline stage, value and currency.
    let id_of = |phase, rsoft: &str, t: EntityType| match journal.resolve(phase, rsoft, t).unwrap()
    {
        Resolution::Id(id) => id,
        other => panic!("{rsoft}: {other:?}"),
    };
    let lead = id_of(Phase::Deals, "DEAL-4001", EntityType::Leads);
    let lead: Value = client
        .call(Params::new(methods::LEADS.get).set("leadId", lead).unwrap())
        .await
        .unwrap();
    let account = id_of(Phase::Accounts, "COMP-1004", EntityType::Accounts);
    let contact = id_of(Phase::Contacts, "CONT-2027", EntityType::Contacts);
    assert_eq!(lead["primaryAccount"]["id"], account, "{lead:#}");
    assert!(
        lead["contacts"]
            .to_string()
            .contains(&format!("\"id\":{contact}")),
        "{lead:#}"
    );
    let priya = destination
        .user_by_email("priya.sharma@acme.in")
        .unwrap()
        .id;
    assert_eq!(lead["assignee"]["id"], priya, "{lead:#}");
    let (stageset, milestone) = destination.stage("Sales", "Qualification").unwrap();
    assert!(
        lead.to_string().contains(&milestone.to_string())
            && lead.to_string().contains(&stageset.to_string()),
        "{lead:#}"
    );
    assert_eq!(lead["value"]["currency"], "INR", "{lead:#}");
    assert!(
        lead["value"]["amount"].to_string().contains("1374500"),
        "{lead:#}"
    );

    // An activity at its original time: 13/01/2026 07:43 PM in Asia/Kolkata is 14:13 UTC.
    let activity = id_of(Phase::Activities, "ACT-5001", EntityType::Activities);
    let activity: Value = client
        .call(
            Params::new(methods::ACTIVITIES.get)
                .set("activityId", activity)
                .unwrap(),
        )
        .await
        .unwrap();
    let start = activity["startTime"].as_str().unwrap();
    let start = chrono::DateTime::parse_from_str(start, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(start))
        .unwrap();
    assert_eq!(
        start.to_utc().to_rfc3339(),
        "2026-01-13T14:13:00+00:00",
        "{activity:#}"
    );

    // A re-run sends nothing: every settled record is done earlier.
    let before = sb.stats().creates_committed;
    let third = run(&config, &config_path, &sb).await;
    let MigrateOutcome::Finished(again) = third else {
        panic!("{third:?}");
    };
    assert_eq!(sb.stats().creates_committed, before);
    assert_eq!(again.phases[&Phase::Accounts].created, 0);
    assert_eq!(again.phases[&Phase::Contacts].already_done, 40);
}

/// The permissions pre-flight: an API user who may not assign records to others blocks the run
/// (exit 3's outcome) naming the permission, before anything is sent.
#[tokio::test]
async fn an_api_user_who_may_not_assign_blocks_the_run() {
    use crm_migrate::engine::blockers::BlockerKind;
    use crm_migrate::sandbox::{Sandbox, SandboxOptions};
    let dir = tempfile::tempdir().unwrap();
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/sandbox-default.toml"
    ))
    .unwrap();
    let admin = "emails = [\"admin@acme.in\"]\n";
    assert!(builtin.contains(admin));
    let data = dir.path().join("sandbox.toml");
    std::fs::write(
        &data,
        builtin.replacen(
            admin,
            &format!("{admin}can_assign_entities = false\ncan_delete_entities = false\n"),
            1,
        ),
    )
    .unwrap();
    let sb = Sandbox::start(SandboxOptions {
        data: Some(data),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let (config, path) = migrate_support::prepare(dir.path(), &sb, Some("ravi@acme.in")).await;
    let out = run(&config, &path, &sb).await;
    let MigrateOutcome::Blocked(blockers) = out else {
        panic!("expected a block on the API user's permissions: {out:?}");
    };
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert_eq!(blockers[0].kind, BlockerKind::Permission);
    assert!(
        blockers[0].problem.contains("canAssignEntities"),
        "{blockers:?}"
    );
    assert!(blockers[0].item.contains("admin@acme.in"), "{blockers:?}");
    assert_eq!(sb.stats().creates_committed, 0);
}
