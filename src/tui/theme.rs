//! Colours and emphasis. Every colour is paired with a symbol or a word elsewhere, so with
//! `NO_COLOR` set (<https://no-color.org>: any non-empty value) nothing is lost: the theme then
//! keeps only bold, reversed and underlined.

use ratatui::style::{Color, Modifier, Style};

use super::state::step::StepStatus;
use crate::mapping::model::{CONFIDENCE_THRESHOLD, Status};
use crate::mapping::object_map::Compatibility;

/// Confidence at or above this is shown as high.
pub const HIGH_CONFIDENCE: f64 = 0.85;

/// The wizard's styles. Without colour (`NO_COLOR`) every style keeps its modifiers (bold,
/// reversed), and symbols carry the meaning, so nothing rests on colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Use colours (false under `NO_COLOR`).
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to a non-empty value.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Body text.
    pub fn plain(self) -> Style {
        Style::new()
    }

    /// Secondary text (hints, counts).
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Titles of panels.
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Key names in the footer and help.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The focused row.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The current step in the step bar.
    pub fn current_step(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// Something done or sure (high confidence, a match).
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Something to look at (a proposal, a warning).
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Something wrong (a blocker, a failure).
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The style of a step's verdict in the step bar.
    pub fn status(self, status: StepStatus) -> Style {
        match status {
            StepStatus::Done => self.good(),
            StepStatus::Attention => self.warn(),
            StepStatus::Blocked => self.bad(),
        }
    }

    /// An RSoft object's compatibility (the label says it in words): 1:1 and 1:many good,
    /// the rest something to look at.
    pub fn compatibility(self, compatibility: Compatibility) -> Style {
        match compatibility {
            Compatibility::OneToOne | Compatibility::OneToMany => self.good(),
            Compatibility::MappingRequired | Compatibility::Lossy | Compatibility::NotMigrated => {
                self.warn()
            }
        }
    }

    /// A confidence's symbol and style: `●` high, `◐` at or above the threshold, `○` below.
    pub fn confidence(self, confidence: f64) -> (&'static str, Style) {
        if confidence >= HIGH_CONFIDENCE {
            ("●", self.good())
        } else if confidence >= CONFIDENCE_THRESHOLD {
            ("◐", self.warn())
        } else {
            ("○", self.bad())
        }
    }
}

/// A map entry's status as one symbol: `?` proposed, `✓` confirmed, `✎` edited, `–` ignored.
pub fn status_symbol(status: Status) -> &'static str {
    match status {
        Status::Proposed => "?",
        Status::Confirmed => "✓",
        Status::Edited => "✎",
        Status::Ignored => "–",
    }
}
