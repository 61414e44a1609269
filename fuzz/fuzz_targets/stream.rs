//! The streamed answer's reader on arbitrary bytes, cut at an arbitrary point: malformed lines are errors,
//! never panics, and every partial check it folds evaluates.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else { return };
    let (first, rest) = data.split_at(usize::from(cut).min(data.len()));
    let mut reader = mta_sts::api::StreamReader::default();
    for chunk in [first, rest] {
        if reader.push(chunk).is_err() {
            return;
        }
        if let Some(partial) = reader.partial() {
            let _ = partial.evaluate(1_795_867_200);
        }
    }
    let _ = reader.finish();
});
