//! The `mta-sts` binary as scripts see it: exit codes, JSON shapes, stdin and file input, human output.

use std::io::Write as _;
use std::process::{Command, Stdio};

use mta_sts::dns::testing::{Answer, reply};
use mta_sts::dns::{Rcode, RecordType};
use mta_sts::observe::{DnsObservation, DnsResult, Observations, PolicyHeaders, PolicyObservation, PolicyResult};
use mta_sts::plan::ProbeKind;
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], stdin: Option<&[u8]>, envs: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mta-sts"));
    command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).env_remove("NO_COLOR");
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.unwrap_or_default().to_vec();
    // A separate thread, so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("stdin writer");
    Run {
        code: output.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(args, None, &[])
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Run {
    run_with(args, Some(stdin), &[])
}

/// The one JSON object a `--json` run prints, on one line.
fn json_of(run: &Run) -> Value {
    assert!(run.stdout.ends_with('\n'), "JSON output ends with a newline: {:?}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "JSON output is one line: {}", run.stdout);
    let value: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert!(value.is_object());
    value
}

fn codes(value: &Value) -> Vec<String> {
    value["findings"].as_array().expect("findings").iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

fn temp_file(contents: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(contents).expect("write temp file");
    file
}

fn path(file: &tempfile::NamedTempFile) -> &str {
    file.path().to_str().expect("temp path is UTF-8")
}

const GOOD_POLICY: &[u8] =
    b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";

// ---- usage ----

#[test]
fn usage_errors_exit_2_and_help_and_version_exit_0() {
    assert_eq!(run(&[]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    assert_eq!(run(&["parse"]).code, 2);
    assert_eq!(run(&["match", "only-one-arg"]).code, 2);
    assert_eq!(run(&["generate", "--domain", "example.com", "--mode", "sometimes"]).code, 2);
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("parse"));
    let version = run(&["--version"]);
    assert_eq!(version.code, 0);
    assert!(version.stdout.starts_with("mta-sts "));
}

// ---- parse record ----

#[test]
fn parse_record_valid_json_shape() {
    let r = run(&["parse", "record", "--json", "v=STSv1; id=20240101T1;"]);
    let v = json_of(&r);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(v["kind"], "record");
    assert_eq!(v["valid"], true);
    assert_eq!(v["value"]["version"], "STSv1");
    assert_eq!(v["value"]["id"], "20240101T1");
    assert_eq!(v["value"]["extensions"], serde_json::json!([]));
    assert!(v["findings"].is_array());
}

#[test]
fn parse_record_extensions_are_name_value_pairs() {
    let v = json_of(&run(&["--json", "parse", "record", "v=STSv1; id=1; ext-a=value1"]));
    assert_eq!(v["value"]["extensions"], serde_json::json!([["ext-a", "value1"]]));
}

#[test]
fn parse_record_invalid_exits_1_with_findings() {
    let r = run(&["parse", "record", "--json", "v=STSv1; id=not_valid!;"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let v = json_of(&r);
    assert_eq!(v["valid"], false);
    assert!(codes(&v).contains(&"record-id-invalid".to_owned()), "{v}");
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["group"] == "record-invalid"), "{v}");
    let finding = &v["findings"][0];
    for field in ["code", "severity", "message", "rfc"] {
        assert!(finding[field].is_string(), "finding has {field}: {finding}");
    }
}

/// A mistake repeated 300 times: ten findings listed, the last counting the other 290 (`more`), in the JSON
/// and in the text.
#[test]
fn parse_record_lists_a_repeated_mistake_ten_times_and_counts_the_rest() {
    let record = format!("v=STSv1; id=1;{}", " ;".repeat(300));
    let v = json_of(&run(&["parse", "record", "--json", &record]));
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 10, "{v}");
    assert!(findings.iter().all(|f| f["code"] == "record-field-empty"), "{v}");
    let more: Vec<&serde_json::Value> = findings.iter().filter_map(|f| f.get("more")).collect();
    assert_eq!(more, [&serde_json::json!(290)], "{v}");
    let text = run(&["parse", "record", &record]);
    assert_eq!(text.stdout.matches("error[record-field-empty]").count(), 10, "{}", text.stdout);
    assert!(text.stdout.contains("The same problem occurs 290 more times; those are not listed."), "{}", text.stdout);
}

#[test]
fn parse_record_multiple_records_exit_1() {
    let r = run(&["parse", "record", "--json", "v=STSv1; id=1;", "v=STSv1; id=2;"]);
    assert_eq!(r.code, 1);
    assert!(codes(&json_of(&r)).contains(&"record-multiple".to_owned()));
}

#[test]
fn parse_record_reads_one_record_per_line_from_stdin() {
    let r = run_stdin(&["parse", "record", "--json"], b"some other txt\r\nv=STSv1; id=20250101;\n");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(json_of(&r)["value"]["id"], "20250101");
    let r = run_stdin(&["parse", "record", "--json"], b"");
    assert_eq!(r.code, 1);
    assert!(codes(&json_of(&r)).contains(&"record-missing".to_owned()));
}

#[cfg(unix)]
#[test]
fn parse_record_takes_non_utf8_arguments_without_panicking() {
    use std::os::unix::ffi::OsStrExt as _;
    let arg = std::ffi::OsStr::from_bytes(b"v=STSv1; id=\xff\xfe;");
    let output = Command::new(env!("CARGO_BIN_EXE_mta-sts")).args(["parse", "record"]).arg(arg).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!output.stdout.contains(&0x1b));
    let stdout = String::from_utf8(output.stdout).expect("lossy output is UTF-8");
    assert!(stdout.starts_with("✖ invalid"), "{stdout}");
}

#[test]
fn parse_record_human_output_shows_severity_code_and_caret() {
    let r = run(&["parse", "record", "v=STSv1; id=bad_id;"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("✖ invalid"), "{}", r.stdout);
    assert!(r.stdout.contains("error[record-id-invalid]"), "{}", r.stdout);
    assert!(r.stdout.contains("RFC 8461"), "{}", r.stdout);
    assert!(r.stdout.contains('^'), "a caret excerpt: {}", r.stdout);
    let ok = run(&["parse", "record", "v=STSv1; id=20240101;"]);
    assert!(ok.stdout.starts_with("✔ valid"), "{}", ok.stdout);
    assert!(ok.stdout.contains("20240101"));
}

// ---- parse policy ----

#[test]
fn parse_policy_from_file_json_shape() {
    let file = temp_file(GOOD_POLICY);
    let r = run(&["parse", "policy", "--json", path(&file)]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = json_of(&r);
    assert_eq!(v["kind"], "policy");
    assert_eq!(v["valid"], true);
    assert_eq!(v["value"]["version"], "STSv1");
    assert_eq!(v["value"]["mode"], "enforce");
    assert_eq!(v["value"]["max_age"], 604_800);
    assert_eq!(v["value"]["mx"], serde_json::json!(["mx1.example.com", "*.example.net"]));
    assert_eq!(v["value"]["extensions"], serde_json::json!([]));
}

#[test]
fn parse_policy_from_stdin_with_and_without_dash() {
    for args in [&["parse", "policy", "--json"][..], &["parse", "policy", "--json", "-"][..]] {
        let r = run_stdin(args, GOOD_POLICY);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stdout);
        assert_eq!(json_of(&r)["value"]["mode"], "enforce");
    }
}

#[test]
fn parse_policy_invalid_exits_1_and_points_at_the_line() {
    let body = b"version: STSv1\nmode: enforced\nmx: mx1.example.com\nmax_age: 86400\n";
    let r = run_stdin(&["parse", "policy", "--json"], body);
    assert_eq!(r.code, 1);
    let v = json_of(&r);
    assert_eq!(v["valid"], false);
    assert!(codes(&v).contains(&"policy-mode-invalid".to_owned()), "{v}");

    let human = run_stdin(&["parse", "policy"], body);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("error[policy-mode-invalid]"), "{}", human.stdout);
    assert!(human.stdout.contains("mode: enforced"), "the excerpt shows the line: {}", human.stdout);
    assert!(human.stdout.contains('^'), "{}", human.stdout);
}

#[test]
fn parse_policy_survives_binary_and_escape_bytes() {
    let body = b"version: STSv1\r\nmode: \x1b[31menforce\xff\r\nmx: mx1.example.com\r\nmax_age: 86400\r\n";
    let r = run_stdin(&["parse", "policy"], body);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains('\x1b'), "input escapes must not reach the terminal: {}", r.stdout);
    let r = run_stdin(&["parse", "policy", "--json"], &vec![0xffu8; 200_000]);
    assert_eq!(r.code, 1);
    assert_eq!(json_of(&r)["valid"], false);
}

/// A flood of one mistake is ten findings, the last counting the rest; a flood of many different ones is
/// capped in the human output, which points to `--json` for all of them.
#[test]
fn human_output_folds_repeats_and_caps_a_flood_of_findings() {
    let body = "junk line\n".repeat(20_000);
    let r = run_stdin(&["parse", "policy"], body.as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("occurs 19990 more times"), "{}", &r.stdout[r.stdout.len().saturating_sub(500)..]);
    let all = json_of(&run_stdin(&["parse", "policy", "--json"], body.as_bytes()));
    let junk: Vec<&serde_json::Value> = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("junk"))
        .collect();
    assert_eq!(junk.len(), 10, "{all}");
    assert_eq!(junk[9]["more"], 19_990, "{all}");

    // 120 records with a bad id each: each record's findings are its own, more than are shown.
    let records = (0..120).map(|i| format!("v=STSv1; id=bad-{i};")).collect::<Vec<_>>().join("\n");
    let r = run_stdin(&["parse", "record"], records.as_bytes());
    assert!(r.stdout.contains("more findings; run with --json"), "{}", &r.stdout[r.stdout.len().saturating_sub(500)..]);
}

#[test]
fn parse_policy_missing_file_exits_2_with_advice() {
    let r = run(&["parse", "policy", "/nonexistent/policy.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("cannot read /nonexistent/policy.txt: No such file or directory"), "{}", r.stderr);
    assert!(r.stderr.contains("or - to read standard input"), "{}", r.stderr);
    assert_eq!(run(&["--json", "parse", "policy", "/nonexistent/policy.txt"]).code, 2);
}

// ---- parse tlsrpt ----

#[test]
fn parse_tlsrpt_json_shape_flattens_rua() {
    let r =
        run(&["parse", "tlsrpt", "--json", "v=TLSRPTv1; rua=mailto:tls@example.com,https://reports.example.com/tls"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = json_of(&r);
    assert_eq!(v["kind"], "tlsrpt");
    assert_eq!(v["valid"], true);
    assert_eq!(v["value"]["version"], "TLSRPTv1");
    assert_eq!(v["value"]["rua"], serde_json::json!(["mailto:tls@example.com", "https://reports.example.com/tls"]));
    assert!(v["value"]["extensions"].is_array());
}

#[test]
fn parse_tlsrpt_invalid_and_stdin() {
    let r = run(&["parse", "tlsrpt", "--json", "v=TLSRPTv1; rua=tls@example.com"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(codes(&json_of(&r)).iter().any(|c| c.starts_with("tlsrpt-")));
    let r = run_stdin(&["parse", "tlsrpt", "--json"], b"v=TLSRPTv1; rua=mailto:a@example.com\n");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(json_of(&r)["value"]["rua"][0], "mailto:a@example.com");
    let human = run(&["parse", "tlsrpt", "v=TLSRPTv1; rua=mailto:a@example.com"]);
    assert!(human.stdout.starts_with("✔ valid"), "{}", human.stdout);
}

// ---- match ----

#[test]
fn match_prints_true_or_false_with_exit_status() {
    let r = run(&["match", "*.example.com", "mx1.example.com"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "true\n"));
    let r = run(&["match", "*.example.com", "a.mx1.example.com"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, "false\n"));
    let r = run(&["match", "mx1.example.com", "mx1.example.com"]);
    assert_eq!(r.code, 0);
    let r = run(&["match", "mx1.example.com", "mx2.example.com"]);
    assert_eq!(r.code, 1);
}

#[test]
fn match_malformed_pattern_exits_2_with_reason() {
    let r = run(&["match", "mx.*.example.com", "mx.a.example.com"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("is not a valid mx pattern"), "{}", r.stderr);
}

#[test]
fn match_json() {
    let r = run(&["--json", "match", "*.example.com", "mx1.example.com"]);
    assert_eq!(r.code, 0);
    let v = json_of(&r);
    assert_eq!(v["kind"], "match");
    assert_eq!(v["matches"], true);
}

// ---- evaluate ----

fn dns(probe: ProbeKind, name: &str, rtype: RecordType, answers: &[(String, u32, Answer)]) -> DnsObservation {
    DnsObservation {
        probe,
        name: name.to_owned(),
        rtype,
        result: DnsResult::Response {
            http_status: 200,
            body: reply(name, rtype, Rcode::NoError, true, answers),
            elapsed_ms: Some(5),
        },
    }
}

fn txt(name: &str, records: &[&str]) -> Vec<(String, u32, Answer)> {
    records.iter().map(|r| (name.to_owned(), 300, Answer::Txt(vec![r.as_bytes().to_vec()]))).collect()
}

fn observations(sts: &[&str], mx: &[(u16, &str)], policy: Option<&[u8]>) -> Observations {
    let d = "example.com";
    let mx_answers: Vec<_> =
        mx.iter().map(|(pref, host)| (d.to_owned(), 300, Answer::Mx(*pref, (*host).to_owned()))).collect();
    let host = "mta-sts.example.com";
    Observations {
        domain: d.to_owned(),
        resolver: Some("https://dns.example/dns-query".to_owned()),
        observed_at: Some(1_750_000_000),
        dns: vec![
            dns(ProbeKind::StsRecord, "_mta-sts.example.com", RecordType::Txt, &txt("_mta-sts.example.com", sts)),
            dns(
                ProbeKind::TlsrptRecord,
                "_smtp._tls.example.com",
                RecordType::Txt,
                &txt("_smtp._tls.example.com", &["v=TLSRPTv1; rua=mailto:tlsrpt@example.com"]),
            ),
            dns(ProbeKind::Mx, d, RecordType::Mx, &mx_answers),
            dns(
                ProbeKind::PolicyHostA,
                host,
                RecordType::A,
                &[(host.to_owned(), 300, Answer::A("192.0.2.1".parse().unwrap()))],
            ),
            dns(ProbeKind::PolicyHostAaaa, host, RecordType::Aaaa, &[]),
        ],
        policy: policy.map(|body| PolicyObservation {
            url: format!("https://{host}/.well-known/mta-sts.txt"),
            result: PolicyResult::Response {
                status: 200,
                headers: PolicyHeaders { content_type: Some("text/plain".to_owned()), ..PolicyHeaders::default() },
                body: body.to_vec(),
                truncated: false,
                elapsed_ms: Some(20),
            },
            certificate: None,
        }),
    }
}

fn observations_file(obs: &Observations) -> tempfile::NamedTempFile {
    temp_file(serde_json::to_string_pretty(obs).unwrap().as_bytes())
}

#[test]
fn evaluate_valid_enforce_exits_0_with_report_json() {
    let obs = observations(
        &["v=STSv1; id=20240101;"],
        &[(10, "mx1.example.com"), (20, "mx2.example.net")],
        Some(GOOD_POLICY),
    );
    let file = observations_file(&obs);
    let r = run(&["evaluate", "--json", path(&file)]);
    let v = json_of(&r);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(v["domain"], "example.com");
    assert_eq!(v["verdict"], "enforce");
    assert_eq!(v["valid"], true);
    assert!(v["summary"].is_string());
    assert_eq!(v["record"]["id"], "20240101");
    assert_eq!(v["policy"]["mode"], "enforce");
    assert_eq!(v["mx"][0]["host"], "mx1.example.com");
    assert_eq!(v["mx"][0]["preference"], 10);
    assert_eq!(v["mx"][0]["pattern"], "mx1.example.com");
    assert_eq!(v["mx"][1]["pattern"], "*.example.net");

    let human = run(&["evaluate", path(&file)]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.starts_with("✔ valid"), "{}", human.stdout);
    assert!(human.stdout.contains("verdict: enforce"), "{}", human.stdout);
    assert!(human.stdout.contains("MX hosts"), "{}", human.stdout);
}

#[test]
fn evaluate_uncovered_mx_exits_1_and_says_not_covered() {
    let obs = observations(
        &["v=STSv1; id=20240101;"],
        &[(10, "mx1.example.com"), (20, "backup.example.org")],
        Some(GOOD_POLICY),
    );
    let bytes = serde_json::to_vec(&obs).unwrap();
    let r = run_stdin(&["evaluate", "--json"], &bytes);
    assert_eq!(r.code, 1);
    let v = json_of(&r);
    assert_eq!(v["valid"], false);
    assert!(codes(&v).contains(&"mx-not-covered".to_owned()), "{v}");
    assert_eq!(v["mx"][1]["pattern"], Value::Null);

    let human = run_stdin(&["evaluate", "-"], &bytes);
    assert_eq!(human.code, 1);
    assert!(human.stdout.starts_with("✖ invalid"), "{}", human.stdout);
    assert!(human.stdout.contains("error[mx-not-covered]"), "{}", human.stdout);
    assert!(human.stdout.contains("not covered"), "{}", human.stdout);
    assert!(human.stdout.contains("\nMX coverage\n"), "findings are grouped: {}", human.stdout);
}

/// Repeated `mode` lines: the first wins for the RFC, the last for some senders, and KumoMTA drops the
/// policy; `evaluate` shows each sender's outcome and why.
#[test]
fn evaluate_shows_each_senders_outcome_where_they_split() {
    let policy = b"version: STSv1\r\nmode: testing\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";
    let obs = observations(&["v=STSv1; id=20240101;"], &[(10, "mx1.example.com")], Some(policy));
    let bytes = serde_json::to_vec(&obs).unwrap();
    let v = json_of(&run_stdin(&["evaluate", "--json"], &bytes));
    let outcome = |id: &str| {
        let sender = v["senders"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("{id}"));
        (sender["outcome"].as_str().unwrap().to_owned(), sender.clone())
    };
    assert_eq!(v["senders"][0]["id"], "rfc");
    assert_eq!(outcome("rfc").0, "testing");
    assert_eq!(outcome("mox").0, "testing");
    let (maddy, detail) = outcome("maddy");
    assert_eq!(maddy, "enforce");
    assert_eq!(detail["because"], serde_json::json!(["policy-duplicate-field"]));
    assert!(
        detail["sources"][0].as_str().unwrap().starts_with("https://github.com/foxcpp/go-mtasts/blob/"),
        "{detail}"
    );
    assert_eq!(outcome("kumomta").0, "no-policy");

    let human = run_stdin(&["evaluate", "-"], &bytes).stdout;
    let table = human.split("\nSenders\n").nth(1).unwrap_or_else(|| panic!("no senders table: {human}"));
    let row = |name: &str| {
        table.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name}: {table}"))
    };
    assert!(row("RFC 8461").contains("testing"), "{table}");
    assert!(row("maddy (go-mtasts)").contains("enforce") && row("maddy").contains("policy-duplicate-field"), "{table}");
    assert!(row("KumoMTA").contains("no-policy"), "{table}");
    // Only senders that depart from the RFC get their why, with a source.
    assert!(table.contains("uses the last `mode` line, `enforce`"), "{table}");
    assert!(table.contains("= source: https://"), "{table}");
    assert!(!table.contains("\n  mox\n"), "mox agrees with the RFC: {table}");
    assert_eq!(human.trim_end().lines().last(), Some("0 errors, 1 warning, 1 info"), "the tally stays last");
}

#[test]
fn evaluate_without_record_is_not_deployed() {
    let obs = observations(&[], &[(10, "mx1.example.com")], None);
    let r = run_stdin(&["evaluate", "--json"], &serde_json::to_vec(&obs).unwrap());
    assert_eq!(r.code, 1);
    let v = json_of(&r);
    assert_eq!(v["verdict"], "not-deployed");
    assert!(codes(&v).contains(&"record-missing".to_owned()));
}

#[test]
fn evaluate_invalid_policy_shows_its_line() {
    let body = b"version: STSv1\r\nmode: enforced\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";
    let obs = observations(&["v=STSv1; id=20240101;"], &[(10, "mx1.example.com")], Some(body));
    let r = run_stdin(&["evaluate"], &serde_json::to_vec(&obs).unwrap());
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("verdict: invalid"), "{}", r.stdout);
    assert!(r.stdout.contains("error[policy-mode-invalid]"), "{}", r.stdout);
    assert!(r.stdout.contains("\nThe policy file\n"), "{}", r.stdout);
}

#[test]
fn evaluate_malformed_json_exits_2_with_position() {
    let r = run_stdin(&["evaluate"], b"{\"domain\": \"example.com\",\n  \"dns\": [,]}");
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("is not valid JSON"), "{}", r.stderr);
    assert!(r.stderr.contains("line 2 column"), "{}", r.stderr);

    let r = run_stdin(&["evaluate", "--json"], b"{\"domain\": \"example.com\"}");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not Observations") && r.stderr.contains("dns"), "{}", r.stderr);

    let r = run_stdin(&["evaluate"], b"{\"domain\": ");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cut short"), "{}", r.stderr);

    let r = run(&["evaluate", "/nonexistent/observations.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read /nonexistent/observations.json"), "{}", r.stderr);
}

// ---- generate ----

#[test]
fn generate_json_reparses_as_valid() {
    let r = run(&[
        "generate",
        "--json",
        "--domain",
        "example.com",
        "--mode",
        "enforce",
        "--mx",
        "mx1.example.com",
        "--mx",
        "*.example.net",
        "--rua",
        "tls@example.com",
        "--now",
        "1750000000",
    ]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert_eq!(v["kind"], "generate");
    assert_eq!(v["valid"], true);
    assert_eq!(v["policy_url"], "https://mta-sts.example.com/.well-known/mta-sts.txt");
    assert_eq!(v["sts_record_name"], "_mta-sts.example.com");
    assert_eq!(v["tlsrpt_record_name"], "_smtp._tls.example.com");

    let policy = temp_file(v["policy"].as_str().unwrap().as_bytes());
    let p = json_of(&run(&["parse", "policy", "--json", path(&policy)]));
    assert_eq!(p["valid"], true, "{p}");
    assert_eq!(p["value"]["mode"], "enforce");
    assert_eq!(p["value"]["mx"], serde_json::json!(["mx1.example.com", "*.example.net"]));

    let record = run(&["parse", "record", "--json", v["sts_record"].as_str().unwrap()]);
    assert_eq!(record.code, 0, "{}", record.stdout);
    let tlsrpt = run(&["parse", "tlsrpt", "--json", v["tlsrpt_record"].as_str().unwrap()]);
    assert_eq!(tlsrpt.code, 0, "{}", tlsrpt.stdout);
    assert_eq!(json_of(&tlsrpt)["value"]["rua"], serde_json::json!(["mailto:tls@example.com"]));
}

#[test]
fn generate_human_gives_the_three_steps() {
    let r = run(&["generate", "--domain", "example.com", "--mode", "testing", "--mx", "mx1.example.com"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("✔ valid"), "{}", r.stdout);
    for needle in [
        "https://mta-sts.example.com/.well-known/mta-sts.txt",
        "_mta-sts.example.com",
        "_smtp._tls.example.com",
        "mode: testing",
        "max_age: 604800",
    ] {
        assert!(r.stdout.contains(needle), "{needle}: {}", r.stdout);
    }
}

#[test]
fn generate_suggests_a_wildcard_for_sibling_mx_hosts() {
    let generate = |second: &str, json: bool| {
        let mut args = vec!["generate", "--domain", "example.com", "--mode", "testing"];
        args.extend(["--mx", "a.mail.example.net", "--mx", second]);
        if json {
            args.push("--json");
        }
        run(&args)
    };
    let r = generate("b.mail.example.net", false);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hint = "hint: `*.mail.example.net` would cover a.mail.example.net, b.mail.example.net";
    assert!(r.stdout.contains(hint), "{}", r.stdout);
    assert_eq!(
        json_of(&generate("b.mail.example.net", true))["suggestions"],
        serde_json::json!([{"pattern": "*.mail.example.net", "replaces": ["a.mail.example.net", "b.mail.example.net"]}])
    );
    // Hosts at different depths: no hint.
    let r = generate("mail.example.net", false);
    assert!(!r.stdout.contains("hint:"), "{}", r.stdout);
}

#[test]
fn generate_notes_a_tlsrpt_name_too_long_for_dns() {
    let long = format!("{0}.{0}.{0}.{1}.com", "a".repeat(60), "a".repeat(57));
    let r = run(&["generate", "--json", "--domain", &long, "--mode", "testing", "--mx", "mx.example.net"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let notes = json_of(&r)["notes"].to_string();
    assert!(notes.contains("over the 253 that DNS allows"), "{notes}");
}

#[test]
fn generate_bad_input_exits_2_with_the_reason() {
    let r = run(&["generate", "--domain", "example.com", "--mode", "enforce"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("at least one MX host"), "{}", r.stderr);
    let r = run(&[
        "generate",
        "--domain",
        "example.com",
        "--mode",
        "enforce",
        "--mx",
        "mx.example.com",
        "--max-age",
        "99999999",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("31557600"), "{}", r.stderr);
    let r = run(&[
        "generate",
        "--domain",
        "example.com",
        "--mode",
        "enforce",
        "--mx",
        "mx.example.com",
        "--rua",
        "ftp://x",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("report address"), "{}", r.stderr);
    let r = run(&["generate", "--json", "--domain", "not a domain!", "--mode", "none"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("is not a usable domain"), "{}", r.stderr);
    let r = run(&["generate", "--domain", "example.com", "--mode", "none"]);
    assert_eq!(r.code, 0, "mode none needs no mx: {}", r.stderr);
}

// ---- colour ----

#[test]
fn human_output_without_a_terminal_has_no_ansi_escapes() {
    let obs = observations(&["v=STSv1; id=20240101;"], &[(10, "backup.example.org")], Some(GOOD_POLICY));
    let file = observations_file(&obs);
    let policy = temp_file(b"version: STSv1\nmode: enforced\n");
    let runs = [
        run(&["parse", "record", "v=STSv1; id=bad_id;"]),
        run(&["parse", "policy", path(&policy)]),
        run(&["parse", "tlsrpt", "v=TLSRPTv1;"]),
        run(&["evaluate", path(&file)]),
        run(&["generate", "--domain", "example.com", "--mode", "testing", "--mx", "mx.example.com"]),
        run(&["match", "*.example.com", "mx.example.com"]),
    ];
    for r in runs {
        assert!(!r.stdout.is_empty());
        assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
        assert!(!r.stderr.contains('\x1b'), "{}", r.stderr);
    }
    let forced = run(&["--color", "always", "parse", "record", "v=STSv1; id=bad_id;"]);
    assert!(forced.stdout.contains('\x1b'), "--color always colours: {}", forced.stdout);
    let never = run_with(&["parse", "record", "v=STSv1; id=1;"], None, &[("NO_COLOR", "1")]);
    assert!(!never.stdout.contains('\x1b'));
}

/// The README's findings table is `mta-sts codes --markdown`, so the two cannot drift.
#[test]
fn the_readme_findings_table_is_generated_from_the_rule_table() {
    let readme = include_str!("../../README.md");
    let start = readme.find("<!-- codes:start -->\n").expect("README marks the table's start") + 21;
    let end = readme.find("<!-- codes:end -->").expect("README marks the table's end");
    let run = run(&["codes", "--markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        readme[start..end] == run.stdout,
        "README.md's findings table differs from the rule table: paste `mta-sts codes --markdown` between the \
         codes:start and codes:end markers.\n--- README\n{}\n--- codes --markdown\n{}",
        &readme[start..end],
        run.stdout
    );
}

#[test]
fn codes_lists_the_whole_rule_table_and_explain_one_rule() {
    let all = run(&["--json", "codes"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let value: Value = serde_json::from_str(&all.stdout).unwrap();
    let codes = value["codes"].as_array().unwrap();
    assert_eq!(codes.len(), mta_sts::Code::ALL.len());
    for rule in codes {
        for field in ["code", "title", "severity", "category", "group", "rfc", "rfc_text"] {
            assert!(rule[field].as_str().is_some_and(|s| !s.is_empty()), "{field} missing in {rule}");
        }
    }
    let covered = codes.iter().find(|r| r["code"] == "mx-not-covered").unwrap();
    assert_eq!(
        (covered["severity"].as_str(), covered["severity_in_testing"].as_str()),
        (Some("error"), Some("warning"))
    );

    let one = run(&["explain", "policy-content-type"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with("policy-content-type — "), "{}", one.stdout);
    assert!(one.stdout.contains("SHOULD validate that the media type"), "the RFC's own sentence: {}", one.stdout);

    // Sender behaviour comes from the table, each entry with its source.
    let duplicate = run(&["explain", "policy-duplicate-field"]);
    assert!(duplicate.stdout.contains("What real senders do differently"), "{}", duplicate.stdout);
    assert!(duplicate.stdout.contains("https://github.com/"), "{}", duplicate.stdout);
    let rule = codes.iter().find(|r| r["code"] == "policy-duplicate-field").unwrap();
    let senders = rule["senders"].as_array().unwrap();
    assert!(
        !senders.is_empty() && senders.iter().all(|s| s["source"].as_str().is_some_and(|u| u.starts_with("https://")))
    );

    let group = run(&["--json", "explain", "policy-invalid"]);
    let value: Value = serde_json::from_str(&group.stdout).unwrap();
    assert_eq!(value["rule"]["is_group"], true);
    let members: Vec<&str> = value["members"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(members.len() > 10 && members.iter().all(|m| m.starts_with("policy-")), "{members:?}");

    // Every rule's messages come from the table, each with its fix where it has one.
    let bom = codes.iter().find(|r| r["code"] == "policy-bom").unwrap();
    let messages = bom["messages"].as_array().unwrap();
    assert!(!messages.is_empty() && messages.iter().all(|m| m["fix"].is_string()), "{bom}");
    assert_eq!(codes.iter().find(|r| r["code"] == "policy-id-unchanged").unwrap()["checked_by"], "preflight");

    // An example and its fix: the smallest corpus input that has the problem, run through the parser.
    let example = run(&["explain", "policy-bom"]);
    assert!(example.stdout.contains("Example: a policy file"), "{}", example.stdout);
    assert!(example.stdout.contains("<BOM>version: STSv1"), "the invisible byte shown: {}", example.stdout);
    assert!(example.stdout.contains("✖ error[policy-bom]") && example.stdout.contains("= fix:"), "{}", example.stdout);
    let json = run(&["--json", "explain", "policy-bom"]);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["example"]["finding"]["code"], "policy-bom");
    assert!(value["example"]["fixture"].as_str().is_some_and(|f| f.starts_with("policy/")), "{value}");
    // A rule only a whole check reports: its example is a scenario, evaluated.
    let covered: Value = serde_json::from_str(&run(&["--json", "explain", "mx-not-covered"]).stdout).unwrap();
    assert_eq!(covered["example"]["finding"]["code"], "mx-not-covered");
    assert_eq!(covered["example"]["kind"], "domain");
    assert!(covered["example"]["input"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains(" MX ")));

    let typo = run(&["explain", "policy-contnet-type"]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("Did you mean `policy-content-type`?"), "{}", typo.stderr);
    assert!(typo.stderr.contains("mta-sts codes"), "{}", typo.stderr);
}

// ----- explain-bounce -----

const EXCHANGE_NDR: &str = "Diagnostic information for administrators:\r\nGenerating server: \
    BN8PR11MB1234.namprd11.prod.outlook.com\r\nbob@example.com\r\nRemote server returned '550 5.4.8 MX hosts of \
    example.com failed MTA-STS validation. [BN8NAM11FT066.eop-nam11.prod.protection.outlook.com]'\r\n";

#[test]
fn explain_bounce_decodes_an_exchange_online_ndr_and_exits_0() {
    let run = run(&["--json", "explain-bounce", EXCHANGE_NDR]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value = json_of(&run);
    assert_eq!(value["kind"], "bounce");
    let cause = &value["causes"][0];
    assert_eq!(cause["sender"], "Exchange Online");
    assert_eq!(cause["failure"], "mx-not-covered");
    assert_eq!(cause["status"], "5.4.8");
    assert_eq!(cause["codes"], serde_json::json!(["mx-not-covered"]));
    assert!(cause["source"].as_str().unwrap().starts_with("https://github.com/MicrosoftDocs/"));
    assert_eq!(value["domains"], serde_json::json!(["example.com"]));

    let human = run_stdin(&["--color", "never", "explain-bounce"], EXCHANGE_NDR.as_bytes());
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("Exchange Online: the MX host is not covered by the policy (RFC 8461 §4.1) [5.4.8]"));
    assert!(human.stdout.contains("Check it now: mta-sts check example.com"), "{}", human.stdout);
}

#[test]
fn explain_bounce_reads_a_saved_message_and_says_when_it_recognises_nothing() {
    let dir = std::env::temp_dir().join(format!("mta-sts-bounce-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let eml = dir.join("bounce.eml");
    std::fs::write(
        &eml,
        "Final-Recipient: rfc822; ann@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 \
         User unknown\n",
    )
    .unwrap();
    let run = run(&["--json", "explain-bounce", "--file", eml.to_str().unwrap()]);
    assert_eq!(run.code, 1, "nothing recognised: {}", run.stderr);
    let value = json_of(&run);
    assert_eq!(value["causes"], serde_json::json!([]));
    assert_eq!(value["status_codes"], serde_json::json!(["5.1.1"]));
    assert_eq!(value["domains"], serde_json::json!(["example.org"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explain_bounce_without_text_is_a_usage_error() {
    for args in [&["explain-bounce", "  "][..], &["explain-bounce", "--file", "/nonexistent/bounce.eml"][..]] {
        let run = run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let empty = run_stdin(&["explain-bounce", "-"], b"\n");
    assert_eq!(empty.code, 2);
    assert!(empty.stderr.contains("Paste the bounce message"), "{}", empty.stderr);
}
