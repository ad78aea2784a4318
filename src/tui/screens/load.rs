//! Load: the migration itself (`engine::migrate`, exactly as `crm-migrate migrate` calls it),
//! live. The engine's events are folded into one snapshot ([`RunProgress`]): a gauge per phase
//! in dependency order with done / held / failed, requests per second against the ceiling, the
//! throttle and back-off state, the ETA, and scrolling lists of holds and failures.
//!
//! Pause and cancel both stop the engine between chunks with everything sent journaled (the
//! engine has one stop, its cancellation token); resuming, or starting again after a cancel, is a
//! new `migrate` call that the journal continues exactly where the last one stopped — as running
//! `crm-migrate migrate` again would. Pause keeps the screen as it was; cancel ends the load.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::event::Event;
use crate::engine::load::MigrateOutcome;
use crate::journal::{Phase, RunId};

use super::super::action::{Action, Job};
use super::super::effect::Effect;
use super::super::state::{ConfigSource, Notice, State, StepStatus};
use super::engine_run;
use super::progress::{self, RunProgress};

pub use super::super::state::load::{LoadState, LoadView};

/// Fold engine events into the snapshot of the run going on.
pub fn progress(state: &mut State, events: &[Event], elapsed: std::time::Duration) {
    let target = match state.job {
        Some(Job::DryRun) => &mut state.rehearse.dry_run.progress,
        Some(Job::Sample(_)) => &mut state.rehearse.sample.progress,
        Some(Job::Load | Job::Delta) => &mut state.load.progress,
        None => return,
    };
    target.fold(events, elapsed);
}

/// Fold the end of an engine run.
pub fn ran(state: &mut State, job: Job, result: Result<Box<MigrateOutcome>, String>) {
    state.job = None;
    match job {
        Job::DryRun | Job::Sample(_) => {
            let r = match job {
                Job::DryRun => &mut state.rehearse.dry_run,
                _ => &mut state.rehearse.sample,
            };
            r.outcome = match result {
                Ok(o) => super::super::state::Loadable::Ready(o),
                Err(why) => {
                    state.notice = Some(Notice::Error(format!(
                        "{why}. Next: fix what it names, then run it again"
                    )));
                    super::super::state::Loadable::Failed(why)
                }
            };
        }
        Job::Load | Job::Delta => finished(state, result),
    }
}

fn finished(state: &mut State, result: Result<Box<MigrateOutcome>, String>) {
    let view = &mut state.load;
    match result {
        Err(why) => {
            state.notice = Some(Notice::Error(format!(
                "{why}. Everything sent is journaled: s starts again where it stopped"
            )));
            view.state = LoadState::Failed(why);
        }
        Ok(outcome) => match *outcome {
            MigrateOutcome::Blocked(blockers) => {
                state.notice = Some(Notice::Error(format!(
                    "nothing sent: {} blocker(s) ({}); resolve them, then s",
                    blockers.len(),
                    super::readiness::summarise(&blockers)
                )));
                view.state = LoadState::Blocked(blockers);
            }
            MigrateOutcome::Finished(summary) => {
                if let Some(run) = summary.run {
                    view.runs.push(run);
                }
                view.state = if summary.cancelled {
                    match view.state {
                        LoadState::Pausing => LoadState::Paused,
                        _ => LoadState::Cancelled,
                    }
                } else {
                    LoadState::Finished
                };
                view.summary = Some(Box::new(summary));
            }
        },
    }
}

/// After a rollback of `runs`: a load among them is undone, and can start afresh.
pub fn rolled_back(state: &mut State, runs: &[RunId]) {
    if state.load.runs.iter().any(|r| runs.contains(r)) {
        state.load = LoadView::default();
    }
}

/// Blocked until Schema and Owners are done; done when a load settled every record with none
/// failed.
pub fn status(state: &State) -> (StepStatus, String) {
    if let Some(why) = engine_run::unmet(state) {
        return (StepStatus::Blocked, why);
    }
    let view = &state.load;
    let t = view.progress.totals();
    match &view.state {
        LoadState::Idle => (StepStatus::Attention, "s starts the load".into()),
        LoadState::Running | LoadState::Pausing | LoadState::Cancelling => (
            StepStatus::Attention,
            format!("loading: {} of {} settled", t.total(), expected(view)),
        ),
        LoadState::Paused => (StepStatus::Attention, "paused: Space resumes".into()),
        LoadState::Cancelled => (
            StepStatus::Attention,
            "cancelled: s starts again where it stopped".into(),
        ),
        LoadState::Blocked(b) => (
            StepStatus::Attention,
            format!("blocked on {} item(s)", b.len()),
        ),
        LoadState::Failed(_) => (StepStatus::Attention, "the load stopped on an error".into()),
        LoadState::Finished => match view.summary.as_deref() {
            Some(s) if s.failed > 0 => (
                StepStatus::Attention,
                format!(
                    "{} record(s) failed (listed, and in failures.csv)",
                    s.failed
                ),
            ),
            _ => (
                StepStatus::Done,
                format!("every record settled; {} held for the customer", t.held),
            ),
        },
    }
}

fn expected(view: &LoadView) -> u64 {
    view.progress.phases.values().map(|p| p.total).sum()
}

/// The keys of the Load screen.
pub fn handle(state: &mut State, action: Action, body: Rect) -> Vec<Effect> {
    match action {
        Action::StartLoad => start(state),
        Action::TogglePause => match state.load.state {
            LoadState::Running => {
                state.load.state = LoadState::Pausing;
                engine_run::stop(state)
            }
            LoadState::Paused => start(state),
            _ => {
                state.notice = Some(Notice::Info(
                    "Space pauses a load that is going; s starts one".into(),
                ));
                Vec::new()
            }
        },
        Action::CancelRun => match state.load.state {
            LoadState::Running | LoadState::Pausing => {
                state.load.state = LoadState::Cancelling;
                engine_run::stop(state)
            }
            LoadState::Paused => {
                state.load.state = LoadState::Cancelled;
                Vec::new()
            }
            _ => engine_run::stop(state),
        },
        other => {
            let page = progress::list_page(areas(body)[3]);
            state.load.progress.navigate(&other, page);
            Vec::new()
        }
    }
}

/// Verify's delta key: a delta load of the fresh export (the customer's export after the write
/// freeze, at the configured path), shown here. It needs a finished load before it.
pub fn start_delta(state: &mut State) -> Vec<Effect> {
    if state.job.is_some() || state.load.state != LoadState::Finished {
        state.notice = Some(Notice::Info(
            "a delta follows a finished load: finish the load first".into(),
        ));
        return Vec::new();
    }
    state.load = LoadView {
        delta: true,
        ..LoadView::default()
    };
    state.verify = Default::default();
    state.step = super::super::state::Step::Load;
    start(state)
}

/// Start the load, or go on with it (a new `migrate` call; the journal skips what is done).
fn start(state: &mut State) -> Vec<Effect> {
    if let Some(why) = engine_run::unmet(state) {
        state.notice = Some(Notice::Info(why));
        return Vec::new();
    }
    match state.load.state {
        LoadState::Running | LoadState::Pausing | LoadState::Cancelling => {
            state.notice = Some(Notice::Info("the load is going already".into()));
            return Vec::new();
        }
        LoadState::Finished => {
            state.notice = Some(Notice::Info(
                "the load is finished; n goes on to Verify (a new run would only settle what is left)"
                    .into(),
            ));
            return Vec::new();
        }
        _ => {}
    }
    if let ConfigSource::File { exists: false, .. } = state.source {
        state.notice = Some(Notice::Info(
            "write the config first (w on Connect), so `crm-migrate migrate` can go on with this load"
                .into(),
        ));
        return Vec::new();
    }
    let job = if state.load.delta {
        Job::Delta
    } else {
        Job::Load
    };
    let Some(effect) = engine_run::start(state, job) else {
        return Vec::new();
    };
    // The new run reports every record again (settled ones as done earlier), so the snapshot
    // starts afresh; the lists keep only this run's view, which includes earlier holds.
    let mut fresh = RunProgress::expecting(engine_run::expected_rows(state));
    fresh.focus = state.load.progress.focus;
    state.load.progress = fresh;
    state.load.state = LoadState::Running;
    vec![effect]
}

/// Head, pace, phases, lists.
fn areas(body: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(Phase::ALL.len() as u16 + 1),
        Constraint::Min(3),
    ])
    .areas(body)
}

fn head(state: &State) -> Line<'static> {
    let theme = state.theme;
    let view = &state.load;
    let runs: Vec<String> = view.runs.iter().map(ToString::to_string).collect();
    let run = view
        .progress
        .run
        .map(|r| format!("run {r}"))
        .unwrap_or_else(|| "starting".into());
    let (text, style) = match &view.state {
        LoadState::Idle => (
            "Not started — s starts the load (the same call as `crm-migrate migrate`)".to_string(),
            theme.dim(),
        ),
        LoadState::Running => (
            format!(
                "{} — {run} · Space pauses · c cancels (both stop between chunks)",
                if view.delta { "Delta load" } else { "Loading" }
            ),
            theme.title(),
        ),
        LoadState::Pausing => (format!("Pausing {run} after its chunk…"), theme.warn()),
        LoadState::Cancelling => (format!("Cancelling {run} after its chunk…"), theme.warn()),
        LoadState::Paused => (
            format!(
                "Paused after run {} — Space resumes exactly where it stopped",
                runs.join(", ")
            ),
            theme.warn(),
        ),
        LoadState::Cancelled => (
            format!(
                "Cancelled after run {} — s starts again and resumes exactly (so would `crm-migrate migrate`)",
                runs.join(", ")
            ),
            theme.warn(),
        ),
        LoadState::Finished => (
            format!("✓ Finished — run {} · n goes on to Verify", runs.join(", ")),
            theme.good(),
        ),
        LoadState::Blocked(b) => (
            format!(
                "✗ Blocked before sending anything: {} ({})",
                b.first()
                    .map(|b| format!("{}: {}", b.item, b.problem))
                    .unwrap_or_default(),
                super::readiness::summarise(b)
            ),
            theme.bad(),
        ),
        LoadState::Failed(why) => (format!("✗ {why} — s starts again"), theme.bad()),
    };
    Line::from(Span::styled(text, style))
}

/// Draw the Load screen.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    // Once a load has run, it is shown whatever the earlier steps say now.
    if let Some(why) = engine_run::unmet(state).filter(|_| state.load.state == LoadState::Idle) {
        frame.render_widget(
            Paragraph::new(format!("Blocked: {why} (p goes back).")).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let view = &state.load;
    let [top, pace, phases, lists] = areas(area);
    frame.render_widget(Paragraph::new(head(state)), top);
    frame.render_widget(
        Paragraph::new(progress::pace_line(&view.progress, theme)).wrap(Wrap { trim: true }),
        pace,
    );
    let [gauges, totals] = Layout::vertical([
        Constraint::Length(Phase::ALL.len() as u16),
        Constraint::Length(1),
    ])
    .areas(phases);
    progress::render_phases(&view.progress, theme, frame, gauges);
    let t = view.progress.totals();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("all: ", theme.title()),
            Span::raw(format!(
                "{}/{} settled · {} new · {} linked · {} earlier · ",
                t.total(),
                expected(view),
                t.created,
                t.linked + t.merged,
                t.already_done
            )),
            Span::styled(format!("{} held", t.held), theme.warn()),
            Span::raw(" · "),
            Span::styled(format!("{} failed", t.failed), theme.bad()),
        ])),
        totals,
    );
    progress::render_lists(&view.progress, theme, frame, lists);
}
