//! What the map knows about one source column before and after its values are read: the
//! proposer's input ([`SourceColumn`]), the whole-column value check's result ([`ValueCheck`],
//! filled by `value_check`) and discovery's format evidence ([`FormatEvidence`], decided on by
//! `formats`). Data only, so the passes that fill it and the proposer that reads it all import it
//! and none of them imports another.

use serde::{Deserialize, Serialize};

use super::catalogue::ValueKind;
use super::transform::{FormatDecision, PercentDecision};
use crate::rsoft::profile::{Example, Flagged};
use crate::rsoft::{ColumnFlags, DateEvidence, Module};

/// One source column as the proposer needs it: what discovery's column profile converts into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceColumn {
    /// The module of the file the column is in.
    pub module: Module,
    /// The header as written in the file.
    pub header: String,
    /// Discovery's guess at the kind of values, used when there are no samples.
    pub inferred: Option<ValueKind>,
    /// A sample of the column's values (empty cells may be included; they are skipped).
    pub samples: Vec<String>,
    /// Share of rows with a value, 0–1.
    pub fill_rate: f64,
    /// Every value of the column through a kind's transform, once `map` has read them
    /// ([`super::value_check::ValueChecks`]): its target's kind, and the kind of the field its
    /// header names, so the header's target is judged on the whole column even where the
    /// samples refuted it. One per kind; they outweigh the samples ([`SourceColumn::check`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<ValueCheck>,
    /// How discovery found the column writes numbers and dates; `map` records the format its
    /// target needs in `[formats.*]` ([`super::formats::propose_formats`]).
    #[serde(skip)]
    pub format: FormatEvidence,
    /// Damage a spreadsheet did, as discovery counted it.
    #[serde(default)]
    pub flags: ColumnFlags,
}

impl SourceColumn {
    /// What every value of the column gave as `kind`, when `map` read them for it.
    pub fn check(&self, kind: ValueKind) -> Option<&ValueCheck> {
        self.checks.iter().find(|c| c.kind == kind)
    }
}

/// Values failing for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The transform's reason, e.g. "written in scientific notation …".
    pub reason: String,
    /// Values that failed for this reason.
    pub count: u64,
    /// The first 3 of them, each with its file and line.
    pub examples: Vec<Example>,
}

/// What every non-empty value of one column gave through the transform of `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueCheck {
    /// The field kind the values were converted to.
    pub kind: ValueKind,
    /// Non-empty values converted.
    pub values: u64,
    /// Of them, values the transform rejected.
    pub failed: u64,
    /// Most first.
    pub failures: Vec<Failure>,
    /// Values that read only with a caveat the load notes on the record (`2M` read as 2
    /// million, `(0)` in accounting brackets): how many, the first one's caveat, and the first
    /// examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noted: Option<Failure>,
}

/// What discovery found about how one column writes its numbers and dates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormatEvidence {
    /// The number format read from all its number values (number and money columns).
    pub number: Option<FormatDecision>,
    /// The day/month order its dates prove (date columns).
    pub dates: Option<DateEvidence>,
    /// Whether its numbers are on 0–100 or fractions of one (number columns and columns of
    /// numbers written with `%`), for a percent field.
    pub percent: Option<PercentDecision>,
    /// Every value is a spreadsheet serial day number (`45231`) in a column whose header names
    /// a date: the values, with the count and examples.
    pub excel_serials: Option<Flagged>,
}
