//! Edits of records this migration created. A delta's edit of a changed row's record, and the
//! carry of a merged row's values to the record it joined: get the record (its current `rev`
//! and values), merge the multi-value fields, send `edit<Entity>` with that `rev`; a stale
//! `rev` (409, a person saved the record in between) reads it again and retries
//! (docs/nutshell-api.md "Errors seen": "get, merge, retry").
//!
//! Nutshell replaces a multi-value field whole on edit (docs/nutshell-api.md, `edit*`), so the
//! body sends the union of what Nutshell has and what the export says: an email, phone, url,
//! address, tag, linked contact or account a person (or another row) added in Nutshell
//! survives. Values are only ever added: a value RSoft dropped stays in Nutshell (the operator
//! removes it there). A carry sends only the multi-value fields, and only when the record lacks
//! one of the row's items.

use serde_json::{Map, Value};

use super::compare::differences;
use super::load_send::{Made, Sender, emails_of, rev_text};
use crate::nutshell::loose;
use crate::nutshell::methods::{self, ADDRESS_PARTS};
use crate::nutshell::{Client, EntityType, FailureClass, NutshellError, Params};

// The delta's edit lives here with the get-merge-retry it needs, so the sender does not import
// the edit (and the edit only imports the sender).
impl Sender {
    /// A delta's edit of record `id` (see [`edit_record`]); a dry run
    /// sends nothing and answers the id.
    pub async fn edit(
        &self,
        entity_type: EntityType,
        id: i64,
        body: &Map<String, Value>,
    ) -> Result<Made, NutshellError> {
        match self {
            Sender::DryRun { .. } => Ok(Made { id, rev: None }),
            Sender::Live(client) => edit_record(client, entity_type, id, body).await,
        }
    }

    /// Carry a merged or linked row's values to record `id`, the record it joined. `add`: the
    /// migration created that record, so the row's multi-value items it lacks are added
    /// ([`add_values`]); otherwise (a record that was in Nutshell before) nothing is sent and
    /// what it lacks is only read ([`read_lacking`]). A dry run sends nothing: it reads a record
    /// that exists (a positive id, with a client), and for one it made up names every
    /// multi-value item of the row as to be added where the record lacks it.
    pub async fn carry(
        &self,
        entity_type: EntityType,
        id: i64,
        body: &Map<String, Value>,
        add: bool,
        skip: &str,
    ) -> Result<(Carried, Option<Made>), NutshellError> {
        match self {
            Sender::Live(client) if add => add_values(client, entity_type, id, body, skip).await,
            Sender::Live(client) => Ok((
                read_lacking(client, entity_type, id, body, skip).await?,
                None,
            )),
            Sender::DryRun {
                client: Some(client),
                ..
            } if id > 0 => Ok((
                read_lacking(client, entity_type, id, body, skip).await?,
                None,
            )),
            Sender::DryRun { .. } => Ok((lacking(entity_type, None, body, skip), None)),
        }
    }
}

/// Gets and edits tried before a record that keeps changing under the tool is given up on.
pub const EDIT_ATTEMPTS: u32 = 5;

/// Multi-value keys merged on edit, by how their items are compared: text items (emails ignoring
/// case, phones by their digits, urls without scheme, `www.` or trailing `/`), addresses by
/// their parts, tags by name, links by id.
const TEXTS: [&str; 3] = ["email", "phone", "url"];
const PLACES: [&str; 1] = ["address"];
const NAMES: [&str; 1] = ["tags"];
const LINKS: [&str; 4] = ["contacts", "accounts", "participants", "leads"];

/// Every multi-value key the builder sends: what Nutshell replaces whole on edit
/// (docs/nutshell-api.md, `edit*`), and what a merged row carries to the record it joined.
pub const MULTI_VALUE_KEYS: [&str; 9] = [
    "email",
    "phone",
    "url",
    "address",
    "tags",
    "contacts",
    "accounts",
    "participants",
    "leads",
];

/// Whose items come first in a merged multi-value field (the first is Nutshell's primary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum First {
    /// The body's: an edit of the record from its own row (RSoft's primary stays primary).
    Body,
    /// The record's: a merged row's values added to a record another row made, which keeps
    /// its own primary email, phone, url and address.
    Record,
}

/// Merge `current` (the record as Nutshell answers `get*`) into `body` (the edit the builder
/// made) for the multi-value keys the body sends: `first`'s items first, then each of the
/// other's it lacks. Keys the body does not send are left out, so Nutshell keeps them as they
/// are.
pub fn merge_multi_values(
    current: &Map<String, Value>,
    body: &mut Map<String, Value>,
    first: First,
) {
    for key in TEXTS {
        let Some(sent) = body.get(key) else { continue };
        let ours = if key == "email" {
            emails_of(body)
        } else {
            texts(sent)
        };
        let theirs = texts(current.get(key).unwrap_or(&Value::Null));
        let (lead, rest) = match first {
            First::Body => (ours, theirs),
            First::Record => (theirs, ours),
        };
        let mut items: Vec<String> = Vec::new();
        for item in lead.into_iter().chain(rest) {
            let c = comparable(key, &item);
            if !c.is_empty() && !items.iter().any(|i| comparable(key, i) == c) {
                items.push(item);
            }
        }
        body.insert(key.into(), Value::from(items));
    }
    for key in PLACES {
        let Some(sent) = body.get(key) else { continue };
        let ours: Vec<Value> = items(sent).into_iter().cloned().collect();
        let theirs: Vec<Value> = items(current.get(key).unwrap_or(&Value::Null))
            .into_iter()
            .cloned()
            .collect();
        let (lead, rest) = match first {
            First::Body => (ours, theirs),
            First::Record => (theirs, ours),
        };
        let mut places: Vec<Value> = Vec::new();
        for place in lead.into_iter().chain(rest) {
            let c = place_key(&place);
            if !c.is_empty() && !places.iter().any(|p| place_key(p) == c) {
                places.push(place);
            }
        }
        body.insert(key.into(), Value::from(places));
    }
    for key in NAMES {
        let Some(Value::Array(sent)) = body.get_mut(key) else {
            continue;
        };
        for have in texts(current.get(key).unwrap_or(&Value::Null)) {
            if !sent
                .iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(&have)))
            {
                sent.push(Value::from(have));
            }
        }
    }
    for key in LINKS {
        let Some(Value::Array(sent)) = body.get_mut(key) else {
            continue;
        };
        let Some(Value::Array(have)) = current.get(key) else {
            continue;
        };
        for item in have {
            let Some(id) = item.get("id").and_then(Value::as_i64) else {
                continue;
            };
            let kind = item.get("entityType").and_then(Value::as_str);
            if !links_to(sent, id, kind) {
                // Send back only what the create sends: the id (and its type, for
                // participants), never the rendered link's name or rev.
                let mut link = Map::new();
                if key == "participants"
                    && let Some(t) = kind
                {
                    link.insert("entityType".into(), Value::from(t));
                }
                link.insert("id".into(), Value::from(id));
                if let Some(r) = item.get("relationship").filter(|r| r.is_string()) {
                    link.insert("relationship".into(), r.clone());
                }
                sent.push(Value::Object(link));
            }
        }
    }
}

/// Whether the link list `links` names record `id` (of type `kind`, when both say).
fn links_to(links: &[Value], id: i64, kind: Option<&str>) -> bool {
    links.iter().any(|s| {
        s.get("id").and_then(Value::as_i64) == Some(id)
            && s.get("entityType")
                .and_then(Value::as_str)
                .is_none_or(|t| kind.is_none_or(|k| k == t))
    })
}

/// The items of a multi-value field: a list, a `{label: item}` map (Nutshell's rendering, whose
/// `--primary` entry repeats one of the others), or one item.
fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(list) => list.iter().collect(),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !k.starts_with("--"))
            .map(|(_, v)| v)
            .collect(),
        Value::Null => Vec::new(),
        _ => vec![v],
    }
}

/// The strings of a multi-value field (see [`items`]); a phone rendered as an object gives the
/// text the tool sends for it ([`loose::phone_text`]: `+E164 xEXT`, not the bare `number`).
pub(super) fn texts(v: &Value) -> Vec<String> {
    items(v)
        .into_iter()
        .filter_map(|i| match i {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => loose::phone_text(i).or_else(|| {
                ["value", "address"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_str))
                    .map(str::to_string)
            }),
            _ => None,
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// How two text items of `key` compare: phones by their digits (an extension's too, so two
/// desks at one number stay two), urls without scheme, `www.` and trailing `/`, the rest
/// ignoring case.
fn comparable(key: &str, item: &str) -> String {
    match key {
        "phone" => loose::phone_digits(item),
        "url" => {
            let lower = item.trim().to_lowercase();
            let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
            let rest = rest.strip_prefix("www.").unwrap_or(rest);
            rest.trim_end_matches('/').to_string()
        }
        _ => item.trim().to_lowercase(),
    }
}

/// The parts of an address, in a fixed order, ignoring case and spacing: two addresses with
/// the same key are one place.
fn place_key(place: &Value) -> String {
    let parts: Vec<String> = ADDRESS_PARTS
        .iter()
        .map(|k| {
            place
                .get(*k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect();
    if parts.iter().all(String::is_empty) {
        String::new()
    } else {
        parts.join("|")
    }
}

/// An address as a person reads it: its parts joined by `, `.
fn place_text(place: &Value) -> String {
    match place {
        Value::Object(o) => o
            .values()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The multi-value keys of a record body: what a merged row's edit may send.
pub fn multi_values(body: &Map<String, Value>) -> Map<String, Value> {
    body.iter()
        .filter(|(k, _)| MULTI_VALUE_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// What a row's own record body holds that a record in Nutshell does not (see [`lacking`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    /// Multi-value items the record lacks, one each: `phone +911126484451`, `tags key account`.
    pub added: Vec<String>,
    /// Single-value fields whose value differs from the record's, one each: (the field's wire
    /// name, the row's value, the record's), values as `engine::compare::show` writes them
    /// (`owner`, `Users 1`, `Users 3 "Priya Sharma"`).
    pub differing: Vec<(String, String, String)>,
}

/// What of `body` (a merged or linked row's own record body, from the record builder) the
/// record `current` (its `get*` answer) lacks: every multi-value item it does not hold, compared
/// as [`merge_multi_values`] compares them, and every single-value field that differs (as
/// verify compares them, `engine::compare`), the custom field `skip` (the legacy id, which
/// always differs between two rows) left out. `current: None` (a record no one can read, such
/// as a dry run's made-up one): every multi-value item, no single-value field.
pub fn lacking(
    entity_type: EntityType,
    current: Option<&Map<String, Value>>,
    body: &Map<String, Value>,
    skip: &str,
) -> Carried {
    let empty = Map::new();
    let have = current.unwrap_or(&empty);
    let mut added = Vec::new();
    for key in MULTI_VALUE_KEYS {
        let Some(sent) = body.get(key) else { continue };
        let theirs = have.get(key).unwrap_or(&Value::Null);
        for item in items(sent) {
            let present = if TEXTS.contains(&key) || NAMES.contains(&key) {
                let Some(text) = texts(item).into_iter().next() else {
                    continue;
                };
                let c = comparable(key, &text);
                let hit = texts(theirs).iter().any(|t| comparable(key, t) == c);
                if !hit {
                    added.push(format!("{key} {text}"));
                }
                continue;
            } else if PLACES.contains(&key) {
                let c = place_key(item);
                c.is_empty() || items(theirs).iter().any(|t| place_key(t) == c)
            } else {
                let (Some(id), Value::Array(links)) =
                    (item.get("id").and_then(Value::as_i64), theirs)
                else {
                    added.push(format!("{key} {}", link_text(item)));
                    continue;
                };
                links_to(links, id, item.get("entityType").and_then(Value::as_str))
            };
            if !present {
                let text = if PLACES.contains(&key) {
                    place_text(item)
                } else {
                    link_text(item)
                };
                added.push(format!("{key} {text}"));
            }
        }
    }
    let mut differing = Vec::new();
    if let Some(current) = current {
        let mut single: Map<String, Value> = body
            .iter()
            .filter(|(k, _)| !MULTI_VALUE_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(Value::Object(fields)) = single.get_mut("customFields") {
            fields.remove(skip);
        }
        let found = Value::Object(current.clone());
        differing = differences(entity_type, &Value::Object(single), &found);
    }
    Carried { added, differing }
}

/// A link as a person reads it: `Accounts 12`, or `12`.
fn link_text(link: &Value) -> String {
    let id = link.get("id").map(|i| i.to_string()).unwrap_or_default();
    match link.get("entityType").and_then(Value::as_str) {
        Some(t) => format!("{t} {id}"),
        None => id,
    }
}

/// Edit record `id` of `entity_type` with `body` (the builder's record body): get, merge the
/// multi-value fields, edit with the current `rev`; on a stale `rev`, again, up to
/// [`EDIT_ATTEMPTS`] times. Returns the id and the new rev.
/// Errors: Nutshell's refusal (a 409 on the last attempt included), or an entity type that has
/// no edit method (notes).
pub async fn edit_record(
    client: &Client,
    entity_type: EntityType,
    id: i64,
    body: &Map<String, Value>,
) -> Result<Made, NutshellError> {
    let (made, ()) = edit_from_current(client, entity_type, id, |current| {
        let mut sent = body.clone();
        merge_multi_values(current, &mut sent, First::Body);
        (Some(sent), ())
    })
    .await?;
    made.ok_or_else(|| no_edit(entity_type))
}

/// Add to record `id` of `entity_type` the multi-value items of `body` (a merged row's own
/// record body) that it lacks: get, [`lacking`], and when something is lacking, edit with the
/// union of the record's items and the row's ([`merge_multi_values`]: Nutshell replaces these
/// fields whole) and the current `rev`, retrying a stale `rev` as [`edit_record`] does. Nothing
/// else of the row is sent. An edit that would add nothing is not sent, so sending it again
/// (a resumed run) is harmless. Returns what was lacking, and the new rev when an edit was sent.
pub async fn add_values(
    client: &Client,
    entity_type: EntityType,
    id: i64,
    body: &Map<String, Value>,
    skip: &str,
) -> Result<(Carried, Option<Made>), NutshellError> {
    let (made, carried) = edit_from_current(client, entity_type, id, |current| {
        let carried = lacking(entity_type, Some(current), body, skip);
        if carried.added.is_empty() {
            return (None, carried);
        }
        let mut sent = multi_values(body);
        merge_multi_values(current, &mut sent, First::Record);
        (Some(sent), carried)
    })
    .await?;
    Ok((carried, made))
}

/// What record `id` of `entity_type` lacks of `body`, read with `get*`; nothing is sent (a record
/// that was in Nutshell before the migration, which the migration does not edit).
pub async fn read_lacking(
    client: &Client,
    entity_type: EntityType,
    id: i64,
    body: &Map<String, Value>,
    skip: &str,
) -> Result<Carried, NutshellError> {
    let current = get_record(client, entity_type, id).await?;
    Ok(lacking(
        entity_type,
        Some(current.as_object().unwrap_or(&Map::new())),
        body,
        skip,
    ))
}

async fn get_record(
    client: &Client,
    entity_type: EntityType,
    id: i64,
) -> Result<Value, NutshellError> {
    let Some(m) = entity_type.methods() else {
        return Err(no_edit(entity_type));
    };
    client.call(Params::new(m.get).set(m.id_param, id)?).await
}

/// The get-then-edit loop: `prepare` turns the record as Nutshell has it into the body to send
/// (`None`: nothing to send) and a value returned with the outcome; a stale `rev` reads the
/// record again and prepares again, up to [`EDIT_ATTEMPTS`] times.
async fn edit_from_current<T>(
    client: &Client,
    entity_type: EntityType,
    id: i64,
    mut prepare: impl FnMut(&Map<String, Value>) -> (Option<Map<String, Value>>, T),
) -> Result<(Option<Made>, T), NutshellError> {
    let Some(m) = entity_type.methods() else {
        return Err(no_edit(entity_type));
    };
    let Some(edit) = m.edit else {
        return Err(no_edit(entity_type));
    };
    let mut stale = 0;
    loop {
        let current = get_record(client, entity_type, id).await?;
        let (sent, out) = prepare(current.as_object().unwrap_or(&Map::new()));
        let Some(sent) = sent else {
            return Ok((None, out));
        };
        // Without the current rev an edit would be refused as stale (or, worse, be blind):
        // a get answer that lacks it is a failure of this record, named at once.
        let Some(rev) = rev_text(current.get("rev")) else {
            return Err(missing_rev(m.get.name, entity_type, id));
        };
        let params = Params::new(edit)
            .set(m.id_param, id)?
            .set(methods::REV, rev)?
            .set(m.body_param(), Value::Object(sent))?;
        match client.call::<Value>(params).await {
            Ok(answer) => {
                let made = Made {
                    id,
                    rev: rev_text(answer.get("rev")),
                };
                return Ok((Some(made), out));
            }
            Err(e) if e.class() == FailureClass::StaleRev && stale + 1 < EDIT_ATTEMPTS => {
                stale += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// A `get` answer for record `id` of `entity_type` that carries no `rev`: the edit is not sent.
fn missing_rev(method: &str, entity_type: EntityType, id: i64) -> NutshellError {
    NutshellError::Shape {
        method: method.to_string(),
        detail: format!(
            "{entity_type} {id} came back with no `rev`, which an edit must send \
             (docs/nutshell-api.md, `edit*`); the edit was not sent. Report this difference \
             in Nutshell's answer"
        ),
    }
}

fn no_edit(entity_type: EntityType) -> NutshellError {
    NutshellError::Shape {
        method: format!("edit {}", entity_type.as_str()),
        detail: "Nutshell has no edit method for this entity type".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn values_a_person_added_survive_and_ours_lead() {
        let current = obj(json!({
            "email": {"--primary": "old@x.in", "1": "old@x.in", "2": "Added@x.in"},
            "phone": ["+91 22 6016 5994", "+919800000001"],
            "tags": ["VIP", "met at fair"],
            "accounts": [{"id": 7, "entityType": "Accounts", "name": "Sharma"}],
        }));
        let mut body = obj(json!({
            "email": ["new@x.in", "added@x.in"],
            "phone": ["+912260165994"],
            "tags": ["vip"],
            "accounts": [{"id": 5}],
            "name": "Ravi",
        }));
        merge_multi_values(&current, &mut body, First::Body);
        assert_eq!(
            Value::Object(body),
            json!({
                "email": ["new@x.in", "added@x.in", "old@x.in"],
                "phone": ["+912260165994", "+919800000001"],
                "tags": ["vip", "met at fair"],
                "accounts": [{"id": 5}, {"id": 7}],
                "name": "Ravi",
            })
        );
    }

    /// A phone's extension is part of which line it is, however it is spelled: one desk's
    /// number is not repeated, another desk at the same number is kept.
    #[test]
    fn phones_compare_with_their_extension() {
        let current = obj(json!({
            "phone": ["+91 22 4000 1234 ext. 12", "+912240001234"],
        }));
        let mut body = obj(json!({
            "phone": ["+912240001234 x12", "+912240001234 x13"],
        }));
        merge_multi_values(&current, &mut body, First::Body);
        assert_eq!(
            Value::Object(body),
            json!({
                "phone": ["+912240001234 x12", "+912240001234 x13", "+912240001234"],
            })
        );
    }

    /// A merged row's values are added after the record's own: the record another row made
    /// keeps its primary email, url and address (a new-user trial saw the joining row's become
    /// primary).
    #[test]
    fn a_merged_rows_values_come_after_the_records() {
        let current = obj(json!({
            "email": {"--primary": "info@raoagro.in", "1": "info@raoagro.in"},
            "url": ["www.raoagro.in"],
            "address": [{"city": "Pune"}],
        }));
        let mut body = obj(json!({
            "email": ["sales@raoagro.in", "INFO@raoagro.in"],
            "url": ["raoagro.co.in"],
            "address": [{"city": "Delhi"}],
        }));
        merge_multi_values(&current, &mut body, First::Record);
        assert_eq!(
            Value::Object(body),
            json!({
                "email": ["info@raoagro.in", "sales@raoagro.in"],
                "url": ["www.raoagro.in", "raoagro.co.in"],
                "address": [{"city": "Pune"}, {"city": "Delhi"}],
            })
        );
    }

    #[test]
    fn keys_the_body_does_not_send_are_left_to_nutshell() {
        let current = obj(json!({"phone": ["+919800000001"], "tags": ["a"]}));
        let mut body = obj(json!({"name": "Ravi"}));
        merge_multi_values(&current, &mut body, First::Body);
        assert_eq!(Value::Object(body), json!({"name": "Ravi"}));
    }

    #[test]
    fn participants_keep_their_type() {
        let current = obj(json!({"participants": [
            {"entityType": "Contacts", "id": 3, "name": "A"},
            {"entityType": "Users", "id": 3, "name": "U"}
        ]}));
        let mut body = obj(json!({"participants": [{"entityType": "Contacts", "id": 3}]}));
        merge_multi_values(&current, &mut body, First::Body);
        assert_eq!(
            body["participants"],
            json!([{"entityType": "Contacts", "id": 3}, {"entityType": "Users", "id": 3}])
        );
    }

    #[test]
    fn urls_and_addresses_are_merged_not_replaced() {
        let current = obj(json!({
            "url": ["https://www.gupta.in/", "gupta.co.in"],
            "address": {"--primary": {"city": "Delhi"}, "1": {"address_1": "47 Nehru Nagar", "city": "Delhi"}},
        }));
        let mut body = obj(json!({
            "url": ["www.gupta.in"],
            "address": [{"address_1": "286 Brigade Road", "city": "Delhi"}, {"address_1": "47  nehru nagar", "city": "DELHI"}],
        }));
        merge_multi_values(&current, &mut body, First::Body);
        assert_eq!(
            Value::Object(body),
            json!({
                "url": ["www.gupta.in", "gupta.co.in"],
                "address": [
                    {"address_1": "286 Brigade Road", "city": "Delhi"},
                    {"address_1": "47  nehru nagar", "city": "DELHI"},
                ],
            })
        );
    }

    #[test]
    fn what_a_record_lacks_is_named_item_by_item_and_differing_fields_by_value() {
        let current = obj(json!({
            "name": "Gupta & Sons",
            "description": "Metals",
            "owner": {"entityType": "Users", "id": 3, "name": "Priya Sharma"},
            "phone": {"--primary": "+911163736011", "1": "+911163736011"},
            "email": ["sales@guptasons.com"],
            "tags": ["Key Account"],
            "customFields": {"RSoft ID": "COMP-1005", "GST Number": "07WS"},
        }));
        let body = obj(json!({
            "name": "Gupta & Sons",
            "description": "Metals",
            "owner": {"entityType": "Users", "id": 1},
            "phone": ["+91 11 6373 6011", "+911126484451"],
            "email": ["SALES@guptasons.com", "contact@guptasons.com"],
            "tags": ["key account", "delhi"],
            "address": [{"address_1": "286 Brigade Road"}],
            "accounts": [{"id": 7}],
            "customFields": {"RSoft ID": "COMP-1016", "GST Number": "07AW"},
        }));
        let c = lacking(EntityType::Accounts, Some(&current), &body, "RSoft ID");
        assert_eq!(
            c.added,
            [
                "email contact@guptasons.com",
                "phone +911126484451",
                "address 286 Brigade Road",
                "tags delhi",
                "accounts 7",
            ]
        );
        assert_eq!(
            c.differing,
            [
                (
                    "customFields.GST Number".to_string(),
                    "\"07AW\"".to_string(),
                    "\"07WS\"".to_string()
                ),
                (
                    "owner".to_string(),
                    "Users 1".to_string(),
                    "Users 3 \"Priya Sharma\"".to_string()
                ),
            ]
        );
        // A record no one can read (a dry run's made-up one): every item, no field compared.
        let unread = lacking(EntityType::Accounts, None, &body, "RSoft ID");
        assert_eq!(unread.added.len(), 8);
        assert!(unread.differing.is_empty());
    }
}
