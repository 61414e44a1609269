//! Properties of the TLS-RPT report reader: no bytes make it panic, and its totals are the sums of the
//! reports it lists, whatever the container and however often a report is repeated.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::io::Write as _;

use mta_sts::report::{ReportSet, read_files};
use proptest::prelude::*;
use serde_json::{Value, json};

const RFC: &[u8] = include_bytes!("fixtures/reports/rfc8460-appendix-b.json");
const EMAIL: &[u8] = include_bytes!("fixtures/reports/email-octet-stream-attachment.eml");

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn read(files: &[(String, Vec<u8>)]) -> ReportSet {
    let borrowed: Vec<(String, &[u8])> = files.iter().map(|(n, b)| (n.clone(), b.as_slice())).collect();
    read_files(&borrowed)
}

/// Every file has an error or at least one report, never both, and the totals are the sums of the listed
/// reports.
fn check_invariants(set: &ReportSet, files: usize) {
    assert_eq!(set.files.len(), files);
    for file in &set.files {
        assert_eq!(file.error.is_none(), file.reports > 0, "{file:?}");
    }
    let mut successful = 0u64;
    let mut failed = 0u64;
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for policy in set.reports.iter().flat_map(|r| &r.policies) {
        successful = successful.saturating_add(policy.successful);
        failed = failed.saturating_add(policy.failed);
        for f in &policy.failures {
            let sum = by_type.entry(f.result_type.to_string()).or_default();
            *sum = sum.saturating_add(f.count);
        }
    }
    assert_eq!(set.totals.successful, successful);
    assert_eq!(set.totals.failed, failed);
    assert_eq!(set.totals.by_result_type, by_type);
}

fn result_type() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("starttls-not-supported".to_owned()),
        Just("certificate-expired".to_owned()),
        Just("sts-policy-fetch-error".to_owned()),
        Just("tlsa-invalid".to_owned()),
        "[a-z-]{1,12}",
    ]
}

fn report() -> impl Strategy<Value = Value> {
    let failure =
        (result_type(), 0u64..100_000).prop_map(|(t, n)| json!({"result-type": t, "failed-session-count": n}));
    let policy = (0u64..1_000_000, 0u64..1_000_000, prop::collection::vec(failure, 0..4), any::<bool>()).prop_map(
        |(ok, failed, failures, string_mx)| {
            let mx = if string_mx { json!("mx.example.com") } else { json!(["mx.example.com"]) };
            json!({
                "policy": {"policy-type": "sts", "policy-string": ["version: STSv1"], "policy-domain": "example.com",
                           "mx-host": mx},
                "summary": {"total-successful-session-count": ok, "total-failure-session-count": failed},
                "failure-details": failures,
            })
        },
    );
    ("[a-c]{1,2}", prop::collection::vec(policy, 0..3)).prop_map(|(id, policies)| {
        json!({
            "organization-name": "Reporter", "report-id": id, "contact-info": "r@reporter.example",
            "date-range": {"start-datetime": "2026-11-29T00:00:00Z", "end-datetime": "2026-11-29T23:59:59Z"},
            "policies": policies,
        })
    })
}

/// The same report as plain JSON, gzip, or an email attachment.
fn container(json: &[u8], kind: u8) -> Vec<u8> {
    use base64::Engine as _;
    match kind % 3 {
        0 => json.to_vec(),
        1 => gzip(json),
        _ => format!(
            "From: r@reporter.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; \
             report-type=\"tlsrpt\"; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: application/tlsrpt+gzip\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--x--\r\n",
            base64::engine::general_purpose::STANDARD.encode(gzip(json))
        )
        .into_bytes(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let set = read(&[("f".to_owned(), bytes)]);
        check_invariants(&set, 1);
    }

    #[test]
    fn damaged_reports_never_panic(cut in 0usize..2000, flips in prop::collection::vec((0usize..2000, any::<u8>()), 0..4), kind in 0u8..3) {
        let mut bytes = container(RFC, kind);
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] ^= value;
        }
        bytes.truncate(cut.min(bytes.len()));
        let set = read(&[("f".to_owned(), bytes), ("email".to_owned(), EMAIL.to_vec())]);
        check_invariants(&set, 2);
        prop_assert!(set.files[1].error.is_none());
    }

    #[test]
    fn totals_are_the_sum_of_the_distinct_reports(reports in prop::collection::vec((report(), 0u8..3), 1..6)) {
        let files: Vec<(String, Vec<u8>)> = reports
            .iter()
            .enumerate()
            .map(|(i, (r, kind))| (format!("file {i}"), container(&serde_json::to_vec(r).unwrap(), *kind)))
            .collect();
        let set = read(&files);
        check_invariants(&set, reports.len());
        // A report id seen again is a duplicate (same organization): counted once.
        let mut distinct: BTreeMap<String, &Value> = BTreeMap::new();
        for (r, _) in &reports {
            distinct.entry(r["report-id"].as_str().unwrap().to_owned()).or_insert(r);
        }
        prop_assert_eq!(set.reports.len(), distinct.len());
        let expected: u64 = distinct
            .values()
            .flat_map(|r| r["policies"].as_array().unwrap())
            .map(|p| p["summary"]["total-successful-session-count"].as_u64().unwrap())
            .sum();
        prop_assert_eq!(set.totals.successful, expected);
    }
}
