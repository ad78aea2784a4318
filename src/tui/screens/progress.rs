//! What an engine run's events come to, as the Rehearse and Load screens draw it: the snapshot
//! ([`RunProgress`], plain data in `state/progress.rs`) per phase in dependency order with its
//! gauge and tallies, the throttle's last state, the rate and ETA, and the holds and failures as
//! lists. The lists only grow at the end, and screens draw only the rows in view
//! (`widgets::table::visible`), so a frame costs the same with 10 holds or 100,000.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Row, Table};

use super::super::state::cursor::Cursor;
use super::super::theme::Theme;
use super::super::widgets::table::{self, visible};

pub use super::super::state::progress::{ListFocus, Listed, PhaseProgress, RunProgress};

/// `1h 02m`, `4m 05s`, `12s`.
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// One gauge line per phase, in load order: `accounts ▕██████░░▏ 40/40 · 38 new 2 linked 0 held 0 failed`.
pub fn render_phases(progress: &RunProgress, theme: Theme, frame: &mut Frame, area: Rect) {
    let rows = Layout::vertical(vec![Constraint::Length(1); progress.phases.len()]).split(area);
    let wide = area.width >= 100;
    for ((phase, p), row) in progress.phases.iter().zip(rows.iter()) {
        let [name, gauge, counts] = Layout::horizontal([
            Constraint::Length(15),
            Constraint::Length(if wide { 30 } else { 18 }),
            Constraint::Min(10),
        ])
        .areas(*row);
        let mark = if p.finished {
            Span::styled("✓ ", theme.good())
        } else if p.started {
            Span::styled("▸ ", theme.title())
        } else {
            Span::styled("· ", theme.dim())
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![mark, Span::raw(phase.as_str())])),
            name,
        );
        frame.render_widget(
            Gauge::default()
                .ratio(p.ratio())
                .label(format!("{}/{}", p.settled(), p.total))
                .gauge_style(if p.finished {
                    theme.good()
                } else {
                    theme.title()
                })
                .use_unicode(true),
            gauge,
        );
        let t = &p.tally;
        let mut spans = vec![Span::raw(format!(
            " {} new · {} {}",
            t.created,
            t.linked + t.merged,
            if wide { "linked/merged" } else { "linked" }
        ))];
        if wide {
            spans.push(Span::raw(format!(" · {} earlier", t.already_done)));
        }
        if t.edited + t.unchanged + t.kept + t.gone > 0 {
            // A delta's own outcomes.
            spans.push(Span::raw(format!(
                " · {} edited · {} unchanged · {} kept · {} gone in RSoft",
                t.edited, t.unchanged, t.kept, t.gone
            )));
        }
        spans.push(Span::styled(
            format!(" · {} held", t.held),
            if t.held > 0 {
                theme.warn()
            } else {
                theme.dim()
            },
        ));
        spans.push(Span::styled(
            format!(" · {} failed", t.failed),
            if t.failed > 0 {
                theme.bad()
            } else {
                theme.dim()
            },
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)), counts);
    }
}

/// The holds and failures lists side by side (wide) or the focused one (narrow), drawing only
/// the rows in view; the merged list (what merged and linked rows' values came to) in the whole
/// area while Tab has it.
pub fn render_lists(progress: &RunProgress, theme: Theme, frame: &mut Frame, area: Rect) {
    let both = area.width >= 110;
    let page = list_page(area);
    let list = |items: &[Listed], cursor: &Cursor, focused: bool, title: String| {
        let rows = visible(items, cursor, page).map(|(i, l)| {
            table::highlight(
                Row::new(vec![
                    Line::from(l.phase.as_str()),
                    Line::from(l.rsoft_id.clone()),
                    Line::from(l.reason.clone()),
                ]),
                focused && i == cursor.selected,
                theme,
            )
        });
        Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(11),
                Constraint::Min(10),
            ],
        )
        .header(Row::new(["Phase", "RSoft ID", "Reason"]).style(theme.title()))
        .block(Block::default().borders(Borders::TOP).title(title))
    };
    let holds_title = |focused: bool| {
        format!(
            " {}Held {} (awaiting the customer){} ",
            if focused { "▸ " } else { "" },
            progress.holds.len(),
            position(&progress.holds_cursor, progress.holds.len())
        )
    };
    let failures_title = |focused: bool| {
        format!(
            " {}Failed {}{} ",
            if focused { "▸ " } else { "" },
            progress.failures.len(),
            position(&progress.failures_cursor, progress.failures.len())
        )
    };
    if progress.focus == ListFocus::Merged {
        let title = format!(
            " ▸ Merged and linked {} (values added to the record they joined, or not sent){} · Tab: held {} ",
            progress.merged.len(),
            position(&progress.merged_cursor, progress.merged.len()),
            progress.holds.len()
        );
        frame.render_widget(
            list(&progress.merged, &progress.merged_cursor, true, title),
            area,
        );
        return;
    }
    let focus_holds = progress.focus == ListFocus::Holds;
    if both {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(area);
        frame.render_widget(
            list(
                &progress.holds,
                &progress.holds_cursor,
                focus_holds,
                holds_title(focus_holds),
            ),
            left,
        );
        frame.render_widget(
            list(
                &progress.failures,
                &progress.failures_cursor,
                !focus_holds,
                failures_title(!focus_holds),
            ),
            right,
        );
    } else {
        // Narrow: the focused list, with the other's count in its title.
        let (items, cursor, title, other, count) = if focus_holds {
            let n = progress.failures.len();
            (
                &progress.holds,
                &progress.holds_cursor,
                holds_title(true),
                "failed",
                n,
            )
        } else {
            let n = progress.holds.len();
            (
                &progress.failures,
                &progress.failures_cursor,
                failures_title(true),
                "held",
                n,
            )
        };
        let title = format!("{title}· Tab: {other} {count}");
        frame.render_widget(list(items, cursor, true, title), area);
    }
}

/// Rows of a list in `area` (after its border and header).
pub fn list_page(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(table::CHROME))
}

fn position(cursor: &Cursor, len: usize) -> String {
    if len == 0 {
        String::new()
    } else {
        format!(" · {} of {len}", cursor.selected.min(len - 1) + 1)
    }
}

/// The rate, the throttle and the ETA on one line.
pub fn pace_line(progress: &RunProgress, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    match &progress.throttle {
        Some(t) => {
            spans.push(Span::raw(format!(
                "{:.1} req/s of {:.0} ceiling · {} of {} in flight",
                t.current_rps, t.ceiling_rps, t.in_flight, t.max_in_flight
            )));
            if t.backoff_ms > 0 {
                spans.push(Span::styled(
                    format!(
                        " · backing off {:.1}s (server asked)",
                        t.backoff_ms as f64 / 1000.0
                    ),
                    theme.warn(),
                ));
            } else if t.current_rps < t.ceiling_rps * 0.95 {
                spans.push(Span::styled(" · throttled below the ceiling", theme.warn()));
            } else {
                spans.push(Span::styled(" · at the ceiling", theme.dim()));
            }
            if t.http_429 + t.http_5xx + t.timeouts + t.resets > 0 {
                spans.push(Span::styled(
                    format!(
                        " · {} 429 · {} 5xx · {} timeouts · {} resets",
                        t.http_429, t.http_5xx, t.timeouts, t.resets
                    ),
                    theme.warn(),
                ));
            }
        }
        None => spans.push(Span::styled("no requests yet", theme.dim())),
    }
    spans.push(Span::raw(format!(
        " · {:.0} records/s · elapsed {}",
        progress.records_per_second(),
        duration_text(progress.elapsed)
    )));
    if let Some(eta) = progress.eta() {
        spans.push(Span::raw(format!(" · ETA {}", duration_text(eta))));
    }
    Line::from(spans)
}
