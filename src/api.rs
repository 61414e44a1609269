//! The `/api/observe` contract every shell serves (the edge worker and `mta-sts serve`): which domain a
//! request asks for, and the one sentence each refusal answers with, so both shells say the same words.

use crate::Domain;

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
