//! Connect: where the export is and how to read its dates, where Nutshell is and who connects;
//! "test connection" runs the pre-flight and shows each result; "write config" saves a config
//! file when the wizard started without one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::config::{DateOrder, EndpointSetting};
use crate::rsoft::DateOrderVerdict;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::state::{ConfigSource, Loadable, Notice, State, StepStatus};
use super::discovery::start as start_discovery;

use super::super::state::connect::date_order_label;
pub use super::super::state::connect::{ConnectView, Field};

/// The Connect step: done when the export was read, the connection tested and the declared
/// date order agrees with the data.
pub fn status(state: &State) -> (StepStatus, String) {
    if state.config.source.export.is_none() {
        return (StepStatus::Attention, "set the export path".into());
    }
    if let Some(conflict) = date_order_conflict(state) {
        return (StepStatus::Attention, conflict);
    }
    match &state.connect.preflight {
        Loadable::Ready(p) if p.is_ok() => {}
        Loadable::Ready(_) => {
            return (
                StepStatus::Attention,
                "the connection test found problems".into(),
            );
        }
        Loadable::Failed(_) => {
            return (StepStatus::Attention, "the connection test failed".into());
        }
        Loadable::Loading => return (StepStatus::Attention, "testing the connection…".into()),
        Loadable::Idle => {
            return (
                StepStatus::Attention,
                "test the connection (t) to go on with Nutshell's schema".into(),
            );
        }
    }
    (
        StepStatus::Done,
        "export set, connection tested; n goes on to Discovery".into(),
    )
}

/// The data proves one order and the config declares another.
fn date_order_conflict(state: &State) -> Option<String> {
    let report = state.discovery.report()?;
    let proven = match report.date_order.verdict {
        DateOrderVerdict::DayFirst => DateOrder::Dmy,
        DateOrderVerdict::MonthFirst => DateOrder::Mdy,
        DateOrderVerdict::YearFirst => DateOrder::Ymd,
        DateOrderVerdict::Ambiguous | DateOrderVerdict::Conflicting => return None,
    };
    (proven != state.config.source.date_order).then(|| {
        format!(
            "the export's dates are {}, but date order is {}: Enter on Date order to change it",
            date_order_label(proven),
            date_order_label(state.config.source.date_order)
        )
    })
}

/// One line of discovery's evidence about the date order: "251 values prove day-first".
fn date_evidence(state: &State) -> Option<String> {
    let report = state.discovery.report()?;
    let e = &report.date_order.evidence;
    let example = |x: &Option<String>| {
        x.as_deref()
            .map(|v| format!(" (e.g. {v})"))
            .unwrap_or_default()
    };
    Some(match report.date_order.verdict {
        DateOrderVerdict::DayFirst => format!(
            "{} values prove day-first{}; none month-first",
            e.day_first,
            example(&e.day_first_example)
        ),
        DateOrderVerdict::MonthFirst => format!(
            "{} values prove month-first{}; none day-first",
            e.month_first,
            example(&e.month_first_example)
        ),
        DateOrderVerdict::YearFirst => format!("all {} dates are year-first", e.year_first),
        DateOrderVerdict::Conflicting => format!(
            "conflicting: {} day-first{}, {} month-first{}",
            e.day_first,
            example(&e.day_first_example),
            e.month_first,
            example(&e.month_first_example)
        ),
        DateOrderVerdict::Ambiguous => format!(
            "undecided: {} dates fit either order{}; declare it",
            e.ambiguous,
            example(&e.ambiguous_example)
        ),
    })
}

/// The keys of the Connect screen.
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    if state.connect.editing.is_some() {
        return handle_editing(state, action);
    }
    let len = Field::ALL.len();
    let focus = state.connect.focus.index();
    match action {
        Action::Up => state.connect.focus = Field::ALL[(focus + len - 1) % len],
        Action::Down => state.connect.focus = Field::ALL[(focus + 1) % len],
        Action::Home => state.connect.focus = Field::ALL[0],
        Action::End => state.connect.focus = Field::ALL[len - 1],
        Action::Edit => {
            let field = state.connect.focus;
            if field == Field::DateOrder {
                let order = &mut state.config.source.date_order;
                *order = match order {
                    DateOrder::Dmy => DateOrder::Mdy,
                    DateOrder::Mdy => DateOrder::Ymd,
                    DateOrder::Ymd => DateOrder::Dmy,
                };
            } else {
                state.connect.editing = Some(field.value(&state.config));
                state.connect.field_error = None;
            }
        }
        Action::TestConnection => return test_connection(state),
        Action::WriteConfig => return write_config(state),
        _ => {}
    }
    Vec::new()
}

fn handle_editing(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(text) = state.connect.editing.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Insert(c) => text.push(c),
        Action::DeleteBack => {
            text.pop();
        }
        Action::ClearField => text.clear(),
        Action::Back => state.connect.editing = None,
        Action::Commit => {
            let field = state.connect.focus;
            let before = field.value(&state.config);
            let text = text.clone();
            match field.set(&mut state.config, &text) {
                Ok(()) => {
                    state.connect.editing = None;
                    state.connect.field_error = None;
                    let changed = field.value(&state.config) != before;
                    if changed && field == Field::Export {
                        return start_discovery(state);
                    }
                    if changed
                        && matches!(field, Field::Endpoint | Field::Username | Field::ApiKeyEnv)
                    {
                        // A result for other settings no longer says anything.
                        state.connect.preflight = Loadable::Idle;
                    }
                }
                Err(why) => state.connect.field_error = Some((field, why)),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Start the pre-flight for the config as it is now.
pub fn test_connection(state: &mut State) -> Vec<Effect> {
    if state.config.nutshell.endpoint.is_none() && state.config.nutshell.username.is_none() {
        state.notice = Some(Notice::Error(
            "no endpoint and no username: set Endpoint (a URL, or \"sandbox\" for the built-in one) or Username (the endpoint is then discovered), then t".into(),
        ));
        return Vec::new();
    }
    state.connect.preflight = Loadable::Loading;
    vec![Effect::TestConnection {
        config: Box::new(state.config.clone()),
    }]
}

fn write_config(state: &mut State) -> Vec<Effect> {
    match &state.source {
        ConfigSource::Demo => {
            state.notice = Some(Notice::Info(
                "the demo runs with no config file; run `crm-migrate` in your project folder to write one".into(),
            ));
            Vec::new()
        }
        ConfigSource::File { path, exists: true } => {
            state.notice = Some(Notice::Info(format!(
                "{} exists and is left as it is (its comments would be lost): edit it by hand",
                path.display()
            )));
            Vec::new()
        }
        ConfigSource::File {
            path,
            exists: false,
        } => vec![Effect::WriteConfig {
            path: path.clone(),
            config: Box::new(state.config.clone()),
        }],
    }
}

/// Draw the Connect screen into `area`.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let [form_area, test_area] =
        Layout::vertical([Constraint::Length(10), Constraint::Min(3)]).areas(area);
    let mut lines = Vec::new();
    lines.push(Line::from(vec![
        Span::styled("Config  ", theme.dim()),
        Span::raw(match &state.source {
            ConfigSource::Demo => "none: the demo (bundled sample, built-in sandbox)".to_string(),
            ConfigSource::File { path, exists: true } => format!("{}", path.display()),
            ConfigSource::File {
                path,
                exists: false,
            } => {
                format!("{} (not written yet: w writes it)", path.display())
            }
        }),
    ]));
    for field in Field::ALL {
        let focused = state.connect.focus == field;
        let marker = if focused { "› " } else { "  " };
        let value = match (&state.connect.editing, focused) {
            (Some(text), true) => format!("{text}▏"),
            _ => field.value(&state.config),
        };
        let value_style = if focused {
            theme.selected()
        } else {
            theme.plain()
        };
        let mut spans = vec![
            Span::styled(marker, theme.key()),
            Span::styled(format!("{:<12}", field.label()), theme.dim()),
            Span::styled(
                if value.is_empty() {
                    "(not set)".to_string()
                } else {
                    value
                },
                value_style,
            ),
        ];
        if let Some(hint) = hint(state, field) {
            spans.push(Span::raw("  "));
            spans.push(hint);
        }
        lines.push(Line::from(spans));
        if let Some((f, why)) = &state.connect.field_error {
            if *f == field {
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(format!("✗ {why}"), theme.bad()),
                ]));
            }
        }
    }
    let form = Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(" Source and destination "),
        )
        .wrap(Wrap { trim: false });
    frame.render_widget(form, form_area);
    let test = Paragraph::new(preflight_lines(state))
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(" Connection test (t) "),
        )
        .wrap(Wrap { trim: false });
    frame.render_widget(test, test_area);
}

/// What is known about a field's value, beside it.
fn hint(state: &State, field: Field) -> Option<Span<'static>> {
    let theme = state.theme;
    match field {
        Field::Export => match &state.discovery.discovered {
            Loadable::Loading => Some(Span::styled("reading…", theme.dim())),
            Loadable::Ready(d) => Some(Span::styled(
                format!(
                    "✓ {} files, {} records",
                    d.report.objects.len(),
                    d.report.records
                ),
                theme.good(),
            )),
            Loadable::Failed(_) => Some(Span::styled(
                "✗ cannot read it (see Discovery)",
                theme.bad(),
            )),
            Loadable::Idle => None,
        },
        Field::DateOrder => {
            let evidence = date_evidence(state)?;
            if date_order_conflict(state).is_some() {
                Some(Span::styled(format!("✗ data: {evidence}"), theme.bad()))
            } else {
                Some(Span::styled(format!("discovery: {evidence}"), theme.dim()))
            }
        }
        Field::Endpoint => {
            let sandbox = state.config.nutshell.endpoint_setting() == EndpointSetting::Sandbox;
            match (sandbox, &state.source) {
                (true, ConfigSource::Demo) => {
                    Some(Span::styled("built-in, in this process", theme.dim()))
                }
                (true, _) => Some(Span::styled("built-in sandbox", theme.dim())),
                (false, _) if state.config.nutshell.endpoint.is_none() => {
                    Some(Span::styled("found from Username when empty", theme.dim()))
                }
                _ => None,
            }
        }
        Field::Username if state.config.nutshell.endpoint_setting() == EndpointSetting::Sandbox => {
            Some(Span::styled("the sandbox uses its own user", theme.dim()))
        }
        _ => None,
    }
}

fn preflight_lines(state: &State) -> Vec<Line<'static>> {
    let theme = state.theme;
    let ok = |text: String| Line::from(Span::styled(format!("✓ {text}"), theme.good()));
    let bad = |text: String| Line::from(Span::styled(format!("✗ {text}"), theme.bad()));
    match &state.connect.preflight {
        Loadable::Idle => vec![Line::from(Span::styled(
            "not tested yet: t checks the API's method description and the credentials",
            theme.dim(),
        ))],
        Loadable::Loading => vec![Line::from("testing…")],
        Loadable::Failed(why) => vec![bad(why.clone())],
        Loadable::Ready(p) => {
            let mut lines = vec![ok(format!(
                "endpoint {}{}",
                p.endpoint,
                if p.sandbox { " (built-in sandbox)" } else { "" }
            ))];
            let described = format!(
                "method description lists {} methods; crm-migrate uses {}",
                p.described_methods, p.used_methods
            );
            if p.mismatches.is_empty() {
                lines.push(ok(format!("{described}: all present")));
            } else {
                lines.push(bad(format!("{described}: {} missing", p.mismatches.len())));
                for m in &p.mismatches {
                    lines.push(Line::from(format!("    {m}")));
                }
            }
            match &p.credentials_error {
                None => lines.push(ok("credentials accepted".into())),
                Some(why) => lines.push(bad(format!("credentials: {why}"))),
            }
            lines
        }
    }
}
