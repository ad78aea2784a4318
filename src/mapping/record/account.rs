//! RSoft Company → Nutshell Account (design.md §2): name, description, owner, urls, phones,
//! emails, address, tags, custom fields with the RSoft ID; note-line columns → a note on the
//! account. Nutshell's industry is an id into a catalogue the API cannot list, so an industry
//! column becomes a line of the description instead of being dropped.

use serde_json::{Map, Value};

use super::Plan;
use super::columns::{Context, Read, Stop};
use super::parts::{
    address, custom_fields, lines_note, list, paragraphs, put, record_create, tags,
};
use crate::nutshell::EntityType;

pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let mut body = Map::new();
    match read.text("Accounts.name") {
        Some(name) => {
            body.insert("name".into(), Value::from(name));
        }
        None => read.row_problem(
            "the company has no name (the column mapped to Accounts.name is blank or unmapped)",
        ),
    }
    let industry = read
        .text("Accounts.industry")
        .map(|i| format!("Industry: {i}"));
    let description = paragraphs(
        read.text("Accounts.description")
            .map(str::to_string)
            .into_iter()
            .chain(industry),
    );
    put(&mut body, "description", description.map(Value::from));
    put(&mut body, "owner", ctx.owner(&mut read));
    put(&mut body, "url", list(&read, "Accounts.url"));
    put(&mut body, "phone", list(&read, "Accounts.phone"));
    put(&mut body, "email", list(&read, "Accounts.email"));
    put(&mut body, "address", address(&read, EntityType::Accounts));
    put(&mut body, "tags", tags(&read));
    body.insert(
        "customFields".into(),
        custom_fields(&read, ctx.settings, &rsoft_id),
    );
    let mut creates = vec![record_create(EntityType::Accounts, body)];
    let lines = ctx.note_lines(&read, &[]);
    creates.extend(lines_note(
        ctx.module,
        &rsoft_id,
        lines,
        0,
        EntityType::Accounts,
    ));
    read.finish(Plan {
        creates,
        follow_ups: Vec::new(),
        caveats: Vec::new(),
        anchor: None,
    })
}
