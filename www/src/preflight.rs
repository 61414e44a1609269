//! The pre-flight page (`/preflight?domain=&policy=&record=`): a draft policy and/or `_mta-sts` record
//! checked by the core's [`preflight`] before it is published — on its own, or against the domain's live
//! MX hosts and live policy, with a line-by-line difference.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::observe::PolicyResult;
use mta_sts::preflight::{DiffLine, Draft, Preflight, preflight};
use mta_sts::{Domain, Observations, Report};

use crate::api;
use crate::widgets::{
    DiffList, DomainInput, FindingItem, MxTable, SendersMatrix, SiteHeader, now_unix, query_param,
    take_over_static_page,
};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Running,
    Done { result: Preflight, live: bool },
    Failed(String),
}

/// The live observations of `domain`, or a sentence saying why there are none.
async fn live(domain: &str) -> Result<Observations, String> {
    api::observe(domain, None).await.map_err(|e| format!("The live state of {domain} could not be fetched: {e}"))
}

/// The page's state; every field is a signal, so the whole is `Copy` into event handlers.
#[derive(Clone, Copy)]
struct Form {
    domain_input: RwSignal<String>,
    policy_text: RwSignal<String>,
    record_text: RwSignal<String>,
    compare: RwSignal<bool>,
    input_error: RwSignal<Option<String>>,
    phase: RwSignal<Phase>,
    loading_live: RwSignal<bool>,
}

/// Checks the draft in the form: on its own, or against the live domain.
fn run(form: Form) {
    let Form { domain_input, policy_text, record_text, compare, input_error, phase, .. } = form;
    let raw = domain_input.get_untracked();
    let domain = if raw.trim().is_empty() {
        None
    } else {
        match Domain::parse(&raw) {
            Ok(d) => Some(d),
            Err(e) => {
                input_error.set(Some(e.reason));
                return;
            }
        }
    };
    input_error.set(None);
    let policy = policy_text.get_untracked();
    let record = record_text.get_untracked();
    if policy.trim().is_empty() && record.trim().is_empty() {
        phase.set(Phase::Failed("Paste a draft policy file, a draft TXT record, or both.".to_owned()));
        return;
    }
    let draft = Draft {
        domain: domain.clone(),
        // A textarea's value always has LF line breaks (browsers normalise CRLF); the RFC 8461 §3.2
        // ABNF allows them (`sts-policy-term = LF / CRLF`), so the draft is checked as LF text.
        policy: (!policy.trim().is_empty()).then(|| policy.into_bytes()),
        record: (!record.trim().is_empty()).then(|| record.trim().to_owned()),
    };
    let against_live = domain.filter(|_| compare.get_untracked());
    phase.set(Phase::Running);
    spawn_local(async move {
        let next = if let Some(domain) = against_live {
            match live(domain.as_str()).await {
                Ok(obs) => Phase::Done { result: preflight(&draft, Some(&obs), now_unix()), live: true },
                Err(reason) => Phase::Failed(reason),
            }
        } else {
            Phase::Done { result: preflight(&draft, None, now_unix()), live: false }
        };
        phase.set(next);
    });
}

/// Fills the draft fields with the policy and record live now, to edit from there.
fn load_live(form: Form) {
    let Form { domain_input, policy_text, record_text, input_error, phase, loading_live, .. } = form;
    let Ok(domain) = Domain::parse(&domain_input.get_untracked()) else {
        input_error.set(Some("Type the domain whose live policy and record to load.".to_owned()));
        return;
    };
    input_error.set(None);
    loading_live.set(true);
    spawn_local(async move {
        match live(domain.as_str()).await {
            Ok(obs) => {
                let report: Option<Report> = mta_sts::evaluate(&obs, now_unix()).ok();
                let mut found = false;
                if let Some(PolicyResult::Response { status: 200, body, .. }) = obs.policy.as_ref().map(|p| &p.result) {
                    policy_text.set(String::from_utf8_lossy(body).into_owned());
                    found = true;
                }
                if let Some(record) = report.as_ref().and_then(|r| r.record.as_ref()) {
                    record_text.set(record.to_text());
                    found = true;
                }
                phase.set(if found {
                    Phase::Idle
                } else {
                    Phase::Failed(format!(
                        "Nothing is live at {} yet: no policy file and no _mta-sts record were found. Start from \
                         the generator instead.",
                        domain.as_str()
                    ))
                });
            }
            Err(reason) => phase.set(Phase::Failed(reason)),
        }
        loading_live.set(false);
    });
}

/// Mounts the pre-flight page (the `mta-sts-preflight` bundle).
pub fn start() {
    take_over_static_page();
    mount_to_body(|| view! { <PreflightPage /> });
}

#[component]
pub fn PreflightPage() -> impl IntoView {
    let param = |name: &str| query_param(name).unwrap_or_default();
    let from_url = param("domain");
    let form = Form {
        domain_input: RwSignal::new(from_url.clone()),
        policy_text: RwSignal::new(param("policy")),
        record_text: RwSignal::new(param("record")),
        compare: RwSignal::new(true),
        input_error: RwSignal::new(None::<String>),
        phase: RwSignal::new(Phase::Idle),
        loading_live: RwSignal::new(false),
    };
    let Form { domain_input, policy_text, record_text, compare, input_error, phase, loading_live } = form;
    if !policy_text.get_untracked().is_empty() || !record_text.get_untracked().is_empty() {
        run(form);
    }

    view! {
        <SiteHeader
            current="preflight"
            tagline="Check a draft policy or TXT record before you publish it, against the MX hosts live now."
            domain=from_url.clone()
        />
        <main id="preflight">
            <form class="preflight" novalidate on:submit=move |ev: ev::SubmitEvent| { ev.prevent_default(); run(form); }>
                <div class="field">
                    <label for="pf-domain">"Domain (optional)"</label>
                    <div class="row">
                        <DomainInput
                            id="pf-domain"
                            value=domain_input
                            invalid=Signal::derive(move || input_error.with(Option::is_some))
                            describedby="pf-domain-error"
                        />
                        <button type="button" class="secondary" on:click=move |_| load_live(form) disabled=move || loading_live.get()>
                            {move || if loading_live.get() { "Loading…" } else { "Start from what is live" }}
                        </button>
                    </div>
                    <p id="pf-domain-error" class="input-error" role="alert">
                        {move || input_error.get().map(|reason| view! { <span>"✖ " {reason}</span> })}
                    </p>
                    <label class="choice">
                        <input type="checkbox" prop:checked=move || compare.get() on:change=move |ev| compare.set(event_target_checked(&ev)) />
                        <span>"Compare with the live domain: its MX hosts, its policy and its record id."</span>
                    </label>
                </div>
                <div class="field">
                    <label for="pf-policy">"Draft policy file (mta-sts.txt)"</label>
                    <textarea
                        id="pf-policy"
                        rows="7"
                        spellcheck="false"
                        autocapitalize="none"
                        placeholder="version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800"
                        prop:value=move || policy_text.get()
                        on:input=move |ev| policy_text.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <div class="field">
                    <label for="pf-record">"Draft _mta-sts TXT record"</label>
                    <input
                        id="pf-record"
                        type="text"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        placeholder="v=STSv1; id=20261128000000;"
                        prop:value=move || record_text.get()
                        on:input=move |ev| record_text.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" aria-busy=move || (phase.get() == Phase::Running).to_string()>
                    {move || if phase.get() == Phase::Running { "Checking…" } else { "Check the draft" }}
                </button>
            </form>
            <div class="status" aria-live="polite">
                {move || match phase.get() {
                    Phase::Running => view! { <p class="running"><span class="spinner" aria-hidden="true"></span>"Checking the draft…"</p> }.into_any(),
                    Phase::Failed(reason) => view! { <p class="failed">"✖ " {reason}</p> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            {move || match phase.get() {
                Phase::Done { result, live } => view! { <PreflightView result=result live=live /> }.into_any(),
                _ => ().into_any(),
            }}
        </main>
    }
}

/// The pre-flight's result: a verdict line, the findings, the draft's reading, MX coverage and the diff.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn PreflightView(result: Preflight, live: bool) -> impl IntoView {
    let errors = result.findings.iter().filter(|f| f.severity == mta_sts::Severity::Error).count();
    let (class, headline) = if result.valid {
        ("verdict good", "The draft passes: no errors.".to_owned())
    } else {
        ("verdict bad", format!("The draft has {errors} error{}.", if errors == 1 { "" } else { "s" }))
    };
    let scope = if live {
        format!(
            "Checked against the MX hosts, policy and record live at {} now.",
            result.domain.as_deref().unwrap_or_default()
        )
    } else {
        "Checked on its own: give a domain to compare with what is live.".to_owned()
    };
    let reading = result.policy.as_ref().map(|p| {
        format!(
            "mode {}, max_age {} s, mx: {}",
            p.mode.as_str(),
            p.max_age,
            p.mx.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        )
    });
    view! {
        <section class="report preflight-result" data-valid=result.valid.to_string() aria-labelledby="pf-heading">
            <div class=class>
                <h2 id="pf-heading">{headline}</h2>
                <p class="summary">{scope}</p>
                {reading.map(|r| view! { <p class="reading">"The draft policy reads: " <code>{r}</code></p> })}
            </div>
            <h2>"Findings"</h2>
            {if result.findings.is_empty() {
                view! { <p class="none">"No findings."</p> }.into_any()
            } else {
                view! {
                    <ul class="findings">
                        {result.findings.iter().cloned().map(|f| view! { <FindingItem finding=f /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!result.mx.is_empty()).then(|| view! { <MxTable mx=result.mx.clone() /> })}
            {(!result.diff.is_empty()).then(|| view! { <Diff lines=result.diff.clone() /> })}
            <SendersMatrix senders=result.senders.clone() now=result.senders_live.clone() />
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Diff(lines: Vec<DiffLine>) -> impl IntoView {
    let changed = lines.iter().any(|l| !matches!(l, DiffLine::Same(_)));
    view! {
        <section class="evidence">
            <h3>"Live policy → draft"</h3>
            {(!changed).then(|| view! { <p>"The draft is the same as the live policy, line for line."</p> })}
            <DiffList lines=lines />
        </section>
    }
}
