//! `report.md`: the report as Markdown. Every value that came from the export or the journal goes
//! through [`text`], so a company called `<script>` or `A | B` neither becomes HTML in a Markdown
//! viewer nor breaks a table.

use std::fmt::Write;

use super::model::{MigrationReport, RunSection};
use super::{JOURNAL_SECTIONS, NO_RUN};
use crate::discovery::markdown::text;

/// Characters of the bar chart, per bucket.
const BAR_CHARS: [(&str, char); 7] = [
    ("created", '█'),
    ("linked", '▓'),
    ("merged", '▒'),
    ("held", '░'),
    ("failed", '×'),
    ("unchanged", '·'),
    ("unaccounted", '?'),
];
/// Width of a full bar, in characters.
const BAR_WIDTH: f64 = 40.0;

/// Renders the whole report.
pub fn render(r: &MigrationReport) -> String {
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut md, r);
    md
}

fn write_report(md: &mut String, r: &MigrationReport) -> std::fmt::Result {
    let s = &r.scope;
    writeln!(md, "# Migration report: RSoft CRM → Nutshell\n")?;
    writeln!(
        md,
        "Generated {} from the export {}.\n",
        r.generated_at,
        text(&s.export)
    )?;

    writeln!(md, "## Scope\n")?;
    writeln!(
        md,
        "{} records in {} files. Grade **{}** ({} points). Estimate {}–{} working days. Recommended Nutshell plan: **{}**.\n",
        s.records,
        s.objects.len(),
        text(&s.grade),
        s.grade_points,
        s.estimate_days_min,
        s.estimate_days_max,
        text(&s.plan)
    )?;
    for rule in s.grade_rules.iter().chain(&s.plan_reasons) {
        writeln!(md, "- {}", text(rule))?;
    }
    writeln!(md, "\n| Module | File | Rows | Read | Bad | Encoding |")?;
    writeln!(md, "|---|---|---:|---:|---:|---|")?;
    for o in &s.objects {
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            text(&o.module),
            text(&o.file),
            o.rows,
            o.read_rows,
            o.bad_rows,
            text(&o.encoding)
        )?;
    }
    if s.findings > 0 {
        writeln!(
            md,
            "\nDiscovery noted {} warnings or bad rows: `crm-migrate discover` lists each with its file and line.",
            s.findings
        )?;
    }
    writeln!(md, "\n### Owners in the export\n")?;
    writeln!(md, "| Owner | Records | User in the RSoft users file |")?;
    writeln!(md, "|---|---:|---|")?;
    for o in &s.owners {
        writeln!(
            md,
            "| {} | {} | {} |",
            text(&o.owner),
            o.records,
            o.user.as_deref().map_or_else(|| "none".to_string(), text)
        )?;
    }

    match &r.run {
        None => {
            for title in JOURNAL_SECTIONS {
                writeln!(
                    md,
                    "\n## {title}\n\n_{}_: the journal holds no migration run. This section fills in after `crm-migrate migrate`.",
                    capitalised(NO_RUN)
                )?;
            }
        }
        Some(run) => write_run(md, run)?,
    }

    writeln!(md, "\n## Setup checklist\n")?;
    writeln!(md, "### Custom fields\n")?;
    if r.checklist.custom_fields.is_empty() {
        writeln!(md, "The export has no custom fields.")?;
    } else {
        writeln!(
            md,
            "| RSoft module | Field | RSoft type | Filled | Nutshell | What happens |"
        )?;
        writeln!(md, "|---|---|---|---:|---|---|")?;
        for f in &r.checklist.custom_fields {
            let nutshell = match (&f.nutshell_entity, &f.nutshell_type) {
                (Some(e), Some(t)) => format!("{} on {}", text(t), text(e)),
                _ => "—".to_string(),
            };
            writeln!(
                md,
                "| {} | {} | {}{} | {} | {} | {} |",
                f.module,
                text(&f.name),
                text(&f.rsoft_type),
                f.options
                    .as_deref()
                    .map_or_else(String::new, |o| format!(" ({})", text(o))),
                f.fill_rate
                    .map_or_else(|| "—".to_string(), |p| format!("{:.0}%", p * 100.0)),
                nutshell,
                text(&f.action)
            )?;
        }
    }
    writeln!(
        md,
        "\n### Pipelines and stages (create in Nutshell's settings; the API cannot)\n"
    )?;
    if r.checklist.pipelines.is_empty() {
        writeln!(md, "The export names no pipelines.")?;
    }
    for p in &r.checklist.pipelines {
        writeln!(
            md,
            "- [ ] **{}** ({} deals{})",
            text(&p.name),
            p.deals,
            if p.defined {
                ""
            } else {
                "; named only on deals"
            }
        )?;
        for st in &p.stages {
            writeln!(
                md,
                "  - [ ] {}{} — {} deals{}",
                text(&st.name),
                st.probability
                    .as_deref()
                    .map_or_else(String::new, |pr| format!(" ({}%)", text(pr))),
                st.deals,
                if st.only_on_deals {
                    "; not in the pipelines file"
                } else {
                    ""
                }
            )?;
        }
    }

    writeln!(md, "\n## Workflow inventory\n")?;
    writeln!(
        md,
        "Nutshell's API cannot create automations: each workflow is rebuilt by hand. Each suggestion names the rule that gave it.\n"
    )?;
    if r.workflows.is_empty() {
        writeln!(md, "The export has no workflows.")?;
    }
    for entry in &r.workflows {
        let w = &entry.workflow;
        writeln!(
            md,
            "### {} ({}, {})\n",
            text(&w.name),
            text(&w.module),
            text(&w.status)
        )?;
        writeln!(md, "- When: {}", text(&w.trigger))?;
        writeln!(md, "- If: {}", text(&w.conditions))?;
        writeln!(md, "- Do: {}", text(&w.actions))?;
        for sg in &entry.suggestions {
            let matched = if sg.matched.is_empty() {
                String::new()
            } else {
                format!(", matched “{}”", text(&sg.matched))
            };
            writeln!(
                md,
                "- Suggested in Nutshell (rule `{}`{matched}): {}",
                sg.rule,
                text(&sg.equivalent)
            )?;
        }
        writeln!(md)?;
    }
    if r.workflows_total > r.workflows.len() as u64 {
        writeln!(
            md,
            "…and {} more workflows in the export's workflows file.\n",
            r.workflows_total - r.workflows.len() as u64
        )?;
    }

    writeln!(md, "## Gap inventory\n")?;
    writeln!(
        md,
        "Files CSV cannot carry: attach each to its Nutshell record by hand. {}\n",
        text(&r.web_link_note)
    )?;
    if r.gaps.is_empty() {
        writeln!(md, "The export has no recordings, threads or attachments.")?;
    } else {
        writeln!(
            md,
            "| Kind | File | Bytes | Named for | Belongs to | Nutshell record |"
        )?;
        writeln!(md, "|---|---|---:|---|---|---|")?;
        for g in &r.gaps {
            let belongs = if g.belongs_to.is_empty() {
                g.unmatched.as_deref().map_or_else(String::new, text)
            } else {
                let mut owners: Vec<String> = g
                    .belongs_to
                    .iter()
                    .map(|o| {
                        format!(
                            "{} {} {} (by {})",
                            o.module,
                            text(&o.rsoft_id),
                            text(&o.label),
                            text(&o.matched_on)
                        )
                    })
                    .collect();
                if g.more_owners > 0 {
                    owners.push(format!("and {} more", g.more_owners));
                }
                owners.join("; ")
            };
            let nutshell: Vec<String> = g
                .belongs_to
                .iter()
                .map(|o| match (&o.nutshell, &o.link) {
                    (Some(n), Some(link)) => format!("{} {} <{}>", n.entity_type, n.id, link),
                    (Some(n), None) => format!("{} {}", n.entity_type, n.id),
                    (None, _) if r.run.is_none() => NO_RUN.to_string(),
                    (None, _) => "not in Nutshell (see holds and failures)".to_string(),
                })
                .collect();
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                text(&g.kind),
                text(&g.path),
                g.size,
                text(&g.key),
                belongs,
                nutshell.join("; ")
            )?;
        }
    }
    Ok(())
}

fn write_run(md: &mut String, run: &RunSection) -> std::fmt::Result {
    writeln!(md, "\n## Runs\n")?;
    writeln!(md, "| Run | Kind | Started | Finished | Status |")?;
    writeln!(md, "|---|---|---|---|---|")?;
    for r in &run.runs {
        writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            text(&r.id),
            text(&r.kind),
            text(&r.started),
            r.finished.as_deref().map_or_else(|| "—".to_string(), text),
            text(&r.status)
        )?;
    }
    writeln!(md, "\n## Reconciliation per phase\n")?;
    writeln!(
        md,
        "Source rows = created + linked + merged + held + failed + unchanged. {}\n",
        if run.reconciles {
            "Every phase reconciles."
        } else {
            "**Some phases do not reconcile: see the Difference column.**"
        }
    )?;
    writeln!(
        md,
        "| Phase | Source rows | Created | Linked | Merged | Held | Failed | Unchanged | Difference |"
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for p in &run.reconciliation {
        let t = &p.tally;
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            text(&t.phase),
            t.source_rows,
            t.created,
            t.linked,
            t.merged,
            t.held,
            t.failed,
            t.unchanged,
            if p.reconciles {
                "0".to_string()
            } else {
                format!("**{}**", p.difference)
            }
        )?;
    }
    writeln!(md, "\n```text")?;
    let name_width = run
        .reconciliation
        .iter()
        .map(|p| p.tally.phase.chars().count())
        .max()
        .unwrap_or(0);
    for p in &run.reconciliation {
        let mut bar = String::new();
        for s in &p.segments {
            let ch = BAR_CHARS
                .iter()
                .find(|(b, _)| *b == s.bucket)
                .map_or('?', |(_, c)| *c);
            let n = (s.percent / 100.0 * BAR_WIDTH).round() as usize;
            bar.extend(std::iter::repeat_n(ch, n.max(1)));
        }
        writeln!(
            md,
            "{:<name_width$}  {bar} {}",
            p.tally.phase.replace('`', "'"),
            p.tally.source_rows
        )?;
    }
    let legend: Vec<String> = BAR_CHARS.iter().map(|(b, c)| format!("{c} {b}")).collect();
    writeln!(md, "\n{}\n```", legend.join("  "))?;

    writeln!(md, "\n## Held records\n")?;
    if run.holds.is_empty() {
        writeln!(md, "None.")?;
    } else {
        writeln!(md, "| Phase | Module | RSoft ID | Record | Reason |")?;
        writeln!(md, "|---|---|---|---|---|")?;
        for h in &run.holds {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                text(&h.phase),
                h.module,
                text(&h.rsoft_id),
                text(&h.label),
                text(&h.reason)
            )?;
        }
    }
    writeln!(md, "\n## Failures\n")?;
    if run.failures.is_empty() {
        writeln!(md, "None.")?;
    } else {
        writeln!(
            md,
            "| Phase | Module | RSoft ID | Record | Where | Class | Reason |"
        )?;
        writeln!(md, "|---|---|---|---|---|---|---|")?;
        for f in &run.failures {
            let at = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{}:{line}", text(file)),
                (Some(file), None) => text(file),
                _ => "—".to_string(),
            };
            writeln!(
                md,
                "| {} | {} | {} | {} | {at} | {} | {} | {} |",
                text(&f.phase),
                f.module,
                text(&f.rsoft_id),
                text(&f.label),
                f.field.as_deref().map_or_else(|| "—".to_string(), text),
                text(&f.class),
                text(&f.reason)
            )?;
        }
    }
    writeln!(md, "\n## Created with caveats\n")?;
    if run.caveats.is_empty() {
        writeln!(md, "None.")?;
    } else {
        writeln!(
            md,
            "What the tool had to choose for these records; check each in Nutshell.\n"
        )?;
        writeln!(
            md,
            "| Phase | Module | RSoft ID | Nutshell record | Caveats |"
        )?;
        writeln!(md, "|---|---|---|---|---|")?;
        for c in &run.caveats {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                text(&c.phase),
                c.module,
                text(&c.rsoft_id),
                c.record.as_ref().map_or_else(
                    || "—".to_string(),
                    |r| format!("{} {}", r.entity_type, r.id)
                ),
                text(&c.caveats)
            )?;
        }
    }
    writeln!(md, "\n## Owner decisions\n")?;
    if run.owner_decisions.is_empty() {
        writeln!(md, "None recorded.")?;
    } else {
        writeln!(md, "| RSoft owner | Records | Nutshell user | How |")?;
        writeln!(md, "|---|---:|---|---|")?;
        for o in &run.owner_decisions {
            let user = match (&o.nutshell_user, o.nutshell_user_id) {
                (Some(u), Some(id)) => format!("{} (user {id})", text(u)),
                (Some(u), None) => text(u),
                _ => "**unresolved**".to_string(),
            };
            writeln!(
                md,
                "| {} | {} | {user} | {} |",
                text(&o.rsoft_owner),
                o.records,
                text(&o.how)
            )?;
        }
    }
    writeln!(md, "\n## Merges and links\n")?;
    if run.merges_and_links.is_empty() {
        writeln!(md, "None.")?;
    } else {
        writeln!(
            md,
            "| Phase | Module | RSoft ID | Record | Outcome | Nutshell record | Why |"
        )?;
        writeln!(md, "|---|---|---|---|---|---|---|")?;
        for m in &run.merges_and_links {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} {} | {} |",
                text(&m.phase),
                m.module,
                text(&m.rsoft_id),
                text(&m.label),
                m.outcome.label(),
                text(&m.record.entity_type),
                m.record.id,
                text(&m.reason)
            )?;
        }
    }
    Ok(())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markdown_and_html() {
        assert_eq!(
            text("<script>alert(\"x\")</script> | *bold* [l](u)\nnext"),
            "&lt;script&gt;alert(\"x\")&lt;/script&gt; \\| \\*bold\\* \\[l\\](u) next"
        );
        assert_eq!(text("R&D_1 #2"), "R&amp;D\\_1 \\#2");
    }
}
