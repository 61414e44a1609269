//! End-to-end tests of the set-up pages and the widget in headless Chromium, against the worker in
//! `wrangler dev` and the DoH fixture server: from a report to the generator, its three records, a
//! pre-flight of the draft; and a hosting provider's page on another origin embedding the widget with
//! `embed.js`. Screenshots go to `target/browser-screenshots/`.

mod common;

use std::collections::HashMap;

use common::{CHECK_WITHIN, Env, env, screenshot, url, verdict_for};
use mta_sts::{Mode, Policy, StsRecord, TlsRptRecord};
use mta_sts_testkit::site::Site;
use mta_sts_testkit::webdriver::ENTER;
use serde_json::{Value, json};

fn text(env: &Env, css: &str) -> String {
    let value =
        env.browser.eval("const e = document.querySelector(arguments[0]); return e && e.textContent;", &[json!(css)]);
    value.as_str().unwrap_or_else(|| panic!("no {css} on {}", env.browser.url())).to_owned()
}

fn open_page(env: &Env, path: &str, ready: &str) {
    env.browser.goto(&url(env, path));
    env.browser.wait_for(
        &format!("document.querySelector('{ready}') && !document.getElementById('static-app')"),
        CHECK_WITHIN,
        ready,
    );
}

/// Sets a form field as typing would (WebDriver's clear fires no `input` event).
fn set_field(env: &Env, css: &str, value: &str) {
    env.browser.eval(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', {bubbles: true})); return null;",
        &[json!(css), json!(value)],
    );
}

fn mx_field(env: &Env) -> String {
    env.browser.eval("return document.getElementById('gen-mx').value;", &[]).as_str().unwrap_or_default().to_owned()
}

#[test]
fn from_a_report_to_three_valid_records_and_a_preflight() {
    let env = env();
    // The report links to the generator for its domain.
    env.browser.goto(&url(&env, "/?domain=valid.example"));
    assert_eq!(verdict_for(&env, "valid.example"), "invalid");
    env.browser.click(&env.browser.find("section.report a[href^='/generate']").expect("a link to the generator"));
    env.browser.wait_for(
        "document.getElementById('gen-mx') && document.getElementById('gen-mx').value === 'mail.valid.example'",
        CHECK_WITHIN,
        "the live MX hosts",
    );
    assert!(env.browser.url().ends_with("/generate?domain=valid.example"), "{}", env.browser.url());

    // The policy: CRLF, testing by default, the live MX host, one week; it parses as valid.
    let policy = text(&env, "#out-policy pre.policy");
    assert!(policy.contains("\r\n"), "{policy:?}");
    let parsed = Policy::parse(policy.as_bytes());
    assert!(parsed.valid(), "{:?}", parsed.findings);
    let value = parsed.value.unwrap();
    assert_eq!((value.mode, value.max_age), (Mode::Testing, 604_800));
    assert_eq!(value.mx.iter().map(ToString::to_string).collect::<Vec<_>>(), ["mail.valid.example"]);
    // The download is the same bytes.
    let href = env
        .browser
        .eval("return decodeURIComponent(document.querySelector('#out-policy a[download]').href.split(',')[1]);", &[]);
    assert_eq!(href, Value::from(policy.clone()));
    let downloads = std::env::temp_dir().join(format!("mta-sts-downloads-{}", std::process::id()));
    std::fs::create_dir_all(&downloads).unwrap();
    env.browser.cdp(
        "Browser.setDownloadBehavior",
        &json!({ "behavior": "allow", "downloadPath": downloads.to_str().unwrap() }),
    );
    env.browser.click(&env.browser.find("#out-policy a[download]").unwrap());
    let file = downloads.join("mta-sts.txt");
    let until = std::time::Instant::now() + CHECK_WITHIN;
    while std::fs::read(&file).map_or(true, |bytes| bytes.len() != policy.len()) {
        assert!(std::time::Instant::now() < until, "no download at {}", file.display());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(std::fs::read(&file).unwrap(), policy.as_bytes(), "the downloaded file is the policy, CRLF and all");
    let _ = std::fs::remove_dir_all(&downloads);
    // The two records, with the live report address kept.
    let record = text(&env, "#out-record code.value");
    assert!(StsRecord::parse(record.as_bytes()).valid(), "{record}");
    assert_eq!(text(&env, "#out-record dd code"), "_mta-sts.valid.example");
    let tlsrpt = text(&env, "#out-tlsrpt code.value");
    assert!(TlsRptRecord::parse(tlsrpt.as_bytes()).valid(), "{tlsrpt}");
    assert_eq!(tlsrpt, "v=TLSRPTv1; rua=mailto:tlsrpt@valid.example");
    assert!(text(&env, "#out-hosting").contains("https://mta-sts.valid.example/.well-known/mta-sts.txt"));
    let check =
        env.browser.eval("return document.querySelector('#out-hosting a[href^=\"/?\"]').getAttribute('href');", &[]);
    assert_eq!(check, Value::from("/?domain=valid.example"));

    // Choices change the output: enforce, four weeks.
    env.browser.click(&env.browser.find("input[name=mode][value=enforce]").unwrap());
    env.browser.eval("const s = document.getElementById('gen-max-age'); s.value = '2419200'; s.dispatchEvent(new Event('change')); return null;", &[]);
    env.browser.wait_for(
        "document.querySelector('#out-policy pre').textContent.includes('mode: enforce\\r\\n')",
        CHECK_WITHIN,
        "mode enforce",
    );
    assert!(text(&env, "#out-policy pre").contains("max_age: 2419200\r\n"));
    screenshot(&env, "generator");

    // The copy button puts the exact file, CRLF included, on the clipboard.
    let origin = format!("http://{}", env.worker.addr);
    env.browser.cdp(
        "Browser.grantPermissions",
        &json!({ "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    );
    env.browser.click(&env.browser.find("#out-policy button").unwrap());
    env.browser.wait_for(
        "document.querySelector('#out-policy button').textContent === 'Copied ✓'",
        CHECK_WITHIN,
        "the copy",
    );
    let copied = env.browser.eval_async("const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, e => done('error: ' + e));");
    assert_eq!(copied, Value::from(text(&env, "#out-policy pre")));

    // Without MX hosts, enforce cannot be generated: the page says what to do.
    set_field(&env, "#gen-mx", "");
    env.browser.wait_for("document.querySelector('#generator p.failed')", CHECK_WITHIN, "the error");
    assert!(text(&env, "#generator p.failed").contains("at least one MX host"));
    env.browser.type_into(&env.browser.find("#gen-mx").unwrap(), "mail.valid.example");

    // The draft goes to the pre-flight, which checks it against the live MX hosts.
    env.browser.wait_for(
        "document.querySelector('#out-hosting a[href^=\"/preflight\"]')",
        CHECK_WITHIN,
        "the pre-flight link",
    );
    env.browser.click(&env.browser.find("#out-hosting a[href^='/preflight']").unwrap());
    env.browser.wait_for("document.querySelector('section.preflight-result')", CHECK_WITHIN, "the pre-flight result");
    assert_eq!(
        env.browser.eval("return document.querySelector('section.preflight-result').dataset.valid;", &[]),
        Value::from("true")
    );
    assert!(text(&env, "section.preflight-result .summary").contains("live at valid.example"));
    assert_eq!(text(&env, "table.mx td.covered code"), "mail.valid.example");
    let draft = env.browser.eval("return document.getElementById('pf-policy').value;", &[]);
    assert!(draft.as_str().unwrap().contains("mode: enforce"), "{draft}");
    screenshot(&env, "preflight-from-generator");
}

#[test]
fn the_generator_suggests_a_wildcard_only_for_sibling_hosts() {
    let env = env();
    open_page(&env, "/generate?domain=multi.example", "#generator");
    env.browser.wait_for(
        "document.getElementById('gen-mx').value.includes('mx2.mail.multi.example')",
        CHECK_WITHIN,
        "the live MX hosts",
    );
    assert_eq!(mx_field(&env), "mx1.mail.multi.example\nmx2.mail.multi.example");
    let suggestion = text(&env, "ul.suggestions button");
    assert!(suggestion.contains("*.mail.multi.example"), "{suggestion}");
    env.browser.click(&env.browser.find("ul.suggestions button").unwrap());
    assert_eq!(mx_field(&env), "*.mail.multi.example");
    assert!(text(&env, "#out-policy pre").contains("mx: *.mail.multi.example\r\n"));
    assert!(env.browser.find("ul.suggestions").is_none(), "one pattern left: nothing more to suggest");
    // A single host gets no suggestion.
    open_page(&env, "/generate?domain=valid.example", "#generator");
    env.browser.wait_for(
        "document.getElementById('gen-mx').value === 'mail.valid.example'",
        CHECK_WITHIN,
        "the live MX host",
    );
    assert!(env.browser.find("ul.suggestions").is_none());
}

#[test]
fn preflight_finds_a_draft_mistakes_with_and_without_a_domain() {
    let env = env();
    open_page(&env, "/preflight?domain=valid.example", "#preflight");
    let policy = env.browser.find("#pf-policy").unwrap();
    env.browser.type_into(&policy, "version: STSv1\nmode: enforce\nmx: other.example.net\nmax_age: 86400\n");
    env.browser.type_into(&env.browser.find("#pf-record").unwrap(), "v=STSv1; id=20261128;");
    env.browser.click(&env.browser.find("form.preflight button[type=submit]").unwrap());
    env.browser.wait_for("document.querySelector('section.preflight-result')", CHECK_WITHIN, "the result");
    assert_eq!(
        env.browser.eval("return document.querySelector('section.preflight-result').dataset.valid;", &[]),
        Value::from("false")
    );
    assert!(env.browser.find("li.finding[data-code='mx-not-covered']").is_some(), "the live MX host is not covered");
    assert_eq!(text(&env, "table.mx td.not-covered").trim(), "✖ not covered");
    screenshot(&env, "preflight-not-covered");

    // "Start from what is live" fills the fields from the live state, or says that nothing is live.
    set_field(&env, "#pf-record", "");
    env.browser.click(&env.browser.find("#preflight button.secondary").unwrap());
    env.browser.wait_for("document.getElementById('pf-record').value !== ''", CHECK_WITHIN, "the live record");
    let record = env.browser.eval("return document.getElementById('pf-record').value;", &[]);
    assert_eq!(record, Value::from("v=STSv1; id=20250101T000000;"));
    set_field(&env, "#pf-domain", "nx.example");
    env.browser.click(&env.browser.find("#preflight button.secondary").unwrap());
    env.browser.wait_for("document.querySelector('#preflight p.failed')", CHECK_WITHIN, "the nothing-live message");
    assert!(text(&env, "#preflight p.failed").contains("Nothing is live at nx.example"));

    // Without a domain the draft is checked on its own, with no request at all.
    let before = env.doh.total_requests();
    set_field(&env, "#pf-domain", "");
    set_field(&env, "#pf-policy", "version: STSv1\nmode: enforce\nmax_age: 86400\n");
    set_field(&env, "#pf-record", "");
    env.browser.type_into(&env.browser.find("#pf-record").unwrap(), &format!("v=STSv1; id=;{ENTER}"));
    env.browser.wait_for(
        "document.querySelector('section.preflight-result .summary')?.textContent.includes('on its own')",
        CHECK_WITHIN,
        "the offline result",
    );
    for code in ["policy-mx-missing", "record-id-invalid"] {
        assert!(env.browser.find(&format!("li.finding[data-code='{code}']")).is_some(), "{code}");
    }
    assert_eq!(env.doh.total_requests(), before, "an offline pre-flight asked the resolver");
}

#[test]
fn reports_are_read_in_the_browser_without_a_request() {
    let env = env();
    open_page(&env, "/reports", "#report-files");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/reports");
    let names = ["google-shape.json", "microsoft-shape.json", "rfc8460-appendix-b.json"];
    let paths: Vec<std::path::PathBuf> = names.iter().map(|n| fixtures.join(n).canonicalize().unwrap()).collect();
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let files: Vec<(String, &[u8])> = names.iter().zip(&bytes).map(|(n, b)| ((*n).to_owned(), b.as_slice())).collect();
    let want = mta_sts::report::read_files(&files).summary();

    // Every request the page makes shows up as a resource timing entry (the buffer is widened first, so a
    // full buffer cannot hide one), and the resolver counts its lookups.
    env.browser.eval("performance.setResourceTimingBufferSize(10000); return null;", &[]);
    // Chromium asks for /favicon.ico on its own, whenever it gets round to it; that is not the page.
    let requests = || {
        env.browser.eval(
            "return performance.getEntriesByType('resource').map(e => e.name) \
             .filter(n => new URL(n).pathname !== '/favicon.ico').join(' ');",
            &[],
        )
    };
    let before = (requests(), env.doh.total_requests());
    let list: Vec<String> = paths.iter().map(|p| p.to_str().unwrap().to_owned()).collect();
    env.browser.type_into(&env.browser.find("#report-files").unwrap(), &list.join("\n"));
    env.browser.wait_for("document.querySelector('.report-totals')", CHECK_WITHIN, "the totals");
    assert_eq!(text(&env, ".report-totals"), want.headline);
    assert_eq!(text(&env, "p.status[role=status]"), want.headline, "the live region announces the totals");
    let bars = env.browser.eval("return document.querySelectorAll('figure.chart svg g.bar rect').length;", &[]);
    assert_eq!(bars, json!(want.chart().bars.len() * 2));
    assert_eq!(
        env.browser.eval("return document.querySelectorAll('ul.files li.file-ok').length;", &[]),
        json!(names.len())
    );
    let explanation = mta_sts::report::ResultType::CertificateExpired.explain();
    assert!(
        env.browser
            .eval("return [...document.querySelectorAll('td.explanation')].map(e => e.textContent);", &[])
            .as_array()
            .unwrap()
            .contains(&json!(explanation))
    );
    assert!(env.browser.find("a.check-now[href='/?domain=example.com']").is_some());
    assert!(env.browser.find("a.export-csv[download][href^='blob:']").is_some());
    assert_eq!((requests(), env.doh.total_requests()), before, "reading the reports made a request");

    // Files dropped on the drop zone are read the same way, and a broken one gets its sentence.
    env.browser.eval(
        "const dt = new DataTransfer(); \
         dt.items.add(new File([arguments[0]], 'dropped.json', {type: 'application/json'})); \
         dt.items.add(new File(['{\"not\": \"a report\"}'], 'other.json')); \
         document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true})); \
         return null;",
        &[json!(String::from_utf8(bytes[0].clone()).unwrap())],
    );
    env.browser.wait_for("document.querySelectorAll('ul.files li').length === 2", CHECK_WITHIN, "the dropped files");
    assert!(text(&env, "ul.files li.file-ok").contains("dropped.json"));
    assert!(text(&env, "ul.files li.file-error").contains("other.json is JSON but not a TLS-RPT report"));
    // A pasted report, too.
    set_field(&env, "#report-json", std::str::from_utf8(&bytes[1]).unwrap());
    env.browser.click(&env.browser.find("form.paste button[type=submit]").unwrap());
    env.browser.wait_for(
        "document.querySelector('ul.files li.file-ok')?.textContent.includes('the pasted text')",
        CHECK_WITHIN,
        "the pasted report",
    );
    assert_eq!((requests(), env.doh.total_requests()), before, "reading the reports made a request");
    let console = env.browser.console();
    assert!(!console.iter().any(|m| m.contains("Content Security Policy")), "CSP violations: {console:?}");

    // "Compare with the live policy" is the page's one request, made on the click: the domain's
    // observations from the worker. The fixture zone does not have the report's domain, so no policy is live.
    let pasted = mta_sts::report::read_files(&[("the pasted text".to_owned(), bytes[1].as_slice())]);
    let domain = pasted.summary().domains.iter().find_map(|d| d.key.clone()).expect("a policy domain");
    env.browser.click(&env.browser.find("button.compare-live").unwrap());
    env.browser.wait_for("document.querySelector('.live-sentence, .live-error')", CHECK_WITHIN, "the live comparison");
    let after = requests();
    let after = after.as_str().unwrap();
    assert!(after.contains(&format!("/api/observe?domain={domain}")), "{after}");
    assert_eq!(text(&env, ".live-sentence"), pasted.compare_live(&domain, None, None).sentence);

    // Usable at 360 px, and in the dark palette.
    env.browser.set_window(360, 1400);
    screenshot(&env, "reports-360px");
    let overflow = env.browser.eval("return document.documentElement.scrollWidth > window.innerWidth;", &[]);
    env.browser.set_window(1100, 1400);
    let fill = || env.browser.eval("return getComputedStyle(document.querySelector('rect.ok')).fill;", &[]);
    let light = fill();
    env.browser.set_dark(true);
    let dark = fill();
    screenshot(&env, "reports-dark");
    env.browser.set_dark(false);
    assert_eq!(overflow, Value::Bool(false), "the reports page scrolls sideways at 360 px");
    // The chart takes its colours from the palette (--good), so it follows the theme.
    assert_eq!((light, dark), (json!("rgb(13, 107, 47)"), json!("rgb(129, 201, 149)")));
}

/// The help page of a hosting provider (one origin) embedding the checker (another origin), with a
/// frame from a third origin that tries to drive the widget.
fn help_site(env: &Env) -> Site {
    let checker = format!("http://{}", env.worker.addr);
    let host = format!(
        r##"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hosting help: MTA-STS</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 1rem auto">
<h1>Hosting help: secure mail delivery</h1>
<p>Check your domain below.</p>
<div id="locked" data-mta-sts-check data-domain="nx.example" data-lock data-theme="dark"></div>
<div id="open" data-mta-sts-check data-theme="light" data-accent="#aa00aa"></div>
<iframe id="foreign" src="about:blank" style="width: 10px; height: 10px"></iframe>
<iframe id="app" src="{checker}/" style="width: 100px; height: 50px"></iframe>
<script>
window.results = [];
for (const id of ["locked", "open"]) {{
  document.getElementById(id).addEventListener("mta-sts:result", e => results.push([id, e.detail]));
}}
</script>
<script src="{checker}/embed.js" async></script>
</body></html>"##
    );
    let mut pages = HashMap::new();
    pages.insert("/help".to_owned(), host);
    pages.insert("/foreign".to_owned(), "<!doctype html><title>foreign</title><p>another site".to_owned());
    Site::start(pages).expect("start the help site")
}

/// Opens the help page and points its third-origin frame at the same server under another host name.
fn open_help_page(env: &Env, site: &Site) {
    env.browser.goto(&site.url("127.0.0.1", "/help"));
    env.browser.eval(
        "const f = document.getElementById('foreign'); f.onload = () => { window.foreignLoaded = true; }; \
         f.src = arguments[0]; return null;",
        &[json!(site.url("localhost", "/foreign"))],
    );
    env.browser.wait_for("window.foreignLoaded === true", CHECK_WITHIN, "the third-origin frame");
}

#[test]
fn a_help_page_embeds_the_widget_which_resizes_and_ignores_foreign_messages() {
    let env = env();
    let site = help_site(&env);
    let checker = format!("http://{}", env.worker.addr);
    // The third origin: the same server under another host name.
    let page = site.url("127.0.0.1", "/help");
    env.browser.console();
    env.browser.goto(&page);
    env.browser.eval(
        &format!("document.getElementById('foreign').src = '{}'; return null;", site.url("localhost", "/foreign")),
        &[],
    );
    env.browser.wait_for("window.results.some(r => r[0] === 'locked')", CHECK_WITHIN, "the locked widget's result");
    assert_eq!(
        env.browser.eval("return window.results[0];", &[]),
        json!(["locked", {"domain": "nx.example", "verdict": "not-deployed", "valid": false}])
    );

    // The locked widget: its verdict, the failing finding, a link to the full report, no input; dark.
    let locked = env.browser.find("#locked iframe").expect("embed.js made an iframe");
    let src = env.browser.eval("return document.querySelector('#locked iframe').src;", &[]);
    assert!(
        src.as_str().unwrap().starts_with(&format!("{checker}/embed?domain=nx.example&lock=1&theme=dark&parent=")),
        "{src}"
    );
    env.browser.enter_frame(&locked);
    let inside = env.browser.eval(
        "return [document.querySelector('section.report').dataset.verdict, !!document.getElementById('domain'), \
         document.querySelector('li.finding').dataset.code, document.querySelector('.more a').href, \
         getComputedStyle(document.querySelector('.verdict')).backgroundColor, \
         Math.ceil(document.body.getBoundingClientRect().height)];",
        &[],
    );
    env.browser.leave_frames();
    assert_eq!(inside[0], Value::from("not-deployed"));
    assert_eq!(inside[1], Value::Bool(false), "a locked widget has no input");
    assert_eq!(inside[2], Value::from("record-missing"));
    assert_eq!(inside[3], Value::from(format!("{checker}/?domain=nx.example")));
    assert_eq!(inside[4], Value::from("rgb(59, 22, 20)"), "the dark theme applies");
    let height = inside[5].as_u64().unwrap();
    assert!(height > 128, "content taller than the iframe's initial 8rem: {height}");
    // The iframe takes the height its content reported.
    env.browser.wait_for(
        &format!("document.querySelector('#locked iframe').getBoundingClientRect().height === {height}"),
        CHECK_WITHIN,
        "the iframe to fit its content",
    );

    // The open widget: an input with the host's accent; the host page asks it to check a domain.
    let open = env.browser.find("#open iframe").unwrap();
    env.browser.enter_frame(&open);
    env.browser.wait_for("document.getElementById('domain')", CHECK_WITHIN, "the widget's input");
    let accent = env
        .browser
        .eval("return getComputedStyle(document.querySelector('button[type=submit]')).backgroundColor;", &[]);
    env.browser.leave_frames();
    assert_eq!(accent, Value::from("rgb(170, 0, 170)"), "the host's accent colour");
    let small = env.browser.eval("return document.querySelector('#open iframe').getBoundingClientRect().height;", &[]);

    // Ignored: a check request from a frame of a third origin, and ones of the wrong shape from the host.
    let foreign = env.browser.find("#foreign").unwrap();
    env.browser.enter_frame(&foreign);
    env.browser.eval(
        "parent.frames[1].postMessage({type: 'mta-sts:check', domain: 'evil.example'}, '*'); \
         parent.postMessage({type: 'mta-sts:resize', height: 999}, '*'); return null;",
        &[],
    );
    env.browser.leave_frames();
    env.browser.eval(
        "const w = document.querySelector('#open iframe').contentWindow; const o = arguments[0]; \
         w.postMessage({type: 'mta-sts:check', domain: 42}, o); \
         w.postMessage({type: 'mta-sts:check', domain: 'shape.example', extra: 1}, o); \
         w.postMessage('mta-sts:check shape.example', o); return null;",
        &[json!(checker)],
    );
    // Accepted: the documented call.
    env.browser.eval("document.getElementById('open').mtaStsCheck('servfail.example'); return null;", &[]);
    env.browser.wait_for("window.results.some(r => r[0] === 'open')", CHECK_WITHIN, "the open widget's result");
    let result = env.browser.eval("return window.results.find(r => r[0] === 'open')[1];", &[]);
    assert_eq!(result, json!({"domain": "servfail.example", "verdict": "lookup-failed", "valid": false}));
    for ignored in ["evil.example", "shape.example"] {
        assert_eq!(env.doh.stats(ignored).requests, 0, "the widget checked {ignored}");
    }
    env.browser.wait_for(
        &format!("document.querySelector('#open iframe').getBoundingClientRect().height > {small}"),
        CHECK_WITHIN,
        "the open widget to grow with its result",
    );
    screenshot(&env, "embedded-widgets");

    // embed.js ignores resize messages from other origins, other windows, or of another shape.
    let heights = env.browser.eval(
        "const f = document.querySelector('#open iframe'); const o = arguments[0]; const h = () => f.style.height; \
         const send = (origin, source, data) => window.dispatchEvent(new MessageEvent('message', {origin, source, data})); \
         const before = h(); \
         send('http://evil.example', f.contentWindow, {type: 'mta-sts:resize', height: 901}); const a = h(); \
         send(o, document.getElementById('foreign').contentWindow, {type: 'mta-sts:resize', height: 902}); const b = h(); \
         send(o, f.contentWindow, {type: 'mta-sts:resize', height: '903'}); const c = h(); \
         send(o, f.contentWindow, {type: 'mta-sts:resize', height: 904, extra: 1}); const d = h(); \
         send(o, f.contentWindow, {type: 'mta-sts:resize', height: 905}); \
         return [before, a, b, c, d, h()];",
        &[json!(checker)],
    );
    let before = heights[0].clone();
    assert_eq!(
        heights.as_array().unwrap()[..5],
        [before.clone(), before.clone(), before.clone(), before.clone(), before],
        "{heights}"
    );
    assert_eq!(heights[5], Value::from("905px"), "the control message applies");
}

#[test]
fn only_the_widget_may_be_framed() {
    let env = env();
    let site = help_site(&env);
    let checker = format!("http://{}", env.worker.addr);
    env.browser.console();
    open_help_page(&env, &site);
    env.browser.wait_for("window.results.length > 0", CHECK_WITHIN, "the widget to work in its frame");
    // The app itself refuses to be framed; only /embed may be.
    let console = env.browser.console();
    assert!(console.iter().any(|m| m.contains("frame-ancestors")), "no framing refusal logged: {console:?}");
    let app = env.browser.find("#app").unwrap();
    env.browser.enter_frame(&app);
    let framed = env.browser.eval("return location.href;", &[]);
    env.browser.leave_frames();
    assert!(!framed.as_str().unwrap_or_default().starts_with(&checker), "the app rendered in a frame: {framed}");
    for (path, rule) in [
        ("/", "frame-ancestors 'none'"),
        ("/generate", "frame-ancestors 'none'"),
        ("/preflight", "frame-ancestors 'none'"),
        ("/embed?domain=x.example", "frame-ancestors *"),
    ] {
        let response = mta_sts_testkit::http::get(env.worker.addr, path, &[], CHECK_WITHIN).unwrap();
        let csp = response.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains(rule), "{path}: {csp}");
        assert_eq!(csp.matches("frame-ancestors").count(), 1, "{path}: one policy, not two: {csp}");
    }
}

#[test]
fn the_set_up_pages_fit_a_phone_and_follow_dark_mode() {
    let env = env();
    env.browser.set_window(360, 1400);
    let overflow = "document.documentElement.scrollWidth > window.innerWidth";
    open_page(&env, "/generate?domain=multi.example", "#generator");
    env.browser.wait_for("document.querySelector('ul.suggestions')", CHECK_WITHIN, "the generator's output");
    let generator_overflows = env.browser.eval(&format!("return {overflow};"), &[]);
    screenshot(&env, "generator-360px");
    open_page(
        &env,
        "/preflight?domain=valid.example&policy=version%3A%20STSv1%0Amode%3A%20testing%0Amx%3A%20mail.valid.example%0Amax_age%3A%20604800%0A",
        "#preflight",
    );
    env.browser.wait_for("document.querySelector('section.preflight-result')", CHECK_WITHIN, "the pre-flight result");
    let preflight_overflows = env.browser.eval(&format!("return {overflow};"), &[]);
    screenshot(&env, "preflight-360px");
    env.browser.set_window(1100, 1400);
    env.browser.set_dark(true);
    let background = env.browser.eval("return getComputedStyle(document.body).backgroundColor;", &[]);
    screenshot(&env, "preflight-dark");
    env.browser.set_dark(false);
    assert_eq!(generator_overflows, Value::Bool(false), "the generator scrolls sideways at 360 px");
    assert_eq!(preflight_overflows, Value::Bool(false), "the pre-flight scrolls sideways at 360 px");
    assert_eq!(background, Value::from("rgb(22, 24, 28)"), "the dark palette applies");
}

#[test]
fn a_finding_links_to_its_rule_on_the_rules_page() {
    let env = env();
    env.browser.goto(&url(&env, "/?domain=valid.example"));
    assert_eq!(verdict_for(&env, "valid.example"), "invalid");
    let css = "section.report a.code[href^='/rules#']";
    let href = env.browser.eval("return document.querySelector(arguments[0]).getAttribute('href');", &[json!(css)]);
    let code = href.as_str().expect("a finding's link to its rule").trim_start_matches("/rules#").to_owned();
    env.browser.click(&env.browser.find(css).unwrap());
    // The rules page's own bundle renders the table: the anchored entry of the finding's code, with its words.
    env.browser.wait_for(
        "document.querySelector('ul.rules') && !document.getElementById('static-app')",
        CHECK_WITHIN,
        "the rule table",
    );
    assert!(env.browser.url().ends_with(&format!("/rules#{code}")), "{}", env.browser.url());
    let entry = text(&env, &format!("li.rule[id='{code}']"));
    assert!(entry.contains(&code), "{entry}");
    let rule = mta_sts::Code::ALL.iter().find(|c| c.as_str() == code).expect("a code of the catalogue").rule();
    assert!(entry.contains(rule.title), "{entry}");
    screenshot(&env, "rules");
}
