//! The command line: one file per command, each a thin caller of the library.
//! Exit codes are the contract in docs/design.md §4 (`ExitStatus`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tokio::runtime::Runtime;

use anyhow::Context as _;

use crate::config::{Config, ConfigError, DEFAULT_CONFIG_FILE};
use crate::error_text::human_message;

/// `println!` for the commands' standard output, through [`stdout_line`]: a reader that goes away
/// (`crm-migrate migrate | head`) ends the printing, never the command.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::stdout_line(format_args!($($arg)*))
    };
}

/// Writes one line to standard output. A closed pipe is the reader's choice, so it is ignored
/// (Rust ignores SIGPIPE, and `println!` would panic on it after the work is done); any other write
/// error is said once on standard error, and the command goes on: its results are in its files and
/// the journal, and its exit code still tells how it ended.
pub(crate) fn stdout_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    static SAID: AtomicBool = AtomicBool::new(false);
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() != std::io::ErrorKind::BrokenPipe && !SAID.swap(true, Ordering::Relaxed) {
            eprintln!(
                "cannot write to standard output ({e}); the results are in the files named above and in the journal"
            );
        }
    }
}

pub mod check_api;
pub mod demo;
pub mod discover;
mod log_file;
pub mod map;
pub mod migrate;
pub mod report;
pub mod rollback;
pub mod sample_export;
pub mod sandbox;
pub mod verify;
pub mod wizard;

/// Exit codes users script against (docs/design.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done, every record accounted for.
    Done = 0,
    /// Error: config, I/O, connection.
    Error = 1,
    /// Usage error (clap reports these itself with 2).
    Usage = 2,
    /// Blocked on an operator decision.
    Blocked = 3,
    /// Finished, but some records failed.
    Failed = 4,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "crm-migrate",
    version,
    about = "Move an RSoft CRM export into Nutshell CRM"
)]
/// The parsed command line.
pub struct Cli {
    /// With no command: the config file the wizard opens (it offers to write one if missing).
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// With no command, the wizard opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// One subcommand per file of `src/cli/`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pre-flight: the live API still has every method the tool uses, and the credentials work.
    CheckApi(check_api::CheckApiArgs),
    /// The wizard on the bundled sample export against the built-in sandbox, with no config.
    Demo,
    /// Read an RSoft export (folder or .zip) and write the migration scope report.
    Discover(discover::DiscoverArgs),
    /// Propose the field map for the configured export and write mapping.toml (keeps your decisions).
    Map(map::MapArgs),
    /// Load the export into Nutshell: schema, owners, then every record in dependency order.
    Migrate(migrate::MigrateArgs),
    /// Delete exactly what runs created, newest first (linked, merged and hand-edited records stay).
    Rollback(rollback::RollbackArgs),
    /// Write the customer's reports (Markdown, one HTML page, CSVs) into the state dir's reports folder.
    Report(report::ReportArgs),
    /// Write a realistic RSoft export (the bundled sample at scale 1) for demos and benchmarks.
    SampleExport(sample_export::SampleExportArgs),
    /// Run a local Nutshell-compatible server for demos, rehearsals and tests.
    Sandbox(sandbox::SandboxArgs),
    /// Prove the migration: every row in one bucket, our records counted in Nutshell, a field spot-check.
    Verify(verify::VerifyArgs),
}

impl Command {
    /// The config file the command reads, if it reads one: its state dir holds the run log.
    fn config_file(&self) -> Option<&Path> {
        match self {
            Command::CheckApi(args) => Some(&args.config),
            Command::Map(args) => Some(&args.config),
            Command::Migrate(args) => Some(&args.config),
            Command::Rollback(args) => Some(&args.config),
            Command::Verify(args) => Some(&args.config),
            Command::Report(args) => Some(&args.config),
            Command::Discover(args) => args.config.as_deref(),
            Command::Demo | Command::SampleExport(_) | Command::Sandbox(_) => None,
        }
    }
}

/// Parse the command line, run the command, map its outcome to the exit-code contract.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Usage.into()
            } else {
                ExitStatus::Done.into()
            };
        }
    };
    // Loaded once, here: its state dir holds the run log, and the command gets it.
    let config = match &cli.command {
        Some(command) => command.config_file().map(Config::load),
        // The wizard opens without a config file and offers to write one.
        None => cli.config.exists().then(|| Config::load(&cli.config)),
    };
    let state_dir = match &config {
        Some(Ok(config)) => config.state_dir(),
        _ => Config::default().state_dir(),
    };
    for warning in log_file::init(&state_dir) {
        tracing::warn!("{warning}");
        eprintln!("warning: {warning}");
    }
    tracing::info!(command = ?cli.command, "start");
    // The one runtime of the process: commands, the client, the sandbox, and later the engine and
    // the wizard all run on it.
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            let message = format!("cannot start the async runtime: {e}");
            tracing::error!("{message}");
            eprintln!("error: {message}");
            return ExitStatus::Error.into();
        }
    };
    let outcome = match cli.command {
        Some(command) => run(command, config.transpose(), &runtime),
        None => config
            .transpose()
            .map_err(anyhow::Error::from)
            .and_then(|config| wizard::run(cli.config, config, &runtime)),
    };
    match outcome {
        Ok(status) => status.into(),
        Err(e) => {
            let message = human_message(&*e);
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitStatus::Error.into()
        }
    }
}

/// `config` is the loaded config file of a command that names one ([`Command::config_file`]);
/// `runtime` is the process's one tokio runtime.
fn run(
    command: Command,
    config: Result<Option<Config>, ConfigError>,
    runtime: &Runtime,
) -> anyhow::Result<ExitStatus> {
    let config = config?;
    let needed = |config: Option<Config>| {
        config.context("internal: this command's config file was not loaded")
    };
    match command {
        Command::CheckApi(args) => check_api::run(needed(config)?, args.json, runtime),
        Command::Demo => demo::run(runtime),
        Command::Discover(args) => discover::run(args, config),
        Command::Map(args) => map::run(args, needed(config)?, runtime),
        Command::Migrate(args) => migrate::run(args, needed(config)?, runtime),
        Command::Rollback(args) => rollback::run(args, needed(config)?, runtime),
        Command::Report(args) => report::run(args, needed(config)?),
        Command::SampleExport(args) => sample_export::run(args),
        Command::Sandbox(args) => sandbox::run(args, runtime),
        Command::Verify(args) => verify::run(args, needed(config)?, runtime),
    }
}
