//! `mta-sts history DOMAIN --db FILE`: a domain's timeline from the monitor's database: each record id
//! and policy body with when it was first and last seen, and each run with the changes it found.
//! `--json` prints the same object as `GET /api/history?domain=` of `mta-sts serve --db`.

use std::path::PathBuf;

use clap::Args;
use mta_sts::Domain;

use crate::render::{self, BOLD, DIM, Out};
use crate::store::{History, Store};
use crate::{Ctx, Done, Failure};

#[derive(Args, Debug)]
pub(crate) struct HistoryArgs {
    /// The domain, as `monitor` was given it.
    domain: String,
    /// The database `mta-sts monitor --db` wrote.
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
}

/// The domain's history from the database at `db`; `Ok(None)` when it has no run.
pub(crate) fn load(db: &std::path::Path, domain: &Domain) -> Result<Option<History>, Failure> {
    let store = Store::open_read_only(db)?;
    store.history(domain.as_str()).map_err(|e| {
        Failure(format!("cannot read the history from {}: {e}.", render::clean(&db.display().to_string())))
    })
}

/// The sentence for a domain without runs (the CLI's error and the API's 404).
pub(crate) fn no_history(domain: &Domain) -> String {
    format!("the database has no run of {}; run `mta-sts monitor` on it first.", domain.as_str())
}

pub(crate) fn history(args: &HistoryArgs, ctx: Ctx) -> Result<Done, Failure> {
    let domain = Domain::parse(&args.domain)
        .map_err(|e| Failure(format!("{} is not a domain: {}", render::clean(&args.domain), e.reason)))?;
    let history = load(&args.db, &domain)?.ok_or_else(|| Failure(no_history(&domain)))?;
    let stdout = if ctx.json {
        let mut text = serde_json::to_string(&history)
            .map_err(|e| Failure(format!("cannot write the history as JSON: {e}. Please report this as a bug.")))?;
        text.push('\n');
        text
    } else {
        human(&history, ctx)
    };
    Ok(Done { stdout, valid: true })
}

fn human(history: &History, ctx: Ctx) -> String {
    let p = ctx.painter;
    let time = mta_sts::civil::format_utc;
    let mut out = Out::default();
    out.line(p.paint(BOLD, format_args!("{}: {} runs", history.domain, history.runs.len())));
    out.blank();
    out.line(p.paint(BOLD, "Published policies"));
    for policy in &history.policies {
        out.line(format_args!(
            "  id {}  {} to {} ({} runs)",
            render::clean(policy.record_id.as_deref().unwrap_or("(none)")),
            time(policy.first_seen),
            time(policy.last_seen),
            policy.runs
        ));
        if let Some(body) = &policy.body {
            for line in body.lines() {
                out.line(format_args!("      {}", p.paint(DIM, render::clean(line))));
            }
        }
    }
    out.blank();
    out.line(p.paint(BOLD, "Runs"));
    for run in &history.runs {
        out.line(format_args!(
            "  {}  {}  id {}",
            time(run.checked_at),
            run.verdict,
            render::clean(run.record_id.as_deref().unwrap_or("(none)"))
        ));
        for change in &run.changes {
            out.line(format_args!(
                "      {} {}  {}",
                change.severity.as_str(),
                change.code,
                render::clean(&change.message)
            ));
        }
    }
    out.0
}
