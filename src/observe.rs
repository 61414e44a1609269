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
#[serde(tag = "outcome", rename_all = "kebab-case")]
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
#[serde(tag = "outcome", rename_all = "kebab-case")]
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
    /// The observation of the probe of this kind, if the shell ran it.
    pub fn dns(&self, probe: ProbeKind) -> Option<&DnsObservation> {
        self.dns.iter().find(|o| o.probe == probe)
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
