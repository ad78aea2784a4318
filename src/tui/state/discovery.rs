//! The Discovery screen's view state.

use std::path::PathBuf;

use crate::discovery::Report;
use crate::mapping::object_map::ObjectMap;

use super::super::action::Discovered;
use super::cursor::Cursor;
use super::loadable::Loadable;

/// The Discovery screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiscoveryView {
    /// Discovery's report and its object map, read together.
    pub discovered: Loadable<Box<Discovered>>,
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

impl DiscoveryView {
    /// Discovery's report, once read.
    pub fn report(&self) -> Option<&Report> {
        self.discovered.ready().map(|d| &d.report)
    }

    /// How each RSoft object lands in Nutshell, once the export is read.
    pub fn object_map(&self) -> Option<&ObjectMap> {
        self.discovered.ready().map(|d| &d.object_map)
    }
}
