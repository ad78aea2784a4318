//! What the map can point at: the Nutshell entity type ([`EntityType`]) each RSoft module
//! ([`crate::rsoft::Module`]) becomes, and the catalogue of Nutshell standard fields per entity (from
//! docs/nutshell-api.md), with the kind of value each takes.

use serde::{Deserialize, Serialize};

use crate::nutshell::EntityType;
use crate::rsoft::Module;

impl Module {
    /// The Nutshell entity a row of this module becomes (docs/design.md §2); `None` for the modules
    /// that describe the account's setup (users, pipelines, custom fields, workflows), which have
    /// no columns to map. A lead row also creates its person as a Contact; its person columns
    /// target `Contacts.*` fields.
    pub fn entity(self) -> Option<EntityType> {
        match self {
            Module::Companies => Some(EntityType::Accounts),
            Module::Contacts => Some(EntityType::Contacts),
            Module::Leads | Module::Deals => Some(EntityType::Leads),
            Module::Activities => Some(EntityType::Activities),
            Module::Tickets => Some(EntityType::Tasks),
            Module::TicketMessages => Some(EntityType::Notes),
            Module::Users | Module::Pipelines | Module::CustomFields | Module::Workflows => None,
        }
    }
}

/// What kind of value a Nutshell field takes (also the type a new custom field is created with);
/// the proposer reads sample values as these kinds to check a target. Not discovery's
/// [`crate::rsoft::ColumnKind`], which says what a column looks like, roles included (an ID, a
/// reference, an enumeration): that one converts into this one through `From`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// One line of text.
    Text,
    /// Multi-line text (descriptions, notes).
    LongText,
    /// An email address (normalised and validated by `transform::email`).
    Email,
    /// A phone number, sent as E.164 when the country is known.
    Phone,
    /// A web address.
    Url,
    /// A decimal number.
    Number,
    /// An amount with an ISO 4217 currency (a Lead's `value:{currency,amount}`, docs/nutshell-api.md).
    Money,
    /// A percentage, 0 to 100 (a Lead's `confidence`, docs/nutshell-api.md).
    Percent,
    /// A calendar date, never zone-converted.
    Date,
    /// A point in time, converted from the export's IANA zone and sent as RFC 3339.
    DateTime,
    /// Yes/no.
    Boolean,
    /// One of a set of values, converted through a value map.
    Choice,
}

impl ValueKind {
    /// Nutshell's custom-field type name for a field created with this kind.
    pub fn nutshell_custom_type(self) -> &'static str {
        match self {
            ValueKind::Text | ValueKind::Choice => "Text",
            ValueKind::LongText => "LongText",
            ValueKind::Email => "Email",
            ValueKind::Phone => "Phone",
            ValueKind::Url => "URL",
            ValueKind::Number | ValueKind::Percent => "Number",
            ValueKind::Money => "Currency",
            ValueKind::Date | ValueKind::DateTime => "Date",
            ValueKind::Boolean => "Decision",
        }
    }

    /// The kind of an existing custom field of Nutshell type `name` (`Currency`, `Date`, …;
    /// docs/nutshell-api.md, "Custom fields"), case-insensitive; `None` for a type this tool does not
    /// convert to (e.g. `Location`), which the map then cannot fill.
    pub fn from_nutshell_custom_type(name: &str) -> Option<ValueKind> {
        const KNOWN: [ValueKind; 9] = [
            ValueKind::Text,
            ValueKind::LongText,
            ValueKind::Email,
            ValueKind::Phone,
            ValueKind::Url,
            ValueKind::Number,
            ValueKind::Money,
            ValueKind::Date,
            ValueKind::Boolean,
        ];
        KNOWN
            .into_iter()
            .find(|k| k.nutshell_custom_type().eq_ignore_ascii_case(name.trim()))
    }

    /// Why Nutshell's API creates no custom field of this kind on `entity`, when it does not:
    /// Email, Phone and URL fields are created only on Leads (docs/nutshell-api.md, "Custom
    /// fields"). One rule for the proposer, the map's check and the load's preparation.
    pub fn custom_field_refused(self, entity: EntityType) -> Option<String> {
        (matches!(self, ValueKind::Email | ValueKind::Phone | ValueKind::Url)
            && entity != EntityType::Leads)
            .then(|| {
                format!(
                    "Nutshell creates {} custom fields only on Leads",
                    self.nutshell_custom_type()
                )
            })
    }

    /// Whether values of `self` can fill a field of kind `target` without loss.
    pub fn fits(self, target: ValueKind) -> bool {
        use ValueKind::*;
        self == target
            || matches!(
                (self, target),
                (_, Text | LongText)
                    | (Number, Money | Percent)
                    | (Percent, Number)
                    | (Date, DateTime)
                    | (Text | Boolean | Number, Choice)
            )
    }
}

impl From<crate::rsoft::ColumnKind> for ValueKind {
    /// The kind of field that keeps a column discovery inferred as `seen`: keys and references
    /// are codes (text), an enumeration is a choice.
    fn from(seen: crate::rsoft::ColumnKind) -> Self {
        use crate::rsoft::ColumnKind as Seen;
        match seen {
            Seen::Email => ValueKind::Email,
            Seen::Phone => ValueKind::Phone,
            Seen::Date => ValueKind::Date,
            Seen::Datetime => ValueKind::DateTime,
            Seen::Money => ValueKind::Money,
            Seen::Number => ValueKind::Number,
            Seen::Boolean => ValueKind::Boolean,
            Seen::Enum => ValueKind::Choice,
            Seen::FreeText | Seen::Id | Seen::Reference => ValueKind::Text,
        }
    }
}

/// The value maps a module can carry: source values → Nutshell values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueMapKind {
    /// RSoft pipeline + stage → Nutshell stageset + milestone.
    Stage,
    /// → open / won / lost / cancelled.
    LeadStatus,
    /// → one of the destination account's activity types (`findActivityTypes`).
    ActivityType,
    /// → scheduled / logged / cancelled.
    ActivityStatus,
    /// → the operator's own values (Nutshell has no lifecycle stage; it lands in a custom field,
    /// docs/design.md).
    LifecycleStage,
    /// → open (a task), completed (a task plus a note saying it was closed) or logged (a logged
    /// activity, its type from the module's activity-type map entry `"Ticket"`).
    TicketStatus,
    /// → low / normal / high.
    TicketPriority,
}

impl ValueMapKind {
    /// Every kind, in the order `mapping.toml` lists value maps.
    pub const ALL: [ValueMapKind; 7] = [
        ValueMapKind::Stage,
        ValueMapKind::LeadStatus,
        ValueMapKind::ActivityType,
        ValueMapKind::ActivityStatus,
        ValueMapKind::LifecycleStage,
        ValueMapKind::TicketStatus,
        ValueMapKind::TicketPriority,
    ];

    /// The snake_case name used as the value map's key in `mapping.toml`.
    pub fn name(self) -> &'static str {
        match self {
            ValueMapKind::Stage => "stage",
            ValueMapKind::LeadStatus => "lead_status",
            ValueMapKind::ActivityType => "activity_type",
            ValueMapKind::ActivityStatus => "activity_status",
            ValueMapKind::LifecycleStage => "lifecycle_stage",
            ValueMapKind::TicketStatus => "ticket_status",
            ValueMapKind::TicketPriority => "ticket_priority",
        }
    }

    /// The kind named `name` exactly as [`ValueMapKind::name`] spells it; `None` otherwise.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The fixed Nutshell values, where Nutshell fixes them; `None` when they come from the
    /// destination account (stages, activity types) or are free (lifecycle stage).
    pub fn fixed_values(self) -> Option<&'static [&'static str]> {
        match self {
            ValueMapKind::LeadStatus => Some(&["open", "won", "lost", "cancelled"]),
            ValueMapKind::ActivityStatus => Some(&["scheduled", "logged", "cancelled"]),
            // A closed ticket lands as the map says (docs/nutshell-api.md: no input creates a
            // completed task): `completed` = an open task plus a note that it was closed,
            // `logged` = a logged activity. Never silently an open task.
            ValueMapKind::TicketStatus => Some(&["open", "completed", "logged"]),
            ValueMapKind::TicketPriority => Some(&["low", "normal", "high"]),
            ValueMapKind::Stage | ValueMapKind::ActivityType | ValueMapKind::LifecycleStage => None,
        }
    }
}

/// One Nutshell standard field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardField {
    /// The entity the field belongs to.
    pub entity: EntityType,
    /// The path after the entity, as in `Contacts.email` or `Accounts.address.city`.
    pub name: &'static str,
    /// The kind of value it takes (docs/nutshell-api.md).
    pub kind: ValueKind,
    /// Takes several values (several columns may feed it: Mobile and Phone both to `phone`).
    pub multi: bool,
    /// Values go through this value map.
    pub value_map: Option<ValueMapKind>,
}

impl StandardField {
    /// `Entity.name`, e.g. `Contacts.email`: how `mapping.toml` names the target.
    pub fn path(&self) -> String {
        format!("{}.{}", self.entity.as_str(), self.name)
    }
}

const fn field(entity: EntityType, name: &'static str, kind: ValueKind) -> StandardField {
    StandardField {
        entity,
        name,
        kind,
        multi: false,
        value_map: None,
    }
}

const fn multi(entity: EntityType, name: &'static str, kind: ValueKind) -> StandardField {
    StandardField {
        multi: true,
        ..field(entity, name, kind)
    }
}

const fn mapped(entity: EntityType, name: &'static str, map: ValueMapKind) -> StandardField {
    StandardField {
        value_map: Some(map),
        ..field(entity, name, ValueKind::Choice)
    }
}

use EntityType::{
    Accounts as A, Activities as Act, Contacts as C, Leads as L, Notes as N, Tasks as T,
};
use ValueKind as K;

/// Nutshell's standard fields, as far as the tool writes them. Fields marked unconfirmed in
/// docs/nutshell-api.md (Contacts.jobTitle, Leads value/stage inputs, Tasks) are included: the client
/// reports a mismatch before a run.
pub const STANDARD_FIELDS: &[StandardField] = &[
    field(A, "name", K::Text),
    field(A, "description", K::LongText),
    field(A, "industry", K::Text),
    multi(A, "url", K::Url),
    multi(A, "phone", K::Phone),
    multi(A, "email", K::Email),
    field(A, "address.address_1", K::Text),
    field(A, "address.city", K::Text),
    field(A, "address.state", K::Text),
    field(A, "address.postalCode", K::Text),
    field(A, "address.country", K::Text),
    field(C, "name", K::Text),
    field(C, "givenName", K::Text),
    field(C, "familyName", K::Text),
    field(C, "jobTitle", K::Text),
    field(C, "description", K::LongText),
    multi(C, "email", K::Email),
    multi(C, "phone", K::Phone),
    field(C, "address.address_1", K::Text),
    field(C, "address.city", K::Text),
    field(C, "address.state", K::Text),
    field(C, "address.postalCode", K::Text),
    field(C, "address.country", K::Text),
    field(L, "description", K::Text),
    field(L, "value", K::Money),
    field(L, "value.currency", K::Text),
    field(L, "confidence", K::Percent),
    field(L, "dueTime", K::Date),
    multi(L, "sources", K::Text),
    mapped(L, "status", ValueMapKind::LeadStatus),
    mapped(L, "stageset", ValueMapKind::Stage),
    mapped(L, "milestone", ValueMapKind::Stage),
    field(Act, "name", K::Text),
    field(Act, "description", K::LongText),
    mapped(Act, "activityType", ValueMapKind::ActivityType),
    mapped(Act, "status", ValueMapKind::ActivityStatus),
    field(Act, "startTime", K::DateTime),
    field(Act, "endTime", K::DateTime),
    field(T, "title", K::Text),
    field(T, "description", K::LongText),
    field(T, "dueTime", K::DateTime),
    mapped(T, "status", ValueMapKind::TicketStatus),
    mapped(T, "priority", ValueMapKind::TicketPriority),
    field(N, "body", K::LongText),
];

/// The standard field whose values are lead sources (docs/nutshell-api.md: `sources:[{id}]`),
/// found or created in Nutshell by name.
pub const SOURCES_FIELD: &str = "Leads.sources";

/// Look up `Contacts.email`-style paths.
pub fn standard_field(path: &str) -> Option<&'static StandardField> {
    let (entity, name) = path.split_once('.')?;
    STANDARD_FIELDS
        .iter()
        .find(|f| f.entity.as_str() == entity && f.name == name)
}

/// Fields a record cannot be created without, per entity, as alternatives: any one path of an
/// inner list covers it. Users are matched, never created, and the types the map does not name
/// ([`EntityType::MAPPED`]) are never created by the migration: none is required for them.
pub fn required_fields(entity: EntityType) -> &'static [&'static [&'static str]] {
    match entity {
        EntityType::Accounts => &[&["Accounts.name"]],
        EntityType::Contacts => &[&["Contacts.name", "Contacts.givenName"]],
        EntityType::Leads => &[&["Leads.description"]],
        EntityType::Activities => &[
            &["Activities.startTime"],
            &["Activities.endTime"],
            &["Activities.activityType"],
        ],
        EntityType::Tasks => &[&["Tasks.title"]],
        EntityType::Notes => &[&["Notes.body"]],
        EntityType::Users
        | EntityType::Teams
        | EntityType::Sources
        | EntityType::ActivityTypes
        | EntityType::Stagesets
        | EntityType::Milestones
        | EntityType::Tags => &[],
    }
}

/// A required field no column fills, filled by the record builder with a stated default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatedDefault {
    /// The required field, `Entity.field`.
    pub field: &'static str,
    /// The default applies when a column fills one of these.
    pub from: &'static [&'static str],
    /// What the builder sends instead, for the operator.
    pub rule: &'static str,
}

/// The stated defaults: an activity with no end ends at its start; a lead with no description
/// is described by its person's name and source (an RSoft lead's "Lead Name" names the person).
const STATED_DEFAULTS: &[StatedDefault] = &[
    StatedDefault {
        field: "Activities.endTime",
        from: &["Activities.startTime"],
        rule: "the activity ends at its start",
    },
    StatedDefault {
        field: "Leads.description",
        from: &["Contacts.name", "Contacts.givenName"],
        rule: "the lead is described by its person's name and source, e.g. \"Bhavna Joshi (Website)\"",
    },
];

/// The stated default for `field` (`Entity.field`), if it has one.
pub fn stated_default(field: &str) -> Option<&'static StatedDefault> {
    STATED_DEFAULTS.iter().find(|d| d.field == field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_paths_are_unique_and_found() {
        for f in STANDARD_FIELDS {
            let path = f.path();
            assert_eq!(standard_field(&path), Some(f), "{path}");
            let same = STANDARD_FIELDS.iter().filter(|g| g.path() == path).count();
            assert_eq!(same, 1, "{path} listed twice");
        }
        assert!(standard_field("Contacts.nickname").is_none());
        assert!(standard_field("email").is_none());
    }

    #[test]
    fn required_fields_exist_in_the_catalogue() {
        for m in Module::ALL {
            assert_eq!(m.entity().is_some(), m.holds_records(), "{m}");
            let Some(entity) = m.entity() else { continue };
            for alternatives in required_fields(entity) {
                for path in *alternatives {
                    assert!(standard_field(path).is_some(), "{path}");
                }
            }
            assert_eq!(Module::from_name(m.as_str()), Some(m));
        }
    }

    #[test]
    fn nutshell_custom_types_read_back() {
        for kind in [
            ValueKind::LongText,
            ValueKind::Money,
            ValueKind::Boolean,
            ValueKind::Url,
        ] {
            assert_eq!(
                ValueKind::from_nutshell_custom_type(kind.nutshell_custom_type()),
                Some(kind)
            );
        }
        assert_eq!(
            ValueKind::from_nutshell_custom_type("date"),
            Some(ValueKind::Date)
        );
        assert_eq!(ValueKind::from_nutshell_custom_type("Location"), None);
    }

    #[test]
    fn kinds_fit() {
        assert!(ValueKind::Email.fits(ValueKind::Text));
        assert!(ValueKind::Date.fits(ValueKind::DateTime));
        assert!(!ValueKind::DateTime.fits(ValueKind::Date));
        assert!(!ValueKind::Text.fits(ValueKind::Number));
        assert!(!ValueKind::Email.fits(ValueKind::Phone));
    }
}
