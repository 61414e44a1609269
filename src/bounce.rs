//! "Why did my mail bounce?": recognises the words real senders put in a bounce (a delivery status
//! notification, RFC 3464) or a mail log line when MTA-STS made them refuse a delivery, and says which rule
//! failed, for which sender, and what to fix.
//!
//! The senders' words are data ([`SIGNATURES`]), each row with the code or documentation it was read
//! from; a sender not listed, or wording not listed, is "not recognised", never a guess. The text is
//! unfolded first (RFC 5322 §2.2.3: a line break followed by whitespace continues the line), because
//! `Diagnostic-Code` fields are often folded in the middle of a sentence.

use crate::Domain;
use crate::finding::Code;
use crate::message::bounce as words;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_till, take_while_m_n, take_while1};
use nom::character::complete::{char, one_of};
use nom::combinator::recognize;
use nom::{IResult, Parser};
use serde::Serialize;

/// Longer text is not one bounce; the rest is not read (a bounce quotes the message, which can be large).
pub const MAX_TEXT_LEN: usize = 256 * 1024;

/// What went wrong, as far as MTA-STS is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    /// The MX host matches no `mx` pattern of an `enforce` policy.
    MxNotCovered,
    /// The MX host's certificate failed validation.
    MxCertificate,
    /// The MX host did not offer STARTTLS, or refused it.
    MxNoStarttls,
    /// The TLS handshake with the MX host failed.
    MxHandshake,
    /// The connection to the MX host was not validated TLS.
    MxNotValidated,
    /// The policy could not be fetched.
    PolicyUnavailable,
    /// The policy was fetched but could not be parsed.
    PolicyInvalid,
    /// The `_mta-sts` TXT record could not be parsed.
    RecordInvalid,
}

impl Failure {
    /// The rules of the finding catalogue a live check reports for this failure. Empty for the MX host's TLS,
    /// which the checker does not probe (it connects to no MX host).
    pub fn codes(self) -> &'static [Code] {
        match self {
            Failure::MxNotCovered => &[Code::MxNotCovered],
            Failure::MxCertificate | Failure::MxNoStarttls | Failure::MxHandshake | Failure::MxNotValidated => &[],
            Failure::PolicyUnavailable => &[
                Code::PolicyFetchFailed,
                Code::PolicyHostNoAddress,
                Code::PolicyTlsInvalid,
                Code::PolicyRedirect,
                Code::PolicyHttpStatus,
            ],
            Failure::PolicyInvalid => &[Code::PolicyInvalid],
            Failure::RecordInvalid => &[Code::RecordInvalid],
        }
    }

    /// The RFC section of the rule.
    pub fn rfc(self) -> &'static str {
        match self {
            Failure::MxNotCovered => "RFC 8461 §4.1",
            Failure::MxCertificate | Failure::MxNoStarttls | Failure::MxHandshake | Failure::MxNotValidated => {
                "RFC 8461 §4.2"
            }
            Failure::PolicyUnavailable => "RFC 8461 §3.3",
            Failure::PolicyInvalid => "RFC 8461 §3.2",
            Failure::RecordInvalid => "RFC 8461 §3.1",
        }
    }

    fn meaning(self, sender: &str, host: &str, domain: &str) -> String {
        match self {
            Failure::MxNotCovered => words::mx_not_covered(sender, host),
            Failure::MxCertificate => words::mx_certificate(sender, host),
            Failure::MxNoStarttls => words::mx_no_starttls(sender, host),
            Failure::MxHandshake => words::mx_handshake(sender, host),
            Failure::MxNotValidated => words::mx_not_validated(sender, host),
            Failure::PolicyUnavailable => words::policy_unavailable(sender, domain),
            Failure::PolicyInvalid => words::policy_invalid(sender, domain),
            Failure::RecordInvalid => words::record_invalid(sender, domain),
        }
    }

    /// A few words for a heading.
    pub fn title(self) -> String {
        match self {
            Failure::MxNotCovered => words::title_mx_not_covered(),
            Failure::MxCertificate => words::title_mx_certificate(),
            Failure::MxNoStarttls => words::title_mx_no_starttls(),
            Failure::MxHandshake => words::title_mx_handshake(),
            Failure::MxNotValidated => words::title_mx_not_validated(),
            Failure::PolicyUnavailable => words::title_policy_unavailable(),
            Failure::PolicyInvalid => words::title_policy_invalid(),
            Failure::RecordInvalid => words::title_record_invalid(),
        }
    }

    fn fix(self) -> String {
        match self {
            Failure::MxNotCovered => words::fix_mx_not_covered(),
            Failure::MxCertificate | Failure::MxNotValidated => words::fix_mx_certificate(),
            Failure::MxNoStarttls | Failure::MxHandshake => words::fix_mx_tls(),
            Failure::PolicyUnavailable => words::fix_policy_unavailable(),
            Failure::PolicyInvalid => words::fix_policy_invalid(),
            Failure::RecordInvalid => words::fix_record_invalid(),
        }
    }
}

/// One sender's words for one failure.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Signature {
    /// Stable kebab-case id.
    pub id: &'static str,
    pub sender: &'static str,
    /// The words as the sender writes them, matched without regard to case: `{host}` and `{domain}` stand
    /// for a name, `{detail}` for the words up to what follows it (or the end of the line).
    pub pattern: &'static str,
    /// The enhanced status codes (RFC 3463) the sender sends with these words.
    pub status: &'static [&'static str],
    pub failure: Failure,
    /// The sender uses the same words for other TLS requirements than MTA-STS (DANE, local policy).
    pub not_only_mta_sts: bool,
    /// A permalink to the line that writes the words, or the vendor's documentation.
    pub source: &'static str,
}

const EXCHANGE_NDR: &str = "https://github.com/MicrosoftDocs/SupportArticles-docs/blob/346b095018d41d952848fcd5186af378b24557e6/Exchange/ExchangeOnline/email-delivery/ndr/non-delivery-reports-in-exchange-online.md";

macro_rules! signatures {
    ($($id:literal, $sender:literal, $pattern:literal, [$($status:literal),*], $failure:ident, $shared:literal, $source:expr;)*) => {
        /// Every sender wording the explainer knows, read from each sender's code or documentation.
        pub const SIGNATURES: &[Signature] = &[$(Signature {
            id: $id,
            sender: $sender,
            pattern: $pattern,
            status: &[$($status),*],
            failure: Failure::$failure,
            not_only_mta_sts: $shared,
            source: $source,
        }),*];
    };
}

signatures! {
    // Exchange Online's NDR table lists these four codes for MTA-STS.
    "exchange-online-mx", "Exchange Online", "MX hosts of {domain} failed MTA-STS validation",
        ["4.4.8", "5.4.8"], MxNotCovered, false, EXCHANGE_NDR;
    "exchange-online-certificate", "Exchange Online", "Remote certificate failed MTA-STS validation. Reason: {detail}",
        ["4.7.5", "5.7.5"], MxCertificate, false, EXCHANGE_NDR;
    "exchange-online-certificate-short", "Exchange Online", "Remote certificate failed MTA-STS validation",
        ["4.7.5", "5.7.5"], MxCertificate, false, EXCHANGE_NDR;
    // Postfix enforces what its policy plugin (postfix-mta-sts-resolver, postfix-tlspol) returns.
    "postfix-sts-mx-pattern", "Postfix", "MX name '{host}' does not match STS MX pattern for '{domain}'",
        [], MxNotCovered, false, concat!("https://github.com/vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/src/smtp", "/smtp_tls_policy.c#L198");
    "postfix-not-verified", "Postfix", "Server certificate not verified",
        ["4.7.5"], MxCertificate, true, concat!("https://github.com/vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/src/smtp", "/smtp_proto.c#L1349");
    "postfix-not-offered", "Postfix", "TLS is required, but was not offered by host {host}",
        ["4.7.4"], MxNoStarttls, true, concat!("https://github.com/vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/src/smtp", "/smtp_proto.c#L943");
    "postfix-refused", "Postfix", "TLS is required, but host {host} refused to start TLS",
        [], MxNoStarttls, true, concat!("https://github.com/vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/src/smtp", "/smtp_proto.c#L890");
    "postfix-handshake", "Postfix", "Cannot start TLS: handshake failure",
        ["4.7.5"], MxHandshake, true, concat!("https://github.com/vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/src/smtp", "/smtp_proto.c#L1277");
    // Stalwart writes "MTA-STS failed to authenticate '<entity>': <details>" (queue/dsn.rs#L491).
    "stalwart-mx", "Stalwart", "MTA-STS failed to authenticate '{host}': MX \"{detail}\" not authorized by policy",
        [], MxNotCovered, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/delivery.rs#L640");
    "stalwart-policy-not-found", "Stalwart", "MTA-STS failed to authenticate '{domain}': Policy not found",
        [], PolicyUnavailable, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/mod.rs#L216");
    "stalwart-policy-unreachable", "Stalwart", "MTA-STS failed to authenticate '{domain}': Could not reach policy host",
        [], PolicyUnavailable, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/mod.rs#L207");
    "stalwart-policy-timeout", "Stalwart", "MTA-STS failed to authenticate '{domain}': Timeout fetching policy",
        [], PolicyUnavailable, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/mod.rs#L202");
    "stalwart-policy-fetch", "Stalwart", "MTA-STS failed to authenticate '{domain}': Failed to fetch policy",
        [], PolicyUnavailable, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/mod.rs#L221");
    "stalwart-policy-parse", "Stalwart", "MTA-STS failed to authenticate '{domain}': Failed to parse policy: {detail}",
        [], PolicyInvalid, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/mod.rs#L228");
    "stalwart-record", "Stalwart", "MTA-STS failed to authenticate '{domain}': Failed to parse MTA-STS DNS record",
        [], RecordInvalid, false, concat!("https://github.com/stalwartlabs/stalwart/blob/d72608f3e2d530c6560aaf2c7c290afd72671b82/crates/smtp/src", "/outbound/mod.rs#L188");
    "mox-mx", "mox", "mx host {host} does not match enforced mta-sts policy with hosts {detail}",
        [], MxNotCovered, false, "https://github.com/mjl-/mox/blob/1c9587665b321199312e11b6a47a0480a9e2750f/queue/direct.go#L220";
    "chasquid-security-level", "chasquid", "invalid security level ({detail}) for STS policy",
        [], MxNotValidated, false, "https://github.com/albertito/chasquid/blob/ca2538b9745a448170dbd078c65b97c8821c33f9/internal/courier/smtp.go#L230";
}

/// What the explainer made of a bounce.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// The MTA-STS failures recognised, in the order the text gives them.
    pub causes: Vec<Cause>,
    /// The recipient domains the bounce names (from its captures and the RFC 3464 recipient fields), each
    /// a live check away.
    pub domains: Vec<String>,
    /// Every enhanced status code (RFC 3463) in the text, in order, once each.
    pub status_codes: Vec<String>,
    /// One sentence: what was found.
    pub summary: String,
    /// The text was longer than [`MAX_TEXT_LEN`] and only its beginning was read.
    pub truncated: bool,
}

/// One recognised failure.
#[derive(Clone, Debug, Serialize)]
pub struct Cause {
    /// The [`Signature::id`] that matched.
    pub signature: &'static str,
    pub sender: &'static str,
    pub failure: Failure,
    /// [`Failure::title`].
    pub title: String,
    /// The signature's status code that the text carries, if any.
    pub status: Option<String>,
    /// The catalogue rules a live check reports for this failure.
    pub codes: Vec<Code>,
    pub rfc: &'static str,
    pub meaning: String,
    pub fix: String,
    /// The sender's caveat when its words are not specific to MTA-STS.
    pub caveat: Option<String>,
    pub host: Option<String>,
    pub domain: Option<String>,
    /// The sender's own reason, when it gives one (Exchange's validity status, mox's policy hosts, …).
    pub detail: Option<String>,
    /// The words that matched, as they appear in the (unfolded) text.
    pub quote: String,
    pub source: &'static str,
}

/// Explains a pasted bounce or mail log line. Never fails: text it does not recognise gets an explanation
/// with no causes and a summary saying what to paste instead.
pub fn explain(text: &str) -> Explanation {
    let truncated = text.len() > MAX_TEXT_LEN;
    let text = if truncated { &text[..floor_char_boundary(text, MAX_TEXT_LEN)] } else { text };
    let text = unfold(text);
    let lower = text.to_ascii_lowercase();
    let status_codes = status_codes(&text);

    let mut found: Vec<(usize, Cause)> = Vec::new();
    for signature in SIGNATURES {
        let segments = segments(signature.pattern);
        let Some(Segment::Literal(first)) = segments.first() else { continue };
        let first = first.to_ascii_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find(&first).map(|i| from + i) {
            from = at + first.len();
            let Some(captures) = matches(&text[at..], &segments) else { continue };
            // A shorter wording of the same failure at the same place is the same cause.
            if found.iter().any(|(start, c)| *start == at && c.failure == signature.failure) {
                continue;
            }
            let mut cause = cause(signature, &captures, &text[at..at + captures.len], &status_codes);
            if cause.host.is_none() {
                cause.host = remote_host(&text, at);
                if let Some(host) = &cause.host {
                    let named = words::named_host(host);
                    cause.meaning =
                        signature.failure.meaning(signature.sender, &named, &shown_domain(cause.domain.as_deref()));
                }
            }
            found.push((at, cause));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let causes: Vec<Cause> = found.into_iter().map(|(_, c)| c).collect();

    let mut domains: Vec<String> = Vec::new();
    let named = causes.iter().filter_map(|c| c.domain.clone()).chain(recipient_domains(&text));
    for domain in named {
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    let summary = match causes.len() {
        0 => words::summary_none(),
        1 => words::summary_one(),
        n => words::summary_many(n),
    };
    Explanation { causes, domains, status_codes, summary, truncated }
}

/// What to say when there is no text to explain: what to paste instead.
pub fn empty_input() -> String {
    words::empty_input()
}

fn cause(signature: &Signature, captures: &Captures<'_>, quote: &str, status_codes: &[String]) -> Cause {
    let host = captures.host.map(|h| h.trim_end_matches('.').to_ascii_lowercase());
    let domain = captures.domain.and_then(|d| Domain::parse(d).ok()).map(|d| d.as_str().to_owned());
    let status = signature.status.iter().find(|s| status_codes.iter().any(|c| c == *s)).map(|s| (*s).to_owned());
    let shown_host = host.as_deref().map_or_else(words::some_host, words::named_host);
    Cause {
        signature: signature.id,
        sender: signature.sender,
        failure: signature.failure,
        title: signature.failure.title(),
        status,
        codes: signature.failure.codes().to_vec(),
        rfc: signature.failure.rfc(),
        meaning: signature.failure.meaning(signature.sender, &shown_host, &shown_domain(domain.as_deref())),
        fix: signature.failure.fix(),
        caveat: signature.not_only_mta_sts.then(|| words::not_only_mta_sts(signature.sender)),
        host,
        domain,
        detail: captures.detail.map(|d| d.trim().trim_end_matches(['.', ')']).to_owned()).filter(|d| !d.is_empty()),
        quote: quote.to_owned(),
        source: signature.source,
    }
}

fn shown_domain(domain: Option<&str>) -> String {
    domain.map_or_else(words::some_domain, str::to_owned)
}

/// The MX host a failure at `at` is about when its words do not name it: Postfix's `relay=host[address]` on
/// the same log line, or the DSN's `Remote-MTA: dns; host` field (RFC 3464 §2.3.5).
fn remote_host(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let after = |haystack: &str, field: &str| -> Option<String> {
        let i = haystack.to_ascii_lowercase().find(field)?;
        let value = haystack[i + field.len()..].trim_start();
        // `Remote-MTA: dns; host`: the part before the `;` is the name's type (RFC 3464 §2.3.5).
        let value = match value.split_once(';') {
            Some((kind, host)) if kind.trim().chars().all(|c| c.is_ascii_alphanumeric()) => host.trim_start(),
            _ => value,
        };
        let (_, host) = name(value).ok()?;
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        (host.contains('.') && host != "none").then_some(host)
    };
    after(line, "relay=").or_else(|| text.lines().find_map(|l| after(l, "remote-mta:")))
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// RFC 5322 §2.2.3 unfolding: a CRLF (or LF) followed by whitespace is the same line; every other line break
/// becomes a plain LF.
fn unfold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        match lines.peek() {
            Some(next) if next.starts_with([' ', '\t']) => {
                out.push(' ');
                let rest = lines.next().unwrap_or_default().trim_start_matches([' ', '\t']);
                out.push_str(rest);
                // The continued line may itself continue.
                while lines.peek().is_some_and(|n| n.starts_with([' ', '\t'])) {
                    out.push(' ');
                    out.push_str(lines.next().unwrap_or_default().trim_start_matches([' ', '\t']));
                }
                if lines.peek().is_some() {
                    out.push('\n');
                }
            }
            Some(_) => out.push('\n'),
            None => {}
        }
    }
    out
}

enum Segment<'p> {
    Literal(&'p str),
    Host,
    Domain,
    Detail,
}

/// A pattern's literal words and placeholders, in order.
fn segments(pattern: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        let placeholder: IResult<&str, &str> = alt((tag("{host}"), tag("{domain}"), tag("{detail}"))).parse(rest);
        let (after, segment) = match placeholder {
            Ok((after, "{host}")) => (after, Segment::Host),
            Ok((after, "{domain}")) => (after, Segment::Domain),
            Ok((after, _)) => (after, Segment::Detail),
            Err(_) => {
                let end = rest[1..].find('{').map_or(rest.len(), |i| i + 1);
                (&rest[end..], Segment::Literal(&rest[..end]))
            }
        };
        out.push(segment);
        rest = after;
    }
    out
}

#[derive(Default)]
struct Captures<'t> {
    host: Option<&'t str>,
    domain: Option<&'t str>,
    detail: Option<&'t str>,
    /// How much of the text the pattern covered.
    len: usize,
}

/// A host or domain name as senders print it: letters, digits, `-`, `_` and dots (a U-label passes too).
fn name(input: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')).parse(input)
}

/// Matches `segments` at the start of `text`, case-insensitively, on one line.
fn matches<'t>(text: &'t str, segments: &[Segment<'_>]) -> Option<Captures<'t>> {
    let mut captures = Captures::default();
    let mut rest = text;
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Literal(words) => {
                let (after, _) = tag_no_case::<_, _, nom::error::Error<&str>>(*words).parse(rest).ok()?;
                rest = after;
            }
            Segment::Host | Segment::Domain => {
                let (after, found) = name(rest).ok()?;
                if matches!(segment, Segment::Host) {
                    captures.host = Some(found);
                } else {
                    captures.domain = Some(found);
                }
                rest = after;
            }
            Segment::Detail => {
                let line_end = rest.find('\n').unwrap_or(rest.len());
                let line = &rest[..line_end];
                let end = match segments.get(i + 1) {
                    Some(Segment::Literal(next)) => line.to_ascii_lowercase().find(&next.to_ascii_lowercase())?,
                    _ => line.find([')', ';']).unwrap_or(line.len()),
                };
                captures.detail = Some(&line[..end]);
                rest = &rest[end..];
            }
        }
    }
    captures.len = text.len() - rest.len();
    Some(captures)
}

/// `status-code = class "." subject "." detail` (RFC 3463 §2): class 2, 4 or 5, then 1–3 digits twice.
fn status_code(input: &str) -> IResult<&str, &str> {
    let digits = || take_while_m_n(1, 3, |c: char| c.is_ascii_digit());
    recognize((one_of("245"), char('.'), digits(), char('.'), digits())).parse(input)
}

/// Every enhanced status code standing as a word of its own (not inside an IP address or a version).
fn status_codes(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    for (at, _) in text.char_indices() {
        let before_ok = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'.');
        if !before_ok {
            continue;
        }
        if let Ok((rest, code)) = status_code(&text[at..]) {
            let after_ok = rest.chars().next().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '.'));
            if after_ok && !out.iter().any(|c| c == code) {
                out.push(code.to_owned());
            }
        }
    }
    out
}

/// The domains of the recipients a DSN names (RFC 3464 §2.3.1–2.3.2: `Original-Recipient` and
/// `Final-Recipient`, `rfc822; local@domain`) and of Postfix's log field `to=<local@domain>`.
fn recipient_domains(text: &str) -> Vec<String> {
    fn address_domain(input: &str) -> Option<String> {
        let address: IResult<&str, &str> = take_till(|c: char| c.is_whitespace() || c == '>' || c == ',').parse(input);
        let (_, address) = address.ok()?;
        let (_, domain) = address.rsplit_once('@')?;
        Domain::parse(domain).ok().map(|d| d.as_str().to_owned())
    }
    let mut out = Vec::new();
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        for field in ["final-recipient:", "original-recipient:"] {
            if let Some(at) = lower.find(field) {
                let value = &line[at + field.len()..];
                let value = value.split_once(';').map_or(value, |(_, v)| v).trim_start();
                out.extend(address_domain(value.trim_start_matches('<')));
            }
        }
        let mut from = 0;
        while let Some(at) = lower[from..].find("to=<").map(|i| from + i) {
            from = at + 4;
            out.extend(address_domain(&line[from..]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(text: &str) -> Cause {
        let mut explanation = explain(text);
        assert_eq!(explanation.causes.len(), 1, "{text:?}: {:#?}", explanation.causes);
        explanation.causes.remove(0)
    }

    #[test]
    fn exchange_online_mx_not_covered_names_the_domain_and_the_rule() {
        let text = "Remote server returned '550 5.4.8 MX hosts of example.com failed MTA-STS validation. \
                    [BN8NAM11FT066.eop-nam11.prod.protection.outlook.com 2026-11-28T10:00:00.000Z]'";
        let cause = only(text);
        assert_eq!(cause.sender, "Exchange Online");
        assert_eq!(cause.failure, Failure::MxNotCovered);
        assert_eq!(cause.status.as_deref(), Some("5.4.8"));
        assert_eq!(cause.codes, [Code::MxNotCovered]);
        assert_eq!(cause.domain.as_deref(), Some("example.com"));
        assert!(cause.meaning.contains("Exchange Online") && cause.meaning.contains("RFC 8461 §4.1"));
        assert_eq!(explain(text).domains, ["example.com"]);
    }

    #[test]
    fn exchange_online_certificate_keeps_the_reason_and_is_one_cause() {
        let text = "451 4.7.5 Remote certificate failed MTA-STS validation. Reason: RemoteCertificateNameMismatch";
        let cause = only(text);
        assert_eq!(cause.failure, Failure::MxCertificate);
        assert_eq!(cause.status.as_deref(), Some("4.7.5"));
        assert_eq!(cause.detail.as_deref(), Some("RemoteCertificateNameMismatch"));
        assert!(cause.codes.is_empty(), "the checker does not probe the MX host's certificate");
    }

    #[test]
    fn a_folded_diagnostic_code_is_read_as_one_line() {
        let text = "Final-Recipient: rfc822; admin@Example.ORG\r\nAction: delayed\r\nStatus: 4.7.4\r\n\
                    Diagnostic-Code: X-Postfix; TLS is required, but was not offered by\r\n    host \
                    mx1.example.org[192.0.2.25]\r\n";
        let explanation = explain(text);
        assert_eq!(explanation.causes.len(), 1, "{:#?}", explanation.causes);
        let cause = &explanation.causes[0];
        assert_eq!(cause.failure, Failure::MxNoStarttls);
        assert_eq!(cause.host.as_deref(), Some("mx1.example.org"));
        assert_eq!(cause.status.as_deref(), Some("4.7.4"));
        assert!(cause.caveat.is_some(), "Postfix's words are not specific to MTA-STS");
        assert_eq!(explanation.domains, ["example.org"]);
    }

    #[test]
    fn postfix_log_lines_name_host_and_domain() {
        let log = "postfix/smtp[123]: warning: MX name 'mx3.example.net' does not match STS MX pattern for \
                   'example.net'\npostfix/smtp[123]: 4F2A1: to=<bob@example.net>, relay=none, dsn=4.7.5, \
                   status=deferred (Server certificate not verified)";
        let explanation = explain(log);
        let failures: Vec<Failure> = explanation.causes.iter().map(|c| c.failure).collect();
        assert_eq!(failures, [Failure::MxNotCovered, Failure::MxCertificate]);
        assert_eq!(explanation.causes[0].host.as_deref(), Some("mx3.example.net"));
        assert_eq!(explanation.causes[0].domain.as_deref(), Some("example.net"));
        assert_eq!(explanation.domains, ["example.net"]);
        assert_eq!(explanation.status_codes, ["4.7.5"]);
    }

    #[test]
    fn the_host_comes_from_the_log_line_or_the_remote_mta_field() {
        let log = "postfix/smtp[9]: 4F2A1: to=<bob@example.net>, relay=MX2.example.net[192.0.2.7]:25, dsn=4.7.5, \
                   status=deferred (Server certificate not verified; see the log)";
        assert_eq!(only(log).host.as_deref(), Some("mx2.example.net"));
        let dsn = "Reporting-MTA: dns; out.sender.example\nRemote-MTA: dns; mx1.example.org\n\
                   Diagnostic-Code: smtp; 451 4.7.5 Remote certificate failed MTA-STS validation. Reason: Expired";
        let cause = only(dsn);
        assert_eq!(cause.host.as_deref(), Some("mx1.example.org"));
        assert!(cause.meaning.contains("`mx1.example.org`"), "{}", cause.meaning);
        assert_eq!(only("Server certificate not verified").host, None);
    }

    #[test]
    fn stalwart_and_mox_wordings() {
        let stalwart = "<carol@example.com> (MTA-STS failed to authenticate 'mx.other.example': MX \
                        \"mx.other.example\" not authorized by policy.)";
        let cause = only(stalwart);
        assert_eq!((cause.sender, cause.failure), ("Stalwart", Failure::MxNotCovered));
        assert_eq!(cause.host.as_deref(), Some("mx.other.example"));
        let fetch = only("<carol@example.com> (MTA-STS failed to authenticate 'example.com': Policy not found.)");
        assert_eq!(fetch.failure, Failure::PolicyUnavailable);
        assert_eq!(fetch.domain.as_deref(), Some("example.com"));
        assert!(fetch.meaning.contains("https://mta-sts.example.com/.well-known/mta-sts.txt"));
        let mox = only(
            "mx host mx9.example.com does not match enforced mta-sts policy with hosts mx1.example.com,*.mail.example.com",
        );
        assert_eq!((mox.sender, mox.failure), ("mox", Failure::MxNotCovered));
        assert_eq!(mox.detail.as_deref(), Some("mx1.example.com,*.mail.example.com"));
    }

    #[test]
    fn unrelated_bounces_are_not_explained_but_their_status_is_listed() {
        let explanation = explain("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown");
        assert!(explanation.causes.is_empty());
        assert_eq!(explanation.status_codes, ["5.1.1"]);
        assert_eq!(explanation.summary, words::summary_none());
        // An IP address or a version number is no status code.
        assert!(explain("relay=mx[192.0.2.5] postfix 3.10.5").status_codes.is_empty());
    }

    #[test]
    fn every_signature_matches_its_own_pattern_and_cites_a_source() {
        for signature in SIGNATURES {
            let sample = signature
                .pattern
                .replace("{host}", "mx1.example.com")
                .replace("{domain}", "example.com")
                .replace("{detail}", "why");
            let explanation = explain(&sample);
            assert!(
                explanation.causes.iter().any(|c| c.signature == signature.id || c.failure == signature.failure),
                "{}: {sample:?} not recognised",
                signature.id
            );
            assert!(signature.source.starts_with("https://"), "{}: no source", signature.id);
        }
    }

    proptest::proptest! {
        /// Pieces of every signature, names, status codes and line breaks in any order: never a panic, and
        /// every cause quotes text that is really there.
        #[test]
        fn never_panics_and_quotes_only_what_is_there(
            pieces in proptest::collection::vec(proptest::prop_oneof![
                proptest::sample::select(SIGNATURES.iter().map(|s| s.pattern.to_owned()).collect::<Vec<_>>()),
                proptest::sample::select(vec!["mx.example.com", "é.example", "'", "\"", "(", ")", ";", "\r\n", "\n ",
                    "5.4.8", "4.7.", "relay=", "Remote-MTA: dns;", "Final-Recipient: rfc822; a@", "to=<", "{", "}"]
                    .into_iter().map(String::from).collect::<Vec<_>>()),
                "\\PC{0,12}",
            ], 0..12)
        ) {
            let text: String = pieces.concat();
            let explanation = explain(&text);
            let unfolded = unfold(&text);
            for cause in &explanation.causes {
                proptest::prop_assert!(unfolded.contains(&cause.quote), "{:?} not in {:?}", cause.quote, unfolded);
            }
        }
    }

    #[test]
    fn huge_or_odd_input_never_panics() {
        let big = "é".repeat(MAX_TEXT_LEN);
        assert!(explain(&big).truncated);
        for text in ["", "{host}", "MX hosts of ", "Reason: ", "\n \n\t", "5.", "to=<", "Final-Recipient: ;"] {
            let _ = explain(text);
        }
    }
}
