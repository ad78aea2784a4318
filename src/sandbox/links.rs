//! Links between records show from both sides, as in Nutshell: an account lists the contacts that
//! name it and a contact the accounts that list it; a lead's contacts and accounts list the lead
//! under `leads`. Both sides are stored; a write that sets one side rewrites the other, so
//! replacing a list whole also removes the link from the records it no longer names.
//!
//! The other side's `rev` is not bumped (Nutshell's behaviour there is unconfirmed, and a bump
//! would make every contact create stale its account's rev).

use serde_json::{Map, Value, json};

use super::store::{RecordKind, Store};

/// `(from, keys on from, to, key on to, whether to's entries carry a relationship)`.
type Relation = (
    RecordKind,
    &'static [&'static str],
    RecordKind,
    &'static str,
    bool,
);

const RELATIONS: [Relation; 5] = [
    (
        RecordKind::Accounts,
        &["contacts"],
        RecordKind::Contacts,
        "accounts",
        true,
    ),
    (
        RecordKind::Contacts,
        &["accounts"],
        RecordKind::Accounts,
        "contacts",
        true,
    ),
    (
        RecordKind::Contacts,
        &["leads"],
        RecordKind::Leads,
        "contacts",
        true,
    ),
    // Contacts' `leads` entries take no relationship (it is not an input key there).
    (
        RecordKind::Leads,
        &["contacts"],
        RecordKind::Contacts,
        "leads",
        false,
    ),
    // Accounts' `leads` is shown only: a lead's primary account and its other accounts.
    (
        RecordKind::Leads,
        &["primaryAccount", "accounts"],
        RecordKind::Accounts,
        "leads",
        false,
    ),
];

/// `{id, relationship?}` items under `key` (a list, or one object as `primaryAccount`).
fn items(fields: &Map<String, Value>, key: &str) -> Vec<(u64, Option<Value>)> {
    let items: Vec<&Value> = match fields.get(key) {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|x| {
            let id = x.get("id").and_then(Value::as_u64)?;
            Some((id, x.get("relationship").cloned()))
        })
        .collect()
}

/// After record `id` of `entity` was written with `changed` keys over `before` (its fields
/// before the write; empty for a create): make every record on the other side of each touched
/// relation list it exactly when the record names them.
pub fn mirror(
    store: &mut Store,
    entity: RecordKind,
    id: u64,
    before: &Map<String, Value>,
    changed: &[String],
) {
    for (from, keys, to, to_key, with_relationship) in RELATIONS {
        if from != entity || !keys.iter().any(|k| changed.iter().any(|c| c == k)) {
            continue;
        }
        let Some(record) = store.live(entity, id) else {
            return;
        };
        let wanted: Vec<(u64, Option<Value>)> =
            keys.iter().flat_map(|k| items(&record.fields, k)).collect();
        // Only the records named now or before can change. Those naming it before are the ones
        // it named before (both sides are kept equal), so no record outside them is read: a
        // create in a store of 100,000 records touches only its own links.
        let mut others: Vec<u64> = wanted
            .iter()
            .map(|(t, _)| *t)
            .chain(keys.iter().flat_map(|k| items(before, k)).map(|(t, _)| t))
            .filter(|t| store.live(to, *t).is_some())
            .collect();
        others.sort_unstable();
        others.dedup();
        for other in others {
            let want = wanted.iter().find(|(t, _)| *t == other);
            store.update_fields(other, |fields| {
                relink(fields, to_key, id, want, with_relationship);
            });
        }
    }
}

/// Add, keep or remove the entry for `id` under `key`.
fn relink(
    fields: &mut Map<String, Value>,
    key: &str,
    id: u64,
    want: Option<&(u64, Option<Value>)>,
    with_relationship: bool,
) {
    let mut list = match fields.remove(key) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    let at = list
        .iter()
        .position(|x| x.get("id").and_then(Value::as_u64) == Some(id));
    match (at, want) {
        (Some(i), None) => {
            list.remove(i);
        }
        (None, Some((_, relationship))) => {
            let mut entry = Map::new();
            entry.insert("id".into(), json!(id));
            if let (true, Some(r)) = (with_relationship, relationship) {
                entry.insert("relationship".into(), r.clone());
            }
            list.push(Value::Object(entry));
        }
        (Some(i), Some((_, Some(r)))) if with_relationship => {
            if let Some(entry) = list[i].as_object_mut() {
                entry.insert("relationship".into(), r.clone());
            }
        }
        _ => {}
    }
    if !list.is_empty() {
        fields.insert(key.to_string(), Value::Array(list));
    }
}
