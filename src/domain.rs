//! The Policy Domain a person typed or pasted, normalised to lower-case A-labels.
//!
//! Every shell (the web page, the worker, the CLI) runs what a person entered through
//! [`Domain::parse`], so the same input gives the same domain, or the same explanation of why it is not
//! one, everywhere. People paste URLs, e-mail addresses, the policy URL and record names; the parser
//! takes the domain out of the unambiguous ones and says what it did in notes
//! ([`Domain::parse_with_notes`]), and refuses anything else with one sentence that says what is wrong
//! and what to type instead.

use core::net::Ipv6Addr;

use serde::{Deserialize, Serialize};

use crate::{abnf, uts46};

/// A Policy Domain: lower-case A-labels, no trailing dot, fits `_mta-sts.` + domain in 253 octets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

/// Why an input is not a usable domain, in words a person understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct DomainError {
    pub reason: String,
}

impl DomainError {
    fn new(reason: impl Into<String>) -> Self {
        DomainError { reason: reason.into() }
    }
}

/// The longest name DNS can carry, as text without the root dot: 255 octets on the wire
/// (RFC 1035 §2.3.4) less the first length octet and the root label.
pub const MAX_NAME_LEN: usize = 253;
/// The longest DNS label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// The TXT record of RFC 8461 §3.1 lives at this prefix of the Policy Domain.
const STS_PREFIX: &str = "_mta-sts.";
/// The policy host of RFC 8461 §3.3 is this prefix plus the Policy Domain.
const POLICY_HOST_PREFIX: &str = "mta-sts.";
/// The TLS-RPT record of RFC 8460 §3 lives at this prefix of the Policy Domain.
const TLSRPT_PREFIX: &str = "_smtp._tls.";
/// The path of the policy file (RFC 8461 §3.3).
const POLICY_PATH: &str = "/.well-known/mta-sts.txt";
/// The longest usable Policy Domain: `_mta-sts.` + domain must still be a DNS name.
pub const MAX_DOMAIN_LEN: usize = MAX_NAME_LEN - STS_PREFIX.len();
/// Longer input is not a domain or a URL anyone means; refusing it early bounds the work a pasted
/// document can cause in the worker.
const MAX_INPUT_LEN: usize = 2048;
/// How much of the input an error message quotes.
const QUOTE_LEN: usize = 60;

impl Domain {
    /// Normalises what a person typed or pasted into a Policy Domain.
    pub fn parse(input: &str) -> Result<Domain, DomainError> {
        Domain::parse_with_notes(input).map(|(d, _)| d)
    }

    /// Also says what was done to the input ("took the domain out of the URL you pasted").
    ///
    /// Notes are whole sentences for the person; a canonical domain (lower-case A-labels, no
    /// trailing dot) gets none, except the hint that `mta-sts.<domain>` is the policy host.
    pub fn parse_with_notes(input: &str) -> Result<(Domain, Vec<String>), DomainError> {
        let trimmed = input.trim_matches(is_invisible_padding);
        if trimmed.is_empty() {
            return Err(DomainError::new("Enter a domain name, such as example.com."));
        }
        if trimmed.len() > MAX_INPUT_LEN {
            return Err(DomainError::new(
                "That is far too long to be a domain or URL; enter just the domain, such as example.com.",
            ));
        }
        if let Some(c) = trimmed.chars().find(|&c| c.is_control() && !c.is_whitespace()) {
            return Err(DomainError::new(format!(
                "The input contains an invisible control character (U+{:04X}); type the domain again, such as \
                 example.com.",
                u32::from(c)
            )));
        }

        let extracted = extract_host(trimmed)?;
        let mut notes = extracted.notes;
        let host = extracted.host;
        if host.is_empty() {
            return Err(DomainError::new(
                "There is no domain in what you entered; enter a domain name, such as example.com.",
            ));
        }
        if host.chars().any(char::is_whitespace) {
            return Err(DomainError::new(format!(
                "{} contains a space or line break; enter one domain name without spaces, such as example.com.",
                quote(host)
            )));
        }

        // UTS #46 ToASCII gives the A-labels (RFC 5890 §2.3.2.1) that DNS and certificates use; the rules
        // are checked on the mapped Unicode form (lower-cased, width-folded, `。` made `.`, NFC), so that
        // every check sees what DNS would and messages name what the person typed.
        let ascii = to_ascii(host)?;
        let mapped = uts46::to_unicode(&ascii);
        let (name, had_trailing_dot) = strip_trailing_dot(&mapped, host)?;
        check_syntax(name, host)?;
        let ascii = if had_trailing_dot { ascii[..ascii.len() - 1].to_owned() } else { ascii };
        check_lengths(&ascii)?;
        check_idna_strict(&ascii, host)?;

        if extracted.from_policy_url {
            notes.push(format!("Took the domain {ascii} out of the policy URL you pasted."));
        }
        if had_trailing_dot {
            notes.push("Removed the trailing dot.".to_owned());
        }
        if !host.is_ascii() {
            let unicode = uts46::to_unicode(&ascii);
            if ascii.split('.').any(is_a_label) {
                notes.push(format!("Converted the internationalised name {unicode} to its A-label form {ascii}."));
            } else {
                notes.push(format!("Converted the name to plain ASCII characters: {ascii}."));
            }
        }
        if let Some(parent) = ascii.strip_prefix(POLICY_HOST_PREFIX)
            && !extracted.from_policy_url
            && parent.contains('.')
        {
            notes.push(format!(
                "{ascii} looks like the policy host; checking it as given, but if you meant the mail domain, \
                 check {parent} instead."
            ));
        }
        Ok((Domain(ascii), notes))
    }

    /// The domain in lower-case A-labels, without a trailing dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain for display: U-labels where the A-labels decode.
    pub fn to_unicode(&self) -> String {
        uts46::to_unicode(&self.0)
    }

    /// The host that serves the policy, `mta-sts.<domain>` (RFC 8461 §3.3).
    pub fn policy_host(&self) -> String {
        format!("{POLICY_HOST_PREFIX}{}", self.0)
    }

    /// The name of the STS TXT record, `_mta-sts.<domain>` (RFC 8461 §3.1). Always a valid DNS name:
    /// [`Domain::parse`] guarantees it fits in 253 octets.
    pub fn sts_record_name(&self) -> String {
        format!("{STS_PREFIX}{}", self.0)
    }

    /// The name of the TLS-RPT TXT record, `_smtp._tls.<domain>` (RFC 8460 §3).
    ///
    /// `_smtp._tls.` is two octets longer than `_mta-sts.`, so for a domain of 243 or 244 octets this name
    /// exceeds the 253-octet DNS limit (RFC 1035 §2.3.4) and cannot be queried: see
    /// [`Domain::tlsrpt_record_name_fits`].
    pub fn tlsrpt_record_name(&self) -> String {
        format!("{TLSRPT_PREFIX}{}", self.0)
    }

    /// Whether [`Domain::tlsrpt_record_name`] is a name DNS can carry (RFC 1035 §2.3.4).
    pub fn tlsrpt_record_name_fits(&self) -> bool {
        TLSRPT_PREFIX.len() + self.0.len() <= MAX_NAME_LEN
    }

    /// The one URL a sender fetches the policy from (RFC 8461 §3.3).
    pub fn policy_url(&self) -> String {
        format!("https://{POLICY_HOST_PREFIX}{}{POLICY_PATH}", self.0)
    }
}

impl TryFrom<String> for Domain {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Domain::parse(&value)
    }
}
impl From<Domain> for String {
    fn from(d: Domain) -> String {
        d.0
    }
}
impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::str::FromStr for Domain {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse(s)
    }
}

/// Whitespace (Unicode `White_Space`, so also no-break and ideographic spaces) plus the invisible
/// characters that copying from web pages and documents leaves around text.
fn is_invisible_padding(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// The host part of what was pasted, and what was done to get it.
struct Extracted<'a> {
    host: &'a str,
    notes: Vec<String>,
    /// The input was the policy URL, so its `mta-sts.` was already taken off.
    from_policy_url: bool,
}

/// Takes the host out of a URL, an e-mail address or `host:port`; anything else is the host itself.
fn extract_host(input: &str) -> Result<Extracted<'_>, DomainError> {
    let mut s = input;
    let mut notes = Vec::new();
    // `Jane Doe <jane@example.com>` and `<jane@example.com>`, as mail programs copy addresses.
    if let Some(inner) = s.strip_suffix('>')
        && let Some(open) = inner.rfind('<')
    {
        s = inner[open + 1..].trim_matches(is_invisible_padding);
    }

    if let Some(rest) = strip_prefix_ignore_ascii_case(s, "mailto:") {
        let address = rest.split(['?', '#']).next().unwrap_or_default();
        let host = address.rsplit_once('@').map_or(address, |(_, domain)| domain);
        notes.push("Took the domain out of the e-mail address you pasted.".to_owned());
        return Ok(Extracted { host, notes, from_policy_url: false });
    }

    let (after_scheme, is_url) = match split_scheme(s) {
        Some(rest) => (rest, true),
        None => (s, false),
    };
    let authority_end = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(authority_end);
    let path = rest.split(['?', '#']).next().unwrap_or_default();

    let mut host = authority;
    if let Some((userinfo, domain)) = authority.rsplit_once('@') {
        // A URL's userinfo can hide the real host (`https://example.com@evil.test/`) and carries
        // secrets; the worker must never be handed one, so refuse rather than guess.
        if is_url || userinfo.contains(':') {
            return Err(DomainError::new(
                "Addresses with a user name or password are not accepted; enter just the domain, such as \
                 example.com.",
            ));
        }
        host = domain;
        notes.push("Took the domain out of the e-mail address you pasted.".to_owned());
    } else if is_url {
        notes.push("Took the domain out of the URL you pasted.".to_owned());
    } else if !rest.is_empty() {
        notes.push("Removed what followed the domain (a path, query or fragment).".to_owned());
    }

    let (without_port, port) = split_port(host);
    host = without_port;
    match port {
        Some("") => notes.push("Removed the “:” after the domain.".to_owned()),
        Some(port) => notes.push(format!(
            "Ignored the port :{port}; senders always fetch the policy over HTTPS on the standard port (RFC 8461 \
             §3.3)."
        )),
        None => {}
    }

    let mut from_policy_url = false;
    if path == POLICY_PATH
        && let Some(parent) = strip_prefix_ignore_ascii_case(host, POLICY_HOST_PREFIX)
        && parent.trim_end_matches('.').contains('.')
    {
        // The policy URL names its domain unambiguously (RFC 8461 §3.3), unlike a bare `mta-sts.` host.
        // The note waits for the normalised domain.
        host = parent;
        from_policy_url = true;
        notes.clear();
    }
    Ok(Extracted { host, notes, from_policy_url })
}

/// `scheme "://"` (RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`), or a
/// scheme-relative `//`: returns what follows.
fn split_scheme(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix("//") {
        return Some(rest);
    }
    let (scheme, rest) = s.split_once("://")?;
    let mut bytes = scheme.bytes();
    let first_is_alpha = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    (first_is_alpha && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))).then_some(rest)
}

/// Splits `host:port` (RFC 3986 §3.2.3 `port = *DIGIT`). Anything with more than one colon or a
/// bracket is left whole for the address-literal checks to explain.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return (authority, None);
    }
    match authority.split_once(':') {
        Some((host, port)) if !port.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => (host, Some(port)),
        _ => (authority, None),
    }
}

fn strip_prefix_ignore_ascii_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// UTS #46 ToASCII of the host, or why there is none: a bad A-label is named, else the first character
/// UTS #46 refuses.
fn to_ascii(host: &str) -> Result<String, DomainError> {
    match uts46::to_ascii(host) {
        Ok(ascii) => Ok(ascii),
        Err(uts46::Error::NoBackend) => Err(DomainError::new(format!(
            "{} is an internationalised name, which this build cannot convert; enter its A-label form \
             (xn--…) or use a build with UTS #46 support.",
            quote(host)
        ))),
        Err(uts46::Error::Invalid) => {
            let bad = host.split('.').find(|l| is_a_label(&l.to_ascii_lowercase()) && uts46::to_ascii(l).is_err());
            Err(bad.map_or_else(|| idna_error(host), bad_a_label))
        }
    }
}

/// The explanation for a name UTS #46 refuses, naming the first character it refuses on its own.
fn idna_error(host: &str) -> DomainError {
    let offending = host.chars().filter(|c| !c.is_ascii()).find(|&c| {
        let mut buffer = [0; 4];
        uts46::to_ascii(c.encode_utf8(&mut buffer)).is_err()
    });
    DomainError::new(match offending {
        Some(c) => format!(
            "{} contains “{c}” (U+{:04X}), which internationalised domain names cannot contain (RFC 5892, UTS #46); \
             check for a typing or copying mistake.",
            quote(host),
            u32::from(c)
        ),
        None => format!(
            "{} is not a valid internationalised domain name (RFC 5891, RFC 5893, UTS #46): its characters or \
             their order are not allowed together; check for a typing or copying mistake.",
            quote(host)
        ),
    })
}

fn bad_a_label(label: &str) -> DomainError {
    DomainError::new(format!(
        "The label {} starts with “xn--” but is not a valid A-label (RFC 5890 §2.3.2.1); check it was copied \
         completely, or enter the name in its own script.",
        quote(label)
    ))
}

fn is_a_label(label: &str) -> bool {
    label.starts_with("xn--")
}

/// Takes off one trailing dot: people copy names from zone files and `dig`, where the root dot is
/// written out. More than one is not a name.
fn strip_trailing_dot<'a>(mapped: &'a str, host: &str) -> Result<(&'a str, bool), DomainError> {
    let Some(name) = mapped.strip_suffix('.') else { return Ok((mapped, false)) };
    if name.is_empty() {
        return Err(DomainError::new(
            "A dot on its own is the DNS root, not a domain; enter a domain name, such as example.com.",
        ));
    }
    if name.ends_with('.') {
        return Err(DomainError::new(format!("{} ends with more than one dot; remove the extra dots.", quote(host))));
    }
    Ok((name, true))
}

/// The rules a Policy Domain must follow, checked on the mapped Unicode form so that messages name
/// what the person typed, in the order that gives the most useful explanation.
fn check_syntax(name: &str, host: &str) -> Result<(), DomainError> {
    if name.is_empty() {
        return Err(DomainError::new("Enter a domain name, such as example.com."));
    }
    check_not_address(name, host)?;
    if name.contains('%') {
        return Err(DomainError::new(format!(
            "{} contains percent-encoding (%); type the domain name itself, such as example.com, not an encoded \
             form.",
            quote(host)
        )));
    }
    check_not_record_name(name, host)?;
    if name.contains('*') {
        return Err(DomainError::new(format!(
            "{} contains a wildcard (*), which is a pattern, not a domain; enter the domain itself, such as \
             example.com.",
            quote(host)
        )));
    }
    // RFC 5321 §4.1.2 (the `Domain` of RFC 8461 §3.2): letters, digits and hyphens between the dots.
    // Non-ASCII characters have passed UTS #46 and become A-labels of those.
    let not_ldh = |c: char| c.is_ascii() && !(abnf::is_alphanum(c as u8) || c == '-' || c == '.');
    if let Some(c) = name.chars().find(|&c| not_ldh(c)) {
        return Err(DomainError::new(format!(
            "{} contains “{c}”, which is not allowed in a domain name; use only letters, digits, hyphens and dots \
             (RFC 5321 §4.1.2).",
            quote(host)
        )));
    }
    if name.starts_with('.') {
        return Err(DomainError::new(format!("{} starts with a dot; remove it.", quote(host))));
    }
    if name.contains("..") {
        return Err(DomainError::new(format!(
            "{} has two dots in a row (an empty label, RFC 1035 §2.3.4); remove the extra dot.",
            quote(host)
        )));
    }
    // RFC 5321 §4.1.2: `sub-domain = Let-dig [Ldh-str]`, and `Ldh-str` ends in `Let-dig`; RFC 5891
    // §4.2.3.1 says the same of U-labels.
    if let Some(label) = name.split('.').find(|l| l.starts_with('-') || l.ends_with('-')) {
        let place = if label.starts_with('-') { "starts" } else { "ends" };
        return Err(DomainError::new(format!(
            "The label {} {place} with a hyphen, which domain names do not allow (RFC 5321 §4.1.2); remove it.",
            quote(label)
        )));
    }
    // RFC 5891 §4.2.3.1: `--` in the third and fourth places is reserved for A-labels. Plain ASCII
    // labels with it are legal host names that exist, so only U-labels are refused here.
    if let Some(label) = name.split('.').find(|l| !l.is_ascii() && l.chars().skip(2).take(2).eq("--".chars())) {
        return Err(DomainError::new(format!(
            "The label {} has hyphens in its third and fourth places, which internationalised labels cannot have \
             (RFC 5891 §4.2.3.1); remove or move them.",
            quote(label)
        )));
    }
    if !name.contains('.') {
        return Err(DomainError::new(format!(
            "{} is a single label, not a mail domain; enter the full domain with at least one dot, such as \
             example.com.",
            quote(name)
        )));
    }
    Ok(())
}

/// Refuses IP addresses in every notation a URL parser or resolver accepts: RFC 8461 §3.4 gives
/// no way to have a policy for address literals, and a policy host `mta-sts.<address>` is not a name.
fn check_not_address(name: &str, host: &str) -> Result<(), DomainError> {
    let literal = || {
        DomainError::new(format!(
            "{} is an IP address, but MTA-STS policies belong to domain names (RFC 8461 §3.4); enter the mail \
             domain, such as example.com.",
            quote(host)
        ))
    };
    if name.starts_with('[') || name.ends_with(']') {
        return Err(literal());
    }
    if name.contains(':') {
        let without_zone = name.split('%').next().unwrap_or_default();
        if without_zone.parse::<Ipv6Addr>().is_ok() {
            return Err(literal());
        }
        return Err(DomainError::new(format!(
            "{} contains “:”; enter just the domain, such as example.com, without a port or anything else.",
            quote(host)
        )));
    }
    let labels: Vec<&str> = name.split('.').collect();
    let last = labels.last().copied().unwrap_or_default();
    // WHATWG URL "ends in a number": browsers and resolvers read such a host as IPv4 (`127.1`,
    // `0x7f.1`, `2130706433`), and no top-level domain is numeric (RFC 3696 §2).
    if is_ipv4_number(last) {
        let all_numbers = labels.len() <= 4 && labels.iter().all(|l| is_ipv4_number(l));
        if all_numbers {
            return Err(literal());
        }
        return Err(DomainError::new(format!(
            "{} ends in “{last}”, a number, but no top-level domain is numeric (RFC 3696 §2); check the end of the \
             domain for a typing mistake.",
            quote(host)
        )));
    }
    Ok(())
}

/// A part of an IPv4 address as `inet_aton` and the WHATWG URL parser read it: decimal, octal
/// (leading 0) or hexadecimal (`0x`).
fn is_ipv4_number(label: &str) -> bool {
    if let Some(hex) = label.strip_prefix("0x") {
        return hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    !label.is_empty() && label.bytes().all(abnf::is_digit)
}

/// Underscore labels are DNS record names (RFC 8552), never a mail domain; the common case is a
/// person pasting the record name from their zone.
fn check_not_record_name(name: &str, host: &str) -> Result<(), DomainError> {
    if !name.contains('_') {
        return Ok(());
    }
    for (prefix, what) in
        [(STS_PREFIX, "the _mta-sts record name"), (TLSRPT_PREFIX, "the _smtp._tls TLS-RPT record name")]
    {
        if let Some(domain) = name.strip_prefix(prefix)
            && !domain.is_empty()
        {
            return Err(DomainError::new(format!("Enter the domain itself, such as {domain}, not {what}.")));
        }
    }
    Err(DomainError::new(format!(
        "{} contains an underscore (_), which domain names for mail cannot contain (RFC 5321 §4.1.2); enter the \
         mail domain itself, such as example.com.",
        quote(host)
    )))
}

/// RFC 1035 §2.3.4 sizes, on the A-label form that goes on the wire.
fn check_lengths(ascii: &str) -> Result<(), DomainError> {
    if let Some(label) = ascii.split('.').find(|l| l.len() > MAX_LABEL_LEN) {
        let form = if is_a_label(label) { " in its A-label form" } else { "" };
        return Err(DomainError::new(format!(
            "The label {} is {} characters long{form}, but a DNS label can have at most {MAX_LABEL_LEN} (RFC 1035 \
             §2.3.4).",
            quote(label),
            label.len()
        )));
    }
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(DomainError::new(format!(
            "The domain is {} characters long in DNS form, but it can have at most {MAX_DOMAIN_LEN}: the record \
             name _mta-sts.<domain> must fit in the {MAX_NAME_LEN}-character limit of DNS names (RFC 1035 §2.3.4).",
            ascii.len()
        )));
    }
    Ok(())
}

/// What UTS #46 adds with `UseSTD3ASCIIRules`, `CheckHyphens` and `VerifyDnsLength` (RFC 5891 §5.4
/// lookup rules) to the ToASCII that [`uts46::to_ascii`] ran, checked on the result. `check_syntax` has
/// already refused, on the mapped form, what a person would fix (a hyphen at either end, `--` in the third
/// and fourth places of a U-label, any other ASCII character); this is what no check before catches.
/// Plain ASCII labels with `--` in the third and fourth places are legal host names and exist, so they
/// are not refused.
fn check_idna_strict(ascii: &str, host: &str) -> Result<(), DomainError> {
    let is_ldh_label = |label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| abnf::is_alphanum(b) || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !ascii.split('.').all(is_ldh_label) {
        return Err(idna_error(host));
    }
    // UTS #46 §4.1 step 4: an A-label decodes to a U-label that is not plain ASCII.
    if let Some(label) = ascii.split('.').find(|l| is_a_label(l) && uts46::to_unicode(l) == *l) {
        return Err(bad_a_label(label));
    }
    Ok(())
}

/// Quotes part of the input for a message, cut short so a pasted document does not fill the page.
/// Line breaks and tabs become spaces so the message stays one line.
fn quote(s: &str) -> String {
    let mut head: String = s.chars().take(QUOTE_LEN).map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    if s.chars().nth(QUOTE_LEN).is_some() {
        head.push('…');
    }
    format!("“{head}”")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Accepted inputs: (input, domain, substrings the notes must contain, in order).
    const ACCEPTED: &[(&str, &str, &[&str])] = &[
        ("example.com", "example.com", &[]),
        ("Example.COM", "example.com", &[]),
        ("  example.com  ", "example.com", &[]),
        ("\u{3000}example.com\u{A0}", "example.com", &[]),
        ("\u{FEFF}example.com\u{200B}", "example.com", &[]),
        ("\texample.com\n", "example.com", &[]),
        ("example.com.", "example.com", &["Removed the trailing dot."]),
        (" example.com. ", "example.com", &["Removed the trailing dot."]),
        ("https://Example.COM/path?x#y", "example.com", &["out of the URL"]),
        ("HTTPS://example.com", "example.com", &["out of the URL"]),
        ("http://example.com:8443/", "example.com", &["out of the URL", "port :8443"]),
        ("https://example.com./", "example.com", &["out of the URL", "trailing dot"]),
        ("//example.com/x", "example.com", &["out of the URL"]),
        ("example.com/", "example.com", &["Removed what followed"]),
        ("example.com?q=1", "example.com", &["Removed what followed"]),
        ("example.com:443", "example.com", &["port :443"]),
        ("example.com:", "example.com", &["“:”"]),
        ("user@example.com", "example.com", &["e-mail address"]),
        ("User.Name+tag@Example.com", "example.com", &["e-mail address"]),
        ("mailto:user@example.com", "example.com", &["e-mail address"]),
        ("MAILTO:user@example.com?subject=hi", "example.com", &["e-mail address"]),
        ("<user@example.com>", "example.com", &["e-mail address"]),
        ("Jane Doe <jane@example.com>", "example.com", &["e-mail address"]),
        ("\"odd@local\"@example.com", "example.com", &["e-mail address"]),
        (
            "mta-sts.example.com",
            "mta-sts.example.com",
            &["looks like the policy host; checking it as given, but if you meant the mail domain, check example.com"],
        ),
        (
            "https://mta-sts.example.com/.well-known/mta-sts.txt",
            "example.com",
            &["Took the domain example.com out of the policy URL"],
        ),
        ("mta-sts.example.com/.well-known/mta-sts.txt", "example.com", &["policy URL"]),
        (
            "https://MTA-STS.Example.com:443/.well-known/mta-sts.txt",
            "example.com",
            &["domain example.com out of the policy URL"],
        ),
        ("https://example.com/.well-known/mta-sts.txt", "example.com", &["out of the URL"]),
        ("https://mta-sts.com/.well-known/mta-sts.txt", "mta-sts.com", &["out of the URL"]),
        (
            "https://mta-sts.bücher.example/.well-known/mta-sts.txt",
            "xn--bcher-kva.example",
            &["domain xn--bcher-kva.example out of the policy URL", "A-label form"],
        ),
        ("mta-sts.com", "mta-sts.com", &[]),
        ("bücher.example", "xn--bcher-kva.example", &["bücher.example to its A-label form xn--bcher-kva.example"]),
        ("BÜCHER.example", "xn--bcher-kva.example", &["A-label form"]),
        ("xn--bcher-kva.example", "xn--bcher-kva.example", &[]),
        ("XN--BCHER-KVA.example", "xn--bcher-kva.example", &[]),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah", &["A-label form xn--r8jz45g.xn--zckzah"]),
        ("例え。テスト", "xn--r8jz45g.xn--zckzah", &["A-label form"]),
        ("straße.de", "xn--strae-oqa.de", &["A-label form"]),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", &["plain ASCII characters: example.com"]),
        ("exam\u{AD}ple.com", "example.com", &["plain ASCII"]),
        ("https://bücher.example/", "xn--bcher-kva.example", &["out of the URL", "A-label form"]),
        ("a-b.example.com", "a-b.example.com", &[]),
        ("ab--cd.example.com", "ab--cd.example.com", &[]),
        ("1password.com", "1password.com", &[]),
        ("123.example", "123.example", &[]),
        ("192.0.2.1.example", "192.0.2.1.example", &[]),
        ("example.xn--p1ai", "example.xn--p1ai", &[]),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai", &["A-label form"]),
        ("a.b", "a.b", &[]),
    ];

    /// Rejected inputs: (input, a substring the reason must contain).
    const REJECTED: &[(&str, &str)] = &[
        ("", "Enter a domain name"),
        ("   \u{3000} ", "Enter a domain name"),
        ("https://", "no domain"),
        ("mailto:", "no domain"),
        ("user@", "no domain"),
        (".", "DNS root"),
        ("example.com..", "more than one dot"),
        ("a..b", "two dots in a row"),
        (".example.com", "starts with a dot"),
        ("192.0.2.1", "is an IP address"),
        ("１９２．０．２．１", "is an IP address"),
        ("192。0。2。1", "is an IP address"),
        ("192.0.2.1.", "is an IP address"),
        ("0x7f.1", "is an IP address"),
        ("0177.0.0.1", "is an IP address"),
        ("2130706433", "is an IP address"),
        ("127.1", "is an IP address"),
        ("0x7F000001", "is an IP address"),
        ("[::1]", "is an IP address"),
        ("[192.0.2.1]", "is an IP address"),
        ("::1", "is an IP address"),
        ("::ffff:1.2.3.4", "is an IP address"),
        ("2001:db8::1", "is an IP address"),
        ("fe80::1%eth0", "is an IP address"),
        ("http://[2001:db8::1]:8080/", "is an IP address"),
        ("https://192.0.2.1/", "is an IP address"),
        ("user@[192.0.2.1]", "is an IP address"),
        ("192.0.2.1:25", "is an IP address"),
        ("1.2.3.4.5", "no top-level domain is numeric"),
        ("example.123", "no top-level domain is numeric"),
        ("example.0x1f", "no top-level domain is numeric"),
        ("_mta-sts.example.com", "Enter the domain itself, such as example.com, not the _mta-sts record name"),
        ("_MTA-STS.Example.com.", "such as example.com, not the _mta-sts record name"),
        ("_smtp._tls.example.com", "not the _smtp._tls TLS-RPT record name"),
        ("a_b.example.com", "underscore"),
        ("exa%6Dple.com", "percent-encoding"),
        ("https://exa%6Dple.com/", "percent-encoding"),
        ("exam ple.com", "space"),
        ("example.com example.org", "space"),
        ("example.com\nexample.org", "“example.com example.org” contains a space or line break"),
        ("exam\u{A0}ple.com", "space"),
        ("exa\u{7}mple.com", "control character (U+0007)"),
        ("example.com\u{0}", "control character"),
        ("exa!mple.com", "“!”"),
        ("exa！mple.com", "“!”"),
        ("*.example.com", "wildcard"),
        ("example.com,", "“,”"),
        ("https:example.com", "contains “:”"),
        ("example.com:http", "contains “:”"),
        ("ex\u{FF0F}ample.com", "“/”"),
        ("-example.com", "starts with a hyphen"),
        ("example-.com", "ends with a hyphen"),
        ("example.-com", "starts with a hyphen"),
        ("-bücher.example", "starts with a hyphen"),
        ("localhost", "single label"),
        ("com", "single label"),
        ("http://localhost:8080/", "single label"),
        ("https://user:pw@example.com/", "user name or password"),
        ("https://user@example.com/", "user name or password"),
        ("https://example.com@evil.test/", "user name or password"),
        ("user:pw@example.com", "user name or password"),
        ("xn--zz.example", "not a valid A-label"),
        ("xn--.example", "not a valid A-label"),
        ("xn--example-.com", "not a valid A-label"),
        ("xn--ab--cd-.example", "not a valid A-label"),
        ("exa\u{FFFD}mple.com", "U+FFFD"),
        ("☒\u{0378}.example", "U+0378"),
        ("\u{0301}a.example", "internationalised"),
        ("ab--ü.example", "third and fourth places"),
        ("\u{5D0}1.example\u{5D1}", "not a valid internationalised domain name"),
    ];

    #[test]
    fn accepts_what_people_paste() {
        for &(input, domain, expected_notes) in ACCEPTED {
            let (parsed, notes) = Domain::parse_with_notes(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(parsed.as_str(), domain, "{input:?}");
            assert_eq!(notes.len(), expected_notes.len(), "{input:?}: {notes:?}");
            for (note, expected) in notes.iter().zip(expected_notes.iter()) {
                assert!(note.contains(expected), "{input:?}: {note:?} lacks {expected:?}");
                assert!(note.ends_with('.') || note.ends_with('?'), "{input:?}: {note:?} is not a sentence");
            }
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        for &(input, expected) in REJECTED {
            let err = Domain::parse(input).expect_err(input);
            assert!(err.reason.contains(expected), "{input:?}: {:?} lacks {expected:?}", err.reason);
            assert!(err.reason.ends_with('.'), "{input:?}: {:?} is not a sentence", err.reason);
            assert!(err.reason.starts_with(|c: char| c.is_uppercase() || c == '“'), "{:?}", err.reason);
        }
    }

    #[test]
    fn enforces_rfc_1035_sizes() {
        let label63 = "a".repeat(63);
        assert!(Domain::parse(&format!("{label63}.com")).is_ok());
        let err = Domain::parse(&format!("{}.com", "a".repeat(64))).unwrap_err();
        assert!(err.reason.contains("64 characters long, but a DNS label can have at most 63"), "{err}");

        // A 61-character U-label whose A-label is over 63.
        let err = Domain::parse(&format!("{}ü.com", "a".repeat(60))).unwrap_err();
        assert!(err.reason.contains("in its A-label form"), "{err}");

        // Four 60-character labels + "com": 4 * 61 + 3 = 247 > 244.
        let long = format!("{0}.{0}.{0}.{0}.com", "a".repeat(60));
        let err = Domain::parse(&long).unwrap_err();
        assert!(err.reason.contains("247 characters") && err.reason.contains("at most 244"), "{err}");

        // Exactly 244: `_mta-sts.` + it is exactly 253.
        let fits = format!("{0}.{0}.{0}.{1}.com", "a".repeat(60), "a".repeat(57));
        assert_eq!(fits.len(), 244);
        let d = Domain::parse(&fits).unwrap();
        assert_eq!(d.sts_record_name().len(), 253);
        assert!(!d.tlsrpt_record_name_fits());
        assert!(Domain::parse(&format!("{fits}.")).is_ok());
        assert!(Domain::parse(&format!("a{fits}")).is_err());
    }

    #[test]
    fn quotes_long_input_briefly() {
        let err = Domain::parse(&format!("{}!.com", "a".repeat(500))).unwrap_err();
        assert!(err.reason.len() < 250, "{err}");
        assert!(Domain::parse(&"a".repeat(5000)).unwrap_err().reason.contains("too long"));
    }

    #[test]
    fn derived_names() {
        let d = Domain::parse("Example.com").unwrap();
        assert_eq!(d.policy_host(), "mta-sts.example.com");
        assert_eq!(d.sts_record_name(), "_mta-sts.example.com");
        assert_eq!(d.tlsrpt_record_name(), "_smtp._tls.example.com");
        assert!(d.tlsrpt_record_name_fits());
        assert_eq!(d.policy_url(), "https://mta-sts.example.com/.well-known/mta-sts.txt");
        assert_eq!(d.to_string(), "example.com");
        assert_eq!("example.com".parse::<Domain>().unwrap(), d);
    }

    #[test]
    fn displays_u_labels() {
        assert_eq!(Domain::parse("xn--bcher-kva.example").unwrap().to_unicode(), "bücher.example");
        assert_eq!(Domain::parse("例え.テスト").unwrap().to_unicode(), "例え.テスト");
        assert_eq!(Domain::parse("example.com").unwrap().to_unicode(), "example.com");
    }

    #[test]
    fn serde_is_a_validated_string() {
        let d: Domain = serde_json::from_str("\"Bücher.example.\"").unwrap();
        assert_eq!(d.as_str(), "xn--bcher-kva.example");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"xn--bcher-kva.example\"");
        let err = serde_json::from_str::<Domain>("\"192.0.2.1\"").unwrap_err();
        assert!(err.to_string().contains("IP address"), "{err}");
    }

    /// The one note a canonical domain can still get: it is a hint, not a change.
    fn is_hint(note: &str) -> bool {
        note.contains("looks like the policy host")
    }

    fn assert_canonical(d: &Domain) {
        let s = d.as_str();
        assert!(s.len() <= MAX_DOMAIN_LEN, "{s}");
        assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'), "{s}");
        assert!(!s.ends_with('.') && !s.starts_with('.') && s.contains('.'), "{s}");
        let (again, notes) = Domain::parse_with_notes(s).expect("a parsed domain parses again");
        assert_eq!(&again, d);
        assert!(notes.iter().all(|n| is_hint(n)), "{s}: {notes:?}");
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(input in prop_oneof![any::<String>(), "\\PC{0,80}"]) {
            if let Ok(d) = Domain::parse(&input) {
                assert_canonical(&d);
            }
        }

        #[test]
        fn domain_like_input_is_idempotent(
            input in "[ \\t]?(https?://|mailto:|[a-z]{0,3}@)?[a-zA-Z0-9.\\-_:/%@\\[\\]üß例。．１ａ\u{AD}\u{200D}]{0,40}[/.]?[ ]?"
        ) {
            if let Ok(d) = Domain::parse(&input) {
                assert_canonical(&d);
            }
        }

        #[test]
        fn host_names_are_accepted_as_is(
            labels in proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?", 1..5),
            tld in "[a-z]{2,6}",
        ) {
            prop_assume!(!labels.iter().any(|l| l.starts_with("xn--")));
            let name = format!("{}.{tld}", labels.join("."));
            let parsed = Domain::parse_with_notes(&name);
            let (d, notes) = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
            prop_assert_eq!(d.as_str(), name.as_str());
            prop_assert!(notes.iter().all(|n| is_hint(n)));
        }
    }
}
