//! Examples for `mta-sts explain`: the conformance corpus is built in. A rule's example is the smallest
//! parser fixture (`tests/fixtures/{record,policy,tlsrpt}`) that reports it, run through the core's
//! parser; for rules only a whole check reports, the smallest scenario (`tests/fixtures/observations`)
//! that reports it, run through `evaluate`. An example therefore cannot drift from what the core says.

use base64::Engine as _;
use include_dir::{Dir, include_dir};
use mta_sts::finding::{Category, Finding};
use mta_sts::scenario::{NOW, Scenario};
use mta_sts::{Code, Policy, StsRecord, TlsRptRecord, evaluate};
use serde_json::Value;
use std::fmt::Write as _;

static FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../tests/fixtures");

/// A rule's example: where it comes from, what was checked, and the finding the core reports for it.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Example {
    /// The fixture's path under `tests/fixtures`.
    pub(crate) fixture: String,
    /// What the input is: `policy file`, `_mta-sts TXT record`, `_smtp._tls TXT record`, or `domain`
    /// for a scenario.
    pub(crate) kind: &'static str,
    /// What was checked, one line each: the policy body's lines, the TXT records, or a scenario's DNS
    /// answers and policy response.
    pub(crate) input: Vec<String>,
    /// The bytes the finding's span points into (the policy body, the record), if it has a span.
    #[serde(skip)]
    pub(crate) source: Option<(&'static str, Vec<u8>, bool)>,
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

/// The findings of a parser fixture; `single`: one record read on its own, as a draft is.
fn findings(folder: &str, input: &[Vec<u8>], single: bool) -> Vec<Finding> {
    let first = input.first().map_or(&[][..], Vec::as_slice);
    match (folder, single) {
        ("policy", _) => Policy::parse(first).findings,
        ("record", true) => StsRecord::parse(first).findings,
        ("record", false) => StsRecord::parse_rrset(input).findings,
        (_, true) => TlsRptRecord::parse(first).findings,
        (_, false) => TlsRptRecord::parse_rrset(input).findings,
    }
}

/// Input bytes as lines a person can read, invisible bytes shown.
fn lines(bytes: &[u8]) -> Vec<String> {
    mta_sts::finding::visible(bytes).split_inclusive('␊').map(str::to_owned).collect()
}

/// The candidates of one folder that expect `code`, smallest first: (number of codes, size, path, case).
fn candidates(folder: &str, code: Code) -> Vec<(usize, usize, String, Value)> {
    let Some(dir) = FIXTURES.get_dir(folder) else { return Vec::new() };
    let mut found: Vec<(usize, usize, String, Value)> = dir
        .files()
        .filter_map(|file| {
            let case: Value = serde_json::from_slice(file.contents()).ok()?;
            let codes = case.get("codes").or_else(|| case.get("expect").and_then(|e| e.get("codes")))?.as_array()?;
            codes.iter().any(|c| c.as_str() == Some(code.as_str())).then_some(())?;
            Some((codes.len(), file.contents().len(), file.path().display().to_string(), case))
        })
        .collect();
    found.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    found
}

fn parser_example(code: Code) -> Option<Example> {
    let (name, kind) = folder(code.category())?;
    candidates(name, code).into_iter().find_map(|(_, _, fixture, case)| {
        let input = input(&case)?;
        let single = case.get("single").and_then(Value::as_bool).unwrap_or(false);
        let finding = findings(name, &input, single).into_iter().find(|f| f.code == code)?;
        let index = finding.record_index.unwrap_or(0);
        let source =
            input.get(index).map(|b| (if name == "policy" { "policy" } else { "record" }, b.clone(), name == "policy"));
        let shown = if name == "policy" { lines(&input[0]) } else { input.iter().map(|r| lines(r).concat()).collect() };
        Some(Example { fixture, kind, input: shown, source, finding })
    })
}

fn scenario_example(code: Code) -> Option<Example> {
    candidates("observations", code).into_iter().find_map(|(_, _, fixture, case)| {
        let scenario: Scenario = serde_json::from_value(case).ok()?;
        let observations = scenario.try_observations().ok()?;
        let report = evaluate(&observations, NOW).ok()?;
        let finding = report.findings.into_iter().find(|f| f.code == code)?;
        let mut input: Vec<String> = scenario
            .zone
            .iter()
            .map(|(owner, rtype, value)| {
                let value = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                format!("{owner} {rtype} {value}")
            })
            .collect();
        input.extend(scenario.faults.iter().map(|(query, fault)| format!("{query}: {fault}")));
        let body = scenario.policy.as_ref().and_then(|p| p.body.clone());
        if let Some(policy) = &scenario.policy {
            let what = match (&policy.error, policy.status) {
                (Some(error), _) => format!("the policy fetch fails: {error}"),
                (None, status) => {
                    let mut what = format!("the policy URL answers {}", status.unwrap_or(200));
                    if let Some(location) = &policy.location {
                        let _ = write!(what, ", Location: {location}");
                    }
                    if let Some(content_type) = &policy.content_type {
                        let _ = write!(what, ", Content-Type: {content_type}");
                    }
                    what
                }
            };
            input.push(what);
            input.extend(body.iter().flat_map(|b| lines(b.as_bytes())).map(|l| format!("  {l}")));
        }
        // Spans of policy-file findings point into the body.
        let source = body.filter(|_| finding.span.is_some()).map(|b| ("policy", b.into_bytes(), true));
        Some(Example { fixture, kind: "domain", input, source, finding })
    })
}

/// The example of a rule, if the corpus has one.
pub(crate) fn example(code: Code) -> Option<Example> {
    parser_example(code).or_else(|| scenario_example(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule that is reported at all has an example (the corpus exercises every rule, a core test
    /// makes sure), and the example really reports it.
    #[test]
    fn every_reported_rule_has_an_example() {
        let missing: Vec<&str> = Code::ALL
            .iter()
            .filter(|c| !c.is_group() && c.checked_by() != mta_sts::finding::CheckedBy::Preflight)
            .filter(|&&c| example(c).is_none_or(|e| e.finding.code != c))
            .map(|c| c.as_str())
            .collect();
        assert!(missing.is_empty(), "no example for {missing:?}");
        let covered = example(Code::MxNotCovered).expect("a scenario");
        assert!(covered.fixture.starts_with("observations/") && covered.kind == "domain", "{covered:?}");
        assert!(example(Code::PolicyBom).is_some_and(|e| e.fixture.starts_with("policy/")));
    }
}
