//! STUB — replaced by the record helper. API contract only.
use crate::finding::Parsed;
use serde::{Deserialize, Serialize};

/// The `_mta-sts` TXT record (RFC 8461 §3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StsRecord {
    pub version: String,
    pub id: String,
    pub extensions: Vec<(String, String)>,
}

impl StsRecord {
    /// One record, its character-strings already joined.
    pub fn parse(_record: &[u8]) -> Parsed<StsRecord> {
        Parsed { value: None, findings: Vec::new() }
    }
    /// The whole TXT RRset at `_mta-sts`: discards non-STS records, requires exactly one.
    pub fn parse_rrset<R: AsRef<[u8]>>(_records: &[R]) -> Parsed<StsRecord> {
        Parsed { value: None, findings: Vec::new() }
    }
    pub fn to_text(&self) -> String {
        String::new()
    }
}

/// An `id` that is valid (1–32 ALPHA/DIGIT) and derived from `now` (Unix seconds): `YYYYMMDDhhmmss`.
pub fn fresh_id(_now: u64) -> String {
    String::new()
}
