//! The customer's reports: one [`MigrationReport`] model, drawn as Markdown (`report.md`), one
//! self-contained HTML page (`report.html`: inline CSS, no scripts, no network fetches, every
//! value escaped) and one CSV per section (every cell through [`spreadsheet::neutralise`]).
//!
//! Sections from the export (always there): the scope, the custom-field and pipeline checklist,
//! the workflow inventory with suggested Nutshell equivalents, and the gap inventory. Sections
//! from the journal (through [`ReportSource`]): runs, reconciliation per phase with a bar chart,
//! holds, failures, owner decisions, merges and links, and each gap file's Nutshell record.
//! Without a recorded run those sections say "no run recorded yet" — never a made-up number.

pub mod checklist;
pub mod csv;
pub mod gaps;
pub mod html;
pub mod journal_source;
pub mod markdown;
pub mod model;
pub mod source;
pub mod spreadsheet;
pub mod workflows;
mod written;

use std::path::{Path, PathBuf};

pub use model::{MigrationReport, PhaseReconciliation, RunSection, Scope, Segment};
pub use source::{ReportSource, SourceError};
pub use written::{WriteReportsError, Written, write_reports};

use crate::discovery;
use crate::rsoft::{Export, ReadError};
use source::PhaseTally;

/// What stands in for every journal section when the journal records no run.
pub const NO_RUN: &str = "no run recorded yet";

/// The sections that come from the journal, in report order; each says [`NO_RUN`] without a run.
pub const JOURNAL_SECTIONS: [&str; 5] = [
    "Reconciliation per phase",
    "Held records",
    "Failures",
    "Owner decisions",
    "Merges and links",
];

/// The report as Markdown (this and the next are file names in the output folder).
pub const MARKDOWN_FILE: &str = "report.md";
/// The same report as one self-contained HTML page.
pub const HTML_FILE: &str = "report.html";

/// Why a report could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The journal could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A CSV table could not be written.
    #[error(transparent)]
    Csv(#[from] spreadsheet::CsvWriteError),
    #[error("cannot write {path}: {source}. Check the folder is writable and has space")]
    /// A report file could not be written.
    Write {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    #[error("internal: the HTML report template failed: {0}")]
    /// The HTML template failed to render (a bug, not the operator's doing).
    Template(String),
}

impl From<gaps::GapError> for ReportError {
    fn from(e: gaps::GapError) -> Self {
        match e {
            gaps::GapError::Read(e) => ReportError::Read(e),
            gaps::GapError::Source(e) => ReportError::Source(e),
        }
    }
}

/// Options that come from the config.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// ISO 3166 alpha-2 country for phone numbers without a country code (gap matching).
    pub country: String,
    /// Nutshell's web app (`https://app.nutshell.com`) for record links; `None` for the sandbox.
    pub web_base: Option<String>,
    /// RFC 3339 UTC time written on the report.
    pub generated_at: String,
}

/// Reads the export (discovery, then one pass to match gap files to records) and builds the
/// report, with the journal's sections when `source` records a run.
pub fn generate(
    export: &Export,
    source: Option<&dyn ReportSource>,
    options: &ReportOptions,
) -> Result<MigrationReport, ReportError> {
    let scope = discovery::discover(export)?;
    let gaps = gaps::resolve(export, &scope.gaps, &options.country)?;
    build(&scope, gaps, source, options)
}

/// Builds the report from a scope report and its resolved gaps. A `source` with no runs counts as
/// none.
pub fn build(
    scope: &discovery::Report,
    mut gap_entries: Vec<gaps::GapEntry>,
    source: Option<&dyn ReportSource>,
    options: &ReportOptions,
) -> Result<MigrationReport, ReportError> {
    let mut run = None;
    if let Some(source) = source {
        let runs = source.runs()?;
        if !runs.is_empty() {
            let reconciliation: Vec<PhaseReconciliation> = source
                .reconciliation()?
                .into_iter()
                .map(reconcile)
                .collect();
            gaps::attach_landed(&mut gap_entries, source, options.web_base.as_deref())?;
            run = Some(RunSection {
                runs,
                reconciles: reconciliation.iter().all(|p| p.reconciles),
                reconciliation,
                holds: source.holds()?,
                failures: source.failures()?,
                caveats: source.caveats()?,
                owner_decisions: with_owner_records(source.owner_decisions()?, scope),
                merges_and_links: source.merges_and_links()?,
            });
        }
    }
    Ok(MigrationReport {
        generated_at: options.generated_at.clone(),
        scope: scope_of(scope),
        run,
        checklist: checklist::checklist(&scope.custom_fields, &scope.pipelines),
        workflows: workflows::inventory(&scope.workflows.inventory),
        workflows_total: scope.workflows.count,
        gaps: gap_entries,
        web_link_note: gaps::WEB_LINK_NOTE.to_string(),
    })
}

/// Owner decisions whose source kept no record count (the journal) take it from the export's
/// scope: the owner's cells across all modules, as discovery counted them.
fn with_owner_records(
    mut decisions: Vec<source::OwnerDecision>,
    scope: &discovery::Report,
) -> Vec<source::OwnerDecision> {
    for d in decisions.iter_mut().filter(|d| d.records == 0) {
        let key = d.rsoft_owner.trim();
        let same = |v: &Option<String>| v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(key));
        if let Some(o) = scope
            .owners
            .iter()
            .find(|o| o.raw.eq_ignore_ascii_case(key) || same(&o.email) || same(&o.name))
        {
            d.records = o.records;
        }
    }
    decisions
}

/// Writes `report.md`, `report.html` and the section CSVs into `dir` (created if missing) and
/// returns the paths written, in that order. Journal CSVs are written only when a run is recorded.
pub fn write_all(report: &MigrationReport, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, text) in [
        (MARKDOWN_FILE, markdown::render(report)),
        (HTML_FILE, html::render(report)?),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| ReportError::Write {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path);
    }
    written.extend(csv::write(report, dir)?);
    Ok(written)
}

/// The buckets of a phase in bar order, with their counts.
fn buckets(t: &PhaseTally) -> [(&'static str, u64); 6] {
    [
        ("created", t.created),
        ("linked", t.linked),
        ("merged", t.merged),
        ("held", t.held),
        ("failed", t.failed),
        ("unchanged", t.unchanged),
    ]
}

/// Checks a phase's sum and lays out its bar.
fn reconcile(tally: PhaseTally) -> PhaseReconciliation {
    let accounted: u64 = buckets(&tally).iter().map(|(_, n)| n).sum();
    let difference = i128::from(tally.source_rows) - i128::from(accounted);
    let difference =
        i64::try_from(difference).unwrap_or(if difference > 0 { i64::MAX } else { i64::MIN });
    let whole = tally.source_rows.max(accounted);
    let percent = |n: u64| {
        if whole == 0 {
            0.0
        } else {
            // Two decimals are enough for a bar and keep the HTML stable.
            (n as f64 * 10_000.0 / whole as f64).round() / 100.0
        }
    };
    let unaccounted = tally.source_rows.saturating_sub(accounted);
    let segments = buckets(&tally)
        .into_iter()
        .chain([("unaccounted", unaccounted)])
        .filter(|(_, n)| *n > 0)
        .map(|(bucket, count)| Segment {
            bucket: bucket.to_string(),
            count,
            percent: percent(count),
        })
        .collect();
    PhaseReconciliation {
        accounted,
        difference,
        reconciles: difference == 0,
        segments,
        tally,
    }
}

fn scope_of(r: &discovery::Report) -> Scope {
    Scope {
        export: r.export.clone(),
        records: r.records,
        grade: r.grade.label().to_string(),
        grade_points: r.grade_score.points,
        grade_rules: r.grade_score.rules.clone(),
        estimate_days_min: r.estimate.working_days_min,
        estimate_days_max: r.estimate.working_days_max,
        plan: r.plan.plan.clone(),
        plan_reasons: r.plan.reasons.clone(),
        objects: r
            .objects
            .iter()
            .map(|o| model::ScopeObject {
                module: o.module.map_or("unknown", |m| m.as_str()).to_string(),
                file: o.file.clone(),
                rows: o.rows,
                read_rows: o.read_rows,
                bad_rows: o.bad_rows,
                encoding: o.encoding.label().to_string(),
            })
            .collect(),
        unknown_files: r.unknown_files.clone(),
        owners: r
            .owners
            .iter()
            .map(|o| model::ScopeOwner {
                owner: o.raw.clone(),
                records: o.records,
                user: o.user.as_ref().map(|u| format!("{} <{}>", u.name, u.email)),
            })
            .collect(),
        findings: r.warnings.len() as u64,
        manual_steps: r.manual_steps.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(source_rows: u64, created: u64, held: u64, failed: u64) -> PhaseTally {
        PhaseTally {
            phase: "Accounts".into(),
            source_rows,
            created,
            held,
            failed,
            ..PhaseTally::default()
        }
    }

    #[test]
    fn a_balanced_phase_reconciles() {
        let r = reconcile(tally(10, 7, 2, 1));
        assert!(r.reconciles);
        assert_eq!((r.accounted, r.difference), (10, 0));
        let bars: Vec<(&str, u64, f64)> = r
            .segments
            .iter()
            .map(|s| (s.bucket.as_str(), s.count, s.percent))
            .collect();
        assert_eq!(
            bars,
            [("created", 7, 70.0), ("held", 2, 20.0), ("failed", 1, 10.0)]
        );
    }

    #[test]
    fn missing_and_double_counted_rows_do_not_reconcile() {
        let short = reconcile(tally(10, 5, 0, 0));
        assert!(!short.reconciles);
        assert_eq!(short.difference, 5);
        assert_eq!(
            short.segments.last().map(|s| s.bucket.as_str()),
            Some("unaccounted")
        );
        let over = reconcile(tally(3, 3, 1, 0));
        assert!(!over.reconciles);
        assert_eq!(over.difference, -1);
        assert_eq!(over.segments[0].percent, 75.0);
    }
}
