//! The TLS-RPT report reader on arbitrary bytes: JSON, gzip and email detection, decompression, MIME.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::report::read_files;

fuzz_target!(|data: &[u8]| {
    let set = read_files(&[("fuzz".to_owned(), data)]);
    assert_eq!(set.files.len(), 1);
});
