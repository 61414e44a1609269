//! The bounce explainer on arbitrary text: never a panic, and every cause quotes words of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let explanation = mta_sts::bounce::explain(&text);
    for cause in &explanation.causes {
        assert!(!cause.quote.is_empty());
    }
    assert!(explanation.truncated == (text.len() > mta_sts::bounce::MAX_TEXT_LEN));
});
