//! Pre-flight: a table of drafts checked against a live domain (the `enforce-valid` scenario: policy
//! `enforce` covering mail.example.com and *.example.com, record id 20240101000000, MX mail and backup).

mod common;

use common::scenario::{NOW, Scenario};
use mta_sts::Domain;
use mta_sts::preflight::{DiffLine, Draft, preflight};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

const LIVE_POLICY: &str =
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.com\r\nmax_age: 604800\r\n";

fn live() -> mta_sts::Observations {
    let scenario: Scenario = serde_json::from_str(include_str!("fixtures/observations/enforce-valid.json")).unwrap();
    scenario.observations()
}

/// (what, draft policy, draft record, expected codes, valid)
type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [&'a str], bool);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn drafts_against_the_live_domain() {
    let testing = LIVE_POLICY.replace("enforce", "testing");
    let lf_only = LIVE_POLICY.replace("\r\n", "\n");
    let no_backup = LIVE_POLICY.replace("mx: *.example.com\r\n", "");
    let cases: &[Case] = &[
        ("unchanged policy", Some(LIVE_POLICY), None, &[], true),
        ("same policy with LF endings is not a change", Some(&lf_only), None, &[], true),
        (
            "changed policy, record untouched",
            Some(&testing),
            None,
            &["policy-mode-testing", "policy-id-unchanged"],
            true,
        ),
        (
            "changed policy, same id in the draft record",
            Some(&testing),
            Some("v=STSv1; id=20240101000000;"),
            &["policy-mode-testing", "policy-id-unchanged"],
            true,
        ),
        ("changed policy, new id", Some(&testing), Some("v=STSv1; id=20261128120000;"), &["policy-mode-testing"], true),
        ("draft drops the live backup MX", Some(&no_backup), Some("v=STSv1; id=2;"), &["mx-not-covered"], false),
        (
            "invalid draft policy",
            Some("version: STSv1\r\nmode: enforce\r\n"),
            None,
            &["policy-mx-missing", "policy-max-age-missing"],
            false,
        ),
        ("invalid draft record only", None, Some("v=STSv1; id=2024-01-01T00:00:00Z"), &["record-id-invalid"], false),
    ];
    let observations = live();
    for (what, policy, record, expected, valid) in cases {
        let draft = Draft {
            domain: Some(Domain::parse("example.com").unwrap()),
            policy: policy.map(|p| p.as_bytes().to_vec()),
            record: record.map(ToString::to_string),
        };
        let result = preflight(&draft, Some(&observations), NOW);
        let mut got: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
        let mut want = expected.to_vec();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{what}: {:#?}", result.findings);
        assert_eq!(result.valid, *valid, "{what}");
        assert_eq!(result.mx.len(), 2, "{what}: the live MX hosts are listed");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_diff_and_the_fix_for_an_unchanged_id() {
    let draft = Draft {
        domain: Some(Domain::parse("example.com").unwrap()),
        policy: Some(LIVE_POLICY.replace("max_age: 604800", "max_age: 1209600").into_bytes()),
        record: None,
    };
    let result = preflight(&draft, Some(&live()), NOW);
    assert!(result.diff.contains(&DiffLine::Removed("max_age: 604800".into())));
    assert!(result.diff.contains(&DiffLine::Added("max_age: 1209600".into())));
    assert_eq!(result.diff.iter().filter(|l| matches!(l, DiffLine::Same(_))).count(), 4);
    let warning = result.findings.iter().find(|f| f.code.as_str() == "policy-id-unchanged").expect("warning");
    assert!(warning.fix.as_deref().unwrap().contains("id=20261128120000"));
    assert_eq!(result.mx.iter().filter(|h| h.pattern.is_some()).count(), 2);
}

/// The senders' outcomes now and once the draft is published: a draft with repeated `mode` lines splits
/// them, an invalid record takes the policy away from every sender that follows the RFC on it.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn how_the_draft_changes_each_senders_outcome() {
    let outcomes = |senders: &[mta_sts::senders::SenderOutcome]| -> Vec<(String, &'static str)> {
        senders.iter().map(|s| (s.id.clone(), s.outcome.as_str())).collect()
    };
    let outcome_of = |senders: &[mta_sts::senders::SenderOutcome], id: &str| {
        senders.iter().find(|s| s.id == id).map_or_else(|| panic!("no {id}"), |s| s.outcome.as_str())
    };
    let observations = live();
    let draft = |policy: Option<&str>, record: Option<&str>| Draft {
        domain: Some(Domain::parse("example.com").unwrap()),
        policy: policy.map(|p| p.as_bytes().to_vec()),
        record: record.map(ToString::to_string),
    };

    let repeated = LIVE_POLICY.replace("mode: enforce\r\n", "mode: testing\r\nmode: enforce\r\n");
    let result = preflight(&draft(Some(&repeated), Some("v=STSv1; id=2;")), Some(&observations), NOW);
    assert!(
        result.senders_live.iter().all(|s| s.outcome.as_str() == "enforce"),
        "{:?}",
        outcomes(&result.senders_live)
    );
    assert_eq!(result.senders.len(), result.senders_live.len());
    for (id, want) in [
        ("rfc", "testing"),
        ("mox", "testing"),
        ("maddy", "enforce"),
        ("stalwart", "enforce"),
        ("kumomta", "no-policy"),
    ] {
        assert_eq!(outcome_of(&result.senders, id), want, "{id}: {:?}", outcomes(&result.senders));
    }

    let result = preflight(&draft(None, Some("v=STSv1; id=2024-01-01T00:00:00Z")), Some(&observations), NOW);
    assert_eq!(outcome_of(&result.senders, "rfc"), "no-policy");
    // go-mtasts accepts any non-empty id: maddy keeps applying the live policy.
    assert_eq!(outcome_of(&result.senders, "maddy"), "enforce");

    let no_backup = LIVE_POLICY.replace("mx: *.example.com\r\n", "");
    let result = preflight(&draft(Some(&no_backup), Some("v=STSv1; id=2;")), Some(&observations), NOW);
    let rfc = &result.senders[0];
    assert_eq!(
        (rfc.outcome.as_str(), rfc.mx_refused.as_slice()),
        ("mail-fails", ["backup.example.com".to_owned()].as_slice())
    );

    // A draft checked on its own has no live MX hosts and no senders' outcomes.
    let alone = preflight(&Draft { domain: None, ..draft(Some(&repeated), None) }, None, NOW);
    assert!(alone.senders.is_empty() && alone.senders_live.is_empty());
}
