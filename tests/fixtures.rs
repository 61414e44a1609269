//! Data-driven conformance fixtures: one JSON file per case under `tests/fixtures/<kind>/`, each citing
//! the RFC rule it exercises in its `rule` field. Embedded at compile time so the very same cases run
//! natively and on wasm32 (`cargo test --target wasm32-unknown-unknown`).
//!
//! Fixture shape:
//!
//! ```json
//! { "rule": "RFC 8461 §3.2: ...", "input": "...", "valid": true,
//!   "codes": ["policy-mode-testing"], "value": { ... } }
//! ```
//!
//! * `policy`: `input` is the body as a string, or `input_base64` for bytes that are not UTF-8;
//! * `record`, `tlsrpt`: `input` is the RRset, an array of records (character-strings joined); with
//!   `"single": true`, `input` is one record read on its own (`StsRecord::parse`, as a draft is), which
//!   reaches the version rules that the RRset filter never lets through;
//! * `mx`: `pattern`, `host`, and `matches` (`true`, `false`, or `null` for a malformed pattern);
//! * `codes` lists every finding code expected, in any order; `value` (optional) is compared with the
//!   parsed value's JSON; `spans` (optional) maps a code to the `[start, end)` byte span one of its
//!   findings must have (for `record`/`tlsrpt`, into the record at the finding's `record_index`).

use base64::Engine as _;
use include_dir::{Dir, include_dir};
use mta_sts::finding::{ArtifactKind, Finding, Parsed};
use mta_sts::{MxPattern, Policy, StsRecord, TlsRptRecord};
use serde::Serialize;
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

static FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures");

fn cases(kind: &str) -> Vec<(String, Value)> {
    let dir = FIXTURES.get_dir(kind).unwrap_or_else(|| panic!("no fixture folder {kind}"));
    let mut out: Vec<(String, Value)> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "json"))
        .map(|f| {
            let name = f.path().display().to_string();
            let value = serde_json::from_slice(f.contents()).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A record read on its own rather than as an RRset.
fn single(case: &Value) -> bool {
    case.get("single").and_then(Value::as_bool).unwrap_or(false)
}

fn rrset(case: &Value) -> Vec<Vec<u8>> {
    match &case["input"] {
        Value::String(s) => vec![s.as_bytes().to_vec()],
        Value::Array(items) => items.iter().map(|v| v.as_str().expect("record").as_bytes().to_vec()).collect(),
        other => panic!("input must be a string or an array, got {other}"),
    }
}

/// Compares a parse result with the case's expectations; returns what differs.
fn check<T: Serialize>(case: &Value, parsed: &Parsed<T>) -> Vec<String> {
    let mut problems = Vec::new();
    assert!(case["rule"].as_str().is_some_and(|r| r.starts_with("RFC")), "every fixture cites its RFC rule");
    if let Some(valid) = case.get("valid").and_then(Value::as_bool)
        && parsed.valid() != valid
    {
        problems.push(format!("valid: expected {valid}, got {}", parsed.valid()));
    }
    let expected_codes = case.get("codes").and_then(Value::as_array).expect("codes");
    let mut expected: Vec<&str> = expected_codes.iter().map(|c| c.as_str().expect("code")).collect();
    let mut got: Vec<&str> = parsed.findings.iter().map(|f| f.code.as_str()).collect();
    expected.sort_unstable();
    got.sort_unstable();
    if expected != got {
        problems.push(format!("codes: expected {expected:?}, got {got:?} ({:#?})", parsed.findings));
    }
    if let Some(value) = case.get("value") {
        let actual = serde_json::to_value(&parsed.value).unwrap();
        if &actual != value {
            problems.push(format!("value: expected {value}, got {actual}"));
        }
    }
    if let Some(spans) = case.get("spans").and_then(Value::as_object) {
        for (code, span) in spans {
            let want: Vec<u64> = span.as_array().expect("[start, end]").iter().filter_map(Value::as_u64).collect();
            let found = parsed
                .findings
                .iter()
                .any(|f| f.code.as_str() == code && f.span.is_some_and(|s| want == [s.start as u64, s.end as u64]));
            if !found {
                let spans: Vec<_> = parsed.findings.iter().map(|f| (f.code.as_str(), f.span)).collect();
                problems.push(format!("span: no {code} finding at {want:?}; got {spans:?}"));
            }
        }
    }
    // One code per rule: a group (record-invalid, policy-invalid, tlsrpt-invalid) is never reported, so a
    // fixture that expects one would pass for any rule of the group.
    for code in &expected {
        if mta_sts::Code::from_str_opt(code).is_none_or(mta_sts::Code::is_group) {
            problems.push(format!("expects `{code}`, which is not a rule's code (a group or unknown)"));
        }
    }
    // Every artefact a fix offers pastes as it is: the core's own parser reads it as valid.
    for finding in &parsed.findings {
        for artifact in &finding.artifacts {
            let text = artifact.text.as_bytes();
            let valid = match artifact.kind {
                ArtifactKind::PolicyFile => Policy::parse(text).valid(),
                ArtifactKind::StsRecord => StsRecord::parse(text).valid(),
                ArtifactKind::TlsrptRecord => TlsRptRecord::parse(text).valid(),
            };
            if !valid {
                problems.push(format!("{}: the artefact {:?} is not valid", finding.code, artifact.text));
            }
        }
    }
    for finding in &parsed.findings {
        if finding.message.is_empty() {
            problems.push(format!("{} has an empty message", finding.code));
        }
    }
    problems
}

/// Every fix that offers edits fixes its finding: with one finding's edits applied to the input it refers
/// to, the parser reports that rule fewer times and no error appears that was not there before.
fn check_edits<T>(inputs: &[Vec<u8>], parse: impl Fn(&[Vec<u8>]) -> Parsed<T>) -> Vec<String> {
    let before = parse(inputs);
    let count =
        |p: &Parsed<T>, code| p.findings.iter().filter(|f| f.code == code).map(Finding::occurrences).sum::<usize>();
    let mut problems = Vec::new();
    for finding in before.findings.iter().filter(|f| !f.edits.is_empty()) {
        // The shells show the change from the preview alone.
        if finding.preview.is_none() {
            problems.push(format!("{}: edits without a preview", finding.code));
        }
        let index = finding.record_index.unwrap_or(0);
        let mut fixed = inputs.to_vec();
        fixed[index] = mta_sts::apply_edits(&inputs[index], &finding.edits);
        let after = parse(&fixed);
        if count(&after, finding.code) >= count(&before, finding.code) {
            problems.push(format!(
                "{}: its edits give {:?}, which still has the problem",
                finding.code,
                String::from_utf8_lossy(&fixed[index])
            ));
        }
        for new in after.findings.iter().filter(|f| f.severity == mta_sts::Severity::Error) {
            if !before.findings.iter().any(|f| f.code == new.code) {
                problems.push(format!("{}: its edits introduce {}", finding.code, new.code));
            }
        }
    }
    problems
}

fn run(kind: &str, evaluate: impl Fn(&Value) -> Vec<String>) -> usize {
    let cases = cases(kind);
    let mut failures = Vec::new();
    for (name, case) in &cases {
        let problems = evaluate(case);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {kind} fixtures failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn policy_fixtures() {
    run("policy", |case| {
        let body = match (&case["input"], case.get("input_base64")) {
            (Value::String(s), None) => s.as_bytes().to_vec(),
            (Value::Null, Some(Value::String(b))) => {
                base64::engine::general_purpose::STANDARD.decode(b).expect("base64")
            }
            _ => panic!("policy fixture needs `input` or `input_base64`"),
        };
        let mut problems = check(case, &Policy::parse(&body));
        problems.extend(check_edits(&[body], |inputs| Policy::parse(&inputs[0])));
        problems
    });
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn record_fixtures() {
    run("record", |case| {
        if single(case) {
            return check(case, &StsRecord::parse(&rrset(case)[0]));
        }
        let mut problems = check(case, &StsRecord::parse_rrset(&rrset(case)));
        problems.extend(check_edits(&rrset(case), StsRecord::parse_rrset));
        problems
    });
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tlsrpt_fixtures() {
    run("tlsrpt", |case| {
        if single(case) {
            return check(case, &TlsRptRecord::parse(&rrset(case)[0]));
        }
        let mut problems = check(case, &TlsRptRecord::parse_rrset(&rrset(case)));
        problems.extend(check_edits(&rrset(case), TlsRptRecord::parse_rrset));
        problems
    });
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn mx_fixtures() {
    run("mx", |case| {
        let pattern = case["pattern"].as_str().expect("pattern");
        let host = case["host"].as_str().expect("host");
        assert!(case["rule"].as_str().is_some_and(|r| r.starts_with("RFC")), "every fixture cites its RFC rule");
        let got = MxPattern::parse(pattern).ok().map(|p| p.matches(host));
        let expected = case["matches"].as_bool();
        if got == expected {
            Vec::new()
        } else {
            vec![format!("{pattern} vs {host}: expected {expected:?}, got {got:?}")]
        }
    });
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_corpus_is_large_enough() {
    let total: usize = ["policy", "record", "tlsrpt", "mx"].iter().map(|k| cases(k).len()).sum();
    assert!(total >= 150, "only {total} parser fixtures; the conformance corpus needs at least 150");
}

/// Every rule a parser reports with a span has at least one fixture that pins that span.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_spanned_rule_has_a_fixture_pinning_its_span() {
    let mut spanned = std::collections::BTreeSet::new();
    let mut pinned = std::collections::BTreeSet::new();
    for kind in ["policy", "record", "tlsrpt"] {
        for (_, case) in cases(kind) {
            let findings = match kind {
                "policy" => match (&case["input"], case.get("input_base64")) {
                    (Value::String(s), None) => Policy::parse(s.as_bytes()).findings,
                    (_, Some(Value::String(b))) => {
                        Policy::parse(&base64::engine::general_purpose::STANDARD.decode(b).expect("base64")).findings
                    }
                    _ => Vec::new(),
                },
                "record" if single(&case) => StsRecord::parse(&rrset(&case)[0]).findings,
                "record" => StsRecord::parse_rrset(&rrset(&case)).findings,
                _ if single(&case) => TlsRptRecord::parse(&rrset(&case)[0]).findings,
                _ => TlsRptRecord::parse_rrset(&rrset(&case)).findings,
            };
            spanned.extend(findings.iter().filter(|f| f.span.is_some()).map(|f| f.code.as_str()));
            if let Some(spans) = case.get("spans").and_then(Value::as_object) {
                pinned.extend(spans.keys().cloned());
            }
        }
    }
    let unpinned: Vec<&str> = spanned.into_iter().filter(|c| !pinned.contains(*c)).collect();
    assert!(unpinned.is_empty(), "no fixture pins the span of {unpinned:?}");
}

/// The TLS-RPT report fixtures read the same on every target (the gzip and email readers included): each
/// report file gives one report (the array file two) and no error, the DMARC report its own sentence.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn report_fixtures() {
    let dir = FIXTURES.get_dir("reports").expect("the reports fixture folder");
    let files: Vec<(String, &[u8])> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e != "md"))
        .map(|f| (f.path().display().to_string(), f.contents()))
        .collect();
    assert!(files.len() >= 8, "{} report fixtures", files.len());
    let set = mta_sts::report::read_files(&files);
    for file in &set.files {
        if file.file.contains("dmarc") {
            assert!(file.error.as_deref().is_some_and(|e| e.contains("DMARC aggregate report")), "{file:?}");
        } else {
            let reports = if file.file.contains("array-of-reports") { 2 } else { 1 };
            assert_eq!((file.reports, &file.error), (reports, &None), "{}", file.file);
        }
    }
    // The two emails carry google-shape.json and the array both google-shape files: read again, counted once.
    assert_eq!(set.reports.len(), files.len() - 4);
    assert_eq!(set.totals.by_result_type.get("starttls-not-supported"), Some(&200));
}
