//! The run log: tracing goes to `<state dir>/logs/crm-migrate.log`, never to the terminal (the
//! wizard owns the screen, and headless output is for the operator's scripts).
//! `CRM_MIGRATE_LOG` sets the filter (default `info`, e.g. `crm_migrate=debug`).

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The variable that sets the log filter.
const FILTER_ENV: &str = "CRM_MIGRATE_LOG";

/// Start logging to a file under `state_dir`; returns warnings for the operator. A run must not
/// fail because its log cannot be written, so that is a warning saying why and what the run does
/// instead. A `CRM_MIGRATE_LOG` that is not a valid filter is an error too
/// (logging still starts, at `info`), so a mistyped filter is not silently ignored.
pub fn init(state_dir: &Path) -> Vec<String> {
    let mut warnings = Vec::new();
    let filter = match std::env::var(FILTER_ENV) {
        Err(_) => EnvFilter::new("info"),
        Ok(text) => EnvFilter::try_new(&text).unwrap_or_else(|e| {
            warnings.push(format!(
                "{FILTER_ENV}={text:?} is not a log filter ({e}); logging at info. Use e.g. {FILTER_ENV}=debug or {FILTER_ENV}=crm_migrate=trace"
            ));
            EnvFilter::new("info")
        }),
    };
    let dir = state_dir.join("logs");
    let path = dir.join("crm-migrate.log");
    let file = std::fs::create_dir_all(&dir)
        .and_then(|()| OpenOptions::new().create(true).append(true).open(&path));
    let file = match file {
        Ok(file) => file,
        Err(e) => {
            warnings.push(format!(
                "cannot write the run log {}: {e}; this run is not logged. Set [migration] state_dir (or CRM_MIGRATE_STATE_DIR) to a writable folder",
                path.display()
            ));
            return warnings;
        }
    };
    // Fails only when a logger is already set (a test harness): that one keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
    warnings
}
