//! The Service Mapping Description an unauthenticated GET on the endpoint returns, generated from
//! the method table so it always lists exactly what the sandbox serves.

use serde_json::{Map, Value, json};

use super::methods::METHODS;

/// The endpoint's path, as Nutshell serves it.
pub const ENDPOINT_PATH: &str = "/api/v1/json";

pub fn describe() -> Value {
    let services: Map<String, Value> = METHODS
        .iter()
        .map(|m| {
            let params: Vec<Value> = m
                .params
                .iter()
                .map(|p| json!({"name": p.name, "optional": p.optional}))
                .collect();
            (m.name.clone(), json!({"parameters": params}))
        })
        .collect();
    json!({
        "SMDVersion": "2.0",
        "transport": "POST",
        "envelope": "JSON-RPC-2.0",
        "contentType": "application/json",
        "target": ENDPOINT_PATH,
        "services": services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_methods_with_parameters() {
        let smd = describe();
        let edit = &smd["services"]["editLead"]["parameters"];
        assert_eq!(
            edit,
            &json!([
                {"name": "leadId", "optional": false},
                {"name": "rev", "optional": false},
                {"name": "lead", "optional": false},
            ])
        );
        assert_eq!(smd["services"]["newNote"]["parameters"][1]["name"], "note");
        assert_eq!(smd["services"].as_object().unwrap().len(), METHODS.len());
    }
}
