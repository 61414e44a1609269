//! The `_smtp._tls` TLS-RPT record and RRset parsers on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::TlsRptRecord;

fn into_alphabet(data: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"v=TLSRPTv1;rua=mailto:https://a@b.c/%2C,!; \t=_-.";
    data.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()]).collect()
}

fuzz_target!(|data: &[u8]| {
    for record in [data.to_vec(), into_alphabet(data)] {
        let _ = TlsRptRecord::parse(&record);
        let rrset: Vec<&[u8]> = record.split(|&b| b == 0).collect();
        let _ = TlsRptRecord::parse_rrset(&rrset);
    }
});
