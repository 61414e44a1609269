//! Observations fixtures → Report assertions: one scenario per file under `tests/fixtures/observations/`,
//! covering every code of the finding catalogue. See `tests/common/scenario.rs` for the format.

mod common;

use common::scenario::{NOW, Scenario};
use include_dir::{Dir, include_dir};
use mta_sts::{Code, evaluate};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

static SCENARIOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/observations");
static PARSER_FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures");

/// Every code that a parser fixture (`tests/fixtures/{record,tlsrpt,policy}`) expects.
fn parser_fixture_codes() -> Vec<String> {
    let mut codes = Vec::new();
    for kind in ["record", "tlsrpt", "policy"] {
        let dir = PARSER_FIXTURES.get_dir(kind).unwrap_or_else(|| panic!("no fixture folder {kind}"));
        for file in dir.files().filter(|f| f.path().extension().is_some_and(|e| e == "json")) {
            let case: serde_json::Value = serde_json::from_slice(file.contents()).expect("fixture");
            let expected = case["codes"].as_array().into_iter().flatten().filter_map(serde_json::Value::as_str);
            codes.extend(expected.map(str::to_owned));
        }
    }
    codes
}

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
        problems.extend(sender_problems(&scenario, &report));
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}\n  findings: {:#?}", problems.join("\n  "), report.findings));
        }
    }
    assert!(failures.is_empty(), "{} scenarios failed:\n{}", failures.len(), failures.join("\n"));
}

/// What the scenario expects of each modelled sender, against the report's sender outcomes.
fn sender_problems(scenario: &Scenario, report: &mta_sts::Report) -> Vec<String> {
    let mut problems = Vec::new();
    let refused: std::collections::BTreeMap<String, Vec<String>> = report
        .senders
        .iter()
        .filter(|s| !s.mx_refused.is_empty())
        .map(|s| (s.id.clone(), s.mx_refused.clone()))
        .collect();
    if refused != scenario.expect.mx_refused {
        problems.push(format!("mx_refused: expected {:?}, got {refused:?}", scenario.expect.mx_refused));
    }
    // The RFC reference reaches the report's verdict.
    if let Some(rfc) = report.senders.first() {
        let agrees = match report.verdict.as_str() {
            "enforce" => matches!(rfc.outcome.as_str(), "enforce" | "mail-fails"),
            "not-deployed" | "invalid" => rfc.outcome.as_str() == "no-policy",
            verdict => rfc.outcome.as_str() == verdict,
        };
        if rfc.id != "rfc" || !agrees {
            problems.push(format!(
                "the RFC reference says {} where the verdict is {}",
                rfc.outcome.as_str(),
                report.verdict.as_str()
            ));
        }
    }
    for sender in &report.senders {
        if sender.sources.is_empty() {
            problems.push(format!("{} names no source", sender.id));
        }
        if (sender.outcome.as_str() == "mail-fails") == sender.mx_refused.is_empty() {
            problems.push(format!("{}: mail-fails exactly when some MX host is refused", sender.id));
        }
    }
    let Some(expected) = &scenario.expect.senders else { return problems };
    let got: std::collections::BTreeMap<String, String> =
        report.senders.iter().map(|s| (s.id.clone(), s.outcome.as_str().to_owned())).collect();
    if &got != expected {
        problems.push(format!("senders: expected {expected:?}, got {got:?}"));
    }
    problems
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_catalogue_code_is_exercised() {
    let scenarios = scenarios();
    let fixture_codes = parser_fixture_codes();
    let mut missing = Vec::new();
    for code in Code::ALL {
        // Reported by `preflight` (a draft against the live state), not by `evaluate`: tested there.
        // A group only names its rules; every rule has its own code, so nothing reports a group itself.
        if *code == Code::PolicyIdUnchanged || code.is_group() {
            continue;
        }
        let in_scenario = scenarios.iter().any(|(_, s)| s.expect.codes.iter().any(|c| c == code.as_str()));
        // A grammar rule (a member of a group) may be exercised rule by rule in the parser fixtures instead.
        let in_parser_fixture = code.group() != *code && fixture_codes.iter().any(|c| c == code.as_str());
        if !in_scenario && !in_parser_fixture {
            missing.push(code.as_str());
        }
    }
    assert!(missing.is_empty(), "no observation scenario expects {missing:?}");
}

/// The check list the page and the CLI show: every finding in exactly one category, passed checks never
/// raised, never a group code, and rules only one shell can check listed only where that shell ran.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_check_list_partitions_findings_and_lists_only_rules_that_ran() {
    use mta_sts::checks::by_category;
    let mut tlsa_passed = 0;
    for (name, scenario) in scenarios() {
        let report = evaluate(&scenario.observations(), NOW).unwrap();
        let checks = by_category(&report);
        let listed: usize = checks.iter().map(|c| c.findings.len()).sum();
        assert_eq!(listed, report.findings.len(), "{name}");
        for category in &checks {
            for f in &category.findings {
                assert_eq!(f.code.category(), category.category, "{name}");
            }
            for code in &category.passed {
                assert!(!code.is_group(), "{name}: {code} is a group");
                assert!(!report.findings.iter().any(|f| f.code == *code), "{name}: {code} raised and passed");
                assert_ne!(*code, Code::PolicyIdUnchanged, "{name}: evaluate never checks the id against a draft");
            }
        }
        let sees_certificate = report.evidence.policy.as_ref().is_some_and(|p| p.certificate.is_some());
        let cert_listed = checks.iter().any(|c| c.passed.contains(&Code::PolicyCertExpiring));
        assert!(!cert_listed || sees_certificate, "{name}: certificate expiry passed without a certificate");
        // The TLSA rules pass only where TLSA records were looked up, never for Observations without them.
        let observations = scenario.observations();
        let tlsa_listed = checks.iter().any(|c| c.passed.contains(&Code::MxTlsaUnusable));
        let looked_up = report.evidence.dns.iter().any(|e| e.probe == mta_sts::plan::ProbeKind::Tlsa);
        assert!(!tlsa_listed || looked_up, "{name}: TLSA records passed without a lookup");
        tlsa_passed += usize::from(tlsa_listed);
        let mut older = observations.clone();
        older.dns.retain(|o| o.probe != mta_sts::plan::ProbeKind::Tlsa);
        let older = by_category(&evaluate(&older, NOW).unwrap());
        assert!(!older.iter().any(|c| c.passed.contains(&Code::MxTlsaUnusable)), "{name}: passed without a lookup");
        if report.verdict == mta_sts::Verdict::LookupFailed {
            assert!(checks.iter().all(|c| c.passed.is_empty()), "{name}: nothing ran to completion");
        }
    }
    assert!(tlsa_passed > 0, "the scenarios' TLSA lookups let the TLSA rules pass somewhere");
}

/// Every artefact a fix offers is complete and valid as it is: the core's own parsers accept it, and
/// a corrected policy covers every MX host of the domain.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_artifact_a_fix_offers_parses_as_valid() {
    use mta_sts::finding::ArtifactKind;
    let mut seen = 0;
    for (name, scenario) in scenarios() {
        let report = evaluate(&scenario.observations(), NOW).unwrap();
        for finding in &report.findings {
            for artifact in &finding.artifacts {
                seen += 1;
                let text = artifact.text.as_bytes();
                match artifact.kind {
                    ArtifactKind::PolicyFile => {
                        let parsed = mta_sts::Policy::parse(text);
                        assert!(parsed.valid(), "{name}: {}: {:?}", artifact.text, parsed.findings);
                        let policy = parsed.value.unwrap();
                        if policy.mode != mta_sts::Mode::None {
                            for host in report.mx.iter().filter(|h| !h.implicit) {
                                assert!(
                                    policy.mx.iter().any(|p| p.matches(&host.host)),
                                    "{name}: {host:?} not covered"
                                );
                            }
                        }
                    }
                    ArtifactKind::StsRecord => {
                        let parsed = mta_sts::StsRecord::parse(text);
                        assert!(parsed.valid(), "{name}: {}: {:?}", artifact.text, parsed.findings);
                    }
                    ArtifactKind::TlsrptRecord => {
                        let parsed = mta_sts::TlsRptRecord::parse(text);
                        assert!(parsed.valid(), "{name}: {}: {:?}", artifact.text, parsed.findings);
                    }
                }
            }
        }
    }
    assert!(seen > 0, "no scenario offers an artefact");
}

/// The reports page compares reports with the policy body in raw observations, without the evaluator
/// (`ReportSet::compare_with_observations`): wherever the evaluator finds a policy, both read the same lines.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reports_pages_live_policy_agrees_with_the_evaluator() {
    let report = br#"{"organization-name": "R", "report-id": "1", "policies": [{"policy": {"policy-type": "sts",
        "policy-domain": "example.com", "policy-string": ["mode: testing"]}}]}"#;
    let set = mta_sts::report::read_files(&[("r.json".to_owned(), report.as_slice())]);
    let mut compared = 0;
    for (name, scenario) in scenarios() {
        let observations = scenario.observations();
        let checked = evaluate(&observations, NOW).unwrap();
        let with_check = set.compare_with_check(&checked);
        let without = set.compare_with_observations(&observations);
        if checked.policy.is_some() {
            assert_eq!(without.live, with_check.live, "{name}");
            assert_eq!(without.senders.len(), with_check.senders.len(), "{name}");
            compared += 1;
        }
        // RFC 8461 §3.3: only a 200 answer is a policy.
        if name.contains("http-404") || name.contains("redirect") {
            assert_eq!(without.live, None, "{name}");
        }
    }
    assert!(compared >= 10, "{compared} scenarios with a policy");
}

/// A record that repeats one mistake (a hundred times here; a TXT record of 64 KB can hold 32,000): the
/// report lists the first few findings of the code, the last of them counts the rest, and the summary counts
/// them all.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_mistake_repeated_a_hundred_times_is_listed_a_few_times_and_counted() {
    let scenario: Scenario =
        serde_json::from_str(include_str!("fixtures/observations/tlsrpt-repeated-empty-fields.json")).unwrap();
    let report = evaluate(&scenario.observations(), NOW).unwrap();
    let empty: Vec<usize> =
        report.findings.iter().filter(|f| f.code == Code::TlsrptFieldEmpty).map(|f| f.more).collect();
    let listed = mta_sts::finding::LISTED_PER_CODE;
    assert_eq!(empty.len(), listed, "{:#?}", report.findings);
    assert_eq!(empty.last(), Some(&(100 - listed)));
    let last = report.findings.iter().rfind(|f| f.code == Code::TlsrptFieldEmpty).unwrap();
    assert_eq!(last.more_sentence().as_deref(), Some("The same problem occurs 90 more times; those are not listed."));
    assert!(empty[..listed - 1].iter().all(|&more| more == 0));
    assert_eq!(report.verdict.as_str(), "enforce", "{:#?}", report.findings);
    assert!(report.summary.ends_with("100 problems need fixing."), "{}", report.summary);
    let json = serde_json::to_value(&report).unwrap();
    let more: Vec<&serde_json::Value> =
        json["findings"].as_array().unwrap().iter().filter_map(|f| f.get("more")).collect();
    assert_eq!(more, [&serde_json::json!(100 - listed)], "only the last listed finding carries `more`");
}

/// The MX table names the hosted provider of each host it knows, and the corrected policy covers
/// Google Workspace's alternates with the one pattern that does (`crate::providers`).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn provider_hosts_are_named_and_covered_with_their_pattern() {
    let scenario: Scenario =
        serde_json::from_str(include_str!("fixtures/observations/mx-provider-google-alternates.json")).unwrap();
    let report = evaluate(&scenario.observations(), NOW).unwrap();
    let providers: Vec<Option<&str>> = report.mx.iter().map(|h| h.provider.as_deref()).collect();
    assert_eq!(providers, [Some("Google Workspace"); 3]);
    let republished = report.findings.iter().flat_map(|f| &f.artifacts).next().expect("the corrected policy");
    assert_eq!(republished.text.matches("mx: ").count(), 2, "{}", republished.text);
    assert!(republished.text.contains("mx: *.aspmx.l.google.com"), "{}", republished.text);
}
