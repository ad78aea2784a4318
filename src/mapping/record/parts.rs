//! Pieces several builders put in their payloads: addresses, custom fields with the RSoft ID,
//! notes on a record of the plan or an existing one, description text.

use serde_json::{Map, Value, json};

use super::columns::{NoteLine, Read, Val};
use super::text::{escape_mentions, note_header};
use super::{BuildSettings, Fill, PlannedCreate, RecordRef, Role};
use crate::mapping::transform::split_full_name;
use crate::nutshell::EntityType;
use crate::nutshell::methods::{ADDRESS_PARTS, NOTE_ENTITY, NOTE_TEXT};
use crate::rsoft::Module;

/// `[{address_1, city, state, postalCode, country}]` from `<Entity>.address.*` fields, or `None`
/// when the row has none.
pub fn address(read: &Read, entity: EntityType) -> Option<Value> {
    let mut one = Map::new();
    for key in ADDRESS_PARTS {
        if let Some(v) = read.text(&format!("{entity}.address.{key}")) {
            one.insert(key.into(), Value::from(v));
        }
    }
    (!one.is_empty()).then(|| json!([one]))
}

/// The row's custom fields plus the legacy-id field holding its RSoft ID.
pub fn custom_fields(read: &Read, settings: &BuildSettings, rsoft_id: &str) -> Value {
    let mut fields = read.custom.clone();
    fields.insert(settings.legacy_id_field.clone(), Value::from(rsoft_id));
    Value::Object(fields)
}

/// Put `key: value` into `body` when there is a value.
pub fn put(body: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        body.insert(key.into(), v);
    }
}

/// A non-empty list of the field's values, deduplicated.
pub fn list(read: &Read, path: &str) -> Option<Value> {
    array(read.list(path))
}

/// The values as a JSON array, or `None` when there are none (an empty list is not sent).
pub fn array(values: Vec<Value>) -> Option<Value> {
    (!values.is_empty()).then_some(Value::Array(values))
}

/// The row's tags as a list, when it has any.
pub fn tags(read: &Read) -> Option<Value> {
    (!read.tags.is_empty()).then(|| json!(read.tags))
}

/// Paragraphs joined by a blank line, blanks dropped; `None` when nothing is left.
pub fn paragraphs(parts: impl IntoIterator<Item = String>) -> Option<String> {
    let kept: Vec<String> = parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (!kept.is_empty()).then(|| kept.join("\n\n"))
}

/// Moves the row's email display names ([`Read::email_names`]) into its note lines, each as the
/// value was written (`Email: "Accounts, Acme" <ap@acme.in>`), unless the name is `own_name`,
/// the record's own name, in any order, case, punctuation or honorific (`Kumar, Ravi` is Ravi
/// Kumar): the email field takes the address alone, and a name saying whose inbox it is stays
/// on the record.
pub fn keep_email_names(read: &mut Read, own_name: Option<&str>) {
    let words = |name: &str| {
        let name = split_full_name(name).map_or_else(
            |_| name.to_string(),
            |n| format!("{} {}", n.given, n.family.unwrap_or_default()),
        );
        let mut words: Vec<String> = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.sort_unstable();
        words
    };
    let own = own_name.map(words);
    for (cell, name) in std::mem::take(&mut read.email_names) {
        if own.as_ref() != Some(&words(&name)) {
            read.notes.push(NoteLine {
                label: cell.header.clone(),
                canonical: None,
                cell,
            });
        }
    }
}

/// The text of a field whose value is a choice (a value-mapped cell), trimmed.
pub fn choice<'r>(read: &'r Read, path: &str) -> Option<&'r super::columns::Cell> {
    match read.first(path) {
        Some((cell, Val::Choice(_))) => Some(cell),
        _ => None,
    }
}

/// `newNote` on the record made by create `from` of the plan (of type `entity_type`).
pub fn note_on_created(from: usize, entity_type: EntityType, text: String) -> PlannedCreate {
    PlannedCreate {
        entity_type: EntityType::Notes,
        role: Role::Note,
        params: json!({NOTE_ENTITY: {"entityType": entity_type, "id": null}, NOTE_TEXT: text}),
        fills: vec![Fill {
            pointer: format!("/{NOTE_ENTITY}/id"),
            from,
        }],
    }
}

/// `newNote` on an existing record.
pub fn note_on(target: RecordRef, role: Role, text: String) -> PlannedCreate {
    PlannedCreate {
        entity_type: EntityType::Notes,
        role,
        params: json!({NOTE_ENTITY: {"entityType": target.entity_type, "id": target.id}, NOTE_TEXT: text}),
        fills: Vec::new(),
    }
}

/// The note carrying a record's note-line columns (the columns the map sends to "a note on the
/// record"), on create `from`; `None` when the row has no such values.
pub fn lines_note(
    module: Module,
    rsoft_id: &str,
    lines: Vec<String>,
    from: usize,
    entity_type: EntityType,
) -> Option<PlannedCreate> {
    if lines.is_empty() {
        return None;
    }
    let header = note_header(&format!("{} {rsoft_id}", module.record_word()), None, None);
    Some(note_on_created(
        from,
        entity_type,
        format!("{header}\n{}", lines.join("\n")),
    ))
}

/// `RSoft ID: …` for records without custom fields (activities, tasks), escaped like all text.
pub fn rsoft_id_line(module: Module, rsoft_id: &str) -> String {
    escape_mentions(&format!("RSoft {} ID: {rsoft_id}", module.record_word()))
}

/// A create of the row's own record: `{<body param>: body}`.
pub fn record_create(entity_type: EntityType, body: Map<String, Value>) -> PlannedCreate {
    let param = entity_type.methods().map_or("", |m| m.body_param());
    PlannedCreate {
        entity_type,
        role: Role::Record,
        params: json!({ param: body }),
        fills: Vec::new(),
    }
}
