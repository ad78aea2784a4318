//! What the report needs from the journal, as plain data behind one small trait. The journal
//! (`src/journal/`, SQLite) implements [`ReportSource`]; tests implement it over fixtures. The
//! report never counts anything itself: every number in a run section comes from here, and with
//! no source the report says "no run recorded yet".

use serde::{Deserialize, Serialize};

use crate::rsoft::Module;

/// The journal's answers for the report. Each method reads the whole journal (every run, the
/// latest outcome per source row); errors are the journal's own, passed through as text.
pub trait ReportSource {
    /// Runs recorded, oldest first. Empty: nothing has run yet, and the report says so.
    fn runs(&self) -> Result<Vec<RunInfo>, SourceError>;
    /// One tally per phase, in load order (Accounts → People → Leads (prospects) → Leads
    /// (deals) → Activities → Tasks → Notes).
    fn reconciliation(&self) -> Result<Vec<PhaseTally>, SourceError>;
    /// Rows held (orphans and unresolved lookups), with the reason.
    fn holds(&self) -> Result<Vec<HeldRecord>, SourceError>;
    /// Rows that failed, with the reason.
    fn failures(&self) -> Result<Vec<FailedRecord>, SourceError>;
    /// Rows that created their record with caveats: what the tool had to choose for them (a
    /// phone's country, a local time that happened twice, an account only Nutshell had).
    fn caveats(&self) -> Result<Vec<CaveatedRecord>, SourceError>;
    /// Each RSoft owner and the Nutshell user it became.
    fn owner_decisions(&self) -> Result<Vec<OwnerDecision>, SourceError>;
    /// Rows that did not create a record: linked to a record already in Nutshell, or merged into
    /// another row's record (duplicates in the export).
    fn merges_and_links(&self) -> Result<Vec<MergeOrLink>, SourceError>;
    /// The Nutshell record a source row became (created, linked or merged), if any.
    fn landed(&self, module: Module, rsoft_id: &str)
    -> Result<Option<NutshellRecord>, SourceError>;
}

/// The journal could not answer.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the journal for the report: {0}")]
pub struct SourceError(pub String);

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The journal's run id (what `rollback --run ID` takes).
    pub id: String,
    /// `full`, `sample`, `delta`, `dry-run`, `rollback`.
    pub kind: String,
    /// RFC 3339, UTC.
    pub started: String,
    /// RFC 3339, UTC; `None` while running or when the run was interrupted.
    pub finished: Option<String>,
    /// `finished`, `interrupted`, `rolled back`…, as the journal words it.
    pub status: String,
}

/// One phase's source rows and where each ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseTally {
    /// The phase's name, e.g. `Accounts` or `Leads (deals)`.
    pub phase: String,
    /// Rows of the source files this phase reads.
    pub source_rows: u64,
    /// Rows that created a new Nutshell record.
    pub created: u64,
    /// Rows linked to a record already in Nutshell before the run.
    pub linked: u64,
    /// Rows merged into a record another row of this export created.
    pub merged: u64,
    /// Rows held back for the operator (see [`HeldRecord`]).
    pub held: u64,
    /// Rows the server refused or that could not be built (see [`FailedRecord`]).
    pub failed: u64,
    /// Unchanged since the previous run (a delta run); 0 on a first run.
    pub unchanged: u64,
}

/// A source row held back, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldRecord {
    /// The phase that held it, as [`PhaseTally::phase`] names it.
    pub phase: String,
    /// The RSoft module of the row.
    pub module: Module,
    /// The row's RSoft ID, as the export writes it.
    pub rsoft_id: String,
    /// The row's name (company, person, deal title) for a reader.
    pub label: String,
    /// Why it was held and what releases it, in the journal's words.
    pub reason: String,
}

/// A source row that created its record, with what the tool had to choose for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaveatedRecord {
    /// The phase that created it.
    pub phase: String,
    /// The RSoft module of the row.
    pub module: Module,
    /// The row's RSoft ID.
    pub rsoft_id: String,
    /// The Nutshell record it created, when the journal has its id.
    pub record: Option<NutshellRecord>,
    /// The caveats, `; `-separated, in the builder's words.
    pub caveats: String,
}

/// A source row that failed, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRecord {
    /// The phase that failed it.
    pub phase: String,
    /// The RSoft module of the row.
    pub module: Module,
    /// The row's RSoft ID.
    pub rsoft_id: String,
    /// The row's name (company, person, deal title) for a reader.
    pub label: String,
    /// The source column (header) whose value was refused, when known.
    pub field: Option<String>,
    /// The source file and its 1-based line, when known.
    pub file: Option<String>,
    /// The 1-based physical line in `file`, when known.
    pub line: Option<u64>,
    /// `permanent`, `ambiguous`, `invalid value`…, as the journal words it.
    pub class: String,
    /// The refusal: the server's message or the builder's reason.
    pub reason: String,
}

/// An RSoft owner and the Nutshell user it was matched or assigned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerDecision {
    /// The owner as written in the export (email, name or `Name <email>`).
    pub rsoft_owner: String,
    /// Records carrying this owner.
    pub records: u64,
    /// The Nutshell user's email, `None` when unresolved.
    pub nutshell_user: Option<String>,
    /// The Nutshell user's id, `None` when unresolved.
    pub nutshell_user_id: Option<u64>,
    /// `matched by email`, `matched by name`, `chosen by the operator in owners.toml`…
    pub how: String,
}

/// A row that reused a record instead of creating one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeOrLink {
    /// The phase that reused the record.
    pub phase: String,
    /// The RSoft module of the row.
    pub module: Module,
    /// The row's RSoft ID.
    pub rsoft_id: String,
    /// The row's name, for a reader.
    pub label: String,
    /// Linked or merged.
    pub outcome: Reuse,
    /// The record it reused.
    pub record: NutshellRecord,
    /// Why, e.g. `same normalised company name as Nutshell account 12`.
    pub reason: String,
}

/// How a row reused a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reuse {
    /// Linked to a record that was already in Nutshell before the run.
    Linked,
    /// Merged into the record another row of the export created.
    Merged,
}

impl Reuse {
    /// `linked` / `merged`, as the report and its CSV write it.
    pub fn label(self) -> &'static str {
        match self {
            Reuse::Linked => "linked",
            Reuse::Merged => "merged",
        }
    }
}

/// A record in Nutshell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NutshellRecord {
    /// Nutshell's `entityType`: `Accounts`, `Contacts`, `Leads`, `Activities`, `Tasks`, `Notes`.
    pub entity_type: String,
    /// Nutshell's id for the record.
    pub id: u64,
}
