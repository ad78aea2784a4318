//! `crm-migrate check-api [--config F] [--json]`: the pre-flight on its own. Exit 0 when the live
//! API lists every method and parameter the tool uses, the credentials work and the API user may
//! assign and delete records; 1 with the list and what to do otherwise.

use std::path::PathBuf;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE};
use crate::connect;
use crate::nutshell::{methods, preflight};

/// `check-api`'s flags.
#[derive(Debug, clap::Args)]
pub struct CheckApiArgs {
    /// The config file naming the endpoint, username and the variable holding the API key.
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Print the findings as JSON (a machine-readable list of differences) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`; `runtime` is the
/// process's one runtime.
pub fn run(
    config: Config,
    args_json: bool,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
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
    if args_json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&as_json(&report, on_sandbox))?
        );
    } else {
        print_text(&report, note);
    }
    Ok(if report.is_ok() {
        ExitStatus::Done
    } else {
        ExitStatus::Error
    })
}

/// What the operator can do about a difference in the live method description: the tool is
/// built against a description that changed, so the fix is a newer crm-migrate, not an edit.
const ON_MISMATCH: &str = "Nutshell's API no longer matches what this crm-migrate was built for. Do not migrate with it: update crm-migrate to a version that knows this change, or report the difference above (run `check-api --json` for a machine-readable list) to the crm-migrate maintainers";

/// What to change in Nutshell when a permission is missing.
fn permission_fix(name: &str) -> &'static str {
    if name == methods::CAN_ASSIGN_ENTITIES {
        "the API user may not assign records to other users, so RSoft owners cannot be kept: in Nutshell, give that user the permission to assign leads, companies and people to others (or use an administrator's API key)"
    } else {
        "the API user may not delete records, so a rollback cannot undo a run: in Nutshell, give that user the permission to delete (or use an administrator's API key)"
    }
}

fn print_text(report: &preflight::PreflightReport, note: &str) {
    outln!("endpoint: {}{note}", report.endpoint);
    outln!(
        "method description: {} methods listed, {} used by crm-migrate",
        report.described_methods,
        methods::used_methods().len()
    );
    for m in &report.mismatches {
        outln!("  MISSING: {m}");
    }
    match &report.credentials_error {
        None => outln!("credentials: accepted"),
        Some(e) => outln!("credentials: FAILED: {e}"),
    }
    match &report.permissions {
        Ok(p) => outln!(
            "permissions: {}={}, {}={}",
            methods::CAN_ASSIGN_ENTITIES,
            p.can_assign_entities,
            methods::CAN_DELETE_ENTITIES,
            p.can_delete_entities
        ),
        Err(e) if report.credentials_error.is_none() => outln!(
            "permissions: could not be read ({e}); check in Nutshell that the API user may assign records to others and delete them"
        ),
        Err(_) => {}
    }
    for name in report.missing_permissions() {
        outln!("  NOT ALLOWED: {name}: {}", permission_fix(name));
    }
    if report.is_ok() {
        outln!("ok: the API has everything crm-migrate uses");
        return;
    }
    outln!("not ok:");
    if !report.mismatches.is_empty() {
        outln!("  {} difference(s): {ON_MISMATCH}", report.mismatches.len());
    }
    if report.credentials_error.is_some() {
        outln!(
            "  credentials rejected: check [nutshell] username in the config and the API key in the variable its api_key_env names"
        );
    }
    if !report.missing_permissions().is_empty() {
        outln!(
            "  permissions missing: change them in Nutshell as listed above, then run check-api again"
        );
    }
}

/// The `--json` answer: `{ok, endpoint, sandbox, described_methods, used_methods, mismatches:
/// [{kind, method, parameter?}], credentials: {accepted, error}, permissions: {canAssignEntities,
/// canDeleteEntities} | {error}, missing_permissions: [name], what_to_do: [text]}`.
fn as_json(report: &preflight::PreflightReport, on_sandbox: bool) -> serde_json::Value {
    let mut what_to_do = Vec::new();
    if !report.mismatches.is_empty() {
        what_to_do.push(ON_MISMATCH.to_owned());
    }
    what_to_do.extend(
        report
            .missing_permissions()
            .into_iter()
            .map(|n| permission_fix(n).to_owned()),
    );
    serde_json::json!({
        "ok": report.is_ok(),
        "endpoint": report.endpoint,
        "sandbox": on_sandbox,
        "described_methods": report.described_methods,
        "used_methods": methods::used_methods().len(),
        "mismatches": report.mismatches,
        "credentials": {
            "accepted": report.credentials_error.is_none(),
            "error": report.credentials_error.as_ref().map(ToString::to_string),
        },
        "permissions": match &report.permissions {
            Ok(p) => serde_json::to_value(p).unwrap_or_default(),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        },
        "missing_permissions": report.missing_permissions(),
        "what_to_do": what_to_do,
    })
}
