//! The history page (`/history?domain=`, the `mta-sts-history` bundle): what a monitoring deployment
//! (`mta-sts monitor` with `mta-sts serve --db`, or the worker's Cron Trigger with D1) stored of a domain:
//! every change its checks found, with the fix, and each published policy — record id and body, byte for
//! byte — beside the one before it, with the lines that changed.
//!
//! The page reads `GET /api/history?domain=`; where the server keeps no history (404) it says so and how
//! to start one. Stored bodies came from the network: they are rendered as text nodes only.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::Domain;
use mta_sts::civil::format_utc;
use mta_sts::history::{History, PolicyEntry, RunEntry};
use mta_sts::preflight::diff_lines;

use crate::api;
use crate::present::severity_label;
use crate::widgets::{
    BodyLines, DiffList, DomainInput, SiteHeader, page_link, push_domain_to_url, query_param, take_over_static_page,
};

/// Mounts the history page (the `mta-sts-history` bundle).
pub fn start() {
    let typed = take_over_static_page();
    mount_to_body(move || view! { <HistoryPage typed=typed.clone() /> });
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Loading(String),
    /// The server keeps no history of this domain.
    None(String),
    Shown(History),
    Failed(String),
}

/// The form and the history of the domain it names.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn HistoryPage(#[prop(optional, into)] typed: String) -> impl IntoView {
    let from_url = query_param("domain").filter(|d| !d.is_empty());
    let input = RwSignal::new(from_url.clone().unwrap_or(typed));
    let input_error = RwSignal::new(None::<String>);
    let phase = RwSignal::new(Phase::Idle);

    let load = move |text: &str, push: bool| {
        let domain = match Domain::parse(text) {
            Ok(parsed) => parsed.as_str().to_owned(),
            Err(e) => {
                input_error.set(Some(e.reason));
                return;
            }
        };
        input_error.set(None);
        if push {
            push_domain_to_url(&domain);
        }
        phase.set(Phase::Loading(domain.clone()));
        spawn_local(async move {
            let next = match api::history(&domain).await {
                Ok(Some(json)) => match api::decode::<History>(&json) {
                    Ok(history) => Phase::Shown(history),
                    Err(e) => Phase::Failed(format!("The history of {domain} could not be read: {e}")),
                },
                Ok(None) => Phase::None(domain.clone()),
                Err(e) => Phase::Failed(format!("The history of {domain} could not be loaded: {e}")),
            };
            // A newer request may have started meanwhile; only the latest one's answer is shown.
            if phase.with_untracked(|p| matches!(p, Phase::Loading(d) if *d == domain)) {
                phase.set(next);
            }
        });
    };
    if let Some(domain) = from_url {
        load(&domain, false);
    }
    // Back and Forward show the history the URL names, or the empty form.
    let _ = window_event_listener(ev::popstate, move |_| {
        if let Some(domain) = query_param("domain").filter(|d| !d.is_empty()) {
            input.set(domain.clone());
            load(&domain, false);
        } else {
            input.set(String::new());
            input_error.set(None);
            phase.set(Phase::Idle);
        }
    });
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        load(&input.get_untracked(), true);
    };

    view! {
        <SiteHeader current="history" tagline="What the monitor saw of a domain over time: every change with its fix, and each published policy beside the one before it." />
        <main id="app">
            <form class="check" role="search" action="/history" method="get" on:submit=on_submit novalidate>
                <label for="domain">"Domain"</label>
                <div class="row">
                    <DomainInput
                        id="domain"
                        value=input
                        invalid=Signal::derive(move || input_error.with(Option::is_some))
                        describedby="domain-error"
                    />
                    <button type="submit">"Show history"</button>
                </div>
                <p id="domain-error" class="input-error" role="alert">
                    {move || input_error.get().map(|reason| view! { <span>"✖ " {reason}</span> })}
                </p>
            </form>
            <div class="status" aria-live="polite">
                {move || match phase.get() {
                    Phase::Loading(domain) => view! { <p class="running">"Loading the history of " {domain} "…"</p> }.into_any(),
                    Phase::None(domain) => view! { <NoHistory domain=domain /> }.into_any(),
                    Phase::Failed(reason) => view! { <p class="failed">{reason}</p> }.into_any(),
                    Phase::Idle | Phase::Shown(_) => ().into_any(),
                }}
            </div>
            {move || match phase.get() {
                Phase::Shown(history) => view! { <HistoryView history=history /> }.into_any(),
                _ => ().into_any(),
            }}
        </main>
    }
}

/// Why there is nothing to show, and how to start a history.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn NoHistory(domain: String) -> impl IntoView {
    view! {
        <div class="failed">
            <p>"This server keeps no history of " {domain.clone()} "."</p>
            <p>
                "A history is kept where the checker runs with a monitoring database: "
                <code>"mta-sts monitor --db runs.db " {domain.clone()}</code>
                " (from cron) with " <code>"mta-sts serve --db runs.db"</code>
                ", or the worker with its D1 database and Cron Trigger (README: History and monitoring at the edge). "
                <a href=page_link("/", &[("domain", &domain)])>"Check " {domain.clone()} " now"</a> " instead."
            </p>
        </div>
    }
}

/// The stored history: a summary, the changes (newest first) and the published policies.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn HistoryView(history: History) -> impl IntoView {
    let History { domain, policies, runs } = history;
    let (first, last) = (runs.first().map_or(0, |r| r.checked_at), runs.last().map_or(0, |r| r.checked_at));
    let latest = runs.last().map(|r| r.verdict.clone()).unwrap_or_default();
    let changed: Vec<RunEntry> = runs.iter().rev().filter(|r| !r.changes.is_empty()).cloned().collect();
    let count = runs.len();
    view! {
        <section class="history" aria-labelledby="history-heading" data-runs=count data-policies=policies.len()>
            <h2 id="history-heading">"History of " {domain.clone()}</h2>
            <p class="summary">
                {count} {if count == 1 { " check" } else { " checks" }} ", from " {format_utc(first)} " to "
                {format_utc(last)} ". The latest verdict: " <strong>{latest}</strong> ". "
                <a href=page_link("/", &[("domain", &domain)])>"Check " {domain.clone()} " now"</a>
            </p>
            <h3>"Changes"</h3>
            {if changed.is_empty() {
                view! { <p>"No change between the stored checks."</p> }.into_any()
            } else {
                view! { <ol class="changes">{changed.into_iter().map(|run| view! { <ChangedRun run=run /> }).collect_view()}</ol> }.into_any()
            }}
            <h3>"Published policies"</h3>
            <p class="legend">
                "Each record id with the policy body served with it, oldest first. "
                "␍ CR · ␊ LF · → tab · · trailing space · U+XXXX non-ASCII · \\xNN other bytes."
            </p>
            <div class="versions">
                {policies.iter().enumerate().map(|(i, entry)| {
                    let before = i.checked_sub(1).and_then(|j| policies[j].body.clone());
                    view! { <PolicyVersion number=i + 1 entry=entry.clone() before=before /> }
                }).collect_view()}
            </div>
        </section>
    }
}

/// One run that found changes: when, its verdict, and each change with its fix.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn ChangedRun(run: RunEntry) -> impl IntoView {
    view! {
        <li class="run">
            <p><time>{format_utc(run.checked_at)}</time> " — verdict " <strong>{run.verdict}</strong></p>
            <ul class="findings">
                {run.changes.into_iter().map(|change| {
                    let (icon, word) = severity_label(change.severity);
                    view! {
                        <li class=format!("finding change sev-{}", change.severity.as_str()) data-code=change.code.as_str()>
                            <p class="finding-head">
                                <span class="sev"><span aria-hidden="true">{icon}" "</span>{word}</span>
                                " " <code>{change.code.as_str()}</code>
                            </p>
                            <p class="message">{change.message}</p>
                            <p class="fix">"Fix: " {change.fix}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </li>
    }
}

/// One published policy: its id, when it was seen, its body byte for byte, and the lines that changed
/// from the version before.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn PolicyVersion(number: usize, entry: PolicyEntry, before: Option<String>) -> impl IntoView {
    let id = entry.record_id.clone().unwrap_or_else(|| "(no record)".to_owned());
    let runs = entry.runs;
    let diff = match (&before, &entry.body) {
        (Some(a), Some(b)) if a != b => Some(diff_lines(a.as_bytes(), b.as_bytes())),
        _ => None,
    };
    let same_body = number > 1 && before == entry.body;
    view! {
        <article class="version">
            <h4>"Version " {number} ": id " <code>{id}</code></h4>
            <p>
                "First seen " {format_utc(entry.first_seen)} ", last seen " {format_utc(entry.last_seen)} ", in "
                {runs} {if runs == 1 { " check" } else { " checks" }} "."
            </p>
            {match entry.body {
                Some(body) => view! { <BodyLines body=body.into_bytes() /> }.into_any(),
                None => view! { <p>"No policy file was fetched."</p> }.into_any(),
            }}
            {diff.map(|lines| view! {
                <details open>
                    <summary>"Changed lines from version " {number - 1}</summary>
                    <DiffList lines=lines />
                </details>
            })}
            {same_body.then(|| view! {
                <p>"The same policy body as version " {number - 1} ", under another record id."</p>
            })}
        </article>
    }
}
