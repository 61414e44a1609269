//! End-to-end tests of the web app in a real headless Chromium (Debian's chromium + chromedriver),
//! against the real worker in workerd (`wrangler dev`, serving the build in `dist/`) and the
//! DoH fixture server. A screenshot per scenario goes to `target/browser-screenshots/`.

mod common;

use common::{CHECK_WITHIN, env, open, screenshot, verdict_for};
use mta_sts_testkit::webdriver::{ENTER, TAB};
use serde_json::Value;

#[test]
fn typing_a_domain_shows_the_verdict_and_updates_the_url() {
    let env = env();
    open(&env, "/");
    let input = env.browser.find("#domain").expect("the domain field");
    env.browser.clear(&input);
    env.browser.type_into(&input, &format!("https://nx.example/some/path{ENTER}"));
    assert_eq!(verdict_for(&env, "nx.example"), "not-deployed");
    assert!(env.browser.url().ends_with("/?domain=nx.example"), "{}", env.browser.url());
    screenshot(&env, "typed-not-deployed");
}

#[test]
fn input_errors_show_under_the_field_without_a_request() {
    let env = env();
    open(&env, "/");
    let input = env.browser.find("#domain").unwrap();
    env.browser.clear(&input);
    env.browser.type_into(&input, &format!("not a domain!{ENTER}"));
    env.browser.wait_for(
        "document.getElementById('domain-error').textContent.length > 3",
        CHECK_WITHIN,
        "the input error",
    );
    let state = env.browser.eval(
        "return [document.getElementById('domain').getAttribute('aria-invalid'), \
         !!document.querySelector('section.report'), \
         performance.getEntriesByType('resource').some(e => e.name.includes('/api/'))];",
        &[],
    );
    assert_eq!(state, serde_json::json!(["true", false, false]));
    screenshot(&env, "input-error");
}

#[test]
fn a_shared_link_runs_the_check_without_typing() {
    let env = env();
    open(&env, "/?domain=servfail.example");
    assert_eq!(verdict_for(&env, "servfail.example"), "lookup-failed");
    let value = env.browser.eval("return document.getElementById('domain').value;", &[]);
    assert_eq!(value, Value::from("servfail.example"));
    screenshot(&env, "shared-link-lookup-failed");
    // The page ran under its Content-Security-Policy (no inline script, WebAssembly allowed).
    let page = mta_sts_testkit::http::get(env.worker.addr, "/?domain=servfail.example", &[], CHECK_WITHIN).unwrap();
    let csp = page.header("content-security-policy").unwrap_or_default();
    for directive in ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!String::from_utf8_lossy(&page.body).contains("<script>"), "an inline script in index.html");
    let console = env.browser.console();
    assert!(!console.iter().any(|m| m.contains("Content Security Policy")), "CSP violations: {console:?}");
    // And the policy is enforced: an injected inline script does not run, and the browser says why.
    let probe = env.browser.eval(
        "const s = document.createElement('script'); s.textContent = 'window.cspProbe = 1;'; \
         document.body.appendChild(s); return typeof window.cspProbe;",
        &[],
    );
    assert_eq!(probe, Value::from("undefined"), "an inline script ran despite the CSP");
    let console = env.browser.console();
    assert!(console.iter().any(|m| m.contains("Content Security Policy")), "{console:?}");
}

#[test]
fn back_and_forward_move_between_checks() {
    let env = env();
    open(&env, "/?domain=nx.example");
    assert_eq!(verdict_for(&env, "nx.example"), "not-deployed");
    let input = env.browser.find("#domain").unwrap();
    env.browser.clear(&input);
    env.browser.type_into(&input, &format!("valid.example{ENTER}"));
    assert_eq!(verdict_for(&env, "valid.example"), "invalid");
    env.browser.back();
    assert_eq!(verdict_for(&env, "nx.example"), "not-deployed");
    assert!(env.browser.url().ends_with("?domain=nx.example"));
    env.browser.forward();
    assert_eq!(verdict_for(&env, "valid.example"), "invalid");
    assert!(env.browser.url().ends_with("?domain=valid.example"));
    screenshot(&env, "back-forward-invalid");
}

#[test]
fn hostile_records_show_literally_and_execute_nothing() {
    let env = env();
    open(&env, "/?domain=xss.example");
    verdict_for(&env, "xss.example");
    let state = env.browser.eval(
        "return [typeof window.pwned, document.querySelectorAll('#app script, #app img').length, \
         document.querySelector('table.dns').textContent];",
        &[],
    );
    assert_eq!(state[0], Value::from("undefined"), "a script ran");
    assert_eq!(state[1], Value::from(0), "markup from the network became elements");
    let table = state[2].as_str().unwrap();
    assert!(table.contains("<script>window.pwned=1</script>"), "{table}");
    assert!(table.contains("<img src=x onerror=\"window.pwned=2\">"), "{table}");
    screenshot(&env, "hostile-records");
}

#[test]
fn keyboard_only_flow() {
    let env = env();
    open(&env, "/");
    env.browser.wait_for("document.activeElement && document.activeElement.id === 'domain'", CHECK_WITHIN, "focus");
    env.browser.eval("document.getElementById('domain').value = ''; return null;", &[]);
    env.browser.keys(&format!("valid.example{ENTER}"));
    assert_eq!(verdict_for(&env, "valid.example"), "invalid");
    env.browser.keys(&TAB.to_string());
    let focused = env.browser.eval("return document.activeElement.tagName + ':' + document.activeElement.type;", &[]);
    assert_eq!(focused, Value::from("BUTTON:submit"));
    screenshot(&env, "keyboard-only");
    env.browser.set_window(360, 1400);
    screenshot(&env, "phone-360px");
    let overflow = env.browser.eval("return document.documentElement.scrollWidth > window.innerWidth;", &[]);
    env.browser.set_window(1100, 1400);
    env.browser.set_dark(true);
    let background = env.browser.eval("return getComputedStyle(document.body).backgroundColor;", &[]);
    screenshot(&env, "dark-mode");
    env.browser.set_dark(false);
    assert_eq!(background, Value::from("rgb(22, 24, 28)"), "the dark palette applies");
    assert_eq!(overflow, Value::Bool(false), "the page scrolls sideways at 360 px");
}

#[test]
fn a_second_check_cancels_the_first() {
    let env = env();
    open(&env, "/");
    // Records how each request of the page ends, its streamed body included (read from a copy), so the
    // test waits for the first check's end, not a time.
    env.browser.eval(
        "const fetch = window.fetch; window.settled = [];
         window.fetch = function (request) {
             const url = String(request && request.url || request);
             const answer = fetch.apply(this, arguments);
             const ended = e => window.settled.push([e.name, url]);
             answer.then(response => {
                 const copy = response.clone().body.getReader();
                 const pump = () => copy.read().then(r => r.done ? window.settled.push(['answered', url]) : pump(), ended);
                 pump();
             }, ended);
             return answer;
         };
         return null;",
        &[],
    );
    let input = env.browser.find("#domain").unwrap();
    env.browser.clear(&input);
    // The resolver never answers for stall.example: that check would take the worker's full timeout.
    env.browser.type_into(&input, &format!("stall.example{ENTER}"));
    env.browser.wait_for("document.querySelector('.running')", CHECK_WITHIN, "the running state");
    let running = env.browser.eval("return document.querySelector('.running').textContent;", &[]);
    assert!(running.as_str().unwrap().contains("stall.example"), "{running}");
    env.browser.clear(&input);
    env.browser.type_into(&input, &format!("nx.example{ENTER}"));
    assert_eq!(verdict_for(&env, "nx.example"), "not-deployed");
    // The first check's request was aborted, not left to answer later (after the worker's 5 s DNS timeout)
    // and replace the report.
    let first_aborted =
        "window.settled.some(([end, url]) => end === 'AbortError' && url.includes('domain=stall.example'))";
    env.browser.wait_for(first_aborted, CHECK_WITHIN, "the first check's request to be aborted");
    let shown = env.browser.eval("return document.querySelector('#verdict-heading .domain').textContent;", &[]);
    assert_eq!(shown, Value::from("nx.example"));
    assert!(env.browser.url().ends_with("?domain=nx.example"));
}

#[test]
fn copy_buttons_put_the_link_and_the_fix_on_the_clipboard() {
    let env = env();
    let origin = format!("http://{}", env.worker.addr);
    env.browser.cdp(
        "Browser.grantPermissions",
        &serde_json::json!({ "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    );
    open(&env, "/?domain=xss.example");
    verdict_for(&env, "xss.example");
    let read = "const done = arguments[arguments.length - 1]; \
                navigator.clipboard.readText().then(done, e => done('error: ' + e));";
    env.browser.click(&env.browser.find(".verdict button").expect("the copy-link button"));
    // The label turns to "Copied ✓" once the clipboard write has resolved (and back after 2 s).
    let done = |css: &str| format!("document.querySelector({css:?}).textContent === 'Copied ✓'");
    env.browser.wait_for(&done(".verdict button"), CHECK_WITHIN, "the copy-link button to say it copied");
    assert_eq!(env.browser.eval_async(read), Value::from(format!("{origin}/?domain=xss.example")));
    // The first copy button of a fix, on a corrected artefact: it copies exactly the text shown above it.
    let copy = ".artifact button";
    env.browser.click(&env.browser.find(copy).expect("a copy-fix button"));
    env.browser.wait_for(&done(copy), CHECK_WITHIN, "the artefact's copy button to say it copied");
    let fix = env.browser.eval(
        "return document.querySelector(arguments[0]).closest('.artifact').querySelector('pre').textContent;",
        &[Value::from(copy)],
    );
    assert_eq!(env.browser.eval_async(read), fix);
}
