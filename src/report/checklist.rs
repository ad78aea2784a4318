//! The setup checklist for the customer's Nutshell admin: each custom field the export carries
//! (where it lands in Nutshell and as what type) and each pipeline with its stages, which only
//! Nutshell's UI can create. Built from the scope report; the Nutshell types are the ones its
//! custom-field API takes (`Text`, `LongText`, `Currency`, `Date`, `Decision`; `Email`, `Phone`,
//! `URL` only on leads — docs/nutshell-api.md, "Custom fields").

use serde::{Deserialize, Serialize};

use crate::discovery::custom_fields::CustomField;
use crate::discovery::pipelines::Pipeline;
use crate::mapping::catalogue::ValueKind;
use crate::nutshell::EntityType;
use crate::rsoft::{ColumnKind, Module};

/// The checklist: what to set up in Nutshell by hand, since pipelines are read-only through the
/// API and custom fields are capped by plan (docs/nutshell-api.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    /// Every RSoft custom field, with what it becomes.
    pub custom_fields: Vec<CustomFieldItem>,
    /// Every RSoft pipeline with its stages, to create as Stagesets and milestones.
    pub pipelines: Vec<PipelineItem>,
}

/// One RSoft custom field and what it becomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldItem {
    /// The module whose records carry it.
    pub module: Module,
    /// Its name in RSoft.
    pub name: String,
    /// The type the definitions file gives, else the type inferred from the values.
    pub rsoft_type: String,
    /// The allowed values the definitions file lists for a dropdown, as written there.
    pub options: Option<String>,
    /// Share of rows with a value, 0–1, when the column is in the export.
    pub fill_rate: Option<f64>,
    /// Nutshell's `entityType` holding custom fields for this module, `None` when Nutshell has
    /// no custom fields there (activities, tasks).
    pub nutshell_entity: Option<String>,
    /// Nutshell field type, when it has one.
    pub nutshell_type: Option<String>,
    /// What happens to it, in a sentence.
    pub action: String,
}

/// One pipeline the admin must create (or check) in Nutshell's UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineItem {
    /// The pipeline's name in RSoft.
    pub name: String,
    /// Stages in order.
    pub stages: Vec<StageItem>,
    /// Deals in this pipeline.
    pub deals: u64,
    /// False when only deals name it (the pipelines file does not).
    pub defined: bool,
}

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageItem {
    /// The stage's name in RSoft.
    pub name: String,
    /// The win probability the pipelines file gives, as written (e.g. `40%`).
    pub probability: Option<String>,
    /// Deals in the export at this stage.
    pub deals: u64,
    /// True when only deals name it (missing from the pipelines file).
    pub only_on_deals: bool,
}

/// Builds the checklist.
pub fn checklist(custom_fields: &[CustomField], pipelines: &[Pipeline]) -> Checklist {
    Checklist {
        custom_fields: custom_fields.iter().map(custom_field).collect(),
        pipelines: pipelines
            .iter()
            .map(|p| PipelineItem {
                name: p.name.clone(),
                deals: p.deals,
                defined: p.defined,
                stages: p
                    .stages
                    .iter()
                    .map(|s| StageItem {
                        name: s.name.clone(),
                        probability: s.probability.clone(),
                        deals: s.deals,
                        only_on_deals: s.only_on_deals,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The Nutshell entity type whose custom fields a module's custom fields go to: the module's
/// own, when that type carries custom fields ([`EntityType::WITH_CUSTOM_FIELDS`]).
fn nutshell_entity(module: Module) -> Option<EntityType> {
    module.entity().filter(|e| e.has_custom_fields())
}

fn custom_field(f: &CustomField) -> CustomFieldItem {
    let rsoft_type = f
        .field_type
        .clone()
        .or_else(|| f.inferred.map(kind_name))
        .unwrap_or_else(|| "unknown".to_string());
    let entity = nutshell_entity(f.module);
    let nutshell_type = entity.map(|e| nutshell_type(&rsoft_type, e));
    // Why the type is Text where the RSoft type names one Nutshell refuses on this entity.
    let refused = entity
        .and_then(|e| typed_kind(&rsoft_type)?.custom_field_refused(e))
        .map_or_else(String::new, |why| format!(" ({why})"));
    let action = match (entity, &nutshell_type) {
        (Some(e), Some(t)) if !f.in_export => format!(
            "defined in RSoft but no column in the export: create {t} field on {e}{refused} only if the customer wants it kept"
        ),
        (Some(e), Some(t)) => format!(
            "crm-migrate migrate creates it as a {t} field on {e}{refused} through Nutshell's API (check the plan's custom-field limit)"
        ),
        _ => "Nutshell has no custom fields on activities or tasks: the value goes into the description".to_string(),
    };
    CustomFieldItem {
        module: f.module,
        name: f.name.clone(),
        rsoft_type,
        // RSoft separates options with `;`; a space after each lets a table cell wrap.
        options: f.options.as_ref().map(|o| {
            o.split(';')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("; ")
        }),
        fill_rate: f.fill_rate,
        nutshell_entity: entity.map(|e| e.as_str().to_string()),
        nutshell_type,
        action,
    }
}

fn kind_name(k: ColumnKind) -> String {
    match k {
        ColumnKind::Email => "email",
        ColumnKind::Phone => "phone",
        ColumnKind::Date => "date",
        ColumnKind::Datetime => "date and time",
        ColumnKind::Money => "money",
        ColumnKind::Number => "number",
        ColumnKind::Boolean => "yes/no",
        ColumnKind::Enum => "a few repeated values",
        ColumnKind::FreeText => "text",
        ColumnKind::Id => "record ID",
        ColumnKind::Reference => "reference to another record",
    }
    .to_string()
}

/// The Nutshell field type for an RSoft type name (as RSoft's definitions file writes it, or a
/// [`kind_name`]) on `entity`. Nutshell has no number or yes/no type: numbers go to Text, yes/no
/// to a Decision with the choices Yes and No. Email, phone and web-address types keep their type
/// where [`ValueKind::custom_field_refused`] allows it (the rule the map and the load share),
/// else Text.
fn nutshell_type(rsoft_type: &str, entity: EntityType) -> String {
    let t = rsoft_type.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    let out = if has(&["currency", "money", "amount"]) {
        "Currency"
    } else if has(&["date"]) {
        "Date"
    } else if has(&[
        "dropdown", "picklist", "select", "radio", "checkbox", "yes/no", "boolean", "repeated",
    ]) {
        "Decision"
    } else if has(&["multi", "textarea", "long", "paragraph"]) {
        "LongText"
    } else {
        typed_kind(&t)
            .filter(|k| k.custom_field_refused(entity).is_none())
            .map_or("Text", ValueKind::nutshell_custom_type)
    };
    out.to_string()
}

/// The kind an RSoft type name of an email, phone or web address stands for (`Email`, `Phone
/// Number`, `URL`, `Website`), whose custom fields Nutshell creates on some entities only.
fn typed_kind(rsoft_type: &str) -> Option<ValueKind> {
    let t = rsoft_type.to_lowercase();
    [
        ("email", ValueKind::Email),
        ("phone", ValueKind::Phone),
        ("url", ValueKind::Url),
        ("website", ValueKind::Url),
    ]
    .into_iter()
    .find_map(|(word, kind)| t.contains(word).then_some(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_to_nutshell_types() {
        use EntityType::{Accounts, Leads};
        for (rsoft, entity, want) in [
            ("Currency", Accounts, "Currency"),
            ("Dropdown", Accounts, "Decision"),
            ("Text", Accounts, "Text"),
            ("number", Accounts, "Text"),
            ("Date", Leads, "Date"),
            ("date and time", Accounts, "Date"),
            ("Multi-line text", Accounts, "LongText"),
            ("email", Leads, "Email"),
            ("email", Accounts, "Text"),
            ("yes/no", Accounts, "Decision"),
        ] {
            assert_eq!(nutshell_type(rsoft, entity), want, "{rsoft} on {entity}");
        }
    }

    /// The checklist tells the admin what the map and the load do: an email, phone or URL
    /// custom field keeps its type exactly where [`ValueKind::custom_field_refused`] allows it,
    /// and the action says why it is Text elsewhere.
    #[test]
    fn email_phone_and_url_types_follow_the_shared_custom_field_rule() {
        let entities = EntityType::WITH_CUSTOM_FIELDS;
        for (rsoft, kind) in [
            ("Email", ValueKind::Email),
            ("Phone Number", ValueKind::Phone),
            ("URL", ValueKind::Url),
            ("Website", ValueKind::Url),
        ] {
            for entity in entities {
                let refused = kind.custom_field_refused(entity);
                let want = match &refused {
                    None => kind.nutshell_custom_type(),
                    Some(_) => "Text",
                };
                assert_eq!(nutshell_type(rsoft, entity), want, "{rsoft} on {entity}");
                let module = match entity {
                    EntityType::Accounts => Module::Companies,
                    EntityType::Contacts => Module::Contacts,
                    _ => Module::Leads,
                };
                let item = custom_field(&CustomField {
                    module,
                    name: "Alt".into(),
                    in_export: true,
                    defined: true,
                    field_type: Some(rsoft.into()),
                    options: None,
                    inferred: None,
                    fill_rate: Some(1.0),
                });
                assert_eq!(item.nutshell_type.as_deref(), Some(want));
                assert_eq!(
                    refused.is_some_and(|why| item.action.contains(&why)),
                    want == "Text",
                    "{rsoft} on {entity}: {}",
                    item.action
                );
            }
        }
    }

    #[test]
    fn activity_fields_have_no_nutshell_field() {
        let f = CustomField {
            module: Module::Activities,
            name: "Call Outcome".into(),
            in_export: true,
            defined: false,
            field_type: None,
            options: None,
            inferred: Some(ColumnKind::FreeText),
            fill_rate: Some(0.5),
        };
        let item = custom_field(&f);
        assert_eq!(item.nutshell_entity, None);
        assert_eq!(item.nutshell_type, None);
        assert!(item.action.contains("description"));
    }
}
