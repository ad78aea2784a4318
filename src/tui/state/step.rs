//! The steps of a migration and a step's verdict in the step bar: plain data, below
//! everything else of the wizard (the theme colours a verdict).

/// The steps of a migration, in order; the step bar shows them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Endpoint and credentials, tested with the pre-flight.
    Connect,
    /// Read and profile the export.
    Discovery,
    /// Confirm the field map.
    FieldMap,
    /// Custom fields, tags and sources; what only the admin can add.
    Schema,
    /// RSoft owners matched to Nutshell users.
    Owners,
    /// A dry run and a sample load.
    Rehearse,
    /// The full load.
    Load,
    /// Reconcile, count and spot-check.
    Verify,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 8] = [
        Step::Connect,
        Step::Discovery,
        Step::FieldMap,
        Step::Schema,
        Step::Owners,
        Step::Rehearse,
        Step::Load,
        Step::Verify,
    ];

    /// The step's name in the step bar.
    pub fn label(self) -> &'static str {
        match self {
            Step::Connect => "Connect",
            Step::Discovery => "Discovery",
            Step::FieldMap => "Field map",
            Step::Schema => "Schema",
            Step::Owners => "Owners",
            Step::Rehearse => "Rehearse",
            Step::Load => "Load",
            Step::Verify => "Verify",
        }
    }

    /// For narrow terminals.
    pub fn short_label(self) -> &'static str {
        match self {
            Step::Connect => "Conn",
            Step::Discovery => "Disc",
            Step::FieldMap => "Map",
            Step::Schema => "Schema",
            Step::Owners => "Owners",
            Step::Rehearse => "Rehearse",
            Step::Load => "Load",
            Step::Verify => "Verify",
        }
    }

    fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The step after this one; `None` after the last.
    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    /// The step before this one; `None` before the first.
    pub fn prev(self) -> Option<Step> {
        self.index().checked_sub(1).map(|i| Step::ALL[i])
    }
}

/// A step's verdict in the step bar: a symbol and a colour, never the colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Finished: nothing left to decide.
    Done,
    /// Reachable, with something for the operator to look at or decide.
    Attention,
    /// An earlier step must be finished first.
    Blocked,
}

impl StepStatus {
    /// The step bar's symbol (`✓`, `!`, `✗`, `·`), so the verdict never rests on colour alone.
    pub fn symbol(self) -> &'static str {
        match self {
            StepStatus::Done => "✓",
            StepStatus::Attention => "!",
            StepStatus::Blocked => "✗",
        }
    }

    /// The verdict in words, for the help and screen readers.
    pub fn word(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Attention => "needs attention",
            StepStatus::Blocked => "blocked",
        }
    }
}
