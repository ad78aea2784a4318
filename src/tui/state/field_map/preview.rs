//! The preview pane's view state: rows read per module, the row shown, and the payload the
//! record builder makes from it, kept as lines so drawing stays cheap.

use std::collections::BTreeMap;

use ratatui::style::Style;
use serde_json::Value;

use crate::mapping::model::FieldMap;
use crate::mapping::record::{BuildSettings, Built, FollowUp, PreviewLookups, build_record};
use crate::nutshell::methods;
use crate::rsoft::Module;

use super::super::super::action::{ModuleSample, SampleRow};
use super::super::super::theme::Theme;
use super::super::loadable::Loadable;

/// How a preview line is drawn (a symbol or word on the line says the same without colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Title,
    Plain,
    Warn,
    Bad,
    Dim,
}

impl Tone {
    pub(crate) fn style(self, theme: Theme) -> Style {
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
    pub(crate) payload: Option<Vec<(Tone, String)>>,
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
