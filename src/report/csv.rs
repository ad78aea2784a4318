//! One CSV per section, for the customer's spreadsheet. Every cell goes through
//! [`super::spreadsheet::neutralise`]. Journal sections are written only when a run is recorded:
//! an empty `failures.csv` before any run would read as "nothing failed".

use std::path::{Path, PathBuf};

use super::ReportError;
use super::model::{MigrationReport, RunSection};
use super::spreadsheet::write_csv;

/// File names, in the order they are written.
pub const SCOPE_FILE: &str = "scope.csv";
pub const OWNERS_FILE: &str = "owners_in_export.csv";
pub const CUSTOM_FIELDS_FILE: &str = "checklist_custom_fields.csv";
pub const PIPELINES_FILE: &str = "checklist_pipelines.csv";
pub const WORKFLOWS_FILE: &str = "workflows.csv";
pub const GAPS_FILE: &str = "gaps.csv";
pub const RUNS_FILE: &str = "runs.csv";
pub const RECONCILIATION_FILE: &str = "reconciliation.csv";
pub const HOLDS_FILE: &str = "holds.csv";
pub const FAILURES_FILE: &str = "failures.csv";
pub const OWNER_DECISIONS_FILE: &str = "owner_decisions.csv";
pub const MERGES_FILE: &str = "merges_and_links.csv";

/// Writes the section CSVs into `dir` and returns their paths.
pub fn write(r: &MigrationReport, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = Vec::new();
    let mut put = |name: &str, header: &[&str], rows: Vec<Vec<String>>| {
        let path = dir.join(name);
        write_csv(&path, header, rows)?;
        written.push(path);
        Ok::<(), ReportError>(())
    };
    let s = &r.scope;
    put(
        SCOPE_FILE,
        &[
            "module",
            "file",
            "rows",
            "read_rows",
            "bad_rows",
            "encoding",
        ],
        s.objects
            .iter()
            .map(|o| {
                vec![
                    o.module.clone(),
                    o.file.clone(),
                    o.rows.to_string(),
                    o.read_rows.to_string(),
                    o.bad_rows.to_string(),
                    o.encoding.clone(),
                ]
            })
            .collect(),
    )?;
    put(
        OWNERS_FILE,
        &["owner", "records", "rsoft_user"],
        s.owners
            .iter()
            .map(|o| {
                vec![
                    o.owner.clone(),
                    o.records.to_string(),
                    o.user.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    )?;
    put(
        CUSTOM_FIELDS_FILE,
        &[
            "rsoft_module",
            "field",
            "rsoft_type",
            "options",
            "fill_rate",
            "nutshell_entity",
            "nutshell_type",
            "action",
        ],
        r.checklist
            .custom_fields
            .iter()
            .map(|f| {
                vec![
                    f.module.to_string(),
                    f.name.clone(),
                    f.rsoft_type.clone(),
                    f.options.clone().unwrap_or_default(),
                    f.fill_rate.map(|p| format!("{p:.3}")).unwrap_or_default(),
                    f.nutshell_entity.clone().unwrap_or_default(),
                    f.nutshell_type.clone().unwrap_or_default(),
                    f.action.clone(),
                ]
            })
            .collect(),
    )?;
    put(
        PIPELINES_FILE,
        &[
            "pipeline",
            "pipeline_in_pipelines_file",
            "position",
            "stage",
            "probability",
            "deals",
            "stage_in_pipelines_file",
        ],
        r.checklist
            .pipelines
            .iter()
            .flat_map(|p| {
                p.stages.iter().enumerate().map(move |(i, st)| {
                    vec![
                        p.name.clone(),
                        yes_no(p.defined),
                        (i + 1).to_string(),
                        st.name.clone(),
                        st.probability.clone().unwrap_or_default(),
                        st.deals.to_string(),
                        yes_no(!st.only_on_deals),
                    ]
                })
            })
            .collect(),
    )?;
    put(
        WORKFLOWS_FILE,
        &[
            "workflow",
            "module",
            "status",
            "trigger",
            "conditions",
            "actions",
            "rule",
            "matched",
            "suggested_equivalent",
        ],
        r.workflows
            .iter()
            .flat_map(|entry| {
                let w = &entry.workflow;
                entry.suggestions.iter().map(move |sg| {
                    vec![
                        w.name.clone(),
                        w.module.clone(),
                        w.status.clone(),
                        w.trigger.clone(),
                        w.conditions.clone(),
                        w.actions.clone(),
                        sg.rule.clone(),
                        sg.matched.clone(),
                        sg.equivalent.clone(),
                    ]
                })
            })
            .collect(),
    )?;
    let no_run = r.run.is_none();
    put(
        GAPS_FILE,
        &[
            "kind",
            "file",
            "bytes",
            "named_for",
            "rsoft_module",
            "rsoft_id",
            "record",
            "matched_on",
            "nutshell_entity",
            "nutshell_id",
            "link",
            "note",
        ],
        r.gaps
            .iter()
            .flat_map(|g| {
                let head = vec![
                    g.kind.clone(),
                    g.path.clone(),
                    g.size.to_string(),
                    g.key.clone(),
                ];
                if g.belongs_to.is_empty() {
                    let mut row = head;
                    row.extend(std::iter::repeat_n(String::new(), 7));
                    row.push(g.unmatched.clone().unwrap_or_default());
                    return vec![row];
                }
                g.belongs_to
                    .iter()
                    .map(|o| {
                        let mut row = head.clone();
                        row.extend([
                            o.module.to_string(),
                            o.rsoft_id.clone(),
                            o.label.clone(),
                            o.matched_on.clone(),
                            o.nutshell
                                .as_ref()
                                .map(|n| n.entity_type.clone())
                                .unwrap_or_default(),
                            o.nutshell
                                .as_ref()
                                .map(|n| n.id.to_string())
                                .unwrap_or_default(),
                            o.link.clone().unwrap_or_default(),
                            if no_run {
                                super::NO_RUN.to_string()
                            } else {
                                String::new()
                            },
                        ]);
                        row
                    })
                    .collect()
            })
            .collect(),
    )?;
    if let Some(run) = &r.run {
        write_run(run, &mut put)?;
    }
    Ok(written)
}

fn write_run(
    run: &RunSection,
    put: &mut impl FnMut(&str, &[&str], Vec<Vec<String>>) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    put(
        RUNS_FILE,
        &["run", "kind", "started", "finished", "status"],
        run.runs
            .iter()
            .map(|x| {
                vec![
                    x.id.clone(),
                    x.kind.clone(),
                    x.started.clone(),
                    x.finished.clone().unwrap_or_default(),
                    x.status.clone(),
                ]
            })
            .collect(),
    )?;
    put(
        RECONCILIATION_FILE,
        &[
            "phase",
            "source_rows",
            "created",
            "linked",
            "merged",
            "held",
            "failed",
            "unchanged",
            "accounted",
            "difference",
            "reconciles",
        ],
        run.reconciliation
            .iter()
            .map(|p| {
                let t = &p.tally;
                vec![
                    t.phase.clone(),
                    t.source_rows.to_string(),
                    t.created.to_string(),
                    t.linked.to_string(),
                    t.merged.to_string(),
                    t.held.to_string(),
                    t.failed.to_string(),
                    t.unchanged.to_string(),
                    p.accounted.to_string(),
                    p.difference.to_string(),
                    yes_no(p.reconciles),
                ]
            })
            .collect(),
    )?;
    put(
        HOLDS_FILE,
        &["phase", "rsoft_module", "rsoft_id", "record", "reason"],
        run.holds
            .iter()
            .map(|h| {
                vec![
                    h.phase.clone(),
                    h.module.to_string(),
                    h.rsoft_id.clone(),
                    h.label.clone(),
                    h.reason.clone(),
                ]
            })
            .collect(),
    )?;
    put(
        FAILURES_FILE,
        &[
            "phase",
            "rsoft_module",
            "rsoft_id",
            "record",
            "file",
            "line",
            "column",
            "class",
            "reason",
        ],
        run.failures
            .iter()
            .map(|f| {
                vec![
                    f.phase.clone(),
                    f.module.to_string(),
                    f.rsoft_id.clone(),
                    f.label.clone(),
                    f.file.clone().unwrap_or_default(),
                    f.line.map(|l| l.to_string()).unwrap_or_default(),
                    f.field.clone().unwrap_or_default(),
                    f.class.clone(),
                    f.reason.clone(),
                ]
            })
            .collect(),
    )?;
    put(
        OWNER_DECISIONS_FILE,
        &[
            "rsoft_owner",
            "records",
            "nutshell_user",
            "nutshell_user_id",
            "how",
        ],
        run.owner_decisions
            .iter()
            .map(|o| {
                vec![
                    o.rsoft_owner.clone(),
                    o.records.to_string(),
                    o.nutshell_user.clone().unwrap_or_default(),
                    o.nutshell_user_id
                        .map(|i| i.to_string())
                        .unwrap_or_default(),
                    o.how.clone(),
                ]
            })
            .collect(),
    )?;
    put(
        MERGES_FILE,
        &[
            "phase",
            "rsoft_module",
            "rsoft_id",
            "record",
            "outcome",
            "nutshell_entity",
            "nutshell_id",
            "reason",
        ],
        run.merges_and_links
            .iter()
            .map(|m| {
                vec![
                    m.phase.clone(),
                    m.module.to_string(),
                    m.rsoft_id.clone(),
                    m.label.clone(),
                    m.outcome.label().to_string(),
                    m.record.entity_type.clone(),
                    m.record.id.to_string(),
                    m.reason.clone(),
                ]
            })
            .collect(),
    )
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}
