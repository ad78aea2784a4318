//! The rollback confirmation Rehearse (the sample run) and Verify (the whole migration) share:
//! `engine::rollback::plan` says what would be deleted, and nothing is deleted until the
//! operator types the run id, as `crm-migrate rollback --run ID --yes` would be typed. A wrong
//! id deletes nothing and says so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::engine::rollback::{RollbackPlan, RollbackSummary, Scope};
use crate::journal::{RunId, StepState};

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::state::{Loadable, Notice, State};
use super::super::widgets::centered;

pub use super::super::state::rollback::RollbackPrompt;

/// Open the confirmation for `scope`: plan it first (read the journal only).
pub fn ask(state: &mut State, scope: Scope, expected: RunId) -> Vec<Effect> {
    state.rollback = Some(RollbackPrompt {
        scope,
        expected,
        plan: Loadable::Loading,
        typed: String::new(),
        running: false,
    });
    vec![Effect::PlanRollback {
        config: Box::new(state.config.clone()),
        scope,
    }]
}

/// Keys while the confirmation is open: typing, Enter, Esc.
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(prompt) = state.rollback.as_mut() else {
        return Vec::new();
    };
    if prompt.running {
        return Vec::new();
    }
    match action {
        Action::Back => state.rollback = None,
        Action::Insert(c) => prompt.typed.push(c),
        Action::DeleteBack => {
            prompt.typed.pop();
        }
        Action::ClearField => prompt.typed.clear(),
        Action::Commit => {
            let typed = std::mem::take(&mut prompt.typed);
            if prompt.plan.ready().is_none() {
                state.notice = Some(Notice::Info(
                    "the plan is not read yet: wait for it, then type the run id".into(),
                ));
                return Vec::new();
            }
            if typed.trim() != prompt.expected.to_string() {
                state.notice = Some(Notice::Error(format!(
                    "{:?} is not run {}: nothing was deleted. Type {} and Enter to roll back, or Esc",
                    typed.trim(),
                    prompt.expected,
                    prompt.expected
                )));
                return Vec::new();
            }
            prompt.running = true;
            state.notice = None;
            return vec![Effect::Rollback {
                config: Box::new(state.config.clone()),
                scope: prompt.scope,
            }];
        }
        _ => {}
    }
    Vec::new()
}

/// Fold in the plan.
pub fn planned(state: &mut State, scope: Scope, result: Result<Box<RollbackPlan>, String>) {
    let Some(prompt) = state.rollback.as_mut().filter(|p| p.scope == scope) else {
        return;
    };
    match result {
        Ok(plan) => prompt.plan = Loadable::Ready(plan),
        Err(why) => {
            state.notice = Some(Notice::Error(format!("{why}; nothing was deleted")));
            state.rollback = None;
        }
    }
}

/// Fold in the end of a rollback: close the confirmation and say what it did.
pub fn rolled_back(state: &mut State, result: &Result<Box<RollbackSummary>, String>) {
    state.rollback = None;
    state.notice = Some(match result {
        Ok(s) => Notice::Info(summary_text(s)),
        Err(why) => Notice::Error(format!(
            "{why}. The rollback is journaled: R again goes on where it stopped"
        )),
    });
}

/// `rolled back run 3: 12 deleted, 0 already gone, 1 kept (edited since)`.
pub fn summary_text(s: &RollbackSummary) -> String {
    let runs: Vec<String> = s.runs.iter().map(ToString::to_string).collect();
    let mut text = format!(
        "rolled back run {}: {} deleted, {} already gone, {} kept",
        runs.join(", "),
        s.count(StepState::Deleted),
        s.count(StepState::Gone),
        s.count(StepState::Kept) + s.count(StepState::Unknown),
    );
    if !s.kept.is_empty() {
        text.push_str(" (edited by a person since, or unknown: check them by hand)");
    }
    if s.cancelled {
        text.push_str("; stopped before the end: R again finishes it");
    }
    text
}

/// The confirmation, over `area`.
pub fn render(state: &State, prompt: &RollbackPrompt, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let popup = centered(area, 76, 12);
    let mut lines = Vec::new();
    match &prompt.plan {
        Loadable::Ready(plan) => {
            let runs: Vec<String> = plan.runs.iter().map(ToString::to_string).collect();
            lines.push(Line::from(format!(
                "Deletes from Nutshell what run {} created: {} record(s)",
                runs.join(", "),
                plan.total()
            )));
            let by_type: Vec<String> = plan
                .to_delete
                .iter()
                .map(|(t, n)| format!("{t} {n}"))
                .collect();
            if !by_type.is_empty() {
                lines.push(Line::from(format!("  {}", by_type.join(" · "))));
            }
            if !plan.left_alone.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!(
                        "  leaves alone {} linked or merged record(s); records edited since are kept",
                        plan.left_alone.len()
                    ),
                    theme.dim(),
                )));
            }
        }
        _ => lines.push(Line::from("reading the journal…")),
    }
    lines.push(Line::from(""));
    if prompt.running {
        lines.push(Line::from(Span::styled("rolling back…", theme.warn())));
    } else {
        lines.push(Line::from(vec![
            Span::raw("Type the run id "),
            Span::styled(prompt.expected.to_string(), theme.title()),
            Span::raw(" and Enter to delete; Esc cancels."),
        ]));
        lines.push(Line::from(vec![
            Span::styled("run id: ", theme.title()),
            Span::raw(prompt.typed.clone()),
            Span::styled("▏", theme.title()),
        ]));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.bad())
                .title(" Roll back — this deletes records in Nutshell "),
        ),
        popup,
    );
}
