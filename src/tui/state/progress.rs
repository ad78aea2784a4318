//! An engine run's live snapshot, as data: one [`RunProgress`] folded from `engine::Event`s
//! (the raw stream is never kept), per phase in dependency order with its tallies, the
//! throttle's last state, and the holds and failures as lists. `screens/progress.rs` draws it.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::engine::event::{Event, RecordOutcome, Tally};
use crate::journal::{Phase, RunId, RunKind};
use crate::nutshell::ThrottleSnapshot;

use super::super::action::Action;
use super::super::widgets::table;
use super::cursor::Cursor;

/// One phase's progress.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PhaseProgress {
    /// Source rows (from `PhaseStarted`, or discovery's count before the phase starts).
    pub total: u64,
    /// Records per outcome so far.
    pub tally: Tally,
    /// `PhaseStarted` arrived.
    pub started: bool,
    /// `PhaseFinished` arrived.
    pub finished: bool,
}

impl PhaseProgress {
    /// Records settled so far (every outcome counts, earlier runs' included).
    pub fn settled(&self) -> u64 {
        self.tally.total()
    }

    /// Settled as a fraction of the total, 0–1.
    pub fn ratio(&self) -> f64 {
        if self.finished {
            return 1.0;
        }
        if self.total == 0 {
            return 0.0;
        }
        (self.settled() as f64 / self.total as f64).clamp(0.0, 1.0)
    }
}

/// A held, failed, merged or linked record and why (for a merged or linked one: what its values
/// came to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The record's phase.
    pub phase: Phase,
    /// The record's RSoft ID.
    pub rsoft_id: String,
    /// Why it is held, or the failure message (with the field at fault).
    pub reason: String,
}

/// Which list has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFocus {
    /// The holds list.
    #[default]
    Holds,
    /// The failures list.
    Failures,
    /// Merged and linked rows whose values were added to the record they joined, or not sent
    /// (reached by Tab only when there are some).
    Merged,
}

/// The snapshot of one engine run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunProgress {
    /// The journal's run id (none for a dry run).
    pub run: Option<RunId>,
    /// Dry, sample, full or delta.
    pub kind: Option<RunKind>,
    /// Every phase, in load order (the enum's order).
    pub phases: BTreeMap<Phase, PhaseProgress>,
    /// The throttle as the client last reported it.
    pub throttle: Option<ThrottleSnapshot>,
    /// Held records, in the order they were reported.
    pub holds: Vec<Listed>,
    /// Failed records, in the order they were reported.
    pub failures: Vec<Listed>,
    /// Merged and linked records with values added to the record they joined or not sent, in
    /// the order they were reported (a dry run: the values to add where the record lacks them).
    pub merged: Vec<Listed>,
    /// Time since the run was asked for, as of the last event.
    pub elapsed: Duration,
    /// Records settled in this run (not by an earlier one), for the rate.
    pub settled_here: u64,
    /// `Some(cancelled)` once `RunFinished` arrived.
    pub finished: Option<bool>,
    /// Which list the keys move.
    pub focus: ListFocus,
    /// Selection in the holds list.
    pub holds_cursor: Cursor,
    /// Selection in the failures list.
    pub failures_cursor: Cursor,
    /// Selection in the merged list.
    pub merged_cursor: Cursor,
}

impl RunProgress {
    /// A snapshot with each phase's expected rows (from discovery) before anything runs.
    pub fn expecting(rows: impl IntoIterator<Item = (Phase, u64)>) -> RunProgress {
        let mut p = RunProgress::default();
        for (phase, total) in rows {
            p.phases.insert(
                phase,
                PhaseProgress {
                    total,
                    ..Default::default()
                },
            );
        }
        p
    }

    /// Fold events in, in order. The lists keep what they had; everything else is replaced.
    pub fn fold(&mut self, events: &[Event], elapsed: Duration) {
        self.elapsed = elapsed;
        for event in events {
            match event {
                Event::RunStarted { run, kind } => {
                    self.run = *run;
                    self.kind = Some(*kind);
                }
                Event::PhaseStarted { phase, total } => {
                    let p = self.phases.entry(*phase).or_default();
                    p.total = *total;
                    p.tally = Tally::default();
                    p.started = true;
                    p.finished = false;
                }
                Event::Record {
                    phase,
                    rsoft_id,
                    outcome,
                } => {
                    self.phases.entry(*phase).or_default().tally.add(outcome);
                    if *outcome != RecordOutcome::AlreadyDone {
                        self.settled_here += 1;
                    }
                    let listed = |reason: String| Listed {
                        phase: *phase,
                        rsoft_id: rsoft_id.clone(),
                        reason,
                    };
                    match outcome {
                        RecordOutcome::Held { reasons } => {
                            self.holds.push(listed(reasons.join("; ")))
                        }
                        RecordOutcome::Failed { message, field } => {
                            self.failures.push(listed(match field {
                                Some(f) => format!("{f}: {message}"),
                                None => message.clone(),
                            }))
                        }
                        RecordOutcome::Merged {
                            into,
                            added,
                            not_sent,
                        } if !(added.is_empty() && not_sent.is_empty()) => {
                            let verb = if self.kind == Some(RunKind::DryRun) {
                                "to add where it lacks them"
                            } else {
                                "added"
                            };
                            let mut parts = vec![format!("into {into}")];
                            if !added.is_empty() {
                                parts.push(format!("{verb}: {}", added.join(", ")));
                            }
                            parts.extend(not_sent.iter().cloned());
                            self.merged.push(listed(parts.join("; ")))
                        }
                        RecordOutcome::Linked { to, not_sent } if !not_sent.is_empty() => {
                            self.merged.push(listed(format!(
                                "linked to {to}, not edited; not sent: {}",
                                not_sent.join("; ")
                            )))
                        }
                        _ => {}
                    }
                }
                Event::Throttle(t) => self.throttle = Some(t.clone()),
                Event::PhaseFinished { phase, tally } => {
                    let p = self.phases.entry(*phase).or_default();
                    p.tally = *tally;
                    p.finished = true;
                    p.total = p.total.max(tally.total());
                }
                Event::Gone(row) => self.phases.entry(row.phase).or_default().tally.gone += 1,
                Event::RunFinished { cancelled } => self.finished = Some(*cancelled),
                Event::Undone(_) => {}
            }
        }
    }

    /// Every phase's tallies added up.
    pub fn totals(&self) -> Tally {
        let mut t = Tally::default();
        for p in self.phases.values() {
            t.created += p.tally.created;
            t.linked += p.tally.linked;
            t.merged += p.tally.merged;
            t.held += p.tally.held;
            t.failed += p.tally.failed;
            t.already_done += p.tally.already_done;
            t.edited += p.tally.edited;
            t.unchanged += p.tally.unchanged;
            t.kept += p.tally.kept;
            t.gone += p.tally.gone;
        }
        t
    }

    /// Rows not settled yet, over every phase (unfinished phases only).
    pub fn remaining(&self) -> u64 {
        self.phases
            .values()
            .filter(|p| !p.finished)
            .map(|p| p.total.saturating_sub(p.settled()))
            .sum()
    }

    /// Records settled by this run per second since it was asked for.
    pub fn records_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs <= 0.0 {
            0.0
        } else {
            self.settled_here as f64 / secs
        }
    }

    /// Time left at this run's pace so far; `None` before there is a pace, or when done.
    pub fn eta(&self) -> Option<Duration> {
        let rate = self.records_per_second();
        let remaining = self.remaining();
        (rate > 0.0 && remaining > 0 && self.finished.is_none())
            .then(|| Duration::from_secs_f64(remaining as f64 / rate))
    }

    /// The focused list and its cursor.
    pub fn focused(&mut self) -> (&[Listed], &mut Cursor) {
        match self.focus {
            ListFocus::Holds => (&self.holds, &mut self.holds_cursor),
            ListFocus::Failures => (&self.failures, &mut self.failures_cursor),
            ListFocus::Merged => (&self.merged, &mut self.merged_cursor),
        }
    }

    /// Move the focused list's cursor; Tab switches lists.
    pub fn navigate(&mut self, action: &Action, page: usize) {
        if *action == Action::SwitchList {
            self.focus = match self.focus {
                ListFocus::Holds => ListFocus::Failures,
                ListFocus::Failures if !self.merged.is_empty() => ListFocus::Merged,
                ListFocus::Failures | ListFocus::Merged => ListFocus::Holds,
            };
            return;
        }
        let (list, cursor) = self.focused();
        let len = list.len();
        table::navigate(cursor, action, len, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(rsoft_id: &str, outcome: RecordOutcome) -> Event {
        Event::Record {
            phase: Phase::Accounts,
            rsoft_id: rsoft_id.into(),
            outcome,
        }
    }

    #[test]
    fn merged_rows_are_listed_with_their_values_and_reached_by_tab() {
        let mut p = RunProgress::default();
        p.navigate(&Action::SwitchList, 10);
        p.navigate(&Action::SwitchList, 10);
        assert_eq!(p.focus, ListFocus::Holds, "no merged list to reach");
        let events = [
            Event::RunStarted {
                run: None,
                kind: RunKind::DryRun,
            },
            record(
                "COMP-1016",
                RecordOutcome::Merged {
                    into: "Accounts -4 (same …)".into(),
                    added: vec!["phone +911126484451".into()],
                    not_sent: Vec::new(),
                },
            ),
            record(
                "COMP-1002",
                RecordOutcome::Merged {
                    into: "Accounts -5 (same …)".into(),
                    added: Vec::new(),
                    not_sent: Vec::new(),
                },
            ),
        ];
        p.fold(&events, Duration::ZERO);
        assert_eq!(
            p.merged,
            [Listed {
                phase: Phase::Accounts,
                rsoft_id: "COMP-1016".into(),
                reason:
                    "into Accounts -4 (same …); to add where it lacks them: phone +911126484451"
                        .into(),
            }]
        );
        p.navigate(&Action::SwitchList, 10);
        p.navigate(&Action::SwitchList, 10);
        assert_eq!(p.focus, ListFocus::Merged);
        assert_eq!(p.focused().0.len(), 1);
        p.navigate(&Action::SwitchList, 10);
        assert_eq!(p.focus, ListFocus::Holds);
    }
}
