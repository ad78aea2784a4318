//! The step bar: every step with its verdict as a symbol and a colour, the current one in
//! brackets and reversed; below it, the current step's verdict in words and what is running.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::screens::step_status;
use super::super::state::{State, Step};

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let statuses: Vec<_> = Step::ALL
        .iter()
        .map(|s| (*s, step_status(state, *s)))
        .collect();
    let width = |short: bool| -> usize {
        statuses
            .iter()
            .map(|(s, _)| {
                let label = if short { s.short_label() } else { s.label() };
                label.chars().count() + 3
            })
            .sum::<usize>()
            + 2
    };
    let short = width(false) > usize::from(area.width);
    let mut spans = Vec::new();
    for (step, (status, _)) in &statuses {
        let label = if short {
            step.short_label()
        } else {
            step.label()
        };
        let text = format!("{} {label}", status.symbol());
        if *step == state.step {
            spans.push(Span::styled(format!("[{text}]"), theme.current_step()));
        } else {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(text, theme.status(*status)));
            spans.push(Span::raw(" "));
        }
    }
    let (status, why) = step_status(state, state.step);
    let mut second = vec![
        Span::styled(format!("{}: ", state.step.label()), theme.title()),
        Span::styled(
            format!("{} {} — ", status.symbol(), status.word()),
            theme.status(status),
        ),
        Span::raw(why),
    ];
    let busy = state.busy();
    if !busy.is_empty() {
        second.push(Span::styled(format!("  ⟳ {}", busy.join(" ")), theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(spans), Line::from(second)]),
        area,
    );
}
