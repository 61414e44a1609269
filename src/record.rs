//! The `_mta-sts` TXT record (RFC 8461 §3.1).
//!
//! [`StsRecord::parse`] reads one record (its character-strings already joined, RFC 8461 §3.1) and
//! [`StsRecord::parse_rrset`] the whole TXT record set at `_mta-sts`, applying the sender's filter: keep the
//! records that begin with `v=STSv1;`, and require exactly one.
//!
//! The version, the delimiters, the extensions and the record-set filter are the shared tag=value parser
//! (`crate::tagvalue`, also used by [`crate::tlsrpt`]); this module holds what is the STS record's own: its
//! table of messages (the words are in [`crate::message::record`]) and the `id` field. Decisions where the RFC or the implementations disagree
//! (requirements.md §4, §5.3):
//!
//! * `v=STSv1 ;` (erratum 6285) is counted as an STS record, as mox does, and warned about;
//! * a record that is exactly `v=STSv1` does not begin with `v=STSv1;`, so it is discarded (RFC 8461 §3.1)
//!   and a real STS record beside it applies; that is a warning, because senders that select records by
//!   the prefix `v=STSv1` alone (postfix-mta-sts-resolver, per [`crate::senders`]) count it and see two
//!   records (`record-discarded`). Alone, it is reported as the STS record it was meant to be, lacking its `;`
//!   and `id` (`record-delimiter-missing`, an error);
//! * `V=STSv1;` and ` v=STSv1;` are not STS records for RFC-following senders: when no real STS record
//!   exists they are reported with the rule they break (`record-version-case`, `record-leading-whitespace`,
//!   …, instead of `record-missing`), else as a `record-discarded` warning;
//! * every rule has its own code with a fixed severity; the grammar rules share the group `record-invalid`;
//! * a repeated field is a warning and the first one wins (RFC 8461 §3.2, last paragraph); a later
//!   `v=...` is grammatical as an extension named `v` and is treated as a repeated version.

use crate::abnf::{is_alphanum, is_ext_name_char, is_txt_ext_value_char};
use crate::finding::{ArtifactKind, Code, Finding, Parsed, Span};
use crate::message::Emit;
use crate::message::record as words;
use crate::tagvalue::{
    self, Checker, Fields, Grammar, Repair, TagValueRecord, Words, ascii, bad_bytes, ext_name, ext_value, extension,
    lenient_pairs, matches, show,
};
use crate::tagvalue::{Corrected, ReadFields};
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::verify;
use nom::sequence::preceded;
use nom::{IResult, Parser};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The `_mta-sts` TXT record (RFC 8461 §3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StsRecord {
    pub version: String,
    pub id: String,
    pub extensions: Vec<(String, String)>,
}

/// An example id for fixes that cannot derive one from the input (parsers have no clock).
pub const EXAMPLE_ID: &str = "20250101120000";

const VERSION: &str = "v=STSv1";

/// The `_mta-sts` record for the shared tag=value parser (RFC 8461 §3.1): its messages are
/// [`crate::message::record`].
static GRAMMAR: Grammar = Grammar {
    version: VERSION,
    prefix: "v=STSv1;",
    invalid: Code::RecordInvalid,
    example: "v=STSv1; id=20250101120000;",
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
        // RFC 8461 §3.1: without a `v=STSv1;` record there is no policy to fetch.
        missing: Emit::new(&words::Templates::missing),
        multiple: Emit::new(&words::Templates::multiple),
    },
    other_txt: Some(other_txt),
    artifact: ArtifactKind::StsRecord,
    repair,
};

/// `sts-id          = %s"id=" 1*32(ALPHA / DIGIT)     ; id=...`
///
/// The id is read as one run of letters and digits and then counted: the same ids wherever the field
/// ends, in one pass.
fn sts_id(input: &[u8]) -> IResult<&[u8], &[u8]> {
    preceded(tag(&b"id="[..]), verify(take_while1(is_alphanum), |id: &[u8]| id.len() <= 32)).parse(input)
}

/// The findings of an `id=` value that is not `1*32(ALPHA / DIGIT)`: one per problem.
fn id_findings(value: &[u8], corrected: &Corrected) -> Vec<Finding> {
    if value.is_empty() {
        return vec![words::id_empty(corrected)];
    }
    let mut found = Vec::new();
    if !value.iter().all(|&b| is_alphanum(b)) {
        found.push(words::id_chars(show(value), bad_bytes(value, is_alphanum), corrected));
    }
    if value.len() > 32 {
        found.push(words::id_long(show(value), value.len(), corrected));
    }
    found
}

/// The fields of an STS record: the `id` and the extensions.
#[derive(Default)]
pub(crate) struct StsFields<'a> {
    id: Option<&'a [u8]>,
    id_invalid: bool,
    extensions: Vec<(String, String)>,
    /// Where the name of an extension that is `id` in another case is (`ID=1`).
    id_other_case: Option<Span>,
}

fn duplicate(checker: &mut Checker<'_>, span: Span, name: &[u8]) {
    checker.push(words::duplicate_field(show(name)), span);
}

impl<'a> StsFields<'a> {
    /// A field named `id`.
    fn id(&mut self, checker: &mut Checker<'a>, text: &'a [u8], span: Span, raw: (&[u8], &'a [u8])) {
        let (raw_name, raw_value) = raw;
        let name = raw_name.trim_ascii_end();
        let value = raw_value.trim_ascii_start();
        let contains_non_ascii = !text.is_ascii();
        if self.id.is_some() || self.id_invalid {
            // RFC 8461 §3.2 (last paragraph, covers TXT records): later duplicates are ignored.
            duplicate(checker, span, name);
            if !matches(extension, text) && !contains_non_ascii && name.len() == raw_name.len() {
                // RFC 8461 §3.1: the ignored repeat is still an `sts-id` or `sts-extension` (whitespace after
                // the `=` is reported as such).
                let field = show(text);
                let finding = if value.is_empty() {
                    Some(words::repeated_id_empty(field, &checker.corrected))
                } else if !value.iter().all(|&b| is_txt_ext_value_char(b)) {
                    let bad = bad_bytes(value, is_txt_ext_value_char);
                    Some(words::repeated_id_chars(field, bad, &checker.corrected))
                } else {
                    None
                };
                if let Some(finding) = finding {
                    checker.push(finding, span);
                }
            }
        } else if matches(sts_id, text) {
            self.id = Some(value);
        } else {
            // RFC 8461 §3.1: `sts-id = %s"id=" 1*32(ALPHA / DIGIT)`; a bad id is not an extension (§4 item 5).
            self.id_invalid = true;
            if !contains_non_ascii {
                for finding in id_findings(value, &checker.corrected) {
                    checker.push(finding, span);
                }
            }
        }
    }
}

impl<'a> ReadFields<'a> for StsFields<'a> {
    fn field(&mut self, checker: &mut Checker<'a>, text: &'a [u8], start: usize, version_missing: bool) {
        let span = Span::new(start, start + text.len());
        let contains_non_ascii = !text.is_ascii();
        let Some(eq) = text.iter().position(|&b| b == b'=') else {
            if !contains_non_ascii {
                // RFC 8461 §3.1: "semicolon-separated key/value pairs".
                checker.field_without_equals(span, text);
            }
            return;
        };
        let (raw_name, raw_value) = (&text[..eq], &text[eq + 1..]);
        let name = raw_name.trim_ascii_end();
        let value = raw_value.trim_ascii_start();
        if contains_non_ascii && name != b"id" && name.iter().filter(|b| b.is_ascii()).eq(b"id") {
            // Already reported as non-ASCII; do not also report the id as missing.
            self.id_invalid = true;
            return;
        }
        let spaced = name.len() != raw_name.len() || value.len() != raw_value.len();
        if spaced {
            // RFC 8461 §3.1: `sts-id = %s"id=" ...`, `sts-extension = sts-ext-name "=" sts-ext-value`: no WSP.
            checker.field_whitespace(span, text, name, value);
        }
        if name == b"id" {
            self.id(checker, text, span, (raw_name, raw_value));
            return;
        }
        if name == b"v" && !version_missing {
            // A later `v=STSv1` is grammatical as an extension named `v`, but it repeats the version.
            duplicate(checker, span, name);
        }
        if !matches(extension, text) {
            let fine_once_trimmed = matches(ext_name, name) && matches(ext_value, value);
            if !(contains_non_ascii || spaced && fine_once_trimmed) {
                // RFC 8461 §3.1: `sts-extension = sts-ext-name "=" sts-ext-value`.
                checker.extension_invalid(span, text, name, value);
            }
            return;
        }
        if name == b"v" {
            return;
        }
        if self.extensions.iter().any(|(n, _)| n.as_bytes() == name) {
            duplicate(checker, span, name);
            return;
        }
        if name.eq_ignore_ascii_case(b"id") {
            self.id_other_case.get_or_insert(Span::new(start, start + name.len()));
        }
        // RFC 8461 §3.2 (last paragraph): unknown fields MUST be accepted and are ignored.
        self.extensions.push((ascii(name), ascii(value)));
    }

    fn end(&mut self, checker: &mut Checker<'a>) {
        if self.id.is_some() || self.id_invalid {
            return;
        }
        let record = checker.record;
        let whole = Span::new(0, record.len());
        let bare = record.trim_ascii_end() == VERSION.as_bytes();
        // RFC 8461 §3.1: a bare `v=STSv1` does not begin with `v=STSv1;`; otherwise "sts-id record is required".
        let finding = if bare {
            words::bare_version(&checker.corrected)
        } else if let Some(name) = self.id_other_case {
            // Field names are case-sensitive: `ID=` is an extension, not the id.
            words::id_case(show(&record[name.start..name.end]), &checker.corrected).with_edit(name, "id")
        } else {
            words::id_missing(&checker.corrected)
        };
        checker.push(finding, whole);
    }
}

impl<'a> Fields<'a> for StsFields<'a> {
    type Value = StsRecord;

    fn value(self) -> Option<StsRecord> {
        let extensions = self.extensions;
        self.id.map(|id| StsRecord { version: "STSv1".to_owned(), id: ascii(id), extensions })
    }
}

/// A corrected record for a fix; without an id that can be salvaged it has the example id, and is not
/// complete.
fn repair(record: &[u8]) -> Repair {
    let mut id: Option<Vec<u8>> = None;
    let mut extensions: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for (name, value) in lenient_pairs(record) {
        // Pasted non-ASCII (a non-breaking space, say) next to a name should not lose the field.
        let name: Vec<u8> = name.iter().copied().filter(|&b| is_ext_name_char(b)).collect();
        let name = name.as_slice();
        if name.eq_ignore_ascii_case(b"v") {
            continue;
        }
        if name.eq_ignore_ascii_case(b"id") {
            if id.is_none() {
                id = Some(value.iter().copied().filter(|&b| is_alphanum(b)).take(32).collect());
            }
            continue;
        }
        let value: Vec<u8> = value.iter().copied().filter(|&b| is_txt_ext_value_char(b)).collect();
        if matches(ext_name, name) && !value.is_empty() && !extensions.iter().any(|(n, _)| n == name) {
            extensions.push((name.to_vec(), value));
        }
    }
    let id = id.filter(|id| !id.is_empty());
    let text = StsRecord {
        version: "STSv1".to_owned(),
        id: id.as_deref().map_or_else(|| EXAMPLE_ID.to_owned(), ascii),
        extensions: extensions.iter().map(|(n, v)| (ascii(n), ascii(v))).collect(),
    }
    .to_text();
    Repair { text, complete: id.is_some() }
}

impl TagValueRecord for StsRecord {
    const GRAMMAR: &'static Grammar = &GRAMMAR;
    type Fields<'a> = StsFields<'a>;

    fn to_text(&self) -> String {
        StsRecord::to_text(self)
    }
}

/// An unrelated TXT record at `_mta-sts`.
fn other_txt(record: &[u8]) -> Finding {
    // RFC 8461 §3.1: "Records that do not begin with "v=STSv1;" are discarded."
    let finding = if record.is_empty() {
        words::other_txt_empty()
    } else if record.starts_with(VERSION.as_bytes()) {
        words::other_txt_prefix(show(record))
    } else {
        words::other_txt(show(record))
    };
    finding.with_span(Span::new(0, record.len()))
}

impl StsRecord {
    /// One record, its character-strings already joined.
    pub fn parse(record: &[u8]) -> Parsed<StsRecord> {
        tagvalue::parse(record)
    }

    /// The whole TXT record set at `_mta-sts`: discards non-STS records, requires exactly one.
    ///
    /// RFC 8461 §3.1: "Records that do not begin with "v=STSv1;" are discarded." `v=STSv1 ;` is kept, as mox
    /// does (erratum 6285); a bare `v=STSv1` is not, and is only read on its own when nothing else is.
    pub fn parse_rrset<R: AsRef<[u8]>>(records: &[R]) -> Parsed<StsRecord> {
        tagvalue::parse_rrset(records)
    }

    /// The canonical record: `v=STSv1; id=...;` and then each extension as ` name=value;`.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(16 + self.id.len() + self.extensions.len() * 16);
        out.push_str("v=STSv1; id=");
        out.push_str(&self.id);
        out.push(';');
        for (name, value) in &self.extensions {
            let _ = write!(out, " {name}={value};");
        }
        out
    }
}

/// An `id` that is valid (1–32 ALPHA/DIGIT) and derived from `now` (Unix seconds): `YYYYMMDDhhmmss` (UTC).
pub fn fresh_id(now: u64) -> String {
    crate::civil::compact(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_example_record_uses_the_example_id() {
        assert_eq!(
            GRAMMAR.example,
            StsRecord { version: "STSv1".to_owned(), id: EXAMPLE_ID.to_owned(), extensions: vec![] }.to_text()
        );
        assert!(StsRecord::parse(GRAMMAR.example.as_bytes()).valid());
    }

    #[test]
    fn single_records() {
        // (record, expected codes sorted, expected id when valid)
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            ("v=STSv1; id=20160831085700Z;", &[], Some("20160831085700Z")),
            ("v=STSv1; id=20160831085700Z", &[], Some("20160831085700Z")),
            ("v=STSv1;id=1", &[], Some("1")),
            ("v=STSv1 ;\tid=abc ; ", &[], Some("abc")),
            ("v=STSv1; id=12345678901234567890123456789012;", &[], Some("12345678901234567890123456789012")),
            ("v=STSv1; id=123456789012345678901234567890123;", &["record-id-invalid"], None),
            ("v=STSv1; id=2016-08-31;", &["record-id-invalid"], None),
            ("v=STSv1; id=;", &["record-id-invalid"], None),
            ("v=STSv1; id = 1;", &["record-field-whitespace"], None),
            ("v=STSv1;; id=1;", &["record-field-empty"], None),
            ("v=STSv1; id=1;;", &["record-field-empty"], None),
            ("v=STSv1; id=1 ", &["record-trailing-whitespace"], None),
            ("v=STSv1", &["record-delimiter-missing"], None),
            ("v=STSv1;", &["record-id-missing"], None),
            ("v=STSv1 id=1", &["record-delimiter-missing"], None),
            ("id=1; v=STSv1;", &["record-version-not-first"], None),
            ("V=STSv1; id=1;", &["record-version-case"], None),
            (" v=STSv1; id=1;", &["record-leading-whitespace"], None),
            ("v=STSv1; ID=1;", &["record-id-missing"], None),
            ("v=STSv1; id=1; id=2;", &["record-duplicate-field"], Some("1")),
            ("v=STSv1; id=1; v=STSv1;", &["record-duplicate-field"], Some("1")),
            ("v=STSv1; id=1; foo=bar; foo=baz;", &["record-duplicate-field"], Some("1")),
            ("v=STSv1; id=1; x_y.z-1=a:b/c;", &[], Some("1")),
            ("v=STSv1; id=1; _x=1;", &["record-extension-invalid"], None),
            ("v=STSv1; id=1; x=a=b;", &["record-extension-invalid"], None),
            ("v=STSv1; id=1; x=;", &["record-extension-invalid"], None),
            ("v=STSv1; id=1; novalue;", &["record-field-invalid"], None),
            ("v=STSv1; id=1; id=a=b;", &["record-duplicate-field", "record-id-invalid"], None),
            ("v=STSv1; id=1\u{e9};", &["record-not-ascii"], None),
            ("v=STSv10; id=1;", &["record-version-invalid"], None),
            ("v=STSv2; id=1;", &["record-version-invalid"], None),
            ("", &["record-id-missing", "record-version-missing"], None),
            ("hello", &["record-field-invalid", "record-id-missing", "record-version-missing"], None),
        ];
        for &(record, expected, id) in cases {
            let parsed = StsRecord::parse(record.as_bytes());
            assert_eq!(parsed.distinct_codes(), expected, "{record}: {:#?}", parsed.findings);
            assert_eq!(parsed.value.as_ref().map(|v| v.id.as_str()), id, "{record}");
            assert_eq!(parsed.valid(), id.is_some(), "{record}");
        }
    }

    #[test]
    fn duplicates_keep_the_first() {
        let parsed = StsRecord::parse(b"v=STSv1; id=a; x=1; id=b; x=2");
        let value = parsed.value.unwrap();
        assert_eq!(value.id, "a");
        assert_eq!(value.extensions, vec![("x".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn rrsets() {
        let cases: &[(&[&str], &[&str], Option<&str>)] = &[
            (&[], &["record-missing"], None),
            (&["v=spf1 -all"], &["record-missing", "record-other-txt"], None),
            (&["v=spf1 -all", "v=STSv1; id=1;"], &["record-other-txt"], Some("1")),
            (&["v=STSv1; id=1;", "v=STSv1; id=2;"], &["record-multiple"], None),
            (&["v=STSv1 ; id=1;"], &["record-ambiguous-delimiter"], Some("1")),
            (&["v=STSv1 ; id=1;", "v=STSv1; id=2;"], &["record-ambiguous-delimiter", "record-multiple"], None),
            (&["v=STSv1"], &["record-delimiter-missing"], None),
            (&["v=STSv1", "v=STSv1; id=2;"], &["record-discarded"], Some("2")),
            (&["V=STSv1; id=1;"], &["record-version-case"], None),
            (&["v=stsv1; id=1;", "v=STSv1; id=2;"], &["record-discarded"], Some("2")),
            (&[" v=STSv1; id=1;"], &["record-leading-whitespace"], None),
            (&["id=1; v=STSv1;"], &["record-version-not-first"], None),
            (&["v=STSv1 id=1"], &["record-delimiter-missing"], None),
            (&["id=1; v=STSv1;", "v=STSv1; id=2;"], &["record-discarded"], Some("2")),
            (&["v=STSv10; id=1;"], &["record-missing", "record-other-txt"], None),
        ];
        for &(records, expected, id) in cases {
            let parsed = StsRecord::parse_rrset(records);
            assert_eq!(parsed.distinct_codes(), expected, "{records:?}: {:#?}", parsed.findings);
            assert_eq!(parsed.value.as_ref().map(|v| v.id.as_str()), id, "{records:?}");
        }
    }

    #[test]
    fn rrset_findings_name_their_record() {
        let parsed = StsRecord::parse_rrset(&["hello", "v=STSv1; id=a-b;"]);
        let indices: Vec<Option<usize>> = parsed.findings.iter().map(|f| f.record_index).collect();
        assert_eq!(indices, vec![Some(0), Some(1)]);
        assert_eq!(parsed.findings[1].span, Some(Span::new(9, 15)));
    }

    /// Every grammar error's fix ends with the corrected record, which is also its artefact unless the
    /// user has an id to choose.
    #[test]
    fn fixes_are_corrected_records() {
        // (record, corrected record, complete)
        let cases = [
            ("v=STSv1; id=2024-01-01T00:00:00Z;", "v=STSv1; id=20240101T000000Z;", true),
            ("v=STSv1; id = 42 ;; ext=1", "v=STSv1; id=42; ext=1;", true),
            ("id=7; v=STSv1", "v=STSv1; id=7;", true),
            ("V=STSv1; id=7", "v=STSv1; id=7;", true),
            ("v=STSv1 id=7", "v=STSv1; id=7;", true),
            ("v=STSv1; id=---;", "v=STSv1; id=20250101120000;", false),
        ];
        for (record, fix, complete) in cases {
            let parsed = StsRecord::parse(record.as_bytes());
            let found = parsed.findings.iter().find(|f| f.code.group() == Code::RecordInvalid).expect(record);
            let text = found.fix.as_deref().unwrap_or_default();
            assert!(text.ends_with(&format!("Corrected record: {fix}")), "{record}: {text}");
            let artifacts: Vec<&str> = found.artifacts.iter().map(|a| a.text.as_str()).collect();
            assert_eq!(artifacts, if complete { vec![fix] } else { vec![] }, "{record}");
        }
        let without_id = StsRecord::parse(b"v=STSv1; id=---;");
        assert!(without_id.findings[0].fix.as_deref().is_some_and(|f| f.starts_with("Write the id with letters")));
    }

    /// Where the fix is a local edit, applying it gives the record without the problem.
    #[test]
    fn edits_fix_the_record() {
        // (record, code, record after that finding's edits)
        let cases = [
            ("v=STSv1; id = 1;", Code::RecordFieldWhitespace, "v=STSv1; id=1;"),
            ("v=STSv1; x\t=\t1; id=1", Code::RecordFieldWhitespace, "v=STSv1; x=1; id=1"),
            ("v=STSv1;; id=1;", Code::RecordFieldEmpty, "v=STSv1; id=1;"),
            ("v=STSv1; id=1;;", Code::RecordFieldEmpty, "v=STSv1; id=1;"),
            ("v=STSv1; id=1 ", Code::RecordTrailingWhitespace, "v=STSv1; id=1"),
            ("V=STSv1; id=1;", Code::RecordVersionCase, "v=STSv1; id=1;"),
            ("v=stsv1; id=1;", Code::RecordVersionCase, "v=STSv1; id=1;"),
            (" v=STSv1; id=1;", Code::RecordLeadingWhitespace, "v=STSv1; id=1;"),
            ("v=STSv1 id=1", Code::RecordDelimiterMissing, "v=STSv1; id=1"),
            ("id=1; v=STSv1;", Code::RecordVersionNotFirst, "v=STSv1; id=1;"),
            ("id=1; v=STSv1", Code::RecordVersionNotFirst, "v=STSv1; id=1"),
            ("id=1; v=STSv1; x=2", Code::RecordVersionNotFirst, "v=STSv1; id=1; x=2"),
            ("v=STSv1 ; id=1;", Code::RecordAmbiguousDelimiter, "v=STSv1; id=1;"),
            ("v=STSv1; ID=20240101;", Code::RecordIdMissing, "v=STSv1; id=20240101;"),
            ("v=STSv1; id=1;\r\n", Code::RecordFieldInvalid, "v=STSv1; id=1;"),
        ];
        for (record, code, fixed) in cases {
            // The record-set filter alone sees the ambiguous delimiter.
            for parsed in [StsRecord::parse(record.as_bytes()), StsRecord::parse_rrset(&[record])] {
                let Some(found) = parsed.findings.iter().find(|f| f.code == code) else {
                    assert_eq!(code, Code::RecordAmbiguousDelimiter, "{record}: {:#?}", parsed.findings);
                    continue;
                };
                let edited = crate::finding::apply_edits(record.as_bytes(), &found.edits);
                assert_eq!(String::from_utf8_lossy(&edited), fixed, "{record}: {found:#?}");
            }
        }
        // No edit where it would bring out another error: the version is fixed, the id is still wrong.
        let parsed = StsRecord::parse_rrset(&["V=STSv1; id=a-b;"]);
        assert_eq!(parsed.codes(), [Code::RecordVersionCase]);
        assert!(parsed.findings[0].edits.is_empty(), "{:#?}", parsed.findings);
        // Nor where the user has a choice to make.
        for record in ["v=STSv1; id=a-b;", "v=STSv1; id=1; foo;", "v=STSv1", "v=STSv1; id=1; id=2;"] {
            let parsed = StsRecord::parse_rrset(&[record]);
            assert!(parsed.findings.iter().all(|f| f.edits.is_empty()), "{record}: {:#?}", parsed.findings);
        }
    }

    #[test]
    fn fresh_ids_are_utc_timestamps() {
        for (now, id) in [
            (0, "19700101000000"),
            (1_700_000_000, "20231114221320"),
            (951_782_400, "20000229000000"),
            (4_102_444_799, "20991231235959"),
            (1_735_689_600, "20250101000000"),
        ] {
            assert_eq!(fresh_id(now), id);
            assert!(StsRecord::parse(format!("v=STSv1; id={};", fresh_id(now)).as_bytes()).valid());
        }
        assert!(fresh_id(u64::MAX).len() <= 32);
    }

    fn valid_record() -> impl Strategy<Value = StsRecord> {
        ("[A-Za-z0-9]{1,32}", proptest::collection::vec(("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", "[!-:<>-~]{1,20}"), 0..4))
            .prop_map(|(id, extensions)| {
                let mut unique: Vec<(String, String)> = Vec::new();
                for (name, value) in extensions {
                    if name != "id" && name != "v" && !unique.iter().any(|(n, _)| *n == name) {
                        unique.push((name, value));
                    }
                }
                StsRecord { version: "STSv1".to_owned(), id, extensions: unique }
            })
    }

    proptest! {
        #[test]
        fn never_panics_near_the_grammar(text in "v=STSv1[ \t;]{0,3}([ \t;=a-zA-Z0-9_.:-]|\u{e9}){0,60}") {
            let parsed = StsRecord::parse_rrset(&[text.as_bytes()]);
            for finding in &parsed.findings {
                if let Some(span) = finding.span {
                    prop_assert!(span.start <= span.end && span.end <= text.len());
                }
                for artifact in &finding.artifacts {
                    prop_assert!(StsRecord::parse(artifact.text.as_bytes()).valid(), "fix {} of {}", artifact.text, text);
                }
            }
            // The corrected record every grammar error offers is valid, chosen id or not.
            let repaired = repair(text.as_bytes()).text;
            prop_assert!(StsRecord::parse(repaired.as_bytes()).valid(), "fix {} of {}", repaired, text);
        }

        #[test]
        fn to_text_round_trips(record in valid_record()) {
            let text = record.to_text();
            let parsed = StsRecord::parse_rrset(&[text.as_bytes()]);
            prop_assert!(parsed.findings.is_empty(), "{}: {:?}", text, parsed.findings);
            prop_assert_eq!(parsed.value, Some(record));
        }
    }
}
