//! RSoft Lead → a Contact (the person, created first) + a Nutshell Lead whose `contacts` names
//! that contact (docs/design.md §2, issue 9): source → Nutshell source, status → the lead-status map
//! (closed by a follow-up like a deal), stage through the stage map when the map has one
//! (otherwise Nutshell's default pipeline), score and other custom fields on the Lead, the
//! conversion columns → a note on the Lead, except the contact the lead was converted into (a
//! lookup by RSoft ID), which is the lead's person: linked, not made again.
//!
//! A lead that names its company only by name, when no account has that name yet, makes the
//! account first ([`Role::Company`]); the person and the lead link to it.
//!
//! The person is deduped by email ([`super::Lookups::contact_by_email`]): an existing contact is
//! linked, not created again. The person's name comes from the `Contacts.name` /
//! `givenName` / `familyName` columns; when the map has none (RSoft's "Lead Name" usually goes to
//! `Leads.description`), it is derived from the cell mapped to `Leads.description`, read as a
//! person's full name, and a caveat says so. The person carries the lead's RSoft ID in the
//! legacy-id field, so an ambiguous create of it can be found again.

use serde_json::{Map, Value, json};

use super::columns::{Context, Read, Stop};
use super::contact::{contact_body, join_name, person_name};
use super::deal::{close_status, lead_body};
use super::parts::{keep_email_names, lines_note, put, record_create};
use super::text::escape_mentions;
use super::{Fill, FollowUp, Plan, PlannedCreate, Resolution, Role, company_key};
use crate::mapping::model::LookupKey;
use crate::mapping::transform::split_full_name;
use crate::nutshell::EntityType;
use crate::nutshell::methods::CONTACTS;
use crate::rsoft::Module;

/// The plan for one row of this module, or why not (the rules are in this file's header).
pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let mut creates = Vec::new();
    let account = match new_company(ctx, &read) {
        Some(name) => {
            let mut body = Map::new();
            body.insert("name".into(), Value::from(escape_mentions(&name)));
            put(&mut body, "owner", ctx.owner(&mut read));
            body.insert(
                "customFields".into(),
                json!({ ctx.settings.legacy_id_field.as_str(): rsoft_id }),
            );
            let mut create = record_create(EntityType::Accounts, body);
            create.role = Role::Company;
            creates.push(create);
            read.caveats.push(format!(
                "no account is named {name:?} yet: one is created for the lead's company"
            ));
            Some(Link::Planned(0))
        }
        None => ctx.account(&mut read).map(Link::Known),
    };
    let person = match existing_person(ctx, &mut read) {
        Some(Resolution::Found(id)) => Some(Link::Known(id)),
        Some(Resolution::Held(_)) => None,
        Some(Resolution::Missing) | None => {
            let name = person_name(&mut read).or_else(|| derived_name(&mut read));
            let mut body = contact_body(ctx, &mut read, name, None);
            body.insert(
                "customFields".into(),
                json!({ ctx.settings.legacy_id_field.as_str(): rsoft_id }),
            );
            let mut create = PlannedCreate {
                entity_type: EntityType::Contacts,
                role: Role::Person,
                params: json!({ CONTACTS.body_param(): body }),
                fills: Vec::new(),
            };
            if let Some(a) = account {
                link(
                    &mut create,
                    "/contact/accounts",
                    "/contact/accounts/0/id",
                    a,
                    true,
                );
            }
            creates.push(create);
            Some(Link::Planned(creates.len() - 1))
        }
    };
    let mut body = lead_body(ctx, &mut read, &rsoft_id);
    if !body.contains_key("description")
        && let Some(description) = derived_description(&read)
    {
        read.caveats.push(format!(
            "no column is the lead's description: it is {description:?}, from the person's name and source"
        ));
        body.insert(
            "description".into(),
            Value::from(escape_mentions(&description)),
        );
    }
    let mut lead = record_create(EntityType::Leads, body);
    if let Some(a) = account {
        link(
            &mut lead,
            "/lead/primaryAccount",
            "/lead/primaryAccount/id",
            a,
            false,
        );
    }
    if let Some(p) = person {
        link(&mut lead, "/lead/contacts", "/lead/contacts/0/id", p, true);
    }
    // A person found in Nutshell got no body: the display names of the row's emails, whose
    // name it is unknown here, stay on the lead's note.
    keep_email_names(&mut read, None);
    let close = close_status(ctx, &mut read);
    let lead_index = creates.len();
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

/// A record the lead links to: known by id, or made by an earlier create of the plan.
#[derive(Debug, Clone, Copy)]
enum Link {
    Known(i64),
    Planned(usize),
}

/// Write `{id}` (in a one-element list when `listed`) at `at` in the create's params; a planned
/// record's id is filled in by the load at `id_pointer`.
fn link(create: &mut PlannedCreate, at: &str, id_pointer: &str, to: Link, listed: bool) {
    let id = match to {
        Link::Known(id) => Value::from(id),
        Link::Planned(from) => {
            create.fills.push(Fill {
                pointer: id_pointer.into(),
                from,
            });
            Value::Null
        }
    };
    let value = if listed {
        json!([{ "id": id }])
    } else {
        json!({ "id": id })
    };
    let (parent, key) = at.rsplit_once('/').unwrap_or(("", at));
    if let Some(Value::Object(obj)) = create.params.pointer_mut(parent) {
        obj.insert(key.to_string(), value);
    }
}

/// The company name of a lead that has no account yet: the lead names its company only by name
/// (no RSoft company id), and no account answers to it.
fn new_company(ctx: &Context<'_>, read: &Read) -> Option<String> {
    let cells = read.lookups_of(EntityType::Accounts);
    if cells.iter().any(|l| l.by == LookupKey::RsoftId) {
        return None;
    }
    let by_name = cells.iter().find(|l| l.by == LookupKey::Name)?;
    let missing = ctx
        .lookups
        .account_by_name(&company_key(by_name.cell.text()))
        == Resolution::Missing;
    missing.then(|| by_name.cell.text().to_string())
}

/// The lead's person values (emails, phones) but `matched`, the email it was linked by, for a
/// caveat when its person is a contact already there: `; the lead's other person values are
/// not added to that contact …: email …, phone …`, or nothing. The builder reads nothing from
/// Nutshell, so it cannot know which of them the contact lacks: it names them all, so none is
/// lost unseen.
fn not_added(read: &Read, matched: Option<&str>) -> String {
    let others: Vec<String> = [("email", "Contacts.email"), ("phone", "Contacts.phone")]
        .into_iter()
        .flat_map(|(word, path)| {
            read.list(path)
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .filter(|v| matched.is_none_or(|m| !v.eq_ignore_ascii_case(m)))
                .map(move |v| format!("{word} {v}"))
        })
        .collect();
    if others.is_empty() {
        return String::new();
    }
    format!(
        "; the lead's {} person values are not added to that contact (add any it lacks by hand): {}",
        if matched.is_some() { "other" } else { "own" },
        others.join(", ")
    )
}

/// The contact already known by the person's first email, if the row has one; a held one holds
/// the row, and one found is linked with a caveat.
fn existing_person(ctx: &Context<'_>, read: &mut Read) -> Option<Resolution> {
    // The contact the lead was converted into (by RSoft ID) is its person.
    if let Some(l) = read
        .lookups_of(EntityType::Contacts)
        .into_iter()
        .find(|l| l.by == LookupKey::RsoftId)
    {
        let id = l.cell.text();
        match ctx.lookups.record(Module::Contacts, id, EntityType::Contacts) {
            Resolution::Found(contact) => {
                let not_added = not_added(read, None);
                read.caveats.push(format!(
                    "the lead was converted into contact {id}: its person is that contact ({contact}), not created again{not_added}"
                ));
                return Some(Resolution::Found(contact));
            }
            Resolution::Held(reason) => {
                read.hold(&l.cell, format!("the contact the lead became is not loaded: {reason}"));
                return Some(Resolution::Held(reason));
            }
            Resolution::Missing => read.caveats.push(format!(
                "the lead was converted into contact {id}, which is not in the export or not loaded: its person is made from the lead's own columns"
            )),
        }
    }
    let (cell, email) = read.first("Contacts.email").and_then(|(c, _)| {
        read.text("Contacts.email")
            .map(|e| (c.clone(), e.to_lowercase()))
    })?;
    let found = ctx.lookups.contact_by_email(&email);
    match &found {
        Resolution::Found(id) => {
            let not_added = not_added(read, Some(&email));
            read.caveats.push(format!(
                "the person {email} is already contact {id}: linked to the lead, not created again{not_added}"
            ));
        }
        Resolution::Held(reason) => read.hold(
            &cell,
            format!("the contact with this email is not loaded: {reason}"),
        ),
        Resolution::Missing => {}
    }
    Some(found)
}

/// The Lead's description when no column gives one (issue 12: derived from the person): the
/// person's name as written, with the lead's source in brackets when the row has one —
/// `Bhavna Joshi (Trade Show)`.
fn derived_description(read: &Read) -> Option<String> {
    let name = match read.first("Contacts.name") {
        Some((cell, _)) => cell.text().to_string(),
        None => {
            let given = read.first("Contacts.givenName").map(|(c, _)| c.text());
            let family = read.first("Contacts.familyName").map(|(c, _)| c.text());
            match (given, family) {
                (Some(g), f) => join_name(g, f),
                (None, Some(f)) => f.to_string(),
                (None, None) => return None,
            }
        }
    };
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    Some(match read.first("Leads.sources") {
        Some((cell, _)) if !cell.text().is_empty() => format!("{name} ({})", cell.text()),
        _ => name.to_string(),
    })
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::catalogue::{ValueKind, ValueMapKind};
    use crate::mapping::model::Target;
    use crate::mapping::record::{Resolution, Role};
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    fn lead_map() -> crate::mapping::model::FieldMap {
        map(
            Module::Leads,
            &[
                ("Lead ID", Target::LegacyId),
                ("Lead Name", field("Leads.description")),
                ("Email", field("Contacts.email")),
                ("Mobile", field("Contacts.phone")),
                ("Company Name", lookup(EntityType::Accounts, ByName)),
                ("Source", field("Leads.sources")),
                ("Status", field("Leads.status")),
                ("Lead Score", custom("Lead Score", ValueKind::Number)),
                ("Owner", lookup(EntityType::Users, ByOwner)),
                ("Converted On", note("Converted On")),
                ("Converted Contact ID", lookup(EntityType::Contacts, ById)),
            ],
            &[(ValueMapKind::LeadStatus, "New", "open", None)],
        )
    }

    fn lead_row(cells: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        with(
            &[
                ("Lead ID", "LEAD-1"),
                ("Lead Name", "Mr. Bhavna Joshi"),
                ("Email", "Bhavna@Gmail.com"),
                ("Mobile", "6426512144"),
                ("Company Name", "Café Madras Foods"),
                ("Source", "Trade Show"),
                ("Status", "New"),
                ("Lead Score", "85"),
                ("Owner", "ravi@acme.in"),
            ],
            cells,
        )
    }

    fn lead_lookups() -> crate::mapping::record::MemoryLookups {
        let mut l = lookups();
        with_users(&mut l, &[("ravi@acme.in", 11)]);
        l.sources.insert("Trade Show".into(), found(3));
        l.accounts.insert("café madras foods".into(), found(9));
        l
    }

    /// [`lead_lookups`] with contact `CONT-7`, the one a converted lead became, loaded as 55.
    fn converted_lookups() -> crate::mapping::record::MemoryLookups {
        let mut l = lead_lookups();
        with_record(
            &mut l,
            Module::Contacts,
            "CONT-7",
            EntityType::Contacts,
            found(55),
        );
        l
    }

    #[test]
    fn the_person_first_named_from_the_lead_name_then_the_lead() {
        let p = plan(build(
            Module::Leads,
            &lead_map(),
            &lead_row(&[]),
            &lead_lookups(),
        ));
        assert_eq!(p.creates[0].role, Role::Person);
        assert_eq!(
            p.creates[0].params,
            json!({"contact": {
                "name": "Bhavna Joshi",
                "owner": {"entityType": "Users", "id": 11},
                "email": ["Bhavna@gmail.com"],
                "phone": ["+916426512144"],
                "accounts": [{"id": 9}],
                "customFields": {"RSoft ID": "LEAD-1"}
            }})
        );
        assert!(p.caveats.iter().any(|c| c.contains("\"Lead Name\"")));
        let lead = &p.creates[1];
        assert_eq!(lead.role, Role::Record);
        assert_eq!(
            lead.params,
            json!({"lead": {
                "description": "Mr. Bhavna Joshi",
                "assignee": {"entityType": "Users", "id": 11},
                "sources": [{"id": 3}],
                "customFields": {"Lead Score": 85, "RSoft ID": "LEAD-1"},
                "primaryAccount": {"id": 9},
                "contacts": [{"id": null}]
            }})
        );
        assert_eq!(
            p.params_with(1, &[70]).unwrap()["lead"]["contacts"],
            json!([{"id": 70}])
        );
        assert!(p.follow_ups.is_empty());
    }

    /// A lead's company written `N/A` names no company: no account `N/A` is made for it (every
    /// such lead would share it), and the row says the cell was read as blank; a placeholder
    /// score is a blank too, and the contact it became is found by its id without the zero-width
    /// space after it.
    #[test]
    fn a_placeholder_company_makes_no_account() {
        let (m, l) = (lead_map(), converted_lookups());
        let r = lead_row(&[
            ("Company Name", "N/A"),
            ("Lead Score", "?"),
            ("Converted Contact ID", "CONT-7\u{200b}"),
        ]);
        let p = plan(build(Module::Leads, &m, &r, &l));
        assert!(
            p.creates
                .iter()
                .all(|c| c.entity_type != EntityType::Accounts),
            "{:#?}",
            p.creates
        );
        let lead = &p.creates[0].params["lead"];
        assert_eq!(lead["contacts"], json!([{"id": 55}]));
        assert!(lead.get("primaryAccount").is_none(), "{lead}");
        assert_eq!(lead["customFields"], json!({"RSoft ID": "LEAD-1"}));
        assert!(
            p.caveats.iter().any(|c| c
                == "Company Name: \"N/A\" is a placeholder for an unknown value; it names no record, so none was linked"),
            "{:?}",
            p.caveats
        );
    }

    /// A lead source or tag written as a placeholder names nothing: no source or tag `N/A` is
    /// looked up (the scan made one in Nutshell), the field is left blank with a note, and the
    /// tags beside a placeholder tag are kept.
    #[test]
    fn a_placeholder_source_or_tag_names_none() {
        let m = map(
            Module::Leads,
            &[
                ("Lead ID", Target::LegacyId),
                ("Lead Name", field("Leads.description")),
                ("Source", field("Leads.sources")),
                ("Tags", Target::Tags),
                ("Labels", Target::Tags),
            ],
            &[],
        );
        let r = row(&[
            ("Lead ID", "LEAD-2"),
            ("Lead Name", "Bhavna Joshi"),
            ("Source", " N/A "),
            ("Tags", "VIP; N/A"),
            ("Labels", "-"),
        ]);
        let p = plan(build(Module::Leads, &m, &r, &lead_lookups()));
        let lead = &p.creates[1].params["lead"];
        assert!(lead.get("sources").is_none(), "{lead}");
        assert_eq!(lead["tags"], json!(["VIP"]));
        // The person's derived name has no source in brackets.
        assert_eq!(p.creates[0].params["contact"]["name"], "Bhavna Joshi");
        for note in [
            "Source: \"N/A\" is a placeholder for an unknown value; Leads.sources was left blank",
            "Tags: \"N/A\" of \"VIP; N/A\" is a placeholder for an unknown value; it was left out of tags",
            "Labels: \"-\" is a placeholder for an unknown value; tags was left blank",
        ] {
            assert!(
                p.caveats.iter().any(|c| c == note),
                "{note}: {:?}",
                p.caveats
            );
        }
    }

    /// A converted lead's person is the contact it became; its own email and phone are named
    /// in the caveat, since they are not added to that contact (trial 9: dropped unseen).
    #[test]
    fn a_converted_leads_own_person_values_are_named() {
        let (m, l) = (lead_map(), converted_lookups());
        let r = lead_row(&[("Converted Contact ID", "CONT-7")]);
        let p = plan(build(Module::Leads, &m, &r, &l));
        assert_eq!(p.creates[0].params["lead"]["contacts"], json!([{"id": 55}]));
        assert!(
            p.caveats
                .iter()
                .any(|c| c.contains("converted into contact CONT-7")
                    && c.contains("the lead's own person values are not added to that contact")
                    && c.contains("email Bhavna@gmail.com, phone +916426512144")),
            "{:?}",
            p.caveats
        );
    }

    #[test]
    fn an_existing_person_is_linked_and_a_held_one_holds() {
        let mut l = lead_lookups();
        l.contacts.insert("bhavna@gmail.com".into(), found(44));
        let r = lead_row(&[("Converted On", "08-10-2024")]);
        let p = plan(build(Module::Leads, &lead_map(), &r, &l));
        assert_eq!(p.creates.len(), 2, "the lead and its conversion note");
        assert_eq!(p.creates[0].params["lead"]["contacts"], json!([{"id": 44}]));
        // The lead's phone is not sent to the contact: it is named, not lost unseen.
        assert!(
            p.caveats.iter().any(|c| c.contains("already contact 44")
                && c.contains("not added to that contact")
                && c.contains("phone +916426512144")
                && !c.contains("email bhavna")),
            "{:?}",
            p.caveats
        );
        assert_eq!(
            p.creates[1].params["note"], "[RSoft lead LEAD #1]\nConverted On: 2024-10-08",
            "an RSoft lead id in text would link to Nutshell's lead of that number"
        );
        assert_eq!(p.creates[1].fills[0].from, 0);
        l.contacts.insert(
            "bhavna@gmail.com".into(),
            Resolution::Held("no name".into()),
        );
        let reasons = held(build(Module::Leads, &lead_map(), &r, &l));
        assert_eq!(reasons[0].column, "Email");
    }

    #[test]
    fn an_unknown_company_is_made_first() {
        let mut l = lead_lookups();
        l.accounts.clear();
        let p = plan(build(Module::Leads, &lead_map(), &lead_row(&[]), &l));
        let roles: Vec<Role> = p.creates.iter().map(|c| c.role).collect();
        assert_eq!(roles, [Role::Company, Role::Person, Role::Record]);
        assert_eq!(
            p.creates[0].params["account"],
            json!({"name": "Café Madras Foods", "owner": {"entityType": "Users", "id": 11}, "customFields": {"RSoft ID": "LEAD-1"}})
        );
        let lead = p.params_with(2, &[1, 2]).unwrap();
        assert_eq!(lead["lead"]["primaryAccount"], json!({"id": 1}));
        assert_eq!(lead["lead"]["contacts"], json!([{"id": 2}]));
        assert_eq!(
            p.params_with(1, &[1]).unwrap()["contact"]["accounts"],
            json!([{"id": 1}])
        );
    }

    #[test]
    fn a_lead_without_any_name_is_a_problem() {
        let r = lead_row(&[("Lead Name", "")]);
        let p = problems(build(Module::Leads, &lead_map(), &r, &lead_lookups()));
        assert!(p[0].reason.contains("has no name"), "{p:?}");
        let r = lead_row(&[("Lead Name", "Mr.")]);
        let p = problems(build(Module::Leads, &lead_map(), &r, &lead_lookups()));
        assert_eq!(p[0].column, "Lead Name");
    }
}
