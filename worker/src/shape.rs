//! The worker's pure half: reading the request, shaping responses and classifying fetch failures.
//!
//! Nothing here touches the Workers runtime, so it is unit-tested natively.

use mta_sts::Domain;
use mta_sts::api::Refusal;
use mta_sts::observe::{ErrorClass, PolicyHeaders};
use mta_sts::plan::POLICY_BODY_CAP;

/// The one header every answer of the API carries: observations are per request and never cached.
pub const CACHE_CONTROL: &str = "no-store";
/// The header that carries the client's address at the edge (set by Cloudflare, not by the client).
pub const CLIENT_ADDRESS_HEADER: &str = "CF-Connecting-IP";
/// The time one DoH probe may take, in milliseconds; all probes run at once, so this bounds them all.
pub const DOH_TIMEOUT_MS: u32 = 5_000;
/// The time the policy fetch may take, headers and body, in milliseconds; it runs beside the DoH
/// probes, so the whole check stays within `TIME_BUDGET_MS`.
pub const POLICY_TIMEOUT_MS: u32 = mta_sts::plan::TIME_BUDGET_MS - 1_000;

/// The domain of `?domain=…`: the query decoded here, the decision (exactly one, a usable domain) and
/// its sentence made by the core, as `mta-sts serve` does.
pub fn requested_domain(query: Option<&str>) -> Result<Domain, Refusal> {
    let values = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "domain")
        .map(|(_, value)| value);
    mta_sts::api::requested_domain(values)
}

/// Whether the query asks for the streamed answer (`stream=1`).
pub fn wants_stream(query: Option<&str>) -> bool {
    let values = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == mta_sts::api::STREAM_PARAM)
        .map(|(_, value)| value);
    mta_sts::api::wants_stream(values)
}

/// The sentence of a refusal of `?domain=` on `path`: the core's words, which name `/api/observe`, naming
/// the endpoint that was asked instead.
pub fn domain_refusal(refusal: &Refusal, path: &str) -> String {
    refusal.sentence().replace(mta_sts::api::OBSERVE_PATH, path)
}

/// The JSON body of an error answer: `{"error": "<sentence>"}`.
pub fn error_body(reason: &str) -> serde_json::Value {
    serde_json::json!({ "error": reason })
}

/// What a rate-limited request spends: checks, or reads of the stored history (and the watch list). Two
/// budgets, so that the check page's history request after each check does not halve the checks a
/// client may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Checks,
    History,
}

/// The key the rate limiter counts under: the client's address, or one shared bucket when the edge did
/// not say (local runs); history reads under a key of their own.
pub fn rate_limit_key(client_address: Option<&str>, budget: Budget) -> String {
    let client = match client_address.map(str::trim) {
        Some(address) if !address.is_empty() => address,
        _ => "unknown-client",
    };
    match budget {
        Budget::Checks => client.to_owned(),
        Budget::History => format!("history:{client}"),
    }
}

/// Maps what workerd's `fetch()` reports to an error class.
///
/// workerd's fetch errors are mostly opaque: a host that does not resolve, a refused connection and a
/// reset all surface as "internal error" or "Network connection lost", so those stay `Network`. Only
/// the messages that name their cause are classed more finely: TLS and certificate failures, refused
/// connections and DNS lookup failures. Timeouts never reach here: the worker's own deadline classes
/// them as `Timeout` before `fetch()` answers.
pub fn classify_fetch_error(message: &str) -> ErrorClass {
    let m = message.to_ascii_lowercase();
    if ["tls", "ssl", "certificate", "handshake"].iter().any(|w| m.contains(w)) {
        ErrorClass::Tls
    } else if ["dns", "resolve", "lookup", "name or service not known", "no such host"].iter().any(|w| m.contains(w)) {
        ErrorClass::Dns
    } else if ["refused", "connect("].iter().any(|w| m.contains(w)) {
        ErrorClass::Connect
    } else if m.contains("timed out") || m.contains("timeout") {
        ErrorClass::Timeout
    } else {
        ErrorClass::Network
    }
}

/// The detail to record for a failed `fetch()`: workerd's own words when they name a cause; for its
/// opaque "internal error" (with a random reference) and "Network connection lost", the likely causes,
/// so that the finding tells the admin where to look instead of quoting a meaningless reference.
pub fn describe_fetch_error(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("internal error") || m.contains("network connection lost") {
        "the edge runtime gives no cause: the name may not resolve, or the connection was refused, reset \
         or failed its TLS handshake; `mta-sts check` from a terminal names the cause"
            .to_owned()
    } else {
        message.to_owned()
    }
}

/// The policy response headers that matter to MTA-STS, read through `get` (a case-insensitive lookup).
pub fn policy_headers(get: impl Fn(&str) -> Option<String>) -> PolicyHeaders {
    PolicyHeaders {
        content_type: get("content-type"),
        location: get("location"),
        cache_control: get("cache-control"),
        content_length: get("content-length"),
    }
}

/// A policy body read chunk by chunk, up to `POLICY_BODY_CAP` bytes.
#[derive(Debug, Default)]
pub struct CappedBody {
    bytes: Vec<u8>,
    truncated: bool,
}

impl CappedBody {
    /// Adds a chunk; returns `false` once the cap is reached and reading should stop.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        let room = POLICY_BODY_CAP - self.bytes.len();
        if chunk.len() > room {
            self.bytes.extend_from_slice(&chunk[..room]);
            self.truncated = true;
            return false;
        }
        self.bytes.extend_from_slice(chunk);
        true
    }

    /// The body so far and whether it was cut at the cap.
    pub fn finish(self) -> (Vec<u8>, bool) {
        (self.bytes, self.truncated)
    }
}

/// Milliseconds between two `Date.now()` readings, saturated into `u32`.
pub fn elapsed_ms(start: u64, end: u64) -> u32 {
    u32::try_from(end.saturating_sub(start)).unwrap_or(u32::MAX)
}

/// The domain's stored timeline: `GET /api/history?domain=D`, the JSON of `mta-sts history D --json`.
pub const HISTORY_PATH: &str = "/api/history";
/// The watch list, for the operator only: `POST` adds `?domain=D`, `DELETE` removes it (`Authorization:
/// Bearer <WATCH_TOKEN>`).
pub const WATCH_PATH: &str = "/api/watch";
/// How many watched domains one Cron Trigger checks when `WATCH_BATCH` does not say: each costs six
/// subrequests (five DoH queries and the policy fetch), and the free plan allows 50 per invocation.
pub const DEFAULT_WATCH_BATCH: u32 = 8;
/// The most `WATCH_BATCH` may ask for: 960 subrequests, under the paid plan's 1000.
pub const MAX_WATCH_BATCH: u32 = 160;

/// The answer of the history and watch endpoints on a deployment without the D1 binding.
pub const HISTORY_DISABLED: &str =
    "History is not enabled on this deployment: it has no D1 database bound as DB (see the README's deploy section).";
/// The answer when D1 fails (most often: the migrations were not applied).
pub const HISTORY_UNAVAILABLE: &str = "The history database could not be read or written; if it is new, apply the migrations with `wrangler d1 migrations apply DB`.";
/// The answer of the watch endpoint to a missing or wrong token.
pub const WATCH_UNAUTHORISED: &str = "Give the operator's token as `Authorization: Bearer <WATCH_TOKEN>`.";

/// The 404 sentence for a domain without stored runs.
pub fn no_history(domain: &str) -> String {
    format!("No run of {domain} is stored; only watched domains are checked, by the Cron Trigger.")
}

/// `WATCH_BATCH` as configured, within 1..=`MAX_WATCH_BATCH`; the default when unset or not a number.
pub fn watch_batch(configured: Option<&str>) -> u32 {
    configured.and_then(|v| v.trim().parse::<u32>().ok()).map_or(DEFAULT_WATCH_BATCH, |n| n.clamp(1, MAX_WATCH_BATCH))
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is case-insensitive).
pub fn bearer_token(authorization: Option<&str>) -> Option<&str> {
    let (scheme, token) = authorization?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether `given` equals `expected`, in time that depends on their lengths only, not on where they
/// differ: a wrong token tells nothing about the right one.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = given.len() ^ expected.len();
    for i in 0..given.len().max(expected.len()) {
        let a = given.get(i).copied().unwrap_or(0);
        let b = expected.get(i).copied().unwrap_or(0);
        difference |= usize::from(a ^ b);
    }
    difference == 0
}

/// The bytes of SQLite's `hex()` (upper-case pairs); anything else stops the decoding there.
pub fn unhex(hex: &str) -> Vec<u8> {
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    hex.as_bytes().chunks_exact(2).map_while(|pair| Some((digit(pair[0])? << 4) | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_domain_takes_exactly_one_valid_domain() {
        assert_eq!(requested_domain(Some("domain=Example.COM")).unwrap().as_str(), "example.com");
        assert_eq!(requested_domain(Some("x=1&domain=b%C3%BCcher.example")).unwrap().as_str(), "xn--bcher-kva.example");
        for (query, reason) in [
            (None, "Add the domain"),
            (Some(""), "Add the domain"),
            (Some("domain="), "Enter a domain name"),
            (Some("domain=a.example&domain=b.example"), "one domain parameter"),
            (Some("domain=192.0.2.1"), "IP address"),
            (Some("domain=exa%256Dple.com"), "percent-encoding"),
        ] {
            let err = requested_domain(query).unwrap_err();
            assert!(err.sentence().contains(reason), "{query:?}: {err:?}");
        }
    }

    #[test]
    fn stream_is_asked_for_with_stream_1() {
        assert!(wants_stream(Some("domain=example.com&stream=1")));
        assert!(!wants_stream(Some("domain=example.com")));
        assert!(!wants_stream(Some("domain=example.com&stream=0")));
        assert!(!wants_stream(None));
    }

    #[test]
    fn error_body_is_one_sentence_under_error() {
        assert_eq!(error_body("No.").to_string(), r#"{"error":"No."}"#);
    }

    #[test]
    fn rate_limit_key_falls_back_to_one_bucket() {
        assert_eq!(rate_limit_key(Some(" 192.0.2.7 "), Budget::Checks), "192.0.2.7");
        assert_eq!(rate_limit_key(Some(""), Budget::Checks), "unknown-client");
        assert_eq!(rate_limit_key(None, Budget::Checks), "unknown-client");
        assert_eq!(rate_limit_key(Some("192.0.2.7"), Budget::History), "history:192.0.2.7");
        assert_eq!(rate_limit_key(None, Budget::History), "history:unknown-client");
    }

    #[test]
    fn fetch_errors_are_classed_by_what_they_name() {
        for (message, class) in [
            ("TypeError: internal error", ErrorClass::Network),
            ("Network connection lost.", ErrorClass::Network),
            ("TLS peer's certificate is not trusted", ErrorClass::Tls),
            ("SSL handshake failed", ErrorClass::Tls),
            ("DNS lookup failed", ErrorClass::Dns),
            ("connect(): Connection refused", ErrorClass::Connect),
            ("The operation timed out", ErrorClass::Timeout),
        ] {
            assert_eq!(classify_fetch_error(message), class, "{message}");
        }
    }

    #[test]
    fn opaque_fetch_errors_are_explained() {
        let opaque = describe_fetch_error("Error: internal error; reference = h757ha14tj1pd25c1d56gdl7");
        assert!(opaque.contains("no cause") && opaque.contains("TLS handshake"), "{opaque}");
        assert!(!opaque.contains("reference"), "{opaque}");
        assert_eq!(describe_fetch_error("Network connection lost."), opaque);
        assert_eq!(
            describe_fetch_error("TLS peer's certificate is not trusted"),
            "TLS peer's certificate is not trusted"
        );
    }

    #[test]
    fn policy_headers_keep_the_four_that_matter() {
        let headers = policy_headers(|name| match name {
            "content-type" => Some("text/plain".to_owned()),
            "location" => Some("https://elsewhere.example/".to_owned()),
            _ => None,
        });
        assert_eq!(headers.content_type.as_deref(), Some("text/plain"));
        assert_eq!(headers.location.as_deref(), Some("https://elsewhere.example/"));
        assert_eq!(headers.cache_control, None);
        assert_eq!(headers.content_length, None);
    }

    #[test]
    fn capped_body_stops_at_the_cap_and_flags_it() {
        let mut body = CappedBody::default();
        assert!(body.push(b"version: STSv1\r\n"));
        let (bytes, truncated) = body.finish();
        assert_eq!((bytes.as_slice(), truncated), (&b"version: STSv1\r\n"[..], false));

        let mut body = CappedBody::default();
        let chunk = vec![b'x'; 300 * 1024];
        assert!(body.push(&chunk));
        assert!(body.push(&chunk));
        assert!(body.push(&chunk));
        assert!(!body.push(&chunk));
        let (bytes, truncated) = body.finish();
        assert_eq!((bytes.len(), truncated), (POLICY_BODY_CAP, true));
    }

    #[test]
    fn exactly_cap_sized_bodies_are_not_truncated() {
        let mut body = CappedBody::default();
        assert!(body.push(&vec![b'x'; POLICY_BODY_CAP]));
        assert!(!body.finish().1);
    }

    #[test]
    fn elapsed_saturates() {
        assert_eq!(elapsed_ms(10, 25), 15);
        assert_eq!(elapsed_ms(25, 10), 0);
        assert_eq!(elapsed_ms(0, u64::MAX), u32::MAX);
    }

    #[test]
    fn domain_refusals_name_the_endpoint_asked() {
        let sentence = domain_refusal(&requested_domain(None).unwrap_err(), HISTORY_PATH);
        assert_eq!(sentence, "Add the domain to check, as in /api/history?domain=example.com.");
        let reason = requested_domain(Some("domain=192.0.2.1")).unwrap_err();
        assert_eq!(domain_refusal(&reason, WATCH_PATH), reason.sentence());
    }

    #[test]
    fn watch_batch_is_bounded() {
        assert_eq!(watch_batch(None), DEFAULT_WATCH_BATCH);
        assert_eq!(watch_batch(Some("")), DEFAULT_WATCH_BATCH);
        assert_eq!(watch_batch(Some("many")), DEFAULT_WATCH_BATCH);
        assert_eq!(watch_batch(Some(" 20 ")), 20);
        assert_eq!(watch_batch(Some("0")), 1);
        assert_eq!(watch_batch(Some("100000")), MAX_WATCH_BATCH);
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_token(Some("Bearer s3cret")), Some("s3cret"));
        assert_eq!(bearer_token(Some("bearer  s3cret ")), Some("s3cret"));
        for bad in [None, Some(""), Some("Bearer"), Some("Bearer "), Some("Basic dXNlcjpwYXNz"), Some("s3cret")] {
            assert_eq!(bearer_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"s3cret", b"s3cret"));
        for wrong in [&b""[..], b"s3cre", b"s3cret!", b"S3cret", b"s3creu", b"s3cret\0"] {
            assert!(!same_secret(wrong, b"s3cret"), "{wrong:?}");
        }
        assert!(!same_secret(b"", b"\0"));
    }

    #[test]
    fn unhex_reads_sqlite_hex() {
        assert_eq!(unhex(""), b"");
        assert_eq!(unhex("7665FF0D0A"), b"ve\xff\r\n");
        assert_eq!(unhex("7g65"), b"");
    }
}
