//! [`Lookups`] over in-memory maps: for tests, and for a preview of a few rows where the whole
//! answer set is small. The load answers from the journal instead (memory must not grow with the
//! export). Anything not in a map is [`Resolution::Missing`].

use std::collections::{HashMap, HashSet};

use super::{Lookups, RecordRef, Resolution, StageIds};
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// Answers by exact key; keys are what the builder passes (see each [`Lookups`] method).
#[derive(Debug, Clone, Default)]
pub struct MemoryLookups {
    /// By (module, RSoft ID, entity type) of the record the row became.
    pub records: HashMap<(Module, String, EntityType), Resolution>,
    /// By [`super::company_key`].
    pub accounts: HashMap<String, Resolution>,
    /// Accounts in Nutshell that no record of the export became
    /// ([`Lookups::account_only_in_nutshell`]).
    pub only_in_nutshell: HashSet<i64>,
    /// By lower-cased email.
    pub contacts: HashMap<String, Resolution>,
    /// By owner cell, trimmed.
    pub users: HashMap<String, Resolution>,
    /// By (stageset, milestone) name.
    pub stages: HashMap<(String, String), Resolution<StageIds>>,
    /// By the activity type's Nutshell name.
    pub activity_types: HashMap<String, Resolution>,
    /// By the source's Nutshell name.
    pub sources: HashMap<String, Resolution>,
    /// By (module, RSoft ID): the record a note goes on.
    pub anchors: HashMap<(Module, String), Resolution<RecordRef>>,
}

fn answer<K, T>(map: &HashMap<K, Resolution<T>>, key: &K) -> Resolution<T>
where
    K: std::hash::Hash + Eq,
    T: Clone,
{
    map.get(key).cloned().unwrap_or(Resolution::Missing)
}

impl Lookups for MemoryLookups {
    fn record(&self, module: Module, rsoft_id: &str, entity_type: EntityType) -> Resolution {
        answer(&self.records, &(module, rsoft_id.to_string(), entity_type))
    }

    fn account_by_name(&self, key: &str) -> Resolution {
        answer(&self.accounts, &key.to_string())
    }

    fn account_only_in_nutshell(&self, id: i64) -> bool {
        self.only_in_nutshell.contains(&id)
    }

    fn contact_by_email(&self, email: &str) -> Resolution {
        answer(&self.contacts, &email.to_string())
    }

    fn user(&self, owner: &str) -> Resolution {
        answer(&self.users, &owner.to_string())
    }

    fn stage(&self, stageset: &str, milestone: &str) -> Resolution<StageIds> {
        answer(&self.stages, &(stageset.to_string(), milestone.to_string()))
    }

    fn activity_type(&self, name: &str) -> Resolution {
        answer(&self.activity_types, &name.to_string())
    }

    fn source(&self, name: &str) -> Resolution {
        answer(&self.sources, &name.to_string())
    }

    fn note_anchor(&self, module: Module, rsoft_id: &str) -> Resolution<RecordRef> {
        answer(&self.anchors, &(module, rsoft_id.to_string()))
    }
}
