//! The generator: the three things a domain publishes for MTA-STS (RFC 8461 §3) and TLS-RPT (RFC 8460 §3).
//!
//! 1. the policy file, served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`;
//! 2. the `_mta-sts` TXT record, with a fresh id;
//! 3. the `_smtp._tls` TLS-RPT record.
//!
//! Everything it generates parses as valid (a property test holds it to that).

use serde::{Deserialize, Serialize};

use crate::domain::Domain;
use crate::mx::MxPattern;
use crate::policy::{Mode, Policy};
use crate::record::{StsRecord, fresh_id};
use crate::tlsrpt::TlsRptRecord;

/// The largest `max_age` RFC 8461 §3.2 allows: 31557600 seconds, about a year.
pub const MAX_AGE_LIMIT: u32 = 31_557_600;
/// One week: a sensible start (and the value several large providers use).
pub const MAX_AGE_ONE_WEEK: u32 = 604_800;

/// What the administrator chose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateInput {
    pub domain: Domain,
    pub mode: Mode,
    /// MX host names or `*.` patterns; U-labels are converted to A-labels (RFC 8461 §3.2).
    pub mx: Vec<String>,
    pub max_age: u32,
    /// Where TLS reports go: a `mailto:` or `https:` URI, or a bare e-mail address. Defaults to
    /// `mailto:tlsrpt@<domain>`.
    #[serde(default)]
    pub rua: Option<String>,
}

/// The three artefacts, ready to publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The policy file's URL.
    pub policy_url: String,
    /// The policy file, CRLF line endings.
    pub policy: String,
    /// The TXT record's owner name, `_mta-sts.<domain>`.
    pub sts_record_name: String,
    /// The TXT record's value.
    pub sts_record: String,
    /// The TLS-RPT record's owner name, `_smtp._tls.<domain>`.
    pub tlsrpt_record_name: String,
    /// The TLS-RPT record's value.
    pub tlsrpt_record: String,
    /// What the administrator should know about the output, in sentences (empty when nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What a check of the output would say (e.g. a short `max_age`): the generator accepts some input a
    /// check flags, and the page and the CLI show the same advice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<crate::Finding>,
}

/// Why the generator cannot produce valid records from the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error(
        "the policy needs at least one MX host unless the mode is none: add the host names from the domain's MX records"
    )]
    NoMx,
    #[error("`{host}` is not a usable MX host name: {reason}")]
    Mx { host: String, reason: String },
    #[error("max_age {0} is above the limit of 31557600 seconds (about a year) that RFC 8461 §3.2 sets")]
    MaxAge(u32),
    #[error("the report address `{0}` is not usable: give an e-mail address, a mailto: URI or an https: URL")]
    Rua(String),
}

fn to_pattern(host: &str) -> Result<MxPattern, GenerateError> {
    let trimmed = host.trim().trim_end_matches('.');
    let (wildcard, name) = match trimmed.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    // RFC 8461 §3.2: mx values MUST be A-labels, so U-labels are converted here, not left to the admin.
    let ascii = crate::uts46::to_ascii(name)
        .map_err(|_| GenerateError::Mx { host: host.to_owned(), reason: "it is not a valid host name".to_owned() })?;
    let text = if wildcard { format!("*.{ascii}") } else { ascii };
    MxPattern::parse(&text).map_err(|e| GenerateError::Mx { host: host.to_owned(), reason: e.reason() })
}

/// `mailto:` or `https:` with the RFC 8460 §3 reserved characters `,` `!` `;` percent-encoded.
fn to_rua(rua: &str, domain: &Domain) -> Result<String, GenerateError> {
    let rua = rua.trim();
    let uri = if rua.is_empty() {
        format!("mailto:tlsrpt@{}", domain.as_str())
    } else if rua.starts_with("mailto:") || rua.starts_with("https://") {
        rua.to_owned()
    } else if rua.contains('@') && !rua.contains(':') {
        format!("mailto:{rua}")
    } else {
        return Err(GenerateError::Rua(rua.to_owned()));
    };
    // RFC 8460 §3: commas, exclamation points and semicolons MUST be encoded in the URI.
    Ok(uri.replace(',', "%2C").replace('!', "%21").replace(';', "%3B"))
}

/// A `*.` pattern that could replace several exact MX host names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WildcardSuggestion {
    /// `*.<parent>`.
    pub pattern: String,
    /// The hosts it would replace, in input order.
    pub replaces: Vec<String>,
}

/// Where a `*.` pattern is safe to suggest: two or more hosts sit exactly one label below the same
/// parent, and that parent is not a single label (a `*.com` pattern trusts every certificate holder under
/// a TLD, RFC 8461 §10.4). RFC 8461 §4.1: the wildcard stands for exactly one label, so deeper hosts and
/// the parent itself are never folded in.
pub fn suggest_wildcards(hosts: &[String]) -> Vec<WildcardSuggestion> {
    let mut suggestions: Vec<WildcardSuggestion> = Vec::new();
    for host in hosts {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        let Some((label, parent)) = host.split_once('.') else { continue };
        if label.is_empty() || label == "*" || !parent.contains('.') {
            continue;
        }
        let pattern = format!("*.{parent}");
        if MxPattern::parse(&pattern).is_err() {
            continue;
        }
        match suggestions.iter_mut().find(|s| s.pattern == pattern) {
            Some(s) if !s.replaces.contains(&host) => s.replaces.push(host),
            Some(_) => {}
            None => suggestions.push(WildcardSuggestion { pattern, replaces: vec![host] }),
        }
    }
    suggestions.retain(|s| s.replaces.len() >= 2);
    suggestions
}

/// Generates the three records; `now` (Unix seconds) makes the record id.
pub fn generate(input: &GenerateInput, now: u64) -> Result<Generated, GenerateError> {
    if input.max_age > MAX_AGE_LIMIT {
        return Err(GenerateError::MaxAge(input.max_age));
    }
    let mut mx: Vec<MxPattern> = Vec::new();
    for host in input.mx.iter().filter(|h| !h.trim().is_empty()) {
        let pattern = to_pattern(host)?;
        if !mx.iter().any(|p| p.to_string().eq_ignore_ascii_case(&pattern.to_string())) {
            mx.push(pattern);
        }
    }
    // RFC 8461 §3.2: "mx" is required at least once, except when mode is "none".
    if mx.is_empty() && input.mode != Mode::None {
        return Err(GenerateError::NoMx);
    }
    let policy =
        Policy { version: "STSv1".to_owned(), mode: input.mode, max_age: input.max_age, mx, extensions: vec![] };
    let record = StsRecord { version: "STSv1".to_owned(), id: fresh_id(now), extensions: vec![] };
    let rua = to_rua(input.rua.as_deref().unwrap_or(""), &input.domain)?;
    let tlsrpt = TlsRptRecord { version: "TLSRPTv1".to_owned(), rua: vec![rua], extensions: vec![] };
    let tlsrpt_record = tlsrpt.to_text();
    if !TlsRptRecord::parse(tlsrpt_record.as_bytes()).valid() {
        return Err(GenerateError::Rua(input.rua.clone().unwrap_or_default()));
    }
    let mut notes = Vec::new();
    if !input.domain.tlsrpt_record_name_fits() {
        // RFC 1035 §2.3.4: a name has at most 253 octets.
        let name = input.domain.tlsrpt_record_name();
        notes.push(crate::message::evaluate::note_tlsrpt_name_too_long(&name, name.len()));
    }
    // A hosted provider's MX host, listed in a way its own pattern would say better (RFC 8461 §4.1).
    let mut patterns_noted: Vec<String> = Vec::new();
    for host in input.mx.iter().map(|h| h.trim()).filter(|h| !h.is_empty() && !h.starts_with("*.")) {
        if let Some(provider) = crate::providers::provider_of(host) {
            let pattern = provider.pattern_for(host);
            // One note per pattern: Google's four alternates share theirs.
            if !policy.mx.iter().any(|p| p.to_string() == pattern) && !patterns_noted.contains(&pattern) {
                notes.push(crate::message::evaluate::note_provider(host, provider.name, &pattern, provider.why));
                patterns_noted.push(pattern);
            }
        }
    }
    // The output read back by the same parsers a check uses.
    let mut findings = Policy::parse(policy.to_text().as_bytes()).findings;
    findings.extend(StsRecord::parse(record.to_text().as_bytes()).findings);
    findings.extend(TlsRptRecord::parse(tlsrpt_record.as_bytes()).findings);
    Ok(Generated {
        policy_url: input.domain.policy_url(),
        policy: policy.to_text(),
        sts_record_name: input.domain.sts_record_name(),
        sts_record: record.to_text(),
        tlsrpt_record_name: input.domain.tlsrpt_record_name(),
        tlsrpt_record,
        notes,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    /// Hosted providers' MX hosts get a note with the pattern that covers them, unless the input has it.
    #[test]
    fn provider_hosts_get_their_covering_pattern() {
        let input = |mx: &[&str]| GenerateInput {
            domain: Domain::parse("example.com").unwrap(),
            mode: Mode::Enforce,
            mx: hosts(mx),
            max_age: MAX_AGE_ONE_WEEK,
            rua: None,
        };
        let generated = generate(&input(&["example-com.mail.protection.outlook.com"]), 1_700_000_000).unwrap();
        assert_eq!(generated.notes.len(), 1, "{:?}", generated.notes);
        assert!(
            generated.notes[0].contains("Microsoft 365: the pattern that covers it is `*.mail.protection.outlook.com`")
        );
        let google = generate(
            &input(&["aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com"]),
            1_700_000_000,
        )
        .unwrap();
        assert_eq!(google.notes.len(), 1, "one note for the alternates: {:?}", google.notes);
        assert!(google.notes[0].contains("`*.aspmx.l.google.com`"), "{:?}", google.notes);
        let covered =
            generate(&input(&["aspmx.l.google.com", "*.aspmx.l.google.com", "mx.example.com"]), 1_700_000_000).unwrap();
        assert!(covered.notes.is_empty(), "{:?}", covered.notes);
    }

    fn hosts(list: &[&str]) -> Vec<String> {
        list.iter().map(|h| (*h).to_owned()).collect()
    }

    /// The generator accepts a one-hour max_age; its output carries what a check of it would say.
    #[test]
    fn the_output_carries_what_a_check_would_say() {
        let input = |max_age| GenerateInput {
            domain: Domain::parse("example.com").unwrap(),
            mode: Mode::Testing,
            mx: hosts(&["mail.example.com"]),
            max_age,
            rua: None,
        };
        let short = generate(&input(3600), 1_795_867_200).unwrap();
        let codes: Vec<Code> = short.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::PolicyModeTesting, Code::PolicyMaxAgeShort]);
        let week = generate(&input(MAX_AGE_ONE_WEEK), 1_795_867_200).unwrap();
        let codes: Vec<Code> = week.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::PolicyModeTesting]);
    }

    #[test]
    fn wildcards_are_suggested_only_for_siblings_one_label_deep() {
        let google = hosts(&[
            "aspmx.l.google.com.",
            "alt1.aspmx.l.google.com.",
            "alt2.aspmx.l.google.com.",
            "alt3.aspmx.l.google.com",
        ]);
        assert_eq!(
            suggest_wildcards(&google),
            vec![WildcardSuggestion {
                pattern: "*.aspmx.l.google.com".into(),
                replaces: hosts(&["alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com", "alt3.aspmx.l.google.com"]),
            }]
        );
        for replaced in &suggest_wildcards(&google)[0].replaces {
            assert!(MxPattern::parse("*.aspmx.l.google.com").unwrap().matches(replaced));
        }
        // One host alone, hosts at different depths, a TLD parent, duplicates: nothing to fold.
        assert!(suggest_wildcards(&hosts(&["mx.example.com"])).is_empty());
        assert!(suggest_wildcards(&hosts(&["mx.example.com", "a.mx.example.com"])).is_empty());
        assert!(suggest_wildcards(&hosts(&["example.com", "example.net"])).is_empty());
        assert!(suggest_wildcards(&hosts(&["MX.example.com", "mx.example.com."])).is_empty());
        assert!(suggest_wildcards(&hosts(&["*.example.com", "mx.example.com"])).is_empty());
    }

    #[test]
    fn a_tlsrpt_name_too_long_for_dns_is_noted() {
        let input = |domain: &str| GenerateInput {
            domain: Domain::parse(domain).unwrap(),
            mode: Mode::Testing,
            mx: vec!["mx.example.net".into()],
            max_age: MAX_AGE_ONE_WEEK,
            rua: None,
        };
        assert!(generate(&input("example.com"), 0).unwrap().notes.is_empty());
        let long = format!("{0}.{0}.{0}.{1}.com", "a".repeat(60), "a".repeat(57));
        let generated = generate(&input(&long), 0).unwrap();
        assert_eq!(generated.notes.len(), 1);
        assert!(generated.notes[0].contains("255 octets long"), "{}", generated.notes[0]);
    }
}
