//! Effects: the I/O `update` asks for. The [`Runner`] performs them off the UI thread and
//! reports each as an [`Outcome`]; the headless [`Driver`] performs them inline, for tests.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::cli::human_message;
use crate::cli::rollback::open_journal;
use crate::config::{Config, EndpointSetting};
use crate::connect;
use crate::connect::connect_saved;
use crate::discovery::{self, Report};
use crate::engine::blockers::Files;
use crate::engine::event::{Event, Events};
use crate::engine::load::{MigrateOutcome, migrate};
use crate::engine::owners::{Owners, OwnersFile, write_owners_file};
use crate::engine::ready::{Writes, get_ready};
use crate::engine::rollback::{RollbackSummary, Scope, plan, rollback};
use crate::engine::schema::{Destination, read_users};
use crate::engine::verify::{VerifyOptions, VerifyReport, verify};
use crate::mapping::file;
use crate::mapping::model::FieldMap;
use crate::mapping::schema::DestinationSchema;
use crate::mapping::source::propose_remembering;
use crate::nutshell::{Client, methods, preflight};
use crate::rsoft::{Export, Module};
use crate::sandbox::RunningSandbox;
use crate::vocabulary::Vocabulary;

use super::action::{Action, Checked, Job, Outcome, PreflightResult, Proposal};
use super::screens::field_map::preview::read_sample;
use super::state::State;
use super::update::update;

/// Engine events handed to the wizard at once, at most (a flood becomes a few folds).
const EVENT_BATCH: usize = 4096;

/// Work for the loop to do outside `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read an export and profile it.
    Discover {
        /// The export folder or .zip.
        export: PathBuf,
        /// The config's `[vocabulary] file`, if it names one.
        vocabulary: Option<PathBuf>,
    },
    /// The pre-flight: the method description and one authenticated call.
    TestConnection {
        /// The config with the endpoint to test.
        config: Box<Config>,
    },
    /// Propose the field map. `previous` is the working map whose decisions win; without it,
    /// the decisions in the config's mapping.toml do.
    Propose {
        /// The config naming the export and the endpoint.
        config: Box<Config>,
        /// Discovery's report of the export.
        report: Box<Report>,
        /// The working map whose decisions win, if any.
        previous: Option<Box<FieldMap>>,
    },
    /// Write mapping.toml (atomically).
    SaveMap {
        /// mapping.toml.
        path: PathBuf,
        /// The map to write.
        map: Box<FieldMap>,
    },
    /// Write a new config file (never over an existing one).
    WriteConfig {
        /// Where to write it.
        path: PathBuf,
        /// The config to write.
        config: Box<Config>,
    },
    /// Write `scope-report.md` and `scope-report.json` into `dir`.
    WriteScopeReport {
        /// The folder to write into.
        dir: PathBuf,
        /// The report to write.
        report: Box<Report>,
    },
    /// `engine::ready::get_ready` with the saved map, as `migrate` calls it: read the
    /// destination, match owners, plan the house; with [`Writes::Allowed`] and nothing blocking,
    /// create custom fields, tags and sources.
    Check {
        /// The config (endpoint, state dir).
        config: Box<Config>,
        /// The confirmed field map.
        map: Box<FieldMap>,
        /// Discovery's report of the export.
        report: Box<Report>,
        /// The files blockers point at.
        files: Box<Files>,
        /// Whether to create what is missing.
        writes: Writes,
    },
    /// Read Nutshell's users again (`engine::schema::read_users`).
    RefreshUsers {
        /// The config with the endpoint.
        config: Box<Config>,
    },
    /// Write owners.toml with the engine's writer.
    SaveOwners {
        /// owners.toml.
        path: PathBuf,
        /// owners.toml as the operator has it now.
        file: Box<OwnersFile>,
        /// The matching, whose queue is written as empty entries.
        owners: Box<Owners>,
    },
    // ---- Rehearse, Load, Verify ----
    /// `engine::migrate` with the job's options, as `crm-migrate migrate` calls it; its events
    /// come back as `Outcome::Progress` while it runs, then `Outcome::Ran`.
    Migrate {
        /// The config as the wizard has it.
        config: Box<Config>,
        /// Named in blockers.
        config_path: PathBuf,
        /// Which run, and so which options.
        job: Job,
    },
    /// Cancel the engine run going on (it stops between chunks, everything sent journaled).
    StopRun,
    /// `engine::verify::verify` with the default spot-check, as `crm-migrate verify`.
    Verify {
        /// The config as the wizard has it.
        config: Box<Config>,
    },
    /// `engine::rollback::plan`: what rolling back would delete (the journal only).
    PlanRollback {
        /// The config naming the journal.
        config: Box<Config>,
        /// Which runs.
        scope: Scope,
    },
    /// `engine::rollback::rollback`, as `crm-migrate rollback --yes`.
    Rollback {
        /// The config naming the journal and the destination.
        config: Box<Config>,
        /// Which runs.
        scope: Scope,
    },
    /// The reports, as `crm-migrate report --out DIR` writes them.
    WriteReports {
        /// The config naming the export and the journal.
        config: Box<Config>,
        /// Named in errors.
        config_path: PathBuf,
        /// Where to write.
        dir: PathBuf,
    },
    /// The demo only: add (pipeline, stage) pairs and activity types to its sandbox, as the
    /// account's admin would in Nutshell's web app.
    ActAsAdmin {
        /// (pipeline, stage) pairs to add.
        stages: Vec<(String, String)>,
        /// Activity types to add.
        activity_types: Vec<String>,
    },
    // ---- end of Rehearse, Load, Verify ----
    // --- Field map panels ---
    /// Read the first `rows` rows of `module` for the preview, counting the values of the
    /// `count` columns over all its rows (`field_map::preview::read_sample`).
    ReadSample {
        /// The export folder or .zip.
        export: PathBuf,
        /// The config's `[vocabulary] file`, if it names one.
        vocabulary: Option<PathBuf>,
        /// The module to sample.
        module: Module,
        /// Rows to keep for the preview.
        rows: usize,
        /// Headers whose values are counted over every row.
        count: Vec<String>,
    },
}

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
        let message = |e: anyhow::Error| human_message(&e);
        let outcome = match effect {
            Effect::Discover { export, vocabulary } => Outcome::Discovered {
                result: discover_with(&export, vocabulary.as_deref())
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
                        human_message(&e.into())
                    )
                }),
                path,
            },
            Effect::WriteConfig { path, config } => Outcome::ConfigWritten {
                result: write_config(&path, &config).map_err(message),
                path,
            },
            Effect::WriteScopeReport { dir, report } => {
                Outcome::ScopeReportWritten(write_scope_report(&dir, &report).map_err(message))
            }
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
                result: open_journal(&config)
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
                result: crate::cli::report::write(&config, &config_path, &dir).map_err(message),
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
        let journal = open_journal(config)?;
        let client = self.client(config)?;
        Ok(self
            .runtime
            .block_on(verify(config, &client, &journal, VerifyOptions::default()))?)
    }

    fn rollback(&self, config: &Config, scope: Scope) -> anyhow::Result<RollbackSummary> {
        let mut journal = open_journal(config)?;
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
        let export_path = config
            .source
            .export
            .as_deref()
            .context("no export is set: set it on Connect")?;
        let export = Export::open_with(export_path, Vocabulary::of(config)?)?;
        let readiness = self
            .runtime
            .block_on(get_ready(&client, map, &export, report, &files, writes))?;
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
        let export_path = config
            .source
            .export
            .as_deref()
            .context("no export is set: set it on Connect")?;
        let export = Export::open_with(export_path, Vocabulary::of(config)?)?;
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
        })
    }
}

/// A new config file; an existing one is never replaced (its comments would be lost). Paths
/// are written absolute: in the wizard they are relative to the working folder, but a config
/// file's relative paths are read relative to the file.
/// Discovery of `export`, its files classified with the built-in vocabulary extended by
/// `vocabulary` (the config's `[vocabulary] file`) when there is one.
fn discover_with(export: &Path, vocabulary: Option<&Path>) -> anyhow::Result<Report> {
    let export = Export::open_with(export, Vocabulary::with_extension(vocabulary)?)?;
    Ok(discovery::discover(&export)?)
}

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

fn write_scope_report(dir: &Path, report: &Report) -> anyhow::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}: check it is writable", dir.display()))?;
    let md = dir.join("scope-report.md");
    let json = dir.join("scope-report.json");
    std::fs::write(&md, discovery::markdown::render(report))
        .with_context(|| format!("cannot write {}", md.display()))?;
    let text = serde_json::to_string_pretty(report).context("cannot write the report as JSON")?;
    std::fs::write(&json, text).with_context(|| format!("cannot write {}", json.display()))?;
    Ok((md, json))
}

/// The wizard without a terminal: actions go through `update`, effects are performed and their
/// outcomes folded in before `send` returns. Tests drive whole flows with it. Engine runs and
/// rollbacks go on in the background, as in the wizard, so a test can act while one runs
/// ([`Driver::send_until`]); every other effect is performed inline, in order.
pub struct Driver {
    /// The wizard's state, to read after each action.
    pub state: State,
    runner: Runner,
    /// Every effect performed, in order.
    pub performed: Vec<Effect>,
    background: (
        std::sync::mpsc::Sender<Option<Outcome>>,
        std::sync::mpsc::Receiver<Option<Outcome>>,
    ),
    /// Background effects not ended yet.
    pending: usize,
}

impl Driver {
    /// A driver over `state`, performing effects with `runner`.
    pub fn new(state: State, runner: Runner) -> Driver {
        Driver {
            state,
            runner,
            performed: Vec::new(),
            background: std::sync::mpsc::channel(),
            pending: 0,
        }
    }

    /// Open as the wizard does (read the export, test the connection).
    pub fn start(&mut self) {
        let effects = super::update::start(&mut self.state);
        self.run(effects);
        self.settle();
    }

    /// Fold in an action and everything it sets off, background runs included.
    pub fn send(&mut self, action: Action) {
        let effects = update(&mut self.state, action);
        self.run(effects);
        self.settle();
    }

    /// Fold in an action; fold background outcomes only until `until` holds of the state (or
    /// nothing runs any more). Returns whether `until` holds.
    pub fn send_until(&mut self, action: Action, until: impl Fn(&State) -> bool) -> bool {
        let effects = update(&mut self.state, action);
        self.run(effects);
        self.pump(until)
    }

    /// Fold background outcomes until nothing runs.
    pub fn settle(&mut self) {
        self.pump(|_| false);
    }

    /// Press a key (as keymap.toml writes it) in the current context.
    pub fn press(&mut self, key: &str) {
        let combo = super::keymap::KeyCombo::parse(key);
        let action = combo.and_then(|c| self.state.keymap.action(self.state.context(), &c));
        if let Some(action) = action {
            self.send(action);
        }
    }

    fn pump(&mut self, until: impl Fn(&State) -> bool) -> bool {
        while !until(&self.state) {
            if self.pending == 0 {
                return false;
            }
            match self.background.1.recv() {
                Ok(Some(outcome)) => {
                    let effects = update(&mut self.state, Action::Done(outcome));
                    self.run(effects);
                }
                Ok(None) => self.pending -= 1,
                Err(_) => return false,
            }
        }
        true
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            self.performed.push(effect.clone());
            if matches!(effect, Effect::Migrate { .. } | Effect::Rollback { .. }) {
                let tx = self.background.0.clone();
                let runner = self.runner.clone();
                self.pending += 1;
                std::thread::spawn(move || {
                    runner.perform(effect, &|o| {
                        let _ = tx.send(Some(o));
                    });
                    // The end marker, after the last outcome.
                    let _ = tx.send(None);
                });
                continue;
            }
            let outcomes = std::cell::RefCell::new(Vec::new());
            self.runner
                .perform(effect, &|o| outcomes.borrow_mut().push(o));
            for outcome in outcomes.into_inner() {
                queue.extend(update(&mut self.state, Action::Done(outcome)));
            }
        }
    }
}
