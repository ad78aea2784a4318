//! The dedupe key of a company name: two RSoft companies (or an RSoft company and a Nutshell
//! account) with the same key are one account (issue 9: "case, spacing, punctuation, Pvt. Ltd. /
//! Private Limited / Ltd variants").

/// Legal-form words dropped from the end of a name, after punctuation is gone: "Pvt. Ltd.",
/// "Private Limited", "Pvt Ltd", "Ltd", "Limited", "LLP", "Inc", "Co", … in any combination.
const LEGAL_FORMS: [&str; 12] = [
    "private",
    "pvt",
    "pte",
    "limited",
    "ltd",
    "llp",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
];

/// The normalised company name: lower case, `&` read as "and", punctuation gone, spaces collapsed,
/// trailing legal-form words dropped (`Sharma Textiles Pvt. Ltd.` and `sharma textiles private
/// limited` → `sharma textiles`). A name made only of legal-form words keeps them, so it never
/// becomes empty; a blank name gives an empty key.
pub fn company_key(name: &str) -> String {
    let lower = name.to_lowercase().replace('&', " and ");
    let cleaned: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut end = words.len();
    while end > 1 && LEGAL_FORMS.contains(&words[end - 1]) {
        end -= 1;
    }
    words[..end].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(company_key("  "), "");
    }
}
