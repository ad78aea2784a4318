//! Rehearse, Load and Verify driven by keys and actions, no terminal: the engine's own `migrate`,
//! `verify` and `rollback` run against a sandbox in this process, their events folded into the
//! screens' snapshots. A load is started, paused, resumed, cancelled and started again, and ends
//! with every record in exactly one state and nothing created twice.

mod tui_support;

use crm_migrate::engine::event::{Event, RecordOutcome, Tally};
use crm_migrate::engine::load::{MigrateOutcome, RunSummary};
use crm_migrate::engine::rollback::{RollbackPlan, Scope};
use crm_migrate::journal::{Phase, RunKind};
use crm_migrate::tui::screens::load::LoadState;
use crm_migrate::tui::{Action, Effect, Job, Notice, Outcome, Step, StepStatus};
use std::time::Duration;
use tui_support::{Harness, ready_to_load};

fn summary(h: &Harness) -> &RunSummary {
    h.state().load.summary.as_deref().expect("a run ended")
}

#[test]
fn rehearse_then_load_pause_resume_cancel_resume_then_verify() {
    let mut h = ready_to_load(120, 40, 60.0);
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Rehearse);
    assert_eq!(
        h.state().step_status(Step::Rehearse).0,
        StepStatus::Attention
    );

    // The dry run: nothing written, the orphan deal would be held.
    h.keys(&["d"]);
    let dry = &h.state().rehearse.dry_run;
    let Some(MigrateOutcome::Finished(s)) = dry.outcome.ready().map(|o| &**o) else {
        panic!("the dry run ran: {:?}", dry.outcome);
    };
    assert!(s.dry_run && s.run.is_none());
    assert!(s.blockers.is_empty(), "{:?}", s.blockers);
    assert!(
        dry.progress.holds.iter().any(|l| l.rsoft_id == "DEAL-4014"),
        "the orphan deal would be held: {:?}",
        dry.progress.holds
    );
    assert_eq!(h.state().rehearse.dry_run.progress.run, None);

    // The load: start, and pause once records are settling.
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Load);
    let started = h
        .driver
        .send_until(Action::StartLoad, |s| s.load.progress.totals().created >= 3);
    assert!(started, "records were created");
    assert_eq!(h.state().load.state, LoadState::Running);
    h.driver.send(Action::TogglePause);
    assert_eq!(h.state().load.state, LoadState::Paused);
    let first = summary(&h).clone();
    assert!(first.cancelled);
    let created_first: u64 = first.phases.values().map(|t| t.created).sum();
    assert!(created_first > 0);

    // Resume, then cancel while it goes.
    let again = h.driver.send_until(Action::TogglePause, |s| {
        s.load.state == LoadState::Running && s.load.progress.totals().created >= 2
    });
    assert!(again, "the resumed run created records");
    h.keys(&["c"]);
    assert_eq!(h.state().load.state, LoadState::Cancelled);
    let (status, why) = h.state().step_status(Step::Load);
    assert_eq!(status, StepStatus::Attention);
    assert!(why.contains("starts again"), "{why}");

    // Start again: the journal settles the rest, nothing twice.
    h.keys(&["s"]);
    assert_eq!(h.state().load.state, LoadState::Finished);
    let last = summary(&h).clone();
    assert!(!last.cancelled);
    assert_eq!(h.state().load.runs.len(), 3, "{:?}", h.state().load.runs);
    let totals = h.state().load.progress.totals();
    // Every row is in exactly one state, and each was created once over the three runs.
    let rows: u64 = h
        .state()
        .load
        .progress
        .phases
        .values()
        .map(|p| p.total)
        .sum();
    assert_eq!(totals.total(), rows);
    assert!(
        totals.already_done > 0,
        "the last run skipped what the first two did"
    );
    assert!(
        h.state()
            .load
            .progress
            .holds
            .iter()
            .any(|l| l.rsoft_id == "DEAL-4014" && !l.reason.is_empty()),
        "the orphan deal is held with its reason"
    );
    assert_eq!(h.state().step_status(Step::Load).0, StepStatus::Done);

    // Verify: entering after the load verifies; the reports are written.
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Verify);
    let report = h.state().verify.report.ready().expect("verified on entry");
    assert!(report.ok(), "{:?}", report.findings);
    assert_eq!(h.state().step_status(Step::Verify).0, StepStatus::Done);
    h.keys(&["w"]);
    let (dir, written) = h.state().verify.written.ready().expect("reports written");
    assert!(written.files.iter().all(|f| f.exists()));
    assert!(dir.join("report.html").exists());

    // A delta of the same export: nothing new, nothing changed, on the Load screen.
    h.keys(&["D"]);
    assert_eq!(h.state().step, Step::Load);
    assert!(h.state().load.delta);
    assert_eq!(h.state().load.state, LoadState::Finished);
    let t = h.state().load.progress.totals();
    assert_eq!((t.created, t.edited), (0, 0), "{t:?}");
    assert!(t.unchanged > 0, "{t:?}");
}

#[test]
fn sample_then_rollback_refuses_a_wrong_run_id() {
    let mut h = ready_to_load(80, 24, 400.0);
    h.keys(&["n"]);
    // A sample of 2 records per phase (the size typed on screen).
    h.keys(&["e", "ctrl-u", "2", "enter"]);
    assert_eq!(h.state().rehearse.sample_size, 2);
    h.keys(&["s"]);
    let run = h.state().rehearse.sample_run().expect("the sample ran");
    assert!(h.state().rehearse.sample.progress.totals().created > 0);

    h.keys(&["R"]);
    let prompt = h.state().rollback.as_ref().expect("asks for the run id");
    assert_eq!(prompt.scope, Scope::Run(run));
    assert!(prompt.plan.ready().is_some_and(|p| p.total() > 0));
    // A wrong id deletes nothing.
    let wrong = (run + 1).to_string();
    for c in wrong.chars() {
        h.driver.send(Action::Insert(c));
    }
    h.keys(&["enter"]);
    assert!(
        matches!(&h.state().notice, Some(Notice::Error(e)) if e.contains("nothing was deleted")),
        "{:?}",
        h.state().notice
    );
    assert!(h.state().rollback.is_some());
    assert!(
        !h.driver
            .performed
            .iter()
            .any(|e| matches!(e, Effect::Rollback { .. }))
    );
    // The right one rolls the sample back.
    for c in run.to_string().chars() {
        h.driver.send(Action::Insert(c));
    }
    h.keys(&["enter"]);
    assert!(h.state().rollback.is_none());
    assert!(
        matches!(&h.state().notice, Some(Notice::Info(t)) if t.starts_with(&format!("rolled back run {run}"))),
        "{:?}",
        h.state().notice
    );
    assert_eq!(h.state().rehearse.sample_run(), None);
}

/// `update` alone, no engine: the snapshot folds events (never keeping the stream), the pause
/// and cancel keys ask the runner to stop, and a hold shows with its reason.
#[test]
fn load_folds_events_and_stops_by_actions() {
    let mut h = ready_to_load(80, 24, 400.0);
    h.keys(&["n", "n"]);
    let state = &mut h.driver.state;
    assert_eq!(state.step, Step::Load);
    let effects = crm_migrate::tui::update(state, Action::StartLoad);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Migrate { job: Job::Load, .. }]
    ));
    assert_eq!(state.job, Some(Job::Load));
    let record = |id: &str, outcome| Event::Record {
        phase: Phase::Deals,
        rsoft_id: id.into(),
        outcome,
    };
    let events = vec![
        Event::RunStarted {
            run: Some(7),
            kind: RunKind::Full,
        },
        Event::PhaseStarted {
            phase: Phase::Deals,
            total: 3,
        },
        record("DEAL-1", RecordOutcome::Created { caveats: vec![] }),
        record(
            "DEAL-2",
            RecordOutcome::Held {
                reasons: vec!["account COMP-9 is not in the export".into()],
            },
        ),
    ];
    crm_migrate::tui::update(
        state,
        Action::Done(Outcome::Progress {
            events,
            elapsed: Duration::from_secs(2),
        }),
    );
    let deals = state.load.progress.phases[&Phase::Deals];
    assert_eq!(
        (deals.total, deals.tally.created, deals.tally.held),
        (3, 1, 1)
    );
    assert_eq!(state.load.progress.run, Some(7));
    assert_eq!(
        state.load.progress.holds[0].reason,
        "account COMP-9 is not in the export"
    );
    // Two records settled in two seconds: one a second for what is left.
    let remaining = state.load.progress.remaining();
    assert_eq!(
        state.load.progress.eta(),
        Some(Duration::from_secs(remaining))
    );
    assert!(tui_support::screen(state).contains("account COMP-9 is not in the export"));

    // Pause: the runner is asked to stop; the end of the run makes it paused.
    let effects = crm_migrate::tui::update(state, Action::TogglePause);
    assert_eq!(effects, vec![Effect::StopRun]);
    assert_eq!(state.load.state, LoadState::Pausing);
    let ended = |cancelled| {
        Action::Done(Outcome::Ran {
            job: Job::Load,
            result: Ok(Box::new(MigrateOutcome::Finished(RunSummary {
                run: Some(7),
                cancelled,
                phases: [(Phase::Deals, Tally::default())].into(),
                ..Default::default()
            }))),
        })
    };
    crm_migrate::tui::update(state, ended(true));
    assert_eq!(state.load.state, LoadState::Paused);
    assert_eq!(state.job, None);
    // Resume is a new engine run.
    let effects = crm_migrate::tui::update(state, Action::TogglePause);
    assert!(matches!(effects.as_slice(), [Effect::Migrate { .. }]));
    assert_eq!(state.load.state, LoadState::Running);
    // Cancel: stop asked; the end makes it cancelled; the step needs attention.
    let effects = crm_migrate::tui::update(state, Action::CancelRun);
    assert_eq!(effects, vec![Effect::StopRun]);
    crm_migrate::tui::update(state, ended(true));
    assert_eq!(state.load.state, LoadState::Cancelled);
    assert_eq!(state.step_status(Step::Load).0, StepStatus::Attention);
    assert_eq!(state.load.runs, vec![7, 7]);
}

#[test]
fn verify_rollback_confirmation_asks_for_the_newest_run() {
    let mut h = ready_to_load(80, 24, 400.0);
    h.keys(&["n", "n", "n"]);
    let state = &mut h.driver.state;
    assert_eq!(state.step, Step::Verify);
    state.load.runs = vec![3, 4];
    let effects = crm_migrate::tui::update(state, Action::Rollback);
    assert!(matches!(
        effects.as_slice(),
        [Effect::PlanRollback {
            scope: Scope::All,
            ..
        }]
    ));
    crm_migrate::tui::update(
        state,
        Action::Done(Outcome::RollbackPlanned {
            scope: Scope::All,
            result: Ok(Box::new(RollbackPlan {
                runs: vec![4, 3],
                to_delete: vec![("Contacts".into(), 12)],
                left_alone: vec![],
            })),
        }),
    );
    for c in "3".chars() {
        crm_migrate::tui::update(state, Action::Insert(c));
    }
    let effects = crm_migrate::tui::update(state, Action::Commit);
    assert!(effects.is_empty(), "run 3 is not the newest: nothing sent");
    assert!(matches!(&state.notice, Some(Notice::Error(e)) if e.contains("is not run 4")));
    crm_migrate::tui::update(state, Action::Insert('4'));
    let effects = crm_migrate::tui::update(state, Action::Commit);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Rollback {
            scope: Scope::All,
            ..
        }]
    ));
}
