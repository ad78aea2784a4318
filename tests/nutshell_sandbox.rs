//! The client against the local Nutshell sandbox over real HTTP on loopback: every method
//! round-trips, and every failure the sandbox can produce is classified as the client promises.

use std::time::Duration;

use crm_migrate::config::{ApiKey, LoadConfig};
use crm_migrate::nutshell::EntityType;
use crm_migrate::nutshell::retry::RetryPolicy;
use crm_migrate::nutshell::{
    Account, Activity, ActivityType, Client, ClientOptions, Contact, Endpoint, EndpointError,
    EntityRef, FailureClass, FindOptions, Lead, Link, Milestone, MultiValue, NutshellError,
    PersonName, Source, Stageset, Task, ThrottleSettings, Timestamp, TransportKind, User,
    preflight,
};
use crm_migrate::sandbox::{self, Knobs, RunningSandbox, Sandbox, SandboxOptions};
use serde_json::{Map, Value, json};

async fn sandbox(knobs: Knobs) -> RunningSandbox {
    Sandbox::start(SandboxOptions {
        knobs,
        seed: Some(7),
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

fn client_for(s: &RunningSandbox, key: &ApiKey, rps: f64) -> Client {
    let load = LoadConfig {
        requests_per_second: rps,
        max_in_flight: 4,
    };
    let endpoint = Endpoint::parse(&s.endpoint()).unwrap();
    let mut options = ClientOptions::new(endpoint, &s.credentials().username, &load);
    options.throttle = ThrottleSettings {
        start_rps: rps,
        ..ThrottleSettings::from_load(&load)
    };
    options.retry = RetryPolicy {
        max_attempts: 12,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(50),
    };
    Client::new(options, key).unwrap()
}

fn client(s: &RunningSandbox) -> Client {
    client_for(s, &s.credentials().api_key, 500.0)
}

fn map(v: Value) -> Map<String, Value> {
    serde_json::from_value(v).unwrap()
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

#[tokio::test]
async fn the_sandbox_describes_every_method_the_client_uses() {
    let s = sandbox(Knobs::default()).await;
    let report = preflight::check(&client(&s)).await.unwrap();
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    assert!(
        report.credentials_error.is_none(),
        "{:?}",
        report.credentials_error
    );
}

#[tokio::test]
async fn reference_lists_round_trip() {
    let s = sandbox(Knobs::default()).await;
    let c = client(&s);
    let small = || FindOptions {
        page_size: 2,
        ..FindOptions::default()
    };
    let users = c.list::<User>(small()).unwrap().all().await.unwrap();
    assert_eq!(users.len(), 5, "{users:?}");
    assert!(users.iter().any(|u| {
        u.fields
            .emails
            .as_ref()
            .is_some_and(|e| e.iter().any(|e| e == "Anil.Mehta@acme.in"))
    }));
    let stagesets = c.list::<Stageset>(small()).unwrap().all().await.unwrap();
    assert_eq!(stagesets.len(), 2);
    let milestones = c.list::<Milestone>(small()).unwrap().all().await.unwrap();
    assert_eq!(milestones.len(), 11);
    assert!(milestones.iter().all(|m| m.fields.stageset_id.is_some()));
    let types = c
        .list::<ActivityType>(small())
        .unwrap()
        .all()
        .await
        .unwrap();
    assert_eq!(types.len(), 3);

    let sources = c.list::<Source>(small()).unwrap().all().await.unwrap();
    assert_eq!(sources.len(), 2);
    let fair = c.new_source("Trade Fair").await.unwrap();
    let again = c.new_source("Trade Fair").await.unwrap();
    assert_eq!(
        fair.id, again.id,
        "newSource returns the existing source of that name"
    );
    assert_eq!(
        c.list::<Source>(small())
            .unwrap()
            .all()
            .await
            .unwrap()
            .len(),
        3
    );

    assert!(c.find_custom_fields().await.unwrap().accounts.is_empty());
    c.create_custom_field(EntityType::Accounts, "RSoft ID", "Text")
        .await
        .unwrap();
    let fields = c.find_custom_fields().await.unwrap();
    assert_eq!(fields.accounts[0].fields.name.as_deref(), Some("RSoft ID"));
    assert!(fields.leads.is_empty());

    c.new_tag("Key Account", EntityType::Accounts)
        .await
        .unwrap();
    let tags = c.find_tags().await.unwrap();
    assert!(
        tags.accounts.iter().any(|t| t.name == "Key Account"),
        "{tags:?}"
    );
    let dup = c
        .new_tag("Key Account", EntityType::Accounts)
        .await
        .unwrap_err();
    assert_eq!(dup.class(), FailureClass::Permanent, "{dup}");
}

#[tokio::test]
async fn records_round_trip_create_get_edit_find_search_delete() {
    let s = sandbox(Knobs::default()).await;
    let c = client(&s);
    c.create_custom_field(EntityType::Accounts, "RSoft ID", "Text")
        .await
        .unwrap();
    let owner = c
        .list::<User>(FindOptions::default())
        .unwrap()
        .all()
        .await
        .unwrap()[1]
        .id;

    // Account
    let account = c
        .create(&Account {
            name: Some("Acme Lifts".into()),
            owner: Some(EntityRef::user(owner)),
            url: Some(MultiValue::List(vec![json!("https://acmelifts.in")])),
            tags: Some(vec!["Key Account".into()]),
            custom_fields: Some(map(json!({"RSoft ID": "CMP-0042"}))),
            ..Account::default()
        })
        .await
        .unwrap();
    assert_eq!(account.entity_type, "Accounts");
    assert!(!account.rev.is_empty());
    assert!(account.created_time.is_some());
    let got = c.get::<Account>(account.id).await.unwrap();
    assert_eq!(
        got.fields.custom_fields.as_ref().unwrap()["RSoft ID"],
        "CMP-0042"
    );
    let edited = c
        .edit(
            account.id,
            &got.rev,
            &Account {
                description: Some("Elevators".into()),
                ..Account::default()
            },
        )
        .await
        .unwrap();
    assert_ne!(edited.rev, got.rev, "an edit moves the rev");
    assert_eq!(edited.fields.description.as_deref(), Some("Elevators"));
    let found = c
        .find::<Account>(FindOptions::default())
        .unwrap()
        .all()
        .await
        .unwrap();
    assert_eq!(found.len(), 2, "the seeded account and ours");
    let hits = c.search::<Account>("Acme", None).await.unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [account.id]);

    // Contact, linked to the account
    let contact = c
        .create(&Contact {
            name: Some(PersonName::Full("Asha Rao".into())),
            email: Some(MultiValue::List(vec![json!("asha@acmelifts.in")])),
            accounts: Some(vec![Link::new(account.id)]),
            ..Contact::default()
        })
        .await
        .unwrap();
    match &contact.fields.name {
        Some(PersonName::Parts {
            given_name,
            family_name,
            ..
        }) => {
            assert_eq!(
                (given_name.as_deref(), family_name.as_deref()),
                (Some("Asha"), Some("Rao"))
            );
        }
        other => panic!("name not split: {other:?}"),
    }
    let by_email = c.search_by_email("ASHA@acmelifts.in").await.unwrap();
    assert_eq!(
        by_email.contacts.iter().map(|s| s.id).collect::<Vec<_>>(),
        [contact.id],
        "{by_email:?}"
    );
    assert_eq!(c.search::<Contact>("Asha", Some(5)).await.unwrap().len(), 1);

    // Lead on the account and contact
    let milestone = c
        .list::<Milestone>(FindOptions::default())
        .unwrap()
        .all()
        .await
        .unwrap()[1]
        .clone();
    let lead = c
        .create(&Lead {
            description: Some("Lift modernisation".into()),
            primary_account: Some(Link::new(account.id)),
            contacts: Some(vec![Link::new(contact.id)]),
            assignee: Some(EntityRef::user(owner)),
            confidence: Some(40),
            milestone_id: Some(milestone.id),
            ..Lead::default()
        })
        .await
        .unwrap();
    assert_eq!(lead.fields.status, Some(0));
    let lead = c
        .edit(
            lead.id,
            &lead.rev,
            &Lead {
                confidence: Some(60),
                ..Lead::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(lead.fields.confidence, Some(60));
    assert_eq!(
        c.find::<Lead>(FindOptions::default())
            .unwrap()
            .all()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(c.search::<Lead>("Lift", None).await.unwrap().len(), 1);

    // Activity with the contact, on the lead
    let types = c
        .list::<ActivityType>(FindOptions::default())
        .unwrap()
        .all()
        .await
        .unwrap();
    let activity = c
        .create(&Activity {
            name: Some("Site visit".into()),
            activity_type_id: Some(types[0].id),
            start_time: Some(at("2024-07-18T10:00:00+0530")),
            end_time: Some(at("2024-07-18T11:00:00+0530")),
            status: Some(1),
            participants: Some(vec![EntityRef::new(EntityType::Contacts, contact.id)]),
            leads: Some(vec![Link::new(lead.id)]),
            ..Activity::default()
        })
        .await
        .unwrap();
    let start = c
        .get::<Activity>(activity.id)
        .await
        .unwrap()
        .fields
        .start_time
        .unwrap();
    assert_eq!(
        start.0.timestamp(),
        at("2024-07-18T04:30:00+0000").0.timestamp(),
        "the instant survives"
    );
    let activity = c
        .edit(
            activity.id,
            &activity.rev,
            &Activity {
                is_flagged: Some(true),
                ..Activity::default()
            },
        )
        .await
        .unwrap();
    let query = map(json!({"leadId": lead.id}));
    let found = c
        .find::<Activity>(FindOptions {
            query,
            ..FindOptions::default()
        })
        .unwrap()
        .all()
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|a| a.id).collect::<Vec<_>>(),
        [activity.id]
    );

    // Task on the lead
    let task = c
        .create(&Task {
            title: Some("Send quote".into()),
            due_time: Some(at("2024-07-20T12:00:00+0000")),
            assignee: Some(EntityRef::user(owner)),
            entity: Some(EntityRef::new(EntityType::Leads, lead.id)),
            ..Task::default()
        })
        .await
        .unwrap();
    let task = c
        .edit(
            task.id,
            &task.rev,
            &Task {
                description: Some("with AMC".into()),
                ..Task::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        c.get::<Task>(task.id)
            .await
            .unwrap()
            .fields
            .description
            .as_deref(),
        Some("with AMC")
    );
    assert_eq!(
        c.find::<Task>(FindOptions::default())
            .unwrap()
            .all()
            .await
            .unwrap()
            .len(),
        1
    );

    // Note on the lead
    let note = c
        .new_note(
            &EntityRef::new(EntityType::Leads, lead.id),
            "Converted from RSoft lead L-7",
        )
        .await
        .unwrap();
    let read = c.get_note(note.id).await.unwrap();
    assert_eq!(read.id, note.id);
    assert!(c.delete_note(note.id, &read.rev).await.unwrap());
    let gone = c.get_note(note.id).await;
    assert!(
        matches!(gone, Err(NutshellError::NotFound { .. })),
        "{gone:?}"
    );

    // Deletes, newest first; deleted records vanish.
    assert!(c.delete::<Task>(task.id, &task.rev).await.unwrap());
    assert!(
        c.delete::<Activity>(activity.id, &activity.rev)
            .await
            .unwrap()
    );
    assert!(c.delete::<Lead>(lead.id, &lead.rev).await.unwrap());
    let contact_rev = c.get::<Contact>(contact.id).await.unwrap().rev;
    assert!(c.delete::<Contact>(contact.id, &contact_rev).await.unwrap());
    assert!(c.delete::<Account>(account.id, &edited.rev).await.unwrap());
    let e = c.get::<Account>(account.id).await.unwrap_err();
    assert!(matches!(e, NutshellError::NotFound { .. }), "{e:?}");
    assert!(c.search::<Account>("Acme", None).await.unwrap().is_empty());
}

#[tokio::test]
async fn wrong_key_is_an_auth_failure() {
    let s = sandbox(Knobs::default()).await;
    let c = client_for(&s, &ApiKey::new("not-the-key"), 100.0);
    let e = c.get::<Account>(1).await.unwrap_err();
    assert!(
        matches!(e, NutshellError::Auth { status: 401, .. }),
        "{e:?}"
    );
    assert_eq!(e.class(), FailureClass::Permanent);
    let report = preflight::check(&c).await.unwrap();
    assert!(report.credentials_error.is_some());
}

#[tokio::test]
async fn stale_rev_unknown_custom_field_and_not_found() {
    let s = sandbox(Knobs::default()).await;
    let c = client(&s);
    let a = c
        .create(&Account {
            name: Some("Rev Co".into()),
            ..Account::default()
        })
        .await
        .unwrap();
    c.edit(
        a.id,
        &a.rev,
        &Account {
            description: Some("one".into()),
            ..Account::default()
        },
    )
    .await
    .unwrap();
    let e = c
        .edit(
            a.id,
            &a.rev,
            &Account {
                description: Some("two".into()),
                ..Account::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, NutshellError::StaleRev { .. }), "{e:?}");
    assert_eq!(e.class(), FailureClass::StaleRev);
    // get + retry with the fresh rev works
    let fresh = c.get::<Account>(a.id).await.unwrap();
    c.edit(
        a.id,
        &fresh.rev,
        &Account {
            description: Some("two".into()),
            ..Account::default()
        },
    )
    .await
    .unwrap();

    let e = c
        .create(&Account {
            name: Some("Shoe Co".into()),
            custom_fields: Some(map(json!({"Shoe Size": "9"}))),
            ..Account::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(e, NutshellError::Rejected { .. }), "{e:?}");
    assert!(e.to_string().contains("Shoe Size"), "{e}");
    assert_eq!(e.class(), FailureClass::Permanent);

    let e = c.get::<Lead>(999_999).await.unwrap_err();
    assert!(matches!(e, NutshellError::NotFound { .. }), "{e:?}");
    assert_eq!(s.live_count(sandbox::RecordKind::Accounts), 2);
}

#[tokio::test]
async fn rate_limit_429_with_retry_after_is_waited_out() {
    let s = sandbox(Knobs {
        rate_limit: Some(2.0),
        ..Knobs::default()
    })
    .await;
    let c = client_for(&s, &s.credentials().api_key, 50.0);
    let started = tokio::time::Instant::now();
    for id in 0..6 {
        let e = c.get::<Account>(id + 1000).await.unwrap_err();
        assert!(matches!(e, NutshellError::NotFound { .. }), "{e:?}");
    }
    let snap = c.snapshot();
    assert!(snap.http_429 >= 1, "{snap:?}");
    assert_eq!(snap.http_429, s.stats().faults.rate_limited);
    assert!(snap.current_rps < 50.0, "the pace came down: {snap:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not waited out"
    );
}

#[tokio::test]
async fn server_errors_and_non_json_bodies_are_retried_until_answered() {
    let s = sandbox(Knobs {
        fault_rate: 0.3,
        ..Knobs::default()
    })
    .await;
    let c = client(&s);
    let mut ids = Vec::new();
    for i in 0..20 {
        let a = c
            .create(&Account {
                name: Some(format!("Retry {i}")),
                ..Account::default()
            })
            .await
            .unwrap();
        ids.push(a.id);
        c.get::<Account>(a.id).await.unwrap();
    }
    assert_eq!(c.snapshot().http_5xx, s.stats().faults.faults);
    assert!(c.snapshot().http_5xx > 0);
    assert_eq!(
        s.live_count(sandbox::RecordKind::Accounts),
        21,
        "no create lost or doubled"
    );

    s.set_knobs(Knobs {
        non_json_rate: 0.3,
        ..Knobs::default()
    })
    .unwrap();
    for id in ids {
        c.get::<Account>(id).await.unwrap();
    }
    assert!(c.snapshot().non_json > 0);
    assert_eq!(c.snapshot().non_json, s.stats().faults.non_json);
    // A create answered with an unreadable 200 may have been committed: it comes back
    // ambiguous, sent once; the caller's lookup then decides.
    let committed = s.stats().creates_committed;
    // Bounded: at a 30% non-JSON rate, 200 creates all answered cleanly has odds of 0.7^200.
    let mut ambiguous = None;
    for _ in 0..200 {
        let before = s.stats().faults.requests;
        if let Err(e) = c
            .create(&Account {
                name: Some("Maybe Ltd".into()),
                ..Account::default()
            })
            .await
        {
            ambiguous = Some((e, s.stats().faults.requests - before));
            break;
        }
    }
    let ambiguous = ambiguous.expect("no create met a non-JSON answer in 200 tries");
    assert_eq!(
        ambiguous.0.class(),
        FailureClass::Ambiguous,
        "{:?}",
        ambiguous.0
    );
    assert_eq!(ambiguous.1, 1, "sent once");
    let made = s.stats().creates_committed - committed;
    assert_eq!(
        s.live_count(sandbox::RecordKind::Accounts),
        21 + made as usize
    );
}

#[tokio::test]
async fn a_create_dropped_after_commit_is_ambiguous_and_resolved_by_lookup() {
    let s = sandbox(Knobs {
        drop_after_commit_rate: 1.0,
        ..Knobs::default()
    })
    .await;
    let c = client(&s);
    let e = c
        .create(&Account {
            name: Some("Ghost Ltd".into()),
            ..Account::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.class(), FailureClass::Ambiguous, "{e:?}");
    assert_eq!(s.stats().creates_committed, 1, "sent once, never re-sent");
    assert_eq!(s.stats().faults.dropped_after_commit, 1);
    // Reads are not dropped: the caller finds the record it may have created.
    let found = c.search::<Account>("Ghost", None).await.unwrap();
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn http_to_the_sandbox_is_fine_but_not_to_a_remote_host() {
    let s = sandbox(Knobs::default()).await;
    Endpoint::parse(&s.endpoint()).unwrap();
    let remote = s.endpoint().replace("127.0.0.1", "sandbox.example.com");
    assert!(matches!(
        Endpoint::parse(&remote),
        Err(EndpointError::InsecureRemote { .. })
    ));
}

#[tokio::test]
async fn timeouts_retry_reads_and_leave_creates_ambiguous() {
    let s = sandbox(Knobs {
        latency: Duration::from_millis(400),
        ..Knobs::default()
    })
    .await;
    let load = LoadConfig {
        requests_per_second: 100.0,
        max_in_flight: 4,
    };
    let mut options = ClientOptions::new(
        Endpoint::parse(&s.endpoint()).unwrap(),
        &s.credentials().username,
        &load,
    );
    options.timeout = Duration::from_millis(100);
    options.retry = RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(10),
    };
    let c = Client::new(options, &s.credentials().api_key).unwrap();

    let e = c.get::<Account>(1).await.unwrap_err();
    assert!(
        matches!(
            e,
            NutshellError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.class(), FailureClass::RetrySafe);
    assert_eq!(s.stats().faults.requests, 3, "a read is sent again");

    let e = c
        .create(&Account {
            name: Some("Slow Ltd".into()),
            ..Account::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.class(), FailureClass::Ambiguous, "{e:?}");
    assert_eq!(s.stats().faults.requests, 4, "a create is sent once");
    assert_eq!(c.snapshot().timeouts, 4);
}

/// What the load must expect of Nutshell (docs/nutshell-api.md, second pass), through the client: the
/// REST filter finds a record by its legacy-id custom field, the server sets `createdTime`, a
/// note's `date` and a closed lead's `closedTime`, note text is parsed for mentions unless
/// escaped, a delete does not cascade, and the API user's permissions can be read.
#[tokio::test]
async fn the_sandbox_does_what_the_load_must_expect_of_nutshell() {
    let s = sandbox(Knobs::default()).await;
    let c = client(&s);
    c.create_custom_field(EntityType::Accounts, "RSoft ID", "Text")
        .await
        .unwrap();
    let mut legacy = Map::new();
    legacy.insert("RSoft ID".into(), json!("ACC-9"));
    let a = c
        .create(&Account {
            name: Some("Legacy Ltd".into()),
            custom_fields: Some(legacy),
            ..Account::default()
        })
        .await
        .unwrap();
    assert!(a.created_time.is_some(), "createdTime is the server's");
    let found = c
        .find_by_field(EntityType::Accounts, "RSoft ID", "acc-9")
        .await
        .unwrap();
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), [a.id]);
    assert!(
        c.find_by_field(EntityType::Accounts, "RSoft ID", "ACC-10")
            .await
            .unwrap()
            .is_empty()
    );
    let e = c
        .find_by_field(EntityType::Accounts, "Shoe Size", "9")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Shoe Size"), "{e}");

    let lead = c
        .create(&Lead {
            description: Some("Deal".into()),
            primary_account: Some(Link::new(a.id)),
            ..Lead::default()
        })
        .await
        .unwrap();
    assert!(!lead.fields.extra.contains_key("closedTime"));
    let won = c
        .edit(
            lead.id,
            &lead.rev,
            &Lead {
                status: Some(10),
                ..Lead::default()
            },
        )
        .await
        .unwrap();
    assert!(
        won.fields.extra["closedTime"].is_string(),
        "closing stamps closedTime"
    );

    let number = &lead.fields.extra["number"];
    let on = EntityRef::new(EntityType::Accounts, a.id);
    let text = format!("About Lead-{number}; not \\@[Accounts:{}]", a.id);
    let note = c.new_note(&on, &text).await.unwrap();
    assert!(
        note.fields.extra["date"].is_string(),
        "a note is dated by the server"
    );
    assert_eq!(
        note.fields.extra["mentions"],
        json!([{"entityType": "Leads", "id": lead.id}])
    );

    assert!(c.delete::<Account>(a.id, &a.rev).await.unwrap());
    let kept = c.get::<Lead>(lead.id).await.unwrap();
    assert!(
        kept.fields.primary_account.is_none(),
        "the link to the deleted account is gone"
    );
    assert_eq!(s.live_count(sandbox::RecordKind::Leads), 1, "no cascade");

    let p = c.permissions().await.unwrap();
    assert!(p.can_assign_entities && p.can_delete_entities);
}
