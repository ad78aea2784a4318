//! `crm-migrate discover EXPORT [--json] [--out FILE]`: the scope report, Markdown or JSON.

use std::io::Write;
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
    let cannot = |path: &std::path::Path| {
        format!(
            "cannot write the report to {}: check the folder exists and is writable",
            path.display()
        )
    };
    // Streamed, not built as one string: a million-row export's JSON is tens of megabytes.
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::fs::File::create(path).with_context(|| cannot(path))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(&mut out);
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .context("cannot write the report as JSON")?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", discovery::markdown::render(&report))?;
    }
    out.flush().with_context(|| match &args.out {
        Some(path) => cannot(path),
        None => "cannot write the report to standard output".to_string(),
    })?;
    Ok(ExitStatus::Done)
}
