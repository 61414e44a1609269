//! The `_mta-sts` TXT record (RFC 8461 §3.1).
//!
//! [`StsRecord::parse`] reads one record (its character-strings already joined, RFC 8461 §3.1) and
//! [`StsRecord::parse_rrset`] the whole TXT record set at `_mta-sts`, applying the sender's filter: keep the
//! records that begin with `v=STSv1;`, and require exactly one.
//!
//! The grammar is checked byte for byte (`%s` in the ABNF: case-sensitive). The productions are nom
//! parsers; around them sits a recovering tokenizer ([`Pieces`], shared with [`crate::tlsrpt`]) so that
//! one bad field does not hide the next one. Decisions where the RFC or the implementations disagree
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

use crate::abnf::{is_alphanum, is_ext_name_char, is_txt_ext_value_char, is_wsp};
use crate::finding::{Code, Finding, Parsed, Severity, Span};
use nom::bytes::complete::{tag, take_while, take_while_m_n, take_while1};
use nom::combinator::{all_consuming, recognize};
use nom::sequence::{preceded, separated_pair};
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

const VERSION: &[u8] = b"v=STSv1";
const PREFIX: &[u8] = b"v=STSv1;";
const NO_POLICY: &str = "Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no \
                         MTA-STS policy, so mail to it is not protected.";
const CHOOSE_ID: &str = "choose a new id of 1–32 letters and digits, e.g. a timestamp like 20250101120000";

/// `sts-version     = %s"v=STSv1"`
fn sts_version(input: &[u8]) -> IResult<&[u8], &[u8]> {
    tag(VERSION).parse(input)
}

/// `sts-field-delim = *WSP ";" *WSP`
pub(crate) fn field_delim(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((take_while(is_wsp), tag(&b";"[..]), take_while(is_wsp))).parse(input)
}

/// `sts-id          = %s"id=" 1*32(ALPHA / DIGIT)     ; id=...`
fn sts_id(input: &[u8]) -> IResult<&[u8], &[u8]> {
    preceded(tag(&b"id="[..]), take_while_m_n(1, 32, is_alphanum)).parse(input)
}

/// `sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`
///
/// Also `tlsrpt-ext-name`, which is the same rule (RFC 8460 §3).
pub(crate) fn ext_name(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((take_while_m_n(1, 1, is_alphanum), take_while_m_n(0, 31, is_ext_name_char))).parse(input)
}

/// `sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)`
///
/// Also `tlsrpt-ext-value`, which is the same rule (RFC 8460 §3).
pub(crate) fn ext_value(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(is_txt_ext_value_char).parse(input)
}

/// `sts-extension   = sts-ext-name "=" sts-ext-value  ; name=value`
pub(crate) fn extension(input: &[u8]) -> IResult<&[u8], (&[u8], &[u8])> {
    separated_pair(ext_name, tag(&b"="[..]), ext_value).parse(input)
}

/// `true` when `input` is exactly one `production`.
pub(crate) fn matches<'a, O>(
    production: impl Parser<&'a [u8], Output = O, Error = nom::error::Error<&'a [u8]>>,
    input: &'a [u8],
) -> bool {
    all_consuming(production).parse(input).is_ok()
}

/// One `;`-separated piece of a record after its version: a field, or a delimiter problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// A field without the whitespace of the delimiters around it; `start` is its offset in the record.
    Field { text: &'a [u8], start: usize },
    /// Text between the version and the first `;` (e.g. `v=STSv1 id=1`): the delimiter is missing.
    MissingDelimiter(Span),
    /// `;;`: an empty field; the span covers the second `;`.
    EmptyField(Span),
    /// Whitespace after the last field that no `;` follows.
    TrailingWsp(Span),
}

/// Splits `1*(field-delim field) [field-delim]` into fields, reporting delimiter problems and carrying on.
///
/// Fields cannot contain `;` (neither `sts-ext-value` nor `tlsrpt-ext-value` admits it, and RFC 8460 §3
/// requires it to be encoded in URIs), so splitting on `;` first and checking each field with its own
/// production afterwards finds every problem, not only the first one.
pub(crate) struct Pieces<'a> {
    record: &'a [u8],
    pos: usize,
    after_version: bool,
    pending: [Option<Piece<'a>>; 2],
}

impl<'a> Pieces<'a> {
    /// `after_version`: `pos` is right after a version, so the first segment should be empty or WSP.
    pub(crate) fn new(record: &'a [u8], pos: usize, after_version: bool) -> Pieces<'a> {
        Pieces { record, pos: pos.min(record.len()), after_version, pending: [None, None] }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if let Some(piece) = self.pending[0].take() {
            self.pending.swap(0, 1);
            return Some(piece);
        }
        loop {
            let len = self.record.len();
            if self.pos > len {
                return None;
            }
            let start = self.pos;
            let end = self.record[start..].iter().position(|&b| b == b';').map_or(len, |i| start + i);
            let has_delim = end < len;
            self.pos = end + 1;
            let segment = &self.record[start..end];
            let lead = segment.iter().take_while(|&&b| is_wsp(b)).count();
            let first = std::mem::replace(&mut self.after_version, false);
            if lead == segment.len() {
                if first || !has_delim {
                    // RFC 8461 §3.1: a single trailing `[sts-field-delim]` is allowed.
                    if has_delim {
                        continue;
                    }
                    return None;
                }
                // RFC 8461 §3.1: `1*(sts-field-delim sts-field)` has no empty fields.
                return Some(Piece::EmptyField(Span::new(end, end + 1)));
            }
            let trail = segment.iter().rev().take_while(|&&b| is_wsp(b)).count();
            let field = Piece::Field { text: &segment[lead..segment.len() - trail], start: start + lead };
            let trailing = (!has_delim && trail > 0).then(|| Piece::TrailingWsp(Span::new(end - trail, end)));
            if first {
                self.pending = [Some(field), trailing];
                return Some(Piece::MissingDelimiter(Span::new(start, end - trail)));
            }
            self.pending = [trailing, None];
            return Some(field);
        }
    }
}

/// Shows bytes to a person: printable ASCII as is, the rest escaped.
pub(crate) fn show(bytes: &[u8]) -> String {
    const LIMIT: usize = 80;
    let mut out = String::with_capacity(bytes.len().min(LIMIT) + 2);
    for &b in bytes.iter().take(LIMIT) {
        match b {
            0x20..=0x7E => out.push(b as char),
            b'\t' => out.push_str("\\t"),
            _ => {
                let _ = write!(out, "\\x{b:02X}");
            }
        }
    }
    if bytes.len() > LIMIT {
        out.push('…');
    }
    out
}

/// Names a byte that a rule does not allow, for a message.
pub(crate) fn describe_byte(b: u8) -> String {
    match b {
        b' ' => "a space".to_owned(),
        b'\t' => "a tab".to_owned(),
        0x21..=0x7E => format!("`{}`", b as char),
        0x80..=0xFF => format!("the non-ASCII byte 0x{b:02X}"),
        _ => format!("the control character 0x{b:02X}"),
    }
}

/// Lists (up to three) distinct bytes of `bytes` that `allowed` rejects.
pub(crate) fn bad_bytes(bytes: &[u8], allowed: impl Fn(u8) -> bool) -> String {
    let mut seen: Vec<u8> = Vec::new();
    for &b in bytes {
        if !allowed(b) && !seen.contains(&b) {
            seen.push(b);
        }
    }
    let more = seen.len() > 3;
    let mut names: Vec<String> = seen.into_iter().take(3).map(describe_byte).collect();
    if more {
        names.push("others".to_owned());
    }
    match names.len() {
        0 => String::new(),
        1 => names.remove(0),
        n => {
            let last = names.pop().unwrap_or_default();
            let _ = n;
            format!("{} and {last}", names.join(", "))
        }
    }
}

/// The span of the first run of non-ASCII bytes, if any.
pub(crate) fn non_ascii_run(bytes: &[u8]) -> Option<Span> {
    let start = bytes.iter().position(|b| !b.is_ascii())?;
    let len = bytes[start..].iter().take_while(|b| !b.is_ascii()).count();
    Some(Span::new(start, start + len))
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

/// Why a field is not an `sts-extension` (or `tlsrpt-extension`): `name=value` with the given alphabets.
pub(crate) fn extension_problem(name: &[u8], value: &[u8]) -> String {
    let mut why = Vec::new();
    if name.is_empty() {
        why.push("the field has no name before `=`".to_owned());
    } else {
        if !is_alphanum(name[0]) {
            why.push(format!("the name `{}` must begin with a letter or digit", show(name)));
        }
        if !name.iter().all(|&b| is_ext_name_char(b)) {
            why.push(format!(
                "the name `{}` contains {} (allowed: letters, digits, `_`, `-`, `.`)",
                show(name),
                bad_bytes(name, is_ext_name_char)
            ));
        }
        if name.len() > 32 {
            why.push(format!("the name `{}` is longer than 32 characters", show(name)));
        }
    }
    if value.is_empty() {
        why.push(format!("`{}=` has an empty value", show(name)));
    } else if !value.iter().all(|&b| is_txt_ext_value_char(b)) {
        why.push(format!(
            "the value of `{}` contains {} (allowed: visible ASCII except `=` and `;`)",
            show(name),
            bad_bytes(value, is_txt_ext_value_char)
        ));
    }
    if why.is_empty() {
        why.push(format!("`{}={}` is not a valid field", show(name), show(value)));
    }
    why.join("; ")
}

/// Whether `record` starts with `word` ignoring ASCII case, but not exactly.
pub(crate) fn starts_with_other_case(record: &[u8], word: &[u8]) -> bool {
    record.len() >= word.len() && record[..word.len()].eq_ignore_ascii_case(word) && !record.starts_with(word)
}

/// Where the version is, and what is wrong with it.
enum VersionAt {
    /// `v=STSv1` (or its case variant, already reported) ends at this offset.
    Start(usize),
    /// No version at the start: fields from offset 0.
    Missing,
}

struct RecordParser<'a> {
    record: &'a [u8],
    findings: Vec<Finding>,
    id: Option<&'a [u8]>,
    id_invalid: bool,
    extensions: Vec<(String, String)>,
}

impl<'a> RecordParser<'a> {
    fn error(&mut self, code: Code, span: Span, message: String) {
        self.findings.push(Finding::new(code, message).with_span(span));
    }

    fn duplicate(&mut self, span: Span, name: &[u8]) {
        let message = format!(
            "The field `{}` appears more than once. RFC 8461 §3.2 says every entry after the first is ignored, so \
             the first one counts; but mox and checkdmarc reject such a record and Snawoot, Stalwart, go-mtasts \
             and KumoMTA use the last one. Keep only one `{}` field.",
            show(name),
            show(name)
        );
        self.findings.push(Finding::new(Code::RecordDuplicateField, message).with_span(span));
    }

    fn version(&mut self) -> VersionAt {
        let record = self.record;
        if let Ok((rest, _)) = sts_version(record) {
            let end = record.len() - rest.len();
            let token = rest.iter().take_while(|&&b| b != b';' && !is_wsp(b)).count();
            if token > 0 {
                // RFC 8461 §3.1: `sts-version = %s"v=STSv1"`, "Currently, only "STSv1" is supported."
                self.error(
                    Code::RecordVersionInvalid,
                    Span::new(0, end + token),
                    format!(
                        "The record begins with `{}`, but the version must be exactly `v=STSv1` followed by `;`. {NO_POLICY}",
                        show(&record[..end + token])
                    ),
                );
                return VersionAt::Start(end + token);
            }
            return VersionAt::Start(end);
        }
        if starts_with_other_case(record, VERSION) {
            // RFC 8461 §3.1 (RFC 7405 `%s`): the version is case-sensitive.
            self.error(
                Code::RecordVersionCase,
                Span::new(0, VERSION.len()),
                format!(
                    "The record begins with `{}`, but the version is case-sensitive and must be written exactly \
                     `v=STSv1`. Senders that follow the RFC (mox, chasquid, go-mtasts, postfix-mta-sts-resolver) \
                     discard the record; only a few (Stalwart, checkdmarc, mailauth) accept it. {NO_POLICY}",
                    show(&record[..VERSION.len()])
                ),
            );
            return VersionAt::Start(VERSION.len());
        }
        let lead = record.iter().take_while(|&&b| is_wsp(b)).count();
        if lead > 0 && record[lead..].starts_with(VERSION) {
            // RFC 8461 §3.1: "The TXT record MUST begin with the sts-version field".
            self.error(
                Code::RecordLeadingWhitespace,
                Span::new(0, lead),
                format!(
                    "The record begins with whitespace before `v=STSv1`; senders discard records that do not begin \
                     exactly with `v=STSv1;`. {NO_POLICY}"
                ),
            );
            return VersionAt::Start(lead + VERSION.len());
        }
        let later = Pieces::new(record, 0, false).any(|p| matches!(p, Piece::Field { text, .. } if text == VERSION));
        let (code, message) = if later {
            // RFC 8461 §3.1: "The TXT record MUST begin with the sts-version field".
            (
                Code::RecordVersionNotFirst,
                format!(
                    "`v=STSv1` is not the first field. The record must begin with it; senders that follow the RFC \
                     (mox, chasquid, Snawoot, checkdmarc) discard the record, though a few (Stalwart, go-mtasts, \
                     KumoMTA) accept any order. {NO_POLICY}"
                ),
            )
        } else if record.starts_with(b"v=") {
            // RFC 8461 §3.1: "Currently, only "STSv1" is supported." (`v=STSv2`, `v=spf1`, …)
            (
                Code::RecordVersionInvalid,
                format!("The record does not begin with `v=STSv1`, the required version field. {NO_POLICY}"),
            )
        } else {
            // RFC 8461 §3.1: ""v" (plaintext, required)".
            (
                Code::RecordVersionMissing,
                format!("The record does not begin with `v=STSv1`, the required version field. {NO_POLICY}"),
            )
        };
        self.error(code, Span::new(0, record.len().min(VERSION.len())), message);
        VersionAt::Missing
    }

    fn field(&mut self, text: &'a [u8], start: usize, version_missing: bool) {
        let span = Span::new(start, start + text.len());
        let contains_non_ascii = !text.is_ascii();
        let Some(eq) = text.iter().position(|&b| b == b'=') else {
            if !contains_non_ascii {
                // RFC 8461 §3.1: "semicolon-separated key/value pairs".
                self.error(
                    Code::RecordFieldInvalid,
                    span,
                    format!(
                        "The field `{}` has no `=`; every field is `name=value`, separated by `;`. {NO_POLICY}",
                        show(text)
                    ),
                );
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
        if name.len() != raw_name.len() || value.len() != raw_value.len() {
            // RFC 8461 §3.1: `sts-id = %s"id=" ...`, `sts-extension = sts-ext-name "=" sts-ext-value`: no WSP.
            self.error(
                Code::RecordFieldWhitespace,
                span,
                format!(
                    "The field `{}` has whitespace around `=`; the grammar allows none (mox, go-mtasts and \
                     Snawoot reject it). Write `{}={}`. {NO_POLICY}",
                    show(text),
                    show(name),
                    show(value)
                ),
            );
        }
        if name == b"id" {
            if self.id.is_some() || self.id_invalid {
                // RFC 8461 §3.2 (last paragraph, covers TXT records): later duplicates are ignored.
                self.duplicate(span, name);
                if !matches(extension, text) && !contains_non_ascii && name.len() == raw_name.len() {
                    // RFC 8461 §3.1: the ignored repeat is still an `sts-id` or `sts-extension`.
                    let why = extension_problem(name, value);
                    self.error(Code::RecordIdInvalid, span, format!("In the repeated `id` field, {why}. {NO_POLICY}"));
                }
            } else if matches(sts_id, text) {
                self.id = Some(value);
            } else {
                // RFC 8461 §3.1: `sts-id = %s"id=" 1*32(ALPHA / DIGIT)`; a bad id is not an extension (§4 item 5).
                self.id_invalid = true;
                if !contains_non_ascii && name.len() == raw_name.len() && value.len() == raw_value.len() {
                    self.error(
                        Code::RecordIdInvalid,
                        span,
                        format!(
                            "{}. The id must be 1 to 32 letters and digits (no `-`, `:`, `.` or spaces). Some \
                             senders (Stalwart, KumoMTA, Snawoot) accept any id, but mox and mailauth (strict) \
                             reject the record. {NO_POLICY}",
                            capitalise(&id_problem(value))
                        ),
                    );
                } else if !contains_non_ascii
                    && (!value.iter().all(|&b| is_alphanum(b)) || value.is_empty() || value.len() > 32)
                {
                    self.error(Code::RecordIdInvalid, span, format!("{}. {NO_POLICY}", capitalise(&id_problem(value))));
                }
            }
            return;
        }
        if name == b"v" && !version_missing {
            // A later `v=STSv1` is grammatical as an extension named `v`, but it repeats the version.
            self.duplicate(span, name);
        }
        if !matches(extension, text) {
            let spaced = name.len() != raw_name.len() || value.len() != raw_value.len();
            let fine_once_trimmed = matches(ext_name, name) && matches(ext_value, value);
            if !(contains_non_ascii || spaced && fine_once_trimmed) {
                // RFC 8461 §3.1: `sts-extension = sts-ext-name "=" sts-ext-value`.
                let why = extension_problem(name, value);
                self.error(
                    Code::RecordExtensionInvalid,
                    span,
                    format!("In the field `{}`, {why}. {NO_POLICY}", show(text)),
                );
            }
            return;
        }
        if name == b"v" {
            return;
        }
        if self.extensions.iter().any(|(n, _)| n.as_bytes() == name) {
            self.duplicate(span, name);
            return;
        }
        // RFC 8461 §3.2 (last paragraph): unknown fields MUST be accepted and are ignored.
        self.extensions.push((ascii(name), ascii(value)));
    }

    fn run(mut self) -> Parsed<StsRecord> {
        let record = self.record;
        if let Some(span) = non_ascii_run(record) {
            // RFC 8461 §3.1: "MTA-STS TXT records MUST be US-ASCII".
            self.error(
                Code::RecordNotAscii,
                span,
                format!(
                    "The record contains non-ASCII bytes ({}); MTA-STS records must be plain US-ASCII (perhaps a \
                     typographic quote, dash or non-breaking space was pasted in). {NO_POLICY}",
                    show(&record[span.start..span.end])
                ),
            );
        }
        let (pos, after_version, version_missing) = match self.version() {
            VersionAt::Start(pos) => (pos, true, false),
            VersionAt::Missing => (0, false, true),
        };
        for piece in Pieces::new(record, pos, after_version) {
            match piece {
                Piece::Field { text, start } => {
                    if version_missing && text == VERSION {
                        continue;
                    }
                    self.field(text, start, version_missing);
                }
                Piece::MissingDelimiter(span) => {
                    // RFC 8461 §3.1: `sts-version 1*(sts-field-delim sts-field)`: fields are `;`-separated.
                    self.error(
                        Code::RecordDelimiterMissing,
                        span,
                        format!(
                            "`{}` follows the version without a `;` in between; fields must be separated by `;`. \
                             {NO_POLICY}",
                            show(&record[span.start..span.end])
                        ),
                    );
                }
                // RFC 8461 §3.1: `1*(sts-field-delim sts-field) [sts-field-delim]`: no empty field.
                Piece::EmptyField(span) => self.error(
                    Code::RecordFieldEmpty,
                    span,
                    format!(
                        "The record has an empty field (`;;` or `; ;`). The grammar allows only one `;` between \
                         fields and at most one at the end; mox and checkdmarc reject the record. {NO_POLICY}"
                    ),
                ),
                // RFC 8461 §3.1: `sts-field-delim = *WSP ";" *WSP`: whitespace only around `;`.
                Piece::TrailingWsp(span) => self.error(
                    Code::RecordTrailingWhitespace,
                    span,
                    format!(
                        "The record ends with whitespace after its last field. The grammar allows whitespace only \
                         around `;`, so remove it (or end the record with `;`). {NO_POLICY}"
                    ),
                ),
            }
        }
        if self.id.is_none() && !self.id_invalid {
            let bare = record.trim_ascii_end() == VERSION;
            // RFC 8461 §3.1: a bare `v=STSv1` does not begin with `v=STSv1;`; otherwise "sts-id record is required".
            let code = if bare { Code::RecordDelimiterMissing } else { Code::RecordIdMissing };
            let message = if bare {
                format!(
                    "The record is only `v=STSv1`: it has no `;` and no `id`. Senders discard records that do not \
                     begin with `v=STSv1;`, and a record without an id is invalid. {NO_POLICY}"
                )
            } else if let Some((n, _)) = self.extensions.iter().find(|(n, _)| n.eq_ignore_ascii_case("id")) {
                format!(
                    "The record has no `id` field: `{n}=` is not `id=`, because field names are case-sensitive. \
                     {NO_POLICY}"
                )
            } else {
                format!(
                    "The record has no `id` field. The id is required; it tells senders when to fetch the policy \
                     again. {NO_POLICY}"
                )
            };
            self.error(code, Span::new(0, record.len()), message);
        }
        let has_error = self.findings.iter().any(|f| f.severity == Severity::Error);
        if has_error {
            let fix = repair(record);
            for finding in &mut self.findings {
                if finding.code.group() == Code::RecordInvalid {
                    finding.fix = Some(fix.clone());
                }
            }
        }
        let value = match (has_error, self.id) {
            (false, Some(id)) => {
                Some(StsRecord { version: "STSv1".to_owned(), id: ascii(id), extensions: self.extensions })
            }
            _ => None,
        };
        Parsed { value, findings: self.findings }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// Bytes already checked to be ASCII, as a `String`.
pub(crate) fn ascii(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes).into_owned(), str::to_owned)
}

/// Splits a record leniently into `name=value` pairs (whitespace around `=` removed), for building fixes.
pub(crate) fn lenient_pairs(record: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut pairs = Vec::new();
    for segment in record.split(|&b| b == b';') {
        let mut rest = segment.trim_ascii();
        while !rest.is_empty() {
            let Some(eq) = rest.iter().position(|&b| b == b'=') else { break };
            let name_start = rest[..eq].trim_ascii_end().iter().rposition(|&b| is_wsp(b)).map_or(0, |i| i + 1);
            let name = rest[name_start..eq].trim_ascii();
            let after = rest[eq + 1..].trim_ascii_start();
            // The value runs to the next `name=` (a missing `;`) or to the end of the segment.
            let value_end = after
                .iter()
                .enumerate()
                .filter(|&(_, &b)| is_wsp(b))
                .map(|(i, _)| i)
                .find(|&i| {
                    let next = after[i..].trim_ascii_start();
                    next.iter().position(|&b| b == b'=').is_some_and(|e| next[..e].iter().all(|&b| is_ext_name_char(b)))
                })
                .unwrap_or(after.len());
            pairs.push((name, after[..value_end].trim_ascii()));
            rest = after[value_end..].trim_ascii_start();
        }
    }
    pairs
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

/// How a record of the record set is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Begins with `v=STSv1;`.
    Sts,
    /// `v=STSv1` + WSP + `;` (erratum 6285); the span covers the whitespace.
    Spaced(Span),
    /// Exactly `v=STSv1` (perhaps with trailing whitespace): discarded by the filter, but meant as a record.
    Bare,
    /// Not an STS record for RFC-following senders, but clearly meant as one.
    NearMiss,
    /// Something else.
    Other,
}

/// `v=STSv1 ;`: grammatical, but not what the record filter looks for (erratum 6285).
fn ambiguous_delimiter(record: &[u8], span: Span) -> Finding {
    let mut fixed = record[..span.start].to_vec();
    fixed.extend_from_slice(&record[span.end..]);
    // RFC 8461 §3.1, erratum 6285: `sts-field-delim` allows WSP before `;`, the filter `v=STSv1;` does not.
    Finding::new(
        Code::RecordAmbiguousDelimiter,
        "The record has whitespace before the first `;` (`v=STSv1 ;`). The grammar allows it, but RFC 8461 §3.1 \
         also says senders discard records that do not begin with `v=STSv1;` (erratum 6285). Senders that filter \
         on that exact prefix (chasquid, and the RFC's literal text) discard the record and see no policy; others \
         (EFF, tlspol, Snawoot, which look for `v=STSv1` only) keep it. Remove the space.",
    )
    .with_span(span)
    .with_fix(ascii(&fixed))
}

/// A record meant as the STS record that the filter discards (case, leading WSP, misplaced version).
///
/// Alone, it is reported with the grammar rule it breaks (an error: there is no policy); beside a real STS
/// record, as `record-discarded` (a warning: RFC senders use the other record, lax ones count two).
fn near_miss(record: &[u8], candidates: usize) -> Finding {
    // RFC 8461 §3.1: "The TXT record MUST begin with the sts-version field", `sts-version = %s"v=STSv1"`,
    // and records that do not begin with `v=STSv1;` are discarded.
    let (code, why) = if record.first().is_some_and(|&b| is_wsp(b)) {
        (Code::RecordLeadingWhitespace, "it begins with whitespace")
    } else if starts_with_other_case(record, VERSION) {
        (
            Code::RecordVersionCase,
            "the version is case-sensitive and must be written exactly `v=STSv1` (mox, chasquid and go-mtasts \
             discard it, while Stalwart, checkdmarc and mailauth accept it)",
        )
    } else if record.starts_with(VERSION) {
        (Code::RecordDelimiterMissing, "the version is not followed directly by `;`")
    } else {
        (Code::RecordVersionNotFirst, "the version is not the first field")
    };
    let finding = if candidates == 0 {
        Finding::new(
            code,
            format!(
                "This record looks like an MTA-STS record, but senders that follow RFC 8461 discard it because it \
                 does not begin exactly with `v=STSv1;`: {why}. {NO_POLICY}"
            ),
        )
        .with_fix(repair(record))
    } else {
        // RFC 8461 §3.1: discarded, so the real record applies; lax senders count two records.
        Finding::new(
            Code::RecordDiscarded,
            format!(
                "This record looks like a second MTA-STS record, but it does not begin exactly with `v=STSv1;`: \
                 {why}. RFC-following senders discard it; senders that read it anyway see two records and then \
                 ignore MTA-STS. Delete it."
            ),
        )
    };
    finding.with_span(Span::new(0, record.len()))
}

/// `v=STSv1` alone beside a real STS record: discarded by RFC 8461 §3.1, counted by prefix-filtering senders.
fn bare_beside_record(record: &[u8]) -> Finding {
    // RFC 8461 §3.1: "records that do not begin with "v=STSv1;" are discarded".
    Finding::new(
        Code::RecordDiscarded,
        "This record is only `v=STSv1`, without the `;` and the `id`. RFC 8461 §3.1 discards records that do not \
         begin with `v=STSv1;`, so senders that follow it (mox, chasquid, mailauth) use the other record. But \
         senders that only look for the prefix `v=STSv1` (postfix-mta-sts-resolver, postfix-tlspol, EFF) count it \
         as a second MTA-STS record and then ignore MTA-STS, go-mtasts (maddy) needs `_mta-sts` to hold a single \
         TXT record, and KumoMTA joins all of them into one. Delete it.",
    )
    .with_span(Span::new(0, record.len()))
}

/// An unrelated TXT record at `_mta-sts`.
fn other_txt(record: &[u8]) -> Finding {
    let loose = if record.starts_with(VERSION) {
        " It begins with `v=STSv1` without the `;`, so senders that only look for that prefix (Snawoot, EFF, \
         tlspol) count it as a second MTA-STS record; rename or delete it."
    } else {
        ""
    };
    let what = if record.is_empty() { "An empty TXT record".to_owned() } else { format!("`{}`", show(record)) };
    Finding::new(
        Code::RecordOtherTxt,
        format!(
            "{what} is not an MTA-STS record (it does not begin with `v=STSv1;`); senders discard it, so it is \
             harmless (checkdmarc wrongly reports it as an error, go-mtasts expects a single TXT record and KumoMTA \
             joins all records, so keeping `_mta-sts` for MTA-STS alone is safest).{loose}"
        ),
    )
    .with_span(Span::new(0, record.len()))
}

fn classify(record: &[u8]) -> Kind {
    // RFC 8461 §3.1: "Records that do not begin with "v=STSv1;" are discarded."
    if record.starts_with(PREFIX) {
        return Kind::Sts;
    }
    if let Ok((rest, _)) = sts_version(record) {
        if let Ok((_, delim)) = field_delim(rest) {
            // RFC 8461 §3.1 erratum 6285: `*WSP ";"` after the version is grammatical but fails the filter.
            let wsp = delim.iter().position(|&b| b == b';').unwrap_or(0);
            return Kind::Spaced(Span::new(VERSION.len(), VERSION.len() + wsp));
        }
        let wsp = rest.iter().take_while(|&&b| is_wsp(b)).count();
        if wsp == rest.len() {
            return Kind::Bare;
        }
        if wsp > 0 {
            return Kind::NearMiss;
        }
        return Kind::Other;
    }
    let trimmed = record.trim_ascii_start();
    let next = trimmed.get(VERSION.len()).copied();
    let delimited = next.is_none_or(|b| b == b';' || is_wsp(b));
    if trimmed.len() >= VERSION.len() && trimmed[..VERSION.len()].eq_ignore_ascii_case(VERSION) && delimited {
        return Kind::NearMiss;
    }
    if Pieces::new(record, 0, false).any(|p| matches!(p, Piece::Field { text, .. } if text == VERSION)) {
        return Kind::NearMiss;
    }
    Kind::Other
}

impl StsRecord {
    /// One record, its character-strings already joined.
    pub fn parse(record: &[u8]) -> Parsed<StsRecord> {
        RecordParser { record, findings: Vec::new(), id: None, id_invalid: false, extensions: Vec::new() }.run()
    }

    /// The whole TXT record set at `_mta-sts`: discards non-STS records, requires exactly one.
    pub fn parse_rrset<R: AsRef<[u8]>>(records: &[R]) -> Parsed<StsRecord> {
        let mut findings = Vec::new();
        let kinds: Vec<Kind> = records.iter().map(|r| classify(r.as_ref())).collect();
        // RFC 8461 §3.1: "Records that do not begin with "v=STSv1;" are discarded." `v=STSv1 ;` is kept, as
        // mox does (erratum 6285); a bare `v=STSv1` is not, and is only read on its own when nothing else is.
        let candidates = kinds.iter().filter(|k| matches!(k, Kind::Sts | Kind::Spaced(_))).count();
        let mut value = None;
        let mut keep: Option<String> = None;
        for (index, (record, &kind)) in records.iter().zip(&kinds).enumerate() {
            let record = record.as_ref();
            match kind {
                Kind::Bare if candidates > 0 => {
                    findings.push(bare_beside_record(record).with_record_index(index));
                }
                Kind::Sts | Kind::Spaced(_) | Kind::Bare => {
                    if let Kind::Spaced(span) = kind {
                        findings.push(ambiguous_delimiter(record, span).with_record_index(index));
                    }
                    let parsed = StsRecord::parse(record);
                    if let Some(v) = &parsed.value {
                        keep.get_or_insert_with(|| v.to_text());
                    }
                    findings.extend(parsed.findings.into_iter().map(|f| f.with_record_index(index)));
                    if candidates == 1 {
                        value = parsed.value;
                    }
                }
                Kind::NearMiss => {
                    findings.push(near_miss(record, candidates).with_record_index(index));
                }
                Kind::Other => findings.push(other_txt(record).with_record_index(index)),
            }
        }
        let near_misses = kinds.iter().any(|k| matches!(k, Kind::NearMiss | Kind::Bare));
        if candidates == 0 && !near_misses {
            // RFC 8461 §3.1: without a `v=STSv1;` record there is no policy to fetch.
            findings.push(
                Finding::new(
                    Code::RecordMissing,
                    "There is no MTA-STS TXT record at `_mta-sts.<your domain>` (none begins with `v=STSv1;`), so \
                     senders do not look for a policy and mail to the domain is not protected by MTA-STS.",
                )
                .with_fix(format!(
                    "Publish a TXT record at _mta-sts.<your domain> once the policy is served at \
                     https://mta-sts.<your domain>/.well-known/mta-sts.txt: v=STSv1; id={EXAMPLE_ID}; (any 1–32 \
                     letters and digits; change the id whenever the policy changes)"
                )),
            );
        }
        if candidates > 1 {
            // RFC 8461 §3.1: "If the number of resulting records is not one ... senders MUST assume the
            // recipient domain does not have an available MTA-STS Policy."
            let keep = keep.unwrap_or_else(|| format!("v=STSv1; id={EXAMPLE_ID};"));
            findings.push(
                Finding::new(
                    Code::RecordMultiple,
                    format!(
                        "There are {candidates} MTA-STS records at `_mta-sts`. With more than one, RFC 8461 §3.1 \
                     requires senders to assume there is no MTA-STS policy, so mail is not protected."
                    ),
                )
                .with_fix(format!("Delete all but one record; keep: {keep}")),
            );
            value = None;
        }
        Parsed { value, findings }
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

    /// Rules only a single record reaches (in an RRset such a record is discarded as another TXT record).
    #[test]
    fn version_rules_of_a_single_record() {
        for (record, code, span) in [
            ("v=STSv10; id=1;", Code::RecordVersionInvalid, Span::new(0, 8)),
            ("v=STSv2; id=1;", Code::RecordVersionInvalid, Span::new(0, 7)),
            ("id=1;", Code::RecordVersionMissing, Span::new(0, 5)),
        ] {
            let parsed = StsRecord::parse(record.as_bytes());
            assert!(
                parsed.findings.iter().any(|f| f.code == code && f.span == Some(span)),
                "{record}: {:#?}",
                parsed.findings
            );
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
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let parsed = StsRecord::parse(&bytes);
            prop_assert_eq!(parsed.value.is_some(), parsed.valid());
            let rrset = StsRecord::parse_rrset(&[bytes.clone(), bytes]);
            // One code per rule, each with its own fixed severity; the groups are never reported.
            for finding in parsed.findings.iter().chain(&rrset.findings) {
                prop_assert!(!finding.code.is_group(), "{}", finding.code);
                prop_assert_eq!(finding.severity, finding.code.default_severity(), "{}", finding.code);
                prop_assert_eq!(finding.code.category(), crate::finding::Category::Record);
            }
        }

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
