//! The header vocabulary: what each column header of an RSoft export means, as one data file
//! (`assets/vocabulary.toml`, its format documented at its top) read by both consumers —
//! classifying a file into a [`Module`] by its header ([`Vocabulary::classify`]) and proposing a
//! field-map target for a column (`mapping::propose`, through [`Vocabulary::meaning`]).
//!
//! The built-in vocabulary is parsed once from the asset ([`Vocabulary::builtin`]). An operator
//! extends it without a rebuild with `[vocabulary] file = "path"` in the config
//! ([`Vocabulary::with_extension`]): the extension only adds spellings and concepts, never changes
//! or removes one.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use crate::config::Config;
use crate::mapping::catalogue::{ValueKind, standard_field};
use crate::mapping::model::{LookupKey, RelatedPart};
use crate::nutshell::EntityType;
use crate::rsoft::modules::{Classification, Module, module_from_file_name};

/// The built-in vocabulary's text, compiled into the binary.
const BUILTIN_TEXT: &str = include_str!("../assets/vocabulary.toml");
/// How the built-in vocabulary is named in messages.
const BUILTIN_NAME: &str = "assets/vocabulary.toml (built in)";

static BUILTIN: LazyLock<Arc<Vocabulary>> = LazyLock::new(|| {
    // The asset is part of the build and a test parses and validates it, so this cannot fail
    // in a released binary; if it does, the build itself is broken and nothing can be classified.
    match Vocabulary::parse(BUILTIN_TEXT, Path::new(BUILTIN_NAME)) {
        Ok(v) => Arc::new(v),
        Err(e) => panic!("{e}"),
    }
});

/// Why a vocabulary file cannot be used; each message names the file and what to change.
#[derive(Debug, thiserror::Error)]
pub enum VocabularyError {
    /// The file could not be read.
    #[error(
        "cannot read the vocabulary file {path} (named by [vocabulary] file in the config): {source}. Fix the path or remove the key"
    )]
    Read {
        /// The vocabulary file.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// Not valid TOML, or a key or value the format does not have; `message` gives the line and
    /// column (the TOML reader's, as for mapping.toml).
    #[error(
        "the vocabulary file {path} is not valid: {message}. Fix that line: each entry is a [[concept]] with id and spellings (the format is described at the top of assets/vocabulary.toml)"
    )]
    Parse {
        /// The vocabulary file.
        path: PathBuf,
        /// The TOML reader's message: line, column, the key and what was wrong.
        message: String,
    },
    /// The entries parse but contradict each other or the catalogue.
    #[error("the vocabulary file {path}: concept {id:?} {problem}")]
    Invalid {
        /// The vocabulary file.
        path: PathBuf,
        /// The concept's `id`.
        id: String,
        /// What is wrong and what to do.
        problem: String,
    },
}

/// Where a column with one of a concept's spellings lands; resolved to a
/// [`crate::mapping::model::Target`] per module by the proposer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Propose {
    /// A standard field path of the catalogue (`Accounts.name`).
    Field(String),
    /// A custom field (a note line on entities without custom fields).
    Custom {
        /// The custom field's name.
        name: String,
        /// What it holds.
        kind: ValueKind,
    },
    /// A labelled note line (`Industry: Retail`); the label given.
    Note(String),
    /// The column finds a related record of that entity by that key.
    Lookup {
        /// The related record's entity type; read strictly, one of [`EntityType::MAPPED`].
        #[serde(deserialize_with = "crate::nutshell::entity_type::deserialize_mapped")]
        entity: EntityType,
        /// How it is found.
        by: LookupKey,
    },
    /// One half of an activity's polymorphic relation.
    Related(RelatedPart),
    /// The record's tags.
    Tags,
    /// The module's RSoft ID (the legacy-id custom field).
    LegacyId,
    /// Not moved, on purpose (the reason says why).
    Ignore(String),
}

/// One `[[concept]]` as written; checked into a [`Concept`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    meaning: Option<String>,
    modules: Option<Vec<Module>>,
    propose: Option<Propose>,
    #[serde(default)]
    column: BTreeMap<Module, String>,
    #[serde(default)]
    key: bool,
    #[serde(default)]
    spellings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    concept: Vec<Entry>,
}

/// One meaning a header can have: its spellings, where it lands, and which standard RSoft column
/// it is in each module.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// Stable name (`companies.company_name`), referred to by extension files.
    pub id: String,
    /// What the column holds, as the proposer's reason says it (`the company's name`).
    pub meaning: String,
    /// Where it applies; `None` for every module that holds records.
    pub modules: Option<Vec<Module>>,
    /// Where the column lands; `None` for concepts read only to classify setup files.
    pub propose: Option<Propose>,
    /// Per module, the standard RSoft column it is (`Company Name`): the file's signature.
    pub column: BTreeMap<Module, String>,
    /// The column is the module's own RSoft ID (counts double when classifying).
    pub key: bool,
    /// Spellings in plain words, in the order they are tried.
    pub spellings: Vec<String>,
    /// `spellings` after [`normalize_header`].
    normalized: Vec<String>,
}

impl Concept {
    /// Whether the concept is one of `module`'s own (listed in `modules`).
    fn own(&self, module: Module) -> bool {
        self.modules.as_ref().is_some_and(|m| m.contains(&module))
    }

    /// Whether the concept is for every module that holds records and `module` is one.
    fn shared_with(&self, module: Module) -> bool {
        self.modules.is_none() && module.holds_records()
    }
}

/// A standard column of a module: the header as the tool names it (`Company Name`).
#[derive(Debug, Clone, PartialEq)]
pub struct StandardColumn {
    /// The canonical header.
    pub canonical: String,
}

/// How a header matched a concept's spelling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Matched {
    /// The whole header, normalised.
    Exact,
    /// Without the module's own noun (`Contact Owner` in contacts is `owner`).
    WithoutModuleName,
}

/// The header vocabulary: every [`Concept`], and each module's standard columns derived from them.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    concepts: Vec<Concept>,
    standard: BTreeMap<Module, Vec<StandardColumn>>,
    /// Each module's id column, found once when the vocabulary is built: discovery asks for it
    /// on every row, and finding it walks the module's concepts.
    id_columns: BTreeMap<Module, String>,
}

impl Vocabulary {
    /// The vocabulary compiled from `assets/vocabulary.toml`.
    pub fn builtin() -> Arc<Vocabulary> {
        Arc::clone(&BUILTIN)
    }

    /// The built-in vocabulary, extended by the file `[vocabulary] file` names when there is one.
    ///
    /// Errors: the file cannot be read, is not valid TOML (line and column), or an entry
    /// contradicts the vocabulary ([`Vocabulary::extended`]).
    pub fn with_extension(file: Option<&Path>) -> Result<Arc<Vocabulary>, VocabularyError> {
        let Some(path) = file else {
            return Ok(Vocabulary::builtin());
        };
        let text = std::fs::read_to_string(path).map_err(|source| VocabularyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Arc::new(BUILTIN.extended(&text, path)?))
    }

    /// The vocabulary `config` asks for: the built-in one, extended by its `[vocabulary] file`.
    pub fn of(config: &Config) -> Result<Arc<Vocabulary>, VocabularyError> {
        Vocabulary::with_extension(config.vocabulary.file.as_deref())
    }

    /// Parses and validates a whole vocabulary. `path` only names the file in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Vocabulary, VocabularyError> {
        let concepts = read_entries(text, path)?
            .into_iter()
            .map(|e| new_concept(e, path, true))
            .collect::<Result<Vec<_>, _>>()?;
        Vocabulary::checked(concepts, path)
    }

    /// This vocabulary with an extension file's entries added. An entry whose `id` is a concept
    /// here adds its `spellings` to it (and may give nothing else); an entry with a new `id` is
    /// a new concept with `meaning`, `propose` and `spellings`, and no standard `column`.
    /// Nothing is overridden: a spelling that already means something else in a module is an
    /// error naming the concept.
    pub fn extended(&self, text: &str, path: &Path) -> Result<Vocabulary, VocabularyError> {
        let mut concepts = self.concepts.clone();
        for entry in read_entries(text, path)? {
            match concepts.iter_mut().find(|c| c.id == entry.id) {
                Some(concept) => {
                    let overrides = entry.meaning.is_some()
                        || entry.modules.is_some()
                        || entry.propose.is_some()
                        || !entry.column.is_empty()
                        || entry.key;
                    if overrides {
                        return Err(invalid(
                            path,
                            &entry.id,
                            "is a built-in concept: an extension only adds `spellings` to it; remove its other keys",
                        ));
                    }
                    if entry.spellings.is_empty() {
                        return Err(invalid(
                            path,
                            &entry.id,
                            "adds no `spellings`: list at least one",
                        ));
                    }
                    for s in entry.spellings {
                        concept.normalized.push(normalize_header(&s));
                        concept.spellings.push(s);
                    }
                }
                None => concepts.push(new_concept(entry, path, false)?),
            }
        }
        Vocabulary::checked(concepts, path)
    }

    /// Checks the concepts against each other and the catalogue, and derives the standard columns.
    fn checked(concepts: Vec<Concept>, path: &Path) -> Result<Vocabulary, VocabularyError> {
        let mut ids = std::collections::HashSet::new();
        for c in &concepts {
            if !ids.insert(c.id.as_str()) {
                return Err(invalid(
                    path,
                    &c.id,
                    "is listed twice: give each concept one id",
                ));
            }
            check_target(c).map_err(|p| invalid(path, &c.id, p))?;
        }
        let mut vocabulary = Vocabulary {
            concepts,
            standard: BTreeMap::new(),
            id_columns: BTreeMap::new(),
        };
        for module in Module::ALL {
            vocabulary.check_spellings(module, path)?;
            let columns = vocabulary.columns_of(module, path)?;
            vocabulary.standard.insert(module, columns);
            let id_column = vocabulary
                .concepts_for(module)
                .find_map(|c| c.column.get(&module).filter(|_| c.key))
                .cloned();
            if let Some(column) = id_column {
                vocabulary.id_columns.insert(module, column);
            }
        }
        Ok(vocabulary)
    }

    /// One meaning per spelling within `module`.
    fn check_spellings(&self, module: Module, path: &Path) -> Result<(), VocabularyError> {
        // A module's own concept may shadow one for every module (its own meaning wins, by order).
        let mut seen: HashMap<&str, &Concept> = HashMap::new();
        for c in self.concepts_for(module) {
            for (spelling, form) in c.spellings.iter().zip(&c.normalized) {
                match seen.get(form.as_str()) {
                    Some(other)
                        if other.id != c.id && !(other.own(module) && c.modules.is_none()) =>
                    {
                        return Err(invalid(
                            path,
                            &c.id,
                            format!(
                                "spells {spelling:?}, which in {module} already means {:?} (concept {:?}): a spelling means one thing in a module, remove one",
                                other.meaning, other.id
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(form, c);
                    }
                }
            }
        }
        Ok(())
    }

    /// The module's standard columns, its key first; each canonical header must read as its
    /// own concept, or the column would never be found.
    fn columns_of(
        &self,
        module: Module,
        path: &Path,
    ) -> Result<Vec<StandardColumn>, VocabularyError> {
        let mut columns: Vec<StandardColumn> = Vec::new();
        let mut key = false;
        for c in self.concepts_for(module) {
            let Some(header) = c.column.get(&module) else {
                continue;
            };
            // The canonical header must read as its own concept, or the column is never found.
            if self.canonical_header(module, header) != Some(header.as_str()) {
                return Err(invalid(
                    path,
                    &c.id,
                    format!(
                        "names the {module} column {header:?}, but that header does not read as this concept there: add its spelling"
                    ),
                ));
            }
            let standard = StandardColumn {
                canonical: header.clone(),
            };
            if c.key {
                if key {
                    return Err(invalid(
                        path,
                        &c.id,
                        format!(
                            "is a second `key = true` column in {module}: a module has one RSoft ID, remove one"
                        ),
                    ));
                }
                key = true;
                columns.insert(0, standard);
            } else if !columns.contains(&standard) {
                columns.push(standard);
            }
        }
        Ok(columns)
    }

    /// The concepts that apply to `module`: its own first, then those for every module, each in
    /// file order (so a module's own meaning wins: `Source` is a lead source in leads).
    pub fn concepts_for(&self, module: Module) -> impl Iterator<Item = &Concept> {
        let own = self.concepts.iter().filter(move |c| c.own(module));
        let shared = self.concepts.iter().filter(move |c| c.shared_with(module));
        own.chain(shared)
    }

    /// The concept a header means in `module`, the spelling it matched and how: the whole
    /// header normalised first, then without the module's own noun (`Ticket No.` is `number`).
    /// `proposing` skips concepts with no target (read only to classify setup files).
    pub fn meaning(
        &self,
        module: Module,
        header: &str,
        proposing: bool,
    ) -> Option<(&Concept, &str, Matched)> {
        let full = normalize_header(header);
        let find = |form: &str| {
            self.concepts_for(module)
                .filter(|c| !proposing || c.propose.is_some())
                .find_map(|c| {
                    c.normalized
                        .iter()
                        .position(|n| n == form)
                        .map(|i| (c, c.spellings[i].as_str()))
                })
        };
        if let Some((c, s)) = find(&full) {
            return Some((c, s, Matched::Exact));
        }
        let stripped = without_module_noun(module, &full)?;
        find(&stripped).map(|(c, s)| (c, s, Matched::WithoutModuleName))
    }

    /// Every (concept, spelling, normalised spelling) the proposer may match for `module`, in
    /// order; concepts with no target are left out.
    pub fn spellings_for(&self, module: Module) -> impl Iterator<Item = (&Concept, &str, &str)> {
        self.concepts_for(module)
            .filter(|c| c.propose.is_some())
            .flat_map(|c| {
                c.spellings
                    .iter()
                    .zip(&c.normalized)
                    .map(move |(s, n)| (c, s.as_str(), n.as_str()))
            })
    }

    /// The canonical header a file header stands for in `module`, if it is a standard column.
    pub fn canonical_header(&self, module: Module, header: &str) -> Option<&str> {
        let (concept, _, _) = self.meaning(module, header, false)?;
        concept.column.get(&module).map(String::as_str)
    }

    /// The module's standard columns: its own RSoft ID first when it has one, then in file order.
    pub fn standard_columns(&self, module: Module) -> &[StandardColumn] {
        self.standard.get(&module).map_or(&[], Vec::as_slice)
    }

    /// The canonical header of the column holding a row's RSoft ID (`Deal ID`); `None` for
    /// setup files whose rows have none (pipelines, custom fields).
    pub fn id_column(&self, module: Module) -> Option<&str> {
        self.id_columns.get(&module).map(String::as_str)
    }

    /// Classifies a file by its name and its headers.
    ///
    /// The header score of a module balances recall (the share of its standard columns present,
    /// its first — its own ID column — counting double) and precision (the share of the file's headers it
    /// knows), as their harmonic mean; the file name naming the module adds 0.35. Header evidence
    /// wins over the name: a file called `export.csv` with a deal header is a deals file.
    pub fn classify(&self, file_name: &str, headers: &[String]) -> Classification {
        let name_module = module_from_file_name(file_name);
        let mut best: Option<(Module, f64, usize, usize)> = None;
        for m in Module::ALL {
            let (found, total, known) = self.header_match(m, headers);
            let recall = found as f64 / total.max(1) as f64;
            let precision = known as f64 / headers.len().max(1) as f64;
            let mut score = if found == 0 {
                0.0
            } else {
                2.0 * recall * precision / (recall + precision)
            };
            if name_module == Some(m) {
                score += 0.35;
            }
            if best.is_none_or(|(_, s, _, _)| score > s) {
                best = Some((m, score, found, total));
            }
        }
        let mut evidence = Vec::new();
        if let Some(m) = name_module {
            evidence.push(format!("file name {file_name:?} says {m}"));
        } else {
            evidence.push(format!("file name {file_name:?} names no module"));
        }
        let Some((module, score, found, total)) = best else {
            return Classification {
                module: None,
                confidence: 0.0,
                evidence,
            };
        };
        if found == 0 {
            evidence.push("headers match no module's standard columns".to_string());
        } else {
            evidence.push(format!(
                "headers match {module}: {found} of {total} (weighted) standard columns present"
            ));
        }
        let confidence = (score / 1.35).min(1.0);
        let confidence = (confidence * 100.0).round() / 100.0;
        if confidence < MIN_CONFIDENCE || found == 0 {
            evidence.push("not enough evidence for any module".to_string());
            return Classification {
                module: None,
                confidence,
                evidence,
            };
        }
        if let Some(n) = name_module.filter(|n| *n != module) {
            evidence.push(format!("headers outweigh the name ({n})"));
        }
        Classification {
            module: Some(module),
            confidence,
            evidence,
        }
    }

    /// (weighted matches, weighted total) of a module's standard columns in a header, and how
    /// many of the header's columns are standard for the module.
    fn header_match(&self, m: Module, headers: &[String]) -> (usize, usize, usize) {
        let canonical: Vec<&str> = headers
            .iter()
            .filter_map(|h| self.canonical_header(m, h))
            .collect();
        let mut found = 0;
        let mut total = 0;
        for (i, c) in self.standard_columns(m).iter().enumerate() {
            // The first column is the module's own key (`Deal ID`), or for a setup file without
            // one the first it lists (`Pipeline`): strong evidence.
            let weight = if i == 0 { 2 } else { 1 };
            total += weight;
            if canonical.contains(&c.canonical.as_str()) {
                found += weight;
            }
        }
        (found, total, canonical.len())
    }
}

/// Below this a file is reported as unknown rather than guessed.
const MIN_CONFIDENCE: f64 = 0.4;

/// The error for concept `id` of the file at `path`.
fn invalid(path: &Path, id: &str, problem: impl Into<String>) -> VocabularyError {
    VocabularyError::Invalid {
        path: path.to_path_buf(),
        id: id.to_string(),
        problem: problem.into(),
    }
}

fn read_entries(text: &str, path: &Path) -> Result<Vec<Entry>, VocabularyError> {
    let file: File = toml::from_str(text).map_err(|e| VocabularyError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(file.concept)
}

/// A new concept from its entry; `builtin` entries may be standard columns, an extension's not.
fn new_concept(entry: Entry, path: &Path, builtin: bool) -> Result<Concept, VocabularyError> {
    let invalid = |problem: &str| invalid(path, &entry.id, problem);
    let Some(meaning) = entry.meaning.clone() else {
        return Err(invalid(
            "has no `meaning` (and is not a built-in concept to add spellings to): say what the column holds",
        ));
    };
    if entry.spellings.is_empty() {
        return Err(invalid("has no `spellings`: list at least one"));
    }
    if !builtin && (!entry.column.is_empty() || entry.key) {
        return Err(invalid(
            "is new in an extension, which cannot add a standard RSoft `column` or `key` (that would change how every file is classified): remove them",
        ));
    }
    if !builtin && entry.propose.is_none() {
        return Err(invalid(
            "is new in an extension and has no `propose`: say where the column lands",
        ));
    }
    if let Some(m) = entry.column.keys().find(|m| {
        !entry
            .modules
            .as_ref()
            .map_or(m.holds_records(), |ms| ms.contains(m))
    }) {
        return Err(invalid(&format!(
            "names a column in {m}, which is not one of its `modules`: add the module or remove the column"
        )));
    }
    let normalized = entry
        .spellings
        .iter()
        .map(|s| normalize_header(s))
        .collect();
    Ok(Concept {
        id: entry.id,
        meaning,
        modules: entry.modules,
        propose: entry.propose,
        column: entry.column,
        key: entry.key,
        spellings: entry.spellings,
        normalized,
    })
}

/// A `field` target is in the catalogue and belongs to each of the concept's modules' entity (a
/// lead's person fills Contact fields); custom fields and lookups only where records are.
fn check_target(c: &Concept) -> Result<(), String> {
    let modules: Vec<Module> = c.modules.clone().unwrap_or_else(|| {
        Module::ALL
            .into_iter()
            .filter(|m| m.holds_records())
            .collect()
    });
    match &c.propose {
        Some(Propose::Field(path)) => {
            let field = standard_field(path).ok_or_else(|| {
                format!("proposes the field {path:?}, which is not in the catalogue (src/mapping/catalogue.rs): use a field path it lists")
            })?;
            for m in &modules {
                let own = m.entity() == Some(field.entity)
                    || (*m == Module::Leads && field.entity == EntityType::Contacts);
                if !own {
                    return Err(format!(
                        "proposes {path:?} in {m}, whose records are not {}: name a field of its own entity",
                        field.entity.as_str()
                    ));
                }
            }
        }
        Some(_) => {
            if let Some(m) = modules.iter().find(|m| !m.holds_records()) {
                return Err(format!(
                    "proposes a target in {m}, which holds no records: leave out `propose`"
                ));
            }
        }
        None => {
            if let Some(m) = modules.iter().find(|m| m.holds_records()) {
                return Err(format!(
                    "has no `propose` but applies to {m}, whose columns are mapped: say where it lands"
                ));
            }
        }
    }
    Ok(())
}

/// The header without the module's noun first (`Ticket No.`) or, in languages that put it last,
/// last (`Nº Ticket`); `None` when it names no noun of the module.
pub(crate) fn without_module_noun(module: Module, full: &str) -> Option<String> {
    module_nouns(module).iter().find_map(|noun| {
        full.strip_prefix(noun)
            .and_then(|rest| rest.strip_prefix(' '))
            .or_else(|| full.strip_suffix(noun)?.strip_suffix(' '))
            .map(str::to_string)
    })
}

/// Lower-case, punctuation to spaces, abbreviations expanded (`No.`/`#`/`Nbr` → number, `Dt` →
/// date, `Mob` → mobile, `Org`/`Organisation`/`Account` → company, `E-mail` → email, …).
pub fn normalize_header(header: &str) -> String {
    let spaced: String = header
        .to_lowercase()
        .replace('#', " number ")
        .replace('%', " percent ")
        .replace("e-mail", "email")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = spaced
        .split_whitespace()
        .flat_map(|w| expand(w).split(' '))
        .collect();
    words.join(" ")
}

fn expand(word: &str) -> &str {
    match word {
        // Other languages' abbreviations seen in exports: German Nr./Tel./PLZ, Spanish Nro./Núm.,
        // French Tél., the ordinal Nº.
        "no" | "nbr" | "num" | "nr" | "nro" | "núm" | "nº" => "number",
        "dt" | "dte" => "date",
        "amt" => "amount",
        "mob" | "mobno" | "cell" => "mobile",
        "ph" | "tel" | "telephone" | "phno" | "tél" | "telf" | "tlf" => "phone",
        "org" | "organisation" | "organization" | "acct" | "acc" | "account" | "co" | "cmp" => {
            "company"
        }
        "cust" | "client" => "customer",
        "exp" | "expt" => "expected",
        "desc" | "descr" => "description",
        "addr" | "adr" => "address",
        "desig" => "designation",
        "fname" => "first name",
        "lname" => "last name",
        "dob" => "date of birth",
        "prob" => "probability",
        "curr" | "ccy" | "cur" => "currency",
        "ref" => "reference",
        "msg" => "message",
        "qty" => "quantity",
        "mgr" => "manager",
        "modified" | "updated" | "upd" | "mod" | "changed" => "modified",
        "opp" | "oppty" | "opportunity" => "deal",
        "emailid" | "mailid" => "email",
        "pin" | "pincode" | "zip" | "zipcode" | "postcode" | "plz" => "pincode",
        w => w,
    }
}

/// Leading words naming the module itself (`Contact Email` in contacts is just `email`).
pub fn module_nouns(module: Module) -> &'static [&'static str] {
    match module {
        Module::Companies => &["company"],
        Module::Contacts => &["contact", "person"],
        Module::Leads => &["lead", "prospect", "enquiry", "inquiry"],
        Module::Deals => &["deal"],
        Module::Activities => &["activity", "task"],
        Module::Tickets => &["ticket", "case"],
        Module::TicketMessages => &["message", "reply"],
        Module::Users | Module::Pipelines | Module::CustomFields | Module::Workflows => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        let cases = [
            ("Mobile No.", "mobile number"),
            ("E-mail ID", "email id"),
            ("Cust. Name", "customer name"),
            ("Exp. Close Dt", "expected close date"),
            ("Org", "company"),
            ("Organisation", "company"),
            ("  LEAD_OWNER ", "lead owner"),
            ("Contact #", "contact number"),
            ("Probability (%)", "probability percent"),
            ("DOB", "date of birth"),
            ("Amt", "amount"),
            ("Last Updated", "last modified"),
            ("Tel.-Nr.", "phone number"),
            ("Tél.", "phone"),
            ("Nº Ticket", "number ticket"),
            ("PLZ", "pincode"),
            ("E-Mail-Adr.", "email address"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_header(raw), want, "{raw}");
        }
    }

    fn parse(text: &str) -> Result<Vocabulary, VocabularyError> {
        Vocabulary::parse(text, Path::new("test.toml"))
    }

    fn extend(text: &str) -> Result<Vocabulary, VocabularyError> {
        Vocabulary::builtin().extended(text, Path::new("extra.toml"))
    }

    #[test]
    fn the_asset_parses_and_validates() {
        let v = parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e}"));
        // Every module that holds records has its own RSoft ID column, first among its columns.
        for m in Module::ALL.into_iter().filter(|m| m.holds_records()) {
            let id = v
                .id_column(m)
                .unwrap_or_else(|| panic!("{m} has no key column"));
            assert_eq!(v.standard_columns(m)[0].canonical, id, "{m}");
            // Every standard column reads as itself.
            for c in v.standard_columns(m) {
                assert_eq!(
                    v.canonical_header(m, &c.canonical),
                    Some(c.canonical.as_str())
                );
            }
        }
        assert_eq!(v.id_column(Module::Pipelines), None);
        assert_eq!(v.id_column(Module::Users), Some("User ID"));
        // Every concept of a data module proposes a target; setup files' concepts none.
        for c in &v.concepts {
            let data = c
                .modules
                .as_ref()
                .is_none_or(|ms| ms.iter().all(|m| m.holds_records()));
            assert_eq!(c.propose.is_some(), data, "{}", c.id);
        }
    }

    #[test]
    fn a_spelling_with_two_meanings_in_a_module_is_refused() {
        let text = r#"
[[concept]]
id = "a"
meaning = "first"
modules = ["deals"]
propose = { field = "Leads.description" }
spellings = ["title"]

[[concept]]
id = "b"
meaning = "second"
modules = ["deals"]
propose = { field = "Leads.status" }
spellings = ["Title"]
"#;
        let e = parse(text).unwrap_err().to_string();
        assert!(
            e.contains("\"b\"") && e.contains("\"Title\"") && e.contains("\"first\""),
            "{e}"
        );
        // In different modules the same spelling may mean different things.
        let ok = text.replacen(r#"modules = ["deals"]"#, r#"modules = ["leads"]"#, 1);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn a_field_outside_the_catalogue_or_the_module_is_refused() {
        let concept = |field: &str| {
            format!(
                "[[concept]]\nid = \"x\"\nmeaning = \"x\"\nmodules = [\"deals\"]\npropose = {{ field = \"{field}\" }}\nspellings = [\"x\"]\n"
            )
        };
        let e = parse(&concept("Leads.nonsense")).unwrap_err().to_string();
        assert!(e.contains("not in the catalogue"), "{e}");
        let e = parse(&concept("Accounts.name")).unwrap_err().to_string();
        assert!(e.contains("in deals, whose records are not"), "{e}");
        assert!(parse(&concept("Leads.status")).is_ok());
    }

    #[test]
    fn unknown_modules_and_keys_are_refused_at_their_line() {
        let e = parse("[[concept]]\nid = \"x\"\nmeaning = \"x\"\nmodules = [\"dealz\"]\nspellings = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4, column"), "{e}");
        assert!(e.contains("dealz"), "{e}");
        let e = parse("[[concept]]\nid = \"x\"\nmeaning = \"x\"\nspelling = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 4, column 1") && e.contains("spelling"),
            "{e}"
        );
    }

    #[test]
    fn a_module_has_one_key_and_its_columns_read_as_themselves() {
        let concept = |id: &str, header: &str, spelling: &str| {
            format!(
                "[[concept]]\nid = \"{id}\"\nmeaning = \"{id}\"\nmodules = [\"deals\"]\npropose = \"legacy_id\"\ncolumn = {{ deals = \"{header}\" }}\nkey = true\nspellings = [\"{spelling}\"]\n"
            )
        };
        let two = concept("a", "Deal ID", "deal id") + &concept("b", "Deal No", "deal no");
        let e = parse(&two).unwrap_err().to_string();
        assert!(
            e.contains("\"b\" is a second `key = true` column in deals"),
            "{e}"
        );
        let e = parse(&concept("a", "Deal Key", "deal id"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("names the deals column \"Deal Key\""), "{e}");
    }

    #[test]
    fn an_extension_adds_spellings_and_concepts() {
        let v = extend(
            r#"
[[concept]]
id = "companies.company_name"
spellings = ["party", "Client Company"]

[[concept]]
id = "acme.gst_state"
meaning = "the GST state code"
modules = ["companies", "contacts"]
propose = { custom = { name = "GST State", kind = "text" } }
spellings = ["gst state", "gst state code"]
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (c, s, _) = v.meaning(Module::Companies, "Party", true).unwrap();
        assert_eq!((c.id.as_str(), s), ("companies.company_name", "party"));
        // A standard column's new spelling counts when classifying and names the column.
        assert_eq!(
            v.canonical_header(Module::Companies, "Party"),
            Some("Company Name")
        );
        let (c, _, _) = v.meaning(Module::Contacts, "GST State Code", true).unwrap();
        assert_eq!(
            c.propose,
            Some(Propose::Custom {
                name: "GST State".into(),
                kind: ValueKind::Text
            })
        );
        // The built-in vocabulary is untouched.
        assert!(
            Vocabulary::builtin()
                .meaning(Module::Companies, "Party", true)
                .is_none()
        );
    }

    #[test]
    fn an_extension_never_overrides() {
        let e = extend("[[concept]]\nid = \"every.owner\"\nmeaning = \"someone else\"\nspellings = [\"boss\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("only adds `spellings`"), "{e}");
        // A spelling that already means something in the module.
        let e = extend("[[concept]]\nid = \"deals.stage\"\nspellings = [\"pipeline\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("already means \"pipeline\""), "{e}");
        let e = extend(
            "[[concept]]\nid = \"new\"\nmeaning = \"x\"\nmodules = [\"deals\"]\npropose = \"tags\"\ncolumn = { deals = \"X\" }\nspellings = [\"x\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("cannot add a standard RSoft `column`"), "{e}");
    }

    #[test]
    fn a_module_noun_is_dropped_before_matching() {
        let v = Vocabulary::builtin();
        let (c, s, how) = v.meaning(Module::Contacts, "Contact Owner", true).unwrap();
        assert_eq!(
            (c.id.as_str(), s, how),
            ("every.owner", "owner", Matched::WithoutModuleName)
        );
        assert_eq!(
            c.propose,
            Some(Propose::Lookup {
                entity: EntityType::Users,
                by: LookupKey::Owner
            })
        );
    }
}
