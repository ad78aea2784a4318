//! Long tables: only the rows on screen are built (a field map may have hundreds of columns, a
//! load list a hundred thousand holds), and the same navigation keys everywhere.

use ratatui::widgets::Row;

use super::super::action::Action;
use super::super::state::cursor::Cursor;
use super::super::theme::Theme;

/// Rows a table spends on its top border and header.
pub const CHROME: u16 = 2;

/// Rows the mouse wheel moves.
const WHEEL: isize = 3;

/// The items on screen, with their index, for a cursor over a list shown `page` rows at a time.
pub fn visible<'a, T>(
    items: &'a [T],
    cursor: &Cursor,
    page: usize,
) -> impl Iterator<Item = (usize, &'a T)> {
    let mut c = *cursor;
    c.follow(items.len(), page);
    items.iter().enumerate().skip(c.offset).take(page)
}

/// Move `cursor` for a navigation action; other actions leave it alone.
pub fn navigate(cursor: &mut Cursor, action: &Action, len: usize, page: usize) {
    let page_rows = page.max(1) as isize;
    match action {
        Action::Up => cursor.move_by(-1, len, page),
        Action::Down => cursor.move_by(1, len, page),
        Action::ScrollUp => cursor.move_by(-WHEEL, len, page),
        Action::ScrollDown => cursor.move_by(WHEEL, len, page),
        Action::PageUp => cursor.move_by(-page_rows, len, page),
        Action::PageDown => cursor.move_by(page_rows, len, page),
        Action::Home => cursor.move_by(isize::MIN / 2, len, page),
        Action::End => cursor.select_last(len, page),
        _ => {}
    }
}

/// The selected row reversed (visible without colour).
pub fn highlight<'a>(row: Row<'a>, selected: bool, theme: Theme) -> Row<'a> {
    if selected {
        row.style(theme.selected())
    } else {
        row
    }
}
