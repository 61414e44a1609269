//! The browser tests' shared setup: the DoH fixture server, the worker in `wrangler dev` (serving the
//! build in `dist/`) and one headless Chromium session, plus page helpers.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead as _, BufReader};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use mta_sts_testkit::doh::{DohServer, Fault};
use mta_sts_testkit::webdriver::Browser;
use mta_sts_testkit::worker::Wrangler;
use mta_sts_testkit::zone::Zone;

pub const READY_WITHIN: Duration = Duration::from_secs(180);
pub const CHECK_WITHIN: Duration = Duration::from_secs(30);

pub struct Env {
    pub doh: DohServer,
    pub worker: Wrangler,
    pub browser: Browser,
}

pub fn env() -> MutexGuard<'static, Env> {
    static ENV: OnceLock<Mutex<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let zone = Zone::new()
            .txt("_mta-sts.valid.example", "v=STSv1; id=20250101T000000")
            .txt("_smtp._tls.valid.example", "v=TLSRPTv1; rua=mailto:tlsrpt@valid.example")
            .mx("valid.example", 10, "mail.valid.example")
            .a("mta-sts.valid.example", Ipv4Addr::new(192, 0, 2, 10))
            // Hostile TXT records: they must show as text and run nothing.
            .txt("_mta-sts.xss.example", "v=STSv1; id=<script>window.pwned=1</script>")
            .txt("_smtp._tls.xss.example", "v=TLSRPTv1; rua=<img src=x onerror=\"window.pwned=2\">")
            .mx("xss.example", 10, "mail.xss.example")
            // Two MX hosts under one parent: the generator suggests a wildcard for them.
            .mx("multi.example", 10, "mx1.mail.multi.example")
            .mx("multi.example", 20, "mx2.mail.multi.example");
        let doh = DohServer::start(zone).expect("start the DoH fixture server");
        doh.fault("servfail.example", Fault::ServFail);
        doh.fault("stall.example", Fault::Stall);
        let worker = Wrangler::start(&[("DOH_URL", &doh.url())], READY_WITHIN);
        let browser = Browser::start();
        Mutex::new(Env { doh, worker, browser })
    })
    .lock()
    .unwrap_or_else(PoisonError::into_inner)
}

pub fn screenshot(env: &Env, name: &str) {
    screenshot_in(&env.browser, name);
}

pub fn screenshot_in(browser: &Browser, name: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../target/browser-screenshots/{name}.png"));
    browser.screenshot(&path);
}

pub fn url(env: &Env, path: &str) -> String {
    format!("http://{}{path}", env.worker.addr)
}

/// Opens `path` and waits until the app has replaced the static form.
pub fn open(env: &Env, path: &str) {
    env.browser.goto(&url(env, path));
    env.browser.wait_for(
        "document.querySelector('#app') && !document.getElementById('static-app')",
        CHECK_WITHIN,
        "the app to start",
    );
}

/// Waits for the finished report of `domain` (not the one still streaming in) and returns its verdict.
pub fn verdict_for(env: &Env, domain: &str) -> String {
    verdict_in(&env.browser, domain)
}

/// [`verdict_for`] in any browser session.
pub fn verdict_in(browser: &Browser, domain: &str) -> String {
    let cond = format!(
        "(() => {{ const h = document.querySelector('#verdict-heading .domain'); return h && h.textContent === '{domain}' \
         && document.querySelector('section.report').dataset.verdict !== 'pending'; }})()"
    );
    browser.wait_for(&cond, CHECK_WITHIN, &format!("the report of {domain}"));
    browser
        .eval("return document.querySelector('section.report').dataset.verdict;", &[])
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// `mta-sts serve` with the built app; it stops when dropped.
pub struct Serve {
    child: Child,
    pub addr: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A binary of the workspace beside this test's own (`cargo test --workspace`, which `.ci/run` runs before
/// these tests, builds the CLI and its examples): `mta-sts`, or `examples/<name>`.
pub fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let binary = exe.parent().and_then(|deps| deps.parent()).unwrap().join(name);
    assert!(binary.is_file(), "{} is missing: run `cargo test -p mta-sts-cli` first", binary.display());
    binary
}

/// Starts `mta-sts serve` on a free loopback port with the built app (`dist/`) and `args`.
pub fn serve(args: &[String]) -> Serve {
    mta_sts_testkit::worker::ensure_app_built();
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist");
    let mut child = Command::new(workspace_binary("mta-sts"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--timeout", "60", "--allow-private-addresses"])
        .arg("--assets")
        .arg(&dist)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mta-sts serve");
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    // The first line names the bound address.
    log.read_line(&mut line).unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_owned();
    std::thread::spawn(move || for _ in log.lines() {});
    Serve { child, addr }
}
