//! `mta-sts check DOMAIN...`: observe each domain over the network, evaluate with the core, report.
//!
//! Exit codes are part of the contract for scripts and monitoring: 0 all valid, 1 some domain invalid
//! or not deployed, 2 usage error, 3 only lookup failures (temporary: try again).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use futures_util::{StreamExt as _, TryStreamExt as _};
use mta_sts::observe::{CertificateInfo, Observations};
use mta_sts::{Domain, Report, Verdict};

use crate::fetch::{self, Fetcher, Options};
use crate::render::{self, BOLD, DIM, Out, Painter};
use crate::{Ctx, Failure, input};

/// How the network is reached; shared by `check` and `serve`.
#[derive(Args, Clone, Debug)]
pub(crate) struct FetchArgs {
    /// The DNS-over-HTTPS resolver (RFC 8484 GET).
    #[arg(long, value_name = "URL", default_value = mta_sts::plan::DEFAULT_DOH_URL)]
    doh: String,
    /// Connect to HOST:PORT at ADDR without resolving it, like curl (repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    resolve: Vec<String>,
    /// Connect to ADDR:PORT2 instead of HOST:PORT, like curl; empty parts match any / keep the original
    /// (repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT2")]
    connect_to: Vec<String>,
    /// Trust the certificates of this PEM file too (a private or test CA).
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Seconds each DNS query and the policy fetch may take.
    #[arg(long, value_name = "SECONDS", default_value_t = f64::from(mta_sts::plan::TIME_BUDGET_MS) / 1000.0)]
    timeout: f64,
    /// Connect to policy hosts at loopback, private and other non-public addresses (tests only: this
    /// switches off the SSRF guard).
    #[arg(long)]
    allow_private_addresses: bool,
}

impl FetchArgs {
    pub(crate) fn timeout_seconds(&self) -> f64 {
        self.timeout
    }

    pub(crate) fn fetcher(&self) -> Result<Fetcher, Failure> {
        let resolve =
            self.resolve.iter().map(|r| fetch::parse_resolve(r)).collect::<Result<_, _>>().map_err(Failure)?;
        let connect_to =
            self.connect_to.iter().map(|c| fetch::parse_connect_to(c)).collect::<Result<_, _>>().map_err(Failure)?;
        let extra_roots = match &self.ca_file {
            Some(path) => fetch::read_ca_file(path).map_err(Failure)?,
            None => Vec::new(),
        };
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= 600.0) {
            return Err(Failure(format!("--timeout {}: give a number of seconds between 0 and 600.", self.timeout)));
        }
        if !(self.doh.starts_with("https://") || self.doh.starts_with("http://")) {
            return Err(Failure(format!(
                "--doh {}: give the resolver's URL, as in {}.",
                self.doh,
                mta_sts::plan::DEFAULT_DOH_URL
            )));
        }
        Ok(Fetcher::new(Options {
            doh_url: self.doh.clone(),
            resolve,
            connect_to,
            extra_roots,
            timeout: Duration::from_secs_f64(self.timeout),
            allow_private: self.allow_private_addresses,
        }))
    }
}

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Domains to check; `-` reads them from standard input, one per line.
    #[arg(value_name = "DOMAIN")]
    domains: Vec<String>,
    /// Read the domains from this file, one per line (`#` starts a comment).
    #[arg(long, short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// How many domains to check at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Judge as of this Unix time instead of now: the report's certificate dates (expired, not yet
    /// valid, expiring soon) and the fresh ids in fixes.
    #[arg(long, value_name = "UNIX_SECONDS", long_help = concat!("Judge as of this Unix time instead of now: the report's certificate dates (expired, not yet valid, expiring soon) and the fresh ids in fixes.", "\n\n", crate::fetch::now_clock_note!()))]
    now: Option<u64>,
    #[command(flatten)]
    fetch: FetchArgs,
}

fn domain_lines(bytes: &[u8], label: &str, out: &mut Vec<(String, String)>) {
    for (n, line) in input::lines(bytes).iter().enumerate() {
        let text = String::from_utf8_lossy(line);
        let text = text.split('#').next().unwrap_or("").trim();
        if !text.is_empty() {
            out.push((format!("{label} line {}", n + 1), text.to_owned()));
        }
    }
}

fn domains(args: &CheckArgs) -> Result<Vec<Domain>, Failure> {
    read_domains(&args.domains, args.file.as_ref(), "check")
}

/// The domains of the arguments (`-` reads standard input) and of `--file`, one per line (`#` starts a
/// comment); `command` names the command in the error when there are none.
pub(crate) fn read_domains(args: &[String], file: Option<&PathBuf>, command: &str) -> Result<Vec<Domain>, Failure> {
    let mut raw: Vec<(String, String)> = Vec::new();
    for arg in args {
        if arg == "-" {
            let stdin = input::read(None, "domains, one per line,")?;
            domain_lines(&stdin.bytes, "standard input", &mut raw);
        } else {
            raw.push(("argument".to_owned(), arg.clone()));
        }
    }
    if let Some(path) = file {
        let file = input::read(Some(path), "file of domains")?;
        domain_lines(&file.bytes, &file.label, &mut raw);
    }
    if raw.is_empty() {
        return Err(Failure(format!("give at least one domain to {command}, as in `mta-sts {command} example.com`.")));
    }
    raw.into_iter()
        .map(|(source, text)| {
            Domain::parse(&text)
                .map_err(|e| Failure(format!("{} ({source}) is not a domain: {}", render::clean(&text), e.reason)))
        })
        .collect()
}

/// Observes and evaluates each domain, each on its own task (so they use every core), at most
/// `concurrency` at once, in input order; judged at `fixed_now`, or at the clock when each check starts.
pub(crate) fn observe_all(
    fetcher: &Arc<Fetcher>,
    domains: Vec<Domain>,
    concurrency: u16,
    fixed_now: Option<u64>,
) -> impl futures_util::Stream<Item = Result<(Observations, Report), Failure>> + use<> {
    let fetcher = fetcher.clone();
    futures_util::stream::iter(domains)
        .map(move |domain| {
            let fetcher = fetcher.clone();
            tokio::spawn(async move {
                let now = fixed_now.unwrap_or_else(crate::unix_now);
                let obs = fetcher.observe(&mta_sts::plan(&domain), now).await;
                let report = mta_sts::evaluate(&obs, now);
                (obs, report)
            })
        })
        .buffered(usize::from(concurrency))
        .map(|joined| {
            let (obs, report) =
                joined.map_err(|e| Failure(format!("a check crashed: {e}. Please report this as a bug.")))?;
            let report = report.map_err(|e| Failure(format!("cannot evaluate: {e}. Please report this as a bug.")))?;
            Ok((obs, report))
        })
}

/// An online command's exit code: its own, or 2 after saying what went wrong.
pub(crate) fn exit(result: Result<ExitCode, Failure>) -> ExitCode {
    result.unwrap_or_else(|Failure(message)| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

/// The runtime an online command runs its checks on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))
}

/// Runs `check`, printing each report as it is ready (in input order).
pub(crate) fn run(args: &CheckArgs, ctx: Ctx) -> ExitCode {
    exit(run_inner(args, ctx))
}

fn run_inner(args: &CheckArgs, ctx: Ctx) -> Result<ExitCode, Failure> {
    let domains = domains(args)?;
    let runtime = runtime()?;
    runtime.block_on(async {
        let fetcher = Arc::new(args.fetch.fetcher()?);
        let progress = (domains.len() > 1 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(domains.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} domains, {per_sec}, ETA {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let mut results = observe_all(&fetcher, domains, args.concurrency, args.now);
        let (mut valid, mut invalid, mut lookup_failed) = (0usize, 0usize, 0usize);
        let mut stdout = std::io::stdout().lock();
        let mut first = true;
        while let Some(result) = results.next().await {
            let (obs, report) = result?;
            match (report.valid, report.verdict) {
                (true, _) => valid += 1,
                (false, Verdict::LookupFailed) => lookup_failed += 1,
                (false, _) => invalid += 1,
            }
            let text = if ctx.json {
                let mut line = serde_json::to_string(&report).map_err(|e| {
                    Failure(format!("cannot write the report as JSON: {e}. Please report this as a bug."))
                })?;
                line.push('\n');
                line
            } else {
                let mut text = if first { String::new() } else { "\n".to_owned() };
                text.push_str(&human(&report, &obs, ctx.painter));
                text
            };
            first = false;
            let mut write = || stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
            let written = match &progress {
                Some(bar) => bar.suspend(write),
                None => write(),
            };
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
                Err(e) => return Err(Failure(format!("cannot write the output: {e}."))),
                Ok(()) => {}
            }
            if let Some(bar) = &progress {
                bar.inc(1);
            }
        }
        if let Some(bar) = progress {
            bar.finish_and_clear();
            eprintln!("{valid} valid, {invalid} invalid or not deployed, {lookup_failed} lookup failed");
        }
        Ok(ExitCode::from(if invalid > 0 {
            1
        } else if lookup_failed > 0 {
            3
        } else {
            0
        }))
    })
}

/// Observes and evaluates each domain as `check` does, `concurrency` at a time, for commands that need the
/// live state of several domains at once (`report --live`); the reports come back in input order.
pub(crate) fn live_reports(fetch: &FetchArgs, domains: Vec<Domain>, concurrency: u16) -> Result<Vec<Report>, Failure> {
    runtime()?.block_on(async {
        let fetcher = Arc::new(fetch.fetcher()?);
        let now = crate::unix_now();
        observe_all(&fetcher, domains, concurrency, Some(now)).map(|r| r.map(|(_, report)| report)).try_collect().await
    })
}

fn human(report: &Report, obs: &Observations, p: Painter) -> String {
    let mut text = crate::commands::evaluate_human(report, obs, p);
    if let Some(certificate) = obs.policy.as_ref().and_then(|o| o.certificate.as_ref()) {
        let mut out = Out::default();
        out.blank();
        certificate_section(&mut out, p, certificate);
        // Keep the tally the last line, as in `evaluate`.
        let tally_at = text.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
        let tally = text.split_off(tally_at);
        text.truncate(text.trim_end_matches('\n').len() + 1);
        text.push_str(&out.0);
        text.push('\n');
        text.push_str(&tally);
    }
    text
}

fn certificate_section(out: &mut Out, p: Painter, certificate: &CertificateInfo) {
    out.line(p.paint(BOLD, "Policy host TLS"));
    if let Some(version) = &certificate.tls_version {
        out.line(format_args!("  {}  {}", p.paint(DIM, "version "), render::clean(version)));
    }
    for attempt in &certificate.addresses {
        let outcome = match &attempt.error {
            None => "reachable".to_owned(),
            Some(error) => format!("failed ({}: {})", error.class.as_str(), error.detail),
        };
        out.line(format_args!(
            "  {}  {} {}",
            p.paint(DIM, format!("{:<8}", attempt.family.as_str())),
            render::clean(&attempt.address),
            render::clean(&outcome)
        ));
    }
    for (i, cert) in certificate.chain.iter().enumerate() {
        let label = if i == 0 { "leaf    ".to_owned() } else { format!("chain {i:<2}") };
        out.line(format_args!("  {}  {}", p.paint(DIM, label), render::clean(&cert.subject)));
        out.line(format_args!("  {}  issuer {}", " ".repeat(8), render::clean(&cert.issuer)));
        if !cert.dns_names.is_empty() {
            out.line(format_args!("  {}  names {}", " ".repeat(8), render::clean(&cert.dns_names.join(", "))));
        }
        out.line(format_args!(
            "  {}  valid {} to {}",
            " ".repeat(8),
            mta_sts::civil::format_utc(cert.not_before),
            mta_sts::civil::format_utc(cert.not_after)
        ));
    }
}
