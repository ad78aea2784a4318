//! Shared by the record_* tests: the bundled sample's proposed map (accepted as proposed), its
//! rows, and a simulated load — `MemoryLookups` filled the way the load fills the journal, module
//! by module in dependency order, so later rows resolve earlier ones.
#![allow(dead_code)]

use std::collections::BTreeMap;

use crm_migrate::config::Config;
use crm_migrate::discovery::{self, Report};
use crm_migrate::mapping::memory::MappingMemory;
use crm_migrate::mapping::model::{FieldMap, Status};
use crm_migrate::mapping::record::{
    BuildSettings, Built, MemoryLookups, RecordRef, Resolution, Role, StageIds, company_key,
};
use crm_migrate::mapping::schema::DestinationSchema;
use crm_migrate::mapping::source::propose_for_export;
use crm_migrate::mapping::transform::{SourceFormat, split_name_email};
use crm_migrate::mapping::validate::Problem;
use crm_migrate::nutshell::EntityType;
use crm_migrate::rsoft::{Export, Module};
use crm_migrate::vocabulary::Vocabulary;
use serde_json::Value;

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export");

/// Load order (issue 9): parents before children.
pub const ORDER: [Module; 7] = [
    Module::Companies,
    Module::Contacts,
    Module::Leads,
    Module::Deals,
    Module::Activities,
    Module::Tickets,
    Module::TicketMessages,
];

/// The proposer's offline proposal for `export` as it comes, nothing accepted: discovery's
/// report, the map, and the value problems the proposer found.
pub fn proposal(export: &Export) -> (Report, FieldMap, Vec<Problem>) {
    let report = discovery::discover(export).unwrap();
    let (map, problems) = propose_for_export(
        export,
        &report,
        &DestinationSchema::offline(),
        "RSoft ID",
        &MappingMemory::default(),
        None,
        &SourceFormat::from_config(&Config::default()),
    )
    .unwrap();
    (report, map, problems)
}

/// The proposer's map of the sample, every entry accepted as proposed.
pub fn sample_map(export: &Export) -> FieldMap {
    let (_, mut map, _) = proposal(export);
    for module in map.modules.values_mut() {
        for c in &mut module.columns {
            c.status = Status::Confirmed;
        }
        for values in module.values.values_mut() {
            for v in values {
                v.status = Status::Confirmed;
            }
        }
    }
    map
}

/// The settings of the sample: Asia/Kolkata, dmy, INR, IN, `RSoft ID`.
pub fn india() -> BuildSettings {
    BuildSettings::from_config(&Config::default(), Vocabulary::builtin())
}

/// Every read row of a module's files, as header → cell, with its line.
pub fn rows(export: &Export, module: Module) -> Vec<(u64, BTreeMap<String, String>)> {
    let mut out = Vec::new();
    for file in export.files_of(module) {
        let mut reader = export.rows(file).unwrap();
        let headers: Vec<String> = reader.headers().names().to_vec();
        while let Some(row) = reader.next_row() {
            let Ok(row) = row else { continue };
            let cells = headers
                .iter()
                .cloned()
                .zip(row.fields().map(str::to_string))
                .collect();
            out.push((row.line, cells));
        }
    }
    out
}

/// Nutshell users of the sample's account, by email and name (Users.csv).
pub const USERS: [(&str, &str, i64); 5] = [
    ("Ravi Kumar", "ravi@acme.in", 11),
    ("Priya Sharma", "priya.sharma@acme.in", 12),
    ("Anil Mehta", "anil.mehta@acme.in", 13),
    ("Sneha Iyer", "sneha.iyer@acme.in", 14),
    ("Deepak Rao", "deepak.rao@acme.in", 15),
];

/// Pipelines.csv as Nutshell ids: stageset 1 = Sales, 2 = Channel Partners; milestone =
/// stageset × 100 + stage order.
/// "On Hold" is used by deals but missing from Pipelines.csv: the admin added it from the
/// schema step's checklist.
pub const STAGES: [(&str, &str, i64, i64); 12] = [
    ("Sales", "Prospecting", 1, 101),
    ("Sales", "Qualification", 1, 102),
    ("Sales", "Proposal", 1, 103),
    ("Sales", "Negotiation", 1, 104),
    ("Sales", "Won", 1, 105),
    ("Sales", "Lost", 1, 106),
    ("Sales", "On Hold", 1, 107),
    ("Channel Partners", "Enquiry", 2, 201),
    ("Channel Partners", "Evaluation", 2, 202),
    ("Channel Partners", "Agreement", 2, 203),
    ("Channel Partners", "Onboarded", 2, 204),
    ("Channel Partners", "Dropped", 2, 205),
];

pub const ACTIVITY_TYPES: [(&str, i64); 3] = [("Phone Call", 1), ("Meeting", 2), ("Email", 3)];

/// The journal's answers as the load would give them, kept in memory for the sample's size.
pub struct SimulatedLoad {
    pub lookups: MemoryLookups,
    next_id: i64,
}

impl SimulatedLoad {
    /// Owners resolved as after owners.toml is filled in; stages, activity types and the lead
    /// sources of `export` present.
    pub fn new(export: &Export) -> Self {
        let mut lookups = MemoryLookups::default();
        for (set, stage, s, m) in STAGES {
            lookups.stages.insert(
                (set.into(), stage.into()),
                Resolution::Found(StageIds {
                    stageset_id: s,
                    milestone_id: m,
                }),
            );
        }
        for (name, id) in ACTIVITY_TYPES {
            lookups
                .activity_types
                .insert(name.into(), Resolution::Found(id));
        }
        let mut source_id = 500;
        for module in ORDER {
            for (_, row) in rows(export, module) {
                for (header, cell) in &row {
                    let cell = cell.trim();
                    if cell.is_empty() {
                        continue;
                    }
                    if header.contains("Owner") || header == "Assigned To" {
                        lookups
                            .users
                            .entry(cell.to_string())
                            .or_insert(Resolution::Found(owner_id(cell)));
                    }
                    if module == Module::Leads && header == "Source" {
                        lookups.sources.entry(cell.to_string()).or_insert_with(|| {
                            source_id += 1;
                            Resolution::Found(source_id)
                        });
                    }
                }
            }
        }
        Self {
            lookups,
            next_id: 1000,
        }
    }

    /// Record what the load would after sending `built` for row `rsoft_id` of `module`: ids for
    /// each create, the row's records, contacts by email, accounts by name (a company whose name
    /// is already an account is merged into it, as the load dedupes), note anchors; a hold is
    /// held for every record type the row stands for.
    pub fn apply(&mut self, module: Module, rsoft_id: &str, built: &Built) -> Vec<i64> {
        let key = |t: EntityType| (module, rsoft_id.to_string(), t);
        match built {
            Built::Plan(plan) => {
                let mut ids = Vec::new();
                for create in &plan.creates {
                    let body = create.params.as_object().and_then(|o| o.values().next());
                    let mut id = self.next_id;
                    if create.entity_type == EntityType::Accounts
                        && let Some(name) = body.and_then(|b| b["name"].as_str())
                        && let Some(Resolution::Found(existing)) =
                            self.lookups.accounts.get(&company_key(name))
                    {
                        id = *existing;
                    } else {
                        self.next_id += 1;
                    }
                    ids.push(id);
                    if create.role == Role::Note {
                        continue;
                    }
                    if create.entity_type != EntityType::Notes {
                        self.lookups
                            .records
                            .insert(key(create.entity_type), Resolution::Found(id));
                    }
                    if let Some(name) = body.and_then(|b| b["name"].as_str())
                        && create.entity_type == EntityType::Accounts
                    {
                        self.lookups
                            .accounts
                            .entry(company_key(name))
                            .or_insert(Resolution::Found(id));
                    }
                    if create.entity_type == EntityType::Contacts
                        && let Some(Value::Array(emails)) = body.map(|b| &b["email"])
                    {
                        for e in emails.iter().filter_map(Value::as_str) {
                            self.lookups
                                .contacts
                                .entry(e.to_lowercase())
                                .or_insert(Resolution::Found(id));
                        }
                    }
                    if create.role == Role::Record {
                        let anchor = match create.entity_type {
                            EntityType::Accounts | EntityType::Contacts | EntityType::Leads => {
                                Some(RecordRef {
                                    entity_type: create.entity_type,
                                    id,
                                })
                            }
                            _ => plan.anchor,
                        };
                        if let Some(a) = anchor {
                            self.lookups
                                .anchors
                                .insert((module, rsoft_id.to_string()), Resolution::Found(a));
                        }
                    }
                }
                // An RSoft lead whose person already existed: the lead's contact is that person.
                if module == Module::Leads
                    && !plan.creates.iter().any(|c| c.role == Role::Person)
                    && let Some(id) = plan
                        .record()
                        .and_then(|c| c.params["lead"]["contacts"][0]["id"].as_i64())
                {
                    self.lookups
                        .records
                        .insert(key(EntityType::Contacts), Resolution::Found(id));
                }
                ids
            }
            Built::Hold { reasons } => {
                let why = reasons
                    .iter()
                    .map(|r| r.reason.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                for t in [
                    EntityType::Accounts,
                    EntityType::Contacts,
                    EntityType::Leads,
                    EntityType::Activities,
                    EntityType::Tasks,
                ] {
                    self.lookups
                        .records
                        .insert(key(t), Resolution::Held(why.clone()));
                }
                self.lookups
                    .anchors
                    .insert((module, rsoft_id.to_string()), Resolution::Held(why));
                Vec::new()
            }
            Built::Problems { .. } => Vec::new(),
        }
    }
}

/// The user id of an owner cell: by email, else by name (owners.toml as filled in).
fn owner_id(cell: &str) -> i64 {
    let parsed = split_name_email(cell).unwrap();
    USERS
        .iter()
        .find(|(name, email, _)| {
            parsed.email.as_deref().map(str::to_lowercase).as_deref() == Some(*email)
                || parsed.name.as_deref() == Some(*name)
        })
        .map(|(_, _, id)| *id)
        .unwrap_or_else(|| panic!("the sample's owner {cell:?} is no user"))
}
