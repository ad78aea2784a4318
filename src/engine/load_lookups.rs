//! The record builder's [`Lookups`] over the journal (ids of records loaded earlier, dedupe keys,
//! ticket anchors — point queries in SQLite, never a map in RAM) and the destination schema and
//! owner decisions (small, read once per run).

use std::cell::RefCell;
use std::collections::HashSet;

use super::owners::Owners;
use super::schema::Destination;
use crate::journal::{Journal, JournalError, KeyKind, Phase, Resolution as Found};
use crate::mapping::record::{Lookups, RecordRef, Resolution, StageIds};
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// What the builder may look up during one run.
pub struct JournalLookups<'a> {
    /// The journal, for records loaded by this or earlier runs.
    pub journal: &'a Journal,
    /// The destination account (users, stages, activity types, sources) as read before the run.
    pub destination: &'a Destination,
    /// Owner decisions (RSoft owner → Nutshell user).
    pub owners: &'a Owners,
    /// Sources the schema step will create (a dry run sends nothing, so they resolve to a
    /// placeholder id instead of holding every record that names them).
    pub planned_sources: &'a HashSet<String>,
    /// Company names ([`crate::rsoft::company::company_key`]) that different firms of the
    /// export share (discovery's `integrity.shared_names`): a record naming one by name fits
    /// several accounts, so it is held rather than linked to the first.
    pub shared_names: &'a HashSet<String>,
    /// The first journal error met; the builder's lookups cannot fail, so the load checks this
    /// after each build.
    pub error: RefCell<Option<JournalError>>,
}

impl<'a> JournalLookups<'a> {
    /// Lookups for one run; `error` starts empty.
    pub fn new(
        journal: &'a Journal,
        destination: &'a Destination,
        owners: &'a Owners,
        planned_sources: &'a HashSet<String>,
        shared_names: &'a HashSet<String>,
    ) -> Self {
        Self {
            journal,
            destination,
            owners,
            planned_sources,
            shared_names,
            error: RefCell::new(None),
        }
    }

    /// The journal error a lookup met, if any (taken: the next build starts clean).
    pub fn take_error(&self) -> Option<JournalError> {
        self.error.borrow_mut().take()
    }

    fn keep<T>(&self, r: Result<T, JournalError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                None
            }
        }
    }

    fn key(&self, kind: KeyKind, key: &str) -> Resolution {
        match self.keep(self.journal.dedupe(kind, key)).flatten() {
            Some(hit) => Resolution::Found(hit.id),
            None => Resolution::Missing,
        }
    }
}

/// The entity an RSoft record of `module` becomes: where notes about it attach.
fn own_entity(module: Module) -> Option<EntityType> {
    match module {
        Module::Companies => Some(EntityType::Accounts),
        Module::Contacts => Some(EntityType::Contacts),
        Module::Leads | Module::Deals => Some(EntityType::Leads),
        _ => None,
    }
}

impl Lookups for JournalLookups<'_> {
    fn record(&self, module: Module, rsoft_id: &str, entity_type: EntityType) -> Resolution {
        let Some(phase) = Phase::of(module) else {
            return Resolution::Missing;
        };
        match self.keep(self.journal.resolve(phase, rsoft_id, entity_type)) {
            Some(Found::Id(id)) => Resolution::Found(id),
            Some(Found::Held) => {
                // A parent held for the operator (deleted in Nutshell) names its cause: it is
                // what the operator must act on for this row to load.
                let why = self
                    .keep(self.journal.operator_holds(phase, rsoft_id))
                    .unwrap_or_default();
                Resolution::Held(if why.is_empty() {
                    format!("{module} {rsoft_id} is held")
                } else {
                    format!("{module} {rsoft_id} is held: {}", why.join("; "))
                })
            }
            Some(Found::Failed) => Resolution::Held(format!(
                "{module} {rsoft_id} failed to load; fix it and run migrate again"
            )),
            _ => Resolution::Missing,
        }
    }

    fn account_by_name(&self, key: &str) -> Resolution {
        if self.shared_names.contains(key) {
            return Resolution::Held(
                "the name fits several different firms of the export (see integrity in the \
                 discovery report): give the row the company's RSoft ID in a Company ID column, \
                 or make the firms' names differ in the export"
                    .to_string(),
            );
        }
        self.key(KeyKind::CompanyName, key)
    }

    fn account_only_in_nutshell(&self, id: i64) -> bool {
        // Found by a dedupe key yet landed on by no record: a key seeded from the accounts
        // Nutshell had before the run (origin existing), which no company row linked to.
        self.keep(self.journal.landed_on(EntityType::Accounts, id))
            .is_some_and(|landed| !landed)
    }

    fn contact_by_email(&self, email: &str) -> Resolution {
        self.key(KeyKind::Email, &email.to_lowercase())
    }

    fn user(&self, owner: &str) -> Resolution {
        match self.owners.user_for(owner) {
            Some(id) => Resolution::Found(id),
            None => Resolution::Missing,
        }
    }

    fn stage(&self, stageset: &str, milestone: &str) -> Resolution<StageIds> {
        match self.destination.stage(stageset, milestone) {
            Some((stageset_id, milestone_id)) => Resolution::Found(StageIds {
                stageset_id,
                milestone_id,
            }),
            None => Resolution::Missing,
        }
    }

    fn activity_type(&self, name: &str) -> Resolution {
        match self.destination.activity_type(name) {
            Some(t) => Resolution::Found(t.id),
            None => Resolution::Missing,
        }
    }

    fn source(&self, name: &str) -> Resolution {
        match self.destination.source(name) {
            Some(s) => Resolution::Found(s.id),
            None if self.planned_sources.contains(&name.to_lowercase()) => Resolution::Found(0),
            None => Resolution::Missing,
        }
    }

    fn note_anchor(&self, module: Module, rsoft_id: &str) -> Resolution<RecordRef> {
        let Some(phase) = Phase::of(module) else {
            return Resolution::Missing;
        };
        if let Some(entity_type) = own_entity(module) {
            return match self.record(module, rsoft_id, entity_type) {
                Resolution::Found(id) => Resolution::Found(RecordRef { entity_type, id }),
                Resolution::Held(r) => Resolution::Held(r),
                Resolution::Missing => Resolution::Missing,
            };
        }
        if let Some(Some((entity_type, id))) = self.keep(self.journal.anchor(phase, rsoft_id))
            && let Some(entity_type) = EntityType::from_name(&entity_type)
        {
            return Resolution::Found(RecordRef { entity_type, id });
        }
        match self.keep(self.journal.record(phase, rsoft_id)).flatten() {
            Some(row) if row.state == crate::journal::RecordState::Held => {
                Resolution::Held(format!("{module} {rsoft_id} is held"))
            }
            _ => Resolution::Missing,
        }
    }
}
