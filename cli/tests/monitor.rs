//! `mta-sts monitor`, `history` and `serve --db` end to end, against the local fixture servers of the
//! check tests, with the fixture edited between runs the way a domain's owner would edit it.
//!
//! Time: every run is judged and stored at an instant derived from the fixture's `now` (`--now`), so
//! nothing depends on today's date.

mod support;

use std::io::{BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use support::run::{Run, mta_sts};
use support::{Cert, Fault, Fixture, Reply, World};

const HOUR: u64 = 3600;

fn policy(domain: &str, max_age: u32) -> Reply {
    Reply::policy(&format!("version: STSv1\r\nmode: enforce\r\nmx: mx.{domain}\r\nmax_age: {max_age}\r\n"))
}

fn deploy(w: &mut World, domain: &str) {
    w.deploy(domain, Some("127.0.0.1"), None, policy(domain, 604_800), Cert::Good);
}

fn monitor(fixture: &Fixture, db: &std::path::Path, at: u64, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec!["monitor".into(), "--json".into(), "--db".into(), db.display().to_string()];
    args.extend(["--now".into(), at.to_string(), "--timeout".into(), "5".into()]);
    args.extend(fixture.flags());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    mta_sts(&args)
}

fn lines(run: &Run) -> Vec<Value> {
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.reports()
}

fn by<'a>(lines: &'a [Value], domain: &str) -> &'a Value {
    lines.iter().find(|l| l["domain"] == domain).unwrap_or_else(|| panic!("no line for {domain}: {lines:#?}"))
}

fn change_codes(line: &Value) -> Vec<(String, String)> {
    line["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_owned(), c["severity"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(code: &str, severity: &str) -> (String, String) {
    (code.to_owned(), severity.to_owned())
}

fn history(db: &std::path::Path, domain: &str) -> Run {
    mta_sts(&["history".into(), domain.into(), "--db".into(), db.display().to_string(), "--json".into()])
}

/// A local webhook receiver: answers 500 to the very first POST (so the retry is exercised), then 204.
fn webhook(fixture: &Fixture) -> (String, Arc<Mutex<Vec<String>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let listener = fixture.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = received.clone();
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    fixture.spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let (seen, attempts) = (seen.clone(), attempts.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let (seen, attempts) = (seen.clone(), attempts.clone());
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        let status = if attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                            500
                        } else {
                            seen.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
                            204
                        };
                        Ok::<_, std::convert::Infallible>(
                            hyper::Response::builder().status(status).body(Full::new(Bytes::new())).unwrap(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), service).await;
            });
        }
    });
    (url, received)
}

#[test]
#[allow(clippy::too_many_lines)] // one story, run after run
fn changes_between_runs_webhook_history_and_exit_codes() {
    let mut w = World::default();
    for domain in ["steady.test", "edit.test", "newmx.test", "flaky.test"] {
        deploy(&mut w, domain);
    }
    let fixture = Fixture::start(w);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let domains = ["steady.test", "edit.test", "newmx.test", "flaky.test"];
    let t0 = fixture.now;

    // Run 1: everything is new; exit 0 (no error-level change).
    let (hook, received) = webhook(&fixture);
    let mut extra = domains.to_vec();
    extra.extend(["--webhook", hook.as_str()]);
    let run = monitor(&fixture, &db, t0, &extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = lines(&run);
    assert_eq!(first.len(), 4);
    for line in &first {
        assert_eq!(line["first_run"], true, "{line}");
        assert_eq!(line["checked_at"], t0);
        assert_eq!(line["verdict"], "enforce");
        assert_eq!(line["changes"], serde_json::json!([]));
    }
    // The webhook got the same lines (once-runs wait for their deliveries), the first after a retry.
    let mut got: Vec<Value> = received.lock().unwrap().iter().map(|b| serde_json::from_str(b).unwrap()).collect();
    got.sort_by_key(|v| v["domain"].as_str().unwrap().to_owned());
    let mut sent = first.clone();
    sent.sort_by_key(|v| v["domain"].as_str().unwrap().to_owned());
    assert_eq!(got, sent, "{}", run.stderr);

    // The owners edit things: a policy changed without a new id, an MX host outside the policy, a policy
    // host that starts failing.
    {
        let mut w = fixture.world.lock().unwrap();
        w.sites.get_mut("mta-sts.edit.test").unwrap().reply = policy("edit.test", 86_400);
        w.record("newmx.test", "MX", "20 mx.elsewhere.test");
        let broken = Reply::Http { status: 500, headers: Vec::new(), body: b"oops".to_vec() };
        w.sites.get_mut("mta-sts.flaky.test").unwrap().reply = broken;
    }
    let run = monitor(&fixture, &db, t0 + HOUR, &domains);
    assert_eq!(run.code, 1, "error-level changes: {}", run.stderr);
    let second = lines(&run);
    assert_eq!(by(&second, "steady.test")["changes"], serde_json::json!([]));
    assert_eq!(by(&second, "steady.test")["first_run"], false);
    assert_eq!(change_codes(by(&second, "edit.test")), [pair("policy-changed-id-unchanged", "error")]);
    assert_eq!(change_codes(by(&second, "newmx.test")), [pair("mx-added-not-covered", "error")]);
    assert_eq!(
        change_codes(by(&second, "flaky.test")),
        [pair("verdict-changed", "info"), pair("policy-fetch-failing", "warning")]
    );
    let change = &by(&second, "edit.test")["changes"][0];
    assert!(change["fix"].as_str().unwrap().contains("_mta-sts.edit.test"), "{change}");

    // Run 3: the second failure in a row is an error; the rest has not moved.
    let run = monitor(&fixture, &db, t0 + 2 * HOUR, &["flaky.test", "edit.test"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let third = lines(&run);
    assert_eq!(change_codes(by(&third, "flaky.test")), [pair("policy-fetch-still-failing", "error")]);
    assert_eq!(by(&third, "edit.test")["changes"], serde_json::json!([]));

    // Run 4: a third failure pages nobody again: exit 0.
    let run = monitor(&fixture, &db, t0 + 3 * HOUR, &["flaky.test"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(by(&lines(&run), "flaky.test")["changes"], serde_json::json!([]));

    // History: two policy bodies under one id, and the run that found the edit.
    let run = history(&db, "edit.test");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let timeline: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(timeline["domain"], "edit.test");
    let policies = timeline["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2, "{timeline:#}");
    assert_eq!(policies[0]["record_id"], policies[1]["record_id"]);
    assert_eq!(policies[0]["first_seen"], t0);
    assert_eq!(policies[0]["last_seen"], t0);
    assert_eq!(policies[1]["first_seen"], t0 + HOUR);
    assert_eq!(policies[1]["last_seen"], t0 + 2 * HOUR);
    assert!(policies[1]["body"].as_str().unwrap().contains("max_age: 86400"));
    let runs = timeline["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[1]["changes"][0]["code"], "policy-changed-id-unchanged");
    assert_eq!(history(&db, "flaky.test").stdout.matches("\"fetch_failures\":").count(), 4);
    let text = mta_sts(&["history".into(), "edit.test".into(), "--db".into(), db.display().to_string()]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("policy-changed-id-unchanged"), "{}", text.stdout);
    let none = history(&db, "never.test");
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("no run of never.test"), "{}", none.stderr);

    // Human output names the change and its fix.
    {
        let mut w = fixture.world.lock().unwrap();
        w.sites.get_mut("mta-sts.edit.test").unwrap().reply = policy("edit.test", 172_800);
    }
    let args = ["monitor", "--db", &db.display().to_string(), "--now", &(t0 + 4 * HOUR).to_string(), "edit.test"];
    let mut args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    args.extend(fixture.flags());
    let run = mta_sts(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("edit.test  enforce  1 change"), "{}", run.stdout);
    assert!(run.stdout.contains("policy-changed-id-unchanged") && run.stdout.contains("fix:"), "{}", run.stdout);

    // serve --db answers /api/history with the same JSON as `history --json`, and 404 without history.
    let server = serve(&fixture, &db);
    let (status, body) = get(&server.1, "/api/history?domain=edit.test");
    assert_eq!(status, 200, "{body}");
    let from_api: Value = serde_json::from_str(&body).unwrap();
    let printed: Value = serde_json::from_str(&history(&db, "edit.test").stdout).unwrap();
    assert_eq!(from_api, printed);
    let (status, body) = get(&server.1, "/api/history?domain=never.test");
    assert_eq!(status, 404);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert!(error["error"].as_str().unwrap().contains("never.test"), "{body}");
    let (status, _) = get(&server.1, "/api/history");
    assert_eq!(status, 400);
}

/// The child, its address, and its log (kept open: the server writes a line per request).
struct Server(std::process::Child, String, #[allow(dead_code)] BufReader<std::process::ChildStderr>);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(fixture: &Fixture, db: &std::path::Path) -> Server {
    let mut args = vec!["--db".to_owned(), db.display().to_string()];
    args.extend(fixture.flags());
    let (child, addr, log) = support::run::serve(&args);
    Server(child, addr, log)
}

fn get(addr: &str, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: checker.test\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

#[test]
fn only_lookup_failures_exit_3_and_are_no_baseline() {
    let mut w = World::default();
    deploy(&mut w, "dns.test");
    let fixture = Fixture::start(w);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let t0 = fixture.now;
    assert_eq!(monitor(&fixture, &db, t0, &["dns.test"]).code, 0);
    fixture.world.lock().unwrap().faults.insert("_mta-sts.dns.test TXT".into(), Fault::ServFail);
    let run = monitor(&fixture, &db, t0 + HOUR, &["dns.test"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let line = &lines(&run)[0];
    assert_eq!(line["verdict"], "lookup-failed");
    assert_eq!(line["changes"], serde_json::json!([]));
    // Back: compared with the last run that saw the domain, so nothing changed.
    fixture.world.lock().unwrap().faults.clear();
    let run = monitor(&fixture, &db, t0 + 2 * HOUR, &["dns.test"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(lines(&run)[0]["changes"], serde_json::json!([]));
}

#[test]
fn usage_errors_corrupt_and_foreign_databases_exit_2() {
    let fixture = Fixture::start(World::default());
    let dir = tempfile::tempdir().unwrap();
    let t0 = fixture.now;

    let corrupt = dir.path().join("corrupt.db");
    std::fs::write(&corrupt, b"this is a text file, not a database\n").unwrap();
    let run = monitor(&fixture, &corrupt, t0, &["a.test"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not an mta-sts monitor database (it is not an SQLite database)"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);

    let foreign = dir.path().join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ann');").unwrap();
    drop(conn);
    let run = monitor(&fixture, &foreign, t0, &["a.test"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("SQLite database of something else"), "{}", run.stderr);
    let run = history(&foreign, "a.test");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("something else"), "{}", run.stderr);
    // The foreign file was not touched.
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    let tables: i64 =
        conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1);

    let db = dir.path().join("runs.db");
    let run = monitor(&fixture, &db, t0, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("give at least one domain to monitor"), "{}", run.stderr);
    let run = monitor(&fixture, &db, t0, &["a.test", "--every", "1w"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = monitor(&fixture, &db, t0, &["a.test", "--webhook", "ftp://example.test/"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = history(&dir.path().join("missing.db"), "a.test");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("there is no database at"), "{}", run.stderr);
}

#[test]
fn a_run_killed_midway_keeps_what_it_committed() {
    let mut w = World::default();
    let fast: Vec<String> = (0..6).map(|i| format!("fast{i}.test")).collect();
    for domain in &fast {
        deploy(&mut w, domain);
    }
    // Last in input order: the fast ones are written before it, then the run hangs on its body.
    let body = b"version: STSv1\r\nmode: enforce\r\nmx: mx.slow.test\r\nmax_age: 604800\r\n".to_vec();
    w.deploy("slow.test", Some("127.0.0.1"), None, Reply::Trickle(body), Cert::Good);
    let fixture = Fixture::start(w);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let t0 = fixture.now;

    let mut args: Vec<String> = vec!["monitor".into(), "--json".into(), "--db".into(), db.display().to_string()];
    args.extend(["--now".into(), t0.to_string(), "--timeout".into(), "120".into()]);
    args.extend(fixture.flags());
    args.extend(fast.iter().cloned());
    args.push("slow.test".into());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mta-sts"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Poll the database (read-only, beside the writer thanks to WAL) until a run is committed.
    let deadline = Instant::now() + Duration::from_secs(60);
    let count = || {
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0)
    };
    loop {
        if count() >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no run was committed");
        assert!(child.try_wait().unwrap().is_none(), "monitor ended before it was killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let committed = count();
    assert!((1..=6).contains(&committed), "{committed}");

    // The next run reads the database and continues; slow.test was never committed.
    fixture.world.lock().unwrap().sites.get_mut("mta-sts.slow.test").unwrap().reply = policy("slow.test", 604_800);
    let mut extra: Vec<&str> = fast.iter().map(String::as_str).collect();
    extra.push("slow.test");
    let run = monitor(&fixture, &db, t0 + HOUR, &extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let next = lines(&run);
    assert_eq!(by(&next, "fast0.test")["first_run"], false);
    assert_eq!(by(&next, "slow.test")["first_run"], true);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let runs: i64 = conn.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0)).unwrap();
    assert_eq!(runs, committed + 7);
}

/// The README's change-code table lists every code the core can report.
#[test]
fn the_readme_lists_every_change_code() {
    let readme = include_str!("../../README.md");
    for code in mta_sts::compare::ChangeCode::ALL {
        assert!(readme.contains(&format!("| `{code}` |")), "README.md's change-code table lacks {code}");
    }
}

/// `--every` runs again and again until SIGTERM, which ends it cleanly (exit 0) between runs.
#[test]
fn every_loops_until_terminated() {
    let mut w = World::default();
    deploy(&mut w, "loop.test");
    let fixture = Fixture::start(w);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mta-sts"))
        .args(["monitor", "--json", "--every", "1s", "--db"])
        .arg(&db)
        .args(fixture.flags())
        .arg("loop.test")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufRead::lines(BufReader::new(child.stdout.take().unwrap()));
    // Reading the lines is the synchronisation: the second exists only once the loop ran again.
    let first: Value = serde_json::from_str(&out.next().unwrap().unwrap()).unwrap();
    let second: Value = serde_json::from_str(&out.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["first_run"], true);
    assert_eq!(second["first_run"], false);
    assert!(second["checked_at"].as_u64() > first["checked_at"].as_u64(), "{first} {second}");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// A webhook that never answers is reported on stderr after its bounded retries; the run still succeeds.
#[test]
fn a_failing_webhook_is_reported_not_fatal() {
    let mut w = World::default();
    deploy(&mut w, "hook.test");
    let fixture = Fixture::start(w);
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let hook = format!("http://{closed}/hook");
    let run = monitor(&fixture, &dir.path().join("runs.db"), fixture.now, &["hook.test", "--webhook", &hook]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(lines(&run).len(), 1);
    assert!(run.stderr.contains("did not take the run of hook.test after 4 attempts"), "{}", run.stderr);
}
