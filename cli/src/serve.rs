//! `mta-sts serve`: the self-hosted alternative to the Cloudflare worker.
//!
//! Same contract as the worker, so the web app works unchanged against either: `GET /api/observe?domain=D`
//! answers the Observations JSON, and with `&stream=1` the same as ndjson lines while the probes complete
//! ([`mta_sts::api`]); a bad domain answers 400 `{"error": "<sentence>"}`; every API answer is `no-store`
//! and readable from any origin without credentials. It also serves the built web app.
//! No queried domain is ever logged: the log line carries the path only, never the query string.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use clap::Args;
use hyper_util::rt::{TokioIo, TokioTimer};
use mta_sts::api::{Line, OBSERVE_PATH, Refusal, STREAM_CONTENT_TYPE, STREAM_PARAM};
use tower_http::services::{ServeDir, ServeFile};

use crate::Failure;
use crate::check::FetchArgs;
use crate::fetch::Fetcher;

/// The monitor's history of one domain (`--db`).
const HISTORY_PATH: &str = "/api/history";

#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The built web app (`dist/`, from `sh www/build.sh`); without it, a minimal page explains the API.
    #[arg(long, value_name = "DIR")]
    assets: Option<PathBuf>,
    /// Checks per minute one client address may run (IPv6 clients are counted per /64).
    #[arg(long, value_name = "N", default_value_t = 30)]
    rate_limit: u32,
    /// The monitor's database: serve `GET /api/history?domain=` from it.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// A token bucket per client: `limit` checks per minute, refilled continuously.
struct Limiter {
    limit: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    fn allow(&self, client: IpAddr) -> bool {
        // One IPv6 user usually holds a whole /64; counting addresses would let them rotate freely.
        let key = match client {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6((u128::from(v6) & (u128::MAX << 64)).into()),
            },
            v4 @ IpAddr::V4(_) => v4,
        };
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else { return true };
        if buckets.len() > 100_000 {
            // Full buckets carry no information; dropping them bounds the memory a flood can take.
            let limit = self.limit;
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * limit / 60.0 < limit);
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.limit, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.limit / 60.0).min(self.limit);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct AppState {
    fetcher: Fetcher,
    limiter: Limiter,
    /// How long one check may take before the server gives up on it.
    check_timeout: Duration,
    /// `--db`: the monitor's database, for `/api/history`.
    db: Option<PathBuf>,
}

#[derive(Clone, Copy)]
struct Peer(IpAddr);

fn api(status: StatusCode, body: &serde_json::Value) -> Response {
    with_api_headers((status, axum::Json(body)).into_response())
}

fn with_api_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Any page may read the answer, but never with the user's cookies: `*` forbids credentials.
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// The core's refusal (the same words as the edge worker's), as a JSON error answer.
fn refuse(refusal: &Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    api(status, &serde_json::json!({ "error": refusal.sentence() }))
}

/// The one `domain` parameter of an API query, parsed as the core parses it.
/// The values of the query parameter `name`, in order.
fn query_values(query: Option<&str>, name: &str) -> Vec<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    pairs.into_iter().filter(|(n, _)| n == name).map(|(_, value)| value).collect()
}

fn query_domain(query: Option<&str>) -> Result<mta_sts::Domain, Refusal> {
    mta_sts::api::requested_domain(query_values(query, "domain"))
}

async fn observe(
    State(state): State<Arc<AppState>>,
    peer: axum::Extension<Peer>,
    RawQuery(query): RawQuery,
) -> Response {
    if !state.limiter.allow(peer.0.0) {
        let mut response = refuse(&Refusal::RateLimited);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return response;
    }
    let stream = mta_sts::api::wants_stream(query_values(query.as_deref(), STREAM_PARAM));
    let domain = match query_domain(query.as_deref()) {
        Ok(domain) => domain,
        Err(refusal) => return refuse(&refusal),
    };
    let plan = mta_sts::plan(&domain);
    if stream {
        return observe_streamed(state, plan);
    }
    match tokio::time::timeout(state.check_timeout, state.fetcher.observe(&plan, crate::unix_now())).await {
        Ok(observations) => match serde_json::to_value(&observations) {
            Ok(value) => api(StatusCode::OK, &value),
            Err(_) => refuse(&Refusal::Unencodable),
        },
        Err(_) => refuse(&Refusal::TooSlow),
    }
}

/// `GET /api/history?domain=D`: the same JSON as `mta-sts history D --json`; 404 when the database has no
/// run of D. Reads only: the database is opened read-only per request, on a blocking thread.
async fn history(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let Some(db) = state.db.clone() else { return refuse(&Refusal::NoEndpoint) };
    let domain = match query_domain(query.as_deref()) {
        Ok(domain) => domain,
        Err(refusal) => return refuse(&refusal),
    };
    let loaded = tokio::task::spawn_blocking(move || crate::history::load(&db, &domain).map(|h| (h, domain))).await;
    match loaded {
        Ok(Ok((Some(history), _))) => match serde_json::to_value(&history) {
            Ok(value) => api(StatusCode::OK, &value),
            Err(_) => refuse(&Refusal::Unencodable),
        },
        Ok(Ok((None, domain))) => {
            api(StatusCode::NOT_FOUND, &serde_json::json!({ "error": crate::history::no_history(&domain) }))
        }
        Ok(Err(Failure(message))) => api(StatusCode::INTERNAL_SERVER_ERROR, &serde_json::json!({ "error": message })),
        Err(_) => refuse(&Refusal::Unencodable),
    }
}

/// The streamed answer: the first line, then each probe's line as it completes, then the last line. When
/// the client goes away, the probes stop.
fn observe_streamed(state: Arc<AppState>, plan: mta_sts::Plan) -> Response {
    let (lines, mut received) = tokio::sync::mpsc::unbounded_channel::<Line>();
    tokio::spawn(async move {
        let now = crate::unix_now();
        let _ = lines.send(Line::start(&plan, state.fetcher.resolver(), now));
        let send = |line| {
            let _ = lines.send(line);
        };
        let run = tokio::time::timeout(state.check_timeout, state.fetcher.observe_each(&plan, now, &send));
        tokio::select! {
            finished = run => {
                let _ = lines.send(if finished.is_ok() { Line::done() } else { Line::error(&Refusal::TooSlow) });
            }
            () = lines.closed() => {}
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| {
        received.poll_recv(cx).map(|line| line.map(|line| Ok::<_, std::convert::Infallible>(line.to_ndjson())))
    });
    let mut response = axum::body::Body::from_stream(body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(STREAM_CONTENT_TYPE));
    with_api_headers(response)
}

async fn preflight() -> Response {
    let mut response = api(StatusCode::NO_CONTENT, &serde_json::Value::Null);
    *response.body_mut() = axum::body::Body::empty();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, OPTIONS"));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    response
}

const BUILT_IN_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MTA-STS checker</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>MTA-STS checker</h1>
<p>This server answers <code>GET /api/observe?domain=example.com</code> with the raw observations of a
check. Start it with <code>--assets DIR</code> (the web app's built <code>dist</code> directory) to serve the
full checker here.</p>
<form action="/api/observe" method="get"><label>Domain <input name="domain" required placeholder="example.com"></label>
<button>Observe</button></form></body></html>
"#;

fn router(state: Arc<AppState>, assets: Option<PathBuf>) -> Router {
    let api_routes = Router::new()
        .route(OBSERVE_PATH, get(observe).options(preflight))
        .route(HISTORY_PATH, get(history).options(preflight))
        .route("/api/{*rest}", axum::routing::any(|| async { refuse(&Refusal::NoEndpoint) }))
        .with_state(state);
    let app = match assets {
        // The pages with bundles of their own (www/build.sh) are served at their extension-less paths, as
        // wrangler's asset server does; other unknown paths get index.html (the check page).
        Some(dir) => ["generate", "preflight", "embed", "rules", "reports", "history"]
            .into_iter()
            .fold(api_routes, |router, page| {
                router.route_service(&format!("/{page}"), ServeFile::new(dir.join(format!("{page}.html"))))
            })
            .fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => api_routes.fallback(|method: Method| async move {
            if method == Method::GET || method == Method::HEAD {
                Html(BUILT_IN_PAGE).into_response()
            } else {
                StatusCode::METHOD_NOT_ALLOWED.into_response()
            }
        }),
    };
    app.layer(axum::middleware::from_fn(security_headers))
}

/// The app's Content-Security-Policy (as www/static/_headers sets it at the edge), with the framing rule
/// for `path`: only the widget at `/embed` may be framed, by any site; every other page by none.
fn content_security_policy(path: &str) -> &'static str {
    if path == "/embed" {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; \
         frame-ancestors *"
    } else {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; \
         frame-ancestors 'none'"
    }
}

async fn security_headers(request: Request<axum::body::Body>, next: axum::middleware::Next) -> Response {
    let csp = content_security_policy(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
        (header::CONTENT_SECURITY_POLICY, csp),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

pub(crate) fn run(args: &ServeArgs) -> ExitCode {
    let result = (|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
        runtime.block_on(serve(args))
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: &ServeArgs) -> Result<(), Failure> {
    if let Some(dir) = &args.assets
        && !dir.join("index.html").is_file()
    {
        return Err(Failure(format!(
            "--assets {}: no index.html there; give the web app's dist directory.",
            dir.display()
        )));
    }
    if let Some(db) = &args.db {
        // A missing or foreign database is a usage error at start, not a 500 on every request.
        crate::store::Store::open_read_only(db)?;
    }
    let fetcher = args.fetch.fetcher()?;
    let check_timeout = Duration::from_secs_f64(args.fetch.timeout_seconds() * 2.0 + 2.0);
    let state = Arc::new(AppState {
        fetcher,
        limiter: Limiter { limit: f64::from(args.rate_limit.max(1)), buckets: Mutex::new(HashMap::new()) },
        check_timeout,
        db: args.db.clone(),
    });
    let app = router(state, args.assets.clone());
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| Failure(format!("cannot listen on {}: {e}. Give another --listen address.", args.listen)))?;
    let local = listener.local_addr().map_err(|e| Failure(e.to_string()))?;
    eprintln!("mta-sts serve: listening on http://{local}");

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => {
                let Ok(accepted) = accepted else {
                    // Out of file descriptors and the like: pause instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                accepted
            }
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(Peer(peer.ip()));
            let started = Instant::now();
            let method = request.method().clone();
            // API paths only, never the query string (it holds the domain); other paths are the app's
            // client-side routes, which may name a domain too.
            let path = request.uri().path();
            let path = if path.starts_with("/api/") { path.to_owned() } else { "(static)".to_owned() };
            let mut app = app.clone();
            async move {
                let response = tower_service::Service::call(&mut app, request).await;
                if let Ok(response) = &response {
                    eprintln!("{method} {path} {} {}ms", response.status().as_u16(), started.elapsed().as_millis());
                }
                response
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        // A client that trickles its request headers must not hold a connection for ever.
        builder.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(10));
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    eprintln!("mta-sts serve: shutting down, finishing open requests");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(check_timeout) => eprintln!("mta-sts serve: gave up waiting for open requests"),
    }
    Ok(())
}

/// SIGINT or SIGTERM (also how `monitor --every` is stopped).
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
