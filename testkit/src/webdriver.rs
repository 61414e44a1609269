//! A small W3C WebDriver client for the browser tests: Debian's `chromedriver` driving headless
//! `chromium`, spoken to over loopback HTTP with [`crate::http`]. Only the commands the tests use.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The WebDriver key for Enter (W3C WebDriver §17.4.2).
pub const ENTER: char = '\u{E007}';
/// The WebDriver key for Tab.
pub const TAB: char = '\u{E004}';

/// A chromedriver process and one headless Chromium session; both end when this is dropped.
pub struct Browser {
    driver: Child,
    lifeline: Option<ChildStdin>,
    addr: SocketAddr,
    session: String,
    profile: PathBuf,
}

/// A found element (its WebDriver reference).
#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver (`CHROMEDRIVER`, default `chromedriver` on PATH) and a headless Chromium
    /// (`CHROMIUM`, default `/usr/bin/chromium`) with a fresh profile.
    pub fn start() -> Browser {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        let port = crate::worker::free_port();
        // A supervisor shell runs chromedriver as the leader of its own process group (Chromium joins it)
        // and stops the whole group when its stdin closes: when this value is dropped, or when the test
        // process exits (tests keep the browser in a static, which is never dropped).
        let script = format!(
            "setsid {driver_bin} --port={port} </dev/null >/dev/null 2>&1 & pid=$!; read -r _ || true; \
             kill -TERM -$pid 2>/dev/null || kill -TERM $pid 2>/dev/null; wait $pid"
        );
        let mut driver = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {driver_bin}: {e} (apt-get install chromium-driver)"));
        let lifeline = driver.stdin.take();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let until = Instant::now() + TIMEOUT;
        while crate::http::get(addr, "/status", &[], Duration::from_secs(2)).map_or(0, |r| r.status) != 200 {
            assert!(Instant::now() < until, "chromedriver did not start on {addr}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("mta-sts-chromium-{port}"));
        let _ = std::fs::remove_dir_all(&profile);
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1100,1400",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let mut browser = Browser { driver, lifeline, addr, session: String::new(), profile };
        let created = browser.call("POST", "/session", Some(&capabilities));
        created["sessionId"].as_str().expect("a session id").clone_into(&mut browser.session);
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
        let response = crate::http::request(self.addr, method, path, bytes.as_deref(), &[], TIMEOUT)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let value: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        assert!(response.status == 200, "WebDriver {method} {path}: {} {value}", response.status);
        value["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(&json!({ "url": url })));
    }

    pub fn back(&self) {
        self.session_call("POST", "/back", Some(&json!({})));
    }

    pub fn forward(&self) {
        self.session_call("POST", "/forward", Some(&json!({})));
    }

    pub fn url(&self) -> String {
        self.session_call("GET", "/url", None).as_str().unwrap_or_default().to_owned()
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns what it returns.
    pub fn eval(&self, script: &str, args: &[Value]) -> Value {
        self.session_call("POST", "/execute/sync", Some(&json!({ "script": script, "args": args })))
    }

    /// Runs an async `script`: it calls `arguments[arguments.length - 1](result)` when done.
    pub fn eval_async(&self, script: &str) -> Value {
        self.session_call("POST", "/execute/async", Some(&json!({ "script": script, "args": [] })))
    }

    /// Runs a Chrome DevTools Protocol command through chromedriver.
    pub fn cdp(&self, cmd: &str, params: &Value) -> Value {
        self.session_call("POST", "/goog/cdp/execute", Some(&json!({ "cmd": cmd, "params": params })))
    }

    pub fn click(&self, element: &Element) {
        self.session_call("POST", &format!("/element/{}/click", element.0), Some(&json!({})));
    }

    /// The first element matching a CSS selector, if any.
    pub fn find(&self, css: &str) -> Option<Element> {
        let path = format!("/session/{}/element", self.session);
        let body = serde_json::to_vec(&json!({ "using": "css selector", "value": css })).unwrap();
        let response = crate::http::request(self.addr, "POST", &path, Some(&body), &[], TIMEOUT).ok()?;
        if response.status != 200 {
            return None;
        }
        let value: Value = serde_json::from_slice(&response.body).ok()?;
        value["value"].as_object()?.values().next()?.as_str().map(|id| Element(id.to_owned()))
    }

    /// Polls until `condition` (a JS expression) is truthy; panics with `what` after `within`.
    pub fn wait_for(&self, condition: &str, within: Duration, what: &str) {
        let until = Instant::now() + within;
        let script = format!("return !!({condition});");
        while self.eval(&script, &[]) != Value::Bool(true) {
            assert!(Instant::now() < until, "timed out waiting for {what} ({condition}) at {}", self.url());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types into an element (WebDriver keys such as [`ENTER`] included).
    pub fn type_into(&self, element: &Element, text: &str) {
        self.session_call("POST", &format!("/element/{}/value", element.0), Some(&json!({ "text": text })));
    }

    pub fn clear(&self, element: &Element) {
        self.session_call("POST", &format!("/element/{}/clear", element.0), Some(&json!({})));
    }

    /// Sends keys to whatever has focus (keyboard-only flows).
    pub fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [json!({"type": "keyDown", "value": c.to_string()}), json!({"type": "keyUp", "value": c.to_string()})]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(&json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        );
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) {
        let data = self.session_call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap_or_default()).unwrap();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// Emulates `prefers-color-scheme: dark` (or back to light), through chromedriver's CDP endpoint.
    pub fn set_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        let params = json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] });
        self.session_call(
            "POST",
            "/goog/cdp/execute",
            Some(&json!({ "cmd": "Emulation.setEmulatedMedia", "params": params })),
        );
    }

    /// The browser console messages since the last call (chromedriver's log endpoint).
    pub fn console(&self) -> Vec<String> {
        let entries = self.session_call("POST", "/se/log", Some(&json!({ "type": "browser" })));
        entries
            .as_array()
            .map(|list| list.iter().map(|e| e["message"].as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default()
    }

    /// Runs the next commands inside `frame` (an iframe element of the current context), whatever its origin.
    pub fn enter_frame(&self, frame: &Element) {
        // W3C WebDriver §12.2.4 (Switch To Frame): the web element identifier's fixed key.
        let reference = json!({ "element-6066-11e4-a52e-4f735466cecf": frame.0 });
        self.session_call("POST", "/frame", Some(&json!({ "id": reference })));
    }

    /// Back to the top-level page after [`Browser::enter_frame`].
    pub fn leave_frames(&self) {
        self.session_call("POST", "/frame", Some(&json!({ "id": null })));
    }

    /// Resizes the window (e.g. to a 360 px phone).
    pub fn set_window(&self, width: u32, height: u32) {
        self.session_call("POST", "/window/rect", Some(&json!({ "width": width, "height": height })));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = crate::http::request(self.addr, "DELETE", &path, None, &[], Duration::from_secs(10));
        }
        drop(self.lifeline.take());
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
