//! Every JSON-RPC method of the sandbox round-trips over real HTTP with Nutshell's shapes.

mod sandbox_support;

use crm_migrate::sandbox::{DISCOVERY_METHOD, DISCOVERY_PATH, ENDPOINT_PATH, RecordKind};
use sandbox_support::{id_named, ids, open, open_as, smd, start};
use serde_json::{Value, json};

/// docs/nutshell-api.md, `edit*`: multi-value fields are replaced whole, never merged by the
/// server (the load sends the union itself); keys not sent are kept.
#[tokio::test]
async fn an_edit_replaces_every_multi_value_field_whole() {
    let (_sb, rpc) = open().await;
    let a = rpc
        .ok(
            "newAccount",
            json!({"account": {
                "name": "Gupta & Sons",
                "phone": ["+911163736011"],
                "email": ["sales@guptasons.com"],
                "url": ["www.guptasons.com"],
                "address": [{"address_1": "47, Nehru Nagar", "city": "New Delhi"}],
                "tags": ["metals"],
            }}),
        )
        .await;
    let edited = rpc
        .ok(
            "editAccount",
            json!({"accountId": a["id"], "rev": a["rev"], "account": {
                "phone": ["+911126484451"],
                "email": ["contact@guptasons.com"],
                "address": [{"address_1": "286, Brigade Road", "city": "New Delhi"}],
                "tags": ["key account"],
            }}),
        )
        .await;
    // Phones are answered as live Nutshell renders them: an object each, labelled.
    let phones = edited["phone"].as_object().unwrap();
    assert_eq!(phones.len(), 2, "{edited:#}");
    assert_eq!(phones["1"]["E164"], "+911126484451", "{edited:#}");
    assert_eq!(phones["--primary"], phones["1"], "{edited:#}");
    assert_eq!(
        edited["email"],
        json!({"--primary": "contact@guptasons.com", "1": "contact@guptasons.com"}),
        "{edited:#}"
    );
    let text = edited.to_string();
    assert!(
        text.contains("Brigade Road") && !text.contains("Nehru Nagar"),
        "{edited:#}"
    );
    assert_eq!(edited["tags"], json!(["key account"]), "{edited:#}");
    assert_eq!(
        edited["url"],
        json!({"--primary": "www.guptasons.com", "1": "www.guptasons.com"}),
        "not sent, kept"
    );
}

#[tokio::test]
async fn accounts_round_trip_with_rev_and_timestamps() {
    let (sb, rpc, ravi) = open_as("ravi@acme.in").await;
    let a = rpc
        .ok(
            "newAccount",
            json!({"account": {
                "name": "Kaveri Foods", "description": "FMCG",
                "owner": {"entityType": "Users", "id": ravi},
                "url": ["https://kaveri.in"], "phone": {"Work": "+91 80 1234 5678"},
                "email": {"Work": "info@kaveri.in"},
                "address": {"Office": {"address_1": "1 MG Road", "city": "Bengaluru", "country": "IN"}},
                "tags": ["Priority"],
            }}),
        )
        .await;
    assert_eq!(a["entityType"], "Accounts");
    assert_eq!(a["name"], "Kaveri Foods");
    assert_eq!(a["email"]["--primary"], "info@kaveri.in");
    let created = a["createdTime"].as_str().unwrap();
    assert!(
        created.ends_with("+0000") && created.len() == 24,
        "{created}"
    );
    let id = a["id"].as_u64().unwrap();
    let rev = a["rev"].as_str().unwrap().to_string();

    let got = rpc.ok("getAccount", json!({"accountId": id})).await;
    assert_eq!(got, a);

    let edited = rpc
        .ok(
            "editAccount",
            json!({"accountId": id, "rev": rev, "account": {"url": ["https://kaveri.co.in"]}}),
        )
        .await;
    assert_ne!(edited["rev"], a["rev"], "rev changes on every edit");
    assert_eq!(
        edited["url"],
        json!({"--primary": "https://kaveri.co.in", "1": "https://kaveri.co.in"}),
        "lists replaced whole"
    );
    assert_eq!(edited["description"], "FMCG", "other keys kept");
    let tags = rpc.ok("findTags", json!({})).await;
    assert_eq!(tags["Accounts"], json!(["Priority"]));

    assert_eq!(
        rpc.ok(
            "deleteAccount",
            json!({"accountId": id, "rev": edited["rev"]})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        sb.live_count(RecordKind::Accounts),
        1,
        "only the seeded account is left"
    );
    assert_eq!(sb.deleted_count(RecordKind::Accounts), 1);
}

#[tokio::test]
async fn contacts_split_names_and_link_accounts() {
    let (_sb, rpc) = open().await;
    let sharma = rpc
        .ok("searchAccounts", json!({"string": "sharma textiles"}))
        .await;
    let account = sharma[0]["id"].as_u64().unwrap();
    let c = rpc
        .ok(
            "newContact",
            json!({"contact": {
                "name": "Meera K Nair", "jobTitle": "Buyer",
                "email": ["meera@sharmatextiles.in", "meera.nair@gmail.com"],
                "phone": ["+91 98450 00000"],
                "accounts": [{"id": account, "relationship": "Buyer"}],
            }}),
        )
        .await;
    assert_eq!(
        c["name"],
        json!({"givenName": "Meera K", "familyName": "Nair", "displayName": "Meera K Nair"})
    );
    assert_eq!(c["email"]["--primary"], "meera@sharmatextiles.in");
    let id = c["id"].as_u64().unwrap();
    assert_eq!(rpc.ok("getContact", json!({"contactId": id})).await, c);

    let found = rpc
        .ok(
            "findContacts",
            json!({"query": {"accountId": account}, "stubResponses": false}),
        )
        .await;
    assert_eq!(found, json!([c]));
    let by_email = rpc
        .ok(
            "searchByEmail",
            json!({"emailAddressString": "MEERA.NAIR@gmail.com"}),
        )
        .await;
    assert_eq!(ids(&by_email["contacts"]), [id]);
    assert_eq!(by_email["accounts"], json!([]));
    let admin = rpc
        .ok(
            "searchByEmail",
            json!({"emailAddressString": "admin@acme.in"}),
        )
        .await;
    assert_eq!(by_email["users"], json!([]));
    assert_eq!(admin["users"].as_array().unwrap().len(), 1);
    let search = rpc
        .ok("searchContacts", json!({"string": "nair", "limit": 5}))
        .await;
    assert_eq!(ids(&search), [id]);

    let edited = rpc
        .ok(
            "editContact",
            json!({"contactId": id, "rev": c["rev"], "contact": {"email": ["m@kaveri.in"]}}),
        )
        .await;
    assert_eq!(
        edited["email"],
        json!({"1": "m@kaveri.in", "--primary": "m@kaveri.in"})
    );
    rpc.ok(
        "deleteContact",
        json!({"contactId": id, "rev": edited["rev"]}),
    )
    .await;
    assert_eq!(
        rpc.ok("searchContacts", json!({"string": "nair"})).await,
        json!([])
    );
    let gone = rpc.fail("getContact", json!({"contactId": id})).await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn leads_carry_number_status_milestone_and_stageset() {
    let (sb, rpc, priya) = open_as("priya.sharma@acme.in").await;
    let sales = id_named(&rpc, "findStagesets", "Sales").await;
    let proposal = id_named(&rpc, "findMilestones", "Proposal").await;
    let website = id_named(&rpc, "findSources", "Website").await;
    let account = rpc.ok("searchAccounts", json!({"string": "Sharma"})).await[0]["id"].clone();
    let lead = rpc
        .ok(
            "newLead",
            json!({"lead": {
                "description": "Uniform order 2026",
                "primaryAccount": {"id": account},
                "confidence": 60,
                "assignee": {"entityType": "Users", "id": priya},
                "sources": [{"id": website}],
                "milestoneId": proposal, "stagesetId": sales,
                "dueTime": "2026-12-31T18:00:00+05:30",
                "value": {"currency": "INR", "amount": 250000},
            }}),
        )
        .await;
    assert_eq!(lead["entityType"], "Leads");
    assert_eq!(lead["name"], "Uniform order 2026");
    assert_eq!(lead["status"], 0);
    assert_eq!(lead["milestone"]["name"], "Proposal");
    assert_eq!(lead["stageset"]["id"], sales);
    assert_eq!(lead["dueTime"], "2026-12-31T12:30:00+0000");
    let number = lead["number"].as_u64().unwrap();
    assert!(number >= 1001 && number != lead["id"].as_u64().unwrap());

    let won = rpc
        .ok(
            "editLead",
            json!({"leadId": lead["id"], "rev": lead["rev"], "lead": {"status": 10}}),
        )
        .await;
    assert_eq!(won["status"], 10);
    let open = rpc.ok("findLeads", json!({"query": {"status": 0}})).await;
    assert_eq!(open, json!([]));
    let mine = rpc
        .ok(
            "findLeads",
            json!({"query": {"assignee": [{"entityType": "Users", "id": priya}], "number": number}}),
        )
        .await;
    assert_eq!(ids(&mine), [lead["id"].as_u64().unwrap()]);
    assert_eq!(mine[0]["number"], number, "stubs carry the number");
    let by_number = rpc
        .ok("searchLeads", json!({"string": format!("Lead-{number}")}))
        .await;
    assert_eq!(ids(&by_number), ids(&mine));
    assert_eq!(rpc.ok("getLead", json!({"leadId": lead["id"]})).await, won);

    // Only a stageset: the lead starts at that pipeline's first stage.
    let channel = id_named(&rpc, "findStagesets", "Channel Partners").await;
    let l2 = rpc
        .ok("newLead", json!({"lead": {"stagesetId": channel}}))
        .await;
    assert_eq!(l2["milestone"]["name"], "Enquiry");
    assert_eq!(l2["name"], format!("Lead-{}", number + 1));
    // Moving it to another pipeline starts it there; naming a stage brings its pipeline along.
    let moved = rpc
        .ok(
            "editLead",
            json!({"leadId": l2["id"], "rev": l2["rev"], "lead": {"stagesetId": sales}}),
        )
        .await;
    assert_eq!(moved["milestone"]["name"], "Prospecting");
    let l2 = rpc
        .ok(
            "editLead",
            json!({"leadId": l2["id"], "rev": moved["rev"], "lead": {"milestoneId": proposal}}),
        )
        .await;
    assert_eq!(
        (l2["milestone"]["name"].as_str(), &l2["stageset"]["id"]),
        (Some("Proposal"), &json!(sales))
    );
    rpc.delete("Lead", &l2).await;
    assert_eq!(sb.live_count(RecordKind::Leads), 1);
}

#[tokio::test]
async fn activities_tasks_and_notes_round_trip() {
    let (sb, rpc, sneha) = open_as("sneha.iyer@acme.in").await;
    let call = id_named(&rpc, "findActivityTypes", "Phone Call").await;
    let contact = rpc.new_contact("Arjun Das").await;
    let lead = rpc.new_lead("AMC renewal").await;
    let act = rpc
        .ok(
            "newActivity",
            json!({"activity": {
                "name": "Intro call", "activityTypeId": call,
                "startTime": "2024-07-18T17:30:00+05:30", "endTime": "2024-07-18T18:00:00+05:30",
                "status": 1,
                "participants": [{"entityType": "Contacts", "id": contact["id"]},
                                 {"entityType": "Users", "id": sneha}],
                "leads": [{"id": lead["id"]}],
            }}),
        )
        .await;
    assert_eq!(act["entityType"], "Activities");
    assert_eq!(act["startTime"], "2024-07-18T12:00:00+0000");
    assert_eq!(act["activityType"]["name"], "Phone Call");
    assert_eq!(act["status"], 1);
    assert!(act.get("logDescription").is_some());
    let found = rpc
        .ok(
            "findActivities",
            json!({"query": {"leadId": lead["id"], "contactId": [contact["id"]], "userId": [sneha],
                             "activityTypeId": [call], "startTime": "2024-07-01T00:00:00+0000"}}),
        )
        .await;
    assert_eq!(ids(&found), [act["id"].as_u64().unwrap()]);
    assert_eq!(
        rpc.ok("getActivity", json!({"activityId": act["id"]}))
            .await,
        act
    );
    let moved = rpc
        .ok(
            "editActivity",
            json!({"activityId": act["id"], "rev": act["rev"], "activity": {"isFlagged": true}}),
        )
        .await;
    assert_eq!(moved["isFlagged"], true);
    rpc.delete("Activity", &moved).await;

    let task = rpc
        .ok(
            "newTask",
            json!({"task": {"title": "Send quote", "dueTime": "2024-07-20T10:00:00Z",
                            "assignee": {"entityType": "Users", "id": sneha},
                            "entity": {"entityType": "Leads", "id": lead["id"]}}}),
        )
        .await;
    assert_eq!(task["entityType"], "Tasks");
    let tasks = rpc
        .ok(
            "findTasks",
            json!({"query": {"entity": {"entityType": "Leads", "id": lead["id"]}}}),
        )
        .await;
    assert_eq!(ids(&tasks), [task["id"].as_u64().unwrap()]);
    let done = rpc
        .ok(
            "editTask",
            json!({"taskId": task["id"], "rev": task["rev"], "task": {"description": "v2"}}),
        )
        .await;
    assert_eq!(rpc.ok("getTask", json!({"taskId": task["id"]})).await, done);
    rpc.delete("Task", &done).await;

    let note = rpc
        .new_note("Leads", &lead["id"], "Converted from RSoft lead L-17")
        .await;
    assert_eq!(note["entityType"], "Notes");
    assert_eq!(note["note"], "Converted from RSoft lead L-17");
    assert_eq!(rpc.ok("getNote", json!({"noteId": note["id"]})).await, note);
    rpc.delete("Note", &note).await;
    assert_eq!(sb.live_count(RecordKind::Notes), 0);
    assert_eq!(sb.stats().creates_committed, 5);
}

#[tokio::test]
async fn reference_data_matches_the_sample_company() {
    let (_sb, rpc) = open().await;
    let users = rpc.ok("findUsers", json!({"orderBy": "name"})).await;
    let emails: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["emails"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        [
            "admin@acme.in",
            "Anil.Mehta@acme.in",
            "priya.sharma@acme.in",
            "ravi@acme.in",
            "sneha.iyer@acme.in"
        ]
    );
    assert_eq!(users[0]["entityType"], "Users");
    assert_eq!(users[0]["isAdministrator"], true);
    assert_eq!(users[0]["firstName"], "Acme");
    let stagesets = rpc.ok("findStagesets", json!({})).await;
    assert_eq!(stagesets[0]["name"], "Sales");
    // Live Nutshell (PHP) writes the flag as 1/0; the public client `nutshell` 0.4.4 models
    // `Stageset.default` as an integer.
    assert_eq!(stagesets[0]["default"], 1);
    let milestones = rpc.ok("findMilestones", json!({"limit": 100})).await;
    assert_eq!(milestones.as_array().unwrap().len(), 11);
    assert_eq!(milestones[0]["stagesetId"], stagesets[0]["id"]);
    let types = rpc.ok("findActivityTypes", json!({})).await;
    let names: Vec<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Phone Call", "Email", "Meeting"]);
    assert_eq!(types[0]["entityType"], "Activity_Types");
    assert!(types[0]["deletedTime"].is_null());
    assert_eq!(
        rpc.ok("findCustomFields", json!({})).await,
        json!({"Accounts": [], "Contacts": [], "Leads": []})
    );
    // newSource returns the existing source of that name.
    let referral = id_named(&rpc, "findSources", "Referral").await;
    assert_eq!(
        rpc.ok("newSource", json!({"name": "referral"})).await["id"],
        referral
    );
    let fair = rpc.ok("newSource", json!({"name": "Trade Fair"})).await;
    assert_eq!(fair["entityType"], "Sources");
    assert_eq!(
        rpc.ok("findSources", json!({}))
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn custom_fields_and_tags_are_created() {
    let (_sb, rpc) = open().await;
    let made = rpc
        .rest_field("contacts", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["name"], "RSoft ID");
    assert_eq!(made.body["type"], "Text");
    let dob = rpc
        .rest_field("contacts", json!({"name": "Date of Birth", "type": "Date"}))
        .await;
    assert_eq!(dob.status, 201);
    let fields = rpc.ok("findCustomFields", json!({})).await;
    assert_eq!(fields["Contacts"].as_array().unwrap().len(), 2);
    assert_eq!(fields["Accounts"], json!([]));

    let c = rpc
        .ok(
            "newContact",
            json!({"contact": {"name": "Asha Rao", "customFields": {"RSoft ID": "C-1", "Date of Birth": "1990-03-31"}}}),
        )
        .await;
    assert_eq!(c["customFields"]["Date of Birth"], "1990-03-31");
    let found = rpc
        .ok(
            "findContacts",
            json!({"query": {"customFields": {"RSoft ID": "C-1"}}}),
        )
        .await;
    assert_eq!(ids(&found), [c["id"].as_u64().unwrap()]);
    // Editing one custom field keeps the others.
    let e = rpc
        .ok(
            "editContact",
            json!({"contactId": c["id"], "rev": c["rev"], "contact": {"customFields": {"Date of Birth": "1990-04-01"}}}),
        )
        .await;
    assert_eq!(
        e["customFields"],
        json!({"RSoft ID": "C-1", "Date of Birth": "1990-04-01"})
    );

    let tag = rpc
        .ok(
            "newTag",
            json!({"tag": {"name": "VIP", "entityType": "Contacts"}}),
        )
        .await;
    assert_eq!(tag["entityType"], "Tags");
    assert_eq!(tag["name"], "VIP");
    assert_eq!(
        rpc.ok("findTags", json!({})).await,
        json!({"Accounts": [], "Contacts": ["VIP"], "Leads": []})
    );
}

#[tokio::test]
async fn find_pages_are_one_based_and_ordered() {
    let (_sb, rpc) = open().await;
    for name in ["Delta", "alpha", "Charlie", "bravo"] {
        rpc.new_account(name).await;
    }
    let page = |p: u64, dir: &str| {
        rpc.ok(
            "findAccounts",
            json!({"orderBy": "name", "orderDirection": dir, "limit": 2, "page": p}),
        )
    };
    let names = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(page(1, "ASC").await), ["alpha", "bravo"]);
    assert_eq!(names(page(2, "ASC").await), ["Charlie", "Delta"]);
    assert_eq!(names(page(3, "ASC").await), ["Sharma Textiles Pvt Ltd"]);
    assert_eq!(page(4, "ASC").await, json!([]));
    assert_eq!(
        names(page(1, "DESC").await),
        ["Sharma Textiles Pvt Ltd", "Delta"]
    );
    let stub = &page(1, "ASC").await[0];
    assert!(stub.get("createdTime").is_some() && stub.get("rev").is_some());
    let full = rpc
        .ok(
            "findAccounts",
            json!({"stubResponses": false, "query": {"name": "ALPHA"}}),
        )
        .await;
    assert_eq!(names(full), ["alpha"]);
}

#[tokio::test]
async fn smd_lists_every_method_with_its_parameters() {
    let sb = start().await;
    let smd = smd(&sb).await;
    assert_eq!(smd["transport"], "POST");
    assert_eq!(smd["envelope"], "JSON-RPC-2.0");
    assert_eq!(smd["target"], ENDPOINT_PATH);
    let services = smd["services"].as_object().unwrap();
    let params = |m: &str| -> Vec<(String, bool)> {
        services[m]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["optional"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let expected = [
        ("newAccount", vec![("account", false)]),
        ("getContact", vec![("contactId", false), ("rev", true)]),
        (
            "editActivity",
            vec![("activityId", false), ("rev", false), ("activity", false)],
        ),
        ("deleteNote", vec![("noteId", false), ("rev", false)]),
        ("newNote", vec![("entity", false), ("note", false)]),
        (
            "findLeads",
            vec![
                ("query", true),
                ("orderBy", true),
                ("orderDirection", true),
                ("limit", true),
                ("page", true),
                ("stubResponses", true),
            ],
        ),
        ("searchAccounts", vec![("string", false), ("limit", true)]),
        ("searchByEmail", vec![("emailAddressString", false)]),
        ("newTag", vec![("tag", false)]),
        ("newSource", vec![("name", false)]),
        ("findCustomFields", vec![]),
        (
            "findMilestones",
            vec![
                ("orderBy", true),
                ("orderDirection", true),
                ("limit", true),
                ("page", true),
            ],
        ),
    ];
    for (m, want) in expected {
        let want: Vec<(String, bool)> = want.into_iter().map(|(n, o)| (n.to_string(), o)).collect();
        assert_eq!(params(m), want, "{m}");
    }
    let mut names: Vec<&str> = services.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut all = vec![
        "findAccounts",
        "findActivities",
        "findActivityTypes",
        "findContacts",
        "findCustomFields",
        "findLeads",
        "findMilestones",
        "findSources",
        "findStagesets",
        "findTags",
        "findTasks",
        "findUsers",
        // `getUser` (no id: the API user), as the public client `nutshell` 0.4.4 calls it.
        "getUser",
        "newSource",
        "newTag",
        "searchAccounts",
        "searchByEmail",
        "searchContacts",
        "searchLeads",
        "newNote",
        "getNote",
        "deleteNote",
    ];
    for t in ["Account", "Contact", "Lead", "Activity", "Task"] {
        for verb in ["new", "get", "edit", "delete"] {
            all.push(Box::leak(format!("{verb}{t}").into_boxed_str()));
        }
    }
    all.sort_unstable();
    assert_eq!(names, all);
}

#[tokio::test]
async fn discovery_names_the_sandbox_without_auth() {
    let sb = start().await;
    let http = reqwest::Client::new();
    let url = format!("{}{DISCOVERY_PATH}", sb.base_url());
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": DISCOVERY_METHOD, "params": {"username": "admin@acme.in"}});
    let r: Value = http
        .post(&url)
        .json(&call)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"]["api"], sb.addr().to_string());
    assert_eq!(
        format!("http://{}{ENDPOINT_PATH}", sb.addr()),
        sb.endpoint()
    );
    let bad =
        json!({"jsonrpc": "2.0", "id": 2, "method": DISCOVERY_METHOD, "params": {"user": "x"}});
    let resp = http.post(&url).json(&bad).send().await.unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_get_distinct_ids() {
    let (sb, rpc) = open().await;
    let rpc = std::sync::Arc::new(rpc);
    let calls = (0..16).map(|i| {
        let rpc = rpc.clone();
        tokio::spawn(async move {
            let a = rpc
                .ok(
                    "newAccount",
                    json!({"account": {"name": format!("Firm {i}")}}),
                )
                .await;
            a["id"].as_u64().unwrap()
        })
    });
    let mut ids = Vec::new();
    for c in calls {
        ids.push(c.await.unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 16);
    assert_eq!(sb.live_count(RecordKind::Accounts), 17);
    assert_eq!(sb.stats().creates_committed, 16);
}
