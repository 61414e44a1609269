//! The sender model: for each modelled sender, how it applies a policy it has read (the mode, MX matching,
//! certificates, caching, the HTTP fetch, DNS failures, TLS reports, DANE), one fact per aspect, each known
//! with its source or marked unknown. How each sender *reads* the record and the policy is the row table
//! [`super::DEVIATIONS`]; this table is the rest.
//!
//! A fact is "known" only when the sender's code (a permalink with line anchor) or its vendor's
//! documentation says it; third-party observations stay out ("unknown"), whatever they claim.

use super::outcome::Outcome;

/// The id of the reference model: what RFC 8461 itself asks of a sender.
pub const RFC: &str = "rfc";

/// A sender whose outcome a report gives; what it is known to do is in [`FACTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// [`super::Sender::id`], or [`RFC`].
    pub id: &'static str,
    pub name: &'static str,
    /// How its MX host matching departs from RFC 8461 §4.1, if it does (its `mx-matching` fact says why).
    pub mx_matching: MxMatching,
    /// Whether an `mx` pattern written with a trailing dot still matches (its `mx-matching` fact says).
    pub dotted_pattern_matches: bool,
}

/// How `*.example.com` is matched against an MX host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MxMatching {
    /// RFC 8461 §4.1: the wildcard is exactly the left-most label.
    Rfc,
    /// MX hosts are not matched by name at all: the sender connects to every MX host and accepts a
    /// certificate that matches any `mx` pattern, a wildcard at any depth (Postfix's `match=.example.com`,
    /// before 3.10.5 or without the TLSRPT attributes). Whether an unlisted host is refused then depends
    /// on its certificate, which the checker does not see.
    CertificateOnly,
}

/// What a [`Fact`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// What it does in each mode.
    Mode,
    /// How MX hosts are matched against the `mx` patterns.
    MxMatching,
    /// Which name the MX host's certificate is checked against.
    Certificate,
    /// What happens to mail when MX hosts are refused in enforce mode.
    MxRefused,
    /// Caching, refetching on a new id, max_age, a failed refresh.
    Caching,
    /// The HTTPS fetch: redirects, Content-Type, size, timeout.
    Http,
    /// A failed `_mta-sts` lookup.
    DnsFailure,
    /// Which TLS-RPT `rua` URIs reports go to.
    Tlsrpt,
    /// How MTA-STS and DANE (RFC 7672) combine.
    Dane,
}

impl Aspect {
    pub const ALL: [Aspect; 9] = [
        Aspect::Mode,
        Aspect::MxMatching,
        Aspect::Certificate,
        Aspect::MxRefused,
        Aspect::Caching,
        Aspect::Http,
        Aspect::DnsFailure,
        Aspect::Tlsrpt,
        Aspect::Dane,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Mode => "mode",
            Aspect::MxMatching => "mx-matching",
            Aspect::Certificate => "certificate",
            Aspect::MxRefused => "mx-refused",
            Aspect::Caching => "caching",
            Aspect::Http => "http",
            Aspect::DnsFailure => "dns-failure",
            Aspect::Tlsrpt => "tlsrpt",
            Aspect::Dane => "dane",
        }
    }
}

/// What the model knows of one aspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Says {
    /// One plain sentence, and the code permalink or documentation it was read in.
    Known { detail: &'static str, source: &'static str },
    /// Not found in the sender's code or documentation.
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fact {
    /// The [`Model::id`].
    pub sender: &'static str,
    pub aspect: Aspect,
    pub says: Says,
    /// The outcomes whose explanation repeats this fact.
    pub shown_for: &'static [Outcome],
}

const fn known(
    sender: &'static str,
    aspect: Aspect,
    detail: &'static str,
    source: &'static str,
    shown_for: &'static [Outcome],
) -> Fact {
    Fact { sender, aspect, says: Says::Known { detail, source }, shown_for }
}

const fn unknown(sender: &'static str, aspect: Aspect) -> Fact {
    Fact { sender, aspect, says: Says::Unknown, shown_for: &[] }
}

/// A fact without its words: what the outcome engine reads, so that a build which shows outcomes without
/// their explanations (the pages, which load the words when shown) carries none of the sentences and links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    pub sender: &'static str,
    pub aspect: Aspect,
    pub known: bool,
    pub shown_for: &'static [Outcome],
}

// Built at compile time from the `const` table, as `super::SAID` is.
pub(crate) static SHOWN: [Shown; FACTS.len()] = {
    let mut out = [Shown { sender: "", aspect: Aspect::Mode, known: false, shown_for: &[] }; FACTS.len()];
    let mut i = 0;
    while i < FACTS.len() {
        let f = &FACTS[i];
        let known = matches!(f.says, Says::Known { .. });
        out[i] = Shown { sender: f.sender, aspect: f.aspect, known, shown_for: f.shown_for };
        i += 1;
    }
    out
};

use Aspect::{Caching, Certificate, Dane, DnsFailure, Http, Mode, MxMatching as Matching, MxRefused, Tlsrpt};
use Outcome::{Enforce, MailFails, Testing};

const NOWHERE: &[Outcome] = &[];
const ENFORCING: &[Outcome] = &[Enforce, MailFails];

macro_rules! rfc8461 {
    ($section:literal) => {
        concat!("https://www.rfc-editor.org/rfc/rfc8461#section-", $section)
    };
}

macro_rules! mox {
    ($path:literal) => {
        concat!("https://github.com/mjl-/mox/blob/1c9587665b321199312e11b6a47a0480a9e2750f/", $path)
    };
}
macro_rules! chasquid {
    ($path:literal) => {
        concat!("https://github.com/albertito/chasquid/blob/ca2538b9745a448170dbd078c65b97c8821c33f9/", $path)
    };
}
macro_rules! maddy {
    ($path:literal) => {
        concat!("https://github.com/foxcpp/maddy/blob/837b1b8a7761eaaa9ae2b3ff8c9b3a4495e9821e/", $path)
    };
}
macro_rules! gomtasts {
    ($path:literal) => {
        concat!("https://github.com/foxcpp/go-mtasts/blob/1438da2e5932e01df35c6a8d1230c396a991049d/", $path)
    };
}
macro_rules! kumo {
    ($path:literal) => {
        concat!("https://github.com/KumoCorp/kumomta/blob/3ebc1e8585e0e989cfcf50a93c94a803610249e8/crates/", $path)
    };
}
macro_rules! snawoot {
    ($path:literal) => {
        concat!(
            "https://github.com/Snawoot/postfix-mta-sts-resolver/blob/a000619e838fbf80406774e90ef5b993fb65f6b4/",
            $path
        )
    };
}
macro_rules! tlspol {
    ($path:literal) => {
        concat!("https://github.com/Zuplu/postfix-tlspol/blob/ffe1e2d1e86214e91ce37dcb48ad9819fd8b9159/", $path)
    };
}
macro_rules! postfix {
    ($path:literal) => {
        concat!("https://github.com/vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/", $path)
    };
}
macro_rules! stalwart {
    ($path:literal) => {
        concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/", $path)
    };
}

const EXCHANGE_MTA_STS: &str = "https://learn.microsoft.com/en-us/purview/enhancing-mail-flow-with-mta-sts";
/// Exchange Online's table of NDR codes, at the commit read.
const EXCHANGE_NDR: &str = "https://github.com/MicrosoftDocs/SupportArticles-docs/blob/346b095018d41d952848fcd5186af378b24557e6/Exchange/ExchangeOnline/email-delivery/ndr/non-delivery-reports-in-exchange-online.md";
const GMAIL_HELP: &str = "https://support.google.com/a/answer/9261504";

/// The modelled senders, the reference first.
pub const MODELS: &[Model] = &[
    Model { id: RFC, name: "RFC 8461", mx_matching: MxMatching::Rfc, dotted_pattern_matches: false },
    Model { id: "gmail", name: "Gmail", mx_matching: MxMatching::Rfc, dotted_pattern_matches: false },
    Model {
        id: "exchange-online",
        name: "Exchange Online",
        mx_matching: MxMatching::Rfc,
        dotted_pattern_matches: false,
    },
    Model {
        id: "postfix-mta-sts-resolver",
        name: "Postfix with postfix-mta-sts-resolver",
        mx_matching: MxMatching::CertificateOnly,
        dotted_pattern_matches: false,
    },
    Model {
        id: "postfix-tlspol",
        name: "Postfix with postfix-tlspol",
        mx_matching: MxMatching::CertificateOnly,
        dotted_pattern_matches: false,
    },
    Model { id: "mox", name: "mox", mx_matching: MxMatching::Rfc, dotted_pattern_matches: false },
    Model { id: "maddy", name: "maddy (go-mtasts)", mx_matching: MxMatching::Rfc, dotted_pattern_matches: true },
    Model { id: "chasquid", name: "chasquid", mx_matching: MxMatching::Rfc, dotted_pattern_matches: true },
    Model { id: "stalwart", name: "Stalwart", mx_matching: MxMatching::Rfc, dotted_pattern_matches: false },
    Model { id: "kumomta", name: "KumoMTA", mx_matching: MxMatching::Rfc, dotted_pattern_matches: false },
];

/// What each model knows, sender by sender in the order of [`MODELS`], one fact per aspect in the order
/// of [`Aspect::ALL`].
pub const FACTS: &[Fact] = &[
    // ----- RFC 8461 -----
    known(
        RFC,
        Mode,
        "In enforce mode a compliant sender does not deliver to an MX host that fails MX matching or certificate validation or does not offer STARTTLS; in testing mode it delivers anyway and reports failures; none means no active policy.",
        rfc8461!("5"),
        NOWHERE,
    ),
    known(
        RFC,
        Matching,
        "An mx pattern `*.example.com` matches exactly one left-most label: `mail.example.com`, not `example.com` or `a.b.example.com`.",
        rfc8461!("4.1"),
        NOWHERE,
    ),
    known(
        RFC,
        Certificate,
        "The MX host must offer STARTTLS and a PKIX-valid certificate for the MX host name.",
        rfc8461!("4.2"),
        NOWHERE,
    ),
    known(
        RFC,
        MxRefused,
        "A message that cannot be delivered because of an enforce policy is treated as a transient failure and retried, and is not bounced before the sender has checked DNS for an updated policy.",
        rfc8461!("5"),
        &[MailFails],
    ),
    known(
        RFC,
        Caching,
        "A policy is cached for max_age seconds, refetched when the TXT record's id changes, and kept when a refresh fails.",
        rfc8461!("3.3"),
        NOWHERE,
    ),
    known(
        RFC,
        Http,
        "Only a 200 response counts; redirects are not followed and HTTP caching is not used; a one-minute timeout and a 64 KB limit are suggested.",
        rfc8461!("3.3"),
        NOWHERE,
    ),
    known(
        RFC,
        DnsFailure,
        "A sender that cannot look up the record keeps using a policy it cached; without one it delivers as though the domain had no MTA-STS.",
        rfc8461!("3.3"),
        NOWHERE,
    ),
    known(
        RFC,
        Tlsrpt,
        "A reporter may send to every rua URI or only one of them (RFC 8460 §3).",
        "https://www.rfc-editor.org/rfc/rfc8460#section-3",
        NOWHERE,
    ),
    known(RFC, Dane, "MTA-STS must not override a failing DANE validation.", rfc8461!("2"), NOWHERE),
    // ----- Gmail -----
    known(
        "gmail",
        Mode,
        "Gmail complies with MTA-STS when it sends to a domain whose policy is in enforce mode.",
        GMAIL_HELP,
        NOWHERE,
    ),
    unknown("gmail", Matching),
    unknown("gmail", Certificate),
    unknown("gmail", MxRefused),
    unknown("gmail", Caching),
    unknown("gmail", Http),
    unknown("gmail", DnsFailure),
    unknown("gmail", Tlsrpt),
    unknown("gmail", Dane),
    // ----- Exchange Online -----
    known(
        "exchange-online",
        Mode,
        "Exchange Online validates MTA-STS on all outbound mail (\"always on\"); an outbound connector can switch it off.",
        EXCHANGE_MTA_STS,
        NOWHERE,
    ),
    unknown("exchange-online", Matching),
    unknown("exchange-online", Certificate),
    known(
        "exchange-online",
        MxRefused,
        "Mail an enforce policy refuses can come back with a non-delivery report: 4.4.8/5.4.8 when the MX host is not one the policy lists, 4.7.5/5.7.5 when its certificate fails validation.",
        EXCHANGE_NDR,
        &[MailFails],
    ),
    unknown("exchange-online", Caching),
    unknown("exchange-online", Http),
    unknown("exchange-online", DnsFailure),
    unknown("exchange-online", Tlsrpt),
    unknown("exchange-online", Dane),
    // ----- Postfix with postfix-mta-sts-resolver -----
    known(
        "postfix-mta-sts-resolver",
        Mode,
        "Enforce is handed to Postfix as `secure match=<the mx patterns>`; testing and none are answered NOTFOUND, so Postfix uses its own TLS settings and nothing is reported.",
        snawoot!("postfix_mta_sts_resolver/responder.py#L219-L239"),
        &[Testing],
    ),
    known(
        "postfix-mta-sts-resolver",
        Matching,
        "MX hosts are not matched by name: Postfix connects to every MX host and accepts a certificate that matches any pattern, `*.example.com` as `.example.com` at any depth (Postfix before 3.10.5, or the resolver without its non-default `tlsrpt` option).",
        postfix!("proto/postconf.proto#L11963-L11982"),
        &[Enforce],
    ),
    known(
        "postfix-mta-sts-resolver",
        Certificate,
        "The certificate must chain to a trusted root and name any of the policy's patterns, whichever MX host presents it.",
        postfix!("proto/postconf.proto#L19891-L19906"),
        NOWHERE,
    ),
    known(
        "postfix-mta-sts-resolver",
        MxRefused,
        "A host whose certificate matches no pattern fails verification and the next MX host is tried; when none verifies the mail is deferred.",
        postfix!("RELEASE_NOTES-3.11#L163-L179"),
        NOWHERE,
    ),
    known(
        "postfix-mta-sts-resolver",
        Caching,
        "Policies are cached; after 60 seconds the TXT record is read again, an unchanged id restarts the max_age clock and a new id refetches the policy, and a failed fetch keeps the cached policy until it expires.",
        snawoot!("postfix_mta_sts_resolver/responder.py#L193-L217"),
        NOWHERE,
    ),
    known(
        "postfix-mta-sts-resolver",
        Http,
        "Redirects are not followed, only 200 counts, the Content-Type must be text/plain, more than 64 KiB is rejected, the body is decoded with the response's charset or else as ASCII, and the timeout is 4 seconds.",
        snawoot!("postfix_mta_sts_resolver/resolver.py#L110-L149"),
        NOWHERE,
    ),
    known(
        "postfix-mta-sts-resolver",
        DnsFailure,
        "NXDOMAIN and SERVFAIL alike keep an unexpired cached policy, or else answer NOTFOUND: delivery without MTA-STS, never a deferral.",
        snawoot!("postfix_mta_sts_resolver/responder.py#L209-L215"),
        NOWHERE,
    ),
    known(
        "postfix-mta-sts-resolver",
        Tlsrpt,
        "The resolver sends no reports; Postfix 3.10 and later report to the TLS-RPT record's rua only when built with TLSRPT support and `smtp_tlsrpt_enable = yes`.",
        postfix!("README_FILES/TLSRPT_README#L257-L277"),
        NOWHERE,
    ),
    known(
        "postfix-mta-sts-resolver",
        Dane,
        "Its `secure` answer overrides Postfix's own DANE for the domain, which its README says goes against RFC 8461.",
        snawoot!("README.md#L182-L207"),
        NOWHERE,
    ),
    // ----- Postfix with postfix-tlspol -----
    known(
        "postfix-tlspol",
        Mode,
        "Enforce is handed to Postfix as `secure match=<the mx patterns>`; testing and none are answered NOTFOUND, so Postfix uses its own TLS settings and nothing is reported.",
        tlspol!("internal/mta-sts.go#L343-L353"),
        &[Testing],
    ),
    known(
        "postfix-tlspol",
        Matching,
        "MX hosts are not matched by name with the default `QUERY`: Postfix connects to every MX host and accepts a certificate that matches any pattern, `*.example.com` at any depth; with `QUERYwithTLSRPT` on Postfix 3.10.5 or later unlisted hosts are skipped.",
        tlspol!("internal/mta-sts.go#L274-L289"),
        &[Enforce],
    ),
    known(
        "postfix-tlspol",
        Certificate,
        "The certificate must chain to a trusted root and name any of the policy's patterns, or with `QUERYwithTLSRPT` on Postfix 3.10.5 or later, the MX host.",
        postfix!("proto/postconf.proto#L19891-L19906"),
        NOWHERE,
    ),
    known(
        "postfix-tlspol",
        MxRefused,
        "A host whose certificate matches no pattern fails verification and the next MX host is tried; when none verifies, or every host is skipped, the mail is deferred.",
        postfix!("src/smtp/smtp_tls_policy.c#L170-L204"),
        NOWHERE,
    ),
    known(
        "postfix-tlspol",
        Caching,
        "A policy is cached until max_age (at most 30 days) runs out; the TXT id is not stored, so a new id is not noticed before then.",
        tlspol!("internal/server.go#L971-L1002"),
        NOWHERE,
    ),
    known(
        "postfix-tlspol",
        Http,
        "Redirects are not followed, only 200 counts, the media type must be text/plain, the limit is 64 KiB, and each request times out after 2 seconds, tried up to 3 times.",
        tlspol!("internal/mta-sts.go#L148-L166"),
        NOWHERE,
    ),
    known(
        "postfix-tlspol",
        DnsFailure,
        "NXDOMAIN means no record; a SERVFAIL or timeout without a cached policy also ends as NOTFOUND, delivery without MTA-STS.",
        tlspol!("internal/mta-sts.go#L43-L76"),
        NOWHERE,
    ),
    known(
        "postfix-tlspol",
        Tlsrpt,
        "The resolver sends no reports; Postfix 3.10 and later report to the TLS-RPT record's rua only when built with TLSRPT support and `smtp_tlsrpt_enable = yes`.",
        postfix!("README_FILES/TLSRPT_README#L257-L277"),
        NOWHERE,
    ),
    known(
        "postfix-tlspol",
        Dane,
        "DANE is preferred: when the MX hosts have usable TLSA records the answer is `dane` or `dane-only` and the MTA-STS policy is not used.",
        tlspol!("internal/server.go#L1004-L1018"),
        ENFORCING,
    ),
    // ----- mox -----
    known(
        "mox",
        Mode,
        "In enforce mode mox delivers only to listed MX hosts, over STARTTLS with a verified certificate and never in plain text; in testing mode it delivers anyway and records failures for TLS reports.",
        mox!("queue/direct.go#L199-L241"),
        NOWHERE,
    ),
    known(
        "mox",
        Matching,
        "`*.example.com` matches exactly one left-most label; names compare case-insensitively and the MX host's trailing dot is removed.",
        mox!("mtasts/mtasts.go#L129-L143"),
        NOWHERE,
    ),
    known(
        "mox",
        Certificate,
        "The certificate is verified against the MX host name; a failure is temporary and the next MX host is tried.",
        mox!("smtpclient/client.go#L408-L447"),
        NOWHERE,
    ),
    known(
        "mox",
        MxRefused,
        "An MX host the policy does not list is skipped; when all are, the message stays queued and bounces only after the last retry (8 attempts by default).",
        mox!("queue/direct.go#L201-L224"),
        &[MailFails],
    ),
    known(
        "mox",
        Caching,
        "Policies are cached for max_age; each delivery looks up the TXT record again and refetches the policy when the id changed, keeping the cached one when that fails.",
        mox!("mtastsdb/db.go#L274-L328"),
        NOWHERE,
    ),
    known(
        "mox",
        Http,
        "Redirects are refused, Content-Type is not checked, a body over 64 KiB is an error, and the fetch times out after a minute.",
        mox!("mtasts/mtasts.go#L280-L314"),
        NOWHERE,
    ),
    known(
        "mox",
        DnsFailure,
        "NXDOMAIN means no MTA-STS; a SERVFAIL or timeout defers delivery unless a policy is cached, which is then used.",
        mox!("mtastsdb/db.go#L212-L241"),
        NOWHERE,
    ),
    known(
        "mox",
        Tlsrpt,
        "Daily reports go to every mailto: rua, one message each, by default only after a failure; https: rua URIs are skipped.",
        mox!("tlsrptsend/send.go#L344-L383"),
        NOWHERE,
    ),
    known(
        "mox",
        Dane,
        "With DNSSEC-signed TLSA records DANE is verified too; under an enforce policy both DANE and the PKIX check must pass.",
        mox!("smtpclient/client.go#L376-L434"),
        NOWHERE,
    ),
    // ----- maddy (go-mtasts) -----
    known(
        "maddy",
        Mode,
        "With `mx_auth { mtasts }` configured (the shipped maddy.conf does), enforce refuses unlisted MX hosts and connections without verified TLS; in testing mode mismatches are only logged and delivery goes ahead with its usual TLS fall-backs.",
        maddy!("internal/target/remote/security.go#L177-L209"),
        &[Testing],
    ),
    known(
        "maddy",
        Matching,
        "`*.example.com` matches exactly one left-most label; names are compared without case and without a trailing dot.",
        gomtasts!("mtasts.go#L143-L175"),
        NOWHERE,
    ),
    known(
        "maddy",
        Certificate,
        "Under enforce the certificate must verify for the MX host name; a failure is a temporary 451 and the next MX host is tried.",
        maddy!("internal/target/remote/security.go#L207-L229"),
        NOWHERE,
    ),
    known(
        "maddy",
        MxRefused,
        "An unlisted MX host is a permanent 550 error; when no MX host is usable the last one's error decides, so mail to a domain whose last MX host is unlisted bounces at once.",
        maddy!("internal/target/remote/security.go#L185-L192"),
        &[MailFails],
    ),
    known(
        "maddy",
        Caching,
        "Policies are cached on disk until max_age runs out, refetched when the TXT id changes, kept when a refresh fails, and refreshed every 12 hours.",
        gomtasts!("cache.go#L128-L200"),
        NOWHERE,
    ),
    known(
        "maddy",
        Http,
        "Redirects are refused, only 200 counts, the media type must be text/plain, there is no size limit, and the fetch times out after a minute.",
        gomtasts!("cache.go#L13-L49"),
        NOWHERE,
    ),
    known(
        "maddy",
        DnsFailure,
        "Any TXT lookup error, NXDOMAIN or SERVFAIL alike, means no policy unless a valid one is cached.",
        gomtasts!("cache.go#L139-L151"),
        NOWHERE,
    ),
    known(
        "maddy",
        Tlsrpt,
        "maddy sends no TLS reports; its documentation only shows how to publish a TLS-RPT record.",
        maddy!("docs/tutorials/setting-up.md#L182-L185"),
        NOWHERE,
    ),
    known(
        "maddy",
        Dane,
        "MTA-STS and DANE are both checked and both must pass: an enforce policy still requires a PKIX-verified certificate where DANE would accept the server.",
        maddy!("internal/target/remote/policy_group.go#L71-L87"),
        NOWHERE,
    ),
    // ----- chasquid -----
    known(
        "chasquid",
        Mode,
        "Only enforce changes anything: the MX host must be listed and the connection verified TLS; in testing mode it delivers as without a policy, with opportunistic TLS, and reports nothing.",
        chasquid!("internal/courier/smtp.go#L225-L235"),
        &[Testing],
    ),
    known(
        "chasquid",
        Matching,
        "`*.example.com` matches exactly one left-most label; both names are lower-cased, converted to A-labels and stripped of a trailing dot.",
        chasquid!("internal/sts/sts.go#L276-L312"),
        NOWHERE,
    ),
    known(
        "chasquid",
        Certificate,
        "The certificate is verified against the MX host name; a failure, or a fall-back to plain text, is a temporary error and the next MX host is tried.",
        chasquid!("internal/courier/smtp.go#L264-L288"),
        NOWHERE,
    ),
    known(
        "chasquid",
        MxRefused,
        "An MX host the policy does not list is skipped; when all are, the message is retried and bounces after 20 hours by default.",
        chasquid!("internal/courier/smtp.go#L87-L105"),
        &[MailFails],
    ),
    known(
        "chasquid",
        Caching,
        "A policy is kept on disk until max_age runs out without looking at the TXT record's id, so a new id is not noticed before then; cached domains are refetched every 10 minutes.",
        chasquid!("internal/sts/sts.go#L319-L335"),
        NOWHERE,
    ),
    known(
        "chasquid",
        Http,
        "Redirects are refused, only 200 counts, the Content-Type must be text/plain, the body is cut at 10 KiB without an error, and the fetch times out after a minute.",
        chasquid!("internal/sts/sts.go#L234-L274"),
        NOWHERE,
    ),
    known(
        "chasquid",
        DnsFailure,
        "Every TXT lookup error, NXDOMAIN or SERVFAIL alike, means no policy unless an unexpired one is cached.",
        chasquid!("internal/sts/sts.go#L319-L335"),
        NOWHERE,
    ),
    known(
        "chasquid",
        Tlsrpt,
        "chasquid sends no TLS reports; failures only count in its internal statistics.",
        chasquid!("internal/courier/smtp.go#L225-L235"),
        NOWHERE,
    ),
    known(
        "chasquid",
        Dane,
        "chasquid has no DANE support: MTA-STS is the only policy it applies.",
        chasquid!("internal/courier/smtp.go#L177-L235"),
        NOWHERE,
    ),
    // ----- Stalwart -----
    known(
        "stalwart",
        Mode,
        "In enforce mode an MX host the policy does not list is refused and TLS with a WebPKI-verified certificate is required; in testing mode failures are reported and delivery goes ahead.",
        stalwart!("smtp/src/outbound/delivery.rs#L601-L660"),
        NOWHERE,
    ),
    known(
        "stalwart",
        Matching,
        "`*.example.com` matches exactly one left-most label; the MX host is lower-cased without its trailing dot, but a policy pattern ending in a dot never matches.",
        stalwart!("smtp/src/outbound/mta_sts/verify.rs#L15-L38"),
        NOWHERE,
    ),
    known(
        "stalwart",
        Certificate,
        "Under enforce the certificate is verified against the MX host name; a failure is temporary and the next MX host is tried.",
        stalwart!("smtp/src/outbound/delivery.rs#L1108-L1123"),
        NOWHERE,
    ),
    known(
        "stalwart",
        MxRefused,
        "An MX host the policy does not list fails permanently; when every host is refused the message bounces at once instead of being retried.",
        stalwart!("smtp/src/outbound/delivery.rs#L601-L645"),
        &[MailFails],
    ),
    known(
        "stalwart",
        Caching,
        "Policies are kept in memory and refetched when the TXT id changes; max_age counts only between 3600 seconds and a year (86400 otherwise); a failed refetch after an id change does not fall back to the cached policy.",
        stalwart!("smtp/src/outbound/mta_sts/lookup.rs#L38-L101"),
        NOWHERE,
    ),
    known(
        "stalwart",
        Http,
        "Redirects are off, neither the status nor the Content-Type is checked, bodies of up to 1 MiB are read, and the timeout is 5 minutes by default.",
        stalwart!("smtp/src/outbound/mta_sts/lookup.rs#L69-L80"),
        NOWHERE,
    ),
    known(
        "stalwart",
        DnsFailure,
        "By default any TXT lookup error, NXDOMAIN or SERVFAIL alike, means delivery without MTA-STS unless a policy is cached.",
        stalwart!("smtp/src/outbound/mta_sts/lookup.rs#L51-L58"),
        NOWHERE,
    ),
    known(
        "stalwart",
        Tlsrpt,
        "Daily reports go to the https: rua URIs in turn until one accepts, and only when none does, in one message to the mailto: URIs.",
        stalwart!("smtp/src/reporting/tls.rs#L129-L223"),
        NOWHERE,
    ),
    known(
        "stalwart",
        Dane,
        "With DNSSEC-signed TLSA records the certificate is checked against them instead of WebPKI, even under enforce; the MTA-STS MX host check still applies.",
        stalwart!("smtp/src/outbound/delivery.rs#L705-L716"),
        NOWHERE,
    ),
    // ----- KumoMTA -----
    known(
        "kumomta",
        Mode,
        "Enforce makes TLS with a verified certificate required; testing makes TLS opportunistic without a certificate check and falls back to plain text, even where stricter TLS is configured.",
        kumo!("kumod/src/smtp_dispatcher.rs#L788-L808"),
        &[Testing],
    ),
    known(
        "kumomta",
        Matching,
        "`*.example.com` matches exactly one left-most label; the MX host is lower-cased without its trailing dot, but a policy pattern ending in a dot never matches.",
        kumo!("mta-sts/src/policy.rs#L98-L113"),
        NOWHERE,
    ),
    known(
        "kumomta",
        Certificate,
        "Under enforce the certificate is verified against the MX host name; a failure moves on to the next address, and when all fail the mail is retried later.",
        kumo!("kumod/src/smtp_dispatcher.rs#L921-L969"),
        NOWHERE,
    ),
    known(
        "kumomta",
        MxRefused,
        "Unlisted MX hosts are dropped when the MX records are resolved; when none is left the mail is deferred with 451 4.4.4 and retried until it expires.",
        kumo!("mailexchanger/src/lib.rs#L317-L399"),
        &[MailFails],
    ),
    known(
        "kumomta",
        Caching,
        "Policies are cached in memory for max_age and lost on restart; a new TXT id triggers a refetch, and when that fails the domain is treated as having no policy.",
        kumo!("mta-sts/src/lib.rs#L118-L156"),
        NOWHERE,
    ),
    known(
        "kumomta",
        Http,
        "Redirects are off, only 200 counts, the Content-Type must be exactly text/plain (case-sensitive), there is no size limit, and the fetch times out after 20 seconds.",
        kumo!("mta-sts/src/lib.rs#L26-L73"),
        NOWHERE,
    ),
    known(
        "kumomta",
        DnsFailure,
        "Any TXT lookup error, NXDOMAIN or SERVFAIL alike, keeps a cached policy, or else means no policy.",
        kumo!("mta-sts/src/dns.rs#L12-L46"),
        NOWHERE,
    ),
    known(
        "kumomta",
        Tlsrpt,
        "KumoMTA sends no TLS reports.",
        "https://github.com/KumoCorp/kumomta/blob/3ebc1e8585e0e989cfcf50a93c94a803610249e8/docs/changelog/2023.11.28-b5252a41.md#L16-L27",
        NOWHERE,
    ),
    known(
        "kumomta",
        Dane,
        "With `enable_dane` on (off by default) and DNSSEC-validated MX, address and usable TLSA records, DANE replaces the MTA-STS certificate check; unlisted MX hosts are still dropped.",
        kumo!("kumod/src/smtp_dispatcher.rs#L659-L808"),
        ENFORCING,
    ),
];

/// How the senders stand on a rule no row of [`super::DEVIATIONS`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Common {
    /// Every sender reaches the RFC's outcome on it, for the reason given.
    Alike(&'static str),
    /// No sender's code was read for it: an outcome that meets it says it is not known.
    Unread,
}

const NOTHING_TO_READ: Common =
    Common::Alike("There is nothing for any sender to read: no record, no address or no response.");
const LOOKUP: Common =
    Common::Alike("A failed lookup gives no outcome at all, or concerns a lookup each sender makes itself.");
const ADVICE: Common =
    Common::Alike("It is advice about the future or about security, and changes no sender's outcome today.");
const REPORTING: Common = Common::Alike("It concerns TLS reporting only, never the mode a sender applies.");
const DNS: Common = Common::Alike("The sender's DNS resolver handles it before the sender sees the answer.");

/// Rules whose reading is one aspect of each sender: the model's fact on it says how the sender reads a
/// finding of the rule, or that this is not known. (A row may still change the outcome for one sender.)
pub const BY_ASPECT: &[(&str, Aspect)] = &[("mx-tlsa", Aspect::Dane), ("mx-tlsa-unusable", Aspect::Dane)];

/// Rules no row is about: read alike by every sender, with the reason, or not read in any sender's code.
pub const COMMON: &[(&str, Common)] = &[
    ("record-missing", NOTHING_TO_READ),
    ("record-lookup-failed", LOOKUP),
    ("record-cname", DNS),
    ("record-not-ascii", Common::Unread),
    ("record-version-missing", Common::Unread),
    ("record-version-invalid", Common::Unread),
    ("record-delimiter-missing", Common::Unread),
    ("record-field-empty", Common::Unread),
    ("record-field-invalid", Common::Unread),
    ("record-field-whitespace", Common::Unread),
    ("record-trailing-whitespace", Common::Unread),
    ("record-extension-invalid", Common::Unread),
    ("record-discarded", Common::Unread),
    ("policy-fetch-failed", NOTHING_TO_READ),
    ("policy-tls-invalid", Common::Unread),
    ("policy-redirect", Common::Unread),
    ("policy-cert-expiring", ADVICE),
    ("policy-cache-control", ADVICE),
    ("policy-host-no-address", NOTHING_TO_READ),
    ("policy-host-not-public", NOTHING_TO_READ),
    ("policy-host-unreachable", Common::Unread),
    ("policy-mode-testing", ADVICE),
    ("policy-mx-broad-wildcard", ADVICE),
    ("policy-mx-unused", ADVICE),
    ("policy-id-unchanged", ADVICE),
    ("policy-control-character", Common::Unread),
    ("policy-extension-value-invalid", Common::Unread),
    ("policy-empty", NOTHING_TO_READ),
    ("policy-mx-missing", Common::Unread),
    ("mx-lookup-failed", LOOKUP),
    ("mx-null", ADVICE),
    ("tlsrpt-missing", REPORTING),
    ("tlsrpt-lookup-failed", REPORTING),
    ("tlsrpt-not-ascii", REPORTING),
    ("tlsrpt-version-missing", REPORTING),
    ("tlsrpt-version-invalid", REPORTING),
    ("tlsrpt-version-not-first", REPORTING),
    ("tlsrpt-delimiter-missing", REPORTING),
    ("tlsrpt-field-empty", REPORTING),
    ("tlsrpt-field-invalid", REPORTING),
    ("tlsrpt-field-whitespace", REPORTING),
    ("tlsrpt-trailing-whitespace", REPORTING),
    ("tlsrpt-rua-missing", REPORTING),
    ("tlsrpt-rua-invalid", REPORTING),
    ("tlsrpt-rua-unusable", REPORTING),
    ("tlsrpt-extension-invalid", REPORTING),
    ("tlsrpt-discarded", REPORTING),
    ("dnssec-unsigned", ADVICE),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_model_has_one_fact_per_aspect_and_each_known_one_a_source() {
        let mut ids = HashSet::new();
        for model in MODELS {
            assert!(ids.insert(model.id), "duplicate model {}", model.id);
            assert!(model.id == RFC || super::super::sender(model.id).is_some(), "{} is not a sender", model.id);
            let facts: Vec<&Fact> = FACTS.iter().filter(|f| f.sender == model.id).collect();
            let aspects: Vec<Aspect> = facts.iter().map(|f| f.aspect).collect();
            assert_eq!(aspects, Aspect::ALL, "{}: one fact per aspect, in order", model.id);
            let mut sourced = 0;
            for fact in facts {
                if let Says::Known { detail, source } = fact.says {
                    assert!(detail.ends_with('.'), "{} / {}: not a sentence", model.id, fact.aspect.as_str());
                    assert!(source.starts_with("https://"), "{} / {}: {source}", model.id, fact.aspect.as_str());
                    sourced += 1;
                } else {
                    assert!(fact.shown_for.is_empty(), "{}: an unknown fact is never shown", model.id);
                }
            }
            assert!(sourced > 0, "{} has no sourced fact", model.id);
        }
        assert!(FACTS.iter().all(|f| MODELS.iter().any(|m| m.id == f.sender)), "a fact of no model");
        assert_eq!(FACTS.len(), MODELS.len() * Aspect::ALL.len());
    }

    #[test]
    fn shown_is_the_table_without_words() {
        for (shown, fact) in SHOWN.iter().zip(FACTS) {
            let known = matches!(fact.says, Says::Known { .. });
            assert_eq!(*shown, Shown { sender: fact.sender, aspect: fact.aspect, known, shown_for: fact.shown_for });
        }
    }

    /// A rule is either read alike by every sender (and says why), or some sender's row is about it.
    #[test]
    fn every_rule_is_common_or_has_rows() {
        for code in crate::Code::ALL.iter().filter(|c| !c.is_group()) {
            let common = COMMON.iter().any(|(c, _)| *c == code.as_str());
            let rows = super::super::DEVIATIONS.iter().any(|d| d.code == code.as_str());
            assert!(common ^ rows, "{code}: common {common}, rows {rows}");
        }
        for (code, _) in BY_ASPECT {
            assert!(crate::Code::from_str_opt(code).is_some(), "{code} is not a rule");
        }
        for (code, common) in COMMON {
            assert!(crate::Code::from_str_opt(code).is_some(), "{code} is not a rule");
            if let Common::Alike(why) = common {
                assert!(why.ends_with('.'), "{code}: the reason is not a sentence");
            }
        }
    }
}
