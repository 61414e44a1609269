//! Pre-flight: check a draft policy and/or `_mta-sts` record before publishing it, against the domain's
//! live MX hosts, and compare it with what is live now.
//!
//! The draft gets the same findings as the live check (the same parsers, the same §4.1 coverage check),
//! plus the one mistake only a comparison can catch: a policy that changes while the record's `id` does
//! not, so that senders keep the policy they cached (RFC 8461 §3.1: the id "MUST uniquely identify a given
//! instance of a policy"; §8.1: update the policy first, then the id).

use serde::{Deserialize, Serialize};

use crate::Verdict;
use crate::domain::Domain;
use crate::evaluate::{MxHost, check_coverage, evaluate};
use crate::finding::Category;
use crate::finding::{Finding, Parsed};
use crate::message::evaluate as words;
use crate::observe::{Observations, PolicyResult};
use crate::policy::Policy;
use crate::record::{StsRecord, fresh_id};
use crate::senders::SenderOutcome;

/// What the administrator is about to publish. Either part may be absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The domain the draft is for; without it the draft is checked on its own.
    #[serde(default)]
    pub domain: Option<Domain>,
    /// The draft policy file, byte for byte.
    #[serde(default, with = "optional_bytes")]
    pub policy: Option<Vec<u8>>,
    /// The draft `_mta-sts` TXT record (character-strings joined).
    #[serde(default)]
    pub record: Option<String>,
}

/// One line of the difference between the live policy and the draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", content = "line", rename_all = "lowercase")]
pub enum DiffLine {
    Same(String),
    Added(String),
    Removed(String),
}

/// The draft's findings, its reading, the live MX coverage and the difference to the live policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preflight {
    /// The draft's domain (`null` when it was checked on its own).
    pub domain: Option<String>,
    /// No `error` finding.
    pub valid: bool,
    pub findings: Vec<Finding>,
    pub policy: Option<Policy>,
    pub record: Option<StsRecord>,
    /// The live MX hosts and the draft pattern covering each (empty without live observations).
    pub mx: Vec<MxHost>,
    /// Line by line, live policy → draft policy (empty unless both exist).
    pub diff: Vec<DiffLine>,
    /// What each modelled sender would do once the draft is published (served as the live policy is
    /// served, with its Content-Type), against the live MX hosts; empty for a draft checked on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senders: Vec<SenderOutcome>,
    /// What each modelled sender does with the domain now, to compare with [`Preflight::senders`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senders_live: Vec<SenderOutcome>,
}

/// Checks `draft` on its own and, when it names a domain and `live` observations of that domain are
/// given, against the live state.
pub fn preflight(draft: &Draft, live: Option<&Observations>, now: u64) -> Preflight {
    let domain = draft.domain.as_ref();
    let d = domain.map(Domain::as_str);
    let new_id = fresh_id(now);
    let mut findings = Vec::new();

    let record: Option<Parsed<StsRecord>> = draft.record.as_deref().map(|r| StsRecord::parse_rrset(&[r]));
    let policy: Option<Parsed<Policy>> = draft.policy.as_deref().map(Policy::parse);
    if let Some(parsed) = &record {
        findings.extend(parsed.findings.iter().cloned());
    }
    if let Some(parsed) = &policy {
        findings.extend(parsed.findings.iter().cloned());
    }
    let draft_policy = policy.as_ref().filter(|p| p.valid()).and_then(|p| p.value.clone());
    let draft_record = record.as_ref().filter(|r| r.valid()).and_then(|r| r.value.clone());

    let live_report =
        d.and_then(|d| live.filter(|obs| obs.domain.eq_ignore_ascii_case(d))).and_then(|obs| evaluate(obs, now).ok());
    let mut mx: Vec<MxHost> = live_report
        .as_ref()
        .map(|report| report.mx.iter().map(|h| MxHost { pattern: None, ..h.clone() }).collect())
        .unwrap_or_default();
    if let Some(policy) = &draft_policy
        && let Some(domain) = domain
        && !mx.is_empty()
    {
        // RFC 8461 §4.1 against the live MX hosts, exactly as the live check does it.
        check_coverage(policy, &mut mx, domain, &new_id, &mut findings);
    }

    let live_body = live.and_then(|obs| match obs.policy.as_ref().map(|p| &p.result) {
        Some(PolicyResult::Response { status: 200, body, .. }) => Some(body.as_slice()),
        _ => None,
    });
    let diff = match (live_body, draft.policy.as_deref()) {
        (Some(before), Some(after)) => diff_lines(before, after),
        _ => Vec::new(),
    };

    // RFC 8461 §3.1, §8.1: a changed policy needs a new id, or senders keep the cached one until max_age.
    let live_policy = live_report.as_ref().and_then(|r| r.policy.as_ref());
    let live_id = live_report.as_ref().and_then(|r| r.record.as_ref()).map(|r| r.id.as_str());
    let policy_changed = match (live_policy, &draft_policy) {
        (Some(before), Some(after)) => before != after,
        _ => false,
    };
    let next_id = draft_record.as_ref().map_or(live_id, |r| Some(r.id.as_str()));
    // A live report exists only for a named domain, so `d` is known whenever the policy changed.
    if policy_changed
        && let Some(domain) = domain
        && let Some(id) = next_id.filter(|id| Some(*id) == live_id)
    {
        findings.push(words::policy_id_unchanged(domain.policy_url(), id, domain.sts_record_name(), &new_id));
    }

    let senders = match &live_report {
        Some(report) => drafted_senders(draft, report, live, &findings, &mx, draft_policy.as_ref()),
        None => Vec::new(),
    };
    Preflight {
        domain: d.map(str::to_owned),
        valid: !findings.iter().any(|f| f.severity == crate::Severity::Error),
        findings,
        policy: draft_policy,
        record: draft_record,
        mx,
        diff,
        senders,
        senders_live: live_report.map(|report| report.senders).unwrap_or_default(),
    }
}

/// The senders' outcomes once the draft is live: its record (or the live one) and its policy (or the live
/// one), read by the same engine as a check, against the live MX hosts.
fn drafted_senders(
    draft: &Draft,
    live: &crate::Report,
    obs: Option<&Observations>,
    draft_findings: &[Finding],
    mx: &[MxHost],
    draft_policy: Option<&Policy>,
) -> Vec<SenderOutcome> {
    let live_response = obs.and_then(|obs| match obs.policy.as_ref().map(|p| &p.result) {
        Some(PolicyResult::Response { body, headers, .. }) => Some((body.as_slice(), headers.content_type.as_deref())),
        _ => None,
    });
    // The live state stands for whichever part the draft leaves out: its findings, its record strings.
    let keep_live = |category: Category| match category {
        Category::Record => draft.record.is_none(),
        Category::PolicyHost | Category::PolicyFile => draft.policy.is_none(),
        Category::Tlsrpt | Category::Dns => true,
        Category::Mx => false,
    };
    let mut findings: Vec<Finding> = live.findings.iter().filter(|f| keep_live(f.code.category())).cloned().collect();
    findings.extend(draft_findings.iter().cloned());
    let records: Vec<Vec<u8>> = match &draft.record {
        Some(record) => vec![record.clone().into_bytes()],
        None => live
            .evidence
            .dns
            .iter()
            .find(|e| e.probe == crate::plan::ProbeKind::StsRecord)
            .and_then(|e| e.response.as_ref())
            .map(crate::dns::DnsResponse::txt_records)
            .unwrap_or_default(),
    };
    let (body, content_type) = match (draft.policy.as_deref(), live_response) {
        (Some(body), live) => (Some(body), live.and_then(|(_, ct)| ct)),
        (None, Some((body, ct))) => (Some(body), ct),
        (None, None) => (None, None),
    };
    let policy = if draft.policy.is_some() { draft_policy } else { live.policy.as_ref() };
    // The hosts as covered by the policy that applies: the draft's, or the live one's, as the live check found.
    let mx = if draft.policy.is_some() { mx } else { live.mx.as_slice() };
    let errors = |category: Category| {
        findings.iter().any(|f| f.severity == crate::Severity::Error && f.code.category() == category)
    };
    // The verdict a check would give once the draft is live (RFC 8461 §3.1, §3.3).
    let verdict = if findings.iter().any(|f| f.code == crate::Code::RecordMissing) {
        Verdict::NotDeployed
    } else if errors(Category::Record) || errors(Category::PolicyHost) || errors(Category::PolicyFile) {
        Verdict::Invalid
    } else {
        match policy.map(|p| p.mode) {
            Some(crate::Mode::Enforce) => Verdict::Enforce,
            Some(crate::Mode::Testing) => Verdict::Testing,
            Some(crate::Mode::None) => Verdict::None,
            None => Verdict::Invalid,
        }
    };
    crate::senders::outcome::outcomes(&crate::senders::outcome::Seen {
        verdict,
        findings: &findings,
        mx,
        mx_known: !mx.is_empty(),
        policy,
        body,
        content_type,
        records: &records,
    })
}

/// Splits a policy body into lines on LF (a CR before it stays visible as part of the line's text).
fn lines(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let mut lines: Vec<String> = text.split('\n').map(|l| l.trim_end_matches('\r').to_owned()).collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Line by line, `before` → `after` (the pre-flight's live policy → draft, and the history's one published
/// policy → the next): a longest-common-subsequence diff. Policies are a few lines, and both sides are
/// capped so that a hostile body cannot make this quadratic step expensive.
pub fn diff_lines(before: &[u8], after: &[u8]) -> Vec<DiffLine> {
    const MAX_LINES: usize = 500;
    let a: Vec<String> = lines(before).into_iter().take(MAX_LINES).collect();
    let b: Vec<String> = lines(after).into_iter().take(MAX_LINES).collect();
    let mut table = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] { table[i + 1][j + 1] + 1 } else { table[i + 1][j].max(table[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(DiffLine::Same(a[i].clone()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || table[i + 1][j] >= table[i][j + 1]) {
            // Removals before additions, as `diff -u` shows a changed line.
            out.push(DiffLine::Removed(a[i].clone()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].clone()));
            j += 1;
        }
    }
    out
}

mod optional_bytes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` attribute dictates this signature
    pub(super) fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        bytes.as_deref().map(String::from_utf8_lossy).serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?.map(String::into_bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_added_removed_and_kept_lines() {
        let before = b"version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";
        let after = b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
        assert_eq!(
            diff_lines(before, after),
            vec![
                DiffLine::Same("version: STSv1".into()),
                DiffLine::Removed("mode: testing".into()),
                DiffLine::Added("mode: enforce".into()),
                DiffLine::Same("mx: mail.example.com".into()),
                DiffLine::Removed("max_age: 86400".into()),
                DiffLine::Added("max_age: 604800".into()),
            ]
        );
        assert_eq!(diff_lines(b"", b"a\n"), vec![DiffLine::Added("a".into())]);
        assert_eq!(diff_lines(b"a\nb\n", b""), vec![DiffLine::Removed("a".into()), DiffLine::Removed("b".into())]);
    }

    #[test]
    fn a_draft_alone_gets_the_parsers_findings() {
        let draft = Draft {
            domain: None,
            policy: Some(b"version: STSv1\nmode: enforce\nmx: mail.example.com\n".to_vec()),
            record: Some("v=STSv1; id=2024-01-01;".into()),
        };
        let result = preflight(&draft, None, 0);
        assert!(!result.valid);
        let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
        assert!(codes.contains(&"policy-max-age-missing"), "{codes:?}");
        assert!(codes.contains(&"record-id-invalid"), "{codes:?}");
        assert!(result.diff.is_empty() && result.mx.is_empty());
    }
}
