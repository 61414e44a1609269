//! The policy host and the policy fetch (RFC 8461 §3.3): its addresses, certificate, HTTP answer and
//! headers, and the policy file it served (§3.2).

use super::{Evidence, Lookup, PolicyEvidence, PolicyState, RecordState, Seen, lookup};
use crate::dns::RecordData;
use crate::domain::Domain;
use crate::finding::Finding;
use crate::message::evaluate as words;
use crate::observe::{CertificateInfo, CertificateSummary, ErrorClass, PolicyHeaders, PolicyResult, Probe};
use crate::plan::{POLICY_SIZE_LIMIT, ProbeKind};
use crate::policy::Policy;

/// `Some(n)`: the policy host resolved to `n` addresses over IPv4 and IPv6 together; `None` if unknown.
pub(super) fn policy_host_addresses(seen: &Seen<'_>, evidence: &mut Evidence) -> Option<usize> {
    let mut total = Some(0);
    for kind in [ProbeKind::PolicyHostA, ProbeKind::PolicyHostAaaa] {
        match lookup(seen, kind, evidence) {
            Lookup::Answer(response) => {
                let n = response.records.iter().filter(|r| !matches!(r.data, RecordData::Txt { .. })).count();
                total = total.map(|t| t + n);
            }
            Lookup::Failed(_) | Lookup::Pending => total = None,
        }
    }
    total
}

pub(super) fn line_endings(body: &[u8]) -> &'static str {
    let crlf = body.windows(2).filter(|w| w == b"\r\n").count();
    let lf = body.iter().filter(|&&b| b == b'\n').count();
    match (crlf, lf - crlf) {
        (0, 0) => "none",
        (_, 0) => "crlf",
        (0, _) => "lf",
        _ => "mixed",
    }
}

#[allow(clippy::too_many_lines)] // one linear walk through RFC 8461 §3.3's fetch rules reads best in one place
pub(super) fn evaluate_policy(
    seen: &Seen<'_>,
    domain: &Domain,
    record_state: RecordState,
    addresses: Option<usize>,
    now: u64,
    findings: &mut Vec<Finding>,
    evidence: &mut Evidence,
) -> PolicyState {
    let d = domain.as_str();
    // Whether the policy matters, and how, depends on the record: until it is known, so is the policy.
    if seen.pending(Probe::Policy) || record_state == RecordState::Pending {
        return PolicyState::Pending;
    }
    let Some(observation) = &seen.obs.policy else {
        if record_state == RecordState::Usable {
            findings.push(words::policy_not_fetched(domain.policy_url()));
        }
        return PolicyState::NotFetched;
    };
    let mut entry = PolicyEvidence {
        url: observation.url.clone(),
        status: None,
        headers: PolicyHeaders::default(),
        size: 0,
        truncated: false,
        line_endings: None,
        error: None,
        elapsed_ms: None,
        certificate: observation.certificate.clone(),
    };
    // Without a record senders never fetch the policy: a failed fetch is then no news, but a policy that
    // is online is worth checking so that it is right when the record goes up.
    let quiet = record_state == RecordState::Missing;
    let host = domain.policy_host();
    let state = match &observation.result {
        PolicyResult::Failed { error, elapsed_ms } => {
            entry.error = Some(format!("{}: {}", error.class.as_str(), error.detail));
            entry.elapsed_ms = *elapsed_ms;
            if !quiet {
                // What the shell saw; an empty detail is shown as the error class.
                let detail = if error.detail.is_empty() { error.class.as_str() } else { error.detail.as_str() };
                if addresses == Some(0) {
                    findings.push(words::host_no_address(&host, d));
                }
                if error.class == ErrorClass::NotPublic {
                    findings.push(words::host_not_public(&host, detail, d));
                }
                // RFC 8461 §3.3: no policy fetched means delivery as though there were no policy.
                let failure = match error.class {
                    // Said in full by policy-host-not-public above.
                    ErrorClass::NotPublic => return finish(PolicyState::Failed, entry, evidence),
                    ErrorClass::Tls => words::fetch_tls(&host, host_parent(&host), detail, d),
                    ErrorClass::Dns => words::fetch_dns(&host, detail, d),
                    ErrorClass::Connect => words::fetch_connect(&host, detail, d),
                    ErrorClass::Timeout => words::fetch_timeout(&host, detail, d),
                    ErrorClass::Network => words::fetch_network(&host, domain.policy_url(), detail, d),
                };
                findings.push(failure);
            }
            PolicyState::Failed
        }
        PolicyResult::Response { status, headers, body, truncated, elapsed_ms } => {
            entry.status = Some(*status);
            entry.headers = headers.clone();
            entry.size = body.len();
            entry.truncated = *truncated;
            entry.elapsed_ms = *elapsed_ms;
            if (300..400).contains(status) {
                // RFC 8461 §3.3: HTTP 3xx redirects MUST NOT be followed.
                if !quiet {
                    findings.push(match headers.location.as_deref() {
                        Some(target) => words::redirect(&observation.url, status, target),
                        None => words::redirect_no_location(&observation.url, status),
                    });
                }
                PolicyState::Failed
            } else if *status != 200 {
                // RFC 8461 §3.3: "Policies fetched via HTTPS are only valid if the HTTP response code is 200".
                if !quiet {
                    findings.push(words::http_status(&observation.url, status, d));
                }
                PolicyState::Failed
            } else {
                entry.line_endings = Some(line_endings(body).to_owned());
                let certificate_valid = observation
                    .certificate
                    .as_ref()
                    .and_then(|c| c.chain.first())
                    .is_none_or(|leaf| check_certificate(leaf, &host, now, findings));
                check_headers(headers, &host, findings);
                if body.len() > POLICY_SIZE_LIMIT || *truncated {
                    // RFC 8461 §3.3: senders MAY impose a size limit; 64 KB is the suggestion.
                    findings.push(if *truncated {
                        words::too_large_truncated(body.len())
                    } else {
                        words::too_large(body.len())
                    });
                }
                let parsed = Policy::parse(body);
                let valid = parsed.valid();
                findings.extend(parsed.findings);
                match parsed.value {
                    // A shell that saw the body despite a bad certificate reports it, but senders never get it.
                    _ if !certificate_valid => PolicyState::Failed,
                    Some(policy) if valid => PolicyState::Valid(policy),
                    _ => PolicyState::Invalid(Policy::salvage(body)),
                }
            }
        }
    };
    if !quiet && let Some(certificate) = &observation.certificate {
        check_address_families(certificate, &host, findings);
    }
    finish(state, entry, evidence)
}

pub(super) fn finish(state: PolicyState, entry: PolicyEvidence, evidence: &mut Evidence) -> PolicyState {
    evidence.policy = Some(entry);
    state
}

/// A host that answers over one address family but not the other fails for the senders that use the
/// other one; when no family works, the fetch failure already says so.
pub(super) fn check_address_families(certificate: &CertificateInfo, host: &str, findings: &mut Vec<Finding>) {
    if !certificate.addresses.iter().any(|a| a.error.is_none()) {
        return;
    }
    for attempt in &certificate.addresses {
        let Some(error) = &attempt.error else { continue };
        let family = attempt.family.as_str();
        let record = if family == "IPv4" { "A" } else { "AAAA" };
        findings.push(words::host_unreachable(
            host,
            family,
            &attempt.address,
            error.class.as_str(),
            &error.detail,
            record,
        ));
    }
}

/// RFC 8461 §3.3: the certificate must be valid for the "mta-sts" DNS-ID (RFC 6125) and non-expired.
/// Returns whether senders would accept the certificate.
pub(super) fn check_certificate(leaf: &CertificateSummary, host: &str, now: u64, findings: &mut Vec<Finding>) -> bool {
    const DAY: u64 = 86_400;
    let mut valid = true;
    let (from, until) = (crate::civil::format_utc(leaf.not_before), crate::civil::format_utc(leaf.not_after));
    if now >= leaf.not_after {
        valid = false;
        findings.push(words::cert_expired(host, from, until));
    } else if now < leaf.not_before {
        valid = false;
        findings.push(words::cert_not_yet_valid(host, from, until));
    } else if leaf.not_after - now < 14 * DAY {
        findings.push(match (leaf.not_after - now) / DAY {
            0 => words::cert_expiring_today(host, until),
            1 => words::cert_expiring_one_day(host, until),
            days => words::cert_expiring(host, days, until),
        });
    }
    // RFC 8461 §3.3: DNS-ID only (no Common Name fallback); `*` only as the complete left-most label.
    if !leaf.dns_names.iter().any(|name| dns_id_matches(name, host)) {
        valid = false;
        findings.push(if leaf.dns_names.is_empty() {
            words::cert_no_names(host, host_parent(host))
        } else {
            words::cert_wrong_name(host, leaf.dns_names.join(", "), host_parent(host))
        });
    }
    valid
}

pub(super) fn host_parent(host: &str) -> &str {
    host.split_once('.').map_or(host, |(_, parent)| parent)
}

/// RFC 6125 §6.4.3 as restricted by RFC 8461 §3.3: a wildcard is only the complete left-most label.
pub(super) fn dns_id_matches(dns_id: &str, host: &str) -> bool {
    let dns_id = dns_id.trim_end_matches('.');
    match dns_id.strip_prefix("*.") {
        Some(parent) => {
            host.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && rest.eq_ignore_ascii_case(parent))
        }
        None => dns_id.eq_ignore_ascii_case(host),
    }
}

pub(super) fn check_headers(headers: &PolicyHeaders, host: &str, findings: &mut Vec<Finding>) {
    // RFC 8461 §3.2: senders SHOULD validate that the media type is "text/plain"; parameters are ignored.
    let media_type = headers.content_type.as_deref().map(|ct| ct.split(';').next().unwrap_or("").trim());
    if !media_type.is_some_and(|m| m.eq_ignore_ascii_case("text/plain")) {
        findings.push(match media_type {
            Some(m) if !m.is_empty() => words::content_type(m, host),
            _ => words::content_type_missing(host),
        });
    }
    // RFC 8461 §3.3: senders MUST NOT use HTTP caching, but caches in front of the host may.
    let max_age = headers.cache_control.as_deref().and_then(|cc| {
        cc.split(',').find_map(|directive| {
            let (name, value) = directive.trim().split_once('=')?;
            name.trim().eq_ignore_ascii_case("max-age").then(|| value.trim().trim_matches('"').parse::<u64>().ok())?
        })
    });
    if let Some(seconds) = max_age.filter(|&s| s > 3600) {
        findings.push(words::cache_control(seconds, host));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;
    const NOW: u64 = 1_795_867_200;

    fn leaf(not_before: u64, not_after: u64, names: &[&str]) -> CertificateSummary {
        CertificateSummary {
            subject: String::new(),
            issuer: String::new(),
            dns_names: names.iter().map(|n| (*n).to_owned()).collect(),
            not_before,
            not_after,
        }
    }

    fn messages(leaf: &CertificateSummary) -> (bool, Vec<String>) {
        let mut findings = Vec::new();
        let valid = check_certificate(leaf, "mta-sts.example.com", NOW, &mut findings);
        (valid, findings.into_iter().map(|f| format!("{}: {}", f.code, f.message)).collect())
    }

    /// Each case of the certificate check says its own sentence, never one glued from fragments.
    #[test]
    fn certificate_findings_say_what_is_wrong() {
        let name = ["mta-sts.example.com"];
        for (days_left, words) in
            [(0, "expires in less than a day"), (1, "expires in 1 day ("), (5, "expires in 5 days (")]
        {
            let (valid, said) = messages(&leaf(NOW - DAY, NOW + days_left * DAY + 60, &name));
            assert!(valid && said.len() == 1 && said[0].contains(words), "{days_left}: {said:?}");
            assert!(said[0].starts_with("policy-cert-expiring"), "{said:?}");
        }
        let (valid, said) = messages(&leaf(NOW - 90 * DAY, NOW - DAY, &name));
        assert!(!valid && said[0].contains("expired (valid from"), "{said:?}");
        let (valid, said) = messages(&leaf(NOW + DAY, NOW + 90 * DAY, &name));
        assert!(!valid && said[0].contains("is not valid yet"), "{said:?}");
        let (valid, said) = messages(&leaf(NOW - DAY, NOW + 90 * DAY, &["www.example.com", "example.com"]));
        assert!(!valid && said[0].contains("is issued for www.example.com, example.com, not for"), "{said:?}");
        let (valid, said) = messages(&leaf(NOW - DAY, NOW + 90 * DAY, &[]));
        assert!(!valid && said[0].contains("carries no DNS names at all"), "{said:?}");
        assert_eq!(messages(&leaf(NOW - DAY, NOW + 90 * DAY, &["*.example.com"])), (true, vec![]));
    }
}
