//! The worker's figures: bundle size (gzip) and the median latency of `/api/observe` over 50 requests
//! with every upstream delayed by 200 ms, in workerd (`wrangler dev`) against the local DoH fixture.
//!
//! Run by `worker/bench.sh` (which builds the worker first). Prints one line per figure.

use std::io::Write as _;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mta_sts_testkit::doh::DohServer;
use mta_sts_testkit::http;
use mta_sts_testkit::worker::{Wrangler, worker_dir};
use mta_sts_testkit::zone::Zone;

const REQUESTS: usize = 50;
const UPSTREAM_DELAY: Duration = Duration::from_millis(200);

fn gzipped_size(path: &std::path::Path) -> usize {
    let mut child = Command::new("gzip").arg("-9c").arg(path).stdout(Stdio::piped()).spawn().expect("gzip");
    let mut out = Vec::new();
    std::io::Read::read_to_end(child.stdout.as_mut().expect("stdout"), &mut out).expect("read gzip");
    assert!(child.wait().expect("gzip").success());
    out.len()
}

fn main() {
    mta_sts_testkit::worker::ensure_built();
    let build = worker_dir().join("build");
    let wasm = gzipped_size(&build.join("index_bg.wasm"));
    let js = gzipped_size(&build.join("index.js"));
    println!("bundle: wasm {} KiB gz + JS {} KiB gz = {} KiB gz", wasm / 1024, js / 1024, (wasm + js) / 1024);

    let zone = Zone::new()
        .txt("_mta-sts.bench.example", "v=STSv1; id=1")
        .txt("_smtp._tls.bench.example", "v=TLSRPTv1; rua=mailto:tlsrpt@bench.example")
        .mx("bench.example", 10, "mail.bench.example")
        .a("mta-sts.bench.example", Ipv4Addr::new(192, 0, 2, 1));
    let doh = DohServer::start(zone).expect("DoH fixture");
    doh.set_delay(UPSTREAM_DELAY);
    let worker = Wrangler::start(&[("DOH_URL", &doh.url())], Duration::from_secs(180));
    let path = "/api/observe?domain=bench.example";
    // One warm-up request (module instantiation), not counted.
    http::get(worker.addr, path, &[("CF-Connecting-IP", "192.0.2.200")], Duration::from_secs(15)).expect("warm-up");
    let mut times = Vec::with_capacity(REQUESTS);
    for n in 0..REQUESTS {
        // A client address per request: the benchmark measures the check, not the rate limiter.
        let client = format!("192.0.2.{n}");
        let started = Instant::now();
        let response =
            http::get(worker.addr, path, &[("CF-Connecting-IP", &client)], Duration::from_secs(15)).expect("observe");
        times.push(started.elapsed());
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "latency over {REQUESTS} requests, every DoH answer delayed {} ms (the policy host does not resolve here): \
         median {:.0} ms, min {:.0} ms, max {:.0} ms",
        UPSTREAM_DELAY.as_millis(),
        ms(times[REQUESTS / 2]),
        ms(times[0]),
        ms(times[REQUESTS - 1])
    );
    let _ = std::io::stdout().flush();
}
