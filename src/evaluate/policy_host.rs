//! The policy host and the policy fetch (RFC 8461 §3.3): its addresses, certificate, HTTP answer and
//! headers, and the policy file it served (§3.2).

use super::{Evidence, Lookup, PolicyEvidence, PolicyState, RecordState, lookup};
use crate::dns::RecordData;
use crate::finding::{Code, Finding};
use crate::observe::{CertificateInfo, CertificateSummary, ErrorClass, Observations, PolicyHeaders, PolicyResult};
use crate::plan::{POLICY_SIZE_LIMIT, ProbeKind};
use crate::policy::Policy;

/// `Some(n)`: the policy host resolved to `n` addresses over IPv4 and IPv6 together; `None` if unknown.
pub(super) fn policy_host_addresses(obs: &Observations, evidence: &mut Evidence) -> Option<usize> {
    let mut total = Some(0);
    for kind in [ProbeKind::PolicyHostA, ProbeKind::PolicyHostAaaa] {
        match lookup(obs, kind, evidence) {
            Lookup::Answer(response) => {
                let n = response.records.iter().filter(|r| !matches!(r.data, RecordData::Txt { .. })).count();
                total = total.map(|t| t + n);
            }
            Lookup::Failed(_) => total = None,
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
    obs: &Observations,
    d: &str,
    record_state: RecordState,
    addresses: Option<usize>,
    now: u64,
    findings: &mut Vec<Finding>,
    evidence: &mut Evidence,
) -> PolicyState {
    let Some(observation) = &obs.policy else {
        if record_state == RecordState::Usable {
            findings.push(Finding::new(
                Code::PolicyFetchFailed,
                format!(
                    "The check did not fetch the policy from https://mta-sts.{d}/.well-known/mta-sts.txt, so it \
                     cannot tell whether senders can use it. Run the full check again."
                ),
            ));
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
    let host = format!("mta-sts.{d}");
    let state = match &observation.result {
        PolicyResult::Failed { error, elapsed_ms } => {
            entry.error = Some(format!("{}: {}", error.class.as_str(), error.detail));
            entry.elapsed_ms = *elapsed_ms;
            if !quiet {
                if addresses == Some(0) {
                    findings.push(
                        Finding::new(
                            Code::PolicyHostNoAddress,
                            format!(
                                "The policy host {host} has no A or AAAA record, so no sender can fetch the \
                                 policy and all of them ignore MTA-STS for {d}."
                            ),
                        )
                        .with_fix(format!(
                            "Create an A and/or AAAA record (or a CNAME) for {host} pointing to the web server \
                             that serves the policy, with a certificate valid for {host}."
                        )),
                    );
                }
                if error.class == ErrorClass::NotPublic {
                    findings.push(
                        Finding::new(
                            Code::PolicyHostNotPublic,
                            format!(
                                "The policy host {host} resolves to an address that is not reachable from the \
                                 internet ({}), so no sender can fetch the policy and all of them ignore MTA-STS \
                                 for {d}. The check does not connect to such addresses.",
                                error.detail
                            ),
                        )
                        .with_fix(format!(
                            "Point the A and AAAA records of {host} at the public address of the web server that \
                             serves the policy."
                        )),
                    );
                }
                let (code, what) = match error.class {
                    // Said in full by policy-host-not-public above.
                    ErrorClass::NotPublic => return finish(PolicyState::Failed, entry, evidence),
                    ErrorClass::Tls => (
                        Code::PolicyTlsInvalid,
                        format!(
                            "The HTTPS connection to {host} failed: its certificate is not valid for {host} \
                             (expired, untrusted, or issued for another name), or the TLS handshake failed"
                        ),
                    ),
                    ErrorClass::Dns => (Code::PolicyFetchFailed, format!("The name {host} does not resolve")),
                    ErrorClass::Connect => {
                        (Code::PolicyFetchFailed, format!("No HTTPS connection to {host} on port 443 could be made"))
                    }
                    ErrorClass::Timeout => (
                        Code::PolicyFetchFailed,
                        format!("{host} did not deliver the policy within the check's time budget"),
                    ),
                    ErrorClass::Network => (Code::PolicyFetchFailed, format!("The policy fetch from {host} failed")),
                };
                findings.push(Finding::new(
                    code,
                    format!(
                        "{what}{}. Senders that cannot fetch the policy deliver as though {d} had no MTA-STS \
                         policy (RFC 8461 §3.3), unless they cached it earlier.",
                        if error.detail.is_empty() { String::new() } else { format!(" ({})", error.detail) }
                    ),
                ));
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
                    let target = headers.location.as_deref().unwrap_or("(no Location header)");
                    findings.push(
                        Finding::new(
                            Code::PolicyRedirect,
                            format!(
                                "{} answered with a redirect (HTTP {status} to {target}). Senders must not follow \
                                 redirects (RFC 8461 §3.3), so they ignore the policy; some checkers follow them \
                                 silently and report the domain as fine.",
                                observation.url
                            ),
                        )
                        .with_fix(format!(
                            "Serve the policy file itself at {} with status 200: remove the redirect (often an \
                             http→https, www or trailing-slash rule) for /.well-known/mta-sts.txt.",
                            observation.url
                        )),
                    );
                }
                PolicyState::Failed
            } else if *status != 200 {
                // RFC 8461 §3.3: "Policies fetched via HTTPS are only valid if the HTTP response code is 200".
                if !quiet {
                    findings.push(
                        Finding::new(
                            Code::PolicyHttpStatus,
                            format!(
                                "{} answered HTTP {status} instead of 200, so senders ignore the policy and deliver \
                                 as though {d} had no MTA-STS policy.",
                                observation.url
                            ),
                        )
                        .with_fix(format!(
                            "Make {} return the policy file with status 200 (check the file's path and name: \
                             .well-known/mta-sts.txt).",
                            observation.url
                        )),
                    );
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
                    findings.push(Finding::new(
                        Code::PolicyTooLarge,
                        format!(
                            "The policy body is {}{} bytes; many senders stop reading at 64 KiB (RFC 8461 §3.3 \
                             suggests that limit), so they would see a cut or no policy. A policy needs only a \
                             few lines.",
                            if *truncated { "more than " } else { "" },
                            body.len()
                        ),
                    ));
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
        findings.push(
            Finding::new(
                Code::PolicyHostUnreachable,
                format!(
                    "{host} answers over one address family, but not over {family} at {} ({}: {}). Senders that \
                     connect over {family} cannot fetch the policy and deliver as though there were none \
                     (RFC 8461 §3.3).",
                    attempt.address,
                    error.class.as_str(),
                    error.detail
                ),
            )
            .with_fix(format!(
                "Make the web server of {host} listen on {} port 443 with the same certificate, or remove the \
                 {} record that points there.",
                attempt.address,
                if family == "IPv4" { "A" } else { "AAAA" }
            )),
        );
    }
}

/// RFC 8461 §3.3: the certificate must be valid for the "mta-sts" DNS-ID (RFC 6125) and non-expired.
/// Returns whether senders would accept the certificate.
pub(super) fn check_certificate(leaf: &CertificateSummary, host: &str, now: u64, findings: &mut Vec<Finding>) -> bool {
    const DAY: u64 = 86_400;
    let mut valid = true;
    if now >= leaf.not_after || now < leaf.not_before {
        valid = false;
        let when = if now >= leaf.not_after { "expired" } else { "is not valid yet" };
        findings.push(
            Finding::new(
                Code::PolicyTlsInvalid,
                format!(
                    "The certificate of {host} {when} (valid from {} to {}), so senders cannot fetch the policy and \
                     ignore MTA-STS for this domain (RFC 8461 §3.3).",
                    crate::civil::format_utc(leaf.not_before),
                    crate::civil::format_utc(leaf.not_after)
                ),
            )
            .with_fix(format!("Renew the certificate of {host} and check that its automatic renewal works.")),
        );
    } else if leaf.not_after - now < 14 * DAY {
        let days = (leaf.not_after - now) / DAY;
        findings.push(
            Finding::new(
                Code::PolicyCertExpiring,
                format!(
                    "The certificate of {host} expires in {days} day{} ({}). When it expires, senders can no longer \
                     fetch the policy.",
                    if days == 1 { "" } else { "s" },
                    crate::civil::format_utc(leaf.not_after)
                ),
            )
            .with_fix(format!("Renew the certificate of {host} now, and check why automatic renewal has not run.")),
        );
    }
    // RFC 8461 §3.3: DNS-ID only (no Common Name fallback); `*` only as the complete left-most label.
    if !leaf.dns_names.iter().any(|name| dns_id_matches(name, host)) {
        valid = false;
        let names = if leaf.dns_names.is_empty() { "no DNS names".to_owned() } else { leaf.dns_names.join(", ") };
        findings.push(
            Finding::new(
                Code::PolicyTlsInvalid,
                format!(
                    "The certificate of {host} is issued for {names}, not for {host}. Senders match the policy \
                     host's name against the certificate's DNS names only, so they ignore the policy \
                     (RFC 8461 §3.3)."
                ),
            )
            .with_fix(format!("Get a certificate whose subjectAltName includes {host} (or *.{}).", host_parent(host))),
        );
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
        let what = match media_type {
            Some(m) if !m.is_empty() => format!("is served as {m}"),
            _ => "is served without a Content-Type".to_owned(),
        };
        findings.push(
            Finding::new(
                Code::PolicyContentType,
                format!(
                    "The policy {what}, not text/plain. RFC 8461 §3.2 says senders SHOULD check the media type: \
                     strict ones (postfix-mta-sts-resolver, go-mtasts/maddy, chasquid) reject the policy, while \
                     others (mox, Stalwart) accept it."
                ),
            )
            .with_fix(format!(
                "Configure the web server of {host} to send `Content-Type: text/plain` (charset=utf-8 is fine) \
                 for /.well-known/mta-sts.txt."
            )),
        );
    }
    // RFC 8461 §3.3: senders MUST NOT use HTTP caching, but caches in front of the host may.
    let max_age = headers.cache_control.as_deref().and_then(|cc| {
        cc.split(',').find_map(|directive| {
            let (name, value) = directive.trim().split_once('=')?;
            name.trim().eq_ignore_ascii_case("max-age").then(|| value.trim().trim_matches('"').parse::<u64>().ok())?
        })
    });
    if let Some(seconds) = max_age.filter(|&s| s > 3600) {
        findings.push(Finding::new(
            Code::PolicyCacheControl,
            format!(
                "The policy is served with Cache-Control max-age={seconds}. Senders never use HTTP caching \
                 (RFC 8461 §3.3), but a CDN or proxy in front of {host} may keep serving an old policy for that \
                 long after you change it; RFC 8461 §8.2 suggests at most max-age=60 behind a proxy."
            ),
        ));
    }
}
