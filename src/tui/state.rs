//! The wizard's state: which step is shown, the config being built, each screen's view, and the
//! step bar's verdicts. Changed only by `update`; read by `render`.

use std::path::PathBuf;

use crate::config::Config;

use super::action::{Checked, Job};
use super::keymap::{Context, Keymap};
use super::screens::connect::ConnectView;
use super::screens::discovery::DiscoveryView;
use super::screens::field_map::{FieldMapView, Panel};
use super::screens::owners::OwnersView;
use super::screens::schema::SchemaView;
// Rehearse, Load, Verify.
use super::screens::load::LoadView;
use super::screens::rehearse::RehearseView;
use super::screens::rollback::RollbackPrompt;
use super::screens::verify::VerifyView;
use super::theme::Theme;

/// The steps of a migration, in order; the step bar shows them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Endpoint and credentials, tested with the pre-flight.
    Connect,
    /// Read and profile the export.
    Discovery,
    /// Confirm the field map.
    FieldMap,
    /// Custom fields, tags and sources; what only the admin can add.
    Schema,
    /// RSoft owners matched to Nutshell users.
    Owners,
    /// A dry run and a sample load.
    Rehearse,
    /// The full load.
    Load,
    /// Reconcile, count and spot-check.
    Verify,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 8] = [
        Step::Connect,
        Step::Discovery,
        Step::FieldMap,
        Step::Schema,
        Step::Owners,
        Step::Rehearse,
        Step::Load,
        Step::Verify,
    ];

    /// The step's name in the step bar.
    pub fn label(self) -> &'static str {
        match self {
            Step::Connect => "Connect",
            Step::Discovery => "Discovery",
            Step::FieldMap => "Field map",
            Step::Schema => "Schema",
            Step::Owners => "Owners",
            Step::Rehearse => "Rehearse",
            Step::Load => "Load",
            Step::Verify => "Verify",
        }
    }

    /// For narrow terminals.
    pub fn short_label(self) -> &'static str {
        match self {
            Step::Connect => "Conn",
            Step::Discovery => "Disc",
            Step::FieldMap => "Map",
            Step::Schema => "Schema",
            Step::Owners => "Owners",
            Step::Rehearse => "Rehearse",
            Step::Load => "Load",
            Step::Verify => "Verify",
        }
    }

    fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The step after this one; `None` after the last.
    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    /// The step before this one; `None` before the first.
    pub fn prev(self) -> Option<Step> {
        self.index().checked_sub(1).map(|i| Step::ALL[i])
    }
}

/// A step's verdict in the step bar: a symbol and a colour, never the colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Finished: nothing left to decide.
    Done,
    /// Reachable, with something for the operator to look at or decide.
    Attention,
    /// An earlier step must be finished first.
    Blocked,
}

impl StepStatus {
    /// The step bar's symbol (`✓`, `!`, `✗`, `·`), so the verdict never rests on colour alone.
    pub fn symbol(self) -> &'static str {
        match self {
            StepStatus::Done => "✓",
            StepStatus::Attention => "!",
            StepStatus::Blocked => "✗",
        }
    }

    /// The verdict in words, for the help and screen readers.
    pub fn word(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Attention => "needs attention",
            StepStatus::Blocked => "blocked",
        }
    }
}

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

/// Something that may not be there yet.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loadable<T> {
    #[default]
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Loadable<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Loadable::Ready(t) => Some(t),
            _ => None,
        }
    }

    pub fn ready_mut(&mut self) -> Option<&mut T> {
        match self {
            Loadable::Ready(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading)
    }
}

/// A selection in a list that may be longer than the screen: the selected row and the first
/// row shown. `page` is the number of rows the list shows, from the screen's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Move by `delta` rows within `len`, keeping the selection on screen.
    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.follow(len, page);
    }

    pub fn select_last(&mut self, len: usize, page: usize) {
        self.selected = len.saturating_sub(1);
        self.follow(len, page);
    }

    /// Keep the selection within `len` and on screen.
    pub fn follow(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }
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

    /// A step's verdict and one line saying why.
    pub fn step_status(&self, step: Step) -> (StepStatus, String) {
        match step {
            Step::Connect => super::screens::connect::status(self),
            Step::Discovery => super::screens::discovery::status(self),
            Step::FieldMap => super::screens::field_map::status(self),
            Step::Schema => super::screens::schema::status(self),
            Step::Owners => super::screens::owners::status(self),
            Step::Rehearse => super::screens::rehearse::status(self),
            Step::Load => super::screens::load::status(self),
            Step::Verify => super::screens::verify::status(self),
        }
    }

    /// The last finished check (`engine::ready::get_ready`), if there is one.
    pub fn ready_checked(&self) -> Option<&Checked> {
        self.ready.ready().map(|c| &**c)
    }

    /// Background work running now, for the status line.
    pub fn busy(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.discovery.report.is_loading() {
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
