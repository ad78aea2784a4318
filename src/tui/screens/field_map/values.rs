//! The Field map's value-map panel: per module, each value map the map keeps (stages, lead
//! statuses, activity types and statuses, lifecycle stages, ticket statuses and priorities —
//! [`ValueMapKind`]), each source value with the rows that hold it, its Nutshell target, its
//! confidence and status. Unmapped values (no `to`) are marked ✗. Enter changes a target from a
//! fuzzy picker of the destination's values: the account's pipelines and activity types as the
//! wizard read them, Nutshell's fixed values from the catalogue, and offline the values the map
//! already uses.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::mapping::catalogue::ValueMapKind;
use crate::mapping::model::value_map_kind;
use crate::mapping::model::{AS_NOTE, ModuleMap, Status, ValueEntry, stage_key};
use crate::mapping::schema::DestinationSchema;
use crate::rsoft::Module;

use super::super::super::action::Action;
use super::super::super::state::{Cursor, Loadable, Notice, State};
use super::super::super::theme::status_symbol;
use super::super::super::widgets::picker::Picker;
use super::super::super::widgets::table::{self, highlight, visible};

pub use super::super::super::state::field_map::values::{Choice, ValuesView};

/// The module's value maps that have entries, in map order.
pub fn kinds(module_map: &ModuleMap) -> Vec<ValueMapKind> {
    module_map
        .values
        .iter()
        .filter(|(_, e)| !e.is_empty())
        .map(|(k, _)| *k)
        .collect()
}

/// The value map shown and its entries.
pub fn shown(state: &State) -> Option<(ValueMapKind, &[ValueEntry])> {
    let view = &state.field_map;
    let module_map = view.module_map()?;
    let kind = *kinds(module_map).get(view.values.kind)?;
    Some((kind, module_map.values.get(&kind)?.as_slice()))
}

/// Every target a value of `kind` can take, and where they came from.
pub fn choices(
    kind: ValueMapKind,
    schema: &DestinationSchema,
    entries: &[ValueEntry],
    entry: &ValueEntry,
) -> (Vec<Choice>, &'static str) {
    let plain = |to: &str| Choice {
        to: to.to_string(),
        stageset: None,
    };
    let used = || -> Vec<Choice> {
        let set: BTreeSet<Choice> = entries
            .iter()
            .filter(|e| !e.to.trim().is_empty())
            .map(|e| Choice {
                to: e.to.clone(),
                stageset: e.stageset.clone(),
            })
            .collect();
        set.into_iter().collect()
    };
    match kind {
        ValueMapKind::Stage if !schema.stagesets.is_empty() => (
            schema
                .stagesets
                .iter()
                .flat_map(|s| {
                    s.milestones.iter().map(|m| Choice {
                        to: m.clone(),
                        stageset: Some(s.name.clone()),
                    })
                })
                .collect(),
            "the account's pipelines",
        ),
        ValueMapKind::Stage => (
            used(),
            "stages the map already uses (offline: no pipelines read)",
        ),
        ValueMapKind::ActivityType => {
            let mut out: Vec<Choice> = schema.activity_types.iter().map(|t| plain(t)).collect();
            out.push(plain(AS_NOTE));
            let from = if schema.read_from_account {
                "the account's activity types"
            } else {
                "Nutshell's stock activity types (offline)"
            };
            (out, from)
        }
        ValueMapKind::LifecycleStage => {
            let mut out = used();
            let own = plain(entry.from.trim());
            if !out.contains(&own) {
                out.push(own);
            }
            (out, "values the map already uses, or the value as written")
        }
        other => (
            other
                .fixed_values()
                .unwrap_or_default()
                .iter()
                .map(|v| plain(v))
                .collect(),
            "Nutshell's fixed values (catalogue)",
        ),
    }
}

fn choice_label(choice: &Choice) -> String {
    match (&choice.stageset, choice.to.as_str()) {
        (Some(set), to) => format!("{set} / {to}"),
        (None, AS_NOTE) => format!("{AS_NOTE} — a Note on the related record, not an activity"),
        (None, to) => to.to_string(),
    }
}

/// How the panel names an entry's target; `✗ unmapped` when it has none.
fn target_text(entry: &ValueEntry) -> String {
    if entry.to.trim().is_empty() {
        return "✗ unmapped".into();
    }
    choice_label(&Choice {
        to: entry.to.clone(),
        stageset: entry.stageset.clone(),
    })
}

/// Rows holding `entry`'s source value: discovery's pipeline tally for stages, the sample
/// read's counts for the rest. `None` while not counted.
fn count(state: &State, module: Module, kind: ValueMapKind, entry: &ValueEntry) -> Option<u64> {
    let from = entry.from.trim();
    if kind == ValueMapKind::Stage {
        let report = state.discovery.report()?;
        return Some(
            report
                .pipelines
                .iter()
                .flat_map(|p| {
                    p.stages
                        .iter()
                        .map(move |s| (stage_key(&p.name, &s.name), s))
                })
                .filter(|(key, _)| key.eq_ignore_ascii_case(from))
                .map(|(_, s)| s.deals)
                .sum(),
        );
    }
    let module_map = state.field_map.module_map()?;
    let header = module_map
        .columns
        .iter()
        .find(|c| value_map_kind(&c.target) == Some(kind))?;
    let counts = state.field_map.preview.counts(module, &header.header)?;
    Some(
        counts
            .iter()
            .filter(|(v, _)| v.eq_ignore_ascii_case(from))
            .map(|(_, n)| n)
            .sum(),
    )
}

/// The keys of the panel (context `field_map_values`).
pub fn handle(state: &mut State, action: Action, page: usize) {
    let Some((kind, entries)) = shown(state) else {
        if matches!(action, Action::Back | Action::ToggleValueMaps) {
            state.field_map.panel = None;
        }
        return;
    };
    let len = entries.len();
    let kinds_len = state.field_map.module_map().map_or(0, |m| kinds(m).len());
    let selected = state.field_map.values.cursor.selected;
    match action {
        Action::Back | Action::ToggleValueMaps => state.field_map.panel = None,
        Action::NextValueMap | Action::PrevValueMap => {
            let view = &mut state.field_map.values;
            view.kind = if action == Action::NextValueMap {
                (view.kind + 1) % kinds_len.max(1)
            } else {
                (view.kind + kinds_len.max(1) - 1) % kinds_len.max(1)
            };
            view.cursor = Cursor::default();
        }
        Action::Choose => open_picker(state, kind, selected),
        Action::Accept => {
            let Some(entry) = entries.get(selected) else {
                return;
            };
            if entry.to.trim().is_empty() {
                state.notice = Some(Notice::Info(format!(
                    "{:?} has no target to accept: Enter picks one",
                    entry.from
                )));
            } else if entry.status == Status::Proposed {
                state
                    .field_map
                    .change_value(kind, selected, |v| v.status = Status::Confirmed);
            }
        }
        other => table::navigate(&mut state.field_map.values.cursor, &other, len, page),
    }
}

fn open_picker(state: &mut State, kind: ValueMapKind, index: usize) {
    let view = &mut state.field_map;
    let (Some(module), Some(p)) = (view.module, view.proposal.ready()) else {
        return;
    };
    let Some(entries) = p.map.modules.get(&module).and_then(|m| m.values.get(&kind)) else {
        return;
    };
    let Some(entry) = entries.get(index) else {
        return;
    };
    let (choices, from) = choices(kind, &p.schema, entries, entry);
    if choices.is_empty() {
        state.notice = Some(Notice::Info(format!(
            "no {} values to choose from ({from}): test the connection and r, or set `to` in mapping.toml",
            kind.name()
        )));
        return;
    }
    let labels = choices.iter().map(choice_label).collect();
    let title = format!("{} for {:?} — from {from}", kind.name(), entry.from);
    view.values.choices = choices;
    view.values.picker = Some((kind, index, Picker::new(title, labels)));
}

/// The keys of the value picker.
pub fn handle_picker(state: &mut State, action: Action) {
    let Some((kind, index, picker)) = state.field_map.values.picker.as_mut() else {
        return;
    };
    if picker.handle(&action) {
        return;
    }
    let (kind, index) = (*kind, *index);
    match action {
        Action::Back => state.field_map.values.picker = None,
        Action::Assign => {
            let Some(choice) = picker
                .selected()
                .and_then(|at| state.field_map.values.choices.get(at))
                .cloned()
            else {
                state.notice = Some(Notice::Info(
                    "no value matches the filter: Backspace widens it".into(),
                ));
                return;
            };
            state.field_map.values.picker = None;
            state.field_map.change_value(kind, index, |v| {
                v.to = choice.to;
                if kind == ValueMapKind::Stage {
                    v.stageset = choice.stageset;
                }
                v.status = Status::Edited;
                v.reason = "chosen by the operator".into();
            });
        }
        _ => {}
    }
}

/// Draw the panel.
pub fn render(state: &State, frame: &mut Frame, area: Rect, module: Module) {
    let theme = state.theme;
    let view = &state.field_map;
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        " Value maps — source value → Nutshell value ",
        theme.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(module_map) = view.module_map() else {
        return;
    };
    let all = kinds(module_map);
    let Some((kind, entries)) = shown(state) else {
        frame.render_widget(
            Paragraph::new(format!(
                "{module} has no value maps (stages, statuses and types are on deals, leads, activities and tickets)."
            ))
            .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    let [head, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(2),
    ])
    .areas(inner);
    let unmapped = entries.iter().filter(|e| e.to.trim().is_empty()).count();
    let open = entries
        .iter()
        .filter(|e| e.status == Status::Proposed)
        .count();
    let mut tabs: Vec<Span> = Vec::new();
    for k in &all {
        let text = if *k == kind {
            format!("‹{}›", k.name())
        } else {
            k.name().to_string()
        };
        tabs.push(Span::styled(
            text,
            if *k == kind {
                theme.selected()
            } else {
                theme.dim()
            },
        ));
        tabs.push(Span::raw(" "));
    }
    tabs.push(Span::raw(format!(
        "· {} values · {unmapped} unmapped · {open} to decide",
        entries.len()
    )));
    frame.render_widget(Paragraph::new(Line::from(tabs)), head);

    let page = usize::from(list.height.saturating_sub(1));
    let counting = matches!(
        view.preview.samples.get(&module),
        None | Some(Loadable::Loading)
    );
    let rows = visible(entries, &view.values.cursor, page).map(|(i, e)| {
        let problem = view.problem_items.contains(&(module, e.from.clone()));
        let (symbol, style) = theme.confidence(e.confidence);
        let status_style = if problem || e.to.trim().is_empty() {
            theme.bad()
        } else if e.status == Status::Proposed {
            theme.warn()
        } else {
            theme.good()
        };
        let rows_text = match count(state, module, kind, e) {
            Some(n) => n.to_string(),
            None if counting => "…".into(),
            None => "?".into(),
        };
        let row = Row::new(vec![
            Line::from(Span::styled(
                format!(
                    "{}{}",
                    status_symbol(e.status),
                    if problem { "!" } else { " " }
                ),
                status_style,
            )),
            Line::from(e.from.clone()),
            Line::from(rows_text),
            Line::from(Span::styled(
                target_text(e),
                if e.to.trim().is_empty() {
                    theme.bad()
                } else {
                    theme.plain()
                },
            )),
            Line::from(Span::styled(format!("{symbol} {:.2}", e.confidence), style)),
        ]);
        highlight(row, i == view.values.cursor.selected, theme)
    });
    let widths = [
        Constraint::Length(2),
        Constraint::Percentage(40),
        Constraint::Length(5),
        Constraint::Min(12),
        Constraint::Length(6),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(
            Row::new(["St", "Source value", "Rows", "Target", "Conf"]).style(theme.title()),
        ),
        list,
    );
    let mut lines = Vec::new();
    if let Some(e) = entries.get(view.values.cursor.selected) {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", e.from), theme.title()),
            Span::raw(e.reason.clone()),
        ]));
        for p in view
            .problems
            .iter()
            .filter(|p| p.module == module && p.item.as_deref() == Some(&e.from))
        {
            lines.push(Line::from(Span::styled(format!("✗ {p}"), theme.bad())));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), detail);
}

/// Rows the panel's list shows in `area` (the panel's whole area).
pub fn page(area: Rect) -> usize {
    // Border, tabs, table header, detail.
    usize::from(area.height.saturating_sub(1 + 1 + 1 + 2))
}
