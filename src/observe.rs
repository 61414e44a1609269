//! `Observations`: the raw facts a shell collected by running a [`Plan`](crate::Plan), as a serde wire type.
//!
//! Shells fill this in and never interpret it: DNS replies stay DNS message bytes, the policy body stays
//! bytes (base64 in JSON). [`evaluate`](crate::evaluate()) does all the interpretation.

use serde::{Deserialize, Serialize};

use crate::dns::RecordType;
use crate::plan::ProbeKind;

/// Everything one check observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observations {
    /// The Policy Domain, as the shell validated it with `Domain::parse`.
    pub domain: String,
    /// The DoH resolver URL the shell used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver: Option<String>,
    /// When the check ran (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<u64>,
    /// One entry per DNS probe of the plan.
    pub dns: Vec<DnsObservation>,
    /// The policy fetch; absent when the shell did not attempt it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyObservation>,
}

/// The outcome of one DoH probe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsObservation {
    pub probe: ProbeKind,
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: RecordType,
    pub result: DnsResult,
}

/// What the DoH server did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case", try_from = "wire::DnsResult")]
pub enum DnsResult {
    /// An HTTP response arrived; `body` is the DNS message (or whatever the server sent instead).
    Response {
        http_status: u16,
        #[serde(with = "base64_bytes")]
        body: Vec<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        elapsed_ms: Option<u32>,
    },
    /// No HTTP response.
    Failed {
        error: FetchError,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        elapsed_ms: Option<u32>,
    },
}

/// The fetch of `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyObservation {
    pub url: String,
    pub result: PolicyResult,
    /// The policy host's certificate chain, when the shell can see it (the native shell can; a Worker's
    /// `fetch()` cannot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateInfo>,
}

/// The TLS session with the policy host, as the native shell saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Leaf first.
    pub chain: Vec<CertificateSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<String>,
    /// One connection attempt per address family (IPv4, IPv6) the policy host resolved to, so that a
    /// host reachable over only one of them is reported; senders use either (RFC 8461 §3.3 names no
    /// family). Empty when the shell did not try them separately.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressAttempt>,
}

/// A TCP connection and TLS handshake with one address of the policy host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAttempt {
    pub family: AddressFamily,
    /// The address, as text (`192.0.2.1`, `2001:db8::1`).
    pub address: String,
    /// Why the attempt failed; `None`: the handshake completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<FetchError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u32>,
}

/// IPv4 (A records) or IPv6 (AAAA records).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddressFamily {
    Ipv4,
    Ipv6,
}

impl AddressFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressFamily::Ipv4 => "IPv4",
            AddressFamily::Ipv6 => "IPv6",
        }
    }
}

/// One certificate of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSummary {
    pub subject: String,
    pub issuer: String,
    /// The subjectAltName DNS names (the DNS-IDs of RFC 6125).
    #[serde(default)]
    pub dns_names: Vec<String>,
    /// Validity, in Unix seconds.
    pub not_before: u64,
    pub not_after: u64,
}

/// What the policy host did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case", try_from = "wire::PolicyResult")]
pub enum PolicyResult {
    /// An HTTP response arrived (any status; redirects are recorded, not followed).
    Response {
        status: u16,
        #[serde(default)]
        headers: PolicyHeaders,
        /// The body, read up to the shell's cap.
        #[serde(with = "base64_bytes")]
        body: Vec<u8>,
        /// The body was longer than the cap and was cut.
        #[serde(default)]
        truncated: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        elapsed_ms: Option<u32>,
    },
    /// No HTTP response.
    Failed {
        error: FetchError,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        elapsed_ms: Option<u32>,
    },
}

/// The response headers that matter to MTA-STS.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyHeaders {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_length: Option<String>,
}

/// Why a fetch produced no HTTP response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchError {
    pub class: ErrorClass,
    /// The shell's own words (for the evidence panel; never interpreted).
    #[serde(default)]
    pub detail: String,
}

/// The kind of failure, as far as the shell can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection was refused or could not be made.
    Connect,
    /// The TLS handshake or certificate validation failed.
    Tls,
    /// The time budget ran out.
    Timeout,
    /// Any other network failure.
    Network,
    /// The shell refused to connect: the host resolved to an address that is not publicly routable
    /// (loopback, private, link-local, …), so it is unreachable for senders on the internet.
    NotPublic,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Dns => "dns",
            ErrorClass::Connect => "connect",
            ErrorClass::Tls => "tls",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Network => "network",
            ErrorClass::NotPublic => "not-public",
        }
    }
}

impl Observations {
    /// The observation of the probe of this kind, if the shell ran it (the first, for TLSA).
    pub fn dns(&self, probe: ProbeKind) -> Option<&DnsObservation> {
        self.dns.iter().find(|o| o.probe == probe)
    }

    /// The observation of the probe of this kind and name (names compared as DNS does, without case).
    pub fn dns_named(&self, probe: ProbeKind, name: &str) -> Option<&DnsObservation> {
        self.dns.iter().find(|o| o.probe == probe && o.name.eq_ignore_ascii_case(name))
    }
}

/// One probe of a [`Plan`](crate::Plan): a DNS question or the policy fetch. While a streamed check
/// runs, the probes not answered yet are pending ([`crate::api::Partial`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Probe {
    StsRecord,
    TlsrptRecord,
    Mx,
    PolicyHostA,
    PolicyHostAaaa,
    /// The TLSA probes of the MX hosts, as one: answered once each one the MX answer calls for has
    /// answered ([`crate::plan::tlsa_names`]).
    Tlsa,
    /// The fetch of the policy file.
    Policy,
}

impl From<ProbeKind> for Probe {
    fn from(kind: ProbeKind) -> Probe {
        match kind {
            ProbeKind::StsRecord => Probe::StsRecord,
            ProbeKind::TlsrptRecord => Probe::TlsrptRecord,
            ProbeKind::Mx => Probe::Mx,
            ProbeKind::PolicyHostA => Probe::PolicyHostA,
            ProbeKind::PolicyHostAaaa => Probe::PolicyHostAaaa,
            ProbeKind::Tlsa => Probe::Tlsa,
        }
    }
}

/// The two results as JSON has them, `outcome` beside the fields of either outcome, read in one pass.
/// Serde's own reading of an internally tagged enum buffers the object first, which costs the web page
/// several kilobytes of code; the JSON is the same either way.
mod wire {
    use super::{FetchError, PolicyHeaders, base64_bytes};
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Outcome {
        Response,
        Failed,
    }

    fn some_bytes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        base64_bytes::deserialize(deserializer).map(Some)
    }

    fn missing(outcome: &str, field: &str) -> String {
        format!("missing field `{field}` of outcome `{outcome}`")
    }

    #[derive(Deserialize)]
    pub(super) struct DnsResult {
        outcome: Outcome,
        http_status: Option<u16>,
        #[serde(default, deserialize_with = "some_bytes")]
        body: Option<Vec<u8>>,
        error: Option<FetchError>,
        elapsed_ms: Option<u32>,
    }

    impl TryFrom<DnsResult> for super::DnsResult {
        type Error = String;

        fn try_from(w: DnsResult) -> Result<Self, String> {
            let elapsed_ms = w.elapsed_ms;
            Ok(match w.outcome {
                Outcome::Response => super::DnsResult::Response {
                    http_status: w.http_status.ok_or_else(|| missing("response", "http_status"))?,
                    body: w.body.ok_or_else(|| missing("response", "body"))?,
                    elapsed_ms,
                },
                Outcome::Failed => {
                    super::DnsResult::Failed { error: w.error.ok_or_else(|| missing("failed", "error"))?, elapsed_ms }
                }
            })
        }
    }

    #[derive(Deserialize)]
    pub(super) struct PolicyResult {
        outcome: Outcome,
        status: Option<u16>,
        #[serde(default)]
        headers: PolicyHeaders,
        #[serde(default, deserialize_with = "some_bytes")]
        body: Option<Vec<u8>>,
        #[serde(default)]
        truncated: bool,
        error: Option<FetchError>,
        elapsed_ms: Option<u32>,
    }

    impl TryFrom<PolicyResult> for super::PolicyResult {
        type Error = String;

        fn try_from(w: PolicyResult) -> Result<Self, String> {
            let elapsed_ms = w.elapsed_ms;
            Ok(match w.outcome {
                Outcome::Response => super::PolicyResult::Response {
                    status: w.status.ok_or_else(|| missing("response", "status"))?,
                    headers: w.headers,
                    body: w.body.ok_or_else(|| missing("response", "body"))?,
                    truncated: w.truncated,
                    elapsed_ms,
                },
                Outcome::Failed => super::PolicyResult::Failed {
                    error: w.error.ok_or_else(|| missing("failed", "error"))?,
                    elapsed_ms,
                },
            })
        }
    }
}

/// Serialises bytes as standard base64 text, so raw DNS messages and policy bodies survive JSON.
pub mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed() -> FetchError {
        FetchError { class: ErrorClass::Timeout, detail: "no answer".to_owned() }
    }

    /// What is written is read back as it was, for every outcome, with the tag beside the fields.
    #[test]
    fn results_read_back_what_is_written() {
        let dns = [
            DnsResult::Response { http_status: 200, body: vec![0, 1, 255], elapsed_ms: Some(12) },
            DnsResult::Response { http_status: 503, body: Vec::new(), elapsed_ms: None },
            DnsResult::Failed { error: failed(), elapsed_ms: Some(3000) },
        ];
        for result in dns {
            let json = serde_json::to_value(&result).unwrap();
            assert!(json["outcome"].is_string(), "{json}");
            assert_eq!(serde_json::from_value::<DnsResult>(json).unwrap(), result);
        }
        let headers = PolicyHeaders { content_type: Some("text/plain".to_owned()), ..PolicyHeaders::default() };
        let policy = [
            PolicyResult::Response {
                status: 200,
                headers,
                body: b"version: STSv1\r\n".to_vec(),
                truncated: true,
                elapsed_ms: Some(40),
            },
            PolicyResult::Failed { error: failed(), elapsed_ms: None },
        ];
        for result in policy {
            let json = serde_json::to_value(&result).unwrap();
            assert!(json["outcome"].is_string(), "{json}");
            assert_eq!(serde_json::from_value::<PolicyResult>(json).unwrap(), result);
        }
    }

    #[test]
    fn optional_fields_default_and_missing_ones_are_named() {
        let minimal: PolicyResult = serde_json::from_str(r#"{"outcome":"response","status":404,"body":""}"#).unwrap();
        assert_eq!(
            minimal,
            PolicyResult::Response {
                status: 404,
                headers: PolicyHeaders::default(),
                body: Vec::new(),
                truncated: false,
                elapsed_ms: None
            }
        );
        let error = serde_json::from_str::<DnsResult>(r#"{"outcome":"response","body":""}"#).unwrap_err();
        assert!(error.to_string().contains("`http_status`"), "{error}");
        let error = serde_json::from_str::<PolicyResult>(r#"{"outcome":"failed"}"#).unwrap_err();
        assert!(error.to_string().contains("`error`"), "{error}");
        assert!(serde_json::from_str::<DnsResult>(r#"{"outcome":"maybe","http_status":200,"body":""}"#).is_err());
        assert!(serde_json::from_str::<DnsResult>(r#"{"http_status":200,"body":""}"#).is_err());
        assert!(serde_json::from_str::<DnsResult>(r#"{"outcome":"response","http_status":200,"body":"!"}"#).is_err());
    }
}
