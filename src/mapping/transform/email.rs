//! Email addresses: trimmed, `mailto:` and angle brackets removed, the domain lower-cased (the
//! local part is case-sensitive in principle, so it is kept as written), then validated.

use super::{Rejected, non_blank};

/// A normalised, validated email address.
pub fn normalize_email(raw: &str) -> Result<String, Rejected> {
    let text = non_blank(raw)?;
    let text = strip_prefix_ci(text, "mailto:").unwrap_or(text);
    let text = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(text)
        .trim();
    let reject = |reason: &str| Rejected::new(raw, reason);
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err(reject("has no '@'"));
    };
    if local.is_empty() || local.len() > 64 {
        return Err(reject("the part before '@' must be 1 to 64 characters"));
    }
    if local.contains('@') {
        return Err(reject(
            "has more than one '@'; if the cell holds a list, map it to a multi-value field",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(reject("the part before '@' has a misplaced dot"));
    }
    if let Some(c) = local
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "(),:;<>[]\\\"".contains(*c))
    {
        return Err(Rejected::new(
            raw,
            format!("{c:?} is not allowed before '@'"),
        ));
    }
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(reject("the domain has no dot (like example.com)"));
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok) {
        return Err(reject("the domain is not a valid host name"));
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.chars().count() < 2 || !tld.chars().all(char::is_alphabetic) {
        return Err(reject(
            "the domain does not end in a top-level domain like .com or .in",
        ));
    }
    Ok(format!("{local}@{domain}"))
}

/// Whether a cell reads as an email address (for value evidence in proposals).
pub fn looks_like_email(raw: &str) -> bool {
    normalize_email(raw).is_ok()
}

/// Local parts of a company's shared mailboxes, which several people read: `info@`, `sales@`.
const ROLE_MAILBOXES: [&str; 36] = [
    "info",
    "sales",
    "contact",
    "contactus",
    "admin",
    "office",
    "accounts",
    "account",
    "support",
    "hello",
    "enquiry",
    "enquiries",
    "inquiry",
    "hr",
    "mail",
    "team",
    "marketing",
    "billing",
    "careers",
    "jobs",
    "noreply",
    "no-reply",
    "help",
    "service",
    "services",
    "customercare",
    "care",
    "feedback",
    "orders",
    "purchase",
    "webmaster",
    "postmaster",
    "reception",
    "query",
    "queries",
    "helpdesk",
];

/// Whether `address` is a role mailbox (`info@acme.in`, `Sales+IN@acme.in`): a company's shared
/// inbox, not one person's. Such an address identifies no contact, so the load never merges two
/// people, or links a person to a Nutshell contact, by it.
pub fn is_role_mailbox(address: &str) -> bool {
    let Some((local, _)) = address.trim().rsplit_once('@') else {
        return false;
    };
    // `sales+india@` is the sales mailbox with a sub-address.
    let mailbox = local.split('+').next().unwrap_or(local);
    ROLE_MAILBOXES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(mailbox))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let cases = [
            ("ravi@acme.in", "ravi@acme.in"),
            ("  Ravi.Kumar@ACME.IN ", "Ravi.Kumar@acme.in"),
            ("mailto:priya@Example.co.in", "priya@example.co.in"),
            ("<ops+crm@acme.com>", "ops+crm@acme.com"),
            ("a_b-c@sub.domain-x.org", "a_b-c@sub.domain-x.org"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_email(raw).unwrap(), want, "{raw}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        let cases = [
            ("", "empty"),
            ("ravi.acme.in", "no '@'"),
            ("@acme.in", "1 to 64"),
            ("ravi@localhost", "no dot"),
            ("ravi@acme..in", "host name"),
            ("ravi@-acme.in", "host name"),
            ("ravi@acme.c0m", "top-level"),
            ("ravi kumar@acme.in", "not allowed"),
            (".ravi@acme.in", "misplaced dot"),
            ("a@b@acme.in", "more than one"),
            ("ravi@acme.in, priya@acme.in", "more than one"),
        ];
        for (raw, why) in cases {
            let e = normalize_email(raw).unwrap_err();
            assert_eq!(e.original, raw);
            assert!(e.reason.contains(why), "{raw}: {e}");
        }
        assert!(!looks_like_email("Ravi Kumar"));
        assert!(looks_like_email("RAVI@ACME.IN"));
    }

    #[test]
    fn role_mailboxes_are_no_persons_address() {
        for a in [
            "info@acme.in",
            " INFO@acme.in",
            "Sales+IN@acme.in",
            "no-reply@x.com",
        ] {
            assert!(is_role_mailbox(a), "{a}");
        }
        for a in [
            "ravi@acme.in",
            "information.desk.ravi@x.in",
            "infosys@x.in",
            "sales.ravi@x.in",
            "info",
        ] {
            assert!(!is_role_mailbox(a), "{a}");
        }
    }
}
