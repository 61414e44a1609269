//! Domain input normalisation on arbitrary text: never panics, and what it accepts is canonical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::Domain;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(domain) = Domain::parse(text) {
        assert_eq!(Domain::parse(domain.as_str()).as_ref(), Ok(&domain));
        assert!(domain.as_str().len() + "_mta-sts.".len() <= 253);
    }
});
