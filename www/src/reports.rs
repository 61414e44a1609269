//! The reports page (`/reports`): TLS-RPT aggregate reports (RFC 8460) read in the browser. The files are
//! read with the File API and handed to [`mta_sts::report::read_files`] here in WebAssembly; nothing is
//! uploaded, and the page makes no request while reading (the end-to-end test checks it). What is shown
//! comes from the core's [`Summary`]: this file decides no grouping and adds nothing up.
//!
//! One request, and only on a click: "Compare with the live policy" fetches a policy domain's observations
//! from `/api/observe` (as the check page does) and shows the core's comparison of the policy each sender
//! applied with the live one ([`ReportSet::compare_with_observations`]: the policy body's lines, read as
//! the reports' policy strings are; the evaluator would put this page over its size budget).
//!
//! Report contents are written by whoever sends a report, so they only ever become text nodes and SVG
//! attributes, never HTML.

use std::sync::Arc;

use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::message::reports_page as words;
use mta_sts::report::{LiveComparison, MAX_DECOMPRESSED, Reader, ReportSet, Summary};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::widgets::{SiteHeader, page_link, take_over_static_page};

/// Mounts the reports page (the `mta-sts-reports` bundle).
pub fn start() {
    take_over_static_page();
    mount_to_body(|| view! { <ReportsPage /> });
}

/// Loads one file and reads it into `reader`; a file the browser cannot give is listed with its sentence.
async fn load_into(reader: &mut Reader, file: web_sys::File) {
    let name = file.name();
    #[allow(clippy::cast_precision_loss, reason = "the limit is 20 MB")]
    if file.size() > MAX_DECOMPRESSED as f64 {
        reader.add_unreadable(&name, words::file_too_large(&name, MAX_DECOMPRESSED / (1024 * 1024)));
        return;
    }
    match JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => reader.add(&name, &Uint8Array::new(&buffer).to_vec()),
        Err(_) => reader.add_unreadable(&name, words::file_unreadable(&name)),
    }
}

/// Gives the browser a turn (a macrotask, so it can paint the progress line) before the next file is read.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    list.map(|l| (0..l.length()).filter_map(|i| l.item(i)).collect()).unwrap_or_default()
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let set = RwSignal::new(None::<Arc<ReportSet>>);
    // While files are read: (the file being read, how many), for the progress line.
    let reading = RwSignal::new(None::<(usize, usize)>);
    let dragging = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    // Files are read asynchronously: a slow earlier choice must not replace the result of a later one.
    let generation = StoredValue::new(0u64);

    let read_chosen = move |files: Vec<web_sys::File>| {
        if files.is_empty() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        let total = files.len();
        reading.set(Some((1, total)));
        // One file at a time, with a turn for the browser between files, so that a batch of many large
        // reports shows its progress instead of freezing the page; the results appear at the end.
        spawn_local(async move {
            let mut reader = Reader::default();
            for (i, file) in files.into_iter().enumerate() {
                if generation.try_get_value() != Some(this) {
                    return;
                }
                reading.try_set(Some((i + 1, total)));
                yield_to_browser().await;
                load_into(&mut reader, file).await;
            }
            if generation.try_get_value() == Some(this) {
                set.try_set(Some(Arc::new(reader.finish())));
                reading.try_set(None);
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        read_chosen(files_of(input.as_ref().and_then(web_sys::HtmlInputElement::files)));
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        // Without this the browser would open the dropped file in place of the page.
        ev.prevent_default();
        dragging.set(false);
        read_chosen(files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let on_paste_read = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = pasted.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        generation.update_value(|g| *g += 1);
        reading.set(None);
        let mut reader = Reader::default();
        reader.add(&words::pasted_name(), text.as_bytes());
        set.set(Some(Arc::new(reader.finish())));
    };

    // The header takes a static tagline; the page is mounted once, so its words are made static once.
    let tagline: &'static str = words::tagline().leak();
    view! {
        <SiteHeader current="reports" tagline=tagline />
        <main>
            <section class="choose" aria-labelledby="choose-heading">
                <h2 id="choose-heading">{words::your_reports()}</h2>
                <div
                    class=move || if dragging.get() { "dropzone dragging" } else { "dropzone" }
                    on:dragover=on_dragover
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <label for="report-files">{words::choose()}</label>
                    // No `accept` filter: the reader goes by the content (RFC 8460 §5.6), and attachments
                    // are often saved under generic names a filter would hide.
                    <input id="report-files" type="file" multiple aria-describedby="report-files-help" on:change=on_change />
                    <p id="report-files-help" class="help">{words::choose_help()}</p>
                </div>
                <form class="paste field" on:submit=on_paste_read>
                    <label for="report-json">{words::paste()}</label>
                    <textarea id="report-json" rows="5" spellcheck="false" autocomplete="off"
                        prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                    <div class="actions"><button type="submit">{words::paste_button()}</button></div>
                </form>
            </section>
            // The totals are announced here and shown in the heading below, so the sentence is read out
            // once and seen once.
            <p class=move || if reading.get().is_some() { "status running" } else { "status sr-only" } role="status" aria-live="polite">
                {move || match reading.get() {
                    Some((_, 1)) => words::reading(),
                    Some((number, total)) => words::reading_file(number, total),
                    None => set.with(|s| s.as_ref().map(|s| s.summary().headline).unwrap_or_default()),
                }}
            </p>
            {move || set.get().map(|set| view! { <ReportsView set=set /> })}
        </main>
    }
}

/// The whole result for one set of reports.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn ReportsView(set: Arc<ReportSet>) -> impl IntoView {
    let summary = set.summary();
    let class = if set.files.iter().any(|f| f.error.is_some()) || set.has_failures() {
        "verdict bad"
    } else if set.reports.is_empty() {
        "verdict unknown"
    } else {
        "verdict good"
    };
    let files = set.files.clone();
    let notes = set.notes.clone();
    let csv = summary.csv();
    view! {
        <section class="reports" aria-labelledby="reports-heading">
            <div class=class>
                <h2 id="reports-heading" class="report-totals">{summary.headline.clone()}</h2>
            </div>
            <h3>{words::files()}</h3>
            <ul class="plain files">
                {files.into_iter().map(|f| match f.error {
                    None => view! {
                        <li class="file-ok"><span aria-hidden="true">"✔ "</span>{f.file}
                            <span class="legend">{if f.reports == 1 { words::one_report() } else { words::reports(f.reports) }}</span></li>
                    }.into_any(),
                    Some(error) => view! {
                        <li class="file-error"><span aria-hidden="true">"✖ "</span><span class="sr-only">{words::not_read()}</span>{error}</li>
                    }.into_any(),
                }).collect_view()}
            </ul>
            {(!set.reports.is_empty()).then(|| view! { <Results set=set.clone() summary=summary csv=csv /> })}
            {(!notes.is_empty()).then(|| view! {
                <h3>{words::notes()}</h3>
                <ul class="report-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Results(set: Arc<ReportSet>, summary: Summary, csv: String) -> impl IntoView {
    let chart = summary.chart();
    let domains = summary.domains.clone();
    let reporters = summary.reporters.clone();
    let mx = summary.mx_hosts.clone();
    let without_mx = summary.failures_without_mx_host;
    let types = summary.result_types.clone();
    let days = summary.days.clone();
    view! {
        <h3 id="chart-heading">{words::sessions_per_day()}</h3>
        <Chart chart=chart />
        <details class="day-table">
            <summary>{words::as_table()}</summary>
            <SessionTable rows=days first=words::day_utc() />
        </details>
        <h3>{words::per_domain()}</h3>
        <div class="scroll">
            <table class="domains">
                <thead><tr><th scope="col">{words::policy_domain()}</th><th scope="col">{words::reports_column()}</th><th scope="col">{words::successful()}</th><th scope="col">{words::failed()}</th><th scope="col">{words::check_column()}</th></tr></thead>
                <tbody>{domains.into_iter().map(|d| {
                    let check = d.key.clone().map(|domain| {
                        let href = page_link("/", &[("domain", &domain)]);
                        view! {
                            <a class="check-now" href=href>{words::check_now(&domain)}</a>
                            <CompareLive domain=domain set=set.clone() />
                        }
                    });
                    let class = if d.failed > 0 { "has-failures" } else { "" };
                    view! {
                        <tr class=class>
                            <td>{d.label}</td><td>{d.reports}</td><td>{d.successful}</td><td class="failed-count">{d.failed}</td><td>{check}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
        <DownloadCsv csv=csv />
        <h3>{words::per_reporter()}</h3>
        <SessionTable rows=reporters first=words::reporter() />
        <h3>{words::per_mx()}</h3>
        <div class="scroll">
            <table class="mx-hosts">
                <thead><tr><th scope="col">{words::mx_host()}</th><th scope="col">{words::in_mx_host()}</th><th scope="col">{words::failed_sessions()}</th><th scope="col">{words::result_types()}</th></tr></thead>
                <tbody>
                    {mx.into_iter().map(|m| view! {
                        <tr>
                            <td><code>{m.host}</code></td>
                            <td>{if m.in_policy { words::yes() } else { words::no() }}</td>
                            <td class="failed-count">{m.failed}</td>
                            <td>{m.result_types.join(", ")}</td>
                        </tr>
                    }).collect_view()}
                    {(without_mx > 0).then(|| view! {
                        <tr><td>{words::mx_not_named()}</td><td></td><td class="failed-count">{without_mx}</td><td></td></tr>
                    })}
                </tbody>
            </table>
        </div>
        <h3>{words::by_result_type()}</h3>
        {if types.is_empty() {
            view! { <p class="none">{words::no_failures()}</p> }.into_any()
        } else {
            view! {
                <div class="scroll">
                    <table class="result-types">
                        <thead><tr><th scope="col">{words::result_type()}</th><th scope="col">{words::failed_sessions()}</th><th scope="col">{words::meaning()}</th></tr></thead>
                        <tbody>{types.into_iter().map(|t| view! {
                            <tr><td><code>{t.name}</code></td><td>{t.count}</td><td class="explanation">{t.explanation}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// Where a live comparison stands.
#[derive(Clone)]
enum Live {
    Idle,
    Fetching,
    Done(Arc<LiveComparison>),
    Failed(String),
}

/// The "Compare with the live policy" button of one policy domain: the page's only request, made on the
/// click and never while reading.
#[component]
fn CompareLive(domain: String, set: Arc<ReportSet>) -> impl IntoView {
    let state = RwSignal::new(Live::Idle);
    let on_click = move |_| {
        if matches!(state.get_untracked(), Live::Fetching) {
            return;
        }
        state.set(Live::Fetching);
        let (domain, set) = (domain.clone(), set.clone());
        spawn_local(async move {
            let outcome = match crate::api::observe(&domain, None).await {
                Ok(obs) => Live::Done(Arc::new(set.compare_with_observations(&obs))),
                Err(e) => Live::Failed(e.to_string()),
            };
            state.try_set(outcome);
        });
    };
    view! {
        <button type="button" class="compare-live" on:click=on_click
            disabled=move || matches!(state.get(), Live::Fetching)>{words::compare_live()}</button>
        <div class="live-result" role="status" aria-live="polite">
            {move || match state.get() {
                Live::Idle => None,
                Live::Fetching => Some(view! { <p class="status running">{words::fetching_live()}</p> }.into_any()),
                Live::Done(comparison) => Some(view! { <LiveView comparison=comparison /> }.into_any()),
                Live::Failed(error) => Some(view! { <p class="live-error">{error}</p> }.into_any()),
            }}
        </div>
    }
}

/// The core's comparison of each sender's policy with the live one: its sentences, and the lines that differ.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
pub fn LiveView(comparison: Arc<LiveComparison>) -> impl IntoView {
    let senders = comparison.senders.clone();
    view! {
        <div class="live-comparison">
            <p class="live-sentence">{comparison.sentence.clone()}</p>
            <ul class="plain live-senders">
                {senders.into_iter().map(|s| {
                    let class = if s.same { "live-same" } else { "live-older" };
                    let lines = s.added.iter().map(|l| ("+ ", l.clone()))
                        .chain(s.removed.iter().map(|l| ("− ", l.clone())))
                        .map(|(mark, line)| view! { <li><code>{mark}{line}</code></li> })
                        .collect_view();
                    view! {
                        <li class=class>
                            <span aria-hidden="true">{if s.same { "✔ " } else { "⚠ " }}</span>{s.sentence}
                            {(!s.same).then(|| view! { <ul class="plain live-lines">{lines}</ul> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn SessionTable(rows: Vec<mta_sts::report::summary::Row>, first: String) -> impl IntoView {
    view! {
        <div class="scroll">
            <table class="sessions">
                <thead><tr><th scope="col">{first}</th><th scope="col">{words::reports_column()}</th><th scope="col">{words::successful()}</th><th scope="col">{words::failed()}</th></tr></thead>
                <tbody>{rows.into_iter().map(|r| view! {
                    <tr><td>{r.label}</td><td>{r.reports}</td><td>{r.successful}</td><td class="failed-count">{r.failed}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// The core's chart geometry as SVG elements; the colours come from the stylesheet's variables, so the
/// chart follows the light and dark themes.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Chart(chart: mta_sts::report::Chart) -> impl IntoView {
    if chart.bars.is_empty() {
        return view! { <p class="none">{words::no_chart()}</p> }.into_any();
    }
    let baseline = n(chart.baseline);
    let label_y = n(chart.baseline + 18.0);
    let bars = chart
        .bars
        .into_iter()
        .map(|b| {
            let centre = n(b.x + b.width / 2.0);
            view! {
                <g class="bar" data-day=b.day.clone()>
                    <title>{b.title}</title>
                    <rect class="ok" x=n(b.x) y=n(b.successful_y) width=n(b.width) height=n(b.successful_height)></rect>
                    <rect class="fail" x=n(b.x) y=n(b.failed_y) width=n(b.width) height=n(b.failed_height)></rect>
                    {b.label.map(|l| view! { <text x=centre.clone() y=label_y.clone() text-anchor="middle">{l}</text> })}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {}", n(chart.width), n(chart.height)) role="img" aria-label=chart.title.clone() preserveAspectRatio="xMidYMid meet">
                <line class="axis" x1="0" x2=n(chart.width) y1=baseline.clone() y2=baseline></line>
                {bars}
            </svg>
            <figcaption class="legend">
                <span class="key ok" aria-hidden="true"></span>{words::legend_successful()}
                <span class="key fail" aria-hidden="true"></span>{words::legend_failed()}
            </figcaption>
        </figure>
    }
    .into_any()
}

/// A link that saves the per-day, per-domain table as a CSV file. The file is made here, as a Blob in
/// the page's memory: nothing goes to a server.
#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn DownloadCsv(csv: String) -> impl IntoView {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&csv));
    let url = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .ok()
        .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob).ok());
    if let Some(url) = url.clone() {
        on_cleanup(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
    }
    url.map(|href| {
        view! {
            <p class="actions"><a class="button-link export-csv" href=href download="tls-rpt-per-day-and-domain.csv">{words::export_csv()}</a></p>
        }
    })
}
