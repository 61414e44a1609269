//! `plan`: the exact list of fetches a shell may perform for a domain, and nothing else.
//!
//! The worker and the native shell execute this list and only this list, so neither can be turned into
//! an open proxy: every target is derived from a validated [`Domain`].

use serde::{Deserialize, Serialize};

use crate::dns::{self, RecordType};
use crate::domain::Domain;
use crate::observe::{DnsObservation, DnsResult};

/// Which question a DNS probe asks.
/// Ordered as [`plan`] lists the probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeKind {
    /// TXT `_mta-sts.<domain>` (RFC 8461 §3.1).
    StsRecord,
    /// TXT `_smtp._tls.<domain>` (RFC 8460 §3).
    TlsrptRecord,
    /// MX `<domain>` (RFC 8461 §4.1 checks each of them).
    Mx,
    /// A `mta-sts.<domain>` (the policy host over IPv4).
    PolicyHostA,
    /// AAAA `mta-sts.<domain>` (the policy host over IPv6).
    PolicyHostAaaa,
    /// TLSA `_25._tcp.<mx host>` (RFC 7672 §2.2.3): whether senders with DANE check that MX host's
    /// certificate against DNSSEC-validated records. One per MX host, asked once the MX answer names
    /// them ([`Plan::tlsa_probes`]).
    Tlsa,
}

/// One DNS-over-HTTPS request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsProbe {
    pub kind: ProbeKind,
    pub name: String,
    pub rtype: RecordType,
    /// The RFC 8484 wire-format query.
    pub query: Vec<u8>,
}

impl DnsProbe {
    /// The RFC 8484 GET URL of this probe at `resolver`.
    pub fn doh_url(&self, resolver: &str) -> String {
        dns::doh_get_url(resolver, &self.query)
    }
}

/// Everything to fetch for one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub domain: Domain,
    pub dns: Vec<DnsProbe>,
    /// `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2); fetched without following
    /// redirects and without HTTP caching (RFC 8461 §3.3).
    pub policy_url: String,
}

/// The default resolver: Cloudflare's RFC 8484 endpoint.
pub const DEFAULT_DOH_URL: &str = "https://cloudflare-dns.com/dns-query";
/// The most of a policy body a shell reads.
pub const POLICY_BODY_CAP: usize = 1024 * 1024;
/// Policy bodies above this size are flagged: RFC 8461 §3.3 suggests senders stop at 64 KB.
pub const POLICY_SIZE_LIMIT: usize = 64 * 1024;
/// The total time budget of one check, in milliseconds.
pub const TIME_BUDGET_MS: u32 = 10_000;
/// The User-Agent shells send to policy hosts.
pub const USER_AGENT: &str = concat!("mta-sts-checker/", env!("CARGO_PKG_VERSION"), " (+RFC 8461 policy check)");

/// The most MX hosts whose TLSA records one check asks for: real domains list a handful; the bound keeps
/// a hostile MX answer from turning one check into hundreds of lookups.
pub const TLSA_PROBE_LIMIT: usize = 10;

impl Plan {
    /// The second round of probes: TLSA at `_25._tcp.<host>` for each MX host the MX answer among `dns`
    /// names (RFC 7672 §2.2.3), most preferred first, at most [`TLSA_PROBE_LIMIT`]. None until the MX probe
    /// has a readable answer, and none for a null MX (RFC 7505) or the implicit MX, which DANE senders
    /// such as postfix-tlspol look up no TLSA records for.
    pub fn tlsa_probes(&self, dns: &[DnsObservation]) -> Vec<DnsProbe> {
        tlsa_names(&self.domain, dns)
            .into_iter()
            .map(|name| DnsProbe {
                kind: ProbeKind::Tlsa,
                query: dns::build_query(&name, RecordType::Tlsa),
                name,
                rtype: RecordType::Tlsa,
            })
            .collect()
    }
}

/// The names [`Plan::tlsa_probes`] asks for the plan of `domain`, without building the queries: what a
/// reader of the streamed answer needs to know which TLSA lines to wait for (the page then carries no DNS
/// message builder).
pub fn tlsa_names(domain: &Domain, dns: &[DnsObservation]) -> Vec<String> {
    let Some(DnsResult::Response { http_status: 200, body, .. }) =
        dns.iter().find(|o| o.probe == ProbeKind::Mx).map(|o| &o.result)
    else {
        return Vec::new();
    };
    let Ok(answer) = dns::decode(body, domain.as_str(), RecordType::Mx) else { return Vec::new() };
    // The hosts in the report's order: the same list and sort as the MX table's.
    let hosts = crate::evaluate::mx::listed_hosts(&answer);
    let mut names: Vec<String> = Vec::new();
    for host in hosts {
        let host = host.host.to_ascii_lowercase();
        let name = format!("_25._tcp.{host}");
        // RFC 1035 §2.3.4: a name longer than 253 octets cannot be asked; "." (null MX) has no host; a
        // name not made of host-name labels is no host a sender connects to, so nothing is asked for it.
        let host_name = host.split('.').all(|label| {
            (1..=63).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        });
        if host_name && name.len() <= 253 && !names.contains(&name) {
            names.push(name);
        }
    }
    names.truncate(TLSA_PROBE_LIMIT);
    names
}

/// The probes for `domain`.
pub fn plan(domain: &Domain) -> Plan {
    let probes = [
        (ProbeKind::StsRecord, domain.sts_record_name(), RecordType::Txt),
        (ProbeKind::TlsrptRecord, domain.tlsrpt_record_name(), RecordType::Txt),
        (ProbeKind::Mx, domain.as_str().to_owned(), RecordType::Mx),
        (ProbeKind::PolicyHostA, domain.policy_host(), RecordType::A),
        (ProbeKind::PolicyHostAaaa, domain.policy_host(), RecordType::Aaaa),
    ];
    Plan {
        domain: domain.clone(),
        dns: probes
            .into_iter()
            // RFC 1035 §2.3.4: for a 243- or 244-octet domain `_smtp._tls.<domain>` is too long to query;
            // evaluate() explains that no TLS-RPT record can exist there.
            .filter(|(kind, ..)| *kind != ProbeKind::TlsrptRecord || domain.tlsrpt_record_name_fits())
            .map(|(kind, name, rtype)| DnsProbe { kind, query: dns::build_query(&name, rtype), name, rtype })
            .collect(),
        policy_url: domain.policy_url(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_tlsrpt_probe_where_its_name_cannot_exist() {
        // 244 octets: `_mta-sts.` + it is 253, `_smtp._tls.` + it would be 255 (RFC 1035 §2.3.4).
        let long = Domain::parse(&format!("{0}.{0}.{0}.{1}.com", "a".repeat(60), "a".repeat(57))).unwrap();
        let kinds: Vec<ProbeKind> = plan(&long).dns.iter().map(|p| p.kind).collect();
        assert!(!kinds.contains(&ProbeKind::TlsrptRecord), "{kinds:?}");
        assert_eq!(kinds.len(), 4);
        assert!(plan(&long).dns.iter().all(|p| !p.query.is_empty() && p.name.len() <= 253));
    }

    #[test]
    fn plan_lists_exactly_the_five_probes_and_the_policy_url() {
        let domain = Domain::parse("example.com").unwrap();
        let plan = plan(&domain);
        let asked: Vec<(ProbeKind, &str, RecordType)> =
            plan.dns.iter().map(|p| (p.kind, p.name.as_str(), p.rtype)).collect();
        assert_eq!(
            asked,
            vec![
                (ProbeKind::StsRecord, "_mta-sts.example.com", RecordType::Txt),
                (ProbeKind::TlsrptRecord, "_smtp._tls.example.com", RecordType::Txt),
                (ProbeKind::Mx, "example.com", RecordType::Mx),
                (ProbeKind::PolicyHostA, "mta-sts.example.com", RecordType::A),
                (ProbeKind::PolicyHostAaaa, "mta-sts.example.com", RecordType::Aaaa),
            ]
        );
        assert_eq!(plan.policy_url, "https://mta-sts.example.com/.well-known/mta-sts.txt");
        for probe in &plan.dns {
            assert!(probe.doh_url(DEFAULT_DOH_URL).starts_with("https://cloudflare-dns.com/dns-query?dns="));
            assert!(!probe.query.is_empty());
        }
    }
}
