//! The run log: tracing goes to `<state dir>/logs/crm-migrate.log`, never to the terminal (the
//! wizard owns the screen, and headless output is for the operator's scripts).
//! `CRM_MIGRATE_LOG` sets the filter (default `info`, e.g. `crm_migrate=debug`).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Start logging to a file under `state_dir`. Returns the log's path, or `None` when the file
/// cannot be opened: a run must not fail because its log can't be written.
pub fn init(state_dir: &Path) -> Option<PathBuf> {
    let dir = state_dir.join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("crm-migrate.log");
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter =
        EnvFilter::try_from_env("CRM_MIGRATE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
