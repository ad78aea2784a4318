//! `crm-migrate check-api [--config F]`: the pre-flight on its own. Exit 0 when the live API lists
//! every method and parameter the tool uses and the credentials work; 1 with the list otherwise.

use std::path::PathBuf;

use anyhow::Context as _;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::nutshell::{self, methods, preflight};
use crate::sandbox::{Sandbox, SandboxOptions};

#[derive(Debug, clap::Args)]
pub struct CheckApiArgs {
    /// The config file naming the endpoint, username and the variable holding the API key.
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`.
pub fn run(config: Config) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let on_sandbox =
        config.nutshell.endpoint.as_deref().map(str::trim) == Some(nutshell::SANDBOX_ENDPOINT);
    let report = runtime.block_on(async {
        if on_sandbox {
            // The built-in sandbox, started here for the check, with its own credentials.
            let sandbox = Sandbox::start(SandboxOptions::default()).await?;
            let client = nutshell::sandbox_client(&sandbox, &config.load)?;
            let report = preflight::check(&client).await;
            sandbox.shutdown().await?;
            return anyhow::Ok(report?);
        }
        let key = config.api_key()?;
        let client = nutshell::connect(&config, &key, methods::DEFAULT_DISCOVERY_URL).await?;
        anyhow::Ok(preflight::check(&client).await?)
    })?;
    let note = if on_sandbox {
        " (the built-in sandbox)"
    } else {
        ""
    };
    println!("endpoint: {}{note}", report.endpoint);
    println!(
        "method description: {} methods listed, {} used by crm-migrate",
        report.described_methods,
        methods::used_methods().len()
    );
    for m in &report.mismatches {
        println!("  MISSING: {m}");
    }
    match &report.credentials_error {
        None => println!("credentials: accepted"),
        Some(e) => println!("credentials: FAILED: {e}"),
    }
    if report.is_ok() {
        println!("ok: the API has everything crm-migrate uses");
        Ok(ExitStatus::Done)
    } else {
        println!(
            "not ok: {} mismatch(es){}; correct src/nutshell/methods.rs or the config before migrating",
            report.mismatches.len(),
            if report.credentials_error.is_some() {
                ", credentials rejected"
            } else {
                ""
            }
        );
        Ok(ExitStatus::Error)
    }
}
