//! The Discovery screen's view state.

use std::path::PathBuf;

use crate::discovery::Report;

use super::cursor::Cursor;
use super::loadable::Loadable;

/// The Discovery screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiscoveryView {
    /// Discovery's report, once read.
    pub report: Loadable<Box<Report>>,
    /// The selected file.
    pub files: Cursor,
    /// The file whose columns are shown.
    pub drill: Option<usize>,
    /// The selected column of the drilled-into file.
    pub columns: Cursor,
    /// The scope report's files, once written.
    pub written: Option<(PathBuf, PathBuf)>,
}
