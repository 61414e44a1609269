//! The test fixture servers as a process, for the benchmarks: a DNS-over-HTTPS server and an HTTPS
//! policy server on loopback, where every `*.bench.test` domain has a valid deployment.
//!
//! Prints the `check` flags that point at them on one line, then serves until standard input closes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{Read as _, Write as _};

fn main() {
    let world = support::World { synthetic_suffix: Some(".bench.test".to_owned()), ..support::World::default() };
    let fixture = support::Fixture::start(world);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", fixture.flags().join(" ")).unwrap();
    stdout.flush().unwrap();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
