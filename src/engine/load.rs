//! `migrate` as a library call: the map gate, the destination schema, owner reconciliation, the
//! house preparation, then the load ([`super::load_run`]) with its journal. The CLI and the
//! wizard call [`migrate`] the same way, with an [`Events`] sender and a cancellation token.
//!
//! Every blocker is gathered before anything is sent, all at once (map entries, owners, stages
//! and pipelines, custom fields). A dry run gathers them too, then builds and validates every
//! record against a scratch journal with zero writes to Nutshell.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::blockers::{Blocker, BlockerKind, Files, format_blockers, map_blockers};
use super::event::{Event, Events, Tally};
use super::load_run::{LoadError, LoadRun};
use super::load_send::Sender;
use super::owners::{OwnersFile, OwnersFileError, reconcile, rsoft_users, write_owners_file};
use super::scan::scan;
use super::schema::{self, Destination, SchemaError};
use crate::config::Config;
use crate::discovery;
use crate::journal::{
    GoneRow, HoldRow, Journal, JournalError, OwnerDecision, Phase, RunId, RunKind, RunOutcome,
};
use crate::mapping::file::{self, MapFileError};
use crate::mapping::record::BuildSettings;
use crate::mapping::validate::accept_proposed;
use crate::nutshell::{Client, methods};
use crate::rsoft::{Export, ReadError};
use crate::vocabulary::{Vocabulary, VocabularyError};

/// The failures file in the state dir.
pub const FAILURES_FILE: &str = "failures.csv";
/// Every record's outcome (one row per source row), in the state dir.
pub const OUTCOMES_FILE: &str = "outcomes.csv";
/// A dry run's preview of [`OUTCOMES_FILE`]: each row's would-be outcome.
pub const DRY_RUN_OUTCOMES_FILE: &str = "dry-run-outcomes.csv";
/// A delta's list of records deleted in RSoft since they were loaded, in the state dir.
pub const GONE_FILE: &str = "deleted-in-rsoft.csv";
/// The scratch journal a dry run builds against (replaced by each dry run).
pub const DRY_RUN_JOURNAL: &str = "dry-run.sqlite";

/// How to run `migrate` (design.md §4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Confirm map proposals at or above the threshold (in memory; mapping.toml is not
    /// rewritten).
    pub accept_proposed: bool,
    /// Build and validate every record, write nothing to Nutshell.
    pub dry_run: bool,
    /// N records per phase (with their parents), journaled as one sample run.
    pub sample: Option<u64>,
    /// Put every held record back to pending before the load, those held for the operator
    /// too (a note whose create may have reached Nutshell, a record deleted in Nutshell). A run
    /// without it builds again only the records held for a parent or lookup.
    pub release_holds: bool,
    /// A delta (issue 10): re-read the fresh export; create new records, edit changed ones
    /// (multi-value fields merged), count unchanged ones, retry held and failed ones, and
    /// report records deleted in RSoft (never deleted in Nutshell). Not with `dry_run` or
    /// `sample`.
    pub delta: bool,
}

/// Why a run could not start or stopped early. Records that fail or hold are not errors: they are
/// counted in the [`RunSummary`]; everything sent before an error is journaled, so a re-run goes on.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The load needs the export.
    #[error("the config has no [source] export: set it to the RSoft export folder or .zip")]
    NoExport,
    /// There is no mapping.toml at that path.
    #[error(
        "no field map at {0}: run `crm-migrate map` first, confirm its entries, then run migrate"
    )]
    NoMap(PathBuf),
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A CSV file of the export could not be opened or read: its rows could not be accounted
    /// for, so nothing is loaded.
    #[error(
        "{file}: {message}; {more}its rows cannot be accounted for, so nothing is loaded: make the file readable (or take it out of the export) and run again"
    )]
    Unreadable {
        /// The first unreadable file, as the export names it.
        file: String,
        /// Why it could not be read.
        message: String,
        /// `and 2 more files; ` when there are others, else empty.
        more: String,
    },
    /// The config's `[vocabulary] file` could not be read or used.
    #[error(transparent)]
    Vocabulary(#[from] VocabularyError),
    /// mapping.toml could not be read or holds an error.
    #[error(transparent)]
    Map(#[from] MapFileError),
    /// The destination could not be read, or a custom field, tag or source could not be created.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// owners.toml could not be read or parsed.
    #[error(transparent)]
    Owners(#[from] OwnersFileError),
    /// The journal could not be opened, read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The load itself stopped (journal, export, or reading existing records).
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(
        "a delta compares the export with what earlier runs loaded: it cannot be a dry run or a sample"
    )]
    /// `--delta` with `--dry-run` or `--sample`.
    DeltaCombination,
    /// The effective config could not be written as TOML for its fingerprint in the journal
    /// (every run records which config it used; an empty fingerprint would match any config).
    #[error(
        "cannot fingerprint the config for the journal: {0}. Check the config for values TOML cannot hold and report this with the config attached (without the API key)"
    )]
    ConfigHash(#[source] toml::ser::Error),
    /// The failures file could not be written to the state dir.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The failures file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// The journal's run id (`None` for a dry run).
    pub run: Option<RunId>,
    /// Nothing was sent (`--dry-run`).
    pub dry_run: bool,
    /// Records per outcome, per phase.
    pub phases: BTreeMap<Phase, Tally>,
    /// Active holds with their reasons (this run's and earlier ones').
    pub holds: Vec<HoldRow>,
    /// Records in state failed; listed in [`RunSummary::failures_file`].
    pub failed: u64,
    /// The CSV of failed records in the state dir (phase, module, RSoft ID, file, line,
    /// attempts, field, message), written at the end of every finished run; `None` when the run stopped first.
    pub failures_file: Option<PathBuf>,
    /// The per-row outcome report in the state dir ([`OUTCOMES_FILE`], or for a dry run
    /// [`DRY_RUN_OUTCOMES_FILE`]): every source row the journal holds, with its file, line,
    /// state, Nutshell record and reason. `None` when the run stopped first.
    pub outcomes_file: Option<PathBuf>,
    /// A dry run's blockers (a real run stops on them before loading).
    pub blockers: Vec<Blocker>,
    /// The operator stopped the run (Ctrl-C or the wizard); what was sent is journaled.
    pub cancelled: bool,
    /// Time spent in the journal.
    pub journal_time: Duration,
    /// Requests sent to Nutshell by the load (retries included; 0 for a dry run's creates).
    pub requests: u64,
    /// A delta's records loaded earlier and no longer in the export (deleted in RSoft),
    /// left in Nutshell; also listed in [`RunSummary::gone_file`].
    pub gone: Vec<GoneRow>,
    /// `deleted-in-rsoft.csv` in the state dir, written by a delta.
    pub gone_file: Option<PathBuf>,
    /// What the operator should know that did not stop the run (the API user may not delete
    /// records, so rollback will not work; its permissions could not be read).
    pub warnings: Vec<String>,
}

/// How `migrate` ended.
#[derive(Debug, Clone, PartialEq)]
// One value per run, returned once: its size costs nothing, and boxing the summary would make
// every caller's match read through a Box.
#[allow(clippy::large_enum_variant)]
pub enum MigrateOutcome {
    /// Nothing was sent: these need the operator (exit 3).
    Blocked(Vec<Blocker>),
    /// The load ran (or the dry run finished).
    Finished(RunSummary),
}

/// Run `migrate`. `config_path` names the config in blockers; `client` talks to Nutshell (or
/// the sandbox). Events go to `events`; `cancel` stops the load between chunks, with everything
/// sent journaled (re-run to go on).
pub async fn migrate(
    config: &Config,
    config_path: &Path,
    client: Client,
    options: &MigrateOptions,
    events: Events,
    cancel: CancellationToken,
) -> Result<MigrateOutcome, MigrateError> {
    if options.delta && (options.dry_run || options.sample.is_some()) {
        return Err(MigrateError::DeltaCombination);
    }
    let export_path = config
        .source
        .export
        .as_deref()
        .ok_or(MigrateError::NoExport)?;
    // Fingerprint the effective config (paths resolved) before anything is written: the journal
    // records which config a run used, and a config built in code has no file to hash.
    let config_hash = hash_hex(&toml::to_string(config).map_err(MigrateError::ConfigHash)?);
    let export = Export::open_with(export_path, Vocabulary::of(config)?)?;
    if let Some(first) = export.unreadable().first() {
        return Err(MigrateError::Unreadable {
            file: first.file.clone(),
            message: first.message.clone(),
            more: match export.unreadable().len() - 1 {
                0 => String::new(),
                n => format!("and {n} more files; "),
            },
        });
    }
    let report = discovery::discover(&export)?;
    let files = Files::of(config_path, config);
    if !files.mapping.exists() {
        return Err(MigrateError::NoMap(files.mapping.clone()));
    }
    let mut map = file::load(&files.mapping)?;
    if options.accept_proposed {
        accept_proposed(&mut map);
    }
    let mut blockers = map_blockers(&map, &files);
    blockers.extend(format_blockers(
        &map,
        &report,
        config.source.date_order,
        &files,
    ));

    let mut destination = Destination::read(&client).await?;
    let (permission_blockers, warnings) = permissions(&client, &files).await;
    blockers.extend(permission_blockers);
    let found = scan(&export, &map)?;
    let owners_file = OwnersFile::load(&files.owners)?;
    let owners = reconcile(
        &found.owners,
        &destination.users,
        &owners_file,
        &rsoft_users(&report),
    );
    blockers.extend(owners.blockers(&files));
    if !owners.queue.owners.is_empty() {
        write_owners_file(&files.owners, &owners_file, &owners)?;
    }
    let needs = schema::needs(&map, &found, &files);
    let house = schema::plan(&destination, &needs, &report.pipelines, &files);
    blockers.extend(house.blockers.iter().cloned());
    if !house.checklist.is_empty() {
        schema::write_checklist(&house.checklist, &files.checklist)?;
    }
    if !blockers.is_empty() && !options.dry_run {
        return Ok(MigrateOutcome::Blocked(blockers));
    }
    let planned_sources: HashSet<String> = if options.dry_run {
        house
            .create_sources
            .iter()
            .map(|s| s.to_lowercase())
            .collect()
    } else {
        let (_, more) = schema::apply(&client, &mut destination, &house, &files).await?;
        if !more.is_empty() {
            return Ok(MigrateOutcome::Blocked(more));
        }
        HashSet::new()
    };

    let state_dir = config.state_dir();
    let (mut journal, kind, sender) = if options.dry_run {
        let path = state_dir.join(DRY_RUN_JOURNAL);
        for p in [path.clone(), wal(&path, "-wal"), wal(&path, "-shm")] {
            let _ = std::fs::remove_file(p);
        }
        std::fs::create_dir_all(&state_dir).map_err(|source| MigrateError::Write {
            path: state_dir.clone(),
            source,
        })?;
        (
            Journal::open_file(&path)?,
            RunKind::DryRun,
            Sender::dry_run(Some(client)),
        )
    } else {
        let kind = if options.delta {
            RunKind::Delta
        } else if options.sample.is_some() {
            RunKind::Sample
        } else {
            RunKind::Full
        };
        (Journal::open(&state_dir)?, kind, Sender::Live(client))
    };
    let map_hash = hash_hex(&file::to_toml(&map));
    let run = journal.start_run(kind, &config_hash, &map_hash)?;
    for d in &owners.decisions {
        journal.record_owner_decision(
            run,
            &OwnerDecision {
                owner: d.key.clone(),
                user_id: d.user_id,
                user_email: destination
                    .user(d.user_id)
                    .and_then(|u| u.emails.first().cloned()),
                basis: format!("{:?}", d.by),
            },
        )?;
    }
    if options.release_holds {
        journal.release_holds(None)?;
    }
    events.send(Event::RunStarted {
        run: (!options.dry_run).then_some(run),
        kind,
    });
    let settings = BuildSettings::from_config(config, Arc::clone(export.vocabulary()));
    let shared_names: HashSet<String> = report
        .integrity
        .shared_names
        .iter()
        .map(|n| n.normalized_name.clone())
        .collect();
    let load = LoadRun {
        export: &export,
        map: &map,
        settings: &settings,
        destination: &destination,
        owners: &owners,
        planned_sources: &planned_sources,
        shared_names: &shared_names,
        sender: Arc::new(sender),
        run,
        sample: options.sample,
        delta: options.delta,
        events: events.clone(),
        cancel,
        deferred: Default::default(),
    };
    let mut totals = match load.run(&mut journal).await {
        Ok(t) => t,
        Err(e) => {
            let _ = journal.finish_run(run, RunOutcome::Error);
            return Err(e.into());
        }
    };
    let mut gone = Vec::new();
    let mut gone_file = None;
    if options.delta && !totals.cancelled {
        gone = journal.mark_gone(run, &Phase::ALL)?;
        for g in &gone {
            if let Some(t) = totals.phases.get_mut(&g.phase) {
                t.gone += 1;
            }
            events.send(Event::Gone(g.clone()));
        }
        let path = state_dir.join(GONE_FILE);
        write_gone(&path, &gone)?;
        gone_file = Some(path);
    }
    if !options.dry_run {
        for (phase, tally) in &totals.phases {
            journal.record_tally(run, *phase, &tally.counts())?;
        }
    }
    let requests = load.sender.client().map_or(0, |c| c.snapshot().sent);
    let failures = journal.failures()?;
    let failures_file = if options.dry_run {
        state_dir.join("dry-run-failures.csv")
    } else {
        state_dir.join(FAILURES_FILE)
    };
    write_failures(&failures_file, &failures)?;
    let outcomes_file = state_dir.join(if options.dry_run {
        DRY_RUN_OUTCOMES_FILE
    } else {
        OUTCOMES_FILE
    });
    write_outcomes(&outcomes_file, &journal)?;
    let outcome = if totals.cancelled {
        RunOutcome::Cancelled
    } else if failures.is_empty() {
        RunOutcome::Done
    } else {
        RunOutcome::Failed
    };
    journal.finish_run(run, outcome)?;
    events.send(Event::RunFinished {
        cancelled: totals.cancelled,
    });
    Ok(MigrateOutcome::Finished(RunSummary {
        run: (!options.dry_run).then_some(run),
        dry_run: options.dry_run,
        phases: totals.phases,
        holds: journal.holds()?,
        failed: failures.len() as u64,
        failures_file: Some(failures_file),
        outcomes_file: Some(outcomes_file),
        blockers,
        cancelled: totals.cancelled,
        journal_time: totals.journal_time,
        requests,
        gone,
        gone_file,
        warnings,
    }))
}

/// The pre-flight of the API user's permissions (`Client::permissions`, docs/nutshell-api.md):
/// a user who may not assign records to others would make every record the API user's, so the
/// run is blocked; one who may not delete records can load, but rollback will fail, so the
/// operator is warned. Permissions that cannot be read (the REST path is unconfirmed) are a
/// warning, never a block.
async fn permissions(client: &Client, files: &Files) -> (Vec<Blocker>, Vec<String>) {
    let user = client.username().to_string();
    match client.permissions().await {
        Ok(p) => {
            let mut blockers = Vec::new();
            let mut warnings = Vec::new();
            if !p.can_assign_entities {
                blockers.push(Blocker {
                    kind: BlockerKind::Permission,
                    item: format!("API user {user}"),
                    problem: format!(
                        "may not assign records to other users ({} is off), so no record could keep its RSoft owner",
                        methods::CAN_ASSIGN_ENTITIES
                    ),
                    fix: "ask a Nutshell administrator to let this user assign records to others (Setup → Users → permissions), or set [nutshell] username to a user who may, then run migrate again".into(),
                    file: files.config.clone(),
                });
            }
            if !p.can_delete_entities {
                warnings.push(format!(
                    "API user {user} may not delete records ({} is off): the load can run, but `crm-migrate rollback` will fail until an administrator allows it",
                    methods::CAN_DELETE_ENTITIES
                ));
            }
            (blockers, warnings)
        }
        Err(e) => (
            Vec::new(),
            vec![format!(
                "could not read API user {user}'s permissions ({e}); if records do not keep their owners, check that the user may assign records to others"
            )],
        ),
    }
}

fn wal(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The SHA-256 of a config or map as sent, stored with the run: the same on every machine
/// and version, so two runs' hashes can be compared.
fn hash_hex(text: &str) -> String {
    crate::mapping::record::hash::text_hash(text).to_string()
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading apostrophe, so opening failures.csv never executes anything.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Write the failed records to `path` (phase, module, RSoft ID, file, line, attempts, field,
/// message). `file` and `line` name the row in the export, as the report's failures.csv does.
fn write_failures(
    path: &Path,
    failures: &[crate::journal::FailureRow],
) -> Result<(), MigrateError> {
    let rows = failures.iter().map(|f| {
        [
            f.phase.as_str().to_string(),
            f.module.clone(),
            f.rsoft_id.clone(),
            f.file.clone().unwrap_or_default(),
            f.line.map(|l| l.to_string()).unwrap_or_default(),
            f.attempts.to_string(),
            f.field.clone().unwrap_or_default(),
            f.message.clone(),
        ]
    });
    write_csv(
        path,
        [
            "phase", "module", "rsoft_id", "file", "line", "attempts", "field", "message",
        ],
        rows,
    )
}

/// Write every record of `journal` to `path`, one row per source row: phase, module, RSoft ID,
/// file, line, state, what this delta did (`unchanged`, `edited`, `kept`, `edit_failed`; empty
/// outside a delta), the Nutshell record (entity type and id; a dry run's made-up ids are left
/// empty) and the reason (the failure, the hold reasons, the record a merged row joined, what
/// a merged or linked row's values came to, what the builder chose for a created one).
fn write_outcomes(path: &Path, journal: &Journal) -> Result<(), MigrateError> {
    let err = |source: std::io::Error| MigrateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(|e| err(e.into()))?;
    w.write_record([
        "phase",
        "module",
        "rsoft_id",
        "file",
        "line",
        "state",
        "delta",
        "nutshell_entity",
        "nutshell_id",
        "reason",
    ])
    .map_err(|e| err(e.into()))?;
    let mut write_error = None;
    journal.each_outcome(|o| {
        let reason = outcome_reason(&o);
        let row = [
            o.phase.as_str().to_string(),
            o.module,
            o.rsoft_id,
            o.file.unwrap_or_default(),
            o.line.map(|l| l.to_string()).unwrap_or_default(),
            o.state.as_str().to_string(),
            o.delta_state.unwrap_or_default(),
            o.entity_type.unwrap_or_default(),
            o.nutshell_id
                .filter(|id| *id > 0)
                .map(|id| id.to_string())
                .unwrap_or_default(),
            reason,
        ];
        if write_error.is_none()
            && let Err(e) = w.write_record(row.iter().map(|c| neutralise(c)))
        {
            write_error = Some(e);
        }
        Ok(())
    })?;
    if let Some(e) = write_error {
        return Err(err(e.into()));
    }
    w.flush().map_err(err)
}

/// Why a record stands where it does, in the operator's words.
fn outcome_reason(o: &crate::journal::OutcomeRow) -> String {
    use crate::journal::RecordState as S;
    let mut parts: Vec<String> = Vec::new();
    match o.state {
        S::Held => parts.extend(o.hold_reasons.clone()),
        S::Merged => parts.push(match &o.joined {
            Some(first) => format!("the same record as {first}'s, which this migration creates"),
            None => "the same record as another row's of this export".to_string(),
        }),
        S::Linked => parts.push("a record already in Nutshell".to_string()),
        _ => {}
    }
    parts.extend(o.last_error.clone());
    parts.extend(o.note.clone());
    parts.join("; ")
}

/// Write a delta's records deleted in RSoft to `path` (phase, module, RSoft ID, state, the
/// Nutshell records as `Type id`).
fn write_gone(path: &Path, gone: &[GoneRow]) -> Result<(), MigrateError> {
    let rows = gone.iter().map(|g| {
        let nutshell = g
            .nutshell
            .iter()
            .map(|(t, id)| format!("{t} {id}"))
            .collect::<Vec<_>>()
            .join("; ");
        [
            g.phase.as_str().to_string(),
            g.module.clone(),
            g.rsoft_id.clone(),
            g.state.clone(),
            nutshell,
        ]
    });
    write_csv(
        path,
        ["phase", "module", "rsoft_id", "state", "nutshell"],
        rows,
    )
}

/// A CSV for the operator: `header`, then `rows`, every cell neutralised.
fn write_csv<const N: usize>(
    path: &Path,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> Result<(), MigrateError> {
    let err = |source: std::io::Error| MigrateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(|e| err(e.into()))?;
    w.write_record(header).map_err(|e| err(e.into()))?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c)))
            .map_err(|e| err(e.into()))?;
    }
    w.flush().map_err(err)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_neutralised() {
        for cell in ["=SUM(A1)", "+91 98", "-1", "@[Contacts:1]"] {
            assert_eq!(super::neutralise(cell), format!("'{cell}"));
        }
        assert_eq!(super::neutralise("plain"), "plain");
    }
}
