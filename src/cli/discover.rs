//! `crm-migrate discover EXPORT [--json] [--out FILE]`: the scope report, Markdown or JSON.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::ExitStatus;
use crate::discovery;

/// `discover`'s arguments.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The RSoft export: a folder of CSV files or a .zip of them.
    pub export: PathBuf,
    /// Print the report as one JSON document instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Write the report; exit 0, or an error (exit 1) when the export or the output cannot be used.
pub fn run(args: DiscoverArgs) -> anyhow::Result<ExitStatus> {
    let report = discovery::discover_path(&args.export)?;
    let text = if args.json {
        serde_json::to_string_pretty(&report).context("cannot write the report as JSON")?
    } else {
        discovery::markdown::render(&report)
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).with_context(|| {
            format!(
                "cannot write the report to {}: check the folder exists and is writable",
                path.display()
            )
        })?,
        None => println!("{text}"),
    }
    Ok(ExitStatus::Done)
}
