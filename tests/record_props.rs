//! Properties of the record builder on arbitrary rows of every module (the sample's map, cells
//! drawn from real-looking values, blanks and arbitrary text) and arbitrary lookup answers: it
//! never panics, the same input gives the same output, and what it returns is well-formed — a
//! plan has one record create and fills that point at earlier creates; a hold or problems always
//! say why.

mod record_support;

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

use crm_migrate::mapping::model::FieldMap;
use crm_migrate::mapping::record::{
    Built, Lookups, RecordRef, Resolution, Role, StageIds, build_record,
};
use crm_migrate::nutshell::EntityType;
use crm_migrate::rsoft::{Export, Module};
use proptest::prelude::*;
use record_support::{ORDER, SAMPLE, india, sample_map};

fn map() -> &'static FieldMap {
    static MAP: OnceLock<FieldMap> = OnceLock::new();
    MAP.get_or_init(|| sample_map(&Export::open(SAMPLE).unwrap()))
}

/// Answers every lookup from a hash of its key and a seed: found, held or missing.
struct HashedLookups(u64);

impl HashedLookups {
    fn answer<T>(&self, key: impl Hash, found: impl FnOnce(i64) -> T) -> Resolution<T> {
        let mut h = DefaultHasher::new();
        (self.0, key).hash(&mut h);
        let v = h.finish();
        match v % 8 {
            0 => Resolution::Missing,
            1 => Resolution::Held(format!("held #{}", v % 97)),
            _ => Resolution::Found((v % 10_000) as i64 + 1),
        }
        .map_found(found)
    }
}

trait MapFound<T> {
    fn map_found<U>(self, f: impl FnOnce(i64) -> U) -> Resolution<U>;
}

impl MapFound<i64> for Resolution<i64> {
    fn map_found<U>(self, f: impl FnOnce(i64) -> U) -> Resolution<U> {
        match self {
            Resolution::Found(id) => Resolution::Found(f(id)),
            Resolution::Held(r) => Resolution::Held(r),
            Resolution::Missing => Resolution::Missing,
        }
    }
}

impl Lookups for HashedLookups {
    fn record(&self, module: Module, rsoft_id: &str, t: EntityType) -> Resolution {
        self.answer((module, rsoft_id, t), |id| id)
    }
    fn account_by_name(&self, key: &str) -> Resolution {
        self.answer(("account", key), |id| id)
    }
    fn account_only_in_nutshell(&self, _: i64) -> bool {
        false
    }
    fn contact_by_email(&self, email: &str) -> Resolution {
        self.answer(("email", email), |id| id)
    }
    fn user(&self, owner: &str) -> Resolution {
        self.answer(("user", owner), |id| id)
    }
    fn stage(&self, stageset: &str, milestone: &str) -> Resolution<StageIds> {
        self.answer((stageset, milestone), |id| StageIds {
            stageset_id: id,
            milestone_id: id + 1,
        })
    }
    fn activity_type(&self, name: &str) -> Resolution {
        self.answer(("type", name), |id| id)
    }
    fn source(&self, name: &str) -> Resolution {
        self.answer(("source", name), |id| id)
    }
    fn note_anchor(&self, module: Module, rsoft_id: &str) -> Resolution<RecordRef> {
        self.answer(("anchor", module, rsoft_id), |id| RecordRef {
            entity_type: EntityType::Contacts,
            id,
        })
    }
}

/// Values that reach the builder's branches: ids, names, emails, phones, money, dates (good,
/// DST-free, impossible), statuses and types of the sample, mentions.
const CELLS: &[&str] = &[
    "",
    "  ",
    "COMP-1001",
    "CONT-2001",
    "LEAD-3001",
    "DEAL-4001",
    "TKT-6001",
    "Sharma Textiles Pvt. Ltd.",
    "Kumar, Ravi",
    "Mr.",
    "ravi@acme.in",
    "Anil Mehta <ANIL.MEHTA@acme.in>",
    "not an email@",
    "98765 43210",
    "9.8E+09",
    "₹ 13,74,500.00",
    "$56,000.00",
    "INR",
    "USD",
    "62.5",
    "140",
    "26-09-2025",
    "13/01/2026 07:43 PM",
    "31/02/2026",
    "2026-01-13T14:13:00+05:30",
    "Open",
    "Won",
    "Lost",
    "Closed",
    "Completed",
    "Planned",
    "Note",
    "WhatsApp",
    "Contact",
    "Deal",
    "Lead",
    "Company",
    "Sales",
    "Qualification",
    "key account; vip",
    "see @[Contacts:1] and Lead-12",
    "????",
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(CELLS).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn module_and_row() -> impl Strategy<Value = (Module, BTreeMap<String, String>)> {
    proptest::sample::select(ORDER.to_vec()).prop_flat_map(|module| {
        let headers: Vec<String> = map().modules[&module]
            .columns
            .iter()
            .map(|c| c.header.clone())
            .collect();
        let n = headers.len();
        (
            Just(module),
            proptest::collection::vec(proptest::option::weighted(0.9, cell()), n).prop_map(
                move |cells| {
                    headers
                        .iter()
                        .cloned()
                        .zip(cells)
                        .filter_map(|(h, c)| c.map(|c| (h, c)))
                        .collect()
                },
            ),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_panics_is_deterministic_and_well_formed(
        (module, row) in module_and_row(),
        seed in any::<u64>(),
    ) {
        let lookups = HashedLookups(seed);
        let settings = india();
        let built = build_record(module, &row, map(), &settings, &lookups);
        let again = build_record(module, &row, map(), &settings, &lookups);
        prop_assert_eq!(&built, &again);
        match &built {
            Built::Plan(plan) => {
                prop_assert!(!plan.creates.is_empty());
                prop_assert_eq!(
                    plan.creates.iter().filter(|c| c.role == Role::Record).count(),
                    1
                );
                let ids: Vec<i64> = (1..=plan.creates.len() as i64).collect();
                for (i, create) in plan.creates.iter().enumerate() {
                    for fill in &create.fills {
                        prop_assert!(fill.from < i, "a fill points at a later create");
                    }
                    let params = plan.params_with(i, &ids[..i]);
                    prop_assert!(params.is_some(), "create {} cannot be filled", i);
                    let text = serde_json::to_string(&params).unwrap();
                    prop_assert!(!text.contains("null"), "a placeholder is left: {}", text);
                }
            }
            Built::Hold { reasons } => prop_assert!(!reasons.is_empty()),
            Built::Problems { problems } => prop_assert!(!problems.is_empty()),
        }
        serde_json::to_string(&built).unwrap();
    }
}
