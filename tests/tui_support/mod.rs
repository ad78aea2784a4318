//! The wizard without a terminal: a headless driver on the bundled sample export against a
//! sandbox in this process, and the screen drawn on a `TestBackend` as text.
#![allow(dead_code)]

use std::path::PathBuf;

use crm_migrate::config::Config;
use crm_migrate::config::SANDBOX_ENDPOINT;
use crm_migrate::sandbox::{Sandbox, SandboxOptions};
use crm_migrate::tui::{
    Action, ConfigSource, Driver, Keymap, Runner, State, Step, StepStatus, Theme, render,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Relative, so the screens (and their snapshots) show the same path in every checkout:
/// integration tests run in the package root.
pub const SAMPLE: &str = "assets/sample-export";

/// A driver, its runtime and its temporary state folder, dropped in that order.
pub struct Harness {
    pub driver: Driver,
    pub runtime: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

impl Harness {
    /// As `crm-migrate demo` opens: the sample, the built-in sandbox, state in a temp folder.
    pub fn demo(width: u16, height: u16) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.source.export = Some(PathBuf::from(SAMPLE));
        config.nutshell.endpoint = Some(SANDBOX_ENDPOINT.into());
        Harness::with(config, ConfigSource::Demo, dir, width, height)
    }

    /// A wizard started with `config` (its state and mapping.toml go into `dir`).
    pub fn with(
        mut config: Config,
        source: ConfigSource,
        dir: tempfile::TempDir,
        width: u16,
        height: u16,
    ) -> Harness {
        config.migration.state_dir = Some(dir.path().join("state"));
        config.migration.mapping = dir.path().join("mapping.toml");
        config.migration.owners = dir.path().join("owners.toml");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(Sandbox::start(SandboxOptions::default()))
            .unwrap();
        let runner = Runner::new(runtime.handle().clone(), Some(sandbox));
        let theme = Theme { color: true };
        let state = State::new(config, source, Keymap::defaults().unwrap(), theme);
        let mut driver = Driver::new(state, runner);
        driver.send(Action::Resize { width, height });
        Harness {
            driver,
            runtime,
            dir,
        }
    }

    pub fn state(&self) -> &State {
        &self.driver.state
    }

    /// Press keys one after another (as keymap.toml writes them).
    pub fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            self.driver.press(k);
        }
    }

    /// The screen as text, one line per row, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        screen(self.state())
    }
}

/// Draw `state` at its size and return the text.
pub fn screen(state: &State) -> String {
    let (width, height) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| render(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `text` with the sandbox's port (a free one, different every run) written as `[PORT]`.
pub fn scrub_port(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        out.push_str("[PORT]");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// The demo through Owners as an operator does it: every proposal accepted, the map saved, the
/// demo's admin adds the missing stage and the map is proposed again and accepted, Deepak Rao
/// assigned to Ravi Kumar.
pub fn ready_to_load(width: u16, height: u16, rps: f64) -> Harness {
    let mut h = Harness::demo(width, height);
    h.driver.state.config.load.requests_per_second = rps;
    h.driver.start();
    h.keys(&["n", "n"]);
    let modules = h.state().field_map.modules().len();
    for _ in 0..modules {
        h.keys(&["A", "l"]);
    }
    h.keys(&["s", "n"]);
    assert_eq!(h.state().step, Step::Schema);
    h.keys(&["A"]);
    let (status, why) = h.state().step_status(Step::Schema);
    assert_eq!(status, StepStatus::Done, "{why}");
    // The stage exists now: back on the Field map, propose again and accept what now fits.
    h.keys(&["p", "r"]);
    for _ in 0..modules {
        h.keys(&["h"]);
    }
    for _ in 0..modules {
        h.keys(&["A", "l"]);
    }
    h.keys(&["s", "n", "n", "enter"]);
    for c in "ravi".chars() {
        h.driver.send(Action::Insert(c));
    }
    h.keys(&["enter"]);
    let (status, why) = h.state().step_status(Step::Owners);
    assert_eq!(status, StepStatus::Done, "{why}");
    h
}
