//! The widget (`/embed?domain=&lock=&theme=&accent=&parent=`): a compact result for an iframe on another
//! site, placed there by `embed.js`. It reports its height and each verdict to the host page and accepts
//! check requests from it; the message shapes are in [`crate::widget`], and only the `parent` origin is
//! written to or listened to.

use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;
use mta_sts::{Severity, Verdict};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::present::{severity_label, verdict_headline};
use crate::run::{Checked, Nav, Phase, check, status_view, waiting_view};
use crate::widget::{EmbedOptions, HostMessage, WidgetMessage};
use crate::widgets::{DomainInput, page_link, take_over_static_page, verdict_class, verdict_icon};

fn options_from_url() -> EmbedOptions {
    let search = window().location().search().unwrap_or_default();
    let pairs: Vec<(String, String)> = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .map(|params| {
            ["domain", "lock", "theme", "accent", "parent"]
                .into_iter()
                .filter_map(|k| params.get(k).map(|v| (k.to_owned(), v)))
                .collect()
        })
        .unwrap_or_default();
    EmbedOptions::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The host page's window, if the widget is framed.
fn parent_window() -> Option<web_sys::Window> {
    let parent = window().parent().ok().flatten()?;
    (!js_sys::Object::is(&parent, &window())).then_some(parent)
}

/// Posts `message` to the host page: to its origin when `embed.js` named it, else only the height, to
/// any origin (it says nothing about the visitor).
fn post(message: &WidgetMessage, parent_origin: Option<&str>) {
    let Some(parent) = parent_window() else { return };
    let target = match (parent_origin, message) {
        (Some(origin), _) => origin,
        (None, WidgetMessage::Resize { .. }) => "*",
        (None, _) => return,
    };
    if let Ok(value) = serde_wasm_bindgen::to_value(message) {
        let _ = parent.post_message(&value, target);
    }
}

/// Applies the theme and accent to the root element: attributes and CSS custom properties (set through
/// the CSSOM, which the Content-Security-Policy allows, unlike inline styles).
fn apply_look(options: &EmbedOptions) {
    let Some(root) = document().document_element() else { return };
    let _ = root.class_list().add_1("embedded");
    if let Some(theme) = options.theme.attribute() {
        let _ = root.set_attribute("data-theme", theme);
    }
    if let (Some(accent), Ok(root)) = (options.accent, root.dyn_into::<web_sys::HtmlElement>()) {
        let style = root.style();
        let _ = style.set_property("--accent", &accent.css());
        let _ = style.set_property("--focus", &accent.css());
        let _ = style.set_property("--accent-fg", accent.foreground());
    }
}

/// Reports the widget's height whenever its content changes size.
fn observe_height(parent_origin: Option<String>) {
    let Some(body) = document().body() else { return };
    let callback = Closure::<dyn FnMut()>::new(move || {
        let Some(body) = document().body() else { return };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a page height in pixels")]
        let height = body.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        post(&WidgetMessage::Resize { height }, parent_origin.as_deref());
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&body);
    }
    // The observer lives as long as the page.
    callback.forget();
}

/// Mounts the widget (the `mta-sts-embed` bundle).
pub fn start() {
    take_over_static_page();
    let options = options_from_url();
    apply_look(&options);
    observe_height(options.parent.clone());
    mount_to_body(move || view! { <Widget options=options.clone() /> });
}

/// A message from the host page, if it really is one: sent by the parent window, from the origin
/// `embed.js` named, and of a known shape. Anything else is ignored.
fn host_message(event: &web_sys::MessageEvent, parent_origin: Option<&str>) -> Option<HostMessage> {
    if Some(event.origin().as_str()) != parent_origin {
        return None;
    }
    let source = event.source()?;
    let parent = parent_window()?;
    if !js_sys::Object::is(&source, &parent) {
        return None;
    }
    serde_wasm_bindgen::from_value(event.data()).ok()
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Widget(options: EmbedOptions) -> impl IntoView {
    let input = RwSignal::new(options.domain.clone().unwrap_or_default());
    let input_error = RwSignal::new(None::<String>);
    let notes = RwSignal::new(Vec::<String>::new());
    let phase = RwSignal::new(Phase::Idle);
    let locked = options.locked;
    let parent_origin = options.parent.clone();

    if let Some(domain) = &options.domain {
        check(domain, Nav::Keep, phase, input_error, notes);
    }
    let origin_for_messages = parent_origin.clone();
    let _ = window_event_listener(ev::message, move |event| {
        if let Some(HostMessage::Check { domain }) = host_message(&event, origin_for_messages.as_deref())
            && !locked
        {
            input.set(domain.clone());
            check(&domain, Nav::Keep, phase, input_error, notes);
        }
    });
    let origin_for_results = parent_origin.clone();
    Effect::new(move || {
        if let Phase::Done(checked) = phase.get()
            && checked.report.verdict != Verdict::Pending
        {
            let report = &checked.report;
            post(
                &WidgetMessage::Result {
                    domain: report.domain.clone(),
                    verdict: report.verdict.as_str().to_owned(),
                    valid: report.valid,
                },
                origin_for_results.as_deref(),
            );
        }
    });

    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        check(&input.get_untracked(), Nav::Keep, phase, input_error, notes);
    };
    let home = window().location().origin().unwrap_or_default();
    view! {
        <main class="widget" aria-label="MTA-STS check">
            {(!locked).then(|| view! {
                <form class="check compact" role="search" on:submit=on_submit novalidate>
                    <label for="domain">"Check a domain's MTA-STS"</label>
                    <div class="row">
                        <DomainInput
                            id="domain"
                            value=input
                            invalid=Signal::derive(move || input_error.with(Option::is_some))
                            describedby="domain-error"
                        />
                        <button type="submit">{move || if phase.with(|p| p.running().is_some()) { "Checking…" } else { "Check" }}</button>
                    </div>
                    <p id="domain-error" class="input-error" role="alert">
                        {move || input_error.get().map(|reason| view! { <span>"✖ " {reason}</span> })}
                    </p>
                </form>
            })}
            <div class="status" aria-live="polite">{move || status_view(phase.get())}</div>
            {move || match phase.get() {
                Phase::Done(checked) => view! { <Compact checked=checked home=home.clone() /> }.into_any(),
                _ => ().into_any(),
            }}
        </main>
    }
}

/// The verdict, the findings that fail (errors and warnings, without their fixes) and a link to the full
/// report on the checker's own site.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Compact(checked: Arc<Checked>, home: String) -> impl IntoView {
    let report = &checked.report;
    let failing: Vec<_> = report.findings.iter().filter(|f| f.severity != Severity::Info).cloned().collect();
    let full = format!("{home}{}", page_link("/", &[("domain", &report.domain)]));
    view! {
        <section class="report compact" data-verdict=report.verdict.as_str() aria-labelledby="verdict-heading">
            <div class=verdict_class(report.verdict)>
                <h2 id="verdict-heading">
                    <span class="icon" aria-hidden="true">{verdict_icon(report.verdict)}</span>
                    <span class="domain">{report.domain.clone()}</span>": "
                    <span class="headline">{verdict_headline(report.verdict)}</span>
                </h2>
                <p class="summary">{report.summary.clone()}</p>
                {waiting_view(report)}
            </div>
            {(!failing.is_empty()).then(|| view! {
                <ul class="findings compact">
                    {failing.into_iter().map(|f| {
                        let (icon, word) = severity_label(f.severity);
                        view! {
                            <li class=format!("finding sev-{}", f.severity.as_str()) data-code=f.code.as_str()>
                                <span class="sev"><span aria-hidden="true">{icon}" "</span>{word}</span>" "
                                <code class="code">{f.code.as_str()}</code>": "{f.message}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!report.senders.is_empty()).then(|| {
                let line = mta_sts::senders::outcome::one_line(&report.senders);
                view! {
                    <p class="senders-line">
                        {line}". "
                        <a href=format!("{full}#senders") target="_blank" rel="noopener noreferrer">"Per sender ↗"</a>
                    </p>
                }
            })}
            <p class="more">
                <a href=full target="_blank" rel="noopener noreferrer">"Full report, evidence and fixes ↗"</a>
            </p>
        </section>
    }
}
