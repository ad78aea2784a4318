//! Checking a field map before anything moves: against the destination schema (required fields
//! covered, targets that exist and fit, custom fields within the plan, every stage mapped), and
//! the confirmation gate `migrate` applies (exit 3 while anything is unconfirmed).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Serialize;

use super::catalogue::{
    STANDARD_FIELDS, StatedDefault, ValueMapKind, required_fields, standard_field, stated_default,
};
use super::model::value_map_kind;
use super::model::{
    AS_NOTE, CONFIDENCE_THRESHOLD, ColumnEntry, FieldMap, ModuleMap, Status, Target,
};
use super::schema::DestinationSchema;
use crate::nutshell::EntityType;
use crate::rsoft::Module;

/// One thing wrong with the map, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The module whose section holds the entry.
    pub module: Module,
    /// The column or value-map entry concerned, if one.
    pub item: Option<String>,
    /// What is wrong, in the operator's words.
    pub problem: String,
    /// What to change in mapping.toml (or in Nutshell).
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.module.as_str())?;
        if let Some(item) = &self.item {
            write!(f, " {item:?}")?;
        }
        write!(f, ": {}. Fix: {}", self.problem, self.fix)
    }
}

/// The columns of a module that move: not unmapped, not ignored.
fn live_columns(module_map: &ModuleMap) -> Vec<&ColumnEntry> {
    module_map
        .columns
        .iter()
        .filter(|c| {
            !matches!(c.target, Target::Unmapped | Target::Ignore) && c.status != Status::Ignored
        })
        .collect()
}

/// A live column fills one of `fields`.
fn fills(live: &[&ColumnEntry], fields: &[&str]) -> bool {
    live.iter()
        .any(|c| matches!(&c.target, Target::Field { field } if fields.contains(&field.as_str())))
}

/// The stated default that fills one of the required `alternatives`, when what it is made from
/// is mapped.
fn default_for(live: &[&ColumnEntry], alternatives: &[&str]) -> Option<&'static StatedDefault> {
    alternatives
        .iter()
        .filter_map(|f| stated_default(f))
        .find(|d| fills(live, d.from))
}

/// A decision the map relies on without a column: a required field filled by its stated default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultDecision {
    /// The module whose rows rely on the default.
    pub module: Module,
    /// The required field, `Entity.field`.
    pub field: &'static str,
    /// What the record builder sends instead.
    pub rule: &'static str,
    /// How the operator changes it.
    pub change: String,
}

/// Every required field of `map` that no column fills and a stated default does, for the
/// operator to see (and change by mapping a column to the field).
pub fn stated_defaults(map: &FieldMap) -> Vec<DefaultDecision> {
    let mut decisions = Vec::new();
    for (module, module_map) in &map.modules {
        let Some(entity) = module.entity() else {
            continue;
        };
        let live = live_columns(module_map);
        for alternatives in required_fields(entity) {
            if fills(&live, alternatives) {
                continue;
            }
            if let Some(d) = default_for(&live, alternatives) {
                decisions.push(DefaultDecision {
                    module: *module,
                    field: d.field,
                    rule: d.rule,
                    change: format!(
                        "to choose otherwise, set a column's target in [columns.{}] to field = {:?}",
                        module.as_str(),
                        d.field
                    ),
                });
            }
        }
    }
    decisions
}

/// Every problem of `map` against `schema`; empty when the map can be used.
pub fn validate(map: &FieldMap, schema: &DestinationSchema) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut push = |module: Module, item: Option<&str>, problem: String, fix: String| {
        problems.push(Problem {
            module,
            item: item.map(str::to_string),
            problem,
            fix,
        })
    };
    // Per entity: the first module that fills it (where the problem is reported) and the names.
    let mut custom_by_entity: BTreeMap<EntityType, (Module, BTreeSet<String>)> = BTreeMap::new();
    for (module, module_map) in &map.modules {
        let module = *module;
        let section = format!("[columns.{}]", module.as_str());
        let Some(entity) = module.entity() else {
            push(
                module,
                None,
                format!("{module} describes the account's setup and has no records to map"),
                format!("remove {section} and [values.{module}.*]"),
            );
            continue;
        };
        let live = live_columns(module_map);
        for alternatives in required_fields(entity) {
            if !fills(&live, alternatives) && default_for(&live, alternatives).is_none() {
                push(
                    module,
                    None,
                    format!(
                        "no column fills {}, which every {} needs",
                        alternatives.join(" or "),
                        entity.as_str()
                    ),
                    format!(
                        "in {section} set a column's target to field = {:?}",
                        alternatives[0]
                    ),
                );
            }
        }
        if !live.iter().any(|c| c.target == Target::LegacyId) {
            push(
                module,
                None,
                format!(
                    "no column is the RSoft ID, so records cannot carry {:?} and a timed-out create cannot be checked",
                    map.legacy_id_field
                ),
                format!("in {section} set the module's ID column to target = \"legacy_id\""),
            );
        }

        let mut slots: HashMap<String, &str> = HashMap::new();
        for c in &live {
            let header = c.header.as_str();
            if let Some(slot) = c.target.single_slot() {
                if let Some(other) = slots.insert(slot.clone(), header) {
                    push(
                        module,
                        Some(header),
                        format!("{slot} is also filled by {other:?} and takes one column"),
                        "map one of the two elsewhere, or ignore it".into(),
                    );
                }
            }
            match &c.target {
                Target::Field { field } => match standard_field(field) {
                    None => push(
                        module,
                        Some(header),
                        format!("{field:?} is not a Nutshell field the tool knows"),
                        format!("use one of: {}", fields_of(entity).join(", ")),
                    ),
                    Some(f)
                        if f.entity != entity
                            && !(module == Module::Leads && f.entity == EntityType::Contacts) =>
                    {
                        push(
                            module,
                            Some(header),
                            format!(
                                "{} rows become Nutshell {}, so they cannot set {field}",
                                module.as_str(),
                                entity.as_str()
                            ),
                            format!(
                                "use a lookup to link the {} record, or one of: {}",
                                f.entity.as_str(),
                                fields_of(entity).join(", ")
                            ),
                        )
                    }
                    Some(_) => {}
                },
                Target::Custom { name, kind, create } => {
                    if !entity.has_custom_fields() {
                        push(
                            module,
                            Some(header),
                            format!("Nutshell {} have no custom fields", entity.as_str()),
                            format!("use target = \"note\" with label = {name:?}"),
                        );
                        continue;
                    }
                    custom_by_entity
                        .entry(entity)
                        .or_insert_with(|| (module, BTreeSet::new()))
                        .1
                        .insert(name.to_lowercase());
                    if let Some(field) = schema.unfillable_custom_field(entity, name) {
                        push(
                            module,
                            Some(header),
                            format!(
                                "the existing custom field {:?} is of Nutshell type {:?}, which crm-migrate cannot fill",
                                field.name, field.nutshell_type
                            ),
                            "map the column to another field, or set status = \"ignored\"".into(),
                        );
                        continue;
                    }
                    let refused = kind
                        .custom_field_refused(entity)
                        .filter(|_| *create && schema.custom_field(entity, name).is_none());
                    if let Some(refused) = refused {
                        // An entity's own field of several values of the kind keeps them all.
                        let own = STANDARD_FIELDS
                            .iter()
                            .find(|f| f.entity == entity && f.kind == *kind && f.multi)
                            .map(|f| format!(", or map the column to target = \"field\", field = {:?}, which takes several", f.path()))
                            .unwrap_or_default();
                        push(
                            module,
                            Some(header),
                            format!(
                                "custom field {name:?} is {kind:?}, and {refused}: the load would stop before it starts"
                            ),
                            format!("set type = \"text\"{own}"),
                        );
                        continue;
                    }
                    match (schema.custom_field(entity, name), create) {
                        (Some(existing), _) if !kind.fits(existing.kind) => push(
                            module,
                            Some(header),
                            format!(
                                "the existing custom field {:?} is {:?}, the column is mapped as {kind:?}",
                                existing.name, existing.kind
                            ),
                            format!(
                                "set type = {:?}, or use another field name",
                                format!("{:?}", existing.kind).to_lowercase()
                            ),
                        ),
                        (Some(existing), true) => push(
                            module,
                            Some(header),
                            format!(
                                "custom field {:?} already exists in Nutshell",
                                existing.name
                            ),
                            "set create = false to fill the existing field".into(),
                        ),
                        (None, false) if schema.read_from_account => push(
                            module,
                            Some(header),
                            format!("custom field {name:?} does not exist in Nutshell"),
                            "set create = true, or name an existing field".into(),
                        ),
                        _ => {}
                    }
                }
                _ => {}
            }
        }

        check_values(module, module_map, &live, schema, &mut push);
    }
    if let Some(limit) = schema.custom_field_limit {
        for (entity, (module, names)) in &custom_by_entity {
            let existing: BTreeSet<String> = schema
                .custom_fields
                .get(entity)
                .into_iter()
                .flatten()
                .map(|f| f.name.to_lowercase())
                .collect();
            let mut all: BTreeSet<String> = existing.union(names).cloned().collect();
            all.insert(map.legacy_id_field.to_lowercase());
            if all.len() > limit {
                push(
                    *module,
                    None,
                    format!(
                        "{} would have {} custom fields (with {:?}); the plan allows {limit}",
                        entity.as_str(),
                        all.len(),
                        map.legacy_id_field
                    ),
                    format!(
                        "map {} of the new ones to a note or ignore them, or move to a plan with more custom fields",
                        all.len() - limit
                    ),
                );
            }
        }
    }
    problems
}

fn fields_of(entity: EntityType) -> Vec<String> {
    STANDARD_FIELDS
        .iter()
        .filter(|f| f.entity == entity)
        .map(|f| f.path())
        .collect()
}

type Push<'a> = dyn FnMut(Module, Option<&str>, String, String) + 'a;

/// Every value map a mapped column needs exists, and every entry points at a real value.
fn check_values(
    module: Module,
    module_map: &super::model::ModuleMap,
    live: &[&super::model::ColumnEntry],
    schema: &DestinationSchema,
    push: &mut Push<'_>,
) {
    let needed: BTreeSet<ValueMapKind> = live
        .iter()
        .filter_map(|c| value_map_kind(&c.target))
        .collect();
    for kind in &needed {
        if module_map.values.get(kind).is_none_or(Vec::is_empty) {
            push(
                module,
                None,
                format!(
                    "a column is mapped to {} values but there is no [values.{}.{}] map",
                    kind.name(),
                    module.as_str(),
                    kind.name()
                ),
                "run `crm-migrate map` again to propose it, or write the entries by hand".into(),
            );
        }
    }
    for (kind, entries) in &module_map.values {
        let section = format!("[values.{}.{}]", module.as_str(), kind.name());
        for v in entries.iter().filter(|v| v.status != Status::Ignored) {
            let from = Some(v.from.as_str());
            if v.to.trim().is_empty() {
                push(
                    module,
                    from,
                    format!("{:?} is not mapped to any Nutshell value", v.from),
                    format!("set `to` in {section}"),
                );
                continue;
            }
            match kind {
                ValueMapKind::Stage => {
                    let Some(set) = v.stageset.as_deref().filter(|s| !s.trim().is_empty()) else {
                        push(
                            module,
                            from,
                            "the stage has no Nutshell pipeline".into(),
                            format!("set `stageset` in {section}"),
                        );
                        continue;
                    };
                    if !schema.read_from_account {
                        continue;
                    }
                    let found = schema
                        .stagesets
                        .iter()
                        .find(|s| s.name.eq_ignore_ascii_case(set));
                    match found {
                        None => push(
                            module,
                            from,
                            format!("Nutshell has no pipeline {set:?}; the API cannot create one"),
                            format!(
                                "create pipeline {set:?} in Nutshell (Setup → Pipelines), or set `stageset` to an existing one"
                            ),
                        ),
                        Some(s) if !s.milestones.iter().any(|m| m.eq_ignore_ascii_case(&v.to)) => {
                            push(
                                module,
                                from,
                                format!("pipeline {set:?} has no stage {:?}", v.to),
                                format!(
                                    "add the stage in Nutshell, or set `to` to one of: {}",
                                    s.milestones.join(", ")
                                ),
                            )
                        }
                        Some(_) => {}
                    }
                }
                ValueMapKind::ActivityType if schema.read_from_account => {
                    if v.to != AS_NOTE
                        && !schema
                            .activity_types
                            .iter()
                            .any(|t| t.eq_ignore_ascii_case(&v.to))
                    {
                        push(
                            module,
                            from,
                            format!("Nutshell has no activity type {:?}", v.to),
                            format!("set `to` to one of: {}", schema.activity_types.join(", ")),
                        );
                    }
                }
                other => {
                    if let Some(allowed) = other.fixed_values() {
                        if !allowed.contains(&v.to.as_str()) {
                            push(
                                module,
                                from,
                                format!("{:?} is not a Nutshell {} value", v.to, kind.name()),
                                format!("set `to` to one of: {}", allowed.join(", ")),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// An entry `migrate` is waiting on the operator for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unconfirmed {
    /// The module whose section holds the entry.
    pub module: Module,
    /// `[columns.contacts]` or `[values.deals.stage]`: where to edit.
    pub section: String,
    /// The column header or source value.
    pub key: String,
    /// What the tool proposes, in words.
    pub proposal: String,
    /// The tool's confidence, 0–1.
    pub confidence: f64,
    /// Why the tool proposes it.
    pub reason: String,
}

impl fmt::Display for Unconfirmed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} → {} (confidence {:.2}): {}",
            self.section, self.key, self.proposal, self.confidence, self.reason
        )
    }
}

/// Every entry still `proposed`: while any is left, `migrate` stops (exit 3) and lists them.
pub fn unconfirmed(map: &FieldMap) -> Vec<Unconfirmed> {
    let mut out = Vec::new();
    for (module, m) in &map.modules {
        for c in m.columns.iter().filter(|c| c.status == Status::Proposed) {
            out.push(Unconfirmed {
                module: *module,
                section: format!("[columns.{}]", module.as_str()),
                key: c.header.clone(),
                proposal: c.target.describe(),
                confidence: c.confidence,
                reason: c.reason.clone(),
            });
        }
        for (kind, entries) in &m.values {
            for v in entries.iter().filter(|v| v.status == Status::Proposed) {
                let proposal = match (&v.stageset, v.to.is_empty()) {
                    (_, true) => "nothing".to_string(),
                    (Some(set), false) => format!("{set} / {}", v.to),
                    (None, false) => v.to.clone(),
                };
                out.push(Unconfirmed {
                    module: *module,
                    section: format!("[values.{}.{}]", module.as_str(), kind.name()),
                    key: v.from.clone(),
                    proposal,
                    confidence: v.confidence,
                    reason: v.reason.clone(),
                });
            }
        }
    }
    out
}

/// `--accept-proposed`: confirm every proposal at or above the threshold that names a target,
/// and return what still blocks (proposals below it, unmapped columns, unmapped values).
pub fn accept_proposed(map: &mut FieldMap) -> Vec<Unconfirmed> {
    for m in map.modules.values_mut() {
        for c in m.columns.iter_mut() {
            if c.status == Status::Proposed
                && c.confidence >= CONFIDENCE_THRESHOLD
                && c.target != Target::Unmapped
            {
                c.status = Status::Confirmed;
            }
        }
        for v in m.values.values_mut().flatten() {
            if v.status == Status::Proposed
                && v.confidence >= CONFIDENCE_THRESHOLD
                && !v.to.trim().is_empty()
            {
                v.status = Status::Confirmed;
            }
        }
    }
    unconfirmed(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::catalogue::ValueKind;
    use crate::mapping::model::tests::{entry, field};
    use crate::mapping::model::{ModuleMap, ValueEntry, stage_key};
    use crate::mapping::schema::{CustomFieldDef, StagesetDef, UnfillableCustomField};

    fn map_of(module: Module, columns: Vec<crate::mapping::model::ColumnEntry>) -> FieldMap {
        let mut map = FieldMap::new("RSoft ID");
        map.modules.insert(
            module,
            ModuleMap {
                columns,
                ..ModuleMap::default()
            },
        );
        map
    }

    fn confirmed(header: &str, target: Target) -> crate::mapping::model::ColumnEntry {
        entry(header, target, 0.9, Status::Confirmed)
    }

    fn custom(name: &str, kind: ValueKind, create: bool) -> Target {
        Target::Custom {
            name: name.into(),
            kind,
            create,
        }
    }

    fn value(from: &str, to: &str, stageset: Option<&str>, confidence: f64) -> ValueEntry {
        ValueEntry {
            from: from.into(),
            to: to.into(),
            stageset: stageset.map(Into::into),
            confidence,
            reason: "test".into(),
            status: Status::Proposed,
        }
    }

    fn mentions(problems: &[Problem], problem: &str, fix: &str) -> bool {
        problems
            .iter()
            .any(|p| p.problem.contains(problem) && p.fix.contains(fix))
    }

    #[test]
    fn a_complete_map_has_no_problems() {
        let map = map_of(
            Module::Companies,
            vec![
                confirmed("Company ID", Target::LegacyId),
                confirmed("Company Name", field("Accounts.name")),
                confirmed("GST", custom("GST Number", ValueKind::Text, true)),
            ],
        );
        assert_eq!(validate(&map, &DestinationSchema::offline()), []);
    }

    #[test]
    fn setup_modules_have_nothing_to_map() {
        let map = map_of(
            Module::Pipelines,
            vec![confirmed("Stage", field("Leads.milestone"))],
        );
        let p = validate(&map, &DestinationSchema::offline());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(mentions(
            &p,
            "no records to map",
            "remove [columns.pipelines]"
        ));
    }

    #[test]
    fn required_fields_and_the_rsoft_id() {
        let map = map_of(
            Module::Activities,
            vec![confirmed("Subject", field("Activities.name"))],
        );
        let p = validate(&map, &DestinationSchema::offline());
        for required in [
            "Activities.startTime",
            "Activities.endTime",
            "Activities.activityType",
        ] {
            assert!(
                mentions(&p, required, &format!("field = {required:?}")),
                "{p:#?}"
            );
        }
        assert!(mentions(&p, "RSoft ID", "target = \"legacy_id\""), "{p:#?}");
        // With a start, an activity's end is a stated default, not a problem.
        let map = map_of(
            Module::Activities,
            vec![
                confirmed("Subject", field("Activities.name")),
                confirmed("Start", field("Activities.startTime")),
            ],
        );
        let p = validate(&map, &DestinationSchema::offline());
        assert!(!mentions(&p, "Activities.endTime", ""), "{p:#?}");
        assert!(mentions(&p, "Activities.activityType", ""), "{p:#?}");
        let d = stated_defaults(&map);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "Activities.endTime");
        assert!(d[0].rule.contains("ends at its start"));
        // Contacts are named by a full name or a first name; an ignored column covers nothing.
        let map = map_of(
            Module::Contacts,
            vec![
                confirmed("ID", Target::LegacyId),
                entry("First", field("Contacts.givenName"), 0.9, Status::Ignored),
            ],
        );
        let p = validate(&map, &DestinationSchema::offline());
        assert!(
            mentions(
                &p,
                "Contacts.name or Contacts.givenName",
                "[columns.contacts]"
            ),
            "{p:#?}"
        );
        assert_eq!(p.len(), 1, "{p:#?}");
    }

    #[test]
    fn targets_must_exist_and_belong_to_the_module() {
        let map = map_of(
            Module::Contacts,
            vec![
                confirmed("ID", Target::LegacyId),
                confirmed("Name", field("Contacts.name")),
                confirmed("Nick", field("Contacts.nickname")),
                confirmed("Company", field("Accounts.name")),
                confirmed("Other name", field("Contacts.name")),
            ],
        );
        let p = validate(&map, &DestinationSchema::offline());
        assert!(
            mentions(
                &p,
                "\"Contacts.nickname\" is not a Nutshell field",
                "Contacts.email"
            ),
            "{p:#?}"
        );
        assert!(mentions(&p, "cannot set Accounts.name", "lookup"), "{p:#?}");
        assert!(
            mentions(&p, "also filled by \"Name\"", "elsewhere"),
            "{p:#?}"
        );
        assert_eq!(p.len(), 3, "{p:#?}");
        // Leads rows also create their person, so Contacts fields are allowed there.
        let map = map_of(
            Module::Leads,
            vec![
                confirmed("ID", Target::LegacyId),
                confirmed("Name", field("Leads.description")),
                confirmed("Email", field("Contacts.email")),
            ],
        );
        assert_eq!(validate(&map, &DestinationSchema::offline()), []);
    }

    #[test]
    fn custom_fields_against_the_account_and_the_plan() {
        let mut schema = DestinationSchema {
            read_from_account: true,
            ..DestinationSchema::offline()
        };
        schema.custom_fields.insert(
            EntityType::Contacts,
            vec![
                CustomFieldDef {
                    name: "Date of Birth".into(),
                    kind: ValueKind::Date,
                },
                CustomFieldDef {
                    name: "PAN".into(),
                    kind: ValueKind::Text,
                },
            ],
        );
        let map = map_of(
            Module::Contacts,
            vec![
                confirmed("ID", Target::LegacyId),
                confirmed("Name", field("Contacts.name")),
                confirmed("DOB", custom("date of birth", ValueKind::Number, false)),
                confirmed("PAN", custom("PAN", ValueKind::Text, true)),
                confirmed("GST", custom("GST Number", ValueKind::Text, false)),
            ],
        );
        let p = validate(&map, &schema);
        assert!(
            mentions(
                &p,
                "is Date, the column is mapped as Number",
                "type = \"date\""
            ),
            "{p:#?}"
        );
        assert!(mentions(&p, "already exists", "create = false"), "{p:#?}");
        assert!(
            mentions(&p, "\"GST Number\" does not exist", "create = true"),
            "{p:#?}"
        );
        assert_eq!(p.len(), 3, "{p:#?}");
        // Date of Birth, PAN, GST Number and RSoft ID make 4 against a plan of 3.
        schema.custom_field_limit = Some(3);
        let p = validate(&map, &schema);
        assert!(
            mentions(&p, "would have 4 custom fields", "map 1 of the new ones"),
            "{p:#?}"
        );
        schema.custom_field_limit = Some(4);
        assert!(!mentions(&validate(&map, &schema), "custom fields", ""));
        // A field of a type the tool cannot fill is reported, not proposed for creation.
        schema.unfillable_custom_fields.insert(
            EntityType::Contacts,
            vec![UnfillableCustomField {
                name: "Office".into(),
                nutshell_type: "Location".into(),
            }],
        );
        let office = map_of(
            Module::Contacts,
            vec![
                confirmed("ID", Target::LegacyId),
                confirmed("Name", field("Contacts.name")),
                confirmed("Office", custom("office", ValueKind::Text, true)),
            ],
        );
        let p = validate(&office, &schema);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            mentions(&p, "of Nutshell type \"Location\"", "status = \"ignored\""),
            "{p:#?}"
        );
        // Activities carry none.
        let map = map_of(
            Module::Activities,
            vec![confirmed("X", custom("X", ValueKind::Text, true))],
        );
        let p = validate(&map, &DestinationSchema::offline());
        assert!(
            mentions(&p, "have no custom fields", "target = \"note\""),
            "{p:#?}"
        );
    }

    /// A new Email, Phone or URL custom field on an account or contact is one Nutshell does not
    /// create: a map problem naming the fix (the account's own phones), as the load's
    /// preparation would block on it (trial 2's "Phone (2)").
    #[test]
    fn a_custom_field_nutshell_creates_only_on_leads_is_a_problem_elsewhere() {
        let map = map_of(
            Module::Companies,
            vec![
                confirmed("Company ID", Target::LegacyId),
                confirmed("Company Name", field("Accounts.name")),
                confirmed("Phone (2)", custom("Phone (2)", ValueKind::Phone, true)),
            ],
        );
        let p = validate(&map, &DestinationSchema::offline());
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            mentions(
                &p,
                "Nutshell creates Phone custom fields only on Leads",
                "set type = \"text\", or map the column to target = \"field\", field = \"Accounts.phone\""
            ),
            "{p:#?}"
        );
        // On a lead it is created; an existing field is filled, not created.
        let deals = map_of(
            Module::Deals,
            vec![
                confirmed("Deal ID", Target::LegacyId),
                confirmed("Deal Name", field("Leads.description")),
                confirmed("Site", custom("Site", ValueKind::Url, true)),
            ],
        );
        assert!(!mentions(
            &validate(&deals, &DestinationSchema::offline()),
            "only on Leads",
            ""
        ));
        let mut schema = DestinationSchema::offline();
        schema.custom_fields.insert(
            EntityType::Accounts,
            vec![CustomFieldDef {
                name: "Phone (2)".into(),
                kind: ValueKind::Phone,
            }],
        );
        assert!(!mentions(&validate(&map, &schema), "only on Leads", ""));
    }

    #[test]
    fn activity_types_must_exist_or_become_notes() {
        let schema = DestinationSchema {
            read_from_account: true,
            ..DestinationSchema::offline()
        };
        let mut map = map_of(Module::Activities, vec![]);
        map.modules
            .get_mut(&Module::Activities)
            .unwrap()
            .values
            .insert(
                ValueMapKind::ActivityType,
                vec![
                    value("Call", "phone call", None, 0.9),
                    value("Note", AS_NOTE, None, 0.9),
                    value("Fax", "Fax", None, 0.9),
                ],
            );
        let p = validate(&map, &schema);
        let about: Vec<_> = p
            .iter()
            .filter(|p| p.problem.contains("activity type"))
            .map(|p| p.item.as_deref())
            .collect();
        assert_eq!(about, [Some("Fax")], "{p:#?}");
    }

    #[test]
    fn every_stage_and_status_value_is_mapped() {
        let schema = DestinationSchema {
            stagesets: vec![StagesetDef {
                name: "Sales".into(),
                milestones: vec!["Qualified".into()],
            }],
            read_from_account: true,
            ..DestinationSchema::offline()
        };
        let mut map = map_of(
            Module::Deals,
            vec![
                confirmed("ID", Target::LegacyId),
                confirmed("Name", field("Leads.description")),
                confirmed("Stage", field("Leads.milestone")),
                confirmed("Status", field("Leads.status")),
            ],
        );
        let p = validate(&map, &schema);
        assert!(
            mentions(&p, "no [values.deals.stage] map", "crm-migrate map"),
            "{p:#?}"
        );
        assert!(
            mentions(&p, "no [values.deals.lead_status] map", ""),
            "{p:#?}"
        );
        let deals = map.modules.get_mut(&Module::Deals).unwrap();
        deals.values.insert(
            ValueMapKind::Stage,
            vec![
                value(
                    &stage_key("Sales", "Qualified"),
                    "qualified",
                    Some("sales"),
                    0.9,
                ),
                value(&stage_key("Sales", "Demo"), "Demo", Some("Sales"), 0.3),
                value(
                    &stage_key("Renewals", "Quote"),
                    "Quote",
                    Some("Renewals"),
                    0.3,
                ),
                value(&stage_key("Sales", "Lost"), "", Some("Sales"), 0.0),
            ],
        );
        deals.values.insert(
            ValueMapKind::LeadStatus,
            vec![
                value("Won", "won", None, 0.9),
                value("Closed", "closed", None, 0.5),
            ],
        );
        let p = validate(&map, &schema);
        assert!(
            mentions(&p, "pipeline \"Sales\" has no stage \"Demo\"", "Qualified"),
            "{p:#?}"
        );
        assert!(
            mentions(&p, "no pipeline \"Renewals\"", "Setup → Pipelines"),
            "{p:#?}"
        );
        assert!(
            mentions(&p, "\"Sales / Lost\" is not mapped", "[values.deals.stage]"),
            "{p:#?}"
        );
        assert!(
            mentions(
                &p,
                "\"closed\" is not a Nutshell lead_status value",
                "open, won, lost, cancelled"
            ),
            "{p:#?}"
        );
        assert_eq!(p.len(), 4, "{p:#?}");
    }

    #[test]
    fn the_gate_lists_what_is_unconfirmed() {
        let mut map = map_of(
            Module::Contacts,
            vec![
                entry("ID", Target::LegacyId, 0.95, Status::Confirmed),
                entry("Email", field("Contacts.email"), 0.95, Status::Proposed),
                entry(
                    "Mobile",
                    field("Contacts.phone"),
                    CONFIDENCE_THRESHOLD,
                    Status::Proposed,
                ),
                entry("Fax", Target::Unmapped, 0.45, Status::Proposed),
                entry(
                    "Region",
                    custom("Region", ValueKind::Text, true),
                    0.55,
                    Status::Proposed,
                ),
                entry("Notes", field("Contacts.description"), 0.3, Status::Edited),
            ],
        );
        map.modules
            .get_mut(&Module::Contacts)
            .unwrap()
            .values
            .insert(
                ValueMapKind::LifecycleStage,
                vec![
                    value("Customer", "Customer", None, 0.9),
                    value("???", "", None, 0.9),
                ],
            );
        let keys = |list: &[Unconfirmed]| list.iter().map(|u| u.key.clone()).collect::<Vec<_>>();
        let before = unconfirmed(&map);
        assert_eq!(
            keys(&before),
            ["Email", "Mobile", "Fax", "Region", "Customer", "???"]
        );
        assert_eq!(before[0].section, "[columns.contacts]");
        assert_eq!(before[4].section, "[values.contacts.lifecycle_stage]");
        assert!(
            before[2]
                .to_string()
                .contains("\"Fax\" → unmapped (confidence 0.45)"),
            "{}",
            before[2]
        );

        let blocking = accept_proposed(&mut map);
        assert_eq!(keys(&blocking), ["Fax", "Region", "???"]);
        let c = &map.modules[&Module::Contacts];
        assert_eq!(c.column("Email").unwrap().status, Status::Confirmed);
        assert_eq!(
            c.column("Mobile").unwrap().status,
            Status::Confirmed,
            "at the threshold counts"
        );
        assert_eq!(
            c.column("Notes").unwrap().status,
            Status::Edited,
            "operator decisions untouched"
        );
        assert_eq!(
            c.values[&ValueMapKind::LifecycleStage][0].status,
            Status::Confirmed
        );

        // Once the operator decides the rest, nothing blocks.
        for col in map
            .modules
            .get_mut(&Module::Contacts)
            .unwrap()
            .columns
            .iter_mut()
        {
            if col.status == Status::Proposed {
                col.status = Status::Ignored;
            }
        }
        map.modules
            .get_mut(&Module::Contacts)
            .unwrap()
            .values
            .clear();
        assert_eq!(unconfirmed(&map), []);
    }
}
