//! `crm-migrate sample-export --out DIR [--scale N] [--seed N]`: write a realistic RSoft export.

use std::path::PathBuf;

use clap::Args;

use super::ExitStatus;
use crate::rsoft::generator::{self, DEFAULT_SEED};

/// Write a realistic RSoft CRM export (every module, with the quirks real exports have).
#[derive(Debug, Args)]
pub struct SampleExportArgs {
    /// Folder to write into (created if missing; files of the same names are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Multiplies the data rows (scale 1 = the bundled sample, about 210 records).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub scale: u32,
    /// Same seed and scale, same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

/// Write the export and print what was written; an error (exit 1) when the folder is not writable.
pub fn run(args: SampleExportArgs) -> anyhow::Result<ExitStatus> {
    let summary = generator::generate(&args.out, args.scale, args.seed)?;
    outln!(
        "Wrote an RSoft export (scale {}, seed {}) to {}",
        summary.scale,
        summary.seed,
        summary.out_dir.display()
    );
    for table in &summary.tables {
        outln!(
            "  {:<16} {:>10} rows  {}",
            table.module,
            table.rows,
            table.file_name
        );
    }
    outln!("  {:<16} {:>10} rows", "total", summary.total_rows());
    outln!(
        "  {} files the CSV cannot carry: {}",
        summary.gap_files.len(),
        summary
            .gap_files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitStatus::Done)
}
