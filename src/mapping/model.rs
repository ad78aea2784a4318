//! The field map: per module, one entry per source column saying where its values go, with the
//! tool's confidence and reason and the operator's decision; plus value maps (stages, statuses,
//! activity types, …) per module.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::catalogue::{SOURCES_FIELD, ValueKind, ValueMapKind, standard_field};
use super::transform::{ColumnFormat, NumberFormat, PercentScale};
use crate::config::DateOrder;
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// Proposals below this confidence are not mapped: the operator decides. `--accept-proposed`
/// accepts proposals at or above it.
pub const CONFIDENCE_THRESHOLD: f64 = 0.6;

/// Where a column's values go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum Target {
    /// A Nutshell standard field, by path (`Contacts.email`).
    Field {
        /// `Entity.path`, one of the catalogue's standard fields.
        field: String,
    },
    /// A custom field on the module's entity; `create` when it must be created first.
    Custom {
        /// The field's name in Nutshell; values are keyed by it (docs/nutshell-api.md).
        name: String,
        /// The kind of value; also the type a created field gets (`type` in mapping.toml).
        #[serde(rename = "type")]
        kind: ValueKind,
        /// The field does not exist in the destination yet and the load creates it first.
        #[serde(default)]
        create: bool,
    },
    /// The record's tags.
    Tags,
    /// A labelled line in a note on the record.
    Note {
        /// The label before the value (`Industry: Retail`).
        label: String,
    },
    /// The column identifies a related record (a company on a contact, an owner).
    Lookup {
        /// The entity type of the related record; read strictly, one of
        /// [`EntityType::MAPPED`] (an operator writes it in mapping.toml).
        #[serde(deserialize_with = "crate::nutshell::entity_type::deserialize_mapped")]
        entity: EntityType,
        /// How the cell finds it.
        by: LookupKey,
    },
    /// Polymorphic relation of an activity: which module, then which record.
    Related {
        /// Which half of the relation this column carries.
        part: RelatedPart,
    },
    /// The module's RSoft ID: goes into the legacy-id custom field on every created record.
    LegacyId,
    /// Deliberately not moved.
    Ignore,
    /// No proposal reached the threshold: the operator must choose.
    Unmapped,
}

/// How a lookup column finds its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupKey {
    /// The related record's RSoft ID, through the journal's id map.
    RsoftId,
    /// Its (normalised) name.
    Name,
    /// Its email address.
    Email,
    /// An owner cell: email, name, or `Name <email>`, resolved through owners.toml.
    Owner,
}

/// The two columns of an activity's polymorphic relation (RSoft writes `Related To` + `Related
/// ID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelatedPart {
    /// "Contact", "Deal", … naming the related module.
    Module,
    /// The related record's RSoft ID.
    Id,
}

impl Target {
    /// Whether the load makes a Nutshell object named by the cell's text for this target (a
    /// tag, a lead source, [`SOURCES_FIELD`]): a placeholder there (`N/A`) is no value, or the
    /// load would create a tag or a source called `N/A`.
    pub fn names_new_object(&self) -> bool {
        match self {
            Target::Tags => true,
            Target::Field { field } => field == SOURCES_FIELD,
            _ => false,
        }
    }

    /// A key naming the single slot this target fills, if only one column may fill it; multi-valued
    /// targets (phones, tags, notes) return `None`.
    pub fn single_slot(&self) -> Option<String> {
        match self {
            Target::Field { field } => match standard_field(field) {
                Some(f) if f.multi => None,
                _ => Some(field.clone()),
            },
            Target::Custom { name, .. } => Some(format!("custom field {name:?}")),
            Target::Lookup { entity, by } => Some(format!("{} lookup by {by:?}", entity.as_str())),
            Target::Related { part } => Some(format!("related record {part:?}")),
            Target::LegacyId => Some("the RSoft ID field".into()),
            Target::Tags | Target::Note { .. } | Target::Ignore | Target::Unmapped => None,
        }
    }

    /// One line for people: `Contacts.email`, `custom field "PAN" (text, new)`, …
    pub fn describe(&self) -> String {
        match self {
            Target::Field { field } => field.clone(),
            Target::Custom { name, kind, create } => format!(
                "custom field {name:?} ({kind:?}{})",
                if *create { ", new" } else { "" }
            ),
            Target::Tags => "tags".into(),
            Target::Note { label } => format!("note line {label:?}"),
            Target::Lookup { entity, by } => format!("lookup {} by {by:?}", entity.as_str()),
            Target::Related { part } => format!("related record ({part:?})"),
            Target::LegacyId => "RSoft ID field".into(),
            Target::Ignore => "ignore".into(),
            Target::Unmapped => "unmapped".into(),
        }
    }
}

/// Who decided an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The tool's proposal, not yet reviewed.
    Proposed,
    /// The operator accepted the proposal.
    Confirmed,
    /// The operator changed the target.
    Edited,
    /// The operator chose not to move the column.
    Ignored,
}

impl Status {
    /// The operator has decided this entry; regenerating proposals keeps it.
    pub fn is_decided(self) -> bool {
        self != Status::Proposed
    }
}

/// One source column's entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnEntry {
    /// The column's header exactly as the export spells it.
    pub header: String,
    /// Where its values go.
    pub target: Target,
    /// The proposer's confidence, 0–1 (1 for an operator's decision).
    pub confidence: f64,
    /// Why the proposer chose this target, for the operator to judge (e.g. a synonym matched).
    pub reason: String,
    /// Proposed, or decided by the operator.
    pub status: Status,
}

/// One source value's entry in a value map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueEntry {
    /// The RSoft value; for stage maps, [`stage_key`] of pipeline and stage.
    pub from: String,
    /// The Nutshell value (a milestone for stage maps).
    pub to: String,
    /// The Nutshell stageset, for stage maps.
    pub stageset: Option<String>,
    /// The proposer's confidence, 0–1.
    pub confidence: f64,
    /// Why this value was proposed.
    pub reason: String,
    /// Proposed, or decided by the operator.
    pub status: Status,
}

/// The `to` of an activity-type entry whose activities become Nutshell Notes on the related
/// record instead of Activities: Nutshell has no note activity type (design: notes → Notes).
pub const AS_NOTE: &str = "(note)";

/// The key of a stage-map entry: an RSoft pipeline and one of its stages.
pub fn stage_key(pipeline: &str, stage: &str) -> String {
    format!("{pipeline} / {stage}")
}

/// How one column writes its numbers and dates, decided once from all its values (issue 12:
/// "formats decided per column, never per value"): `map` and the load read every value of the
/// column this way, and a value it cannot read is a problem, never read another way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormatEntry {
    /// The column's header exactly as the export spells it.
    pub header: String,
    /// Decimal mark and grouping (`1.234.567,89`); `None` for a column without numbers.
    pub number_format: Option<NumberFormat>,
    /// Day, month and year order; `None` reads the column in `[source] date_order`.
    pub date_order: Option<DateOrder>,
    /// For a column going to a percent field: on 0–100 or fractions of one (read ×100); `None`
    /// when the values did not decide it, and then a value from 0 to 1 (exclusive of 0) written
    /// without `%` is refused, never guessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_scale: Option<PercentScale>,
    /// The column's dates are spreadsheet serial day numbers (`45231` = 2023-11-01), read as
    /// days since 1899-12-30; a written date in it is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excel_serial: bool,
    /// What decided it: "4 of 4 distinct values read as 1.234.567,89 (decided by "2.750.000")".
    pub evidence: String,
    /// Proposed from the values, or decided by the operator (who may change either format).
    pub status: Status,
}

impl FormatEntry {
    /// The formats the load applies.
    pub fn column_format(&self) -> ColumnFormat {
        ColumnFormat {
            number: self.number_format,
            date_order: self.date_order,
            percent_scale: self.percent_scale,
            excel_serial: self.excel_serial,
        }
    }
}

/// The entries of one module.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModuleMap {
    /// In the export's column order.
    pub columns: Vec<ColumnEntry>,
    /// The module's value maps, by kind; each in source-value order.
    pub values: BTreeMap<ValueMapKind, Vec<ValueEntry>>,
    /// The number format and date order of each column that has one, in column order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formats: Vec<FormatEntry>,
}

impl ModuleMap {
    /// The entry of the column headed exactly `header`; `None` when the module has none.
    pub fn column(&self, header: &str) -> Option<&ColumnEntry> {
        self.columns.iter().find(|c| c.header == header)
    }

    /// The decided formats of the column headed `header`; the export's declared formats
    /// (the default) when none is recorded.
    pub fn column_format(&self, header: &str) -> ColumnFormat {
        self.formats
            .iter()
            .find(|f| f.header == header)
            .map(FormatEntry::column_format)
            .unwrap_or_default()
    }
}

/// The whole map: what mapping.toml holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMap {
    /// The custom field that holds each record's RSoft ID.
    pub legacy_id_field: String,
    /// Each mapped module's columns and value maps.
    pub modules: BTreeMap<Module, ModuleMap>,
}

impl FieldMap {
    /// An empty map whose records carry their RSoft ID in the custom field `legacy_id_field`.
    pub fn new(legacy_id_field: impl Into<String>) -> Self {
        Self {
            legacy_id_field: legacy_id_field.into(),
            modules: BTreeMap::new(),
        }
    }

    /// Fresh proposals merged with a previous map: every entry the operator decided in
    /// `previous` wins, including entries for columns the new export no longer has (kept so a
    /// later export that brings the column back finds the decision).
    pub fn merged_with(mut self, previous: &FieldMap) -> FieldMap {
        for (module, old) in &previous.modules {
            let new = self.modules.entry(*module).or_default();
            for old_col in old.columns.iter().filter(|c| c.status.is_decided()) {
                match new.columns.iter_mut().find(|c| c.header == old_col.header) {
                    Some(slot) => *slot = old_col.clone(),
                    None => new.columns.push(old_col.clone()),
                }
            }
            for old_format in old.formats.iter().filter(|f| f.status.is_decided()) {
                match new
                    .formats
                    .iter_mut()
                    .find(|f| f.header == old_format.header)
                {
                    Some(slot) => *slot = old_format.clone(),
                    None => new.formats.push(old_format.clone()),
                }
            }
            for (kind, old_values) in &old.values {
                let new_values = new.values.entry(*kind).or_default();
                for old_value in old_values.iter().filter(|v| v.status.is_decided()) {
                    match new_values.iter_mut().find(|v| v.from == old_value.from) {
                        Some(slot) => *slot = old_value.clone(),
                        None => new_values.push(old_value.clone()),
                    }
                }
            }
        }
        self
    }
}

/// The value map a target's values go through, if any.
pub fn value_map_kind(target: &Target) -> Option<ValueMapKind> {
    match target {
        Target::Field { field } => standard_field(field)?.value_map,
        Target::Custom { name, .. } if name == LIFECYCLE_FIELD => {
            Some(ValueMapKind::LifecycleStage)
        }
        _ => None,
    }
}

/// The custom field RSoft's lifecycle stage lands in; its values go through a value map.
const LIFECYCLE_FIELD: &str = "Lifecycle Stage";

/// The kind of value a target takes, when the values can be checked against it.
pub(crate) fn target_kind(target: &Target) -> Option<ValueKind> {
    match target {
        Target::Field { field } => standard_field(field).map(|f| f.kind),
        Target::Custom { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// Two columns must not fill one single-valued target: the strongest keeps it, the others are
/// flagged for the operator with the reason.
pub(crate) fn flag_shared_slots(columns: &mut [ColumnEntry]) {
    let mut holder: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| columns[b].confidence.total_cmp(&columns[a].confidence));
    for i in order {
        if columns[i].confidence < CONFIDENCE_THRESHOLD {
            continue;
        }
        let Some(slot) = columns[i].target.single_slot() else {
            continue;
        };
        match holder.get(&slot) {
            None => {
                holder.insert(slot, i);
            }
            Some(&keeper) => {
                let reason = format!(
                    "{}; but {slot} takes one column and {:?} has it (confidence {:.2}): choose which, or map this one elsewhere",
                    columns[i].reason, columns[keeper].header, columns[keeper].confidence
                );
                let entry = &mut columns[i];
                entry.target = Target::Unmapped;
                entry.confidence = entry.confidence.min(CONFIDENCE_THRESHOLD - 0.1);
                entry.reason = reason;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn entry(
        header: &str,
        target: Target,
        confidence: f64,
        status: Status,
    ) -> ColumnEntry {
        ColumnEntry {
            header: header.into(),
            target,
            confidence,
            reason: format!("test reason for {header}"),
            status,
        }
    }

    pub(crate) fn field(path: &str) -> Target {
        Target::Field { field: path.into() }
    }

    #[test]
    fn merge_keeps_decided_entries_and_takes_fresh_proposals() {
        let mut old = FieldMap::new("RSoft ID");
        old.modules.insert(
            Module::Contacts,
            ModuleMap {
                columns: vec![
                    entry("Email", field("Contacts.email"), 0.9, Status::Confirmed),
                    entry("Mobile No.", field("Contacts.phone"), 0.9, Status::Proposed),
                    entry("PAN", Target::Ignore, 0.4, Status::Ignored),
                    entry("Fax", Target::Ignore, 0.4, Status::Edited),
                ],
                ..ModuleMap::default()
            },
        );
        let mut fresh = FieldMap::new("RSoft ID");
        fresh.modules.insert(
            Module::Contacts,
            ModuleMap {
                columns: vec![
                    entry(
                        "Email",
                        field("Contacts.description"),
                        0.3,
                        Status::Proposed,
                    ),
                    entry(
                        "Mobile No.",
                        field("Contacts.phone"),
                        0.95,
                        Status::Proposed,
                    ),
                    entry("PAN", Target::Unmapped, 0.2, Status::Proposed),
                ],
                ..ModuleMap::default()
            },
        );
        let merged = fresh.merged_with(&old);
        let contacts = &merged.modules[&Module::Contacts];
        let headers: Vec<_> = contacts.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, ["Email", "Mobile No.", "PAN", "Fax"]);
        assert_eq!(
            contacts.column("Email").unwrap().target,
            field("Contacts.email")
        );
        assert_eq!(contacts.column("Email").unwrap().status, Status::Confirmed);
        assert_eq!(contacts.column("Mobile No.").unwrap().confidence, 0.95);
        assert_eq!(contacts.column("PAN").unwrap().status, Status::Ignored);
    }

    #[test]
    fn json_form_for_map_json() {
        let mut map = FieldMap::new("RSoft ID");
        map.modules.insert(
            Module::Contacts,
            ModuleMap {
                columns: vec![entry(
                    "Email",
                    field("Contacts.email"),
                    0.9,
                    Status::Proposed,
                )],
                ..ModuleMap::default()
            },
        );
        let json = serde_json::to_value(&map).unwrap();
        let col = &json["modules"]["contacts"]["columns"][0];
        assert_eq!(col["target"]["target"], "field");
        assert_eq!(col["target"]["field"], "Contacts.email");
        assert_eq!(col["status"], "proposed");
        let back: FieldMap = serde_json::from_value(json).unwrap();
        assert_eq!(back, map);
    }

    #[test]
    fn single_slots() {
        assert_eq!(field("Contacts.phone").single_slot(), None);
        assert_eq!(
            field("Accounts.name").single_slot().as_deref(),
            Some("Accounts.name")
        );
        assert!(Target::LegacyId.single_slot().is_some());
        assert_eq!(Target::Tags.single_slot(), None);
    }
}
