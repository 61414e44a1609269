//! Running a check, shared by the two pages that check a domain (the check page, [`crate::check`], and
//! the embed widget, [`crate::embed`]): the [`Checked`] result (while the answer streams in, a report
//! whose pending parts are marked pending), the [`Phase`] a page shows, the request itself ([`check`], one
//! at a time: a newer one aborts the older) and the status line under the form.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mta_sts::api::Partial;
use mta_sts::observe::{PolicyResult, Probe};
use mta_sts::{Domain, Observations, Report, Verdict};
use web_sys::AbortController;

use crate::api;
use crate::widgets::{now_unix, push_domain_to_url, query_param};

/// A finished check: the report and the policy body it was made from (for the byte-true view).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub report: Report,
    pub body: Option<Vec<u8>>,
}

impl Checked {
    /// Evaluates observations as of `now` (Unix seconds).
    pub fn from_observations(obs: &Observations, now: u64) -> Result<Checked, String> {
        Checked::from_partial(obs, &[], now)
    }

    /// Evaluates the observations of a check whose `pending` probes have not answered yet.
    pub fn from_partial(obs: &Observations, pending: &[Probe], now: u64) -> Result<Checked, String> {
        let report = mta_sts::evaluate_partial(obs, pending, now).map_err(|e| e.to_string())?;
        let body = match obs.policy.as_ref().map(|p| &p.result) {
            Some(PolicyResult::Response { body, .. }) => Some(body.clone()),
            _ => None,
        };
        Ok(Checked { report, body })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Phase {
    Idle,
    Running(String),
    Done(Arc<Checked>),
    Failed(String),
}

impl Phase {
    /// The domain of the check that is still running, if one is: requested, or partly answered.
    pub(crate) fn running(&self) -> Option<&str> {
        match self {
            Phase::Running(domain) => Some(domain),
            Phase::Done(checked) if checked.report.verdict == Verdict::Pending => Some(&checked.report.domain),
            _ => None,
        }
    }
}

/// How a check changes the browser history.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    /// A check the person asked for: a new history entry.
    Push,
    /// A check from the URL (opened link, back/forward): the URL is already right.
    Keep,
}

/// The running check: a newer one aborts its request and makes its result stale.
#[derive(Default)]
struct InFlight {
    generation: u64,
    controller: Option<AbortController>,
    /// Counts the seconds on the waiting line.
    ticker: Option<IntervalHandle>,
}

impl InFlight {
    /// Aborts the running check's request (and its stream) and stops its ticker.
    fn stop(&mut self) {
        if let Some(c) = self.controller.take() {
            c.abort();
        }
        if let Some(t) = self.ticker.take() {
            t.clear();
        }
    }
}

thread_local! {
    static IN_FLIGHT: RefCell<InFlight> = RefCell::new(InFlight::default());
    /// When the running check started (`Date.now()`, milliseconds).
    static STARTED: Cell<f64> = const { Cell::new(0.0) };
}

/// Whole seconds since the running check started, as shown.
fn elapsed_seconds() -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "seconds of one check")]
    let seconds = ((js_sys::Date::now() - STARTED.get()) / 1000.0).max(0.0) as u32;
    seconds.to_string()
}

/// The line a report shows while the policy fetch is pending: what the check waits for, and for how long
/// (the running check's ticker counts the seconds up).
pub(crate) fn waiting_view(report: &Report) -> Option<impl IntoView + use<>> {
    let url = format!("https://mta-sts.{}/.well-known/mta-sts.txt", report.domain);
    report.pending.contains(&Probe::Policy).then(|| {
        view! {
            <p class="waiting"><span class="spinner" aria-hidden="true"></span>
                "Waiting for " <code>{url}</code> " (" <span class="seconds">{elapsed_seconds()}</span> " s)"</p>
        }
    })
}

/// Counts the seconds on the waiting line, once a second, while the check runs.
fn tick() -> Option<IntervalHandle> {
    let update = || {
        if let Ok(Some(seconds)) = document().query_selector(".waiting .seconds") {
            seconds.set_text_content(Some(&elapsed_seconds()));
        }
    };
    set_interval_with_handle(update, std::time::Duration::from_secs(1)).ok()
}

/// Cancels the running check, if any: its request is aborted and a result that still arrives is stale.
pub(crate) fn cancel() {
    IN_FLIGHT.with(|f| {
        let mut f = f.borrow_mut();
        f.generation += 1;
        f.stop();
    });
}

/// The `domain` query parameter, if it names one.
pub(crate) fn domain_from_url() -> Option<String> {
    query_param("domain").filter(|d| !d.trim().is_empty())
}

fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

/// Starts a check of what was typed: input errors show under the field and nothing is requested.
pub(crate) fn check(
    raw: &str,
    nav: Nav,
    phase: RwSignal<Phase>,
    input_error: RwSignal<Option<String>>,
    notes: RwSignal<Vec<String>>,
) {
    let domain = match Domain::parse_with_notes(raw) {
        Ok((domain, n)) => {
            input_error.set(None);
            notes.set(n);
            domain.as_str().to_owned()
        }
        Err(e) => {
            input_error.set(Some(e.reason));
            notes.set(Vec::new());
            return;
        }
    };
    if nav == Nav::Push {
        push_domain_to_url(&domain);
    }
    let controller = AbortController::new().ok();
    let generation = IN_FLIGHT.with(|f| {
        let mut f = f.borrow_mut();
        f.stop();
        f.generation += 1;
        f.controller.clone_from(&controller);
        f.ticker = tick();
        f.generation
    });
    phase.set(Phase::Running(domain.clone()));
    STARTED.set(js_sys::Date::now());
    let current = move || IN_FLIGHT.with(|f| f.borrow().generation) == generation;
    // Each answer as it arrives: the DNS findings first, then the rest when the last probe lands.
    let progress = move |partial: &Partial| {
        let answered = !partial.observations.dns.is_empty() || partial.observations.policy.is_some();
        if current() && answered && !partial.pending.is_empty() {
            let checked = Checked::from_partial(&partial.observations, &partial.pending, now_unix());
            if let Ok(checked) = checked {
                phase.set(Phase::Done(Arc::new(checked)));
            }
        }
    };
    spawn_local(async move {
        let signal = controller.as_ref().map(AbortController::signal);
        let result = api::observe_streamed(&domain, signal.as_ref(), progress).await;
        if !current() {
            return; // a newer check replaced this one
        }
        IN_FLIGHT.with(|f| f.borrow_mut().stop());
        mark("mta-sts:response");
        let next = match result {
            Ok(obs) => match Checked::from_observations(&obs, now_unix()) {
                Ok(checked) => Phase::Done(Arc::new(checked)),
                Err(reason) => Phase::Failed(reason),
            },
            Err(e) => Phase::Failed(e.to_string()),
        };
        phase.set(next);
        request_animation_frame(|| {
            mark("mta-sts:verdict");
            if let Some(performance) = window().performance() {
                let _ = performance.measure_with_start_mark_and_end_mark(
                    "mta-sts:response-to-verdict",
                    "mta-sts:response",
                    "mta-sts:verdict",
                );
            }
        });
    });
}

/// The line under the form while a check runs or when it could not run.
pub(crate) fn status_view(phase: Phase) -> AnyView {
    if let Some(domain) = phase.running() {
        return view! {
            <p class="running"><span class="spinner" aria-hidden="true"></span>"Checking " <b>{domain.to_owned()}</b> "…"</p>
        }
        .into_any();
    }
    match phase {
        Phase::Idle | Phase::Done(_) | Phase::Running(_) => ().into_any(),
        Phase::Failed(reason) => view! { <p class="failed">"✖ The check could not run: " {reason}</p> }.into_any(),
    }
}
