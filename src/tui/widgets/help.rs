//! The `?` help: every key of the current screen and the global ones, from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::super::keymap::Context;
use super::super::state::State;
use super::centered;

/// The help's lines for the screen under it.
pub fn lines(state: &State, under: Context) -> Vec<Line<'static>> {
    let theme = state.theme;
    let mut lines = Vec::new();
    let mut section = |context: Context, title: &str| {
        let bindings = state.keymap.bindings(context);
        if bindings.is_empty() {
            return;
        }
        lines.push(Line::from(Span::styled(title.to_string(), theme.title())));
        for (action, keys) in bindings {
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys.join(" ")), theme.key()),
                Span::raw(action.label()),
            ]));
        }
    };
    section(under, &format!("This screen ({})", under.name()));
    if let Some(parent) = under.parent() {
        section(parent, &format!("Also ({})", parent.name()));
    }
    if !matches!(under, Context::Editing | Context::Picker) {
        section(Context::Global, "Everywhere");
    }
    lines.push(Line::from(Span::styled(
        "Ctrl-C quits at once. Keys can be changed under [keys.<screen>] in the config.",
        theme.dim(),
    )));
    lines
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, under: Context, scroll: usize) {
    let lines = lines(state, under);
    let popup = centered(area, 70, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(u16::MAX as usize) as u16, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Keys — ↑↓ scroll · ? or Esc closes "),
            ),
        popup,
    );
}
