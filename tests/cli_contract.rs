//! The command line's promises (docs/design.md §4), through the real binary: exit codes for usage
//! errors and refusals, what the operator is told, and that the API key stays out of the run log
//! during a real authenticated exchange. Every run has its own state dir.

mod migrate_support;

use std::path::Path;
use std::process::{Command, Output};

use crm_migrate::sandbox::{Sandbox, SandboxOptions};

/// Runs the binary with `state` as its state dir and the key variable unset unless given.
fn run(state: &Path, args: &[&str], key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crm-migrate"));
    command
        .env("CRM_MIGRATE_STATE_DIR", state)
        .env("CRM_MIGRATE_LOG", "trace")
        .env_remove("CRM_MIGRATE_CONTRACT_KEY")
        .args(args);
    if let Some(key) = key {
        command.env("CRM_MIGRATE_CONTRACT_KEY", key);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A config for check-api against `endpoint` as `username`, the key in CRM_MIGRATE_CONTRACT_KEY.
fn config(dir: &Path, endpoint: &str, username: &str) -> String {
    let path = dir.join("crm-migrate.toml");
    std::fs::write(
        &path,
        format!(
            "[nutshell]\nendpoint = {endpoint:?}\nusername = {username:?}\napi_key_env = \"CRM_MIGRATE_CONTRACT_KEY\"\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn usage_errors_exit_2() {
    let state = tempfile::tempdir().unwrap();
    for args in [
        &["discover", "--no-such-flag", "x"][..],
        &["no-such-command"][..],
    ] {
        let out = run(state.path(), args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            text(&out.stderr).contains("Usage"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // --help is not an error.
    let out = run(state.path(), &["--help"], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

/// No subcommand opens the wizard (docs/design.md §4); without a terminal it cannot, and says
/// what to do instead (exit 1, not a usage error).
#[test]
fn no_command_without_a_terminal_is_the_wizard_refusing() {
    let state = tempfile::tempdir().unwrap();
    let out = run(state.path(), &[], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        !text(&out.stderr).contains("Usage"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).is_empty(), "the refusal says why");
}

#[test]
fn sandbox_refuses_a_non_loopback_listen_address_with_exit_1() {
    let state = tempfile::tempdir().unwrap();
    let out = run(state.path(), &["sandbox", "--listen", "0.0.0.0:0"], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:0") && err.contains("127.0.0.1"),
        "{err}"
    );
}

#[test]
fn http_off_loopback_is_refused_even_without_a_key() {
    let state = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config(
        dir.path(),
        "http://crm.example.com/api/v1/json",
        "admin@acme.in",
    );
    let out = run(state.path(), &["check-api", "--config", &config], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("refusing http://crm.example.com/") && err.contains("https://"),
        "the refusal is what the operator is told: {err}"
    );
    assert!(!err.contains("CRM_MIGRATE_CONTRACT_KEY"), "{err}");
    // The run was logged under the state dir it was given.
    let log = std::fs::read_to_string(state.path().join("logs/crm-migrate.log")).unwrap();
    assert!(log.contains("refusing"), "{log}");
}

#[test]
fn the_key_stays_out_of_the_log_during_an_authenticated_exchange() {
    let sandbox = Sandbox::start_blocking(SandboxOptions::default()).unwrap();
    let credentials = sandbox.credentials();
    let key = credentials.api_key.expose().to_owned();
    let state = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &sandbox.endpoint(), &credentials.username);
    let out = run(
        state.path(),
        &["check-api", "--config", &config],
        Some(&key),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("credentials: accepted"), "{stdout}");
    let log = std::fs::read_to_string(state.path().join("logs/crm-migrate.log")).unwrap();
    // The exchange happened and was logged at trace level, so the absence below means something.
    assert!(log.lines().count() > 3, "{log}");
    let basic = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{key}", credentials.username))
    };
    for (what, body) in [
        ("log", &log),
        ("stdout", &stdout),
        ("stderr", &text(&out.stderr)),
    ] {
        assert!(!body.contains(&key), "the key is in the {what}");
        assert!(!body.contains(&basic), "the Basic token is in the {what}");
    }
}

#[test]
fn a_mistyped_log_filter_is_said_not_ignored() {
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .env("CRM_MIGRATE_STATE_DIR", state.path())
        .env("CRM_MIGRATE_LOG", "crm_migrate=loud")
        .args(["sample-export", "--out"])
        .arg(state.path().join("sample"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("CRM_MIGRATE_LOG=\"crm_migrate=loud\" is not a log filter"),
        "{err}"
    );
}

/// A reader that stops early (`crm-migrate discover … | head`) is the operator's choice: the
/// command ends as it would have (exit 0 here), with no panic and no error about the pipe. The
/// pipe's read end is closed before the binary starts, so every write meets a closed pipe.
#[test]
fn a_closed_standard_output_ends_the_printing_not_the_command() {
    let state = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample-export");
    let out_dir = state.path().join("export");
    for args in [
        vec!["discover", sample.to_str().unwrap()],
        vec!["sample-export", "--out", out_dir.to_str().unwrap()],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
            .env("CRM_MIGRATE_STATE_DIR", state.path())
            .args(&args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("standard output"), "{args:?}: {stderr}");
    }
}

/// owners.toml giving one owner two users (two spellings of one name) is the operator's decision
/// to make: `migrate` exits 3 listing every such owner with both lines and the file, never 1 at
/// the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicting_owners_toml_lines_exit_3_listing_each() {
    let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (config, path) = migrate_support::prepare(dir.path(), &sb, None).await;
    std::fs::write(
        &config.migration.owners,
        "[owners]\n\"Deepak Rao\" = \"ravi@acme.in\"\n\"Rao, Deepak\" = \"anil.mehta@acme.in\"\n\"Priya Sharma\" = \"priya.sharma@acme.in\"\n\"priya  sharma\" = \"ravi@acme.in\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .env("CRM_MIGRATE_STATE_DIR", dir.path().join("state"))
        .env(migrate_support::KEY_ENV, migrate_support::key(&sb))
        .args(["migrate", "--yes", "--config"])
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    for part in [
        "owner \"Deepak Rao\"",
        "\"Deepak Rao\" = \"ravi@acme.in\"",
        "\"Rao, Deepak\" = \"anil.mehta@acme.in\"",
        "owner \"Priya Sharma\"",
        "\"Priya Sharma\" = \"priya.sharma@acme.in\"",
        "\"priya  sharma\" = \"ravi@acme.in\"",
        &config.migration.owners.display().to_string(),
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert_eq!(
        sb.stats().creates_committed,
        0,
        "nothing sent while blocked"
    );
}
