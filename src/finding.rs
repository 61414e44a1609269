//! Findings: everything the checker has to say about a configuration.
//!
//! A [`Finding`] is never a Rust error: parsers and `evaluate` keep going and report every problem they
//! see, each with a stable [`Code`] (a public contract: codes are added, never renamed), a [`Severity`],
//! a message written for a mail administrator, the RFC section that makes it a problem, an optional byte
//! [`Span`] into the input, and where possible the exact fix.

use serde::{Deserialize, Serialize};

/// How much a finding matters to delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// A compliant sender would ignore the policy, or mail would fail.
    Error,
    /// Works, but risky, or some real senders reject it.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal, $severity:ident, $rfc:literal;)*) => {
        /// The stable identifier of a finding (design.md §2). Serialised as kebab-case text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])* #[serde(rename = $text)] $variant,)*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case code, e.g. `record-missing`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            /// The usual severity; a few codes (e.g. `mx-not-covered`) depend on the policy mode.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// The section of the RFC that the finding rests on.
            pub fn rfc(self) -> &'static str {
                match self { $(Code::$variant => $rfc,)* }
            }

            /// One-line description of when the code is reported.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),*).trim_ascii(),)* }
            }

            /// Looks a code up by its kebab-case text.
            pub fn from_str_opt(text: &str) -> Option<Code> {
                match text { $($text => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    /// No `_mta-sts` TXT record begins with `v=STSv1`.
    RecordMissing = "record-missing", Error, "RFC 8461 §3.1";
    /// The DNS query for the `_mta-sts` TXT record failed.
    RecordLookupFailed = "record-lookup-failed", Error, "RFC 8461 §3.1";
    /// More than one STS record at `_mta-sts`.
    RecordMultiple = "record-multiple", Error, "RFC 8461 §3.1";
    /// The STS record does not match the §3.1 grammar.
    RecordInvalid = "record-invalid", Error, "RFC 8461 §3.1";
    /// A field of the STS record repeats; the first one wins.
    RecordDuplicateField = "record-duplicate-field", Warning, "RFC 8461 §3.2";
    /// `v=STSv1 ;`: allowed by the grammar, but not by the record filter (erratum 6285).
    RecordAmbiguousDelimiter = "record-ambiguous-delimiter", Warning, "RFC 8461 §3.1, erratum 6285";
    /// Other TXT records share the `_mta-sts` name; senders discard them.
    RecordOtherTxt = "record-other-txt", Info, "RFC 8461 §3.1";
    /// The `_mta-sts` name is a CNAME (delegation); senders follow it.
    RecordCname = "record-cname", Info, "RFC 8461 §8.2";
    /// The policy host could not be reached.
    PolicyFetchFailed = "policy-fetch-failed", Error, "RFC 8461 §3.3";
    /// The policy host's certificate is not valid for `mta-sts.<domain>`.
    PolicyTlsInvalid = "policy-tls-invalid", Error, "RFC 8461 §3.3";
    /// The policy URL answered with a redirect.
    PolicyRedirect = "policy-redirect", Error, "RFC 8461 §3.3";
    /// The policy URL answered with a status other than 200.
    PolicyHttpStatus = "policy-http-status", Error, "RFC 8461 §3.3";
    /// The policy host's certificate expires within 14 days.
    PolicyCertExpiring = "policy-cert-expiring", Warning, "RFC 8461 §3.3";
    /// The policy is not served as `text/plain`.
    PolicyContentType = "policy-content-type", Warning, "RFC 8461 §3.2";
    /// The policy body is larger than 64 KiB.
    PolicyTooLarge = "policy-too-large", Warning, "RFC 8461 §3.3";
    /// The policy body violates the §3.2 grammar or lacks a required field.
    PolicyInvalid = "policy-invalid", Error, "RFC 8461 §3.2";
    /// A non-mx policy field repeats; the first one wins.
    PolicyDuplicateField = "policy-duplicate-field", Warning, "RFC 8461 §3.2";
    /// An unknown policy field; senders ignore it.
    PolicyUnknownField = "policy-unknown-field", Warning, "RFC 8461 §3.2";
    /// `max_age` is below one day.
    PolicyMaxAgeShort = "policy-max-age-short", Warning, "RFC 8461 §3.2, §10.2";
    /// The policy is in `testing` mode: failures are reported, not enforced.
    PolicyModeTesting = "policy-mode-testing", Info, "RFC 8461 §5";
    /// The policy is in `none` mode: MTA-STS is being withdrawn.
    PolicyModeNone = "policy-mode-none", Info, "RFC 8461 §8.3";
    /// An `mx` pattern is a wildcard so broad that many hosts may match it.
    PolicyMxBroadWildcard = "policy-mx-broad-wildcard", Warning, "RFC 8461 §10.4";
    /// An `mx` pattern matches none of the domain's MX hosts.
    PolicyMxUnused = "policy-mx-unused", Info, "RFC 8461 §4.1";
    /// The response asks for HTTP caching, which senders must not use.
    PolicyCacheControl = "policy-cache-control", Info, "RFC 8461 §3.3";
    /// An MX host matches no `mx` pattern of the policy.
    MxNotCovered = "mx-not-covered", Error, "RFC 8461 §4.1";
    /// The MX query failed.
    MxLookupFailed = "mx-lookup-failed", Error, "RFC 5321 §5.1";
    /// The domain publishes no MX records, or a null MX.
    MxNone = "mx-none", Warning, "RFC 5321 §5.1, RFC 7505";
    /// The policy host name has no A or AAAA record.
    PolicyHostNoAddress = "policy-host-no-address", Error, "RFC 8461 §3.3";
    /// No `_smtp._tls` TLS-RPT record.
    TlsrptMissing = "tlsrpt-missing", Warning, "RFC 8461 §6, RFC 8460 §3";
    /// More than one TLS-RPT record.
    TlsrptMultiple = "tlsrpt-multiple", Error, "RFC 8460 §3";
    /// The TLS-RPT record does not match the RFC 8460 §3 grammar or has no usable `rua`.
    TlsrptInvalid = "tlsrpt-invalid", Error, "RFC 8460 §3";
    /// A `rua` URI uses a scheme other than `mailto:` or `https:`.
    TlsrptRuaScheme = "tlsrpt-rua-scheme", Warning, "RFC 8460 §3";
    /// The DNS query for the TLS-RPT record failed.
    TlsrptLookupFailed = "tlsrpt-lookup-failed", Warning, "RFC 8460 §3";
    /// The answers were not DNSSEC-validated by the resolver (AD flag clear).
    DnssecUnsigned = "dnssec-unsigned", Info, "RFC 8461 §10.2";
    /// The policy host resolves to a non-public address (loopback, private, link-local, …).
    PolicyHostNotPublic = "policy-host-not-public", Error, "RFC 8461 §3.3, RFC 6890";
    /// The policy host is reachable over one address family (IPv4 or IPv6) but not the other.
    PolicyHostUnreachable = "policy-host-unreachable", Warning, "RFC 8461 §3.3";
    /// Pre-flight: the draft policy differs from the live one, but the TXT record's id stays the same.
    PolicyIdUnchanged = "policy-id-unchanged", Warning, "RFC 8461 §3.1, §8.1";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A half-open byte range `[start, end)` into the input a parser was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// One thing the checker has to say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Plain words for a mail administrator: what is wrong and what it does to mail.
    pub message: String,
    /// Where in the input (the record, the policy body) the problem is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// For findings about one record of an RRset: its position in the RRset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_index: Option<usize>,
    /// The RFC section (and erratum) the finding rests on, e.g. `RFC 8461 §3.1`.
    pub rfc: String,
    /// The exact fix: a corrected record or policy, and the order in which to publish it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    /// A finding with the code's default severity and RFC citation.
    pub fn new(code: Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            span: None,
            record_index: None,
            rfc: code.rfc().to_owned(),
            fix: None,
        }
    }

    #[must_use]
    pub fn with_span(mut self, span: Span) -> Finding {
        self.span = Some(span);
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }

    #[must_use]
    pub fn with_record_index(mut self, index: usize) -> Finding {
        self.record_index = Some(index);
        self
    }

    #[must_use]
    pub fn with_rfc(mut self, rfc: impl Into<String>) -> Finding {
        self.rfc = rfc.into();
        self
    }
}

/// What a parser read, and what it has to say about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed<T> {
    /// The RFC-preferred reading; `None` when a compliant sender could not use the input at all.
    pub value: Option<T>,
    pub findings: Vec<Finding>,
}

impl<T> Parsed<T> {
    /// Valid means: no `error` finding.
    pub fn valid(&self) -> bool {
        self.value.is_some() && !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The codes of the findings, in order (handy in tests).
    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|f| f.code).collect()
    }

    /// Which codes were reported, each once, in text order: a test's expectation that does not depend
    /// on the order or number of findings.
    #[cfg(test)]
    pub(crate) fn distinct_codes(&self) -> Vec<&'static str> {
        let mut codes: Vec<&str> = self.findings.iter().map(|f| f.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_text() {
        for &code in Code::ALL {
            assert_eq!(Code::from_str_opt(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(!code.description().is_empty(), "{code} has no description");
        }
    }

    #[test]
    fn catalogue_severities_match_the_design() {
        assert_eq!(Code::RecordMissing.default_severity(), Severity::Error);
        assert_eq!(Code::PolicyContentType.default_severity(), Severity::Warning);
        assert_eq!(Code::PolicyModeTesting.default_severity(), Severity::Info);
        assert_eq!(Code::TlsrptMissing.default_severity(), Severity::Warning);
    }
}
