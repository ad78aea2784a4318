//! RSoft Ticket → a Nutshell Task (title, description, assignee, the contact or account it is
//! about), or a logged Activity, as the ticket-status map says (docs/design.md §2, docs/nutshell-api.md:
//! no input creates a completed task):
//!
//! - `open`: a task.
//! - `completed`: a task whose title starts `[Closed in RSoft]`, plus a note on the contact or
//!   account saying when it was closed, so it is never silently an open task.
//! - `logged`: a logged activity from its Created On to its Closed On time, of the Nutshell type
//!   the module's activity-type map gives for `"Ticket"`, with the assignee and contact as
//!   participants.
//!
//! Priority, channel and the other note-line columns go into the description (tasks and
//! activities have no custom fields), with the RSoft ID. The plan's anchor is the contact (else
//! the account) the ticket is about: its messages' notes go there.

use serde_json::{Map, Value};

use super::columns::{
    Cell, Context, Read, Stop, Val, contact_ref, nutshell_time, put_span, record_ref,
};
use super::parts::{array, choice, note_on, paragraphs, put, record_create, rsoft_id_line};
use super::text::{escape_mentions, note_header};
use super::{Plan, RecordRef, Role};
use crate::mapping::catalogue::ValueMapKind;
use crate::nutshell::EntityType;

/// Where a ticket lands, from the ticket-status map's `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landing {
    Open,
    Completed,
    Logged,
}

/// The key of the tickets module's activity-type map entry giving the type of tickets logged as
/// activities.
pub const TICKET_ACTIVITY_TYPE: &str = "Ticket";

/// The plan for one row of this module, or why not (the rules are in this file's header).
pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let (landing, status_cell) = landing(ctx, &mut read);
    let contact = ctx.contacts(&mut read).first().copied();
    let account = ctx.account(&mut read);
    let anchor = contact
        .map(|id| RecordRef {
            entity_type: EntityType::Contacts,
            id,
        })
        .or(account.map(|id| RecordRef {
            entity_type: EntityType::Accounts,
            id,
        }));
    let assignee = ctx.owner(&mut read);
    let title = match read.text("Tasks.title") {
        Some(t) => t.to_string(),
        None => {
            read.row_problem(
                "the ticket has no subject: map a column to Tasks.title or fill it in",
            );
            String::new()
        }
    };
    let priority = priority_line(ctx, &mut read);
    let status_line = status_cell
        .filter(|_| landing != Landing::Open)
        .map(|c| escape_mentions(&format!("RSoft status: {}", c.text())));
    let description = paragraphs(
        read.text("Tasks.description")
            .map(str::to_string)
            .into_iter()
            .chain(priority)
            .chain(status_line)
            .chain([ctx.note_lines(&read, &[]).join("\n")])
            .chain([rsoft_id_line(ctx.module, &rsoft_id)]),
    );
    let mut creates = Vec::new();
    if landing == Landing::Logged {
        let mut body = Map::new();
        body.insert("name".into(), Value::from(title));
        put(&mut body, "description", description.map(Value::from));
        if let Some(id) = ticket_activity_type(ctx, &mut read) {
            body.insert("activityTypeId".into(), Value::from(id));
        }
        logged_times(ctx, &mut read, &mut body);
        body.insert("status".into(), Value::from(1));
        let participants: Vec<Value> = assignee
            .into_iter()
            .chain(contact.map(contact_ref))
            .collect();
        put(&mut body, "participants", array(participants));
        creates.push(record_create(EntityType::Activities, body));
    } else {
        let mut body = Map::new();
        let title = if landing == Landing::Completed {
            format!("[Closed in RSoft] {title}")
        } else {
            title
        };
        body.insert("title".into(), Value::from(title));
        put(&mut body, "description", description.map(Value::from));
        if let Some((cell, Val::When(w))) = read.first("Tasks.dueTime").cloned() {
            match nutshell_time(w, ctx.settings) {
                Ok(t) => {
                    body.insert("dueTime".into(), Value::from(t));
                }
                Err(reason) => read.problem(&cell, reason),
            }
        }
        put(&mut body, "assignee", assignee);
        put(&mut body, "entity", anchor.map(record_ref));
        creates.push(record_create(EntityType::Tasks, body));
        if landing == Landing::Completed {
            match anchor {
                Some(a) => creates.push(note_on(a, Role::Note, closed_note(ctx, &read, &rsoft_id))),
                None => read.caveats.push(
                    "a closed ticket about no contact or company: its task says it was closed in its title, with no note"
                        .into(),
                ),
            }
        }
    }
    read.finish(Plan {
        creates,
        follow_ups: Vec::new(),
        caveats: Vec::new(),
        anchor,
    })
}

/// The landing and the status cell; without a status column a ticket is an open task.
fn landing(ctx: &Context<'_>, read: &mut Read) -> (Landing, Option<Cell>) {
    let Some(cell) = choice(read, "Tasks.status").cloned() else {
        return (Landing::Open, None);
    };
    let landing = match ctx
        .mapped(read, ValueMapKind::TicketStatus, &cell, cell.text())
        .map(|e| e.to.trim().to_string())
        .as_deref()
    {
        Some("open") | None => Landing::Open,
        Some("completed") => Landing::Completed,
        Some("logged") => Landing::Logged,
        Some(other) => {
            read.problem(
                &cell,
                format!("ticket status map gives {other:?}; use open, completed or logged"),
            );
            Landing::Open
        }
    };
    (landing, Some(cell))
}

fn priority_line(ctx: &Context<'_>, read: &mut Read) -> Option<String> {
    let cell = choice(read, "Tasks.priority").cloned()?;
    let entry = ctx.mapped(read, ValueMapKind::TicketPriority, &cell, cell.text())?;
    Some(format!("Priority: {}", entry.to.trim()))
}

fn ticket_activity_type(ctx: &Context<'_>, read: &mut Read) -> Option<i64> {
    let cell = Cell {
        header: String::new(),
        raw: TICKET_ACTIVITY_TYPE.into(),
    };
    let entry = ctx.mapped(
        read,
        ValueMapKind::ActivityType,
        &cell,
        TICKET_ACTIVITY_TYPE,
    )?;
    let found = ctx.lookups.activity_type(entry.to.trim());
    read.take(
        &cell,
        &format!("Nutshell activity type {:?}", entry.to.trim()),
        found,
    )
}

/// The note-line cell of a standard RSoft column (`Created On`, `Closed On`).
fn note_cell(read: &Read, canonical: &str) -> Option<Cell> {
    read.notes
        .iter()
        .find(|n| n.canonical.as_deref() == Some(canonical) && !n.cell.text().is_empty())
        .map(|n| n.cell.clone())
}

/// A logged ticket runs from its Created On to its Closed On (either alone: both ends).
fn logged_times(ctx: &Context<'_>, read: &mut Read, body: &mut Map<String, Value>) {
    let parse = |read: &mut Read, cell: &Cell| match crate::mapping::transform::parse_when(
        &cell.raw,
        ctx.date_order(cell),
        ctx.settings.source.zone,
    ) {
        Ok(d) => Some(d.when),
        Err(e) => {
            read.problem(cell, e.reason);
            None
        }
    };
    let created = note_cell(read, "Created On");
    let closed = note_cell(read, "Closed On");
    let (start_cell, end_cell) = match (created, closed) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) | (None, Some(a)) => (a.clone(), a),
        (None, None) => {
            read.row_problem(
                "a ticket logged as an activity needs its Created On or Closed On time (map them to note lines)",
            );
            return;
        }
    };
    let (Some(start), Some(end)) = (parse(read, &start_cell), parse(read, &end_cell)) else {
        return;
    };
    put_span(
        ctx,
        read,
        body,
        (&start_cell, start),
        (&end_cell, end),
        "closed before it was created",
    );
}

/// The note saying a ticket was closed in RSoft, on the record it is about.
fn closed_note(ctx: &Context<'_>, read: &Read, rsoft_id: &str) -> String {
    let when = note_cell(read, "Closed On").map(|c| ctx.when_for_people(&c));
    let header = note_header(&format!("ticket {rsoft_id} closed"), when.as_deref(), None);
    let title = read.text("Tasks.title").unwrap_or_default();
    format!(
        "{header}\nTicket “{title}” was closed in RSoft. Nutshell cannot create a completed task, so its task (titled [Closed in RSoft]) is open: mark it done once checked."
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::catalogue::ValueMapKind;
    use crate::mapping::model::Target;
    use crate::mapping::record::{RecordRef, Role};
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    fn ticket_map(closed_to: &str) -> crate::mapping::model::FieldMap {
        use ValueMapKind::{ActivityType, TicketPriority, TicketStatus};
        map(
            Module::Tickets,
            &[
                ("Ticket ID", Target::LegacyId),
                ("Subject", field("Tasks.title")),
                ("Description", field("Tasks.description")),
                ("Status", field("Tasks.status")),
                ("Priority", field("Tasks.priority")),
                ("Channel", note("Channel")),
                ("Contact ID", lookup(EntityType::Contacts, ById)),
                ("Company ID", lookup(EntityType::Accounts, ById)),
                ("Assigned To", lookup(EntityType::Users, ByOwner)),
                ("Created On", note("Created On")),
                ("Closed On", note("Closed On")),
            ],
            &[
                (TicketStatus, "Open", "open", None),
                (TicketStatus, "Closed", closed_to, None),
                (TicketPriority, "Urgent", "high", None),
                (ActivityType, "Ticket", "Email", None),
            ],
        )
    }

    fn ticket(cells: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        with(
            &[
                ("Ticket ID", "TKT-1"),
                ("Subject", "Invoice mismatch"),
                ("Description", "Paid ₹ 10,000"),
                ("Status", "Open"),
                ("Priority", "Urgent"),
                ("Channel", "email"),
                ("Contact ID", "CONT-1"),
                ("Company ID", "COMP-1"),
                ("Assigned To", "ravi@acme.in"),
                ("Created On", "27/12/2025 01:01 PM"),
                ("Closed On", ""),
            ],
            cells,
        )
    }

    fn ticket_lookups() -> crate::mapping::record::MemoryLookups {
        let mut l = lookups();
        with_users(&mut l, &[("ravi@acme.in", 11)]);
        with_record(
            &mut l,
            Module::Contacts,
            "CONT-1",
            EntityType::Contacts,
            found(6),
        );
        with_record(
            &mut l,
            Module::Companies,
            "COMP-1",
            EntityType::Accounts,
            found(5),
        );
        l.activity_types.insert("Email".into(), found(3));
        l
    }

    #[test]
    fn an_open_ticket_is_a_task_about_its_contact() {
        let p = plan(build(
            Module::Tickets,
            &ticket_map("completed"),
            &ticket(&[]),
            &ticket_lookups(),
        ));
        assert_eq!(
            p.creates[0].params,
            json!({"task": {
                "title": "Invoice mismatch",
                "description": "Paid ₹ 10,000\n\nPriority: high\n\nChannel: email\nCreated On: 2025-12-27 13:01 Asia/Kolkata (+05:30) = 2025-12-27T07:31:00Z\n\nRSoft ticket ID: TKT-1",
                "assignee": {"entityType": "Users", "id": 11},
                "entity": {"entityType": "Contacts", "id": 6}
            }})
        );
        assert_eq!(
            p.anchor,
            Some(RecordRef {
                entity_type: EntityType::Contacts,
                id: 6
            })
        );
    }

    #[test]
    fn a_closed_ticket_is_never_silently_an_open_task() {
        let closed = ticket(&[
            ("Status", "Closed"),
            ("Closed On", "28/12/2025 10:00 AM"),
            ("Contact ID", ""),
        ]);
        let p = plan(build(
            Module::Tickets,
            &ticket_map("completed"),
            &closed,
            &ticket_lookups(),
        ));
        let task = &p.creates[0].params["task"];
        assert_eq!(task["title"], "[Closed in RSoft] Invoice mismatch");
        assert_eq!(task["entity"], json!({"entityType": "Accounts", "id": 5}));
        assert!(
            task["description"]
                .as_str()
                .unwrap()
                .contains("RSoft status: Closed")
        );
        assert_eq!(p.creates[1].role, Role::Note);
        assert_eq!(
            p.creates[1].params["entity"],
            json!({"entityType": "Accounts", "id": 5})
        );
        assert!(
            p.creates[1].params["note"]
                .as_str()
                .unwrap()
                .starts_with("[RSoft ticket TKT-1 closed · 2025-12-28 10:00 Asia/Kolkata (+05:30) = 2025-12-28T04:30:00Z]\n")
        );

        let p = plan(build(
            Module::Tickets,
            &ticket_map("logged"),
            &closed,
            &ticket_lookups(),
        ));
        assert_eq!(p.creates.len(), 1);
        let a = &p.creates[0].params["activity"];
        assert_eq!(p.creates[0].entity_type, EntityType::Activities);
        assert_eq!(a["status"], 1);
        assert_eq!(a["activityTypeId"], 3);
        assert_eq!(a["startTime"], "2025-12-27T07:31:00Z");
        assert_eq!(a["endTime"], "2025-12-28T04:30:00Z");
        assert_eq!(
            a["participants"],
            json!([{"entityType": "Users", "id": 11}])
        );
    }

    /// A column's decided date order wins over the export's, in the activity's times and in the
    /// closed note's first line alike.
    #[test]
    fn closed_on_is_read_in_its_columns_date_order() {
        use crate::config::DateOrder;
        use crate::mapping::model::{FormatEntry, Status};
        let closed = ticket(&[("Status", "Closed"), ("Closed On", "01/02/2026 10:00 AM")]);
        let month_first = |closed_to: &str| {
            let mut map = ticket_map(closed_to);
            if let Some(m) = map.modules.get_mut(&Module::Tickets) {
                m.formats.push(FormatEntry {
                    header: "Closed On".into(),
                    number_format: None,
                    date_order: Some(DateOrder::Mdy),
                    percent_scale: None,
                    excel_serial: false,
                    evidence: "decided by the operator".into(),
                    status: Status::Confirmed,
                });
            }
            map
        };
        let creates = |map| plan(build(Module::Tickets, &map, &closed, &ticket_lookups())).creates;
        // The export reads day first: 1 February; the column month first: 2 January.
        let end = |map| creates(map)[0].params["activity"]["endTime"].clone();
        assert_eq!(end(ticket_map("logged")), "2026-02-01T04:30:00Z");
        assert_eq!(end(month_first("logged")), "2026-01-02T04:30:00Z");
        let p = creates(month_first("completed"));
        let note = p[1].params["note"].as_str().unwrap_or_default();
        assert!(
            note.starts_with("[RSoft ticket TKT-1 closed · 2026-01-02 10:00 Asia/Kolkata"),
            "{note}"
        );
    }

    #[test]
    fn an_unmapped_status_or_a_missing_contact_stops_it() {
        let p = problems(build(
            Module::Tickets,
            &ticket_map("completed"),
            &ticket(&[("Status", "Escalated")]),
            &ticket_lookups(),
        ));
        assert!(p[0].reason.contains("[values.tickets.ticket_status]"));
        let reasons = held(build(
            Module::Tickets,
            &ticket_map("completed"),
            &ticket(&[("Contact ID", "CONT-404")]),
            &ticket_lookups(),
        ));
        assert_eq!(reasons[0].value, "CONT-404");
    }
}
