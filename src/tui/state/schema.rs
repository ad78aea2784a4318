//! The Schema screen's view state.

/// The Schema screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaView {
    /// First line shown.
    pub scroll: usize,
    /// "create" was pressed once: the next press writes to Nutshell.
    pub confirm_create: bool,
}
