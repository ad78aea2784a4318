//! Owner reconciliation (docs/design.md §1 step 4): every distinct RSoft owner on a record the map sends
//! to an owner lookup, matched to a Nutshell user — by email (case-insensitive; a name-only owner
//! through the email the export's users file gives that name), then by display name only when one
//! user has it. What does not match, or matches two users, waits in the [`OwnerQueue`] and in
//! `owners.toml` (docs/design.md §4 format) for the operator; never a silent fallback to the API user.
//! Matching is discovery's one matcher (`discovery::owners::match_owner`), so an owner matches the
//! same way in the scope report and here.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::blockers::{Blocker, BlockerKind, Files};
use super::scan::{OwnerCell, SAMPLE_IDS};
use super::schema::DestinationUser;
use crate::discovery::Report;
use crate::discovery::owners::{
    OwnerMatch, User as RsoftUser, match_owner, match_rsoft_user, normalize_person_name,
    parse_owner,
};
use crate::rsoft::Module;

/// Why owners.toml could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OwnersFileError {
    /// owners.toml exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The owners file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// owners.toml is not valid TOML or not the expected shape.
    #[error(
        "{path}: line {line}, column {column}: {message}. Fix: write one line per owner under [owners], as \"RSoft owner\" = \"nutshell.user@example.com\" (both quoted; leave \"\" to decide later)"
    )]
    Parse {
        /// The owners file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// owners.toml could not be written (atomically, through `atomic_file::write`).
    #[error("cannot write {path}: {source}. Check that the folder exists and is writable")]
    Write {
        /// The owners file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The owner key owners.toml uses: the owner's email (lower case) when the cell has one, else the
/// name as written. `Ravi Kumar <RAVI@acme.in>` and `ravi@acme.in` are one owner.
pub fn owner_key(raw: &str) -> String {
    match parse_owner(raw) {
        (_, Some(email)) => email.trim().to_lowercase(),
        (Some(name), None) => name.split_whitespace().collect::<Vec<_>>().join(" "),
        (None, None) => raw.trim().to_string(),
    }
}

/// Whether two owner keys ([`owner_key`]) are one owner: emails in any case; names as
/// discovery's matcher compares them (`normalize_person_name`: case, inner whitespace, "Surname,
/// Given", role suffixes in brackets — issue 12), so `Sharma, Priya (Sales)` and `PRIYA SHARMA`
/// are one owner, one owners.toml entry.
pub fn same_owner(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || owner_form(a) == owner_form(b)
}

/// The form [`same_owner`] compares an owner key in: an email in lower case, a name through
/// `normalize_person_name`. Taken once per key where keys are compared many times.
fn owner_form(key: &str) -> String {
    if key.contains('@') {
        key.trim().to_lowercase()
    } else {
        normalize_person_name(key)
    }
}

/// owners.toml as the operator left it: owner key → Nutshell user email (`""` = undecided).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnersFile {
    /// Owner key ([`owner_key`]) → Nutshell user email; `""` means not decided yet.
    pub entries: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shape {
    #[serde(default)]
    owners: BTreeMap<String, String>,
}

impl OwnersFile {
    /// Read `path`; a missing file is an empty one (nothing decided yet).
    /// Errors: unreadable, or not the docs/design.md §4 shape (with line and column).
    pub fn load(path: &Path) -> Result<Self, OwnersFileError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(OwnersFileError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse(&text, path)
    }

    /// Parse owners.toml text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, OwnersFileError> {
        let shape: Shape = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            OwnersFileError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let entries: BTreeMap<String, String> = shape
            .owners
            .into_iter()
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Ok(Self { entries })
    }

    /// The decided lines (spelling as written, user email) that name `key`'s owner
    /// ([`same_owner`]: two spellings of one name are one owner), in key order. An undecided
    /// line (`""`) is not among them: it decides nothing, so it contradicts nothing.
    pub fn decided_lines(&self, key: &str) -> Vec<(&str, &str)> {
        self.entries
            .iter()
            .filter(|(k, v)| !v.is_empty() && same_owner(k, key))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// The operator's user email for an owner key: what its decided lines say when they agree
    /// (emails in any case). `None` when no line decides it, and when its lines give different
    /// users ([`OwnersFile::conflict`]): which one is meant is the operator's call, never the
    /// file order's.
    pub fn value(&self, key: &str) -> Option<&str> {
        let lines = self.decided_lines(key);
        let (_, first) = *lines.first()?;
        (!disagree(&lines)).then_some(first)
    }

    /// The lines (spelling, user email) of `key`'s owner when they give it different users;
    /// `None` when they agree or nothing is decided.
    pub fn conflict(&self, key: &str) -> Option<Vec<(String, String)>> {
        let lines = self.decided_lines(key);
        disagree(&lines).then(|| owned(&lines))
    }

    /// Every owner whose lines give it different users, each with all its decided lines, in key
    /// order: the run waits on each ([`Unresolved::Conflict`]) until one user is left.
    pub fn conflicts(&self) -> Vec<Vec<(String, String)>> {
        let mut owners: Vec<(String, Vec<(&str, &str)>)> = Vec::new();
        for (k, v) in self.entries.iter().filter(|(_, v)| !v.is_empty()) {
            let form = owner_form(k);
            match owners.iter_mut().find(|(f, _)| *f == form) {
                Some((_, lines)) => lines.push((k, v)),
                None => owners.push((form, vec![(k, v)])),
            }
        }
        owners
            .into_iter()
            .filter(|(_, lines)| disagree(lines))
            .map(|(_, lines)| owned(&lines))
            .collect()
    }
}

/// Whether decided lines of one owner give it two or more users (emails in any case).
fn disagree(lines: &[(&str, &str)]) -> bool {
    lines.iter().any(|(_, u)| {
        lines
            .first()
            .is_some_and(|(_, first)| !u.eq_ignore_ascii_case(first))
    })
}

fn owned(lines: &[(&str, &str)]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// How an owner was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The owner's email (or the email the export's users file gives its name) is the user's.
    Email,
    /// The owner's display name is this user's and no other user's.
    DisplayName,
    /// The operator named the user in owners.toml.
    OwnersFile,
}

/// An owner resolved to a Nutshell user: what the journal records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerDecision {
    /// The owner key ([`owner_key`]).
    pub key: String,
    /// The cells written this way in the export.
    pub cells: Vec<String>,
    /// The Nutshell user id the records are assigned to.
    pub user_id: i64,
    /// The user's display name in Nutshell, for reports.
    pub user_name: String,
    /// How the user was found.
    pub by: MatchedBy,
    /// Records in the export with this owner.
    pub records: u64,
    /// The Nutshell user is disabled: records can still be assigned, but say so.
    pub user_disabled: bool,
}

/// Why an owner waits for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Unresolved {
    /// No user has the owner's email or name.
    NoMatch,
    /// Several users fit equally: (id, name, first email) of each.
    Ambiguous {
        /// Each candidate's Nutshell id, display name and first email.
        candidates: Vec<(i64, String, String)>,
    },
    /// The owner's name fits one Nutshell user, but RSoft's users file has several people of
    /// that name (and no email of the owner's is a Nutshell user's): the user may be another
    /// person of the name, so none is picked.
    Namesakes {
        /// The Nutshell user the name fits: id, display name and first email.
        user: (i64, String, String),
        /// The RSoft users of that name, as `Name <email>`.
        rsoft: Vec<String>,
    },
    /// Two or more lines of owners.toml name this owner (spellings of one name, e.g. `Ravi Kumar`
    /// and `Kumar, Ravi`) with different users: none is picked, least of all by file order.
    Conflict {
        /// Each decided line of the owner: (spelling as written, user email as written).
        lines: Vec<(String, String)>,
    },
    /// owners.toml names a user that does not exist.
    UnknownUser {
        /// The user email owners.toml gives, as written.
        value: String,
    },
}

/// An owner the Owners screen shows and owners.toml lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedOwner {
    /// The owner key ([`owner_key`]), also its key in owners.toml.
    pub key: String,
    /// The cells written this way in the export.
    pub cells: Vec<String>,
    /// The owner's name, when a cell gives one.
    pub name: Option<String>,
    /// The owner's email, when a cell gives one (lower case).
    pub email: Option<String>,
    /// Records in the export with this owner, across modules.
    pub records: u64,
    /// The same records per RSoft module.
    pub modules: BTreeMap<Module, u64>,
    /// A few RSoft IDs of its records.
    pub samples: Vec<String>,
    /// Why no user was chosen.
    pub why: Unresolved,
    /// The RSoft users file's status when it is not Active (`Inactive`): the person left.
    pub rsoft_status: Option<String>,
}

/// The owners waiting for the operator, most records first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OwnerQueue {
    /// Owners in order, most records first.
    pub owners: Vec<QueuedOwner>,
}

/// The outcome of matching every owner.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Owners {
    /// Owners matched to a user, one decision each.
    pub decisions: Vec<OwnerDecision>,
    /// Owners the operator must decide in owners.toml or the Owners screen.
    pub queue: OwnerQueue,
}

impl Owners {
    /// The Nutshell user id for an owner cell as written in the export.
    /// Called for every record of the load: a cell written as a decision's cell (every owner
    /// cell of the export is one) is found without normalising anything.
    pub fn user_for(&self, cell: &str) -> Option<i64> {
        if let Some(d) = self
            .decisions
            .iter()
            .find(|d| d.cells.iter().any(|c| c == cell))
        {
            return Some(d.user_id);
        }
        let wanted = owner_form(&owner_key(cell));
        self.decisions
            .iter()
            .find(|d| owner_form(&d.key) == wanted)
            .map(|d| d.user_id)
    }

    /// One blocker per queued owner, pointing at owners.toml.
    pub fn blockers(&self, files: &Files) -> Vec<Blocker> {
        self.queue
            .owners
            .iter()
            .map(|o| {
                let mut problem = match &o.why {
                    Unresolved::NoMatch => "no Nutshell user has this email or name".to_string(),
                    Unresolved::Ambiguous { candidates } => format!(
                        "fits {} Nutshell users equally ({}); none is picked",
                        candidates.len(),
                        candidates
                            .iter()
                            .map(|(_, n, e)| format!("{n} <{e}>"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Unresolved::Namesakes { user, rsoft } => namesakes_text(user, rsoft),
                    Unresolved::Conflict { lines } => conflict_text(lines),
                    Unresolved::UnknownUser { value } => {
                        format!("owners.toml says {value:?}, which is no Nutshell user's email")
                    }
                };
                match o.records {
                    0 => problem.push_str("; no record of this export has this owner"),
                    _ => {
                        let _ = write!(problem, "; owns {}", describe_records(o));
                    }
                }
                if let Some(status) = &o.rsoft_status {
                    let _ = write!(problem, "; {status} in RSoft's users file");
                }
                Blocker {
                    kind: match o.why {
                        Unresolved::NoMatch => BlockerKind::UnmatchedOwner,
                        Unresolved::Ambiguous { .. } | Unresolved::Namesakes { .. } => {
                            BlockerKind::AmbiguousOwner
                        }
                        Unresolved::UnknownUser { .. } => BlockerKind::UnknownOwnerUser,
                        Unresolved::Conflict { .. } => BlockerKind::OwnerConflict,
                    },
                    item: format!("owner {:?}", o.key),
                    problem,
                    fix: match o.why {
                        Unresolved::Conflict { .. } => "keep the one line whose user is right and delete the others (or give them all the same user)".to_string(),
                        _ => format!(
                            "set {:?} = \"<a Nutshell user's email>\" under [owners] (the admin may add the user first)",
                            o.key
                        ),
                    },
                    file: files.owners.clone(),
                }
            })
            .collect()
    }
}

/// Why a [`Unresolved::Conflict`] owner waits, in words: every line, as written.
pub fn conflict_text(lines: &[(String, String)]) -> String {
    format!(
        "owners.toml gives this one owner different users on {} lines that are spellings of one name ({}); none is picked",
        lines.len(),
        lines
            .iter()
            .map(|(k, v)| format!("{k:?} = {v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Why a [`Unresolved::Namesakes`] owner waits, in words.
pub fn namesakes_text((_, name, email): &(i64, String, String), rsoft: &[String]) -> String {
    format!(
        "the name fits Nutshell user {name} <{email}>, but RSoft's users file has {} people of that name ({}): it may be another of them, so none is picked",
        rsoft.len(),
        rsoft.join(", ")
    )
}

/// `12 records (contacts 5, deals 7), e.g. CONT-2034, DEAL-4007`.
fn describe_records(o: &QueuedOwner) -> String {
    let per: Vec<String> = o
        .modules
        .iter()
        .map(|(m, n)| format!("{} {n}", m.as_str()))
        .collect();
    let mut text = format!(
        "{} record{} ({})",
        o.records,
        if o.records == 1 { "" } else { "s" },
        per.join(", ")
    );
    if !o.samples.is_empty() {
        let _ = write!(text, ", e.g. {}", o.samples.join(", "));
    }
    text
}

/// The users of the export's users file that discovery matched to an owner, or found an owner
/// fits equally with another (each once).
pub fn rsoft_users(report: &Report) -> Vec<RsoftUser> {
    let mut users: Vec<RsoftUser> = Vec::new();
    // The users an owner fits equally are kept too: they are the namesakes that stop a name
    // from deciding (an owner `Ravi Kumar` when two RSoft users have that name).
    for u in report
        .owners
        .iter()
        .flat_map(|o| o.user.iter().chain(&o.ambiguous))
    {
        if !users.iter().any(|k| k.id == u.id && k.email == u.email) {
            users.push(u.clone());
        }
    }
    users
}

/// One owner key's cells taken together.
struct Group {
    key: String,
    /// The key's [`owner_form`], taken once.
    form: String,
    cells: Vec<String>,
    records: u64,
    modules: BTreeMap<Module, u64>,
    samples: Vec<String>,
}

fn groups(cells: &[OwnerCell]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for c in cells {
        let key = owner_key(&c.raw);
        let form = owner_form(&key);
        let at = match out.iter().position(|g| g.form == form) {
            Some(at) => at,
            None => {
                out.push(Group {
                    key,
                    form,
                    cells: Vec::new(),
                    records: 0,
                    modules: BTreeMap::new(),
                    samples: Vec::new(),
                });
                out.len() - 1
            }
        };
        let g = &mut out[at];
        g.cells.push(c.raw.clone());
        g.records += c.records;
        for (m, n) in &c.modules {
            *g.modules.entry(*m).or_default() += n;
        }
        for s in &c.samples {
            if g.samples.len() < SAMPLE_IDS {
                g.samples.push(s.clone());
            }
        }
    }
    out.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.key.cmp(&b.key)));
    out
}

/// A Nutshell user as a queued owner's reason names it: (id, display name, first email).
fn described(u: &DestinationUser) -> (i64, String, String) {
    (
        u.id,
        u.name.clone(),
        u.emails.first().cloned().unwrap_or_default(),
    )
}

/// Match `raw` against Nutshell users (one candidate per user email, so a user with two emails
/// is still one user).
fn match_users<'a>(raw: &str, users: &'a [DestinationUser]) -> OwnerMatch<&'a DestinationUser> {
    let none = String::new();
    let entries: Vec<(&DestinationUser, &str)> = users
        .iter()
        .flat_map(|u| {
            let emails: Vec<&str> = if u.emails.is_empty() {
                vec![none.as_str()]
            } else {
                u.emails.iter().map(String::as_str).collect()
            };
            emails.into_iter().map(move |e| (u, e))
        })
        .collect();
    match match_owner(raw, &entries, |(u, e)| (u.name.as_str(), *e)) {
        OwnerMatch::Unique((u, _)) => OwnerMatch::Unique(*u),
        OwnerMatch::Ambiguous(found) => {
            let mut distinct: Vec<&DestinationUser> = Vec::new();
            for (u, _) in found {
                if !distinct.iter().any(|d| d.id == u.id) {
                    distinct.push(u);
                }
            }
            match distinct.len() {
                1 => OwnerMatch::Unique(distinct[0]),
                _ => OwnerMatch::Ambiguous(distinct),
            }
        }
        OwnerMatch::None => OwnerMatch::None,
    }
}

/// Resolve every owner of `cells` (from `scan::scan`): an owners.toml value first (the operator's
/// word wins), then the owner's email, then the email the RSoft users file gives a name-only
/// owner, then a display name only one user has. `rsoft_users` (see [`rsoft_users`]) also say
/// whether an owner is inactive in RSoft.
pub fn reconcile(
    cells: &[OwnerCell],
    users: &[DestinationUser],
    file: &OwnersFile,
    rsoft: &[RsoftUser],
) -> Owners {
    let mut out = Owners::default();
    // Each RSoft user's name as owners are compared, taken once for every owner's namesakes.
    let rsoft_names: Vec<(String, &RsoftUser)> = rsoft
        .iter()
        .map(|u| (normalize_person_name(&u.name), u))
        .collect();
    let groups = groups(cells);
    // Conflicting lines about an owner no record has still wait: the file is the operator's
    // one record of decisions, kept and reused, and a later export may bring the owner back.
    let absent: Vec<Vec<(String, String)>> = file
        .conflicts()
        .into_iter()
        .filter(|lines| {
            lines.first().is_some_and(|(key, _)| {
                let form = owner_form(key);
                !groups.iter().any(|g| g.form == form)
            })
        })
        .collect();
    for g in groups {
        let raw = g.cells.first().map(String::as_str).unwrap_or(&g.key);
        let rsoft_user = match match_rsoft_user(raw, rsoft) {
            OwnerMatch::Unique(u) => Some(u),
            _ => None,
        };
        // An owner written as its RSoft user ID (`USR-03`) is that user, by name and email.
        let parsed = || match rsoft_user.filter(|u| u.id.trim().eq_ignore_ascii_case(raw.trim())) {
            Some(u) => (Some(u.name.clone()), Some(u.email.clone())),
            None => parse_owner(raw),
        };
        let decide = |u: &DestinationUser, by: MatchedBy| OwnerDecision {
            key: g.key.clone(),
            cells: g.cells.clone(),
            user_id: u.id,
            user_name: u.name.clone(),
            by,
            records: g.records,
            user_disabled: !u.enabled,
        };
        let why = if let Some(lines) = file.conflict(&g.key) {
            Unresolved::Conflict { lines }
        } else if let Some(value) = file.value(&g.key) {
            match match_users(value, users) {
                OwnerMatch::Unique(u) => {
                    out.decisions.push(decide(u, MatchedBy::OwnersFile));
                    continue;
                }
                _ => Unresolved::UnknownUser {
                    value: value.to_string(),
                },
            }
        } else {
            let (name, email) = parsed();
            let by_email = email
                .or_else(|| rsoft_user.map(|u| u.email.clone()))
                .filter(|e| !e.trim().is_empty())
                .map(|e| match_users(&e, users));
            // RSoft users of the owner's name: with two or more, a Nutshell user of that name
            // may be the other person, so the name alone decides nothing.
            let namesakes: Vec<String> = name
                .as_deref()
                .map(normalize_person_name)
                .filter(|n| !n.is_empty())
                .map(|n| {
                    rsoft_names
                        .iter()
                        .filter(|(name, _)| *name == n)
                        .map(|(_, u)| format!("{} <{}>", u.name.trim(), u.email.trim()))
                        .collect()
                })
                .unwrap_or_default();
            let ambiguous = |us: Vec<&DestinationUser>| Unresolved::Ambiguous {
                candidates: us.into_iter().map(described).collect(),
            };
            let found = match by_email {
                Some(OwnerMatch::Unique(u)) => Ok((u, MatchedBy::Email)),
                Some(OwnerMatch::Ambiguous(us)) => Err(ambiguous(us)),
                _ => match name.map(|n| match_users(&n, users)) {
                    Some(OwnerMatch::Unique(u)) if namesakes.len() > 1 => {
                        Err(Unresolved::Namesakes {
                            user: described(u),
                            rsoft: namesakes,
                        })
                    }
                    Some(OwnerMatch::Unique(u)) => Ok((u, MatchedBy::DisplayName)),
                    Some(OwnerMatch::Ambiguous(us)) => Err(ambiguous(us)),
                    _ => Err(Unresolved::NoMatch),
                },
            };
            match found {
                Ok((u, by)) => {
                    out.decisions.push(decide(u, by));
                    continue;
                }
                Err(why) => why,
            }
        };
        let (name, email) = parsed();
        out.queue.owners.push(QueuedOwner {
            key: g.key,
            cells: g.cells,
            name: name.or_else(|| rsoft_user.map(|u| u.name.clone())),
            email: email.or_else(|| rsoft_user.map(|u| u.email.clone())),
            records: g.records,
            modules: g.modules,
            samples: g.samples,
            why,
            rsoft_status: rsoft_user
                .map(|u| u.status.trim())
                .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("active"))
                .map(str::to_string),
        });
    }
    for lines in absent {
        // Named after its first line in key order: a label only, no user is taken from it.
        let key = lines.first().map(|(k, _)| k.clone()).unwrap_or_default();
        let (name, email) = parse_owner(&key);
        out.queue.owners.push(QueuedOwner {
            key,
            cells: Vec::new(),
            name,
            email,
            records: 0,
            modules: BTreeMap::new(),
            samples: Vec::new(),
            why: Unresolved::Conflict { lines },
            rsoft_status: None,
        });
    }
    out
}

/// Write owners.toml (docs/design.md §4): the operator's entries kept as they are, every queued owner
/// added with an empty value (or its unknown value kept), each queued one with its record counts
/// as a comment. Written to a temp file, then renamed, so a reader never sees half a file.
/// Comments the operator wrote are not kept.
pub fn write_owners_file(
    path: &Path,
    file: &OwnersFile,
    owners: &Owners,
) -> Result<(), OwnersFileError> {
    let mut out = String::from(
        "# RSoft owner (email, else name) = the Nutshell user's email. Fill in the empty ones,\n# then run `crm-migrate migrate` again. An owner left \"\" keeps the run blocked.\n[owners]\n",
    );
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    for o in &owners.queue.owners {
        if let Unresolved::Conflict { lines } = &o.why {
            // The operator's lines stay as written: only they know which user is right.
            let records = match o.records {
                0 => "no record of this export".to_string(),
                _ => describe_records(o),
            };
            let _ = writeln!(
                out,
                "# {records}; these {} lines are one owner with different users: keep one",
                lines.len()
            );
            for (key, value) in lines {
                let _ = writeln!(out, "{} = {}", quote(key), quote(value));
            }
            continue;
        }
        let mut comment = describe_records(o);
        if let Some(status) = &o.rsoft_status {
            let _ = write!(comment, "; {status} in RSoft");
        }
        match &o.why {
            Unresolved::NoMatch => comment.push_str("; no Nutshell user matches"),
            Unresolved::Ambiguous { candidates } => {
                let emails: Vec<&str> = candidates.iter().map(|(_, _, e)| e.as_str()).collect();
                let _ = write!(comment, "; fits several users: {}", emails.join(", "));
            }
            Unresolved::Namesakes { user, rsoft } => {
                let _ = write!(comment, "; {}", namesakes_text(user, rsoft));
            }
            Unresolved::UnknownUser { .. } => {
                comment.push_str("; this email is no Nutshell user's")
            }
            Unresolved::Conflict { .. } => {}
        }
        let value = match &o.why {
            Unresolved::UnknownUser { value } => value.as_str(),
            _ => "",
        };
        let _ = writeln!(out, "# {comment}\n{} = {}", quote(&o.key), quote(value));
    }
    let queued = |k: &str| owners.queue.owners.iter().any(|o| same_owner(&o.key, k));
    for (key, value) in file.entries.iter().filter(|(k, _)| !queued(k)) {
        let _ = writeln!(out, "{} = {}", quote(key), quote(value));
    }
    crate::atomic_file::write(path, out.as_bytes()).map_err(|source| OwnersFileError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, name: &str, emails: &[&str]) -> DestinationUser {
        DestinationUser {
            id,
            name: name.into(),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            enabled: true,
        }
    }

    fn cell(raw: &str, records: u64) -> OwnerCell {
        OwnerCell {
            raw: raw.into(),
            records,
            modules: BTreeMap::from([(Module::Deals, records)]),
            samples: vec!["DEAL-1".into()],
        }
    }

    #[test]
    fn emails_match_in_any_case_and_names_only_when_one_user_has_them() {
        let users = [
            user(1, "Priya Sharma", &["priya@acme.in"]),
            user(2, "Priya  Sharma", &["p.sharma@acme.in"]),
            // One person with two addresses is one user, not two.
            user(3, "Ravi Kumar", &["ravi@acme.in", "RAVI.K@acme.in"]),
        ];
        let cells = [
            cell("Priya Sharma", 4),
            cell("PRIYA@ACME.IN", 2),
            cell("Ravi Kumar", 3),
            cell("Kumar, Ravi <ravi.k@acme.in>", 1),
        ];
        let owners = reconcile(&cells, &users, &OwnersFile::default(), &[]);
        assert_eq!(owners.user_for("priya@acme.in"), Some(1));
        assert_eq!(owners.user_for("Ravi Kumar"), Some(3));
        assert_eq!(owners.user_for("ravi.k@acme.in"), Some(3));
        let by: Vec<(&str, MatchedBy)> = owners
            .decisions
            .iter()
            .map(|d| (d.key.as_str(), d.by))
            .collect();
        assert!(
            by.contains(&("Ravi Kumar", MatchedBy::DisplayName)),
            "{by:?}"
        );
        assert!(by.contains(&("priya@acme.in", MatchedBy::Email)), "{by:?}");
        // Two users are called Priya Sharma: never picked.
        assert!(owners.user_for("Priya Sharma").is_none());
        let q = &owners.queue.owners;
        assert_eq!(q.len(), 1, "{q:#?}");
        let Unresolved::Ambiguous { candidates } = &q[0].why else {
            panic!("{q:#?}")
        };
        let ids: Vec<i64> = candidates.iter().map(|c| c.0).collect();
        assert_eq!(ids, [1, 2]);
        let blockers = owners.blockers(&Files {
            config: "c".into(),
            mapping: "m".into(),
            owners: "owners.toml".into(),
            checklist: "k".into(),
        });
        assert_eq!(blockers[0].kind, BlockerKind::AmbiguousOwner);
        assert!(
            blockers[0].problem.contains("priya@acme.in")
                && blockers[0].problem.contains("p.sharma@acme.in"),
            "{}",
            blockers[0]
        );
    }

    #[test]
    fn cells_of_one_owner_are_one_entry_and_the_file_wins() {
        let users = [
            user(1, "Ravi Kumar", &["ravi@acme.in"]),
            user(2, "Anil", &["anil@acme.in"]),
        ];
        let cells = [
            cell("Ravi Kumar <RAVI@acme.in>", 2),
            cell("ravi@acme.in", 5),
        ];
        let file = OwnersFile::parse(
            "[owners]\n\"RAVI@ACME.IN\" = \"anil@acme.in\"\n",
            Path::new("o"),
        )
        .unwrap();
        let owners = reconcile(&cells, &users, &file, &[]);
        assert_eq!(owners.decisions.len(), 1, "{owners:#?}");
        let d = &owners.decisions[0];
        assert_eq!(
            (d.key.as_str(), d.user_id, d.by, d.records),
            ("ravi@acme.in", 2, MatchedBy::OwnersFile, 7)
        );
        assert_eq!(d.cells.len(), 2);
    }

    #[test]
    fn spellings_of_one_name_are_one_owner_and_one_entry() {
        let users = [user(1, "Priya Sharma", &["priya@acme.in"])];
        let cells = [
            cell("Sharma, Priya (Sales)", 3),
            cell("PRIYA SHARMA", 2),
            cell("Priya  Sharma", 1),
        ];
        let none = OwnersFile::default();
        let owners = reconcile(&cells, &users, &none, &[]);
        assert_eq!(owners.decisions.len(), 1, "{owners:#?}");
        assert_eq!(
            (owners.decisions[0].records, owners.decisions[0].cells.len()),
            (6, 3)
        );
        // Undecided (no user of that name): one queued owner, one owners.toml line.
        let owners = reconcile(&cells, &[], &none, &[]);
        assert_eq!(owners.queue.owners.len(), 1, "{owners:#?}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("owners.toml");
        write_owners_file(&path, &none, &owners).unwrap();
        assert_eq!(OwnersFile::load(&path).unwrap().entries.len(), 1);
        // The operator's entry under any spelling decides every spelling.
        let file =
            OwnersFile::parse("[owners]\n\"priya sharma\" = \"priya@acme.in\"\n", &path).unwrap();
        let owners = reconcile(&cells, &users, &file, &[]);
        assert_eq!(owners.decisions.len(), 1, "{owners:#?}");
        assert_eq!(owners.decisions[0].by, MatchedBy::OwnersFile);
        assert_eq!(owners.user_for("Sharma, Priya (Sales)"), Some(1));
        assert_eq!(owners.user_for("priya sharma"), Some(1));
        // A different person is not folded in.
        assert!(!same_owner("Priya Sharma", "Priya Shah"));
        // Two spellings given two different users: read, but the owner waits (never the
        // first line's user), and its blocker names both lines. The same user twice, or an
        // undecided spelling beside a decided one (whichever sorts first), is no conflict.
        let two = OwnersFile::parse(
            "[owners]\n\"PRIYA SHARMA\" = \"priya@acme.in\"\n\"Sharma, Priya (Sales)\" = \"p.sharma@acme.in\"\n",
            &path,
        )
        .unwrap();
        assert_eq!(two.value("Priya Sharma"), None);
        assert_eq!(two.conflicts().len(), 1, "{two:?}");
        let users = [
            user(1, "Priya Sharma", &["priya@acme.in"]),
            user(2, "P. Sharma", &["p.sharma@acme.in"]),
        ];
        let owners = reconcile(&cells, &users, &two, &[]);
        assert!(owners.decisions.is_empty(), "{owners:#?}");
        assert_eq!(owners.queue.owners.len(), 1, "{owners:#?}");
        assert!(matches!(
            &owners.queue.owners[0].why,
            Unresolved::Conflict { lines } if lines.len() == 2
        ));
        let blockers = owners.blockers(&Files {
            config: "c".into(),
            mapping: "m".into(),
            owners: "owners.toml".into(),
            checklist: "k".into(),
        });
        assert_eq!(blockers.len(), 1, "{blockers:#?}");
        let b = &blockers[0];
        assert_eq!(b.kind, BlockerKind::OwnerConflict);
        assert!(
            b.problem.contains("\"PRIYA SHARMA\" = \"priya@acme.in\"")
                && b.problem
                    .contains("\"Sharma, Priya (Sales)\" = \"p.sharma@acme.in\"")
                && b.problem.contains("6 records")
                && b.fix.contains("delete the others"),
            "{b}"
        );
        // Rewritten (another owner waits), both lines stay as the operator wrote them.
        write_owners_file(&path, &two, &owners).unwrap();
        assert_eq!(OwnersFile::load(&path).unwrap(), two);
        for (fine, user) in [
            (
                "[owners]\n\"PRIYA SHARMA\" = \"priya@acme.in\"\n\"priya sharma\" = \"PRIYA@acme.in\"\n",
                "priya@acme.in",
            ),
            (
                "[owners]\n\"PRIYA SHARMA\" = \"priya@acme.in\"\n\"priya sharma\" = \"\"\n",
                "priya@acme.in",
            ),
            (
                "[owners]\n\"Sharma, Priya\" = \"\"\n\"priya sharma\" = \"p.sharma@acme.in\"\n",
                "p.sharma@acme.in",
            ),
        ] {
            let file = OwnersFile::parse(fine, &path).unwrap();
            assert!(file.conflicts().is_empty(), "{fine}");
            assert_eq!(file.value("Priya Sharma"), Some(user), "{fine}");
        }
    }

    #[test]
    fn a_name_two_rsoft_users_share_is_not_matched_by_name() {
        let users = [user(1, "Priya Sharma", &["priya.sharma@acme.in"])];
        let rsoft_user = |id: &str, email: &str| RsoftUser {
            id: id.into(),
            name: "Priya Sharma".into(),
            email: email.into(),
            status: "Active".into(),
        };
        let rsoft = [
            rsoft_user("USR-02", "priya.sharma@acme.in"),
            rsoft_user("USR-03", "priya@acme.in"),
        ];
        let cells = [
            cell("Priya Sharma <priya@acme.in>", 2),
            cell("PRIYA SHARMA", 3),
            cell("Priya Sharma <PRIYA.SHARMA@acme.in>", 1),
        ];
        let owners = reconcile(&cells, &users, &OwnersFile::default(), &rsoft);
        // Only the cell whose email is the Nutshell user's is decided.
        assert_eq!(owners.decisions.len(), 1, "{owners:#?}");
        assert_eq!(owners.decisions[0].by, MatchedBy::Email);
        assert_eq!(owners.queue.owners.len(), 2, "{owners:#?}");
        for o in &owners.queue.owners {
            let Unresolved::Namesakes { user, rsoft } = &o.why else {
                panic!("{o:#?}");
            };
            assert_eq!((user.0, rsoft.len()), (1, 2));
        }
        let blockers = owners.blockers(&Files {
            config: "c".into(),
            mapping: "m".into(),
            owners: "owners.toml".into(),
            checklist: "k".into(),
        });
        assert!(
            blockers
                .iter()
                .all(|b| b.kind == BlockerKind::AmbiguousOwner
                    && b.problem.contains("2 people of that name")),
            "{blockers:#?}"
        );
        // One RSoft user of the name: the name decides, as before.
        let owners = reconcile(&cells[1..2], &users, &OwnersFile::default(), &rsoft[..1]);
        assert_eq!(owners.decisions[0].by, MatchedBy::Email, "{owners:#?}");
    }

    /// From discovery to reconciliation (trial 9): an owner written only as a name two RSoft
    /// users share stops the name deciding, though no owner cell names either by email; an
    /// owner written as an RSoft user ID is that user.
    #[test]
    fn discovery_gives_namesakes_and_user_ids_to_reconciliation() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Users.csv"),
            "User ID,Name,Email,Role,Status\nUSR-02,Priya Sharma,priya.sharma@acme.in,Sales,Active\n\
             USR-03,Priya Sharma,priya@acme.in,Sales,Active\nUSR-04,Ravi Kumar,ravi.k@acme.in,Sales,Active\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("Deals.csv"),
            "Deal ID,Deal Name,Deal Owner\nDEAL-1,Pumps,PRIYA SHARMA\nDEAL-2,Valves,usr-04\n",
        )
        .unwrap();
        let report = crate::discovery::discover_path(dir.path()).unwrap();
        let rsoft = rsoft_users(&report);
        let ids: Vec<&str> = rsoft.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["USR-02", "USR-03", "USR-04"], "{:#?}", report.owners);
        let users = [
            user(1, "Priya Sharma", &["priya.sharma@acme.in"]),
            user(2, "R. Kumar", &["ravi.k@acme.in"]),
        ];
        let cells = [cell("PRIYA SHARMA", 1), cell("usr-04", 1)];
        let owners = reconcile(&cells, &users, &OwnersFile::default(), &rsoft);
        assert_eq!(owners.user_for("usr-04"), Some(2), "{owners:#?}");
        assert_eq!(owners.user_for("PRIYA SHARMA"), None, "{owners:#?}");
        let q = &owners.queue.owners;
        assert!(
            matches!(&q[..], [o] if matches!(&o.why, Unresolved::Namesakes { rsoft, .. } if rsoft.len() == 2)),
            "{q:#?}"
        );
    }

    #[test]
    fn written_files_read_back_and_keep_the_operators_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("owners.toml");
        let users = [user(1, "Ravi Kumar", &["ravi@acme.in"])];
        let cells = [cell("Asha \"AJ\" Rao", 2), cell("Old Owner", 1)];
        let file = OwnersFile::parse("[owners]\n\"Gone\" = \"ravi@acme.in\"\n", &path).unwrap();
        let owners = reconcile(&cells, &users, &file, &[]);
        write_owners_file(&path, &file, &owners).unwrap();
        let back = OwnersFile::load(&path).unwrap();
        assert_eq!(back.entries.len(), 3, "{back:?}");
        assert_eq!(back.entries["Asha \"AJ\" Rao"], "");
        assert_eq!(back.entries["Gone"], "ravi@acme.in");
    }
}
