//! `rollback` as a library call: delete exactly what the chosen runs created, children before
//! parents (activities, tasks, notes → leads → contacts → accounts; nutshell-api.md "Deletes"),
//! newest first, re-reading each record (and its `rev`) right before its delete.
//!
//! Left alone and reported: records that existed before the migration (linked) or belong to
//! another record (merged) — nothing was created for them — and records a person edited in
//! Nutshell since the migration wrote them (`modifiedTime` later than the migration's last write,
//! taken as the later of the journal's outcome time and the end of the run).
//!
//! Resumable like the load: the deletes are planned in the journal first, each chunk's intents
//! (`deleting`) are written before its deletes are sent and the outcomes after; a killed rollback
//! run again finds its plan and goes on, reading a `deleting` record again (a record no longer
//! there was deleted by the rollback that was killed). Nothing is deleted twice: a delete carries
//! the `rev` just read, and a record already deleted is not found.
//!
//! `--run ID` takes the newest runs first: a run followed by another live run that created
//! records is refused (those may link to it), so roll the later one back first, or use `--all`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::event::{Event, Events, Undone};
use super::load_send::Sender;
use crate::journal::{
    Journal, JournalError, LeftAlone, RollbackId, RollbackStep, RunId, StepState,
};
use crate::nutshell::methods::{self, MethodSpec};
use crate::nutshell::{Client, EntityType, FailureClass, NutshellError, Params, Timestamp};

/// Deletes sent concurrently (the client keeps its own ceiling); intents and outcomes are one
/// journal transaction per chunk.
const CHUNK: usize = 64;
/// Stale-rev retries of one delete before it is given up for this run of the rollback.
const STALE_RETRIES: u32 = 5;

/// Which runs to roll back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One run (refused while a later live run created records).
    Run(RunId),
    /// Every run not yet rolled back.
    All,
}

/// Why a rollback stopped or was refused. What was deleted before it stays recorded in the journal,
/// so running rollback again goes on from there.
#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    /// The journal could not be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// `--run` named a run the journal does not have.
    #[error("there is no run {0} in the journal: `crm-migrate report` lists the runs")]
    NoSuchRun(RunId),
    /// `--run` named a dry run.
    #[error("run {0} is a dry run: it wrote nothing to Nutshell, so there is nothing to roll back")]
    DryRun(RunId),
    /// `--run` named a run rolled back before.
    #[error("run {0} was already rolled back")]
    AlreadyRolledBack(RunId),
    /// A later live run created records that may link to this run's (children must go first).
    #[error(
        "run {run} is followed by run {later}, which created records that may link to run {run}'s: roll back run {later} first (newest first), or use --all"
    )]
    LaterRun {
        /// The run asked for.
        run: RunId,
        /// The later run to roll back first.
        later: RunId,
    },
    /// `--run` named a run that added values to records an earlier run created (merged rows'
    /// values, carried by an additive edit): rolling it back alone would delete nothing there
    /// and leave those values on the records.
    #[error(
        "run {run} added values to {count} record(s) that another run created, which rolling back run {run} alone would leave on them: {listed}. Roll back with --all (which deletes those records too), or take the values off those records in Nutshell by hand; the journal lists them (`crm-migrate report`, merges_and_links.csv)"
    )]
    AddedToOthers {
        /// The run asked for.
        run: RunId,
        /// How many records.
        count: usize,
        /// The first few, `COMP-2 → Accounts 33 (added to it: …)`.
        listed: String,
    },
    /// A delete failed in a way a retry does not mend (not a stale rev, not a missing record).
    #[error(
        "{entity_type} {id} ({phase} {rsoft_id}): {source}. Nothing more was deleted; run rollback again to go on"
    )]
    Delete {
        /// The phase that created the record (`accounts`, `leads`…).
        phase: &'static str,
        /// The RSoft ID of the source record.
        rsoft_id: String,
        /// Nutshell's `entityType` of the record.
        entity_type: String,
        /// The record's Nutshell id.
        id: i64,
        /// The client's error.
        source: Box<NutshellError>,
    },
}

/// What a rollback would do, before anything is deleted (also what `rollback` without `--yes`
/// shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollbackPlan {
    /// The runs, newest first.
    pub runs: Vec<RunId>,
    /// Entities to delete per Nutshell entity type (those whose create was left unknown
    /// included: they are looked up first).
    pub to_delete: Vec<(String, u64)>,
    /// Records that own no entity the migration created: left alone.
    pub left_alone: Vec<LeftAlone>,
}

impl RollbackPlan {
    /// Entities to delete, all types.
    pub fn total(&self) -> u64 {
        self.to_delete.iter().map(|(_, n)| n).sum()
    }
}

/// What a rollback did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollbackSummary {
    /// The journal's id for this rollback.
    pub rollback: RollbackId,
    /// The runs, newest first.
    pub runs: Vec<RunId>,
    /// Steps per outcome (`deleted`, `gone`, `kept`, `unknown`) and entity type.
    pub counts: BTreeMap<StepState, BTreeMap<String, u64>>,
    /// Records left in Nutshell because a person edited them since (with the times), and notes
    /// that may exist but cannot be looked up: the operator checks these by hand.
    pub kept: Vec<Undone>,
    /// Records not in Nutshell any more when the rollback came to them (deleted by hand).
    pub gone: Vec<Undone>,
    /// Linked and merged records: nothing was created for them; each says what became of the
    /// record it points at ([`LeftAlone::fate`]: a merged row's record made by these runs was
    /// deleted with the row that made it).
    pub left_alone: Vec<LeftAlone>,
    /// Stopped by the operator before the end; run rollback again to go on.
    pub cancelled: bool,
}

impl RollbackSummary {
    /// How many steps ended in `state`.
    pub fn count(&self, state: StepState) -> u64 {
        self.counts.get(&state).map_or(0, |m| m.values().sum())
    }
}

/// The runs `scope` names, newest first, checked: they exist, wrote to Nutshell, are not rolled
/// back, and no later live run created records.
pub fn runs_of(journal: &Journal, scope: Scope) -> Result<Vec<RunId>, RollbackError> {
    let live = journal.live_runs()?;
    match scope {
        Scope::All => Ok(live.into_iter().rev().collect()),
        Scope::Run(run) => {
            let all = journal.runs()?;
            let Some(found) = all.iter().find(|r| r.id == run) else {
                return Err(RollbackError::NoSuchRun(run));
            };
            if found.kind == crate::journal::RunKind::DryRun {
                return Err(RollbackError::DryRun(run));
            }
            if journal.rolled_back_at(run)?.is_some() {
                return Err(RollbackError::AlreadyRolledBack(run));
            }
            for later in live.into_iter().filter(|r| *r > run) {
                if !journal.created_by(&[later])?.is_empty() {
                    return Err(RollbackError::LaterRun { run, later });
                }
            }
            let added = journal.added_to_others(run)?;
            if !added.is_empty() {
                let mut listed: Vec<String> = added
                    .iter()
                    .take(5)
                    .map(|(id, t, n, note)| format!("{id} → {t} {n} ({note})"))
                    .collect();
                if added.len() > 5 {
                    listed.push(format!("and {} more", added.len() - 5));
                }
                return Err(RollbackError::AddedToOthers {
                    run,
                    count: added.len(),
                    listed: listed.join("; "),
                });
            }
            Ok(vec![run])
        }
    }
}

/// What rolling back `scope` would delete; reads the journal only.
pub fn plan(journal: &Journal, scope: Scope) -> Result<RollbackPlan, RollbackError> {
    let runs = runs_of(journal, scope)?;
    Ok(RollbackPlan {
        to_delete: journal.created_by(&runs)?,
        left_alone: journal.left_alone(&runs)?,
        runs,
    })
}

/// Roll back `scope`: plan (or find the unfinished plan), delete chunk by chunk, then put the
/// journal back. `cancel` stops between chunks with everything journaled. Each step's outcome is
/// sent as [`Event::Undone`]. `legacy_field` is the custom field holding each record's RSoft ID
/// (`[migration] legacy_id_field`), for looking up creates whose outcome was never known.
pub async fn rollback(
    journal: &mut Journal,
    client: Client,
    legacy_field: &str,
    scope: Scope,
    events: Events,
    cancel: CancellationToken,
) -> Result<RollbackSummary, RollbackError> {
    let runs = runs_of(journal, scope)?;
    let left_alone = journal.left_alone(&runs)?;
    let id = journal.open_rollback(&runs)?;
    let sender = std::sync::Arc::new(Sender::Live(client));
    let legacy: std::sync::Arc<str> = std::sync::Arc::from(legacy_field);
    let mut cancelled = false;
    loop {
        if cancel.is_cancelled() {
            cancelled = true;
            break;
        }
        let chunk = journal.next_rollback_steps(id, CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        let intents: Vec<_> = chunk
            .iter()
            .filter(|s| s.state == StepState::Planned)
            .map(|s| (s.seq, StepState::Deleting, None, None))
            .collect();
        journal.mark_rollback_steps(id, &intents)?;
        let mut set = JoinSet::new();
        for step in chunk {
            let sender = std::sync::Arc::clone(&sender);
            let legacy = std::sync::Arc::clone(&legacy);
            set.spawn(async move {
                let end = undo(&sender, &legacy, &step).await;
                (step, end)
            });
        }
        let mut outcomes = Vec::new();
        let mut failed = None;
        while let Some(joined) = set.join_next().await {
            let Ok((step, end)) = joined else { continue };
            match end {
                Ok((state, nutshell_id, reason)) => {
                    events.send(Event::Undone(Undone {
                        phase: step.phase,
                        rsoft_id: step.rsoft_id.clone(),
                        entity_type: step.entity_type.clone(),
                        nutshell_id: nutshell_id.or(step.nutshell_id),
                        state,
                        reason: reason.clone(),
                    }));
                    outcomes.push((step.seq, state, nutshell_id, reason));
                }
                Err(source) => {
                    failed.get_or_insert(RollbackError::Delete {
                        phase: step.phase.as_str(),
                        rsoft_id: step.rsoft_id.clone(),
                        entity_type: step.entity_type.clone(),
                        id: step.nutshell_id.unwrap_or_default(),
                        source: Box::new(source),
                    });
                }
            }
        }
        journal.mark_rollback_steps(id, &outcomes)?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    let steps = journal.rollback_steps(id)?;
    if !cancelled {
        journal.finish_rollback(id, &runs)?;
    }
    let mut summary = RollbackSummary {
        rollback: id,
        runs,
        counts: BTreeMap::new(),
        kept: Vec::new(),
        gone: Vec::new(),
        left_alone,
        cancelled,
    };
    for s in steps.into_iter().filter(|s| s.state.is_final()) {
        for l in summary.left_alone.iter_mut().filter(|l| {
            l.created_by.is_some()
                && l.entity_type == s.entity_type
                && Some(l.nutshell_id) == s.nutshell_id
        }) {
            l.fate = Some(s.state);
        }
        *summary
            .counts
            .entry(s.state)
            .or_default()
            .entry(s.entity_type.clone())
            .or_default() += 1;
        let undone = Undone {
            phase: s.phase,
            rsoft_id: s.rsoft_id,
            entity_type: s.entity_type,
            nutshell_id: s.nutshell_id,
            state: s.state,
            reason: s.reason,
        };
        match s.state {
            StepState::Kept | StepState::Unknown => summary.kept.push(undone),
            StepState::Gone => summary.gone.push(undone),
            _ => {}
        }
    }
    Ok(summary)
}

/// The get and delete methods of an entity type, with their id parameter.
fn get_delete(entity_type: EntityType) -> Option<(MethodSpec, MethodSpec, &'static str)> {
    match entity_type {
        EntityType::Notes => Some((methods::NOTES_GET, methods::NOTES_DELETE, "noteId")),
        t => t.methods().map(|m| (m.get, m.delete, m.id_param)),
    }
}

type StepEnd = (StepState, Option<i64>, Option<String>);

/// Delete one record: read it (and its rev), leave it when a person edited it since, delete it
/// with that rev; a stale rev reads it again.
async fn undo(
    sender: &Sender,
    legacy_field: &str,
    step: &RollbackStep,
) -> Result<StepEnd, NutshellError> {
    let Some(entity_type) = EntityType::from_name(&step.entity_type) else {
        return Ok((
            StepState::Unknown,
            None,
            Some(format!("unknown entity type {:?}", step.entity_type)),
        ));
    };
    let (id, found_now) = match step.nutshell_id {
        Some(id) => (id, None),
        None => {
            let since = parse_time(&step.intent_at).unwrap_or_else(Utc::now);
            match sender
                .find_made(
                    entity_type,
                    &Value::Null,
                    legacy_field,
                    &step.rsoft_id,
                    since - chrono::Duration::minutes(1),
                )
                .await
            {
                Ok(Some(made)) => (made.id, Some(made.id)),
                Ok(None) => {
                    return Ok((
                        StepState::Gone,
                        None,
                        Some("its create never reached Nutshell".into()),
                    ));
                }
                Err(message) => return Ok((StepState::Unknown, None, Some(message))),
            }
        }
    };
    let (Some((get, delete, id_param)), Some(client)) = (get_delete(entity_type), sender.client())
    else {
        return Ok((
            StepState::Unknown,
            found_now,
            Some("no delete method".into()),
        ));
    };
    let ours = parse_time(&step.ours_at);
    let mut stale = 0;
    loop {
        let current: Value = match client.call(Params::new(get).set(id_param, id)?).await {
            Ok(v) => v,
            Err(NutshellError::NotFound { .. }) => {
                // A `deleting` step that is not found was deleted by the rollback that was killed.
                let (state, reason) = if step.state == StepState::Deleting || stale > 0 {
                    (StepState::Deleted, None)
                } else {
                    (
                        StepState::Gone,
                        Some("not in Nutshell any more (deleted by hand?)".into()),
                    )
                };
                return Ok((state, found_now, reason));
            }
            Err(e) => return Err(e),
        };
        let modified = current
            .get("modifiedTime")
            .and_then(Value::as_str)
            .and_then(Timestamp::parse)
            .map(|t| t.0.with_timezone(&Utc));
        // Nutshell stamps whole seconds: only a later second is surely someone else's edit.
        if let (Some(modified), Some(ours)) = (modified, ours)
            && modified.timestamp() > ours.timestamp()
        {
            return Ok((
                StepState::Kept,
                found_now,
                Some(format!(
                    "edited in Nutshell at {} after the migration wrote it at {}: left alone",
                    modified.to_rfc3339(),
                    ours.to_rfc3339()
                )),
            ));
        }
        let rev = match current.get("rev") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let call = Params::new(delete)
            .set(id_param, id)?
            .set(methods::REV, &rev)?;
        match client.call::<Value>(call).await {
            Ok(_) => return Ok((StepState::Deleted, found_now, None)),
            Err(NutshellError::NotFound { .. }) => {
                return Ok((StepState::Deleted, found_now, None));
            }
            Err(e) if e.class() == FailureClass::StaleRev && stale < STALE_RETRIES => {
                stale += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
