//! The wizard's state: which step is shown, the config being built, and each screen's view (one
//! file per screen below this one). Changed only by `update`; read by `render`.
//!
//! Plain data: nothing here imports a screen, a widget that draws `State`, `update` or
//! `render`. The step bar's verdicts are computed by the screens (`State::step_status`, in
//! `screens/mod.rs`), above this layer.

pub mod connect;
pub mod cursor;
pub mod discovery;
pub mod field_map;
pub mod loadable;
pub mod owners;
pub mod progress;
pub mod schema;
pub mod step;
// Rehearse, Load, Verify.
pub mod load;
pub mod rehearse;
pub mod rollback;
pub mod verify;

use std::path::PathBuf;

use crate::config::Config;

use super::action::{Checked, Job};
use super::keymap::{Context, Keymap};
use super::theme::Theme;
use connect::ConnectView;
use discovery::DiscoveryView;
use field_map::{FieldMapView, Panel};
use owners::OwnersView;
use schema::SchemaView;
// Rehearse, Load, Verify.
use load::LoadView;
use rehearse::RehearseView;
use rollback::RollbackPrompt;
use verify::VerifyView;

// The parts every screen names with `State`, so a screen has one place to import them from.
pub use cursor::Cursor;
pub use loadable::Loadable;
pub use step::{Step, StepStatus};

/// Where the config came from, and where "write config" would put it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigSource {
    /// `--config F`: `exists` is false when the wizard started without one.
    File {
        /// The config file.
        path: PathBuf,
        /// It existed when the wizard started.
        exists: bool,
    },
    /// `crm-migrate demo`: the bundled sample against the in-process sandbox, no config file.
    Demo,
}

/// A message shown above the footer until dismissed (`Esc`) or replaced.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A plain message.
    Info(String),
    /// What went wrong and what to do next.
    Error(String),
}

/// Everything the wizard shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The step on screen.
    pub step: Step,
    /// The config as the operator has it now (edits on Connect change it).
    pub config: Config,
    /// Where the config came from.
    pub source: ConfigSource,
    /// The key bindings in force (defaults plus the config's `[keys.*]`).
    pub keymap: Keymap,
    /// Colours and symbols.
    pub theme: Theme,
    /// Terminal size in cells (width, height).
    pub size: (u16, u16),
    /// The help overlay, with its scroll offset.
    pub help: Option<usize>,
    /// The message above the footer, if any.
    pub notice: Option<Notice>,
    /// Quit was asked with unsaved changes: the next quit leaves.
    pub confirm_quit: bool,
    /// The loop ends after this action.
    pub quit: bool,
    /// The Connect step's view.
    pub connect: ConnectView,
    /// The Discovery step's view.
    pub discovery: DiscoveryView,
    /// The Field map step's view (the working map lives here).
    pub field_map: FieldMapView,
    /// The last `engine::ready::get_ready` (Schema and Owners show it; Owners changes its
    /// decisions).
    pub ready: Loadable<Box<Checked>>,
    /// The Schema step's view.
    pub schema: SchemaView,
    /// The Owners step's view.
    pub owners: OwnersView,
    // ---- Rehearse, Load, Verify ----
    /// The engine run going on now (one at a time); its events fold into that step's view.
    pub job: Option<Job>,
    /// The Rehearse screen.
    pub rehearse: RehearseView,
    /// The Load screen.
    pub load: LoadView,
    /// The Verify screen.
    pub verify: VerifyView,
    /// A rollback waiting for the operator to type the run id.
    pub rollback: Option<RollbackPrompt>,
    // ---- end of Rehearse, Load, Verify ----
}

impl State {
    /// A wizard on the Connect step with nothing loaded yet.
    pub fn new(config: Config, source: ConfigSource, keymap: Keymap, theme: Theme) -> State {
        State {
            step: Step::Connect,
            config,
            source,
            keymap,
            theme,
            size: (80, 24),
            help: None,
            notice: None,
            confirm_quit: false,
            quit: false,
            connect: ConnectView::default(),
            discovery: DiscoveryView::default(),
            field_map: FieldMapView::default(),
            ready: Loadable::Idle,
            schema: SchemaView::default(),
            owners: OwnersView::default(),
            // Rehearse, Load, Verify.
            job: None,
            rehearse: RehearseView::default(),
            load: LoadView::default(),
            verify: VerifyView::default(),
            rollback: None,
        }
    }

    /// The key table that applies now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        self.screen_context()
    }

    /// The key table of the screen itself (under the help, when it is open).
    pub fn screen_context(&self) -> Context {
        if self.rollback.is_some() {
            return Context::Editing;
        }
        match self.step {
            Step::Connect if self.connect.editing.is_some() => Context::Editing,
            Step::Connect => Context::Connect,
            Step::Discovery if self.discovery.drill.is_some() => Context::DiscoveryColumns,
            Step::Discovery if self.discovery.showing_objects => Context::DiscoveryObjects,
            Step::Discovery => Context::Discovery,
            Step::FieldMap if self.field_map.picker.is_some() => Context::Picker,
            // Field map panels: the value picker, and the lists that take the keys.
            Step::FieldMap if self.field_map.values.picker.is_some() => Context::Picker,
            Step::FieldMap => match self.field_map.panel {
                Some(Panel::ValueMaps) => Context::FieldMapValues,
                Some(Panel::Problems) => Context::FieldMapProblems,
                Some(Panel::Preview) => Context::FieldMapPreview,
                None => Context::FieldMap,
            },
            Step::Schema => Context::Schema,
            Step::Owners if self.owners.picker.is_some() => Context::Picker,
            Step::Owners => Context::Owners,
            // Rehearse, Load, Verify.
            Step::Rehearse if self.rehearse.editing.is_some() => Context::Editing,
            Step::Rehearse => Context::Rehearse,
            Step::Load => Context::Load,
            Step::Verify => Context::Verify,
        }
    }

    /// The last finished check (`engine::ready::get_ready`), if there is one.
    pub fn ready_checked(&self) -> Option<&Checked> {
        self.ready.ready().map(|c| &**c)
    }

    /// Background work running now, for the status line.
    pub fn busy(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.discovery.discovered.is_loading() {
            out.push("reading the export…");
        }
        if self.connect.preflight.is_loading() {
            out.push("testing the connection…");
        }
        if self.field_map.proposal.is_loading() {
            out.push("proposing the field map…");
        }
        if self.ready.is_loading() {
            out.push("checking the account…");
        }
        if self.owners.refreshing {
            out.push("re-fetching users…");
        }
        if self.owners.saving {
            out.push("saving owners.toml…");
        }
        if self.field_map.saving {
            out.push("saving mapping.toml…");
        }
        // Rehearse, Load, Verify.
        match self.job {
            Some(Job::DryRun) => out.push("dry run going…"),
            Some(Job::Sample(_)) => out.push("sample run going…"),
            Some(Job::Load) => out.push("loading…"),
            Some(Job::Delta) => out.push("delta load going…"),
            None => {}
        }
        if self.verify.report.is_loading() {
            out.push("verifying…");
        }
        if self.rollback.as_ref().is_some_and(|r| r.running) {
            out.push("rolling back…");
        }
        if self
            .field_map
            .preview
            .samples
            .values()
            .any(Loadable::is_loading)
        {
            out.push("reading rows for the preview…");
        }
        out
    }
}
