//! Rehearse: the dry run (`migrate --dry-run`: every record built and validated against the
//! account, nothing written) with its would-hold and would-fail records and their reasons, then
//! a sample migration (`migrate --sample N`: N records per phase, with their parents, journaled as
//! one run) and its rollback a key away (type the run id to confirm). Both are the engine's own
//! `migrate` call with the same files, so the command line sees the same journal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::engine::load::MigrateOutcome;
use crate::engine::rollback::Scope;
use crate::journal::Phase;

use super::super::action::{Action, Job};
use super::super::effect::Effect;
use super::super::state::{Loadable, Notice, State, StepStatus};
use super::progress::{self, RunProgress};
use super::{engine_run, rollback};

pub use super::super::state::rehearse::{DEFAULT_SAMPLE, Rehearsal, RehearseView, Shown};

/// After a rollback of `runs`: a sample among them is gone from Nutshell.
pub fn rolled_back(state: &mut State, runs: &[i64]) {
    if state
        .rehearse
        .sample_run()
        .is_some_and(|r| runs.contains(&r))
    {
        state.rehearse.sample = Rehearsal::default();
    }
}

/// Blocked until Schema and Owners are done; done once a dry run finished with nothing
/// blocking and nothing failing.
pub fn status(state: &State) -> (StepStatus, String) {
    if let Some(why) = engine_run::unmet(state) {
        return (StepStatus::Blocked, why);
    }
    let view = &state.rehearse;
    match &view.dry_run.outcome {
        Loadable::Idle => (StepStatus::Attention, "d runs the dry run".into()),
        Loadable::Loading => (StepStatus::Attention, "dry run going…".into()),
        Loadable::Failed(why) => (StepStatus::Attention, format!("the dry run failed: {why}")),
        Loadable::Ready(outcome) => match &**outcome {
            MigrateOutcome::Blocked(b) => (
                StepStatus::Attention,
                format!("the dry run stopped on {} blocker(s)", b.len()),
            ),
            MigrateOutcome::Finished(s) if !s.blockers.is_empty() => (
                StepStatus::Attention,
                format!("{} blocker(s) would stop the load", s.blockers.len()),
            ),
            MigrateOutcome::Finished(s) if s.failed > 0 => (
                StepStatus::Attention,
                format!("{} record(s) would fail (listed)", s.failed),
            ),
            MigrateOutcome::Finished(s) => (
                StepStatus::Done,
                format!("dry run clean; {} would be held", s.holds.len()),
            ),
        },
    }
}

/// The keys of the Rehearse screen.
pub fn handle(state: &mut State, action: Action, body: Rect) -> Vec<Effect> {
    if let Some(text) = state.rehearse.editing.as_mut() {
        match action {
            Action::Insert(c) if c.is_ascii_digit() && text.len() < 6 => text.push(c),
            Action::Insert(_) => {}
            Action::DeleteBack => {
                text.pop();
            }
            Action::ClearField => text.clear(),
            Action::Back => state.rehearse.editing = None,
            Action::Commit => match text.parse::<u64>() {
                Ok(n) if n > 0 => {
                    state.rehearse.sample_size = n;
                    state.rehearse.editing = None;
                }
                _ => {
                    state.notice = Some(Notice::Info(
                        "the sample needs at least 1 record per phase: type a number".into(),
                    ))
                }
            },
            _ => {}
        }
        return Vec::new();
    }
    match action {
        Action::DryRun => {
            state.rehearse.shown = Shown::DryRun;
            return start(state, Job::DryRun);
        }
        Action::Sample => {
            state.rehearse.shown = Shown::Sample;
            return start(state, Job::Sample(state.rehearse.sample_size));
        }
        Action::Edit => {
            state.rehearse.editing = Some(state.rehearse.sample_size.to_string());
        }
        Action::CancelRun => return engine_run::stop(state),
        Action::Rollback => match state.rehearse.sample_run() {
            Some(run) => return rollback::ask(state, Scope::Run(run), run),
            None => {
                state.notice = Some(Notice::Info(
                    "no sample run to roll back here: s runs one first".into(),
                ));
            }
        },
        Action::Left | Action::Right => {
            state.rehearse.shown = match state.rehearse.shown {
                Shown::DryRun => Shown::Sample,
                Shown::Sample => Shown::DryRun,
            };
        }
        other => {
            let page = progress::list_page(areas(body)[3]);
            state.rehearse.shown_mut().progress.navigate(&other, page);
        }
    }
    Vec::new()
}

/// Start a rehearsal run (one engine run at a time).
fn start(state: &mut State, job: Job) -> Vec<Effect> {
    if let Some(why) = engine_run::unmet(state) {
        state.notice = Some(Notice::Info(why));
        return Vec::new();
    }
    let Some(effect) = engine_run::start(state, job) else {
        return Vec::new();
    };
    let rows = engine_run::expected_rows(state);
    let r = match job {
        Job::DryRun => &mut state.rehearse.dry_run,
        _ => &mut state.rehearse.sample,
    };
    *r = Rehearsal {
        progress: RunProgress::expecting(rows),
        outcome: Loadable::Loading,
    };
    vec![effect]
}

/// Head, phases, sample line, lists.
fn areas(body: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(Phase::ALL.len() as u16),
        Constraint::Length(2),
        Constraint::Min(3),
    ])
    .areas(body)
}

fn outcome_line(state: &State, r: &Rehearsal, what: &str) -> Line<'static> {
    let theme = state.theme;
    match &r.outcome {
        Loadable::Idle => Line::from(Span::styled(format!("{what}: not run yet"), theme.dim())),
        Loadable::Loading => Line::from(Span::styled(
            format!(
                "{what}: going… {} of {} settled",
                r.progress.totals().total(),
                r.progress.phases.values().map(|p| p.total).sum::<u64>()
            ),
            theme.title(),
        )),
        Loadable::Failed(why) => Line::from(Span::styled(format!("{what}: ✗ {why}"), theme.bad())),
        Loadable::Ready(o) => match &**o {
            MigrateOutcome::Blocked(b) => Line::from(Span::styled(
                format!(
                    "{what}: ✗ stopped on {} blocker(s) before sending anything: {}",
                    b.len(),
                    b.first()
                        .map(|b| format!("{}: {}", b.item, b.problem))
                        .unwrap_or_default()
                ),
                theme.bad(),
            )),
            MigrateOutcome::Finished(s) => {
                let t = r.progress.totals();
                let mut spans = vec![Span::raw(format!(
                    "{what}{}: {} {} · {} linked/merged · ",
                    s.run.map(|r| format!(" (run {r})")).unwrap_or_default(),
                    t.created,
                    if s.dry_run {
                        "would be created"
                    } else {
                        "created"
                    },
                    t.linked + t.merged,
                ))];
                spans.push(Span::styled(
                    format!("{} held", s.holds.len()),
                    if s.holds.is_empty() {
                        theme.good()
                    } else {
                        theme.warn()
                    },
                ));
                spans.push(Span::raw(" · "));
                spans.push(Span::styled(
                    format!("{} failed", s.failed),
                    if s.failed == 0 {
                        theme.good()
                    } else {
                        theme.bad()
                    },
                ));
                if !s.blockers.is_empty() {
                    spans.push(Span::styled(
                        format!(" · {} blocker(s) would stop the load", s.blockers.len()),
                        theme.bad(),
                    ));
                }
                if s.cancelled {
                    spans.push(Span::styled(" · cancelled", theme.warn()));
                }
                Line::from(spans)
            }
        },
    }
}

/// Draw the Rehearse screen.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    if let Some(why) = engine_run::unmet(state) {
        frame.render_widget(
            Paragraph::new(format!("Blocked: {why} (p goes back).")).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let view = &state.rehearse;
    let [head, phases, sample, lists] = areas(area);
    let shown = view.shown();
    let mark = |s: Shown| if view.shown == s { "▸ " } else { "  " };
    // The dry run's outcome on top; the sample's below the gauges.
    frame.render_widget(
        Paragraph::new(prefixed(
            mark(Shown::DryRun),
            outcome_line(state, &view.dry_run, "Dry run"),
        ))
        .wrap(Wrap { trim: true }),
        head,
    );
    progress::render_phases(&shown.progress, theme, frame, phases);
    let size = match &view.editing {
        Some(text) => Line::from(vec![
            Span::styled("records per phase: ", theme.title()),
            Span::raw(text.clone()),
            Span::styled("▏ Enter keeps it, Esc cancels", theme.dim()),
        ]),
        None => Line::from(Span::styled(
            format!(
                "  {} per phase (e changes it) · s sample · R rolls it back · ←→ other run",
                view.sample_size
            ),
            theme.dim(),
        )),
    };
    frame.render_widget(
        Paragraph::new(vec![
            prefixed(
                mark(Shown::Sample),
                outcome_line(state, &view.sample, "Sample"),
            ),
            size,
        ])
        .block(Block::default().borders(Borders::NONE)),
        sample,
    );
    progress::render_lists(&shown.progress, theme, frame, lists);
}

fn prefixed(prefix: &'static str, line: Line<'static>) -> Line<'static> {
    let mut spans = vec![Span::raw(prefix)];
    spans.extend(line.spans);
    Line::from(spans)
}
