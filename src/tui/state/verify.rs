//! The Verify screen's view state.

use std::path::PathBuf;

use crate::cli::report::Written;
use crate::engine::verify::VerifyReport;

use super::cursor::Cursor;
use super::loadable::Loadable;

/// The Verify screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VerifyView {
    /// The last verify.
    pub report: Loadable<Box<VerifyReport>>,
    /// The reports folder and what was written there.
    pub written: Loadable<(PathBuf, Written)>,
    /// Selection in the findings list.
    pub findings: Cursor,
}
