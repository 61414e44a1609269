//! The generator page (`/generate?domain=`): the three things RFC 8461 §3 and RFC 8460 §3 ask a domain to
//! publish, made by the core's [`generate`] for the domain's live MX hosts, with the hosting instructions
//! and the order to publish in.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::generate::{
    GenerateInput, Generated, MAX_AGE_LIMIT, MAX_AGE_ONE_WEEK, WildcardSuggestion, generate, suggest_wildcards,
};
use mta_sts::{Code, Domain, Mode, Verdict};

use crate::api;
use crate::widgets::{
    CopyButton, DomainInput, FindingItem, SiteHeader, now_unix, page_link, query_param, take_over_static_page,
};

/// Four weeks: RFC 8461 §3.2 suggests "weeks or greater" once the policy is known to work.
const MAX_AGE_FOUR_WEEKS: u32 = 2_419_200;

const PRESETS: [(u32, &str); 3] = [
    (MAX_AGE_ONE_WEEK, "1 week (604800): a safe start while you test"),
    (MAX_AGE_FOUR_WEEKS, "4 weeks (2419200): recommended once enforce works"),
    (MAX_AGE_LIMIT, "1 year (31557600): the maximum RFC 8461 allows"),
];

/// What the live check brought back to prefill the form with.
#[derive(Clone, Debug, PartialEq)]
enum Live {
    Idle,
    Loading(String),
    /// What was loaded, in a sentence.
    Loaded(String),
    Failed(String),
}

/// The lines of the MX field that are not blank.
fn mx_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Replaces the hosts a suggestion covers with its pattern, keeping the other lines in place.
fn apply_suggestion(text: &str, suggestion: &WildcardSuggestion) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in mx_lines(text) {
        let host = line.trim_end_matches('.').to_ascii_lowercase();
        if suggestion.replaces.contains(&host) {
            if !out.contains(&suggestion.pattern) {
                out.push(suggestion.pattern.clone());
            }
        } else {
            out.push(line);
        }
    }
    out.join("\n")
}

/// Fetches the live state and prefills the MX hosts, and the mode, `max_age` and report address from a
/// policy and TLS-RPT record already in place.
fn load_live(
    raw: &str,
    live: RwSignal<Live>,
    mx_text: RwSignal<String>,
    mode: RwSignal<Mode>,
    max_age: RwSignal<u32>,
    rua: RwSignal<String>,
) {
    let domain = match Domain::parse(raw) {
        Ok(domain) => domain.as_str().to_owned(),
        Err(e) => {
            live.set(Live::Failed(e.reason));
            return;
        }
    };
    live.set(Live::Loading(domain.clone()));
    spawn_local(async move {
        let next = match api::observe(&domain, None).await {
            Err(e) => Live::Failed(format!("The MX hosts could not be loaded, so type them below. ({e})")),
            Ok(obs) => match mta_sts::evaluate(&obs, now_unix()) {
                Err(e) => Live::Failed(format!("The MX hosts could not be loaded, so type them below. ({e})")),
                Ok(report) => {
                    let hosts: Vec<String> = report.mx.iter().map(|h| h.host.clone()).collect();
                    let implicit = report.mx.iter().any(|h| h.implicit);
                    if !hosts.is_empty() {
                        mx_text.set(hosts.join("\n"));
                    }
                    if let Some(policy) = &report.policy {
                        mode.set(policy.mode);
                        max_age.set(policy.max_age.min(MAX_AGE_LIMIT));
                    }
                    if let Some(uri) = report.tlsrpt.as_ref().and_then(|t| t.rua.first()) {
                        rua.set(uri.clone());
                    }
                    let mx_failed = report.findings.iter().any(|f| f.code == Code::MxLookupFailed);
                    let note = match (hosts.len(), implicit, report.verdict) {
                        (0, _, _) if mx_failed => {
                            "The MX lookup failed, so no MX hosts could be loaded: type the host names that \
                             receive mail, or try again in a minute."
                                .to_owned()
                        }
                        (0, _, _) => "No MX hosts were found: type the host names that receive mail.".to_owned(),
                        (_, true, _) => format!(
                            "{domain} publishes no MX records, so mail goes to the domain itself (RFC 5321 §5.1): \
                             its own name is the MX host to cover."
                        ),
                        (n, _, Verdict::Enforce | Verdict::Testing | Verdict::None) => format!(
                            "Loaded {n} MX host{} and the settings of the policy live now.",
                            if n == 1 { "" } else { "s" }
                        ),
                        (n, _, _) => format!("Loaded {n} MX host{} from DNS.", if n == 1 { "" } else { "s" }),
                    };
                    Live::Loaded(note)
                }
            },
        };
        live.set(next);
    });
}

/// A `data:` URL of `text` for a download link (no script, no object URL to revoke).
fn download_href(text: &str) -> String {
    format!("data:text/plain;charset=utf-8,{}", String::from(js_sys::encode_uri_component(text)))
}

/// Mounts the generator (the `mta-sts-generate` bundle).
pub fn start() {
    take_over_static_page();
    mount_to_body(|| view! { <GeneratorPage /> });
}

#[component]
pub fn GeneratorPage() -> impl IntoView {
    let from_url = query_param("domain").unwrap_or_default();
    let domain_input = RwSignal::new(from_url.clone());
    let mode = RwSignal::new(Mode::Testing);
    let mx_text = RwSignal::new(String::new());
    let max_age = RwSignal::new(MAX_AGE_ONE_WEEK);
    let rua = RwSignal::new(String::new());
    let live = RwSignal::new(Live::Idle);
    // One id per visit: editing the form does not churn it, and it is new compared with anything live.
    let now = now_unix();

    if !from_url.trim().is_empty() {
        load_live(&from_url, live, mx_text, mode, max_age, rua);
    }

    let domain = Memo::new(move |_| Domain::parse(&domain_input.get()).map_err(|e| e.reason));
    let generated = Memo::new(move |_| -> Result<Generated, String> {
        let domain = domain.get()?;
        let input = GenerateInput {
            domain,
            mode: mode.get(),
            mx: mx_lines(&mx_text.get()),
            max_age: max_age.get(),
            rua: Some(rua.get()).filter(|r| !r.trim().is_empty()),
        };
        generate(&input, now).map_err(|e| {
            let text = e.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
        })
    });
    let on_load = move |ev: ev::MouseEvent| {
        ev.prevent_default();
        load_live(&domain_input.get_untracked(), live, mx_text, mode, max_age, rua);
    };

    view! {
        <SiteHeader
            current="generate"
            tagline="The policy file and the two DNS records to publish, made for your domain."
            domain=from_url.clone()
        />
        <main id="generator">
            <form class="generator" on:submit=|ev: ev::SubmitEvent| ev.prevent_default() novalidate>
                <div class="field">
                    <label for="gen-domain">"Domain"</label>
                    <div class="row">
                        <DomainInput
                            id="gen-domain"
                            value=domain_input
                            invalid=Signal::derive(move || {
                                !domain_input.with(|d| d.trim().is_empty()) && domain.with(Result::is_err)
                            })
                            describedby="gen-domain-error"
                        />
                        <button type="button" class="secondary" on:click=on_load>"Load MX hosts from DNS"</button>
                    </div>
                    <p id="gen-domain-error" class="input-error" role="alert">
                        {move || match (domain_input.with(|d| d.trim().is_empty()), domain.get()) {
                            (false, Err(reason)) => Some(view! { <span>"✖ " {reason}</span> }),
                            _ => None,
                        }}
                    </p>
                    <p class="help live-status" aria-live="polite">
                        {move || match live.get() {
                            Live::Idle => String::new(),
                            Live::Loading(d) => format!("Looking up the MX hosts of {d}…"),
                            Live::Loaded(note) => note,
                            Live::Failed(reason) => reason,
                        }}
                    </p>
                </div>

                <ModeField mode=mode />

                <MxField mx_text=mx_text />
                <MaxAgeField max_age=max_age />
                <RuaField rua=rua domain=domain />
            </form>

            {move || match generated.get() {
                Err(reason) if !domain_input.with(|d| d.trim().is_empty()) => {
                    view! { <p class="failed" role="alert">"✖ " {reason}</p> }.into_any()
                }
                Err(_) => view! { <p class="help">"Type a domain to see its records."</p> }.into_any(),
                Ok(g) => view! { <Output generated=g /> }.into_any(),
            }}
        </main>
    }
}

/// Mode, each choice explained.
#[component]
fn ModeField(mode: RwSignal<Mode>) -> impl IntoView {
    let choice = move |value: Mode, label: &'static str, help: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="mode"
                    value=value.as_str()
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                />
                <span><strong>{label}</strong>" — "{help}</span>
            </label>
        }
    };

    view! {
        <fieldset class="field">
            <legend>"Mode"</legend>
            {choice(Mode::Testing, "testing", "start here: senders deliver as before and report TLS problems to you (TLS-RPT). Move to enforce after a few weeks of clean reports.")}
            {choice(Mode::Enforce, "enforce", "senders refuse to deliver unless the MX host matches the policy and presents a valid certificate.")}
            {choice(Mode::None, "none", "withdraws a policy: senders forget it once they see this mode.")}
        </fieldset>
    }
}

/// The MX patterns, one per line, with the wildcards it is safe to fold siblings into.
#[component]
fn MxField(mx_text: RwSignal<String>) -> impl IntoView {
    let suggestions = Memo::new(move |_| suggest_wildcards(&mx_lines(&mx_text.get())));
    view! {
        <div class="field">
            <label for="gen-mx">"MX hosts, one per line"</label>
            <textarea
                id="gen-mx"
                rows="4"
                spellcheck="false"
                autocapitalize="none"
                prop:value=move || mx_text.get()
                on:input=move |ev| mx_text.set(event_target_value(&ev))
                aria-describedby="gen-mx-help"
            ></textarea>
            <p id="gen-mx-help" class="help">
                "Every host that receives mail for the domain must match a line (RFC 8461 §4.1). A line may be "
                <code>"*.example.net"</code>": the " <code>"*"</code> " stands for exactly one label, so it "
                "covers " <code>"mx1.example.net"</code> " but neither " <code>"example.net"</code> " nor "
                <code>"a.b.example.net"</code> "."
            </p>
            {move || {
                let list = suggestions.get();
                (!list.is_empty()).then(|| view! {
                    <ul class="suggestions">
                        {list.into_iter().map(|s| {
                            let label = format!("Use {} for {}", s.pattern, s.replaces.join(", "));
                            let apply = s.clone();
                            view! {
                                <li>
                                    <button type="button" class="secondary" on:click=move |_| {
                                        mx_text.update(|t| *t = apply_suggestion(t, &apply));
                                    }>{label}</button>
                                    " It also accepts any other host directly under "
                                    <code>{s.pattern.trim_start_matches("*.").to_owned()}</code>
                                    " with a valid certificate: use it only if everyone who can get one there is trusted."
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}

/// `max_age` presets, plus the live value when it is none of them.
#[component]
fn MaxAgeField(max_age: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="gen-max-age">"max_age: how long senders cache the policy"</label>
            <select
                id="gen-max-age"
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                        max_age.set(v);
                    }
                }
            >
                {PRESETS.into_iter().map(|(value, label)| view! {
                    <option value=value.to_string() prop:selected=move || max_age.get() == value>{label}</option>
                }).collect_view()}
                {move || {
                    let v = max_age.get();
                    (!PRESETS.iter().any(|(p, _)| *p == v))
                        .then(|| view! { <option value=v.to_string() selected>{format!("{v} seconds (live now)")}</option> })
                }}
            </select>
        </div>
    }
}

/// Where TLS reports go, explained.
#[component]
fn RuaField(rua: RwSignal<String>, domain: Memo<Result<Domain, String>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="gen-rua">"Where TLS reports go (TLS-RPT rua)"</label>
            <input
                id="gen-rua"
                type="text"
                autocomplete="off"
                autocapitalize="none"
                spellcheck="false"
                placeholder=move || match domain.get() {
                    Ok(d) => format!("tlsrpt@{}", d.as_str()),
                    Err(_) => "tlsrpt@example.com".to_owned(),
                }
                prop:value=move || rua.get()
                on:input=move |ev| rua.set(event_target_value(&ev))
                aria-describedby="gen-rua-help"
            />
            <p id="gen-rua-help" class="help">
                "Sending servers mail a daily JSON report of failed and successful TLS sessions here "
                "(RFC 8460). Use a mailbox you read or a report-processing service; an "
                <code>"https:"</code> " URL works too. Empty: " <code>"tlsrpt@"</code> " your domain."
            </p>
        </div>
    }
}

/// A TXT record to publish: its name, type and value, and the zone-file line for those who edit one.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn TxtRecord(
    id: &'static str,
    title: &'static str,
    name: String,
    value: String,
    #[prop(optional)] note: Option<&'static str>,
) -> impl IntoView {
    let zone_line = format!("{name}. 3600 IN TXT \"{value}\"");
    view! {
        <article class="artefact" id=id>
            <h3>{title}</h3>
            <dl class="record">
                <dt>"Name"</dt><dd><code>{name.clone()}</code></dd>
                <dt>"Type"</dt><dd><code>"TXT"</code></dd>
                <dt>"Value"</dt><dd><code class="value">{value.clone()}</code></dd>
            </dl>
            {note.map(|note| view! { <p class="help">{note}</p> })}
            <pre class="zone">{zone_line}</pre>
            <p class="actions"><CopyButton text=Some(value.clone()) label="Copy value" /></p>
        </article>
    }
}

/// The three artefacts, the hosting instructions and the publishing order.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Output(generated: Generated) -> impl IntoView {
    let g = generated;
    let domain = g.sts_record_name.trim_start_matches("_mta-sts.").to_owned();
    let host = format!("mta-sts.{domain}");
    let preflight = page_link(
        "/preflight",
        &[("domain", domain.as_str()), ("policy", g.policy.as_str()), ("record", g.sts_record.as_str())],
    );
    let check = page_link("/", &[("domain", domain.as_str())]);
    view! {
        <section class="output" aria-labelledby="out-heading">
            <h2 id="out-heading">"What to publish for " {domain.clone()}</h2>
            {g.notes.iter().map(|note| view! { <p class="note">"ℹ " {note.clone()}</p> }).collect_view()}
            // What a check of this output would say (the core's own parsers read it back), as the CLI shows.
            {(!g.findings.is_empty()).then(|| view! {
                <ul class="findings" id="out-findings">
                    {g.findings.iter().cloned().map(|f| view! { <FindingItem finding=f /> }).collect_view()}
                </ul>
            })}

            <article class="artefact" id="out-policy">
                <h3>"1. The policy file"</h3>
                <p>"Serve this file at " <code class="url">{g.policy_url.clone()}</code> " (CRLF line endings):"</p>
                <pre class="policy">{g.policy.clone()}</pre>
                <p class="actions">
                    <CopyButton text=Some(g.policy.clone()) label="Copy policy" />
                    <a class="button-link" href=download_href(&g.policy) download="mta-sts.txt">"Download mta-sts.txt"</a>
                </p>
            </article>

            <TxtRecord
                id="out-record"
                title="2. The _mta-sts TXT record"
                name=g.sts_record_name.clone()
                value=g.sts_record.clone()
                note="The id is new: change it whenever the policy file changes, or senders keep the policy they cached."
            />
            <TxtRecord
                id="out-tlsrpt"
                title="3. The _smtp._tls TLS-RPT record"
                name=g.tlsrpt_record_name.clone()
                value=g.tlsrpt_record.clone()
            />

            <article class="artefact" id="out-hosting">
                <h3>"Hosting the policy file"</h3>
                <ul>
                    <li>"The URL is exactly " <code>{g.policy_url.clone()}</code> "; the " <code>{host.clone()}</code>
                        " name needs an A or AAAA record (or a CNAME to your web host)."</li>
                    <li>"HTTPS with a certificate from a public CA that is valid for " <code>{host.clone()}</code>
                        " (a " <code>{format!("*.{domain}")}</code> " certificate also works), not expired, with the whole chain (RFC 8461 §3.3)."</li>
                    <li>"Answer " <code>"200"</code> " with " <code>"Content-Type: text/plain"</code>
                        "; several senders refuse other types."</li>
                    <li>"No redirects: senders do not follow them (RFC 8461 §3.3), so the file must be served at this exact URL, not moved to another path or host."</li>
                </ul>
                <h3>"Publish in this order"</h3>
                <ol>
                    <li>"Put the policy file online and check that the URL answers as above."</li>
                    <li>"Add the " <code>"_smtp._tls"</code> " record, so reports start arriving."</li>
                    <li>"Add the " <code>"_mta-sts"</code> " record last: senders fetch the policy only when they see it."</li>
                    <li>"Later changes: the policy file first, then a new id in the " <code>"_mta-sts"</code> " record."</li>
                </ol>
                <p class="actions">
                    <a class="button-link" href=preflight>"Pre-flight this draft"</a>
                    <a class="button-link" href=check>"Check " {domain.clone()} " now"</a>
                </p>
            </article>
        </section>
    }
}
