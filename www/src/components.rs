//! The page's components: the check form, the verdict, the grouped findings and the evidence.
//!
//! Every string that came from the network (TXT records, policy bodies, headers, the core's messages that
//! quote them) is rendered as a text node by `view!`; there is no `inner_html` anywhere in the crate.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::checks::CategoryChecks;
use mta_sts::dns::RecordData;
use mta_sts::evaluate::{DnsEvidence, MxHost, PolicyEvidence};
use mta_sts::finding::Category;
use mta_sts::observe::PolicyResult;
use mta_sts::{Domain, Finding, Observations, Report, Severity, Verdict};
use wasm_bindgen::JsCast;
use web_sys::AbortController;

use crate::api;
use crate::present::{Piece, citations, overlaps, severity_label, verdict_headline, visible_lines, visible_text};

/// A finished check: the report and the policy body it was made from (for the byte-true view).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub report: Report,
    pub body: Option<Vec<u8>>,
}

impl Checked {
    /// Evaluates observations as of `now` (Unix seconds).
    pub fn from_observations(obs: &Observations, now: u64) -> Result<Checked, String> {
        let report = mta_sts::evaluate(obs, now).map_err(|e| e.to_string())?;
        let body = match obs.policy.as_ref().map(|p| &p.result) {
            Some(PolicyResult::Response { body, .. }) => Some(body.clone()),
            _ => None,
        };
        Ok(Checked { report, body })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Phase {
    Idle,
    Running(String),
    Done(Arc<Checked>),
    Failed(String),
}

/// How a check changes the browser history.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    /// A check the person asked for: a new history entry.
    Push,
    /// A check from the URL (opened link, back/forward): the URL is already right.
    Keep,
}

/// The running check: a newer one aborts its request and makes its result stale.
#[derive(Default)]
struct InFlight {
    generation: u64,
    controller: Option<AbortController>,
}

thread_local! {
    static IN_FLIGHT: RefCell<InFlight> = RefCell::new(InFlight::default());
}

/// Takes over from the static page that an HTML file paints before the WASM loads, returning what was
/// typed into its `#domain` field meanwhile.
pub(crate) fn take_over_static_page() -> String {
    let document = document();
    let typed = document
        .get_element_by_id("domain")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|e| e.value())
        .unwrap_or_default();
    if let Some(static_app) = document.get_element_by_id("static-app") {
        static_app.remove();
    }
    typed
}

/// Mounts the check page (the `mta-sts-web` bundle).
pub fn start() {
    let typed = take_over_static_page();
    mount_to_body(move || view! { <App typed=typed.clone() /> });
}

/// Mounts the generator (the `mta-sts-generate` bundle).
pub fn start_generate() {
    take_over_static_page();
    mount_to_body(|| view! { <crate::generator::GeneratorPage /> });
}

/// Mounts the pre-flight page (the `mta-sts-preflight` bundle).
pub fn start_preflight() {
    take_over_static_page();
    mount_to_body(|| view! { <crate::preflight::PreflightPage /> });
}

/// Mounts the rules page (the `mta-sts-rules` bundle).
pub fn start_rules() {
    take_over_static_page();
    mount_to_body(|| view! { <crate::rules::RulesPage /> });
}

/// A query parameter of the page's URL.
pub(crate) fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// A same-origin link to `path` with the query `pairs` (empty values left out).
pub(crate) fn page_link(path: &str, pairs: &[(&str, &str)]) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else { return path.to_owned() };
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        params.append(k, v);
    }
    let query = String::from(params.to_string());
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// The site's header with the links between the three pages; `current` is marked for screen readers.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn SiteHeader(
    current: &'static str,
    tagline: &'static str,
    #[prop(optional)] domain: String,
) -> impl IntoView {
    let d = domain.as_str();
    let links = [
        ("check", "Check", page_link("/", &[("domain", d)])),
        ("generate", "Generate", page_link("/generate", &[("domain", d)])),
        ("preflight", "Pre-flight", page_link("/preflight", &[("domain", d)])),
        ("rules", "Rules", "/rules".to_owned()),
    ];
    view! {
        <header class="site">
            <nav aria-label="Pages">
                {links.into_iter().map(|(id, label, href)| {
                    let here = (id == current).then_some("page");
                    view! { <a href=href aria-current=here>{label}</a> }
                }).collect_view()}
            </nav>
            <h1>{match current {
                "generate" => "MTA-STS generator",
                "preflight" => "MTA-STS pre-flight",
                "rules" => "MTA-STS rules",
                _ => "MTA-STS checker",
            }}</h1>
            <p class="tagline">{tagline}</p>
        </header>
    }
}

fn domain_from_url() -> Option<String> {
    query_param("domain").filter(|d| !d.trim().is_empty())
}

fn push_url(domain: &str) {
    if domain_from_url().as_deref() == Some(domain) {
        return;
    }
    let Ok(params) = web_sys::UrlSearchParams::new() else { return };
    params.append("domain", domain);
    let url = format!("?{}", String::from(params.to_string()));
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

#[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation, reason = "Date.now() is a positive integer")]
pub(crate) fn now_unix() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// The domain field of every page: typed like a URL, never autocorrected, its error announced.
#[component]
pub(crate) fn DomainInput(
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] invalid: Signal<bool>,
    describedby: &'static str,
    #[prop(optional)] input_ref: Option<NodeRef<leptos::html::Input>>,
) -> impl IntoView {
    view! {
        <input
            id=id
            name=id
            type="text"
            inputmode="url"
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
            placeholder="example.com"
            node_ref=input_ref.unwrap_or_default()
            aria-describedby=describedby
            aria-invalid=move || if invalid.get() { "true" } else { "false" }
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// A button that copies `text` (or, when `None`, the page's URL) and says whether that worked.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn CopyButton(text: Option<String>, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let on_click = move |_| {
        let Some(text) = text.clone().or_else(|| window().location().href().ok()) else { return };
        let clipboard = window().navigator().clipboard();
        spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await.is_ok();
            copied.try_set(Some(ok));
            set_timeout(
                move || {
                    let _ = copied.try_set(None);
                },
                std::time::Duration::from_secs(2),
            );
        });
    };
    view! {
        <button type="button" class="secondary" on:click=on_click>
            {move || match copied.get() {
                None => label,
                Some(true) => "Copied ✓",
                Some(false) => "Copy failed: select the text",
            }}
        </button>
    }
}

/// Starts a check of what was typed: input errors show under the field and nothing is requested.
pub(crate) fn check(
    raw: &str,
    nav: Nav,
    phase: RwSignal<Phase>,
    input_error: RwSignal<Option<String>>,
    notes: RwSignal<Vec<String>>,
) {
    let domain = match Domain::parse_with_notes(raw) {
        Ok((domain, n)) => {
            input_error.set(None);
            notes.set(n);
            domain.as_str().to_owned()
        }
        Err(e) => {
            input_error.set(Some(e.reason));
            notes.set(Vec::new());
            return;
        }
    };
    if nav == Nav::Push {
        push_url(&domain);
    }
    let controller = AbortController::new().ok();
    let generation = IN_FLIGHT.with(|f| {
        let mut f = f.borrow_mut();
        if let Some(previous) = f.controller.take() {
            previous.abort();
        }
        f.generation += 1;
        f.controller.clone_from(&controller);
        f.generation
    });
    phase.set(Phase::Running(domain.clone()));
    spawn_local(async move {
        let signal = controller.as_ref().map(AbortController::signal);
        let result = api::observe(&domain, signal.as_ref()).await;
        if IN_FLIGHT.with(|f| f.borrow().generation) != generation {
            return; // a newer check replaced this one
        }
        mark("mta-sts:response");
        let next = match result {
            Ok(obs) => match Checked::from_observations(&obs, now_unix()) {
                Ok(checked) => Phase::Done(Arc::new(checked)),
                Err(reason) => Phase::Failed(reason),
            },
            Err(e) => Phase::Failed(e.to_string()),
        };
        phase.set(next);
        request_animation_frame(|| {
            mark("mta-sts:verdict");
            if let Some(performance) = window().performance() {
                let _ = performance.measure_with_start_mark_and_end_mark(
                    "mta-sts:response-to-verdict",
                    "mta-sts:response",
                    "mta-sts:verdict",
                );
            }
        });
    });
}

/// The whole page: the form, the running state and the report.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn App(#[prop(optional, into)] typed: String) -> impl IntoView {
    let from_url = domain_from_url();
    let input = RwSignal::new(from_url.clone().unwrap_or(typed));
    let input_error = RwSignal::new(None::<String>);
    let notes = RwSignal::new(Vec::<String>::new());
    let phase = RwSignal::new(Phase::Idle);
    let input_ref = NodeRef::<leptos::html::Input>::new();

    Effect::new(move || {
        if let Some(el) = input_ref.get() {
            let _ = el.focus();
        }
    });
    if let Some(domain) = from_url {
        check(&domain, Nav::Keep, phase, input_error, notes);
    }
    let _ = window_event_listener(ev::popstate, move |_| {
        if let Some(domain) = domain_from_url() {
            input.set(domain.clone());
            check(&domain, Nav::Keep, phase, input_error, notes);
        } else {
            IN_FLIGHT.with(|f| {
                let mut f = f.borrow_mut();
                f.generation += 1;
                if let Some(c) = f.controller.take() {
                    c.abort();
                }
            });
            input.set(String::new());
            input_error.set(None);
            phase.set(Phase::Idle);
        }
    });

    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        check(&input.get_untracked(), Nav::Push, phase, input_error, notes);
    };

    view! {
        <SiteHeader current="check" tagline="Will senders enforce TLS when they deliver mail to your domain? (RFC 8461, RFC 8460)" />
        <main id="app">
            <form class="check" role="search" action="/" method="get" on:submit=on_submit novalidate>
                <label for="domain">"Domain"</label>
                <div class="row">
                    <DomainInput
                        id="domain"
                        value=input
                        invalid=Signal::derive(move || input_error.with(Option::is_some))
                        describedby="domain-help domain-error"
                        input_ref=input_ref
                    />
                    <button type="submit" aria-busy=move || matches!(phase.get(), Phase::Running(_)).to_string()>
                        {move || if matches!(phase.get(), Phase::Running(_)) { "Checking…" } else { "Check" }}
                    </button>
                </div>
                <p id="domain-help" class="help">
                    "A domain, an e-mail address or a URL: the domain is taken out of it."
                </p>
                <p id="domain-error" class="input-error" role="alert">
                    {move || input_error.get().map(|reason| view! { <span>"✖ " {reason}</span> })}
                </p>
                {move || {
                    let n = notes.get();
                    (!n.is_empty()).then(|| view! {
                        <ul class="notes">{n.into_iter().map(|note| view! { <li>{note}</li> }).collect_view()}</ul>
                    })
                }}
            </form>
            <div class="status" aria-live="polite">{move || status_view(phase.get())}</div>
            {move || match phase.get() {
                Phase::Done(checked) => view! { <ReportView checked=checked share=true /> }.into_any(),
                _ => ().into_any(),
            }}
        </main>
        <footer class="site">
            <p>
                "Open source. The page fetches raw DNS-over-HTTPS answers and the policy file through "
                <code>"/api/observe"</code> " and evaluates them in your browser."
            </p>
        </footer>
    }
}

/// The line under the form while a check runs or when it could not run.
pub(crate) fn status_view(phase: Phase) -> AnyView {
    match phase {
        Phase::Idle | Phase::Done(_) => ().into_any(),
        Phase::Running(domain) => view! {
            <p class="running"><span class="spinner" aria-hidden="true"></span>"Checking " <b>{domain}</b> "…"</p>
        }
        .into_any(),
        Phase::Failed(reason) => view! { <p class="failed">"✖ The check could not run: " {reason}</p> }.into_any(),
    }
}

pub(crate) fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Enforce => "verdict good",
        Verdict::Testing | Verdict::None => "verdict partial",
        Verdict::NotDeployed | Verdict::Invalid => "verdict bad",
        Verdict::LookupFailed => "verdict unknown",
    }
}

pub(crate) fn verdict_icon(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Enforce => "✔",
        Verdict::Testing | Verdict::None => "◐",
        Verdict::NotDeployed | Verdict::Invalid => "✖",
        Verdict::LookupFailed => "?",
    }
}

/// The report of one check: verdict, grouped findings, evidence.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn ReportView(checked: Arc<Checked>, #[prop(optional)] share: bool) -> impl IntoView {
    let report = &checked.report;
    let verdict = report.verdict;
    let has_fix = report.findings.iter().any(|f| f.fix.is_some());
    let policy_url = format!("https://mta-sts.{}/.well-known/mta-sts.txt", report.domain);
    let policy_spans: Vec<(usize, usize)> = report
        .findings
        .iter()
        .filter(|f| f.code.category() == Category::PolicyFile && f.record_index.is_none())
        .filter_map(|f| f.span.map(|s| (s.start, s.end)))
        .collect();
    let groups: Vec<_> = mta_sts::checks::by_category(report)
        .into_iter()
        .map(|checks| view! { <FindingGroup checks=checks /> })
        .collect();
    view! {
        <section class="report" aria-labelledby="verdict-heading" data-verdict=verdict.as_str()>
            <div class=verdict_class(verdict)>
                <h2 id="verdict-heading">
                    <span class="icon" aria-hidden="true">{verdict_icon(verdict)}</span>
                    <span class="domain">{report.domain.clone()}</span>": "
                    <span class="headline">{verdict_headline(verdict)}</span>
                </h2>
                <p class="summary">{report.summary.clone()}</p>
                <p class="actions">
                    {share.then(|| view! { <CopyButton text=None label="Copy link to this check" /> })}
                    <a class="button-link" href=page_link("/generate", &[("domain", &report.domain)])>
                        "Generate the records for " {report.domain.clone()}
                    </a>
                    <a class="button-link" href=page_link("/preflight", &[("domain", &report.domain)])>
                        "Pre-flight a change"
                    </a>
                </p>
            </div>
            {has_fix.then(|| view! {
                <p class="order">
                    <strong>"Safe order to publish fixes: "</strong>
                    "first the policy file at " <code>{policy_url}</code> ", then a new "
                    <code>"id"</code>" in the "<code>"_mta-sts"</code>" TXT record. Senders fetch the policy "
                    "only when they see a new id."
                </p>
            })}
            <h2>"Findings"</h2>
            {groups}
            <h2>"Evidence"</h2>
            <MxTable mx=report.mx.clone() />
            <DnsTable report=report.clone() />
            {report.evidence.policy.clone().map(|p| view! { <PolicyFetch policy=p /> })}
            {checked.body.clone().map(|body| view! { <PolicyBody body=body spans=policy_spans /> })}
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn FindingGroup(checks: CategoryChecks) -> impl IntoView {
    let group = checks.category;
    let CategoryChecks { findings, passed, .. } = checks;
    let worst = findings.iter().map(|f| f.severity).min();
    let status = match worst {
        Some(Severity::Error) => "✖ errors",
        Some(Severity::Warning) => "⚠ warnings",
        Some(Severity::Info) => "ℹ notes",
        None if passed.is_empty() => "— not checked",
        None => "✔ pass",
    };
    let heading_id = format!("group-{}", group.as_str());
    view! {
        <section class="group" id=heading_id.clone() aria-label=group.title()>
            <h3>{group.title()} " " <span class="group-status">{status}</span></h3>
            {if findings.is_empty() {
                view! { <p class="none">"No findings."</p> }.into_any()
            } else {
                view! {
                    <ul class="findings">
                        {findings.into_iter().map(|f| view! { <FindingItem finding=f /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!passed.is_empty()).then(|| view! {
                <details class="passed">
                    <summary>{format!("{} passed check{}", passed.len(), if passed.len() == 1 { "" } else { "s" })}</summary>
                    <ul>
                        {passed.into_iter().map(|c| view! {
                            <li><span aria-hidden="true">"✔ "</span>"Pass: "<code>{c.as_str()}</code>" — "{c.description()}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn FindingItem(finding: Finding) -> impl IntoView {
    let (icon, word) = severity_label(finding.severity);
    let links = citations(&finding.rfc);
    view! {
        <li class=format!("finding sev-{}", finding.severity.as_str()) data-code=finding.code.as_str()>
            <p class="finding-head">
                <span class="sev"><span aria-hidden="true">{icon}" "</span>{word}</span>
                " "<a class="code" href=format!("/rules#{}", finding.code.as_str()) title="What this rule checks, and why">
                    <code>{finding.code.as_str()}</code>
                </a>
            </p>
            <p class="message">{finding.message.clone()}</p>
            <p class="rfc">
                "See "
                {links.into_iter().map(|c| view! {
                    <a href=c.url rel="noopener noreferrer" target="_blank">{c.label}</a>" "
                }).collect_view()}
            </p>
            {finding.fix.clone().map(|fix| {
                let copy = Some(fix.clone());
                view! {
                    <div class="fix">
                        <p class="fix-label">"Fix:"</p>
                        <pre>{fix}</pre>
                        <CopyButton text=copy label="Copy fix" />
                    </div>
                }
            })}
        </li>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn MxTable(mx: Vec<MxHost>) -> impl IntoView {
    if mx.is_empty() {
        return view! { <section class="evidence"><h3>"MX hosts"</h3><p>"No MX hosts were found."</p></section> }
            .into_any();
    }
    let rows =
        mx.into_iter()
            .map(|mx| {
                let pattern = match mx.pattern {
                    Some(p) => view! { <td class="covered"><span aria-hidden="true">"✔ "</span><code>{p}</code></td> }
                        .into_any(),
                    None => view! { <td class="not-covered"><span aria-hidden="true">"✖ "</span>"not covered"</td> }
                        .into_any(),
                };
                let host = if mx.implicit { format!("{} (implicit: no MX records)", mx.host) } else { mx.host };
                view! { <tr><td><code>{host}</code></td><td>{mx.preference}</td>{pattern}</tr> }
            })
            .collect_view();
    view! {
        <section class="evidence">
            <h3>"MX hosts"</h3>
            <div class="scroll">
                <table class="mx">
                    <thead><tr><th scope="col">"Host"</th><th scope="col">"Preference"</th><th scope="col">"Covered by policy pattern"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

fn record_text(data: &RecordData) -> String {
    match data {
        RecordData::Txt { text } => format!("\"{}\"", visible_text(text)),
        RecordData::Mx { preference, exchange } => format!("{preference} {exchange}"),
        RecordData::A { address } => address.to_string(),
        RecordData::Aaaa { address } => address.to_string(),
    }
}

fn dns_row(ev: &DnsEvidence) -> AnyView {
    let question = format!("{} {}", ev.name, ev.rtype.as_str());
    let (status, ad, chain, answers) = match &ev.response {
        Some(r) => (
            format!("{} (HTTP {})", r.rcode.as_str(), ev.http_status.map_or_else(|| "?".to_owned(), |s| s.to_string())),
            if r.authenticated_data { "yes" } else { "no" },
            r.cname_chain.iter().map(|c| format!("{} → {} (TTL {})", c.name, c.target, c.ttl)).collect::<Vec<_>>(),
            r.records
                .iter()
                .map(|rec| format!("{} TTL {} {}", rec.name, rec.ttl, record_text(&rec.data)))
                .collect::<Vec<_>>(),
        ),
        None => (ev.error.clone().unwrap_or_else(|| "no answer".to_owned()), "—", Vec::new(), Vec::new()),
    };
    view! {
        <tr>
            <td><code>{question}</code></td>
            <td>{status}</td>
            <td>
                {if answers.is_empty() { view! { <span>"(none)"</span> }.into_any() } else {
                    view! { <ul class="plain">{answers.into_iter().map(|a| view! { <li><code>{a}</code></li> }).collect_view()}</ul> }.into_any()
                }}
            </td>
            <td>{chain.into_iter().map(|c| view! { <div><code>{c}</code></div> }).collect_view()}</td>
            <td>{ad}</td>
        </tr>
    }
    .into_any()
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn DnsTable(report: Report) -> impl IntoView {
    let resolver = report.evidence.resolver.clone().unwrap_or_else(|| "the worker's default resolver".to_owned());
    let rows = report.evidence.dns.iter().map(dns_row).collect_view();
    view! {
        <section class="evidence">
            <h3>"DNS answers"</h3>
            <p>"Resolver (DNS over HTTPS): " <code>{resolver}</code></p>
            <div class="scroll">
                <table class="dns">
                    <thead><tr>
                        <th scope="col">"Question"</th><th scope="col">"Status"</th><th scope="col">"Answers (name, TTL, data)"</th>
                        <th scope="col">"CNAME chain"</th><th scope="col">"DNSSEC (AD)"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn PolicyFetch(policy: PolicyEvidence) -> impl IntoView {
    let mut rows: Vec<(&'static str, String)> = vec![("URL", policy.url.clone())];
    if let Some(status) = policy.status {
        rows.push(("HTTP status", status.to_string()));
    }
    let h = &policy.headers;
    for (name, value) in [
        ("Content-Type", &h.content_type),
        ("Location", &h.location),
        ("Cache-Control", &h.cache_control),
        ("Content-Length", &h.content_length),
    ] {
        if let Some(v) = value {
            rows.push((name, v.clone()));
        }
    }
    rows.push(("Body size", format!("{} bytes{}", policy.size, if policy.truncated { " (truncated)" } else { "" })));
    if let Some(le) = &policy.line_endings {
        rows.push(("Line endings", le.to_uppercase()));
    }
    if let Some(ms) = policy.elapsed_ms {
        rows.push(("Time", format!("{ms} ms")));
    }
    if let Some(e) = &policy.error {
        rows.push(("Error", e.clone()));
    }
    if let Some(cert) = &policy.certificate {
        if let Some(v) = &cert.tls_version {
            rows.push(("TLS", v.clone()));
        }
        for (i, c) in cert.chain.iter().enumerate() {
            rows.push((
                if i == 0 { "Certificate" } else { "Issuer certificate" },
                format!("{} (issued by {}; names: {})", c.subject, c.issuer, c.dns_names.join(", ")),
            ));
        }
    }
    view! {
        <section class="evidence">
            <h3>"Policy fetch"</h3>
            <dl class="fetch">
                {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd><code>{v}</code></dd> }).collect_view()}
            </dl>
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn PolicyBody(body: Vec<u8>, spans: Vec<(usize, usize)>) -> impl IntoView {
    let lines = visible_lines(&body);
    let empty = lines.is_empty();
    view! {
        <section class="evidence">
            <h3>"Policy file, byte for byte"</h3>
            <p class="legend">
                "␍ CR · ␊ LF · → tab · · trailing space · [BOM] byte order mark · U+XXXX non-ASCII · \\xNN other bytes. "
                <mark>"Highlighted"</mark>" bytes are where a finding points."
            </p>
            {if empty { view! { <p>"(empty body)"</p> }.into_any() } else {
                view! {
                    <ol class="body" aria-label="policy file lines">
                        {lines.into_iter().map(|line| view! {
                            <li>
                                <span class="ln" aria-hidden="true">{line.number}</span>
                                <code>
                                    {line.segments.into_iter().map(|s| {
                                        let hit = overlaps(s.start, s.end, &spans);
                                        let class = match (s.piece, hit) {
                                            (Piece::Text, false) => "t",
                                            (Piece::Text, true) => "t hit",
                                            (Piece::NonAscii, false) => "na",
                                            (Piece::NonAscii, true) => "na hit",
                                            (Piece::Marker, false) => "mk",
                                            (Piece::Marker, true) => "mk hit",
                                        };
                                        view! { <span class=class title=s.title>{s.text}</span> }
                                    }).collect_view()}
                                </code>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
