//! The engine run (one at a time) that Rehearse, Load and Verify start: what must be finished
//! first, the effect that starts a job and the one that stops it, the rows each phase expects.
//! The three screens share it here rather than reach into each other.

use std::path::PathBuf;

use crate::journal::Phase;

use super::super::action::Job;
use super::super::effect::Effect;
use super::super::state::{Notice, State, Step, StepStatus};
use super::{owners, readiness, schema};

/// Why the engine cannot run yet (Schema or Owners unfinished), if it cannot.
pub fn unmet(state: &State) -> Option<String> {
    // The verdicts the step bar shows for these steps, asked of their screens directly.
    type Verdict = fn(&State) -> (StepStatus, String);
    let verdicts: [(Step, Verdict); 2] = [
        (Step::Schema, schema::status),
        (Step::Owners, owners::status),
    ];
    for (step, verdict) in verdicts {
        let (status, why) = verdict(state);
        if status != StepStatus::Done {
            return Some(format!("{} first: {why}", step.label()));
        }
    }
    None
}

/// Rows per phase as discovery counted them, until each phase reports its own total.
pub fn expected_rows(state: &State) -> Vec<(Phase, u64)> {
    let Some(report) = state.discovery.report() else {
        return Vec::new();
    };
    Phase::ALL
        .iter()
        .map(|phase| {
            let rows = report
                .objects
                .iter()
                .filter(|o| o.module == Some(phase.module()))
                .map(|o| o.rows)
                .sum();
            (*phase, rows)
        })
        .collect()
}

/// The config path `migrate` names in its blockers.
pub fn config_path(state: &State) -> PathBuf {
    readiness::files(state).config
}

/// The effect that starts `job` (none while another engine run is going: one at a time).
pub fn start(state: &mut State, job: Job) -> Option<Effect> {
    if let Some(running) = state.job {
        state.notice = Some(Notice::Info(format!(
            "the {} is still going: wait for it, or c cancels it",
            running.label()
        )));
        return None;
    }
    state.job = Some(job);
    Some(Effect::Migrate {
        config: Box::new(state.config.clone()),
        config_path: config_path(state),
        job,
    })
}

/// Stop the engine run going on (between chunks; everything sent is journaled).
pub fn stop(state: &mut State) -> Vec<Effect> {
    match state.job {
        Some(_) => vec![Effect::StopRun],
        None => {
            state.notice = Some(Notice::Info("nothing is running".into()));
            Vec::new()
        }
    }
}
