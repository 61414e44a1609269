//! The commands. Each returns what to print and whether the input is valid; the core decides validity.

use std::ffi::OsString;
use std::path::PathBuf;

use mta_sts::evaluate::MxHost;
use mta_sts::finding::Category;
use mta_sts::generate::{GenerateInput, Generated, WildcardSuggestion};
use mta_sts::observe::PolicyResult;
use mta_sts::plan::ProbeKind;
use mta_sts::senders::{Outcome, SenderOutcome};
use mta_sts::{Domain, Finding, Mode, Observations, Policy, Report, Severity, StsRecord, TlsRptRecord};
use serde_json::{Value, json};

use crate::render::{self, BOLD, CYAN, DIM, GREEN, Out, Painter, RED, Source, YELLOW};
use crate::{Ctx, Done, Failure, input};

/// Says how many findings were left out of the human output, and where to find them.
fn more(out: &mut Out, p: Painter, total: usize) {
    if total > SHOWN_FINDINGS {
        out.blank();
        out.line(
            p.paint(BOLD, format!("… and {} more findings; run with --json to see them all.", total - SHOWN_FINDINGS)),
        );
    }
}

pub(crate) fn json_done(value: &Value, valid: bool) -> Result<Done, Failure> {
    let mut stdout = serde_json::to_string(value)
        .map_err(|e| Failure(format!("cannot write the JSON output: {e}. Please report this as a bug.")))?;
    stdout.push('\n');
    Ok(Done { stdout, valid })
}

/// `2 errors, 1 warning, 0 info`, or a plain "no findings".
pub(crate) fn tally(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings".to_owned();
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (e, w, i) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    format!("{e} error{}, {w} warning{}, {i} info", if e == 1 { "" } else { "s" }, if w == 1 { "" } else { "s" })
}

/// Aligned `name  value` rows; a row with several values continues on the following lines.
fn rows(out: &mut Out, p: Painter, rows: &[(&str, Vec<String>)]) {
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, values) in rows {
        for (i, value) in values.iter().enumerate() {
            let label = if i == 0 { *name } else { "" };
            out.line(format_args!("  {}  {}", p.paint(DIM, format!("{label:width$}")), render::clean(value)));
        }
    }
}

fn extensions(list: &[(String, String)]) -> Vec<String> {
    list.iter().map(|(name, value)| format!("{name}={value}")).collect()
}

/// One source per record of a record set.
fn rrset_sources(records: &[Vec<u8>]) -> Vec<Source<'_>> {
    let single = records.len() == 1;
    records
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            Source::new(if single { "record".to_owned() } else { format!("record {}", i + 1) }, bytes, false)
        })
        .collect()
}

/// The record a finding about a record set points into: the one it names, or the only one there is.
fn rrset_source<'s, 'a>(sources: &'s [Source<'a>], f: &Finding) -> Option<&'s Source<'a>> {
    let index = f.record_index.or(if sources.len() == 1 { Some(0) } else { None })?;
    sources.get(index)
}

/// Human output shows this many findings; a garbage input can produce tens of thousands.
const SHOWN_FINDINGS: usize = 100;

/// The shared layout of the `parse` commands: verdict line, value, findings, tally.
fn parse_human<'a>(
    ctx: Ctx,
    title: &str,
    valid: bool,
    value_rows: &[(&str, Vec<String>)],
    findings: &[Finding],
    source: impl Fn(&Finding) -> Option<&'a Source<'a>>,
) -> Done {
    let p = ctx.painter;
    let mut out = Out::default();
    out.line(format_args!("{} {}", p.verdict(valid), p.paint(BOLD, title)));
    if value_rows.is_empty() {
        out.line(p.paint(DIM, "  nothing a sender could use"));
    }
    rows(&mut out, p, value_rows);
    for f in findings.iter().take(SHOWN_FINDINGS) {
        out.blank();
        render::finding(&mut out, p, "", f, source(f));
    }
    more(&mut out, p, findings.len());
    out.blank();
    out.line(p.paint(DIM, tally(findings)));
    Done { stdout: out.0, valid }
}

pub(crate) fn parse_record(args: &[OsString], ctx: Ctx) -> Result<Done, Failure> {
    let records = input::records(args, "_mta-sts TXT record")?;
    let parsed = StsRecord::parse_rrset(&records);
    let valid = parsed.valid();
    if ctx.json {
        let value =
            parsed.value.as_ref().map(|r| json!({"version": r.version, "id": r.id, "extensions": r.extensions}));
        return json_done(
            &json!({"kind": "record", "valid": valid, "value": value, "findings": parsed.findings}),
            valid,
        );
    }
    let value_rows = match &parsed.value {
        Some(r) => vec![
            ("version", vec![r.version.clone()]),
            ("id", vec![r.id.clone()]),
            ("extensions", extensions(&r.extensions)),
        ],
        None => Vec::new(),
    };
    let title = format!("MTA-STS record ({} TXT record{})", records.len(), if records.len() == 1 { "" } else { "s" });
    let sources = rrset_sources(&records);
    Ok(parse_human(ctx, &title, valid, &value_rows, &parsed.findings, |f| rrset_source(&sources, f)))
}

pub(crate) fn parse_tlsrpt(args: &[OsString], ctx: Ctx) -> Result<Done, Failure> {
    let records = input::records(args, "_smtp._tls TXT record")?;
    let parsed = TlsRptRecord::parse_rrset(&records);
    let valid = parsed.valid();
    if ctx.json {
        let value =
            parsed.value.as_ref().map(|r| json!({"version": r.version, "rua": r.rua, "extensions": r.extensions}));
        return json_done(
            &json!({"kind": "tlsrpt", "valid": valid, "value": value, "findings": parsed.findings}),
            valid,
        );
    }
    let value_rows = match &parsed.value {
        Some(r) => vec![
            ("version", vec![r.version.clone()]),
            ("rua", r.rua.clone()),
            ("extensions", extensions(&r.extensions)),
        ],
        None => Vec::new(),
    };
    let title = format!("TLS-RPT record ({} TXT record{})", records.len(), if records.len() == 1 { "" } else { "s" });
    let sources = rrset_sources(&records);
    Ok(parse_human(ctx, &title, valid, &value_rows, &parsed.findings, |f| rrset_source(&sources, f)))
}

fn mode_str(mode: Mode) -> &'static str {
    match mode {
        Mode::Enforce => "enforce",
        Mode::Testing => "testing",
        Mode::None => "none",
    }
}

fn policy_rows(policy: &Policy) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("version", vec![policy.version.clone()]),
        ("mode", vec![mode_str(policy.mode).to_owned()]),
        ("max_age", vec![render::duration(policy.max_age)]),
        ("mx", policy.mx.iter().map(ToString::to_string).collect()),
        ("extensions", extensions(&policy.extensions)),
    ]
}

pub(crate) fn parse_policy(file: Option<&PathBuf>, ctx: Ctx) -> Result<Done, Failure> {
    let body = input::read(file.map(PathBuf::as_path), "policy file")?;
    let parsed = Policy::parse(&body.bytes);
    let valid = parsed.valid();
    if ctx.json {
        let value = parsed.value.as_ref().map(|p| {
            let mx: Vec<String> = p.mx.iter().map(ToString::to_string).collect();
            json!({"version": p.version, "mode": mode_str(p.mode), "max_age": p.max_age, "mx": mx, "extensions": p.extensions})
        });
        return json_done(
            &json!({"kind": "policy", "valid": valid, "value": value, "findings": parsed.findings}),
            valid,
        );
    }
    let value_rows = match &parsed.value {
        Some(policy) => policy_rows(policy),
        None => Vec::new(),
    };
    let title = format!("MTA-STS policy ({})", body.label);
    let source = Source::new(body.label.clone(), &body.bytes, true);
    Ok(parse_human(ctx, &title, valid, &value_rows, &parsed.findings, |_| Some(&source)))
}

pub(crate) fn match_host(pattern: &str, host: &str, ctx: Ctx) -> Result<Done, Failure> {
    let matched = mta_sts::mx::matches(pattern, host).map_err(|e| {
        Failure(format!(
            "`{}` is not a valid mx pattern: {}. Give a host name such as mail.example.com, or a wildcard such as \
             *.example.com.",
            render::clean(pattern),
            render::clean(&e.reason())
        ))
    })?;
    if ctx.json {
        return json_done(&json!({"kind": "match", "pattern": pattern, "host": host, "matches": matched}), matched);
    }
    Ok(Done { stdout: format!("{matched}\n"), valid: matched })
}

fn observations_error(label: &str, e: &serde_json::Error) -> Failure {
    use serde_json::error::Category;
    Failure(match e.classify() {
        Category::Io => {
            format!("cannot read {label}: {e}. Give the path of the observations file, or - to read standard input.")
        }
        Category::Eof => format!(
            "{label} ends before its JSON does ({e}). The file looks cut short: give the complete Observations JSON."
        ),
        Category::Syntax => format!(
            "{label} is not valid JSON: {e}. Give the Observations JSON that a check recorded, or - to read standard \
             input."
        ),
        Category::Data => format!(
            "{label} is JSON, but not Observations: {e}. Give an object with `domain`, `dns` (one entry per DNS probe) \
             and optionally `policy`, as a check records it."
        ),
    })
}

pub(crate) fn evaluate(file: Option<&PathBuf>, now: u64, ctx: Ctx) -> Result<Done, Failure> {
    let raw = input::read(file.map(PathBuf::as_path), "observations file")?;
    let obs: Observations = serde_json::from_slice(&raw.bytes).map_err(|e| observations_error(&raw.label, &e))?;
    let report = mta_sts::evaluate(&obs, now).map_err(|e| {
        Failure(format!(
            "cannot evaluate {}: {e}. Give observations recorded for a valid domain, such as example.com.",
            input::label(file)
        ))
    })?;
    if ctx.json {
        let value = serde_json::to_value(&report)
            .map_err(|e| Failure(format!("cannot write the report as JSON: {e}. Please report this as a bug.")))?;
        return json_done(&value, report.valid);
    }
    Ok(Done { stdout: evaluate_human(&report, &obs, ctx.painter), valid: report.valid })
}

/// The TXT records of one probe, in the order the core parsed them, so `record_index` points right.
fn txt_records(report: &Report, probe: ProbeKind) -> Vec<Vec<u8>> {
    report
        .evidence
        .dns
        .iter()
        .find(|e| e.probe == probe)
        .and_then(|e| e.response.as_ref())
        .map(mta_sts::dns::DnsResponse::txt_records)
        .unwrap_or_default()
}

pub(crate) fn evaluate_human(report: &Report, obs: &Observations, p: Painter) -> String {
    let mut out = Out::default();
    let verdict_style = if report.valid { BOLD } else { RED };
    out.line(format_args!(
        "{} · {} · {}",
        p.verdict(report.valid),
        p.paint(BOLD, render::clean(&report.domain)),
        p.paint(verdict_style, format!("verdict: {}", report.verdict.as_str()))
    ));
    out.line(render::clean(&report.summary));

    let mut summary_rows = Vec::new();
    if let Some(record) = &report.record {
        summary_rows.push(("record", vec![record.to_text()]));
    }
    if let Some(policy) = &report.policy {
        let mx: Vec<String> = policy.mx.iter().map(ToString::to_string).collect();
        summary_rows.push((
            "policy",
            vec![format!(
                "mode {}, max_age {}, mx {}",
                mode_str(policy.mode),
                render::duration(policy.max_age),
                mx.join(", ")
            )],
        ));
    }
    if let Some(tlsrpt) = &report.tlsrpt {
        summary_rows.push(("tls-rpt", vec![format!("rua {}", tlsrpt.rua.join(", "))]));
    }
    if !summary_rows.is_empty() {
        out.blank();
        rows(&mut out, p, &summary_rows);
    }

    let sts = txt_records(report, ProbeKind::StsRecord);
    let sts = rrset_sources(&sts);
    let tlsrpt = txt_records(report, ProbeKind::TlsrptRecord);
    let tlsrpt = rrset_sources(&tlsrpt);
    let body = match obs.policy.as_ref().map(|o| &o.result) {
        Some(PolicyResult::Response { body, .. }) => Some(Source::new("policy", body, true)),
        _ => None,
    };
    let mut shown = 0;
    for checks in mta_sts::checks::by_category(report) {
        if checks.findings.is_empty() || shown >= SHOWN_FINDINGS {
            continue;
        }
        out.blank();
        out.line(p.paint(BOLD, checks.category.title()));
        for (n, f) in checks.findings.iter().take(SHOWN_FINDINGS - shown).enumerate() {
            if n > 0 {
                out.blank();
            }
            let source = match f.code.category() {
                Category::Record => rrset_source(&sts, f),
                Category::Tlsrpt => rrset_source(&tlsrpt, f),
                Category::PolicyFile | Category::PolicyHost => body.as_ref(),
                Category::Mx | Category::Dns => None,
            };
            render::finding(&mut out, p, "  ", f, source);
            shown += 1;
        }
    }
    more(&mut out, p, report.findings.len());

    if !report.mx.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "MX hosts"));
        mx_table(&mut out, p, &report.mx, report.policy.as_ref().is_some_and(|policy| policy.mode != Mode::None));
    }
    if !report.senders.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "Senders"));
        senders_table(&mut out, p, &report.senders);
    }
    out.blank();
    out.line(p.paint(DIM, tally(&report.findings)));
    out.0
}

/// What each modelled sender would do: one line each, then the why of every sender that departs from the
/// RFC reference (the first row) or would refuse MX hosts. `--json` has every note and source.
pub(crate) fn senders_table(out: &mut Out, p: Painter, senders: &[SenderOutcome]) {
    let name_width = senders.iter().map(|s| s.name.chars().count()).max().unwrap_or(0).max("SENDER".len());
    out.line(p.paint(DIM, format!("  {:name_width$}  {:<10}  BECAUSE", "SENDER", "OUTCOME")));
    let reference = senders.first().map(|s| s.outcome);
    for s in senders {
        let style = match s.outcome {
            Outcome::Enforce | Outcome::Dane => GREEN,
            Outcome::Testing | Outcome::None => YELLOW,
            Outcome::NoPolicy | Outcome::MailFails => RED,
        };
        let mut because: Vec<String> = s.because.iter().map(|c| c.as_str().to_owned()).collect();
        if !s.mx_refused.is_empty() {
            because.push(format!("refuses {}", s.mx_refused.join(", ")));
        }
        out.line(format_args!(
            "  {:name_width$}  {}  {}",
            render::clean(&s.name),
            p.paint(style, format!("{:<10}", s.outcome.as_str())),
            render::clean(&because.join("; "))
        ));
    }
    for s in senders.iter().skip(1).filter(|s| Some(s.outcome) != reference || s.outcome == Outcome::MailFails) {
        out.blank();
        out.line(format_args!("  {}", p.paint(BOLD, render::clean(&s.name))));
        for note in &s.notes {
            out.line(format_args!("    - {}", render::clean(note)));
        }
        if let Some(source) = s.sources.first() {
            out.line(format_args!("    {} {}", p.paint(CYAN, "= source:"), render::clean(source)));
        }
    }
}

pub(crate) fn mx_table(out: &mut Out, p: Painter, hosts: &[MxHost], policy_applies: bool) {
    let host_width = hosts.iter().map(|h| h.host.chars().count()).max().unwrap_or(0).max("HOST".len());
    out.line(p.paint(DIM, format!("  {:host_width$}  {:>10}  PATTERN", "HOST", "PREFERENCE")));
    for h in hosts {
        let pattern = match (&h.pattern, policy_applies) {
            (Some(pattern), _) => render::clean(pattern),
            (None, true) => p.paint(RED, "not covered"),
            (None, false) => p.paint(DIM, "no policy applies"),
        };
        let implicit = match (&h.provider, h.implicit) {
            (_, true) => p.paint(DIM, " (implicit: the domain has no MX records)"),
            (Some(provider), false) => p.paint(DIM, format!(" ({})", render::clean(provider))),
            (None, false) => String::new(),
        };
        let dane = match h.tlsa {
            None => String::new(),
            Some(t) if t.in_force() => p.paint(GREEN, "  DANE: TLSA, DNSSEC-validated"),
            Some(t) if !t.validated => p.paint(YELLOW, "  DANE: TLSA not DNSSEC-validated, unused"),
            Some(_) => p.paint(YELLOW, "  DANE: no TLSA record usable for mail"),
        };
        out.line(format_args!(
            "  {:host_width$}  {:>10}  {pattern}{implicit}{dane}",
            render::clean(&h.host),
            h.preference
        ));
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum ModeArg {
    /// Senders report failures but still deliver: start here.
    Testing,
    /// Senders deliver only over TLS to a listed MX host.
    Enforce,
    /// Withdraws the policy.
    None,
}

#[derive(clap::Args)]
pub(crate) struct GenerateArgs {
    /// The domain that receives the mail, e.g. example.com.
    #[arg(long)]
    domain: String,
    #[arg(long, value_enum)]
    mode: ModeArg,
    /// An MX host name or `*.` pattern; repeat for each MX host.
    #[arg(long = "mx", value_name = "HOST")]
    mx: Vec<String>,
    /// How long senders cache the policy, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = mta_sts::generate::MAX_AGE_ONE_WEEK)]
    max_age: u32,
    /// Where TLS reports go: an e-mail address, a mailto: URI or an https: URL (default: tlsrpt@DOMAIN).
    #[arg(long, value_name = "URI")]
    rua: Option<String>,
    /// Make the record id from this Unix time instead of now (for reproducible output).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,
}

pub(crate) fn generate(args: &GenerateArgs, ctx: Ctx) -> Result<Done, Failure> {
    let (domain, notes) = Domain::parse_with_notes(&args.domain).map_err(|e| {
        Failure(format!(
            "`{}` is not a usable domain: {}. Give the domain that receives the mail, such as example.com.",
            render::clean(&args.domain),
            render::clean(&e.reason)
        ))
    })?;
    let mode = match args.mode {
        ModeArg::Testing => Mode::Testing,
        ModeArg::Enforce => Mode::Enforce,
        ModeArg::None => Mode::None,
    };
    let request = GenerateInput {
        domain: domain.clone(),
        mode,
        mx: args.mx.clone(),
        max_age: args.max_age,
        rua: args.rua.clone(),
    };
    let generated = mta_sts::generate::generate(&request, args.now.unwrap_or_else(crate::unix_now))
        .map_err(|e| Failure(format!("cannot generate the records: {}.", render::clean(&e.to_string()))))?;
    let suggestions = mta_sts::generate::suggest_wildcards(&args.mx);
    let findings = generated.findings.clone();
    let valid = !findings.iter().any(|f| f.severity == Severity::Error);
    if ctx.json {
        let Generated {
            policy_url,
            policy,
            sts_record_name,
            sts_record,
            tlsrpt_record_name,
            tlsrpt_record,
            notes: more_notes,
            findings: _,
        } = &generated;
        let notes: Vec<&String> = notes.iter().chain(more_notes).collect();
        return json_done(
            &json!({
                "kind": "generate", "valid": valid, "domain": domain.as_str(), "notes": notes,
                "suggestions": suggestions,
                "policy_url": policy_url, "policy": policy,
                "sts_record_name": sts_record_name, "sts_record": sts_record,
                "tlsrpt_record_name": tlsrpt_record_name, "tlsrpt_record": tlsrpt_record,
                "findings": findings,
            }),
            valid,
        );
    }
    let human = generate_human(&generated, &domain, mode, &notes, &suggestions, &findings, valid, ctx.painter);
    Ok(Done { stdout: human, valid })
}

fn indented(out: &mut Out, text: &str) {
    for line in text.lines() {
        out.line(format_args!("      {}", render::clean(line)));
    }
}

#[allow(clippy::too_many_arguments, reason = "one call site; the pieces of one output")]
fn generate_human(
    g: &Generated,
    domain: &Domain,
    mode: Mode,
    notes: &[String],
    suggestions: &[WildcardSuggestion],
    findings: &[Finding],
    valid: bool,
    p: Painter,
) -> String {
    let d = domain.as_str();
    let mut out = Out::default();
    out.line(format_args!(
        "{} {}",
        p.verdict(valid),
        p.paint(BOLD, format!("MTA-STS for {d}, mode {}", mode_str(mode)))
    ));
    for note in notes.iter().chain(&g.notes) {
        out.line(p.paint(DIM, format!("note: {}", render::clean(note))));
    }
    out.blank();
    out.line(format_args!("1. Publish this file at {} (CRLF line endings):", p.paint(BOLD, &g.policy_url)));
    out.blank();
    indented(&mut out, &g.policy);
    out.blank();
    out.line(format_args!(
        "   Serve it over HTTPS with a certificate valid for mta-sts.{d}, as Content-Type: text/plain, without \
         redirects (RFC 8461 §3.3)."
    ));
    out.blank();
    out.line(format_args!("2. Then publish this TXT record at {}:", p.paint(BOLD, &g.sts_record_name)));
    out.blank();
    indented(&mut out, &g.sts_record);
    out.blank();
    out.line(format_args!(
        "3. Publish this TXT record at {} to receive reports of TLS failures (RFC 8460):",
        p.paint(BOLD, &g.tlsrpt_record_name)
    ));
    out.blank();
    indented(&mut out, &g.tlsrpt_record);
    out.blank();
    out.line(
        "Whenever you change the policy later, publish the new file first, then give the _mta-sts record a new id \
         so that senders fetch it (RFC 8461 §8.1).",
    );
    if mode == Mode::Testing {
        out.line(
            "Once the TLS reports show no failures for a few weeks, generate again with --mode enforce and update \
             the file and the id.",
        );
    }
    for s in suggestions {
        out.blank();
        out.line(format_args!(
            "hint: `{}` would cover {} with one line. The `*` stands for exactly one label (RFC 8461 §4.1), and it \
             also accepts any other host directly under {} with a valid certificate: use it only if everyone who \
             can get one there is trusted.",
            render::clean(&s.pattern),
            render::clean(&s.replaces.join(", ")),
            render::clean(s.pattern.trim_start_matches("*."))
        ));
    }
    for f in findings {
        let (label, text, lines) = match f.code.category() {
            Category::PolicyFile | Category::PolicyHost => ("policy", &g.policy, true),
            Category::Tlsrpt => ("TLS-RPT record", &g.tlsrpt_record, false),
            Category::Record | Category::Mx | Category::Dns => ("MTA-STS record", &g.sts_record, false),
        };
        let source = Source::new(label, text.as_bytes(), lines);
        out.blank();
        render::finding(&mut out, p, "", f, Some(&source));
    }
    out.0
}
