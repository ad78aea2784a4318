//! Colours and emphasis. Every colour is paired with a symbol or a word elsewhere, so with
//! `NO_COLOR` set (<https://no-color.org>: any non-empty value) nothing is lost: the theme then
//! keeps only bold, reversed and underlined.

use ratatui::style::{Color, Modifier, Style};

use super::state::StepStatus;
use crate::mapping::model::CONFIDENCE_THRESHOLD;

/// Confidence at or above this is shown as high.
pub const HIGH_CONFIDENCE: f64 = 0.85;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
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

    pub fn plain(self) -> Style {
        Style::new()
    }

    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn current_step(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn status(self, status: StepStatus) -> Style {
        match status {
            StepStatus::Done => self.good(),
            StepStatus::Attention => self.warn(),
            StepStatus::Blocked => self.bad(),
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
