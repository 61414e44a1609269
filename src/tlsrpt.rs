//! The `_smtp._tls` TXT record (RFC 8460 §3).
//!
//! Same structure as the MTA-STS record ([`crate::record`]): a case-sensitive version, `;`-separated fields,
//! a required `rua` field with a comma-separated list of URIs. The version, the delimiters, the extensions
//! and the record-set filter are the shared tag=value parser (`crate::tagvalue`); this module holds the
//! record's table of messages (the words are in [`crate::message::tlsrpt`]) and the `rua` field. Decisions
//! where the RFC or the implementations disagree (requirements.md §4, §5.5):
//!
//! * `v=TLSRPTv1 ;` is counted as a TLS-RPT record (as mox does) and reported as a
//!   `tlsrpt-ambiguous-delimiter` warning: the grammar allows it, the record set filter (`v=TLSRPTv1;`)
//!   does not;
//! * several `rua=` fields are grammatical and are merged in order (as mox and Stalwart do), with a
//!   `tlsrpt-rua-fields` warning, because checkdmarc rejects such a record and the sys4 parser reads only
//!   the first one;
//! * repeated extensions are kept (RFC 8460 has no first-wins rule) and reported by nothing;
//! * other TXT records at `_smtp._tls` are discarded silently (no finding code exists for them);
//! * a record that is exactly `v=TLSRPTv1` does not begin with `v=TLSRPTv1;`, so it is discarded (RFC 8460
//!   §3) and a real TLS-RPT record beside it applies, with a `tlsrpt-discarded` warning (reporters that
//!   filter on the prefix without the `;` count two records); alone, it is reported as the record it was
//!   meant to be, lacking its `rua` (`tlsrpt-rua-missing`); a case variant or a misplaced version is
//!   likewise `tlsrpt-discarded` beside a real record and its grammar rule's code alone;
//! * a URI with a scheme other than `mailto`/`https` is a `tlsrpt-rua-scheme` warning; when no usable
//!   URI remains, the record is also `tlsrpt-rua-unusable`. An `https` URI without a host and a `mailto`
//!   URI without an address are `tlsrpt-rua-invalid`;
//! * every rule has its own code with a fixed severity; the grammar rules share the group `tlsrpt-invalid`.

use crate::abnf::{is_alpha, is_alphanum, is_digit, is_wsp};
use crate::finding::{ArtifactKind, Code, Finding, Parsed, Severity, Span};
use crate::message::Emit;
use crate::message::tlsrpt as words;
use crate::tagvalue::{
    self, Checker, Fields, Grammar, Repair, TagValueRecord, Words, ascii, bad_bytes, deletes, ext_name, ext_value,
    extension, lenient_pairs, matches, show,
};
use crate::tagvalue::{Corrected, ReadFields};
use nom::bytes::complete::{tag, take_while, take_while_m_n, take_while1};
use nom::combinator::recognize;
use nom::multi::{many0_count, many1_count};
use nom::sequence::preceded;
use nom::{IResult, Parser};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The `_smtp._tls` TXT record (RFC 8460 §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRptRecord {
    pub version: String,
    /// Every URI of every `rua` field, in order.
    pub rua: Vec<String>,
    pub extensions: Vec<(String, String)>,
}

const RUA: &[u8] = b"rua=";
/// The placeholder report address used in fixes.
pub const EXAMPLE_RUA: &str = "mailto:tlsrpt@<your domain>";

/// The `_smtp._tls` record for the shared tag=value parser (RFC 8460 §3): its messages are
/// [`crate::message::tlsrpt`].
static GRAMMAR: Grammar = Grammar {
    version: "v=TLSRPTv1",
    prefix: "v=TLSRPTv1;",
    invalid: Code::TlsrptInvalid,
    example: "v=TLSRPTv1; rua=mailto:tlsrpt@<your domain>",
    words: Words {
        not_ascii: Emit::new(&words::Templates::not_ascii),
        version_invalid: Emit::new(&words::Templates::version_invalid),
        version_unknown: Emit::new(&words::Templates::version_unknown),
        version_missing: Emit::new(&words::Templates::version_missing),
        version_case: Emit::new(&words::Templates::version_case),
        leading_whitespace: Emit::new(&words::Templates::leading_whitespace),
        version_not_first: Emit::new(&words::Templates::version_not_first),
        delimiter_missing: Emit::new(&words::Templates::delimiter_missing),
        field_empty: Emit::new(&words::Templates::field_empty),
        trailing_whitespace: Emit::new(&words::Templates::trailing_whitespace),
        field_invalid: Emit::new(&words::Templates::field_invalid),
        field_whitespace: Emit::new(&words::Templates::field_whitespace),
        extension_name_empty: Emit::new(&words::Templates::extension_name_empty),
        extension_name_start: Emit::new(&words::Templates::extension_name_start),
        extension_name_chars: Emit::new(&words::Templates::extension_name_chars),
        extension_name_long: Emit::new(&words::Templates::extension_name_long),
        extension_value_empty: Emit::new(&words::Templates::extension_value_empty),
        extension_value_chars: Emit::new(&words::Templates::extension_value_chars),
        extension_invalid: Emit::new(&words::Templates::extension_invalid),
        ambiguous_delimiter: Emit::new(&words::Templates::ambiguous_delimiter),
        discarded_bare: Emit::new(&words::Templates::discarded_bare),
        discarded_leading_whitespace: Emit::new(&words::Templates::discarded_leading_whitespace),
        discarded_case: Emit::new(&words::Templates::discarded_case),
        discarded_delimiter: Emit::new(&words::Templates::discarded_delimiter),
        discarded_not_first: Emit::new(&words::Templates::discarded_not_first),
        // RFC 8461 §6 recommends TLS-RPT alongside MTA-STS.
        missing: Emit::new(&words::Templates::missing),
        multiple: Emit::new(&words::Templates::multiple),
    },
    // RFC 8460 §3: other records are discarded silently.
    other_txt: None,
    artifact: ArtifactKind::TlsrptRecord,
    repair,
};

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986 §3.1, part of `URI`)
fn scheme(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((take_while_m_n(1, 1, is_alpha), take_while(is_scheme_char))).parse(input)
}

/// `pct-encoded = "%" HEXDIG HEXDIG` (RFC 3986 §2.1)
fn pct_encoded(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((tag(&b"%"[..]), take_while_m_n(2, 2, |b: u8| b.is_ascii_hexdigit()))).parse(input)
}

/// `tlsrpt-uri        = URI`
/// `; commas (ASCII 0x2C), exclamation points (ASCII 0x21), and semicolons (ASCII 0x3B) MUST be encoded`
///
/// Checked as `scheme ":"` followed by one or more RFC 3986 characters (`unreserved / reserved /
/// pct-encoded`), without `,`, `!` and `;`.
fn tlsrpt_uri(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((scheme, tag(&b":"[..]), many1_count(take_while1(is_uri_char).or(pct_encoded)))).parse(input)
}

/// `tlsrpt-rua        = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)`
fn tlsrpt_rua(input: &[u8]) -> IResult<&[u8], usize> {
    preceded(
        tag(RUA),
        recognize((tlsrpt_uri, many0_count((take_while(is_wsp), tag(&b","[..]), take_while(is_wsp), tlsrpt_uri)))),
    )
    .map(|list: &[u8]| list.len())
    .parse(input)
}

fn is_scheme_char(b: u8) -> bool {
    is_alphanum(b) || matches!(b, b'+' | b'-' | b'.')
}

/// RFC 3986 `unreserved / gen-delims / sub-delims`, minus what RFC 8460 §3 requires to be encoded.
fn is_uri_char(b: u8) -> bool {
    is_alphanum(b)
        || matches!(b, b'-' | b'.' | b'_' | b'~')
        || matches!(b, b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
        || matches!(b, b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b'=')
}

/// The findings of a non-empty `rua` entry that is not a `tlsrpt-uri` (`at` is its offset in the record):
/// one per problem.
fn uri_findings(uri: &[u8], at: usize, corrected: &Corrected) -> Vec<Finding> {
    let shown = show(uri);
    let colon = uri.iter().position(|&b| b == b':');
    let Some(colon) = colon.filter(|&c| matches(scheme, &uri[..c])) else {
        return vec![words::uri_no_scheme(shown, corrected)];
    };
    let rest = &uri[colon + 1..];
    if rest.is_empty() {
        return vec![words::uri_scheme_only(shown, corrected)];
    }
    let mut found = Vec::new();
    if rest.contains(&b'!') {
        // RFC 8460 §3: "exclamation points (ASCII 0x21) ... MUST be encoded".
        let mut finding = words::uri_exclamation(&shown, corrected);
        for (i, _) in uri.iter().enumerate().filter(|&(_, &b)| b == b'!') {
            finding = finding.with_edit(Span::new(at + i, at + i + 1), "%21");
        }
        found.push(finding);
    }
    let others = bad_bytes(rest, |b| is_uri_char(b) || b == b'%' || b == b'!');
    if !others.is_empty() {
        found.push(words::uri_chars(&shown, others, corrected));
    }
    let bad_percent =
        rest.iter().enumerate().any(|(i, &b)| b == b'%' && !matches(pct_encoded, rest.get(i..i + 3).unwrap_or(&[])));
    if bad_percent {
        found.push(words::uri_percent(&shown, corrected));
    }
    if found.is_empty() {
        found.push(words::uri_invalid(&shown, corrected));
    }
    found
}

/// What a syntactically valid URI is to a reporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Destination {
    /// `mailto:` with an address, `https:` with a host.
    Usable,
    /// Another scheme.
    OtherScheme,
    /// `mailto:` without an address.
    NoAddress,
    /// `https:` without a host.
    NoHost,
}

/// Whether a syntactically valid URI can receive reports.
fn destination(uri: &[u8]) -> Destination {
    let colon = uri.iter().position(|&b| b == b':').unwrap_or(0);
    let (scheme, rest) = (&uri[..colon], &uri[colon + 1..]);
    // RFC 3986 §3.1: schemes are case-insensitive.
    if scheme.eq_ignore_ascii_case(b"mailto") {
        let to = &rest[..rest.iter().position(|&b| b == b'?').unwrap_or(rest.len())];
        let at = to.iter().rposition(|&b| b == b'@');
        let has_address = at.is_some_and(|at| at > 0 && at + 1 < to.len());
        return if has_address { Destination::Usable } else { Destination::NoAddress };
    }
    if scheme.eq_ignore_ascii_case(b"https") {
        let host = rest.strip_prefix(b"//").map(|after| {
            let authority =
                &after[..after.iter().position(|&b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(after.len())];
            let host_port = &authority[authority.iter().rposition(|&b| b == b'@').map_or(0, |i| i + 1)..];
            let port =
                host_port.iter().rposition(|&b| b == b':').filter(|&i| host_port[i + 1..].iter().all(|&b| is_digit(b)));
            if host_port.first() == Some(&b'[') { host_port } else { &host_port[..port.unwrap_or(host_port.len())] }
        });
        return if host.is_none_or(<[u8]>::is_empty) { Destination::NoHost } else { Destination::Usable };
    }
    Destination::OtherScheme
}

/// The fields of a TLS-RPT record: the `rua` URIs and the extensions.
#[derive(Default)]
pub(crate) struct TlsRptFields {
    /// Where each `rua` field is.
    rua_fields: Vec<Span>,
    rua: Vec<String>,
    usable: usize,
    extensions: Vec<(String, String)>,
    /// Where the name of an extension that is `rua` in another case is (`RUA=…`).
    rua_other_case: Option<Span>,
}

impl TlsRptFields {
    fn rua(&mut self, checker: &mut Checker<'_>, text: &[u8], start: usize) {
        let field = Span::new(start, start + text.len());
        self.rua_fields.push(field);
        let list = &text[RUA.len()..];
        let list_start = start + RUA.len();
        let grammatical = matches(tlsrpt_rua, text);
        if list.is_empty() {
            // RFC 8460 §3: `tlsrpt-rua = %s"rua=" tlsrpt-uri ...`: at least one URI.
            checker.push(words::rua_empty(&checker.corrected), field);
            return;
        }
        let lead = list.iter().take_while(|&&b| is_wsp(b)).count();
        if !grammatical && lead > 0 {
            // RFC 8460 §3: `%s"rua=" tlsrpt-uri`: nothing between `=` and the first URI.
            let finding = words::rua_whitespace(&checker.corrected);
            checker.push(deletes(finding, [Span::new(list_start, list_start + lead)]), field);
        }
        let mut offset = 0;
        for raw in list.split(|&b| b == b',') {
            let entry = Span::new(list_start + offset, list_start + offset + raw.len());
            let lead = raw.iter().take_while(|&&b| is_wsp(b)).count();
            let uri = raw[lead..].trim_ascii_end();
            let span = Span::new(entry.start + lead, entry.start + lead + uri.len());
            offset += raw.len() + 1;
            if grammatical || matches(tlsrpt_uri, uri) {
                let finding = match destination(uri) {
                    Destination::Usable => {
                        self.usable += 1;
                        None
                    }
                    // RFC 8460 §3: "Two URI schemes are supported: "mailto" and "https"".
                    Destination::OtherScheme => Some(words::rua_scheme(show(uri))),
                    // RFC 8460 §3: a `mailto` URI names an address, an `https` URI a host to POST to.
                    Destination::NoAddress => Some(words::rua_no_address(show(uri), &checker.corrected)),
                    Destination::NoHost => Some(words::rua_no_host(show(uri), &checker.corrected)),
                };
                if let Some(finding) = finding {
                    checker.push(finding, span);
                }
                self.rua.push(ascii(uri));
            } else if uri.is_empty() {
                // RFC 8460 §3: `tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)`: no empty entry. The edit deletes the
                // entry with the comma after it, or, at the end of the list, with the comma before it.
                let comma = if entry.end < list_start + list.len() {
                    Some(Span::new(entry.start, entry.end + 1))
                } else {
                    (entry.start > list_start).then(|| Span::new(entry.start - 1, entry.end))
                };
                checker.push(deletes(words::uri_empty(&checker.corrected), comma), span);
            } else if uri.is_ascii() {
                // RFC 8460 §3: `tlsrpt-uri = URI`, with `,`, `!` and `;` encoded.
                for finding in uri_findings(uri, span.start, &checker.corrected) {
                    checker.push(finding, span);
                }
            }
        }
    }
}

/// The edits that merge every `rua` field into the first: its list gets the others' URIs, and the others
/// are deleted with the `;` before them. None when a field is not exactly `rua=…`.
fn merge_edits(record: &[u8], fields: &[Span]) -> Vec<(Span, String)> {
    let lists: Option<Vec<&[u8]>> = fields.iter().map(|s| record[s.start..s.end].strip_prefix(RUA)).collect();
    let (Some(lists), Some(&first)) = (lists, fields.first()) else { return Vec::new() };
    let merged = [RUA, &lists.join(&b","[..])].concat();
    let mut edits = vec![(first, ascii(&merged))];
    for field in &fields[1..] {
        let delimiter = record[..field.start].iter().rposition(|&b| b == b';').unwrap_or(field.start);
        edits.push((Span::new(delimiter, field.end), String::new()));
    }
    edits
}

impl<'a> ReadFields<'a> for TlsRptFields {
    fn field(&mut self, checker: &mut Checker<'a>, text: &'a [u8], start: usize, _version_missing: bool) {
        let span = Span::new(start, start + text.len());
        if text.starts_with(RUA) {
            self.rua(checker, text, start);
            return;
        }
        if matches(extension, text) {
            let eq = text.iter().position(|&b| b == b'=').unwrap_or(0);
            if text[..eq].eq_ignore_ascii_case(b"rua") {
                self.rua_other_case.get_or_insert(Span::new(start, start + eq));
            }
            // RFC 8460 §3: "unknown fields SHALL be ignored"; kept in the value, repeats included.
            self.extensions.push((ascii(&text[..eq]), ascii(&text[eq + 1..])));
            return;
        }
        if !text.is_ascii() {
            // Already reported as non-ASCII; a garbled `rua` name should not also be reported as missing.
            let name = &text[..text.iter().position(|&b| b == b'=').unwrap_or(text.len())];
            if name.iter().filter(|b| b.is_ascii() && !is_wsp(**b)).eq(b"rua") {
                self.rua_fields.push(span);
            }
            return;
        }
        let Some(eq) = text.iter().position(|&b| b == b'=') else {
            // RFC 8460 §3: "valid key/value pairs separated by semicolons".
            checker.field_without_equals(span, text);
            return;
        };
        let (raw_name, raw_value) = (&text[..eq], &text[eq + 1..]);
        let (name, value) = (raw_name.trim_ascii_end(), raw_value.trim_ascii_start());
        if name.len() != raw_name.len() || value.len() != raw_value.len() {
            // RFC 8460 §3: `tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value`, `%s"rua="`: no WSP.
            checker.field_whitespace(span, text, name, value);
            if name == b"rua" {
                self.rua_fields.push(span);
                return;
            }
            if matches(ext_name, name) && matches(ext_value, value) {
                return;
            }
        }
        // RFC 8460 §3: `tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value`.
        checker.extension_invalid(span, text, name, value);
    }

    /// The rules about the `rua` fields as a whole: required, usable, and best given once.
    fn end(&mut self, checker: &mut Checker<'a>) {
        let record = checker.record;
        let whole = Span::new(0, record.len());
        if self.rua_fields.is_empty() {
            // RFC 8460 §3: "the tlsrpt-rua record is required".
            let finding = match self.rua_other_case {
                // Field names are case-sensitive: `RUA=` is an extension, not the `rua` field.
                Some(name) => {
                    words::rua_case(show(&record[name.start..name.end]), &checker.corrected).with_edit(name, "rua")
                }
                None => words::rua_missing(&checker.corrected),
            };
            checker.push(finding, whole);
        } else if self.usable == 0
            && !self.rua.is_empty()
            && checker.findings.iter().all(|f| f.severity != Severity::Error)
        {
            // RFC 8460 §3: "Two URI schemes are supported: "mailto" and "https"."
            checker.push(words::rua_unusable(&checker.corrected), whole);
        }
        if let Some(&second) = self.rua_fields.get(1) {
            let merged = TlsRptRecord {
                version: "TLSRPTv1".to_owned(),
                rua: self.rua.clone(),
                extensions: self.extensions.clone(),
            };
            // RFC 8460 §3: "The record supports the ability to declare more than one rua": grammatical.
            let finding =
                tagvalue::with_edits(words::rua_fields(merged.to_text()), merge_edits(record, &self.rua_fields));
            checker.push(finding, second);
        }
    }
}

impl Fields<'_> for TlsRptFields {
    type Value = TlsRptRecord;

    fn value(self) -> Option<TlsRptRecord> {
        Some(TlsRptRecord { version: "TLSRPTv1".to_owned(), rua: self.rua, extensions: self.extensions })
    }
}

/// A corrected record for a fix: valid URIs kept (`!` and spaces percent-encoded), valid extensions kept.
/// Without a usable URI it has the example address, and is not complete.
fn repair(record: &[u8]) -> Repair {
    let mut rua: Vec<String> = Vec::new();
    let mut extensions = Vec::new();
    for (name, value) in lenient_pairs(record) {
        // Pasted non-ASCII (a non-breaking space, say) next to a name should not lose the field.
        let name: Vec<u8> = name.iter().copied().filter(|&b| crate::abnf::is_ext_name_char(b)).collect();
        let name = name.as_slice();
        if name.eq_ignore_ascii_case(b"v") {
            continue;
        }
        if name.eq_ignore_ascii_case(b"rua") {
            for uri in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                let mut fixed = String::with_capacity(uri.len());
                for (i, &b) in uri.iter().enumerate() {
                    let escape = b == b'%' && matches(pct_encoded, uri.get(i..i + 3).unwrap_or(&[]));
                    if is_uri_char(b) || escape {
                        fixed.push(b as char);
                    } else {
                        let _ = write!(fixed, "%{b:02X}");
                    }
                }
                if matches(tlsrpt_uri, fixed.as_bytes()) && destination(fixed.as_bytes()) == Destination::Usable {
                    rua.push(fixed);
                }
            }
            continue;
        }
        let value: Vec<u8> = value.iter().copied().filter(|&b| crate::abnf::is_txt_ext_value_char(b)).collect();
        if matches(ext_name, name) && !value.is_empty() {
            extensions.push((ascii(name), ascii(&value)));
        }
    }
    let complete = !rua.is_empty();
    if !complete {
        rua.push(EXAMPLE_RUA.to_owned());
    }
    Repair { text: TlsRptRecord { version: "TLSRPTv1".to_owned(), rua, extensions }.to_text(), complete }
}

impl TagValueRecord for TlsRptRecord {
    const GRAMMAR: &'static Grammar = &GRAMMAR;
    type Fields<'a> = TlsRptFields;

    fn to_text(&self) -> String {
        TlsRptRecord::to_text(self)
    }
}

impl TlsRptRecord {
    /// One record, its character-strings already joined.
    pub fn parse(record: &[u8]) -> Parsed<TlsRptRecord> {
        tagvalue::parse(record)
    }

    /// The whole TXT record set at `_smtp._tls`: discards non-TLS-RPT records, requires exactly one.
    ///
    /// RFC 8460 §3: "Records that do not begin with "v=TLSRPTv1;" are discarded." `v=TLSRPTv1 ;` is kept, as
    /// mox does; a bare `v=TLSRPTv1` is not, and is only read on its own when nothing else is.
    pub fn parse_rrset<R: AsRef<[u8]>>(records: &[R]) -> Parsed<TlsRptRecord> {
        tagvalue::parse_rrset(records)
    }

    /// The canonical record: `v=TLSRPTv1; rua=a,b` and then each extension as `; name=value`.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(16 + self.rua.iter().map(|u| u.len() + 1).sum::<usize>());
        out.push_str("v=TLSRPTv1; rua=");
        out.push_str(&self.rua.join(","));
        for (name, value) in &self.extensions {
            out.push_str("; ");
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        out
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_example_record_uses_the_example_address() {
        let example =
            TlsRptRecord { version: "TLSRPTv1".to_owned(), rua: vec![EXAMPLE_RUA.to_owned()], extensions: vec![] };
        assert_eq!(GRAMMAR.example, example.to_text());
    }

    #[test]
    fn single_records() {
        // (record, expected distinct codes sorted, expected rua when valid)
        type Case = (&'static str, &'static [&'static str], Option<&'static [&'static str]>);
        let cases: &[Case] = &[
            ("v=TLSRPTv1; rua=mailto:reports@example.com", &[], Some(&["mailto:reports@example.com"])),
            ("v=TLSRPTv1;rua=https://r.example.com/tlsrpt;", &[], Some(&["https://r.example.com/tlsrpt"])),
            ("v=TLSRPTv1; rua=mailto:a@x.com , https://r.x.com", &[], Some(&["mailto:a@x.com", "https://r.x.com"])),
            (
                "v=TLSRPTv1; rua=mailto:a@x.com?subject=tls%20report",
                &[],
                Some(&["mailto:a@x.com?subject=tls%20report"]),
            ),
            ("v=TLSRPTv1; x=1; rua=mailto:a@x.com", &[], Some(&["mailto:a@x.com"])),
            (
                "v=TLSRPTv1; rua=mailto:a@x.com; rua=mailto:b@x.com",
                &["tlsrpt-rua-fields"],
                Some(&["mailto:a@x.com", "mailto:b@x.com"]),
            ),
            (
                "v=TLSRPTv1; rua=mailto:a@x.com, ftp://x.com",
                &["tlsrpt-rua-scheme"],
                Some(&["mailto:a@x.com", "ftp://x.com"]),
            ),
            ("v=TLSRPTv1; rua=ftp://x.com", &["tlsrpt-rua-scheme", "tlsrpt-rua-unusable"], None),
            ("v=TLSRPTv1; rua=mailto:a!b@x.com", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua=mailto:a@x.com,", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua=mailto:a@x.com ", &["tlsrpt-trailing-whitespace"], None),
            ("v=TLSRPTv1; rua=", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua= mailto:a@x.com", &["tlsrpt-field-whitespace"], None),
            ("v=TLSRPTv1; rua=reports@example.com", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua=mailto:", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua=mailto:example.com", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua=https:///path", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; rua=https://r.x.com/a,b", &["tlsrpt-rua-invalid"], None),
            ("v=TLSRPTv1; RUA=mailto:a@x.com", &["tlsrpt-rua-missing"], None),
            ("v=TLSRPTv1", &["tlsrpt-rua-missing"], None),
            ("v=TLSRPTv1 rua=mailto:a@x.com", &["tlsrpt-delimiter-missing"], None),
            ("v=tlsrptv1; rua=mailto:a@x.com", &["tlsrpt-version-case"], None),
            (" v=TLSRPTv1; rua=mailto:a@x.com", &["tlsrpt-leading-whitespace"], None),
            ("v=TLSRPTv10; rua=mailto:a@x.com", &["tlsrpt-version-invalid"], None),
            ("rua=mailto:a@x.com", &["tlsrpt-version-missing"], None),
            ("v=TLSRPTv2; rua=mailto:a@x.com", &["tlsrpt-version-invalid"], None),
            ("v=TLSRPTv1;; rua=mailto:a@x.com", &["tlsrpt-field-empty"], None),
            ("v=TLSRPTv1; rua=mailto:a@x.com; foo", &["tlsrpt-field-invalid"], None),
            ("v=TLSRPTv1; rua=mailto:a@x.com; _x=1", &["tlsrpt-extension-invalid"], None),
            ("v=TLSRPTv1; rua = mailto:a@x.com", &["tlsrpt-field-whitespace"], None),
            ("v=TLSRPTv1; rua=mailto:caf\u{e9}@x.com", &["tlsrpt-not-ascii"], None),
            ("rua=mailto:a@x.com; v=TLSRPTv1", &["tlsrpt-version-not-first"], None),
        ];
        for &(record, expected, rua) in cases {
            let parsed = TlsRptRecord::parse(record.as_bytes());
            assert_eq!(parsed.distinct_codes(), expected, "{record}: {:#?}", parsed.findings);
            let got: Option<Vec<&str>> = parsed.value.as_ref().map(|v| v.rua.iter().map(String::as_str).collect());
            assert_eq!(got.as_deref(), rua, "{record}");
        }
    }

    #[test]
    fn rrsets() {
        let cases: &[(&[&str], &[&str], bool)] = &[
            (&[], &["tlsrpt-missing"], false),
            (&["v=spf1 -all"], &["tlsrpt-missing"], false),
            (&["v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@x.com"], &[], true),
            (&["v=TLSRPTv1; rua=mailto:a@x.com", "v=TLSRPTv1; rua=mailto:b@x.com"], &["tlsrpt-multiple"], false),
            (&["v=TLSRPTv1 ; rua=mailto:a@x.com"], &["tlsrpt-ambiguous-delimiter"], true),
            (&["v=tlsrptv1; rua=mailto:a@x.com"], &["tlsrpt-version-case"], false),
            (&["v=tlsrptv1; rua=mailto:a@x.com", "v=TLSRPTv1; rua=mailto:b@x.com"], &["tlsrpt-discarded"], true),
            (&["v=TLSRPTv1"], &["tlsrpt-rua-missing"], false),
            (&["v=TLSRPTv1", "v=TLSRPTv1; rua=mailto:b@x.com"], &["tlsrpt-discarded"], true),
            (&["v=TLSRPTv10; rua=mailto:a@x.com"], &["tlsrpt-missing"], false),
        ];
        for &(records, expected, valid) in cases {
            let parsed = TlsRptRecord::parse_rrset(records);
            assert_eq!(parsed.distinct_codes(), expected, "{records:?}: {:#?}", parsed.findings);
            assert_eq!(parsed.valid(), valid, "{records:?}");
        }
    }

    /// Every grammar error's fix ends with the corrected record, which is also its artefact unless the
    /// user has an address to choose.
    #[test]
    fn fixes_are_corrected_records() {
        // (record, corrected record, complete)
        let cases = [
            ("v=TLSRPTv1; rua=mailto:a!b@x.com", "v=TLSRPTv1; rua=mailto:a%21b@x.com", true),
            ("v=TLSRPTv1; rua = mailto:a@x.com", "v=TLSRPTv1; rua=mailto:a@x.com", true),
            ("v=TLSRPTv1", "v=TLSRPTv1; rua=mailto:tlsrpt@<your domain>", false),
            ("v=TLSRPTv1; rua=mailto:%zz@x.com", "v=TLSRPTv1; rua=mailto:%25zz@x.com", true),
        ];
        for (record, fix, complete) in cases {
            let parsed = TlsRptRecord::parse(record.as_bytes());
            let found = parsed.findings.iter().find(|f| f.code.group() == Code::TlsrptInvalid).expect(record);
            let text = found.fix.as_deref().unwrap_or_default();
            assert!(text.ends_with(&format!("Corrected record: {fix}")), "{record}: {text}");
            let artifacts: Vec<&str> = found.artifacts.iter().map(|a| a.text.as_str()).collect();
            assert_eq!(artifacts, if complete { vec![fix] } else { vec![] }, "{record}");
        }
    }

    /// Where the fix is a local edit, applying it gives the record without the problem.
    #[test]
    fn edits_fix_the_record() {
        // (record, code, record after that finding's edits)
        let cases = [
            ("v=TLSRPTv1; rua = mailto:a@x.com", Code::TlsrptFieldWhitespace, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=TLSRPTv1; rua= mailto:a@x.com", Code::TlsrptFieldWhitespace, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=TLSRPTv1; rua=mailto:a!b@x.com", Code::TlsrptRuaInvalid, "v=TLSRPTv1; rua=mailto:a%21b@x.com"),
            ("v=TLSRPTv1; rua=mailto:a@x.com,", Code::TlsrptRuaInvalid, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=TLSRPTv1; rua=,mailto:a@x.com", Code::TlsrptRuaInvalid, "v=TLSRPTv1; rua=mailto:a@x.com"),
            (
                "v=TLSRPTv1; rua=mailto:a@x.com, ,mailto:b@x.com",
                Code::TlsrptRuaInvalid,
                "v=TLSRPTv1; rua=mailto:a@x.com,mailto:b@x.com",
            ),
            ("v=TLSRPTv1; RUA=mailto:a@x.com", Code::TlsrptRuaMissing, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=TLSRPTv1; rua=mailto:a@x.com ", Code::TlsrptTrailingWhitespace, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=TLSRPTv1;; rua=mailto:a@x.com", Code::TlsrptFieldEmpty, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=tlsrptv1; rua=mailto:a@x.com", Code::TlsrptVersionCase, "v=TLSRPTv1; rua=mailto:a@x.com"),
            (" v=TLSRPTv1; rua=mailto:a@x.com", Code::TlsrptLeadingWhitespace, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("v=TLSRPTv1 rua=mailto:a@x.com", Code::TlsrptDelimiterMissing, "v=TLSRPTv1; rua=mailto:a@x.com"),
            ("rua=mailto:a@x.com; v=TLSRPTv1", Code::TlsrptVersionNotFirst, "v=TLSRPTv1; rua=mailto:a@x.com"),
            (
                "v=TLSRPTv1; rua=mailto:a@x.com; x=1; rua=https://r.x.com",
                Code::TlsrptRuaFields,
                "v=TLSRPTv1; rua=mailto:a@x.com,https://r.x.com; x=1",
            ),
            ("v=TLSRPTv1 ; rua=mailto:a@x.com", Code::TlsrptAmbiguousDelimiter, "v=TLSRPTv1; rua=mailto:a@x.com"),
        ];
        for (record, code, fixed) in cases {
            // The record-set filter alone sees the ambiguous delimiter.
            for parsed in [TlsRptRecord::parse(record.as_bytes()), TlsRptRecord::parse_rrset(&[record])] {
                let Some(found) = parsed.findings.iter().find(|f| f.code == code) else {
                    assert_eq!(code, Code::TlsrptAmbiguousDelimiter, "{record}: {:#?}", parsed.findings);
                    continue;
                };
                let edited = crate::finding::apply_edits(record.as_bytes(), &found.edits);
                assert_eq!(String::from_utf8_lossy(&edited), fixed, "{record}: {found:#?}");
            }
        }
        // No edit where it would bring out another error, nor where the user has a choice to make.
        for record in
            ["v=TLSRPTv1; rua = ftp://x", "v=TLSRPTv1; rua=reports@example.com", "v=TLSRPTv1; rua=mailto:%zz@x.com"]
        {
            let parsed = TlsRptRecord::parse_rrset(&[record]);
            assert!(parsed.findings.iter().all(|f| f.edits.is_empty()), "{record}: {:#?}", parsed.findings);
        }
    }

    fn valid_record() -> impl Strategy<Value = TlsRptRecord> {
        let uri = prop_oneof![
            "[a-z0-9.]{1,10}@[a-z0-9]{1,10}\\.example".prop_map(|a| format!("mailto:{a}")),
            "[a-z0-9]{1,10}\\.example(/[a-zA-Z0-9._~%=?&-]{0,12})?".prop_map(|h| format!("https://{h}")),
        ];
        (
            proptest::collection::vec(uri, 1..4),
            proptest::collection::vec(("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", "[!-:<>-~]{1,20}"), 0..3),
        )
            .prop_filter_map("valid", |(rua, extensions)| {
                let extensions: Vec<(String, String)> =
                    extensions.into_iter().filter(|(n, _)| n != "rua" && n != "v").collect();
                let record = TlsRptRecord { version: "TLSRPTv1".to_owned(), rua, extensions };
                record.rua.iter().all(|u| matches(tlsrpt_uri, u.as_bytes())).then_some(record)
            })
    }

    proptest! {
        #[test]
        fn never_panics_near_the_grammar(text in "v=TLSRPTv1[ \t;]{0,3}(rua=)?([ \t;,=!%a-zA-Z0-9_.:/@-]|\u{e9}){0,60}") {
            let parsed = TlsRptRecord::parse_rrset(&[text.as_bytes()]);
            for finding in &parsed.findings {
                if let Some(span) = finding.span {
                    prop_assert!(span.start <= span.end && span.end <= text.len());
                }
            }
            prop_assert_eq!(parsed.value.is_some(), parsed.valid());
        }

        #[test]
        fn to_text_round_trips(record in valid_record()) {
            let text = record.to_text();
            let parsed = TlsRptRecord::parse_rrset(&[text.as_bytes()]);
            prop_assert!(parsed.findings.is_empty(), "{}: {:?}", text, parsed.findings);
            prop_assert_eq!(parsed.value, Some(record));
        }
    }
}
