//! STUB — replaced by the policy helper. API contract only.
use crate::finding::Parsed;
use crate::mx::MxPattern;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Enforce,
    Testing,
    None,
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

impl Policy {
    pub fn parse(_body: &[u8]) -> Parsed<Policy> {
        Parsed { value: None, findings: Vec::new() }
    }
    pub fn salvage(_body: &[u8]) -> PolicyDraft {
        PolicyDraft::default()
    }
    /// Renders the policy in canonical form (CRLF line endings, version first).
    pub fn to_text(&self) -> String {
        String::new()
    }
}
