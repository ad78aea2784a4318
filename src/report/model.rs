//! The report as plain data: what the Markdown, HTML and CSV renderers draw, serialisable as
//! JSON. Built by [`super::build`] from the scope report, the resolved gaps and, when a run has
//! been recorded, the journal's [`ReportSource`](super::ReportSource).

use serde::{Deserialize, Serialize};

use super::checklist::Checklist;
use super::gaps::GapEntry;
use super::source::{
    CaveatedRecord, FailedRecord, HeldRecord, MergeOrLink, OwnerDecision, PhaseTally, RunInfo,
};
use super::workflows::WorkflowEntry;

/// The whole customer report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationReport {
    /// When it was made, RFC 3339 UTC.
    pub generated_at: String,
    /// What the export holds, from discovery.
    pub scope: Scope,
    /// `None`: the journal records no run yet; every run section says so instead of a number.
    pub run: Option<RunSection>,
    /// The manual steps in Nutshell (pipelines, users, plan) with their state.
    pub checklist: Checklist,
    /// The RSoft workflows to rebuild by hand (no API creates them).
    pub workflows: Vec<WorkflowEntry>,
    /// Workflows in the export; more than `workflows.len()` when discovery listed only the first.
    pub workflows_total: u64,
    /// Data Nutshell cannot hold (recordings, WhatsApp, attachments), each with its record.
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
    /// The points the grade rules gave (0–2 simple, 3–4 moderate, 5+ complex).
    pub grade_points: u32,
    /// Each grade rule with the points it gave.
    pub grade_rules: Vec<String>,
    /// The effort estimate's low end, in working days.
    pub estimate_days_min: u32,
    /// The effort estimate's high end, in working days.
    pub estimate_days_max: u32,
    /// The Nutshell plan the scope needs: `Pro`, `Business` or `Enterprise`.
    pub plan: String,
    /// Why that plan: the pipeline and custom-field counts against each plan's limits.
    pub plan_reasons: Vec<String>,
    /// Every CSV file of the export, as discovery lists them.
    pub objects: Vec<ScopeObject>,
    /// Files no module matched, by path inside the export.
    pub unknown_files: Vec<String>,
    /// Each distinct owner value, as discovery lists them.
    pub owners: Vec<ScopeOwner>,
    /// Warnings and errors discovery found (listed in `discover`'s own report).
    pub findings: u64,
    /// What the operator must do by hand before loading, one line each.
    pub manual_steps: Vec<String>,
}

/// One file of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeObject {
    /// The RSoft module, or `unknown`.
    pub module: String,
    /// Its path inside the export.
    pub file: String,
    /// Data rows (read + bad).
    pub rows: u64,
    /// Rows read into fields.
    pub read_rows: u64,
    /// Rows the reader could not read (ragged, unbalanced quotes), reported by line.
    pub bad_rows: u64,
    /// WHATWG label.
    pub encoding: String,
}

/// One distinct owner value in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeOwner {
    /// The owner cell as the export writes it.
    pub owner: String,
    /// Records carrying it.
    pub records: u64,
    /// `Name <email>` of the matching user in the export's users file, if any.
    pub user: Option<String>,
}

/// Everything the journal says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSection {
    /// Each recorded run, as the journal lists them.
    pub runs: Vec<RunInfo>,
    /// Each phase's tally checked against its source rows.
    pub reconciliation: Vec<PhaseReconciliation>,
    /// True when every phase reconciles.
    pub reconciles: bool,
    /// Records held back for the operator, with why.
    pub holds: Vec<HeldRecord>,
    /// Records the server refused, with its answer.
    pub failures: Vec<FailedRecord>,
    /// Records created with caveats: what the tool had to choose for them.
    #[serde(default)]
    pub caveats: Vec<CaveatedRecord>,
    /// How each RSoft owner was matched to a Nutshell user.
    pub owner_decisions: Vec<OwnerDecision>,
    /// Records linked to or merged with one already in Nutshell.
    pub merges_and_links: Vec<MergeOrLink>,
}

/// A phase's tally checked: source rows = created + linked + merged + held + failed + unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseReconciliation {
    /// The phase's counts, as the journal records them.
    #[serde(flatten)]
    pub tally: PhaseTally,
    /// created + linked + merged + held + failed + unchanged.
    pub accounted: u64,
    /// `source_rows - accounted`: positive rows in no bucket, negative rows counted twice.
    pub difference: i64,
    /// `difference == 0`.
    pub reconciles: bool,
    /// The bar: one segment per non-empty bucket, in bucket order.
    pub segments: Vec<Segment>,
}

/// One bucket of a phase's bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// `created`, `linked`, `merged`, `held`, `failed`, `unchanged`, `unaccounted`.
    pub bucket: String,
    /// Rows in the bucket.
    pub count: u64,
    /// Share of the bar, 0–100, of max(source rows, accounted).
    pub percent: f64,
}
