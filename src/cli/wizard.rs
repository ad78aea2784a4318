//! `crm-migrate [--config F]`: the wizard. Without F (default `./crm-migrate.toml`) it opens on
//! the Connect screen, which can write one. Exit 0 when the operator quits, 1 on an error
//! (a config or keymap that does not parse, a terminal that cannot be used).

use std::path::PathBuf;

use super::ExitStatus;
use crate::config::Config;
use crate::tui::{self, Launch};

/// `config` is the file at `path`, loaded by `cli::main`; `None` when there is none yet.
pub fn run(
    path: PathBuf,
    config: Option<Config>,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
    tui::run(
        Launch::Config {
            path,
            config: config.map(Box::new),
        },
        runtime,
    )?;
    Ok(ExitStatus::Done)
}
