//! Sending one record's plan: its creates in order (ids of earlier creates written into later
//! ones), then its follow-ups; an ambiguous create (the server may have committed it) is never
//! re-sent blind but resolved by looking the record up — on the spot, and on resume for every
//! create left `sending` by an earlier run.
//!
//! Lookup order (issue 9, nutshell-api.md "Finding our records"): for accounts, contacts and
//! leads the REST filter on the legacy-id field (`Client::find_by_field`), each hit read with
//! `get*` and its legacy id compared; when the filter finds nothing or cannot be used (its answer
//! shape is unconfirmed), `searchByEmail` (contacts) or `search*` by name (accounts, contacts),
//! then `get*` and compare the legacy id; then `find*` ordered by id descending over the records
//! created since the intent, comparing the legacy id (accounts, contacts, leads) or the
//! `RSoft … ID:` line the builder writes into activities and tasks.
//! Notes cannot be found by any API call: an ambiguous note is held for the operator to check.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::mapping::record::{FollowUp, Plan};
use crate::nutshell::methods::{self, MethodSpec};
use crate::nutshell::{Client, EntityType, FailureClass, NutshellError, Params};

/// Where creates go: Nutshell, or nowhere (a dry run, which makes up ids so that children build
/// as they would in the load).
pub enum Sender {
    /// Creates go to Nutshell through this client.
    Live(Client),
    /// Reads (existing accounts and contacts) still go to `client` when there is one; creates
    /// get ids counting down from -1.
    DryRun {
        /// The client for reads, when there is one.
        client: Option<Client>,
        /// The next made-up id (negative, counting down).
        next: AtomicI64,
    },
}

/// A create that happened: Nutshell's id and rev.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// The id Nutshell gave (negative for a dry run's made-up id).
    pub id: i64,
    /// The `rev` Nutshell returned, when it sent one.
    pub rev: Option<String>,
}

/// How one create ended.
#[derive(Debug)]
pub enum StepEnd {
    /// Created now, or found by lookup after an ambiguous answer.
    Made(Made),
    /// Surely not created: Nutshell refused it.
    Refused(NutshellError),
    /// Maybe created and the lookup could not tell (or failed): leave it `sending`.
    Unknown(String),
}

/// What the builder's JSON path of a failing field is, from Nutshell's error data when it names
/// one (`data.field` or `data.key`, as the sandbox and the API's validation errors give).
pub fn field_at_fault(e: &NutshellError) -> Option<String> {
    let NutshellError::Rejected {
        data: Some(data), ..
    } = e
    else {
        return None;
    };
    ["field", "key", "path", "param"]
        .iter()
        .find_map(|k| data.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

fn spec_of(entity_type: EntityType) -> Option<MethodSpec> {
    match entity_type {
        EntityType::Notes => Some(methods::NEW_NOTE),
        t => t.methods().map(|m| m.new),
    }
}

impl Sender {
    /// A dry run that may read from `client` but never writes.
    pub fn dry_run(client: Option<Client>) -> Self {
        Sender::DryRun {
            client,
            next: AtomicI64::new(-1),
        }
    }

    /// The client reads go to, if any.
    pub fn client(&self) -> Option<&Client> {
        match self {
            Sender::Live(c) => Some(c),
            Sender::DryRun { client, .. } => client.as_ref(),
        }
    }

    /// Send one `new<Entity>` with `params` (the builder's params object).
    pub async fn create(&self, entity_type: EntityType, params: &Value) -> StepEnd {
        let client = match self {
            Sender::DryRun { next, .. } => {
                return StepEnd::Made(Made {
                    id: next.fetch_sub(1, Ordering::Relaxed),
                    rev: None,
                });
            }
            Sender::Live(client) => client,
        };
        let Some(spec) = spec_of(entity_type) else {
            return StepEnd::Unknown(format!(
                "internal: no create method for {}",
                entity_type.as_str()
            ));
        };
        let mut call = Params::new(spec);
        if let Some(object) = params.as_object() {
            for (k, v) in object {
                call = match call.set(k, v) {
                    Ok(c) => c,
                    Err(e) => return StepEnd::Refused(e),
                };
            }
        }
        match client.call::<Value>(call).await {
            Ok(answer) => match made(&answer) {
                Some(m) => StepEnd::Made(m),
                None => StepEnd::Unknown(format!("{}: the answer has no id: {answer}", spec.name)),
            },
            Err(e) if e.class() == FailureClass::Ambiguous => StepEnd::Unknown(e.to_string()),
            Err(e) => StepEnd::Refused(e),
        }
    }

    /// Run a plan's follow-ups given the ids (and revs, where known) its creates got.
    pub async fn follow_ups(
        &self,
        plan: &Plan,
        made: &[Option<Made>],
    ) -> Result<(), NutshellError> {
        let Sender::Live(client) = self else {
            return Ok(());
        };
        for follow_up in &plan.follow_ups {
            match follow_up {
                FollowUp::CloseLead { lead, status } => {
                    let Some(Some(m)) = made.get(*lead) else {
                        continue;
                    };
                    close_lead(client, m, status.code()).await?;
                }
            }
        }
        Ok(())
    }

    /// Look up a record a create may have made: `params` is what was (or would be) sent,
    /// `rsoft_id` the source record's, `since` the intent's time. `Ok(None)`: surely not there.
    pub async fn find_made(
        &self,
        entity_type: EntityType,
        params: &Value,
        legacy_field: &str,
        rsoft_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<Made>, String> {
        let Sender::Live(client) = self else {
            return Ok(None);
        };
        let found = match entity_type {
            EntityType::Notes => {
                return Err(
                    "Nutshell may have created this note, and no API call can look notes up".into(),
                );
            }
            EntityType::Accounts | EntityType::Contacts | EntityType::Leads => {
                find_by_legacy_id(client, entity_type, params, legacy_field, rsoft_id, since).await
            }
            _ => find_by_text(client, entity_type, rsoft_id, since).await,
        };
        found.map_err(|e| format!("the lookup failed: {e}"))
    }
}

/// Close a lead (`editLead` status 10/11/12) with the rev its create returned, or the current
/// one; a lead already in that status is left alone (a resumed run).
async fn close_lead(client: &Client, lead: &Made, status: i64) -> Result<(), NutshellError> {
    let m = &methods::LEADS;
    let current: Value = client
        .call(Params::new(m.get).set(m.id_param, lead.id)?)
        .await?;
    if current.get("status").and_then(Value::as_i64) == Some(status) {
        return Ok(());
    }
    let rev = rev_text(current.get("rev")).or_else(|| lead.rev.clone());
    let Some(edit) = m.edit else {
        return Ok(());
    };
    let params = Params::new(edit)
        .set(m.id_param, lead.id)?
        .set(methods::REV, rev.unwrap_or_default())?
        .set(m.body_param(), json!({ "status": status }))?;
    client.call::<Value>(params).await.map(|_| ())
}

pub(crate) fn rev_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn made(answer: &Value) -> Option<Made> {
    Some(Made {
        id: answer.get("id")?.as_i64()?,
        rev: rev_text(answer.get("rev")),
    })
}

fn legacy_of(record: &Value, legacy_field: &str) -> Option<String> {
    let v = record.get("customFields")?.get(legacy_field)?;
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn created_before(record: &Value, since: DateTime<Utc>) -> bool {
    record
        .get("createdTime")
        .and_then(Value::as_str)
        .and_then(crate::nutshell::Timestamp::parse)
        .is_some_and(|t| t.0 < since - chrono::Duration::minutes(5))
}

/// The body of a create (`params.account`, …).
fn body(entity_type: EntityType, params: &Value) -> Option<&Map<String, Value>> {
    let param = entity_type.methods()?.body_param();
    params.get(param)?.as_object()
}

/// Emails of a contact body: a list of strings, or `{label: address}`.
pub fn emails_of(body: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    match body.get("email") {
        Some(Value::String(s)) => out.push(s.clone()),
        Some(Value::Array(list)) => {
            out.extend(list.iter().filter_map(Value::as_str).map(str::to_string))
        }
        Some(Value::Object(map)) => {
            out.extend(map.values().filter_map(Value::as_str).map(str::to_string))
        }
        _ => {}
    }
    out.into_iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect()
}

async fn find_by_legacy_id(
    client: &Client,
    entity_type: EntityType,
    params: &Value,
    legacy_field: &str,
    rsoft_id: &str,
    since: DateTime<Utc>,
) -> Result<Option<Made>, NutshellError> {
    let Some(m) = entity_type.methods() else {
        return Ok(None);
    };
    let sent = body(entity_type, params);
    // 1. The REST filter on the legacy-id field. No hit (or an answer the client cannot read)
    // is not proof of absence: the slower lookups below still run.
    if let Ok(hits) = client
        .find_by_field(entity_type, legacy_field, rsoft_id)
        .await
    {
        let mut ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        ids.sort_unstable();
        for id in ids {
            let record: Value = client.call(Params::new(m.get).set(m.id_param, id)?).await?;
            if legacy_of(&record, legacy_field).as_deref() == Some(rsoft_id) {
                return Ok(made(&record));
            }
        }
    }
    // 2. Candidates by email or name, read whole and compared on the legacy id.
    let mut candidates: Vec<i64> = Vec::new();
    if entity_type == EntityType::Contacts
        && let Some(email) = sent.map(emails_of).and_then(|e| e.into_iter().next())
    {
        candidates.extend(
            client
                .search_by_email(&email)
                .await?
                .contacts
                .iter()
                .map(|s| s.id),
        );
    }
    if let (Some(search), Some(name)) = (
        m.search,
        sent.and_then(|b| b.get("name")).and_then(Value::as_str),
    ) {
        let stubs: Vec<Value> = client
            .call(Params::new(search).set(methods::SEARCH_STRING, name)?)
            .await?;
        candidates.extend(stubs.iter().filter_map(|s| s.get("id")?.as_i64()));
    }
    candidates.sort_unstable();
    candidates.dedup();
    for id in candidates {
        let record: Value = client.call(Params::new(m.get).set(m.id_param, id)?).await?;
        if legacy_of(&record, legacy_field).as_deref() == Some(rsoft_id) {
            return Ok(made(&record));
        }
    }
    // 3. The newest records, back to the intent's time.
    newest(client, entity_type, since, |r| {
        legacy_of(r, legacy_field).as_deref() == Some(rsoft_id)
    })
    .await
}

async fn find_by_text(
    client: &Client,
    entity_type: EntityType,
    rsoft_id: &str,
    since: DateTime<Utc>,
) -> Result<Option<Made>, NutshellError> {
    newest(client, entity_type, since, |r| {
        ["description", "name", "title"].iter().any(|k| {
            r.get(*k)
                .and_then(Value::as_str)
                .is_some_and(|text| names_id(text, rsoft_id))
        })
    })
    .await
}

/// `text` has a line ending in `ID: <rsoft_id>` (the builder's `RSoft … ID:` line).
fn names_id(text: &str, rsoft_id: &str) -> bool {
    text.lines().any(|line| {
        line.trim_end()
            .strip_suffix(rsoft_id)
            .is_some_and(|head| head.trim_end().ends_with("ID:"))
    })
}

/// Page through `entity_type` newest first (by id), until a record created well before `since`.
async fn newest(
    client: &Client,
    entity_type: EntityType,
    since: DateTime<Utc>,
    matches: impl Fn(&Value) -> bool,
) -> Result<Option<Made>, NutshellError> {
    let Some(find) = entity_type.methods().and_then(|m| m.find) else {
        return Ok(None);
    };
    for page in 1..=200u32 {
        let params = Params::new(find)
            .set(methods::QUERY, Map::new())?
            .set(methods::STUB_RESPONSES, false)?
            .set(methods::LIMIT, 50)?
            .set(methods::ORDER_BY, "id")?
            .set(methods::ORDER_DIRECTION, methods::DESCENDING)?
            .set(methods::PAGE, page)?;
        let records: Vec<Value> = client.call(params).await?;
        if records.is_empty() {
            return Ok(None);
        }
        if let Some(r) = records.iter().find(|r| matches(r)) {
            return Ok(made(r));
        }
        if records.last().is_some_and(|r| created_before(r, since)) {
            return Ok(None);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_line_names_only_that_id() {
        let text = "Called about pricing\nRSoft activity ID: ACT-5001";
        assert!(names_id(text, "ACT-5001"));
        assert!(!names_id(text, "ACT-500"));
        assert!(!names_id("RSoft activity ID: ACT-50011", "ACT-5001"));
    }

    #[test]
    fn emails_come_from_a_list_or_a_labelled_map() {
        let list = json!({"email": ["A@x.in", " b@y.in "]});
        assert_eq!(emails_of(list.as_object().unwrap()), ["a@x.in", "b@y.in"]);
        let map = json!({"email": {"work": "C@z.in"}});
        assert_eq!(emails_of(map.as_object().unwrap()), ["c@z.in"]);
    }
}
