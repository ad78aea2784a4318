//! The report as plain data: what the Markdown, HTML and CSV renderers draw, serialisable as
//! JSON. Built by [`super::build`] from the scope report, the resolved gaps and, when a run has
//! been recorded, the journal's [`ReportSource`](super::ReportSource).

use serde::{Deserialize, Serialize};

use super::checklist::Checklist;
use super::gaps::GapEntry;
use super::source::{FailedRecord, HeldRecord, MergeOrLink, OwnerDecision, PhaseTally, RunInfo};
use super::workflows::WorkflowEntry;

/// The whole customer report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationReport {
    /// When it was made, RFC 3339 UTC.
    pub generated_at: String,
    pub scope: Scope,
    /// `None`: the journal records no run yet; every run section says so instead of a number.
    pub run: Option<RunSection>,
    pub checklist: Checklist,
    pub workflows: Vec<WorkflowEntry>,
    /// Workflows in the export; more than `workflows.len()` when discovery listed only the first.
    pub workflows_total: u64,
    pub gaps: Vec<GapEntry>,
    /// How sure the web-link shapes are ([`super::gaps::WEB_LINK_NOTE`]).
    pub web_link_note: String,
}

/// The scope, from discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// The export folder or .zip as given.
    pub export: String,
    /// Rows in record modules (bad rows included).
    pub records: u64,
    /// `simple`, `moderate`, `complex`.
    pub grade: String,
    pub grade_points: u32,
    /// Each grade rule with the points it gave.
    pub grade_rules: Vec<String>,
    pub estimate_days_min: u32,
    pub estimate_days_max: u32,
    pub plan: String,
    pub plan_reasons: Vec<String>,
    pub objects: Vec<ScopeObject>,
    pub unknown_files: Vec<String>,
    pub owners: Vec<ScopeOwner>,
    /// Warnings and errors discovery found (listed in `discover`'s own report).
    pub findings: u64,
    pub manual_steps: Vec<String>,
}

/// One file of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeObject {
    /// The RSoft module, or `unknown`.
    pub module: String,
    pub file: String,
    pub rows: u64,
    pub read_rows: u64,
    pub bad_rows: u64,
    /// WHATWG label.
    pub encoding: String,
}

/// One distinct owner value in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeOwner {
    pub owner: String,
    pub records: u64,
    /// `Name <email>` of the matching user in the export's users file, if any.
    pub user: Option<String>,
}

/// Everything the journal says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSection {
    pub runs: Vec<RunInfo>,
    pub reconciliation: Vec<PhaseReconciliation>,
    /// True when every phase reconciles.
    pub reconciles: bool,
    pub holds: Vec<HeldRecord>,
    pub failures: Vec<FailedRecord>,
    pub owner_decisions: Vec<OwnerDecision>,
    pub merges_and_links: Vec<MergeOrLink>,
}

/// A phase's tally checked: source rows = created + linked + merged + held + failed + unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseReconciliation {
    #[serde(flatten)]
    pub tally: PhaseTally,
    /// created + linked + merged + held + failed + unchanged.
    pub accounted: u64,
    /// `source_rows - accounted`: positive rows in no bucket, negative rows counted twice.
    pub difference: i64,
    pub reconciles: bool,
    /// The bar: one segment per non-empty bucket, in bucket order.
    pub segments: Vec<Segment>,
}

/// One bucket of a phase's bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// `created`, `linked`, `merged`, `held`, `failed`, `unchanged`, `unaccounted`.
    pub bucket: String,
    pub count: u64,
    /// Share of the bar, 0–100, of max(source rows, accounted).
    pub percent: f64,
}
