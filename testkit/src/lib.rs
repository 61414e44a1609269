//! Test fixtures for the MTA-STS checker's shells.
//!
//! * [`doh::DohServer`]: an RFC 8484 DNS-over-HTTPS server on 127.0.0.1 that answers from a test
//!   [`zone::Zone`] with real DNS messages, with knobs for delays, stalls, garbage and SERVFAIL, and that
//!   counts how many requests per checked domain were open at once;
//! * [`http`]: a minimal HTTP/1.1 client for loopback tests;
//! * [`site::Site`]: static pages from another origin (a help page embedding the widget);
//! * [`webdriver`]: a minimal WebDriver client driving headless Chromium for the web app's tests;
//! * [`worker`]: builds the Cloudflare Worker once and runs it in workerd with `wrangler dev`.

// Test fixtures fail loudly: a panic with the cause is their error report.
#![allow(clippy::missing_panics_doc)]

pub mod doh;
pub mod http;
pub mod site;
pub mod webdriver;
pub mod worker;
pub mod zone;
