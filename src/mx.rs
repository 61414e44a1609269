//! STUB — replaced by the mx helper. API contract only.
use serde::{Deserialize, Serialize};

/// An `mx` pattern of a policy (RFC 8461 §3.2 `sts-policy-mx-value = ["*."] Domain`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum MxPattern {
    Exact(String),
    Wildcard { parent: String },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct MxPatternError {
    pub reason: String,
}

impl MxPattern {
    pub fn parse(text: &str) -> Result<MxPattern, MxPatternError> {
        Ok(MxPattern::Exact(text.to_owned()))
    }
    pub fn matches(&self, host: &str) -> bool {
        matches!(self, MxPattern::Exact(p) if p == host)
    }
}
impl TryFrom<String> for MxPattern {
    type Error = MxPatternError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        MxPattern::parse(&value)
    }
}
impl From<MxPattern> for String {
    fn from(p: MxPattern) -> String {
        p.to_string()
    }
}
impl std::fmt::Display for MxPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MxPattern::Exact(h) => f.write_str(h),
            MxPattern::Wildcard { parent } => write!(f, "*.{parent}"),
        }
    }
}
/// `mta-sts match PATTERN HOST`: Err when the pattern is malformed.
pub fn matches(pattern: &str, host: &str) -> Result<bool, MxPatternError> {
    Ok(MxPattern::parse(pattern)?.matches(host))
}
