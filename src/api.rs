//! The `/api/observe` contract every shell serves (the edge worker and `mta-sts serve`): which domain a
//! request asks for, the one sentence each refusal answers with, so both shells say the same words, and
//! the streamed answer (`stream=1`): its [`Line`]s, and the [`StreamReader`] that folds them into the
//! [`Partial`] observations of a check that is still running.
//!
//! The streamed answer is `application/x-ndjson`, one JSON object per line:
//!
//! ```text
//! {"domain":"example.com","resolver":"https://…","observed_at":1795867200,"pending":["sts-record",…,"policy"]}
//! {"dns":{"probe":"mx","name":"example.com","type":"MX","result":{"outcome":"response",…}}}
//! {"policy":{"url":"https://mta-sts.example.com/.well-known/mta-sts.txt","result":{…}}}
//! {"done":true}
//! ```
//!
//! The first line names the check and lists every probe of its [`plan`](crate::plan()) as pending; then
//! one line per probe as it completes, in any order, each in its [`Observations`] wire shape; then
//! `{"done":true}`, or `{"error":"<sentence>"}` when the shell gave up. Folding every line gives the
//! Observations the unstreamed answer carries.

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::evaluate::{EvaluateError, Report, evaluate_partial};
use crate::observe::{DnsObservation, Observations, PolicyObservation, Probe};
use crate::plan::ProbeKind;
use crate::{Domain, Plan};

/// The API's one endpoint.
pub const OBSERVE_PATH: &str = "/api/observe";

/// Why a request is refused. Each has an HTTP status and one sentence for the person who asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No `domain` parameter.
    NoDomain,
    /// More than one `domain` parameter.
    SeveralDomains,
    /// The parameter is not a usable domain; the core's reason.
    NotADomain(String),
    /// The client's rate limit is used up.
    RateLimited,
    /// A path under `/api/` that does not exist.
    NoEndpoint,
    /// The whole check did not finish within the shell's bound.
    TooSlow,
    /// The Observations could not be encoded (a bug).
    Unencodable,
}

impl Refusal {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NoDomain | Refusal::SeveralDomains | Refusal::NotADomain(_) => 400,
            Refusal::RateLimited => 429,
            Refusal::NoEndpoint => 404,
            Refusal::TooSlow => 504,
            Refusal::Unencodable => 500,
        }
    }

    /// What is wrong and what to do, in one sentence: the answer's `{"error": …}`.
    pub fn sentence(&self) -> &str {
        match self {
            Refusal::NoDomain => "Add the domain to check, as in /api/observe?domain=example.com.",
            Refusal::SeveralDomains => "Give one domain parameter only, as in /api/observe?domain=example.com.",
            Refusal::NotADomain(reason) => reason,
            Refusal::RateLimited => {
                "Too many checks from your address in the last minute; wait a minute and try again."
            }
            Refusal::NoEndpoint => "There is no such API endpoint; use GET /api/observe?domain=example.com.",
            Refusal::TooSlow => "The check took too long; try again in a minute.",
            Refusal::Unencodable => "The observations could not be encoded; please report this.",
        }
    }
}

/// The domain a request asks for, from the (already URL-decoded) values of its `domain` parameters:
/// exactly one, and a usable domain. Never trust the client's own validation (design.md §1).
pub fn requested_domain<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Result<Domain, Refusal> {
    let mut values = values.into_iter();
    let Some(value) = values.next() else { return Err(Refusal::NoDomain) };
    if values.next().is_some() {
        return Err(Refusal::SeveralDomains);
    }
    Domain::parse(value.as_ref()).map_err(|e| Refusal::NotADomain(e.reason))
}

/// The query parameter that asks for the streamed answer: `stream=1`.
pub const STREAM_PARAM: &str = "stream";
/// The media type of the streamed answer.
pub const STREAM_CONTENT_TYPE: &str = "application/x-ndjson";

/// Whether a request asks for the streamed answer, from the values of its `stream` parameters.
pub fn wants_stream<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> bool {
    values.into_iter().any(|v| matches!(v.as_ref(), "1" | "true"))
}

/// One line of the streamed answer; each kind of line fills in its own fields and leaves the rest out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The first line: the Policy Domain, as the shell validated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<u64>,
    /// The first line: every probe the shell runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsObservation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyObservation>,
    /// The last line of a check that ran to its end.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub done: bool,
    /// The last line of a check the shell gave up on: the refusal's sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Read in one pass over the object's fields, unknown ones skipped: the derived reader also reads the
/// object as an array and checks for repeated fields, which costs the web page kilobytes of code.
impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Line, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Line;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a line of the streamed answer")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line, A::Error> {
                let mut line = Line::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "domain" => line.domain = map.next_value()?,
                        "resolver" => line.resolver = map.next_value()?,
                        "observed_at" => line.observed_at = map.next_value()?,
                        "pending" => line.pending = map.next_value()?,
                        "dns" => line.dns = map.next_value()?,
                        "policy" => line.policy = map.next_value()?,
                        "done" => line.done = map.next_value()?,
                        "error" => line.error = map.next_value()?,
                        _ => drop(map.next_value::<IgnoredAny>()?),
                    }
                }
                Ok(line)
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl Line {
    /// The first line of the check of `plan`: all its probes pending.
    pub fn start(plan: &Plan, resolver: &str, observed_at: u64) -> Line {
        let mut pending: Vec<Probe> = plan.dns.iter().map(|p| p.kind.into()).collect();
        // The second round: the TLSA probes the MX answer calls for (RFC 7672 §2.2.3).
        pending.push(Probe::Tlsa);
        pending.push(Probe::Policy);
        Line {
            domain: Some(plan.domain.as_str().to_owned()),
            resolver: Some(resolver.to_owned()),
            observed_at: Some(observed_at),
            pending,
            ..Line::default()
        }
    }

    pub fn dns(observation: DnsObservation) -> Line {
        Line { dns: Some(observation), ..Line::default() }
    }

    pub fn policy(observation: PolicyObservation) -> Line {
        Line { policy: Some(observation), ..Line::default() }
    }

    pub fn done() -> Line {
        Line { done: true, ..Line::default() }
    }

    pub fn error(refusal: &Refusal) -> Line {
        Line { error: Some(refusal.sentence().to_owned()), ..Line::default() }
    }

    /// The line as sent: compact JSON, then a newline.
    pub fn to_ndjson(&self) -> String {
        let mut text = serde_json::to_string(self)
            .unwrap_or_else(|_| serde_json::to_string(&Line::error(&Refusal::Unencodable)).unwrap_or_default());
        text.push('\n');
        text
    }
}

/// The observations of a streamed check so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    /// What has been answered: DNS observations in plan order, whatever order they arrived in.
    pub observations: Observations,
    /// The probes not answered yet.
    pub pending: Vec<Probe>,
    /// The last line arrived: nothing is pending any more.
    pub done: bool,
}

impl Partial {
    /// The report so far: its pending parts are marked pending ([`evaluate_partial`]).
    pub fn evaluate(&self, now: u64) -> Result<Report, EvaluateError> {
        evaluate_partial(&self.observations, &self.pending, now)
    }

    fn answer(&mut self, probe: Probe) {
        self.pending.retain(|p| *p != probe);
    }

    /// The TLSA probes are answered once the MX probe is, and every TLSA probe its answer calls for; their
    /// observations are kept in the plan's order, whatever order they arrived in.
    fn settle_tlsa(&mut self) {
        if self.pending.contains(&Probe::Mx) || self.observations.dns(ProbeKind::Mx).is_none() {
            return;
        }
        let Ok(domain) = Domain::parse(&self.observations.domain) else {
            self.answer(Probe::Tlsa);
            return;
        };
        let wanted = crate::plan::tlsa_names(&domain, &self.observations.dns);
        let dns = &mut self.observations.dns;
        let first = dns.partition_point(|o| o.probe < ProbeKind::Tlsa);
        let end = dns.partition_point(|o| o.probe <= ProbeKind::Tlsa);
        // Reordered by hand: a sort would bring the page a sorting routine of its own.
        let mut arrived: Vec<Option<DnsObservation>> = dns.drain(first..end).map(Some).collect();
        let mut at = first;
        for name in &wanted {
            if let Some(o) =
                arrived.iter_mut().find(|o| o.as_ref().is_some_and(|o| o.name == *name)).and_then(Option::take)
            {
                dns.insert(at, o);
                at += 1;
            }
        }
        for o in arrived.into_iter().flatten() {
            dns.insert(at, o);
            at += 1;
        }
        if wanted.iter().all(|name| self.observations.dns_named(ProbeKind::Tlsa, name).is_some()) {
            self.answer(Probe::Tlsa);
        }
    }
}

/// Why a streamed answer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("The checker's answer could not be read: {0}")]
    Decode(#[from] serde_json::Error),
    /// A line a shell's own JSON decoder could not read ([`StreamReader::push_with`]); its words.
    #[error("The checker's answer could not be read: {0}")]
    Unreadable(String),
    /// The shell gave up on the check; its sentence.
    #[error("{0}")]
    Refused(String),
    #[error("The checker's answer does not begin with the domain it checks.")]
    NoStart,
    #[error("The checker's answer ended before the check was done.")]
    Incomplete,
}

/// Reads a streamed answer chunk by chunk, however the bytes are split, and folds each complete line.
#[derive(Debug, Default)]
pub struct StreamReader {
    partial: Option<Partial>,
    buffer: Vec<u8>,
}

impl StreamReader {
    /// Takes the next bytes of the answer; `Ok(true)` when at least one more line was folded.
    pub fn push(&mut self, chunk: &[u8]) -> Result<bool, StreamError> {
        self.push_with(chunk, |line| Ok(serde_json::from_str(line)?))
    }

    /// [`StreamReader::push`] with the shell's own JSON decoder for each line: a browser has one built in
    /// (`JSON.parse`), so the page need not carry serde_json's.
    pub fn push_with(
        &mut self,
        chunk: &[u8],
        mut decode: impl FnMut(&str) -> Result<Line, StreamError>,
    ) -> Result<bool, StreamError> {
        self.buffer.extend_from_slice(chunk);
        let mut folded = false;
        while let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            // RFC 8259 §8.1: JSON text is UTF-8.
            let line = std::str::from_utf8(&line)
                .map_err(|_| StreamError::Unreadable("a line of it is not UTF-8 text".to_owned()))?;
            if line.bytes().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            self.fold(decode(line)?)?;
            folded = true;
        }
        Ok(folded)
    }

    /// Folds one line into the check so far.
    pub fn fold(&mut self, line: Line) -> Result<(), StreamError> {
        if let Some(reason) = line.error {
            return Err(StreamError::Refused(reason));
        }
        let Some(partial) = &mut self.partial else {
            let domain = line.domain.ok_or(StreamError::NoStart)?;
            let observations = Observations {
                domain,
                resolver: line.resolver,
                observed_at: line.observed_at,
                dns: Vec::new(),
                policy: None,
            };
            self.partial = Some(Partial { observations, pending: line.pending, done: false });
            return Ok(());
        };
        if let Some(observation) = line.dns {
            if observation.probe != ProbeKind::Tlsa {
                partial.answer(observation.probe.into());
            }
            let dns = &mut partial.observations.dns;
            // Plan order; the TLSA probes in the order they arrived.
            let at = dns.partition_point(|o| o.probe <= observation.probe);
            dns.insert(at, observation);
            partial.settle_tlsa();
        }
        if let Some(observation) = line.policy {
            partial.answer(Probe::Policy);
            partial.observations.policy = Some(observation);
        }
        if line.done {
            // A probe the shell never answered did not run; it is no longer awaited.
            partial.pending.clear();
            partial.done = true;
        }
        Ok(())
    }

    /// The check so far; `None` before the first line.
    pub fn partial(&self) -> Option<&Partial> {
        self.partial.as_ref()
    }

    /// The whole check's Observations, once the answer has ended with its last line.
    pub fn finish(self) -> Result<Observations, StreamError> {
        self.finish_with(|line| Ok(serde_json::from_str(line)?))
    }

    /// [`StreamReader::finish`] with the shell's own JSON decoder, as [`StreamReader::push_with`].
    pub fn finish_with(
        mut self,
        decode: impl FnMut(&str) -> Result<Line, StreamError>,
    ) -> Result<Observations, StreamError> {
        if !self.buffer.is_empty() {
            self.push_with(b"\n", decode)?;
        }
        match self.partial {
            Some(partial) if partial.done => Ok(partial.observations),
            Some(_) => Err(StreamError::Incomplete),
            None => Err(StreamError::NoStart),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_usable_domain() {
        assert_eq!(requested_domain(["Example.COM."]).unwrap().as_str(), "example.com");
        assert_eq!(requested_domain(Vec::<String>::new()), Err(Refusal::NoDomain));
        assert_eq!(requested_domain(["a.example", "b.example"]), Err(Refusal::SeveralDomains));
        let Err(Refusal::NotADomain(reason)) = requested_domain(["exa mple.com"]) else { panic!("not refused") };
        assert!(reason.ends_with('.'), "{reason}");
    }

    #[test]
    fn lines_are_written_with_only_their_own_fields() {
        let plan = crate::plan(&Domain::parse("example.com").unwrap());
        assert_eq!(
            Line::start(&plan, "https://doh.test/q", 7).to_ndjson(),
            "{\"domain\":\"example.com\",\"resolver\":\"https://doh.test/q\",\"observed_at\":7,\"pending\":\
             [\"sts-record\",\"tlsrpt-record\",\"mx\",\"policy-host-a\",\"policy-host-aaaa\",\"tlsa\",\"policy\"]}\n"
        );
        assert_eq!(Line::done().to_ndjson(), "{\"done\":true}\n");
        assert_eq!(
            Line::error(&Refusal::TooSlow).to_ndjson(),
            format!("{{\"error\":\"{}\"}}\n", Refusal::TooSlow.sentence())
        );
        assert!(
            wants_stream(["1"]) && wants_stream(["true"]) && !wants_stream(["0"]) && !wants_stream(Vec::<&str>::new())
        );
    }

    #[test]
    fn every_refusal_is_one_sentence_with_an_error_status() {
        for refusal in [
            Refusal::NoDomain,
            Refusal::SeveralDomains,
            Refusal::NotADomain("That is not a domain.".to_owned()),
            Refusal::RateLimited,
            Refusal::NoEndpoint,
            Refusal::TooSlow,
            Refusal::Unencodable,
        ] {
            let sentence = refusal.sentence();
            assert!(sentence.ends_with('.') && sentence.chars().next().is_some_and(char::is_uppercase), "{sentence}");
            assert!((400..600).contains(&refusal.status()), "{refusal:?}");
        }
    }
}
