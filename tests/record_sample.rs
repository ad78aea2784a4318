//! The record builder over the whole bundled sample export, with the proposer's map accepted as
//! proposed and a simulated load answering the lookups in dependency order: every row ends in
//! exactly one of plan / hold / problems, the orphan deal is held with its reason, and payloads
//! are exact (E.164 phones, UTC instants from IST, exact money, stage ids, links). The counts are
//! printed (`--nocapture`).

mod record_support;

use std::collections::BTreeMap;

use crm_migrate::mapping::record::{
    Built, CloseStatus, FollowUp, Plan, Role, build_record, rsoft_id,
};
use crm_migrate::nutshell::EntityType;
use crm_migrate::rsoft::{Export, Module};
use record_support::{ORDER, SAMPLE, SimulatedLoad, india, rows, sample_map};
use serde_json::{Value, json};

struct Outcomes {
    by_id: BTreeMap<(Module, String), Built>,
    /// Module → (plans, holds, problems, rows).
    counts: BTreeMap<Module, [usize; 4]>,
}

fn load_sample() -> Outcomes {
    let export = Export::open(SAMPLE).unwrap();
    let map = sample_map(&export);
    let settings = india();
    let mut load = SimulatedLoad::new(&export);
    let mut by_id = BTreeMap::new();
    let mut counts = BTreeMap::new();
    for module in ORDER {
        let c: &mut [usize; 4] = counts.entry(module).or_default();
        for (line, row) in rows(&export, module) {
            let built = build_record(module, &row, &map, &settings, &load.lookups);
            let again = build_record(module, &row, &map, &settings, &load.lookups);
            assert_eq!(built, again, "{module} line {line}: not deterministic");
            c[3] += 1;
            match &built {
                Built::Plan(plan) => {
                    c[0] += 1;
                    assert!(!plan.creates.is_empty(), "{module} line {line}: empty plan");
                    assert_eq!(
                        plan.creates
                            .iter()
                            .filter(|p| p.role == Role::Record)
                            .count(),
                        1,
                        "{module} line {line}: one record per row"
                    );
                }
                Built::Hold { reasons } => {
                    c[1] += 1;
                    assert!(
                        !reasons.is_empty(),
                        "{module} line {line}: a hold without reason"
                    );
                }
                Built::Problems { problems } => {
                    c[2] += 1;
                    assert!(
                        !problems.is_empty(),
                        "{module} line {line}: no problem named"
                    );
                }
            }
            let id = rsoft_id(module, &row, &map).unwrap_or_else(|| format!("line {line}"));
            load.apply(module, &id, &built);
            assert!(
                by_id.insert((module, id.clone()), built).is_none(),
                "{module}: {id} twice"
            );
        }
    }
    Outcomes { by_id, counts }
}

fn plan<'a>(o: &'a Outcomes, module: Module, id: &str) -> &'a Plan {
    match &o.by_id[&(module, id.to_string())] {
        Built::Plan(p) => p,
        other => panic!("{module} {id}: {other:#?}"),
    }
}

fn body<'a>(plan: &'a Plan, key: &str) -> &'a Value {
    &plan.record().expect("a record create").params[key]
}

#[test]
fn every_row_ends_in_exactly_one_state_with_exact_payloads() {
    let o = load_sample();
    for (module, [plans, holds, problems, rows]) in &o.counts {
        eprintln!(
            "{module}: {rows} rows = {plans} planned + {holds} held + {problems} with problems"
        );
        assert_eq!(plans + holds + problems, *rows, "{module}");
        assert!(*rows > 0, "{module} has rows in the sample");
    }
    for ((module, id), built) in &o.by_id {
        if let Built::Problems { problems } = built {
            for p in problems {
                eprintln!(
                    "  problem {module} {id}: {:?} = {:?}: {}",
                    p.column, p.value, p.reason
                );
            }
        }
        if let Built::Hold { reasons } = built {
            for r in reasons {
                eprintln!(
                    "  held {module} {id}: {:?} = {:?}: {}",
                    r.column, r.value, r.reason
                );
            }
        }
    }

    // The orphan deal: its company and contact are in no file of the export.
    match &o.by_id[&(Module::Deals, "DEAL-4014".to_string())] {
        Built::Hold { reasons } => {
            let cells: Vec<&str> = reasons.iter().map(|r| r.value.as_str()).collect();
            assert!(cells.contains(&"COMP-1026"), "{reasons:?}");
            assert!(cells.contains(&"CONT-2041"), "{reasons:?}");
            assert!(
                reasons.iter().all(|r| r.reason.contains("loaded")),
                "{reasons:?}"
            );
        }
        other => panic!("DEAL-4014 must be held: {other:#?}"),
    }

    // A company: E.164 phone, owner, legacy id, tags, custom fields.
    let comp = plan(&o, Module::Companies, "COMP-1001");
    let account = body(comp, "account");
    assert_eq!(account["name"], "Sharma Textiles Pvt. Ltd.");
    assert_eq!(account["phone"], json!(["+912260165994"]));
    assert_eq!(account["owner"], json!({"entityType": "Users", "id": 14}));
    assert_eq!(account["customFields"]["RSoft ID"], "COMP-1001");
    assert_eq!(account["customFields"]["GST Number"], "27EHDCD3230O1ZJ");
    assert_eq!(
        account["customFields"]["Annual Turnover"],
        json!({"currency": "INR", "amount": "35000000"})
    );
    assert_eq!(account["customFields"]["RSoft Created On"], "2024-07-18");
    assert_eq!(account["tags"], json!(["key account"]));
    assert_eq!(account["address"][0]["postalCode"], "400089");

    // A deal: exact money from "₹ 13,74,500.00", stage ids, confidence, due date kept on its
    // calendar day in IST, assignee, primary account and contact.
    let deal = plan(&o, Module::Deals, "DEAL-4001");
    let lead = body(deal, "lead");
    assert_eq!(
        lead["value"],
        json!({"currency": "INR", "amount": "1374500.00"})
    );
    assert_eq!(lead["stagesetId"], 1);
    assert_eq!(lead["milestoneId"], 102);
    assert_eq!(lead["confidence"], 25);
    assert_eq!(lead["dueTime"], "2025-09-26T00:00:00+05:30");
    assert_eq!(lead["assignee"], json!({"entityType": "Users", "id": 12}));
    assert!(lead["primaryAccount"]["id"].is_i64(), "{lead}");
    assert!(lead["contacts"][0]["id"].is_i64(), "{lead}");
    assert!(deal.follow_ups.is_empty());
    // Won and lost deals are created open, then closed.
    let lost = plan(&o, Module::Deals, "DEAL-4003");
    assert_eq!(
        lost.follow_ups,
        [FollowUp::CloseLead {
            lead: 0,
            status: CloseStatus::Lost
        }]
    );
    assert!(body(lost, "lead").get("status").is_none());
    assert_eq!(body(lost, "lead")["value"]["amount"], "278500");
    let usd = o
        .by_id
        .values()
        .filter_map(|b| match b {
            Built::Plan(p) => p.record(),
            _ => None,
        })
        .filter(|c| c.params["lead"]["value"]["currency"] == "USD")
        .count();
    assert_eq!(usd, 2, "the two USD deals keep their currency");

    // An RSoft lead: the person first (named by Lead Name), then the lead naming it, its
    // description derived from the person and the source (no column gives one).
    let l = plan(&o, Module::Leads, "LEAD-3001");
    assert_eq!(l.creates[0].role, Role::Person);
    assert_eq!(l.creates[0].entity_type, EntityType::Contacts);
    let person = &l.creates[0].params["contact"];
    assert_eq!(person["name"], "Bhavna Joshi");
    assert_eq!(person["email"], json!(["bhavna871@gmail.com"]));
    assert_eq!(person["phone"], json!(["+916426512144"]));
    assert_eq!(person["customFields"], json!({"RSoft ID": "LEAD-3001"}));
    assert!(
        l.caveats
            .iter()
            .any(|c| c.contains("description") && c.contains("Bhavna Joshi (Trade Show)")),
        "{:?}",
        l.caveats
    );
    let lead = &l.creates[1];
    assert_eq!(
        lead.params["lead"]["description"],
        "Bhavna Joshi (Trade Show)"
    );
    assert_eq!(lead.fills[0].pointer, "/lead/contacts/0/id");
    assert_eq!(lead.fills[0].from, 0);
    assert_eq!(
        l.params_with(1, &[77]).unwrap()["lead"]["contacts"][0]["id"],
        77
    );
    assert_eq!(lead.params["lead"]["customFields"]["Lead Score"], 85);
    assert!(lead.params["lead"]["sources"][0]["id"].is_i64());
    // A lead whose company is no account yet makes the account first, and links to it.
    let lost_lead = plan(&o, Module::Leads, "LEAD-3003");
    let roles: Vec<Role> = lost_lead.creates.iter().map(|c| c.role).collect();
    assert_eq!(roles, [Role::Company, Role::Person, Role::Record]);
    assert_eq!(
        lost_lead.creates[0].params["account"]["name"],
        "Mahalaxmi Tours & Travels"
    );
    let with_ids = lost_lead.params_with(2, &[501, 502]).unwrap();
    assert_eq!(with_ids["lead"]["primaryAccount"]["id"], 501);
    assert_eq!(with_ids["lead"]["contacts"][0]["id"], 502);
    assert_eq!(
        lost_lead.params_with(1, &[501]).unwrap()["contact"]["accounts"][0]["id"],
        501
    );
    assert!(
        lost_lead.params_with(2, &[501]).is_none(),
        "a fill needs its create's id"
    );
    assert_eq!(
        lost_lead.follow_ups,
        [FollowUp::CloseLead {
            lead: 2,
            status: CloseStatus::Lost
        }]
    );

    // A converted lead: its person is the contact with that email (linked, not created again),
    // it is closed won, and its conversion record is a note on the lead.
    let converted = plan(&o, Module::Leads, "LEAD-3004");
    let roles: Vec<Role> = converted.creates.iter().map(|c| c.role).collect();
    assert_eq!(roles, [Role::Record, Role::Note]);
    let cont_2006 = plan(&o, Module::Contacts, "CONT-2006");
    assert_eq!(
        cont_2006.record().unwrap().params["contact"]["email"],
        json!(["vikram.joshi@indussteel.in"])
    );
    assert!(converted.creates[0].params["lead"]["contacts"][0]["id"].is_i64());
    assert!(converted.creates[0].fills.is_empty());
    assert_eq!(
        converted.follow_ups,
        [FollowUp::CloseLead {
            lead: 0,
            status: CloseStatus::Won
        }]
    );
    let note = &converted.creates[1];
    assert_eq!(note.fills[0].pointer, "/entity/id");
    assert_eq!(note.params["entity"]["entityType"], "Leads");
    let text = note.params["note"].as_str().unwrap();
    assert!(text.starts_with("[RSoft lead LEAD #3004]\n"), "{text}");
    assert!(text.contains("Converted On: 2024-10-08"), "{text}");
    assert!(text.contains("Converted Deal ID: DEAL-4003"), "{text}");

    // An activity at its original time, IST → UTC; no end time: it ends at its start.
    let act = plan(&o, Module::Activities, "ACT-5002");
    let a = body(act, "activity");
    assert_eq!(a["startTime"], "2025-08-03T08:50:00Z");
    assert_eq!(a["endTime"], "2025-08-03T08:50:00Z");
    assert_eq!(a["status"], 0, "Planned → scheduled");
    assert_eq!(a["activityTypeId"], 1, "SMS → Phone Call");
    assert!(
        a["description"]
            .as_str()
            .unwrap()
            .contains("RSoft activity ID: ACT-5002")
    );
    assert!(
        a["description"]
            .as_str()
            .unwrap()
            .contains("RSoft type: SMS")
    );
    assert!(act.caveats.iter().any(|c| c.contains("no end time")));
    assert_eq!(
        a["participants"][0],
        json!({"entityType": "Users", "id": 13})
    );

    // Every RSoft note activity became a note whose first line has its time with zone.
    let notes: Vec<&Plan> = o
        .by_id
        .iter()
        .filter(|((m, _), _)| *m == Module::Activities)
        .filter_map(|(_, b)| match b {
            Built::Plan(p) if p.creates[0].entity_type == EntityType::Notes => Some(p),
            _ => None,
        })
        .collect();
    assert!(!notes.is_empty());
    for n in &notes {
        let text = n.creates[0].params["note"].as_str().unwrap();
        let first = text.lines().next().unwrap();
        assert!(first.starts_with("[RSoft note ACT-"), "{first}");
        assert!(first.contains("Asia/Kolkata (+05:30) = "), "{first}");
        assert!(first.contains(" · by "), "{first}");
    }

    // Tickets: open → a task about its contact; closed → never silently an open task.
    let mut closed = 0;
    for ((m, id), b) in &o.by_id {
        if *m != Module::Tickets {
            continue;
        }
        let Built::Plan(p) = b else { continue };
        let task = body(p, "task");
        assert!(task["description"].as_str().unwrap().contains(id.as_str()));
        if task["title"]
            .as_str()
            .unwrap()
            .starts_with("[Closed in RSoft]")
        {
            closed += 1;
            assert_eq!(p.creates[1].entity_type, EntityType::Notes, "{id}");
        }
        assert_eq!(task["entity"]["entityType"], "Contacts", "{id}");
        assert!(p.anchor.is_some());
    }
    assert!(closed > 0, "the sample has closed tickets");

    // Ticket messages: notes on the ticket's contact, first line with time, zone and sender.
    let msg = plan(&o, Module::TicketMessages, "MSG-7001");
    let note = &msg.creates[0].params;
    assert_eq!(note["entity"]["entityType"], "Contacts");
    let first = note["note"].as_str().unwrap().lines().next().unwrap();
    assert_eq!(
        first,
        "[RSoft message MSG-7001 on ticket TKT-6001 · 2025-12-27 13:45 Asia/Kolkata (+05:30) = 2025-12-27T08:15:00Z · by manoj.nair@orionpackaging.in]"
    );
}
