//! The operator's loop through mapping.toml: propose, write, edit, regenerate, and the gate.

use std::path::Path;

use crm_migrate::mapping::file::{from_toml, load, save, to_toml};
use crm_migrate::mapping::memory::MappingMemory;
use crm_migrate::mapping::model::{Status, Target};
use crm_migrate::mapping::propose::{SourceColumn, propose_map};
use crm_migrate::mapping::schema::DestinationSchema;
use crm_migrate::mapping::validate::{accept_proposed, unconfirmed, validate};
use crm_migrate::rsoft::Module;
use crm_migrate::vocabulary::Vocabulary;

fn columns(module: Module, headers: &[(&str, &[&str])]) -> Vec<SourceColumn> {
    headers
        .iter()
        .map(|(h, samples)| SourceColumn {
            module,
            header: h.to_string(),
            inferred: None,
            samples: samples.iter().map(|s| s.to_string()).collect(),
            fill_rate: 1.0,
            checks: Vec::new(),
            format: Default::default(),
            flags: Default::default(),
        })
        .collect()
}

fn contacts() -> Vec<SourceColumn> {
    columns(
        Module::Contacts,
        &[
            ("Contact ID", &["C-1", "C-2"]),
            ("First Name", &["Ravi", "Priya"]),
            ("Email", &["ravi@acme.in", "priya@acme.in"]),
            ("Mobile No.", &["9876543210", "+91 98765 43211"]),
            ("Lifecycle Stage", &["Customer", "Lead"]),
            ("Fav Colour", &["blue", "red"]),
        ],
    )
}

#[test]
fn regenerating_keeps_what_the_operator_decided() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mapping.toml");
    let schema = DestinationSchema::offline();
    let memory = MappingMemory::default();

    let first = propose_map(
        &Vocabulary::builtin(),
        &contacts(),
        &[],
        &schema,
        "RSoft ID",
        &memory,
        None,
    );
    save(&path, &first).unwrap();

    // The operator edits the file by hand: confirms the email, ignores the colour.
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "\"Email\" = { target = \"field\", field = \"Contacts.email\", status = \"proposed\" }",
            "\"Email\" = { target = \"field\", field = \"Contacts.email\", status = \"confirmed\" }",
        )
        .replace(
            "\"Fav Colour\" = { target = \"custom\", create = true, name = \"Fav Colour\", type = \"text\", status = \"proposed\" }",
            "\"Fav Colour\" = { target = \"ignore\", status = \"ignored\" }",
        );
    std::fs::write(&path, &text).unwrap();
    let edited = load(&path).unwrap();
    let c = &edited.modules[&Module::Contacts];
    assert_eq!(c.column("Email").unwrap().status, Status::Confirmed);
    assert_eq!(c.column("Fav Colour").unwrap().target, Target::Ignore);

    // The export changes (a new column) and `map` runs again.
    let mut cols = contacts();
    cols.extend(columns(
        Module::Contacts,
        &[
            ("PAN", &["ABCDE1234F"]),
            ("Alternate Mobile", &["call me", "n/a"]),
        ],
    ));
    let second = propose_map(
        &Vocabulary::builtin(),
        &cols,
        &[],
        &schema,
        "RSoft ID",
        &memory,
        Some(&edited),
    );
    let c = &second.modules[&Module::Contacts];
    assert_eq!(c.column("Email").unwrap().status, Status::Confirmed);
    assert_eq!(c.column("Fav Colour").unwrap().status, Status::Ignored);
    assert_eq!(c.column("PAN").unwrap().status, Status::Proposed);
    let text = to_toml(&second);
    assert_eq!(
        to_toml(&from_toml(&text, Path::new("m.toml")).unwrap()),
        text
    );

    // The gate: everything still proposed blocks; --accept-proposed confirms the confident ones.
    let waiting: Vec<_> = unconfirmed(&second).into_iter().map(|u| u.key).collect();
    assert!(waiting.contains(&"Mobile No.".to_string()) && !waiting.contains(&"Email".to_string()));
    let mut accepted = second.clone();
    // One entry the tool is unsure of (as a header with contradicting samples would be).
    let unsure = accepted
        .modules
        .get_mut(&Module::Contacts)
        .unwrap()
        .columns
        .iter_mut()
        .find(|c| c.header == "Alternate Mobile")
        .unwrap();
    unsure.confidence = 0.45;
    let blocking = accept_proposed(&mut accepted);
    let still: Vec<(&str, f64)> = blocking
        .iter()
        .map(|u| (u.key.as_str(), u.confidence))
        .collect();
    assert_eq!(still, [("Alternate Mobile", 0.45)], "{blocking:#?}");
    let c = &accepted.modules[&Module::Contacts];
    for confident in ["Contact ID", "First Name", "Mobile No.", "PAN"] {
        assert_eq!(
            c.column(confident).unwrap().status,
            Status::Confirmed,
            "{confident}"
        );
    }
    assert_eq!(
        c.column("Alternate Mobile").unwrap().status,
        Status::Proposed
    );
    assert_eq!(
        validate(&accepted, &schema),
        [],
        "the proposed contacts map is valid"
    );
}
