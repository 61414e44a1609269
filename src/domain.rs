//! STUB — replaced by the domain helper. API contract only.
use serde::{Deserialize, Serialize};

/// A Policy Domain: lower-case A-labels, no trailing dot, fits `_mta-sts.` + domain in 253 octets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

/// Why an input is not a usable domain, in words a person understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct DomainError {
    pub reason: String,
}

impl Domain {
    pub fn parse(input: &str) -> Result<Domain, DomainError> {
        Domain::parse_with_notes(input).map(|(d, _)| d)
    }
    /// Also says what was done to the input ("took the domain out of the URL you pasted").
    pub fn parse_with_notes(input: &str) -> Result<(Domain, Vec<String>), DomainError> {
        Ok((Domain(input.to_owned()), Vec::new()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The domain for display: U-labels where the A-labels decode.
    pub fn to_unicode(&self) -> String {
        self.0.clone()
    }
}

impl TryFrom<String> for Domain {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Domain::parse(&value)
    }
}
impl From<Domain> for String {
    fn from(d: Domain) -> String {
        d.0
    }
}
impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
