//! The HTTP side: routes, Basic auth, the knobs' answers, the JSON-RPC envelope, the REST
//! custom-field endpoint, saving state after each change, and a connection loop that can hang up
//! on a request after its create committed.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;

use super::data::Credentials;
use super::errors::{NON_JSON_BODY, RestError, RpcError, UNAUTHORIZED_BODY};
use super::faults::Gate;
use super::shared::{Shared, changed, writable};
use super::smd::{self, ENDPOINT_PATH};
use super::store::{RecordKind, Store};
use super::{methods, rest, rpc, values};

/// Where `api.nutshell.com` answers endpoint discovery, and the method it serves there.
pub const DISCOVERY_PATH: &str = "/v1/json";
/// The discovery method: `{username}` in, `{"api": HOST}` out (docs/nutshell-api.md).
pub const DISCOVERY_METHOD: &str = "getApiForUsername";

/// Lets a handler close its own connection without answering.
#[derive(Clone)]
struct Hangup(Arc<Notify>);

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(ENDPOINT_PATH, get(describe).post(json_rpc))
        .route(DISCOVERY_PATH, post(discover))
        .route("/rest/{entity}/customfield", post(rest_custom_field))
        .route("/rest/{entity}", get(rest_filter))
        .route("/rest/{entity}/list/fields", get(rest_list_fields))
        .route("/rest/{entity}/{item}", get(rest_item))
        .with_state(shared)
}

/// Accept connections until `shutdown` fires (or its sender is dropped), then drop them all.
pub async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, app.clone()));
                }
                // Out of file descriptors and the like: pause rather than spin.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            },
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

/// Why a request is answered without running it.
enum Refusal {
    TooMany { retry_after_secs: u64 },
    Fault,
    NonJson,
    Unauthorized,
}

/// Apply the knobs and auth. `Ok(drop_after_commit)` lets the call through.
async fn gate(shared: &Shared, headers: &HeaderMap) -> Result<bool, Refusal> {
    let drop = match shared.faults.admit() {
        Gate::RateLimited { retry_after_secs } => {
            return Err(Refusal::TooMany { retry_after_secs });
        }
        Gate::Throttled => {
            return Err(Refusal::TooMany {
                retry_after_secs: 1,
            });
        }
        Gate::Fault => return Err(Refusal::Fault),
        Gate::NonJson => return Err(Refusal::NonJson),
        Gate::Pass { drop_after_commit } => drop_after_commit,
    };
    let latency = shared.faults.knobs().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if !authorized(&shared.credentials, headers) {
        shared.faults.count(|c| c.auth_failures += 1);
        return Err(Refusal::Unauthorized);
    }
    Ok(drop)
}

fn refuse(refusal: Refusal, id: &Value) -> Response {
    let error = |e: RpcError| (e.http_status(), axum::Json(rpc::envelope(id, Err(e))));
    match refusal {
        Refusal::TooMany { retry_after_secs } => {
            let mut resp = error(RpcError::rate_limited(retry_after_secs)).into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            resp
        }
        Refusal::Fault => error(RpcError::injected_fault()).into_response(),
        Refusal::NonJson => ([(header::CONTENT_TYPE, "text/html")], NON_JSON_BODY).into_response(),
        Refusal::Unauthorized => (
            StatusCode::UNAUTHORIZED,
            [
                (header::WWW_AUTHENTICATE, "Basic realm=\"Nutshell sandbox\""),
                (header::CONTENT_TYPE, "text/plain"),
            ],
            UNAUTHORIZED_BODY,
        )
            .into_response(),
    }
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

async fn json_rpc(
    State(shared): State<Arc<Shared>>,
    Extension(hangup): Extension<Hangup>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let drop_after_commit = match gate(&shared, &headers).await {
        Ok(d) => d,
        Err(refusal) => return refuse(refusal, &rpc::call_id(&body)),
    };
    let (id, outcome) = match rpc::parse(&body) {
        Ok(call) => (call.id.clone(), dispatch(&shared, &call)),
        Err((id, e)) => (id, Err(e)),
    };
    let created = outcome.as_ref().is_ok_and(|(_, created)| *created);
    if created && drop_after_commit {
        return hang_up(&shared, &hangup).await;
    }
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(e) => e.http_status(),
    };
    let outcome = outcome.map(|(result, _)| result);
    (status, axum::Json(rpc::envelope(&id, outcome))).into_response()
}

/// Close the connection without answering a create that committed.
async fn hang_up(shared: &Shared, hangup: &Hangup) -> Response {
    shared.faults.count(|c| c.dropped_after_commit += 1);
    hangup.0.notify_one();
    // Never answer: the connection task drops this connection.
    std::future::pending::<Response>().await
}

/// Run a call; also whether it was a new* that committed.
fn dispatch(shared: &Shared, call: &rpc::Call) -> Result<(Value, bool), RpcError> {
    let method =
        methods::lookup(&call.method).ok_or_else(|| RpcError::unknown_method(&call.method))?;
    let mut store = shared.store();
    let me = store
        .all(RecordKind::Users)
        .find(|u| {
            u.emails()
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&shared.credentials.username))
        })
        .map(|u| u.id);
    if method.op.writes() {
        writable(shared)?;
    }
    if let methods::Op::Edit(e) = method.op {
        save_first(shared, &mut store, e, &call.params);
    }
    let before = store.version;
    let result = methods::call(&mut store, method, &call.params, me)?;
    // Only a create that changed the store committed (newSource may return an existing source).
    let created = method.op.creates() && store.version != before;
    if store.version != before {
        changed(shared);
    }
    if created {
        shared.creates_committed.fetch_add(1, Ordering::Relaxed);
    }
    Ok((result, created))
}

/// When the sandbox was told to (`save_before_next_edits`), someone saves the record an edit
/// names just before the edit: its rev moves on and the edit's rev is stale.
fn save_first(
    shared: &Shared,
    store: &mut Store,
    e: RecordKind,
    params: &serde_json::Map<String, Value>,
) {
    let take = shared
        .saves_before_edits
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    if take.is_err() {
        return;
    }
    let id = params
        .get(&format!("{}Id", e.param()))
        .and_then(Value::as_u64);
    let fields = id
        .and_then(|id| store.get(e, id).ok())
        .map(|r| r.fields.clone());
    if let (Some(id), Some(fields)) = (id, fields) {
        store.replace(id, fields);
    }
}

/// `getApiForUsername {username}` (no auth), as `api.nutshell.com/v1/json` answers it: the host
/// that serves the account, here the sandbox itself.
async fn discover(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let (id, outcome) = match rpc::parse(&body) {
        Ok(call) => (call.id.clone(), api_for_username(&shared, &call)),
        Err((id, e)) => (id, Err(e)),
    };
    let status = outcome
        .as_ref()
        .err()
        .map_or(StatusCode::OK, RpcError::http_status);
    (status, axum::Json(rpc::envelope(&id, outcome))).into_response()
}

fn api_for_username(shared: &Shared, call: &rpc::Call) -> Result<Value, RpcError> {
    if call.method != DISCOVERY_METHOD {
        return Err(RpcError::unknown_method(&call.method));
    }
    if let Some(k) = call.params.keys().find(|k| *k != "username") {
        return Err(RpcError::unknown_param(DISCOVERY_METHOD, k));
    }
    let username = call.params.get("username").unwrap_or(&Value::Null);
    values::non_empty("username", username, "a Nutshell username (an email)")?;
    Ok(json!({"api": shared.addr.to_string()}))
}

/// A REST read: the knobs and auth first, then `read`; errors as REST's `{error:{status,message}}`.
async fn rest_read(
    shared: &Shared,
    headers: &HeaderMap,
    read: impl FnOnce(&Shared) -> Result<Value, RestError>,
) -> Response {
    if let Err(refusal) = gate(shared, headers).await {
        return refuse(refusal, &Value::Null);
    }
    match read(shared) {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => rest_error(&e),
    }
}

fn rest_error(e: &RestError) -> Response {
    let status = e.http_status();
    let body = json!({"error": {"status": status.as_u16(), "message": e.to_string()}});
    (status, axum::Json(body)).into_response()
}

async fn rest_filter(
    State(shared): State<Arc<Shared>>,
    UrlPath(entity): UrlPath<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    rest_read(&shared, &headers, |s| rest::filter(s, &entity, &query)).await
}

async fn rest_list_fields(
    State(shared): State<Arc<Shared>>,
    UrlPath(entity): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    rest_read(&shared, &headers, |s| rest::list_fields(s, &entity)).await
}

/// `GET /rest/users/{id}`; other collections have no item reads in the sandbox.
async fn rest_item(
    State(shared): State<Arc<Shared>>,
    UrlPath((entity, item)): UrlPath<(String, String)>,
    headers: HeaderMap,
) -> Response {
    rest_read(&shared, &headers, |s| {
        if entity == "users" {
            rest::user(s, &item)
        } else {
            Err(RestError::NotFound(format!(
                "GET /rest/{entity}/{item} is not served"
            )))
        }
    })
    .await
}

async fn rest_custom_field(
    State(shared): State<Arc<Shared>>,
    Extension(hangup): Extension<Hangup>,
    UrlPath(entity): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let drop_after_commit = match gate(&shared, &headers).await {
        Ok(d) => d,
        Err(refusal) => return refuse(refusal, &Value::Null),
    };
    match rest::create_custom_field(&shared, &entity, &body) {
        Ok(field) => {
            shared.creates_committed.fetch_add(1, Ordering::Relaxed);
            if drop_after_commit {
                return hang_up(&shared, &hangup).await;
            }
            (StatusCode::CREATED, axum::Json(field)).into_response()
        }
        Err(e) => rest_error(&e),
    }
}
