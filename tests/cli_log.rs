//! The run log: written under the config's state dir, and never holding the API key.

use std::process::Command;

const KEY: &str = "live-key-5f3a9c1e-never-print";

fn run_check_api(endpoint: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("crm-migrate.toml");
    std::fs::write(
        &config,
        format!(
            "[nutshell]\nendpoint = \"{endpoint}\"\nusername = \"admin@acme.in\"\n\
             api_key_env = \"CRM_MIGRATE_TEST_KEY\"\n[migration]\nstate_dir = \"state\"\n"
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .args(["check-api", "--config"])
        .arg(&config)
        .env("CRM_MIGRATE_TEST_KEY", KEY)
        .env("CRM_MIGRATE_LOG", "trace")
        .output()
        .unwrap();
    (dir, out)
}

#[test]
fn a_failed_connection_is_logged_under_the_state_dir_without_the_key() {
    // Nothing listens on port 9 of loopback: the connection is refused.
    let (dir, out) = run_check_api("http://127.0.0.1:9/api/v1/json");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let log = std::fs::read_to_string(dir.path().join("state/logs/crm-migrate.log")).unwrap();
    assert!(
        log.contains("CheckApi"),
        "the command start is logged:\n{log}"
    );
    assert!(log.contains("ERROR"), "the failure is logged:\n{log}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (what, text) in [
        ("log", log.as_str()),
        ("stderr", &stderr),
        ("stdout", &stdout),
    ] {
        assert!(!text.contains(KEY), "the key leaked into the {what}");
        assert!(
            !text.contains(&KEY[..12]),
            "part of the key leaked into the {what}"
        );
    }
}

#[test]
fn a_run_against_the_sandbox_logs_to_the_configured_state_dir() {
    let (dir, out) = run_check_api("sandbox");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let log = std::fs::read_to_string(dir.path().join("state/logs/crm-migrate.log")).unwrap();
    assert!(log.contains("start"), "{log}");
}
