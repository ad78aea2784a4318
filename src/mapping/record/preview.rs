//! [`Lookups`] for a preview of the payload before anything is loaded (the wizard's field map):
//! every related record, owner, stage, activity type and source "would resolve at load time". It
//! answers [`Resolution::Found`] with a placeholder id — negative, so it can never be taken for a
//! Nutshell id — and remembers what each placeholder stands for, so the screen can say so.
//!
//! Two answers are not "found", because there "found" would change the plan, not just an id: a
//! lead's person and a lead's company by name are deduplication checks, and in a first load the
//! person and a company named only on the lead are usually new. [`PreviewLookups::new`] with
//! [`Module::Leads`] answers those [`Resolution::Missing`], so the preview shows the creates a
//! first load sends; at load time an existing contact or account is linked instead.

use std::cell::RefCell;

use super::{Lookups, RecordRef, Resolution, StageIds};
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// A placeholder id and what it stands for (`-1`, `user for owner "Ravi Kumar"`).
pub type Placeholder = (i64, String);

/// Answers every lookup as resolved, with placeholder ids `-1`, `-2`, … in the order the builder
/// asks (deterministic for one row and map). Single-threaded: the wizard builds one row at a time.
#[derive(Debug, Default)]
pub struct PreviewLookups {
    /// The module of the row being built (see the module docs for what a lead changes).
    module: Option<Module>,
    asked: RefCell<Vec<Placeholder>>,
}

impl PreviewLookups {
    /// Lookups for one row of `module`.
    pub fn new(module: Module) -> Self {
        PreviewLookups {
            module: Some(module),
            asked: RefCell::new(Vec::new()),
        }
    }

    /// Every placeholder handed out so far, in order.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        self.asked.borrow().clone()
    }

    fn found(&self, what: String) -> Resolution {
        let mut asked = self.asked.borrow_mut();
        let id = -(asked.len() as i64) - 1;
        asked.push((id, what));
        Resolution::Found(id)
    }

    fn dedup_check(&self) -> bool {
        self.module == Some(Module::Leads)
    }
}

impl Lookups for PreviewLookups {
    fn record(&self, module: Module, rsoft_id: &str, entity_type: EntityType) -> Resolution {
        self.found(format!(
            "{entity_type:?} record of {module} {rsoft_id:?} (from the journal)"
        ))
    }

    fn account_by_name(&self, key: &str) -> Resolution {
        if self.dedup_check() {
            return Resolution::Missing;
        }
        self.found(format!("account named {key:?}"))
    }

    fn account_only_in_nutshell(&self, _: i64) -> bool {
        // A placeholder account is no account: whether it exists only in Nutshell is the
        // load's to say.
        false
    }

    fn contact_by_email(&self, email: &str) -> Resolution {
        if self.dedup_check() {
            return Resolution::Missing;
        }
        self.found(format!("contact with email {email:?}"))
    }

    fn user(&self, owner: &str) -> Resolution {
        self.found(format!("user for owner {owner:?} (owners.toml)"))
    }

    fn stage(&self, stageset: &str, milestone: &str) -> Resolution<StageIds> {
        let what = format!("pipeline {stageset:?}, stage {milestone:?}");
        let stageset_id = match self.found(format!("{what}: the pipeline")) {
            Resolution::Found(id) => id,
            _ => 0,
        };
        let milestone_id = match self.found(format!("{what}: the stage")) {
            Resolution::Found(id) => id,
            _ => 0,
        };
        Resolution::Found(StageIds {
            stageset_id,
            milestone_id,
        })
    }

    fn activity_type(&self, name: &str) -> Resolution {
        self.found(format!("activity type {name:?}"))
    }

    fn source(&self, name: &str) -> Resolution {
        self.found(format!("source {name:?}"))
    }

    fn note_anchor(&self, module: Module, rsoft_id: &str) -> Resolution<RecordRef> {
        let entity_type = match module {
            Module::Contacts => EntityType::Contacts,
            Module::Leads | Module::Deals => EntityType::Leads,
            _ => EntityType::Accounts,
        };
        match self.found(format!(
            "record the notes of {module} {rsoft_id:?} attach to"
        )) {
            Resolution::Found(id) => Resolution::Found(RecordRef { entity_type, id }),
            _ => Resolution::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_negative_and_named_in_order() {
        let lookups = PreviewLookups::new(Module::Contacts);
        assert_eq!(lookups.user("Ravi Kumar"), Resolution::Found(-1));
        assert_eq!(
            lookups.stage("Sales", "Won"),
            Resolution::Found(StageIds {
                stageset_id: -2,
                milestone_id: -3
            })
        );
        assert_eq!(lookups.account_by_name("gupta"), Resolution::Found(-4));
        let named = lookups.placeholders();
        assert_eq!(named.len(), 4);
        assert_eq!(
            named[0],
            (-1, "user for owner \"Ravi Kumar\" (owners.toml)".into())
        );
    }

    #[test]
    fn a_leads_person_and_company_are_new() {
        let lookups = PreviewLookups::new(Module::Leads);
        assert_eq!(lookups.contact_by_email("a@b.in"), Resolution::Missing);
        assert_eq!(lookups.account_by_name("acme"), Resolution::Missing);
        assert!(lookups.placeholders().is_empty());
    }
}
