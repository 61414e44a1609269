//! `cargo bench -p mta-sts`: the core's hot paths, against the targets of the core issue
//! (4-mx CRLF policy < 2 µs, TXT record < 0.5 µs, a complete evaluate < 50 µs, on a 2-core machine), and
//! reading 10 MB of TLS-RPT reports (issue: under 200 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mta_sts::{Policy, StsRecord, TlsRptRecord, evaluate};

#[path = "../tests/common/scenario.rs"]
mod scenario;

const POLICY: &[u8] = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\n\
mx: *.mail.example.net\r\nmx: backup.example.org\r\nmax_age: 1209600\r\n";
const RECORD: &[u8] = b"v=STSv1; id=20240101000000;";
const TLSRPT: &[u8] = b"v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1";

fn parsers(c: &mut Criterion) {
    assert!(Policy::parse(POLICY).valid());
    assert!(StsRecord::parse(RECORD).valid());
    c.bench_function("policy/parse 4-mx CRLF", |b| b.iter(|| Policy::parse(black_box(POLICY))));
    c.bench_function("record/parse", |b| b.iter(|| StsRecord::parse(black_box(RECORD))));
    c.bench_function("record/parse_rrset of 1", |b| b.iter(|| StsRecord::parse_rrset(black_box(&[RECORD]))));
    c.bench_function("tlsrpt/parse", |b| b.iter(|| TlsRptRecord::parse(black_box(TLSRPT))));
    // Hostile input: a TXT record of the largest size DNS carries, all empty fields (one finding each).
    // Reading it must stay linear in its length (it was quadratic: 4,000 bytes took 1.4 s).
    let hostile = format!("v=STSv1; id=1;{}", " ;".repeat(32_000));
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    group.bench_function("record/parse 64 KB of empty fields", |b| {
        b.iter(|| StsRecord::parse(black_box(hostile.as_bytes())));
    });
    // A policy body of the size senders accept (RFC 8461 §3.3 suggests 64 KB), a control character on every
    // line: a finding with an edit per line, each previewed (the line count was quadratic).
    let body = format!("version: STSv1\nmode: enforce\nmax_age: 86400\n{}", "mx: a\u{1}.example\n".repeat(3_500));
    group.bench_function("policy/parse 56 KB of control characters", |b| {
        b.iter(|| Policy::parse(black_box(body.as_bytes())));
    });
    group.finish();
    c.bench_function("mx/matches wildcard", |b| {
        let pattern = mta_sts::MxPattern::parse("*.mail.example.net").unwrap();
        b.iter(|| pattern.matches(black_box("mx7.mail.example.net")));
    });
}

fn evaluation(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/observations/enforce-valid.json");
    let scenario: scenario::Scenario = serde_json::from_str(text).unwrap();
    let observations = scenario.observations();
    let report = evaluate(&observations, scenario::NOW).unwrap();
    assert_eq!(report.verdict, mta_sts::Verdict::Enforce);
    c.bench_function("evaluate/complete observations", |b| {
        b.iter(|| evaluate(black_box(&observations), scenario::NOW));
    });
    let json = serde_json::to_string(&observations).unwrap();
    c.bench_function("evaluate/from observations JSON", |b| {
        b.iter(|| {
            let observations: mta_sts::Observations = serde_json::from_str(black_box(&json)).unwrap();
            evaluate(&observations, scenario::NOW)
        });
    });
}

/// 10 MB of uncompressed TLS-RPT JSON (RFC 8460 §4), as a month of a busy domain's reports: the fixture in
/// Microsoft's shape, each copy with its own `report-id` so none is counted as a duplicate.
fn reports(c: &mut Criterion) {
    let files = mta_sts::report::sample_files(10 * 1024 * 1024);
    let files: Vec<(String, &[u8])> = files.iter().map(|(name, bytes)| (name.clone(), bytes.as_slice())).collect();
    let set = mta_sts::report::read_files(&files);
    assert_eq!(set.reports.len(), files.len());
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("read_files 10 MB JSON", |b| b.iter(|| mta_sts::report::read_files(black_box(&files))));
    group.finish();
}

criterion_group!(benches, parsers, evaluation, reports);
criterion_main!(benches);
