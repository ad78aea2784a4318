//! A fuzzy-filtered list to pick one item from (a Nutshell user for an owner, a target for a
//! column): the operator types, the list narrows and ranks as they type (nucleo's matcher, the
//! one helix and television use), ↑↓ move, Enter picks. The filtering is pure computation, so
//! `update` runs it; `render` only draws the result.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::super::action::Action;
use super::super::state::cursor::Cursor;
use super::super::theme::Theme;
use super::{centered, table};

/// The picker's state: the items as shown (labels), what is typed, and the matches in rank order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Picker {
    pub title: String,
    labels: Vec<String>,
    pub query: String,
    /// Indices into the items, best match first (all of them, in order, for an empty query).
    shown: Vec<usize>,
    pub cursor: Cursor,
}

/// Rows the picker's list shows at most.
pub const PAGE: usize = 12;

impl Picker {
    /// A picker over `labels` (one per item, in the order given when nothing is typed).
    pub fn new(title: impl Into<String>, labels: Vec<String>) -> Picker {
        let mut picker = Picker {
            title: title.into(),
            labels,
            ..Picker::default()
        };
        picker.filter();
        picker
    }

    /// The index of the highlighted item, if anything matches.
    pub fn selected(&self) -> Option<usize> {
        self.shown.get(self.cursor.selected).copied()
    }

    /// The matching items' indices, best first.
    pub fn shown(&self) -> &[usize] {
        &self.shown
    }

    fn filter(&mut self) {
        let pattern = Pattern::parse(&self.query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let indexed = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| Indexed(i, l.as_str()));
        self.shown = pattern
            .match_list(indexed, &mut matcher)
            .into_iter()
            .map(|(Indexed(i, _), _)| i)
            .collect();
        self.cursor = Cursor::default();
    }

    /// Fold a typing or navigation action; other actions are the caller's.
    /// Returns whether the action was the picker's.
    pub fn handle(&mut self, action: &Action) -> bool {
        match action {
            Action::Insert(c) => {
                self.query.push(*c);
                self.filter();
            }
            Action::DeleteBack => {
                self.query.pop();
                self.filter();
            }
            Action::ClearField => {
                self.query.clear();
                self.filter();
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End
            | Action::ScrollUp
            | Action::ScrollDown => {
                table::navigate(&mut self.cursor, action, self.shown.len(), PAGE)
            }
            _ => return false,
        }
        true
    }

    /// Draw as a popup centred on `area`.
    pub fn render(&self, theme: Theme, frame: &mut Frame, area: Rect) {
        let rows = self.shown.len().clamp(1, PAGE);
        let popup = centered(area, 72, rows as u16 + 4);
        let mut lines = vec![Line::from(vec![
            Span::styled("filter: ", theme.dim()),
            Span::raw(format!("{}▏", self.query)),
            Span::styled(
                format!("  {} of {}", self.shown.len(), self.labels.len()),
                theme.dim(),
            ),
        ])];
        if self.shown.is_empty() {
            lines.push(Line::from(Span::styled(
                "nothing matches: Backspace or Ctrl-U widens the filter",
                theme.warn(),
            )));
        }
        let page = usize::from(popup.height.saturating_sub(3));
        for (pos, &i) in table::visible(&self.shown, &self.cursor, page) {
            let label = self.labels.get(i).cloned().unwrap_or_default();
            let style = if pos == self.cursor.selected {
                theme.selected()
            } else {
                theme.plain()
            };
            let marker = if pos == self.cursor.selected {
                "› "
            } else {
                "  "
            };
            lines.push(Line::from(Span::styled(format!("{marker}{label}"), style)));
        }
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(format!(
                " {} — type to filter · Enter picks · Esc ",
                self.title
            ))),
            popup,
        );
    }
}

/// An item's index with its label, so the matcher ranks labels and hands back indices.
struct Indexed<'a>(usize, &'a str);

impl AsRef<str> for Indexed<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_narrows_and_ranks_and_backspace_widens() {
        let mut p = Picker::new(
            "users",
            vec![
                "Ravi Kumar <ravi@acme.in>".into(),
                "Priya Sharma <priya@acme.in>".into(),
                "Anil Desai <anil@acme.in>".into(),
            ],
        );
        assert_eq!(p.shown(), [0, 1, 2]);
        for c in "prya".chars() {
            p.handle(&Action::Insert(c));
        }
        assert_eq!(p.shown(), [1]);
        assert_eq!(p.selected(), Some(1));
        p.handle(&Action::ClearField);
        for c in "zzz".chars() {
            p.handle(&Action::Insert(c));
        }
        assert_eq!(p.selected(), None);
        p.handle(&Action::DeleteBack);
        p.handle(&Action::DeleteBack);
        p.handle(&Action::DeleteBack);
        assert_eq!(p.shown().len(), 3);
        p.handle(&Action::Down);
        assert_eq!(p.selected(), Some(1));
        assert!(!p.handle(&Action::Save));
    }
}
