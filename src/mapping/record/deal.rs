//! RSoft Deal → Nutshell Lead in its mapped pipeline and stage (docs/design.md §2, docs/nutshell-api.md):
//! `stagesetId` + `milestoneId` through the stage map, value with its currency (exact),
//! probability → `confidence`, expected close → `dueTime`, owner → `assignee`, primary account
//! and contacts, tags, custom fields with the RSoft ID. A won, lost or cancelled deal is created
//! open and closed by a follow-up `editLead` (no input creates a closed lead); its original close
//! date stays in whatever Date custom field the map sends a close-date column to. A deal that
//! names no company and no contact, or whose company or contact is missing or held, is held.
//!
//! [`lead_body`] and [`close_status`] are shared with RSoft leads ([`super::lead`]).

use serde_json::{Map, Value, json};

use super::columns::{Context, Read, Stop, Val, nutshell_time};
use super::parts::{array, custom_fields, lines_note, put, record_create, tags};
use super::{CloseStatus, FollowUp, Plan};
use crate::discovery::pipelines::{NO_PIPELINE, NO_STAGE};
use crate::mapping::catalogue::ValueMapKind;
use crate::mapping::model::{Target, stage_key};
use crate::nutshell::EntityType;

/// The plan for one row of this module, or why not (the rules are in this file's header).
pub fn build(ctx: &Context<'_>, mut read: Read) -> Result<Plan, Stop> {
    let rsoft_id = read.rsoft_id(ctx.module);
    if read.lookups_of(EntityType::Accounts).is_empty()
        && read.lookups_of(EntityType::Contacts).is_empty()
    {
        // A company or contact cell holding `N/A` names none: the reason says it was there.
        let written: Vec<String> = read
            .placeholders
            .iter()
            .filter(|(t, ..)| matches!(t, Target::Lookup { .. }))
            .map(|(_, c, p)| format!("{} {:?} is {}", c.header, c.text(), p.describe()))
            .collect();
        let written = if written.is_empty() {
            String::new()
        } else {
            format!(" ({})", written.join("; "))
        };
        read.row_hold(format!(
            "the deal names no company and no contact{written}: an orphan; add its company or contact in RSoft and export again, then release the hold",
        ));
    }
    let account = ctx.account(&mut read);
    let contacts = ctx.contacts(&mut read);
    let mut body = lead_body(ctx, &mut read, &rsoft_id);
    if let Some(id) = account {
        body.insert("primaryAccount".into(), json!({ "id": id }));
    }
    put(
        &mut body,
        "contacts",
        array(contacts.iter().map(|id| json!({ "id": id })).collect()),
    );
    let close = close_status(ctx, &mut read);
    let mut creates = vec![record_create(EntityType::Leads, body)];
    creates.extend(lines_note(
        ctx.module,
        &rsoft_id,
        ctx.note_lines(&read, &[]),
        0,
        EntityType::Leads,
    ));
    read.finish(Plan {
        creates,
        follow_ups: close
            .map(|status| FollowUp::CloseLead { lead: 0, status })
            .into_iter()
            .collect(),
        caveats: Vec::new(),
        anchor: None,
    })
}

/// The Lead body both RSoft leads and deals give: description, pipeline and stage, value,
/// confidence, due time, assignee, sources, tags, custom fields with the RSoft ID. Links to
/// accounts and contacts are the caller's.
pub fn lead_body(ctx: &Context<'_>, read: &mut Read, rsoft_id: &str) -> Map<String, Value> {
    let mut body = Map::new();
    put(
        &mut body,
        "description",
        read.json("Leads.description").cloned(),
    );
    if let Some(stage) = stage(ctx, read) {
        body.insert("stagesetId".into(), Value::from(stage.stageset_id));
        body.insert("milestoneId".into(), Value::from(stage.milestone_id));
    }
    put(&mut body, "value", value(read));
    put(&mut body, "confidence", confidence(read));
    if let Some((cell, Val::When(when))) = read.first("Leads.dueTime").cloned() {
        match nutshell_time(when, ctx.settings) {
            Ok(t) => {
                body.insert("dueTime".into(), Value::from(t));
            }
            Err(reason) => read.problem(&cell, reason),
        }
    }
    put(&mut body, "assignee", ctx.owner(read));
    put(&mut body, "sources", sources(ctx, read));
    put(&mut body, "tags", tags(read));
    body.insert(
        "customFields".into(),
        custom_fields(read, ctx.settings, rsoft_id),
    );
    body
}

/// The pipeline and stage through the stage map: the key is `Pipeline / Stage`; without a
/// pipeline column, the one entry whose stage is this one.
fn stage(ctx: &Context<'_>, read: &mut Read) -> Option<super::StageIds> {
    let (cell, _) = read.first("Leads.milestone").cloned()?;
    // Blank cells are keyed as discovery keys them, so the operator's entry for them holds.
    let stage = match cell.text() {
        "" => NO_STAGE,
        text => text,
    };
    let pipeline = read.first("Leads.stageset").map(|(c, _)| match c.text() {
        "" => NO_PIPELINE.to_string(),
        text => text.to_string(),
    });
    let key = match &pipeline {
        Some(p) => stage_key(p, stage),
        None => {
            let suffix = stage_key("", stage);
            let entries = ctx.map.values.get(&ValueMapKind::Stage);
            let matching: Vec<&str> = entries
                .into_iter()
                .flatten()
                .filter(|e| e.from.to_lowercase().ends_with(&suffix.to_lowercase()))
                .map(|e| e.from.as_str())
                .collect();
            match matching.as_slice() {
                [one] => one.to_string(),
                _ => stage.to_string(),
            }
        }
    };
    let entry = ctx.mapped(read, ValueMapKind::Stage, &cell, &key)?;
    let Some(stageset) = entry.stageset.as_deref().filter(|s| !s.trim().is_empty()) else {
        read.problem(
            &cell,
            format!(
                "the stage map entry {key:?} names no `stageset` (Nutshell pipeline): set it in [values.{}.stage]",
                ctx.module.as_str()
            ),
        );
        return None;
    };
    let found = ctx.lookups.stage(stageset, entry.to.trim());
    read.take(
        &cell,
        &format!(
            "Nutshell stage {:?} in pipeline {stageset:?}",
            entry.to.trim()
        ),
        found,
    )
}

/// `{currency, amount}`, read with the row's Currency column ([`super::row_amount`]).
fn value(read: &Read) -> Option<Value> {
    let (_, val) = read.first("Leads.value")?;
    let Val::Json(money) = val else { return None };
    Some(money.clone())
}

/// Confidence 0–100 as an integer (Nutshell takes no fraction): a fraction is rounded half up
/// with a caveat, a value out of range is a problem.
fn confidence(read: &mut Read) -> Option<Value> {
    let (cell, val) = read.first("Leads.confidence").cloned()?;
    let Val::Json(Value::Number(n)) = val else {
        return None;
    };
    let f = n.as_f64()?;
    if !(0.0..=100.0).contains(&f) {
        read.problem(&cell, "a probability must be 0 to 100");
        return None;
    }
    let rounded = f.round() as i64;
    if (rounded as f64 - f).abs() > f64::EPSILON {
        read.caveats.push(format!(
            "{}: confidence {} rounded to {rounded} (Nutshell takes whole percent)",
            cell.header,
            cell.text()
        ));
    }
    Some(Value::from(rounded))
}

/// `[{id}]` of the Nutshell sources named by `Leads.sources` cells.
fn sources(ctx: &Context<'_>, read: &mut Read) -> Option<Value> {
    let cells: Vec<_> = read
        .all("Leads.sources")
        .iter()
        .map(|(c, _)| c.clone())
        .collect();
    let mut ids = Vec::new();
    for cell in cells {
        let found = ctx.lookups.source(cell.text());
        if let Some(id) = read.take(&cell, "Nutshell source", found)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    array(ids.into_iter().map(|id| json!({ "id": id })).collect())
}

/// The close after create, through the lead-status map: `open` (or no status column) → none.
pub fn close_status(ctx: &Context<'_>, read: &mut Read) -> Option<CloseStatus> {
    let (cell, _) = read.first("Leads.status").cloned()?;
    let entry = ctx.mapped(read, ValueMapKind::LeadStatus, &cell, cell.text())?;
    match entry.to.trim() {
        "open" => None,
        "won" => Some(CloseStatus::Won),
        "lost" => Some(CloseStatus::Lost),
        "cancelled" => Some(CloseStatus::Cancelled),
        other => {
            read.problem(
                &cell,
                format!("lead status map gives {other:?}; use open, won, lost or cancelled"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::*;
    use crate::mapping::catalogue::ValueMapKind;
    use crate::mapping::model::{LookupKey, Target};
    use crate::mapping::record::{CloseStatus, FollowUp, Resolution, StageIds};
    use crate::nutshell::EntityType;
    use crate::rsoft::Module;

    fn deal_map() -> crate::mapping::model::FieldMap {
        use ValueMapKind::{LeadStatus, Stage};
        map(
            Module::Deals,
            &[
                ("Deal ID", Target::LegacyId),
                ("Deal Name", field("Leads.description")),
                ("Company ID", lookup(EntityType::Accounts, ById)),
                ("Contact ID", lookup(EntityType::Contacts, ById)),
                ("Pipeline", field("Leads.stageset")),
                ("Stage", field("Leads.milestone")),
                ("Amount", field("Leads.value")),
                ("Currency", field("Leads.value.currency")),
                ("Probability", field("Leads.confidence")),
                ("Close", field("Leads.dueTime")),
                ("Status", field("Leads.status")),
                ("Owner", lookup(EntityType::Users, ByOwner)),
            ],
            &[
                (
                    Stage,
                    "Sales / Qualification",
                    "Qualified",
                    Some("Sales Pipeline"),
                ),
                (Stage, "Sales / Won", "Won", Some("Sales Pipeline")),
                (
                    Stage,
                    "Sales / (no stage given)",
                    "Qualified",
                    Some("Sales Pipeline"),
                ),
                (
                    Stage,
                    "(no pipeline given) / Won",
                    "Won",
                    Some("Sales Pipeline"),
                ),
                (LeadStatus, "Open", "open", None),
                (LeadStatus, "Won", "won", None),
            ],
        )
    }

    fn deal_lookups() -> crate::mapping::record::MemoryLookups {
        let mut l = lookups();
        with_record(
            &mut l,
            Module::Companies,
            "COMP-1",
            EntityType::Accounts,
            found(5),
        );
        with_record(
            &mut l,
            Module::Contacts,
            "CONT-1",
            EntityType::Contacts,
            found(6),
        );
        with_users(&mut l, &[("Priya Sharma", 12)]);
        for (stage, m) in [("Qualified", 102), ("Won", 105)] {
            l.stages.insert(
                ("Sales Pipeline".into(), stage.into()),
                Resolution::Found(StageIds {
                    stageset_id: 1,
                    milestone_id: m,
                }),
            );
        }
        l
    }

    fn deal(cells: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        with(
            &[
                ("Deal ID", "DEAL-1"),
                ("Deal Name", "Racking"),
                ("Company ID", "COMP-1"),
                ("Contact ID", "CONT-1"),
                ("Pipeline", "Sales"),
                ("Stage", "Qualification"),
                ("Amount", "₹ 13,74,500.00"),
                ("Currency", "INR"),
                ("Probability", "25"),
                ("Close", "26-09-2025"),
                ("Status", "Open"),
                ("Owner", "Priya Sharma"),
            ],
            cells,
        )
    }

    /// A deal's contact named by an email beside a placeholder (`a@x.in; N/A`) is found by
    /// that address, the placeholder noted (the row failed as a bad address).
    #[test]
    fn a_contact_email_beside_a_placeholder_finds_the_contact() {
        let m = map(
            Module::Deals,
            &[
                ("Deal ID", Target::LegacyId),
                ("Deal Name", field("Leads.description")),
                (
                    "Contact Email",
                    lookup(EntityType::Contacts, LookupKey::Email),
                ),
            ],
            &[],
        );
        let mut l = lookups();
        l.contacts.insert("asha@x.in".into(), found(6));
        let r = row(&[
            ("Deal ID", "DEAL-9"),
            ("Deal Name", "Racking"),
            ("Contact Email", "Asha@X.in; N/A"),
        ]);
        let p = plan(build(Module::Deals, &m, &r, &l));
        assert_eq!(p.creates[0].params["lead"]["contacts"], json!([{"id": 6}]));
        assert!(
            p.caveats.iter().any(|c| c
                == "Contact Email: \"N/A\" of \"Asha@X.in; N/A\" is a placeholder for an unknown value; it was left out of lookup Contacts by Email"),
            "{:?}",
            p.caveats
        );
    }

    /// An amount is read in the row's Currency: `25000` beside `eur` is euros; an amount whose
    /// own mark names another currency (`1200 USD`, `$500` beside `INR`) is a problem on the
    /// Amount cell, never sent in either currency (trial 12; `map` checks it the same way).
    #[test]
    fn an_amount_marked_in_another_currency_than_its_row_is_a_problem() {
        let p = plan(build(
            Module::Deals,
            &deal_map(),
            &deal(&[("Amount", "25000"), ("Currency", "eur")]),
            &deal_lookups(),
        ));
        assert_eq!(
            p.creates[0].params["lead"]["value"],
            json!({"currency": "EUR", "amount": "25000"})
        );
        for amount in ["1200 USD", "$500"] {
            let p = problems(build(
                Module::Deals,
                &deal_map(),
                &deal(&[("Amount", amount)]),
                &deal_lookups(),
            ));
            assert_eq!(
                (
                    p[0].column.as_str(),
                    p[0].value.as_str(),
                    p[0].reason.as_str()
                ),
                (
                    "Amount",
                    amount,
                    "the amount is in USD but the Currency column says INR"
                ),
                "{p:?}"
            );
        }
    }

    /// A close-date column decided as spreadsheet serials (`excel_serial` in `[formats.deals]`)
    /// gives the same dueTime as the written date; a written date in it fails, naming the cell
    /// (trial 10).
    #[test]
    fn a_serial_close_date_column_reads_serials() {
        use crate::mapping::model::{FormatEntry, Status};
        let mut m = deal_map();
        if let Some(deals) = m.modules.get_mut(&Module::Deals) {
            deals.formats.push(FormatEntry {
                header: "Close".into(),
                number_format: None,
                date_order: None,
                percent_scale: None,
                excel_serial: true,
                evidence: "all 1 values are spreadsheet serial day numbers".into(),
                status: Status::Proposed,
            });
        }
        // 45926 days after 1899-12-30 is 2025-09-26, the written date of `deal`.
        let p = plan(build(
            Module::Deals,
            &m,
            &deal(&[("Close", "45926")]),
            &deal_lookups(),
        ));
        assert_eq!(
            p.creates[0].params["lead"]["dueTime"],
            "2025-09-26T00:00:00+05:30"
        );
        let p = problems(build(Module::Deals, &m, &deal(&[]), &deal_lookups()));
        assert_eq!(
            (p[0].column.as_str(), p[0].value.as_str()),
            ("Close", "26-09-2025")
        );
        assert!(p[0].reason.contains("excel_serial"), "{p:?}");
    }

    /// Cells operators and spreadsheets damage: a placeholder (`N/A`, `TBD`) in a typed field
    /// is a blank named in a caveat; ids with characters no one sees (`COMP-1` + U+200B) link
    /// as the id; a formula is a failed value, named as one; a placeholder company beside no
    /// contact holds the deal, saying the cell held a placeholder.
    #[test]
    fn placeholders_are_blank_ids_lose_invisible_characters_and_formulas_fail() {
        let p = plan(build(
            Module::Deals,
            &deal_map(),
            &deal(&[
                ("Deal ID", "\u{feff}DEAL-1\u{200b}"),
                ("Company ID", "COMP-1\u{200b}"),
                ("Contact ID", "\u{2060}CONT-1"),
                ("Amount", "N/A"),
                ("Close", "tbd"),
                ("Probability", "-"),
            ]),
            &deal_lookups(),
        ));
        let lead = &p.creates[0].params["lead"];
        assert_eq!(lead["primaryAccount"], json!({"id": 5}));
        assert_eq!(lead["contacts"], json!([{"id": 6}]));
        assert_eq!(lead["customFields"], json!({"RSoft ID": "DEAL-1"}));
        for absent in ["value", "dueTime", "confidence"] {
            assert!(lead.get(absent).is_none(), "{absent}: {lead}");
        }
        for caveat in [
            "Amount: \"N/A\" is a placeholder for an unknown value; Leads.value was left blank",
            "Close: \"tbd\" is a placeholder for an unknown value; Leads.dueTime was left blank",
        ] {
            assert!(p.caveats.iter().any(|c| c == caveat), "{:?}", p.caveats);
        }
        let p = problems(build(
            Module::Deals,
            &deal_map(),
            &deal(&[("Amount", "=G2*1.18")]),
            &deal_lookups(),
        ));
        assert_eq!(
            (p[0].column.as_str(), p[0].value.as_str()),
            ("Amount", "=G2*1.18")
        );
        assert!(
            p[0].reason
                .starts_with("a spreadsheet formula, not its value"),
            "{p:?}"
        );
        let h = held(build(
            Module::Deals,
            &deal_map(),
            &deal(&[("Company ID", "N/A"), ("Contact ID", "")]),
            &deal_lookups(),
        ));
        assert!(
            h[0].reason.starts_with(
                "the deal names no company and no contact (Company ID \"N/A\" is a placeholder for an unknown value)"
            ),
            "{h:?}"
        );
    }

    #[test]
    fn a_deal_is_a_lead_in_its_pipeline_and_stage() {
        let p = plan(build(
            Module::Deals,
            &deal_map(),
            &deal(&[]),
            &deal_lookups(),
        ));
        assert_eq!(
            p.creates[0].params,
            json!({"lead": {
                "description": "Racking",
                "stagesetId": 1,
                "milestoneId": 102,
                "value": {"currency": "INR", "amount": "1374500.00"},
                "confidence": 25,
                "dueTime": "2025-09-26T00:00:00+05:30",
                "assignee": {"entityType": "Users", "id": 12},
                "customFields": {"RSoft ID": "DEAL-1"},
                "primaryAccount": {"id": 5},
                "contacts": [{"id": 6}]
            }})
        );
        assert!(p.follow_ups.is_empty());
    }

    /// A blank Stage or Pipeline is the stage map's `(no stage given)` / `(no pipeline given)`
    /// key, so the operator's entry for it holds: the deal never loads without a stage, nor
    /// fails as unmapped (trial 9 r30).
    #[test]
    fn a_blank_stage_or_pipeline_loads_through_its_stage_map_entry() {
        for (cells, milestone) in [
            (&[("Stage", "")][..], 102),
            (
                &[("Pipeline", ""), ("Stage", "Won"), ("Status", "Open")][..],
                105,
            ),
        ] {
            let p = plan(build(
                Module::Deals,
                &deal_map(),
                &deal(cells),
                &deal_lookups(),
            ));
            let lead = &p.creates[0].params["lead"];
            assert_eq!(lead["stagesetId"], 1, "{cells:?}");
            assert_eq!(lead["milestoneId"], milestone, "{cells:?}");
        }
    }

    #[test]
    fn a_won_deal_is_created_open_then_closed() {
        let r = deal(&[("Stage", "Won"), ("Status", "Won"), ("Probability", "62.5")]);
        let p = plan(build(Module::Deals, &deal_map(), &r, &deal_lookups()));
        let lead = &p.creates[0].params["lead"];
        assert!(lead.get("status").is_none());
        assert_eq!(lead["milestoneId"], 105);
        assert_eq!(lead["confidence"], 63);
        assert!(p.caveats.iter().any(|c| c.contains("rounded to 63")));
        assert_eq!(
            p.follow_ups,
            [FollowUp::CloseLead {
                lead: 0,
                status: CloseStatus::Won
            }]
        );
        assert_eq!(CloseStatus::Won.code(), 10);
    }

    #[test]
    fn orphans_are_held_and_bad_values_are_problems() {
        let l = deal_lookups();
        let orphan = deal(&[("Company ID", ""), ("Contact ID", "")]);
        let reasons = held(build(Module::Deals, &deal_map(), &orphan, &l));
        assert!(reasons[0].reason.contains("orphan"), "{reasons:?}");
        let missing = deal(&[("Company ID", "COMP-404")]);
        let reasons = held(build(Module::Deals, &deal_map(), &missing, &l));
        assert_eq!(reasons[0].value, "COMP-404");
        let bad = deal(&[
            ("Amount", "$5000"),
            ("Probability", "140"),
            ("Stage", "Nowhere"),
        ]);
        let p = problems(build(Module::Deals, &deal_map(), &bad, &l));
        let columns: Vec<&str> = p.iter().map(|p| p.column.as_str()).collect();
        // The amount (in its row's currency) and the probability are refused as they are
        // read, the stage as the lead is put together.
        assert_eq!(columns, ["Amount", "Probability", "Stage"], "{p:#?}");
        assert!(p[0].reason.contains("USD") && p[0].reason.contains("INR"));
        assert!(p[1].reason.contains("above 100"));
        assert!(p[2].reason.contains("[values.deals.stage]"));
    }
}
