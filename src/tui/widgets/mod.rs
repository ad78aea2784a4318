//! Pieces every screen uses: the step bar, the footer, the help overlay, long tables.

pub mod footer;
pub mod help;
pub mod picker;
pub mod step_bar;
pub mod table;
