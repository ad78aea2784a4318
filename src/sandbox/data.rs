//! The data file a sandbox starts from (`--data FILE`, TOML or JSON): its users, pipelines,
//! activity types, sources, custom fields, existing records, and the credentials it accepts.
//! The built-in default is `assets/sandbox-default.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use super::store::{RecordKind, Store};
use super::values::CUSTOM_FIELD_TYPES;
use super::{methods, schema};
use crate::config::ApiKey;

const BUILTIN: &str = include_str!("../../assets/sandbox-default.toml");

/// Why a sandbox data file (TOML or JSON, the shape of `assets/sandbox-default.toml`) could not
/// be used. Each message names the file; nothing is loaded when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be read (missing, unreadable).
    #[error("cannot read sandbox data file {path}: {source}")]
    Read {
        /// The data file as given.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML/JSON or does not have the data file's shape; `message` is the
    /// parser's text with its line and column.
    #[error("sandbox data file {path} is not valid: {message}")]
    Parse {
        /// The data file as given.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    #[error(
        "sandbox data file {path}: use a .toml or .json file (see assets/sandbox-default.toml)"
    )]
    /// The file name ends in neither `.toml` nor `.json`, so its format is not guessed.
    Extension {
        /// The data file as given.
        path: PathBuf,
    },
    /// The file parses but a value breaks a rule the live API keeps (for example a custom field
    /// type outside docs/nutshell-api.md's list).
    #[error("sandbox data {path}: {what} is not valid: {message}")]
    Invalid {
        /// The data file as given.
        path: PathBuf,
        /// Which entry is wrong: `custom field NAME` or `account #N` (1-based, file order).
        what: String,
        /// What is wrong and what to use instead.
        message: String,
    },
}

/// The username and API key the sandbox accepts. The key is the sandbox's own, never a real one;
/// it is still an [`ApiKey`], so no Debug print shows it.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The username a client authenticates with (HTTP Basic user, as live Nutshell).
    pub username: String,
    /// The key the sandbox accepts; redacted in every Debug print.
    pub api_key: ApiKey,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthSeed {
    username: String,
    api_key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserSeed {
    first_name: String,
    #[serde(default)]
    last_name: String,
    emails: Vec<String>,
    #[serde(default)]
    administrator: bool,
    #[serde(default = "enabled")]
    enabled: bool,
    /// REST `permissions.canAssignEntities`: may make others owners/assignees.
    #[serde(default = "enabled")]
    can_assign_entities: bool,
    /// REST `permissions.canDeleteEntities`: may delete records.
    #[serde(default = "enabled")]
    can_delete_entities: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StagesetSeed {
    name: String,
    #[serde(default)]
    default: bool,
    milestones: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomFieldSeed {
    entity: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

/// A parsed data file, not yet loaded into a store.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxData {
    auth: AuthSeed,
    #[serde(default)]
    users: Vec<UserSeed>,
    #[serde(default)]
    stagesets: Vec<StagesetSeed>,
    #[serde(default)]
    activity_types: Vec<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    custom_fields: Vec<CustomFieldSeed>,
    /// Account inputs, as `newAccount` takes them.
    #[serde(default)]
    accounts: Vec<Value>,
    /// Contact inputs, as `newContact` takes them.
    #[serde(default)]
    contacts: Vec<Value>,
    #[serde(skip)]
    origin: PathBuf,
}

impl SandboxData {
    /// The built-in default (`assets/sandbox-default.toml`).
    pub fn builtin() -> Result<Self, DataError> {
        Self::parse_toml(BUILTIN, Path::new("assets/sandbox-default.toml"))
    }

    /// Read a data file: `.toml` or `.json` by extension. Errors: [`DataError::Read`],
    /// [`DataError::Extension`], [`DataError::Parse`], [`DataError::Invalid`].
    pub fn from_file(path: &Path) -> Result<Self, DataError> {
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("toml") => Self::parse_toml(&text, path),
            Some(e) if e.eq_ignore_ascii_case("json") => {
                let mut data: Self = serde_json::from_str(&text).map_err(|e| DataError::Parse {
                    path: path.to_path_buf(),
                    message: without_key(e.to_string(), &text),
                })?;
                data.origin = path.to_path_buf();
                Ok(data)
            }
            _ => Err(DataError::Extension {
                path: path.to_path_buf(),
            }),
        }
    }

    fn parse_toml(text: &str, path: &Path) -> Result<Self, DataError> {
        let mut data: Self = toml::from_str(text).map_err(|e| DataError::Parse {
            path: path.to_path_buf(),
            message: without_key(e.to_string(), text),
        })?;
        data.origin = path.to_path_buf();
        Ok(data)
    }

    /// The username and key this data file declares (`[auth]`).
    pub fn credentials(&self) -> Credentials {
        Credentials {
            username: self.auth.username.clone(),
            api_key: ApiKey::new(self.auth.api_key.clone()),
        }
    }

    fn invalid(&self, what: String, message: String) -> DataError {
        DataError::Invalid {
            path: self.origin.clone(),
            what,
            message,
        }
    }

    /// A fresh store holding everything the file lists, ids from 1 in file order.
    pub(crate) fn to_store(&self) -> Result<Store, DataError> {
        let mut store = Store::new();
        for u in &self.users {
            let name = format!("{} {}", u.first_name, u.last_name);
            store.insert(
                RecordKind::Users,
                object(json!({
                    "name": name.trim(), "firstName": u.first_name, "lastName": u.last_name,
                    "emails": u.emails, "isEnabled": u.enabled, "isAdministrator": u.administrator,
                    "permissions": {"canAssignEntities": u.can_assign_entities,
                                    "canDeleteEntities": u.can_delete_entities},
                })),
            );
        }
        for (i, s) in self.stagesets.iter().enumerate() {
            let stageset = store
                .insert(
                    RecordKind::Stagesets,
                    object(json!({"name": s.name, "default": s.default, "position": i + 1})),
                )
                .id;
            for (j, m) in s.milestones.iter().enumerate() {
                store.insert(
                    RecordKind::Milestones,
                    object(json!({"name": m, "position": j + 1, "stagesetId": stageset})),
                );
            }
        }
        for name in &self.activity_types {
            store.insert(RecordKind::ActivityTypes, object(json!({"name": name})));
        }
        for name in &self.sources {
            store.insert(RecordKind::Sources, object(json!({"name": name})));
        }
        for f in &self.custom_fields {
            let entity = schema::custom_field_entity(&f.entity).ok_or_else(|| {
                self.invalid(
                    format!("custom field {}", f.name),
                    format!("entity \"{}\" is not Accounts, Contacts or Leads", f.entity),
                )
            })?;
            if !CUSTOM_FIELD_TYPES.contains(&f.kind.as_str()) {
                return Err(self.invalid(
                    format!("custom field {}", f.name),
                    format!("type must be one of {}", CUSTOM_FIELD_TYPES.join(", ")),
                ));
            }
            schema::insert_custom_field(&mut store, entity, &f.name, &f.kind);
        }
        for (entity, inputs) in [
            (RecordKind::Accounts, &self.accounts),
            (RecordKind::Contacts, &self.contacts),
        ] {
            for (i, input) in inputs.iter().enumerate() {
                methods::create(&mut store, entity, input).map_err(|e| {
                    self.invalid(format!("{} #{}", entity.param(), i + 1), e.message)
                })?;
            }
        }
        Ok(store)
    }
}

/// A parse error may quote the line it failed on; if that line holds the API key, the key is
/// masked, as it may never appear anywhere but the sandbox's own startup line.
fn without_key(message: String, text: &str) -> String {
    let Some(at) = text.find("api_key") else {
        return message;
    };
    // After the key's name (and JSON's closing quote), the first quoted string is its value.
    let rest = text[at + "api_key".len()..].trim_start_matches('"');
    match rest.split(['"', '\'']).nth(1) {
        Some(key) if !key.trim().is_empty() => message.replace(key, "<api key>"),
        _ => message,
    }
}

fn object(v: Value) -> serde_json::Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fits_the_sample_export() {
        let data = SandboxData::builtin().unwrap();
        let store = data.to_store().unwrap();
        assert_eq!(data.credentials().username, "admin@acme.in");
        assert_eq!(store.count(RecordKind::Users), 5);
        assert_eq!(store.count(RecordKind::Stagesets), 2);
        assert_eq!(store.count(RecordKind::Milestones), 11);
        assert_eq!(store.count(RecordKind::ActivityTypes), 3);
        assert_eq!(store.count(RecordKind::Sources), 2);
        assert_eq!(store.count(RecordKind::CustomFields), 0);
        let names: Vec<String> = store
            .all(RecordKind::Accounts)
            .map(|a| a.display_name())
            .collect();
        assert_eq!(names, ["Sharma Textiles Pvt Ltd"]);
        assert!(
            !store
                .all(RecordKind::Users)
                .any(|u| u.display_name().contains("Deepak"))
        );
    }

    #[test]
    fn a_parse_error_never_shows_the_api_key() {
        let toml = "[auth]\nusername = \"a@b.in\"\napi_key = \"sekrit-123\" oops\n";
        let e = SandboxData::parse_toml(toml, Path::new("mine.toml"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("mine.toml"), "{e}");
        assert!(!e.contains("sekrit-123"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("mine.json");
        std::fs::write(
            &json,
            "{\"auth\": {\"username\": \"a@b.in\", \"api_key\": \"sekrit-123\" x}}",
        )
        .unwrap();
        let e = SandboxData::from_file(&json).err().unwrap().to_string();
        assert!(e.contains("mine.json") && !e.contains("sekrit-123"), "{e}");
    }

    #[test]
    fn bad_seed_records_name_the_file_and_record() {
        let text = "[auth]\nusername = \"a@b.in\"\napi_key = \"k\"\n[[accounts]]\nname = \"X\"\ncolour = \"red\"\n";
        let data = SandboxData::parse_toml(text, Path::new("mine.toml")).unwrap();
        let e = data.to_store().unwrap_err().to_string();
        assert!(
            e.contains("mine.toml") && e.contains("account #1") && e.contains("colour"),
            "{e}"
        );
    }
}
