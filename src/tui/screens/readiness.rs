//! What the Schema and Owners screens share: one `engine::ready::get_ready` result (the call
//! `migrate` makes before a load), what must be true before it can run, and folding it in.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::blockers::{Blocker, BlockerKind, Files};
use crate::engine::ready::Writes;

use super::super::action::Checked;
use super::super::effect::Effect;
use super::super::state::{ConfigSource, Loadable, Notice, State};

/// Blockers the account's admin (or a refused create) must clear: the Schema screen's.
pub fn is_destination(kind: BlockerKind) -> bool {
    matches!(
        kind,
        BlockerKind::MissingPipeline
            | BlockerKind::MissingStage
            | BlockerKind::MissingActivityType
            | BlockerKind::CustomField
            | BlockerKind::Tag
    )
}

/// Blockers of the owner queue: the Owners screen's.
pub fn is_owner(kind: BlockerKind) -> bool {
    matches!(
        kind,
        BlockerKind::UnmatchedOwner
            | BlockerKind::AmbiguousOwner
            | BlockerKind::UnknownOwnerUser
            | BlockerKind::OwnerConflict
    )
}

/// Why the check cannot run yet (an earlier step to finish), if it cannot.
pub fn unmet(state: &State) -> Option<String> {
    if state.discovery.report().is_none() {
        return Some("Discovery must read the export first".into());
    }
    if !state.connect.preflight.ready().is_some_and(|p| p.is_ok()) {
        return Some("test the connection on Connect (t) first".into());
    }
    if state.field_map.proposal.ready().is_none() {
        return Some("open the Field map first".into());
    }
    if state.field_map.unsaved() {
        return Some(
            "save the field map first (s on Field map): the check reads the map migrate reads"
                .into(),
        );
    }
    None
}

/// The files a run of this wizard's config reads and writes (blockers name them).
pub fn files(state: &State) -> Files {
    let config_path = match &state.source {
        ConfigSource::File { path, .. } => path.clone(),
        ConfigSource::Demo => PathBuf::from("(the demo has no config file)"),
    };
    Files::of(&config_path, &state.config)
}

/// Run `get_ready` on the saved map, unless an earlier step is unfinished (then say so).
pub fn check(state: &mut State, writes: Writes) -> Vec<Effect> {
    if let Some(why) = unmet(state) {
        state.notice = Some(Notice::Info(why));
        return Vec::new();
    }
    if state.ready.is_loading() {
        return Vec::new();
    }
    let (Some(report), Some(proposal)) =
        (state.discovery.report(), state.field_map.proposal.ready())
    else {
        return Vec::new();
    };
    let effect = Effect::Check {
        config: Box::new(state.config.clone()),
        map: Box::new(proposal.map.clone()),
        report: Box::new(report.clone()),
        files: Box::new(files(state)),
        writes,
    };
    state.ready = Loadable::Loading;
    vec![effect]
}

/// A step that shows the check was entered: check when it was never done (or is stale).
pub fn enter(state: &mut State) -> Vec<Effect> {
    if state.ready == Loadable::Idle && unmet(state).is_none() {
        return check(state, Writes::None);
    }
    Vec::new()
}

/// Fold a finished check.
pub fn checked(state: &mut State, result: Result<Box<Checked>, String>) {
    match result {
        Ok(c) => {
            if c.writes == Writes::Allowed {
                state.notice = Some(Notice::Info(created_message(&c)));
            }
            state.ready = Loadable::Ready(c);
            state.owners.clamp(state.ready.ready().map(|c| &**c));
        }
        Err(why) => {
            state.notice = Some(Notice::Error(format!(
                "{why}. Next: r checks again (Connect's t tests the connection)"
            )));
            state.ready = Loadable::Failed(why);
        }
    }
}

fn created_message(c: &Checked) -> String {
    let made = &c.readiness.created;
    let blockers = &c.readiness.blockers;
    let refused = blockers.iter().filter(|b| is_destination(b.kind)).count();
    let nothing = made.custom_fields.is_empty() && made.tags.is_empty() && made.sources.is_empty();
    if nothing && !blockers.is_empty() {
        return format!(
            "nothing created: {} blocker{} first ({}); migrate would stop here too",
            blockers.len(),
            if blockers.len() == 1 { "" } else { "s" },
            summarise(blockers)
        );
    }
    format!(
        "created {} custom fields, {} tags, {} sources{}",
        made.custom_fields.len(),
        made.tags.len(),
        made.sources.len(),
        if refused > 0 {
            format!("; {refused} refused (listed below)")
        } else {
            String::new()
        }
    )
}

/// `2 owners, 1 for the admin, 3 in the field map`.
pub fn summarise(blockers: &[Blocker]) -> String {
    let owners = blockers.iter().filter(|b| is_owner(b.kind)).count();
    let admin = blockers.iter().filter(|b| is_destination(b.kind)).count();
    let map = blockers.len() - owners - admin;
    let mut parts = Vec::new();
    if owners > 0 {
        parts.push(format!("{owners} on Owners"));
    }
    if admin > 0 {
        parts.push(format!("{admin} on Schema"));
    }
    if map > 0 {
        parts.push(format!("{map} in the field map"));
    }
    parts.join(", ")
}

/// The check's result to draw, or — while there is none — the panel that says why (reading,
/// failed with the next step, or blocked by an earlier step) drawn over `area` instead.
/// `loading` says what is being read; `idle` what `r` would do.
pub fn ready_or_panel<'a>(
    state: &'a State,
    frame: &mut Frame,
    area: Rect,
    loading: &str,
    idle: &str,
) -> Option<&'a Checked> {
    let theme = state.theme;
    let panel = match &state.ready {
        Loadable::Ready(c) => return Some(c),
        Loadable::Loading => Paragraph::new(loading.to_string()),
        Loadable::Failed(why) => Paragraph::new(vec![
            Line::from(Span::styled(format!("✗ {why}"), theme.bad())),
            Line::from("Next: r checks again."),
        ])
        .wrap(Wrap { trim: false }),
        Loadable::Idle => Paragraph::new(
            unmet(state)
                .map(|why| format!("Blocked: {why} (p goes back)."))
                .unwrap_or_else(|| idle.to_string()),
        )
        .wrap(Wrap { trim: true }),
    };
    frame.render_widget(panel, area);
    None
}
