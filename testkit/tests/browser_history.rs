//! The history page and the check page's link to it, from `mta-sts serve --db`: two runs of
//! `mta-sts monitor` against the fixture servers (`cli/examples/fixture_servers`), with the domain's policy
//! edited between them and its id left as it was, store two published policies; the page shows both, the
//! lines that changed and the `policy-changed-id-unchanged` change with its fix. A domain the monitor never
//! checked gets no link on the check page, and the history page says how to start one.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use common::{CHECK_WITHIN, Serve, verdict_in, workspace_binary};
use mta_sts_testkit::webdriver::{Browser, ENTER};

/// The fixture servers as a process: every `*.bench.test` domain has a valid deployment; a line of domain
/// names on standard input edits their policy (`max_age` doubled, the record's id unchanged).
struct Fixtures {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    flags: Vec<String>,
}

impl Fixtures {
    fn start() -> Fixtures {
        let mut child = Command::new(workspace_binary("examples/fixture_servers"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the fixture servers");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        // The first line is the flags that point the CLI at the servers; reading it is the synchronisation.
        stdout.read_line(&mut line).unwrap();
        let flags = line.split_whitespace().map(str::to_owned).collect();
        Fixtures { child, stdin, stdout, flags }
    }

    /// Edits the policy of `domain`, and waits until the servers say the edit is live.
    fn edit(&mut self, domain: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{domain}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "edited 1");
    }
}

impl Drop for Fixtures {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `mta-sts monitor` run of `domain` into `db`, judged and stored at `now`.
fn monitor(fixtures: &Fixtures, db: &std::path::Path, now: u64, domain: &str) -> serde_json::Value {
    let output = Command::new(workspace_binary("mta-sts"))
        .args(["monitor", "--json", "--db"])
        .arg(db)
        .args(["--now", &now.to_string()])
        .args(&fixtures.flags)
        .arg(domain)
        .output()
        .expect("run mta-sts monitor");
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().next().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn the_history_page_shows_both_published_policies_and_the_change() {
    let mut fixtures = Fixtures::start();
    let dir = std::env::temp_dir().join(format!("mta-sts-history-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("runs.db");
    // One instant for the whole test: the fixture's certificates are checked against the real clock, so
    // the runs are stored at it and an hour later.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let domain = "watched.bench.test";

    let first = monitor(&fixtures, &db, now, domain);
    assert_eq!((first["first_run"].as_bool(), first["verdict"].as_str()), (Some(true), Some("enforce")), "{first}");
    fixtures.edit(domain);
    let second = monitor(&fixtures, &db, now + 3600, domain);
    assert_eq!(second["changes"][0]["code"], "policy-changed-id-unchanged", "{second}");

    let mut args: Vec<String> = fixtures.flags.iter().filter(|f| *f != "--allow-private-addresses").cloned().collect();
    args.extend(["--db".to_owned(), db.display().to_string()]);
    let server: Serve = common::serve(&args);
    let browser = Browser::start();

    browser.goto(&format!("http://{}/history?domain={domain}", server.addr));
    browser.wait_for("!!document.querySelector('section.history')", CHECK_WITHIN, "the history");
    let shown = browser.eval(
        "const h = document.querySelector('section.history');
         return [h.dataset.runs, h.dataset.policies, h.querySelectorAll('article.version').length,
                 [...h.querySelectorAll('li.change')].map(li => li.dataset.code),
                 h.querySelector('li.change .fix').textContent,
                 [...h.querySelectorAll('article.version ol.body')].map(ol => ol.textContent),
                 [...h.querySelectorAll('ol.diff li.removed code')].map(c => c.textContent),
                 [...h.querySelectorAll('ol.diff li.added code')].map(c => c.textContent)];",
        &[],
    );
    assert_eq!(shown[0], "2", "two runs: {shown}");
    assert_eq!(shown[1], "2", "two published policies: {shown}");
    assert_eq!(shown[2], 2, "{shown}");
    assert_eq!(shown[3], serde_json::json!(["policy-changed-id-unchanged"]), "{shown}");
    assert!(shown[4].as_str().unwrap().starts_with("Fix: "), "{shown}");
    let bodies = shown[5].as_array().unwrap();
    // Byte for byte: the CR LF line ends are shown as ␍␊.
    assert!(bodies[0].as_str().unwrap().contains("max_age: 604800␍␊"), "{shown}");
    assert!(bodies[1].as_str().unwrap().contains("max_age: 1209600␍␊"), "{shown}");
    assert_eq!(shown[6], serde_json::json!(["max_age: 604800"]), "the line removed: {shown}");
    assert_eq!(shown[7], serde_json::json!(["max_age: 1209600"]), "the line added: {shown}");
    common::screenshot_in(&browser, "history");

    // The check page links to the history of a domain the monitor checked…
    browser.goto(&format!("http://{}/?domain={domain}", server.addr));
    assert_eq!(verdict_in(&browser, domain), "enforce");
    browser.wait_for(
        "!!document.querySelector('a.history-link:not([hidden])')",
        CHECK_WITHIN,
        "the link to the history",
    );
    let link = browser.eval(
        "const a = document.querySelector('a.history-link'); return [a.textContent.trim(), a.getAttribute('href'), a.dataset.history, a.hidden];",
        &[],
    );
    assert_eq!(link, serde_json::json!(["History", format!("/history?domain={domain}"), "kept", false]));

    // …and to none for a domain it never checked: the server answers that it keeps no history of it.
    let other = "other.bench.test";
    browser.goto(&format!("http://{}/?domain={other}", server.addr));
    assert_eq!(verdict_in(&browser, other), "enforce");
    browser.wait_for("!!document.querySelector('a.history-link[data-history]')", CHECK_WITHIN, "the history's answer");
    let link = "const a = document.querySelector('a.history-link'); return [a.dataset.history, a.hidden];";
    assert_eq!(browser.eval(link, &[]), serde_json::json!(["none", true]), "the link stays hidden");
    browser.goto(&format!("http://{}/history?domain={other}", server.addr));
    browser.wait_for("!!document.querySelector('.status .failed')", CHECK_WITHIN, "the page's answer");
    let said = browser.eval("return document.querySelector('.status').textContent;", &[]);
    assert!(said.as_str().unwrap().contains(&format!("keeps no history of {other}")), "{said}");
    assert!(said.as_str().unwrap().contains("mta-sts monitor --db"), "{said}");

    // The form moves between histories as the check page does: a new entry per domain, none for the same
    // one again, and Back and Forward show what the URL names.
    let shows_history = "!!document.querySelector('section.history')";
    let submit = |name: &str| {
        let input = browser.find("#domain").unwrap();
        browser.clear(&input);
        browser.type_into(&input, &format!("{name}{ENTER}"));
    };
    submit(domain);
    browser.wait_for(shows_history, CHECK_WITHIN, "the history after the form");
    assert!(browser.url().ends_with(&format!("/history?domain={domain}")), "{}", browser.url());
    let entries = browser.eval("return history.length;", &[]);
    submit(domain);
    browser.wait_for(shows_history, CHECK_WITHIN, "the history again");
    assert_eq!(browser.eval("return history.length;", &[]), entries, "the same domain again adds no entry");
    browser.back();
    browser.wait_for("!!document.querySelector('.status .failed')", CHECK_WITHIN, "the first domain's answer");
    let said = browser
        .eval("return [document.querySelector('.status').textContent, document.querySelector('#domain').value];", &[]);
    assert!(said[0].as_str().unwrap().contains(&format!("keeps no history of {other}")), "{said}");
    assert_eq!(said[1], other, "the field names the domain shown");
    browser.forward();
    browser.wait_for(shows_history, CHECK_WITHIN, "the history after Forward");
    assert_eq!(browser.eval("return document.querySelector('#domain').value;", &[]), domain);
    let _ = std::fs::remove_dir_all(&dir);
}
