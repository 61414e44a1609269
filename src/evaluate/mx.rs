//! MX hosts and their coverage by the policy's `mx` patterns (RFC 8461 §4.1), and the corrected policy
//! that covers them.

use super::{MxHost, MxTlsa};
use crate::dns::{DnsResponse, RecordData};
use crate::domain::Domain;
use crate::finding::{Artifact, ArtifactKind, Finding, Severity};
use crate::message::evaluate as words;
use crate::mx::MxPattern;
use crate::policy::{Mode, Policy, PolicyDraft};

/// The MX table, and findings about a missing or null MX.
pub(super) fn mx_hosts(response: &DnsResponse, d: &str, findings: &mut Vec<Finding>) -> Vec<MxHost> {
    let mut hosts = listed_hosts(response);
    if hosts.len() == 1 && hosts[0].host.is_empty() {
        // RFC 7505: a single MX with an empty exchange ("null MX") says the domain accepts no mail.
        findings.push(words::mx_null(d));
        return Vec::new();
    }
    if hosts.is_empty() {
        // RFC 5321 §5.1: without MX records, the domain itself is the mail host.
        findings.push(words::mx_none(d));
        hosts.push(MxHost {
            host: d.to_owned(),
            preference: 0,
            pattern: None,
            implicit: true,
            provider: None,
            tlsa: None,
        });
    }
    hosts
}

/// The MX records of an answer as hosts, most preferred first (then by name), as the MX answer lists them.
pub(crate) fn listed_hosts(response: &DnsResponse) -> Vec<MxHost> {
    let mut hosts: Vec<MxHost> = response
        .records
        .iter()
        .filter_map(|r| match &r.data {
            RecordData::Mx { preference, exchange } => {
                let provider = crate::providers::provider_of(exchange).map(|p| p.name.to_owned());
                Some(MxHost {
                    host: exchange.clone(),
                    preference: *preference,
                    pattern: None,
                    implicit: false,
                    provider,
                    tlsa: None,
                })
            }
            _ => None,
        })
        .collect();
    hosts.sort_by(|a, b| a.preference.cmp(&b.preference).then_with(|| a.host.cmp(&b.host)));
    hosts
}

/// An MX host's TLSA records, from the answer at `_25._tcp.<host>`; `None` when it publishes none.
pub(super) fn mx_tlsa(response: &DnsResponse) -> Option<MxTlsa> {
    let records: Vec<&RecordData> =
        response.records.iter().map(|r| &r.data).filter(|d| matches!(d, RecordData::Tlsa { .. })).collect();
    (!records.is_empty()).then(|| MxTlsa {
        records: records.len(),
        usable: records.iter().filter(|d| d.is_usable_tlsa()).count(),
        // RFC 7672 §2.2.3: only "secure" TLSA records are used.
        validated: response.authenticated_data,
    })
}

/// What a changed policy is published as: the policy file, then the record whose new id tells senders to
/// fetch it again (RFC 8461 §8.1).
pub(super) fn republish(policy: &Policy, new_id: &str) -> Vec<Artifact> {
    vec![
        Artifact { kind: ArtifactKind::PolicyFile, text: policy.to_text() },
        Artifact { kind: ArtifactKind::StsRecord, text: format!("v=STSv1; id={new_id};") },
    ]
}

/// A valid policy built from what could be read of an invalid one, covering the live MX hosts: the
/// instructions, and the policy itself.
pub(super) fn corrected_policy(draft: &PolicyDraft, mx: &[MxHost], domain: &Domain, new_id: &str) -> (String, Policy) {
    let mut patterns: Vec<MxPattern> = draft.mx.iter().filter_map(|p| MxPattern::parse(p).ok()).collect();
    for host in mx {
        if !patterns.iter().any(|p| p.matches(&host.host))
            && let Ok(pattern) = MxPattern::parse(&covering_pattern(&host.host))
        {
            patterns.push(pattern);
        }
    }
    let mode = draft.mode.unwrap_or(Mode::Testing);
    let policy = Policy {
        version: "STSv1".to_owned(),
        mode: if patterns.is_empty() { Mode::None } else { mode },
        max_age: draft.max_age.filter(|&age| age <= crate::generate::MAX_AGE_LIMIT).unwrap_or(604_800),
        mx: patterns,
        extensions: Vec::new(),
    };
    // RFC 8461 §8.1: the policy first, then the id that makes senders fetch it.
    let text = words::fix_replace_policy(domain.policy_url(), policy.to_text(), domain.sts_record_name(), new_id);
    (text, policy)
}

pub(crate) fn check_coverage(
    policy: &Policy,
    mx: &mut [MxHost],
    domain: &Domain,
    new_id: &str,
    findings: &mut Vec<Finding>,
) {
    if policy.mode == Mode::None {
        return;
    }
    let mut uncovered = Vec::new();
    for host in mx.iter_mut() {
        // RFC 8461 §4.1: the MX host name must match at least one `mx` pattern.
        host.pattern = policy.mx.iter().find(|p| p.matches(&host.host)).map(ToString::to_string);
        if host.pattern.is_none() {
            uncovered.push(host.host.clone());
        }
    }
    if !uncovered.is_empty() {
        let mut corrected = policy.clone();
        for host in &uncovered {
            if let Ok(pattern) = MxPattern::parse(&covering_pattern(host))
                && !corrected.mx.iter().any(|p| p.matches(host))
            {
                corrected.mx.push(pattern);
            }
        }
        let (url, text, name) = (domain.policy_url(), corrected.to_text(), domain.sts_record_name());
        // RFC 8461 §5: only `enforce` refuses delivery; under `testing` the failure is reported.
        let enforce = policy.mode == Mode::Enforce;
        let severity = if enforce { Severity::Error } else { Severity::Warning };
        for host in &uncovered {
            let finding = match (wildcard_near_miss(policy, host), enforce) {
                (None, true) => words::mx_not_covered(host, &url, &text, &name, new_id),
                (None, false) => words::mx_not_covered_testing(host, &url, &text, &name, new_id),
                (Some((pattern, parent)), true) => {
                    words::mx_not_covered_deep(host, pattern, parent, &url, &text, &name, new_id)
                }
                (Some((pattern, parent)), false) => {
                    words::mx_not_covered_deep_testing(host, pattern, parent, &url, &text, &name, new_id)
                }
            };
            findings.push(finding.with_severity(severity).with_artifacts(republish(&corrected, new_id)));
        }
    }
    let unused: Vec<String> =
        policy.mx.iter().filter(|p| !mx.iter().any(|h| p.matches(&h.host))).map(ToString::to_string).collect();
    for pattern in unused {
        findings.push(words::policy_mx_unused(pattern, domain.as_str()));
    }
}

/// The pattern a corrected policy adds for an uncovered host: a hosted provider's own (one wildcard for
/// all of Google's alternates, Microsoft's tenant hosts), or the host name itself.
fn covering_pattern(host: &str) -> String {
    crate::providers::provider_of(host).map_or_else(|| host.to_owned(), |p| p.pattern_for(host))
}

/// The classic trap (field notes D.28): `*.example.com` does not cover `a.b.example.com`. The wildcard
/// pattern the uncovered `host` lies deeper under, and that pattern's parent.
pub(super) fn wildcard_near_miss<'p>(policy: &'p Policy, host: &str) -> Option<(&'p MxPattern, &'p str)> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    policy.mx.iter().find_map(|pattern| match pattern {
        // RFC 8461 §4.1: the `*` stands for exactly one label, so a deeper host is not covered.
        MxPattern::Wildcard { parent } if host.ends_with(&format!(".{}", parent.to_ascii_lowercase())) => {
            Some((pattern, parent.as_str()))
        }
        _ => None,
    })
}
