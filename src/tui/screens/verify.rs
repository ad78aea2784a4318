//! Verify & finish: `engine::verify::verify` (as `crm-migrate verify` runs it) — every source row
//! in one bucket per phase, our records counted in Nutshell against the journal, and a seeded
//! spot-check of created records field by field — then the reports written by the report module
//! (as `crm-migrate report` writes them) and the rollback of the whole migration (type the run id
//! to confirm), and a delta load (`migrate --delta`) of the customer's fresh export, which runs
//! on the Load screen.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::cli::report::Written;
use crate::engine::rollback::Scope;
use crate::engine::verify::VerifyReport;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::state::{Cursor, Loadable, Notice, State, StepStatus};
use super::super::widgets::table::{self, visible};
use super::{engine_run, load, rollback};

pub use super::super::state::load::LoadState;
pub use super::super::state::verify::VerifyView;

/// The reports folder, as `crm-migrate report` defaults it.
pub fn reports_dir(state: &State) -> PathBuf {
    state.config.state_dir().join("reports")
}

/// Blocked while an engine run is going; done when verify found nothing.
pub fn status(state: &State) -> (StepStatus, String) {
    if let Some(job) = state.job {
        return (StepStatus::Blocked, format!("the {} is going", job.label()));
    }
    match &state.verify.report {
        Loadable::Ready(r) if r.ok() => (
            StepStatus::Done,
            "every row reconciles and the spot-check matches".into(),
        ),
        Loadable::Ready(r) => (
            StepStatus::Attention,
            format!("{} finding(s) to look at", r.findings.len()),
        ),
        Loadable::Loading => (StepStatus::Attention, "verifying…".into()),
        Loadable::Failed(why) => (StepStatus::Attention, format!("verify failed: {why}")),
        Loadable::Idle if state.load.state == LoadState::Finished => {
            (StepStatus::Attention, "v verifies the load".into())
        }
        Loadable::Idle if state.load.runs.is_empty() && state.rehearse.sample_run().is_none() => (
            StepStatus::Blocked,
            "no load yet (v still verifies one made with `crm-migrate migrate`)".into(),
        ),
        Loadable::Idle => (
            StepStatus::Attention,
            "v verifies what the journal records".into(),
        ),
    }
}

/// Entering after a finished load verifies at once.
pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.verify.report == Loadable::Idle && state.load.state == LoadState::Finished {
        return run(state);
    }
    Vec::new()
}

fn run(state: &mut State) -> Vec<Effect> {
    if let Some(job) = state.job {
        state.notice = Some(Notice::Info(format!(
            "the {} is going: verify after it ends",
            job.label()
        )));
        return Vec::new();
    }
    if state.verify.report.is_loading() {
        return Vec::new();
    }
    state.verify.report = Loadable::Loading;
    state.verify.findings = Cursor::default();
    vec![Effect::Verify {
        config: Box::new(state.config.clone()),
    }]
}

/// The keys of the Verify screen.
pub fn handle(state: &mut State, action: Action, body: Rect) -> Vec<Effect> {
    match action {
        Action::RunVerify => return run(state),
        Action::Delta => return load::start_delta(state),
        Action::WriteReports => {
            if state.verify.written.is_loading() {
                return Vec::new();
            }
            state.verify.written = Loadable::Loading;
            return vec![Effect::WriteReports {
                config: Box::new(state.config.clone()),
                config_path: engine_run::config_path(state),
                dir: reports_dir(state),
            }];
        }
        Action::Rollback => {
            if let Some(job) = state.job {
                state.notice = Some(Notice::Info(format!(
                    "the {} is going: c on its screen cancels it first",
                    job.label()
                )));
                return Vec::new();
            }
            // The newest run this session knows, or the one the last verify came after.
            let newest = state
                .load
                .runs
                .last()
                .copied()
                .or_else(|| state.rehearse.sample_run());
            return match newest {
                Some(run) => rollback::ask(state, Scope::All, run),
                None => {
                    state.notice = Some(Notice::Info(
                        "no run of this session to roll back; `crm-migrate rollback --run ID` rolls back earlier ones".into(),
                    ));
                    Vec::new()
                }
            };
        }
        other => {
            let len = state.verify.report.ready().map_or(0, |r| r.findings.len());
            let page = usize::from(areas(body)[2].height.saturating_sub(1));
            table::navigate(&mut state.verify.findings, &other, len, page);
        }
    }
    Vec::new()
}

/// Fold in a verify.
pub fn verified(state: &mut State, result: Result<Box<VerifyReport>, String>) {
    state.verify.report = match result {
        Ok(r) => Loadable::Ready(r),
        Err(why) => {
            state.notice = Some(Notice::Error(format!("{why}. Next: v tries again")));
            Loadable::Failed(why)
        }
    };
}

/// Fold in the reports written.
pub fn written(state: &mut State, dir: PathBuf, result: Result<Written, String>) {
    state.verify.written = match result {
        Ok(w) => {
            state.notice = Some(Notice::Info(format!(
                "wrote {} files to {}",
                w.files.len(),
                dir.display()
            )));
            Loadable::Ready((dir, w))
        }
        Err(why) => {
            state.notice = Some(Notice::Error(format!(
                "{why}. Next: check the folder is writable, then w"
            )));
            Loadable::Failed(why)
        }
    };
}

/// After a rollback, what was verified no longer holds.
pub fn forget(state: &mut State) {
    state.verify.report = Loadable::Idle;
}

/// Reconciliation table, counts and reports, findings.
fn areas(body: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(10),
        Constraint::Length(4),
        Constraint::Min(3),
    ])
    .areas(body)
}

/// Draw the Verify screen.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let r = match &state.verify.report {
        Loadable::Ready(r) => r,
        other => {
            let text = match other {
                Loadable::Loading => {
                    "reading every record back from Nutshell and spot-checking…".to_string()
                }
                Loadable::Failed(why) => format!("✗ {why}\nNext: v tries again."),
                _ => format!(
                    "{} — v verifies: every source row in one bucket per phase, our records counted in Nutshell, a spot-check field by field. w writes the reports; D runs a delta of the fresh export; R rolls back.",
                    status(state).1
                ),
            };
            let mut lines: Vec<Line> = text.lines().map(|l| Line::from(l.to_string())).collect();
            lines.extend(written_lines(state));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
            return;
        }
    };
    let [recon, counts, findings] = areas(area);
    let rows = r.phases.iter().map(|(phase, b)| {
        let accounted = b.accounted() == b.source_rows;
        Row::new(vec![
            Line::from(Span::styled(
                if accounted { "✓" } else { "✗" },
                if accounted { theme.good() } else { theme.bad() },
            )),
            Line::from(phase.as_str()),
            Line::from(b.source_rows.to_string()),
            Line::from(b.created.to_string()),
            Line::from((b.linked + b.merged).to_string()),
            Line::from(Span::styled(
                b.held.to_string(),
                if b.held > 0 {
                    theme.warn()
                } else {
                    theme.plain()
                },
            )),
            Line::from(Span::styled(
                b.failed.to_string(),
                if b.failed > 0 {
                    theme.bad()
                } else {
                    theme.plain()
                },
            )),
            Line::from(b.outside_sample.to_string()),
        ])
    });
    let checked: u64 = r.spot_checked.values().sum();
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(2),
                Constraint::Length(13),
                Constraint::Length(7),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Length(7),
                Constraint::Length(9),
            ],
        )
        .header(
            Row::new([
                "",
                "Phase",
                "Source",
                "Created",
                "Lnk/mrg",
                "Held",
                "Failed",
                "Unsampled",
            ])
            .style(theme.title()),
        )
        .block(Block::default().borders(Borders::TOP).title(if r.ok() {
            " ✓ Verified: every row in one bucket, the spot-check matches ".to_string()
        } else {
            format!(" ✗ {} finding(s) ", r.findings.len())
        })),
        recon,
    );
    let by_type: Vec<String> = r
        .counts
        .iter()
        .map(|(t, c)| format!("{t} {}/{}", c.journal, c.nutshell))
        .collect();
    let mut lines = vec![Line::from(vec![
        Span::styled("In Nutshell (journal/found): ", theme.title()),
        Span::raw(by_type.join(" · ")),
    ])];
    // The seed at a fixed width (u64's 20 digits; `--seed` reads the zeros) so the line wraps
    // the same whatever seed was drawn.
    lines.push(Line::from(format!(
        "Spot-checked {checked} created record(s) with seed {:020} (`crm-migrate verify --seed {:020}` repeats it)",
        r.seed, r.seed
    )));
    lines.extend(written_lines(state));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), counts);
    let page = usize::from(findings.height.saturating_sub(1));
    let mut items: Vec<Line> = visible(&r.findings, &state.verify.findings, page)
        .map(|(i, f)| {
            let line = Line::from(Span::styled(format!("  {f}"), theme.bad()));
            if i == state.verify.findings.selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    if r.findings.is_empty() {
        items.push(Line::from(Span::styled(
            "  no differences: w writes the reports for the customer",
            theme.good(),
        )));
    }
    frame.render_widget(
        Paragraph::new(items).block(
            Block::default()
                .borders(Borders::TOP)
                .title(" Findings — ↑↓ scroll · w reports · D delta · R rolls back "),
        ),
        findings,
    );
}

fn written_lines(state: &State) -> Vec<Line<'static>> {
    let theme = state.theme;
    match &state.verify.written {
        Loadable::Ready((dir, w)) => vec![Line::from(vec![
            Span::styled("Reports: ", theme.title()),
            Span::raw(format!(
                "{} files in {}{}",
                w.files.len(),
                dir.display(),
                if w.has_run {
                    String::new()
                } else {
                    " (no run recorded yet in them)".into()
                }
            )),
        ])],
        Loadable::Loading => vec![Line::from("writing the reports…")],
        _ => Vec::new(),
    }
}
