//! The Owners screen's view state, and its list's rows (queued owners, then resolved ones).

use crate::engine::owners::{OwnerDecision, QueuedOwner};

use super::super::action::Checked;
use super::super::widgets::picker::Picker;
use super::cursor::Cursor;

/// The screen's own state; the owners themselves are in `State::ready`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnersView {
    /// The focused owner.
    pub rows: Cursor,
    /// Picking a user for an owner (its key).
    pub picker: Option<(String, Picker)>,
    /// Users in the picker's order (candidates of an ambiguous owner first).
    pub(crate) picker_users: Vec<i64>,
    /// A save of owners.toml is in flight.
    pub saving: bool,
    /// A re-read of Nutshell's users is in flight.
    pub refreshing: bool,
}

impl OwnersView {
    /// Keep the selection on a row after the list changed.
    pub fn clamp(&mut self, checked: Option<&Checked>) {
        let len = checked.map_or(0, |c| rows(c).len());
        self.rows.follow(len, usize::MAX);
    }
}

/// One row of the list: a queued owner, or a resolved one.
pub(crate) enum Entry<'a> {
    Queued(&'a QueuedOwner),
    Decided(&'a OwnerDecision),
}

/// Queued owners (most records first), then resolved ones.
pub(crate) fn rows(c: &Checked) -> Vec<Entry<'_>> {
    let owners = &c.readiness.owners;
    owners
        .queue
        .owners
        .iter()
        .map(Entry::Queued)
        .chain(owners.decisions.iter().map(Entry::Decided))
        .collect()
}
