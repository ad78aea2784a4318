//! Nutshell's REST API, the parts the tool needs: `POST /rest/{accounts|contacts|leads}/
//! customfield` with `{"name", "type"}` (body shape unconfirmed) → 201 with the field; the
//! filter lookup `GET /rest/{collection}?filter[<field>]=<value>` and `GET /rest/{collection}/
//! list/fields`; the API user's permissions at `GET /rest/users/{id}`.

use serde_json::{Value, json};

use super::errors::RestError;
use super::schema;
use super::shared::{Shared, changed, writable};
use super::store::{Record, RecordKind, Store};
use super::values::CUSTOM_FIELD_TYPES;

pub fn create_custom_field(shared: &Shared, entity: &str, body: &[u8]) -> Result<Value, RestError> {
    let e = schema::custom_field_entity(entity)
        .ok_or_else(|| RestError::UnknownEntity(entity.to_string()))?;
    let input: Value = serde_json::from_slice(body)
        .map_err(|err| RestError::Invalid(format!("the body is not JSON: {err}")))?;
    let Value::Object(input) = input else {
        return Err(RestError::Invalid("send {\"name\", \"type\"}".into()));
    };
    if let Some(k) = input.keys().find(|k| *k != "name" && *k != "type") {
        return Err(RestError::Invalid(format!("unknown key \"{k}\"")));
    }
    let name = match input.get("name").and_then(Value::as_str).map(str::trim) {
        Some(n) if !n.is_empty() => n,
        _ => {
            return Err(RestError::Invalid(
                "\"name\" must be a non-empty string".into(),
            ));
        }
    };
    let kind = input
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !CUSTOM_FIELD_TYPES.contains(&kind) {
        return Err(RestError::Invalid(format!(
            "\"type\" must be one of {}",
            CUSTOM_FIELD_TYPES.join(", ")
        )));
    }
    let mut store = shared.store();
    writable(shared).map_err(|err| RestError::NotSaved(err.message))?;
    if schema::find_custom_field(&store, e, name).is_some() {
        return Err(RestError::Duplicate {
            name: name.to_string(),
            entity_type: e.entity_type().to_string(),
        });
    }
    let field = schema::insert_custom_field(&mut store, e, name, kind);
    changed(shared);
    Ok(store.render(&field))
}

/// The fields `GET /rest/{collection}?filter[<field>]=` takes besides custom fields.
const FILTERABLE: [&str; 2] = ["name", "email"];

/// `GET /rest/{accounts|contacts|leads}?filter[<field>]=<value>` (docs/nutshell-api.md, second pass
/// [N]): live records whose field equals the value (text compared without case), under the
/// collection's name with REST ids `"<id>-<collection>"`. Any other query parameter, or a field
/// that is neither standard nor a custom field of that entity, is refused.
pub fn filter(
    shared: &Shared,
    collection: &str,
    query: &[(String, String)],
) -> Result<Value, RestError> {
    let e = schema::custom_field_entity(collection)
        .ok_or_else(|| RestError::UnknownEntity(collection.to_string()))?;
    let store = shared.store();
    let mut wanted = Vec::new();
    for (key, value) in query {
        let field = key
            .strip_prefix("filter[")
            .and_then(|k| k.strip_suffix(']'))
            .ok_or_else(|| RestError::Invalid(format!("unknown query parameter \"{key}\"")))?;
        if !FILTERABLE.contains(&field) && schema::custom_field_named(&store, e, field).is_none() {
            return Err(RestError::Invalid(format!(
                "\"{field}\" is not a filterable field of {} (see GET /rest/{collection}/list/fields)",
                e.entity_type()
            )));
        }
        wanted.push((field.to_string(), value.to_lowercase()));
    }
    let matches = |r: &Record| {
        wanted.iter().all(|(field, want)| match field.as_str() {
            "name" => r.display_name().to_lowercase() == *want,
            "email" => r.emails().iter().any(|m| m.to_lowercase() == *want),
            custom => r
                .fields
                .get("customFields")
                .and_then(|c| c.get(custom))
                .is_some_and(|v| match v {
                    Value::String(s) => s.to_lowercase() == *want,
                    other => other.to_string().to_lowercase() == *want,
                }),
        })
    };
    let items: Vec<Value> = store
        .all(e)
        .filter(|r| matches(r))
        .map(|r| rest_shape(&store, r, collection))
        .collect();
    let count = items.len();
    Ok(json!({ collection.to_lowercase(): items, "meta": {"count": count} }))
}

/// `GET /rest/{collection}/list/fields`: the standard and custom fields, each `isFilterable`.
pub fn list_fields(shared: &Shared, collection: &str) -> Result<Value, RestError> {
    let e = schema::custom_field_entity(collection)
        .ok_or_else(|| RestError::UnknownEntity(collection.to_string()))?;
    let store = shared.store();
    let standard = FILTERABLE
        .iter()
        .map(|name| json!({"name": name, "isFilterable": true, "isCustom": false}));
    let custom = store
        .all(RecordKind::CustomFields)
        .filter(|f| f.str_field("forEntityType") == Some(e.entity_type()))
        .map(|f| {
            json!({"name": f.str_field("name"), "type": f.str_field("type"),
                   "isFilterable": true, "isCustom": true})
        });
    Ok(json!({"fields": standard.chain(custom).collect::<Vec<_>>()}))
}

/// `GET /rest/users/{id}`: the user with its `permissions` (`canAssignEntities`,
/// `canDeleteEntities`), which the pre-flight checks for the API user.
pub fn user(shared: &Shared, id: &str) -> Result<Value, RestError> {
    let store = shared.store();
    let number = id.split('-').next().and_then(|n| n.parse::<u64>().ok());
    let user = number
        .and_then(|n| store.live(RecordKind::Users, n))
        .ok_or_else(|| RestError::NotFound(format!("no user {id}")))?;
    let mut shape = rest_shape(&store, user, "users");
    let permissions = user
        .fields
        .get("permissions")
        .cloned()
        .unwrap_or_else(|| json!({"canAssignEntities": true, "canDeleteEntities": true}));
    shape["permissions"] = permissions;
    Ok(json!({"users": [shape]}))
}

/// A record as REST writes it: the JSON-RPC shape with the id as `"<id>-<collection>"`.
fn rest_shape(store: &Store, r: &Record, collection: &str) -> Value {
    let mut v = store.render(r);
    v["id"] = json!(format!("{}-{}", r.id, collection.to_lowercase()));
    v
}
