//! `migrate` end to end on the bundled sample against the sandbox over loopback HTTP.

mod engine_support;

use crm_migrate::config::Config;
use crm_migrate::engine::event::Events;
use crm_migrate::engine::load::{MigrateOptions, MigrateOutcome, migrate};
use crm_migrate::engine::schema::Destination;
use crm_migrate::journal::{Journal, Phase};
use crm_migrate::mapping::file;
use engine_support::{SAMPLE, sample, sandbox};
use tokio_util::sync::CancellationToken;

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
    file::save(&config.migration.mapping, &s.map).unwrap();
    let config_path = dir.path().join("crm-migrate.toml");
    let options = MigrateOptions::default();

    let first = migrate(&config, &config_path, client, &options, Events::none(), CancellationToken::new())
        .await
        .unwrap();
    let MigrateOutcome::Blocked(blockers) = first else {
        panic!("expected a block on Deepak Rao: {first:?}");
    };
    eprintln!("{}", crm_migrate::engine::blockers::render(&blockers));
    let owners = std::fs::read_to_string(&config.migration.owners).unwrap();
    assert!(owners.contains("\"Deepak Rao\" = \"\""), "{owners}");
    std::fs::write(
        &config.migration.owners,
        owners.replace("\"Deepak Rao\" = \"\"", "\"Deepak Rao\" = \"ravi@acme.in\""),
    )
    .unwrap();

    let client = crm_migrate::nutshell::sandbox_client(&sb, &config.load).unwrap();
    let second = migrate(&config, &config_path, client, &options, Events::none(), CancellationToken::new())
        .await
        .unwrap();
    let MigrateOutcome::Finished(summary) = second else {
        panic!("expected a finished run: {second:?}");
    };
    eprintln!("{summary:#?}");
    let journal = Journal::open(&config.state_dir()).unwrap();
    for f in journal.failures().unwrap() {
        eprintln!("FAILED {f:?}");
    }
    assert_eq!(summary.failed, 0);
    assert!(summary.phases.contains_key(&Phase::Accounts));
}
