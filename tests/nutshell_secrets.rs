//! The API key never shows: a session full of faults, every log line at TRACE level (the client's,
//! reqwest's and hyper's), every error's Display and Debug, the client's Debug and its snapshot are
//! searched for the key and for the Basic token that encodes it.

mod nutshell_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use crm_migrate::config::{ApiKey, Config};
use crm_migrate::nutshell::EntityType;
use crm_migrate::nutshell::{self, Account, EntityRef, Lead, NutshellError};
use nutshell_support::*;
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_appears_in_no_log_error_or_debug_print() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();

    // Every fault the client knows, in turn.
    let faults = mock(|hit, i| match (hit.method.as_str(), i % 7) {
        (_, 0) => Reply(429, vec![("retry-after", "0".into())], "slow down".into()),
        (_, 1) => rpc_error(500, 500, "internal error"),
        (_, 2) => Reply(200, vec![], "<html>proxy</html>".into()),
        ("editLead", _) => rpc_error(409, 409, "rev key is out-of-date"),
        ("getContact", _) => rpc_error(404, 404, "Bad Contact ID"),
        ("findUsers", _) => Reply(401, vec![], "Unauthorized".into()),
        _ => result(json!({"id": 1, "rev": "1", "entityType": "Leads"})),
    })
    .await;
    let dropped = dropper().await;

    let mut errors: Vec<NutshellError> = Vec::new();
    let c = client(&faults.url);
    for _ in 0..3 {
        let _ = c.get::<Lead>(1).await.map_err(|e| errors.push(e));
        let _ = c
            .edit(1, "1", &Lead::default())
            .await
            .map_err(|e| errors.push(e));
        let _ = c
            .get::<crm_migrate::nutshell::Contact>(2)
            .await
            .map_err(|e| errors.push(e));
        if let Some(Err(e)) = c
            .list::<crm_migrate::nutshell::User>(Default::default())
            .unwrap()
            .next()
            .await
        {
            errors.push(e);
        }
    }
    let d = client(&dropped.url);
    errors.push(d.create(&Account::default()).await.unwrap_err());
    errors.push(
        d.new_note(&EntityRef::new(EntityType::Leads, 1), "x")
            .await
            .unwrap_err(),
    );
    let remote = Config::parse(
        "[nutshell]\nendpoint = \"http://crm.example.com/api/v1/json\"\nusername = \"u@x.y\"\n",
    )
    .unwrap();
    errors.push(
        nutshell::connect(&remote, &ApiKey::new(KEY), "https://x.invalid/")
            .await
            .unwrap_err(),
    );

    let token = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{KEY}"));
    let key_half = &KEY[KEY.len() / 2..];
    let mut printed = format!("{c:?}\n{d:?}\n{:?}\n{:?}\n", c.snapshot(), ApiKey::new(KEY));
    for e in &errors {
        printed.push_str(&format!("{e}\n{e:?}\n{e:#?}\n"));
    }
    let log_text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();

    // The test means something only if the faults happened, were logged, and the key was sent.
    assert!(errors.len() >= 9, "{errors:?}");
    assert!(log_text.contains("retrying"), "no client log captured");
    assert!(log_text.contains("call failed"));
    assert!(
        log_text.contains("hyper"),
        "the HTTP stack's own logs were not captured"
    );
    assert!(
        faults
            .hits()
            .iter()
            .all(|h| h.auth.as_deref() == Some(&format!("Basic {token}")))
    );
    for secret in [KEY, key_half, token.as_str()] {
        assert!(!log_text.contains(secret), "the key leaked into the logs");
        assert!(
            !printed.contains(secret),
            "the key leaked into an error or Debug print:\n{printed}"
        );
    }
}
