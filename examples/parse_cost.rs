//! The benchmarks' inputs, each read a fixed number of times through a function of its own, for counting
//! instructions: wall-clock medians on a shared machine move by tens of percent from run to run, instruction
//! counts do not.
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release --example parse_cost
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out --toggle-collect='parse_cost::policy' \
//!     target/release/examples/parse_cost policy 1000
//! ```
//!
//! The count `callgrind_annotate` gives, divided by the number of runs, is the cost of one parse; the line
//! tables only let it attribute the count to source lines. The first argument picks the input (`policy`,
//! `record`, `rrset`, `tlsrpt`, `evaluate`; the last is collected in `parse_cost::evaluation`), the second
//! the number of runs.

use std::hint::black_box;

use mta_sts::scenario::Scenario;
use mta_sts::{Observations, Policy, StsRecord, TlsRptRecord, evaluate};

/// The inputs of `benches/core.rs`.
const POLICY: &[u8] = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\n\
mx: *.mail.example.net\r\nmx: backup.example.org\r\nmax_age: 1209600\r\n";
const RECORD: &[u8] = b"v=STSv1; id=20240101000000;";
const TLSRPT: &[u8] = b"v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1";

#[inline(never)]
fn policy(runs: usize) {
    for _ in 0..runs {
        black_box(Policy::parse(black_box(POLICY)));
    }
}

#[inline(never)]
fn record(runs: usize) {
    for _ in 0..runs {
        black_box(StsRecord::parse(black_box(RECORD)));
    }
}

#[inline(never)]
fn rrset(runs: usize) {
    for _ in 0..runs {
        black_box(StsRecord::parse_rrset(black_box(&[RECORD])));
    }
}

#[inline(never)]
fn tlsrpt(runs: usize) {
    for _ in 0..runs {
        black_box(TlsRptRecord::parse(black_box(TLSRPT)));
    }
}

#[inline(never)]
fn evaluation(observations: &Observations, now: u64, runs: usize) {
    for _ in 0..runs {
        black_box(evaluate(black_box(observations), now).unwrap());
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "policy".to_owned());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    match which.as_str() {
        "policy" => policy(runs),
        "record" => record(runs),
        "rrset" => rrset(runs),
        "tlsrpt" => tlsrpt(runs),
        "evaluate" => {
            let text = include_str!("../tests/fixtures/observations/enforce-valid.json");
            let scenario: Scenario = serde_json::from_str(text).unwrap();
            evaluation(&scenario.observations(), mta_sts::scenario::NOW, runs);
        }
        other => panic!("unknown input {other}: policy, record, rrset, tlsrpt or evaluate"),
    }
}
