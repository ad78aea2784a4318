//! RSoft Activity → a Nutshell Activity, or a Note for RSoft note activities (docs/design.md §2,
//! docs/nutshell-api.md "What the load must know").
//!
//! - Calls, meetings, emails, SMS…: an Activity of the mapped type at its original start and end
//!   (declared zone → UTC), status through the activity-status map (no status column: logged),
//!   participants (the owner as a user, the related contact or the RSoft lead's person, contacts
//!   named by RSoft ID in their own columns) and lead links (a related deal or lead, or one named
//!   by RSoft ID in a deal/lead column). No end time: it ends at its start (a caveat says so). A date
//!   without a time is an all-day activity on that day in the export's zone. Activities have no
//!   custom fields: the RSoft ID, an RSoft type the map folded into another (WhatsApp → Phone
//!   Call) and a related company or ticket (which an activity cannot link) go into the
//!   description.
//! - Type mapped to `(note)`: `newNote` on the related record, its first line carrying the
//!   original time with zone and the author.
//!
//! A related record that is missing or held holds the row.

use serde_json::{Map, Value, json};

use super::columns::{Cell, Context, Read, Stop, Val, contact_ref, put_span};
use super::parts::{array, choice, note_on, paragraphs, put, record_create, rsoft_id_line};
use super::text::{escape_mentions, note_header};
use super::{Plan, RecordRef, Resolution, Role};
use crate::mapping::catalogue::ValueMapKind;
use crate::mapping::model::{AS_NOTE, Target};
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// The plan for one row of this module, or why not (the rules are in this file's header).
pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let Some(type_cell) = choice(&read, "Activities.activityType").cloned() else {
        read.row_problem("the activity has no type: map a column to Activities.activityType");
        return read.finish(empty_plan());
    };
    let Some(entry) = ctx.mapped(
        &mut read,
        ValueMapKind::ActivityType,
        &type_cell,
        type_cell.text(),
    ) else {
        return read.finish(empty_plan());
    };
    if entry.to.trim() == AS_NOTE {
        return note(ctx, read, &rsoft_id);
    }
    let mut body = Map::new();
    let name = read
        .text("Activities.name")
        .map(str::to_string)
        .unwrap_or_else(|| escape_mentions(type_cell.text()));
    body.insert("name".into(), Value::from(name));
    let found = ctx.lookups.activity_type(entry.to.trim());
    if let Some(id) = read.take(
        &type_cell,
        &format!("Nutshell activity type {:?}", entry.to.trim()),
        found,
    ) {
        body.insert("activityTypeId".into(), Value::from(id));
    }
    times(ctx, &mut read, &mut body);
    body.insert("status".into(), Value::from(status(ctx, &mut read)));
    let related = related(ctx, &mut read);
    let mut participants: Vec<Value> = ctx.owner(&mut read).into_iter().collect();
    participants.extend(related.participants);
    // Contact and deal/lead columns by RSoft ID, beside the related record.
    for contact in ctx.contacts(&mut read).into_iter().map(contact_ref) {
        if !participants.contains(&contact) {
            participants.push(contact);
        }
    }
    let mut leads = related.leads;
    for lead in lead_lookups(ctx, &mut read) {
        if !leads.contains(&lead) {
            leads.push(lead);
        }
    }
    put(&mut body, "participants", array(participants));
    put(&mut body, "leads", array(leads));
    let folded_type = (!entry.to.trim().eq_ignore_ascii_case(type_cell.text()))
        .then(|| escape_mentions(&format!("RSoft type: {}", type_cell.text())));
    let description = paragraphs(
        read.text("Activities.description")
            .map(str::to_string)
            .into_iter()
            .chain(folded_type)
            .chain(related.lines)
            .chain([ctx.note_lines(&read, &[]).join("\n")])
            .chain([rsoft_id_line(ctx.module, &rsoft_id)]),
    );
    put(&mut body, "description", description.map(Value::from));
    read.finish(Plan {
        creates: vec![record_create(EntityType::Activities, body)],
        ..empty_plan()
    })
}

fn empty_plan() -> Plan {
    Plan {
        creates: Vec::new(),
        follow_ups: Vec::new(),
        caveats: Vec::new(),
        anchor: None,
    }
}

/// `startTime`, `endTime` and `isAllDay` from the mapped start and end cells.
fn times(ctx: &Context<'_>, read: &mut Read, body: &mut Map<String, Value>) {
    let when = |read: &Read, path: &str| match read.first(path) {
        Some((cell, Val::When(w))) => Some((cell.clone(), *w)),
        _ => None,
    };
    let Some((start_cell, start)) = when(read, "Activities.startTime") else {
        if let Some((cell, placeholder)) = read
            .placeholder("Activities.startTime")
            .map(|(c, p)| (c.clone(), p))
        {
            read.problem(
                &cell,
                format!(
                    "is {}, not a start time, and an activity needs its start (Nutshell requires one): fill in the real start in RSoft and re-export, or map another column to Activities.startTime",
                    placeholder.describe()
                ),
            );
            return;
        }
        read.row_problem(
            "the activity has no start time that can be read (Nutshell needs one): where a column is mapped to Activities.startTime, its cell's own problem says why; otherwise map one, or fill the start in RSoft and re-export",
        );
        return;
    };
    let (end_cell, end) = match when(read, "Activities.endTime") {
        Some(end) => end,
        None => {
            read.caveats.push(format!(
                "no end time: the activity ends at its start ({})",
                start_cell.text()
            ));
            (start_cell.clone(), start)
        }
    };
    put_span(
        ctx,
        read,
        body,
        (&start_cell, start),
        (&end_cell, end),
        "ends before it starts",
    );
}

/// 0 scheduled, 1 logged, 2 cancelled through the activity-status map; logged without a column.
fn status(ctx: &Context<'_>, read: &mut Read) -> i64 {
    let Some(cell) = choice(read, "Activities.status").cloned() else {
        return 1;
    };
    match ctx
        .mapped(read, ValueMapKind::ActivityStatus, &cell, cell.text())
        .map(|e| e.to.trim().to_string())
        .as_deref()
    {
        Some("scheduled") => 0,
        Some("logged") | None => 1,
        Some("cancelled") => 2,
        Some(other) => {
            read.problem(
                &cell,
                format!("activity status map gives {other:?}; use scheduled, logged or cancelled"),
            );
            1
        }
    }
}

/// What the related-record cells link to.
#[derive(Default)]
struct Related {
    participants: Vec<Value>,
    leads: Vec<Value>,
    /// Description lines for relations an activity cannot hold.
    lines: Vec<String>,
}

/// The related module and the cell of its RSoft ID, when both cells are given.
fn related_key(read: &mut Read) -> Option<(Module, Cell)> {
    let id_cell = read.related_id.clone()?;
    if id_cell.text().is_empty() {
        return None;
    }
    let Some(module_cell) = read.related_module.clone() else {
        read.problem(
            &id_cell,
            "a related record id without a column naming its module (map one to related module)",
        );
        return None;
    };
    match Module::from_name(module_cell.text()).filter(|m| m.holds_records()) {
        Some(m) => Some((m, id_cell)),
        None => {
            read.problem(
                &module_cell,
                "is not an RSoft module a record can be related to (Company, Contact, Lead, Deal, Ticket)",
            );
            None
        }
    }
}

fn related(ctx: &Context<'_>, read: &mut Read) -> Related {
    let mut out = Related::default();
    let Some((module, cell)) = related_key(read) else {
        return out;
    };
    let id = cell.text().to_string();
    let what = format!("related {} {id}", module.record_word());
    let find = |read: &mut Read, entity_type: EntityType| {
        let found = ctx.lookups.record(module, &id, entity_type);
        read.take(&cell, &what, found)
    };
    match module {
        Module::Contacts => {
            if let Some(c) = find(read, EntityType::Contacts) {
                out.participants.push(contact_ref(c));
            }
        }
        Module::Leads => {
            if let Some(l) = find(read, EntityType::Leads) {
                out.leads.push(json!({ "id": l }));
                // The lead's person is a participant when this lead row made it. A converted
                // lead's person is the contact it was converted into, linked (not made) by the
                // lead row: the Lead already names it, so its absence here holds nothing.
                match ctx.lookups.record(module, &id, EntityType::Contacts) {
                    Resolution::Missing => {}
                    found => {
                        if let Some(c) = read.take(&cell, &what, found) {
                            out.participants.push(contact_ref(c));
                        }
                    }
                }
            }
        }
        Module::Deals => {
            if let Some(l) = find(read, EntityType::Leads) {
                out.leads.push(json!({ "id": l }));
            }
        }
        Module::Companies | Module::Tickets => {
            let entity_type = if module == Module::Companies {
                EntityType::Accounts
            } else {
                EntityType::Tasks
            };
            if find(read, entity_type).is_some() {
                out.lines.push(escape_mentions(&format!(
                    "About RSoft {} {id}",
                    module.record_word()
                )));
            }
        }
        _ => read.problem(
            &cell,
            format!(
                "an activity cannot be related to a {}",
                module.record_word()
            ),
        ),
    }
    out
}

/// `{id}` of the Nutshell Lead each deal or lead column names by RSoft ID: an RSoft deal's
/// Lead, else an RSoft lead's (their ids differ by prefix); a hold when neither was loaded.
fn lead_lookups(ctx: &Context<'_>, read: &mut Read) -> Vec<Value> {
    let mut out = Vec::new();
    for l in read.lookups_of(EntityType::Leads) {
        let id = l.cell.text();
        let found = match ctx.lookups.record(Module::Deals, id, EntityType::Leads) {
            Resolution::Missing => ctx.lookups.record(Module::Leads, id, EntityType::Leads),
            found => found,
        };
        if let Some(lead) = read.take(&l.cell, &format!("deal or lead {id}"), found) {
            out.push(json!({ "id": lead }));
        }
    }
    out
}

/// An RSoft note activity → `newNote` on the related record.
fn note(ctx: &Context<'_>, mut read: Read, rsoft_id: &str) -> Result<Plan, Stop> {
    let Some((module, id_cell)) = related_key(&mut read) else {
        match read
            .placeholders
            .iter()
            .find(|(t, ..)| matches!(t, Target::Related { .. }))
            .map(|(_, c, p)| (c.clone(), *p))
        {
            Some((cell, placeholder)) => read.problem(
                &cell,
                format!(
                    "is {}, not a record: an RSoft note must belong to one. Fill in its related id in RSoft and re-export",
                    placeholder.describe()
                ),
            ),
            None => read.row_problem(
                "an RSoft note must belong to a record: its related module and id are blank",
            ),
        }
        return read.finish(empty_plan());
    };
    let id = id_cell.text();
    let found = ctx.lookups.note_anchor(module, id);
    let anchor: Option<RecordRef> = read.take(
        &id_cell,
        &format!("related {} {id}", module.record_word()),
        found,
    );
    let when = read
        .first("Activities.startTime")
        .map(|(c, _)| ctx.when_for_people(c));
    let author = read
        .lookups_of(EntityType::Users)
        .first()
        .map(|l| l.cell.text().to_string());
    let header = note_header(
        &format!("note {rsoft_id}"),
        when.as_deref(),
        author.as_deref(),
    );
    let text = paragraphs(
        [header]
            .into_iter()
            .chain(read.text("Activities.name").map(str::to_string))
            .chain(read.text("Activities.description").map(str::to_string))
            .chain([ctx.note_lines(&read, &[]).join("\n")]),
    )
    .unwrap_or_default();
    let creates = anchor
        .map(|a| note_on(a, Role::Record, text))
        .into_iter()
        .collect();
    read.finish(Plan {
        creates,
        ..empty_plan()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::catalogue::{ValueKind, ValueMapKind};
    use crate::mapping::model::{AS_NOTE, RelatedPart, Target};
    use crate::mapping::record::{RecordRef, Resolution};
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    fn activity_map() -> crate::mapping::model::FieldMap {
        use ValueMapKind::{ActivityStatus, ActivityType};
        map(
            Module::Activities,
            &[
                ("Activity ID", Target::LegacyId),
                ("Type", field("Activities.activityType")),
                ("Subject", field("Activities.name")),
                ("Description", field("Activities.description")),
                (
                    "Related To",
                    Target::Related {
                        part: RelatedPart::Module,
                    },
                ),
                (
                    "Related ID",
                    Target::Related {
                        part: RelatedPart::Id,
                    },
                ),
                ("Start", field("Activities.startTime")),
                ("End", field("Activities.endTime")),
                ("Status", field("Activities.status")),
                ("Owner", lookup(EntityType::Users, ByOwner)),
                ("Created On", note("Created On")),
                ("Region", custom("Region", ValueKind::Text)),
            ],
            &[
                (ActivityType, "Call", "Phone Call", None),
                (ActivityType, "WhatsApp", "Phone Call", None),
                (ActivityType, "Note", AS_NOTE, None),
                (ActivityStatus, "Completed", "logged", None),
                (ActivityStatus, "Cancelled", "cancelled", None),
            ],
        )
    }

    fn act(cells: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        with(
            &[
                ("Activity ID", "ACT-1"),
                ("Type", "Call"),
                ("Subject", "Pricing call"),
                ("Description", "Discussed @[price]"),
                ("Related To", "Lead"),
                ("Related ID", "LEAD-3"),
                ("Start", "13/01/2026 07:43 PM"),
                ("End", "13/01/2026 08:13 PM"),
                ("Status", "Completed"),
                ("Owner", "Anil Mehta <ANIL.MEHTA@acme.in>"),
            ],
            cells,
        )
    }

    fn act_lookups() -> crate::mapping::record::MemoryLookups {
        let mut l = lookups();
        with_users(&mut l, &[("Anil Mehta <ANIL.MEHTA@acme.in>", 13)]);
        l.activity_types.insert("Phone Call".into(), found(1));
        with_record(
            &mut l,
            Module::Leads,
            "LEAD-3",
            EntityType::Leads,
            found(30),
        );
        with_record(
            &mut l,
            Module::Leads,
            "LEAD-3",
            EntityType::Contacts,
            found(31),
        );
        with_record(
            &mut l,
            Module::Companies,
            "COMP-1",
            EntityType::Accounts,
            found(5),
        );
        l
    }

    #[test]
    fn a_logged_activity_at_its_original_time_in_utc_with_its_links() {
        let p = plan(build(
            Module::Activities,
            &activity_map(),
            &act(&[]),
            &act_lookups(),
        ));
        assert_eq!(
            p.creates[0].params,
            json!({"activity": {
                "name": "Pricing call",
                "activityTypeId": 1,
                "startTime": "2026-01-13T14:13:00Z",
                "endTime": "2026-01-13T14:43:00Z",
                "status": 1,
                "participants": [
                    {"entityType": "Users", "id": 13},
                    {"entityType": "Contacts", "id": 31}
                ],
                "leads": [{"id": 30}],
                "description": "Discussed \\@[price]\n\nRSoft type: Call\n\nRSoft activity ID: ACT-1"
            }})
        );
        assert!(p.caveats.is_empty());
    }

    #[test]
    fn an_activity_on_a_converted_lead_links_the_lead_without_its_person() {
        // A converted lead's person was linked to an existing contact, not made by the lead
        // row: the journal finds the Lead but no Contact of that row.
        let mut l = act_lookups();
        l.records
            .remove(&(Module::Leads, "LEAD-3".into(), EntityType::Contacts));
        let p = plan(build(Module::Activities, &activity_map(), &act(&[]), &l));
        let activity = &p.creates[0].params["activity"];
        assert_eq!(activity["leads"], json!([{"id": 30}]));
        assert_eq!(
            activity["participants"],
            json!([{"entityType": "Users", "id": 13}])
        );
        // A lead that was not loaded still holds the activity.
        let mut missing = act_lookups();
        missing
            .records
            .remove(&(Module::Leads, "LEAD-3".into(), EntityType::Leads));
        let reasons = held(build(
            Module::Activities,
            &activity_map(),
            &act(&[]),
            &missing,
        ));
        assert!(reasons[0].reason.contains("LEAD-3"), "{reasons:?}");
    }

    #[test]
    fn contact_and_deal_columns_by_rsoft_id_link_the_activity() {
        let mut m = activity_map();
        let columns = &mut m.modules.get_mut(&Module::Activities).unwrap().columns;
        for (header, entity) in [
            ("Contact ID", EntityType::Contacts),
            ("Deal ID", EntityType::Leads),
        ] {
            columns.push(crate::mapping::model::ColumnEntry {
                header: header.into(),
                target: lookup(entity, ById),
                confidence: 0.95,
                reason: String::new(),
                status: crate::mapping::model::Status::Confirmed,
            });
        }
        let mut l = act_lookups();
        with_record(
            &mut l,
            Module::Contacts,
            "CONT-7",
            EntityType::Contacts,
            found(70),
        );
        with_record(
            &mut l,
            Module::Deals,
            "DEAL-9",
            EntityType::Leads,
            found(90),
        );
        let r = act(&[("Contact ID", "CONT-7"), ("Deal ID", "DEAL-9")]);
        let p = plan(build(Module::Activities, &m, &r, &l));
        let a = &p.creates[0].params["activity"];
        assert_eq!(
            a["participants"],
            json!([
                {"entityType": "Users", "id": 13},
                {"entityType": "Contacts", "id": 31},
                {"entityType": "Contacts", "id": 70}
            ])
        );
        assert_eq!(a["leads"], json!([{"id": 30}, {"id": 90}]));
        assert!(!a["description"].as_str().unwrap().contains("CONT-7"));
        // A contact not loaded holds the row, naming it.
        let r = act(&[("Contact ID", "CONT-8"), ("Deal ID", "")]);
        match build(Module::Activities, &m, &r, &l) {
            crate::mapping::record::Built::Hold { reasons } => {
                assert!(reasons.iter().any(|r| r.value == "CONT-8"), "{reasons:?}")
            }
            other => panic!("{other:?}"),
        }
    }

    /// A start and end with the month by name read as the numeric ones do (trial 10).
    #[test]
    fn month_name_times_read_as_numeric_ones() {
        let build_times = |start: &str, end: &str| {
            let p = plan(build(
                Module::Activities,
                &activity_map(),
                &act(&[("Start", start), ("End", end)]),
                &act_lookups(),
            ));
            let a = &p.creates[0].params["activity"];
            (a["startTime"].clone(), a["endTime"].clone())
        };
        assert_eq!(
            build_times("Jan 13, 2026 07:43 PM", "13-Jan-2026 20:13"),
            build_times("13/01/2026 07:43 PM", "13/01/2026 08:13 PM")
        );
    }

    /// A "no date" placeholder is a blank the CRM wrote: an end of `31/12/9999` is not sent
    /// (the activity ends at its start, and the row says which cell was read as blank); a
    /// start of `00/00/0000` or `01/01/1900` fails the row, naming the cell (trial 10).
    #[test]
    fn a_placeholder_date_is_blank_and_a_placeholder_start_fails_the_row() {
        let built = |cells: &[(&str, &str)]| {
            build(
                Module::Activities,
                &activity_map(),
                &act(cells),
                &act_lookups(),
            )
        };
        let p = plan(built(&[("End", "31/12/9999 11:59 PM")]));
        let a = &p.creates[0].params["activity"];
        assert_eq!(a["endTime"], a["startTime"]);
        assert!(
            p.caveats.iter().any(|c| c
                == "End: \"31/12/9999 11:59 PM\" is a \"no date\" placeholder; Activities.endTime was left blank"),
            "{:?}",
            p.caveats
        );
        for (start, what) in [
            ("00/00/0000", "a \"no date\" placeholder"),
            ("01/01/1900 12:00 AM", "a \"no date\" placeholder"),
            // A word for "not known" is a blank too, and the reason says which it was.
            ("N/A", "a placeholder for an unknown value"),
        ] {
            let p = problems(built(&[("Start", start)]));
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!(
                (p[0].column.as_str(), p[0].value.as_str()),
                ("Start", start)
            );
            assert!(
                p[0].reason
                    .starts_with(&format!("is {what}, not a start time")),
                "{p:?}"
            );
        }
    }

    /// An activity has no custom fields: a column mapped to one is a note line, so a
    /// placeholder or a formula there is text, kept as written.
    #[test]
    fn a_placeholder_in_a_note_line_is_text() {
        let mut m = activity_map();
        for c in m.modules.values_mut().flat_map(|a| a.columns.iter_mut()) {
            if c.header == "Region" {
                c.target = custom("Region", ValueKind::Number);
            }
        }
        for region in ["N/A", "=B2"] {
            let p = plan(build(
                Module::Activities,
                &m,
                &act(&[("Region", region)]),
                &act_lookups(),
            ));
            let description = p.creates[0].params["activity"]["description"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(
                description.contains(&format!("Region: {region}")),
                "{description}"
            );
        }
    }

    #[test]
    fn no_end_ends_at_the_start_and_a_date_is_all_day() {
        let r = act(&[
            ("End", ""),
            ("Type", "WhatsApp"),
            ("Related To", "Company"),
            ("Related ID", "COMP-1"),
            ("Status", "Cancelled"),
            ("Region", "West"),
        ]);
        let p = plan(build(
            Module::Activities,
            &activity_map(),
            &r,
            &act_lookups(),
        ));
        let a = &p.creates[0].params["activity"];
        assert_eq!(a["endTime"], a["startTime"]);
        assert_eq!(a["status"], 2);
        assert!(a.get("leads").is_none());
        assert_eq!(
            a["description"],
            "Discussed \\@[price]\n\nRSoft type: WhatsApp\n\nAbout RSoft company COMP-1\n\nRegion: West\n\nRSoft activity ID: ACT-1"
        );
        assert!(p.caveats[0].contains("no end time"));
        let r = act(&[("Start", "13/01/2026"), ("End", "")]);
        let p = plan(build(
            Module::Activities,
            &activity_map(),
            &r,
            &act_lookups(),
        ));
        let a = &p.creates[0].params["activity"];
        assert_eq!(a["startTime"], "2026-01-13T00:00:00+05:30");
        assert_eq!(a["isAllDay"], true);
    }

    #[test]
    fn a_held_related_record_holds_and_bad_times_are_problems() {
        let mut l = act_lookups();
        with_record(
            &mut l,
            Module::Leads,
            "LEAD-3",
            EntityType::Leads,
            Resolution::Held("orphan".into()),
        );
        let reasons = held(build(Module::Activities, &activity_map(), &act(&[]), &l));
        assert!(
            reasons[0]
                .reason
                .contains("related lead LEAD-3 is not loaded: orphan")
        );
        let r = act(&[("End", "13/01/2026 07:00 PM"), ("Start", "")]);
        let p = problems(build(
            Module::Activities,
            &activity_map(),
            &r,
            &act_lookups(),
        ));
        assert!(p[0].reason.contains("no start time"), "{p:?}");
        let r = act(&[("End", "13/01/2026 07:00 PM")]);
        let p = problems(build(
            Module::Activities,
            &activity_map(),
            &r,
            &act_lookups(),
        ));
        assert_eq!(p[0].column, "End");
        assert!(p[0].reason.contains("ends before it starts"));
    }

    #[test]
    fn an_rsoft_note_is_a_note_with_its_time_and_author_first() {
        let mut l = act_lookups();
        l.anchors.insert(
            (Module::Leads, "LEAD-3".into()),
            Resolution::Found(RecordRef {
                entity_type: EntityType::Leads,
                id: 30,
            }),
        );
        let r = act(&[("Type", "Note"), ("Created On", "13/01/2026 07:43 PM")]);
        let p = plan(build(Module::Activities, &activity_map(), &r, &l));
        assert_eq!(p.creates.len(), 1);
        assert_eq!(
            p.creates[0].params,
            json!({
                "entity": {"entityType": "Leads", "id": 30},
                "note": "[RSoft note ACT-1 · 2026-01-13 19:43 Asia/Kolkata (+05:30) = 2026-01-13T14:13:00Z · by Anil Mehta <ANIL.MEHTA@acme.in>]\n\nPricing call\n\nDiscussed \\@[price]\n\nCreated On: 2026-01-13 19:43 Asia/Kolkata (+05:30) = 2026-01-13T14:13:00Z"
            })
        );
        l.anchors.clear();
        let reasons = held(build(Module::Activities, &activity_map(), &r, &l));
        assert_eq!(reasons[0].column, "Related ID");
        // A related id written `N/A` is none: the note fails, saying what the cell held.
        let r = act(&[("Type", "Note"), ("Related ID", "N/A")]);
        let p = problems(build(Module::Activities, &activity_map(), &r, &l));
        assert_eq!(
            (p[0].column.as_str(), p[0].value.as_str()),
            ("Related ID", "N/A")
        );
        assert!(
            p[0].reason
                .starts_with("is a placeholder for an unknown value, not a record"),
            "{p:?}"
        );
    }
}
