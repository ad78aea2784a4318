//! Nutshell's records as the client sends and receives them. Known fields are typed; every field
//! the client does not know is kept in `extra`, so nothing a response carries is lost. Field names
//! are the wire names (camelCase); shapes follow docs/nutshell-api.md.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
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

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a timestamp with an offset (expected 2024-07-18T12:00:00+0000)"
            ))
        })
    }
}

/// `rev` is an opaque string; some servers send it as a number, which is kept as its text.
fn rev_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// A record as Nutshell stores it: the identity every response entity carries, plus its fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored<T> {
    pub id: i64,
    /// Opaque; pass it back on edit and delete. Empty when the server sends none.
    #[serde(default, deserialize_with = "rev_text")]
    pub rev: String,
    #[serde(default)]
    pub entity_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_time: Option<Timestamp>,
    #[serde(flatten)]
    pub fields: T,
}

/// A reference to another record by type and id: owners, assignees, participants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityRef {
    pub entity_type: String,
    pub id: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EntityRef {
    pub fn new(entity_type: &str, id: i64) -> Self {
        Self {
            entity_type: entity_type.to_owned(),
            id,
            extra: Map::new(),
        }
    }

    pub fn user(id: i64) -> Self {
        Self::new("Users", id)
    }
}

/// A link to a related record by id, with an optional relationship label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Link {
    pub fn new(id: i64) -> Self {
        Self {
            id,
            relationship: None,
            extra: Map::new(),
        }
    }
}

/// Phones, emails, urls and addresses: a list on input, a label map (with a `--primary` key) in
/// responses; both are kept as they came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MultiValue {
    List(Vec<Value>),
    Labeled(Map<String, Value>),
    Single(Value),
}

/// A contact's name: a string on input, split by the server in responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PersonName {
    Full(String),
    #[serde(rename_all = "camelCase")]
    Parts {
        #[serde(default)]
        given_name: Option<String>,
        #[serde(default)]
        family_name: Option<String>,
        #[serde(default)]
        display_name: Option<String>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
}

/// A lead's value. UNCONFIRMED as an input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    pub currency: String,
    /// Sent as a number; a string amount in a response is read as its number.
    #[serde(deserialize_with = "amount")]
    pub amount: f64,
}

fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| serde::de::Error::custom("amount is not a number"))
}

/// Custom field values keyed by the field's name.
pub type CustomValues = Map<String, Value>;

/// Declares an entity's field struct: every field optional and omitted when unset (so an edit
/// sends only what changes), unknown response fields kept in `extra`.
macro_rules! fields {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fdoc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

fields!(
    /// A company.
    Account {
        name: String,
        description: String,
        industry_id: i64,
        account_type_id: i64,
        territory_id: i64,
        owner: EntityRef,
        url: MultiValue,
        phone: MultiValue,
        email: MultiValue,
        address: MultiValue,
        contacts: Vec<Link>,
        tags: Vec<String>,
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
        confidence: u8,
        assignee: EntityRef,
        sources: Vec<Link>,
        tags: Vec<String>,
        custom_fields: CustomValues,
        products: Value,
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
        activity_type_id: i64,
        start_time: Timestamp,
        end_time: Timestamp,
        is_all_day: bool,
        is_flagged: bool,
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
        is_enabled: bool,
        is_administrator: bool,
        emails: Vec<String>,
    }
);

fields!(
    /// A custom field definition. `type` names such as Text, LongText, Currency, Date.
    CustomField {
        name: String,
        #[serde(rename = "type")]
        field_type: String,
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
        deleted_time: Timestamp,
    }
);

fields!(
    /// A pipeline (read only through the API).
    Stageset {
        name: String,
        default: bool,
        position: i64,
    }
);

fields!(
    /// A stage of a pipeline (read only through the API).
    Milestone {
        name: String,
        position: i64,
        stageset_id: i64,
    }
);

/// A tag. `findTags` may list tags as bare names or as objects; both are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "TagWire")]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TagWire {
    Name(String),
    Object {
        name: String,
        #[serde(default, rename = "entityType")]
        entity_type: Option<String>,
        #[serde(default)]
        id: Option<i64>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
}

impl From<TagWire> for Tag {
    fn from(w: TagWire) -> Self {
        match w {
            TagWire::Name(name) => Tag {
                name,
                entity_type: None,
                id: None,
                extra: Map::new(),
            },
            TagWire::Object {
                name,
                entity_type,
                id,
                extra,
            } => Tag {
                name,
                entity_type,
                id,
                extra,
            },
        }
    }
}

/// An answer keyed by entity type, as `findCustomFields` and `findTags` give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct ByEntityType<T> {
    #[serde(rename = "Accounts", default = "Vec::new")]
    pub accounts: Vec<T>,
    #[serde(rename = "Contacts", default = "Vec::new")]
    pub contacts: Vec<T>,
    #[serde(rename = "Leads", default = "Vec::new")]
    pub leads: Vec<T>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T> ByEntityType<T> {
    /// The list for one entity type (`"Accounts"`, `"Contacts"`, `"Leads"`).
    pub fn of(&self, entity_type: &str) -> &[T] {
        match entity_type {
            "Accounts" => &self.accounts,
            "Contacts" => &self.contacts,
            "Leads" => &self.leads,
            _ => &[],
        }
    }
}

/// What `search*` and `searchByEmail` return: a short form of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stub {
    pub id: i64,
    #[serde(default)]
    pub entity_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `searchByEmail`'s answer. UNCONFIRMED: the key names (`contacts`, `accounts`, `users`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EmailMatches {
    #[serde(default)]
    pub contacts: Vec<Stub>,
    #[serde(default)]
    pub accounts: Vec<Stub>,
    #[serde(default)]
    pub users: Vec<Stub>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A record type the client can create, read, edit, delete and find generically.
pub trait Entity: Serialize + serde::de::DeserializeOwned + Send + Sync {
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
pub trait Listed: serde::de::DeserializeOwned + Send + Sync {
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
        assert_eq!(lead.fields.value.as_ref().map(|v| v.amount), Some(1500.5));
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
        assert_eq!(t.of("Accounts")[0].name, "vip");
        assert_eq!(t.of("Leads")[0].id, Some(4));
        assert!(t.of("Contacts").is_empty());
    }
}
