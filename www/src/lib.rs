//! `mta-sts-web`: the checker's page. Leptos 0.8, client-side rendered, built by Trunk from the root
//! `index.html`.
//!
//! One round trip per check (design.md §1): the page validates the input with [`mta_sts::Domain`],
//! fetches the raw observations from `/api/observe` ([`api`]), runs [`mta_sts::evaluate`] here in
//! WebAssembly and renders the report. Network text only ever becomes text nodes: nothing is inserted as
//! HTML.
//!
//! The components compile for wasm32 only (the browser is their only target); [`present`] holds the pure
//! helpers they use, tested natively.

pub mod present;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod components;

#[cfg(target_arch = "wasm32")]
pub use components::{App, Checked, ReportView, start};
