//! Email addresses: trimmed, `mailto:` removed, an RFC 5322 `Name <address>` read apart (with
//! `mailparse`: a quoted name may hold commas, `"Kumar, Ravi" <ravi@acme.in>`), the domain
//! lower-cased (the local part is case-sensitive in principle, so it is kept as written), then
//! validated. A bad cell is refused saying what is wrong with it.

use mailparse::{MailAddr, addrparse};

use super::{Rejected, non_blank};
use crate::rsoft::profile::split_values;

/// An email cell read as one RFC 5322 mailbox: the address and the display name written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The normalised, validated address (`ravi@acme.in`).
    pub address: String,
    /// The display name (`Kumar, Ravi` of `"Kumar, Ravi" <ravi@acme.in>`), quotes removed and
    /// spaces collapsed; `None` for a bare address.
    pub name: Option<String>,
}

/// Read an email cell: `ravi@acme.in`, `Ravi Kumar <ravi@acme.in>`, `"Kumar, Ravi"
/// <ravi@acme.in>`, `<ravi@acme.in>`, `mailto:ravi@acme.in`.
pub fn parse_mailbox(raw: &str) -> Result<Mailbox, Rejected> {
    let text = non_blank(raw)?;
    let text = strip_prefix_ci(text, "mailto:").unwrap_or(text).trim();
    let reject = |reason: String| Rejected::new(raw, reason);
    if !text.contains('@') {
        return Err(reject(without_at(text)));
    }
    // Most cells hold one value: the list is made only for the message of one that does not.
    if split_values(text).nth(1).is_some() {
        let parts: Vec<&str> = split_values(text).collect();
        return Err(reject(several(&parts)));
    }
    if !text.contains(['<', '>', '"', '(']) {
        // A bare address (most cells): read in place, no copy.
        return Ok(Mailbox {
            address: addr_spec(text).map_err(reject)?,
            name: None,
        });
    }
    let (name, addr) = name_addr(text).map_err(reject)?;
    Ok(Mailbox {
        address: addr_spec(&addr).map_err(reject)?,
        name,
    })
}

/// A normalised, validated email address: the address of [`parse_mailbox`].
pub fn normalize_email(raw: &str) -> Result<String, Rejected> {
    parse_mailbox(raw).map(|m| m.address)
}

/// Why a cell without `@` is no address.
fn without_at(text: &str) -> String {
    let bracketed = text
        .split_once('<')
        .map(|(_, rest)| rest.split('>').next().unwrap_or(rest).trim());
    match bracketed {
        Some("") => "a name without an address (the <> is empty)".into(),
        Some(_) => "the address in <…> has no '@'".into(),
        None if text.contains('.') && !text.contains(char::is_whitespace) => "has no '@'".into(),
        None => "a name without an address".into(),
    }
}

/// Why a cell of several values (split as discovery splits them) is not one address: the first
/// value that is no address, or that there are several.
fn several(parts: &[&str]) -> String {
    match parts
        .iter()
        .find_map(|p| parse_mailbox(p).err().map(|e| (p, e.reason)))
    {
        Some((part, why)) => format!(
            "holds {} values, and {part:?} is no address: {why}",
            parts.len()
        ),
        None => format!("holds {} addresses where one is taken", parts.len()),
    }
}

/// `Name <address>` read by RFC 5322: the display name and the address as written.
fn name_addr(text: &str) -> Result<(Option<String>, String), String> {
    // Mail programs copy `Kumar, Ravi <ravi@acme.in>` unquoted; RFC 5322 quotes such a name.
    let quoted;
    let text = match text.rsplit_once('<') {
        Some((name, rest)) if !name.contains('"') && name.contains([',', ';']) => {
            quoted = format!("\"{}\" <{rest}", name.trim());
            quoted.as_str()
        }
        _ => text,
    };
    let list = addrparse(text).map_err(|e| {
        if text.contains('<') && !text.rsplit('<').next().is_some_and(|r| r.contains('>')) {
            "has '<' without a closing '>'".to_string()
        } else if text
            .rsplit_once('>')
            .is_some_and(|(_, after)| !after.trim().is_empty())
        {
            "has text after the address's closing '>'".to_string()
        } else if text.matches('"').count() % 2 == 1 {
            "has a '\"' without its closing '\"'".to_string()
        } else {
            format!("is not written as Name <address> ({e})")
        }
    })?;
    match list.as_slice() {
        [MailAddr::Single(one)] => {
            let name = one
                .display_name
                .as_deref()
                .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|n| !n.is_empty());
            Ok((name, one.addr.clone()))
        }
        [MailAddr::Group(g)] => Err(format!(
            "is an address group ({:?}: …;), not one address",
            g.group_name
        )),
        many => Err(format!(
            "holds {} addresses; separate them with ';' and map the column to a multi-value field",
            many.len()
        )),
    }
}

/// An RFC 5321 address (`local@domain`), validated with a reason for each fault, the domain
/// lower-cased.
fn addr_spec(text: &str) -> Result<String, String> {
    let ats = text.matches('@').count();
    if ats > 1 {
        let count = if ats == 2 {
            "two".to_string()
        } else {
            ats.to_string()
        };
        return Err(format!(
            "has {count} '@'; if the cell holds several addresses, separate them with ';'"
        ));
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err("has no '@'".into());
    };
    if local.is_empty() {
        return Err("nothing before '@'".into());
    }
    if domain.is_empty() {
        return Err("no domain after '@'".into());
    }
    if local.chars().count() > 64 {
        return Err(format!(
            "the part before '@' has {} characters; at most 64",
            local.chars().count()
        ));
    }
    if local.contains(char::is_whitespace) {
        return Err(
            "has a space before '@': a name written with the address needs <> around the address (Name <address>)".into(),
        );
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the part before '@' has a misplaced dot".into());
    }
    if let Some(c) = local.chars().find(|c| {
        c.is_control()
            || matches!(
                c,
                '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | ']' | '\\' | '"'
            )
    }) {
        return Err(format!("{c:?} is not allowed before '@'"));
    }
    // The answer is built once, the domain lower-cased into it; its checks read it there.
    let mut address = String::with_capacity(text.len());
    address.push_str(local);
    address.push('@');
    if domain.is_ascii() {
        address.push_str(domain);
        address[local.len() + 1..].make_ascii_lowercase();
    } else {
        address.push_str(&domain.to_lowercase());
    }
    let domain = &address[local.len() + 1..];
    if !domain.contains('.') {
        return Err("the domain has no dot (like example.com)".into());
    }
    let labels = || domain.split('.');
    if labels().any(str::is_empty) {
        return Err(
            "the domain has an empty part (a dot at its start or end, or two in a row)".into(),
        );
    }
    let label_ok = |l: &str| {
        l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !labels().all(label_ok) {
        return Err("the domain is not a valid host name".into());
    }
    let tld = labels().next_back().unwrap_or_default();
    if tld.chars().count() < 2 || !tld.chars().all(char::is_alphabetic) {
        return Err("the domain does not end in a top-level domain like .com or .in".into());
    }
    Ok(address)
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

    /// RFC 5322 name-addr cells give the address and keep the name (trial: they failed as bad
    /// emails).
    #[test]
    fn a_name_written_with_the_address_is_read_apart() {
        let cases = [
            (
                "Ravi Kumar <ravi@ACME.in>",
                Some("Ravi Kumar"),
                "ravi@acme.in",
            ),
            (
                "\"Kumar, Ravi\" <ravi@acme.in>",
                Some("Kumar, Ravi"),
                "ravi@acme.in",
            ),
            (
                "  Ravi   Kumar  <ravi@acme.in> ",
                Some("Ravi Kumar"),
                "ravi@acme.in",
            ),
            ("<ravi@acme.in>", None, "ravi@acme.in"),
            ("\"\" <ravi@acme.in>", None, "ravi@acme.in"),
            (
                "Kumar, Ravi <ravi@acme.in>",
                Some("Kumar, Ravi"),
                "ravi@acme.in",
            ),
            ("MAILTO:ravi@acme.in", None, "ravi@acme.in"),
            ("ravi@acme.in", None, "ravi@acme.in"),
        ];
        for (raw, name, address) in cases {
            let m = parse_mailbox(raw).unwrap();
            assert_eq!(m.name.as_deref(), name, "{raw}");
            assert_eq!(m.address, address, "{raw}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        let cases = [
            ("", "empty"),
            ("ravi.acme.in", "has no '@'"),
            ("Ravi Kumar", "a name without an address"),
            ("Ravi Kumar <>", "a name without an address"),
            ("Ravi <ravi.acme.in>", "the address in <…> has no '@'"),
            ("@acme.in", "nothing before '@'"),
            ("ravi@", "no domain after '@'"),
            ("Ravi <ravi@>", "no domain after '@'"),
            ("ravi@localhost", "no dot"),
            ("ravi@acme..in", "empty part"),
            ("ravi@-acme.in", "host name"),
            ("ravi@acme.c0m", "top-level"),
            ("ravi kumar@acme.in", "needs <> around the address"),
            ("Ravi Kumar ravi@acme.in", "needs <> around the address"),
            (".ravi@acme.in", "misplaced dot"),
            ("a@b@acme.in", "two '@'"),
            ("ravi@acme.in, priya@acme.in", "holds 2 addresses where one"),
            ("a@x.in; b@", "\"b@\" is no address: no domain"),
            ("Ravi <ravi@acme.in", "without a closing '>'"),
            ("Ravi <ravi@acme.in> sales", "text after"),
            ("\"Kumar, Ravi <ravi@acme.in>", "without its closing"),
            (
                "Ravi <ravi@acme.in>, Priya <priya@acme.in>",
                "holds 2 addresses",
            ),
            (
                "\"Kumar, Ravi\" <ravi@acme.in>, Priya",
                "\"Priya\" is no address: a name without",
            ),
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
