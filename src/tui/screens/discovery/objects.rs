//! The Discovery screen's object map, in place of the file list (`o`): how each RSoft object
//! of the export lands in Nutshell, as `crm-migrate discover` prints it and the scope report
//! opens with it (`mapping::object_map`). The headline on top; a table of object, records,
//! Nutshell, compatibility and what to decide; under it the selected row in full.
//!
//! When every row fits with its long cells wrapped, they wrap; otherwise each row is one line,
//! its long cells cut at a word with `…`, and the list scrolls. The selected row's full text is
//! always under the table, so nothing is cut silently.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use crate::mapping::object_map::{ObjectMap, ObjectRow};

use super::super::super::state::{Cursor, State};
use super::super::super::widgets::table::{highlight, visible};
use super::super::super::widgets::text::{ellipsis, wrap};

/// The table's column titles.
const HEADER: [&str; 5] = [
    "Object",
    "Records",
    "Nutshell",
    "Compatibility",
    "To decide",
];

/// Columns between two table columns.
const SPACING: u16 = 1;

/// Lines the headline may take before it is cut with `…` (only on a very narrow terminal).
const HEADLINE_LINES: usize = 3;

/// Where the view's parts go in an area, and how the table's cells fit.
struct Fit {
    /// The headline, wrapped to the area's width.
    headline: Vec<String>,
    /// Where the headline goes.
    headline_area: Rect,
    /// The table: its header row and the rows.
    table: Rect,
    /// The selected row in full.
    detail: Rect,
    /// Object, records, Nutshell, compatibility, to decide.
    widths: [u16; 5],
    /// Every row fits with its Nutshell and to-decide cells wrapped.
    wrapped: bool,
}

/// Display width, in terminal columns.
fn width(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// The widths of the table's columns in `area_width` columns: object, records and
/// compatibility as wide as their longest cell; what is left split between Nutshell (two
/// fifths, at most its longest cell) and to decide.
fn widths(map: &ObjectMap, area_width: u16) -> [u16; 5] {
    let longest = |cell: fn(&ObjectRow) -> usize, title: &str| {
        let longest = map.objects.iter().map(cell).max().unwrap_or(0);
        u16::try_from(longest.max(width(title))).unwrap_or(u16::MAX)
    };
    let object = longest(|r| width(&r.object), HEADER[0]);
    let records = longest(|r| r.records.to_string().len(), HEADER[1]);
    let compatibility = longest(|r| r.compatibility.label().len(), HEADER[3]);
    let rest = area_width.saturating_sub(object + records + compatibility + 4 * SPACING);
    let two_fifths = u16::try_from(u32::from(rest) * 2 / 5).unwrap_or(rest);
    let nutshell = two_fifths.min(longest(|r| width(&r.lands_as), HEADER[2]));
    [object, records, nutshell, compatibility, rest - nutshell]
}

/// The selected row in full: the title of its panel and its lines at `text_width`.
fn detail_lines(row: &ObjectRow, text_width: usize) -> (String, Vec<String>) {
    let title = format!(" {} — {} records ", row.object, row.records);
    let decide = if row.decide.is_empty() {
        "nothing"
    } else {
        &row.decide
    };
    let mut lines = wrap(
        &format!("→ {}, {}", row.lands_as, row.compatibility.label()),
        text_width,
    );
    lines.extend(wrap(&format!("To decide: {decide}"), text_width));
    (title, lines)
}

/// A row's height when its long cells wrap in their columns.
fn wrapped_height(row: &ObjectRow, widths: &[u16; 5]) -> usize {
    let lines = |text: &str, w: u16| wrap(text, usize::from(w)).len();
    lines(&row.lands_as, widths[2]).max(lines(&row.decide, widths[4]))
}

/// The headline, the table and the detail in `area`; `render` and `page` both ask, so the
/// selection moves by the rows drawn.
fn fit(map: &ObjectMap, area: Rect) -> Fit {
    let text_width = usize::from(area.width);
    let mut headline = wrap(&format!("Object map: {}.", map.headline), text_width);
    if headline.len() > HEADLINE_LINES {
        let rest = headline.split_off(HEADLINE_LINES - 1).join(" ");
        headline.push(ellipsis(&rest, text_width));
    }
    // The detail keeps one height whatever is selected (the table does not jump), at most a
    // third of the area.
    let longest = map
        .objects
        .iter()
        .map(|r| detail_lines(r, text_width).1.len())
        .max()
        .unwrap_or(1);
    let detail = u16::try_from(longest + 1)
        .unwrap_or(u16::MAX)
        .min((area.height / 3).max(2));
    let headline_rows = headline.len() as u16;
    let widths = widths(map, area.width);
    let room = area.height.saturating_sub(headline_rows + detail + 1);
    let wrapped_rows: usize = map.objects.iter().map(|r| wrapped_height(r, &widths)).sum();
    let wrapped = wrapped_rows <= usize::from(room);
    // Wrapped, the table is as long as its rows and the detail follows it; cut, the table
    // takes the room and scrolls.
    let table_rows = if wrapped {
        u16::try_from(wrapped_rows).unwrap_or(room) + 1
    } else {
        room + 1
    };
    let [headline_area, table, detail, _] = Layout::vertical([
        Constraint::Length(headline_rows),
        Constraint::Length(table_rows),
        Constraint::Length(detail),
        Constraint::Min(0),
    ])
    .areas(area);
    Fit {
        headline,
        headline_area,
        table,
        detail,
        widths,
        wrapped,
    }
}

impl Fit {
    /// Rows the table shows (all of `len` when they fit wrapped).
    fn page(&self, len: usize) -> usize {
        if self.wrapped {
            len
        } else {
            usize::from(self.table.height.saturating_sub(1))
        }
    }
}

/// Rows the table shows in `area` (all of them when they fit wrapped): the page the
/// selection moves by.
pub fn page(map: &ObjectMap, area: Rect) -> usize {
    fit(map, area).page(map.objects.len())
}

/// Draw the object map into `area`, with the row under `cursor` selected.
pub fn render(state: &State, map: &ObjectMap, cursor: &Cursor, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let fit = fit(map, area);
    let headline: Vec<Line> = fit
        .headline
        .iter()
        .map(|l| Line::from(Span::styled(l.clone(), theme.title())))
        .collect();
    frame.render_widget(Paragraph::new(headline), fit.headline_area);
    if map.objects.is_empty() {
        frame.render_widget(
            Paragraph::new("No file of the export is a known RSoft object: o shows the file list."),
            fit.table,
        );
        return;
    }
    let [_, _, nutshell_width, _, decide_width] = fit.widths.map(usize::from);
    let rows = visible(&map.objects, cursor, fit.page(map.objects.len())).map(|(i, r)| {
        let (nutshell, decide, height) = if fit.wrapped {
            let nutshell = wrap(&r.lands_as, nutshell_width);
            let decide = wrap(&r.decide, decide_width);
            let height = nutshell.len().max(decide.len());
            (nutshell, decide, height)
        } else {
            (
                vec![ellipsis(&r.lands_as, nutshell_width)],
                vec![ellipsis(&r.decide, decide_width)],
                1,
            )
        };
        let lines =
            |cell: Vec<String>| Text::from(cell.into_iter().map(Line::from).collect::<Vec<_>>());
        let row = Row::new(vec![
            Cell::from(r.object.clone()),
            Cell::from(Line::from(r.records.to_string()).right_aligned()),
            Cell::from(lines(nutshell)),
            Cell::from(Span::styled(
                r.compatibility.label(),
                theme.compatibility(r.compatibility),
            )),
            Cell::from(lines(decide)),
        ])
        .height(u16::try_from(height).unwrap_or(u16::MAX));
        highlight(row, i == cursor.selected, theme)
    });
    frame.render_widget(
        Table::new(rows, fit.widths.map(Constraint::Length))
            .column_spacing(SPACING)
            .header(
                Row::new(
                    HEADER
                        .iter()
                        .zip(fit.widths)
                        .map(|(title, w)| ellipsis(title, usize::from(w))),
                )
                .style(theme.title()),
            ),
        fit.table,
    );
    let Some(selected) = map.objects.get(cursor.selected) else {
        return;
    };
    let (title, mut lines) = detail_lines(selected, usize::from(fit.detail.width));
    let room = usize::from(fit.detail.height.saturating_sub(1)).max(1);
    if lines.len() > room {
        let rest = lines.split_off(room - 1).join(" ");
        lines.push(ellipsis(&rest, usize::from(fit.detail.width)));
    }
    frame.render_widget(
        Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>())
            .block(Block::default().borders(Borders::TOP).title(title)),
        fit.detail,
    );
}
