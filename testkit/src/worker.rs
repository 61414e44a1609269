//! Builds the Cloudflare Worker once (`worker/build.sh`) and runs it in workerd with `wrangler dev`.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// The `worker/` folder of this repository.
pub fn worker_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../worker")
}

/// Builds the worker with `worker/build.sh` unless `worker/build/index.js` exists already (CI builds it
/// once, before the tests). Panics with the build's output when it fails.
pub fn ensure_built() {
    let dir = worker_dir();
    if dir.join("build/index.js").is_file() && dir.join("build/index_bg.wasm").is_file() {
        return;
    }
    let output = Command::new("sh").arg("build.sh").current_dir(&dir).output().expect("run worker/build.sh");
    assert!(
        output.status.success(),
        "worker/build.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Builds the web app that wrangler serves as static assets (`www/build.sh` -> `dist/`) unless
/// `dist/index.html` exists already (CI builds it once, before the tests).
pub fn ensure_app_built() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if root.join("dist/index.html").is_file() {
        return;
    }
    let output = Command::new("sh").arg("www/build.sh").current_dir(&root).output().expect("run www/build.sh");
    assert!(
        output.status.success(),
        "www/build.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A free TCP port on 127.0.0.1 (bound and released; good enough for a local test run).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Runs `wrangler ARGS...` in `worker/` to completion (e.g. `d1 migrations apply DB --local`) and returns
/// its output; panics with it when the command fails.
pub fn wrangler(args: &[&str]) -> String {
    let output = Command::new("node_modules/.bin/wrangler")
        .args(args)
        .current_dir(worker_dir())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("NO_COLOR", "1")
        // Not a terminal: wrangler asks nothing and takes the default answers.
        .env("CI", "true")
        .stdin(Stdio::null())
        .output()
        .expect("run wrangler");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "wrangler {}:\n{text}", args.join(" "));
    text
}

/// `wrangler dev` serving the prebuilt worker. It stops when this value is dropped or when the test
/// process exits (its supervisor shell waits on our end of a pipe).
pub struct Wrangler {
    pub addr: SocketAddr,
    log: PathBuf,
    supervisor: Child,
    lifeline: Option<ChildStdin>,
}

impl Wrangler {
    /// Starts `wrangler dev` on a free port with `vars` (`--var NAME:VALUE`) and waits, up to `ready_within`,
    /// until it answers.
    pub fn start(vars: &[(&str, &str)], ready_within: Duration) -> Wrangler {
        Wrangler::start_with(vars, &[], ready_within)
    }

    /// As [`Wrangler::start`], with more `wrangler dev` arguments (`--test-scheduled`, `--persist-to DIR`).
    pub fn start_with(vars: &[(&str, &str)], args: &[&str], ready_within: Duration) -> Wrangler {
        ensure_built();
        ensure_app_built();
        let dir = worker_dir();
        let port = free_port();
        let inspector = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let log = std::env::temp_dir().join(format!("mta-sts-wrangler-{port}.log"));
        let mut command = format!(
            "exec node_modules/.bin/wrangler dev --ip 127.0.0.1 --port {port} --inspector-port {inspector} \
             --log-level info"
        );
        for (name, value) in vars {
            let _ = write!(command, " --var '{name}:{value}'");
        }
        for arg in args {
            let _ = write!(command, " '{arg}'");
        }
        // The supervisor runs wrangler in the background and stops it when stdin closes, which happens
        // when this process exits even if nothing is dropped (statics are never dropped).
        let script = format!(
            "{command} </dev/null >'{}' 2>&1 & pid=$!; read -r _ || true; kill -TERM $pid 2>/dev/null; wait $pid",
            log.display()
        );
        let mut supervisor = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(&dir)
            .env("MTA_STS_WORKER_PREBUILT", "1")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start wrangler dev");
        let lifeline = supervisor.stdin.take();
        let wrangler = Wrangler { addr, log, supervisor, lifeline };
        wrangler.wait_ready(ready_within);
        wrangler
    }

    /// Polls `GET /` until it answers 200, or panics with wrangler's log after `within`.
    fn wait_ready(&self, within: Duration) {
        let until = Instant::now() + within;
        while Instant::now() < until {
            if let Ok(r) = crate::http::get(self.addr, "/", &[], Duration::from_secs(5))
                && r.status == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("wrangler dev did not answer on {} within {within:?}:\n{}", self.addr, self.log_text());
    }

    /// What wrangler printed so far.
    pub fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Wrangler {
    fn drop(&mut self) {
        // Closing stdin tells the supervisor to stop wrangler; then reap it.
        drop(self.lifeline.take());
        let _ = self.supervisor.wait();
    }
}
