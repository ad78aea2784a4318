//! The sandbox's records: every entity Nutshell serves, with ids, revs, timestamps and soft delete,
//! and how each is rendered in a response.

use std::collections::BTreeMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::errors::RpcError;

/// The kinds of record the sandbox stores: each Nutshell entity type it serves, named by its
/// `entityType`, plus custom-field definitions (`CustomFields`), which Nutshell keeps but names no
/// entity type for. The client's [`crate::nutshell::EntityType`] is the wire vocabulary; this is
/// the sandbox's storage, so it is a type of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordKind {
    /// Companies (`newAccount`, `findAccounts`).
    Accounts,
    /// People (`newContact`, `findContacts`).
    Contacts,
    /// Deals and leads; a lead in a pipeline has a `stageset` and `milestone`.
    Leads,
    /// Calls, meetings and emails logged against records (`newActivity`).
    Activities,
    /// To-dos with a due time (`newTask`).
    Tasks,
    /// Free-text notes attached to a record (`newNote`).
    Notes,
    /// Nutshell users (owners); read-only through the API (`findUsers`).
    Users,
    /// Pipelines (`findStagesets`); read-only through the API.
    Stagesets,
    /// Pipeline stages (`findMilestones`); read-only through the API.
    Milestones,
    /// Activity types; the wire name has an underscore (`Activity_Types`, docs/nutshell-api.md).
    #[serde(rename = "Activity_Types")]
    ActivityTypes,
    /// Lead sources (`findSources`, `newSource`).
    Sources,
    /// Tags (`findTags`, `newTag`).
    Tags,
    /// Custom field definitions (REST `POST /rest/{accounts|contacts|leads}/customfield`).
    CustomFields,
}

impl RecordKind {
    /// Nutshell's `entityType` string.
    pub fn entity_type(self) -> &'static str {
        match self {
            RecordKind::Accounts => "Accounts",
            RecordKind::Contacts => "Contacts",
            RecordKind::Leads => "Leads",
            RecordKind::Activities => "Activities",
            RecordKind::Tasks => "Tasks",
            RecordKind::Notes => "Notes",
            RecordKind::Users => "Users",
            RecordKind::Stagesets => "Stagesets",
            RecordKind::Milestones => "Milestones",
            RecordKind::ActivityTypes => "Activity_Types",
            RecordKind::Sources => "Sources",
            RecordKind::Tags => "Tags",
            RecordKind::CustomFields => "CustomFields",
        }
    }

    /// The singular, as in "Bad Lead ID" and `getLead`.
    pub fn title(self) -> &'static str {
        match self {
            RecordKind::Accounts => "Account",
            RecordKind::Contacts => "Contact",
            RecordKind::Leads => "Lead",
            RecordKind::Activities => "Activity",
            RecordKind::Tasks => "Task",
            RecordKind::Notes => "Note",
            RecordKind::Users => "User",
            RecordKind::Stagesets => "Stageset",
            RecordKind::Milestones => "Milestone",
            RecordKind::ActivityTypes => "Activity Type",
            RecordKind::Sources => "Source",
            RecordKind::Tags => "Tag",
            RecordKind::CustomFields => "Custom Field",
        }
    }

    /// The entity's parameter name: `account` in `newAccount {account}`, `accountId` minus `Id`.
    pub fn param(self) -> &'static str {
        match self {
            RecordKind::Accounts => "account",
            RecordKind::Contacts => "contact",
            RecordKind::Leads => "lead",
            RecordKind::Activities => "activity",
            RecordKind::Tasks => "task",
            RecordKind::Notes => "note",
            RecordKind::Users => "user",
            RecordKind::Stagesets => "stageset",
            RecordKind::Milestones => "milestone",
            RecordKind::ActivityTypes => "activityType",
            RecordKind::Sources => "source",
            RecordKind::Tags => "tag",
            RecordKind::CustomFields => "customField",
        }
    }

    /// The entity a link list under `key` points at (`accounts`, `primaryAccount`, `contacts`,
    /// `leads`).
    pub fn linked_by(key: &str) -> Option<RecordKind> {
        match key {
            "accounts" | "primaryAccount" => Some(RecordKind::Accounts),
            "contacts" => Some(RecordKind::Contacts),
            "leads" => Some(RecordKind::Leads),
            _ => None,
        }
    }

    /// The entity whose wire `entityType` is `s` (exact, case-sensitive: `Activity_Types`);
    /// `None` for any other text.
    pub fn from_entity_type(s: &str) -> Option<RecordKind> {
        ALL.iter().copied().find(|e| e.entity_type() == s)
    }
}

const ALL: [RecordKind; 13] = [
    RecordKind::Accounts,
    RecordKind::Contacts,
    RecordKind::Leads,
    RecordKind::Activities,
    RecordKind::Tasks,
    RecordKind::Notes,
    RecordKind::Users,
    RecordKind::Stagesets,
    RecordKind::Milestones,
    RecordKind::ActivityTypes,
    RecordKind::Sources,
    RecordKind::Tags,
    RecordKind::CustomFields,
];

/// Timestamps as Nutshell writes them: `2024-07-18T12:00:00+0000`.
pub const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%z";

pub fn now() -> String {
    Utc::now().format(TIME_FORMAT).to_string()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub entity: RecordKind,
    pub id: u64,
    /// Bumped on every edit; sent as an opaque string.
    pub rev: u64,
    pub created: String,
    pub modified: String,
    pub deleted: Option<String>,
    /// The entity's own keys, already validated and normalized.
    pub fields: Map<String, Value>,
}

impl Record {
    pub fn rev_string(&self) -> String {
        self.rev.to_string()
    }

    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub fn u64_field(&self, key: &str) -> Option<u64> {
        self.fields.get(key).and_then(Value::as_u64)
    }

    /// The display name, whatever the entity's shape of `name`.
    pub fn display_name(&self) -> String {
        match self.fields.get("name") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(o)) => o
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => match self.entity {
                RecordKind::Leads => self.lead_name(),
                RecordKind::Tasks => self.str_field("title").unwrap_or_default().to_string(),
                _ => String::new(),
            },
        }
    }

    fn lead_name(&self) -> String {
        match self.str_field("description") {
            Some(d) if !d.trim().is_empty() => d.to_string(),
            _ => format!("Lead-{}", self.u64_field("number").unwrap_or_default()),
        }
    }

    /// Every email address on the record (contacts and accounts keep a map with `--primary`,
    /// users a list).
    pub fn emails(&self) -> Vec<&str> {
        let key = if self.entity == RecordKind::Users {
            "emails"
        } else {
            "email"
        };
        match self.fields.get(key) {
            Some(Value::Object(m)) => m.values().filter_map(Value::as_str).collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// Everything the sandbox holds. Serialized whole to the state file (its records and counters;
/// the index is rebuilt when the file is read).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Saved")]
pub struct Store {
    next_id: u64,
    next_lead_number: u64,
    records: BTreeMap<u64, Record>,
    /// The ids of each kind, in id order (ids only grow), so [`Store::all`] walks one kind
    /// rather than every record: a tag or custom-field lookup on each create would otherwise
    /// cost the whole store, and a 100,000-record load would measure the sandbox, not the
    /// client.
    #[serde(skip)]
    by_kind: BTreeMap<RecordKind, Vec<u64>>,
    /// Bumped by every change, so the state file can tell a newer snapshot from an older one.
    #[serde(skip)]
    pub version: u64,
}

/// A [`Store`] as the state file holds it.
#[derive(Deserialize)]
struct Saved {
    next_id: u64,
    next_lead_number: u64,
    records: BTreeMap<u64, Record>,
}

impl From<Saved> for Store {
    fn from(saved: Saved) -> Self {
        let mut by_kind: BTreeMap<RecordKind, Vec<u64>> = BTreeMap::new();
        for r in saved.records.values() {
            by_kind.entry(r.entity).or_default().push(r.id);
        }
        Store {
            next_id: saved.next_id,
            next_lead_number: saved.next_lead_number,
            records: saved.records,
            by_kind,
            version: 0,
        }
    }
}

/// The first lead number, as in the UI's "Lead-1001".
const FIRST_LEAD_NUMBER: u64 = 1001;

impl Store {
    pub fn new() -> Self {
        Self {
            next_id: 1,
            next_lead_number: FIRST_LEAD_NUMBER,
            ..Self::default()
        }
    }

    /// Store a new record; ids come from one sequence across all entities, so an id of the wrong
    /// kind is never accidentally valid.
    pub fn insert(&mut self, entity: RecordKind, mut fields: Map<String, Value>) -> &Record {
        let id = self.next_id;
        self.next_id += 1;
        if entity == RecordKind::Leads {
            // Never the same as the id, so a client that mixes the two up is caught.
            if self.next_lead_number == id {
                self.next_lead_number += 1;
            }
            fields.insert("number".into(), json!(self.next_lead_number));
            self.next_lead_number += 1;
        }
        let t = now();
        self.version += 1;
        self.by_kind.entry(entity).or_default().push(id);
        self.records.entry(id).or_insert(Record {
            entity,
            id,
            rev: 1,
            created: t.clone(),
            modified: t,
            deleted: None,
            fields,
        })
    }

    /// A live (not deleted) record of that entity.
    pub fn live(&self, entity: RecordKind, id: u64) -> Option<&Record> {
        self.records
            .get(&id)
            .filter(|r| r.entity == entity && r.deleted.is_none())
    }

    pub fn get(&self, entity: RecordKind, id: u64) -> Result<&Record, RpcError> {
        self.live(entity, id)
            .ok_or_else(|| RpcError::not_found(entity.title(), id))
    }

    /// The live record, after checking the caller's `rev` (`REV_IGNORE` skips the check).
    pub fn get_for_change(
        &self,
        entity: RecordKind,
        id: u64,
        rev: &str,
    ) -> Result<&Record, RpcError> {
        let record = self.get(entity, id)?;
        if rev != REV_IGNORE && rev != record.rev_string() {
            return Err(RpcError::stale_rev());
        }
        Ok(record)
    }

    /// Replace a live record's fields and bump its rev.
    pub fn replace(&mut self, id: u64, fields: Map<String, Value>) -> Option<&Record> {
        let record = self.records.get_mut(&id)?;
        record.fields = fields;
        record.rev += 1;
        record.modified = now();
        self.version += 1;
        Some(record)
    }

    /// Change a live record's fields as a side effect of another record's write (its other side
    /// of a link): no rev bump, no new modified time.
    pub fn update_fields(&mut self, id: u64, change: impl FnOnce(&mut Map<String, Value>)) {
        if let Some(record) = self.records.get_mut(&id).filter(|r| r.deleted.is_none()) {
            change(&mut record.fields);
            self.version += 1;
        }
    }

    pub fn soft_delete(&mut self, id: u64) {
        if let Some(record) = self.records.get_mut(&id) {
            let t = now();
            record.deleted = Some(t.clone());
            record.modified = t;
            record.rev += 1;
            self.version += 1;
        }
    }

    /// Live records of one entity, in id order.
    pub fn all(&self, entity: RecordKind) -> impl Iterator<Item = &Record> {
        self.of_kind(entity).filter(|r| r.deleted.is_none())
    }

    /// Every record of one entity, deleted ones too, in id order.
    fn of_kind(&self, entity: RecordKind) -> impl Iterator<Item = &Record> {
        self.by_kind
            .get(&entity)
            .into_iter()
            .flatten()
            .filter_map(|id| self.records.get(id))
    }

    pub fn count(&self, entity: RecordKind) -> usize {
        self.all(entity).count()
    }

    pub fn count_deleted(&self, entity: RecordKind) -> usize {
        self.of_kind(entity).filter(|r| r.deleted.is_some()).count()
    }

    /// The full response shape of a record, as live Nutshell sends it (the shapes the public
    /// client `nutshell` 0.4.4's models in `entities.py` require): `stub: false`; users named by
    /// `owner`, `assignee` and `creator` as the whole user; a pipeline's `default` as 1/0 (PHP);
    /// a lead's `milestone` and `stageset` as references and its `status` always; an activity's
    /// `activityType` as a reference, its leads as lead stubs, its flags always; a note's `date`.
    pub fn render(&self, r: &Record) -> Value {
        let mut out = r.fields.clone();
        self.drop_deleted_links(&mut out);
        match r.entity {
            RecordKind::Leads => self.render_lead(r, &mut out),
            RecordKind::Activities => self.render_activity(&mut out),
            RecordKind::ActivityTypes => {
                out.insert("deletedTime".into(), Value::Null);
            }
            RecordKind::Stagesets => {
                let default = out.get("default").and_then(Value::as_bool) == Some(true);
                out.insert("default".into(), json!(u8::from(default)));
            }
            RecordKind::Users => {
                // Served by REST (`GET /rest/users/{id}`), not in JSON-RPC answers.
                out.remove("permissions");
            }
            RecordKind::Notes => {
                // Notes take no date: Nutshell dates them when they are made.
                out.insert("date".into(), json!(r.created));
            }
            _ => {}
        }
        for key in ["owner", "assignee", "creator"] {
            let user = out
                .get(key)
                .filter(|v| v.get("entityType").and_then(Value::as_str) == Some("Users"))
                .and_then(|v| v.get("id"))
                .and_then(Value::as_u64)
                .and_then(|id| self.live(RecordKind::Users, id));
            if let Some(user) = user {
                out.insert(key.into(), self.render(user));
            }
        }
        self.stamp(r, &mut out);
        out.insert("stub".into(), json!(false));
        Value::Object(out)
    }

    /// A deleted record drops out of the links that name it: link lists, a lead's primary
    /// account, an activity's participants.
    fn drop_deleted_links(&self, out: &mut Map<String, Value>) {
        let live = |x: &Value, entity: Option<RecordKind>| {
            let id = x.get("id").and_then(Value::as_u64);
            let entity = entity.or_else(|| {
                x.get("entityType")
                    .and_then(Value::as_str)
                    .and_then(RecordKind::from_entity_type)
            });
            matches!((entity, id), (Some(e), Some(id)) if self.live(e, id).is_some())
        };
        for key in ["accounts", "contacts", "leads", "participants"] {
            if let Some(Value::Array(list)) = out.get_mut(key) {
                list.retain(|x| live(x, RecordKind::linked_by(key)));
            }
        }
        if out
            .get("primaryAccount")
            .is_some_and(|p| !live(p, Some(RecordKind::Accounts)))
        {
            out.remove("primaryAccount");
        }
    }

    /// The short shape find* (with `stubResponses`) and search* return, with `stub: true`. A lead
    /// stub carries its `status` and `description`, and an activity stub everything the public
    /// client's `Activity` model requires (times, flags, status), as live Nutshell's do.
    pub fn render_stub(&self, r: &Record) -> Value {
        if r.entity == RecordKind::Activities {
            let mut full = self.render(r);
            full["stub"] = json!(true);
            return full;
        }
        let mut out = Map::new();
        let name = r.fields.get("name").cloned();
        out.insert(
            "name".into(),
            name.unwrap_or_else(|| Value::String(r.display_name())),
        );
        if r.entity == RecordKind::Leads {
            for (key, absent) in [
                ("number", Value::Null),
                ("status", json!(0)),
                ("description", json!("")),
            ] {
                let v = r.fields.get(key).cloned().unwrap_or(absent);
                if !v.is_null() {
                    out.insert(key.into(), v);
                }
            }
        }
        self.stamp(r, &mut out);
        out.insert("stub".into(), json!(true));
        Value::Object(out)
    }

    fn stamp(&self, r: &Record, out: &mut Map<String, Value>) {
        out.insert("id".into(), json!(r.id));
        out.insert("entityType".into(), json!(r.entity.entity_type()));
        out.insert("rev".into(), json!(r.rev_string()));
        out.insert("createdTime".into(), json!(r.created));
        out.insert("modifiedTime".into(), json!(r.modified));
    }

    /// A `{id, entityType, name}` reference to another record, as responses nest them.
    fn reference(&self, entity: RecordKind, id: Option<u64>) -> Option<Value> {
        let r = self.records.get(&id?)?;
        (r.entity == entity).then(|| {
            json!({"stub": true, "id": r.id, "entityType": entity.entity_type(),
                   "rev": r.rev_string(), "name": r.display_name()})
        })
    }

    fn render_lead(&self, r: &Record, out: &mut Map<String, Value>) {
        out.insert("name".into(), json!(r.lead_name()));
        out.entry("status").or_insert(json!(0));
        out.entry("description").or_insert(json!(""));
        let milestone = out.remove("milestoneId").and_then(|v| v.as_u64());
        let stageset = out.remove("stagesetId").and_then(|v| v.as_u64());
        if let Some(m) = self.reference(RecordKind::Milestones, milestone) {
            out.insert("milestone".into(), m);
        }
        if let Some(s) = self.reference(RecordKind::Stagesets, stageset) {
            out.insert("stageset".into(), s);
        }
    }

    fn render_activity(&self, out: &mut Map<String, Value>) {
        for key in ["isAllDay", "isFlagged"] {
            out.entry(key).or_insert(json!(false));
        }
        out.entry("name").or_insert(json!(""));
        if let Some(Value::Array(leads)) = out.get_mut("leads") {
            for link in leads.iter_mut() {
                let lead = link
                    .get("id")
                    .and_then(Value::as_u64)
                    .and_then(|id| self.live(RecordKind::Leads, id));
                if let Some(lead) = lead {
                    *link = self.render_stub(lead);
                }
            }
        }
        let type_id = out.remove("activityTypeId").and_then(|v| v.as_u64());
        if let Some(t) = self.reference(RecordKind::ActivityTypes, type_id) {
            out.insert("activityType".into(), t);
        }
        let status = out.get("status").and_then(Value::as_i64).unwrap_or(0);
        let ended = out
            .get("endTime")
            .and_then(Value::as_str)
            .is_some_and(|end| end < now().as_str());
        // Nutshell reports a scheduled activity whose end has passed as overdue.
        let shown = if status == 0 && ended { -1 } else { status };
        out.insert("status".into(), json!(shown));
        for key in ["logDescription", "logNote", "loggedBy"] {
            out.entry(key).or_insert(Value::Null);
        }
    }
}

/// The `rev` value a community client sends to skip the check (unconfirmed in Nutshell's docs).
pub const REV_IGNORE: &str = "REV_IGNORE";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_number_is_never_its_id() {
        let mut store = Store::new();
        // 1,000 records first: the next id is 1001, the first lead number.
        for _ in 0..1000 {
            store.insert(RecordKind::Accounts, Map::new());
        }
        let lead = store.insert(RecordKind::Leads, Map::new()).clone();
        assert_eq!(lead.id, FIRST_LEAD_NUMBER);
        assert_ne!(lead.u64_field("number"), Some(lead.id));
        let next = store.insert(RecordKind::Leads, Map::new()).clone();
        assert!(next.u64_field("number") > lead.u64_field("number"));
    }
}
