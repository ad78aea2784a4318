//! The pre-flight: reading a method description, diffing it with what the tool sends, the
//! credentials check, and `crm-migrate check-api` end to end against a loopback server.

mod nutshell_support;

use std::process::Command;

use crm_migrate::nutshell::methods::{self, MethodSpec};
use crm_migrate::nutshell::preflight::{self, MethodDescription, Mismatch};
use nutshell_support::*;
use serde_json::{Value, json};

/// An SMD listing everything the tool uses, minus `drop_method` and `drop_param` of `findLeads`.
fn smd(drop_method: Option<&str>, drop_param: Option<&str>) -> Value {
    let mut services = serde_json::Map::new();
    for m in methods::used_methods() {
        if Some(m.name) == drop_method {
            continue;
        }
        let params: Vec<Value> = m
            .params
            .iter()
            .filter(|p| !(m.name == "findLeads" && Some(**p) == drop_param))
            .map(|p| json!({"name": p, "type": "any"}))
            .collect();
        services.insert(m.name.to_owned(), json!({"parameters": params}));
    }
    services.insert("getAnalyticsReport".into(), json!({"parameters": []}));
    json!({"transport": "POST", "envelope": "JSON-RPC-2.0", "services": services})
}

#[test]
fn diff_lists_missing_methods_and_parameters() {
    let described = MethodDescription::parse(&smd(Some("newTag"), Some("stubResponses"))).unwrap();
    let found = preflight::diff(&methods::used_methods(), &described);
    assert_eq!(
        found,
        vec![
            Mismatch::MissingMethod {
                method: "newTag".into()
            },
            Mismatch::MissingParameter {
                method: "findLeads".into(),
                parameter: "stubResponses".into()
            },
        ]
    );
    let full = MethodDescription::parse(&smd(None, None)).unwrap();
    assert!(preflight::diff(&methods::used_methods(), &full).is_empty());
}

#[test]
fn lenient_forms_are_read_and_garbage_is_refused() {
    let d = MethodDescription::parse(&json!({"methods": {
        "getLead": {"parameters": ["leadId"]},
        "findUsers": {}
    }}))
    .unwrap();
    let used = [
        MethodSpec {
            name: "getLead",
            params: &["leadId", "rev"],
            effect: methods::Effect::Read,
        },
        methods::FIND_USERS,
    ];
    // findUsers lists no parameters at all: unknown, not missing.
    assert_eq!(
        preflight::diff(&used, &d),
        vec![Mismatch::MissingParameter {
            method: "getLead".into(),
            parameter: "rev".into()
        }]
    );
    assert!(MethodDescription::parse(&json!({"result": []})).is_err());
}

async fn api(description: Value, auth_ok: bool) -> Mock {
    mock(move |hit, _| {
        if hit.http_method == "GET" {
            assert!(
                hit.auth.is_none(),
                "the description is read unauthenticated"
            );
            return Reply(200, vec![], description.to_string());
        }
        if !auth_ok {
            return Reply(401, vec![], "Unauthorized".into());
        }
        assert_eq!(hit.method, "findUsers");
        assert_eq!(hit.params["limit"], 1);
        result(
            json!([{"id": 1, "rev": "1", "entityType": "Users", "name": "Admin",
                       "emails": ["admin@acme.example"], "isEnabled": true}]),
        )
    })
    .await
}

#[tokio::test]
async fn check_reports_mismatches_and_rejected_credentials() {
    let good = api(smd(None, None), true).await;
    let report = preflight::check(&client(&good.url)).await.unwrap();
    assert!(report.is_ok(), "{report:?}");

    let bad = api(smd(Some("findMilestones"), None), false).await;
    let report = preflight::check(&client(&bad.url)).await.unwrap();
    assert!(!report.is_ok());
    assert_eq!(
        report.mismatches,
        vec![Mismatch::MissingMethod {
            method: "findMilestones".into()
        }]
    );
    let creds = report.credentials_error.expect("credentials should fail");
    assert!(
        creds.to_string().contains("refused the credentials"),
        "{creds}"
    );
}

fn check_api(endpoint: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("crm-migrate.toml");
    std::fs::write(
        &config,
        format!("[nutshell]\nendpoint = \"{endpoint}\"\nusername = \"{USER}\"\napi_key_env = \"CHECK_API_TEST_KEY\"\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["check-api", "--config"])
        .arg(&config)
        .env("CHECK_API_TEST_KEY", KEY)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(KEY), "the key was printed: {text}");
    (out.status.code().unwrap(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_api_command_exits_0_when_all_is_well_and_1_with_the_list() {
    let good = api(smd(None, None), true).await;
    let url = good.url.clone();
    let (code, text) = tokio::task::spawn_blocking(move || check_api(&url))
        .await
        .unwrap();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("credentials: accepted"), "{text}");

    let bad = api(smd(Some("searchByEmail"), Some("page")), false).await;
    let url = bad.url.clone();
    let (code, text) = tokio::task::spawn_blocking(move || check_api(&url))
        .await
        .unwrap();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("method searchByEmail is not listed"),
        "{text}"
    );
    assert!(
        text.contains("method findLeads does not list parameter page"),
        "{text}"
    );
    assert!(text.contains("credentials: FAILED"), "{text}");
}

#[test]
fn check_api_starts_the_built_in_sandbox_for_endpoint_sandbox() {
    let (code, text) = check_api("sandbox");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("credentials: accepted"), "{text}");
    assert!(text.contains("http://127.0.0.1:"), "{text}");
}
