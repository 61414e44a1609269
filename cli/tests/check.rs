//! `mta-sts check` end to end against local fixture servers: the fault matrix, one domain per
//! row, each asserting its finding; then the exit codes and the input forms.

mod support;

use serde_json::Value;
use support::run::{Run, codes, mta_sts};
use support::{Cert, Fault, Fixture, Reply, World};

const VALID_CRLF: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx.{d}\r\nmax_age: 604800\r\n";

fn policy_for(domain: &str) -> Reply {
    Reply::policy(&VALID_CRLF.replace("{d}", domain))
}

fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    Reply::Http {
        status,
        headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
        body: body.to_vec(),
    }
}

const PLAIN: (&str, &str) = ("Content-Type", "text/plain");

/// `(domain, what the row is about, expected codes that must appear, expected verdict)`.
struct Row {
    domain: &'static str,
    must: &'static [&'static str],
    verdict: &'static str,
}

#[allow(clippy::too_many_lines)] // the whole fault matrix in one table reads best
fn matrix() -> (World, Vec<Row>) {
    let mut w = World::default();
    let local = Some("127.0.0.1");
    let mut rows = Vec::new();
    let mut row = |domain: &'static str, must: &'static [&'static str], verdict: &'static str| {
        rows.push(Row { domain, must, verdict });
    };

    w.deploy("crlf.test", local, None, policy_for("crlf.test"), Cert::Good);
    row("crlf.test", &[], "enforce");
    let lf = VALID_CRLF.replace("\r\n", "\n").replace("{d}", "lf.test");
    w.deploy("lf.test", local, None, Reply::policy(&lf), Cert::Good);
    row("lf.test", &[], "enforce");
    for (domain, status) in [("r301.test", 301), ("r302.test", 302)] {
        let reply = http(status, &[("Location", "https://www.example.net/mta-sts.txt"), PLAIN], b"moved");
        w.deploy(domain, local, None, reply, Cert::Good);
    }
    row("r301.test", &["policy-redirect"], "invalid");
    row("r302.test", &["policy-redirect"], "invalid");
    w.deploy("s404.test", local, None, http(404, &[PLAIN], b"not found"), Cert::Good);
    row("s404.test", &["policy-http-status"], "invalid");
    w.deploy("s500.test", local, None, http(500, &[PLAIN], b"oops"), Cert::Good);
    row("s500.test", &["policy-http-status"], "invalid");
    let body = VALID_CRLF.replace("{d}", "html.test");
    w.deploy("html.test", local, None, http(200, &[("Content-Type", "text/html")], body.as_bytes()), Cert::Good);
    row("html.test", &["policy-content-type"], "enforce");
    let body = VALID_CRLF.replace("{d}", "noct.test");
    w.deploy("noct.test", local, None, http(200, &[], body.as_bytes()), Cert::Good);
    row("noct.test", &["policy-content-type"], "enforce");
    let mut big = VALID_CRLF.replace("{d}", "big70.test").into_bytes();
    big.extend_from_slice(b"x-padding: ");
    big.resize(70 * 1024 - 2, b'a');
    big.extend_from_slice(b"\r\n");
    w.deploy("big70.test", local, None, http(200, &[PLAIN], &big), Cert::Good);
    row("big70.test", &["policy-too-large"], "enforce");
    let huge = vec![b'a'; 5 * 1024 * 1024];
    w.deploy("huge.test", local, None, http(200, &[PLAIN], &huge), Cert::Good);
    row("huge.test", &["policy-too-large", "policy-no-colon"], "invalid");
    w.deploy(
        "trickle.test",
        local,
        None,
        Reply::Trickle(VALID_CRLF.replace("{d}", "trickle.test").into_bytes()),
        Cert::Good,
    );
    row("trickle.test", &["policy-fetch-failed"], "invalid");
    w.deploy("badutf8.test", local, None, http(200, &[PLAIN], b"version: STSv1\r\nmode: enf\xffrce\r\n"), Cert::Good);
    row("badutf8.test", &["policy-not-utf8"], "invalid");
    let bom = format!("\u{feff}{}", VALID_CRLF.replace("{d}", "bom.test"));
    w.deploy("bom.test", local, None, http(200, &[PLAIN], bom.as_bytes()), Cert::Good);
    row("bom.test", &["policy-bom"], "invalid");
    w.deploy("expired.test", local, None, policy_for("expired.test"), Cert::Expired);
    row("expired.test", &["policy-tls-invalid"], "invalid");
    w.deploy("wrongname.test", local, None, policy_for("wrongname.test"), Cert::WrongName);
    row("wrongname.test", &["policy-tls-invalid"], "invalid");
    w.deploy("selfsigned.test", local, None, policy_for("selfsigned.test"), Cert::SelfSigned);
    row("selfsigned.test", &["policy-tls-invalid"], "invalid");
    w.deploy("expiring.test", local, None, policy_for("expiring.test"), Cert::ExpiringSoon);
    row("expiring.test", &["policy-cert-expiring"], "enforce");
    w.deploy("handshake.test", local, None, policy_for("handshake.test"), Cert::None);
    row("handshake.test", &["policy-tls-invalid"], "invalid");
    w.deploy("refused.test", local, None, policy_for("refused.test"), Cert::Good);
    row("refused.test", &["policy-fetch-failed"], "invalid");
    w.deploy("servfail.test", local, None, policy_for("servfail.test"), Cert::Good);
    w.faults.insert("_mta-sts.servfail.test TXT".into(), Fault::ServFail);
    row("servfail.test", &["record-lookup-failed"], "lookup-failed");
    w.deploy("dohhang.test", local, None, policy_for("dohhang.test"), Cert::Good);
    w.faults.insert("_mta-sts.dohhang.test TXT".into(), Fault::Hang);
    row("dohhang.test", &["record-lookup-failed"], "lookup-failed");
    w.deploy("garbage.test", local, None, policy_for("garbage.test"), Cert::Good);
    w.faults.insert("_mta-sts.garbage.test TXT".into(), Fault::Garbage);
    row("garbage.test", &["record-lookup-failed"], "lookup-failed");
    w.record("nx.test", "MX", "10 mx.nx.test");
    row("nx.test", &["record-missing"], "not-deployed");
    w.deploy("two.test", local, None, policy_for("two.test"), Cert::Good);
    w.record("_mta-sts.two.test", "TXT", "v=STSv1; id=2;");
    row("two.test", &["record-multiple"], "invalid");
    w.deploy("mxnot.test", local, None, policy_for("mxnot.test"), Cert::Good);
    w.record("mxnot.test", "MX", "20 backup.elsewhere.test");
    row("mxnot.test", &["mx-not-covered"], "enforce");
    w.deploy("norpt.test", local, None, policy_for("norpt.test"), Cert::Good);
    w.zone.retain(|record| record.owner != "_smtp._tls.norpt.test");
    row("norpt.test", &["tlsrpt-missing"], "enforce");
    w.deploy("dual.test", local, Some("::1"), policy_for("dual.test"), Cert::Good);
    row("dual.test", &["policy-host-unreachable"], "enforce");
    (w, rows)
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn fault_matrix() {
    let (world, rows) = matrix();
    let fixture = Fixture::start(world);
    let port = fixture.policy_addr.port();
    let mut args: Vec<String> = vec!["check".into(), "--json".into(), "--timeout".into(), "3".into()];
    // Per-host routes first: curl's rule, and ours, is that the first matching --connect-to wins.
    args.extend(["--connect-to".into(), format!("mta-sts.refused.test:443:127.0.0.1:{}", closed_port())]);
    // dual.test keeps its resolved addresses (127.0.0.1 and ::1); only 127.0.0.1 has a server.
    args.extend(["--connect-to".into(), format!("mta-sts.dual.test:443::{port}")]);
    args.extend(["--concurrency".into(), "64".into()]);
    // Judged at the instant the fixture's certificates are dated from.
    args.extend(["--now".into(), fixture.now.to_string()]);
    args.extend(fixture.flags());
    args.extend(rows.iter().map(|r| r.domain.to_owned()));
    let run = mta_sts(&args);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // Bounded without a wall-clock threshold: the slowest rows (a trickling body) end in a "timeout"
    // error, asserted below, rather than whenever the fixture gives up.
    let reports = run.reports();
    assert_eq!(reports.len(), rows.len(), "{}", run.stderr);
    let mut failures = Vec::new();
    for (row, report) in rows.iter().zip(&reports) {
        assert_eq!(report["domain"], row.domain, "reports come in input order");
        let got = codes(report);
        for code in row.must {
            if !got.iter().any(|c| c == code) {
                failures.push(format!("{}: expected {code}, got {got:?}", row.domain));
            }
        }
        if report["verdict"] != row.verdict {
            failures.push(format!("{}: expected verdict {}, got {}", row.domain, row.verdict, report["verdict"]));
        }
        if row.must.is_empty() && report["valid"] != true {
            failures.push(format!("{}: expected valid, got {got:?}", row.domain));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(run.code, 1, "some rows are invalid");

    let by = |d: &str| reports.iter().find(|r| r["domain"] == d).unwrap();
    // The certificate as rustls saw it: chain, names, TLS version, per-family attempts.
    let cert = &by("crlf.test")["evidence"]["policy"]["certificate"];
    assert_eq!(cert["chain"][0]["dns_names"][0], "mta-sts.crlf.test");
    assert_eq!(cert["chain"][0]["issuer"], "CN=mta-sts test CA");
    assert_eq!(cert["tls_version"], "TLSv1.3");
    assert_eq!(cert["addresses"][0]["family"], "ipv4");
    assert_eq!(by("lf.test")["evidence"]["policy"]["line_endings"], "lf");
    assert_eq!(by("r301.test")["evidence"]["policy"]["headers"]["location"], "https://www.example.net/mta-sts.txt");
    let huge = &by("huge.test")["evidence"]["policy"];
    assert_eq!(huge["truncated"], true);
    assert_eq!(huge["size"], mta_sts::plan::POLICY_BODY_CAP);
    assert_eq!(by("big70.test")["evidence"]["policy"]["truncated"], false);
    // A rejected certificate is still described, so the report can say why.
    let expired = &by("expired.test")["evidence"]["policy"];
    assert!(expired["error"].as_str().unwrap().contains("tls"), "{expired}");
    assert_eq!(expired["certificate"]["chain"][0]["dns_names"][0], "mta-sts.expired.test");
    assert_eq!(by("wrongname.test")["evidence"]["policy"]["certificate"]["chain"][0]["dns_names"][0], "www.other.test");
    assert!(by("trickle.test")["evidence"]["policy"]["error"].as_str().unwrap().starts_with("timeout"));
    // Certificates are dated from the fixture's instant, and the report judges at that same instant.
    let expiring = by("expiring.test");
    let leaf = &expiring["evidence"]["policy"]["certificate"]["chain"][0];
    assert_eq!(leaf["not_after"], fixture.now + 3 * 86_400 + 3_600, "{leaf}");
    let message = expiring["findings"].as_array().unwrap().iter().find(|f| f["code"] == "policy-cert-expiring");
    assert!(message.unwrap()["message"].as_str().unwrap().contains("expires in 3 days"), "{expiring}");
    let dual = &by("dual.test")["evidence"]["policy"]["certificate"]["addresses"];
    assert_eq!(dual[1]["family"], "ipv6");
    assert!(dual[1]["error"].is_object(), "{dual}");
}

fn small_world() -> World {
    let mut w = World::default();
    w.deploy("ok.test", Some("127.0.0.1"), None, policy_for("ok.test"), Cert::Good);
    w.deploy("ok2.test", Some("127.0.0.1"), None, policy_for("ok2.test"), Cert::Good);
    w.deploy("servfail.test", Some("127.0.0.1"), None, policy_for("servfail.test"), Cert::Good);
    w.faults.insert("_mta-sts.servfail.test TXT".into(), Fault::ServFail);
    w.record("nx.test", "MX", "10 mx.nx.test");
    w
}

/// Checks against the fixture, judged at the instant its certificates are dated from.
fn check(fixture: &Fixture, extra: &[&str]) -> Run {
    check_at(fixture, fixture.now, extra)
}

fn check_at(fixture: &Fixture, now: u64, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec!["check".into(), "--now".into(), now.to_string()];
    args.extend(fixture.flags());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    mta_sts(&args)
}

#[test]
fn exit_codes() {
    let fixture = Fixture::start(small_world());
    assert_eq!(check(&fixture, &["--json", "ok.test", "ok2.test"]).code, 0);
    assert_eq!(check(&fixture, &["--json", "ok.test", "nx.test"]).code, 1);
    assert_eq!(check(&fixture, &["--json", "ok.test", "servfail.test"]).code, 3, "lookup failures only");
    assert_eq!(check(&fixture, &["--json", "servfail.test", "nx.test"]).code, 1, "invalid wins over lookup failures");
    let bad = check(&fixture, &["ok.test", "not a domain"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a domain"), "{}", bad.stderr);
    assert_eq!(check(&fixture, &[]).code, 2);
    assert_eq!(check(&fixture, &["--timeout", "0", "ok.test"]).code, 2);
    assert_eq!(check(&fixture, &["--resolve", "nonsense", "ok.test"]).code, 2);
}

#[test]
fn domains_from_a_file_and_standard_input_and_human_output() {
    let fixture = Fixture::start(small_world());
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("domains.txt");
    std::fs::write(&list, "# monitored\nok.test\n\nok2.test  # second\n").unwrap();
    let run = check(&fixture, &["--json", "--file", list.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let domains: Vec<Value> = run.reports().iter().map(|r| r["domain"].clone()).collect();
    assert_eq!(domains, ["ok.test", "ok2.test"]);

    let mut args: Vec<String> = vec!["check".into(), "--json".into()];
    args.extend(fixture.flags());
    args.push("-".into());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mta-sts"))
        .args(&args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(b"ok.test\r\nnx.test\r\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);

    let human = check(&fixture, &["ok.test"]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains("verdict: enforce"), "{}", human.stdout);
    assert!(human.stdout.contains("Policy host TLS"), "{}", human.stdout);
    assert!(human.stdout.contains("TLSv1.3"), "{}", human.stdout);
    assert!(!human.stdout.contains('\u{1b}'), "no colour when not on a terminal");
}

/// `--now` moves the judgement, not the network: the handshake is verified against the real clock, the
/// report's certificate dates at `--now` (as `check --help` says).
#[test]
fn now_moves_the_judgement_not_the_handshake() {
    const DAY: u64 = 86_400;
    let fixture = Fixture::start(small_world());
    // The fixture's certificate for mta-sts.ok.test is valid from its instant - 1 day to + 90 days.
    let at = |now: u64| {
        let run = check_at(&fixture, now, &["--json", "ok.test"]);
        let report = run.reports().remove(0);
        (run, report)
    };
    let finding = |report: &Value, code: &str| {
        report["findings"].as_array().unwrap().iter().find(|f| f["code"] == code).map(|f| f["message"].clone())
    };

    let (run, later) = at(fixture.now + 100 * DAY);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(later["evidence"]["policy"]["status"], 200, "fetched: the handshake used the real clock");
    let message = finding(&later, "policy-tls-invalid").expect("expired as of --now");
    assert!(message.as_str().unwrap().contains("expired"), "{message}");
    assert_eq!(later["verdict"], "invalid");

    let (_, earlier) = at(fixture.now - 2 * DAY);
    let message = finding(&earlier, "policy-tls-invalid").expect("not valid yet as of --now");
    assert!(message.as_str().unwrap().contains("is not valid yet"), "{message}");

    let (run, soon) = at(fixture.now + 80 * DAY);
    assert_eq!(run.code, 0, "a warning only: {}", run.stdout);
    let message = finding(&soon, "policy-cert-expiring").expect("expiring as of --now");
    assert!(message.as_str().unwrap().contains("expires in 10 days"), "{message}");

    let help = mta_sts(&["check".into(), "--help".into()]);
    assert!(help.stdout.contains("verified against the real clock"), "{}", help.stdout);
    let help = mta_sts(&["preflight".into(), "--help".into()]);
    assert!(help.stdout.contains("verified against the real clock"), "{}", help.stdout);
}

/// The second round of probes through the native shell: the MX answer names the host, its TLSA records
/// are asked for, and the report, the MX table and the senders show DANE (RFC 8461 §2, RFC 7672).
#[test]
fn check_looks_up_each_mx_hosts_tlsa_records_and_shows_dane() {
    let mut w = World::default();
    w.zone = std::mem::take(&mut w.zone).authenticated(true);
    w.deploy("dane.test", Some("127.0.0.1"), None, policy_for("dane.test"), Cert::Good);
    w.record("_25._tcp.mx.dane.test", "TLSA", &format!("3 1 1 {}", "5a".repeat(32)));
    let fixture = Fixture::start(w);

    let run = check(&fixture, &["--json", "dane.test"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = &run.reports()[0];
    assert!(codes(report).contains(&"mx-tlsa".to_owned()), "{report}");
    assert_eq!(report["mx"][0]["tlsa"], serde_json::json!({"records": 1, "usable": 1, "validated": true}));
    let tlsa = report["evidence"]["dns"].as_array().unwrap().iter().find(|e| e["probe"] == "tlsa").cloned();
    assert_eq!(tlsa.map(|e| e["name"].clone()), Some(serde_json::json!("_25._tcp.mx.dane.test")));
    let outcome =
        |id: &str| report["senders"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()["outcome"].clone();
    assert_eq!((outcome("rfc"), outcome("postfix-tlspol")), (serde_json::json!("enforce"), serde_json::json!("dane")));

    let human = check(&fixture, &["dane.test"]).stdout;
    assert!(human.contains("DANE: TLSA, DNSSEC-validated"), "{human}");
    let senders = human.split("\nSenders\n").nth(1).unwrap_or_else(|| panic!("no senders table: {human}"));
    let row = senders.lines().find(|l| l.trim_start().starts_with("Postfix with postfix-tlspol")).unwrap();
    assert!(row.contains("dane") && row.contains("mx-tlsa"), "{senders}");
}
