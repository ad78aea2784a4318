//! RSoft modules, the words in a file name that point at one, and what a file's classification
//! says. Which headers a module's files carry, and so how a file is classified by its header, is
//! data: `assets/vocabulary.toml`, read by [`crate::vocabulary::Vocabulary`].

use serde::{Deserialize, Serialize};

/// One RSoft module: what a CSV file in the export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    /// Organisations (land as Nutshell Accounts; landing table in docs/design.md).
    Companies,
    /// People (lands as Contacts).
    Contacts,
    /// Prospects (land as a Contact plus a Lead in the prospect pipeline).
    Leads,
    /// Opportunities with a pipeline, stage and amount (land as Leads on the mapped Stageset).
    Deals,
    /// Calls, meetings, emails and notes logged against records (land as Activities / Notes).
    Activities,
    /// Support tickets (land as Tasks).
    Tickets,
    /// The message thread of each ticket, one row per message (land as Notes on the Task).
    TicketMessages,
    /// The RSoft users: matched to existing Nutshell Users by email, never created.
    Users,
    /// Pipelines and their stages (Stagesets / milestones, read-only through the API).
    Pipelines,
    /// The custom field definitions (name, module, type).
    CustomFields,
    /// Automation rules: inventoried for the report, not migrated (no API for them).
    Workflows,
}

impl Module {
    /// Every module, in landing order (the order the report lists them).
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
        // Discovery calls this on every activity row (`Related To`): a short ASCII name is
        // squashed on the stack, with no allocation per row.
        let mut buf = [0u8; 32];
        let squashed;
        let n = match squash_ascii(name, &mut buf) {
            Some(n) => n,
            None => {
                squashed = squash(name);
                squashed.as_str()
            }
        };
        Module::ALL.into_iter().find(|m| {
            name_keywords(*m)
                .iter()
                .any(|k| n == *k || n.strip_suffix('s') == Some(k))
        })
    }

    /// The word people use for one record of the module (`company`, `ticket message`), for
    /// note headers, descriptions and findings.
    pub fn record_word(self) -> &'static str {
        match self {
            Module::Companies => "company",
            Module::Contacts => "contact",
            Module::Leads => "lead",
            Module::Deals => "deal",
            Module::Activities => "activity",
            Module::Tickets => "ticket",
            Module::TicketMessages => "ticket message",
            Module::Users => "user",
            Module::Pipelines => "pipeline",
            Module::CustomFields => "custom field",
            Module::Workflows => "workflow",
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

/// [`squash`] of an ASCII name into `buf`; `None` when the name is not ASCII or squashes to
/// more than `buf` holds.
fn squash_ascii<'b>(s: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    if !s.is_ascii() {
        return None;
    }
    let mut len = 0;
    for b in s.bytes().filter(u8::is_ascii_alphanumeric) {
        *buf.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    std::str::from_utf8(&buf[..len]).ok()
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
    fn stack_squash_is_squash_and_declines_what_it_cannot_hold() {
        let mut buf = [0u8; 32];
        for name in ["Ticket Messages", " DEAL-s ", "Mobile No.", ""] {
            assert_eq!(squash_ascii(name, &mut buf), Some(squash(name).as_str()));
        }
        assert_eq!(squash_ascii("Sociétés", &mut buf), None);
        assert_eq!(squash_ascii(&"a".repeat(33), &mut buf), None);
        // Only letters and digits take room: a long run of spaces still fits.
        assert_eq!(
            Module::from_name(&format!("{}Deal", " ".repeat(40))),
            Some(Module::Deals)
        );
        // What the stack cannot hold goes through the allocating path, to the same answer.
        assert_eq!(Module::from_name(&"Deals".repeat(8)), None);
        assert_eq!(Module::from_name("Sociétés"), None);
        assert_eq!(Module::from_name("DÉAL"), None);
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
        let c = crate::vocabulary::Vocabulary::builtin().classify(
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
