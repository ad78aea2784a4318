//! An adversarial audit of the sandbox against docs/nutshell-api.md: every rule, on every entity type
//! and every field it applies to, not only the first one a happy path meets.

mod sandbox_support;

use std::time::Duration;

use crm_migrate::sandbox::{
    Knobs, METHOD_NOT_FOUND, NOT_FOUND, RecordKind, STALE_REV, STALE_REV_MESSAGE, SandboxOptions,
};
use sandbox_support::{
    Rpc, id_named, id_params, ids, invalid, open, open_as, open_saving, smd, start_knobs,
    start_with, state_options,
};
use serde_json::{Value, json};

const START: &str = "2024-07-18T12:00:00+0000";
const END: &str = "2024-07-18T12:30:00+0000";

/// Each call is refused as invalid params, its message naming the case's words and `also`.
async fn all_refused(rpc: &Rpc, cases: &[(&str, Value, &str)], also: &[&str]) {
    for (method, params, word) in cases {
        let r = rpc.fail(method, params.clone()).await;
        let words: Vec<&str> = [*word].into_iter().chain(also.iter().copied()).collect();
        invalid(&r, &words);
    }
}

/// One live record of each editable kind: (Title, param, created record).
async fn one_of_each(rpc: &Rpc) -> Vec<(&'static str, &'static str, Value)> {
    let account = rpc.new_account("Audit Ltd").await;
    let contact = rpc.new_contact("Audit Person").await;
    let lead = rpc.new_lead("Audit lead").await;
    let activity = rpc
        .ok(
            "newActivity",
            json!({"activity": {"name": "Audit call", "startTime": START, "endTime": END}}),
        )
        .await;
    let task = rpc
        .ok("newTask", json!({"task": {"title": "Audit task"}}))
        .await;
    vec![
        ("Account", "account", account),
        ("Contact", "contact", contact),
        ("Lead", "lead", lead),
        ("Activity", "activity", activity),
        ("Task", "task", task),
    ]
}

/// A harmless edit for each kind.
fn small_edit(param: &str) -> Value {
    json!({"description": format!("{param} edited")})
}

#[tokio::test]
async fn every_edit_and_delete_checks_the_rev() {
    let (sb, rpc) = open().await;
    for (title, param, record) in one_of_each(&rpc).await {
        let id_key = format!("{param}Id");
        let id = record["id"].clone();
        let old = record["rev"].clone();
        let mut edit = json!({"rev": old, param: small_edit(param)});
        edit[&id_key] = id.clone();
        let edited = rpc.ok(&format!("edit{title}"), edit.clone()).await;
        assert_ne!(edited["rev"], old, "{title}: rev bumped");
        for method in [format!("edit{title}"), format!("delete{title}")] {
            let mut params = edit.clone();
            if method.starts_with("delete") {
                params.as_object_mut().unwrap().remove(param);
            }
            let r = rpc.fail(&method, params).await;
            assert_eq!(
                (r.status, r.code()),
                (409, STALE_REV),
                "{method}: {}",
                r.text
            );
            assert_eq!(r.message(), STALE_REV_MESSAGE);
        }
        assert_eq!(
            rpc.get(title, &id).await,
            edited,
            "{title}: a stale call changes nothing"
        );
    }
    let lead = rpc.ok("findLeads", json!({})).await[0]["id"].clone();
    let note = rpc.new_note("Leads", &lead, "n").await;
    let r = rpc
        .fail("deleteNote", json!({"noteId": note["id"], "rev": "0"}))
        .await;
    assert_eq!((r.status, r.code()), (409, STALE_REV));
    assert_eq!(sb.live_count(RecordKind::Notes), 1);
}

#[tokio::test]
async fn deleted_records_vanish_everywhere() {
    let (sb, rpc) = open().await;
    rpc.rest_field("contacts", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    let account = rpc
        .ok(
            "newAccount",
            json!({"account": {"name": "Vanish Ltd", "email": ["hq@vanish.in"]}}),
        )
        .await;
    let contact = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Vera Nish", "email": ["vera@vanish.in"],
                               "accounts": [{"id": account["id"]}],
                               "customFields": {"RSoft ID": "C-9"}}}),
        )
        .await;
    let lead = rpc.new_lead("Vanishing deal").await;
    let activity = rpc
        .ok(
            "newActivity",
            json!({"activity": {"name": "Vanish call", "startTime": START, "endTime": END,
                                "leads": [{"id": lead["id"]}]}}),
        )
        .await;
    let task = rpc
        .ok(
            "newTask",
            json!({"task": {"title": "Vanish task", "entity": {"entityType": "Leads", "id": lead["id"]}}}),
        )
        .await;
    let note = rpc.new_note("Leads", &lead["id"], "vanish").await;
    for (title, param, r) in [
        ("Activity", "activity", &activity),
        ("Task", "task", &task),
        ("Note", "note", &note),
        ("Contact", "contact", &contact),
        ("Lead", "lead", &lead),
        ("Account", "account", &account),
    ] {
        rpc.delete(title, r).await;
        // get, edit and delete of a deleted record: not found.
        let get = id_params(title, &r["id"]);
        let mut p = get.clone();
        p["rev"] = r["rev"].clone();
        let mut calls = vec![
            (format!("get{title}"), get),
            (format!("delete{title}"), p.clone()),
        ];
        if title != "Note" {
            let mut edit = p.clone();
            edit[param] = json!({"description": "back"});
            calls.push((format!("edit{title}"), edit));
        }
        for (method, params) in calls {
            let f = rpc.fail(&method, params).await;
            assert_eq!(
                (f.status, f.code()),
                (404, NOT_FOUND),
                "{method}: {}",
                f.text
            );
            assert!(
                f.message().starts_with(&format!("Bad {title} ID")),
                "{}",
                f.message()
            );
        }
    }
    for (method, query) in [
        ("findAccounts", json!({"id": account["id"]})),
        ("findAccounts", json!({"name": "Vanish Ltd"})),
        ("findAccounts", json!({"email": "hq@vanish.in"})),
        ("findContacts", json!({"accountId": account["id"]})),
        ("findContacts", json!({"email": "vera@vanish.in"})),
        ("findContacts", json!({"customFields": {"RSoft ID": "C-9"}})),
        ("findLeads", json!({"id": lead["id"]})),
        ("findActivities", json!({"leadId": lead["id"]})),
        (
            "findTasks",
            json!({"entity": {"entityType": "Leads", "id": lead["id"]}}),
        ),
    ] {
        for stubs in [true, false] {
            let found = rpc
                .ok(method, json!({"query": query, "stubResponses": stubs}))
                .await;
            assert_eq!(found, json!([]), "{method} {query}");
        }
    }
    for (method, s) in [
        ("searchAccounts", "Vanish"),
        ("searchContacts", "Vera"),
        ("searchContacts", "vera@vanish.in"),
        ("searchLeads", "Vanishing"),
    ] {
        assert_eq!(
            rpc.ok(method, json!({"string": s})).await,
            json!([]),
            "{method}"
        );
    }
    for email in ["hq@vanish.in", "vera@vanish.in"] {
        let hits = rpc
            .ok("searchByEmail", json!({"emailAddressString": email}))
            .await;
        assert_eq!(hits, json!({"contacts": [], "accounts": [], "users": []}));
    }
    assert_eq!(sb.live_count(RecordKind::Notes), 0);
    assert_eq!(sb.deleted_count(RecordKind::Notes), 1);
}

#[tokio::test]
async fn every_reference_must_name_a_live_record_of_its_kind() {
    let (sb, rpc, ravi) = open_as("ravi@acme.in").await;
    let gone_account = rpc.new_account("Gone Ltd").await;
    let gone_contact = rpc.new_contact("Gone Person").await;
    let gone_lead = rpc.new_lead("Gone deal").await;
    for (title, r) in [
        ("Account", &gone_account),
        ("Contact", &gone_contact),
        ("Lead", &gone_lead),
    ] {
        rpc.delete(title, r).await;
    }
    let (a, c, l) = (
        gone_account["id"].clone(),
        gone_contact["id"].clone(),
        gone_lead["id"].clone(),
    );
    let missing = json!(424242);
    let times = |mut v: Value| {
        v["startTime"] = json!(START);
        v["endTime"] = json!(END);
        v
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "newAccount",
            json!({"account": {"name": "X", "owner": {"entityType": "Users", "id": missing}}}),
            "Bad User ID",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "owner": {"entityType": "Users", "id": c}}}),
            "Bad User ID",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "contacts": [{"id": c}]}}),
            "Bad Contact ID",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "owner": {"entityType": "Users", "id": missing}}}),
            "Bad User ID",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "accounts": [{"id": a}]}}),
            "Bad Account ID",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "leads": [{"id": l}]}}),
            "Bad Lead ID",
        ),
        (
            "newLead",
            json!({"lead": {"primaryAccount": {"id": a}}}),
            "Bad Account ID",
        ),
        (
            "newLead",
            json!({"lead": {"accounts": [{"id": a}]}}),
            "Bad Account ID",
        ),
        (
            "newLead",
            json!({"lead": {"contacts": [{"id": c}]}}),
            "Bad Contact ID",
        ),
        (
            "newLead",
            json!({"lead": {"assignee": {"entityType": "Users", "id": missing}}}),
            "Bad User ID",
        ),
        (
            "newLead",
            json!({"lead": {"assignee": {"entityType": "Users", "id": a}}}),
            "Bad User ID",
        ),
        (
            "newLead",
            json!({"lead": {"sources": [{"id": missing}]}}),
            "Bad Source ID",
        ),
        (
            "newLead",
            json!({"lead": {"sources": [{"id": ravi}]}}),
            "Bad Source ID",
        ),
        (
            "newLead",
            json!({"lead": {"milestoneId": missing}}),
            "Bad Milestone ID",
        ),
        (
            "newLead",
            json!({"lead": {"stagesetId": ravi}}),
            "Bad Stageset ID",
        ),
        (
            "newActivity",
            json!({"activity": times(json!({"activityTypeId": missing}))}),
            "Bad Activity Type ID",
        ),
        (
            "newActivity",
            json!({"activity": times(json!({"participants": [{"entityType": "Contacts", "id": c}]}))}),
            "Bad Contact ID",
        ),
        (
            "newActivity",
            json!({"activity": times(json!({"participants": [{"entityType": "Users", "id": missing}]}))}),
            "Bad User ID",
        ),
        (
            "newActivity",
            json!({"activity": times(json!({"leads": [{"id": l}]}))}),
            "Bad Lead ID",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "entity": {"entityType": "Leads", "id": l}}}),
            "Bad Lead ID",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "entity": {"entityType": "Contacts", "id": c}}}),
            "Bad Contact ID",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "entity": {"entityType": "Accounts", "id": a}}}),
            "Bad Account ID",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "assignee": {"entityType": "Users", "id": missing}}}),
            "Bad User ID",
        ),
        (
            "newNote",
            json!({"entity": {"entityType": "Leads", "id": l}, "note": "x"}),
            "Bad Lead ID",
        ),
        (
            "newNote",
            json!({"entity": {"entityType": "Contacts", "id": c}, "note": "x"}),
            "Bad Contact ID",
        ),
        (
            "newNote",
            json!({"entity": {"entityType": "Contacts", "id": missing}, "note": "x"}),
            "Bad Contact ID",
        ),
    ];
    all_refused(&rpc, &cases, &[]).await;
    // The sandbox has no industries, account types or territories: an id into them is bad.
    for (key, title) in [
        ("industryId", "Bad Industry ID"),
        ("accountTypeId", "Bad Account Type ID"),
        ("territoryId", "Bad Territory ID"),
    ] {
        let mut account = json!({"name": "X"});
        account[key] = json!(1);
        let r = rpc.fail("newAccount", json!({"account": account})).await;
        invalid(&r, &[key, title]);
    }
    // Edits are held to the same rules.
    let lead = rpc.new_lead("Live").await;
    let r = rpc
        .fail(
            "editLead",
            json!({"leadId": lead["id"], "rev": lead["rev"], "lead": {"contacts": [{"id": c}]}}),
        )
        .await;
    invalid(&r, &["lead.contacts[0].id", "Bad Contact ID"]);
    assert_eq!(sb.live_count(RecordKind::Accounts), 1);
    assert_eq!(sb.live_count(RecordKind::Contacts), 0);
    assert_eq!(sb.live_count(RecordKind::Leads), 1);
    for e in [RecordKind::Activities, RecordKind::Tasks, RecordKind::Notes] {
        assert_eq!(sb.live_count(e), 0, "{e:?}");
    }
}

#[tokio::test]
async fn naive_timestamps_are_refused_on_every_time_field() {
    let (sb, rpc) = open().await;
    rpc.rest_field("leads", json!({"name": "Closed On", "type": "Date"}))
        .await;
    let made = rpc
        .rest_field("leads", json!({"name": "Demo At", "type": "DateTime"}))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let naive = "2024-07-18T12:00:00";
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "newActivity",
            json!({"activity": {"startTime": naive, "endTime": END}}),
            "activity.startTime",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": naive}}),
            "activity.endTime",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": "2024-07-18", "endTime": END}}),
            "activity.startTime",
        ),
        (
            "newLead",
            json!({"lead": {"dueTime": naive}}),
            "lead.dueTime",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "dueTime": "2024-07-18 12:00:00"}}),
            "task.dueTime",
        ),
        (
            "newLead",
            json!({"lead": {"customFields": {"Demo At": naive}}}),
            "Demo At",
        ),
        (
            "findActivities",
            json!({"query": {"startTime": naive}}),
            "query.startTime",
        ),
        (
            "findActivities",
            json!({"query": {"endTime": naive}}),
            "query.endTime",
        ),
        (
            "findLeads",
            json!({"query": {"dueTime": naive}}),
            "query.dueTime",
        ),
    ];
    all_refused(&rpc, &cases, &[]).await;
    // A Date field takes a calendar date and nothing else; a DateTime field an instant.
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"customFields": {"Closed On": "2024-07-18T00:00:00+0000"}}}),
        )
        .await;
    invalid(&r, &["Closed On", "Date"]);
    let lead = rpc
        .ok(
            "newLead",
            json!({"lead": {"customFields": {"Closed On": "2024-07-18", "Demo At": "2024-07-18T17:30:00+05:30"}}}),
        )
        .await;
    assert_eq!(lead["customFields"]["Closed On"], "2024-07-18");
    assert_eq!(lead["customFields"]["Demo At"], "2024-07-18T12:00:00+0000");
    // Edits too.
    let act = rpc
        .ok(
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END}}),
        )
        .await;
    let task = rpc.ok("newTask", json!({"task": {"title": "T"}})).await;
    let edits: Vec<(&str, Value, &str)> = vec![
        (
            "editActivity",
            json!({"activityId": act["id"], "rev": act["rev"], "activity": {"endTime": naive}}),
            "activity.endTime",
        ),
        (
            "editTask",
            json!({"taskId": task["id"], "rev": task["rev"], "task": {"dueTime": naive}}),
            "task.dueTime",
        ),
        (
            "editLead",
            json!({"leadId": lead["id"], "rev": lead["rev"], "lead": {"dueTime": naive}}),
            "lead.dueTime",
        ),
    ];
    all_refused(&rpc, &edits, &["no UTC offset"]).await;
    assert_eq!(sb.live_count(RecordKind::Leads), 1);
}

#[tokio::test]
async fn unknown_keys_are_refused_at_every_depth() {
    let (sb, rpc, ravi) = open_as("ravi@acme.in").await;
    let account = rpc.ok("findAccounts", json!({})).await[0]["id"].clone();
    let contact = rpc.new_contact("Key Person").await["id"].clone();
    let lead = rpc.new_lead("Key deal").await["id"].clone();
    let user = json!({"entityType": "Users", "id": ravi, "name": "Ravi"});
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "newAccount",
            json!({"account": {"name": "X", "website": "x.in"}}),
            "website",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "owner": user}}),
            "account.owner",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "address": {"HQ": {"street": "1 MG Road"}}}}),
            "street",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "contacts": [{"id": contact, "role": "Buyer"}]}}),
            "role",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "title": "Ms"}}),
            "title",
        ),
        (
            "newContact",
            json!({"contact": {"name": {"givenName": "A", "middleName": "B"}}}),
            "middleName",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "accounts": [{"id": account, "role": "Buyer"}]}}),
            "role",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "leads": [{"id": lead, "relationship": "x"}]}}),
            "relationship",
        ),
        (
            "newContact",
            json!({"contact": {"name": "X", "address": [{"zip": "560001"}]}}),
            "zip",
        ),
        ("newLead", json!({"lead": {"amount": 5}}), "amount"),
        (
            "newLead",
            json!({"lead": {"value": {"currency": "INR", "amount": 5, "tax": 1}}}),
            "tax",
        ),
        (
            "newLead",
            json!({"lead": {"assignee": user}}),
            "lead.assignee",
        ),
        (
            "newLead",
            json!({"lead": {"primaryAccount": {"id": account, "name": "S"}}}),
            "lead.primaryAccount",
        ),
        (
            "newLead",
            json!({"lead": {"accounts": [{"id": account, "relationship": "x"}]}}),
            "relationship",
        ),
        (
            "newLead",
            json!({"lead": {"contacts": [{"id": contact, "x": 1}]}}),
            "lead.contacts[0]",
        ),
        (
            "newLead",
            json!({"lead": {"sources": [{"id": 1, "name": "Web"}]}}),
            "lead.sources[0]",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "location": "HQ"}}),
            "location",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "participants": [user]}}),
            "participants[0]",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "leads": [{"id": lead, "x": 1}]}}),
            "leads[0]",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "priority": 1}}),
            "priority",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "assignee": user}}),
            "task.assignee",
        ),
        (
            "newTask",
            json!({"task": {"title": "T", "entity": {"entityType": "Leads", "id": lead, "x": 1}}}),
            "task.entity",
        ),
        (
            "newNote",
            json!({"entity": {"entityType": "Leads", "id": lead, "x": 1}, "note": "n"}),
            "entity",
        ),
        (
            "newTag",
            json!({"tag": {"name": "VIP", "entityType": "Leads", "colour": "red"}}),
            "colour",
        ),
        (
            "findLeads",
            json!({"query": {"assignee": [user]}}),
            "query.assignee",
        ),
        (
            "findTasks",
            json!({"query": {"entity": {"entityType": "Leads", "id": lead, "x": 1}}}),
            "query.entity",
        ),
    ];
    all_refused(&rpc, &cases, &["unknown key"]).await;
    assert_eq!(sb.live_count(RecordKind::Accounts), 1);
    assert_eq!(sb.live_count(RecordKind::Contacts), 1);
    assert_eq!(sb.live_count(RecordKind::Leads), 1);
}

#[tokio::test]
async fn invalid_values_are_refused() {
    let (sb, rpc) = open().await;
    let times = json!({"startTime": START, "endTime": END});
    let cases: Vec<(&str, Value, &str)> = vec![
        ("newAccount", json!({"account": {"name": ""}}), "account"),
        ("newAccount", json!({"account": {"name": "   "}}), "account"),
        (
            "newAccount",
            json!({"account": {"name": 7}}),
            "account.name",
        ),
        (
            "newContact",
            json!({"contact": {"name": ""}}),
            "contact.name",
        ),
        ("newContact", json!({"contact": {}}), "name"),
        ("newTask", json!({"task": {"title": " "}}), "title"),
        ("newTask", json!({"task": {}}), "title"),
        (
            "newActivity",
            json!({"activity": {"endTime": END}}),
            "startTime",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": END, "endTime": START}}),
            "endTime",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "status": 3}}),
            "activity.status",
        ),
        (
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "isAllDay": "yes"}}),
            "activity.isAllDay",
        ),
        (
            "newLead",
            json!({"lead": {"confidence": -1}}),
            "lead.confidence",
        ),
        (
            "newLead",
            json!({"lead": {"confidence": "50"}}),
            "lead.confidence",
        ),
        (
            "newLead",
            json!({"lead": {"confidence": 50.5}}),
            "lead.confidence",
        ),
        ("newLead", json!({"lead": {"status": "won"}}), "lead.status"),
        (
            "newLead",
            json!({"lead": {"value": {"currency": "INR", "amount": -5}}}),
            "lead.value.amount",
        ),
        (
            "newLead",
            json!({"lead": {"value": {"currency": "INR", "amount": "lots"}}}),
            "lead.value.amount",
        ),
        (
            "newLead",
            json!({"lead": {"value": {"currency": "INR"}}}),
            "lead.value.amount",
        ),
        (
            "newLead",
            json!({"lead": {"value": {"currency": "inr", "amount": 5}}}),
            "lead.value.currency",
        ),
        ("newLead", json!({"lead": {"value": 5000}}), "lead.value"),
        (
            "newContact",
            json!({"contact": {"name": "A B", "email": {"Work": "a@@b.in"}}}),
            "contact.email.Work",
        ),
        (
            "newContact",
            json!({"contact": {"name": "A B", "email": {"Work": {"address": "a@b.in"}}}}),
            "contact.email.Work",
        ),
        (
            "newContact",
            json!({"contact": {"name": "A B", "email": 7}}),
            "contact.email",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "email": ["info@x"]}}),
            "account.email.1",
        ),
        (
            "newContact",
            json!({"contact": {"name": "A B", "phone": {"Work": ""}}}),
            "contact.phone.Work",
        ),
        (
            "newContact",
            json!({"contact": {"name": "A B", "phone": ["call me"]}}),
            "contact.phone.1",
        ),
        (
            "newContact",
            json!({"contact": {"name": "A B", "phone": [9845000000u64]}}),
            "contact.phone.1",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "phone": {"Work": {"number": "+91 80 1"}}}}),
            "account.phone.Work",
        ),
        (
            "newAccount",
            json!({"account": {"name": "X", "tags": [""]}}),
            "account.tags[0]",
        ),
        (
            "newLead",
            json!({"lead": {"assignee": {"entityType": "Contacts", "id": 1}}}),
            "lead.assignee.entityType",
        ),
    ];
    all_refused(&rpc, &cases, &[]).await;
    // On an edit, the merged record is what must hold: no moving the end before the start, no
    // clearing a required time.
    let act = rpc.ok("newActivity", json!({"activity": times})).await;
    for change in [
        json!({"endTime": "2024-07-18T11:00:00+0000"}),
        json!({"startTime": "2024-07-18T13:00:00+0000"}),
        json!({"startTime": null}),
    ] {
        let r = rpc
            .fail(
                "editActivity",
                json!({"activityId": act["id"], "rev": act["rev"], "activity": change}),
            )
            .await;
        assert_eq!(r.status, 400, "{change}: {}", r.text);
    }
    let phone = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Phone Ok", "phone": {"Work": "+91 (80) 1234-5678 x12",
                                                              "Home": "98450-00000 / 080-2345"}}}),
        )
        .await;
    let work = &phone["phone"]["Work"];
    assert_eq!(work["E164"], "+918012345678", "{phone:#}");
    assert_eq!(work["extension"], "12", "{phone:#}");
    assert_eq!(work["numberFormatted"], "+91 (80) 1234-5678", "{phone:#}");
    assert_eq!(sb.live_count(RecordKind::Contacts), 1);
    assert_eq!(sb.live_count(RecordKind::Leads), 0);
}

#[tokio::test]
async fn links_show_from_both_sides() {
    let (_sb, rpc) = open().await;
    let a = rpc.new_account("Alpha Ltd").await;
    let b = rpc.new_account("Beta Ltd").await;
    let c = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Cee Dee", "accounts": [{"id": a["id"], "relationship": "Buyer"}]}}),
        )
        .await;
    let links = |v: &Value, key: &str| -> Vec<u64> {
        v[key]
            .as_array()
            .map(|a| a.iter().map(|x| x["id"].as_u64().unwrap()).collect())
            .unwrap_or_default()
    };
    let id = |v: &Value| v["id"].as_u64().unwrap();
    let got_a = rpc.get("Account", &a["id"]).await;
    assert_eq!(links(&got_a, "contacts"), [id(&c)], "{got_a}");
    assert_eq!(got_a["contacts"][0]["relationship"], "Buyer");

    // Linked from the account's side: the contact shows it too, and find sees it.
    let d = rpc.new_contact("Dee Ee").await;
    let b = rpc
        .ok(
            "editAccount",
            json!({"accountId": b["id"], "rev": b["rev"], "account": {"contacts": [{"id": c["id"]}, {"id": d["id"]}]}}),
        )
        .await;
    assert_eq!(links(&b, "contacts"), [id(&c), id(&d)]);
    let got_c = rpc.get("Contact", &c["id"]).await;
    assert_eq!(links(&got_c, "accounts"), [id(&a), id(&b)], "{got_c}");
    let found = rpc
        .ok("findContacts", json!({"query": {"accountId": b["id"]}}))
        .await;
    assert_eq!(ids(&found), [id(&c), id(&d)]);

    // A lead's contacts and accounts see the lead.
    let lead = rpc
        .ok(
            "newLead",
            json!({"lead": {"primaryAccount": {"id": a["id"]}, "accounts": [{"id": b["id"]}],
                            "contacts": [{"id": d["id"], "relationship": "Champion"}]}}),
        )
        .await;
    let got_d = rpc.get("Contact", &d["id"]).await;
    assert_eq!(links(&got_d, "leads"), [id(&lead)], "{got_d}");
    for acct in [&a, &b] {
        let got = rpc.get("Account", &acct["id"]).await;
        assert_eq!(links(&got, "leads"), [id(&lead)], "{got}");
    }
    // And a contact naming a lead appears among the lead's contacts.
    let e = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Eff Gee", "leads": [{"id": lead["id"]}]}}),
        )
        .await;
    let got_lead = rpc.get("Lead", &lead["id"]).await;
    assert_eq!(links(&got_lead, "contacts"), [id(&d), id(&e)], "{got_lead}");
    assert_eq!(got_lead["contacts"][0]["relationship"], "Champion");

    // Replacing a list replaces the link on both sides.
    let got_c = rpc.get("Contact", &c["id"]).await;
    rpc.ok(
        "editContact",
        json!({"contactId": c["id"], "rev": got_c["rev"], "contact": {"accounts": [{"id": b["id"]}]}}),
    )
    .await;
    let got_a = rpc.get("Account", &a["id"]).await;
    assert_eq!(links(&got_a, "contacts"), Vec::<u64>::new(), "{got_a}");
    // A deleted record drops out of the other side's lists.
    rpc.delete("Contact", &got_d).await;
    let got_b = rpc.get("Account", &b["id"]).await;
    assert_eq!(links(&got_b, "contacts"), [id(&c)], "{got_b}");
    let got_lead = rpc.get("Lead", &lead["id"]).await;
    assert_eq!(links(&got_lead, "contacts"), [id(&e)], "{got_lead}");
}

#[tokio::test]
async fn response_shapes_follow_the_api_notes() {
    let (_sb, rpc) = open().await;
    let records = one_of_each(&rpc).await;
    let lead = &records[2].2;
    let note = rpc.new_note("Leads", &lead["id"], "n").await;
    let tag = rpc
        .ok(
            "newTag",
            json!({"tag": {"name": "VIP", "entityType": "Leads"}}),
        )
        .await;
    let source = rpc.ok("newSource", json!({"name": "Fair"})).await;
    let mut everything: Vec<(String, Value)> = records
        .iter()
        .map(|(t, _, r)| (t.to_string(), r.clone()))
        .collect();
    everything.extend([
        ("Note".into(), note),
        ("Tag".into(), tag),
        ("Source".into(), source),
    ]);
    for method in [
        "findAccounts",
        "findContacts",
        "findLeads",
        "findActivities",
        "findTasks",
        "findUsers",
        "findSources",
        "findActivityTypes",
        "findStagesets",
        "findMilestones",
    ] {
        for item in rpc.ok(method, json!({})).await.as_array().unwrap() {
            everything.push((method.into(), item.clone()));
        }
    }
    for (what, v) in &everything {
        for key in ["id", "rev", "entityType", "createdTime", "modifiedTime"] {
            assert!(!v[key].is_null(), "{what} lacks {key}: {v}");
        }
        assert!(v["rev"].is_string(), "{what}: rev is an opaque string");
        let t = v["createdTime"].as_str().unwrap();
        assert!(t.len() == 24 && t.ends_with("+0000"), "{what}: {t}");
    }
    assert_ne!(lead["number"], lead["id"]);
    assert!(lead["number"].as_u64().unwrap() >= 1001);
    let users = rpc.ok("findUsers", json!({})).await;
    let mut keys: Vec<&String> = users[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "createdTime",
            "emails",
            "entityType",
            "firstName",
            "id",
            "isAdministrator",
            "isEnabled",
            "lastName",
            "modifiedTime",
            "name",
            "rev",
            // The public client `nutshell` 0.4.4's `User` model has `stub`.
            "stub"
        ]
    );
    assert!(users[0]["emails"][0].is_string());
    let sales = id_named(&rpc, "findStagesets", "Sales").await;
    for m in rpc
        .ok("findMilestones", json!({"limit": 100}))
        .await
        .as_array()
        .unwrap()
    {
        assert_eq!(m["entityType"], "Milestones");
        assert!(m["stagesetId"].is_u64() && m["position"].is_u64(), "{m}");
    }
    let stagesets = rpc.ok("findStagesets", json!({})).await;
    assert_eq!(stagesets[0]["id"], sales);
    // Live Nutshell (PHP) sends `default` as 1/0: the public client `nutshell` 0.4.4 models
    // `Stageset.default` as an integer.
    assert_eq!(stagesets[0]["default"], 1);
    assert!(stagesets[0]["position"].is_u64());
    let fields = rpc.ok("findCustomFields", json!({})).await;
    let mut kinds: Vec<&String> = fields.as_object().unwrap().keys().collect();
    kinds.sort();
    assert_eq!(kinds, ["Accounts", "Contacts", "Leads"]);
    let contact = &records[1].2;
    assert_eq!(contact["name"]["givenName"], "Audit");
    assert_eq!(contact["name"]["familyName"], "Person");
}

/// Every answer to a create under faults is honest: 200 means made, 500 means nothing was done,
/// a dropped connection means made exactly once.
#[tokio::test]
async fn faults_never_follow_a_write_and_drops_commit_once() {
    let knobs = Knobs {
        fault_rate: 0.4,
        drop_after_commit_rate: 0.4,
        ..Knobs::default()
    };
    let sb = start_with(SandboxOptions {
        knobs,
        seed: Some(11),
        ..SandboxOptions::default()
    })
    .await;
    let rpc = Rpc::new(&sb);
    let mut outcomes = Vec::new();
    for i in 0..40 {
        let name = format!("Fault Probe {i:02}");
        let r = rpc
            .post(&rpc.envelope("newAccount", json!({"account": {"name": name}})))
            .await;
        let outcome = match r {
            Ok(reply) => reply.status,
            Err(_) => 0,
        };
        outcomes.push((name, outcome));
    }
    sb.set_knobs(Knobs::default()).unwrap();
    for want in [0, 200, 500] {
        assert!(
            outcomes.iter().any(|(_, s)| *s == want),
            "{want}: {outcomes:?}"
        );
    }
    for (name, status) in &outcomes {
        let found = rpc
            .ok("findAccounts", json!({"query": {"name": name}}))
            .await;
        let n = found.as_array().unwrap().len();
        match status {
            200 | 0 => assert_eq!(n, 1, "{name} ({status}) made exactly once"),
            500 => assert_eq!(n, 0, "{name}: a 500 made nothing"),
            other => panic!("{name}: unexpected {other}"),
        }
    }
    let made = outcomes.iter().filter(|(_, s)| *s != 500).count();
    let stats = sb.stats();
    assert_eq!(stats.creates_committed as usize, made);
    assert_eq!(sb.live_count(RecordKind::Accounts), made + 1);
    assert_eq!(
        stats.faults.dropped_after_commit as usize,
        outcomes.iter().filter(|(_, s)| *s == 0).count()
    );

    // newSource of an existing name changes nothing, so it is not a committed create.
    let before = sb.stats().creates_committed;
    rpc.ok("newSource", json!({"name": "Website"})).await;
    assert_eq!(sb.stats().creates_committed, before);
}

/// When the state file cannot be written, a call is refused before it changes anything: a 500
/// after a commit would make a client send a duplicate.
#[tokio::test]
async fn a_state_file_failure_refuses_before_committing() {
    let (_dir, state, sb, rpc) = open_saving("state.json").await;
    // A non-empty directory where the file was: the rename over it fails, even for root.
    std::fs::remove_file(&state).unwrap();
    std::fs::create_dir(&state).unwrap();
    std::fs::write(state.join("blocker"), "x").unwrap();
    rpc.new_account("Before Failure").await;
    // Wait until the background save has failed: `newSource` of an existing name is a write
    // call (refused while the state file cannot be saved) that changes nothing when it passes.
    let mut refused = false;
    for _ in 0..200 {
        if rpc
            .call("newSource", json!({"name": "Website"}))
            .await
            .status
            == 500
        {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the failed save was never noticed");
    let before = sb.live_count(RecordKind::Accounts);
    let r = rpc
        .call("newAccount", json!({"account": {"name": "After Failure"}}))
        .await;
    assert_eq!(r.status, 500, "{}", r.text);
    assert!(r.message().contains("state file"), "{}", r.message());
    assert_eq!(
        sb.live_count(RecordKind::Accounts),
        before,
        "a 500 must mean nothing was done"
    );
    // Reads still work while the disk is broken.
    rpc.ok("findAccounts", json!({})).await;
    // Once the disk is fixed, writes are accepted again and saved.
    std::fs::remove_dir_all(&state).unwrap();
    let mut status = 0;
    for _ in 0..20 {
        let r = rpc
            .call("newAccount", json!({"account": {"name": "After Repair"}}))
            .await;
        status = r.status;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(status, 200);
    assert_eq!(sb.live_count(RecordKind::Accounts), before + 1);
    sb.shutdown().await.unwrap();
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains("After Repair")
    );
}

#[tokio::test]
async fn a_restart_restores_every_entity_type() {
    let (_dir, state, sb, rpc) = open_saving("state.json").await;
    let options = state_options(&state);
    rpc.rest_field("contacts", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    let account = rpc
        .ok(
            "newAccount",
            json!({"account": {"name": "Persist Ltd", "tags": ["Kept"]}}),
        )
        .await;
    let contact = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Per Sist", "accounts": [{"id": account["id"]}],
                               "customFields": {"RSoft ID": "C-1"}}}),
        )
        .await;
    let lead = rpc
        .ok(
            "newLead",
            json!({"lead": {"contacts": [{"id": contact["id"]}]}}),
        )
        .await;
    let activity = rpc
        .ok(
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "leads": [{"id": lead["id"]}]}}),
        )
        .await;
    let task = rpc
        .ok(
            "newTask",
            json!({"task": {"title": "Persist", "entity": {"entityType": "Leads", "id": lead["id"]}}}),
        )
        .await;
    let note = rpc.new_note("Contacts", &contact["id"], "kept").await;
    let source = rpc.ok("newSource", json!({"name": "Trade Fair"})).await;
    let gone = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Gone Person", "email": ["gone@x.in"]}}),
        )
        .await;
    rpc.delete("Contact", &gone).await;
    let mut gets = Vec::new();
    for (method, key, r) in [
        ("getAccount", "accountId", &account),
        ("getContact", "contactId", &contact),
        ("getLead", "leadId", &lead),
        ("getActivity", "activityId", &activity),
        ("getTask", "taskId", &task),
        ("getNote", "noteId", &note),
    ] {
        let mut p = json!({});
        p[key] = r["id"].clone();
        let now = rpc.ok(method, p.clone()).await;
        gets.push((method, p, now));
    }
    let reference = [
        (
            "findCustomFields",
            rpc.ok("findCustomFields", json!({})).await,
        ),
        ("findTags", rpc.ok("findTags", json!({})).await),
        ("findSources", rpc.ok("findSources", json!({})).await),
    ];
    sb.shutdown().await.unwrap();
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(
        !saved.contains("sandbox-key-not-secret"),
        "no key in the state file"
    );

    let sb = start_with(options).await;
    let rpc = Rpc::new(&sb);
    for (method, p, before) in &gets {
        // Activity status is shown relative to now; everything else must be identical.
        assert_eq!(&rpc.ok(method, p.clone()).await, before, "{method}");
    }
    for (method, before) in &reference {
        assert_eq!(&rpc.ok(method, json!({})).await, before, "{method}");
    }
    assert!(
        reference[2]
            .1
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == source["id"])
    );
    let r = rpc
        .fail("getContact", json!({"contactId": gone["id"]}))
        .await;
    assert_eq!(r.status, 404);
    let hits = rpc
        .ok("searchByEmail", json!({"emailAddressString": "gone@x.in"}))
        .await;
    assert_eq!(hits["contacts"], json!([]));
    let next = rpc.ok("newLead", json!({"lead": {}})).await;
    assert!(
        next["id"].as_u64() > gone["id"].as_u64(),
        "ids are never reused"
    );
    assert_eq!(
        next["number"].as_u64(),
        lead["number"].as_u64().map(|n| n + 1),
        "lead numbers continue"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn custom_field_names_and_tag_types_are_exact() {
    let (_sb, rpc) = open().await;
    rpc.rest_field("contacts", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    rpc.ok(
        "newContact",
        json!({"contact": {"name": "Exact Name", "customFields": {"RSoft ID": "C-1"}}}),
    )
    .await;
    // Written or queried, a custom field is named exactly as it was created, for its own type.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "newContact",
            json!({"contact": {"name": "X", "customFields": {"rsoft id": "C-2"}}}),
            "rsoft id",
        ),
        (
            "findContacts",
            json!({"query": {"customFields": {"rsoft id": "C-1"}}}),
            "rsoft id",
        ),
        (
            "findAccounts",
            json!({"query": {"customFields": {"RSoft ID": "C-1"}}}),
            "Accounts",
        ),
        // newTag takes Nutshell's entityType, not a REST path segment.
        (
            "newTag",
            json!({"tag": {"name": "VIP", "entityType": "accounts"}}),
            "tag.entityType",
        ),
    ];
    all_refused(&rpc, &cases, &[]).await;
    let found = rpc
        .ok(
            "findContacts",
            json!({"query": {"customFields": {"RSoft ID": "C-1"}}}),
        )
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    // A null value on a create is "not given", not a stored null.
    let blank = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "No Id", "customFields": {"RSoft ID": null}}}),
        )
        .await;
    assert_eq!(blank["customFields"], json!({}), "{blank}");
    assert_eq!(
        rpc.ok("findTags", json!({})).await,
        json!({"Accounts": [], "Contacts": [], "Leads": []})
    );
}

#[tokio::test]
async fn a_rest_custom_field_create_can_be_dropped_after_commit() {
    let always_drop = Knobs {
        drop_after_commit_rate: 1.0,
        ..Knobs::default()
    };
    let sb = start_knobs(always_drop.clone(), 1).await;
    let rpc = Rpc::new(&sb);
    let sent = rpc
        .http
        .post(format!("{}/rest/leads/customfield", rpc.base))
        .basic_auth(&rpc.user, Some(&rpc.key))
        .json(&json!({"name": "RSoft ID", "type": "Text"}))
        .send()
        .await;
    let err = sent.unwrap_err();
    assert!(err.status().is_none(), "no answer at all: {err:?}");
    let stats = sb.stats();
    assert_eq!(
        (stats.creates_committed, stats.faults.dropped_after_commit),
        (1, 1)
    );
    sb.set_knobs(Knobs::default()).unwrap();
    let fields = rpc.ok("findCustomFields", json!({})).await;
    assert_eq!(
        fields["Leads"][0]["name"], "RSoft ID",
        "committed exactly once"
    );
    assert_eq!(fields["Leads"].as_array().unwrap().len(), 1);
    // A refused REST create is answered, never dropped.
    sb.set_knobs(always_drop).unwrap();
    let dup = rpc
        .rest_field("leads", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    assert_eq!(dup.status, 409);
}

/// Eight clients editing with the same rev at once: one wins, the others are told their rev is
/// out of date.
#[tokio::test]
async fn concurrent_edits_with_one_rev_let_exactly_one_through() {
    let (_sb, rpc) = open().await;
    let rpc = std::sync::Arc::new(rpc);
    let lead = rpc.new_lead("Race").await;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..8 {
        let rpc = rpc.clone();
        let params = json!({"leadId": lead["id"], "rev": lead["rev"],
                            "lead": {"description": format!("v{i}")}});
        calls.spawn(async move { rpc.call("editLead", params).await });
    }
    let replies = calls.join_all().await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    let stale = replies
        .iter()
        .filter(|r| r.status == 409 && r.code() == STALE_REV)
        .count();
    assert_eq!((ok, stale), (1, 7));
    let got = rpc.ok("getLead", json!({"leadId": lead["id"]})).await;
    assert_eq!(got["rev"], "2", "one edit, one rev bump");
}

#[tokio::test]
async fn deleted_records_drop_out_of_primary_account_and_participants() {
    let (_sb, rpc, ravi) = open_as("ravi@acme.in").await;
    let account = rpc.new_account("Short Lived").await;
    let contact = rpc.new_contact("Brief Person").await;
    let lead = rpc
        .ok(
            "newLead",
            json!({"lead": {"primaryAccount": {"id": account["id"]}}}),
        )
        .await;
    let act = rpc
        .ok(
            "newActivity",
            json!({"activity": {"startTime": START, "endTime": END, "participants": [
                {"entityType": "Contacts", "id": contact["id"]},
                {"entityType": "Users", "id": ravi}]}}),
        )
        .await;
    assert_eq!(lead["primaryAccount"]["id"], account["id"]);
    rpc.delete("Account", &account).await;
    rpc.delete("Contact", &contact).await;
    let lead = rpc.get("Lead", &lead["id"]).await;
    assert!(lead.get("primaryAccount").is_none(), "{lead}");
    let act = rpc
        .ok("getActivity", json!({"activityId": act["id"]}))
        .await;
    assert_eq!(
        act["participants"],
        json!([{"entityType": "Users", "id": ravi}])
    );
}

#[tokio::test]
async fn every_method_refuses_an_unknown_parameter_and_near_names_are_unknown() {
    let (sb, rpc) = open().await;
    let smd = smd(&sb).await;
    let methods: Vec<String> = smd["services"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(methods.len() >= 35, "{methods:?}");
    for method in &methods {
        let r = rpc.fail(method, json!({"bogus": 1})).await;
        invalid(&r, &[method, "bogus"]);
    }
    for near in [
        "getaccount",
        "GetAccount",
        "findUser",
        "newOpportunity",
        "getApiForUsername",
    ] {
        let r = rpc.fail(near, json!({})).await;
        assert_eq!((r.status, r.code()), (404, METHOD_NOT_FOUND), "{near}");
    }
    assert_eq!(sb.stats().creates_committed, 0);
}

#[tokio::test]
async fn a_record_carries_each_tag_once_as_the_tag_is_spelled() {
    let (_sb, rpc) = open().await;
    rpc.ok(
        "newTag",
        json!({"tag": {"name": "VIP", "entityType": "Accounts"}}),
    )
    .await;
    let a = rpc
        .ok(
            "newAccount",
            json!({"account": {"name": "Tagged", "tags": ["vip", "Vip", "New One"]}}),
        )
        .await;
    assert_eq!(a["tags"], json!(["VIP", "New One"]));
    let tags = rpc.ok("findTags", json!({})).await;
    assert_eq!(tags["Accounts"], json!(["VIP", "New One"]));
    let found = rpc
        .ok("findAccounts", json!({"query": {"tags": "new one"}}))
        .await;
    assert_eq!(ids(&found), [a["id"].as_u64().unwrap()]);
}
