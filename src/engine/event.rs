//! What the engine tells whoever watches a run: a stream of [`Event`]s on a tokio channel. The
//! CLI turns them into progress bars or plain lines, the wizard folds them into its snapshot. The
//! engine never prints.

use serde::Serialize;
use tokio::sync::mpsc;

use crate::journal::{Phase, RunId, RunKind, StepState};
use crate::nutshell::ThrottleSnapshot;

/// What happened to one source record in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RecordOutcome {
    /// At least one Nutshell entity was created (`caveats`: what the builder had to choose).
    Created {
        /// What the builder chose where the source was unclear, one line each.
        caveats: Vec<String>,
    },
    /// It matched a record already in Nutshell; linked, not created. That record is not edited
    /// (rollback could not undo an edit of a record the migration did not create), so the row's
    /// values it lacks are listed here and in the report.
    Linked {
        /// The Nutshell record and the key that matched (`Accounts 12 (same email …), already in
        /// Nutshell`).
        to: String,
        /// The row's values that record lacks, not sent, one each: multi-value items
        /// (`phone +911126484451`) and differing fields (`owner … (the record has …)`).
        not_sent: Vec<String>,
    },
    /// It duplicated another record of this export and was merged into it: the row's
    /// multi-value items that record lacked were added to it by an edit; its differing
    /// single-value fields were not sent (the record keeps the first row's).
    Merged {
        /// The Nutshell record this migration created that it joined, and the key that matched
        /// (`Accounts 12 (same company name …)`).
        into: String,
        /// Multi-value items added to that record, one each (`phone +911126484451`); in a dry
        /// run, the items to add where the record lacks them.
        added: Vec<String>,
        /// The row's single-value fields that differ from the record's, not sent, one each
        /// (`owner … (the record has …)`).
        not_sent: Vec<String>,
    },
    /// Held with reasons, awaiting the customer.
    Held {
        /// Why, one reason each, in the operator's words.
        reasons: Vec<String>,
    },
    /// Failed: the API's (or the builder's) message and the field at fault.
    Failed {
        /// The message as the API or the builder gave it.
        message: String,
        /// The payload field at fault, when the message names one.
        field: Option<String>,
    },
    /// Done by an earlier run; not sent again.
    AlreadyDone,
    /// A delta found the row changed and edited its Nutshell record (`fields`: the body's keys
    /// sent; multi-value fields merged with what Nutshell has).
    Edited {
        /// The keys of the body sent.
        fields: Vec<String>,
    },
    /// A delta found the row as the last run loaded it; nothing was sent.
    Unchanged,
    /// A delta found the row changed, but its Nutshell record is not its own to edit (linked,
    /// merged, or a note): left as it is, with the reason.
    Kept {
        /// Why the record was left as it is.
        reason: String,
    },
}

/// Per-phase tallies, as the run reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Records created in this run.
    pub created: u64,
    /// Records linked to one already in Nutshell.
    pub linked: u64,
    /// Records merged into another of this export.
    pub merged: u64,
    /// Records held with reasons.
    pub held: u64,
    /// Records that failed.
    pub failed: u64,
    /// Settled in an earlier run.
    pub already_done: u64,
    /// Changed since the last run and edited in Nutshell (a delta).
    pub edited: u64,
    /// Unchanged since the last run (a delta).
    pub unchanged: u64,
    /// Changed, but not this row's own record to edit (a delta).
    pub kept: u64,
    /// Loaded by an earlier run and no longer in the export (a delta): reported, never
    /// deleted in Nutshell. Not a source row of this export, so not in [`Tally::total`].
    pub gone: u64,
}

impl Tally {
    /// Count one outcome.
    pub fn add(&mut self, outcome: &RecordOutcome) {
        match outcome {
            RecordOutcome::Created { .. } => self.created += 1,
            RecordOutcome::Linked { .. } => self.linked += 1,
            RecordOutcome::Merged { .. } => self.merged += 1,
            RecordOutcome::Held { .. } => self.held += 1,
            RecordOutcome::Failed { .. } => self.failed += 1,
            RecordOutcome::AlreadyDone => self.already_done += 1,
            RecordOutcome::Edited { .. } => self.edited += 1,
            RecordOutcome::Unchanged => self.unchanged += 1,
            RecordOutcome::Kept { .. } => self.kept += 1,
        }
    }

    /// Every source row counted (the export's rows of the phase).
    pub fn total(&self) -> u64 {
        self.created
            + self.linked
            + self.merged
            + self.held
            + self.failed
            + self.already_done
            + self.edited
            + self.unchanged
            + self.kept
    }

    /// Each count by name, as the journal keeps a run's tally (`run_tallies`).
    pub fn counts(&self) -> [(&'static str, u64); 10] {
        [
            ("created", self.created),
            ("linked", self.linked),
            ("merged", self.merged),
            ("held", self.held),
            ("failed", self.failed),
            ("already_done", self.already_done),
            ("edited", self.edited),
            ("unchanged", self.unchanged),
            ("kept", self.kept),
            ("gone", self.gone),
        ]
    }
}

/// One thing that happened in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A run began (`run` is `None` for a dry run, which writes no journal).
    RunStarted {
        /// The journal's id for the run.
        run: Option<RunId>,
        /// Dry, sample or full.
        kind: RunKind,
    },
    /// A phase began; `total` is its source rows (an upper bound for a sample).
    PhaseStarted {
        /// The phase.
        phase: Phase,
        /// Source rows of the phase's module.
        total: u64,
    },
    /// One source record reached its state for this run.
    Record {
        /// The phase the record belongs to.
        phase: Phase,
        /// The record's RSoft ID.
        rsoft_id: String,
        /// What happened to it.
        outcome: RecordOutcome,
    },
    /// The client's throttle changed pace (sent at most a few times a second).
    Throttle(ThrottleSnapshot),
    /// A phase ended.
    PhaseFinished {
        /// The phase.
        phase: Phase,
        /// Its records per outcome.
        tally: Tally,
    },
    /// A delta found a record an earlier run loaded that the export no longer has (deleted in
    /// RSoft): reported, never deleted in Nutshell.
    Gone(crate::journal::GoneRow),
    /// The run ended. `cancelled`: stopped by the operator; re-run to go on.
    RunFinished {
        /// The operator stopped the run before its end.
        cancelled: bool,
    },
    /// A rollback settled one record it planned to delete (deleted, gone, kept, unknown).
    Undone(Undone),
}

/// What one step of a rollback came to, as events report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Undone {
    /// The phase that created the record.
    pub phase: Phase,
    /// The RSoft ID of the source record.
    pub rsoft_id: String,
    /// Nutshell's `entityType` of the record.
    pub entity_type: String,
    /// The record's Nutshell id; `None` when a create left unknown by a kill was not found.
    pub nutshell_id: Option<i64>,
    /// Deleted, gone, kept or unknown.
    pub state: StepState,
    /// Why it was gone, kept or unknown, in the operator's words (`edited in Nutshell at …`);
    /// `None` for a plain delete.
    pub reason: Option<String>,
}

/// The sending side the engine writes to. Sends never block the load: a watcher that stopped
/// listening (closed its receiver) is simply no longer told.
#[derive(Debug, Clone)]
pub struct Events(Option<mpsc::UnboundedSender<Event>>);

impl Events {
    /// Events go to `tx`.
    pub fn new(tx: mpsc::UnboundedSender<Event>) -> Self {
        Self(Some(tx))
    }

    /// Nobody watches.
    pub fn none() -> Self {
        Self(None)
    }

    /// Tell the watcher, if any; never blocks and never fails (a gone watcher is ignored).
    pub fn send(&self, event: Event) {
        if let Some(tx) = &self.0 {
            let _ = tx.send(event);
        }
    }
}
