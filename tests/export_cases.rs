//! The exports of `tests/cases/` (copied from the shared cases, each rebuilt from a public report
//! of a CSV-import problem): discovery tells the operator the truth about each, with file, line,
//! column and a fix. Plus the regression tests for values once read wrong.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crm_migrate::config::{Config, DateOrder};
use crm_migrate::discovery::{Report, discover, discover_path};
use crm_migrate::engine::blockers::{BlockerKind, Files, format_blockers};
use crm_migrate::mapping::catalogue::ValueKind;
use crm_migrate::mapping::file;
use crm_migrate::mapping::memory::MappingMemory;
use crm_migrate::mapping::model::{
    CONFIDENCE_THRESHOLD, ColumnEntry, FieldMap, FormatEntry, Status, Target,
};
use crm_migrate::mapping::record::{
    BuildSettings, Built, Lookups, PreviewLookups, RecordRef, Resolution, StageIds, build_record,
};
use crm_migrate::mapping::schema::DestinationSchema;
use crm_migrate::mapping::source::propose_for_export;
use crm_migrate::mapping::transform::{
    ColumnFormat, FormatTally, NumberFormat, PercentScale, SourceFormat, convert_in, parse_money,
    parse_money_in,
};
use crm_migrate::mapping::validate::{Problem, accept_proposed, validate};
use crm_migrate::nutshell::EntityType;
use crm_migrate::rsoft::{ColumnProfile, Export, Finding, Module};
use crm_migrate::vocabulary::Vocabulary;
use serde_json::Value;

fn case_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name)
        .join("export")
}

fn case(name: &str) -> Report {
    discover_path(case_dir(name)).unwrap()
}

/// What `crm-migrate map` proposes for a case offline, with the problems it lists.
fn map_case(name: &str) -> (FieldMap, Vec<Problem>) {
    map_case_over(name, None)
}

/// [`map_case`] run again over the operator's `previous` map, as `crm-migrate map` re-checks an
/// edited mapping.toml.
fn map_case_over(name: &str, previous: Option<&FieldMap>) -> (FieldMap, Vec<Problem>) {
    let export = Export::open(case_dir(name)).unwrap();
    let report = discover(&export).unwrap();
    let schema = DestinationSchema::offline();
    let (map, value_problems) = propose_for_export(
        &export,
        &report,
        &schema,
        "RSoft ID",
        &MappingMemory::default(),
        previous,
        &SourceFormat::from_config(&Config::default()),
    )
    .unwrap();
    let mut problems = validate(&map, &schema);
    problems.extend(value_problems);
    (map, problems)
}

fn entry<'a>(map: &'a FieldMap, module: Module, header: &str) -> &'a ColumnEntry {
    map.modules[&module]
        .column(header)
        .unwrap_or_else(|| panic!("no entry {header} in {module}"))
}

fn format_entry<'a>(map: &'a FieldMap, module: Module, header: &str) -> &'a FormatEntry {
    map.modules[&module]
        .formats
        .iter()
        .find(|f| f.header == header)
        .unwrap_or_else(|| panic!("no format entry {header} in {module}"))
}

fn problems_of<'a>(problems: &'a [Problem], module: Module, header: &str) -> Vec<&'a Problem> {
    problems
        .iter()
        .filter(|p| p.module == module && p.item.as_deref() == Some(header))
        .collect()
}

fn column<'a>(r: &'a Report, module: Module, header: &str) -> &'a ColumnProfile {
    r.objects
        .iter()
        .filter(|o| o.module == Some(module))
        .flat_map(|o| &o.columns)
        .find(|c| c.header == header)
        .unwrap_or_else(|| panic!("no column {header} in {module}"))
}

fn warnings_with<'a>(r: &'a Report, needle: &str) -> Vec<&'a Finding> {
    r.warnings
        .iter()
        .filter(|w| w.message.contains(needle))
        .collect()
}

#[test]
fn scientific_notation_phones_are_warned_per_column_with_count_and_lines() {
    let r = case("01-sci-notation-phones");
    let mobile = column(&r, Module::Contacts, "Mobile No.");
    assert_eq!(mobile.flags.scientific_notation.count, 3);
    assert_eq!(mobile.flags.scientific_notation.lines, vec![2, 3, 6]);
    assert_ne!(mobile.inferred, crm_migrate::rsoft::ColumnKind::Phone);
    let w = warnings_with(&r, "scientific notation");
    assert_eq!(w.len(), 3, "{w:?}");
    let leads = w.iter().find(|f| f.file == "Leads.csv").unwrap();
    assert!(
        leads.message.contains("\"Mobile\": 2 values"),
        "{}",
        leads.message
    );
    assert!(leads.message.contains("line(s) 5, 6"), "{}", leads.message);
    assert!(leads.message.contains("cannot be recovered") && leads.message.contains("Re-export"));
}

#[test]
fn a_phone_column_with_scientific_notation_is_not_proposed_with_high_confidence() {
    let (map, problems) = map_case("01-sci-notation-phones");
    // The first three values of Leads' Mobile are good phones; two later ones are not.
    let mobile = entry(&map, Module::Leads, "Mobile");
    assert!(mobile.confidence < CONFIDENCE_THRESHOLD, "{mobile:?}");
    assert!(
        mobile
            .reason
            .contains("60% of the column's 5 values read as Phone")
            && mobile.reason.contains("scientific notation"),
        "{mobile:?}"
    );
    let fails: Vec<_> = problems_of(&problems, Module::Leads, "Mobile")
        .into_iter()
        .filter(|p| p.problem.contains("fail as Phone"))
        .collect();
    assert_eq!(fails.len(), 1, "{problems:#?}");
    let p = &fails[0].problem;
    assert!(p.starts_with("2 of 5 values fail"), "{p}");
    assert!(
        p.contains("Leads.csv line 5 \"9.82E+09\"") && p.contains("Leads.csv line 6"),
        "{p}"
    );
    assert!(p.contains("cannot be recovered"), "{p}");
}

#[test]
fn trailing_empty_cells_are_dropped_or_padded_with_one_warning_per_row() {
    let r = case("03-trailing-empty-columns");
    let companies = r
        .objects
        .iter()
        .find(|o| o.module == Some(Module::Companies))
        .unwrap();
    assert_eq!((companies.read_rows, companies.bad_rows), (5, 0));
    assert_eq!(
        companies.columns.len(),
        17,
        "no columns for the header's trailing ,,,"
    );
    let per_row: Vec<u64> = r
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("row has"))
        .filter_map(|w| w.line)
        .collect();
    assert_eq!(per_row, vec![2, 3, 5, 6]);
    assert_eq!(warnings_with(&r, "header ends in 3 empty cells").len(), 1);
}

#[test]
fn a_month_first_column_in_a_day_first_export_is_named_with_an_example() {
    let r = case("06-day-month-order");
    let w = warnings_with(&r, "writes month-first dates");
    assert_eq!(w.len(), 1, "{:?}", r.warnings);
    assert!(w[0].message.contains("\"Expected Close Date\""));
    assert!(w[0].message.contains("12/31/2025"));
    assert!(w[0].message.contains("date_order = \"mdy\""));
    assert_eq!(w[0].file, "Deals.csv");
    // The wizard shows it under the column, as every warning about one column.
    let shown: Vec<&str> = r
        .column_findings("Deals.csv", "Expected Close Date")
        .map(|w| w.detail())
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("writes month-first dates"),
        "{shown:?}"
    );
    assert_eq!(
        r.column_findings("Contacts.csv", "Expected Close Date")
            .count(),
        0
    );
}

#[test]
fn cells_with_several_emails_are_counted() {
    let r = case("08-multiple-emails-in-cell");
    let email = column(&r, Module::Contacts, "Email");
    assert_eq!(email.flags.multi_valued.count, 4);
    assert_eq!(email.inferred, crm_migrate::rsoft::ColumnKind::Email);
    let companies = column(&r, Module::Companies, "Email");
    assert_eq!(companies.flags.multi_valued.lines, vec![2, 4]);
    // The map sends each address to Nutshell's several emails: a cell of several is not a
    // failing value, and the whole column's values read.
    let (map, problems) = map_case("08-multiple-emails-in-cell");
    let e = entry(&map, Module::Contacts, "Email");
    assert!(e.confidence >= CONFIDENCE_THRESHOLD, "{e:?}");
    assert!(
        problems_of(&problems, Module::Contacts, "Email").is_empty(),
        "{problems:#?}"
    );
}

#[test]
fn duplicate_companies_are_grouped_without_the_different_firm() {
    let r = case("10-company-suffix-duplicates");
    let groups: Vec<Vec<&str>> = r
        .integrity
        .duplicate_companies
        .iter()
        .map(|g| g.companies.iter().map(|c| c.id.as_str()).collect())
        .collect();
    assert!(
        groups.contains(&vec!["COMP-1", "COMP-2", "COMP-3"]),
        "{groups:?}"
    );
    assert!(groups.contains(&vec!["COMP-4", "COMP-5"]), "{groups:?}");
    assert!(
        !groups.iter().flatten().any(|id| *id == "COMP-7"),
        "Patil Steel Works is another firm: {groups:?}"
    );
    // "Patil Steel Limited" is COMP-6 "Patil Steel Ltd." once legal forms are dropped, the key
    // the load looks a company up by: the load links CONT-3 there, so it is not listed as held.
    let by_name: Vec<&str> = r
        .integrity
        .unresolved
        .iter()
        .filter(|u| u.by == "name")
        .map(|u| u.record.as_str())
        .collect();
    assert_eq!(by_name, Vec::<&str>::new());
    assert!(warnings_with(&r, "CONT-3").is_empty());
}

/// A name no company has once normalised is listed with the closest company by Jaro–Winkler,
/// in the module's singular ("contact … names company").
#[test]
fn a_name_no_company_has_gets_the_nearest_by_similarity() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(case_dir("10-company-suffix-duplicates")).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f)
            .unwrap()
            .replace("Patil Steel Limited", "Patil Steels Limited");
        std::fs::write(dir.path().join(f.file_name().unwrap()), text).unwrap();
    }
    let r = discover_path(dir.path()).unwrap();
    let by_name: Vec<(&str, Option<&str>)> = r
        .integrity
        .unresolved
        .iter()
        .filter(|u| u.by == "name")
        .map(|u| (u.record.as_str(), u.nearest.as_deref()))
        .collect();
    assert_eq!(by_name, vec![("CONT-3", Some("Patil Steel Ltd. (COMP-6)"))]);
    assert_eq!(
        warnings_with(
            &r,
            "contact CONT-3 names company \"Patil Steels Limited\" by name"
        )
        .len(),
        1
    );
    assert_eq!(
        warnings_with(&r, "nearest company: Patil Steel Ltd. (COMP-6)").len(),
        1
    );
}

#[test]
fn indian_money_notation_is_money_and_brackets_are_warned() {
    let r = case("11-indian-money-notation");
    let amount = column(&r, Module::Deals, "Amount");
    assert_eq!(amount.inferred, crm_migrate::rsoft::ColumnKind::Money);
    assert_eq!(amount.evidence.share(), 1.0, "{:?}", amount.evidence);
    assert_eq!(amount.flags.bracketed_negative.lines, vec![8]);
    for (raw, want) in [
        ("₹ 1,00,000/-", "100000"),
        ("Rs.50,000/-", "50000"),
        ("1.5 Lakh", "150000"),
        ("2 Cr", "20000000"),
        ("₹ 10 L", "1000000"),
        ("(25,000)", "-25000"),
        ("Rs. 75,000 /-", "75000"),
    ] {
        assert_eq!(parse_money(raw, "INR").unwrap().amount, want, "{raw}");
    }
}

/// `(25,000)` reads as -25000, which Nutshell refuses for a lead's value (a new-user trial saw
/// the load fail on it after `map` said "problems: none"): `map` names the cell and the record
/// builder holds DEAL-7 with the same reason, before anything is sent.
#[test]
fn a_negative_amount_is_a_map_problem_and_never_sent() {
    let name = "11-indian-money-notation";
    let (map, problems) = map_case(name);
    let p = problems_of(&problems, Module::Deals, "Amount");
    assert!(
        p.iter().any(|p| p.problem.contains("no amount below 0")
            && p.problem.contains("Deals.csv line 8 \"(25,000)\"")),
        "{problems:#?}"
    );
    let built = build_deals(name, &with_stages_confirmed(map));
    let (_, deal7) = built.iter().find(|(id, _)| id == "DEAL-7").unwrap();
    match deal7 {
        Built::Problems { problems } => assert!(
            problems
                .iter()
                .any(|p| p.column == "Amount" && p.reason.contains("no amount below 0")),
            "{problems:?}"
        ),
        other => panic!("DEAL-7 must not be sent: {other:#?}"),
    }
}

#[test]
fn european_resave_is_read_with_one_format_for_the_whole_column() {
    let r = case("12-european-resave-semicolon-decimal-comma");
    let amount = column(&r, Module::Deals, "Amount");
    let decided = amount.number_format.as_ref().expect("a decided format");
    assert_eq!(decided.format.name(), "comma_point");
    assert_eq!(decided.readable, decided.values);
    for (raw, want) in [
        ("125.000", "125000"),
        ("4.500", "4500"),
        ("2.750.000", "2750000"),
    ] {
        assert_eq!(
            parse_money_in(raw, "INR", Some(&decided.format))
                .unwrap()
                .amount,
            want
        );
    }
    let probability = column(&r, Module::Deals, "Probability");
    let p = probability
        .number_format
        .as_ref()
        .expect("a decided format");
    assert_eq!(p.format.read("12,5").unwrap(), "12.5");
}

#[test]
fn names_lost_to_question_marks_are_warned_per_column_with_lines() {
    let r = case("13-non-latin-names-lost-to-question-marks");
    for (header, lines) in [
        // Line 6's `Sneh?` ends in `?` as a question would (`Who?`): flagged because the
        // column's other cells certainly lost characters.
        ("First Name", vec![2, 4, 6]),
        ("Last Name", vec![2, 4, 6]),
        ("City", vec![4]),
    ] {
        assert_eq!(
            column(&r, Module::Contacts, header)
                .flags
                .lost_characters
                .lines,
            lines,
            "{header}"
        );
    }
    let w = warnings_with(&r, "lost to '?'");
    assert_eq!(w.len(), 3);
    assert!(w.iter().all(|f| f.message.contains("UTF-8")));
}

#[test]
fn name_columns_that_lost_characters_are_flagged_in_the_map() {
    let (map, problems) = map_case("13-non-latin-names-lost-to-question-marks");
    for (header, lines) in [
        ("First Name", "line(s) 2, 4, 6"),
        ("Last Name", "line(s) 2, 4, 6"),
    ] {
        let e = entry(&map, Module::Contacts, header);
        assert!(e.confidence < CONFIDENCE_THRESHOLD, "{e:?}");
        assert!(e.reason.contains("non-Unicode save"), "{e:?}");
        let p = problems_of(&problems, Module::Contacts, header);
        assert!(
            p.iter()
                .any(|p| p.problem.contains(lines) && p.fix.contains("UTF-8")),
            "{p:?}"
        );
    }
    // A clean column keeps its confidence.
    assert!(entry(&map, Module::Contacts, "Email").confidence >= CONFIDENCE_THRESHOLD);
}

/// The European re-save through `map`: the Amount column's number format is recorded in
/// `[formats.deals]` with its evidence, every value reads in it, and mapping.toml says so.
#[test]
fn european_resave_format_is_recorded_in_the_map_and_read_back() {
    let (map, problems) = map_case("12-european-resave-semicolon-decimal-comma");
    let deals = &map.modules[&Module::Deals];
    let amount = format_entry(&map, Module::Deals, "Amount");
    assert_eq!(
        amount.number_format.map(NumberFormat::name),
        Some("comma_point")
    );
    assert!(
        amount
            .evidence
            .contains("4 of 4 distinct values read as 1.234.567,89")
            && amount.evidence.contains("decided by \"125.000\""),
        "{amount:?}"
    );
    assert!(
        problems_of(&problems, Module::Deals, "Amount").is_empty(),
        "{problems:#?}"
    );
    let probability = deals.column_format("Probability");
    assert_eq!(
        probability.number.map(NumberFormat::name),
        Some("comma_point")
    );
    let text = file::to_toml(&map);
    assert!(
        text.contains("\"Amount\" = { number_format = \"1.234.567,89\", status = \"proposed\" }"),
        "{text}"
    );
    let back = file::from_toml(&text, std::path::Path::new("mapping.toml")).unwrap();
    assert_eq!(back.modules[&Module::Deals].formats, deals.formats);
}

/// Every lookup answers, so a row's plan shows its values.
struct AnswerAll;

impl Lookups for AnswerAll {
    fn record(&self, _: Module, _: &str, _: EntityType) -> Resolution {
        Resolution::Found(7)
    }
    fn account_by_name(&self, _: &str) -> Resolution {
        Resolution::Found(7)
    }
    fn account_only_in_nutshell(&self, _: i64) -> bool {
        false
    }
    fn contact_by_email(&self, _: &str) -> Resolution {
        Resolution::Found(7)
    }
    fn user(&self, _: &str) -> Resolution {
        Resolution::Found(7)
    }
    fn stage(&self, _: &str, _: &str) -> Resolution<StageIds> {
        Resolution::Found(StageIds {
            stageset_id: 1,
            milestone_id: 2,
        })
    }
    fn activity_type(&self, _: &str) -> Resolution {
        Resolution::Found(7)
    }
    fn source(&self, _: &str) -> Resolution {
        Resolution::Found(7)
    }
    fn note_anchor(&self, _: Module, _: &str) -> Resolution<RecordRef> {
        Resolution::Missing
    }
}

/// Each Deals row of a case built with `map`: (RSoft ID, the outcome).
fn build_deals(name: &str, map: &FieldMap) -> Vec<(String, Built)> {
    build_rows(name, Module::Deals, "Deal ID", map, &AnswerAll)
}

/// Each row of a case's `module` file built with `map` and `lookups`: (the `id` cell, the
/// outcome).
fn build_rows(
    name: &str,
    module: Module,
    id: &str,
    map: &FieldMap,
    lookups: &dyn Lookups,
) -> Vec<(String, Built)> {
    let export = Export::open(case_dir(name)).unwrap();
    let settings = BuildSettings::from_config(&Config::default(), Vocabulary::builtin());
    let file = export
        .files()
        .iter()
        .find(|f| f.module == Some(module))
        .unwrap();
    let mut reader = export.rows(file).unwrap();
    let headers: Vec<String> = reader.headers().names().to_vec();
    let mut out = Vec::new();
    while let Some(row) = reader.next_row() {
        let row = row.unwrap();
        let cells: BTreeMap<String, String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), row.field(i).unwrap_or("").to_string()))
            .collect();
        let id = cells[id].clone();
        out.push((id, build_record(module, &cells, map, &settings, lookups)));
    }
    out
}

/// The map's stage entries given a `to`, as the operator does before a load.
fn with_stages_confirmed(mut map: FieldMap) -> FieldMap {
    for module_map in map.modules.values_mut() {
        for entries in module_map.values.values_mut() {
            for e in entries.iter_mut().filter(|e| e.to.trim().is_empty()) {
                e.to = e.from.rsplit(" / ").next().unwrap_or(&e.from).to_string();
                e.stageset.get_or_insert_with(|| "Sales".into());
            }
        }
    }
    map
}

fn lead_value(built: &Built) -> Value {
    match built {
        Built::Plan(plan) => plan.creates[0].params["lead"]["value"].clone(),
        other => panic!("no plan: {other:#?}"),
    }
}

/// The European re-save through the record builder: 125.000 and 2.750.000 are 125000 and
/// 2750000 in the payloads, read in the column's recorded format, never 125 beside 2750000.
#[test]
fn european_resave_is_built_in_the_columns_format() {
    let name = "12-european-resave-semicolon-decimal-comma";
    let (map, _) = map_case(name);
    let map = with_stages_confirmed(map);
    let built = build_deals(name, &map);
    let amounts: Vec<(String, Value)> = built
        .iter()
        .map(|(id, b)| (id.clone(), lead_value(b)["amount"].clone()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("DEAL-1", "125000"),
            ("DEAL-2", "4500"),
            ("DEAL-3", "2750000"),
            ("DEAL-4", "60000"),
        ]
        .map(|(id, a)| (id.to_string(), Value::from(a)))
    );
    // The operator's western override is read strictly: 2.750.000 cannot be read that way and
    // is a problem on its cell, never read as 2750000 beside 125.000 read as 125.
    let mut western = map.clone();
    let entry = western
        .modules
        .get_mut(&Module::Deals)
        .unwrap()
        .formats
        .iter_mut()
        .find(|f| f.header == "Amount")
        .unwrap();
    entry.number_format = NumberFormat::from_name("1,234,567.89");
    entry.status = Status::Edited;
    let built = build_deals(name, &western);
    let (_, deal3) = built.iter().find(|(id, _)| id == "DEAL-3").unwrap();
    match deal3 {
        Built::Problems { problems } => assert!(
            problems
                .iter()
                .any(|p| p.column == "Amount" && p.value == "2.750.000"),
            "{problems:?}"
        ),
        other => panic!("DEAL-3 must not be read another way: {other:#?}"),
    }
    // And `map` re-run over that override lists the failing values with file and line.
    let (_, problems) = map_case_over(name, Some(&western));
    let amount = problems_of(&problems, Module::Deals, "Amount");
    assert!(
        amount
            .iter()
            .any(|p| p.problem.starts_with("1 of 4 values fail")
                && p.problem.contains("Deals.csv line 4 \"2.750.000\"")),
        "{problems:#?}"
    );
}

/// A map with no `[formats.Deals]` entry (written by hand, or before formats were recorded):
/// the builder never guesses per value. 125.000 (125 or 125000) is a problem on its cell naming
/// both readings; 2.750.000, which only one format reads, is 2750000.
#[test]
fn a_number_column_without_a_decided_format_refuses_ambiguous_values() {
    let name = "12-european-resave-semicolon-decimal-comma";
    let (map, _) = map_case(name);
    let mut undecided = with_stages_confirmed(map);
    undecided
        .modules
        .get_mut(&Module::Deals)
        .unwrap()
        .formats
        .retain(|f| f.header != "Amount");
    let built = build_deals(name, &undecided);
    let (_, deal1) = built.iter().find(|(id, _)| id == "DEAL-1").unwrap();
    match deal1 {
        Built::Problems { problems } => assert!(
            problems.iter().any(|p| p.column == "Amount"
                && p.value == "125.000"
                && p.reason.contains("no decided number format")),
            "{problems:?}"
        ),
        other => panic!("DEAL-1 must not be read one way per value: {other:#?}"),
    }
    let (_, deal3) = built.iter().find(|(id, _)| id == "DEAL-3").unwrap();
    assert_eq!(lead_value(deal3)["amount"], Value::from("2750000"));
    // `map`'s value check and the wizard's preview read through `convert_in`: without a decided
    // format they refuse the same value the load does, for money and plain numbers alike.
    let source = SourceFormat::from_config(&Config::default());
    let undecided = ColumnFormat::default();
    for kind in [ValueKind::Money, ValueKind::Number] {
        let e = convert_in(kind, "125.000", &source, &undecided).unwrap_err();
        assert!(
            e.reason.contains("no decided number format"),
            "{kind:?}: {e:?}"
        );
        assert!(
            convert_in(kind, "2.750.000", &source, &undecided).is_ok(),
            "{kind:?}"
        );
    }
}

/// A month-first column in a day-first export gets `date_order = "month-first"` in the map and
/// is built that way; set back to day-first by the operator, its values contradict it: a map
/// problem with the count and examples (file, line).
#[test]
fn a_columns_date_order_is_recorded_built_and_checked() {
    let name = "06-day-month-order";
    let (map, problems) = map_case(name);
    let close = map.modules[&Module::Deals].column_format("Expected Close Date");
    assert_eq!(close.date_order, Some(DateOrder::Mdy));
    // The column contradicts `[source] date_order = "dmy"`: a map problem until confirmed.
    let p = problems_of(&problems, Module::Deals, "Expected Close Date");
    assert!(
        p.iter().any(|p| p.problem.contains("month-first dates")
            && p.problem.contains("12/31/2025")
            && p.problem.contains("date_order is dmy")
            && p.fix.contains("[formats.deals]")),
        "{problems:#?}"
    );
    let built = build_deals(name, &with_stages_confirmed(map.clone()));
    let (_, deal1) = &built[0];
    match deal1 {
        Built::Plan(plan) => {
            let due = plan.creates[0].params["lead"]["dueTime"].as_str().unwrap();
            assert!(due.starts_with("2025-12-3"), "{due}");
        }
        other => panic!("{other:#?}"),
    }

    let mut day_first = map.clone();
    let entry = day_first
        .modules
        .get_mut(&Module::Deals)
        .unwrap()
        .formats
        .iter_mut()
        .find(|f| f.header == "Expected Close Date")
        .unwrap();
    entry.date_order = Some(DateOrder::Dmy);
    entry.status = Status::Confirmed;
    let (map, problems) = map_case_over(name, Some(&day_first));
    assert_eq!(
        map.modules[&Module::Deals]
            .column_format("Expected Close Date")
            .date_order,
        Some(DateOrder::Dmy),
        "the operator's order is kept"
    );
    let p = problems_of(&problems, Module::Deals, "Expected Close Date");
    assert!(
        p.iter().any(|p| p.problem.contains("values fail")
            && p.problem
                .contains("a month-first date in a column read day-first")
            && p.problem.contains("Deals.csv line 2 \"12/31/2025\"")),
        "{problems:#?}"
    );
}

/// A column naming a related record by its RSoft ID is proposed as a lookup, never a note or a
/// custom field: the contact a lead was converted into, on the case and on the sample.
#[test]
fn related_record_ids_are_lookups_on_a_case_and_the_sample() {
    let by_id = |entity| crm_migrate::mapping::model::Target::Lookup {
        entity,
        by: crm_migrate::mapping::model::LookupKey::RsoftId,
    };
    use crm_migrate::nutshell::EntityType;
    let (map, _) = map_case("06-day-month-order");
    let e = entry(&map, Module::Leads, "Converted Contact ID");
    assert_eq!(e.target, by_id(EntityType::Contacts), "{e:?}");
    assert!(e.confidence >= CONFIDENCE_THRESHOLD, "{e:?}");
    let e = entry(&map, Module::Deals, "Company ID");
    assert_eq!(e.target, by_id(EntityType::Accounts), "{e:?}");

    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample-export");
    let export = Export::open(&sample).unwrap();
    let report = discover(&export).unwrap();
    let (map, _) = propose_for_export(
        &export,
        &report,
        &DestinationSchema::offline(),
        "RSoft ID",
        &MappingMemory::default(),
        None,
        &SourceFormat::from_config(&Config::default()),
    )
    .unwrap();
    for (module, header, entity) in [
        (Module::Leads, "Converted Contact ID", EntityType::Contacts),
        (Module::Deals, "Company ID", EntityType::Accounts),
        (Module::Deals, "Contact ID", EntityType::Contacts),
        (Module::Tickets, "Contact ID", EntityType::Contacts),
    ] {
        let e = entry(&map, module, header);
        assert_eq!(e.target, by_id(entity), "{module} {header}: {e:?}");
    }
}

/// Regression: a European amount column once read 125.000 as 125 and 2.750.000 as 2750000.
#[test]
fn regression_125_000_is_never_125_beside_2_750_000() {
    let mut t = FormatTally::default();
    for v in ["125.000", "4.500", "2.750.000"] {
        t.observe(v, 0, false);
    }
    let f = t.decide().unwrap().format;
    assert_eq!(f.read("125.000").unwrap(), "125000");
    assert_eq!(f.read("2.750.000").unwrap(), "2750000");
    // Read with another format, 125.000 is refused rather than read another way.
    let western = NumberFormat::from_name("point_comma").unwrap();
    assert!(western.read("2.750.000").is_err());
}

/// Regression: `REF-8104` in a Referral Code column was read as −8104 "REF".
#[test]
fn regression_ref_8104_is_not_money() {
    let e = parse_money("REF-8104", "INR").unwrap_err();
    assert!(e.reason.contains("not an ISO 4217"), "{e}");
    let r = discover_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample-export"))
        .unwrap();
    let referral = column(&r, Module::Contacts, "Referral Code");
    assert_ne!(referral.inferred, crm_migrate::rsoft::ColumnKind::Money);
}

#[test]
fn the_sample_lists_its_orphan_deal_and_duplicate_companies() {
    let r = discover_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample-export"))
        .unwrap();
    assert!(
        r.integrity
            .unresolved
            .iter()
            .any(|u| u.record == "DEAL-4014" && u.refers_to == Module::Companies),
        "{:?}",
        r.integrity.unresolved
    );
    assert!(
        r.integrity
            .duplicate_companies
            .iter()
            .any(|g| g.companies.len() == 2 && g.normalized_name == "gupta and sons"),
        "{:?}",
        r.integrity.duplicate_companies
    );
    assert!(!warnings_with(&r, "deal DEAL-4014 names company \"COMP-1026\" by id").is_empty());
}

/// What the load must not guess blocks it until the operator decides, as `map` reports it: a
/// number format no value of the file decides (`125.000` last, after `4500`, `12000`,
/// `98000`: 125 or 125000, from a new-user trial; no other column proves a decimal mark), an
/// amount column mixing `125.000` with `1,250,000` (a decimal point is decided, which would read
/// 125.000 as 125) and a month-first column in a day-first export (case 06).
/// `--accept-proposed` does not lift them; a confirmed entry does.
#[test]
fn an_amount_column_mixing_two_locales_names_its_three_decimal_amounts() {
    let r = case("t5-mixed-locale-amounts");
    let amount = column(&r, Module::Deals, "Amount");
    let n = amount.number_format.as_ref().expect("a number format");
    assert_eq!(n.format.name(), "point_comma");
    assert_eq!(n.three_decimals.examples, vec!["125.000".to_string()]);
    let w = warnings_with(
        &r,
        "reads 1 distinct value with three decimals (e.g. 125.000 (line 5))",
    );
    assert_eq!(w.len(), 1, "{:#?}", r.warnings);
    assert!(
        w[0].message
            .contains("1.234.567,89 reads them as whole thousands")
    );
    let (_, problems) = map_case("t5-mixed-locale-amounts");
    let p = problems_of(&problems, Module::Deals, "Amount");
    assert_eq!(p.len(), 1, "{problems:#?}");
    assert!(p[0].problem.contains("e.g. 125.000 (line 5)"), "{:?}", p[0]);
}

#[test]
fn undecided_formats_block_the_load_until_confirmed() {
    let files = Files::of(std::path::Path::new("crm-migrate.toml"), &Config::default());
    for (name, header) in [
        ("t4-ambiguous-amount-no-proof", "Amount"),
        ("t5-mixed-locale-amounts", "Amount"),
        ("06-day-month-order", "Expected Close Date"),
    ] {
        let (mut map, problems) = map_case(name);
        let report = case(name);
        assert!(
            !problems_of(&problems, Module::Deals, header).is_empty(),
            "{name}: {problems:#?}"
        );
        accept_proposed(&mut map);
        let blockers = format_blockers(&map, &report, DateOrder::Dmy, &files);
        assert!(
            blockers.iter().any(|b| b.kind == BlockerKind::MapProblem
                && b.item == format!("deals {header:?}")
                && b.file == files.mapping),
            "{name}: {blockers:#?}"
        );
        for f in &mut map.modules.get_mut(&Module::Deals).unwrap().formats {
            f.status = Status::Confirmed;
        }
        let left = format_blockers(&map, &report, DateOrder::Dmy, &files);
        assert!(left.is_empty(), "{name}: {left:#?}");
    }
}

/// A deal export without its Companies and Contacts files (from a new-user trial): every
/// reference points into a module the export has no records of. The load holds such deals, so
/// discovery says so once per pair of modules, with the first reference, before anything moves.
#[test]
fn references_into_a_module_the_export_lacks_are_reported_once_per_module() {
    let r = case("t2-reference-into-missing-module");
    let missing: Vec<(Module, Module, u64, &str)> = r
        .integrity
        .into_missing_modules
        .iter()
        .map(|m| (m.module, m.refers_to, m.references, m.first.value.as_str()))
        .collect();
    assert_eq!(
        missing,
        vec![
            (Module::Deals, Module::Companies, 1, "COMP-1"),
            (Module::Deals, Module::Contacts, 1, "CONT-1"),
        ]
    );
    let w = warnings_with(&r, "but the export has no companies records");
    assert_eq!(w.len(), 1, "{:#?}", r.warnings);
    assert!(
        w[0].message.starts_with(
            "1 reference from deals to companies (the first: D-1 on line 2, by id \"COMP-1\")"
        ),
        "{}",
        w[0].message
    );
    assert_eq!(w[0].file, "Deals.csv");
    // The sample has every module it refers to: nothing is reported there.
    assert!(
        discover_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample-export"))
            .unwrap()
            .integrity
            .into_missing_modules
            .is_empty()
    );
}

/// Three email samples over a column whose other seven values are notes (`call office 3`, from
/// a new-user trial): the proposal is judged on every value `map` checked, so the column is not
/// proposed as the account's email, where seven of ten companies would fail at the load.
#[test]
fn email_samples_over_a_column_of_notes_do_not_make_it_an_email() {
    let (map, _) = map_case("t3-email-samples-then-notes");
    let e = entry(&map, Module::Companies, "Reach Via");
    let email = matches!(&e.target, Target::Field { field } if field == "Accounts.email");
    assert!(!(email && e.confidence >= CONFIDENCE_THRESHOLD), "{e:#?}");
    assert!(!e.reason.contains("of samples are email"), "{e:#?}");
}

/// Nutshell custom fields have no time of day, so a date-time column kept in a new custom field
/// loses its time: the map says so where the operator decides (a trial found it only in the
/// loaded record).
#[test]
fn a_date_time_custom_field_says_the_time_is_dropped() {
    let (map, _) = map_case("12-european-resave-semicolon-decimal-comma");
    let e = entry(&map, Module::Deals, "Created On");
    assert!(
        matches!(&e.target, Target::Custom { kind, .. } if *kind == ValueKind::DateTime),
        "{e:#?}"
    );
    assert!(e.reason.contains("no time of day"), "{e:#?}");
}

/// Excel's `sep=;` line after a UTF-8 BOM declares the separator: it is no header and no row,
/// and the header on line 2 is read with it (trial finding r8).
#[test]
fn a_sep_line_after_a_bom_declares_the_separator() {
    let r = case("r8-bom-sep");
    let o = &r.objects[0];
    assert_eq!(o.module, Some(Module::Companies), "{o:?}");
    assert_eq!((o.read_rows, o.bad_rows), (4, 0));
    assert!(o.bom);
    assert!(
        o.decided.contains("\"sep=;\" declares the separator"),
        "{}",
        o.decided
    );
    assert_eq!(o.columns[0].header, "Company ID");
    assert_eq!(o.columns.len(), 16);
    let turnover = column(&r, Module::Companies, "Annual Turnover");
    assert_eq!(
        turnover.number_format.as_ref().unwrap().format.name(),
        "comma_point"
    );
}

/// A row whose cells past the header hold data is set aside with what is known — the counts,
/// the cells and their values — and no guessed cause (trial finding r10).
#[test]
fn a_stray_data_cell_is_named_without_a_guessed_cause() {
    let r = case("r10-stray-cell");
    let bad: Vec<&Finding> = r
        .warnings
        .iter()
        .filter(|w| w.file == "Companies.csv" && w.line == Some(4))
        .collect();
    assert_eq!(bad.len(), 1, "{:#?}", r.warnings);
    let m = &bad[0].message;
    assert!(
        m.contains("row has 18 cells, header has 15")
            && m.contains("one cell holds data (cell 18 \"EXTRA DATA\")"),
        "{m}"
    );
    assert!(
        !m.contains("probably") && !m.contains("unquoted comma"),
        "{m}"
    );
    assert!(m.contains("set aside") && m.contains("run again"), "{m}");
    let o = r
        .objects
        .iter()
        .find(|o| o.file == "Companies.csv")
        .unwrap();
    assert_eq!((o.read_rows, o.bad_rows), (4, 1));
}

/// `Who?` is a question, not characters lost to `?`; `Ma?ra` and `????` in the same file are
/// (trial finding r10).
#[test]
fn a_trailing_question_mark_is_not_lost_characters() {
    let r = case("r10-stray-cell");
    assert!(
        column(&r, Module::Contacts, "Designation")
            .flags
            .lost_characters
            .is_empty()
    );
    assert_eq!(
        column(&r, Module::Contacts, "First Name")
            .flags
            .lost_characters
            .lines,
        vec![2, 3]
    );
}

/// The trial's deal file with `12,5` in Probability: that column proves a decimal comma, and
/// one locale wrote the file, so Amount's `125.000` (ambiguous alone) reads 125000. The evidence
/// says so, the map has no undecided format, and the built value is 125000 (trial finding).
#[test]
fn a_decimal_comma_another_column_proves_decides_an_ambiguous_amount() {
    let name = "t1-ambiguous-amount-last";
    let r = case(name);
    let amount = column(&r, Module::Deals, "Amount");
    let n = amount.number_format.as_ref().unwrap();
    assert_eq!(n.format.name(), "comma_point");
    assert!(n.ambiguous_with.is_none(), "{n:?}");
    assert!(
        n.evidence().contains(
            "(decimal comma, as column \"Probability\" of this file proves (e.g. \"12,5\"))"
        ),
        "{}",
        n.evidence()
    );
    assert!(
        warnings_with(&r, "no value decides").is_empty(),
        "{:#?}",
        r.warnings
    );
    let (map, problems) = map_case(name);
    assert!(
        problems_of(&problems, Module::Deals, "Amount").is_empty(),
        "{problems:#?}"
    );
    let map = with_stages_confirmed(map);
    let built = build_deals(name, &map);
    let (_, d4) = built.iter().find(|(id, _)| id == "D-4").unwrap();
    assert_eq!(lead_value(d4)["amount"], Value::from("125000"));
    // Without the proving column the same amount stays undecided.
    let alone = case("t4-ambiguous-amount-no-proof");
    let n = column(&alone, Module::Deals, "Amount")
        .number_format
        .clone()
        .unwrap();
    assert!(
        n.ambiguous_with.is_some() && n.decided_by_file.is_none(),
        "{n:?}"
    );
}

/// Codes written with leading zeros (`0042`, PIN code `011004`, from a new-user trial) are
/// text: discovery does not call the column a number, `map` keeps it in a Text custom field, and
/// a Number field the operator chooses for it is a map problem naming the value, never 42.
#[test]
fn codes_with_leading_zeros_stay_text() {
    let name = "t6-leading-zero-codes";
    let r = case(name);
    let code = column(&r, Module::Companies, "Customer Code");
    assert_ne!(code.inferred, crm_migrate::rsoft::ColumnKind::Number);
    let (mut map, problems) = map_case(name);
    assert!(
        matches!(
            &entry(&map, Module::Companies, "Customer Code").target,
            Target::Custom {
                kind: ValueKind::Text,
                ..
            }
        ),
        "{:?}",
        entry(&map, Module::Companies, "Customer Code")
    );
    assert!(problems_of(&problems, Module::Companies, "Customer Code").is_empty());
    let column = map
        .modules
        .get_mut(&Module::Companies)
        .unwrap()
        .columns
        .iter_mut()
        .find(|c| c.header == "Customer Code")
        .unwrap();
    column.target = Target::Custom {
        name: "Customer Code".into(),
        kind: ValueKind::Number,
        create: true,
    };
    column.status = Status::Confirmed;
    let (_, problems) = map_case_over(name, Some(&map));
    let p = problems_of(&problems, Module::Companies, "Customer Code");
    assert!(
        p.iter()
            .any(|p| p.problem.contains("\"0042\"") && p.problem.contains("starts with a zero")),
        "{problems:#?}"
    );
}

/// Each Leads row of a case built with `map` (its value maps given a `to`) as the wizard's
/// preview builds it: (RSoft ID, the outcome).
fn preview_leads(name: &str, map: &FieldMap) -> Vec<(String, Built)> {
    let map = with_stages_confirmed(map.clone());
    build_rows(
        name,
        Module::Leads,
        "Lead ID",
        &map,
        &PreviewLookups::new(Module::Leads),
    )
}

/// The confidence of the Lead a built row creates (a lead row also creates its person and
/// company first).
fn lead_confidence(built: &Built) -> Value {
    match built {
        Built::Plan(plan) => plan
            .creates
            .iter()
            .find(|c| c.entity_type == EntityType::Leads)
            .map(|c| c.params["lead"]["confidence"].clone())
            .unwrap_or_else(|| panic!("no lead create: {plan:#?}")),
        other => panic!("no plan: {other:#?}"),
    }
}

/// A lead "Probability" column written as fractions of one (`0.5`, `0.75`, `1`) is decided
/// `fraction` for the whole column, recorded in `[formats.leads]` with its evidence, and read
/// ×100 exactly in the payload the preview shows and the load sends: confidence 50, not 0.5.
#[test]
fn a_probability_column_of_fractions_is_read_times_100() {
    let name = "t8-probability-fractions";
    let (map, problems) = map_case(name);
    assert_eq!(
        entry(&map, Module::Leads, "Probability").target,
        Target::Field {
            field: "Leads.confidence".into()
        }
    );
    let format = format_entry(&map, Module::Leads, "Probability");
    assert_eq!(format.percent_scale, Some(PercentScale::Fraction));
    assert_eq!(
        format.evidence,
        "5 of 5 distinct values read as 1,234,567.89 (decided by \"0.5\"); all 5 distinct values from 0 to 1, 3 between 0 and 1 without % (e.g. 0.5 (line 2), 0.75 (line 3), 0.755 (line 5)): read as fractions ×100"
    );
    let problems = problems_of(&problems, Module::Leads, "Probability");
    assert_eq!(problems.len(), 0, "{problems:#?}");
    let text = file::to_toml(&map);
    assert!(
        text.contains("\"Probability\" = { number_format = \"1,234,567.89\", percent_scale = \"fraction\", status = \"proposed\" }"),
        "{text}"
    );
    let back = file::from_toml(&text, std::path::Path::new("mapping.toml")).unwrap();
    assert_eq!(
        back.modules[&Module::Leads].formats,
        map.modules[&Module::Leads].formats
    );

    let built = preview_leads(name, &map);
    let confidences: Vec<(String, Value)> = built
        .iter()
        .map(|(id, b)| (id.clone(), lead_confidence(b)))
        .collect();
    // 0.755 is 75.5%, which Nutshell's whole percent rounds to 76 (with a caveat).
    let want = [
        ("LEAD-1", 50),
        ("LEAD-2", 75),
        ("LEAD-3", 100),
        ("LEAD-4", 76),
        ("LEAD-5", 0),
        ("LEAD-6", 50),
    ];
    assert_eq!(
        confidences,
        want.map(|(id, c)| (id.to_string(), Value::from(c)))
    );
}

/// A "Probability" column mixing percents (`60%`, `75`) with fractions (`0.6`) decides no scale:
/// its fraction-looking values are a map problem with their count and examples (file, line),
/// the load is blocked on the format until the operator sets the scale, and no row is read
/// either way meanwhile.
#[test]
fn a_probability_column_mixing_percents_and_fractions_is_a_map_problem() {
    let name = "t9-probability-mixed";
    let (map, problems) = map_case(name);
    let format = format_entry(&map, Module::Leads, "Probability");
    assert_eq!(format.percent_scale, None);
    let found = problems_of(&problems, Module::Leads, "Probability");
    let text: Vec<String> = found
        .iter()
        .map(|p| format!("{} / {}", p.problem, p.fix))
        .collect();
    // The value check: every value, with file and line.
    assert!(
        text.iter()
            .any(|t| t.contains("3 of 6 values fail as Percent")
                && t.contains("Leads.csv line 4 \"0.6\"")
                && t.contains("Leads.csv line 6 \"0.25\"")
                && t.contains("Leads.csv line 7 \"0.6\"")),
        "{text:#?}"
    );
    // The format: the evidence and what to set.
    assert!(
        text.iter()
            .any(|t| t.contains("neither way reads every value")
                && t.contains("0.6 (line 4), 0.25 (line 6)")
                && t.contains("percent_scale = \"percent\"")),
        "{text:#?}"
    );
    let files = Files::of(std::path::Path::new("crm-migrate.toml"), &Config::default());
    let blockers = format_blockers(&map, &case(name), DateOrder::Dmy, &files);
    assert!(
        blockers
            .iter()
            .any(|b| b.kind == BlockerKind::MapProblem && b.item == "leads \"Probability\""),
        "{blockers:#?}"
    );

    let built = preview_leads(name, &map);
    for (id, b) in &built {
        match id.as_str() {
            "LEAD-3" | "LEAD-5" | "LEAD-6" => match b {
                Built::Problems { problems } => assert!(
                    problems.iter().any(|p| p.column == "Probability"
                        && p.reason.contains("no decided percent scale")),
                    "{problems:?}"
                ),
                other => panic!("{id} must not be read either way: {other:#?}"),
            },
            _ => assert!(matches!(b, Built::Plan(_)), "{id}: {b:#?}"),
        }
    }
    let (_, lead1) = built.iter().find(|(id, _)| id == "LEAD-1").unwrap();
    assert_eq!(lead_confidence(lead1), Value::from(60));

    // The operator decides: percent. 0.6 is then 0.6% (rounded to 1 with a caveat), as decided.
    let mut decided = map.clone();
    for f in &mut decided.modules.get_mut(&Module::Leads).unwrap().formats {
        if f.header == "Probability" {
            f.percent_scale = Some(PercentScale::Percent);
            f.status = Status::Confirmed;
        }
    }
    let (again, problems) = map_case_over(name, Some(&decided));
    assert!(
        problems_of(&problems, Module::Leads, "Probability").is_empty(),
        "{problems:#?}"
    );
    assert_eq!(
        again.modules[&Module::Leads]
            .column_format("Probability")
            .percent_scale,
        Some(PercentScale::Percent)
    );
}

/// Cells operators and spreadsheets damage (t10): placeholders (`N/A`, `-`, `TBD`, `?`) in
/// typed columns are neither failures nor evidence against the column's kind, so the proposal
/// stays confident and `map` lists no problem for them (a column with a formula is not
/// confident); a note's `N/A` is text; ids with a
/// zero-width space, a word joiner or a byte order mark resolve; a formula is a problem named
/// as one, and `=HYPERLINK(…)` in the Website column reads as its link.
#[test]
fn placeholders_formulas_and_hidden_id_characters_tell_the_truth() {
    let name = "t10-placeholders-formulas-hidden-id-characters";
    let r = case(name);
    assert!(
        r.integrity.unresolved.is_empty(),
        "{:#?}",
        r.integrity.unresolved
    );
    let mobile = column(&r, Module::Contacts, "Mobile No.");
    assert_eq!(mobile.inferred, crm_migrate::rsoft::ColumnKind::Phone);
    assert_eq!(mobile.flags.placeholders.count, 2);
    assert_eq!(mobile.flags.formulas.lines, [6]);
    assert!(
        column(&r, Module::Contacts, "Notes")
            .flags
            .placeholders
            .is_empty()
    );
    assert_eq!(
        column(&r, Module::Contacts, "Company ID")
            .flags
            .invisible_characters
            .count,
        3
    );
    let (map, problems) = map_case(name);
    for (module, header, field) in [
        (Module::Contacts, "Email", "Contacts.email"),
        (Module::Companies, "Website", "Accounts.url"),
        (Module::Companies, "Phone", "Accounts.phone"),
    ] {
        let e = entry(&map, module, header);
        assert_eq!(
            e.target,
            Target::Field {
                field: field.into()
            },
            "{e:?}"
        );
        assert!(e.confidence >= CONFIDENCE_THRESHOLD, "{e:?}");
    }
    for (module, header) in [
        (Module::Contacts, "Email"),
        (Module::Companies, "Website"),
        (Module::Companies, "Phone"),
    ] {
        assert!(
            problems_of(&problems, module, header).is_empty(),
            "{header}: {problems:#?}"
        );
    }
    for (module, header, line, formula) in [
        (Module::Contacts, "Mobile No.", 6, "=+91 98765 43214"),
        (Module::Companies, "Annual Turnover", 6, "=E2*1.18"),
    ] {
        let p = problems_of(&problems, module, header);
        assert!(
            p.iter().any(
                |p| p.problem.contains("a spreadsheet formula, not its value")
                    && p.problem.contains(&format!("line {line} {formula:?}"))
            ),
            "{header}: {problems:#?}"
        );
        assert!(
            !p.iter()
                .any(|p| p.problem.contains("N/A") || p.problem.contains("TBD")),
            "{header}: {p:#?}"
        );
    }
}

/// Thousand/million shorthand in an amount column (`1.5k`, `2M`, `₹ 3 mn`) is read exactly, as
/// `1.5 Lakh` is, never silently: `map` counts the values read with a note and the record carries
/// the note. Alone, shorthand is no evidence of money (`5m` is five minutes).
#[test]
fn money_shorthand_is_read_exactly_with_a_note_and_is_no_evidence_alone() {
    let name = "t11-money-shorthand";
    let r = case(name);
    use crm_migrate::rsoft::ColumnKind;
    assert_eq!(
        column(&r, Module::Deals, "Amount").inferred,
        ColumnKind::Money
    );
    assert_ne!(
        column(&r, Module::Deals, "Call Length").inferred,
        ColumnKind::Money
    );
    let (map, problems) = map_case(name);
    let p = problems_of(&problems, Module::Deals, "Amount");
    assert!(
        p.iter().any(|p| p
            .problem
            .starts_with("3 of 20 values read as Money with a note")
            && p.problem.contains("\"1.5k\" is read as 1.5 thousand")
            && p.problem.contains("Deals.csv line 3 \"2M\"")),
        "{problems:#?}"
    );
    assert!(!p.iter().any(|p| p.problem.contains("fail")), "{p:#?}");
    let built = build_deals(name, &with_stages_confirmed(map));
    for (id, amount, note) in [
        ("DEAL-1", "1500", Some("\"1.5k\" is read as 1.5 thousand")),
        ("DEAL-2", "2000000", Some("\"2M\" is read as 2 million")),
        ("DEAL-3", "3000000", Some("\"₹ 3 mn\" is read as 3 million")),
        ("DEAL-4", "150000", None),
    ] {
        let (_, deal) = built.iter().find(|(d, _)| d == id).unwrap();
        assert_eq!(lead_value(deal)["amount"], amount, "{id}");
        let Built::Plan(plan) = deal else {
            unreachable!()
        };
        match note {
            Some(note) => assert!(
                plan.caveats
                    .iter()
                    .any(|c| c.starts_with("Amount: ") && c.contains(note)),
                "{id}: {:?}",
                plan.caveats
            ),
            None => assert!(plan.caveats.is_empty(), "{id}: {:?}", plan.caveats),
        }
    }
}
