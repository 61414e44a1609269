//! A domain's history of checks, for monitoring: what one new run found against the stored ones
//! ([`step`]), and the timeline the stored runs make ([`history`], the JSON of `GET /api/history`).
//!
//! Pure, like [`compare`](crate::compare): the shells read and write their stores (SQLite natively, D1
//! at the edge) and pass rows in, so both answer the same changes and the same JSON from the same runs.

use serde::{Deserialize, Serialize};

use crate::compare::{Change, CompareOptions, compare, fetch_failure_streak};
use crate::evaluate::{Report, Verdict};

/// What a new run found, against the domain's stored runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// No earlier run to compare with (then `changes` is empty).
    pub first_run: bool,
    pub changes: Vec<Change>,
    /// The policy fetch's failure streak to store with this run.
    pub fetch_failures: u32,
}

/// Compares `next` (made at `now`) with `baseline`, the domain's latest stored run whose lookups did not
/// fail, and its time; `previous_fetch_failures` is the streak stored with the latest run of any kind.
///
/// A failed lookup says nothing about the domain: it is compared with nothing and keeps the streak.
pub fn step(
    baseline: Option<(&Report, u64)>,
    previous_fetch_failures: u32,
    next: &Report,
    now: u64,
    cert_warn_days: u32,
) -> Step {
    let lookup_failed = next.verdict == Verdict::LookupFailed;
    let changes = match baseline {
        Some((before, previous_at)) if !lookup_failed => {
            let opts = CompareOptions { now, previous_at, cert_warn_days, previous_fetch_failures };
            compare(before, next, &opts)
        }
        _ => Vec::new(),
    };
    let fetch_failures =
        if lookup_failed { previous_fetch_failures } else { fetch_failure_streak(previous_fetch_failures, next) };
    Step { first_run: baseline.is_none(), changes, fetch_failures }
}

/// One run of one domain, as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunEntry {
    pub checked_at: u64,
    pub verdict: String,
    pub record_id: Option<String>,
    pub fetch_failures: u32,
    pub changes: Vec<Change>,
}

/// One published state: a record id and the policy body served with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEntry {
    pub record_id: Option<String>,
    /// As fetched (any status), invalid UTF-8 replaced; `None` when no response arrived.
    pub body: Option<String>,
    pub first_seen: u64,
    pub last_seen: u64,
    pub runs: u32,
}

/// `{"domain","policies":[…],"runs":[…]}`: each published state with when it was first and last seen,
/// then each run with its changes, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub domain: String,
    pub policies: Vec<PolicyEntry>,
    pub runs: Vec<RunEntry>,
}

/// The timeline of `domain` from its stored runs, oldest first, each with the policy body fetched then;
/// `None` when there is no run.
pub fn history(domain: &str, runs: impl IntoIterator<Item = (RunEntry, Option<String>)>) -> Option<History> {
    let mut history = History { domain: domain.to_owned(), policies: Vec::new(), runs: Vec::new() };
    for (run, body) in runs {
        match history.policies.iter_mut().find(|p| p.record_id == run.record_id && p.body == body) {
            Some(seen) => {
                seen.last_seen = run.checked_at;
                seen.runs += 1;
            }
            None if run.record_id.is_some() || body.is_some() => history.policies.push(PolicyEntry {
                record_id: run.record_id.clone(),
                body,
                first_seen: run.checked_at,
                last_seen: run.checked_at,
                runs: 1,
            }),
            None => {}
        }
        history.runs.push(run);
    }
    (!history.runs.is_empty()).then_some(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(checked_at: u64, record_id: Option<&str>) -> RunEntry {
        RunEntry {
            checked_at,
            verdict: "enforce".to_owned(),
            record_id: record_id.map(str::to_owned),
            fetch_failures: 0,
            changes: Vec::new(),
        }
    }

    #[test]
    fn history_groups_runs_by_published_state() {
        let body = |s: &str| Some(s.to_owned());
        let h = history(
            "example.com",
            [
                (run(10, Some("a")), body("one")),
                (run(20, Some("a")), body("one")),
                (run(30, Some("a")), body("two")),
                (run(40, None), None),
                (run(50, Some("a")), body("one")),
            ],
        )
        .unwrap();
        assert_eq!(h.runs.len(), 5);
        let states: Vec<_> =
            h.policies.iter().map(|p| (p.body.as_deref(), p.first_seen, p.last_seen, p.runs)).collect();
        assert_eq!(states, [(Some("one"), 10, 50, 3), (Some("two"), 30, 30, 1)]);
        assert_eq!(history("example.com", []), None);
    }

    #[test]
    fn history_json_has_the_documented_shape() {
        let h = history("example.com", [(run(1, Some("x")), Some("b".to_owned()))]).unwrap();
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"domain":"example.com","policies":[{"record_id":"x","body":"b","first_seen":1,"last_seen":1,"runs":1}],"runs":[{"checked_at":1,"verdict":"enforce","record_id":"x","fetch_failures":0,"changes":[]}]}"#
        );
    }
}
