//! `crm-migrate verify [--config F] [--spot-check N] [--seed N] [--json]`: reconcile every source
//! row per phase, count our records in Nutshell against the journal, and spot-check N random
//! created records per phase field by field. Exit codes (design.md §4): 0 everything reconciles
//! and the spot-check matches, 1 error, 2 usage, 4 findings (each listed: record, field, expected,
//! found). The spot-check's seed is printed; `--seed` repeats it.

use std::path::PathBuf;

use clap::Args;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::engine::verify::{DEFAULT_SPOT_CHECK, VerifyOptions, VerifyReport, verify};
use crate::journal::Journal;

/// `verify`'s flags.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The config file naming the export, the Nutshell endpoint and the state dir (journal).
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Created records read back and compared per phase.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SPOT_CHECK)]
    pub spot_check: usize,
    /// Repeat an earlier spot-check (its seed is printed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`; `runtime` is the process's
/// one runtime. Exit 0 when everything reconciles, 4 when there are findings, 1 when verify could not
/// finish (journal, export or connection).
pub fn run(
    args: VerifyArgs,
    config: Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
    let journal = Journal::open_existing(&config.state_dir())?;
    let options = VerifyOptions {
        spot_check: args.spot_check,
        seed: args.seed,
    };
    let report = runtime.block_on(async {
        let (client, sandbox) = crate::connect::connect_saved(&config).await?;
        let report = verify(&config, &client, &journal, options).await;
        if let Some(sb) = sandbox {
            sb.shutdown().await?;
        }
        anyhow::Ok(report?)
    })?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.ok() {
        ExitStatus::Done
    } else {
        ExitStatus::Failed
    })
}

fn print_report(r: &VerifyReport) {
    outln!(
        "  {:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
        "phase",
        "source",
        "created",
        "linked",
        "merged",
        "held",
        "failed",
        "unsampled"
    );
    for (phase, b) in &r.phases {
        outln!(
            "  {:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
            phase.as_str(),
            b.source_rows,
            b.created,
            b.linked,
            b.merged,
            b.held,
            b.failed,
            b.outside_sample
        );
        for (reason, n) in &b.held_reasons {
            outln!("      held {n}: {reason}");
        }
    }
    outln!("records carrying our RSoft ID (journal / Nutshell):");
    for (t, c) in &r.counts {
        outln!("  {t:<12} {:>7} / {:<7}", c.journal, c.nutshell);
    }
    let checked: u64 = r.spot_checked.values().sum();
    outln!(
        "spot-checked {checked} created record(s) with seed {} (repeat with --seed {})",
        r.seed,
        r.seed
    );
    let held = r.held();
    if r.ok() && r.nothing_loaded() {
        // After `rollback --all` (or before any run): the counts above show nothing of ours is left.
        outln!(
            "nothing to verify: no live run loaded any row ({} unsampled; every run was rolled back, or none has run): run migrate",
            r.unsampled()
        );
    } else if r.ok() && held > 0 {
        // A held row is accounted for, yet not in Nutshell: the migration is not done.
        outln!(
            "not verified yet: every row is in exactly one bucket and the spot-check matches, but {held} row(s) are held and not in Nutshell (reasons above): fix what they wait for and run migrate again (`migrate --release-holds` for those held for you to check)"
        );
    } else if r.ok() {
        outln!("verified: every row is in exactly one bucket and the spot-check matches");
    } else {
        outln!("{} finding(s):", r.findings.len());
        for f in &r.findings {
            outln!("  {f}");
        }
    }
}
