//! The destination Nutshell account as one run sees it ([`Destination`], read once through the
//! client), what the confirmed map and the export need it to hold ([`Needs`]), and preparing it:
//! [`plan`] decides (no I/O) what to create and what blocks; [`apply`] creates custom fields
//! (REST), tags and sources, then re-reads. Pipelines, stages and activity types cannot be created
//! through either API (docs/nutshell-api.md): a missing one is a blocker, listed for the account's admin
//! in a checklist file ([`write_checklist`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::blockers::{Blocker, BlockerKind};
use super::scan::ExportScan;
use crate::discovery::pipelines::Pipeline as RsoftPipeline;
use crate::mapping::catalogue::{ValueKind, ValueMapKind};
use crate::mapping::model::{AS_NOTE, FieldMap, Status, Target};
use crate::mapping::schema::{
    CustomFieldDef, DestinationSchema, StagesetDef, UnfillableCustomField,
};
use crate::nutshell::EntityType;
use crate::nutshell::{self, Client, FindOptions, NutshellError};
use crate::rsoft::Module;

/// The custom field on Leads that keeps a closed deal's original close date: Nutshell stamps
/// its own close date with the migration day (docs/nutshell-api.md, "What the load must know").
pub const CLOSED_ON_FIELD: &str = "RSoft Closed On";

/// Why reading or preparing the destination stopped (a blocker is not an error: see
/// [`HousePlan::blockers`]).
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A `find*` call failed; nothing was changed.
    #[error("cannot read the {what} of the Nutshell account: {source}")]
    Read {
        /// What was being read (`users`, `custom fields`, `pipelines`…), for the message.
        what: &'static str,
        /// The client's error (HTTP, JSON-RPC or an unreadable answer).
        source: NutshellError,
    },
    /// A create call failed; `what` names the field, tag or source. What was created before it stays
    /// and is listed by the next [`apply`].
    #[error("cannot create {what} in Nutshell: {source}")]
    Create {
        /// The field, tag or source, as the message names it (`source "Web"`).
        what: String,
        /// The client's error.
        source: NutshellError,
    },
    /// The admin checklist could not be written to the state dir.
    #[error(
        "cannot write the admin checklist {path}: {source}. Check that the state dir is writable"
    )]
    Checklist {
        /// The checklist file that could not be written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `findCustomFields` listed a field with no `type`: the tool cannot tell how to fill it,
    /// and does not guess.
    #[error(
        "Nutshell lists the {entity} custom field {name:?} without a type, so crm-migrate cannot tell how to fill it: give the field a type in Nutshell (Setup → Fields), or report the answer as an API difference"
    )]
    UntypedCustomField {
        /// Accounts, Contacts or Leads ([`EntityType::WITH_CUSTOM_FIELDS`]).
        entity: EntityType,
        /// The field's name as Nutshell lists it.
        name: String,
    },
    /// `findCustomFields` listed a field with no `name`: the map names fields, so it could be
    /// neither filled nor told apart from a new field of the same name.
    #[error(
        "Nutshell lists a {entity} custom field (id {id}) without a name: name it in Nutshell (Setup → Fields), or report the answer as an API difference"
    )]
    UnnamedCustomField {
        /// Accounts, Contacts or Leads ([`EntityType::WITH_CUSTOM_FIELDS`]).
        entity: EntityType,
        /// The field's Nutshell id.
        id: i64,
    },
}

/// A Nutshell record known by id and name: a source, an activity type, a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// The record's Nutshell id.
    pub id: i64,
    /// The record's name as Nutshell has it (case kept; lookups ignore case).
    pub name: String,
}

/// A Nutshell user (`findUsers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationUser {
    /// The Nutshell user id, the value an owner or assignee carries.
    pub id: i64,
    /// The display name (`name`, else first and last name).
    pub name: String,
    /// Every address of the user as sent (`emails`); the owner match compares them case-insensitively.
    pub emails: Vec<String>,
    /// `isEnabled`; a user Nutshell does not say is disabled counts as enabled.
    pub enabled: bool,
}

/// A custom field definition (`findCustomFields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDefinition {
    /// The field definition's Nutshell id.
    pub id: i64,
    /// The field's name: the key of `customFields` in records.
    pub name: String,
    /// Nutshell's type name (`Text`, `Date`, `Currency`, …).
    pub field_type: String,
}

/// A pipeline (stageset) with its stages (milestones) in position order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    /// The stageset id.
    pub id: i64,
    /// The pipeline's name.
    pub name: String,
    /// The pipeline's stages (milestones) with their ids, in position order.
    pub stages: Vec<Named>,
}

/// The destination account, read once per run. Name lookups ignore case, as Nutshell does for
/// tags, sources and custom fields; emails compare case-insensitively.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Destination {
    /// Every user of the account (`findUsers`).
    pub users: Vec<DestinationUser>,
    /// Custom field definitions per entity type (`findCustomFields`); fields with no type are refused on
    /// read.
    pub custom_fields: BTreeMap<EntityType, Vec<FieldDefinition>>,
    /// Existing tag names per entity type (`findTags`).
    pub tags: BTreeMap<EntityType, Vec<String>>,
    /// Lead sources (`findSources`).
    pub sources: Vec<Named>,
    /// Not deleted ones only.
    pub activity_types: Vec<Named>,
    /// Pipelines with their stages (`findStagesets` + `findMilestones`).
    pub pipelines: Vec<Pipeline>,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn read(what: &'static str) -> impl FnOnce(NutshellError) -> SchemaError {
    move |source| SchemaError::Read { what, source }
}

/// Every record of a reference list, page by page.
async fn list_all<T: nutshell::Listed>(
    client: &Client,
    what: &'static str,
) -> Result<Vec<nutshell::Stored<T>>, SchemaError> {
    client
        .list::<T>(FindOptions::default())
        .map_err(read(what))?
        .all()
        .await
        .map_err(read(what))
}

/// Every user of the account (`findUsers`, paged): the one call that re-reads users after the
/// admin adds some (the wizard's Owners screen, a re-run).
pub async fn read_users(client: &Client) -> Result<Vec<DestinationUser>, SchemaError> {
    let users = list_all::<nutshell::User>(client, "users").await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let f = u.fields;
            let joined = [f.first_name.as_deref(), f.last_name.as_deref()]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            DestinationUser {
                id: u.id,
                name: f.name.filter(|n| !n.trim().is_empty()).unwrap_or(joined),
                emails: f.emails.unwrap_or_default(),
                enabled: f.is_enabled.unwrap_or(true),
            }
        })
        .collect())
}

async fn read_custom_fields(
    client: &Client,
) -> Result<BTreeMap<EntityType, Vec<FieldDefinition>>, SchemaError> {
    let all = client
        .find_custom_fields()
        .await
        .map_err(read("custom fields"))?;
    // A field without a name or a type is refused, never guessed (no "Text" default).
    EntityType::WITH_CUSTOM_FIELDS
        .into_iter()
        .map(|e| {
            let defs = all
                .of(e)
                .iter()
                .map(|f| {
                    let name = f
                        .fields
                        .name
                        .clone()
                        .ok_or(SchemaError::UnnamedCustomField {
                            entity: e,
                            id: f.id,
                        })?;
                    let Some(field_type) = f.fields.field_type.clone() else {
                        return Err(SchemaError::UntypedCustomField { entity: e, name });
                    };
                    Ok(FieldDefinition {
                        id: f.id,
                        name,
                        field_type,
                    })
                })
                .collect::<Result<_, _>>()?;
            Ok((e, defs))
        })
        .collect()
}

async fn read_tags(client: &Client) -> Result<BTreeMap<EntityType, Vec<String>>, SchemaError> {
    let all = client.find_tags().await.map_err(read("tags"))?;
    Ok(EntityType::WITH_CUSTOM_FIELDS
        .into_iter()
        .map(|e| (e, all.of(e).iter().map(|t| t.name.clone()).collect()))
        .collect())
}

impl Destination {
    /// Read users, custom fields and tags per entity type, sources, activity types (not
    /// deleted), pipelines and their stages in position order: one find per list, paged.
    /// Errors: the first call that fails, naming what was being read.
    pub async fn read(client: &Client) -> Result<Self, SchemaError> {
        let users = read_users(client).await?;
        let custom_fields = read_custom_fields(client).await?;
        let tags = read_tags(client).await?;
        let named = |id: i64, name: Option<String>| name.map(|name| Named { id, name });
        let sources = list_all::<nutshell::Source>(client, "sources")
            .await?
            .into_iter()
            .filter_map(|s| named(s.id, s.fields.name))
            .collect();
        let activity_types = list_all::<nutshell::ActivityType>(client, "activity types")
            .await?
            .into_iter()
            .filter(|t| t.fields.deleted_time.is_none())
            .filter_map(|t| named(t.id, t.fields.name))
            .collect();
        let sets = list_all::<nutshell::Stageset>(client, "pipelines").await?;
        let mut milestones = list_all::<nutshell::Milestone>(client, "pipeline stages").await?;
        milestones.sort_by_key(|m| (m.fields.position, m.id));
        let pipelines = sets
            .into_iter()
            .filter_map(|set| {
                Some(Pipeline {
                    id: set.id,
                    name: set.fields.name?,
                    stages: milestones
                        .iter()
                        .filter(|m| m.fields.stageset_id == Some(set.id))
                        .filter_map(|m| named(m.id, m.fields.name.clone()))
                        .collect(),
                })
            })
            .collect();
        Ok(Self {
            users,
            custom_fields,
            tags,
            sources,
            activity_types,
            pipelines,
        })
    }

    /// Re-read the users only (after the admin added some): one paged `findUsers`.
    pub async fn refresh_users(&mut self, client: &Client) -> Result<(), SchemaError> {
        self.users = read_users(client).await?;
        Ok(())
    }

    /// The user with this email among their emails, case-insensitively.
    pub fn user_by_email(&self, email: &str) -> Option<&DestinationUser> {
        self.users
            .iter()
            .find(|u| u.emails.iter().any(|e| same(e, email)))
    }

    /// The user with this id.
    pub fn user(&self, id: i64) -> Option<&DestinationUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The custom field of `entity` with this name, in any case.
    pub fn custom_field(&self, entity: EntityType, name: &str) -> Option<&FieldDefinition> {
        self.custom_fields
            .get(&entity)?
            .iter()
            .find(|f| same(&f.name, name))
    }

    /// Whether `entity` has a tag of this name, in any case (Nutshell refuses a second one).
    pub fn has_tag(&self, entity: EntityType, name: &str) -> bool {
        self.tags
            .get(&entity)
            .is_some_and(|t| t.iter().any(|n| same(n, name)))
    }

    /// The lead source of this name, in any case.
    pub fn source(&self, name: &str) -> Option<&Named> {
        self.sources.iter().find(|s| same(&s.name, name))
    }

    /// The activity type of this name, in any case.
    pub fn activity_type(&self, name: &str) -> Option<&Named> {
        self.activity_types.iter().find(|t| same(&t.name, name))
    }

    /// The pipeline (stageset) of this name, in any case.
    pub fn pipeline(&self, name: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| same(&p.name, name))
    }

    /// `(stagesetId, milestoneId)` of a stage of a pipeline, by names.
    pub fn stage(&self, pipeline: &str, stage: &str) -> Option<(i64, i64)> {
        let p = self.pipeline(pipeline)?;
        let s = p.stages.iter().find(|s| same(&s.name, stage))?;
        Some((p.id, s.id))
    }

    /// The same account as the map's validation sees it (names and kinds only); the plan's
    /// custom-field limit is not in the API, so it stays unknown.
    /// Fields of a type the map cannot fill (e.g. `Location`) are listed apart, so a column
    /// mapped to one is reported rather than proposed as a new field of the same name.
    pub fn schema(&self) -> DestinationSchema {
        let mut custom_fields = BTreeMap::new();
        let mut unfillable_custom_fields = BTreeMap::new();
        for (e, defs) in &self.custom_fields {
            for d in defs {
                match ValueKind::from_nutshell_custom_type(&d.field_type) {
                    Some(kind) => {
                        custom_fields
                            .entry(*e)
                            .or_insert_with(Vec::new)
                            .push(CustomFieldDef {
                                name: d.name.clone(),
                                kind,
                            })
                    }
                    None => unfillable_custom_fields
                        .entry(*e)
                        .or_insert_with(Vec::new)
                        .push(UnfillableCustomField {
                            name: d.name.clone(),
                            nutshell_type: d.field_type.clone(),
                        }),
                }
            }
        }
        DestinationSchema {
            custom_fields,
            unfillable_custom_fields,
            stagesets: self
                .pipelines
                .iter()
                .map(|p| StagesetDef {
                    name: p.name.clone(),
                    milestones: p.stages.iter().map(|s| s.name.clone()).collect(),
                })
                .collect(),
            activity_types: self.activity_types.iter().map(|t| t.name.clone()).collect(),
            custom_field_limit: None,
            read_from_account: true,
        }
    }
}

/// A custom field the run needs on an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldNeed {
    /// The entity type the field goes on (Accounts, Contacts or Leads).
    pub entity: EntityType,
    /// The field's name as it will appear in Nutshell.
    pub name: String,
    /// The kind of value the column carries, which decides the Nutshell field type.
    pub kind: ValueKind,
    /// The map allows creating it (`create = true`, or a field the tool itself needs).
    pub create: bool,
    /// Who needs it: `[columns.contacts] "PAN"`, or the setting that names it.
    pub wanted_by: String,
    /// Where to change it: mapping.toml for a column, crm-migrate.toml for the legacy-id field.
    pub file: PathBuf,
}

/// A Nutshell stage a stage-map entry sends deals to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageNeed {
    /// The RSoft module whose rows carry the stage.
    pub module: Module,
    /// The RSoft pipeline and stage (`stage_key`).
    pub from: String,
    /// The Nutshell pipeline (stageset) name the entry names.
    pub pipeline: String,
    /// The Nutshell stage (milestone) name in that pipeline.
    pub stage: String,
}

/// A Nutshell activity type an activity-type map entry names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeNeed {
    /// The RSoft module whose rows carry the activity type.
    pub module: Module,
    /// The RSoft activity type as written in the export.
    pub from: String,
    /// The Nutshell activity type name the entry names.
    pub activity_type: String,
}

/// What the confirmed map and the export need the account to hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Needs {
    /// Custom fields, one per (entity, name); a second wish of another type is a conflict.
    pub custom_fields: Vec<FieldNeed>,
    /// Tag names per entity type, from the export's scan.
    pub tags: BTreeMap<EntityType, Vec<String>>,
    /// Lead source names, from the export's scan.
    pub sources: Vec<String>,
    /// Stages that mapped deals go to.
    pub stages: Vec<StageNeed>,
    /// Activity types that mapped activities use.
    pub activity_types: Vec<TypeNeed>,
    /// Two columns want one custom field with different types: decided by the operator.
    pub conflicts: Vec<Blocker>,
}

/// What the run needs, from the map (custom fields, stages, activity types; entries the operator
/// ignored left out) and the scan of the export (tags, sources). The legacy-id field (Text) is
/// needed on Accounts, Contacts and Leads whatever the map; [`CLOSED_ON_FIELD`] (Date) on Leads
/// when a module maps `Leads.status` (a closed deal keeps its original close date there).
pub fn needs(map: &FieldMap, scan: &ExportScan, files: &super::blockers::Files) -> Needs {
    let mut out = Needs {
        tags: scan.tags.clone(),
        sources: scan.sources.clone(),
        ..Needs::default()
    };
    let mut want = |need: FieldNeed, conflicts: &mut Vec<Blocker>| {
        let existing = out
            .custom_fields
            .iter()
            .find(|f| f.entity == need.entity && same(&f.name, &need.name));
        match existing {
            None => out.custom_fields.push(need),
            Some(f) if f.kind.nutshell_custom_type() != need.kind.nutshell_custom_type() => {
                conflicts.push(Blocker {
                    kind: BlockerKind::CustomField,
                    item: format!("{} custom field {:?}", need.entity.as_str(), need.name),
                    problem: format!(
                        "{} wants it as {}, {} as {}",
                        f.wanted_by,
                        f.kind.nutshell_custom_type(),
                        need.wanted_by,
                        need.kind.nutshell_custom_type()
                    ),
                    fix: "give the two columns the same type, or different field names".into(),
                    file: need.file.clone(),
                })
            }
            Some(_) => {}
        }
    };
    let mut conflicts = Vec::new();
    for entity in EntityType::WITH_CUSTOM_FIELDS {
        want(
            FieldNeed {
                entity,
                name: map.legacy_id_field.clone(),
                kind: ValueKind::Text,
                create: true,
                wanted_by: "[migration] legacy_id_field".into(),
                file: files.config.clone(),
            },
            &mut conflicts,
        );
    }
    for (module, module_map) in &map.modules {
        let Some(entity) = module.entity() else {
            continue;
        };
        let live = module_map
            .columns
            .iter()
            .filter(|c| c.status != Status::Ignored);
        for c in live {
            match &c.target {
                Target::Custom { name, kind, create } if entity.has_custom_fields() => want(
                    FieldNeed {
                        entity,
                        name: name.clone(),
                        kind: *kind,
                        create: *create,
                        wanted_by: format!("[columns.{}] {:?}", module.as_str(), c.header),
                        file: files.mapping.clone(),
                    },
                    &mut conflicts,
                ),
                Target::Field { field }
                    if entity == EntityType::Leads && field == "Leads.status" =>
                {
                    want(
                        FieldNeed {
                            entity,
                            name: CLOSED_ON_FIELD.into(),
                            kind: ValueKind::Date,
                            create: true,
                            wanted_by: format!(
                                "closed leads of [columns.{}] {:?}",
                                module.as_str(),
                                c.header
                            ),
                            file: files.mapping.clone(),
                        },
                        &mut conflicts,
                    )
                }
                _ => {}
            }
        }
        let values = |kind: ValueMapKind| {
            module_map
                .values
                .get(&kind)
                .into_iter()
                .flatten()
                .filter(|v| v.status != Status::Ignored && !v.to.trim().is_empty())
        };
        for v in values(ValueMapKind::Stage) {
            let Some(pipeline) = v.stageset.as_deref().filter(|s| !s.trim().is_empty()) else {
                continue;
            };
            out.stages.push(StageNeed {
                module: *module,
                from: v.from.clone(),
                pipeline: pipeline.trim().to_string(),
                stage: v.to.trim().to_string(),
            });
        }
        for v in values(ValueMapKind::ActivityType).filter(|v| v.to != AS_NOTE) {
            out.activity_types.push(TypeNeed {
                module: *module,
                from: v.from.clone(),
                activity_type: v.to.trim().to_string(),
            });
        }
    }
    out.conflicts = conflicts;
    out
}

/// A pipeline the admin must create or complete, for the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistPipeline {
    /// The Nutshell pipeline name.
    pub name: String,
    /// False: create the pipeline; true: it exists, add the stages.
    pub exists: bool,
    /// The stages to add, in the RSoft pipeline's order.
    pub stages: Vec<ChecklistStage>,
    /// The stages it has now (empty for a new pipeline).
    pub existing: Vec<String>,
}

/// A stage the admin adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistStage {
    /// The Nutshell stage name.
    pub name: String,
    /// From the export's Pipelines file, as written (a percentage).
    pub probability: Option<String>,
    /// The RSoft pipeline and stage that map here.
    pub from: String,
}

/// What only the account's admin can add in Nutshell's UI.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Checklist {
    /// Pipelines to create or complete.
    pub pipelines: Vec<ChecklistPipeline>,
    /// Activity types to add (Nutshell names), sorted.
    pub activity_types: Vec<String>,
}

impl Checklist {
    /// Nothing for the admin to add.
    pub fn is_empty(&self) -> bool {
        self.pipelines.is_empty() && self.activity_types.is_empty()
    }
}

/// What preparing the house will do, decided from what the account has and what the run needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HousePlan {
    /// Custom fields [`apply`] creates through REST.
    pub create_fields: Vec<FieldNeed>,
    /// Tags [`apply`] creates, per entity type.
    pub create_tags: BTreeMap<EntityType, Vec<String>>,
    /// Lead sources [`apply`] creates (`newSource`, safe to repeat).
    pub create_sources: Vec<String>,
    /// What only the admin can add; each item is also a blocker.
    pub checklist: Checklist,
    /// Everything the destination blocks on: fields and the checklist's items, each once.
    pub blockers: Vec<Blocker>,
}

impl HousePlan {
    /// Nothing to create (a second run of a prepared account).
    pub fn creates_nothing(&self) -> bool {
        self.create_fields.is_empty()
            && self.create_tags.values().all(Vec::is_empty)
            && self.create_sources.is_empty()
    }
}

/// Decide, with no I/O, what to create and what blocks. `rsoft_pipelines` (discovery's, from the
/// Pipelines file and the deals) give the checklist its stage order and probabilities.
pub fn plan(
    destination: &Destination,
    needs: &Needs,
    rsoft_pipelines: &[RsoftPipeline],
    files: &super::blockers::Files,
) -> HousePlan {
    let mut out = HousePlan {
        blockers: needs.conflicts.clone(),
        ..HousePlan::default()
    };
    for need in &needs.custom_fields {
        let item = format!("{} custom field {:?}", need.entity.as_str(), need.name);
        let block = |problem: String, fix: String| Blocker {
            kind: BlockerKind::CustomField,
            item: item.clone(),
            problem,
            fix,
            file: need.file.clone(),
        };
        match destination.custom_field(need.entity, &need.name) {
            Some(existing) => {
                // A field this tool created for the kind (a DateTime column makes a Date field)
                // is the field it fills.
                let made_for_it = need
                    .kind
                    .nutshell_custom_type()
                    .eq_ignore_ascii_case(existing.field_type.trim());
                let Some(kind) = ValueKind::from_nutshell_custom_type(&existing.field_type) else {
                    out.blockers.push(block(
                        format!(
                            "it exists in Nutshell as {}, a type crm-migrate cannot fill",
                            existing.field_type
                        ),
                        "map the column to another field name, or set status = \"ignored\"".into(),
                    ));
                    continue;
                };
                if !made_for_it && !need.kind.fits(kind) {
                    out.blockers.push(block(
                        format!(
                            "it exists in Nutshell as {}, and {} sends {:?} values",
                            existing.field_type, need.wanted_by, need.kind
                        ),
                        format!(
                            "set type = {:?}, or name another field (Nutshell cannot change a field's type)",
                            format!("{kind:?}").to_lowercase()
                        ),
                    ));
                }
            }
            None if !need.create => out.blockers.push(block(
                format!(
                    "it does not exist in Nutshell and {} says create = false",
                    need.wanted_by
                ),
                "set create = true, or name an existing field".into(),
            )),
            None => match need.kind.custom_field_refused(need.entity) {
                Some(refused) => out
                    .blockers
                    .push(block(refused, "set type = \"text\"".into())),
                None => out.create_fields.push(need.clone()),
            },
        }
    }
    for (entity, tags) in &needs.tags {
        let missing: Vec<String> = tags
            .iter()
            .filter(|t| !destination.has_tag(*entity, t))
            .cloned()
            .collect();
        if !missing.is_empty() {
            out.create_tags.insert(*entity, missing);
        }
    }
    out.create_sources = needs
        .sources
        .iter()
        .filter(|s| destination.source(s).is_none())
        .cloned()
        .collect();
    out.checklist = checklist(destination, needs, rsoft_pipelines);
    for p in &out.checklist.pipelines {
        let stages: Vec<&str> = p.stages.iter().map(|s| s.name.as_str()).collect();
        out.blockers.push(if p.exists {
            Blocker {
                kind: BlockerKind::MissingStage,
                item: format!("pipeline {:?}", p.name),
                problem: format!(
                    "the map sends deals to stage{} {} it does not have; the API cannot add stages",
                    if stages.len() == 1 { "" } else { "s" },
                    stages.join(", ")
                ),
                fix: format!(
                    "the admin adds them in Nutshell (Setup → Pipelines), or map the stages to existing ones in {}",
                    files.mapping.display()
                ),
                file: files.checklist.clone(),
            }
        } else {
            Blocker {
                kind: BlockerKind::MissingPipeline,
                item: format!("pipeline {:?}", p.name),
                problem: format!(
                    "Nutshell has no such pipeline (stages needed: {}); the API cannot create one",
                    stages.join(", ")
                ),
                fix: format!(
                    "the admin creates it in Nutshell (Setup → Pipelines), or map its stages to an existing pipeline in {}",
                    files.mapping.display()
                ),
                file: files.checklist.clone(),
            }
        });
    }
    for t in &out.checklist.activity_types {
        out.blockers.push(Blocker {
            kind: BlockerKind::MissingActivityType,
            item: format!("activity type {t:?}"),
            problem: "Nutshell has no such activity type; the API cannot create one".into(),
            fix: format!(
                "the admin adds it in Nutshell (Setup → Activity types), or map it to an existing type or (note) in {}",
                files.mapping.display()
            ),
            file: files.checklist.clone(),
        });
    }
    out
}

fn checklist(destination: &Destination, needs: &Needs, rsoft: &[RsoftPipeline]) -> Checklist {
    // Where an RSoft stage sits, and its probability, from the export's Pipelines file.
    let rsoft_stage = |from: &str| -> (usize, Option<String>) {
        let Some((pipeline, stage)) = from.split_once(" / ") else {
            return (usize::MAX, None);
        };
        rsoft
            .iter()
            .find(|p| p.name == pipeline)
            .and_then(|p| {
                let at = p.stages.iter().position(|s| s.name == stage)?;
                Some((at, p.stages[at].probability.clone()))
            })
            .unwrap_or((usize::MAX, None))
    };
    let mut pipelines: Vec<ChecklistPipeline> = Vec::new();
    let mut order: BTreeMap<(String, String), usize> = BTreeMap::new();
    for need in &needs.stages {
        let existing = destination.pipeline(&need.pipeline);
        if existing.is_some_and(|p| p.stages.iter().any(|s| same(&s.name, &need.stage))) {
            continue;
        }
        let at = match pipelines.iter().position(|p| same(&p.name, &need.pipeline)) {
            Some(at) => at,
            None => {
                pipelines.push(ChecklistPipeline {
                    name: existing.map_or_else(|| need.pipeline.clone(), |p| p.name.clone()),
                    exists: existing.is_some(),
                    stages: Vec::new(),
                    existing: existing
                        .map(|p| p.stages.iter().map(|s| s.name.clone()).collect())
                        .unwrap_or_default(),
                });
                pipelines.len() - 1
            }
        };
        let p = &mut pipelines[at];
        if p.stages.iter().any(|s| same(&s.name, &need.stage)) {
            continue;
        }
        let (position, probability) = rsoft_stage(&need.from);
        order.insert((p.name.clone(), need.stage.to_lowercase()), position);
        p.stages.push(ChecklistStage {
            name: need.stage.clone(),
            probability,
            from: need.from.clone(),
        });
    }
    for p in &mut pipelines {
        let name = p.name.clone();
        p.stages.sort_by_key(|s| {
            order
                .get(&(name.clone(), s.name.to_lowercase()))
                .copied()
                .unwrap_or(usize::MAX)
        });
    }
    let mut activity_types: Vec<String> = Vec::new();
    for t in &needs.activity_types {
        if destination.activity_type(&t.activity_type).is_none()
            && !activity_types.iter().any(|a| same(a, &t.activity_type))
        {
            activity_types.push(t.activity_type.clone());
        }
    }
    Checklist {
        pipelines,
        activity_types,
    }
}

/// The checklist as Markdown for the account's admin.
pub fn render_checklist(checklist: &Checklist) -> String {
    let mut out = String::from(
        "# Nutshell setup checklist\n\nNutshell's API cannot create pipelines, stages or activity types. Please add these in Nutshell, then run `crm-migrate migrate` again (it re-checks).\n",
    );
    for p in &checklist.pipelines {
        if p.exists {
            let _ = writeln!(out, "\n## Pipeline \"{}\": add stages\n", p.name);
            let _ = writeln!(out, "It has now: {}.\n", p.existing.join(", "));
        } else {
            let _ = writeln!(
                out,
                "\n## Create pipeline \"{}\"\n\nStages, in order:\n",
                p.name
            );
        }
        for (i, s) in p.stages.iter().enumerate() {
            let probability = s.probability.as_deref().map_or_else(
                || "probability not in the export".to_string(),
                |p| format!("probability {p}%"),
            );
            let _ = writeln!(
                out,
                "{}. [ ] \"{}\" — {probability} (RSoft: {})",
                i + 1,
                s.name,
                s.from
            );
        }
    }
    if !checklist.activity_types.is_empty() {
        out.push_str("\n## Add activity types\n\n");
        for t in &checklist.activity_types {
            let _ = writeln!(out, "- [ ] \"{t}\"");
        }
    }
    out
}

/// Write the checklist to `path` (temp file + rename), or remove a stale one when nothing is
/// missing any more. Returns whether a checklist is now there.
pub fn write_checklist(checklist: &Checklist, path: &Path) -> Result<bool, SchemaError> {
    let fail = |source| SchemaError::Checklist {
        path: path.to_path_buf(),
        source,
    };
    if checklist.is_empty() {
        match std::fs::remove_file(path) {
            Ok(()) => return Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(fail(e)),
        }
    }
    crate::atomic_file::write(path, render_checklist(checklist).as_bytes()).map_err(fail)?;
    Ok(true)
}

/// What [`apply`] created.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Created {
    /// Custom fields created, by entity type and name.
    pub custom_fields: Vec<(EntityType, String)>,
    /// Tags created, by entity type and name.
    pub tags: Vec<(EntityType, String)>,
    /// Lead sources created.
    pub sources: Vec<String>,
}

/// Create what `plan` says, then re-read what was created into `destination`: custom fields
/// through REST (re-read with `findCustomFields`, since the REST answer's shape is unconfirmed),
/// tags with `newTag` (re-read with `findTags`), sources with `newSource`. A field or tag that
/// Nutshell refuses, or that is still missing after the re-read (an ambiguous create that did not
/// land), becomes a blocker; nothing is sent twice.
/// Errors: a call that fails for another reason (connection, credentials).
pub async fn apply(
    client: &Client,
    destination: &mut Destination,
    plan: &HousePlan,
    files: &super::blockers::Files,
) -> Result<(Created, Vec<Blocker>), SchemaError> {
    let mut created = Created::default();
    let mut blockers = Vec::new();
    let mut refused: BTreeSet<(EntityType, String)> = BTreeSet::new();
    for need in &plan.create_fields {
        let what = format!("custom field {:?} on {}", need.name, need.entity.as_str());
        let sent = client
            .create_custom_field(need.entity, &need.name, need.kind.nutshell_custom_type())
            .await;
        if let Err(e) = sent {
            match refusal(e, &what)? {
                Some(message) => {
                    refused.insert((need.entity, need.name.to_lowercase()));
                    blockers.push(Blocker {
                        kind: BlockerKind::CustomField,
                        item: format!("{} custom field {:?}", need.entity.as_str(), need.name),
                        problem: format!("Nutshell refused to create it: {message}"),
                        fix: "create it in Nutshell (Setup → Fields), or map the column elsewhere"
                            .into(),
                        file: need.file.clone(),
                    });
                }
                None => continue,
            }
        }
    }
    if !plan.create_fields.is_empty() {
        destination.custom_fields = read_custom_fields(client).await?;
        for need in &plan.create_fields {
            if refused.contains(&(need.entity, need.name.to_lowercase())) {
                continue;
            }
            if destination.custom_field(need.entity, &need.name).is_some() {
                created.custom_fields.push((need.entity, need.name.clone()));
            } else {
                blockers.push(Blocker {
                    kind: BlockerKind::CustomField,
                    item: format!("{} custom field {:?}", need.entity.as_str(), need.name),
                    problem: "the create got no clear answer and the field is not there on re-read"
                        .into(),
                    fix: "run again (nothing is sent twice), or create it in Nutshell (Setup → Fields)"
                        .into(),
                    file: need.file.clone(),
                });
            }
        }
    }
    // (entity, tag, Nutshell's refusal): an existing name is refused (someone added it
    // meanwhile), so the re-read decides; an ambiguous create is decided by the re-read too.
    let mut sent_tags: Vec<(EntityType, String, Option<String>)> = Vec::new();
    for (entity, tags) in &plan.create_tags {
        for tag in tags {
            let what = format!("tag {tag:?} on {}", entity.as_str());
            let refused = match client.new_tag(tag, *entity).await {
                Ok(_) => None,
                Err(e) => refusal(e, &what)?,
            };
            sent_tags.push((*entity, tag.clone(), refused));
        }
    }
    if !sent_tags.is_empty() {
        destination.tags = read_tags(client).await?;
        for (entity, tag, refused) in sent_tags {
            if destination.has_tag(entity, &tag) {
                if refused.is_none() {
                    created.tags.push((entity, tag));
                }
            } else {
                blockers.push(Blocker {
                    kind: BlockerKind::Tag,
                    item: format!("{} tag {tag:?}", entity.as_str()),
                    problem: match refused {
                        Some(message) => format!("Nutshell refused to create it: {message}"),
                        None => {
                            "the create got no clear answer and the tag is not there on re-read"
                                .into()
                        }
                    },
                    fix: "add the tag in Nutshell, or change the tag in the export".into(),
                    file: files.checklist.clone(),
                });
            }
        }
    }
    for name in &plan.create_sources {
        let source = client
            .new_source(name)
            .await
            .map_err(|source| SchemaError::Create {
                what: format!("source {name:?}"),
                source,
            })?;
        destination.sources.push(Named {
            id: source.id,
            name: source.fields.name.unwrap_or_else(|| name.clone()),
        });
        created.sources.push(name.clone());
    }
    Ok((created, blockers))
}

/// A refused create's message (`Some`), an ambiguous one left to the re-read (`None`), or an
/// error that stops preparing (connection, credentials).
fn refusal(e: NutshellError, what: &str) -> Result<Option<String>, SchemaError> {
    match e {
        NutshellError::Rejected { message, .. } => Ok(Some(message)),
        e if e.class() == nutshell::FailureClass::Ambiguous => Ok(None),
        source => Err(SchemaError::Create {
            what: what.to_string(),
            source,
        }),
    }
}
