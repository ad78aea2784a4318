//! bench/load.sh's set-up: for an export and a running sandbox, write the config, the decided
//! mapping.toml (the proposals, accepted, with the operator's decisions of
//! [`decisions::decided`]) and owners.toml into a directory, the way an operator would have left
//! them before `crm-migrate migrate`.
//!
//! Usage: load_prepare EXPORT ENDPOINT USERNAME DIR RPS MAX_IN_FLIGHT
//! (the API key in CRM_MIGRATE_BENCH_KEY).

mod decisions;

use std::path::PathBuf;

use crm_migrate::config::{ApiKey, Config};
use crm_migrate::discovery;
use crm_migrate::engine::schema::Destination;
use crm_migrate::mapping::file;
use crm_migrate::mapping::memory::MappingMemory;
use crm_migrate::mapping::source::propose_for_export;
use crm_migrate::mapping::validate::accept_proposed;
use crm_migrate::nutshell::{Client, ClientOptions, Endpoint};
use crm_migrate::rsoft::Export;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [export, endpoint, username, dir, rps, in_flight] = &args[..] else {
        anyhow::bail!("usage: load_prepare EXPORT ENDPOINT USERNAME DIR RPS MAX_IN_FLIGHT");
    };
    let key = ApiKey::new(std::env::var("CRM_MIGRATE_BENCH_KEY")?);
    let dir = PathBuf::from(dir);
    let text = format!(
        "[source]\nexport = {export:?}\n\n[nutshell]\nendpoint = {endpoint:?}\nusername = {username:?}\napi_key_env = \"CRM_MIGRATE_BENCH_KEY\"\n\n[load]\nrequests_per_second = {rps}\nmax_in_flight = {in_flight}\n\n[migration]\nstate_dir = \"state\"\nmapping = \"mapping.toml\"\nowners = \"owners.toml\"\n"
    );
    std::fs::create_dir_all(&dir)?;
    let config_path = dir.join("crm-migrate.toml");
    std::fs::write(&config_path, text)?;
    let config = Config::load(&config_path)?;
    let client = Client::new(
        ClientOptions::new(Endpoint::parse(endpoint)?, username, &config.load),
        &key,
    )?;
    let destination = Destination::read(&client).await?;
    let export = Export::open(export)?;
    let report = discovery::discover(&export)?;
    let mut map = propose_for_export(
        &export,
        &report,
        &destination.schema(),
        &config.migration.legacy_id_field,
        &MappingMemory::default(),
        None,
    )?;
    accept_proposed(&mut map);
    file::save(&config.migration.mapping, &decisions::decided(&map))?;
    std::fs::write(
        &config.migration.owners,
        "[owners]\n\"Deepak Rao\" = \"ravi@acme.in\"\n",
    )?;
    println!("{}", config_path.display());
    Ok(())
}
