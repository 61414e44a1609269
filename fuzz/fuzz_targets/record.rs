//! The `_mta-sts` TXT record and RRset parsers on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::StsRecord;

fn into_alphabet(data: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"v=STSv1;id=0123456789abcXYZ ;\t=-_.";
    data.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()]).collect()
}

fuzz_target!(|data: &[u8]| {
    for record in [data.to_vec(), into_alphabet(data)] {
        let parsed = StsRecord::parse(&record);
        if let Some(value) = &parsed.value {
            assert_eq!(StsRecord::parse(value.to_text().as_bytes()).value.as_ref(), Some(value));
        }
        // An RRset: the input split on NUL into records.
        let rrset: Vec<&[u8]> = record.split(|&b| b == 0).collect();
        let _ = StsRecord::parse_rrset(&rrset);
    }
});
