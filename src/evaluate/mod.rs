//! `evaluate`: what a compliant sender does with a domain, given the raw facts a shell observed.
//!
//! The verdict follows RFC 8461 §3.1–§3.3 and §5: no usable `_mta-sts` record means no policy; a record
//! whose policy cannot be fetched or parsed means "deliver as though the domain has not implemented
//! MTA-STS" (§3.3); otherwise the policy's mode applies, and every MX host is checked against its `mx`
//! patterns (§4.1).

use serde::{Deserialize, Serialize};

use crate::dns::{self, DnsResponse, Rcode};
use crate::domain::{Domain, DomainError};
use crate::finding::{Code, Finding, Severity};
use crate::message::evaluate as words;
use crate::observe::{CertificateInfo, DnsObservation, DnsResult, ErrorClass, Observations, PolicyHeaders, Probe};
use crate::plan::ProbeKind;
use crate::policy::{Mode, Policy, PolicyDraft};
use crate::record::{StsRecord, fresh_id};
use crate::senders::SenderOutcome;
use crate::tlsrpt::TlsRptRecord;

pub(crate) mod mx;
mod policy_host;

pub(crate) use mx::check_coverage;
use mx::{corrected_policy, mx_hosts, mx_tlsa, republish};
use policy_host::{evaluate_policy, policy_host_addresses};

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
    /// A streamed check is still running: some probes have not answered yet ([`Report::pending`]).
    Pending,
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
            Verdict::Pending => "pending",
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
    /// The hosted mail provider the host belongs to ([`crate::providers`]), when it is a known one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The host's TLSA records at `_25._tcp.<host>` (DANE, RFC 7672 §2.2.3), when it publishes any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlsa: Option<MxTlsa>,
}

/// What DANE senders find of an MX host's TLSA records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxTlsa {
    /// How many TLSA records the host publishes.
    pub records: usize,
    /// How many of them a mail sender can use (RFC 7672 §3.1.3).
    pub usable: usize,
    /// The resolver validated them with DNSSEC (the AD bit), without which no sender uses them.
    pub validated: bool,
}

impl MxTlsa {
    /// DANE senders check this host's certificate against its TLSA records.
    pub fn in_force(&self) -> bool {
        self.validated && self.usable > 0
    }
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
    /// The probes a streamed check still waits for; what depends on them is left out until they answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Probe>,
    /// What each modelled sender would do with the domain (`crate::senders::model::MODELS`, the RFC
    /// first); empty while the record lookup has failed or is pending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senders: Vec<SenderOutcome>,
}

/// Observations that cannot be interpreted at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    #[error("the observations name an invalid domain: {0}")]
    Domain(#[from] DomainError),
}

/// A DNS probe's outcome, as far as the checker is concerned.
enum Lookup<'e> {
    /// The resolver answered (NOERROR or NXDOMAIN): the response as recorded in the evidence, which keeps it.
    Answer(&'e DnsResponse),
    /// No usable answer; the reason in words.
    Failed(String),
    /// Not answered yet: a streamed check is still running.
    Pending,
}

/// What `evaluate` reads: the observations and the probes still pending.
struct Seen<'a> {
    obs: &'a Observations,
    pending: &'a [Probe],
}

impl Seen<'_> {
    fn pending(&self, probe: impl Into<Probe>) -> bool {
        self.pending.contains(&probe.into())
    }
}

/// Interprets the probe of `kind`, and records it in the evidence.
fn lookup<'e>(seen: &Seen<'_>, kind: ProbeKind, evidence: &'e mut Evidence) -> Lookup<'e> {
    if seen.pending(kind) {
        return Lookup::Pending;
    }
    let Some(observation) = seen.obs.dns(kind) else {
        return Lookup::Failed(words::reason_not_run());
    };
    interpret(observation, evidence)
}

/// Interprets one probe's observation, and records it in the evidence.
fn interpret<'e>(observation: &DnsObservation, evidence: &'e mut Evidence) -> Lookup<'e> {
    let mut entry = DnsEvidence {
        probe: observation.probe,
        name: observation.name.clone(),
        rtype: observation.rtype,
        http_status: None,
        response: None,
        error: None,
    };
    // `Ok` for an answer, which is then the response in `entry`: the evidence keeps the one copy.
    let outcome = match &observation.result {
        DnsResult::Failed { error, .. } => Err(match error.class {
            ErrorClass::Timeout => words::reason_timeout(),
            class => words::reason_unreachable(class.as_str()),
        }),
        DnsResult::Response { http_status, body, .. } => {
            entry.http_status = Some(*http_status);
            if *http_status == 200 {
                match dns::decode(body, &observation.name, observation.rtype) {
                    Ok(response) => {
                        let outcome = match response.rcode {
                            Rcode::NoError | Rcode::NxDomain if !response.truncated => Ok(()),
                            Rcode::NoError | Rcode::NxDomain => Err(words::reason_truncated()),
                            rcode => Err(words::reason_rcode(rcode.as_str())),
                        };
                        entry.response = Some(response);
                        outcome
                    }
                    Err(error) => Err(error.to_string()),
                }
            } else {
                Err(words::reason_http_status(http_status))
            }
        }
    };
    if let Err(reason) = &outcome {
        entry.error = Some(reason.clone());
    }
    evidence.dns.push(entry);
    match outcome {
        Ok(()) => Lookup::Answer(
            evidence.dns.last().and_then(|entry| entry.response.as_ref()).expect("the answer was just recorded"),
        ),
        Err(reason) => Lookup::Failed(reason),
    }
}

/// How the `_mta-sts` record stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RecordState {
    Usable,
    Missing,
    Unusable,
    LookupFailed,
    Pending,
}

/// How the policy stands.
enum PolicyState {
    Pending,
    NotFetched,
    Failed,
    Invalid(PolicyDraft),
    Valid(Policy),
}

/// Evaluates everything a shell observed for one domain at time `now` (Unix seconds).
pub fn evaluate(obs: &Observations, now: u64) -> Result<Report, EvaluateError> {
    evaluate_partial(obs, &[], now)
}

/// Evaluates a check that is still running: the `pending` probes have not answered yet. What depends on
/// them gives no finding yet (pending is never failed), the verdict is [`Verdict::Pending`], and the
/// report lists them. With nothing pending this is [`evaluate`].
#[allow(clippy::too_many_lines)] // the verdict's steps in RFC order: record, policy, MX, TLS-RPT
pub fn evaluate_partial(obs: &Observations, pending: &[Probe], now: u64) -> Result<Report, EvaluateError> {
    let seen = Seen { obs, pending };
    let domain = Domain::parse(&obs.domain)?;
    let d = domain.as_str();
    let mut findings = Vec::new();
    let mut evidence = Evidence { resolver: obs.resolver.clone(), ..Evidence::default() };
    let new_id = fresh_id(now);
    let record_name = domain.sts_record_name();

    // RFC 8461 §3.1: the TXT record announces the policy and its id.
    let (record, record_state) = match lookup(&seen, ProbeKind::StsRecord, &mut evidence) {
        Lookup::Pending => (None, RecordState::Pending),
        Lookup::Failed(reason) => {
            findings.push(words::record_lookup_failed(&record_name, reason));
            (None, RecordState::LookupFailed)
        }
        Lookup::Answer(response) => {
            if let Some(last) = response.cname_chain.last() {
                let chain: Vec<&str> = response.cname_chain.iter().map(|l| l.target.as_str()).collect();
                findings.push(words::record_cname(&record_name, &last.target, chain.join(" → "), domain.policy_host()));
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
                    let told = words::record_missing(d, &record_name, domain.policy_url(), &new_id);
                    finding.message = told.message;
                    finding.fix = told.fix;
                }
                findings.push(finding);
            }
            if state == RecordState::Usable && !response.authenticated_data {
                findings.push(words::dnssec_unsigned(&record_name));
            }
            (parsed.value, state)
        }
    };

    // RFC 8461 §3.3: the policy host and the policy body.
    let addresses = policy_host_addresses(&seen, &mut evidence);
    let policy_state = evaluate_policy(&seen, &domain, record_state, addresses, now, &mut findings, &mut evidence);

    // RFC 8461 §4.1: every MX host must match an `mx` pattern.
    let mut mx = Vec::new();
    let mut mx_known = false;
    match lookup(&seen, ProbeKind::Mx, &mut evidence) {
        Lookup::Pending => {}
        Lookup::Failed(reason) => findings.push(words::mx_lookup_failed(d, reason)),
        Lookup::Answer(response) => {
            mx = mx_hosts(response, d, &mut findings);
            mx_known = true;
        }
    }
    if let PolicyState::Invalid(draft) = &policy_state {
        // The whole corrected file goes with the first error; the others keep their line-level fixes.
        let (corrected, policy) = corrected_policy(draft, &mx, &domain, &new_id);
        if let Some(finding) =
            findings.iter_mut().find(|f| f.code.group() == Code::PolicyInvalid && f.severity == Severity::Error)
        {
            finding.fix = Some(match finding.fix.take() {
                Some(line) => words::fix_or_in_full(line, corrected),
                None => corrected,
            });
            finding.artifacts = republish(&policy, &new_id);
        }
    }
    let applied = match &policy_state {
        PolicyState::Valid(policy) => Some(policy),
        _ => None,
    };
    if let Some(policy) = applied.filter(|_| mx_known) {
        check_coverage(policy, &mut mx, &domain, &new_id, &mut findings);
    }
    // RFC 8461 §2: DANE, where an MX host publishes TLSA records, is never overridden by MTA-STS.
    for host in mx.iter_mut().filter(|h| !h.implicit) {
        let name = format!("_25._tcp.{}", host.host);
        let Some(observation) = seen.obs.dns_named(ProbeKind::Tlsa, &name) else { continue };
        // A lookup that failed says nothing of DANE, and the check's other findings do not rest on it.
        let Lookup::Answer(response) = interpret(observation, &mut evidence) else { continue };
        host.tlsa = mx_tlsa(response);
        match host.tlsa {
            Some(tlsa) if tlsa.in_force() => findings.push(words::mx_tlsa(&host.host, &name, tlsa.records)),
            Some(tlsa) if !tlsa.validated => findings.push(words::mx_tlsa_unvalidated(&host.host, &name)),
            Some(_) => findings.push(words::mx_tlsa_not_usable(&host.host, &name)),
            None => {}
        }
    }

    // RFC 8460 §3 (recommended by RFC 8461 §6): TLS reporting.
    let tlsrpt = if domain.tlsrpt_record_name_fits() {
        match lookup(&seen, ProbeKind::TlsrptRecord, &mut evidence) {
            Lookup::Pending => None,
            Lookup::Failed(reason) => {
                findings.push(words::tlsrpt_lookup_failed(domain.tlsrpt_record_name(), reason));
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
        let name = domain.tlsrpt_record_name();
        findings.push(words::tlsrpt_name_too_long(d, d.len(), &name, name.len()));
        None
    };

    let verdict = match (record_state, &policy_state) {
        _ if !pending.is_empty() => Verdict::Pending,
        (RecordState::LookupFailed, _) => Verdict::LookupFailed,
        (RecordState::Missing, _) => Verdict::NotDeployed,
        (RecordState::Usable, PolicyState::Valid(policy)) => match policy.mode {
            Mode::Enforce => Verdict::Enforce,
            Mode::Testing => Verdict::Testing,
            Mode::None => Verdict::None,
        },
        (RecordState::Unusable | RecordState::Usable | RecordState::Pending, _) => Verdict::Invalid,
    };
    crate::finding::fold_repeats(&mut findings);
    personalise_fixes(&mut findings, &record_name, &new_id, record_state == RecordState::Usable);
    let valid = !findings.iter().any(|f| f.severity == Severity::Error);
    let summary = summarise(verdict, d, &findings);
    let policy = match policy_state {
        PolicyState::Valid(policy) => Some(policy),
        _ => None,
    };
    let senders = sender_outcomes(obs, verdict, &findings, &mx, mx_known, policy.as_ref(), &evidence);
    let pending = pending.to_vec();
    Ok(Report {
        domain: d.to_owned(),
        verdict,
        summary,
        valid,
        findings,
        record,
        policy,
        tlsrpt,
        mx,
        evidence,
        pending,
        senders,
    })
}

/// Each modelled sender's reading of what was found, from the same inputs the findings came from.
fn sender_outcomes(
    obs: &Observations,
    verdict: Verdict,
    findings: &[Finding],
    mx: &[MxHost],
    mx_known: bool,
    policy: Option<&Policy>,
    evidence: &Evidence,
) -> Vec<SenderOutcome> {
    let (body, content_type) = match obs.policy.as_ref().map(|p| &p.result) {
        Some(crate::observe::PolicyResult::Response { body, headers, .. }) => {
            (Some(body.as_slice()), headers.content_type.as_deref())
        }
        _ => (None, None),
    };
    let records = evidence
        .dns
        .iter()
        .find(|e| e.probe == ProbeKind::StsRecord)
        .and_then(|e| e.response.as_ref())
        .map(DnsResponse::txt_records)
        .unwrap_or_default();
    crate::senders::outcome::outcomes(&crate::senders::outcome::Seen {
        verdict,
        findings,
        mx,
        mx_known,
        policy,
        body,
        content_type,
        records: &records,
    })
}

/// The parsers do not know the date or the domain; here their fixes get a real fresh id, and edits to
/// the policy file get the reminder that senders only refetch it when the id changes (RFC 8461 §8.1).
fn personalise_fixes(findings: &mut [Finding], record_name: &str, new_id: &str, record_usable: bool) {
    for finding in findings.iter_mut() {
        let Some(fix) = finding.fix.as_mut() else { continue };
        if finding.code.category() == crate::finding::Category::Record {
            *fix = fix.replace(crate::record::EXAMPLE_ID, new_id);
        }
        let line_level_policy_fix = matches!(
            finding.code.group(),
            Code::PolicyInvalid | Code::PolicyDuplicateField | Code::PolicyUnknownField | Code::PolicyMaxAgeShort
        ) && !fix.contains("_mta-sts.");
        // RFC 8461 §8.1: senders fetch the policy again only when the id changes.
        if line_level_policy_fix && record_usable {
            *fix = words::fix_then_new_id(&*fix, record_name, new_id);
        }
    }
}

fn summarise(verdict: Verdict, d: &str, findings: &[Finding]) -> String {
    // Repeats a finding folded in count as the problems they are.
    let errors: usize = findings.iter().filter(|f| f.severity == Severity::Error).map(Finding::occurrences).sum();
    let verdict_sentence = match verdict {
        Verdict::Enforce => words::summary_enforce(d),
        Verdict::Testing => words::summary_testing(d),
        Verdict::None => words::summary_none(d),
        Verdict::NotDeployed => words::summary_not_deployed(d),
        Verdict::Invalid => {
            return match findings.iter().find(|f| f.severity == Severity::Error) {
                Some(first) => words::summary_invalid_first(d, &first.message),
                None => words::summary_invalid(d),
            };
        }
        Verdict::LookupFailed => return words::summary_lookup_failed(d),
        Verdict::Pending => return words::summary_pending(d),
    };
    let problems = match errors {
        0 => return verdict_sentence,
        1 => words::summary_one_problem(),
        n => words::summary_problems(n),
    };
    format!("{verdict_sentence} {problems}")
}
