//! One streaming pass over the export's record files for what the destination must hold before a
//! load: every distinct owner cell of the columns the map sends to owner lookups (with record
//! counts and a few sample RSoft IDs), the tags per Nutshell entity, and the lead sources.
//! Memory is bounded by [`MAX_DISTINCT`] distinct values per kind; the rest are counted.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::mapping::model::{FieldMap, LookupKey, Status, Target};
use crate::mapping::transform::tags::split_tags;
use crate::nutshell::EntityType;
use crate::rsoft::{Export, Module, ReadError};

/// Distinct owners, tags (per entity) or sources kept; cells past it are only counted.
pub const MAX_DISTINCT: usize = 10_000;
/// RSoft IDs kept per owner, to show the operator which records an owner is on.
pub const SAMPLE_IDS: usize = 3;
pub use crate::mapping::catalogue::SOURCES_FIELD;

/// One distinct owner cell as written (trimmed), and the records that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerCell {
    /// The owner cell, trimmed, as written in the export.
    pub raw: String,
    /// Cells holding this value across every mapped owner column.
    pub records: u64,
    /// The same records per RSoft module.
    pub modules: BTreeMap<Module, u64>,
    /// Up to [`SAMPLE_IDS`] RSoft IDs of records carrying it, in file order.
    pub samples: Vec<String>,
}

/// What [`scan`] found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ExportScan {
    /// Most records first, then by value.
    pub owners: Vec<OwnerCell>,
    /// Per entity, each tag once (compared case-insensitively), first spelling seen.
    pub tags: BTreeMap<EntityType, Vec<String>>,
    /// Each source once (case-insensitively), first spelling seen.
    pub sources: Vec<String>,
    /// Cells not kept because [`MAX_DISTINCT`] was reached.
    pub overflow: u64,
}

/// A column's role in the scan, found once per file.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Owner,
    Tags,
    Source,
    Id,
}

fn role(target: &Target) -> Option<Role> {
    match target {
        Target::Lookup {
            by: LookupKey::Owner,
            ..
        } => Some(Role::Owner),
        Target::Tags => Some(Role::Tags),
        Target::Field { field } if field == SOURCES_FIELD => Some(Role::Source),
        Target::LegacyId => Some(Role::Id),
        _ => None,
    }
}

/// Distinct values, compared case-insensitively, first spelling kept, at most [`MAX_DISTINCT`].
#[derive(Default)]
struct Distinct {
    seen: HashSet<String>,
    order: Vec<String>,
}

impl Distinct {
    /// False when the value was new but not kept (the cap).
    fn add(&mut self, value: &str) -> bool {
        let key = value.to_lowercase();
        if self.seen.contains(&key) {
            return true;
        }
        if self.order.len() >= MAX_DISTINCT {
            return false;
        }
        self.seen.insert(key);
        self.order.push(value.to_string());
        true
    }
}

/// The entities a module's tags land on: its own, and for an RSoft lead also the Contact made
/// for the person (the record builder tags both). Only Accounts, Contacts and Leads have tags.
fn tag_entities(module: Module) -> &'static [EntityType] {
    match module {
        Module::Companies => &[EntityType::Accounts],
        Module::Contacts => &[EntityType::Contacts],
        Module::Leads => &[EntityType::Leads, EntityType::Contacts],
        Module::Deals => &[EntityType::Leads],
        _ => &[],
    }
}

/// Read every record file of `export` once, looking only at the columns `map` gives a role
/// (owner lookups, tags, `Leads.sources`, the RSoft ID); entries the operator ignored are
/// skipped. Unreadable rows are skipped here: the load reports each of them.
/// Errors: a file that cannot be opened.
pub fn scan(export: &Export, map: &FieldMap) -> Result<ExportScan, ReadError> {
    let mut owners: HashMap<String, OwnerCell> = HashMap::new();
    let mut tags: BTreeMap<EntityType, Distinct> = BTreeMap::new();
    let mut sources = Distinct::default();
    let mut overflow = 0u64;
    for file in export.files() {
        let Some(module) = file.module.filter(|m| m.holds_records()) else {
            continue;
        };
        let Some(module_map) = map.modules.get(&module) else {
            continue;
        };
        let mut reader = export.rows(file)?;
        let roles: Vec<(usize, Role)> = reader
            .headers()
            .names()
            .iter()
            .enumerate()
            .filter_map(|(i, header)| {
                let entry = module_map
                    .column(header)
                    .filter(|c| c.status != Status::Ignored)?;
                Some((i, role(&entry.target)?))
            })
            .collect();
        if !roles.iter().any(|(_, r)| *r != Role::Id) {
            continue;
        }
        let tag_entities = tag_entities(module);
        while let Some(row) = reader.next_row() {
            let Ok(row) = row else { continue };
            let id = roles
                .iter()
                .find(|(_, r)| *r == Role::Id)
                .and_then(|(i, _)| row.field(*i))
                .map(str::trim)
                .unwrap_or_default();
            for (i, role) in &roles {
                let value = row.field(*i).map(str::trim).unwrap_or_default();
                if value.is_empty() {
                    continue;
                }
                match role {
                    Role::Owner => {
                        if let Some(cell) = owners.get_mut(value) {
                            cell.records += 1;
                            *cell.modules.entry(module).or_default() += 1;
                            if cell.samples.len() < SAMPLE_IDS && !id.is_empty() {
                                cell.samples.push(id.to_string());
                            }
                        } else if owners.len() < MAX_DISTINCT {
                            owners.insert(
                                value.to_string(),
                                OwnerCell {
                                    raw: value.to_string(),
                                    records: 1,
                                    modules: BTreeMap::from([(module, 1)]),
                                    samples: (!id.is_empty())
                                        .then(|| id.to_string())
                                        .into_iter()
                                        .collect(),
                                },
                            );
                        } else {
                            overflow += 1;
                        }
                    }
                    Role::Tags => {
                        for tag in split_tags(value).map(|t| t.tags).unwrap_or_default() {
                            for entity in tag_entities {
                                if !tags.entry(*entity).or_default().add(&tag) {
                                    overflow += 1;
                                }
                            }
                        }
                    }
                    // As the load reads it: a placeholder names no source to create.
                    Role::Source if crate::cells::is_placeholder(value) => {}
                    Role::Source => {
                        if !sources.add(value) {
                            overflow += 1;
                        }
                    }
                    Role::Id => {}
                }
            }
        }
    }
    let mut owners: Vec<OwnerCell> = owners.into_values().collect();
    owners.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.raw.cmp(&b.raw)));
    Ok(ExportScan {
        owners,
        tags: tags.into_iter().map(|(e, d)| (e, d.order)).collect(),
        sources: sources.order,
        overflow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::model::Target;
    use crate::mapping::record::fixture::{field, map};

    /// A placeholder lead source or tag is no name to create in Nutshell (the schema step made
    /// a source and a tag `N/A`); the tags beside it are kept.
    #[test]
    fn placeholders_name_no_source_or_tag() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Leads.csv"),
            "Lead ID,Lead Name,Source,Tags\n\
             L1,Asha,N/A,VIP; N/A\n\
             L2,Ravi,Web,-\n\
             L3,Priya,TBD,Key\n",
        )
        .unwrap();
        let export = Export::open(dir.path()).unwrap();
        let map = map(
            Module::Leads,
            &[
                ("Lead ID", Target::LegacyId),
                ("Source", field(SOURCES_FIELD)),
                ("Tags", Target::Tags),
            ],
            &[],
        );
        let found = scan(&export, &map).unwrap();
        assert_eq!(found.sources, ["Web"]);
        assert_eq!(found.tags[&EntityType::Leads], ["VIP", "Key"]);
    }
}
