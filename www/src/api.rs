//! The app's only IO: `GET /api/observe?domain=` on the same origin, answered by the worker.

use gloo_net::http::Request;
use mta_sts::Observations;
use web_sys::AbortSignal;

/// Why a check produced no observations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Fetch(#[from] gloo_net::Error),
    /// The worker refused the request; `reason` is its sentence (`{"error": ...}`), if any.
    #[error("{}", reason.as_deref().unwrap_or("The checker answered with an unexpected status."))]
    Http { status: u16, reason: Option<String> },
    #[error("The checker's answer could not be read: {0}")]
    Decode(#[from] serde_json::Error),
}

/// The worker's answer when it refuses a request: `{"error": "<sentence>"}`. A struct rather than
/// `serde_json::Value`, so the page carries no decoder for arbitrary JSON.
#[derive(serde::Deserialize)]
struct Refusal {
    error: Option<String>,
}

/// Fetches the raw observations for a domain; `signal` aborts the request (a newer check started).
pub async fn observe(domain: &str, signal: Option<&AbortSignal>) -> Result<Observations, Error> {
    let response = Request::get("/api/observe")
        .query([("domain", domain)])
        .abort_signal(signal)
        .header("Accept", "application/json")
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    if status != 200 {
        let reason = serde_json::from_str::<Refusal>(&body).ok().and_then(|r| r.error);
        return Err(Error::Http { status, reason });
    }
    Ok(serde_json::from_str(&body)?)
}
