//! Nutshell's records as the client sends and receives them. Known fields are typed; every field
//! the client does not know is kept in `extra`, so nothing a response carries is lost. Field names
//! are the wire names (camelCase); shapes follow docs/nutshell-api.md and the public Python client
//! `nutshell` 0.4.4 (`nutshell/entities.py`). Every type reads answers through [`super::loose`]
//! (flags as 1/0, ids as strings, `[]` for empty maps, stubs or full records); what it sends is
//! exactly the documented shape.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::entity_type::EntityType;
use super::loose::{self, Fields, Loose, Unreadable, deserialize_loosely};
use serde_json::{Map, Value};

use super::methods::{self, EntityMethods, MethodSpec};

/// A point in time with its offset. Nutshell answers `2024-07-18T12:00:00+0000` (no colon in the
/// offset); RFC 3339 is accepted too, and it is sent as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// Parse either form; `None` for anything without an offset (a naive time is ambiguous).
    pub fn parse(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"))
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .ok()
            .map(Self)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_rfc3339())
    }
}

impl Loose for Timestamp {
    /// `2024-07-18T12:00:00+0000`, `…+00:00`, `…Z`, with or without fractions of a second; a
    /// whole number is read as Unix seconds (Nutshell's REST API sends those). A time with no
    /// offset is refused: it would be a guess.
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        const EXPECTED: &str = "a timestamp with an offset (2024-07-18T12:00:00+0000)";
        match &value {
            Value::String(s) => Timestamp::parse(s.trim()),
            Value::Number(_) => loose::integer(&value)
                .ok()
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .map(|t| Timestamp(t.fixed_offset())),
            _ => None,
        }
        .ok_or_else(|| Unreadable::new(&value, EXPECTED))
    }
}

/// `rev` is an opaque string; some servers send it as a number, which is kept as its text.
fn rev_text(value: Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A record as Nutshell stores it: the identity every response entity carries, plus its fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored<T> {
    /// The record's id (a number or a numeric string on the wire).
    pub id: i64,
    /// Opaque; pass it back on edit and delete. Empty when the server sends none.
    pub rev: String,
    /// Nutshell's `entityType` (`"Leads"`…); empty when the server sends none.
    pub entity_type: String,
    /// When the server created the record (`createdTime`); `None` when the answer leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<Timestamp>,
    /// When the record last changed (`modifiedTime`); `None` when the answer leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_time: Option<Timestamp>,
    /// The entity's own fields, flattened beside the identity on the wire.
    #[serde(flatten)]
    pub fields: T,
}

impl<T: Loose> Loose for Stored<T> {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "a record (an object)")?;
        let id = f.required("id", "the record's id")?;
        let rev = rev_text(f.optional::<Value>("rev")?);
        let entity_type = f.optional("entityType")?.unwrap_or_default();
        let created_time = f.optional("createdTime")?;
        let modified_time = f.optional("modifiedTime")?;
        let fields = T::from_wire(Value::Object(f.rest()))?;
        Ok(Self {
            id,
            rev,
            entity_type,
            created_time,
            modified_time,
            fields,
        })
    }
}

impl<'de, T: Loose> Deserialize<'de> for Stored<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_wire(Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A reference to another record by type and id: owners, assignees, participants. Answers give
/// a stub (`{"entityType":"Users","id":4}`) or the full record (live Nutshell sends the whole user
/// as a lead's `assignee` or `creator`); the rest of a full record is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityRef {
    /// The referenced record's `entityType` (`"Users"`, `"Contacts"`…), as Nutshell spells it.
    pub entity_type: String,
    /// The referenced record's id.
    pub id: i64,
    /// The rest of a full record sent in place of a stub, kept so nothing read is lost.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EntityRef {
    /// A stub reference `{entityType, id}`, the shape Nutshell takes on input.
    pub fn new(entity_type: EntityType, id: i64) -> Self {
        Self {
            entity_type: entity_type.as_str().to_owned(),
            id,
            extra: Map::new(),
        }
    }

    /// A reference to the Nutshell user `id` (owners and assignees are users).
    pub fn user(id: i64) -> Self {
        Self::new(EntityType::Users, id)
    }
}

impl Loose for EntityRef {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "a reference {entityType, id}")?;
        Ok(Self {
            entity_type: f.required("entityType", "the record's entity type")?,
            id: f.required("id", "the record's id")?,
            extra: f.rest(),
        })
    }
}

/// A link to a related record by id, with an optional relationship label (a stub or the full
/// record in answers; the rest is kept in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// The linked record's id.
    pub id: i64,
    /// The relationship label (a contact's role at an account, for example); not sent when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    /// The rest of a full record sent in place of a stub.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Link {
    /// A bare link `{id}` with no relationship label, the input shape.
    pub fn new(id: i64) -> Self {
        Self {
            id,
            relationship: None,
            extra: Map::new(),
        }
    }
}

impl Loose for Link {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "a link {id}")?;
        Ok(Self {
            id: f.required("id", "the record's id")?,
            relationship: f.optional("relationship")?,
            extra: f.rest(),
        })
    }
}

/// Phones, emails, urls and addresses: a list on input, a label map (with a `--primary` key) in
/// responses; both are kept as they came.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MultiValue {
    /// The input shape: a list of values or `{value, label?}` objects.
    List(Vec<Value>),
    /// The answer shape: label → value, with `--primary` naming the primary entry.
    Labeled(Map<String, Value>),
    /// A single value where a list was expected; kept rather than refused (tolerant reading).
    Single(Value),
}

impl Loose for MultiValue {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        Ok(match value {
            Value::Array(list) => Self::List(list),
            Value::Object(map) => Self::Labeled(map),
            other => Self::Single(other),
        })
    }
}

/// A contact's name: a string on input, split by the server in responses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PersonName {
    /// The whole name as one string (what the client sends).
    Full(String),
    /// The server's split of the name (what answers carry).
    #[serde(rename_all = "camelCase")]
    Parts {
        /// `givenName`.
        #[serde(skip_serializing_if = "Option::is_none")]
        given_name: Option<String>,
        /// `familyName`.
        #[serde(skip_serializing_if = "Option::is_none")]
        family_name: Option<String>,
        /// `displayName`: the name as Nutshell shows it.
        #[serde(skip_serializing_if = "Option::is_none")]
        display_name: Option<String>,
        /// Any other name part the server sends.
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
}

impl Loose for PersonName {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        match value {
            Value::String(s) => Ok(Self::Full(s)),
            Value::Object(_) => {
                let mut f = Fields::of(value, "a name")?;
                Ok(Self::Parts {
                    given_name: f.optional("givenName")?,
                    family_name: f.optional("familyName")?,
                    display_name: f.optional("displayName")?,
                    extra: f.rest(),
                })
            }
            other => Err(Unreadable::new(
                &other,
                "a name (text or {givenName, familyName})",
            )),
        }
    }
}

/// An amount and its currency: a Lead's `value: {currency, amount}` (docs/nutshell-api.md; the
/// public client `nutshell` 0.4.4 reads `amount` as a number or a numeric string). The one money
/// type of the tool: the transforms parse a cell into it and the record builder sends it.
/// UNCONFIRMED as an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    /// The amount as canonical decimal text (`125000.00`): exact, never a float. Sent as this
    /// text; an answer's number is kept as its JSON text (`1500.5`).
    pub amount: String,
    /// ISO 4217 code (`INR`).
    pub currency: String,
}

impl Loose for Money {
    /// `{currency, amount}` with `amount` a number or a numeric string; anything else in
    /// `amount` is unreadable rather than kept as text.
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "an amount {currency, amount}")?;
        let currency = f.required("currency", "an ISO 4217 currency code")?;
        let amount: Value = f.required("amount", "a number")?;
        loose::number(&amount).map_err(|e| e.under("amount"))?;
        let amount = match amount {
            Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        };
        Ok(Self { amount, currency })
    }
}

impl From<Money> for Value {
    /// The wire object `{"currency": …, "amount": …}`.
    fn from(m: Money) -> Self {
        let mut object = Map::new();
        object.insert("currency".into(), Value::String(m.currency));
        object.insert("amount".into(), Value::String(m.amount));
        Value::Object(object)
    }
}

/// Custom field values keyed by the field's name.
pub type CustomValues = Map<String, Value>;

/// Declares an entity's field struct: every field optional and omitted when unset (so an edit
/// sends only what changes), unknown response fields kept in `extra`.
/// A field's wire name: the one given, else its name in camelCase.
macro_rules! wire_name {
    ($field:ident) => {
        loose::camel_case(stringify!($field))
    };
    ($field:ident $wire:literal) => {
        String::from($wire)
    };
}

/// Each field is read loosely ([`Loose`]) under its camelCase wire name (or the one given with
/// `as "…"`).
macro_rules! fields {
    ($(#[$doc:meta])* $name:ident {
        $($(#[$fdoc:meta])* $field:ident $(as $wire:literal)? : $ty:ty),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fdoc])*
                ///
                /// Optional: `None` when an answer leaves it out, and not sent when `None` (so an
                /// edit carries only what changes).
                $(#[serde(rename = $wire)])?
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Every field of an answer this struct does not name, kept so nothing read is lost.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl Loose for $name {
            fn from_wire(value: Value) -> Result<Self, Unreadable> {
                let mut f = Fields::of(value, concat!("a ", stringify!($name), " (an object)"))?;
                Ok(Self {
                    $($field: f.optional(&wire_name!($field $($wire)?))?,)*
                    extra: f.rest(),
                })
            }
        }

        deserialize_loosely!($name);
    };
}

fields!(
    /// A company.
    Account {
        name: String,
        description: String,
        /// Id of one of the account's industries (`findIndustries`).
        industry_id: i64,
        /// Id of one of the account types (`findAccountTypes`).
        account_type_id: i64,
        /// Id of one of the territories (`findTerritories`).
        territory_id: i64,
        /// The owning user (a `Users` reference).
        owner: EntityRef,
        url: MultiValue,
        phone: MultiValue,
        email: MultiValue,
        address: MultiValue,
        contacts: Vec<Link>,
        tags: Vec<String>,
        /// Custom field values keyed by the field's name (docs/nutshell-api.md).
        custom_fields: CustomValues,
    }
);

fields!(
    /// A person.
    Contact {
        name: PersonName,
        /// UNCONFIRMED.
        job_title: String,
        description: String,
        owner: EntityRef,
        email: MultiValue,
        phone: MultiValue,
        address: MultiValue,
        accounts: Vec<Link>,
        leads: Vec<Link>,
        tags: Vec<String>,
        custom_fields: CustomValues,
    }
);

fields!(
    /// A sales opportunity in a pipeline. `status`: 0 open, 10 won, 11 lost, 12 cancelled.
    Lead {
        name: String,
        description: String,
        primary_account: Link,
        accounts: Vec<Link>,
        contacts: Vec<Link>,
        /// Chance of winning, in percent (0–100).
        confidence: u8,
        /// The user working the lead (a `Users` reference).
        assignee: EntityRef,
        sources: Vec<Link>,
        tags: Vec<String>,
        custom_fields: CustomValues,
        /// Products on the lead, kept as sent (the migration does not map products).
        products: Value,
        /// 0 open, 10 won, 11 lost, 12 cancelled.
        status: i64,
        /// UNCONFIRMED as an input.
        milestone_id: i64,
        /// UNCONFIRMED as an input.
        stageset_id: i64,
        /// UNCONFIRMED as an input.
        due_time: Timestamp,
        /// UNCONFIRMED as an input.
        value: Money,
    }
);

fields!(
    /// A call, meeting or other activity. `status`: 0 scheduled, 1 logged, 2 cancelled, -1 overdue.
    Activity {
        name: String,
        description: String,
        /// Id of an activity type (`findActivityTypes`).
        activity_type_id: i64,
        /// When the activity starts.
        start_time: Timestamp,
        /// When the activity ends; after `start_time`.
        end_time: Timestamp,
        is_all_day: bool,
        is_flagged: bool,
        /// 0 scheduled, 1 logged, 2 cancelled, -1 overdue.
        status: i64,
        participants: Vec<EntityRef>,
        leads: Vec<Link>,
    }
);

fields!(
    /// UNCONFIRMED shape: a to-do attached to a record.
    Task {
        title: String,
        description: String,
        due_time: Timestamp,
        assignee: EntityRef,
        entity: EntityRef,
    }
);

fields!(
    /// A note on a record. UNCONFIRMED: the response field names.
    Note {
        note: String,
        entity: EntityRef,
    }
);

fields!(
    /// A Nutshell user (read only: the migration matches owners to users, never creates them).
    User {
        name: String,
        first_name: String,
        last_name: String,
        /// A disabled user cannot own records; the owner match refuses them.
        is_enabled: bool,
        is_administrator: bool,
        emails: Vec<String>,
    }
);

fields!(
    /// A custom field definition. `type` names such as Text, LongText, Currency, Date.
    CustomField {
        name: String,
        field_type as "type": String,
    }
);

fields!(
    /// A lead source.
    Source { name: String }
);

fields!(
    /// An activity type.
    ActivityType {
        name: String,
        /// Set when the type was deleted; a deleted type is not a target.
        deleted_time: Timestamp,
    }
);

fields!(
    /// A pipeline (read only through the API).
    Stageset {
        name: String,
        /// The pipeline new leads join when none is given.
        default: bool,
        /// Order among pipelines.
        position: i64,
    }
);

fields!(
    /// A stage of a pipeline (read only through the API).
    Milestone {
        name: String,
        /// Order within the pipeline, first stage lowest.
        position: i64,
        /// Id of the pipeline (`Stageset`) the stage belongs to.
        stageset_id: i64,
    }
);

/// A tag. `findTags` may list tags as bare names or as objects; both are read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    /// The tag's text; the only part the client sends.
    pub name: String,
    /// The entity type the tag belongs to, when the answer says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// The tag's id, when the answer lists tags as objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Any other field of a tag object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Loose for Tag {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        if let Value::String(name) = value {
            return Ok(Tag {
                name,
                entity_type: None,
                id: None,
                extra: Map::new(),
            });
        }
        let mut f = Fields::of(value, "a tag (a name or {name, …})")?;
        Ok(Tag {
            name: f.required("name", "the tag's name")?,
            entity_type: f.optional("entityType")?,
            id: f.optional("id")?,
            extra: f.rest(),
        })
    }
}

/// An answer keyed by entity type, as `findCustomFields` and `findTags` give. A type with nothing
/// may be missing, `[]` or `{}`; so may the whole answer when there is nothing at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByEntityType<T> {
    /// Items for companies (`"Accounts"`); empty when the answer has none.
    #[serde(rename = "Accounts")]
    pub accounts: Vec<T>,
    /// Items for people (`"Contacts"`); empty when the answer has none.
    #[serde(rename = "Contacts")]
    pub contacts: Vec<T>,
    /// Items for leads (`"Leads"`); empty when the answer has none.
    #[serde(rename = "Leads")]
    pub leads: Vec<T>,
    /// Entity types this client does not use (`"Activities"`…), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T: Loose> Loose for ByEntityType<T> {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "an object keyed by entity type")?;
        Ok(Self {
            accounts: f.optional("Accounts")?.unwrap_or_default(),
            contacts: f.optional("Contacts")?.unwrap_or_default(),
            leads: f.optional("Leads")?.unwrap_or_default(),
            extra: f.rest(),
        })
    }
}

impl<'de, T: Loose> Deserialize<'de> for ByEntityType<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_wire(Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl<T> ByEntityType<T> {
    /// The list for one entity type; empty for a type other than Accounts, Contacts or Leads
    /// (the only keys `findCustomFields` and `findTags` answer with, docs/nutshell-api.md).
    pub fn of(&self, entity_type: EntityType) -> &[T] {
        match entity_type {
            EntityType::Accounts => &self.accounts,
            EntityType::Contacts => &self.contacts,
            EntityType::Leads => &self.leads,
            _ => &[],
        }
    }
}

/// What `search*` and `searchByEmail` return: a short form of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stub {
    /// The matched record's id.
    pub id: i64,
    /// The matched record's `entityType`; empty when the server sends none.
    pub entity_type: String,
    /// A string, or a contact's `{givenName, familyName, displayName}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Value>,
    /// Any other field of the stub.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Loose for Stub {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "a record stub {id, entityType, name}")?;
        Ok(Self {
            id: f.required("id", "the record's id")?,
            entity_type: f.optional("entityType")?.unwrap_or_default(),
            name: f.optional("name")?,
            extra: f.rest(),
        })
    }
}

/// `searchByEmail`'s answer. UNCONFIRMED: the key names (`contacts`, `accounts`, `users`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EmailMatches {
    /// Matching people.
    pub contacts: Vec<Stub>,
    /// Matching companies.
    pub accounts: Vec<Stub>,
    /// Matching Nutshell users.
    pub users: Vec<Stub>,
    /// Any other key of the answer.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Loose for EmailMatches {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "matches keyed by contacts, accounts, users")?;
        Ok(Self {
            contacts: f.optional("contacts")?.unwrap_or_default(),
            accounts: f.optional("accounts")?.unwrap_or_default(),
            users: f.optional("users")?.unwrap_or_default(),
            extra: f.rest(),
        })
    }
}

/// One record a REST read returned: its numeric id and its fields as sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestRecord {
    /// The JSON-RPC id (REST writes ids as `"<id>-<collection>"`; the number is kept).
    pub id: i64,
    /// Everything else the record carries, as sent.
    pub fields: Map<String, Value>,
}

impl RestRecord {
    /// The records of a REST list answer: a list at the top, or under `collection` or `data`
    /// (a single record object is a list of one). UNCONFIRMED shape, read loosely.
    pub fn list_from(answer: Value, collection: &str) -> Result<Vec<Self>, Unreadable> {
        let items = match answer {
            Value::Object(mut m) => match m.remove(collection).or_else(|| m.remove("data")) {
                Some(Value::Object(one)) if one.contains_key("id") => vec![Value::Object(one)],
                Some(list) => Vec::<Value>::from_wire(list).map_err(|e| e.under(collection))?,
                None if m.contains_key("id") => vec![Value::Object(m)],
                None => {
                    return Err(Unreadable::missing(
                        collection,
                        "a list of records (under the collection's name or `data`)",
                    ));
                }
            },
            other => Vec::<Value>::from_wire(other)?,
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Self::from_wire(item).map_err(|e| e.at(i)))
            .collect()
    }
}

impl Loose for RestRecord {
    fn from_wire(value: Value) -> Result<Self, Unreadable> {
        let mut f = Fields::of(value, "a record (an object)")?;
        let id: Value = f.required("id", "the record's id")?;
        // `"12-accounts"`: the number before the collection.
        let number = match &id {
            Value::String(s) => Value::String(s.split('-').next().unwrap_or_default().to_owned()),
            other => other.clone(),
        };
        let id = loose::integer(&number).map_err(|_| {
            Unreadable::new(&id, "an id (12, \"12\" or \"12-accounts\")").under("id")
        })?;
        Ok(Self {
            id,
            fields: f.rest(),
        })
    }
}

/// What the API user may do, from the REST user's `permissions` (docs/nutshell-api.md second pass:
/// check `canAssignEntities` / `canDeleteEntities` in the pre-flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    /// May make another user the owner or assignee of a record (the load keeps RSoft owners).
    pub can_assign_entities: bool,
    /// May delete records (rollback deletes what a run created).
    pub can_delete_entities: bool,
}

impl Permissions {
    /// Read the `permissions` of a REST user answer: the user at the top, under `users` (a list
    /// of one, or the object) or `data`. Each flag is read loosely (1/0, "1"/"0", true/false);
    /// a missing flag is an error, never a guess.
    pub fn from_rest_user(answer: Value, collection: &str) -> Result<Self, Unreadable> {
        let user = match answer {
            Value::Object(mut m) if !m.contains_key(super::methods::PERMISSIONS) => {
                match m.remove(collection).or_else(|| m.remove("data")) {
                    Some(Value::Array(list)) => list.into_iter().next().unwrap_or(Value::Null),
                    Some(one) => one,
                    None => Value::Object(m),
                }
            }
            other => other,
        };
        let mut user = Fields::of(user, "the API user")?;
        let mut p: Fields = Fields::of(
            user.required(super::methods::PERMISSIONS, "the user's permissions")?,
            "an object of permissions",
        )
        .map_err(|e| e.under(super::methods::PERMISSIONS))?;
        let flag = |p: &mut Fields, key: &str| -> Result<bool, Unreadable> {
            p.required(key, "true or false")
                .map_err(|e| e.under(super::methods::PERMISSIONS))
        };
        Ok(Self {
            can_assign_entities: flag(&mut p, super::methods::CAN_ASSIGN_ENTITIES)?,
            can_delete_entities: flag(&mut p, super::methods::CAN_DELETE_ENTITIES)?,
        })
    }
}

deserialize_loosely!(
    Timestamp,
    EntityRef,
    Link,
    MultiValue,
    PersonName,
    Money,
    Tag,
    Stub,
    EmailMatches
);

/// A record type the client can create, read, edit, delete and find generically.
pub trait Entity: Serialize + serde::de::DeserializeOwned + Loose + Send + Sync {
    /// The record type's JSON-RPC method names (`newAccount`, `getAccount`…), from methods.rs.
    const METHODS: EntityMethods;
}

/// Ties each record type to its row in methods.rs.
macro_rules! bind {
    ($trait:ident :: $item:ident : $ty:ty { $($record:ty = $row:ident),* $(,)? }) => {
        $(impl $trait for $record {
            const $item: $ty = methods::$row;
        })*
    };
}

bind!(Entity::METHODS: EntityMethods {
    Account = ACCOUNTS,
    Contact = CONTACTS,
    Lead = LEADS,
    Activity = ACTIVITIES,
    Task = TASKS,
});

/// A reference list the client reads page by page and never writes through a generic call.
pub trait Listed: serde::de::DeserializeOwned + Loose + Send + Sync {
    /// The `find*` method that lists this reference type, page by page.
    const FIND: MethodSpec;
}

bind!(Listed::FIND: MethodSpec {
    User = FIND_USERS,
    Source = FIND_SOURCES,
    ActivityType = FIND_ACTIVITY_TYPES,
    Stageset = FIND_STAGESETS,
    Milestone = FIND_MILESTONES,
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nutshell_timestamps_parse_with_or_without_colon() {
        let a = Timestamp::parse("2024-07-18T12:00:00+0000").unwrap();
        let b = Timestamp::parse("2024-07-18T12:00:00+00:00").unwrap();
        let c = Timestamp::parse("2024-07-18T17:30:00+0530").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.0.timestamp(), c.0.timestamp());
        assert!(
            Timestamp::parse("2024-07-18T12:00:00").is_none(),
            "naive time accepted"
        );
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let wire = json!({
            "id": 7, "rev": 3, "entityType": "Leads", "name": "Lead-1001",
            "createdTime": "2024-07-18T12:00:00+0000",
            "status": 0, "number": 1001, "milestone": {"id": 2, "name": "Qualify"},
            "value": {"currency": "INR", "amount": "1500.50"}
        });
        let lead: Stored<Lead> = serde_json::from_value(wire).unwrap();
        assert_eq!(lead.rev, "3");
        assert_eq!(
            lead.fields.value.as_ref().map(|v| v.amount.as_str()),
            Some("1500.50")
        );
        assert_eq!(lead.fields.extra["number"], json!(1001));
        let back = serde_json::to_value(&lead).unwrap();
        assert_eq!(back["milestone"]["name"], json!("Qualify"));
        assert_eq!(back["createdTime"], json!("2024-07-18T12:00:00+00:00"));
    }

    #[test]
    fn contact_names_and_emails_read_in_both_shapes() {
        let c: Stored<Contact> = serde_json::from_value(json!({
            "id": 1, "rev": "1", "entityType": "Contacts",
            "name": {"givenName": "Asha", "familyName": "Rao", "displayName": "Asha Rao"},
            "email": {"--primary": "asha@acme.in", "work": "asha@acme.in"}
        }))
        .unwrap();
        assert!(
            matches!(c.fields.name, Some(PersonName::Parts { ref family_name, .. }) if family_name.as_deref() == Some("Rao"))
        );
        assert!(
            matches!(c.fields.email, Some(MultiValue::Labeled(ref m)) if m.contains_key("--primary"))
        );
        let input = Contact {
            name: Some(PersonName::Full("Asha Rao".into())),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(input).unwrap(),
            json!({"name": "Asha Rao"})
        );
    }

    #[test]
    fn tags_read_as_names_or_objects() {
        let t: ByEntityType<Tag> = serde_json::from_value(json!({
            "Accounts": ["vip"], "Leads": [{"name": "hot", "id": 4}]
        }))
        .unwrap();
        assert_eq!(t.of(EntityType::Accounts)[0].name, "vip");
        assert_eq!(t.of(EntityType::Leads)[0].id, Some(4));
        assert!(t.of(EntityType::Contacts).is_empty());
    }
}
