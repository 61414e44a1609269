//! Pure presentation helpers: how a [`Report`](mta_sts::Report) is grouped, cited and shown byte-true.
//!
//! No DOM here: these functions compile and are unit-tested on every target; the components (the page
//! modules and `widgets`) turn their output into text nodes (never HTML).

use mta_sts::evaluate::MxTlsa;
use mta_sts::senders::Outcome;
use mta_sts::{Severity, Verdict};

/// The icon and word shown for a severity: never colour alone (WCAG 1.4.1).
pub fn severity_label(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("✖", "Error"),
        Severity::Warning => ("⚠", "Warning"),
        Severity::Info => ("ℹ", "Info"),
    }
}

/// The verdict as a short headline; the core's `summary` gives the sentence that follows it.
pub fn verdict_headline(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Enforce => "MTA-STS is enforced: senders deliver only over verified TLS.",
        Verdict::Testing => "MTA-STS is in testing mode: failures are reported, mail is still delivered without TLS.",
        Verdict::None => "MTA-STS is switched off (mode none): senders drop any cached policy.",
        Verdict::NotDeployed => "MTA-STS is not deployed: senders may deliver without TLS.",
        Verdict::Invalid => "MTA-STS is published but broken: senders ignore it and may deliver without TLS.",
        Verdict::LookupFailed => "The DNS lookup failed: the result is unknown. This is usually temporary; try again.",
        Verdict::Pending => "Checking…",
    }
}

/// A sender's outcome as an icon and words: never colour alone (WCAG 1.4.1).
pub fn outcome_label(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Enforce => ("✔", "enforces"),
        Outcome::Testing => ("◐", "testing: delivers, reports failures"),
        Outcome::None => ("○", "policy withdrawn"),
        Outcome::NoPolicy => ("✖", "ignores your MTA-STS"),
        Outcome::MailFails => ("✖", "refuses MX hosts"),
        Outcome::Dane => ("✔", "DANE instead of MTA-STS"),
    }
}

/// An MX host's DANE state, from its TLSA records, as an icon and words.
pub fn tlsa_label(tlsa: Option<MxTlsa>) -> (&'static str, &'static str) {
    match tlsa {
        None => ("", "no TLSA records"),
        Some(t) if t.in_force() => ("✔", "TLSA, DNSSEC-validated"),
        Some(t) if !t.validated => ("⚠", "TLSA, not DNSSEC-validated: unused"),
        Some(_) => ("⚠", "TLSA, none usable for mail"),
    }
}

/// One linkable piece of an RFC citation such as `RFC 8461 §3.2, §10.2` or `RFC 8461 §3.1, erratum 6285`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub label: String,
    pub url: String,
}

/// Splits a citation into links to rfc-editor.org (section anchors where a section is named).
pub fn citations(rfc: &str) -> Vec<Citation> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for part in rfc.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let (number, section) = match (words.next(), words.next()) {
            (Some("RFC"), Some(n)) => (Some(n.to_owned()), words.next()),
            (Some("erratum"), Some(id)) if id.bytes().all(|b| b.is_ascii_digit()) => {
                out.push(Citation {
                    label: part.to_owned(),
                    url: format!("https://www.rfc-editor.org/errata/eid{id}"),
                });
                continue;
            }
            (Some(s), None) if s.starts_with('§') => (None, Some(s)),
            _ => continue,
        };
        if let Some(n) = number {
            if !n.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            current = Some(n);
        }
        let Some(n) = current.as_deref() else { continue };
        let url = match section.and_then(|s| s.strip_prefix('§')) {
            Some(sec) => format!("https://www.rfc-editor.org/rfc/rfc{n}.html#section-{sec}"),
            None => format!("https://www.rfc-editor.org/rfc/rfc{n}.html"),
        };
        let label = if part.starts_with("RFC") { part.to_owned() } else { format!("RFC {n} {part}") };
        out.push(Citation { label, url });
    }
    out
}

/// What a piece of a byte-true line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Printable ASCII, shown as is.
    Text,
    /// A non-ASCII character, shown with its code point.
    NonAscii,
    /// CR, LF, tab, a trailing space, a BOM, a control byte or a byte that is not UTF-8: a visible marker.
    Marker,
}

/// A run of bytes `start..end` of the body and how to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub piece: Piece,
    pub text: String,
    /// What the marker stands for (a tooltip), empty for text.
    pub title: &'static str,
    pub start: usize,
    pub end: usize,
}

/// One numbered line of a body; the LF that ends it belongs to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub segments: Vec<Segment>,
}

/// Splits a body into numbered lines with every invisible or unusual byte made visible.
pub fn visible_lines(body: &[u8]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let end = body[start..].iter().position(|&b| b == b'\n').map_or(body.len(), |i| start + i + 1);
        lines.push(Line { number: lines.len() + 1, segments: line_segments(body, start, end) });
        start = end;
    }
    lines
}

fn marker(text: impl Into<String>, title: &'static str, start: usize, end: usize) -> Segment {
    Segment { piece: Piece::Marker, text: text.into(), title, start, end }
}

fn line_segments(body: &[u8], start: usize, end: usize) -> Vec<Segment> {
    let line = &body[start..end];
    // Trailing spaces and tabs: before the CR/LF that ends the line, or before the end of the body.
    let content_end = line.iter().rposition(|&b| b != b'\n' && b != b'\r').map_or(0, |i| i + 1);
    let trailing_from = line[..content_end].iter().rposition(|&b| b != b' ' && b != b'\t').map_or(0, |i| i + 1);
    let mut out: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < line.len() {
        let at = start + i;
        let b = line[i];
        if at == 0 && line.starts_with(&[0xEF, 0xBB, 0xBF]) {
            out.push(marker("[BOM]", "byte order mark U+FEFF", at, at + 3));
            i += 3;
            continue;
        }
        let seg = match b {
            b'\n' => marker("␊", "LF (line feed)", at, at + 1),
            b'\r' => marker("␍", "CR (carriage return)", at, at + 1),
            b'\t' => marker("→", if i >= trailing_from { "trailing tab" } else { "tab" }, at, at + 1),
            b' ' if i >= trailing_from => marker("·", "trailing space", at, at + 1),
            0x20..=0x7E => {
                if let Some(last) = out.last_mut().filter(|s| s.piece == Piece::Text && s.end == at) {
                    last.text.push(char::from(b));
                    last.end += 1;
                } else {
                    out.push(Segment {
                        piece: Piece::Text,
                        text: char::from(b).into(),
                        title: "",
                        start: at,
                        end: at + 1,
                    });
                }
                i += 1;
                continue;
            }
            0x00..=0x1F | 0x7F => marker(format!("\\x{b:02X}"), "control byte", at, at + 1),
            _ => {
                let len = utf8_len(&line[i..]);
                match std::str::from_utf8(&line[i..i + len.max(1)]).ok().and_then(|s| s.chars().next()) {
                    Some(c) if len > 0 => {
                        let seg = Segment {
                            piece: Piece::NonAscii,
                            text: format!("{c}\u{2009}U+{:04X}", u32::from(c)),
                            title: "non-ASCII character",
                            start: at,
                            end: at + len,
                        };
                        out.push(seg);
                        i += len;
                        continue;
                    }
                    _ => marker(format!("\\x{b:02X}"), "byte that is not UTF-8", at, at + 1),
                }
            }
        };
        i += seg.end - seg.start;
        out.push(seg);
    }
    out
}

/// The length of the valid UTF-8 sequence at the start of `bytes`, 0 if there is none.
fn utf8_len(bytes: &[u8]) -> usize {
    let want = match bytes.first() {
        Some(0xC2..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(0xF0..=0xF4) => 4,
        _ => return 0,
    };
    match bytes.get(..want).map(std::str::from_utf8) {
        Some(Ok(_)) => want,
        _ => 0,
    }
}

/// Whether `start..end` overlaps any of the spans.
pub fn overlaps(start: usize, end: usize, spans: &[(usize, usize)]) -> bool {
    spans.iter().any(|&(s, e)| if s == e { s >= start && s < end } else { s < end && start < e })
}

/// Text bytes (a TXT record) made visible on one line.
pub fn visible_text(bytes: &[u8]) -> String {
    visible_lines(bytes).iter().flat_map(|l| l.segments.iter()).map(|s| s.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mta_sts::Code;

    #[test]
    fn every_catalogue_citation_links_somewhere() {
        for code in Code::ALL {
            let links = citations(code.rfc());
            assert!(!links.is_empty(), "{code:?}: {}", code.rfc());
            for link in links {
                assert!(link.url.starts_with("https://www.rfc-editor.org/"), "{link:?}");
            }
        }
    }

    #[test]
    fn citations_carry_the_rfc_over_to_later_sections() {
        let expected = [
            ("RFC 8461 §3.1", vec![("RFC 8461 §3.1", "https://www.rfc-editor.org/rfc/rfc8461.html#section-3.1")]),
            (
                "RFC 8461 §3.2, §10.2",
                vec![
                    ("RFC 8461 §3.2", "https://www.rfc-editor.org/rfc/rfc8461.html#section-3.2"),
                    ("RFC 8461 §10.2", "https://www.rfc-editor.org/rfc/rfc8461.html#section-10.2"),
                ],
            ),
            (
                "RFC 5321 §5.1, RFC 7505",
                vec![
                    ("RFC 5321 §5.1", "https://www.rfc-editor.org/rfc/rfc5321.html#section-5.1"),
                    ("RFC 7505", "https://www.rfc-editor.org/rfc/rfc7505.html"),
                ],
            ),
            (
                "RFC 8461 §3.1, erratum 6285",
                vec![
                    ("RFC 8461 §3.1", "https://www.rfc-editor.org/rfc/rfc8461.html#section-3.1"),
                    ("erratum 6285", "https://www.rfc-editor.org/errata/eid6285"),
                ],
            ),
        ];
        for (input, want) in expected {
            let got: Vec<(String, String)> = citations(input).into_iter().map(|c| (c.label, c.url)).collect();
            let want: Vec<(String, String)> = want.into_iter().map(|(l, u)| (l.to_owned(), u.to_owned())).collect();
            assert_eq!(got, want, "{input}");
        }
    }

    fn shown(body: &[u8]) -> Vec<String> {
        visible_lines(body).into_iter().map(|l| l.segments.into_iter().map(|s| s.text).collect::<String>()).collect()
    }

    #[test]
    fn bodies_are_shown_byte_true() {
        for (body, want) in [
            (&b"version: STSv1\r\nmode: enforce\r\n"[..], vec!["version: STSv1␍␊", "mode: enforce␍␊"]),
            (b"a\nb", vec!["a␊", "b"]),
            (b"\xEF\xBB\xBFversion: STSv1\n", vec!["[BOM]version: STSv1␊"]),
            (b"mx:\tmail.example.com  \r\n", vec!["mx:→mail.example.com··␍␊"]),
            (b"a b \t\n", vec!["a b·→␊"]),
            ("mx: mäil\n".as_bytes(), vec!["mx: m\u{e4}\u{2009}U+00E4il␊"]),
            (b"x\xFFy\x00\n", vec!["x\\xFFy\\x00␊"]),
            (b"", vec![]),
        ] {
            assert_eq!(shown(body), want, "{body:?}");
        }
    }

    #[test]
    fn segments_keep_their_byte_offsets() {
        let lines = visible_lines(b"ab\r\ncd");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].number, 2);
        let offsets: Vec<(usize, usize)> =
            lines.iter().flat_map(|l| l.segments.iter().map(|s| (s.start, s.end))).collect();
        assert_eq!(offsets, vec![(0, 2), (2, 3), (3, 4), (4, 6)]);
    }

    #[test]
    fn spans_overlap_including_empty_ones() {
        assert!(overlaps(0, 2, &[(1, 3)]));
        assert!(!overlaps(0, 2, &[(2, 3)]));
        assert!(overlaps(2, 3, &[(2, 2)]));
        assert!(!overlaps(0, 2, &[]));
    }
}
