//! One entry point for the loader: convert a cell for a target of a given kind, with the
//! export's declared formats. Tags and names, which depend on the target rather than a kind, are
//! called directly ([`super::split_tags`], [`super::split_full_name`]).

use chrono_tz::Tz;
use serde::Serialize;

use super::{
    DatedValue, NumberFormat, PercentScale, Rejected, When, money_caveat, normalize_email,
    parse_bool, parse_date, parse_money_in, parse_number_in, parse_percent_in, parse_phone,
    parse_serial, parse_when,
};
use crate::config::{Config, DateOrder};
use crate::mapping::catalogue::ValueKind;
use crate::nutshell::Money;
use crate::rsoft::company::website_domain;

/// How the export writes its values (`[source]` in the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFormat {
    /// Day-first or month-first, as discovery found and the operator confirmed.
    pub order: DateOrder,
    /// The IANA zone the export's local times are in.
    pub zone: Tz,
    /// ISO 4217 code for amounts without one.
    pub currency: String,
    /// ISO 3166 alpha-2 country for phones without a country code.
    pub country: String,
}

impl SourceFormat {
    /// The formats the config declares (`[source]` and `timezone`, validated when it loaded).
    pub fn from_config(config: &Config) -> Self {
        Self {
            order: config.source.date_order,
            zone: config.timezone(),
            currency: config.source.currency.clone(),
            country: config.source.country.clone(),
        }
    }
}

/// A converted cell, in the form Nutshell takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Converted {
    /// Text (emails normalised, phones in E.164 with ` x12` after an extension).
    Text(String),
    /// `YYYY-MM-DD` or an RFC 3339 UTC instant.
    When(String),
    /// An amount with its ISO 4217 currency.
    Money(Money),
    /// A canonical decimal string, exact.
    Number(String),
    /// A yes/no value.
    Bool(bool),
}

/// What one column decided over the export's declared formats (`mapping.toml`'s per-column
/// `number_format`, `date_order` and `percent_scale`): the load reads every value of the column
/// this way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColumnFormat {
    /// The column's number format; `None` reads each value by its own separators.
    pub number: Option<NumberFormat>,
    /// The column's date order, over `[source] date_order`.
    pub date_order: Option<DateOrder>,
    /// For a percent field: on 0–100 or fractions of one; `None` refuses the values the two
    /// read differently ([`parse_percent_in`]).
    pub percent_scale: Option<PercentScale>,
    /// The column's dates are spreadsheet serial day numbers (`45231`), read as days since
    /// 1899-12-30 ([`super::date::parse_serial`]); `false` reads written dates.
    pub excel_serial: bool,
}

/// The values one cell holds for a field of `kind` ([`cell_values`]), and the placeholders
/// written among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellValues<'a> {
    /// The values, each read on its own.
    pub values: Vec<&'a str>,
    /// Words for an unknown value written as values of an email or phone cell (`N/A` of
    /// `a@x.in; N/A`, [`crate::cells::is_placeholder`]): no value, left out with a note as a
    /// whole-cell placeholder is.
    pub placeholders: Vec<&'a str>,
}

/// The values one cell holds for a field of `kind`: for an email or phone cell with several
/// (`a@x.in; b@x.in`, as discovery counts them, [`crate::rsoft::profile::is_multi_valued`]),
/// each of them, for Nutshell's several emails/phones; an email cell with one address and a
/// stray separator (`a@x.in, `) is that address, since no address holds a separator; a
/// placeholder among an email or phone cell's values (`a@x.in; N/A`, `+91 98200 12345 / -`) is
/// left out, its other values kept; otherwise the cell itself.
pub fn cell_values(kind: ValueKind, raw: &str) -> CellValues<'_> {
    use crate::rsoft::profile::{is_multi_valued, split_values};
    let whole = CellValues {
        values: vec![raw],
        placeholders: Vec::new(),
    };
    if !matches!(kind, ValueKind::Email | ValueKind::Phone) {
        return whole;
    }
    let (placeholders, values): (Vec<&str>, Vec<&str>) =
        split_values(raw).partition(|p| crate::cells::is_placeholder(p));
    let apart = is_multi_valued(raw)
        || match values.len() {
            0 => !placeholders.is_empty(),
            1 => kind == ValueKind::Email || !placeholders.is_empty(),
            // Not all of them emails or phones: the cell as it is, for the transform to say why.
            _ => false,
        };
    if apart {
        CellValues {
            values,
            placeholders,
        }
    } else {
        whole
    }
}

/// A cell for a typed field holding no value: what the load leaves blank, saying so on the
/// row, and `map`'s value check does not judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// A "no date" date (`31/12/9999`, `01/01/1900`, `00/00/0000`,
    /// [`crate::dates::is_placeholder`]) in a date or date-time field.
    NoDate,
    /// A word for an unknown value (`N/A`, `-`, `TBD`, [`crate::cells::is_placeholder`]).
    Unknown,
}

impl Placeholder {
    /// What the cell is, for a note: `a "no date" placeholder`.
    pub fn describe(self) -> &'static str {
        match self {
            Placeholder::NoDate => "a \"no date\" placeholder",
            Placeholder::Unknown => "a placeholder for an unknown value",
        }
    }
}

/// What a cell for a field of `kind` holds in place of a value it could be read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandIn {
    /// A placeholder: a blank.
    Placeholder(Placeholder),
    /// A spreadsheet's link formula, `=HYPERLINK("https://x.com","x")`, in a URL field: the
    /// field is read from its link.
    Hyperlink(String),
    /// Any other spreadsheet formula saved as its text (`=A2*1.18`): it fails, with
    /// [`FORMULA_REASON`].
    Formula,
}

/// Why a typed field's cell holding a spreadsheet formula fails.
pub const FORMULA_REASON: &str = "a spreadsheet formula, not its value: re-export with values, not formulas (in the spreadsheet, copy the column and paste it as values)";

/// What `raw` holds in place of a value for a field of `kind`: `None` for a value (read by
/// [`convert_in`]) and for any cell of a text or choice field, where `N/A` and `=x` are text
/// (or a value-map key). One rule for the load and `map`'s value check.
pub fn stand_in(kind: ValueKind, raw: &str) -> Option<StandIn> {
    if matches!(
        kind,
        ValueKind::Text | ValueKind::LongText | ValueKind::Choice
    ) {
        return None;
    }
    let text = raw.trim();
    if crate::cells::is_placeholder(text) {
        return Some(StandIn::Placeholder(Placeholder::Unknown));
    }
    if matches!(kind, ValueKind::Date | ValueKind::DateTime) && crate::dates::is_placeholder(text) {
        return Some(StandIn::Placeholder(Placeholder::NoDate));
    }
    if !crate::cells::is_formula(text) {
        return None;
    }
    Some(
        crate::cells::hyperlink_target(text)
            .filter(|_| kind == ValueKind::Url)
            .map_or(StandIn::Formula, StandIn::Hyperlink),
    )
}

/// Convert `raw` for a field of `kind`. A caveat says what the conversion had to choose (a
/// local time that happened twice), for the record's report line.
pub fn convert(
    kind: ValueKind,
    raw: &str,
    format: &SourceFormat,
) -> Result<(Converted, Option<String>), Rejected> {
    convert_in(kind, raw, format, &ColumnFormat::default())
}

/// [`convert`] with a column's own formats: numbers and money read in `column.number`, dates in
/// `column.date_order` when set, percents in `column.percent_scale` and refused outside 0–100.
/// Accounting brackets on money give a caveat.
pub fn convert_in(
    kind: ValueKind,
    raw: &str,
    format: &SourceFormat,
    column: &ColumnFormat,
) -> Result<(Converted, Option<String>), Rejected> {
    let plain = |c: Converted| Ok((c, None));
    let order = column.date_order.unwrap_or(format.order);
    match kind {
        ValueKind::Text | ValueKind::LongText | ValueKind::Choice => {
            let text = raw.trim();
            if text.is_empty() {
                return Err(Rejected::new(raw, "the cell is empty"));
            }
            plain(Converted::Text(text.to_string()))
        }
        ValueKind::Url => {
            let text = raw.trim();
            if text.contains(char::is_whitespace) || website_domain(text).is_none() {
                return Err(Rejected::new(
                    raw,
                    "not a web address (expected like acme.in or https://acme.in)",
                ));
            }
            plain(Converted::Text(text.to_string()))
        }
        ValueKind::Email => plain(Converted::Text(normalize_email(raw)?)),
        ValueKind::Phone => plain(Converted::Text(
            parse_phone(raw, &format.country)?.to_string(),
        )),
        ValueKind::Number => plain(Converted::Number(parse_number_in(
            raw,
            column.number.as_ref(),
        )?)),
        ValueKind::Percent => plain(Converted::Number(parse_percent_in(
            raw,
            column.number.as_ref(),
            column.percent_scale,
        )?)),
        ValueKind::Money => Ok((
            Converted::Money(parse_money_in(
                raw,
                &format.currency,
                column.number.as_ref(),
            )?),
            money_caveat(raw),
        )),
        ValueKind::Boolean => plain(Converted::Bool(parse_bool(raw)?)),
        ValueKind::Date | ValueKind::DateTime if column.excel_serial => {
            let date = parse_serial(raw)?;
            plain(Converted::When(When::Date(date).to_nutshell()))
        }
        ValueKind::Date => {
            let date = parse_date(raw, order)?;
            plain(Converted::When(When::Date(date).to_nutshell()))
        }
        ValueKind::DateTime => {
            let DatedValue { when, caveat } = parse_when(raw, order, format.zone)?;
            Ok((Converted::When(when.to_nutshell()), caveat))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn india() -> SourceFormat {
        SourceFormat::from_config(&Config::default())
    }

    /// A column decided as spreadsheet serials reads them as calendar dates and refuses a
    /// written date; without the decision a serial is no date (trial 10).
    #[test]
    fn an_excel_serial_column_reads_serials_only() {
        let f = india();
        let serial = ColumnFormat {
            excel_serial: true,
            ..ColumnFormat::default()
        };
        for kind in [ValueKind::Date, ValueKind::DateTime] {
            assert_eq!(
                convert_in(kind, " 45231 ", &f, &serial).unwrap().0,
                Converted::When("2023-11-01".into())
            );
            let e = convert_in(kind, "01/11/2023", &f, &serial).unwrap_err();
            assert!(e.reason.contains("excel_serial"), "{e}");
            assert!(convert(kind, "45231", &f).is_err());
        }
    }

    /// What stands in a typed field's cell for its value: a placeholder (a blank), a link
    /// formula in a URL field (its link), any other formula (a failure); a text or choice field
    /// reads them all as text.
    #[test]
    fn placeholders_and_formulas_stand_in_for_typed_values_only() {
        use StandIn::{Formula, Hyperlink, Placeholder as Blank};
        let typed = [
            ValueKind::Email,
            ValueKind::Phone,
            ValueKind::Url,
            ValueKind::Number,
            ValueKind::Money,
            ValueKind::Percent,
            ValueKind::Date,
            ValueKind::DateTime,
            ValueKind::Boolean,
        ];
        for kind in typed {
            for raw in [
                " N/A ", "-", "—", "none", "TBD", "?", "nil", "Null", "--", "na",
            ] {
                assert_eq!(
                    stand_in(kind, raw),
                    Some(Blank(Placeholder::Unknown)),
                    "{kind:?} {raw}"
                );
            }
            assert_eq!(stand_in(kind, "=A2*1.18"), Some(Formula), "{kind:?}");
            assert_eq!(stand_in(kind, "12"), None, "{kind:?}");
        }
        for kind in [ValueKind::Text, ValueKind::LongText, ValueKind::Choice] {
            for raw in ["N/A", "=A2*1.18", "31/12/9999"] {
                assert_eq!(stand_in(kind, raw), None, "{kind:?} {raw}");
            }
        }
        assert_eq!(
            stand_in(ValueKind::Date, "31/12/9999"),
            Some(Blank(Placeholder::NoDate))
        );
        assert_eq!(stand_in(ValueKind::Number, "31/12/9999"), None);
        let link = r#"=HYPERLINK("https://x.com","x")"#;
        assert_eq!(
            stand_in(ValueKind::Url, link),
            Some(Hyperlink("https://x.com".into()))
        );
        assert_eq!(stand_in(ValueKind::Phone, link), Some(Formula));
        assert_eq!(
            stand_in(ValueKind::Phone, "=+91 98200 12345"),
            Some(Formula)
        );
    }

    #[test]
    fn a_cell_gives_its_values() {
        let v = |kind, raw| cell_values(kind, raw).values;
        assert_eq!(v(ValueKind::Email, "a@x.in; b@x.in"), ["a@x.in", "b@x.in"]);
        // A stray separator after one address (a trial's `chetan@x.example, `).
        assert_eq!(
            v(ValueKind::Email, "chetan@x.example, "),
            ["chetan@x.example"]
        );
        assert_eq!(v(ValueKind::Email, " ; a@x.in"), ["a@x.in"]);
        // Not one address: the cell as it is, for the transform to say why.
        assert_eq!(v(ValueKind::Email, "a@x.in, call me"), ["a@x.in, call me"]);
        assert_eq!(v(ValueKind::Phone, "022-2345 6780, "), ["022-2345 6780, "]);
        assert_eq!(v(ValueKind::Text, "a, b"), ["a, b"]);
    }

    /// A placeholder among an email or phone cell's values is left out and named; the values
    /// beside it are kept (trial: `a@x.in; N/A` failed the record as a bad address).
    #[test]
    fn a_placeholder_among_a_cells_values_is_left_out() {
        let v = |kind, raw| {
            let c = cell_values(kind, raw);
            (c.values, c.placeholders)
        };
        let cases: [(ValueKind, &str, &[&str], &[&str]); 8] = [
            (ValueKind::Email, "a@x.in; N/A", &["a@x.in"], &["N/A"]),
            (ValueKind::Email, "N/A, b@y.in", &["b@y.in"], &["N/A"]),
            (
                ValueKind::Email,
                "#N/A; a@x.in; b@y.in",
                &["a@x.in", "b@y.in"],
                &["#N/A"],
            ),
            (
                ValueKind::Phone,
                "+91 98200 12345 / -",
                &["+91 98200 12345"],
                &["-"],
            ),
            (
                ValueKind::Phone,
                "TBD; 98200 12345; 022-2345 6780",
                &["98200 12345", "022-2345 6780"],
                &["TBD"],
            ),
            (ValueKind::Phone, "n/a / --", &[], &["n/a", "--"]),
            // Not all of the other parts are values of the kind: the cell, for the transform.
            (
                ValueKind::Email,
                "a@x.in, call me, N/A",
                &["a@x.in, call me, N/A"],
                &[],
            ),
            (ValueKind::Text, "a; N/A", &["a; N/A"], &[]),
        ];
        for (kind, raw, values, placeholders) in cases {
            assert_eq!(
                v(kind, raw),
                (values.to_vec(), placeholders.to_vec()),
                "{raw}"
            );
        }
    }

    #[test]
    fn converts_by_kind_with_the_declared_formats() {
        let f = india();
        let ok = |kind, raw| convert(kind, raw, &f).unwrap().0;
        assert_eq!(
            ok(ValueKind::DateTime, "25/04/2026 03:15 PM"),
            Converted::When("2026-04-25T09:45:00Z".into())
        );
        assert_eq!(
            ok(ValueKind::DateTime, "25/04/2026"),
            Converted::When("2026-04-25".into())
        );
        assert_eq!(
            ok(ValueKind::Date, "31-12-1990"),
            Converted::When("1990-12-31".into())
        );
        assert_eq!(
            ok(ValueKind::Phone, "98765 43210"),
            Converted::Text("+919876543210".into())
        );
        assert_eq!(
            ok(ValueKind::Money, "1,25,000"),
            Converted::Money(Money {
                amount: "125000".into(),
                currency: "INR".into()
            })
        );
        assert_eq!(
            ok(ValueKind::Percent, "60%"),
            Converted::Number("60".into())
        );
        assert_eq!(ok(ValueKind::Boolean, "Yes"), Converted::Bool(true));
        assert_eq!(
            ok(ValueKind::Email, " A@B.IN "),
            Converted::Text("A@b.in".into())
        );
        assert_eq!(
            ok(ValueKind::Text, "  Mumbai "),
            Converted::Text("Mumbai".into())
        );
        assert_eq!(
            ok(ValueKind::Url, "www.acme.in"),
            Converted::Text("www.acme.in".into())
        );
        assert_eq!(
            serde_json::to_string(&ok(ValueKind::Money, "$5")).unwrap(),
            r#"{"amount":"5","currency":"USD"}"#
        );
    }

    #[test]
    fn failures_and_caveats_reach_the_caller() {
        let f = SourceFormat {
            zone: chrono_tz::America::New_York,
            ..india()
        };
        let (_, caveat) = convert(ValueKind::DateTime, "01/11/2026 01:30", &f).unwrap();
        assert!(caveat.is_some_and(|c| c.contains("twice")));
        for (kind, raw) in [
            (ValueKind::Text, "  "),
            (ValueKind::Url, "not a url"),
            (ValueKind::Phone, "12"),
            (ValueKind::Date, "31/12/1990 10:00"),
            (ValueKind::Boolean, "perhaps"),
        ] {
            let e = convert(kind, raw, &f).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(!e.reason.is_empty());
        }
    }
}
