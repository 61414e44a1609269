//! The policy body parser on arbitrary bytes, biased towards the grammar's alphabet half of the time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::Policy;

/// Maps bytes onto the characters that matter to RFC 8461 §3.2, so the fuzzer reaches deep states fast.
fn into_alphabet(data: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"version: STSv1\r\nmode:enforcetstingnx_age0123456789*.-\t :\r\n\xef\xbb\xbf\xc3\xa9";
    data.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()]).collect()
}

fuzz_target!(|data: &[u8]| {
    for body in [data.to_vec(), into_alphabet(data)] {
        let parsed = Policy::parse(&body);
        if let Some(policy) = &parsed.value {
            // What parses as valid renders to text that parses to the same policy.
            let again = Policy::parse(policy.to_text().as_bytes());
            assert_eq!(again.value.as_ref(), Some(policy));
        }
        for finding in &parsed.findings {
            if let Some(span) = finding.span {
                assert!(span.start <= span.end && span.end <= body.len(), "span out of the input");
            }
        }
        let _ = Policy::salvage(&body);
    }
});
