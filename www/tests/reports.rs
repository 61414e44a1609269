//! Component tests of the reports page (`/reports`): the view of a `ReportSet` read from the core's report
//! fixtures (`tests/fixtures/reports`), in a real browser DOM (headless Chromium, see `.ci/run`).

#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use mta_sts::Policy;
use mta_sts::message::reports_page as words;
use mta_sts::report::{ReportSet, ResultType, read_files};
use mta_sts_web::{LiveView, ReportsPage, ReportsView};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const GOOGLE: &[u8] = include_bytes!("../../tests/fixtures/reports/google-shape.json");
const MICROSOFT: &[u8] = include_bytes!("../../tests/fixtures/reports/microsoft-shape.json");
const RFC: &[u8] = include_bytes!("../../tests/fixtures/reports/rfc8460-appendix-b.json");
const DMARC: &[u8] = include_bytes!("../../tests/fixtures/reports/dmarc-aggregate.xml");

fn set() -> ReportSet {
    read_files(&[
        ("google.json".to_owned(), GOOGLE),
        ("microsoft.json".to_owned(), MICROSOFT),
        ("rfc.json".to_owned(), RFC),
        ("dmarc.xml".to_owned(), DMARC),
    ])
}

async fn render(set: ReportSet) -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let set = Arc::new(set);
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <ReportsView set=set.clone() /> });
    handle.forget();
    leptos::task::tick().await;
    host
}

fn texts(host: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.text_content().unwrap_or_default()).collect()
}

#[wasm_bindgen_test]
async fn shows_totals_files_chart_tables_and_explanations() {
    let set = set();
    let summary = set.summary();
    let host = render(set.clone()).await;

    assert_eq!(texts(&host, ".report-totals"), vec![summary.headline.clone()]);
    assert!(summary.headline.contains(&format!("{} successful", set.totals.successful)), "{}", summary.headline);

    // One line per file; the DMARC file with its sentence.
    assert_eq!(texts(&host, "ul.files li").len(), 4);
    let errors = texts(&host, "ul.files li.file-error");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains(set.files[3].error.as_deref().unwrap()), "{errors:?}");

    // The chart: SVG rectangles (in the SVG namespace), one group per day with its counts as its title.
    let chart = summary.chart();
    let bars = host.query_selector_all("figure.chart svg g.bar").unwrap();
    assert_eq!(bars.length() as usize, chart.bars.len());
    let first: web_sys::Element = bars.item(0).unwrap().unchecked_into();
    assert_eq!(first.get_attribute("data-day").as_deref(), Some(chart.bars[0].day.as_str()));
    let rect = first.query_selector("rect.fail").unwrap().expect("a failed-sessions rectangle");
    assert_eq!(rect.namespace_uri().as_deref(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(rect.get_attribute("height"), Some(format!("{:.1}", chart.bars[0].failed_height)));
    assert!(texts(&host, "g.bar title").contains(&chart.bars[0].title));

    // Every result type with its explanation.
    let explanations = texts(&host, "table.result-types td.explanation");
    assert!(explanations.contains(&ResultType::CertificateExpired.explain()), "{explanations:?}");
    assert_eq!(explanations.len(), summary.result_types.len());

    // A plain link to check each policy domain.
    let links = host.query_selector_all("a.check-now").unwrap();
    let hrefs: Vec<String> = (0..links.length())
        .filter_map(|i| links.item(i))
        .filter_map(|n| n.unchecked_into::<web_sys::Element>().get_attribute("href"))
        .collect();
    assert_eq!(hrefs.len(), summary.domains.iter().filter(|d| d.key.is_some()).count());
    assert!(hrefs.iter().any(|h| h == "/?domain=example.com"), "{hrefs:?}");

    // The CSV export is a Blob URL made in the page.
    let csv = host.query_selector("a.export-csv").unwrap().expect("the CSV link");
    assert!(csv.get_attribute("href").unwrap().starts_with("blob:"));
    assert!(csv.has_attribute("download"));

    assert_eq!(texts(&host, "ul.report-notes li"), set.notes);
}

#[wasm_bindgen_test]
async fn report_text_stays_text() {
    let report = br#"{"organization-name": "<img src=x onerror=alert(1)>", "report-id": "x",
        "date-range": {"start-datetime": "2026-11-29T00:00:00Z", "end-datetime": "2026-11-29T23:59:59Z"},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "<b>evil</b>"},
                      "summary": {"total-successful-session-count": 1, "total-failure-session-count": 0}}]}"#;
    let host = render(read_files(&[("x.json".to_owned(), report.as_slice())])).await;
    assert!(host.query_selector("img").unwrap().is_none());
    assert!(host.query_selector("table b").unwrap().is_none());
    assert!(texts(&host, "table.sessions td").iter().any(|t| t == "<img src=x onerror=alert(1)>"));
}

/// A domain's row offers the live comparison as a button; nothing is fetched or shown until it is clicked.
#[wasm_bindgen_test]
async fn each_policy_domain_has_a_compare_button_and_nothing_is_fetched_before_a_click() {
    let set = set();
    let with_domain = set.summary().domains.iter().filter(|d| d.key.is_some()).count();
    let host = render(set).await;
    assert_eq!(texts(&host, "button.compare-live"), vec![words::compare_live(); with_domain]);
    assert!(texts(&host, ".live-result").iter().all(String::is_empty));
}

#[wasm_bindgen_test]
async fn the_live_comparison_shows_each_sender_and_the_lines_that_differ() {
    // Google's report applied `mode: enforce` with mx1 and mx2; the live policy is in testing with mx1 only.
    let live =
        Policy::parse(b"version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n").value.unwrap();
    let set = read_files(&[("google.json".to_owned(), GOOGLE)]);
    let comparison = set.compare_live("example.com", Some(&live), Some("20261201"));
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let shown = Arc::new(comparison.clone());
    leptos::mount::mount_to(host.clone(), move || view! { <LiveView comparison=shown.clone() /> }).forget();
    leptos::task::tick().await;

    assert_eq!(texts(&host, ".live-sentence"), vec![comparison.sentence.clone()]);
    let older = texts(&host, "li.live-older");
    assert_eq!(older.len(), 1);
    assert!(older[0].contains(&comparison.senders[0].sentence), "{older:?}");
    assert!(older[0].contains("id=20261201"), "{older:?}");
    assert_eq!(texts(&host, "ul.live-lines code"), vec!["+ mode: testing", "− mode: enforce", "− mx: mx2.example.com"]);
}

/// Gives the browser a turn, as the page does between files.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Files chosen in the file input are read one at a time, with a progress line between them, and the
/// results appear once, at the end.
#[wasm_bindgen_test]
async fn a_batch_of_files_shows_its_progress_then_the_totals() {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host.clone(), || view! { <ReportsPage /> }).forget();
    leptos::task::tick().await;

    let files = [("google.json", GOOGLE), ("microsoft.json", MICROSOFT), ("rfc.json", RFC)];
    let transfer = web_sys::DataTransfer::new().unwrap();
    for (name, bytes) in files {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let file = web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap();
        transfer.items().add_with_file(&file).unwrap();
    }
    let input: web_sys::HtmlInputElement = host.query_selector("#report-files").unwrap().unwrap().unchecked_into();
    input.set_files(transfer.files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();

    // Every state the status line goes through, until the totals are shown (bounded, not timed).
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..500 {
        let status = texts(&host, "p.status[role=status]").concat();
        if status.starts_with("Reading") {
            assert!(host.query_selector("section.reports").unwrap().is_none(), "results before the last file");
        }
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        if host.query_selector(".report-totals").unwrap().is_some() {
            break;
        }
        next_task().await;
    }
    let want = read_files(&files.map(|(n, b)| (n.to_owned(), b))).summary();
    assert_eq!(texts(&host, ".report-totals"), vec![want.headline.clone()], "{seen:?}");
    assert_eq!(seen.last(), Some(&want.headline), "the live region ends with the totals");
    // The page and this test take turns, so which of the three progress lines this test sees depends on the
    // browser; it sees at least one, each of them in order.
    let lines: Vec<String> = (1..=3).map(|n| words::reading_file(n, 3)).collect();
    let progress: Vec<usize> =
        seen.iter().filter(|s| s.starts_with("Reading")).map(|s| lines.iter().position(|l| l == s).unwrap()).collect();
    assert!(!progress.is_empty() && progress.is_sorted(), "{seen:?}");
    assert_eq!(texts(&host, "ul.files li").len(), 3);
}
