//! `mta-sts`: an IO-free, RFC-exact MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460) checker core.
//!
//! The shells (the web app's worker, the CLI, the self-hosted server) only fetch bytes: they run the
//! probes that [`plan`] lists and hand the raw facts over as [`Observations`]. Everything that
//! interprets those bytes lives here, so every shell gives the same verdict from the same bytes:
//!
//! * [`Domain::parse`] normalises what a person typed or pasted;
//! * [`record`], [`policy`], [`tlsrpt`] and [`mx`] parse the three published artefacts and match MX
//!   hosts, reporting every problem as a [`Finding`];
//! * [`dns`] builds and decodes the RFC 8484 DNS-over-HTTPS messages;
//! * [`evaluate`] turns [`Observations`] into a [`Report`];
//! * [`compare`] tells what changed between two reports of a domain (for monitoring);
//! * [`generate`] writes the three things a domain has to publish, and [`preflight`] checks a draft of them
//!   against the live state before it is published.
//!
//! No IO, no clock, no randomness: time-dependent functions take `now` (Unix seconds) as an argument.

pub mod bounce;
pub mod dns;
pub mod domain;
pub mod evaluate;
pub mod finding;
pub mod generate;
pub mod message;
pub mod mx;
pub mod observe;
pub mod plan;
pub mod policy;
pub mod preflight;
pub mod providers;
pub mod record;
pub mod report;
#[cfg(feature = "testing")]
pub mod scenario;
pub mod senders;
pub mod tlsrpt;
pub mod uts46;

mod tagvalue;

mod abnf;
pub mod api;
pub mod checks;
pub mod civil;
pub mod compare;
pub mod history;

pub use domain::{Domain, DomainError};
pub use evaluate::{Report, Verdict, evaluate, evaluate_partial};

pub use finding::{Code, Edit, Finding, Parsed, Severity, Span, apply_edits};
pub use mx::MxPattern;
pub use observe::Observations;
pub use plan::{Plan, plan};

pub use policy::{Mode, Policy};
pub use record::StsRecord;
pub use tlsrpt::TlsRptRecord;
