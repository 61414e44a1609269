//! The tag=value TXT records: `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls` (RFC 8460 §3).
//!
//! Both records have the same shape, `version 1*(field-delim field) [field-delim]`, the same delimiter and
//! extension productions, and the same record-set filter ("Records that do not begin with `v=…;` are
//! discarded", then exactly one must remain). This module holds that shared machinery once, parameterised
//! by a [`Grammar`] (the version text, the finding code of each shared rule, the words that differ); the
//! fields of each record (the STS `id`, the TLS-RPT `rua` URIs) are read by a [`Fields`] implementation in
//! [`crate::record`] and [`crate::tlsrpt`].
//!
//! The grammar is checked byte for byte (`%s` in the ABNF: case-sensitive). The productions are nom
//! parsers; around them sits a recovering tokenizer ([`Pieces`]) so that one bad field does not hide the
//! next one.

use crate::abnf::{is_alphanum, is_ext_name_char, is_txt_ext_value_char, is_wsp};
use crate::finding::{Artifact, ArtifactKind, Code, Finding, Parsed, Severity, Span};
use nom::bytes::complete::{tag, take_while, take_while_m_n, take_while1};
use nom::combinator::{all_consuming, recognize};
use nom::sequence::separated_pair;
use nom::{IResult, Parser};
use std::fmt::Write as _;

/// The finding code a record kind emits for each rule the two records share.
pub(crate) struct Codes {
    /// The group of the grammar rules (`record-invalid`, `tlsrpt-invalid`): these findings get the fix.
    pub(crate) invalid: Code,
    pub(crate) not_ascii: Code,
    pub(crate) version_missing: Code,
    pub(crate) version_invalid: Code,
    pub(crate) version_case: Code,
    pub(crate) version_not_first: Code,
    pub(crate) leading_whitespace: Code,
    pub(crate) delimiter_missing: Code,
    pub(crate) field_empty: Code,
    pub(crate) field_invalid: Code,
    pub(crate) field_whitespace: Code,
    pub(crate) trailing_whitespace: Code,
    pub(crate) extension_invalid: Code,
    pub(crate) missing: Code,
    pub(crate) multiple: Code,
    pub(crate) ambiguous_delimiter: Code,
    pub(crate) discarded: Code,
}

/// One kind of tag=value record: its version, its codes, and the words of its messages that differ.
pub(crate) struct Grammar {
    /// The version field, e.g. `v=STSv1`.
    pub(crate) version: &'static str,
    /// What the record-set filter looks for: the version and `;`.
    pub(crate) prefix: &'static str,
    /// The section the record is defined in, e.g. `RFC 8461 §3.1`.
    pub(crate) rfc: &'static str,
    /// The RFC alone, e.g. `RFC 8461`.
    pub(crate) rfc_number: &'static str,
    /// What the record is called, e.g. `MTA-STS`.
    pub(crate) name: &'static str,
    /// The same with its article, e.g. `an MTA-STS record`.
    pub(crate) a_record: &'static str,
    /// The owner name below the domain, e.g. `_mta-sts`.
    pub(crate) owner: &'static str,
    /// Who reads the record: `senders` or `reporters`.
    pub(crate) readers: &'static str,
    /// What an invalid record does to mail; ends every grammar finding's message.
    pub(crate) consequence: &'static str,
    pub(crate) codes: Codes,
    /// After "The record contains non-ASCII bytes (…); ".
    pub(crate) not_ascii: &'static str,
    /// After "…must be written exactly `v=…`.": who discards a case variant and who accepts it.
    pub(crate) case_readers: &'static str,
    /// The same, for a near miss in the record set (in parentheses).
    pub(crate) near_case_readers: &'static str,
    /// After "`v=…` is not the first field".
    pub(crate) not_first: &'static str,
    /// The whole message of an empty field, before the consequence.
    pub(crate) field_empty: &'static str,
    /// After "…has whitespace around `=`; the grammar allows none".
    pub(crate) field_whitespace_readers: &'static str,
    /// After "The grammar allows whitespace only around ".
    pub(crate) trailing_whitespace: &'static str,
    /// The whole message of `v=… ;` in the record set.
    pub(crate) ambiguous_delimiter: &'static str,
    /// The whole message of a bare `v=…` beside a real record.
    pub(crate) bare_beside_record: &'static str,
    /// After "…see two records and ".
    pub(crate) two_records: &'static str,
    /// After "With more than one, <rfc> requires senders to assume ".
    pub(crate) multiple_consequence: &'static str,
    /// The start of the fix for several records, before "; keep: …".
    pub(crate) multiple_fix: &'static str,
    /// A valid record, for fixes that cannot use one of the input.
    pub(crate) example: &'static str,
    /// The message when no record begins with the prefix.
    pub(crate) missing: &'static str,
    /// Its fix: what comes before and after the example record.
    pub(crate) missing_fix: [&'static str; 2],
    /// The finding for a record of another kind, if there is one.
    pub(crate) other_txt: Option<fn(&[u8]) -> Finding>,
}

impl Grammar {
    fn version_bytes(&self) -> &'static [u8] {
        self.version.as_bytes()
    }
}

/// `sts-version     = %s"v=STSv1"` (RFC 8461 §3.1), `tlsrpt-version    = %s"v=TLSRPTv1"` (RFC 8460 §3)
fn version<'a>(grammar: &Grammar, input: &'a [u8]) -> IResult<&'a [u8], &'a [u8]> {
    tag(grammar.version_bytes()).parse(input)
}

/// `sts-field-delim = *WSP ";" *WSP` (RFC 8461 §3.1), `field-delim = *WSP ";" *WSP` (RFC 8460 §3)
pub(crate) fn field_delim(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((take_while(is_wsp), tag(&b";"[..]), take_while(is_wsp))).parse(input)
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
///
/// Also `tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value`, the same rule (RFC 8460 §3).
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
                    // RFC 8461 §3.1, RFC 8460 §3: a single trailing `[field-delim]` is allowed.
                    if has_delim {
                        continue;
                    }
                    return None;
                }
                // RFC 8461 §3.1, RFC 8460 §3: `1*(field-delim field)` has no empty fields.
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

pub(crate) fn capitalise(text: &str) -> String {
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

/// The findings of one record being parsed, and the rules every tag=value record shares.
pub(crate) struct Checker<'a> {
    pub(crate) grammar: &'static Grammar,
    pub(crate) record: &'a [u8],
    pub(crate) findings: Vec<Finding>,
}

impl Checker<'_> {
    pub(crate) fn error(&mut self, code: Code, span: Span, message: String) {
        self.findings.push(Finding::new(code, message).with_span(span));
    }

    /// A field without `=`.
    pub(crate) fn field_without_equals(&mut self, span: Span, text: &[u8]) {
        let g = self.grammar;
        // RFC 8461 §3.1 "semicolon-separated key/value pairs", RFC 8460 §3 "valid key/value pairs".
        self.error(
            g.codes.field_invalid,
            span,
            format!(
                "The field `{}` has no `=`; every field is `name=value`, separated by `;`. {}",
                show(text),
                g.consequence
            ),
        );
    }

    /// Whitespace around a field's `=`.
    pub(crate) fn field_whitespace(&mut self, span: Span, text: &[u8], name: &[u8], value: &[u8]) {
        let g = self.grammar;
        // RFC 8461 §3.1, RFC 8460 §3: `ext-name "=" ext-value`, `%s"id="`, `%s"rua="`: no WSP.
        self.error(
            g.codes.field_whitespace,
            span,
            format!(
                "The field `{}` has whitespace around `=`; the grammar allows none{}. Write `{}={}`. {}",
                show(text),
                g.field_whitespace_readers,
                show(name),
                show(value),
                g.consequence
            ),
        );
    }

    /// A field that is not an extension.
    pub(crate) fn extension_invalid(&mut self, span: Span, text: &[u8], name: &[u8], value: &[u8]) {
        let g = self.grammar;
        // RFC 8461 §3.1 `sts-extension = sts-ext-name "=" sts-ext-value`, RFC 8460 §3 `tlsrpt-extension`.
        let why = extension_problem(name, value);
        self.error(g.codes.extension_invalid, span, format!("In the field `{}`, {why}. {}", show(text), g.consequence));
    }

    /// Reads the version at the start; returns the offset where fields start, or `None` when it is missing.
    fn version(&mut self) -> Option<usize> {
        let (g, record) = (self.grammar, self.record);
        let (v, no) = (g.version, g.consequence);
        let version_len = v.len();
        if let Ok((rest, _)) = version(g, record) {
            let end = record.len() - rest.len();
            let token = rest.iter().take_while(|&&b| b != b';' && !is_wsp(b)).count();
            if token > 0 {
                // RFC 8461 §3.1 "Currently, only "STSv1" is supported.", RFC 8460 §3 "MUST be equal to "TLSRPTv1"".
                self.error(
                    g.codes.version_invalid,
                    Span::new(0, end + token),
                    format!(
                        "The record begins with `{}`, but the version must be exactly `{v}` followed by `;`. {no}",
                        show(&record[..end + token])
                    ),
                );
            }
            return Some(end + token);
        }
        if starts_with_other_case(record, g.version_bytes()) {
            // RFC 8461 §3.1, RFC 8460 §3 (RFC 7405 `%s`): the version is case-sensitive.
            self.error(
                g.codes.version_case,
                Span::new(0, version_len),
                format!(
                    "The record begins with `{}`, but the version is case-sensitive and must be written exactly \
                     `{v}`. {} {no}",
                    show(&record[..version_len]),
                    g.case_readers
                ),
            );
            return Some(version_len);
        }
        let lead = record.iter().take_while(|&&b| is_wsp(b)).count();
        if lead > 0 && record[lead..].starts_with(g.version_bytes()) {
            // RFC 8461 §3.1 "The TXT record MUST begin with the sts-version field"; RFC 8460 §3: records that
            // do not begin with `v=TLSRPTv1;` are discarded.
            self.error(
                g.codes.leading_whitespace,
                Span::new(0, lead),
                format!(
                    "The record begins with whitespace before `{v}`; {} discard records that do not begin exactly \
                     with `{}`. {no}",
                    g.readers, g.prefix
                ),
            );
            return Some(lead + version_len);
        }
        let later =
            Pieces::new(record, 0, false).any(|p| matches!(p, Piece::Field { text, .. } if text == v.as_bytes()));
        let code = if later {
            // RFC 8461 §3.1 "The TXT record MUST begin with the sts-version field"; RFC 8460 §3
            // `tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]`.
            g.codes.version_not_first
        } else if record.starts_with(b"v=") {
            // RFC 8461 §3.1 "Currently, only "STSv1" is supported.", RFC 8460 §3 "MUST be equal to "TLSRPTv1""
            // (`v=STSv2`, `v=spf1`, …).
            g.codes.version_invalid
        } else {
            // RFC 8461 §3.1 ""v" (plaintext, required)", RFC 8460 §3 `tlsrpt-record = tlsrpt-version ...`.
            g.codes.version_missing
        };
        let message = if later {
            format!("`{v}` is not the first field{}. {no}", g.not_first)
        } else {
            format!("The record does not begin with `{v}`, the required version field. {no}")
        };
        self.error(code, Span::new(0, record.len().min(version_len)), message);
        None
    }

    /// The rules of the pieces that are not fields.
    fn piece(&mut self, piece: Piece<'_>) {
        let (g, record) = (self.grammar, self.record);
        let no = g.consequence;
        match piece {
            Piece::Field { .. } => {}
            // RFC 8461 §3.1, RFC 8460 §3: `version 1*(field-delim field)`: fields are `;`-separated.
            Piece::MissingDelimiter(span) => self.error(
                g.codes.delimiter_missing,
                span,
                format!(
                    "`{}` follows the version without a `;` in between; fields must be separated by `;`. {no}",
                    show(&record[span.start..span.end])
                ),
            ),
            // RFC 8461 §3.1, RFC 8460 §3: `1*(field-delim field) [field-delim]`: no empty field.
            Piece::EmptyField(span) => self.error(g.codes.field_empty, span, format!("{} {no}", g.field_empty)),
            // RFC 8461 §3.1, RFC 8460 §3: `field-delim = *WSP ";" *WSP`: whitespace only around `;`.
            Piece::TrailingWsp(span) => self.error(
                g.codes.trailing_whitespace,
                span,
                format!(
                    "The record ends with whitespace after its last field. The grammar allows whitespace only \
                     around {}. {no}",
                    g.trailing_whitespace
                ),
            ),
        }
    }
}

/// The fields of one kind of record: everything after the version that the two records do not share.
pub(crate) trait Fields<'a>: Default {
    type Value: TagValueRecord;

    /// One field (`text` starts at `start`); `version_missing` when the record did not begin with a version.
    fn field(&mut self, checker: &mut Checker<'a>, text: &'a [u8], start: usize, version_missing: bool);

    /// The rules about the record as a whole, after the last field.
    fn end(&mut self, checker: &mut Checker<'a>);

    /// The record read, when no error was found.
    fn value(self) -> Option<Self::Value>;
}

/// One record, its character-strings already joined, read with the shared rules and the record's own fields.
pub(crate) fn parse<T: TagValueRecord>(record: &[u8]) -> Parsed<T> {
    let grammar = T::GRAMMAR;
    let mut fields = T::Fields::default();
    let mut checker = Checker { grammar, record, findings: Vec::new() };
    if let Some(span) = non_ascii_run(record) {
        // RFC 8461 §3.1 "MTA-STS TXT records MUST be US-ASCII"; RFC 8460 §3: ASCII fields, URIs percent-encoded.
        checker.error(
            grammar.codes.not_ascii,
            span,
            format!(
                "The record contains non-ASCII bytes ({}); {} {}",
                show(&record[span.start..span.end]),
                grammar.not_ascii,
                grammar.consequence
            ),
        );
    }
    let start = checker.version();
    let version_missing = start.is_none();
    for piece in Pieces::new(record, start.unwrap_or(0), !version_missing) {
        match piece {
            Piece::Field { text, .. } if version_missing && text == grammar.version_bytes() => {}
            Piece::Field { text, start } => fields.field(&mut checker, text, start, version_missing),
            other => checker.piece(other),
        }
    }
    fields.end(&mut checker);
    let mut findings = checker.findings;
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    if has_error {
        let fix = T::repair(record);
        // A repair with nothing left to choose is also the artefact to paste as it is.
        let complete = T::repair_is_complete(&fix);
        for finding in &mut findings {
            if finding.code.group() == grammar.codes.invalid && finding.severity == Severity::Error {
                finding.fix = Some(fix.clone());
                if complete {
                    finding.artifacts = vec![Artifact { kind: T::ARTIFACT, text: fix.clone() }];
                }
            }
        }
    }
    let value = if has_error { None } else { fields.value() };
    Parsed { value, findings }
}

/// A kind of tag=value record, as the record-set filter sees it.
pub(crate) trait TagValueRecord: Sized {
    const GRAMMAR: &'static Grammar;

    /// What reads the fields after the version.
    type Fields<'a>: Fields<'a, Value = Self>;

    /// The canonical record.
    fn to_text(&self) -> String;

    /// Where the record is published, as an artefact of a fix.
    const ARTIFACT: ArtifactKind;

    /// The fix given to every grammar error of `record`: a corrected record.
    fn repair(record: &[u8]) -> String;

    /// Whether a repair is the complete record, with nothing left for the user to choose.
    fn repair_is_complete(fix: &str) -> bool;
}

/// How a record of the record set is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Begins with the prefix (`v=STSv1;`, `v=TLSRPTv1;`).
    Record,
    /// The version + WSP + `;` (RFC 8461 erratum 6285); the span covers the whitespace.
    Spaced(Span),
    /// Exactly the version (perhaps with trailing whitespace): discarded by the filter, but meant as a record.
    Bare,
    /// Not a record for RFC-following readers, but clearly meant as one.
    NearMiss,
    /// Something else.
    Other,
}

fn classify(grammar: &Grammar, record: &[u8]) -> Kind {
    let v = grammar.version_bytes();
    // RFC 8461 §3.1, RFC 8460 §3: "Records that do not begin with "v=STSv1;" / "v=TLSRPTv1;" are discarded."
    if record.starts_with(grammar.prefix.as_bytes()) {
        return Kind::Record;
    }
    if let Ok((rest, _)) = version(grammar, record) {
        if let Ok((_, delim)) = field_delim(rest) {
            // RFC 8461 §3.1 erratum 6285: `*WSP ";"` after the version is grammatical but fails the filter.
            let wsp = delim.iter().position(|&b| b == b';').unwrap_or(0);
            return Kind::Spaced(Span::new(v.len(), v.len() + wsp));
        }
        let wsp = rest.iter().take_while(|&&b| is_wsp(b)).count();
        return match wsp {
            _ if wsp == rest.len() => Kind::Bare,
            0 => Kind::Other,
            _ => Kind::NearMiss,
        };
    }
    let trimmed = record.trim_ascii_start();
    let delimited = trimmed.get(v.len()).is_none_or(|&b| b == b';' || is_wsp(b));
    if trimmed.len() >= v.len() && trimmed[..v.len()].eq_ignore_ascii_case(v) && delimited {
        return Kind::NearMiss;
    }
    if Pieces::new(record, 0, false).any(|p| matches!(p, Piece::Field { text, .. } if text == v)) {
        return Kind::NearMiss;
    }
    Kind::Other
}

/// `v=STSv1 ;`: grammatical, but not what the record filter looks for (RFC 8461 erratum 6285).
fn ambiguous_delimiter(grammar: &Grammar, record: &[u8], span: Span) -> Finding {
    let mut fixed = record[..span.start].to_vec();
    fixed.extend_from_slice(&record[span.end..]);
    // RFC 8461 §3.1 (erratum 6285), RFC 8460 §3: the field delimiter allows WSP before `;`, the filter does not.
    Finding::new(grammar.codes.ambiguous_delimiter, grammar.ambiguous_delimiter).with_span(span).with_fix(ascii(&fixed))
}

/// A record meant as the record that the filter discards (case, leading WSP, misplaced version).
///
/// Alone, it is reported with the grammar rule it breaks (an error); beside a real record, as `…-discarded`
/// (a warning: RFC readers use the other record, lax ones count two).
fn near_miss<T: TagValueRecord>(record: &[u8], candidates: usize) -> Finding {
    let g = T::GRAMMAR;
    let (v, prefix, readers) = (g.version, g.prefix, g.readers);
    // RFC 8461 §3.1 "The TXT record MUST begin with the sts-version field", RFC 8460 §3: the version comes
    // first, case-sensitive (`%s`), and records that do not begin with the prefix are discarded.
    let case;
    let (code, why) = if record.first().is_some_and(|&b| is_wsp(b)) {
        (g.codes.leading_whitespace, "it begins with whitespace")
    } else if starts_with_other_case(record, g.version_bytes()) {
        case = format!("the version is case-sensitive and must be written exactly `{v}` ({})", g.near_case_readers);
        (g.codes.version_case, case.as_str())
    } else if record.starts_with(g.version_bytes()) {
        (g.codes.delimiter_missing, "the version is not followed directly by `;`")
    } else {
        (g.codes.version_not_first, "the version is not the first field")
    };
    let finding = if candidates == 0 {
        Finding::new(
            code,
            format!(
                "This record looks like {}, but {readers} that follow {} discard it because it does not begin \
                 exactly with `{prefix}`: {why}. {}",
                g.a_record, g.rfc_number, g.consequence
            ),
        )
        .with_fix(T::repair(record))
    } else {
        // RFC 8461 §3.1, RFC 8460 §3: discarded, so the real record applies; lax readers count two records.
        Finding::new(
            g.codes.discarded,
            format!(
                "This record looks like a second {} record, but it does not begin exactly with `{prefix}`: {why}. \
                 RFC-following {readers} discard it; {readers} that read it anyway see two records and {}. Delete \
                 it.",
                g.name, g.two_records
            ),
        )
    };
    finding.with_span(Span::new(0, record.len()))
}

/// The whole TXT record set: discards the records that do not begin with the prefix, requires exactly one.
pub(crate) fn parse_rrset<T: TagValueRecord, R: AsRef<[u8]>>(records: &[R]) -> Parsed<T> {
    let g = T::GRAMMAR;
    let mut findings = Vec::new();
    let kinds: Vec<Kind> = records.iter().map(|r| classify(g, r.as_ref())).collect();
    // RFC 8461 §3.1, RFC 8460 §3: "Records that do not begin with "v=STSv1;" / "v=TLSRPTv1;" are discarded."
    // The version + WSP + `;` is kept, as mox does (erratum 6285); a bare version is not, and is only read on
    // its own when nothing else is.
    let candidates = kinds.iter().filter(|k| matches!(k, Kind::Record | Kind::Spaced(_))).count();
    let mut value = None;
    let mut keep: Option<String> = None;
    for (index, (record, &kind)) in records.iter().zip(&kinds).enumerate() {
        let record = record.as_ref();
        match kind {
            // RFC 8461 §3.1, RFC 8460 §3: a bare version does not begin with the prefix: discarded.
            Kind::Bare if candidates > 0 => findings.push(
                Finding::new(g.codes.discarded, g.bare_beside_record)
                    .with_span(Span::new(0, record.len()))
                    .with_record_index(index),
            ),
            Kind::Record | Kind::Spaced(_) | Kind::Bare => {
                if let Kind::Spaced(span) = kind {
                    findings.push(ambiguous_delimiter(g, record, span).with_record_index(index));
                }
                let parsed = parse::<T>(record);
                if let Some(v) = &parsed.value {
                    keep.get_or_insert_with(|| v.to_text());
                }
                findings.extend(parsed.findings.into_iter().map(|f| f.with_record_index(index)));
                if candidates == 1 {
                    value = parsed.value;
                }
            }
            Kind::NearMiss => findings.push(near_miss::<T>(record, candidates).with_record_index(index)),
            Kind::Other => findings.extend(g.other_txt.map(|other| other(record).with_record_index(index))),
        }
    }
    let near_misses = kinds.iter().any(|k| matches!(k, Kind::NearMiss | Kind::Bare));
    if candidates == 0 && !near_misses {
        // RFC 8461 §3.1: without a `v=STSv1;` record there is no policy to fetch; RFC 8461 §6 recommends
        // TLS-RPT alongside MTA-STS.
        let [before, after] = g.missing_fix;
        findings.push(Finding::new(g.codes.missing, g.missing).with_fix(format!("{before}{}{after}", g.example)));
    }
    if candidates > 1 {
        // RFC 8461 §3.1, RFC 8460 §3: "If the number of resulting records is not one, senders MUST assume" the
        // domain has no policy / does not implement TLSRPT.
        let keep = keep.unwrap_or_else(|| g.example.to_owned());
        findings.push(
            Finding::new(
                g.codes.multiple,
                format!(
                    "There are {candidates} {} records at `{}`. With more than one, {} requires senders to assume {}.",
                    g.name, g.owner, g.rfc, g.multiple_consequence
                ),
            )
            .with_fix(format!("{}; keep: {keep}", g.multiple_fix)),
        );
        value = None;
    }
    Parsed { value, findings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;
    use crate::{StsRecord, TlsRptRecord};
    use proptest::prelude::*;

    /// Never panics; one code per rule, each with its own fixed severity, in the record's category; the
    /// groups are never reported.
    fn codes_are_rules<T: TagValueRecord>(bytes: &[u8], category: Category) -> Result<(), TestCaseError> {
        let parsed = parse::<T>(bytes);
        prop_assert_eq!(parsed.value.is_some(), parsed.valid());
        let rrset = parse_rrset::<T, _>(&[bytes, bytes]);
        for finding in parsed.findings.iter().chain(&rrset.findings) {
            prop_assert!(!finding.code.is_group(), "{}", finding.code);
            prop_assert_eq!(finding.severity, finding.code.default_severity(), "{}", finding.code);
            prop_assert_eq!(finding.code.category(), category);
        }
        Ok(())
    }

    /// Version rules only a single record reaches (in an RRset such a record is discarded as another TXT record).
    #[test]
    fn version_rules_of_a_single_record() {
        fn finds<T: TagValueRecord>(record: &str, code: Code, span: Span) {
            let parsed = parse::<T>(record.as_bytes());
            assert!(
                parsed.findings.iter().any(|f| f.code == code && f.span == Some(span)),
                "{record}: {:#?}",
                parsed.findings
            );
        }
        finds::<StsRecord>("v=STSv10; id=1;", Code::RecordVersionInvalid, Span::new(0, 8));
        finds::<StsRecord>("v=STSv2; id=1;", Code::RecordVersionInvalid, Span::new(0, 7));
        finds::<StsRecord>("id=1;", Code::RecordVersionMissing, Span::new(0, 5));
        finds::<TlsRptRecord>("v=TLSRPTv10; rua=mailto:a@x.com", Code::TlsrptVersionInvalid, Span::new(0, 11));
        finds::<TlsRptRecord>("v=TLSRPTv2; rua=mailto:a@x.com", Code::TlsrptVersionInvalid, Span::new(0, 10));
        finds::<TlsRptRecord>("rua=mailto:a@x.com", Code::TlsrptVersionMissing, Span::new(0, 10));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            codes_are_rules::<StsRecord>(&bytes, Category::Record)?;
            codes_are_rules::<TlsRptRecord>(&bytes, Category::Tlsrpt)?;
        }
    }
}
