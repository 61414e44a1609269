//! The rules page (`/rules`): the core's rule table, one anchored entry per finding code, so every
//! finding on the other pages links to its explanation (`/rules#<code>`). Everything shown comes from
//! the table (`Code::rule`, `mta_sts::senders`); sender sources are the only external links.
//!
//! At the top, "Why did my mail bounce?": a pasted bounce or log line explained by the core
//! ([`mta_sts::bounce::explain`]), in the browser, with each cause linked to its rule below and each domain
//! it names to a live check. Nothing pasted leaves the page.

use leptos::prelude::*;
use mta_sts::bounce::{Explanation, explain};
use mta_sts::finding::{Category, CheckedBy, Rule};
use mta_sts::{Code, Severity};

use crate::present::{citations, severity_label};

use crate::widgets::{SiteHeader, page_link, take_over_static_page};

/// Mounts the rules page (the `mta-sts-rules` bundle).
pub fn start() {
    take_over_static_page();
    mount_to_body(|| view! { <RulesPage /> });
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let sections = Category::ALL.map(|category| {
        let rules: Vec<Rule> = Code::ALL.iter().map(|c| c.rule()).filter(|r| r.category == category).collect();
        view! {
            <section class="group" id=format!("category-{}", category.as_str())>
                <h2>{category.title()}</h2>
                <ul class="rules">{rules.into_iter().map(|rule| view! { <RuleEntry rule=rule /> }).collect_view()}</ul>
            </section>
        }
    });
    view! {
        <SiteHeader current="rules" tagline="Every rule the checker applies: what it checks, how much it matters, the RFC sentence behind it, and what real senders do differently." />
        <main><BounceForm />{sections}</main>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn RuleEntry(rule: Rule) -> impl IntoView {
    let (icon, word) = severity_label(rule.severity);
    let testing = rule.severity_in_testing.map(|s| format!(" ({} under testing)", severity_label(s).1.to_lowercase()));
    let group = (rule.group != rule.code).then(|| rule.group.as_str());
    let links = citations(rule.rfc);
    let members: Vec<Code> = rule.code.members().collect();
    let senders = rule.senders.clone();
    let messages = rule.messages.clone();
    view! {
        <li class=format!("rule sev-{}", rule.severity.as_str()) id=rule.code.as_str()>
            <h3><code>{rule.code.as_str()}</code></h3>
            <p class="title">{rule.title}</p>
            <p class="meta">
                <span class="sev"><span aria-hidden="true">{icon}" "</span>{word}</span>{testing}
                {group.map(|g| view! { " · group " <a href=format!("#{g}")><code>{g}</code></a> })}
            </p>
            <blockquote class="rfc-text">{rule.rfc_text}</blockquote>
            <p class="rfc">
                {links.into_iter().map(|c| view! {
                    <a href=c.url rel="noopener noreferrer" target="_blank">{c.label}</a>" "
                }).collect_view()}
            </p>
            {rule.is_group.then(|| view! {
                <p>"A group: never reported itself; every finding of these rules carries it as its group:"</p>
                <ul class="members">{members.into_iter().map(|m| view! {
                    <li><a href=format!("#{}", m.as_str())><code>{m.as_str()}</code></a>" — "{m.title()}</li>
                }).collect_view()}</ul>
            })}
            {(rule.severity == Severity::Error && !rule.is_group).then(|| view! {
                <p class="note">{Severity::Error.meaning()}</p>
            })}
            {match rule.checked_by {
                CheckedBy::Every => None,
                CheckedBy::CertificateShell => Some(view! { <p class="note">"Checked only where the policy host's certificate is seen: by the command-line tool and the self-hosted server, not by this page's edge worker."</p> }),
                CheckedBy::Preflight => Some(view! { <p class="note">"Checked only by the pre-flight check, which compares a draft with what is live."</p> }),
                CheckedBy::TlsaLookup => Some(view! { <p class="note">"Checked where the MX hosts' TLSA records were looked up: by every check, but not in observations saved before these lookups existed."</p> }),
            }}
            {(!messages.is_empty()).then(|| view! {
                <details class="messages">
                    <summary>{format!("What it reports ({} case{})", messages.len(), if messages.len() == 1 { "" } else { "s" })}</summary>
                    <ul>{messages.into_iter().map(|t| view! {
                        <li>{t.text}{t.fix.map(|fix| view! { <br /><span class="fix-label">"Fix: "</span>{fix} })}</li>
                    }).collect_view()}</ul>
                </details>
            })}
            {(!senders.is_empty()).then(|| view! {
                <details class="senders">
                    <summary>{format!("What {} real sender{} do differently", senders.len(), if senders.len() == 1 { "" } else { "s" })}</summary>
                    <ul>{senders.into_iter().map(|d| {
                        let name = mta_sts::senders::sender(d.sender).map_or(d.sender, |s| s.name);
                        view! {
                            <li><strong>{name}</strong>": "{d.detail}" "
                                <a href=d.source rel="noopener noreferrer" target="_blank">"source"</a></li>
                        }
                    }).collect_view()}</ul>
                </details>
            })}
        </li>
    }
}

/// "Why did my mail bounce?": the explanation follows the text as it is pasted or typed.
#[component]
pub fn BounceForm() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let explanation = move || {
        let text = text.get();
        (!text.trim().is_empty()).then(|| view! { <BounceView explanation=explain(&text) /> })
    };
    view! {
        <section class="group bounce" id="bounce">
            <h2>"Why did my mail bounce?"</h2>
            <div class="field">
                <label for="bounce-text">"Paste the bounce message, its " <code>"Diagnostic-Code"</code>
                    " line, or the mail log line of the failed delivery. It is read here, in your browser."</label>
                <textarea
                    id="bounce-text"
                    rows="5"
                    spellcheck="false"
                    autocapitalize="none"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </div>
            {explanation}
        </section>
    }
}

/// What the core made of a bounce: each recognised failure with its rule, fix and source, then a live
/// check of each domain the bounce names.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn BounceView(explanation: Explanation) -> impl IntoView {
    let causes = explanation.causes.into_iter().map(|cause| {
        let status = cause.status.map(|s| format!(" ({s})"));
        view! {
            <article class="bounce-cause">
                <h3>{format!("{}: {}", cause.sender, cause.title)}{status}</h3>
                <blockquote class="quote">{cause.quote}</blockquote>
                <p class="meaning">{cause.meaning}</p>
                {cause.caveat.map(|c| view! { <p class="note">{c}</p> })}
                {cause.detail.map(|d| view! { <p class="detail">"Reason given: "{d}</p> })}
                <p class="rfc">
                    {cause.codes.into_iter().map(|code| view! {
                        <a class="code" href=format!("#{}", code.as_str())><code>{code.as_str()}</code></a>" "
                    }).collect_view()}
                    {cause.rfc}
                </p>
                <p class="fix"><span class="fix-label">"Fix: "</span>{cause.fix}</p>
                <p class="source"><a href=cause.source rel="noopener noreferrer" target="_blank">"Where the sender says this"</a></p>
            </article>
        }
    }).collect_view();
    let checks = explanation
        .domains
        .into_iter()
        .map(|domain| {
            let href = page_link("/", &[("domain", &domain)]);
            view! { <a class="check-now" href=href>{format!("Check {domain} now")}</a>" " }
        })
        .collect_view();
    view! {
        <div class="bounce-result" aria-live="polite">
            <p class="summary">{explanation.summary}</p>
            {causes}
            <p class="checks">{checks}</p>
        </div>
    }
}
