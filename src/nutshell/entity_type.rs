//! Nutshell's `entityType` names as one enum, so the builder, the load and the journal agree on
//! them without passing strings around. The names are the ones responses carry
//! (docs/nutshell-api.md: `"Accounts"`, `"Activity_Types"`, …).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::methods::{self, EntityMethods};

/// A Nutshell record type, serialised as its `entityType` string (`"Accounts"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    /// Companies.
    Accounts,
    /// People.
    Contacts,
    /// Deals and prospects, optionally on a Stageset at a milestone.
    Leads,
    /// Calls, meetings, emails: scheduled or logged.
    Activities,
    /// To-dos with a due time.
    Tasks,
    /// Text attached to a record.
    Notes,
    /// People who sign in to Nutshell; matched as owners, never created.
    Users,
    /// Groups of users; a Lead's `assignee` may be one (docs/nutshell-api.md).
    Teams,
    /// Where a lead came from.
    Sources,
    /// Activity types; the wire name has an underscore (`Activity_Types`).
    #[serde(rename = "Activity_Types")]
    ActivityTypes,
    /// Pipelines; read-only through the API.
    Stagesets,
    /// Pipeline stages; read-only through the API.
    Milestones,
    /// Tags, each for one entity type.
    Tags,
}

impl EntityType {
    /// Every entity type, in declaration order; the mapped ones ([`Self::MAPPED`]) first.
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

    /// The entity types a field map names (`mapping.toml`'s lookups, the catalogue's field paths
    /// `Contacts.email`, the header vocabulary): the six a migration writes and the Users owners
    /// are matched to, the first seven of [`Self::ALL`]. The others (Teams, Sources, …) are read
    /// from Nutshell, never mapped to.
    pub const MAPPED: &'static [EntityType] = Self::ALL.split_at(7).0;

    /// The entity types that carry custom fields and tags per entity type in Nutshell
    /// (docs/nutshell-api.md, `findCustomFields`, `findTags`); other modules keep extra columns
    /// as note lines.
    pub const WITH_CUSTOM_FIELDS: [EntityType; 3] = [
        EntityType::Accounts,
        EntityType::Contacts,
        EntityType::Leads,
    ];

    /// Whether this type carries custom fields ([`Self::WITH_CUSTOM_FIELDS`]).
    pub fn has_custom_fields(self) -> bool {
        Self::WITH_CUSTOM_FIELDS.contains(&self)
    }

    /// The mapped type ([`Self::MAPPED`]) named `name`, exactly as Nutshell spells it. Errors:
    /// any other name, with a message listing the valid ones (for a file an operator edits).
    pub fn mapped(name: &str) -> Result<EntityType, String> {
        Self::MAPPED
            .iter()
            .copied()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| {
                let valid: Vec<&str> = Self::MAPPED.iter().map(|t| t.as_str()).collect();
                format!(
                    "unknown entity type {name:?}: use one of {}",
                    valid.join(", ")
                )
            })
    }

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

/// Serde `deserialize_with` for a field an operator writes (`mapping.toml`, a vocabulary file):
/// only a [`EntityType::MAPPED`] type is accepted; any other is an error listing the valid ones,
/// which the TOML reader places at its file, line and column.
pub fn deserialize_mapped<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<EntityType, D::Error> {
    let name = String::deserialize(deserializer)?;
    EntityType::mapped(&name).map_err(serde::de::Error::custom)
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    }

    #[test]
    fn only_mapped_types_are_read_from_an_operators_file() {
        assert_eq!(EntityType::mapped("Contacts"), Ok(EntityType::Contacts));
        let e = EntityType::mapped("Teams").unwrap_err();
        assert!(e.contains("\"Teams\""), "{e}");
        for t in EntityType::MAPPED {
            assert!(e.contains(t.as_str()), "{t} missing from: {e}");
        }
        assert!(!e.contains("Sources"), "{e}");
        assert_eq!(EntityType::MAPPED.last(), Some(&EntityType::Users));
    }
}
