//! MX hosts and their coverage by the policy's `mx` patterns (RFC 8461 §4.1), and the corrected policy
//! that covers them.

use super::MxHost;
use crate::dns::{DnsResponse, RecordData};
use crate::finding::{Artifact, ArtifactKind, Code, Finding, Severity};
use crate::mx::MxPattern;
use crate::policy::{Mode, Policy, PolicyDraft};

/// The MX table, and findings about a missing or null MX.
pub(super) fn mx_hosts(response: &DnsResponse, d: &str, findings: &mut Vec<Finding>) -> Vec<MxHost> {
    let mut hosts: Vec<MxHost> = response
        .records
        .iter()
        .filter_map(|r| match &r.data {
            RecordData::Mx { preference, exchange } => {
                Some(MxHost { host: exchange.clone(), preference: *preference, pattern: None, implicit: false })
            }
            _ => None,
        })
        .collect();
    hosts.sort_by(|a, b| a.preference.cmp(&b.preference).then_with(|| a.host.cmp(&b.host)));
    if hosts.len() == 1 && hosts[0].host.is_empty() {
        // RFC 7505: a single MX with an empty exchange ("null MX") says the domain accepts no mail.
        findings.push(Finding::new(
            Code::MxNull,
            format!("{d} publishes a null MX (RFC 7505): it accepts no mail, so MTA-STS has nothing to protect."),
        ));
        return Vec::new();
    }
    if hosts.is_empty() {
        // RFC 5321 §5.1: without MX records, the domain itself is the mail host.
        findings.push(Finding::new(
            Code::MxNone,
            format!(
                "{d} publishes no MX records, so senders deliver to the domain's own address (the implicit MX of \
                 RFC 5321 §5.1). If {d} receives mail, publish MX records; the policy must then cover the host \
                 name {d}."
            ),
        ));
        hosts.push(MxHost { host: d.to_owned(), preference: 0, pattern: None, implicit: true });
    }
    hosts
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
pub(super) fn corrected_policy(draft: &PolicyDraft, mx: &[MxHost], d: &str, new_id: &str) -> (String, Policy) {
    let mut patterns: Vec<MxPattern> = draft.mx.iter().filter_map(|p| MxPattern::parse(p).ok()).collect();
    for host in mx {
        if !patterns.iter().any(|p| p.matches(&host.host))
            && let Ok(pattern) = MxPattern::parse(&host.host)
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
    let text = format!(
        "1. Replace the file at https://mta-sts.{d}/.well-known/mta-sts.txt with:\n\n{}\n2. Then change the TXT \
         record at _mta-sts.{d} to `v=STSv1; id={new_id};` so that senders fetch the corrected policy (policy \
         first, then the id: RFC 8461 §8.1).",
        policy.to_text()
    );
    (text, policy)
}

pub(crate) fn check_coverage(policy: &Policy, mx: &mut [MxHost], d: &str, new_id: &str, findings: &mut Vec<Finding>) {
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
            if let Ok(pattern) = MxPattern::parse(host) {
                corrected.mx.push(pattern);
            }
        }
        let fix = format!(
            "1. Publish this policy at https://mta-sts.{d}/.well-known/mta-sts.txt:\n\n{}\n2. Then change the TXT \
             record at _mta-sts.{d} to `v=STSv1; id={new_id};` so that senders fetch the new policy (policy \
             first, then the id: RFC 8461 §8.1).",
            corrected.to_text()
        );
        let (severity, consequence) = if policy.mode == Mode::Enforce {
            (
                Severity::Error,
                "senders that enforce MTA-STS refuse to deliver to it: mail routed there bounces or waits",
            )
        } else {
            (
                Severity::Warning,
                "in testing mode senders still deliver, but report a failure; in enforce mode this would bounce mail",
            )
        };
        for host in &uncovered {
            findings.push(
                Finding::new(
                    Code::MxNotCovered,
                    format!(
                        "The MX host {host} matches no mx pattern of the policy, so {consequence}.{}",
                        wildcard_depth_hint(policy, host)
                    ),
                )
                .with_severity(severity)
                .with_fix(fix.clone())
                .with_artifacts(republish(&corrected, new_id)),
            );
        }
    }
    let unused: Vec<String> =
        policy.mx.iter().filter(|p| !mx.iter().any(|h| p.matches(&h.host))).map(ToString::to_string).collect();
    for pattern in unused {
        findings.push(Finding::new(
            Code::PolicyMxUnused,
            format!(
                "The mx pattern {pattern} matches none of {d}'s MX hosts. That is harmless (and normal while \
                 migrating), but a stale entry lets a server you no longer use receive mail under the policy."
            ),
        ));
    }
}

/// The classic trap (field notes D.28): `*.example.com` does not cover `a.b.example.com`.
pub(super) fn wildcard_depth_hint(policy: &Policy, host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    policy
        .mx
        .iter()
        .find_map(|pattern| match pattern {
            MxPattern::Wildcard { parent } if host.ends_with(&format!(".{}", parent.to_ascii_lowercase())) => {
                Some(format!(
                    " The pattern {pattern} is close but covers exactly one label in place of `*` (RFC 8461 §4.1): \
                     it matches `mx.{parent}`, not the deeper `{host}`; add `mx: {host}` (or a wildcard one \
                     level deeper)."
                ))
            }
            _ => None,
        })
        .unwrap_or_default()
}
