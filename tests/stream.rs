//! The streamed `/api/observe` answer (`stream=1`): for every scenario, its lines folded in any order and
//! cut into chunks anywhere give back the unstreamed Observations, and the report equals `evaluate`'s; a
//! probe that has not answered yet is pending, never failed.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeSet;

use common::scenario::{NOW, Scenario};
use include_dir::{Dir, include_dir};
use mta_sts::api::{Line, StreamError, StreamReader};
use mta_sts::finding::Category;
use mta_sts::observe::{Observations, Probe};
use mta_sts::{Domain, Report, Verdict, evaluate, plan};
use proptest::prelude::*;

static SCENARIOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/observations");

fn scenarios() -> Vec<(String, Observations)> {
    let mut out: Vec<(String, Observations)> = SCENARIOS
        .files()
        .map(|f| {
            let name = f.path().display().to_string();
            let scenario: Scenario = serde_json::from_slice(f.contents()).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario.observations())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What a shell streams for these observations: the first line, one line per probe, the last line.
fn probe_lines(obs: &Observations) -> (Line, Vec<Line>) {
    let plan = plan(&Domain::parse(&obs.domain).unwrap());
    let mut start = Line::start(&plan, obs.resolver.as_deref().unwrap(), obs.observed_at.unwrap());
    // The scenario's shell ran exactly these probes.
    start.pending.retain(|p| obs.dns.iter().any(|o| Probe::from(o.probe) == *p) || *p == Probe::Policy);
    let mut probes: Vec<Line> = obs.dns.iter().cloned().map(Line::dns).collect();
    probes.extend(obs.policy.clone().map(Line::policy));
    (start, probes)
}

fn codes(report: &Report) -> BTreeSet<&str> {
    report.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Streams `order` of the probe lines as ndjson cut at `cuts`, checking each partial report on the way.
fn stream(name: &str, obs: &Observations, order: &[usize], cuts: &[usize]) {
    let full = evaluate(obs, NOW).unwrap();
    let (start, probes) = probe_lines(obs);
    let mut text = start.to_ndjson();
    for &i in order {
        text.push_str(&probes[i].to_ndjson());
    }
    text.push_str(&Line::done().to_ndjson());
    let mut reader = StreamReader::default();
    let mut at = 0;
    let mut lines_seen = 0;
    // The whole answer, cut at the sorted positions `cuts`.
    for end in cuts.iter().map(|&c| c % (text.len() + 1)).chain([text.len()]) {
        let end = end.max(at);
        if reader.push(&text.as_bytes()[at..end]).unwrap() {
            lines_seen += 1;
        }
        at = end;
        let Some(partial) = reader.partial() else { continue };
        let report = partial.evaluate(NOW).unwrap();
        if partial.pending.is_empty() {
            // The last probe landed: the verdict is there, before the last line.
            assert_eq!(report, full, "{name}");
            continue;
        }
        assert_eq!(report.verdict, Verdict::Pending, "{name}: a running check has no verdict yet");
        assert_eq!(report.pending, partial.pending, "{name}");
        // Pending is never failed: nothing is reported that the finished check does not report.
        let extra: Vec<&str> = codes(&report).difference(&codes(&full)).copied().collect();
        assert!(extra.is_empty(), "{name}: partial report has {extra:?}");
    }
    assert!(lines_seen > 0, "{name}");
    let partial = reader.partial().unwrap().clone();
    assert!(partial.done && partial.pending.is_empty(), "{name}");
    assert_eq!(partial.evaluate(NOW).unwrap(), full, "{name}: streamed and unstreamed reports differ");
    assert_eq!(reader.finish().unwrap(), *obs, "{name}: the lines fold back into the Observations");
}

#[test]
fn every_scenario_streamed_in_plan_order_and_reversed_equals_the_unstreamed_report() {
    for (name, obs) in scenarios() {
        let (_, probes) = probe_lines(&obs);
        let order: Vec<usize> = (0..probes.len()).collect();
        stream(&name, &obs, &order, &[]);
        let reversed: Vec<usize> = order.iter().rev().copied().collect();
        stream(&name, &obs, &reversed, &[1, 7, 300, 301, 302]);
    }
}

#[test]
fn dns_findings_come_before_the_policy_answers() {
    let (name, obs) = scenarios().into_iter().find(|(n, _)| n.ends_with("mx-not-covered-enforce.json")).unwrap();
    let (start, probes) = probe_lines(&obs);
    let mut reader = StreamReader::default();
    reader.fold(start).unwrap();
    let nothing = reader.partial().unwrap().evaluate(NOW).unwrap();
    assert!(nothing.findings.is_empty() && nothing.record.is_none(), "{name}: {:?}", codes(&nothing));
    for line in probes.into_iter().filter(|l| l.dns.is_some()) {
        reader.fold(line).unwrap();
    }
    let partial = reader.partial().unwrap();
    assert_eq!(partial.pending, [Probe::Policy]);
    let report = partial.evaluate(NOW).unwrap();
    assert!(report.record.is_some() && report.tlsrpt.is_some() && !report.mx.is_empty(), "{name}");
    assert_eq!(report.verdict, Verdict::Pending);
    assert!(report.evidence.policy.is_none(), "{name}");
    // The MX hosts are known, their coverage is not.
    assert!(!codes(&report).contains("mx-not-covered") && !codes(&report).contains("policy-not-fetched"));
    // The records' checks have run; the policy's and the coverage's have not.
    let checks = mta_sts::checks::by_category(&report);
    let passed = |category| checks.iter().find(|c| c.category == category).map_or(0, |c| c.passed.len());
    assert!(passed(Category::Record) > 0 && passed(Category::Tlsrpt) > 0, "{checks:?}");
    assert_eq!((passed(Category::Mx), passed(Category::PolicyFile), passed(Category::PolicyHost)), (0, 0, 0));
}

#[test]
fn refusals_and_broken_streams_are_errors() {
    let mut reader = StreamReader::default();
    assert!(matches!(reader.push(b"{\"dns\":null}\n"), Err(StreamError::NoStart)));
    let mut reader = StreamReader::default();
    let refused = reader.push(b"{\"domain\":\"example.com\",\"pending\":[\"mx\"]}\n{\"error\":\"Too slow.\"}\n");
    assert!(matches!(refused, Err(StreamError::Refused(reason)) if reason == "Too slow."));
    let mut reader = StreamReader::default();
    reader.push(b"{\"domain\":\"example.com\",\"pending\":[\"mx\"]}\n").unwrap();
    assert!(matches!(reader.finish(), Err(StreamError::Incomplete)));
    let mut reader = StreamReader::default();
    assert!(matches!(reader.push(b"not json\n"), Err(StreamError::Decode(_))));
    // The last line may come without its newline.
    let mut reader = StreamReader::default();
    reader.push(b"{\"domain\":\"example.com\"}\n{\"done\":true}").unwrap();
    assert_eq!(reader.finish().unwrap().domain, "example.com");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any scenario, its probes in any order, the bytes cut anywhere.
    #[test]
    fn any_order_and_any_chunking_give_the_unstreamed_report(
        pick in any::<prop::sample::Index>(),
        // Every probe line of any scenario: five DNS probes, a TLSA probe per MX host, the policy fetch.
        order in Just((0..20).collect::<Vec<usize>>()).prop_shuffle(),
        cuts in prop::collection::vec(0usize..4000, 0..8),
    ) {
        let all = scenarios();
        let (name, obs) = &all[pick.index(all.len())];
        let (_, probes) = probe_lines(obs);
        prop_assert!(probes.len() <= 20, "{name}: {} probe lines", probes.len());
        let order: Vec<usize> = order.into_iter().filter(|&i| i < probes.len()).collect();
        let mut cuts = cuts;
        cuts.sort_unstable();
        stream(name, obs, &order, &cuts);
    }
}

/// The TLSA probes are a second round: awaited once the MX answer names the hosts, answered when each
/// host's has landed, and a DANE finding only then.
#[test]
fn tlsa_probes_are_pending_until_each_mx_host_has_answered() {
    let (name, obs) = scenarios().into_iter().find(|(n, _)| n.ends_with("mx-tlsa-pkix-usage.json")).unwrap();
    let (start, probes) = probe_lines(&obs);
    assert!(start.pending.contains(&Probe::Tlsa), "{name}");
    let tlsa: Vec<&Line> =
        probes.iter().filter(|l| l.dns.as_ref().is_some_and(|d| d.name.starts_with("_25._tcp."))).collect();
    assert_eq!(tlsa.len(), 2, "{name}: one TLSA probe per MX host");
    let mut reader = StreamReader::default();
    reader.fold(start).unwrap();
    // The host with the TLSA records answers first, before the MX answer that calls for it.
    reader.fold(tlsa[1].clone()).unwrap();
    for line in probes.iter().filter(|l| l.dns.as_ref().is_some_and(|d| !d.name.starts_with("_25._tcp."))) {
        reader.fold(line.clone()).unwrap();
    }
    let partial = reader.partial().unwrap();
    assert!(partial.pending.contains(&Probe::Tlsa), "{name}: {:?}", partial.pending);
    let report = partial.evaluate(NOW).unwrap();
    assert!(codes(&report).contains("mx-tlsa-unusable"), "{name}: the host that answered is judged");
    reader.fold(tlsa[0].clone()).unwrap();
    assert_eq!(reader.partial().unwrap().pending, [Probe::Policy], "{name}");
}
