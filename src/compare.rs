//! `compare`: what changed between two checks of the same domain, for monitoring (RFC 8461 §3.1, §3.3,
//! §4.1, §5, §5.1; RFC 8460 §3).
//!
//! A [`Report`] says how a domain stands; a [`Change`] says how it moved since the previous report, in
//! the ways that matter to senders that cached the old state: a policy edited without a new id is kept
//! by senders until its `max_age` runs out (RFC 8461 §5.1), a new MX host outside the policy is refused
//! under `enforce` (§4.1), a policy fetch that keeps failing lets cached policies expire (§3.3).
//!
//! Pure: no clock (`now` comes in [`CompareOptions`]) and no memory of older runs beyond what the caller
//! carries in (the policy fetch's failure streak), so the same two reports always give the same changes.
//! Only the CLI's `monitor` uses it; the web pages do not link it.

use serde::{Deserialize, Serialize};

use crate::evaluate::{MxHost, Report, Verdict};
use crate::finding::{Code, Severity};
use crate::message::compare as words;
use crate::observe::CertificateSummary;
use crate::policy::{Mode, Policy};
use crate::{Domain, record};

/// A kind of change, with a stable kebab-case code (the finding catalogue's style: never renamed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeCode {
    VerdictChanged,
    PolicyChangedIdUnchanged,
    IdChangedPolicyUnchanged,
    MxAddedNotCovered,
    MxPatternRemoved,
    CertExpiring,
    CertIssuerChanged,
    TlsrptRemoved,
    TlsrptRuaChanged,
    PolicyFetchFailing,
    PolicyFetchStillFailing,
    PolicyFetchRecovered,
    ModeLowered,
}

impl ChangeCode {
    /// Every code, in the order [`compare`] checks them.
    pub const ALL: [ChangeCode; 13] = [
        ChangeCode::VerdictChanged,
        ChangeCode::PolicyChangedIdUnchanged,
        ChangeCode::IdChangedPolicyUnchanged,
        ChangeCode::MxAddedNotCovered,
        ChangeCode::MxPatternRemoved,
        ChangeCode::CertExpiring,
        ChangeCode::CertIssuerChanged,
        ChangeCode::TlsrptRemoved,
        ChangeCode::TlsrptRuaChanged,
        ChangeCode::PolicyFetchFailing,
        ChangeCode::PolicyFetchStillFailing,
        ChangeCode::PolicyFetchRecovered,
        ChangeCode::ModeLowered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeCode::VerdictChanged => "verdict-changed",
            ChangeCode::PolicyChangedIdUnchanged => "policy-changed-id-unchanged",
            ChangeCode::IdChangedPolicyUnchanged => "id-changed-policy-unchanged",
            ChangeCode::MxAddedNotCovered => "mx-added-not-covered",
            ChangeCode::MxPatternRemoved => "mx-pattern-removed",
            ChangeCode::CertExpiring => "cert-expiring",
            ChangeCode::CertIssuerChanged => "cert-issuer-changed",
            ChangeCode::TlsrptRemoved => "tlsrpt-removed",
            ChangeCode::TlsrptRuaChanged => "tlsrpt-rua-changed",
            ChangeCode::PolicyFetchFailing => "policy-fetch-failing",
            ChangeCode::PolicyFetchStillFailing => "policy-fetch-still-failing",
            ChangeCode::PolicyFetchRecovered => "policy-fetch-recovered",
            ChangeCode::ModeLowered => "mode-lowered",
        }
    }
}

impl std::fmt::Display for ChangeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change between two reports: `{"code","severity","message","fix"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub code: ChangeCode,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
}

/// What [`compare`] needs besides the two reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompareOptions {
    /// When the next report was made (Unix seconds).
    pub now: u64,
    /// When the previous report was made (Unix seconds), to tell whether its certificate was already
    /// close to expiry then.
    pub previous_at: u64,
    /// A policy host certificate that expires within this many days is reported ([`ChangeCode::CertExpiring`]).
    pub cert_warn_days: u32,
    /// How many runs in a row, up to and including the previous one, could not fetch the policy
    /// ([`fetch_failure_streak`]). The first failure is a warning, the second in a row an error, so that a
    /// blip pages nobody.
    pub previous_fetch_failures: u32,
}

impl CompareOptions {
    /// Defaults: both reports made at `now`, a 14-day certificate warning, no earlier fetch failures.
    pub fn new(now: u64) -> CompareOptions {
        CompareOptions { now, previous_at: now, cert_warn_days: 14, previous_fetch_failures: 0 }
    }
}

/// Senders could not get the policy although the record announces one: the fetch failed or did not
/// answer 200 (RFC 8461 §3.3).
pub fn fetch_failed(report: &Report) -> bool {
    report.record.is_some()
        && report.evidence.policy.as_ref().is_some_and(|p| p.error.is_some() || p.status != Some(200))
}

/// The failure streak after `next`, given the streak before it: what the caller carries to the next run.
pub fn fetch_failure_streak(previous_streak: u32, next: &Report) -> u32 {
    if fetch_failed(next) { previous_streak.saturating_add(1) } else { 0 }
}

/// How much protection a verdict gives; `None` for a failed lookup or an unfinished streamed check, which
/// say nothing.
fn protection(verdict: Verdict) -> Option<u8> {
    match verdict {
        Verdict::Enforce => Some(3),
        Verdict::Testing => Some(2),
        Verdict::None => Some(1),
        Verdict::NotDeployed | Verdict::Invalid => Some(0),
        Verdict::LookupFailed | Verdict::Pending => None,
    }
}

fn mode_rank(mode: Mode) -> u8 {
    match mode {
        Mode::Enforce => 2,
        Mode::Testing => 1,
        Mode::None => 0,
    }
}

fn has(report: &Report, code: Code) -> bool {
    report.findings.iter().any(|f| f.code == code)
}

fn leaf(report: &Report) -> Option<&CertificateSummary> {
    report.evidence.policy.as_ref()?.certificate.as_ref()?.chain.first()
}

/// The certificate is still valid at `at` but no longer `days` later.
fn expiring(cert: &CertificateSummary, at: u64, days: u32) -> bool {
    cert.not_after > at && cert.not_after - at <= u64::from(days) * 86_400
}

/// Senders treat the `mx` hosts of a mode other than `none` as a rule (RFC 8461 §5).
fn coverage_severity(policy: &Policy) -> Option<Severity> {
    match policy.mode {
        Mode::Enforce => Some(Severity::Error),
        Mode::Testing => Some(Severity::Warning),
        Mode::None => None,
    }
}

fn change(code: ChangeCode, severity: Severity, message: String, fix: String) -> Change {
    Change { code, severity, message, fix }
}

/// The names the words need, from the report's domain (the evaluator normalised it).
struct Names {
    domain: String,
    record: String,
    tlsrpt: String,
    host: String,
    url: String,
}

fn names(report: &Report) -> Names {
    let domain = Domain::parse(&report.domain);
    let url = report.evidence.policy.as_ref().map(|p| p.url.clone());
    match domain {
        Ok(d) => Names {
            domain: d.as_str().to_owned(),
            record: d.sts_record_name(),
            tlsrpt: d.tlsrpt_record_name(),
            host: d.policy_host(),
            url: url.unwrap_or_else(|| d.policy_url()),
        },
        // A report always names a parsed domain; a hand-made one still gets its own text back.
        Err(_) => Names {
            domain: report.domain.clone(),
            record: report.domain.clone(),
            tlsrpt: report.domain.clone(),
            host: report.domain.clone(),
            url: url.unwrap_or_else(|| report.domain.clone()),
        },
    }
}

/// What changed from `previous` to `next` (two reports of the same domain), most telling first within
/// each rule. Empty when nothing that matters to senders changed.
pub fn compare(previous: &Report, next: &Report, opts: &CompareOptions) -> Vec<Change> {
    let n = names(next);
    let d = n.domain.as_str();
    let mut changes = Vec::new();

    // RFC 8461 §3.3: the first failed fetch may be a blip; the second in a row is not.
    let before = if fetch_failed(previous) { opts.previous_fetch_failures.max(1) } else { 0 };
    let fetch_change = match (before, fetch_failed(next)) {
        (0, true) => Some(change(
            ChangeCode::PolicyFetchFailing,
            Severity::Warning,
            words::policy_fetch_failing(d, &n.url),
            words::policy_fetch_failing_fix(),
        )),
        // RFC 8461 §5.1: cached policies run out at max_age while the fetch keeps failing.
        (1, true) => Some(change(
            ChangeCode::PolicyFetchStillFailing,
            Severity::Error,
            words::policy_fetch_still_failing(d, &n.url),
            words::policy_fetch_still_failing_fix(&n.url),
        )),
        (1.., false) => Some(change(
            ChangeCode::PolicyFetchRecovered,
            Severity::Info,
            words::policy_fetch_recovered(d, &n.url),
            words::policy_fetch_recovered_fix(),
        )),
        _ => None,
    };

    // RFC 8461 §5: enforce → testing → none each lowers what senders require.
    let mode_change = match (&previous.policy, &next.policy) {
        (Some(p), Some(q)) if mode_rank(q.mode) < mode_rank(p.mode) => Some(change(
            ChangeCode::ModeLowered,
            Severity::Warning,
            words::mode_lowered(d, p.mode, q.mode),
            words::mode_lowered_fix(&n.record),
        )),
        _ => None,
    };

    if previous.verdict != next.verdict {
        let explained = fetch_change.is_some() || mode_change.is_some();
        let severity = match (protection(previous.verdict), protection(next.verdict)) {
            (Some(a), Some(b)) if b < a && !explained => {
                // RFC 8461 §3.3: from a policy in force to one senders ignore.
                if a >= 2 && b == 0 { Severity::Error } else { Severity::Warning }
            }
            _ => Severity::Info,
        };
        changes.push(change(
            ChangeCode::VerdictChanged,
            severity,
            words::verdict_changed(d, previous.verdict.as_str(), next.verdict.as_str()),
            words::verdict_changed_fix(d),
        ));
    }

    if let (Some(r), Some(s), Some(p), Some(q)) = (&previous.record, &next.record, &previous.policy, &next.policy) {
        if r.id == s.id && p != q {
            // RFC 8461 §3.1, §5.1: senders refetch only when the id changes; until max_age they keep the old one.
            changes.push(change(
                ChangeCode::PolicyChangedIdUnchanged,
                Severity::Error,
                words::policy_changed_id_unchanged(d, &s.id),
                words::policy_changed_id_unchanged_fix(&n.record, record::fresh_id(opts.now)),
            ));
        } else if r.id != s.id && p == q {
            // RFC 8461 §3.1: a new id makes senders fetch the policy again; harmless when nothing changed.
            changes.push(change(
                ChangeCode::IdChangedPolicyUnchanged,
                Severity::Info,
                words::id_changed_policy_unchanged(d, &r.id, &s.id),
                words::id_changed_policy_unchanged_fix(),
            ));
        }
    }

    mx_changes(previous, next, &n, &mut changes);
    certificate_changes(previous, next, &n, opts, &mut changes);

    // RFC 8460 §3 (recommended by RFC 8461 §6): the reports of failed TLS sessions.
    match (&previous.tlsrpt, &next.tlsrpt) {
        (Some(_), None) if next.verdict != Verdict::LookupFailed && !has(next, Code::TlsrptLookupFailed) => {
            changes.push(change(
                ChangeCode::TlsrptRemoved,
                Severity::Warning,
                words::tlsrpt_removed(d, &n.tlsrpt),
                words::tlsrpt_removed_fix(&n.tlsrpt),
            ));
        }
        (Some(a), Some(b)) if a.rua != b.rua => changes.push(change(
            ChangeCode::TlsrptRuaChanged,
            Severity::Info,
            words::tlsrpt_rua_changed(d, a.rua.join(", "), b.rua.join(", ")),
            words::tlsrpt_rua_changed_fix(),
        )),
        _ => {}
    }

    changes.extend(fetch_change);
    changes.extend(mode_change);
    changes
}

/// The MX hosts against the policy's patterns, before and after.
fn mx_changes(previous: &Report, next: &Report, n: &Names, changes: &mut Vec<Change>) {
    // RFC 8461 §4.1: a new MX host outside every `mx` pattern is refused under enforce.
    let mx_known = |r: &Report| r.verdict != Verdict::LookupFailed && !has(r, Code::MxLookupFailed);
    if let Some(severity) = next.policy.as_ref().and_then(coverage_severity).filter(|_| mx_known(previous)) {
        let was_there = |host: &MxHost| previous.mx.iter().any(|h| h.host.eq_ignore_ascii_case(&host.host));
        for host in next.mx.iter().filter(|h| h.pattern.is_none() && !was_there(h)) {
            changes.push(change(
                ChangeCode::MxAddedNotCovered,
                severity,
                words::mx_added_not_covered(&n.domain, &host.host),
                words::mx_added_not_covered_fix(&host.host, &n.record),
            ));
        }
    }

    // RFC 8461 §4.1: removing the only pattern that covered a live MX host leaves it uncovered.
    if let (Some(p), Some(q)) = (&previous.policy, &next.policy)
        && let Some(severity) = coverage_severity(q)
    {
        for pattern in p.mx.iter().filter(|m| !q.mx.contains(m)) {
            let hosts: Vec<&str> = next
                .mx
                .iter()
                .filter(|h| h.pattern.is_none() && pattern.matches(&h.host))
                .filter(|h| p.mx.iter().filter(|m| m.matches(&h.host)).count() == 1)
                .map(|h| h.host.as_str())
                .collect();
            if !hosts.is_empty() {
                changes.push(change(
                    ChangeCode::MxPatternRemoved,
                    severity,
                    words::mx_pattern_removed(&n.domain, pattern, hosts.join(", ")),
                    words::mx_pattern_removed_fix(pattern, &n.record),
                ));
            }
        }
    }
}

/// The policy host's certificate, when the shell saw it (the native shell).
fn certificate_changes(previous: &Report, next: &Report, n: &Names, opts: &CompareOptions, changes: &mut Vec<Change>) {
    // RFC 8461 §3.3: an expired certificate on the policy host makes the fetch fail.
    if let Some(cert) = leaf(next).filter(|c| expiring(c, opts.now, opts.cert_warn_days)) {
        let already = leaf(previous).is_some_and(|c| expiring(c, opts.previous_at, opts.cert_warn_days));
        if !already {
            let days = (cert.not_after - opts.now).div_ceil(86_400);
            changes.push(change(
                ChangeCode::CertExpiring,
                Severity::Warning,
                words::cert_expiring(&n.host, days, crate::civil::format_utc(cert.not_after)),
                words::cert_expiring_fix(&n.host),
            ));
        }
    }
    if let (Some(a), Some(b)) = (leaf(previous), leaf(next))
        && a.issuer != b.issuer
    {
        changes.push(change(
            ChangeCode::CertIssuerChanged,
            Severity::Info,
            words::cert_issuer_changed(&n.host, &a.issuer, &b.issuer),
            words::cert_issuer_changed_fix(),
        ));
    }
}
