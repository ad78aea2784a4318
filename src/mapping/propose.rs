//! The proposer: for every source column, the most likely target with a confidence and a reason.
//! Evidence, strongest first: the header matching a curated synonym exactly (after normalising
//! case, punctuation and abbreviations, and dropping the module's own name); a near spelling
//! (string similarity); the values themselves (a column of emails is an email, whatever its
//! header; a header whose values contradict it is not trusted). Below [`CONFIDENCE_THRESHOLD`] a
//! column stays [`Target::Unmapped`] and the operator decides. Two columns never fill one
//! single-valued target above the threshold: the weaker one is flagged with the reason.

use std::collections::BTreeMap;

use super::catalogue::{
    Entity, ValueKind, ValueMapKind, required_fields, standard_field, stated_default,
};
pub use super::column::SourceColumn;
use super::formats::propose_formats;
use super::memory::MappingMemory;
use super::model::{
    AS_NOTE, CONFIDENCE_THRESHOLD, ColumnEntry, FieldMap, LookupKey, Status, Target, ValueEntry,
    flag_shared_slots, stage_key, target_kind, value_map_kind,
};
use super::schema::DestinationSchema;
use super::synonyms::{Spec, Synonym, module_nouns, normalize_header, rows_for};
use super::transform::{
    cell_values, email::looks_like_email, parse_bool, parse_date, parse_money, parse_number,
    parse_when, to_e164,
};
use crate::config::DateOrder;
use crate::rsoft::Module;

/// Above this similarity a near spelling of a synonym is proposed; between it and
/// [`NEAR_SIMILARITY`] it is only suggested to the operator.
const CLOSE_SIMILARITY: f64 = 0.88;
const NEAR_SIMILARITY: f64 = 0.7;
/// Share of samples that must read as a kind for the values to speak for the column.
const EVIDENCE_SHARE: f64 = 0.95;

/// Propose a map for every column. Columns keep their order within each module.
pub fn propose(
    columns: &[SourceColumn],
    schema: &DestinationSchema,
    legacy_id_field: &str,
) -> FieldMap {
    let mut map = FieldMap::new(legacy_id_field);
    for column in columns {
        // Setup modules (users, pipelines, …) hold no records: nothing of theirs is mapped.
        let Some(entity) = column.module.entity() else {
            continue;
        };
        let entry = propose_column(column, entity, schema);
        map.modules
            .entry(column.module)
            .or_default()
            .columns
            .push(entry);
    }
    for (module, module_map) in map.modules.iter_mut() {
        flag_shared_slots(&mut module_map.columns);
        if let Some(entity) = module.entity() {
            flag_unfilled_required(entity, &mut module_map.columns);
        }
        for column in columns.iter().filter(|c| c.module == *module) {
            let Some(entry) = module_map.column(&column.header) else {
                continue;
            };
            let Some(kind) = value_map_kind(&entry.target) else {
                continue;
            };
            if kind == ValueMapKind::Stage {
                continue; // needs pipeline and stage together: see propose_stage_map
            }
            let mut distinct: Vec<&str> = Vec::new();
            for s in column
                .samples
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
            {
                if !distinct.iter().any(|d| d.eq_ignore_ascii_case(s)) {
                    distinct.push(s);
                }
            }
            let entries = module_map.values.entry(kind).or_default();
            for value in propose_values(kind, &distinct, schema) {
                if !entries.iter().any(|e| e.from == value.from) {
                    entries.push(value);
                }
            }
        }
        module_map.values.retain(|_, v| !v.is_empty());
    }
    map
}

/// What `crm-migrate map` does: fresh proposals (columns, value maps, and, when there are deal
/// columns, the stage map for `stage_pairs`, RSoft pipeline and stage), improved by remembered decisions, merged with
/// the operator's decisions in the previous mapping.toml (which always win).
pub fn propose_map(
    columns: &[SourceColumn],
    stage_pairs: &[(String, String)],
    schema: &DestinationSchema,
    legacy_id_field: &str,
    memory: &MappingMemory,
    previous: Option<&FieldMap>,
) -> FieldMap {
    let mut fresh = propose(columns, schema, legacy_id_field);
    // Stages matter only where deals move.
    if let Some(deals) = fresh.modules.get_mut(&Module::Deals) {
        if !stage_pairs.is_empty() {
            deals
                .values
                .insert(ValueMapKind::Stage, propose_stage_map(stage_pairs, schema));
        }
    }
    memory.apply(&mut fresh);
    let mut map = match previous {
        Some(previous) => fresh.merged_with(previous),
        None => fresh,
    };
    // Formats follow the final targets, the operator's included.
    propose_formats(&mut map, columns);
    map
}

/// While a required field of the module's record is filled by no column above the threshold
/// (and no stated default fills it), a new custom field of a kind that could fill it is not
/// proposed above the threshold: the operator chooses (issue 12, "proposals know what each
/// Nutshell record needs").
fn flag_unfilled_required(entity: Entity, columns: &mut [ColumnEntry]) {
    let filled = |columns: &[ColumnEntry], fields: &[&str]| {
        columns.iter().any(|c| {
            c.confidence >= CONFIDENCE_THRESHOLD
                && matches!(&c.target, Target::Field { field } if fields.contains(&field.as_str()))
        })
    };
    let text = |k: ValueKind| matches!(k, ValueKind::Text | ValueKind::LongText);
    let date = |k: ValueKind| matches!(k, ValueKind::Date | ValueKind::DateTime);
    for alternatives in required_fields(entity) {
        let defaulted = alternatives
            .iter()
            .filter_map(|f| stated_default(f))
            .any(|d| filled(columns, d.from));
        if defaulted || filled(columns, alternatives) {
            continue;
        }
        let needed: Vec<ValueKind> = alternatives
            .iter()
            .filter_map(|f| standard_field(f))
            .map(|f| f.kind)
            .collect();
        for c in columns.iter_mut().filter(|c| !c.status.is_decided()) {
            let Target::Custom {
                kind, create: true, ..
            } = &c.target
            else {
                continue;
            };
            let kind = *kind;
            if !needed
                .iter()
                .any(|k| *k == kind || (text(*k) && text(kind)) || (date(*k) && date(kind)))
            {
                continue;
            }
            c.confidence = c.confidence.min(CONFIDENCE_THRESHOLD - 0.1);
            c.reason.push_str(&format!(
                "; but no column fills {}, which every {} needs: if this column is it, map it there",
                alternatives.join(" or "),
                entity.name()
            ));
        }
    }
}

struct Proposal {
    target: Target,
    confidence: f64,
    reason: String,
}

fn propose_column(
    column: &SourceColumn,
    entity: Entity,
    schema: &DestinationSchema,
) -> ColumnEntry {
    let evidence = Evidence::of(&column.samples);
    let from_header = header_proposal(column, entity, &evidence, schema);
    let proposal = match from_header {
        Some(p) if p.confidence >= CONFIDENCE_THRESHOLD => p,
        weak => email_evidence(column.module, &evidence)
            .or(weak)
            .unwrap_or_else(|| fallback(column, entity, &evidence, schema)),
    };
    let Proposal {
        target,
        mut confidence,
        mut reason,
    } = proposal;
    let lost = &column.flags.lost_characters;
    if lost.count > 0 && !matches!(target, Target::Ignore | Target::Unmapped) {
        confidence = confidence.min(CONFIDENCE_THRESHOLD - 0.05);
        reason.push_str(&format!(
            "; {} values lost characters to '?' in a non-Unicode save (e.g. {:?}): re-export as UTF-8",
            lost.count,
            lost.examples.first().map_or("", String::as_str)
        ));
    }
    ColumnEntry {
        header: column.header.clone(),
        target,
        confidence: (confidence * 100.0).round() / 100.0,
        reason,
        status: Status::Proposed,
    }
}

/// The header's best synonym, checked against the values.
fn header_proposal(
    column: &SourceColumn,
    entity: Entity,
    evidence: &Evidence,
    schema: &DestinationSchema,
) -> Option<Proposal> {
    let found = best_synonym(column.module, &column.header)?;
    let header = &column.header;
    if found.similarity < CLOSE_SIMILARITY {
        return Some(Proposal {
            target: Target::Unmapped,
            confidence: found.similarity - 0.35,
            reason: format!(
                "header {header:?} is close to {:?} ({}, similarity {:.2}) but not close enough to assume it; choose a target",
                found.phrase, found.row.meaning, found.similarity
            ),
        });
    }
    let (mut confidence, how) = match found.how {
        How::Exact => (0.95, "is a synonym of"),
        How::WithoutModuleName => (0.92, "without the module's name is a synonym of"),
        How::Reordered => (0.9, "has the words of"),
        How::WithoutNoise => (0.88, "without unit or format words is a synonym of"),
        How::Similar => (found.similarity - 0.12, "is spelled like"),
    };
    let mut target = resolve(found.row.spec, entity, schema);
    let mut reason = format!(
        "header {header:?} {how} {} ({:?})",
        found.row.meaning, found.phrase
    );
    if let Some(kind) = target_kind(&target) {
        match reads_as(column, evidence, kind) {
            Some(read) if read.share >= EVIDENCE_SHARE => {
                reason.push_str(&format!("; {}", read.what));
                match read.failures {
                    // A few failing values keep the proposal, but not a high confidence.
                    Some(failures) => {
                        confidence = confidence.min(FAILING_CONFIDENCE);
                        reason.push_str(&format!("; {failures}"));
                    }
                    None => confidence = (confidence + 0.03).min(0.99),
                }
            }
            Some(read) if read.share < 0.5 => {
                let failures = read.failures.map(|f| format!("; {f}")).unwrap_or_default();
                if let Target::Custom { kind: k, .. } = &mut target {
                    *k = evidence.infer_kind(column.inferred);
                    reason.push_str(&format!(
                        "; only {}, so the field is {:?}{failures}",
                        read.what, k
                    ));
                } else {
                    return Some(Proposal {
                        target: Target::Unmapped,
                        confidence: 0.45,
                        reason: format!(
                            "{reason}, but only {}{failures}; check the column",
                            read.what
                        ),
                    });
                }
            }
            Some(read) => {
                confidence = confidence.min(CONFIDENCE_THRESHOLD - 0.05);
                reason.push_str(&format!(
                    "; only {}{}; confirm it or map the column elsewhere",
                    read.what,
                    read.failures.map(|f| format!("; {f}")).unwrap_or_default()
                ));
            }
            None => {}
        }
    }
    Some(Proposal {
        target,
        confidence,
        reason,
    })
}

/// The most a proposal gets while some of its column's values fail their transform.
const FAILING_CONFIDENCE: f64 = 0.8;

/// How a column's values read as a kind.
struct ReadsAs {
    share: f64,
    /// "100% of the column's 6 values read as Phone" or "…of samples…".
    what: String,
    /// The failures with counts and examples, when every value was checked and some failed.
    failures: Option<String>,
}

/// How the column reads as `kind`: from every value when `map` checked the column for `kind`
/// ([`SourceColumn::check`]), else from the samples; `None` for free text or no values.
fn reads_as(column: &SourceColumn, evidence: &Evidence, kind: ValueKind) -> Option<ReadsAs> {
    match &column.check {
        Some(check) if check.kind == kind && check.values > 0 => Some(ReadsAs {
            share: check.share(),
            what: format!(
                "{:.0}% of the column's {} values read as {kind:?}",
                check.share() * 100.0,
                check.values
            ),
            failures: (check.failed > 0).then(|| check.describe()),
        }),
        _ => evidence.share(kind).map(|share| ReadsAs {
            share,
            what: format!("{:.0}% of samples read as {kind:?}", share * 100.0),
            failures: None,
        }),
    }
}

/// A column of email addresses is an email, whatever its header.
fn email_evidence(module: Module, evidence: &Evidence) -> Option<Proposal> {
    let share = evidence.share(ValueKind::Email)?;
    if share < EVIDENCE_SHARE {
        return None;
    }
    let target = match module {
        Module::Companies => Target::Field {
            field: "Accounts.email".into(),
        },
        Module::Contacts | Module::Leads => Target::Field {
            field: "Contacts.email".into(),
        },
        Module::Deals | Module::Tickets => Target::Lookup {
            entity: Entity::Contacts,
            by: LookupKey::Email,
        },
        Module::Activities
        | Module::TicketMessages
        | Module::Users
        | Module::Pipelines
        | Module::CustomFields
        | Module::Workflows => return None,
    };
    Some(Proposal {
        target,
        confidence: 0.85,
        reason: format!("{:.0}% of samples are email addresses", share * 100.0),
    })
}

/// No synonym: an empty column is ignored; otherwise its values are kept in a new custom field
/// (a note line where the entity has no custom fields).
fn fallback(
    column: &SourceColumn,
    entity: Entity,
    evidence: &Evidence,
    schema: &DestinationSchema,
) -> Proposal {
    if evidence.values == 0 && column.fill_rate <= 0.0 {
        return Proposal {
            target: Target::Ignore,
            confidence: 0.8,
            reason: "empty in every row".into(),
        };
    }
    let name = column
        .header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if entity.has_custom_fields() {
        let mut kind = evidence.infer_kind(column.inferred);
        // Samples that agree do not make a kind whose transform fails on other values.
        if column
            .check
            .as_ref()
            .is_some_and(|c| c.kind == kind && c.share() < EVIDENCE_SHARE)
        {
            kind = ValueKind::Text;
        }
        let existing = schema.custom_field(entity, &name);
        Proposal {
            reason: match existing {
                Some(_) => format!(
                    "no standard field matches; {} already has the custom field {name:?}",
                    entity.name()
                ),
                None => format!(
                    "no standard field matches; values look like {kind:?}, so a new {kind:?} custom field keeps them"
                ),
            },
            target: Target::Custom {
                name,
                kind: existing.map_or(kind, |f| f.kind),
                create: existing.is_none(),
            },
            confidence: 0.7,
        }
    } else {
        Proposal {
            reason: format!(
                "no standard field matches and Nutshell {} have no custom fields: kept as a line in a note",
                entity.name()
            ),
            target: Target::Note { label: name },
            confidence: 0.7,
        }
    }
}

fn resolve(spec: Spec, entity: Entity, schema: &DestinationSchema) -> Target {
    match spec {
        Spec::Field(path) => Target::Field { field: path.into() },
        Spec::Custom(name, kind) if entity.has_custom_fields() => Target::Custom {
            name: name.into(),
            kind,
            create: schema.custom_field(entity, name).is_none(),
        },
        Spec::Custom(name, _) => Target::Note {
            label: name.trim_start_matches("RSoft ").into(),
        },
        Spec::Note(label) => Target::Note {
            label: label.into(),
        },
        Spec::Lookup(entity, by) => Target::Lookup { entity, by },
        Spec::Related(part) => Target::Related { part },
        Spec::Tags => Target::Tags,
        Spec::LegacyId => Target::LegacyId,
        Spec::Ignore(_) => Target::Ignore,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    Exact,
    WithoutModuleName,
    Reordered,
    WithoutNoise,
    Similar,
}

struct Found {
    row: &'static Synonym,
    phrase: &'static str,
    how: How,
    similarity: f64,
}

fn best_synonym(module: Module, header: &str) -> Option<Found> {
    let full = normalize_header(header);
    // The module's noun first (`Ticket No.`) or, in languages that put it last, last (`Nº Ticket`).
    let stripped = module_nouns(module).iter().find_map(|noun| {
        full.strip_prefix(noun)
            .and_then(|rest| rest.strip_prefix(' '))
            .or_else(|| full.strip_suffix(noun)?.strip_suffix(' '))
            .map(str::to_string)
    });
    let candidates: Vec<(&'static Synonym, &'static str, String)> = rows_for(module)
        .flat_map(|row| {
            row.phrases
                .iter()
                .map(move |p| (row, *p, normalize_header(p)))
        })
        .collect();
    let exact = |form: &str, how: How| {
        candidates
            .iter()
            .find(|(_, _, p)| p == form)
            .map(|(row, phrase, _)| Found {
                row,
                phrase,
                how,
                similarity: 1.0,
            })
    };
    if let Some(f) = exact(&full, How::Exact) {
        return Some(f);
    }
    if let Some(f) = stripped
        .as_deref()
        .and_then(|s| exact(s, How::WithoutModuleName))
    {
        return Some(f);
    }
    let sorted = |s: &str| {
        let mut words: Vec<&str> = s.split(' ').collect();
        words.sort_unstable();
        words.join(" ")
    };
    let full_sorted = sorted(&full);
    if let Some((row, phrase, _)) = candidates
        .iter()
        .find(|(_, _, p)| p.contains(' ') && sorted(p) == full_sorted)
    {
        return Some(Found {
            row,
            phrase,
            how: How::Reordered,
            similarity: 1.0,
        });
    }
    let forms: Vec<&str> = std::iter::once(full.as_str())
        .chain(stripped.as_deref())
        .collect();
    for form in &forms {
        let quiet: Vec<&str> = form.split(' ').filter(|w| !NOISE.contains(w)).collect();
        if quiet.len() < form.split(' ').count() && !quiet.is_empty() {
            if let Some(f) = exact(&quiet.join(" "), How::WithoutNoise) {
                return Some(f);
            }
        }
    }
    candidates
        .iter()
        .flat_map(|(row, phrase, p)| {
            forms
                .iter()
                .filter_map(move |f| word_similarity(f, p).map(|s| (*row, *phrase, s)))
        })
        .filter(|(_, _, s)| *s >= NEAR_SIMILARITY)
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(row, phrase, similarity)| Found {
            row,
            phrase,
            how: How::Similar,
            similarity,
        })
}

/// Words that say nothing about a column's meaning: units, currency codes, date-format hints.
const NOISE: [&str; 14] = [
    "percent", "inr", "usd", "eur", "rs", "the", "of", "in", "optional", "yyyy", "mm", "dd", "hh",
    "ss",
];

/// Similarity of two phrases with the same number of words: the worst word pair's
/// Damerau-Levenshtein similarity, so a typo matches (`Designaton`) but a different word does not
/// (`Customer Type` is not `Customer Stage`).
fn word_similarity(a: &str, b: &str) -> Option<f64> {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    if wa.len() != wb.len() || a.len() < 4 {
        return None;
    }
    wa.iter()
        .zip(&wb)
        .map(|(x, y)| strsim::normalized_damerau_levenshtein(x, y))
        .reduce(f64::min)
}

/// What a column's non-empty samples read as.
struct Evidence {
    values: usize,
    counts: BTreeMap<ValueKind, usize>,
    long: bool,
}

impl Evidence {
    fn of(samples: &[String]) -> Evidence {
        let mut counts = BTreeMap::new();
        let mut values = 0;
        let mut total_len = 0;
        for sample in samples.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            values += 1;
            total_len += sample.chars().count();
            for kind in kinds_of(sample) {
                *counts.entry(kind).or_insert(0) += 1;
            }
        }
        Evidence {
            values,
            counts,
            long: values > 0 && total_len / values > 120,
        }
    }

    /// Share of samples that read as `kind`; `None` for free text or no samples.
    fn share(&self, kind: ValueKind) -> Option<f64> {
        if self.values == 0
            || matches!(
                kind,
                ValueKind::Text | ValueKind::LongText | ValueKind::Choice
            )
        {
            return None;
        }
        let n = self.counts.get(&kind).copied().unwrap_or(0);
        Some(n as f64 / self.values as f64)
    }

    /// The kind a new custom field should have: the most specific kind all samples share.
    fn infer_kind(&self, inferred: Option<ValueKind>) -> ValueKind {
        if self.values == 0 {
            return inferred.unwrap_or(ValueKind::Text);
        }
        const SPECIFIC_FIRST: [ValueKind; 8] = [
            ValueKind::Email,
            ValueKind::Url,
            ValueKind::Boolean,
            ValueKind::Date,
            ValueKind::DateTime,
            ValueKind::Phone,
            ValueKind::Number,
            ValueKind::Money,
        ];
        SPECIFIC_FIRST
            .into_iter()
            .find(|k| self.share(*k).is_some_and(|s| s >= EVIDENCE_SHARE))
            .unwrap_or(if self.long {
                ValueKind::LongText
            } else {
                ValueKind::Text
            })
    }
}

/// Every kind one value reads as.
fn kinds_of(value: &str) -> Vec<ValueKind> {
    let mut kinds = Vec::new();
    // A cell of several emails or phones reads as that kind: the load sends each.
    if cell_values(ValueKind::Email, value)
        .into_iter()
        .all(looks_like_email)
    {
        kinds.push(ValueKind::Email);
    }
    let lower = value.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www."))
        && !value.contains(' ')
    {
        kinds.push(ValueKind::Url);
    }
    if value.chars().any(char::is_alphabetic) && parse_bool(value).is_ok() {
        kinds.push(ValueKind::Boolean);
    }
    let date_like = [DateOrder::Dmy, DateOrder::Mdy]
        .into_iter()
        .find_map(|order| parse_when(value, order, chrono_tz::UTC).ok());
    if date_like.is_some() {
        kinds.push(ValueKind::DateTime);
        if [DateOrder::Dmy, DateOrder::Mdy]
            .into_iter()
            .any(|order| parse_date(value, order).is_ok())
        {
            kinds.push(ValueKind::Date);
        }
    }
    let phone =
        |p: &str| p.chars().filter(char::is_ascii_digit).count() >= 8 && to_e164(p, "IN").is_ok();
    if cell_values(ValueKind::Phone, value).into_iter().all(phone) {
        kinds.push(ValueKind::Phone);
    }
    if parse_number(value).is_ok() {
        kinds.extend([ValueKind::Number, ValueKind::Percent]);
    }
    if parse_money(value, "INR").is_ok() {
        kinds.push(ValueKind::Money);
    }
    kinds
}

/// Proposals for a value map from the distinct source values seen.
pub fn propose_values(
    kind: ValueMapKind,
    values: &[&str],
    schema: &DestinationSchema,
) -> Vec<ValueEntry> {
    values
        .iter()
        .map(|value| {
            let (to, confidence, reason) = match kind {
                ValueMapKind::LifecycleStage => (
                    value.to_string(),
                    0.9,
                    "kept as the Lifecycle Stage custom field's value".to_string(),
                ),
                ValueMapKind::ActivityType => activity_type(value, &schema.activity_types),
                fixed => fixed_value(fixed, value),
            };
            ValueEntry {
                from: value.to_string(),
                to,
                stageset: None,
                confidence,
                reason,
                status: Status::Proposed,
            }
        })
        .collect()
}

/// Source words for each fixed Nutshell value.
fn fixed_synonyms(kind: ValueMapKind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        ValueMapKind::LeadStatus => &[
            (
                "open",
                &[
                    "open",
                    "new",
                    "in progress",
                    "working",
                    "contacted",
                    "qualified",
                    "active",
                    "follow up",
                    "pending",
                    "negotiation",
                    "nurturing",
                    "attempted to contact",
                ],
            ),
            (
                "won",
                &[
                    "won",
                    "closed won",
                    "converted",
                    "success",
                    "successful",
                    "deal won",
                    "win",
                ],
            ),
            (
                "lost",
                &[
                    "lost",
                    "closed lost",
                    "junk",
                    "disqualified",
                    "unqualified",
                    "dead",
                    "rejected",
                    "not interested",
                    "deal lost",
                ],
            ),
            (
                "cancelled",
                &[
                    "cancelled",
                    "canceled",
                    "dropped",
                    "abandoned",
                    "withdrawn",
                    "void",
                ],
            ),
        ],
        ValueMapKind::ActivityStatus => &[
            (
                "scheduled",
                &[
                    "scheduled",
                    "planned",
                    "open",
                    "pending",
                    "upcoming",
                    "not started",
                    "due",
                ],
            ),
            (
                "logged",
                &[
                    "completed",
                    "done",
                    "logged",
                    "held",
                    "closed",
                    "finished",
                    "complete",
                ],
            ),
            ("cancelled", &["cancelled", "canceled", "no show", "missed"]),
        ],
        ValueMapKind::TicketStatus => &[
            (
                "open",
                &[
                    "open",
                    "new",
                    "in progress",
                    "pending",
                    "on hold",
                    "reopened",
                    "waiting",
                    "assigned",
                    "escalated",
                ],
            ),
            (
                "completed",
                &["closed", "resolved", "completed", "done", "solved"],
            ),
        ],
        ValueMapKind::TicketPriority => &[
            ("low", &["low", "minor", "p4", "lowest"]),
            ("normal", &["normal", "medium", "moderate", "p3", "p2"]),
            (
                "high",
                &[
                    "high", "urgent", "critical", "p1", "major", "highest", "blocker",
                ],
            ),
        ],
        ValueMapKind::Stage | ValueMapKind::ActivityType | ValueMapKind::LifecycleStage => &[],
    }
}

fn fixed_value(kind: ValueMapKind, value: &str) -> (String, f64, String) {
    let folded = normalize_header(value);
    for (to, words) in fixed_synonyms(kind) {
        if words.iter().any(|w| normalize_header(w) == folded) {
            return (to.to_string(), 0.9, format!("{value:?} means {to}"));
        }
    }
    let allowed = kind.fixed_values().unwrap_or_default().join(", ");
    (
        String::new(),
        0.0,
        format!("no match for {value:?}; set `to` to one of {allowed}"),
    )
}

fn activity_type(value: &str, types: &[String]) -> (String, f64, String) {
    let folded = normalize_header(value);
    if let Some(t) = types.iter().find(|t| normalize_header(t) == folded) {
        return (
            t.clone(),
            0.95,
            format!("Nutshell has the activity type {t:?}"),
        );
    }
    if ["note", "notes", "comment", "remark"].contains(&folded.as_str()) {
        return (
            AS_NOTE.to_string(),
            0.9,
            format!(
                "{value:?} activities carry no call, email or meeting: they become Nutshell notes on the record they belong to (`to = {AS_NOTE:?}`)"
            ),
        );
    }
    let find = |words: &[&str]| {
        types
            .iter()
            .find(|t| words.iter().any(|w| normalize_header(t).contains(w)))
            .cloned()
    };
    let calls = ["call", "phone"];
    let groups: [(&[&str], &[&str]); 3] = [
        (
            &["call", "phone", "ivr", "outbound", "inbound", "voice"],
            &calls,
        ),
        (&["email", "mail"], &["email"]),
        (
            &[
                "meeting",
                "visit",
                "demo",
                "appointment",
                "site visit",
                "presentation",
            ],
            &["meeting"],
        ),
    ];
    for (source, dest) in groups {
        if source.iter().any(|w| folded.contains(w)) {
            if let Some(t) = find(dest) {
                return (t.clone(), 0.85, format!("{value:?} is a kind of {t}"));
            }
        }
    }
    if ["sms", "whatsapp", "text message", "chat"]
        .iter()
        .any(|w| folded.contains(w))
    {
        if let Some(t) = find(&calls) {
            return (
                t.clone(),
                0.7,
                format!(
                    "fallback: this Nutshell account has no {value} activity type, so it is logged as {t:?} with {value:?} at the start of its description; create a {value} type in Nutshell to keep it apart"
                ),
            );
        }
    }
    (
        String::new(),
        0.0,
        format!(
            "no activity type matches {value:?}; set `to` to one of: {}",
            types.join(", ")
        ),
    )
}

/// Stage map proposals: each RSoft pipeline + stage to a Nutshell stageset + milestone of the same
/// name (case and punctuation aside). Pipelines and stages cannot be created through the API, so
/// an unmatched pair stays below the threshold and names what to create in Nutshell.
pub fn propose_stage_map(
    pairs: &[(String, String)],
    schema: &DestinationSchema,
) -> Vec<ValueEntry> {
    let same = |a: &str, b: &str| normalize_header(a) == normalize_header(b);
    pairs
        .iter()
        .map(|(pipeline, stage)| {
            let stageset = schema.stagesets.iter().find(|s| same(&s.name, pipeline));
            let milestone = stageset.and_then(|s| s.milestones.iter().find(|m| same(m, stage)));
            let (to, set, confidence, reason) = match (stageset, milestone) {
                (Some(s), Some(m)) => (m.clone(), s.name.clone(), 0.95, format!("Nutshell has pipeline {:?} with stage {m:?}", s.name)),
                (Some(s), None) => (stage.clone(), s.name.clone(), 0.3, format!("Nutshell pipeline {:?} has no stage {stage:?}: add it in Nutshell (Setup → Pipelines) or pick one of: {}", s.name, s.milestones.join(", "))),
                (None, _) if !schema.read_from_account => (stage.clone(), pipeline.clone(), 0.3, format!("unverified: no Nutshell account was read; set [nutshell] endpoint and run `crm-migrate map` again, or confirm once pipeline {pipeline:?} has stage {stage:?} in Nutshell")),
                (None, _) => (stage.clone(), pipeline.clone(), 0.3, format!("Nutshell has no pipeline {pipeline:?}: create it with stage {stage:?} in Nutshell (Setup → Pipelines), or map to an existing one")),
            };
            ValueEntry {
                from: stage_key(pipeline, stage),
                to,
                stageset: Some(set),
                confidence,
                reason,
                status: Status::Proposed,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::schema::{CustomFieldDef, StagesetDef};

    fn column(module: Module, header: &str, samples: &[&str]) -> SourceColumn {
        SourceColumn {
            module,
            header: header.into(),
            inferred: None,
            samples: samples.iter().map(|s| s.to_string()).collect(),
            fill_rate: if samples.is_empty() { 0.0 } else { 1.0 },
            check: None,
            format: Default::default(),
            flags: Default::default(),
        }
    }

    fn one(col: SourceColumn) -> ColumnEntry {
        let map = propose(
            std::slice::from_ref(&col),
            &DestinationSchema::offline(),
            "RSoft ID",
        );
        map.modules[&col.module].columns[0].clone()
    }

    fn field(path: &str) -> Target {
        Target::Field { field: path.into() }
    }

    const EMAILS: [&str; 3] = ["ravi@acme.in", "PRIYA@Bluewave.in", "anil@ganesh.com"];

    #[test]
    fn a_column_naming_a_related_record_by_rsoft_id_is_a_lookup() {
        for (module, header, samples, entity) in [
            (
                Module::Activities,
                "Contact ID",
                ["CONT-1", "CONT-2", "CONT-9"],
                Entity::Contacts,
            ),
            (
                Module::Activities,
                "Person ID",
                ["CONT-1", "CONT-2", "CONT-9"],
                Entity::Contacts,
            ),
            (
                Module::Activities,
                "Deal ID",
                ["DEAL-1", "DEAL-4", "DEAL-7"],
                Entity::Leads,
            ),
            (
                Module::Deals,
                "Company ID",
                ["COMP-1", "COMP-2", "COMP-3"],
                Entity::Accounts,
            ),
            (
                Module::Leads,
                "Converted Contact ID",
                ["CONT-9", "", ""],
                Entity::Contacts,
            ),
        ] {
            let e = one(column(module, header, &samples));
            assert_eq!(
                e.target,
                Target::Lookup {
                    entity,
                    by: LookupKey::RsoftId
                },
                "{module} {header}: {e:?}"
            );
            assert!(e.confidence >= CONFIDENCE_THRESHOLD, "{e:?}");
        }
    }

    #[test]
    fn values_speak_when_the_header_does_not() {
        let e = one(column(Module::Contacts, "Primary", &EMAILS));
        assert_eq!(e.target, field("Contacts.email"));
        assert!(
            e.confidence >= CONFIDENCE_THRESHOLD && e.reason.contains("100% of samples are email"),
            "{e:?}"
        );
        // A header contradicted by its values is not trusted.
        let e = one(column(Module::Contacts, "Phone", &EMAILS));
        assert_eq!(e.target, field("Contacts.email"), "{e:?}");
        let e = one(column(Module::Deals, "Amount", &["soon", "maybe", "n/a"]));
        assert_eq!(e.target, Target::Unmapped);
        assert!(e.reason.contains("0% of samples read as Money"), "{e:?}");
        // Agreeing values raise the confidence and say so.
        let e = one(column(
            Module::Contacts,
            "Mobile No.",
            &["9876543210", "+91 98765 43210"],
        ));
        assert_eq!(e.target, field("Contacts.phone"));
        assert!(e.confidence > 0.95 && e.reason.contains("Phone"), "{e:?}");
    }

    #[test]
    fn typos_and_format_hints() {
        let e = one(column(Module::Contacts, "Designaton", &["Manager"]));
        assert_eq!(e.target, field("Contacts.jobTitle"));
        assert!(
            e.confidence >= CONFIDENCE_THRESHOLD && e.confidence < 0.9,
            "{e:?}"
        );
        let e = one(column(
            Module::Deals,
            "Expected Close Date (DD-MM-YYYY)",
            &["25-04-2026"],
        ));
        assert_eq!(e.target, field("Leads.dueTime"), "{e:?}");
        // Near but different words stay with the operator, never guessed.
        let e = one(column(Module::Contacts, "Emial Adress", &["x"]));
        assert_eq!(e.target, Target::Unmapped, "{e:?}");
        assert!(
            e.confidence < CONFIDENCE_THRESHOLD && e.reason.contains("close to"),
            "{e:?}"
        );
    }

    #[test]
    fn a_new_custom_field_does_not_outscore_an_unfilled_required_field() {
        let columns = [
            column(Module::Companies, "Company ID", &["COMP-1"]),
            column(
                Module::Companies,
                "Xyzzy Label",
                &["Nila Traders", "Kaveri Agro"],
            ),
            column(Module::Companies, "Founded", &["01/02/2015"]),
        ];
        let map = propose(&columns, &DestinationSchema::offline(), "RSoft ID");
        let c = &map.modules[&Module::Companies].columns;
        assert!(c[1].confidence < CONFIDENCE_THRESHOLD, "{:?}", c[1]);
        assert!(c[1].reason.contains("Accounts.name"), "{:?}", c[1]);
        // A column that could not be the name keeps its proposal.
        assert!(c[2].confidence >= CONFIDENCE_THRESHOLD, "{:?}", c[2]);
        // With the name filled, the custom field is proposed as before.
        let mut with_name = columns.to_vec();
        with_name.push(column(Module::Companies, "Company Name", &["Nila Traders"]));
        let map = propose(&with_name, &DestinationSchema::offline(), "RSoft ID");
        let c = &map.modules[&Module::Companies].columns;
        assert!(c[1].confidence >= CONFIDENCE_THRESHOLD, "{:?}", c[1]);
    }

    #[test]
    fn unknown_columns_become_typed_custom_fields_or_notes() {
        let e = one(column(
            Module::Contacts,
            "Anniversary",
            &["12-11-2010", "01/02/2015"],
        ));
        assert_eq!(
            e.target,
            Target::Custom {
                name: "Anniversary".into(),
                kind: ValueKind::Date,
                create: true
            }
        );
        let e = one(column(
            Module::Companies,
            "Credit Limit",
            &["₹ 5,00,000", "1,25,000.50"],
        ));
        assert!(
            matches!(
                e.target,
                Target::Custom {
                    kind: ValueKind::Number | ValueKind::Money,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = one(column(Module::Contacts, "Is Active", &["Yes", "no", "Y"]));
        assert!(
            matches!(
                e.target,
                Target::Custom {
                    kind: ValueKind::Boolean,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = one(column(
            Module::Activities,
            "Call Recording",
            &["rec-001.mp3"],
        ));
        assert_eq!(
            e.target,
            Target::Note {
                label: "Call Recording".into()
            }
        );
        let e = one(column(Module::Contacts, "Fax", &[]));
        assert_eq!(
            (e.target, e.reason.as_str()),
            (Target::Ignore, "empty in every row")
        );
        // An existing custom field is reused, not created again.
        let mut schema = DestinationSchema::offline();
        schema.custom_fields.insert(
            Entity::Contacts,
            vec![CustomFieldDef {
                name: "pan".into(),
                kind: ValueKind::Text,
            }],
        );
        let map = propose(
            &[column(Module::Contacts, "PAN", &["ABCDE1234F"])],
            &schema,
            "RSoft ID",
        );
        let e = &map.modules[&Module::Contacts].columns[0];
        assert!(
            matches!(e.target, Target::Custom { create: false, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn two_columns_never_share_a_single_valued_target() {
        let cols = [
            column(Module::Companies, "Company Name", &["Acme"]),
            column(Module::Companies, "Name", &["Acme"]),
            column(Module::Companies, "Phone", &["9876543210"]),
            column(Module::Companies, "Mobile", &["9876543210"]),
        ];
        let map = propose(&cols, &DestinationSchema::offline(), "RSoft ID");
        let c = &map.modules[&Module::Companies].columns;
        assert_eq!(c[0].target, field("Accounts.name"));
        assert_eq!(c[1].target, Target::Unmapped);
        assert!(c[1].confidence < CONFIDENCE_THRESHOLD);
        assert!(
            c[1].reason.contains("\"Company Name\" has it"),
            "{}",
            c[1].reason
        );
        // Phone numbers are multi-valued: both columns keep their target.
        assert_eq!(c[2].target, field("Accounts.phone"));
        assert_eq!(c[3].target, field("Accounts.phone"));
    }

    #[test]
    fn value_maps_are_proposed_from_samples() {
        let cols = [
            column(
                Module::Deals,
                "Status",
                &["Won", "Lost", "Open", "won", "On Ice"],
            ),
            column(
                Module::Activities,
                "Activity Type",
                &["Call", "SMS", "Site Visit", "Email", "Fax", "Note"],
            ),
        ];
        let map = propose(&cols, &DestinationSchema::offline(), "RSoft ID");
        let status = &map.modules[&Module::Deals].values[&ValueMapKind::LeadStatus];
        let pairs: Vec<_> = status
            .iter()
            .map(|v| (v.from.as_str(), v.to.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Won", "won"),
                ("Lost", "lost"),
                ("Open", "open"),
                ("On Ice", "")
            ]
        );
        assert!(
            status[3].confidence < CONFIDENCE_THRESHOLD
                && status[3].reason.contains("open, won, lost, cancelled")
        );
        let types = &map.modules[&Module::Activities].values[&ValueMapKind::ActivityType];
        let to: Vec<_> = types.iter().map(|v| v.to.as_str()).collect();
        assert_eq!(
            to,
            ["Phone Call", "Phone Call", "Meeting", "Email", "", AS_NOTE]
        );
        assert!(
            types[5].confidence >= CONFIDENCE_THRESHOLD,
            "{:?}",
            types[5]
        );
        assert!(
            types[1].reason.starts_with("fallback") && types[1].reason.contains("SMS"),
            "{}",
            types[1].reason
        );
    }

    #[test]
    fn stage_map_goes_with_the_deals() {
        let pairs = [("Sales".to_string(), "Won".to_string())];
        let memory = MappingMemory::default();
        let schema = DestinationSchema::offline();
        let only_contacts = [column(Module::Contacts, "Email", &EMAILS)];
        let map = propose_map(&only_contacts, &pairs, &schema, "RSoft ID", &memory, None);
        assert!(!map.modules.contains_key(&Module::Deals));
        let with_deals = [column(Module::Deals, "Stage", &["Won"])];
        let map = propose_map(&with_deals, &pairs, &schema, "RSoft ID", &memory, None);
        let stages = &map.modules[&Module::Deals].values[&ValueMapKind::Stage];
        assert_eq!(stages[0].from, "Sales / Won");
    }

    #[test]
    fn stage_map_matches_existing_pipelines_only() {
        let schema = DestinationSchema {
            stagesets: vec![StagesetDef {
                name: "Sales".into(),
                milestones: vec!["Qualified".into(), "Negotiation".into()],
            }],
            read_from_account: true,
            ..DestinationSchema::offline()
        };
        let pairs = [
            ("sales".to_string(), "NEGOTIATION".to_string()),
            ("Sales".to_string(), "Demo".to_string()),
            ("Renewals".to_string(), "Quote".to_string()),
        ];
        let m = propose_stage_map(&pairs, &schema);
        assert_eq!(
            (m[0].to.as_str(), m[0].stageset.as_deref()),
            ("Negotiation", Some("Sales"))
        );
        assert!(m[0].confidence >= CONFIDENCE_THRESHOLD);
        assert_eq!(m[0].from, "sales / NEGOTIATION");
        assert!(
            m[1].confidence < CONFIDENCE_THRESHOLD
                && m[1].reason.contains("Qualified, Negotiation")
        );
        assert!(
            m[2].confidence < CONFIDENCE_THRESHOLD
                && m[2].reason.contains("no pipeline \"Renewals\"")
        );
        // Offline nothing is known about pipelines: flagged as unverified, not as missing.
        let m = propose_stage_map(&pairs[2..], &DestinationSchema::offline());
        assert!(m[0].confidence < CONFIDENCE_THRESHOLD && m[0].reason.starts_with("unverified"));
    }
}
