//! `crm-migrate report [--config F] [--out DIR]`: the customer's reports — `report.md`, one
//! self-contained `report.html` and a CSV per section — into DIR (default
//! `<state_dir>/reports/`, files replaced on each run). The scope, checklist, workflow and gap
//! inventories come from the export; the run sections come from the journal
//! (`<state_dir>/journal.sqlite`), and say "no run recorded yet" until a migration has run. Exit 0 when written, 1 on a config or I/O error.

use std::path::{Path, PathBuf};

use clap::Args;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::journal::{JOURNAL_FILE, Journal};
use crate::report::{self, ReportOptions, gaps};
use crate::rsoft::Export;
use crate::vocabulary::Vocabulary;

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
    let written = write(&config, &args.config, &out)?;
    println!("wrote {} files to {}:", written.files.len(), out.display());
    for path in &written.files {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        println!("  {name}");
    }
    if !written.has_run {
        println!(
            "{}: reconciliation, holds, failures, owner decisions and merges fill in after `crm-migrate migrate`",
            report::NO_RUN
        );
    }
    Ok(ExitStatus::Done)
}

/// What [`write`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// `report.md`, `report.html`, then the section CSVs.
    pub files: Vec<PathBuf>,
    /// Whether the run sections are filled (false: they say [`report::NO_RUN`]).
    pub has_run: bool,
}

/// Write the reports of `config`'s migration into `out`, exactly as `crm-migrate report` does
/// (the wizard's Verify screen calls this too). `config_path` names the config in errors.
pub fn write(config: &Config, config_path: &Path, out: &Path) -> anyhow::Result<Written> {
    let export_path = super::configured_export(config, config_path)?;
    let export = Export::open_with(export_path, Vocabulary::of(config)?)?;
    let options = ReportOptions {
        country: config.source.country.clone(),
        web_base: gaps::web_base(config.nutshell.endpoint_setting()),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    // The journal, when a migration has one: its run sections say "no run recorded yet"
    // otherwise. Opening never creates one in a state dir that has none.
    let journal_path = config.state_dir().join(JOURNAL_FILE);
    let journal = if journal_path.exists() {
        Some(Journal::open_file(&journal_path)?)
    } else {
        None
    };
    let source = journal.as_ref().map(|j| j as &dyn report::ReportSource);
    let report = report::generate(&export, source, &options)?;
    let files = report::write_all(&report, out)?;
    Ok(Written {
        files,
        has_run: report.run.is_some(),
    })
}
