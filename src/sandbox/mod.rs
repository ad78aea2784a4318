//! A local server that behaves as Nutshell's API does: JSON-RPC 2.0 at `/api/v1/json` with Basic
//! auth, the method description on GET, REST custom-field creation, Nutshell's entity shapes and
//! its strictness, plus knobs (latency, rate limit, faults, dropped connections) for rehearsals and
//! tests. Held to `docs/nutshell-api.md`, not to our client.
//!
//! In async code: `let sb = Sandbox::start(SandboxOptions::default()).await?;` then point a client
//! at `sb.endpoint()` with `sb.credentials()`. Sync callers use [`Sandbox::start_blocking`], which
//! runs the server on its own runtime until the handle is dropped.

mod data;
mod errors;
mod faults;
mod find;
mod links;
mod mentions;
mod methods;
mod persist;
mod rest;
mod rpc;
mod schema;
mod server;
mod shared;
mod smd;
mod store;
mod strict;
mod values;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use data::{Credentials, DataError, SandboxData};
pub use errors::{
    INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, NOT_FOUND, PARSE_ERROR,
    RATE_LIMITED, STALE_REV, STALE_REV_MESSAGE,
};
pub use faults::{FaultCounts, KnobError, Knobs};
pub use find::{DEFAULT_LIMIT, MAX_LIMIT};
pub use server::{DISCOVERY_METHOD, DISCOVERY_PATH};
pub use smd::ENDPOINT_PATH;
pub use store::{REV_IGNORE, RecordKind};

use persist::StateFile;
use shared::Shared;
use store::Store;

/// The address `crm-migrate sandbox` listens on unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Why a sandbox did not start or did not save its state; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The data file could not be read or used.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A fault knob is out of range.
    #[error("sandbox knobs: {0}")]
    Knobs(#[from] KnobError),
    #[error(
        "refusing to listen on {0}: the sandbox's key is printed and not secret, so it only serves loopback (use 127.0.0.1:PORT)"
    )]
    /// The listen address is not loopback (127.0.0.0/8 or ::1): refused, the key is printed.
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source} (is another sandbox running? pick another port)")]
    /// The port could not be bound (usually taken by another process).
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
    #[error("sandbox state file {path}: {message} (delete it to start from the data file again)")]
    /// The state file could not be read, parsed or written.
    State {
        /// The state file (`--state`).
        path: PathBuf,
        /// The I/O or JSON error.
        message: String,
    },
    /// The tokio runtime for a standalone sandbox could not be built.
    #[error("cannot start the sandbox's runtime: {0}")]
    Runtime(std::io::Error),
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Loopback only; port 0 picks a free one.
    pub listen: SocketAddr,
    /// The data file (TOML or JSON); `None` uses the built-in default.
    pub data: Option<PathBuf>,
    /// Where state is kept across restarts: loaded if it exists (the data file then only supplies
    /// the credentials), saved within 100 ms of each change and when the sandbox stops.
    pub state_file: Option<PathBuf>,
    /// Fault injection (latency, 429s, 500s, HTML bodies, dropped answers); all off by default.
    pub knobs: Knobs,
    /// Seed for the fault draws; `None` draws from the OS.
    pub seed: Option<u64>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data: None,
            state_file: None,
            knobs: Knobs::default(),
            seed: None,
        }
    }
}

/// What a sandbox has seen, for tests and the load view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxStats {
    /// How often each fault knob fired.
    pub faults: FaultCounts,
    /// new* calls and REST custom-field creations that committed (whether or not the answer
    /// was then dropped).
    pub creates_committed: u64,
}

/// A local stand-in for Nutshell's JSON-RPC and REST endpoints (docs/nutshell-api.md), held to
/// the same shapes and errors; [`Sandbox::start`] serves one on loopback.
pub struct Sandbox;

impl Sandbox {
    /// Bind, load, and serve in the background of the current tokio runtime.
    pub async fn start(options: SandboxOptions) -> Result<RunningSandbox, SandboxError> {
        if !options.listen.ip().is_loopback() {
            return Err(SandboxError::NotLoopback(options.listen));
        }
        options.knobs.validate()?;
        let data = match &options.data {
            Some(path) => SandboxData::from_file(path)?,
            None => SandboxData::builtin()?,
        };
        let state = options.state_file.map(|p| Arc::new(StateFile::new(p)));
        let store = initial_store(&data, state.as_deref())?;
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: options.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: options.listen,
            source,
        })?;
        let shared = Arc::new(Shared {
            store: std::sync::Mutex::new(store),
            faults: faults::Faults::new(options.knobs, options.seed),
            credentials: data.credentials(),
            state: state.clone(),
            creates_committed: AtomicU64::new(0),
            saves_before_edits: AtomicU64::new(0),
            addr,
        });
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, server::router(shared.clone()), rx));
        let saver = state.map(|state| {
            let shared = shared.clone();
            tokio::spawn(persist::keep_saved(state, move || shared.store().clone()))
        });
        Ok(RunningSandbox {
            shared,
            addr,
            shutdown: Some(tx),
            task: Some(task),
            saver,
        })
    }

    /// For sync callers: the sandbox runs on its own runtime until the handle is dropped.
    pub fn start_blocking(options: SandboxOptions) -> Result<BlockingSandbox, SandboxError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(SandboxError::Runtime)?;
        let running = runtime.block_on(Sandbox::start(options))?;
        Ok(BlockingSandbox { running, runtime })
    }
}

/// The state file's store if there is one, else the data file's contents (saved at once when a
/// state file is named, so a restart finds it).
fn initial_store(data: &SandboxData, state: Option<&StateFile>) -> Result<Store, SandboxError> {
    let Some(state) = state else {
        return Ok(data.to_store()?);
    };
    let failed = |e: std::io::Error| SandboxError::State {
        path: state.path().to_path_buf(),
        message: e.to_string(),
    };
    match state.load().map_err(failed)? {
        Some(store) => Ok(store),
        None => {
            let store = data.to_store()?;
            state.write(&store).map_err(failed)?;
            Ok(store)
        }
    }
}

/// A sandbox serving in the background; dropping it stops it.
pub struct RunningSandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// Saves the state file in the background, when there is one.
    saver: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT/api/v1/json`.
    pub fn endpoint(&self) -> String {
        format!("{}{ENDPOINT_PATH}", self.base_url())
    }

    /// `http://127.0.0.1:PORT`, for the REST paths.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound loopback address (the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The username and API key the sandbox accepts.
    pub fn credentials(&self) -> &Credentials {
        &self.shared.credentials
    }

    /// A snapshot of the fault counters and committed creates so far.
    pub fn stats(&self) -> SandboxStats {
        SandboxStats {
            faults: self.shared.faults.counts(),
            creates_committed: self.shared.creates_committed.load(Ordering::Relaxed),
        }
    }

    /// Live (not deleted) records of an entity.
    pub fn live_count(&self, entity: RecordKind) -> usize {
        self.shared.store().count(entity)
    }

    /// Records of an entity that were deleted (kept, as live Nutshell keeps them, with
    /// `deletedTime` set).
    pub fn deleted_count(&self, entity: RecordKind) -> usize {
        self.shared.store().count_deleted(entity)
    }

    /// Live records of an entity, as a full response renders them.
    pub fn records(&self, entity: RecordKind) -> Vec<Value> {
        let store = self.shared.store();
        store.all(entity).map(|r| store.render(r)).collect()
    }

    /// What an account's admin does in Nutshell's web app, which the API cannot: add the stage
    /// `stage` to the pipeline `pipeline` (creating the pipeline when there is none of that
    /// name), and the activity types `activity_types`. Names already there are left alone. The
    /// wizard's demo, which has no admin to ask, plays that part with it.
    pub fn add_as_admin(&self, stages: &[(String, String)], activity_types: &[String]) {
        let mut store = self.shared.store();
        let named = |store: &Store, entity: RecordKind, name: &str, of: Option<u64>| {
            store
                .all(entity)
                .find(|r| {
                    r.fields.get("name").and_then(Value::as_str) == Some(name)
                        && of.is_none_or(|id| {
                            r.fields.get("stagesetId").and_then(Value::as_u64) == Some(id)
                        })
                })
                .map(|r| r.id)
        };
        for (pipeline, stage) in stages {
            let stageset = match named(&store, RecordKind::Stagesets, pipeline, None) {
                Some(id) => id,
                None => {
                    let position = store.count(RecordKind::Stagesets) + 1;
                    let fields = serde_json::json!({"name": pipeline, "default": false, "position": position});
                    store.insert(RecordKind::Stagesets, as_object(fields)).id
                }
            };
            if named(&store, RecordKind::Milestones, stage, Some(stageset)).is_none() {
                let position = store
                    .all(RecordKind::Milestones)
                    .filter(|r| {
                        r.fields.get("stagesetId").and_then(Value::as_u64) == Some(stageset)
                    })
                    .count()
                    + 1;
                let fields = serde_json::json!({"name": stage, "position": position, "stagesetId": stageset});
                store.insert(RecordKind::Milestones, as_object(fields));
            }
        }
        for name in activity_types {
            if named(&store, RecordKind::ActivityTypes, name, None).is_none() {
                store.insert(
                    RecordKind::ActivityTypes,
                    as_object(serde_json::json!({"name": name})),
                );
            }
        }
        drop(store);
        shared::changed(&self.shared);
    }

    /// The next `n` edit calls each find their record saved by someone else just before they
    /// arrive (its `rev` bumped, nothing else changed), so they are refused with 409 "rev key
    /// is out-of-date" as live Nutshell refuses an edit that lost a race with a person.
    pub fn save_before_next_edits(&self, n: u64) {
        self.shared.saves_before_edits.store(n, Ordering::Relaxed);
    }

    /// The fault knobs in force now.
    pub fn knobs(&self) -> Knobs {
        self.shared.faults.knobs()
    }

    /// Change the knobs while running (e.g. load records cleanly, then turn faults on).
    pub fn set_knobs(&self, knobs: Knobs) -> Result<(), KnobError> {
        knobs.validate()?;
        self.shared.faults.set_knobs(knobs);
        Ok(())
    }

    /// Stop accepting, drop open connections, wait for the server to end, and write the state
    /// file's last changes.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.stop_saving()
    }

    fn stop_saving(&mut self) -> Result<(), SandboxError> {
        if let Some(saver) = self.saver.take() {
            saver.abort();
        }
        match &self.shared.state {
            Some(state) => state
                .write(&self.shared.store())
                .map_err(|e| SandboxError::State {
                    path: state.path().to_path_buf(),
                    message: e.to_string(),
                }),
            None => Ok(()),
        }
    }
}

impl Drop for RunningSandbox {
    /// Stops the server and flushes the state file; call [`RunningSandbox::shutdown`] to see
    /// a flush error.
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.stop_saving();
    }
}

/// A sandbox on its own runtime, for sync callers (drop it outside async code). Fields drop in
/// order: the sandbox is told to stop, then its runtime shuts down.
pub struct BlockingSandbox {
    running: RunningSandbox,
    #[allow(dead_code)]
    runtime: tokio::runtime::Runtime,
}

impl std::ops::Deref for BlockingSandbox {
    type Target = RunningSandbox;

    fn deref(&self) -> &RunningSandbox {
        &self.running
    }
}

/// A JSON object's map (`value` is always an object literal here).
fn as_object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}
