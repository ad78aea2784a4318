//! Nutshell's REST API, the one part the tool needs: `POST /rest/{accounts|contacts|leads}/
//! customfield` with `{"name", "type"}` (body shape unconfirmed) → 201 with the field.

use serde_json::Value;

use super::errors::RestError;
use super::schema;
use super::shared::{Shared, changed, writable};
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
