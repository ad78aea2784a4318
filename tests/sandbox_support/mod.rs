//! A raw JSON-RPC caller for the sandbox tests (plain reqwest, deliberately not our client).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crm_migrate::sandbox::{INVALID_PARAMS, Knobs, RunningSandbox, Sandbox, SandboxOptions};
use serde_json::{Value, json};

pub async fn start() -> RunningSandbox {
    start_with(SandboxOptions::default()).await
}

/// A started default sandbox and a caller for it: the opening most tests share. Bind the
/// sandbox to a name (not `_`) so it lives to the end of the test.
pub async fn open() -> (RunningSandbox, Rpc) {
    let sb = start().await;
    let rpc = Rpc::new(&sb);
    (sb, rpc)
}

/// `open`, and the id of the seeded user with `email` (in any case): the opening of tests that
/// need a user too.
pub async fn open_as(email: &str) -> (RunningSandbox, Rpc, u64) {
    let (sb, rpc) = open().await;
    let user = user_id(&rpc, email).await;
    (sb, rpc, user)
}

pub async fn start_with(options: SandboxOptions) -> RunningSandbox {
    Sandbox::start(options).await.unwrap()
}

pub async fn start_knobs(knobs: Knobs, seed: u64) -> RunningSandbox {
    start_with(SandboxOptions {
        knobs,
        seed: Some(seed),
        ..SandboxOptions::default()
    })
    .await
}

/// One HTTP answer: status, headers we look at, and the body (JSON if it parses).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> i64 {
        self.body["error"]["code"].as_i64().unwrap_or_default()
    }
    pub fn message(&self) -> String {
        self.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

pub struct Rpc {
    pub http: reqwest::Client,
    pub endpoint: String,
    pub base: String,
    pub user: String,
    pub key: String,
    next_id: AtomicU64,
}

impl Rpc {
    pub fn new(sb: &RunningSandbox) -> Self {
        let c = sb.credentials();
        Self {
            http: reqwest::Client::new(),
            endpoint: sb.endpoint(),
            base: sb.base_url(),
            user: c.username.clone(),
            key: c.api_key.expose().to_string(),
            next_id: AtomicU64::new(1),
        }
    }

    async fn reply(resp: reqwest::Response) -> Reply {
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            retry_after,
            text,
            body,
        }
    }

    /// POST any body with the sandbox's credentials.
    pub async fn post(&self, body: &Value) -> Result<Reply, reqwest::Error> {
        let resp = self
            .http
            .post(&self.endpoint)
            .basic_auth(&self.user, Some(&self.key))
            .json(body)
            .send()
            .await?;
        Ok(Self::reply(resp).await)
    }

    pub fn envelope(&self, method: &str, params: Value) -> Value {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
    }

    pub async fn call(&self, method: &str, params: Value) -> Reply {
        self.post(&self.envelope(method, params)).await.unwrap()
    }

    /// A call that must succeed; its result.
    pub async fn ok(&self, method: &str, params: Value) -> Value {
        let r = self.call(method, params).await;
        assert_eq!(r.status, 200, "{method}: {}", r.text);
        assert!(r.body["error"].is_null(), "{method}: {}", r.text);
        assert_eq!(r.body["jsonrpc"], "2.0");
        r.body["result"].clone()
    }

    /// A call that must fail; the reply.
    pub async fn fail(&self, method: &str, params: Value) -> Reply {
        let r = self.call(method, params).await;
        assert!(
            r.body["result"].is_null(),
            "{method} should fail: {}",
            r.text
        );
        assert!(r.body["error"].is_object(), "{method}: {}", r.text);
        r
    }

    /// A new account with only a name; must succeed.
    pub async fn new_account(&self, name: &str) -> Value {
        self.ok("newAccount", json!({"account": {"name": name}}))
            .await
    }

    /// A new contact with only a name; must succeed.
    pub async fn new_contact(&self, name: &str) -> Value {
        self.ok("newContact", json!({"contact": {"name": name}}))
            .await
    }

    /// A new lead with only a description; must succeed.
    pub async fn new_lead(&self, description: &str) -> Value {
        self.ok("newLead", json!({"lead": {"description": description}}))
            .await
    }

    /// A new note on the record `id` of `entity_type` (Leads, Contacts, …); must succeed.
    pub async fn new_note(&self, entity_type: &str, id: &Value, note: &str) -> Value {
        let entity = json!({"entityType": entity_type, "id": id});
        self.ok("newNote", json!({"entity": entity, "note": note}))
            .await
    }

    /// `get{title}` of a record (`title`: Account, Contact, Lead, …); must succeed.
    pub async fn get(&self, title: &str, id: &Value) -> Value {
        self.ok(&format!("get{title}"), id_params(title, id)).await
    }

    /// `delete{title}` of a record at the rev it carries; must succeed.
    pub async fn delete(&self, title: &str, record: &Value) {
        let mut params = id_params(title, &record["id"]);
        params["rev"] = record["rev"].clone();
        assert_eq!(self.ok(&format!("delete{title}"), params).await, true);
    }

    /// POST to the REST custom-field endpoint.
    pub async fn rest_field(&self, entity: &str, body: Value) -> Reply {
        let resp = self
            .http
            .post(format!("{}/rest/{entity}/customfield", self.base))
            .basic_auth(&self.user, Some(&self.key))
            .json(&body)
            .send()
            .await
            .unwrap();
        Self::reply(resp).await
    }
}

/// The service description (SMD) a GET on the endpoint answers.
pub async fn smd(sb: &RunningSandbox) -> Value {
    reqwest::get(sb.endpoint())
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Ids of the seeded reference data in the built-in default, looked up by name.
pub async fn id_named(rpc: &Rpc, method: &str, name: &str) -> u64 {
    let list = rpc.ok(method, json!({"limit": 100})).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap_or_else(|| panic!("{method} has no {name}: {list}"))["id"]
        .as_u64()
        .unwrap()
}

pub async fn user_id(rpc: &Rpc, email: &str) -> u64 {
    let users = rpc.ok("findUsers", json!({})).await;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["emails"][0].as_str().unwrap().eq_ignore_ascii_case(email))
        .unwrap()["id"]
        .as_u64()
        .unwrap()
}

/// A 400 invalid-params error whose message mentions every `words`.
pub fn invalid(r: &Reply, words: &[&str]) {
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.code(), INVALID_PARAMS, "{}", r.text);
    for w in words {
        assert!(r.message().contains(w), "{w:?} not in {}", r.message());
    }
}

/// Ids of a list of records, in order.
pub fn ids(list: &Value) -> Vec<u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_u64().unwrap())
        .collect()
}

/// A sandbox saving to the state file `file` in a fresh temporary folder, and a caller for it:
/// (the folder, which must outlive the test, the state file's path, the sandbox, the caller).
pub async fn open_saving(file: &str) -> (tempfile::TempDir, PathBuf, RunningSandbox, Rpc) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(file);
    let sb = start_with(state_options(&state)).await;
    let rpc = Rpc::new(&sb);
    (dir, state, sb, rpc)
}

/// Default options with a state file.
pub fn state_options(state: &std::path::Path) -> SandboxOptions {
    SandboxOptions {
        state_file: Some(state.to_path_buf()),
        ..SandboxOptions::default()
    }
}

/// `{"leadId": id}` and the like for a record of `title` (Account, Activity, …).
pub fn id_params(title: &str, id: &Value) -> Value {
    let mut chars = title.chars();
    let first = chars.next().map(|c| c.to_ascii_lowercase()).into_iter();
    let key: String = first.chain(chars).chain("Id".chars()).collect();
    let mut params = json!({});
    params[key] = id.clone();
    params
}
