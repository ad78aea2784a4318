//! The Load screen's view state: where the load stands and its live snapshot.

use crate::engine::blockers::Blocker;
use crate::engine::load::RunSummary;
use crate::journal::RunId;

use super::progress::RunProgress;

/// Where the load stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum LoadState {
    /// Not started in this session.
    #[default]
    Idle,
    /// The engine is loading.
    Running,
    /// Pause asked; the engine stops after its chunk.
    Pausing,
    /// Stopped by a pause; Space resumes.
    Paused,
    /// Cancel asked; the engine stops after its chunk.
    Cancelling,
    /// Stopped by a cancel; s starts again.
    Cancelled,
    /// Every record settled (held and failed ones included).
    Finished,
    /// Nothing was sent: these need the operator.
    Blocked(Vec<Blocker>),
    /// The run could not go on (connection, journal, export).
    Failed(String),
}

/// The Load screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadView {
    /// The snapshot folded from the engine's events.
    pub progress: RunProgress,
    /// Where the load stands.
    pub state: LoadState,
    /// The last run's summary.
    pub summary: Option<Box<RunSummary>>,
    /// The journal runs this load took (one more per resume).
    pub runs: Vec<RunId>,
    /// A delta load (`migrate --delta`), started from Verify.
    pub delta: bool,
}
