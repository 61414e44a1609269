//! `mta-sts preflight [DOMAIN] --policy FILE --record TXT`: check a draft before publishing it, with the
//! core's `preflight()` — on its own, or against the domain's live MX hosts, policy and record id, which
//! are observed over the network exactly as `check` observes them.
//!
//! Exit codes: 0 the draft is valid, 1 it is not, 2 usage or input error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mta_sts::Domain;
use mta_sts::finding::Category;
use mta_sts::preflight::{DiffLine, Draft, Preflight, preflight};

use crate::check::FetchArgs;
use crate::render::{self, BOLD, DIM, GREEN, Out, RED, Source};
use crate::{Ctx, Failure, commands, input};

#[derive(Args, Debug)]
pub(crate) struct PreflightArgs {
    /// The domain the draft is for; without it the draft is checked on its own, offline.
    #[arg(value_name = "DOMAIN")]
    domain: Option<String>,
    /// The draft policy file; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The draft `_mta-sts` TXT record, its strings joined (e.g. "v=STSv1; id=20261128000000;").
    #[arg(long, value_name = "TXT")]
    record: Option<String>,
    /// Do not look at the live domain: check the draft on its own.
    #[arg(long)]
    offline: bool,
    /// Check as of this Unix time instead of now: the fresh ids in fixes and, against a live domain, the
    /// certificate dates (expired, not yet valid, expiring soon); for reproducible output.
    #[arg(long, value_name = "UNIX_SECONDS", long_help = concat!("Check as of this Unix time instead of now: the fresh ids in fixes and, against a live domain, the certificate dates (expired, not yet valid, expiring soon); for reproducible output.", "\n\n", crate::fetch::now_clock_note!()))]
    now: Option<u64>,
    #[command(flatten)]
    fetch: FetchArgs,
}

pub(crate) fn run(args: &PreflightArgs, ctx: Ctx) -> ExitCode {
    match run_inner(args, ctx) {
        Ok(valid) => ExitCode::from(u8::from(!valid)),
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: &PreflightArgs, ctx: Ctx) -> Result<bool, Failure> {
    let domain = match &args.domain {
        Some(raw) => Some(Domain::parse(raw).map_err(|e| {
            Failure(format!("`{}` is not a usable domain: {}", render::clean(raw), render::clean(&e.reason)))
        })?),
        None => None,
    };
    if args.policy.is_none() && args.record.is_none() {
        return Err(Failure(
            "nothing to check: give the draft policy with --policy FILE, the draft record with --record TXT, or both."
                .to_owned(),
        ));
    }
    let policy = match &args.policy {
        Some(path) => {
            let path = (path.as_os_str() != "-").then_some(path.as_path());
            Some(input::read(path, "draft policy file")?.bytes)
        }
        None => None,
    };
    let now = args.now.unwrap_or_else(crate::unix_now);
    let draft = Draft { domain: domain.clone(), policy, record: args.record.as_deref().map(|r| r.trim().to_owned()) };
    let live = match domain.as_ref().filter(|_| !args.offline) {
        Some(domain) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
            let fetcher = args.fetch.fetcher()?;
            Some(runtime.block_on(fetcher.observe(&mta_sts::plan(domain), now)))
        }
        None => None,
    };
    let result = preflight(&draft, live.as_ref(), now);
    let text = if ctx.json {
        let mut json = serde_json::to_string(&result)
            .map_err(|e| Failure(format!("cannot write the result as JSON: {e}. Please report this as a bug.")))?;
        json.push('\n');
        json
    } else {
        human(&result, &draft, live.is_some(), ctx.painter)
    };
    crate::write_stdout(&text)?;
    Ok(result.valid)
}

fn human(result: &Preflight, draft: &Draft, live: bool, p: render::Painter) -> String {
    let mut out = Out::default();
    let errors = result.findings.iter().filter(|f| f.severity == mta_sts::Severity::Error).count();
    let headline = if result.valid {
        "the draft passes: no errors".to_owned()
    } else {
        format!("the draft has {errors} error{}", if errors == 1 { "" } else { "s" })
    };
    out.line(format_args!(
        "{} · {} · {}",
        p.verdict(result.valid),
        p.paint(BOLD, render::clean(result.domain.as_deref().filter(|_| live).unwrap_or("draft"))),
        p.paint(if result.valid { BOLD } else { RED }, headline)
    ));
    out.line(if live {
        format!(
            "Checked against the MX hosts, policy and record live at {} now.",
            render::clean(result.domain.as_deref().unwrap_or_default())
        )
    } else {
        "Checked on its own: give the domain to compare with what is live.".to_owned()
    });
    if let Some(policy) = &result.policy {
        let mx: Vec<String> = policy.mx.iter().map(ToString::to_string).collect();
        out.blank();
        out.line(format_args!(
            "  {}  mode {}, max_age {}, mx {}",
            p.paint(DIM, "policy"),
            policy.mode.as_str(),
            render::duration(policy.max_age),
            render::clean(&mx.join(", "))
        ));
    }

    let body = draft.policy.as_deref().map(|b| Source::new("draft policy", b, true));
    let record = draft.record.as_deref().map(|r| Source::new("draft record", r.as_bytes(), false));
    for f in &result.findings {
        out.blank();
        let source = match f.code.category() {
            Category::Record => record.as_ref(),
            Category::PolicyFile | Category::PolicyHost => body.as_ref(),
            Category::Mx | Category::Tlsrpt | Category::Dns => None,
        };
        render::finding(&mut out, p, "  ", f, source);
    }
    if !result.mx.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Live MX hosts against the draft"));
        commands::mx_table(&mut out, p, &result.mx, result.policy.is_some());
    }
    if !result.diff.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Live policy → draft"));
        for line in &result.diff {
            match line {
                DiffLine::Same(text) => out.line(format_args!("    {}", render::clean(text))),
                DiffLine::Added(text) => out.line(p.paint(GREEN, format!("  + {}", render::clean(text)))),
                DiffLine::Removed(text) => out.line(p.paint(RED, format!("  - {}", render::clean(text)))),
            }
        }
    }
    if !result.senders.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Senders: live now → once the draft is published"));
        senders_change(&mut out, p, result);
    }
    out.blank();
    out.line(p.paint(DIM, commands::tally(&result.findings)));
    out.0
}

/// One line per sender, its outcome now and with the draft; the senders whose outcome changes get why.
fn senders_change(out: &mut Out, p: render::Painter, result: &Preflight) {
    let width = result.senders.iter().map(|s| s.name.chars().count()).max().unwrap_or(0).max("SENDER".len());
    out.line(p.paint(DIM, format!("  {:width$}  {:<10}    DRAFT", "SENDER", "LIVE")));
    let mut changed = Vec::new();
    for after in &result.senders {
        let before = result.senders_live.iter().find(|s| s.id == after.id).map_or("—", |s| s.outcome.as_str());
        let arrow = if before == after.outcome.as_str() { "  " } else { "→ " };
        let shown = if before == after.outcome.as_str() {
            after.outcome.as_str().to_owned()
        } else {
            changed.push(after);
            p.paint(BOLD, after.outcome.as_str())
        };
        out.line(format_args!("  {:width$}  {before:<10}  {arrow}{shown}", render::clean(&after.name)));
    }
    for s in changed {
        out.blank();
        out.line(format_args!("  {}", p.paint(BOLD, render::clean(&s.name))));
        if !s.mx_refused.is_empty() {
            out.line(format_args!("    - refuses {}", render::clean(&s.mx_refused.join(", "))));
        }
        for note in &s.notes {
            out.line(format_args!("    - {}", render::clean(note)));
        }
    }
}
