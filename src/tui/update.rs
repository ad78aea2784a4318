//! `update`: the only place the state changes. It does no I/O; what must happen outside (read,
//! connect, write) it returns as effects for the loop to run.

use crossterm::event::{Event, KeyEventKind, MouseEventKind};
use ratatui::layout::Rect;

use super::action::{Action, Outcome};
use super::effect::Effect;
use super::keymap::{Context, KeyCombo};
use super::render;
use super::screens::{connect, discovery, field_map, owners, readiness, schema};
// Rehearse, Load, Verify.
use super::screens::{load, rehearse, rollback, verify};
use super::state::{ConfigSource, Loadable, Notice, State, Step};

/// Fold one action into the state; return the effects to run.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::ForceQuit => {
            state.quit = true;
            return Vec::new();
        }
        Action::Resize { width, height } => {
            state.size = (width, height);
            return Vec::new();
        }
        Action::Done(outcome) => return fold(state, outcome),
        _ => {}
    }
    if let Some(scroll) = state.help.as_mut() {
        match action {
            Action::Help | Action::Back => state.help = None,
            Action::Up | Action::ScrollUp => *scroll = scroll.saturating_sub(1),
            Action::Down | Action::ScrollDown => *scroll += 1,
            _ => {}
        }
        return Vec::new();
    }
    if action != Action::Quit {
        state.confirm_quit = false;
    }
    // A rollback waiting for its run id takes every key (typing), as an edit does.
    if state.rollback.is_some() {
        return rollback::handle(state, action);
    }
    match action {
        Action::Help => {
            state.help = Some(0);
            return Vec::new();
        }
        Action::Quit => {
            quit(state);
            return Vec::new();
        }
        Action::NextStep => return go_to(state, state.step.next()),
        Action::PrevStep => return go_to(state, state.step.prev()),
        Action::Back
            if state.notice.is_some()
                && !matches!(state.context(), Context::Editing | Context::Picker) =>
        {
            state.notice = None;
            return Vec::new();
        }
        _ => {}
    }
    let (width, height) = state.size;
    let body = render::areas(state, Rect::new(0, 0, width, height)).body;
    match state.step {
        Step::Connect => connect::handle(state, action),
        Step::Discovery => discovery::handle(state, action, body),
        Step::FieldMap => field_map::handle(state, action, body),
        Step::Schema => schema::handle(state, action),
        Step::Owners => owners::handle(state, action, body),
        // Rehearse, Load, Verify.
        Step::Rehearse => rehearse::handle(state, action, body),
        Step::Load => load::handle(state, action, body),
        Step::Verify => verify::handle(state, action, body),
    }
}

/// What the wizard does as it opens: read the configured export, test the configured
/// connection.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut effects = discovery::start(state);
    let nutshell = &state.config.nutshell;
    if nutshell.endpoint.is_some() || nutshell.username.is_some() {
        effects.extend(connect::test_connection(state));
    }
    effects
}

fn quit(state: &mut State) {
    if let Some(job) = state.job.filter(|_| !state.confirm_quit) {
        state.confirm_quit = true;
        state.notice = Some(Notice::Info(format!(
            "the {} is going: q again stops it and quits (everything sent is journaled; the wizard or `crm-migrate migrate` goes on)",
            job.label()
        )));
    } else if state.field_map.unsaved() && !state.confirm_quit {
        state.confirm_quit = true;
        state.notice = Some(Notice::Info(
            "the field map has unsaved changes: s (on Field map) saves them; q again quits without saving".into(),
        ));
    } else {
        state.quit = true;
    }
}

fn go_to(state: &mut State, step: Option<Step>) -> Vec<Effect> {
    let Some(step) = step else {
        return Vec::new();
    };
    if step > state.step && state.step == Step::Owners {
        if let Err(why) = owners::may_leave(state) {
            state.notice = Some(Notice::Info(why));
            return Vec::new();
        }
    }
    state.step = step;
    match step {
        Step::FieldMap => field_map::enter(state),
        Step::Schema | Step::Owners => readiness::enter(state),
        Step::Verify => verify::enter(state),
        _ => Vec::new(),
    }
}

fn fold(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Discovered { export, result } => {
            if state.config.source.export.as_ref() != Some(&export) {
                // The export path changed while this one was read.
                return Vec::new();
            }
            match result {
                Ok(found) => {
                    state.discovery.discovered = Loadable::Ready(found);
                }
                Err(why) => {
                    state.notice = Some(Notice::Error(format!(
                        "{why}. Next: on Connect, correct the export path (Enter on Export)"
                    )));
                    state.discovery.discovered = Loadable::Failed(why);
                }
            }
        }
        Outcome::Preflight(result) => {
            state.connect.preflight = match result {
                Ok(p) => Loadable::Ready(p),
                Err(why) => {
                    state.notice = Some(Notice::Error(why.clone()));
                    Loadable::Failed(why)
                }
            }
        }
        Outcome::Proposed(result) => return field_map::proposed(state, result),
        Outcome::MapSaved { path, result } => {
            if result.is_ok() {
                // The check read the map as it was.
                state.ready = Loadable::Idle;
            }
            field_map::saved(state, path, result)
        }
        Outcome::Checked(result) => readiness::checked(state, result),
        Outcome::Users(result) => return owners::users(state, result),
        Outcome::OwnersSaved { path, result } => owners::saved(state, path, result),
        Outcome::ConfigWritten { path, result } => match result {
            Ok(()) => {
                state.notice = Some(Notice::Info(format!(
                    "wrote {}: the headless commands read it too",
                    path.display()
                )));
                state.source = ConfigSource::File { path, exists: true };
            }
            Err(why) => state.notice = Some(Notice::Error(why)),
        },
        Outcome::ScopeReportWritten(result) => discovery::written(state, result),
        // Rehearse, Load, Verify.
        Outcome::Progress { events, elapsed } => load::progress(state, &events, elapsed),
        Outcome::Ran { job, result } => load::ran(state, job, result),
        Outcome::Verified(result) => verify::verified(state, result),
        Outcome::RollbackPlanned { scope, result } => rollback::planned(state, scope, result),
        Outcome::RolledBack(result) => {
            if let Ok(summary) = &result {
                rehearse::rolled_back(state, &summary.runs);
                load::rolled_back(state, &summary.runs);
                verify::forget(state);
            }
            rollback::rolled_back(state, &result);
        }
        Outcome::ReportsWritten { dir, result } => verify::written(state, dir, result),
        Outcome::AdminActed(result) => return schema::admin_acted(state, result),
        // Field map panels.
        Outcome::Sampled {
            export,
            module,
            result,
        } => field_map::preview::sampled(state, export, module, result),
    }
    Vec::new()
}

/// The action a terminal event stands for in the current state, if any.
pub fn translate(state: &State, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            let combo = KeyCombo::from_event(key)?;
            state.keymap.action(state.context(), &combo)
        }
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}
