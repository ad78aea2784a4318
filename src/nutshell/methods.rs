//! Every Nutshell method name, parameter name and wire convention the migration relies on, in one
//! place: a correction to the API is one edit here, and the pre-flight (`preflight.rs`) checks this
//! same table against the live method description.
//!
//! Sources: the project's Nutshell API notes (docs/nutshell-api.md) and, where the two disagree, the
//! public Python client `nutshell` 0.4.4 (PyPI; `nutshell/methods.py` and `entities.py`), which
//! was written against the live API and wins. Items seen in neither primary source are marked
//! `UNCONFIRMED` — they are the first suspects when `check-api` reports a mismatch.
//!
//! Where the public client corrects the notes:
//! - `findStagesets` gives a pipeline's `default` as an integer (1/0), not a boolean
//!   (`Stageset.default: Optional[int]`).
//! - `findActivityTypes` items carry `stub` and `rev` (`ActivityType`).
//! - A lead's `assignee` and `creator` are the whole user (or team), not a `{entityType, id}`
//!   stub; its `milestone` and `stageset` are records with `rev` (`Lead`).
//! - An activity carries `activityType` as a record, `leads` as lead records, and always
//!   `isAllDay`, `isFlagged`, `status`, `createdTime`, `modifiedTime` (`Activity`); find* stubs of
//!   activities carry the same.
//! - `getUser {userId?, rev?}` exists; without `userId` it answers the API user itself.
//! - Its finds send `stubResponses: true` and order by `last_name` (users), `id` (leads) or
//!   `name` (the rest) by default; live Nutshell takes those.
//! - The JSON-RPC `id` may be a string (it sends `"apeye"`).

/// What a call does to the server, which decides whether a failed call may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads nothing changes: always safe to send again.
    Read,
    /// Writes that cannot apply twice: edits and deletes carry `rev` (a second send after a commit
    /// meets a stale rev), `newSource` returns the existing source of that name.
    Guarded,
    /// Creates: Nutshell has no idempotency keys, so a create that may have reached the server is
    /// never sent again; the caller resolves it by lookup.
    Create,
}

/// One JSON-RPC method: its name, the parameter names the client may send, and its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodSpec {
    /// The method name as sent in the JSON-RPC `method` field.
    pub name: &'static str,
    /// The parameter names the client may send, in order; the pre-flight compares them with the live
    /// method description.
    pub params: &'static [&'static str],
    /// Whether a failed call may be sent again.
    pub effect: Effect,
}

impl MethodSpec {
    const fn new(name: &'static str, params: &'static [&'static str], effect: Effect) -> Self {
        Self {
            name,
            params,
            effect,
        }
    }
}

// Parameter names shared by several methods.
/// A find's filter object (`{"name": …}`, field → value).
pub const QUERY: &str = "query";
/// The field a find sorts on (`name`, `id`, `last_name` for users: the public client's defaults).
pub const ORDER_BY: &str = "orderBy";
/// `ASC` or `DESC` ([`ASCENDING`], [`DESCENDING`]).
pub const ORDER_DIRECTION: &str = "orderDirection";
/// Records per page of a find.
pub const LIMIT: &str = "limit";
/// 1-based; a page past the end comes back empty.
pub const PAGE: &str = "page";
/// Nutshell's finds default to stubs; the migration asks for full entities.
pub const STUB_RESPONSES: &str = "stubResponses";
/// A record's revision, sent back on edit and delete so a stale write is refused (409).
pub const REV: &str = "rev";
/// The text a `search*` call matches.
pub const SEARCH_STRING: &str = "string";
/// `searchByEmail`'s address parameter.
pub const EMAIL_ADDRESS_STRING: &str = "emailAddressString";
/// `getApiForUsername`'s account name (endpoint discovery).
pub const USERNAME: &str = "username";
/// `getUser`'s id parameter; left out, the answer is the API user.
pub const USER_ID: &str = "userId";

const FIND_ENTITY_PARAMS: &[&str] = &[
    QUERY,
    ORDER_BY,
    ORDER_DIRECTION,
    LIMIT,
    PAGE,
    STUB_RESPONSES,
];
const FIND_LIST_PARAMS: &[&str] = &[QUERY, ORDER_BY, ORDER_DIRECTION, LIMIT, PAGE];
const PAGING_PARAMS: &[&str] = &[ORDER_BY, ORDER_DIRECTION, LIMIT, PAGE];
const SEARCH_PARAMS: &[&str] = &[SEARCH_STRING, LIMIT];

/// The methods of one record type Nutshell lets the migration create, read, change and delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityMethods {
    /// `entityType` in responses, also the key in `findCustomFields`/`findTags` answers.
    pub entity_type: &'static str,
    /// The parameter carrying the record's id in get/edit/delete (`accountId`, …).
    pub id_param: &'static str,
    /// `new<Entity>`: creates one record; never re-sent (see [`Effect::Create`]).
    pub new: MethodSpec,
    /// `get<Entity>`: reads one record by id.
    pub get: MethodSpec,
    /// `edit<Entity>`, guarded by `rev`; `None` for a type that cannot be edited.
    pub edit: Option<MethodSpec>,
    /// `delete<Entity>`, guarded by `rev` (rollback uses it).
    pub delete: MethodSpec,
    /// `find<Entity>`: pages of full records; `None` where the API has none.
    pub find: Option<MethodSpec>,
    /// `search<Entity>`: stubs matching a text; `None` where the API has none (activities, tasks).
    pub search: Option<MethodSpec>,
    /// The REST collection for custom-field creation (`/rest/{this}/customfield`).
    pub rest_collection: Option<&'static str>,
}

impl EntityMethods {
    /// The parameter holding the record body in new/edit: the first parameter of `new`.
    pub fn body_param(&self) -> &'static str {
        self.new.params.first().copied().unwrap_or("")
    }
}

macro_rules! entity_methods {
    ($type:literal, $id:literal, $body:literal, new $new:literal, get $get:literal,
     edit $edit:expr, delete $delete:literal, find $find:expr, search $search:expr, rest $rest:expr) => {
        EntityMethods {
            entity_type: $type,
            id_param: $id,
            new: MethodSpec::new($new, &[$body], Effect::Create),
            get: MethodSpec::new($get, &[$id], Effect::Read),
            edit: match $edit {
                Some(name) => Some(MethodSpec::new(name, &[$id, REV, $body], Effect::Guarded)),
                None => None,
            },
            delete: MethodSpec::new($delete, &[$id, REV], Effect::Guarded),
            find: match $find {
                Some(name) => Some(MethodSpec::new(name, FIND_ENTITY_PARAMS, Effect::Read)),
                None => None,
            },
            search: match $search {
                Some(name) => Some(MethodSpec::new(name, SEARCH_PARAMS, Effect::Read)),
                None => None,
            },
            rest_collection: $rest,
        }
    };
}

/// Companies (docs/nutshell-api.md, "Accounts").
pub const ACCOUNTS: EntityMethods = entity_methods!("Accounts", "accountId", "account",
    new "newAccount", get "getAccount", edit Some("editAccount"), delete "deleteAccount",
    find Some("findAccounts"), search Some("searchAccounts"), rest Some("accounts"));
/// People (docs/nutshell-api.md, "Contacts").
pub const CONTACTS: EntityMethods = entity_methods!("Contacts", "contactId", "contact",
    new "newContact", get "getContact", edit Some("editContact"), delete "deleteContact",
    find Some("findContacts"), search Some("searchContacts"), rest Some("contacts"));
/// Sales opportunities (docs/nutshell-api.md, "Leads").
pub const LEADS: EntityMethods = entity_methods!("Leads", "leadId", "lead",
    new "newLead", get "getLead", edit Some("editLead"), delete "deleteLead",
    find Some("findLeads"), search Some("searchLeads"), rest Some("leads"));
/// Calls, meetings and other activities (docs/nutshell-api.md, "Activities").
pub const ACTIVITIES: EntityMethods = entity_methods!("Activities", "activityId", "activity",
    new "newActivity", get "getActivity", edit Some("editActivity"), delete "deleteActivity",
    find Some("findActivities"), search None::<&str>, rest None);
/// UNCONFIRMED: the Task shape (`title`, `description`, `dueTime`, `assignee`, `entity`).
pub const TASKS: EntityMethods = entity_methods!("Tasks", "taskId", "task",
    new "newTask", get "getTask", edit Some("editTask"), delete "deleteTask",
    find Some("findTasks"), search None::<&str>, rest None);

/// Notes are created differently from the other records: see [`NEW_NOTE`].
pub const NOTES_GET: MethodSpec = MethodSpec::new("getNote", &["noteId"], Effect::Read);
/// `deleteNote {noteId, rev}`: rollback removes the notes a run created.
pub const NOTES_DELETE: MethodSpec =
    MethodSpec::new("deleteNote", &["noteId", REV], Effect::Guarded);
/// UNCONFIRMED: `newNote {entity:{entityType,id}, note:"text"}`.
pub const NEW_NOTE: MethodSpec =
    MethodSpec::new("newNote", &[NOTE_ENTITY, NOTE_TEXT], Effect::Create);
/// `newNote`'s reference to the record the note belongs to (`{entityType, id}`).
pub const NOTE_ENTITY: &str = "entity";
/// `newNote`'s text parameter.
pub const NOTE_TEXT: &str = "note";

/// The parts of an address, as Accounts and Contacts take them (docs/nutshell-api.md, entity
/// shapes: `address:{label:{address_1,address_2,city,state,postalCode,country}}`).
pub const ADDRESS_PARTS: [&str; 6] = [
    "address_1",
    "address_2",
    "city",
    "state",
    "postalCode",
    "country",
];

/// `searchByEmail {emailAddressString}`: contacts, accounts and users with that address.
pub const SEARCH_BY_EMAIL: MethodSpec =
    MethodSpec::new("searchByEmail", &[EMAIL_ADDRESS_STRING], Effect::Read);
/// `findUsers`: the users that RSoft owners are matched to.
pub const FIND_USERS: MethodSpec = MethodSpec::new("findUsers", FIND_LIST_PARAMS, Effect::Read);
/// `getUser {userId?, rev?}`. Source: the public client's `GetUser` ("with no user_id, the API
/// will return the current user").
pub const GET_USER: MethodSpec = MethodSpec::new("getUser", &[USER_ID, REV], Effect::Read);
/// `findCustomFields`: the custom field definitions, keyed by entity type.
pub const FIND_CUSTOM_FIELDS: MethodSpec = MethodSpec::new("findCustomFields", &[], Effect::Read);
/// `findTags`: the existing tags, keyed by entity type.
pub const FIND_TAGS: MethodSpec = MethodSpec::new("findTags", &[], Effect::Read);
/// `newTag {tag}`: creates a tag the export uses but Nutshell lacks.
pub const NEW_TAG: MethodSpec = MethodSpec::new("newTag", &[TAG], Effect::Create);
/// `newTag`'s parameter (`{name, entityType}`).
pub const TAG: &str = "tag";
/// `findSources`: the lead sources.
pub const FIND_SOURCES: MethodSpec = MethodSpec::new("findSources", PAGING_PARAMS, Effect::Read);
/// Returns the existing source of that name, so sending it twice is harmless.
pub const NEW_SOURCE: MethodSpec = MethodSpec::new("newSource", &[SOURCE_NAME], Effect::Guarded);
/// `newSource`'s parameter: the source's name.
pub const SOURCE_NAME: &str = "name";
/// `findActivityTypes`: the activity types (calls, meetings…) activities refer to by id.
pub const FIND_ACTIVITY_TYPES: MethodSpec =
    MethodSpec::new("findActivityTypes", PAGING_PARAMS, Effect::Read);
/// `findStagesets`: the pipelines (read only through the API).
pub const FIND_STAGESETS: MethodSpec =
    MethodSpec::new("findStagesets", PAGING_PARAMS, Effect::Read);
/// `findMilestones`: the stages of every pipeline (read only through the API).
pub const FIND_MILESTONES: MethodSpec =
    MethodSpec::new("findMilestones", PAGING_PARAMS, Effect::Read);
/// Endpoint discovery, sent unauthenticated to the discovery URL, not to the API endpoint.
pub const GET_API_FOR_USERNAME: MethodSpec =
    MethodSpec::new("getApiForUsername", &[USERNAME], Effect::Read);
/// The field of the discovery answer naming the API host.
pub const DISCOVERY_API_FIELD: &str = "api";
/// Where discovery is asked by default.
pub const DEFAULT_DISCOVERY_URL: &str = "https://api.nutshell.com/v1/json";
/// The JSON-RPC path on the discovered host.
pub const JSON_RPC_PATH: &str = "/api/v1/json";

/// REST custom-field creation: `POST {origin}/rest/{collection}/customfield`.
/// UNCONFIRMED: the body shape `{"name":…, "type":…}`.
pub const REST_PREFIX: &str = "/rest";
/// The path segment after the collection for custom-field creation.
pub const REST_CUSTOM_FIELD: &str = "customfield";
/// The REST custom-field body's name key.
pub const REST_FIELD_NAME: &str = "name";
/// The REST custom-field body's type key (`Text`, `Currency`, `Date`…).
pub const REST_FIELD_TYPE: &str = "type";

/// REST lookup by field value: `GET {origin}/rest/{collection}?filter[<field>]=<value>`, field a
/// standard or custom field name (docs/nutshell-api.md, second pass [N]). UNCONFIRMED: the answer's
/// shape; the client reads a list of records from the top level, or under the collection's name
/// or `data`, with ids as numbers, numeric strings or `"<id>-<collection>"`.
pub const REST_FILTER: &str = "filter";
/// `GET {origin}/rest/{collection}/list/fields`: which fields can be filtered (`isFilterable`).
pub const REST_LIST_FIELDS: &str = "list/fields";
/// REST users: `GET {origin}/rest/users/{id}`. UNCONFIRMED: the path (the notes name only "the
/// REST user"); the answer carries `permissions.canAssignEntities` / `canDeleteEntities` [N].
pub const REST_USERS: &str = "users";
/// The REST user's key holding [`CAN_ASSIGN_ENTITIES`] and [`CAN_DELETE_ENTITIES`].
pub const PERMISSIONS: &str = "permissions";
/// May the API user make another user the owner or assignee of a record.
pub const CAN_ASSIGN_ENTITIES: &str = "canAssignEntities";
/// May the API user delete records (rollback needs it).
pub const CAN_DELETE_ENTITIES: &str = "canDeleteEntities";

/// `orderDirection` for smallest first (Nutshell accepts only `ASC` and `DESC`).
pub const ASCENDING: &str = "ASC";
/// `orderDirection` for largest first.
pub const DESCENDING: &str = "DESC";

/// Error recognition. Nutshell publishes no error codes, so these match on what public clients saw.
pub mod errors {
    /// HTTP status a stale `rev` comes back with.
    pub const STALE_REV_STATUS: u16 = 409;
    /// Message of a stale `rev` (matched case-insensitively as a substring).
    pub const STALE_REV_MESSAGE: &str = "rev key is out-of-date";
    /// UNCONFIRMED: a not-found message looks like "Bad Lead ID" (maybe followed by the id) or
    /// says "not found". "Method not found" is an unknown method, not a missing record.
    pub fn is_not_found_message(message: &str) -> bool {
        let m = message.to_ascii_lowercase();
        let bad_id = m.starts_with("bad ") && m.split([' ', ':']).any(|w| w == "id");
        (m.contains("not found") && !m.contains("method")) || bad_id
    }
}

/// Every method the migration sends to the JSON-RPC endpoint, for the pre-flight check.
pub fn used_methods() -> Vec<MethodSpec> {
    let mut used = Vec::new();
    for e in [ACCOUNTS, CONTACTS, LEADS, ACTIVITIES, TASKS] {
        used.extend([e.new, e.get, e.delete]);
        used.extend(e.edit);
        used.extend(e.find);
        used.extend(e.search);
    }
    used.extend([
        NOTES_GET,
        NOTES_DELETE,
        NEW_NOTE,
        SEARCH_BY_EMAIL,
        FIND_USERS,
        GET_USER,
        FIND_CUSTOM_FIELDS,
        FIND_TAGS,
        NEW_TAG,
        FIND_SOURCES,
        NEW_SOURCE,
        FIND_ACTIVITY_TYPES,
        FIND_STAGESETS,
        FIND_MILESTONES,
    ]);
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_unique_and_bodies_follow_the_entity() {
        let used = used_methods();
        let mut names: Vec<_> = used.iter().map(|m| m.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a method is listed twice");
        assert_eq!(ACCOUNTS.body_param(), "account");
        assert_eq!(
            LEADS.edit.map(|m| m.params),
            Some(&["leadId", REV, "lead"][..])
        );
        assert!(used.iter().any(|m| m.name == "findMilestones"));
    }

    #[test]
    fn not_found_messages_are_recognised() {
        assert!(errors::is_not_found_message("Bad Lead ID"));
        assert!(errors::is_not_found_message("Contact not found"));
        assert!(errors::is_not_found_message("Bad Account ID: 1000"));
        assert!(!errors::is_not_found_message("Method not found"));
        assert!(!errors::is_not_found_message(
            "Bad request: name is required"
        ));
    }
}
