//! STUB — replaced by the record helper. API contract only.
use crate::finding::Parsed;
use serde::{Deserialize, Serialize};

/// The `_smtp._tls` TXT record (RFC 8460 §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRptRecord {
    pub version: String,
    pub rua: Vec<String>,
    pub extensions: Vec<(String, String)>,
}

impl TlsRptRecord {
    pub fn parse(_record: &[u8]) -> Parsed<TlsRptRecord> {
        Parsed { value: None, findings: Vec::new() }
    }
    pub fn to_text(&self) -> String {
        String::new()
    }
    pub fn parse_rrset<R: AsRef<[u8]>>(_records: &[R]) -> Parsed<TlsRptRecord> {
        Parsed { value: None, findings: Vec::new() }
    }
}
