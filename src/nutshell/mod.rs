//! DESTINATION: the Nutshell client. JSON-RPC 2.0 (and one REST call for custom fields) over
//! HTTPS with Basic auth, typed records, a pre-flight check of the live API, and an adaptive
//! throttle whose every failure is classified (retry-safe, ambiguous, stale rev, permanent).
//!
//! Method and parameter names live only in [`methods`]; the shapes in nutshell-api.md.

pub mod client;
pub mod endpoint;
pub mod entity_type;
pub mod error;
pub mod methods;
pub mod preflight;
pub mod retry;
pub mod throttle;
pub mod types;

pub use client::{Client, ClientOptions, FindOptions, Pages, Params};
pub use endpoint::{Endpoint, EndpointError};
pub use entity_type::EntityType;
pub use error::{FailureClass, NutshellError, TransportKind};
pub use throttle::{Throttle, ThrottleSettings, ThrottleSnapshot};
pub use types::*;

use crate::config::{ApiKey, Config, LoadConfig};

/// The `[nutshell] endpoint` value that means the built-in local sandbox.
pub const SANDBOX_ENDPOINT: &str = "sandbox";

/// A client for a sandbox started in this process, with the sandbox's own credentials.
pub fn sandbox_client(
    sandbox: &crate::sandbox::RunningSandbox,
    load: &LoadConfig,
) -> Result<Client, NutshellError> {
    let endpoint = Endpoint::parse(&sandbox.endpoint())?;
    let credentials = sandbox.credentials();
    Client::new(
        ClientOptions::new(endpoint, &credentials.username, load),
        &credentials.api_key,
    )
}

/// Resolve the configured endpoint (a URL, or discovery by username at `discovery_url`) and
/// build a client for it. `"sandbox"` is refused here: whoever starts the sandbox connects with
/// [`sandbox_client`].
pub async fn connect(
    config: &Config,
    key: &ApiKey,
    discovery_url: &str,
) -> Result<Client, NutshellError> {
    let username = config
        .nutshell
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or(EndpointError::MissingUsername)?;
    let endpoint = match config.nutshell.endpoint.as_deref().map(str::trim) {
        Some(SANDBOX_ENDPOINT) => return Err(EndpointError::SandboxNotStarted.into()),
        Some(url) if !url.is_empty() => Endpoint::parse(url)?,
        _ => {
            let options_timeout = std::time::Duration::from_secs(30);
            let http = client::http_client(options_timeout)?;
            endpoint::discover(&http, discovery_url, username).await?
        }
    };
    Client::new(ClientOptions::new(endpoint, username, &config.load), key)
}
