//! `evaluate` on arbitrary Observations JSON: malformed input is an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(observations) = serde_json::from_slice::<mta_sts::Observations>(data) {
        let _ = mta_sts::evaluate(&observations, 1_795_867_200);
    }
});
