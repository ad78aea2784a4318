//! Every error the sandbox answers with: JSON-RPC code, HTTP status and message, in one place so a
//! correction (Nutshell's real code for "not found" is unconfirmed) is one edit.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// JSON-RPC 2.0: the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC 2.0: not a single call object (a batch array, a missing method, params as a list).
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC 2.0: no such method (sent with HTTP 404, as Nutshell does).
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC 2.0: a parameter, an entity key or a value is not acceptable.
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC 2.0: the sandbox failed (injected fault, state file not writable).
pub const INTERNAL_ERROR: i64 = -32603;
/// "Bad Lead ID" and friends. Nutshell's own code is unconfirmed; this mirrors the HTTP status.
pub const NOT_FOUND: i64 = 404;
/// "rev key is out-of-date" (HTTP 409, as seen against the live API).
pub const STALE_REV: i64 = 409;
/// Above the request ceiling (HTTP 429 with Retry-After); Nutshell publishes none.
pub const RATE_LIMITED: i64 = 429;

/// The message Nutshell sends for a stale `rev`.
pub const STALE_REV_MESSAGE: &str = "rev key is out-of-date";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Value,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: Value::Null,
        }
    }

    /// The HTTP status this error travels with.
    pub fn http_status(&self) -> StatusCode {
        match self.code {
            PARSE_ERROR | INVALID_REQUEST | INVALID_PARAMS => StatusCode::BAD_REQUEST,
            METHOD_NOT_FOUND | NOT_FOUND => StatusCode::NOT_FOUND,
            STALE_REV => StatusCode::CONFLICT,
            RATE_LIMITED => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({"code": self.code, "message": self.message, "data": self.data})
    }

    pub fn parse(detail: &str) -> Self {
        Self::new(
            PARSE_ERROR,
            format!("Parse error: the body is not JSON ({detail})"),
        )
    }

    pub fn invalid_request(why: &str) -> Self {
        Self::new(INVALID_REQUEST, format!("Invalid Request: {why}"))
    }

    pub fn unknown_method(method: &str) -> Self {
        Self::new(METHOD_NOT_FOUND, format!("Method not found: {method}"))
    }

    pub fn unknown_param(method: &str, param: &str) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!("{method} does not take a parameter named \"{param}\""),
        )
    }

    pub fn missing_param(method: &str, param: &str) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!("{method} requires the parameter \"{param}\""),
        )
    }

    /// `path` names where the key sits, e.g. `lead.value`.
    pub fn unknown_key(path: &str, key: &str) -> Self {
        Self::new(INVALID_PARAMS, format!("{path}: unknown key \"{key}\""))
    }

    pub fn missing_key(path: &str, key: &str) -> Self {
        Self::new(INVALID_PARAMS, format!("{path}: \"{key}\" is required"))
    }

    pub fn invalid_value(path: &str, value: &Value, expected: &str) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!("{path}: invalid value {value}: expected {expected}"),
        )
    }

    pub fn naive_timestamp(path: &str, value: &str) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!(
                "{path}: timestamp \"{value}\" has no UTC offset; send e.g. 2024-07-18T12:00:00+0000"
            ),
        )
    }

    pub fn unknown_custom_field(entity_type: &str, name: &str) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!("unknown custom field \"{name}\" for {entity_type}: create it first"),
        )
    }

    /// A reference (owner, primaryAccount, milestoneId, …) to a record that is missing or deleted.
    pub fn bad_reference(path: &str, title: &str, id: &Value) -> Self {
        Self::new(INVALID_PARAMS, format!("{path}: Bad {title} ID {id}"))
    }

    pub fn milestone_not_in_stageset(milestone: u64, stageset: u64) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!("milestone {milestone} does not belong to stageset {stageset}"),
        )
    }

    pub fn end_before_start() -> Self {
        Self::new(
            INVALID_PARAMS,
            "activity.endTime is earlier than activity.startTime",
        )
    }

    pub fn duplicate_tag(name: &str, entity_type: &str) -> Self {
        Self::new(
            INVALID_PARAMS,
            format!("a tag named \"{name}\" already exists for {entity_type}"),
        )
    }

    /// The record a get/edit/delete names does not exist or was deleted.
    pub fn not_found(title: &str, id: u64) -> Self {
        Self::new(NOT_FOUND, format!("Bad {title} ID: {id}"))
    }

    pub fn stale_rev() -> Self {
        Self::new(STALE_REV, STALE_REV_MESSAGE)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::new(
            RATE_LIMITED,
            format!("Too many requests: retry after {retry_after_secs} s"),
        )
    }

    pub fn injected_fault() -> Self {
        Self::new(
            INTERNAL_ERROR,
            "Internal server error (sandbox fault injection)",
        )
    }

    pub fn state_not_saved(detail: &str) -> Self {
        Self::new(
            INTERNAL_ERROR,
            format!("the sandbox could not save its state file: {detail}"),
        )
    }
}

/// The plain-text body of a 401: Nutshell's may not be JSON, so clients must not rely on it.
pub const UNAUTHORIZED_BODY: &str =
    "401 Unauthorized: send HTTP Basic auth with a Nutshell username and its API key";

/// The body of `--non-json-rate` answers: what a proxy's maintenance page looks like.
pub const NON_JSON_BODY: &str =
    "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";

/// Errors of the REST custom-field endpoint (its error shape is unconfirmed).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RestError {
    #[error("{0}")]
    Invalid(String),
    #[error("a custom field named \"{name}\" already exists for {entity_type}")]
    Duplicate { name: String, entity_type: String },
    #[error("unknown entity \"{0}\": use accounts, contacts or leads")]
    UnknownEntity(String),
    #[error("{0}")]
    NotSaved(String),
    #[error("{0}")]
    NotFound(String),
}

impl RestError {
    pub fn http_status(&self) -> StatusCode {
        match self {
            RestError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            RestError::Duplicate { .. } => StatusCode::CONFLICT,
            RestError::UnknownEntity(_) => StatusCode::NOT_FOUND,
            RestError::NotSaved(_) => StatusCode::INTERNAL_SERVER_ERROR,
            RestError::NotFound(_) => StatusCode::NOT_FOUND,
        }
    }
}
