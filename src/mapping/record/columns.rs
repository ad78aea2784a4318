//! One pass over a row's column entries: every mapped cell converted by its target's transform
//! (standard fields by their catalogue kind, custom fields by theirs, tags split, note lines kept,
//! lookups and related-record cells kept for the module's builder), every rejection recorded with
//! the original. The module builders ([`super::account`] …) assemble payloads from a [`Read`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveTime, SecondsFormat, TimeZone};
use serde_json::{Map, Value, json};

use super::text::{escape_mentions, when_for_people};
use super::{
    BuildSettings, Built, CellReason, Cells, Lookups, Plan, RecordRef, Resolution, company_key,
};
use crate::config::DateOrder;
use crate::mapping::catalogue::{ValueKind, ValueMapKind, standard_field};
use crate::mapping::model::{LookupKey, ModuleMap, RelatedPart, Target, ValueEntry, target_kind};
use crate::mapping::transform::{
    ColumnFormat, Converted as Conversion, DatedValue, FORMULA_REASON, NumberFormat, Placeholder,
    Rejected, SourceFormat, StandIn, When, cell_values, convert_in, country, money_caveat,
    normalize_email, parse_date, parse_mailbox, parse_money_in, parse_serial, parse_when,
    split_tags, stand_in,
};
use crate::nutshell::{EntityType, Money};
use crate::rsoft::Module;

/// What every builder reads: the module, its map section, the export's formats, the lookups.
pub struct Context<'a> {
    pub module: Module,
    pub map: &'a ModuleMap,
    pub settings: &'a BuildSettings,
    pub lookups: &'a dyn Lookups,
}

/// A source cell: its header and its text exactly as the export has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub header: String,
    pub raw: String,
}

impl Cell {
    pub fn text(&self) -> &str {
        self.raw.trim()
    }
}

/// A converted standard-field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Ready for the payload (a string, a number, a money object).
    Json(Value),
    /// A date or a moment; the builder decides how the field takes it ([`nutshell_time`]).
    When(When),
    /// A value-mapped cell (status, stage, type…), trimmed, for [`Context::mapped`].
    Choice(String),
}

/// A cell mapped to a note line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLine {
    pub label: String,
    pub cell: Cell,
    /// The RSoft standard column it is (`Sent On`, `From`), whatever the export calls it (read
    /// with the export's vocabulary, its extension's spellings included).
    pub canonical: Option<String>,
}

/// A cell naming a related record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupCell {
    pub entity: EntityType,
    pub by: LookupKey,
    pub cell: Cell,
}

/// A row read through its map: values by target, and what went wrong so far.
#[derive(Debug, Default)]
pub struct Read {
    pub legacy_id: Option<Cell>,
    /// Standard-field path (`Contacts.phone`) → values, in column order.
    pub fields: BTreeMap<String, Vec<(Cell, Val)>>,
    /// Custom-field name → value, as Nutshell takes it.
    pub custom: Map<String, Value>,
    pub tags: Vec<String>,
    pub notes: Vec<NoteLine>,
    pub lookups: Vec<LookupCell>,
    pub related_module: Option<Cell>,
    pub related_id: Option<Cell>,
    pub caveats: Vec<String>,
    /// Cells of typed fields and references holding a placeholder (`31/12/9999`, `N/A`), with
    /// the target they were for: read as blank, each with a caveat.
    pub placeholders: Vec<(Target, Cell, Placeholder)>,
    /// Email values written with a display name (`"Kumar, Ravi" <ravi@acme.in>`) and that
    /// name, which the builder keeps in the record's note unless it is the record's own name
    /// ([`super::parts::keep_email_names`]).
    pub email_names: Vec<(Cell, String)>,
    pub problems: Vec<CellReason>,
    pub holds: Vec<CellReason>,
}

/// Why a row stops: what [`super::Built`] says instead of a plan.
#[derive(Debug)]
pub enum Stop {
    Hold(Vec<CellReason>),
    Problems(Vec<CellReason>),
}

impl Stop {
    pub fn problem(column: &str, value: &str, reason: impl Into<String>) -> Self {
        Stop::Problems(vec![CellReason::new(column, value, reason)])
    }

    pub fn into_built(self) -> Built {
        match self {
            Stop::Hold(reasons) => Built::Hold { reasons },
            Stop::Problems(problems) => Built::Problems { problems },
        }
    }
}

impl Read {
    /// The first value of a standard field.
    pub fn first(&self, path: &str) -> Option<&(Cell, Val)> {
        self.fields.get(path).and_then(|v| v.first())
    }

    /// All values of a standard field, in column order.
    pub fn all(&self, path: &str) -> &[(Cell, Val)] {
        self.fields.get(path).map_or(&[], Vec::as_slice)
    }

    /// The first value of a field as payload JSON (`None` for absent or non-JSON values).
    pub fn json(&self, path: &str) -> Option<&Value> {
        match self.first(path) {
            Some((_, Val::Json(v))) => Some(v),
            _ => None,
        }
    }

    /// The first value of a text field.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.json(path).and_then(Value::as_str)
    }

    /// Every JSON value of a multi-value field (phones, emails, urls), deduplicated.
    pub fn list(&self, path: &str) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for (_, val) in self.all(path) {
            if let Val::Json(v) = val
                && !out.contains(v)
            {
                out.push(v.clone());
            }
        }
        out
    }

    /// A problem with a cell; the row will end in problems.
    pub fn problem(&mut self, cell: &Cell, reason: impl Into<String>) {
        self.problems
            .push(CellReason::new(&cell.header, &cell.raw, reason));
    }

    /// A problem with the row as a whole (a required value no column gives).
    pub fn row_problem(&mut self, reason: impl Into<String>) {
        self.problems.push(CellReason::new("", "", reason));
    }

    /// A hold on the row as a whole (an orphan).
    pub fn row_hold(&mut self, reason: impl Into<String>) {
        self.holds.push(CellReason::new("", "", reason));
    }

    /// A hold on a cell; the row will end held unless it has problems.
    pub fn hold(&mut self, cell: &Cell, reason: impl Into<String>) {
        self.holds
            .push(CellReason::new(&cell.header, &cell.raw, reason));
    }

    /// Take a lookup's answer: the id when found, else a hold saying what was looked up.
    pub fn take<T>(&mut self, cell: &Cell, what: &str, found: Resolution<T>) -> Option<T> {
        match found {
            Resolution::Found(t) => Some(t),
            Resolution::Held(reason) => {
                self.hold(cell, format!("{what} is not loaded: {reason}"));
                None
            }
            Resolution::Missing => {
                self.hold(
                    cell,
                    format!("no {what} has been loaded or found in Nutshell"),
                );
                None
            }
        }
    }

    /// The lookup cells for `entity`, non-blank, in column order.
    pub fn lookups_of(&self, entity: EntityType) -> Vec<LookupCell> {
        self.lookups
            .iter()
            .filter(|l| l.entity == entity && !l.cell.text().is_empty())
            .cloned()
            .collect()
    }

    /// The row's RSoft ID, trimmed; a row without one is a problem (the journal keys on it, and
    /// every created record carries it).
    pub fn rsoft_id(&mut self, module: Module) -> String {
        match &self.legacy_id {
            Some(cell) if !cell.text().is_empty() => cell.text().to_string(),
            Some(cell) => {
                let cell = cell.clone();
                self.problem(&cell, format!("the {module} row has no RSoft ID"));
                String::new()
            }
            None => {
                self.problems.push(CellReason::new(
                    "",
                    "",
                    format!(
                        "no column of {module} is mapped to the RSoft ID field (target = \"legacy_id\") in mapping.toml"
                    ),
                ));
                String::new()
            }
        }
    }

    /// `cell` of `target` holds placeholder `p`: the field is left blank (a reference links no
    /// record), and the row says so.
    fn left_blank(&mut self, target: &Target, cell: Cell, p: Placeholder) {
        let left = if is_reference(target) {
            "it names no record, so none was linked".to_string()
        } else {
            format!("{} was left blank", target.describe())
        };
        self.caveats.push(format!(
            "{}: {:?} is {}; {left}",
            cell.header,
            cell.text(),
            p.describe(),
        ));
        self.placeholders.push((target.clone(), cell, p));
    }

    /// `part`, one of the values of `cell` of `target`, is a placeholder: left out, the cell's
    /// other values kept, and the row says so as for a whole-cell placeholder.
    fn left_out(&mut self, target: &Target, cell: &Cell, part: &str) {
        self.caveats.push(format!(
            "{}: {part:?} of {:?} is {}; it was left out of {}",
            cell.header,
            cell.text(),
            Placeholder::Unknown.describe(),
            target.describe()
        ));
    }

    /// The values of `cell` for `target`, a field of `kind` ([`cell_values`]), each a cell of
    /// its own, the placeholders among them left out ([`Self::left_out`]); none when every value
    /// is a placeholder, and the field is left blank ([`Self::left_blank`]).
    fn known_values(&mut self, target: &Target, kind: ValueKind, cell: &Cell) -> Vec<Cell> {
        let parts = cell_values(kind, &cell.raw);
        for part in &parts.placeholders {
            self.left_out(target, cell, part);
        }
        if parts.values.is_empty() {
            self.left_blank(target, cell.clone(), Placeholder::Unknown);
        }
        parts
            .values
            .into_iter()
            .map(|raw| Cell {
                header: cell.header.clone(),
                raw: raw.to_string(),
            })
            .collect()
    }

    /// The cell of the standard field `path` that held a placeholder, if one did, and which.
    pub fn placeholder(&self, path: &str) -> Option<(&Cell, Placeholder)> {
        self.placeholders
            .iter()
            .find(|(t, ..)| matches!(t, Target::Field { field } if field == path))
            .map(|(_, c, p)| (c, *p))
    }

    /// The plan, or the hold or problems gathered on the way (problems first: a held row with bad
    /// values would fail when released).
    pub fn finish(mut self, plan: Plan) -> Result<Plan, Stop> {
        // One cell read twice (an owner on a lead's person and on the lead) says it once.
        for reasons in [&mut self.problems, &mut self.holds] {
            let mut seen = std::collections::HashSet::new();
            reasons.retain(|r| seen.insert(r.clone()));
        }
        if !self.problems.is_empty() {
            Err(Stop::Problems(self.problems))
        } else if !self.holds.is_empty() {
            Err(Stop::Hold(self.holds))
        } else {
            let mut plan = plan;
            plan.caveats.splice(0..0, self.caveats);
            Ok(plan)
        }
    }
}

impl Context<'_> {
    /// The RSoft standard column `header` stands for in this module (`Sent On`), by the
    /// export's vocabulary; `None` for a custom column.
    pub fn canonical(&self, header: &str) -> Option<&str> {
        self.settings
            .vocabulary
            .canonical_header(self.module, header)
    }

    /// The date order `cell`'s column is read in: its decided `date_order` in mapping.toml's
    /// `[formats.*]`, else the export's.
    pub fn date_order(&self, cell: &Cell) -> DateOrder {
        self.map
            .column_format(&cell.header)
            .date_order
            .unwrap_or(self.settings.source.order)
    }

    /// A date or time cell as a note line shows it (see [`when_for_people`]), read in its
    /// column's date order.
    pub fn when_for_people(&self, cell: &Cell) -> String {
        when_for_people(
            cell.text(),
            self.date_order(cell),
            self.settings.source.zone,
        )
    }

    /// The value-map entry for `value` (trimmed, case-insensitive), or a problem naming the
    /// section of mapping.toml to add it to.
    pub fn mapped(
        &self,
        read: &mut Read,
        kind: ValueMapKind,
        cell: &Cell,
        key: &str,
    ) -> Option<ValueEntry> {
        let entry = self
            .map
            .values
            .get(&kind)
            .and_then(|entries| {
                entries
                    .iter()
                    .find(|e| e.from.trim().eq_ignore_ascii_case(key))
            })
            .filter(|e| !e.to.trim().is_empty())
            .cloned();
        if entry.is_none() {
            read.problem(
                cell,
                format!(
                    "{key:?} has no `to` in [values.{}.{}] of mapping.toml: add it there",
                    self.module.as_str(),
                    kind.name()
                ),
            );
        }
        entry
    }

    /// `{entityType: "Users", id}` for the owner cells of the row (the first non-blank one), or
    /// `None` (a hold is recorded when the owner resolves to no user).
    pub fn owner(&self, read: &mut Read) -> Option<Value> {
        let cell = read
            .lookups_of(EntityType::Users)
            .into_iter()
            .next()
            .map(|l| l.cell)?;
        let found = self.lookups.user(cell.text());
        let id = read.take(&cell, "Nutshell user for this owner (owners.toml)", found)?;
        Some(user_ref(id))
    }

    /// The Account the row belongs to: by RSoft company id first, else by normalised name
    /// (issue 9). Blank cells mean no account. An id that is held holds the row; an id that is
    /// missing falls back to the name when there is one.
    pub fn account(&self, read: &mut Read) -> Option<i64> {
        let cells = read.lookups_of(EntityType::Accounts);
        let by_id = cells.iter().find(|l| l.by == LookupKey::RsoftId);
        let by_name = cells.iter().find(|l| l.by == LookupKey::Name);
        if let Some(l) = by_id {
            match self
                .lookups
                .record(Module::Companies, l.cell.text(), EntityType::Accounts)
            {
                Resolution::Found(id) => return Some(id),
                Resolution::Held(reason) => {
                    read.hold(&l.cell, format!("its company is not loaded: {reason}"));
                    return None;
                }
                Resolution::Missing if by_name.is_none() => {
                    read.hold(
                        &l.cell,
                        "no company with this RSoft ID has been loaded (is it in the export?)",
                    );
                    return None;
                }
                Resolution::Missing => {}
            }
        }
        let l = by_name?;
        let key = company_key(l.cell.text());
        let found = self.lookups.account_by_name(&key);
        let id = read.take(&l.cell, "account of this company name", found)?;
        if let Some(by_id) = by_id {
            read.caveats.push(format!(
                "company {:?} was not loaded; linked to the account named {:?} instead",
                by_id.cell.text(),
                l.cell.text()
            ));
        }
        // A company of the export that became an existing account says so on its own row; an
        // account no company row became is linked by the name alone (two firms can share one).
        if self.lookups.account_only_in_nutshell(id) {
            read.caveats.push(format!(
                "linked by name {:?} to account {id}, already in Nutshell, which no company of the export became (the export has none of this name, or its row was not loaded): check it is the same firm",
                l.cell.text()
            ));
        }
        Some(id)
    }

    /// The Contacts the row names by RSoft contact id or email, in column order (holds recorded
    /// for those that resolve to nothing).
    pub fn contacts(&self, read: &mut Read) -> Vec<i64> {
        let mut ids = Vec::new();
        for l in read.lookups_of(EntityType::Contacts) {
            let found = match l.by {
                LookupKey::Email => {
                    // Read as an email field is: a placeholder beside the address is left out.
                    let target = Target::Lookup {
                        entity: EntityType::Contacts,
                        by: LookupKey::Email,
                    };
                    let address = match read.known_values(&target, ValueKind::Email, &l.cell)[..] {
                        [] => continue,
                        [ref one] => one.raw.clone(),
                        _ => l.cell.raw.clone(),
                    };
                    match normalize_email(&address) {
                        Ok(email) => self.lookups.contact_by_email(&email.to_lowercase()),
                        Err(e) => {
                            read.problem(&l.cell, e.reason);
                            continue;
                        }
                    }
                }
                _ => self
                    .lookups
                    .record(Module::Contacts, l.cell.text(), EntityType::Contacts),
            };
            if let Some(id) = read.take(&l.cell, "contact", found)
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
        ids
    }

    /// Note lines rendered `Label: value` (dates shown with zone and UTC), mentions escaped.
    pub fn note_lines(&self, read: &Read, skip: &[&str]) -> Vec<String> {
        read.notes
            .iter()
            .filter(|n| !n.cell.text().is_empty())
            .filter(|n| n.canonical.as_deref().is_none_or(|c| !skip.contains(&c)))
            .map(|n| {
                let value = self.when_for_people(&n.cell);
                escape_mentions(&format!("{}: {value}", n.label))
            })
            .collect()
    }
}

/// `{entityType: "Users", id}`.
pub fn user_ref(id: i64) -> Value {
    json!({"entityType": EntityType::Users, "id": id})
}

/// `{entityType: "Contacts", id}`, as activity participants name contacts.
pub fn contact_ref(id: i64) -> Value {
    json!({"entityType": EntityType::Contacts, "id": id})
}

/// `{entityType, id}` for a record reference in a payload.
pub fn record_ref(r: RecordRef) -> Value {
    json!({"entityType": r.entity_type, "id": r.id})
}

/// A date or moment as a Nutshell timestamp: a moment in UTC (`…Z`); a calendar date as local
/// midnight of that date in the export's zone, with its offset, so the day shown in that zone is
/// the day written (`2025-09-26T00:00:00+05:30`), never shifted to the day before.
pub fn nutshell_time(when: When, settings: &BuildSettings) -> Result<String, String> {
    let moment = moment(when, settings)?;
    Ok(match when {
        When::Instant(_) => moment.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        When::Date(_) => moment.to_rfc3339_opts(SecondsFormat::AutoSi, false),
    })
}

/// An activity's `startTime` and `endTime` (and `isAllDay` for a calendar-date start) from two
/// cells; an end before its start is a problem on the end cell, saying `backwards`.
pub fn put_span(
    ctx: &Context<'_>,
    read: &mut Read,
    body: &mut Map<String, Value>,
    (start_cell, start): (&Cell, When),
    (end_cell, end): (&Cell, When),
    backwards: &str,
) {
    if let (Ok(s), Ok(e)) = (moment(start, ctx.settings), moment(end, ctx.settings))
        && e < s
    {
        read.problem(end_cell, format!("{backwards} ({})", start_cell.text()));
    }
    for (key, when, cell) in [("startTime", start, start_cell), ("endTime", end, end_cell)] {
        match nutshell_time(when, ctx.settings) {
            Ok(t) => {
                body.insert(key.into(), Value::from(t));
            }
            Err(reason) => read.problem(cell, reason),
        }
    }
    if matches!(start, When::Date(_)) {
        body.insert("isAllDay".into(), Value::from(true));
    }
}

/// The moment a date or time stands for: a calendar date is its local midnight in the export's
/// zone (the earlier one if midnight happened twice; a problem if it never happened).
pub fn moment(when: When, settings: &BuildSettings) -> Result<DateTime<FixedOffset>, String> {
    let zone = settings.source.zone;
    match when {
        When::Instant(t) => Ok(t.fixed_offset()),
        When::Date(date) => match zone.from_local_datetime(&date.and_time(NaiveTime::MIN)) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.fixed_offset()),
            LocalResult::None => Err(format!(
                "midnight of {date} never happened in {zone} (clocks went forward); give the date a time"
            )),
        },
    }
}

/// Read every mapped cell of `row`.
pub fn read_row(ctx: &Context<'_>, row: &dyn Cells) -> Read {
    let mut read = Read::default();
    let (source, unknown_country) = row_source(ctx, row);
    let source = source.as_ref();
    let mut read_phone = false;
    for entry in &ctx.map.columns {
        let Some(raw) = row.cell(&entry.header) else {
            continue;
        };
        let cell = Cell {
            header: entry.header.clone(),
            raw: raw.to_string(),
        };
        // Every value of the column is read in the column's decided formats, never per value.
        let format = ctx.map.column_format(&entry.header);
        if let Err(reason) = applies(ctx.module, &entry.target) {
            if !cell.text().is_empty() {
                read.problem(&cell, reason);
            }
            continue;
        }
        // A placeholder is a blank someone wrote: not sent, and the row says so. A reference
        // holding one names no record (a lead's `N/A` company makes no account `N/A`). A custom
        // field of a module without them is a note line: text, read as written.
        let note_line =
            matches!(entry.target, Target::Custom { .. }) && !has_custom_fields(ctx.module);
        let stand = target_kind(&entry.target)
            .filter(|_| !note_line)
            .and_then(|k| stand_in(k, &cell.raw));
        let placeholder = match stand {
            Some(StandIn::Placeholder(p)) => Some(p),
            _ if (is_reference(&entry.target) || entry.target.names_new_object())
                && crate::cells::is_placeholder(cell.text()) =>
            {
                Some(Placeholder::Unknown)
            }
            _ => None,
        };
        if let Some(p) = placeholder {
            read.left_blank(&entry.target, cell, p);
            continue;
        }
        let cell = match stand {
            Some(StandIn::Formula) => {
                read.problem(&cell, FORMULA_REASON);
                continue;
            }
            Some(StandIn::Hyperlink(url)) => {
                read.caveats.push(format!(
                    "{}: {:?} is a spreadsheet link formula; its link {url:?} was read",
                    cell.header,
                    cell.text()
                ));
                Cell { raw: url, ..cell }
            }
            // An id is compared without the characters no one sees (`C1` + U+200B is `C1`).
            _ if is_id(&entry.target) => Cell {
                raw: crate::cells::id_text(&cell.raw).into_owned(),
                ..cell
            },
            _ => cell,
        };
        match &entry.target {
            Target::LegacyId => read.legacy_id = Some(cell),
            Target::Ignore | Target::Unmapped => {}
            Target::Lookup { entity, by } => read.lookups.push(LookupCell {
                entity: *entity,
                by: *by,
                cell,
            }),
            Target::Related { part } => match part {
                RelatedPart::Module => read.related_module = Some(cell),
                RelatedPart::Id => read.related_id = Some(cell),
            },
            // A blank Pipeline or Stage is a key of the stage map (`(no stage given)`), which the
            // operator maps: kept, so the deal never loads without its mapped stage.
            Target::Field { field }
                if cell.text().is_empty()
                    && (field == "Leads.milestone" || field == "Leads.stageset") =>
            {
                read.fields
                    .entry(field.clone())
                    .or_default()
                    .push((cell, Val::Choice(String::new())));
            }
            _ if cell.text().is_empty() => {}
            Target::Note { label } => read.notes.push(NoteLine {
                label: label.clone(),
                canonical: ctx.canonical(&cell.header).map(str::to_string),
                cell,
            }),
            Target::Tags => match split_tags(&cell.raw) {
                Ok(tags) => {
                    for part in &tags.placeholders {
                        read.left_out(&entry.target, &cell, part);
                    }
                    if tags.tags.is_empty() {
                        read.left_blank(&entry.target, cell, Placeholder::Unknown);
                        continue;
                    }
                    for tag in tags.tags {
                        if !read.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                            read.tags.push(tag);
                        }
                    }
                }
                Err(e) => read.problem(&cell, e.reason),
            },
            // Activities, tasks and notes have no custom fields: the value is a line of text.
            Target::Custom { name, .. } if !has_custom_fields(ctx.module) => {
                read.notes.push(NoteLine {
                    label: name.clone(),
                    canonical: ctx.canonical(&cell.header).map(str::to_string),
                    cell,
                })
            }
            Target::Custom { name, kind, .. } => {
                // A custom field takes one value: a cell of several stays whole, for the
                // transform to refuse.
                let values = read.known_values(&entry.target, *kind, &cell);
                let cell = match values.as_slice() {
                    [] => continue,
                    [one] => one.clone(),
                    _ => cell,
                };
                match custom_value(ctx, source, *kind, &cell, &format) {
                    Ok(Some((v, caveat))) => {
                        read_phone |= *kind == ValueKind::Phone;
                        read.email_names.extend(email_name(*kind, &cell));
                        read.custom.insert(name.clone(), v);
                        read.caveats.extend(caveat);
                    }
                    Ok(None) => {}
                    Err(e) => read.problem(&cell, e.reason),
                }
            }
            Target::Field { field } => {
                let Some(standard) = standard_field(field) else {
                    read.problem(
                        &cell,
                        format!(
                            "{field:?} is not a Nutshell field this tool writes; fix mapping.toml"
                        ),
                    );
                    continue;
                };
                // A cell of several emails or phones gives Nutshell several.
                for cell in read.known_values(&entry.target, standard.kind, &cell) {
                    let converted = if standard.value_map.is_some() {
                        Ok((Val::Choice(cell.text().to_string()), None))
                    } else if standard.kind == ValueKind::Money {
                        row_amount(
                            ctx.map,
                            row,
                            &cell.raw,
                            &ctx.settings.source.currency,
                            format.number.as_ref(),
                        )
                        .map(|m| {
                            (
                                Val::Json(Value::from(m)),
                                money_caveat(&cell.raw).map(|c| format!("{}: {c}", cell.header)),
                            )
                        })
                    } else {
                        read_phone |= standard.kind == ValueKind::Phone;
                        field_value(source, standard.kind, &cell, &format)
                    };
                    match converted {
                        Ok((v, caveat)) => {
                            read.caveats.extend(caveat);
                            read.email_names.extend(email_name(standard.kind, &cell));
                            read.fields
                                .entry(field.clone())
                                .or_default()
                                .push((cell, v));
                        }
                        Err(e) => read.problem(&cell, e.reason),
                    }
                }
            }
        }
    }
    if let (Some(cell), true) = (unknown_country, read_phone) {
        read.caveats.push(format!(
            "{}: {:?} is no country this tool knows, so phone numbers without a + country code were read as {}'s; check them",
            cell.0, cell.1, source.country
        ));
    }
    read
}

/// An email cell written `Name <address>` and that name, for [`Read::email_names`].
fn email_name(kind: ValueKind, cell: &Cell) -> Option<(Cell, String)> {
    if kind != ValueKind::Email {
        return None;
    }
    let name = parse_mailbox(&cell.raw).ok()?.name?;
    Some((cell.clone(), name))
}

/// The formats `row` is read in: the export's, with the country its national phone numbers are
/// read in taken from the row's own Country column when it names one (`Germany` → `DE`), so a
/// foreign customer's `030 1234 5678` is not given India's +91. A Country cell naming no known
/// country comes back as (header, value), for a caveat on the row's phones.
fn row_source<'a>(
    ctx: &'a Context<'_>,
    row: &dyn Cells,
) -> (Cow<'a, SourceFormat>, Option<(String, String)>) {
    let default = Cow::Borrowed(&ctx.settings.source);
    let Some((header, cell)) = ctx
        .map
        .columns
        .iter()
        .filter(|c| ctx.canonical(&c.header) == Some("Country"))
        .find_map(|c| row.cell(&c.header).map(|v| (&c.header, v.trim())))
        .filter(|(_, v)| !v.is_empty())
    else {
        return (default, None);
    };
    match country::alpha2(cell) {
        Some(code) if !code.eq_ignore_ascii_case(&ctx.settings.source.country) => {
            let mut own = ctx.settings.source.clone();
            own.country = code.to_string();
            (Cow::Owned(own), None)
        }
        Some(_) => (default, None),
        None => (default, Some((header.clone(), cell.to_string()))),
    }
}

/// Whether `target` names another record (a lookup other than the owner, whom owners.toml
/// decides, or the record an activity is about): a placeholder there names none.
fn is_reference(target: &Target) -> bool {
    match target {
        Target::Lookup { by, .. } => *by != LookupKey::Owner,
        Target::Related { part } => *part == RelatedPart::Id,
        _ => false,
    }
}

/// Whether `target` takes an RSoft ID: the row's own, or one naming another record.
fn is_id(target: &Target) -> bool {
    matches!(
        target,
        Target::LegacyId
            | Target::Lookup {
                by: LookupKey::RsoftId,
                ..
            }
            | Target::Related {
                part: RelatedPart::Id
            }
    )
}

fn has_custom_fields(module: Module) -> bool {
    module.entity().is_some_and(EntityType::has_custom_fields)
}

/// Whether a module's builder reads a target, so that no mapped value is silently dropped: the
/// standard fields of the entity it makes (and an RSoft lead's person's `Contacts.*`), the
/// lookups it resolves, related-record parts on activities, tags where Nutshell has them.
fn applies(module: Module, target: &Target) -> Result<(), String> {
    use EntityType::{Accounts, Contacts, Leads, Notes, Tasks, Users};
    let entity = module.entity();
    let fields_of = |e: EntityType| entity == Some(e) || (module == Module::Leads && e == Contacts);
    let ok = match target {
        Target::Field { field } => field
            .split_once('.')
            .and_then(|(e, _)| {
                [
                    Accounts,
                    Contacts,
                    Leads,
                    EntityType::Activities,
                    Tasks,
                    Notes,
                ]
                .into_iter()
                .find(|x| x.as_str() == e)
            })
            .is_some_and(fields_of),
        Target::Lookup { entity: Users, by } => *by == LookupKey::Owner,
        Target::Lookup {
            entity: Accounts,
            by,
        } => {
            matches!(
                module,
                Module::Contacts | Module::Leads | Module::Deals | Module::Tickets
            ) && matches!(by, LookupKey::RsoftId | LookupKey::Name)
        }
        Target::Lookup {
            entity: Contacts,
            by,
        } => match module {
            Module::Deals | Module::Tickets => {
                matches!(by, LookupKey::RsoftId | LookupKey::Email)
            }
            // An activity's participant; the contact a lead became (its person).
            Module::Activities | Module::Leads => *by == LookupKey::RsoftId,
            _ => false,
        },
        // The deal or lead an activity is about.
        Target::Lookup { entity: Leads, by } => {
            module == Module::Activities && *by == LookupKey::RsoftId
        }
        Target::Lookup { entity: Tasks, by } => {
            module == Module::TicketMessages && *by == LookupKey::RsoftId
        }
        Target::Lookup { .. } => false,
        Target::Related { .. } => module == Module::Activities,
        Target::Tags => has_custom_fields(module),
        Target::Custom { .. }
        | Target::Note { .. }
        | Target::LegacyId
        | Target::Ignore
        | Target::Unmapped => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "mapping.toml sends this column of {module} to {}, which a {module} row does not fill; map it to a note line or ignore it",
            target.describe()
        ))
    }
}

/// An amount for a standard money field (`Leads.value`) of `row`, in the column's number
/// `format`: read with the currency the row's Currency column names (the map's
/// `Leads.value.currency` column, upper-cased) when it names one, else `default_currency`; refused
/// when the amount's own mark names another currency than that column (`1,200 USD` beside `INR`:
/// one of the two is wrong). The load and `map`'s value check both read amounts here.
pub fn row_amount(
    map: &ModuleMap,
    row: &dyn Cells,
    raw: &str,
    default_currency: &str,
    format: Option<&NumberFormat>,
) -> Result<Money, Rejected> {
    let column = map
        .columns
        .iter()
        .filter(|c| matches!(&c.target, Target::Field { field } if field == "Leads.value.currency"))
        .find_map(|c| row.cell(&c.header).map(|v| (&c.header, v)))
        .map(|(header, v)| (header, v.trim().to_ascii_uppercase()))
        .filter(|(_, v)| !v.is_empty());
    let Some((header, code)) = column else {
        return parse_money_in(raw, default_currency, format);
    };
    let money = parse_money_in(raw, &code, format)?;
    if money.currency != code {
        return Err(Rejected::new(
            raw,
            format!(
                "the amount is in {} but the {header} column says {code}",
                money.currency
            ),
        ));
    }
    Ok(money)
}

type Converted = (Val, Option<String>);

/// A standard field's cell by its catalogue kind, through the shared transforms
/// ([`convert_in`]) in the column's decided `format` (mapping.toml's `[formats.*]`), as `map`'s
/// value check read it; text has its mentions escaped, and dates stay typed for the builder.
fn field_value(
    source: &SourceFormat,
    kind: ValueKind,
    cell: &Cell,
    format: &ColumnFormat,
) -> Result<Converted, Rejected> {
    let order = format.date_order.unwrap_or(source.order);
    let value = match kind {
        ValueKind::Text | ValueKind::LongText | ValueKind::Choice => {
            Value::from(escape_mentions(cell.text()))
        }
        // A column a spreadsheet saved as serial day numbers: calendar dates.
        ValueKind::Date | ValueKind::DateTime if format.excel_serial => {
            return Ok((Val::When(When::Date(parse_serial(&cell.raw)?)), None));
        }
        ValueKind::Date => {
            return Ok((Val::When(When::Date(parse_date(&cell.raw, order)?)), None));
        }
        ValueKind::DateTime => {
            let DatedValue { when, caveat } = parse_when(&cell.raw, order, source.zone)?;
            return Ok((
                Val::When(when),
                caveat.map(|c| format!("{}: {c}", cell.header)),
            ));
        }
        _ => match convert_in(kind, &cell.raw, source, format)?.0 {
            Conversion::Text(s) | Conversion::When(s) => Value::from(s),
            Conversion::Number(n) => number(&cell.raw, &n)?,
            Conversion::Money(m) => Value::from(m),
            Conversion::Bool(b) => Value::from(b),
        },
    };
    Ok((Val::Json(value), None))
}

/// A custom field's cell by the kind it was created with. Nutshell's custom-field types have no
/// date-time (a `date_time` column makes a `Date` field, catalogue.rs), so a moment keeps its
/// calendar day in the export's zone; Currency takes `{currency, amount}` like a lead's value.
/// A lifecycle-stage column goes through its value map. `Ok(None)`: nothing to set.
fn custom_value(
    ctx: &Context<'_>,
    source: &SourceFormat,
    kind: ValueKind,
    cell: &Cell,
    format: &ColumnFormat,
) -> Result<Option<(Value, Option<String>)>, Rejected> {
    if kind == ValueKind::Choice && ctx.canonical(&cell.header) == Some("Lifecycle Stage") {
        let entry = ctx
            .map
            .values
            .get(&ValueMapKind::LifecycleStage)
            .and_then(|e| {
                e.iter()
                    .find(|e| e.from.trim().eq_ignore_ascii_case(cell.text()))
            });
        return match entry {
            Some(e) if !e.to.trim().is_empty() => Ok(Some((Value::from(e.to.trim()), None))),
            _ => Err(Rejected::new(
                &cell.raw,
                format!(
                    "has no `to` in [values.{}.lifecycle_stage] of mapping.toml: add it there",
                    ctx.module.as_str()
                ),
            )),
        };
    }
    let value = match kind {
        ValueKind::DateTime if !format.excel_serial => {
            let order = format.date_order.unwrap_or(source.order);
            let DatedValue { when, caveat } = parse_when(&cell.raw, order, source.zone)?;
            let day = match when {
                When::Date(d) => d,
                When::Instant(t) => t.with_timezone(&source.zone).date_naive(),
            };
            return Ok(Some((
                Value::from(When::Date(day).to_nutshell()),
                caveat.map(|c| format!("{}: {c}", cell.header)),
            )));
        }
        _ => match field_value(source, kind, cell, format)?.0 {
            Val::Json(v) => v,
            Val::When(w) => Value::from(w.to_nutshell()),
            Val::Choice(s) => Value::from(s),
        },
    };
    Ok(Some((value, None)))
}

/// A canonical decimal as a JSON number (exact for integers and for the decimals serde_json
/// reads back unchanged).
fn number(raw: &str, canonical: &str) -> Result<Value, Rejected> {
    serde_json::from_str::<serde_json::Number>(canonical)
        .map(Value::Number)
        .map_err(|_| Rejected::new(raw, "is not a number Nutshell can store"))
}
