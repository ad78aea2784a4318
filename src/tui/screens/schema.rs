//! Schema: what preparing the Nutshell account will do, from `engine::ready::get_ready` (the call
//! `migrate` makes): the pipelines, stages and activity types only the account's admin can add
//! (the checklist file), every blocker with the file to edit, then the custom fields, tags and
//! sources to create. "re-check" reads the account again after the admin's changes; "create"
//! (asked twice) runs the same call with writes allowed, which creates only when nothing blocks —
//! exactly as `migrate` would.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::engine::ready::Writes;

use super::super::action::{Action, Checked};
use super::super::effect::Effect;
use super::super::state::{ConfigSource, Loadable, Notice, State, StepStatus};
use super::readiness::{self, is_destination, is_owner};

pub use super::super::state::schema::SchemaView;

/// Blocked until the check can run; needs attention while the admin has something to add (or
/// Nutshell refused a create); done when the account can take the load.
pub fn status(state: &State) -> (StepStatus, String) {
    if let Some(why) = readiness::unmet(state) {
        return (StepStatus::Blocked, why);
    }
    let c = match &state.ready {
        Loadable::Idle => return (StepStatus::Attention, "open it to read the account".into()),
        Loadable::Loading => return (StepStatus::Attention, "reading the account…".into()),
        Loadable::Failed(_) => {
            return (
                StepStatus::Attention,
                "the check failed: r tries again".into(),
            );
        }
        Loadable::Ready(c) => c,
    };
    let admin = c
        .readiness
        .blockers
        .iter()
        .filter(|b| is_destination(b.kind))
        .count();
    if admin > 0 {
        return (
            StepStatus::Attention,
            format!("{admin} item(s) for the admin or to fix; r re-checks after"),
        );
    }
    let house = &c.readiness.house;
    let made = &c.readiness.created;
    let text = if c.writes == Writes::Allowed
        && !(made.custom_fields.is_empty() && made.tags.is_empty() && made.sources.is_empty())
    {
        format!(
            "created {} custom fields, {} tags, {} sources",
            made.custom_fields.len(),
            made.tags.len(),
            made.sources.len()
        )
    } else if house.creates_nothing() {
        "the account has everything the map needs".into()
    } else {
        format!(
            "nothing missing that only the admin can add; {} to create (C, or migrate does it)",
            plan_counts(c)
        )
    };
    (StepStatus::Done, text)
}

fn plan_counts(c: &Checked) -> String {
    let house = &c.readiness.house;
    format!(
        "{} custom fields, {} tags, {} sources",
        house.create_fields.len(),
        house.create_tags.values().map(Vec::len).sum::<usize>(),
        house.create_sources.len()
    )
}

/// The keys of the Schema screen.
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let confirming = std::mem::take(&mut state.schema.confirm_create);
    match action {
        Action::Recheck => return readiness::check(state, Writes::None),
        Action::ActAsAdmin => return act_as_admin(state),
        Action::Create => {
            let Some(c) = state.ready.ready() else {
                return readiness::check(state, Writes::None);
            };
            if confirming {
                return readiness::check(state, Writes::Allowed);
            }
            if c.readiness.house.creates_nothing() {
                state.notice = Some(Notice::Info(
                    "nothing to create: the account has every field, tag and source".into(),
                ));
                return Vec::new();
            }
            let destination = state
                .field_map
                .proposal
                .ready()
                .map(|p| p.destination.clone())
                .unwrap_or_default();
            state.notice = Some(Notice::Info(format!(
                "C again creates {} {destination} (only if nothing blocks, as migrate does); any other key cancels",
                plan_counts(c)
            )));
            state.schema.confirm_create = true;
        }
        Action::Up | Action::ScrollUp => {
            state.schema.scroll = state.schema.scroll.saturating_sub(1)
        }
        Action::Down | Action::ScrollDown => state.schema.scroll += 1,
        Action::PageUp => state.schema.scroll = state.schema.scroll.saturating_sub(10),
        Action::PageDown => state.schema.scroll += 10,
        Action::Home => state.schema.scroll = 0,
        _ => {}
    }
    Vec::new()
}

/// The demo only: it has no admin to hand the checklist to, so the operator plays the part and
/// the checklist's stages and activity types are added to the demo's sandbox as an admin would
/// add them in Nutshell's web app (the API cannot). Then the account is checked again.
fn act_as_admin(state: &mut State) -> Vec<Effect> {
    if state.source != ConfigSource::Demo {
        state.notice = Some(Notice::Info(
            "only the demo plays the admin: hand the checklist to the account's admin, then r re-checks"
                .into(),
        ));
        return Vec::new();
    }
    let Some(c) = state.ready.ready() else {
        return readiness::check(state, Writes::None);
    };
    let checklist = &c.readiness.house.checklist;
    if checklist.is_empty() {
        state.notice = Some(Notice::Info(
            "the checklist is empty: nothing for the admin to add".into(),
        ));
        return Vec::new();
    }
    let stages = checklist
        .pipelines
        .iter()
        .flat_map(|p| p.stages.iter().map(|s| (p.name.clone(), s.name.clone())))
        .collect();
    vec![Effect::ActAsAdmin {
        stages,
        activity_types: checklist.activity_types.clone(),
    }]
}

/// Fold in the demo admin's changes: check the account again, as `r` would.
pub fn admin_acted(state: &mut State, result: Result<(), String>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            state.notice = Some(Notice::Info(
                "the demo's admin added the checklist to the sandbox; checking the account again"
                    .into(),
            ));
            readiness::check(state, Writes::None)
        }
        Err(why) => {
            state.notice = Some(Notice::Error(why));
            Vec::new()
        }
    }
}

/// Every line of the screen (scrolled by the view).
pub fn lines(state: &State, c: &Checked) -> Vec<Line<'static>> {
    let theme = state.theme;
    let r = &c.readiness;
    let d = &r.destination;
    let mut out = vec![Line::from(Span::styled(
        format!(
            "Account: {} users · {} pipelines · {} activity types · {} sources · custom fields {}",
            d.users.len(),
            d.pipelines.len(),
            d.activity_types.len(),
            d.sources.len(),
            d.custom_fields
                .iter()
                .map(|(e, f)| format!("{} {}", e.as_str(), f.len()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        theme.dim(),
    ))];
    let title = |t: String| Line::from(Span::styled(t, theme.title()));
    let checklist = &r.house.checklist;
    out.push(title(format!(
        "For the account's admin — {}",
        if checklist.is_empty() {
            "nothing to add".to_string()
        } else {
            format!("checklist in {}", c.files.checklist.display())
        }
    )));
    for p in &checklist.pipelines {
        let stages: Vec<String> = p
            .stages
            .iter()
            .map(|s| match &s.probability {
                Some(pr) => format!("{} ({pr}%)", s.name),
                None => s.name.clone(),
            })
            .collect();
        out.push(Line::from(Span::styled(
            if p.exists {
                format!(
                    "  ☐ pipeline {:?}: add stage(s) {} (has: {})",
                    p.name,
                    stages.join(", "),
                    p.existing.join(", ")
                )
            } else {
                format!(
                    "  ☐ create pipeline {:?} with stages {}",
                    p.name,
                    stages.join(", ")
                )
            },
            theme.warn(),
        )));
    }
    for t in &checklist.activity_types {
        out.push(Line::from(Span::styled(
            format!("  ☐ add activity type {t:?}"),
            theme.warn(),
        )));
    }
    if checklist.is_empty() {
        out.push(Line::from(Span::styled(
            "  ✓ every mapped pipeline, stage and activity type exists",
            theme.good(),
        )));
    } else {
        out.push(Line::from(Span::styled(
            if state.source == ConfigSource::Demo {
                "  Nutshell's API cannot create these: hand the checklist to the admin, then r re-checks (demo: A plays the admin)"
            } else {
                "  Nutshell's API cannot create these: hand the checklist to the admin, then r re-checks"
            },
            theme.dim(),
        )));
    }

    out.push(title(format!(
        "Blockers — {}",
        if r.blockers.is_empty() {
            "none: migrate can run".to_string()
        } else {
            format!(
                "{} ({})",
                r.blockers.len(),
                readiness::summarise(&r.blockers)
            )
        }
    )));
    // The Schema screen's own first, then the others with where to resolve them.
    let mut sorted: Vec<_> = r.blockers.iter().collect();
    sorted.sort_by_key(|b| (!is_destination(b.kind), is_owner(b.kind), b.kind));
    for b in sorted {
        let style = if is_destination(b.kind) {
            theme.bad()
        } else {
            theme.warn()
        };
        out.push(Line::from(Span::styled(
            format!("  ✗ {}: {}", b.item, b.problem),
            style,
        )));
        let where_ = if is_owner(b.kind) {
            "on Owners (n)".to_string()
        } else {
            format!("in {}", b.file.display())
        };
        out.push(Line::from(Span::styled(
            format!("      fix {where_}: {}", b.fix),
            theme.dim(),
        )));
    }
    let made = &r.created;
    out.push(title(format!(
        "Will be created — {} (C now, or migrate does it)",
        plan_counts(c)
    )));
    let mark = |done: bool| if done { "✓ created " } else { "+ " };
    for f in &r.house.create_fields {
        let done = made.custom_fields.contains(&(f.entity, f.name.clone()));
        out.push(Line::from(format!(
            "  {}custom field {} · {:?} ({}) — for {}",
            mark(done),
            f.entity.as_str(),
            f.name,
            f.kind.nutshell_custom_type(),
            f.wanted_by
        )));
    }
    for (entity, tags) in &r.house.create_tags {
        let done = tags
            .iter()
            .filter(|t| made.tags.contains(&(*entity, (*t).clone())))
            .count();
        out.push(Line::from(format!(
            "  {}{} tag(s) on {}{}: {}",
            mark(done == tags.len() && done > 0),
            tags.len(),
            entity.as_str(),
            if done > 0 && done < tags.len() {
                format!(" ({done} created)")
            } else {
                String::new()
            },
            tags.join(", ")
        )));
    }
    if !r.house.create_sources.is_empty() {
        let done = r
            .house
            .create_sources
            .iter()
            .all(|s| made.sources.contains(s));
        out.push(Line::from(format!(
            "  {}lead source(s): {}",
            mark(done),
            r.house.create_sources.join(", ")
        )));
    }
    if r.house.creates_nothing() {
        out.push(Line::from(Span::styled(
            "  nothing: the account has every field, tag and source",
            theme.good(),
        )));
    }

    out
}

/// Draw the Schema screen into `area`.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(c) = readiness::ready_or_panel(
        state,
        frame,
        area,
        "reading the Nutshell account and planning what to create…",
        "r reads the account and plans what to create.",
    ) else {
        return;
    };
    let lines = lines(state, c);
    let scroll = state
        .schema
        .scroll
        .min(lines.len().saturating_sub(1))
        .min(usize::from(u16::MAX)) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(" Preparing Nutshell — r re-check · C create · ↑↓ scroll "),
            ),
        area,
    );
}
