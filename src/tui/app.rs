//! The event loop: terminal input, background outcomes and signals arrive on one channel; each
//! becomes an action folded by `update`; effects go to the runner; the screen is drawn at most
//! 20 times a second, and only after something changed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use crossterm::event::Event;

use crate::config::Config;
use crate::rsoft::generator;
use crate::sandbox::{Sandbox, SandboxOptions};

use super::action::Action;
use super::keymap::Keymap;
use super::render::render;
use super::runner::Runner;
use super::state::{ConfigSource, State};
use super::terminal::Tui;
use super::theme::Theme;
use super::update::{start, translate, update};

/// Shortest time between two frames: at most 20 a second.
const FRAME: Duration = Duration::from_millis(50);
/// The demo's request ceiling against its in-process sandbox.
const DEMO_REQUESTS_PER_SECOND: f64 = 100.0;
/// How often the input thread looks at its stop flag.
const INPUT_POLL: Duration = Duration::from_millis(100);

/// How the wizard was asked for.
#[derive(Debug)]
pub enum Launch {
    /// `crm-migrate [--config F]`: `config` is `None` when F does not exist yet.
    Config {
        /// The config file.
        path: PathBuf,
        /// The config as loaded; `None` when the file does not exist yet.
        config: Option<Box<Config>>,
    },
    /// `crm-migrate demo`.
    Demo,
}

enum Message {
    Terminal(Event),
    Action(Action),
}

/// Run the wizard until the operator quits. `runtime` is the process's one runtime (owned by
/// `cli::main`): the sandbox and the client run on it.
pub fn run(launch: Launch, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    // Kept until the wizard ends: the demo's export and state live in it.
    let mut demo_dir = None;
    let (config, source, sandbox) = match launch {
        Launch::Config { path, config } => {
            let exists = config.is_some();
            (
                config.map(|c| *c).unwrap_or_default(),
                ConfigSource::File { path, exists },
                None,
            )
        }
        Launch::Demo => {
            let dir = tempfile::Builder::new()
                .prefix("crm-migrate-demo-")
                .tempdir()
                .context("cannot create a temporary folder for the demo")?;
            let config = demo_config(dir.path())?;
            let sandbox = runtime
                .block_on(Sandbox::start(SandboxOptions::default()))
                .context("cannot start the built-in sandbox for the demo")?;
            demo_dir = Some(dir);
            (config, ConfigSource::Demo, Some(sandbox))
        }
    };
    // A bad key override is reported before the terminal is taken.
    let keymap = Keymap::with_overrides(&config.keys)?;
    let mut state = State::new(config, source, keymap, Theme::from_env());
    let runner = Runner::new(runtime.handle().clone(), sandbox);
    tracing::info!(demo = demo_dir.is_some(), "wizard opens");

    let mut tui = Tui::enter().context("cannot take over the terminal")?;
    let (tx, rx) = mpsc::channel::<Message>();
    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input(tx.clone(), stop.clone());
    spawn_signals(runtime, tx.clone());

    let size = tui.terminal.size()?;
    update(
        &mut state,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let effects = start(&mut state);
    for effect in effects {
        let tx = tx.clone();
        runner.spawn(effect, move |o| {
            let _ = tx.send(Message::Action(Action::Done(o)));
        });
    }

    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let result = loop {
        if dirty && last_draw.is_none_or(|t| t.elapsed() >= FRAME) {
            if let Err(e) = tui.terminal.draw(|frame| render(&state, frame)) {
                break Err(e).context("cannot draw the screen");
            }
            last_draw = Some(Instant::now());
            dirty = false;
        }
        let wait = match (dirty, last_draw) {
            (true, Some(t)) => FRAME.saturating_sub(t.elapsed()),
            _ => Duration::from_secs(1),
        };
        let first = match rx.recv_timeout(wait) {
            Ok(message) => message,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break Ok(()),
        };
        // Everything that has arrived is folded before the next frame: a flood of events is
        // one redraw.
        for message in std::iter::once(first).chain(rx.try_iter()) {
            let action = match message {
                Message::Terminal(event) => translate(&state, &event),
                Message::Action(action) => Some(action),
            };
            let Some(action) = action else { continue };
            dirty = true;
            for effect in update(&mut state, action) {
                let tx = tx.clone();
                runner.spawn(effect, move |o| {
                    let _ = tx.send(Message::Action(Action::Done(o)));
                });
            }
            if state.quit {
                break;
            }
        }
        if state.quit {
            break Ok(());
        }
    };
    stop.store(true, Ordering::Relaxed);
    drop(tui);
    // The engine stops between chunks rather than in the middle of one; the sandbox saves.
    runner.close();
    let _ = input.join();
    tracing::info!("wizard closes");
    result
}

/// The demo's config: the bundled sample (written afresh, byte-identical to
/// `assets/sample-export`, so the demo needs no checkout) against the built-in sandbox, with
/// state, mapping.toml and owners.toml in the temporary folder.
fn demo_config(dir: &std::path::Path) -> anyhow::Result<Config> {
    let export = dir.join("sample-export");
    generator::generate(&export, 1, 42).context("cannot write the demo's sample export")?;
    let mut config = Config::default();
    config.source.export = Some(export);
    config.nutshell.endpoint = Some(crate::config::SANDBOX_ENDPOINT.to_string());
    config.migration.state_dir = Some(dir.join("state"));
    config.migration.mapping = dir.join("mapping.toml");
    config.migration.owners = dir.join("owners.toml");
    // The built-in sandbox is on this machine: a ceiling that loads the sample in seconds,
    // still slow enough to watch the gauges move (a real account keeps the default).
    config.load.requests_per_second = DEMO_REQUESTS_PER_SECOND;
    Ok(config)
}

/// Terminal events, read on a thread of their own until `stop`.
fn spawn_input(tx: mpsc::Sender<Message>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match crossterm::event::poll(INPUT_POLL) {
                Ok(true) => match crossterm::event::read() {
                    Ok(event) => {
                        if tx.send(Message::Terminal(event)).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) => {}
                Err(_) => return,
            }
        }
    })
}

/// SIGINT (when it arrives as a signal rather than a key) and SIGTERM quit cleanly.
fn spawn_signals(runtime: &tokio::runtime::Runtime, tx: mpsc::Sender<Message>) {
    let interrupt = tx.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = interrupt.send(Message::Action(Action::ForceQuit));
        }
    });
    #[cfg(unix)]
    runtime.spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            if term.recv().await.is_some() {
                let _ = tx.send(Message::Action(Action::ForceQuit));
            }
        }
    });
}
