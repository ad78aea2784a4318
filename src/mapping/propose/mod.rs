//! The proposer: for every source column, the most likely target with a confidence and a reason.
//! Evidence, strongest first: the header matching a curated synonym exactly (after normalising
//! case, punctuation and abbreviations, and dropping the module's own name); a near spelling
//! (string similarity); the values themselves (a column of emails is an email, whatever its
//! header; a header whose values contradict it is not trusted). Below [`CONFIDENCE_THRESHOLD`] a
//! column stays [`Target::Unmapped`] and the operator decides. Two columns never fill one
//! single-valued target above the threshold: the weaker one is flagged with the reason.

//!
//! By what it proposes: [`columns`] (a target per source column), [`value_maps`] (fixed values
//! and activity types per distinct source value), [`stages`] (RSoft pipeline + stage to a
//! Nutshell stageset + milestone).

mod columns;
mod stages;
mod value_maps;

use super::catalogue::ValueMapKind;
pub use super::column::SourceColumn;
use super::formats::propose_formats;
use super::memory::MappingMemory;
use super::model::{FieldMap, flag_shared_slots, value_map_kind};
use super::schema::DestinationSchema;
use crate::rsoft::Module;
use crate::vocabulary::Vocabulary;
pub use columns::named_kind;
use columns::{flag_unfilled_required, propose_column};
pub use stages::propose_stage_map;
pub use value_maps::propose_values;

/// Propose a map for every column, reading headers with `vocabulary`. Columns keep their order
/// within each module.
pub fn propose(
    vocabulary: &Vocabulary,
    columns: &[SourceColumn],
    schema: &DestinationSchema,
    legacy_id_field: &str,
) -> FieldMap {
    let mut map = FieldMap::new(legacy_id_field);
    for column in columns {
        // Setup modules (users, pipelines, …) hold no records: nothing of theirs is mapped.
        let Some(entity) = column.module.entity() else {
            continue;
        };
        let entry = propose_column(vocabulary, column, entity, schema);
        map.modules
            .entry(column.module)
            .or_default()
            .columns
            .push(entry);
    }
    for (module, module_map) in map.modules.iter_mut() {
        flag_shared_slots(&mut module_map.columns);
        if let Some(entity) = module.entity() {
            flag_unfilled_required(entity, &mut module_map.columns);
        }
        for column in columns.iter().filter(|c| c.module == *module) {
            let Some(entry) = module_map.column(&column.header) else {
                continue;
            };
            let Some(kind) = value_map_kind(&entry.target) else {
                continue;
            };
            if kind == ValueMapKind::Stage {
                continue; // needs pipeline and stage together: see propose_stage_map
            }
            let mut distinct: Vec<&str> = Vec::new();
            for s in column
                .samples
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
            {
                if !distinct.iter().any(|d| d.eq_ignore_ascii_case(s)) {
                    distinct.push(s);
                }
            }
            let entries = module_map.values.entry(kind).or_default();
            for value in propose_values(kind, &distinct, schema) {
                if !entries.iter().any(|e| e.from == value.from) {
                    entries.push(value);
                }
            }
        }
        module_map.values.retain(|_, v| !v.is_empty());
    }
    map
}

/// What `crm-migrate map` does: fresh proposals (columns, value maps, and, when there are deal
/// columns, the stage map for `stage_pairs`, RSoft pipeline and stage), improved by remembered decisions, merged with
/// the operator's decisions in the previous mapping.toml (which always win).
pub fn propose_map(
    vocabulary: &Vocabulary,
    columns: &[SourceColumn],
    stage_pairs: &[(String, String)],
    schema: &DestinationSchema,
    legacy_id_field: &str,
    memory: &MappingMemory,
    previous: Option<&FieldMap>,
) -> FieldMap {
    let mut fresh = propose(vocabulary, columns, schema, legacy_id_field);
    // Stages matter only where deals move.
    if let Some(deals) = fresh.modules.get_mut(&Module::Deals) {
        if !stage_pairs.is_empty() {
            deals
                .values
                .insert(ValueMapKind::Stage, propose_stage_map(stage_pairs, schema));
        }
    }
    memory.apply(&mut fresh);
    let mut map = match previous {
        Some(previous) => fresh.merged_with(previous),
        None => fresh,
    };
    // Formats follow the final targets, the operator's included.
    propose_formats(&mut map, columns);
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::catalogue::ValueKind;
    use crate::mapping::model::{AS_NOTE, CONFIDENCE_THRESHOLD, ColumnEntry, LookupKey, Target};
    use crate::mapping::schema::{CustomFieldDef, StagesetDef};
    use crate::nutshell::EntityType;

    fn column(module: Module, header: &str, samples: &[&str]) -> SourceColumn {
        SourceColumn {
            module,
            header: header.into(),
            inferred: None,
            samples: samples.iter().map(|s| s.to_string()).collect(),
            fill_rate: if samples.is_empty() { 0.0 } else { 1.0 },
            checks: Vec::new(),
            format: Default::default(),
            flags: Default::default(),
        }
    }

    fn one(col: SourceColumn) -> ColumnEntry {
        let map = propose(
            &Vocabulary::builtin(),
            std::slice::from_ref(&col),
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        map.modules[&col.module].columns[0].clone()
    }

    /// The companies' column proposals for `cols`, offline.
    fn companies(cols: &[SourceColumn]) -> Vec<ColumnEntry> {
        let map = propose(
            &Vocabulary::builtin(),
            cols,
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        map.modules[&Module::Companies].columns.clone()
    }

    fn field(path: &str) -> Target {
        Target::Field { field: path.into() }
    }

    const EMAILS: [&str; 3] = ["ravi@acme.in", "PRIYA@Bluewave.in", "anil@ganesh.com"];

    #[test]
    fn a_column_naming_a_related_record_by_rsoft_id_is_a_lookup() {
        for (module, header, samples, entity) in [
            (
                Module::Activities,
                "Contact ID",
                ["CONT-1", "CONT-2", "CONT-9"],
                EntityType::Contacts,
            ),
            (
                Module::Activities,
                "Person ID",
                ["CONT-1", "CONT-2", "CONT-9"],
                EntityType::Contacts,
            ),
            (
                Module::Activities,
                "Deal ID",
                ["DEAL-1", "DEAL-4", "DEAL-7"],
                EntityType::Leads,
            ),
            (
                Module::Deals,
                "Company ID",
                ["COMP-1", "COMP-2", "COMP-3"],
                EntityType::Accounts,
            ),
            (
                Module::Leads,
                "Converted Contact ID",
                ["CONT-9", "", ""],
                EntityType::Contacts,
            ),
        ] {
            let e = one(column(module, header, &samples));
            assert_eq!(
                e.target,
                Target::Lookup {
                    entity,
                    by: LookupKey::RsoftId
                },
                "{module} {header}: {e:?}"
            );
            assert!(e.confidence >= CONFIDENCE_THRESHOLD, "{e:?}");
        }
    }

    #[test]
    fn values_speak_when_the_header_does_not() {
        let e = one(column(Module::Contacts, "Primary", &EMAILS));
        assert_eq!(e.target, field("Contacts.email"));
        assert!(
            e.confidence >= CONFIDENCE_THRESHOLD
                && e.reason.contains("100% of samples read as Email"),
            "{e:?}"
        );
        // A header contradicted by its values is not trusted.
        let e = one(column(Module::Contacts, "Phone", &EMAILS));
        assert_eq!(e.target, field("Contacts.email"), "{e:?}");
        let e = one(column(Module::Deals, "Amount", &["soon", "maybe", "n/a"]));
        assert_eq!(e.target, Target::Unmapped);
        assert!(e.reason.contains("0% of samples read as Money"), "{e:?}");
        // Agreeing values raise the confidence and say so.
        let e = one(column(
            Module::Contacts,
            "Mobile No.",
            &["9876543210", "+91 98765 43210"],
        ));
        assert_eq!(e.target, field("Contacts.phone"));
        assert!(e.confidence > 0.95 && e.reason.contains("Phone"), "{e:?}");
    }

    #[test]
    fn typos_and_format_hints() {
        let e = one(column(Module::Contacts, "Designaton", &["Manager"]));
        assert_eq!(e.target, field("Contacts.jobTitle"));
        assert!(
            e.confidence >= CONFIDENCE_THRESHOLD && e.confidence < 0.9,
            "{e:?}"
        );
        let e = one(column(
            Module::Deals,
            "Expected Close Date (DD-MM-YYYY)",
            &["25-04-2026"],
        ));
        assert_eq!(e.target, field("Leads.dueTime"), "{e:?}");
        // Near but different words stay with the operator, never guessed.
        let e = one(column(Module::Contacts, "Emial Adress", &["x"]));
        assert_eq!(e.target, Target::Unmapped, "{e:?}");
        assert!(
            e.confidence < CONFIDENCE_THRESHOLD && e.reason.contains("close to"),
            "{e:?}"
        );
    }

    #[test]
    fn a_new_custom_field_does_not_outscore_an_unfilled_required_field() {
        let columns = [
            column(Module::Companies, "Company ID", &["COMP-1"]),
            column(
                Module::Companies,
                "Xyzzy Label",
                &["Nila Traders", "Kaveri Agro"],
            ),
            column(Module::Companies, "Founded", &["01/02/2015"]),
        ];
        let map = propose(
            &Vocabulary::builtin(),
            &columns,
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        let c = &map.modules[&Module::Companies].columns;
        assert!(c[1].confidence < CONFIDENCE_THRESHOLD, "{:?}", c[1]);
        assert!(c[1].reason.contains("Accounts.name"), "{:?}", c[1]);
        // A column that could not be the name keeps its proposal.
        assert!(c[2].confidence >= CONFIDENCE_THRESHOLD, "{:?}", c[2]);
        // With the name filled, the custom field is proposed as before.
        let mut with_name = columns.to_vec();
        with_name.push(column(Module::Companies, "Company Name", &["Nila Traders"]));
        let map = propose(
            &Vocabulary::builtin(),
            &with_name,
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        let c = &map.modules[&Module::Companies].columns;
        assert!(c[1].confidence >= CONFIDENCE_THRESHOLD, "{:?}", c[1]);
    }

    #[test]
    fn unknown_columns_become_typed_custom_fields_or_notes() {
        let e = one(column(
            Module::Contacts,
            "Anniversary",
            &["12-11-2010", "01/02/2015"],
        ));
        assert_eq!(
            e.target,
            Target::Custom {
                name: "Anniversary".into(),
                kind: ValueKind::Date,
                create: true
            }
        );
        let e = one(column(
            Module::Companies,
            "Credit Limit",
            &["₹ 5,00,000", "1,25,000.50"],
        ));
        assert!(
            matches!(
                e.target,
                Target::Custom {
                    kind: ValueKind::Number | ValueKind::Money,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = one(column(Module::Contacts, "Is Active", &["Yes", "no", "Y"]));
        assert!(
            matches!(
                e.target,
                Target::Custom {
                    kind: ValueKind::Boolean,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = one(column(
            Module::Activities,
            "Call Recording",
            &["rec-001.mp3"],
        ));
        assert_eq!(
            e.target,
            Target::Note {
                label: "Call Recording".into()
            }
        );
        let e = one(column(Module::Contacts, "Fax", &[]));
        assert_eq!(
            (e.target, e.reason.as_str()),
            (Target::Ignore, "empty in every row")
        );
        // An existing custom field is reused, not created again.
        let mut schema = DestinationSchema::offline();
        schema.custom_fields.insert(
            EntityType::Contacts,
            vec![CustomFieldDef {
                name: "pan".into(),
                kind: ValueKind::Text,
            }],
        );
        let map = propose(
            &Vocabulary::builtin(),
            &[column(Module::Contacts, "PAN", &["ABCDE1234F"])],
            &schema,
            "RSoft ID",
        );
        let e = &map.modules[&Module::Contacts].columns[0];
        assert!(
            matches!(e.target, Target::Custom { create: false, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn two_columns_never_share_a_single_valued_target() {
        let cols = [
            column(Module::Companies, "Company Name", &["Acme"]),
            column(Module::Companies, "Name", &["Acme"]),
            column(Module::Companies, "Phone", &["9876543210"]),
            column(Module::Companies, "Mobile", &["9876543210"]),
        ];
        let c = companies(&cols);
        assert_eq!(c[0].target, field("Accounts.name"));
        assert_eq!(c[1].target, Target::Unmapped);
        assert!(c[1].confidence < CONFIDENCE_THRESHOLD);
        assert!(
            c[1].reason.contains("\"Company Name\" has it"),
            "{}",
            c[1].reason
        );
        // Phone numbers are multi-valued: both columns keep their target.
        assert_eq!(c[2].target, field("Accounts.phone"));
        assert_eq!(c[3].target, field("Accounts.phone"));
    }

    /// Only what the load accepts is proposed: Nutshell creates Email, Phone and URL custom
    /// fields only on Leads, so elsewhere such a column's new field is text, with the reason.
    #[test]
    fn a_new_custom_field_has_a_type_nutshell_creates_on_the_entity() {
        const PHONES: [&str; 2] = ["9876543210", "+91 98765 43210"];
        let e = one(column(Module::Companies, "Reception Line", &PHONES));
        assert_eq!(
            e.target,
            Target::Custom {
                name: "Reception Line".into(),
                kind: ValueKind::Text,
                create: true
            }
        );
        assert!(
            e.reason.contains(
                "Nutshell creates Phone custom fields only on Leads, so the field is Text"
            ),
            "{e:?}"
        );
        let e = one(column(Module::Deals, "Reception Line", &PHONES));
        assert!(
            matches!(
                e.target,
                Target::Custom {
                    kind: ValueKind::Phone,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    /// A header the file repeats (read as `Phone (2)`) means what the header says: a field of
    /// several values (an account's phones) takes both columns; a single-valued one stays with
    /// the first, the second flagged.
    #[test]
    fn a_repeated_header_means_what_it_says() {
        let cols = [
            column(Module::Companies, "Company Name", &["Acme"]),
            column(Module::Companies, "Company Name (2)", &["Acme"]),
            column(Module::Companies, "Phone", &["022-60165994"]),
            column(Module::Companies, "Phone (2)", &["9810000001"]),
        ];
        let c = companies(&cols);
        assert_eq!(c[2].target, field("Accounts.phone"));
        assert_eq!(c[3].target, field("Accounts.phone"), "{:?}", c[3]);
        assert!(c[3].confidence >= CONFIDENCE_THRESHOLD, "{:?}", c[3]);
        assert!(
            c[3].reason.starts_with(
                "header \"Phone (2)\" (the file's header \"Phone\" again) is a synonym"
            ),
            "{}",
            c[3].reason
        );
        assert_eq!(c[0].target, field("Accounts.name"));
        assert_eq!(c[1].target, Target::Unmapped, "{:?}", c[1]);
    }

    #[test]
    fn value_maps_are_proposed_from_samples() {
        let cols = [
            column(
                Module::Deals,
                "Status",
                &["Won", "Lost", "Open", "won", "On Ice"],
            ),
            column(
                Module::Activities,
                "Activity Type",
                &["Call", "SMS", "Site Visit", "Email", "Fax", "Note"],
            ),
        ];
        let map = propose(
            &Vocabulary::builtin(),
            &cols,
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        let status = &map.modules[&Module::Deals].values[&ValueMapKind::LeadStatus];
        let pairs: Vec<_> = status
            .iter()
            .map(|v| (v.from.as_str(), v.to.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Won", "won"),
                ("Lost", "lost"),
                ("Open", "open"),
                ("On Ice", "")
            ]
        );
        assert!(
            status[3].confidence < CONFIDENCE_THRESHOLD
                && status[3].reason.contains("open, won, lost, cancelled")
        );
        let types = &map.modules[&Module::Activities].values[&ValueMapKind::ActivityType];
        let to: Vec<_> = types.iter().map(|v| v.to.as_str()).collect();
        assert_eq!(
            to,
            ["Phone Call", "Phone Call", "Meeting", "Email", "", AS_NOTE]
        );
        assert!(
            types[5].confidence >= CONFIDENCE_THRESHOLD,
            "{:?}",
            types[5]
        );
        assert!(
            types[1].reason.starts_with("fallback") && types[1].reason.contains("SMS"),
            "{}",
            types[1].reason
        );
    }

    #[test]
    fn stage_map_goes_with_the_deals() {
        let pairs = [("Sales".to_string(), "Won".to_string())];
        let memory = MappingMemory::default();
        let schema = DestinationSchema::offline();
        let only_contacts = [column(Module::Contacts, "Email", &EMAILS)];
        let map = propose_map(
            &Vocabulary::builtin(),
            &only_contacts,
            &pairs,
            &schema,
            "RSoft ID",
            &memory,
            None,
        );
        assert!(!map.modules.contains_key(&Module::Deals));
        let with_deals = [column(Module::Deals, "Stage", &["Won"])];
        let map = propose_map(
            &Vocabulary::builtin(),
            &with_deals,
            &pairs,
            &schema,
            "RSoft ID",
            &memory,
            None,
        );
        let stages = &map.modules[&Module::Deals].values[&ValueMapKind::Stage];
        assert_eq!(stages[0].from, "Sales / Won");
    }

    #[test]
    fn stage_map_matches_existing_pipelines_only() {
        let schema = DestinationSchema {
            stagesets: vec![StagesetDef {
                name: "Sales".into(),
                milestones: vec!["Qualified".into(), "Negotiation".into()],
            }],
            read_from_account: true,
            ..DestinationSchema::offline()
        };
        let pairs = [
            ("sales".to_string(), "NEGOTIATION".to_string()),
            ("Sales".to_string(), "Demo".to_string()),
            ("Renewals".to_string(), "Quote".to_string()),
        ];
        let m = propose_stage_map(&pairs, &schema);
        assert_eq!(
            (m[0].to.as_str(), m[0].stageset.as_deref()),
            ("Negotiation", Some("Sales"))
        );
        assert!(m[0].confidence >= CONFIDENCE_THRESHOLD);
        assert_eq!(m[0].from, "sales / NEGOTIATION");
        assert!(
            m[1].confidence < CONFIDENCE_THRESHOLD
                && m[1].reason.contains("Qualified, Negotiation")
        );
        assert!(
            m[2].confidence < CONFIDENCE_THRESHOLD
                && m[2].reason.contains("no pipeline \"Renewals\"")
        );
        // Offline nothing is known about pipelines: flagged as unverified, not as missing.
        let m = propose_stage_map(&pairs[2..], &DestinationSchema::offline());
        assert!(m[0].confidence < CONFIDENCE_THRESHOLD && m[0].reason.starts_with("unverified"));
    }
}
