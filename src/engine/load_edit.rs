//! A delta's edit of a record an earlier run created: get it (its current `rev` and values),
//! merge the multi-value fields, send `edit<Entity>` with that `rev`; a stale `rev` (409, a
//! person saved the record in between) reads it again and retries (docs/nutshell-api.md
//! "Errors seen": "get, merge, retry").
//!
//! Nutshell replaces a multi-value field whole on edit (docs/nutshell-api.md, `edit*`), so the
//! body sends the union of what Nutshell has and what the export says: an email, phone, tag,
//! linked contact or account a person added in Nutshell since the first run survives. Values are
//! only ever added: a value RSoft dropped stays in Nutshell (the operator removes it there).

use serde_json::{Map, Value};

use super::load_send::{Made, Sender, emails_of, rev_text};
use crate::nutshell::{Client, EntityType, FailureClass, NutshellError, Params, methods};

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
}

/// Gets and edits tried before a record that keeps changing under the tool is given up on.
pub const EDIT_ATTEMPTS: u32 = 5;

/// Multi-value keys merged on edit, by how their items are compared.
const ADDRESSES: [&str; 2] = ["email", "phone"];
const NAMES: [&str; 1] = ["tags"];
const LINKS: [&str; 4] = ["contacts", "accounts", "participants", "leads"];

/// Merge `current` (the record as Nutshell answers `get*`) into `body` (the edit the builder
/// made) for the multi-value keys the body sends: the body's items first (RSoft's primary stays
/// primary), then each of Nutshell's the body lacks. Keys the body does not send are left out,
/// so Nutshell keeps them as they are.
pub fn merge_multi_values(current: &Map<String, Value>, body: &mut Map<String, Value>) {
    for key in ADDRESSES {
        let Some(sent) = body.get(key) else { continue };
        let mut items = if key == "email" {
            emails_of(body)
        } else {
            texts(sent)
        };
        let ours: Vec<String> = items.iter().map(|i| comparable(key, i)).collect();
        for have in texts(current.get(key).unwrap_or(&Value::Null)) {
            let c = comparable(key, &have);
            if !c.is_empty() && !ours.contains(&c) && !items.iter().any(|i| comparable(key, i) == c)
            {
                items.push(have);
            }
        }
        body.insert(key.into(), Value::from(items));
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
            let known = sent.iter().any(|s| {
                s.get("id").and_then(Value::as_i64) == Some(id)
                    && s.get("entityType")
                        .and_then(Value::as_str)
                        .is_none_or(|t| Some(t) == kind)
            });
            if !known {
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

/// The strings of a multi-value field: a list, a `{label: value}` map (Nutshell's rendering,
/// whose `--primary` entry repeats one of the others), or one string.
pub(super) fn texts(v: &Value) -> Vec<String> {
    let items: Vec<&Value> = match v {
        Value::Array(list) => list.iter().collect(),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !k.starts_with("--"))
            .map(|(_, v)| v)
            .collect(),
        Value::String(_) => vec![v],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|i| match i {
            Value::String(s) => Some(s.clone()),
            // A phone rendered as an object carries its number.
            Value::Object(o) => ["number", "value", "address"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
                .map(str::to_string),
            _ => None,
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// How two items of `key` compare: emails ignoring case, phones by their digits.
fn comparable(key: &str, item: &str) -> String {
    if key == "phone" {
        item.chars().filter(char::is_ascii_digit).collect()
    } else {
        item.trim().to_lowercase()
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
    let Some(m) = entity_type.methods() else {
        return Err(no_edit(entity_type));
    };
    let Some(edit) = m.edit else {
        return Err(no_edit(entity_type));
    };
    let mut stale = 0;
    loop {
        let current: Value = client.call(Params::new(m.get).set(m.id_param, id)?).await?;
        let mut sent = body.clone();
        if let Some(current) = current.as_object() {
            merge_multi_values(current, &mut sent);
        }
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
                return Ok(made);
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
        merge_multi_values(&current, &mut body);
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

    #[test]
    fn keys_the_body_does_not_send_are_left_to_nutshell() {
        let current = obj(json!({"phone": ["+919800000001"], "tags": ["a"]}));
        let mut body = obj(json!({"name": "Ravi"}));
        merge_multi_values(&current, &mut body);
        assert_eq!(Value::Object(body), json!({"name": "Ravi"}));
    }

    #[test]
    fn participants_keep_their_type() {
        let current = obj(json!({"participants": [
            {"entityType": "Contacts", "id": 3, "name": "A"},
            {"entityType": "Users", "id": 3, "name": "U"}
        ]}));
        let mut body = obj(json!({"participants": [{"entityType": "Contacts", "id": 3}]}));
        merge_multi_values(&current, &mut body);
        assert_eq!(
            body["participants"],
            json!([{"entityType": "Contacts", "id": 3}, {"entityType": "Users", "id": 3}])
        );
    }
}
