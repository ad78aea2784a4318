//! The sandbox refuses what Nutshell refuses, with the right HTTP status and JSON-RPC error.

mod sandbox_support;

use crm_migrate::sandbox::{
    INVALID_REQUEST, METHOD_NOT_FOUND, NOT_FOUND, PARSE_ERROR, REV_IGNORE, RecordKind, STALE_REV,
    STALE_REV_MESSAGE,
};
use sandbox_support::{id_named, invalid, open};
use serde_json::{Value, json};

#[tokio::test]
async fn envelope_errors() {
    let (_sb, rpc) = open().await;
    let r = rpc.fail("getWidget", json!({})).await;
    assert_eq!((r.status, r.code()), (404, METHOD_NOT_FOUND));
    assert!(r.message().contains("getWidget"));
    assert_eq!(r.body["id"], 1, "the id is echoed");

    let batch = json!([
        rpc.envelope("findUsers", json!({})),
        rpc.envelope("findTags", json!({}))
    ]);
    let r = rpc.post(&batch).await.unwrap();
    assert_eq!((r.status, r.code()), (400, INVALID_REQUEST));
    assert!(r.message().contains("batch"));

    let positional = json!({"jsonrpc": "2.0", "id": 9, "method": "getLead", "params": [1]});
    let r = rpc.post(&positional).await.unwrap();
    assert_eq!((r.status, r.code()), (400, INVALID_REQUEST));
    let old = json!({"jsonrpc": "1.0", "id": 9, "method": "findUsers", "params": {}});
    assert_eq!(rpc.post(&old).await.unwrap().code(), INVALID_REQUEST);

    let resp = rpc
        .http
        .post(&rpc.endpoint)
        .basic_auth(&rpc.user, Some(&rpc.key))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], PARSE_ERROR);
}

#[tokio::test]
async fn unknown_and_missing_parameters_and_keys() {
    let (sb, rpc) = open().await;
    let r = rpc.fail("findUsers", json!({"pageSize": 10})).await;
    invalid(&r, &["findUsers", "pageSize"]);
    let r = rpc.fail("newAccount", json!({})).await;
    invalid(&r, &["account"]);
    let r = rpc
        .fail(
            "newAccount",
            json!({"account": {"name": "X", "website": "x.in"}}),
        )
        .await;
    invalid(&r, &["account", "website"]);
    let r = rpc
        .fail("newAccount", json!({"account": {"description": "no name"}}))
        .await;
    invalid(&r, &["name", "required"]);
    let seeded = rpc.ok("findAccounts", json!({})).await[0].clone();
    for blank in [json!(null), json!("  ")] {
        let r = rpc
            .fail("editAccount", json!({"accountId": seeded["id"], "rev": seeded["rev"], "account": {"name": blank}}))
            .await;
        invalid(&r, &["name", "required"]);
    }
    let r = rpc
        .fail(
            "newAccount",
            json!({"account": {"name": "X", "address": {"HQ": {"street": "1 MG Road"}}}}),
        )
        .await;
    invalid(&r, &["account.address.HQ", "street"]);
    let r = rpc
        .fail("findAccounts", json!({"query": {"colour": "red"}}))
        .await;
    invalid(&r, &["query", "colour"]);
    let r = rpc.fail("findAccounts", json!({"orderBy": "colour"})).await;
    invalid(&r, &["orderBy"]);
    let r = rpc.fail("findAccounts", json!({"page": 0})).await;
    invalid(&r, &["page"]);
    let r = rpc
        .fail(
            "newActivity",
            json!({"activity": {"name": "call", "startTime": "2024-07-18T12:00:00+0000"}}),
        )
        .await;
    invalid(&r, &["endTime", "required"]);
    assert_eq!(
        sb.live_count(RecordKind::Accounts),
        1,
        "nothing was created"
    );
}

#[tokio::test]
async fn unknown_custom_fields_are_named() {
    let (_sb, rpc) = open().await;
    let r = rpc
        .fail(
            "newContact",
            json!({"contact": {"name": "A B", "customFields": {"RSoft ID": "C-1"}}}),
        )
        .await;
    invalid(&r, &["RSoft ID", "Contacts"]);
    // A field made for accounts is still unknown on leads.
    rpc.rest_field("accounts", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"customFields": {"RSoft ID": "D-1"}}}),
        )
        .await;
    invalid(&r, &["RSoft ID", "Leads"]);
    let r = rpc
        .fail(
            "findLeads",
            json!({"query": {"customFields": {"RSoft ID": "D-1"}}}),
        )
        .await;
    invalid(&r, &["RSoft ID"]);
    rpc.rest_field("accounts", json!({"name": "Founded", "type": "Date"}))
        .await;
    let r = rpc
        .fail("newAccount", json!({"account": {"name": "X", "customFields": {"Founded": "2024-07-18T00:00:00+0000"}}}))
        .await;
    invalid(&r, &["Founded", "Date"]);

    let dup = rpc
        .rest_field("accounts", json!({"name": "rsoft id", "type": "Text"}))
        .await;
    assert_eq!(dup.status, 409, "{}", dup.text);
    let bad = rpc
        .rest_field("accounts", json!({"name": "Size", "type": "Colour"}))
        .await;
    assert_eq!(bad.status, 422);
    let bad = rpc
        .rest_field("accounts", json!({"name": "Size", "type": "Text", "x": 1}))
        .await;
    assert_eq!(bad.status, 422);
    let bad = rpc
        .rest_field("deals", json!({"name": "Size", "type": "Text"}))
        .await;
    assert_eq!(bad.status, 404);
}

#[tokio::test]
async fn references_must_name_live_records() {
    let (sb, rpc) = open().await;
    let r = rpc
        .fail(
            "newAccount",
            json!({"account": {"name": "X", "owner": {"entityType": "Users", "id": 9999}}}),
        )
        .await;
    invalid(&r, &["account.owner.id", "Bad User ID"]);
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"assignee": {"entityType": "Teams", "id": 1}}}),
        )
        .await;
    invalid(&r, &["Bad Team ID"]);

    let acct = rpc.new_account("Gone Ltd").await;
    rpc.delete("Account", &acct).await;
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"primaryAccount": {"id": acct["id"]}}}),
        )
        .await;
    invalid(&r, &["lead.primaryAccount.id", "Bad Account ID"]);
    let contact = rpc.new_contact("Live One").await;
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"accounts": [{"id": contact["id"]}]}}),
        )
        .await;
    invalid(&r, &["lead.accounts[0].id", "Bad Account ID"]);
    let r = rpc
        .fail(
            "newAccount",
            json!({"account": {"name": "Y", "contacts": [{"id": 424242}]}}),
        )
        .await;
    invalid(&r, &["Bad Contact ID"]);
    let r = rpc
        .fail(
            "newContact",
            json!({"contact": {"name": "Z", "leads": [{"id": 424242}]}}),
        )
        .await;
    invalid(&r, &["Bad Lead ID"]);
    let r = rpc
        .fail("newLead", json!({"lead": {"sources": [{"id": 424242}]}}))
        .await;
    invalid(&r, &["Bad Source ID"]);
    let r = rpc
        .fail("newLead", json!({"lead": {"milestoneId": 424242}}))
        .await;
    invalid(&r, &["Bad Milestone ID"]);
    let r = rpc
        .fail("newLead", json!({"lead": {"stagesetId": 424242}}))
        .await;
    invalid(&r, &["Bad Stageset ID"]);
    let r = rpc
        .fail("newLead", json!({"lead": {"products": [{"id": 1}]}}))
        .await;
    invalid(&r, &["Bad Product ID"]);
    let times =
        json!({"startTime": "2024-07-18T12:00:00+0000", "endTime": "2024-07-18T12:30:00+0000"});
    let mut act = times.clone();
    act["activityTypeId"] = json!(424242);
    let r = rpc.fail("newActivity", json!({"activity": act})).await;
    invalid(&r, &["Bad Activity Type ID"]);
    let r = rpc
        .fail(
            "newNote",
            json!({"entity": {"entityType": "Accounts", "id": acct["id"]}, "note": "x"}),
        )
        .await;
    invalid(&r, &["Bad Account ID"]);

    let sales = id_named(&rpc, "findStagesets", "Sales").await;
    let enquiry = id_named(&rpc, "findMilestones", "Enquiry").await;
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"stagesetId": sales, "milestoneId": enquiry}}),
        )
        .await;
    invalid(&r, &["milestone", "stageset"]);
    assert_eq!(sb.live_count(RecordKind::Leads), 0);
}

#[tokio::test]
async fn naive_timestamps_and_bad_values_are_refused() {
    let (_sb, rpc) = open().await;
    let r = rpc
        .fail("newActivity", json!({"activity": {"startTime": "2024-07-18 12:00:00", "endTime": "2024-07-18T12:30:00+0000"}}))
        .await;
    invalid(&r, &["activity.startTime", "no UTC offset"]);
    let r = rpc
        .fail("newLead", json!({"lead": {"dueTime": "2024-07-18"}}))
        .await;
    invalid(&r, &["lead.dueTime", "no UTC offset"]);
    let r = rpc
        .fail("newActivity", json!({"activity": {"startTime": "2024-07-18T13:00:00+0000", "endTime": "2024-07-18T12:00:00+0000"}}))
        .await;
    invalid(&r, &["endTime"]);
    let r = rpc
        .fail("newLead", json!({"lead": {"confidence": 101}}))
        .await;
    invalid(&r, &["lead.confidence", "0 to 100"]);
    let r = rpc.fail("newLead", json!({"lead": {"status": 5}})).await;
    invalid(&r, &["lead.status"]);
    let r = rpc
        .fail(
            "newLead",
            json!({"lead": {"value": {"currency": "rupees", "amount": 5}}}),
        )
        .await;
    invalid(&r, &["lead.value.currency"]);
    let r = rpc
        .fail(
            "newContact",
            json!({"contact": {"name": "A B", "email": ["a.b@acme"]}}),
        )
        .await;
    invalid(&r, &["contact.email.1", "email address"]);
    let r = rpc
        .fail("newContact", json!({"contact": {"name": 7}}))
        .await;
    invalid(&r, &["contact.name"]);

    rpc.ok(
        "newTag",
        json!({"tag": {"name": "VIP", "entityType": "Accounts"}}),
    )
    .await;
    let r = rpc
        .fail(
            "newTag",
            json!({"tag": {"name": "vip", "entityType": "Accounts"}}),
        )
        .await;
    invalid(&r, &["VIP", "already exists"]);
    // The same name on another entity type is a different tag.
    rpc.ok(
        "newTag",
        json!({"tag": {"name": "VIP", "entityType": "Leads"}}),
    )
    .await;
}

#[tokio::test]
async fn stale_rev_is_409_and_not_found_is_404() {
    let (_sb, rpc) = open().await;
    let lead = rpc.new_lead("v1").await;
    let id = lead["id"].clone();
    let v2 = rpc
        .ok(
            "editLead",
            json!({"leadId": id, "rev": lead["rev"], "lead": {"description": "v2"}}),
        )
        .await;
    let r = rpc
        .fail(
            "editLead",
            json!({"leadId": id, "rev": lead["rev"], "lead": {"description": "v3"}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, STALE_REV));
    assert_eq!(r.message(), STALE_REV_MESSAGE);
    assert_eq!(STALE_REV_MESSAGE, "rev key is out-of-date");
    let r = rpc
        .fail("deleteLead", json!({"leadId": id, "rev": lead["rev"]}))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        rpc.ok("getLead", json!({"leadId": id})).await["description"],
        "v2"
    );
    let v3 = rpc
        .ok(
            "editLead",
            json!({"leadId": id, "rev": REV_IGNORE, "lead": {"description": "v3"}}),
        )
        .await;
    assert_ne!(v3["rev"], v2["rev"]);

    rpc.ok("deleteLead", json!({"leadId": id, "rev": v3["rev"]}))
        .await;
    for (method, params) in [
        ("getLead", json!({"leadId": id})),
        (
            "editLead",
            json!({"leadId": id, "rev": v3["rev"], "lead": {}}),
        ),
        ("deleteLead", json!({"leadId": id, "rev": v3["rev"]})),
    ] {
        let r = rpc.fail(method, params).await;
        assert_eq!((r.status, r.code()), (404, NOT_FOUND), "{method}");
        assert!(r.message().starts_with("Bad Lead ID"), "{}", r.message());
    }
    assert_eq!(rpc.ok("findLeads", json!({})).await, json!([]));
    assert_eq!(
        rpc.ok("searchLeads", json!({"string": "v3"})).await,
        json!([])
    );
    // An id of another kind is not found either.
    let users = rpc.ok("findUsers", json!({})).await;
    let r = rpc
        .fail("getAccount", json!({"accountId": users[0]["id"]}))
        .await;
    assert!(r.message().contains("Bad Account ID"));
}
