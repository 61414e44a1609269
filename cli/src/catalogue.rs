//! `mta-sts codes` and `mta-sts explain CODE`: the core's rule table, listed and explained.
//!
//! Nothing here decides anything: every word comes from the table in the core (`Code::rule`).

use std::fmt::Write as _;

use mta_sts::finding::{Category, CheckedBy, Rule};
use mta_sts::{Code, Severity};
use serde_json::json;

use crate::examples;
use crate::render::{self, BOLD, DIM, Out};
use crate::{Ctx, Done, Failure};

fn severity(rule: &Rule) -> String {
    match rule.severity_in_testing {
        Some(testing) => format!("{} (enforce) / {} (testing)", rule.severity.as_str(), testing.as_str()),
        None => rule.severity.as_str().to_owned(),
    }
}

/// The README's findings table: one row per code, grouped by category, generated from the table so
/// that the two cannot drift (a CLI test compares them).
pub(crate) fn markdown() -> String {
    let mut out = String::from("| code | severity | group | what it checks | RFC |\n|---|---|---|---|---|\n");
    for category in Category::ALL {
        for rule in Code::ALL.iter().map(|c| c.rule()).filter(|r| r.category == category) {
            let group = if rule.is_group {
                "(group only: never reported)".to_owned()
            } else if rule.group == rule.code {
                "—".to_owned()
            } else {
                format!("`{}`", rule.group)
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                rule.code,
                severity(&rule),
                group,
                rule.title.replace('|', "\\|"),
                rule.rfc
            );
        }
    }
    out
}

pub(crate) fn codes(markdown_table: bool, ctx: Ctx) -> Result<Done, Failure> {
    let rules: Vec<Rule> = Code::ALL.iter().map(|c| c.rule()).collect();
    if ctx.json {
        let value = json!({ "kind": "codes", "codes": rules });
        return crate::commands::json_done(&value, true);
    }
    if markdown_table {
        return Ok(Done { stdout: markdown(), valid: true });
    }
    let p = ctx.painter;
    let mut out = Out::default();
    let width = rules.iter().map(|r| r.code.as_str().len()).max().unwrap_or(0);
    for category in Category::ALL {
        out.line(p.paint(BOLD, category.title()));
        for rule in rules.iter().filter(|r| r.category == category) {
            let code = format!("{:width$}", rule.code.as_str());
            let note = if rule.is_group { " (group)" } else { "" };
            out.line(format_args!("  {}  {:7}  {}{note}", code, rule.severity.as_str(), rule.title));
        }
        out.blank();
    }
    out.line(p.paint(DIM, "`mta-sts explain CODE` tells more about one of them."));
    Ok(Done { stdout: out.0, valid: true })
}

/// Codes whose text contains the input, or is close to it: suggestions for a mistyped code.
fn similar(text: &str) -> Vec<&'static str> {
    let text = text.to_ascii_lowercase();
    let words: Vec<&str> = text.split('-').filter(|w| w.len() > 2).collect();
    Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| c.contains(text.as_str()) || words.iter().filter(|w| c.contains(*w)).count() >= 2)
        .take(5)
        .collect()
}

pub(crate) fn explain(text: &str, ctx: Ctx) -> Result<Done, Failure> {
    let wanted = text.trim().to_ascii_lowercase();
    let Some(code) = Code::from_str_opt(&wanted) else {
        let suggestions = similar(&wanted);
        let hint = if suggestions.is_empty() {
            String::new()
        } else {
            format!(" Did you mean {}?", suggestions.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
        };
        return Err(Failure(format!(
            "`{}` is not a finding code.{hint} `mta-sts codes` lists them all.",
            render::clean(text)
        )));
    };
    let rule = code.rule();
    let members: Vec<Code> = code.members().collect();
    let example = examples::example(code);
    if ctx.json {
        let value = json!({ "kind": "explain", "rule": rule, "members": members, "example": example });
        return crate::commands::json_done(&value, true);
    }
    let p = ctx.painter;
    let mut out = Out::default();
    out.line(format_args!("{} — {}", p.paint(BOLD, code.as_str()), rule.title));
    out.blank();
    let group = if rule.group == code { String::new() } else { format!(" · group: {}", rule.group) };
    out.line(format_args!("severity: {} · about: {}{group}", severity(&rule), rule.category.title()));
    out.line(format_args!("{}: “{}”", rule.rfc, rule.rfc_text));
    let checked_by = match rule.checked_by {
        CheckedBy::Every => None,
        CheckedBy::CertificateShell => Some(
            "Checked only where the policy host's certificate and each address family are seen: by this CLI and \
             `mta-sts serve`, not by the edge worker.",
        ),
        CheckedBy::Preflight => {
            Some("Checked only by `mta-sts preflight`, which compares a draft with the live state.")
        }
        CheckedBy::TlsaLookup => Some(
            "Checked where the MX hosts' TLSA records were looked up: by every check, but not in Observations              saved before these lookups existed.",
        ),
    };
    if let Some(note) = checked_by {
        out.line(note);
    }
    if !rule.messages.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "What it reports ({placeholders} are filled in)"));
        for template in &rule.messages {
            out.line(format_args!("  • {}", template.text));
            if let Some(fix) = template.fix {
                out.line(format_args!("    {} {fix}", p.paint(DIM, "fix:")));
            }
        }
    }
    if let Some(example) = &example {
        out.blank();
        out.line(format_args!(
            "{} {}",
            p.paint(BOLD, format!("Example: a {}", example.kind)),
            p.paint(DIM, format!("(from the test corpus, {})", example.fixture))
        ));
        for line in &example.input {
            out.line(format_args!("    {}", render::clean(line)));
        }
        out.blank();
        let source = example.source.as_ref().map(|(label, bytes, lines)| render::Source::new(*label, bytes, *lines));
        render::finding(&mut out, p, "", &example.finding, source.as_ref());
    }
    if !rule.senders.is_empty() {
        out.blank();
        out.line(p.paint(BOLD, "What real senders do differently"));
        for deviation in &rule.senders {
            let name = mta_sts::senders::sender(deviation.sender).map_or(deviation.sender, |s| s.name);
            out.line(format_args!("  {}: {}", p.paint(BOLD, name), deviation.detail));
            out.line(format_args!("    {}", p.paint(DIM, deviation.source)));
        }
    }
    if rule.is_group {
        out.blank();
        out.line("This code names a group of rules and is never reported itself; findings carry it as their");
        out.line("`group`. The rules in the group:");
        for member in members {
            out.line(format_args!("  {}  {}", member.as_str(), member.title()));
        }
    }
    if rule.severity == Severity::Error {
        out.blank();
        out.line(p.paint(DIM, rule.severity.meaning()));
    }
    Ok(Done { stdout: out.0, valid: true })
}
