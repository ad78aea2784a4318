//! RSoft Ticket Message → a Note on the record its ticket is about ([`super::Lookups::note_anchor`]
//! of the ticket; Nutshell notes attach to accounts, contacts and leads). The first line carries
//! the message's RSoft ID, its ticket, its original time with zone and its sender, since Nutshell
//! dates a note itself; then the body; then the other note-line columns (channel…). A message
//! whose ticket is missing or held is held.

use super::columns::{Context, Read, Stop};
use super::parts::{note_on, paragraphs};
use super::text::note_header;
use super::{Plan, Role};
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// The RSoft columns that make a message's first line, not a line of its own.
const HEADER_COLUMNS: [&str; 2] = ["Sent On", "From"];

/// The plan for one row of this module, or why not (the rules are in this file's header).
pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let Some(ticket) = read.lookups_of(EntityType::Tasks).into_iter().next() else {
        read.row_problem(
            "the message names no ticket: map its ticket column to a Tasks lookup by RSoft ID",
        );
        return read.finish(Plan {
            creates: Vec::new(),
            follow_ups: Vec::new(),
            caveats: Vec::new(),
            anchor: None,
        });
    };
    let ticket_id = ticket.cell.text();
    let found = ctx.lookups.note_anchor(Module::Tickets, ticket_id);
    let anchor = read.take(&ticket.cell, &format!("ticket {ticket_id}"), found);
    let header_cell = |canonical: &str| {
        read.notes
            .iter()
            .find(|n| n.canonical.as_deref() == Some(canonical) && !n.cell.text().is_empty())
            .map(|n| &n.cell)
    };
    let when = header_cell("Sent On").map(|c| ctx.when_for_people(c));
    let author = header_cell("From").map(|c| c.text().to_string());
    let header = note_header(
        &format!("message {rsoft_id} on ticket {ticket_id}"),
        when.as_deref(),
        author.as_deref(),
    );
    if read.text("Notes.body").is_none() {
        read.caveats
            .push("the message has no body: the note carries only its first line".into());
    }
    let text = paragraphs(
        [header]
            .into_iter()
            .chain(read.text("Notes.body").map(str::to_string))
            .chain([ctx.note_lines(&read, &HEADER_COLUMNS).join("\n")]),
    )
    .unwrap_or_default();
    let creates = anchor
        .map(|a| note_on(a, Role::Record, text))
        .into_iter()
        .collect();
    read.finish(Plan {
        creates,
        follow_ups: Vec::new(),
        caveats: Vec::new(),
        anchor: None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::model::Target;
    use crate::mapping::record::{RecordRef, Resolution};
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    /// The map of a messages file whose sender and sending time are under `from` and `sent_on`.
    fn message_map_of(from: &str, sent_on: &str) -> crate::mapping::model::FieldMap {
        map(
            Module::TicketMessages,
            &[
                ("Message ID", Target::LegacyId),
                ("Ticket ID", lookup(EntityType::Tasks, ById)),
                (from, note("From")),
                (sent_on, note("Sent On")),
                ("Body", field("Notes.body")),
                ("Channel", note("Channel")),
            ],
            &[],
        )
    }

    fn message_map() -> crate::mapping::model::FieldMap {
        message_map_of("From", "Sent On")
    }

    /// Lookups where ticket TKT-1 is about contact 6.
    fn ticket_on_contact() -> crate::mapping::record::MemoryLookups {
        let mut l = lookups();
        l.anchors.insert(
            (Module::Tickets, "TKT-1".into()),
            Resolution::Found(RecordRef {
                entity_type: EntityType::Contacts,
                id: 6,
            }),
        );
        l
    }

    #[test]
    fn a_message_is_a_note_on_its_tickets_record() {
        let mut l = ticket_on_contact();
        let r = row(&[
            ("Message ID", "MSG-1"),
            ("Ticket ID", "TKT-1"),
            ("From", "manoj@orion.in"),
            ("Sent On", "27/12/2025 01:45 PM"),
            ("Body", "Hi,\nsee Lead-1001"),
            ("Channel", "email"),
        ]);
        let p = plan(build(Module::TicketMessages, &message_map(), &r, &l));
        assert_eq!(
            p.creates[0].params,
            json!({
                "entity": {"entityType": "Contacts", "id": 6},
                "note": "[RSoft message MSG-1 on ticket TKT-1 · 2025-12-27 13:45 Asia/Kolkata (+05:30) = 2025-12-27T08:15:00Z · by manoj@orion.in]\n\nHi,\nsee Lead #1001\n\nChannel: email"
            })
        );
        l.anchors.insert(
            (Module::Tickets, "TKT-1".into()),
            Resolution::Held("its contact is held".into()),
        );
        let reasons = held(build(Module::TicketMessages, &message_map(), &r, &l));
        assert_eq!(
            reasons[0].reason,
            "ticket TKT-1 is not loaded: its contact is held"
        );
    }

    /// An operator's extension spells `Sent On` and `From` its own way: the builder still puts
    /// them in the note's first line, as it does the standard spellings.
    #[test]
    fn extension_spellings_of_sent_on_and_from_make_the_first_line() {
        let extension = "[[concept]]\nid = \"ticket_messages.sending_time\"\nspellings = [\"dispatched at\"]\n\n[[concept]]\nid = \"ticket_messages.sender\"\nspellings = [\"correspondent\"]\n";
        let vocabulary = crate::vocabulary::Vocabulary::builtin()
            .extended(extension, std::path::Path::new("extra-vocabulary.toml"))
            .unwrap();
        let settings = crate::mapping::record::BuildSettings {
            vocabulary: std::sync::Arc::new(vocabulary),
            ..settings()
        };
        let map = message_map_of("Correspondent", "Dispatched At");
        let r = row(&[
            ("Message ID", "MSG-1"),
            ("Ticket ID", "TKT-1"),
            ("Correspondent", "manoj@orion.in"),
            ("Dispatched At", "27/12/2025 01:45 PM"),
            ("Body", "Hi"),
        ]);
        let built = crate::mapping::record::build_record(
            Module::TicketMessages,
            &r,
            &map,
            &settings,
            &ticket_on_contact(),
        );
        assert_eq!(
            plan(built).creates[0].params["note"],
            "[RSoft message MSG-1 on ticket TKT-1 · 2025-12-27 13:45 Asia/Kolkata (+05:30) = 2025-12-27T08:15:00Z · by manoj@orion.in]\n\nHi"
        );
    }
}
