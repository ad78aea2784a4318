//! Column profiling: types, fill, distinct counts, samples and date-order evidence.

use crm_migrate::rsoft::{ColumnKind, ColumnProfile, ColumnProfiler, DateOrderVerdict, Module};
use crm_migrate::vocabulary::Vocabulary;

/// Closes `p` as discovery does, reading `header` with the built-in vocabulary.
fn finish(p: ColumnProfiler, header: &str, module: Option<Module>) -> ColumnProfile {
    let vocabulary = Vocabulary::builtin();
    let canonical = module.and_then(|m| vocabulary.canonical_header(m, header));
    p.finish(
        header,
        module,
        canonical,
        module.and_then(|m| vocabulary.id_column(m)),
    )
}

fn profile(header: &str, module: Option<Module>, values: &[&str]) -> ColumnProfile {
    let mut p = ColumnProfiler::default();
    for v in values {
        p.observe(v);
    }
    finish(p, header, module)
}

#[test]
fn day_first_is_proved_by_a_first_part_above_12() {
    let p = profile(
        "Created On",
        Some(Module::Leads),
        &["03/04/2026", "25/04/2026 10:30 AM", "01-02-2026"],
    );
    assert_eq!(p.inferred, ColumnKind::Datetime);
    assert_eq!(p.date_order, Some(DateOrderVerdict::DayFirst));
    let d = p.dates.unwrap();
    assert_eq!((d.day_first, d.month_first, d.ambiguous), (1, 0, 2));
    assert_eq!(d.day_first_example.as_deref(), Some("25/04/2026 10:30 AM"));
}

#[test]
fn month_first_is_proved_by_a_second_part_above_12() {
    let p = profile("Close", None, &["04/25/2026", "03/04/2026"]);
    assert_eq!(p.inferred, ColumnKind::Date);
    assert_eq!(p.date_order, Some(DateOrderVerdict::MonthFirst));
    assert_eq!(
        p.dates.unwrap().month_first_example.as_deref(),
        Some("04/25/2026")
    );
}

#[test]
fn only_small_parts_are_ambiguous_and_both_proofs_conflict() {
    let p = profile("D", None, &["03/04/2026", "11-12-2025", "01.02.2026"]);
    assert_eq!(p.date_order, Some(DateOrderVerdict::Ambiguous));
    assert_eq!(p.dates.unwrap().ambiguous, 3);
    let p = profile("D", None, &["25/04/2026", "04/25/2026"]);
    assert_eq!(p.date_order, Some(DateOrderVerdict::Conflicting));
    let p = profile("D", None, &["2026-04-25", "2026-01-02T10:00:00+05:30"]);
    assert_eq!(p.date_order, Some(DateOrderVerdict::YearFirst));
}

#[test]
fn value_kinds() {
    let cases: &[(&str, &[&str], ColumnKind)] = &[
        ("Email", &["a@acme.in", "b@acme.in", ""], ColumnKind::Email),
        (
            "Mobile",
            &["9876543210", "+91 98765 43210", "+919812345678"],
            ColumnKind::Phone,
        ),
        (
            "Amount",
            &["₹ 1,25,000.00", "Rs. 5,000", "INR 700"],
            ColumnKind::Money,
        ),
        ("Annual Turnover", &["125000", "5000.50"], ColumnKind::Money),
        ("Lead Score", &["10", "55", "72.5"], ColumnKind::Number),
        ("Required", &["Yes", "No", "yes"], ColumnKind::Boolean),
        (
            "Priority",
            &["High", "Low", "High", "Medium", "Low", "High"],
            ColumnKind::Enum,
        ),
        (
            "Description",
            &["Call about the renewal", "Sent quote v2", "Met at expo"],
            ColumnKind::FreeText,
        ),
        ("Company ID", &["CMP-1", "CMP-2"], ColumnKind::Reference),
        ("Code", &["AB-1001", "AB-1002", "AB-1003"], ColumnKind::Id),
    ];
    for (header, values, kind) in cases {
        let module = if *header == "Company ID" {
            Some(Module::Contacts)
        } else {
            None
        };
        assert_eq!(profile(header, module, values).inferred, *kind, "{header}");
    }
}

#[test]
fn fill_distinct_samples_and_standard_header() {
    let p = profile(
        "Mobile No.",
        Some(Module::Contacts),
        &["9876543210", "", "9876543210", "  ", "9812345678"],
    );
    assert_eq!(p.rows, 5);
    assert_eq!(p.filled, 3);
    assert_eq!(p.fill_rate, 0.6);
    assert_eq!(p.distinct, 2);
    assert!(p.distinct_exact);
    assert_eq!(p.samples, ["9876543210", "9812345678"]);
    assert_eq!(p.canonical.as_deref(), Some("Mobile"));
    assert_eq!(p.module, Some(Module::Contacts));
    let custom = profile("GST Number", Some(Module::Companies), &["29ABCDE1234F1Z5"]);
    assert_eq!(custom.canonical, None);
}

#[test]
fn distinct_is_estimated_past_the_exact_bound() {
    let values: Vec<String> = (0..50_000).map(|i| format!("user{i}@acme.in")).collect();
    let mut p = ColumnProfiler::default();
    for v in &values {
        p.observe(v);
    }
    let p = finish(p, "Email", None);
    assert!(!p.distinct_exact);
    assert!((45_000..55_000).contains(&p.distinct), "{}", p.distinct);
    assert_eq!(p.inferred, ColumnKind::Email);
}

#[test]
fn a_late_day_first_proof_is_still_found_in_a_long_column() {
    // Values past the first 8192 are classified by sample unless the column holds dates:
    // a date column must see every value, since one value can prove the order.
    let mut p = ColumnProfiler::default();
    // 28,800 distinct ambiguous dates: far past the exact distinct bound (from 1901: 01/01/1900
    // is a "no date" placeholder, which proves no order).
    for i in 0..28_800 {
        p.observe(&format!(
            "{:02}/{:02}/{}",
            1 + i % 12,
            1 + (i / 12) % 12,
            1901 + i / 144
        ));
    }
    p.observe("25/04/2026");
    for _ in 0..100 {
        p.observe("03/04/2026");
    }
    let p = finish(p, "Created On", Some(Module::Leads));
    assert_eq!(p.inferred, ColumnKind::Date);
    assert_eq!(p.date_order, Some(DateOrderVerdict::DayFirst));
    let d = p.dates.unwrap();
    assert_eq!((d.day_first, d.ambiguous), (1, 28_900));
    assert!(!p.distinct_exact);
}

#[test]
fn sampled_classification_keeps_the_majority_type() {
    let mut p = ColumnProfiler::default();
    for i in 0..50_000u64 {
        p.observe(&(i * 7919 % 100_003).to_string());
    }
    let p = finish(p, "Lead Score", None);
    assert_eq!(p.inferred, ColumnKind::Number);
    assert_eq!(p.filled, 50_000);
    assert_eq!(p.fill_rate, 1.0);
}

/// Dates with the month by name (`12-Jan-2024`, `Jan 12, 2024`, any case, with or without a
/// time) are dates, which no order can misread: a column of them needs no declared order, and
/// beside numeric dates they prove nothing about those (trial 10).
#[test]
fn month_name_dates_are_dates_of_no_doubtful_order() {
    let p = profile(
        "Expected Close Date",
        Some(Module::Deals),
        &[
            "12-Jan-2024",
            "12 Jan 2024",
            "Jan 12, 2024",
            "12-January-2024",
            "january 12 2024",
        ],
    );
    assert_eq!(p.inferred, ColumnKind::Date);
    assert_eq!(p.date_order, Some(DateOrderVerdict::YearFirst));
    let d = p.dates.unwrap();
    assert_eq!((d.named, d.ambiguous), (5, 0));
    assert_eq!(d.named_example.as_deref(), Some("12-Jan-2024"));
    assert_eq!(p.evidence.share(), 1.0);

    let p = profile(
        "Created On",
        Some(Module::Leads),
        &["12 Jan 2024 10:30 AM", "Feb 3, 2024 15:00", "03/04/2026"],
    );
    assert_eq!(p.inferred, ColumnKind::Datetime);
    assert_eq!(p.date_order, Some(DateOrderVerdict::Ambiguous));
    // A sentence naming a date is text.
    let p = profile(
        "Remarks",
        Some(Module::Leads),
        &["Met on 12 Jan 2024", "12 Jan 2024 call back", "Jan 2024"],
    );
    assert_eq!(p.inferred, ColumnKind::FreeText);
}

/// Five-digit spreadsheet serial day numbers are a date column's damage only where the header
/// names a date: all of them make the column a date column read as serials, a few among
/// written dates are flagged with their lines, and amounts of five digits are amounts (trial 10).
#[test]
fn excel_serials_are_decided_per_column_by_a_date_header() {
    let p = profile(
        "Expected Close Date",
        Some(Module::Deals),
        &["45231", "45300", "", "45400"],
    );
    assert_eq!(p.inferred, ColumnKind::Date);
    assert!(p.excel_serial);
    assert_eq!(p.date_order, None, "serials prove no day/month order");
    assert_eq!(p.flags.excel_serials.count, 3);
    assert_eq!(p.evidence.share(), 1.0);

    let mut p = ColumnProfiler::default();
    p.observe_at("25/04/2026", 2, None);
    p.observe_at("45231", 3, None);
    for day in 10..20u8 {
        p.observe_at(&format!("{day}/05/2026"), u64::from(day), None);
    }
    let p = finish(p, "Created On", Some(Module::Leads));
    assert_eq!(p.inferred, ColumnKind::Date);
    assert!(!p.excel_serial);
    assert_eq!(p.flags.excel_serials.lines, [3]);

    let p = profile("Amount", Some(Module::Deals), &["45231", "45300", "45400"]);
    assert!(!p.excel_serial);
    assert_ne!(p.inferred, ColumnKind::Date);
    assert!(p.flags.excel_serials.is_empty());
}

/// A placeholder among a cell's values (`a@x.in; N/A`, `+91 98200 12345 / -`) is no evidence
/// of the column's kind: the cell is judged by its other values, as the load reads it (such
/// cells counted as text against an email or phone column).
#[test]
fn a_placeholder_among_a_cells_values_is_no_evidence() {
    let p = profile(
        "Email",
        None,
        &[
            "a@x.in; N/A",
            "N/A, b@y.in",
            "#N/A; c@x.in; d@y.in",
            "e@z.in",
        ],
    );
    assert_eq!(p.inferred, ColumnKind::Email);
    assert_eq!(p.evidence.fit, p.evidence.judged);
    let p = profile(
        "Mobile",
        None,
        &["+91 98200 12345 / -", "TBD; 98200 12346", "98200 12347"],
    );
    assert_eq!(p.inferred, ColumnKind::Phone);
    assert_eq!(p.evidence.fit, p.evidence.judged);
    assert!(p.flags.multi_valued.is_empty());
    // Two numbers beside a placeholder are several values.
    assert!(crm_migrate::rsoft::profile::is_multi_valued(
        "98200 12345 / 98200 12346 / n/a"
    ));
    assert_eq!(
        crm_migrate::rsoft::profile::split_values("a@x.in; N/A,#n/a / b@y.in").collect::<Vec<_>>(),
        ["a@x.in", "N/A", "#n/a", "b@y.in"]
    );
}

/// The profile of `values` on lines 2, 3, … of a companies file's column `header`.
fn profile_at(header: &str, values: &[&str]) -> ColumnProfile {
    let mut p = ColumnProfiler::default();
    for (line, v) in (2..).zip(values) {
        p.observe_at(v, line, None);
    }
    finish(p, header, Some(Module::Companies))
}

/// Codes a spreadsheet read as numbers lose their leading zeros and come out short (new-user
/// trial e1: PIN `400` among six-digit PINs; a US `02134` saved as `2134`): flagged once per
/// column with the count, lines and values, when the header names a postal code or a code of
/// the common width starts with `0`. Counts, amounts and phone numbers vary in width by nature
/// and are not flagged.
#[test]
fn codes_a_spreadsheet_cut_short_are_flagged_and_quantities_are_not() {
    let pin = profile_at("Pincode", &["400089", "600084", "400", "110001"]);
    assert_eq!(pin.code_width, Some(6), "{pin:#?}");
    assert_eq!(pin.flags.short_codes.count, 1);
    assert_eq!(pin.flags.short_codes.lines, [4]);
    assert_eq!(pin.flags.short_codes.examples, ["400"]);

    let zip = profile_at("ZIP", &["2134", "10001", "94105", "02139", "601", "60601"]);
    assert_eq!(zip.code_width, Some(5));
    assert_eq!(zip.flags.short_codes.count, 2);
    assert_eq!(zip.flags.short_codes.lines, [2, 6]);
    assert_eq!(zip.flags.short_codes.examples, ["601", "2134"]);

    // No postal header: a code of the common width written with a leading zero proves codes.
    let code = profile_at("Branch Code", &["0042", "1234", "0107", "5678", "42"]);
    assert_eq!(code.code_width, Some(4));
    assert_eq!(code.flags.short_codes.examples, ["42"]);

    for (header, values) in [
        // Counts are mostly four digits with shorter ones beside them, and no zero leads.
        ("Quantity", &["1200", "3400", "5600", "800", "7200"][..]),
        // Amounts vary in width by nature.
        ("Annual Turnover", &["1200", "3400", "5600", "800", "7200"]),
        // A landline keeps its trunk zero; a mobile has none: phones, not cut codes.
        (
            "Phone",
            &["02226016599", "02226016598", "02226016597", "9810012345"],
        ),
        // Postal codes that are mostly not digits (UK) are no fixed-width digit codes.
        (
            "Postal Code",
            &["SW1A 1AA", "EC1A 1BB", "W1A 0AX", "1234", "123"],
        ),
        // Codes of one width: nothing was cut.
        ("Pincode", &["400089", "600084", "110001"]),
    ] {
        let p = profile_at(header, values);
        assert!(
            p.code_width.is_none() && p.flags.short_codes.is_empty(),
            "{header}: {p:#?}"
        );
    }
}
