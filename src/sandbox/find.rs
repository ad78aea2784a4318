//! find*, search* and searchByEmail: query filters, ordering and 1-based paging over live records.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::errors::RpcError;
use super::schema::custom_field_named;
use super::store::{Record, RecordKind, Store};
use super::{strict, values};

/// A page holds at most this many records, whatever `limit` asks (Nutshell's cap is unpublished).
pub const MAX_LIMIT: u64 = 100;
/// Records per page when a find call gives no `limit` (the sandbox's choice; unpublished live).
pub const DEFAULT_LIMIT: u64 = 50;
/// Stubs a search call returns when it gives no `limit` (the sandbox's choice).
pub const DEFAULT_SEARCH_LIMIT: u64 = 10;

type Filter<'a> = Box<dyn Fn(&Record) -> bool + 'a>;

/// The query keys each find* accepts; anything else is refused.
fn query_keys(e: RecordKind) -> &'static [&'static str] {
    match e {
        RecordKind::Accounts => &["id", "name", "email", "tags", "customFields"],
        RecordKind::Contacts => &["id", "name", "email", "accountId", "tags", "customFields"],
        RecordKind::Leads => &[
            "id",
            "status",
            "filter",
            "milestoneId",
            "milestoneIds",
            "stagesetId",
            "stagesetIds",
            "dueTime",
            "assignee",
            "number",
            "tags",
            "customFields",
        ],
        RecordKind::Activities => &[
            "id",
            "leadId",
            "contactId",
            "accountId",
            "userId",
            "status",
            "activityTypeId",
            "startTime",
            "endTime",
        ],
        RecordKind::Tasks => &["id", "entity", "assignee"],
        RecordKind::Users => &["id", "email"],
        _ => &[],
    }
}

/// Keys a find* may order by, beyond id, name and the timestamps.
fn order_keys(e: RecordKind) -> &'static [&'static str] {
    match e {
        RecordKind::Leads => &["number", "status", "confidence", "dueTime"],
        RecordKind::Activities => &["startTime", "endTime"],
        RecordKind::Tasks => &["dueTime"],
        RecordKind::Milestones | RecordKind::Stagesets => &["position"],
        // The public client `nutshell` 0.4.4 orders findUsers by `last_name` by default, so live
        // Nutshell takes it.
        RecordKind::Users => &["last_name", "first_name", "lastName", "firstName"],
        _ => &[],
    }
}

struct Paging {
    order_by: String,
    descending: bool,
    limit: usize,
    page: usize,
}

fn paging(e: RecordKind, params: &Map<String, Value>) -> Result<Paging, RpcError> {
    let order_by = match params.get("orderBy") {
        None | Some(Value::Null) => "id".to_string(),
        Some(Value::String(s))
            if ["id", "name", "createdTime", "modifiedTime"].contains(&s.as_str())
                || order_keys(e).contains(&s.as_str()) =>
        {
            s.clone()
        }
        Some(v) => return Err(RpcError::invalid_value("orderBy", v, "a field to order by")),
    };
    let descending = match params.get("orderDirection") {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("ASC") => false,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("DESC") => true,
        Some(v) => return Err(RpcError::invalid_value("orderDirection", v, "ASC or DESC")),
    };
    let limit = positive(params, "limit", DEFAULT_LIMIT)?.min(MAX_LIMIT);
    let page = positive(params, "page", 1)?;
    Ok(Paging {
        order_by,
        descending,
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
        page: usize::try_from(page).unwrap_or(usize::MAX),
    })
}

fn positive(params: &Map<String, Value>, key: &str, default: u64) -> Result<u64, RpcError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Ok(n),
            _ => Err(RpcError::invalid_value(key, v, "an integer of at least 1")),
        },
    }
}

/// find{Accounts,Contacts,Leads,Activities,Tasks} and findUsers.
pub fn find(
    store: &Store,
    e: RecordKind,
    params: &Map<String, Value>,
    me: Option<u64>,
) -> Result<Value, RpcError> {
    let paging = paging(e, params)?;
    let filters = match params.get("query") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(q)) => filters(store, e, q, me)?,
        Some(v) => return Err(RpcError::invalid_value("query", v, "an object")),
    };
    // Nutshell's find* answer stubs unless asked otherwise; users always come whole.
    let stubs = match params.get("stubResponses") {
        None | Some(Value::Null) => e != RecordKind::Users,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(RpcError::invalid_value("stubResponses", v, "true or false")),
    };
    let records = store
        .all(e)
        .filter(|r| filters.iter().all(|f| f(r)))
        .collect();
    Ok(page(store, records, &paging, stubs))
}

/// findSources, findActivityTypes, findStagesets, findMilestones.
pub fn list(store: &Store, e: RecordKind, params: &Map<String, Value>) -> Result<Value, RpcError> {
    let paging = paging(e, params)?;
    Ok(page(store, store.all(e).collect(), &paging, false))
}

fn page(store: &Store, mut records: Vec<&Record>, p: &Paging, stubs: bool) -> Value {
    records.sort_by(|a, b| {
        let o = compare(&sort_key(a, &p.order_by), &sort_key(b, &p.order_by));
        let o = o.then(a.id.cmp(&b.id));
        if p.descending { o.reverse() } else { o }
    });
    let start = (p.page - 1).saturating_mul(p.limit);
    let items = records.into_iter().skip(start).take(p.limit);
    Value::Array(
        items
            .map(|r| {
                if stubs {
                    store.render_stub(r)
                } else {
                    store.render(r)
                }
            })
            .collect(),
    )
}

fn sort_key(r: &Record, key: &str) -> Value {
    match key {
        "id" => json!(r.id),
        "name" => json!(r.display_name().to_lowercase()),
        "createdTime" => json!(r.created),
        "modifiedTime" => json!(r.modified),
        "last_name" => json!(r.str_field("lastName").unwrap_or_default().to_lowercase()),
        "first_name" => json!(r.str_field("firstName").unwrap_or_default().to_lowercase()),
        other => r.fields.get(other).cloned().unwrap_or(Value::Null),
    }
}

/// Numbers before strings, missing values last.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::Number(_), _) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

fn filters<'a>(
    store: &'a Store,
    e: RecordKind,
    query: &'a Map<String, Value>,
    me: Option<u64>,
) -> Result<Vec<Filter<'a>>, RpcError> {
    let allowed = query_keys(e);
    let mut out: Vec<Filter<'a>> = Vec::new();
    for (key, v) in query {
        if !allowed.contains(&key.as_str()) {
            return Err(RpcError::unknown_key("query", key));
        }
        let path = format!("query.{key}");
        let f: Filter<'a> = match key.as_str() {
            "id" => {
                let set = ids(&path, v)?;
                Box::new(move |r| set.contains(&r.id))
            }
            "name" => {
                let want = text(&path, v)?.to_lowercase();
                Box::new(move |r| r.display_name().to_lowercase() == want)
            }
            "email" => {
                let want = text(&path, v)?.to_lowercase();
                Box::new(move |r| r.emails().iter().any(|m| m.to_lowercase() == want))
            }
            "tags" => {
                let want = text_list(&path, v)?;
                Box::new(move |r| {
                    let have: Vec<String> = strict::tag_names(&r.fields)
                        .iter()
                        .map(|t| t.to_lowercase())
                        .collect();
                    want.iter().all(|t| have.contains(t))
                })
            }
            "customFields" => custom_field_filter(store, e, &path, v)?,
            "status" | "number" | "activityTypeId" => {
                let set = ints(&path, v)?;
                let field = key.as_str();
                Box::new(move |r| {
                    set.contains(&r.fields.get(field).and_then(Value::as_i64).unwrap_or(0))
                })
            }
            "milestoneId" | "milestoneIds" | "stagesetId" | "stagesetIds" => {
                let set = ids(&path, v)?;
                let field = if key.starts_with("milestone") {
                    "milestoneId"
                } else {
                    "stagesetId"
                };
                Box::new(move |r| r.u64_field(field).is_some_and(|id| set.contains(&id)))
            }
            "filter" => match v.as_i64() {
                Some(2) => Box::new(|_| true),
                // "mine" and "my team": the sandbox has no teams, so both mean the API user's.
                Some(0 | 1) => Box::new(move |r| {
                    me.is_some_and(|me| typed_refs(r, "assignee", "Users").contains(&me))
                }),
                _ => {
                    return Err(RpcError::invalid_value(
                        &path,
                        v,
                        "0 (mine), 1 (my team) or 2 (all)",
                    ));
                }
            },
            "dueTime" | "endTime" => {
                let limit = values::timestamp(&path, v)?;
                let field = key.as_str();
                Box::new(move |r| r.str_field(field).is_some_and(|t| t <= limit.as_str()))
            }
            "startTime" => {
                let from = values::timestamp(&path, v)?;
                Box::new(move |r| r.str_field("startTime").is_some_and(|t| t >= from.as_str()))
            }
            "assignee" => {
                let want = typed_list(&path, v)?;
                Box::new(move |r| {
                    want.iter()
                        .any(|(t, id)| typed_refs(r, "assignee", t).contains(id))
                })
            }
            "entity" => {
                let want = typed_list(&path, v)?;
                Box::new(move |r| {
                    want.iter()
                        .any(|(t, id)| typed_refs(r, "entity", t).contains(id))
                })
            }
            "leadId" => {
                let set = ids(&path, v)?;
                Box::new(move |r| link_ids(r, "leads").iter().any(|id| set.contains(id)))
            }
            "contactId" | "userId" => {
                let set = ids(&path, v)?;
                let t = if key == "contactId" {
                    "Contacts"
                } else {
                    "Users"
                };
                Box::new(move |r| {
                    typed_refs(r, "participants", t)
                        .iter()
                        .any(|id| set.contains(id))
                })
            }
            "accountId" => {
                let set = ids(&path, v)?;
                Box::new(move |r| linked_accounts(store, r).iter().any(|id| set.contains(id)))
            }
            _ => return Err(RpcError::unknown_key("query", key)),
        };
        out.push(f);
    }
    Ok(out)
}

fn custom_field_filter<'a>(
    store: &Store,
    e: RecordKind,
    path: &str,
    v: &'a Value,
) -> Result<Filter<'a>, RpcError> {
    let want = v
        .as_object()
        .ok_or_else(|| RpcError::invalid_value(path, v, "an object of custom field values"))?;
    for name in want.keys() {
        if custom_field_named(store, e, name).is_none() {
            return Err(RpcError::unknown_custom_field(e.entity_type(), name));
        }
    }
    Ok(Box::new(move |r| {
        let have = r.fields.get("customFields").and_then(Value::as_object);
        want.iter().all(|(name, value)| {
            let got = have.and_then(|h| h.get(name));
            match (got, value) {
                (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
                (Some(a), b) => a == b,
                (None, _) => false,
            }
        })
    }))
}

fn text<'a>(path: &str, v: &'a Value) -> Result<&'a str, RpcError> {
    v.as_str()
        .ok_or_else(|| RpcError::invalid_value(path, v, "a string"))
}

fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

fn text_list(path: &str, v: &Value) -> Result<Vec<String>, RpcError> {
    one_or_many(v)
        .into_iter()
        .map(|x| text(path, x).map(str::to_lowercase))
        .collect()
}

/// One value or a list of them, each read by `read`.
fn set_of<T: Ord>(
    path: &str,
    v: &Value,
    read: fn(&Value) -> Option<T>,
    expected: &str,
) -> Result<BTreeSet<T>, RpcError> {
    one_or_many(v)
        .into_iter()
        .map(|x| read(x).ok_or_else(|| RpcError::invalid_value(path, x, expected)))
        .collect()
}

fn ids(path: &str, v: &Value) -> Result<BTreeSet<u64>, RpcError> {
    set_of(path, v, Value::as_u64, "an id or a list of ids")
}

fn ints(path: &str, v: &Value) -> Result<BTreeSet<i64>, RpcError> {
    set_of(path, v, Value::as_i64, "an integer or a list of them")
}

/// `[{entityType, id}]` (or one such object) → (type, id) pairs.
fn typed_list(path: &str, v: &Value) -> Result<Vec<(String, u64)>, RpcError> {
    one_or_many(v)
        .into_iter()
        .map(|x| {
            values::only_keys(path, values::object(path, x)?, &["entityType", "id"])?;
            let t = x.get("entityType").and_then(Value::as_str);
            let id = x.get("id").and_then(Value::as_u64);
            match (t, id) {
                (Some(t), Some(id)) => Ok((t.to_string(), id)),
                _ => Err(RpcError::invalid_value(path, x, "{entityType, id}")),
            }
        })
        .collect()
}

/// Ids of `{entityType, id}` references of one type held under `key` (one object or a list).
fn typed_refs(r: &Record, key: &str, entity_type: &str) -> Vec<u64> {
    r.fields
        .get(key)
        .map(one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter(|x| x.get("entityType").and_then(Value::as_str) == Some(entity_type))
        .filter_map(|x| x.get("id").and_then(Value::as_u64))
        .collect()
}

/// Ids of `[{id}]` links held under `key` (or a single `{id}`, as `primaryAccount`).
fn link_ids(r: &Record, key: &str) -> Vec<u64> {
    r.fields
        .get(key)
        .map(one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|x| x.get("id").and_then(Value::as_u64))
        .collect()
}

/// Accounts a record belongs to: a contact's accounts; for an activity, those of its leads and
/// participating contacts.
fn linked_accounts(store: &Store, r: &Record) -> Vec<u64> {
    match r.entity {
        RecordKind::Contacts => link_ids(r, "accounts"),
        RecordKind::Leads => [link_ids(r, "primaryAccount"), link_ids(r, "accounts")].concat(),
        RecordKind::Activities => {
            let leads = link_ids(r, "leads")
                .into_iter()
                .filter_map(|id| store.live(RecordKind::Leads, id));
            let contacts = typed_refs(r, "participants", "Contacts")
                .into_iter()
                .filter_map(|id| store.live(RecordKind::Contacts, id));
            leads
                .chain(contacts)
                .flat_map(|x| linked_accounts(store, x))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// search{Accounts,Contacts,Leads}: case-insensitive substring of the name (contacts: or an
/// email; leads: or the number), as stubs.
pub fn search(
    store: &Store,
    e: RecordKind,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    let s = params.get("string").unwrap_or(&Value::Null);
    let needle = values::non_empty("string", s, "a non-empty search string")?.to_lowercase();
    let limit = positive(params, "limit", DEFAULT_SEARCH_LIMIT)?.min(MAX_LIMIT);
    let hits = store
        .all(e)
        .filter(|r| {
            r.display_name().to_lowercase().contains(&needle)
                || r.emails()
                    .iter()
                    .any(|m| m.to_lowercase().contains(&needle))
                || r.u64_field("number")
                    .is_some_and(|n| format!("lead-{n}").contains(&needle))
        })
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|r| store.render_stub(r))
        .collect();
    Ok(Value::Array(hits))
}

/// searchByEmail: exact (case-insensitive) matches among contacts, accounts and users.
pub fn search_by_email(store: &Store, v: &Value) -> Result<Value, RpcError> {
    let want = values::non_empty("emailAddressString", v, "an email address")?.to_lowercase();
    let hits = |e: RecordKind| -> Value {
        Value::Array(
            store
                .all(e)
                .filter(|r| r.emails().iter().any(|m| m.to_lowercase() == want))
                .map(|r| store.render_stub(r))
                .collect(),
        )
    };
    Ok(json!({
        "contacts": hits(RecordKind::Contacts),
        "accounts": hits(RecordKind::Accounts),
        "users": hits(RecordKind::Users),
    }))
}
