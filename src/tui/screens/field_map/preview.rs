//! The Field map's preview pane: a real source row of the module beside the exact Nutshell
//! payload the record builder ([`build_record`], the function the dry run, the load and verify
//! call) makes from it with the map as it stands on screen, saved or not — or the hold or the
//! problems the row would end in.
//!
//! Rows are read by an effect ([`Effect::ReadSample`]): the first [`PREVIEW_ROWS`] rows of the
//! module, and while the file is open the count of every value of the module's value-map
//! columns (the value-map panel shows them). Related records are answered by
//! [`PreviewLookups`]: they "would resolve at load time", shown as negative placeholder ids with
//! what each stands for. The payload is built in `update` (after a map change, a row step, or a
//! module switch) and kept as lines, so drawing stays cheap.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use serde_json::Value;

use crate::mapping::model::FieldMap;
use crate::mapping::model::value_map_kind;
use crate::mapping::record::{BuildSettings, Built, FollowUp, PreviewLookups, build_record};
use crate::nutshell::methods;
use crate::rsoft::{Export, Module};
use crate::vocabulary::Vocabulary;

use super::super::super::effect::Effect;
use super::super::super::state::{Loadable, State};
use super::super::super::theme::Theme;

/// Source rows read per module for the preview (the first rows of its files, in order).
pub const PREVIEW_ROWS: usize = 200;
/// Distinct values counted per value-map column; more are counted under "other values".
pub const COUNTED_VALUES: usize = 200;

/// One source row as the export has it.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    /// The file's name in the export (`Contacts.csv`).
    pub file: String,
    /// The row's line in that file (1 is the header).
    pub line: u64,
    /// Cell by header, untrimmed.
    pub cells: BTreeMap<String, String>,
}

/// What [`read_sample`] read of one module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleSample {
    /// The first [`PREVIEW_ROWS`] rows.
    pub rows: Vec<SampleRow>,
    /// Per counted header: trimmed value → rows holding it (at most [`COUNTED_VALUES`] values).
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
    /// Rows whose value was not counted because the column had too many distinct values.
    pub uncounted: u64,
}

/// Read the first `rows` rows of `module` and count the values of the `count` headers over
/// every row of its files. Rows the reader sets aside (bad rows) are skipped: discovery reports
/// them.
pub fn read_sample(
    export: &std::path::Path,
    vocabulary: Option<&std::path::Path>,
    module: Module,
    rows: usize,
    count: &[String],
) -> anyhow::Result<ModuleSample> {
    let export = Export::open_with(export, Vocabulary::with_extension(vocabulary)?)?;
    let mut sample = ModuleSample::default();
    for file in export.files_of(module) {
        let mut reader = export.rows(file)?;
        let names = reader.headers().names().to_vec();
        let counted: Vec<(usize, &String)> = names
            .iter()
            .enumerate()
            .filter(|(_, h)| count.contains(h))
            .collect();
        let name = file.entry.file_name().to_string();
        while let Some(row) = reader.next_row() {
            let Ok(row) = row else { continue };
            if sample.rows.len() < rows {
                sample.rows.push(SampleRow {
                    file: name.clone(),
                    line: row.line,
                    cells: names
                        .iter()
                        .zip(row.fields())
                        .map(|(h, v)| (h.clone(), v.to_string()))
                        .collect(),
                });
            } else if counted.is_empty() {
                break;
            }
            for (i, header) in &counted {
                let Some(value) = row.field(*i).map(str::trim).filter(|v| !v.is_empty()) else {
                    continue;
                };
                let values = sample.counts.entry((*header).clone()).or_default();
                if let Some(n) = values.get_mut(value) {
                    *n += 1;
                } else if values.len() < COUNTED_VALUES {
                    values.insert(value.to_string(), 1);
                } else {
                    sample.uncounted += 1;
                }
            }
        }
    }
    Ok(sample)
}

/// How a preview line is drawn (a symbol or word on the line says the same without colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Title,
    Plain,
    Warn,
    Bad,
    Dim,
}

impl Tone {
    fn style(self, theme: Theme) -> Style {
        match self {
            Tone::Title => theme.title(),
            Tone::Plain => theme.plain(),
            Tone::Warn => theme.warn(),
            Tone::Bad => theme.bad(),
            Tone::Dim => theme.dim(),
        }
    }
}

/// The preview's state: rows read per module, the row shown, the payload built from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreviewView {
    /// Rows read per module for the preview, with their value counts.
    pub samples: BTreeMap<Module, Loadable<Box<ModuleSample>>>,
    /// Index of the row shown in the current module's rows.
    pub row: usize,
    /// First payload line shown.
    pub scroll: usize,
    /// The payload of the row shown, as lines; `None` until rows are read.
    payload: Option<Vec<(Tone, String)>>,
}

impl PreviewView {
    /// The rows of `module`, once read.
    pub fn rows(&self, module: Module) -> Option<&[SampleRow]> {
        self.samples
            .get(&module)
            .and_then(Loadable::ready)
            .map(|s| s.rows.as_slice())
    }

    /// Rows of `module` holding each value of `header`, once counted.
    pub fn counts(&self, module: Module, header: &str) -> Option<&BTreeMap<String, u64>> {
        self.samples
            .get(&module)
            .and_then(Loadable::ready)
            .and_then(|s| s.counts.get(header))
    }

    /// The payload of the row shown, line by line as drawn; empty until rows are read.
    pub fn payload_text(&self) -> Vec<&str> {
        self.payload
            .iter()
            .flatten()
            .map(|(_, line)| line.as_str())
            .collect()
    }

    /// Step `by` rows within the module's rows (stays at the ends).
    pub fn step(&mut self, module: Module, by: isize) {
        let len = self.rows(module).map_or(0, <[SampleRow]>::len);
        self.row = self
            .row
            .saturating_add_signed(by)
            .min(len.saturating_sub(1));
        self.scroll = 0;
    }

    /// Build the payload of the row shown with `map` as it stands.
    pub fn rebuild(&mut self, module: Option<Module>, map: &FieldMap, settings: &BuildSettings) {
        let row = module.and_then(|m| Some((m, self.rows(m)?.get(self.row)?)));
        self.payload = row.map(|(module, row)| payload_lines(module, row, map, settings));
        let len = self.payload.as_ref().map_or(0, Vec::len);
        self.scroll = self.scroll.min(len.saturating_sub(1));
    }

    /// Scroll the payload by `by` lines.
    pub fn scroll_by(&mut self, by: isize) {
        let len = self.payload.as_ref().map_or(0, Vec::len);
        self.scroll = self
            .scroll
            .saturating_add_signed(by)
            .min(len.saturating_sub(1));
    }
}

/// The headers of `module` whose values the value-map panel counts: columns whose target goes
/// through a value map (stages are counted by discovery's pipeline tally instead).
pub fn counted_headers(map: &FieldMap, module: Module) -> Vec<String> {
    map.modules.get(&module).map_or_else(Vec::new, |m| {
        m.columns
            .iter()
            .filter(|c| value_map_kind(&c.target).is_some())
            .map(|c| c.header.clone())
            .collect()
    })
}

/// The effect that reads `module`'s rows, unless they are read or being read.
pub fn request(state: &mut State, module: Module) -> Option<Effect> {
    if state.field_map.preview.samples.contains_key(&module) {
        return None;
    }
    let export = state.config.source.export.clone()?;
    let count = state
        .field_map
        .proposal
        .ready()
        .map_or_else(Vec::new, |p| counted_headers(&p.map, module));
    state
        .field_map
        .preview
        .samples
        .insert(module, Loadable::Loading);
    Some(Effect::ReadSample {
        export,
        vocabulary: state.config.vocabulary.file.clone(),
        module,
        rows: PREVIEW_ROWS,
        count,
    })
}

/// Fold in rows read (a result for an export no longer configured is dropped).
pub fn sampled(
    state: &mut State,
    export: PathBuf,
    module: Module,
    result: Result<Box<ModuleSample>, String>,
) {
    if state.config.source.export.as_ref() != Some(&export) {
        return;
    }
    let view = &mut state.field_map;
    view.preview.samples.insert(
        module,
        match result {
            Ok(sample) => Loadable::Ready(sample),
            Err(why) => Loadable::Failed(why),
        },
    );
    view.rebuild_preview();
}

fn method_name(create: &crate::mapping::record::PlannedCreate) -> &'static str {
    create
        .entity_type
        .methods()
        .map_or(methods::NEW_NOTE.name, |m| m.new.name)
}

fn payload_lines(
    module: Module,
    row: &SampleRow,
    map: &FieldMap,
    settings: &BuildSettings,
) -> Vec<(Tone, String)> {
    let lookups = PreviewLookups::new(module);
    let built = build_record(module, &row.cells, map, settings, &lookups);
    let mut out = Vec::new();
    // Placeholders matter only in a payload that is sent.
    let placeholders = match &built {
        Built::Plan(_) => lookups.placeholders(),
        _ => Vec::new(),
    };
    if !placeholders.is_empty() {
        out.push((
            Tone::Dim,
            "ids < 0: related records, resolved at load time (listed at the end)".into(),
        ));
    }
    match &built {
        Built::Plan(plan) => {
            for (i, create) in plan.creates.iter().enumerate() {
                out.push((
                    Tone::Title,
                    format!("#{} {} ({:?})", i + 1, method_name(create), create.role),
                ));
                let mut json = Vec::new();
                json_lines(&create.params, 0, "", "", &mut json);
                out.extend(json.into_iter().map(|l| (Tone::Plain, l)));
                for fill in &create.fills {
                    out.push((
                        Tone::Dim,
                        format!("  {} ← the id of #{}", fill.pointer, fill.from + 1),
                    ));
                }
            }
            for follow_up in &plan.follow_ups {
                let FollowUp::CloseLead { lead, status } = follow_up;
                out.push((
                    Tone::Title,
                    format!(
                        "then editLead on #{}: status {} ({status:?})",
                        lead + 1,
                        status.code()
                    ),
                ));
            }
            for caveat in &plan.caveats {
                out.push((Tone::Warn, format!("! {caveat}")));
            }
        }
        Built::Hold { reasons } => reason_lines(
            Tone::Warn,
            "⏸ HELD at load (released when the reason clears):",
            reasons,
            &mut out,
        ),
        Built::Problems { problems } => reason_lines(
            Tone::Bad,
            "✗ NOT SENT: the load reports these values:",
            problems,
            &mut out,
        ),
    }
    if !placeholders.is_empty() {
        out.push((Tone::Dim, "would resolve at load time:".into()));
        for (id, what) in placeholders {
            out.push((Tone::Dim, format!("  {id} = {what}")));
        }
    }
    out
}

/// Payload lines wider than this are broken over several (an 80-column terminal's pane).
const JSON_WIDTH: usize = 46;

/// `value` as JSON: an object or array whose one-line form fits in [`JSON_WIDTH`] stays on one
/// line, larger ones are spread one member a line, indented by two spaces a level.
fn json_lines(value: &Value, depth: usize, key: &str, comma: &str, out: &mut Vec<String>) {
    let pad = "  ".repeat(depth);
    let one_line = format!("{pad}{key}{value}{comma}");
    let (open, close, members): (char, char, Vec<(String, &Value)>) = match value {
        Value::Object(map) if one_line.chars().count() > JSON_WIDTH => (
            '{',
            '}',
            map.iter()
                .map(|(k, v)| (format!("{}: ", Value::from(k.as_str())), v))
                .collect(),
        ),
        Value::Array(items) if one_line.chars().count() > JSON_WIDTH => {
            ('[', ']', items.iter().map(|v| (String::new(), v)).collect())
        }
        _ => {
            out.push(one_line);
            return;
        }
    };
    out.push(format!("{pad}{key}{open}"));
    let last = members.len().saturating_sub(1);
    for (i, (k, v)) in members.into_iter().enumerate() {
        json_lines(v, depth + 1, &k, if i < last { "," } else { "" }, out);
    }
    out.push(format!("{pad}{close}{comma}"));
}

/// A hold's or the problems' heading, then one line per reason: `column = "value": why`.
fn reason_lines(
    tone: Tone,
    heading: &str,
    reasons: &[crate::mapping::record::CellReason],
    out: &mut Vec<(Tone, String)>,
) {
    out.push((tone, heading.to_string()));
    for r in reasons {
        let line = if r.column.is_empty() {
            format!("  {}", r.reason)
        } else {
            format!("  {} = {:?}: {}", r.column, r.value, r.reason)
        };
        out.push((tone, line));
    }
}

/// Draw the pane: the source row (the selected column's cell marked ▶) beside the payload.
pub fn render(state: &State, frame: &mut Frame, area: Rect, module: Module, column: Option<&str>) {
    let theme = state.theme;
    let view = &state.field_map.preview;
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        " Preview — a source row and the payload the record builder makes from it ",
        theme.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = match view.samples.get(&module) {
        Some(Loadable::Ready(sample)) => &sample.rows,
        Some(Loadable::Failed(why)) => {
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(
                    format!("✗ cannot read the rows: {why}. Next: check the export on Connect"),
                    theme.bad(),
                ))),
                inner,
            );
            return;
        }
        _ => {
            frame.render_widget(Paragraph::new("reading rows…"), inner);
            return;
        }
    };
    let Some(row) = rows.get(view.row) else {
        frame.render_widget(
            Paragraph::new(format!("{module} has no rows to preview.")),
            inner,
        );
        return;
    };
    let source_width = (inner.width * 2 / 5).clamp(24, 44);
    let [source, payload] =
        Layout::horizontal([Constraint::Length(source_width), Constraint::Min(10)]).areas(inner);
    let height = usize::from(source.height);
    let mut left = vec![Line::from(Span::styled(
        format!(
            "row {}/{} · line {} of {}",
            view.row + 1,
            rows.len(),
            row.line,
            row.file
        ),
        theme.title(),
    ))];
    let headers: Vec<&String> = state
        .field_map
        .proposal
        .ready()
        .and_then(|p| p.map.modules.get(&module))
        .map_or_else(Vec::new, |m| m.columns.iter().map(|c| &c.header).collect());
    // Keep the selected column's cell on screen.
    let at = column
        .and_then(|c| headers.iter().position(|h| *h == c))
        .unwrap_or(0);
    let skip = (at + 2).saturating_sub(height.saturating_sub(1));
    for header in headers.iter().skip(skip).take(height.saturating_sub(1)) {
        let value = row.cells.get(*header).map_or("", String::as_str);
        let selected = column == Some(header.as_str());
        let line = Line::from(vec![
            Span::raw(if selected { "▶ " } else { "  " }),
            Span::styled(format!("{header}: "), theme.dim()),
            Span::raw(value.to_string()),
        ]);
        left.push(if selected {
            line.style(theme.selected())
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(left), source);
    let lines: Vec<Line> = view
        .payload
        .iter()
        .flatten()
        .skip(view.scroll)
        .take(usize::from(payload.height))
        .map(|(tone, text)| Line::from(Span::styled(text.clone(), tone.style(theme))))
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::LEFT)),
        payload,
    );
}
