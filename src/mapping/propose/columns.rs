//! Column proposals: a target for each source column from its header (curated synonyms, near
//! spellings) and its values, and the rule that a new custom field does not outscore an unfilled
//! required field.

use std::collections::BTreeMap;

use crate::config::DateOrder;
use crate::mapping::catalogue::{ValueKind, required_fields, standard_field, stated_default};
use crate::mapping::column::SourceColumn;
use crate::mapping::model::{
    CONFIDENCE_THRESHOLD, ColumnEntry, LookupKey, Status, Target, target_kind,
};
use crate::mapping::schema::DestinationSchema;
use crate::mapping::transform::{
    cell_values, email::looks_like_email, parse_bool, parse_date, parse_money, parse_number,
    parse_phone, parse_when,
};
use crate::nutshell::EntityType;
use crate::rsoft::Module;
use crate::rsoft::company::website_domain;
use crate::vocabulary::{
    Concept, Matched, Propose, Vocabulary, normalize_header, without_module_noun,
};

/// Above this similarity a near spelling of a synonym is proposed; between it and
/// [`NEAR_SIMILARITY`] it is only suggested to the operator.
const CLOSE_SIMILARITY: f64 = 0.88;
const NEAR_SIMILARITY: f64 = 0.7;
/// Share of samples that must read as a kind for the values to speak for the column.
const EVIDENCE_SHARE: f64 = 0.95;

/// While a required field of the module's record is filled by no column above the threshold
/// (and no stated default fills it), a new custom field of a kind that could fill it is not
/// proposed above the threshold: the operator chooses (issue 12, "proposals know what each
/// Nutshell record needs").
pub(super) fn flag_unfilled_required(entity: EntityType, columns: &mut [ColumnEntry]) {
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
                entity.as_str()
            ));
        }
    }
}

struct Proposal {
    target: Target,
    confidence: f64,
    reason: String,
}

pub(super) fn propose_column(
    vocabulary: &Vocabulary,
    column: &SourceColumn,
    entity: EntityType,
    schema: &DestinationSchema,
) -> ColumnEntry {
    let mut evidence = Evidence::of(&column.samples);
    // A date column a spreadsheet saved as serial day numbers is read as dates (its format
    // entry says so, `excel_serial`): its samples are dates, not numbers.
    if column.format.excel_serials.is_some() {
        evidence.as_serial_dates();
    }
    let from_header = header_proposal(vocabulary, column, entity, &evidence, schema);
    let proposal = match from_header {
        Some(p) if p.confidence >= CONFIDENCE_THRESHOLD => p,
        weak => email_evidence(column, &evidence)
            .or(weak)
            .unwrap_or_else(|| fallback(column, entity, &evidence, schema)),
    };
    let Proposal {
        mut target,
        mut confidence,
        mut reason,
    } = proposal;
    // Only what the load accepts: a new custom field of a kind Nutshell creates only on Leads
    // keeps the values as text.
    if let Target::Custom {
        kind, create: true, ..
    } = &mut target
    {
        if let Some(refused) = kind.custom_field_refused(entity) {
            *kind = ValueKind::Text;
            reason.push_str(&format!("; {refused}, so the field is Text"));
        }
    }
    // Said where the operator decides, not discovered in Nutshell: a Date field keeps the day.
    if matches!(
        target,
        Target::Custom {
            kind: ValueKind::DateTime,
            ..
        }
    ) {
        reason.push_str(
            "; Nutshell custom fields have no time of day (a date_time field is a Date field): \
             the day is kept and the time dropped; map the column to a text field to keep both",
        );
    }
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
    vocabulary: &Vocabulary,
    column: &SourceColumn,
    entity: EntityType,
    evidence: &Evidence,
    schema: &DestinationSchema,
) -> Option<Proposal> {
    let found = best_synonym(vocabulary, column.module, &column.header)?;
    let header = match repeated_header(&column.header) {
        Some(name) => format!("{:?} (the file's header {name:?} again)", column.header),
        None => format!("{:?}", column.header),
    };
    if found.similarity < CLOSE_SIMILARITY {
        return Some(Proposal {
            target: Target::Unmapped,
            confidence: found.similarity - 0.35,
            reason: format!(
                "header {header} is close to {:?} ({}, similarity {:.2}) but not close enough to assume it; choose a target",
                found.phrase, found.concept.meaning, found.similarity
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
    // Only concepts with a target are matched when proposing.
    let propose = found.concept.propose.as_ref()?;
    let mut target = resolve(propose, entity, schema);
    let mut reason = format!(
        "header {header} {how} {} ({:?})",
        found.concept.meaning, found.phrase
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
                    // Samples agreeing on another kind do not outweigh the whole column
                    // refusing this one: the values are kept as text.
                    *k = if read.whole_column {
                        ValueKind::Text
                    } else {
                        evidence.infer_kind(column.inferred)
                    };
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

/// The kind of the field `column`'s header names (a synonym, or a close spelling of one),
/// whatever its values say; `None` when the header names no typed field. `map` reads every value
/// of the column as this kind too ([`crate::mapping::value_check::ValueChecks`]), so whether the
/// values bear the header out is judged on the whole column, never on three samples (issue 12).
pub fn named_kind(
    vocabulary: &Vocabulary,
    column: &SourceColumn,
    schema: &DestinationSchema,
) -> Option<ValueKind> {
    let entity = column.module.entity()?;
    let found = best_synonym(vocabulary, column.module, &column.header)?;
    if found.similarity < CLOSE_SIMILARITY {
        return None;
    }
    target_kind(&resolve(found.concept.propose.as_ref()?, entity, schema))
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
    /// Every value was read, not only the samples.
    whole_column: bool,
}

/// How the column reads as `kind`: from every value when `map` checked the column for `kind`
/// ([`SourceColumn::check`]), else from the samples; `None` for free text or no values.
fn reads_as(column: &SourceColumn, evidence: &Evidence, kind: ValueKind) -> Option<ReadsAs> {
    match column.check(kind) {
        Some(check) if check.values > 0 => Some(ReadsAs {
            share: check.share(),
            what: format!(
                "{:.0}% of the column's {} values read as {kind:?}",
                check.share() * 100.0,
                check.values
            ),
            failures: (check.failed > 0).then(|| check.describe()),
            whole_column: true,
        }),
        _ => evidence.share(kind).map(|share| ReadsAs {
            share,
            what: format!("{:.0}% of samples read as {kind:?}", share * 100.0),
            failures: None,
            whole_column: false,
        }),
    }
}

/// A column of email addresses is an email, whatever its header: judged on every value once
/// `map` has checked them ([`reads_as`]), so three email samples over a column of phone notes
/// are not a confident proposal (a new-user trial saw 7 of 10 values fail at the load).
fn email_evidence(column: &SourceColumn, evidence: &Evidence) -> Option<Proposal> {
    let read = reads_as(column, evidence, ValueKind::Email)?;
    if read.share < EVIDENCE_SHARE {
        return None;
    }
    let target = match column.module {
        Module::Companies => Target::Field {
            field: "Accounts.email".into(),
        },
        Module::Contacts | Module::Leads => Target::Field {
            field: "Contacts.email".into(),
        },
        Module::Deals | Module::Tickets => Target::Lookup {
            entity: EntityType::Contacts,
            by: LookupKey::Email,
        },
        Module::Activities
        | Module::TicketMessages
        | Module::Users
        | Module::Pipelines
        | Module::CustomFields
        | Module::Workflows => return None,
    };
    let (confidence, failures) = match read.failures {
        Some(f) => (FAILING_CONFIDENCE.min(0.85), format!("; {f}")),
        None => (0.85, String::new()),
    };
    Some(Proposal {
        target,
        confidence,
        reason: format!("{}{failures}", read.what),
    })
}

/// No synonym: an empty column is ignored; otherwise its values are kept in a new custom field
/// (a note line where the entity has no custom fields).
fn fallback(
    column: &SourceColumn,
    entity: EntityType,
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
            .check(kind)
            .is_some_and(|c| c.share() < EVIDENCE_SHARE)
        {
            kind = ValueKind::Text;
        }
        let existing = schema.custom_field(entity, &name);
        Proposal {
            reason: match existing {
                Some(_) => format!(
                    "no standard field matches; {} already has the custom field {name:?}",
                    entity.as_str()
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
                entity.as_str()
            ),
            target: Target::Note { label: name },
            confidence: 0.7,
        }
    }
}

fn resolve(propose: &Propose, entity: EntityType, schema: &DestinationSchema) -> Target {
    match propose {
        Propose::Field(path) => Target::Field {
            field: path.clone(),
        },
        Propose::Custom { name, kind } if entity.has_custom_fields() => Target::Custom {
            name: name.clone(),
            kind: *kind,
            create: schema.custom_field(entity, name).is_none(),
        },
        Propose::Custom { name, .. } => Target::Note {
            label: name.trim_start_matches("RSoft ").into(),
        },
        Propose::Note(label) => Target::Note {
            label: label.clone(),
        },
        Propose::Lookup { entity, by } => Target::Lookup {
            entity: *entity,
            by: *by,
        },
        Propose::Related(part) => Target::Related { part: *part },
        Propose::Tags => Target::Tags,
        Propose::LegacyId => Target::LegacyId,
        Propose::Ignore(_) => Target::Ignore,
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

struct Found<'v> {
    concept: &'v Concept,
    phrase: &'v str,
    how: How,
    similarity: f64,
}

/// The header's best spelling in the vocabulary: exact or without the module's noun
/// ([`Vocabulary::meaning`], as classification reads it), then the words reordered, without
/// noise words, or a near spelling.
fn best_synonym<'v>(vocabulary: &'v Vocabulary, module: Module, header: &str) -> Option<Found<'v>> {
    let header = repeated_header(header).unwrap_or(header);
    if let Some((concept, phrase, matched)) = vocabulary.meaning(module, header, true) {
        let how = match matched {
            Matched::Exact => How::Exact,
            Matched::WithoutModuleName => How::WithoutModuleName,
        };
        return Some(Found {
            concept,
            phrase,
            how,
            similarity: 1.0,
        });
    }
    let full = normalize_header(header);
    let stripped = without_module_noun(module, &full);
    let candidates: Vec<(&Concept, &str, &str)> = vocabulary.spellings_for(module).collect();
    let exact = |form: &str, how: How| {
        candidates
            .iter()
            .find(|(_, _, p)| *p == form)
            .map(|(concept, phrase, _)| Found {
                concept,
                phrase,
                how,
                similarity: 1.0,
            })
    };
    let sorted = |s: &str| {
        let mut words: Vec<&str> = s.split(' ').collect();
        words.sort_unstable();
        words.join(" ")
    };
    let full_sorted = sorted(&full);
    if let Some((concept, phrase, _)) = candidates
        .iter()
        .find(|(_, _, p)| p.contains(' ') && sorted(p) == full_sorted)
    {
        return Some(Found {
            concept,
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
        .flat_map(|(concept, phrase, p)| {
            forms
                .iter()
                .filter_map(move |f| word_similarity(f, p).map(|s| (*concept, *phrase, s)))
        })
        .filter(|(_, _, s)| *s >= NEAR_SIMILARITY)
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(concept, phrase, similarity)| Found {
            concept,
            phrase,
            how: How::Similar,
            similarity,
        })
}

/// The header a file repeats, when the reader renamed this column for it (`Phone (2)` is the
/// file's second `Phone`, [`crate::rsoft::Headers::names`]): the column means what the header
/// says, and a field taking several values (an account's phones) takes both columns.
fn repeated_header(header: &str) -> Option<&str> {
    let (name, n) = header.strip_suffix(')')?.rsplit_once(" (")?;
    n.parse::<u32>()
        .is_ok_and(|n| n >= 2 && !name.trim().is_empty())
        .then_some(name)
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

    /// The samples are spreadsheet serial day numbers of a date column: each reads as a date
    /// and a date-time (a calendar date), and as nothing else.
    fn as_serial_dates(&mut self) {
        self.counts = [ValueKind::Date, ValueKind::DateTime]
            .into_iter()
            .map(|k| (k, self.values))
            .collect();
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
    // A cell of several emails or phones reads as that kind: the load sends each, and leaves
    // out a placeholder among them.
    let each = |kind, read: &dyn Fn(&str) -> bool| {
        let values = cell_values(kind, value).values;
        !values.is_empty() && values.into_iter().all(read)
    };
    if each(ValueKind::Email, &looks_like_email) {
        kinds.push(ValueKind::Email);
    }
    // As the load's URL check reads it: a bare domain (`acme.in`) is a web address too.
    if !value.contains(char::is_whitespace) && website_domain(value).is_some() {
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
    let phone = |p: &str| {
        p.chars().filter(char::is_ascii_digit).count() >= 8 && parse_phone(p, "IN").is_ok()
    };
    if each(ValueKind::Phone, &phone) {
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
