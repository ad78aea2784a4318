//! The rollback confirmation's view state (Rehearse and Verify open it).

use crate::engine::rollback::{RollbackPlan, Scope};
use crate::journal::RunId;

use super::loadable::Loadable;

/// A rollback being confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct RollbackPrompt {
    /// The runs to roll back.
    pub scope: Scope,
    /// The id the operator must type: the run, or the newest of the runs.
    pub expected: RunId,
    /// What would be deleted (read from the journal first).
    pub plan: Loadable<Box<RollbackPlan>>,
    /// What the operator typed so far.
    pub typed: String,
    /// The rollback was sent; waiting for it to end.
    pub running: bool,
}
