//! Observations fixtures → Report assertions: one scenario per file under `tests/fixtures/observations/`,
//! covering every code of the finding catalogue. See `tests/common/scenario.rs` for the format.

mod common;

use common::scenario::{NOW, Scenario};
use include_dir::{Dir, include_dir};
use mta_sts::{Code, evaluate};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

static SCENARIOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/observations");

fn scenarios() -> Vec<(String, Scenario)> {
    let mut out: Vec<(String, Scenario)> = SCENARIOS
        .files()
        .map(|f| {
            let name = f.path().display().to_string();
            let scenario = serde_json::from_slice(f.contents()).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn observation_scenarios() {
    let mut failures = Vec::new();
    for (name, scenario) in scenarios() {
        assert!(scenario.rule.starts_with("RFC"), "{name}: every scenario cites its RFC rule");
        let observations = scenario.observations();
        // The wire type survives JSON, as it does between the worker and the browser.
        let json = serde_json::to_string(&observations).unwrap();
        let observations: mta_sts::Observations = serde_json::from_str(&json).unwrap();
        let report = evaluate(&observations, NOW).unwrap();
        let mut problems = Vec::new();
        if report.verdict.as_str() != scenario.expect.verdict {
            problems.push(format!("verdict: expected {}, got {}", scenario.expect.verdict, report.verdict.as_str()));
        }
        if report.valid != scenario.expect.valid {
            problems.push(format!("valid: expected {}, got {}", scenario.expect.valid, report.valid));
        }
        let mut expected: Vec<&str> = scenario.expect.codes.iter().map(String::as_str).collect();
        let mut got: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        expected.sort_unstable();
        got.sort_unstable();
        if expected != got {
            problems.push(format!("codes: expected {expected:?}, got {got:?}"));
        }
        if let Some(mx) = &scenario.expect.mx {
            let actual: std::collections::BTreeMap<String, Option<String>> =
                report.mx.iter().map(|h| (h.host.clone(), h.pattern.clone())).collect();
            if &actual != mx {
                problems.push(format!("mx: expected {mx:?}, got {actual:?}"));
            }
        }
        for needle in &scenario.expect.fix_contains {
            if !report.findings.iter().filter_map(|f| f.fix.as_deref()).any(|fix| fix.contains(needle.as_str())) {
                problems.push(format!("no fix contains {needle:?}"));
            }
        }
        if report.summary.is_empty() {
            problems.push("empty summary".to_owned());
        }
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}\n  findings: {:#?}", problems.join("\n  "), report.findings));
        }
    }
    assert!(failures.is_empty(), "{} scenarios failed:\n{}", failures.len(), failures.join("\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_catalogue_code_is_exercised() {
    let scenarios = scenarios();
    let mut missing = Vec::new();
    for code in Code::ALL {
        // Reported by `preflight` (a draft against the live state), not by `evaluate`: tested there.
        // Groups are never reported. A body that is not UTF-8 cannot be written as a scenario's JSON
        // string: `policy-not-utf8` is exercised by the policy fixtures.
        if *code == Code::PolicyIdUnchanged || code.is_group() || *code == Code::PolicyNotUtf8 {
            continue;
        }
        if !scenarios.iter().any(|(_, s)| s.expect.codes.iter().any(|c| c == code.as_str())) {
            missing.push(code.as_str());
        }
    }
    assert!(missing.is_empty(), "no observation scenario expects {missing:?}");
}
