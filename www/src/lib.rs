//! `mta-sts-web`: the checker's page. Leptos 0.8, client-side rendered, built by Trunk from the root
//! `index.html`.
//!
//! One round trip per check (design.md §1): the page validates the input with [`mta_sts::Domain`],
//! fetches the raw observations from `/api/observe` ([`api`]), runs [`mta_sts::evaluate`] here in
//! WebAssembly and renders the report. Network text only ever becomes text nodes: nothing is inserted as
//! HTML.
//!
//! One bundle per page, each within the page budget: the check (`/`, [`start`]), the generator
//! (`/generate`, [`start_generate`]), the pre-flight (`/preflight`, [`start_preflight`]) and the widget
//! other sites frame through `embed.js` (`/embed`, [`start_embed`]), and the rule table every finding links
//! to (`/rules#<code>`, [`start_rules`]).
//!
//! The components compile for wasm32 only (the browser is their only target); [`present`] and
//! [`widget`] hold the pure helpers and contracts they use, tested natively.

pub mod present;
pub mod widget;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod generator;
#[cfg(target_arch = "wasm32")]
pub mod preflight;
#[cfg(target_arch = "wasm32")]
pub mod rules;

#[cfg(target_arch = "wasm32")]
pub use components::{App, Checked, ReportView, start, start_generate, start_preflight, start_rules};
#[cfg(target_arch = "wasm32")]
pub use embed::start as start_embed;
#[cfg(target_arch = "wasm32")]
pub use generator::GeneratorPage;
#[cfg(target_arch = "wasm32")]
pub use preflight::{PreflightPage, PreflightView};
