//! Owners: every distinct value of an owner-like column, across all modules, with record counts.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::mapping::transform::split_name_email;
use crate::rsoft::Module;
use crate::rsoft::hashing::FastHash;

/// Distinct owner values kept before the rest are only counted (a bound on memory).
pub const MAX_OWNERS: usize = 10_000;

/// One distinct owner value, as written, and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Owner {
    /// The value as written in the export, trimmed.
    pub raw: String,
    /// The name part (`Ravi Kumar` of `Ravi Kumar <ravi@acme.in>`), when there is one.
    pub name: Option<String>,
    /// The email part, when there is one.
    pub email: Option<String>,
    /// Cells holding this value, across all owner-like columns.
    pub records: u64,
    /// The same count per module.
    pub modules: BTreeMap<Module, u64>,
    /// The user in the export's users file this owner is (by email, else by name): gives a
    /// name-only owner the email that owner reconciliation matches on.
    pub user: Option<User>,
    /// Users this owner fits equally well (two users of the same normalised name): none is
    /// picked, the operator decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ambiguous: Vec<User>,
}

/// A row of the users file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's RSoft ID.
    pub id: String,
    /// The user's name as written.
    pub name: String,
    /// The user's email as written.
    pub email: String,
    /// `Active` or `Inactive` as written; an inactive user is someone who left.
    pub status: String,
}

impl Owner {
    /// Finds this owner among the users of the export's users file with [`match_owner`]; an
    /// ambiguous owner (two users fit) keeps no user, and discovery lists it.
    fn match_user(&mut self, users: &[User]) {
        let found = match_rsoft_user(&self.raw, users);
        self.user = None;
        self.ambiguous.clear();
        match found {
            OwnerMatch::Unique(u) => self.user = Some(u.clone()),
            OwnerMatch::Ambiguous(us) => self.ambiguous = us.into_iter().cloned().collect(),
            OwnerMatch::None => {}
        }
    }
}

/// A person's name reduced for comparison, the same way everywhere owners are matched (discovery
/// against the users file, owner reconciliation against Nutshell users): role suffixes in
/// brackets dropped (`Ravi Kumar (Sales Manager)`), `Surname, Given` turned round, dots and
/// inner whitespace collapsed, lower case. `"KUMAR,  Ravi (Admin)"` → `"ravi kumar"`.
pub fn normalize_person_name(raw: &str) -> String {
    let mut kept = String::with_capacity(raw.len());
    let mut depth = 0usize;
    for c in raw.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    let turned = match kept.split_once(',') {
        Some((surname, given)) if !given.contains(',') && !given.trim().is_empty() => {
            format!("{} {}", given.trim(), surname.trim())
        }
        _ => kept,
    };
    turned
        .split(|c: char| c.is_whitespace() || c == '.')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How an owner cell matched a list of users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerMatch<T> {
    /// Exactly one user fits.
    Unique(T),
    /// Several users fit equally well: never picked, the operator decides.
    Ambiguous(Vec<T>),
    /// No user fits.
    None,
}

/// Matches an owner cell (`Ravi Kumar <ravi@acme.in>`, `ravi@acme.in`, `Kumar, Ravi (Sales)`)
/// against users, each seen through `key` as (display name, email). The email decides first
/// (case-insensitive); without an email match, the name normalised by [`normalize_person_name`].
/// Two users fitting at the same step is [`OwnerMatch::Ambiguous`]. This is the one matcher
/// discovery and owner reconciliation both call, so an owner matches the same way in both.
pub fn match_owner<'a, T>(
    raw: &str,
    users: &'a [T],
    key: impl Fn(&T) -> (&str, &str),
) -> OwnerMatch<&'a T> {
    let verdict = |found: Vec<&'a T>| match found.len() {
        0 => OwnerMatch::None,
        1 => OwnerMatch::Unique(found[0]),
        _ => OwnerMatch::Ambiguous(found),
    };
    let (name, email) = parse_owner(raw);
    if let Some(email) = email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        let found: Vec<&T> = users
            .iter()
            .filter(|u| key(u).1.trim().eq_ignore_ascii_case(email))
            .collect();
        if !found.is_empty() {
            return verdict(found);
        }
    }
    let Some(wanted) = name
        .as_deref()
        .map(normalize_person_name)
        .filter(|n| !n.is_empty())
    else {
        return OwnerMatch::None;
    };
    verdict(
        users
            .iter()
            .filter(|u| normalize_person_name(key(u).0) == wanted)
            .collect(),
    )
}

/// Matches an owner cell against the export's users file: by the user's RSoft ID first (an
/// owner column may hold `USR-03` rather than a name), then as [`match_owner`] does. Nutshell
/// users are never matched by id: their ids are numbers an owner cell could hold by chance.
pub fn match_rsoft_user<'a>(raw: &str, users: &'a [User]) -> OwnerMatch<&'a User> {
    let raw = raw.trim();
    let by_id: Vec<&User> = users
        .iter()
        .filter(|u| !u.id.trim().is_empty() && u.id.trim().eq_ignore_ascii_case(raw))
        .collect();
    match by_id.len() {
        0 => match_owner(raw, users, |u| (u.name.as_str(), u.email.as_str())),
        1 => OwnerMatch::Unique(by_id[0]),
        _ => OwnerMatch::Ambiguous(by_id),
    }
}

/// Splits an owner value into its name and email as the transforms read `Name <email>`
/// ([`split_name_email`], on the email transform's RFC 5322 mailbox): `Ravi Kumar
/// <ravi@acme.in>`, `"Kumar, Ravi" <ravi@acme.in>`, `ravi@acme.in`, `Ravi Kumar` (spaces
/// collapsed, an address's domain lower-cased). A cell whose address does not read is a name,
/// as written.
pub fn parse_owner(raw: &str) -> (Option<String>, Option<String>) {
    match split_name_email(raw) {
        Ok(read) => (read.name, read.email),
        Err(_) => {
            let name = raw.trim();
            ((!name.is_empty()).then(|| name.to_string()), None)
        }
    }
}

/// Is this header an owner-like column (`Owner`, `Assigned To`, `Lead Owner`, `Created By`…)?
pub fn is_owner_column(header: &str) -> bool {
    let h: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    h.contains("owner")
        || h.starts_with("assignedto")
        || h == "assignee"
        || h == "agent"
        || h.starts_with("createdby")
        || h.starts_with("modifiedby")
}

/// Counts owner values as rows stream by.
#[derive(Debug, Default)]
pub struct OwnerTally {
    counts: HashMap<String, (u64, BTreeMap<Module, u64>), FastHash>,
    /// Cells whose value was not kept because [`MAX_OWNERS`] was reached.
    pub overflow: u64,
}

impl OwnerTally {
    /// Count one owner cell of `module`; blank cells are skipped.
    pub fn add(&mut self, module: Module, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        if let Some((n, per)) = self.counts.get_mut(value) {
            *n += 1;
            *per.entry(module).or_default() += 1;
        } else if self.counts.len() < MAX_OWNERS {
            self.counts
                .insert(value.to_string(), (1, BTreeMap::from([(module, 1)])));
        } else {
            self.overflow += 1;
        }
    }

    /// Adds another file's tally (files are read in parallel, then merged in file order).
    pub fn merge(&mut self, other: OwnerTally) {
        self.overflow += other.overflow;
        for (value, (n, per)) in other.counts {
            if let Some((total, mine)) = self.counts.get_mut(&value) {
                *total += n;
                for (m, k) in per {
                    *mine.entry(m).or_default() += k;
                }
            } else if self.counts.len() < MAX_OWNERS {
                self.counts.insert(value, (n, per));
            } else {
                self.overflow += n;
            }
        }
    }

    /// Owners, most records first, then by value, each matched to the users file.
    pub fn finish(self, users: &[User]) -> Vec<Owner> {
        let mut owners: Vec<Owner> = self
            .counts
            .into_iter()
            .map(|(raw, (records, modules))| {
                let (name, email) = parse_owner(&raw);
                let mut owner = Owner {
                    raw,
                    name,
                    email,
                    records,
                    modules,
                    user: None,
                    ambiguous: Vec::new(),
                };
                owner.match_user(users);
                owner
            })
            .collect();
        owners.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.raw.cmp(&b.raw)));
        owners
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, email: &str) -> User {
        User {
            id: String::new(),
            name: name.into(),
            email: email.into(),
            status: "Active".into(),
        }
    }

    #[test]
    fn names_normalise_the_same_way() {
        for raw in [
            "Ravi Kumar",
            "  RAVI   kumar ",
            "Kumar, Ravi",
            "Ravi Kumar (Sales Manager)",
            "Kumar,Ravi [Admin]",
        ] {
            assert_eq!(normalize_person_name(raw), "ravi kumar", "{raw}");
        }
        assert_eq!(normalize_person_name("R. K. Singh"), "r k singh");
    }

    #[test]
    fn an_owner_fitting_two_users_is_ambiguous_never_picked() {
        let users = [
            user("Ravi Kumar", "ravi@acme.in"),
            user("RAVI KUMAR", "ravi.k@acme.in"),
            user("Priya Sharma", "priya@acme.in"),
        ];
        fn key(u: &User) -> (&str, &str) {
            (u.name.as_str(), u.email.as_str())
        }
        assert!(matches!(
            match_owner("Kumar, Ravi", &users, key),
            OwnerMatch::Ambiguous(v) if v.len() == 2
        ));
        assert!(matches!(
            match_owner("Ravi <RAVI@acme.in>", &users, key),
            OwnerMatch::Unique(u) if u.email == "ravi@acme.in"
        ));
        assert!(matches!(
            match_owner("Sharma, Priya (Sales)", &users, key),
            OwnerMatch::Unique(u) if u.name == "Priya Sharma"
        ));
        assert_eq!(match_owner("Nobody", &users, key), OwnerMatch::None);
    }

    #[test]
    fn owner_columns() {
        for h in [
            "Owner",
            "Lead Owner",
            "Deal Owner",
            "Assigned To",
            "Created By",
            "Contact Owner",
        ] {
            assert!(is_owner_column(h), "{h}");
        }
        for h in ["Company Name", "Email", "Stage"] {
            assert!(!is_owner_column(h), "{h}");
        }
    }
}
