//! The `_mta-sts` TXT record (RFC 8461 §3.1).
//!
//! [`StsRecord::parse`] reads one record (its character-strings already joined, RFC 8461 §3.1) and
//! [`StsRecord::parse_rrset`] the whole TXT record set at `_mta-sts`, applying the sender's filter: keep the
//! records that begin with `v=STSv1;`, and require exactly one.
//!
//! The version, the delimiters, the extensions and the record-set filter are the shared tag=value parser
//! (`crate::tagvalue`, also used by [`crate::tlsrpt`]); this module holds what is the STS record's own: its
//! words and codes, and the `id` field. Decisions where the RFC or the implementations disagree
//! (requirements.md §4, §5.3):
//!
//! * `v=STSv1 ;` (erratum 6285) is counted as an STS record, as mox does, and warned about;
//! * a record that is exactly `v=STSv1` does not begin with `v=STSv1;`, so it is discarded (RFC 8461 §3.1)
//!   and a real STS record beside it applies; that is a warning, because senders with a `v=STSv1` prefix
//!   filter (postfix-mta-sts-resolver, postfix-tlspol, EFF) count it and see two records
//!   (`record-discarded`). Alone, it is reported as the STS record it was meant to be, lacking its `;`
//!   and `id` (`record-delimiter-missing`, an error);
//! * `V=STSv1;` and ` v=STSv1;` are not STS records for RFC-following senders: when no real STS record
//!   exists they are reported with the rule they break (`record-version-case`, `record-leading-whitespace`,
//!   …, instead of `record-missing`), else as a `record-discarded` warning;
//! * every rule has its own code with a fixed severity; the grammar rules share the group `record-invalid`;
//! * a repeated field is a warning and the first one wins (RFC 8461 §3.2, last paragraph); a later
//!   `v=...` is grammatical as an extension named `v` and is treated as a repeated version.

use crate::abnf::{is_alphanum, is_ext_name_char, is_txt_ext_value_char};
use crate::finding::{ArtifactKind, Code, Finding, Parsed, Span};
use crate::tagvalue::{
    self, Checker, Codes, Fields, Grammar, TagValueRecord, ascii, bad_bytes, capitalise, ext_name, ext_value,
    extension, extension_problem, lenient_pairs, matches, show,
};
use nom::bytes::complete::{tag, take_while_m_n};
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
const NO_POLICY: &str = "Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no \
                         MTA-STS policy, so mail to it is not protected.";
const CHOOSE_ID: &str = "choose a new id of 1–32 letters and digits, e.g. a timestamp like 20250101120000";

/// The `_mta-sts` record for the shared tag=value parser (RFC 8461 §3.1).
static GRAMMAR: Grammar = Grammar {
    version: VERSION,
    prefix: "v=STSv1;",
    rfc: "RFC 8461 §3.1",
    rfc_number: "RFC 8461",
    name: "MTA-STS",
    a_record: "an MTA-STS record",
    owner: "_mta-sts",
    readers: "senders",
    consequence: NO_POLICY,
    codes: Codes {
        invalid: Code::RecordInvalid,
        not_ascii: Code::RecordNotAscii,
        version_missing: Code::RecordVersionMissing,
        version_invalid: Code::RecordVersionInvalid,
        version_case: Code::RecordVersionCase,
        version_not_first: Code::RecordVersionNotFirst,
        leading_whitespace: Code::RecordLeadingWhitespace,
        delimiter_missing: Code::RecordDelimiterMissing,
        field_empty: Code::RecordFieldEmpty,
        field_invalid: Code::RecordFieldInvalid,
        field_whitespace: Code::RecordFieldWhitespace,
        trailing_whitespace: Code::RecordTrailingWhitespace,
        extension_invalid: Code::RecordExtensionInvalid,
        missing: Code::RecordMissing,
        multiple: Code::RecordMultiple,
        ambiguous_delimiter: Code::RecordAmbiguousDelimiter,
        discarded: Code::RecordDiscarded,
    },
    not_ascii: "MTA-STS records must be plain US-ASCII (perhaps a typographic quote, dash or non-breaking space was \
                pasted in).",
    case_readers: "Senders that follow the RFC (mox, chasquid, go-mtasts, postfix-mta-sts-resolver) discard the \
                   record; only a few (Stalwart, checkdmarc, mailauth) accept it.",
    near_case_readers: "mox, chasquid and go-mtasts discard it, while Stalwart, checkdmarc and mailauth accept it",
    not_first: ". The record must begin with it; senders that follow the RFC (mox, chasquid, Snawoot, checkdmarc) \
                discard the record, though a few (Stalwart, go-mtasts, KumoMTA) accept any order",
    field_empty: "The record has an empty field (`;;` or `; ;`). The grammar allows only one `;` between fields and \
                  at most one at the end; mox and checkdmarc reject the record.",
    field_whitespace_readers: " (mox, go-mtasts and Snawoot reject it)",
    trailing_whitespace: "`;`, so remove it (or end the record with `;`)",
    ambiguous_delimiter: "The record has whitespace before the first `;` (`v=STSv1 ;`). The grammar allows it, but \
                          RFC 8461 §3.1 also says senders discard records that do not begin with `v=STSv1;` \
                          (erratum 6285). Senders that filter on that exact prefix (chasquid, and the RFC's literal \
                          text) discard the record and see no policy; others (EFF, tlspol, Snawoot, which look for \
                          `v=STSv1` only) keep it. Remove the space.",
    bare_beside_record: "This record is only `v=STSv1`, without the `;` and the `id`. RFC 8461 §3.1 discards records \
                         that do not begin with `v=STSv1;`, so senders that follow it (mox, chasquid, mailauth) use \
                         the other record. But senders that only look for the prefix `v=STSv1` \
                         (postfix-mta-sts-resolver, postfix-tlspol, EFF) count it as a second MTA-STS record and \
                         then ignore MTA-STS, go-mtasts (maddy) needs `_mta-sts` to hold a single TXT record, and \
                         KumoMTA joins all of them into one. Delete it.",
    two_records: "then ignore MTA-STS",
    multiple_consequence: "there is no MTA-STS policy, so mail is not protected",
    multiple_fix: "Delete all but one record",
    example: "v=STSv1; id=20250101120000;",
    // RFC 8461 §3.1: without a `v=STSv1;` record there is no policy to fetch.
    missing: "There is no MTA-STS TXT record at `_mta-sts.<your domain>` (none begins with `v=STSv1;`), so senders \
              do not look for a policy and mail to the domain is not protected by MTA-STS.",
    missing_fix: [
        "Publish a TXT record at _mta-sts.<your domain> once the policy is served at \
         https://mta-sts.<your domain>/.well-known/mta-sts.txt: ",
        " (any 1–32 letters and digits; change the id whenever the policy changes)",
    ],
    other_txt: Some(other_txt),
};

/// `sts-id          = %s"id=" 1*32(ALPHA / DIGIT)     ; id=...`
fn sts_id(input: &[u8]) -> IResult<&[u8], &[u8]> {
    preceded(tag(&b"id="[..]), take_while_m_n(1, 32, is_alphanum)).parse(input)
}

/// Why an `id=` value is not `1*32(ALPHA / DIGIT)`.
fn id_problem(value: &[u8]) -> String {
    if value.is_empty() {
        return "`id=` is empty".to_owned();
    }
    let mut why = Vec::new();
    if !value.iter().all(|&b| is_alphanum(b)) {
        why.push(format!("contains {}, but only letters and digits are allowed", bad_bytes(value, is_alphanum)));
    }
    if value.len() > 32 {
        why.push(format!("is {} characters long, but at most 32 are allowed", value.len()));
    }
    format!("the id `{}` {}", show(value), why.join(" and "))
}

/// The fields of an STS record: the `id` and the extensions.
#[derive(Default)]
pub(crate) struct StsFields<'a> {
    id: Option<&'a [u8]>,
    id_invalid: bool,
    extensions: Vec<(String, String)>,
}

fn duplicate(checker: &mut Checker<'_>, span: Span, name: &[u8]) {
    let message = format!(
        "The field `{}` appears more than once. RFC 8461 §3.2 says every entry after the first is ignored, so the \
         first one counts; but mox and checkdmarc reject such a record and Snawoot, Stalwart, go-mtasts and KumoMTA \
         use the last one. Keep only one `{}` field.",
        show(name),
        show(name)
    );
    checker.findings.push(Finding::new(Code::RecordDuplicateField, message).with_span(span));
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
                // RFC 8461 §3.1: the ignored repeat is still an `sts-id` or `sts-extension`.
                let why = extension_problem(name, value);
                checker.error(Code::RecordIdInvalid, span, format!("In the repeated `id` field, {why}. {NO_POLICY}"));
            }
        } else if matches(sts_id, text) {
            self.id = Some(value);
        } else {
            // RFC 8461 §3.1: `sts-id = %s"id=" 1*32(ALPHA / DIGIT)`; a bad id is not an extension (§4 item 5).
            self.id_invalid = true;
            if !contains_non_ascii && name.len() == raw_name.len() && value.len() == raw_value.len() {
                checker.error(
                    Code::RecordIdInvalid,
                    span,
                    format!(
                        "{}. The id must be 1 to 32 letters and digits (no `-`, `:`, `.` or spaces). Some senders \
                         (Stalwart, KumoMTA, Snawoot) accept any id, but mox and mailauth (strict) reject the \
                         record. {NO_POLICY}",
                        capitalise(&id_problem(value))
                    ),
                );
            } else if !contains_non_ascii
                && (!value.iter().all(|&b| is_alphanum(b)) || value.is_empty() || value.len() > 32)
            {
                checker.error(Code::RecordIdInvalid, span, format!("{}. {NO_POLICY}", capitalise(&id_problem(value))));
            }
        }
    }
}

impl<'a> Fields<'a> for StsFields<'a> {
    type Value = StsRecord;

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
        // RFC 8461 §3.2 (last paragraph): unknown fields MUST be accepted and are ignored.
        self.extensions.push((ascii(name), ascii(value)));
    }

    fn end(&mut self, checker: &mut Checker<'a>) {
        if self.id.is_some() || self.id_invalid {
            return;
        }
        let record = checker.record;
        let bare = record.trim_ascii_end() == VERSION.as_bytes();
        // RFC 8461 §3.1: a bare `v=STSv1` does not begin with `v=STSv1;`; otherwise "sts-id record is required".
        let code = if bare { Code::RecordDelimiterMissing } else { Code::RecordIdMissing };
        let message = if bare {
            format!(
                "The record is only `v=STSv1`: it has no `;` and no `id`. Senders discard records that do not begin \
                 with `v=STSv1;`, and a record without an id is invalid. {NO_POLICY}"
            )
        } else if let Some((n, _)) = self.extensions.iter().find(|(n, _)| n.eq_ignore_ascii_case("id")) {
            format!(
                "The record has no `id` field: `{n}=` is not `id=`, because field names are case-sensitive. \
                 {NO_POLICY}"
            )
        } else {
            format!(
                "The record has no `id` field. The id is required; it tells senders when to fetch the policy again. \
                 {NO_POLICY}"
            )
        };
        checker.error(code, Span::new(0, record.len()), message);
    }

    fn value(self) -> Option<StsRecord> {
        let extensions = self.extensions;
        self.id.map(|id| StsRecord { version: "STSv1".to_owned(), id: ascii(id), extensions })
    }
}

/// A corrected record for a fix, or an instruction when no usable id can be salvaged.
fn repair(record: &[u8]) -> String {
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
    let rendered = StsRecord {
        version: "STSv1".to_owned(),
        id: id.as_deref().map_or_else(|| EXAMPLE_ID.to_owned(), ascii),
        extensions: extensions.iter().map(|(n, v)| (ascii(n), ascii(v))).collect(),
    }
    .to_text();
    if id.is_some() { rendered } else { format!("{CHOOSE_ID}: {rendered}") }
}

impl TagValueRecord for StsRecord {
    const GRAMMAR: &'static Grammar = &GRAMMAR;
    type Fields<'a> = StsFields<'a>;

    fn to_text(&self) -> String {
        StsRecord::to_text(self)
    }

    const ARTIFACT: ArtifactKind = ArtifactKind::StsRecord;

    fn repair(record: &[u8]) -> String {
        repair(record)
    }

    /// Without a salvageable id the repair asks the user to choose one first.
    fn repair_is_complete(fix: &str) -> bool {
        !fix.starts_with(CHOOSE_ID)
    }
}

/// An unrelated TXT record at `_mta-sts`.
fn other_txt(record: &[u8]) -> Finding {
    let loose = if record.starts_with(VERSION.as_bytes()) {
        " It begins with `v=STSv1` without the `;`, so senders that only look for that prefix (Snawoot, EFF, \
         tlspol) count it as a second MTA-STS record; rename or delete it."
    } else {
        ""
    };
    let what = if record.is_empty() { "An empty TXT record".to_owned() } else { format!("`{}`", show(record)) };
    // RFC 8461 §3.1: "Records that do not begin with "v=STSv1;" are discarded."
    let finding = Finding::new(
        Code::RecordOtherTxt,
        format!(
            "{what} is not an MTA-STS record (it does not begin with `v=STSv1;`); senders discard it, so it is \
             harmless (checkdmarc wrongly reports it as an error, go-mtasts expects a single TXT record and \
             KumoMTA joins all records, so keeping `_mta-sts` for MTA-STS alone is safest).{loose}"
        ),
    );
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

    #[test]
    fn fixes_are_corrected_records() {
        let cases = [
            ("v=STSv1; id=2024-01-01T00:00:00Z;", "v=STSv1; id=20240101T000000Z;"),
            ("v=STSv1; id = 42 ;; ext=1", "v=STSv1; id=42; ext=1;"),
            ("id=7; v=STSv1", "v=STSv1; id=7;"),
            ("V=STSv1; id=7", "v=STSv1; id=7;"),
            ("v=STSv1 id=7", "v=STSv1; id=7;"),
            (
                "v=STSv1; id=---;",
                "choose a new id of 1–32 letters and digits, e.g. a timestamp like 20250101120000: v=STSv1; id=20250101120000;",
            ),
        ];
        for (record, fix) in cases {
            let parsed = StsRecord::parse(record.as_bytes());
            let found = parsed.findings.iter().find(|f| f.code.group() == Code::RecordInvalid).expect(record);
            assert_eq!(found.fix.as_deref(), Some(fix), "{record}");
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
                if let Some(fix) = finding.fix.as_deref().filter(|f| f.starts_with("v=STSv1;") && finding.code.group() == Code::RecordInvalid) {
                    prop_assert!(StsRecord::parse(fix.as_bytes()).valid(), "fix {} of {}", fix, text);
                }
            }
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
