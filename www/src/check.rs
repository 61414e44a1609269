//! The check page (`/?domain=`, the `mta-sts-web` bundle): the form, the verdict, the findings grouped by
//! category and the evidence (MX hosts, DNS answers, the policy fetch and the policy file byte for byte).
//!
//! Every string that came from the network (TXT records, policy bodies, headers, the core's messages that
//! quote them) is rendered as a text node by `view!`; there is no `inner_html` anywhere in the crate.

use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;
use mta_sts::checks::CategoryChecks;
use mta_sts::dns::RecordData;
use mta_sts::evaluate::{DnsEvidence, PolicyEvidence};
use mta_sts::finding::Category;
use mta_sts::{Report, Severity, Verdict};

use crate::present::{verdict_headline, visible_text};
use crate::run::{Checked, Nav, Phase, cancel, check, domain_from_url, status_view, waiting_view};
use crate::widgets::{
    BodyLines, CopyButton, DomainInput, FindingItem, MxTable, SendersMatrix, SiteHeader, page_link,
    take_over_static_page, verdict_class, verdict_icon,
};

/// Mounts the check page (the `mta-sts-web` bundle).
pub fn start() {
    let typed = take_over_static_page();
    mount_to_body(move || view! { <App typed=typed.clone() /> });
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
            cancel();
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
                    <button type="submit" aria-busy=move || phase.with(|p| p.running().is_some()).to_string()>
                        {move || if phase.with(|p| p.running().is_some()) { "Checking…" } else { "Check" }}
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
    // On the check page (`share`), once the check has finished: whether the server keeps a history of the
    // domain (a monitoring deployment: `mta-sts serve --db`, or the worker with D1). The link is in the DOM
    // from the start, hidden, and shown when the answer says so: a signal and a reactive view for it cost
    // the page more code than its budget has room for.
    let history_link = NodeRef::<leptos::html::A>::new();
    if share && verdict != Verdict::Pending {
        let domain = report.domain.clone();
        leptos::task::spawn_local(async move {
            let kept = crate::api::has_history(&domain).await;
            // Gone (None) when a newer check has replaced this report meanwhile. `data-history` says the
            // question was answered, either way.
            if let Some(link) = history_link.try_get_untracked().flatten() {
                let _ = link.set_attribute("data-history", if kept { "kept" } else { "none" });
                if kept {
                    let _ = link.remove_attribute("hidden");
                }
            }
        });
    }
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
                {waiting_view(report)}
                <p class="actions">
                    {share.then(|| view! { <CopyButton text=None label="Copy link to this check" /> })}
                    <a class="button-link" href=page_link("/generate", &[("domain", &report.domain)])>
                        "Generate the records for " {report.domain.clone()}
                    </a>
                    <a class="button-link" href=page_link("/preflight", &[("domain", &report.domain)])>
                        "Pre-flight a change"
                    </a>
                    <a class="button-link history-link" hidden node_ref=history_link href=page_link("/history", &[("domain", &report.domain)])>
                        "History"
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
            <SendersMatrix senders=report.senders.clone() />
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
                            <li><span aria-hidden="true">"✔ "</span>"Pass: "<code>{c.as_str()}</code>" — "{c.title()}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

fn record_text(data: &RecordData) -> String {
    match data {
        RecordData::Txt { text } => format!("\"{}\"", visible_text(text)),
        RecordData::Mx { preference, exchange } => format!("{preference} {exchange}"),
        RecordData::A { address } => address.to_string(),
        RecordData::Aaaa { address } => address.to_string(),
        RecordData::Tlsa { usage, selector, matching_type, data } => {
            format!("{usage} {selector} {matching_type} {data}")
        }
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
    view! {
        <section class="evidence">
            <h3>"Policy file, byte for byte"</h3>
            <p class="legend">
                "␍ CR · ␊ LF · → tab · · trailing space · [BOM] byte order mark · U+XXXX non-ASCII · \\xNN other bytes. "
                <mark>"Highlighted"</mark>" bytes are where a finding points."
            </p>
            <BodyLines body=body spans=spans />
        </section>
    }
}
