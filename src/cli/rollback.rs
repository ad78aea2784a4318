//! `crm-migrate rollback [--config F] (--run ID | --all) --yes`: delete exactly what those runs
//! created, newest first, children before parents; linked and merged records, and records a
//! person edited since, are left alone and listed. Without `--yes` it deletes nothing, says what
//! it would delete, and exits 2. Exit codes (design.md §4): 0 rolled back, 1 error (re-run to
//! go on: the rollback is journaled), 2 usage, 4 rolled back but some records were left in
//! Nutshell (edited by a person, or an unknown note) — listed.

use std::path::PathBuf;

use clap::Args;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::connect;
use crate::engine::event::{Event, Events};
use crate::engine::rollback::{RollbackPlan, RollbackSummary, Scope, plan, rollback};
use crate::journal::{Journal, LeftAlone, StepState};

/// `rollback`'s flags: which runs (`--run ID` or `--all`, one required) and `--yes`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["run", "all"]))]
pub struct RollbackArgs {
    /// The config file naming the Nutshell endpoint and the state dir (journal).
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// The run to roll back (its id is printed by migrate).
    #[arg(long, value_name = "ID")]
    pub run: Option<i64>,
    /// Every run not yet rolled back, newest first.
    #[arg(long)]
    pub all: bool,
    /// Really delete (without it, only say what would be deleted).
    #[arg(long)]
    pub yes: bool,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`; `runtime` is the process's
/// one runtime. Without `--yes` it prints the plan and exits 2, deleting nothing. Exit 0 when done,
/// 4 when records were kept (edited by a person since), 1 when cancelled or on an error.
pub fn run(
    args: RollbackArgs,
    config: Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
    let scope = match args.run {
        Some(run) => Scope::Run(run),
        None => Scope::All,
    };
    let mut journal = Journal::open_existing(&config.state_dir())?;
    let planned = plan(&journal, scope)?;
    if !args.yes {
        print_plan(&planned);
        eprintln!("nothing deleted: pass --yes to delete these records from Nutshell");
        return Ok(ExitStatus::Usage);
    }
    let summary = runtime.block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        let watcher = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                if let Event::Undone(u) = event {
                    tracing::info!(?u, "rollback step");
                }
            }
        });
        let (client, sandbox) = connect::connect_saved(&config).await?;
        let summary = rollback(
            &mut journal,
            client,
            &config.migration.legacy_id_field,
            scope,
            Events::new(tx),
            cancel,
        )
        .await;
        if let Some(sb) = sandbox {
            sb.shutdown().await?;
        }
        let _ = watcher.await;
        anyhow::Ok(summary?)
    })?;
    print_summary(&summary);
    Ok(if summary.cancelled {
        eprintln!("cancelled: what was deleted is journaled; run rollback again to finish");
        ExitStatus::Error
    } else if summary.kept.is_empty() {
        ExitStatus::Done
    } else {
        ExitStatus::Failed
    })
}

fn runs_text(runs: &[i64]) -> String {
    runs.iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_plan(p: &RollbackPlan) {
    if p.runs.is_empty() {
        outln!("no run to roll back");
        return;
    }
    outln!(
        "rollback of run(s) {} would delete {} record(s):",
        runs_text(&p.runs),
        p.total()
    );
    for (entity_type, n) in &p.to_delete {
        outln!("  {entity_type:<12} {n:>8}");
    }
    if !p.left_alone.is_empty() {
        outln!(
            "and {} linked or merged row(s), which made no record of their own:",
            p.left_alone.len()
        );
        for l in &p.left_alone {
            outln!("    {}", left_alone_line(l, false));
        }
    }
}

/// What happens (`done`: happened) to the record a linked or merged row points at, in the
/// operator's words: a record that existed before is left; a record these runs made is deleted
/// with the row that made it; a record an earlier run made is left.
fn left_alone_line(l: &LeftAlone, done: bool) -> String {
    let head = format!(
        "{} {} {} → {} {}",
        l.how,
        l.phase.as_str(),
        l.rsoft_id,
        l.entity_type,
        l.nutshell_id
    );
    let fate = match (&l.created_by, l.fate) {
        (Some(owner), _) if !done => {
            format!("deleted with {owner}'s record, which this rollback deletes")
        }
        (Some(owner), Some(StepState::Deleted)) => format!("deleted with {owner}'s record"),
        (Some(owner), Some(StepState::Gone)) => {
            format!("already gone from Nutshell (with {owner}'s record)")
        }
        (Some(owner), Some(state)) => format!(
            "{} with {owner}'s record (see above): not deleted",
            state.as_str()
        ),
        (Some(owner), None) => format!("not reached: {owner}'s record is not deleted yet"),
        (None, _) if l.how == "linked" => {
            "existed before the migration: left in Nutshell".to_string()
        }
        (None, _) => "made by an earlier run that is not rolled back: left in Nutshell".to_string(),
    };
    format!("{head}: {fate}")
}

fn print_summary(s: &RollbackSummary) {
    outln!("rollback {} of run(s) {}:", s.rollback, runs_text(&s.runs));
    for state in [
        StepState::Deleted,
        StepState::Gone,
        StepState::Kept,
        StepState::Unknown,
    ] {
        if let Some(by_type) = s.counts.get(&state) {
            for (entity_type, n) in by_type {
                outln!("  {:<8} {entity_type:<12} {n:>8}", state.as_str());
            }
        }
    }
    for u in s.kept.iter().chain(&s.gone) {
        outln!(
            "  {} {} {} {}: {} — {}",
            u.state.as_str(),
            u.phase.as_str(),
            u.rsoft_id,
            u.entity_type,
            u.nutshell_id.map_or("?".to_string(), |i| i.to_string()),
            u.reason.as_deref().unwrap_or("")
        );
    }
    if !s.left_alone.is_empty() {
        outln!(
            "  {} linked or merged row(s), which made no record of their own:",
            s.left_alone.len()
        );
        for l in &s.left_alone {
            outln!("    {}", left_alone_line(l, true));
        }
    }
}
