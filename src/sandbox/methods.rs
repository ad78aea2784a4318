//! The JSON-RPC methods: one table of names and parameters (the SMD is generated from it) and
//! what each does to the store.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use super::errors::RpcError;
use super::schema::{custom_field_entity, find_tag, tag_fields};
use super::store::{Record, RecordKind, Store};
use super::{find, links, mentions};
use super::{strict, values};

/// What a method does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    New(RecordKind),
    Get(RecordKind),
    Edit(RecordKind),
    Delete(RecordKind),
    Find(RecordKind),
    Search(RecordKind),
    NewNote,
    SearchByEmail,
    FindUsers,
    /// `getUser {userId?, rev?}`: without an id, the API user itself (as the public client
    /// `nutshell` 0.4.4's `GetUser` documents).
    GetUser,
    FindCustomFields,
    FindTags,
    NewTag,
    NewSource,
    /// Sources, activity types, stagesets, milestones: paging only.
    List(RecordKind),
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub struct Method {
    pub name: String,
    pub params: Vec<Param>,
    pub op: Op,
}

impl Op {
    /// The new* calls: `--drop-after-commit-rate` may hang up on them after they commit.
    pub fn creates(self) -> bool {
        matches!(self, Op::New(_) | Op::NewNote | Op::NewTag | Op::NewSource)
    }

    /// Calls that may change the store: refused up front while the state file cannot be saved.
    pub fn writes(self) -> bool {
        self.creates() || matches!(self, Op::Edit(_) | Op::Delete(_))
    }
}

const RECORDS: [RecordKind; 5] = [
    RecordKind::Accounts,
    RecordKind::Contacts,
    RecordKind::Leads,
    RecordKind::Activities,
    RecordKind::Tasks,
];
const PAGING: [&str; 4] = ["orderBy", "orderDirection", "limit", "page"];

fn method(name: String, op: Op, required: &[&str], optional: &[&str]) -> Method {
    let param = |n: &&str, optional| Param {
        name: n.to_string(),
        optional,
    };
    let params = required
        .iter()
        .map(|n| param(n, false))
        .chain(optional.iter().map(|n| param(n, true)))
        .collect();
    Method { name, params, op }
}

/// Every method the sandbox serves, in SMD order.
pub static METHODS: LazyLock<Vec<Method>> = LazyLock::new(|| {
    let mut all = Vec::new();
    for e in RECORDS.into_iter().chain([RecordKind::Notes]) {
        let (t, p) = (e.title(), e.param());
        let id = format!("{p}Id");
        if e == RecordKind::Notes {
            all.push(method(
                "newNote".into(),
                Op::NewNote,
                &["entity", "note"],
                &[],
            ));
        } else {
            all.push(method(format!("new{t}"), Op::New(e), &[p], &[]));
        }
        all.push(method(format!("get{t}"), Op::Get(e), &[&id], &["rev"]));
        if e != RecordKind::Notes {
            all.push(method(
                format!("edit{t}"),
                Op::Edit(e),
                &[&id, "rev", p],
                &[],
            ));
        }
        all.push(method(
            format!("delete{t}"),
            Op::Delete(e),
            &[&id, "rev"],
            &[],
        ));
    }
    for e in RECORDS {
        let mut optional = vec!["query"];
        optional.extend(PAGING);
        optional.push("stubResponses");
        all.push(method(
            format!("find{}", e.entity_type()),
            Op::Find(e),
            &[],
            &optional,
        ));
    }
    for e in [
        RecordKind::Accounts,
        RecordKind::Contacts,
        RecordKind::Leads,
    ] {
        let name = format!("search{}", e.entity_type());
        all.push(method(name, Op::Search(e), &["string"], &["limit"]));
    }
    let with_query: Vec<&str> = ["query"].into_iter().chain(PAGING).collect();
    all.extend([
        method(
            "searchByEmail".into(),
            Op::SearchByEmail,
            &["emailAddressString"],
            &[],
        ),
        method("findUsers".into(), Op::FindUsers, &[], &with_query),
        method("getUser".into(), Op::GetUser, &[], &["userId", "rev"]),
        method("findCustomFields".into(), Op::FindCustomFields, &[], &[]),
        method("findTags".into(), Op::FindTags, &[], &[]),
        method("newTag".into(), Op::NewTag, &["tag"], &[]),
        method(
            "findSources".into(),
            Op::List(RecordKind::Sources),
            &[],
            &PAGING,
        ),
        method("newSource".into(), Op::NewSource, &["name"], &[]),
        method(
            "findActivityTypes".into(),
            Op::List(RecordKind::ActivityTypes),
            &[],
            &PAGING,
        ),
        method(
            "findStagesets".into(),
            Op::List(RecordKind::Stagesets),
            &[],
            &PAGING,
        ),
        method(
            "findMilestones".into(),
            Op::List(RecordKind::Milestones),
            &[],
            &PAGING,
        ),
    ]);
    all
});

pub fn lookup(name: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.name == name)
}

/// Check the call's parameters against the table (unknown or missing → error), then run it.
/// `me` is the API user's id, for `findLeads {query:{filter:0}}`.
pub fn call(
    store: &mut Store,
    m: &Method,
    params: &Map<String, Value>,
    me: Option<u64>,
) -> Result<Value, RpcError> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !m.params.iter().any(|p| &p.name == *k))
    {
        return Err(RpcError::unknown_param(&m.name, unknown));
    }
    if let Some(missing) = m
        .params
        .iter()
        .find(|p| !p.optional && params.get(&p.name).is_none_or(Value::is_null))
    {
        return Err(RpcError::missing_param(&m.name, &missing.name));
    }
    let arg = |name: &str| params.get(name).unwrap_or(&Value::Null);
    match m.op {
        Op::New(e) => {
            let r = create(store, e, arg(e.param()))?;
            if let Some(me) = me {
                // Nutshell records who made a record; the API user here.
                store.update_fields(r.id, |f| {
                    f.insert("creator".into(), json!({"entityType": "Users", "id": me}));
                });
            }
            Ok(store.render(store.get(e, r.id)?))
        }
        Op::NewNote => {
            let target = strict::note_target(store, arg("entity"))?;
            let text = values::non_empty("note", arg("note"), "the note's text")?;
            let mut fields = Map::new();
            fields.insert("entity".into(), target);
            fields.insert("note".into(), json!(text));
            fields.insert("mentions".into(), Value::Array(mentions::find(store, text)));
            if let Some(me) = me {
                fields.insert("creator".into(), json!({"entityType": "Users", "id": me}));
            }
            let r = store.insert(RecordKind::Notes, fields).clone();
            Ok(store.render(&r))
        }
        Op::Get(e) => {
            let id = id_param(m, params, e)?;
            let r = store.get(e, id)?;
            Ok(store.render(r))
        }
        Op::Edit(e) => {
            let id = id_param(m, params, e)?;
            let rev = rev_param(arg("rev"))?;
            let existing = store.get_for_change(e, id, &rev)?.fields.clone();
            let changes = strict::entity_input(store, e, arg(e.param()), false)?;
            let changed: Vec<String> = changes.keys().cloned().collect();
            let mut fields = strict::merge(&existing, changes);
            strict::complete(store, e, &mut fields)?;
            stamp_closed(e, &existing, &mut fields);
            ensure_tags(store, e, &mut fields);
            store
                .replace(id, fields)
                .ok_or_else(|| RpcError::not_found(e.title(), id))?;
            links::mirror(store, e, id, &existing, &changed);
            Ok(store.render(store.get(e, id)?))
        }
        Op::Delete(e) => {
            let id = id_param(m, params, e)?;
            let rev = rev_param(arg("rev"))?;
            store.get_for_change(e, id, &rev)?;
            store.soft_delete(id);
            Ok(json!(true))
        }
        Op::Find(e) => find::find(store, e, params, me),
        Op::Search(e) => find::search(store, e, params),
        Op::SearchByEmail => find::search_by_email(store, arg("emailAddressString")),
        Op::FindUsers => find::find(store, RecordKind::Users, params, me),
        Op::GetUser => {
            let id = match params.get("userId") {
                None | Some(Value::Null) => me.ok_or_else(|| RpcError::not_found("User", 0))?,
                Some(v) => v
                    .as_u64()
                    .ok_or_else(|| RpcError::invalid_value("getUser.userId", v, "an integer id"))?,
            };
            Ok(store.render(store.get(RecordKind::Users, id)?))
        }
        Op::List(e) => find::list(store, e, params),
        Op::FindCustomFields => Ok(by_entity_type(store, RecordKind::CustomFields, |s, r| {
            s.render(r)
        })),
        Op::FindTags => Ok(by_entity_type(store, RecordKind::Tags, |_, r| {
            json!(r.display_name())
        })),
        Op::NewTag => new_tag(store, arg("tag")),
        Op::NewSource => new_source(store, arg("name")),
    }
}

/// Validate, complete and store a new record (also used to seed a sandbox from its data file).
pub fn create(store: &mut Store, e: RecordKind, input: &Value) -> Result<Record, RpcError> {
    // Nulls mean "not given" on a create, custom-field values included.
    let mut fields = strict::merge(&Map::new(), strict::entity_input(store, e, input, true)?);
    strict::complete(store, e, &mut fields)?;
    stamp_closed(e, &Map::new(), &mut fields);
    ensure_tags(store, e, &mut fields);
    let changed: Vec<String> = fields.keys().cloned().collect();
    let id = store.insert(e, fields).id;
    links::mirror(store, e, id, &Map::new(), &changed);
    Ok(store.get(e, id)?.clone())
}

/// A lead closed (status 10 won, 11 lost, 12 cancelled) is stamped `closedTime` with the time it
/// was closed, whatever date the data says (docs/nutshell-api.md, second pass: Nutshell's reports group
/// won and lost leads by it); reopened, it loses the stamp. Nothing else sets it.
fn stamp_closed(e: RecordKind, before: &Map<String, Value>, fields: &mut Map<String, Value>) {
    if e != RecordKind::Leads {
        return;
    }
    let closed = |f: &Map<String, Value>| {
        f.get("status")
            .and_then(Value::as_i64)
            .is_some_and(|s| s >= 10)
    };
    match (closed(before), closed(fields)) {
        (false, true) => {
            fields.insert("closedTime".into(), json!(super::store::now()));
        }
        (_, false) => {
            fields.remove("closedTime");
        }
        (true, true) => {}
    }
}

fn id_param(m: &Method, params: &Map<String, Value>, e: RecordKind) -> Result<u64, RpcError> {
    let name = format!("{}Id", e.param());
    let v = params.get(&name).unwrap_or(&Value::Null);
    v.as_u64()
        .ok_or_else(|| RpcError::invalid_value(&format!("{}.{name}", m.name), v, "an integer id"))
}

/// Revs are opaque strings; a number is accepted and compared as its text.
fn rev_param(v: &Value) -> Result<String, RpcError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(RpcError::invalid_value("rev", v, "the record's rev string")),
    }
}

/// Tags named on a record exist from then on, as in Nutshell's UI; the record carries each
/// tag once, spelled as the tag is.
fn ensure_tags(store: &mut Store, e: RecordKind, fields: &mut Map<String, Value>) {
    if !fields.contains_key("tags") {
        return;
    }
    let mut names: Vec<String> = Vec::new();
    for name in strict::tag_names(fields) {
        let spelled = match find_tag(store, e, &name) {
            Some(tag) => tag.display_name(),
            None => {
                store.insert(RecordKind::Tags, tag_fields(&name, e));
                name
            }
        };
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&spelled)) {
            names.push(spelled);
        }
    }
    fields.insert("tags".into(), json!(names));
}

fn by_entity_type(
    store: &Store,
    kind: RecordKind,
    item: impl Fn(&Store, &Record) -> Value,
) -> Value {
    let mut out = Map::new();
    for e in [
        RecordKind::Accounts,
        RecordKind::Contacts,
        RecordKind::Leads,
    ] {
        let items: Vec<Value> = store
            .all(kind)
            .filter(|r| r.str_field("forEntityType") == Some(e.entity_type()))
            .map(|r| item(store, r))
            .collect();
        out.insert(e.entity_type().into(), Value::Array(items));
    }
    Value::Object(out)
}

fn new_tag(store: &mut Store, tag: &Value) -> Result<Value, RpcError> {
    let obj = tag
        .as_object()
        .ok_or_else(|| RpcError::invalid_value("tag", tag, "{name, entityType}"))?;
    if let Some(k) = obj.keys().find(|k| *k != "name" && *k != "entityType") {
        return Err(RpcError::unknown_key("tag", k));
    }
    let name = obj.get("name").unwrap_or(&Value::Null);
    let name = values::non_empty("tag.name", name, "a tag name")?;
    let t = obj.get("entityType").unwrap_or(&Value::Null);
    let e = t
        .as_str()
        .and_then(RecordKind::from_entity_type)
        .filter(|e| custom_field_entity(e.entity_type()).is_some())
        .ok_or_else(|| {
            RpcError::invalid_value("tag.entityType", t, "Accounts, Contacts or Leads")
        })?;
    if let Some(existing) = find_tag(store, e, name) {
        return Err(RpcError::duplicate_tag(
            &existing.display_name(),
            e.entity_type(),
        ));
    }
    let r = store.insert(RecordKind::Tags, tag_fields(name, e)).clone();
    Ok(store.render(&r))
}

/// Returns the existing source of that name (case-insensitive), else creates it.
fn new_source(store: &mut Store, name: &Value) -> Result<Value, RpcError> {
    let name = values::non_empty("name", name, "a source name")?;
    let existing = store
        .all(RecordKind::Sources)
        .find(|s| s.display_name().eq_ignore_ascii_case(name))
        .cloned();
    let r = match existing {
        Some(r) => r,
        None => {
            let mut m = Map::new();
            m.insert("name".into(), json!(name));
            store.insert(RecordKind::Sources, m).clone()
        }
    };
    Ok(store.render(&r))
}
