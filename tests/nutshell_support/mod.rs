//! Small loopback servers for the client's protocol tests: an axum app answering from a closure,
//! and a raw TCP server that reads a request and closes the connection without answering.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use crm_migrate::config::{ApiKey, LoadConfig};
use crm_migrate::nutshell::retry::RetryPolicy;
use crm_migrate::nutshell::{Client, ClientOptions, Endpoint, ThrottleSettings};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const USER: &str = "admin@acme.example";
pub const KEY: &str = "sk-live-7f3e9a1c2b4d";

/// One request the mock saw.
#[derive(Debug, Clone)]
pub struct Hit {
    pub http_method: String,
    pub path: String,
    pub method: String,
    pub params: Value,
    pub auth: Option<String>,
}

/// A reply: status, extra headers, body.
pub struct Reply(pub u16, pub Vec<(&'static str, String)>, pub String);

pub fn result(v: Value) -> Reply {
    Reply(
        200,
        vec![],
        json!({"jsonrpc":"2.0","id":1,"result":v,"error":null}).to_string(),
    )
}

pub fn rpc_error(status: u16, code: i64, message: &str) -> Reply {
    Reply(
        status,
        vec![],
        json!({"jsonrpc":"2.0","id":1,"result":null,"error":{"code":code,"message":message,"data":null}})
            .to_string(),
    )
}

type Answer = dyn Fn(&Hit, usize) -> Reply + Send + Sync;

pub struct Mock {
    pub url: String,
    pub hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Mock {
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serve `answer(hit, index)` for every request on any path, on an ephemeral loopback port.
pub async fn mock(answer: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static) -> Mock {
    let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
    let answer: Arc<Answer> = Arc::new(answer);
    let seen = hits.clone();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            let answer = answer.clone();
            async move {
                let rpc: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let hit = Hit {
                    http_method: method.to_string(),
                    path: uri.path().to_owned(),
                    method: rpc["method"].as_str().unwrap_or("").to_owned(),
                    params: rpc.get("params").cloned().unwrap_or(rpc),
                    auth: headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_owned()),
                };
                let index = {
                    let mut s = seen.lock().unwrap();
                    s.push(hit.clone());
                    s.len() - 1
                };
                let Reply(status, extra, body) = answer(&hit, index);
                let mut response: Response =
                    (StatusCode::from_u16(status).unwrap(), body).into_response();
                for (k, v) in extra {
                    response.headers_mut().insert(k, v.parse().unwrap());
                }
                if !response.headers().contains_key("content-type") {
                    response
                        .headers_mut()
                        .insert("content-type", "application/json".parse().unwrap());
                }
                response
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1/json", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Mock { url, hits, task }
}

/// A server that reads each request fully, then closes the connection without a word: what a
/// client sees when the server committed and the connection died before the answer.
pub struct Dropper {
    pub url: String,
    pub requests: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Dropper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn dropper() -> Dropper {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1/json", listener.local_addr().unwrap());
    let requests: Arc<Mutex<usize>> = Arc::default();
    let count = requests.clone();
    let task = tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = socket.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if request_complete(&buf) {
                        break;
                    }
                }
                *count.lock().unwrap() += 1;
                let _ = socket.shutdown().await;
            });
        }
    });
    Dropper {
        url,
        requests,
        task,
    }
}

fn request_complete(buf: &[u8]) -> bool {
    let text = String::from_utf8_lossy(buf);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    buf.len() >= end + 4 + length
}

/// A client with fast retries, so tests do not wait on production backoffs.
pub fn client(url: &str) -> Client {
    client_with(url, 4)
}

pub fn client_with(url: &str, max_attempts: u32) -> Client {
    let load = LoadConfig {
        requests_per_second: 200.0,
        max_in_flight: 4,
    };
    let mut options = ClientOptions::new(Endpoint::parse(url).unwrap(), USER, &load);
    options.timeout = Duration::from_secs(5);
    options.throttle = ThrottleSettings {
        start_rps: 200.0,
        ..ThrottleSettings::from_load(&load)
    };
    options.retry = RetryPolicy {
        max_attempts,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
    };
    Client::new(options, &ApiKey::new(KEY)).unwrap()
}
