//! End-to-end tests of the Cloudflare Worker: the release build runs in workerd (`wrangler dev`), its
//! DNS-over-HTTPS resolver is a fixture server on 127.0.0.1 answering from a test zone, and every
//! assertion is on the `Report` that the core's `evaluate` makes of the worker's `Observations`.
//!
//! One worker and one fixture server serve all tests; each test checks domains of its own, and a lock
//! serialises the tests so that request counts are exact.

use std::net::Ipv4Addr;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use mta_sts::dns::RecordType;
use mta_sts::observe::{DnsResult, ErrorClass, Observations, PolicyResult};
use mta_sts::plan::ProbeKind;
use mta_sts::{Report, Verdict, evaluate};
use mta_sts_testkit::doh::{DohServer, Fault, Hold};
use mta_sts_testkit::http::{self, Response, encode_query_value};
use mta_sts_testkit::worker::Wrangler;
use mta_sts_testkit::zone::Zone;

struct Env {
    doh: DohServer,
    worker: Wrangler,
}

/// Plenty for a busy 2-core machine; the usual start takes a few seconds.
const READY_WITHIN: Duration = Duration::from_secs(180);
/// A whole check stays within the core's time budget (10 s) plus the worker's own overhead.
const CHECK_WITHIN: Duration = Duration::from_secs(15);

fn zone() -> Zone {
    Zone::new()
        // A complete deployment (the policy host cannot be reached from here: workerd resolves it itself).
        .txt("_mta-sts.valid.example", "v=STSv1; id=20250101T000000")
        .txt("_smtp._tls.valid.example", "v=TLSRPTv1; rua=mailto:tlsrpt@valid.example")
        .mx("valid.example", 10, "mail.valid.example")
        .a("mta-sts.valid.example", Ipv4Addr::new(192, 0, 2, 10))
        // A DANE-EE record for the MX host; this resolver validates nothing, so senders would not use it.
        .tlsa("_25._tcp.mail.valid.example", 3, 1, 1, &[0x5a; 32])
        // Two STS records at `_mta-sts` (RFC 8461 §3.1: no policy applies).
        .txt("_mta-sts.two.example", "v=STSv1; id=1")
        .txt("_mta-sts.two.example", "v=STSv1; id=2")
        .mx("two.example", 10, "mail.two.example")
        // A record split over several character-strings, reached through a CNAME.
        .cname("_mta-sts.split.example", "sts.provider.example")
        .txt_strings("sts.provider.example", &["v=STSv1; ", "id=split1"])
        .mx("split.example", 10, "mx.split.example")
        // `together.example`, `servfail.example`, `stall.example`, `garbage.example`, `nx.example` have no
        // records: NXDOMAIN unless a fault says otherwise.
        // The MX host lies outside the held domain, so its TLSA probe (the second round) is not held.
        .mx("together.example", 10, "mx.together.test")
}

fn env() -> MutexGuard<'static, Env> {
    static ENV: OnceLock<Mutex<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let doh = DohServer::start(zone()).expect("start the DoH fixture server");
        doh.fault("servfail.example", Fault::ServFail);
        doh.fault("stall.example", Fault::Stall);
        doh.fault("garbage.example", Fault::Garbage);
        doh.fault("http500.example", Fault::HttpStatus(500));
        // All five DNS probes of one check must be open at once before any is answered; a sequential
        // worker would see each request held until the deadline, one after the other.
        doh.hold("together.example", Hold { count: 5, deadline: Duration::from_secs(4) });
        let worker = Wrangler::start(&[("DOH_URL", &doh.url())], READY_WITHIN);
        Mutex::new(Env { doh, worker })
    })
    .lock()
    .unwrap_or_else(PoisonError::into_inner)
}

/// Every check comes from a client address of its own, so the rate limiter never mixes tests.
fn client(n: u8) -> String {
    format!("198.51.100.{n}")
}

fn observe(env: &Env, domain: &str, client_address: &str) -> Response {
    let path = format!("/api/observe?domain={}", encode_query_value(domain));
    http::get(env.worker.addr, &path, &[("CF-Connecting-IP", client_address)], CHECK_WITHIN)
        .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", env.worker.log_text()))
}

/// Checks `domain` and returns the Observations and the core's Report of them.
fn check(env: &Env, domain: &str, client_address: &str) -> (Observations, Report) {
    let response = observe(env, domain, client_address);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_api_headers(&response);
    let observations: Observations = serde_json::from_slice(&response.body).expect("Observations JSON");
    // Judged at the instant the worker observed, the one clock reading the observations carry.
    let now = observations.observed_at.expect("the worker records when it observed");
    let report = evaluate(&observations, now).expect("evaluate");
    (observations, report)
}

fn codes(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.code.as_str()).collect()
}

fn assert_api_headers(response: &Response) {
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("access-control-allow-credentials"), None);
    assert_eq!(response.header("set-cookie"), None);
    assert!(response.header("content-type").is_some_and(|t| t.starts_with("application/json")));
}

#[test]
fn a_valid_record_is_read_and_the_unreachable_policy_host_is_policy_fetch_failed() {
    let env = env();
    let (observations, report) = check(&env, "valid.example", &client(1));

    assert_eq!(observations.domain, "valid.example");
    assert_eq!(observations.resolver.as_deref(), Some(env.doh.url().as_str()));
    // The five probes of the plan, then the TLSA probe of the MX host the MX answer named.
    assert_eq!(observations.dns.len(), 6);
    let tlsa = observations.dns.last().unwrap();
    assert_eq!((tlsa.probe, tlsa.name.as_str()), (ProbeKind::Tlsa, "_25._tcp.mail.valid.example"));
    assert_eq!(report.mx[0].tlsa.map(|t| (t.records, t.usable, t.validated)), Some((1, 1, false)));
    assert!(codes(&report).contains(&"mx-tlsa-unusable"), "{:?}", codes(&report));
    let record = report.record.as_ref().expect("the STS record");
    assert_eq!(record.id, "20250101T000000");
    assert!(report.tlsrpt.is_some(), "{report:#?}");
    assert_eq!(report.mx.iter().map(|m| m.host.as_str()).collect::<Vec<_>>(), ["mail.valid.example"]);

    // workerd resolves `mta-sts.valid.example` with the system resolver, where it does not exist; its
    // fetch() error is opaque ("internal error"), which the worker reports as `network`, naming the
    // likely causes instead of workerd's meaningless reference.
    let policy = observations.policy.as_ref().expect("the policy fetch");
    assert_eq!(policy.url, "https://mta-sts.valid.example/.well-known/mta-sts.txt");
    let PolicyResult::Failed { error, .. } = &policy.result else { panic!("{policy:?}") };
    assert_eq!(error.class, ErrorClass::Network, "{error:?}");
    assert!(error.detail.contains("gives no cause"), "the opaque error is explained: {error:?}");
    assert!(codes(&report).contains(&"policy-fetch-failed"), "{:?}", codes(&report));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(!report.valid);

    assert_eq!(env.doh.stats("valid.example").requests, 5);
    assert_eq!(env.doh.stats("_25._tcp.mail.valid.example").requests, 1);
}

/// `stream=1`: the same observations as ndjson lines, one per probe, folded by the core.
#[test]
fn the_streamed_answer_folds_into_the_unstreamed_one() {
    let env = env();
    let (plain, report) = check(&env, "valid.example", &client(30));
    let path = "/api/observe?domain=valid.example&stream=1";
    let response = http::get(env.worker.addr, path, &[("CF-Connecting-IP", &client(31))], CHECK_WITHIN)
        .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", env.worker.log_text()));
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.header("content-type"), Some(mta_sts::api::STREAM_CONTENT_TYPE));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let text = String::from_utf8(response.body).unwrap();
    // The first line, five DNS lines, the TLSA line and the policy line, the last line.
    assert_eq!(text.lines().count(), 9, "{text}");
    assert!(text.ends_with("{\"done\":true}\n"), "{text}");
    let mut reader = mta_sts::api::StreamReader::default();
    reader.push(text.as_bytes()).unwrap();
    let streamed = reader.finish().unwrap();
    // Timings and the clock differ between two checks; everything else is the same.
    assert_eq!(streamed.domain, plain.domain);
    assert_eq!(streamed.resolver, plain.resolver);
    let kinds = |o: &Observations| o.dns.iter().map(|d| (d.probe, d.name.clone(), d.rtype)).collect::<Vec<_>>();
    assert_eq!(kinds(&streamed), kinds(&plain));
    let streamed_report = evaluate(&streamed, plain.observed_at.unwrap()).unwrap();
    assert_eq!(streamed_report.verdict, report.verdict);
    assert_eq!(codes(&streamed_report), codes(&report));
}

#[test]
fn two_sts_records_are_record_multiple() {
    let env = env();
    let (_, report) = check(&env, "two.example", &client(2));
    assert!(codes(&report).contains(&"record-multiple"), "{:?}", codes(&report));
    // A record is published but unusable: senders act as if there were no policy.
    assert_eq!(report.verdict, Verdict::Invalid, "{:?}", codes(&report));
}

#[test]
fn a_record_behind_a_cname_in_several_strings_is_joined() {
    let env = env();
    let (_, report) = check(&env, "split.example", &client(3));
    assert_eq!(report.record.as_ref().map(|r| r.id.as_str()), Some("split1"), "{report:#?}");
}

#[test]
fn nxdomain_is_record_missing() {
    let env = env();
    let (observations, report) = check(&env, "nx.example", &client(4));
    assert!(observations.dns.iter().all(|o| matches!(o.result, DnsResult::Response { http_status: 200, .. })));
    assert!(codes(&report).contains(&"record-missing"), "{:?}", codes(&report));
    assert_eq!(report.verdict, Verdict::NotDeployed);
}

#[test]
fn servfail_is_lookup_failed() {
    let env = env();
    let (_, report) = check(&env, "servfail.example", &client(5));
    assert!(codes(&report).contains(&"record-lookup-failed"), "{:?}", codes(&report));
    assert_eq!(report.verdict, Verdict::LookupFailed);
}

#[test]
fn a_doh_http_error_is_lookup_failed() {
    let env = env();
    let (observations, report) = check(&env, "http500.example", &client(6));
    assert!(observations.dns.iter().all(|o| matches!(o.result, DnsResult::Response { http_status: 500, .. })));
    assert_eq!(report.verdict, Verdict::LookupFailed, "{:?}", codes(&report));
}

#[test]
fn garbage_from_the_resolver_is_lookup_failed() {
    let env = env();
    let (observations, report) = check(&env, "garbage.example", &client(7));
    let sts = observations.dns(mta_sts::plan::ProbeKind::StsRecord).unwrap();
    assert!(
        matches!(&sts.result, DnsResult::Response { body, .. } if body == mta_sts_testkit::doh::GARBAGE),
        "{sts:?}"
    );
    assert!(codes(&report).contains(&"record-lookup-failed"), "{:?}", codes(&report));
    assert_eq!(report.verdict, Verdict::LookupFailed);
}

#[test]
fn a_stalled_resolver_times_out_within_the_budget() {
    let env = env();
    let started = Instant::now();
    let (observations, report) = check(&env, "stall.example", &client(8));
    // Bounds, not synchronisation: the worker must give up on its own, well within the time budget.
    assert!(started.elapsed() < CHECK_WITHIN);
    for o in &observations.dns {
        let DnsResult::Failed { error, .. } = &o.result else { panic!("{o:?}") };
        assert_eq!(error.class, ErrorClass::Timeout, "{o:?}");
    }
    assert!(codes(&report).contains(&"record-lookup-failed"), "{:?}", codes(&report));
    assert_eq!(report.verdict, Verdict::LookupFailed);
}

#[test]
fn all_probes_of_a_check_are_in_flight_at_once() {
    let env = env();
    let (observations, _) = check(&env, "together.example", &client(9));
    let stats = env.doh.stats("together.example");
    assert_eq!(stats.requests, 5);
    assert_eq!(stats.max_in_flight, 5, "the worker did not run the five DoH probes concurrently: {stats:?}");
    let mut asked: Vec<(String, RecordType)> = stats.questions.clone();
    asked.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
    let mut planned: Vec<(String, RecordType)> =
        observations.dns.iter().filter(|o| o.probe != ProbeKind::Tlsa).map(|o| (o.name.clone(), o.rtype)).collect();
    planned.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
    assert_eq!(asked, planned, "the worker asked exactly the plan's questions");
    // Then the second round, once the MX answer had named the host.
    let tlsa = env.doh.stats("_25._tcp.mx.together.test");
    assert_eq!(tlsa.questions, [("_25._tcp.mx.together.test".to_owned(), RecordType::Tlsa)]);
}

#[test]
fn the_worker_sends_rfc8484_gets_and_forwards_no_client_header() {
    let env = env();
    let before = env.doh.seen().len();
    let path = "/api/observe?domain=valid.example";
    let secret =
        [("CF-Connecting-IP", "198.51.100.10"), ("Cookie", "session=s3cret"), ("X-Forwarded-Secret", "s3cret")];
    let response = http::get(env.worker.addr, path, &secret, CHECK_WITHIN).unwrap();
    assert_eq!(response.status, 200);
    let seen = env.doh.seen();
    let requests = &seen[before..];
    // The five probes of the plan and the MX host's TLSA probe.
    assert_eq!(requests.len(), 6);
    for request in requests {
        assert!(request.target.starts_with("/dns-query?dns="), "{request:?}");
        let header = |name: &str| request.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(header("accept"), Some("application/dns-message"));
        assert!(header("user-agent").is_some_and(|ua| ua.starts_with("mta-sts-checker/")));
        assert!(request.headers.iter().all(|(_, v)| !v.contains("s3cret")), "{request:?}");
        assert_eq!(header("cookie"), None);
    }
}

/// Inputs that are not a domain, each sent once (percent-encoded as a browser would).
const BAD_DOMAINS: &[&str] = &[
    "",
    "   ",
    "https://user:pass@example.com/",
    "https://example.com@evil.example/",
    "192.0.2.1",
    "0x7f.1",
    "0177.0.0.1",
    "2130706433",
    "127.1",
    "[::1]",
    "::ffff:1.2.3.4",
    "2001:db8::1",
    "http://[2001:db8::1]:8080/",
    "１９２．０．２．１",
    "_mta-sts.example.com",
    "_smtp._tls.example.com",
    "a_b.example.com",
    "exa%6Dple.com",
    "exam ple.com",
    "exa\u{7}mple.com",
    "example.com\u{0}",
    "exa!mple.com",
    "*.example.com",
    ".",
    "a..b",
    "example.123",
    "1.2.3.4.5",
];

fn long_inputs() -> Vec<String> {
    vec![
        format!("{}.example", "a".repeat(64)),
        format!("{}example", "abcdefghi.".repeat(26)),
        "x".repeat(3000),
        "localhost".to_owned(),
    ]
}

#[test]
fn bad_domains_are_400_with_a_reason_and_nothing_is_fetched() {
    let env = env();
    let before = env.doh.total_requests();
    let mut inputs: Vec<String> = BAD_DOMAINS.iter().map(|s| (*s).to_owned()).collect();
    inputs.extend(long_inputs());
    inputs.retain(|i| mta_sts::Domain::parse(i).is_err());
    assert!(inputs.len() >= 25, "only {} inputs are invalid for the core", inputs.len());
    for (n, input) in inputs.iter().enumerate() {
        let address = format!("203.0.113.{n}");
        let response = observe(&env, input, &address);
        assert_eq!(response.status, 400, "{input:?}: {}", String::from_utf8_lossy(&response.body));
        assert_api_headers(&response);
        let reason = response.json()["error"].as_str().map(str::to_owned).unwrap_or_default();
        assert!(reason.len() > 10 && reason.ends_with('.'), "{input:?}: {reason:?}");
    }
    for query in ["", "?domain=a.example&domain=b.example", "?name=example.com"] {
        let response = http::get(env.worker.addr, &format!("/api/observe{query}"), &[], CHECK_WITHIN).unwrap();
        assert_eq!(response.status, 400, "{query}");
        assert!(response.json()["error"].is_string());
    }
    assert_eq!(env.doh.total_requests(), before, "a rejected input reached the resolver");
}

#[test]
fn the_rate_limit_answers_429_with_a_sentence() {
    let env = env();
    let address = "192.0.2.99";
    let mut statuses = Vec::new();
    // The limit is 30 a minute per client (wrangler.toml); a few more than that must be refused.
    for _ in 0..35 {
        let response = observe(&env, "192.0.2.1", address);
        statuses.push(response.status);
        if response.status == 429 {
            assert_api_headers(&response);
            assert!(response.json()["error"].as_str().unwrap().contains("Too many checks"));
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s == 400).count() >= 20, "{statuses:?}");
    // Another client is not affected.
    assert_eq!(observe(&env, "192.0.2.1", "192.0.2.98").status, 400);
}

#[test]
fn other_api_paths_are_404_json_and_the_page_is_served() {
    let env = env();
    let response = http::get(env.worker.addr, "/api/nothing", &[], CHECK_WITHIN).unwrap();
    assert_eq!(response.status, 404);
    assert!(response.json()["error"].is_string());
    let page = http::get(env.worker.addr, "/", &[], CHECK_WITHIN).unwrap();
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("MTA-STS checker"));
}
