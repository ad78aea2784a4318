//! Where the API lives: a configured URL or one discovered with `getApiForUsername`, held to one
//! rule — `https://`, except on loopback where `http://` is allowed for the local sandbox.

use std::net::IpAddr;

use reqwest::Url;
use serde_json::{Value, json};

use super::methods;

/// Why the configured endpoint cannot be used; found before any connection is made, except
/// [`EndpointError::Discovery`]. Each message names the config key to change.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error(
        "the Nutshell endpoint {url:?} is not a valid URL: {reason}. Set [nutshell] endpoint to e.g. https://app.nutshell.com/api/v1/json"
    )]
    /// Not a URL at all.
    Invalid {
        /// The text as configured.
        url: String,
        /// The URL parser's reason.
        reason: String,
    },
    #[error(
        "refusing {url}: http:// is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost). Use https:// so the API key is not sent in clear text"
    )]
    /// `http://` to a host that is not loopback: the key would cross the network in clear.
    InsecureRemote {
        /// The URL as configured.
        url: String,
    },
    #[error(
        "the Nutshell endpoint {url} carries a user name or password; remove it: credentials come from [nutshell] username and api_key_env"
    )]
    /// The URL embeds `user:password@`; credentials only come from the config.
    CredentialsInUrl {
        /// The URL with its credentials removed.
        url: String,
    },
    #[error(
        "endpoint discovery for {username} at {discovery_url} failed: {detail}. Set [nutshell] endpoint to the API URL instead"
    )]
    /// `getApiForUsername` (docs/nutshell-api.md: endpoint discovery) did not give an API host.
    Discovery {
        /// The username asked about.
        username: String,
        /// Where discovery was asked (`https://api.nutshell.com/v1/json` unless overridden).
        discovery_url: String,
        /// What went wrong: the transport error or the answer that had no `api` host.
        detail: String,
    },
    #[error(
        "[nutshell] username is not set: set it to the Nutshell user (primary email) the API key belongs to"
    )]
    /// Discovery needs a username and none is configured.
    MissingUsername,
    #[error(
        "[nutshell] names no endpoint and no username: set endpoint to the Nutshell JSON-RPC URL (or \"sandbox\" for the built-in one), or username to the Nutshell user whose host is then discovered{also}"
    )]
    /// Neither an endpoint nor a username (to discover one) is configured; `also` names the
    /// API key variable when it is unset too, so both are said at once.
    NoEndpoint {
        /// `""`, or `; the API key variable NUTSHELL_API_KEY is not set either: export it`.
        also: String,
    },
    #[error(
        "endpoint = \"sandbox\" names the built-in sandbox, which has no fixed URL: start it first (`crm-migrate sandbox` prints its URL) or use a command that starts it itself, such as check-api"
    )]
    /// `endpoint = "sandbox"` reached a command that cannot start the sandbox itself.
    SandboxNotStarted,
}

/// A checked JSON-RPC endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
}

impl Endpoint {
    /// Parse and check a URL against the transport policy, before any connection is made.
    pub fn parse(text: &str) -> Result<Self, EndpointError> {
        let url = Url::parse(text.trim()).map_err(|e| EndpointError::Invalid {
            url: text.to_owned(),
            reason: e.to_string(),
        })?;
        check_url(&url)?;
        Ok(Self { url })
    }

    /// The checked URL (https, or http to loopback; no credentials in it).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// `POST {origin}/rest/{collection}/customfield`: the REST API shares the JSON-RPC origin.
    pub fn rest_custom_field_url(&self, collection: &str) -> Url {
        self.rest_url(&format!("{collection}/{}", methods::REST_CUSTOM_FIELD))
    }

    /// `{origin}/rest/{path}` on the same origin as the JSON-RPC endpoint, no query.
    pub fn rest_url(&self, path: &str) -> Url {
        let mut url = self.url.clone();
        url.set_path(&format!("{}/{path}", methods::REST_PREFIX));
        url.set_query(None);
        url.set_fragment(None);
        url
    }
}

/// The transport rule: https anywhere, http only on loopback, no credentials in the URL.
pub fn check_url(url: &Url) -> Result<(), EndpointError> {
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_password(None);
        let _ = shown.set_username("");
        return Err(EndpointError::CredentialsInUrl {
            url: shown.to_string(),
        });
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(EndpointError::InsecureRemote {
            url: url.to_string(),
        }),
        other => Err(EndpointError::Invalid {
            url: url.to_string(),
            reason: format!("the scheme must be https (or http on loopback), not {other:?}"),
        }),
    }
}

/// 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => {
            let d = bare.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

/// Ask the discovery service which host serves `username`, unauthenticated, and build the
/// endpoint from its answer (`{"api":"app.nutshell.com"}` → `https://app.nutshell.com/api/v1/json`).
pub async fn discover(
    http: &reqwest::Client,
    discovery_url: &str,
    username: &str,
) -> Result<Endpoint, EndpointError> {
    let fail = |detail: String| EndpointError::Discovery {
        username: username.to_owned(),
        discovery_url: discovery_url.to_owned(),
        detail,
    };
    let discovery = Endpoint::parse(discovery_url)?;
    let request = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": methods::GET_API_FOR_USERNAME.name,
        "params": { methods::USERNAME: username },
    });
    let response = http
        .post(discovery.url().clone())
        .json(&request)
        .send()
        .await
        .map_err(|e| fail(e.without_url().to_string()))?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| {
        fail(format!(
            "HTTP {status}, body is not JSON ({})",
            e.without_url()
        ))
    })?;
    if let Some(error) = body.get("error").filter(|e| !e.is_null()) {
        return Err(fail(format!("the service answered an error: {error}")));
    }
    let api = body
        .get("result")
        .and_then(|r| r.get(methods::DISCOVERY_API_FIELD))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            fail(format!(
                "the answer has no result.{}",
                methods::DISCOVERY_API_FIELD
            ))
        })?;
    endpoint_for_api_host(api)
}

/// `app.nutshell.com` → `https://app.nutshell.com/api/v1/json`. An answer that is already a URL
/// (a local sandbox answers `http://127.0.0.1:PORT`) keeps its scheme, still under the policy.
pub fn endpoint_for_api_host(api: &str) -> Result<Endpoint, EndpointError> {
    let api = api.trim().trim_end_matches('/');
    let origin = if api.starts_with("http://") || api.starts_with("https://") {
        api.to_owned()
    } else {
        format!("https://{api}")
    };
    Endpoint::parse(&format!("{origin}{}", methods::JSON_RPC_PATH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_url_shares_the_origin() {
        let e = Endpoint::parse("https://app.nutshell.com/api/v1/json").unwrap();
        assert_eq!(
            e.rest_custom_field_url("leads").as_str(),
            "https://app.nutshell.com/rest/leads/customfield"
        );
    }

    #[test]
    fn discovered_host_becomes_an_https_endpoint() {
        let e = endpoint_for_api_host("app01.nutshell.com").unwrap();
        assert_eq!(e.url().as_str(), "https://app01.nutshell.com/api/v1/json");
        assert!(matches!(
            endpoint_for_api_host("http://evil.example"),
            Err(EndpointError::InsecureRemote { .. })
        ));
    }
}
