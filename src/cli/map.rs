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
use crate::mapping::model::{CONFIDENCE_THRESHOLD, FieldMap, Status};
use crate::mapping::object_map::{ColumnTally, ObjectMap, object_map};
use crate::mapping::schema::DestinationSchema;
use crate::mapping::transform::SourceFormat;
use crate::mapping::validate::{DefaultDecision, Problem, stated_defaults, validate};
use crate::mapping::{file, source};
use crate::rsoft::Export;
use crate::vocabulary::Vocabulary;

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
    /// How each RSoft object lands in Nutshell, with counts and a headline per object.
    object_map: &'a ObjectMap,
    /// Where the object map was written as Markdown.
    object_map_file: String,
}

/// `config` is the file `args.config` names, loaded once by `cli::main`.
/// Exit 0 when the map is written; an error (exit 1) on a config, I/O or connection failure.
pub fn run(
    args: MapArgs,
    config: Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitStatus> {
    let export_path = config.export_path(&args.config)?;
    let export = Export::open_with(export_path, Vocabulary::of(&config)?)?;
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
    let objects = object_map(&report, &map, &problems);
    let objects_path = object_map_path(path);
    crate::atomic_file::write(&objects_path, objects.to_markdown().as_bytes())
        .with_context(|| format!("cannot write the object map {}", objects_path.display()))?;
    if args.json {
        let output = MapOutput {
            mapping: path.display().to_string(),
            destination: &destination,
            map: &map,
            defaults: &defaults,
            problems: &problems,
            object_map: &objects,
            object_map_file: objects_path.display().to_string(),
        };
        let text = serde_json::to_string_pretty(&output).context("cannot write the map as JSON")?;
        outln!("{text}");
    } else {
        outln!("objects: {}", objects.headline);
        for o in &objects.objects {
            outln!("  {}", o.headline);
        }
        outln!("  (table: {})", objects_path.display());
        print_summary(&map, &problems, &destination, previous.is_some());
        for d in &defaults {
            outln!(
                "default: {} {} — {}; {}",
                d.module.as_str(),
                d.field,
                d.rule,
                d.change
            );
        }
        outln!(
            "wrote {}: check each entry, set status = \"confirmed\", \"edited\" or \"ignored\", then run `crm-migrate map` again to re-check",
            path.display()
        );
    }
    Ok(ExitStatus::Done)
}

/// `object-map.md` in mapping.toml's folder.
fn object_map_path(mapping: &std::path::Path) -> PathBuf {
    mapping.with_file_name("object-map.md")
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
        let destination = connect::describe(&client, sandbox.as_ref());
        // Said before the first call: an unreachable address is retried for about a minute
        // before the call fails, and a silent minute looks like a hang.
        eprintln!(
            "reading fields, pipelines and activity types from {destination} (an unreachable address is retried for about a minute; Ctrl-C stops)"
        );
        let schema = Destination::read(&client).await.map(|d| d.schema());
        if let Some(sandbox) = sandbox {
            sandbox.shutdown().await?;
        }
        Ok((schema?, destination))
    })
}

fn print_summary(map: &FieldMap, problems: &[Problem], destination: &str, had_previous: bool) {
    outln!("destination: {destination}");
    outln!(
        "columns (flagged: below confidence {CONFIDENCE_THRESHOLD:.2} or unmapped, yours to decide):"
    );
    let mut decided = 0;
    for (module, module_map) in &map.modules {
        if module_map.columns.is_empty() {
            continue;
        }
        let t = ColumnTally::of(module_map);
        decided += t.decided;
        let custom = if t.new_custom.is_empty() {
            String::new()
        } else {
            format!("; custom fields to create: {}", t.new_custom.join(", "))
        };
        outln!(
            "  {module}: {} columns, {} mapped, {} flagged, {} ignored{custom}",
            module_map.columns.len(),
            t.mapped,
            t.flagged,
            t.ignored
        );
    }
    outln!("value maps:");
    for (module, module_map) in &map.modules {
        for (kind, entries) in &module_map.values {
            let flagged = entries
                .iter()
                .filter(|v| {
                    v.status == Status::Proposed
                        && (v.confidence < CONFIDENCE_THRESHOLD || v.to.trim().is_empty())
                })
                .count();
            outln!(
                "  {module} {}: {} values, {flagged} flagged",
                kind.name(),
                entries.len()
            );
        }
    }
    if had_previous {
        outln!("kept {decided} entries you decided in the previous map");
    }
    if problems.is_empty() {
        outln!("problems: none");
    } else {
        outln!("problems ({}):", problems.len());
        for p in problems {
            outln!("  {p}");
        }
    }
}
