//! The scope verdict: complexity grade, timeline estimate, Nutshell plan, and what the customer
//! recreates by hand. Every rule is written into the report so the customer can check it.

use serde::{Deserialize, Serialize};

use super::Workflow;
use super::custom_fields::CustomFieldCount;
use super::gaps::{Gap, GapKind};
use super::pipelines::Pipeline;

/// The migration's complexity, from points ([`grade`], [`GRADE_RULES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 0–2 points.
    Simple,
    /// 3–4 points.
    Moderate,
    /// 5 points or more.
    Complex,
}

impl Grade {
    /// The grade as the report writes it (`simple`, `moderate`, `complex`).
    pub fn label(self) -> &'static str {
        match self {
            Grade::Simple => "simple",
            Grade::Moderate => "moderate",
            Grade::Complex => "complex",
        }
    }
}

/// The grade's points, each with the rule that gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeScore {
    /// Sum of the rules' points.
    pub points: u32,
    /// Each rule with the points it gave here, e.g. `records 12,345 (10,000–99,999): +1`.
    pub rules: Vec<String>,
}

/// The timeline, in working days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Fewest working days.
    pub working_days_min: u32,
    /// Most working days.
    pub working_days_max: u32,
    /// Each rule used, with what it added here.
    pub rules: Vec<String>,
}

/// The smallest Nutshell plan that holds the scope (limits from docs/nutshell-api.md, "Plans").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecommendation {
    /// `Pro`, `Business` or `Enterprise`.
    pub plan: String,
    /// Why, with the figures from the export.
    pub reasons: Vec<String>,
}

/// What the scope is computed from.
pub struct ScopeInputs<'a> {
    /// Data rows of record modules.
    pub records: u64,
    /// Rows that could not be read.
    pub bad_rows: u64,
    /// Modules that hold at least one record.
    pub record_modules: usize,
    /// Custom fields per module.
    pub custom_fields: &'a [CustomFieldCount],
    /// RSoft pipelines.
    pub pipelines: &'a [Pipeline],
    /// Workflows in the export.
    pub workflows: u64,
    /// Files CSV cannot carry.
    pub gaps: &'a [Gap],
    /// Date columns whose order the data does not decide.
    pub undecided_date_columns: usize,
}

/// How points turn into a grade, written into the report.
pub const GRADE_RULES: &str = "0–2 points simple, 3–4 moderate, 5 or more complex";

/// Grade the migration: one point per rule (records by order of magnitude, more than 5 modules,
/// custom fields over 10 or over RSoft's cap, more than one pipeline, any workflow, any file CSV
/// cannot carry, any bad row or undecided date column). Each rule is returned as text.
pub fn grade(s: &ScopeInputs) -> (Grade, GradeScore) {
    let mut rules = Vec::new();
    let mut points = 0;
    let mut add = |p: u32, rule: String| {
        points += p;
        rules.push(format!("{rule}: +{p}"));
    };
    let r = s.records;
    let rp = match r {
        0..10_000 => 0,
        10_000..100_000 => 1,
        100_000..1_000_000 => 2,
        _ => 3,
    };
    add(
        rp,
        format!("{r} records (under 10k +0, under 100k +1, under 1M +2, else +3)"),
    );
    add(
        u32::from(s.record_modules > 5),
        format!(
            "{} modules with records (more than 5: +1)",
            s.record_modules
        ),
    );
    let cf: usize = s.custom_fields.iter().map(|c| c.count).sum();
    let over = s.custom_fields.iter().any(|c| c.exceeds_standard_cap);
    add(
        u32::from(cf > 10 || over),
        format!(
            "{cf} custom fields, over RSoft's 5-per-module cap: {over} (more than 10, or over the cap: +1)"
        ),
    );
    add(
        u32::from(s.pipelines.len() > 1),
        format!("{} pipelines (more than 1: +1)", s.pipelines.len()),
    );
    add(
        u32::from(s.workflows > 0),
        format!("{} workflows to rebuild by hand (any: +1)", s.workflows),
    );
    add(
        u32::from(!s.gaps.is_empty()),
        format!("{} files CSV cannot carry (any: +1)", s.gaps.len()),
    );
    add(
        u32::from(s.bad_rows > 0 || s.undecided_date_columns > 0),
        format!(
            "{} bad rows, {} date columns whose order the data does not decide (any: +1)",
            s.bad_rows, s.undecided_date_columns
        ),
    );
    let grade = match points {
        0..=2 => Grade::Simple,
        3..=4 => Grade::Moderate,
        _ => Grade::Complex,
    };
    (grade, GradeScore { points, rules })
}

/// Working days: 1–2, 3–5 or 6–10 by grade, plus a day per full 500,000 records, a day per 10
/// workflows, and a day when files must be handed over.
pub fn estimate(grade: Grade, s: &ScopeInputs) -> Estimate {
    let (lo, hi) = match grade {
        Grade::Simple => (1, 2),
        Grade::Moderate => (3, 5),
        Grade::Complex => (6, 10),
    };
    let volume = (s.records / 500_000) as u32;
    let manual = (s.workflows.div_ceil(10) as u32) + u32::from(!s.gaps.is_empty());
    let rules = vec![
        "base by grade: simple 1–2 working days, moderate 3–5, complex 6–10".to_string(),
        format!("+1 day per full 500,000 records: +{volume}"),
        format!(
            "+1 day per 10 workflows to inventory, +1 if files CSV cannot carry must be handed over: +{manual}"
        ),
    ];
    Estimate {
        working_days_min: lo + volume + manual,
        working_days_max: hi + volume + manual,
        rules,
    }
}

/// Pro up to 5 pipelines, Business up to 10, else Enterprise (docs/nutshell-api.md, "Plans"), with
/// a reminder to check the plan's custom-field limit.
pub fn plan(s: &ScopeInputs) -> PlanRecommendation {
    let p = s.pipelines.len();
    let cf: usize = s.custom_fields.iter().map(|c| c.count).sum();
    let plan = match p {
        0..=5 => "Pro",
        6..=10 => "Business",
        _ => "Enterprise",
    };
    PlanRecommendation {
        plan: plan.to_string(),
        reasons: vec![
            format!("{p} pipelines: Pro holds 5, Business 10, Enterprise unlimited"),
            format!(
                "{cf} custom fields to create: only Enterprise has unlimited custom fields; on {plan}, confirm its current custom-field limit covers {cf}"
            ),
        ],
    }
}

/// The customer's to-do list: what the API cannot create or CSV cannot carry.
pub fn manual_steps(
    pipelines: &[Pipeline],
    workflows: &[Workflow],
    workflow_count: u64,
    gaps: &[Gap],
) -> Vec<String> {
    let mut out = Vec::new();
    for p in pipelines {
        let stages: Vec<&str> = p.stages.iter().map(|s| s.name.as_str()).collect();
        let mut line = format!(
            "Create pipeline {:?} in Nutshell's UI (Setup → Pipelines) with stages: {}",
            p.name,
            stages.join(" → ")
        );
        let extra: Vec<&str> = p
            .stages
            .iter()
            .filter(|s| s.only_on_deals)
            .map(|s| s.name.as_str())
            .collect();
        if !extra.is_empty() {
            line.push_str(&format!(
                " (seen only on deals, not in the pipelines file: {})",
                extra.join(", ")
            ));
        }
        out.push(line);
    }
    for w in workflows {
        out.push(format!(
            "Rebuild workflow {:?} ({}) as a Nutshell automation: when {}, if {}, do {}",
            w.name, w.module, w.trigger, w.conditions, w.actions
        ));
    }
    if workflow_count > workflows.len() as u64 {
        out.push(format!(
            "…and {} more workflows (see the workflows file)",
            workflow_count - workflows.len() as u64
        ));
    }
    for kind in [
        GapKind::IvrRecording,
        GapKind::WhatsappThread,
        GapKind::Attachment,
    ] {
        let n = gaps.iter().filter(|g| g.kind == kind).count();
        if n > 0 {
            out.push(format!(
                "Hand over {n} {}(s) outside the import: CSV cannot carry them (attach to the matching Nutshell record by hand or archive them)",
                kind.label()
            ));
        }
    }
    out
}
