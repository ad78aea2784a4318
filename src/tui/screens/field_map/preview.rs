//! The Field map's preview pane: a real source row of the module beside the exact Nutshell
//! payload the record builder ([`build_record`](crate::mapping::record::build_record), the function the dry run, the load and verify
//! call) makes from it with the map as it stands on screen, saved or not — or the hold or the
//! problems the row would end in.
//!
//! Rows are read by an effect ([`Effect::ReadSample`]): the first [`PREVIEW_ROWS`] rows of the
//! module, and while the file is open the count of every value of the module's value-map
//! columns (the value-map panel shows them). Related records are answered by
//! [`PreviewLookups`](crate::mapping::record::PreviewLookups): they "would resolve at load time", shown as negative placeholder ids with
//! what each stands for. The payload is built in `update` (after a map change, a row step, or a
//! module switch) and kept as lines in [`PreviewView`], so drawing stays cheap.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::mapping::model::FieldMap;
use crate::mapping::model::value_map_kind;
use crate::rsoft::{Export, Module};
use crate::vocabulary::Vocabulary;

use super::super::super::effect::Effect;
use super::super::super::state::{Loadable, State};

pub use super::super::super::action::{ModuleSample, SampleRow};
pub use super::super::super::state::field_map::preview::PreviewView;

/// Source rows read per module for the preview (the first rows of its files, in order).
pub const PREVIEW_ROWS: usize = 200;
/// Distinct values counted per value-map column; more are counted under "other values".
pub const COUNTED_VALUES: usize = 200;

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
