//! The pre-flight check: does the live API still list every method and parameter the tool sends
//! (its unauthenticated method description), do the credentials work, and may the API user assign
//! records to other users and delete them (the REST user's `permissions`, docs/nutshell-api.md second
//! pass)?

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::client::{Client, FindOptions};
use super::error::NutshellError;
use super::methods::{self, MethodSpec};
use super::types::{Permissions, User};

/// The methods an endpoint describes, with their parameter names when it lists them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MethodDescription {
    /// `None` when the description names the method but not its parameters.
    pub methods: BTreeMap<String, Option<BTreeSet<String>>>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "the endpoint's method description has no \"services\" (or \"methods\") object; is it a Nutshell JSON-RPC endpoint?"
)]
pub struct NotADescription;

impl MethodDescription {
    /// Read an SMD: `{"services":{"name":{"parameters":[{"name":…}]}}}`. Leniently also a
    /// `"methods"` object, and parameters given as bare strings.
    pub fn parse(smd: &Value) -> Result<Self, NotADescription> {
        let services = smd
            .get("services")
            .or_else(|| smd.get("methods"))
            .and_then(Value::as_object)
            .ok_or(NotADescription)?;
        let methods = services
            .iter()
            .map(|(name, service)| {
                let params = service
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(|p| p.get("name").unwrap_or(p).as_str().map(str::to_owned))
                            .collect()
                    });
                (name.clone(), params)
            })
            .collect();
        Ok(Self { methods })
    }
}

/// One thing the tool uses that the live API does not list. In JSON:
/// `{"kind":"missing_method","method":…}` or `{"kind":"missing_parameter","method":…,"parameter":…}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mismatch {
    MissingMethod { method: String },
    MissingParameter { method: String, parameter: String },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingMethod { method } => write!(f, "method {method} is not listed"),
            Self::MissingParameter { method, parameter } => {
                write!(f, "method {method} does not list parameter {parameter}")
            }
        }
    }
}

/// Everything in `used` the description does not list, sorted.
pub fn diff(used: &[MethodSpec], described: &MethodDescription) -> Vec<Mismatch> {
    let mut out = BTreeSet::new();
    for spec in used {
        match described.methods.get(spec.name) {
            None => {
                out.insert(Mismatch::MissingMethod {
                    method: spec.name.to_owned(),
                });
            }
            Some(None) => {}
            Some(Some(params)) => {
                for p in spec.params.iter().filter(|p| !params.contains(**p)) {
                    out.insert(Mismatch::MissingParameter {
                        method: spec.name.to_owned(),
                        parameter: (*p).to_owned(),
                    });
                }
            }
        }
    }
    out.into_iter().collect()
}

/// What the pre-flight found.
#[derive(Debug)]
pub struct PreflightReport {
    pub endpoint: String,
    /// How many methods the description lists.
    pub described_methods: usize,
    pub mismatches: Vec<Mismatch>,
    /// `None` when the credentials worked; else why not.
    pub credentials_error: Option<NutshellError>,
    /// The API user's permissions, or why they could not be read (the REST path is
    /// UNCONFIRMED, so an unreadable answer is reported, not counted as a failure).
    pub permissions: Result<Permissions, NutshellError>,
}

impl PreflightReport {
    /// The description lists everything, the credentials work, and the API user is not known
    /// to lack a permission the migration needs.
    pub fn is_ok(&self) -> bool {
        self.mismatches.is_empty()
            && self.credentials_error.is_none()
            && self.missing_permissions().is_empty()
    }

    /// The permissions the API user is known to lack, as Nutshell names them.
    pub fn missing_permissions(&self) -> Vec<&'static str> {
        match &self.permissions {
            Ok(p) => [
                (p.can_assign_entities, methods::CAN_ASSIGN_ENTITIES),
                (p.can_delete_entities, methods::CAN_DELETE_ENTITIES),
            ]
            .into_iter()
            .filter(|(allowed, _)| !allowed)
            .map(|(_, name)| name)
            .collect(),
            Err(_) => Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    #[error("cannot read the method description from {endpoint}: {source}")]
    Fetch {
        endpoint: String,
        source: NutshellError,
    },
    #[error("{endpoint}: {source}")]
    Description {
        endpoint: String,
        source: NotADescription,
    },
}

/// Fetch the description, compare it with what the tool sends, then make one cheap
/// authenticated call (`findUsers`, one user).
pub async fn check(client: &Client) -> Result<PreflightReport, PreflightError> {
    let endpoint = client.endpoint().url().to_string();
    let smd = client
        .fetch_description()
        .await
        .map_err(|source| PreflightError::Fetch {
            endpoint: endpoint.clone(),
            source,
        })?;
    let described =
        MethodDescription::parse(&smd).map_err(|source| PreflightError::Description {
            endpoint: endpoint.clone(),
            source,
        })?;
    let mismatches = diff(&methods::used_methods(), &described);
    let options = FindOptions {
        page_size: 1,
        ..FindOptions::default()
    };
    let credentials_error = match client.list::<User>(options) {
        Ok(mut pages) => match pages.next().await {
            Some(Err(e)) => Some(e),
            _ => None,
        },
        Err(e) => Some(e),
    };
    let permissions = if credentials_error.is_none() {
        client.permissions().await
    } else {
        Err(NutshellError::Shape {
            method: "permissions".into(),
            detail: "not read: the credentials were refused".into(),
        })
    };
    Ok(PreflightReport {
        endpoint,
        described_methods: described.methods.len(),
        mismatches,
        credentials_error,
        permissions,
    })
}
