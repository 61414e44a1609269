//! `mta-sts-web`: the checker's page. Leptos 0.8, client-side rendered, built by `www/build.sh` from the root
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
//! to (`/rules#<code>`, [`start_rules`]), and the TLS-RPT report reader (`/reports`, [`start_reports`]),
//! which reads the files in the browser and sends nothing anywhere, and the history a monitoring deployment
//! stored of a domain (`/history`, [`start_history`]).
//!
//! The components compile for wasm32 only (the browser is their only target); [`present`] and
//! [`widget`] hold the pure helpers and contracts they use, tested natively.
//!
//! Imports run one way: each page module ([`check`], [`generator`], [`preflight`], [`rules`], [`reports`],
//! [`history`], [`embed`])
//! holds its page and its `start`, and builds on the shared components ([`widgets`]), on running a check
//! (`run`, for the check page and the widget) and on [`api`]; no page imports another.

pub mod present;
pub mod widget;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod check;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod generator;
#[cfg(target_arch = "wasm32")]
pub mod history;
#[cfg(target_arch = "wasm32")]
pub mod preflight;
#[cfg(target_arch = "wasm32")]
pub mod reports;
#[cfg(target_arch = "wasm32")]
pub mod rules;
#[cfg(target_arch = "wasm32")]
mod run;
#[cfg(target_arch = "wasm32")]
pub mod widgets;

#[cfg(target_arch = "wasm32")]
pub use check::{App, ReportView, start};
#[cfg(target_arch = "wasm32")]
pub use embed::start as start_embed;
#[cfg(target_arch = "wasm32")]
pub use generator::{GeneratorPage, start as start_generate};
#[cfg(target_arch = "wasm32")]
pub use history::{HistoryPage, HistoryView, start as start_history};
#[cfg(target_arch = "wasm32")]
pub use preflight::{PreflightPage, PreflightView, start as start_preflight};
#[cfg(target_arch = "wasm32")]
pub use reports::{LiveView, ReportsPage, ReportsView, start as start_reports};
#[cfg(target_arch = "wasm32")]
pub use rules::{BounceView, start as start_rules};
#[cfg(target_arch = "wasm32")]
pub use run::Checked;
#[cfg(target_arch = "wasm32")]
pub use widgets::{lend_browser_uts46, lend_sender_words};
