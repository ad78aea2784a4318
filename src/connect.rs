//! One way to reach the destination: start the built-in sandbox or connect to the configured
//! Nutshell endpoint, for every command and the wizard. It sits above `nutshell/` and `sandbox/`
//! so neither knows the other.

use crate::config::{ApiKey, Config, ConfigError, EndpointSetting, LoadConfig};
use crate::nutshell::{self, Client, ClientOptions, Endpoint, EndpointError, NutshellError};
use crate::sandbox::{RunningSandbox, Sandbox, SandboxError, SandboxOptions};

/// Why no client could be made. Each message says what to change.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The config is missing something the connection needs (e.g. the API key variable).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The endpoint is refused (http off loopback, not a URL, discovery failed) or the client
    /// could not be built.
    #[error(transparent)]
    Nutshell(#[from] NutshellError),
    /// The built-in sandbox did not start.
    #[error("cannot start the built-in sandbox: {0}")]
    Sandbox(#[from] SandboxError),
}

impl From<EndpointError> for ConnectError {
    fn from(e: EndpointError) -> Self {
        Self::Nutshell(e.into())
    }
}

/// A client for the destination `config` names, and the sandbox behind it when the endpoint is
/// `"sandbox"` (keep it alive while the client is used; `shutdown` it at the end). Discovery by
/// username asks `methods::DEFAULT_DISCOVERY_URL` (docs/nutshell-api.md, "Transport").
///
/// Order of checks, so the operator is told the first thing to fix: the endpoint URL against the
/// transport policy (http only on loopback), then the API key variable, then the username, then
/// any network call. Must run inside a tokio runtime (the sandbox serves on it).
pub async fn connect(config: &Config) -> Result<(Client, Option<RunningSandbox>), ConnectError> {
    connect_with_discovery(config, nutshell::methods::DEFAULT_DISCOVERY_URL).await
}

/// The built-in sandbox's state file in the state dir, so successive commands of one migration
/// (`migrate`, `verify`, `rollback`) see the same data.
pub const SANDBOX_STATE_FILE: &str = "sandbox-state.json";

/// [`connect`] for the commands that work on a migration's records: with `endpoint =
/// "sandbox"` the built-in sandbox loads and keeps its state in `<state dir>/`
/// [`SANDBOX_STATE_FILE`], so a second run (after owners.toml is filled in, a resume, a delta,
/// verify, rollback) sees what the first created. Shut the sandbox down at the end: that saves
/// its last changes.
pub async fn connect_saved(
    config: &Config,
) -> Result<(Client, Option<RunningSandbox>), ConnectError> {
    if config.nutshell.endpoint_setting() == EndpointSetting::Sandbox {
        let sandbox = Sandbox::start(SandboxOptions {
            state_file: Some(config.state_dir().join(SANDBOX_STATE_FILE)),
            ..SandboxOptions::default()
        })
        .await?;
        let client = sandbox_client(&sandbox, &config.load)?;
        return Ok((client, Some(sandbox)));
    }
    connect(config).await
}

/// [`connect`] with the discovery service at `discovery_url` (tests point it at a local mock).
pub async fn connect_with_discovery(
    config: &Config,
    discovery_url: &str,
) -> Result<(Client, Option<RunningSandbox>), ConnectError> {
    match config.nutshell.endpoint_setting() {
        EndpointSetting::Sandbox => {
            let sandbox = Sandbox::start(SandboxOptions::default()).await?;
            let client = sandbox_client(&sandbox, &config.load)?;
            return Ok((client, Some(sandbox)));
        }
        // Refused before the key is asked for: an http URL off loopback is the thing to fix.
        EndpointSetting::Url(url) => drop(Endpoint::parse(url)?),
        // No endpoint and nothing to discover it by: that is the first thing to fix, and a
        // missing key is said with it rather than before it.
        EndpointSetting::Discover if config.nutshell.username().is_none() => {
            let also = match config.api_key() {
                Err(ConfigError::MissingApiKey { var }) => format!(
                    "; the API key variable {var} (api_key_env) is not set either: export it with the Nutshell API key"
                ),
                _ => String::new(),
            };
            return Err(EndpointError::NoEndpoint { also }.into());
        }
        EndpointSetting::Discover => {}
    }
    let key: ApiKey = config.api_key()?;
    let client = nutshell::connect(config, &key, discovery_url).await?;
    Ok((client, None))
}

/// A client for a sandbox started in this process, with the sandbox's own credentials.
pub fn sandbox_client(
    sandbox: &RunningSandbox,
    load: &LoadConfig,
) -> Result<Client, NutshellError> {
    let endpoint = Endpoint::parse(&sandbox.endpoint())?;
    let credentials = sandbox.credentials();
    Client::new(
        ClientOptions::new(endpoint, &credentials.username, load),
        &credentials.api_key,
    )
}

/// Where a connection goes, in words for the operator: "the built-in sandbox" or
/// "Nutshell at URL".
pub fn describe(client: &Client, sandbox: Option<&RunningSandbox>) -> String {
    match sandbox {
        Some(_) => "the built-in sandbox".to_owned(),
        None => format!("Nutshell at {}", client.endpoint().url()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn http_off_loopback_is_refused_before_the_key_is_asked_for() {
        let config = Config::parse(
            "[nutshell]\nendpoint = \" http://crm.example.com/api/v1/json \"\nusername = \"a@b.c\"\napi_key_env = \"CRM_MIGRATE_TEST_UNSET_KEY_VAR\"\n",
        )
        .unwrap();
        let Err(e) = connect(&config).await else {
            panic!("an http endpoint off loopback was accepted");
        };
        assert!(
            matches!(
                e,
                ConnectError::Nutshell(NutshellError::Endpoint(
                    EndpointError::InsecureRemote { .. }
                ))
            ),
            "{e:?}"
        );
    }

    /// No endpoint, no username and no key (trial finding): the endpoint is named first, with
    /// the key in the same message.
    #[tokio::test]
    async fn no_endpoint_is_said_before_the_key_and_with_it() {
        let config =
            Config::parse("[nutshell]\napi_key_env = \"CRM_MIGRATE_TEST_UNSET_KEY_VAR\"\n")
                .unwrap();
        let Err(e) = connect(&config).await else {
            panic!("connected with no endpoint");
        };
        let text = e.to_string();
        assert!(
            text.starts_with("[nutshell] names no endpoint and no username")
                && text.contains("CRM_MIGRATE_TEST_UNSET_KEY_VAR (api_key_env) is not set either"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn sandbox_setting_starts_one_and_connects_with_its_credentials() {
        let config = Config::parse("[nutshell]\nendpoint = \"  sandbox \"\n").unwrap();
        let (client, sandbox) = connect(&config).await.unwrap();
        let sandbox = sandbox.expect("a sandbox was started");
        assert_eq!(client.endpoint().url().as_str(), sandbox.endpoint());
        assert_eq!(client.username(), sandbox.credentials().username);
        assert_eq!(describe(&client, Some(&sandbox)), "the built-in sandbox");
        sandbox.shutdown().await.unwrap();
    }
}
