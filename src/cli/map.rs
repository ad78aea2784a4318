//! `crm-migrate map [--config F] [--json]`: propose the field map for the configured export and
//! write it to `[migration] mapping`, keeping every entry the operator already decided. The
//! destination schema is read from Nutshell when `[nutshell] endpoint` is set (`"sandbox"`: the
//! built-in one), else the map is proposed offline against Nutshell's standard fields.
//! `--json` prints the proposals as JSON instead of the summary; the file is written either way,
//! so the JSON is always what the file says. Exit 0 when written, 1 on a config, I/O or
//! connection error.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use super::ExitStatus;
use crate::config::{Config, DEFAULT_CONFIG_FILE, EndpointSetting};
use crate::connect;
use crate::discovery;
use crate::engine::schema::Destination;
use crate::mapping::model::{CONFIDENCE_THRESHOLD, FieldMap, ModuleMap, Status, Target};
use crate::mapping::schema::DestinationSchema;
use crate::mapping::transform::SourceFormat;
use crate::mapping::validate::{DefaultDecision, Problem, stated_defaults, validate};
use crate::mapping::{file, source};
use crate::rsoft::Export;

/// `map`'s flags.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// The config file naming the export, the Nutshell endpoint and where mapping.toml goes.
    #[arg(long, default_value = DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Print the proposals (and the map's problems) as one JSON document instead of the summary.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints.
#[derive(Serialize)]
struct MapOutput<'a> {
    /// Where the map was written.
    mapping: String,
    /// Where the destination schema came from.
    destination: &'a str,
    map: &'a FieldMap,
    /// Required fields no column fills, filled by a stated default the operator can change.
    defaults: &'a [DefaultDecision],
    problems: &'a [Problem],
}

/// `config` is the file `args.config` names, loaded once by `cli::main`.
/// Exit 0 when the map is written; an error (exit 1) on a config, I/O or connection failure.
pub fn run(
    args: MapArgs,
    config: Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
    let export_path = super::configured_export(&config, &args.config)?;
    let export = Export::open(export_path)?;
    let report = discovery::discover(&export)?;
    let (schema, destination) = destination_schema(&config, runtime)?;
    let path = &config.migration.mapping;
    let previous = file::load_if_exists(path)?;
    let (map, value_problems) = source::propose_remembering(
        &export,
        &report,
        &schema,
        &config.migration.legacy_id_field,
        &config.state_dir(),
        previous.as_ref(),
        &SourceFormat::from_config(&config),
    )?;
    file::save(path, &map)?;
    let mut problems = validate(&map, &schema);
    problems.extend(value_problems);
    let defaults = stated_defaults(&map);
    if args.json {
        let output = MapOutput {
            mapping: path.display().to_string(),
            destination: &destination,
            map: &map,
            defaults: &defaults,
            problems: &problems,
        };
        let text = serde_json::to_string_pretty(&output).context("cannot write the map as JSON")?;
        println!("{text}");
    } else {
        print_summary(&map, &problems, &destination, previous.is_some());
        for d in &defaults {
            println!(
                "default: {} {} — {}; {}",
                d.module.as_str(),
                d.field,
                d.rule,
                d.change
            );
        }
        println!(
            "wrote {}: check each entry, set status = \"confirmed\", \"edited\" or \"ignored\", then run `crm-migrate map` again to re-check",
            path.display()
        );
    }
    Ok(ExitStatus::Done)
}

/// The schema to propose against, and a line saying where it came from.
fn destination_schema(
    config: &Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<(DestinationSchema, String)> {
    // Without an endpoint the map is proposed offline (no discovery by username: `map` must work
    // before the operator has API access).
    if config.nutshell.endpoint_setting() == EndpointSetting::Discover {
        return Ok((
            DestinationSchema::offline(),
            "offline: no [nutshell] endpoint is configured, so the map uses Nutshell's standard fields and stock activity types; stages and custom fields are checked when an endpoint is set".into(),
        ));
    }
    runtime.block_on(async {
        let (client, sandbox) = connect::connect(config).await?;
        let schema = Destination::read(&client).await.map(|d| d.schema());
        let destination = connect::describe(&client, sandbox.as_ref());
        if let Some(sandbox) = sandbox {
            sandbox.shutdown().await?;
        }
        Ok((schema?, destination))
    })
}

/// Counts of one module's columns, for the summary.
#[derive(Default)]
struct Tally {
    mapped: usize,
    flagged: usize,
    ignored: usize,
    decided: usize,
    new_custom: Vec<String>,
}

impl Tally {
    fn of(module_map: &ModuleMap) -> Tally {
        let mut t = Tally::default();
        for c in &module_map.columns {
            if c.status.is_decided() {
                t.decided += 1;
            }
            match (&c.target, c.status) {
                (Target::Ignore, _) | (_, Status::Ignored) => t.ignored += 1,
                (Target::Unmapped, _) => t.flagged += 1,
                (_, Status::Proposed) if c.confidence < CONFIDENCE_THRESHOLD => t.flagged += 1,
                _ => t.mapped += 1,
            }
            if let Target::Custom {
                name, create: true, ..
            } = &c.target
            {
                if c.status != Status::Ignored && !t.new_custom.contains(name) {
                    t.new_custom.push(name.clone());
                }
            }
        }
        t
    }
}

fn print_summary(map: &FieldMap, problems: &[Problem], destination: &str, had_previous: bool) {
    println!("destination: {destination}");
    println!(
        "columns (flagged: below confidence {CONFIDENCE_THRESHOLD:.2} or unmapped, yours to decide):"
    );
    let mut decided = 0;
    for (module, module_map) in &map.modules {
        if module_map.columns.is_empty() {
            continue;
        }
        let t = Tally::of(module_map);
        decided += t.decided;
        let custom = if t.new_custom.is_empty() {
            String::new()
        } else {
            format!("; custom fields to create: {}", t.new_custom.join(", "))
        };
        println!(
            "  {module}: {} columns, {} mapped, {} flagged, {} ignored{custom}",
            module_map.columns.len(),
            t.mapped,
            t.flagged,
            t.ignored
        );
    }
    println!("value maps:");
    for (module, module_map) in &map.modules {
        for (kind, entries) in &module_map.values {
            let flagged = entries
                .iter()
                .filter(|v| {
                    v.status == Status::Proposed
                        && (v.confidence < CONFIDENCE_THRESHOLD || v.to.trim().is_empty())
                })
                .count();
            println!(
                "  {module} {}: {} values, {flagged} flagged",
                kind.name(),
                entries.len()
            );
        }
    }
    if had_previous {
        println!("kept {decided} entries you decided in the previous map");
    }
    if problems.is_empty() {
        println!("problems: none");
    } else {
        println!("problems ({}):", problems.len());
        for p in problems {
            println!("  {p}");
        }
    }
}
