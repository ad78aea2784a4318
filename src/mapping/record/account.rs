//! RSoft Company → Nutshell Account (docs/design.md §2): name, description, owner, urls, phones,
//! emails, address, tags, custom fields with the RSoft ID; note-line columns → a note on the
//! account. Nutshell's industry is an id into a catalogue the API cannot list, so an industry
//! column becomes a line of the description instead of being dropped.

use serde_json::{Map, Value};

use super::Plan;
use super::columns::{Context, Read, Stop};
use super::parts::{
    address, custom_fields, keep_email_names, lines_note, list, paragraphs, put, record_create,
    tags,
};
use crate::nutshell::EntityType;

/// The plan for one row of this module, or why not (the rules are in this file's header).
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
    let name = read.text("Accounts.name").map(str::to_string);
    keep_email_names(&mut read, name.as_deref());
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::catalogue::ValueKind;
    use crate::mapping::model::Target;
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    fn company_map() -> crate::mapping::model::FieldMap {
        map(
            Module::Companies,
            &[
                ("Company ID", Target::LegacyId),
                ("Company Name", field("Accounts.name")),
                ("Industry", field("Accounts.industry")),
                ("Phone", field("Accounts.phone")),
                ("Alt Phone", field("Accounts.phone")),
                ("Website", field("Accounts.url")),
                ("City", field("Accounts.address.city")),
                ("Owner", lookup(EntityType::Users, ByOwner)),
                ("Tags", Target::Tags),
                ("Turnover", custom("Annual Turnover", ValueKind::Money)),
                ("Remarks", note("Remarks")),
                ("Modified On", Target::Ignore),
            ],
            &[],
        )
    }

    #[test]
    fn a_company_becomes_an_account_with_its_note() {
        let mut l = lookups();
        with_users(&mut l, &[("ravi@acme.in", 7)]);
        let r = row(&[
            ("Company ID", " COMP-1 "),
            ("Company Name", "Sharma Textiles @[Contacts:1]"),
            ("Industry", "Textiles"),
            ("Phone", "022-6016 5994"),
            ("Alt Phone", "+91 22 6016 5994"),
            ("Website", "www.sharma.in"),
            ("City", "Mumbai"),
            ("Owner", "ravi@acme.in"),
            ("Tags", "vip; VIP, key account"),
            ("Turnover", "₹ 3,50,00,000"),
            ("Remarks", "see Lead-12"),
            ("Modified On", "whatever"),
        ]);
        let p = plan(build(Module::Companies, &company_map(), &r, &l));
        assert_eq!(p.creates.len(), 2);
        assert_eq!(
            p.creates[0].params,
            json!({"account": {
                "name": "Sharma Textiles \\@[Contacts:1]",
                "description": "Industry: Textiles",
                "owner": {"entityType": "Users", "id": 7},
                "url": ["www.sharma.in"],
                "phone": ["+912260165994"],
                "address": [{"city": "Mumbai"}],
                "tags": ["vip", "key account"],
                "customFields": {
                    "Annual Turnover": {"currency": "INR", "amount": "35000000"},
                    "RSoft ID": "COMP-1"
                }
            }})
        );
        let note = &p.creates[1];
        assert_eq!(note.entity_type, EntityType::Notes);
        assert_eq!(
            note.params,
            json!({"entity": {"entityType": "Accounts", "id": null}, "note": "[RSoft company COMP-1]\nRemarks: see Lead #12"})
        );
        assert_eq!(
            p.params_with(1, &[42]).unwrap()["entity"]["id"],
            42,
            "the note is filled with the account's id"
        );
    }

    #[test]
    fn bad_values_are_problems_and_an_unknown_owner_holds() {
        let l = lookups();
        let r = row(&[
            ("Company ID", "COMP-2"),
            ("Company Name", "Acme"),
            ("Owner", "nobody@acme.in"),
        ]);
        let reasons = held(build(Module::Companies, &company_map(), &r, &l));
        assert_eq!(reasons.len(), 1);
        assert_eq!(reasons[0].column, "Owner");
        assert!(reasons[0].reason.contains("owners.toml"));

        let r = row(&[
            ("Company ID", "COMP-3"),
            ("Company Name", ""),
            ("Phone", "12"),
            ("Owner", "nobody@acme.in"),
        ]);
        let p = problems(build(Module::Companies, &company_map(), &r, &l));
        assert!(p.iter().any(|p| p.column == "Phone" && p.value == "12"));
        assert!(p.iter().any(|p| p.reason.contains("no name")));
        // Problems win over a hold: a released row would still fail.
        assert!(p.iter().all(|p| p.column != "Owner"));
    }

    #[test]
    fn a_column_sent_where_a_company_has_no_place_is_a_problem_not_a_drop() {
        let m = map(
            Module::Companies,
            &[
                ("Company ID", Target::LegacyId),
                ("Company Name", field("Accounts.name")),
                ("Contact Email", field("Contacts.email")),
                ("Parent", lookup(EntityType::Accounts, ById)),
                ("Blank", field("Leads.description")),
            ],
            &[],
        );
        let r = row(&[
            ("Company ID", "COMP-1"),
            ("Company Name", "Acme"),
            ("Contact Email", "a@b.in"),
            ("Parent", "COMP-0"),
            ("Blank", ""),
        ]);
        let p = problems(build(Module::Companies, &m, &r, &lookups()));
        let columns: Vec<&str> = p.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["Contact Email", "Parent"], "{p:#?}");
        assert!(p[0].reason.contains("Contacts.email"));
    }
}
