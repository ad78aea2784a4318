//! Pieces every screen uses: the step bar, the footer, the help overlay, long tables, pickers,
//! text fitted to a width, and where a popup goes ([`centered`]).

use ratatui::layout::{Constraint, Flex, Layout, Rect};

pub mod footer;
pub mod help;
pub mod picker;
pub mod step_bar;
pub mod table;
pub mod text;

/// The `width` × `height` rect centred in `area`, each side clipped to `area`'s: where a popup
/// (the help, a picker, the rollback confirmation) is drawn.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    popup
}
