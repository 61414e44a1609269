//! Local fixture servers for the online commands: a DNS-over-HTTPS server answering from the core's test
//! `Zone` (real DNS messages, with CNAME chasing and NXDOMAIN told apart from NODATA), and an HTTPS
//! policy server whose certificates come from a test CA made at start-up.
//! Everything listens on loopback; nothing reaches the internet.
//!
//! Time: a `Fixture` reads the real clock once, at start, into `Fixture::now`. Every certificate it
//! issues is dated from that instant, and a test judges at that same instant (`--now`, `evaluate`), so
//! the outcome is the same on any day and under a clock moved years ahead (`.ci/run` runs these tests
//! under faketime too). The real clock, not a constant, because the `mta-sts` under test verifies each
//! TLS handshake against the real clock, as a sender connecting now would.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use mta_sts::dns::testing::{Answer, DEFAULT_TTL, Zone, reply};
use mta_sts::dns::{Rcode, RecordType};
use rcgen::{CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The certificate a policy host presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cert {
    Good,
    Expired,
    /// Valid, but expiring in three days.
    ExpiringSoon,
    /// Issued by the test CA for another name.
    WrongName,
    /// Self-signed: not from any trusted CA.
    SelfSigned,
    /// No certificate at all: the handshake fails.
    None,
}

/// What a policy host answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// These exact response head lines (without Content-Length) and body.
    Http { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// A valid head, then the body one byte per second.
    Trickle(Vec<u8>),
    /// Nothing until the test releases the gate (`notify_one`), then this reply.
    Held(Arc<tokio::sync::Notify>, Box<Reply>),
}

impl Reply {
    pub fn policy(body: &str) -> Reply {
        Reply::Http {
            status: 200,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Site {
    pub cert: Cert,
    pub reply: Reply,
}

/// A DNS fault, keyed by `"<name> <TYPE>"`.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    ServFail,
    /// No answer at all (the client's timeout fires).
    Hang,
    /// HTTP 200 with a body that is not a DNS message.
    Garbage,
}

#[derive(Debug, Default)]
pub struct World {
    /// Owners in lower case, as `record` writes them.
    pub zone: Zone,
    pub faults: HashMap<String, Fault>,
    pub sites: HashMap<String, Site>,
    /// Names under this suffix get a valid deployment made up on the fly (the benchmark's 2,000 domains).
    pub synthetic_suffix: Option<String>,
}

impl World {
    /// Adds a record written as a zone file writes it; a TXT value is one character-string.
    pub fn record(&mut self, owner: &str, rtype: &str, value: &str) -> &mut Self {
        let data = Answer::parse(rtype, value).unwrap_or_else(|e| panic!("{owner} {rtype}: {e}"));
        self.zone.insert(&owner.to_ascii_lowercase(), DEFAULT_TTL, data);
        self
    }

    /// A complete, valid deployment for `domain`, policy host at `a` (and `aaaa` if given).
    pub fn deploy(&mut self, domain: &str, a: Option<&str>, aaaa: Option<&str>, policy: Reply, cert: Cert) {
        self.record(&format!("_mta-sts.{domain}"), "TXT", "v=STSv1; id=20260101T000000;");
        self.record(&format!("_smtp._tls.{domain}"), "TXT", &format!("v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"));
        self.record(domain, "MX", &format!("10 mx.{domain}"));
        if let Some(a) = a {
            self.record(&format!("mta-sts.{domain}"), "A", a);
        }
        if let Some(aaaa) = aaaa {
            self.record(&format!("mta-sts.{domain}"), "AAAA", aaaa);
        }
        self.sites.insert(format!("mta-sts.{domain}"), Site { cert, reply: policy });
    }

    /// For a name under the synthetic suffix, the made-up deployment's one record that a probe of that
    /// name asks for.
    fn synthetic(&self, name: &str) -> Option<Zone> {
        let suffix = self.synthetic_suffix.as_deref()?;
        if !name.ends_with(suffix) {
            return None;
        }
        let domain =
            name.trim_start_matches("_mta-sts.").trim_start_matches("_smtp._tls.").trim_start_matches("mta-sts.");
        let zone = Zone::new();
        Some(if name.starts_with("_mta-sts.") {
            zone.txt(name, "v=STSv1; id=1;")
        } else if name.starts_with("_smtp._tls.") {
            zone.txt(name, &format!("v=TLSRPTv1; rua=mailto:t@{domain}"))
        } else if name.starts_with("mta-sts.") {
            zone.a(name, Ipv4Addr::LOCALHOST)
        } else if !name.starts_with('_') {
            zone.mx(name, 10, &format!("mx.{domain}"))
        } else {
            zone
        })
    }

    fn answer(&self, name: &str, rtype: RecordType) -> Vec<u8> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        match self.synthetic(&name) {
            // Every name under the suffix exists: one with nothing made up for it is NODATA, not NXDOMAIN.
            Some(zone) if zone.records().is_empty() => reply(&name, rtype, Rcode::NoError, false, &[]),
            Some(zone) => zone.answer(&name, rtype),
            None => self.zone.answer(&name, rtype),
        }
    }
}

/// The test CA, and certificates it (or nobody) issues, all dated from one instant.
pub struct Authority {
    /// The instant every certificate's validity is counted from.
    now: time::OffsetDateTime,
    params: CertificateParams,
    key: KeyPair,
    pub pem_path: PathBuf,
    _dir: tempfile::TempDir,
    cache: Mutex<HashMap<(String, Cert), Arc<CertifiedKey>>>,
}

fn days(n: i64) -> time::Duration {
    time::Duration::days(n)
}

impl Authority {
    pub fn new(now: u64) -> Authority {
        let now = time::OffsetDateTime::from_unix_timestamp(i64::try_from(now).unwrap()).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "mta-sts test CA");
        params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let ca = params.self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pem_path = dir.path().join("ca.pem");
        std::fs::write(&pem_path, ca.pem()).unwrap();
        Authority { now, params, key, pem_path, _dir: dir, cache: Mutex::new(HashMap::new()) }
    }

    pub fn certified(&self, names: &[&str], kind: Cert) -> Option<Arc<CertifiedKey>> {
        let cache_key = (names.join(","), kind);
        if let Some(found) = self.cache.lock().unwrap().get(&cache_key) {
            return Some(found.clone());
        }
        let now = self.now;
        let names: Vec<String> = match kind {
            Cert::WrongName => vec!["www.other.test".to_owned()],
            _ => names.iter().map(|n| (*n).to_owned()).collect(),
        };
        let mut params = CertificateParams::new(names.clone()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0].clone());
        (params.not_before, params.not_after) = match kind {
            Cert::Expired => (now - days(90), now - days(2)),
            Cert::ExpiringSoon => (now - days(60), now + days(3) + time::Duration::hours(1)),
            Cert::None => return None,
            _ => (now - days(1), now + days(90)),
        };
        let key = KeyPair::generate().unwrap();
        let cert = if kind == Cert::SelfSigned {
            params.self_signed(&key).unwrap()
        } else {
            params.signed_by(&key, &Issuer::from_params(&self.params, &self.key)).unwrap()
        };
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing = rustls::crypto::ring::sign::any_supported_type(&der).unwrap();
        let certified = Arc::new(CertifiedKey::new(vec![CertificateDer::from(cert.der().to_vec())], signing));
        self.cache.lock().unwrap().insert(cache_key, certified.clone());
        Some(certified)
    }
}

#[derive(Debug)]
struct BySni {
    authority: Arc<Authority>,
    world: Arc<Mutex<World>>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authority")
    }
}

impl ResolvesServerCert for BySni {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let name = hello.server_name()?.to_ascii_lowercase();
        let kind = {
            let world = self.world.lock().unwrap();
            match world.sites.get(&name) {
                Some(site) => site.cert,
                None if world.synthetic_suffix.as_deref().is_some_and(|s| name.ends_with(s)) => Cert::Good,
                None => return None,
            }
        };
        self.authority.certified(&[&name], kind)
    }
}

/// The running fixture servers.
pub struct Fixture {
    /// The instant the fixture was started at (Unix seconds): its certificates are dated from it, and
    /// tests judge at it.
    pub now: u64,
    pub world: Arc<Mutex<World>>,
    pub authority: Arc<Authority>,
    pub doh_url: String,
    pub policy_addr: SocketAddr,
    pub policy_connections: Arc<AtomicUsize>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Fixture {
    pub fn start(world: World) -> Fixture {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let world = Arc::new(Mutex::new(world));
        let authority = Arc::new(Authority::new(now));
        let policy_connections = Arc::new(AtomicUsize::new(0));
        let (doh, policy) = runtime.block_on(async {
            let doh = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let policy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            (doh, policy)
        });
        let doh_addr = doh.local_addr().unwrap();
        let policy_addr = policy.local_addr().unwrap();
        runtime.spawn(serve_doh(doh, world.clone(), authority.clone()));
        runtime.spawn(serve_policy(policy, world.clone(), authority.clone(), policy_connections.clone()));
        Fixture {
            now,
            world,
            authority,
            doh_url: format!("https://127.0.0.1:{}/dns-query", doh_addr.port()),
            policy_addr,
            policy_connections,
            runtime: Some(runtime),
        }
    }

    pub fn ca_file(&self) -> String {
        self.authority.pem_path.display().to_string()
    }

    /// The flags that point `check` at these servers.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--doh".into(),
            self.doh_url.clone(),
            "--ca-file".into(),
            self.ca_file(),
            // Every policy host is this one server; the SNI picks the site.
            "--connect-to".into(),
            format!(":443:127.0.0.1:{}", self.policy_addr.port()),
            "--allow-private-addresses".into(),
        ]
    }

    /// Runs a future on the fixture's runtime (for listeners a test adds).
    pub fn spawn<F: std::future::Future<Output = ()> + Send + 'static>(&self, future: F) {
        self.runtime.as_ref().unwrap().spawn(future);
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.as_ref().unwrap().block_on(future)
    }
}

fn server_config(resolver: Arc<dyn ResolvesServerCert>) -> Arc<ServerConfig> {
    let mut config = ServerConfig::builder().with_no_client_auth().with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

async fn serve_doh(listener: tokio::net::TcpListener, world: Arc<Mutex<World>>, authority: Arc<Authority>) {
    #[derive(Debug)]
    struct Fixed(Arc<CertifiedKey>);
    impl ResolvesServerCert for Fixed {
        fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
            Some(self.0.clone())
        }
    }
    let cert = authority.certified(&["127.0.0.1", "doh.test"], Cert::Good).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(Arc::new(Fixed(cert))));
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let acceptor = acceptor.clone();
        let world = world.clone();
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else { return };
            let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let world = world.clone();
                async move { Ok::<_, std::convert::Infallible>(doh_answer(&request, &world).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
        });
    }
}

async fn doh_answer(
    request: &hyper::Request<hyper::body::Incoming>,
    world: &Mutex<World>,
) -> hyper::Response<Full<Bytes>> {
    let query = request.uri().query().unwrap_or_default();
    let dns = query.split('&').find_map(|kv| kv.strip_prefix("dns=")).unwrap_or_default();
    let Ok(message) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(dns) else {
        return hyper::Response::builder().status(400).body(Full::new(Bytes::new())).unwrap();
    };
    let (name, rtype) =
        mta_sts::dns::testing::question_of(&message).expect("the checker sends DNS queries of the types it knows");
    let (fault, body) = {
        let world = world.lock().unwrap();
        let fault = world.faults.get(&format!("{} {}", name.to_ascii_lowercase(), rtype.as_str())).copied();
        (fault, world.answer(&name, rtype))
    };
    let body = match fault {
        None => body,
        Some(Fault::ServFail) => reply(&name, rtype, Rcode::ServFail, false, &[]),
        Some(Fault::Garbage) => b"<html>this is not DNS</html>".to_vec(),
        Some(Fault::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Vec::new()
        }
    };
    hyper::Response::builder()
        .header("content-type", "application/dns-message")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

async fn serve_policy(
    listener: tokio::net::TcpListener,
    world: Arc<Mutex<World>>,
    authority: Arc<Authority>,
    connections: Arc<AtomicUsize>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(Arc::new(BySni { authority, world: world.clone() })));
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        connections.fetch_add(1, Ordering::SeqCst);
        let acceptor = acceptor.clone();
        let world = world.clone();
        tokio::spawn(async move {
            let Ok(mut tls) = acceptor.accept(tcp).await else { return };
            let host = tls.get_ref().1.server_name().unwrap_or_default().to_ascii_lowercase();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                match tls.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let reply = {
                let world = world.lock().unwrap();
                if let Some(site) = world.sites.get(&host) {
                    site.reply.clone()
                } else {
                    let domain = host.trim_start_matches("mta-sts.");
                    Reply::policy(&format!("version: STSv1\r\nmode: enforce\r\nmx: mx.{domain}\r\nmax_age: 604800\r\n"))
                }
            };
            let reply = match reply {
                Reply::Held(gate, reply) => {
                    gate.notified().await;
                    *reply
                }
                reply => reply,
            };
            match reply {
                Reply::Held(..) => {}
                Reply::Http { status, headers, body } => {
                    let mut out = format!("HTTP/1.1 {status} Fixture\r\n");
                    for (name, value) in headers {
                        let _ = write!(out, "{name}: {value}\r\n");
                    }
                    let _ = write!(out, "Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                    let _ = tls.write_all(out.as_bytes()).await;
                    let _ = tls.write_all(&body).await;
                }
                Reply::Trickle(body) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    for byte in body {
                        if tls.write_all(&[byte]).await.is_err() || tls.flush().await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
            let _ = tls.shutdown().await;
        });
    }
}

/// A plain TCP listener that only counts the connections it sees.
pub async fn counting_listener(addr: &str) -> (SocketAddr, Arc<AtomicUsize>, tokio::net::TcpListener) {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    (listener.local_addr().unwrap(), Arc::new(AtomicUsize::new(0)), listener)
}

pub async fn count(listener: tokio::net::TcpListener, seen: Arc<AtomicUsize>) {
    while listener.accept().await.is_ok() {
        seen.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs the `mta-sts` binary (integration tests only: examples have no binary path).
#[cfg(test)]
pub mod run {
    #[derive(Debug)]
    pub struct Run {
        pub code: i32,
        pub stdout: String,
        pub stderr: String,
    }

    impl Run {
        /// The JSON reports, one per line.
        pub fn reports(&self) -> Vec<serde_json::Value> {
            self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
        }
    }

    pub fn mta_sts(args: &[String]) -> Run {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mta-sts"))
            .args(args)
            // The fetcher must ignore proxies; a proxy that does not exist would fail every request.
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("https_proxy", "http://127.0.0.1:9")
            .env("ALL_PROXY", "http://127.0.0.1:9")
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Starts `mta-sts serve` on a free loopback port with `args`: the child, the address it listens on,
    /// and its log (keep it open: the server writes a line per request).
    pub fn serve(args: &[String]) -> (std::process::Child, String, std::io::BufReader<std::process::ChildStderr>) {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mta-sts"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut log = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        // The first line names the bound address; reading it is the synchronisation.
        log.read_line(&mut line).unwrap();
        let addr = line.trim().rsplit("http://").next().unwrap().to_owned();
        (child, addr, log)
    }

    pub fn codes(report: &serde_json::Value) -> Vec<String> {
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
    }
}
