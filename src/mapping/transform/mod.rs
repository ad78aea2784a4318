//! Value transforms: one pure function per kind of cell, from an RSoft string to the form Nutshell
//! takes. Every failure is a [`Rejected`] that keeps the original text and says why, so the loader
//! can attach it to the record; no transform ever turns a bad value into an empty one.
//!
//! Empty cells mean "no value" and are the loader's business: every transform rejects a blank
//! input rather than inventing something.

pub mod boolean;
pub mod convert;
pub mod country;
pub mod date;
pub mod email;
pub mod enumeration;
pub mod money;
pub mod name;
pub mod number;
pub mod phone;
pub mod tags;

pub use crate::numbers::format::{FormatDecision, FormatTally, NumberFormat};
pub use crate::numbers::percent::{PercentDecision, PercentScale, PercentTally};
pub use boolean::parse_bool;
pub use convert::{
    CellValues, ColumnFormat, Converted, FORMULA_REASON, Placeholder, SourceFormat, StandIn,
    cell_values, convert, convert_in, stand_in,
};
pub use date::{DatedValue, When, parse_date, parse_serial, parse_when};
pub use email::{Mailbox, normalize_email, parse_mailbox};
pub use enumeration::match_enum;
pub use money::{money_caveat, parse_money, parse_money_in};
pub use name::{NameAndEmail, SplitName, split_full_name, split_name_email};
pub use number::{parse_number, parse_number_in, parse_percent_in};
pub use phone::{Phone, parse_phone};
pub use tags::{Tags, split_tags};

/// A value a transform could not convert: the original text, untouched, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{original:?}: {reason}")]
pub struct Rejected {
    /// The cell exactly as read, so nothing is lost and the report can show it.
    pub original: String,
    /// What is wrong and, where there is one, what to do (e.g. add a value map entry).
    pub reason: String,
}

impl Rejected {
    /// A rejection of `original` (kept verbatim, untrimmed) for `reason`.
    pub fn new(original: &str, reason: impl Into<String>) -> Self {
        Self {
            original: original.to_string(),
            reason: reason.into(),
        }
    }
}

/// The trimmed cell, or a rejection when nothing is left.
fn non_blank(raw: &str) -> Result<&str, Rejected> {
    let t = raw.trim();
    if t.is_empty() {
        Err(Rejected::new(raw, "the cell is empty"))
    } else {
        Ok(t)
    }
}
