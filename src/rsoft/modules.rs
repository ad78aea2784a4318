//! RSoft modules, their standard headers (with the spellings seen across plans and versions), and
//! classification of an export file by its name and its header signature.

use serde::{Deserialize, Serialize};

/// One RSoft module: what a CSV file in the export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    Companies,
    Contacts,
    Leads,
    Deals,
    Activities,
    Tickets,
    TicketMessages,
    Users,
    Pipelines,
    CustomFields,
    Workflows,
}

/// A standard column: its canonical header and the other spellings that mean the same.
#[derive(Debug, Clone, Copy)]
pub struct StandardColumn {
    pub canonical: &'static str,
    pub synonyms: &'static [&'static str],
}

const fn col(canonical: &'static str, synonyms: &'static [&'static str]) -> StandardColumn {
    StandardColumn {
        canonical,
        synonyms,
    }
}

const CREATED: StandardColumn = col(
    "Created On",
    &["Created Date", "Created At", "Created Time"],
);
const MODIFIED: StandardColumn = col(
    "Modified On",
    &["Modified Date", "Updated On", "Last Modified", "Updated At"],
);
const TAGS: StandardColumn = col("Tags", &["Tag", "Labels"]);

const COMPANIES: &[StandardColumn] = &[
    col(
        "Company ID",
        &["Organisation ID", "Organization ID", "Account ID"],
    ),
    col(
        "Company Name",
        &[
            "Organisation",
            "Organization",
            "Company",
            "Account Name",
            "Organisation Name",
        ],
    ),
    col("Industry", &[]),
    col("Website", &["Web Site", "URL"]),
    col("Phone", &["Phone No.", "Telephone", "Landline"]),
    col("Email", &["Email ID", "E-mail"]),
    col("Address", &["Street", "Address Line 1"]),
    col("City", &[]),
    col("State", &[]),
    col("Country", &[]),
    col("Pincode", &["PIN Code", "Zip", "Zip Code", "Postal Code"]),
    col("Owner", &["Assigned To", "Company Owner", "Account Owner"]),
    TAGS,
    CREATED,
    MODIFIED,
];

const CONTACTS: &[StandardColumn] = &[
    col("Contact ID", &[]),
    col("First Name", &[]),
    col("Last Name", &["Surname"]),
    col("Email", &["Email ID", "E-mail"]),
    col("Mobile", &["Mobile No.", "Mobile Number", "Mobile No"]),
    col("Phone", &["Phone No.", "Telephone"]),
    col("Designation", &["Title", "Job Title"]),
    col("Company ID", &["Organisation ID", "Organization ID"]),
    col("Company Name", &["Organisation", "Organization", "Company"]),
    col("Lifecycle Stage", &["Lifecycle"]),
    col("Owner", &["Contact Owner", "Assigned To"]),
    TAGS,
    col("City", &[]),
    col("State", &[]),
    col("Country", &[]),
    CREATED,
    MODIFIED,
];

const LEADS: &[StandardColumn] = &[
    col("Lead ID", &[]),
    col("Lead Name", &["Name", "Full Name", "Contact Name"]),
    col("Email", &["Email ID", "E-mail"]),
    col(
        "Mobile",
        &["Mobile No.", "Phone", "Mobile Number", "Phone No."],
    ),
    col("Company Name", &["Company", "Organisation", "Organization"]),
    col("Source", &["Lead Source"]),
    col("Status", &["Lead Status"]),
    col("Lead Score", &["Score"]),
    col("Lead Owner", &["Owner", "Assigned To"]),
    TAGS,
    col("Converted On", &["Converted Date"]),
    col("Converted Contact ID", &[]),
    col("Converted Deal ID", &[]),
    CREATED,
    MODIFIED,
];

const DEALS: &[StandardColumn] = &[
    col("Deal ID", &["Opportunity ID"]),
    col("Deal Name", &["Opportunity Name", "Deal Title", "Name"]),
    col("Company ID", &["Organisation ID", "Organization ID"]),
    col("Contact ID", &[]),
    col("Pipeline", &["Pipeline Name"]),
    col("Stage", &["Deal Stage", "Stage Name"]),
    col("Amount", &["Deal Value", "Value", "Deal Amount"]),
    col("Currency", &[]),
    col("Probability", &["Probability (%)", "Win Probability"]),
    col(
        "Expected Close Date",
        &["Closing Date", "Close Date", "Expected Closing Date"],
    ),
    col("Status", &["Deal Status"]),
    col("Deal Owner", &["Owner", "Assigned To"]),
    TAGS,
    CREATED,
    MODIFIED,
];

const ACTIVITIES: &[StandardColumn] = &[
    col("Activity ID", &[]),
    col("Activity Type", &["Type"]),
    col("Subject", &["Title"]),
    col("Description", &["Notes", "Note", "Details"]),
    col("Related To", &["Related Module"]),
    col("Related ID", &["Related Record ID"]),
    col("Start Time", &["Start Date", "Due Date", "Activity Date"]),
    col("End Time", &["End Date"]),
    col("Status", &[]),
    col("Owner", &["Assigned To", "Activity Owner"]),
    CREATED,
];

const TICKETS: &[StandardColumn] = &[
    col("Ticket ID", &["Ticket No.", "Ticket Number"]),
    col("Subject", &["Title"]),
    col("Description", &[]),
    col("Status", &["Ticket Status"]),
    col("Priority", &[]),
    col("Channel", &["Source"]),
    col("Contact ID", &[]),
    col("Company ID", &[]),
    col("Assigned To", &["Owner", "Agent", "Ticket Owner"]),
    CREATED,
    MODIFIED,
    col("Closed On", &["Closed Date", "Resolved On"]),
];

const TICKET_MESSAGES: &[StandardColumn] = &[
    col("Message ID", &[]),
    col("Ticket ID", &["Ticket No."]),
    col("From", &["Sender"]),
    col("Sent On", &["Sent At", "Date"]),
    col("Body", &["Message"]),
    col("Channel", &[]),
];

const USERS: &[StandardColumn] = &[
    col("User ID", &[]),
    col("Name", &["User Name", "Full Name"]),
    col("Email", &["Email ID", "E-mail"]),
    col("Role", &["Profile"]),
    col("Status", &["Active"]),
];

const PIPELINES: &[StandardColumn] = &[
    col("Pipeline", &["Pipeline Name"]),
    col("Stage", &["Stage Name"]),
    col("Stage Order", &["Order", "Sequence"]),
    col("Probability", &["Probability (%)"]),
];

const CUSTOM_FIELDS: &[StandardColumn] = &[
    col("Module", &[]),
    col("Field Name", &["Field Label", "Label"]),
    col("Field Type", &["Type", "Data Type"]),
    col("Options", &["Values", "Picklist Values"]),
    col("Required", &["Mandatory"]),
];

const WORKFLOWS: &[StandardColumn] = &[
    col("Workflow ID", &[]),
    col("Workflow Name", &["Name", "Rule Name"]),
    col("Module", &[]),
    col("Trigger", &["When"]),
    col("Conditions", &["Condition", "Criteria"]),
    col("Actions", &["Action"]),
    col("Status", &["Active"]),
];

impl Module {
    pub const ALL: [Module; 11] = [
        Module::Companies,
        Module::Contacts,
        Module::Leads,
        Module::Deals,
        Module::Activities,
        Module::Tickets,
        Module::TicketMessages,
        Module::Users,
        Module::Pipelines,
        Module::CustomFields,
        Module::Workflows,
    ];

    /// The serde name (`ticket_messages`).
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Companies => "companies",
            Module::Contacts => "contacts",
            Module::Leads => "leads",
            Module::Deals => "deals",
            Module::Activities => "activities",
            Module::Tickets => "tickets",
            Module::TicketMessages => "ticket_messages",
            Module::Users => "users",
            Module::Pipelines => "pipelines",
            Module::CustomFields => "custom_fields",
            Module::Workflows => "workflows",
        }
    }

    /// Parses a module name as written in RSoft files (`Deals`, `deal`, `Ticket Messages`).
    pub fn from_name(name: &str) -> Option<Module> {
        let n = squash(name);
        Module::ALL.into_iter().find(|m| {
            name_keywords(*m)
                .iter()
                .any(|k| n == *k || n.strip_suffix('s') == Some(k))
        })
    }

    /// The module's standard columns; anything else in a data module is a custom field.
    pub fn standard_columns(self) -> &'static [StandardColumn] {
        match self {
            Module::Companies => COMPANIES,
            Module::Contacts => CONTACTS,
            Module::Leads => LEADS,
            Module::Deals => DEALS,
            Module::Activities => ACTIVITIES,
            Module::Tickets => TICKETS,
            Module::TicketMessages => TICKET_MESSAGES,
            Module::Users => USERS,
            Module::Pipelines => PIPELINES,
            Module::CustomFields => CUSTOM_FIELDS,
            Module::Workflows => WORKFLOWS,
        }
    }

    /// The canonical header a file header stands for in this module, if it is a standard one.
    pub fn canonical_header(self, header: &str) -> Option<&'static str> {
        let h = squash(header);
        self.standard_columns()
            .iter()
            .find(|c| squash(c.canonical) == h || c.synonyms.iter().any(|s| squash(s) == h))
            .map(|c| c.canonical)
    }

    /// The canonical header of the column holding a row's RSoft ID (`Deal ID`), for modules whose
    /// rows are records with an ID; `None` for setup files (pipelines, custom fields).
    pub fn id_column(self) -> Option<&'static str> {
        match self {
            Module::Companies => Some("Company ID"),
            Module::Contacts => Some("Contact ID"),
            Module::Leads => Some("Lead ID"),
            Module::Deals => Some("Deal ID"),
            Module::Activities => Some("Activity ID"),
            Module::Tickets => Some("Ticket ID"),
            Module::TicketMessages => Some("Message ID"),
            Module::Users => Some("User ID"),
            Module::Workflows => Some("Workflow ID"),
            Module::Pipelines | Module::CustomFields => None,
        }
    }

    /// Data modules carry records (and custom fields); the others describe the account's setup.
    pub fn holds_records(self) -> bool {
        !matches!(
            self,
            Module::Pipelines | Module::CustomFields | Module::Workflows | Module::Users
        )
    }
}

impl std::fmt::Display for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Words in a file name that point at a module (already squashed: lowercase, letters only).
fn name_keywords(m: Module) -> &'static [&'static str] {
    match m {
        Module::Companies => &[
            "companies",
            "company",
            "organisations",
            "organisation",
            "organizations",
            "organization",
            "accounts",
            "account",
        ],
        Module::Contacts => &["contacts", "contact"],
        Module::Leads => &["leads", "lead"],
        Module::Deals => &["deals", "deal", "opportunities", "opportunity"],
        Module::Activities => &["activities", "activity", "calls", "tasks", "meetings"],
        Module::Tickets => &["tickets", "ticket"],
        Module::TicketMessages => &[
            "ticketmessages",
            "ticketmessage",
            "messages",
            "ticketthreads",
            "ticketreplies",
        ],
        Module::Users => &["users", "user", "team", "staff"],
        Module::Pipelines => &["pipelines", "pipeline", "stages", "pipelinestages"],
        Module::CustomFields => &["customfields", "customfield", "fields", "fielddefinitions"],
        Module::Workflows => &[
            "workflows",
            "workflow",
            "automations",
            "automation",
            "rules",
        ],
    }
}

/// Lowercase letters and digits only: `Mobile No.` → `mobileno`.
pub(crate) fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How a file was classified, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// `None`: the file matches no module well enough; it is reported as unknown.
    pub module: Option<Module>,
    /// 0–1.
    pub confidence: f64,
    /// Human-readable reasons, e.g. `name "RSoft-Deals (1).csv" says deals`.
    pub evidence: Vec<String>,
}

/// Below this a file is reported as unknown rather than guessed.
const MIN_CONFIDENCE: f64 = 0.4;

/// Classifies a file by its name and its headers.
///
/// The header score of a module balances recall (the share of its standard columns present, its
/// own ID column counting double) and precision (the share of the file's headers it knows), as
/// their harmonic mean; the file name naming the module adds 0.35. Header evidence wins
/// over the name: a file called `export.csv` with a deal header is a deals file.
pub fn classify(file_name: &str, headers: &[String]) -> Classification {
    let name_module = module_from_file_name(file_name);
    let mut best: Option<(Module, f64, usize, usize)> = None;
    for m in Module::ALL {
        let (found, total, known) = header_match(m, headers);
        let recall = found as f64 / total.max(1) as f64;
        let precision = known as f64 / headers.len().max(1) as f64;
        let mut score = if found == 0 {
            0.0
        } else {
            2.0 * recall * precision / (recall + precision)
        };
        if name_module == Some(m) {
            score += 0.35;
        }
        if best.is_none_or(|(_, s, _, _)| score > s) {
            best = Some((m, score, found, total));
        }
    }
    let mut evidence = Vec::new();
    if let Some(m) = name_module {
        evidence.push(format!("file name {file_name:?} says {m}"));
    } else {
        evidence.push(format!("file name {file_name:?} names no module"));
    }
    let Some((module, score, found, total)) = best else {
        return Classification {
            module: None,
            confidence: 0.0,
            evidence,
        };
    };
    if found == 0 {
        evidence.push("headers match no module's standard columns".to_string());
    } else {
        evidence.push(format!(
            "headers match {module}: {found} of {total} (weighted) standard columns present"
        ));
    }
    let confidence = (score / 1.35).min(1.0);
    let confidence = (confidence * 100.0).round() / 100.0;
    if confidence < MIN_CONFIDENCE || found == 0 {
        evidence.push("not enough evidence for any module".to_string());
        return Classification {
            module: None,
            confidence,
            evidence,
        };
    }
    if let Some(n) = name_module.filter(|n| *n != module) {
        evidence.push(format!("headers outweigh the name ({n})"));
    }
    Classification {
        module: Some(module),
        confidence,
        evidence,
    }
}

/// (weighted matches, weighted total) of a module's standard columns in a header, and how many
/// of the header's columns are standard for the module.
fn header_match(m: Module, headers: &[String]) -> (usize, usize, usize) {
    let canonical: Vec<&str> = headers
        .iter()
        .filter_map(|h| m.canonical_header(h))
        .collect();
    let mut found = 0;
    let mut total = 0;
    for (i, c) in m.standard_columns().iter().enumerate() {
        // The first column is the module's own key (`Deal ID`): strong evidence.
        let weight = if i == 0 { 2 } else { 1 };
        total += weight;
        if canonical.contains(&c.canonical) {
            found += weight;
        }
    }
    (found, total, canonical.len())
}

/// The module a file name points at: `leads_export_2026-11-20.csv`, `RSoft-Deals (1).csv`.
pub fn module_from_file_name(file_name: &str) -> Option<Module> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let words: Vec<String> = stem
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(squash)
        .collect();
    // Two-word names first, so `ticket_messages` is not read as `tickets`.
    for pair in words.windows(2) {
        let joined = format!("{}{}", pair[0], pair[1]);
        if let Some(m) = keyword_module(&joined) {
            return Some(m);
        }
    }
    words.iter().find_map(|w| keyword_module(w))
}

fn keyword_module(word: &str) -> Option<Module> {
    Module::ALL
        .into_iter()
        .find(|m| name_keywords(*m).contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn from_name_accepts_singular_and_spaced() {
        assert_eq!(Module::from_name("Deal"), Some(Module::Deals));
        assert_eq!(
            Module::from_name("Ticket Messages"),
            Some(Module::TicketMessages)
        );
        assert_eq!(Module::from_name("nothing"), None);
    }

    #[test]
    fn two_word_name_beats_one_word() {
        assert_eq!(
            module_from_file_name("ticket_messages.csv"),
            Some(Module::TicketMessages)
        );
        assert_eq!(
            module_from_file_name("custom-fields.csv"),
            Some(Module::CustomFields)
        );
    }

    #[test]
    fn only_the_base_name_counts_even_without_an_extension() {
        assert_eq!(
            module_from_file_name("mystery/deals.csv"),
            Some(Module::Deals)
        );
        assert_eq!(module_from_file_name("deals/mystery"), None);
        assert_eq!(module_from_file_name("deals\\mystery"), None);
    }

    #[test]
    fn header_beats_name() {
        let c = classify(
            "export.csv",
            &h(&[
                "Deal ID",
                "Deal Name",
                "Pipeline",
                "Stage",
                "Amount",
                "Deal Owner",
            ]),
        );
        assert_eq!(c.module, Some(Module::Deals));
    }
}
