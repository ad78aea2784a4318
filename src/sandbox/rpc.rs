//! The JSON-RPC 2.0 envelope: one call object with named params in, `{jsonrpc, id, result,
//! error}` out.

use serde_json::{Map, Value, json};

use super::errors::RpcError;

/// One parsed call.
#[derive(Debug)]
pub struct Call {
    pub id: Value,
    pub method: String,
    pub params: Map<String, Value>,
}

/// The call's id, if the body is a call object (so even a refused call echoes its id).
pub fn call_id(body: &[u8]) -> Value {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .unwrap_or(Value::Null)
}

/// Parse a request body. On error, also the id to answer with (null when unknown).
pub fn parse(body: &[u8]) -> Result<Call, (Value, RpcError)> {
    let request: Value =
        serde_json::from_slice(body).map_err(|e| (Value::Null, RpcError::parse(&e.to_string())))?;
    let Value::Object(mut call) = request else {
        let why = if request.is_array() {
            "batch requests are not supported: send one call per request"
        } else {
            "the body must be one JSON-RPC call object"
        };
        return Err((Value::Null, RpcError::invalid_request(why)));
    };
    let id = call.remove("id").unwrap_or(Value::Null);
    let fail = |why: &str| Err((id.clone(), RpcError::invalid_request(why)));
    if let Some(k) = call
        .keys()
        .find(|k| !["jsonrpc", "method", "params"].contains(&k.as_str()))
    {
        return fail(&format!("unknown member \"{k}\""));
    }
    if call.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return fail("\"jsonrpc\" must be \"2.0\"");
    }
    let Some(method) = call.get("method").and_then(Value::as_str).map(String::from) else {
        return fail("\"method\" must be a string");
    };
    let params = match call.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p,
        Some(_) => return fail("\"params\" must be an object of named parameters"),
    };
    Ok(Call { id, method, params })
}

pub fn envelope(id: &Value, outcome: Result<Value, RpcError>) -> Value {
    match outcome {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result, "error": null}),
        Err(e) => json!({"jsonrpc": "2.0", "id": id, "result": null, "error": e.to_json()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_one_named_call() {
        let c = parse(br#"{"jsonrpc":"2.0","id":"a1","method":"getLead","params":{"leadId":3}}"#)
            .unwrap();
        assert_eq!((c.id, c.method.as_str()), (json!("a1"), "getLead"));
        assert_eq!(c.params["leadId"], 3);
        let (id, e) = parse(br#"{"jsonrpc":"2.0","id":7,"method":"x","extra":1}"#).unwrap_err();
        assert_eq!(
            (id, e.code),
            (json!(7), super::super::errors::INVALID_REQUEST)
        );
        assert!(parse(b"[]").unwrap_err().1.message.contains("batch"));
        assert_eq!(call_id(br#"{"id":5}"#), json!(5));
        assert_eq!(call_id(b"nope"), Value::Null);
    }
}
