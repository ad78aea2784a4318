//! Field map, first version: per module a table of every source column with its sample values,
//! the proposed target, the confidence (a symbol and a colour), the reason and the status.
//! Accept one, accept all at or above the threshold, ignore a column, filter to what needs
//! attention, undo, save to mapping.toml through `crate::mapping::file`.
//!
//! Enter (or t) opens a fuzzy-filtered target picker for the selected column ([`targets`]).
//!
//! One panel at a time opens below the table ([`Panel`]): the record-builder [`preview`] of a
//! real source row, the [`values`] maps, or the [`problems`] list. On a short terminal (fewer
//! than [`STACK_HEIGHT`] body rows) the open panel takes the table's place instead.

pub mod preview;
pub mod problems;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::discovery::Report;
use crate::mapping::catalogue::{STANDARD_FIELDS, ValueKind};
use crate::mapping::model::{
    CONFIDENCE_THRESHOLD, ColumnEntry, FieldMap, LookupKey, ModuleMap, Status, Target,
};
use crate::mapping::record::BuildSettings;
use crate::mapping::transform::ColumnFormat;
use crate::mapping::validate::accept_proposed;
use crate::numbers::percent::PercentScale;
use crate::nutshell::EntityType;
use crate::rsoft::Module;

use super::super::action::{Action, Proposal};
use super::super::effect::Effect;
use super::super::state::connect::date_order_label;
use super::super::state::field_map::ColumnFacts;
use super::super::state::{Cursor, Loadable, Notice, State, StepStatus};
use super::super::theme::status_symbol;
use super::super::widgets::picker::Picker;
use super::super::widgets::table::{self, visible};

pub use super::super::state::field_map::{Edit, FieldMapView, Panel};

/// Body rows from which an open panel is stacked under the table; below it, it replaces the
/// table (an 80×24 terminal has 19).
pub const STACK_HEIGHT: u16 = 28;

/// Blocked until discovery has read the export; done when nothing is pending, the map has no
/// problems and it is saved.
pub fn status(state: &State) -> (StepStatus, String) {
    if state.discovery.report().is_none() {
        return (
            StepStatus::Blocked,
            "Discovery must read the export first".into(),
        );
    }
    let view = &state.field_map;
    match &view.proposal {
        Loadable::Idle => (StepStatus::Attention, "open it to see the proposals".into()),
        Loadable::Loading => (StepStatus::Attention, "proposing…".into()),
        Loadable::Failed(_) => (
            StepStatus::Attention,
            "proposing failed: r tries again".into(),
        ),
        Loadable::Ready(_) => {
            let mut points = Vec::new();
            if view.pending > 0 {
                points.push(format!("{} entries to decide", view.pending));
            }
            if !view.problems.is_empty() {
                points.push(format!("problems: {}", view.problems.len()));
            }
            if view.unsaved() {
                points.push("unsaved (s)".to_string());
            }
            if points.is_empty() {
                (StepStatus::Done, "every entry decided and saved".into())
            } else {
                (StepStatus::Attention, points.join(", "))
            }
        }
    }
}

/// The step was entered: propose when nothing is there yet.
pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.field_map.proposal == Loadable::Idle {
        return propose(state, None);
    }
    Vec::new()
}

fn propose(state: &mut State, previous: Option<FieldMap>) -> Vec<Effect> {
    let Some(report) = state.discovery.report() else {
        return Vec::new();
    };
    let effect = Effect::Propose {
        config: Box::new(state.config.clone()),
        report: Box::new(report.clone()),
        previous: previous.map(Box::new),
    };
    state.field_map.proposal = Loadable::Loading;
    vec![effect]
}

/// Fold in proposals; with the preview or the value maps open, read the module's rows again.
pub fn proposed(state: &mut State, result: Result<Box<Proposal>, String>) -> Vec<Effect> {
    let view = &mut state.field_map;
    match result {
        Ok(p) => {
            view.value_problems = p
                .value_problems
                .iter()
                .filter_map(|problem| {
                    let header = problem.item.as_deref()?;
                    let entry = p.map.modules.get(&problem.module)?.column(header)?;
                    Some((problem.clone(), entry.target.clone()))
                })
                .collect();
            view.settings = Some(BuildSettings::from_config(
                &state.config,
                Arc::clone(&p.vocabulary),
            ));
            // The rows' value counts follow the map's value-map columns: read again.
            view.preview.samples.clear();
            view.columns = state
                .discovery
                .report()
                .map(column_facts)
                .unwrap_or_default();
            view.saved_depth = p.had_file.then_some(0);
            view.proposal = Loadable::Ready(p);
            view.undo.clear();
            let modules = view.modules();
            if view.module.is_none_or(|m| !modules.contains(&m)) {
                view.module = modules.first().copied();
                view.rows = Cursor::default();
            }
            view.refresh();
        }
        Err(why) => {
            view.proposal = Loadable::Failed(why.clone());
            state.notice = Some(Notice::Error(why));
        }
    }
    sample_for_panel(state)
}

/// The effect that reads the shown module's rows, when an open panel needs them.
fn sample_for_panel(state: &mut State) -> Vec<Effect> {
    let view = &state.field_map;
    let needs = matches!(view.panel, Some(Panel::Preview | Panel::ValueMaps));
    match view.module.filter(|_| needs) {
        Some(module) => preview::request(state, module).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Each module's columns as discovery found them: samples from the first file holding the
/// column, warnings from every file (named when the module has several).
fn column_facts(report: &Report) -> BTreeMap<Module, HashMap<String, ColumnFacts>> {
    let mut out: BTreeMap<Module, HashMap<String, ColumnFacts>> = BTreeMap::new();
    for o in &report.objects {
        let Some(module) = o.module else { continue };
        let several = report
            .objects
            .iter()
            .filter(|other| other.module == Some(module))
            .count()
            > 1;
        let m = out.entry(module).or_default();
        for c in &o.columns {
            let facts = m.entry(c.header.clone()).or_insert_with(|| ColumnFacts {
                samples: c.samples.join(" | "),
                warnings: Vec::new(),
            });
            facts
                .warnings
                .extend(report.column_findings(&o.file, &c.header).map(|w| {
                    if several {
                        format!("{}: {}", o.file, w.detail())
                    } else {
                        w.detail().to_string()
                    }
                }));
        }
    }
    out
}

/// How the load reads a column's values, from its `[formats.*]` decisions in mapping.toml:
/// `numbers like 12,34,567.89 · dates dmy (day first)`; empty when nothing is decided.
fn formats_text(format: &ColumnFormat) -> String {
    let mut parts = Vec::new();
    if let Some(n) = format.number {
        parts.push(format!("numbers like {}", n.example()));
    }
    if let Some(order) = format.date_order {
        parts.push(format!("dates {}", date_order_label(order)));
    }
    if format.excel_serial {
        parts.push("dates as spreadsheet serial days (45231 = 2023-11-01)".to_string());
    }
    match format.percent_scale {
        Some(PercentScale::Percent) => parts.push("percents on 0–100 (60 = 60%)".to_string()),
        Some(PercentScale::Fraction) => {
            parts.push("percents as fractions of one (0.6 = 60%)".to_string())
        }
        None => {}
    }
    parts.join(" · ")
}

/// Fold in a save.
pub fn saved(state: &mut State, path: PathBuf, result: Result<(), String>) {
    let view = &mut state.field_map;
    view.saving = false;
    match result {
        Ok(()) => {
            view.saved_depth = Some(view.undo.len());
            state.notice = Some(Notice::Info(format!(
                "saved {}; {} entries still to decide{}",
                path.display(),
                view.pending,
                if view.pending > 0 {
                    " (f shows them)"
                } else {
                    ""
                }
            )));
            view.saved_to = Some(path);
        }
        Err(why) => state.notice = Some(Notice::Error(why)),
    }
}

/// The keys of the Field map screen.
pub fn handle(state: &mut State, action: Action, body: Rect) -> Vec<Effect> {
    if state.field_map.picker.is_some() {
        handle_picker(state, action);
        return Vec::new();
    }
    if state.field_map.values.picker.is_some() {
        values::handle_picker(state, action);
        return Vec::new();
    }
    if matches!(action, Action::Repropose) {
        let previous = state.field_map.map().cloned();
        return propose(state, previous);
    }
    if state.field_map.map().is_none() {
        return Vec::new();
    }
    let layout = areas(&state.field_map, body);
    // Keys every panel shares: open or close one, undo, save.
    match (action.clone(), state.field_map.panel) {
        (Action::TogglePreview, _) => return toggle(state, Panel::Preview),
        (Action::ToggleValueMaps, _) => return toggle(state, Panel::ValueMaps),
        (Action::ToggleProblems, _) => return toggle(state, Panel::Problems),
        (Action::Undo, _) => {
            undo(state);
            return Vec::new();
        }
        (Action::Save, _) => return save(state),
        (Action::NextRow | Action::PrevRow, _) => {
            let view = &mut state.field_map;
            if let Some(module) = view.module {
                view.preview
                    .step(module, if action == Action::NextRow { 1 } else { -1 });
                view.rebuild_preview();
            }
            return Vec::new();
        }
        (_, Some(Panel::ValueMaps)) => {
            values::handle(state, action, values::page(layout.panel));
            return Vec::new();
        }
        (_, Some(Panel::Problems)) => {
            problems::handle(state, action, problems::page(layout.panel));
            return Vec::new();
        }
        (
            Action::ScrollUp | Action::ScrollDown | Action::PageUp | Action::PageDown,
            Some(Panel::Preview),
        ) => {
            // The wheel and the page keys scroll the payload; ↑↓ still move through the
            // columns (the row's cell of the selected column is marked).
            let page = (layout.panel.height.saturating_sub(2) as isize).max(1);
            let by = match action {
                Action::ScrollUp => -3,
                Action::ScrollDown => 3,
                Action::PageUp => -page,
                _ => page,
            };
            state.field_map.preview.scroll_by(by);
            return Vec::new();
        }
        (Action::Back, Some(_)) => {
            state.field_map.panel = None;
            return Vec::new();
        }
        _ => {}
    }
    let page = table_page(&state.field_map, body);
    let rows = state.field_map.visible_rows();
    let selected = rows.get(state.field_map.rows.selected).copied();
    match action {
        Action::Left | Action::Right => {
            switch_module(state, action == Action::Right);
            return sample_for_panel(state);
        }
        Action::Accept => {
            if let Some(i) = selected {
                accept_one(state, i);
            }
        }
        Action::AcceptAll => accept_all(state),
        Action::Choose => {
            if let Some(i) = selected {
                open_picker(state, i);
            }
        }
        Action::Ignore => {
            if let Some(i) = selected {
                state.field_map.change_column(i, |c| {
                    c.target = Target::Ignore;
                    c.status = Status::Ignored;
                });
            }
        }
        Action::ToggleFilter => {
            let view = &mut state.field_map;
            view.attention_only = !view.attention_only;
            view.rows = Cursor::default();
            if view.attention_only && view.visible_rows().is_empty() {
                state.notice = Some(Notice::Info(
                    "nothing in this module needs attention: f shows all".into(),
                ));
            }
        }
        other => table::navigate(&mut state.field_map.rows, &other, rows.len(), page),
    }
    // Rows may have left the filter: keep the cursor on a row.
    let len = state.field_map.visible_rows().len();
    state.field_map.rows.follow(len, page);
    Vec::new()
}

/// Every target a column of `entity` can take, in the picker's order: the entity's standard
/// fields, its existing custom fields, a new custom field named for the column, tags, a note
/// line, the lookups, the legacy id, ignore.
pub fn targets(entity: Option<EntityType>, header: &str, proposal: &Proposal) -> Vec<Target> {
    let mut out: Vec<Target> = STANDARD_FIELDS
        .iter()
        .filter(|f| Some(f.entity) == entity)
        .map(|f| Target::Field { field: f.path() })
        .collect();
    if let Some(defs) = entity.and_then(|e| proposal.schema.custom_fields.get(&e)) {
        out.extend(defs.iter().map(|d| Target::Custom {
            name: d.name.clone(),
            kind: d.kind,
            create: false,
        }));
    }
    if entity.is_some_and(EntityType::has_custom_fields) {
        out.push(Target::Custom {
            name: header.to_string(),
            kind: ValueKind::Text,
            create: true,
        });
    }
    out.push(Target::Tags);
    out.push(Target::Note {
        label: header.to_string(),
    });
    for (entity, by) in [
        (EntityType::Accounts, LookupKey::RsoftId),
        (EntityType::Accounts, LookupKey::Name),
        (EntityType::Contacts, LookupKey::RsoftId),
        (EntityType::Contacts, LookupKey::Email),
        (EntityType::Leads, LookupKey::RsoftId),
        (EntityType::Users, LookupKey::Owner),
    ] {
        out.push(Target::Lookup { entity, by });
    }
    out.push(Target::LegacyId);
    out.push(Target::Ignore);
    out
}

/// How the picker names a target: `new custom field…` spelled out, the rest as the table does.
fn target_label(target: &Target) -> String {
    match target {
        Target::Custom {
            name, create: true, ..
        } => format!("new custom field… {name:?} (Text; type and name editable in mapping.toml)"),
        Target::Custom { name, kind, .. } => format!("existing custom field {name:?} ({kind:?})"),
        Target::Note { label } => format!("note line {label:?}"),
        other => other.describe(),
    }
}

fn open_picker(state: &mut State, index: usize) {
    let view = &mut state.field_map;
    let (Some(module), Some(p)) = (view.module, view.proposal.ready()) else {
        return;
    };
    let Some(entry) = p
        .map
        .modules
        .get(&module)
        .and_then(|m| m.columns.get(index))
    else {
        return;
    };
    let targets = targets(module.entity(), &entry.header, p);
    let labels = targets.iter().map(target_label).collect();
    let title = format!("Target for {:?}", entry.header);
    view.targets = targets;
    view.picker = Some((index, Picker::new(title, labels)));
}

fn handle_picker(state: &mut State, action: Action) {
    let Some((index, picker)) = state.field_map.picker.as_mut() else {
        return;
    };
    if picker.handle(&action) {
        return;
    }
    match action {
        Action::Back => state.field_map.picker = None,
        Action::Assign => {
            let index = *index;
            let Some(target) = picker
                .selected()
                .and_then(|at| state.field_map.targets.get(at))
                .cloned()
            else {
                state.notice = Some(Notice::Info(
                    "no target matches the filter: Backspace widens it".into(),
                ));
                return;
            };
            state.field_map.picker = None;
            state.field_map.change_column(index, |c| {
                c.status = if target == Target::Ignore {
                    Status::Ignored
                } else {
                    Status::Edited
                };
                c.reason = "chosen by the operator".into();
                c.target = target;
            });
        }
        _ => {}
    }
}

fn switch_module(state: &mut State, forward: bool) {
    let modules = state.field_map.modules();
    let Some(at) = state
        .field_map
        .module
        .and_then(|m| modules.iter().position(|x| *x == m))
    else {
        return;
    };
    let next = if forward {
        (at + 1) % modules.len()
    } else {
        (at + modules.len() - 1) % modules.len()
    };
    state.field_map.show_module(modules[next]);
}

/// Open `panel`, or close it when it is open; the preview and the value maps need the module's
/// rows.
fn toggle(state: &mut State, panel: Panel) -> Vec<Effect> {
    let view = &mut state.field_map;
    if view.panel == Some(panel) {
        view.panel = None;
        return Vec::new();
    }
    view.panel = Some(panel);
    sample_for_panel(state)
}

fn accept_one(state: &mut State, index: usize) {
    let Some(entry) = state
        .field_map
        .module_map()
        .and_then(|m| m.columns.get(index))
    else {
        return;
    };
    if entry.target == Target::Unmapped {
        state.notice = Some(Notice::Info(format!(
            "{:?} has no proposed target to accept: Enter picks one, x ignores it",
            entry.header
        )));
        return;
    }
    if entry.status != Status::Proposed {
        return;
    }
    state
        .field_map
        .change_column(index, |c| c.status = Status::Confirmed);
}

/// Accept every proposal of the module at or above the threshold, by the same rule as
/// `migrate --accept-proposed` (columns and value maps alike).
fn accept_all(state: &mut State) {
    let view = &mut state.field_map;
    let Some(module) = view.module else { return };
    let Some(p) = view.proposal.ready_mut() else {
        return;
    };
    let Some(module_map) = p.map.modules.get_mut(&module) else {
        return;
    };
    let mut one = FieldMap::new(p.map.legacy_id_field.clone());
    one.modules.insert(module, module_map.clone());
    accept_proposed(&mut one);
    let Some(after) = one.modules.remove(&module) else {
        return;
    };
    let mut edit = Edit {
        module,
        columns: Vec::new(),
        values: Vec::new(),
    };
    for (i, (old, new)) in module_map.columns.iter().zip(&after.columns).enumerate() {
        if old != new {
            edit.columns.push((i, old.clone()));
        }
    }
    for (kind, entries) in &module_map.values {
        let new_entries = after.values.get(kind).map_or(&[][..], Vec::as_slice);
        for (i, (old, new)) in entries.iter().zip(new_entries).enumerate() {
            if old != new {
                edit.values.push((*kind, i, old.clone()));
            }
        }
    }
    *module_map = after;
    let (columns, values) = (edit.columns.len(), edit.values.len());
    if columns + values > 0 {
        view.undo.push(edit);
    }
    view.refresh();
    let left = view.module_map().map_or(0, |m| {
        m.columns
            .iter()
            .filter(|c| c.status == Status::Proposed)
            .count()
    });
    state.notice = Some(Notice::Info(format!(
        "accepted {columns} columns and {values} value-map entries at confidence ≥ {CONFIDENCE_THRESHOLD:.2} in {}; {left} columns left to decide{}",
        module.as_str(),
        if left > 0 { " (f shows them)" } else { "" }
    )));
}

fn undo(state: &mut State) {
    let view = &mut state.field_map;
    let Some(edit) = view.undo.pop() else {
        state.notice = Some(Notice::Info("nothing to undo".into()));
        return;
    };
    let Some(module_map) = view
        .proposal
        .ready_mut()
        .and_then(|p| p.map.modules.get_mut(&edit.module))
    else {
        return;
    };
    for (i, entry) in edit.columns {
        if let Some(slot) = module_map.columns.get_mut(i) {
            *slot = entry;
        }
    }
    for (kind, i, entry) in edit.values {
        if let Some(slot) = module_map.values.get_mut(&kind).and_then(|v| v.get_mut(i)) {
            *slot = entry;
        }
    }
    view.show_module(edit.module);
    view.refresh();
}

fn save(state: &mut State) -> Vec<Effect> {
    let Some(map) = state.field_map.map().cloned() else {
        return Vec::new();
    };
    state.field_map.saving = true;
    vec![Effect::SaveMap {
        path: state.config.migration.mapping.clone(),
        map: Box::new(map),
    }]
}

/// Heading, table and detail strip.
/// Where the parts of the screen go; a part not shown has height 0.
struct Areas {
    head: Rect,
    table: Rect,
    /// The selected column's detail strip (only without a panel).
    detail: Rect,
    panel: Rect,
}

/// Heading, table and detail strip; with a panel open, the panel under a shorter table, or in
/// its place below [`STACK_HEIGHT`] body rows.
fn areas(view: &FieldMapView, body: Rect) -> Areas {
    let none = Rect::default();
    match view.panel {
        None => {
            // A tall screen gives the selected column's problems, formats and warnings room.
            let detail = if body.height >= STACK_HEIGHT { 7 } else { 3 };
            let [head, table, detail] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(3),
                Constraint::Length(detail),
            ])
            .areas(body);
            Areas {
                head,
                table,
                detail,
                panel: none,
            }
        }
        Some(_) if body.height >= STACK_HEIGHT => {
            let [head, table, panel] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(body.height.saturating_sub(1) * 2 / 5),
                Constraint::Min(6),
            ])
            .areas(body);
            Areas {
                head,
                table,
                detail: none,
                panel,
            }
        }
        Some(_) => {
            let [head, panel] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(body);
            Areas {
                head,
                table: none,
                detail: none,
                panel,
            }
        }
    }
}

fn table_page(view: &FieldMapView, body: Rect) -> usize {
    usize::from(areas(view, body).table.height.saturating_sub(table::CHROME)).max(1)
}

/// Draw the Field map screen into `area`.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let view = &state.field_map;
    let proposal = match &view.proposal {
        Loadable::Ready(p) => p,
        Loadable::Loading => {
            frame.render_widget(Paragraph::new("proposing the field map…"), area);
            return;
        }
        Loadable::Failed(why) => {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(Span::styled(format!("✗ {why}"), theme.bad())),
                    Line::from("Next: r proposes again."),
                ])
                .wrap(Wrap { trim: false }),
                area,
            );
            return;
        }
        Loadable::Idle => {
            let text = match state.discovery.discovered {
                Loadable::Ready(_) => "r proposes the field map.",
                _ => "Blocked: Discovery must read the export first (p goes back).",
            };
            frame.render_widget(Paragraph::new(text), area);
            return;
        }
    };
    let Areas {
        head,
        table: table_area,
        detail,
        panel,
    } = areas(view, area);
    let (Some(module), Some(module_map)) = (view.module, view.module_map()) else {
        frame.render_widget(Paragraph::new("The export has no columns to map."), area);
        return;
    };
    let modules = view.modules();
    let position = modules.iter().position(|m| *m == module).unwrap_or(0) + 1;
    let to_decide = module_map
        .columns
        .iter()
        .filter(|c| c.status == Status::Proposed)
        .count();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("‹ {} ›", module.as_str()), theme.title()),
            Span::raw(format!(
                " module {position}/{} · {} columns · {to_decide} to decide · {}",
                modules.len(),
                module_map.columns.len(),
                if view.attention_only {
                    "showing: needs attention"
                } else {
                    "showing: all"
                }
            )),
        ])),
        head,
    );

    let rows = view.visible_rows();
    let selected = rows
        .get(view.rows.selected)
        .and_then(|i| module_map.columns.get(*i));
    if table_area.height > 0 {
        render_table(state, frame, table_area, module, module_map, &rows);
    }
    if detail.height > 0 {
        render_detail(state, frame, detail, proposal, module, module_map, selected);
    }
    match view.panel {
        Some(Panel::Preview) => preview::render(
            state,
            frame,
            panel,
            module,
            selected.map(|c| c.header.as_str()),
        ),
        Some(Panel::ValueMaps) => values::render(state, frame, panel, module),
        Some(Panel::Problems) => problems::render(state, frame, panel),
        None => {}
    }
    if let Some((_, picker)) = &view.picker {
        picker.render(theme, frame, area);
    }
    if let Some((_, _, picker)) = &view.values.picker {
        picker.render(theme, frame, area);
    }
}

/// The column table.
fn render_table(
    state: &State,
    frame: &mut Frame,
    table_area: Rect,
    module: Module,
    module_map: &ModuleMap,
    rows: &[usize],
) {
    let theme = state.theme;
    let view = &state.field_map;
    let page = usize::from(table_area.height.saturating_sub(table::CHROME));
    let columns = view.columns.get(&module);
    let lines = visible(rows, &view.rows, page).filter_map(|(pos, &i)| {
        let c = module_map.columns.get(i)?;
        let (symbol, style) = theme.confidence(c.confidence);
        let problem = view.problem_items.contains(&(module, c.header.clone()));
        let status = format!(
            "{}{}",
            status_symbol(c.status),
            if problem { "!" } else { " " }
        );
        let status_style = match (problem, c.status) {
            (true, _) => theme.bad(),
            (false, Status::Proposed) => theme.warn(),
            (false, _) => theme.good(),
        };
        let row = Row::new(vec![
            Line::from(Span::styled(status, status_style)),
            Line::from(c.header.clone()),
            Line::from(Span::styled(
                columns
                    .and_then(|s| s.get(&c.header))
                    .map(|f| f.samples.clone())
                    .unwrap_or_default(),
                theme.dim(),
            )),
            Line::from(c.target.describe()),
            Line::from(Span::styled(format!("{symbol} {:.2}", c.confidence), style)),
            Line::from(c.reason.clone()),
        ]);
        Some(table::highlight(row, pos == view.rows.selected, theme))
    });
    let wide = table_area.width >= 110;
    let widths = [
        Constraint::Length(2),
        Constraint::Length(if wide { 22 } else { 16 }),
        Constraint::Length(if wide { 22 } else { 12 }),
        Constraint::Length(if wide { 28 } else { 18 }),
        Constraint::Length(6),
        Constraint::Min(10),
    ];
    let header = Row::new(["St", "Source column", "Samples", "Target", "Conf", "Reason"])
        .style(theme.title());
    let title = format!(
        " {} of {} rows — a accept · A accept all ≥ {CONFIDENCE_THRESHOLD:.2} ",
        rows.len(),
        module_map.columns.len()
    );
    frame.render_widget(
        Table::new(lines, widths)
            .header(header)
            .block(Block::default().borders(Borders::TOP).title(title)),
        table_area,
    );
}

/// The selected column in full, most pressing first, since a short terminal shows only the
/// first lines: its target and how the load reads it (`read as:` its `[formats.*]` decisions),
/// its problems, discovery's warnings about it, the proposal's reason; then a summary line.
fn render_detail(
    state: &State,
    frame: &mut Frame,
    detail: Rect,
    proposal: &Proposal,
    module: Module,
    module_map: &ModuleMap,
    selected: Option<&ColumnEntry>,
) {
    let theme = state.theme;
    let view = &state.field_map;

    let mut detail_lines = Vec::new();
    if let Some(c) = selected {
        let mut head = vec![
            Span::styled(format!("{}: ", c.header), theme.title()),
            Span::raw(c.target.describe()),
        ];
        let formats = formats_text(&module_map.column_format(&c.header));
        if !formats.is_empty() {
            head.push(Span::styled(" · read as: ", theme.title()));
            head.push(Span::raw(formats));
        }
        detail_lines.push(Line::from(head));
        for p in view
            .problems
            .iter()
            .filter(|p| p.module == module && p.item.as_deref() == Some(&c.header))
        {
            detail_lines.push(Line::from(Span::styled(format!("✗ {p}"), theme.bad())));
        }
        let warnings = view
            .columns
            .get(&module)
            .and_then(|m| m.get(&c.header))
            .map_or(&[][..], |f| f.warnings.as_slice());
        for w in warnings {
            detail_lines.push(Line::from(Span::styled(format!("⚠ {w}"), theme.warn())));
        }
        detail_lines.push(Line::from(Span::styled(
            format!("why: {}", c.reason),
            theme.dim(),
        )));
    }
    let value_maps: Vec<String> = module_map
        .values
        .iter()
        .map(|(kind, entries)| {
            let open = entries
                .iter()
                .filter(|v| v.status == Status::Proposed)
                .count();
            format!("{} {} ({open} to decide)", kind.name(), entries.len())
        })
        .collect();
    detail_lines.push(Line::from(Span::styled(
        format!(
            "{}problems: {} · {} · {}",
            if value_maps.is_empty() {
                String::new()
            } else {
                format!("value maps: {} · ", value_maps.join(", "))
            },
            view.problems.len(),
            proposal.destination,
            if view.unsaved() {
                "unsaved: s saves"
            } else {
                "saved"
            }
        ),
        theme.dim(),
    )));
    frame.render_widget(
        Paragraph::new(detail_lines)
            .block(Block::default().borders(Borders::TOP))
            .wrap(Wrap { trim: true }),
        detail,
    );
}
