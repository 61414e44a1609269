//! `mta-sts monitor --db FILE DOMAIN...`: check domains, store every run in SQLite, and report what changed
//! since each domain's previous run (the core's [`mta_sts::compare`]), optionally to a webhook.
//!
//! Once by default, for cron; `--every 1h` loops. Exit codes: 0 no error-level change, 1 an error-level
//! change, 2 usage error (or a database that is not ours), 3 only lookups failed. The clock is read once
//! per run, here, and passed to the core; every domain of a run is stored at that instant.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Args;
use futures_util::StreamExt as _;
use mta_sts::compare::Change;
use mta_sts::observe::PolicyResult;
use mta_sts::{Domain, Severity, Verdict};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::check::{FetchArgs, observe_all, read_domains};
use crate::fetch::WebhookClient;
use crate::render::{self, BLUE, BOLD, DIM, Painter, RED, YELLOW};
use crate::store::Store;
use crate::{Ctx, Failure};

#[derive(Args, Debug)]
pub(crate) struct MonitorArgs {
    /// The SQLite database that keeps every run (created if missing).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// Domains to watch; `-` reads them from standard input, one per line.
    #[arg(value_name = "DOMAIN")]
    domains: Vec<String>,
    /// Read the domains from this file, one per line (`#` starts a comment).
    #[arg(long, short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// POST each domain run's JSON line here (retried with backoff; failures are reported on stderr).
    #[arg(long, value_name = "URL")]
    webhook: Option<String>,
    /// Run again after this long (`30s`, `10m`, `1h`, `1d`), until interrupted; default: run once.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    every: Option<Duration>,
    /// Report a policy host certificate that expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    cert_warn_days: u32,
    /// How many domains to check at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Judge and store the run as of this Unix time instead of now (for reproducible runs).
    #[arg(long, value_name = "UNIX_SECONDS", conflicts_with = "every")]
    now: Option<u64>,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// `30s`, `10m`, `1h`, `1d`, or a bare number of seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let unit_seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{text}: give a number and a unit, s, m, h or d, as in 30s, 10m or 1h.")),
    };
    match digits.parse::<u64>().ok().and_then(|n| n.checked_mul(unit_seconds)).filter(|&s| s > 0) {
        Some(seconds) => Ok(Duration::from_secs(seconds)),
        None => Err(format!("{text}: give a positive number and a unit, as in 30s, 10m or 1h.")),
    }
}

/// One JSON line per domain and run, on stdout and to the webhook.
#[derive(Serialize)]
struct RunLine<'a> {
    domain: &'a str,
    checked_at: u64,
    verdict: Verdict,
    first_run: bool,
    changes: &'a [Change],
}

/// What one run found, for the exit code.
#[derive(Default)]
struct Tally {
    error_change: bool,
    lookup_failed: bool,
}

/// How many times a webhook POST is tried, and the pause before the second try (doubled each time).
const WEBHOOK_ATTEMPTS: u32 = 4;
const WEBHOOK_FIRST_PAUSE: Duration = Duration::from_millis(500);
const WEBHOOK_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a once-run waits at the end for webhook deliveries still under way.
const WEBHOOK_DRAIN: Duration = Duration::from_secs(30);

struct Webhook {
    url: hyper::Uri,
    client: WebhookClient,
}

impl Webhook {
    async fn post(&self, body: Bytes) -> Result<(), String> {
        let request = hyper::Request::post(self.url.clone())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .header(hyper::header::USER_AGENT, mta_sts::plan::USER_AGENT)
            .body(http_body_util::Full::new(body))
            .map_err(|e| e.to_string())?;
        match tokio::time::timeout(WEBHOOK_ATTEMPT_TIMEOUT, self.client.request(request)).await {
            Err(_) => Err("no answer in time".to_owned()),
            Ok(Err(e)) => Err(e.to_string()),
            Ok(Ok(response)) if response.status().is_success() => Ok(()),
            Ok(Ok(response)) => Err(format!("HTTP {}", response.status().as_u16())),
        }
    }

    /// Tries the POST a bounded number of times with growing pauses; says on stderr if all failed.
    async fn deliver(self: Arc<Self>, domain: String, body: Bytes) {
        let mut pause = WEBHOOK_FIRST_PAUSE;
        let mut last = String::new();
        for attempt in 1..=WEBHOOK_ATTEMPTS {
            match self.post(body.clone()).await {
                Ok(()) => return,
                Err(e) => last = e,
            }
            if attempt < WEBHOOK_ATTEMPTS {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
        eprintln!(
            "warning: the webhook {} did not take the run of {domain} after {WEBHOOK_ATTEMPTS} attempts ({}).",
            render::clean(&self.url.to_string()),
            render::clean(&last)
        );
    }
}

fn webhook(args: &MonitorArgs, fetcher: &crate::fetch::Fetcher) -> Result<Option<Arc<Webhook>>, Failure> {
    let Some(url) = &args.webhook else { return Ok(None) };
    let parsed: hyper::Uri = url.parse().map_err(|_| bad_webhook(url))?;
    if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
        return Err(bad_webhook(url));
    }
    Ok(Some(Arc::new(Webhook { url: parsed, client: fetcher.webhook_client() })))
}

fn bad_webhook(url: &str) -> Failure {
    Failure(format!("--webhook {}: give an http:// or https:// URL.", render::clean(url)))
}

pub(crate) fn run(args: &MonitorArgs, ctx: Ctx) -> ExitCode {
    crate::check::exit(run_inner(args, ctx))
}

fn run_inner(args: &MonitorArgs, ctx: Ctx) -> Result<ExitCode, Failure> {
    let domains = read_domains(&args.domains, args.file.as_ref(), "monitor")?;
    let mut store = Store::open(&args.db)?;
    let runtime = crate::check::runtime()?;
    runtime.block_on(async {
        let fetcher = Arc::new(args.fetch.fetcher()?);
        let hook = webhook(args, &fetcher)?;
        let mut deliveries = JoinSet::new();
        let Some(every) = args.every else {
            let tally = run_once(args, ctx, &fetcher, &mut store, domains, hook.as_ref(), &mut deliveries).await?;
            drain(&mut deliveries).await;
            return Ok(ExitCode::from(if tally.error_change {
                1
            } else if tally.lookup_failed {
                3
            } else {
                0
            }));
        };
        // SIGINT or SIGTERM ends the loop between two domains: each domain's run is one transaction.
        let mut stop = std::pin::pin!(crate::serve::shutdown_signal());
        loop {
            let started = tokio::time::Instant::now();
            tokio::select! {
                result = run_once(args, ctx, &fetcher, &mut store, domains.clone(), hook.as_ref(), &mut deliveries) => {
                    result?;
                }
                () = &mut stop => break,
            }
            while deliveries.try_join_next().is_some() {}
            tokio::select! {
                () = tokio::time::sleep_until(started + every) => {}
                () = &mut stop => break,
            }
        }
        drain(&mut deliveries).await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Waits, for a bounded time, for the webhook deliveries still under way.
async fn drain(deliveries: &mut JoinSet<()>) {
    let waited = tokio::time::timeout(WEBHOOK_DRAIN, async { while deliveries.join_next().await.is_some() {} }).await;
    if waited.is_err() {
        eprintln!(
            "warning: {} webhook deliveries were still under way after {} seconds and were given up.",
            deliveries.len(),
            WEBHOOK_DRAIN.as_secs()
        );
    }
}

async fn run_once(
    args: &MonitorArgs,
    ctx: Ctx,
    fetcher: &Arc<crate::fetch::Fetcher>,
    store: &mut Store,
    domains: Vec<Domain>,
    hook: Option<&Arc<Webhook>>,
    deliveries: &mut JoinSet<()>,
) -> Result<Tally, Failure> {
    // One instant per run: every domain of it is judged and stored at the same time.
    let now = args.now.unwrap_or_else(crate::unix_now);
    let mut results = observe_all(fetcher, domains, args.concurrency, Some(now));
    let mut tally = Tally::default();
    while let Some(result) = results.next().await {
        let (obs, report) = result?;
        let body = obs.policy.as_ref().and_then(|p| match &p.result {
            PolicyResult::Response { body, .. } => Some(body.as_slice()),
            PolicyResult::Failed { .. } => None,
        });
        let recorded = store.record(&report, body, now, args.cert_warn_days).map_err(|e| {
            Failure(format!("cannot store the run of {} in {}: {e}.", report.domain, args.db.display()))
        })?;
        tally.error_change |= recorded.changes.iter().any(|c| c.severity == Severity::Error);
        tally.lookup_failed |= report.verdict == Verdict::LookupFailed;
        let line = RunLine {
            domain: &report.domain,
            checked_at: now,
            verdict: report.verdict,
            first_run: recorded.first_run,
            changes: &recorded.changes,
        };
        let json = serde_json::to_string(&line)
            .map_err(|e| Failure(format!("cannot write the run as JSON: {e}. Please report this as a bug.")))?;
        if let Some(hook) = hook {
            deliveries.spawn(hook.clone().deliver(report.domain.clone(), Bytes::from(json.clone())));
        }
        let text = if ctx.json { format!("{json}\n") } else { human(&line, ctx.painter) };
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(Failure(format!("cannot write the output: {e}.")));
            }
            _ => {}
        }
    }
    Ok(tally)
}

fn severity_label(p: Painter, severity: Severity) -> String {
    let style = match severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => BLUE,
    };
    p.paint(style, format!("{:<7}", severity.as_str()))
}

/// `example.com  enforce  2 changes`, then each change with its fix.
fn human(line: &RunLine<'_>, p: Painter) -> String {
    let mut out = render::Out::default();
    let what = match (line.first_run, line.changes.len()) {
        (true, _) => "first run".to_owned(),
        (false, 0) => "no change".to_owned(),
        (false, 1) => "1 change".to_owned(),
        (false, n) => format!("{n} changes"),
    };
    out.line(format_args!("{}  {}  {}", p.paint(BOLD, line.domain), line.verdict.as_str(), p.paint(DIM, what)));
    for change in line.changes {
        out.line(format_args!(
            "  {} {}  {}",
            severity_label(p, change.severity),
            change.code,
            render::clean(&change.message)
        ));
        out.line(format_args!("          {} {}", p.paint(DIM, "fix:"), render::clean(&change.fix)));
    }
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, seconds) in [("30s", 30), ("10m", 600), ("1h", 3600), ("2d", 172_800), ("45", 45)] {
            assert_eq!(parse_duration(text), Ok(Duration::from_secs(seconds)), "{text}");
        }
        for bad in ["", "0s", "1w", "h", "-1h", "1.5h", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
