//! Markdown rendering of the scope report, for the operator to hand to the customer.

use std::fmt::Write;

use super::Report;
use super::gaps::GapKey;
use super::integrity::{NameMismatch, NameMismatches};
use crate::rsoft::profile::ColumnKind;

/// Escapes a value from the export or the journal for Markdown text and table cells: Markdown
/// and HTML punctuation are backslash-escaped or entity-encoded, line breaks become spaces. So a
/// company called `<script>`, `**Acme**` or `A | B` is shown as written in a Markdown viewer:
/// never run as HTML, styled, or splitting a table. The scope report and `report.md` both use it.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn kind(k: ColumnKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What the load would hold or should merge, before any record moves.
fn write_integrity(md: &mut String, r: &Report) -> std::fmt::Result {
    let i = &r.integrity;
    writeln!(md, "## Integrity before the load\n")?;
    writeln!(
        md,
        "{} references resolve to nothing; {} company names that different firms share are named by records; {} groups of probable duplicate companies; {} emails shared by several contacts.\n",
        i.unresolved.len(),
        i.shared_names.iter().filter(|n| n.references > 0).count(),
        i.duplicate_companies.len(),
        i.shared_emails.len()
    )?;
    for m in &i.into_missing_modules {
        writeln!(
            md,
            "- {} from {} to {}, which the export has no records of (the first: {} `{}`:{}); the load will hold them unless an earlier run loaded those {}.\n",
            m.counted(),
            m.module,
            m.refers_to,
            text(&m.first.record),
            m.first.file,
            m.first.line,
            m.refers_to
        )?;
    }
    if !i.unresolved.is_empty() {
        writeln!(
            md,
            "| record | file:line | refers to | by | value | nearest, or its set-aside row |\n|---|---|---|---|---|---|"
        )?;
        for u in &i.unresolved {
            writeln!(
                md,
                "| {} {} | `{}`:{} | {} | {} | {} | {} |",
                u.module,
                text(&u.record),
                u.file,
                u.line,
                u.refers_to,
                u.by,
                text(&u.value),
                match (&u.set_aside, &u.nearest) {
                    (Some(row), _) => {
                        format!("set aside as a bad row: `{}`:{}", row.file, row.line)
                    }
                    (None, Some(n)) => text(n),
                    (None, None) => "—".to_string(),
                }
            )?;
        }
        writeln!(md)?;
    }
    for g in &i.duplicate_companies {
        let names: Vec<String> = g
            .companies
            .iter()
            .map(|c| format!("{} {} (line {})", c.id, c.name, c.line))
            .collect();
        writeln!(
            md,
            "- Probable duplicates {:?}: {} — sharing {}",
            g.normalized_name,
            text(&names.join(", ")),
            g.backed_by.join(", ")
        )?;
    }
    for n in i.shared_names.iter().filter(|n| n.references > 0) {
        let first: Vec<String> = n
            .first_references
            .iter()
            .map(|u| format!("{} {} (`{}`:{})", u.module, u.record, u.file, u.line))
            .collect();
        writeln!(
            md,
            "- Shared name {}: {} — different firms; {} record(s) naming it by name will be held (the first: {})",
            text(&format!("{:?}", n.normalized_name)),
            text(&i.shared_rows(&n.normalized_name)),
            n.references,
            text(&first.join(", "))
        )?;
    }
    write_mismatches(
        md,
        &i.name_mismatches,
        "give a Company ID and a Company Name of different companies; the load links them by the ID",
        |m| {
            format!(
                "Company ID {} is \"{}\"; Company Name says \"{}\"",
                text(&m.company_id),
                text(&m.company_name),
                text(&m.written)
            )
        },
    )?;
    write_mismatches(
        md,
        &i.other_legal_forms,
        "name a company in another legal form than the company the name leads to; the load links them by the name",
        |m| {
            format!(
                "says \"{}\"; the name leads to {} \"{}\"",
                text(&m.written),
                text(&m.company_id),
                text(&m.company_name)
            )
        },
    )?;
    for e in &i.shared_emails {
        let ids: Vec<&str> = e.contacts.iter().map(|c| c.id.as_str()).collect();
        writeln!(
            md,
            "- Contacts {} share {}",
            text(&ids.join(", ")),
            text(&e.email)
        )?;
    }
    writeln!(md)
}

/// Records whose company names disagree (`what` they do), counted, the first listed each with
/// `detail`.
fn write_mismatches(
    md: &mut String,
    list: &NameMismatches,
    what: &str,
    detail: impl Fn(&NameMismatch) -> String,
) -> std::fmt::Result {
    if list.count == 0 {
        return Ok(());
    }
    writeln!(
        md,
        "- {} record(s) {what}. The first {}:",
        list.count,
        list.first.len()
    )?;
    for m in &list.first {
        writeln!(
            md,
            "  - {} {} (`{}`:{}): {}",
            m.module,
            text(&m.record),
            m.file,
            m.line,
            detail(m)
        )?;
    }
    Ok(())
}

/// The scope report as Markdown.
pub fn render(r: &Report) -> String {
    render_opening(r, "")
}

/// The scope report as Markdown with `opening` (Markdown: `discover`'s object map) right under
/// its title and grade, before the files.
pub fn render_opening(r: &Report, opening: &str) -> String {
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut md, r, opening);
    md
}

fn write_report(md: &mut String, r: &Report, opening: &str) -> std::fmt::Result {
    writeln!(md, "# Migration scope: RSoft CRM → Nutshell\n")?;
    writeln!(md, "Export: `{}` ({:?})\n", r.export, r.export_kind)?;
    writeln!(
        md,
        "**Grade: {}** ({} points; {}). **Estimate: {}–{} working days.** **Recommended Nutshell plan: {}.**\n",
        r.grade.label(),
        r.grade_score.points,
        r.grade_rules,
        r.estimate.working_days_min,
        r.estimate.working_days_max,
        r.plan.plan
    )?;
    if !opening.is_empty() {
        writeln!(md, "{}", opening.trim_end())?;
        writeln!(md)?;
    }

    writeln!(md, "## Objects\n")?;
    writeln!(
        md,
        "| Module | File | Rows | Bad rows | Encoding | Delimiter | Line ends | Confidence |"
    )?;
    writeln!(md, "|---|---|---:|---:|---|---|---|---:|")?;
    for o in &r.objects {
        writeln!(
            md,
            "| {} | `{}` | {} | {} | {}{} | {} | {} | {:.2} |",
            o.module.map_or("**unknown**", |m| m.as_str()),
            text(&o.file),
            o.rows,
            o.bad_rows,
            o.encoding.label(),
            if o.bom { " (BOM)" } else { "" },
            o.delimiter.label(),
            match o.mixed_line_ends {
                Some(n) => format!("mixed ({} CRLF, {} LF)", n.crlf, n.lf),
                None => o.line_ending.label().to_string(),
            },
            o.confidence
        )?;
    }
    writeln!(md, "\nRecords in data modules: {}.\n", r.records)?;
    for o in &r.objects {
        writeln!(
            md,
            "### {} — `{}`\n",
            o.module.map_or("unknown", |m| m.as_str()),
            text(&o.file)
        )?;
        writeln!(
            md,
            "Read as: {}. Classified by: {}.\n",
            o.decided,
            o.evidence.join("; ")
        )?;
        writeln!(
            md,
            "| Column | Standard | Type | Fill | Distinct | Samples |"
        )?;
        writeln!(md, "|---|---|---|---:|---:|---|")?;
        for c in &o.columns {
            let mut t = kind(c.inferred);
            if let Some(order) = c.date_order {
                t.push_str(&format!(" ({order:?})"));
            }
            writeln!(
                md,
                "| {} | {} | {} | {:.0}% | {}{} | {} |",
                text(&c.header),
                c.canonical.as_deref().unwrap_or("custom"),
                t,
                c.fill_rate * 100.0,
                if c.distinct_exact { "" } else { "~" },
                c.distinct,
                text(&c.samples.join(" · "))
            )?;
        }
        writeln!(md)?;
    }

    writeln!(md, "## Dates\n")?;
    let d = &r.date_order.evidence;
    writeln!(
        md,
        "Order: **{:?}** — {} values prove day-first (e.g. {}), {} prove month-first (e.g. {}), {} are ambiguous, {} are year-first.\n",
        r.date_order.verdict,
        d.day_first,
        text(d.day_first_example.as_deref().unwrap_or("none")),
        d.month_first,
        text(d.month_first_example.as_deref().unwrap_or("none")),
        d.ambiguous,
        d.year_first
    )?;

    write_integrity(md, r)?;

    writeln!(md, "## Owners ({})\n", r.owners.len())?;
    writeln!(
        md,
        "| Owner as written | Name | Email | Records | RSoft user |"
    )?;
    writeln!(md, "|---|---|---|---:|---|")?;
    for o in &r.owners {
        let user = o
            .user
            .as_ref()
            .map_or("*not in the users file*".to_string(), |u| {
                format!("{} {} <{}> ({})", u.id, u.name, u.email, u.status)
            });
        writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            text(&o.raw),
            text(o.name.as_deref().unwrap_or("")),
            text(o.email.as_deref().unwrap_or("")),
            o.records,
            text(&user)
        )?;
    }

    writeln!(md, "\n## Pipelines ({})\n", r.pipelines.len())?;
    for p in &r.pipelines {
        let source = if p.defined {
            "pipelines file"
        } else {
            "deals only"
        };
        writeln!(md, "- **{}** ({source}; {} deals)", text(&p.name), p.deals)?;
        for s in &p.stages {
            let flag = if s.only_on_deals {
                " — *seen only on deals*"
            } else {
                ""
            };
            writeln!(md, "  - {} ({} deals){flag}", text(&s.name), s.deals)?;
        }
    }

    writeln!(md, "\n## Custom fields ({})\n", r.custom_fields.len())?;
    for c in &r.custom_field_counts {
        let over = if c.exceeds_standard_cap {
            " — **over RSoft's 5-field cap of Standard/Advanced plans**"
        } else {
            ""
        };
        writeln!(md, "- {}: {}{over}", c.module, c.count)?;
    }
    if !r.custom_fields.is_empty() {
        writeln!(md, "\n| Module | Field | In export | Defined | Type |")?;
        writeln!(md, "|---|---|---|---|---|")?;
        for f in &r.custom_fields {
            let t = f
                .field_type
                .clone()
                .or_else(|| f.inferred.map(kind))
                .unwrap_or_default();
            writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                f.module,
                text(&f.name),
                f.in_export,
                f.defined,
                text(&t)
            )?;
        }
    }

    writeln!(md, "\n## Workflows ({})\n", r.workflows.count)?;
    if !r.workflows.inventory.is_empty() {
        writeln!(
            md,
            "| Name | Module | Trigger | Conditions | Actions | Status |"
        )?;
        writeln!(md, "|---|---|---|---|---|---|")?;
        for w in &r.workflows.inventory {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                text(&w.name),
                text(&w.module),
                text(&w.trigger),
                text(&w.conditions),
                text(&w.actions),
                text(&w.status)
            )?;
        }
    }

    writeln!(
        md,
        "\n## Gaps: what CSV cannot carry ({} files)\n",
        r.gaps.len()
    )?;
    writeln!(
        md,
        "IVR call recordings, WhatsApp threads and attachments are not in RSoft's CSV export; files handed over with it are listed here.\n"
    )?;
    for g in &r.gaps {
        let key = match &g.key {
            Some(GapKey::Phone(p)) => format!(" — phone {p}"),
            Some(GapKey::RecordId(id)) => format!(" — record {id}"),
            None => String::new(),
        };
        writeln!(md, "- {}: {}{}", g.kind.label(), text(&g.path), text(&key))?;
    }

    writeln!(md, "\n## Grade and estimate\n")?;
    for rule in &r.grade_score.rules {
        writeln!(md, "- {rule}")?;
    }
    writeln!(
        md,
        "- total {} points: {}\n",
        r.grade_score.points, r.grade_rules
    )?;
    for rule in &r.estimate.rules {
        writeln!(md, "- {rule}")?;
    }
    writeln!(md, "\n## Nutshell plan: {}\n", r.plan.plan)?;
    for reason in &r.plan.reasons {
        writeln!(md, "- {reason}")?;
    }

    writeln!(md, "\n## What the customer recreates by hand\n")?;
    for step in &r.manual_steps {
        writeln!(md, "- [ ] {}", text(step))?;
    }

    writeln!(md, "\n## Warnings ({})\n", r.warnings.len())?;
    for w in &r.warnings {
        writeln!(md, "- {:?}: {}", w.severity, text(&w.to_string()))?;
    }
    Ok(())
}
