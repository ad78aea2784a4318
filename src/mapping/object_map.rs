//! The object map: how each RSoft object of the export lands in Nutshell, as a consultant's
//! scope document opens (issue 12, "the object map"). One row per object present — its record
//! count, the Nutshell entities it becomes (docs/design.md §2, the landing table), its
//! compatibility, what the operator must still decide — and a headline over all rows. `map`
//! prints it, writes it as Markdown beside mapping.toml and puts it in its JSON as
//! `object_map`.

use std::fmt::Write as _;

use serde::Serialize;

use super::memory::MappingMemory;
use super::model::{CONFIDENCE_THRESHOLD, FieldMap, ModuleMap, Status, Target};
use super::propose::propose_map;
use super::schema::DestinationSchema;
use super::source::{source_columns, stage_pairs};
use super::validate::{Problem, validate};
use crate::discovery::Report;
use crate::discovery::gaps::GapKind;
use crate::discovery::markdown::render_opening;
use crate::rsoft::Module;
use crate::vocabulary::Vocabulary;

/// How an RSoft object carries over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compatibility {
    /// One Nutshell record per RSoft record, every column placed.
    OneToOne,
    /// One RSoft record becomes several Nutshell records (a lead: a person and a lead).
    OneToMany,
    /// Columns or values the operator must still map before the load.
    MappingRequired,
    /// Carried over with something dropped (columns set to ignore).
    Lossy,
    /// Not moved by the API: a checklist or an inventory instead, with the reason.
    NotMigrated,
}

impl Compatibility {
    /// `1:1`, `1:many`, `mapping required`, `lossy`, `not migrated`.
    pub fn label(self) -> &'static str {
        match self {
            Compatibility::OneToOne => "1:1",
            Compatibility::OneToMany => "1:many",
            Compatibility::MappingRequired => "mapping required",
            Compatibility::Lossy => "lossy",
            Compatibility::NotMigrated => "not migrated",
        }
    }
}

/// One RSoft object of the export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectRow {
    /// The RSoft object (`Leads`, `Workflows`, `IVR recordings`…).
    pub object: String,
    /// Its records (data rows; workflows; files for recordings, threads and attachments).
    pub records: u64,
    /// The Nutshell entities it becomes (`Contacts (the person) + Leads`), or `—`.
    pub lands_as: String,
    /// How it carries over.
    pub compatibility: Compatibility,
    /// What the operator must decide or do, or why it is not migrated; empty when nothing.
    pub decide: String,
    /// The row as one line: "Leads: 16 → Contacts (the person) + Leads, 1:many; …".
    pub headline: String,
}

/// The object map of one export and its field map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectMap {
    /// "7 of 10 objects map 1:1; mapping required: 4; not migrated: 2".
    pub headline: String,
    /// One row per object present, in landing order.
    pub objects: Vec<ObjectRow>,
}

/// How one module's columns stand in the map.
#[derive(Debug, Default)]
pub struct ColumnTally {
    /// Columns sent somewhere above the threshold or decided by the operator.
    pub mapped: usize,
    /// Unmapped, or proposed below the threshold: the operator decides.
    pub flagged: usize,
    /// Deliberately not moved.
    pub ignored: usize,
    /// Entries the operator decided.
    pub decided: usize,
    /// Custom fields the load creates, by name.
    pub new_custom: Vec<String>,
    /// Value-map entries still without a confident `to`.
    pub flagged_values: usize,
}

impl ColumnTally {
    /// The tally of one module's entries and value maps.
    pub fn of(module_map: &ModuleMap) -> ColumnTally {
        let mut t = ColumnTally::default();
        for c in &module_map.columns {
            if c.status.is_decided() {
                t.decided += 1;
            }
            match (&c.target, c.status) {
                (Target::Ignore, _) | (_, Status::Ignored) => t.ignored += 1,
                (Target::Unmapped, _) => t.flagged += 1,
                (_, Status::Proposed) if c.confidence < CONFIDENCE_THRESHOLD => t.flagged += 1,
                _ => t.mapped += 1,
            }
            if let Target::Custom {
                name, create: true, ..
            } = &c.target
                && c.status != Status::Ignored
                && !t.new_custom.contains(name)
            {
                t.new_custom.push(name.clone());
            }
        }
        t.flagged_values = module_map
            .values
            .values()
            .flatten()
            .filter(|v| {
                v.status == Status::Proposed
                    && (v.confidence < CONFIDENCE_THRESHOLD || v.to.trim().is_empty())
            })
            .count();
        t
    }
}

/// An RSoft module's name for people, where it lands (docs/design.md §2) and whether that is one
/// record or several.
fn landing(module: Module) -> (&'static str, &'static str, Compatibility) {
    use Compatibility::{NotMigrated, OneToMany, OneToOne};
    match module {
        Module::Companies => ("Companies", "Accounts", OneToOne),
        Module::Contacts => ("Contacts", "Contacts", OneToOne),
        Module::Leads => ("Leads", "Contacts (the person) + Leads", OneToMany),
        Module::Deals => ("Deals", "Leads in the mapped pipeline and stage", OneToOne),
        Module::Activities => ("Activities", "Activities (RSoft notes → Notes)", OneToOne),
        Module::Tickets => ("Tickets", "Tasks", OneToOne),
        Module::TicketMessages => ("Ticket messages", "Notes on the ticket's Task", OneToOne),
        Module::Users => ("Users", "Users (matched by email, never created)", OneToOne),
        Module::Pipelines => (
            "Pipelines and stages",
            "Stagesets and milestones (made by an admin)",
            OneToOne,
        ),
        Module::CustomFields => ("Custom fields", "Custom fields", OneToOne),
        Module::Workflows => ("Workflows", "—", NotMigrated),
    }
}

/// The object map for `report`'s export under `map`, with `problems` (validation and value
/// problems) counted against the module they name.
pub fn object_map(report: &Report, map: &FieldMap, problems: &[Problem]) -> ObjectMap {
    let mut rows = Vec::new();
    let mut modules: Vec<(Module, u64)> = Vec::new();
    for o in &report.objects {
        let Some(module) = o.module else { continue };
        match modules.iter_mut().find(|(m, _)| *m == module) {
            Some((_, n)) => *n += o.rows,
            None => modules.push((module, o.rows)),
        }
    }
    modules.sort();
    for (module, records) in modules {
        let (object, lands_as, base) = landing(module);
        let mut decide: Vec<String> = Vec::new();
        let mut compatibility = base;
        if let Some(module_map) = map.modules.get(&module) {
            let t = ColumnTally::of(module_map);
            let module_problems = problems.iter().filter(|p| p.module == module).count();
            for (n, what, to) in [
                (t.flagged, "column", "to map"),
                (t.flagged_values, "value", "to map"),
                (module_problems, "problem", "to fix"),
                (t.new_custom.len(), "custom field", "to create"),
            ] {
                if n > 0 {
                    decide.push(counted(n, what, to));
                }
            }
            if t.flagged + t.flagged_values + module_problems > 0 {
                compatibility = Compatibility::MappingRequired;
            } else if t.ignored > 0 && base == Compatibility::OneToOne {
                compatibility = Compatibility::Lossy;
                decide.push(counted(t.ignored, "column", "ignored"));
            }
        }
        match module {
            Module::Users => {
                decide.push("match each owner to a Nutshell user (owners.toml)".into())
            }
            Module::Pipelines => {
                compatibility = Compatibility::MappingRequired;
                decide.push(format!(
                    "the API cannot create pipelines: an admin makes the {} pipelines from the checklist; stages through the stage map",
                    report.pipelines.len()
                ));
            }
            Module::CustomFields => {
                compatibility = Compatibility::MappingRequired;
                decide.push(format!(
                    "{} custom fields: each gets a Nutshell type in the map",
                    report.custom_fields.len()
                ));
            }
            Module::Workflows => decide.push(format!(
                "the API has no workflows; {} are listed to rebuild by hand",
                report.workflows.count
            )),
            _ => {}
        }
        let records = if module == Module::Workflows {
            report.workflows.count
        } else {
            records
        };
        rows.push(row(object.into(), records, lands_as, compatibility, decide));
    }
    for (kind, object) in [
        (GapKind::IvrRecording, "IVR call recordings"),
        (GapKind::WhatsappThread, "WhatsApp threads"),
        (GapKind::Attachment, "Attachments"),
    ] {
        let files = report.gaps.iter().filter(|g| g.kind == kind).count() as u64;
        if files > 0 {
            rows.push(row(
                object.into(),
                files,
                "—",
                Compatibility::NotMigrated,
                vec!["CSV and the API carry no files; listed in the gap inventory with the record each belongs to".into()],
            ));
        }
    }
    let count = |c: Compatibility| rows.iter().filter(|r| r.compatibility == c).count();
    let mut headline = format!(
        "{} of {} objects map 1:1",
        count(Compatibility::OneToOne),
        rows.len()
    );
    for c in [
        Compatibility::OneToMany,
        Compatibility::MappingRequired,
        Compatibility::Lossy,
        Compatibility::NotMigrated,
    ] {
        if count(c) > 0 {
            let _ = write!(headline, "; {}: {}", c.label(), count(c));
        }
    }
    ObjectMap {
        headline,
        objects: rows,
    }
}

/// `1 column ignored`, `3 columns ignored`.
fn counted(n: usize, what: &str, rest: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{n} {what}{s} {rest}")
}

fn row(
    object: String,
    records: u64,
    lands_as: &str,
    compatibility: Compatibility,
    decide: Vec<String>,
) -> ObjectRow {
    let decide = decide.join("; ");
    let mut headline = format!(
        "{object}: {records} → {lands_as}, {}",
        compatibility.label()
    );
    if !decide.is_empty() {
        let _ = write!(headline, "; {decide}");
    }
    ObjectRow {
        object,
        records,
        lands_as: lands_as.to_string(),
        compatibility,
        decide,
        headline,
    }
}

impl ObjectMap {
    /// The map as Markdown: a title, the headline and a table with one row per object.
    pub fn to_markdown(&self) -> String {
        self.markdown("#")
    }

    /// [`ObjectMap::to_markdown`] with its title at heading `level` (`#`, `##`).
    pub fn markdown(&self, level: &str) -> String {
        let mut out = format!("{level} How the RSoft objects land in Nutshell\n\n");
        let _ = writeln!(out, "{}.\n", self.headline);
        out.push_str("| RSoft object | Records | Nutshell | Compatibility | To decide |\n");
        out.push_str("|---|---:|---|---|---|\n");
        let cell = |s: &str| s.replace('|', "\\|");
        for r in &self.objects {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&r.object),
                r.records,
                cell(&r.lands_as),
                r.compatibility.label(),
                cell(&r.decide)
            );
        }
        out
    }
}

/// The scope report as `discover` and the wizard's discovery screen write it: discovery's report
/// opened by its object map. In JSON, the report's keys and `object_map`.
#[derive(Debug, Serialize)]
pub struct ScopeReport<'r> {
    /// How each object lands, as `map` first proposes it offline (see [`ScopeReport::new`]).
    pub object_map: ObjectMap,
    /// Discovery's report.
    #[serde(flatten)]
    pub report: &'r Report,
}

impl<'r> ScopeReport<'r> {
    /// `report` opened by its [`proposed_object_map`].
    pub fn new(report: &'r Report, vocabulary: &Vocabulary, legacy_id_field: &str) -> Self {
        ScopeReport {
            object_map: proposed_object_map(report, vocabulary, legacy_id_field),
            report,
        }
    }

    /// The scope report as Markdown: its title and grade, then the object map, then the rest.
    pub fn to_markdown(&self) -> String {
        render_opening(self.report, &self.object_map.markdown("##"))
    }
}

/// The object map of the map `map` would propose from `report` alone, before any decision:
/// headers read with `vocabulary`, the legacy-id field named `legacy_id_field`, Nutshell's
/// standard fields and stock activity types (no destination is read, so custom fields and
/// stages show as to map). Discovery has judged every value already; nothing is read again.
pub fn proposed_object_map(
    report: &Report,
    vocabulary: &Vocabulary,
    legacy_id_field: &str,
) -> ObjectMap {
    let schema = DestinationSchema::offline();
    let map = propose_map(
        vocabulary,
        &source_columns(report),
        &stage_pairs(&report.pipelines),
        &schema,
        legacy_id_field,
        &MappingMemory::default(),
        None,
    );
    let problems = validate(&map, &schema);
    object_map(report, &map, &problems)
}
