//! The value-map panel's view state.

use crate::mapping::catalogue::ValueMapKind;

use super::super::super::widgets::picker::Picker;
use super::super::cursor::Cursor;

/// A target a value can take: the Nutshell value, and the pipeline for a stage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Choice {
    /// The Nutshell value (a stage, status or activity type name).
    pub to: String,
    /// The pipeline, for a stage; `None` for other value maps.
    pub stageset: Option<String>,
}

/// The panel's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValuesView {
    /// Which of the module's value maps is shown (index into [`kinds`](crate::tui::screens::field_map::values::kinds)).
    pub kind: usize,
    /// The focused entry of the shown value map.
    pub cursor: Cursor,
    /// Choosing a target for entry `index` of the map `kind`, from `choices`.
    pub picker: Option<(ValueMapKind, usize, Picker)>,
    pub(crate) choices: Vec<Choice>,
}
