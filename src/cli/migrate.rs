//! `crm-migrate migrate [--config F] [--accept-proposed] [--dry-run] [--sample N] [--yes]
//! [--release-holds] [--delta]`: the load, headless. Exit codes (design.md §4): 0 every record accounted
//! for (held ones included), 1 error, 2 usage, 3 blocked on an operator decision (each item and
//! the file to edit are listed), 4 finished with failed records (in failures.csv).
//!
//! Progress comes from the engine's events: one progress bar per phase on a terminal, plain
//! lines otherwise. `--delta` re-reads the customer's fresh export after the write freeze: new
//! records are created, changed ones edited, unchanged ones counted, and records deleted in
//! RSoft listed in `deleted-in-rsoft.csv` (never deleted in Nutshell).

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::connect;
use crate::engine::blockers::render;
use crate::engine::event::{Event, Events, RecordOutcome, Tally};
use crate::engine::load::{MigrateOptions, MigrateOutcome, RunSummary, migrate};
use crate::journal::{Phase, RunKind};

/// `migrate`'s flags.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The config file naming the export, the Nutshell endpoint and the state dir.
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Confirm map proposals at or above the confidence threshold (the rest still block).
    #[arg(long)]
    pub accept_proposed: bool,
    /// Build and validate every record against the destination; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Load N records per module (with their parents) as one sample run.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
    /// Re-read the fresh export: create new records, edit changed ones, count unchanged ones,
    /// report records deleted in RSoft (not with --dry-run or --sample).
    #[arg(long)]
    pub delta: bool,
    /// Don't ask before writing to Nutshell.
    #[arg(long)]
    pub yes: bool,
    /// Put held records back to pending first (after the customer fixed the source).
    #[arg(long)]
    pub release_holds: bool,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`; `runtime` is the
/// process's one runtime.
pub fn run(
    args: MigrateArgs,
    config: Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
    if args.delta && (args.dry_run || args.sample.is_some()) {
        eprintln!(
            "--delta compares the fresh export with what earlier runs loaded: run it without --dry-run and --sample"
        );
        return Ok(ExitStatus::Usage);
    }
    if args.sample == Some(0) {
        eprintln!("--sample needs at least 1 record per module");
        return Ok(ExitStatus::Usage);
    }
    let endpoint = config.nutshell.endpoint.clone().unwrap_or_default();
    if !args.dry_run && !args.yes && !confirm(&endpoint)? {
        eprintln!("nothing sent: pass --yes to write to Nutshell without asking");
        return Ok(ExitStatus::Usage);
    }
    let options = MigrateOptions {
        accept_proposed: args.accept_proposed,
        dry_run: args.dry_run,
        sample: args.sample,
        release_holds: args.release_holds,
        delta: args.delta,
    };
    let outcome = runtime.block_on(async {
        let (tx, rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        let watcher = tokio::task::spawn_blocking(move || show(rx));
        let (client, sandbox) = connect::connect_saved(&config).await?;
        let outcome = migrate(
            &config,
            &args.config,
            client,
            &options,
            Events::new(tx),
            cancel,
        )
        .await;
        if let Some(sb) = sandbox {
            sb.shutdown().await?;
        }
        let _ = watcher.await;
        anyhow::Ok(outcome?)
    })?;
    Ok(finish(outcome))
}

fn confirm(endpoint: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("This writes records to Nutshell at {endpoint}. Go on? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Print the outcome and choose the exit code.
fn finish(outcome: MigrateOutcome) -> ExitStatus {
    match outcome {
        MigrateOutcome::Blocked(blockers) => {
            eprintln!("{}", render(&blockers));
            ExitStatus::Blocked
        }
        MigrateOutcome::Finished(summary) => {
            print_summary(&summary);
            if summary.cancelled {
                eprintln!("cancelled: what was sent is journaled; run migrate again to go on");
                ExitStatus::Error
            } else if !summary.blockers.is_empty() {
                eprintln!("{}", render(&summary.blockers));
                ExitStatus::Blocked
            } else if summary.failed > 0 {
                ExitStatus::Failed
            } else {
                ExitStatus::Done
            }
        }
    }
}

fn print_summary(s: &RunSummary) {
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    let title = if s.dry_run {
        "dry run (nothing was written)".to_string()
    } else {
        format!("run {}", s.run.unwrap_or_default())
    };
    outln!("{title}:");
    let delta = s
        .phases
        .values()
        .any(|t| t.edited + t.unchanged + t.kept + t.gone > 0);
    // A delta's columns, or a load's (whose last column is what earlier runs settled).
    let columns = |t: &Tally| -> Vec<(&'static str, u64)> {
        let mut c = vec![
            ("created", t.created),
            ("linked", t.linked),
            ("merged", t.merged),
            ("held", t.held),
            ("failed", t.failed),
        ];
        if delta {
            c.extend([
                ("unchanged", t.unchanged),
                ("edited", t.edited),
                ("kept", t.kept),
                ("gone", t.gone),
            ]);
        } else {
            c.push(("earlier", t.already_done));
        }
        c
    };
    let header: String = columns(&Tally::default())
        .iter()
        .map(|(name, _)| format!(" {name:>9}"))
        .collect();
    outln!("  {:<18}{header}", "phase");
    for (phase, t) in &s.phases {
        let cells: String = columns(t).iter().map(|(_, n)| format!(" {n:>9}")).collect();
        outln!("  {:<18}{cells}", phase.as_str());
    }
    let records: u64 = s.phases.values().map(|t| t.total()).sum();
    outln!(
        "records: {records}; requests sent: {}; journal time: {:.1} µs per record",
        s.requests,
        s.journal_time.as_secs_f64() * 1e6 / records.max(1) as f64
    );
    if !s.holds.is_empty() {
        outln!("held ({}), awaiting the customer:", s.holds.len());
        for h in s.holds.iter().take(50) {
            outln!("  {} {}: {}", h.phase.as_str(), h.rsoft_id, h.reason);
        }
        if s.holds.len() > 50 {
            outln!("  … and {} more (see the journal)", s.holds.len() - 50);
        }
    }
    if let Some(path) = &s.gone_file
        && !s.gone.is_empty()
    {
        outln!(
            "deleted in RSoft since they were loaded ({}), left in Nutshell, listed in {}:",
            s.gone.len(),
            path.display()
        );
        for g in s.gone.iter().take(50) {
            let ids: Vec<String> = g
                .nutshell
                .iter()
                .map(|(t, id)| format!("{t} {id}"))
                .collect();
            outln!("  {} {} → {}", g.module, g.rsoft_id, ids.join(", "));
        }
    }
    if let Some(path) = &s.failures_file
        && s.failed > 0
    {
        outln!("failed: {} records, listed in {}", s.failed, path.display());
    }
    if let Some(path) = &s.outcomes_file {
        let what = if s.dry_run {
            "what would happen to every row (state, Nutshell record, reason)"
        } else {
            "every row's outcome (state, Nutshell record, reason)"
        };
        outln!("{what}: {}", path.display());
    }
}

/// The line a record's outcome gets under its phase, when it is worth a word: failed, held,
/// kept, created with what the builder had to choose (`confidence 12.5 rounded to 13`), merged
/// with the values added to the record it joined and those not sent, linked with the values the
/// record lacks (`dry`: a dry run, which names a merged row's items as to be added where the
/// record lacks them, since it cannot read the record it made up); a plain creation, link or
/// merge is counted only.
fn outcome_line(outcome: &RecordOutcome, dry: bool) -> Option<String> {
    match outcome {
        RecordOutcome::Failed { message, .. } => Some(format!("failed: {message}")),
        RecordOutcome::Held { reasons } => Some(format!("held: {}", reasons.join("; "))),
        RecordOutcome::Kept { reason } => Some(format!("kept: {reason}")),
        RecordOutcome::Created { caveats } if !caveats.is_empty() => {
            Some(format!("created; note: {}", caveats.join("; ")))
        }
        RecordOutcome::Merged {
            into,
            added,
            not_sent,
        } if !(added.is_empty() && not_sent.is_empty()) => {
            let mut parts = vec![format!("merged into {into}")];
            let verb = if dry {
                "to add where it lacks them"
            } else {
                "added to it"
            };
            if !added.is_empty() {
                parts.push(format!("{verb}: {}", added.join(", ")));
            }
            parts.extend(not_sent.iter().cloned());
            Some(parts.join("; "))
        }
        RecordOutcome::Linked { to, not_sent } if !not_sent.is_empty() => Some(format!(
            "linked to {to}, which is not edited; not sent: {}",
            not_sent.join("; ")
        )),
        _ => None,
    }
}

/// Draw the events: bars on a terminal, plain lines otherwise. Runs until the sender is gone.
fn show(mut rx: mpsc::UnboundedReceiver<Event>) {
    let terminal = std::io::stderr().is_terminal();
    let bars = MultiProgress::new();
    let mut bar: Option<(Phase, ProgressBar)> = None;
    let mut dry = false;
    let style = ProgressStyle::with_template("{prefix:>18} [{bar:30}] {pos}/{len} {per_sec} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    while let Some(event) = rx.blocking_recv() {
        match event {
            Event::RunStarted { run, kind } => {
                dry = kind == RunKind::DryRun;
                let run = run.map(|r| format!(" {r}")).unwrap_or_default();
                eprintln!("{} run{run} started", kind.as_str());
            }
            Event::PhaseStarted { phase, total } => {
                if terminal {
                    let b = bars.add(ProgressBar::new(total));
                    b.set_style(style.clone());
                    b.set_prefix(phase.as_str());
                    bar = Some((phase, b));
                } else {
                    eprintln!("{}: {total} rows", phase.as_str());
                }
            }
            Event::Record {
                phase,
                rsoft_id,
                outcome,
            } => {
                if let Some((_, b)) = &bar {
                    b.inc(1);
                }
                if let Some(line) = outcome_line(&outcome, dry) {
                    let text = format!("  {} {rsoft_id} {line}", phase.as_str());
                    match &bar {
                        Some((_, b)) => b.println(text),
                        None => eprintln!("{text}"),
                    }
                }
            }
            Event::Throttle(t) => {
                if let Some((_, b)) = &bar {
                    b.set_message(format!(
                        "{:.0}/{:.0} req/s, {} in flight",
                        t.current_rps, t.ceiling_rps, t.in_flight
                    ));
                }
            }
            Event::PhaseFinished { phase, tally } => {
                if let Some((_, b)) = bar.take() {
                    b.finish();
                }
                eprintln!(
                    "{}: {} created, {} linked, {} merged, {} held, {} failed, {} done earlier, {} edited, {} unchanged, {} kept",
                    phase.as_str(),
                    tally.created,
                    tally.linked,
                    tally.merged,
                    tally.held,
                    tally.failed,
                    tally.already_done,
                    tally.edited,
                    tally.unchanged,
                    tally.kept
                );
            }
            Event::Gone(_) | Event::RunFinished { .. } | Event::Undone(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lead's `12,5` confidence is sent as 13: the run says so on the record's line (trial
    /// finding), and a plain creation stays quiet.
    #[test]
    fn a_creation_with_caveats_is_shown_with_them() {
        let rounded = RecordOutcome::Created {
            caveats: vec![
                "Probability: confidence 12,5 rounded to 13 (Nutshell takes whole percent)".into(),
            ],
        };
        assert_eq!(
            outcome_line(&rounded, false).as_deref(),
            Some(
                "created; note: Probability: confidence 12,5 rounded to 13 (Nutshell takes whole percent)"
            )
        );
        assert_eq!(
            outcome_line(&RecordOutcome::Created { caveats: vec![] }, false),
            None
        );
    }

    /// A merged row's line says what was added and what was not sent; a dry run says "to add".
    #[test]
    fn a_merge_is_shown_with_what_it_carried() {
        let merged = RecordOutcome::Merged {
            into: "Accounts 12 (same company name and email domain guptasons.com)".into(),
            added: vec!["phone +911126484451".into()],
            not_sent: vec!["kept COMP-1005's owner Users 3; COMP-1016's Users 2 not sent".into()],
        };
        assert_eq!(
            outcome_line(&merged, false).as_deref(),
            Some(
                "merged into Accounts 12 (same company name and email domain guptasons.com); \
                 added to it: phone +911126484451; kept COMP-1005's owner Users 3; COMP-1016's \
                 Users 2 not sent"
            )
        );
        assert!(
            outcome_line(&merged, true)
                .unwrap()
                .contains("to add where it lacks them: phone")
        );
        let quiet = RecordOutcome::Merged {
            into: "Accounts 12".into(),
            added: vec![],
            not_sent: vec![],
        };
        assert_eq!(outcome_line(&quiet, false), None);
    }
}
