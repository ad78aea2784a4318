//! Nutshell's `entityType` names as one enum, so the builder, the load and the journal agree on
//! them without passing strings around. The names are the ones responses carry
//! (docs/nutshell-api.md: `"Accounts"`, `"Activity_Types"`, …).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::methods::{self, EntityMethods};
use crate::mapping::catalogue::Entity;

/// A Nutshell record type, serialised as its `entityType` string (`"Accounts"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    Accounts,
    Contacts,
    Leads,
    Activities,
    Tasks,
    Notes,
    Users,
    Teams,
    Sources,
    #[serde(rename = "Activity_Types")]
    ActivityTypes,
    Stagesets,
    Milestones,
    Tags,
}

impl EntityType {
    pub const ALL: [EntityType; 13] = [
        EntityType::Accounts,
        EntityType::Contacts,
        EntityType::Leads,
        EntityType::Activities,
        EntityType::Tasks,
        EntityType::Notes,
        EntityType::Users,
        EntityType::Teams,
        EntityType::Sources,
        EntityType::ActivityTypes,
        EntityType::Stagesets,
        EntityType::Milestones,
        EntityType::Tags,
    ];

    /// Nutshell's `entityType` string.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Accounts => "Accounts",
            EntityType::Contacts => "Contacts",
            EntityType::Leads => "Leads",
            EntityType::Activities => "Activities",
            EntityType::Tasks => "Tasks",
            EntityType::Notes => "Notes",
            EntityType::Users => "Users",
            EntityType::Teams => "Teams",
            EntityType::Sources => "Sources",
            EntityType::ActivityTypes => "Activity_Types",
            EntityType::Stagesets => "Stagesets",
            EntityType::Milestones => "Milestones",
            EntityType::Tags => "Tags",
        }
    }

    /// The type named by an `entityType` string, exactly as Nutshell spells it.
    pub fn from_name(name: &str) -> Option<EntityType> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The create/get/edit/delete methods of the record types the migration writes with
    /// `new<Entity>` taking one body parameter (Notes are created by `newNote {entity, note}`,
    /// [`methods::NEW_NOTE`], and have no entry here).
    pub fn methods(self) -> Option<&'static EntityMethods> {
        match self {
            EntityType::Accounts => Some(&methods::ACCOUNTS),
            EntityType::Contacts => Some(&methods::CONTACTS),
            EntityType::Leads => Some(&methods::LEADS),
            EntityType::Activities => Some(&methods::ACTIVITIES),
            EntityType::Tasks => Some(&methods::TASKS),
            _ => None,
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Entity> for EntityType {
    fn from(entity: Entity) -> Self {
        match entity {
            Entity::Accounts => EntityType::Accounts,
            Entity::Contacts => EntityType::Contacts,
            Entity::Leads => EntityType::Leads,
            Entity::Activities => EntityType::Activities,
            Entity::Tasks => EntityType::Tasks,
            Entity::Notes => EntityType::Notes,
            Entity::Users => EntityType::Users,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_name() {
        for t in EntityType::ALL {
            let json = serde_json::to_value(t).unwrap();
            assert_eq!(json, serde_json::Value::from(t.as_str()));
            assert_eq!(serde_json::from_value::<EntityType>(json).unwrap(), t);
            assert_eq!(EntityType::from_name(t.as_str()), Some(t));
        }
        assert_eq!(EntityType::ActivityTypes.as_str(), "Activity_Types");
        assert_eq!(EntityType::from_name("accounts"), None);
    }

    #[test]
    fn written_types_know_their_methods() {
        assert_eq!(
            EntityType::Leads.methods().map(|m| m.body_param()),
            Some("lead")
        );
        assert_eq!(
            EntityType::Accounts.methods().map(|m| m.entity_type),
            Some("Accounts")
        );
        assert!(EntityType::Notes.methods().is_none());
        assert_eq!(EntityType::from(Entity::Tasks), EntityType::Tasks);
    }
}
