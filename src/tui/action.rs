//! Every change to the wizard's state is an [`Action`]. Actions a key can trigger have serde
//! names (`"accept_all"`), which is how `assets/keymap.toml` and `[keys.*]` in the config bind
//! keys to them; the outcomes of background work arrive as [`Action::Done`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::discovery::Report;
use crate::engine::blockers::Files;
use crate::engine::event::Event;
use crate::engine::load::{MigrateOptions, MigrateOutcome};
use crate::engine::owners::OwnersFile;
use crate::engine::ready::{Readiness, Writes};
use crate::engine::rollback::{RollbackPlan, RollbackSummary, Scope};
use crate::engine::schema::DestinationUser;
use crate::engine::verify::VerifyReport;
use crate::mapping::model::FieldMap;
use crate::mapping::object_map::ObjectMap;
use crate::mapping::schema::DestinationSchema;
use crate::mapping::validate::Problem;
use crate::report::Written;
use crate::rsoft::Module;
use crate::vocabulary::Vocabulary;

/// One change to the wizard's state: a key's action (bound by name in `assets/keymap.toml`), a
/// terminal event, or the outcome of background work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave the wizard (asks again when the field map has unsaved changes).
    Quit,
    /// Leave at once (Ctrl-C; hard-wired so the terminal is always given back).
    ForceQuit,
    /// Show or hide the full key list.
    Help,
    /// Close what is open: the help, a notice, a drill-down, an edit.
    Back,
    /// Go to the next step of the wizard (when the current one allows it).
    NextStep,
    /// Go back one step.
    PrevStep,
    /// Focus the row above.
    Up,
    /// Focus the row below.
    Down,
    /// Up one screenful.
    PageUp,
    /// Down one screenful.
    PageDown,
    /// First row.
    Home,
    /// Last row.
    End,
    /// Mouse wheel: a few rows at a time.
    ScrollUp,
    /// Mouse wheel down: a few rows at a time.
    ScrollDown,
    /// Previous / next module (field map).
    Left,
    /// Next module (field map).
    Right,
    /// Start editing the focused field, or cycle a choice.
    Edit,
    /// Finish an edit, keeping the text.
    Commit,
    /// A typed character while editing.
    Insert(char),
    /// While editing: delete the character before the cursor.
    DeleteBack,
    /// While editing: empty the field.
    ClearField,
    /// Connect: run the pre-flight (method description and credentials).
    TestConnection,
    /// Connect: write the config file (only when none exists).
    WriteConfig,
    /// Discovery: show the columns of the selected file.
    Open,
    /// Discovery: write the scope report (Markdown and JSON).
    WriteScopeReport,
    /// Discovery: show the object map (how each RSoft object lands in Nutshell) in place of
    /// the file list, or the file list again.
    ToggleObjectMap,
    /// Field map: accept the selected proposal.
    Accept,
    /// Field map: accept every proposal of this module at or above the threshold.
    AcceptAll,
    /// Field map: do not move the selected column.
    Ignore,
    /// Field map: show only entries that need attention, or all.
    ToggleFilter,
    /// Field map: take back the last decision (one level per press).
    Undo,
    /// Field map: write mapping.toml.
    Save,
    /// Field map: propose again (against the destination read now), keeping every decision.
    Repropose,
    /// Open the picker for the selected row (owners: a Nutshell user).
    Choose,
    /// In a picker: take the highlighted item.
    Assign,
    /// Owners: drop the operator's decision for the selected owner (it is matched again).
    Unassign,
    /// Owners: read Nutshell's users again (after the admin added some).
    RefreshUsers,
    /// Schema and Owners: read the destination and match again (after the admin's changes).
    Recheck,
    /// Schema: create the custom fields, tags and sources (asks once more before writing).
    Create,
    // ---- Rehearse, Load, Verify (issue 11's last three steps) ----
    /// Schema, demo only: play the account's admin and add the checklist to the sandbox.
    ActAsAdmin,
    /// Rehearse: the dry run (builds and validates every record, writes nothing).
    DryRun,
    /// Rehearse: the sample migration (N records per phase, journaled as one run).
    Sample,
    /// Load: start the load, or go on after a pause or a cancel (the journal resumes it).
    StartLoad,
    /// Load: pause (stop between chunks, everything journaled), or resume.
    TogglePause,
    /// Load and Rehearse: stop the engine run between chunks; starting again resumes it.
    CancelRun,
    /// Switch between the holds list and the failures list.
    SwitchList,
    /// Verify: reconcile every phase and spot-check created records.
    RunVerify,
    /// Verify: write the reports (Markdown, HTML, CSV).
    WriteReports,
    /// Rehearse and Verify: roll back a run (asks for its id to be typed).
    Rollback,
    /// Verify: a delta load (`migrate --delta`) of the fresh export, shown on Load.
    Delta,
    // ---- end of Rehearse, Load, Verify ----
    // --- Field map panels (issue 11, screen 3): preview, value maps, problem list ---
    /// Field map: show or hide the record-builder preview of a real source row.
    TogglePreview,
    /// Field map: show or hide the value-map panel (stages, statuses, activity types, …).
    ToggleValueMaps,
    /// Field map: show or hide the list of validation problems.
    ToggleProblems,
    /// Field map preview: the next source row of the module.
    NextRow,
    /// Field map preview: the previous source row of the module.
    PrevRow,
    /// Field map value maps: the next value map of the module.
    NextValueMap,
    /// Field map value maps: the previous value map of the module.
    PrevValueMap,
    /// Field map problems: go to the cell the selected problem names.
    Jump,
    // --- end of the field map panels' actions ---
    /// The terminal's size, in cells.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// Background work finished.
    #[serde(skip)]
    Done(Outcome),
}

impl Action {
    /// Actions a key can be bound to, in the order the footer and the help list them.
    pub const BINDABLE: &'static [Action] = &[
        Action::Edit,
        Action::Commit,
        Action::Open,
        Action::Accept,
        Action::AcceptAll,
        Action::Ignore,
        Action::ToggleFilter,
        Action::Undo,
        Action::Save,
        Action::TestConnection,
        Action::WriteConfig,
        Action::WriteScopeReport,
        Action::ToggleObjectMap,
        Action::NextStep,
        Action::PrevStep,
        Action::Repropose,
        Action::Choose,
        Action::Assign,
        Action::Unassign,
        Action::RefreshUsers,
        Action::Recheck,
        Action::Create,
        // Rehearse, Load, Verify.
        Action::ActAsAdmin,
        Action::DryRun,
        Action::Sample,
        Action::StartLoad,
        Action::TogglePause,
        Action::CancelRun,
        Action::SwitchList,
        Action::RunVerify,
        Action::WriteReports,
        Action::Rollback,
        Action::Delta,
        // Field map panels.
        Action::Jump,
        Action::TogglePreview,
        Action::NextRow,
        Action::PrevRow,
        Action::ToggleValueMaps,
        Action::NextValueMap,
        Action::PrevValueMap,
        Action::ToggleProblems,
        Action::Left,
        Action::Right,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Home,
        Action::End,
        Action::DeleteBack,
        Action::ClearField,
        Action::Back,
        Action::Help,
        Action::Quit,
    ];

    /// A short label for the footer and the help.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ForceQuit => "quit now",
            Action::Help => "help",
            Action::Back => "back",
            Action::NextStep => "next",
            Action::PrevStep => "back a step",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Home => "first",
            Action::End => "last",
            Action::ScrollUp | Action::ScrollDown => "scroll",
            Action::Left => "previous module",
            Action::Right => "next module",
            Action::Edit => "edit",
            Action::Commit => "done",
            Action::Insert(_) => "type",
            Action::DeleteBack => "delete",
            Action::ClearField => "clear",
            Action::TestConnection => "test",
            Action::WriteConfig => "write config",
            Action::Open => "columns",
            Action::WriteScopeReport => "write report",
            Action::ToggleObjectMap => "objects / files",
            Action::Accept => "accept",
            Action::AcceptAll => "accept all",
            Action::Ignore => "ignore column",
            Action::ToggleFilter => "filter",
            Action::Undo => "undo",
            Action::Save => "save",
            Action::Repropose => "propose again",
            Action::Choose => "choose…",
            Action::Assign => "assign",
            Action::Unassign => "clear decision",
            Action::RefreshUsers => "re-fetch users",
            Action::Recheck => "re-check",
            Action::Create => "create in Nutshell",
            // Rehearse, Load, Verify.
            Action::ActAsAdmin => "demo admin",
            Action::DryRun => "dry run",
            Action::Sample => "sample run",
            Action::StartLoad => "start / resume",
            Action::TogglePause => "pause / resume",
            Action::CancelRun => "cancel",
            Action::SwitchList => "holds / failures",
            Action::RunVerify => "verify",
            Action::WriteReports => "write reports",
            Action::Rollback => "roll back…",
            Action::Delta => "delta load",
            Action::TogglePreview => "preview",
            Action::ToggleValueMaps => "value maps",
            Action::ToggleProblems => "problems",
            Action::NextRow => "next row",
            Action::PrevRow => "previous row",
            Action::NextValueMap => "next value map",
            Action::PrevValueMap => "previous value map",
            Action::Jump => "go to cell",
            Action::Resize { .. } => "resize",
            Action::Done(_) => "background work finished",
        }
    }

    /// Shown in the one-line footer (the help lists everything).
    pub fn in_footer(&self) -> bool {
        !matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
                | Action::PrevStep
                | Action::DeleteBack
                | Action::ClearField
                | Action::Back
                | Action::Left
                | Action::Right
                | Action::Repropose
                | Action::PrevRow
                | Action::PrevValueMap
        )
    }
}

/// What background work reports back. Errors are one human message with a next step.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Discovery of `export` finished (a result for an export no longer configured is dropped).
    Discovered {
        /// The export that was read.
        export: PathBuf,
        /// The report and its object map, or why discovery failed.
        result: Result<Box<Discovered>, String>,
    },
    /// The pre-flight finished.
    Preflight(Result<PreflightResult, String>),
    /// Proposals for the field map are ready.
    Proposed(Result<Box<Proposal>, String>),
    /// mapping.toml was written (or not).
    MapSaved {
        /// mapping.toml.
        path: PathBuf,
        /// `Err` with the message when it could not be written.
        result: Result<(), String>,
    },
    /// The config file was written (or not).
    ConfigWritten {
        /// The config file.
        path: PathBuf,
        /// `Err` with the message when it could not be written.
        result: Result<(), String>,
    },
    /// The scope report was written: the Markdown and the JSON file.
    ScopeReportWritten(Result<(PathBuf, PathBuf), String>),
    /// `engine::ready::get_ready` finished (a re-check, or a create).
    Checked(Result<Box<Checked>, String>),
    /// Nutshell's users, read again.
    Users(Result<Vec<DestinationUser>, String>),
    /// owners.toml was written (or not).
    OwnersSaved {
        /// owners.toml.
        path: PathBuf,
        /// `Err` with the message when it could not be written.
        result: Result<(), String>,
    },
    // --- Field map panels ---
    /// Rows of `module` read for the preview, with its value-map columns' value counts (a
    /// result for an export no longer configured is dropped).
    Sampled {
        /// The export that was read.
        export: PathBuf,
        /// The module sampled.
        module: Module,
        /// The rows and counts, or why they could not be read.
        result: Result<Box<ModuleSample>, String>,
    },
    // ---- Rehearse, Load, Verify ----
    /// Engine events of the run going on, in order, with the time since it was asked for.
    Progress {
        /// The events, in the order the engine sent them.
        events: Vec<Event>,
        /// Time since the run was asked for (for the rate and the ETA).
        elapsed: Duration,
    },
    /// An engine run (`engine::migrate`) ended: how, or why it could not run.
    Ran {
        /// Which run it was.
        job: Job,
        /// How the run ended, or why it could not run.
        result: Result<Box<MigrateOutcome>, String>,
    },
    /// `engine::verify::verify` finished.
    Verified(Result<Box<VerifyReport>, String>),
    /// What rolling back would delete (`engine::rollback::plan`), for the confirmation.
    RollbackPlanned {
        /// What was planned.
        scope: Scope,
        /// The plan, or why it could not be read.
        result: Result<Box<RollbackPlan>, String>,
    },
    /// `engine::rollback::rollback` finished.
    RolledBack(Result<Box<RollbackSummary>, String>),
    /// The reports were written into the folder (or not).
    ReportsWritten {
        /// The reports folder.
        dir: PathBuf,
        /// What was written, or why not.
        result: Result<Written, String>,
    },
    /// The demo's admin added the checklist to the sandbox.
    AdminActed(Result<(), String>),
    // ---- end of Rehearse, Load, Verify ----
}

/// What reading an export gives the Discovery screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovered {
    /// Discovery's report.
    pub report: Report,
    /// How each RSoft object lands in Nutshell, as `map` first proposes it offline
    /// ([`proposed_object_map`](crate::mapping::object_map::proposed_object_map) with the config's
    /// vocabulary and legacy-id field): what `discover` prints and the scope report opens with.
    pub object_map: ObjectMap,
}

/// Which engine run (one at a time): the same `engine::migrate` call with the options of
/// `migrate --dry-run`, `migrate --sample N` or `migrate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `migrate --dry-run`.
    DryRun,
    /// `migrate --sample N`, N records per phase.
    Sample(u64),
    /// `migrate`.
    Load,
    /// `migrate --delta`: the fresh export after the write freeze.
    Delta,
}

impl Job {
    /// The options `crm-migrate migrate` would get for it. The operator confirmed the map on
    /// the Field map, so proposals are not accepted here.
    pub fn options(self) -> MigrateOptions {
        MigrateOptions {
            dry_run: self == Job::DryRun,
            delta: self == Job::Delta,
            sample: match self {
                Job::Sample(n) => Some(n),
                _ => None,
            },
            ..MigrateOptions::default()
        }
    }

    /// How the operator is told about it ("sample run (10 per phase)").
    pub fn label(self) -> String {
        match self {
            Job::DryRun => "dry run".into(),
            Job::Sample(n) => format!("sample run ({n} per phase)"),
            Job::Load => "load".into(),
            Job::Delta => "delta load".into(),
        }
    }
}

/// What one `get_ready` call found, with what the Owners screen needs to change decisions
/// without reading again: owners.toml as it stands after the call, and the files it names.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// What the readiness check found.
    pub readiness: Readiness,
    /// owners.toml as it stands after the call.
    pub file: OwnersFile,
    /// The files the blockers point at.
    pub files: Files,
    /// [`Writes::Allowed`] when this was a create.
    pub writes: Writes,
}

/// What the pre-flight found, as the Connect screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreflightResult {
    /// The endpoint checked, as the screen shows it.
    pub endpoint: String,
    /// True for the built-in sandbox.
    pub sandbox: bool,
    /// Methods the live method description lists.
    pub described_methods: usize,
    /// Methods the tool uses.
    pub used_methods: usize,
    /// Used methods missing from the description or with other parameters, one line each.
    pub mismatches: Vec<String>,
    /// `None` when the credentials were accepted.
    pub credentials_error: Option<String>,
}

impl PreflightResult {
    /// No mismatch and the credentials were accepted.
    pub fn is_ok(&self) -> bool {
        self.mismatches.is_empty() && self.credentials_error.is_none()
    }
}

/// A proposed field map and what it was proposed against.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The proposed (or re-proposed) field map.
    pub map: FieldMap,
    /// The destination schema it was proposed against.
    pub schema: DestinationSchema,
    /// Where the destination schema came from (the account, or offline).
    pub destination: String,
    /// Proposed from an existing mapping.toml (its decisions kept), not from a working map:
    /// only then does the screen start as saved.
    pub had_file: bool,
    /// What every value of the mapped columns gave through the load's transforms
    /// (`mapping::value_check::value_problems`): failing values with count and examples by file
    /// and line, and characters lost to a non-Unicode save.
    pub value_problems: Vec<Problem>,
    /// The export's header vocabulary the map was proposed with; the record preview reads
    /// headers with it.
    pub vocabulary: Arc<Vocabulary>,
}

/// One source row as the export has it.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    /// The file's name in the export (`Contacts.csv`).
    pub file: String,
    /// The row's line in that file (1 is the header).
    pub line: u64,
    /// Cell by header, untrimmed.
    pub cells: BTreeMap<String, String>,
}

/// What [`read_sample`](crate::tui::screens::field_map::preview::read_sample) read of one module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleSample {
    /// The first [`PREVIEW_ROWS`](crate::tui::screens::field_map::preview::PREVIEW_ROWS) rows.
    pub rows: Vec<SampleRow>,
    /// Per counted header: trimmed value → rows holding it (at most [`COUNTED_VALUES`](crate::tui::screens::field_map::preview::COUNTED_VALUES) values).
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
    /// Rows whose value was not counted because the column had too many distinct values.
    pub uncounted: u64,
}
