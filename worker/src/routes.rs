//! The worker's entry point and its routes.

use worker::wasm_bindgen::{JsCast as _, JsValue};
use worker::{Context, Cors, Env, Method, RateLimiter, Request, Response, Result, RouteContext, Router, event, js_sys};

use crate::fetch;
use futures_util::StreamExt as _;
use mta_sts::api::{OBSERVE_PATH, Refusal, STREAM_CONTENT_TYPE};

use crate::shape::{self, CACHE_CONTROL, CLIENT_ADDRESS_HEADER};

/// The rate-limiting binding of wrangler.toml (`[[ratelimits]]`); without it, nothing is limited.
const RATE_LIMITER: &str = "RATE_LIMITER";

#[event(fetch)]
async fn main(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get_async(OBSERVE_PATH, observe)
        .options(OBSERVE_PATH, |_, _| answer(Response::empty()?.with_status(204)))
        .or_else_any_method("/api/*rest", |_, _| refuse(&Refusal::NoEndpoint))
        .run(req, env)
        .await
}

async fn observe(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let key = shape::rate_limit_key(req.headers().get(CLIENT_ADDRESS_HEADER)?.as_deref());
    if !within_rate_limit(&ctx.env, key).await? {
        return refuse(&Refusal::RateLimited);
    }
    let url = req.url()?;
    let domain = match shape::requested_domain(url.query()) {
        Ok(domain) => domain,
        Err(refusal) => return refuse(&refusal),
    };
    let resolver = ctx
        .env
        .var("DOH_URL")
        .map(|v| v.to_string())
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| mta_sts::plan::DEFAULT_DOH_URL.to_owned());
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

/// Asks the rate-limiting binding, if configured. `Env::rate_limiter` checks the binding's constructor
/// name, which differs in local runs (miniflare), so the binding is taken as it is.
async fn within_rate_limit(env: &Env, key: String) -> Result<bool> {
    let binding = js_sys::Reflect::get(env, &JsValue::from_str(RATE_LIMITER))?;
    if binding.is_undefined() || binding.is_null() {
        return Ok(true);
    }
    Ok(binding.unchecked_into::<RateLimiter>().limit(key).await?.success)
}

/// The core's refusal, as the JSON error answer every shell gives.
fn refuse(refusal: &Refusal) -> Result<Response> {
    answer(Response::from_json(&shape::error_body(refusal.sentence()))?.with_status(refusal.status()))
}

/// Every API answer: never cached, readable from any origin, without credentials.
fn answer(mut response: Response) -> Result<Response> {
    response.headers_mut().set("Cache-Control", CACHE_CONTROL)?;
    let cors = Cors::new().with_origins(["*"]).with_methods([Method::Get, Method::Options]).with_max_age(86_400);
    response.with_cors(&cors)
}
