//! The reports page (`/reports`): TLS-RPT aggregate reports (RFC 8460) read in the browser. The files are
//! read with the File API and handed to [`mta_sts::report::read_files`] here in WebAssembly; nothing is
//! uploaded, and the page makes no request while reading (the end-to-end test checks it). What is shown
//! comes from the core's [`Summary`]: this file decides no grouping and adds nothing up.
//!
//! Report contents are written by whoever sends a report, so they only ever become text nodes and SVG
//! attributes, never HTML.

use std::sync::Arc;

use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::report::{FileRead, MAX_DECOMPRESSED, ReportSet, Summary, read_files};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::widgets::{SiteHeader, page_link, take_over_static_page};

/// Mounts the reports page (the `mta-sts-reports` bundle).
pub fn start() {
    take_over_static_page();
    mount_to_body(|| view! { <ReportsPage /> });
}

/// A file's bytes, or why the browser could not give them.
type Loaded = (String, Result<Vec<u8>, String>);

async fn load(file: web_sys::File) -> Loaded {
    let name = file.name();
    #[allow(clippy::cast_precision_loss, reason = "the limit is 20 MB")]
    if file.size() > MAX_DECOMPRESSED as f64 {
        let mb = MAX_DECOMPRESSED / (1024 * 1024);
        let error = format!("{name} is larger than {mb} MB, far larger than a TLS-RPT report, so it was not read.");
        return (name, Err(error));
    }
    if let Ok(buffer) = JsFuture::from(file.array_buffer()).await {
        (name, Ok(Uint8Array::new(&buffer).to_vec()))
    } else {
        let error = format!("Your browser could not read {name}. Choose it again, or paste its contents below.");
        (name, Err(error))
    }
}

/// Reads what was loaded, keeping each file in its place, whether it could be loaded or not.
fn read(loaded: &[Loaded]) -> ReportSet {
    let readable: Vec<(String, &[u8])> =
        loaded.iter().filter_map(|(n, b)| b.as_ref().ok().map(|b| (n.clone(), b.as_slice()))).collect();
    let mut set = read_files(&readable);
    for (i, (file, bytes)) in loaded.iter().enumerate() {
        if let Err(error) = bytes {
            set.files.insert(i, FileRead { file: file.clone(), reports: 0, error: Some(error.clone()) });
        }
    }
    set
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    list.map(|l| (0..l.length()).filter_map(|i| l.item(i)).collect()).unwrap_or_default()
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let set = RwSignal::new(None::<Arc<ReportSet>>);
    let reading = RwSignal::new(false);
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
        reading.set(true);
        spawn_local(async move {
            let mut loaded = Vec::with_capacity(files.len());
            for file in files {
                loaded.push(load(file).await);
            }
            if generation.try_get_value() == Some(this) {
                set.try_set(Some(Arc::new(read(&loaded))));
                reading.try_set(false);
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
        reading.set(false);
        set.set(Some(Arc::new(read(&[("the pasted text".to_owned(), Ok(text.into_bytes()))]))));
    };

    view! {
        <SiteHeader current="reports" tagline="Read the TLS-RPT reports senders mail to your rua address: totals, failures by day, MX host and cause. The files are read in your browser and never uploaded." />
        <main>
            <section class="choose" aria-labelledby="choose-heading">
                <h2 id="choose-heading">"Your reports"</h2>
                <div
                    class=move || if dragging.get() { "dropzone dragging" } else { "dropzone" }
                    on:dragover=on_dragover
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <label for="report-files">"Choose report files, or drop them here"</label>
                    // No `accept` filter: the reader goes by the content (RFC 8460 §5.6), and attachments
                    // are often saved under generic names a filter would hide.
                    <input id="report-files" type="file" multiple aria-describedby="report-files-help" on:change=on_change />
                    <p id="report-files-help" class="help">"A report as a .json or .json.gz file, or the email it came in (.eml). Several at once are summed up; a report read twice is counted once."</p>
                </div>
                <form class="paste field" on:submit=on_paste_read>
                    <label for="report-json">"Or paste a report's JSON"</label>
                    <textarea id="report-json" rows="5" spellcheck="false" autocomplete="off"
                        prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                    <div class="actions"><button type="submit">"Read the pasted report"</button></div>
                </form>
            </section>
            // The totals are announced here and shown in the heading below, so the sentence is read out
            // once and seen once.
            <p class=move || if reading.get() { "status running" } else { "status sr-only" } role="status" aria-live="polite">
                {move || if reading.get() {
                    "Reading…".to_owned()
                } else {
                    set.with(|s| s.as_ref().map(|s| s.summary().headline).unwrap_or_default())
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
            <h3>"Files"</h3>
            <ul class="plain files">
                {files.into_iter().map(|f| match f.error {
                    None => view! {
                        <li class="file-ok"><span aria-hidden="true">"✔ "</span>{f.file}
                            <span class="legend">{format!(" — {} report{}", f.reports, if f.reports == 1 { "" } else { "s" })}</span></li>
                    }.into_any(),
                    Some(error) => view! {
                        <li class="file-error"><span aria-hidden="true">"✖ "</span><span class="sr-only">"Not read: "</span>{error}</li>
                    }.into_any(),
                }).collect_view()}
            </ul>
            {(!set.reports.is_empty()).then(|| view! { <Results summary=summary csv=csv /> })}
            {(!notes.is_empty()).then(|| view! {
                <h3>"Notes"</h3>
                <ul class="report-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn Results(summary: Summary, csv: String) -> impl IntoView {
    let chart = summary.chart();
    let domains = summary.domains.clone();
    let reporters = summary.reporters.clone();
    let mx = summary.mx_hosts.clone();
    let without_mx = summary.failures_without_mx_host;
    let types = summary.result_types.clone();
    let days = summary.days.clone();
    view! {
        <h3 id="chart-heading">"Sessions per day"</h3>
        <Chart chart=chart />
        <details class="day-table">
            <summary>"The same as a table"</summary>
            <SessionTable rows=days first="Day (UTC)" />
        </details>
        <h3>"Per policy domain"</h3>
        <div class="scroll">
            <table class="domains">
                <thead><tr><th scope="col">"Policy domain"</th><th scope="col">"Reports"</th><th scope="col">"Successful"</th><th scope="col">"Failed"</th><th scope="col">"Check"</th></tr></thead>
                <tbody>{domains.into_iter().map(|d| {
                    let check = d.key.clone().map(|domain| {
                        let href = page_link("/", &[("domain", &domain)]);
                        view! { <a class="check-now" href=href>{format!("Check {domain} now")}</a> }
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
        <h3>"Per reporter"</h3>
        <SessionTable rows=reporters first="Reporter" />
        <h3>"Per MX host"</h3>
        <div class="scroll">
            <table class="mx-hosts">
                <thead><tr><th scope="col">"MX host"</th><th scope="col">"In a policy's mx-host"</th><th scope="col">"Failed sessions"</th><th scope="col">"Result types"</th></tr></thead>
                <tbody>
                    {mx.into_iter().map(|m| view! {
                        <tr>
                            <td><code>{m.host}</code></td>
                            <td>{if m.in_policy { "yes" } else { "no" }}</td>
                            <td class="failed-count">{m.failed}</td>
                            <td>{m.result_types.join(", ")}</td>
                        </tr>
                    }).collect_view()}
                    {(without_mx > 0).then(|| view! {
                        <tr><td>"(not named by the reporter)"</td><td></td><td class="failed-count">{without_mx}</td><td></td></tr>
                    })}
                </tbody>
            </table>
        </div>
        <h3>"Failures by result type (RFC 8460 §4.3)"</h3>
        {if types.is_empty() {
            view! { <p class="none">"No failed sessions."</p> }.into_any()
        } else {
            view! {
                <div class="scroll">
                    <table class="result-types">
                        <thead><tr><th scope="col">"Result type"</th><th scope="col">"Failed sessions"</th><th scope="col">"What it means"</th></tr></thead>
                        <tbody>{types.into_iter().map(|t| view! {
                            <tr><td><code>{t.name}</code></td><td>{t.count}</td><td class="explanation">{t.explanation}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
#[allow(clippy::needless_pass_by_value, reason = "Leptos components take their props by value")]
fn SessionTable(rows: Vec<mta_sts::report::summary::Row>, first: &'static str) -> impl IntoView {
    view! {
        <div class="scroll">
            <table class="sessions">
                <thead><tr><th scope="col">{first}</th><th scope="col">"Reports"</th><th scope="col">"Successful"</th><th scope="col">"Failed"</th></tr></thead>
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
        return view! { <p class="none">"No report has a readable date, so there is no chart."</p> }.into_any();
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
                <span class="key ok" aria-hidden="true"></span>" successful  "
                <span class="key fail" aria-hidden="true"></span>" failed (at least a sliver on any day with failures)"
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
            <p class="actions"><a class="button-link export-csv" href=href download="tls-rpt-per-day-and-domain.csv">"Export CSV (per day and policy domain)"</a></p>
        }
    })
}
