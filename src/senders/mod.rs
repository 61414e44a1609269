//! What real senders do where they deviate from the RFC, one row per (rule, sender), each with its source.
//!
//! Every row was checked by reading the sender's public code at the commit named in its permalink
//! (`https://github.com/OWNER/REPO/blob/COMMIT/path#Lline`); nothing here is inferred from another
//! tool's summary. A behaviour that could not be verified in code or vendor documentation is left out,
//! so a missing row means "not known", not "follows the RFC".
//!
//! Senders read, and the commit of each:
//! * mox: mjl-/mox @1c95876 (`mtasts/`, `tlsrpt/`, `tlsrptsend/`);
//! * maddy: foxcpp/go-mtasts @1438da2, the version pinned in foxcpp/maddy's `go.mod` @837b1b8;
//! * chasquid: albertito/chasquid @ca2538b (`internal/sts/sts.go`);
//! * postfix-mta-sts-resolver: Snawoot/postfix-mta-sts-resolver @a000619;
//! * postfix-tlspol: Zuplu/postfix-tlspol @ffe1e2d (`internal/mta-sts.go`, `internal/utils/valid`);
//! * stalwart: stalwartlabs/stalwart @d72608f (policy fetch and parse) and stalwartlabs/mail-auth
//!   @0e93300 (v0.11.2: the TXT record parsers; the server depends on mail-auth 0.12, whose source was not
//!   available, so those rows describe 0.11.2);
//! * kumomta: KumoCorp/kumomta @3ebc1e8 (`crates/mta-sts`); its policy body is decoded by reqwest's
//!   `Response::text`, which sniffs a BOM and replaces malformed UTF-8;
//! * mailauth: postalsys/mailauth @d2616c6 (release 5.0.2, `lib/mta-sts.js`, `lib/parse-dkim-headers.js`).
//!
//! Exchange Online and Gmail have no rows: no parsing behaviour that departs from the RFC could be verified
//! in their vendors' documentation (Google's help pages describe how to publish a policy, not how Gmail
//! parses one; the "first `rua` only" report for Microsoft comes from a third party, not from Microsoft).
//! What their documentation does say is in their [`model`]s.

use serde::Serialize;

pub mod model;
pub mod outcome;

pub use outcome::{Outcome, SenderOutcome};

/// A sending MTA, policy resolver, library or service whose MTA-STS / TLS-RPT handling was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sender {
    /// Stable kebab-case id, used by [`Deviation::sender`].
    pub id: &'static str,
    pub name: &'static str,
    pub kind: SenderKind,
    /// The repository or documentation home page.
    pub home: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SenderKind {
    /// A mail server that delivers mail itself.
    Mta,
    /// A helper that turns MTA-STS policies into another MTA's TLS policy (Postfix `smtp_tls_policy_maps`).
    PolicyResolver,
    /// A library that other software embeds.
    Library,
    /// A hosted mail service.
    Service,
}

/// What the sender does with input that breaks (or follows) the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Behaviour {
    /// Uses the input as if it were valid.
    Accepts,
    /// Treats the whole policy as invalid, although the RFC would use it (or only warns).
    IgnoresPolicy,
    /// Treats the DNS record as absent or invalid, although the RFC would use it.
    IgnoresRecord,
    /// Drops the line or field and carries on.
    IgnoresField,
    /// Of repeated fields, uses the first.
    FirstWins,
    /// Of repeated fields, uses the last.
    LastWins,
    /// Joins repeated fields or records into one.
    Merges,
    /// Applies DANE to the domain instead of its MTA-STS policy.
    AppliesDane,
    /// Something else; the detail says what.
    Other,
}

impl Behaviour {
    /// Every behaviour, in the order a message lists them.
    pub const ALL: [Behaviour; 9] = [
        Behaviour::IgnoresPolicy,
        Behaviour::IgnoresRecord,
        Behaviour::IgnoresField,
        Behaviour::Accepts,
        Behaviour::FirstWins,
        Behaviour::LastWins,
        Behaviour::Merges,
        Behaviour::AppliesDane,
        Behaviour::Other,
    ];

    /// The verb phrase a message uses after the senders' names; `Other` is said by each row's detail.
    pub fn phrase(self, plural: bool) -> &'static str {
        match (self, plural) {
            (Behaviour::Accepts, false) => "uses it as if it were valid",
            (Behaviour::Accepts, true) => "use it as if it were valid",
            (Behaviour::IgnoresPolicy, false) => "ignores the whole policy",
            (Behaviour::IgnoresPolicy, true) => "ignore the whole policy",
            (Behaviour::IgnoresRecord, false) => "ignores the record",
            (Behaviour::IgnoresRecord, true) => "ignore the record",
            (Behaviour::IgnoresField, false) => "skips that line or field and reads the rest",
            (Behaviour::IgnoresField, true) => "skip that line or field and read the rest",
            (Behaviour::FirstWins, false) => "uses the first",
            (Behaviour::FirstWins, true) => "use the first",
            (Behaviour::LastWins, false) => "uses the last",
            (Behaviour::LastWins, true) => "use the last",
            (Behaviour::Merges, false) => "merges them into one",
            (Behaviour::Merges, true) => "merge them into one",
            (Behaviour::AppliesDane, false) => "applies DANE instead of the MTA-STS policy",
            (Behaviour::AppliesDane, true) => "apply DANE instead of the MTA-STS policy",
            (Behaviour::Other, _) => "handles it differently",
        }
    }
}

/// One sender's behaviour for one rule of the finding catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// The finding code (`Code::as_str`) of the rule.
    pub code: &'static str,
    /// The [`Sender::id`].
    pub sender: &'static str,
    pub behaviour: Behaviour,
    /// The case the behaviour is limited to, when it does not hold for every finding of the rule
    /// (completes "…ignores the record when …").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<&'static str>,
    /// `when` as the outcome engine checks it against what was observed ([`Condition::Always`] without one).
    #[serde(skip)]
    pub applies: Condition,
    /// One plain sentence: what the sender does.
    pub detail: &'static str,
    /// A GitHub permalink with line anchor to the code that does it, or a vendor documentation URL.
    pub source: &'static str,
}

/// The case a [`Deviation`] is limited to, in a form the outcome engine checks against what was observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    /// Every finding of the rule.
    Always,
    /// The field the finding is about (a repeated field, in the record or the policy) is one of these.
    Field(&'static [&'static str]),
    /// The finding is about a repeated field of this name whose value is not this text.
    FieldValueIsNot(&'static str, &'static str),
    /// The policy line the finding is about holds a second colon.
    SecondColon,
    /// The policy has no `mx` line.
    NoMx,
    /// The policy's Content-Type names no charset.
    NoCharset,
    /// An MX host's TLSA records are DNSSEC-validated.
    TlsaValidated,
}

pub const SENDERS: &[Sender] = &[
    Sender {
        id: "gmail",
        name: "Gmail",
        kind: SenderKind::Service,
        home: "https://support.google.com/a/answer/9276511",
    },
    Sender {
        id: "exchange-online",
        name: "Exchange Online",
        kind: SenderKind::Service,
        home: "https://learn.microsoft.com/en-us/purview/enhancing-mail-flow-with-mta-sts",
    },
    Sender { id: "mox", name: "mox", kind: SenderKind::Mta, home: "https://github.com/mjl-/mox" },
    Sender {
        id: "maddy",
        name: "maddy (go-mtasts)",
        kind: SenderKind::Mta,
        home: "https://github.com/foxcpp/go-mtasts",
    },
    Sender { id: "chasquid", name: "chasquid", kind: SenderKind::Mta, home: "https://github.com/albertito/chasquid" },
    Sender {
        id: "postfix-mta-sts-resolver",
        name: "postfix-mta-sts-resolver",
        kind: SenderKind::PolicyResolver,
        home: "https://github.com/Snawoot/postfix-mta-sts-resolver",
    },
    Sender {
        id: "postfix-tlspol",
        name: "postfix-tlspol",
        kind: SenderKind::PolicyResolver,
        home: "https://github.com/Zuplu/postfix-tlspol",
    },
    Sender {
        id: "stalwart",
        name: "Stalwart (with mail-auth)",
        kind: SenderKind::Mta,
        home: "https://github.com/stalwartlabs/stalwart",
    },
    Sender { id: "kumomta", name: "KumoMTA", kind: SenderKind::Mta, home: "https://github.com/KumoCorp/kumomta" },
    Sender {
        id: "mailauth",
        name: "mailauth",
        kind: SenderKind::Library,
        home: "https://github.com/postalsys/mailauth",
    },
];

macro_rules! mox {
    ($path:literal) => {
        concat!("https://github.com/mjl-/mox/blob/1c9587665b321199312e11b6a47a0480a9e2750f/", $path)
    };
}
macro_rules! gomtasts {
    ($path:literal) => {
        concat!("https://github.com/foxcpp/go-mtasts/blob/1438da2e5932e01df35c6a8d1230c396a991049d/", $path)
    };
}
macro_rules! chasquid {
    ($anchor:literal) => {
        concat!(
            "https://github.com/albertito/chasquid/blob/ca2538b9745a448170dbd078c65b97c8821c33f9/internal/sts/sts.go",
            $anchor
        )
    };
}
macro_rules! snawoot {
    ($path:literal) => {
        concat!(
            "https://github.com/Snawoot/postfix-mta-sts-resolver/blob/a000619e838fbf80406774e90ef5b993fb65f6b4/postfix_mta_sts_resolver/",
            $path
        )
    };
}
macro_rules! tlspol {
    ($path:literal) => {
        concat!(
            "https://github.com/Zuplu/postfix-tlspol/blob/ffe1e2d1e86214e91ce37dcb48ad9819fd8b9159/internal/",
            $path
        )
    };
}
macro_rules! mailauthrs {
    ($path:literal) => {
        concat!("https://github.com/stalwartlabs/mail-auth/blob/0e93300e5c77b5e83ea5562d9a7e781278514fa2/src/", $path)
    };
}
macro_rules! stalwart {
    ($path:literal) => {
        concat!(
            "https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src/outbound/mta_sts/",
            $path
        )
    };
}
macro_rules! kumo {
    ($path:literal) => {
        concat!(
            "https://github.com/KumoCorp/kumomta/blob/3ebc1e8585e0e989cfcf50a93c94a803610249e8/crates/mta-sts/src/",
            $path
        )
    };
}
macro_rules! mailauth {
    ($path:literal) => {
        concat!("https://github.com/postalsys/mailauth/blob/d2616c6bee77cf0cf77fe6ea6743b856696f081e/lib/", $path)
    };
}

const fn row(
    code: &'static str,
    sender: &'static str,
    behaviour: Behaviour,
    detail: &'static str,
    source: &'static str,
) -> Deviation {
    Deviation { code, sender, behaviour, when: None, applies: Condition::Always, detail, source }
}

/// A row whose behaviour holds only in the case `when` describes.
const fn row_when(
    code: &'static str,
    sender: &'static str,
    behaviour: Behaviour,
    (when, applies): (&'static str, Condition),
    detail: &'static str,
    source: &'static str,
) -> Deviation {
    Deviation { code, sender, behaviour, when: Some(when), applies, detail, source }
}

use Behaviour::{Accepts, AppliesDane, FirstWins, IgnoresField, IgnoresPolicy, IgnoresRecord, LastWins, Merges, Other};

pub const DEVIATIONS: &[Deviation] = &[
    // ----- mox -----
    row(
        "record-ambiguous-delimiter",
        "mox",
        Accepts,
        "Treats a record beginning `v=STSv1 ;` (whitespace before the first semicolon) as an STS record and uses it, instead of discarding it.",
        mox!("mtasts/mtasts.go#L205-L222"),
    ),
    row_when(
        "record-duplicate-field",
        "mox",
        IgnoresRecord,
        ("the repeated field is `id`", Condition::Field(&["id"])),
        "A second `id=` field is left unparsed, so the record fails with leftover characters and the domain is treated as having no valid record.",
        mox!("mtasts/parse.go#L56-L71"),
    ),
    row_when(
        "policy-duplicate-field",
        "mox",
        FirstWins,
        ("the repeated field is `mode` or `max_age`", Condition::Field(&["mode", "max_age"])),
        "Repeated `mode` and `max_age` keep the first value.",
        mox!("mtasts/parse.go#L107-L118"),
    ),
    row_when(
        "policy-duplicate-field",
        "mox",
        IgnoresPolicy,
        ("a repeated `version` line does not read `STSv1`", Condition::FieldValueIsNot("version", "STSv1")),
        "Every repeated `version` line must itself read `STSv1`, or the whole policy is rejected.",
        mox!("mtasts/parse.go#L107-L118"),
    ),
    row(
        "policy-field-name-invalid",
        "mox",
        Accepts,
        "Field names may begin with `-` or `.`, which the ABNF does not allow; such a line is kept as an extension.",
        mox!("mtasts/parse.go#L204-L207"),
    ),
    row(
        "policy-max-age-too-large",
        "mox",
        Accepts,
        "A max_age above 31557600 is not rejected: any value of up to 10 digits that fits a signed 32-bit integer is used.",
        mox!("mtasts/parse.go#L262-L270"),
    ),
    row(
        "policy-content-type",
        "mox",
        Accepts,
        "Does not look at Content-Type or its charset; any media type is parsed as a policy.",
        mox!("mtasts/mtasts.go#L301-L302"),
    ),
    row(
        "policy-too-large",
        "mox",
        IgnoresPolicy,
        "A body larger than 64 KiB is a fetch error, so no policy is used.",
        mox!("mtasts/mtasts.go#L304-L308"),
    ),
    row(
        "tlsrpt-ambiguous-delimiter",
        "mox",
        Accepts,
        "Treats a record beginning `v=TLSRPTv1 ;` as a TLS-RPT record and uses it, instead of discarding it.",
        mox!("tlsrpt/lookup.go#L63-L79"),
    ),
    row(
        "tlsrpt-rua-fields",
        "mox",
        Merges,
        "Several `rua=` fields are allowed and the URIs of all of them are kept.",
        mox!("tlsrpt/parse.go#L102-L105"),
    ),
    row(
        "tlsrpt-rua-scheme",
        "mox",
        Other,
        "The parser accepts a rua URI with any scheme, but reports are only sent to `mailto:` URIs; `https:` and other schemes are skipped.",
        mox!("tlsrptsend/send.go#L344-L377"),
    ),
    // ----- maddy (go-mtasts) -----
    row(
        "record-other-txt",
        "maddy",
        IgnoresRecord,
        "Requires exactly one TXT record at `_mta-sts`; any unrelated TXT record next to the STS record means no policy.",
        gomtasts!("cache.go#L160-L165"),
    ),
    row(
        "record-version-not-first",
        "maddy",
        Accepts,
        "`v=STSv1` may appear anywhere in the record, not only first.",
        gomtasts!("mtasts.go#L41-L46"),
    ),
    row(
        "record-leading-whitespace",
        "maddy",
        Accepts,
        "Each `;`-separated part is trimmed, so whitespace before `v=STSv1` is accepted.",
        gomtasts!("mtasts.go#L25-L30"),
    ),
    row(
        "record-duplicate-field",
        "maddy",
        LastWins,
        "A repeated `id=` overwrites the earlier value.",
        gomtasts!("mtasts.go#L47-L48"),
    ),
    row(
        "record-id-invalid",
        "maddy",
        Accepts,
        "Any non-empty id is accepted; its 1*32 ALPHA/DIGIT syntax is not checked.",
        gomtasts!("mtasts.go#L47-L56"),
    ),
    row(
        "policy-cr-cr-lf",
        "maddy",
        Accepts,
        "The line scanner drops one CR and the value is trimmed, so a value line ending in CR CR LF is accepted.",
        gomtasts!("mtasts.go#L84-L98"),
    ),
    row(
        "policy-leading-whitespace",
        "maddy",
        IgnoresField,
        "A field name with leading whitespace matches no known field and the line is silently skipped (an indented `mx:` line is lost).",
        gomtasts!("mtasts.go#L97-L119"),
    ),
    row(
        "policy-space-before-colon",
        "maddy",
        IgnoresField,
        "A field name followed by whitespace before the colon matches no known field and the line is silently skipped.",
        gomtasts!("mtasts.go#L97-L119"),
    ),
    row_when(
        "policy-unknown-field",
        "maddy",
        IgnoresPolicy,
        ("the line has a second colon", Condition::SecondColon),
        "A line with more than one colon, such as an extension whose value contains `:`, makes the whole policy malformed.",
        gomtasts!("mtasts.go#L90-L93"),
    ),
    row(
        "policy-duplicate-field",
        "maddy",
        LastWins,
        "Repeated `mode` and `max_age` lines overwrite the earlier value.",
        gomtasts!("mtasts.go#L104-L116"),
    ),
    row(
        "policy-max-age-invalid",
        "maddy",
        Accepts,
        "max_age is read with strconv.Atoi, so a sign is accepted.",
        gomtasts!("mtasts.go#L111-L116"),
    ),
    row(
        "policy-max-age-too-large",
        "maddy",
        Accepts,
        "max_age is read with strconv.Atoi and has no upper bound.",
        gomtasts!("mtasts.go#L111-L116"),
    ),
    row(
        "policy-mx-invalid",
        "maddy",
        Accepts,
        "mx values are stored without any syntax check.",
        gomtasts!("mtasts.go#L117-L118"),
    ),
    row("policy-too-large", "maddy", Accepts, "The body is read with no size limit.", gomtasts!("cache.go#L48")),
    // ----- chasquid -----
    row(
        "record-multiple",
        "chasquid",
        Accepts,
        "Any TXT record beginning `v=STSv1;` counts as a record; several of them are not an error.",
        chasquid!("#L322-L335"),
    ),
    row(
        "record-id-missing",
        "chasquid",
        Accepts,
        "Only the `v=STSv1;` prefix is checked; a record without an id is still used.",
        chasquid!("#L319-L335"),
    ),
    row(
        "record-id-invalid",
        "chasquid",
        Accepts,
        "The id is never parsed, so any id (or none) is accepted.",
        chasquid!("#L319-L335"),
    ),
    row(
        "record-ambiguous-delimiter",
        "chasquid",
        IgnoresRecord,
        "A record beginning `v=STSv1 ;` lacks the exact `v=STSv1;` prefix and is ignored even when it is the only record.",
        chasquid!("#L328-L332"),
    ),
    row("policy-no-colon", "chasquid", IgnoresField, "A line without a colon is skipped.", chasquid!("#L88-L92")),
    row("policy-blank-line", "chasquid", Accepts, "Empty lines have no colon and are skipped.", chasquid!("#L88-L92")),
    row(
        "policy-leading-whitespace",
        "chasquid",
        Accepts,
        "The field name is trimmed, so leading whitespace is accepted.",
        chasquid!("#L94"),
    ),
    row(
        "policy-space-before-colon",
        "chasquid",
        Accepts,
        "The field name is trimmed, so whitespace before the colon is accepted.",
        chasquid!("#L94"),
    ),
    row(
        "policy-cr-cr-lf",
        "chasquid",
        Accepts,
        "The line scanner drops one CR and the value is trimmed, so a value line ending in CR CR LF is accepted.",
        chasquid!("#L87-L95"),
    ),
    row(
        "policy-duplicate-field",
        "chasquid",
        LastWins,
        "Repeated `version`, `mode` and `max_age` lines overwrite the earlier value.",
        chasquid!("#L98-L106"),
    ),
    row(
        "policy-max-age-invalid",
        "chasquid",
        Accepts,
        "max_age is read with strconv.Atoi, so a leading `+` is accepted.",
        chasquid!("#L103-L106"),
    ),
    row(
        "policy-max-age-short",
        "chasquid",
        IgnoresPolicy,
        "A max_age of 0 (or one that does not parse) makes the policy invalid.",
        chasquid!("#L137-L142"),
    ),
    row_when(
        "policy-mode-none",
        "chasquid",
        IgnoresPolicy,
        ("the policy has no mx line", Condition::NoMx),
        "At least one mx is required even with `mode: none`, so a `none` policy without mx is rejected.",
        chasquid!("#L148-L152"),
    ),
    row(
        "policy-mx-invalid",
        "chasquid",
        Accepts,
        "mx values are stored without any syntax check.",
        chasquid!("#L107-L108"),
    ),
    row(
        "policy-too-large",
        "chasquid",
        Other,
        "Only the first 10 KiB of the body are read and the truncated text is parsed, without an error.",
        chasquid!("#L265-L267"),
    ),
    // ----- postfix-mta-sts-resolver -----
    row(
        "record-ambiguous-delimiter",
        "postfix-mta-sts-resolver",
        Accepts,
        "Records are selected by the prefix `v=STSv1` and fields are trimmed, so `v=STSv1 ;` is used as a record.",
        snawoot!("resolver.py#L84-L96"),
    ),
    row(
        "record-duplicate-field",
        "postfix-mta-sts-resolver",
        LastWins,
        "Fields go into a dict, so a repeated `id=` overwrites the earlier value.",
        snawoot!("utils.py#L142-L144"),
    ),
    row(
        "record-id-invalid",
        "postfix-mta-sts-resolver",
        Accepts,
        "Only the presence of `id` is checked; any value, even empty, is accepted.",
        snawoot!("resolver.py#L92-L96"),
    ),
    row(
        "policy-bare-cr",
        "postfix-mta-sts-resolver",
        Accepts,
        "The body is split with Python's str.splitlines, which also breaks lines at a bare CR (and other Unicode line separators).",
        snawoot!("utils.py#L147-L148"),
    ),
    row(
        "policy-cr-cr-lf",
        "postfix-mta-sts-resolver",
        Accepts,
        "str.splitlines turns CR CR LF into a line break plus an empty line, and empty lines are ignored.",
        snawoot!("utils.py#L147-L158"),
    ),
    row(
        "policy-blank-line",
        "postfix-mta-sts-resolver",
        Accepts,
        "An empty line is stored under an empty key and otherwise ignored.",
        snawoot!("utils.py#L151-L158"),
    ),
    row(
        "policy-no-colon",
        "postfix-mta-sts-resolver",
        IgnoresField,
        "A line without a colon becomes an unknown key with an empty value and is ignored.",
        snawoot!("utils.py#L151-L158"),
    ),
    row(
        "policy-leading-whitespace",
        "postfix-mta-sts-resolver",
        IgnoresField,
        "The field name keeps its leading whitespace, so the line is stored as an unknown key and ignored (an indented `mx:` line is lost).",
        snawoot!("utils.py#L151-L158"),
    ),
    row(
        "policy-space-before-colon",
        "postfix-mta-sts-resolver",
        IgnoresField,
        "The field name keeps the whitespace before the colon, so the line is stored as an unknown key and ignored.",
        snawoot!("utils.py#L151-L158"),
    ),
    row(
        "policy-duplicate-field",
        "postfix-mta-sts-resolver",
        LastWins,
        "Non-mx fields go into a dict, so a repeated field overwrites the earlier value.",
        snawoot!("utils.py#L155-L158"),
    ),
    row(
        "policy-max-age-invalid",
        "postfix-mta-sts-resolver",
        Accepts,
        "max_age is read with Python int(), which accepts a sign, `_` digit separators and any number of digits (the 0..31557600 range is checked).",
        snawoot!("resolver.py#L151-L158"),
    ),
    row(
        "policy-mx-invalid",
        "postfix-mta-sts-resolver",
        Accepts,
        "mx values are stored without any syntax check.",
        snawoot!("utils.py#L155-L156"),
    ),
    row(
        "policy-content-type",
        "postfix-mta-sts-resolver",
        IgnoresPolicy,
        "Besides requiring text/plain, the body is decoded as ASCII unless the Content-Type names a charset, so any non-ASCII byte (a BOM, UTF-8 in an extension) without `charset=` is a fetch error.",
        snawoot!("resolver.py#L121-L136"),
    ),
    row(
        "policy-bom",
        "postfix-mta-sts-resolver",
        IgnoresPolicy,
        "Without a `charset=` the body is decoded as ASCII, so a BOM is a fetch error; with `charset=utf-8` the BOM stays in front of the first field name, `version` goes missing and the policy is rejected.",
        snawoot!("resolver.py#L110-L149"),
    ),
    row_when(
        "policy-not-utf8",
        "postfix-mta-sts-resolver",
        IgnoresPolicy,
        ("the Content-Type names no charset", Condition::NoCharset),
        "Without a `charset=` in the Content-Type the body is decoded as ASCII, so any byte above 127 is a fetch error and no policy is used.",
        snawoot!("resolver.py#L121-L136"),
    ),
    row(
        "policy-utf16",
        "postfix-mta-sts-resolver",
        Accepts,
        "The body is decoded with whatever charset the Content-Type names, so a UTF-16 body served as `charset=utf-16` is accepted.",
        snawoot!("resolver.py#L134-L136"),
    ),
    row(
        "policy-too-large",
        "postfix-mta-sts-resolver",
        IgnoresPolicy,
        "A body (or Content-Length) over 64 KiB is a fetch error.",
        snawoot!("resolver.py#L123-L133"),
    ),
    row(
        "mx-not-covered",
        "postfix-mta-sts-resolver",
        Other,
        "MX matching is left to Postfix: `*.example.com` is handed over as `match=.example.com`, Postfix's own parent-domain pattern, rather than checked against RFC 8461 §4.1.",
        snawoot!("responder.py#L226-L227"),
    ),
    // ----- postfix-tlspol -----
    row(
        "mx-tlsa",
        "postfix-tlspol",
        AppliesDane,
        "An MX host with DNSSEC-signed addresses and DNSSEC-validated TLSA records makes the domain's answer `dane-only` (`dane` where another host has none or the MX answer is not validated), which is returned instead of the MTA-STS policy.",
        tlspol!("server.go#L1004-L1018"),
    ),
    row_when(
        "mx-tlsa-unusable",
        "postfix-tlspol",
        AppliesDane,
        ("the TLSA records are DNSSEC-validated", Condition::TlsaValidated),
        "Validated TLSA records of any usage make the answer `dane`, leaving Postfix to decide whether DANE is possible (else it falls back to `encrypt`); the MTA-STS policy is not used.",
        tlspol!("dane.go#L373-L411"),
    ),
    row(
        "record-ambiguous-delimiter",
        "postfix-tlspol",
        Accepts,
        "Whitespace between `v=STSv1` and the first `;` is allowed when selecting and validating the record.",
        tlspol!("mta-sts.go#L66-L85"),
    ),
    row(
        "policy-max-age-too-large",
        "postfix-tlspol",
        Accepts,
        "A max_age above 31557600 (up to 10 digits) is clamped to 31557600 instead of rejected.",
        tlspol!("mta-sts.go#L297-L311"),
    ),
    row(
        "policy-mx-ip-address",
        "postfix-tlspol",
        IgnoresPolicy,
        "An mx value that parses as an IP address fails the DNS-name check, which makes the whole policy invalid.",
        tlspol!("utils/valid/valid.go#L40-L52"),
    ),
    row(
        "policy-mx-invalid",
        "postfix-tlspol",
        Accepts,
        "A trailing dot is stripped before the mx value is checked, so `mx: mail.example.com.` is accepted.",
        tlspol!("utils/valid/valid.go#L44-L46"),
    ),
    row(
        "policy-too-large",
        "postfix-tlspol",
        IgnoresPolicy,
        "A body over 64 KiB is discarded and no policy is used.",
        tlspol!("mta-sts.go#L329-L332"),
    ),
    row(
        "mx-not-covered",
        "postfix-tlspol",
        Other,
        "MX matching is left to Postfix: `*.example.com` is handed over as `match=.example.com`, Postfix's own parent-domain pattern, rather than checked against RFC 8461 §4.1.",
        tlspol!("mta-sts.go#L282-L288"),
    ),
    row(
        "policy-bom",
        "postfix-tlspol",
        IgnoresPolicy,
        "The body is read as bytes, so a BOM in front of the first field name makes it an invalid name and the policy is rejected.",
        tlspol!("mta-sts.go#L247-L266"),
    ),
    // ----- stalwart: the TXT records (mail-auth) -----
    row(
        "record-version-case",
        "stalwart",
        Accepts,
        "Tag names and the `STSv1` value are compared case-insensitively, so `V=stsv1` is accepted.",
        mailauthrs!("common/parse.rs#L148-L163"),
    ),
    row(
        "record-version-not-first",
        "stalwart",
        Accepts,
        "`v=STSv1` may appear anywhere in the record, not only first.",
        mailauthrs!("mta_sts/parse.rs#L33-L55"),
    ),
    row(
        "record-leading-whitespace",
        "stalwart",
        Accepts,
        "Whitespace (including CR and LF) inside and around tag names is skipped.",
        mailauthrs!("common/parse.rs#L57-L86"),
    ),
    row(
        "record-duplicate-field",
        "stalwart",
        LastWins,
        "A repeated `id=` overwrites the earlier value.",
        mailauthrs!("mta_sts/parse.rs#L41-L43"),
    ),
    row(
        "record-id-invalid",
        "stalwart",
        Accepts,
        "The id is taken as any text up to `;` with whitespace removed, even empty; its syntax is not checked.",
        mailauthrs!("common/parse.rs#L166-L193"),
    ),
    row(
        "record-multiple",
        "stalwart",
        FirstWins,
        "Of several TXT records, the first one that parses is used; several STS records are not an error.",
        mailauthrs!("common/resolver.rs#L160-L166"),
    ),
    row(
        "tlsrpt-multiple",
        "stalwart",
        FirstWins,
        "Of several TXT records, the first one that parses is used; several TLS-RPT records are not an error.",
        mailauthrs!("common/resolver.rs#L160-L166"),
    ),
    row(
        "tlsrpt-version-case",
        "stalwart",
        Accepts,
        "The `v` tag and the `TLSRPTv1` value are compared case-insensitively, so `v=tlsrptv1` is accepted.",
        mailauthrs!("mta_sts/parse.rs#L64-L69"),
    ),
    row(
        "tlsrpt-leading-whitespace",
        "stalwart",
        Accepts,
        "Whitespace before and inside tag names is skipped.",
        mailauthrs!("common/parse.rs#L57-L86"),
    ),
    row(
        "tlsrpt-rua-fields",
        "stalwart",
        Merges,
        "URIs from several `rua=` fields are all collected into one list.",
        mailauthrs!("mta_sts/parse.rs#L73-L96"),
    ),
    row(
        "tlsrpt-rua-scheme",
        "stalwart",
        IgnoresField,
        "A rua URI whose scheme is not mailto or https is dropped silently, together with the rest of that `rua=` field.",
        mailauthrs!("mta_sts/parse.rs#L75-L95"),
    ),
    // ----- stalwart: the policy (server) -----
    row(
        "policy-http-status",
        "stalwart",
        Accepts,
        "The response status is not checked before the body is parsed as a policy.",
        stalwart!("lookup.rs#L68-L88"),
    ),
    row("policy-content-type", "stalwart", Accepts, "Content-Type is not checked.", stalwart!("lookup.rs#L68-L88")),
    row("policy-too-large", "stalwart", Accepts, "Bodies of up to 1 MiB are accepted.", stalwart!("lookup.rs#L20-L21")),
    row(
        "policy-bom",
        "stalwart",
        Accepts,
        "A UTF-8 BOM stays glued to the first field name, which then matches no field; as `version` is not required, a policy whose first line is `version` still applies.",
        stalwart!("parse.rs#L29-L38"),
    ),
    row(
        "policy-leading-whitespace",
        "stalwart",
        Accepts,
        "Field names are trimmed, so leading whitespace is accepted.",
        stalwart!("parse.rs#L38"),
    ),
    row(
        "policy-space-before-colon",
        "stalwart",
        Accepts,
        "Field names are trimmed, so whitespace before the colon is accepted.",
        stalwart!("parse.rs#L38"),
    ),
    row(
        "policy-cr-cr-lf",
        "stalwart",
        Accepts,
        "Lines are split at LF and values are trimmed, so any run of CRs before the LF is accepted.",
        stalwart!("parse.rs#L30-L37"),
    ),
    row(
        "policy-blank-line",
        "stalwart",
        Accepts,
        "The text up to the next colon is the field name and is trimmed, so blank lines disappear.",
        stalwart!("parse.rs#L29-L38"),
    ),
    row(
        "policy-no-colon",
        "stalwart",
        Other,
        "The field name runs to the next colon even across lines, so a line without a colon swallows the name of the following field and that field is lost.",
        stalwart!("parse.rs#L29-L38"),
    ),
    row(
        "policy-duplicate-field",
        "stalwart",
        LastWins,
        "Repeated `mode` and `max_age` lines overwrite the earlier value.",
        stalwart!("parse.rs#L48-L60"),
    ),
    row(
        "policy-version-missing",
        "stalwart",
        Accepts,
        "`version` is only checked when present; a policy without it is used.",
        stalwart!("parse.rs#L61-L65"),
    ),
    row(
        "policy-version-invalid",
        "stalwart",
        Accepts,
        "The version value is compared case-insensitively, so `version: stsv1` is accepted.",
        stalwart!("parse.rs#L61-L65"),
    ),
    row(
        "policy-mode-missing",
        "stalwart",
        Other,
        "A policy without `mode` is used with mode none.",
        stalwart!("parse.rs#L25"),
    ),
    row(
        "policy-max-age-missing",
        "stalwart",
        Other,
        "A missing max_age, or one that does not parse, is taken as 86400.",
        stalwart!("parse.rs#L26-L52"),
    ),
    row(
        "policy-max-age-too-large",
        "stalwart",
        Accepts,
        "A max_age of 31557600 or more is not rejected; the policy is used and cached for 86400 s.",
        stalwart!("lookup.rs#L90-L98"),
    ),
    row(
        "policy-max-age-short",
        "stalwart",
        Other,
        "A max_age below 3600 (such as 0) is cached for 86400 s, longer than the domain asked.",
        stalwart!("lookup.rs#L90-L98"),
    ),
    row_when(
        "policy-mode-none",
        "stalwart",
        IgnoresPolicy,
        ("the policy has no mx line", Condition::NoMx),
        "At least one mx is required even with `mode: none`, so a `none` policy without mx is rejected.",
        stalwart!("parse.rs#L73-L82"),
    ),
    row(
        "policy-mx-invalid",
        "stalwart",
        Accepts,
        "mx values are lowercased and converted to A-labels but not checked; an empty `*.` pattern is dropped.",
        stalwart!("parse.rs#L39-L47"),
    ),
    // ----- kumomta -----
    row(
        "record-multiple",
        "kumomta",
        Merges,
        "All TXT records at `_mta-sts` are joined into one string before parsing, so several records are not detected as such.",
        kumo!("dns.rs#L16-L18"),
    ),
    row(
        "record-other-txt",
        "kumomta",
        Merges,
        "All TXT records at `_mta-sts` are joined into one string before parsing, so an unrelated TXT record corrupts the STS record.",
        kumo!("dns.rs#L16-L18"),
    ),
    row(
        "record-version-not-first",
        "kumomta",
        Accepts,
        "`v=STSv1` may appear anywhere in the record, not only first.",
        kumo!("dns.rs#L22-L38"),
    ),
    row(
        "record-leading-whitespace",
        "kumomta",
        Accepts,
        "Keys and values are trimmed, so whitespace before `v=` and around `=` is accepted.",
        kumo!("dns.rs#L30-L31"),
    ),
    row(
        "record-ambiguous-delimiter",
        "kumomta",
        Accepts,
        "Values are trimmed, so `v=STSv1 ;` is accepted.",
        kumo!("dns.rs#L22-L38"),
    ),
    row(
        "record-duplicate-field",
        "kumomta",
        LastWins,
        "Fields go into a map, so a repeated `id=` overwrites the earlier value.",
        kumo!("dns.rs#L33"),
    ),
    row("record-id-invalid", "kumomta", Accepts, "Any id value, even empty, is accepted.", kumo!("dns.rs#L40-L43")),
    row(
        "policy-bom",
        "kumomta",
        Accepts,
        "The body is decoded with reqwest's Response::text, which strips a BOM.",
        kumo!("lib.rs#L71"),
    ),
    row(
        "policy-not-utf8",
        "kumomta",
        Accepts,
        "The body is decoded with reqwest's Response::text, which replaces malformed UTF-8 with U+FFFD instead of failing.",
        kumo!("lib.rs#L71"),
    ),
    row(
        "policy-utf16",
        "kumomta",
        Accepts,
        "The body is decoded with reqwest's Response::text, which honours a UTF-16 BOM or a `charset=` parameter.",
        kumo!("lib.rs#L71"),
    ),
    row(
        "policy-content-type",
        "kumomta",
        IgnoresPolicy,
        "The media type is compared case-sensitively with `text/plain`, so `Text/Plain` is rejected.",
        kumo!("lib.rs#L55-L69"),
    ),
    row("policy-too-large", "kumomta", Accepts, "The body is read with no size limit.", kumo!("lib.rs#L71")),
    row("policy-blank-line", "kumomta", Accepts, "Empty lines are skipped.", kumo!("policy.rs#L23-L26")),
    row(
        "policy-leading-whitespace",
        "kumomta",
        Accepts,
        "Field names are trimmed, so leading whitespace is accepted.",
        kumo!("policy.rs#L27-L31"),
    ),
    row(
        "policy-space-before-colon",
        "kumomta",
        Accepts,
        "Field names are trimmed, so whitespace before the colon is accepted.",
        kumo!("policy.rs#L27-L31"),
    ),
    row(
        "policy-cr-cr-lf",
        "kumomta",
        Accepts,
        "Lines are split by str::lines and values trimmed, so a value line ending in CR CR LF is accepted.",
        kumo!("policy.rs#L23-L31"),
    ),
    row(
        "policy-duplicate-field",
        "kumomta",
        IgnoresPolicy,
        "A repeated `version`, `mode` or `max_age` makes the whole policy invalid.",
        kumo!("policy.rs#L39-L75"),
    ),
    row(
        "policy-max-age-invalid",
        "kumomta",
        Accepts,
        "max_age is parsed as u64, so a `+` sign is accepted.",
        kumo!("policy.rs#L68-L75"),
    ),
    row(
        "policy-max-age-too-large",
        "kumomta",
        Accepts,
        "max_age is parsed as u64 and has no upper bound.",
        kumo!("policy.rs#L68-L75"),
    ),
    row(
        "policy-mx-invalid",
        "kumomta",
        Accepts,
        "mx values are lowercased but not checked.",
        kumo!("policy.rs#L57-L66"),
    ),
    row(
        "mx-none",
        "kumomta",
        IgnoresPolicy,
        "Policies are looked up only for domains with MX records: mail to a domain's own address (implicit MX) gets no MTA-STS.",
        "https://github.com/KumoCorp/kumomta/blob/3ebc1e8585e0e989cfcf50a93c94a803610249e8/crates/mailexchanger/src/lib.rs#L520-L531",
    ),
    // ----- mailauth -----
    row(
        "record-version-case",
        "mailauth",
        Accepts,
        "Records are selected with a case-insensitive `v=STSv1` test and the version value is compared case-insensitively.",
        mailauth!("mta-sts.js#L38-L55"),
    ),
    row(
        "record-leading-whitespace",
        "mailauth",
        Accepts,
        "Each TXT record is trimmed before the `v=STSv1` test.",
        mailauth!("mta-sts.js#L38"),
    ),
    row(
        "record-ambiguous-delimiter",
        "mailauth",
        Accepts,
        "The record filter only needs a word boundary after `v=STSv1`, so `v=STSv1 ;` is used as a record.",
        mailauth!("mta-sts.js#L38"),
    ),
    row(
        "record-duplicate-field",
        "mailauth",
        LastWins,
        "The tag parser stores each tag by name, so a repeated `id=` overwrites the earlier value.",
        mailauth!("parse-dkim-headers.js#L285-L311"),
    ),
    row(
        "record-id-invalid",
        "mailauth",
        Accepts,
        "Any non-empty id is accepted; its syntax is not checked.",
        mailauth!("mta-sts.js#L53-L57"),
    ),
    row(
        "policy-http-status",
        "mailauth",
        Accepts,
        "Any 2xx status is accepted, not only 200.",
        mailauth!("mta-sts.js#L269-L277"),
    ),
    row("policy-content-type", "mailauth", Accepts, "Content-Type is not checked.", mailauth!("mta-sts.js#L258-L298")),
    row(
        "policy-too-large",
        "mailauth",
        Accepts,
        "The body is read with no size limit.",
        mailauth!("mta-sts.js#L259-L277"),
    ),
    row(
        "policy-bom",
        "mailauth",
        Accepts,
        "Field names are trimmed with JavaScript's trim, which removes a U+FEFF BOM.",
        mailauth!("mta-sts.js#L80-L83"),
    ),
    row(
        "policy-not-utf8",
        "mailauth",
        Accepts,
        "The body buffer is turned into a string with Buffer#toString, which replaces malformed UTF-8 instead of failing.",
        mailauth!("mta-sts.js#L71-L73"),
    ),
    row(
        "policy-cr-cr-lf",
        "mailauth",
        Accepts,
        "Lines are split at CR LF or LF and values trimmed, so a value line ending in CR CR LF is accepted.",
        mailauth!("mta-sts.js#L73-L83"),
    ),
    row(
        "policy-no-colon",
        "mailauth",
        IgnoresField,
        "A line without a colon is skipped.",
        mailauth!("mta-sts.js#L74-L85"),
    ),
    row(
        "policy-blank-line",
        "mailauth",
        Accepts,
        "Empty lines have no colon and are skipped.",
        mailauth!("mta-sts.js#L74-L85"),
    ),
    row(
        "policy-leading-whitespace",
        "mailauth",
        Accepts,
        "Field names are trimmed, so leading whitespace is accepted.",
        mailauth!("mta-sts.js#L80-L83"),
    ),
    row(
        "policy-space-before-colon",
        "mailauth",
        Accepts,
        "Field names are trimmed, so whitespace before the colon is accepted.",
        mailauth!("mta-sts.js#L80-L83"),
    ),
    row(
        "policy-unknown-field",
        "mailauth",
        Other,
        "Field names are lowercased, so fields the RFC treats as unknown extensions, such as `Mode:` or `MX:`, are used as mode and mx.",
        mailauth!("mta-sts.js#L80-L83"),
    ),
    row(
        "policy-mode-invalid",
        "mailauth",
        Accepts,
        "The mode value is lowercased, so `mode: Enforce` is accepted.",
        mailauth!("mta-sts.js#L91-L93"),
    ),
    row(
        "policy-mode-missing",
        "mailauth",
        Other,
        "A policy without `mode` is used with mode none.",
        mailauth!("mta-sts.js#L66-L69"),
    ),
    row(
        "policy-duplicate-field",
        "mailauth",
        LastWins,
        "Repeated `version`, `mode` and `max_age` lines overwrite the earlier value.",
        mailauth!("mta-sts.js#L86-L96"),
    ),
    row(
        "policy-max-age-invalid",
        "mailauth",
        Accepts,
        "max_age is read with JavaScript Number(), which accepts hex (`0x10`), exponents (`1e3`), fractions, and an empty value as 0.",
        mailauth!("mta-sts.js#L94-L96"),
    ),
    row(
        "policy-mx-invalid",
        "mailauth",
        Accepts,
        "mx values are lowercased but not checked.",
        mailauth!("mta-sts.js#L97-L105"),
    ),
    row(
        "mx-not-covered",
        "mailauth",
        Accepts,
        "A wildcard pattern matches by suffix, so `*.example.com` also covers `a.b.example.com` and any deeper host.",
        mailauth!("mta-sts.js#L165-L177"),
    ),
];

/// The sender with this id.
pub fn sender(id: &str) -> Option<&'static Sender> {
    SENDERS.iter().find(|s| s.id == id)
}

/// Every known deviation for the rule with this finding code.
pub fn deviations(code: &str) -> impl Iterator<Item = &'static Deviation> {
    DEVIATIONS.iter().filter(move |d| d.code == code)
}

/// What a finding's message says of a row: the detail only where the behaviour is `Other`, and no source.
/// Messages read this table, not [`DEVIATIONS`], so a page that shows findings but not the rule table
/// carries neither the 130-odd details nor their permalinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Said {
    pub code: &'static str,
    pub sender: &'static str,
    pub behaviour: Behaviour,
    pub when: Option<&'static str>,
    /// The row's detail when the behaviour is [`Behaviour::Other`], which no phrase can say.
    pub other: Option<&'static str>,
    /// [`Deviation::applies`], for the outcome engine.
    pub applies: Condition,
}

// Built at compile time from a `const` table: only the strings the result points to end up in the binary.
static SAID: [Said; DEVIATIONS.len()] = {
    let mut out = [Said { code: "", sender: "", behaviour: Other, when: None, other: None, applies: Condition::Always };
        DEVIATIONS.len()];
    let mut i = 0;
    while i < DEVIATIONS.len() {
        let d = &DEVIATIONS[i];
        let other = match d.behaviour {
            Other => Some(d.detail),
            _ => None,
        };
        out[i] =
            Said { code: d.code, sender: d.sender, behaviour: d.behaviour, when: d.when, other, applies: d.applies };
        i += 1;
    }
    out
};

/// The rows of [`DEVIATIONS`] for this finding code, as a message says them.
pub fn said(code: &str) -> impl Iterator<Item = &'static Said> {
    SAID.iter().filter(move |d| d.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn is_commit(s: &str) -> bool {
        s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    }

    /// The messages' table says every row of the full one, in the same order.
    #[test]
    fn said_is_the_table_without_details_and_sources() {
        assert_eq!(SAID.len(), DEVIATIONS.len());
        for (said, d) in SAID.iter().zip(DEVIATIONS) {
            let other = (d.behaviour == Other).then_some(d.detail);
            let applies = d.applies;
            assert_eq!(
                *said,
                Said { code: d.code, sender: d.sender, behaviour: d.behaviour, when: d.when, other, applies }
            );
        }
        assert!(said("policy-duplicate-field").count() > 1);
    }

    #[test]
    fn every_row_names_a_known_sender_and_has_a_detail() {
        for d in DEVIATIONS {
            assert!(sender(d.sender).is_some(), "{}: unknown sender {}", d.code, d.sender);
            assert!(!d.detail.trim().is_empty(), "{} / {}: empty detail", d.code, d.sender);
            assert!(d.detail.ends_with('.'), "{} / {}: detail is not a sentence", d.code, d.sender);
        }
    }

    #[test]
    fn every_source_is_an_https_permalink_or_docs_url() {
        for d in DEVIATIONS {
            assert!(d.source.starts_with("https://"), "{} / {}: {}", d.code, d.sender, d.source);
            if let Some(rest) = d.source.strip_prefix("https://github.com/") {
                let (_, after_blob) = rest.split_once("/blob/").unwrap_or_else(|| panic!("no /blob/: {}", d.source));
                let (commit, path) = after_blob.split_once('/').unwrap_or_else(|| panic!("no path: {}", d.source));
                assert!(is_commit(commit), "not a 40-hex commit: {}", d.source);
                let (_, anchor) = path.split_once("#L").unwrap_or_else(|| panic!("no #L anchor: {}", d.source));
                let first = anchor.split("-L").next().unwrap_or_default();
                assert!(!first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()), "bad anchor: {}", d.source);
            }
        }
    }

    #[test]
    fn codes_are_kebab_case_and_rows_are_unique() {
        let mut seen = HashSet::new();
        for d in DEVIATIONS {
            assert!(
                d.code
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "not kebab-case: {}",
                d.code
            );
            // Two rows of one sender for one rule hold in different cases.
            assert!(seen.insert((d.code, d.sender, d.when)), "duplicate row: {} / {}", d.code, d.sender);
        }
    }

    #[test]
    fn every_row_is_about_a_rule_of_the_catalogue() {
        for row in DEVIATIONS {
            let code = crate::Code::from_str_opt(row.code);
            assert!(code.is_some_and(|c| !c.is_group()), "{} is not a rule's code", row.code);
        }
    }

    #[test]
    fn senders_are_unique_and_each_has_a_row() {
        let mut ids = HashSet::new();
        for s in SENDERS {
            assert!(ids.insert(s.id), "duplicate sender {}", s.id);
            assert!(s.home.starts_with("https://"), "{}: home is not https", s.id);
            let modelled = model::MODELS.iter().any(|m| m.id == s.id);
            assert!(modelled || DEVIATIONS.iter().any(|d| d.sender == s.id), "{} has no deviation", s.id);
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(sender("mox").map(|s| s.kind), Some(SenderKind::Mta));
        assert!(sender("nope").is_none());
        assert!(deviations("policy-duplicate-field").any(|d| d.sender == "kumomta" && d.behaviour == IgnoresPolicy));
        assert_eq!(deviations("no-such-code").count(), 0);
    }

    #[test]
    fn serialises_kebab_case() {
        let json = serde_json::to_string(&DEVIATIONS[0]).unwrap();
        assert!(json.contains("\"behaviour\":\"accepts\""), "{json}");
        let json = serde_json::to_string(&sender("postfix-mta-sts-resolver").unwrap()).unwrap();
        assert!(json.contains("\"kind\":\"policy-resolver\""), "{json}");
    }
}
