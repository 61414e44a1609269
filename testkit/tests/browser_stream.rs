//! The check page reads the streamed answer (`/api/observe?stream=1`) as it arrives, here from
//! `mta-sts serve` (the native shell, which can be pointed at a policy host on 127.0.0.1): the DNS
//! findings show while the policy host still holds the connection, with the line that says what the
//! check waits for; the verdict comes when the test lets the policy host answer. The widget likewise.

mod common;

use std::net::{Ipv4Addr, TcpListener};
use std::sync::mpsc;

use common::{CHECK_WITHIN, Serve, verdict_in};
use mta_sts_testkit::doh::DohServer;
use mta_sts_testkit::webdriver::Browser;
use mta_sts_testkit::zone::Zone;

/// A policy host that accepts connections and holds each until the test sends on `release`, then
/// closes it without a word (the checker sees a failed TLS handshake).
fn held_policy_host() -> (u16, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the policy host");
    let port = listener.local_addr().unwrap().port();
    let (release, released) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        for connection in listener.incoming().flatten() {
            if released.recv().is_err() {
                return;
            }
            drop(connection);
        }
    });
    (port, release)
}

fn serve(doh: &DohServer, policy_port: u16) -> Serve {
    common::serve(&[
        "--doh".to_owned(),
        doh.url(),
        "--connect-to".to_owned(),
        format!("mta-sts.held.example:443:127.0.0.1:{policy_port}"),
    ])
}

#[test]
fn dns_findings_show_while_the_policy_host_holds_the_connection() {
    let zone = Zone::new()
        .txt("_mta-sts.held.example", "v=STSv1; id=20250101T000000")
        .txt("_smtp._tls.held.example", "v=TLSRPTv1; rua=mailto:tlsrpt@held.example")
        .mx("held.example", 10, "mail.held.example")
        .a("mta-sts.held.example", Ipv4Addr::new(192, 0, 2, 10));
    let doh = DohServer::start(zone).expect("start the DoH fixture server");
    let (policy_port, release) = held_policy_host();
    let server = serve(&doh, policy_port);
    let browser = Browser::start();

    browser.goto(&format!("http://{}/?domain=held.example", server.addr));
    let url = "https://mta-sts.held.example/.well-known/mta-sts.txt";
    browser.wait_for(
        &format!("(document.querySelector('section.report .waiting') || {{}}).textContent?.includes('{url}')"),
        CHECK_WITHIN,
        "the line that waits for the policy",
    );
    let shown = browser.eval(
        "const report = document.querySelector('section.report');
         return [report.dataset.verdict, report.querySelector('table.dns').textContent,
                 report.textContent, document.querySelector('.status').textContent,
                 [...report.querySelectorAll('li.finding')].map(li => li.dataset.code).join(' ')];",
        &[],
    );
    assert_eq!(shown[0], "pending", "no verdict while the policy is held");
    let (dns, all) = (shown[1].as_str().unwrap(), shown[2].as_str().unwrap());
    for answer in ["v=STSv1; id=20250101T000000", "v=TLSRPTv1; rua=mailto:tlsrpt@held.example", "mail.held.example"] {
        assert!(dns.contains(answer), "the DNS answers are shown: {dns}");
    }
    assert!(all.contains("mail.held.example"), "the MX hosts are shown: {all}");
    let findings = shown[4].as_str().unwrap();
    assert!(!findings.contains("failed"), "pending is not failed: {findings}");
    assert!(shown[3].as_str().unwrap().contains("Checking held.example"), "{shown}");
    common::screenshot_in(&browser, "streaming-policy-held");

    release.send(()).unwrap();
    assert_eq!(verdict_in(&browser, "held.example"), "invalid");
    let after = browser.eval(
        "return [!!document.querySelector('.waiting'), !!document.querySelector('[data-code=\"policy-fetch-failed\"]'),
                 document.querySelector('.status').textContent];",
        &[],
    );
    assert_eq!(after, serde_json::json!([false, true, ""]), "the verdict replaces the wait");
    // With the verdict come the senders: none of them can fetch the policy.
    let senders = browser.eval(
        "return [...document.querySelectorAll('table.senders tr[data-sender]')].map(tr => tr.dataset.sender + '=' + tr.dataset.outcome);",
        &[],
    );
    let senders: Vec<&str> = senders.as_array().unwrap().iter().filter_map(|s| s.as_str()).collect();
    assert_eq!(senders.first(), Some(&"rfc=no-policy"), "{senders:?}");
    assert!(senders.len() >= 10 && senders.iter().all(|s| s.ends_with("=no-policy")), "{senders:?}");
    // Their why comes with the words the page loads from /senders.json: the RFC's sources are linked.
    browser.wait_for(
        "!!document.querySelector('table.senders tr[data-sender=\"rfc\"] ul.sources a[href^=\"https://www.rfc-editor.org/\"]')",
        CHECK_WITHIN,
        "the senders' explanations",
    );

    // The widget shows the same progress: the wait while the policy is held, then the verdict.
    browser.goto(&format!("http://{}/embed?domain=held.example", server.addr));
    browser.wait_for(
        &format!("(document.querySelector('section.report.compact .waiting') || {{}}).textContent?.includes('{url}')"),
        CHECK_WITHIN,
        "the widget's line that waits for the policy",
    );
    let verdict = "return document.querySelector('section.report.compact').dataset.verdict;";
    assert_eq!(browser.eval(verdict, &[]), "pending");
    assert_eq!(
        browser.eval("return !!document.querySelector('.senders-line');", &[]),
        false,
        "no senders while pending"
    );
    release.send(()).unwrap();
    browser.wait_for(
        "document.querySelector('section.report.compact').dataset.verdict === 'invalid'",
        CHECK_WITHIN,
        "the widget's verdict",
    );
    assert_eq!(browser.eval("return !!document.querySelector('.waiting');", &[]), false);
    // The widget's one line about the senders, linked to the matrix on the full report.
    let senders_line = browser.eval(
        "const p = document.querySelector('.senders-line'); return [p.textContent, p.querySelector('a').href];",
        &[],
    );
    let (text, link) = (senders_line[0].as_str().unwrap(), senders_line[1].as_str().unwrap());
    assert!(
        text.starts_with("Gmail, Exchange Online and ") && text.contains("more would not apply your policy"),
        "{text}"
    );
    assert!(link.contains("domain=held.example") && link.ends_with("#senders"), "{link}");
}
