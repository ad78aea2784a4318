//! `crm-migrate demo`: the wizard on the bundled sample export against a sandbox started in
//! this process, with a fresh temporary state folder and no configuration. Nothing outside the
//! temporary folder is written except the run log.

use super::ExitStatus;
use crate::tui::{self, Launch};

/// Open the wizard on the bundled sample export and the built-in sandbox (no config, no key),
/// on the process's one runtime. Exit 0 when the operator quits; an error when there is no terminal.
pub fn run(runtime: &tokio::runtime::Runtime) -> anyhow::Result<ExitStatus> {
    tui::run(Launch::Demo, runtime)?;
    Ok(ExitStatus::Done)
}
