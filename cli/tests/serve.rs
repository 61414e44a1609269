//! `mta-sts serve`: the worker's `/api/observe` contract (400 with a reason, CORS without credentials,
//! no-store, 429 with JSON), security headers, no domain in the log, and a graceful stop on SIGTERM.

mod support;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command};

use support::{Cert, Fixture, Reply, World};

struct Server {
    child: Child,
    addr: String,
    log: BufReader<std::process::ChildStderr>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(fixture: &Fixture, extra: &[&str]) -> Server {
    let mut args = fixture.flags();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let (child, addr, log) = support::run::serve(&args);
    Server { child, addr, log }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn request(server: &Server, method: &str, target: &str) -> Answer {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(stream, "{method} {target} HTTP/1.1\r\nHost: checker.test\r\nOrigin: https://elsewhere.test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    Answer { status, headers, body: body.to_owned() }
}

fn world() -> World {
    let mut w = World::default();
    let policy = Reply::policy("version: STSv1\r\nmode: enforce\r\nmx: mx.ok.test\r\nmax_age: 604800\r\n");
    w.deploy("ok.test", Some("127.0.0.1"), None, policy, Cert::Good);
    w
}

fn assert_api_headers(answer: &Answer) {
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    assert_eq!(answer.header("access-control-allow-credentials"), None);
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
    assert!(answer.header("content-security-policy").is_some_and(|v| v.contains("default-src 'none'")));
}

#[test]
fn observe_contract() {
    let fixture = Fixture::start(world());
    let server = start(&fixture, &[]);

    let ok = request(&server, "GET", "/api/observe?domain=OK.test.");
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_api_headers(&ok);
    let observations: mta_sts::Observations = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(observations.domain, "ok.test");
    // Judged at the instant the fixture's certificates are dated from (the server verified them at the
    // real clock, a moment later).
    let report = mta_sts::evaluate(&observations, fixture.now).unwrap();
    assert_eq!(report.verdict, mta_sts::Verdict::Enforce, "{:?}", report.findings);

    for (target, needle) in [
        ("/api/observe", "Add the domain"),
        ("/api/observe?domain=a&domain=b", "one domain"),
        ("/api/observe?domain=exa%20mple.com", ""),
        ("/api/observe?domain=a..b.test", ""),
        ("/api/observe?domain=localhost", ""),
    ] {
        let answer = request(&server, "GET", target);
        assert_eq!(answer.status, 400, "{target}");
        assert_api_headers(&answer);
        let reason = answer.json()["error"].as_str().unwrap().to_owned();
        assert!(reason.ends_with('.') && reason.contains(needle), "{target}: {reason}");
    }
    let missing = request(&server, "GET", "/api/nothing");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].is_string());

    let preflight = request(&server, "OPTIONS", "/api/observe");
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight.header("access-control-allow-methods").unwrap().contains("GET"));

    let page = request(&server, "GET", "/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/api/observe"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
}

/// The observations without what differs from one run to the next: timings and the time of the check.
fn steady(observations: &mta_sts::Observations) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("elapsed_ms");
                map.remove("observed_at");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(observations).unwrap();
    strip(&mut value);
    value
}

/// `stream=1`: ndjson lines, the DNS ones while the policy host still holds its answer, folding into the
/// unstreamed answer.
#[test]
fn streamed_answer_folds_into_the_unstreamed_one() {
    let gate = std::sync::Arc::new(tokio::sync::Notify::new());
    let mut w = world();
    let policy = Reply::policy("version: STSv1\r\nmode: testing\r\nmx: mx.held.test\r\nmax_age: 604800\r\n");
    w.deploy("held.test", Some("127.0.0.1"), None, Reply::Held(gate.clone(), Box::new(policy)), Cert::Good);
    let fixture = Fixture::start(w);
    let server = start(&fixture, &[]);

    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "GET /api/observe?domain=held.test&stream=1 HTTP/1.1\r\nHost: checker.test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        head.push(line.trim_end().to_ascii_lowercase());
    }
    assert!(head[0].starts_with("http/1.1 200"), "{head:?}");
    assert!(head.contains(&"content-type: application/x-ndjson".to_owned()), "{head:?}");
    assert!(head.contains(&"cache-control: no-store".to_owned()), "{head:?}");
    assert!(head.contains(&"transfer-encoding: chunked".to_owned()), "{head:?}");

    // Chunked: a size line, the data, an empty line. Each line of the answer arrives whole in one chunk.
    let mut folded = mta_sts::api::StreamReader::default();
    let mut next_chunk = || {
        let mut size = String::new();
        reader.read_line(&mut size).unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        let mut data = vec![0; size + 2];
        reader.read_exact(&mut data).unwrap();
        data.truncate(size);
        data
    };
    // The first line and the five DNS lines arrive while the policy host holds its answer.
    while folded.partial().is_none_or(|p| p.pending != [mta_sts::observe::Probe::Policy]) {
        let chunk = next_chunk();
        assert!(!chunk.is_empty(), "the answer ended early");
        folded.push(&chunk).unwrap();
    }
    let report = folded.partial().unwrap().evaluate(fixture.now).unwrap();
    assert_eq!(report.verdict, mta_sts::Verdict::Pending);
    assert!(report.record.is_some() && !report.mx.is_empty(), "{:?}", report.findings);
    gate.notify_one();
    loop {
        let chunk = next_chunk();
        if chunk.is_empty() {
            break;
        }
        folded.push(&chunk).unwrap();
    }
    let streamed = folded.finish().unwrap();
    let report = mta_sts::evaluate(&streamed, fixture.now).unwrap();
    assert_eq!(report.verdict, mta_sts::Verdict::Testing, "{:?}", report.findings);

    gate.notify_one();
    let plain = request(&server, "GET", "/api/observe?domain=held.test");
    let plain: mta_sts::Observations = serde_json::from_str(&plain.body).unwrap();
    assert_eq!(steady(&streamed), steady(&plain));
    assert_eq!(report.findings, mta_sts::evaluate(&plain, fixture.now).unwrap().findings);

    // Refusals stay plain JSON answers with their status.
    let refused = request(&server, "GET", "/api/observe?domain=a..b.test&stream=1");
    assert_eq!(refused.status, 400);
    assert!(refused.json()["error"].is_string());
}

#[test]
fn rate_limit_answers_429_json() {
    let fixture = Fixture::start(world());
    let server = start(&fixture, &["--rate-limit", "2"]);
    for _ in 0..2 {
        assert_eq!(request(&server, "GET", "/api/observe?domain=ok.test").status, 200);
    }
    let limited = request(&server, "GET", "/api/observe?domain=ok.test");
    assert_eq!(limited.status, 429);
    assert_api_headers(&limited);
    assert!(limited.json()["error"].as_str().unwrap().contains("Too many checks"));
    assert_eq!(limited.header("retry-after"), Some("60"));
}

#[test]
fn serves_assets_logs_no_domain_and_stops_gracefully() {
    let fixture = Fixture::start(world());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dir.path().join("app.js"), "console.log(1)").unwrap();
    for page in ["generate", "preflight", "embed", "rules", "reports"] {
        std::fs::write(dir.path().join(format!("{page}.html")), format!("<!doctype html><title>{page}</title>"))
            .unwrap();
    }
    let mut server = start(&fixture, &["--assets", dir.path().to_str().unwrap()]);
    let script = request(&server, "GET", "/app.js");
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").unwrap().contains("javascript"));
    // A client-side route falls back to the app.
    let route = request(&server, "GET", "/report/ok.test");
    assert!(route.body.contains("<title>app</title>"));
    // The set-up pages and the widget have pages of their own; only the widget may be framed.
    for (path, title, framing) in [
        ("/", "app", "frame-ancestors 'none'"),
        ("/generate?domain=ok.test", "generate", "frame-ancestors 'none'"),
        ("/preflight", "preflight", "frame-ancestors 'none'"),
        ("/rules", "rules", "frame-ancestors 'none'"),
        ("/reports", "reports", "frame-ancestors 'none'"),
        ("/embed?domain=ok.test&lock=1", "embed", "frame-ancestors *"),
    ] {
        let page = request(&server, "GET", path);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(&format!("<title>{title}</title>")), "{path}: {}", page.body);
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains(framing) && csp.matches("frame-ancestors").count() == 1, "{path}: {csp}");
    }
    assert_eq!(request(&server, "GET", "/api/observe?domain=ok.test").status, 200);

    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    server.log.read_to_string(&mut log).unwrap();
    assert!(log.contains("GET /api/observe 200"), "{log}");
    assert!(log.contains("shutting down"), "{log}");
    assert!(!log.contains("ok.test"), "the log must not name the queried domain: {log}");
}
