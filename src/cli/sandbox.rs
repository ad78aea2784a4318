//! `crm-migrate sandbox`: run the local Nutshell until Ctrl-C, printing where it is and the
//! (made-up) credentials it accepts, so any client can be pointed at it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::ExitStatus;
use crate::sandbox::{DEFAULT_LISTEN, Knobs, Sandbox, SandboxOptions};

/// `sandbox`'s flags: where to listen, what data to serve, and the fault knobs.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (loopback only).
    #[arg(long, default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Data file (TOML or JSON) with users, pipelines, activity types, sources, custom fields,
    /// records and credentials; default: the built-in Acme company.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Keep state in FILE so a restart resumes it (loaded if it exists, saved within 100 ms of each
    /// change and on Ctrl-C).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Delay before answering each request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Requests per second above which the sandbox answers 429 with Retry-After.
    #[arg(long, value_name = "RPS")]
    pub rate_limit: Option<f64>,
    /// Share of requests (0–1) answered 429 at random, whatever the rate.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub throttle_rate: f64,
    /// Share of requests (0–1) answered HTTP 500 before doing anything.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Share of requests (0–1) answered with an HTML (non-JSON) body before doing anything.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub non_json_rate: f64,
    /// Share of new* calls (0–1) that commit, then close the connection without answering.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub drop_after_commit_rate: f64,
    /// Seed for the fault draws, for reproducible runs.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Serve until Ctrl-C on `runtime` (the process's one runtime). Exit 0 when stopped, 1 when the
/// sandbox cannot start (e.g. `--listen` off loopback, a bad data file, a port in use).
pub fn run(args: SandboxArgs, runtime: &tokio::runtime::Runtime) -> anyhow::Result<ExitStatus> {
    let options = SandboxOptions {
        listen: args.listen,
        data: args.data,
        state_file: args.state,
        knobs: Knobs {
            latency: Duration::from_millis(args.latency_ms),
            rate_limit: args.rate_limit,
            throttle_rate: args.throttle_rate,
            fault_rate: args.fault_rate,
            non_json_rate: args.non_json_rate,
            drop_after_commit_rate: args.drop_after_commit_rate,
        },
        seed: args.seed,
    };
    runtime.block_on(async {
        let sandbox = Sandbox::start(options).await?;
        let credentials = sandbox.credentials();
        outln!("Nutshell sandbox listening");
        outln!("  endpoint: {}", sandbox.endpoint());
        outln!("  username: {}", credentials.username);
        // The sandbox's own made-up key, printed so a client can be pointed at it.
        outln!("  api key:  {}", credentials.api_key.expose());
        outln!("Press Ctrl-C to stop.");
        tokio::signal::ctrl_c().await?;
        sandbox.shutdown().await?;
        outln!("sandbox stopped");
        Ok(ExitStatus::Done)
    })
}
