//! Examples for `mta-sts explain`: the conformance corpus (`tests/fixtures/{record,policy,tlsrpt}`) is
//! built in, and a rule's example is the smallest fixture that reports it, run through the core's parser.
//! An example therefore cannot drift from what the parser really says.

use base64::Engine as _;
use include_dir::{Dir, include_dir};
use mta_sts::finding::{Category, Finding};
use mta_sts::{Code, Policy, StsRecord, TlsRptRecord};
use serde_json::Value;

static FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../tests/fixtures");

/// A rule's example: the input, which fixture it comes from, and the finding the core reports for it.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Example {
    /// The fixture's path under `tests/fixtures`.
    pub(crate) fixture: String,
    /// What the input is: `policy file`, `_mta-sts TXT record`, `_smtp._tls TXT record`.
    pub(crate) kind: &'static str,
    /// The input: the policy body, or the TXT records (one per element).
    pub(crate) input: Vec<Vec<u8>>,
    pub(crate) finding: Finding,
}

fn folder(category: Category) -> Option<(&'static str, &'static str)> {
    match category {
        Category::Record => Some(("record", "_mta-sts TXT record")),
        Category::PolicyFile => Some(("policy", "policy file")),
        Category::Tlsrpt => Some(("tlsrpt", "_smtp._tls TXT record")),
        Category::PolicyHost | Category::Mx | Category::Dns => None,
    }
}

fn input(case: &Value) -> Option<Vec<Vec<u8>>> {
    match (&case["input"], case.get("input_base64")) {
        (Value::String(s), _) => Some(vec![s.as_bytes().to_vec()]),
        (Value::Array(items), _) => items.iter().map(|v| v.as_str().map(|s| s.as_bytes().to_vec())).collect(),
        (_, Some(Value::String(b))) => base64::engine::general_purpose::STANDARD.decode(b).ok().map(|b| vec![b]),
        _ => None,
    }
}

fn findings(folder: &str, input: &[Vec<u8>]) -> Vec<Finding> {
    match folder {
        "policy" => Policy::parse(input.first().map_or(&[][..], Vec::as_slice)).findings,
        "record" => StsRecord::parse_rrset(input).findings,
        _ => TlsRptRecord::parse_rrset(input).findings,
    }
}

/// The smallest parser fixture that reports `code` (fewest findings, then the shortest input), if the code
/// is a parser's.
pub(crate) fn example(code: Code) -> Option<Example> {
    let (name, kind) = folder(code.category())?;
    let dir = FIXTURES.get_dir(name)?;
    let mut candidates: Vec<(usize, usize, String, Vec<Vec<u8>>)> = dir
        .files()
        .filter_map(|file| {
            let case: Value = serde_json::from_slice(file.contents()).ok()?;
            let codes = case["codes"].as_array()?;
            codes.iter().any(|c| c.as_str() == Some(code.as_str())).then_some(())?;
            let input = input(&case)?;
            let size = input.iter().map(Vec::len).sum();
            Some((codes.len(), size, file.path().display().to_string(), input))
        })
        .collect();
    candidates.sort();
    candidates.into_iter().find_map(|(_, _, fixture, input)| {
        let finding = findings(name, &input).into_iter().find(|f| f.code == code)?;
        Some(Example { fixture, kind, input, finding })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule the parser corpus exercises has an example, and the example really reports it.
    #[test]
    fn every_rule_of_the_corpus_has_an_example() {
        let mut exercised = std::collections::BTreeSet::new();
        for name in ["record", "policy", "tlsrpt"] {
            for file in FIXTURES.get_dir(name).expect("fixture folder").files() {
                let case: Value = serde_json::from_slice(file.contents()).expect("fixture");
                let codes = case["codes"].as_array().expect("codes").iter().filter_map(Value::as_str);
                exercised.extend(codes.filter_map(Code::from_str_opt));
            }
        }
        assert!(exercised.len() > 60, "only {} codes in the corpus", exercised.len());
        for code in exercised {
            let example = example(code).unwrap_or_else(|| panic!("{code} has no example"));
            assert_eq!(example.finding.code, code);
        }
        assert!(example(Code::MxNotCovered).is_none(), "not a parser's rule");
    }
}
