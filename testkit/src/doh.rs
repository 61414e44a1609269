//! An RFC 8484 DNS-over-HTTPS server (GET `?dns=`, plain HTTP/1.1) on 127.0.0.1 for tests.
//!
//! It decodes each query, answers it from a [`Zone`] (or misbehaves on purpose, per [`Fault`]), and keeps
//! statistics per checked domain: how many requests arrived and how many were open at once. A [`Hold`]
//! keeps a domain's requests open until a given number of them are in flight, so a test can prove that
//! the probes of one check overlap without measuring time.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mta_sts::dns::testing::reply;
use mta_sts::dns::{Rcode, RecordType};

use crate::zone::Zone;

/// How the server misbehaves for the queries under one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer SERVFAIL.
    ServFail,
    /// Never answer: keep the connection open until the client gives up (or `STALL_CAP` passes).
    Stall,
    /// Answer 200 `application/dns-message` with bytes that are not a DNS message.
    Garbage,
    /// Answer this HTTP status with an empty body.
    HttpStatus(u16),
}

/// Hold the requests under a domain until `count` of them are open at once, or `deadline` passes.
#[derive(Clone, Copy, Debug)]
pub struct Hold {
    pub count: usize,
    pub deadline: Duration,
}

/// The longest a stalled request is kept open.
const STALL_CAP: Duration = Duration::from_secs(30);
/// The bytes a garbage answer carries.
pub const GARBAGE: &[u8] = b"\x00\x00<html>this is not a DNS message</html>";

/// What the server saw for one checked domain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: usize,
    pub in_flight: usize,
    pub max_in_flight: usize,
    /// `(name, type)` of every question, in arrival order.
    pub questions: Vec<(String, RecordType)>,
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub target: String,
    /// Header names and values as sent, names in lower case.
    pub headers: Vec<(String, String)>,
}

#[derive(Default)]
struct Counters {
    total: usize,
    by_domain: HashMap<String, Stats>,
    seen: Vec<Seen>,
}

struct Config {
    zone: Zone,
    faults: Vec<(String, Fault)>,
    holds: Vec<(String, Hold)>,
    delay: Duration,
}

struct Shared {
    config: Mutex<Config>,
    counters: Mutex<Counters>,
    changed: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running fixture server; it lives as long as the test process.
#[derive(Clone)]
pub struct DohServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

/// The domain a probe name belongs to: the name less the plan's prefixes.
pub fn checked_domain(name: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    for prefix in ["_mta-sts.", "_smtp._tls.", "mta-sts."] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    name
}

fn is_under(name: &str, domain: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.to_ascii_lowercase();
    name == domain || name.ends_with(&format!(".{domain}"))
}

impl DohServer {
    /// Starts a server on an ephemeral port of 127.0.0.1 answering from `zone`.
    pub fn start(zone: Zone) -> std::io::Result<DohServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: Mutex::new(Config { zone, faults: Vec::new(), holds: Vec::new(), delay: Duration::ZERO }),
            counters: Mutex::new(Counters::default()),
            changed: Condvar::new(),
        });
        let server = DohServer { addr, shared };
        let accepting = server.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let connection = accepting.clone();
                thread::spawn(move || connection.serve(stream));
            }
        });
        Ok(server)
    }

    /// The RFC 8484 URI template of this server.
    pub fn url(&self) -> String {
        format!("http://{}/dns-query", self.addr)
    }

    /// Answer from `zone` from now on (a domain's records edited between two checks).
    pub fn set_zone(&self, zone: Zone) {
        lock(&self.shared.config).zone = zone;
    }

    /// Misbehave for every query under `domain`.
    pub fn fault(&self, domain: &str, fault: Fault) {
        lock(&self.shared.config).faults.push((domain.to_owned(), fault));
    }

    /// Hold the queries under `domain` (see [`Hold`]).
    pub fn hold(&self, domain: &str, hold: Hold) {
        lock(&self.shared.config).holds.push((domain.to_owned(), hold));
    }

    /// Wait this long before every answer (an upstream's latency).
    pub fn set_delay(&self, delay: Duration) {
        lock(&self.shared.config).delay = delay;
    }

    /// How many requests the server has received in all.
    pub fn total_requests(&self) -> usize {
        lock(&self.shared.counters).total
    }

    /// What the server saw for the checks of `domain`.
    pub fn stats(&self, domain: &str) -> Stats {
        lock(&self.shared.counters).by_domain.get(&domain.to_ascii_lowercase()).cloned().unwrap_or_default()
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.shared.counters).seen.clone()
    }

    fn serve(&self, stream: TcpStream) {
        let Ok(write_half) = stream.try_clone() else { return };
        let mut reader = BufReader::new(stream);
        let mut writer = write_half;
        // HTTP/1.1 keep-alive: one request after another on the connection.
        while let Some((target, headers)) = read_request(&mut reader) {
            let keep_going = self.respond(&target, headers, &mut reader, &mut writer);
            if !keep_going {
                break;
            }
        }
    }

    /// Answers one request; `false` when the connection should be closed.
    fn respond(
        &self,
        target: &str,
        headers: Vec<(String, String)>,
        reader: &mut BufReader<TcpStream>,
        writer: &mut TcpStream,
    ) -> bool {
        let accepts = headers.iter().any(|(n, v)| n == "accept" && v.contains("application/dns-message"));
        let close = headers.iter().any(|(n, v)| n == "connection" && v.eq_ignore_ascii_case("close"));
        lock(&self.shared.counters).seen.push(Seen { target: target.to_owned(), headers });
        let Some((name, rtype)) = question(target) else {
            return write_response(writer, 400, "text/plain", b"not an RFC 8484 GET") && !close;
        };
        if !accepts {
            // RFC 8484 §4.1: the client says it wants application/dns-message.
            return write_response(writer, 406, "text/plain", b"Accept: application/dns-message expected") && !close;
        }
        let domain = checked_domain(&name);
        let (zone_answer, fault, hold, delay) = {
            let config = lock(&self.shared.config);
            let fault = config.faults.iter().find(|(d, _)| is_under(&name, d)).map(|(_, f)| f.clone());
            let hold = config.holds.iter().find(|(d, _)| is_under(&name, d)).map(|(_, h)| *h);
            (config.zone.answer(&name, rtype), fault, hold, config.delay)
        };

        let mut counters = lock(&self.shared.counters);
        counters.total += 1;
        let stats = counters.by_domain.entry(domain.clone()).or_default();
        stats.requests += 1;
        stats.in_flight += 1;
        stats.max_in_flight = stats.max_in_flight.max(stats.in_flight);
        stats.questions.push((name.clone(), rtype));
        self.shared.changed.notify_all();
        if let Some(hold) = hold {
            let until = Instant::now() + hold.deadline;
            loop {
                // The high-water mark, not the current count: once reached, everyone goes, even if the
                // first released request has finished before the others wake up.
                let open = counters.by_domain.get(&domain).map_or(0, |s| s.max_in_flight);
                let now = Instant::now();
                if open >= hold.count || now >= until {
                    break;
                }
                counters =
                    self.shared.changed.wait_timeout(counters, until - now).unwrap_or_else(PoisonError::into_inner).0;
            }
        }
        drop(counters);

        if !delay.is_zero() {
            // Simulated upstream latency, not synchronisation.
            thread::sleep(delay);
        }
        let keep_going = match fault {
            None => write_response(writer, 200, "application/dns-message", &zone_answer),
            Some(Fault::ServFail) => {
                let servfail = reply(&name, rtype, Rcode::ServFail, false, &[]);
                write_response(writer, 200, "application/dns-message", &servfail)
            }
            Some(Fault::Garbage) => write_response(writer, 200, "application/dns-message", GARBAGE),
            Some(Fault::HttpStatus(code)) => write_response(writer, code, "text/plain", b""),
            Some(Fault::Stall) => {
                wait_for_hangup(reader);
                false
            }
        };

        let mut counters = lock(&self.shared.counters);
        if let Some(stats) = counters.by_domain.get_mut(&domain) {
            stats.in_flight -= 1;
        }
        self.shared.changed.notify_all();
        keep_going && !close
    }
}

/// Reads one request head; `None` at end of stream or on anything that is not HTTP.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<(String, String)>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (_method, target) = (parts.next()?, parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    Some((target, headers))
}

/// The question of an RFC 8484 GET target `/dns-query?dns=<base64url>`.
fn question(target: &str) -> Option<(String, RecordType)> {
    let (_, query) = target.split_once('?')?;
    let encoded = query.split('&').find_map(|pair| pair.strip_prefix("dns="))?;
    mta_sts::dns::testing::question_of(&URL_SAFE_NO_PAD.decode(encoded).ok()?)
}

fn write_response(writer: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) -> bool {
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: max-age=0\r\n\r\n",
        body.len()
    );
    writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(body)).and_then(|()| writer.flush()).is_ok()
}

/// Blocks until the client closes the connection (it gave up) or `STALL_CAP` passes.
fn wait_for_hangup(reader: &mut BufReader<TcpStream>) {
    let until = Instant::now() + STALL_CAP;
    let _ = reader.get_ref().set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 512];
    while Instant::now() < until {
        match reader.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mta_sts::dns::{build_query, decode, doh_get_url};

    fn get(server: &DohServer, name: &str, rtype: RecordType) -> crate::http::Response {
        let url = doh_get_url(&server.url(), &build_query(name, rtype));
        let path = url.split_once("/dns-query").map(|(_, rest)| format!("/dns-query{rest}")).unwrap();
        crate::http::get(server.addr, &path, &[("Accept", "application/dns-message")], Duration::from_secs(10)).unwrap()
    }

    #[test]
    fn answers_queries_from_the_zone_and_counts_them() {
        let server = DohServer::start(Zone::new().txt("_mta-sts.a.example", "v=STSv1; id=1")).unwrap();
        server.fault("bad.example", Fault::ServFail);
        let ok = get(&server, "_mta-sts.a.example", RecordType::Txt);
        assert_eq!(ok.status, 200);
        let reply = decode(&ok.body, "_mta-sts.a.example", RecordType::Txt).unwrap();
        assert_eq!(reply.records.len(), 1);
        let nx = decode(&get(&server, "x.example", RecordType::A).body, "x.example", RecordType::A).unwrap();
        assert_eq!(nx.rcode, Rcode::NxDomain);
        let sf = get(&server, "mta-sts.bad.example", RecordType::A);
        assert_eq!(decode(&sf.body, "mta-sts.bad.example", RecordType::A).unwrap().rcode, Rcode::ServFail);
        assert_eq!(server.total_requests(), 3);
        assert_eq!(server.stats("a.example").requests, 1);
        assert_eq!(server.stats("bad.example").max_in_flight, 1);
    }

    #[test]
    fn refuses_requests_without_the_dns_message_accept_header() {
        let server = DohServer::start(Zone::new()).unwrap();
        let url = doh_get_url("/dns-query", &build_query("a.example", RecordType::A));
        let response = crate::http::get(server.addr, &url, &[], Duration::from_secs(10)).unwrap();
        assert_eq!(response.status, 406);
    }

    #[test]
    fn holds_requests_until_they_overlap() {
        let server = DohServer::start(Zone::new()).unwrap();
        server.hold("held.example", Hold { count: 3, deadline: Duration::from_secs(20) });
        let threads: Vec<_> = ["held.example", "_mta-sts.held.example", "mta-sts.held.example"]
            .into_iter()
            .map(|name| {
                let server = server.clone();
                thread::spawn(move || get(&server, name, RecordType::A).status)
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 200);
        }
        assert_eq!(server.stats("held.example").max_in_flight, 3);
    }
}
