//! The tag=value TXT records: `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls` (RFC 8460 §3).
//!
//! Both records have the same shape, `version 1*(field-delim field) [field-delim]`, the same delimiter and
//! extension productions, and the same record-set filter ("Records that do not begin with `v=…;` are
//! discarded", then exactly one must remain). This module holds that shared machinery once, parameterised
//! by a [`Grammar`] (the version text and, for each case of a shared rule, the message function from the
//! record kind's table in [`crate::message`]: this module holds no words of its own). The fields of each
//! record (the STS `id`, the TLS-RPT `rua` URIs) are read by a [`Fields`] implementation in
//! [`crate::record`] and [`crate::tlsrpt`].
//!
//! The grammar is checked byte for byte (`%s` in the ABNF: case-sensitive). The productions are nom
//! parsers; around them sits a recovering tokenizer ([`Pieces`]) so that one bad field does not hide the
//! next one.
//!
//! Every grammar error's fix ends with the whole corrected record (the kind's `repair`), also its artefact
//! when nothing is left to choose. Where the fix is a local edit of the record (whitespace to delete, a `;`
//! to insert, the case of the version), the finding also carries it as byte edits, kept only when the
//! record with them applied reads without that problem and without a new error.

use crate::abnf::{is_alphanum, is_ext_name_char, is_txt_ext_value_char, is_wsp};
use crate::finding::{Artifact, ArtifactKind, Code, Finding, Parsed, Severity, Span, apply_edits};
use crate::message::Emit;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::combinator::{all_consuming, recognize, verify};
use nom::sequence::separated_pair;
use nom::{IResult, Parser};
use std::fmt::Write as _;

/// The message function of each case of the rules both records share: each kind of record fills it with
/// its own templates (`crate::message::record`, `crate::message::tlsrpt`). Arguments are computed values
/// (a field, a name, the bytes a rule rejects); `corrected` is the whole record as the fix publishes it.
pub(crate) struct Words {
    /// (bytes, corrected): the record holds non-ASCII bytes.
    pub(crate) not_ascii: Emit<2>,
    /// (found, corrected): the version is followed by more than `;` or whitespace (`v=STSv10`).
    pub(crate) version_invalid: Emit<2>,
    /// (found, corrected): the record begins with another `v=` (`v=STSv2`, `v=spf1`).
    pub(crate) version_unknown: Emit<2>,
    /// (corrected): no version at all.
    pub(crate) version_missing: Emit<1>,
    /// (found, corrected): the version in another case.
    pub(crate) version_case: Emit<2>,
    /// (corrected): whitespace before the version.
    pub(crate) leading_whitespace: Emit<1>,
    /// (corrected): the version is a later field.
    pub(crate) version_not_first: Emit<1>,
    /// (field, corrected): a field follows the version without `;`.
    pub(crate) delimiter_missing: Emit<2>,
    /// (corrected): `;;`.
    pub(crate) field_empty: Emit<1>,
    /// (corrected): whitespace after the last field.
    pub(crate) trailing_whitespace: Emit<1>,
    /// (field, corrected): a field without `=`.
    pub(crate) field_invalid: Emit<2>,
    /// (field, name, value, corrected): whitespace around `=`.
    pub(crate) field_whitespace: Emit<4>,
    /// (field, corrected): an extension without a name.
    pub(crate) extension_name_empty: Emit<2>,
    /// (field, name, corrected): an extension name that does not begin with a letter or digit.
    pub(crate) extension_name_start: Emit<3>,
    /// (field, name, bad, corrected): an extension name with characters names cannot hold.
    pub(crate) extension_name_chars: Emit<4>,
    /// (field, name, length, corrected): an extension name over 32 characters.
    pub(crate) extension_name_long: Emit<4>,
    /// (field, name, corrected): an extension without a value.
    pub(crate) extension_value_empty: Emit<3>,
    /// (field, name, bad, corrected): an extension value with characters values cannot hold.
    pub(crate) extension_value_chars: Emit<4>,
    /// (field, corrected): any other invalid extension.
    pub(crate) extension_invalid: Emit<2>,
    /// (corrected): `v=… ;` in the record set.
    pub(crate) ambiguous_delimiter: Emit<1>,
    /// A bare version beside a real record.
    pub(crate) discarded_bare: Emit<0>,
    /// A record beginning with whitespace beside a real record.
    pub(crate) discarded_leading_whitespace: Emit<0>,
    /// (found): a case variant of the version beside a real record.
    pub(crate) discarded_case: Emit<1>,
    /// The version without its `;`, beside a real record.
    pub(crate) discarded_delimiter: Emit<0>,
    /// The version as a later field, beside a real record.
    pub(crate) discarded_not_first: Emit<0>,
    /// (example): no record.
    pub(crate) missing: Emit<1>,
    /// (count, keep): several records.
    pub(crate) multiple: Emit<2>,
}

/// One kind of tag=value record: its version, its group of grammar rules, and the messages of its rules.
pub(crate) struct Grammar {
    /// The version field, e.g. `v=STSv1`.
    pub(crate) version: &'static str,
    /// What the record-set filter looks for: the version and `;`.
    pub(crate) prefix: &'static str,
    /// The group of the grammar rules (`record-invalid`, `tlsrpt-invalid`): their findings get the
    /// corrected record as their artefact.
    pub(crate) invalid: Code,
    /// A valid record, for fixes that cannot use one of the input.
    pub(crate) example: &'static str,
    pub(crate) words: Words,
    /// The finding for a record of another kind, if there is one.
    pub(crate) other_txt: Option<fn(&[u8]) -> Finding>,
    /// Where the record is published, as an artefact of a fix.
    pub(crate) artifact: ArtifactKind,
    /// The record every grammar error of a record offers as its fix.
    pub(crate) repair: fn(&[u8]) -> Repair,
}

impl Grammar {
    fn version_bytes(&self) -> &'static [u8] {
        self.version.as_bytes()
    }
}

/// A record corrected for a fix: `complete` when nothing is left for the user to choose (then it is also
/// the artefact to paste as it is).
pub(crate) struct Repair {
    pub(crate) text: String,
    pub(crate) complete: bool,
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
/// Also `tlsrpt-ext-name`, which is the same rule (RFC 8460 §3). Read as one run of name characters, then
/// checked for its first character and length: the same names wherever a name is followed by `=` or
/// nothing, in one pass.
pub(crate) fn ext_name(input: &[u8]) -> IResult<&[u8], &[u8]> {
    verify(take_while1(is_ext_name_char), |name: &[u8]| is_alphanum(name[0]) && name.len() <= 32).parse(input)
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

/// The findings of a field that is not an `sts-extension` (or `tlsrpt-extension`, the same rule): one per
/// problem of its name and of its value.
fn extension_findings(w: &Words, field: &[u8], name: &[u8], value: &[u8], corrected: &Corrected) -> Vec<Finding> {
    let (field, shown) = (show(field), show(name));
    let mut found = Vec::new();
    if name.is_empty() {
        found.push(w.extension_name_empty.emit([&field, &corrected]));
    } else {
        if !is_alphanum(name[0]) {
            found.push(w.extension_name_start.emit([&field, &shown, &corrected]));
        }
        if !name.iter().all(|&b| is_ext_name_char(b)) {
            let bad = bad_bytes(name, is_ext_name_char);
            found.push(w.extension_name_chars.emit([&field, &shown, &bad, &corrected]));
        }
        if name.len() > 32 {
            found.push(w.extension_name_long.emit([&field, &shown, &name.len(), &corrected]));
        }
    }
    if value.is_empty() {
        found.push(w.extension_value_empty.emit([&field, &shown, &corrected]));
    } else if !value.iter().all(|&b| is_txt_ext_value_char(b)) {
        let bad = bad_bytes(value, is_txt_ext_value_char);
        found.push(w.extension_value_chars.emit([&field, &shown, &bad, &corrected]));
    }
    if found.is_empty() {
        found.push(w.extension_invalid.emit([&field, &corrected]));
    }
    found
}

/// Whether `record` starts with `word` ignoring ASCII case, but not exactly.
pub(crate) fn starts_with_other_case(record: &[u8], word: &[u8]) -> bool {
    record.len() >= word.len() && record[..word.len()].eq_ignore_ascii_case(word) && !record.starts_with(word)
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
    /// The whole record as the fix of every grammar error publishes it.
    pub(crate) corrected: Corrected<'a>,
    pub(crate) findings: Vec<Finding>,
}

/// The corrected record, repaired only when a finding first needs it: a valid record, the common case, is
/// read without building one.
pub(crate) struct Corrected<'a> {
    record: &'a [u8],
    repair: fn(&[u8]) -> Repair,
    repaired: std::cell::OnceCell<Repair>,
}

impl<'a> Corrected<'a> {
    pub(crate) fn new(grammar: &Grammar, record: &'a [u8]) -> Self {
        Corrected { record, repair: grammar.repair, repaired: std::cell::OnceCell::new() }
    }

    pub(crate) fn get(&self) -> &Repair {
        self.repaired.get_or_init(|| (self.repair)(self.record))
    }

    pub(crate) fn text(&self) -> &str {
        &self.get().text
    }
}

impl std::fmt::Display for Corrected<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

impl Checker<'_> {
    /// The messages of this kind of record.
    pub(crate) fn words(&self) -> &'static Words {
        &self.grammar.words
    }

    /// Reports `finding` at `span` of the record.
    pub(crate) fn push(&mut self, finding: Finding, span: Span) {
        self.findings.push(finding.with_span(span));
    }

    /// A field without `=`.
    pub(crate) fn field_without_equals(&mut self, span: Span, text: &[u8]) {
        // RFC 8461 §3.1 "semicolon-separated key/value pairs", RFC 8460 §3 "valid key/value pairs".
        let finding = self.words().field_invalid.emit([&show(text), &self.corrected]);
        // Nothing but a pasted line break or the like: the edit deletes it.
        let blank = text.iter().all(u8::is_ascii_whitespace);
        self.push(if blank { deletes(finding, [span]) } else { finding }, span);
    }

    /// Whitespace around a field's `=` (`name` and `value` without it); the edits delete it.
    pub(crate) fn field_whitespace(&mut self, span: Span, text: &[u8], name: &[u8], value: &[u8]) {
        let eq = span.start + text.iter().position(|&b| b == b'=').unwrap_or(name.len());
        let before = Span::new(span.start + name.len(), eq);
        let after = Span::new(eq + 1, span.end - value.len());
        // RFC 8461 §3.1, RFC 8460 §3: `ext-name "=" ext-value`, `%s"id="`, `%s"rua="`: no WSP.
        let finding = self.words().field_whitespace.emit([&show(text), &show(name), &show(value), &self.corrected]);
        self.push(deletes(finding, [before, after]), span);
    }

    /// A field that is not an extension: one finding per problem.
    pub(crate) fn extension_invalid(&mut self, span: Span, text: &[u8], name: &[u8], value: &[u8]) {
        // RFC 8461 §3.1 `sts-extension = sts-ext-name "=" sts-ext-value`, RFC 8460 §3 `tlsrpt-extension`.
        for finding in extension_findings(self.words(), text, name, value, &self.corrected) {
            self.push(finding, span);
        }
    }

    /// Reads the version at the start; returns the offset where fields start, or `None` when it is missing.
    fn version(&mut self) -> Option<usize> {
        let (g, record) = (self.grammar, self.record);
        let (w, v) = (&g.words, g.version_bytes());
        if let Ok((rest, _)) = version(g, record) {
            let end = record.len() - rest.len();
            let token = rest.iter().take_while(|&&b| b != b';' && !is_wsp(b)).count();
            if token > 0 {
                // RFC 8461 §3.1 "Currently, only "STSv1" is supported.", RFC 8460 §3 "MUST be equal to "TLSRPTv1"".
                let finding = w.version_invalid.emit([&show(&record[..end + token]), &self.corrected]);
                self.push(finding, Span::new(0, end + token));
            }
            return Some(end + token);
        }
        if starts_with_other_case(record, v) {
            // RFC 8461 §3.1, RFC 8460 §3 (RFC 7405 `%s`): the version is case-sensitive.
            let span = Span::new(0, v.len());
            let finding = w.version_case.emit([&show(&record[..v.len()]), &self.corrected]).with_edit(span, g.version);
            self.push(finding, span);
            return Some(v.len());
        }
        let lead = record.iter().take_while(|&&b| is_wsp(b)).count();
        if lead > 0 && record[lead..].starts_with(v) {
            // RFC 8461 §3.1 "The TXT record MUST begin with the sts-version field"; RFC 8460 §3: records that
            // do not begin with `v=TLSRPTv1;` are discarded.
            let span = Span::new(0, lead);
            self.push(w.leading_whitespace.emit([&self.corrected]).with_edit(span, ""), span);
            return Some(lead + v.len());
        }
        let later = Pieces::new(record, 0, false).any(|p| matches!(p, Piece::Field { text, .. } if text == v));
        let finding = if later {
            // RFC 8461 §3.1 "The TXT record MUST begin with the sts-version field"; RFC 8460 §3
            // `tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]`.
            with_edits(w.version_not_first.emit([&self.corrected]), version_first_edits(g, record))
        } else if record.starts_with(b"v=") {
            // RFC 8461 §3.1 "Currently, only "STSv1" is supported.", RFC 8460 §3 "MUST be equal to "TLSRPTv1""
            // (`v=STSv2`, `v=spf1`, …).
            let token = record.iter().take_while(|&&b| b != b';' && !is_wsp(b)).count();
            w.version_unknown.emit([&show(&record[..token]), &self.corrected])
        } else {
            // RFC 8461 §3.1 ""v" (plaintext, required)", RFC 8460 §3 `tlsrpt-record = tlsrpt-version ...`.
            w.version_missing.emit([&self.corrected])
        };
        self.push(finding, Span::new(0, record.len().min(v.len())));
        None
    }

    /// The rules of the pieces that are not fields.
    fn piece(&mut self, piece: Piece<'_>) {
        let w = self.words();
        match piece {
            Piece::Field { .. } => {}
            // RFC 8461 §3.1, RFC 8460 §3: `version 1*(field-delim field)`: fields are `;`-separated.
            Piece::MissingDelimiter(span) => {
                let field = show(self.record[span.start..span.end].trim_ascii_start());
                let finding = w.delimiter_missing.emit([&field, &self.corrected]);
                self.push(finding.with_edit(Span::new(span.start, span.start), ";"), span);
            }
            // RFC 8461 §3.1, RFC 8460 §3: `1*(field-delim field) [field-delim]`: no empty field.
            Piece::EmptyField(span) => self.push(w.field_empty.emit([&self.corrected]).with_edit(span, ""), span),
            // RFC 8461 §3.1, RFC 8460 §3: `field-delim = *WSP ";" *WSP`: whitespace only around `;`.
            Piece::TrailingWsp(span) => {
                self.push(w.trailing_whitespace.emit([&self.corrected]).with_edit(span, ""), span);
            }
        }
    }
}

/// `finding` with edits that delete each non-empty span.
pub(crate) fn deletes(finding: Finding, spans: impl IntoIterator<Item = Span>) -> Finding {
    spans.into_iter().filter(|s| s.start < s.end).fold(finding, |f, span| f.with_edit(span, ""))
}

/// `finding` with the given edits.
pub(crate) fn with_edits(finding: Finding, edits: Vec<(Span, String)>) -> Finding {
    edits.into_iter().fold(finding, |f, (span, text)| f.with_edit(span, text))
}

/// The edits that move the version field to the front: `id=1; v=STSv1;` becomes `v=STSv1; id=1;`.
fn version_first_edits(g: &Grammar, record: &[u8]) -> Vec<(Span, String)> {
    let v = g.version_bytes();
    let found = Pieces::new(record, 0, false).find_map(|p| match p {
        Piece::Field { text, start } if text == v && start > 0 => Some(start),
        _ => None,
    });
    let Some(start) = found else { return Vec::new() };
    let end = start + v.len();
    let after = end + record[end..].iter().take_while(|&&b| is_wsp(b)).count();
    let delimiter_before = record[..start].iter().rposition(|&b| b == b';');
    let removed = if record.get(after) == Some(&b';') {
        // The whitespace before the field, the field and its `;`.
        Span::new(delimiter_before.map_or(start, |d| d + 1), after + 1)
    } else {
        // The last field: the `;` before it and the field.
        Span::new(delimiter_before.unwrap_or(start), end)
    };
    vec![(Span::new(0, 0), format!("{} ", g.prefix)), (removed, String::new())]
}

/// How many findings of one record get their edits checked by reading the edited record again. Each check
/// reads the whole record, so checking all of them made a hostile record of n broken fields cost n² (4,000
/// bytes of empty fields took 1.4 s natively); a real record breaks a handful of rules.
const CHECKED_EDITS: usize = 16;

/// Keeps a finding's edits only when they fix it: the record with them applied, read again, reports that
/// rule fewer times and no error that was not reported before. Otherwise, and for the findings after the
/// first [`CHECKED_EDITS`] with edits, the fix is its words and the corrected record.
fn keep_edits_that_fix(record: &[u8], findings: &mut [Finding], reread: &dyn Fn(&[u8]) -> Vec<Finding>) {
    let mut checked = 0;
    for i in 0..findings.len() {
        if findings[i].edits.is_empty() {
            continue;
        }
        if checked == CHECKED_EDITS {
            findings[i].edits.clear();
            continue;
        }
        checked += 1;
        // Only which rules break is asked: the reread's findings need no words.
        let after = crate::message::wordless(|| reread(&apply_edits(record, &findings[i].edits)));
        let code = findings[i].code;
        // A reread's findings may be folded (`fold_repeats`): each counts as itself and what it folded in.
        let count = |list: &[Finding]| list.iter().filter(|f| f.code == code).map(Finding::occurrences).sum::<usize>();
        let fixed = count(&after) < count(findings);
        let nothing_new = after
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .all(|f| findings.iter().any(|before| before.code == f.code));
        if !(fixed && nothing_new) {
            findings[i].edits.clear();
        }
    }
}

/// The fields of one kind of record: everything after the version that the two records do not share.
/// Object-safe, so the shared reader is compiled once, not once per kind of record.
pub(crate) trait ReadFields<'a> {
    /// One field (`text` starts at `start`); `version_missing` when the record did not begin with a version.
    fn field(&mut self, checker: &mut Checker<'a>, text: &'a [u8], start: usize, version_missing: bool);

    /// The rules about the record as a whole, after the last field.
    fn end(&mut self, checker: &mut Checker<'a>);
}

/// [`ReadFields`] and the record they make.
pub(crate) trait Fields<'a>: ReadFields<'a> + Default {
    type Value: TagValueRecord;

    /// The record read, when no error was found.
    fn value(self) -> Option<Self::Value>;
}

/// Reads the edited record again and returns its findings, to check that a finding's edits fix it.
type Reread<'r> = Option<&'r dyn Fn(&[u8]) -> Vec<Finding>>;

/// One record, its character-strings already joined, read with the shared rules and the record's own fields.
pub(crate) fn parse<T: TagValueRecord>(record: &[u8]) -> Parsed<T> {
    let mut parsed = read(record, true);
    crate::finding::preview_edits(&mut parsed.findings, |_| Some(record));
    parsed
}

/// [`parse`]; `check_edits` keeps only the edits that fix their finding (off when an edited record is read
/// again to check them).
fn read<T: TagValueRecord>(record: &[u8], check_edits: bool) -> Parsed<T> {
    let mut fields = T::Fields::default();
    let reread = |edited: &[u8]| read::<T>(edited, false).findings;
    let findings = read_fields(T::GRAMMAR, record, &mut fields, check_edits.then_some(&reread));
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    let value = if has_error { None } else { fields.value() };
    Parsed::folded(value, findings)
}

/// The findings of [`read`], for any kind of record.
fn read_fields<'a>(
    grammar: &'static Grammar,
    record: &'a [u8],
    fields: &mut dyn ReadFields<'a>,
    reread: Reread<'_>,
) -> Vec<Finding> {
    let mut checker = Checker { grammar, record, corrected: Corrected::new(grammar, record), findings: Vec::new() };
    // `is_ascii` reads a word at a time: the common case pays no byte-by-byte search.
    if !record.is_ascii()
        && let Some(span) = non_ascii_run(record)
    {
        // RFC 8461 §3.1 "MTA-STS TXT records MUST be US-ASCII"; RFC 8460 §3: ASCII fields, URIs percent-encoded.
        let finding = grammar.words.not_ascii.emit([&show(&record[span.start..span.end]), &checker.corrected]);
        checker.push(finding, span);
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
    let Checker { mut findings, corrected, .. } = checker;
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    // A repair with nothing left to choose is also the artefact to paste as it is.
    if has_error && corrected.get().complete {
        let grammar_errors =
            findings.iter_mut().filter(|f| f.code.group() == grammar.invalid && f.severity == Severity::Error);
        for finding in grammar_errors {
            finding.artifacts = vec![Artifact { kind: grammar.artifact, text: corrected.text().to_owned() }];
        }
    }
    if let Some(reread) = reread {
        keep_edits_that_fix(record, &mut findings, reread);
    }
    findings
}

/// A kind of tag=value record, as the record-set filter sees it.
pub(crate) trait TagValueRecord: Sized {
    const GRAMMAR: &'static Grammar;

    /// What reads the fields after the version.
    type Fields<'a>: Fields<'a, Value = Self>;

    /// The canonical record.
    fn to_text(&self) -> String;
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
    grammar.words.ambiguous_delimiter.emit([&ascii(&fixed)]).with_span(span).with_edit(span, "")
}

/// A record meant as the record that the filter discards (case, leading WSP, misplaced version).
///
/// Alone, it is reported with the grammar rule it breaks (an error); beside a real record, as `…-discarded`
/// (a warning: RFC readers use the other record, lax ones count two).
fn near_miss(g: &'static Grammar, record: &[u8], candidates: usize, reread: Reread<'_>) -> Finding {
    let (w, v) = (&g.words, g.version_bytes());
    let whole = Span::new(0, record.len());
    let lead = record.iter().take_while(|&&b| is_wsp(b)).count();
    let case = starts_with_other_case(record, v);
    // RFC 8461 §3.1 "The TXT record MUST begin with the sts-version field", RFC 8460 §3: the version comes
    // first, case-sensitive (`%s`), and records that do not begin with the prefix are discarded.
    if candidates > 0 {
        // RFC 8461 §3.1, RFC 8460 §3: discarded, so the real record applies; lax readers count two records.
        let finding = if lead > 0 {
            w.discarded_leading_whitespace.emit([])
        } else if case {
            w.discarded_case.emit([&show(&record[..v.len()])])
        } else if record.starts_with(v) {
            w.discarded_delimiter.emit([])
        } else {
            w.discarded_not_first.emit([])
        };
        return finding.with_span(whole);
    }
    let repair = (g.repair)(record);
    let corrected = &repair.text;
    let (finding, edits) = if lead > 0 {
        (w.leading_whitespace.emit([corrected]), vec![(Span::new(0, lead), String::new())])
    } else if case {
        let found = show(&record[..v.len()]);
        (w.version_case.emit([&found, corrected]), vec![(Span::new(0, v.len()), g.version.to_owned())])
    } else if record.starts_with(v) {
        let field = record[v.len()..].split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
        (w.delimiter_missing.emit([&show(field), corrected]), vec![(Span::new(v.len(), v.len()), ";".to_owned())])
    } else {
        (w.version_not_first.emit([corrected]), version_first_edits(g, record))
    };
    let mut finding = with_edits(finding.with_span(whole), edits);
    // A repair with nothing left to choose is also the artefact to paste as it is.
    if repair.complete {
        finding.artifacts = vec![Artifact { kind: g.artifact, text: repair.text.clone() }];
    }
    if let Some(reread) = reread {
        keep_edits_that_fix(record, std::slice::from_mut(&mut finding), reread);
    }
    finding
}

/// The whole TXT record set: discards the records that do not begin with the prefix, requires exactly one.
pub(crate) fn parse_rrset<T: TagValueRecord, R: AsRef<[u8]>>(records: &[R]) -> Parsed<T> {
    read_rrset(records, true)
}

/// [`parse_rrset`]; `check_edits` as in [`read`].
fn read_rrset<T: TagValueRecord, R: AsRef<[u8]>>(records: &[R], check_edits: bool) -> Parsed<T> {
    let reread = |edited: &[u8]| read_rrset::<T, &[u8]>(&[edited], false).findings;
    let g = T::GRAMMAR;
    let w = &g.words;
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
            Kind::Bare if candidates > 0 => {
                findings.push(w.discarded_bare.emit([]).with_span(Span::new(0, record.len())).with_record_index(index));
            }
            Kind::Record | Kind::Spaced(_) | Kind::Bare => {
                if let Kind::Spaced(span) = kind {
                    findings.push(ambiguous_delimiter(g, record, span).with_record_index(index));
                }
                let parsed = read::<T>(record, check_edits);
                if let Some(v) = &parsed.value {
                    keep.get_or_insert_with(|| v.to_text());
                }
                findings.extend(parsed.findings.into_iter().map(|f| f.with_record_index(index)));
                if candidates == 1 {
                    value = parsed.value;
                }
            }
            Kind::NearMiss => {
                findings
                    .push(near_miss(g, record, candidates, check_edits.then_some(&reread)).with_record_index(index));
            }
            Kind::Other => findings.extend(g.other_txt.map(|other| other(record).with_record_index(index))),
        }
    }
    let near_misses = kinds.iter().any(|k| matches!(k, Kind::NearMiss | Kind::Bare));
    if candidates == 0 && !near_misses {
        // RFC 8461 §3.1: without a `v=STSv1;` record there is no policy to fetch; RFC 8461 §6 recommends
        // TLS-RPT alongside MTA-STS.
        findings.push(w.missing.emit([&g.example]));
    }
    if candidates > 1 {
        // RFC 8461 §3.1, RFC 8460 §3: "If the number of resulting records is not one, senders MUST assume" the
        // domain has no policy / does not implement TLSRPT.
        let keep = keep.unwrap_or_else(|| g.example.to_owned());
        findings.push(w.multiple.emit([&candidates, &keep]));
        value = None;
    }
    // Findings about one record of the set (those `parse` read already have theirs).
    crate::finding::preview_edits(&mut findings, |index| records.get(index.unwrap_or(0)).map(AsRef::as_ref));
    Parsed::folded(value, findings)
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
    /// A hostile record of thousands of broken fields must read in linear time: only the first findings'
    /// fixes are checked by rereading, the rest keep their words and the corrected record. Of each code, the
    /// first `LISTED_PER_CODE` findings are listed and the last of them counts the rest.
    #[test]
    fn only_the_first_fixes_are_checked_by_rereading() {
        for record in [
            format!("v=STSv1; id=1;{}{}", " ;".repeat(20), " x;".repeat(20)),
            format!("v=TLSRPTv1; rua=mailto:a@x.com;{}{}", " ;".repeat(20), " x;".repeat(20)),
        ] {
            let findings = if record.starts_with("v=STS") {
                parse::<StsRecord>(record.as_bytes()).findings
            } else {
                parse::<TlsRptRecord>(record.as_bytes()).findings
            };
            // 20 empty fields, all 16 rereads spent on them, then 20 fields without `=`.
            assert_eq!(findings.len(), 2 * crate::finding::LISTED_PER_CODE, "{record}: {findings:#?}");
            let (empty, invalid) = findings.split_at(crate::finding::LISTED_PER_CODE);
            for (listed, code) in [(empty, "field-empty"), (invalid, "field-invalid")] {
                assert!(listed.iter().all(|f| f.code.as_str().ends_with(code)), "{record}: {listed:#?}");
                let more: Vec<usize> = listed.iter().map(|f| f.more).collect();
                let mut expected = vec![0; crate::finding::LISTED_PER_CODE - 1];
                expected.push(20 - crate::finding::LISTED_PER_CODE);
                assert_eq!(more, expected, "{record}");
            }
            assert!(empty.iter().all(|f| !f.edits.is_empty()), "{record}");
            assert!(invalid.iter().all(|f| f.edits.is_empty()), "{record}");
            assert!(findings.iter().all(|f| f.fix.is_some() && !f.message.is_empty()), "{record}");
        }
    }

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

    /// Every edit a fix offers fixes its finding in the record set: with one finding's edits applied to its
    /// record, the rule is reported fewer times and no error appears that was not there (the check
    /// `tests/fixtures.rs` makes over the corpus).
    fn edits_fix<T: TagValueRecord>(records: &[Vec<u8>]) -> Result<(), TestCaseError> {
        let before = parse_rrset::<T, _>(records);
        let count =
            |p: &Parsed<T>, code| p.findings.iter().filter(|f| f.code == code).map(Finding::occurrences).sum::<usize>();
        for finding in before.findings.iter().filter(|f| !f.edits.is_empty()) {
            let index = finding.record_index.unwrap_or(0);
            let mut fixed = records.to_vec();
            fixed[index] = apply_edits(&records[index], &finding.edits);
            let after = parse_rrset::<T, _>(&fixed);
            let shown = String::from_utf8_lossy(&fixed[index]);
            prop_assert!(count(&after, finding.code) < count(&before, finding.code), "{}: {shown}", finding.code);
            for new in after.findings.iter().filter(|f| f.severity == Severity::Error) {
                let old = before.findings.iter().any(|f| f.code == new.code);
                prop_assert!(old, "{}: {shown} brings {}", finding.code, new.code);
            }
        }
        Ok(())
    }

    /// A record near the grammar of `version`, and perhaps a valid one beside it.
    fn near(version: &'static str, valid: &'static str) -> impl Strategy<Value = Vec<Vec<u8>>> {
        let pattern = format!(
            "[ ]?({version}|{lower}|[a-z]{{1,3}}=[a-z0-9]{{1,3}}; ?{version})[ \t;]{{0,3}}([ \t;,=!%a-zA-Z0-9_.:/@-]|\u{e9}){{0,50}}",
            lower = version.to_ascii_lowercase()
        );
        (proptest::string::string_regex(&pattern).expect("regex"), any::<bool>()).prop_map(move |(text, beside)| {
            let mut records = vec![text.into_bytes()];
            if beside {
                records.push(valid.as_bytes().to_vec());
            }
            records
        })
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            codes_are_rules::<StsRecord>(&bytes, Category::Record)?;
            codes_are_rules::<TlsRptRecord>(&bytes, Category::Tlsrpt)?;
        }

        #[test]
        fn edits_fix_their_finding(
            sts in near("v=STSv1", "v=STSv1; id=1;"),
            tlsrpt in near("v=TLSRPTv1", "v=TLSRPTv1; rua=mailto:a@x.com"),
        ) {
            edits_fix::<StsRecord>(&sts)?;
            edits_fix::<TlsRptRecord>(&tlsrpt)?;
        }
    }
}
