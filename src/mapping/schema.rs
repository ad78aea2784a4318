//! What the destination Nutshell account already has: custom fields, pipelines (stagesets) and
//! their stages (milestones), activity types, and the plan's custom-field limit. Read from the
//! Nutshell client when one is configured; [`DestinationSchema::offline`] otherwise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::ValueKind;
use crate::nutshell::EntityType;

/// An existing custom field the map can fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldDef {
    /// The field's name in Nutshell (matched case-insensitively).
    pub name: String,
    /// The kind of value it takes, from its Nutshell type.
    pub kind: ValueKind,
}

/// An existing custom field of a Nutshell type the tool does not convert to (e.g. `Location`):
/// kept so a column mapped to it is reported, not proposed as a new field of the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnfillableCustomField {
    /// The field's name in Nutshell.
    pub name: String,
    /// Its Nutshell type, as `findCustomFields` gave it.
    pub nutshell_type: String,
}

/// A pipeline and its stages by name, in Nutshell's order: the map's view of a
/// [`crate::nutshell::Stageset`] (the wire record) with its milestones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagesetDef {
    /// The pipeline's name.
    pub name: String,
    /// Its stages (milestones), ordered by position.
    pub milestones: Vec<String>,
}

/// The destination account's schema, as far as the field map needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DestinationSchema {
    /// Existing custom fields the map can fill, per entity (Accounts, Contacts, Leads).
    pub custom_fields: BTreeMap<EntityType, Vec<CustomFieldDef>>,
    /// Existing custom fields of a type the map cannot fill, per entity.
    #[serde(default)]
    pub unfillable_custom_fields: BTreeMap<EntityType, Vec<UnfillableCustomField>>,
    /// Pipelines with their stages.
    pub stagesets: Vec<StagesetDef>,
    /// Names of the activity types that are not deleted.
    pub activity_types: Vec<String>,
    /// Most custom fields the plan allows per entity; `None` for unlimited or unknown.
    pub custom_field_limit: Option<usize>,
    /// False when built offline: stage and activity-type checks then say "unverified" instead
    /// of failing.
    pub read_from_account: bool,
}

impl DestinationSchema {
    /// Nutshell's defaults when no account is reachable: its stock activity types, nothing else.
    pub fn offline() -> Self {
        Self {
            activity_types: ["Phone Call", "Email", "Meeting"]
                .map(String::from)
                .to_vec(),
            ..Self::default()
        }
    }

    /// The existing fillable custom field `name` (case-insensitive) of `entity`, if any.
    pub fn custom_field(&self, entity: EntityType, name: &str) -> Option<&CustomFieldDef> {
        self.custom_fields
            .get(&entity)?
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The existing custom field `name` (case-insensitive) of `entity` that the map cannot
    /// fill, if any.
    pub fn unfillable_custom_field(
        &self,
        entity: EntityType,
        name: &str,
    ) -> Option<&UnfillableCustomField> {
        self.unfillable_custom_fields
            .get(&entity)?
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}
