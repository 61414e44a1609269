//! `mta-sts preflight` end to end: drafts checked against a live domain served by the local fixture
//! servers (DoH and an HTTPS policy host with a test CA), and offline.

mod support;

use serde_json::Value;
use support::run::{Run, mta_sts};
use support::{Cert, Fixture, Reply, World};

const LIVE: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx.live.test\r\nmax_age: 604800\r\n";
/// The instant an offline check is judged at; a check against the fixture is judged at `Fixture::now`,
/// the instant its certificates are dated from.
const OFFLINE_NOW: u64 = 1_795_867_200;

fn fixture() -> Fixture {
    let mut world = World::default();
    world.deploy("live.test", Some("127.0.0.1"), None, Reply::policy(LIVE), Cert::Good);
    Fixture::start(world)
}

fn draft(policy: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), policy).unwrap();
    file
}

fn preflight(fixture: Option<&Fixture>, args: &[&str]) -> Run {
    let mut all: Vec<String> = vec!["preflight".into()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    all.extend(["--now".to_owned(), fixture.map_or(OFFLINE_NOW, |f| f.now).to_string()]);
    if let Some(fixture) = fixture {
        all.extend(fixture.flags());
    }
    mta_sts(&all)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

fn codes(value: &Value) -> Vec<&str> {
    value["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect()
}

#[test]
fn a_changed_policy_with_the_live_id_warns_and_shows_the_diff() {
    let fixture = fixture();
    let file = draft("version: STSv1\r\nmode: testing\r\nmx: mx.live.test\r\nmax_age: 604800\r\n");
    let path = file.path().to_str().unwrap();

    let run = preflight(Some(&fixture), &["live.test", "--policy", path, "--json"]);
    assert_eq!(run.code, 0, "a warning only: {run:?}");
    let value = json(&run);
    assert_eq!(codes(&value), ["policy-mode-testing", "policy-id-unchanged"], "{value}");
    assert_eq!(value["mx"][0]["host"], "mx.live.test");
    assert_eq!(value["mx"][0]["pattern"], "mx.live.test");
    let changes: Vec<(&str, &str)> = value["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["change"] != "same")
        .map(|l| (l["change"].as_str().unwrap(), l["line"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, [("removed", "mode: enforce"), ("added", "mode: testing")]);

    // The same in words, with the fix: the policy first, then the new id.
    let run = preflight(Some(&fixture), &["live.test", "--policy", path]);
    assert_eq!(run.code, 0, "{run:?}");
    let fresh_record = format!("v=STSv1; id={};", mta_sts::record::fresh_id(fixture.now));
    for text in ["the draft passes", "policy-id-unchanged", &fresh_record, "- mode: enforce", "+ mode: testing"] {
        assert!(run.stdout.contains(text), "{text} missing:\n{}", run.stdout);
    }

    // A new id in the draft record silences the warning.
    let run =
        preflight(Some(&fixture), &["live.test", "--policy", path, "--record", "v=STSv1; id=20261128;", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(codes(&json(&run)), ["policy-mode-testing"], "{}", run.stdout);
}

#[test]
fn a_draft_that_drops_a_live_mx_host_is_an_error() {
    let fixture = fixture();
    let file = draft("version: STSv1\nmode: enforce\nmx: other.example.net\nmax_age: 604800\n");
    let run = preflight(Some(&fixture), &["live.test", "--policy", file.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("mx-not-covered") && run.stdout.contains("not covered"), "{}", run.stdout);
    assert!(run.stdout.contains("the draft has 1 error"), "{}", run.stdout);
}

/// A draft with repeated `mode` lines: the table shows each sender now and with the draft, and why for
/// those that change.
#[test]
fn the_draft_shows_how_each_senders_outcome_changes() {
    let fixture = fixture();
    let file = draft("version: STSv1\r\nmode: testing\r\nmode: enforce\r\nmx: mx.live.test\r\nmax_age: 604800\r\n");
    let path = file.path().to_str().unwrap();
    let args = ["live.test", "--policy", path, "--record", "v=STSv1; id=20261128;"];
    let value = json(&preflight(Some(&fixture), &[&args[..], &["--json"]].concat()));
    let outcome = |list: &str, id: &str| {
        let senders = value[list].as_array().unwrap_or_else(|| panic!("no {list}: {value}"));
        senders.iter().find(|s| s["id"] == id).map(|s| s["outcome"].as_str().unwrap().to_owned()).unwrap()
    };
    assert_eq!(outcome("senders_live", "rfc"), "enforce");
    assert_eq!(outcome("senders", "rfc"), "testing");
    assert_eq!(outcome("senders", "maddy"), "enforce");
    assert_eq!(outcome("senders", "kumomta"), "no-policy");

    let run = preflight(Some(&fixture), &args);
    let table = run.stdout.split("once the draft is published\n").nth(1).unwrap_or_else(|| panic!("{}", run.stdout));
    let row = |name: &str| {
        table.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name}: {table}"))
    };
    assert!(row("RFC 8461").contains("enforce") && row("RFC 8461").contains("→ testing"), "{table}");
    assert!(!row("maddy (go-mtasts)").contains('→'), "maddy keeps enforcing: {table}");
    assert!(row("KumoMTA").contains("→ no-policy"), "{table}");
    assert!(table.contains("A repeated `version`, `mode` or `max_age` makes the whole policy invalid."), "{table}");
}

#[test]
fn without_a_domain_the_draft_is_checked_offline() {
    let file = draft("version: STSv1\nmode: enforce\nmax_age: 86400\n");
    // No network flags at all: nothing may be fetched.
    let run = preflight(None, &["--policy", file.path().to_str().unwrap(), "--record", "v=STSv1; id=;", "--json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let value = json(&run);
    let found = codes(&value);
    assert!(found.contains(&"policy-mx-missing") && found.contains(&"record-id-invalid"), "{found:?}");
    assert!(value["mx"].as_array().unwrap().is_empty() && value["diff"].as_array().unwrap().is_empty());

    let run = preflight(None, &["--policy", file.path().to_str().unwrap()]);
    assert!(run.stdout.contains("Checked on its own"), "{}", run.stdout);
    // --offline ignores the domain's live state (an unresolvable resolver proves nothing is asked).
    let run = preflight(
        None,
        &["live.test", "--offline", "--doh", "http://127.0.0.1:9/dns-query", "--record", "v=STSv1; id=1;"],
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn usage_errors_say_what_to_do() {
    let run = preflight(None, &["live.test"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--policy FILE") && run.stderr.contains("--record TXT"), "{}", run.stderr);
    let run = preflight(None, &["not a domain!", "--record", "v=STSv1; id=1;"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a usable domain"), "{}", run.stderr);
    let run = preflight(None, &["--policy", "/nonexistent/mta-sts.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}
