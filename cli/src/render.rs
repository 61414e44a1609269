//! Human output: verdict lines, findings with caret excerpts, and terminal-safe text.

use std::fmt::Display;

use anstyle::{AnsiColor, Style};
use mta_sts::finding::ArtifactKind;
use mta_sts::{Finding, Severity, Span};

/// Text accumulated for one write to stdout, so a closed pipe is handled in one place.
#[derive(Default)]
pub(crate) struct Out(pub(crate) String);

impl Out {
    pub(crate) fn line(&mut self, text: impl Display) {
        self.0.push_str(&text.to_string());
        self.0.push('\n');
    }

    pub(crate) fn blank(&mut self) {
        self.0.push('\n');
    }
}

/// Colours text only when the caller decided the output is a terminal that wants colour.
#[derive(Clone, Copy)]
pub(crate) struct Painter {
    pub(crate) color: bool,
}

pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const RED: Style = AnsiColor::Red.on_default().bold();
pub(crate) const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
pub(crate) const BLUE: Style = AnsiColor::Blue.on_default().bold();
pub(crate) const GREEN: Style = AnsiColor::Green.on_default().bold();
pub(crate) const CYAN: Style = AnsiColor::Cyan.on_default();

impl Painter {
    pub(crate) fn paint(self, style: Style, text: impl Display) -> String {
        if self.color { format!("{style}{text}{style:#}") } else { text.to_string() }
    }

    /// `✔ valid` or `✖ invalid`, the first line of every report.
    pub(crate) fn verdict(self, valid: bool) -> String {
        if valid { self.paint(GREEN, "✔ valid") } else { self.paint(RED, "✖ invalid") }
    }
}

fn severity_style(severity: Severity) -> (Style, &'static str) {
    match severity {
        Severity::Error => (RED, "✖"),
        Severity::Warning => (YELLOW, "⚠"),
        Severity::Info => (BLUE, "ℹ"),
    }
}

/// Replaces control characters, so that input bytes or messages quoting them cannot drive the terminal
/// (an ESC in a policy body would otherwise reach the user's terminal as an escape sequence).
pub(crate) fn clean(text: &str) -> String {
    // CR is dropped rather than replaced: fixes quote policies with their CRLF line endings.
    text.chars()
        .filter_map(|c| match c {
            '\r' => None,
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => Some('\u{fffd}'),
            c => Some(c),
        })
        .collect()
}

/// Input bytes shown on one line: lossy UTF-8, control characters (line breaks included) and a BOM shown
/// as visible symbols (`␍`, `␉`, `<BOM>`), as the core's fix previews show them.
fn visible(bytes: &[u8]) -> String {
    mta_sts::finding::visible(bytes)
}

fn keep_last(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max { text.to_owned() } else { format!("…{}", text.chars().skip(n - max).collect::<String>()) }
}

fn keep_first(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// Where a span points: the line of the input, and a caret line under the spanned part.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Excerpt {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) text: String,
    pub(crate) carets: String,
}

/// The input a finding's span points into, and how to name it.
pub(crate) struct Source<'a> {
    label: String,
    bytes: &'a [u8],
    /// Multi-line inputs (a policy body) get line numbers; one-line records get a column only.
    lines: bool,
    /// Offsets of every LF, so that each excerpt costs a binary search, not a scan of the input: a
    /// garbage body can carry tens of thousands of findings.
    newlines: Vec<usize>,
}

/// How much of a line around a span is ever looked at; the display keeps far less than this.
const WINDOW: usize = 4096;

impl<'a> Source<'a> {
    pub(crate) fn new(label: impl Into<String>, bytes: &'a [u8], lines: bool) -> Source<'a> {
        let newlines = bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i).collect();
        Source { label: label.into(), bytes, lines, newlines }
    }

    /// Cuts the excerpt out of arbitrary bytes; spans past the end are clamped rather than trusted, and
    /// long lines are shortened around the span so a one-line megabyte body stays readable.
    pub(crate) fn excerpt(&self, span: Span) -> Excerpt {
        let bytes = self.bytes;
        let start = span.start.min(bytes.len());
        let end = span.end.clamp(start, bytes.len());
        let index = self.newlines.partition_point(|&i| i < start);
        let line_start = if index == 0 { 0 } else { self.newlines[index - 1] + 1 };
        let mut line_end = self.newlines.get(index).copied().unwrap_or(bytes.len());
        if line_end > start && bytes[line_end - 1] == b'\r' {
            line_end -= 1;
        }
        let mark_end = end.min(line_end).max(start);
        let shown_start = line_start.max(start.saturating_sub(WINDOW));
        let before = visible(&bytes[shown_start..start]);
        // Past the window the column is counted in bytes: exact enough for a line nobody reads whole.
        let column = if shown_start == line_start { before.chars().count() + 1 } else { start - line_start + 1 };
        let before = keep_last(&before, 40);
        let marked = keep_first(&visible(&bytes[start..mark_end.min(start + WINDOW)]), 60);
        let after = keep_first(&visible(&bytes[mark_end..line_end.min(mark_end + WINDOW)]), 40);
        let carets = format!("{}{}", " ".repeat(before.chars().count()), "^".repeat(marked.chars().count().max(1)));
        Excerpt { line: index + 1, column, text: format!("{before}{marked}{after}"), carets }
    }
}

/// One finding: `✖ error[code] message`, the excerpt, the RFC citation and the fix.
pub(crate) fn finding(out: &mut Out, p: Painter, indent: &str, f: &Finding, source: Option<&Source<'_>>) {
    let (style, icon) = severity_style(f.severity);
    let head = p.paint(style, format!("{icon} {}[{}]", f.severity.as_str(), f.code));
    out.line(format_args!("{indent}{head} {}", p.paint(BOLD, clean(&f.message))));
    if let Some(more) = f.more_sentence() {
        out.line(format_args!("{indent}  {more}"));
    }
    let gutter = p.paint(CYAN, "|");
    if let (Some(span), Some(source)) = (f.span, source) {
        let ex = source.excerpt(span);
        let (place, number) = if source.lines {
            (format!("{}, line {}, column {}", source.label, ex.line, ex.column), ex.line.to_string())
        } else {
            (format!("{}, column {}", source.label, ex.column), String::new())
        };
        let pad = " ".repeat(number.len());
        out.line(format_args!("{indent}  {pad}{} {place}", p.paint(CYAN, "-->")));
        out.line(format_args!("{indent}  {pad} {gutter}"));
        out.line(format_args!("{indent}  {} {gutter} {}", p.paint(CYAN, &number), ex.text));
        out.line(format_args!("{indent}  {pad} {gutter} {}", p.paint(style, ex.carets)));
    }
    out.line(format_args!("{indent}  {} {}", p.paint(CYAN, "= rfc:"), clean(&f.rfc)));
    if let Some(fix) = &f.fix {
        block(out, indent, &p.paint(CYAN, "= fix:"), fix);
    }
    if let Some(preview) = &f.preview {
        out.line(format_args!("{indent}  {} line {}", p.paint(CYAN, "= change:"), preview.line));
        let shown = |text: &str| if text.is_empty() { "(nothing)".to_owned() } else { clean(text) };
        out.line(format_args!("{indent}         {} {}", p.paint(RED, "-"), shown(&preview.before)));
        out.line(format_args!("{indent}         {} {}", p.paint(GREEN, "+"), shown(&preview.after)));
    }
    // The complete artefacts, unless the fix's words already quote them.
    for artifact in f.artifacts.iter().filter(|a| !f.fix.as_deref().is_some_and(|fix| fix.contains(a.text.trim()))) {
        let what = match artifact.kind {
            ArtifactKind::PolicyFile => "= publish the policy file:",
            ArtifactKind::StsRecord => "= publish the _mta-sts TXT record:",
            ArtifactKind::TlsrptRecord => "= publish the _smtp._tls TXT record:",
        };
        out.line(format_args!("{indent}  {}", p.paint(CYAN, what)));
        block(out, indent, "      ", &artifact.text);
    }
}

/// A labelled block of text: the first line after the label, the others indented under it.
fn block(out: &mut Out, indent: &str, label: &str, text: &str) {
    let text = clean(text);
    let mut lines = text.lines();
    out.line(format_args!("{indent}  {label} {}", lines.next().unwrap_or("")));
    for line in lines {
        if line.is_empty() {
            out.blank();
        } else {
            out.line(format_args!("{indent}         {line}"));
        }
    }
}

/// `604800 s (7 days)`: the number senders see, with a reading a person can check at a glance.
pub(crate) fn duration(seconds: u32) -> String {
    let reading = match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => plural(s / 86_400, "day"),
        s if s >= 3_600 && s % 3_600 == 0 => plural(s / 3_600, "hour"),
        s if s >= 86_400 => format!("about {}", plural(s / 86_400, "day")),
        s if s >= 3_600 => format!("about {}", plural(s / 3_600, "hour")),
        s => plural(s, "second"),
    };
    format!("{seconds} s ({reading})")
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_marks_the_span_on_its_line() {
        let body = b"version: STSv1\r\nmode: enforced\r\n";
        let ex = Source::new("p", body, true).excerpt(Span::new(22, 30));
        assert_eq!(ex.line, 2);
        assert_eq!(ex.column, 7);
        assert_eq!(ex.text, "mode: enforced");
        assert_eq!(ex.carets, "      ^^^^^^^^");
    }

    #[test]
    fn excerpt_survives_bad_spans_and_bytes() {
        let ex = Source::new("r", b"a\xff\x1b[31mb", false).excerpt(Span::new(1, 2));
        assert!(!ex.text.contains('\x1b'));
        assert_eq!(ex.carets, " ^");
        let ex = Source::new("r", b"abc", false).excerpt(Span::new(10, 5));
        assert_eq!(ex.column, 4);
        assert_eq!(ex.carets, "   ^");
        let ex = Source::new("r", b"", false).excerpt(Span::new(0, 0));
        assert_eq!(ex.text, "");
    }

    #[test]
    fn long_lines_are_shortened_around_the_span() {
        let mut line = vec![b'a'; 10_000];
        line.extend_from_slice(b"BAD");
        line.extend(vec![b'z'; 10_000]);
        let ex = Source::new("p", &line, true).excerpt(Span::new(10_000, 10_003));
        assert!(ex.text.chars().count() < 100);
        assert!(ex.text.contains("BAD"));
        assert_eq!(ex.column, 10_001);
        let ex = Source::new("p", b"a\nb\nc\r\nd", true).excerpt(Span::new(4, 5));
        assert_eq!((ex.line, ex.column, ex.text.as_str()), (3, 1, "c"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(604_800), "604800 s (7 days)");
        assert_eq!(duration(3_600), "3600 s (1 hour)");
        assert_eq!(duration(100_000), "100000 s (about 1 day)");
        assert_eq!(duration(59), "59 s (59 seconds)");
    }
}
