//! The field map: for every source column, where its values go in Nutshell, proposed by the tool
//! and confirmed by the operator; the transforms that convert the values on the way.

pub mod catalogue;
pub mod file;
pub mod model;
pub mod propose;
pub mod schema;
pub mod synonyms;
pub mod transform;
pub mod validate;
