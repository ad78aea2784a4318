//! Integrity before the load: what the load would hold or merge, found in discovery before any
//! record moves. References that resolve to nothing (by RSoft id, or by company name with the
//! nearest company suggested), probable duplicate companies, contacts sharing an email, and
//! records whose Company ID and Company Name name two different companies.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::cells::{id_text, is_placeholder};
use crate::mapping::transform::normalize_email;
use crate::rsoft::Module;
use crate::rsoft::company::{
    Backing, LegalForm, backing_of, company_key, company_name, match_keys,
};
use crate::rsoft::hashing::{FastHash, hash};
use crate::rsoft::profile::split_values;

/// One file's rows as integrity needs them. Its texts (ids, names, references, emails) sit end
/// to end in one buffer, so a million-row export costs the bytes of its ids, not an allocation
/// per value; files are merged by moving their tallies, never by copying texts.
#[derive(Debug, Default)]
struct FileTally {
    /// The file's path inside the export.
    path: String,
    texts: String,
    /// Record ids, when the module holds records, as 64-bit hashes ([`hash`]): taken on the
    /// reading threads, and the check after the read compares integers. Two different ids
    /// share a hash with odds of about 1 in 10^7 even for a million-record export; then a
    /// reference to the missing one would read as resolved. The load itself matches exactly.
    ids: Vec<u64>,
    /// The first line of each id of the file (by [`hash`]), while the file is read: a later row
    /// with the same id is a repeat. Emptied when the file is read.
    first_lines: HashMap<u64, u64, FastHash>,
    /// Rows repeating the id of an earlier row of the file: (the id, its line, the first line).
    repeated_ids: Vec<(Text, u64, u64)>,
    companies: Vec<CompanyRow>,
    references: Vec<Reference>,
    /// The Company Name written beside a Company ID, by index into `references` (rows that
    /// give both): checked against the company the ID names.
    names_beside_ids: Vec<(usize, Text)>,
    contact_emails: Vec<ContactEmail>,
    /// Record ids of digits with leading zeros (`0042`), which a spreadsheet turns into `42`
    /// in a reference to them: the nearest match of such a reference.
    zero_led_ids: Vec<Text>,
}

/// Where one text is in its file's buffer: 32-bit offsets, since a file's tally starts a new
/// buffer before one passes [`TEXTS_PER_TALLY`] bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Text {
    start: u32,
    len: u32,
}

/// Bytes of text one [`FileTally`] holds before the file goes on in a new one, so 32-bit
/// offsets always reach (a row's texts are far shorter than the 2 GiB left).
const TEXTS_PER_TALLY: usize = 1 << 31;

impl FileTally {
    fn push(&mut self, s: &str) -> Text {
        let start = self.texts.len();
        self.texts.push_str(s);
        // Both fit: `add` opens a new tally past TEXTS_PER_TALLY (see there).
        let fit = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Text {
            start: fit(start),
            len: fit(s.len()),
        }
    }

    /// [`Self::push`] of `s` in lower case, lowered in place when ASCII (no allocation).
    fn push_lowercase(&mut self, s: &str) -> Text {
        if !s.is_ascii() {
            return self.push(&s.to_lowercase());
        }
        let text = self.push(s);
        if let Some(pushed) = self.texts.get_mut(text.start as usize..) {
            pushed.make_ascii_lowercase();
        }
        text
    }

    /// Spans are made by `push` on this buffer, so they always fall on character boundaries;
    /// an empty text is the safe answer if one ever did not.
    fn get(&self, t: Text) -> &str {
        let start = t.start as usize;
        self.texts.get(start..start + t.len as usize).unwrap_or("")
    }

    /// Reference `r` of a `module` row of this file, as a finding.
    fn unresolved(&self, module: Module, r: &Reference, nearest: Option<String>) -> Unresolved {
        Unresolved {
            module,
            record: self.get(r.record).to_string(),
            file: self.path.clone(),
            line: r.line,
            refers_to: r.to,
            value: self.get(r.key).to_string(),
            by: if r.by_name { "name" } else { "id" }.into(),
            nearest,
            set_aside: None,
        }
    }

    fn shrink(&mut self) {
        self.texts.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.first_lines = HashMap::default();
        self.repeated_ids.shrink_to_fit();
        self.companies.shrink_to_fit();
        self.references.shrink_to_fit();
        self.names_beside_ids.shrink_to_fit();
        self.contact_emails.shrink_to_fit();
        self.zero_led_ids.shrink_to_fit();
    }

    fn record(&self, id: Text, name: Option<Text>, line: u64) -> RecordRef {
        RecordRef {
            id: self.get(id).to_string(),
            name: name.map_or_else(String::new, |n| self.get(n).to_string()),
            file: self.path.clone(),
            line,
        }
    }
}

/// One company row, as integrity needs it.
#[derive(Debug, Clone, Copy)]
struct CompanyRow {
    id: Text,
    name: Text,
    /// The name through [`company_key`], taken on the reading thread.
    normalized: Text,
    /// The legal form its name says, read with `normalized`.
    form: Option<LegalForm>,
    line: u64,
    /// Its [`match_keys`], one after another, each ending in a new line.
    match_keys: Text,
}

/// A reference from one record to another, as integrity needs it.
#[derive(Debug, Clone, Copy)]
struct Reference {
    record: Text,
    line: u64,
    /// The module referred to.
    to: Module,
    /// By id (`COMP-1009`) or, when `by_name`, by company name.
    key: Text,
    /// [`hash`] of `key`, compared with the hashes of the ids.
    key_hash: u64,
    by_name: bool,
}

/// A contact's email address (lower case), for finding contacts that share one.
#[derive(Debug, Clone, Copy)]
struct ContactEmail {
    email: Text,
    contact: Text,
    line: u64,
}

/// A company of any file, with its file and its name normalised for comparison.
struct Company<'t> {
    file: &'t FileTally,
    row: &'t CompanyRow,
    normalized: &'t str,
}

impl<'t> Company<'t> {
    /// The row's [`match_keys`].
    fn match_keys(&self) -> impl Iterator<Item = &'t str> {
        self.file.get(self.row.match_keys).lines()
    }
}

/// Rows of each file, gathered on the stream and merged after.
#[derive(Debug, Default)]
pub struct IntegrityTally {
    /// Per file and module, in the order rows were added.
    files: Vec<(Module, FileTally)>,
    /// Rows set aside as bad whose own id could still be read, by module and [`hash`] of the
    /// id: a reference to one is not "not in the export".
    set_aside: Vec<(Module, u64, SetAside)>,
}

/// Fields of a row this tally reads, by standard column name.
pub trait RowFields {
    /// The row's value of a standard column, blank when the file lacks it.
    fn get(&self, canonical: &str) -> &str;

    /// The row's own RSoft ID (its module's id column in the export's vocabulary), blank when
    /// the file lacks it.
    fn own_id(&self) -> &str;
}

impl IntegrityTally {
    /// Adds one row of `module`, on `line` of `file`.
    pub fn add(&mut self, module: Module, file: &str, line: u64, row: &impl RowFields) {
        let same = |(m, f): &(Module, FileTally)| {
            *m == module && f.path == file && f.texts.len() < TEXTS_PER_TALLY
        };
        if !self.files.last().is_some_and(same) {
            let path = file.to_string();
            self.files.push((
                module,
                FileTally {
                    path,
                    ..FileTally::default()
                },
            ));
        }
        let Some((_, tally)) = self.files.last_mut() else {
            return;
        };
        // Ids are compared as the load compares them: without characters no one sees.
        let own_key = id_text(row.own_id());
        let own_key = own_key.as_ref();
        if !own_key.is_empty() && module.holds_records() {
            let h = hash(own_key.as_bytes());
            tally.ids.push(h);
            // As the load keys records: a second row with an id is never a second record.
            let first = *tally.first_lines.entry(h).or_insert(line);
            if first != line {
                let id = tally.push(own_key);
                tally.repeated_ids.push((id, line, first));
            }
        }
        // The row's id goes into the buffer only when a finding could name the row: most rows
        // of most modules refer to nothing.
        let mut own: Option<Text> = None;
        let mut record = |tally: &mut FileTally| *own.get_or_insert_with(|| tally.push(own_key));
        if own_key.len() > 1
            && own_key.starts_with('0')
            && module.holds_records()
            && own_key.bytes().all(|b| b.is_ascii_digit())
        {
            let id = record(tally);
            tally.zero_led_ids.push(id);
        }
        // A blank or a placeholder (`N/A`) names no record, as the load reads it; whether a
        // reference was taken is the answer.
        let mut refer = |tally: &mut FileTally, to: Module, key: &str, by_name: bool| {
            let key = if by_name {
                Cow::Borrowed(key.trim())
            } else {
                id_text(key)
            };
            if key.is_empty() || is_placeholder(&key) {
                return false;
            }
            let key_hash = hash(key.as_bytes());
            let record = record(tally);
            let key = tally.push(&key);
            tally.references.push(Reference {
                record,
                line,
                to,
                key,
                key_hash,
                by_name,
            });
            true
        };
        match module {
            Module::Companies => {
                let record = record(tally);
                let name_text = row.get("Company Name").trim();
                let name = tally.push(name_text);
                let read = company_name(name_text);
                let normalized = tally.push(&read.key);
                let keys = match_keys(
                    &read.key,
                    [row.get("Website")],
                    [row.get("Phone")],
                    [row.get("Email")],
                );
                let mut joined = String::new();
                for k in keys {
                    joined.push_str(&k);
                    joined.push('\n');
                }
                let match_keys = tally.push(&joined);
                tally.companies.push(CompanyRow {
                    id: record,
                    name,
                    normalized,
                    form: read.form,
                    line,
                    match_keys,
                });
            }
            Module::Contacts | Module::Deals | Module::Leads => {
                let company_name = row.get("Company Name").trim();
                // The load links by the id, else by the name.
                if !refer(tally, Module::Companies, row.get("Company ID"), false) {
                    refer(tally, Module::Companies, company_name, true);
                } else if !company_name.is_empty() && !is_placeholder(company_name) {
                    let name = tally.push(company_name);
                    let reference = tally.references.len().saturating_sub(1);
                    tally.names_beside_ids.push((reference, name));
                }
                if module == Module::Deals {
                    refer(tally, Module::Contacts, row.get("Contact ID"), false);
                } else if module == Module::Contacts {
                    // Addresses as the load reads them: `Ravi <ravi@acme.in>` is `ravi@acme.in`
                    // (a bad one is the row's problem in the load, and identifies no one).
                    for address in
                        split_values(row.get("Email")).filter_map(|e| normalize_email(e).ok())
                    {
                        let contact = record(tally);
                        let email = tally.push_lowercase(&address);
                        tally.contact_emails.push(ContactEmail {
                            email,
                            contact,
                            line,
                        });
                    }
                }
            }
            Module::Activities => {
                if let Some(to) = Module::from_name(row.get("Related To").trim()) {
                    refer(tally, to, row.get("Related ID"), false);
                }
            }
            _ => {}
        }
    }

    /// Frees what the growing vectors reserved beyond their rows: called when a file is read,
    /// since its tally is kept until the end of discovery.
    pub fn shrink(&mut self) {
        for (_, f) in &mut self.files {
            f.shrink();
        }
    }

    /// Adds another file's tally.
    pub fn merge(&mut self, other: IntegrityTally) {
        self.files.extend(other.files);
        self.set_aside.extend(other.set_aside);
    }

    /// A `module` row with RSoft id `id` on `line` of `file` was set aside as a bad row for
    /// `reason`: a reference to `id` names it, not a record missing from the export.
    pub fn set_aside(&mut self, module: Module, file: &str, line: u64, id: &str, reason: &str) {
        let id = id_text(id);
        if !id.is_empty() && module.holds_records() {
            self.set_aside.push((
                module,
                hash(id.as_bytes()),
                SetAside {
                    file: file.to_string(),
                    line,
                    reason: reason.to_string(),
                },
            ));
        }
    }

    /// The findings. References are checked only against modules the export has. Duplicate
    /// companies on one thread, references then shared emails on another (the two halves take
    /// about as long): this runs after every file is read, alone.
    pub fn finish(self) -> Integrity {
        let companies: Vec<Company> = self
            .files
            .iter()
            .flat_map(|(_, f)| {
                f.companies.iter().map(move |row| Company {
                    file: f,
                    row,
                    normalized: f.get(row.normalized),
                })
            })
            .collect();
        let (
            (unresolved, into_missing_modules, other_legal_forms),
            shared_emails,
            (duplicate_companies, mut shared_names),
        ) = std::thread::scope(|scope| {
            let grouped = scope.spawn(|| duplicate_groups(&companies));
            let unresolved = self.unresolved(&companies);
            let shared_emails = self.shared_emails();
            match grouped.join() {
                Ok(grouped) => (unresolved, shared_emails, grouped),
                // A panic there is a bug here: raise it as the panic it was.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        self.count_named(&mut shared_names);
        let name_mismatches = self.name_mismatches(&companies);
        let repeated_ids = self
            .files
            .iter()
            .flat_map(|(module, f)| {
                f.repeated_ids
                    .iter()
                    .map(|(id, line, first_line)| RepeatedId {
                        module: *module,
                        id: f.get(*id).to_string(),
                        file: f.path.clone(),
                        line: *line,
                        first_line: *first_line,
                    })
            })
            .collect();
        Integrity {
            repeated_ids,
            unresolved,
            into_missing_modules,
            duplicate_companies,
            shared_emails,
            shared_names,
            name_mismatches,
            other_legal_forms,
        }
    }

    /// Rows whose Company Name is not the name of the company their Company ID names (once
    /// both go through [`company_key`], so `Acme Pvt Ltd` beside `ACME PRIVATE LIMITED` is the
    /// same name): counted, with the first [`SHARED_LISTED`]. The load links by the ID, so the
    /// name is silently the wrong one on one side or the other; discovery says which rows.
    fn name_mismatches(&self, companies: &[Company]) -> NameMismatches {
        let mut out = NameMismatches::default();
        if self
            .files
            .iter()
            .all(|(_, f)| f.names_beside_ids.is_empty())
        {
            return out;
        }
        // The first company of each id, as the load links the first it loaded.
        let mut by_id: HashMap<u64, &Company, FastHash> =
            HashMap::with_capacity_and_hasher(companies.len(), FastHash::default());
        for c in companies {
            by_id
                .entry(hash(c.file.get(c.row.id).as_bytes()))
                .or_insert(c);
        }
        for (module, f) in &self.files {
            for (reference, name) in &f.names_beside_ids {
                let Some(r) = f.references.get(*reference) else {
                    continue;
                };
                let Some(company) = by_id.get(&r.key_hash) else {
                    continue;
                };
                let written = f.get(*name);
                // Most rows copy the company's name exactly: no normalising for them. The same
                // name in another legal form (`Acme LLP` for `Acme Pvt Ltd`) is another firm.
                let own = company.file.get(company.row.name);
                if written == own || {
                    let read = company_name(written);
                    read.key == company.normalized
                        && !LegalForm::differ(read.form, company.row.form)
                } {
                    continue;
                }
                out.count += 1;
                if out.first.len() < SHARED_LISTED {
                    out.first.push(NameMismatch {
                        module: *module,
                        record: f.get(r.record).to_string(),
                        file: f.path.clone(),
                        line: r.line,
                        company_id: f.get(r.key).to_string(),
                        company_name: company.file.get(company.row.name).to_string(),
                        written: written.to_string(),
                    });
                }
            }
        }
        out
    }

    /// Counts the references by name to each name of `shared` (each fits several companies),
    /// keeping the first few: one entry per name, as [`MissingModule`] is per module pair, since
    /// a generated or neglected export can have a hundred thousand of them.
    fn count_named(&self, shared: &mut [SharedName]) {
        if shared.is_empty() {
            return;
        }
        let by_key: HashMap<String, usize, FastHash> = shared
            .iter()
            .enumerate()
            .map(|(i, n)| (n.normalized_name.clone(), i))
            .collect();
        for (module, f) in &self.files {
            for r in f.references.iter().filter(|r| r.by_name) {
                let Some(name) = by_key.get(company_key(f.get(r.key)).as_str()) else {
                    continue;
                };
                let Some(entry) = shared.get_mut(*name) else {
                    continue;
                };
                entry.references += 1;
                if entry.first_references.len() < 3 {
                    entry.first_references.push(f.unresolved(*module, r, None));
                }
            }
        }
    }

    /// References that resolve to nothing: by id against every record id of the module, by
    /// name against `companies`' normalised names ([`company_key`], the key the load looks a
    /// company up by). References into a module the export has no records of are counted
    /// apart, per referring and referred module ([`MissingModule`]).
    fn unresolved(
        &self,
        companies: &[Company],
    ) -> (Vec<Unresolved>, Vec<MissingModule>, NameMismatches) {
        // The first company of each key, gathered once when the first by-name reference needs
        // them: a by-name reference is a lookup, not a scan.
        let mut keys: Option<HashMap<&str, &Company, FastHash>> = None;
        let mut other_forms = NameMismatches::default();
        // Per module (by its place in the enum, looked up once per reference), the ids of its
        // records, `None` for a module the export has no file of. Sized before filling:
        // growing a set of a million ids holds two tables at once.
        let mut counts = [None::<usize>; Module::ALL.len()];
        for (m, f) in &self.files {
            if let Some(n) = counts.get_mut(*m as usize) {
                *n = Some(n.unwrap_or(0) + f.ids.len());
            }
        }
        let mut ids: [Option<HashSet<u64, FastHash>>; Module::ALL.len()] =
            counts.map(|n| n.map(|n| HashSet::with_capacity_and_hasher(n, FastHash::default())));
        for (m, f) in &self.files {
            if let Some(Some(set)) = ids.get_mut(*m as usize) {
                set.extend(f.ids.iter().copied());
            }
        }
        // Per module and number, the one id of digits with leading zeros that is that number
        // (`None` when two are: `042` and `0042`), gathered when the first reference of digits
        // resolves to nothing.
        let mut zero_led: Option<HashMap<(Module, u64), Option<&str>, FastHash>> = None;
        let mut unresolved = Vec::new();
        let mut missing: BTreeMap<(Module, Module), MissingModule> = BTreeMap::new();
        for (module, f) in &self.files {
            for r in &f.references {
                let key = f.get(r.key);
                if r.by_name && *module == Module::Leads {
                    // A lead's company name makes an account when none has the name, so it
                    // never resolves to nothing; it may still name another legal entity.
                    self.other_form(companies, &mut keys, (*module, f, r), &mut other_forms);
                    continue;
                }
                let Some(Some(known)) = ids.get(r.to as usize) else {
                    missing
                        .entry((*module, r.to))
                        .or_insert_with(|| MissingModule {
                            module: *module,
                            refers_to: r.to,
                            references: 0,
                            first: f.unresolved(*module, r, None),
                        })
                        .references += 1;
                    continue;
                };
                let nearest = if r.by_name {
                    // Resolves as the load resolves it: to the company of the same normalised
                    // name (`Patil Steel Limited` → `Patil Steel Ltd.`).
                    if companies.is_empty()
                        || self.other_form(companies, &mut keys, (*module, f, r), &mut other_forms)
                    {
                        continue;
                    }
                    nearest_company(companies, &company_key(key))
                } else {
                    // The module is present (checked above): an id it lacks resolves nowhere.
                    if known.contains(&r.key_hash) {
                        continue;
                    }
                    self.zero_led_id(&mut zero_led, r.to, key)
                        .map(|id| format!("{id}: a spreadsheet may have dropped the leading zeros"))
                };
                let mut u = f.unresolved(*module, r, nearest);
                if !r.by_name {
                    u.set_aside = self
                        .set_aside
                        .iter()
                        .find(|(m, h, _)| *m == r.to && *h == r.key_hash)
                        .map(|(_, _, row)| row.clone());
                }
                unresolved.push(u);
            }
        }
        (unresolved, missing.into_values().collect(), other_forms)
    }

    /// The id of a `to` record that is the number `key` with the leading zeros a spreadsheet
    /// drops (`0042` for `42`), when exactly one is. Only references of digits are read so:
    /// a spreadsheet reads a cell as a number only when all of it is one, so `C-0042` keeps
    /// its zeros. `ids` is filled on the first call.
    fn zero_led_id<'s>(
        &'s self,
        ids: &mut Option<HashMap<(Module, u64), Option<&'s str>, FastHash>>,
        to: Module,
        key: &str,
    ) -> Option<&'s str> {
        if key.is_empty()
            || without_leading_zeros(key) != key
            || !key.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let ids = ids.get_or_insert_with(|| {
            let mut by_number: HashMap<(Module, u64), Option<&str>, FastHash> = HashMap::default();
            for (m, f) in &self.files {
                for id in f.zero_led_ids.iter().map(|t| f.get(*t)) {
                    let number = hash(without_leading_zeros(id).as_bytes());
                    by_number
                        .entry((*m, number))
                        .and_modify(|one| {
                            if *one != Some(id) {
                                *one = None;
                            }
                        })
                        .or_insert(Some(id));
                }
            }
            by_number
        });
        ids.get(&(to, hash(key.as_bytes())))
            .copied()
            .flatten()
            .filter(|id| without_leading_zeros(id) == key)
    }

    /// Whether by-name reference `r` (of `module`'s file `f`) resolves to a company; when it
    /// does, but the company's own name gives another legal form (`Acme LLP` resolving to
    /// `Acme Pvt Ltd`), the reference is counted in `out`, listed among the first
    /// [`SHARED_LISTED`]: the load links it by the name, to what may be another firm.
    fn other_form<'c>(
        &self,
        companies: &'c [Company],
        keys: &mut Option<HashMap<&'c str, &'c Company<'c>, FastHash>>,
        (module, f, r): (Module, &FileTally, &Reference),
        out: &mut NameMismatches,
    ) -> bool {
        let keys = keys.get_or_insert_with(|| {
            let mut first = HashMap::with_capacity_and_hasher(companies.len(), FastHash::default());
            for c in companies {
                first.entry(c.normalized).or_insert(c);
            }
            first
        });
        let written = f.get(r.key);
        let read = company_name(written);
        let Some(company) = keys.get(read.key.as_str()) else {
            return false;
        };
        let own = company.file.get(company.row.name);
        if LegalForm::differ(read.form, company.row.form) {
            out.count += 1;
            if out.first.len() < SHARED_LISTED {
                out.first.push(NameMismatch {
                    module,
                    record: f.get(r.record).to_string(),
                    file: f.path.clone(),
                    line: r.line,
                    company_id: company.file.get(company.row.id).to_string(),
                    company_name: own.to_string(),
                    written: written.to_string(),
                });
            }
        }
        true
    }

    /// Contacts sharing an email address (any case), by address. Rows are grouped by a hash of
    /// the address first (an integer sort), and only rows whose hash repeats are compared as text.
    fn shared_emails(&self) -> Vec<SharedEmail> {
        let mut rows: Vec<(u64, &FileTally, &ContactEmail)> = self
            .files
            .iter()
            .flat_map(|(_, f)| {
                f.contact_emails
                    .iter()
                    .map(move |e| (hash(f.get(e.email).as_bytes()), f, e))
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        /// Address, contact, file, line: the order contacts are listed in.
        fn key<'t>(
            (_, f, e): &(u64, &'t FileTally, &'t ContactEmail),
        ) -> (&'t str, &'t str, &'t str, u64) {
            (f.get(e.email), f.get(e.contact), f.path.as_str(), e.line)
        }
        let mut out: Vec<SharedEmail> = Vec::new();
        for same_hash in rows.chunk_by_mut(|a, b| a.0 == b.0) {
            if same_hash.len() < 2 {
                continue;
            }
            same_hash.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
            for chunk in same_hash.chunk_by(|a, b| key(a).0 == key(b).0) {
                let mut contacts: Vec<RecordRef> = chunk
                    .iter()
                    .map(|(_, f, e)| f.record(e.contact, None, e.line))
                    .collect();
                contacts.dedup_by(|a, b| a.id == b.id);
                if let (true, Some(first)) = (contacts.len() > 1, chunk.first()) {
                    out.push(SharedEmail {
                        email: key(first).0.to_string(),
                        contacts,
                    });
                }
            }
        }
        out.sort_unstable_by(|a, b| a.email.cmp(&b.email));
        out
    }
}

/// `id` as a number reads it: `0042` is `42`, `000` is `0`.
fn without_leading_zeros(id: &str) -> &str {
    match id.trim_start_matches('0') {
        "" => id.get(id.len().saturating_sub(1)..).unwrap_or(id),
        number => number,
    }
}

/// The company whose normalised name is closest to `wanted` (a [`company_key`] no company
/// has: one that has it is the load's pick, and the reference resolves), by Jaro–Winkler ≥
/// 0.85, as `Name (ID)`; the first in file order on a tie.
fn nearest_company(companies: &[Company], wanted: &str) -> Option<String> {
    companies
        .iter()
        .map(|c| (strsim::jaro_winkler(c.normalized, wanted), c))
        .filter(|(score, _)| *score >= 0.85)
        .reduce(|best, next| if next.0 > best.0 { next } else { best })
        .map(|(_, c)| format!("{} ({})", c.file.get(c.row.name), c.file.get(c.row.id)))
}

/// Groups companies of the same normalised name that a website domain, phone or email domain
/// backs — they share a [`match_keys`] key, the rule the load merges by; a same-name pair with
/// nothing in common is not grouped (two firms can share a name).
fn duplicate_groups(companies: &[Company]) -> (Vec<DuplicateGroup>, Vec<SharedName>) {
    // Rows of one name are found by sorting hashes of the names (an integer sort); texts are
    // compared only within an equal hash. Ties keep file order (the index is the second key).
    let mut rows: Vec<(u64, usize)> = companies
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.normalized.is_empty())
        .map(|(i, c)| (hash(c.normalized.as_bytes()), i))
        .collect();
    rows.sort_unstable();
    let mut groups = Vec::new();
    let mut shared = Vec::new();
    for same_hash in rows.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        let mut members: Vec<&Company> = same_hash
            .iter()
            .filter_map(|(_, i)| companies.get(*i))
            .collect();
        // Stable: two names sharing a hash are told apart, each keeping file order.
        let first = members.first().map(|c| c.normalized);
        if members.iter().any(|c| Some(c.normalized) != first) {
            members.sort_by_key(|c| c.normalized);
        }
        for rows in members.chunk_by(|a, b| a.normalized == b.normalized) {
            groups.extend(backed_group(rows));
            shared.extend(shared_name(rows));
        }
    }
    groups.sort_unstable_by(|a, b| a.normalized_name.cmp(&b.normalized_name));
    shared.sort_unstable_by(|a, b| a.normalized_name.cmp(&b.normalized_name));
    (groups, shared)
}

/// The rows of one normalised name when they are more than one firm: rows joined by a shared
/// match key (directly or through another row) are one firm, as the load merges them.
fn shared_name(rows: &[&Company]) -> Option<SharedName> {
    let first = rows.first()?;
    // Union-find over rows: each key joins the row to the first row that carried it.
    let mut firm: Vec<usize> = (0..rows.len()).collect();
    fn root(firm: &mut [usize], mut i: usize) -> usize {
        while firm[i] != i {
            firm[i] = firm[firm[i]];
            i = firm[i];
        }
        i
    }
    let mut carrier: HashMap<&str, usize, FastHash> = HashMap::default();
    for (i, c) in rows.iter().enumerate() {
        for key in c.match_keys() {
            let j = *carrier.entry(key).or_insert(i);
            let (a, b) = (root(&mut firm, i), root(&mut firm, j));
            firm[a.max(b)] = a.min(b);
        }
    }
    // A row is the first of its firm when it is its firm's root (roots are the lowest index).
    let firsts: Vec<usize> = (0..rows.len())
        .filter(|i| root(&mut firm, *i) == *i)
        .collect();
    (firsts.len() > 1).then(|| SharedName {
        references: 0,
        first_references: Vec::new(),
        normalized_name: first.normalized.to_string(),
        companies: firsts
            .iter()
            .take(SHARED_LISTED)
            .filter_map(|i| rows.get(*i))
            .map(|c| c.file.record(c.row.id, Some(c.row.name), c.row.line))
            .collect(),
        firms: firsts.len(),
        rows: rows.len(),
    })
}

/// The rows of one normalised name that share a match key with another row of them, or `None`
/// when fewer than two do.
fn backed_group(rows: &[&Company]) -> Option<DuplicateGroup> {
    let first = rows.first()?;
    // A key two rows carry appears twice here: each row's keys are already without repeats.
    // Compared as hashes, since every key of the group starts with the same name (odds of two
    // different keys sharing a 64-bit hash in one group: about 1 in 10^16).
    let mut carried: Vec<u64> = rows
        .iter()
        .flat_map(|c| c.match_keys())
        .map(|k| hash(k.as_bytes()))
        .collect();
    carried.sort_unstable();
    let shared = |k: &&str| {
        let h = hash(k.as_bytes());
        let at = carried.partition_point(|c| *c < h);
        carried.get(at + 1) == Some(&h)
    };
    let mut backed_by: Vec<(Backing, &str)> = Vec::new();
    let mut members: Vec<&Company> = Vec::new();
    for a in rows {
        // The strongest backing the row shares: website, then phone, then email domain. The
        // phone is said, not shown: its key is only the last ten digits.
        let Some((backing, value)) = a.match_keys().filter(shared).filter_map(backing_of).min()
        else {
            continue;
        };
        let why = (backing, if backing == Backing::Phone { "" } else { value });
        if !backed_by.contains(&why) {
            backed_by.push(why);
        }
        members.push(a);
    }
    (members.len() > 1).then(|| DuplicateGroup {
        normalized_name: first.normalized.to_string(),
        companies: members
            .iter()
            .map(|c| c.file.record(c.row.id, Some(c.row.name), c.row.line))
            .collect(),
        backed_by: backed_by
            .into_iter()
            .map(|(b, v)| match b {
                Backing::Phone => b.label().to_string(),
                _ => format!("{} {v}", b.label()),
            })
            .collect(),
    })
}

/// A record of the export, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordRef {
    /// The record's RSoft ID.
    pub id: String,
    /// Its name, when the module has one (empty for contacts listed by email).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The file's path inside the export.
    pub file: String,
    /// Physical line (1-based) where the row starts.
    pub line: u64,
}

/// A reference that resolves to no record of the export (or, in [`SharedName`], to several
/// firms): the load would hold the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unresolved {
    /// The module of the referring record.
    pub module: Module,
    /// The referring record's RSoft id.
    pub record: String,
    /// The file of the referring record.
    pub file: String,
    /// Physical line (1-based) of the referring row.
    pub line: u64,
    /// The module the reference should resolve in.
    pub refers_to: Module,
    /// The id or name written.
    pub value: String,
    /// `id` or `name`.
    pub by: String,
    /// For a name: the closest company name, `Name (ID)`. For an id of digits: the one id of
    /// the module that is the same number with leading zeros, and why (`0042: a spreadsheet may
    /// have dropped the leading zeros`).
    pub nearest: Option<String>,
    /// The referred record's own row, when it is in the export but was set aside as a bad row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<SetAside>,
}

/// A row the reader set aside (its cells did not fit the header), named by its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    /// The file's path inside the export.
    pub file: String,
    /// Physical line (1-based) where the row starts.
    pub line: u64,
    /// Why it was set aside, as the reader reported it.
    pub reason: String,
}

/// References from `module` into `refers_to`, a module the export has no records of (no file,
/// or only empty ones): the load links them only to records an earlier run loaded and holds the
/// rest, so discovery says so once per pair of modules, with the first of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingModule {
    /// The module of the referring records.
    pub module: Module,
    /// The module they point into.
    pub refers_to: Module,
    /// References counted.
    pub references: u64,
    /// The first of them, with its file, line, record and value.
    pub first: Unresolved,
}

impl MissingModule {
    /// `1 reference`, `12 references`.
    pub fn counted(&self) -> String {
        match self.references {
            1 => "1 reference".to_string(),
            n => format!("{n} references"),
        }
    }
}

/// Companies that are probably one company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// The name they share once case, spacing and legal suffixes (Pvt Ltd, LLP…) are dropped.
    pub normalized_name: String,
    /// The companies, in file order.
    pub companies: Vec<RecordRef>,
    /// What they share beyond the name: `website acme.in`, `phone`, `email domain acme.in`.
    pub backed_by: Vec<String>,
}

/// A row whose RSoft ID an earlier row of its file has (ids compared as [`id_text`] reads them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatedId {
    /// The module of the rows.
    pub module: Module,
    /// The shared RSoft ID.
    pub id: String,
    /// The file's path inside the export.
    pub file: String,
    /// The repeating row's line.
    pub line: u64,
    /// The line of the first row with the id.
    pub first_line: u64,
}

/// Contacts sharing an email address (any case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedEmail {
    /// The shared address, lower case.
    pub email: String,
    /// The contacts carrying it, in file order.
    pub contacts: Vec<RecordRef>,
}

/// What the load would hold or should merge, before it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Integrity {
    /// Rows repeating the RSoft ID of an earlier row of their file: the load loads the first and
    /// fails the repeats (`engine::load_run`), so each is a record the operator must settle.
    #[serde(default)]
    pub repeated_ids: Vec<RepeatedId>,
    /// References to no record of the export.
    pub unresolved: Vec<Unresolved>,
    /// References into modules the export has no records of, counted per module pair.
    #[serde(default)]
    pub into_missing_modules: Vec<MissingModule>,
    /// Probable duplicate companies.
    pub duplicate_companies: Vec<DuplicateGroup>,
    /// Contacts sharing an email (Nutshell would see one person).
    pub shared_emails: Vec<SharedEmail>,
    /// Names that different firms share (no website, phone or email domain joins them), with
    /// the records naming them by name: each fits several companies, and the load holds it.
    #[serde(default)]
    pub shared_names: Vec<SharedName>,
    /// Records whose Company ID and Company Name name two different companies.
    #[serde(default)]
    pub name_mismatches: NameMismatches,
    /// Records naming a company by name in another legal form than the company the name
    /// resolves to has (`Acme LLP` → `COMP-1 Acme Pvt Ltd`): the load links them by the name.
    #[serde(default)]
    pub other_legal_forms: NameMismatches,
}

/// Records naming a company twice, by RSoft ID and by a Company Name that is not that
/// company's name (a renamed company, a row edited by hand, an ID pasted on the wrong row): the
/// load links by the ID, so the operator checks which is right before anything moves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameMismatches {
    /// How many records.
    pub count: u64,
    /// The first of them, in file order, at most [`SHARED_LISTED`].
    pub first: Vec<NameMismatch>,
}

/// One record whose Company ID names a company of another name than its Company Name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NameMismatch {
    /// The module of the record.
    pub module: Module,
    /// Its RSoft ID.
    pub record: String,
    /// Its file inside the export.
    pub file: String,
    /// Physical line (1-based) where its row starts.
    pub line: u64,
    /// The Company ID it gives.
    pub company_id: String,
    /// That company's name, as its own row writes it.
    pub company_name: String,
    /// The Company Name the record gives.
    pub written: String,
}

impl Integrity {
    /// The firms of shared name `name` for messages, the first row of the first three, and how
    /// many firms and rows when there are more: `C-4 Zen Traders Pvt Ltd (line 2), C-5 ZEN
    /// TRADERS LTD (line 3)`, `A Orbit Tools (line 2), D Orbit Tools (line 5); 2 firms in 4
    /// rows`.
    pub fn shared_rows(&self, name: &str) -> String {
        let Ok(at) = self
            .shared_names
            .binary_search_by(|n| n.normalized_name.as_str().cmp(name))
        else {
            return String::new();
        };
        let shared = &self.shared_names[at];
        let shown: Vec<String> = shared
            .companies
            .iter()
            .take(3)
            .map(|c| format!("{} {} (line {})", c.id, c.name, c.line))
            .collect();
        if shared.rows > shown.len() {
            format!(
                "{}; {} firms in {} rows",
                shown.join(", "),
                shared.firms,
                shared.rows
            )
        } else {
            shown.join(", ")
        }
    }
}

/// A company name that rows of two or more different firms carry (`Zen Traders Pvt Ltd` in
/// Delhi, `ZEN TRADERS LTD` in Kolkata, nothing else in common): the load makes one account per
/// firm, so a name alone cannot say which is meant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedName {
    /// The name as [`company_key`] normalises it, the key records look companies up by.
    pub normalized_name: String,
    /// The first row of each firm, in file order, at most [`SHARED_LISTED`].
    pub companies: Vec<RecordRef>,
    /// How many firms carry the name.
    pub firms: usize,
    /// How many rows carry it.
    pub rows: usize,
    /// Records of the export naming it by name (contacts, deals, leads): the load holds each.
    pub references: u64,
    /// The first three of them.
    pub first_references: Vec<Unresolved>,
}

/// Firms listed per shared name: a generated or neglected export can have a name on hundreds
/// of rows, and its first rows say enough to find the rest.
pub const SHARED_LISTED: usize = 10;
