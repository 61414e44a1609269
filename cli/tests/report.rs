//! `mta-sts report`: exit codes, the JSON contract, standard input and the human summary.

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;
use support::{Cert, Fixture, Reply, World};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/reports/");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mta-sts"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("stdin writer");
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Run {
    run_stdin(args, b"")
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}{name}")
}

fn json_of(run: &Run) -> Value {
    assert_eq!(run.stdout.lines().count(), 1, "JSON output is one line: {}", run.stdout);
    serde_json::from_str(&run.stdout).expect("stdout is JSON")
}

#[test]
fn no_failed_sessions_exit_0() {
    let r = run(&["report", &fixture("google-shape-no-failures.json")]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("980 successful TLS sessions and 0 failed in 1 report from 1 file"), "{}", r.stdout);
    assert!(r.stdout.contains("example.com  980 successful, 0 failed"), "{}", r.stdout);
}

#[test]
fn failed_sessions_exit_1_with_the_result_types_explained() {
    let r = run(&["report", &fixture("rfc8460-appendix-b.json")]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("starttls-not-supported  200"), "{}", r.stdout);
    assert!(r.stdout.contains("did not offer STARTTLS"), "{}", r.stdout);
    assert!(r.stdout.contains("Notes"), "{}", r.stdout);
}

#[test]
fn an_unreadable_file_exits_2_and_the_others_are_still_read() {
    let r = run(&[
        "report",
        "--json",
        &fixture("dmarc-aggregate.xml"),
        "/nonexistent/report.json",
        &fixture("rfc8460-appendix-b.json"),
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert!(files[0]["error"].as_str().unwrap().contains("is a DMARC aggregate report, not a TLS-RPT report"));
    assert!(files[1]["error"].as_str().unwrap().starts_with("cannot read /nonexistent/report.json"));
    assert_eq!(files[1]["file"], "/nonexistent/report.json");
    assert_eq!(files[2]["error"], Value::Null);
    assert_eq!(v["totals"]["failed"], 303);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["report"]).code, 2);
    assert_eq!(run(&["report", "--frobnicate", "x.json"]).code, 2);
}

#[test]
fn json_shape() {
    let r = run(&[
        "report",
        "--json",
        &fixture("microsoft-shape.json"),
        &fixture("email-octet-stream-attachment.eml"),
        &fixture("google-shape.json"),
    ]);
    assert_eq!(r.code, 1);
    let v = json_of(&r);
    assert_eq!(v["kind"], "report");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), ["files", "kind", "notes", "reports", "summary", "totals"]);
    // The page's sums, from the same core function, agree with the totals.
    assert_eq!(v["summary"]["successful"], v["totals"]["successful"]);
    assert_eq!(v["summary"]["failed"], v["totals"]["failed"]);
    let per_day: u64 = v["summary"]["days"].as_array().unwrap().iter().map(|d| d["failed"].as_u64().unwrap()).sum();
    assert_eq!(Some(per_day), v["totals"]["failed"].as_u64());
    assert_eq!(keys(&v["files"][0]), ["error", "file", "reports"]);
    assert_eq!(v["files"][2]["reports"], 1, "the duplicate is listed under its file");
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2, "the same report in the email and the JSON file is listed once");
    let report = &reports[0];
    for key in ["organization", "report_id", "start", "end", "contact_info", "policies"] {
        assert!(report.get(key).is_some(), "report.{key}");
    }
    let policy = &report["policies"][1];
    for key in ["policy_type", "policy_domain", "policy_string", "mx_host", "successful", "failed", "failures"] {
        assert!(policy.get(key).is_some(), "policy.{key}");
    }
    assert_eq!(policy["policy_type"], "tlsa");
    assert!(policy["mx_host"].is_array());
    let failure = &policy["failures"][0];
    for key in [
        "result_type",
        "count",
        "sending_mta_ip",
        "receiving_mx_hostname",
        "receiving_ip",
        "failure_reason_code",
        "additional_information",
    ] {
        assert!(failure.get(key).is_some(), "failure.{key}");
    }
    assert_eq!(failure["result_type"], "tlsa-invalid");
    // Duplicates counted once: Microsoft's 355 + 3, Google's 1200 + 4.
    assert_eq!(v["totals"]["successful"], 355 + 1200);
    assert_eq!(v["totals"]["failed"], 3 + 4);
    assert_eq!(v["totals"]["by_result_type"]["certificate-expired"], 4);
    let notes: Vec<&str> = v["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("it is counted once")), "{notes:?}");
}

#[test]
fn standard_input_with_gzip() {
    let json = std::fs::read(fixture("google-shape.json")).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&json).unwrap();
    let r = run_stdin(&["report", "--json", "-"], &encoder.finish().unwrap());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert_eq!(v["files"][0]["file"], "standard input");
    assert_eq!(v["totals"]["failed"], 4);
}

#[test]
fn an_empty_file_exits_2_with_one_sentence() {
    let r = run_stdin(&["report", "-"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("standard input is empty."), "{}", r.stdout);
}

/// A report for live.test applying `lines`, written to a temporary file.
fn live_report(organization: &str, lines: &[&str]) -> tempfile::NamedTempFile {
    let report = serde_json::json!({
        "organization-name": organization, "report-id": format!("{organization}-1"), "contact-info": "a@b.example",
        "date-range": {"start-datetime": "2026-11-29T00:00:00Z", "end-datetime": "2026-11-29T23:59:59Z"},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "live.test", "policy-string": lines,
                                 "mx-host": ["mx.live.test"]},
                      "summary": {"total-successful-session-count": 10, "total-failure-session-count": 0}}]
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&report).unwrap()).unwrap();
    file
}

#[test]
fn live_compares_each_senders_policy_with_the_one_served_now() {
    let mut world = World::default();
    let live = "version: STSv1\r\nmode: enforce\r\nmx: mx.live.test\r\nmax_age: 604800\r\n";
    world.deploy("live.test", Some("127.0.0.1"), None, Reply::policy(live), Cert::Good);
    let fixture = Fixture::start(world);
    // Re-serialised in another order and spacing: the same policy.
    let same = live_report("Same", &["max_age:604800", "mx: MX.live.test", "mode: enforce", "version: STSv1"]);
    let older = live_report("Older", &["version: STSv1", "mode: testing", "mx: mx.live.test", "max_age: 86400"]);
    let files = [older.path().to_str().unwrap().to_owned(), same.path().to_str().unwrap().to_owned()];
    let mut args: Vec<String> = vec!["report".into(), "--json".into(), "--live".into()];
    args.extend(fixture.flags());
    args.extend(files.iter().cloned());
    let r = support::run::mta_sts(&args);
    assert_eq!(r.code, 0, "an older policy is history, not a failure: {}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let live = v["live"].as_array().expect("the live comparison");
    assert_eq!(live.len(), 1);
    assert_eq!(live[0]["domain"], "live.test");
    assert_eq!(live[0]["record_id"], "20260101T000000");
    assert_eq!(live[0]["live"], serde_json::json!(["max_age: 604800", "mode: enforce", "mx: mx.live.test"]));
    let senders = live[0]["senders"].as_array().unwrap();
    assert_eq!(senders[0]["organization"], "Older");
    assert_eq!(senders[0]["same"], false);
    assert_eq!(senders[0]["added"], serde_json::json!(["max_age: 604800", "mode: enforce"]));
    assert_eq!(senders[0]["removed"], serde_json::json!(["max_age: 86400", "mode: testing"]));
    let sentence = senders[0]["sentence"].as_str().unwrap();
    assert!(sentence.contains("Older applied an older policy of live.test"), "{sentence}");
    assert!(sentence.contains("id=20260101T000000"), "{sentence}");
    assert_eq!((&senders[1]["organization"], &senders[1]["same"]), (&Value::from("Same"), &Value::Bool(true)));

    // The same in words; and the existing fields are all still there.
    let keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["files", "kind", "live", "notes", "reports", "summary", "totals"]);
    let mut args: Vec<String> = vec!["report".into(), "--live".into()];
    args.extend(fixture.flags());
    args.extend(files.iter().cloned());
    let r = support::run::mta_sts(&args);
    assert!(r.stdout.contains("Against the live policy"), "{}", r.stdout);
    assert!(r.stdout.contains("1 sender applied an older policy of live.test"), "{}", r.stdout);
    assert!(r.stdout.contains("Same applied the live policy of live.test (1 report)."), "{}", r.stdout);
}

#[test]
fn live_with_a_domain_without_a_policy_says_so() {
    let fixture = Fixture::start(World::default());
    let report = live_report("R", &["mode: enforce"]);
    let mut args: Vec<String> = vec!["report".into(), "--json".into(), "--live".into()];
    args.extend(fixture.flags());
    args.push(report.path().to_str().unwrap().to_owned());
    let r = support::run::mta_sts(&args);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["live"][0]["live"], Value::Null);
    assert!(v["live"][0]["sentence"].as_str().unwrap().starts_with("live.test has no valid policy live now"));
}
