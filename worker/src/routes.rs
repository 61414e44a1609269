//! The worker's entry points and their routes.

use futures_util::StreamExt as _;
use mta_sts::Domain;
use mta_sts::api::{OBSERVE_PATH, Refusal, STREAM_CONTENT_TYPE};
use mta_sts::observe::PolicyResult;
use worker::wasm_bindgen::{JsCast as _, JsValue};
use worker::{
    Context, Cors, D1Database, Date, Env, Method, RateLimiter, Request, Response, Result, RouteContext, Router,
    ScheduleContext, ScheduledEvent, console_error, event, js_sys,
};

use crate::shape::{self, Budget, CACHE_CONTROL, CLIENT_ADDRESS_HEADER, HISTORY_PATH, WATCH_PATH};
use crate::{fetch, store};

/// The rate-limiting binding of wrangler.toml (`[[ratelimits]]`); without it, nothing is limited.
const RATE_LIMITER: &str = "RATE_LIMITER";
/// The D1 binding of wrangler.toml (`[[d1_databases]]`); without it, there is no history.
const DB: &str = "DB";
/// The operator's secret for `/api/watch` (`wrangler secret put WATCH_TOKEN`); without it, no such endpoint.
const WATCH_TOKEN: &str = "WATCH_TOKEN";

#[event(fetch)]
async fn main(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get_async(OBSERVE_PATH, observe)
        .options(OBSERVE_PATH, |_, _| answer(Response::empty()?.with_status(204)))
        .get_async(HISTORY_PATH, history)
        .options(HISTORY_PATH, |_, _| answer(Response::empty()?.with_status(204)))
        .post_async(WATCH_PATH, |req, ctx| watch(req, ctx, true))
        .delete_async(WATCH_PATH, |req, ctx| watch(req, ctx, false))
        .or_else_any_method("/api/*rest", |_, _| refuse(&Refusal::NoEndpoint))
        .run(req, env)
        .await
}

/// The Cron Trigger: checks the watched domains checked longest ago, one after the other, and stores each
/// run with what changed since the domain's previous one.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let Some(db) = database(&env) else { return };
    let batch = shape::watch_batch(env.var("WATCH_BATCH").ok().map(|v| v.to_string()).as_deref());
    let entries = match store::watched(&db, batch).await {
        Ok(entries) => entries,
        Err(e) => {
            console_error!("the scheduled check could not read the watch list: {e}");
            return;
        }
    };
    let resolver = resolver(&env);
    for entry in entries {
        // The log never names a domain, so failures are counted, not listed.
        if let Err(e) = check_watched(&db, &entry, &resolver).await {
            console_error!("the scheduled check of a watched domain could not be stored: {e}");
        }
    }
}

/// One watched domain: the same probes as `/api/observe`, judged by the core at the observed instant.
async fn check_watched(db: &D1Database, entry: &str, resolver: &str) -> Result<()> {
    let Ok(domain) = Domain::parse(entry) else {
        return store::skip(db, entry, unix_now()).await;
    };
    let observations = fetch::observe(&mta_sts::plan(&domain), resolver)
        .await
        .map_err(|e| worker::Error::RustError(format!("the probes' answer could not be read: {e:?}")))?;
    let now = observations.observed_at.unwrap_or_else(unix_now);
    let report = mta_sts::evaluate(&observations, now).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let body = observations.policy.as_ref().and_then(|p| match &p.result {
        PolicyResult::Response { body, .. } => Some(body.as_slice()),
        PolicyResult::Failed { .. } => None,
    });
    store::record(db, entry, &report, body, now).await.map(drop)
}

async fn observe(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    if !within_rate_limit(&ctx.env, &req, Budget::Checks).await? {
        return refuse(&Refusal::RateLimited);
    }
    let url = req.url()?;
    let domain = match shape::requested_domain(url.query()) {
        Ok(domain) => domain,
        Err(refusal) => return refuse(&refusal),
    };
    let resolver = resolver(&ctx.env);
    let plan = mta_sts::plan(&domain);
    if shape::wants_stream(url.query()) {
        let body = fetch::lines(&plan, &resolver).map(|line| Ok::<_, worker::Error>(line.to_ndjson().into_bytes()));
        let mut response = Response::from_stream(body)?;
        response.headers_mut().set("Content-Type", STREAM_CONTENT_TYPE)?;
        return answer(response);
    }
    match fetch::observe(&plan, &resolver).await {
        Ok(observations) => answer(Response::from_json(&observations)?),
        Err(_) => refuse(&Refusal::Unencodable),
    }
}

/// `GET /api/history?domain=D`: what the Cron Trigger stored of D.
async fn history(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    // Without D1 there is nothing to read, so nothing to limit: the answer costs no more than a refusal.
    let Some(db) = database(&ctx.env) else { return error(404, shape::HISTORY_DISABLED) };
    if !within_rate_limit(&ctx.env, &req, Budget::History).await? {
        return refuse(&Refusal::RateLimited);
    }
    let domain = match shape::requested_domain(req.url()?.query()) {
        Ok(domain) => domain,
        Err(refusal) => return error(refusal.status(), &shape::domain_refusal(&refusal, HISTORY_PATH)),
    };
    match store::history(&db, &domain).await {
        Ok(Some(history)) => answer(Response::from_json(&history)?),
        Ok(None) => error(404, &shape::no_history(domain.as_str())),
        Err(e) => {
            console_error!("/api/history could not read D1: {e}");
            error(500, shape::HISTORY_UNAVAILABLE)
        }
    }
}

/// `POST` / `DELETE /api/watch?domain=D` with the operator's token: adds D to the watch list or removes
/// it. Without the `WATCH_TOKEN` secret the endpoint does not exist.
async fn watch(req: Request, ctx: RouteContext<()>, add: bool) -> Result<Response> {
    let Some(expected) = ctx.env.secret(WATCH_TOKEN).ok().map(|s| s.to_string()).filter(|s| !s.is_empty()) else {
        return refuse(&Refusal::NoEndpoint);
    };
    if !within_rate_limit(&ctx.env, &req, Budget::History).await? {
        return refuse(&Refusal::RateLimited);
    }
    let authorization = req.headers().get("Authorization")?;
    let given = shape::bearer_token(authorization.as_deref()).unwrap_or_default();
    if !shape::same_secret(given.as_bytes(), expected.as_bytes()) {
        let mut response = error(401, shape::WATCH_UNAUTHORISED)?;
        response.headers_mut().set("WWW-Authenticate", "Bearer")?;
        return Ok(response);
    }
    let Some(db) = database(&ctx.env) else { return error(404, shape::HISTORY_DISABLED) };
    let domain = match shape::requested_domain(req.url()?.query()) {
        Ok(domain) => domain,
        Err(refusal) => return error(refusal.status(), &shape::domain_refusal(&refusal, WATCH_PATH)),
    };
    let changed = if add { store::watch(&db, &domain, unix_now()).await } else { store::unwatch(&db, &domain).await };
    match changed {
        Ok(changed) => answer(Response::from_json(&serde_json::json!({
            "domain": domain.as_str(),
            "watched": add,
            "changed": changed,
        }))?),
        Err(e) => {
            console_error!("/api/watch could not write D1: {e}");
            error(500, shape::HISTORY_UNAVAILABLE)
        }
    }
}

/// The D1 binding, if this deployment has one.
fn database(env: &Env) -> Option<D1Database> {
    let binding = js_sys::Reflect::get(env, &JsValue::from_str(DB)).ok()?;
    (!binding.is_undefined() && !binding.is_null()).then(|| binding.unchecked_into::<D1Database>())
}

/// The resolver of `DOH_URL`, or Cloudflare's.
fn resolver(env: &Env) -> String {
    env.var("DOH_URL")
        .map(|v| v.to_string())
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| mta_sts::plan::DEFAULT_DOH_URL.to_owned())
}

fn unix_now() -> u64 {
    Date::now().as_millis() / 1000
}

/// Asks the rate-limiting binding, if configured, for the request's client. `Env::rate_limiter` checks
/// the binding's constructor name, which differs in local runs (miniflare), so the binding is taken as it is.
async fn within_rate_limit(env: &Env, req: &Request, budget: Budget) -> Result<bool> {
    let key = shape::rate_limit_key(req.headers().get(CLIENT_ADDRESS_HEADER)?.as_deref(), budget);
    let binding = js_sys::Reflect::get(env, &JsValue::from_str(RATE_LIMITER))?;
    if binding.is_undefined() || binding.is_null() {
        return Ok(true);
    }
    Ok(binding.unchecked_into::<RateLimiter>().limit(key).await?.success)
}

/// The core's refusal, as the JSON error answer every shell gives.
fn refuse(refusal: &Refusal) -> Result<Response> {
    error(refusal.status(), refusal.sentence())
}

/// `{"error": sentence}` with `status`.
fn error(status: u16, sentence: &str) -> Result<Response> {
    answer(Response::from_json(&shape::error_body(sentence))?.with_status(status))
}

/// Every API answer: never cached, readable from any origin, without credentials.
fn answer(mut response: Response) -> Result<Response> {
    response.headers_mut().set("Cache-Control", CACHE_CONTROL)?;
    let cors = Cors::new().with_origins(["*"]).with_methods([Method::Get, Method::Options]).with_max_age(86_400);
    response.with_cors(&cors)
}
