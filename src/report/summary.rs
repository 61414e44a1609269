//! What the report pages show, decided once here: the sums per day, reporter, policy domain, MX host and
//! result type, the per-day bar chart as plain geometry, and the CSV export. The shells (the web page, the
//! CLI) only render these; none of them groups or adds up anything itself.
//!
//! Every table adds up to the totals of [`ReportSet`] (the tests check it), so a reader can trust that a
//! table shows all sessions, not a selection.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{ReportSet, ResultType, TlsReport, unix_seconds};
use crate::message::report as words;

/// The aggregated view of a [`ReportSet`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The totals in one sentence.
    pub headline: String,
    pub successful: u64,
    pub failed: u64,
    /// Per UTC day of each report's start, oldest first; reports without a readable start come last.
    pub days: Vec<Row>,
    /// Per reporter (`organization-name`), by name.
    pub reporters: Vec<Row>,
    /// Per `policy-domain`, by name; entries without one come last.
    pub domains: Vec<Row>,
    /// Per policy domain and day: the rows of the CSV export.
    pub domain_days: Vec<DomainDay>,
    /// Per MX host named in a policy's `mx-host` or a failure's `receiving-mx-hostname`, by name.
    pub mx_hosts: Vec<MxRow>,
    /// Failed sessions whose failure details name no `receiving-mx-hostname`.
    pub failures_without_mx_host: u64,
    /// Per result type, most failed sessions first.
    pub result_types: Vec<ResultRow>,
}

/// Sessions of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The group's name as the reports give it; `None` for reports that give none.
    pub key: Option<String>,
    /// What to show: the key, or words saying it is missing.
    pub label: String,
    /// Distinct reports contributing to the group.
    pub reports: usize,
    pub successful: u64,
    pub failed: u64,
}

/// Sessions of one policy domain on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DomainDay {
    /// `YYYY-MM-DD`, or empty when the report's start is not readable.
    pub day: String,
    /// Empty for entries without `policy-domain`.
    pub domain: String,
    pub successful: u64,
    pub failed: u64,
}

/// One MX host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MxRow {
    pub host: String,
    /// Whether a policy lists it (or a pattern such as `*.example.com`) in `mx-host`.
    pub in_policy: bool,
    /// Failed sessions whose failure details name it as `receiving-mx-hostname`.
    pub failed: u64,
    /// The result types of those failures, by name.
    pub result_types: Vec<String>,
}

/// Failed sessions of one result type (RFC 8460 §4.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    pub name: String,
    pub count: u64,
    /// What it means to the receiving domain.
    pub explanation: String,
}

impl ReportSet {
    /// The aggregated view the pages render.
    pub fn summary(&self) -> Summary {
        summarize(self)
    }
}

#[derive(Default)]
struct Sums {
    reports: usize,
    successful: u64,
    failed: u64,
}

impl Sums {
    fn add(&mut self, successful: u64, failed: u64) {
        self.successful = self.successful.saturating_add(successful);
        self.failed = self.failed.saturating_add(failed);
    }
}

fn report_sums(report: &TlsReport) -> (u64, u64) {
    report.policies.iter().fold((0, 0), |(s, f), p| (s.saturating_add(p.successful), f.saturating_add(p.failed)))
}

/// The UTC day a report's range starts on, `YYYY-MM-DD`.
pub fn day_of(start: &str) -> Option<String> {
    let seconds = unix_seconds(start)?;
    let (y, m, d) = crate::civil::civil_from_days(seconds.div_euclid(86_400));
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn rows(map: BTreeMap<Option<String>, Sums>, missing: &str) -> Vec<Row> {
    let mut out: Vec<Row> = map
        .into_iter()
        .map(|(key, s)| Row {
            label: key.clone().unwrap_or_else(|| missing.to_owned()),
            key,
            reports: s.reports,
            successful: s.successful,
            failed: s.failed,
        })
        .collect();
    // `None` sorts first in a BTreeMap; a missing name reads better after the named ones.
    out.sort_by_key(|r| r.key.is_none());
    out
}

fn summarize(set: &ReportSet) -> Summary {
    let mut days: BTreeMap<Option<String>, Sums> = BTreeMap::new();
    let mut reporters: BTreeMap<Option<String>, Sums> = BTreeMap::new();
    let mut domains: BTreeMap<Option<String>, Sums> = BTreeMap::new();
    let mut domain_days: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    let mut mx: BTreeMap<String, MxRow> = BTreeMap::new();
    let mut without_mx = 0u64;
    let mut types: BTreeMap<ResultType, u64> = BTreeMap::new();
    for report in &set.reports {
        let (ok, failed) = report_sums(report);
        let day = day_of(&report.start);
        let day_entry = days.entry(day.clone()).or_default();
        day_entry.reports += 1;
        day_entry.add(ok, failed);
        let organization = Some(report.organization.clone()).filter(|o| !o.trim().is_empty());
        let reporter = reporters.entry(organization).or_default();
        reporter.reports += 1;
        reporter.add(ok, failed);
        let mut counted_domains: Vec<Option<&str>> = Vec::new();
        for policy in &report.policies {
            let domain = domains.entry(policy.policy_domain.clone()).or_default();
            if !counted_domains.contains(&policy.policy_domain.as_deref()) {
                counted_domains.push(policy.policy_domain.as_deref());
                domain.reports += 1;
            }
            domain.add(policy.successful, policy.failed);
            let key = (day.clone().unwrap_or_default(), policy.policy_domain.clone().unwrap_or_default());
            let sums = domain_days.entry(key).or_default();
            sums.0 = sums.0.saturating_add(policy.successful);
            sums.1 = sums.1.saturating_add(policy.failed);
            for host in &policy.mx_host {
                mx.entry(host.to_ascii_lowercase()).or_insert_with(|| mx_row(host)).in_policy = true;
            }
            for failure in &policy.failures {
                let count = types.entry(failure.result_type.clone()).or_default();
                *count = count.saturating_add(failure.count);
                match &failure.receiving_mx_hostname {
                    Some(host) => {
                        let row = mx.entry(host.to_ascii_lowercase()).or_insert_with(|| mx_row(host));
                        row.failed = row.failed.saturating_add(failure.count);
                        let name = failure.result_type.as_str();
                        if !row.result_types.iter().any(|t| t == name) {
                            row.result_types.push(name.to_owned());
                            row.result_types.sort();
                        }
                    }
                    None => without_mx = without_mx.saturating_add(failure.count),
                }
            }
        }
    }
    let mut result_types: Vec<ResultRow> = types
        .into_iter()
        .map(|(t, count)| ResultRow { name: t.as_str().to_owned(), count, explanation: t.explain() })
        .collect();
    result_types.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    Summary {
        headline: words::headline(
            set.totals.successful,
            set.totals.failed,
            plural(set.reports.len(), "report", "reports"),
            plural(set.files.len(), "file", "files"),
        ),
        successful: set.totals.successful,
        failed: set.totals.failed,
        days: rows(days, &words::unknown_day()),
        reporters: rows(reporters, &words::no_organization()),
        domains: rows(domains, &words::no_policy_domain()),
        domain_days: domain_days
            .into_iter()
            .map(|((day, domain), (successful, failed))| DomainDay { day, domain, successful, failed })
            .collect(),
        mx_hosts: mx.into_values().collect(),
        failures_without_mx_host: without_mx,
        result_types,
    }
}

fn mx_row(host: &str) -> MxRow {
    MxRow { host: host.to_ascii_lowercase(), in_policy: false, failed: 0, result_types: Vec::new() }
}

// ----- the chart -----

/// A bar chart of successful and failed sessions per day, as geometry in a `width` × `height` SVG
/// coordinate space: the page draws each bar as two `<rect>`s, failed stacked on successful.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    /// The y of the baseline: bars grow upwards from it; the day labels sit below it.
    pub baseline: f64,
    /// The largest day's sessions, which reach the top of the plot.
    pub max: u64,
    /// One sentence describing the chart, for its accessible name.
    pub title: String,
    pub bars: Vec<Bar>,
}

/// One day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub day: String,
    pub x: f64,
    pub width: f64,
    /// The successful sessions' rectangle: from `successful_y` down to the baseline.
    pub successful_y: f64,
    pub successful_height: f64,
    /// The failed sessions' rectangle, on top of the successful one.
    pub failed_y: f64,
    pub failed_height: f64,
    pub successful: u64,
    pub failed: u64,
    /// The day's counts in words, for the bar's tooltip and screen readers.
    pub title: String,
    /// The day's label under the axis; only some bars carry one when there are too many to fit.
    pub label: Option<String>,
}

pub const CHART_WIDTH: f64 = 600.0;
pub const CHART_HEIGHT: f64 = 220.0;
const TOP: f64 = 10.0;
const LABEL_SPACE: f64 = 30.0;
/// A failure count of one among thousands would be thinner than a pixel: a day with failures always
/// shows at least this much red, so failures are never invisible.
const MIN_VISIBLE: f64 = 3.0;
/// A week of reports would otherwise be drawn as a few slabs across the whole width.
const MAX_BAR_WIDTH: f64 = 48.0;
/// About how many `YYYY-MM-DD` labels fit under the axis without overlapping.
const MAX_LABELS: usize = 8;

impl Summary {
    /// The per-day chart; days whose date is unknown are left out (they are in [`Summary::days`]).
    #[allow(clippy::cast_precision_loss, reason = "day and session counts are far below f64's 52 bits")]
    pub fn chart(&self) -> Chart {
        let days: Vec<&Row> = self.days.iter().filter(|d| d.key.is_some()).collect();
        let baseline = CHART_HEIGHT - LABEL_SPACE;
        let plot = baseline - TOP;
        let max = days.iter().map(|d| d.successful.saturating_add(d.failed)).max().unwrap_or(0);
        let slot = if days.is_empty() { CHART_WIDTH } else { CHART_WIDTH / days.len() as f64 };
        let width = (slot * 0.8).clamp(1.0, MAX_BAR_WIDTH);
        let every = days.len().div_ceil(MAX_LABELS).max(1);
        let scale = |n: u64| if max == 0 { 0.0 } else { n as f64 / max as f64 * plot };
        let bars = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let day = d.label.clone();
                let mut failed_height = scale(d.failed);
                if d.failed > 0 {
                    failed_height = failed_height.max(MIN_VISIBLE);
                }
                let successful_height = scale(d.successful).min(plot - failed_height).max(0.0);
                let successful_y = baseline - successful_height;
                let x = i as f64 * slot + (slot - width) / 2.0;
                Bar {
                    title: words::day_bar(&day, d.successful, d.failed),
                    label: (i % every == 0).then(|| day.clone()),
                    day,
                    x,
                    width,
                    successful_y,
                    successful_height,
                    failed_y: successful_y - failed_height,
                    failed_height,
                    successful: d.successful,
                    failed: d.failed,
                }
            })
            .collect::<Vec<_>>();
        Chart {
            width: CHART_WIDTH,
            height: CHART_HEIGHT,
            baseline,
            max,
            title: words::chart_title(bars.len(), max),
            bars,
        }
    }

    /// The per-day, per-policy-domain table as CSV (RFC 4180, CRLF line ends), for a spreadsheet.
    pub fn csv(&self) -> String {
        let mut out = String::from("day,policy_domain,successful_sessions,failed_sessions\r\n");
        for row in &self.domain_days {
            out.push_str(&csv_field(&row.day));
            out.push(',');
            out.push_str(&csv_field(&row.domain));
            let _ = write!(out, ",{},{}\r\n", row.successful, row.failed);
        }
        out
    }
}

/// Quotes a field when RFC 4180 needs it, and defuses a leading `=`, `+`, `-` or `@`: a domain comes from
/// a report anyone can send, and a spreadsheet would run it as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read_files;

    const RFC: &[u8] = include_bytes!("../../tests/fixtures/reports/rfc8460-appendix-b.json");
    const GOOGLE: &[u8] = include_bytes!("../../tests/fixtures/reports/google-shape.json");
    const GOOGLE_NO_FAILURES: &[u8] = include_bytes!("../../tests/fixtures/reports/google-shape-no-failures.json");
    const MICROSOFT: &[u8] = include_bytes!("../../tests/fixtures/reports/microsoft-shape.json");
    const DAEMON: &[u8] = include_bytes!("../../tests/fixtures/reports/reporting-daemon-shape.json");
    const ODD: &[u8] = include_bytes!("../../tests/fixtures/reports/unknown-result-type-and-extra-fields.json");

    fn all() -> ReportSet {
        let files = [
            ("rfc.json", RFC),
            ("google.json", GOOGLE),
            ("google-ok.json", GOOGLE_NO_FAILURES),
            ("microsoft.json", MICROSOFT),
            ("daemon.json", DAEMON),
            ("odd.json", ODD),
        ];
        let files: Vec<(String, &[u8])> = files.iter().map(|(n, b)| ((*n).to_owned(), *b)).collect();
        read_files(&files)
    }

    fn sums(rows: &[Row]) -> (u64, u64, usize) {
        rows.iter().fold((0, 0, 0), |(s, f, n), r| (s + r.successful, f + r.failed, n + r.reports))
    }

    #[test]
    fn every_table_adds_up_to_the_totals() {
        let set = all();
        let summary = set.summary();
        assert!(set.reports.len() >= 5, "{:?}", set.files);
        assert_eq!((summary.successful, summary.failed), (set.totals.successful, set.totals.failed));
        let reports = set.reports.len();
        assert_eq!(sums(&summary.days), (set.totals.successful, set.totals.failed, reports));
        assert_eq!(sums(&summary.reporters), (set.totals.successful, set.totals.failed, reports));
        let (s, f, _) = sums(&summary.domains);
        assert_eq!((s, f), (set.totals.successful, set.totals.failed));
        let dd = summary.domain_days.iter().fold((0, 0), |(s, f), r| (s + r.successful, f + r.failed));
        assert_eq!(dd, (set.totals.successful, set.totals.failed));
        // Failure details are counted once each: per MX host (or without one), and per result type.
        let details: u64 = set.totals.by_result_type.values().sum();
        let per_type: u64 = summary.result_types.iter().map(|r| r.count).sum();
        assert_eq!(per_type, details);
        let per_mx: u64 = summary.mx_hosts.iter().map(|m| m.failed).sum();
        assert_eq!(per_mx + summary.failures_without_mx_host, details);
        let chart = summary.chart();
        let charted = chart.bars.iter().fold((0, 0), |(s, f), b| (s + b.successful, f + b.failed));
        let undated =
            summary.days.iter().filter(|d| d.key.is_none()).fold((0, 0), |(s, f), r| (s + r.successful, f + r.failed));
        assert_eq!((charted.0 + undated.0, charted.1 + undated.1), (set.totals.successful, set.totals.failed));
    }

    #[test]
    fn groups_by_day_reporter_domain_mx_and_result_type() {
        let files: Vec<(String, &[u8])> =
            vec![("google.json".to_owned(), GOOGLE), ("microsoft.json".to_owned(), MICROSOFT)];
        let summary = read_files(&files).summary();
        assert_eq!(summary.headline, "1555 successful and 7 failed TLS sessions in 2 reports from 2 files.");
        assert_eq!(summary.days.len(), 1);
        assert_eq!(summary.days[0].label, "2026-11-29");
        assert_eq!((summary.days[0].successful, summary.days[0].failed, summary.days[0].reports), (1555, 7, 2));
        let reporters: Vec<&str> = summary.reporters.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(reporters, ["Google Inc.", "Microsoft Corporation"]);
        assert_eq!(summary.domains.len(), 1);
        assert_eq!(summary.domains[0].key.as_deref(), Some("example.com"));
        assert_eq!(summary.domains[0].reports, 2, "a report with two policies of one domain is one report");
        let mx2 = summary.mx_hosts.iter().find(|m| m.host == "mx2.example.com").unwrap();
        assert!(mx2.in_policy);
        assert_eq!((mx2.failed, mx2.result_types.as_slice()), (4, ["certificate-expired".to_owned()].as_slice()));
        let mx1 = summary.mx_hosts.iter().find(|m| m.host == "mx1.example.com").unwrap();
        assert_eq!((mx1.failed, mx1.result_types.as_slice()), (1, ["tlsa-invalid".to_owned()].as_slice()));
        assert_eq!(summary.failures_without_mx_host, 2);
        assert_eq!(summary.result_types[0].name, "certificate-expired");
        assert_eq!(summary.result_types[0].explanation, ResultType::CertificateExpired.explain());
    }

    #[test]
    fn missing_names_are_labelled_and_listed_last() {
        let summary = all().summary();
        if let Some(last) = summary.domains.last() {
            assert!(summary.domains.iter().rev().skip(1).all(|d| d.key.is_some()));
            if last.key.is_none() {
                assert_eq!(last.label, words::no_policy_domain());
            }
        }
        assert!(summary.domains.iter().any(|d| d.key.is_none()), "the daemon's report has no policy domain");
    }

    #[test]
    fn the_chart_has_one_bar_per_day_and_failures_stay_visible() {
        let summary = all().summary();
        let chart = summary.chart();
        let dated = summary.days.iter().filter(|d| d.key.is_some()).count();
        assert_eq!(chart.bars.len(), dated);
        assert_eq!(chart.max, chart.bars.iter().map(|b| b.successful + b.failed).max().unwrap());
        for bar in &chart.bars {
            assert!(bar.x >= 0.0 && bar.x + bar.width <= chart.width + 1e-9, "{bar:?}");
            assert!(bar.width <= MAX_BAR_WIDTH, "{bar:?}");
            assert!((bar.successful_y + bar.successful_height - chart.baseline).abs() < 1e-9);
            assert!((bar.failed_y + bar.failed_height - bar.successful_y).abs() < 1e-9);
            assert!(bar.failed_y >= TOP - 1e-9, "{bar:?}");
            if bar.failed > 0 {
                assert!(bar.failed_height >= MIN_VISIBLE, "{bar:?}");
            }
            assert!(bar.title.contains(&bar.day));
        }
        assert!(chart.bars.first().unwrap().label.is_some());
    }

    #[test]
    fn many_days_get_few_labels() {
        let reports: Vec<Vec<u8>> = (1..=30)
            .map(|d| {
                serde_json::to_vec(&serde_json::json!({
                    "organization-name": "R", "report-id": format!("r{d}"),
                    "date-range": {"start-datetime": format!("2026-11-{d:02}T00:00:00Z"),
                                   "end-datetime": format!("2026-11-{d:02}T23:59:59Z")},
                    "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.com"},
                                  "summary": {"total-successful-session-count": d, "total-failure-session-count": 0}}]
                }))
                .unwrap()
            })
            .collect();
        let files: Vec<(String, &[u8])> = reports.iter().map(|b| ("r.json".to_owned(), b.as_slice())).collect();
        let chart = read_files(&files).summary().chart();
        assert_eq!(chart.bars.len(), 30);
        assert_eq!(chart.bars[0].day, "2026-11-01");
        assert_eq!(chart.bars[29].day, "2026-11-30");
        let labels = chart.bars.iter().filter(|b| b.label.is_some()).count();
        assert!((1..=MAX_LABELS).contains(&labels), "{labels}");
        assert!((chart.bars[29].successful_y - TOP).abs() < 1e-9, "the biggest day reaches the top");
    }

    #[test]
    fn days_are_utc_dates_of_the_start() {
        assert_eq!(day_of("2026-11-29T00:00:00Z").as_deref(), Some("2026-11-29"));
        assert_eq!(day_of("2026-11-29T23:30:00-02:00").as_deref(), Some("2026-11-30"));
        assert_eq!(day_of("2024-02-29T12:00:00Z").as_deref(), Some("2024-02-29"));
        assert_eq!(day_of("1970-01-01T00:00:00Z").as_deref(), Some("1970-01-01"));
        assert_eq!(day_of("yesterday"), None);
        for days in [-800_000, -1, 0, 59, 60, 365, 11_016, 20_000, 2_000_000] {
            let (y, m, d) = crate::civil::civil_from_days(days);
            assert_eq!(crate::civil::days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let summary = all().summary();
        let csv = summary.csv();
        assert!(csv.starts_with("day,policy_domain,successful_sessions,failed_sessions\r\n"));
        assert_eq!(csv.lines().count(), summary.domain_days.len() + 1);
        assert!(csv.contains("2026-11-29,example.com,"), "{csv}");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("example.com"), "example.com");
    }
}
