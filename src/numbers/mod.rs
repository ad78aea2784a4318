//! Numbers and amounts as people write them, below both the export reader (discovery's profiler
//! judges every value with them) and the mapping layer (the transforms read values with them):
//! a column's number format and a percent column's scale, each decided from all its values, and a
//! money cell taken apart.

pub mod format;
pub mod money_text;
pub mod percent;
