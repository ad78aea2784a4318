//! Everything that stops a run before anything moves, gathered all at once (never stopping at the
//! first): unconfirmed map entries, map problems, owners without a Nutshell user, missing
//! pipelines, stages and activity types, custom fields or tags that cannot be created. Each names
//! the file to edit; `migrate` exits 3 while any is left (docs/design.md §4) with [`render`] as its
//! message, and the wizard lists the same values.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, DateOrder};
use crate::discovery::Report;
use crate::mapping::formats::format_problems;
use crate::mapping::model::FieldMap;
use crate::mapping::schema::DestinationSchema;
use crate::mapping::source::source_columns;
use crate::mapping::validate::{Problem, Unconfirmed, unconfirmed, validate};

/// The checklist for the account's admin, in the state dir.
pub const CHECKLIST_FILE: &str = "nutshell-setup-checklist.md";

/// What kind of decision or setup a blocker waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerKind {
    /// A mapping.toml entry still `proposed`.
    UnconfirmedMapEntry,
    /// The map cannot be used as written (a required field no column fills, …).
    MapProblem,
    /// An RSoft owner with no Nutshell user and no owners.toml value.
    UnmatchedOwner,
    /// An RSoft owner that fits two or more Nutshell users: never picked.
    AmbiguousOwner,
    /// An owners.toml value that names no Nutshell user.
    UnknownOwnerUser,
    /// Lines of owners.toml that name one owner (spellings of one name) with different users:
    /// the file contradicts itself, so none is picked and the fix is deleting a line.
    OwnerConflict,
    /// A mapped Nutshell pipeline that does not exist (the API cannot create one).
    MissingPipeline,
    /// A mapped stage missing from an existing pipeline.
    MissingStage,
    /// A mapped activity type Nutshell does not have (the API cannot create one).
    MissingActivityType,
    /// A custom field that is missing and cannot be created, or exists with another type.
    CustomField,
    /// A tag Nutshell refused to create.
    Tag,
    /// The API user lacks a permission the run needs (assigning records to other users).
    Permission,
}

/// One thing that blocks the run, and where to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// Which decision or setup step it waits on.
    pub kind: BlockerKind,
    /// What it is about: an owner, `[columns.deals] "Stage"`, a pipeline, a field.
    pub item: String,
    /// What is wrong, in the operator's words.
    pub problem: String,
    /// What to do about it (which value to set, what to ask the admin).
    pub fix: String,
    /// The file to edit (or, for Nutshell setup, the checklist to hand the admin).
    pub file: PathBuf,
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}. Fix: {}", self.item, self.problem, self.fix)
    }
}

/// The files a blocker can point at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Files {
    /// crm-migrate.toml (holds `legacy_id_field`).
    pub config: PathBuf,
    /// mapping.toml (columns, value maps, stages).
    pub mapping: PathBuf,
    /// owners.toml (owner → Nutshell user).
    pub owners: PathBuf,
    /// The admin checklist in the state dir ([`CHECKLIST_FILE`]).
    pub checklist: PathBuf,
}

impl Files {
    /// The files of a run of `config`, read from `config_path`.
    pub fn of(config_path: &Path, config: &Config) -> Self {
        Self {
            config: config_path.to_path_buf(),
            mapping: config.migration.mapping.clone(),
            owners: config.migration.owners.clone(),
            checklist: config.state_dir().join(CHECKLIST_FILE),
        }
    }
}

/// The map's blockers: every entry still proposed (the gate of `mapping::validate`; call
/// `accept_proposed` first for `--accept-proposed`), and every problem that makes the map
/// unusable whatever the account holds (checked against no account: custom fields, stages and
/// activity types are the destination's blockers, from `schema::plan`).
pub fn map_blockers(map: &FieldMap, files: &Files) -> Vec<Blocker> {
    let from_gate = |u: Unconfirmed| Blocker {
        kind: BlockerKind::UnconfirmedMapEntry,
        item: format!("{} {:?}", u.section, u.key),
        problem: format!(
            "proposed {} (confidence {:.2}: {}) is not confirmed",
            u.proposal, u.confidence, u.reason
        ),
        fix: "set status = \"confirmed\", \"edited\" or \"ignored\", or run with --accept-proposed"
            .into(),
        file: files.mapping.clone(),
    };
    let mut out: Vec<Blocker> = unconfirmed(map).into_iter().map(from_gate).collect();
    out.extend(
        validate(map, &DestinationSchema::offline())
            .into_iter()
            .map(|p| map_problem(p, files)),
    );
    out
}

/// The proposed formats that only the operator can decide, as `map` prints them
/// ([`format_problems`]): a number format no value decides (`125.000` beside `4500`: 125 or
/// 125000) and a date order that contradicts `declared` (`[source] date_order`). Not lifted by
/// `--accept-proposed`: a guess between two readings is not a confident proposal. `report` is
/// discovery's of the export the run loads.
pub fn format_blockers(
    map: &FieldMap,
    report: &Report,
    declared: DateOrder,
    files: &Files,
) -> Vec<Blocker> {
    format_problems(map, &source_columns(report), declared)
        .into_iter()
        .map(|p| map_problem(p, files))
        .collect()
}

fn map_problem(p: Problem, files: &Files) -> Blocker {
    Blocker {
        kind: BlockerKind::MapProblem,
        item: match &p.item {
            Some(item) => format!("{} {item:?}", p.module.as_str()),
            None => p.module.as_str().to_string(),
        },
        problem: p.problem,
        fix: p.fix,
        file: files.mapping.clone(),
    }
}

/// The exit-3 message: a count, then the blockers grouped by the file to edit, in a stable order.
pub fn render(blockers: &[Blocker]) -> String {
    let mut sorted: Vec<&Blocker> = blockers.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.kind).cmp(&(&b.file, b.kind)));
    let mut out = format!(
        "blocked: {} item{} to decide before anything moves\n",
        blockers.len(),
        if blockers.len() == 1 { "" } else { "s" }
    );
    let mut file: Option<&Path> = None;
    for b in sorted {
        if file != Some(b.file.as_path()) {
            file = Some(&b.file);
            out.push_str(&format!("\nin {}:\n", b.file.display()));
        }
        out.push_str(&format!("  - {b}\n"));
    }
    out
}
