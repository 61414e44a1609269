//! The policy each sender applied (its reports' `policy-string`, RFC 8460 §4.4) against the policy live now.
//!
//! A sender that reports an older policy kept its cached copy: the policy changed without a new `id` in the
//! `_mta-sts` record (RFC 8461 §3.1), or the copy had not yet expired (`max_age`, RFC 8461 §3.2). Reporters
//! re-serialise the policy as an array of lines, in their own order and spacing, so the lines are compared as
//! parsed fields (`mode`, `mx`, `max_age`), not as text.
//!
//! IO-free: the shells fetch the live state and [`evaluate`](crate::evaluate) it; this module only compares.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::ReportSet;
use crate::message::report as words;
use crate::observe::{Observations, PolicyResult};
use crate::policy::Policy;

/// One policy domain's reports against its live policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveComparison {
    pub domain: String,
    /// The live `_mta-sts` record's `id`, when it could be read.
    pub record_id: Option<String>,
    /// The live policy's compared lines (`mode: …`, `mx: …`, `max_age: …`); `None` when no valid policy is
    /// live, and then nothing was compared.
    pub live: Option<Vec<String>>,
    /// One entry per reporter and distinct policy it applied, by reporter name.
    pub senders: Vec<SenderPolicy>,
    /// The comparison in one sentence or two.
    pub sentence: String,
}

/// The policy one reporter applied, in one or more of its reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SenderPolicy {
    pub organization: String,
    /// The ids of the reports that gave this policy.
    pub report_ids: Vec<String>,
    /// The latest `end-datetime` among them, as written.
    pub last_end: String,
    /// The reported policy has the same `mode`, `mx` and `max_age` as the live one.
    pub same: bool,
    /// Lines of the live policy the sender did not apply (added since its copy).
    pub added: Vec<String>,
    /// Lines the sender applied that the live policy no longer has.
    pub removed: Vec<String>,
    pub sentence: String,
}

/// The compared lines of a policy given as lines: `mode`, `mx` and `max_age` only (the `version` is fixed and
/// extensions change nothing a sender does), the name and value trimmed, `mode` and `mx` in lower case
/// (RFC 8461 §3.2: `mx` patterns are domain names, compared case-insensitively; a trailing dot dropped), and a
/// number without leading zeros. Duplicates count once; of two `mode` or `max_age` lines the first wins, as
/// a sender reads the policy.
fn compared_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let (mut mode, mut max_age) = (false, false);
    // A reporter may also send the whole body as one string with its line breaks.
    for line in lines.into_iter().flat_map(|l| l.split(['\n', '\r'])) {
        let Some((name, value)) = line.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim());
        let value = match name {
            // RFC 8461 §3.2: a field that repeats (other than `mx`) counts once, the first.
            "mode" if !std::mem::replace(&mut mode, true) => value.to_ascii_lowercase(),
            "max_age" if !std::mem::replace(&mut max_age, true) => {
                value.parse::<u64>().map_or_else(|_| value.to_owned(), |n| n.to_string())
            }
            "mx" => value.trim_end_matches('.').to_ascii_lowercase(),
            _ => continue,
        };
        out.insert(format!("{name}: {value}"));
    }
    out
}

fn live_lines(policy: &Policy) -> BTreeSet<String> {
    let mut lines = vec![format!("mode: {}", policy.mode), format!("max_age: {}", policy.max_age)];
    lines.extend(policy.mx.iter().map(|mx| format!("mx: {mx}")));
    compared_lines(lines.iter().map(String::as_str))
}

/// The reports of one reporter that applied the same policy.
struct Group {
    organization: String,
    applied: BTreeSet<String>,
    report_ids: Vec<String>,
    last_end: String,
}

fn count_reports(n: usize) -> String {
    if n == 1 { words::live_one_report() } else { words::live_reports(n) }
}

fn count_senders(n: usize) -> String {
    if n == 1 { words::live_one_sender() } else { words::live_senders(n) }
}

/// Domain names as reporters write them: any case, maybe with the root's trailing dot.
fn same_domain(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

impl ReportSet {
    /// The policy domains of `sts` entries (RFC 8460 §4.4 `policy-type`), in lower case, each once, by name:
    /// the domains whose live policy can be compared.
    pub fn sts_policy_domains(&self) -> Vec<String> {
        let domains: BTreeSet<String> = self
            .reports
            .iter()
            .flat_map(|r| &r.policies)
            .filter(|p| p.policy_type == "sts")
            .filter_map(|p| p.policy_domain.as_deref())
            .map(|d| d.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        domains.into_iter().collect()
    }

    /// Compares the `sts` policies reported for `domain` with its live policy (`None` when no valid policy
    /// is live) and the live record's `id`, when known.
    pub fn compare_live(&self, domain: &str, live: Option<&Policy>, record_id: Option<&str>) -> LiveComparison {
        self.compare_lines(domain, live.map(live_lines), record_id)
    }

    /// The comparison with the live policy's compared lines ([`compared_lines`]).
    fn compare_lines(
        &self,
        domain: &str,
        live_set: Option<BTreeSet<String>>,
        record_id: Option<&str>,
    ) -> LiveComparison {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        // (organization, lines) -> its group, so that thousands of reports are grouped in n log n.
        let mut index: BTreeMap<(&str, BTreeSet<String>), usize> = BTreeMap::new();
        for report in &self.reports {
            for policy in &report.policies {
                let applies = policy.policy_type == "sts"
                    && policy.policy_domain.as_deref().is_some_and(|d| same_domain(d, &domain));
                let lines = compared_lines(policy.policy_string.iter().map(String::as_str));
                // Without a readable policy-string there is nothing the sender says it applied.
                if !applies || lines.is_empty() {
                    continue;
                }
                let at = *index.entry((report.organization.as_str(), lines.clone())).or_insert_with(|| {
                    groups.push(Group {
                        organization: report.organization.clone(),
                        applied: lines,
                        report_ids: Vec::new(),
                        last_end: String::new(),
                    });
                    groups.len() - 1
                });
                let group = &mut groups[at];
                // A report's entries come one after another: its id is listed once per group.
                if group.report_ids.last() != Some(&report.report_id) {
                    group.report_ids.push(report.report_id.clone());
                }
                // RFC 3339 times of one reporter in the same form sort as text.
                if report.end > group.last_end {
                    group.last_end.clone_from(&report.end);
                }
            }
        }
        groups.sort_by(|a, b| a.organization.cmp(&b.organization).then_with(|| b.last_end.cmp(&a.last_end)));

        let senders: Vec<SenderPolicy> = match &live_set {
            None => Vec::new(),
            Some(live_set) => groups
                .into_iter()
                .map(|Group { organization, applied, report_ids, last_end }| {
                    let added: Vec<String> = live_set.difference(&applied).cloned().collect();
                    let removed: Vec<String> = applied.difference(live_set).cloned().collect();
                    let same = added.is_empty() && removed.is_empty();
                    let reports = count_reports(report_ids.len());
                    let sentence = if same {
                        words::live_same(&organization, &domain, &reports)
                    } else {
                        let mut changes: Vec<String> = added.iter().map(words::live_line_added).collect();
                        changes.extend(removed.iter().map(words::live_line_removed));
                        let mut sentence = words::live_older(&organization, &domain, &reports, changes.join("; "));
                        if let Some(id) = record_id {
                            sentence.push(' ');
                            sentence.push_str(&words::live_record_id(id));
                        }
                        sentence
                    };
                    SenderPolicy { organization, report_ids, last_end, same, added, removed, sentence }
                })
                .collect(),
        };

        let sentence = if live_set.is_none() {
            words::live_unavailable(&domain)
        } else if senders.is_empty() {
            words::live_nothing_reported(&domain)
        } else {
            let older = senders.iter().filter(|s| !s.same).count();
            if older == 0 {
                words::live_all_same(&domain)
            } else {
                words::live_some_older(&domain, count_senders(older))
            }
        };
        LiveComparison {
            domain,
            record_id: record_id.map(str::to_owned),
            live: live_set.map(|s| s.into_iter().collect()),
            senders,
            sentence,
        }
    }

    /// [`Self::compare_live`] with what a check found: the live policy and record of `report`'s domain.
    pub fn compare_with_check(&self, report: &crate::Report) -> LiveComparison {
        self.compare_live(&report.domain, report.policy.as_ref(), report.record.as_ref().map(|r| r.id.as_str()))
    }

    /// [`Self::compare_live`] with the policy body in raw observations, for a shell that does not evaluate
    /// them (the reports page: the evaluator would put it over its size budget). The body's lines are read
    /// as the reports' policy strings are, so a policy the evaluator finds invalid is still compared (its
    /// check says what is wrong with it), and the record's `id` is not named. Only a 200 answer is a policy
    /// (RFC 8461 §3.3: "Policies fetched via HTTPS are only valid if the HTTP response code is 200").
    pub fn compare_with_observations(&self, obs: &Observations) -> LiveComparison {
        let live = match obs.policy.as_ref().map(|p| &p.result) {
            Some(PolicyResult::Response { status: 200, body, .. }) => {
                Some(compared_lines([String::from_utf8_lossy(body).as_ref()])).filter(|l| !l.is_empty())
            }
            _ => None,
        };
        self.compare_lines(&obs.domain, live, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read_files;

    const LIVE: &[u8] = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\n\
                          max_age: 604800\r\n";

    fn live() -> Policy {
        Policy::parse(LIVE).value.expect("a valid policy")
    }

    /// A report of `organization` with one `sts` entry for example.com applying `lines`.
    fn report(organization: &str, id: &str, end: &str, lines: &[&str]) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "organization-name": organization, "report-id": id, "contact-info": "a@b.example",
            "date-range": {"start-datetime": "2026-11-29T00:00:00Z", "end-datetime": end},
            "policies": [{"policy": {"policy-type": "sts", "policy-domain": "Example.com.", "policy-string": lines,
                                     "mx-host": ["mx1.example.com"]},
                          "summary": {"total-successful-session-count": 1, "total-failure-session-count": 0}}]
        }))
        .unwrap()
    }

    fn set(files: &[Vec<u8>]) -> ReportSet {
        let named: Vec<(String, &[u8])> =
            files.iter().enumerate().map(|(i, b)| (format!("{i}.json"), b.as_slice())).collect();
        read_files(&named)
    }

    #[test]
    fn compared_lines_ignore_order_spacing_case_version_and_extensions() {
        for (lines, expected) in [
            (
                &["version: STSv1", "mode: enforce", "mx: mx1.example.com", "max_age: 604800"][..],
                &["max_age: 604800", "mode: enforce", "mx: mx1.example.com"][..],
            ),
            (
                &["max_age:0604800 ", "mx:  MX1.Example.COM.", "  mode: Enforce", "ext: 1"],
                &["max_age: 604800", "mode: enforce", "mx: mx1.example.com"],
            ),
            (
                &["mode: testing\r\nmx: a.example\r\nmax_age: 86400\r\n"],
                &["max_age: 86400", "mode: testing", "mx: a.example"],
            ),
            (&["mx: a.example", "mx: a.example", "no colon", "max_age: soon"], &["max_age: soon", "mx: a.example"]),
            (&["mode: testing", "mode: enforce", "max_age: 1", "max_age: 2"], &["max_age: 1", "mode: testing"]),
            (&[], &[]),
        ] {
            let got: Vec<String> = compared_lines(lines.iter().copied()).into_iter().collect();
            assert_eq!(got, expected, "{lines:?}");
        }
    }

    #[test]
    fn each_sender_against_the_live_policy() {
        let same = ["mode: enforce", "max_age: 604800", "mx: mx2.example.com", "mx: MX1.example.com", "version: STSv1"];
        let older = ["version: STSv1", "mode: testing", "mx: mx1.example.com", "max_age: 86400"];
        let files = [
            report("Zeta", "z1", "2026-11-29T23:59:59Z", &same),
            report("Alpha", "a1", "2026-11-28T23:59:59Z", &older),
            report("Alpha", "a2", "2026-11-29T23:59:59Z", &older),
        ];
        let comparison = set(&files).compare_live("EXAMPLE.com", Some(&live()), Some("20261129"));
        let reports2 = count_reports(2);
        let changes = [
            words::live_line_added("max_age: 604800"),
            words::live_line_added("mode: enforce"),
            words::live_line_added("mx: mx2.example.com"),
            words::live_line_removed("max_age: 86400"),
            words::live_line_removed("mode: testing"),
        ]
        .join("; ");
        let older_sentence = format!(
            "{} {}",
            words::live_older("Alpha", "example.com", &reports2, changes),
            words::live_record_id("20261129")
        );
        assert_eq!(
            comparison,
            LiveComparison {
                domain: "example.com".into(),
                record_id: Some("20261129".into()),
                live: Some(vec![
                    "max_age: 604800".into(),
                    "mode: enforce".into(),
                    "mx: mx1.example.com".into(),
                    "mx: mx2.example.com".into()
                ]),
                senders: vec![
                    SenderPolicy {
                        organization: "Alpha".into(),
                        report_ids: vec!["a1".into(), "a2".into()],
                        last_end: "2026-11-29T23:59:59Z".into(),
                        same: false,
                        added: vec!["max_age: 604800".into(), "mode: enforce".into(), "mx: mx2.example.com".into()],
                        removed: vec!["max_age: 86400".into(), "mode: testing".into()],
                        sentence: older_sentence,
                    },
                    SenderPolicy {
                        organization: "Zeta".into(),
                        report_ids: vec!["z1".into()],
                        last_end: "2026-11-29T23:59:59Z".into(),
                        same: true,
                        added: vec![],
                        removed: vec![],
                        sentence: words::live_same("Zeta", "example.com", count_reports(1)),
                    },
                ],
                sentence: words::live_some_older("example.com", count_senders(1)),
            }
        );
    }

    #[test]
    fn without_a_live_policy_or_a_reported_one_nothing_is_compared() {
        let files = [report("A", "1", "2026-11-29T23:59:59Z", &["mode: enforce"])];
        let none = set(&files).compare_live("example.com", None, None);
        assert_eq!((none.live, none.senders.len()), (None, 0));
        assert_eq!(none.sentence, words::live_unavailable("example.com"));
        // Another domain's reports, and a report without a policy-string, give nothing to compare.
        let other = set(&files).compare_live("example.org", Some(&live()), None);
        assert_eq!(other.sentence, words::live_nothing_reported("example.org"));
        let empty =
            set(&[report("A", "1", "2026-11-29T23:59:59Z", &[])]).compare_live("example.com", Some(&live()), None);
        assert!(empty.senders.is_empty());
        let all_same = set(&[report(
            "A",
            "1",
            "2026-11-29T23:59:59Z",
            &["mode: enforce", "mx: mx1.example.com", "mx: mx2.example.com", "max_age: 604800"],
        )])
        .compare_live("example.com", Some(&live()), Some("x"));
        assert_eq!(all_same.sentence, words::live_all_same("example.com"));
        assert!(
            !all_same.senders[0].sentence.contains(&words::live_record_id("x")),
            "the id is named only for an older policy"
        );
    }

    #[test]
    fn the_policy_domains_to_compare() {
        let mut tlsa = report("A", "2", "2026-11-29T23:59:59Z", &[]);
        tlsa = String::from_utf8(tlsa)
            .unwrap()
            .replace("\"sts\"", "\"tlsa\"")
            .replace("Example.com.", "tlsa.example")
            .into_bytes();
        let s = set(&[report("A", "1", "2026-11-29T23:59:59Z", &[]), tlsa]);
        assert_eq!(s.sts_policy_domains(), vec!["example.com".to_owned()]);
    }
}
