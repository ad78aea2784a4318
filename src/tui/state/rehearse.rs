//! The Rehearse screen's view state: the last dry run and the last sample run.

use crate::engine::load::MigrateOutcome;

use super::loadable::Loadable;
use super::progress::RunProgress;

/// Records per phase of a sample run unless the operator changes it. `migrate --sample N` has
/// no default (N is required); ten per phase loads a few dozen records with their parents —
/// enough to look at in Nutshell, few enough to roll back at once.
pub const DEFAULT_SAMPLE: u64 = 10;

/// One rehearsal run: its live snapshot and how it ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rehearsal {
    /// The snapshot folded from the run's events.
    pub progress: RunProgress,
    /// How the run ended.
    pub outcome: Loadable<Box<MigrateOutcome>>,
}

/// Which rehearsal the lists show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    /// The dry run.
    #[default]
    DryRun,
    /// The sample run.
    Sample,
}

/// The Rehearse screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct RehearseView {
    /// The last dry run.
    pub dry_run: Rehearsal,
    /// The last sample run.
    pub sample: Rehearsal,
    /// Which one the gauges and lists show.
    pub shown: Shown,
    /// Records per phase for the sample run.
    pub sample_size: u64,
    /// Editing the sample size: the digits typed so far.
    pub editing: Option<String>,
}

impl Default for RehearseView {
    fn default() -> Self {
        RehearseView {
            dry_run: Rehearsal::default(),
            sample: Rehearsal::default(),
            shown: Shown::DryRun,
            sample_size: DEFAULT_SAMPLE,
            editing: None,
        }
    }
}

impl RehearseView {
    pub(crate) fn shown(&self) -> &Rehearsal {
        match self.shown {
            Shown::DryRun => &self.dry_run,
            Shown::Sample => &self.sample,
        }
    }

    pub(crate) fn shown_mut(&mut self) -> &mut Rehearsal {
        match self.shown {
            Shown::DryRun => &mut self.dry_run,
            Shown::Sample => &mut self.sample,
        }
    }

    /// The sample run's id while it can be rolled back from here.
    pub fn sample_run(&self) -> Option<i64> {
        match self.sample.outcome.ready().map(|o| &**o) {
            Some(MigrateOutcome::Finished(s)) => s.run,
            _ => None,
        }
    }
}
