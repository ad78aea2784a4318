//! The command line: one file per command, each a thin caller of the library.
//! Exit codes are the contract in design.md §4 (`ExitStatus`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod check_api;
pub mod discover;
pub mod map;
pub mod sample_export;
pub mod sandbox;

/// Exit codes users script against (design.md §4).
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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pre-flight: the live API still has every method the tool uses, and the credentials work.
    CheckApi(check_api::CheckApiArgs),
    /// Read an RSoft export (folder or .zip) and write the migration scope report.
    Discover(discover::DiscoverArgs),
    /// Propose the field map for the configured export and write mapping.toml (keeps your decisions).
    Map(map::MapArgs),
    /// Write a realistic RSoft export (the bundled sample at scale 1) for demos and benchmarks.
    SampleExport(sample_export::SampleExportArgs),
    /// Run a local Nutshell-compatible server for demos, rehearsals and tests.
    Sandbox(sandbox::SandboxArgs),
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
    match run(cli.command) {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Error.into()
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {
        Command::CheckApi(args) => check_api::run(args),
        Command::Discover(args) => discover::run(args),
        Command::Map(args) => map::run(args),
        Command::SampleExport(args) => sample_export::run(args),
        Command::Sandbox(args) => sandbox::run(args),
    }
}
