//! Component tests: the report view renders a fixture `Report` for every verdict, in a real browser DOM
//! (wasm-bindgen-test-runner drives headless Chromium through chromedriver; see `.ci/run`).
//!
//! The Reports come from the core's observation scenarios (`tests/fixtures/observations`), turned into
//! `Observations` by the same harness the core's tests use and evaluated by `mta_sts::evaluate`.

#![cfg(target_arch = "wasm32")]

#[path = "../../tests/common/scenario.rs"]
mod scenario;

use std::sync::Arc;

use leptos::prelude::*;
use mta_sts_web::{Checked, ReportView};
use scenario::{NOW, Scenario};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("../../tests/fixtures/observations/", $name, ".json")))
    };
}

/// One scenario per verdict, plus the ones whose network text must stay text.
const FIXTURES: &[(&str, &str)] = &[
    fixture!("enforce-valid"),
    fixture!("testing-mode"),
    fixture!("none-mode"),
    fixture!("record-missing-nxdomain"),
    fixture!("policy-invalid-html-body"),
    fixture!("record-lookup-servfail"),
    fixture!("mx-not-covered-enforce"),
    fixture!("policy-unknown-field"),
];

fn checked(json: &str) -> (Scenario, Checked) {
    let scenario: Scenario = serde_json::from_str(json).unwrap();
    let checked = Checked::from_observations(&scenario.observations(), NOW).unwrap();
    (scenario, checked)
}

/// Renders the report into a fresh detached-then-attached element and returns it.
async fn render(checked: Checked) -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let checked = Arc::new(checked);
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <ReportView checked=checked.clone() /> });
    handle.forget();
    leptos::task::tick().await;
    host
}

fn texts(host: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.text_content().unwrap_or_default()).collect()
}

#[wasm_bindgen_test]
async fn every_verdict_renders_with_its_findings_and_evidence() {
    let mut verdicts = std::collections::BTreeSet::new();
    for (name, json) in FIXTURES {
        let (scenario, checked) = checked(json);
        let report = checked.report.clone();
        let host = render(checked).await;
        let section = host.query_selector("section.report").unwrap().unwrap_or_else(|| panic!("{name}: no report"));
        assert_eq!(section.get_attribute("data-verdict").as_deref(), Some(scenario.expect.verdict.as_str()), "{name}");
        verdicts.insert(scenario.expect.verdict.clone());
        let heading = texts(&host, "#verdict-heading").concat();
        assert!(heading.contains(&report.domain), "{name}: {heading}");
        assert_eq!(texts(&host, ".summary"), vec![report.summary.clone()], "{name}");
        // Every finding is shown once, with its code, severity word, message and a linked RFC section.
        let codes = texts(&host, "li.finding a.code code");
        let want: Vec<String> = report.findings.iter().map(|f| f.code.as_str().to_owned()).collect();
        let mut got_sorted = codes.clone();
        got_sorted.sort();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(got_sorted, want_sorted, "{name}");
        for finding in &report.findings {
            let items = host.query_selector_all(&format!("li.finding[data-code='{}']", finding.code.as_str())).unwrap();
            let item = (0..items.length())
                .filter_map(|i| items.item(i))
                .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
                .find(|e| e.text_content().unwrap_or_default().contains(&finding.message))
                .unwrap_or_else(|| panic!("{name}: no {} item shows {}", finding.code.as_str(), finding.message));
            let text = item.text_content().unwrap();
            let word = mta_sts_web::present::severity_label(finding.severity).1;
            assert!(text.contains(word), "{name}: severity word {word} missing in {text}");
            // The code links to its rule's explanation, on the app's own rules page.
            let rule = item.query_selector("a.code").unwrap().unwrap();
            assert_eq!(rule.get_attribute("href"), Some(format!("/rules#{}", finding.code.as_str())), "{name}");
            let link = item.query_selector("p.rfc a").unwrap().unwrap();
            assert!(link.get_attribute("href").unwrap().starts_with("https://www.rfc-editor.org/"), "{name}");
            if let Some(fix) = &finding.fix {
                let pre = item.query_selector(".fix pre").unwrap().unwrap();
                assert_eq!(pre.text_content().as_deref(), Some(fix.as_str()), "{name}");
                // The copy buttons sit on the artefacts, which paste as they are; never on the fix's words.
                assert!(item.query_selector(".fix button").unwrap().is_none(), "{name}: copy button on the fix");
            }
            if let Some(preview) = &finding.preview {
                let before = item.query_selector(".change .before").unwrap().unwrap().text_content().unwrap();
                let after = item.query_selector(".change .after").unwrap().unwrap().text_content().unwrap();
                assert_eq!(before, preview.before, "{name}");
                assert!(after == preview.after || preview.after.is_empty() && after == "(nothing)", "{name}");
            }
            let shown: Vec<String> = {
                let list = item.query_selector_all(".artifact pre").unwrap();
                (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.text_content().unwrap_or_default()).collect()
            };
            let want: Vec<String> = finding.artifacts.iter().map(|a| a.text.clone()).collect();
            assert_eq!(shown, want, "{name}: the artefacts, in publishing order");
            assert_eq!(
                item.query_selector_all(".artifact button").unwrap().length() as usize,
                want.len(),
                "{name}: a copy button per artefact"
            );
        }
        // Every category's group is always there; the DNS table has one row per probe.
        assert_eq!(
            host.query_selector_all("section.group").unwrap().length() as usize,
            mta_sts::finding::Category::ALL.len(),
            "{name}"
        );
        assert_eq!(
            host.query_selector_all("table.dns tbody tr").unwrap().length() as usize,
            report.evidence.dns.len(),
            "{name}"
        );
        assert_eq!(host.query_selector_all("table.mx tbody tr").unwrap().length() as usize, report.mx.len(), "{name}");
        host.remove();
    }
    let all: std::collections::BTreeSet<String> =
        ["enforce", "testing", "none", "not-deployed", "invalid", "lookup-failed"].map(String::from).into();
    assert_eq!(verdicts, all, "a fixture for every verdict");
}

/// While the policy fetch is pending: the DNS answers and MX hosts, the wait for the policy URL, no verdict.
#[wasm_bindgen_test]
async fn a_partial_report_shows_the_dns_answers_and_waits_for_the_policy() {
    let (_, json) = fixture!("enforce-valid");
    let scenario: Scenario = serde_json::from_str(json).unwrap();
    let mut observations = scenario.observations();
    observations.policy = None;
    let pending = [mta_sts::observe::Probe::Policy];
    let checked = Checked::from_partial(&observations, &pending, NOW).unwrap();
    let host = render(checked).await;
    let section = host.query_selector("section.report").unwrap().unwrap();
    assert_eq!(section.get_attribute("data-verdict").as_deref(), Some("pending"));
    let waiting = texts(&host, ".waiting").concat();
    let url = format!("https://mta-sts.{}/.well-known/mta-sts.txt", scenario.domain);
    assert!(waiting.contains(&format!("Waiting for {url} (")) && waiting.ends_with(" s)"), "{waiting}");
    assert!(texts(&host, "table.dns").concat().contains("v=STSv1"));
    assert!(!texts(&host, ".findings a.code").iter().any(|c| c.contains("failed")), "pending is not failed");
    assert!(host.query_selector("table.senders").unwrap().is_none(), "no sender is judged while pending");
}

/// Repeated `mode` lines split the senders: the matrix has a row per sender with its outcome, and each
/// row opens on why, with its sources as links.
#[wasm_bindgen_test]
async fn the_senders_matrix_shows_each_senders_outcome_and_why() {
    // The words the page loads from /senders.json, lent here.
    mta_sts_web::lend_sender_words(serde_json::from_str(include_str!("../static/senders.json")).unwrap());
    let (_, checked) = checked(fixture!("policy-duplicate-mode").1);
    let host = render(checked).await;
    let rows = host.query_selector_all("table.senders tbody tr").unwrap();
    let outcome = |id: &str| {
        host.query_selector(&format!("table.senders tr[data-sender=\"{id}\"]"))
            .unwrap()
            .unwrap_or_else(|| panic!("no row for {id}"))
            .get_attribute("data-outcome")
            .unwrap()
    };
    assert_eq!(rows.length(), 10);
    assert_eq!(outcome("rfc"), "testing");
    assert_eq!(outcome("maddy"), "enforce");
    assert_eq!(outcome("kumomta"), "no-policy");
    let maddy = texts(&host, "tr[data-sender=\"maddy\"]").concat();
    assert!(maddy.contains("policy-duplicate-field"), "{maddy}");
    assert!(maddy.contains("uses the last `mode` line, `enforce`"), "{maddy}");
    let link = host.query_selector("tr[data-sender=\"maddy\"] ul.sources a").unwrap().unwrap();
    assert!(link.get_attribute("href").unwrap().starts_with("https://github.com/foxcpp/go-mtasts/blob/"));
    assert_eq!(texts(&host, "tr[data-sender=\"rfc\"] summary"), vec!["as published".to_owned()]);
    host.remove();
}

/// An MX host with DNSSEC-validated TLSA records: the MX table says DANE, and the one sender that then
/// uses DANE instead of the policy says so, with the finding it rests on.
#[wasm_bindgen_test]
async fn dane_shows_in_the_mx_table_and_in_the_senders_matrix() {
    mta_sts_web::lend_sender_words(serde_json::from_str(include_str!("../static/senders.json")).unwrap());
    let (_, checked) = checked(fixture!("mx-tlsa-dane").1);
    let host = render(checked).await;
    let mx = texts(&host, "table.mx tbody tr").concat();
    assert!(mx.contains("TLSA, DNSSEC-validated"), "{mx}");
    let outcome = |id: &str| {
        host.query_selector(&format!("table.senders tr[data-sender=\"{id}\"]"))
            .unwrap()
            .unwrap()
            .get_attribute("data-outcome")
    };
    assert_eq!(outcome("postfix-tlspol").as_deref(), Some("dane"));
    assert_eq!(outcome("rfc").as_deref(), Some("enforce"));
    let tlspol = texts(&host, "tr[data-sender=\"postfix-tlspol\"]").concat();
    assert!(tlspol.contains("DANE instead of MTA-STS") && tlspol.contains("mx-tlsa"), "{tlspol}");
    assert!(texts(&host, ".findings a.code").iter().any(|c| c == "mx-tlsa"));
    host.remove();
}

#[wasm_bindgen_test]
async fn network_text_is_shown_literally_never_as_html() {
    let (_, mut checked) = checked(fixture!("enforce-valid").1);
    let hostile = "version: STSv1\r\nmode: enforce\r\nmx: <script>window.pwned=1</script>\r\n<img src=x onerror=\"window.pwned=2\">\r\n";
    checked.body = Some(hostile.as_bytes().to_vec());
    "<b>bold</b><img src=x onerror=alert(1)>".clone_into(&mut checked.report.summary);
    let host = render(checked).await;
    assert!(host.query_selector("section.report script, section.report img, .summary b").unwrap().is_none());
    assert_eq!(texts(&host, ".summary"), vec!["<b>bold</b><img src=x onerror=alert(1)>".to_owned()]);
    let body = texts(&host, "ol.body li code").join("\n");
    assert!(body.contains("mx: <script>window.pwned=1</script>␍␊"), "{body}");
    assert!(body.contains("<img src=x onerror=\"window.pwned=2\">␍␊"), "{body}");
    host.remove();
}

#[wasm_bindgen_test]
async fn the_policy_body_is_numbered_and_spans_are_highlighted() {
    let (_, checked) = checked(fixture!("policy-unknown-field").1);
    let spans = checked.report.findings.iter().filter(|f| f.span.is_some()).count();
    let lines = checked.body.as_ref().map_or(0, |b| mta_sts_web::present::visible_lines(b).len());
    let host = render(checked).await;
    assert_eq!(host.query_selector_all("ol.body li").unwrap().length() as usize, lines);
    assert_eq!(texts(&host, "ol.body .ln").first().map(String::as_str), Some("1"));
    if spans > 0 {
        assert!(host.query_selector("ol.body .hit").unwrap().is_some(), "a span is highlighted");
    }
    host.remove();
}

/// The pre-flight view of a draft that changes the live policy but keeps the id: the warning with its
/// fix, the live MX hosts with the draft's coverage, and the line-by-line difference.
#[wasm_bindgen_test]
async fn preflight_shows_the_id_warning_coverage_and_the_diff() {
    use mta_sts::preflight::{Draft, preflight};
    let scenario: Scenario = serde_json::from_str(fixture!("enforce-valid").1).unwrap();
    let draft = Draft {
        domain: Some(mta_sts::Domain::parse("example.com").unwrap()),
        policy: Some(b"version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n".to_vec()),
        record: None,
    };
    let result = preflight(&draft, Some(&scenario.observations()), NOW);
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let shown = result.clone();
    leptos::mount::mount_to(
        host.clone(),
        move || view! { <mta_sts_web::PreflightView result=shown.clone() live=true /> },
    )
    .forget();
    leptos::task::tick().await;

    let section = host.query_selector("section.preflight-result").unwrap().expect("the result");
    // backup.example.com is no longer covered: in testing mode that is a warning, so the draft is valid.
    assert_eq!(section.get_attribute("data-valid").as_deref(), Some(result.valid.to_string().as_str()));
    let codes = texts(&host, "li.finding a.code code");
    assert!(codes.contains(&"policy-id-unchanged".to_owned()), "{codes:?}");
    assert!(codes.contains(&"mx-not-covered".to_owned()), "{codes:?}");
    let fix = texts(&host, "li.finding[data-code='policy-id-unchanged'] .fix pre").concat();
    assert!(fix.contains("v=STSv1; id="), "{fix}");
    assert_eq!(host.query_selector_all("table.mx tbody tr").unwrap().length(), 2);
    assert_eq!(texts(&host, "td.not-covered").len(), 1);
    assert_eq!(
        texts(&host, "ol.diff li.removed code"),
        vec!["mode: enforce".to_owned(), "mx: *.example.com".to_owned()]
    );
    assert_eq!(texts(&host, "ol.diff li.added code"), vec!["mode: testing".to_owned()]);
    assert_eq!(texts(&host, "ol.diff li.same").len(), 3);
    // Each sender now and with the draft: every one goes from enforce to testing.
    let rfc = host.query_selector("table.senders tr[data-sender=\"rfc\"]").unwrap().expect("the senders");
    assert_eq!(rfc.get_attribute("data-before").as_deref(), Some("enforce"));
    assert_eq!(rfc.get_attribute("data-outcome").as_deref(), Some("testing"));
    assert_eq!(rfc.get_attribute("class").as_deref(), Some("changed"));
    assert_eq!(texts(&host, "table.senders thead th")[1], "Now");
    host.remove();
}

/// The rules page has an entry, anchored by its code, for every code a finding can link to, with the
/// RFC's sentence; a group lists its rules; sender entries link to their sources.
/// Mounts the whole rules page.
async fn rules_page() -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), || view! { <mta_sts_web::rules::RulesPage /> });
    handle.forget();
    leptos::task::tick().await;
    host
}

#[wasm_bindgen_test]
async fn the_rules_page_explains_every_code_at_its_anchor() {
    let host = rules_page().await;
    for code in mta_sts::Code::ALL {
        let entry = host
            .query_selector(&format!("li.rule[id='{}']", code.as_str()))
            .unwrap()
            .unwrap_or_else(|| panic!("no entry for {code}"));
        let text = entry.text_content().unwrap();
        assert!(text.contains(code.title()), "{code}: {text}");
        let quote = entry.query_selector("blockquote.rfc-text").unwrap().unwrap().text_content().unwrap();
        assert_eq!(quote, code.rfc_text(), "{code}");
        let senders = entry.query_selector_all("details.senders li a").unwrap();
        assert_eq!(senders.length() as usize, mta_sts::senders::deviations(code.as_str()).count(), "{code}");
        if code.is_group() {
            let members = entry.query_selector_all("ul.members li").unwrap().length() as usize;
            assert_eq!(members, code.members().count(), "{code}");
        }
    }
    host.remove();
}

#[wasm_bindgen_test]
async fn the_rules_page_explains_a_pasted_bounce_and_links_its_rule_and_domain() {
    let host = rules_page().await;
    assert!(host.query_selector(".bounce-result").unwrap().is_none(), "nothing is explained before a paste");

    let text = "Remote server returned '550 5.4.8 MX hosts of example.com failed MTA-STS validation.'";
    let area: web_sys::HtmlTextAreaElement = host.query_selector("#bounce-text").unwrap().unwrap().unchecked_into();
    area.set_value(text);
    area.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    leptos::task::tick().await;

    let expected = mta_sts::bounce::explain(text);
    let cause = &expected.causes[0];
    assert_eq!(texts(&host, ".bounce-cause h3"), vec![format!("{}: {} (5.4.8)", cause.sender, cause.title)]);
    assert_eq!(texts(&host, ".bounce-cause p.meaning"), vec![cause.meaning.clone()]);
    let rule = host.query_selector(".bounce-cause a.code").unwrap().unwrap();
    assert_eq!(rule.get_attribute("href").as_deref(), Some("#mx-not-covered"));
    assert!(host.query_selector("li.rule[id='mx-not-covered']").unwrap().is_some(), "the link's target is on the page");
    let check = host.query_selector(".bounce-result a.check-now").unwrap().unwrap();
    assert_eq!(check.get_attribute("href").as_deref(), Some("/?domain=example.com"));

    // Clearing the text clears the explanation.
    area.set_value("");
    area.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    leptos::task::tick().await;
    assert!(host.query_selector(".bounce-result").unwrap().is_none());
    host.remove();
}

/// The history view of two runs: the second served an edited policy under the same record id. Both
/// published policies show byte for byte, the change with its fix, and the changed lines; a hostile body
/// stays text.
#[wasm_bindgen_test]
async fn the_history_view_shows_both_policies_the_change_and_the_diff() {
    use mta_sts::compare::{CompareOptions, compare};
    use mta_sts::history::{RunEntry, history};
    use mta_sts::observe::PolicyResult;
    use mta_sts_web::HistoryView;

    let scenario: Scenario = serde_json::from_str(fixture!("enforce-valid").1).unwrap();
    let before_obs = scenario.observations();
    let mut after_obs = before_obs.clone();
    // Still a valid policy (an unknown field is ignored, RFC 8461 §3.2), so the change is the body's alone.
    let edited = b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.com\r\nmax_age: 1209600\r\nx-note: <script>window.pwned=1</script>\r\n";
    let Some(PolicyResult::Response { body, .. }) = after_obs.policy.as_mut().map(|p| &mut p.result) else {
        panic!("the scenario has a policy response");
    };
    let before_body = String::from_utf8(std::mem::replace(body, edited.to_vec())).unwrap();
    let before = mta_sts::evaluate(&before_obs, NOW).unwrap();
    let after = mta_sts::evaluate(&after_obs, NOW + 3600).unwrap();
    let changes = compare(&before, &after, &CompareOptions::new(NOW + 3600));
    assert!(changes.iter().any(|c| c.code.as_str() == "policy-changed-id-unchanged"), "{changes:?}");
    let run = |at: u64, report: &mta_sts::Report, changes| RunEntry {
        checked_at: at,
        verdict: report.verdict.as_str().to_owned(),
        record_id: Some("20250101T000000".to_owned()),
        fetch_failures: 0,
        changes,
    };
    let edited_text = String::from_utf8(edited.to_vec()).unwrap();
    let stored = history(
        "example.com",
        [(run(NOW, &before, Vec::new()), Some(before_body)), (run(NOW + 3600, &after, changes), Some(edited_text))],
    )
    .unwrap();

    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <HistoryView history=stored.clone() /> });
    handle.forget();
    leptos::task::tick().await;

    assert_eq!(host.query_selector_all("article.version").unwrap().length(), 2);
    let codes = host.query_selector_all("li.change").unwrap();
    let first = codes.item(0).unwrap().unchecked_into::<web_sys::Element>();
    assert_eq!(first.get_attribute("data-code").as_deref(), Some("policy-changed-id-unchanged"));
    assert!(texts(&host, "li.change .fix").iter().all(|f| f.starts_with("Fix: ")));
    let bodies = texts(&host, "article.version ol.body");
    assert!(bodies[1].contains("x-note: <script>window.pwned=1</script>␍␊"), "{bodies:?}");
    assert!(host.query_selector("section.history script").unwrap().is_none(), "network text stays text");
    let added = texts(&host, "ol.diff li.added code");
    assert!(added.contains(&"max_age: 1209600".to_owned()), "{added:?}");
    assert!(!texts(&host, "ol.diff li.removed code").is_empty());
    host.remove();
}

/// A record that repeats one mistake a hundred times shows ten findings of it, the last saying how many more
/// there are.
#[wasm_bindgen_test]
async fn a_repeated_mistake_is_shown_ten_times_and_counted() {
    let (_, json) = fixture!("tlsrpt-repeated-empty-fields");
    let (_, checked) = checked(json);
    let host = render(checked).await;
    assert_eq!(texts(&host, "li.finding[data-code='tlsrpt-field-empty']").len(), 10);
    assert_eq!(
        texts(&host, "li.finding[data-code='tlsrpt-field-empty'] p.more"),
        ["The same problem occurs 90 more times; those are not listed."]
    );
}

/// The pages lend the core the browser's UTS #46 (`lend_browser_uts46`): on the UTS #46 corpus (every source
/// string of Unicode's IdnaTestV2.txt and the domain tests' names), ToASCII and `Domain::parse` give here what
/// the built-in back end gives natively (src/uts46.rs writes and checks the expected columns).
#[wasm_bindgen_test]
fn the_browsers_uts46_gives_what_the_builtin_one_gives() {
    mta_sts_web::lend_browser_uts46();
    let mut differences = Vec::new();
    let corpus = include_str!("../../tests/fixtures/uts46/names.jsonl");
    for line in corpus.lines() {
        let (input, ascii, domain): (String, Option<String>, Option<String>) =
            serde_json::from_str(line).expect("a corpus line is [input, ascii, domain]");
        let here = (mta_sts::uts46::to_ascii(&input).ok(), mta_sts::Domain::parse(&input).ok().map(String::from));
        // The idna crate takes the unassigned U+3E8AC and U+3F8CD for valid, which IdnaTestV2.txt marks V7
        // (not valid); the browser refuses them, as the file says.
        let unassigned =
            ascii.as_deref().is_some_and(|a| mta_sts::uts46::to_unicode(a).contains(['\u{3E8AC}', '\u{3F8CD}']));
        if here != (ascii.clone(), domain.clone()) && !(unassigned && here == (None, None)) {
            differences.push(format!("{input:?}: {here:?}, natively {:?}", (ascii, domain)));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} names differ:\n{}",
        differences.len(),
        corpus.lines().count(),
        differences.join("\n")
    );
}
