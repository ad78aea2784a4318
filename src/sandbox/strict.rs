//! Input checks as strict as Nutshell's: unknown keys, unknown custom fields, references to missing
//! records, naive timestamps and out-of-range values are refused; accepted input is normalized to
//! the shape responses carry (contact names split, emails keyed with `--primary`, times in UTC).

use serde_json::{Map, Value, json};

use super::errors::RpcError;
use super::schema::custom_field_named;
use super::store::{RecordKind, Store};
use super::values::{
    addresses, custom_value, emails, list, money, non_empty, object, only_keys, person_name,
    phones, string, timestamp, urls,
};

/// How one input key is checked and normalized.
#[derive(Debug, Clone, Copy)]
enum Rule {
    Text,
    /// An id into a catalogue the sandbox does not have (industries, account types,
    /// territories): any id is a bad reference, named by this title.
    Uncatalogued(&'static str),
    Flag,
    Confidence,
    LeadStatus,
    ActivityStatus,
    Time,
    Owner,
    Assignee,
    Links(RecordKind, bool),
    PrimaryAccount,
    Sources,
    Participants,
    Products,
    Money,
    Ref(RecordKind),
    Emails,
    Phones,
    Urls,
    Addresses,
    Tags,
    CustomFields,
    PersonName,
    Target,
}

struct Shape {
    keys: &'static [(&'static str, Rule)],
    required: &'static [&'static str],
}

fn shape(entity: RecordKind) -> Option<Shape> {
    use Rule::*;
    let s = match entity {
        RecordKind::Accounts => Shape {
            keys: &[
                ("name", Text),
                ("description", Text),
                ("industryId", Uncatalogued("Industry")),
                ("accountTypeId", Uncatalogued("Account Type")),
                ("territoryId", Uncatalogued("Territory")),
                ("owner", Owner),
                ("url", Urls),
                ("phone", Phones),
                ("email", Emails),
                ("address", Addresses),
                ("contacts", Links(RecordKind::Contacts, true)),
                ("tags", Tags),
                ("customFields", CustomFields),
            ],
            required: &["name"],
        },
        RecordKind::Contacts => Shape {
            keys: &[
                ("name", PersonName),
                ("jobTitle", Text),
                ("description", Text),
                ("owner", Owner),
                ("email", Emails),
                ("phone", Phones),
                ("address", Addresses),
                ("accounts", Links(RecordKind::Accounts, true)),
                ("leads", Links(RecordKind::Leads, false)),
                ("tags", Tags),
                ("customFields", CustomFields),
            ],
            required: &["name"],
        },
        RecordKind::Leads => Shape {
            keys: &[
                ("description", Text),
                ("primaryAccount", PrimaryAccount),
                ("accounts", Links(RecordKind::Accounts, false)),
                ("contacts", Links(RecordKind::Contacts, true)),
                ("confidence", Confidence),
                ("assignee", Assignee),
                ("sources", Sources),
                ("tags", Tags),
                ("customFields", CustomFields),
                ("products", Products),
                ("status", LeadStatus),
                ("milestoneId", Ref(RecordKind::Milestones)),
                ("stagesetId", Ref(RecordKind::Stagesets)),
                ("dueTime", Time),
                ("value", Money),
            ],
            required: &[],
        },
        RecordKind::Activities => Shape {
            keys: &[
                ("name", Text),
                ("description", Text),
                ("activityTypeId", Ref(RecordKind::ActivityTypes)),
                ("startTime", Time),
                ("endTime", Time),
                ("isAllDay", Flag),
                ("isFlagged", Flag),
                ("status", ActivityStatus),
                ("participants", Participants),
                ("leads", Links(RecordKind::Leads, false)),
            ],
            required: &["startTime", "endTime"],
        },
        RecordKind::Tasks => Shape {
            keys: &[
                ("title", Text),
                ("description", Text),
                ("dueTime", Time),
                ("assignee", Assignee),
                ("entity", Target),
            ],
            required: &["title"],
        },
        _ => return None,
    };
    Some(s)
}

/// Check one entity object (`newLead`'s `lead`, `editLead`'s `lead`). `is_new` enforces required
/// keys; on an edit a `null` value clears an optional key (kept as `Null` for [`merge`]).
pub fn entity_input(
    store: &Store,
    entity: RecordKind,
    value: &Value,
    is_new: bool,
) -> Result<Map<String, Value>, RpcError> {
    let path = entity.param();
    let Some(shape) = shape(entity) else {
        return Err(RpcError::invalid_value(path, value, "a supported entity"));
    };
    let obj = object(path, value)?;
    let mut out = Map::new();
    for (key, v) in obj {
        let Some((_, rule)) = shape.keys.iter().find(|(k, _)| k == key) else {
            return Err(RpcError::unknown_key(path, key));
        };
        let key_path = format!("{path}.{key}");
        let normalized = if v.is_null() {
            Value::Null
        } else {
            check(store, entity, &key_path, *rule, v)?
        };
        out.insert(key.clone(), normalized);
    }
    // Required keys must be given on create and can never be cleared or blank.
    for key in shape.required {
        let missing = match out.get(*key) {
            None => is_new,
            Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(_) => false,
        };
        if missing {
            return Err(RpcError::missing_key(path, key));
        }
    }
    Ok(out)
}

/// Apply an edit: keys replace whole (multi-value fields too), `null` clears, custom fields merge
/// by name so an edit of one field keeps the others (the RSoft ID among them).
pub fn merge(existing: &Map<String, Value>, changes: Map<String, Value>) -> Map<String, Value> {
    let mut out = existing.clone();
    // A lead moved to another stage or pipeline: the half not given is derived again by
    // `complete`, not kept from before.
    for (given, derived) in [("milestoneId", "stagesetId"), ("stagesetId", "milestoneId")] {
        if changes.contains_key(given) && !changes.contains_key(derived) {
            out.remove(derived);
        }
    }
    for (key, value) in changes {
        match (key.as_str(), value) {
            (_, Value::Null) => {
                out.remove(&key);
            }
            ("customFields", Value::Object(fields)) => {
                let mut merged = out
                    .get("customFields")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                for (name, v) in fields {
                    if v.is_null() {
                        merged.remove(&name);
                    } else {
                        merged.insert(name, v);
                    }
                }
                out.insert(key, Value::Object(merged));
            }
            (_, v) => {
                out.insert(key, v);
            }
        }
    }
    out.retain(|_, v| !v.is_null());
    out
}

/// Rules across keys, on the merged record: a lead's milestone belongs to its stageset (each is
/// derived from the other when only one is given); an activity ends after it starts.
pub fn complete(
    store: &Store,
    entity: RecordKind,
    fields: &mut Map<String, Value>,
) -> Result<(), RpcError> {
    match entity {
        RecordKind::Leads => {
            let milestone = fields.get("milestoneId").and_then(Value::as_u64);
            let stageset = fields.get("stagesetId").and_then(Value::as_u64);
            match (milestone, stageset) {
                (Some(m), Some(s)) => {
                    let owner = store
                        .live(RecordKind::Milestones, m)
                        .and_then(|r| r.u64_field("stagesetId"));
                    if owner != Some(s) {
                        return Err(RpcError::milestone_not_in_stageset(m, s));
                    }
                }
                (Some(m), None) => {
                    if let Some(s) = store
                        .live(RecordKind::Milestones, m)
                        .and_then(|r| r.u64_field("stagesetId"))
                    {
                        fields.insert("stagesetId".into(), json!(s));
                    }
                }
                (None, Some(s)) => {
                    // A lead placed in a pipeline starts at its first stage, as in Nutshell's UI.
                    let first = store
                        .all(RecordKind::Milestones)
                        .filter(|r| r.u64_field("stagesetId") == Some(s))
                        .min_by_key(|r| r.u64_field("position"));
                    if let Some(m) = first {
                        fields.insert("milestoneId".into(), json!(m.id));
                    }
                }
                (None, None) => {}
            }
        }
        RecordKind::Activities => {
            let start = fields.get("startTime").and_then(Value::as_str);
            let end = fields.get("endTime").and_then(Value::as_str);
            if let (Some(s), Some(e)) = (start, end)
                && e < s
            {
                return Err(RpcError::end_before_start());
            }
        }
        _ => {}
    }
    Ok(())
}

/// Tag names an entity input carries (tags are created on first use).
pub fn tag_names(fields: &Map<String, Value>) -> Vec<String> {
    fields
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn check(
    store: &Store,
    entity: RecordKind,
    path: &str,
    rule: Rule,
    v: &Value,
) -> Result<Value, RpcError> {
    let bad = |expected: &str| RpcError::invalid_value(path, v, expected);
    Ok(match rule {
        Rule::Text => Value::String(v.as_str().ok_or_else(|| bad("a string"))?.to_string()),
        Rule::Uncatalogued(title) => match v.as_u64() {
            Some(_) => return Err(RpcError::bad_reference(path, title, v)),
            None => return Err(bad("an integer id")),
        },
        Rule::Flag => json!(v.as_bool().ok_or_else(|| bad("true or false"))?),
        Rule::Confidence => match v.as_i64() {
            Some(c) if (0..=100).contains(&c) => json!(c),
            _ => return Err(bad("an integer from 0 to 100")),
        },
        Rule::LeadStatus => match v.as_i64() {
            Some(s @ (0 | 10 | 11 | 12)) => json!(s),
            _ => return Err(bad("0 (open), 10 (won), 11 (lost) or 12 (cancelled)")),
        },
        Rule::ActivityStatus => match v.as_i64() {
            Some(s @ 0..=2) => json!(s),
            _ => return Err(bad("0 (scheduled), 1 (logged) or 2 (cancelled)")),
        },
        Rule::Time => json!(timestamp(path, v)?),
        Rule::Owner => typed_ref(store, path, v, &[RecordKind::Users])?,
        // No teams exist in the sandbox, so a Teams assignee is always a bad reference.
        Rule::Assignee => typed_ref_named(store, path, v, &["Users", "Teams"])?,
        Rule::Participants => list(path, v, |p, item| {
            typed_ref(store, p, item, &[RecordKind::Contacts, RecordKind::Users])
        })?,
        Rule::Target => target(store, path, v)?,
        Rule::Links(target, with_relationship) => list(path, v, |p, item| {
            id_ref(store, p, item, target, with_relationship)
        })?,
        Rule::PrimaryAccount => id_ref(store, path, v, RecordKind::Accounts, false)?,
        Rule::Sources => list(path, v, |p, item| {
            id_ref(store, p, item, RecordKind::Sources, false)
        })?,
        // The sandbox has no product catalogue: any product reference is a bad one.
        Rule::Products => list(path, v, |p, item| {
            let id = object(p, item)?.get("id").cloned().unwrap_or(Value::Null);
            Err(RpcError::bad_reference(p, "Product", &id))
        })?,
        Rule::Money => money(path, v)?,
        Rule::Ref(target) => json!(live_id(store, path, v, target)?),
        Rule::Emails => emails(path, v)?,
        Rule::Phones => phones(path, v)?,
        Rule::Urls => urls(path, v)?,
        Rule::Addresses => addresses(path, v)?,
        Rule::Tags => list(path, v, |p, item| {
            non_empty(p, item, "a tag name").map(Value::from)
        })?,
        Rule::CustomFields => custom_fields(store, entity, path, v)?,
        Rule::PersonName => person_name(path, v)?,
    })
}

/// An id naming a live record of `entity`.
pub fn live_id(store: &Store, path: &str, v: &Value, entity: RecordKind) -> Result<u64, RpcError> {
    let id = v
        .as_u64()
        .ok_or_else(|| RpcError::invalid_value(path, v, "an integer id"))?;
    match store.live(entity, id) {
        Some(_) => Ok(id),
        None => Err(RpcError::bad_reference(path, entity.title(), v)),
    }
}

/// `{id}` (optionally `entityType` naming the right type, and `relationship` where allowed).
fn id_ref(
    store: &Store,
    path: &str,
    v: &Value,
    entity: RecordKind,
    with_relationship: bool,
) -> Result<Value, RpcError> {
    let obj = object(path, v)?;
    let allowed: &[&str] = if with_relationship {
        &["id", "entityType", "relationship"]
    } else {
        &["id", "entityType"]
    };
    only_keys(path, obj, allowed)?;
    if let Some(t) = obj.get("entityType")
        && t.as_str() != Some(entity.entity_type())
    {
        return Err(RpcError::invalid_value(
            &format!("{path}.entityType"),
            t,
            entity.entity_type(),
        ));
    }
    if let Some(rel) = obj.get("relationship") {
        string(&format!("{path}.relationship"), rel)?;
    }
    let id_path = format!("{path}.id");
    live_id(
        store,
        &id_path,
        obj.get("id").unwrap_or(&Value::Null),
        entity,
    )?;
    Ok(v.clone())
}

/// `{entityType, id}` where the type is one of `allowed`.
fn typed_ref(
    store: &Store,
    path: &str,
    v: &Value,
    allowed: &[RecordKind],
) -> Result<Value, RpcError> {
    let names: Vec<&str> = allowed.iter().map(|e| e.entity_type()).collect();
    typed_ref_named(store, path, v, &names)
}

fn typed_ref_named(
    store: &Store,
    path: &str,
    v: &Value,
    allowed: &[&str],
) -> Result<Value, RpcError> {
    let obj = object(path, v)?;
    only_keys(path, obj, &["entityType", "id"])?;
    let type_path = format!("{path}.entityType");
    let t = obj.get("entityType").unwrap_or(&Value::Null);
    let name = t
        .as_str()
        .filter(|s| allowed.contains(s))
        .ok_or_else(|| RpcError::invalid_value(&type_path, t, &allowed.join(" or ")))?;
    let id = obj.get("id").unwrap_or(&Value::Null);
    let id_path = format!("{path}.id");
    match RecordKind::from_entity_type(name) {
        Some(entity) => {
            live_id(store, &id_path, id, entity)?;
        }
        None => return Err(RpcError::bad_reference(&id_path, "Team", id)),
    }
    Ok(json!({"entityType": name, "id": id}))
}

/// The record a note or task belongs to: `{entityType, id}` of a live account, contact or lead.
fn target(store: &Store, path: &str, v: &Value) -> Result<Value, RpcError> {
    typed_ref(
        store,
        path,
        v,
        &[
            RecordKind::Accounts,
            RecordKind::Contacts,
            RecordKind::Leads,
        ],
    )
}

/// `newNote`'s `entity` parameter.
pub fn note_target(store: &Store, v: &Value) -> Result<Value, RpcError> {
    target(store, "entity", v)
}

/// Custom-field values keyed by field name; each name must exist for the entity type and each
/// value fit the field's type.
fn custom_fields(
    store: &Store,
    entity: RecordKind,
    path: &str,
    v: &Value,
) -> Result<Value, RpcError> {
    let obj = object(path, v)?;
    let mut out = Map::new();
    for (name, value) in obj {
        let field = custom_field_named(store, entity, name)
            .ok_or_else(|| RpcError::unknown_custom_field(entity.entity_type(), name))?;
        let normalized = if value.is_null() {
            Value::Null
        } else {
            let kind = field.str_field("type").unwrap_or("Text");
            custom_value(&format!("{path}.{name}"), kind, value)?
        };
        out.insert(name.clone(), normalized);
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_replaces_lists_and_merges_custom_fields() {
        let old =
            json!({"email": {"1": "a@x.in"}, "customFields": {"RSoft ID": "C1", "Tier": "A"}});
        let change = json!({"email": {"1": "b@x.in"}, "customFields": {"Tier": null}});
        let merged = merge(
            old.as_object().unwrap(),
            change.as_object().unwrap().clone(),
        );
        assert_eq!(
            Value::Object(merged),
            json!({"email": {"1": "b@x.in"}, "customFields": {"RSoft ID": "C1"}})
        );
    }
}
