//! RSoft Contact → Nutshell Contact linked to its Account (by RSoft company id, else normalised
//! name): name, job title, description, owner, emails, phones, address, tags, custom fields
//! (lifecycle stage among them) with the RSoft ID; note-line columns → a note on the contact.
//! The person of an RSoft lead is built here too ([`contact_body`]).

use serde_json::{Map, Value, json};

use super::Plan;
use super::columns::{Context, Read, Stop};
use super::parts::{
    address, custom_fields, keep_email_names, lines_note, list, put, record_create, tags,
};
use crate::mapping::transform::split_full_name;
use crate::nutshell::EntityType;

/// The plan for one row of this module, or why not (the rules are in this file's header).
pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    let name = person_name(&mut read);
    if name.is_none() {
        read.row_problem(
            "the contact has no name: no column mapped to Contacts.name, givenName or familyName has a value",
        );
    }
    let account = ctx.account(&mut read);
    let mut body = contact_body(ctx, &mut read, name, account);
    put(&mut body, "tags", tags(&read));
    body.insert(
        "customFields".into(),
        custom_fields(&read, ctx.settings, &rsoft_id),
    );
    let mut creates = vec![record_create(EntityType::Contacts, body)];
    let lines = ctx.note_lines(&read, &[]);
    creates.extend(lines_note(
        ctx.module,
        &rsoft_id,
        lines,
        0,
        EntityType::Contacts,
    ));
    read.finish(Plan {
        creates,
        follow_ups: Vec::new(),
        caveats: Vec::new(),
        anchor: None,
    })
}

/// The person's display name from `Contacts.name` (a full name, `Family, Given` read right,
/// honorifics dropped) or `Contacts.givenName` + `Contacts.familyName`. Nutshell takes `name` as
/// one string and splits it itself (docs/nutshell-api.md). `None` when no such column has a value; a
/// full name the transform rejects is a problem.
pub fn person_name(read: &mut Read) -> Option<String> {
    if let Some((cell, _)) = read.first("Contacts.name").cloned() {
        return match split_full_name(cell.text()) {
            Ok(n) => Some(join_name(&n.given, n.family.as_deref())),
            Err(e) => {
                read.problem(&cell, e.reason);
                None
            }
        };
    }
    let given = read.text("Contacts.givenName").map(str::to_string);
    let family = read.text("Contacts.familyName").map(str::to_string);
    match (given, family) {
        (None, None) => None,
        (Some(g), f) => Some(join_name(&g, f.as_deref())),
        (None, Some(f)) => Some(f),
    }
}

/// `Given Family`, or the given name alone.
pub fn join_name(given: &str, family: Option<&str>) -> String {
    match family {
        Some(f) => format!("{given} {f}"),
        None => given.to_string(),
    }
}

/// A Contact body from the row's `Contacts.*` values: `name` (when known), job title,
/// description, owner, emails, phones, address, `accounts` (when `account` is given). Tags and
/// custom fields are the caller's: on an RSoft lead they belong to the Lead. An email's display
/// name other than the person's goes to the note lines ([`keep_email_names`]).
pub fn contact_body(
    ctx: &Context<'_>,
    read: &mut Read,
    name: Option<String>,
    account: Option<i64>,
) -> Map<String, Value> {
    keep_email_names(read, name.as_deref());
    let mut body = Map::new();
    put(&mut body, "name", name.map(Value::from));
    put(
        &mut body,
        "jobTitle",
        read.json("Contacts.jobTitle").cloned(),
    );
    put(
        &mut body,
        "description",
        read.json("Contacts.description").cloned(),
    );
    put(&mut body, "owner", ctx.owner(read));
    put(&mut body, "email", list(read, "Contacts.email"));
    put(&mut body, "phone", list(read, "Contacts.phone"));
    put(&mut body, "address", address(read, EntityType::Contacts));
    put(
        &mut body,
        "accounts",
        account.map(|id| json!([{ "id": id }])),
    );
    body
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::catalogue::{ValueKind, ValueMapKind};
    use crate::mapping::model::Target;
    use crate::mapping::record::Resolution;
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    fn contact_map() -> crate::mapping::model::FieldMap {
        map(
            Module::Contacts,
            &[
                ("Contact ID", Target::LegacyId),
                ("First Name", field("Contacts.givenName")),
                ("Last Name", field("Contacts.familyName")),
                ("Email", field("Contacts.email")),
                ("Company ID", lookup(EntityType::Accounts, ById)),
                ("Company Name", lookup(EntityType::Accounts, ByName)),
                (
                    "Lifecycle Stage",
                    custom("Lifecycle Stage", ValueKind::Choice),
                ),
                ("Birthday", custom("Birthday", ValueKind::Date)),
            ],
            &[(ValueMapKind::LifecycleStage, "Customer", "Client", None)],
        )
    }

    #[test]
    fn a_cell_of_several_emails_gives_several_emails() {
        let r = row(&[
            ("Contact ID", "CONT-7"),
            ("First Name", "Asha"),
            ("Email", "asha@x.in; Asha.K@X.IN\nasha@home.in"),
        ]);
        let p = plan(build(Module::Contacts, &contact_map(), &r, &lookups()));
        assert_eq!(
            p.creates[0].params["contact"]["email"],
            json!(["asha@x.in", "Asha.K@x.in", "asha@home.in"])
        );
        // A cell that is not a list of addresses is a problem as a whole, not a silent drop.
        let r = row(&[
            ("Contact ID", "CONT-8"),
            ("First Name", "Asha"),
            ("Email", "asha@x.in; not-an-address@"),
        ]);
        let p = problems(build(Module::Contacts, &contact_map(), &r, &lookups()));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].value, "asha@x.in; not-an-address@");
        assert!(
            p[0].reason
                .contains("\"not-an-address@\" is no address: no domain after '@'"),
            "{p:?}"
        );
    }

    /// A placeholder among a cell's emails or phones (`a@x.in; N/A`, `+91 98200 12345 / -`) is
    /// left out with a note, as a whole-cell one is, and the values beside it are sent (the
    /// record failed as a bad address or number before); a cell of placeholders only is blank.
    #[test]
    fn a_placeholder_among_emails_or_phones_is_left_out_with_a_note() {
        let map = map(
            Module::Contacts,
            &[
                ("Contact ID", Target::LegacyId),
                ("First Name", field("Contacts.givenName")),
                ("Email", field("Contacts.email")),
                ("Work Email", field("Contacts.email")),
                ("Phone", field("Contacts.phone")),
            ],
            &[],
        );
        let r = row(&[
            ("Contact ID", "CONT-10"),
            ("First Name", "Asha"),
            ("Email", "asha@x.in; N/A"),
            ("Work Email", "N/A, asha@work.in"),
            ("Phone", "+91 98200 12345 / -"),
        ]);
        let p = plan(build(Module::Contacts, &map, &r, &lookups()));
        let contact = &p.creates[0].params["contact"];
        assert_eq!(contact["email"], json!(["asha@x.in", "asha@work.in"]));
        assert_eq!(contact["phone"], json!(["+919820012345"]));
        for note in [
            "Email: \"N/A\" of \"asha@x.in; N/A\" is a placeholder for an unknown value; it was left out of Contacts.email",
            "Work Email: \"N/A\" of \"N/A, asha@work.in\" is a placeholder",
            "Phone: \"-\" of \"+91 98200 12345 / -\" is a placeholder for an unknown value; it was left out of Contacts.phone",
        ] {
            assert!(
                p.caveats.iter().any(|c| c.starts_with(note)),
                "{note}: {:?}",
                p.caveats
            );
        }
        let r = row(&[
            ("Contact ID", "CONT-11"),
            ("First Name", "Asha"),
            ("Phone", "N/A / -"),
        ]);
        let p = plan(build(Module::Contacts, &map, &r, &lookups()));
        assert_eq!(p.creates[0].params["contact"].get("phone"), None);
        assert!(
            p.caveats
                .iter()
                .any(|c| c == "Phone: \"N/A / -\" is a placeholder for an unknown value; Contacts.phone was left blank"),
            "{:?}",
            p.caveats
        );
    }

    /// A phone with an extension goes to Nutshell as `+E164 xEXT`, in the row's country; an
    /// email written `Name <address>` gives the address, and a name that is not the contact's
    /// stays in the contact's note (both failed the row before).
    #[test]
    fn extensions_and_display_names_are_read_apart() {
        let map = map(
            Module::Contacts,
            &[
                ("Contact ID", Target::LegacyId),
                ("First Name", field("Contacts.givenName")),
                ("Last Name", field("Contacts.familyName")),
                ("Email", field("Contacts.email")),
                ("Phone", field("Contacts.phone")),
                ("Country", field("Contacts.address.country")),
            ],
            &[],
        );
        let r = row(&[
            ("Contact ID", "CONT-9"),
            ("First Name", "Ravi"),
            ("Last Name", "Kumar"),
            (
                "Email",
                "\"Kumar, Ravi\" <ravi@acme.in>; Accounts Desk <AP@acme.in>",
            ),
            ("Phone", "022-4000-1234 ext. 12; +44 20 7946 0000 #204"),
            ("Country", "India"),
        ]);
        let p = plan(build(Module::Contacts, &map, &r, &lookups()));
        let contact = &p.creates[0].params["contact"];
        assert_eq!(contact["email"], json!(["ravi@acme.in", "AP@acme.in"]));
        assert_eq!(
            contact["phone"],
            json!(["+912240001234 x12", "+442079460000 x204"])
        );
        // The contact's own name, family first, is no note; the desk's name is.
        assert_eq!(p.creates.len(), 2, "{:?}", p.creates);
        let note = p.creates[1].params["note"].as_str().unwrap();
        assert!(
            note.ends_with("\nEmail: Accounts Desk <AP@acme.in>"),
            "{note}"
        );
        assert!(!note.contains("Kumar, Ravi"), "{note}");
        let r = row(&[
            ("Contact ID", "CONT-9"),
            ("First Name", "Ravi"),
            ("Email", "Ravi Kumar"),
            ("Phone", "98765 43210 ext"),
        ]);
        let p = problems(build(Module::Contacts, &map, &r, &lookups()));
        let reasons: Vec<&str> = p.iter().map(|c| c.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "a name without an address",
                "an extension mark with no digits after it"
            ]
        );
    }

    /// A national number is read in the row's own Country (trial 9: a German customer's
    /// `030 …` became +91 30 …, a number in India), else in the export's default country.
    #[test]
    fn phones_are_read_in_the_rows_country() {
        let map = map(
            Module::Contacts,
            &[
                ("Contact ID", Target::LegacyId),
                ("First Name", field("Contacts.givenName")),
                ("Mobile", field("Contacts.phone")),
                ("Country", field("Contacts.address.country")),
            ],
            &[],
        );
        let phone_of = |country: &str, mobile: &str| {
            let r = row(&[
                ("Contact ID", "CONT-9"),
                ("First Name", "Asha"),
                ("Mobile", mobile),
                ("Country", country),
            ]);
            plan(build(Module::Contacts, &map, &r, &lookups()))
        };
        for (country, mobile, want) in [
            ("Germany", "030 1234 5678", "+493012345678"),
            ("United States", "(415) 555-0134", "+14155550134"),
            ("UAE", "04 123 4567", "+97141234567"),
            ("India", "98765 43210", "+919876543210"),
            ("", "98765 43210", "+919876543210"),
            // An explicit country code wins over the row's Country.
            ("Germany", "+91 98765 43210", "+919876543210"),
        ] {
            let p = phone_of(country, mobile);
            assert_eq!(
                p.creates[0].params["contact"]["phone"],
                json!([want]),
                "{country:?} {mobile:?}"
            );
            assert!(p.caveats.is_empty(), "{:?}", p.caveats);
        }
        // A Country naming no known country: read in the default, and said so.
        let p = phone_of("Atlantis", "98765 43210");
        assert_eq!(
            p.creates[0].params["contact"]["phone"],
            json!(["+919876543210"])
        );
        assert!(
            p.caveats
                .iter()
                .any(|c| c.contains("\"Atlantis\" is no country")),
            "{:?}",
            p.caveats
        );
    }

    #[test]
    fn linked_to_its_account_by_id_else_by_name() {
        let mut l = lookups();
        with_record(
            &mut l,
            Module::Companies,
            "COMP-1",
            EntityType::Accounts,
            found(5),
        );
        l.accounts.insert("sharma textiles".into(), found(6));
        let r = row(&[
            ("Contact ID", "CONT-1"),
            ("First Name", "Lakshmi"),
            ("Last Name", "D'Souza"),
            ("Email", "L.DSouza@Gmail.COM"),
            ("Company ID", "COMP-1"),
            ("Company Name", "Sharma Textiles Pvt Ltd"),
            ("Lifecycle Stage", "customer"),
            ("Birthday", "31-12-1990"),
        ]);
        let p = plan(build(Module::Contacts, &contact_map(), &r, &l));
        assert_eq!(
            p.creates[0].params,
            json!({"contact": {
                "name": "Lakshmi D'Souza",
                "email": ["L.DSouza@gmail.com"],
                "accounts": [{"id": 5}],
                "customFields": {"Lifecycle Stage": "Client", "Birthday": "1990-12-31", "RSoft ID": "CONT-1"}
            }})
        );
        // The id is unknown (its company row failed): the name finds the account, said so.
        let r2 = row(&[
            ("Contact ID", "CONT-2"),
            ("First Name", "Ravi"),
            ("Company ID", "COMP-9"),
            ("Company Name", "SHARMA TEXTILES PRIVATE LIMITED"),
        ]);
        let p = plan(build(Module::Contacts, &contact_map(), &r2, &l));
        assert_eq!(
            p.creates[0].params["contact"]["accounts"],
            json!([{"id": 6}])
        );
        assert!(p.caveats[0].contains("COMP-9"));
        assert_eq!(p.caveats.len(), 1, "{:?}", p.caveats);
        // An account no company of the export became (only Nutshell has it): linked, and said.
        l.only_in_nutshell.insert(6);
        let p = plan(build(Module::Contacts, &contact_map(), &r2, &l));
        assert_eq!(
            p.creates[0].params["contact"]["accounts"],
            json!([{"id": 6}])
        );
        assert!(
            p.caveats[1].starts_with(
                "linked by name \"SHARMA TEXTILES PRIVATE LIMITED\" to account 6, already in Nutshell"
            ),
            "{:?}",
            p.caveats
        );
        // A held company holds the contact.
        with_record(
            &mut l,
            Module::Companies,
            "COMP-9",
            EntityType::Accounts,
            Resolution::Held("bad row".into()),
        );
        let reasons = held(build(Module::Contacts, &contact_map(), &r2, &l));
        assert!(
            reasons[0]
                .reason
                .contains("its company is not loaded: bad row")
        );
    }

    #[test]
    fn no_name_and_unmapped_lifecycle_are_problems() {
        let l = lookups();
        let r = row(&[
            ("Contact ID", "CONT-3"),
            ("Email", "a@b.in"),
            ("Lifecycle Stage", "Evangelist"),
        ]);
        let p = problems(build(Module::Contacts, &contact_map(), &r, &l));
        assert!(p.iter().any(|p| p.reason.contains("has no name")));
        assert!(
            p.iter()
                .any(|p| p.column == "Lifecycle Stage" && p.reason.contains("lifecycle_stage"))
        );
    }
}
