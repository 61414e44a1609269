//! The pieces the pages share, none of them tied to one page: taking over the static HTML a page paints
//! before the WASM loads, the URL helpers and the clock, the site header, the domain field, the copy
//! button, the verdict's class and icon, a finding and the MX host table.
//!
//! Pages import from here; nothing here imports a page. (Not to be confused with [`crate::widget`], the
//! embed widget's message contracts.) Network text is rendered as text nodes only, as everywhere.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::evaluate::MxHost;
use mta_sts::finding::ArtifactKind;
use mta_sts::preflight::DiffLine;
use mta_sts::senders::outcome::Words;
use mta_sts::senders::{Outcome, SenderOutcome};
use mta_sts::{Finding, Verdict};
use wasm_bindgen::JsCast;

use crate::present::{Piece, citations, outcome_label, overlaps, severity_label, visible_lines, visible_text};

/// Takes over from the static page that an HTML file paints before the WASM loads, returning what was
/// typed into its `#domain` field meanwhile. Every page starts here, so this is also where the core is
/// lent the browser's UTS #46.
pub(crate) fn take_over_static_page() -> String {
    lend_browser_uts46();
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

/// Lends the core the browser's UTS #46 ToASCII (its URL parser's "domain to ASCII"), so the pages carry no
/// Unicode tables of their own: the core is built without its `uts46` feature here (`mta_sts::uts46`).
pub fn lend_browser_uts46() {
    mta_sts::uts46::set_backend(browser_to_ascii);
}

/// The host the URL parser makes of `http://<unicode>.a/`, less the `.a`: a last label that is not a
/// number keeps it from reading a name such as `ü.123` as an IPv4 address, and `a` passes every bidi and
/// joiner rule. `mta_sts::uts46::Checked` never passes it URL syntax, A-labels or plain ASCII.
fn browser_to_ascii(unicode: &str) -> Option<String> {
    let url = web_sys::Url::new(&format!("http://{unicode}.a/")).ok()?;
    url.hostname().strip_suffix(".a").map(str::to_owned)
}

/// A query parameter of the page's URL.
pub(crate) fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// Makes `?domain=<domain>` the page's URL as a new history entry, so Back returns to what was shown before;
/// nothing when the URL names that domain already (submitting it again adds no entry).
pub(crate) fn push_domain_to_url(domain: &str) {
    if query_param("domain").as_deref() == Some(domain) {
        return;
    }
    let Ok(params) = web_sys::UrlSearchParams::new() else { return };
    params.append("domain", domain);
    let url = format!("?{}", String::from(params.to_string()));
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
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

#[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation, reason = "Date.now() is a positive integer")]
pub(crate) fn now_unix() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// The site's header with the links between the pages; `current` is marked for screen readers.
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
        ("reports", "Reports", "/reports".to_owned()),
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
                "reports" => "TLS-RPT reports",
                "history" => "MTA-STS history",
                _ => "MTA-STS checker",
            }}</h1>
            <p class="tagline">{tagline}</p>
        </header>
    }
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

/// What an artefact is, in words, and its copy button's label.
fn artifact_labels(kind: ArtifactKind) -> (&'static str, &'static str) {
    match kind {
        ArtifactKind::PolicyFile => ("The corrected policy file", "Copy the policy file"),
        ArtifactKind::StsRecord => ("Then the _mta-sts TXT record", "Copy the record"),
        ArtifactKind::TlsrptRecord => ("The _smtp._tls TXT record", "Copy the TLS-RPT record"),
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

pub(crate) fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Enforce => "verdict good",
        Verdict::Testing | Verdict::None => "verdict partial",
        Verdict::NotDeployed | Verdict::Invalid => "verdict bad",
        Verdict::LookupFailed | Verdict::Pending => "verdict unknown",
    }
}

pub(crate) fn verdict_icon(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Enforce => "✔",
        Verdict::Testing | Verdict::None => "◐",
        Verdict::NotDeployed | Verdict::Invalid => "✖",
        Verdict::LookupFailed => "?",
        Verdict::Pending => "…",
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
            {finding.more_sentence().map(|more| view! { <p class="more">{more}</p> })}
            <p class="rfc">
                "See "
                {links.into_iter().map(|c| view! {
                    <a href=c.url rel="noopener noreferrer" target="_blank">{c.label}</a>" "
                }).collect_view()}
            </p>
            // The fix's words are for reading; what can be pasted as it is (the artefacts) has copy buttons.
            {finding.fix.clone().map(|fix| view! {
                <div class="fix">
                    <p class="fix-label">"Fix:"</p>
                    <pre>{fix}</pre>
                </div>
            })}
            {finding.preview.clone().map(|p| view! {
                <div class="change">
                    <p class="fix-label">{format!("The change, line {}:", p.line)}</p>
                    <pre class="before"><del>{p.before}</del></pre>
                    <pre class="after"><ins>{if p.after.is_empty() { "(nothing)".to_owned() } else { p.after }}</ins></pre>
                </div>
            })}
            {(!finding.artifacts.is_empty()).then(|| view! {
                <ol class="artifacts">
                    {finding.artifacts.iter().map(|a| {
                        let (what, label) = artifact_labels(a.kind);
                        view! {
                            <li class="artifact" data-kind=what>
                                <p class="fix-label">{what}</p>
                                <pre>{a.text.clone()}</pre>
                                <CopyButton text=Some(a.text.clone()) label=label />
                            </li>
                        }
                    }).collect_view()}
                </ol>
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
                let host = match (mx.provider, mx.implicit) {
                    (_, true) => format!("{} (implicit: no MX records)", mx.host),
                    (Some(provider), false) => format!("{} ({provider})", mx.host),
                    (None, false) => mx.host,
                };
                let (icon, dane) = crate::present::tlsa_label(mx.tlsa);
                let dane = view! { <td><span aria-hidden="true">{icon}" "</span>{dane}</td> };
                view! { <tr><td><code>{host}</code></td><td>{mx.preference}</td>{pattern}{dane}</tr> }
            })
            .collect_view();
    view! {
        <section class="evidence">
            <h3>"MX hosts"</h3>
            <div class="scroll">
                <table class="mx">
                    <thead><tr><th scope="col">"Host"</th><th scope="col">"Preference"</th><th scope="col">"Covered by policy pattern"</th><th scope="col">"DANE"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

thread_local! {
    /// The words of the senders' outcomes, once loaded (`/senders.json`) or lent (a test).
    static SENDER_WORDS: std::cell::RefCell<Option<std::sync::Arc<Words>>> = const { std::cell::RefCell::new(None) };
}

/// Gives the pages the words of the senders' outcomes without loading them: for tests.
pub fn lend_sender_words(words: Words) {
    SENDER_WORDS.with(|w| *w.borrow_mut() = Some(std::sync::Arc::new(words)));
}

/// What each modelled sender would do: one row per sender, its outcome, and why in a disclosure (the
/// codes it rests on, the MX hosts it refuses, its notes and sources). The notes and sources are words
/// the page loads when it first shows the matrix; the links are the core's own table, never network input.
/// The rows are built with DOM calls, text only: as views they cost the page several KB of generic code.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn SendersMatrix(
    senders: Vec<SenderOutcome>,
    /// The outcomes now, when `senders` are those of a draft: shown in a column before them.
    #[prop(optional)]
    now: Vec<SenderOutcome>,
) -> impl IntoView {
    if senders.is_empty() {
        return ().into_any();
    }
    let compare = !now.is_empty();
    let body = NodeRef::<leptos::html::Tbody>::new();
    body.on_load(move |tbody| {
        let rows: Vec<(SenderOutcome, web_sys::Element)> = senders
            .into_iter()
            .filter_map(|s| {
                let before = now.iter().find(|n| n.id == s.id).map(|n| n.outcome);
                sender_row(&tbody, &s, compare.then_some(before).flatten()).map(|why| (s, why))
            })
            .collect();
        match SENDER_WORDS.with(|w| w.borrow().clone()) {
            Some(words) => explain_rows(&rows, &words),
            None => spawn_local(async move {
                match crate::api::sender_words().await {
                    Ok(words) => {
                        let words = std::sync::Arc::new(words);
                        SENDER_WORDS.with(|w| *w.borrow_mut() = Some(words.clone()));
                        explain_rows(&rows, &words);
                    }
                    Err(_) => {
                        if let Some(tr) = element(&tbody, "tr", None)
                            && let Some(td) = element(&tr, "td", Some(UNEXPLAINED))
                        {
                            let _ = td.set_attribute("colspan", "3");
                            let _ = td.set_attribute("class", "input-error");
                        }
                    }
                }
            }),
        }
    });
    let (heading, outcome) = if compare {
        ("What each sender would do once the draft is published", "With the draft")
    } else {
        ("What each sender would do", "Outcome")
    };
    view! {
        <section class="senders" id="senders" aria-labelledby="senders-heading">
            <h2 id="senders-heading">{heading}</h2>
            <p>"Real senders read policies differently. Each row is what that sender's code or documentation says it does with what this check found; open a row for why and the sources."</p>
            <div class="scroll">
                <table class="senders">
                    <thead><tr>
                        <th scope="col">"Sender"</th>
                        {compare.then(|| view! { <th scope="col">"Now"</th> })}
                        <th scope="col">{outcome}</th>
                        <th scope="col">"Why"</th>
                    </tr></thead>
                    <tbody node_ref=body></tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

const UNEXPLAINED: &str =
    "The explanations could not be loaded: reload the page to see why each sender does what it does.";

/// A new element under `parent`, with `text` as its text (never as HTML).
fn element(parent: &web_sys::Element, tag: &str, text: Option<&str>) -> Option<web_sys::Element> {
    let child = document().create_element(tag).ok()?;
    child.set_text_content(text);
    parent.append_child(&child).ok()?;
    Some(child)
}

/// An outcome's cell: its icon (hidden from screen readers) and its words.
fn outcome_cell(tr: &web_sys::Element, outcome: Outcome) -> Option<()> {
    let (icon, word) = outcome_label(outcome);
    let cell = element(tr, "td", None)?;
    let _ = cell.set_attribute("class", &format!("outcome {}", outcome.as_str()));
    let _ = element(&cell, "span", Some(&format!("{icon} ")))?.set_attribute("aria-hidden", "true");
    cell.append_with_str_1(word).ok()
}

/// One sender's row, after its outcome `before` when there is one to compare with; returns the element its
/// why goes into.
fn sender_row(tbody: &web_sys::Element, s: &SenderOutcome, before: Option<Outcome>) -> Option<web_sys::Element> {
    let tr = element(tbody, "tr", None)?;
    let _ = tr.set_attribute("data-sender", &s.id);
    let _ = tr.set_attribute("data-outcome", s.outcome.as_str());
    if let Some(before) = before {
        let _ = tr.set_attribute("data-before", before.as_str());
        if before != s.outcome {
            let _ = tr.set_attribute("class", "changed");
        }
    }
    let _ = element(&tr, "th", Some(&s.name))?.set_attribute("scope", "row");
    if let Some(before) = before {
        outcome_cell(&tr, before)?;
    }
    outcome_cell(&tr, s.outcome)?;
    let mut because: Vec<String> = s.because.iter().map(|c| c.as_str().to_owned()).collect();
    if !s.mx_refused.is_empty() {
        because.push(format!("refuses {}", s.mx_refused.join(", ")));
    }
    let summary = if because.is_empty() { "as published".to_owned() } else { because.join("; ") };
    let details = element(&element(&tr, "td", None)?, "details", None)?;
    element(&details, "summary", Some(&summary))?;
    Some(details)
}

/// Each row's notes and sources, in the loaded words.
fn explain_rows(rows: &[(SenderOutcome, web_sys::Element)], words: &Words) {
    for (s, details) in rows {
        let explained = words.explain(s.clone());
        let (Some(notes), Some(sources)) = (element(details, "ul", None), element(details, "ul", None)) else {
            continue;
        };
        let _ = notes.set_attribute("class", "notes");
        let _ = sources.set_attribute("class", "sources");
        for note in &explained.notes {
            element(&notes, "li", Some(note));
        }
        // Only https links are made links: the words file is the app's own, but a link is never trusted blindly.
        for url in explained.sources.iter().filter(|url| url.starts_with("https://")) {
            if let Some(link) = element(&sources, "li", None).and_then(|li| element(&li, "a", Some(url))) {
                let _ = link.set_attribute("href", url);
                let _ = link.set_attribute("rel", "noopener noreferrer");
            }
        }
    }
}

/// A body's numbered lines with every invisible or unusual byte made visible; bytes within `spans` (where
/// a finding points) are highlighted.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn BodyLines(body: Vec<u8>, #[prop(optional)] spans: Vec<(usize, usize)>) -> impl IntoView {
    let lines = visible_lines(&body);
    if lines.is_empty() {
        return view! { <p>"(empty body)"</p> }.into_any();
    }
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
    }
    .into_any()
}

/// A line-by-line difference (the core's `preflight::diff_lines`), each line's bytes made visible.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub(crate) fn DiffList(lines: Vec<DiffLine>) -> impl IntoView {
    view! {
        <ol class="diff" aria-label="line-by-line difference">
            {lines.into_iter().map(|line| {
                let (class, sign, label, text) = match line {
                    DiffLine::Same(t) => ("same", " ", "unchanged", t),
                    DiffLine::Added(t) => ("added", "+", "added", t),
                    DiffLine::Removed(t) => ("removed", "−", "removed", t),
                };
                view! {
                    <li class=class>
                        <span class="sign" aria-hidden="true">{sign}</span>
                        <span class="sr-only">{label}": "</span>
                        <code>{visible_text(text.as_bytes())}</code>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
