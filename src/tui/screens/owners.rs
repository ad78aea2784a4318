//! Owners: the reconciliation queue of `engine::owners` — each owner no Nutshell user matched
//! (or that fits several, or that owners.toml names wrongly) with its record counts, sample
//! records and flags, then the owners already resolved and how. Enter opens a fuzzy-filtered
//! list of Nutshell users; the pick goes into owners.toml through the engine's own writer
//! (`write_owners_file`), so `crm-migrate migrate` applies it. "re-fetch users" reads users again
//! after the admin adds one. The step is done, and `n` goes on, only when the queue is empty.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::discovery::owners::User as RsoftUser;
use crate::engine::owners::{
    MatchedBy, QueuedOwner, Unresolved, conflict_text, namesakes_text, reconcile, rsoft_users,
    same_owner,
};
use crate::engine::schema::DestinationUser;

use super::super::action::{Action, Checked};
use super::super::effect::Effect;
use super::super::state::{Loadable, Notice, State, StepStatus};
use super::super::widgets::picker::Picker;
use super::super::widgets::table::{self, visible};
use super::readiness::{self, is_owner};

pub use super::super::state::owners::OwnersView;
use super::super::state::owners::{Entry, rows};

/// Blocked until the check can run; done when the queue is empty.
pub fn status(state: &State) -> (StepStatus, String) {
    if let Some(why) = readiness::unmet(state) {
        return (StepStatus::Blocked, why);
    }
    match &state.ready {
        Loadable::Idle => (StepStatus::Attention, "open it to match owners".into()),
        Loadable::Loading => (StepStatus::Attention, "matching owners…".into()),
        Loadable::Failed(_) => (
            StepStatus::Attention,
            "the check failed: r tries again".into(),
        ),
        Loadable::Ready(c) => {
            let owners = &c.readiness.owners;
            match owners.queue.owners.len() {
                0 => (
                    StepStatus::Done,
                    format!("all {} owners have a Nutshell user", owners.decisions.len()),
                ),
                n => (
                    StepStatus::Attention,
                    format!(
                        "{n} owner{} to assign (Enter), {} records waiting",
                        if n == 1 { "" } else { "s" },
                        owners.queue.owners.iter().map(|o| o.records).sum::<u64>()
                    ),
                ),
            }
        }
    }
}

/// Whether the operator may leave forward: not while owners wait.
pub fn may_leave(state: &State) -> Result<(), String> {
    match state.ready.ready() {
        Some(c) if !c.readiness.owners.queue.owners.is_empty() => Err(format!(
            "{} owner(s) still without a Nutshell user: Enter assigns one (the queue must be empty to go on)",
            c.readiness.owners.queue.owners.len()
        )),
        _ => Ok(()),
    }
}

/// The keys of the Owners screen (and of its user picker).
pub fn handle(state: &mut State, action: Action, body: Rect) -> Vec<Effect> {
    if state.owners.picker.is_some() {
        return handle_picker(state, action);
    }
    if action == Action::Recheck {
        return readiness::check(state, crate::engine::ready::Writes::None);
    }
    let Some(c) = state.ready.ready() else {
        return Vec::new();
    };
    let list = rows(c);
    let selected = list.get(state.owners.rows.selected).map(|e| match e {
        Entry::Queued(o) => (o.key.clone(), candidates(o, &c.readiness.destination.users)),
        Entry::Decided(d) => (d.key.clone(), Vec::new()),
    });
    let by_file = matches!(
        list.get(state.owners.rows.selected),
        Some(Entry::Decided(d)) if d.by == MatchedBy::OwnersFile
    );
    let len = list.len();
    match action {
        Action::Choose => {
            if let Some((key, first)) = selected {
                open_picker(state, key, &first);
            }
        }
        Action::Unassign => match selected {
            Some((key, _)) if by_file || !c.file.decided_lines(&key).is_empty() => {
                return decide(state, &key, None);
            }
            Some(_) => {
                state.notice = Some(Notice::Info(
                    "only a decision made here or in owners.toml can be cleared; Enter picks another user"
                        .into(),
                ));
            }
            None => {}
        },
        Action::RefreshUsers => {
            state.owners.refreshing = true;
            return vec![Effect::RefreshUsers {
                config: Box::new(state.config.clone()),
            }];
        }
        other => table::navigate(&mut state.owners.rows, &other, len, list_page(body)),
    }
    Vec::new()
}

/// User ids an ambiguous owner fits, or its conflicting owners.toml lines name, to list first.
fn candidates(o: &QueuedOwner, users: &[DestinationUser]) -> Vec<i64> {
    match &o.why {
        Unresolved::Ambiguous { candidates } => candidates.iter().map(|c| c.0).collect(),
        Unresolved::Namesakes { user, .. } => vec![user.0],
        Unresolved::Conflict { lines } => {
            let mut ids: Vec<i64> = Vec::new();
            for (_, value) in lines {
                let found = users
                    .iter()
                    .find(|u| u.emails.iter().any(|e| e.eq_ignore_ascii_case(value)));
                if let Some(u) = found.filter(|u| !ids.contains(&u.id)) {
                    ids.push(u.id);
                }
            }
            ids
        }
        _ => Vec::new(),
    }
}

fn user_label(u: &DestinationUser) -> String {
    let mut label = u.name.clone();
    if !u.emails.is_empty() {
        label.push_str(&format!(" <{}>", u.emails.join(", ")));
    }
    if !u.enabled {
        label.push_str(" (disabled)");
    }
    label
}

fn open_picker(state: &mut State, key: String, first: &[i64]) {
    let Some(c) = state.ready.ready() else { return };
    let users = &c.readiness.destination.users;
    let mut order: Vec<&DestinationUser> = first
        .iter()
        .filter_map(|id| users.iter().find(|u| u.id == *id))
        .collect();
    order.extend(users.iter().filter(|u| !first.contains(&u.id)));
    let labels = order.iter().map(|u| user_label(u)).collect();
    state.owners.picker_users = order.iter().map(|u| u.id).collect();
    state.owners.picker = Some((
        key.clone(),
        Picker::new(format!("Nutshell user for {key:?}"), labels),
    ));
}

fn handle_picker(state: &mut State, action: Action) -> Vec<Effect> {
    let Some((key, picker)) = state.owners.picker.as_mut() else {
        return Vec::new();
    };
    if picker.handle(&action) {
        return Vec::new();
    }
    match action {
        Action::Back => state.owners.picker = None,
        Action::Assign => {
            let Some(at) = picker.selected() else {
                state.notice = Some(Notice::Info(
                    "no user matches the filter; if the person is new, the admin adds them in Nutshell, then u re-fetches users".into(),
                ));
                return Vec::new();
            };
            let key = key.clone();
            let Some(id) = state.owners.picker_users.get(at).copied() else {
                return Vec::new();
            };
            state.owners.picker = None;
            return decide(state, &key, Some(id));
        }
        _ => {}
    }
    Vec::new()
}

/// Put the operator's decision for `key` into owners.toml (a user, or none to clear it), match
/// again with the engine's `reconcile`, and write the file with the engine's writer.
fn decide(state: &mut State, key: &str, user: Option<i64>) -> Vec<Effect> {
    let rsoft = rsoft_users_of(state);
    let Some(c) = state.ready.ready_mut() else {
        return Vec::new();
    };
    let value = match user.and_then(|id| c.readiness.destination.user(id)) {
        // owners.toml names users by email; a user without one by its (unique) name.
        Some(u) => u.emails.first().cloned().unwrap_or_else(|| u.name.clone()),
        None if user.is_some() => return Vec::new(),
        None => String::new(),
    };
    // Every spelling of the owner gives way to this one line: a decision here also settles
    // owners.toml lines that gave the owner different users.
    c.file.entries.retain(|k, _| !same_owner(k, key));
    c.file.entries.insert(key.to_string(), value.clone());
    rematch(c, &rsoft);
    let disabled = user
        .and_then(|id| c.readiness.destination.user(id))
        .is_some_and(|u| !u.enabled);
    state.notice = Some(Notice::Info(if value.is_empty() {
        format!("{key:?} is undecided again")
    } else if disabled {
        format!(
            "{key:?} → {value}; that Nutshell user is disabled: their records are still assigned to them"
        )
    } else {
        format!("{key:?} → {value}")
    }));
    state.owners.clamp(state.ready.ready().map(|c| &**c));
    save(state).into_iter().collect()
}

/// Write owners.toml as the last check holds it, with the engine's writer (the one path every
/// decision and re-fetch takes).
fn save(state: &mut State) -> Option<Effect> {
    let c = state.ready.ready()?;
    let effect = Effect::SaveOwners {
        path: c.files.owners.clone(),
        file: Box::new(c.file.clone()),
        owners: Box::new(c.readiness.owners.clone()),
    };
    state.owners.saving = true;
    Some(effect)
}

/// RSoft's users as discovery read them from the export (none before it has): what
/// `reconcile` matches owners by, with owners.toml and Nutshell's users.
fn rsoft_users_of(state: &State) -> Vec<RsoftUser> {
    state
        .discovery
        .report()
        .map(rsoft_users)
        .unwrap_or_default()
}

/// Match every owner again (the engine's rule: owners.toml first, then email, then a unique
/// name) and replace the owner blockers.
fn rematch(c: &mut Checked, rsoft: &[RsoftUser]) {
    let r = &mut c.readiness;
    r.owners = reconcile(&r.scan.owners, &r.destination.users, &c.file, rsoft);
    r.blockers.retain(|b| !is_owner(b.kind));
    r.blockers.extend(r.owners.blockers(&c.files));
}

/// Fold in users read again: match again; owners.toml is rewritten while owners still wait, as
/// `get_ready` does.
pub fn users(state: &mut State, result: Result<Vec<DestinationUser>, String>) -> Vec<Effect> {
    state.owners.refreshing = false;
    let users = match result {
        Ok(users) => users,
        Err(why) => {
            state.notice = Some(Notice::Error(format!(
                "{why}. Next: u re-fetches again, or test the connection on Connect (t)"
            )));
            return Vec::new();
        }
    };
    let rsoft = rsoft_users_of(state);
    let Some(c) = state.ready.ready_mut() else {
        return Vec::new();
    };
    let before = c.readiness.owners.queue.owners.len();
    let count = users.len();
    c.readiness.destination.users = users;
    rematch(c, &rsoft);
    let after = c.readiness.owners.queue.owners.len();
    state.notice = Some(Notice::Info(format!(
        "{count} Nutshell users; {} owner(s) matched now, {after} still to assign",
        before.saturating_sub(after)
    )));
    state.owners.clamp(state.ready.ready().map(|c| &**c));
    // Written while owners still wait, as `get_ready` does.
    if after > 0 {
        save(state).into_iter().collect()
    } else {
        Vec::new()
    }
}

/// Fold in a write of owners.toml.
pub fn saved(state: &mut State, path: std::path::PathBuf, result: Result<(), String>) {
    state.owners.saving = false;
    if let Err(why) = result {
        state.notice = Some(Notice::Error(format!(
            "{why}; the decision is on screen but not in {}: assign again to retry",
            path.display()
        )));
    }
}

/// List and detail.
fn areas(body: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(4), Constraint::Length(7)]).areas(body)
}

fn list_page(body: Rect) -> usize {
    let [list, _] = areas(body);
    usize::from(list.height.saturating_sub(table::CHROME))
}

fn why_text(o: &QueuedOwner) -> String {
    match &o.why {
        Unresolved::NoMatch => "no user has this email or name".into(),
        Unresolved::Ambiguous { candidates } => {
            format!("fits {} users: pick one", candidates.len())
        }
        Unresolved::Namesakes { rsoft, .. } => {
            format!("{} people of this name in RSoft: confirm", rsoft.len())
        }
        Unresolved::UnknownUser { value } => format!("owners.toml: {value:?} is no user"),
        Unresolved::Conflict { lines } => {
            format!(
                "{} owners.toml lines, different users: pick one",
                lines.len()
            )
        }
    }
}

fn by_text(by: MatchedBy) -> &'static str {
    match by {
        MatchedBy::Email => "email",
        MatchedBy::DisplayName => "name",
        MatchedBy::OwnersFile => "owners.toml",
    }
}

/// Draw the Owners screen into `area`.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = state.theme;
    let Some(c) = readiness::ready_or_panel(
        state,
        frame,
        area,
        "reading Nutshell's users and matching every owner…",
        "r matches the export's owners with Nutshell's users.",
    ) else {
        return;
    };
    let [list_area, detail] = areas(area);
    let list = rows(c);
    let page = usize::from(list_area.height.saturating_sub(table::CHROME));
    let wide = list_area.width >= 110;
    let lines = visible(&list, &state.owners.rows, page).map(|(pos, e)| {
        let row = match e {
            Entry::Queued(o) => {
                let mut flags = why_text(o);
                if let Some(status) = &o.rsoft_status {
                    flags = format!("{status} in RSoft · {flags}");
                }
                Row::new(vec![
                    Line::from(Span::styled("✗", theme.bad())),
                    Line::from(o.key.clone()),
                    Line::from(o.records.to_string()),
                    Line::from(Span::styled(flags, theme.warn())),
                ])
            }
            Entry::Decided(d) => Row::new(vec![
                Line::from(Span::styled("✓", theme.good())),
                Line::from(d.key.clone()),
                Line::from(d.records.to_string()),
                Line::from(format!(
                    "→ {} (by {}){}",
                    d.user_name,
                    by_text(d.by),
                    if d.user_disabled { " · disabled" } else { "" }
                )),
            ]),
        };
        table::highlight(row, pos == state.owners.rows.selected, theme)
    });
    let widths = [
        Constraint::Length(2),
        Constraint::Length(if wide { 32 } else { 24 }),
        Constraint::Length(7),
        Constraint::Min(10),
    ];
    let queued = c.readiness.owners.queue.owners.len();
    let title = format!(
        " {queued} to assign · {} resolved — Enter assigns a user ",
        c.readiness.owners.decisions.len()
    );
    frame.render_widget(
        Table::new(lines, widths)
            .header(Row::new(["", "RSoft owner", "Records", "Status"]).style(theme.title()))
            .block(Block::default().borders(Borders::TOP).title(title)),
        list_area,
    );
    frame.render_widget(
        Paragraph::new(detail_lines(state, c, list.get(state.owners.rows.selected)))
            .block(Block::default().borders(Borders::TOP))
            .wrap(Wrap { trim: true }),
        detail,
    );
    if let Some((_, picker)) = &state.owners.picker {
        picker.render(theme, frame, area);
    }
}

fn detail_lines(state: &State, c: &Checked, entry: Option<&Entry<'_>>) -> Vec<Line<'static>> {
    let theme = state.theme;
    let mut lines = Vec::new();
    match entry {
        Some(Entry::Queued(o)) => {
            let who = [o.name.clone(), o.email.as_ref().map(|e| format!("<{e}>"))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", o.key), theme.title()),
                Span::raw(if who.is_empty() { o.key.clone() } else { who }),
                Span::styled(
                    o.rsoft_status
                        .as_ref()
                        .map(|s| format!("  ⚠ {s} in RSoft's users file"))
                        .unwrap_or_default(),
                    theme.warn(),
                ),
            ]));
            let per: Vec<String> = o
                .modules
                .iter()
                .map(|(m, n)| format!("{} {n}", m.as_str()))
                .collect();
            lines.push(Line::from(match o.records {
                0 => "no record of this export has this owner".to_string(),
                n => format!(
                    "{n} records ({}); e.g. {}",
                    per.join(", "),
                    o.samples.join(", ")
                ),
            }));
            match &o.why {
                Unresolved::Ambiguous { candidates } => lines.push(Line::from(Span::styled(
                    format!(
                        "⚠ ambiguous — fits: {}",
                        candidates
                            .iter()
                            .map(|(_, n, e)| format!("{n} <{e}>"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    theme.warn(),
                ))),
                other => lines.push(Line::from(Span::styled(
                    format!("✗ {}", why_text_of(other)),
                    theme.bad(),
                ))),
            }
        }
        Some(Entry::Decided(d)) => {
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", d.key), theme.title()),
                Span::raw(format!(
                    "→ {} (user {}), matched by {}; {} records",
                    d.user_name,
                    d.user_id,
                    by_text(d.by),
                    d.records
                )),
            ]));
            if d.cells.len() > 1 {
                lines.push(Line::from(format!("written as: {}", d.cells.join(" · "))));
            }
        }
        None => lines.push(Line::from("No owner column is mapped to an owner lookup.")),
    }
    lines.push(Line::from(Span::styled(
        format!(
            "{} Nutshell users · decisions in {}{}",
            c.readiness.destination.users.len(),
            c.files.owners.display(),
            if state.owners.saving {
                " (saving…)"
            } else {
                ""
            }
        ),
        theme.dim(),
    )));
    lines
}

fn why_text_of(why: &Unresolved) -> String {
    match why {
        Unresolved::NoMatch => {
            "no Nutshell user has this email or name: assign one, or the admin adds the person and u re-fetches users".into()
        }
        Unresolved::Ambiguous { .. } => "fits several users".into(),
        Unresolved::Namesakes { user, rsoft } => namesakes_text(user, rsoft),
        Unresolved::UnknownUser { value } => {
            format!("owners.toml says {value:?}, which is no Nutshell user's email")
        }
        Unresolved::Conflict { lines } => format!(
            "{}: Enter picks the user and keeps one line",
            conflict_text(lines)
        ),
    }
}
