//! RSoft Activity → a Nutshell Activity, or a Note for RSoft note activities (design.md §2,
//! nutshell-api.md "What the load must know").
//!
//! - Calls, meetings, emails, SMS…: an Activity of the mapped type at its original start and end
//!   (declared zone → UTC), status through the activity-status map (no status column: logged),
//!   participants (the owner as a user, the related contact or the RSoft lead's person) and lead
//!   links (a related deal or lead). No end time: it ends at its start (a caveat says so). A date
//!   without a time is an all-day activity on that day in the export's zone. Activities have no
//!   custom fields: the RSoft ID, an RSoft type the map folded into another (WhatsApp → Phone
//!   Call) and a related company or ticket (which an activity cannot link) go into the
//!   description.
//! - Type mapped to `(note)`: `newNote` on the related record, its first line carrying the
//!   original time with zone and the author.
//!
//! A related record that is missing or held holds the row.

use serde_json::{Map, Value, json};

use super::columns::{Cell, Context, Read, Stop, Val, moment, nutshell_time};
use super::parts::{
    array, choice, note_on, paragraphs, put, record_create, record_word, rsoft_id_line,
};
use super::text::{escape_mentions, note_header, when_for_people};
use super::{Plan, RecordRef, Role};
use crate::mapping::catalogue::{Entity, ValueMapKind};
use crate::mapping::model::AS_NOTE;
use crate::nutshell::EntityType;
use crate::rsoft::Module;

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
    put(&mut body, "participants", array(participants));
    put(&mut body, "leads", array(related.leads));
    let folded_type = (!entry.to.trim().eq_ignore_ascii_case(type_cell.text()))
        .then(|| escape_mentions(&format!("RSoft type: {}", type_cell.text())));
    let description = paragraphs(
        read.text("Activities.description")
            .map(str::to_string)
            .into_iter()
            .chain(folded_type)
            .chain(related.lines)
            .chain(ctx.note_lines(&read, &[]))
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
        read.row_problem(
            "the activity has no start time (Nutshell needs one): map a column to Activities.startTime or fill it in",
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
    let all_day = matches!(start, crate::mapping::transform::When::Date(_));
    let pair = (moment(start, ctx.settings), moment(end, ctx.settings));
    match pair {
        (Ok(s), Ok(e)) if e < s => {
            read.problem(
                &end_cell,
                format!("ends before it starts ({})", start_cell.text()),
            );
        }
        (Err(reason), _) => read.problem(&start_cell, reason),
        (_, Err(reason)) => read.problem(&end_cell, reason),
        _ => {}
    }
    for (key, w, cell) in [
        ("startTime", start, &start_cell),
        ("endTime", end, &end_cell),
    ] {
        match nutshell_time(w, ctx.settings) {
            Ok(t) => {
                body.insert(key.into(), Value::from(t));
            }
            Err(reason) => read.problem(cell, reason),
        }
    }
    if all_day {
        body.insert("isAllDay".into(), Value::from(true));
    }
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
    let what = format!("related {} {id}", record_word(module));
    let find = |read: &mut Read, entity_type: EntityType| {
        let found = ctx.lookups.record(module, &id, entity_type);
        read.take(&cell, &what, found)
    };
    match module {
        Module::Contacts => {
            if let Some(c) = find(read, EntityType::Contacts) {
                out.participants
                    .push(json!({"entityType": EntityType::Contacts, "id": c}));
            }
        }
        Module::Leads => {
            if let Some(l) = find(read, EntityType::Leads) {
                out.leads.push(json!({ "id": l }));
            }
            if let Some(c) = find(read, EntityType::Contacts) {
                out.participants
                    .push(json!({"entityType": EntityType::Contacts, "id": c}));
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
                    record_word(module)
                )));
            }
        }
        _ => read.problem(
            &cell,
            format!("an activity cannot be related to a {}", record_word(module)),
        ),
    }
    out
}

/// An RSoft note activity → `newNote` on the related record.
fn note(ctx: &Context<'_>, mut read: Read, rsoft_id: &str) -> Result<Plan, Stop> {
    let Some((module, id_cell)) = related_key(&mut read) else {
        read.row_problem(
            "an RSoft note must belong to a record: its related module and id are blank",
        );
        return read.finish(empty_plan());
    };
    let id = id_cell.text();
    let found = ctx.lookups.note_anchor(module, id);
    let anchor: Option<RecordRef> = read.take(
        &id_cell,
        &format!("related {} {id}", record_word(module)),
        found,
    );
    let source = &ctx.settings.source;
    let when = read
        .first("Activities.startTime")
        .map(|(c, _)| when_for_people(c.text(), source.order, source.zone));
    let author = read
        .lookups_of(Entity::Users)
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
            .chain(ctx.note_lines(&read, &[])),
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
