//! Auth, the rehearsal knobs (rate limit, random 429/500/non-JSON, drop after commit, latency,
//! seeds), persistence across a restart, and the ways to start a sandbox.

mod sandbox_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::time::{Duration, Instant};

use crm_migrate::sandbox::{
    Knobs, RATE_LIMITED, RecordKind, Sandbox, SandboxError, SandboxOptions,
};
use sandbox_support::{Rpc, open, open_saving, start_knobs, start_with, state_options};
use serde_json::{Value, json};

#[tokio::test]
async fn wrong_or_missing_credentials_get_401() {
    let (sb, rpc) = open().await;
    let call = rpc.envelope("findUsers", json!({}));
    let cases = [
        (None, None),
        (Some(rpc.user.as_str()), Some("wrong-key")),
        (Some("ravi@acme.in"), Some(rpc.key.as_str())),
    ];
    for (user, key) in cases {
        let mut req = rpc.http.post(&rpc.endpoint).json(&call);
        if let Some(u) = user {
            req = req.basic_auth(u, key);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401, "{user:?}");
        assert!(resp.headers().contains_key("www-authenticate"));
        let text = resp.text().await.unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "401 body is not JSON"
        );
        assert!(!text.contains(&rpc.key), "the key is never echoed");
    }
    assert_eq!(sb.stats().faults.auth_failures, 3);
    assert!(
        !format!("{:?}", sb.credentials()).contains(&rpc.key),
        "Debug hides the key"
    );
    // The username is an email: its case does not matter.
    let resp = rpc
        .http
        .post(&rpc.endpoint)
        .basic_auth("ADMIN@acme.in", Some(&rpc.key))
        .json(&call)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The method description needs no auth.
    assert_eq!(reqwest::get(sb.endpoint()).await.unwrap().status(), 200);
    let rest = rpc
        .http
        .post(format!("{}/rest/accounts/customfield", rpc.base))
        .json(&json!({"name": "X", "type": "Text"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 401);
}

#[tokio::test]
async fn above_the_ceiling_answers_429_with_retry_after() {
    let knobs = Knobs {
        rate_limit: Some(2.0),
        ..Knobs::default()
    };
    let sb = start_knobs(knobs, 1).await;
    let rpc = Rpc::new(&sb);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = rpc.call("findUsers", json!({})).await;
        if r.status == 429 {
            let secs: u64 = r.retry_after.as_deref().unwrap().parse().unwrap();
            assert!(secs >= 1);
            assert_eq!(r.code(), RATE_LIMITED);
        }
        statuses.push(r.status);
    }
    assert_eq!(&statuses[..2], [200, 200], "a second's worth passes");
    assert!(statuses[2..].contains(&429), "{statuses:?}");
    assert!(sb.stats().faults.rate_limited >= 1);
    // After waiting as told (Retry-After), calls pass again: poll, waiting what each 429 says.
    let mut status = 0;
    for _ in 0..20 {
        let r = rpc.call("findUsers", json!({})).await;
        status = r.status;
        if status != 429 {
            break;
        }
        let secs: u64 = r.retry_after.as_deref().unwrap().parse().unwrap();
        tokio::time::sleep(Duration::from_secs(secs)).await;
    }
    assert_eq!(status, 200);
}

#[tokio::test]
async fn faults_answer_before_doing_anything() {
    let (sb, rpc) = open().await;
    let create = json!({"account": {"name": "Never Made"}});
    let set = |knobs: Knobs| sb.set_knobs(knobs).unwrap();

    set(Knobs {
        fault_rate: 1.0,
        ..Knobs::default()
    });
    let call = rpc.envelope("newAccount", create.clone());
    let r = rpc.post(&call).await.unwrap();
    assert_eq!(r.status, 500);
    assert!(r.body["error"]["message"].is_string());
    assert_eq!(
        r.body["id"], call["id"],
        "a refused call still echoes its id"
    );

    set(Knobs {
        throttle_rate: 1.0,
        ..Knobs::default()
    });
    let r = rpc.call("newAccount", create.clone()).await;
    assert_eq!((r.status, r.retry_after.as_deref()), (429, Some("1")));

    set(Knobs {
        non_json_rate: 1.0,
        ..Knobs::default()
    });
    let r = rpc.call("newAccount", create.clone()).await;
    assert_eq!(r.status, 200);
    assert!(r.body.is_null(), "not JSON: {}", r.text);
    assert!(r.text.contains("<html>"));

    let stats = sb.stats();
    assert_eq!(
        (
            stats.faults.faults,
            stats.faults.throttled,
            stats.faults.non_json
        ),
        (1, 1, 1)
    );
    assert_eq!(stats.creates_committed, 0);
    assert_eq!(
        sb.live_count(RecordKind::Accounts),
        1,
        "only the seeded account"
    );
}

#[tokio::test]
async fn drop_after_commit_creates_but_never_answers() {
    let (sb, rpc) = open().await;
    sb.set_knobs(Knobs {
        drop_after_commit_rate: 1.0,
        ..Knobs::default()
    })
    .unwrap();
    let call = rpc.envelope("newAccount", json!({"account": {"name": "Limbo Traders"}}));
    let err = rpc.post(&call).await.unwrap_err();
    // The connection closes before any byte of a response (hyper: IncompleteMessage).
    assert!(err.is_request() && err.status().is_none(), "{err:?}");
    assert!(format!("{err:?}").contains("IncompleteMessage"), "{err:?}");
    assert_eq!(
        sb.live_count(RecordKind::Accounts),
        2,
        "the create committed once"
    );
    let stats = sb.stats();
    assert_eq!(
        (stats.creates_committed, stats.faults.dropped_after_commit),
        (1, 1)
    );

    // Only creates are dropped; the record is there to be found by lookup.
    let found = rpc.ok("searchAccounts", json!({"string": "Limbo"})).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let r = rpc.fail("newAccount", json!({"account": {}})).await;
    assert_eq!(r.status, 400, "a refused create is answered");
}

/// Status codes of 24 sequential calls against a fresh sandbox with these faults and seed.
async fn fault_pattern(seed: u64) -> Vec<u16> {
    let knobs = Knobs {
        fault_rate: 0.3,
        throttle_rate: 0.2,
        non_json_rate: 0.1,
        ..Knobs::default()
    };
    let sb = start_knobs(knobs, seed).await;
    let rpc = Rpc::new(&sb);
    let mut out = Vec::new();
    for _ in 0..24 {
        let r = rpc.call("findUsers", json!({})).await;
        out.push(if r.body.is_null() { 999 } else { r.status });
    }
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let a = fault_pattern(42).await;
    assert_eq!(a, fault_pattern(42).await);
    assert_ne!(a, fault_pattern(43).await);
    for status in [200, 429, 500, 999] {
        assert!(a.contains(&status), "{status} in {a:?}");
    }
}

#[tokio::test]
async fn latency_delays_answers() {
    let knobs = Knobs {
        latency: Duration::from_millis(150),
        ..Knobs::default()
    };
    let sb = start_knobs(knobs, 1).await;
    let rpc = Rpc::new(&sb);
    let t = Instant::now();
    rpc.ok("findTags", json!({})).await;
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let (dir, state, sb, rpc) = open_saving("sandbox-state.json").await;
    let options = state_options(&state);
    let kept = rpc.new_account("Kept Ltd").await;
    let gone = rpc.new_account("Gone Ltd").await;
    rpc.delete("Account", &gone).await;
    let made = rpc
        .rest_field("leads", json!({"name": "RSoft ID", "type": "Text"}))
        .await;
    assert_eq!(made.status, 201);
    // Saved in the background while running, not only at shutdown.
    let mut waited = 0;
    while !std::fs::read_to_string(&state)
        .unwrap()
        .contains("RSoft ID")
    {
        assert!(waited < 50, "state file not written while running");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    let late = rpc.new_account("Late Ltd").await;
    sb.shutdown().await.unwrap();
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(
        saved.contains("Late Ltd"),
        "shutdown writes the last changes"
    );
    assert!(
        !saved.contains("sandbox-key-not-secret"),
        "no key in the state file"
    );
    let tmp = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(tmp, 0, "no temporary file is left");

    let sb = start_with(options).await;
    let rpc = Rpc::new(&sb);
    assert_eq!(
        rpc.ok("getAccount", json!({"accountId": kept["id"]})).await,
        kept
    );
    assert_eq!(
        rpc.fail("getAccount", json!({"accountId": gone["id"]}))
            .await
            .status,
        404
    );
    let fields = rpc.ok("findCustomFields", json!({})).await;
    assert_eq!(fields["Leads"][0]["name"], "RSoft ID");
    let next = rpc.new_account("Next").await;
    assert!(
        next["id"].as_u64() > gone["id"].as_u64(),
        "ids are never reused"
    );
    assert_eq!(
        rpc.ok("getAccount", json!({"accountId": late["id"]})).await,
        late
    );
    assert_eq!(sb.live_count(RecordKind::Accounts), 4);
}

#[tokio::test]
async fn refuses_non_loopback_and_bad_knobs() {
    let options = SandboxOptions {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..SandboxOptions::default()
    };
    let e = Sandbox::start(options).await.err().unwrap();
    assert!(matches!(e, SandboxError::NotLoopback(_)), "{e}");
    let options = SandboxOptions {
        knobs: Knobs {
            fault_rate: 2.0,
            ..Knobs::default()
        },
        ..SandboxOptions::default()
    };
    let e = Sandbox::start(options).await.err().unwrap();
    assert!(e.to_string().contains("fault rate"), "{e}");
    let options = SandboxOptions {
        data: Some("nowhere/sandbox.toml".into()),
        ..SandboxOptions::default()
    };
    let e = Sandbox::start(options).await.err().unwrap();
    assert!(e.to_string().contains("nowhere/sandbox.toml"), "{e}");
}

#[tokio::test]
async fn a_json_data_file_sets_credentials_and_records() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("company.json");
    let file = json!({
        "auth": {"username": "ops@globex.com", "api_key": "globex-sandbox"},
        "users": [{"first_name": "Ops", "emails": ["ops@globex.com"]}],
        "custom_fields": [{"entity": "Contacts", "name": "Tier", "type": "Dropdown"}],
        "contacts": [{"name": "Hank Scorpio", "customFields": {"Tier": "Gold"}}],
    });
    std::fs::write(&data, file.to_string()).unwrap();
    let sb = start_with(SandboxOptions {
        data: Some(data),
        ..SandboxOptions::default()
    })
    .await;
    assert_eq!(sb.credentials().username, "ops@globex.com");
    let rpc = Rpc::new(&sb);
    let c = rpc.ok("searchContacts", json!({"string": "scorpio"})).await;
    assert_eq!(c[0]["name"]["familyName"], "Scorpio");
    assert_eq!(rpc.ok("findStagesets", json!({})).await, json!([]));
}

/// One HTTP/1.1 exchange over a bare socket: the blocking variant and the command need no async
/// caller.
fn exchange(addr: std::net::SocketAddr, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn get_smd(addr: std::net::SocketAddr) -> String {
    exchange(
        addr,
        "GET /api/v1/json HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n",
    )
}

fn post_call(addr: std::net::SocketAddr, call: &Value) -> String {
    use base64::Engine;
    let auth =
        base64::engine::general_purpose::STANDARD.encode("admin@acme.in:sandbox-key-not-secret");
    let body = call.to_string();
    exchange(
        addr,
        &format!(
            "POST /api/v1/json HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[test]
fn blocking_sandbox_serves_sync_callers() {
    let sb = Sandbox::start_blocking(SandboxOptions::default()).unwrap();
    let reply = get_smd(sb.addr());
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("JSON-RPC-2.0"));
    assert_eq!(sb.live_count(RecordKind::Users), 5);
}

#[test]
fn the_command_prints_its_credentials_and_saves_state_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut child = KillOnDrop(
        std::process::Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
            // The run log goes to the test's own folder, never the user's data dir.
            .env("CRM_MIGRATE_STATE_DIR", dir.path())
            .args([
                "sandbox",
                "--listen",
                "127.0.0.1:0",
                "--seed",
                "3",
                "--state",
            ])
            .arg(&state)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.contains("api key");
        printed.push(line);
        if done {
            break;
        }
    }
    let text = printed.join("\n");
    assert!(text.contains("username: admin@acme.in"), "{text}");
    assert!(text.contains("api key:  sandbox-key-not-secret"), "{text}");
    let endpoint = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("endpoint: "))
        .unwrap();
    let addr = endpoint
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1/json")
        .parse()
        .unwrap();
    assert!(get_smd(addr).contains("findUsers"));
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "newAccount", "params": {"account": {"name": "Signal Ltd"}}});
    let reply = post_call(addr, &call);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    // Ctrl-C: the sandbox stops cleanly and the change is on disk.
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert!(child.0.wait().unwrap().success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(
        rest.iter().any(|l| l.contains("sandbox stopped")),
        "{rest:?}"
    );
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains("Signal Ltd")
    );
}

/// Kills the spawned sandbox when the test ends, also when an assertion failed first (a child
/// left running would hold its port and state file).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // Already exited after the Ctrl-C the test sends: kill fails harmlessly.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
