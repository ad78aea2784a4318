//! The state every request handler shares (the store, the knobs, the credentials, the state
//! file), and the two rules around a change: refuse a write while the state file cannot be saved,
//! and have it saved after. Its own module so the HTTP side (`server`), the state file
//! (`persist`) and the REST endpoint (`rest`) each depend on it and not on each other.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::data::Credentials;
use super::errors::RpcError;
use super::faults::Faults;
use super::persist::StateFile;
use super::store::Store;

/// What every request handler shares.
pub struct Shared {
    pub store: Mutex<Store>,
    pub faults: Faults,
    pub credentials: Credentials,
    pub state: Option<Arc<StateFile>>,
    pub creates_committed: AtomicU64,
    /// Edits still to find their record saved by someone else first (see
    /// `RunningSandbox::save_before_next_edits`).
    pub saves_before_edits: AtomicU64,
    /// Where the sandbox listens (what discovery answers).
    pub addr: SocketAddr,
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Before a call that may change something: refuse it, having done nothing, if the last save
/// failed. An error after the change would be a 500 for a committed write, and a client that
/// retries it would make a duplicate.
pub fn writable(shared: &Shared) -> Result<(), RpcError> {
    match &shared.state {
        Some(state) => state.writable().map_err(|e| RpcError::state_not_saved(&e)),
        None => Ok(()),
    }
}

/// After a call that changed something: have the state file saved.
pub fn changed(shared: &Shared) {
    if let Some(state) = &shared.state {
        state.changed();
    }
}
