//! MX pattern parsing and matching on arbitrary pattern/host pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (pattern, host) = text.split_once('\n').unwrap_or((text, "mail.example.com"));
    let _ = mta_sts::mx::matches(pattern, host);
});
