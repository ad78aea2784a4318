//! The Field map screen's view state: the working map, its undo stack, the open panel.

pub mod preview;
pub mod values;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use crate::mapping::catalogue::ValueMapKind;
use crate::mapping::model::{ColumnEntry, FieldMap, ModuleMap, Status, Target, ValueEntry};
use crate::mapping::record::BuildSettings;
use crate::mapping::validate::{Problem, unconfirmed, validate};
use crate::rsoft::Module;

use super::super::action::Proposal;
use super::super::widgets::picker::Picker;
use super::cursor::Cursor;
use super::loadable::Loadable;

/// One undoable change: the entries as they were before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub(crate) module: Module,
    pub(crate) columns: Vec<(usize, ColumnEntry)>,
    pub(crate) values: Vec<(ValueMapKind, usize, ValueEntry)>,
}

/// The Field map screen's state, including the working map.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldMapView {
    /// The proposal being edited (its `map` is the working map).
    pub proposal: Loadable<Box<Proposal>>,
    /// The map's problems against the destination schema, kept current after every change.
    pub problems: Vec<Problem>,
    /// (module, column or value) that a problem names, for the row markers.
    pub(crate) problem_items: HashSet<(Module, String)>,
    /// Entries still `proposed` (columns and value maps): `migrate` waits on these.
    pub pending: usize,
    /// What discovery found of each column, per module and header: its samples and warnings.
    pub(crate) columns: BTreeMap<Module, HashMap<String, ColumnFacts>>,
    /// The module shown.
    pub module: Option<Module>,
    /// The focused entry.
    pub rows: Cursor,
    /// Show only entries that need attention.
    pub attention_only: bool,
    pub(crate) undo: Vec<Edit>,
    /// The undo depth at the last save (or load from an existing file); `None`: never saved.
    pub(crate) saved_depth: Option<usize>,
    /// A save is in flight.
    pub saving: bool,
    /// Where the last save wrote mapping.toml.
    pub saved_to: Option<PathBuf>,
    /// Choosing a target for a column (its index in the module), from `targets`.
    pub picker: Option<(usize, Picker)>,
    pub(crate) targets: Vec<Target>,
    // --- Panels: preview, value maps, problem list (issue 11, screen 3) ---
    /// The panel open below the table (or in its place on a short terminal).
    pub panel: Option<Panel>,
    /// The record preview's state.
    pub preview: preview::PreviewView,
    /// The value-map panel's state.
    pub values: values::ValuesView,
    /// The selection in the problem list (over `problems`).
    pub problem_list: Cursor,
    /// The whole-column value check's problems from the last proposal, each with the target its
    /// column had then: a problem stays listed while the column keeps that target.
    pub(crate) value_problems: Vec<(Problem, Target)>,
    /// How many of them `problems` lists now.
    pub(crate) value_problems_listed: usize,
    /// How the record builder reads the export (from the config when the map was proposed).
    pub(crate) settings: Option<BuildSettings>,
}

/// What discovery found of one source column, for the Field map's table and detail.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ColumnFacts {
    /// Its sample values, joined with ` | `.
    pub samples: String,
    /// Its warnings (damage a spreadsheet did, formats), without the `column "X": ` opening,
    /// each prefixed with its file when the module has several.
    pub warnings: Vec<String>,
}

/// The panel of the Field map that is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// A source row and the payload the record builder makes from it.
    Preview,
    /// The module's value maps (stages, statuses, activity types…).
    ValueMaps,
    /// The map's validation problems.
    Problems,
}

impl FieldMapView {
    pub(crate) fn map(&self) -> Option<&FieldMap> {
        self.proposal.ready().map(|p| &p.map)
    }

    /// Changes not yet written to mapping.toml.
    pub fn unsaved(&self) -> bool {
        self.proposal.ready().is_some() && self.saved_depth != Some(self.undo.len())
    }

    /// Modules with columns, in map order.
    pub fn modules(&self) -> Vec<Module> {
        self.map().map_or_else(Vec::new, |m| {
            m.modules
                .iter()
                .filter(|(_, mm)| !mm.columns.is_empty())
                .map(|(m, _)| *m)
                .collect()
        })
    }

    /// The shown module's part of the working map; `None` before a proposal or a module.
    pub fn module_map(&self) -> Option<&ModuleMap> {
        self.map()?.modules.get(&self.module?)
    }

    pub(crate) fn needs_attention(&self, module: Module, entry: &ColumnEntry) -> bool {
        entry.status == Status::Proposed
            || self.problem_items.contains(&(module, entry.header.clone()))
    }

    /// Indices (into the module's columns) of the rows shown, in column order.
    pub fn visible_rows(&self) -> Vec<usize> {
        let (Some(module), Some(mm)) = (self.module, self.module_map()) else {
            return Vec::new();
        };
        mm.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !self.attention_only || self.needs_attention(module, c))
            .map(|(i, _)| i)
            .collect()
    }

    /// Problems, pending count, row markers and the preview after the map changed.
    pub(crate) fn refresh(&mut self) {
        let Some(p) = self.proposal.ready() else {
            return;
        };
        self.problems = validate(&p.map, &p.schema);
        let from_map = self.problems.len();
        let column_target = |module: Module, header: &str| {
            p.map
                .modules
                .get(&module)
                .and_then(|m| m.column(header))
                .filter(|c| c.status != Status::Ignored)
                .map(|c| &c.target)
        };
        // A value problem holds while its column keeps the target it was checked against.
        self.problems.extend(
            self.value_problems
                .iter()
                .filter(|(problem, target)| {
                    problem
                        .item
                        .as_deref()
                        .is_some_and(|h| column_target(problem.module, h) == Some(target))
                })
                .map(|(problem, _)| problem.clone()),
        );
        self.problem_items = self
            .problems
            .iter()
            .filter_map(|p| Some((p.module, p.item.clone()?)))
            .collect();
        self.value_problems_listed = self.problems.len() - from_map;
        self.pending = unconfirmed(&p.map).len();
        let last = self.problems.len().saturating_sub(1);
        self.problem_list.selected = self.problem_list.selected.min(last);
        self.rebuild_preview();
    }

    /// Of `problems`, how many come from the whole-column value check (they are listed last).
    pub fn value_problem_count(&self) -> usize {
        self.value_problems_listed
    }

    /// Build the preview's payload again (the map, the module or the row changed).
    pub(crate) fn rebuild_preview(&mut self) {
        let (Some(p), Some(settings)) = (self.proposal.ready(), self.settings.as_ref()) else {
            return;
        };
        self.preview.rebuild(self.module, &p.map, settings);
    }

    /// Show `module`: its first preview row, its first value map.
    pub(crate) fn show_module(&mut self, module: Module) {
        if self.module == Some(module) {
            return;
        }
        self.module = Some(module);
        self.rows = Cursor::default();
        self.preview.row = 0;
        self.preview.scroll = 0;
        self.values.kind = 0;
        self.values.cursor = Cursor::default();
        self.rebuild_preview();
    }

    /// Change one column entry of the module shown, remembering it for undo.
    pub(crate) fn change_column(&mut self, index: usize, change: impl FnOnce(&mut ColumnEntry)) {
        self.change_entry(
            change,
            |m| m.columns.get_mut(index),
            |module, before| Edit {
                module,
                columns: vec![(index, before)],
                values: Vec::new(),
            },
        );
    }

    /// Change entry `index` of the module's value map `kind`, remembering it for undo.
    pub(crate) fn change_value(
        &mut self,
        kind: ValueMapKind,
        index: usize,
        change: impl FnOnce(&mut ValueEntry),
    ) {
        self.change_entry(
            change,
            |m| m.values.get_mut(&kind).and_then(|v| v.get_mut(index)),
            |module, before| Edit {
                module,
                columns: Vec::new(),
                values: vec![(kind, index, before)],
            },
        );
    }

    /// Change one entry (found by `find` in the module shown); when it changed, push the undo step
    /// `edit` makes from the entry as it was.
    fn change_entry<T: Clone + PartialEq>(
        &mut self,
        change: impl FnOnce(&mut T),
        find: impl FnOnce(&mut ModuleMap) -> Option<&mut T>,
        edit: impl FnOnce(Module, T) -> Edit,
    ) {
        let Some(module) = self.module else { return };
        let Some(entry) = self
            .proposal
            .ready_mut()
            .and_then(|p| p.map.modules.get_mut(&module))
            .and_then(find)
        else {
            return;
        };
        let before = entry.clone();
        change(entry);
        if *entry == before {
            return;
        }
        self.undo.push(edit(module, before));
        self.refresh();
    }
}
