//! The SSRF guard: with it on (the default), a policy host that resolves to any non-public address is
//! refused before a single packet leaves, whatever the spelling, and a listener there sees nothing.

mod support;

use std::sync::atomic::Ordering;

use support::run::{codes, mta_sts};
use support::{Cert, Fixture, Reply, World};

/// A records (binary in DNS: the resolver cannot spell them oddly) for every refused IPv4 range.
const A: &[&str] = &[
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.1",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
];

/// AAAA records: loopback, ULA, link-local, documentation, and every form that embeds IPv4.
const AAAA: &[&str] = &[
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:0:a00:1",
    "::a00:1",
    "64:ff9b::a00:1",
    "64:ff9b:1::1",
    "100::1",
    "2001::1",
    "2001:db8::1",
    "2002:a00:1::1",
    "3fff::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fec0::1",
    "ff02::1",
];

/// Textual spellings where the guard parses text itself (`--resolve`): decimal, octal, hex, short forms.
const SPELLED: &[&str] = &[
    "2130706433",
    "0x7f000001",
    "017700000001",
    "0177.0.0.1",
    "127.1",
    "0x7f.1",
    "0x7f.0.0.0x1",
    "0xa.0.0.1",
    "012.0.0.1",
    "167772161",
    "0xA9.0xFE.0xA9.0xFE",
    "[::1]",
    "::ffff:7f00:1",
];

#[test]
fn non_public_targets_are_refused_and_see_no_connection() {
    let mut world = World::default();
    let mut domains = Vec::new();
    let policy = || Reply::policy("version: STSv1\r\nmode: testing\r\nmx: *.test\r\nmax_age: 86400\r\n");
    for (i, a) in A.iter().enumerate() {
        let d = format!("a{i}.test");
        world.deploy(&d, Some(a), None, policy(), Cert::Good);
        domains.push(d);
    }
    for (i, aaaa) in AAAA.iter().enumerate() {
        let d = format!("aaaa{i}.test");
        world.deploy(&d, None, Some(aaaa), policy(), Cert::Good);
        domains.push(d);
    }
    // Mixed answers: one public address does not launder a private one.
    world.deploy("mixed4.test", Some("93.184.216.34"), None, policy(), Cert::Good);
    world.record("mta-sts.mixed4.test", "A", "127.0.0.1");
    world.deploy("mixed6.test", Some("93.184.216.34"), Some("::1"), policy(), Cert::Good);
    domains.extend(["mixed4.test".to_owned(), "mixed6.test".to_owned()]);
    let mut pins = Vec::new();
    for (i, spelled) in SPELLED.iter().enumerate() {
        let d = format!("spelled{i}.test");
        // The zone says public; the pinned spelling says loopback or private, and must be seen through.
        world.deploy(&d, Some("93.184.216.34"), None, policy(), Cert::Good);
        pins.extend(["--resolve".to_owned(), format!("mta-sts.{d}:443:{spelled}")]);
        domains.push(d);
    }
    assert!(domains.len() >= 40, "{} targets", domains.len());
    let fixture = Fixture::start(world);
    // A listener on every local address, where the policy fetch would land if the guard let it through.
    let (addr, seen, listener) = fixture.block_on(support::counting_listener("0.0.0.0:0"));
    fixture.spawn(support::count(listener, seen.clone()));
    let port = addr.port();
    let seen6 = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    if let Ok(listener6) = fixture.block_on(tokio::net::TcpListener::bind(("::1", port))) {
        fixture.spawn(support::count(listener6, seen6.clone()));
    }

    let base = |guard: bool| {
        let mut args: Vec<String> = vec!["check".into(), "--json".into(), "--timeout".into(), "3".into()];
        args.extend(["--doh".into(), fixture.doh_url.clone(), "--ca-file".into(), fixture.ca_file()]);
        // Keep whatever address was resolved or pinned, but use the counting listener's port.
        args.extend(["--connect-to".into(), format!(":443::{port}")]);
        if !guard {
            args.push("--allow-private-addresses".into());
        }
        args
    };
    let mut args = base(true);
    args.extend(pins.iter().cloned());
    args.extend(domains.iter().cloned());
    let run = mta_sts(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let reports = run.reports();
    assert_eq!(reports.len(), domains.len());
    let mut failures = Vec::new();
    for report in &reports {
        let got = codes(report);
        if !got.iter().any(|c| c == "policy-host-not-public") {
            failures.push(format!("{}: not refused: {got:?}", report["domain"]));
        }
        if !report["evidence"]["policy"]["certificate"].is_null() {
            failures.push(format!("{}: a connection was attempted", report["domain"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(seen.load(Ordering::SeqCst) + seen6.load(Ordering::SeqCst), 0, "the guard let a connection through");

    // The control: without the guard the same setup does reach the listener, so zero above means refused.
    let mut args = base(false);
    args.push("a6.test".into());
    let run = mta_sts(&args);
    assert!(run.reports()[0]["evidence"]["policy"]["certificate"].is_object(), "{}", run.stdout);
    assert!(seen.load(Ordering::SeqCst) > 0, "the control run should have connected");
}
