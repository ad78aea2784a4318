//! The [`Runner`]: performs the effects `update` asks for (read, connect, run the engine, write)
//! off the UI thread, and reports each as an [`Outcome`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, EndpointSetting};
use crate::connect;
use crate::connect::connect_saved;
use crate::discovery::{self, Report};
use crate::engine::blockers::Files;
use crate::engine::event::{Event, Events};
use crate::engine::load::{MigrateOutcome, migrate};
use crate::engine::owners::{OwnersFile, write_owners_file};
use crate::engine::ready::{Writes, get_ready};
use crate::engine::rollback::{RollbackSummary, Scope, plan, rollback};
use crate::engine::schema::{Destination, read_users};
use crate::engine::verify::{VerifyOptions, VerifyReport, verify};
use crate::error_text::human_message;
use crate::journal::Journal;
use crate::mapping::file;
use crate::mapping::model::FieldMap;
use crate::mapping::object_map::{ScopeReport, proposed_object_map};
use crate::mapping::schema::DestinationSchema;
use crate::mapping::source::propose_remembering;
use crate::nutshell::{Client, methods, preflight};
use crate::rsoft::Export;
use crate::sandbox::RunningSandbox;
use crate::vocabulary::Vocabulary;

use super::action::{Checked, Discovered, Job, Outcome, PreflightResult, Proposal};
use super::effect::Effect;
use super::screens::field_map::preview::read_sample;

/// Engine events handed to the wizard at once, at most (a flood becomes a few folds).
const EVENT_BATCH: usize = 4096;

/// The connection the wizard made: the client, and the built-in sandbox when it serves it.
#[derive(Default)]
struct Connection {
    sandbox: Option<RunningSandbox>,
    /// The client and where it goes ("the built-in sandbox", "Nutshell at URL").
    client: Option<(Arc<Client>, String)>,
    /// Stops the engine run going on (one at a time).
    run: Option<CancellationToken>,
}

/// Performs effects. Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct Runner {
    runtime: tokio::runtime::Handle,
    connection: Arc<Mutex<Connection>>,
}

impl Runner {
    /// `sandbox`: a sandbox already serving (the demo's), used for endpoint `"sandbox"`.
    pub fn new(runtime: tokio::runtime::Handle, sandbox: Option<RunningSandbox>) -> Runner {
        Runner {
            runtime,
            connection: Arc::new(Mutex::new(Connection {
                sandbox,
                client: None,
                run: None,
            })),
        }
    }

    /// Perform on a thread of its own; its outcomes come back on `report` (an engine run's
    /// progress first, then how it ended; every other effect has one outcome).
    pub fn spawn(&self, effect: Effect, report: impl Fn(Outcome) + Send + 'static) {
        let runner = self.clone();
        std::thread::spawn(move || runner.perform(effect, &report));
    }

    /// Perform an effect here and now (blocking; not from inside the runtime). Outcomes go to
    /// `report`, the last one when the effect is over.
    pub fn perform(&self, effect: Effect, report: &dyn Fn(Outcome)) {
        let message = |e: anyhow::Error| human_message(&*e);
        let outcome = match effect {
            Effect::Discover {
                export,
                vocabulary,
                legacy_id_field,
            } => Outcome::Discovered {
                result: discover_with(&export, vocabulary.as_deref(), &legacy_id_field)
                    .map(Box::new)
                    .map_err(message),
                export,
            },
            Effect::TestConnection { config } => {
                Outcome::Preflight(self.preflight(&config).map_err(message))
            }
            Effect::Propose {
                config,
                report,
                previous,
            } => Outcome::Proposed(
                self.propose(&config, &report, previous.map(|p| *p))
                    .map(Box::new)
                    .map_err(message),
            ),
            Effect::SaveMap { path, map } => Outcome::MapSaved {
                result: file::save(&path, &map).map_err(|e| {
                    format!(
                        "{}: check the folder exists and is writable, then s again",
                        human_message(&e)
                    )
                }),
                path,
            },
            Effect::WriteConfig { path, config } => Outcome::ConfigWritten {
                result: write_config(&path, &config).map_err(message),
                path,
            },
            Effect::WriteScopeReport { dir, discovered } => Outcome::ScopeReportWritten(
                write_scope_report(
                    &dir,
                    ScopeReport {
                        object_map: discovered.object_map,
                        report: &discovered.report,
                    },
                )
                .map_err(message),
            ),
            Effect::Check {
                config,
                map,
                report,
                files,
                writes,
            } => Outcome::Checked(
                self.check(&config, &map, &report, *files, writes)
                    .map(Box::new)
                    .map_err(message),
            ),
            Effect::RefreshUsers { config } => Outcome::Users(
                self.client(&config)
                    .and_then(|client| Ok(self.runtime.block_on(read_users(&client))?))
                    .map_err(message),
            ),
            Effect::SaveOwners { path, file, owners } => Outcome::OwnersSaved {
                result: write_owners_file(&path, &file, &owners).map_err(|e| e.to_string()),
                path,
            },
            Effect::ReadSample {
                export,
                vocabulary,
                module,
                rows,
                count,
            } => Outcome::Sampled {
                result: read_sample(&export, vocabulary.as_deref(), module, rows, &count)
                    .map(Box::new)
                    .map_err(message),
                export,
                module,
            },
            // Rehearse, Load, Verify.
            Effect::Migrate {
                config,
                config_path,
                job,
            } => Outcome::Ran {
                job,
                result: self
                    .migrate(&config, &config_path, job, report)
                    .map(Box::new)
                    .map_err(message),
            },
            Effect::StopRun => {
                if let Some(token) = self.lock().run.as_ref() {
                    token.cancel();
                }
                return;
            }
            Effect::Verify { config } => {
                Outcome::Verified(self.verify(&config).map(Box::new).map_err(message))
            }
            Effect::PlanRollback { config, scope } => Outcome::RollbackPlanned {
                scope,
                result: Journal::open_existing(&config.state_dir())
                    .map_err(anyhow::Error::from)
                    .and_then(|journal| Ok(plan(&journal, scope)?))
                    .map(Box::new)
                    .map_err(message),
            },
            Effect::Rollback { config, scope } => {
                Outcome::RolledBack(self.rollback(&config, scope).map(Box::new).map_err(message))
            }
            Effect::WriteReports {
                config,
                config_path,
                dir,
            } => Outcome::ReportsWritten {
                result: crate::report::write_reports(&config, &config_path, &dir)
                    .map_err(|e| human_message(&e)),
                dir,
            },
            Effect::ActAsAdmin {
                stages,
                activity_types,
            } => Outcome::AdminActed(match self.lock().sandbox.as_ref() {
                Some(sandbox) => {
                    sandbox.add_as_admin(&stages, &activity_types);
                    Ok(())
                }
                None => Err("there is no built-in sandbox to add the checklist to".into()),
            }),
        };
        report(outcome);
    }

    // ---- Rehearse, Load, Verify ----

    /// A client of its own for an engine call that takes one (`migrate`, `rollback`): for the
    /// built-in sandbox, a client of the sandbox the wizard already serves, so every step sees
    /// the same account.
    fn new_client(&self, config: &Config) -> anyhow::Result<Client> {
        let on_sandbox = config.nutshell.endpoint_setting() == EndpointSetting::Sandbox;
        let mut connection = self.lock();
        if let (Some(sandbox), true) = (&connection.sandbox, on_sandbox) {
            return Ok(connect::sandbox_client(sandbox, &config.load)?);
        }
        // A config's built-in sandbox keeps its state in the state dir, as the commands' does,
        // so a load started here can be finished with `crm-migrate migrate` and back.
        let (client, sandbox) = self.runtime.block_on(connect_saved(config))?;
        if sandbox.is_some() {
            connection.sandbox = sandbox;
        }
        Ok(client)
    }

    /// `engine::migrate` for `job`; its events go to `report` in batches as they come.
    fn migrate(
        &self,
        config: &Config,
        config_path: &Path,
        job: Job,
        report: &dyn Fn(Outcome),
    ) -> anyhow::Result<MigrateOutcome> {
        let client = self.new_client(config)?;
        let cancel = CancellationToken::new();
        self.lock().run = Some(cancel.clone());
        let started = Instant::now();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let options = job.options();
        let forward = |events: Vec<Event>| {
            if !events.is_empty() {
                report(Outcome::Progress {
                    events,
                    elapsed: started.elapsed(),
                });
            }
        };
        let result = self.runtime.block_on(async {
            let run = migrate(
                config,
                config_path,
                client,
                &options,
                Events::new(tx),
                cancel,
            );
            tokio::pin!(run);
            let mut batch = Vec::new();
            loop {
                tokio::select! {
                    result = &mut run => {
                        while let Ok(event) = rx.try_recv() {
                            batch.push(event);
                        }
                        forward(std::mem::take(&mut batch));
                        break result;
                    }
                    n = rx.recv_many(&mut batch, EVENT_BATCH) => {
                        if n == 0 {
                            // Every sender is gone: the run ends without more events.
                            break (&mut run).await;
                        }
                        forward(std::mem::take(&mut batch));
                    }
                }
            }
        });
        self.lock().run = None;
        Ok(result?)
    }

    fn verify(&self, config: &Config) -> anyhow::Result<VerifyReport> {
        let journal = Journal::open_existing(&config.state_dir())?;
        let client = self.client(config)?;
        Ok(self
            .runtime
            .block_on(verify(config, &client, &journal, VerifyOptions::default()))?)
    }

    fn rollback(&self, config: &Config, scope: Scope) -> anyhow::Result<RollbackSummary> {
        let mut journal = Journal::open_existing(&config.state_dir())?;
        let client = self.new_client(config)?;
        let cancel = CancellationToken::new();
        self.lock().run = Some(cancel.clone());
        let summary = self.runtime.block_on(rollback(
            &mut journal,
            client,
            &config.migration.legacy_id_field,
            scope,
            Events::none(),
            cancel,
        ));
        self.lock().run = None;
        Ok(summary?)
    }

    /// Stop the engine run going on and the built-in sandbox (which saves its state file),
    /// as the wizard closes.
    pub fn close(&self) {
        let sandbox = {
            let mut connection = self.lock();
            if let Some(token) = connection.run.as_ref() {
                token.cancel();
            }
            connection.client = None;
            connection.sandbox.take()
        };
        if let Some(sandbox) = sandbox
            && let Err(e) = self.runtime.block_on(sandbox.shutdown())
        {
            tracing::warn!(error = %e, "the built-in sandbox did not shut down cleanly");
        }
    }

    // ---- end of Rehearse, Load, Verify ----

    /// The client of the last connection test, or a new connection.
    fn client(&self, config: &Config) -> anyhow::Result<Arc<Client>> {
        let kept = self.lock().client.clone();
        match kept {
            Some((client, _)) => Ok(client),
            None => Ok(self.connect(config)?.0),
        }
    }

    /// What `migrate` does before the load (`get_ready`), then owners.toml as it left it.
    fn check(
        &self,
        config: &Config,
        map: &FieldMap,
        report: &Report,
        files: Files,
        writes: Writes,
    ) -> anyhow::Result<Checked> {
        let client = self.client(config)?;
        let export = open_export(config)?;
        let readiness = self.runtime.block_on(get_ready(
            &client,
            map,
            &export,
            report,
            &files,
            config.source.date_order,
            writes,
        ))?;
        let file = OwnersFile::load(&files.owners)?;
        Ok(Checked {
            readiness,
            file,
            files,
            writes,
        })
    }

    /// A client for `config`'s endpoint (through `crate::connect`, as every command gets one),
    /// kept with a description of where it goes for the schema read that follows. The built-in
    /// sandbox is started once and kept for the session (the demo's is there from the start).
    fn connect(&self, config: &Config) -> anyhow::Result<(Arc<Client>, bool)> {
        let on_sandbox = config.nutshell.endpoint_setting() == EndpointSetting::Sandbox;
        let client = self.new_client(config)?;
        let mut connection = self.lock();
        let sandbox = connection.sandbox.as_ref().filter(|_| on_sandbox);
        let described = connect::describe(&client, sandbox);
        let client = Arc::new(client);
        connection.client = Some((client.clone(), described));
        Ok((client, on_sandbox))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic elsewhere cannot leave a connection half-made: the data is still good.
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn preflight(&self, config: &Config) -> anyhow::Result<PreflightResult> {
        self.lock().client = None;
        let (client, sandbox) = self.connect(config)?;
        let report = self.runtime.block_on(preflight::check(&client))?;
        if !report.is_ok() {
            // Proposals are read against a connection that passed.
            self.lock().client = None;
        }
        Ok(PreflightResult {
            endpoint: report.endpoint.clone(),
            sandbox,
            described_methods: report.described_methods,
            used_methods: methods::used_methods().len(),
            mismatches: report.mismatches.iter().map(ToString::to_string).collect(),
            credentials_error: report.credentials_error.as_ref().map(ToString::to_string),
        })
    }

    fn propose(
        &self,
        config: &Config,
        report: &Report,
        previous: Option<FieldMap>,
    ) -> anyhow::Result<Proposal> {
        let client = self.lock().client.clone();
        let (schema, destination) = match client {
            Some((client, described)) => {
                let schema = self
                    .runtime
                    .block_on(Destination::read(&client))
                    .map(|d| d.schema())
                    .context("cannot read the destination's fields and pipelines: test the connection again on Connect (t), then r")?;
                (schema, format!("against {described}"))
            }
            None => (
                DestinationSchema::offline(),
                "offline (standard fields): test the connection, then r".to_string(),
            ),
        };
        let export = open_export(config)?;
        let path = &config.migration.mapping;
        // Proposed from the file's decisions (not from a working map that may be unsaved).
        let had_file = previous.is_none() && path.exists();
        let previous = match previous {
            Some(p) => Some(p),
            None => file::load_if_exists(path)?,
        };
        let (map, value_problems) = propose_remembering(
            &export,
            report,
            &schema,
            &config.migration.legacy_id_field,
            &config.state_dir(),
            previous.as_ref(),
            &crate::mapping::transform::SourceFormat::from_config(config),
        )?;
        Ok(Proposal {
            map,
            schema,
            destination,
            had_file,
            value_problems,
            vocabulary: Arc::clone(export.vocabulary()),
        })
    }
}

/// The configured export, opened with the config's vocabulary (an engine call reads it as
/// `migrate` does).
fn open_export(config: &Config) -> anyhow::Result<Export> {
    let path = config
        .source
        .export
        .as_deref()
        .context("no export is set: set it on Connect")?;
    Ok(Export::open_with(path, Vocabulary::of(config)?)?)
}

/// Discovery of `export`, its files classified with the built-in vocabulary extended by
/// `vocabulary` (the config's `[vocabulary] file`) when there is one, and the object map
/// proposed from its report with the same vocabulary, as `crm-migrate discover` prints it.
fn discover_with(
    export: &Path,
    vocabulary: Option<&Path>,
    legacy_id_field: &str,
) -> anyhow::Result<Discovered> {
    let export = Export::open_with(export, Vocabulary::with_extension(vocabulary)?)?;
    let report = discovery::discover(&export)?;
    let object_map = proposed_object_map(&report, export.vocabulary(), legacy_id_field);
    Ok(Discovered { report, object_map })
}

/// A new config file; an existing one is never replaced (its comments would be lost). Paths
/// are written absolute: in the wizard they are relative to the working folder, but a config
/// file's relative paths are read relative to the file.
fn write_config(path: &Path, config: &Config) -> anyhow::Result<()> {
    let mut config = config.clone();
    let absolute = |p: &mut PathBuf| -> anyhow::Result<()> {
        *p = std::path::absolute(&*p)
            .with_context(|| format!("cannot make {} absolute", p.display()))?;
        Ok(())
    };
    if let Some(p) = config.source.export.as_mut() {
        absolute(p)?;
    }
    if let Some(p) = config.migration.state_dir.as_mut() {
        absolute(p)?;
    }
    absolute(&mut config.migration.mapping)?;
    absolute(&mut config.migration.owners)?;
    let body = toml::to_string(&config).context("cannot write the config as TOML")?;
    let text = format!(
        "# crm-migrate config, written by the wizard. See config.example.toml for every key.\n# The API key is not here: [nutshell] api_key_env names the variable that holds it.\n\n{body}"
    );
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it may exist already)", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `scope-report.md` and `scope-report.json` in `dir`, as `discover` writes them: opened by the
/// object map the Discovery screen shows (proposed with the config's vocabulary and legacy-id
/// field when the export was read).
fn write_scope_report(dir: &Path, scope: ScopeReport<'_>) -> anyhow::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}: check it is writable", dir.display()))?;
    let md = dir.join("scope-report.md");
    let json = dir.join("scope-report.json");
    std::fs::write(&md, scope.to_markdown())
        .with_context(|| format!("cannot write {}", md.display()))?;
    let text = serde_json::to_string_pretty(&scope).context("cannot write the report as JSON")?;
    std::fs::write(&json, text).with_context(|| format!("cannot write {}", json.display()))?;
    Ok((md, json))
}
