//! The pre-flight: reading a method description, diffing it with what the tool sends, the
//! credentials check, and `crm-migrate check-api` end to end against a loopback server.

mod nutshell_support;

use std::process::Command;

use crm_migrate::nutshell::methods::{self, MethodSpec};
use crm_migrate::nutshell::preflight::{self, MethodDescription, Mismatch};
use nutshell_support::*;
use serde_json::{Value, json};

/// Every JSON-RPC method and parameter the tool sends, pinned here by hand (not read from the
/// method table under test): a change to `methods.rs` that drops or renames one fails
/// `the_method_table_matches_the_golden_list`, and must be made here too, on purpose.
const GOLDEN: &[(&str, &[&str])] = &[
    ("newAccount", &["account"]),
    ("getAccount", &["accountId"]),
    ("deleteAccount", &["accountId", "rev"]),
    ("editAccount", &["accountId", "rev", "account"]),
    (
        "findAccounts",
        &[
            "query",
            "orderBy",
            "orderDirection",
            "limit",
            "page",
            "stubResponses",
        ],
    ),
    ("searchAccounts", &["string", "limit"]),
    ("newContact", &["contact"]),
    ("getContact", &["contactId"]),
    ("deleteContact", &["contactId", "rev"]),
    ("editContact", &["contactId", "rev", "contact"]),
    (
        "findContacts",
        &[
            "query",
            "orderBy",
            "orderDirection",
            "limit",
            "page",
            "stubResponses",
        ],
    ),
    ("searchContacts", &["string", "limit"]),
    ("newLead", &["lead"]),
    ("getLead", &["leadId"]),
    ("deleteLead", &["leadId", "rev"]),
    ("editLead", &["leadId", "rev", "lead"]),
    (
        "findLeads",
        &[
            "query",
            "orderBy",
            "orderDirection",
            "limit",
            "page",
            "stubResponses",
        ],
    ),
    ("searchLeads", &["string", "limit"]),
    ("newActivity", &["activity"]),
    ("getActivity", &["activityId"]),
    ("deleteActivity", &["activityId", "rev"]),
    ("editActivity", &["activityId", "rev", "activity"]),
    (
        "findActivities",
        &[
            "query",
            "orderBy",
            "orderDirection",
            "limit",
            "page",
            "stubResponses",
        ],
    ),
    ("newTask", &["task"]),
    ("getTask", &["taskId"]),
    ("deleteTask", &["taskId", "rev"]),
    ("editTask", &["taskId", "rev", "task"]),
    (
        "findTasks",
        &[
            "query",
            "orderBy",
            "orderDirection",
            "limit",
            "page",
            "stubResponses",
        ],
    ),
    ("getNote", &["noteId"]),
    ("deleteNote", &["noteId", "rev"]),
    ("newNote", &["entity", "note"]),
    ("searchByEmail", &["emailAddressString"]),
    (
        "findUsers",
        &["query", "orderBy", "orderDirection", "limit", "page"],
    ),
    ("getUser", &["userId", "rev"]),
    ("findCustomFields", &[]),
    ("findTags", &[]),
    ("newTag", &["tag"]),
    (
        "findSources",
        &["orderBy", "orderDirection", "limit", "page"],
    ),
    ("newSource", &["name"]),
    (
        "findActivityTypes",
        &["orderBy", "orderDirection", "limit", "page"],
    ),
    (
        "findStagesets",
        &["orderBy", "orderDirection", "limit", "page"],
    ),
    (
        "findMilestones",
        &["orderBy", "orderDirection", "limit", "page"],
    ),
];

/// An SMD listing the golden methods, minus `drop_method` and `drop_param` of `findLeads`.
fn smd(drop_method: Option<&str>, drop_param: Option<&str>) -> Value {
    let mut services = serde_json::Map::new();
    for (name, params) in GOLDEN {
        if Some(*name) == drop_method {
            continue;
        }
        let params: Vec<Value> = params
            .iter()
            .filter(|p| !(*name == "findLeads" && Some(**p) == drop_param))
            .map(|p| json!({"name": p, "type": "any"}))
            .collect();
        services.insert((*name).to_owned(), json!({"parameters": params}));
    }
    services.insert("getAnalyticsReport".into(), json!({"parameters": []}));
    json!({"transport": "POST", "envelope": "JSON-RPC-2.0", "services": services})
}

#[test]
fn the_method_table_matches_the_golden_list() {
    let table: Vec<(&str, Vec<&str>)> = methods::used_methods()
        .iter()
        .map(|m| (m.name, m.params.to_vec()))
        .collect();
    let golden: Vec<(&str, Vec<&str>)> = GOLDEN.iter().map(|(n, p)| (*n, p.to_vec())).collect();
    assert_eq!(table, golden);
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
    api_with(description, auth_ok, true).await
}

/// `can_delete`: the API user's REST `permissions.canDeleteEntities`.
async fn api_with(description: Value, auth_ok: bool, can_delete: bool) -> Mock {
    mock(move |hit, _| {
        if hit.http_method == "GET" && hit.path == "/api/v1/json" {
            assert!(
                hit.auth.is_none(),
                "the description is read unauthenticated"
            );
            return Reply(200, vec![], description.to_string());
        }
        if !auth_ok {
            return Reply(401, vec![], "Unauthorized".into());
        }
        let user = json!({"id": 1, "rev": "1", "entityType": "Users", "name": "Admin",
                          "emails": ["admin@acme.example"], "isEnabled": true});
        match (hit.http_method.as_str(), hit.method.as_str()) {
            ("GET", _) => {
                assert_eq!(hit.path, "/rest/users/1");
                Reply(
                    200,
                    vec![],
                    json!({"users": [{"id": "1-users", "permissions":
                        {"canAssignEntities": true, "canDeleteEntities": can_delete}}]})
                    .to_string(),
                )
            }
            (_, "getUser") => result(user),
            (_, method) => {
                assert_eq!(method, "findUsers");
                assert_eq!(hit.params["limit"], 1);
                result(json!([user]))
            }
        }
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
    check_api_with(endpoint, &[])
}

fn check_api_with(endpoint: &str, extra: &[&str]) -> (i32, String) {
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
        .args(extra)
        .env("CHECK_API_TEST_KEY", KEY)
        // The run log goes to the test's own folder, never the user's data dir.
        .env("CRM_MIGRATE_STATE_DIR", dir.path())
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_api_says_what_to_do_and_lists_differences_as_json() {
    let bad = api_with(smd(Some("searchByEmail"), None), true, false).await;
    let url = bad.url.clone();
    let (code, text) = tokio::task::spawn_blocking(move || check_api(&url))
        .await
        .unwrap();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("update crm-migrate"), "{text}");
    assert!(text.contains("report the difference"), "{text}");
    assert!(
        !text.to_lowercase().contains("src/"),
        "no source files: {text}"
    );
    assert!(text.contains("NOT ALLOWED: canDeleteEntities"), "{text}");

    let url = bad.url.clone();
    let (code, text) = tokio::task::spawn_blocking(move || check_api_with(&url, &["--json"]))
        .await
        .unwrap();
    assert_eq!(code, 1, "{text}");
    let report: Value = serde_json::from_str(&text).expect("--json prints one JSON document");
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["mismatches"],
        json!([{"kind": "missing_method", "method": "searchByEmail"}])
    );
    assert_eq!(report["credentials"]["accepted"], true);
    assert_eq!(report["permissions"]["canDeleteEntities"], false);
    assert_eq!(report["missing_permissions"], json!(["canDeleteEntities"]));
    assert_eq!(report["what_to_do"].as_array().unwrap().len(), 2);
}
