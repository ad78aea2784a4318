//! The Discovery screen's view state.

use std::path::PathBuf;

use crate::discovery::Report;
use crate::mapping::object_map::ObjectMap;

use super::cursor::Cursor;
use super::loadable::Loadable;

/// The Discovery screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiscoveryView {
    /// Discovery's report, once read.
    pub report: Loadable<Box<Report>>,
    /// How each RSoft object lands in Nutshell, proposed offline from the report (it comes
    /// with the report, so it is there whenever the report is).
    pub object_map: Option<ObjectMap>,
    /// The object map is shown in place of the file list.
    pub showing_objects: bool,
    /// The selected object of the object map.
    pub objects: Cursor,
    /// The selected file.
    pub files: Cursor,
    /// The file whose columns are shown.
    pub drill: Option<usize>,
    /// The selected column of the drilled-into file.
    pub columns: Cursor,
    /// The scope report's files, once written.
    pub written: Option<(PathBuf, PathBuf)>,
}
