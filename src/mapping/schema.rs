//! What the destination Nutshell account already has: custom fields, pipelines (stagesets) and
//! their stages (milestones), activity types, and the plan's custom-field limit. Read from the
//! Nutshell client when one is configured; [`DestinationSchema::offline`] otherwise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::{Entity, ValueKind};
use crate::nutshell::{self, Client, FindOptions, NutshellError};

/// Why the destination schema could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SchemaReadError {
    /// The API call failed.
    #[error(transparent)]
    Nutshell(#[from] NutshellError),
    /// `findCustomFields` listed a field with no `type`: the tool cannot tell how to convert
    /// values for it, and does not guess.
    #[error(
        "Nutshell lists the {entity} custom field {name:?} without a type, so crm-migrate cannot tell how to fill it: give the field a type in Nutshell (Setup → Fields), or report the answer as an API difference"
    )]
    UntypedCustomField {
        /// `Accounts`, `Contacts` or `Leads`.
        entity: &'static str,
        /// The field's name as Nutshell lists it.
        name: String,
    },
    /// `findCustomFields` listed a field with no `name`: a map names fields, so it could neither
    /// be filled nor told apart from a new field of the same name.
    #[error(
        "Nutshell lists a {entity} custom field (id {id}) without a name: name it in Nutshell (Setup → Fields), or report the answer as an API difference"
    )]
    UnnamedCustomField {
        /// `Accounts`, `Contacts` or `Leads`.
        entity: &'static str,
        /// The field's Nutshell id.
        id: i64,
    },
}

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

/// A pipeline and its stages, by name, in Nutshell's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stageset {
    /// The pipeline's name.
    pub name: String,
    /// Its stages (milestones), ordered by position.
    pub milestones: Vec<String>,
}

/// The destination account's schema, as far as the field map needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DestinationSchema {
    /// Existing custom fields the map can fill, per entity (Accounts, Contacts, Leads).
    pub custom_fields: BTreeMap<Entity, Vec<CustomFieldDef>>,
    /// Existing custom fields of a type the map cannot fill, per entity.
    #[serde(default)]
    pub unfillable_custom_fields: BTreeMap<Entity, Vec<UnfillableCustomField>>,
    /// Pipelines with their stages.
    pub stagesets: Vec<Stageset>,
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

    /// What the account behind `client` has: its custom fields (findCustomFields), pipelines
    /// with their stages in order (findStagesets, findMilestones), and activity types that are
    /// not deleted (findActivityTypes). The plan's custom-field limit is not in the API, so it
    /// stays unknown.
    ///
    /// Errors: the API call's failure; a custom field without a name or a type (refused, never
    /// guessed). Stagesets, milestones and activity types without a name are left out: the map
    /// names them, so a nameless one can be no target (each is logged).
    pub async fn read(client: &Client) -> Result<Self, SchemaReadError> {
        let fields = client.find_custom_fields().await?;
        let mut custom_fields = BTreeMap::new();
        let mut unfillable_custom_fields = BTreeMap::new();
        for entity in [Entity::Accounts, Entity::Contacts, Entity::Leads] {
            let mut defs = Vec::new();
            let mut unfillable = Vec::new();
            for f in fields.of(entity.name()) {
                let name = f
                    .fields
                    .name
                    .clone()
                    .ok_or(SchemaReadError::UnnamedCustomField {
                        entity: entity.name(),
                        id: f.id,
                    })?;
                let Some(nutshell_type) = f.fields.field_type.clone() else {
                    return Err(SchemaReadError::UntypedCustomField {
                        entity: entity.name(),
                        name,
                    });
                };
                match ValueKind::from_nutshell_custom_type(&nutshell_type) {
                    Some(kind) => defs.push(CustomFieldDef { name, kind }),
                    None => unfillable.push(UnfillableCustomField {
                        name,
                        nutshell_type,
                    }),
                }
            }
            if !defs.is_empty() {
                custom_fields.insert(entity, defs);
            }
            if !unfillable.is_empty() {
                unfillable_custom_fields.insert(entity, unfillable);
            }
        }
        let named = |kind: &str, id: i64, name: Option<String>| {
            if name.is_none() {
                tracing::warn!("Nutshell lists a {kind} (id {id}) without a name: left out");
            }
            name
        };
        let all = FindOptions::default;
        let sets = client.list::<nutshell::Stageset>(all())?.all().await?;
        let mut milestones = client.list::<nutshell::Milestone>(all())?.all().await?;
        milestones.sort_by_key(|m| (m.fields.position, m.id));
        let stagesets = sets
            .into_iter()
            .filter_map(|set| {
                Some(Stageset {
                    name: named("stageset", set.id, set.fields.name)?,
                    milestones: milestones
                        .iter()
                        .filter(|m| m.fields.stageset_id == Some(set.id))
                        .filter_map(|m| named("milestone", m.id, m.fields.name.clone()))
                        .collect(),
                })
            })
            .collect();
        let activity_types = client
            .list::<nutshell::ActivityType>(all())?
            .all()
            .await?
            .into_iter()
            .filter(|t| t.fields.deleted_time.is_none())
            .filter_map(|t| named("activity type", t.id, t.fields.name))
            .collect();
        Ok(Self {
            custom_fields,
            unfillable_custom_fields,
            stagesets,
            activity_types,
            custom_field_limit: None,
            read_from_account: true,
        })
    }

    /// The existing fillable custom field `name` (case-insensitive) of `entity`, if any.
    pub fn custom_field(&self, entity: Entity, name: &str) -> Option<&CustomFieldDef> {
        self.custom_fields
            .get(&entity)?
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The existing custom field `name` (case-insensitive) of `entity` that the map cannot
    /// fill, if any.
    pub fn unfillable_custom_field(
        &self,
        entity: Entity,
        name: &str,
    ) -> Option<&UnfillableCustomField> {
        self.unfillable_custom_fields
            .get(&entity)?
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}
