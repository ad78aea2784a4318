//! DESTINATION: the Nutshell client. JSON-RPC 2.0 (and one REST call for custom fields) over
//! HTTPS with Basic auth, typed records, a pre-flight check of the live API, and an adaptive
//! throttle whose every failure is classified (retry-safe, ambiguous, stale rev, permanent).
//!
//! Method and parameter names live only in [`methods`]; the shapes in docs/nutshell-api.md.

pub mod client;
pub mod endpoint;
pub mod entity_type;
pub mod error;
pub mod loose;
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

use crate::config::{ApiKey, Config, EndpointSetting};

/// Resolve the configured endpoint (a URL, or discovery by username at `discovery_url`) and
/// build a client for it. `endpoint = "sandbox"` is refused here: this layer does not start the
/// sandbox; `crate::connect::connect` does, and is what commands call.
pub async fn connect(
    config: &Config,
    key: &ApiKey,
    discovery_url: &str,
) -> Result<Client, NutshellError> {
    let username = config
        .nutshell
        .username()
        .ok_or(EndpointError::MissingUsername)?;
    let endpoint = match config.nutshell.endpoint_setting() {
        EndpointSetting::Sandbox => return Err(EndpointError::SandboxNotStarted.into()),
        EndpointSetting::Url(url) => Endpoint::parse(url)?,
        EndpointSetting::Discover => {
            let http = client::http_client(std::time::Duration::from_secs(30))?;
            endpoint::discover(&http, discovery_url, username).await?
        }
    };
    Client::new(ClientOptions::new(endpoint, username, &config.load), key)
}
