//! The words of every finding: one message template per case a rule reports, in tables.
//!
//! Parsers and the evaluator emit `(code, span, arguments)` through the functions these tables define
//! (`message::policy::cr_cr_lf(line)`); the words live here, next to each other, never at the emission site.
//! A template names its arguments in braces (`Line {line} ends with CR CR LF.`); the function's parameters
//! are exactly those names, so a missing argument does not compile. What real senders do is never written
//! in a template: [`emit`] appends it from the sender table ([`crate::senders`]), so a message cannot
//! contradict the verified behaviour of a sender.

use crate::finding::{Code, Finding};
use crate::senders::{self, Behaviour, Said};
use std::fmt::{Display, Write as _};

/// One message of the rule table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Template {
    /// Stable within a release: the module and function that emits it, e.g. `policy::cr_cr_lf`.
    pub id: &'static str,
    pub code: Code,
    /// The message, with `{argument}` placeholders.
    pub text: &'static str,
    /// The fix, as an instruction with the same placeholders; the pasteable part is the finding's
    /// `edits` and `artifacts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<&'static str>,
    /// The placeholders, in the emitting function's parameter order.
    pub args: &'static [&'static str],
}

/// Defines one table: a function per template (its parameters are the template's placeholders) and the
/// `TEMPLATES` constant listing them.
macro_rules! templates {
    ($module:literal; $(
        $(#[doc = $doc:literal])*
        $name:ident($($arg:ident),*) => $code:ident, $text:literal $(, fix: $fix:literal)?;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[allow(clippy::too_many_arguments, dead_code)]
            pub(crate) fn $name($($arg: impl std::fmt::Display),*) -> crate::finding::Finding {
                const WORDING: crate::message::Wording = Templates::$name.wording();
                crate::message::emit(&WORDING, &[$(&$arg as &dyn std::fmt::Display),*])
            }
        )*

        /// The templates of this table by name, for tables of other modules that pick one per case
        /// ([`crate::message::Emit`]).
        #[allow(non_upper_case_globals, dead_code)]
        pub(crate) struct Templates;
        #[allow(non_upper_case_globals, dead_code)]
        impl Templates {
            $(
                pub(crate) const $name: crate::message::Template = crate::message::Template {
                    id: concat!($module, "::", stringify!($name)),
                    code: crate::finding::Code::$code,
                    text: $text,
                    fix: crate::message::optional(&[$($fix)?]),
                    args: &[$(stringify!($arg)),*],
                };
            )*
        }

        /// Every template of this table.
        pub const TEMPLATES: &[crate::message::Template] = &[$(Templates::$name),*];
    };
}

/// Words that are not a finding of their own, with `{argument}` placeholders like a [`Template`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Text {
    /// The module and function that renders it, e.g. `evaluate::summary_enforce`.
    pub id: &'static str,
    pub text: &'static str,
    /// The placeholders, in the function's parameter order.
    pub args: &'static [&'static str],
}

/// Defines the table of [`Text`]s: a function per text, returning it filled in, and the `TEXTS` constant.
/// `texts! { pub "module"; … }` makes the functions public, for the words of a shell's page (the web crate
/// takes its words from such a table).
macro_rules! texts {
    (@with [$vis:vis] $module:literal; $(
        $(#[doc = $doc:literal])*
        $name:ident($($arg:ident),*) => $text:literal;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[allow(dead_code)]
            $vis fn $name($($arg: impl std::fmt::Display),*) -> String {
                crate::message::render(
                    $text,
                    &[$(stringify!($arg)),*],
                    &[$(&$arg as &dyn std::fmt::Display),*],
                )
            }
        )*

        /// Every text of this table.
        pub const TEXTS: &[crate::message::Text] = &[$(crate::message::Text {
            id: concat!($module, "::", stringify!($name)),
            text: $text,
            args: &[$(stringify!($arg)),*],
        }),*];
    };
    (pub $module:literal; $($body:tt)*) => { texts!(@with [pub] $module; $($body)*); };
    ($module:literal; $($body:tt)*) => { texts!(@with [pub(crate)] $module; $($body)*); };
}

/// What emitting a [`Template`] needs: all of it but its id. Emitting sites refer to this alone, so a build
/// that never lists the templates (the check page) carries no ids.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wording {
    code: Code,
    text: &'static str,
    fix: Option<&'static str>,
    args: &'static [&'static str],
}

impl Template {
    pub(crate) const fn wording(&self) -> Wording {
        Wording { code: self.code, text: self.text, fix: self.fix, args: self.args }
    }
}

/// A template chosen as data (one per case of a rule two record kinds share), with its number of arguments
/// in its type: [`Emit::new`] rejects, at compile time, a template whose placeholders are not `N`.
#[derive(Clone, Copy)]
pub(crate) struct Emit<const N: usize>(Wording);

impl<const N: usize> Emit<N> {
    pub(crate) const fn new(template: &Template) -> Self {
        assert!(template.args.len() == N, "the template takes another number of arguments");
        Emit(template.wording())
    }

    /// The finding, with the values of the template's arguments in its parameter order.
    pub(crate) fn emit(self, values: [&dyn Display; N]) -> Finding {
        emit(&self.0, &values)
    }
}

#[doc(hidden)]
pub(crate) const fn optional(fix: &[&'static str]) -> Option<&'static str> {
    match fix {
        [one] => Some(one),
        _ => None,
    }
}

pub mod bounce;
pub mod compare;
pub mod evaluate;
pub mod mx;
pub mod outcome;
pub mod policy;
pub mod record;
pub mod report;
pub mod reports_page;
pub mod tlsrpt;

/// Every text that is not a finding (summaries, notes, paragraphs of fixes), table by table.
pub fn texts() -> impl Iterator<Item = &'static Text> {
    [bounce::TEXTS, compare::TEXTS, evaluate::TEXTS, mx::TEXTS, report::TEXTS, reports_page::TEXTS, outcome::TEXTS]
        .into_iter()
        .flatten()
}

/// Every template, table by table.
pub fn templates() -> impl Iterator<Item = &'static Template> {
    [record::TEMPLATES, policy::TEMPLATES, tlsrpt::TEMPLATES, evaluate::TEMPLATES].into_iter().flatten()
}

/// The templates of one rule.
pub fn templates_of(code: Code) -> impl Iterator<Item = &'static Template> {
    templates().filter(move |t| t.code == code)
}

/// Fills `{name}` placeholders from `values`, the value of `names[i]` at `values[i]`; `{{` and `}}` stand
/// for braces. Names and values apart, so each emitting site passes only its values (less code per site).
pub fn render(text: &str, names: &[&str], values: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if rest[open..].starts_with("{{") || rest[open..].starts_with("}}") {
            out.push_str(&rest[open..=open]);
            rest = &after[1..];
            continue;
        }
        let close = if rest.as_bytes()[open] == b'{' { after.find('}') } else { None };
        if let Some((name, c)) = close.map(|c| (&after[..c], c)) {
            match names.iter().position(|n| *n == name).and_then(|i| values.get(i)) {
                Some(value) => {
                    let _ = write!(out, "{value}");
                }
                // Unreachable through the generated functions (a test checks every placeholder).
                None => out.push_str(&rest[open..open + c + 2]),
            }
            rest = &after[c + 1..];
        } else {
            out.push_str(&rest[open..=open]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of a template text, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

/// The finding of one template: its words filled in, what real senders do appended from the sender table,
/// the rule's severity and RFC citation from the catalogue.
#[inline(never)]
pub(crate) fn emit(template: &Wording, values: &[&dyn Display]) -> Finding {
    if !words_wanted() {
        return Finding::new(template.code, String::new());
    }
    let mut message = render(template.text, template.args, values);
    let senders = senders_sentence(template.code);
    if !senders.is_empty() {
        message.push(' ');
        message.push_str(&senders);
    }
    let finding = Finding::new(template.code, message);
    match template.fix {
        Some(fix) => finding.with_fix(render(fix, template.args, values)),
        None => finding,
    }
}

thread_local! {
    /// Set while [`wordless`] runs: emitted findings then carry no words.
    static WORDLESS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// False inside [`wordless`].
pub(crate) fn words_wanted() -> bool {
    !WORDLESS.get()
}

/// Runs `read` with the words of every finding it emits left empty (no message, no fix text, no preview).
///
/// For the readers' second reads, which only ask which rules an edited input breaks (does a fix remove its
/// finding and add no error?): filling in and appending the sender sentence to every finding of every
/// reread was most of the time a record or policy with many problems took to read.
pub(crate) fn wordless<T>(read: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WORDLESS.set(self.0);
        }
    }
    let _restore = Restore(WORDLESS.replace(true));
    read()
}

/// "mox, chasquid and KumoMTA"
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What real senders do with a finding of this rule, from the sender table: empty when no sender is known
/// to depart from the RFC on it.
pub fn senders_sentence(code: Code) -> String {
    let rows: Vec<&Said> = senders::said(code.as_str()).collect();
    if rows.is_empty() {
        return String::new();
    }
    let name = |d: &Said| senders::sender(d.sender).map_or(d.sender, |s| s.name);
    let mut clauses = Vec::new();
    for behaviour in Behaviour::ALL {
        if behaviour == Behaviour::Other {
            continue;
        }
        // Unconditional rows first, then each limited case on its own ("… when the policy has no mx line").
        let mut cases: Vec<Option<&str>> = Vec::new();
        if rows.iter().any(|d| d.behaviour == behaviour && d.when.is_none()) {
            cases.push(None);
        }
        for row in rows.iter().filter(|d| d.behaviour == behaviour && d.when.is_some()) {
            if !cases.contains(&row.when) {
                cases.push(row.when);
            }
        }
        for case in cases {
            let names: Vec<&str> =
                rows.iter().filter(|d| d.behaviour == behaviour && d.when == case).map(|d| name(d)).collect();
            let when = case.map(|w| format!(" when {w}")).unwrap_or_default();
            clauses.push(format!("{} {}{when}", and_list(&names), behaviour.phrase(names.len() > 1)));
        }
    }
    let mut sentence = String::new();
    if !clauses.is_empty() {
        let _ = write!(sentence, "Real senders differ: {}.", clauses.join("; "));
    }
    for (row, other) in rows.iter().filter_map(|d| Some((d, d.other?))) {
        if !sentence.is_empty() {
            sentence.push(' ');
        }
        let _ = write!(sentence, "{}: {other}", name(row));
    }
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn render_fills_placeholders_and_keeps_escaped_braces() {
        let line: &dyn Display = &3;
        let host: &dyn Display = &"mx.example.com";
        assert_eq!(render("Line {line}: {host} {{x}}", &["line", "host"], &[line, host]), "Line 3: mx.example.com {x}");
        assert_eq!(render("unclosed {brace", &[], &[]), "unclosed {brace");
        assert_eq!(render("stray } brace", &[], &[]), "stray } brace");
        assert_eq!(placeholders("a {b} {{c}} {d}"), vec!["b", "d"]);
    }

    /// Every placeholder is an argument of its function and every argument is used, in the text or the fix.
    #[test]
    fn every_placeholder_is_an_argument() {
        for t in templates() {
            let mut used: HashSet<&str> = placeholders(t.text).into_iter().collect();
            used.extend(t.fix.map(placeholders).unwrap_or_default());
            let args: HashSet<&str> = t.args.iter().copied().collect();
            assert_eq!(used, args, "{}: placeholders and arguments differ", t.id);
        }
        for t in texts() {
            let used: HashSet<&str> = placeholders(t.text).into_iter().collect();
            let args: HashSet<&str> = t.args.iter().copied().collect();
            assert_eq!(used, args, "{}: placeholders and arguments differ", t.id);
        }
    }

    #[test]
    fn wordless_reads_emit_the_same_rules_without_words_and_only_inside() {
        let worded = policy::cr_cr_lf(3);
        let wordless = wordless(|| policy::cr_cr_lf(3));
        assert_eq!((wordless.code, wordless.severity), (worded.code, worded.severity));
        assert!(wordless.message.is_empty() && wordless.fix.is_none());
        assert!(!worded.message.is_empty());
        assert_eq!(policy::cr_cr_lf(3), worded, "words are back after the wordless read");
    }

    #[test]
    fn ids_are_unique_and_no_template_is_for_a_group() {
        let mut ids = HashSet::new();
        for t in texts() {
            assert!(ids.insert(t.id), "duplicate text {}", t.id);
        }
        for t in templates() {
            assert!(ids.insert(t.id), "duplicate template {}", t.id);
            assert!(!t.code.is_group(), "{} emits the group code {}", t.id, t.code);
            assert!(!t.text.trim().is_empty(), "{}: empty text", t.id);
        }
    }

    /// Sender facts come from the sender table only: no template names a sender.
    #[test]
    fn no_template_names_a_sender() {
        let mut names: Vec<String> = Vec::new();
        for s in senders::SENDERS {
            names.push(s.id.to_ascii_lowercase());
            names.extend(s.name.split([' ', '(', ')']).filter(|w| w.len() > 2).map(str::to_ascii_lowercase));
        }
        names.extend(
            ["snawoot", "go-mtasts", "gmail", "google", "exchange", "microsoft", "postfix", "outlook"]
                .map(String::from),
        );
        names.retain(|n| n != "with" && n != "mail-auth");
        let texts = texts().map(|t| (t.id, Some(t.text), None));
        for (id, text, fix) in templates().map(|t| (t.id, Some(t.text), t.fix)).chain(texts) {
            for text in [text, fix].into_iter().flatten() {
                let lower = text.to_ascii_lowercase();
                for name in &names {
                    assert!(!lower.contains(name.as_str()), "{id} names the sender `{name}`: {text}");
                }
            }
        }
    }

    /// The parsers and the evaluator write no sentence of their own: findings come from the tables.
    #[test]
    fn emitting_modules_build_no_finding_from_words() {
        let sources = [
            ("policy.rs", include_str!("../policy.rs")),
            ("record.rs", include_str!("../record.rs")),
            ("tlsrpt.rs", include_str!("../tlsrpt.rs")),
            ("report.rs", include_str!("../report.rs")),
            ("tagvalue.rs", include_str!("../tagvalue.rs")),
            ("preflight.rs", include_str!("../preflight.rs")),
            ("generate.rs", include_str!("../generate.rs")),
            ("evaluate/mod.rs", include_str!("../evaluate/mod.rs")),
            ("evaluate/policy_host.rs", include_str!("../evaluate/policy_host.rs")),
            ("evaluate/mx.rs", include_str!("../evaluate/mx.rs")),
        ];
        for (file, source) in sources {
            for pattern in ["Finding::new(", ".with_fix(\"", ".with_fix(format!"] {
                assert!(!source.contains(pattern), "{file} builds a finding from its own words ({pattern})");
            }
        }
    }

    #[test]
    fn senders_sentence_follows_the_table() {
        let sentence = senders_sentence(Code::PolicyDuplicateField);
        assert!(sentence.starts_with("Real senders differ: "), "{sentence}");
        assert!(
            sentence.contains("KumoMTA ignores the whole policy; mox ignores the whole policy when a repeated"),
            "{sentence}"
        );
        assert!(sentence.contains("mox uses the first when the repeated field is `mode` or `max_age`"), "{sentence}");
        assert!(senders_sentence(Code::RecordMissing).is_empty());
        let none = senders_sentence(Code::PolicyModeNone);
        assert!(
            none.contains(
                "chasquid and Stalwart (with mail-auth) ignore the whole policy when the policy has no mx line"
            ),
            "{none}"
        );
        let other = senders_sentence(Code::PolicyModeMissing);
        assert!(other.contains("Stalwart (with mail-auth): A policy without `mode`"), "{other}");
    }
}
