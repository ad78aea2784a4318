//! The state file, so a standalone sandbox survives a restart. Changes are saved in the
//! background, at most one write per [`SAVE_EVERY`] (a full snapshot per call fell to 16
//! creates/s at 4,000 records), and flushed when the sandbox stops. Each write goes to a temporary
//! file that is then renamed over the old one, so a crash never leaves half a file.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use super::store::Store;

/// The longest a change waits before it is on disk (unless the process is killed outright).
pub const SAVE_EVERY: Duration = Duration::from_millis(100);

pub struct StateFile {
    path: PathBuf,
    wake: Notify,
    /// The store version on disk; one writer at a time holds it, and never replaces a newer
    /// snapshot with an older one (the saver's write may finish after the final flush).
    written: Mutex<Option<u64>>,
    /// The last write's failure: calls that may change something are refused while it stands.
    failure: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StateFile {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            wake: Notify::new(),
            written: Mutex::new(None),
            failure: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved store, or `None` when there is no file yet.
    pub fn load(&self) -> io::Result<Option<Store>> {
        if !self.path.exists() {
            return Ok(None);
        }
        let bytes = std::fs::read(&self.path)?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(io::Error::other)
    }

    /// Write a snapshot unless the file already holds this version or a newer one.
    pub fn write(&self, store: &Store) -> io::Result<()> {
        let mut written = lock(&self.written);
        if written.is_some_and(|v| v >= store.version) {
            return Ok(());
        }
        let bytes = serde_json::to_vec(store).map_err(io::Error::other)?;
        crate::atomic_file::write(&self.path, &bytes)?;
        *written = Some(store.version);
        Ok(())
    }

    /// Fails while the last write failed; the saver is then woken to try again, so calls are
    /// accepted once the disk is fixed.
    pub fn writable(&self) -> Result<(), String> {
        match lock(&self.failure).as_ref() {
            Some(e) => {
                self.wake.notify_one();
                Err(format!("{}: {e}", self.path.display()))
            }
            None => Ok(()),
        }
    }

    /// Something changed: schedule a write.
    pub fn changed(&self) {
        self.wake.notify_one();
    }
}

/// Save changes until aborted: wait for one, let a burst gather, write one snapshot of it all.
/// `snapshot` copies the live store (the caller owns the lock, so this module does not know the
/// server's shared state and the two do not import each other).
pub async fn keep_saved(state: Arc<StateFile>, snapshot: impl Fn() -> Store) {
    loop {
        state.wake.notified().await;
        tokio::time::sleep(SAVE_EVERY).await;
        let snapshot = snapshot();
        let writer = state.clone();
        let result = tokio::task::spawn_blocking(move || writer.write(&snapshot)).await;
        let failure = match result {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        *lock(&state.failure) = failure;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;
    use crate::sandbox::store::RecordKind;

    fn named(name: &str) -> Map<String, serde_json::Value> {
        json!({"name": name}).as_object().unwrap().clone()
    }

    #[test]
    fn an_older_snapshot_never_replaces_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateFile::new(dir.path().join("state.json"));
        let mut store = Store::new();
        store.insert(RecordKind::Accounts, named("First"));
        let older = store.clone();
        store.insert(RecordKind::Accounts, named("Second"));
        state.write(&store).unwrap();
        state.write(&older).unwrap();
        let saved = state.load().unwrap().unwrap();
        assert_eq!(saved.count(RecordKind::Accounts), 2);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, ["state.json"], "no temporary file is left");
    }
}
