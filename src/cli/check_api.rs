//! `crm-migrate check-api [--config F]`: the pre-flight on its own. Exit 0 when the live API lists
//! every method and parameter the tool uses and the credentials work; 1 with the list otherwise.

use std::path::PathBuf;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::connect;
use crate::nutshell::{methods, preflight};

#[derive(Debug, clap::Args)]
pub struct CheckApiArgs {
    /// The config file naming the endpoint, username and the variable holding the API key.
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`; `runtime` is the
/// process's one runtime.
pub fn run(config: Config, runtime: &tokio::runtime::Runtime) -> anyhow::Result<ExitStatus> {
    let (report, on_sandbox) = runtime.block_on(async {
        // The built-in sandbox, when configured, is started for the check with its own credentials.
        let (client, sandbox) = connect::connect(&config).await?;
        let report = preflight::check(&client).await;
        let on_sandbox = sandbox.is_some();
        if let Some(sandbox) = sandbox {
            sandbox.shutdown().await?;
        }
        anyhow::Ok((report?, on_sandbox))
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
