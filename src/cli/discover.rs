//! `crm-migrate discover EXPORT [--json] [--out FILE] [--config FILE]`: the scope report, Markdown
//! or JSON, opened by the object map (how each RSoft object lands in Nutshell). Discovery needs
//! no config; with `--config`, the config's `[vocabulary] file` extends the header vocabulary the
//! files are classified with, and its legacy-id field names the one the object map proposes.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::ExitStatus;
use crate::config::{Config, MigrationConfig};
use crate::discovery;
use crate::mapping::object_map::ScopeReport;
use crate::rsoft::Export;
use crate::vocabulary::Vocabulary;

/// `discover`'s arguments.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The RSoft export: a folder of CSV files or a .zip of them.
    pub export: PathBuf,
    /// Print the report as one JSON document instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A config whose `[vocabulary] file` extends the header vocabulary and whose
    /// `[migration] legacy_id_field` the object map proposes (optional: discovery reads no other
    /// setting).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Write the report; exit 0, or an error (exit 1) when the export, the config's vocabulary file
/// or the output cannot be used. `config` is the file `--config` names, loaded by `cli::main`.
pub fn run(args: DiscoverArgs, config: Option<Config>) -> anyhow::Result<ExitStatus> {
    let vocabulary = config.as_ref().and_then(|c| c.vocabulary.file.as_deref());
    let export = Export::open_with(&args.export, Vocabulary::with_extension(vocabulary)?)?;
    let report = discovery::discover(&export)?;
    // Without a config, the legacy-id field is the default one `map` would use.
    let legacy_id_field = config.map_or_else(
        || MigrationConfig::default().legacy_id_field,
        |c| c.migration.legacy_id_field,
    );
    let scope = ScopeReport::new(&report, export.vocabulary(), &legacy_id_field);
    let cannot = |path: &std::path::Path| {
        format!(
            "cannot write the report to {}: check the folder exists and is writable",
            path.display()
        )
    };
    // Streamed, not built as one string: a million-row export's JSON is tens of megabytes.
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::fs::File::create(path).with_context(|| cannot(path))?),
        None => Box::new(std::io::stdout().lock()),
    };
    // A large buffer: the report of a big export is megabytes, written in few system calls.
    let mut out = std::io::BufWriter::with_capacity(1 << 18, &mut out);
    // Every write names where it went: a full disk fails on any of them, not only the flush.
    let mut write = || -> std::io::Result<()> {
        if args.json {
            serde_json::to_writer_pretty(&mut out, &scope)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", scope.to_markdown())?;
        }
        out.flush()
    };
    match write() {
        // The reader took what it wanted (`discover | head`): not an error of ours.
        Err(e) if args.out.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe => {}
        result => result.with_context(|| match &args.out {
            Some(path) => cannot(path),
            None => "cannot write the report to standard output".to_string(),
        })?,
    }
    // The report lists them, but their rows are not accounted for: not "done" (exit 1).
    if let Some(first) = export.unreadable().first() {
        anyhow::bail!(
            "{} of the export's files could not be read (first: {}: {}); the report leaves their rows out: make them readable and run discover again",
            export.unreadable().len(),
            first.file,
            first.message
        );
    }
    Ok(ExitStatus::Done)
}
