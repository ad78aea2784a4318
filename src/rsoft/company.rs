//! When two company rows are one company: the one rule discovery's duplicate groups, its by-name
//! reference check and the load's account dedupe all call (issue 12: "name normalised for case,
//! punctuation and Indian legal suffixes … backed by website domain, phone or email; a different
//! firm with a similar name is not grouped").
//!
//! - [`company_key`]: the normalised name. A reference by company name resolves to the company
//!   of that key.
//! - [`match_keys`]: the name joined with each website domain, phone and email domain the row
//!   carries. Two companies are one when they share a match key: the same name alone is not
//!   enough, since two firms can share a name.

use super::profile::split_values;
use crate::mapping::transform::normalize_email;
use crate::mapping::transform::phone::split_extension;

/// Legal-form words dropped from the end of a name, after punctuation is gone: "Pvt. Ltd.",
/// "Private Limited", "Pvt Ltd", "Ltd", "Limited", "LLP", "OPC", "Inc", "Co", … in any
/// combination (Indian forms first).
const LEGAL_FORMS: [&str; 15] = [
    "private",
    "pvt",
    "limited",
    "ltd",
    "llp",
    "opc",
    "pte",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "llc",
    "plc",
];

/// The normalised company name: lower case, `&` read as "and", punctuation gone, spaces collapsed,
/// trailing legal-form words dropped (`Sharma Textiles Pvt. Ltd.` and `sharma textiles private
/// limited` → `sharma textiles`). A name made only of legal-form words keeps them, so it never
/// becomes empty; a blank name gives an empty key.
pub fn company_key(name: &str) -> String {
    company_name(name).key
}

/// A company name read once: its [`company_key`] and the [`LegalForm`] its dropped words say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName {
    /// The normalised name ([`company_key`]).
    pub key: String,
    /// The legal form its trailing legal-form words say; `None` when it names none (`Acme`,
    /// written short, may be any of them).
    pub form: Option<LegalForm>,
}

/// `name`'s [`company_key`] and its legal form in one pass.
pub fn company_name(name: &str) -> CompanyName {
    let cleaned = cleaned(name);
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let (start, end) = name_bounds(name, &words);
    CompanyName {
        key: words[start..end].join(" "),
        form: LegalForm::of_words(&words[end..]),
    }
}

/// The kind of legal entity a company name's legal-form words say, where two kinds are two
/// different entities however alike the names: `Acme LLP` is not `Acme Pvt Ltd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalForm {
    /// A company limited by shares: `Pvt Ltd`, `Private Limited`, `Ltd`, `OPC`, `Pte`, `Co`, `PLC`.
    Company,
    /// A limited liability partnership: `LLP`.
    Partnership,
    /// A US-style corporation or LLC: `Inc`, `Incorporated`, `Corp`, `Corporation`, `LLC`.
    Corporation,
}

impl LegalForm {
    /// The form the dropped legal-form words say (`["pvt", "ltd"]` → Company); `None` for none.
    fn of_words(forms: &[&str]) -> Option<LegalForm> {
        if forms.contains(&"llp") {
            Some(LegalForm::Partnership)
        } else if forms
            .iter()
            .any(|w| ["inc", "incorporated", "corp", "corporation", "llc"].contains(w))
        {
            Some(LegalForm::Corporation)
        } else {
            (!forms.is_empty()).then_some(LegalForm::Company)
        }
    }

    /// Whether two names' forms say two different kinds of legal entity (`Acme LLP` and `Acme
    /// Pvt Ltd`); a name giving no legal form may be either, so it differs from none.
    pub fn differ(a: Option<LegalForm>, b: Option<LegalForm>) -> bool {
        matches!((a, b), (Some(x), Some(y)) if x != y)
    }
}

/// Lower case, `&` read as "and", punctuation as spaces.
fn cleaned(name: &str) -> String {
    // Most names are ASCII: one pass, one allocation (the same text as the general path).
    if name.is_ascii() {
        let mut s = String::with_capacity(name.len() + 4);
        for b in name.bytes() {
            match b {
                b'&' => s.push_str(" and "),
                _ if b.is_ascii_alphanumeric() => s.push(char::from(b.to_ascii_lowercase())),
                _ => s.push(' '),
            }
        }
        s
    } else {
        name.to_lowercase()
            .replace('&', " and ")
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect()
    }
}

/// Where the name proper lies among `words` (the [`cleaned`] words of `name`): after a leading
/// salutation, before the trailing legal-form words.
fn name_bounds(name: &str, words: &[&str]) -> (usize, usize) {
    // `M/s` (Messrs) before a firm's name is a salutation, not part of it; initials written
    // `M. S.` or `M S` are part of the name.
    let salutation = name
        .trim_start()
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("m/s"));
    let start = match words {
        ["m", "s", _, ..] if salutation => 2,
        ["messrs", _, ..] => 1,
        _ => 0,
    };
    let mut end = words.len();
    // A lone `p` is Indian shorthand for Private only before another legal form (`P. Ltd.`,
    // `(P) Ltd`); at the end of a name it is part of it (`Vitamin P`).
    while end > start + 1
        && (LEGAL_FORMS.contains(&words[end - 1]) || (words[end - 1] == "p" && end < words.len()))
    {
        end -= 1;
    }
    (start, end)
}

/// What, beside the name, shows two company rows are one company; strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backing {
    /// The same website host ([`website_domain`]).
    Website,
    /// The same phone number (its last ten digits, [`phone_key`]).
    Phone,
    /// The same email domain ([`email_domain`]).
    EmailDomain,
}

impl Backing {
    /// How a report names it: `website`, `phone`, `email domain`.
    pub fn label(self) -> &'static str {
        match self {
            Backing::Website => "website",
            Backing::Phone => "phone",
            Backing::EmailDomain => "email domain",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Backing::Website => "w",
            Backing::Phone => "p",
            Backing::EmailDomain => "e",
        }
    }
}

/// Separates a match key's parts; no normalised name or backing value holds it.
const SEP: char = '\u{1f}';

/// One match key of a company: its [`company_key`], what backs it and the backing value, as
/// `name␟w␟acme.in`. Two companies sharing one are the same company.
pub fn match_key(name_key: &str, backing: Backing, value: &str) -> String {
    let code = backing.code();
    let mut key =
        String::with_capacity(name_key.len() + code.len() + value.len() + 2 * SEP.len_utf8());
    key.push_str(name_key);
    key.push(SEP);
    key.push_str(code);
    key.push(SEP);
    key.push_str(value);
    key
}

/// The key of an account known by its name alone: one the load made for a company a lead names
/// before any company row of that name loaded (a sample run, say). The first company row of the
/// name is that account (it has nothing to disagree with), so it is claimed once, never matched
/// by a second row. Not a [`match_key`]: [`backing_of`] reads it as `None`.
pub fn name_only_key(name_key: &str) -> String {
    format!("{name_key}{SEP}named")
}

/// The backing of a match key made by [`match_key`] and its value, or `None` for another text.
pub fn backing_of(key: &str) -> Option<(Backing, &str)> {
    let mut parts = key.splitn(3, SEP);
    let (_, code, value) = (parts.next()?, parts.next()?, parts.next()?);
    let backing = [Backing::Website, Backing::Phone, Backing::EmailDomain]
        .into_iter()
        .find(|b| b.code() == code)?;
    Some((backing, value))
}

/// The company's match keys, sorted, no repeats: one per website domain, phone and email domain
/// among `websites`, `phones` and `emails` (cells may hold several values separated by `;` `,`
/// or a new line); a website's domain is also an email-domain key, so a website on one row and
/// an email address of the same domain on another back one name. None for a blank name: an
/// unnamed company matches nothing.
pub fn match_keys<'v>(
    name_key: &str,
    websites: impl IntoIterator<Item = &'v str>,
    phones: impl IntoIterator<Item = &'v str>,
    emails: impl IntoIterator<Item = &'v str>,
) -> Vec<String> {
    let mut keys = Vec::new();
    if name_key.is_empty() {
        return keys;
    }
    let sites: Vec<String> = websites
        .into_iter()
        .flat_map(|c| c.split([';', ',', '\n']))
        .filter_map(website_domain)
        .filter(|host| !SHARED_HOSTS.contains(&host.as_str()))
        .collect();
    for site in &sites {
        keys.push(match_key(name_key, Backing::Website, site));
        // A firm's domain is the same whether a row gives it as its website or in an email
        // address: `www.acme.in` on one row and `info@acme.in` on another back one name.
        if !WEBMAIL.contains(&site.as_str()) {
            keys.push(match_key(name_key, Backing::EmailDomain, site));
        }
    }
    push_keys(&mut keys, name_key, Backing::Phone, phones, phone_key);
    push_keys(
        &mut keys,
        name_key,
        Backing::EmailDomain,
        emails,
        email_domain,
    );
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Adds to `keys` one [`match_key`] per value `read` finds in `cells` (each cell split as
/// [`split_values`] splits phones and emails: `"Kumar, Ravi" <ravi@acme.in>` is one value).
fn push_keys<'v>(
    keys: &mut Vec<String>,
    name_key: &str,
    backing: Backing,
    cells: impl IntoIterator<Item = &'v str>,
    read: fn(&str) -> Option<String>,
) {
    let values = cells.into_iter().flat_map(split_values).filter_map(read);
    for value in values {
        keys.push(match_key(name_key, backing, &value));
    }
}

/// A web address reduced to its host: `https://www.acme.in/` → `acme.in`, `acme.in` → `acme.in`.
/// `None` unless the host is a domain name: two or more dot-separated labels of letters, digits
/// and inner hyphens (RFC 1035 §2.3.1; non-ASCII letters for internationalised names), the last
/// of letters only (a top-level domain, or an `xn--` one), with an optional `:port`. So `1.250`,
/// `N/A` and `J.K. Traders` are not web addresses. The map's evidence and the load's URL check
/// both ask this.
pub fn website_domain(raw: &str) -> Option<String> {
    let t = raw.trim();
    // Lower case only when needed: most cells already are (one allocation, for the answer).
    let lowered;
    let t = if t.bytes().any(|b| b.is_ascii_uppercase()) || !t.is_ascii() {
        lowered = t.to_lowercase();
        lowered.as_str()
    } else {
        t
    };
    let t = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .unwrap_or(t);
    let t = t.strip_prefix("www.").unwrap_or(t);
    let authority = t.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    let label = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let top = host.rsplit('.').next().unwrap_or("");
    let top_level = top.starts_with("xn--")
        || (top.chars().count() >= 2 && top.chars().all(char::is_alphabetic));
    (host.contains('.') && host.split('.').all(label) && top_level).then(|| host.to_string())
}

/// The last ten digits of a phone number (the subscriber number in India, without 0 or +91);
/// `None` under eight digits, and `None` for a number that is no one firm's: a placeholder
/// typed to fill a required cell (one digit repeated, `1234567890`) or an Indian toll-free or
/// shared-cost number (`1800…`, `1860…`, TRAI's numbering plan), which a franchise's
/// different firms all give. Two rows sharing one of those are not thereby one company.
pub fn phone_key(raw: &str) -> Option<String> {
    // An extension (`x12`) is a desk at the firm's number: the number is the firm's.
    let number = split_extension(raw).map_or(raw, |(number, _)| number);
    let mut digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    let national = digits
        .strip_prefix("91")
        .filter(|d| d.len() >= 10)
        .or_else(|| digits.strip_prefix('0'))
        .unwrap_or(&digits);
    if national.starts_with("1800") || national.starts_with("1860") {
        return None;
    }
    digits.drain(..digits.len().saturating_sub(10));
    let placeholder = digits.bytes().all(|b| b == digits.as_bytes()[0])
        || "01234567890".contains(digits.as_str())
        || "98765432109876".contains(digits.as_str());
    (!placeholder).then_some(digits)
}

/// Public webmail domains: two firms of one name that both write from `gmail.com` are not thereby
/// one company (small Indian firms often have no domain of their own). Source: the providers'
/// own domains, Indian ones (`rediffmail.com`) included.
const WEBMAIL: [&str; 20] = [
    "aol.com",
    "gmail.com",
    "gmx.com",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "me.com",
    "msn.com",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "rediffmail.com",
    "yahoo.co.in",
    "yahoo.com",
    "yahoo.in",
    "yandex.com",
    "ymail.com",
    "zohomail.in",
];

/// Hosts where many firms have a page (`www.indiamart.com/joshi-foods-pune`): two firms of one
/// name listed on a marketplace or social site are not thereby one company, so such a website
/// backs nothing (a new-user trial saw two Joshi Foods merged by `indiamart.com`). Source: the
/// directories and social sites Indian small firms list themselves on.
const SHARED_HOSTS: [&str; 16] = [
    "business.site",
    "exportersindia.com",
    "facebook.com",
    "fb.com",
    "google.com",
    "indiamart.com",
    "instagram.com",
    "justdial.com",
    "linkedin.com",
    "m.facebook.com",
    "sites.google.com",
    "sulekha.com",
    "tradeindia.com",
    "twitter.com",
    "wa.me",
    "x.com",
];

/// The domain of an email cell's address (`Ravi <ravi@acme.in>` too, read as the load reads
/// it), lower case; `None` for a cell that is no address, or a public webmail domain, which
/// backs nothing ([`WEBMAIL`]).
pub fn email_domain(raw: &str) -> Option<String> {
    normalize_email(raw)
        .ok()?
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .filter(|d| !WEBMAIL.contains(&d.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_are_read_from_the_dropped_words() {
        for (name, form) in [
            ("Acme Tools Pvt. Ltd.", Some(LegalForm::Company)),
            ("ACME TOOLS (P) LTD", Some(LegalForm::Company)),
            ("Acme Tools Limited", Some(LegalForm::Company)),
            ("Acme Tools LLP", Some(LegalForm::Partnership)),
            ("Acme Tools Inc.", Some(LegalForm::Corporation)),
            ("Acme Tools", None),
            ("Vitamin P", None),
        ] {
            assert_eq!(company_name(name).form, form, "{name}");
        }
        let differ =
            |a: &str, b: &str| LegalForm::differ(company_name(a).form, company_name(b).form);
        assert!(differ("Acme Tools LLP", "Acme Tools Pvt Ltd"));
        assert!(!differ("Acme Tools Ltd", "ACME TOOLS PRIVATE LIMITED"));
        assert!(!differ("Acme Tools", "Acme Tools LLP"));
    }

    #[test]
    fn indian_shorthand_and_salutation_fold() {
        for name in [
            "Nila Traders P. Ltd.",
            "Nila Traders (P) Ltd",
            "M/s Nila Traders Pvt Ltd",
            "M/S. NILA TRADERS",
            "Messrs Nila Traders",
        ] {
            assert_eq!(company_key(name), "nila traders", "{name}");
        }
        assert_eq!(company_key("Vitamin P"), "vitamin p");
        assert_eq!(company_key("M. S. Textiles"), "m s textiles");
        assert_eq!(company_key("M/s"), "m s");
        assert_eq!(company_key("Gupta & Sons (P) Ltd."), "gupta and sons");
    }

    #[test]
    fn legal_forms_case_spacing_and_punctuation_fold() {
        let key = company_key("Sharma Textiles Pvt. Ltd.");
        assert_eq!(key, "sharma textiles");
        for other in [
            "SHARMA  TEXTILES PRIVATE LIMITED",
            "Sharma Textiles Pvt Ltd",
            "Sharma Textiles Ltd",
            "sharma textiles",
            " Sharma-Textiles ",
        ] {
            assert_eq!(company_key(other), key, "{other}");
        }
        assert_eq!(
            company_key("Mahalaxmi Tours & Travels"),
            "mahalaxmi tours and travels"
        );
        assert_eq!(company_key("D’Souza Interiors"), "d souza interiors");
        assert_ne!(company_key("Sharma Textiles"), company_key("Sharma Tiles"));
        assert_eq!(company_key("Company Ltd"), "company");
        assert_eq!(company_key("Kaveri Agro LLP"), "kaveri agro");
        assert_eq!(company_key("Patil Steel Works"), "patil steel works");
        assert_eq!(company_key("  "), "");
        // Not ASCII: the general path folds the same way.
        assert_eq!(company_key("MÜLLER & Söhne, Pvt Ltd"), "müller and söhne");
        assert_eq!(company_key("Ltd."), "ltd");
    }

    #[test]
    fn same_name_rows_share_a_key_only_when_something_backs_them() {
        let name = company_key("Zen Traders Pvt Ltd");
        let delhi = match_keys(&name, ["www.zen.in"], ["011-2222 3333"], ["a@zen.in"]);
        let kolkata = match_keys(
            &company_key("ZEN TRADERS LTD"),
            ["www.zentraders.com"],
            ["033-7777 8888"],
            ["b@zentraders.com"],
        );
        assert_eq!(delhi.len(), 3);
        assert!(delhi.iter().all(|k| !kolkata.contains(k)), "{kolkata:?}");
        let same_site = match_keys(&name, ["https://zen.in/"], [""], [""]);
        assert_eq!(
            same_site.len(),
            2,
            "the site, and its domain as an email domain"
        );
        assert!(same_site.iter().all(|k| delhi.contains(k)));
        assert!(
            same_site
                .iter()
                .any(|k| backing_of(k) == Some((Backing::Website, "zen.in")))
        );
        // A website on one row, an address of its domain on another: one firm.
        let by_mail = match_keys(&name, [""], [""], ["sales@zen.in"]);
        assert!(by_mail.iter().any(|k| same_site.contains(k)), "{by_mail:?}");
        // The last ten digits: +91 and a leading 0 fold; a second number in the cell counts.
        let phones = match_keys(&name, [], ["+91 11 2222 3333; 98201 43210"], []);
        assert!(delhi.contains(&phones[0]), "{phones:?}");
        assert_eq!(phones.len(), 2);
        // An extension is a desk at the firm's number, in any of its spellings; a name written
        // with an address (a comma in it) backs the address's domain.
        for cell in [
            "011-2222 3333 x12",
            "+91 11 2222 3333 ext. 4",
            "+91-11-2222-3333;ext=7",
        ] {
            assert_eq!(match_keys(&name, [], [cell], []), phones[..1], "{cell}");
        }
        let named = match_keys(&name, [], [], ["\"Zen, Accounts\" <a@ZEN.in>"]);
        assert_eq!(named, match_keys(&name, [], [], ["a@zen.in"]));
        assert_eq!(named.len(), 1);
        assert!(match_keys("", ["zen.in"], [], []).is_empty());
        assert!(!delhi.contains(&name_only_key(&name)));
        assert_eq!(backing_of(&name_only_key(&name)), None);
        assert_eq!(
            website_domain("https://kaveriagro.example/").as_deref(),
            Some("kaveriagro.example")
        );
        assert_eq!(phone_key("+91 20 2567 8901"), phone_key("020-2567 8901"));
    }

    /// Two firms of one name with pages on one marketplace are not one company.
    #[test]
    fn a_marketplace_page_backs_nothing() {
        let name = company_key("Joshi Foods");
        let pune = match_keys(&name, ["www.indiamart.com/joshi-foods-pune"], [], []);
        let delhi = match_keys(&name, ["https://indiamart.com/joshi-foods-delhi/"], [], []);
        assert!(pune.is_empty() && delhi.is_empty(), "{pune:?} {delhi:?}");
    }

    /// Two one-person firms of one name that both write from a webmail address are not one
    /// company: the load would merge them and lose the second.
    #[test]
    fn a_webmail_domain_backs_nothing() {
        let name = company_key("Sai Traders");
        let pune = match_keys(&name, [], [], ["sai.pune@gmail.com"]);
        let nagpur = match_keys(&name, [], [], ["SaiNagpur@Gmail.com"]);
        assert!(pune.is_empty() && nagpur.is_empty(), "{pune:?} {nagpur:?}");
        assert_eq!(email_domain("a@rediffmail.com"), None);
        assert_eq!(
            email_domain("a@saitraders.in").as_deref(),
            Some("saitraders.in")
        );
    }

    /// A bare domain is a web address; a number, a name with initials or `N/A` is not (the
    /// map's evidence and the load's URL check both ask this, trial 8).
    #[test]
    fn website_domain_is_a_domain_name_or_nothing() {
        for (raw, host) in [
            ("acme.in", "acme.in"),
            ("HTTPS://WWW.Acme.co.in/about?x=1", "acme.co.in"),
            ("http://shop.acme.in:8080/", "shop.acme.in"),
            ("beta-traders.com", "beta-traders.com"),
            ("पुणे.भारत", "पुणे.भारत"),
            ("acme.xn--h2brj9c", "acme.xn--h2brj9c"),
        ] {
            assert_eq!(website_domain(raw).as_deref(), Some(host), "{raw}");
        }
        for raw in [
            "1.250",
            "N/A",
            "J.K. Traders",
            "-acme.in",
            "acme",
            "acme.in-",
            "a@b.com",
            "",
        ] {
            assert_eq!(website_domain(raw), None, "{raw}");
        }
    }

    /// A placeholder or a toll-free number backs no company: different firms of one name that
    /// all give `9999999999` or a franchise's `1800` line are not one firm (trial 8).
    #[test]
    fn a_number_no_one_firm_owns_backs_nothing() {
        for raw in [
            "9999999999",
            "+91 00000 00000",
            "1234567890",
            "9876543210",
            "1800-180-1234",
            "1800 22 3344",
            "+91 1860 500 5555",
            "01860-425-1199",
        ] {
            assert_eq!(phone_key(raw), None, "{raw}");
        }
        for (raw, key) in [
            ("+91 98200 12345", "9820012345"),
            ("022-4444 5555", "2244445555"),
            ("011 2222 3333", "1122223333"),
        ] {
            assert_eq!(phone_key(raw).as_deref(), Some(key), "{raw}");
        }
    }
}
