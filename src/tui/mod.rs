//! The wizard: a full-screen terminal UI that walks an operator from an export to a confirmed
//! field map (and, as the engine lands, to a verified load). The only module that imports
//! ratatui or crossterm. It drives the same library calls and the same files (config,
//! `mapping.toml`) as the headless commands, so work started here can be finished there.
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
//! Adding a screen (the Rehearse, Load and Verify steps; Schema and Owners are built this way):
//! 1. a `screens/<name>.rs` with its view state (a field of [`State`]), its `render`, and its
//!    `handle(&mut State, Action) -> Vec<Effect>` for the actions of its key context;
//! 2. a [`keymap::Context`] for it and its keys in `assets/keymap.toml` (the footer and the help
//!    come from there); new actions go in [`Action`] with a label in `Action::label`;
//! 3. flip its [`Step::built`] and give [`State::step_status`] its done / attention / blocked
//!    rule; add dispatch arms in `update::screen_action` and `render::body`;
//! 4. any I/O as an [`Effect`] with its [`Outcome`], run in `effect.rs`; engine `Event`s from a
//!    long run become `Action::Done(Outcome::…)` deltas folded into one snapshot.

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

pub use action::{Action, Checked, Job, Outcome, PreflightResult, Proposal};
pub use app::{Launch, run};
pub use driver::Driver;
pub use effect::Effect;
pub use keymap::{Context, KeyCombo, Keymap, KeymapError};
pub use render::render;
pub use runner::Runner;
pub use state::{ConfigSource, Notice, State, Step, StepStatus};
pub use theme::Theme;
pub use update::update;
