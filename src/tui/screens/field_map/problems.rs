//! The Field map's problem list: what the map validator finds against the destination schema
//! (`mapping::validate`) and what the whole-column value check found when the map was proposed
//! (`mapping::value_check`: values that would fail their transform, with count and examples by
//! file and line; characters lost to a non-Unicode save). Enter goes to the cell a problem names:
//! the column's row in the table, or the value's entry in the value-map panel.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::super::super::action::Action;
use super::super::super::state::{Cursor, Notice, State};
use super::super::super::widgets::table::{self, visible};
use super::{Panel, values};

/// The keys of the list (context `field_map_problems`).
pub fn handle(state: &mut State, action: Action, page: usize) {
    let len = state.field_map.problems.len();
    match action {
        Action::Back | Action::ToggleProblems => state.field_map.panel = None,
        Action::Jump => jump(state),
        other => table::navigate(&mut state.field_map.problem_list, &other, len, page),
    }
}

/// Go to the selected problem's cell.
fn jump(state: &mut State) {
    let view = &mut state.field_map;
    let Some(problem) = view.problems.get(view.problem_list.selected).cloned() else {
        return;
    };
    view.show_module(problem.module);
    let Some(module_map) = view.module_map() else {
        return;
    };
    let Some(item) = problem.item.as_deref() else {
        view.panel = None;
        state.notice = Some(Notice::Info(format!(
            "the problem concerns {} as a whole: {}",
            problem.module, problem.fix
        )));
        return;
    };
    if let Some(index) = module_map.columns.iter().position(|c| c.header == item) {
        if !view.visible_rows().contains(&index) {
            view.attention_only = false;
        }
        let at = view
            .visible_rows()
            .iter()
            .position(|i| *i == index)
            .unwrap_or(0);
        view.rows = Cursor {
            selected: at,
            offset: at,
        };
        view.panel = None;
        view.rebuild_preview();
        return;
    }
    let kinds = values::kinds(module_map);
    let found = kinds.iter().enumerate().find_map(|(k, kind)| {
        let at = module_map
            .values
            .get(kind)?
            .iter()
            .position(|v| v.from == item)?;
        Some((k, at))
    });
    match found {
        Some((kind, at)) => {
            view.values.kind = kind;
            view.values.cursor = Cursor {
                selected: at,
                offset: at,
            };
            view.panel = Some(Panel::ValueMaps);
        }
        None => {
            view.panel = None;
            state.notice = Some(Notice::Info(format!(
                "{item:?} is no longer in the {} map: the problem is from before a change",
                problem.module
            )));
        }
    }
}

/// Draw the list, and the selected problem in full below it.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let view = &state.field_map;
    let values_found = view.value_problem_count();
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        format!(
            " Problems: {} — {} from the map's check, {values_found} from every value of the columns ",
            view.problems.len(),
            view.problems.len() - values_found
        ),
        theme.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.problems.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                "✓ no problems: the map fits the destination and every value reads",
                theme.good(),
            ))),
            inner,
        );
        return;
    }
    let [list, detail] =
        Layout::vertical([Constraint::Min(2), Constraint::Length(detail_height(inner))])
            .areas(inner);
    let page = usize::from(list.height);
    let lines: Vec<Line> = visible(&view.problems, &view.problem_list, page)
        .map(|(i, p)| {
            let line = Line::from(vec![
                Span::styled("✗ ", theme.bad()),
                Span::raw(format!(
                    "{}{}: {}",
                    p.module.as_str(),
                    p.item.as_ref().map_or(String::new(), |i| format!(" {i:?}")),
                    p.problem
                )),
            ]);
            if i == view.problem_list.selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(p) = view.problems.get(view.problem_list.selected) {
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::raw(p.problem.clone())),
                Line::from(vec![
                    Span::styled("Fix: ", theme.title()),
                    Span::raw(p.fix.clone()),
                ]),
            ])
            .block(Block::default().borders(Borders::TOP))
            .wrap(Wrap { trim: true }),
            detail,
        );
    }
}

/// The selected problem's full text takes up to half the panel.
fn detail_height(inner: Rect) -> u16 {
    (inner.height / 2).clamp(3, 8)
}

/// Rows the list shows in `area` (the panel's whole area).
pub fn page(area: Rect) -> usize {
    let inner = area.height.saturating_sub(1);
    usize::from(inner.saturating_sub(detail_height(Rect::new(0, 0, 1, inner))))
}
