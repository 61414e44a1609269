//! `mta-sts report FILE...`: read TLS-RPT aggregate reports (RFC 8460 §4) from files, gzip files or
//! emails, and sum them up. The core reads; this file only reads the files and renders.
//!
//! With `--live`, each `sts` policy domain is observed as `mta-sts check` observes it, and the policy each
//! sender applied is compared with the live one by the core ([`ReportSet::compare_with_check`]).
//!
//! Exit status: 0 = every file read and no failed session, 1 = failed sessions reported, 2 = a file could
//! not be read (the others are still in the output). A sender that applied an older policy does not change
//! it: that is history, not a failure now.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use mta_sts::Domain;
use mta_sts::report::{FileRead, LiveComparison, ReportSet, read_files};
use serde_json::Value;

use crate::check::{FetchArgs, live_reports};
use crate::render::{BOLD, DIM, GREEN, Out, Painter, RED, YELLOW, clean};
use crate::{Ctx, Failure, input, write_stdout};

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// Report files: `.json`, `.json.gz`, or the email (`.eml`) a report came in; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Compare the policy each sender applied (its reports' `policy-string`) with the policy live at each
    /// policy domain now, fetched as `mta-sts check` fetches it.
    #[arg(long)]
    live: bool,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// How many policy domains are observed at once with `--live`, as `check` does by default.
const LIVE_CONCURRENCY: u16 = 16;

pub(crate) fn run(args: &ReportArgs, ctx: Ctx) -> ExitCode {
    let (set, code) = read(&args.files);
    let stdout = (if args.live { live(&set, &args.fetch).map(Some) } else { Ok(None) }).and_then(|live| {
        if ctx.json { json(&set, live.as_deref()) } else { Ok(human(&set, live.as_deref(), ctx.painter)) }
    });
    match stdout.and_then(|s| write_stdout(&s)) {
        Ok(()) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Reads every file; one that cannot be opened is listed with its error, in its place, and the others are
/// still read.
fn read(paths: &[PathBuf]) -> (ReportSet, u8) {
    let mut inputs = Vec::new();
    let mut unreadable = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let stdin = path.as_path() == Path::new("-");
        match input::read(if stdin { None } else { Some(path) }, "TLS-RPT report") {
            Ok(read) => inputs.push((read.label, read.bytes)),
            Err(Failure(message)) => unreadable.push((i, input::label(Some(path)), message)),
        }
    }
    let borrowed: Vec<(String, &[u8])> = inputs.iter().map(|(n, b)| (n.clone(), b.as_slice())).collect();
    let mut set = read_files(&borrowed);
    for (i, file, message) in unreadable {
        set.files.insert(i, FileRead { file, reports: 0, error: Some(message) });
    }
    let code = if set.files.iter().any(|f| f.error.is_some()) { 2 } else { u8::from(set.has_failures()) };
    (set, code)
}

/// Each `sts` policy domain's reports against its live policy. A domain a reporter wrote that is not a
/// domain name cannot be observed, and is compared with no live policy.
fn live(set: &ReportSet, fetch: &FetchArgs) -> Result<Vec<LiveComparison>, Failure> {
    let names = set.sts_policy_domains();
    let domains: Vec<Domain> = names.iter().filter_map(|n| Domain::parse(n).ok()).collect();
    let mut checked = live_reports(fetch, domains, LIVE_CONCURRENCY)?.into_iter();
    Ok(names
        .iter()
        .map(|name| match Domain::parse(name) {
            Ok(_) => checked.next().map_or_else(|| set.compare_live(name, None, None), |r| set.compare_with_check(&r)),
            Err(_) => set.compare_live(name, None, None),
        })
        .collect())
}

fn json(set: &ReportSet, live: Option<&[LiveComparison]>) -> Result<String, Failure> {
    let bug =
        |e: serde_json::Error| Failure(format!("cannot write the JSON output: {e}. Please report this as a bug."));
    let mut value = serde_json::to_value(set).map_err(bug)?;
    if let Value::Object(map) = &mut value {
        map.insert("kind".to_owned(), Value::from("report"));
        // The sums the /reports page shows, from the same core function.
        map.insert("summary".to_owned(), serde_json::to_value(set.summary()).map_err(bug)?);
        // Only with --live: one entry per `sts` policy domain.
        if let Some(live) = live {
            map.insert("live".to_owned(), serde_json::to_value(live).map_err(bug)?);
        }
    }
    let mut out = serde_json::to_string(&value).map_err(bug)?;
    out.push('\n');
    Ok(out)
}

fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human(set: &ReportSet, live: Option<&[LiveComparison]>, p: Painter) -> String {
    let mut out = Out::default();
    let failed_files = set.files.iter().filter(|f| f.error.is_some()).count();
    let headline = format!(
        "{} and {} in {} from {}",
        plural(set.totals.successful, "successful TLS session", "successful TLS sessions"),
        plural(set.totals.failed, "failed", "failed"),
        plural(set.reports.len() as u64, "report", "reports"),
        plural(set.files.len() as u64, "file", "files"),
    );
    let mark = if failed_files > 0 {
        p.paint(RED, "✖")
    } else if set.has_failures() {
        p.paint(YELLOW, "⚠")
    } else {
        p.paint(GREEN, "✔")
    };
    out.line(format_args!("{mark} {}", p.paint(BOLD, headline)));

    out.blank();
    out.line(p.paint(BOLD, "Files"));
    for file in &set.files {
        match &file.error {
            None => out.line(format_args!(
                "  {} {}  {}",
                p.paint(GREEN, "✔"),
                clean(&file.file),
                p.paint(DIM, plural(file.reports as u64, "report", "reports"))
            )),
            Some(error) => out.line(format_args!("  {} {}", p.paint(RED, "✖"), clean(error))),
        }
    }

    summary_sections(&mut out, &set.summary(), p);

    if !set.reports.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Reports"));
        for report in &set.reports {
            let (ok, failed) = report
                .policies
                .iter()
                .fold((0u64, 0u64), |(o, f), p| (o.saturating_add(p.successful), f.saturating_add(p.failed)));
            out.line(format_args!(
                "  {}  {}  {} → {}  {ok} successful, {failed} failed",
                clean(&report.organization),
                p.paint(DIM, clean(&report.report_id)),
                clean(&report.start),
                clean(&report.end),
            ));
        }
    }

    if let Some(live) = live {
        out.blank();
        out.line(p.paint(BOLD, "Against the live policy"));
        if live.is_empty() {
            out.line(format_args!("  {}", p.paint(DIM, "No report has an sts policy domain to compare.")));
        }
        for comparison in live {
            let older = comparison.senders.iter().any(|s| !s.same);
            let mark = if comparison.live.is_none() || older { p.paint(YELLOW, "⚠") } else { p.paint(GREEN, "✔") };
            out.line(format_args!("  {mark} {}", clean(&comparison.sentence)));
            for sender in &comparison.senders {
                let mark = if sender.same { p.paint(GREEN, "✔") } else { p.paint(YELLOW, "⚠") };
                out.line(format_args!("    {mark} {}", clean(&sender.sentence)));
            }
        }
    }

    if !set.notes.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Notes"));
        for note in &set.notes {
            out.line(format_args!("  • {}", clean(note)));
        }
    }
    out.0
}

/// The same sums, in the same order, as the /reports page (`ReportSet::summary`).
fn summary_sections(out: &mut Out, summary: &mta_sts::report::Summary, p: Painter) {
    let sections: [(&str, &[mta_sts::report::summary::Row]); 3] = [
        ("Per day (UTC)", &summary.days),
        ("Per policy domain", &summary.domains),
        ("Per reporter", &summary.reporters),
    ];
    for (title, rows) in sections {
        if rows.is_empty() {
            continue;
        }
        out.blank();
        out.line(p.paint(BOLD, title));
        let labels: Vec<String> = rows.iter().map(|r| clean(&r.label)).collect();
        let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        for (label, row) in labels.iter().zip(rows) {
            let failed = format!("{} failed", row.failed);
            let failed = if row.failed == 0 { p.paint(DIM, failed) } else { p.paint(RED, failed) };
            out.line(format_args!("  {label:width$}  {} successful, {failed}", row.successful));
        }
    }

    if !summary.mx_hosts.is_empty() || summary.failures_without_mx_host > 0 {
        out.blank();
        out.line(p.paint(BOLD, "MX hosts"));
        let width = summary.mx_hosts.iter().map(|m| clean(&m.host).chars().count()).max().unwrap_or(0);
        for mx in &summary.mx_hosts {
            let listed = if mx.in_policy { "in the policy" } else { "not in any policy's mx-host" };
            let types = if mx.result_types.is_empty() {
                String::new()
            } else {
                format!(" ({})", clean(&mx.result_types.join(", ")))
            };
            out.line(format_args!(
                "  {:width$}  {} failed{types}  {}",
                clean(&mx.host),
                mx.failed,
                p.paint(DIM, listed)
            ));
        }
        if summary.failures_without_mx_host > 0 {
            out.line(format_args!(
                "  {}",
                p.paint(DIM, format!("{} failed sessions name no receiving MX host", summary.failures_without_mx_host))
            ));
        }
    }

    if !summary.result_types.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Failures by result type (RFC 8460 §4.3)"));
        let width = summary.result_types.iter().map(|r| clean(&r.name).chars().count()).max().unwrap_or(0);
        let count_width = summary.result_types.iter().map(|r| r.count.to_string().len()).max().unwrap_or(0);
        for row in &summary.result_types {
            out.line(format_args!(
                "  {:width$}  {:>count_width$}  {}",
                clean(&row.name),
                row.count,
                p.paint(DIM, &row.explanation)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mta_sts::report::ResultType;

    #[test]
    fn every_result_type_has_a_line_in_the_human_output() {
        let report = serde_json::json!({
            "organization-name": "R", "report-id": "1",
            "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.com"},
                          "summary": {"total-successful-session-count": 1, "total-failure-session-count": 11},
                          "failure-details": ResultType::KNOWN.iter()
                              .map(|t| serde_json::json!({"result-type": t.as_str(), "failed-session-count": 1}))
                              .collect::<Vec<_>>()}]
        });
        let bytes = serde_json::to_vec(&report).unwrap();
        let set = read_files(&[("r.json".to_owned(), bytes.as_slice())]);
        let text = human(&set, None, Painter { color: false });
        for t in ResultType::KNOWN {
            assert!(text.contains(&t.explain()), "{t}: {text}");
        }
    }
}
