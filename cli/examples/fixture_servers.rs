//! The test fixture servers as a process, for the benchmarks: a DNS-over-HTTPS server and an HTTPS
//! policy server on loopback, where every `*.bench.test` domain has a valid deployment.
//!
//! Prints the `check` flags that point at them on one line, then serves until standard input closes.
//! Each line read meanwhile names the domains (separated by spaces; none resets) whose policy is edited
//! from then on: `max_age` doubled with the record's id unchanged, the change `mta-sts monitor` must
//! report. `edited N` on standard output says the line has taken effect, so a script can wait for it.

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead as _, Write as _};

fn main() {
    let world = support::World { synthetic_suffix: Some(".bench.test".to_owned()), ..support::World::default() };
    let fixture = support::Fixture::start(world);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", fixture.flags().join(" ")).unwrap();
    stdout.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let domains: Vec<&str> = line.split_whitespace().collect();
        {
            // A site entry wins over the synthetic deployment; the benchmark world has no other.
            let mut world = fixture.world.lock().unwrap();
            world.sites.clear();
            for domain in &domains {
                let body = format!("version: STSv1\r\nmode: enforce\r\nmx: mx.{domain}\r\nmax_age: 1209600\r\n");
                let site = support::Site { cert: support::Cert::Good, reply: support::Reply::policy(&body) };
                world.sites.insert(format!("mta-sts.{domain}"), site);
            }
        }
        writeln!(stdout, "edited {}", domains.len()).unwrap();
        stdout.flush().unwrap();
    }
}
