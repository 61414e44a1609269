//! `preflight` on an arbitrary draft (policy bytes and record text) against a live deployment: never a
//! panic, and the diff stays bounded whatever the draft's size.
#![no_main]

use std::net::Ipv4Addr;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mta_sts::dns::testing::Zone;
use mta_sts::observe::{DnsObservation, DnsResult, Observations, PolicyHeaders, PolicyObservation, PolicyResult};
use mta_sts::preflight::{Draft, preflight};

/// A live state to compare with: a valid enforce deployment of example.com, built from a test zone
/// into the real DNS reply bytes a resolver would send.
fn live() -> &'static Observations {
    static LIVE: OnceLock<Observations> = OnceLock::new();
    LIVE.get_or_init(|| {
        let domain = mta_sts::Domain::parse("example.com").expect("a valid domain");
        let zone = Zone::new()
            .txt("_mta-sts.example.com", "v=STSv1; id=20240101000000;")
            .txt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com")
            .mx("example.com", 10, "mail.example.com")
            .mx("example.com", 20, "backup.example.com")
            .a("mta-sts.example.com", Ipv4Addr::new(192, 0, 2, 10));
        let plan = mta_sts::plan(&domain);
        let dns = plan
            .dns
            .iter()
            .map(|probe| DnsObservation {
                probe: probe.kind,
                name: probe.name.clone(),
                rtype: probe.rtype,
                result: DnsResult::Response {
                    http_status: 200,
                    body: zone.answer(&probe.name, probe.rtype),
                    elapsed_ms: None,
                },
            })
            .collect();
        let body =
            b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.com\r\nmax_age: 604800\r\n";
        Observations {
            domain: "example.com".into(),
            resolver: None,
            observed_at: None,
            dns,
            policy: Some(PolicyObservation {
                url: plan.policy_url.clone(),
                result: PolicyResult::Response {
                    status: 200,
                    headers: PolicyHeaders { content_type: Some("text/plain".into()), ..PolicyHeaders::default() },
                    body: body.to_vec(),
                    truncated: false,
                    elapsed_ms: None,
                },
                certificate: None,
            }),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    // The first line is the draft record, the rest the draft policy.
    let (record, policy) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let draft = Draft {
        domain: Some(mta_sts::Domain::parse("example.com").expect("a valid domain")),
        policy: Some(policy.to_vec()),
        record: Some(String::from_utf8_lossy(record).into_owned()),
    };
    let offline = preflight(&draft, None, 1_795_867_200);
    let online = preflight(&draft, Some(live()), 1_795_867_200);
    assert_eq!(offline.valid, !offline.findings.iter().any(|f| f.severity == mta_sts::Severity::Error));
    assert!(online.diff.len() <= 1_000, "the diff is capped at 500 lines a side");
});
