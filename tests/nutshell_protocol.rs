//! The client against small loopback servers: failure classification, retries, Retry-After,
//! paging, discovery and the transport policy, over real HTTP.

mod nutshell_support;

use std::time::{Duration, Instant};

use crm_migrate::config::{ApiKey, Config};
use crm_migrate::nutshell::EntityType;
use crm_migrate::nutshell::{
    self, Account, Contact, Endpoint, EndpointError, EntityRef, FailureClass, FindOptions, Lead,
    NutshellError, TransportKind,
};
use nutshell_support::*;
use serde_json::json;

fn lead(id: i64) -> serde_json::Value {
    json!({"id": id, "rev": "1", "entityType": "Leads", "name": format!("Lead-{id}"),
           "description": "", "status": 0, "createdTime": "2024-07-18T12:00:00+0000"})
}

#[tokio::test]
async fn basic_auth_and_named_params_go_on_the_wire() {
    let server = mock(|_, _| result(lead(7))).await;
    let c = client(&server.url);
    let got = c.get::<Lead>(7).await.unwrap();
    assert_eq!(got.id, 7);
    assert_eq!(got.created_time.unwrap().0.timestamp(), 1_721_304_000);
    let hit = &server.hits()[0];
    assert_eq!(hit.method, "getLead");
    assert_eq!(hit.params, json!({"leadId": 7}));
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{KEY}"));
    assert_eq!(hit.auth.as_deref(), Some(format!("Basic {token}").as_str()));
}

#[tokio::test]
async fn edit_sends_rev_and_only_the_changed_fields() {
    let server = mock(|_, _| result(lead(7))).await;
    let c = client(&server.url);
    let changes = Lead {
        confidence: Some(80),
        ..Lead::default()
    };
    c.edit(7, "4", &changes).await.unwrap();
    assert_eq!(
        server.hits()[0].params,
        json!({"leadId": 7, "rev": "4", "lead": {"confidence": 80}})
    );
}

#[tokio::test]
async fn find_pages_from_one_until_an_empty_page() {
    let server = mock(|hit, _| {
        let page = hit.params["page"].as_i64().unwrap();
        if page <= 3 {
            result(json!([lead(page * 10), lead(page * 10 + 1)]))
        } else {
            result(json!([]))
        }
    })
    .await;
    let c = client(&server.url);
    let options = FindOptions {
        query: serde_json::from_value(json!({"status": 0})).unwrap(),
        page_size: 2,
        order_by: Some("id".into()),
        ..FindOptions::default()
    };
    let all = c.find::<Lead>(options).unwrap().all().await.unwrap();
    assert_eq!(
        all.iter().map(|l| l.id).collect::<Vec<_>>(),
        [10, 11, 20, 21, 30, 31]
    );
    let hits = server.hits();
    assert_eq!(hits.len(), 4, "stops at the first empty page");
    assert_eq!(
        hits[0].params,
        json!({"query": {"status": 0}, "stubResponses": false, "limit": 2, "page": 1,
               "orderBy": "id", "orderDirection": "ASC"})
    );
    assert_eq!(hits[3].params["page"], 4);
}

#[tokio::test]
async fn stale_rev_is_its_own_class_and_not_retried() {
    let server = mock(|_, _| rpc_error(409, 409, "rev key is out-of-date")).await;
    let c = client(&server.url);
    let e = c.edit(7, "1", &Lead::default()).await.unwrap_err();
    assert!(matches!(e, NutshellError::StaleRev { .. }), "{e:?}");
    assert_eq!(e.class(), FailureClass::StaleRev);
    assert_eq!(server.hits().len(), 1);
}

#[tokio::test]
async fn not_found_and_validation_errors_are_permanent_whatever_the_status() {
    let server = mock(|hit, _| match hit.method.as_str() {
        "getLead" => rpc_error(404, 404, "Bad Lead ID"),
        _ => rpc_error(200, 400, "Unknown custom field: Shoe Size"),
    })
    .await;
    let c = client(&server.url);
    let e = c.get::<Lead>(99).await.unwrap_err();
    assert!(matches!(e, NutshellError::NotFound { .. }), "{e:?}");
    assert_eq!(e.class(), FailureClass::Permanent);
    let e = c.create(&Account::default()).await.unwrap_err();
    match &e {
        NutshellError::Rejected { code, message, .. } => {
            assert_eq!(*code, 400);
            assert!(message.contains("Shoe Size"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.class(), FailureClass::Permanent);
    assert_eq!(server.hits().len(), 2, "permanent failures are not retried");
    assert_eq!(c.snapshot().rejected, 2);
}

#[tokio::test]
async fn bad_credentials_are_permanent_even_with_a_non_json_body() {
    let server = mock(|_, _| {
        Reply(
            401,
            vec![("content-type", "text/html".into())],
            "<h1>401</h1>".into(),
        )
    })
    .await;
    let c = client(&server.url);
    let e = c.get::<Contact>(1).await.unwrap_err();
    assert!(
        matches!(e, NutshellError::Auth { status: 401, .. }),
        "{e:?}"
    );
    assert_eq!(e.class(), FailureClass::Permanent);
    assert_eq!(server.hits().len(), 1);
}

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    let server = mock(|_, i| {
        if i == 0 {
            Reply(429, vec![("retry-after", "1".into())], String::new())
        } else {
            result(lead(1))
        }
    })
    .await;
    let c = client(&server.url);
    let start = Instant::now();
    c.get::<Lead>(1).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    let s = c.snapshot();
    assert_eq!((s.sent, s.http_429, s.ok), (2, 1, 1));
    assert!(s.current_rps < s.ceiling_rps, "a 429 lowers the pace");
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_with_the_attempt_count() {
    let server = mock(|_, i| {
        if i < 2 {
            rpc_error(500, 500, "oops")
        } else {
            result(lead(1))
        }
    })
    .await;
    let c = client(&server.url);
    c.get::<Lead>(1).await.unwrap();
    assert_eq!(c.snapshot().http_5xx, 2);

    let always = mock(|_, _| Reply(503, vec![], "<html>busy</html>".into())).await;
    let c = client_with(&always.url, 3);
    let e = c.get::<Lead>(1).await.unwrap_err();
    assert!(
        matches!(
            e,
            NutshellError::Server {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.class(), FailureClass::RetrySafe);
    assert_eq!(always.hits().len(), 3);
}

#[tokio::test]
async fn a_non_json_answer_is_a_transport_failure_retried_for_reads() {
    let server = mock(|_, i| {
        if i == 0 {
            Reply(
                200,
                vec![("content-type", "text/html".into())],
                "<html>maintenance</html>".into(),
            )
        } else {
            result(lead(1))
        }
    })
    .await;
    let c = client(&server.url);
    c.get::<Lead>(1).await.unwrap();
    assert_eq!(c.snapshot().non_json, 1);

    // A create answered with garbage may have been committed: never re-sent.
    let garbage = mock(|_, _| Reply(200, vec![], "<html>".into())).await;
    let c = client(&garbage.url);
    let e = c.create(&Lead::default()).await.unwrap_err();
    assert!(matches!(e, NutshellError::NotJson { .. }), "{e:?}");
    assert_eq!(e.class(), FailureClass::Ambiguous);
    assert_eq!(garbage.hits().len(), 1);
}

#[tokio::test]
async fn a_create_dropped_after_sending_is_ambiguous_and_sent_once() {
    let server = dropper().await;
    let c = client(&server.url);
    let e = c.create(&Account::default()).await.unwrap_err();
    assert!(
        matches!(
            e,
            NutshellError::Transport {
                kind: TransportKind::Dropped,
                may_have_committed: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.class(), FailureClass::Ambiguous);
    assert!(e.to_string().contains("look it up"), "{e}");
    assert_eq!(
        *server.requests.lock().unwrap(),
        1,
        "an ambiguous create was re-sent"
    );
    let note = c
        .new_note(&EntityRef::new(EntityType::Leads, 1), "hello")
        .await
        .unwrap_err();
    assert_eq!(note.class(), FailureClass::Ambiguous);

    // A read that loses its connection is simply sent again.
    let before = *server.requests.lock().unwrap();
    let e = c.get::<Account>(1).await.unwrap_err();
    assert_eq!(e.class(), FailureClass::RetrySafe);
    assert_eq!(
        *server.requests.lock().unwrap() - before,
        4,
        "reads are retried"
    );
    // One reset for the create, one for the note, four for the read.
    assert_eq!(c.snapshot().resets, 6);
}

#[tokio::test]
async fn a_create_that_never_connected_is_retry_safe() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v1/json", listener.local_addr().unwrap());
    drop(listener);
    let c = client_with(&url, 2);
    let e = c.create(&Account::default()).await.unwrap_err();
    assert!(
        matches!(
            e,
            NutshellError::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.class(), FailureClass::RetrySafe);
}

#[test]
fn http_is_refused_for_remote_hosts_and_allowed_on_loopback() {
    for remote in [
        "http://app.nutshell.com/api/v1/json",
        "http://10.0.0.5/api/v1/json",
        "http://[2001:db8::1]/api/v1/json",
        "http://localhost.evil.com/api/v1/json",
    ] {
        let e = Endpoint::parse(remote).unwrap_err();
        assert!(
            matches!(e, EndpointError::InsecureRemote { .. }),
            "{remote}: {e}"
        );
        assert!(e.to_string().contains("https://"), "{e}");
    }
    for local in [
        "http://127.0.0.1:8080/api/v1/json",
        "http://127.44.3.2/api/v1/json",
        "http://[::1]:9000/api/v1/json",
        "http://localhost:3000/api/v1/json",
        "https://app.nutshell.com/api/v1/json",
    ] {
        Endpoint::parse(local).unwrap_or_else(|e| panic!("{local}: {e}"));
    }
    assert!(matches!(
        Endpoint::parse("ftp://app.nutshell.com/"),
        Err(EndpointError::Invalid { .. })
    ));
    let e = Endpoint::parse("https://me:hunter2@app.nutshell.com/api/v1/json").unwrap_err();
    assert!(matches!(e, EndpointError::CredentialsInUrl { .. }));
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

#[tokio::test]
async fn a_remote_http_endpoint_is_refused_before_any_connection() {
    let config = Config::parse(
        "[nutshell]\nendpoint = \"http://app.nutshell.com/api/v1/json\"\nusername = \"a@b.c\"\n",
    )
    .unwrap();
    let e = nutshell::connect(&config, &ApiKey::new(KEY), "https://unused.invalid/")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            NutshellError::Endpoint(EndpointError::InsecureRemote { .. })
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn discovery_asks_unauthenticated_and_builds_the_endpoint() {
    let api = mock(|_, _| result(json!([]))).await;
    let origin = api.url.trim_end_matches("/api/v1/json").to_owned();
    let discovery = mock(move |_, _| result(json!({"api": origin.clone(), "name": "acme"}))).await;
    let config = Config::parse("[nutshell]\nusername = \"admin@acme.example\"\n").unwrap();
    let c = nutshell::connect(&config, &ApiKey::new(KEY), &discovery.url)
        .await
        .unwrap();
    assert_eq!(c.endpoint().url().as_str(), api.url);
    let hit = &discovery.hits()[0];
    assert_eq!(hit.method, "getApiForUsername");
    assert_eq!(hit.params, json!({"username": "admin@acme.example"}));
    assert!(hit.auth.is_none(), "discovery must not send credentials");

    let sandbox =
        Config::parse("[nutshell]\nendpoint = \"sandbox\"\nusername = \"a@b.c\"\n").unwrap();
    let e = nutshell::connect(&sandbox, &ApiKey::new(KEY), &discovery.url)
        .await
        .unwrap_err();
    assert!(
        matches!(e, NutshellError::Endpoint(EndpointError::SandboxNotStarted)),
        "{e}"
    );
}

#[tokio::test]
async fn rest_custom_field_creation_posts_to_the_origin() {
    let server = mock(|_, _| {
        Reply(
            201,
            vec![],
            json!({"id": 5, "name": "RSoft ID"}).to_string(),
        )
    })
    .await;
    let c = client(&server.url);
    let answer = c
        .create_custom_field(EntityType::Leads, "RSoft ID", "Text")
        .await
        .unwrap();
    assert_eq!(answer["id"], 5);
    let hit = &server.hits()[0];
    assert_eq!(hit.path, "/rest/leads/customfield");
    assert_eq!(hit.params, json!({"name": "RSoft ID", "type": "Text"}));
    assert!(hit.auth.as_deref().unwrap().starts_with("Basic "));

    let refused = mock(|_, _| {
        Reply(
            422,
            vec![],
            json!({"message": "type Shoe is unknown"}).to_string(),
        )
    })
    .await;
    let c = client(&refused.url);
    let e = c
        .create_custom_field(EntityType::Accounts, "X", "Shoe")
        .await
        .unwrap_err();
    assert!(
        matches!(e, NutshellError::Rejected { status: 422, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("type Shoe is unknown"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_serves_many_tasks() {
    let server = mock(|hit, _| result(json!({"id": 1, "rev": "1", "entityType": "Accounts", "name": hit.params["account"]["name"]}))).await;
    let c = std::sync::Arc::new(client(&server.url));
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                let a = Account {
                    name: Some(format!("Acme {i}")),
                    ..Account::default()
                };
                c.create(&a).await.map(|s| s.fields.name)
            })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap().unwrap(), Some(format!("Acme {i}")));
    }
    let s = c.snapshot();
    assert_eq!((s.sent, s.ok, s.in_flight), (20, 20, 0));
}
