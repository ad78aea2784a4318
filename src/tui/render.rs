//! Drawing: reads the state, never changes it, never does I/O.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::screens;
use super::state::{Notice, State, Step};
use super::widgets::{footer, help, step_bar};

/// The frame's parts: step bar, body, notice (when there is one), footer.
pub struct Areas {
    pub steps: Rect,
    pub body: Rect,
    pub notice: Rect,
    pub footer: Rect,
}

/// Where everything goes on a terminal of `size` (also used by `update` to know how many rows
/// a list shows).
pub fn areas(state: &State, size: Rect) -> Areas {
    let notice = if state.notice.is_some() { 2 } else { 0 };
    let [steps, body, notice, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(notice),
        Constraint::Length(1),
    ])
    .areas(size);
    Areas {
        steps,
        body,
        notice,
        footer,
    }
}

/// Draw the whole wizard.
pub fn render(state: &State, frame: &mut Frame) {
    let a = areas(state, frame.area());
    step_bar::render(state, frame, a.steps);
    body(state, frame, a.body);
    if let Some(notice) = &state.notice {
        let theme = state.theme;
        let line = match notice {
            Notice::Info(text) => Line::from(vec![
                Span::styled("ℹ ", theme.title()),
                Span::raw(text.clone()),
                Span::styled("  (Esc)", theme.dim()),
            ]),
            Notice::Error(text) => Line::from(vec![
                Span::styled("✗ error: ", theme.bad()),
                Span::raw(text.clone()),
                Span::styled("  (Esc)", theme.dim()),
            ]),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), a.notice);
    }
    footer::render(state, frame, a.footer);
    if let Some(scroll) = state.help {
        help::render(state, frame, a.body, state.screen_context(), scroll);
    }
}

fn body(state: &State, frame: &mut Frame, area: Rect) {
    match state.step {
        Step::Connect => screens::connect::render(state, frame, area),
        Step::Discovery => screens::discovery::render(state, frame, area),
        Step::FieldMap => screens::field_map::render(state, frame, area),
        Step::Schema => screens::schema::render(state, frame, area),
        Step::Owners => screens::owners::render(state, frame, area),
        // Rehearse, Load, Verify.
        Step::Rehearse => screens::rehearse::render(state, frame, area),
        Step::Load => screens::load::render(state, frame, area),
        Step::Verify => screens::verify::render(state, frame, area),
    }
    if let Some(prompt) = &state.rollback {
        screens::rollback::render(state, prompt, frame, area);
    }
}
