//! End-to-end test of the worker's history: the release build in `wrangler dev --test-scheduled` with a
//! local D1 database (the repository's migrations applied by wrangler), the Cron Trigger fired through
//! `/__scheduled`, and `GET /api/history` read back. DNS comes from the DoH fixture server; the policy host
//! cannot be reached from here (workerd resolves it itself), so the changes asserted are the ones DNS and a
//! failing fetch make.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use mta_sts_testkit::doh::DohServer;
use mta_sts_testkit::http::{self, Response};
use mta_sts_testkit::worker::{Wrangler, wrangler};
use mta_sts_testkit::zone::Zone;

const READY_WITHIN: Duration = Duration::from_secs(180);
const REQUEST_WITHIN: Duration = Duration::from_secs(30);
/// A scheduled run checks each watched domain within the core's time budget (10 s); plenty on a busy machine.
const RUN_WITHIN: Duration = Duration::from_secs(90);
const TOKEN: &str = "test-watch-token-7f3a";

fn zone(rua: &str) -> Zone {
    Zone::new()
        .txt("_mta-sts.watched.example", "v=STSv1; id=20260101T000000")
        .txt("_smtp._tls.watched.example", &format!("v=TLSRPTv1; rua=mailto:{rua}"))
        .mx("watched.example", 10, "mail.watched.example")
        .txt("_mta-sts.added.example", "v=STSv1; id=1")
        .mx("added.example", 10, "mail.added.example")
}

/// A fresh D1 directory with the repository's migrations applied by wrangler, as an operator does.
fn local_d1() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mta-sts-d1-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the D1 directory");
    let persist = dir.to_str().expect("a UTF-8 temp path");
    let applied = wrangler(&["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
    assert!(applied.contains("0002_watch.sql"), "{applied}");
    dir
}

/// Every request from an address of its own: the polling below must not meet the rate limit.
fn send(worker: &Wrangler, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let client = format!("203.0.{}.{}", 113 + n / 250, n % 250 + 1);
    let mut all = vec![("CF-Connecting-IP", client.as_str())];
    all.extend_from_slice(headers);
    http::request(worker.addr, method, path, None, &all, REQUEST_WITHIN)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}\n{}", worker.log_text()))
}

fn history(worker: &Wrangler, domain: &str) -> Response {
    send(worker, "GET", &format!("/api/history?domain={domain}"), &[])
}

/// Fires the Cron Trigger as `wrangler dev --test-scheduled` allows; it answers once the handler is done.
/// (Miniflare's `/cdn-cgi/handler/scheduled` fails in front of static assets: it passes the controller to
/// the worker through RPC, which cannot serialise it.)
fn trigger(worker: &Wrangler) {
    let fired = send(worker, "GET", "/__scheduled?cron=17+*+*+*+*", &[]);
    assert_eq!(fired.status, 200, "{}\n{}", String::from_utf8_lossy(&fired.body), worker.log_text());
}

/// Polls the domain's history until it has `runs` runs, or panics after `RUN_WITHIN`.
fn wait_for_runs(worker: &Wrangler, domain: &str, runs: usize) -> serde_json::Value {
    let until = Instant::now() + RUN_WITHIN;
    loop {
        let response = history(worker, domain);
        if response.status == 200 {
            let json = response.json();
            if json["runs"].as_array().map(Vec::len) == Some(runs) {
                return json;
            }
        }
        assert!(
            Instant::now() < until,
            "{domain}: no {runs} runs within {RUN_WITHIN:?}: {} {}\n{}",
            response.status,
            String::from_utf8_lossy(&response.body),
            worker.log_text()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn change_codes(run: &serde_json::Value) -> Vec<&str> {
    run["changes"].as_array().expect("changes").iter().map(|c| c["code"].as_str().expect("code")).collect()
}

#[test]
fn the_cron_trigger_stores_runs_and_api_history_serves_them() {
    let d1 = local_d1();
    let persist = d1.to_str().expect("a UTF-8 temp path");
    // The operator's way without the endpoint: a row in the watch list.
    wrangler(&[
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        persist,
        "--command",
        "INSERT INTO watched (domain, added_at) VALUES ('watched.example', 0)",
    ]);
    let doh = DohServer::start(zone("tlsrpt@watched.example")).expect("start the DoH fixture server");
    let worker = Wrangler::start_with(
        &[("DOH_URL", &doh.url()), ("WATCH_TOKEN", TOKEN)],
        &["--test-scheduled", "--persist-to", persist],
        READY_WITHIN,
    );

    // The watch endpoint: only with the operator's token.
    for authorization in [None, Some("Bearer wrong-token"), Some("Basic dGVzdA=="), Some("Bearer ")] {
        let headers: Vec<(&str, &str)> = authorization.map(|a| ("Authorization", a)).into_iter().collect();
        let refused = send(&worker, "POST", "/api/watch?domain=added.example", &headers);
        assert_eq!(refused.status, 401, "{authorization:?}: {}", String::from_utf8_lossy(&refused.body));
        assert!(refused.json()["error"].as_str().is_some_and(|e| e.contains("Bearer")));
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    }
    let bearer = format!("Bearer {TOKEN}");
    let auth = [("Authorization", bearer.as_str())];
    let added = send(&worker, "POST", "/api/watch?domain=Added.Example", &auth);
    assert_eq!(added.status, 200, "{}", String::from_utf8_lossy(&added.body));
    assert_eq!(added.json(), serde_json::json!({"domain": "added.example", "watched": true, "changed": true}));
    let invalid = send(&worker, "POST", "/api/watch?domain=not%20a%20domain", &auth);
    assert_eq!(invalid.status, 400);

    // Nothing is stored before the first scheduled run; an unknown domain is a 404 JSON answer.
    for domain in ["watched.example", "unknown.example"] {
        let none = history(&worker, domain);
        assert_eq!(none.status, 404, "{}", String::from_utf8_lossy(&none.body));
        assert!(none.json()["error"].as_str().is_some_and(|e| e.contains(domain)), "{:?}", none.json());
        assert_eq!(none.header("cache-control"), Some("no-store"));
    }
    let no_domain = send(&worker, "GET", "/api/history", &[]);
    assert_eq!(no_domain.status, 400);
    assert_eq!(no_domain.json()["error"], "Add the domain to check, as in /api/history?domain=example.com.");
    assert_eq!(history(&worker, "").status, 400);

    trigger(&worker);
    let first = wait_for_runs(&worker, "watched.example", 1);
    assert_eq!(first["domain"], "watched.example");
    let run = &first["runs"][0];
    // The policy host does not resolve from here: the record is read, the fetch fails.
    assert_eq!(run["verdict"], "invalid", "{first}");
    assert_eq!(run["record_id"], "20260101T000000");
    assert_eq!(run["fetch_failures"], 1);
    assert!(change_codes(run).is_empty(), "the first run has nothing to compare with: {first}");
    assert_eq!(
        first["policies"],
        serde_json::json!([{"record_id": "20260101T000000", "body": null,
            "first_seen": run["checked_at"], "last_seen": run["checked_at"], "runs": 1}])
    );
    let added_first = wait_for_runs(&worker, "added.example", 1);
    assert_eq!(added_first["runs"][0]["record_id"], "1");

    // The domain's TLS-RPT address changes, and the policy fetch fails a second time in a row.
    doh.set_zone(zone("reports@elsewhere.example"));
    trigger(&worker);
    let second = wait_for_runs(&worker, "watched.example", 2);
    let run = &second["runs"][1];
    assert_eq!(run["fetch_failures"], 2);
    let codes = change_codes(run);
    assert!(codes.contains(&"tlsrpt-rua-changed"), "{second}");
    assert!(codes.contains(&"policy-fetch-still-failing"), "{second}");
    let still = run["changes"].as_array().unwrap().iter().find(|c| c["code"] == "policy-fetch-still-failing").unwrap();
    assert_eq!(still["severity"], "error");
    assert!(still["message"].as_str().is_some_and(|m| !m.is_empty()) && still["fix"].as_str().is_some());
    assert_eq!(second["policies"][0]["runs"], 2);
    assert_eq!(history(&worker, "WATCHED.example.").json(), second, "the domain is normalised");
    wait_for_runs(&worker, "added.example", 2);

    // Unwatched: the next scheduled run leaves it alone; its history stays.
    let removed = send(&worker, "DELETE", "/api/watch?domain=added.example", &auth);
    assert_eq!(removed.json()["changed"], true, "{}", String::from_utf8_lossy(&removed.body));
    trigger(&worker);
    wait_for_runs(&worker, "watched.example", 3);
    assert_eq!(history(&worker, "added.example").json()["runs"].as_array().unwrap().len(), 2);

    drop(worker);
    let _ = std::fs::remove_dir_all(&d1);
}
