//! `mx` patterns of a policy (RFC 8461 §3.2) and MX host matching (RFC 8461 §4.1).
//!
//! A pattern keeps the text as the policy wrote it (so a report shows what the administrator typed), and
//! every comparison is ASCII case-insensitive, as RFC 6125 §6.4.1 requires for DNS names.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while1},
    combinator::{all_consuming, opt, verify},
};
use serde::{Deserialize, Serialize};

use crate::abnf::{is_alphanum, is_ldh_or_dot};

/// Longest DNS label, in octets (RFC 1035 §2.3.4).
const MAX_LABEL: usize = 63;
/// Longest host name in presentation form without the root dot (RFC 1035 §2.3.4, minus length octets).
const MAX_NAME: usize = 253;

/// An `mx` pattern of a policy (RFC 8461 §3.2 `sts-policy-mx-value = ["*."] Domain`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum MxPattern {
    /// A fully specified host name, e.g. `mail.example.com`.
    Exact(String),
    /// `*.parent`: any host exactly one label below `parent`.
    Wildcard { parent: String },
}

/// Why a text is not a usable `mx` pattern (RFC 8461 §3.2). Its `Display` is a clause for a mail
/// administrator, from the table in [`crate::message::mx`]; `text` is always the pattern as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MxPatternError {
    Empty,
    Whitespace {
        text: String,
    },
    /// Unicode where the A-label is required; `a_label` is the pattern in A-label form.
    ULabel {
        text: String,
        a_label: String,
    },
    NotAscii {
        text: String,
    },
    AddressOrPort {
        text: String,
    },
    NoHost {
        text: String,
    },
    TrailingDot {
        text: String,
    },
    /// The draft-era `.example.com` suffix notation.
    LeadingDot {
        text: String,
    },
    /// `*` inside the left-most label (`*mail.example.com`); `parent` is what `*.` should precede.
    StarInLabel {
        text: String,
        parent: String,
    },
    StarAfterFirst {
        text: String,
    },
    EmptyLabel {
        text: String,
    },
    Underscore {
        text: String,
    },
    Hyphen {
        text: String,
        label: String,
    },
    Character {
        text: String,
        character: char,
    },
    NotAHostName {
        text: String,
    },
    /// RFC 1035 §2.3.4: a label over [`MAX_LABEL`] octets.
    LabelTooLong {
        text: String,
        label: String,
    },
    /// RFC 1035 §2.3.4: a name over [`MAX_NAME`] characters.
    NameTooLong {
        text: String,
        length: usize,
    },
}

impl MxPatternError {
    /// The clause, e.g. for `{reason}` in a finding's words.
    pub fn reason(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for MxPatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::message::mx as words;
        f.write_str(&match self {
            MxPatternError::Empty => words::empty(),
            MxPatternError::Whitespace { text } => words::whitespace(text),
            MxPatternError::ULabel { text, a_label } => words::u_label(text, a_label),
            MxPatternError::NotAscii { text } => words::not_ascii(text),
            MxPatternError::AddressOrPort { text } => words::address_or_port(text),
            MxPatternError::NoHost { text } => words::no_host(text),
            MxPatternError::TrailingDot { text } => words::trailing_dot(text),
            MxPatternError::LeadingDot { text } => words::leading_dot(text),
            MxPatternError::StarInLabel { text, parent } => words::star_in_label(text, parent),
            MxPatternError::StarAfterFirst { text } => words::star_after_first(text),
            MxPatternError::EmptyLabel { text } => words::empty_label(text),
            MxPatternError::Underscore { text } => words::underscore(text),
            MxPatternError::Hyphen { text, label } => words::hyphen(label, text),
            MxPatternError::Character { text, character } => words::character(text, character),
            MxPatternError::NotAHostName { text } => words::not_a_host_name(text),
            MxPatternError::LabelTooLong { text, label } => words::label_too_long(text, label, label.len(), MAX_LABEL),
            MxPatternError::NameTooLong { text, length } => words::name_too_long(text, length, MAX_NAME),
        })
    }
}

impl std::error::Error for MxPatternError {}

/// `Domain = sub-domain *("." sub-domain)`, `sub-domain = Let-dig [Ldh-str]`,
/// `Let-dig = ALPHA / DIGIT`, `Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig` (RFC 5321 §4.1.2).
///
/// Read as one run of LDH characters and dots, then checked label by label: no backtracking.
fn domain(input: &[u8]) -> IResult<&[u8], &[u8]> {
    verify(take_while1(is_ldh_or_dot), |name: &[u8]| {
        // RFC 5321 §4.1.2: every label is non-empty and starts and ends with a letter or digit. With only
        // LDH characters and dots in the name, that is: a letter or digit at both ends of the name and on
        // both sides of every dot. One loop over the bytes, each with the one before it (a dot before the
        // first).
        let mut before = b'.';
        for &b in name {
            if (before == b'.' && !is_alphanum(b)) || (b == b'.' && !is_alphanum(before)) {
                return false;
            }
            before = b;
        }
        is_alphanum(before)
    })
    .parse(input)
}

/// `sts-policy-mx-value = ["*."] Domain` (RFC 8461 §3.2); yields whether the `*.` was there, and the Domain.
fn mx_value(input: &[u8]) -> IResult<&[u8], (bool, &[u8])> {
    (opt(tag(&b"*."[..])).map(|star| star.is_some()), domain).parse(input)
}

/// The lengths RFC 1035 §2.3.4 puts on `name`, the name of the pattern `text`, which the ABNF leaves
/// unbounded.
fn length_problem(text: &str, name: &str) -> Option<MxPatternError> {
    if name.len() <= MAX_LABEL {
        return None;
    }
    if let Some(label) = name.split('.').find(|l| l.len() > MAX_LABEL) {
        return Some(MxPatternError::LabelTooLong { text: text.to_owned(), label: label.to_owned() });
    }
    (name.len() > MAX_NAME).then(|| MxPatternError::NameTooLong { text: text.to_owned(), length: name.len() })
}

/// Explains why `text` is not `["*."] Domain`; only called once the grammar has failed.
fn diagnose(text: &str) -> MxPatternError {
    let owned = || text.to_owned();
    if text.is_empty() {
        return MxPatternError::Empty;
    }
    if text.trim() != text || text.contains([' ', '\t']) {
        return MxPatternError::Whitespace { text: owned() };
    }
    if !text.is_ascii() {
        let (prefix, rest) = text.strip_prefix("*.").map_or(("", text), |rest| ("*.", rest));
        return match crate::uts46::to_ascii(rest.trim_end_matches('.')) {
            Ok(ascii) if ascii.is_ascii() && !ascii.is_empty() => {
                MxPatternError::ULabel { text: owned(), a_label: format!("{prefix}{ascii}") }
            }
            _ => MxPatternError::NotAscii { text: owned() },
        };
    }
    if text.starts_with('[') || text.contains(':') {
        return MxPatternError::AddressOrPort { text: owned() };
    }
    if text.bytes().all(|b| b == b'.' || b == b'*') {
        return MxPatternError::NoHost { text: owned() };
    }
    if text.ends_with('.') && !text.ends_with("..") {
        return MxPatternError::TrailingDot { text: owned() };
    }
    if text.starts_with('.') {
        return MxPatternError::LeadingDot { text: owned() };
    }
    if let Some(rest) = text.strip_prefix('*')
        && !rest.starts_with('.')
    {
        let parent = text.split_once('.').map_or(rest, |(_, parent)| parent).to_owned();
        return MxPatternError::StarInLabel { text: owned(), parent };
    }
    let body = text.strip_prefix("*.").unwrap_or(text);
    if body.contains('*') {
        return MxPatternError::StarAfterFirst { text: owned() };
    }
    if body.contains("..") || body.starts_with('.') || body.ends_with('.') {
        return MxPatternError::EmptyLabel { text: owned() };
    }
    if body.contains('_') {
        return MxPatternError::Underscore { text: owned() };
    }
    if let Some(label) = body.split('.').find(|l| l.starts_with('-') || l.ends_with('-')) {
        return MxPatternError::Hyphen { text: owned(), label: label.to_owned() };
    }
    if let Some(character) = body.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
        return MxPatternError::Character { text: owned(), character };
    }
    MxPatternError::NotAHostName { text: owned() }
}

impl MxPattern {
    /// Reads an `mx` value. The text is kept as written; [`MxPattern::matches`] ignores case.
    pub fn parse(text: &str) -> Result<MxPattern, MxPatternError> {
        let Ok((_, (star, name))) = all_consuming(mx_value).parse(text.as_bytes()) else {
            return Err(diagnose(text));
        };
        // Only ASCII bytes got through the grammar, so this slicing stays on char boundaries.
        let name = &text[text.len() - name.len()..];
        if let Some(problem) = length_problem(text, name) {
            return Err(problem);
        }
        Ok(if star { MxPattern::Wildcard { parent: name.to_owned() } } else { MxPattern::Exact(text.to_owned()) })
    }

    /// A corrected pattern for a malformed one when the intent is clear: the trailing dot dropped, the
    /// A-label for a U-label, `*.x` for the draft-era `.x`, the case folded.
    pub fn suggest(text: &str) -> Option<String> {
        let mut fixed = text.trim().trim_end_matches('.').to_ascii_lowercase();
        if let Some(rest) = fixed.strip_prefix('.') {
            fixed = format!("*.{rest}");
        }
        if !fixed.is_ascii() {
            let (prefix, rest) = fixed.strip_prefix("*.").map_or(("", fixed.as_str()), |rest| ("*.", rest));
            fixed = format!("{prefix}{}", crate::uts46::to_ascii(rest).ok()?);
        }
        (fixed != text && MxPattern::parse(&fixed).is_ok()).then_some(fixed)
    }

    /// The name after `*.`, or the whole name.
    pub fn name(&self) -> &str {
        match self {
            MxPattern::Exact(name) | MxPattern::Wildcard { parent: name } => name,
        }
    }

    /// `*.com`-style: the wildcard sits directly below a single-label name (a TLD), so any certificate
    /// holder under it is accepted as an MX (RFC 8461 §10.4).
    pub fn is_broad_wildcard(&self) -> bool {
        matches!(self, MxPattern::Wildcard { parent } if !parent.contains('.'))
    }

    /// The name's last label is all digits: it reads as an IP address, which no MX certificate names.
    pub fn looks_like_ip(&self) -> bool {
        // Read from the end: the last label is over at its first non-digit, usually its last character.
        self.name().bytes().rev().take_while(|&b| b != b'.').all(|b| b.is_ascii_digit())
    }

    /// Does `host` (an MX host name, one trailing dot tolerated, U-labels allowed) match this pattern
    /// under RFC 8461 §4.1? Malformed patterns and malformed hosts never match.
    pub fn matches(&self, host: &str) -> bool {
        // RFC 6125 §6.4.2: compare A-labels; a U-label host is converted first.
        let converted;
        let host = if host.is_ascii() {
            host
        } else {
            match crate::uts46::to_ascii(host) {
                Ok(ascii) => {
                    converted = ascii;
                    converted.as_str()
                }
                Err(_) => return false,
            }
        };
        // RFC 8461 §4.1 is silent on the root dot; one is stripped so `mail.example.com.` still matches.
        let host = host.strip_suffix('.').unwrap_or(host);
        let same = match self {
            // RFC 6125 §6.4.1: DNS names compare case-insensitively.
            MxPattern::Exact(name) => host.eq_ignore_ascii_case(name),
            // RFC 8461 §4.1: `*` matches the entire left-most label, exactly one and never an empty one.
            MxPattern::Wildcard { parent } => {
                host.split_once('.').is_some_and(|(first, rest)| !first.is_empty() && rest.eq_ignore_ascii_case(parent))
            }
        };
        // The names are checked only when they compare equal: most (host, pattern) pairs of a policy do not.
        // Variants are public, so a hand-built pattern may be malformed; it must never match anything.
        same && well_formed(self.name()) && well_formed(host)
    }
}

/// `Domain` within the lengths of RFC 1035 §2.3.4: a name that can match or be matched.
fn well_formed(name: &str) -> bool {
    all_consuming(domain).parse(name.as_bytes()).is_ok() && length_problem(name, name).is_none()
}

impl TryFrom<String> for MxPattern {
    type Error = MxPatternError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        MxPattern::parse(&value)
    }
}

impl From<MxPattern> for String {
    fn from(p: MxPattern) -> String {
        match p {
            MxPattern::Exact(host) => host,
            MxPattern::Wildcard { parent } => format!("*.{parent}"),
        }
    }
}

impl std::fmt::Display for MxPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MxPattern::Exact(h) => f.write_str(h),
            MxPattern::Wildcard { parent } => write!(f, "*.{parent}"),
        }
    }
}

/// `mta-sts match PATTERN HOST`: Err when the pattern is malformed.
pub fn matches(pattern: &str, host: &str) -> Result<bool, MxPatternError> {
    Ok(MxPattern::parse(pattern)?.matches(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(text: &str) -> String {
        MxPattern::parse(text).unwrap_err().reason()
    }

    #[test]
    fn parses_exact_and_wildcard_patterns_keeping_the_text() {
        assert_eq!(MxPattern::parse("Mail.Example.com"), Ok(MxPattern::Exact("Mail.Example.com".into())));
        assert_eq!(MxPattern::parse("*.example.net"), Ok(MxPattern::Wildcard { parent: "example.net".into() }));
        assert_eq!(MxPattern::parse("*.example.net").unwrap().to_string(), "*.example.net");
        assert!(MxPattern::parse("localhost").is_ok());
        assert!(MxPattern::parse("192.0.2.1").unwrap().looks_like_ip());
        assert!(MxPattern::parse("*.com").unwrap().is_broad_wildcard());
        assert!(!MxPattern::parse("*.example.com").unwrap().is_broad_wildcard());
    }

    #[test]
    fn rejects_malformed_patterns_with_a_reason() {
        assert_eq!(
            reason("mail.example.com."),
            "`mail.example.com.` ends with a dot; policy mx patterns are written without the trailing dot"
        );
        assert!(reason("mail.bücher.example").contains("mail.xn--bcher-kva.example"));
        assert!(reason("*.bücher.example").contains("*.xn--bcher-kva.example"));
        assert!(reason(".example.com").contains("*.example.com"));
        assert!(reason("*mail.example.com").contains("whole left-most label"));
        assert!(reason("mail.*.example.com").contains("left-most"));
        assert!(reason("mail..example.com").contains("empty label"));
        assert!(reason("mail_1.example.com").contains('_'));
        assert!(reason("mail.example.com:25").contains("port"));
        assert!(reason("-mail.example.com").contains("hyphen"));
        assert!(reason("mail-.example.com").contains("hyphen"));
        assert!(reason("").contains("empty"));
        assert!(reason("*").contains("names no host"));
        assert!(reason("*.").contains("names no host"));
        assert!(reason(&format!("{}.example.com", "a".repeat(64))).contains("63"));
        assert!(reason(&["abcdefghi"; 26].join(".")).contains("253"));
        assert!(reason("mail example.com").contains("whitespace"));
    }

    #[test]
    fn suggests_corrections() {
        assert_eq!(MxPattern::suggest("mail.example.com.").as_deref(), Some("mail.example.com"));
        assert_eq!(MxPattern::suggest(".example.com").as_deref(), Some("*.example.com"));
        assert_eq!(MxPattern::suggest("mail.bücher.example").as_deref(), Some("mail.xn--bcher-kva.example"));
        assert_eq!(MxPattern::suggest("mail.example.com"), None);
        assert_eq!(MxPattern::suggest("mail..example.com"), None);
    }

    #[test]
    fn matches_per_rfc_8461_section_4_1() {
        let wild = MxPattern::parse("*.example.com").unwrap();
        assert!(wild.matches("mail.example.com"));
        assert!(wild.matches("MAIL.Example.COM."));
        assert!(!wild.matches("example.com"));
        assert!(!wild.matches("a.b.example.com"));
        assert!(!wild.matches(".example.com"));
        assert!(!wild.matches("mail.example.com.."));
        assert!(!wild.matches("xmail.example.com.evil.net"));
        assert!(!wild.matches("mailexample.com"));
        let exact = MxPattern::parse("mail.xn--bcher-kva.example").unwrap();
        assert!(exact.matches("mail.bücher.example"));
        assert!(exact.matches("MAIL.xn--bcher-kva.example."));
        assert!(!exact.matches("xmail.xn--bcher-kva.example"));
        assert!(!MxPattern::Exact("bad..name".into()).matches("bad..name"));
        assert_eq!(matches("*.example.com", "mx1.example.com"), Ok(true));
        assert!(matches("mail.example.com.", "mail.example.com").is_err());
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let p: MxPattern = serde_json::from_str("\"*.example.com\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"*.example.com\"");
        assert!(serde_json::from_str::<MxPattern>("\"a..b\"").is_err());
    }

    /// A deliberately different matcher: lower-case label vectors compared element by element.
    fn reference(pattern: &str, host: &str) -> bool {
        let lower = |s: &str| s.to_ascii_lowercase();
        let host = lower(host.strip_suffix('.').unwrap_or(host));
        let host_labels: Vec<&str> = host.split('.').collect();
        if host_labels.iter().any(|l| l.is_empty()) {
            return false;
        }
        let pattern = lower(pattern);
        let pattern_labels: Vec<&str> = pattern.split('.').collect();
        if pattern_labels[0] == "*" {
            host_labels.len() == pattern_labels.len() && host_labels[1..] == pattern_labels[1..]
        } else {
            host_labels == pattern_labels
        }
    }

    fn label() -> impl Strategy<Value = String> {
        prop_oneof![Just("a".to_owned()), Just("B".to_owned()), Just("mx-1".to_owned()), Just("xn--c".to_owned())]
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in ".{0,80}") {
            let _ = MxPattern::parse(&text);
            let _ = MxPattern::suggest(&text);
        }

        #[test]
        fn matcher_agrees_with_the_reference(
            wildcard in any::<bool>(),
            pattern in proptest::collection::vec(label(), 1..4),
            host in proptest::collection::vec(prop_oneof![4 => label(), 1 => Just(String::new())], 1..5),
            dot in any::<bool>(),
        ) {
            let pattern = if wildcard { format!("*.{}", pattern.join(".")) } else { pattern.join(".") };
            let host = format!("{}{}", host.join("."), if dot { "." } else { "" });
            let parsed = MxPattern::parse(&pattern).unwrap();
            prop_assert_eq!(parsed.matches(&host), reference(&pattern, &host), "{} vs {}", pattern, host);
        }

        #[test]
        fn matches_never_panics(pattern in "[*a-z.]{0,20}", host in ".{0,40}") {
            let _ = matches(&pattern, &host);
        }
    }
}
