//! The Connect screen's view state: the form's fields and what is typed into them.

use std::path::PathBuf;

use crate::config::{Config, DateOrder};

use super::super::action::PreflightResult;
use super::loadable::Loadable;

/// The fields of the form, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    /// `[source] export`: the RSoft export folder or .zip.
    #[default]
    Export,
    /// `[source] timezone`: an IANA zone (`Asia/Kolkata`).
    Timezone,
    /// `[source] date_order`: `dmy`, `mdy` or `ymd`.
    DateOrder,
    /// `[nutshell] endpoint`: empty to discover it, a URL, or `sandbox`.
    Endpoint,
    /// `[nutshell] username`: the Nutshell login.
    Username,
    /// `[nutshell] api_key_env`: the name of the variable holding the key (never the key itself).
    ApiKeyEnv,
}

impl Field {
    /// Every field, in screen order.
    pub const ALL: [Field; 6] = [
        Field::Export,
        Field::Timezone,
        Field::DateOrder,
        Field::Endpoint,
        Field::Username,
        Field::ApiKeyEnv,
    ];

    /// The field's label on screen.
    pub fn label(self) -> &'static str {
        match self {
            Field::Export => "Export",
            Field::Timezone => "Time zone",
            Field::DateOrder => "Date order",
            Field::Endpoint => "Endpoint",
            Field::Username => "Username",
            Field::ApiKeyEnv => "API key var",
        }
    }

    pub(crate) fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// The field's value in `config`, as text.
    pub fn value(self, config: &Config) -> String {
        match self {
            Field::Export => config
                .source
                .export
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            Field::Timezone => config.source.timezone.name().to_string(),
            Field::DateOrder => date_order_label(config.source.date_order).to_string(),
            Field::Endpoint => config.nutshell.endpoint.clone().unwrap_or_default(),
            Field::Username => config.nutshell.username.clone().unwrap_or_default(),
            Field::ApiKeyEnv => config.nutshell.api_key_env.clone(),
        }
    }

    /// Put `text` into `config`, or say why it cannot go there.
    pub(crate) fn set(self, config: &mut Config, text: &str) -> Result<(), String> {
        let text = text.trim();
        let optional = |t: &str| (!t.is_empty()).then(|| t.to_string());
        match self {
            Field::Export => config.source.export = optional(text).map(PathBuf::from),
            Field::Timezone => {
                config.source.timezone = text.parse::<chrono_tz::Tz>().map_err(|_| {
                    format!(
                        "{text:?} is not an IANA time zone: write e.g. Asia/Kolkata or America/New_York"
                    )
                })?;
            }
            Field::DateOrder => {}
            Field::Endpoint => config.nutshell.endpoint = optional(text),
            Field::Username => config.nutshell.username = optional(text),
            Field::ApiKeyEnv => {
                if text.is_empty() {
                    return Err(
                        "name the environment variable holding the API key, e.g. NUTSHELL_API_KEY"
                            .into(),
                    );
                }
                config.nutshell.api_key_env = text.to_string();
            }
        }
        Ok(())
    }
}

pub(crate) fn date_order_label(order: DateOrder) -> &'static str {
    match order {
        DateOrder::Dmy => "dmy (day first)",
        DateOrder::Mdy => "mdy (month first)",
        DateOrder::Ymd => "ymd (year first)",
    }
}

/// The Connect screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnectView {
    /// The focused field.
    pub focus: Field,
    /// The text being typed into the focused field.
    pub editing: Option<String>,
    /// Why the last edit was refused.
    pub field_error: Option<(Field, String)>,
    /// The last pre-flight, if any.
    pub preflight: Loadable<PreflightResult>,
}
