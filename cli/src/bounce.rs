//! `mta-sts explain-bounce [TEXT...]`: which MTA-STS rule a bounce or mail log line says failed, for which
//! sender, and what to fix. The core recognises the words ([`mta_sts::bounce`]); this file reads the text and
//! renders.
//!
//! Exit status: 0 = an MTA-STS failure was recognised, 1 = none was, 2 = no text or it could not be read.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;
use mta_sts::bounce::{Explanation, explain};

use crate::commands::json_done;
use crate::render::{BOLD, CYAN, DIM, Out, Painter, RED, clean};
use crate::{Ctx, Done, Failure, input};

#[derive(Args)]
pub(crate) struct BounceArgs {
    /// The bounce text or mail log line (quote it); several arguments are joined with spaces. Nothing, or
    /// `-`, reads standard input.
    text: Vec<OsString>,
    /// Read the bounce from this file instead (a saved `.eml` or a log excerpt).
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    file: Option<PathBuf>,
}

pub(crate) fn run(args: &BounceArgs, ctx: Ctx) -> Result<Done, Failure> {
    let text = match (&args.file, args.text.as_slice()) {
        (Some(path), _) => read_text(Some(path))?,
        (None, [one]) if one == "-" => read_text(None)?,
        (None, []) => read_text(None)?,
        (None, parts) => parts.iter().map(|p| p.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" "),
    };
    if text.trim().is_empty() {
        return Err(Failure(mta_sts::bounce::empty_input()));
    }
    let explanation = explain(&text);
    let recognised = !explanation.causes.is_empty();
    if ctx.json {
        let mut value = serde_json::to_value(&explanation)
            .map_err(|e| Failure(format!("cannot write the JSON output: {e}. Please report this as a bug.")))?;
        value.as_object_mut().map(|o| o.insert("kind".into(), "bounce".into()));
        return json_done(&value, recognised);
    }
    Ok(Done { stdout: human(&explanation, ctx.painter), valid: recognised })
}

fn read_text(path: Option<&PathBuf>) -> Result<String, Failure> {
    let read = input::read(path.map(PathBuf::as_path), "bounce text")?;
    // A bounce is mostly ASCII; a stray byte in a quoted message must not stop the explanation.
    Ok(String::from_utf8_lossy(&read.bytes).into_owned())
}

fn human(explanation: &Explanation, p: Painter) -> String {
    let mut out = Out::default();
    out.line(p.paint(BOLD, clean(&explanation.summary)));
    for cause in &explanation.causes {
        out.blank();
        let status = cause.status.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        out.line(format!(
            "{} {}{status}",
            p.paint(RED, "✖"),
            p.paint(BOLD, format!("{}: {} ({})", cause.sender, cause.title, cause.rfc))
        ));
        out.line(format!("  {}", p.paint(DIM, format!("“{}”", clean(&cause.quote)))));
        out.line(format!("  {}", clean(&cause.meaning)));
        if let Some(detail) = &cause.detail {
            out.line(format!("  reason given: {}", clean(detail)));
        }
        if let Some(caveat) = &cause.caveat {
            out.line(format!("  {}", clean(caveat)));
        }
        if !cause.codes.is_empty() {
            let codes: Vec<&str> = cause.codes.iter().map(|c| c.as_str()).collect();
            out.line(format!("  rules: {} (mta-sts explain CODE)", codes.join(", ")));
        }
        out.line(format!("  = fix: {}", clean(&cause.fix)));
        out.line(format!("  {}", p.paint(DIM, format!("source: {}", cause.source))));
    }
    if !explanation.status_codes.is_empty() {
        out.blank();
        out.line(format!("Status codes in the text: {}", explanation.status_codes.join(", ")));
    }
    if !explanation.domains.is_empty() {
        out.blank();
        for domain in &explanation.domains {
            out.line(format!("Check it now: {}", p.paint(CYAN, format!("mta-sts check {domain}"))));
        }
    }
    out.0
}
