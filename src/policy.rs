//! The policy file served at `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2).
//!
//! [`Policy::parse`] implements the ABNF byte for byte and keeps going after a problem, so one run
//! reports everything a sender would trip over, line by line. The grammar is applied per line (the
//! `sts-policy-term` split), then each field is read with the production for its name; a known name with a
//! bad value is reported as a bad required field rather than accepted as an extension (requirements §4.5).
//! Where real senders disagree with the RFC, the finding says which ones, so an administrator knows who
//! would be affected.

use std::borrow::Cow;

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_till, take_while, take_while_m_n},
    combinator::{all_consuming, opt, recognize},
};
use serde::{Deserialize, Serialize};

use crate::abnf::{edit_distance, is_alphanum, is_digit, is_ext_name_char, is_wsp};
use crate::finding::{Code, Finding, Parsed, Severity, Span};
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
    let (rest, raw) = take_till(|b| b == b'\n').parse(input)?;
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
fn ext_name(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((take_while_m_n(1, 1, is_alphanum), take_while_m_n(0, 31, is_ext_name_char))).parse(input)
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

/// `sts-policy-max-age-value = 1*10(DIGIT)`
fn max_age_value(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while_m_n(1, 10, is_digit).parse(input)
}

/// `sts-policy-ext-value = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]` with
/// `sts-policy-vchar = %x21-7E / UTF8-2 / UTF8-3 / UTF8-4`. The caller has already trimmed the `*WSP` on
/// both sides and checked UTF-8, so what is left to enforce is: not empty, no CTL, no HTAB.
fn ext_value(input: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize(take_while_m_n(1, usize::MAX, |b: u8| b == b' ' || b > 0x20 && b != 0x7F)).parse(input)
}

// ---------------------------------------------------------------------------------------------------
// The reader: grammar plus semantics, collecting findings.
// ---------------------------------------------------------------------------------------------------

/// The first occurrence of a single-valued field, and what it held.
struct First<T> {
    line: usize,
    value: Option<T>,
}

struct Reader<'a> {
    body: &'a [u8],
    findings: Vec<Finding>,
    version: Option<First<()>>,
    mode: Option<First<Mode>>,
    max_age: Option<First<u32>>,
    mx: Vec<MxPattern>,
    mx_lines: usize,
    extensions: Vec<(String, String)>,
    /// Misspelt known names (`Mode`, `max-age`), to mention when the real field turns out to be missing.
    typos: Vec<(&'static str, usize, String)>,
    /// A run of blank lines not yet known to be inside or at the end: (start, end, count).
    blank_run: Option<(usize, usize, usize)>,
    fields: usize,
    /// The body is UTF-16: one finding says so, and nothing else is worth reporting.
    utf16: bool,
}

fn err(code: Code, message: String, at: Span) -> Finding {
    Finding::new(code, message).with_span(at)
}

fn text(bytes: &[u8]) -> Cow<'_, str> {
    // Invalid UTF-8 was reported already; the lossy copy only keeps the parse going.
    std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
}

fn trim_wsp_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| !is_wsp(b)).map_or(0, |i| i + 1);
    &bytes[..end]
}

/// `Mode`, `max-age`, `maxage`, `nmx`, `MX`: a known name misspelt closely enough to be a typo.
fn known_name_like(name: &str) -> Option<&'static str> {
    let folded = name.to_ascii_lowercase().replace('-', "_");
    KNOWN_FIELDS
        .into_iter()
        .map(|known| (known, edit_distance(&folded, known)))
        .filter(|&(known, distance)| if known.len() <= 2 { distance <= 1 && folded.len() >= 2 } else { distance <= 2 })
        .min_by_key(|&(_, distance)| distance)
        .map(|(known, _)| known)
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
            self.push(message::policy::bom().with_span(Span::new(0, 3)).with_edit(Span::new(0, 3), ""));
            rest = after;
        }
        let mut number = 0;
        while !rest.is_empty() {
            let Ok((after, (content, term))) = line(rest) else { break };
            number += 1;
            self.line(number, content, term);
            rest = after;
        }
        self.flush_blank_run(true);
    }

    fn line(&mut self, number: usize, content: &'a [u8], term: &'a [u8]) {
        let mut content = content;
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
            self.push(err(
                Code::PolicyBareCr,
                "The policy ends with a bare CR. A CR is not a line terminator on its own (RFC 8461 §3.2: \
                 `sts-policy-term = LF / CRLF`); end the file with LF or CR LF, or with nothing."
                    .to_owned(),
                Span::new(at, at + 1),
            ));
            content = before;
        }
        // RFC 8461 §3.2: every line holds a field, so an empty (or all-blank) line matches nothing.
        if content.iter().all(|&b| is_wsp(b)) {
            let start = self.offset(content);
            let end = start + content.len() + term.len();
            self.blank_run = Some(match self.blank_run {
                Some((first, _, count)) => (first, end, count + 1),
                None => (start, end, 1),
            });
            return;
        }
        self.flush_blank_run(false);
        // A bare CR is not a terminator; splitting on it anyway lets the fields around it be checked.
        let mut segments = content.split(|&b| b == b'\r');
        // RFC 8461 §3.2: a CR without LF is no `sts-policy-term` and not a legal value character either.
        if content.contains(&b'\r') {
            let at = self.offset(content) + content.iter().position(|&b| b == b'\r').unwrap_or(0);
            self.push(err(
                Code::PolicyBareCr,
                format!(
                    "Line {number} contains a bare CR (carriage return without a line feed). RFC 8461 §3.2 ends \
                     lines only with LF or CR LF, so senders see one long line; only Snawoot's resolver splits \
                     there. This is the old Mac line ending: save the file with LF or CR LF endings."
                ),
                Span::new(at, at + 1),
            ));
            for segment in segments.by_ref() {
                if !segment.iter().all(|&b| is_wsp(b)) {
                    self.field(number, segment);
                }
            }
        } else if let Some(segment) = segments.next() {
            self.field(number, segment);
        }
    }

    fn flush_blank_run(&mut self, at_end: bool) {
        let Some((start, end, count)) = self.blank_run.take() else { return };
        if self.fields == 0 && at_end {
            // Nothing but blank lines: reported once, as an empty policy.
            return;
        }
        let lines = if count == 1 { "a blank line".to_owned() } else { format!("{count} blank lines") };
        let message = if at_end {
            format!(
                "The policy ends with {lines}. The grammar allows one line break after the last \
                 field but no empty line (RFC 8461 §3.2); mox and go-mtasts (maddy) reject the policy, while \
                 chasquid, Snawoot, Stalwart and KumoMTA skip it. Delete the trailing empty line."
            )
        } else {
            format!(
                "The policy has {lines} between fields. RFC 8461 §3.2 allows no empty lines; mox and go-mtasts \
                 (maddy) reject the policy, while chasquid, Snawoot, Stalwart and KumoMTA skip it. Delete the \
                 empty line."
            )
        };
        // RFC 8461 §3.2: `sts-policy-term` separates fields; it never stands alone on a line.
        self.push(err(Code::PolicyBlankLine, message, Span::new(start, end)).with_fix("Delete the blank line."));
    }

    /// Characters the grammar never allows, wherever they sit on the line.
    fn check_characters(&mut self, number: usize, segment: &'a [u8]) {
        // The common case, printable ASCII and tabs, costs one pass.
        if segment.iter().all(|&b| (0x20..0x7F).contains(&b) || b == b'\t') {
            return;
        }
        // RFC 8461 §3.2: `sts-policy-vchar` allows UTF-8 (RFC 3629) and nothing else beyond ASCII.
        if let Err(e) = std::str::from_utf8(segment) {
            let start = self.offset(segment) + e.valid_up_to();
            let len = e.error_len().unwrap_or(segment.len() - e.valid_up_to());
            self.push(err(
                Code::PolicyNotUtf8,
                format!(
                    "Line {number} is not valid UTF-8. Policies are text; extension values may carry UTF-8 \
                     (RFC 8461 §3.2) but nothing else. Save the file as UTF-8 (not Latin-1 or UTF-16)."
                ),
                Span::new(start, start + len),
            ));
        }
        // RFC 8461 §3.2: `sts-policy-ext-value` excludes CTLs, and the other productions never allow them.
        if let Some(i) = segment.iter().position(|&b| b == 0) {
            let at = self.offset(segment) + i;
            self.push(err(
                Code::PolicyControlCharacter,
                format!(
                    "Line {number} contains a NUL byte. Control characters are not allowed anywhere in a \
                     policy (RFC 8461 §3.2); check how the file is generated or uploaded."
                ),
                Span::new(at, at + 1),
            ));
        }
        if let Some(i) = segment.iter().position(|&b| (b < 0x20 && b != b'\t' && b != 0) || b == 0x7F) {
            let at = self.offset(segment) + i;
            self.push(err(
                Code::PolicyControlCharacter,
                format!(
                    "Line {number} contains the control character U+{:04X}. Control characters are not allowed \
                     anywhere in a policy (RFC 8461 §3.2); remove it.",
                    segment[i]
                ),
                Span::new(at, at + 1),
            ));
        }
    }

    fn field(&mut self, number: usize, segment: &'a [u8]) {
        self.fields += 1;
        self.check_characters(number, segment);
        let Ok((after_lead, lead)) = wsp0(segment) else { return };
        // RFC 8461 §3.2: a line starts with `sts-policy-field`, i.e. with the name; no WSP before it.
        if !lead.is_empty() {
            self.push(
                err(
                    Code::PolicyLeadingWhitespace,
                    format!(
                        "Line {number} starts with whitespace. RFC 8461 §3.2 allows none before the field name; \
                         mox, go-mtasts (maddy) and Snawoot then do not recognise the field, while Stalwart, \
                         chasquid and KumoMTA trim it. Remove the indentation."
                    ),
                    self.span(lead),
                )
                .with_fix(text(trim_wsp_end(after_lead)).into_owned()),
            );
        }
        let Ok((after_name, raw_name)) = until_colon(after_lead) else { return };
        if after_name.is_empty() {
            self.no_colon(number, after_lead);
            return;
        }
        let name = trim_wsp_end(raw_name);
        let Ok((value_region, _)) = field_delim(after_name) else { return };
        let value = trim_wsp_end(value_region);
        let name_text = text(name);
        let value_text = text(value);
        // RFC 8461 §3.2: `sts-policy-field-delim = ":" *WSP` follows the name directly.
        if name.len() != raw_name.len() {
            self.push(
                err(
                    Code::PolicySpaceBeforeColon,
                    format!(
                        "Line {number} has whitespace between `{name_text}` and the colon. RFC 8461 §3.2 puts \
                         the colon right after the name; mox, go-mtasts (maddy) and Snawoot reject or ignore \
                         the field, others trim it."
                    ),
                    self.span(&raw_name[name.len()..]),
                )
                .with_fix(format!("{name_text}: {value_text}")),
            );
        }
        if !self.check_name(number, name, &name_text) {
            return;
        }
        match name {
            b"version" => self.version(number, value, &value_text),
            b"mode" => self.mode(number, value, &value_text),
            b"max_age" => self.max_age(number, value, &value_text),
            b"mx" => self.mx(number, value, &value_text),
            _ => self.extension(number, name, &name_text, value, &value_text),
        }
    }

    /// `sts-policy-ext-name`; every field name, known or not, has this shape.
    fn check_name(&mut self, number: usize, name: &'a [u8], name_text: &str) -> bool {
        if all_consuming(ext_name).parse(name).is_ok() {
            return true;
        }
        let span = self.span(name);
        let message = if name.is_empty() {
            format!("Line {number} starts with a colon: the field name is missing (RFC 8461 §3.2).")
        } else if name.len() > 32 && name.iter().all(|&b| is_ext_name_char(b)) && is_alphanum(name[0]) {
            format!(
                "The field name `{name_text}` on line {number} is {} characters long; RFC 8461 §3.2 allows at \
                 most 32.",
                name.len()
            )
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
            format!(
                "The field name `{name_text}` on line {number} contains {}; names are letters, digits, `_`, `-` \
                 and `.`, starting with a letter or digit (RFC 8461 §3.2).",
                if bad.is_whitespace() {
                    format!("the character U+{:04X}", u32::from(bad))
                } else {
                    format!("`{bad}`")
                }
            )
        };
        // RFC 8461 §3.2: `sts-policy-ext-name = (sts-policy-alphanum) *31(sts-policy-alphanum / "_" / "-" / ".")`.
        self.push(err(Code::PolicyFieldNameInvalid, message, span));
        false
    }

    fn no_colon(&mut self, number: usize, content: &'a [u8]) {
        let shown = text(trim_wsp_end(content));
        let word_end = content.iter().position(|&b| is_wsp(b) || b == b'=').unwrap_or(content.len());
        let (word, rest) = content.split_at(word_end);
        let rest = trim_wsp_end(rest.strip_prefix(b"=").unwrap_or(rest).trim_ascii_start());
        // RFC 8461 §3.2: every line is `sts-policy-field`, a name, `sts-policy-field-delim` (":") and a value.
        let mut finding = err(
            Code::PolicyNoColon,
            format!(
                "Line {number} (`{shown}`) has no colon, so it is not a `name: value` field (RFC 8461 §3.2). \
                 mox, go-mtasts (maddy), checkdmarc and KumoMTA reject the whole policy; chasquid, Snawoot and \
                 mailauth skip the line; Stalwart joins it to the next one."
            ),
            self.span(content),
        );
        if let Some(&known) = KNOWN_FIELDS.iter().find(|k| k.as_bytes() == word) {
            self.typos.push((known, number, shown.clone().into_owned()));
            if !rest.is_empty() {
                finding = finding.with_fix(format!("{known}: {}", text(rest)));
            }
        }
        self.push(finding);
    }

    /// Reports a repeat of a single-valued field; the first occurrence stays in force.
    fn duplicate(&mut self, number: usize, name: &str, first_line: usize, value: &'a [u8], same: bool) {
        let also = match name {
            "mode" => "; mimecast keeps the first mode",
            "max_age" => "; mimecast takes the last max_age",
            "version" => "; mox requires every version line to say STSv1",
            _ => "",
        };
        let differs = if same { "" } else { " with a different value" };
        self.push(
            Finding::new(
                Code::PolicyDuplicateField,
                format!(
                    "`{name}` appears again on line {number}{differs} (first on line {first_line}). RFC 8461 §3.2 \
                     says the first one wins, but senders disagree: Snawoot, Stalwart, go-mtasts (maddy) and \
                     chasquid use the last value, checkdmarc and KumoMTA reject the policy{also}. Keep one \
                     `{name}` line."
                ),
            )
            .with_span(self.span(value))
            .with_fix(format!("Delete line {number}.")),
        );
    }

    fn version(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        // RFC 8461 §3.2: a field present more than once keeps its first value.
        if let Some(first) = &self.version {
            let line = first.line;
            return self.duplicate(number, "version", line, value, value == b"STSv1");
        }
        // RFC 8461 §3.2: `sts-policy-version-value = %s"STSv1"`, case-sensitive (RFC 7405).
        let ok = value == b"STSv1";
        self.version = Some(First { line: number, value: ok.then_some(()) });
        if ok {
            return;
        }
        let why = if value.is_empty() {
            "is empty".to_owned()
        } else if value.eq_ignore_ascii_case(b"STSv1") {
            format!(
                "is `{value_text}`: the value is case-sensitive and must be written exactly `STSv1` (only \
                     Stalwart accepts other cases)"
            )
        } else {
            format!("is `{value_text}`; `STSv1` is the only version that exists")
        };
        self.push(
            err(
                Code::PolicyVersionInvalid,
                format!(
                    "The version on line {number} {why}. Senders ignore a policy whose version is not `STSv1` \
                     (RFC 8461 §3.2)."
                ),
                self.span(value),
            )
            .with_fix("version: STSv1"),
        );
    }

    fn mode(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        let mode = match value {
            // RFC 8461 §3.2: `sts-policy-mode-value = %s"testing" / %s"enforce" / %s"none"`.
            b"enforce" => Some(Mode::Enforce),
            b"testing" => Some(Mode::Testing),
            b"none" => Some(Mode::None),
            _ => None,
        };
        if let Some(first) = &self.mode {
            let line = first.line;
            let same = first.value.is_some() && first.value == mode;
            return self.duplicate(number, "mode", line, value, same);
        }
        self.mode = Some(First { line: number, value: mode });
        match mode {
            Some(Mode::Testing) => self.push(
                Finding::new(
                    Code::PolicyModeTesting,
                    "The policy is in testing mode: senders that support MTA-STS report TLS problems (to your \
                     TLS-RPT address) but still deliver over unauthenticated connections. Switch to \
                     `mode: enforce` once reports show every MX passes.",
                )
                .with_span(self.span(value)),
            ),
            Some(Mode::None | Mode::Enforce) => {}
            None => {
                let lower = value_text.to_ascii_lowercase();
                let (why, fix) = match lower.as_str() {
                    "enforce" | "testing" | "none" => (
                        format!(
                            "is `{value_text}`, but modes are case-sensitive: write `{lower}`. Only mailauth's \
                             released library ignores case; mox, go-mtasts, chasquid and others reject it"
                        ),
                        lower.clone(),
                    ),
                    "report" => (
                        "is `report`, a legacy value from the MTA-STS drafts; RFC 8461 calls it `testing`".to_owned(),
                        "testing".to_owned(),
                    ),
                    "" => ("is empty".to_owned(), "testing".to_owned()),
                    _ => (
                        format!("is `{value_text}`; the only modes are `enforce`, `testing` and `none`"),
                        "testing".to_owned(),
                    ),
                };
                self.push(
                    err(
                        Code::PolicyModeInvalid,
                        format!(
                            "The mode on line {number} {why}. Senders ignore a policy without a valid mode (RFC \
                             8461 §3.2)."
                        ),
                        self.span(value),
                    )
                    .with_fix(format!("mode: {fix}")),
                );
            }
        }
    }

    fn max_age(&mut self, number: usize, value: &'a [u8], value_text: &str) {
        // RFC 8461 §3.2: `sts-policy-max-age-value = 1*10(DIGIT)`.
        let digits = all_consuming(max_age_value).parse(value).ok().map(|(_, d)| d);
        // RFC 8461 §3.2 prose caps it at 31557600 (erratum 7282 notes 10 digits allow more).
        let parsed = digits.and_then(|d| text(d).parse::<u32>().ok()).filter(|&n| n <= MAX_AGE_LIMIT);
        if let Some(first) = &self.max_age {
            let line = first.line;
            let same = first.value.is_some() && first.value == parsed;
            return self.duplicate(number, "max_age", line, value, same);
        }
        self.max_age = Some(First { line: number, value: parsed });
        let span = self.span(value);
        match parsed {
            Some(n) if n < MAX_AGE_SHORT => {
                let zero = if n == 0 {
                    " A max_age of 0 means senders do not cache the policy at all, and chasquid, EFF's checker, \
                     mimecast and smtp-sts reject it outright."
                } else {
                    ""
                };
                self.push(
                    Finding::new(
                        Code::PolicyMaxAgeShort,
                        format!(
                            "max_age is {n} seconds, less than a day. It is legal, but senders forget the policy \
                             this quickly, so an attacker who blocks the policy fetch just has to wait.{zero} \
                             RFC 8461 §3.2 expects \"weeks or greater\"; 86400 is not an RFC minimum, only a \
                             common default. Use at least 604800 (one week)."
                        ),
                    )
                    .with_span(span)
                    .with_fix(format!("max_age: {MAX_AGE_RECOMMENDED}")),
                );
            }
            Some(_) => {}
            None => {
                let (code, why) = max_age_problem(value, value_text);
                let mut finding = err(
                    code,
                    format!(
                        "max_age on line {number} {why}. Senders ignore a policy whose max_age is not plain \
                         digits between 0 and {MAX_AGE_LIMIT} (RFC 8461 §3.2)."
                    ),
                    span,
                );
                finding = finding.with_fix(match repaired_max_age(value_text) {
                    Some(n) => format!("max_age: {n}"),
                    None => format!("max_age: {MAX_AGE_RECOMMENDED}"),
                });
                self.push(finding);
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
                    self.push(
                        Finding::new(
                            Code::PolicyMxBroadWildcard,
                            format!(
                                "`{value_text}` on line {number} accepts any host directly under the top-level \
                                 domain `{}`: anyone who can get a certificate for such a name passes as your MX \
                                 (RFC 8461 §10.4). List your MX hosts, or a wildcard under your own domain.",
                                pattern.name()
                            ),
                        )
                        .with_span(span),
                    );
                } else if pattern.looks_like_ip() {
                    // RFC 8461 §4.1: the MX record *name* is matched against the patterns.
                    self.push(err(
                        Code::PolicyMxIpAddress,
                        format!(
                            "`{value_text}` on line {number} looks like an IP address. The grammar allows it, but MX \
                             hosts are names and certificates are checked against names, so it can never match \
                             (postfix-tlspol broke on such patterns, issue #70). Write the MX host name instead."
                        ),
                        span,
                    ));
                }
                self.mx.push(pattern);
            }
            Err(e) => {
                let message = format!(
                    "The mx pattern on line {number} is invalid: {}. Senders that check the grammar (mox, mailauth) \
                     reject the whole policy; others keep it but it can never match an MX host. {}",
                    e.reason,
                    mx_disagreement(value_text)
                );
                let mut finding = err(Code::PolicyMxInvalid, message.trim_end().to_owned(), span);
                if let Some(fixed) = MxPattern::suggest(value_text) {
                    finding = finding.with_fix(format!("mx: {fixed}"));
                }
                self.push(finding);
            }
        }
    }

    fn extension(&mut self, number: usize, name: &'a [u8], name_text: &str, value: &'a [u8], value_text: &str) {
        // RFC 8461 §3.2: `sts-policy-ext-value` needs one visible character and allows no HTAB inside;
        // other control characters were reported for the whole line already.
        if all_consuming(ext_value).parse(value).is_err() {
            if value.is_empty() {
                self.push(err(
                    Code::PolicyExtensionValueInvalid,
                    format!(
                        "The field `{name_text}` on line {number} has no value; an extension field needs one \
                         (RFC 8461 §3.2 `sts-policy-ext-value`)."
                    ),
                    self.span(name),
                ));
            } else if let Some(i) = value.iter().position(|&b| b == b'\t') {
                let at = self.offset(value) + i;
                self.push(err(
                    Code::PolicyExtensionValueInvalid,
                    format!(
                        "The field `{name_text}` on line {number} has a tab inside its value; only spaces may \
                         separate words of an extension value (RFC 8461 §3.2 `sts-policy-ext-value`)."
                    ),
                    Span::new(at, at + 1),
                ));
            }
        }
        // RFC 8461 §3.2: unknown fields are extensions; senders MUST accept and ignore them.
        self.extensions.push((name_text.to_owned(), value_text.to_owned()));
        let colon = if value.contains(&b':') {
            " Its value contains a colon, which go-mtasts (maddy) and checkdmarc reject and EFF's checker \
             skips."
        } else {
            ""
        };
        let mut finding = Finding::new(
            Code::PolicyUnknownField,
            match known_name_like(name_text) {
                Some(known) => format!(
                    "`{name_text}` on line {number} is not a policy field. Did you mean `{known}`? Field names are \
                     case-sensitive and exact (RFC 8461 §3.2), so senders ignore this line.{colon}"
                ),
                None => format!(
                    "`{name_text}` on line {number} is not a field RFC 8461 defines. Senders must ignore it (RFC \
                     8461 §3.2), but checkdmarc and smtp-sts reject policies with unknown fields; remove it \
                     unless you need it.{colon}"
                ),
            },
        )
        .with_span(self.span(name));
        if let Some(known) = known_name_like(name_text) {
            finding = finding.with_fix(format!("{known}: {value_text}"));
            self.typos.push((known, number, name_text.to_owned()));
        }
        self.push(finding);
    }

    /// The required fields that never appeared, each with a hint when a misspelt name stood in for it.
    fn missing_fields(&mut self, end: Span) {
        let typo_note = |typos: &[(&'static str, usize, String)], field: &str| {
            typos.iter().find(|(known, _, _)| *known == field).map_or(String::new(), |(_, line, name)| {
                format!(" Line {line} has `{name}`, which senders do not read as `{field}`.")
            })
        };
        // RFC 8461 §3.2: version, mode and max_age are each required once.
        if self.version.is_none() {
            let note = typo_note(&self.typos, "version");
            self.push(
                err(
                    Code::PolicyVersionMissing,
                    format!(
                        "The policy has no `version` field.{note} RFC 8461 §3.2 requires `version: STSv1`; \
                         Stalwart and checkdmarc accept a policy without it, every other sender ignores the \
                         policy."
                    ),
                    end,
                )
                .with_fix("version: STSv1"),
            );
        }
        if self.mode.is_none() {
            let note = typo_note(&self.typos, "mode");
            self.push(
                err(
                    Code::PolicyModeMissing,
                    format!(
                        "The policy has no `mode` field.{note} RFC 8461 §3.2 requires one; most senders ignore \
                         the policy, Stalwart and checkdmarc treat it as `none`, smtp-sts as `enforce`. Start \
                         with `testing`, then `enforce`."
                    ),
                    end,
                )
                .with_fix("mode: testing"),
            );
        }
        if self.max_age.is_none() {
            let note = typo_note(&self.typos, "max_age");
            self.push(
                err(
                    Code::PolicyMaxAgeMissing,
                    format!(
                        "The policy has no `max_age` field.{note} RFC 8461 §3.2 requires one; most senders \
                         ignore the policy, Stalwart assumes one day and checkdmarc zero."
                    ),
                    end,
                )
                .with_fix(format!("max_age: {MAX_AGE_RECOMMENDED}")),
            );
        }
        let mode = self.mode.as_ref().and_then(|m| m.value);
        if self.mx_lines == 0 && mode != Some(Mode::None) {
            let note = typo_note(&self.typos, "mx");
            // RFC 8461 §3.2: `mx` is required at least once unless the mode is `none`.
            self.push(err(
                Code::PolicyMxMissing,
                format!(
                    "The policy has no `mx` line.{note} Unless the mode is `none`, RFC 8461 §3.2 requires at \
                     least one, and with none no MX host can pass. Add one `mx:` line per MX host (or a \
                     `*.example.com` style wildcard)."
                ),
                end,
            ));
        }
    }

    fn finish(mut self) -> Parsed<Policy> {
        let end = Span::new(self.body.len(), self.body.len());
        if self.utf16 {
            return Parsed { value: None, findings: self.findings };
        }
        // RFC 8461 §3.2: `sts-policy-record` holds at least one `sts-policy-field`.
        if self.fields == 0 {
            self.push(err(
                Code::PolicyEmpty,
                "The policy is empty. A policy needs at least `version: STSv1`, a `mode`, a `max_age` and, \
                 unless the mode is `none`, one `mx` line per MX host (RFC 8461 §3.2)."
                    .to_owned(),
                end,
            ));
            return Parsed { value: None, findings: self.findings };
        }
        self.missing_fields(end);
        let mode = self.mode.as_ref().and_then(|m| m.value);
        if mode == Some(Mode::None) {
            let line = self.mode.as_ref().map_or(0, |m| m.line);
            let without_mx = if self.mx_lines == 0 {
                " It has no mx line, which RFC 8461 allows in this mode, but Stalwart and chasquid reject such a \
                 policy, so they keep using the policy they cached before; add an mx line listing your MX \
                 host so they see the withdrawal too."
            } else {
                ""
            };
            self.push(Finding::new(
                Code::PolicyModeNone,
                format!(
                    "The policy is in mode `none` (line {line}): senders treat the domain as having no MTA-STS \
                     policy. That is the way to withdraw MTA-STS (RFC 8461 §8.3): keep serving it until \
                     cached policies have expired, then remove the record.{without_mx}"
                ),
            ));
        }
        let errors = self.findings.iter().any(|f| f.severity == Severity::Error);
        let value = match (&self.version, mode, self.max_age.as_ref().and_then(|m| m.value)) {
            (Some(First { value: Some(()), .. }), Some(mode), Some(max_age)) if !errors => {
                Some(Policy { version: "STSv1".to_owned(), mode, max_age, mx: self.mx, extensions: self.extensions })
            }
            _ => None,
        };
        Parsed { value, findings: self.findings }
    }
}

/// A UTF-16 body: a byte order mark for it, or ASCII text with every other byte zero.
fn looks_like_utf16(body: &[u8]) -> bool {
    body.starts_with(b"\xFF\xFE")
        || body.starts_with(b"\xFE\xFF")
        || (body.len() >= 4
            && (body[1] == 0 && body[3] == 0 && body[0] != 0 || body[0] == 0 && body[2] == 0 && body[1] != 0))
}

/// Names the rule a `max_age` value that is not `1*10(DIGIT)` within the cap breaks, and what is wrong.
fn max_age_problem(value: &[u8], value_text: &str) -> (Code, String) {
    let all_digits = !value.is_empty() && value.iter().all(u8::is_ascii_digit);
    let within_cap = value_text.parse::<u64>().is_ok_and(|n| n <= u64::from(MAX_AGE_LIMIT));
    // RFC 8461 §3.2 prose: "maximum value of 31557600" (erratum 7282: ten digits allow more). A number
    // above it with eleven digits or more breaks `1*10(DIGIT)` too; the cap is the rule to name.
    if all_digits && !within_cap {
        return (
            Code::PolicyMaxAgeTooLarge,
            format!(
                "is {value_text}, above the maximum of {MAX_AGE_LIMIT} (one year; erratum 7282). mox, go-mtasts \
                 and KumoMTA accept it, postfix-tlspol and mimecast cap it, Stalwart falls back to one day, \
                 chasquid, Snawoot, checkdmarc and mailauth reject the policy"
            ),
        );
    }
    // RFC 8461 §3.2: `sts-policy-max-age-value = 1*10(DIGIT)`.
    let why = if value.is_empty() {
        "is empty".to_owned()
    } else if all_digits {
        // Within the cap only with leading zeros, e.g. `00000086400`.
        format!("is `{value_text}`: more than 10 digits; drop the leading zeros")
    } else if matches!(value[0], b'+' | b'-') {
        format!(
            "is `{value_text}`: no sign is allowed. Lenient parsers (Python's int(), Go's Atoi) accept `+`, \
             strict ones (mox, mailauth) reject the policy"
        )
    } else if value.starts_with(b"0x") || value.starts_with(b"0X") {
        format!("is `{value_text}`, a hexadecimal number; write the seconds in decimal digits")
    } else if value.contains(&b'.') || value.contains(&b',') {
        format!("is `{value_text}`: whole seconds only, no decimal point or separator")
    } else if value.contains(&b'_') {
        format!("is `{value_text}`: digit separators are not allowed")
    } else if value.iter().any(|&b| is_wsp(b)) {
        format!("is `{value_text}`: it has whitespace between the digits")
    } else if value.iter().any(|b| b.eq_ignore_ascii_case(&b'e')) && value[0].is_ascii_digit() {
        format!("is `{value_text}`: exponent notation is not allowed; write all the digits")
    } else {
        format!("is `{value_text}`, not a number of seconds")
    };
    (Code::PolicyMaxAgeInvalid, why)
}

/// A corrected `max_age` for the fix line, when the intent is clear.
fn repaired_max_age(value_text: &str) -> Option<u64> {
    let digits = value_text.trim().trim_start_matches('+');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_' || b == b' ') {
        return None;
    }
    let n: u64 = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    Some(n.min(u64::from(MAX_AGE_LIMIT)))
}

/// The §5.1 disagreements about malformed mx values worth telling an administrator.
fn mx_disagreement(value: &str) -> &'static str {
    if value.ends_with('.') {
        "With a trailing dot, go-mtasts (maddy) and chasquid strip it, Stalwart and KumoMTA keep it and never \
         match, mox and smtp-sts reject the policy."
    } else if !value.is_ascii() {
        "go-mtasts (maddy) and chasquid convert Unicode names, mox rejects them."
    } else {
        ""
    }
}

impl Policy {
    /// Reads a policy body, raw bytes as served. The value is present only when no `error` finding was
    /// reported; every problem is reported, line by line.
    pub fn parse(body: &[u8]) -> Parsed<Policy> {
        let mut reader = Reader::new(body);
        reader.run();
        reader.finish()
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
        assert_eq!(unknown.fix.as_deref(), Some("mode: enforce"));
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
        fn canonical_text_round_trips(policy in policy()) {
            let parsed = Policy::parse(policy.to_text().as_bytes());
            prop_assert!(parsed.valid(), "{:#?}", parsed.findings);
            prop_assert_eq!(parsed.value, Some(policy));
        }
    }
}
