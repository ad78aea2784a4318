//! `crm-migrate report [--config F] [--out DIR]`: the customer's reports — `report.md`, one
//! self-contained `report.html` and a CSV per section — into DIR (default
//! `<state_dir>/reports/`, files replaced on each run). The scope, checklist, workflow and gap
//! inventories come from the export; the run sections come from the journal
//! (`<state_dir>/journal.sqlite`), and say "no run recorded yet" until a migration has run. Exit 0 when written, 1 on a config or I/O error.

use std::path::PathBuf;

use clap::Args;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::report;

/// `report`'s flags.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The config file naming the export and the state dir.
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Where to write the reports (default: the reports folder in the state dir).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`.
pub fn run(args: ReportArgs, config: Config) -> anyhow::Result<ExitStatus> {
    let out = args
        .out
        .unwrap_or_else(|| config.state_dir().join("reports"));
    let written = report::write_reports(&config, &args.config, &out)?;
    outln!("wrote {} files to {}:", written.files.len(), out.display());
    for path in &written.files {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        outln!("  {name}");
    }
    if !written.has_run {
        outln!(
            "{}: reconciliation, holds, failures, owner decisions and merges fill in after `crm-migrate migrate`",
            report::NO_RUN
        );
    }
    Ok(ExitStatus::Done)
}
