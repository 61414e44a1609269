//! What each modelled sender would do with the domain right now: the verdict per sender.
//!
//! The RFC reference reaches the report's verdict. Every other sender starts from the same findings and
//! departs from the RFC only where a row of [`DEVIATIONS`] (its code read, with a source) or a fact of its
//! [`Model`] says so; where neither says how it treats a finding that senders are known to read
//! differently, the outcome says "not known" and assumes the RFC.

use serde::{Deserialize, Serialize};

use super::model::{Aspect, BY_ASPECT, COMMON, Common, MODELS, Model, MxMatching, SHOWN, Shown};
use super::{Behaviour, Condition, SAID, Said};
use crate::evaluate::{MxHost, Verdict};
use crate::finding::{Category, Code, Finding, Severity};
use crate::message::outcome as words;
use crate::mx::MxPattern;
use crate::policy::{Mode, Policy};

/// The mode a sender would apply to the domain, or why it would apply none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// TLS with a valid certificate to a listed MX host, or no delivery.
    Enforce,
    /// Delivery as usual; TLS failures are reported.
    Testing,
    /// The policy is withdrawn.
    None,
    /// No usable MTA-STS: the record or the policy is discarded, or the policy cannot be fetched.
    NoPolicy,
    /// Enforce, but some or all MX hosts would be refused ([`SenderOutcome::mx_refused`]).
    MailFails,
    /// DANE instead of MTA-STS: an MX host's TLSA records decide, the policy is not used.
    Dane,
}

impl Outcome {
    pub const ALL: [Outcome; 6] =
        [Outcome::Enforce, Outcome::Testing, Outcome::None, Outcome::NoPolicy, Outcome::MailFails, Outcome::Dane];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Enforce => "enforce",
            Outcome::Testing => "testing",
            Outcome::None => "none",
            Outcome::NoPolicy => "no-policy",
            Outcome::MailFails => "mail-fails",
            Outcome::Dane => "dane",
        }
    }

    fn of(mode: Mode) -> Outcome {
        match mode {
            Mode::Enforce => Outcome::Enforce,
            Mode::Testing => Outcome::Testing,
            Mode::None => Outcome::None,
        }
    }
}

/// One sender's verdict, with the findings it rests on and where each fact comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderOutcome {
    pub id: String,
    pub name: String,
    pub outcome: Outcome,
    /// The finding codes that decide the outcome where it is not the policy's mode as published.
    pub because: Vec<Code>,
    /// The MX hosts this sender would refuse to deliver to (`mail-fails`).
    pub mx_refused: Vec<String>,
    /// Plain sentences: how this sender reads what was found, and what is not known about it. Without
    /// the `sender-words` feature only the engine's own sentences: the rows' and facts' are in `said`.
    pub notes: Vec<String>,
    /// Where each behaviour the outcome rests on was read: code permalinks, documentation, the RFC.
    /// Empty without the `sender-words` feature.
    pub sources: Vec<String>,
    /// What the notes and sources are made of, in order: for a shell that brings the words itself.
    #[serde(skip)]
    pub said: Vec<NoteRef>,
}

/// One piece of a [`SenderOutcome`]'s explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteRef {
    /// The row of [`super::DEVIATIONS`] at this index: its detail and its source.
    Row(usize),
    /// The fact of [`super::model::FACTS`] at this index: its detail and its source.
    Fact(usize),
    /// Only the source of that fact.
    Source(usize),
    /// A sentence of the engine's own.
    Text(String),
}

impl SenderOutcome {
    /// The notes and sources in words, from the tables: what `evaluate` does with the `sender-words`
    /// feature, and a test can do without it.
    #[must_use]
    pub fn with_words(
        mut self,
        row: impl Fn(usize) -> (String, String),
        fact: impl Fn(usize) -> (String, String),
    ) -> Self {
        let (mut notes, mut sources) = (Vec::new(), Vec::new());
        for said in &self.said {
            let (note, source) = match said {
                NoteRef::Row(i) => row(*i),
                NoteRef::Fact(i) => fact(*i),
                NoteRef::Source(i) => (String::new(), fact(*i).1),
                NoteRef::Text(text) => (text.clone(), String::new()),
            };
            for (list, item) in [(&mut notes, note), (&mut sources, source)] {
                if !item.is_empty() && !list.contains(&item) {
                    list.push(item);
                }
            }
        }
        self.notes = notes;
        self.sources = sources;
        self
    }
}

/// The words of the sender table and of the model, index-aligned with them (`(detail, source)`; empty for
/// an unknown fact): what a page loads (www/static/senders.json) to explain the outcomes it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Words {
    pub rows: Vec<(String, String)>,
    pub facts: Vec<(String, String)>,
}

impl Words {
    /// Every row's and fact's words.
    #[cfg(feature = "sender-words")]
    pub fn all() -> Words {
        Words {
            rows: (0..super::DEVIATIONS.len()).map(row_words).collect(),
            facts: (0..super::model::FACTS.len()).map(fact_words).collect(),
        }
    }

    /// An outcome with its notes and sources in these words.
    #[must_use]
    pub fn explain(&self, outcome: SenderOutcome) -> SenderOutcome {
        let pick = |list: &[(String, String)], i: usize| list.get(i).cloned().unwrap_or_default();
        outcome.with_words(|i| pick(&self.rows, i), |i| pick(&self.facts, i))
    }
}

/// The words of row `i` of the sender table: its detail and its source.
#[cfg(feature = "sender-words")]
pub fn row_words(i: usize) -> (String, String) {
    super::DEVIATIONS.get(i).map(|d| (d.detail.to_owned(), d.source.to_owned())).unwrap_or_default()
}

/// The words of fact `i` of the model: its detail and its source (nothing for an unknown one).
#[cfg(feature = "sender-words")]
pub fn fact_words(i: usize) -> (String, String) {
    match super::model::FACTS.get(i).map(|f| f.says) {
        Some(super::model::Says::Known { detail, source }) => (detail.to_owned(), source.to_owned()),
        _ => (String::new(), String::new()),
    }
}

/// The senders in one line, for the widget: "Gmail, Exchange Online and 6 more enforce; KumoMTA would not
/// apply your policy". The RFC reference is left out: the verdict says it.
pub fn one_line(senders: &[SenderOutcome]) -> String {
    let mut clauses = Vec::new();
    for outcome in
        [Outcome::Enforce, Outcome::Dane, Outcome::Testing, Outcome::None, Outcome::MailFails, Outcome::NoPolicy]
    {
        let names: Vec<&str> = senders
            .iter()
            .filter(|s| s.outcome == outcome && s.id != super::model::RFC)
            .map(|s| s.name.as_str())
            .collect();
        let who = match names.as_slice() {
            [] => continue,
            [one] => (*one).to_owned(),
            [first, second] => words::two(first, second),
            [first, second, rest @ ..] => words::and_more(first, second, rest.len()),
        };
        let one = names.len() == 1;
        clauses.push(match (outcome, one) {
            (Outcome::Enforce, true) => words::enforce_one(who),
            (Outcome::Enforce, false) => words::enforce_many(who),
            (Outcome::Testing, true) => words::testing_one(who),
            (Outcome::Testing, false) => words::testing_many(who),
            (Outcome::None, true) => words::none_one(who),
            (Outcome::None, false) => words::none_many(who),
            (Outcome::MailFails, true) => words::mail_fails_one(who),
            (Outcome::MailFails, false) => words::mail_fails_many(who),
            (Outcome::NoPolicy, true) => words::no_policy_one(who),
            (Outcome::NoPolicy, false) => words::no_policy_many(who),
            (Outcome::Dane, true) => words::dane_one(who),
            (Outcome::Dane, false) => words::dane_many(who),
        });
    }
    clauses.join("; ")
}

/// What the engine reads: the report's conclusions and the raw inputs the rows' conditions look at.
pub(crate) struct Seen<'a> {
    pub verdict: Verdict,
    pub findings: &'a [Finding],
    pub mx: &'a [MxHost],
    /// The MX lookup answered, so `mx` is the domain's list (possibly the implicit MX).
    pub mx_known: bool,
    /// The policy, when the RFC reads it as valid.
    pub policy: Option<&'a Policy>,
    /// The policy body as served, when a response arrived.
    pub body: Option<&'a [u8]>,
    pub content_type: Option<&'a str>,
    /// The `_mta-sts` TXT strings, in the order of the RRset the findings' `record_index` counts in.
    pub records: &'a [Vec<u8>],
}

/// Every modelled sender's outcome. Empty while the DNS answer that decides everything is missing (a
/// failed or pending record lookup): no sender's behaviour can be told then.
pub(crate) fn outcomes(seen: &Seen<'_>) -> Vec<SenderOutcome> {
    if matches!(seen.verdict, Verdict::LookupFailed | Verdict::Pending) {
        return Vec::new();
    }
    // Each finding's rows and standing, looked up once for all the senders.
    let read: Vec<Read> = seen
        .findings
        .iter()
        .map(|finding| {
            let code = finding.code.as_str();
            Read {
                finding,
                rows: SAID.iter().enumerate().filter(|(_, row)| row.code == code).map(|(i, _)| i).collect(),
                alike: COMMON.iter().any(|(c, how)| *c == code && matches!(how, Common::Alike(_))),
                aspect: BY_ASPECT.iter().find(|(c, _)| *c == code).map(|(_, aspect)| *aspect),
            }
        })
        .collect();
    let outcomes = MODELS.iter().map(|model| outcome(model, seen, &read));
    #[cfg(feature = "sender-words")]
    let outcomes = outcomes.map(|o| o.with_words(row_words, fact_words));
    outcomes.collect()
}

/// A finding, the rows of [`SAID`] about its rule, and whether every sender reads that rule alike.
struct Read<'a> {
    finding: &'a Finding,
    rows: Vec<usize>,
    alike: bool,
    /// The aspect of the models that tells how each sender reads the rule ([`BY_ASPECT`]).
    aspect: Option<Aspect>,
}

/// A row of the sender's that holds for a finding of the report.
struct Applied<'a> {
    finding: &'a Finding,
    index: usize,
    row: &'static Said,
}

fn outcome(model: &Model, seen: &Seen<'_>, read: &[Read<'_>]) -> SenderOutcome {
    let own = |i: &usize| SAID[*i].sender == model.id;
    let applied: Vec<Applied<'_>> = read
        .iter()
        .flat_map(|r| {
            r.rows
                .iter()
                .filter(|i| own(i))
                .filter(|&&i| holds(SAID[i].applies, r.finding, seen))
                .map(|&index| Applied { finding: r.finding, index, row: &SAID[index] })
        })
        .collect();
    let mut decided = Decided::default();

    let outcome = decide(model, seen, &applied, &mut decided);

    // The rows behind the outcome, then the engine's conclusions, the model's facts for the outcome, what
    // is not known, and the sources of the model's reading of the mode and of MX hosts.
    let mut said: Vec<NoteRef> = applied.iter().map(|a| NoteRef::Row(a.index)).collect();
    said.extend(decided.notes.into_iter().map(NoteRef::Text));
    let facts: Vec<(usize, &Shown)> =
        SHOWN.iter().enumerate().filter(|(_, f)| f.known && f.sender == model.id).collect();
    // Findings of a rule one aspect of the model covers: the model's fact on it, or that it is not known.
    let mut unknown: Vec<&str> = Vec::new();
    for r in read {
        let Some(aspect) = r.aspect else { continue };
        match facts.iter().find(|(_, f)| f.aspect == aspect) {
            Some((i, _)) if !said.contains(&NoteRef::Fact(*i)) => said.push(NoteRef::Fact(*i)),
            None if model.id != super::model::RFC && !unknown.contains(&r.finding.code.as_str()) => {
                unknown.push(r.finding.code.as_str());
            }
            _ => {}
        }
    }
    for (i, _) in facts.iter().filter(|(_, f)| f.shown_for.contains(&outcome)) {
        if !said.contains(&NoteRef::Fact(*i)) {
            said.push(NoteRef::Fact(*i));
        }
    }
    // Findings of rules senders are known to read differently, on which this sender's model is silent.
    if model.id != super::model::RFC {
        for r in read.iter().filter(|r| r.finding.severity != Severity::Info && !r.alike && r.aspect.is_none()) {
            let code = r.finding.code.as_str();
            if !r.rows.iter().any(own) && !unknown.contains(&code) {
                unknown.push(code);
            }
        }
        if !unknown.is_empty() {
            said.push(NoteRef::Text(words::not_known(model.name, unknown.join(", "))));
        }
    }
    said.extend(
        facts
            .iter()
            .filter(|(_, f)| matches!(f.aspect, Aspect::Mode | Aspect::MxMatching))
            .map(|(i, _)| NoteRef::Source(*i)),
    );
    let notes = said.iter().filter_map(|s| if let NoteRef::Text(t) = s { Some(t.clone()) } else { None }).collect();
    SenderOutcome {
        id: model.id.to_owned(),
        name: model.name.to_owned(),
        outcome,
        because: decided.because,
        mx_refused: decided.mx_refused,
        notes,
        sources: Vec::new(),
        said,
    }
}

#[derive(Default)]
struct Decided {
    because: Vec<Code>,
    mx_refused: Vec<String>,
    notes: Vec<String>,
}

impl Decided {
    fn because(&mut self, code: Code) {
        if !self.because.contains(&code) {
            self.because.push(code);
        }
    }
}

/// RFC 8461 §3.1–§4.1 in the sender's reading: the record, then the policy, then the mode and the MX hosts.
fn decide(model: &Model, seen: &Seen<'_>, applied: &[Applied<'_>], decided: &mut Decided) -> Outcome {
    // A finding the RFC rejects on is one the sender reads past only when a row says it does.
    let tolerated = |finding: &Finding| {
        applied.iter().filter(|a| std::ptr::eq(a.finding, finding)).any(|a| {
            matches!(
                a.row.behaviour,
                Behaviour::Accepts
                    | Behaviour::IgnoresField
                    | Behaviour::FirstWins
                    | Behaviour::LastWins
                    | Behaviour::Merges
            )
        })
    };
    let errors_of = |categories: &'static [Category]| {
        seen.findings.iter().filter(move |f| f.severity == Severity::Error && categories.contains(&f.code.category()))
    };

    // RFC 8461 §2 has DANE and MTA-STS side by side; a sender that prefers DANE uses no policy at all.
    if let Some(a) = applied.iter().find(|a| a.row.behaviour == Behaviour::AppliesDane) {
        decided.because(a.finding.code);
        decided.notes.push(words::dane_addresses_assumed(model.name));
        return Outcome::Dane;
    }

    // RFC 8461 §3.1: without a usable record there is no policy to look for.
    let mut record_usable = true;
    for finding in errors_of(&[Category::Record]).filter(|f| !tolerated(f)) {
        decided.because(finding.code);
        record_usable = false;
    }
    for a in applied.iter().filter(|a| a.row.behaviour == Behaviour::IgnoresRecord) {
        decided.because(a.finding.code);
        record_usable = false;
    }
    if !record_usable {
        return Outcome::NoPolicy;
    }

    // RFC 8461 §3.3: a policy that cannot be fetched or parsed is no policy.
    let mut policy_usable = true;
    for finding in errors_of(&[Category::PolicyHost, Category::PolicyFile]).filter(|f| !tolerated(f)) {
        decided.because(finding.code);
        policy_usable = false;
    }
    for a in applied.iter().filter(|a| a.row.behaviour == Behaviour::IgnoresPolicy) {
        decided.because(a.finding.code);
        policy_usable = false;
    }
    if !policy_usable {
        return Outcome::NoPolicy;
    }
    // `None`: the RFC's own reading of the policy, whose coverage the report already has.
    let (mut mode, own_mx): (Mode, Option<Vec<MxPattern>>) = if let Some(policy) = seen.policy {
        (policy.mode, None)
    } else {
        // The RFC rejects the policy, this sender reads past every error: it applies what it can read,
        // and the errors it read past decide its outcome.
        for finding in errors_of(&[Category::PolicyHost, Category::PolicyFile]) {
            decided.because(finding.code);
        }
        let Some(body) = seen.body.map(|body| without_skipped_lines(body, applied)) else {
            return Outcome::NoPolicy;
        };
        let Some(mode) = Policy::salvage(&body).mode else {
            return Outcome::NoPolicy;
        };
        (mode, Some(own_patterns(model, &body)))
    };

    // RFC 8461 §3.2 keeps the first of repeated fields; a sender whose last one wins may apply another mode.
    if let Some(body) = seen.body {
        let last_wins = applied.iter().any(|a| {
            a.row.behaviour == Behaviour::LastWins
                && a.finding.code == Code::PolicyDuplicateField
                && field_of(a.finding, seen).is_some_and(|(name, _)| name == b"mode")
        });
        let last_mode = || crate::policy::fields(body).filter(|(_, name, _)| *name == b"mode").last();
        if let Some((_, _, value)) = last_wins.then(last_mode).flatten() {
            match Mode::parse(value) {
                Some(last) if last != mode => {
                    decided.because(Code::PolicyDuplicateField);
                    decided.notes.push(words::last_mode_wins(model.name, last.as_str(), mode.as_str()));
                    mode = last;
                }
                Some(_) => {}
                None => decided.notes.push(words::last_mode_unknown(model.name, String::from_utf8_lossy(value))),
            }
        }
    }

    // RFC 8461 §4.1: in enforce mode, an MX host no pattern matches is not delivered to.
    // A sender that does not match MX hosts by name leaves it to the host's certificate (its fact says so).
    if mode == Mode::Enforce && seen.mx_known && model.mx_matching == MxMatching::Rfc {
        let reported = seen.policy.filter(|p| own_mx.is_none() && p.mode != Mode::None);
        let patterns = own_mx.as_deref().or(seen.policy.map(|p| p.mx.as_slice())).unwrap_or_default();
        for host in seen.mx {
            // The report matched the RFC's patterns already (unless its mode, none, skipped coverage).
            let covered = match reported {
                Some(_) => host.pattern.is_some(),
                None => patterns.iter().any(|p| p.matches(&host.host)),
            };
            if !covered {
                decided.mx_refused.push(host.host.clone());
            }
        }
        if !decided.mx_refused.is_empty() {
            decided.because(Code::MxNotCovered);
            return Outcome::MailFails;
        }
    }
    Outcome::of(mode)
}

/// The `mx` patterns as a sender that accepts them unchecked reads them: lower-cased, a trailing dot kept
/// or stripped as its model says; a value no pattern can be made of matches nothing.
fn own_patterns(model: &Model, body: &[u8]) -> Vec<MxPattern> {
    crate::policy::fields(body)
        .filter(|(_, name, _)| *name == b"mx")
        .filter_map(|(_, _, value)| {
            let value = String::from_utf8_lossy(value).to_ascii_lowercase();
            let value = match value.strip_suffix('.') {
                Some(stripped) if model.dotted_pattern_matches => stripped.to_owned(),
                Some(_) => return None,
                None => value,
            };
            MxPattern::parse(&value).ok()
        })
        .collect()
}

/// The body with the lines a sender skips (its `IgnoresField` rows) left out, as it reads it.
fn without_skipped_lines(body: &[u8], applied: &[Applied<'_>]) -> Vec<u8> {
    let skipped: Vec<usize> = applied
        .iter()
        .filter(|a| a.row.behaviour == Behaviour::IgnoresField)
        .filter_map(|a| a.finding.span.map(|s| s.start))
        .collect();
    let mut kept = Vec::with_capacity(body.len());
    let mut start = 0;
    for line in body.split_inclusive(|&b| b == b'\n') {
        let end = start + line.len();
        if !skipped.iter().any(|&at| (start..end).contains(&at)) {
            kept.extend_from_slice(line);
        }
        start = end;
    }
    kept
}

/// Whether a row's case is the case of this finding.
fn holds(condition: Condition, finding: &Finding, seen: &Seen<'_>) -> bool {
    match condition {
        Condition::Always => true,
        Condition::Field(names) => {
            field_of(finding, seen).is_some_and(|(name, _)| names.iter().any(|n| n.as_bytes() == name))
        }
        Condition::FieldValueIsNot(field, value) => {
            field_of(finding, seen).is_some_and(|(name, v)| name == field.as_bytes() && v != value.as_bytes())
        }
        Condition::SecondColon => {
            line_of(finding, seen).is_some_and(|line| line.iter().filter(|&&b| b == b':').count() > 1)
        }
        Condition::NoMx => match seen.policy {
            Some(policy) => policy.mx.is_empty(),
            None => seen.body.is_some_and(|body| Policy::salvage(body).mx.is_empty()),
        },
        Condition::NoCharset => !seen.content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("charset=")),
        Condition::TlsaValidated => seen.mx.iter().any(|h| h.tlsa.is_some_and(|t| t.validated)),
    }
}

/// The input a finding's span points into: its TXT string, or the policy body.
fn input_of<'s>(finding: &Finding, seen: &Seen<'s>) -> Option<&'s [u8]> {
    match finding.code.category() {
        Category::Record => seen.records.get(finding.record_index.unwrap_or(0)).map(Vec::as_slice),
        Category::PolicyFile | Category::PolicyHost => seen.body,
        _ => None,
    }
}

/// The policy line, or the record's `;`-separated field, the finding's span starts in.
fn line_of<'s>(finding: &Finding, seen: &Seen<'s>) -> Option<&'s [u8]> {
    let input = input_of(finding, seen)?;
    let at = finding.span?.start.min(input.len());
    let separator = if finding.code.category() == Category::Record { b';' } else { b'\n' };
    let start = input[..at].iter().rposition(|&b| b == separator).map_or(0, |i| i + 1);
    let end = input[at..].iter().position(|&b| b == separator).map_or(input.len(), |i| at + i);
    Some(&input[start..end])
}

/// The name and value of the field the finding is about (`name: value` in a policy, `name=value` in a
/// record), without surrounding whitespace.
fn field_of<'s>(finding: &Finding, seen: &Seen<'s>) -> Option<(&'s [u8], &'s [u8])> {
    let line = line_of(finding, seen)?;
    let delimiter = if finding.code.category() == Category::Record { b'=' } else { b':' };
    let at = line.iter().position(|&b| b == delimiter)?;
    Some((line[..at].trim_ascii(), line[at + 1..].trim_ascii()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages' copy of the words is the tables' (`MTA_STS_BLESS=1` writes it again).
    #[cfg(all(feature = "sender-words", not(target_arch = "wasm32")))]
    #[test]
    fn the_pages_words_are_the_tables() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/static/senders.json");
        let mut json = serde_json::to_string(&Words::all()).unwrap();
        json.push('\n');
        if std::env::var_os("MTA_STS_BLESS").is_some() {
            std::fs::write(path, &json).unwrap();
        }
        let kept = std::fs::read_to_string(path).unwrap_or_default();
        assert!(kept == json, "{path} is out of date: run MTA_STS_BLESS=1 cargo test -p mta-sts --lib senders");
        let words: Words = serde_json::from_str(&kept).unwrap();
        assert_eq!(words.rows.len(), super::super::DEVIATIONS.len());
        assert_eq!(words.facts.len(), super::super::model::FACTS.len());
    }

    fn sender(id: &str, name: &str, outcome: Outcome) -> SenderOutcome {
        SenderOutcome {
            id: id.to_owned(),
            name: name.to_owned(),
            outcome,
            because: Vec::new(),
            mx_refused: Vec::new(),
            notes: Vec::new(),
            sources: Vec::new(),
            said: Vec::new(),
        }
    }

    #[test]
    fn one_line_names_two_senders_per_outcome_and_counts_the_rest() {
        let senders = [
            sender("rfc", "RFC 8461", Outcome::Enforce),
            sender("gmail", "Gmail", Outcome::Enforce),
            sender("exchange-online", "Exchange Online", Outcome::Enforce),
            sender("mox", "mox", Outcome::Enforce),
            sender("maddy", "maddy", Outcome::Enforce),
            sender("kumomta", "KumoMTA", Outcome::NoPolicy),
        ];
        assert_eq!(
            one_line(&senders),
            "Gmail, Exchange Online and 2 more enforce; KumoMTA would not apply your policy"
        );
        assert_eq!(one_line(&senders[..3]), "Gmail and Exchange Online enforce");
        assert_eq!(one_line(&senders[..2]), "Gmail enforces");
        assert_eq!(one_line(&senders[..1]), "");
        let dane = [sender("rfc", "RFC 8461", Outcome::Enforce), sender("postfix-tlspol", "tlspol", Outcome::Dane)];
        assert_eq!(one_line(&dane), "tlspol would apply DANE instead of your policy");
    }
}
