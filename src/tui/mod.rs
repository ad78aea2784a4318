//! The wizard: a full-screen terminal UI that walks an operator from an export to a verified
//! load. The only module that imports ratatui or crossterm. It drives the same library calls and
//! the same files (config, `mapping.toml`, `owners.toml`, the journal) as the headless commands,
//! so work started here can be finished there.
//!
//! How it is built (ratatui's templates, gitui, television — `../shared/style.md`):
//! - [`Action`] is the only way [`State`] changes: keys (through the [`Keymap`], which is data),
//!   mouse, resizes, and the outcomes of background work ([`Outcome`]) all become actions.
//! - [`update`] folds an action into the state and does no I/O: it returns [`Effect`]s (read an
//!   export, test the connection, write a file) that the event loop hands to the [`Runner`],
//!   whose result comes back as an `Action::Done(Outcome)`.
//! - [`render`] only draws `&State`. The loop draws at most 20 frames a second, and only after
//!   something changed.
//! - [`Driver`] runs the same loop headless (effects run inline): tests drive whole flows with
//!   actions and assert on the state, or draw it on a `TestBackend`.
//!
//! ## Layers
//! Each file imports only from its own layer's lower files or from layers below it, so the
//! files' import graph has no cycle (`python3 tools/import_cycles.py` checks it in CI):
//! 1. **Plain data that names nothing above it**: `state/step.rs` ([`Step`], [`StepStatus`]),
//!    `state/loadable.rs`, `state/cursor.rs`, [`Theme`], and `action.rs`: [`Action`] and its
//!    payloads ([`Outcome`], [`Discovered`], [`Job`], [`Checked`], [`Proposal`], the preview's
//!    sample rows).
//! 2. **Over the actions**: [`keymap`] (keys to actions), `effect.rs` ([`Effect`], the I/O
//!    `update` asks for, as data), and what lists draw without a `State`: `widgets/table.rs`,
//!    `widgets/picker.rs`, `screens/progress.rs` (a run's live snapshot).
//! 3. **Each screen's view state**, one file per screen under `state/` (`state/load.rs` holds
//!    `LoadView`, …), then [`State`] in `state/mod.rs`, which holds them all.
//! 4. **The screens**, `screens/<name>.rs`: `status`, `handle` and `render` over `&State`.
//!    Screens that need the same thing share a lower file rather than import each other:
//!    `readiness.rs` (Schema, Owners), `engine_run.rs` and `rollback.rs` (Rehearse, Load,
//!    Verify). `screens/mod.rs` answers [`State::step_status`] from every screen's `status`.
//! 5. **The frame**: [`render`] with the step bar, footer and help; then [`update`], which asks
//!    `render` for the layout (how many rows a list shows) and dispatches to the screens.
//! 6. **What runs it**: [`Runner`] (performs effects), [`Driver`] (headless), `app.rs` and
//!    `terminal.rs` (the event loop and the terminal).
//!
//! Adding a screen:
//! 1. its view state in `state/<name>.rs` (plain data, a field of [`State`]), and a
//!    `screens/<name>.rs` with its `status`, its `render`, and its
//!    `handle(&mut State, Action) -> Vec<Effect>` for the actions of its key context;
//! 2. a [`keymap::Context`] for it and its keys in `assets/keymap.toml` (the footer and the help
//!    come from there); new actions go in [`Action`] with a label in `Action::label`;
//! 3. a [`Step`] for it, with arms in `screens::step_status`, `update::update` and
//!    `render::body`;
//! 4. any I/O as an [`Effect`] with its [`Outcome`], performed in `runner.rs`; engine `Event`s
//!    from a long run become `Action::Done(Outcome::…)` deltas folded into one snapshot.

mod action;
mod app;
mod driver;
mod effect;
pub mod keymap;
mod render;
mod runner;
pub mod screens;
mod state;
mod terminal;
mod theme;
mod update;
mod widgets;

pub use action::{Action, Checked, Discovered, Job, Outcome, PreflightResult, Proposal};
pub use app::{Launch, run};
pub use driver::Driver;
pub use effect::Effect;
pub use keymap::{Context, KeyCombo, Keymap, KeymapError};
pub use render::render;
pub use runner::Runner;
pub use state::{ConfigSource, Notice, State, Step, StepStatus};
pub use theme::Theme;
pub use update::update;
