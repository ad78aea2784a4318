//! `crm-migrate demo`: the wizard on the bundled sample export against a sandbox started in
//! this process, with a fresh temporary state folder and no configuration. Nothing outside the
//! temporary folder is written except the run log.

use super::ExitStatus;
use crate::tui::{self, Launch};

pub fn run(runtime: &tokio::runtime::Runtime) -> anyhow::Result<ExitStatus> {
    tui::run(Launch::Demo, runtime)?;
    Ok(ExitStatus::Done)
}
