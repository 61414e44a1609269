//! Scenarios (`tests/fixtures/observations/*.json`): a test zone, resolver faults and a policy response,
//! turned into the `Observations` a shell would have collected. Replies are real DNS messages, answered
//! from the zone by [`crate::dns::testing::Zone`] (CNAME chasing, NXDOMAIN told from NODATA), not canned
//! bytes. Behind the `testing` feature: for the workspace's tests and the CLI's `explain` examples.

use crate::dns::Rcode;
use crate::dns::testing::{Answer, DEFAULT_TTL, Zone, reply};
use crate::observe::{
    DnsObservation, DnsResult, ErrorClass, FetchError, Observations, PolicyHeaders, PolicyObservation, PolicyResult,
};
use crate::{Domain, plan};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub rule: String,
    pub domain: String,
    /// `[owner, type, value]`; TXT values may be an array of character-strings.
    #[serde(default)]
    pub zone: Vec<(String, String, serde_json::Value)>,
    /// The resolver validates DNSSEC for every answer (AD flag).
    #[serde(default)]
    pub dnssec: bool,
    /// `"<name> <TYPE>"` → `servfail`, `refused`, `timeout`, `network`, `garbage`, `http-500`, `truncated`.
    #[serde(default)]
    pub faults: std::collections::BTreeMap<String, String>,
    /// `null`: the shell did not fetch the policy.
    #[serde(default)]
    pub policy: Option<PolicySpec>,
    pub expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub cache_control: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    /// A body of this many bytes of valid-looking padding after `body`.
    #[serde(default)]
    pub pad_to: Option<usize>,
    #[serde(default)]
    pub truncated: bool,
    /// `dns`, `connect`, `tls`, `timeout`, `network`: the fetch failed.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub certificate: Option<crate::observe::CertificateInfo>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub verdict: String,
    pub valid: bool,
    pub codes: Vec<String>,
    /// MX host → covering pattern (`null` = not covered).
    #[serde(default)]
    pub mx: Option<std::collections::BTreeMap<String, Option<String>>>,
    /// Substrings some finding's fix must contain.
    #[serde(default)]
    pub fix_contains: Vec<String>,
    /// Sender id → its outcome (`enforce`, `testing`, `none`, `no-policy`, `mail-fails`); when given, it
    /// names every modelled sender.
    #[serde(default)]
    pub senders: Option<std::collections::BTreeMap<String, String>>,
    /// Sender id → the MX hosts it would refuse; a sender not named refuses none.
    #[serde(default)]
    pub mx_refused: std::collections::BTreeMap<String, Vec<String>>,
}

fn error_class(text: &str) -> Result<ErrorClass, String> {
    Ok(match text {
        "dns" => ErrorClass::Dns,
        "connect" => ErrorClass::Connect,
        "tls" => ErrorClass::Tls,
        "timeout" => ErrorClass::Timeout,
        "network" => ErrorClass::Network,
        "not-public" => ErrorClass::NotPublic,
        other => return Err(format!("unknown error class {other}")),
    })
}

impl Scenario {
    /// The zone the scenario's resolver answers from.
    fn dns_zone(&self) -> Result<Zone, String> {
        let mut zone = Zone::new().authenticated(self.dnssec);
        for (owner, rtype, value) in &self.zone {
            let data = match value {
                serde_json::Value::String(text) => {
                    Answer::parse(rtype, text).map_err(|e| format!("{owner} {rtype}: {e}"))?
                }
                // A TXT record split into character-strings, which senders join (RFC 8461 §3.1).
                serde_json::Value::Array(parts) if rtype == "TXT" => Answer::Txt(
                    parts
                        .iter()
                        .map(|p| p.as_str().map(|s| s.as_bytes().to_vec()))
                        .collect::<Option<_>>()
                        .ok_or_else(|| format!("{owner} TXT: every character-string is a JSON string"))?,
                ),
                other => return Err(format!("{owner} {rtype} value {other}")),
            };
            zone.insert(owner, DEFAULT_TTL, data);
        }
        Ok(zone)
    }

    /// The observations, for a test.
    ///
    /// # Panics
    ///
    /// On a malformed scenario; [`Scenario::try_observations`] says what is wrong instead.
    pub fn observations(&self) -> Observations {
        self.try_observations().unwrap_or_else(|e| panic!("malformed scenario: {e}"))
    }

    /// The observations a shell would have collected, or what is malformed in the scenario.
    pub fn try_observations(&self) -> Result<Observations, String> {
        let domain = Domain::parse(&self.domain).map_err(|e| format!("scenario domain: {e}"))?;
        let plan = plan(&domain);
        let zone = self.dns_zone()?;
        let observe = |probe: &crate::plan::DnsProbe| {
            let key = format!("{} {}", probe.name, probe.rtype.as_str());
            let result = match self.faults.get(&key).map(String::as_str) {
                None => DnsResult::Response {
                    http_status: 200,
                    body: zone.answer(&probe.name, probe.rtype),
                    elapsed_ms: Some(12),
                },
                Some("servfail") => DnsResult::Response {
                    http_status: 200,
                    body: reply(&probe.name, probe.rtype, Rcode::ServFail, false, &[]),
                    elapsed_ms: None,
                },
                Some("refused") => DnsResult::Response {
                    http_status: 200,
                    body: reply(&probe.name, probe.rtype, Rcode::Refused, false, &[]),
                    elapsed_ms: None,
                },
                Some("garbage") => {
                    DnsResult::Response { http_status: 200, body: b"<html>not dns</html>".to_vec(), elapsed_ms: None }
                }
                Some("http-500") => DnsResult::Response { http_status: 500, body: Vec::new(), elapsed_ms: None },
                Some("truncated") => {
                    let mut body = zone.answer(&probe.name, probe.rtype);
                    body[2] |= 0x02; // TC
                    DnsResult::Response { http_status: 200, body, elapsed_ms: None }
                }
                Some(class) => DnsResult::Failed {
                    error: FetchError { class: error_class(class)?, detail: format!("simulated {class}") },
                    elapsed_ms: Some(10_000),
                },
            };
            Ok(DnsObservation { probe: probe.kind, name: probe.name.clone(), rtype: probe.rtype, result })
        };
        let mut dns = plan.dns.iter().map(observe).collect::<Result<Vec<_>, String>>()?;
        // The second round, as the shells run it: TLSA for the MX hosts the answer names.
        let tlsa = plan.tlsa_probes(&dns).iter().map(observe).collect::<Result<Vec<_>, String>>()?;
        dns.extend(tlsa);
        let policy = self.policy.as_ref().map(|spec| -> Result<PolicyObservation, String> {
            let result = if let Some(class) = &spec.error {
                PolicyResult::Failed {
                    error: FetchError { class: error_class(class)?, detail: format!("simulated {class}") },
                    elapsed_ms: None,
                }
            } else {
                let mut body = spec.body.clone().unwrap_or_default().into_bytes();
                if let Some(size) = spec.pad_to {
                    // One long extension field, so the body stays grammatical while it grows.
                    body.extend_from_slice(b"x-padding: ");
                    body.resize(size.saturating_sub(2).max(body.len() + 1), b'a');
                    body.extend_from_slice(b"\r\n");
                }
                PolicyResult::Response {
                    status: spec.status.unwrap_or(200),
                    headers: PolicyHeaders {
                        content_type: spec.content_type.clone(),
                        location: spec.location.clone(),
                        cache_control: spec.cache_control.clone(),
                        content_length: Some(body.len().to_string()),
                    },
                    body,
                    truncated: spec.truncated,
                    elapsed_ms: Some(40),
                }
            };
            Ok(PolicyObservation { url: plan.policy_url.clone(), result, certificate: spec.certificate.clone() })
        });
        Ok(Observations {
            domain: domain.as_str().to_owned(),
            resolver: Some("https://doh.test/dns-query".into()),
            observed_at: Some(NOW),
            dns,
            policy: policy.transpose()?,
        })
    }
}

/// The fixed "now" of every scenario: 2026-11-28T12:00:00Z.
pub const NOW: u64 = 1_795_867_200;
