//! The TLS-RPT report reader on arbitrary bytes: JSON, gzip and email detection, decompression, MIME; and
//! the comparison of what it read with a live policy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::Policy;
use mta_sts::report::read_files;

const LIVE: &[u8] = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";

fuzz_target!(|data: &[u8]| {
    let set = read_files(&[("fuzz".to_owned(), data)]);
    assert_eq!(set.files.len(), 1);
    // A file is read or has its sentence, never both.
    assert_eq!(set.files[0].error.is_none(), set.files[0].reports > 0);
    let live = Policy::parse(LIVE).value;
    for domain in set.sts_policy_domains() {
        let comparison = set.compare_live(&domain, live.as_ref(), Some("1"));
        assert!(comparison.senders.iter().all(|s| s.same == (s.added.is_empty() && s.removed.is_empty())));
    }
});
