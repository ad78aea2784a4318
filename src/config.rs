//! `crm-migrate.toml`: where the export is, how to read its dates, where Nutshell is, how hard to
//! push it, and where state lives. The API key is never in this file: `api_key_env` names the
//! environment variable that holds it, and [`ApiKey`] never prints its value.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Default config file name, looked up in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "crm-migrate.toml";

/// Why a config could not be used; each message names the file or key and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error(
        "cannot read config file {path}: {source}. Pass --config FILE or create {DEFAULT_CONFIG_FILE} (see config.example.toml)"
    )]
    Read {
        /// The config file.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a bad key or value; `message` gives line and column.
    #[error(
        "config file {path} is not valid: {message}. Fix the line shown (config.example.toml lists every key with an example)"
    )]
    Parse {
        /// The config file (empty when parsing text).
        path: PathBuf,
        /// The TOML reader's message: line, column, the key and what was wrong.
        message: String,
    },
    /// A value parses but cannot be used (e.g. `max_in_flight = 0`).
    #[error("config: {key} = {value:?} is not valid: {hint}")]
    Invalid {
        /// `section.key`.
        key: &'static str,
        /// The value as written.
        value: String,
        /// What to write instead.
        hint: String,
    },
    #[error(
        "the environment variable {var} (named by [nutshell] api_key_env) is not set or empty: export it with the Nutshell API key, then run again"
    )]
    /// The API key variable is unset or blank.
    MissingApiKey {
        /// The variable's name (`[nutshell] api_key_env`).
        var: String,
    },
    /// A command that reads the export found no `[source] export` ([`Config::export_path`]).
    #[error("{file} has no [source] export: set it to the RSoft export folder or .zip")]
    NoExport {
        /// The config file, as the operator named it.
        file: PathBuf,
    },
}

/// The environment variable that moves the state dir (journal, logs, reports, mapping memory) when
/// the config sets no `[migration] state_dir`, and for commands that read no config. Tests and
/// rehearsals point it at a scratch folder so they never touch the operator's real state.
pub const STATE_DIR_ENV: &str = "CRM_MIGRATE_STATE_DIR";

/// What `[nutshell] endpoint` asks for, trimmed and classified in one place
/// ([`NutshellConfig::endpoint_setting`]). The URL itself is checked against the transport policy
/// by `nutshell::Endpoint::parse` when connecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointSetting<'a> {
    /// Unset or blank: ask Nutshell's discovery service (`getApiForUsername`) for the user's host.
    Discover,
    /// `"sandbox"`: start the built-in local sandbox in this process and use its credentials.
    Sandbox,
    /// A JSON-RPC URL, trimmed.
    Url(&'a str),
}

/// The `[nutshell] endpoint` value that means the built-in local sandbox.
pub const SANDBOX_ENDPOINT: &str = "sandbox";

/// The order of day, month and year in the export's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: `25/04/2026` (RSoft's default for Indian accounts).
    #[default]
    Dmy,
    /// Month first: `04/25/2026`.
    Mdy,
    /// Year first: `2026-04-25`.
    Ymd,
}

impl DateOrder {
    /// As `[source] date_order` spells it: `dmy`, `mdy`, `ymd`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
            DateOrder::Ymd => "ymd",
        }
    }

    /// In words, as mapping.toml's `date_order` and the reports say it: `day-first`,
    /// `month-first`, `year-first`.
    pub fn words(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day-first",
            DateOrder::Mdy => "month-first",
            DateOrder::Ymd => "year-first",
        }
    }
}

/// `crm-migrate.toml`, every section optional (defaults below, as in config.example.toml).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[source]`: the export and how its values are written.
    pub source: SourceConfig,
    /// `[nutshell]`: where the API is and who calls it.
    pub nutshell: NutshellConfig,
    /// `[load]`: how hard to push the API.
    pub load: LoadConfig,
    /// `[migration]`: where state and the operator's files live.
    pub migration: MigrationConfig,
    /// `[vocabulary]`: the operator's additions to the header vocabulary.
    #[serde(skip_serializing_if = "VocabularyConfig::is_default")]
    pub vocabulary: VocabularyConfig,
    /// The wizard's key overrides: `[keys.<context>] "key" = "action"` on top of
    /// `assets/keymap.toml` (checked when the wizard starts).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, BTreeMap<String, String>>,
}

/// `[source]`. Defaults (documented, not guessed per export): Asia/Kolkata, dmy, INR, IN — RSoft's
/// Indian defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourceConfig {
    /// The export folder or .zip.
    pub export: Option<PathBuf>,
    /// IANA zone the export's local times are in, parsed when the config loads (an unknown name
    /// is a parse error naming `source.timezone`, the file, line and column, and an example).
    #[serde(with = "iana_zone")]
    pub timezone: chrono_tz::Tz,
    /// The order of day and month in the export's dates.
    pub date_order: DateOrder,
    /// ISO 4217 code for amounts that carry no currency.
    pub currency: String,
    /// ISO 3166 alpha-2 country for phone numbers without a country code.
    pub country: String,
}

/// `[nutshell]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NutshellConfig {
    /// The JSON-RPC endpoint URL, or `"sandbox"` for the built-in local sandbox.
    pub endpoint: Option<String>,
    /// The Nutshell user (primary email) the API key belongs to.
    pub username: Option<String>,
    /// Name of the environment variable that holds the API key.
    pub api_key_env: String,
}

/// `[load]`: ceilings the client's adaptive throttle stays under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadConfig {
    /// Ceiling on requests per second; the client adapts below it.
    pub requests_per_second: f64,
    /// Ceiling on requests in flight at once.
    pub max_in_flight: usize,
}

/// `[migration]`. Relative paths are taken relative to the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MigrationConfig {
    /// Journal, logs and reports; defaults to the platform data dir.
    pub state_dir: Option<PathBuf>,
    /// The field map the operator edits (default `mapping.toml`).
    pub mapping: PathBuf,
    /// The owner decisions the operator edits (default `owners.toml`).
    pub owners: PathBuf,
    /// The custom field on every created record that holds its RSoft ID.
    pub legacy_id_field: String,
}

/// `[vocabulary]`: extends the built-in header vocabulary (`assets/vocabulary.toml`) without a
/// rebuild. Read by `discover --config`, `map`, `migrate`, `verify`, `report` and the wizard
/// whenever they classify the export's files or propose a map.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VocabularyConfig {
    /// A file in the format of `assets/vocabulary.toml` whose entries add spellings to built-in
    /// concepts (by `id`) or add new concepts; it never overrides one. Relative to the config
    /// file.
    pub file: Option<PathBuf>,
}

impl VocabularyConfig {
    fn is_default(&self) -> bool {
        self == &VocabularyConfig::default()
    }
}

impl Default for SourceConfig {
    fn default() -> Self {
        Self {
            export: None,
            timezone: chrono_tz::Asia::Kolkata,
            date_order: DateOrder::Dmy,
            currency: "INR".into(),
            country: "IN".into(),
        }
    }
}

impl NutshellConfig {
    /// The endpoint setting, trimmed and classified: the one place that reads `endpoint`.
    pub fn endpoint_setting(&self) -> EndpointSetting<'_> {
        match self.endpoint.as_deref().map(str::trim) {
            None | Some("") => EndpointSetting::Discover,
            Some(SANDBOX_ENDPOINT) => EndpointSetting::Sandbox,
            Some(url) => EndpointSetting::Url(url),
        }
    }

    /// The username, trimmed; `None` when unset or blank.
    pub fn username(&self) -> Option<&str> {
        self.username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }
}

impl Default for NutshellConfig {
    fn default() -> Self {
        Self {
            endpoint: None,
            username: None,
            api_key_env: "NUTSHELL_API_KEY".into(),
        }
    }
}

impl Default for LoadConfig {
    fn default() -> Self {
        Self {
            requests_per_second: 10.0,
            max_in_flight: 4,
        }
    }
}

impl Default for MigrationConfig {
    fn default() -> Self {
        Self {
            state_dir: None,
            mapping: PathBuf::from("mapping.toml"),
            owners: PathBuf::from("owners.toml"),
            legacy_id_field: "RSoft ID".into(),
        }
    }
}

impl Config {
    /// The export `[source] export` names; `file` is this config's file, named in
    /// [`ConfigError::NoExport`] when the key is missing (`map`, `report`, the wizard's reports).
    pub fn export_path(&self, file: &Path) -> Result<&Path, ConfigError> {
        self.source
            .export
            .as_deref()
            .ok_or_else(|| ConfigError::NoExport {
                file: file.to_path_buf(),
            })
    }

    /// Read and validate a config file. Relative paths inside it are taken relative to the file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Self::parse(&text).map_err(|e| match e {
            ConfigError::Parse { message, .. } => ConfigError::Parse {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })?;
        if let Some(dir) = path.parent() {
            config.resolve_relative_to(dir);
        }
        Ok(config)
    }

    /// Parse and validate config text.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: PathBuf::new(),
            message: e.to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let rps = self.load.requests_per_second;
        if !(rps.is_finite() && rps > 0.0) {
            return Err(ConfigError::Invalid {
                key: "load.requests_per_second",
                value: rps.to_string(),
                hint: "use a positive number of requests per second, e.g. 10".into(),
            });
        }
        if self.load.max_in_flight == 0 {
            return Err(ConfigError::Invalid {
                key: "load.max_in_flight",
                value: "0".into(),
                hint: "use at least 1".into(),
            });
        }
        if self.nutshell.api_key_env.trim().is_empty() {
            return Err(ConfigError::Invalid {
                key: "nutshell.api_key_env",
                value: String::new(),
                hint: "name the environment variable that holds the API key, e.g. NUTSHELL_API_KEY"
                    .into(),
            });
        }
        Ok(())
    }

    fn resolve_relative_to(&mut self, dir: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if let Some(p) = self.source.export.as_mut() {
            fix(p);
        }
        if let Some(p) = self.migration.state_dir.as_mut() {
            fix(p);
        }
        fix(&mut self.migration.mapping);
        fix(&mut self.migration.owners);
        if let Some(p) = self.vocabulary.file.as_mut() {
            fix(p);
        }
    }

    /// The export's time zone (`[source] timezone`, parsed when the config loaded).
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.source.timezone
    }

    /// Where journal, logs and reports go: `[migration] state_dir`, else the folder named by
    /// [`STATE_DIR_ENV`], else the platform data dir (`~/.local/share/crm-migrate` on Linux), else
    /// `./.crm-migrate`.
    pub fn state_dir(&self) -> PathBuf {
        if let Some(dir) = &self.migration.state_dir {
            return dir.clone();
        }
        if let Some(dir) = std::env::var_os(STATE_DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        directories::ProjectDirs::from("", "", "crm-migrate")
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".crm-migrate"))
    }

    /// Read the API key from the environment variable the config names.
    pub fn api_key(&self) -> Result<ApiKey, ConfigError> {
        let var = &self.nutshell.api_key_env;
        match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(ApiKey(v)),
            _ => Err(ConfigError::MissingApiKey { var: var.clone() }),
        }
    }
}

/// `[source] timezone` as an IANA zone name in the file, a [`chrono_tz::Tz`] in memory.
mod iana_zone {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(zone: &chrono_tz::Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(zone.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<chrono_tz::Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.trim().parse().map_err(|_| {
            D::Error::custom(format!(
                "source.timezone = {name:?} is not an IANA time zone: use a zone name such as \"Asia/Kolkata\" or \"America/New_York\""
            ))
        })
    }
}

/// The Nutshell API key. Its `Debug` is redacted and it has no `Display`, so it cannot leak into a
/// log line, an error message or a report by formatting; only [`ApiKey::expose`] hands it out, for
/// the Authorization header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key (read from the environment, or a sandbox's made-up one).
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself: for building the Basic auth header, nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let text = include_str!("../config.example.toml");
        let c = Config::parse(text).unwrap();
        assert_eq!(c.source.timezone, chrono_tz::Asia::Kolkata);
        assert_eq!(c.source.date_order, DateOrder::Dmy);
        assert_eq!(c.nutshell.api_key_env, "NUTSHELL_API_KEY");
        assert_eq!(c.migration.legacy_id_field, "RSoft ID");
    }

    #[test]
    fn rejects_unknown_keys_and_bad_zone() {
        let e = Config::parse("[source]\nexprot = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("exprot"), "{e}");
        let e = Config::parse("[source]\ntimezone = \"India/Delhi\"\n").unwrap_err();
        let text = e.to_string();
        for part in [
            "source.timezone",
            "India/Delhi",
            "Asia/Kolkata",
            "line 2, column 12",
        ] {
            assert!(text.contains(part), "{part:?} missing from: {text}");
        }
        let e = Config::parse("[load]\nmax_in_flight = 0\n").unwrap_err();
        assert!(e.to_string().contains("max_in_flight"), "{e}");
    }

    #[test]
    fn an_unknown_zone_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[source]\ntimezone = \"Mars/Olympus\"\n").unwrap();
        let text = Config::load(&path).unwrap_err().to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("Mars/Olympus"), "{text}");
        let zone = Config::parse("[source]\ntimezone = \"America/New_York\"\n").unwrap();
        assert_eq!(zone.timezone(), chrono_tz::America::New_York);
    }

    #[test]
    fn relative_paths_follow_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[source]\nexport = \"exp\"\n").unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.source.export.unwrap(), dir.path().join("exp"));
        assert_eq!(c.migration.mapping, dir.path().join("mapping.toml"));
    }

    #[test]
    fn endpoint_setting_is_trimmed_and_classified() {
        let parse = |text: &str| Config::parse(&format!("[nutshell]\n{text}\n")).unwrap();
        assert_eq!(
            parse("").nutshell.endpoint_setting(),
            EndpointSetting::Discover
        );
        let blank = parse("endpoint = \"  \"");
        assert_eq!(blank.nutshell.endpoint_setting(), EndpointSetting::Discover);
        let sandbox = parse("endpoint = \" sandbox \"");
        assert_eq!(
            sandbox.nutshell.endpoint_setting(),
            EndpointSetting::Sandbox
        );
        let url = parse("endpoint = \" https://app.nutshell.com/api/v1/json \"");
        assert_eq!(
            url.nutshell.endpoint_setting(),
            EndpointSetting::Url("https://app.nutshell.com/api/v1/json")
        );
    }

    #[test]
    fn vocabulary_file_is_relative_to_the_config_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm-migrate.toml");
        std::fs::write(&path, "[vocabulary]\nfile = \"words.toml\"\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.vocabulary.file, Some(dir.path().join("words.toml")));
        let e = Config::parse("[vocabulary]\nfiles = \"words.toml\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2, column 1") && e.contains("files"), "{e}");
        // Without the section the config serialises as before (its fingerprint does not move).
        let text = toml::to_string(&Config::default()).unwrap();
        assert!(!text.contains("vocabulary"), "{text}");
    }

    #[test]
    fn api_key_debug_is_redacted() {
        let k = ApiKey::new("s3cr3t-key");
        assert!(!format!("{k:?}").contains("s3cr3t"));
    }
}
