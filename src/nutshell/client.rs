//! The JSON-RPC client: one call per request, paced by the [`Throttle`], failures classified and
//! retried only when safe, and typed methods for everything the migration sends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::endpoint::{Endpoint, EndpointError};
use super::entity_type::EntityType;
use super::error::{FailureClass, NutshellError, TransportKind};
use super::methods::{self, Effect, MethodSpec};
use super::retry::{RetryPolicy, parse_retry_after};
use super::throttle::{Signal, Throttle, ThrottleSettings, ThrottleSnapshot};
use super::types::*;
use crate::config::ApiKey;

/// How to reach Nutshell and how hard to push it.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The checked JSON-RPC endpoint.
    pub endpoint: Endpoint,
    /// The Nutshell user (primary email) the API key belongs to; HTTP Basic user.
    pub username: String,
    /// Longest wait for one answer; past it a request counts as timed out.
    pub timeout: Duration,
    /// The pace: ceiling, in-flight limit, adaptive increase and decrease.
    pub throttle: ThrottleSettings,
    /// How often and how long to retry a request that may be retried safely.
    pub retry: RetryPolicy,
}

impl ClientOptions {
    /// Options for `endpoint` as `username`, paced by `[load]`; a 30 s timeout and the default
    /// retry policy.
    pub fn new(endpoint: Endpoint, username: &str, load: &crate::config::LoadConfig) -> Self {
        Self {
            endpoint,
            username: username.to_owned(),
            timeout: Duration::from_secs(30),
            throttle: ThrottleSettings::from_load(load),
            retry: RetryPolicy::default(),
        }
    }
}

/// A connection to one Nutshell endpoint as one user. Cheap to share behind an `Arc`.
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    username: String,
    /// `Basic base64(user:key)`, marked sensitive so reqwest never shows it.
    auth: HeaderValue,
    throttle: Arc<Throttle>,
    retry: RetryPolicy,
    next_id: AtomicU64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint.url().as_str())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Build the HTTP client the API calls and endpoint discovery use.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, NutshellError> {
    base_builder(timeout)
        .build()
        .map_err(|e| https_setup_error(&e))
}

/// The HTTP client for one endpoint. A `*.localhost` host is pinned to 127.0.0.1 (RFC 6761: such
/// names are loopback), so the http:// allowed for loopback never asks DNS, which could answer
/// with a machine elsewhere and receive the API key.
fn client_for(endpoint: &Endpoint, timeout: Duration) -> Result<reqwest::Client, NutshellError> {
    let url = endpoint.url();
    let pinned = url.host_str().and_then(|host| {
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        (name.ends_with(".localhost") || name == "localhost").then_some(host)
    });
    let Some(host) = pinned else {
        return http_client(timeout);
    };
    let port = url.port_or_known_default().unwrap_or(80);
    base_builder(timeout)
        .resolve(host, std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .build()
        .map_err(|e| https_setup_error(&e))
}

fn base_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
}

fn https_setup_error(e: &reqwest::Error) -> NutshellError {
    NutshellError::Endpoint(EndpointError::Invalid {
        url: String::new(),
        reason: format!("cannot set up HTTPS: {e}"),
    })
}

/// Named parameters for one call. Only names the method's [`MethodSpec`] lists may be set, so
/// what the pre-flight checks is what is sent.
#[derive(Debug, Clone)]
pub struct Params {
    spec: MethodSpec,
    map: Map<String, Value>,
}

impl Params {
    /// No parameters yet, for the method `spec` describes.
    pub fn new(spec: MethodSpec) -> Self {
        Self {
            spec,
            map: Map::new(),
        }
    }

    /// Set the named parameter `name` to `value` as JSON. Errors: [`NutshellError::Shape`] when
    /// `value` cannot be encoded. A name the spec does not list is a bug (debug assertion).
    pub fn set(mut self, name: &str, value: impl serde::Serialize) -> Result<Self, NutshellError> {
        debug_assert!(
            self.spec.params.contains(&name),
            "{} does not list parameter {name}: add it to methods.rs",
            self.spec.name
        );
        let value = serde_json::to_value(value).map_err(|e| NutshellError::Shape {
            method: self.spec.name.to_owned(),
            detail: format!("cannot encode parameter {name}: {e}"),
        })?;
        self.map.insert(name.to_owned(), value);
        Ok(self)
    }
}

/// Sort and page size for a find.
#[derive(Debug, Clone, PartialEq)]
pub struct FindOptions {
    /// The `query` object of a find call (field → value); empty finds all.
    pub query: Map<String, Value>,
    /// The `orderBy` field; `None` leaves the server's order.
    pub order_by: Option<String>,
    /// `orderDirection` `DESC` instead of `ASC`.
    pub descending: bool,
    /// The `limit` of each page (records per call).
    pub page_size: u32,
}

impl Default for FindOptions {
    fn default() -> Self {
        Self {
            query: Map::new(),
            order_by: None,
            descending: false,
            page_size: 100,
        }
    }
}

/// The pages of a find, fetched one at a time: 1-based, ending at the first empty page.
pub struct Pages<'c, T> {
    client: &'c Client,
    params: Params,
    next_page: u32,
    done: bool,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pages<'_, T> {
    /// The next non-empty page, or `None` after the last one. An error ends the paging.
    pub async fn next(&mut self) -> Option<Result<Vec<T>, NutshellError>> {
        if self.done {
            return None;
        }
        let page = self.next_page;
        let params = match self.params.clone().set(methods::PAGE, page) {
            Ok(p) => p,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        match self.client.call::<Vec<T>>(params).await {
            Ok(items) if items.is_empty() => {
                self.done = true;
                None
            }
            Ok(items) => {
                self.next_page += 1;
                Some(Ok(items))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// Every item of every page.
    pub async fn all(mut self) -> Result<Vec<T>, NutshellError> {
        let mut items = Vec::new();
        while let Some(page) = self.next().await {
            items.extend(page?);
        }
        Ok(items)
    }
}

#[derive(Deserialize)]
struct RpcAnswer {
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<RpcError>,
}

#[derive(Deserialize)]
struct RpcError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: Option<Value>,
}

/// The two wire forms the client speaks.
#[derive(Clone, Copy)]
enum Wire {
    JsonRpc,
    Rest,
}

impl Client {
    /// Build a client. The key goes into the Authorization header value and nowhere else.
    pub fn new(options: ClientOptions, key: &ApiKey) -> Result<Self, NutshellError> {
        let http = client_for(&options.endpoint, options.timeout)?;
        let token = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            options.username,
            key.expose()
        ));
        let mut auth = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
            NutshellError::Endpoint(EndpointError::Invalid {
                url: options.endpoint.url().to_string(),
                reason: "the username cannot go in an HTTP header".into(),
            })
        })?;
        auth.set_sensitive(true);
        Ok(Self {
            http,
            endpoint: options.endpoint,
            username: options.username,
            auth,
            throttle: Arc::new(Throttle::new(options.throttle)),
            retry: options.retry,
            next_id: AtomicU64::new(1),
        })
    }

    /// The endpoint this client calls.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The user it authenticates as (never the key).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The pace and counters, for the live load view.
    pub fn snapshot(&self) -> ThrottleSnapshot {
        self.throttle.snapshot()
    }

    /// The method description (SMD) the endpoint serves to an unauthenticated GET.
    pub async fn fetch_description(&self) -> Result<Value, NutshellError> {
        const METHOD: &str = "GET (method description)";
        let response = self
            .http
            .get(self.endpoint.url().clone())
            .send()
            .await
            .map_err(|e| transport_error(METHOD, Effect::Read, &e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(METHOD, Effect::Read, &e))?;
        serde_json::from_slice(&body).map_err(|_| NutshellError::NotJson {
            method: METHOD.into(),
            status,
            snippet: snippet(&body),
            may_have_committed: false,
        })
    }

    /// Call a JSON-RPC method and decode its result.
    pub async fn call<R: DeserializeOwned>(&self, params: Params) -> Result<R, NutshellError> {
        let spec = params.spec;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": spec.name, "params": params.map});
        let value = self
            .send_with_retry(
                spec.name,
                spec.effect,
                Wire::JsonRpc,
                self.endpoint.url(),
                Some(&body),
            )
            .await?;
        decode(spec.name, value)
    }

    async fn send_with_retry(
        &self,
        method: &str,
        effect: Effect,
        wire: Wire,
        url: &reqwest::Url,
        body: Option<&Value>,
    ) -> Result<Value, NutshellError> {
        let mut attempt = 1;
        loop {
            let slot = self.throttle.acquire().await;
            let outcome = self.send_once(method, effect, wire, url, body).await;
            drop(slot);
            self.throttle.record(signal(&outcome));
            match outcome {
                Ok(value) => return Ok(value),
                Err(e)
                    if e.class() == FailureClass::RetrySafe
                        && attempt < self.retry.max_attempts =>
                {
                    let wait = self.retry.delay(attempt, e.retry_after());
                    tracing::debug!(method, attempt, wait_ms = wait.as_millis() as u64, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(mut e) => {
                    set_attempts(&mut e, attempt);
                    tracing::warn!(method, attempt, class = ?e.class(), error = %e, "call failed");
                    return Err(e);
                }
            }
        }
    }

    async fn send_once(
        &self,
        method: &str,
        effect: Effect,
        wire: Wire,
        url: &reqwest::Url,
        body: Option<&Value>,
    ) -> Result<Value, NutshellError> {
        // A body is POSTed; without one the call is a GET (REST reads).
        let request = match body {
            Some(body) => self.http.post(url.clone()).json(body),
            None => self.http.get(url.clone()),
        };
        let response = request
            .header(AUTHORIZATION, self.auth.clone())
            .send()
            .await
            .map_err(|e| transport_error(method, effect, &e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(method, effect, &e))?;
        let method = method.to_owned();
        let creates = effect == Effect::Create;
        if status == 401 || status == 403 {
            return Err(NutshellError::Auth { method, status });
        }
        if status == 429 {
            return Err(NutshellError::RateLimited {
                method,
                retry_after,
                attempts: 1,
            });
        }
        if status >= 500 {
            // Whatever the body says, the server failed: a 500 (or a proxy's 502/503) did not act;
            // only a gateway timeout on a create may hide a commit.
            return Err(NutshellError::Server {
                method,
                status,
                retry_after,
                attempts: 1,
                may_have_committed: creates && status == 504,
            });
        }
        let Ok(answer) = serde_json::from_slice::<Value>(&bytes) else {
            return Err(NutshellError::NotJson {
                method,
                status,
                snippet: snippet(&bytes),
                may_have_committed: creates && status < 300,
            });
        };
        match wire {
            Wire::JsonRpc => rpc_result(method, status, answer),
            Wire::Rest if status < 300 => Ok(answer),
            Wire::Rest => {
                let message = ["message", "error", "detail"]
                    .iter()
                    .find_map(|k| answer.get(*k).map(text_of))
                    .unwrap_or_else(|| answer.to_string());
                Err(rejection(
                    method,
                    status,
                    i64::from(status),
                    message,
                    Some(answer),
                ))
            }
        }
    }

    // Generic record methods, driven by each entity's row in methods.rs.

    /// Create a record. A create that may have reached the server is never re-sent: an
    /// [`FailureClass::Ambiguous`] error means "look it up before trying again".
    pub async fn create<T: Entity>(&self, record: &T) -> Result<Stored<T>, NutshellError> {
        let m = T::METHODS;
        self.call(Params::new(m.new).set(m.body_param(), record)?)
            .await
    }

    /// Read record `id` (`get<Entity>`). Errors: a not-found or other rejection, or transport.
    pub async fn get<T: Entity>(&self, id: i64) -> Result<Stored<T>, NutshellError> {
        let m = T::METHODS;
        self.call(Params::new(m.get).set(m.id_param, id)?).await
    }

    /// Change a record: send only the fields that change (multi-value fields are replaced whole).
    pub async fn edit<T: Entity>(
        &self,
        id: i64,
        rev: &str,
        changes: &T,
    ) -> Result<Stored<T>, NutshellError> {
        let m = T::METHODS;
        let spec = m.edit.ok_or_else(|| unsupported(m.entity_type, "edit"))?;
        let params = Params::new(spec)
            .set(m.id_param, id)?
            .set(methods::REV, rev)?
            .set(m.body_param(), changes)?;
        self.call(params).await
    }

    /// Delete record `id` at revision `rev` (`delete<Entity>`, answers `true`; a stale `rev` is
    /// a 409 rejection, docs/nutshell-api.md).
    pub async fn delete<T: Entity>(&self, id: i64, rev: &str) -> Result<bool, NutshellError> {
        let m = T::METHODS;
        self.remove(m.delete, m.id_param, id, rev).await
    }

    async fn remove(
        &self,
        spec: MethodSpec,
        id_param: &str,
        id: i64,
        rev: &str,
    ) -> Result<bool, NutshellError> {
        let params = Params::new(spec)
            .set(id_param, id)?
            .set(methods::REV, rev)?;
        let answer: Value = self.call(params).await?;
        super::loose::flag(&answer).map_err(|e| NutshellError::Shape {
            method: spec.name.to_owned(),
            detail: e.to_string(),
        })
    }

    /// Full records matching `options.query`, page by page.
    pub fn find<T: Entity>(
        &self,
        options: FindOptions,
    ) -> Result<Pages<'_, Stored<T>>, NutshellError> {
        let m = T::METHODS;
        let spec = m.find.ok_or_else(|| unsupported(m.entity_type, "find"))?;
        let params = Params::new(spec)
            .set(methods::QUERY, &options.query)?
            .set(methods::STUB_RESPONSES, false)?;
        self.pages(params, &options)
    }

    /// Stubs of records whose name matches `text`.
    pub async fn search<T: Entity>(
        &self,
        text: &str,
        limit: Option<u32>,
    ) -> Result<Vec<Stub>, NutshellError> {
        let m = T::METHODS;
        let spec = m
            .search
            .ok_or_else(|| unsupported(m.entity_type, "search"))?;
        let mut params = Params::new(spec).set(methods::SEARCH_STRING, text)?;
        if let Some(limit) = limit {
            params = params.set(methods::LIMIT, limit)?;
        }
        self.call(params).await
    }

    /// Contacts, accounts and users with this email address (`searchByEmail`).
    pub async fn search_by_email(&self, email: &str) -> Result<EmailMatches, NutshellError> {
        self.call(Params::new(methods::SEARCH_BY_EMAIL).set(methods::EMAIL_ADDRESS_STRING, email)?)
            .await
    }

    /// A note on `on` (an account, contact or lead). Like every create, never re-sent blindly.
    pub async fn new_note(
        &self,
        on: &EntityRef,
        text: &str,
    ) -> Result<Stored<Note>, NutshellError> {
        let params = Params::new(methods::NEW_NOTE)
            .set(methods::NOTE_ENTITY, on)?
            .set(methods::NOTE_TEXT, text)?;
        self.call(params).await
    }

    /// Read note `id`.
    pub async fn get_note(&self, id: i64) -> Result<Stored<Note>, NutshellError> {
        let spec = methods::NOTES_GET;
        self.call(Params::new(spec).set(spec.params[0], id)?).await
    }

    /// Delete note `id` at revision `rev` (`deleteNote`).
    pub async fn delete_note(&self, id: i64, rev: &str) -> Result<bool, NutshellError> {
        let spec = methods::NOTES_DELETE;
        self.remove(spec, spec.params[0], id, rev).await
    }

    /// A reference list (users, sources, activity types, pipelines, stages), page by page.
    pub fn list<T: Listed>(
        &self,
        options: FindOptions,
    ) -> Result<Pages<'_, Stored<T>>, NutshellError> {
        let mut params = Params::new(T::FIND);
        if T::FIND.params.contains(&methods::QUERY) {
            params = params.set(methods::QUERY, &options.query)?;
        }
        self.pages(params, &options)
    }

    /// The account's custom field definitions, keyed by entity type (`findCustomFields`).
    pub async fn find_custom_fields(
        &self,
    ) -> Result<ByEntityType<Stored<CustomField>>, NutshellError> {
        self.call(Params::new(methods::FIND_CUSTOM_FIELDS)).await
    }

    /// The account's tags, keyed by entity type (`findTags`).
    pub async fn find_tags(&self) -> Result<ByEntityType<Tag>, NutshellError> {
        self.call(Params::new(methods::FIND_TAGS)).await
    }

    /// Create a tag for one entity type ([`EntityType::WITH_CUSTOM_FIELDS`]: Accounts, Contacts,
    /// Leads). An existing name is an error: read [`Client::find_tags`] first.
    pub async fn new_tag(&self, name: &str, entity_type: EntityType) -> Result<Tag, NutshellError> {
        let tag = json!({"name": name, "entityType": entity_type.as_str()});
        self.call(Params::new(methods::NEW_TAG).set(methods::TAG, tag)?)
            .await
    }

    /// Create a source, or get the existing one of that name.
    pub async fn new_source(&self, name: &str) -> Result<Stored<Source>, NutshellError> {
        self.call(Params::new(methods::NEW_SOURCE).set(methods::SOURCE_NAME, name)?)
            .await
    }

    /// Create a custom field through the REST API on Accounts, Contacts or Leads (another type is
    /// an error: Nutshell has no REST collection for it). The answer's shape is unconfirmed, so it is returned as sent; read
    /// [`Client::find_custom_fields`] for the field's id.
    pub async fn create_custom_field(
        &self,
        entity_type: EntityType,
        name: &str,
        field_type: &str,
    ) -> Result<Value, NutshellError> {
        let collection = rest_collection(entity_type, "custom field creation")?;
        let url = self.endpoint.rest_custom_field_url(collection);
        let body = json!({ methods::REST_FIELD_NAME: name, methods::REST_FIELD_TYPE: field_type });
        let method = format!("POST {}", url.path());
        self.send_with_retry(&method, Effect::Create, Wire::Rest, &url, Some(&body))
            .await
    }

    /// A user: `getUser` with `userId`, or with no id the API user itself (public client
    /// `nutshell` 0.4.4, `GetUser`).
    pub async fn get_user(&self, id: Option<i64>) -> Result<Stored<User>, NutshellError> {
        let mut params = Params::new(methods::GET_USER);
        if let Some(id) = id {
            params = params.set(methods::USER_ID, id)?;
        }
        self.call(params).await
    }

    /// Records of `entity_type` (Accounts, Contacts or Leads) whose field `field` (a
    /// standard field or a custom field's name, e.g. the legacy-id field) equals `value`, through
    /// Nutshell's REST filter `GET /rest/{collection}?filter[<field>]=<value>`. This is how an
    /// ambiguous create is resolved: no JSON-RPC find takes a custom field. The answer's shape is
    /// UNCONFIRMED (see methods.rs); each match comes back with its numeric id and its fields.
    pub async fn find_by_field(
        &self,
        entity_type: EntityType,
        field: &str,
        value: &str,
    ) -> Result<Vec<RestRecord>, NutshellError> {
        let collection = rest_collection(entity_type, "a REST filter")?;
        let mut url = self.endpoint.rest_url(collection);
        url.query_pairs_mut()
            .append_pair(&format!("{}[{field}]", methods::REST_FILTER), value);
        let method = format!("GET {}?{}[{field}]", url.path(), methods::REST_FILTER);
        let answer = self
            .send_with_retry(&method, Effect::Read, Wire::Rest, &url, None)
            .await?;
        RestRecord::list_from(answer, collection).map_err(|e| NutshellError::Shape {
            method,
            detail: e.to_string(),
        })
    }

    /// What the API user may do (`permissions` of the REST user, docs/nutshell-api.md second pass):
    /// the user is found with `getUser` (no id), then read at `GET /rest/users/{id}`.
    pub async fn permissions(&self) -> Result<Permissions, NutshellError> {
        let me = self.get_user(None).await?;
        let url = self
            .endpoint
            .rest_url(&format!("{}/{}", methods::REST_USERS, me.id));
        let method = format!("GET {}", url.path());
        let answer = self
            .send_with_retry(&method, Effect::Read, Wire::Rest, &url, None)
            .await?;
        Permissions::from_rest_user(answer, methods::REST_USERS).map_err(|e| NutshellError::Shape {
            method,
            detail: e.to_string(),
        })
    }

    fn pages<T>(
        &self,
        params: Params,
        options: &FindOptions,
    ) -> Result<Pages<'_, T>, NutshellError> {
        let mut params = params.set(methods::LIMIT, options.page_size.max(1))?;
        if let Some(by) = &options.order_by {
            let direction = if options.descending {
                methods::DESCENDING
            } else {
                methods::ASCENDING
            };
            params = params
                .set(methods::ORDER_BY, by)?
                .set(methods::ORDER_DIRECTION, direction)?;
        }
        Ok(Pages {
            client: self,
            params,
            next_page: 1,
            done: false,
            _item: std::marker::PhantomData,
        })
    }
}

fn rpc_result(method: String, status: u16, answer: Value) -> Result<Value, NutshellError> {
    let Ok(answer) = serde_json::from_value::<RpcAnswer>(answer) else {
        return Err(NutshellError::Shape {
            method,
            detail: "the answer is JSON but not a JSON-RPC response".into(),
        });
    };
    if let Some(error) = answer.error {
        return Err(rejection(
            method,
            status,
            error.code,
            error.message,
            error.data,
        ));
    }
    Ok(answer.result.unwrap_or(Value::Null))
}

/// A JSON-RPC (or REST) error: stale rev and not found get their own kinds.
fn rejection(
    method: String,
    status: u16,
    code: i64,
    message: String,
    data: Option<Value>,
) -> NutshellError {
    if status == methods::errors::STALE_REV_STATUS
        || message
            .to_ascii_lowercase()
            .contains(methods::errors::STALE_REV_MESSAGE)
    {
        NutshellError::StaleRev { method, message }
    } else if methods::errors::is_not_found_message(&message) {
        NutshellError::NotFound { method, message }
    } else {
        NutshellError::Rejected {
            method,
            status,
            code,
            message,
            data,
        }
    }
}

/// Decode a result. A field that cannot be read is named by its path in the answer and its value
/// (never the whole body): serde tracks the path down to the record, and the record's own loose
/// reader ([`super::loose`]) the rest.
fn decode<R: DeserializeOwned>(method: &str, value: Value) -> Result<R, NutshellError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let outer = e
            .path()
            .iter()
            .map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
                other => format!(".{other}"),
            })
            .collect::<String>();
        let outer = outer.strip_prefix('.').unwrap_or(&outer);
        NutshellError::Shape {
            method: method.to_owned(),
            detail: super::loose::with_outer_path(outer, &e.into_inner().to_string()),
        }
    })
}

fn transport_error(method: &str, effect: Effect, e: &reqwest::Error) -> NutshellError {
    let kind = if e.is_connect() {
        TransportKind::Connect
    } else if e.is_timeout() {
        TransportKind::Timeout
    } else {
        TransportKind::Dropped
    };
    // The error chain without the URL: causes such as "connection closed before message completed".
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    NutshellError::Transport {
        method: method.to_owned(),
        kind,
        may_have_committed: kind != TransportKind::Connect && effect == Effect::Create,
        detail,
    }
}

fn signal(outcome: &Result<Value, NutshellError>) -> Signal {
    match outcome {
        Ok(_) => Signal::Ok,
        Err(NutshellError::RateLimited { retry_after, .. }) => Signal::RateLimited {
            retry_after: *retry_after,
        },
        Err(NutshellError::Server { retry_after, .. }) => Signal::ServerError {
            retry_after: *retry_after,
        },
        Err(NutshellError::NotJson { .. }) => Signal::NotJson,
        Err(NutshellError::Transport {
            kind: TransportKind::Timeout,
            ..
        }) => Signal::Timeout,
        Err(NutshellError::Transport { .. }) => Signal::Reset,
        Err(_) => Signal::Rejected,
    }
}

fn set_attempts(e: &mut NutshellError, n: u32) {
    if let NutshellError::RateLimited { attempts, .. } | NutshellError::Server { attempts, .. } = e
    {
        *attempts = n;
    }
}

/// The REST collection of an entity type (`accounts`, `contacts`, `leads`).
fn rest_collection(entity_type: EntityType, what: &str) -> Result<&'static str, NutshellError> {
    entity_type
        .methods()
        .and_then(|m| m.rest_collection)
        .ok_or_else(|| unsupported(entity_type.as_str(), what))
}

fn unsupported(entity_type: &str, what: &str) -> NutshellError {
    NutshellError::Shape {
        method: entity_type.to_owned(),
        detail: format!("Nutshell has no {what} for {entity_type} (see methods.rs)"),
    }
}

fn text_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(80).collect()
}
