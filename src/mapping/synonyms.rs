//! The curated vocabulary the proposer matches headers against: RSoft's own headers and the
//! spellings common CRMs and spreadsheets use, in English including Indian usage ("Mobile No.",
//! "Organisation", "Pincode", "Designation", "GSTIN"). Headers and phrases are compared after
//! [`normalize_header`], so each phrase is written once in plain words.

use super::catalogue::{Entity, ValueKind};
use super::model::{LookupKey, RelatedPart};
use crate::rsoft::Module;

/// What a synonym points at; resolved to a [`super::model::Target`] per module.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spec {
    /// A standard field path.
    Field(&'static str),
    /// A custom field (a note line on entities without custom fields).
    Custom(&'static str, ValueKind),
    /// A labelled note line (`Industry: Retail`); the label given.
    Note(&'static str),
    /// The column finds a related record of that entity by that key.
    Lookup(Entity, LookupKey),
    /// One half of an activity's polymorphic relation.
    Related(RelatedPart),
    /// The record's tags.
    Tags,
    /// The module's RSoft ID (the legacy-id custom field).
    LegacyId,
    /// Not moved, on purpose (the reason says why).
    Ignore(&'static str),
}

/// One row of the vocabulary: phrases that mean one thing, and where it lands.
pub struct Synonym {
    /// Where the row applies; empty for every module.
    pub modules: &'static [Module],
    /// What the column means, for the reason shown to the operator.
    pub meaning: &'static str,
    /// Spellings of the header, in plain words (compared after [`normalize_header`]).
    pub phrases: &'static [&'static str],
    /// Where a column with one of these headers lands.
    pub spec: Spec,
}

/// Lower-case, punctuation to spaces, abbreviations expanded (`No.`/`#`/`Nbr` → number, `Dt` →
/// date, `Mob` → mobile, `Org`/`Organisation`/`Account` → company, `E-mail` → email, …).
pub fn normalize_header(header: &str) -> String {
    let spaced: String = header
        .to_lowercase()
        .replace('#', " number ")
        .replace('%', " percent ")
        .replace("e-mail", "email")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = spaced
        .split_whitespace()
        .flat_map(|w| expand(w).split(' '))
        .collect();
    words.join(" ")
}

fn expand(word: &str) -> &str {
    match word {
        // Other languages' abbreviations seen in exports: German Nr./Tel./PLZ, Spanish Nro./Núm.,
        // French Tél., the ordinal Nº.
        "no" | "nbr" | "num" | "nr" | "nro" | "núm" | "nº" => "number",
        "dt" | "dte" => "date",
        "amt" => "amount",
        "mob" | "mobno" | "cell" => "mobile",
        "ph" | "tel" | "telephone" | "phno" | "tél" | "telf" | "tlf" => "phone",
        "org" | "organisation" | "organization" | "acct" | "acc" | "account" | "co" | "cmp" => {
            "company"
        }
        "cust" | "client" => "customer",
        "exp" | "expt" => "expected",
        "desc" | "descr" => "description",
        "addr" | "adr" => "address",
        "desig" => "designation",
        "fname" => "first name",
        "lname" => "last name",
        "dob" => "date of birth",
        "prob" => "probability",
        "curr" | "ccy" | "cur" => "currency",
        "ref" => "reference",
        "msg" => "message",
        "qty" => "quantity",
        "mgr" => "manager",
        "modified" | "updated" | "upd" | "mod" | "changed" => "modified",
        "opp" | "oppty" | "opportunity" => "deal",
        "emailid" | "mailid" => "email",
        "pin" | "pincode" | "zip" | "zipcode" | "postcode" | "plz" => "pincode",
        w => w,
    }
}

/// Leading words naming the module itself (`Contact Email` in contacts is just `email`).
pub fn module_nouns(module: Module) -> &'static [&'static str] {
    match module {
        Module::Companies => &["company"],
        Module::Contacts => &["contact", "person"],
        Module::Leads => &["lead", "prospect", "enquiry", "inquiry"],
        Module::Deals => &["deal"],
        Module::Activities => &["activity", "task"],
        Module::Tickets => &["ticket", "case"],
        Module::TicketMessages => &["message", "reply"],
        Module::Users | Module::Pipelines | Module::CustomFields | Module::Workflows => &[],
    }
}

use Module::{
    Activities as ACT, Companies as CO, Contacts as CT, Deals as DL, Leads as LD,
    TicketMessages as MSG, Tickets as TK,
};

/// Rows for one module come before rows for every module, so a module's own meaning wins
/// (`Source` is a lead source in leads, a ticket's channel in tickets).
pub const SYNONYMS: &[Synonym] = &[
    // companies
    Synonym {
        modules: &[CO],
        meaning: "the company's name",
        phrases: &[
            "name",
            "company name",
            "company",
            "customer name",
            "customer",
            "business name",
            "firm name",
            "firm",
            "party name",
            "trade name",
        ],
        spec: Spec::Field("Accounts.name"),
    },
    Synonym {
        modules: &[CO],
        meaning: "industry",
        phrases: &[
            "industry",
            "industry type",
            "sector",
            "vertical",
            "business type",
            "line of business",
        ],
        spec: Spec::Field("Accounts.industry"),
    },
    Synonym {
        modules: &[CO],
        meaning: "website",
        phrases: &[
            "website",
            "web site",
            "url",
            "web",
            "site",
            "homepage",
            "home page",
            "web address",
            "website url",
            "domain",
        ],
        spec: Spec::Field("Accounts.url"),
    },
    Synonym {
        modules: &[CO],
        meaning: "email",
        phrases: &[
            "email",
            "email id",
            "email address",
            "mail",
            "mail id",
            "primary email",
            "company email",
            "official email",
        ],
        spec: Spec::Field("Accounts.email"),
    },
    Synonym {
        modules: &[CO],
        meaning: "phone",
        phrases: &[
            "phone",
            "phone number",
            "landline",
            "contact number",
            "office phone",
            "work phone",
            "mobile",
            "mobile number",
            "board number",
            "company phone",
        ],
        spec: Spec::Field("Accounts.phone"),
    },
    Synonym {
        modules: &[CO],
        meaning: "address",
        phrases: &[
            "address",
            "street",
            "street address",
            "address line 1",
            "address 1",
            "billing address",
            "registered address",
            "office address",
        ],
        spec: Spec::Field("Accounts.address.address_1"),
    },
    Synonym {
        modules: &[CO],
        meaning: "city",
        phrases: &["city", "town", "billing city"],
        spec: Spec::Field("Accounts.address.city"),
    },
    Synonym {
        modules: &[CO],
        meaning: "state",
        phrases: &[
            "state",
            "province",
            "billing state",
            "state ut",
            "state name",
        ],
        spec: Spec::Field("Accounts.address.state"),
    },
    Synonym {
        modules: &[CO],
        meaning: "country",
        phrases: &["country", "billing country", "nation", "country name"],
        spec: Spec::Field("Accounts.address.country"),
    },
    Synonym {
        modules: &[CO],
        meaning: "postal code",
        phrases: &[
            "pincode",
            "pincode number",
            "pin code",
            "postal code",
            "post code",
            "zip code",
            "billing pincode",
        ],
        spec: Spec::Field("Accounts.address.postalCode"),
    },
    Synonym {
        modules: &[CO],
        meaning: "annual turnover",
        phrases: &[
            "annual turnover",
            "turnover",
            "annual revenue",
            "revenue",
            "yearly turnover",
        ],
        spec: Spec::Custom("Annual Turnover", ValueKind::Money),
    },
    Synonym {
        modules: &[CO],
        meaning: "description",
        phrases: &[
            "description",
            "about",
            "notes",
            "remarks",
            "comments",
            "company description",
        ],
        spec: Spec::Field("Accounts.description"),
    },
    Synonym {
        modules: &[CO, CT],
        meaning: "GST number",
        phrases: &[
            "gst number",
            "gstin",
            "gst",
            "gstin number",
            "gst registration number",
            "gst id",
            "gst reg number",
        ],
        spec: Spec::Custom("GST Number", ValueKind::Text),
    },
    Synonym {
        modules: &[CO, CT],
        meaning: "PAN",
        phrases: &[
            "pan",
            "pan number",
            "pan card",
            "pan card number",
            "permanent account number",
        ],
        spec: Spec::Custom("PAN", ValueKind::Text),
    },
    // contacts
    Synonym {
        modules: &[CT],
        meaning: "first name",
        phrases: &["first name", "given name", "first", "forename"],
        spec: Spec::Field("Contacts.givenName"),
    },
    Synonym {
        modules: &[CT],
        meaning: "last name",
        phrases: &["last name", "surname", "family name", "last"],
        spec: Spec::Field("Contacts.familyName"),
    },
    Synonym {
        modules: &[CT],
        meaning: "full name",
        phrases: &[
            "name",
            "full name",
            "person name",
            "customer name",
            "display name",
        ],
        spec: Spec::Field("Contacts.name"),
    },
    Synonym {
        modules: &[CT],
        meaning: "job title",
        phrases: &[
            "designation",
            "job title",
            "title",
            "position",
            "role",
            "job role",
            "post",
            "job designation",
        ],
        spec: Spec::Field("Contacts.jobTitle"),
    },
    Synonym {
        modules: &[CT],
        meaning: "lifecycle stage",
        phrases: &[
            "lifecycle stage",
            "lifecycle",
            "life cycle stage",
            "life cycle",
            "stage",
            "customer stage",
        ],
        spec: Spec::Custom("Lifecycle Stage", ValueKind::Choice),
    },
    Synonym {
        modules: &[CT],
        meaning: "date of birth",
        phrases: &["date of birth", "birth date", "birthday", "birthdate"],
        spec: Spec::Custom("Date of Birth", ValueKind::Date),
    },
    Synonym {
        modules: &[CT],
        meaning: "description",
        phrases: &["description", "notes", "remarks", "comments", "about"],
        spec: Spec::Field("Contacts.description"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "email",
        phrases: &[
            "email",
            "email id",
            "email address",
            "mail",
            "mail id",
            "primary email",
            "personal email",
            "work email",
            "official email",
        ],
        spec: Spec::Field("Contacts.email"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "phone",
        phrases: &[
            "mobile",
            "mobile number",
            "mobile phone",
            "phone",
            "phone number",
            "contact number",
            "whatsapp number",
            "whatsapp",
            "alternate number",
            "alternate phone",
            "work phone",
            "landline",
            "office phone",
            "direct number",
        ],
        spec: Spec::Field("Contacts.phone"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "street address",
        phrases: &[
            "address",
            "street",
            "street address",
            "address line 1",
            "address 1",
        ],
        spec: Spec::Field("Contacts.address.address_1"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "city",
        phrases: &["city", "town"],
        spec: Spec::Field("Contacts.address.city"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "state",
        phrases: &["state", "province", "state ut", "state name"],
        spec: Spec::Field("Contacts.address.state"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "country",
        phrases: &["country", "nation", "country name"],
        spec: Spec::Field("Contacts.address.country"),
    },
    Synonym {
        modules: &[CT, LD],
        meaning: "postal code",
        phrases: &[
            "pincode",
            "pin code",
            "postal code",
            "post code",
            "zip code",
        ],
        spec: Spec::Field("Contacts.address.postalCode"),
    },
    Synonym {
        modules: &[CT, DL, TK],
        meaning: "the company's RSoft ID",
        phrases: &[
            "company id",
            "company number",
            "company code",
            "company reference",
            "customer id",
        ],
        spec: Spec::Lookup(Entity::Accounts, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[CT, LD, DL],
        meaning: "the company's name",
        phrases: &[
            "company name",
            "company",
            "employer",
            "firm",
            "firm name",
            "business name",
            "customer company",
        ],
        spec: Spec::Lookup(Entity::Accounts, LookupKey::Name),
    },
    // leads
    Synonym {
        modules: &[LD],
        // An RSoft lead is a person: the name names the Contact made from it; the Lead's
        // description is derived (name and source) unless a title column fills it.
        meaning: "the lead's person name",
        phrases: &[
            "name",
            "lead name",
            "full name",
            "contact name",
            "person name",
            "customer name",
            "prospect name",
            "enquiry name",
        ],
        spec: Spec::Field("Contacts.name"),
    },
    Synonym {
        modules: &[LD],
        meaning: "the lead's title",
        phrases: &["title", "lead title"],
        spec: Spec::Field("Leads.description"),
    },
    Synonym {
        modules: &[LD],
        meaning: "lead source",
        phrases: &[
            "source",
            "lead source",
            "source name",
            "channel",
            "medium",
            "origin",
            "campaign source",
            "enquiry source",
        ],
        spec: Spec::Field("Leads.sources"),
    },
    Synonym {
        modules: &[LD, DL],
        meaning: "status",
        phrases: &[
            "status",
            "lead status",
            "deal status",
            "outcome",
            "result",
            "won lost",
            "current status",
        ],
        spec: Spec::Field("Leads.status"),
    },
    Synonym {
        modules: &[LD],
        meaning: "lead score",
        phrases: &[
            "score",
            "lead score",
            "rating",
            "lead rating",
            "grade",
            "scoring",
        ],
        spec: Spec::Custom("Lead Score", ValueKind::Number),
    },
    Synonym {
        modules: &[LD],
        meaning: "conversion date",
        phrases: &[
            "converted on",
            "conversion date",
            "converted date",
            "converted at",
            "date converted",
            "converted",
        ],
        spec: Spec::Note("Converted On"),
    },
    Synonym {
        modules: &[LD],
        meaning: "the contact the lead became",
        phrases: &[
            "converted contact id",
            "converted to contact",
            "converted contact",
            "contact id",
        ],
        // The contact the lead became is the lead's person: linked, not made again.
        spec: Spec::Lookup(Entity::Contacts, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[LD],
        meaning: "the deal the lead became",
        phrases: &[
            "converted deal id",
            "converted to deal",
            "converted deal",
            "deal id",
        ],
        spec: Spec::Note("Converted Deal ID"),
    },
    Synonym {
        modules: &[LD],
        meaning: "lead notes",
        phrases: &[
            "description",
            "notes",
            "remarks",
            "requirement",
            "comments",
            "details",
        ],
        spec: Spec::Note("Description"),
    },
    // deals
    Synonym {
        modules: &[DL],
        meaning: "the deal's name",
        phrases: &["name", "deal name", "title", "subject", "deal title"],
        spec: Spec::Field("Leads.description"),
    },
    Synonym {
        modules: &[DL],
        meaning: "the contact's RSoft ID",
        phrases: &[
            "contact id",
            "person id",
            "contact person id",
            "contact number",
        ],
        spec: Spec::Lookup(Entity::Contacts, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[DL, TK],
        meaning: "the contact's name",
        phrases: &[
            "contact name",
            "contact",
            "contact person",
            "person",
            "requester",
            "raised by",
        ],
        spec: Spec::Lookup(Entity::Contacts, LookupKey::Name),
    },
    Synonym {
        modules: &[DL],
        meaning: "pipeline",
        phrases: &[
            "pipeline",
            "pipeline name",
            "sales pipeline",
            "funnel",
            "process",
            "sales process",
        ],
        spec: Spec::Field("Leads.stageset"),
    },
    Synonym {
        modules: &[DL],
        meaning: "stage",
        phrases: &[
            "stage",
            "deal stage",
            "pipeline stage",
            "sales stage",
            "stage name",
            "milestone",
        ],
        spec: Spec::Field("Leads.milestone"),
    },
    Synonym {
        modules: &[DL],
        meaning: "amount",
        phrases: &[
            "amount",
            "value",
            "deal value",
            "deal amount",
            "deal size",
            "expected revenue",
            "revenue",
            "price",
            "total",
            "worth",
            "amount inr",
            "total amount",
            "deal worth",
        ],
        spec: Spec::Field("Leads.value"),
    },
    Synonym {
        modules: &[DL],
        meaning: "currency",
        phrases: &["currency", "currency code", "deal currency"],
        spec: Spec::Field("Leads.value.currency"),
    },
    Synonym {
        modules: &[DL],
        meaning: "probability",
        phrases: &[
            "probability",
            "probability percent",
            "win probability",
            "confidence",
            "chance",
            "likelihood",
            "winning chance",
            "percent",
        ],
        spec: Spec::Field("Leads.confidence"),
    },
    Synonym {
        modules: &[DL],
        meaning: "expected close date",
        phrases: &[
            "expected close date",
            "close date",
            "expected closing date",
            "closing date",
            "expected close",
            "target date",
            "target close date",
            "due date",
            "expected date",
            "expected closure date",
        ],
        spec: Spec::Field("Leads.dueTime"),
    },
    // activities
    Synonym {
        modules: &[ACT],
        meaning: "activity type",
        phrases: &[
            "type",
            "activity type",
            "kind",
            "category",
            "mode",
            "task type",
        ],
        spec: Spec::Field("Activities.activityType"),
    },
    Synonym {
        modules: &[ACT],
        meaning: "subject",
        phrases: &[
            "subject",
            "title",
            "name",
            "activity name",
            "summary",
            "topic",
        ],
        spec: Spec::Field("Activities.name"),
    },
    Synonym {
        modules: &[ACT],
        meaning: "description",
        phrases: &[
            "description",
            "details",
            "notes",
            "remarks",
            "comments",
            "body",
            "outcome",
            "call notes",
            "agenda",
        ],
        spec: Spec::Field("Activities.description"),
    },
    Synonym {
        modules: &[ACT],
        meaning: "the related record's module",
        phrases: &[
            "related to",
            "related module",
            "related type",
            "regarding",
            "linked to",
            "related entity",
            "module",
            "entity type",
            "parent type",
            "related record type",
            "relates to",
        ],
        spec: Spec::Related(RelatedPart::Module),
    },
    Synonym {
        modules: &[ACT],
        meaning: "the related record's RSoft ID",
        phrases: &[
            "related id",
            "related record id",
            "regarding id",
            "linked id",
            "parent id",
            "entity id",
            "related to id",
            "relates to id",
        ],
        spec: Spec::Related(RelatedPart::Id),
    },
    // A column naming a related record by its RSoft ID is a lookup, never a note (issue 12).
    Synonym {
        modules: &[ACT],
        meaning: "the RSoft ID of the person the activity was with",
        phrases: &[
            "contact id",
            "person id",
            "contact person id",
            "participant id",
            "attendee id",
        ],
        spec: Spec::Lookup(Entity::Contacts, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[ACT],
        meaning: "the RSoft ID of the deal or lead the activity is about",
        phrases: &["deal id", "lead id", "opportunity id", "enquiry id"],
        spec: Spec::Lookup(Entity::Leads, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[ACT],
        meaning: "start time",
        phrases: &[
            "start time",
            "start",
            "start date",
            "start date time",
            "starts at",
            "scheduled at",
            "scheduled time",
            "activity date",
            "begin",
            "from",
            "date",
            "start datetime",
            "from time",
        ],
        spec: Spec::Field("Activities.startTime"),
    },
    Synonym {
        modules: &[ACT],
        meaning: "end time",
        phrases: &[
            "end time",
            "end",
            "end date",
            "end date time",
            "ends at",
            "finish time",
            "to",
            "end datetime",
            "to time",
        ],
        spec: Spec::Field("Activities.endTime"),
    },
    Synonym {
        modules: &[ACT],
        meaning: "status",
        phrases: &["status", "activity status", "state"],
        spec: Spec::Field("Activities.status"),
    },
    // tickets
    Synonym {
        modules: &[TK],
        meaning: "subject",
        phrases: &[
            "subject",
            "title",
            "summary",
            "issue",
            "ticket subject",
            "ticket title",
            "problem",
            "issue title",
        ],
        spec: Spec::Field("Tasks.title"),
    },
    Synonym {
        modules: &[TK],
        meaning: "description",
        phrases: &[
            "description",
            "details",
            "issue description",
            "problem description",
            "body",
            "message",
            "query",
            "complaint",
            "issue details",
        ],
        spec: Spec::Field("Tasks.description"),
    },
    Synonym {
        modules: &[TK],
        meaning: "status",
        phrases: &["status", "ticket status", "state", "current status"],
        spec: Spec::Field("Tasks.status"),
    },
    Synonym {
        modules: &[TK],
        meaning: "priority",
        phrases: &[
            "priority",
            "severity",
            "urgency",
            "ticket priority",
            "priority level",
        ],
        spec: Spec::Field("Tasks.priority"),
    },
    Synonym {
        modules: &[TK, MSG],
        meaning: "channel",
        phrases: &[
            "channel",
            "source",
            "medium",
            "mode",
            "origin",
            "via",
            "ticket source",
        ],
        spec: Spec::Note("Channel"),
    },
    Synonym {
        modules: &[TK],
        meaning: "the contact's RSoft ID",
        phrases: &["contact id", "requester id", "raised by id", "person id"],
        spec: Spec::Lookup(Entity::Contacts, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[TK],
        meaning: "closing date",
        phrases: &[
            "closed on",
            "closed date",
            "resolved on",
            "resolution date",
            "closed at",
            "resolved at",
            "closed",
            "close date",
            "resolved date",
        ],
        spec: Spec::Note("Closed On"),
    },
    Synonym {
        modules: &[TK],
        meaning: "due date",
        phrases: &["due date", "due on", "due by", "sla due", "due"],
        spec: Spec::Field("Tasks.dueTime"),
    },
    // ticket messages
    Synonym {
        modules: &[MSG],
        meaning: "the ticket's RSoft ID",
        phrases: &[
            "ticket id",
            "ticket number",
            "ticket",
            "ticket reference",
            "case id",
        ],
        spec: Spec::Lookup(Entity::Tasks, LookupKey::RsoftId),
    },
    Synonym {
        modules: &[MSG],
        meaning: "sender",
        phrases: &[
            "from",
            "sender",
            "from email",
            "sent by",
            "author",
            "from address",
            "posted by",
            "sender email",
        ],
        spec: Spec::Note("From"),
    },
    Synonym {
        modules: &[MSG],
        meaning: "sending time",
        phrases: &[
            "sent on",
            "sent at",
            "sent date",
            "sent",
            "date",
            "timestamp",
            "time",
            "sent time",
            "message date",
        ],
        spec: Spec::Note("Sent On"),
    },
    Synonym {
        modules: &[MSG],
        meaning: "message body",
        phrases: &[
            "body",
            "message",
            "content",
            "text",
            "message body",
            "description",
            "reply",
            "message text",
        ],
        spec: Spec::Field("Notes.body"),
    },
    // every module
    Synonym {
        modules: &[],
        meaning: "the record's RSoft ID",
        phrases: &[
            "id",
            "rsoft id",
            "record id",
            "number",
            "reference number",
            "reference id",
            "serial number",
            "sr number",
            "unique id",
            "code",
        ],
        spec: Spec::LegacyId,
    },
    Synonym {
        modules: &[],
        meaning: "owner",
        phrases: &[
            "owner",
            "assigned to",
            "assignee",
            "assigned user",
            "owner email",
            "owner name",
            "sales rep",
            "salesperson",
            "sales person",
            "sales executive",
            "executive",
            "account manager",
            "relationship manager",
            "handled by",
            "responsible",
            "user",
            "agent",
            "assigned agent",
            "support agent",
            "allocated to",
            "record owner",
        ],
        spec: Spec::Lookup(Entity::Users, LookupKey::Owner),
    },
    Synonym {
        modules: &[],
        meaning: "tags",
        phrases: &["tags", "tag", "labels", "label", "keywords"],
        spec: Spec::Tags,
    },
    Synonym {
        modules: &[],
        meaning: "creation time",
        phrases: &[
            "created on",
            "created date",
            "created",
            "creation date",
            "created at",
            "date created",
            "created time",
            "created date time",
            "added on",
            "date added",
            "entry date",
            "created datetime",
        ],
        spec: Spec::Custom("RSoft Created On", ValueKind::DateTime),
    },
    Synonym {
        modules: &[],
        meaning: "last modification time",
        phrases: &[
            "modified on",
            "modified date",
            "modified",
            "last modified",
            "modified at",
            "last modified on",
            "date modified",
            "modified time",
            "last modified date",
            "last modified at",
        ],
        spec: Spec::Ignore(
            "Nutshell sets its own modified time; delta runs read this column from the export",
        ),
    },
];

/// The rows that apply to `module`, its own rows first.
pub fn rows_for(module: Module) -> impl Iterator<Item = &'static Synonym> {
    let own = SYNONYMS.iter().filter(move |s| s.modules.contains(&module));
    let shared = SYNONYMS.iter().filter(|s| s.modules.is_empty());
    own.chain(shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::catalogue::standard_field;

    #[test]
    fn normalisation() {
        let cases = [
            ("Mobile No.", "mobile number"),
            ("E-mail ID", "email id"),
            ("Cust. Name", "customer name"),
            ("Exp. Close Dt", "expected close date"),
            ("Org", "company"),
            ("Organisation", "company"),
            ("  LEAD_OWNER ", "lead owner"),
            ("Contact #", "contact number"),
            ("Probability (%)", "probability percent"),
            ("DOB", "date of birth"),
            ("Amt", "amount"),
            ("Last Updated", "last modified"),
            ("Tel.-Nr.", "phone number"),
            ("Tél.", "phone"),
            ("Nº Ticket", "number ticket"),
            ("PLZ", "pincode"),
            ("E-Mail-Adr.", "email address"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_header(raw), want, "{raw}");
        }
    }

    #[test]
    fn table_is_consistent() {
        for row in SYNONYMS {
            if let Spec::Field(path) = row.spec {
                let field =
                    standard_field(path).unwrap_or_else(|| panic!("{path} not in catalogue"));
                for m in row.modules {
                    let own = m.entity() == Some(field.entity)
                        || (*m == Module::Leads && field.entity == Entity::Contacts);
                    assert!(own, "{path} offered to {m:?}");
                }
            }
        }
        // No phrase means two things in one module.
        for m in Module::ALL {
            let mut seen = std::collections::HashMap::new();
            for row in rows_for(m) {
                for p in row.phrases {
                    let Some(other) = seen.insert(normalize_header(p), row.meaning) else {
                        continue;
                    };
                    // Spelling variants in one row may normalise alike, and a module's own row
                    // may shadow an every-module row; anything else is a real clash.
                    let harmless = other == row.meaning || row.modules.is_empty();
                    assert!(harmless, "{m:?}: {p:?} means {other} and {}", row.meaning);
                }
            }
        }
    }
}
