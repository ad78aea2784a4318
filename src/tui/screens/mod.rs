//! One file per step's screen: its key handling (`handle`), its step verdict (`status`) and its
//! drawing (`render`); its view state is plain data in `state/` (one file per screen there).
//! Screens that need the same thing share a file here ([`readiness`] for Schema and Owners,
//! [`engine_run`], [`progress`] and [`rollback`] for Rehearse, Load and Verify) rather than
//! import each other both ways.

use super::state::{State, Step, StepStatus};

pub mod connect;
pub mod discovery;
pub mod field_map;
pub mod owners;
pub mod readiness;
pub mod schema;
// Rehearse, Load, Verify.
pub mod engine_run;
pub mod load;
pub mod progress;
pub mod rehearse;
pub mod rollback;
pub mod verify;

/// A step's verdict and one line saying why: the `status` of the step's screen.
pub fn step_status(state: &State, step: Step) -> (StepStatus, String) {
    match step {
        Step::Connect => connect::status(state),
        Step::Discovery => discovery::status(state),
        Step::FieldMap => field_map::status(state),
        Step::Schema => schema::status(state),
        Step::Owners => owners::status(state),
        Step::Rehearse => rehearse::status(state),
        Step::Load => load::status(state),
        Step::Verify => verify::status(state),
    }
}

// `State` is plain data below the screens; its verdicts are answered here, above them.
impl State {
    /// A step's verdict and one line saying why ([`step_status`]).
    pub fn step_status(&self, step: Step) -> (StepStatus, String) {
        step_status(self, step)
    }
}
