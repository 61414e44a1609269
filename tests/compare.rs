//! `compare`: a pair of reports for every change code (built from the `enforce-valid` scenario, then edited
//! the way a domain's owner would), and the property that a report compared with itself changes nothing.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::scenario::{NOW, Scenario};
use include_dir::{Dir, include_dir};
use mta_sts::compare::{ChangeCode, CompareOptions, compare, fetch_failed, fetch_failure_streak};
use mta_sts::evaluate::MxHost;
use mta_sts::observe::{CertificateInfo, CertificateSummary};
use mta_sts::{Mode, MxPattern, Report, Severity, Verdict, evaluate};
use proptest::prelude::*;

static SCENARIOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/observations");

const DAY: u64 = 86_400;

fn report_of(file: &str) -> Report {
    let scenario: Scenario = serde_json::from_slice(SCENARIOS.get_file(file).expect("fixture").contents()).unwrap();
    evaluate(&scenario.observations(), NOW).unwrap()
}

fn every_report() -> Vec<(String, Report)> {
    SCENARIOS
        .files()
        .map(|f| {
            let scenario: Scenario = serde_json::from_slice(f.contents()).unwrap();
            (f.path().display().to_string(), evaluate(&scenario.observations(), NOW).unwrap())
        })
        .collect()
}

static REPORTS: std::sync::LazyLock<Vec<(String, Report)>> = std::sync::LazyLock::new(every_report);

/// A valid enforce deployment: two MX hosts, `mail.example.com` and `*.example.com`, TLS-RPT.
fn base() -> Report {
    let report = report_of("enforce-valid.json");
    assert_eq!(report.verdict, Verdict::Enforce);
    report
}

fn with_cert(mut report: Report, issuer: &str, not_after: u64) -> Report {
    let cert = CertificateSummary {
        subject: "CN=mta-sts.example.com".into(),
        issuer: issuer.into(),
        dns_names: vec!["mta-sts.example.com".into()],
        not_before: NOW - 60 * DAY,
        not_after,
    };
    let info = CertificateInfo { chain: vec![cert], tls_version: None, addresses: Vec::new() };
    report.evidence.policy.as_mut().unwrap().certificate = Some(info);
    report
}

/// What a failed policy fetch leaves in a report.
fn fetch_failing(mut report: Report) -> Report {
    let evidence = report.evidence.policy.as_mut().unwrap();
    evidence.status = None;
    evidence.error = Some("connect: connection refused".into());
    report.verdict = Verdict::Invalid;
    report.policy = None;
    report
}

fn edit(mut report: Report, f: impl FnOnce(&mut Report)) -> Report {
    f(&mut report);
    report
}

struct Case {
    name: &'static str,
    previous: Report,
    next: Report,
    opts: CompareOptions,
    expect: Vec<(ChangeCode, Severity)>,
}

#[allow(clippy::too_many_lines)] // one row per change code reads best as one table
fn cases() -> Vec<Case> {
    use ChangeCode as C;
    use Severity::{Error, Info, Warning};
    let opts = CompareOptions::new(NOW);
    let streak = |n| CompareOptions { previous_fetch_failures: n, ..opts };
    let case = |name, previous, next, opts, expect| Case { name, previous, next, opts, expect };
    vec![
        case("nothing changed", base(), base(), opts, vec![]),
        case(
            "a policy in force became unusable",
            base(),
            edit(base(), |r| {
                r.verdict = Verdict::Invalid;
                r.policy = None;
            }),
            opts,
            vec![(C::VerdictChanged, Error)],
        ),
        case(
            "a broken deployment was repaired",
            edit(base(), |r| r.verdict = Verdict::Invalid),
            base(),
            opts,
            vec![(C::VerdictChanged, Info)],
        ),
        case(
            "max_age edited without a new id",
            base(),
            edit(base(), |r| r.policy.as_mut().unwrap().max_age = 86_400),
            opts,
            vec![(C::PolicyChangedIdUnchanged, Error)],
        ),
        case(
            "a new id for the same policy",
            base(),
            edit(base(), |r| r.record.as_mut().unwrap().id = "20990101".into()),
            opts,
            vec![(C::IdChangedPolicyUnchanged, Info)],
        ),
        case(
            "a new MX host outside the policy (enforce)",
            base(),
            edit(base(), |r| {
                r.mx.push(MxHost {
                    host: "mx.elsewhere.net".into(),
                    preference: 30,
                    pattern: None,
                    implicit: false,
                    provider: None,
                    tlsa: None,
                });
            }),
            opts,
            vec![(C::MxAddedNotCovered, Error)],
        ),
        case(
            "a new MX host outside the policy (testing)",
            edit(base(), |r| r.policy.as_mut().unwrap().mode = Mode::Testing),
            edit(base(), |r| {
                r.policy.as_mut().unwrap().mode = Mode::Testing;
                r.mx.push(MxHost {
                    host: "mx.elsewhere.net".into(),
                    preference: 30,
                    pattern: None,
                    implicit: false,
                    provider: None,
                    tlsa: None,
                });
            }),
            opts,
            vec![(C::MxAddedNotCovered, Warning)],
        ),
        case(
            "the wildcard that alone covered backup.example.com was removed, with a new id",
            base(),
            edit(base(), |r| {
                r.record.as_mut().unwrap().id = "20990101".into();
                r.policy.as_mut().unwrap().mx.retain(|m| *m != MxPattern::Wildcard { parent: "example.com".into() });
                r.mx.iter_mut().filter(|h| h.host == "backup.example.com").for_each(|h| h.pattern = None);
            }),
            opts,
            vec![(C::MxPatternRemoved, Error)],
        ),
        case(
            "the certificate entered the 14-day window",
            with_cert(base(), "CN=Test CA", NOW + 10 * DAY),
            with_cert(base(), "CN=Test CA", NOW + 10 * DAY),
            CompareOptions { previous_at: NOW - 7 * DAY, ..opts },
            vec![(C::CertExpiring, Warning)],
        ),
        case(
            "a certificate already in the window is not reported again",
            with_cert(base(), "CN=Test CA", NOW + 10 * DAY),
            with_cert(base(), "CN=Test CA", NOW + 10 * DAY),
            CompareOptions { previous_at: NOW - DAY, ..opts },
            vec![],
        ),
        case(
            "a certificate from another issuer",
            with_cert(base(), "CN=Test CA", NOW + 80 * DAY),
            with_cert(base(), "CN=Other CA", NOW + 90 * DAY),
            opts,
            vec![(C::CertIssuerChanged, Info)],
        ),
        case(
            "TLS-RPT record removed",
            base(),
            edit(base(), |r| r.tlsrpt = None),
            opts,
            vec![(C::TlsrptRemoved, Warning)],
        ),
        case(
            "TLS-RPT rua changed",
            base(),
            edit(base(), |r| r.tlsrpt.as_mut().unwrap().rua = vec!["mailto:other@example.net".into()]),
            opts,
            vec![(C::TlsrptRuaChanged, Info)],
        ),
        case(
            "the policy fetch failed once",
            base(),
            fetch_failing(base()),
            opts,
            vec![(C::VerdictChanged, Info), (C::PolicyFetchFailing, Warning)],
        ),
        case(
            "the policy fetch failed a second time in a row",
            fetch_failing(base()),
            fetch_failing(base()),
            streak(1),
            vec![(C::PolicyFetchStillFailing, Error)],
        ),
        case("a third failure pages nobody again", fetch_failing(base()), fetch_failing(base()), streak(2), vec![]),
        case(
            "the policy fetch works again",
            fetch_failing(base()),
            base(),
            streak(3),
            vec![(C::VerdictChanged, Info), (C::PolicyFetchRecovered, Info)],
        ),
        case(
            "enforce lowered to testing, with a new id",
            base(),
            edit(base(), |r| {
                r.verdict = Verdict::Testing;
                r.record.as_mut().unwrap().id = "20990101".into();
                r.policy.as_mut().unwrap().mode = Mode::Testing;
            }),
            opts,
            vec![(C::VerdictChanged, Info), (C::ModeLowered, Warning)],
        ),
    ]
}

#[test]
fn a_report_pair_for_every_change_code() {
    let mut seen = std::collections::HashSet::new();
    for case in cases() {
        let changes = compare(&case.previous, &case.next, &case.opts);
        let got: Vec<(ChangeCode, Severity)> = changes.iter().map(|c| (c.code, c.severity)).collect();
        assert_eq!(got, case.expect, "{}: {changes:#?}", case.name);
        for change in &changes {
            assert!(!change.message.is_empty() && !change.fix.is_empty(), "{}: {change:?}", case.name);
            assert!(!change.message.contains('{'), "{}: unfilled placeholder in {}", case.name, change.message);
        }
        seen.extend(got.into_iter().map(|(code, _)| code));
    }
    for code in ChangeCode::ALL {
        assert!(seen.contains(&code), "no case produces {code}");
    }
}

#[test]
fn a_change_serialises_as_code_severity_message_fix() {
    let next = edit(base(), |r| r.policy.as_mut().unwrap().max_age = 86_400);
    let changes = compare(&base(), &next, &CompareOptions::new(NOW));
    let text = serde_json::to_string(&changes[0]).unwrap();
    assert!(text.starts_with(r#"{"code":"policy-changed-id-unchanged","severity":"error","message":"#), "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 4, "{text}");
    assert_eq!(json["code"], "policy-changed-id-unchanged");
    assert_eq!(json["severity"], "error");
    assert!(json["message"].as_str().unwrap().contains("20240101000000"), "{json}");
    assert!(json["fix"].as_str().unwrap().contains("_mta-sts.example.com"), "{json}");
}

#[test]
fn the_streak_counts_failed_runs_in_a_row() {
    let failing = fetch_failing(base());
    assert!(fetch_failed(&failing) && !fetch_failed(&base()));
    assert_eq!(fetch_failure_streak(0, &failing), 1);
    assert_eq!(fetch_failure_streak(1, &failing), 2);
    assert_eq!(fetch_failure_streak(5, &base()), 0);
}

proptest! {
    /// Every scenario's report, compared with itself at any instant and any warning window, changes
    /// nothing (a failing fetch past its second failure in a row has been reported already).
    #[test]
    fn a_report_compared_with_itself_changes_nothing(
        index in any::<prop::sample::Index>(),
        offset in -400i64 * 86_400..400 * 86_400,
        cert_warn_days in 0u32..400,
        streak in 2u32..1000,
    ) {
        let reports = &*REPORTS;
        let (name, report) = &reports[index.index(reports.len())];
        let now = NOW.checked_add_signed(offset).unwrap();
        let opts = CompareOptions { now, previous_at: now, cert_warn_days, previous_fetch_failures: streak };
        let changes = compare(report, report, &opts);
        prop_assert!(changes.is_empty(), "{name}: {changes:#?}");
    }
}
