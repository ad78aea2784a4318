//! What the destination Nutshell account already has: custom fields, pipelines (stagesets) and
//! their stages (milestones), activity types, and the plan's custom-field limit. Read from the
//! Nutshell client when one is configured; [`DestinationSchema::offline`] otherwise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::{Entity, ValueKind};
use crate::engine::schema::{Destination, SchemaError};
use crate::nutshell::Client;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldDef {
    pub name: String,
    pub kind: ValueKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stageset {
    pub name: String,
    pub milestones: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DestinationSchema {
    pub custom_fields: BTreeMap<Entity, Vec<CustomFieldDef>>,
    pub stagesets: Vec<Stageset>,
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

    /// What the account behind `client` has: [`crate::engine::schema::Destination::read`] seen
    /// by names and kinds. The plan's custom-field limit is not in the API, so it stays unknown.
    pub async fn read(client: &Client) -> Result<Self, SchemaError> {
        Ok(Destination::read(client).await?.schema())
    }

    pub fn custom_field(&self, entity: Entity, name: &str) -> Option<&CustomFieldDef> {
        self.custom_fields
            .get(&entity)?
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}
