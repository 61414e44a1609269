//! The worker's IO: every probe of a plan, all at once, each with its own deadline; the TLSA probes once
//! the MX answer names the hosts.

use std::time::Duration;

use futures_util::future::{Either, LocalBoxFuture, select};
use futures_util::stream::{self, FuturesUnordered, LocalBoxStream, Stream, StreamExt as _};
use mta_sts::api::{Line, StreamError, StreamReader};
use mta_sts::observe::{
    DnsObservation, DnsResult, ErrorClass, FetchError, Observations, PolicyObservation, PolicyResult,
};
use mta_sts::plan::{DnsProbe, Plan, ProbeKind, USER_AGENT};
use worker::{AbortController, CacheMode, Date, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use crate::shape::{self, CappedBody, DOH_TIMEOUT_MS, POLICY_TIMEOUT_MS};

/// The streamed answer: the first line, then every DoH probe and the policy fetch at once, each probe's
/// line the moment it completes, then the last line. The MX answer starts the second round: the TLSA
/// probes of the hosts it names (`Plan::tlsa_probes`), whose lines follow as they complete.
pub(crate) fn lines(plan: &Plan, resolver: &str) -> impl Stream<Item = Line> + 'static {
    let start = Line::start(plan, resolver, Date::now().as_millis() / 1000);
    let mut probes: Vec<LocalBoxStream<'static, Line>> = Vec::new();
    for probe in plan.dns.clone() {
        let resolver = resolver.to_owned();
        if probe.kind == ProbeKind::Mx {
            let plan = plan.clone();
            probes.push(
                stream::once(async move {
                    let mx = doh(&probe, &resolver, DOH_TIMEOUT_MS).await;
                    // The second round ends with the policy fetch's deadline, so the check keeps its budget.
                    let spent = match &mx.result {
                        DnsResult::Response { elapsed_ms, .. } | DnsResult::Failed { elapsed_ms, .. } => {
                            elapsed_ms.unwrap_or(DOH_TIMEOUT_MS)
                        }
                    };
                    let timeout_ms = POLICY_TIMEOUT_MS.saturating_sub(spent).min(DOH_TIMEOUT_MS);
                    let second: FuturesUnordered<LocalBoxFuture<'static, Line>> = plan
                        .tlsa_probes(std::slice::from_ref(&mx))
                        .into_iter()
                        .map(|tlsa| {
                            let resolver = resolver.clone();
                            Box::pin(async move { Line::dns(doh(&tlsa, &resolver, timeout_ms).await) })
                                as LocalBoxFuture<'static, Line>
                        })
                        .collect();
                    stream::iter([Line::dns(mx)]).chain(second)
                })
                .flatten()
                .boxed_local(),
            );
        } else {
            probes.push(
                stream::once(async move { Line::dns(doh(&probe, &resolver, DOH_TIMEOUT_MS).await) }).boxed_local(),
            );
        }
    }
    let url = plan.policy_url.clone();
    probes.push(stream::once(async move { Line::policy(policy(&url).await) }).boxed_local());
    stream::iter([start]).chain(stream::select_all(probes)).chain(stream::iter([Line::done()]))
}

/// The unstreamed answer: the same lines, folded.
pub(crate) async fn observe(plan: &Plan, resolver: &str) -> Result<Observations, StreamError> {
    let mut folded = StreamReader::default();
    let mut lines = std::pin::pin!(lines(plan, resolver));
    while let Some(line) = lines.next().await {
        folded.fold(line)?;
    }
    folded.finish()
}

/// A fetch that failed before its deadline, or the deadline itself.
enum Outcome<T> {
    Done(T),
    Failed(FetchError),
}

/// Runs `work` (which sends with `controller`'s signal) until it finishes or `timeout_ms` passes; on
/// timeout the request is aborted, so nothing keeps running past the budget.
async fn with_deadline<T>(
    controller: AbortController,
    timeout_ms: u32,
    work: impl Future<Output = worker::Result<T>>,
) -> Outcome<T> {
    let work = std::pin::pin!(work);
    let deadline = Delay::from(Duration::from_millis(u64::from(timeout_ms)));
    match select(work, deadline).await {
        Either::Left((Ok(value), _)) => Outcome::Done(value),
        Either::Left((Err(error), _)) => {
            let message = error.to_string();
            Outcome::Failed(FetchError {
                class: shape::classify_fetch_error(&message),
                detail: shape::describe_fetch_error(&message),
            })
        }
        Either::Right(((), _)) => {
            controller.abort();
            Outcome::Failed(FetchError {
                class: ErrorClass::Timeout,
                detail: format!("no complete answer within {timeout_ms} ms"),
            })
        }
    }
}

/// A GET with only the headers given (no client header is ever forwarded) and no HTTP cache.
fn request(url: &str, headers: Headers) -> worker::Result<Request> {
    let mut init = RequestInit::new();
    // RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed"; a resolver has no reason to redirect.
    init.with_method(Method::Get)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_cache(CacheMode::NoStore);
    Request::new_with_init(url, &init)
}

/// One RFC 8484 GET (§4.1) to the resolver.
async fn doh(probe: &DnsProbe, resolver: &str, timeout_ms: u32) -> DnsObservation {
    let started = Date::now().as_millis();
    let controller = AbortController::default();
    let signal = controller.signal();
    let work = async {
        let headers = Headers::new();
        headers.set("Accept", "application/dns-message")?;
        headers.set("User-Agent", USER_AGENT)?;
        let req = request(&probe.doh_url(resolver), headers)?;
        let mut response = Fetch::Request(req).send_with_signal(&signal).await?;
        let status = response.status_code();
        Ok((status, response.bytes().await?))
    };
    let outcome = with_deadline(controller, timeout_ms, work).await;
    let elapsed_ms = Some(shape::elapsed_ms(started, Date::now().as_millis()));
    let result = match outcome {
        Outcome::Done((http_status, body)) => DnsResult::Response { http_status, body, elapsed_ms },
        Outcome::Failed(error) => DnsResult::Failed { error, elapsed_ms },
    };
    DnsObservation { probe: probe.kind, name: probe.name.clone(), rtype: probe.rtype, result }
}

/// The policy fetch of RFC 8461 §3.3: redirects recorded and not followed, no HTTP cache, body capped.
async fn policy(url: &str) -> PolicyObservation {
    let started = Date::now().as_millis();
    let controller = AbortController::default();
    let signal = controller.signal();
    let work = async {
        let headers = Headers::new();
        headers.set("User-Agent", USER_AGENT)?;
        let req = request(url, headers)?;
        let mut response = Fetch::Request(req).send_with_signal(&signal).await?;
        let status = response.status_code();
        let headers = shape::policy_headers(|name| response.headers().get(name).ok().flatten());
        let mut body = CappedBody::default();
        if let Ok(mut stream) = response.stream() {
            while let Some(chunk) = stream.next().await {
                if !body.push(&chunk?) {
                    break;
                }
            }
        }
        Ok((status, headers, body.finish()))
    };
    let outcome = with_deadline(controller, POLICY_TIMEOUT_MS, work).await;
    let elapsed_ms = Some(shape::elapsed_ms(started, Date::now().as_millis()));
    let result = match outcome {
        Outcome::Done((status, headers, (body, truncated))) => {
            PolicyResult::Response { status, headers, body, truncated, elapsed_ms }
        }
        Outcome::Failed(error) => PolicyResult::Failed { error, elapsed_ms },
    };
    PolicyObservation { url: url.to_owned(), result, certificate: None }
}
