//! The workflow inventory: each RSoft workflow with its trigger, conditions and actions, and a
//! suggested Nutshell equivalent. Nutshell's API cannot create automations, so each workflow is
//! something the customer rebuilds by hand; the suggestion says where in Nutshell to start and
//! names the rule that produced it, so a reader can judge it. The Nutshell features named here are
//! from Nutshell's public product pages (lead distribution, email sequences, pipeline stage
//! tasks, web forms, notifications); their current menu names may differ — check before
//! promising them.

use serde::{Deserialize, Serialize};

use crate::discovery::Workflow;

/// One workflow and what to rebuild it as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowEntry {
    /// Name, module, trigger, conditions, actions and status as the export gives them.
    #[serde(flatten)]
    pub workflow: Workflow,
    /// One per rule that matched, in rule order; never empty (the fallback rule says "by hand").
    pub suggestions: Vec<Suggestion>,
}

/// A suggested Nutshell equivalent and the rule that gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The rule's id, e.g. `assign`.
    pub rule: String,
    /// The words of the workflow that matched the rule.
    pub matched: String,
    pub equivalent: String,
}

/// A suggestion rule: any of `keywords` at the start of a word of the workflow's trigger,
/// conditions or actions (lowercased) gives `equivalent`.
struct Rule {
    id: &'static str,
    keywords: &'static [&'static str],
    equivalent: &'static str,
}

/// The rules, in the order suggestions are listed. A keyword matches where a word starts in the
/// lowercased text (`assign to` matches "Assign to Priya", not "Reassign to"); write them in
/// lowercase.
const RULES: &[Rule] = &[
    Rule {
        id: "assign",
        keywords: &["round-robin", "round robin", "auto-assign", "assign to"],
        equivalent: "Nutshell's lead distribution settings (round-robin or rule-based assignment of new leads to users or teams)",
    },
    Rule {
        id: "email",
        keywords: &["send email", "email template", "send mail", "e-mail"],
        equivalent: "a Nutshell email sequence (or an email template the assignee sends) started when the lead reaches that point",
    },
    Rule {
        id: "sms-whatsapp",
        keywords: &["sms", "whatsapp", "text message"],
        equivalent: "no built-in SMS or WhatsApp sending in Nutshell: an integration (for example through Zapier) or a task for the assignee",
    },
    Rule {
        id: "stage-change",
        keywords: &["stage changed", "stage =", "stage is", "won", "lost"],
        equivalent: "tasks attached to that pipeline stage in Nutshell's pipeline settings, created when a lead enters the stage",
    },
    Rule {
        id: "escalation",
        keywords: &["sla", "escalat", "not updated", "overdue", "reassign"],
        equivalent: "Nutshell has no tickets or SLA timers: a task with a due date for the assignee, and a saved list or report of leads idle for that long",
    },
    Rule {
        id: "create-lead",
        keywords: &[
            "create lead",
            "missed call",
            "ivr",
            "web form",
            "enquiry form",
        ],
        equivalent: "Nutshell web forms or an integration that creates leads (Nutshell has no IVR: a telephony integration or Zapier)",
    },
    Rule {
        id: "notify",
        keywords: &["notify", "notification", "alert"],
        equivalent: "Nutshell's notification settings for the users concerned (followers of a lead are notified of its changes)",
    },
];

/// The rule applied when no other matches.
const FALLBACK: Rule = Rule {
    id: "by-hand",
    keywords: &[],
    equivalent: "no rule matched: review it with the customer and rebuild it by hand, or retire it",
};

/// Each workflow with its suggestions.
pub fn inventory(workflows: &[Workflow]) -> Vec<WorkflowEntry> {
    workflows.iter().map(entry).collect()
}

fn entry(w: &Workflow) -> WorkflowEntry {
    let text = format!("{} {} {}", w.trigger, w.conditions, w.actions).to_lowercase();
    let mut suggestions: Vec<Suggestion> = RULES
        .iter()
        .filter_map(|rule| {
            let matched: Vec<&str> = rule
                .keywords
                .iter()
                .copied()
                .filter(|k| starts_a_word(&text, k))
                .collect();
            (!matched.is_empty()).then(|| Suggestion {
                rule: rule.id.to_string(),
                matched: matched.join(", "),
                equivalent: rule.equivalent.to_string(),
            })
        })
        .collect();
    if suggestions.is_empty() {
        suggestions.push(Suggestion {
            rule: FALLBACK.id.to_string(),
            matched: String::new(),
            equivalent: FALLBACK.equivalent.to_string(),
        });
    }
    WorkflowEntry {
        workflow: w.clone(),
        suggestions,
    }
}

/// Does `needle` occur in `text` where a word starts (after a non-alphanumeric or at the start)?
fn starts_a_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow(trigger: &str, conditions: &str, actions: &str) -> Workflow {
        Workflow {
            name: "w".into(),
            module: "Leads".into(),
            trigger: trigger.into(),
            conditions: conditions.into(),
            actions: actions.into(),
            status: "Active".into(),
        }
    }

    fn rules(w: &Workflow) -> Vec<String> {
        entry(w).suggestions.into_iter().map(|s| s.rule).collect()
    }

    #[test]
    fn each_rule_fires_on_its_words() {
        let w = workflow(
            "Lead created",
            "Source is Website",
            "Assign round-robin to Priya; send welcome SMS",
        );
        assert_eq!(rules(&w), ["assign", "sms-whatsapp"]);
        let s = &entry(&w).suggestions[0];
        assert_eq!(s.matched, "round-robin");
        assert!(s.equivalent.contains("lead distribution"));
        let w = workflow(
            "Stage changed",
            "Stage = Won",
            "Send email template \"Invoice\"; notify ravi@acme.in",
        );
        assert_eq!(rules(&w), ["email", "stage-change", "notify"]);
        let w = workflow(
            "Ticket not updated for 24 hours",
            "Priority High",
            "Reassign to Ravi; alert the assignee",
        );
        assert_eq!(rules(&w), ["escalation", "notify"]);
        let w = workflow("IVR missed call", "", "Create lead; assign to Sneha");
        assert_eq!(rules(&w), ["assign", "create-lead"]);
    }

    #[test]
    fn nothing_matched_says_by_hand() {
        let w = workflow("Every Monday", "", "Export a backup");
        let e = entry(&w);
        assert_eq!(rules(&w), ["by-hand"]);
        assert!(e.suggestions[0].equivalent.contains("by hand"));
    }
}
