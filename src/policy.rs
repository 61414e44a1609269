//! The policy file served at `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2).
//!
//! [`Policy::parse`] implements the ABNF byte for byte and keeps going after a problem, so one run
//! reports everything a sender would trip over, line by line. The grammar is applied per line (the
//! `sts-policy-term` split), then each field is read with the production for its name; a known name with a
//! bad value is reported as a bad required field rather than accepted as an extension (requirements §4.5).
//! Where real senders disagree with the RFC, the finding says which ones, so an administrator knows who
//! would be affected. The words are in [`crate::message::policy`] (and the senders' behaviour in
//! [`crate::senders`]); this module passes them the computed values. Where the fix is a byte edit of the body
//! whose intent is clear (a BOM, a stray CR, a blank line, a misspelt name, `Enforce`), the finding carries it
//! as `edits`; where the fix is the administrator's choice (which mode, how long a `max_age`), only words.

use std::borrow::Cow;

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_till, take_until, take_while, take_while_m_n, take_while1},
    combinator::{all_consuming, opt, recognize, rest as nom_rest, verify},
};
use serde::{Deserialize, Serialize};

use crate::abnf::{edit_distance, is_alphanum, is_digit, is_ext_name_char, is_wsp};
use crate::finding::{Code, Edit, Finding, Parsed, Severity, Span};
use crate::message;
use crate::mx::MxPattern;

/// The largest `max_age` RFC 8461 §3.2 allows: one year of 365.25 days.
pub const MAX_AGE_LIMIT: u32 = 31_557_600;
/// One day: below this a policy barely outlives the attack it should stop.
pub const MAX_AGE_SHORT: u32 = 86_400;
/// The `max_age` this checker recommends: one week, the low end of "weeks or greater".
pub const MAX_AGE_RECOMMENDED: u32 = 604_800;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const KNOWN_FIELDS: [&str; 4] = ["version", "mode", "max_age", "mx"];

/// The policy mode (RFC 8461 §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Enforce,
    Testing,
    None,
}

impl Mode {
    /// A mode value as the grammar has it, case-sensitive.
    pub fn parse(value: &[u8]) -> Option<Mode> {
        match value {
            // RFC 8461 §3.2: `sts-policy-mode-value = %s"testing" / %s"enforce" / %s"none"`.
            b"enforce" => Some(Mode::Enforce),
            b"testing" => Some(Mode::Testing),
            b"none" => Some(Mode::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Testing => "testing",
            Mode::None => "none",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy file (RFC 8461 §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub version: String,
    pub mode: Mode,
    pub max_age: u32,
    pub mx: Vec<MxPattern>,
    pub extensions: Vec<(String, String)>,
}

/// What could be read from a policy even when it is invalid, to build a corrected one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDraft {
    pub mode: Option<Mode>,
    pub max_age: Option<u32>,
    pub mx: Vec<String>,
}

// ---------------------------------------------------------------------------------------------------
// Grammar (RFC 8461 §3.2, RFC 7405: `%s` strings are case-sensitive).
// ---------------------------------------------------------------------------------------------------

/// One line of the body and its terminator: `sts-policy-term = LF / CRLF` (empty at the end of input).
fn line(input: &[u8]) -> IResult<&[u8], (&[u8], &[u8])> {
    // `take_until` finds a one-byte tag with memchr: the LF search is most of the cost of splitting lines.
    let (rest, raw) = alt((take_until("\n"), nom_rest)).parse(input)?;
    let (rest, lf) = opt(tag("\n")).parse(rest)?;
    Ok(match (lf, raw.strip_suffix(b"\r")) {
        // The CR belongs to the terminator only when an LF follows it: CRLF.
        (Some(_), Some(content)) => (rest, (content, &input[content.len()..content.len() + 2])),
        (Some(lf), None) => (rest, (raw, lf)),
        (None, _) => (rest, (raw, &raw[raw.len()..])),
    })
}

/// `*WSP` with `WSP = SP / HTAB` (RFC 5234 B.1).
fn wsp0(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_wsp).parse(input)
}

/// `sts-policy-ext-name = (sts-policy-alphanum) *31(sts-policy-alphanum / "_" / "-" / ".")`
///
/// Read as one run of name characters, then checked for its first character and length: the same names
/// wherever a name is followed by something else, in one pass.
fn ext_name(input: &[u8]) -> IResult<&[u8], &[u8]> {
    verify(take_while1(is_ext_name_char), |name: &[u8]| is_alphanum(name[0]) && name.len() <= 32).parse(input)
}

/// Everything before the `":"` of `sts-policy-field-delim`: the name, read loosely so that a bad name
/// (`max age`, `mode `) can still be reported precisely against `sts-policy-ext-name`.
fn until_colon(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_till(|b| b == b':').parse(input)
}

/// `sts-policy-field-delim = ":" *WSP`
fn field_delim(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((tag(":"), wsp0)).parse(input)
}

/// `sts-policy-max-age-value = 1*10(DIGIT)`, read as one run of digits and then counted.
fn max_age_value(input: &[u8]) -> IResult<&[u8], &[u8]> {
    verify(take_while1(is_digit), |digits: &[u8]| digits.len() <= 10).parse(input)
}

/// `sts-policy-ext-value = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]` with
/// `sts-policy-vchar = %x21-7E / UTF8-2 / UTF8-3 / UTF8-4`. The caller has already trimmed the `*WSP` on
/// both sides and checked UTF-8, so what is left to enforce is: not empty, no CTL, no HTAB.
fn ext_value(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize(take_while_m_n(1, usize::MAX, |b: u8| b == b' ' || b > 0x20 && b != 0x7F)).parse(input)
}

/// The policy lines of `body` as `(start offset, name, value)`: the name before the first colon and the value
/// after it, both without surrounding `*WSP`; a line without a colon is skipped. What the sender model
/// reads a repeated field with (`crate::senders`); the reader itself does not go through it.
pub(crate) fn fields(body: &[u8]) -> impl Iterator<Item = (usize, &[u8], &[u8])> {
    let mut rest = body;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let start = body.len() - rest.len();
            let (after, (content, _)) = line(rest).ok()?;
            rest = after;
            let Ok((tail, name)) = until_colon(content) else { continue };
            let Ok((value, _)) = field_delim(tail) else { continue };
            return Some((start, trim_wsp_start(trim_wsp_end(name)), trim_wsp_end(value)));
        }
    })
}

// ---------------------------------------------------------------------------------------------------
// The reader: grammar plus semantics, collecting findings. The words are in `message::policy`.
// ---------------------------------------------------------------------------------------------------

/// The first occurrence of a single-valued field, and what it held.
struct First<'a, T> {
    line: usize,
    value: Option<T>,
    /// The value as written, to tell a repeat of the same text from one with another value.
    raw: &'a [u8],
}

/// A run of blank lines not yet known to be inside or at the end.
struct BlankRun {
    /// From the first blank line's content to the end of the last one's terminator.
    span: Span,
    /// The same lines whole, with any stray CR in them: what the fix deletes.
    whole: Span,
    first_line: usize,
    last_line: usize,
}

/// A known field name misspelt (`Mode`, `max-age`, `max age`) or without its colon (`mode enforce`).
struct Typo {
    field: &'static str,
    line: usize,
    /// The name as written (for a line without a colon, the whole line).
    name: String,
    /// The index of the finding that reports the line.
    finding: usize,
    /// The edits that make the line that field; empty when its value would not be valid there.
    rename: Vec<(Span, String)>,
}

struct Reader<'a> {
    body: &'a [u8],
    findings: Vec<Finding>,
    version: Option<First<'a, ()>>,
    mode: Option<First<'a, Mode>>,
    max_age: Option<First<'a, u32>>,
    mx: Vec<MxPattern>,
    mx_lines: usize,
    extensions: Vec<(String, String)>,
    /// Misspelt known names, to mention (and correct) when the real field turns out to be missing.
    typos: Vec<Typo>,
    blank_run: Option<BlankRun>,
    fields: usize,
    /// The body is UTF-16: one finding says so, and nothing else is worth reporting.
    utf16: bool,
    /// The line being read, from its first byte to the end of its terminator; `None` when bare CRs split it
    /// into several fields, so that no one field owns it.
    whole_line: Option<Span>,
    /// The line ending a fix writes: the file's own (that of its first line), or CR LF.
    newline: &'static str,
    /// A reader that checks what a fix would do to one line: it offers no edits of its own.
    nested: bool,
    /// The body as text, when it is UTF-8: every part of a line is then a slice of it, not validated again.
    body_text: Option<&'a str>,
    /// The body holds only printable ASCII, HTAB and line ends, and every CR is part of a CR LF: no line
    /// needs the checks for control characters, non-UTF-8 bytes or bare CRs (one pass over the body
    /// instead of a few per line).
    plain: bool,
}

/// Whether a body needs none of the per-line checks for bytes outside the grammar's alphabet (see
/// `Reader::plain`). A fold without an early exit, so that it compiles to a vector loop: for a body that
/// passes, every byte is looked at anyway.
#[allow(clippy::needless_bitwise_bool, reason = "`&` keeps the loop free of branches, so it vectorises")]
fn is_plain(body: &[u8]) -> bool {
    let allowed = |b: u8| (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r');
    let next = body.get(1..).unwrap_or_default();
    // RFC 8461 §3.2: `sts-policy-term = LF / CRLF`, so a CR is only ever followed by LF.
    let pairs = body.iter().zip(next).fold(true, |ok, (&b, &after)| ok & allowed(b) & (b != b'\r' || after == b'\n'));
    pairs && body.last().is_none_or(|&b| allowed(b) && b != b'\r')
}

fn text(bytes: &[u8]) -> Cow<'_, str> {
    // Invalid UTF-8 was reported already; the lossy copy only keeps the parse going.
    std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
}

fn trim_wsp_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| !is_wsp(b)).map_or(0, |i| i + 1);
    &bytes[..end]
}

fn trim_wsp_start(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_wsp(b)).unwrap_or(bytes.len());
    &bytes[start..]
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| is_wsp(b))
}

/// A control character other than NUL and HTAB (NUL is reported on its own).
fn is_other_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != 0) || b == 0x7F
}

/// The one candidate of `candidates` closest to `word` within `max` edits, if no other is as close.
fn closest(word: &str, candidates: &[&'static str], max: impl Fn(&str) -> usize) -> Option<&'static str> {
    let mut best: Option<(&'static str, usize)> = None;
    let mut tied = false;
    for &candidate in candidates {
        let distance = edit_distance(word, candidate);
        if distance > max(candidate) {
            continue;
        }
        match best {
            Some((_, least)) if distance > least => {}
            Some((_, least)) if distance == least => tied = true,
            _ => (best, tied) = (Some((candidate, distance)), false),
        }
    }
    best.filter(|_| !tied).map(|(candidate, _)| candidate)
}

/// `Mode`, `max-age`, `maxage`, `nmx`, `MX`: a known name misspelt closely enough to be a typo.
fn known_name_like(name: &str) -> Option<&'static str> {
    let folded = name.to_ascii_lowercase().replace('-', "_");
    let max = |known: &str| match known.len() {
        _ if folded.len() < 2 => 0,
        ..=2 => 1,
        _ => 2,
    };
    closest(&folded, &KNOWN_FIELDS, max).filter(|_| !folded.is_empty())
}

/// The known field a misspelt name stands for: a name close to it that differs only in case and `-`, or one
/// whose value that field would take (so `note: hello` is not taken for `mode`).
fn typo_field(name: &str, value: &[u8]) -> Option<&'static str> {
    let field = known_name_like(name)?;
    let folded = name.to_ascii_lowercase().replace('-', "_");
    (folded == field || valid_value(field, value) || valid_value(field, &value.to_ascii_lowercase())).then_some(field)
}

/// `enforced`, `testng`: a mode misspelt closely enough to be a typo (short words such as `on` are not).
fn mode_like(value: &str) -> Option<&'static str> {
    if value.len() < 5 {
        return None;
    }
    closest(value, &["enforce", "testing", "none"], |_| 2)
}

/// Would the value be valid in the known field `field`? Then naming the line `field` corrects it.
fn valid_value(field: &str, value: &[u8]) -> bool {
    match field {
        "version" => value == b"STSv1",
        "mode" => matches!(value, b"enforce" | b"testing" | b"none"),
        "max_age" => {
            all_consuming(max_age_value).parse(value).is_ok()
                && text(value).parse::<u32>().is_ok_and(|n| n <= MAX_AGE_LIMIT)
        }
        "mx" => std::str::from_utf8(value).is_ok_and(|v| MxPattern::parse(v).is_ok()),
        _ => false,
    }
}

fn with_edits(finding: Finding, edits: Vec<(Span, String)>) -> Finding {
    edits.into_iter().fold(finding, |finding, (span, replacement)| finding.with_edit(span, replacement))
}

/// The error codes a line reports on its own, read as a policy by itself: what a fix of the line must not add to.
fn line_errors(line: &[u8]) -> Vec<Code> {
    let mut reader = Reader::new(line);
    reader.nested = true;
    let findings = crate::message::wordless(|| {
        reader.run();
        reader.finish().findings
    });
    let whole_policy = [
        Code::PolicyEmpty,
        Code::PolicyBom,
        Code::PolicyVersionMissing,
        Code::PolicyModeMissing,
        Code::PolicyMaxAgeMissing,
        Code::PolicyMxMissing,
    ];
    let mut codes: Vec<Code> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !whole_policy.contains(&f.code))
        .map(|f| f.code)
        .collect();
    codes.dedup();
    codes
}

impl<'a> Reader<'a> {
    fn new(body: &'a [u8]) -> Reader<'a> {
        Reader {
            body,
            findings: Vec::new(),
            version: None,
            mode: None,
            max_age: None,
            mx: Vec::new(),
            mx_lines: 0,
            extensions: Vec::new(),
            typos: Vec::new(),
            blank_run: None,
            fields: 0,
            utf16: false,
            whole_line: None,
            newline: "\r\n",
            nested: false,
            body_text: std::str::from_utf8(body).ok(),
            plain: is_plain(body),
        }
    }

    /// `part` of the body as text: a slice of the body when the body is UTF-8 (a part always starts and
    /// ends at an ASCII delimiter, so on a character boundary), else a lossy copy.
    fn text(&self, part: &'a [u8]) -> Cow<'a, str> {
        let start = self.offset(part);
        match self.body_text.and_then(|body| body.get(start..start + part.len())) {
            Some(slice) => Cow::Borrowed(slice),
            None => text(part),
        }
    }

    fn offset(&self, part: &[u8]) -> usize {
        part.as_ptr() as usize - self.body.as_ptr() as usize
    }

    fn span(&self, part: &[u8]) -> Span {
        let start = self.offset(part);
        Span::new(start, start + part.len())
    }

    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Pushes the finding of a line whose name reads as the known `field`.
    fn push_typo(
        &mut self,
        finding: Finding,
        field: &'static str,
        line: usize,
        name: String,
        rename: Vec<(Span, String)>,
    ) {
        self.typos.push(Typo { field, line, name, finding: self.findings.len(), rename });
        self.push(finding);
    }

    fn run(&mut self) {
        let mut rest = self.body;
        // RFC 8461 §3.2: the body is read as UTF-8 or US-ASCII (the only charsets the media type may name).
        if looks_like_utf16(self.body) {
            self.push(message::policy::utf16().with_span(Span::new(0, self.body.len())));
            self.utf16 = true;
            return;
        }
        // RFC 8461 §3.2: the first field name starts with sts-policy-alphanum; a BOM in front hides it.
        if let Some(after) = self.body.strip_prefix(UTF8_BOM) {
            let bom = message::policy::bom().with_span(Span::new(0, 3));
            // Without the BOM the rest must not read as UTF-16, a worse problem.
            self.push(if looks_like_utf16(after) { bom } else { bom.with_edit(Span::new(0, 3), "") });
            rest = after;
        }
        self.newline = match self.body.iter().position(|&b| b == b'\n') {
            Some(i) if i > 0 && self.body[i - 1] == b'\r' => "\r\n",
            Some(_) => "\n",
            None => "\r\n",
        };
        let mut number = 0;
        while !rest.is_empty() {
            let Ok((after, (content, term))) = line(rest) else { break };
            number += 1;
            self.line(number, content, term);
            rest = after;
        }
        self.flush_blank_run(true);
    }

    fn line(&mut self, number: usize, raw: &'a [u8], term: &'a [u8]) {
        let start = self.offset(raw);
        let whole = Span::new(start, start + raw.len() + term.len());
        let mut content = raw;
        // RFC 8461 §3.2: `sts-policy-term = LF / CRLF`; the CR before it in CR CR LF belongs to no rule.
        if term == b"\r\n"
            && let Some(before) = content.strip_suffix(b"\r")
        {
            let at = self.offset(before) + before.len();
            self.push(
                message::policy::cr_cr_lf(number).with_span(Span::new(at, at + 1)).with_edit(Span::new(at, at + 1), ""),
            );
            content = before;
        } else if term.is_empty()
            && let Some(before) = content.strip_suffix(b"\r")
            && !before.contains(&b'\r')
        {
            // RFC 8461 §3.2: `sts-policy-term = LF / CRLF`; a final CR alone is neither.
            let at = self.offset(content) + content.len() - 1;
            let cr = Span::new(at, at + 1);
            self.push(message::policy::bare_cr_at_end().with_span(cr).with_edit(cr, ""));
            content = before;
        }
        // RFC 8461 §3.2: every line holds a field, so an empty (or all-blank) line matches nothing.
        if is_blank(content) {
            let start = self.offset(content);
            let end = start + content.len() + term.len();
            self.blank_run = Some(match self.blank_run.take() {
                Some(run) => BlankRun {
                    span: Span::new(run.span.start, end),
                    whole: Span::new(run.whole.start, whole.end),
                    last_line: number,
                    ..run
                },
                None => BlankRun { span: Span::new(start, end), whole, first_line: number, last_line: number },
            });
            return;
        }
        self.flush_blank_run(false);
        // RFC 8461 §3.2: a CR without LF is no `sts-policy-term` and not a legal value character either.
        if !self.plain && content.contains(&b'\r') {
            let at = self.offset(content) + content.iter().position(|&b| b == b'\r').unwrap_or(0);
            let edits = self.bare_cr_edits(content, term);
            self.push(with_edits(message::policy::bare_cr(number).with_span(Span::new(at, at + 1)), edits));
            self.whole_line = None;
            // A bare CR is not a terminator; splitting on it anyway lets the fields around it be checked.
            for segment in content.split(|&b| b == b'\r') {
                if !is_blank(segment) {
                    self.field(number, segment);
                }
            }
        } else {
            self.whole_line = Some(whole);
            self.field(number, content);
        }
    }

    /// The edits that make each bare CR of a line a line break, when the pieces it separates are all fields:
    /// a CR between two fields becomes the line's own terminator, any other CR goes, with the blanks before
    /// the first field.
    fn bare_cr_edits(&self, content: &'a [u8], term: &[u8]) -> Vec<(Span, String)> {
        let pieces: Vec<&[u8]> = content.split(|&b| b == b'\r').collect();
        let fields = pieces.iter().filter(|p| !is_blank(p));
        if fields.clone().next().is_none() || !fields.clone().all(|p| p.contains(&b':')) {
            return Vec::new();
        }
        let newline = match term {
            b"\n" => "\n",
            b"\r\n" => "\r\n",
            _ => self.newline,
        };
        let mut edits = Vec::new();
        let mut field_before = false;
        for (i, piece) in pieces[..pieces.len() - 1].iter().enumerate() {
            let cr = self.offset(piece) + piece.len();
            if !field_before && is_blank(piece) {
                edits.push((Span::new(self.offset(piece), cr + 1), String::new()));
                continue;
            }
            field_before = true;
            let replacement = if is_blank(pieces[i + 1]) { "" } else { newline };
            edits.push((Span::new(cr, cr + 1), replacement.to_owned()));
        }
        edits
    }

    fn flush_blank_run(&mut self, at_end: bool) {
        let Some(run) = self.blank_run.take() else { return };
        if self.fields == 0 && at_end {
            // Nothing but blank lines: reported once, as an empty policy.
            return;
        }
        let (first, last) = (run.first_line, run.last_line);
        let finding = match (at_end, first == last) {
            (false, true) => message::policy::blank_line(first),
            (false, false) => message::policy::blank_lines(first, last),
            (true, true) => message::policy::blank_line_at_end(first),
            (true, false) => message::policy::blank_lines_at_end(first, last),
        };
        // RFC 8461 §3.2: `sts-policy-term` separates fields; it never stands alone on a line.
        self.push(finding.with_span(run.span).with_edit(run.whole, ""));
    }

    /// Characters the grammar never allows, wherever they sit on the line.
    fn check_characters(&mut self, number: usize, segment: &'a [u8]) {
        // The common case, printable ASCII and tabs, costs one pass (over the whole body, when it is plain).
        if self.plain || segment.iter().all(|&b| (0x20..0x7F).contains(&b) || b == b'\t') {
            return;
        }
        // RFC 8461 §3.2: `sts-policy-vchar` allows UTF-8 (RFC 3629) and nothing else beyond ASCII.
        if let Err(e) = std::str::from_utf8(segment) {
            let start = self.offset(segment) + e.valid_up_to();
            let len = e.error_len().unwrap_or(segment.len() - e.valid_up_to());
            self.push(message::policy::not_utf8(number).with_span(Span::new(start, start + len)));
        }
        // RFC 8461 §3.2: `sts-policy-ext-value` excludes CTLs, and the other productions never allow them.
        if let Some(i) = segment.iter().position(|&b| b == 0) {
            let at = self.offset(segment) + i;
            let finding = message::policy::nul(number).with_span(Span::new(at, at + 1));
            let edits = self.deletions(segment, |b| b == 0);
            self.push(with_edits(finding, edits));
        }
        if let Some(i) = segment.iter().position(|&b| is_other_control(b)) {
            let at = self.offset(segment) + i;
            let finding = message::policy::control_character(number, format!("{:04X}", segment[i]))
                .with_span(Span::new(at, at + 1));
            let edits = self.deletions(segment, is_other_control);
            self.push(with_edits(finding, edits));
        }
    }

    /// The edits that delete every byte of the line that `unwanted` picks, unless the line would then break a
    /// rule it did not break before (a name or value that only the deleted bytes kept from being checked).
    fn deletions(&self, segment: &'a [u8], unwanted: impl Fn(u8) -> bool) -> Vec<(Span, String)> {
        if self.nested {
            return Vec::new();
        }
        let kept: Vec<u8> = segment.iter().copied().filter(|&b| !unwanted(b)).collect();
        if is_blank(&kept) {
            return Vec::new();
        }
        let before = line_errors(segment);
        if line_errors(&kept).iter().any(|code| !before.contains(code)) {
            return Vec::new();
        }
        let start = self.offset(segment);
        let unwanted = &unwanted;
        segment
            .iter()
            .enumerate()
            .filter(|&(_, &b)| unwanted(b))
            .map(|(i, _)| (Span::new(start + i, start + i + 1), String::new()))
            .collect()
    }

    fn field(&mut self, number: usize, segment: &'a [u8]) {
        self.fields += 1;
        self.check_characters(number, segment);
        // The common case first: a valid `sts-policy-ext-name` at the start of the line, right before its
        // colon. It is what the loose reading below finds too, with no finding about the name, in one step.
        let well_formed = match ext_name(segment) {
            Ok((after_name @ [b':', ..], name)) => Some((name, after_name)),
            _ => None,
        };
        let Some((raw_name, after_name)) = well_formed.or_else(|| self.loose_name(number, segment)) else { return };
        let name = trim_wsp_end(raw_name);
        let Ok((value_region, _)) = field_delim(after_name) else { return };
        let value = trim_wsp_end(value_region);
        let name_text = self.text(name);
        let value_text = self.text(value);
        if well_formed.is_none() {
            // RFC 8461 §3.2: `sts-policy-field-delim = ":" *WSP` follows the name directly.
            if name.len() != raw_name.len() {
                let span = self.span(&raw_name[name.len()..]);
                let finding = message::policy::space_before_colon(number, &name_text, &value_text);
                self.push(finding.with_span(span).with_edit(span, ""));
            }
            if !self.check_name(number, name, &name_text, value, &value_text) {
                return;
            }
        }
        match name {
            b"version" => self.version(number, value, &value_text),
            b"mode" => self.mode(number, value, &value_text),
            b"max_age" => self.max_age(number, value, &value_text),
            b"mx" => self.mx(number, value, &value_text),
            _ => self.extension(number, name, &name_text, value, &value_text),
        }
    }

    /// Everything before the colon of a line whose name is not simply `sts-policy-ext-name`, and the rest of
    /// the line from the colon; `None` for a line without a colon, which is reported here.
    fn loose_name(&mut self, number: usize, segment: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
        let (after_lead, lead) = wsp0(segment).ok()?;
        // RFC 8461 §3.2: a line starts with `sts-policy-field`, i.e. with the name; no WSP before it.
        if !lead.is_empty() {
            let span = self.span(lead);
            let corrected = text(trim_wsp_end(after_lead)).into_owned();
            self.push(message::policy::leading_whitespace(number, corrected).with_span(span).with_edit(span, ""));
        }
        let (after_name, raw_name) = until_colon(after_lead).ok()?;
        if after_name.is_empty() {
            self.no_colon(number, after_lead);
            return None;
        }
        Some((raw_name, after_name))
    }

    /// `sts-policy-ext-name`; every field name, known or not, has this shape.
    fn check_name(&mut self, number: usize, name: &'a [u8], name_text: &str, value: &[u8], value_text: &str) -> bool {
        if all_consuming(ext_name).parse(name).is_ok() {
            return true;
        }
        let span = self.span(name);
        let mut typo = None;
        let finding = if name.is_empty() {
            message::policy::name_missing(number)
        } else if name.len() > 32 && name.iter().all(|&b| is_ext_name_char(b)) && is_alphanum(name[0]) {
            message::policy::name_too_long(name_text, number, name.len())
        } else {
            let bad = name_text
                .chars()
                .enumerate()
                .find(|&(i, c)| !(c.is_ascii_alphanumeric() || (i > 0 && matches!(c, '_' | '-' | '.'))))
                .map_or('?', |(_, c)| c);
            if bad.is_control() {
                // Already reported for the whole line by `check_characters`.
                return false;
            }
            if !bad.is_whitespace() {
                message::policy::name_character(name_text, number, bad)
            } else if let Some(field) = typo_field(name_text, value) {
                // `max age`: the line reads as a known field, so it is corrected like a misspelt name.
                let rename = if valid_value(field, value) { vec![(span, field.to_owned())] } else { Vec::new() };
                typo = Some((field, rename));
                message::policy::name_typo(name_text, number, field, value_text)
            } else {
                message::policy::name_whitespace(name_text, number, format!("{:04X}", u32::from(bad)))
            }
        };
        // RFC 8461 §3.2: `sts-policy-ext-name = (sts-policy-alphanum) *31(sts-policy-alphanum / "_" / "-" / ".")`.
        let finding = finding.with_span(span);
        match typo {
            Some((field, rename)) => self.push_typo(finding, field, number, name_text.to_owned(), rename),
            None => self.push(finding),
        }
        false
    }

    fn no_colon(&mut self, number: usize, content: &'a [u8]) {
        let shown = text(trim_wsp_end(content)).into_owned();
        let word_end = content.iter().position(|&b| is_wsp(b) || b == b'=').unwrap_or(content.len());
        let (word, after) = content.split_at(word_end);
        let after = trim_wsp_start(after);
        let rest = trim_wsp_end(trim_wsp_start(after.strip_prefix(b"=").unwrap_or(after)));
        let span = self.span(content);
        let known = KNOWN_FIELDS.iter().find(|k| k.as_bytes() == word);
        // RFC 8461 §3.2: every line is `sts-policy-field`, a name, `sts-policy-field-delim` (":") and a value.
        match known {
            Some(&field) if !rest.is_empty() => {
                let finding = message::policy::no_colon_field(number, &shown, field, text(rest)).with_span(span);
                let separator = Span::new(self.offset(content) + word_end, self.offset(rest));
                let rename = if valid_value(field, rest) { vec![(separator, ": ".to_owned())] } else { Vec::new() };
                self.push_typo(finding, field, number, shown, rename);
            }
            Some(&field) => {
                let finding = message::policy::no_colon(number, &shown).with_span(span);
                self.push_typo(finding, field, number, shown, Vec::new());
            }
            None => self.push(message::policy::no_colon(number, &shown).with_span(span)),
        }
    }

    /// Reports a repeat of a single-valued field; the first occurrence stays in force.
    fn duplicate(&mut self, number: usize, name: &str, first_line: usize, value: &'a [u8], same: bool) {
        let span = self.span(value);
        let finding = if same {
            // The same text again: deleting the line changes nothing but the repeat.
            let finding = message::policy::duplicate(name, number, first_line).with_span(span);
            match self.whole_line {
                Some(line) => finding.with_edit(line, ""),
                None => finding,
            }
        } else {
            message::policy::duplicate_different(name, number, first_line).with_span(span)
        };
        self.push(finding);
    }

    fn version(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        // RFC 8461 §3.2: a field present more than once keeps its first value.
        if let Some(first) = &self.version {
            let (line, same) = (first.line, first.raw == value);
            return self.duplicate(number, "version", line, value, same);
        }
        // RFC 8461 §3.2: `sts-policy-version-value = %s"STSv1"`, case-sensitive (RFC 7405).
        let ok = value == b"STSv1";
        self.version = Some(First { line: number, value: ok.then_some(()), raw: value });
        if ok {
            return;
        }
        let finding = if value.is_empty() {
            message::policy::version_empty(number)
        } else if value.eq_ignore_ascii_case(b"STSv1") {
            message::policy::version_case(number, value_text)
        } else {
            message::policy::version_other(number, value_text)
        };
        // `STSv1` is the only version there is, so the fix is never a choice.
        let span = self.span(value);
        self.push(finding.with_span(span).with_edit(span, "STSv1"));
    }

    fn mode(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        let mode = Mode::parse(value);
        if let Some(first) = &self.mode {
            let (line, same) = (first.line, first.raw == value);
            return self.duplicate(number, "mode", line, value, same);
        }
        self.mode = Some(First { line: number, value: mode, raw: value });
        let span = self.span(value);
        match mode {
            Some(Mode::Testing) => self.push(message::policy::mode_testing().with_span(span)),
            Some(Mode::None | Mode::Enforce) => {}
            None => {
                let lower = value_text.to_ascii_lowercase();
                let finding = match lower.as_str() {
                    "enforce" | "testing" | "none" => {
                        message::policy::mode_case(number, value_text, &lower).with_edit(span, lower.clone())
                    }
                    // The drafts' name for `testing`.
                    "report" => message::policy::mode_report(number).with_edit(span, "testing"),
                    // Enforce or testing is the administrator's choice.
                    "" => message::policy::mode_empty(number),
                    _ => match mode_like(&lower) {
                        Some(mode) => message::policy::mode_typo(number, value_text, mode).with_edit(span, mode),
                        None => message::policy::mode_other(number, value_text),
                    },
                };
                self.push(finding.with_span(span));
            }
        }
    }

    fn max_age(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        // RFC 8461 §3.2: `sts-policy-max-age-value = 1*10(DIGIT)`.
        let digits = all_consuming(max_age_value).parse(value).ok().map(|(_, d)| d);
        // RFC 8461 §3.2 prose caps it at 31557600 (erratum 7282 notes 10 digits allow more).
        let parsed = digits.and_then(|d| self.text(d).parse::<u32>().ok()).filter(|&n| n <= MAX_AGE_LIMIT);
        if let Some(first) = &self.max_age {
            let (line, same) = (first.line, first.raw == value);
            return self.duplicate(number, "max_age", line, value, same);
        }
        self.max_age = Some(First { line: number, value: parsed, raw: value });
        let span = self.span(value);
        // How long to cache is the administrator's choice, so a short max_age gets no edit.
        match parsed {
            Some(0) => self.push(message::policy::max_age_zero(number).with_span(span)),
            Some(n) if n < MAX_AGE_SHORT => self.push(message::policy::max_age_short(number, n).with_span(span)),
            Some(_) => {}
            None => {
                let (finding, seconds) = max_age_problem(number, value, value_text);
                let finding = finding.with_span(span);
                self.push(match seconds {
                    Some(seconds) => finding.with_edit(span, seconds.to_string()),
                    None => finding,
                });
            }
        }
    }

    fn mx(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        self.mx_lines += 1;
        let span = self.span(value);
        // RFC 8461 §3.2: `sts-policy-mx-value = ["*."] Domain`.
        match MxPattern::parse(value_text) {
            Ok(pattern) => {
                if pattern.is_broad_wildcard() {
                    // RFC 8461 §10.4: a wildcard directly under a TLD accepts anyone's certificate there.
                    let finding = message::policy::mx_broad_wildcard(value_text, number, pattern.name());
                    self.push(finding.with_span(span));
                } else if pattern.looks_like_ip() {
                    // RFC 8461 §4.1: the MX record *name* is matched against the patterns.
                    self.push(message::policy::mx_ip_address(value_text, number).with_span(span));
                }
                self.mx.push(pattern);
            }
            Err(e) => {
                let finding = match MxPattern::suggest(value_text) {
                    // The pattern as meant: no trailing dot, the A-label, `*.` for the drafts' leading dot.
                    Some(fixed) if std::str::from_utf8(value).is_ok() => {
                        message::policy::mx_repairable(number, &e, &fixed).with_edit(span, fixed)
                    }
                    Some(fixed) => message::policy::mx_repairable(number, &e, fixed),
                    None => message::policy::mx_invalid(number, &e),
                };
                self.push(finding.with_span(span));
            }
        }
    }

    fn extension(&mut self, number: usize, name: &'a [u8], name_text: &str, value: &'a [u8], value_text: &str) {
        // RFC 8461 §3.2: `sts-policy-ext-value` needs one visible character and allows no HTAB inside;
        // other control characters were reported for the whole line already.
        if all_consuming(ext_value).parse(value).is_err() {
            if value.is_empty() {
                self.push(message::policy::extension_empty(name_text, number).with_span(self.span(name)));
            } else if let Some(i) = value.iter().position(|&b| b == b'\t') {
                let at = self.offset(value) + i;
                let tabs = value.iter().enumerate().filter(|&(_, &b)| b == b'\t');
                let edits = tabs.map(|(i, _)| (self.span(&value[i..=i]), " ".to_owned())).collect();
                let finding = message::policy::extension_tab(name_text, number).with_span(Span::new(at, at + 1));
                self.push(with_edits(finding, edits));
            }
        }
        // RFC 8461 §3.2: unknown fields are extensions; senders MUST accept and ignore them.
        self.extensions.push((name_text.to_owned(), value_text.to_owned()));
        let span = self.span(name);
        match typo_field(name_text, value) {
            Some(field) => {
                let finding = message::policy::unknown_field_typo(name_text, number, field, value_text).with_span(span);
                let rename = if valid_value(field, value) { vec![(span, field.to_owned())] } else { Vec::new() };
                self.push_typo(finding, field, number, name_text.to_owned(), rename);
            }
            None if value.contains(&b':') => {
                self.push(message::policy::unknown_field_colon(name_text, number).with_span(span));
            }
            None => self.push(message::policy::unknown_field(name_text, number).with_span(span)),
        }
    }

    /// Settles the misspelt lines once every line is read. One that stands in for a missing field gets its
    /// correction as edits (the first such line of a single-valued field, every line that reads as `mx`); an
    /// unknown field that reads like a single-valued field the policy sets says so instead.
    fn settle_typos(&mut self) {
        for i in 0..self.typos.len() {
            let typo = &self.typos[i];
            let set = match typo.field {
                "version" => self.version.as_ref().map(|f| f.line),
                "mode" => self.mode.as_ref().map(|f| f.line),
                "max_age" => self.max_age.as_ref().map(|f| f.line),
                _ => None,
            };
            let finding = &mut self.findings[typo.finding];
            if let Some(first) = set {
                if finding.code == Code::PolicyUnknownField {
                    let span = finding.span;
                    *finding = message::policy::unknown_field_set(&typo.name, typo.line, typo.field, first);
                    finding.span = span;
                }
            } else if typo.field == "mx" || self.typos[..i].iter().all(|t| t.field != typo.field) {
                for (span, replacement) in &typo.rename {
                    finding.edits.push(Edit { span: *span, replacement: replacement.clone() });
                }
            }
        }
    }

    /// The first line that stands in for `field`.
    fn typo_of(&self, field: &str) -> Option<&Typo> {
        self.typos.iter().find(|t| t.field == field)
    }

    /// The required fields that never appeared, each with a hint when a misspelt name stood in for it.
    fn missing_fields(&mut self, end: Span) {
        // RFC 8461 §3.2: version, mode and max_age are each required once.
        if self.version.is_none() {
            let finding = if let Some(t) = self.typo_of("version") {
                with_edits(message::policy::version_missing_typo(t.line, &t.name), t.rename.clone())
            } else {
                // `version: STSv1` is the only version line there is: it goes first, after any BOM.
                let at = if self.body.starts_with(UTF8_BOM) { UTF8_BOM.len() } else { 0 };
                let line = format!("version: STSv1{}", self.newline);
                message::policy::version_missing().with_edit(Span::new(at, at), line)
            };
            self.push(finding.with_span(end));
        }
        // The values of mode, max_age and mx are the administrator's to choose: edits only for a typo.
        if self.mode.is_none() {
            let finding = match self.typo_of("mode") {
                Some(t) => with_edits(message::policy::mode_missing_typo(t.line, &t.name), t.rename.clone()),
                None => message::policy::mode_missing(),
            };
            self.push(finding.with_span(end));
        }
        if self.max_age.is_none() {
            let finding = match self.typo_of("max_age") {
                Some(t) => with_edits(message::policy::max_age_missing_typo(t.line, &t.name), t.rename.clone()),
                None => message::policy::max_age_missing(),
            };
            self.push(finding.with_span(end));
        }
        let mode = self.mode.as_ref().and_then(|m| m.value);
        if self.mx_lines == 0 && mode != Some(Mode::None) {
            let finding = match self.typo_of("mx") {
                Some(t) => with_edits(message::policy::mx_missing_typo(t.line, &t.name), t.rename.clone()),
                None => message::policy::mx_missing(),
            };
            // RFC 8461 §3.2: `mx` is required at least once unless the mode is `none`.
            self.push(finding.with_span(end));
        }
    }

    fn finish(mut self) -> Parsed<Policy> {
        let end = Span::new(self.body.len(), self.body.len());
        if self.utf16 {
            return Parsed::folded(None, self.findings);
        }
        // RFC 8461 §3.2: `sts-policy-record` holds at least one `sts-policy-field`.
        if self.fields == 0 {
            self.push(message::policy::empty().with_span(end));
            return Parsed::folded(None, self.findings);
        }
        self.settle_typos();
        self.missing_fields(end);
        let mode = self.mode.as_ref().and_then(|m| m.value);
        // RFC 8461 §8.3: mode `none` is how a domain withdraws MTA-STS.
        if mode == Some(Mode::None) {
            let line = self.mode.as_ref().map_or(0, |m| m.line);
            self.push(if self.mx_lines == 0 {
                message::policy::mode_none_without_mx(line)
            } else {
                message::policy::mode_none(line)
            });
        }
        let errors = self.findings.iter().any(|f| f.severity == Severity::Error);
        let value = match (&self.version, mode, self.max_age.as_ref().and_then(|m| m.value)) {
            (Some(First { value: Some(()), .. }), Some(mode), Some(max_age)) if !errors => {
                Some(Policy { version: "STSv1".to_owned(), mode, max_age, mx: self.mx, extensions: self.extensions })
            }
            _ => None,
        };
        Parsed::folded(value, self.findings)
    }
}

/// A UTF-16 body: a byte order mark for it, or ASCII text with every other byte zero.
fn looks_like_utf16(body: &[u8]) -> bool {
    body.starts_with(b"\xFF\xFE")
        || body.starts_with(b"\xFE\xFF")
        || (body.len() >= 4
            && (body[1] == 0 && body[3] == 0 && body[0] != 0 || body[0] == 0 && body[2] == 0 && body[1] != 0))
}

/// The finding for a `max_age` value that is not `1*10(DIGIT)` within the cap, and the number of seconds
/// to write instead when what was meant is clear.
fn max_age_problem(number: usize, value: &[u8], value_text: &str) -> (Finding, Option<u64>) {
    let all_digits = !value.is_empty() && value.iter().all(u8::is_ascii_digit);
    let within_cap = value_text.parse::<u64>().is_ok_and(|n| n <= u64::from(MAX_AGE_LIMIT));
    // RFC 8461 §3.2 prose: "maximum value of 31557600" (erratum 7282: ten digits allow more). A number
    // above it with eleven digits or more breaks `1*10(DIGIT)` too; the cap is the rule to name.
    if all_digits && !within_cap {
        return (message::policy::max_age_too_large(number, value_text), Some(u64::from(MAX_AGE_LIMIT)));
    }
    // RFC 8461 §3.2: `sts-policy-max-age-value = 1*10(DIGIT)`.
    if value.is_empty() {
        return (message::policy::max_age_empty(number), None);
    }
    if let Some(seconds) = repaired_max_age(value_text) {
        let finding = if value[0] == b'+' {
            message::policy::max_age_plus(number, value_text, seconds)
        } else if value.contains(&b'_') {
            message::policy::max_age_separator(number, value_text, seconds)
        } else if value.iter().any(|&b| is_wsp(b)) {
            message::policy::max_age_whitespace(number, value_text, seconds)
        } else {
            // Within the cap only with leading zeros, e.g. `00000086400`.
            message::policy::max_age_leading_zeros(number, value_text, seconds)
        };
        return (finding, Some(seconds));
    }
    let hex = value_text
        .strip_prefix("0x")
        .or_else(|| value_text.strip_prefix("0X"))
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|digits| u64::from_str_radix(digits, 16).ok())
        .filter(|&n| n <= u64::from(MAX_AGE_LIMIT));
    if value[0] == b'-' {
        (message::policy::max_age_negative(number, value_text), None)
    } else if let Some(seconds) = hex {
        (message::policy::max_age_hex(number, value_text, seconds), Some(seconds))
    } else if let Some(seconds) = exponent_value(value_text) {
        (message::policy::max_age_exponent(number, value_text, seconds), Some(seconds))
    } else if value.contains(&b'.') || value.contains(&b',') {
        (message::policy::max_age_fraction(number, value_text), None)
    } else {
        (message::policy::max_age_not_number(number, value_text), None)
    }
}

/// `6e5`, `8.64e4`: exponent notation for a whole number of seconds within the cap, worked out exactly.
fn exponent_value(value_text: &str) -> Option<u64> {
    let (mantissa, exponent) = value_text.split_once(['e', 'E'])?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let exponent: u32 = exponent.strip_prefix('+').unwrap_or(exponent).parse().ok()?;
    let fraction = fraction.trim_end_matches('0');
    let shift = exponent.checked_sub(u32::try_from(fraction.len()).ok()?)?;
    let n = format!("{whole}{fraction}").parse::<u64>().ok()?.checked_mul(10u64.checked_pow(shift)?)?;
    (n <= u64::from(MAX_AGE_LIMIT)).then_some(n)
}

/// A corrected `max_age` for a value that is digits apart from a leading `+`, digit separators or spaces.
fn repaired_max_age(value_text: &str) -> Option<u64> {
    let digits = value_text.trim().trim_start_matches('+');
    let allowed = |b: u8| b.is_ascii_digit() || b == b'_' || b == b' ' || b == b'\t';
    if !digits.bytes().any(|b| b.is_ascii_digit()) || !digits.bytes().all(allowed) {
        return None;
    }
    let n: u64 = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    Some(n.min(u64::from(MAX_AGE_LIMIT)))
}

impl Policy {
    /// Reads a policy body, raw bytes as served. The value is present only when no `error` finding was
    /// reported; every problem is reported, line by line.
    pub fn parse(body: &[u8]) -> Parsed<Policy> {
        let mut reader = Reader::new(body);
        reader.run();
        let mut parsed = reader.finish();
        crate::finding::preview_edits(&mut parsed.findings, |_| Some(body));
        parsed
    }

    /// Best-effort reading of a policy that may be invalid: tolerates a BOM, any line ending, indentation,
    /// whitespace around the colon or an `=`, key and mode case, `max-age`/`maxage`, a signed or over-cap
    /// `max_age` (capped), trailing dots and U-labels in `mx`. First value wins, like the RFC.
    pub fn salvage(body: &[u8]) -> PolicyDraft {
        let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
        let body = String::from_utf8_lossy(body);
        let mut draft = PolicyDraft::default();
        for line in body.split(['\n', '\r']) {
            let Some((key, value)) = line.split_once(':').or_else(|| line.split_once('=')) else { continue };
            let key: String =
                key.trim().chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect();
            let value = value.trim();
            match key.replace('-', "_").as_str() {
                "mode" if draft.mode.is_none() => {
                    draft.mode = match value.to_ascii_lowercase().as_str() {
                        "enforce" => Some(Mode::Enforce),
                        "testing" | "report" => Some(Mode::Testing),
                        "none" => Some(Mode::None),
                        _ => None,
                    };
                }
                "max_age" | "maxage" if draft.max_age.is_none() => {
                    draft.max_age = repaired_max_age(value).and_then(|n| u32::try_from(n).ok());
                }
                "mx" => {
                    let fixed = match MxPattern::parse(value) {
                        Ok(_) => Some(value.to_owned()),
                        Err(_) => MxPattern::suggest(value),
                    };
                    if let Some(fixed) = fixed
                        && !draft.mx.iter().any(|m| m.eq_ignore_ascii_case(&fixed))
                    {
                        draft.mx.push(fixed);
                    }
                }
                _ => {}
            }
        }
        draft
    }

    /// Renders the policy in canonical form (CRLF line endings, version first).
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::with_capacity(64 + 32 * (self.mx.len() + self.extensions.len()));
        let _ = write!(out, "version: {}\r\nmode: {}\r\n", self.version, self.mode);
        for mx in &self.mx {
            let _ = write!(out, "mx: {mx}\r\n");
        }
        let _ = write!(out, "max_age: {}\r\n", self.max_age);
        for (name, value) in &self.extensions {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n\
                        mx: backupmx.example.com\r\nmx: mx4.example.org\r\nmax_age: 604800\r\n";

    fn codes(body: &str) -> Vec<&'static str> {
        Policy::parse(body.as_bytes()).findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn reads_the_rfc_example() {
        let parsed = Policy::parse(GOOD.as_bytes());
        assert!(parsed.valid(), "{:#?}", parsed.findings);
        let policy = parsed.value.unwrap();
        assert_eq!(policy.mode, Mode::Enforce);
        assert_eq!(policy.max_age, 604_800);
        assert_eq!(policy.mx.len(), 4);
        assert_eq!(policy.to_text(), GOOD);
        assert!(parsed.findings.is_empty());
    }

    #[test]
    fn accepts_lf_crlf_and_mixed_without_a_finding() {
        for body in [GOOD.replace("\r\n", "\n"), GOOD.replacen("\r\n", "\n", 2), GOOD.trim_end().to_owned()] {
            let parsed = Policy::parse(body.as_bytes());
            assert!(parsed.valid() && parsed.findings.is_empty(), "{body:?}: {:#?}", parsed.findings);
        }
    }

    #[test]
    fn reports_every_problem_per_line() {
        let body = " version: STSv1\nmode : Enforce\n\nmax_age: +86400\nmx: mail.example.com.\nfoo\n\n";
        let parsed = Policy::parse(body.as_bytes());
        assert!(parsed.value.is_none());
        assert_eq!(
            codes(body),
            [
                "policy-leading-whitespace",
                "policy-space-before-colon",
                "policy-mode-invalid",
                "policy-blank-line",
                "policy-max-age-invalid",
                "policy-mx-invalid",
                "policy-no-colon",
                "policy-blank-line",
            ],
            "{:#?}",
            parsed.findings
        );
        assert!(parsed.findings.iter().all(|f| f.group == Code::PolicyInvalid));
    }

    #[test]
    fn line_terminators() {
        assert_eq!(codes("version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 86400\n"), ["policy-bare-cr"]);
        assert_eq!(codes("version: STSv1\r\r\nmode: enforce\nmx: a.example\nmax_age: 86400\n"), ["policy-cr-cr-lf"]);
        assert_eq!(codes("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\r"), ["policy-bare-cr"]);
        assert_eq!(codes("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\n\n"), ["policy-blank-line"]);
    }

    #[test]
    fn first_value_wins_for_duplicates() {
        let parsed = Policy::parse(b"version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 86400\n");
        assert_eq!(parsed.value.as_ref().unwrap().mode, Mode::Testing);
        assert_eq!(parsed.codes(), [Code::PolicyModeTesting, Code::PolicyDuplicateField]);
    }

    #[test]
    fn typo_hints() {
        let parsed = Policy::parse(b"version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 86400\n");
        let unknown = parsed.findings.iter().find(|f| f.code == Code::PolicyUnknownField).unwrap();
        assert!(unknown.message.contains("Did you mean `mode`?"), "{}", unknown.message);
        assert_eq!(unknown.fix.as_deref(), Some("Correct the name:\nmode: enforce"));
        assert_eq!(unknown.edits, [Edit { span: Span::new(15, 19), replacement: "mode".to_owned() }]);
        for (name, known) in [("nmx", "mx"), ("max-age", "max_age"), ("maxage", "max_age"), ("MX", "mx")] {
            assert_eq!(known_name_like(name), Some(known));
        }
        assert_eq!(known_name_like("id"), None);
        assert_eq!(known_name_like("x"), None);
    }

    #[test]
    fn max_age_rules() {
        let body = |v: &str| format!("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: {v}\n");
        assert_eq!(codes(&body("31557600")), Vec::<&str>::new());
        assert_eq!(codes(&body("0")), ["policy-max-age-short"]);
        for bad in ["+86400", "-1", "8.6e4", "0x15180", "86 400", "", "1e5", "86_400", "00000086400"] {
            assert_eq!(codes(&body(bad)), ["policy-max-age-invalid"], "{bad}");
        }
        for big in ["31557601", "4294967296", "9999999999", "99999999999", "000000000031557601"] {
            assert_eq!(codes(&body(big)), ["policy-max-age-too-large"], "{big}");
        }
    }

    /// The body with the edits of the first finding of `code` applied.
    fn fixed(body: &str, code: Code) -> String {
        let parsed = Policy::parse(body.as_bytes());
        let finding = parsed.findings.iter().find(|f| f.code == code);
        let finding = finding.unwrap_or_else(|| panic!("{body:?}: no {code}: {:#?}", parsed.findings));
        assert!(!finding.edits.is_empty(), "{body:?}: {code} has no edits");
        String::from_utf8(crate::finding::apply_edits(body.as_bytes(), &finding.edits)).unwrap()
    }

    #[test]
    fn edits_make_the_fix() {
        const REST: &str = "mx: a.example\nmax_age: 86400\n";
        let cases: &[(&str, Code, &str)] = &[
            ("\u{FEFF}version: STSv1\nmode: enforce\n", Code::PolicyBom, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\r\r\nmode: enforce\n", Code::PolicyCrCrLf, "version: STSv1\r\nmode: enforce\n"),
            ("version: STSv1\rmode: enforce\n", Code::PolicyBareCr, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\rmode: enforce\r\r", Code::PolicyBareCr, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\n\n \t\nmode: enforce\n", Code::PolicyBlankLine, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\nmode: enforce\n\r\r\n", Code::PolicyBlankLine, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\n\tmode: enforce\n", Code::PolicyLeadingWhitespace, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\nmode \t: enforce\n", Code::PolicySpaceBeforeColon, "version: STSv1\nmode: enforce\n"),
            (
                "version: STSv1\nmode: enf\x01orce\x7f\n",
                Code::PolicyControlCharacter,
                "version: STSv1\nmode: enforce\n",
            ),
            (
                "version: STSv1\nmode: enforce\nversion: STSv1\n",
                Code::PolicyDuplicateField,
                "version: STSv1\nmode: enforce\n",
            ),
            ("version: stsv1\nmode: enforce\n", Code::PolicyVersionInvalid, "version: STSv1\nmode: enforce\n"),
            ("version:\nmode: enforce\n", Code::PolicyVersionInvalid, "version:STSv1\nmode: enforce\n"),
            ("version: STSv1\nmode: Enforce\n", Code::PolicyModeInvalid, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\nmode: report\n", Code::PolicyModeInvalid, "version: STSv1\nmode: testing\n"),
            ("version: STSv1\nmode: enforced\n", Code::PolicyModeInvalid, "version: STSv1\nmode: enforce\n"),
            (
                "version: STSv1\nmode: enforce\nnote: a\tb\n",
                Code::PolicyExtensionValueInvalid,
                "version: STSv1\nmode: enforce\nnote: a b\n",
            ),
            ("version: STSv1\nMode: enforce\n", Code::PolicyUnknownField, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\nMode: enforce\n", Code::PolicyModeMissing, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\nmode enforce\n", Code::PolicyNoColon, "version: STSv1\nmode: enforce\n"),
            ("version: STSv1\nmode = enforce\n", Code::PolicyNoColon, "version: STSv1\nmode: enforce\n"),
            ("mode: enforce\n", Code::PolicyVersionMissing, "version: STSv1\nmode: enforce\n"),
        ];
        for &(head, code, want) in cases {
            let body = format!("{head}{REST}");
            assert_eq!(fixed(&body, code), format!("{want}{REST}"), "{code} in {body:?}");
        }
        let max_age = |v: &str| format!("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: {v}\n");
        for (value, want) in [
            ("+86400", "86400"),
            ("86_400", "86400"),
            ("86 400", "86400"),
            ("86\t400", "86400"),
            ("00000086400", "86400"),
            ("0x15180", "86400"),
            ("8.64e4", "86400"),
            ("31557601", "31557600"),
        ] {
            let code = if value == "31557601" { Code::PolicyMaxAgeTooLarge } else { Code::PolicyMaxAgeInvalid };
            assert_eq!(fixed(&max_age(value), code), max_age(want), "{value}");
        }
        let mx = |v: &str| format!("version: STSv1\nmode: enforce\nmx: {v}\nmax_age: 86400\n");
        for (value, want) in [
            ("mail.example.com.", "mail.example.com"),
            (".example.com", "*.example.com"),
            ("bücher.example", "xn--bcher-kva.example"),
        ] {
            assert_eq!(fixed(&mx(value), Code::PolicyMxInvalid), mx(want), "{value}");
        }
        let named = "version: STSv1\nmode: enforce\nmx: a.example\nmax age: 86400\n";
        assert_eq!(fixed(named, Code::PolicyFieldNameInvalid), named.replace("max age", "max_age"));
        assert_eq!(fixed(named, Code::PolicyMaxAgeMissing), named.replace("max age", "max_age"));
        let typo = "version: STSv1\nmode: enforce\nMX: a.example\nmax_age: 86400\n";
        assert_eq!(fixed(typo, Code::PolicyMxMissing), typo.replace("MX", "mx"));
        let mac = "version: STSv1\rmode: enforce\rmx: a.example\rmax_age: 86400\r";
        assert_eq!(
            fixed(mac, Code::PolicyBareCr),
            "version: STSv1\r\nmode: enforce\r\nmx: a.example\r\nmax_age: 86400"
        );
        let final_cr = "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\r";
        assert_eq!(fixed(final_cr, Code::PolicyBareCr), final_cr.trim_end_matches('\r'));
        let crlf = "\u{FEFF}mode: enforce\r\nmx: a.example\r\nmax_age: 86400\r\n";
        assert_eq!(fixed(crlf, Code::PolicyVersionMissing), crlf.replace("mode:", "version: STSv1\r\nmode:"));
    }

    /// A fix that needs the administrator's choice offers words, not edits.
    #[test]
    fn no_edits_where_the_fix_is_a_choice() {
        for body in [
            "version: STSv1\nmode: on\nmx: a.example\nmax_age: 86400\n",
            "version: STSv1\nmode:\nmx: a.example\nmax_age: 86400\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400.5\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 60\n",
            "version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 86400\n",
            "version: STSv1\nmx: a.example\nmax_age: 86400\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\nMode: testing\n",
            "version: STSv1\nMode: Enforce\nmx: a.example\nmax_age: 86400\n",
            "version: STSv1\nmode: enforce\nmx: mail.example.com, backup.example.com\nmax_age: 86400\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\nnote:\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\nthis is not a field\n",
            // Without the control character the name is `ab c`, which breaks another rule.
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\na\x01b c: d\n",
        ] {
            let parsed = Policy::parse(body.as_bytes());
            let with_edits: Vec<_> = parsed.findings.iter().filter(|f| !f.edits.is_empty()).collect();
            let choices: Vec<_> = with_edits
                .iter()
                .filter(|f| !matches!(f.code, Code::PolicyUnknownField) || f.message.contains("Did you mean"))
                .map(|f| f.code)
                .collect();
            assert!(choices.is_empty(), "{body:?}: edits for {choices:?}");
        }
    }

    /// What `tests/fixtures.rs` checks over the corpus: one finding's edits remove that finding and add no
    /// error the body did not have.
    fn edits_fix_their_findings(body: &[u8]) -> Result<(), TestCaseError> {
        let before = Policy::parse(body);
        let count = |p: &Parsed<Policy>, code| {
            p.findings.iter().filter(|f| f.code == code).map(Finding::occurrences).sum::<usize>()
        };
        for finding in before.findings.iter().filter(|f| !f.edits.is_empty()) {
            let fixed = crate::finding::apply_edits(body, &finding.edits);
            let after = Policy::parse(&fixed);
            prop_assert!(
                count(&after, finding.code) < count(&before, finding.code),
                "{}: {:?} gives {:?}",
                finding.code,
                String::from_utf8_lossy(body),
                String::from_utf8_lossy(&fixed)
            );
            for new in after.findings.iter().filter(|f| f.severity == Severity::Error) {
                prop_assert!(
                    before.findings.iter().any(|f| f.code == new.code),
                    "{}: {:?} gives {:?}, with {}",
                    finding.code,
                    String::from_utf8_lossy(body),
                    String::from_utf8_lossy(&fixed),
                    new.code
                );
            }
        }
        Ok(())
    }

    /// One line of a policy with the mistakes people make.
    fn policy_line() -> impl Strategy<Value = String> {
        const NAMES: &[&str] =
            &["version", "mode", "max_age", "mx", "Mode", "max-age", "max age", "MX", "nmx", "note", "_x", ""];
        const DELIMITERS: &[&str] = &[":", ": ", " : ", "=", " ", ":\t"];
        const VALUES: &[&str] = &[
            "STSv1",
            "stsv1",
            "STSv2",
            "enforce",
            "Enforce",
            "testing",
            "report",
            "none",
            "enforced",
            "on",
            "",
            "86400",
            "+86400",
            "86_400",
            "86 400",
            "0x15180",
            "6e5",
            "8.5",
            "-1",
            "00000086400",
            "31557601",
            "0",
            "mail.example.com",
            "mail.example.com.",
            ".example.com",
            "*.com",
            "192.0.2.1",
            "bücher.example",
            "a\tb",
            "a:b",
            "a\u{1}b",
            "a\u{0}b",
            "\u{7f}",
            "x\u{1b} y",
        ];
        const ENDS: &[&str] = &["\n", "\r\n", "\r", "\r\r\n", "", "\r\n\r\n", "  \n"];
        (
            "[ \t]?",
            proptest::sample::select(NAMES),
            proptest::sample::select(DELIMITERS),
            proptest::sample::select(VALUES),
            "[ \t\u{1}]?",
            proptest::sample::select(ENDS),
        )
            .prop_map(|(lead, name, delimiter, value, trail, end)| {
                format!("{lead}{name}{delimiter}{value}{trail}{end}")
            })
    }

    #[test]
    fn salvage_reads_what_it_can() {
        let draft = Policy::salvage(
            b"\xEF\xBB\xBF Version : STSv1\r\rMODE= Enforce\r\nmax-age: +99999999999\nmx: Mail.Example.com.\nmx: a.b\n",
        );
        assert_eq!(draft.mode, Some(Mode::Enforce));
        assert_eq!(draft.max_age, Some(MAX_AGE_LIMIT));
        assert_eq!(draft.mx, ["mail.example.com", "a.b"]);
    }

    fn pattern() -> impl Strategy<Value = MxPattern> {
        ("[a-z][a-z0-9]{0,5}(\\.[a-z][a-z0-9-]{0,4}[a-z0-9]){1,3}", any::<bool>())
            .prop_map(|(name, wild)| if wild { MxPattern::Wildcard { parent: name } } else { MxPattern::Exact(name) })
    }

    fn policy() -> impl Strategy<Value = Policy> {
        (
            prop_oneof![Just(Mode::Enforce), Just(Mode::Testing), Just(Mode::None)],
            0..=MAX_AGE_LIMIT,
            proptest::collection::vec(pattern(), 1..5),
            proptest::collection::vec(("x[a-z0-9_.-]{0,10}", "[!-~]([ -~\u{e9}\u{1F600}]{0,10}[!-~])?"), 0..3),
        )
            .prop_map(|(mode, max_age, mx, extensions)| Policy {
                version: "STSv1".to_owned(),
                mode,
                max_age,
                mx,
                extensions,
            })
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let parsed = Policy::parse(&body);
            prop_assert_eq!(parsed.value.is_some(), parsed.valid());
            // Every rule has its own code: the group code is never reported, and severities are the catalogue's.
            for f in &parsed.findings {
                prop_assert!(!f.code.is_group(), "{:?}", f);
                prop_assert_eq!(f.severity, f.code.default_severity());
            }
            let _ = Policy::salvage(&body);
            edits_fix_their_findings(&body)?;
        }

        #[test]
        fn never_panics_on_policy_like_text(body in "([ \t]?[a-z_A-Z]{0,8}[ \t]?:?[ \t]?[a-zA-Z0-9.*+ \t]{0,12}[ \t]?\r?\r?\n?){0,8}") {
            let parsed = Policy::parse(body.as_bytes());
            prop_assert_eq!(parsed.value.is_some(), parsed.valid());
            for f in &parsed.findings {
                prop_assert!(!f.code.is_group(), "{:?}", f);
                prop_assert_eq!(f.severity, f.code.default_severity());
            }
        }

        #[test]
        fn every_edit_fixes_its_finding(
            bom in any::<bool>(),
            lines in proptest::collection::vec(policy_line(), 0..8),
        ) {
            let body = format!("{}{}", if bom { "\u{FEFF}" } else { "" }, lines.concat());
            edits_fix_their_findings(body.as_bytes())?;
        }

        #[test]
        fn canonical_text_round_trips(policy in policy()) {
            let parsed = Policy::parse(policy.to_text().as_bytes());
            prop_assert!(parsed.valid(), "{:#?}", parsed.findings);
            prop_assert_eq!(parsed.value, Some(policy));
        }
    }
}
