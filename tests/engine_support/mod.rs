//! Shared by the engine_* tests: the bundled sample export, its proposed map against a started
//! sandbox (proposals at or above the threshold accepted), and our client for that sandbox.
#![allow(dead_code)]

use std::path::Path;

use crm_migrate::config::Config;
use crm_migrate::connect;
use crm_migrate::discovery::{self, Report};
use crm_migrate::engine::blockers::Files;
use crm_migrate::engine::schema::Destination;
use crm_migrate::mapping::memory::MappingMemory;
use crm_migrate::mapping::model::FieldMap;
use crm_migrate::mapping::source::propose_for_export;
use crm_migrate::mapping::validate::accept_proposed;
use crm_migrate::nutshell::Client;
use crm_migrate::rsoft::Export;
use crm_migrate::sandbox::{RunningSandbox, Sandbox, SandboxOptions};

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export");

/// A started default sandbox and our client for it.
pub async fn sandbox() -> (RunningSandbox, Client) {
    let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let client = connect::sandbox_client(&sb, &Config::default().load).unwrap();
    (sb, client)
}

pub struct Sample {
    pub export: Export,
    pub report: Report,
    pub map: FieldMap,
}

/// The sample export, discovered, and its map proposed against `destination` with every
/// proposal at or above the threshold accepted.
pub fn sample(destination: &Destination) -> Sample {
    let export = Export::open(SAMPLE).unwrap();
    let report = discovery::discover(&export).unwrap();
    let mut map = propose_for_export(
        &export,
        &report,
        &destination.schema(),
        "RSoft ID",
        &MappingMemory::default(),
        None,
    )
    .unwrap();
    accept_proposed(&mut map);
    Sample {
        export,
        report,
        map,
    }
}

/// The files of a run whose config and state live in `dir`.
pub fn files(dir: &Path) -> Files {
    Files {
        config: dir.join("crm-migrate.toml"),
        mapping: dir.join("mapping.toml"),
        owners: dir.join("owners.toml"),
        checklist: dir.join("state").join("nutshell-setup-checklist.md"),
    }
}
