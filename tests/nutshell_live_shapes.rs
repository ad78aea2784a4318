//! The client reads what live Nutshell sends. Each method the tool reads is answered with a
//! recorded live-shaped answer — flags as 1/0 and strings, ids as strings, full user objects
//! where a stub was expected and stubs where a record was, `[]` for empty maps, `+0000` and `Z`
//! offsets — and each must decode to the right values. A field the tool reads that cannot be
//! understood fails with the method, the field's path and its value, never the body.

mod nutshell_support;

use crm_migrate::engine::schema::Destination;
use crm_migrate::nutshell::EntityType;
use crm_migrate::nutshell::{
    Account, Activity, ActivityType, Contact, FindOptions, Lead, Milestone, MultiValue,
    NutshellError, PersonName, Source, Stageset, Task, User,
};
use crm_migrate::nutshell::{methods, preflight};
use nutshell_support::*;
use serde_json::{Value, json};

/// A full user as live Nutshell nests it in a lead's `assignee`/`creator` (public client model
/// `User`), with PHP's loose types.
fn full_user(id: &str) -> Value {
    json!({"stub": "0", "id": id, "entityType": "Users", "rev": 12, "name": "Ravi Kumar",
           "firstName": "Ravi", "lastName": "Kumar", "isEnabled": "1", "isAdministrator": 0,
           "emails": {"0": "ravi@acme.in"}, "teams": [],
           "modifiedTime": "2024-07-18T12:00:00Z", "createdTime": "2023-01-02T03:04:05+0000"})
}

/// The recorded answer for one call; later pages of a find are empty.
fn answer(hit: &Hit) -> Reply {
    if hit.http_method == "GET" {
        return match hit.path.as_str() {
            "/rest/accounts" => Reply(
                200,
                vec![],
                json!({"accounts": [{"id": "41-accounts", "name": "Sharma Textiles",
                                     "customFields": {"RSoft ID": "ACC-7"}}],
                       "meta": {"count": 1}})
                .to_string(),
            ),
            "/api/v1/json" => {
                let services: serde_json::Map<String, Value> = methods::used_methods()
                    .iter()
                    .map(|m| {
                        let params: Vec<Value> =
                            m.params.iter().map(|p| json!({"name": p})).collect();
                        (m.name.to_owned(), json!({"parameters": params}))
                    })
                    .collect();
                Reply(200, vec![], json!({"services": services}).to_string())
            }
            "/rest/users/3" => Reply(
                200,
                vec![],
                json!({"users": [{"id": "3-users", "name": "Acme Admin",
                                  "permissions": {"canAssignEntities": "1", "canDeleteEntities": 0}}]})
                .to_string(),
            ),
            other => panic!("unexpected GET {other}"),
        };
    }
    if hit.params.get("page").and_then(Value::as_i64).unwrap_or(1) > 1 {
        return result(json!([]));
    }
    result(match hit.method.as_str() {
        "findStagesets" => json!([
            {"id": 1, "entityType": "Stagesets", "name": "Sales", "default": 1, "position": "1"},
            {"id": "2", "entityType": "Stagesets", "name": "Channel", "default": "0", "position": null}
        ]),
        "findMilestones" => json!([
            {"id": "5", "entityType": "Milestones", "rev": "1", "name": "Qualify", "position": "2",
             "stagesetId": "1", "description": [], "deletedTime": null}
        ]),
        "findActivityTypes" => json!([
            {"stub": true, "id": 1, "rev": "1", "entityType": "Activity_Types",
             "name": "Phone Call", "deletedTime": null},
            {"stub": "1", "id": "103", "rev": 7, "entityType": "Activity_Types",
             "name": "Old Type", "deletedTime": "2024-01-01T00:00:00+0000"}
        ]),
        "findSources" => {
            json!([{"id": "9", "entityType": "Sources", "rev": "1", "name": "Website"}])
        }
        "findUsers" => json!([full_user("4")]),
        "getUser" => full_user("3"),
        "findCustomFields" => json!({
            "Accounts": [{"id": "11", "entityType": "CustomFields", "rev": "1", "name": "RSoft ID",
                          "type": "Text", "isMultiple": "0"}],
            "Contacts": [],
            "Leads": {}
        }),
        "findTags" => {
            json!({"Accounts": ["vip"], "Contacts": {}, "Leads": [{"name": "hot", "id": "4"}]})
        }
        "newTag" => json!({"id": "8", "name": "hot", "entityType": "Leads"}),
        "newSource" => json!({"id": 9, "entityType": "Sources", "rev": "1", "name": "Website"}),
        "getAccount" | "newAccount" => json!({
            "stub": false, "id": "41", "rev": "3", "entityType": "Accounts", "name": "Sharma Textiles",
            "owner": full_user("4"), "phone": {"--primary": {"countryCode": "91", "number": "2240001234", "extension": null, "numberFormatted": "022 4000 1234", "E164": "+912240001234"}, "work": {"countryCode": "91", "number": "2240001234", "extension": null, "numberFormatted": "022 4000 1234", "E164": "+912240001234"}},
            "customFields": [], "tags": {}, "contacts": [{"stub": true, "id": "52", "entityType": "Contacts",
            "name": "Asha Rao", "relationship": ""}],
            "createdTime": "2024-07-18T12:00:00+0000", "modifiedTime": "2024-07-18T12:00:00+0000"
        }),
        "getContact" | "newContact" => json!({
            "id": "52", "rev": 2, "entityType": "Contacts",
            "name": {"givenName": "Asha", "familyName": "Rao", "displayName": "Asha Rao"},
            "email": {"--primary": "asha@acme.in", "0": "asha@acme.in"},
            "accounts": {"0": {"id": "41", "entityType": "Accounts", "name": "Sharma Textiles"}},
            "owner": {"entityType": "Users", "id": "4"}, "customFields": {"RSoft ID": "CON-1"},
            "createdTime": "2024-07-18T12:00:00Z"
        }),
        "getLead" | "newLead" | "editLead" => json!({
            "stub": false, "id": "77", "rev": "5", "entityType": "Leads", "name": "Lead-1001",
            "description": "", "status": "10", "confidence": "60", "number": "1001",
            "assignee": full_user("4"), "creator": full_user("3"),
            "milestone": {"stub": true, "id": "5", "entityType": "Milestones", "rev": "1", "name": "Qualify"},
            "stageset": {"id": 1, "entityType": "Stagesets", "name": "Sales", "default": 1},
            "primaryAccount": {"stub": true, "id": "41", "entityType": "Accounts", "name": "Sharma Textiles"},
            "contacts": [{"id": "52", "entityType": "Contacts", "relationship": "Buyer", "name": "Asha Rao"}],
            "sources": [], "tags": ["hot"], "products": [],
            "value": {"currency": "INR", "amount": "125000.50"},
            "dueTime": "2024-09-30T00:00:00+0000", "closedTime": "2024-08-01T10:00:00+0000",
            "customFields": [], "createdTime": "2024-07-18T12:00:00+0000",
            "modifiedTime": "2024-08-01T10:00:00+00:00"
        }),
        "findLeads" => json!([
            {"stub": true, "id": "77", "rev": "5", "entityType": "Leads", "name": "Lead-1001",
             "description": "", "status": 0, "number": 1001}
        ]),
        "getActivity" | "newActivity" | "findActivities" => {
            let activity = json!({
                "stub": false, "id": "90", "rev": "2", "entityType": "Activities", "name": "Intro call",
                "description": "", "status": "1", "isAllDay": "0", "isFlagged": 1,
                "startTime": "2024-07-18T12:00:00+0000", "endTime": "2024-07-18T12:30:00Z",
                "activityType": {"stub": true, "id": "1", "rev": "1", "entityType": "Activity_Types", "name": "Phone Call"},
                "participants": [full_user("4"), {"entityType": "Contacts", "id": "52", "name": "Asha Rao"}],
                "leads": [{"stub": true, "id": "77", "rev": "5", "entityType": "Leads", "name": "Lead-1001",
                           "description": "", "status": 0}],
                "loggedBy": full_user("4"), "logNote": null,
                "createdTime": "2024-07-18T12:00:00+0000", "modifiedTime": "2024-07-18T12:00:00+0000"
            });
            if hit.method == "findActivities" {
                json!([activity])
            } else {
                activity
            }
        }
        "getTask" | "newTask" => json!({
            "id": "95", "rev": "1", "entityType": "Tasks", "title": "Call back",
            "dueTime": 1721304000, "assignee": full_user("4"),
            "entity": {"entityType": "Accounts", "id": "41", "name": "Sharma Textiles"}
        }),
        "newNote" | "getNote" => json!({
            "id": "99", "rev": "1", "entityType": "Notes", "note": "Met at the fair",
            "date": "2024-07-18T12:00:00+0000", "entity": {"entityType": "Accounts", "id": "41"},
            "creator": full_user("3")
        }),
        "searchAccounts" => {
            json!([{"stub": true, "id": "41", "entityType": "Accounts", "name": "Sharma Textiles"}])
        }
        "searchByEmail" => json!({"contacts": [{"id": "52", "entityType": "Contacts",
            "name": {"displayName": "Asha Rao"}}], "accounts": {}, "users": []}),
        "deleteLead" => json!("1"),
        "deleteNote" => json!(true),
        other => panic!("no recorded answer for {other}"),
    })
}

#[tokio::test]
async fn every_method_the_tool_reads_decodes_live_shaped_answers() {
    let server = mock(|hit, _| answer(hit)).await;
    let c = client(&server.url);
    let all = FindOptions::default;

    let sets = c.list::<Stageset>(all()).unwrap().all().await.unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!((sets[0].id, sets[0].fields.default), (1, Some(true)));
    assert_eq!((sets[1].id, sets[1].fields.default), (2, Some(false)));
    assert_eq!(sets[0].fields.position, Some(1));
    assert_eq!(sets[1].fields.position, None);

    let stages = c.list::<Milestone>(all()).unwrap().all().await.unwrap();
    assert_eq!(
        (
            stages[0].id,
            stages[0].fields.stageset_id,
            stages[0].fields.position
        ),
        (5, Some(1), Some(2))
    );

    let types = c.list::<ActivityType>(all()).unwrap().all().await.unwrap();
    assert_eq!((types[1].id, types[1].rev.as_str()), (103, "7"));
    assert!(types[0].fields.deleted_time.is_none());
    assert!(types[1].fields.deleted_time.is_some());
    assert_eq!(
        types[1].fields.extra["stub"],
        json!("1"),
        "unknown fields kept as sent"
    );

    let sources = c.list::<Source>(all()).unwrap().all().await.unwrap();
    assert_eq!(
        (sources[0].id, sources[0].fields.name.as_deref()),
        (9, Some("Website"))
    );

    let users = c.list::<User>(all()).unwrap().all().await.unwrap();
    let ravi = &users[0];
    assert_eq!(ravi.id, 4);
    assert_eq!(ravi.rev, "12");
    assert_eq!(ravi.fields.is_enabled, Some(true));
    assert_eq!(ravi.fields.is_administrator, Some(false));
    assert_eq!(
        ravi.fields.emails.as_deref(),
        Some(&["ravi@acme.in".to_owned()][..])
    );
    assert_eq!(
        ravi.created_time.unwrap().to_string(),
        "2023-01-02T03:04:05+00:00"
    );
    assert_eq!(c.get_user(None).await.unwrap().id, 3);

    let fields = c.find_custom_fields().await.unwrap();
    assert_eq!(
        fields.of(EntityType::Accounts)[0]
            .fields
            .field_type
            .as_deref(),
        Some("Text")
    );
    assert_eq!(fields.of(EntityType::Accounts)[0].id, 11);
    assert!(fields.of(EntityType::Contacts).is_empty() && fields.of(EntityType::Leads).is_empty());
    let tags = c.find_tags().await.unwrap();
    assert_eq!(tags.of(EntityType::Accounts)[0].name, "vip");
    assert_eq!(tags.of(EntityType::Leads)[0].id, Some(4));
    assert_eq!(
        c.new_tag("hot", EntityType::Leads).await.unwrap().id,
        Some(8)
    );
    assert_eq!(c.new_source("Website").await.unwrap().id, 9);

    let account = c.get::<Account>(41).await.unwrap();
    assert_eq!(account.fields.owner.as_ref().map(|o| o.id), Some(4));
    assert_eq!(account.fields.custom_fields, Some(Default::default()));
    assert_eq!(account.fields.tags, Some(vec![]));
    assert_eq!(account.fields.contacts.as_ref().map(|c| c[0].id), Some(52));
    let Some(MultiValue::Labeled(phones)) = &account.fields.phone else {
        panic!("{:?}", account.fields.phone);
    };
    assert_eq!(
        crm_migrate::nutshell::loose::phone_text(&phones["--primary"]).as_deref(),
        Some("+912240001234")
    );
    assert_eq!(c.create(&Account::default()).await.unwrap().id, 41);

    let contact = c.get::<Contact>(52).await.unwrap();
    assert_eq!(contact.rev, "2");
    assert!(
        matches!(contact.fields.name, Some(PersonName::Parts { ref display_name, .. }) if display_name.as_deref() == Some("Asha Rao"))
    );
    assert_eq!(contact.fields.accounts.as_ref().map(|a| a[0].id), Some(41));
    assert_eq!(
        contact.fields.custom_fields.as_ref().unwrap()["RSoft ID"],
        json!("CON-1")
    );

    let lead = c.get::<Lead>(77).await.unwrap();
    assert_eq!((lead.id, lead.rev.as_str()), (77, "5"));
    assert_eq!(lead.fields.status, Some(10));
    assert_eq!(lead.fields.confidence, Some(60));
    let assignee = lead.fields.assignee.as_ref().unwrap();
    assert_eq!((assignee.entity_type.as_str(), assignee.id), ("Users", 4));
    assert_eq!(
        assignee.extra["name"],
        json!("Ravi Kumar"),
        "the full user is kept"
    );
    assert_eq!(lead.fields.primary_account.as_ref().map(|a| a.id), Some(41));
    assert_eq!(
        lead.fields
            .contacts
            .as_ref()
            .map(|c| (c[0].id, c[0].relationship.clone())),
        Some((52, Some("Buyer".into())))
    );
    assert_eq!(
        lead.fields.value.as_ref().map(|v| v.amount.as_str()),
        Some("125000.50")
    );
    assert_eq!(lead.fields.custom_fields, Some(Default::default()));
    assert_eq!(
        lead.modified_time.unwrap().to_string(),
        "2024-08-01T10:00:00+00:00"
    );
    assert_eq!(
        c.edit::<Lead>(77, "5", &Lead::default())
            .await
            .unwrap()
            .fields
            .status,
        Some(10)
    );
    let found = c.find::<Lead>(all()).unwrap().all().await.unwrap();
    assert_eq!((found[0].id, found[0].fields.status), (77, Some(0)));

    let activity = c.get::<Activity>(90).await.unwrap();
    assert_eq!(activity.fields.status, Some(1));
    assert_eq!(
        (activity.fields.is_all_day, activity.fields.is_flagged),
        (Some(false), Some(true))
    );
    assert_eq!(activity.fields.leads.as_ref().map(|l| l[0].id), Some(77));
    let participants = activity.fields.participants.as_ref().unwrap();
    assert_eq!(
        participants
            .iter()
            .map(|p| (p.entity_type.as_str(), p.id))
            .collect::<Vec<_>>(),
        [("Users", 4), ("Contacts", 52)]
    );
    assert!(activity.fields.end_time > activity.fields.start_time);
    assert_eq!(activity.fields.extra["activityType"]["id"], json!("1"));
    let found = c.find::<Activity>(all()).unwrap().all().await.unwrap();
    assert_eq!(found[0].id, 90);

    let task = c.get::<Task>(95).await.unwrap();
    assert_eq!(task.fields.due_time.unwrap().0.timestamp(), 1_721_304_000);
    assert_eq!(task.fields.entity.as_ref().map(|e| e.id), Some(41));

    let on = crm_migrate::nutshell::EntityRef::new(EntityType::Accounts, 41);
    let note = c.new_note(&on, "Met at the fair").await.unwrap();
    assert_eq!(
        (note.id, note.fields.entity.as_ref().map(|e| e.id)),
        (99, Some(41))
    );
    assert_eq!(
        c.get_note(99).await.unwrap().fields.note.as_deref(),
        Some("Met at the fair")
    );

    let hits = c.search::<Account>("Sharma", None).await.unwrap();
    assert_eq!((hits[0].id, hits[0].entity_type.as_str()), (41, "Accounts"));
    let by_email = c.search_by_email("asha@acme.in").await.unwrap();
    assert_eq!(by_email.contacts[0].id, 52);
    assert!(by_email.accounts.is_empty() && by_email.users.is_empty());

    assert!(c.delete::<Lead>(77, "5").await.unwrap(), "\"1\" is true");
    assert!(c.delete_note(99, "1").await.unwrap());

    let matches = c
        .find_by_field(EntityType::Accounts, "RSoft ID", "ACC-7")
        .await
        .unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].id, 41);
    assert_eq!(
        matches[0].fields["customFields"]["RSoft ID"],
        json!("ACC-7")
    );
    let filter_hit = server
        .hits()
        .into_iter()
        .find(|h| h.path == "/rest/accounts")
        .unwrap();
    assert!(filter_hit.auth.is_some(), "REST reads are authenticated");

    let permissions = c.permissions().await.unwrap();
    assert!(permissions.can_assign_entities);
    assert!(!permissions.can_delete_entities);
}

#[tokio::test]
async fn an_unreadable_field_names_method_path_and_value_not_the_body() {
    let server = mock(|hit, _| {
        if hit.params.get("page").and_then(Value::as_i64).unwrap_or(1) > 1 {
            return result(json!([]));
        }
        result(json!([
            {"id": 1, "entityType": "Stagesets", "name": "Sales", "default": 1,
             "secret_looking_body_text": "should not be quoted"},
            {"id": 2, "entityType": "Stagesets", "name": "Channel", "default": "maybe"}
        ]))
    })
    .await;
    let c = client(&server.url);
    let e = c
        .list::<Stageset>(FindOptions::default())
        .unwrap()
        .all()
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, NutshellError::Shape { .. }), "{e:?}");
    assert!(text.starts_with("findStagesets:"), "{text}");
    assert!(text.contains("field `[1].default`"), "{text}");
    assert!(text.contains("`\"maybe\"`"), "{text}");
    assert!(!text.contains("should not be quoted"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

/// `http://api.localhost:PORT` is loopback (RFC 6761): the client connects to 127.0.0.1 without
/// asking DNS: the name is pinned, so the call works even though no resolver knows this name.
#[tokio::test]
async fn a_localhost_subdomain_reaches_loopback_without_dns() {
    let server = mock(|_, _| result(full_user("3"))).await;
    let port = server
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let name = "crm-migrate-test-no-such-name.localhost";
    let c = client(&format!("http://{name}:{port}/api/v1/json"));
    assert_eq!(c.get_user(None).await.unwrap().id, 3);
    assert_eq!(server.hits().len(), 1);
}

/// `map` (the destination schema) and `check-api` (the pre-flight) succeed against live shapes.
#[tokio::test]
async fn map_and_check_api_read_a_live_shaped_account() {
    let server = mock(|hit, _| answer(hit)).await;
    let c = client(&server.url);
    let schema = Destination::read(&c).await.unwrap().schema();
    assert_eq!(schema.stagesets[0].name, "Sales");
    assert_eq!(schema.stagesets[0].milestones, ["Qualify"]);
    assert_eq!(
        schema.activity_types,
        ["Phone Call"],
        "the deleted type is left out"
    );
    let report = preflight::check(&c).await.unwrap();
    assert!(report.mismatches.is_empty() && report.credentials_error.is_none());
    assert_eq!(report.missing_permissions(), ["canDeleteEntities"]);
}
