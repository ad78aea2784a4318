//! The record builder: one pure function, [`build_record`], turns one source row of a module into
//! exactly what to send to Nutshell — or says why not. No I/O: ids of records loaded earlier come
//! through [`Lookups`], which the load implements over the journal and tests over a map. The dry
//! run, the load, the wizard's preview and `verify` all call it, so what is previewed is what is
//! sent.
//!
//! Every row ends in exactly one [`Built`]: a [`Plan`] (creates in order, then follow-ups), a
//! hold (a parent or lookup that resolves to nothing or is itself held — released later, never
//! dropped), or problems (a value a transform rejects, kept with its reason).
//!
//! How RSoft objects land is docs/design.md §2 and "What the load must know" in docs/nutshell-api.md; each
//! module's rules are in its file: `account.rs`, `contact.rs`, `lead.rs`, `deal.rs`,
//! `activity.rs`, `ticket.rs`, `message.rs`; `columns.rs` reads a row through its map.

mod account;
mod activity;
mod columns;
mod contact;
mod deal;
pub mod hash;
mod lead;
pub mod memory;
mod message;
mod parts;
pub mod preview;
pub mod text;
mod ticket;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::{FieldMap, Target};
use super::transform::SourceFormat;
use crate::config::Config;
use crate::nutshell::EntityType;
use crate::rsoft::{Module, Row, RowRef};
use crate::vocabulary::Vocabulary;

/// The normalised company name, the key a company is looked up by (one rule with discovery).
pub use crate::rsoft::company::company_key;
pub use columns::row_amount;
pub use hash::{ContentHash, content_hash};
pub use memory::MemoryLookups;
pub use parts::rsoft_id_line;
pub use preview::PreviewLookups;
pub use ticket::TICKET_ACTIVITY_TYPE;

/// How the export writes its values, how its headers read and where the legacy id goes; built
/// once per run from the config ([`BuildSettings::from_config`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSettings {
    /// Date order, IANA zone (`Asia/Kolkata`), default ISO 4217 currency and ISO 3166 alpha-2
    /// country of the export (`[source]` in the config).
    pub source: SourceFormat,
    /// The custom field holding each record's RSoft ID on Accounts, Contacts and Leads
    /// (`[migration] legacy_id_field`, default `RSoft ID`). Activities, tasks and notes have no
    /// custom fields: their RSoft ID goes into their text.
    pub legacy_id_field: String,
    /// The export's header vocabulary ([`crate::rsoft::Export::vocabulary`]: the built-in one
    /// extended by the config's `[vocabulary] file`), by which a cell's header is known as an
    /// RSoft standard column (`Sent On`, `Lifecycle Stage`) however the export spells it.
    pub vocabulary: Arc<Vocabulary>,
}

impl BuildSettings {
    /// The settings from the loaded config (source date order, zone and currency, the legacy-id
    /// field name) and the export's `vocabulary`.
    pub fn from_config(config: &Config, vocabulary: Arc<Vocabulary>) -> Self {
        Self {
            source: SourceFormat::from_config(config),
            legacy_id_field: config.migration.legacy_id_field.clone(),
            vocabulary,
        }
    }
}

/// Cells of one source row by header, as the export spells it. Implemented for the reader's rows
/// and for a map of header → value (tests, previews).
pub trait Cells {
    /// The cell under `header`, untrimmed; `None` when the row has no such column.
    fn cell(&self, header: &str) -> Option<&str>;
}

impl Cells for Row {
    fn cell(&self, header: &str) -> Option<&str> {
        self.get(header)
    }
}

impl Cells for RowRef<'_> {
    fn cell(&self, header: &str) -> Option<&str> {
        self.get(header)
    }
}

impl Cells for BTreeMap<String, String> {
    fn cell(&self, header: &str) -> Option<&str> {
        self.get(header).map(String::as_str)
    }
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution<T = i64> {
    /// The Nutshell id (or ids) it stands for.
    Found(T),
    /// The record exists in the export but is itself held; the reason says why.
    Held(String),
    /// Nothing is known by that key (not loaded yet, not in the export, or not in Nutshell).
    Missing,
}

/// A pipeline stage in Nutshell: the stageset (pipeline) id and the milestone (stage) id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageIds {
    /// The pipeline's Nutshell id (`stagesetId`).
    pub stageset_id: i64,
    /// The stage's Nutshell id (`milestoneId`).
    pub milestone_id: i64,
}

/// A Nutshell record by type and id, serialised as Nutshell references are: `{entityType, id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordRef {
    /// Nutshell's entity type of the record.
    pub entity_type: EntityType,
    /// The record's Nutshell id.
    pub id: i64,
}

/// Ids the builder needs from records loaded earlier, the owner decisions and the destination
/// schema. The load implements it over the journal (SQLite, never a map in RAM); every method is a
/// point query. Names are passed exactly as the builder derived them, ids are Nutshell's.
pub trait Lookups {
    /// The record of type `entity_type` created (or linked, or merged into) for the RSoft record
    /// `rsoft_id` of `module`. A row may stand for more than one record: an RSoft lead is a
    /// `Contacts` record (its person) and a `Leads` record; a ticket is a `Tasks` record or, when
    /// closed and the map says so, an `Activities` record.
    fn record(&self, module: Module, rsoft_id: &str, entity_type: EntityType) -> Resolution;

    /// The Nutshell Account whose normalised name ([`company_key`]) is `key`: one loaded from the
    /// export, or one that already existed in Nutshell (link, don't create).
    fn account_by_name(&self, key: &str) -> Resolution;

    /// Whether Account `id`, as [`Lookups::account_by_name`] found it, was in Nutshell before
    /// the migration and no record of the export became it (no company row created, linked or
    /// merged into it): a row linked to it by name is linked to a firm the export does not
    /// load, which the operator should check. `false` where that cannot be known (a preview
    /// reads neither Nutshell nor the journal) — it only adds a caveat, never changes a plan.
    fn account_only_in_nutshell(&self, id: i64) -> bool;

    /// The Contact with this email (lower-cased, as [`crate::mapping::transform::normalize_email`]
    /// gives it, then lower-cased whole): one loaded from the export or already in Nutshell.
    fn contact_by_email(&self, email: &str) -> Resolution;

    /// The Nutshell user an RSoft owner cell stands for (`ravi@acme.in`, `Priya Sharma`,
    /// `Anil Mehta <ANIL.MEHTA@acme.in>`, trimmed as written), from the owner decisions.
    fn user(&self, owner: &str) -> Resolution;

    /// The ids of Nutshell stage `milestone` in pipeline `stageset` (names as the stage map's
    /// `to` and `stageset` give them).
    fn stage(&self, stageset: &str, milestone: &str) -> Resolution<StageIds>;

    /// The id of the Nutshell activity type named `name` (the activity-type map's `to`).
    fn activity_type(&self, name: &str) -> Resolution;

    /// The id of the Nutshell source named `name` (created by the schema step when missing).
    fn source(&self, name: &str) -> Resolution;

    /// The Account, Contact or Lead that notes about RSoft record `rsoft_id` of `module` attach
    /// to: for companies, contacts, leads and deals the record created for it (an RSoft lead's
    /// Lead); for a ticket, [`Plan::anchor`] of the ticket's plan (the record its task or logged
    /// activity is about), which the load keeps with the ticket.
    fn note_anchor(&self, module: Module, rsoft_id: &str) -> Resolution<RecordRef>;
}

/// Why a row was not built: the column, its value as written, and what is wrong or missing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellReason {
    /// The source header; empty when the reason is about the row as a whole.
    pub column: String,
    /// The cell exactly as the export has it.
    pub value: String,
    /// Why the cell (or row) cannot be sent as it is, and what to do, in the operator's words.
    pub reason: String,
}

impl CellReason {
    /// A reason about `column`'s cell `value`.
    pub fn new(column: &str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            column: column.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// An id to write into a create's params before it is sent: the id Nutshell gave an earlier
/// create of the same plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// A JSON pointer (RFC 6901) into [`PlannedCreate::params`], e.g. `/lead/contacts/0/id`.
    pub pointer: String,
    /// The index in [`Plan::creates`] of the create whose id goes there (always an earlier one).
    pub from: usize,
}

/// What a planned create stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The record the row itself becomes (its ledger entry).
    Record,
    /// The Contact made for the person of an RSoft lead (deduped by email through
    /// [`Lookups::contact_by_email`]; absent from the plan when that contact exists).
    Person,
    /// The Account made for the company an RSoft lead names when no account has that name yet
    /// ([`Lookups::account_by_name`] answered missing): the load registers its
    /// [`company_key`] so later rows naming the company link to it.
    Company,
    /// A note on a record made by this plan or found by a lookup.
    Note,
}

/// One `new<Entity>` call (`newNote` for notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedCreate {
    /// The Nutshell entity type `new<Entity>` makes.
    pub entity_type: EntityType,
    /// What the record stands for (the row itself, its person, its company, a note).
    pub role: Role,
    /// The exact params object: `{"account": {…}}` for `newAccount`, `{"entity": {entityType,
    /// id}, "note": "…"}` for `newNote`. Where [`PlannedCreate::fills`] point, a placeholder
    /// `null` stands until the load writes the id ([`Plan::params_with`]).
    pub params: Value,
    /// Ids of earlier creates to write into `params` before sending.
    pub fills: Vec<Fill>,
}

/// Nutshell lead statuses a closed lead is set to after its create (docs/nutshell-api.md: no input
/// creates a lead already closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseStatus {
    /// Status 10.
    Won,
    /// Status 11.
    Lost,
    /// Status 12.
    Cancelled,
}

impl CloseStatus {
    /// The `status` value of `editLead`: 10 won, 11 lost, 12 cancelled.
    pub fn code(self) -> i64 {
        match self {
            CloseStatus::Won => 10,
            CloseStatus::Lost => 11,
            CloseStatus::Cancelled => 12,
        }
    }
}

/// A call after the creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowUp {
    /// `editLead {leadId, rev, lead: {status}}` on the lead made by create `lead`, with the rev
    /// its create returned. Nutshell stamps the close with the migration date; the original date
    /// stays in whatever custom field the map sends it to.
    CloseLead {
        /// The index in [`Plan::creates`] of the lead's create.
        lead: usize,
        /// The status to set.
        status: CloseStatus,
    },
}

/// What to send for one row: creates in order, then follow-ups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The `new<Entity>` calls in order; later ones may take earlier ones' ids ([`Fill`]).
    pub creates: Vec<PlannedCreate>,
    /// Calls after the creates (closing a lead).
    pub follow_ups: Vec<FollowUp>,
    /// What the builder had to choose, for the record's report line (a local time that happened
    /// twice, an end time taken from the start, a derived contact name).
    pub caveats: Vec<String>,
    /// For a ticket: the Account or Contact its task or activity is about, where its messages'
    /// notes go ([`Lookups::note_anchor`]).
    pub anchor: Option<RecordRef>,
}

impl Plan {
    /// The params of create `index` with the ids of earlier creates written in: `ids[i]` is the id
    /// Nutshell gave create `i`. `None` when a fill names a create not in `ids` (not sent yet) or
    /// a pointer that does not exist.
    pub fn params_with(&self, index: usize, ids: &[i64]) -> Option<Value> {
        let create = self.creates.get(index)?;
        let mut params = create.params.clone();
        for fill in &create.fills {
            let id = *ids.get(fill.from)?;
            *params.pointer_mut(&fill.pointer)? = Value::from(id);
        }
        Some(params)
    }

    /// The create that is the row's own record.
    pub fn record(&self) -> Option<&PlannedCreate> {
        self.creates.iter().find(|c| c.role == Role::Record)
    }

    /// The body of the row's own record (`params.account`, `params.contact`, …): what a merged
    /// row carries to the record it joined. `None` when the plan has no record of its own.
    pub fn record_body(&self) -> Option<&serde_json::Map<String, Value>> {
        let own = self.record()?;
        let param = own.entity_type.methods()?.body_param();
        own.params.get(param)?.as_object()
    }
}

/// The outcome for one row: exactly one of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Built {
    /// Everything to send for the row.
    Plan(Plan),
    /// Waits for a parent or lookup; released when it resolves (`migrate --release-holds`).
    Hold {
        /// What the row waits for (a parent, an owner, a stage), one reason each.
        reasons: Vec<CellReason>,
    },
    /// Values the transforms reject, each with the original kept; nothing is sent.
    Problems {
        /// Each rejected value with its reason; the original cell is kept.
        problems: Vec<CellReason>,
    },
}

/// The RSoft ID of a row: the cell of the column the map sends to the legacy-id field, trimmed
/// and without invisible characters ([`crate::cells::id_text`], as the builder reads ids);
/// `None` when the map has no such column or the cell is blank. The journal keys its ledger by it.
pub fn rsoft_id(module: Module, row: &dyn Cells, map: &FieldMap) -> Option<String> {
    let columns = &map.modules.get(&module)?.columns;
    columns
        .iter()
        .filter(|c| c.target == Target::LegacyId)
        .find_map(|c| row.cell(&c.header))
        .map(crate::cells::id_text)
        .filter(|id| !id.is_empty())
        .map(std::borrow::Cow::into_owned)
}

/// Build what to send for one source `row` of `module`, as the confirmed `map` says, with
/// `settings` for the export's formats and `lookups` for ids of records loaded before it.
/// Pure and deterministic: the same inputs give the same [`Built`].
///
/// A module that holds no records (users, pipelines, custom fields, workflows) or has no entry
/// in the map gives [`Built::Problems`] naming it.
pub fn build_record(
    module: Module,
    row: &dyn Cells,
    map: &FieldMap,
    settings: &BuildSettings,
    lookups: &dyn Lookups,
) -> Built {
    let Some(module_map) = map.modules.get(&module) else {
        return Built::Problems {
            problems: vec![CellReason::new(
                "",
                "",
                format!("the field map has no section for {module}: run `crm-migrate map`"),
            )],
        };
    };
    let ctx = columns::Context {
        module,
        map: module_map,
        settings,
        lookups,
    };
    let read = columns::read_row(&ctx, row);
    let built = match module {
        Module::Companies => account::build(&ctx, read),
        Module::Contacts => contact::build(&ctx, read),
        Module::Leads => lead::build(&ctx, read),
        Module::Deals => deal::build(&ctx, read),
        Module::Activities => activity::build(&ctx, read),
        Module::Tickets => ticket::build(&ctx, read),
        Module::TicketMessages => message::build(&ctx, read),
        Module::Users | Module::Pipelines | Module::CustomFields | Module::Workflows => {
            Err(columns::Stop::problem(
                "",
                "",
                format!("{module} describe the account's setup; they are not loaded as records"),
            ))
        }
    };
    match built {
        Ok(plan) => Built::Plan(plan),
        Err(stop) => stop.into_built(),
    }
}

/// Small maps and rows for the module builders' tests.
#[cfg(test)]
pub(crate) mod fixture {
    use std::collections::BTreeMap;

    use super::*;
    use crate::mapping::catalogue::{ValueKind, ValueMapKind};
    use crate::mapping::model::{ColumnEntry, LookupKey, ModuleMap, Status, ValueEntry};
    use crate::nutshell::EntityType;

    pub fn settings() -> BuildSettings {
        BuildSettings::from_config(&Config::default(), crate::vocabulary::Vocabulary::builtin())
    }

    pub fn field(path: &str) -> Target {
        Target::Field { field: path.into() }
    }

    pub fn lookup(entity: EntityType, by: LookupKey) -> Target {
        Target::Lookup { entity, by }
    }

    pub fn custom(name: &str, kind: ValueKind) -> Target {
        Target::Custom {
            name: name.into(),
            kind,
            create: true,
        }
    }

    pub fn note(label: &str) -> Target {
        Target::Note {
            label: label.into(),
        }
    }

    /// A map of one module: columns, and value-map entries (kind, from, to, stageset).
    pub fn map(
        module: Module,
        columns: &[(&str, Target)],
        values: &[(ValueMapKind, &str, &str, Option<&str>)],
    ) -> FieldMap {
        let mut m = ModuleMap::default();
        for (header, target) in columns {
            m.columns.push(ColumnEntry {
                header: header.to_string(),
                target: target.clone(),
                confidence: 1.0,
                reason: "test".into(),
                status: Status::Confirmed,
            });
        }
        for (kind, from, to, stageset) in values {
            m.values.entry(*kind).or_default().push(ValueEntry {
                from: from.to_string(),
                to: to.to_string(),
                stageset: stageset.map(str::to_string),
                confidence: 1.0,
                reason: "test".into(),
                status: Status::Confirmed,
            });
        }
        let mut map = FieldMap::new("RSoft ID");
        map.modules.insert(module, m);
        map
    }

    pub fn row(cells: &[(&str, &str)]) -> BTreeMap<String, String> {
        cells
            .iter()
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect()
    }

    /// A row of `base` cells with `changes` over them.
    pub fn with(base: &[(&str, &str)], changes: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut r = row(base);
        r.extend(row(changes));
        r
    }

    pub fn found(id: i64) -> Resolution {
        Resolution::Found(id)
    }

    pub fn build(
        module: Module,
        map: &FieldMap,
        row: &BTreeMap<String, String>,
        lookups: &MemoryLookups,
    ) -> Built {
        build_record(module, row, map, &settings(), lookups)
    }

    pub fn plan(built: Built) -> Plan {
        match built {
            Built::Plan(p) => p,
            other => panic!("expected a plan: {other:#?}"),
        }
    }

    pub fn held(built: Built) -> Vec<CellReason> {
        match built {
            Built::Hold { reasons } => reasons,
            other => panic!("expected a hold: {other:#?}"),
        }
    }

    pub fn problems(built: Built) -> Vec<CellReason> {
        match built {
            Built::Problems { problems } => problems,
            other => panic!("expected problems: {other:#?}"),
        }
    }

    /// Users by owner cell.
    pub fn with_users(lookups: &mut MemoryLookups, users: &[(&str, i64)]) {
        for (cell, id) in users {
            lookups.users.insert(cell.to_string(), found(*id));
        }
    }

    /// The record of `module` `rsoft_id` of type `t` is `id`.
    pub fn with_record(
        lookups: &mut MemoryLookups,
        module: Module,
        rsoft_id: &str,
        t: EntityType,
        id: Resolution,
    ) {
        lookups.records.insert((module, rsoft_id.into(), t), id);
    }

    pub fn lookups() -> MemoryLookups {
        MemoryLookups::default()
    }

    pub use LookupKey::{Name as ByName, Owner as ByOwner, RsoftId as ById};
}
