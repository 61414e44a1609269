//! `evaluate`: what a compliant sender does with a domain, given the raw facts a shell observed.
//!
//! The verdict follows RFC 8461 §3.1–§3.3 and §5: no usable `_mta-sts` record means no policy; a record
//! whose policy cannot be fetched or parsed means "deliver as though the domain has not implemented
//! MTA-STS" (§3.3); otherwise the policy's mode applies, and every MX host is checked against its `mx`
//! patterns (§4.1).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::dns::{self, DnsResponse, Rcode, RecordData};
use crate::domain::{Domain, DomainError};
use crate::finding::{Code, Finding, Severity};
use crate::mx::MxPattern;
use crate::observe::{
    CertificateInfo, CertificateSummary, DnsResult, ErrorClass, Observations, PolicyHeaders, PolicyResult,
};
use crate::plan::{POLICY_SIZE_LIMIT, ProbeKind};
use crate::policy::{Mode, Policy, PolicyDraft};
use crate::record::{StsRecord, fresh_id};
use crate::tlsrpt::TlsRptRecord;

/// What a compliant sender does with the domain right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// A valid policy in `enforce` mode: TLS to a listed MX host, or no delivery.
    Enforce,
    /// A valid policy in `testing` mode: failures are reported, mail still flows.
    Testing,
    /// A valid policy in `none` mode: MTA-STS is being withdrawn.
    None,
    /// No usable `_mta-sts` record.
    NotDeployed,
    /// A record exists, but the record or the policy is unusable: senders behave as if there were none.
    Invalid,
    /// DNS failed; the answer is unknown and usually temporary.
    LookupFailed,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Enforce => "enforce",
            Verdict::Testing => "testing",
            Verdict::None => "none",
            Verdict::NotDeployed => "not-deployed",
            Verdict::Invalid => "invalid",
            Verdict::LookupFailed => "lookup-failed",
        }
    }
}

/// One MX host of the domain and the policy pattern that covers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxHost {
    pub host: String,
    pub preference: u16,
    /// The first `mx` pattern that matches the host; `None` when not covered (or no policy applies).
    pub pattern: Option<String>,
    /// The host is the domain itself because it publishes no MX records (RFC 5321 §5.1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
}

/// What one DNS probe returned, decoded, for the evidence panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsEvidence {
    pub probe: ProbeKind,
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: dns::RecordType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<DnsResponse>,
    /// Why the probe gave no usable answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The policy fetch, for the evidence panel (the body itself stays in the Observations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEvidence {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: PolicyHeaders,
    /// Bytes received.
    pub size: usize,
    pub truncated: bool,
    /// `crlf`, `lf`, `mixed` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_endings: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u32>,
    /// The policy host's certificate chain, TLS version and per-family connection attempts, when the
    /// shell could see them (the native shell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateInfo>,
}

/// The raw facts behind the findings, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver: Option<String>,
    pub dns: Vec<DnsEvidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyEvidence>,
}

/// The result of a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub domain: String,
    pub verdict: Verdict,
    /// The verdict in one sentence a mail administrator understands.
    pub summary: String,
    /// No `error` finding.
    pub valid: bool,
    pub findings: Vec<Finding>,
    pub record: Option<StsRecord>,
    pub policy: Option<Policy>,
    pub tlsrpt: Option<TlsRptRecord>,
    pub mx: Vec<MxHost>,
    pub evidence: Evidence,
}

/// Observations that cannot be interpreted at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    #[error("the observations name an invalid domain: {0}")]
    Domain(#[from] DomainError),
}

/// A DNS probe's outcome, as far as the checker is concerned.
enum Lookup {
    /// The resolver answered (NOERROR or NXDOMAIN).
    Answer(DnsResponse),
    /// No usable answer; the reason in words.
    Failed(String),
}

/// Interprets the probe of `kind`, and records it in the evidence.
fn lookup(obs: &Observations, kind: ProbeKind, evidence: &mut Evidence) -> Lookup {
    let Some(observation) = obs.dns(kind) else {
        return Lookup::Failed("the check did not run this DNS query".to_owned());
    };
    let mut entry = DnsEvidence {
        probe: kind,
        name: observation.name.clone(),
        rtype: observation.rtype,
        http_status: None,
        response: None,
        error: None,
    };
    let outcome = match &observation.result {
        DnsResult::Failed { error, .. } => Lookup::Failed(match error.class {
            ErrorClass::Timeout => "the DNS-over-HTTPS resolver did not answer in time".to_owned(),
            class => format!("the DNS-over-HTTPS resolver could not be reached ({} error)", class.as_str()),
        }),
        DnsResult::Response { http_status, body, .. } => {
            entry.http_status = Some(*http_status);
            if *http_status == 200 {
                match dns::decode(body, &observation.name, observation.rtype) {
                    Ok(response) => {
                        entry.response = Some(response.clone());
                        match response.rcode {
                            Rcode::NoError | Rcode::NxDomain if !response.truncated => Lookup::Answer(response),
                            Rcode::NoError | Rcode::NxDomain => {
                                Lookup::Failed("the resolver's answer was truncated".to_owned())
                            }
                            rcode => Lookup::Failed(format!("the resolver answered {}", rcode.as_str())),
                        }
                    }
                    Err(error) => Lookup::Failed(error.to_string()),
                }
            } else {
                Lookup::Failed(format!("the DNS-over-HTTPS resolver answered HTTP {http_status}"))
            }
        }
    };
    if let Lookup::Failed(reason) = &outcome {
        entry.error = Some(reason.clone());
    }
    evidence.dns.push(entry);
    outcome
}

/// How the `_mta-sts` record stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RecordState {
    Usable,
    Missing,
    Unusable,
    LookupFailed,
}

/// How the policy stands.
enum PolicyState {
    NotFetched,
    Failed,
    Invalid(PolicyDraft),
    Valid(Policy),
}

/// Evaluates everything a shell observed for one domain at time `now` (Unix seconds).
#[allow(clippy::too_many_lines)] // the verdict's steps in RFC order: record, policy, MX, TLS-RPT
pub fn evaluate(obs: &Observations, now: u64) -> Result<Report, EvaluateError> {
    let domain = Domain::parse(&obs.domain)?;
    let d = domain.as_str();
    let mut findings = Vec::new();
    let mut evidence = Evidence { resolver: obs.resolver.clone(), ..Evidence::default() };
    let new_id = fresh_id(now);
    let txt_fix = format!("Publish this TXT record at _mta-sts.{d}:\n\nv=STSv1; id={new_id};");

    // RFC 8461 §3.1: the TXT record announces the policy and its id.
    let (record, record_state) = match lookup(obs, ProbeKind::StsRecord, &mut evidence) {
        Lookup::Failed(reason) => {
            findings.push(Finding::new(
                Code::RecordLookupFailed,
                format!(
                    "The lookup of the TXT record _mta-sts.{d} failed: {reason}. Senders that hit the same \
                     failure keep using a policy they cached earlier, or deliver without MTA-STS. This is \
                     usually temporary: run the check again; if it persists, check the domain's name servers."
                ),
            ));
            (None, RecordState::LookupFailed)
        }
        Lookup::Answer(response) => {
            if let Some(last) = response.cname_chain.last() {
                let chain: Vec<&str> = response.cname_chain.iter().map(|l| l.target.as_str()).collect();
                findings.push(Finding::new(
                    Code::RecordCname,
                    format!(
                        "_mta-sts.{d} is a CNAME to {} (chain: {}); senders follow it (RFC 8461 §3.1). This is \
                         how MTA-STS is delegated to a provider; the policy host mta-sts.{d} must still serve \
                         a certificate for mta-sts.{d} itself.",
                        last.target,
                        chain.join(" → ")
                    ),
                ));
            }
            let parsed = StsRecord::parse_rrset(&response.txt_records());
            let state = if parsed.valid() {
                RecordState::Usable
            } else if parsed.findings.iter().any(|f| f.code == Code::RecordMissing) {
                RecordState::Missing
            } else {
                RecordState::Unusable
            };
            for mut finding in parsed.findings {
                if finding.code == Code::RecordMissing {
                    finding.message = format!(
                        "{d} publishes no MTA-STS record: there is no TXT record at _mta-sts.{d} that begins \
                         with v=STSv1. Senders will not look for a policy and deliver without requiring TLS."
                    );
                    finding.fix = Some(format!(
                        "To deploy MTA-STS: first publish the policy file at https://mta-sts.{d}/.well-known/\
                         mta-sts.txt (start with mode: testing), then {}",
                        lowercase_first(&txt_fix)
                    ));
                }
                findings.push(finding);
            }
            if state == RecordState::Usable && !response.authenticated_data {
                findings.push(Finding::new(
                    Code::DnssecUnsigned,
                    format!(
                        "The resolver did not mark the answer for _mta-sts.{d} as DNSSEC-validated. Without \
                         DNSSEC an attacker on the path can hide the record on a sender's first contact \
                         (RFC 8461 §10.2); DANE (RFC 7672) closes that gap where DNSSEC is available."
                    ),
                ));
            }
            (parsed.value, state)
        }
    };

    // RFC 8461 §3.3: the policy host and the policy body.
    let addresses = policy_host_addresses(obs, &mut evidence);
    let policy_state = evaluate_policy(obs, d, record_state, addresses, now, &mut findings, &mut evidence);

    // RFC 8461 §4.1: every MX host must match an `mx` pattern.
    let mut mx = Vec::new();
    let mut mx_known = false;
    match lookup(obs, ProbeKind::Mx, &mut evidence) {
        Lookup::Failed(reason) => findings.push(Finding::new(
            Code::MxLookupFailed,
            format!(
                "The MX lookup for {d} failed: {reason}, so the check cannot tell whether the policy covers \
                 the mail servers. Run the check again."
            ),
        )),
        Lookup::Answer(response) => {
            mx = mx_hosts(&response, d, &mut findings);
            mx_known = true;
        }
    }
    if let PolicyState::Invalid(draft) = &policy_state {
        // The whole corrected file goes with the first error; the others keep their line-level fixes.
        let corrected = corrected_policy(draft, &mx, d, &new_id);
        if let Some(finding) =
            findings.iter_mut().find(|f| f.code.group() == Code::PolicyInvalid && f.severity == Severity::Error)
        {
            finding.fix = Some(match finding.fix.take() {
                Some(line) => format!("{line}\n\nOr, in full:\n{corrected}"),
                None => corrected,
            });
        }
    }
    let applied = match &policy_state {
        PolicyState::Valid(policy) => Some(policy),
        _ => None,
    };
    if let Some(policy) = applied.filter(|_| mx_known) {
        check_coverage(policy, &mut mx, d, &new_id, &mut findings);
    }

    // RFC 8460 §3 (recommended by RFC 8461 §6): TLS reporting.
    let tlsrpt = if domain.tlsrpt_record_name_fits() {
        match lookup(obs, ProbeKind::TlsrptRecord, &mut evidence) {
            Lookup::Failed(reason) => {
                findings.push(Finding::new(
                    Code::TlsrptLookupFailed,
                    format!("The lookup of the TLS-RPT record _smtp._tls.{d} failed: {reason}. Run the check again."),
                ));
                None
            }
            Lookup::Answer(response) => {
                let parsed = TlsRptRecord::parse_rrset(&response.txt_records());
                findings.extend(parsed.findings);
                parsed.value
            }
        }
    } else {
        // RFC 1035 §2.3.4: a name has at most 253 octets, so no record can exist there (plan() skips it).
        findings.push(Finding::new(
            Code::TlsrptMissing,
            format!(
                "{d} is {} octets long, so the TLS-RPT record name _smtp._tls.{d} would be {} octets, over \
                 the 253 that DNS allows: no TLS-RPT record can be published for this domain, and senders \
                 cannot report TLS failures to it.",
                d.len(),
                domain.tlsrpt_record_name().len()
            ),
        ));
        None
    };

    let verdict = match (record_state, &policy_state) {
        (RecordState::LookupFailed, _) => Verdict::LookupFailed,
        (RecordState::Missing, _) => Verdict::NotDeployed,
        (RecordState::Usable, PolicyState::Valid(policy)) => match policy.mode {
            Mode::Enforce => Verdict::Enforce,
            Mode::Testing => Verdict::Testing,
            Mode::None => Verdict::None,
        },
        (RecordState::Unusable | RecordState::Usable, _) => Verdict::Invalid,
    };
    personalise_fixes(&mut findings, d, &new_id, record_state == RecordState::Usable);
    let valid = !findings.iter().any(|f| f.severity == Severity::Error);
    let summary = summarise(verdict, d, &findings);
    let policy = match policy_state {
        PolicyState::Valid(policy) => Some(policy),
        _ => None,
    };
    Ok(Report { domain: d.to_owned(), verdict, summary, valid, findings, record, policy, tlsrpt, mx, evidence })
}

/// The parsers do not know the date or the domain; here their fixes get a real fresh id, and edits to
/// the policy file get the reminder that senders only refetch it when the id changes (RFC 8461 §8.1).
fn personalise_fixes(findings: &mut [Finding], d: &str, new_id: &str, record_usable: bool) {
    for finding in findings.iter_mut() {
        let Some(fix) = finding.fix.as_mut() else { continue };
        if finding.code.category() == crate::finding::Category::Record {
            *fix = fix.replace(crate::record::EXAMPLE_ID, new_id);
        }
        let line_level_policy_fix = matches!(
            finding.code.group(),
            Code::PolicyInvalid | Code::PolicyDuplicateField | Code::PolicyUnknownField | Code::PolicyMaxAgeShort
        ) && !fix.contains("_mta-sts.");
        if line_level_policy_fix && record_usable {
            let _ = write!(
                fix,
                "\n\nAfter editing the policy file, change the TXT record at _mta-sts.{d} to \
                 `v=STSv1; id={new_id};`: senders fetch the policy again only when the id changes (RFC 8461 §8.1)."
            );
        }
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// `Some(n)`: the policy host resolved to `n` addresses over IPv4 and IPv6 together; `None` if unknown.
fn policy_host_addresses(obs: &Observations, evidence: &mut Evidence) -> Option<usize> {
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

fn line_endings(body: &[u8]) -> &'static str {
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
fn evaluate_policy(
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

fn finish(state: PolicyState, entry: PolicyEvidence, evidence: &mut Evidence) -> PolicyState {
    evidence.policy = Some(entry);
    state
}

/// A host that answers over one address family but not the other fails for the senders that use the
/// other one; when no family works, the fetch failure already says so.
fn check_address_families(certificate: &CertificateInfo, host: &str, findings: &mut Vec<Finding>) {
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
fn check_certificate(leaf: &CertificateSummary, host: &str, now: u64, findings: &mut Vec<Finding>) -> bool {
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

fn host_parent(host: &str) -> &str {
    host.split_once('.').map_or(host, |(_, parent)| parent)
}

/// RFC 6125 §6.4.3 as restricted by RFC 8461 §3.3: a wildcard is only the complete left-most label.
fn dns_id_matches(dns_id: &str, host: &str) -> bool {
    let dns_id = dns_id.trim_end_matches('.');
    match dns_id.strip_prefix("*.") {
        Some(parent) => {
            host.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && rest.eq_ignore_ascii_case(parent))
        }
        None => dns_id.eq_ignore_ascii_case(host),
    }
}

fn check_headers(headers: &PolicyHeaders, host: &str, findings: &mut Vec<Finding>) {
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

/// The MX table, and findings about a missing or null MX.
fn mx_hosts(response: &DnsResponse, d: &str, findings: &mut Vec<Finding>) -> Vec<MxHost> {
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

/// A valid policy built from what could be read of an invalid one, covering the live MX hosts.
fn corrected_policy(draft: &PolicyDraft, mx: &[MxHost], d: &str, new_id: &str) -> String {
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
    format!(
        "1. Replace the file at https://mta-sts.{d}/.well-known/mta-sts.txt with:\n\n{}\n2. Then change the TXT \
         record at _mta-sts.{d} to `v=STSv1; id={new_id};` so that senders fetch the corrected policy (policy \
         first, then the id: RFC 8461 §8.1).",
        policy.to_text()
    )
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
                .with_fix(fix.clone()),
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
fn wildcard_depth_hint(policy: &Policy, host: &str) -> String {
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

fn summarise(verdict: Verdict, d: &str, findings: &[Finding]) -> String {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let problems = match errors {
        0 => String::new(),
        1 => " One problem needs fixing.".to_owned(),
        n => format!(" {n} problems need fixing."),
    };
    match verdict {
        Verdict::Enforce => format!(
            "MTA-STS is enforced for {d}: senders that support it deliver only over TLS with a valid \
             certificate, to the MX hosts the policy lists.{problems}"
        ),
        Verdict::Testing => format!(
            "MTA-STS is in testing mode for {d}: senders report TLS problems but still deliver without \
             requiring TLS.{problems}"
        ),
        Verdict::None => {
            format!("MTA-STS is switched off for {d} (mode none): senders drop the policy they cached.{problems}")
        }
        Verdict::NotDeployed => {
            format!("{d} does not publish MTA-STS: senders deliver to it without requiring TLS.{problems}")
        }
        Verdict::Invalid => {
            let why = findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .map(|f| format!(" The first problem: {}", f.message))
                .unwrap_or_default();
            format!(
                "{d} publishes MTA-STS, but senders ignore it and deliver without requiring TLS, as if there were \
                 no policy.{why}"
            )
        }
        Verdict::LookupFailed => format!(
            "The DNS lookup for {d} failed, so the result is unknown. This is usually temporary: try again in a \
             minute."
        ),
    }
}
