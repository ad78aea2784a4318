//! Shared by the migrate_* tests: a migration of the bundled sample prepared in a temp dir
//! against a started sandbox — the proposed map with the operator's decisions, owners.toml with
//! Deepak Rao assigned, and a config file the real binary can read.
#![allow(dead_code, unused_imports)]

use std::path::{Path, PathBuf};

use crm_migrate::config::Config;
use crm_migrate::engine::event::Events;
use crm_migrate::engine::load::{MigrateOptions, MigrateOutcome, RunSummary, migrate};
use crm_migrate::engine::rollback::{RollbackError, RollbackSummary, Scope, rollback};
use crm_migrate::engine::schema::Destination;
use crm_migrate::journal::Journal;
use crm_migrate::mapping::file;
use crm_migrate::sandbox::RunningSandbox;
use tokio_util::sync::CancellationToken;

#[path = "../engine_support/mod.rs"]
mod engine_support;
pub use engine_support::{SAMPLE, sample, sandbox};

/// The environment variable the test config names for the API key.
pub const KEY_ENV: &str = "CRM_MIGRATE_TEST_KEY";

#[path = "../../examples/load_prepare/decisions.rs"]
mod decisions;
pub use decisions::decided;

/// A config for the sample in `dir` (state in `dir/state`), pointing at `sb` over loopback
/// with a ceiling fast enough for tests, written to `dir/crm-migrate.toml`; the decided map
/// saved as `dir/mapping.toml`. Returns the config and its path.
pub async fn prepare(dir: &Path, sb: &RunningSandbox, owners: Option<&str>) -> (Config, PathBuf) {
    let client = crm_migrate::connect::sandbox_client(sb, &Config::default().load).unwrap();
    let destination = Destination::read(&client).await.unwrap();
    let s = sample(&destination);
    let credentials = sb.credentials();
    let text = format!(
        "[source]\nexport = {export:?}\n\n[nutshell]\nendpoint = {endpoint:?}\nusername = {user:?}\napi_key_env = {KEY_ENV:?}\n\n[load]\nrequests_per_second = 400.0\nmax_in_flight = 8\n\n[migration]\nstate_dir = \"state\"\nmapping = \"mapping.toml\"\nowners = \"owners.toml\"\n",
        export = SAMPLE,
        endpoint = sb.endpoint(),
        user = credentials.username,
    );
    let path = dir.join("crm-migrate.toml");
    std::fs::write(&path, text).unwrap();
    let config = Config::load(&path).unwrap();
    file::save(&config.migration.mapping, &decided(&s.map)).unwrap();
    if let Some(owner) = owners {
        std::fs::write(
            &config.migration.owners,
            format!("[owners]\n\"Deepak Rao\" = {owner:?}\n"),
        )
        .unwrap();
    }
    (config, path)
}

/// The sandbox's API key, for the binary's environment.
pub fn key(sb: &RunningSandbox) -> String {
    sb.credentials().api_key.expose().to_string()
}

/// One `migrate` of the config at `path` against `sb` with `options`, as the CLI calls it, that
/// must finish (not block or stop): its summary. Panics with the outcome otherwise.
pub async fn finished_run(
    config: &Config,
    path: &Path,
    sb: &RunningSandbox,
    options: &MigrateOptions,
) -> RunSummary {
    let client = crm_migrate::connect::sandbox_client(sb, &config.load).unwrap();
    let out = migrate(
        config,
        path,
        client,
        options,
        Events::none(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    match out {
        MigrateOutcome::Finished(summary) => summary,
        other => panic!("{other:?}"),
    }
}

/// Roll back `scope` of the migration `config` names against `sb`, as `rollback --yes` does.
pub async fn run_rollback(
    config: &Config,
    sb: &RunningSandbox,
    scope: Scope,
) -> Result<RollbackSummary, RollbackError> {
    let mut journal = Journal::open(&config.state_dir()).unwrap();
    let client = crm_migrate::connect::sandbox_client(sb, &config.load).unwrap();
    rollback(
        &mut journal,
        client,
        &config.migration.legacy_id_field,
        scope,
        Events::none(),
        CancellationToken::new(),
    )
    .await
}

/// Copy the folder `from` (an export) to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The config at `path` (written by [`prepare`]) with its export pointed at `export`, saved
/// beside it.
pub fn config_for(path: &Path, export: &Path) -> (Config, PathBuf) {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.replace(
        &format!("{SAMPLE:?}"),
        &format!("{:?}", export.to_str().unwrap()),
    );
    let new_path = path.with_file_name("crm-migrate-delta.toml");
    std::fs::write(&new_path, text).unwrap();
    (Config::load(&new_path).unwrap(), new_path)
}

/// Every record type the load writes, parents first.
pub const RECORDS: [crm_migrate::sandbox::RecordKind; 6] = {
    use crm_migrate::sandbox::RecordKind;
    [
        RecordKind::Accounts,
        RecordKind::Contacts,
        RecordKind::Leads,
        RecordKind::Activities,
        RecordKind::Tasks,
        RecordKind::Notes,
    ]
};

/// Every record of every entity type the load writes, as the sandbox renders it.
pub fn everything(sb: &RunningSandbox) -> Vec<Vec<serde_json::Value>> {
    RECORDS.into_iter().map(|e| sb.records(e)).collect()
}
