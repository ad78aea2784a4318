//! RSoft Lead → a Contact (the person, created first) + a Nutshell Lead whose `contacts` names
//! that contact (design.md §2, issue 9): source → Nutshell source, status → the lead-status map
//! (closed by a follow-up like a deal), stage through the stage map when the map has one
//! (otherwise Nutshell's default pipeline), score and other custom fields on the Lead, the
//! conversion columns → a note on the Lead.
//!
//! The person is deduped by email ([`super::Lookups::contact_by_email`]): an existing contact is
//! linked, not created again. The person's name comes from the `Contacts.name` /
//! `givenName` / `familyName` columns; when the map has none (RSoft's "Lead Name" usually goes to
//! `Leads.description`), it is derived from the cell mapped to `Leads.description`, read as a
//! person's full name, and a caveat says so. The person carries the lead's RSoft ID in the
//! legacy-id field, so an ambiguous create of it can be found again.

use serde_json::{Value, json};

use super::columns::{Context, Read, Stop};
use super::contact::{contact_body, join_name, person_name};
use super::deal::{close_status, lead_body};
use super::parts::lines_note;
use super::{Fill, FollowUp, Plan, PlannedCreate, Resolution, Role};
use crate::mapping::transform::split_full_name;
use crate::nutshell::EntityType;
use crate::nutshell::methods::CONTACTS;

pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let account = ctx.account(&mut read);
    let mut creates = Vec::new();
    let person = match existing_person(ctx, &mut read) {
        Some(Resolution::Found(id)) => Some(id),
        Some(Resolution::Held(_)) => None,
        Some(Resolution::Missing) | None => {
            let name = person_name(&mut read).or_else(|| derived_name(&mut read));
            let mut body = contact_body(ctx, &mut read, name, account);
            body.insert(
                "customFields".into(),
                json!({ ctx.settings.legacy_id_field.as_str(): rsoft_id }),
            );
            creates.push(PlannedCreate {
                entity_type: EntityType::Contacts,
                role: Role::Person,
                params: json!({ CONTACTS.body_param(): body }),
                fills: Vec::new(),
            });
            None
        }
    };
    let mut body = lead_body(ctx, &mut read, &rsoft_id);
    if let Some(id) = account {
        body.insert("primaryAccount".into(), json!({ "id": id }));
    }
    let mut fills = Vec::new();
    let contact_id = match person {
        Some(id) => Value::from(id),
        None => {
            fills.push(Fill {
                pointer: "/lead/contacts/0/id".into(),
                from: 0,
            });
            Value::Null
        }
    };
    body.insert("contacts".into(), json!([{ "id": contact_id }]));
    let close = close_status(ctx, &mut read);
    let lead_index = creates.len();
    let mut lead = super::parts::record_create(EntityType::Leads, body);
    lead.fills = fills;
    creates.push(lead);
    creates.extend(lines_note(
        ctx.module,
        &rsoft_id,
        ctx.note_lines(&read, &[]),
        lead_index,
        EntityType::Leads,
    ));
    read.finish(Plan {
        creates,
        follow_ups: close
            .map(|status| FollowUp::CloseLead {
                lead: lead_index,
                status,
            })
            .into_iter()
            .collect(),
        caveats: Vec::new(),
        anchor: None,
    })
}

/// The contact already known by the person's first email, if the row has one; a held one holds
/// the row, and one found is linked with a caveat.
fn existing_person(ctx: &Context<'_>, read: &mut Read) -> Option<Resolution> {
    let (cell, email) = read.first("Contacts.email").and_then(|(c, _)| {
        read.text("Contacts.email")
            .map(|e| (c.clone(), e.to_lowercase()))
    })?;
    let found = ctx.lookups.contact_by_email(&email);
    match &found {
        Resolution::Found(id) => read.caveats.push(format!(
            "the person {email} is already contact {id}: linked to the lead, not created again"
        )),
        Resolution::Held(reason) => read.hold(
            &cell,
            format!("the contact with this email is held: {reason}"),
        ),
        Resolution::Missing => {}
    }
    Some(found)
}

/// The person's name from the cell mapped to `Leads.description` (RSoft's "Lead Name"), when no
/// column gives it as a contact name; a problem when there is none.
fn derived_name(read: &mut Read) -> Option<String> {
    let Some((cell, _)) = read.first("Leads.description").cloned() else {
        read.row_problem(
            "the lead's person has no name: map a column to Contacts.name, or the lead name to Leads.description",
        );
        return None;
    };
    match split_full_name(cell.text()) {
        Ok(n) => {
            let name = join_name(&n.given, n.family.as_deref());
            read.caveats.push(format!(
                "the person's name {name:?} is taken from {:?} (mapped to Leads.description)",
                cell.header
            ));
            Some(name)
        }
        Err(e) => {
            read.problem(
                &cell,
                format!("cannot name the lead's person: {}", e.reason),
            );
            None
        }
    }
}
