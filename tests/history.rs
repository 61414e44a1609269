//! `history::step`: what a new run of a domain finds against its stored runs — the same rules for every
//! shell that stores runs (the edge worker's D1; the CLI's SQLite follows them too).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::scenario::{NOW, Scenario};
use mta_sts::compare::ChangeCode;
use mta_sts::history::step;
use mta_sts::{Report, Verdict, evaluate};

fn report_of(file: &str) -> Report {
    let path = format!("{}/tests/fixtures/observations/{file}", env!("CARGO_MANIFEST_DIR"));
    let scenario: Scenario = serde_json::from_slice(&std::fs::read(path).expect("fixture")).unwrap();
    evaluate(&scenario.observations(), NOW).unwrap()
}

fn codes(changes: &[mta_sts::compare::Change]) -> Vec<ChangeCode> {
    changes.iter().map(|c| c.code).collect()
}

#[test]
fn a_first_run_compares_with_nothing_and_starts_the_streak() {
    let failing = report_of("policy-fetch-connect.json");
    let s = step(None, 0, &failing, NOW, 14);
    assert!(s.first_run && s.changes.is_empty());
    assert_eq!(s.fetch_failures, 1);
    let s = step(None, 0, &report_of("enforce-valid.json"), NOW, 14);
    assert_eq!((s.first_run, s.fetch_failures), (true, 0));
}

#[test]
fn later_runs_compare_with_the_baseline_and_carry_the_streak() {
    let valid = report_of("enforce-valid.json");
    let failing = report_of("policy-fetch-connect.json");
    let s = step(Some((&valid, NOW - 3600)), 0, &failing, NOW, 14);
    assert!(!s.first_run);
    assert!(codes(&s.changes).contains(&ChangeCode::PolicyFetchFailing), "{:?}", s.changes);
    assert_eq!(s.fetch_failures, 1);
    let s = step(Some((&failing, NOW - 3600)), 1, &failing, NOW, 14);
    assert_eq!(codes(&s.changes), [ChangeCode::PolicyFetchStillFailing]);
    assert_eq!(s.fetch_failures, 2);
    let s = step(Some((&failing, NOW - 3600)), 2, &valid, NOW, 14);
    assert!(codes(&s.changes).contains(&ChangeCode::PolicyFetchRecovered), "{:?}", s.changes);
    assert_eq!(s.fetch_failures, 0);
}

#[test]
fn a_failed_lookup_is_compared_with_nothing_and_keeps_the_streak() {
    let valid = report_of("enforce-valid.json");
    let lookup_failed = report_of("record-lookup-servfail.json");
    assert_eq!(lookup_failed.verdict, Verdict::LookupFailed);
    let s = step(Some((&valid, NOW - 3600)), 3, &lookup_failed, NOW, 14);
    assert!(!s.first_run && s.changes.is_empty());
    assert_eq!(s.fetch_failures, 3);
}
