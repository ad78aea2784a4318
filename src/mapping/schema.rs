//! What the destination Nutshell account already has: custom fields, pipelines (stagesets) and
//! their stages (milestones), activity types, and the plan's custom-field limit. Read from the
//! Nutshell client when one is configured; [`DestinationSchema::offline`] otherwise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::{Entity, ValueKind};
use crate::nutshell::{self, Client, FindOptions, NutshellError};

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

    /// What the account behind `client` has: its custom fields (findCustomFields), pipelines
    /// with their stages in order (findStagesets, findMilestones), and activity types that are
    /// not deleted (findActivityTypes). The plan's custom-field limit is not in the API, so it
    /// stays unknown.
    pub async fn read(client: &Client) -> Result<Self, NutshellError> {
        let fields = client.find_custom_fields().await?;
        let mut custom_fields = BTreeMap::new();
        for entity in [Entity::Accounts, Entity::Contacts, Entity::Leads] {
            let defs: Vec<CustomFieldDef> = fields
                .of(entity.name())
                .iter()
                .filter_map(|f| {
                    let name = f.fields.name.clone()?;
                    let kind = f.fields.field_type.as_deref().unwrap_or("Text");
                    Some(CustomFieldDef {
                        name,
                        kind: ValueKind::from_nutshell_custom_type(kind),
                    })
                })
                .collect();
            if !defs.is_empty() {
                custom_fields.insert(entity, defs);
            }
        }
        let all = FindOptions::default;
        let sets = client.list::<nutshell::Stageset>(all())?.all().await?;
        let mut milestones = client.list::<nutshell::Milestone>(all())?.all().await?;
        milestones.sort_by_key(|m| (m.fields.position, m.id));
        let stagesets = sets
            .into_iter()
            .filter_map(|set| {
                Some(Stageset {
                    name: set.fields.name?,
                    milestones: milestones
                        .iter()
                        .filter(|m| m.fields.stageset_id == Some(set.id))
                        .filter_map(|m| m.fields.name.clone())
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
            .filter_map(|t| t.fields.name)
            .collect();
        Ok(Self {
            custom_fields,
            stagesets,
            activity_types,
            custom_field_limit: None,
            read_from_account: true,
        })
    }

    pub fn custom_field(&self, entity: Entity, name: &str) -> Option<&CustomFieldDef> {
        self.custom_fields
            .get(&entity)?
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}
