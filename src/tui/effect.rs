//! Effects: the I/O `update` asks for, as data. The [`Runner`](super::Runner) performs them off
//! the UI thread and reports each as an [`Outcome`](super::Outcome); the headless
//! [`Driver`](super::Driver) performs them inline, for tests.

use std::path::PathBuf;

use crate::config::Config;
use crate::discovery::Report;
use crate::engine::blockers::Files;
use crate::engine::owners::{Owners, OwnersFile};
use crate::engine::ready::Writes;
use crate::engine::rollback::Scope;
use crate::mapping::model::FieldMap;
use crate::rsoft::Module;

use super::action::{Discovered, Job};

/// Work for the loop to do outside `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read an export and profile it, then propose its object map offline (a proposal over
    /// every column: CPU work, so here and not in `update`).
    Discover {
        /// The export folder or .zip.
        export: PathBuf,
        /// The config's `[vocabulary] file`, if it names one (files are classified and the
        /// object map's proposals read headers with it).
        vocabulary: Option<PathBuf>,
        /// The config's legacy-id field, which the object map's proposals name.
        legacy_id_field: String,
    },
    /// The pre-flight: the method description and one authenticated call.
    TestConnection {
        /// The config with the endpoint to test.
        config: Box<Config>,
    },
    /// Propose the field map. `previous` is the working map whose decisions win; without it,
    /// the decisions in the config's mapping.toml do.
    Propose {
        /// The config naming the export and the endpoint.
        config: Box<Config>,
        /// Discovery's report of the export.
        report: Box<Report>,
        /// The working map whose decisions win, if any.
        previous: Option<Box<FieldMap>>,
    },
    /// Write mapping.toml (atomically).
    SaveMap {
        /// mapping.toml.
        path: PathBuf,
        /// The map to write.
        map: Box<FieldMap>,
    },
    /// Write a new config file (never over an existing one).
    WriteConfig {
        /// Where to write it.
        path: PathBuf,
        /// The config to write.
        config: Box<Config>,
    },
    /// Write `scope-report.md` and `scope-report.json` into `dir`.
    WriteScopeReport {
        /// The folder to write into.
        dir: PathBuf,
        /// The report to write, with the object map the screen shows, which the scope report
        /// opens with.
        discovered: Box<Discovered>,
    },
    /// `engine::ready::get_ready` with the saved map, as `migrate` calls it: read the
    /// destination, match owners, plan the house; with [`Writes::Allowed`] and nothing blocking,
    /// create custom fields, tags and sources.
    Check {
        /// The config (endpoint, state dir).
        config: Box<Config>,
        /// The confirmed field map.
        map: Box<FieldMap>,
        /// Discovery's report of the export.
        report: Box<Report>,
        /// The files blockers point at.
        files: Box<Files>,
        /// Whether to create what is missing.
        writes: Writes,
    },
    /// Read Nutshell's users again (`engine::schema::read_users`).
    RefreshUsers {
        /// The config with the endpoint.
        config: Box<Config>,
    },
    /// Write owners.toml with the engine's writer.
    SaveOwners {
        /// owners.toml.
        path: PathBuf,
        /// owners.toml as the operator has it now.
        file: Box<OwnersFile>,
        /// The matching, whose queue is written as empty entries.
        owners: Box<Owners>,
    },
    // ---- Rehearse, Load, Verify ----
    /// `engine::migrate` with the job's options, as `crm-migrate migrate` calls it; its events
    /// come back as `Outcome::Progress` while it runs, then `Outcome::Ran`.
    Migrate {
        /// The config as the wizard has it.
        config: Box<Config>,
        /// Named in blockers.
        config_path: PathBuf,
        /// Which run, and so which options.
        job: Job,
    },
    /// Cancel the engine run going on (it stops between chunks, everything sent journaled).
    StopRun,
    /// `engine::verify::verify` with the default spot-check, as `crm-migrate verify`.
    Verify {
        /// The config as the wizard has it.
        config: Box<Config>,
    },
    /// `engine::rollback::plan`: what rolling back would delete (the journal only).
    PlanRollback {
        /// The config naming the journal.
        config: Box<Config>,
        /// Which runs.
        scope: Scope,
    },
    /// `engine::rollback::rollback`, as `crm-migrate rollback --yes`.
    Rollback {
        /// The config naming the journal and the destination.
        config: Box<Config>,
        /// Which runs.
        scope: Scope,
    },
    /// The reports, as `crm-migrate report --out DIR` writes them.
    WriteReports {
        /// The config naming the export and the journal.
        config: Box<Config>,
        /// Named in errors.
        config_path: PathBuf,
        /// Where to write.
        dir: PathBuf,
    },
    /// The demo only: add (pipeline, stage) pairs and activity types to its sandbox, as the
    /// account's admin would in Nutshell's web app.
    ActAsAdmin {
        /// (pipeline, stage) pairs to add.
        stages: Vec<(String, String)>,
        /// Activity types to add.
        activity_types: Vec<String>,
    },
    // ---- end of Rehearse, Load, Verify ----
    // --- Field map panels ---
    /// Read the first `rows` rows of `module` for the preview, counting the values of the
    /// `count` columns over all its rows (`field_map::preview::read_sample`).
    ReadSample {
        /// The export folder or .zip.
        export: PathBuf,
        /// The config's `[vocabulary] file`, if it names one.
        vocabulary: Option<PathBuf>,
        /// The module to sample.
        module: Module,
        /// Rows to keep for the preview.
        rows: usize,
        /// Headers whose values are counted over every row.
        count: Vec<String>,
    },
}
