//! The headless [`Driver`]: the wizard's loop without a terminal, for tests.

use std::collections::VecDeque;

use super::action::{Action, Outcome};
use super::effect::Effect;
use super::keymap::KeyCombo;
use super::runner::Runner;
use super::state::State;
use super::update::{self, update};

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
        let effects = update::start(&mut self.state);
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
        let combo = KeyCombo::parse(key);
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
