//! The field map: for every source column, where its values go in Nutshell, proposed by the tool
//! and confirmed by the operator; and the transforms that convert the values on the way.
//!
//! - [`catalogue`]: module → entity, Nutshell entities, standard fields and value-map kinds.
//! - [`column_pass`]: one pass over the export for the value sets and the value check.
//! - [`object_map`]: how each RSoft object lands in Nutshell, with counts and a headline.
//! - [`model`]: [`model::FieldMap`] and its entries, targets and statuses; merging proposals.
//! - [`file`]: mapping.toml, written with comments and read back with serde.
//! - [`formats`]: each typed column's number format and date order, from all its values.
//! - [`propose`]: proposals from headers (the vocabulary in `assets/vocabulary.toml`), similarity and values.
//! - [`memory`]: decisions remembered across exports, in the user's data dir.
//! - [`schema`]: what the destination account has.
//! - [`source`]: discovery's profiles, pipelines and value sets as the proposer's input.
//! - [`record`]: the record builder — one source row → the exact Nutshell payloads, a hold or
//!   problems.
//! - [`validate`]: problems with their fixes, and the confirmation gate of `migrate`.
//! - [`transform`]: value conversions, every failure with its reason.

pub mod catalogue;
pub mod column;
pub mod column_pass;
pub mod file;
pub mod formats;
pub mod memory;
pub mod model;
pub mod object_map;
pub mod propose;
pub mod record;
pub mod schema;
pub mod source;
pub mod transform;
pub mod validate;
pub mod value_check;
