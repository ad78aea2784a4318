//! The journal: one SQLite database per migration (`<state dir>/journal.sqlite`, WAL) that is the
//! single source of truth for what happened. It holds the runs, a ledger row per source record
//! (its state, attempts, last error), the Nutshell entities each record made in creation order
//! (what rollback deletes, newest first), holds with reasons, dedupe keys (normalised company
//! name, email → Nutshell id) and owner decisions.
//!
//! Writes come in batches ([`Batch`]), one transaction each: the load writes the intent
//! (`sending`) of a whole batch of creates before sending any of them, and their outcomes after.
//! The id map lives here, not in RAM: reads are indexed point lookups ([`Journal::resolve`],
//! [`Journal::dedupe`]).

mod audit;
mod delta;
mod ledger;
mod listing;
mod outcomes;
mod query;
mod rollback;
mod schema;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::rsoft::Module;

pub use delta::{GoneRow, TallyRow};
pub use ledger::{Batch, EntityOutcome, Failure, SourceRecord};
pub use listing::Unlisted;
pub use outcomes::OutcomeRow;
pub use query::{
    CaveatRow, EntityRow, FailureRow, HoldRow, KeyHit, LedgerRow, OwnerDecision, PhaseCount,
    Resolution, Run,
};
pub use rollback::{LeftAlone, RollbackId, RollbackStep, StepState};
pub use schema::SCHEMA_VERSION;

/// The journal's file name inside the state dir.
pub const JOURNAL_FILE: &str = "journal.sqlite";

/// Why the journal could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The state dir could not be created.
    #[error("cannot create the state dir {path}: {source}. Check [migration] state_dir")]
    StateDir {
        /// The state dir.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The journal's schema is newer than this binary knows; it is not touched.
    #[error(
        "the journal {path} was written by a newer crm-migrate (schema version {found}; this binary understands up to {supported}). Use the newer crm-migrate for this migration"
    )]
    TooNew {
        /// The journal file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this binary reads.
        supported: i64,
    },
    /// SQLite refused a statement (a locked, damaged or unwritable database).
    #[error("journal: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored value (a state, a kind) this binary has no name for.
    #[error("journal holds a value this binary does not know: {0}")]
    Unknown(String),
    /// [`Journal::open_existing`] found no journal: nothing was migrated from this state dir.
    #[error("no journal in {dir}: nothing was migrated with this config yet (run migrate first)")]
    NotFound {
        /// The state dir that holds no journal.
        dir: PathBuf,
    },
}

/// The load's phases, in dependency order. Each source record belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// RSoft companies → Nutshell Accounts (deduped by normalised name, linked to existing ones).
    Accounts,
    /// RSoft contacts → Contacts (deduped by email).
    Contacts,
    /// RSoft leads → a Contact (the person, deduped by email) and a Lead in the prospect pipeline.
    Leads,
    /// RSoft deals → Leads in their pipeline and stage.
    Deals,
    /// RSoft activities → Activities (notes → Notes).
    Activities,
    /// RSoft tickets → Tasks, or logged Activities for closed ones as the map says.
    Tasks,
    /// RSoft ticket messages → Notes on the record the ticket is about.
    TicketNotes,
}

impl Phase {
    /// Every phase in load order.
    pub const ALL: [Phase; 7] = [
        Phase::Accounts,
        Phase::Contacts,
        Phase::Leads,
        Phase::Deals,
        Phase::Activities,
        Phase::Tasks,
        Phase::TicketNotes,
    ];

    /// The name stored in the journal and shown to the operator.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Accounts => "accounts",
            Phase::Contacts => "contacts",
            Phase::Leads => "leads",
            Phase::Deals => "deals",
            Phase::Activities => "activities",
            Phase::Tasks => "tasks",
            Phase::TicketNotes => "ticket_notes",
        }
    }

    /// The RSoft module whose rows this phase loads.
    pub fn module(self) -> Module {
        match self {
            Phase::Accounts => Module::Companies,
            Phase::Contacts => Module::Contacts,
            Phase::Leads => Module::Leads,
            Phase::Deals => Module::Deals,
            Phase::Activities => Module::Activities,
            Phase::Tasks => Module::Tickets,
            Phase::TicketNotes => Module::TicketMessages,
        }
    }

    /// The phase that loads `module`; `None` for modules that describe setup (users,
    /// pipelines, custom fields, workflows).
    pub fn of(module: Module) -> Option<Phase> {
        Self::ALL.into_iter().find(|p| p.module() == module)
    }

    fn parse(text: &str) -> Result<Self, JournalError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| JournalError::Unknown(format!("phase {text:?}")))
    }
}

/// Where a source record is. Every record ends in exactly one of the last five.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    /// Registered, not yet tried (or released from a hold).
    Pending,
    /// A create was sent and its outcome is not yet written: resolve by lookup, never re-send.
    Sending,
    /// At least one Nutshell entity was created for it.
    Created,
    /// It matched an entity that already existed in Nutshell; nothing was created.
    Linked,
    /// It was a duplicate of another source record of this migration and was merged into it.
    Merged,
    /// Held with reasons (an orphan, a failed lookup, a held parent); awaits the customer.
    Held,
    /// Nutshell refused it, or it could not be built; the reason is in `last_error`.
    Failed,
}

impl RecordState {
    /// Every state.
    pub const ALL: [RecordState; 7] = [
        RecordState::Pending,
        RecordState::Sending,
        RecordState::Created,
        RecordState::Linked,
        RecordState::Merged,
        RecordState::Held,
        RecordState::Failed,
    ];

    /// The name stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Pending => "pending",
            RecordState::Sending => "sending",
            RecordState::Created => "created",
            RecordState::Linked => "linked",
            RecordState::Merged => "merged",
            RecordState::Held => "held",
            RecordState::Failed => "failed",
        }
    }

    /// Done for good: a re-run does not send it again.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            RecordState::Created | RecordState::Linked | RecordState::Merged
        )
    }

    fn parse(text: &str) -> Result<Self, JournalError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| JournalError::Unknown(format!("record state {text:?}")))
    }
}

/// What the last delta did with a settled record (the ledger's `delta_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeltaState {
    /// Its content hash matched the ledger's: nothing was sent.
    Unchanged,
    /// Its content changed: its Nutshell record was edited (multi-value fields merged).
    Edited,
    /// Its content changed, but its Nutshell record is not its own to edit (linked to a record
    /// that existed before, merged into another row's, or a note, which Nutshell lets only its
    /// author edit within 24 hours): left as it is and reported.
    Kept,
    /// Its content changed and the edit was refused: the ledger keeps the old content hash, so
    /// the next delta tries again; the refusal is in `last_error` and failures.csv.
    EditFailed,
}

impl DeltaState {
    /// The name stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaState::Unchanged => "unchanged",
            DeltaState::Edited => "edited",
            DeltaState::Kept => "kept",
            DeltaState::EditFailed => "edit_failed",
        }
    }
}

/// How a Nutshell entity came to belong to a source record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityState {
    /// The create was sent; its outcome is unknown until written or looked up.
    Sending,
    /// This migration created it: rollback deletes it.
    Created,
    /// It existed in Nutshell before the migration: rollback leaves it.
    Linked,
    /// Another record of this migration created it: rollback deletes it with that record.
    Merged,
}

impl EntityState {
    fn as_str(self) -> &'static str {
        match self {
            EntityState::Sending => "sending",
            EntityState::Created => "created",
            EntityState::Linked => "linked",
            EntityState::Merged => "merged",
        }
    }

    fn parse(text: &str) -> Result<Self, JournalError> {
        [
            EntityState::Sending,
            EntityState::Created,
            EntityState::Linked,
            EntityState::Merged,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| JournalError::Unknown(format!("entity state {text:?}")))
    }
}

/// What a run was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunKind {
    /// `migrate --dry-run`: builds every payload and sends nothing; nothing is journaled.
    DryRun,
    /// `migrate --sample N`: N records per module, live.
    Sample,
    /// The whole export, live.
    Full,
    /// `migrate --delta`: what changed in the export since the last run.
    Delta,
}

impl RunKind {
    /// The kind as stored (`dry-run`, `sample`, `full`, `delta`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::DryRun => "dry-run",
            RunKind::Sample => "sample",
            RunKind::Full => "full",
            RunKind::Delta => "delta",
        }
    }

    fn parse(text: &str) -> Result<Self, JournalError> {
        [
            RunKind::DryRun,
            RunKind::Sample,
            RunKind::Full,
            RunKind::Delta,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| JournalError::Unknown(format!("run kind {text:?}")))
    }
}

/// How a run ended (`None` in [`Run::outcome`] while it runs, or when it was killed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Every record accounted for (held ones included).
    Done,
    /// Finished with some records failed.
    Failed,
    /// Stopped by the operator; re-run to go on.
    Cancelled,
    /// Blocked on an operator decision before anything was sent.
    Blocked,
    /// Stopped by an error (connection, I/O).
    Error,
}

impl RunOutcome {
    /// The outcome as stored (`done`, `failed`, `cancelled`, `blocked`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Done => "done",
            RunOutcome::Failed => "failed",
            RunOutcome::Cancelled => "cancelled",
            RunOutcome::Blocked => "blocked",
            RunOutcome::Error => "error",
        }
    }

    fn parse(text: &str) -> Result<Self, JournalError> {
        [
            RunOutcome::Done,
            RunOutcome::Failed,
            RunOutcome::Cancelled,
            RunOutcome::Blocked,
            RunOutcome::Error,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| JournalError::Unknown(format!("run outcome {text:?}")))
    }
}

/// Where a dedupe key came from (`origin` in [`KeyHit`]).
pub const ORIGIN_EXISTING: &str = "existing";
/// A key written for a record this migration created.
pub const ORIGIN_CREATED: &str = "created";

/// A dedupe key kind: what a key in [`Journal::dedupe`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A normalised company name → an Account: what a reference by company name resolves to.
    CompanyName,
    /// A company's match key (its normalised name with a website domain, phone or email
    /// domain, `crate::rsoft::company::match_keys`) → an Account: a company row with the same
    /// key is that account.
    CompanyMatch,
    /// A lower-cased email → a Contact.
    Email,
}

impl KeyKind {
    fn as_str(self) -> &'static str {
        match self {
            KeyKind::CompanyName => "company",
            KeyKind::CompanyMatch => "company_match",
            KeyKind::Email => "email",
        }
    }
}

/// A run's id in the journal.
pub type RunId = i64;

/// An open journal. Not `Sync`: one task owns it and others send it work.
#[derive(Debug)]
pub struct Journal {
    conn: Connection,
    path: PathBuf,
}

impl Journal {
    /// Open (or create) the journal of the migration whose state lives in `state_dir`.
    pub fn open(state_dir: &Path) -> Result<Self, JournalError> {
        std::fs::create_dir_all(state_dir).map_err(|source| JournalError::StateDir {
            path: state_dir.to_path_buf(),
            source,
        })?;
        Self::open_file(&state_dir.join(JOURNAL_FILE))
    }

    /// Open the journal of a migration that has run (rollback, verify): unlike [`Journal::open`]
    /// it never creates one, and says [`JournalError::NotFound`] when `state_dir` holds none.
    pub fn open_existing(state_dir: &Path) -> Result<Self, JournalError> {
        if !state_dir.join(JOURNAL_FILE).exists() {
            return Err(JournalError::NotFound {
                dir: state_dir.to_path_buf(),
            });
        }
        Self::open(state_dir)
    }

    /// Open (or create) a journal file; refuse one written by a newer binary.
    pub fn open_file(path: &Path) -> Result<Self, JournalError> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // A killed process loses nothing committed under WAL + NORMAL; only a power cut can
        // lose the last commits, and those are resolved by lookup like any `sending` record.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut conn, path)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Start a run; `config_hash` and `map_hash` say what it ran with.
    pub fn start_run(
        &mut self,
        kind: RunKind,
        config_hash: &str,
        map_hash: &str,
    ) -> Result<RunId, JournalError> {
        self.conn.execute(
            "INSERT INTO runs (kind, config_hash, map_hash, started_at) VALUES (?1, ?2, ?3, ?4)",
            (kind.as_str(), config_hash, map_hash, now()),
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Close a run with its outcome.
    pub fn finish_run(&mut self, run: RunId, outcome: RunOutcome) -> Result<(), JournalError> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?1, outcome = ?2 WHERE id = ?3",
            (now(), outcome.as_str(), run),
        )?;
        Ok(())
    }

    /// Record how an RSoft owner cell was resolved to a Nutshell user (`basis`: "email",
    /// "name", "owners.toml"). The latest decision for an owner replaces the earlier one.
    pub fn record_owner_decision(
        &mut self,
        run: RunId,
        decision: &OwnerDecision,
    ) -> Result<(), JournalError> {
        self.conn.execute(
            "INSERT INTO owner_decisions (owner, user_id, user_email, basis, run_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (owner) DO UPDATE SET user_id = excluded.user_id,
               user_email = excluded.user_email, basis = excluded.basis,
               run_id = excluded.run_id, at = excluded.at",
            (
                &decision.owner,
                decision.user_id,
                &decision.user_email,
                &decision.basis,
                run,
                now(),
            ),
        )?;
        Ok(())
    }

    /// Release every hold (or those of one phase), those for the operator too: the records go
    /// back to `pending` and the next run builds them again. Returns how many records were
    /// released.
    pub fn release_holds(&mut self, phase: Option<Phase>) -> Result<usize, JournalError> {
        let tx = self.conn.transaction()?;
        let phase = phase.map(Phase::as_str);
        tx.execute(
            "UPDATE holds SET released_at = ?1 WHERE released_at IS NULL AND ledger_id IN
               (SELECT id FROM ledger WHERE state = 'held' AND (?2 IS NULL OR phase = ?2))",
            (now(), phase),
        )?;
        let n = tx.execute(
            "UPDATE ledger SET state = 'pending', updated_at = ?1
             WHERE state = 'held' AND (?2 IS NULL OR phase = ?2)",
            (now(), phase),
        )?;
        tx.commit()?;
        Ok(n)
    }
}

/// Now as RFC 3339 UTC, the journal's time format.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
