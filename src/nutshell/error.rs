//! What can go wrong talking to Nutshell, and what the caller may do about it. Messages never
//! carry the API key: the client never puts it anywhere but the Authorization header, and bodies
//! quoted here are the server's answers, not the requests.

use std::time::Duration;

use serde_json::Value;

/// What a failure lets the caller do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The server did not act on the request (or acting twice is harmless): send it again.
    RetrySafe,
    /// The server may have committed a create: never send it again; look the record up.
    Ambiguous,
    /// The `rev` was stale: get the record, merge, edit again with the new rev.
    StaleRev,
    /// Sending it again gives the same answer: validation, auth, not found.
    Permanent,
}

/// How a request failed below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection was made; nothing was sent.
    Connect,
    /// No full answer within the client's timeout; the request may have been processed.
    Timeout,
    /// The connection closed or reset before a full answer came.
    Dropped,
}

/// Why a call to Nutshell failed. Each message names the method and says what to do; the API key
/// never appears in one. [`NutshellError::class`] says whether it may be retried.
#[derive(Debug, thiserror::Error)]
pub enum NutshellError {
    /// The endpoint setting is unusable or discovery failed.
    #[error(transparent)]
    Endpoint(#[from] super::endpoint::EndpointError),

    #[error(
        "{method}: Nutshell refused the credentials (HTTP {status}). Check [nutshell] username and the API key in the variable named by api_key_env"
    )]
    /// Nutshell refused the credentials (HTTP 401 or 403): wrong username or key.
    Auth {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The HTTP status.
        status: u16,
    },

    #[error(
        "{method}: the record's rev is out of date ({message}). Read it again, merge, and retry"
    )]
    /// 409 "rev key is out-of-date" (docs/nutshell-api.md).
    StaleRev {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The server's message.
        message: String,
    },

    #[error("{method}: not found ({message}); it may have been deleted in Nutshell")]
    /// The record does not exist (or was deleted).
    NotFound {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The server's message.
        message: String,
    },

    #[error("{method}: Nutshell rejected the call (HTTP {status}, error {code}): {message}")]
    /// A JSON-RPC error the tool has no closer variant for (validation, mostly).
    Rejected {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The HTTP status.
        status: u16,
        /// The JSON-RPC error `code`.
        code: i64,
        /// The JSON-RPC error `message`.
        message: String,
        /// The JSON-RPC error `data`, as sent.
        data: Option<Value>,
    },

    #[error(
        "{method}: Nutshell is rate limiting (HTTP 429); gave up after {attempts} attempts. Lower [load] requests_per_second"
    )]
    /// HTTP 429 on every attempt.
    RateLimited {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The last `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// Attempts made, the first included.
        attempts: u32,
    },

    #[error(
        "{method}: Nutshell server error (HTTP {status}) after {attempts} attempts; try again later"
    )]
    /// HTTP 5xx on every attempt (or on the only attempt a create gets).
    Server {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The last HTTP status.
        status: u16,
        /// The last `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// Attempts made, the first included.
        attempts: u32,
        /// A gateway timeout on a create: the server may have committed it.
        may_have_committed: bool,
    },

    #[error(
        "{method}: HTTP {status} with a body that is not JSON-RPC (starts {snippet:?}); is the endpoint a Nutshell API URL?"
    )]
    /// The body is not JSON-RPC (an HTML page from a proxy, say).
    NotJson {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// The HTTP status.
        status: u16,
        /// The body's first characters.
        snippet: String,
        /// A create answered 2xx with garbage: the server may have committed it.
        may_have_committed: bool,
    },

    #[error("{method}: {}: {detail}", transport_text(*kind, *may_have_committed))]
    /// No HTTP answer: connect failure, timeout or dropped connection.
    Transport {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// What happened below HTTP.
        kind: TransportKind,
        /// The request was sent and was a create: the server may have committed it.
        may_have_committed: bool,
        /// The HTTP library's message.
        detail: String,
    },

    #[error("{method}: the answer did not have the expected shape: {detail}")]
    /// The answer is JSON-RPC but a field the tool uses could not be read (see `loose`), or a
    /// parameter could not be encoded.
    Shape {
        /// The JSON-RPC method called (`newContact`).
        method: String,
        /// Which field and why.
        detail: String,
    },
}

fn transport_text(kind: TransportKind, may_have_committed: bool) -> &'static str {
    match (kind, may_have_committed) {
        (TransportKind::Connect, _) => {
            "cannot connect to Nutshell; check the endpoint and the network"
        }
        (_, true) => {
            "the connection failed after the create was sent, so Nutshell may have created the record; look it up before sending it again"
        }
        (TransportKind::Timeout, false) => "Nutshell did not answer in time",
        (TransportKind::Dropped, false) => "the connection closed before Nutshell answered",
    }
}

impl NutshellError {
    /// What the caller may do about this failure.
    pub fn class(&self) -> FailureClass {
        match self {
            Self::StaleRev { .. } => FailureClass::StaleRev,
            Self::RateLimited { .. } => FailureClass::RetrySafe,
            // A 4xx page that is not JSON-RPC (a wrong URL) will not improve by asking again.
            Self::NotJson {
                status: 400..=499,
                may_have_committed: false,
                ..
            } => FailureClass::Permanent,
            Self::NotJson {
                may_have_committed, ..
            }
            | Self::Server {
                may_have_committed, ..
            }
            | Self::Transport {
                may_have_committed, ..
            } => {
                if *may_have_committed {
                    FailureClass::Ambiguous
                } else {
                    FailureClass::RetrySafe
                }
            }
            Self::Endpoint(_)
            | Self::Auth { .. }
            | Self::NotFound { .. }
            | Self::Rejected { .. }
            | Self::Shape { .. } => FailureClass::Permanent,
        }
    }

    /// The server's requested wait, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Server { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// The JSON-RPC method (or REST path) the failure came from.
    pub fn method(&self) -> &str {
        match self {
            Self::Endpoint(_) => "",
            Self::Auth { method, .. }
            | Self::StaleRev { method, .. }
            | Self::NotFound { method, .. }
            | Self::Rejected { method, .. }
            | Self::RateLimited { method, .. }
            | Self::Server { method, .. }
            | Self::NotJson { method, .. }
            | Self::Transport { method, .. }
            | Self::Shape { method, .. } => method,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport(kind: TransportKind, may_have_committed: bool) -> NutshellError {
        NutshellError::Transport {
            method: "newLead".into(),
            kind,
            may_have_committed,
            detail: String::new(),
        }
    }

    #[test]
    fn every_failure_has_the_class_its_cause_calls_for() {
        let m = || "m".to_owned();
        let cases = [
            (
                transport(TransportKind::Connect, false),
                FailureClass::RetrySafe,
            ),
            (
                transport(TransportKind::Timeout, false),
                FailureClass::RetrySafe,
            ),
            (
                transport(TransportKind::Timeout, true),
                FailureClass::Ambiguous,
            ),
            (
                transport(TransportKind::Dropped, true),
                FailureClass::Ambiguous,
            ),
            (
                NutshellError::RateLimited {
                    method: m(),
                    retry_after: None,
                    attempts: 1,
                },
                FailureClass::RetrySafe,
            ),
            (
                NutshellError::Server {
                    method: m(),
                    status: 500,
                    retry_after: None,
                    attempts: 1,
                    may_have_committed: false,
                },
                FailureClass::RetrySafe,
            ),
            (
                NutshellError::Server {
                    method: m(),
                    status: 504,
                    retry_after: None,
                    attempts: 1,
                    may_have_committed: true,
                },
                FailureClass::Ambiguous,
            ),
            (
                NutshellError::NotJson {
                    method: m(),
                    status: 200,
                    snippet: m(),
                    may_have_committed: false,
                },
                FailureClass::RetrySafe,
            ),
            (
                NutshellError::NotJson {
                    method: m(),
                    status: 404,
                    snippet: m(),
                    may_have_committed: false,
                },
                FailureClass::Permanent,
            ),
            (
                NutshellError::StaleRev {
                    method: m(),
                    message: m(),
                },
                FailureClass::StaleRev,
            ),
            (
                NutshellError::NotFound {
                    method: m(),
                    message: m(),
                },
                FailureClass::Permanent,
            ),
            (
                NutshellError::Auth {
                    method: m(),
                    status: 401,
                },
                FailureClass::Permanent,
            ),
            (
                NutshellError::Rejected {
                    method: m(),
                    status: 200,
                    code: 1,
                    message: m(),
                    data: None,
                },
                FailureClass::Permanent,
            ),
        ];
        for (error, class) in cases {
            assert_eq!(error.class(), class, "{error:?}");
        }
    }
}
