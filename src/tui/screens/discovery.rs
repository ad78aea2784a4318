//! Discovery: what the export holds — each file with its module, rows, bad rows and encoding;
//! owners, pipelines, custom fields against RSoft's cap, what CSV cannot carry; the grade and
//! the estimate, and the object map's headline. Enter drills into a file's column profiles;
//! `o` shows the object map in place of the file list ([`objects`]); `w` writes the scope
//! report.

mod objects;

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::discovery::Report;
use crate::discovery::custom_fields::RSOFT_STANDARD_CAP;
use crate::rsoft::DateOrderVerdict;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::state::{Cursor, Loadable, Notice, State, StepStatus};
use super::super::widgets::table::{self, visible};

pub use super::super::state::discovery::DiscoveryView;

/// Read the configured export afresh (what came from an earlier one is dropped).
pub fn start(state: &mut State) -> Vec<Effect> {
    state.discovery = Default::default();
    state.field_map = Default::default();
    state.ready = Loadable::Idle;
    match &state.config.source.export {
        Some(export) => {
            state.discovery.discovered = Loadable::Loading;
            vec![Effect::Discover {
                export: export.clone(),
                vocabulary: state.config.vocabulary.file.clone(),
                legacy_id_field: state.config.migration.legacy_id_field.clone(),
            }]
        }
        None => Vec::new(),
    }
}

/// Done when the export was read with nothing to look at; attention for bad rows, undecided
/// dates or unknown files; blocked until the export is read.
pub fn status(state: &State) -> (StepStatus, String) {
    match &state.discovery.discovered {
        Loadable::Idle => (StepStatus::Blocked, "set the export path on Connect".into()),
        Loadable::Loading => (StepStatus::Blocked, "reading the export…".into()),
        Loadable::Failed(_) => (
            StepStatus::Blocked,
            "the export could not be read: check the path on Connect".into(),
        ),
        Loadable::Ready(d) => {
            let r = &d.report;
            let mut points = Vec::new();
            let bad: u64 = r.objects.iter().map(|o| o.bad_rows).sum();
            if bad > 0 {
                points.push(format!("{bad} bad rows"));
            }
            if matches!(
                r.date_order.verdict,
                DateOrderVerdict::Ambiguous | DateOrderVerdict::Conflicting
            ) {
                points.push("date order undecided".into());
            }
            if !r.unknown_files.is_empty() {
                points.push(format!("{} unknown files", r.unknown_files.len()));
            }
            let unmatched = r.owners.iter().filter(|o| o.user.is_none()).count();
            if unmatched > 0 {
                points.push(format!("{unmatched} owners not in the users file"));
            }
            if points.is_empty() {
                (
                    StepStatus::Done,
                    format!("{} records, grade {}", r.records, r.grade.label()),
                )
            } else {
                (StepStatus::Attention, points.join(", "))
            }
        }
    }
}

/// Rows the file list shows in a body of `height` rows.
fn files_page(state: &State, body: Rect) -> usize {
    let [files, _] = split(state, body);
    usize::from(files.height.saturating_sub(table::CHROME))
}

/// Rows the column table shows in a body of `height` rows, the column detail under it.
fn columns_page(body: Rect) -> usize {
    let [table_area, _] = columns_split(body);
    usize::from(table_area.height.saturating_sub(table::CHROME))
}

/// The column table, and under it the selected column: its samples on one line and its
/// warnings (a rule and three lines).
fn columns_split(body: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(0), Constraint::Length(4)]).areas(body)
}

/// The file list and the summary: side by side when wide, stacked otherwise.
fn split(state: &State, body: Rect) -> [Rect; 2] {
    let files = state
        .discovery
        .report()
        .map_or(1, |r| r.objects.len() as u16);
    if body.width >= 110 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    } else {
        let list = (files + table::CHROME).min(body.height / 2).max(4);
        Layout::vertical([Constraint::Length(list), Constraint::Min(3)]).areas(body)
    }
}

/// Apply a Discovery action; the effects to perform (write the scope report).
pub fn handle(state: &mut State, action: Action, body: Rect) -> Vec<Effect> {
    let Some(report) = state.discovery.report() else {
        return Vec::new();
    };
    if action == Action::WriteScopeReport {
        return write_scope_report(state);
    }
    let files = report.objects.len();
    if state.discovery.showing_objects {
        // The field, not `object_map()`: the cursor beside it is borrowed mutably below.
        match (
            action,
            state.discovery.discovered.ready().map(|d| &d.object_map),
        ) {
            (Action::ToggleObjectMap | Action::Back, _) => state.discovery.showing_objects = false,
            (other, Some(map)) => {
                let page = objects::page(map, body);
                table::navigate(
                    &mut state.discovery.objects,
                    &other,
                    map.objects.len(),
                    page,
                );
            }
            (_, None) => {}
        }
        return Vec::new();
    }
    if let Some(file) = state.discovery.drill {
        let len = report.objects.get(file).map_or(0, |o| o.columns.len());
        let page = columns_page(body);
        let c = &mut state.discovery.columns;
        match action {
            Action::Back => state.discovery.drill = None,
            other => table::navigate(c, &other, len, page),
        }
        return Vec::new();
    }
    let page = files_page(state, body);
    match action {
        Action::Open if files > 0 => {
            state.discovery.drill = Some(state.discovery.files.selected);
            state.discovery.columns = Cursor::default();
        }
        Action::ToggleObjectMap if state.discovery.object_map().is_some() => {
            state.discovery.showing_objects = true;
        }
        other => table::navigate(&mut state.discovery.files, &other, files, page),
    }
    Vec::new()
}

/// Write the scope report: the report opened by the object map the screen shows.
fn write_scope_report(state: &State) -> Vec<Effect> {
    let Some(discovered) = state.discovery.discovered.ready() else {
        return Vec::new();
    };
    vec![Effect::WriteScopeReport {
        dir: state.config.state_dir().join("reports"),
        discovered: discovered.clone(),
    }]
}

/// Fold in a written scope report.
pub fn written(state: &mut State, result: Result<(PathBuf, PathBuf), String>) {
    match result {
        Ok((md, json)) => {
            state.notice = Some(Notice::Info(format!(
                "wrote the scope report: {} and {}",
                md.display(),
                json.display()
            )));
            state.discovery.written = Some((md, json));
        }
        Err(why) => state.notice = Some(Notice::Error(why)),
    }
}

/// Draw the Discovery screen into `area`.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let report = match &state.discovery.discovered {
        Loadable::Ready(d) => &d.report,
        Loadable::Failed(why) => {
            let text = Paragraph::new(vec![
                Line::from(Span::styled(format!("✗ {why}"), theme.bad())),
                Line::from(""),
                Line::from(
                    "Next: p goes back to Connect; correct the export path (Enter to edit).",
                ),
            ])
            .wrap(Wrap { trim: false });
            frame.render_widget(text, area);
            return;
        }
        Loadable::Loading => {
            frame.render_widget(Paragraph::new("reading the export…"), area);
            return;
        }
        Loadable::Idle => {
            frame.render_widget(
                Paragraph::new("No export yet: set the export path on Connect (p goes back)."),
                area,
            );
            return;
        }
    };
    if let Some(file) = state.discovery.drill {
        render_columns(state, report, file, frame, area);
        return;
    }
    if let (true, Some(map)) = (
        state.discovery.showing_objects,
        state.discovery.object_map(),
    ) {
        objects::render(state, map, &state.discovery.objects, frame, area);
        return;
    }
    let [files_area, summary_area] = split(state, area);
    let page = usize::from(files_area.height.saturating_sub(table::CHROME));
    let cursor = &state.discovery.files;
    let rows = visible(&report.objects, cursor, page).map(|(i, o)| {
        let module = o.module.map_or("unknown", |m| m.as_str());
        let bad = if o.bad_rows > 0 {
            Span::styled(format!("✗ {}", o.bad_rows), theme.bad())
        } else {
            Span::raw("0")
        };
        let row = Row::new(vec![
            Line::from(module),
            Line::from(o.file.clone()),
            Line::from(o.rows.to_string()),
            Line::from(bad),
            Line::from(o.encoding.label()),
        ]);
        table::highlight(row, i == cursor.selected, theme)
    });
    let widths = [
        Constraint::Length(15),
        Constraint::Min(12),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(12),
    ];
    let header = Row::new(["Module", "File", "Rows", "Bad", "Encoding"]).style(theme.title());
    let title = format!(" Files ({}) — Enter: columns ", report.objects.len());
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(Block::default().borders(Borders::TOP).title(title)),
        files_area,
    );
    frame.render_widget(
        Paragraph::new(summary_lines(state, report))
            .block(Block::default().borders(Borders::TOP).title(" Scope "))
            .wrap(Wrap { trim: false }),
        summary_area,
    );
}

fn summary_lines(state: &State, r: &Report) -> Vec<Line<'static>> {
    let theme = state.theme;
    let mut lines = Vec::new();
    let label = |l: &str| Span::styled(format!("{l:<14}"), theme.dim());
    lines.push(Line::from(vec![
        label("Grade"),
        Span::styled(
            format!(
                "{} ({} points), {}–{} working days, plan {}",
                r.grade.label(),
                r.grade_score.points,
                r.estimate.working_days_min,
                r.estimate.working_days_max,
                r.plan.plan
            ),
            theme.title(),
        ),
    ]));
    if let Some(map) = state.discovery.object_map() {
        lines.push(Line::from(vec![
            label("Objects"),
            Span::raw(format!("{} (o: the object map)", map.headline)),
        ]));
    }
    lines.push(Line::from(vec![
        label("Records"),
        Span::raw(format!(
            "{} in {} files{}",
            r.records,
            r.objects.len(),
            if r.unknown_files.is_empty() {
                String::new()
            } else {
                format!(", {} unknown", r.unknown_files.len())
            }
        )),
    ]));
    let unmatched = r.owners.iter().filter(|o| o.user.is_none()).count();
    lines.push(Line::from(vec![
        label("Owners"),
        Span::raw(format!("{} distinct, ", r.owners.len())),
        if unmatched > 0 {
            Span::styled(format!("! {unmatched} not in the users file"), theme.warn())
        } else {
            Span::styled("✓ all in the users file", theme.good())
        },
    ]));
    let stages: usize = r.pipelines.iter().map(|p| p.stages.len()).sum();
    let names: Vec<&str> = r.pipelines.iter().map(|p| p.name.as_str()).collect();
    lines.push(Line::from(vec![
        label("Pipelines"),
        Span::raw(format!(
            "{} ({stages} stages): {}",
            r.pipelines.len(),
            names.join(", ")
        )),
    ]));
    let mut custom = vec![label("Custom fields")];
    for c in r.custom_field_counts.iter().filter(|c| c.count > 0) {
        let text = format!("{} {}/{RSOFT_STANDARD_CAP} ", c.module.as_str(), c.count);
        custom.push(if c.exceeds_standard_cap {
            Span::styled(format!("! {text}"), theme.warn())
        } else {
            Span::raw(text)
        });
    }
    if custom.len() == 1 {
        custom.push(Span::raw("none"));
    }
    lines.push(Line::from(custom));
    lines.push(Line::from(vec![
        label("Gaps"),
        Span::raw(format!(
            "{} files CSV cannot carry; {} workflows to rebuild",
            r.gaps.len(),
            r.workflows.count
        )),
    ]));
    let dates = match r.date_order.verdict {
        DateOrderVerdict::DayFirst => Span::styled("✓ day-first", theme.good()),
        DateOrderVerdict::MonthFirst => Span::styled("✓ month-first", theme.good()),
        DateOrderVerdict::YearFirst => Span::styled("✓ year-first", theme.good()),
        DateOrderVerdict::Ambiguous => {
            Span::styled("! undecided: declare it on Connect", theme.warn())
        }
        DateOrderVerdict::Conflicting => Span::styled("✗ conflicting: see warnings", theme.bad()),
    };
    lines.push(Line::from(vec![label("Dates"), dates]));
    let warnings = r.warnings.len();
    lines.push(Line::from(vec![
        label("Warnings"),
        Span::raw(format!("{warnings} (all in the scope report)")),
    ]));
    for w in r.warnings.iter().take(3) {
        lines.push(Line::from(Span::styled(format!("  {w}"), theme.dim())));
    }
    lines.push(Line::from(match &state.discovery.written {
        Some((md, _)) => Span::styled(format!("✓ scope report: {}", md.display()), theme.good()),
        None => Span::styled("w writes the scope report (Markdown + JSON)", theme.dim()),
    }));
    lines
}

fn render_columns(state: &State, report: &Report, file: usize, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let Some(object) = report.objects.get(file) else {
        return;
    };
    let cursor = &state.discovery.columns;
    let page = columns_page(area);
    let [area, detail] = columns_split(area);
    let rows = visible(&object.columns, cursor, page).map(|(i, c)| {
        let fill = format!("{:>3.0}%", c.fill_rate * 100.0);
        let distinct = if c.distinct_exact {
            c.distinct.to_string()
        } else {
            format!("~{}", c.distinct)
        };
        let row = Row::new(vec![
            Line::from(c.header.clone()),
            Line::from(format!("{:?}", c.inferred).to_lowercase()),
            Line::from(fill),
            Line::from(distinct),
            Line::from(if c.canonical.is_some() {
                "standard"
            } else {
                "custom"
            }),
            Line::from(c.samples.join(" | ")),
        ]);
        table::highlight(row, i == cursor.selected, theme)
    });
    let widths = [
        Constraint::Length(18),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Min(10),
    ];
    let header =
        Row::new(["Column", "Type", "Fill", "Distinct", "Kind", "Samples"]).style(theme.title());
    let title = format!(
        " {} — {} columns, {} rows ({} bad), {}, {} — Esc: back ",
        object.file,
        object.columns.len(),
        object.rows,
        object.bad_rows,
        object.encoding.label(),
        object.delimiter.label()
    );
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(Block::default().borders(Borders::TOP).title(title)),
        area,
    );
    let Some(c) = object.columns.get(cursor.selected) else {
        return;
    };
    // The samples keep to one line, so the warnings under them show.
    let room = usize::from(detail.width).saturating_sub(c.header.chars().count() + 2);
    let samples = c.samples.join(" | ");
    let samples = if samples.chars().count() > room {
        let cut: String = samples.chars().take(room.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        samples
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}: ", c.header), theme.title()),
        Span::raw(samples),
    ])];
    lines.extend(
        report
            .column_findings(&object.file, &c.header)
            .map(|w| Line::from(Span::styled(format!("⚠ {}", w.detail()), theme.warn()))),
    );
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::TOP))
            .wrap(Wrap { trim: true }),
        detail,
    );
}
