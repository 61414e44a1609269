//! The MTA-STS checker's Cloudflare Worker: `GET /api/observe?domain=D` runs the core's [`plan`] at the
//! edge and answers with the raw [`Observations`]; the browser evaluates them.
//!
//! The worker is a byte fetcher. It fetches the plan's targets and nothing else, forwards no client
//! header, sets no cookie and logs no domain.
//!
//! [`plan`]: mta_sts::plan
//! [`Observations`]: mta_sts::Observations

pub mod shape;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod routes;
#[cfg(target_arch = "wasm32")]
mod store;
