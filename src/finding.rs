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
    /// What the severity means for mail, in one sentence (the page and the CLI say the same).
    pub fn meaning(self) -> &'static str {
        match self {
            Severity::Error => "An error: a sender that follows the RFC ignores the policy or fails delivery.",
            Severity::Warning => "A warning: it works, but it is risky, or some real senders reject it.",
            Severity::Info => "For information: nothing to fix.",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a rule's subject lives; findings are grouped by it on the page and in the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The `_mta-sts` TXT record.
    Record,
    /// The policy host: its name, addresses, certificate and HTTP answer.
    PolicyHost,
    /// The policy file's contents.
    PolicyFile,
    /// The MX hosts and whether the policy covers them.
    Mx,
    /// The `_smtp._tls` TLS-RPT record.
    Tlsrpt,
    /// DNS itself (DNSSEC).
    Dns,
}

impl Category {
    /// Page and CLI order.
    pub const ALL: [Category; 6] =
        [Category::Record, Category::PolicyHost, Category::PolicyFile, Category::Mx, Category::Tlsrpt, Category::Dns];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Record => "record",
            Category::PolicyHost => "policy-host",
            Category::PolicyFile => "policy-file",
            Category::Mx => "mx",
            Category::Tlsrpt => "tlsrpt",
            Category::Dns => "dns",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Record => "The _mta-sts TXT record",
            Category::PolicyHost => "The policy host",
            Category::PolicyFile => "The policy file",
            Category::Mx => "MX coverage",
            Category::Tlsrpt => "The _smtp._tls TLS-RPT record",
            Category::Dns => "DNS",
        }
    }
}

/// The rule table (design.md §2, "Rules as data"): one row per rule, each with its stable code, fixed
/// severity, category, group (the catch-all code it refines, for consumers that filtered on those before
/// one code per rule existed; or the code itself), the RFC section, the RFC's own sentence, and a
/// one-line title (the doc comment).
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal, $severity:ident, $category:ident, $group:ident,
        $rfc:literal, $sentence:literal;)*) => {
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

            /// The rule's severity. Fixed per code, with one documented exception: `mx-not-covered` is an
            /// error under `enforce` and a warning under `testing` (RFC 8461 §5).
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// What the rule is about: the record, the policy host, the policy file, MX, TLS-RPT or DNS.
            pub fn category(self) -> Category {
                match self { $(Code::$variant => Category::$category,)* }
            }

            /// The catch-all code this rule refines (`record-invalid`, `policy-invalid`, `tlsrpt-invalid`),
            /// or the code itself. Serialised as each finding's `group`.
            #[must_use]
            pub fn group(self) -> Code {
                match self { $(Code::$variant => Code::$group,)* }
            }

            /// The section of the RFC that the finding rests on.
            pub fn rfc(self) -> &'static str {
                match self { $(Code::$variant => $rfc,)* }
            }

            /// The RFC's own sentence that the rule enforces, quoted.
            pub fn rfc_text(self) -> &'static str {
                match self { $(Code::$variant => $sentence,)* }
            }

            /// One line: what the rule checks.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),*).trim_ascii(),)* }
            }

            /// Looks a code up by its kebab-case text.
            pub fn from_str_opt(text: &str) -> Option<Code> {
                match text { $($text => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

impl Code {
    /// The three catch-all codes of the first catalogue: groups now, never emitted (design.md §2).
    pub const GROUPS: [Code; 3] = [Code::RecordInvalid, Code::PolicyInvalid, Code::TlsrptInvalid];

    /// Whether this code only names a group of rules and is never reported itself.
    #[must_use]
    pub fn is_group(self) -> bool {
        Code::GROUPS.contains(&self)
    }
}

codes! {
    // ----- The _mta-sts TXT record (RFC 8461 §3.1) -----
    /// No `_mta-sts` TXT record begins with `v=STSv1;`.
    RecordMissing = "record-missing", Error, Record, RecordMissing, "RFC 8461 §3.1",
        "If the number of resulting records is not one, or if the resulting record is syntactically invalid, senders MUST assume the recipient domain does not have an available MTA-STS Policy and skip the remaining steps of policy discovery.";
    /// The DNS query for the `_mta-sts` TXT record failed.
    RecordLookupFailed = "record-lookup-failed", Error, Record, RecordLookupFailed, "RFC 8461 §3.1",
        "If the number of resulting records is not one, or if the resulting record is syntactically invalid, senders MUST assume the recipient domain does not have an available MTA-STS Policy and skip the remaining steps of policy discovery.";
    /// More than one STS record at `_mta-sts`.
    RecordMultiple = "record-multiple", Error, Record, RecordMultiple, "RFC 8461 §3.1",
        "If the number of resulting records is not one, or if the resulting record is syntactically invalid, senders MUST assume the recipient domain does not have an available MTA-STS Policy and skip the remaining steps of policy discovery.";
    /// The STS record does not match the §3.1 grammar (the group of the record's syntax rules).
    RecordInvalid = "record-invalid", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "If the number of resulting records is not one, or if the resulting record is syntactically invalid, senders MUST assume the recipient domain does not have an available MTA-STS Policy and skip the remaining steps of policy discovery.";
    /// A field of the STS record repeats; the first one wins.
    RecordDuplicateField = "record-duplicate-field", Warning, Record, RecordDuplicateField, "RFC 8461 §3.2",
        "If any non-repeated field -- i.e., all fields excepting \"mx\" -- is duplicated, all entries except for the first SHALL be ignored.";
    /// Whitespace between `v=STSv1` and the first `;` (erratum 6285).
    RecordAmbiguousDelimiter = "record-ambiguous-delimiter", Warning, Record, RecordAmbiguousDelimiter, "RFC 8461 §3.1, erratum 6285",
        "If multiple TXT records for \"_mta-sts\" are returned by the resolver, records that do not begin with \"v=STSv1;\" are discarded.";
    /// Other TXT records share the `_mta-sts` name; senders discard them.
    RecordOtherTxt = "record-other-txt", Info, Record, RecordOtherTxt, "RFC 8461 §3.1",
        "If multiple TXT records for \"_mta-sts\" are returned by the resolver, records that do not begin with \"v=STSv1;\" are discarded.";
    /// The `_mta-sts` name is a CNAME (delegation); senders follow it.
    RecordCname = "record-cname", Info, Record, RecordCname, "RFC 8461 §8.2",
        "The \"_mta-sts\" record MAY return a CNAME that points (directly or via other CNAMEs) to a TXT record, in which case senders MUST follow the CNAME pointers.";
    // record: rules (record-invalid group) -- added here, in RFC order
    /// The record is plain US-ASCII.
    RecordNotAscii = "record-not-ascii", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "MTA-STS TXT records MUST be US-ASCII, semicolon-separated key/value pairs containing the following fields:";
    /// The record has the version field `v=STSv1`.
    RecordVersionMissing = "record-version-missing", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "\"v\" (plaintext, required): Currently, only \"STSv1\" is supported.";
    /// The version is exactly `STSv1`.
    RecordVersionInvalid = "record-version-invalid", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "Currently, only \"STSv1\" is supported.";
    /// The version is written `v=STSv1`, in exactly that case.
    RecordVersionCase = "record-version-case", Error, Record, RecordInvalid, "RFC 8461 §3.1, RFC 7405",
        "sts-version     = %s\"v=STSv1\"";
    /// `v=STSv1` is the first field.
    RecordVersionNotFirst = "record-version-not-first", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "The TXT record MUST begin with the sts-version field; the order of other fields is not significant.";
    /// Nothing precedes `v=STSv1`, not even whitespace.
    RecordLeadingWhitespace = "record-leading-whitespace", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "The TXT record MUST begin with the sts-version field; the order of other fields is not significant.";
    /// A `;` follows `v=STSv1`.
    RecordDelimiterMissing = "record-delimiter-missing", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "If multiple TXT records for \"_mta-sts\" are returned by the resolver, records that do not begin with \"v=STSv1;\" are discarded.";
    /// No field is empty (`;;`), and at most one `;` ends the record.
    RecordFieldEmpty = "record-field-empty", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]";
    /// Every field is `name=value`.
    RecordFieldInvalid = "record-field-invalid", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "MTA-STS TXT records MUST be US-ASCII, semicolon-separated key/value pairs containing the following fields:";
    /// No whitespace around the `=` of a field.
    RecordFieldWhitespace = "record-field-whitespace", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "sts-extension   = sts-ext-name \"=\" sts-ext-value  ; name=value";
    /// No whitespace after the last field unless a `;` follows.
    RecordTrailingWhitespace = "record-trailing-whitespace", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "sts-field-delim = *WSP \";\" *WSP";
    /// The record has an `id` field.
    RecordIdMissing = "record-id-missing", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "\"id\" (plaintext, required): A short string used to track policy updates.";
    /// The record's `id` is 1–32 letters and digits.
    RecordIdInvalid = "record-id-invalid", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "sts-id          = %s\"id=\" 1*32(ALPHA / DIGIT)";
    /// Extension fields keep to the extension grammar (name: letters, digits, `_-.`; value: visible ASCII but `=` and `;`).
    RecordExtensionInvalid = "record-extension-invalid", Error, Record, RecordInvalid, "RFC 8461 §3.1",
        "sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / \"_\" / \"-\" / \".\") sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)";
    /// No record beside the STS record looks like a second one (bare `v=STSv1`, a case variant, …).
    RecordDiscarded = "record-discarded", Warning, Record, RecordDiscarded, "RFC 8461 §3.1",
        "If multiple TXT records for \"_mta-sts\" are returned by the resolver, records that do not begin with \"v=STSv1;\" are discarded.";

    // ----- The policy host (RFC 8461 §3.3) -----
    /// The policy host could not be reached.
    PolicyFetchFailed = "policy-fetch-failed", Error, PolicyHost, PolicyFetchFailed, "RFC 8461 §3.3",
        "Policy bodies are, as described above, retrieved by Sending MTAs via HTTPS [RFC2818].";
    /// The policy host's certificate is not valid for `mta-sts.<domain>`.
    PolicyTlsInvalid = "policy-tls-invalid", Error, PolicyHost, PolicyTlsInvalid, "RFC 8461 §3.3",
        "the Policy Host HTTPS server MUST present an X.509 certificate that is valid for the \"mta-sts\" DNS-ID [RFC6125] (e.g., \"mta-sts.example.com\") as described below, chain to a root CA that is trusted by the Sending MTA, and be non- expired.";
    /// The policy URL answered with a redirect.
    PolicyRedirect = "policy-redirect", Error, PolicyHost, PolicyRedirect, "RFC 8461 §3.3",
        "HTTP 3xx redirects MUST NOT be followed, and HTTP caching (as specified in [RFC7234]) MUST NOT be used.";
    /// The policy URL answered with a status other than 200.
    PolicyHttpStatus = "policy-http-status", Error, PolicyHost, PolicyHttpStatus, "RFC 8461 §3.3",
        "Policies fetched via HTTPS are only valid if the HTTP response code is 200 (OK).";
    /// The policy host's certificate expires within 14 days.
    PolicyCertExpiring = "policy-cert-expiring", Warning, PolicyHost, PolicyCertExpiring, "RFC 8461 §3.3",
        "the Policy Host HTTPS server MUST present an X.509 certificate that is valid for the \"mta-sts\" DNS-ID [RFC6125] (e.g., \"mta-sts.example.com\") as described below, chain to a root CA that is trusted by the Sending MTA, and be non- expired.";
    /// The policy is not served as `text/plain`.
    PolicyContentType = "policy-content-type", Warning, PolicyHost, PolicyContentType, "RFC 8461 §3.2",
        "When fetching a policy, senders SHOULD validate that the media type is \"text/plain\" to guard against cases where web servers allow untrusted users to host non-text content (typically, HTML or images) at a user-defined path.";
    /// The policy body is larger than 64 KiB.
    PolicyTooLarge = "policy-too-large", Warning, PolicyHost, PolicyTooLarge, "RFC 8461 §3.3",
        "Senders may wish to rate-limit the frequency of attempts to fetch the HTTPS endpoint even if a valid TXT record for the recipient domain exists.";
    /// The response asks for HTTP caching, which senders must not use.
    PolicyCacheControl = "policy-cache-control", Info, PolicyHost, PolicyCacheControl, "RFC 8461 §3.3",
        "HTTP 3xx redirects MUST NOT be followed, and HTTP caching (as specified in [RFC7234]) MUST NOT be used.";
    /// The policy host name has no A or AAAA record.
    PolicyHostNoAddress = "policy-host-no-address", Error, PolicyHost, PolicyHostNoAddress, "RFC 8461 §3.3",
        "Policy bodies are, as described above, retrieved by Sending MTAs via HTTPS [RFC2818].";
    /// The policy host resolves to a non-public address (loopback, private, link-local, …).
    PolicyHostNotPublic = "policy-host-not-public", Error, PolicyHost, PolicyHostNotPublic, "RFC 8461 §3.3, RFC 6890",
        "Policy bodies are, as described above, retrieved by Sending MTAs via HTTPS [RFC2818].";
    /// The policy host is reachable over one address family (IPv4 or IPv6) but not the other.
    PolicyHostUnreachable = "policy-host-unreachable", Warning, PolicyHost, PolicyHostUnreachable, "RFC 8461 §3.3",
        "Policy bodies are, as described above, retrieved by Sending MTAs via HTTPS [RFC2818].";

    // ----- The policy file (RFC 8461 §3.2) -----
    /// The policy body violates the §3.2 grammar (the group of the policy file's syntax rules).
    PolicyInvalid = "policy-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// A non-mx policy field repeats; the first one wins.
    PolicyDuplicateField = "policy-duplicate-field", Warning, PolicyFile, PolicyDuplicateField, "RFC 8461 §3.2",
        "If any non-repeated field -- i.e., all fields excepting \"mx\" -- is duplicated, all entries except for the first SHALL be ignored.";
    /// An unknown policy field; senders ignore it.
    PolicyUnknownField = "policy-unknown-field", Warning, PolicyFile, PolicyUnknownField, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// `max_age` is below one day.
    PolicyMaxAgeShort = "policy-max-age-short", Warning, PolicyFile, PolicyMaxAgeShort, "RFC 8461 §3.2, §10.2",
        "To mitigate the risks of attacks at policy refresh time, it is expected that this value typically be in the range of weeks or greater.";
    /// The policy is in `testing` mode: failures are reported, not enforced.
    PolicyModeTesting = "policy-mode-testing", Info, PolicyFile, PolicyModeTesting, "RFC 8461 §5",
        "\"testing\": In this mode, Sending MTAs that also implement the TLSRPT (TLS Reporting) specification [RFC8460] send a report indicating policy application failures (as long as TLSRPT is also implemented by the recipient domain);";
    /// The policy is in `none` mode: MTA-STS is being withdrawn.
    PolicyModeNone = "policy-mode-none", Info, PolicyFile, PolicyModeNone, "RFC 8461 §8.3",
        "Publish a new policy with \"mode\" equal to \"none\" and a small \"max_age\" (e.g., one day).";
    /// An `mx` pattern is a wildcard so broad that many hosts may match it.
    PolicyMxBroadWildcard = "policy-mx-broad-wildcard", Warning, PolicyFile, PolicyMxBroadWildcard, "RFC 8461 §10.4",
        "domain names in server certificates MAY contain the wildcard character '*' as the complete left-most label within the identifier.";
    /// An `mx` pattern matches none of the domain's MX hosts.
    PolicyMxUnused = "policy-mx-unused", Info, PolicyFile, PolicyMxUnused, "RFC 8461 §4.1",
        "At least one of the policy's \"mx\" patterns matches the selected MX host, as described in Section 4.1, \"MX Host Validation\".";
    /// Pre-flight: the draft policy differs from the live one, but the TXT record's id stays the same.
    PolicyIdUnchanged = "policy-id-unchanged", Warning, PolicyFile, PolicyIdUnchanged, "RFC 8461 §3.1, §8.1",
        "This string MUST uniquely identify a given instance of a policy, such that senders can determine when the policy has been updated by comparing to the \"id\" of a previously seen policy.";
    // policy-file: rules (policy-invalid group) -- added here, in RFC order
    /// A policy body encoded as UTF-16 instead of UTF-8
    PolicyUtf16 = "policy-utf16", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "All parameters other than charset=utf-8 or charset=us-ascii are ignored.";
    /// A UTF-8 byte order mark before the first field
    PolicyBom = "policy-bom", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// Bytes that are not valid UTF-8
    PolicyNotUtf8 = "policy-not-utf8", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "All parameters other than charset=utf-8 or charset=us-ascii are ignored.";
    /// A NUL or other control character
    PolicyControlCharacter = "policy-control-character", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// A CR that is not followed by LF
    PolicyBareCr = "policy-bare-cr", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A line ending CR CR LF
    PolicyCrCrLf = "policy-cr-cr-lf", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A blank line between fields or at the end
    PolicyBlankLine = "policy-blank-line", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// Whitespace before a field name
    PolicyLeadingWhitespace = "policy-leading-whitespace", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// Whitespace between a field name and its colon
    PolicySpaceBeforeColon = "policy-space-before-colon", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// A field name that is missing, longer than 32 characters, or not letters, digits, `_`, `-` and `.`
    PolicyFieldNameInvalid = "policy-field-name-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// A line that is not a `name: value` field
    PolicyNoColon = "policy-no-colon", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A `version` other than `STSv1`
    PolicyVersionInvalid = "policy-version-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "\"version\": Currently, only \"STSv1\" is supported.";
    /// A `mode` other than `enforce`, `testing` or `none`
    PolicyModeInvalid = "policy-mode-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "\"mode\": One of \"enforce\", \"testing\", or \"none\", indicating the expected behavior of a Sending MTA in the case of a policy validation failure.";
    /// A `max_age` that is not plain decimal digits
    PolicyMaxAgeInvalid = "policy-max-age-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "\"max_age\": Max lifetime of the policy (plaintext non-negative integer seconds, maximum value of 31557600).";
    /// A `max_age` above the maximum of 31557600 seconds (one year)
    PolicyMaxAgeTooLarge = "policy-max-age-too-large", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2, erratum 7282",
        "\"max_age\": Max lifetime of the policy (plaintext non-negative integer seconds, maximum value of 31557600).";
    /// An `mx` value that is not a host name or `*.` followed by one
    PolicyMxInvalid = "policy-mx-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Valid patterns can be either fully specified names (\"example.com\") or suffixes prefixed by a wildcard (\"*.example.net\").";
    /// An `mx` value that looks like an IP address
    PolicyMxIpAddress = "policy-mx-ip-address", Warning, PolicyFile, PolicyInvalid, "RFC 8461 §3.2, §4.1",
        "A receiving candidate MX host is valid according to an applied MTA- STS Policy if the MX record name matches one or more of the \"mx\" fields in the applied policy.";
    /// An extension field with an empty value or a tab in it
    PolicyExtensionValueInvalid = "policy-extension-value-invalid", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "Parsers MUST accept TXT records and policy files that are syntactically valid (i.e., valid key/value pairs separated by semicolons for TXT records), possibly containing additional key/value pairs not specified in this document, in which case unknown fields SHALL be ignored.";
    /// A policy body with no field at all
    PolicyEmpty = "policy-empty", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A missing `version` field
    PolicyVersionMissing = "policy-version-missing", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A missing `mode` field
    PolicyModeMissing = "policy-mode-missing", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A missing `max_age` field
    PolicyMaxAgeMissing = "policy-max-age-missing", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "This resource contains the following CRLF-separated key/value pairs:";
    /// A missing `mx` field while the mode is not `none`
    PolicyMxMissing = "policy-mx-missing", Error, PolicyFile, PolicyInvalid, "RFC 8461 §3.2",
        "One or more patterns matching allowed MX hosts for the Policy Domain.";

    // ----- MX coverage (RFC 8461 §4.1) -----
    /// An MX host matches no `mx` pattern of the policy.
    MxNotCovered = "mx-not-covered", Error, Mx, MxNotCovered, "RFC 8461 §4.1",
        "\"enforce\": In this mode, Sending MTAs MUST NOT deliver the message to hosts that fail MX matching or certificate validation or that do not support STARTTLS.";
    /// The MX query failed.
    MxLookupFailed = "mx-lookup-failed", Error, Mx, MxLookupFailed, "RFC 5321 §5.1",
        "At least one of the policy's \"mx\" patterns matches the selected MX host, as described in Section 4.1, \"MX Host Validation\".";
    /// The domain publishes no MX records (implicit MX: the domain itself receives mail).
    MxNone = "mx-none", Warning, Mx, MxNone, "RFC 5321 §5.1",
        "At least one of the policy's \"mx\" patterns matches the selected MX host, as described in Section 4.1, \"MX Host Validation\".";
    /// The domain publishes a null MX (RFC 7505): it accepts no mail.
    MxNull = "mx-null", Info, Mx, MxNull, "RFC 7505",
        "At least one of the policy's \"mx\" patterns matches the selected MX host, as described in Section 4.1, \"MX Host Validation\".";
    /// An MX host publishes DNSSEC-validated TLSA records (DANE, RFC 7672), which MTA-STS never overrides.
    MxTlsa = "mx-tlsa", Info, Mx, MxTlsa, "RFC 8461 §2, RFC 7672 §2.2.3",
        "senders who implement MTA-STS validation MUST NOT allow MTA-STS Policy validation to override a failing DANE validation.";
    /// An MX host's TLSA records are ones DANE senders can use: DNSSEC-validated, with a usage, selector and matching type of RFC 7672.
    MxTlsaUnusable = "mx-tlsa-unusable", Warning, Mx, MxTlsaUnusable, "RFC 8461 §2, RFC 7672 §2.2.3, §3.1.3",
        "DANE requires DNSSEC [RFC4033] for authentication;";

    // ----- TLS-RPT (RFC 8460 §3) -----
    /// No `_smtp._tls` TLS-RPT record.
    TlsrptMissing = "tlsrpt-missing", Warning, Tlsrpt, TlsrptMissing, "RFC 8461 §6, RFC 8460 §3",
        "MTA-STS is intended to be used along with TLSRPT [RFC8460] in order to ensure that implementing domains can detect cases of both benign and malicious failures and to ensure that failures that indicate an active attack are discoverable.";
    /// More than one TLS-RPT record.
    TlsrptMultiple = "tlsrpt-multiple", Error, Tlsrpt, TlsrptMultiple, "RFC 8460 §3",
        "If the number of resulting records is not one, senders MUST assume the recipient domain does not implement TLSRPT.";
    /// The TLS-RPT record does not match the RFC 8460 §3 grammar (the group of its syntax rules).
    TlsrptInvalid = "tlsrpt-invalid", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "If the number of resulting records is not one, senders MUST assume the recipient domain does not implement TLSRPT.";
    /// A `rua` URI uses a scheme other than `mailto:` or `https:`.
    TlsrptRuaScheme = "tlsrpt-rua-scheme", Warning, Tlsrpt, TlsrptRuaScheme, "RFC 8460 §3",
        "Two URI schemes are supported: \"mailto\" and \"https\".";
    /// The DNS query for the TLS-RPT record failed.
    TlsrptLookupFailed = "tlsrpt-lookup-failed", Warning, Tlsrpt, TlsrptLookupFailed, "RFC 8460 §3",
        "If the number of resulting records is not one, senders MUST assume the recipient domain does not implement TLSRPT.";
    // tlsrpt: rules (tlsrpt-invalid group) -- added here, in RFC order
    /// The TLS-RPT record is plain ASCII (URIs percent-encode the rest).
    TlsrptNotAscii = "tlsrpt-not-ascii", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3, RFC 3986 §2",
        "tlsrpt-uri        = URI ; \"URI\" is imported from [RFC3986];";
    /// The TLS-RPT record has the version field `v=TLSRPTv1`.
    TlsrptVersionMissing = "tlsrpt-version-missing", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "tlsrpt-record     = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]";
    /// The TLS-RPT version is exactly `TLSRPTv1`.
    TlsrptVersionInvalid = "tlsrpt-version-invalid", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "\"v\": This document defines version 1 of TLSRPT, for which this value MUST be equal to \"TLSRPTv1\".";
    /// The TLS-RPT version is written `v=TLSRPTv1`, in exactly that case.
    TlsrptVersionCase = "tlsrpt-version-case", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3, RFC 7405",
        "tlsrpt-version    = %s\"v=TLSRPTv1\"";
    /// `v=TLSRPTv1` is the first field of the TLS-RPT record.
    TlsrptVersionNotFirst = "tlsrpt-version-not-first", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "tlsrpt-record     = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]";
    /// Nothing precedes `v=TLSRPTv1`, not even whitespace.
    TlsrptLeadingWhitespace = "tlsrpt-leading-whitespace", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "If multiple TXT records for \"_smtp._tls\" are returned by the resolver, records that do not begin with \"v=TLSRPTv1;\" are discarded.";
    /// A `;` follows `v=TLSRPTv1`.
    TlsrptDelimiterMissing = "tlsrpt-delimiter-missing", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "If multiple TXT records for \"_smtp._tls\" are returned by the resolver, records that do not begin with \"v=TLSRPTv1;\" are discarded.";
    /// No field of the TLS-RPT record is empty (`;;`).
    TlsrptFieldEmpty = "tlsrpt-field-empty", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "tlsrpt-record     = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]";
    /// Every field of the TLS-RPT record is `name=value`.
    TlsrptFieldInvalid = "tlsrpt-field-invalid", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "Parsers MUST accept TXT records that are syntactically valid (i.e., valid key/value pairs separated by semicolons) and implement a superset of this specification, in which case unknown fields SHALL be ignored.";
    /// No whitespace around the `=` of a TLS-RPT field.
    TlsrptFieldWhitespace = "tlsrpt-field-whitespace", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "tlsrpt-extension  = tlsrpt-ext-name \"=\" tlsrpt-ext-value";
    /// No whitespace after the last field of the TLS-RPT record unless a `;` follows.
    TlsrptTrailingWhitespace = "tlsrpt-trailing-whitespace", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "field-delim       = *WSP \";\" *WSP";
    /// The TLS-RPT record has a `rua` field.
    TlsrptRuaMissing = "tlsrpt-rua-missing", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "\"rua\": A URI specifying the endpoint to which aggregate information about policy validation results should be sent (see Section 4, \"Reporting Schema\", for more information).";
    /// `rua` is a comma-separated list of URIs, each naming a destination.
    TlsrptRuaInvalid = "tlsrpt-rua-invalid", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "As with DMARC [RFC7489], the Policy Domain can specify a comma-separated list of URIs.";
    /// At least one `rua` URI is `mailto:` or `https:`.
    TlsrptRuaUnusable = "tlsrpt-rua-unusable", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "Two URI schemes are supported: \"mailto\" and \"https\".";
    /// All report addresses are in one `rua` field.
    TlsrptRuaFields = "tlsrpt-rua-fields", Warning, Tlsrpt, TlsrptRuaFields, "RFC 8460 §3",
        "The record supports the ability to declare more than one rua, and if there exists more than one, the reporter MAY attempt to deliver to each of the supported rua destinations.";
    /// Extension fields of the TLS-RPT record keep to the extension grammar.
    TlsrptExtensionInvalid = "tlsrpt-extension-invalid", Error, Tlsrpt, TlsrptInvalid, "RFC 8460 §3",
        "tlsrpt-ext-name   = (ALPHA / DIGIT) *31(ALPHA / DIGIT / \"_\" / \"-\" / \".\") tlsrpt-ext-value  = 1*(%x21-3A / %x3C / %x3E-7E)";
    /// No whitespace between `v=TLSRPTv1` and the first `;`.
    TlsrptAmbiguousDelimiter = "tlsrpt-ambiguous-delimiter", Warning, Tlsrpt, TlsrptAmbiguousDelimiter, "RFC 8460 §3",
        "If multiple TXT records for \"_smtp._tls\" are returned by the resolver, records that do not begin with \"v=TLSRPTv1;\" are discarded.";
    /// No record beside the TLS-RPT record looks like a second one (bare `v=TLSRPTv1`, a case variant, …).
    TlsrptDiscarded = "tlsrpt-discarded", Warning, Tlsrpt, TlsrptDiscarded, "RFC 8460 §3",
        "If multiple TXT records for \"_smtp._tls\" are returned by the resolver, records that do not begin with \"v=TLSRPTv1;\" are discarded.";

    // ----- DNS -----
    /// The answers were not DNSSEC-validated by the resolver (AD flag clear).
    DnssecUnsigned = "dnssec-unsigned", Info, Dns, DnssecUnsigned, "RFC 8461 §10.2",
        "Since MTA-STS uses DNS TXT records for policy discovery, an attacker who is able to block DNS responses can suppress the discovery of an MTA-STS Policy, making the Policy Domain appear not to have an MTA- STS Policy.";
}

/// Which runs check a rule: not every rule can be checked from every shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckedBy {
    /// Every check, from any shell (the parsers and `evaluate`).
    Every,
    /// Checks whose shell sees the policy host's certificate and each address family (the CLI and the
    /// self-hosted server; the edge worker's fetch reports neither).
    CertificateShell,
    /// Pre-flight only: it compares a draft with the live state.
    Preflight,
    /// Checks of the MX hosts' TLSA records: wherever they were looked up (every shell does; Observations
    /// saved before the lookups existed hold none).
    TlsaLookup,
}

impl Code {
    /// Which runs check this rule.
    pub fn checked_by(self) -> CheckedBy {
        match self {
            Code::PolicyIdUnchanged => CheckedBy::Preflight,
            Code::PolicyCertExpiring | Code::PolicyHostUnreachable => CheckedBy::CertificateShell,
            Code::MxTlsa | Code::MxTlsaUnusable => CheckedBy::TlsaLookup,
            _ => CheckedBy::Every,
        }
    }
}

/// One row of the rule table, as `mta-sts codes --json` and `mta-sts explain` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub code: Code,
    pub title: &'static str,
    pub severity: Severity,
    /// Only for `mx-not-covered`: its severity under `testing` (RFC 8461 §5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_in_testing: Option<Severity>,
    pub category: Category,
    pub group: Code,
    /// Whether the code only names a group of rules and is never reported itself.
    pub is_group: bool,
    pub rfc: &'static str,
    pub rfc_text: &'static str,
    /// Which runs check the rule.
    pub checked_by: CheckedBy,
    /// The rule's message templates (one per case it reports), with their fixes.
    pub messages: Vec<&'static crate::message::Template>,
    /// What real senders do where they depart from the RFC on this rule, each with its source.
    pub senders: Vec<&'static crate::senders::Deviation>,
}

impl Code {
    /// This code's row of the rule table.
    pub fn rule(self) -> Rule {
        Rule {
            code: self,
            title: self.title(),
            severity: self.default_severity(),
            severity_in_testing: (self == Code::MxNotCovered).then_some(Severity::Warning),
            category: self.category(),
            group: self.group(),
            is_group: self.is_group(),
            rfc: self.rfc(),
            rfc_text: self.rfc_text(),
            checked_by: self.checked_by(),
            messages: crate::message::templates_of(self).collect(),
            senders: crate::senders::deviations(self.as_str()).collect(),
        }
    }

    /// The codes a group stands for (for a code that is not a group: none).
    pub fn members(self) -> impl Iterator<Item = Code> {
        Code::ALL.iter().copied().filter(move |c| *c != self && c.group() == self)
    }
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
    /// The catch-all code the rule refines, or the code itself (`Code::group`): filtering on
    /// `policy-invalid` keeps meaning "the policy file breaks the grammar".
    pub group: Code,
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
    /// The complete corrected artefacts the fix publishes, in the order to publish them (the policy file
    /// before the record whose new id announces it, RFC 8461 §8.1): each can be pasted as it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<Artifact>,
    /// The fix as byte edits of the input the span refers to (the record of `record_index`, the policy
    /// body): applied with [`apply_edits`], they remove this finding's problem and change nothing else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<Edit>,
    /// The lines the edits touch, before and after: what the shells show, without the input at hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<EditPreview>,
    /// How many more findings of this code the same input has that are not listed ([`fold_repeats`]): a
    /// record or policy can repeat one mistake thousands of times.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more: usize,
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// How many findings of one code about one input are listed; the last one listed counts the rest. A
/// hostile record of 64 KB repeats `;;` 32,000 times: a page or terminal listing each is slow to show and no
/// help, and the first few say what to fix.
pub const LISTED_PER_CODE: usize = 10;

/// Keeps, in order, the first [`LISTED_PER_CODE`] findings of each code about each input (the record of
/// `record_index`, or the one input without), and counts the others in [`Finding::more`] of the last one
/// kept.
pub fn fold_repeats(findings: &mut Vec<Finding>) {
    if findings.len() <= LISTED_PER_CODE {
        return;
    }
    // Per code and input: how many were kept, and where the last kept one is. Searched from the newest:
    // a reader reports one input after the other, so the key sought is almost always among the last.
    let mut listed: Vec<(Code, Option<usize>, usize, usize)> = Vec::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len().min(64));
    for finding in findings.drain(..) {
        let key = (finding.code, finding.record_index);
        match listed.iter().rposition(|&(code, record, ..)| (code, record) == key) {
            Some(i) if listed[i].2 >= LISTED_PER_CODE => kept[listed[i].3].more += 1 + finding.more,
            Some(i) => {
                listed[i].2 += 1;
                listed[i].3 = kept.len();
                kept.push(finding);
            }
            None => {
                listed.push((key.0, key.1, 1, kept.len()));
                kept.push(finding);
            }
        }
    }
    *findings = kept;
}

/// The part of the input a fix's edits change, as it is and as it becomes. Control characters and line
/// ends are shown as visible symbols (`␍`, `␊`, `␉`, `<BOM>`), so an invisible problem can be seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditPreview {
    /// The 1-based line of the input where the change starts.
    pub line: usize,
    pub before: String,
    pub after: String,
}

/// Bytes as a person can see them: lossy UTF-8, with controls, line ends and a BOM made visible.
pub fn visible(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{feff}' => out.push_str("<BOM>"),
            // The Control Pictures block: U+2400 + the C0 code, U+2421 for DEL.
            c @ '\0'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The preview of `edits` on `input`: the whole lines they touch, line ends included, before and after.
pub fn preview(input: &[u8], edits: &[Edit]) -> Option<EditPreview> {
    preview_in(input, edits, &mut (0, 1))
}

/// [`preview`]; `line` is a line's start offset and 1-based number, carried from one finding to the next of
/// the same input: counting lines from the top for every finding made an input with n findings cost n².
fn preview_in(input: &[u8], edits: &[Edit], line: &mut (usize, usize)) -> Option<EditPreview> {
    let start = edits.iter().map(|e| e.span.start).min()?.min(input.len());
    let end = edits.iter().map(|e| e.span.end).max()?.min(input.len()).max(start);
    let line_start = input[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    // The line of the last edit, through its LF (an edit that ends on a LF already took the line end).
    let line_end = if end > line_start && input[end - 1] == b'\n' {
        end
    } else {
        input[end..].iter().position(|&b| b == b'\n').map_or(input.len(), |i| end + i + 1)
    };
    let (from, number) = if line.0 <= line_start { *line } else { (0, 1) };
    *line = (line_start, number + input[from..line_start].iter().filter(|&&b| b == b'\n').count());
    Some(EditPreview {
        line: line.1,
        before: visible(&input[line_start..line_end]),
        after: visible(&apply_edits_within(input, line_start, line_end, edits)),
    })
}

/// Fills in the preview of every finding with edits; `input(record_index)` is the input its span refers to.
pub(crate) fn preview_edits<'a>(findings: &mut [Finding], input: impl Fn(Option<usize>) -> Option<&'a [u8]>) {
    // A preview is words too: a reread that only asks which rules break needs none.
    if !crate::message::words_wanted() {
        return;
    }
    let mut line = (None, (0, 1));
    for finding in findings.iter_mut().filter(|f| !f.edits.is_empty() && f.preview.is_none()) {
        let Some(bytes) = input(finding.record_index) else { continue };
        if line.0 != Some(finding.record_index) {
            line = (Some(finding.record_index), (0, 1));
        }
        finding.preview = preview_in(bytes, &finding.edits, &mut line.1);
    }
}

/// One edit of a fix: replace the bytes of `span` with `replacement` (empty: delete them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// The input with the edits applied. Edits are applied from the last to the first, so each span refers to
/// the original input; overlapping edits and spans outside the input are skipped.
pub fn apply_edits(input: &[u8], edits: &[Edit]) -> Vec<u8> {
    apply_edits_within(input, 0, input.len(), edits)
}

/// The bytes `lo..hi` of the input with the edits inside them applied (a preview edits only its lines).
fn apply_edits_within(input: &[u8], lo: usize, hi: usize, edits: &[Edit]) -> Vec<u8> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    // A fix has a handful of edits: an insertion sort (stable) costs the web pages less code than `sort_by_key`.
    let key = |e: &Edit| (e.span.start, e.span.end);
    for i in 1..sorted.len() {
        let mut j = i;
        while j > 0 && key(sorted[j - 1]) > key(sorted[j]) {
            sorted.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut out = Vec::with_capacity(hi - lo);
    let mut at = lo;
    for edit in sorted {
        let Span { start, end } = edit.span;
        if start < at || start > end || end > hi {
            continue;
        }
        out.extend_from_slice(&input[at..start]);
        out.extend_from_slice(edit.replacement.as_bytes());
        at = end;
    }
    out.extend_from_slice(&input[at..hi]);
    out
}

/// What an [`Artifact`] is: where it is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactKind {
    /// The body served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    PolicyFile,
    /// The TXT record at `_mta-sts.<domain>`.
    StsRecord,
    /// The TXT record at `_smtp._tls.<domain>`.
    TlsrptRecord,
}

/// One complete, corrected artefact: exactly what to publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    pub kind: ArtifactKind,
    pub text: String,
}

impl Finding {
    /// A finding with the code's default severity and RFC citation. Only the message tables call it
    /// ([`crate::message`]): the words of a finding come from there.
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            group: code.group(),
            severity: code.default_severity(),
            message: message.into(),
            span: None,
            record_index: None,
            rfc: code.rfc().to_owned(),
            fix: None,
            artifacts: Vec::new(),
            edits: Vec::new(),
            preview: None,
            more: 0,
        }
    }

    /// How many times the problem occurs: this finding and the repeats folded into it ([`Finding::more`]).
    pub fn occurrences(&self) -> usize {
        1 + self.more
    }

    /// What a shell shows under a finding that stands for repeats ([`Finding::more`]): `None` for one that
    /// stands for itself alone.
    pub fn more_sentence(&self) -> Option<String> {
        match self.more {
            0 => None,
            1 => Some(crate::message::evaluate::more_not_listed_one()),
            n => Some(crate::message::evaluate::more_not_listed(n)),
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

    /// The complete artefacts to publish, in publishing order.
    #[must_use]
    pub fn with_artifacts(mut self, artifacts: Vec<Artifact>) -> Finding {
        self.artifacts = artifacts;
        self
    }

    /// One edit of the fix: replace `span` of the input with `replacement`.
    #[must_use]
    pub fn with_edit(mut self, span: Span, replacement: impl Into<String>) -> Finding {
        self.edits.push(Edit { span, replacement: replacement.into() });
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
    /// The reading and its findings, repeats folded ([`fold_repeats`]).
    pub(crate) fn folded(value: Option<T>, mut findings: Vec<Finding>) -> Parsed<T> {
        fold_repeats(&mut findings);
        Parsed { value, findings }
    }

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

    /// Per code and record, in order: the first `LISTED_PER_CODE` stay, the last of them counts the rest
    /// (and what they had folded already), and a short list is left alone.
    #[test]
    fn repeats_fold_into_the_last_listed_per_code_and_record() {
        let finding = |code: Code, record: Option<usize>, more: usize| {
            let mut f = Finding::new(code, "");
            f.record_index = record;
            f.more = more;
            f
        };
        let mut few = vec![finding(Code::RecordFieldEmpty, None, 0); LISTED_PER_CODE];
        fold_repeats(&mut few);
        assert_eq!(few.len(), LISTED_PER_CODE);
        assert!(few.iter().all(|f| f.more == 0));

        let mut findings = Vec::new();
        for i in 0..25 {
            findings.push(finding(Code::RecordFieldEmpty, Some(0), 0));
            findings.push(finding(Code::RecordFieldEmpty, Some(1), usize::from(i == 24) * 5));
            if i % 5 == 0 {
                findings.push(finding(Code::RecordIdInvalid, Some(0), 0));
            }
        }
        fold_repeats(&mut findings);
        let listed = |code: Code, record: Option<usize>| -> Vec<usize> {
            findings.iter().filter(|f| f.code == code && f.record_index == record).map(|f| f.more).collect()
        };
        let mut folded = vec![0; LISTED_PER_CODE - 1];
        folded.push(25 - LISTED_PER_CODE);
        assert_eq!(listed(Code::RecordFieldEmpty, Some(0)), folded);
        *folded.last_mut().unwrap() += 5;
        assert_eq!(listed(Code::RecordFieldEmpty, Some(1)), folded);
        assert_eq!(listed(Code::RecordIdInvalid, Some(0)), vec![0; 5]);
        // In order: the first findings are the first three read.
        let first: Vec<(Code, Option<usize>)> = findings.iter().take(3).map(|f| (f.code, f.record_index)).collect();
        assert_eq!(
            first,
            [(Code::RecordFieldEmpty, Some(0)), (Code::RecordFieldEmpty, Some(1)), (Code::RecordIdInvalid, Some(0))]
        );
    }

    #[test]
    fn codes_round_trip_through_their_text() {
        for &code in Code::ALL {
            assert_eq!(Code::from_str_opt(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(!code.title().is_empty(), "{code} has no title");
        }
    }

    #[test]
    fn groups_are_catch_alls_of_their_own_category() {
        for &code in Code::ALL {
            let group = code.group();
            assert!(group == code || group.is_group(), "{code} refines {group}, which is not a group");
            assert_eq!(group.category(), code.category(), "{code} and its group {group}");
            if group.is_group() {
                assert_eq!(group.group(), group);
            }
        }
    }

    /// Every quoted sentence is the RFC's own text (whitespace and page breaks aside).
    #[test]
    fn rfc_sentences_are_quoted_verbatim() {
        fn normalise(text: &str) -> String {
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !(l.starts_with("RFC 846") || l.contains("Standards Track") || l.starts_with('\u{c}')))
                .collect();
            kept.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
        }
        let rfcs =
            [normalise(include_str!("../tests/rfc/rfc8461.txt")), normalise(include_str!("../tests/rfc/rfc8460.txt"))];
        let misquoted: Vec<String> = Code::ALL
            .iter()
            .map(|&code| (code, normalise(code.rfc_text())))
            .filter(|(_, sentence)| sentence.is_empty() || !rfcs.iter().any(|rfc| rfc.contains(sentence)))
            .map(|(code, sentence)| format!("{code}: {sentence}"))
            .collect();
        assert!(misquoted.is_empty(), "not in RFC 8461 or 8460:\n{}", misquoted.join("\n"));
    }

    #[test]
    fn edits_apply_from_the_original_input() {
        let edit = |start, end, text: &str| Edit { span: Span::new(start, end), replacement: text.to_owned() };
        let input = b"mode : enforce\r\r\n";
        let edits = [edit(15, 16, ""), edit(4, 5, ""), edit(0, 4, "mode")];
        assert_eq!(apply_edits(input, &edits), b"mode: enforce\r\n");
        // Overlapping and out-of-range edits are skipped, never a panic.
        assert_eq!(apply_edits(b"abc", &[edit(0, 2, "x"), edit(1, 3, "y"), edit(2, 9, "z")]), b"xc");
    }

    #[test]
    fn previews_show_whole_lines_with_invisible_bytes_made_visible() {
        let edit = |start, end, text: &str| Edit { span: Span::new(start, end), replacement: text.to_owned() };
        let body = b"version: STSv1\r\r\nmode : enforce\n\nmx: a\n";
        let p = preview(body, &[edit(15, 16, "")]).unwrap();
        assert_eq!((p.line, p.before.as_str(), p.after.as_str()), (1, "version: STSv1␍␍␊", "version: STSv1␍␊"));
        let p = preview(body, &[edit(21, 22, "")]).unwrap();
        assert_eq!((p.line, p.before.as_str(), p.after.as_str()), (2, "mode : enforce␊", "mode: enforce␊"));
        // Deleting a whole blank line: the edit ends on its LF.
        let p = preview(body, &[edit(32, 33, "")]).unwrap();
        assert_eq!((p.line, p.before.as_str(), p.after.as_str()), (3, "␊", ""));
        let p = preview("\u{feff}version: STSv1".as_bytes(), &[edit(0, 3, "")]).unwrap();
        assert_eq!((p.before.as_str(), p.after.as_str()), ("<BOM>version: STSv1", "version: STSv1"));
        assert_eq!(preview(b"x", &[]), None);
        // Spans past the end are clamped, never a panic.
        assert!(preview(b"ab", &[edit(5, 9, "z")]).is_some());
    }

    /// The line number carried from finding to finding is right in any order, and per input.
    #[test]
    fn previews_number_lines_in_any_order_and_per_input() {
        let body: &[u8] = b"a\nb\nc\nd\ne\n";
        let other: &[u8] = b"x\ny\n";
        let at = |index: Option<usize>, offset: usize| {
            let finding = Finding::new(Code::PolicyCrCrLf, "").with_edit(Span::new(offset, offset + 1), "z");
            Finding { record_index: index, ..finding }
        };
        let mut findings = vec![at(None, 6), at(None, 2), at(None, 8), at(Some(1), 2), at(None, 8)];
        preview_edits(&mut findings, |index| Some(if index == Some(1) { other } else { body }));
        let lines: Vec<usize> = findings.iter().map(|f| f.preview.as_ref().unwrap().line).collect();
        assert_eq!(lines, [4, 2, 5, 2, 5]);
        assert_eq!(findings[0].preview.as_ref().unwrap().after, "z␊");
    }

    #[test]
    fn catalogue_severities_match_the_design() {
        assert_eq!(Code::RecordMissing.default_severity(), Severity::Error);
        assert_eq!(Code::PolicyContentType.default_severity(), Severity::Warning);
        assert_eq!(Code::PolicyModeTesting.default_severity(), Severity::Info);
        assert_eq!(Code::TlsrptMissing.default_severity(), Severity::Warning);
    }
}
