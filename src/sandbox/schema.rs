//! Custom fields and tags, which Nutshell keeps per entity type (Accounts, Contacts, Leads):
//! finding one by name and making one. Shared by the methods, the finds, the input checks and the
//! REST endpoint, so none of those needs another.

use serde_json::{Map, Value, json};

use super::store::{Record, RecordKind, Store};

/// The tag of that name (any case) for an entity type.
pub fn find_tag<'a>(store: &'a Store, e: RecordKind, name: &str) -> Option<&'a Record> {
    store.all(RecordKind::Tags).find(|t| {
        t.str_field("forEntityType") == Some(e.entity_type())
            && t.str_field("name")
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

/// The fields of a tag or custom field named `name` for entity type `e`.
pub fn tag_fields(name: &str, e: RecordKind) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("forEntityType".into(), json!(e.entity_type()));
    m
}

/// `Accounts`/`accounts` → the entity custom fields and tags may belong to.
pub fn custom_field_entity(s: &str) -> Option<RecordKind> {
    [
        RecordKind::Accounts,
        RecordKind::Contacts,
        RecordKind::Leads,
    ]
    .into_iter()
    .find(|e| e.entity_type().eq_ignore_ascii_case(s))
}

/// The field of that exact name: values are written and queried by the name as created.
pub fn custom_field_named<'a>(store: &'a Store, e: RecordKind, name: &str) -> Option<&'a Record> {
    store.all(RecordKind::CustomFields).find(|f| {
        f.str_field("forEntityType") == Some(e.entity_type()) && f.str_field("name") == Some(name)
    })
}

/// A field whose name differs only in case: a second one cannot be created.
pub fn find_custom_field<'a>(store: &'a Store, e: RecordKind, name: &str) -> Option<&'a Record> {
    store.all(RecordKind::CustomFields).find(|f| {
        f.str_field("forEntityType") == Some(e.entity_type())
            && f.str_field("name")
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

pub fn insert_custom_field(store: &mut Store, e: RecordKind, name: &str, kind: &str) -> Record {
    let mut m = tag_fields(name, e);
    m.insert("type".into(), json!(kind));
    store.insert(RecordKind::CustomFields, m).clone()
}
