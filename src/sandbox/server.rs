//! The HTTP side: routes, Basic auth, the knobs' answers, the JSON-RPC envelope, the REST
//! custom-field endpoint, saving state after each change, and a connection loop that can hang up
//! on a request after its create committed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;

use super::data::Credentials;
use super::errors::{NON_JSON_BODY, RestError, RpcError, UNAUTHORIZED_BODY};
use super::faults::{Faults, Gate};
use super::methods;
use super::smd::{self, ENDPOINT_PATH};
use super::store::{Entity, Store};
use super::strict::CUSTOM_FIELD_TYPES;

/// What every request handler shares.
pub struct Shared {
    pub store: Mutex<Store>,
    pub faults: Faults,
    pub credentials: Credentials,
    pub state_file: Option<PathBuf>,
    pub creates_committed: AtomicU64,
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Lets a handler close its own connection without answering.
#[derive(Clone)]
struct Hangup(Arc<Notify>);

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(ENDPOINT_PATH, get(describe).post(rpc))
        .route("/rest/{entity}/customfield", post(rest_custom_field))
        .with_state(shared)
}

/// Accept connections until `shutdown` fires (or its sender is dropped), then drop them all.
pub async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(connection(stream, app.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: TcpStream, app: Router) {
    let hangup = Arc::new(Notify::new());
    let ext = Hangup(hangup.clone());
    let tower = TowerToHyperService::new(app);
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ext.clone());
        hyper::service::Service::call(&tower, req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    // Dropping the connection future closes the socket with nothing written.
    tokio::select! {
        _ = conn => {}
        _ = hangup.notified() => {}
    }
}

async fn describe() -> Response {
    axum::Json(smd::describe()).into_response()
}

/// Apply the knobs and auth. `Ok(drop_after_commit)` lets the call through.
async fn gate(shared: &Shared, headers: &HeaderMap) -> Result<bool, Response> {
    let drop = match shared.faults.admit() {
        Gate::RateLimited { retry_after_secs } => {
            return Err(too_many(retry_after_secs));
        }
        Gate::Throttled => return Err(too_many(1)),
        Gate::Fault => {
            let e = RpcError::injected_fault();
            return Err(
                (e.http_status(), axum::Json(envelope(&Value::Null, Err(e)))).into_response(),
            );
        }
        Gate::NonJson => {
            return Err(([(header::CONTENT_TYPE, "text/html")], NON_JSON_BODY).into_response());
        }
        Gate::Pass { drop_after_commit } => drop_after_commit,
    };
    let latency = shared.faults.knobs().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if !authorized(&shared.credentials, headers) {
        shared.faults.count(|c| c.auth_failures += 1);
        return Err((
            StatusCode::UNAUTHORIZED,
            [
                (header::WWW_AUTHENTICATE, "Basic realm=\"Nutshell sandbox\""),
                (header::CONTENT_TYPE, "text/plain"),
            ],
            UNAUTHORIZED_BODY,
        )
            .into_response());
    }
    Ok(drop)
}

fn too_many(retry_after_secs: u64) -> Response {
    let e = RpcError::rate_limited(retry_after_secs);
    let mut resp = (e.http_status(), axum::Json(envelope(&Value::Null, Err(e)))).into_response();
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    resp
}

fn authorized(credentials: &Credentials, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(encoded) = value.strip_prefix("Basic ") else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, key)) => {
            user.eq_ignore_ascii_case(&credentials.username) && key == credentials.api_key.expose()
        }
        None => false,
    }
}

fn envelope(id: &Value, outcome: Result<Value, RpcError>) -> Value {
    match outcome {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result, "error": null}),
        Err(e) => json!({"jsonrpc": "2.0", "id": id, "result": null, "error": e.to_json()}),
    }
}

async fn rpc(
    State(shared): State<Arc<Shared>>,
    Extension(hangup): Extension<Hangup>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let drop_after_commit = match gate(&shared, &headers).await {
        Ok(d) => d,
        Err(resp) => return resp,
    };
    let (id, outcome, created) = run_call(&shared, &body);
    if created && drop_after_commit {
        shared.faults.count(|c| c.dropped_after_commit += 1);
        hangup.0.notify_one();
        // Never answer: the connection task drops this connection.
        return std::future::pending::<Response>().await;
    }
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(e) => e.http_status(),
    };
    (status, axum::Json(envelope(&id, outcome))).into_response()
}

/// Parse the envelope and run the call. Returns the call id, the outcome, and whether a create
/// committed.
fn run_call(shared: &Shared, body: &[u8]) -> (Value, Result<Value, RpcError>, bool) {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return (Value::Null, Err(RpcError::parse(&e.to_string())), false),
    };
    let Value::Object(call) = request else {
        let why = if request.is_array() {
            "batch requests are not supported: send one call per request"
        } else {
            "the body must be one JSON-RPC call object"
        };
        return (Value::Null, Err(RpcError::invalid_request(why)), false);
    };
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    match dispatch(shared, &call) {
        Ok((result, created)) => (id, Ok(result), created),
        Err(e) => (id, Err(e), false),
    }
}

fn dispatch(shared: &Shared, call: &Map<String, Value>) -> Result<(Value, bool), RpcError> {
    if let Some(k) = call
        .keys()
        .find(|k| !["jsonrpc", "method", "params", "id"].contains(&k.as_str()))
    {
        return Err(RpcError::invalid_request(&format!(
            "unknown member \"{k}\""
        )));
    }
    if call.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(RpcError::invalid_request("\"jsonrpc\" must be \"2.0\""));
    }
    let Some(name) = call.get("method").and_then(Value::as_str) else {
        return Err(RpcError::invalid_request("\"method\" must be a string"));
    };
    let empty = Map::new();
    let params = match call.get("params") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(p)) => p,
        Some(_) => {
            return Err(RpcError::invalid_request(
                "\"params\" must be an object of named parameters",
            ));
        }
    };
    let method = methods::lookup(name).ok_or_else(|| RpcError::unknown_method(name))?;
    let mut store = shared.store();
    let me = store
        .all(Entity::Users)
        .find(|u| {
            u.emails()
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&shared.credentials.username))
        })
        .map(|u| u.id);
    let result = methods::call(&mut store, method, params, me)?;
    save(shared, &mut store)?;
    let created = method.op.creates();
    if created {
        shared.creates_committed.fetch_add(1, Ordering::Relaxed);
    }
    Ok((result, created))
}

/// Write the state file after a change: a temporary file, then a rename, so a crash never leaves
/// half a file.
pub fn save(shared: &Shared, store: &mut Store) -> Result<(), RpcError> {
    if !store.dirty {
        return Ok(());
    }
    store.dirty = false;
    match &shared.state_file {
        Some(path) => {
            write_state(path, store).map_err(|e| RpcError::state_not_saved(&e.to_string()))
        }
        None => Ok(()),
    }
}

pub fn write_state(path: &Path, store: &Store) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(store).map_err(std::io::Error::other)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

async fn rest_custom_field(
    State(shared): State<Arc<Shared>>,
    UrlPath(entity): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(resp) = gate(&shared, &headers).await {
        return resp;
    }
    match create_custom_field(&shared, &entity, &body) {
        Ok(field) => (StatusCode::CREATED, axum::Json(field)).into_response(),
        Err(e) => {
            let body =
                json!({"error": {"status": e.http_status().as_u16(), "message": e.to_string()}});
            (e.http_status(), axum::Json(body)).into_response()
        }
    }
}

fn create_custom_field(shared: &Shared, entity: &str, body: &[u8]) -> Result<Value, RestError> {
    let e = methods::custom_field_entity(entity)
        .ok_or_else(|| RestError::UnknownEntity(entity.to_string()))?;
    let input: Value = serde_json::from_slice(body)
        .map_err(|err| RestError::Invalid(format!("the body is not JSON: {err}")))?;
    let Value::Object(input) = input else {
        return Err(RestError::Invalid("send {\"name\", \"type\"}".into()));
    };
    if let Some(k) = input.keys().find(|k| *k != "name" && *k != "type") {
        return Err(RestError::Invalid(format!("unknown key \"{k}\"")));
    }
    let name = match input.get("name").and_then(Value::as_str).map(str::trim) {
        Some(n) if !n.is_empty() => n,
        _ => {
            return Err(RestError::Invalid(
                "\"name\" must be a non-empty string".into(),
            ));
        }
    };
    let kind = input
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !CUSTOM_FIELD_TYPES.contains(&kind) {
        return Err(RestError::Invalid(format!(
            "\"type\" must be one of {}",
            CUSTOM_FIELD_TYPES.join(", ")
        )));
    }
    let mut store = shared.store();
    if methods::find_custom_field(&store, e, name).is_some() {
        return Err(RestError::Duplicate {
            name: name.to_string(),
            entity_type: e.entity_type().to_string(),
        });
    }
    let field = methods::insert_custom_field(&mut store, e, name, kind);
    let rendered = store.render(&field);
    save(shared, &mut store).map_err(|err| RestError::NotSaved(err.message))?;
    Ok(rendered)
}
