//! How long the reports page's reader takes in a real browser: 10 MB of uncompressed TLS-RPT JSON (the
//! native benchmark's input, `benches/core.rs` `report/read_files`), read in WebAssembly in headless
//! Chromium, several times; the median is printed. A measurement, not a test: ignored, not run by
//! `.ci/run`, no time is asserted. Run it with
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p mta-sts-web --target wasm32-unknown-unknown --release --test speed -- --include-ignored --nocapture
//! ```

#![cfg(target_arch = "wasm32")]

use mta_sts::report::read_files;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const RUNS: usize = 7;

#[wasm_bindgen_test]
#[ignore = "a measurement: run with --include-ignored --nocapture, in release"]
fn reading_10_mb_of_reports() {
    // The native benchmark's 10 MB.
    let owned = mta_sts::report::sample_files(10 * 1024 * 1024);
    let files: Vec<(String, &[u8])> = owned.iter().map(|(n, b)| (n.clone(), b.as_slice())).collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let performance = web_sys::window().unwrap().performance().unwrap();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = performance.now();
        let set = read_files(&files);
        let elapsed = performance.now() - start;
        assert_eq!(set.reports.len(), files.len());
        // The summary the page shows is part of reading.
        assert_eq!(set.summary().successful, set.totals.successful);
        times.push(elapsed);
    }
    times.sort_by(f64::total_cmp);
    console_log!(
        "reading {} files, {bytes} bytes, {RUNS} runs: median {:.0} ms (min {:.0}, max {:.0})",
        files.len(),
        times[RUNS / 2],
        times[0],
        times[RUNS - 1]
    );
}
