//! Property tests over the public API: the generator's output always passes the core's own checks, and
//! `evaluate` never panics whatever bytes the shells bring back.
#![cfg(not(target_arch = "wasm32"))]

use mta_sts::dns::RecordType;
use mta_sts::generate::{GenerateInput, MAX_AGE_LIMIT, generate, suggest_wildcards};
use mta_sts::observe::{DnsObservation, DnsResult, Observations, PolicyHeaders, PolicyObservation, PolicyResult};
use mta_sts::{Domain, Mode, MxPattern, Policy, StsRecord, TlsRptRecord, evaluate, plan};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    // `ab--…` labels are reserved for A-labels (RFC 5891 §4.2.3.1); a random one (`xn--0`) is no host name.
    "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?".prop_filter("no reserved hyphens", |l| l.get(2..4) != Some("--"))
}

fn host() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..4), prop::sample::select(vec!["com", "net", "example", "org"]))
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

fn domain() -> impl Strategy<Value = Domain> {
    prop_oneof![
        host(),
        Just("bücher.example".to_owned()),
        Just("例え.テスト".to_owned()),
        Just("xn--bcher-kva.example".to_owned()),
    ]
    .prop_filter_map("valid domain", |d| Domain::parse(&d).ok())
}

fn mx_entry() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => host(),
        1 => host().prop_map(|h| format!("*.{h}")),
        1 => Just("mx.bücher.example".to_owned()),
    ]
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Enforce), Just(Mode::Testing), Just(Mode::None)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_records_parse_as_valid(
        domain in domain(),
        mode in mode(),
        mx in prop::collection::vec(mx_entry(), 1..6),
        max_age in prop_oneof![Just(0u32), Just(604_800), Just(MAX_AGE_LIMIT), 0..=MAX_AGE_LIMIT],
        now in 0u64..4_102_444_800,
    ) {
        let input = GenerateInput { domain: domain.clone(), mode, mx, max_age, rua: None };
        let generated = generate(&input, now).expect("valid input generates");
        let policy = Policy::parse(generated.policy.as_bytes());
        prop_assert!(!policy.findings.iter().any(|f| f.severity == mta_sts::Severity::Error), "{:?}", policy.findings);
        let policy = policy.value.expect("policy");
        prop_assert_eq!(policy.mode, mode);
        prop_assert_eq!(policy.max_age, max_age);
        prop_assert!(generated.policy.ends_with("\r\n") && !generated.policy.replace("\r\n", "").contains('\n'));
        prop_assert!(StsRecord::parse(generated.sts_record.as_bytes()).valid(), "{}", generated.sts_record);
        prop_assert!(TlsRptRecord::parse(generated.tlsrpt_record.as_bytes()).valid(), "{}", generated.tlsrpt_record);
        prop_assert_eq!(generated.sts_record_name, format!("_mta-sts.{}", domain.as_str()));
    }

    /// A suggested wildcard covers every host it replaces (RFC 8461 §4.1), is never TLD-wide, and the
    /// generated policy with the suggestion applied still covers every MX host.
    #[test]
    fn suggested_wildcards_keep_every_mx_host_covered(
        hosts in prop::collection::vec(
            prop_oneof![host(), (label(), prop::sample::select(vec!["mail.example.net", "l.example.com"]))
                .prop_map(|(l, parent)| format!("{l}.{parent}"))],
            1..8,
        ),
    ) {
        for suggestion in suggest_wildcards(&hosts) {
            let pattern = MxPattern::parse(&suggestion.pattern).expect("a valid pattern");
            prop_assert!(!pattern.is_broad_wildcard(), "{}", suggestion.pattern);
            prop_assert!(suggestion.replaces.len() >= 2);
            let mut mx: Vec<String> =
                hosts.iter().filter(|h| !suggestion.replaces.contains(&h.to_ascii_lowercase())).cloned().collect();
            mx.push(suggestion.pattern.clone());
            let input = GenerateInput {
                domain: Domain::parse("example.org").unwrap(),
                mode: Mode::Enforce,
                mx,
                max_age: 604_800,
                rua: None,
            };
            let policy = Policy::parse(generate(&input, 0).expect("generates").policy.as_bytes()).value.unwrap();
            for host in &hosts {
                prop_assert!(policy.mx.iter().any(|p| p.matches(host)), "{host} lost by {}", suggestion.pattern);
            }
        }
    }

    #[test]
    fn evaluate_never_panics_on_arbitrary_replies(
        bodies in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 5),
        statuses in prop::collection::vec(prop_oneof![Just(200u16), 100u16..600], 5),
        policy_status in prop_oneof![Just(200u16), 100u16..600],
        policy_body in prop::collection::vec(any::<u8>(), 0..400),
        content_type in proptest::option::of("[ -~]{0,40}"),
    ) {
        let domain = Domain::parse("example.com").unwrap();
        let plan = plan(&domain);
        let dns = plan.dns.iter().zip(bodies).zip(statuses).map(|((probe, body), http_status)| DnsObservation {
            probe: probe.kind,
            name: probe.name.clone(),
            rtype: probe.rtype,
            result: DnsResult::Response { http_status, body, elapsed_ms: None },
        }).collect();
        let observations = Observations {
            domain: "example.com".into(),
            resolver: None,
            observed_at: None,
            dns,
            policy: Some(PolicyObservation {
                url: plan.policy_url.clone(),
                result: PolicyResult::Response {
                    status: policy_status,
                    headers: PolicyHeaders { content_type, ..PolicyHeaders::default() },
                    body: policy_body,
                    truncated: false,
                    elapsed_ms: None,
                },
                certificate: None,
            }),
        };
        let report = evaluate(&observations, 1_795_867_200).unwrap();
        prop_assert_eq!(report.valid, !report.findings.iter().any(|f| f.severity == mta_sts::Severity::Error));
        prop_assert!(!report.summary.is_empty());
        // Every rule of the policy file has its own code; `policy-invalid` only names their group.
        prop_assert!(!report.findings.iter().any(|f| f.code == mta_sts::Code::PolicyInvalid), "{:?}", report.findings);
    }
}

#[test]
fn generator_refuses_what_it_cannot_make_valid() {
    let domain = Domain::parse("example.com").unwrap();
    let input = |mode, mx: &[&str], max_age| GenerateInput {
        domain: domain.clone(),
        mode,
        mx: mx.iter().map(ToString::to_string).collect(),
        max_age,
        rua: None,
    };
    assert!(generate(&input(Mode::Enforce, &[], 86_400), 0).is_err(), "enforce without mx");
    assert!(generate(&input(Mode::None, &[], 86_400), 0).is_ok(), "none needs no mx");
    assert!(generate(&input(Mode::Testing, &["mail.example.com"], MAX_AGE_LIMIT + 1), 0).is_err());
    assert!(generate(&input(Mode::Testing, &["mail_1.example.com"], 86_400), 0).is_err());
    assert!(generate(&input(Mode::Testing, &["*.*.example.com"], 86_400), 0).is_err());
    let mut with_rua = input(Mode::Testing, &["mail.example.com"], 86_400);
    with_rua.rua = Some("reports@example.com".into());
    assert_eq!(generate(&with_rua, 0).unwrap().tlsrpt_record, "v=TLSRPTv1; rua=mailto:reports@example.com");
    with_rua.rua = Some("not an address".into());
    assert!(generate(&with_rua, 0).is_err());
}

#[test]
fn generated_files_match_the_documented_example() {
    let input = GenerateInput {
        domain: Domain::parse("example.com").unwrap(),
        mode: Mode::Testing,
        mx: vec!["mail.example.com".into(), "*.backup.example.com".into(), "mail.example.com.".into()],
        max_age: 604_800,
        rua: None,
    };
    let generated = generate(&input, 1_795_867_200).unwrap();
    assert_eq!(generated.policy_url, "https://mta-sts.example.com/.well-known/mta-sts.txt");
    assert!(generated.policy.starts_with("version: STSv1\r\nmode: testing\r\n"), "{}", generated.policy);
    assert!(generated.policy.contains("mx: mail.example.com\r\nmx: *.backup.example.com\r\n"));
    assert_eq!(generated.policy.matches("mx: mail.example.com\r\n").count(), 1, "duplicates are merged");
    assert!(generated.sts_record.contains("id=20261128120000"));
    assert_eq!(generated.tlsrpt_record_name, "_smtp._tls.example.com");
    let _ = RecordType::Txt;
}
