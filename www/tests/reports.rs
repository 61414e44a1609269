//! Component tests of the reports page (`/reports`): the view of a `ReportSet` read from the core's report
//! fixtures (`tests/fixtures/reports`), in a real browser DOM (headless Chromium, see `.ci/run`).

#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use mta_sts::report::{ReportSet, ResultType, read_files};
use mta_sts_web::ReportsView;
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
