//! The footer: the current screen's keys, from the keymap (so it is always what the keys do).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::state::State;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let entries = state.keymap.footer(state.context());
    let width = usize::from(area.width);
    // The last entries (help, quit) always show; others fill what room is left.
    let cost = |(k, l): &(String, &str)| k.chars().count() + l.chars().count() + 3;
    let tail: Vec<_> = entries.iter().rev().take(2).rev().collect();
    let mut room = width.saturating_sub(tail.iter().map(|e| cost(e)).sum());
    let mut shown = Vec::new();
    for e in &entries[..entries.len().saturating_sub(2)] {
        if cost(e) > room {
            break;
        }
        room -= cost(e);
        shown.push(e);
    }
    shown.extend(tail);
    let mut spans = Vec::new();
    for (key, label) in shown {
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::raw(format!(" {label} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
