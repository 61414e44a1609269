//! The app's only IO, all on the same origin: `GET /api/observe?domain=`, answered by the worker, whole or
//! streamed (`&stream=1`, one line per probe as it completes; the core folds the lines); and
//! `GET /api/history?domain=`, the runs a monitoring deployment stored (`mta-sts serve --db`, or the worker
//! with D1), which answers 404 where there is no history.

use gloo_net::http::{Request, Response};
use mta_sts::Observations;
use mta_sts::api::{Partial, StreamError, StreamReader};
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader};

/// Why a check produced no observations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Fetch(#[from] gloo_net::Error),
    /// The worker refused the request; `reason` is its sentence (`{"error": ...}`), if any.
    #[error("{}", reason.as_deref().unwrap_or("The checker answered with an unexpected status."))]
    Http { status: u16, reason: Option<String> },
    #[error("The checker's answer could not be read: {0}")]
    Decode(String),
    #[error(transparent)]
    Stream(#[from] StreamError),
}

/// The worker's answer when it refuses a request: `{"error": "<sentence>"}`.
#[derive(serde::Deserialize)]
struct Refusal {
    error: Option<String>,
}

/// Fetches the raw observations for a domain; `signal` aborts the request (a newer check started).
pub async fn observe(domain: &str, signal: Option<&AbortSignal>) -> Result<Observations, Error> {
    let response = get("/api/observe", &[("domain", domain)], "application/json", signal).await?;
    let body = refused(response).await?.text().await?;
    decode(&body).map_err(Error::Decode)
}

/// The words that explain the senders' outcomes: `/senders.json`, a static file built with the pages (the
/// core's `senders::outcome::Words`), loaded when a report shows the senders.
pub async fn sender_words() -> Result<mta_sts::senders::outcome::Words, Error> {
    let response = Request::get("/senders.json").header("Accept", "application/json").send().await?;
    let body = refused(response).await?.text().await?;
    decode(&body).map_err(Error::Decode)
}

/// JSON text as `T`: read by the browser's `JSON.parse` and taken over with serde-wasm-bindgen, so the pages
/// carry no JSON parser of their own.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| {
        e.dyn_ref::<js_sys::Error>().map_or_else(|| "it is not JSON".to_owned(), |e| String::from(e.message()))
    })?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// The stored history of a domain, as JSON; `None` when the server keeps none for it (404: no monitoring
/// database, or the domain was never checked by it).
pub async fn history(domain: &str) -> Result<Option<String>, Error> {
    let response = history_request(domain).await?;
    if response.status() == 404 {
        return Ok(None);
    }
    Ok(Some(refused(response).await?.text().await?))
}

/// Whether the server keeps a history of the domain: the check page's question, answered without reading
/// the history (so the page carries no decoder for it).
pub async fn has_history(domain: &str) -> bool {
    history_request(domain).await.is_ok_and(|r| r.status() == 200)
}

async fn history_request(domain: &str) -> Result<Response, gloo_net::Error> {
    get("/api/history", &[("domain", domain)], "application/json", None).await
}

/// Every request of the app: one code path, so each page carries one copy of it.
async fn get(
    path: &str,
    query: &[(&str, &str)],
    accept: &str,
    signal: Option<&AbortSignal>,
) -> Result<Response, gloo_net::Error> {
    Request::get(path).query(query.iter().copied()).abort_signal(signal).header("Accept", accept).send().await
}

/// The response, unless it is a refusal (`{"error": …}` with an error status).
async fn refused(response: Response) -> Result<Response, Error> {
    let status = response.status();
    if status == 200 {
        return Ok(response);
    }
    let body = response.text().await?;
    let reason = decode::<Refusal>(&body).ok().and_then(|r| r.error);
    Err(Error::Http { status, reason })
}

/// Like [`observe`], but streamed: `progress` sees the check so far after each line that arrives.
/// Aborting `signal` cancels the stream too.
pub async fn observe_streamed(
    domain: &str,
    signal: Option<&AbortSignal>,
    mut progress: impl FnMut(&Partial),
) -> Result<Observations, Error> {
    let query = [("domain", domain), ("stream", "1")];
    let response = get("/api/observe", &query, mta_sts::api::STREAM_CONTENT_TYPE, signal).await?;
    let response = refused(response).await?;
    let Some(body) = response.body() else { return Err(StreamError::NoStart.into()) };
    let chunks: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut reader = StreamReader::default();
    loop {
        let next = JsFuture::from(chunks.read()).await.map_err(|e| js_error(&e))?;
        let field = |name: &str| js_sys::Reflect::get(&next, &name.into()).unwrap_or_default();
        if field("done").is_truthy() {
            break;
        }
        if reader.push_with(&js_sys::Uint8Array::new(&field("value")).to_vec(), decode_line)?
            && let Some(partial) = reader.partial()
        {
            progress(partial);
        }
    }
    Ok(reader.finish_with(decode_line)?)
}

fn decode_line(line: &str) -> Result<mta_sts::api::Line, StreamError> {
    decode(line).map_err(StreamError::Unreadable)
}

/// A failed read of the stream (aborted, or the connection broke), in the browser's words.
fn js_error(error: &wasm_bindgen::JsValue) -> Error {
    let message =
        error.dyn_ref::<js_sys::Error>().map_or_else(|| "the answer broke off".to_owned(), |e| e.message().into());
    Error::Fetch(gloo_net::Error::GlooError(message))
}
