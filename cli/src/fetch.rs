//! The native shell's only IO: it runs the probes of `plan()` and records raw bytes as `Observations`.
//!
//! Used by `check` and `serve`. Nothing here interprets a DNS answer or a policy, with one exception
//! the design requires: the policy host's addresses are read (with the core's decoder) from the A and
//! AAAA probes, so that the fetcher connects to exactly the addresses the SSRF guard validated.

/// The paragraph of `--now`'s help that `check` and `preflight` share: which clock wins.
macro_rules! now_clock_note {
    () => {
        "Only the judgement moves: DNS and the policy are read now, and every TLS handshake (the policy \
             host's, the resolver's) is verified against the real clock, as a sender connecting now would. So \
             a certificate expired by the real clock still fails the fetch (policy-tls-invalid) whatever --now \
             says, and one valid now but expired at --now is fetched, then reported as expired as of --now."
    };
}
pub(crate) use now_clock_note;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::{TokioExecutor, TokioIo};
use mta_sts::api::Line;
use mta_sts::dns::{self, RecordData, RecordType};
use mta_sts::observe::{
    AddressAttempt, AddressFamily, CertificateInfo, CertificateSummary, DnsObservation, DnsResult, ErrorClass,
    FetchError, Observations, PolicyHeaders, PolicyObservation, PolicyResult,
};
use mta_sts::plan::{DnsProbe, POLICY_BODY_CAP, Plan, ProbeKind, USER_AGENT};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::guard;

/// A DNS message is at most 65535 bytes (RFC 1035 §4.2.2); anything longer is not one.
const DOH_BODY_CAP: usize = 65_535;

/// `--resolve HOST:PORT:ADDR` (curl): connections to HOST:PORT go to ADDR, without a DNS lookup.
#[derive(Clone, Debug)]
pub(crate) struct Pinned {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) addr: IpAddr,
}

/// `--connect-to HOST:PORT:ADDR:PORT2` (curl): connections to HOST:PORT go to ADDR:PORT2 instead. An
/// empty HOST or PORT matches any; an empty ADDR keeps the resolved address; an empty PORT2 keeps the port.
#[derive(Clone, Debug)]
pub(crate) struct ConnectTo {
    pub(crate) host: Option<String>,
    pub(crate) port: Option<u16>,
    pub(crate) addr: Option<IpAddr>,
    pub(crate) to_port: Option<u16>,
}

/// How to fetch, as the flags say.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) doh_url: String,
    pub(crate) resolve: Vec<Pinned>,
    pub(crate) connect_to: Vec<ConnectTo>,
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
    pub(crate) timeout: Duration,
    pub(crate) allow_private: bool,
}

impl Options {
    fn pinned(&self, host: &str, port: u16) -> Option<IpAddr> {
        self.resolve.iter().find(|p| p.port == port && p.host.eq_ignore_ascii_case(host)).map(|p| p.addr)
    }

    fn redirected(&self, host: &str, port: u16) -> Option<&ConnectTo> {
        self.connect_to.iter().find(|c| {
            c.host.as_deref().is_none_or(|h| h.eq_ignore_ascii_case(host)) && c.port.is_none_or(|p| p == port)
        })
    }
}

/// Resolves the DoH resolver's own host: `--resolve` and `--connect-to` first, then the system.
#[derive(Clone)]
struct ResolverLookup {
    options: Arc<Options>,
}

impl tower_service::Service<Name> for ResolverLookup {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let options = self.options.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // The connector sets the port from the URL afterwards; pins on any port apply.
            if let Some(pin) = options.resolve.iter().find(|p| p.host.eq_ignore_ascii_case(&host)) {
                return Ok(vec![SocketAddr::new(pin.addr, 0)].into_iter());
            }
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.collect::<Vec<_>>().into_iter())
        })
    }
}

type DohClient = Client<hyper_rustls::HttpsConnector<HttpConnector<ResolverLookup>>, Empty<Bytes>>;

/// The monitor's webhook client (`Fetcher::webhook_client`).
pub(crate) type WebhookClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, http_body_util::Full<Bytes>>;

/// Runs plans. One per process: the DoH connections are pooled across checks.
pub(crate) struct Fetcher {
    options: Arc<Options>,
    doh: DohClient,
    roots: Arc<RootCertStore>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

fn millis(start: Instant) -> u32 {
    u32::try_from(start.elapsed().as_millis()).unwrap_or(u32::MAX)
}

fn failed(class: ErrorClass, detail: impl Into<String>) -> FetchError {
    FetchError { class, detail: detail.into() }
}

/// The innermost cause, which is the one a person can act on ("connection refused", "UnknownIssuer").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn classify_io(error: &std::io::Error) -> ErrorClass {
    use std::io::ErrorKind;
    if error.get_ref().is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some()) {
        return ErrorClass::Tls;
    }
    match error.kind() {
        ErrorKind::ConnectionRefused
        | ErrorKind::ConnectionReset
        | ErrorKind::HostUnreachable
        | ErrorKind::NetworkUnreachable
        | ErrorKind::AddrNotAvailable => ErrorClass::Connect,
        ErrorKind::TimedOut => ErrorClass::Timeout,
        ErrorKind::InvalidData => ErrorClass::Tls,
        _ => ErrorClass::Network,
    }
}

impl Fetcher {
    pub(crate) fn new(options: Options) -> Fetcher {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for cert in &options.extra_roots {
            // A certificate that is not a usable anchor is reported when the flag is parsed.
            let _ = roots.add(cert.clone());
        }
        let roots = Arc::new(roots);
        let options = Arc::new(options);
        let doh_tls = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        let mut http = HttpConnector::new_with_resolver(ResolverLookup { options: options.clone() });
        http.enforce_http(false);
        http.set_connect_timeout(Some(options.timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(doh_tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let doh = Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(https);
        Fetcher { options, doh, roots, provider }
    }

    /// A client for the monitor's webhook: the same trust anchors (with `--ca-file`), the system resolver
    /// (the operator chose the URL, so the SSRF guard does not apply), plain HTTP allowed.
    pub(crate) fn webhook_client(&self) -> WebhookClient {
        let tls = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(self.roots.clone())
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.options.timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Client::builder(TokioExecutor::new()).build(https)
    }

    /// Runs every probe of `plan` and returns what was seen.
    pub(crate) async fn observe(&self, plan: &Plan, now: u64) -> Observations {
        self.observe_each(plan, now, &|_| {}).await
    }

    /// The DoH resolver every probe asks.
    pub(crate) fn resolver(&self) -> &str {
        &self.options.doh_url
    }

    /// Runs every probe of `plan` and returns what was seen, handing each probe's line of the streamed
    /// answer to `each` as soon as it has answered.
    pub(crate) async fn observe_each(&self, plan: &Plan, now: u64, each: &(dyn Fn(Line) + Sync)) -> Observations {
        let ask = |probe: &DnsProbe| {
            let probe = probe.clone();
            async move {
                let observation = DnsObservation {
                    probe: probe.kind,
                    name: probe.name.clone(),
                    rtype: probe.rtype,
                    result: self.doh_query(&probe.doh_url(&self.options.doh_url)).await,
                };
                each(Line::dns(observation.clone()));
                observation
            }
        };
        let mut dns = futures_util::future::join_all(plan.dns.iter().map(ask)).await;
        // The policy host's addresses come from the A and AAAA probes, so the fetch waits for them; the
        // TLSA probes of the MX hosts the MX answer names run beside it.
        let tlsa = plan.tlsa_probes(&dns);
        let (policy, tlsa) = futures_util::future::join(
            async {
                let policy = self.policy(plan, &dns).await;
                each(Line::policy(policy.clone()));
                policy
            },
            futures_util::future::join_all(tlsa.iter().map(ask)),
        )
        .await;
        dns.extend(tlsa);
        Observations {
            domain: plan.domain.as_str().to_owned(),
            resolver: Some(self.options.doh_url.clone()),
            observed_at: Some(now),
            dns,
            policy: Some(policy),
        }
    }

    async fn doh_query(&self, url: &str) -> DnsResult {
        let start = Instant::now();
        let request = match hyper::Request::get(url)
            .header(hyper::header::ACCEPT, "application/dns-message")
            .header(hyper::header::USER_AGENT, USER_AGENT)
            .body(Empty::<Bytes>::new())
        {
            Ok(request) => request,
            Err(e) => {
                return DnsResult::Failed {
                    error: failed(ErrorClass::Network, format!("invalid resolver URL: {e}")),
                    elapsed_ms: None,
                };
            }
        };
        let exchange = async {
            let response = self.doh.request(request).await.map_err(|e| {
                let class = if root_is_rustls(&e) {
                    ErrorClass::Tls
                } else if e.is_connect() {
                    ErrorClass::Connect
                } else {
                    ErrorClass::Network
                };
                failed(class, root_cause(&e))
            })?;
            let status = response.status().as_u16();
            let body = http_body_util::Limited::new(response.into_body(), DOH_BODY_CAP)
                .collect()
                .await
                .map_err(|e| failed(ErrorClass::Network, format!("reading the answer: {e}")))?;
            Ok((status, body.to_bytes().to_vec()))
        };
        match tokio::time::timeout(self.options.timeout, exchange).await {
            Ok(Ok((http_status, body))) => DnsResult::Response { http_status, body, elapsed_ms: Some(millis(start)) },
            Ok(Err(error)) => DnsResult::Failed { error, elapsed_ms: Some(millis(start)) },
            Err(_) => DnsResult::Failed {
                error: failed(ErrorClass::Timeout, format!("no answer within {:?}", self.options.timeout)),
                elapsed_ms: Some(millis(start)),
            },
        }
    }

    /// The policy host's addresses, from `--resolve`/`--connect-to` or the A and AAAA probes.
    fn addresses(&self, host: &str, dns: &[DnsObservation]) -> Result<(Vec<IpAddr>, u16), FetchError> {
        let redirect = self.options.redirected(host, 443);
        let port = redirect.and_then(|c| c.to_port).unwrap_or(443);
        if let Some(addr) = redirect.and_then(|c| c.addr).or_else(|| self.options.pinned(host, 443)) {
            return Ok((vec![addr], port));
        }
        let mut addresses = Vec::new();
        let mut lookup_failed = false;
        for kind in [ProbeKind::PolicyHostA, ProbeKind::PolicyHostAaaa] {
            let Some(observation) = dns.iter().find(|o| o.probe == kind) else { continue };
            let decoded = match &observation.result {
                DnsResult::Response { http_status: 200, body, .. } => {
                    dns::decode(body, &observation.name, observation.rtype).ok()
                }
                _ => None,
            };
            let Some(response) = decoded else {
                lookup_failed = true;
                continue;
            };
            for record in &response.records {
                match record.data {
                    RecordData::A { address } if observation.rtype == RecordType::A => {
                        addresses.push(IpAddr::V4(address));
                    }
                    RecordData::Aaaa { address } if observation.rtype == RecordType::Aaaa => {
                        addresses.push(IpAddr::V6(address));
                    }
                    _ => {}
                }
            }
        }
        if addresses.is_empty() {
            let detail = if lookup_failed {
                format!("the A/AAAA lookup of {host} failed")
            } else {
                format!("{host} has no A or AAAA record")
            };
            return Err(failed(ErrorClass::Dns, detail));
        }
        Ok((addresses, port))
    }

    async fn policy(&self, plan: &Plan, dns: &[DnsObservation]) -> PolicyObservation {
        let host = plan.domain.policy_host();
        let start = Instant::now();
        let deadline = tokio::time::Instant::now() + self.options.timeout;
        let (result, certificate) = match self.addresses(&host, dns) {
            Err(error) => (PolicyResult::Failed { error, elapsed_ms: None }, None),
            Ok((addresses, port)) => {
                let refused: Vec<String> =
                    addresses.iter().filter_map(|&a| guard::refusal(a).map(|why| format!("{a}: {why}"))).collect();
                if !self.options.allow_private && !refused.is_empty() {
                    // Any non-public answer refuses the whole host: a mixed answer is a rebinding attempt
                    // as often as a mistake, and senders would hit the private address too.
                    let error = failed(ErrorClass::NotPublic, refused.join("; "));
                    (PolicyResult::Failed { error, elapsed_ms: None }, None)
                } else {
                    match tokio::time::timeout_at(
                        deadline,
                        self.fetch_policy(&host, &addresses, port, &plan.policy_url),
                    )
                    .await
                    {
                        Ok((result, certificate)) => (result, certificate),
                        Err(_) => (
                            PolicyResult::Failed {
                                error: failed(
                                    ErrorClass::Timeout,
                                    format!("no complete answer within {:?}", self.options.timeout),
                                ),
                                elapsed_ms: Some(millis(start)),
                            },
                            None,
                        ),
                    }
                }
            }
        };
        PolicyObservation { url: plan.policy_url.clone(), result, certificate }
    }

    /// One TLS connection per address family, at once; the request goes over the first that works
    /// (IPv4 first), and the other family's outcome is recorded.
    async fn fetch_policy(
        &self,
        host: &str,
        addresses: &[IpAddr],
        port: u16,
        url: &str,
    ) -> (PolicyResult, Option<CertificateInfo>) {
        let start = Instant::now();
        let mut targets: Vec<(AddressFamily, IpAddr)> = Vec::new();
        for family in [AddressFamily::Ipv4, AddressFamily::Ipv6] {
            if let Some(&a) = addresses.iter().find(|a| {
                matches!((family, a), (AddressFamily::Ipv4, IpAddr::V4(_)) | (AddressFamily::Ipv6, IpAddr::V6(_)))
            }) {
                targets.push((family, a));
            }
        }
        let attempts = futures_util::future::join_all(
            targets.iter().map(|&(_, addr)| self.connect(host, SocketAddr::new(addr, port))),
        )
        .await;
        let mut records = Vec::new();
        let mut chain = None;
        let mut tls_version = None;
        let mut first_error = None;
        let mut stream = None;
        for ((family, addr), attempt) in targets.into_iter().zip(attempts) {
            let (error, elapsed) = match attempt {
                Ok(connected) => {
                    if chain.is_none() {
                        chain = Some(connected.chain.clone());
                        tls_version.clone_from(&connected.tls_version);
                    }
                    let elapsed = connected.elapsed_ms;
                    if stream.is_none() {
                        stream = Some(connected.stream);
                    }
                    (None, elapsed)
                }
                Err((error, seen_chain, elapsed)) => {
                    if chain.is_none() && !seen_chain.is_empty() {
                        chain = Some(seen_chain);
                    }
                    first_error.get_or_insert_with(|| error.clone());
                    (Some(error), elapsed)
                }
            };
            records.push(AddressAttempt { family, address: addr.to_string(), error, elapsed_ms: elapsed });
        }
        let certificate = Some(CertificateInfo { chain: chain.unwrap_or_default(), tls_version, addresses: records });
        let Some(stream) = stream else {
            let error = first_error.unwrap_or_else(|| failed(ErrorClass::Dns, format!("{host} has no address")));
            return (PolicyResult::Failed { error, elapsed_ms: Some(millis(start)) }, certificate);
        };
        let result = match request_policy(stream, host, url).await {
            Ok((status, headers, body, truncated)) => {
                PolicyResult::Response { status, headers, body, truncated, elapsed_ms: Some(millis(start)) }
            }
            Err(error) => PolicyResult::Failed { error, elapsed_ms: Some(millis(start)) },
        };
        (result, certificate)
    }

    async fn connect(
        &self,
        host: &str,
        addr: SocketAddr,
    ) -> Result<Connected, (FetchError, Vec<CertificateSummary>, Option<u32>)> {
        let start = Instant::now();
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| (failed(classify_io(&e), e.to_string()), Vec::new(), Some(millis(start))))?;
        let _ = tcp.set_nodelay(true);
        let recorder = Arc::new(Recorder {
            inner: WebPkiServerVerifier::builder_with_provider(self.roots.clone(), self.provider.clone())
                .build()
                .expect("the root store is not empty"),
            seen: Mutex::new(Vec::new()),
        });
        let config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone())
            .with_no_client_auth();
        let name = match ServerName::try_from(host.to_owned()) {
            Ok(name) => name,
            Err(e) => return Err((failed(ErrorClass::Tls, e.to_string()), Vec::new(), None)),
        };
        let tls = TlsConnector::from(Arc::new(config)).connect(name, tcp).await;
        let seen = summarise_chain(&recorder.seen.lock().map(|s| s.clone()).unwrap_or_default());
        match tls {
            Ok(stream) => {
                let tls_version = stream.get_ref().1.protocol_version().and_then(|v| v.as_str()).map(|v| {
                    // rustls says TLSv1_3; people and the report say TLSv1.3.
                    v.replace('_', ".")
                });
                Ok(Connected { stream, chain: seen, tls_version, elapsed_ms: Some(millis(start)) })
            }
            Err(e) => {
                let class = if e.get_ref().is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some())
                    || e.kind() == std::io::ErrorKind::InvalidData
                    || e.kind() == std::io::ErrorKind::UnexpectedEof
                {
                    ErrorClass::Tls
                } else {
                    classify_io(&e)
                };
                Err((failed(class, format!("TLS handshake: {e}")), seen, Some(millis(start))))
            }
        }
    }
}

fn root_is_rustls(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        cause = e.source();
    }
    false
}

struct Connected {
    stream: tokio_rustls::client::TlsStream<TcpStream>,
    chain: Vec<CertificateSummary>,
    tls_version: Option<String>,
    elapsed_ms: Option<u32>,
}

/// Verifies exactly as rustls's WebPKI verifier does, and keeps the chain it was shown, so that a
/// rejected certificate can still be described (expired when, issued for which names).
#[derive(Debug)]
struct Recorder {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = std::iter::once(end_entity).chain(intermediates).map(|c| c.clone().into_owned()).collect();
        }
        self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Subject, issuer, SAN DNS names and validity of each certificate; unparsable ones are skipped, as
/// rustls has already judged them.
fn summarise_chain(chain: &[CertificateDer<'_>]) -> Vec<CertificateSummary> {
    chain
        .iter()
        .filter_map(|der| {
            let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
            let dns_names = cert
                .subject_alternative_name()
                .ok()
                .flatten()
                .map(|san| {
                    san.value
                        .general_names
                        .iter()
                        .filter_map(|n| match n {
                            x509_parser::extensions::GeneralName::DNSName(name) => Some((*name).to_owned()),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let seconds = |t: x509_parser::time::ASN1Time| u64::try_from(t.timestamp()).unwrap_or(0);
            Some(CertificateSummary {
                subject: cert.subject().to_string(),
                issuer: cert.issuer().to_string(),
                dns_names,
                not_before: seconds(cert.validity().not_before),
                not_after: seconds(cert.validity().not_after),
            })
        })
        .collect()
}

type PolicyResponse = (u16, PolicyHeaders, Vec<u8>, bool);

/// One GET over an established connection: no redirects followed, no cache, the body cut at the cap.
async fn request_policy(
    stream: tokio_rustls::client::TlsStream<TcpStream>,
    host: &str,
    url: &str,
) -> Result<PolicyResponse, FetchError> {
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| failed(ErrorClass::Network, root_cause(&e)))?;
    let driver = tokio::spawn(connection);
    let path = url.find("/.well-known/").map_or("/.well-known/mta-sts.txt", |i| &url[i..]);
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, host)
        .header(hyper::header::USER_AGENT, USER_AGENT)
        // RFC 8461 §3.3: senders MUST NOT use HTTP caching; ask caches in front of the host not to either.
        .header(hyper::header::CACHE_CONTROL, "no-cache")
        .header(hyper::header::CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|e| failed(ErrorClass::Network, e.to_string()))?;
    let response = sender.send_request(request).await.map_err(|e| failed(ErrorClass::Network, root_cause(&e)));
    let response = match response {
        Ok(response) => response,
        Err(error) => {
            driver.abort();
            return Err(error);
        }
    };
    let status = response.status().as_u16();
    let header = |name: hyper::header::HeaderName| {
        response.headers().get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    // RFC 8461 §3.3: redirects MUST NOT be followed; the Location is only recorded.
    let headers = PolicyHeaders {
        content_type: header(hyper::header::CONTENT_TYPE),
        location: header(hyper::header::LOCATION),
        cache_control: header(hyper::header::CACHE_CONTROL),
        content_length: header(hyper::header::CONTENT_LENGTH),
    };
    let (body, truncated) = read_capped(response.into_body()).await;
    driver.abort();
    let body = body?;
    Ok((status, headers, body, truncated))
}

async fn read_capped(mut body: Incoming) -> (Result<Vec<u8>, FetchError>, bool) {
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    let room = POLICY_BODY_CAP - out.len();
                    if data.len() > room {
                        out.extend_from_slice(&data[..room]);
                        return (Ok(out), true);
                    }
                    out.extend_from_slice(data);
                }
            }
            Err(e) => {
                return (Err(failed(ErrorClass::Network, format!("reading the body: {}", root_cause(&e)))), false);
            }
        }
    }
    (Ok(out), false)
}

/// Parses `HOST:PORT:ADDR`, the address in any spelling the guard knows.
pub(crate) fn parse_resolve(text: &str) -> Result<Pinned, String> {
    let mut parts = text.splitn(3, ':');
    let (Some(host), Some(port), Some(addr)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("--resolve {text}: expected HOST:PORT:ADDR, as in mta-sts.example.com:443:192.0.2.1"));
    };
    let port = port.parse().map_err(|_| format!("--resolve {text}: {port} is not a port number"))?;
    let addr = guard::parse_address(addr).ok_or_else(|| format!("--resolve {text}: {addr} is not an IP address"))?;
    Ok(Pinned { host: host.to_ascii_lowercase(), port, addr })
}

/// Parses `HOST:PORT:ADDR:PORT2` (ADDR may be `[v6]`).
pub(crate) fn parse_connect_to(text: &str) -> Result<ConnectTo, String> {
    let usage = || format!("--connect-to {text}: expected HOST:PORT:ADDR:PORT2, as in :443:127.0.0.1:8443");
    let (host, rest) = text.split_once(':').ok_or_else(usage)?;
    let (port, rest) = rest.split_once(':').ok_or_else(usage)?;
    let (addr, to_port) = rest.rsplit_once(':').ok_or_else(usage)?;
    let port_of = |p: &str| -> Result<Option<u16>, String> {
        if p.is_empty() { Ok(None) } else { p.parse().map(Some).map_err(|_| usage()) }
    };
    let addr = if addr.is_empty() { None } else { Some(guard::parse_address(addr).ok_or_else(usage)?) };
    Ok(ConnectTo {
        host: (!host.is_empty()).then(|| host.to_ascii_lowercase()),
        port: port_of(port)?,
        addr,
        to_port: port_of(to_port)?,
    })
}

/// The certificates of a PEM file, as extra trust anchors.
pub(crate) fn read_ca_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject as _;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read --ca-file {}: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("--ca-file {} holds no PEM certificate", path.display()));
    }
    let mut store = RootCertStore::empty();
    for cert in &certs {
        store.add(cert.clone()).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
    }
    Ok(certs)
}
